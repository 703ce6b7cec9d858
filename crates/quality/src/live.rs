//! Live guidance: the same checks as on a still, run on camera frames as
//! they arrive, and the coach that turns a stream of per-frame verdicts into
//! one steady message and the moment to shoot.
//!
//! Per frame ([`LiveDocument::look`], [`LiveSelfie::look`]) the page hands
//! over the frame reduced to about [`LIVE_SIDE`] px and, for the document, a
//! [`PATCH`]-px square cut from the camera at its own resolution: a screen's
//! pixel grid is finer than the reduced frame keeps (see [`crate::screen`]).
//! Planes are kept between frames and refilled.
//!
//! Across frames ([`Coach`]): the most useful cue first (the order of
//! [`Cue`]); a shown cue stays at least [`HOLD_MS`] and its successor must be
//! the frame's cue [`CONFIRM_FRAMES`] times in a row (hysteresis: nothing
//! flickers). Steadiness is measured, not assumed: the displacement of the
//! document's (or face's) centre and the change of its size, relative to
//! its size and per 100 ms, between now and each of its places 150 to 400 ms
//! ago — the median over those pairs (a hand shaking irregularly is away
//! from most of its former places; the locator's and the face detector's
//! own jitter is divided by the time between), then the median of the last
//! few frames' measures. A loop slower than that window (frames further
//! apart than 150 ms, as in WebKitGTK's e2e or on an old phone) compares
//! with its previous frame instead, up to [`MOTION_FALLBACK_MS`]; a
//! document's size counts as motion only beyond its measuring noise. The
//! shot is taken when the frame has been good and steady on
//! [`STREAK_FRAMES`] frames in a row spanning at least [`STREAK_MS`] — the
//! "several consecutive good frames" rule of the auto-capture SDKs (Onfido,
//! Smile ID, BlinkID), with the still then checked again at full resolution.

use crate::document::{judge, patch_centres, DocumentVerdict, Moire, Thresholds};
use crate::frame::{Frame, Planes};
use crate::geometry::Pt;
use crate::selfie::{judge_selfie, FaceDetector, SelfieThresholds, SelfieVerdict};
use crate::Reason;
use serde::Serialize;

/// Longer side of the frames the live loop analyses.
pub const LIVE_SIDE: usize = 640;
/// Longer side of the copy the document is located in on live frames.
pub const LIVE_LOCATE_SIDE: usize = 320;
/// Longer side faces are looked for in on live frames: detection cost grows
/// with the area (12 ms at 320 px, 58 ms at 640 px natively), and a selfie's
/// face spans a fifth of the frame or more, well above the detector's
/// 40-px window at 320 px.
pub const LIVE_FACE_SIDE: usize = 320;
/// Side of the full-resolution patch for the screen check.
pub const PATCH: usize = crate::screen::N;

/// A shown cue stays at least this long (ms).
pub const HOLD_MS: f64 = 1000.0;
/// A new cue must be the frame's cue this many analysed frames in a row.
pub const CONFIRM_FRAMES: u32 = 2;
/// Frames analysed before the first cue is shown: the three screen-check
/// patches have then all been looked at, and the cue was confirmed.
pub const WARMUP_FRAMES: u32 = 3;
/// Good and steady frames in a row before the shot.
pub const STREAK_FRAMES: u32 = 4;
/// ... spanning at least this long (ms).
pub const STREAK_MS: f64 = 400.0;
/// Steady: the subject moves less than this share of its own size per
/// 100 ms. At 1280 px a card spans ~900 px: 2 % is 18 px per 100 ms, a few
/// pixels over a 1/60 s exposure, which the full-resolution re-check still
/// judges; a hand held still trembles well under it.
pub const STEADY: f32 = 0.02;
/// Ages (ms) of the earlier places the current one is compared with: over
/// a sixth of a second or more the locator's sub-pixel noise is small next
/// to real motion (frame to frame, at 25 analyses per second, it would read
/// as motion).
pub const MOTION_WINDOW_MS: (f64, f64) = (150.0, 400.0);
/// Oldest place a slow loop compares with when none is in
/// [`MOTION_WINDOW_MS`]: where an analysis takes longer than the window
/// (WebKitGTK's video readback in the e2e; an old phone), the youngest
/// place past the window's start still measures the rate, over a longer
/// base. Without it such a loop never knows steadiness and never shoots.
pub const MOTION_FALLBACK_MS: f64 = 1500.0;
/// Share of a document's size by which its measured size wanders from
/// frame to frame while nothing moves: a blurred or unevenly lit card's
/// outline is found within a few percent (measured: 0.535 to 0.563 of the
/// frame on the blurred clip). Size changes count as motion beyond it.
const DOC_SIZE_NOISE: f32 = 0.04;
/// The face detector's size step between pyramid levels (its scale factor
/// is 0.8, see [`crate::selfie`]), with a margin for rounding.
const FACE_SIZE_STEP: f32 = 1.3;
/// Places remembered for the motion measure.
const HISTORY: usize = 16;
/// Motion measures whose median decides "steady": a face box moves by the
/// detector's window step (a few percent of the face) from one frame to the
/// next even when nothing moves; a moving hand moves on every frame.
const MOTION_MEDIAN: usize = 5;
/// A screen, screenshot or photocopy seen stays suspected this long (ms):
/// the evidence (a pixel grid, a flat colour) is intermittent from frame to
/// frame, its absence in one frame refutes nothing, and a genuine card
/// never shows it.
pub const STICKY_MS: f64 = 2500.0;
/// Share of the frame's long side a cut-off document must span for the cue
/// to be "move back" (it is too big) rather than "fit the whole document" (it
/// is off to one side).
const TOO_BIG: f32 = 0.85;

/// What the shopper is told, most useful first: the derived order is the
/// priority among the cues a frame raises. Document and selfie cues are
/// interleaved so each kind keeps its own order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cue {
    NoDocument,
    MoveCloser,
    MoveBack,
    FitDocument,
    RemoveDocument,
    OnePerson,
    NoFace,
    TooDark,
    NotOriginal,
    Glare,
    FaceCloser,
    FaceCentre,
    HoldStill,
    Blur,
    /// The document is good but its MRZ is not read yet: closer, no glare
    /// on the bottom lines ([`crate::mrz::live::Gate`]).
    ReadMrz,
    /// The side shown has no MRZ where one is awaited: the other side.
    TurnOver,
    Ready,
}

impl Cue {
    pub const ALL: [Cue; 17] = [
        Cue::NoDocument,
        Cue::MoveCloser,
        Cue::MoveBack,
        Cue::FitDocument,
        Cue::RemoveDocument,
        Cue::OnePerson,
        Cue::NoFace,
        Cue::TooDark,
        Cue::NotOriginal,
        Cue::Glare,
        Cue::FaceCloser,
        Cue::FaceCentre,
        Cue::HoldStill,
        Cue::Blur,
        Cue::ReadMrz,
        Cue::TurnOver,
        Cue::Ready,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Cue::NoDocument => "no_document",
            Cue::MoveCloser => "move_closer",
            Cue::MoveBack => "move_back",
            Cue::FitDocument => "fit_document",
            Cue::RemoveDocument => "remove_document",
            Cue::OnePerson => "one_person",
            Cue::NoFace => "no_face",
            Cue::TooDark => "too_dark",
            Cue::NotOriginal => "not_original",
            Cue::Glare => "glare",
            Cue::FaceCloser => "face_closer",
            Cue::FaceCentre => "face_centre",
            Cue::HoldStill => "hold_still",
            Cue::Blur => "blur",
            Cue::ReadMrz => "read_mrz",
            Cue::TurnOver => "turn_over",
            Cue::Ready => "ready",
        }
    }
}

/// A set of cues (a bit per cue: no allocation per frame).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Cues(u32);

impl Cues {
    pub fn insert(&mut self, c: Cue) {
        self.0 |= 1 << c as u32;
    }
    pub fn contains(self, c: Cue) -> bool {
        self.0 & (1 << c as u32) != 0
    }
    /// The most useful cue, `Ready` when there is none.
    pub fn first(self) -> Cue {
        Cue::ALL.into_iter().find(|c| self.contains(*c)).unwrap_or(Cue::Ready)
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// Where the subject is, in units of the frame's long side (so frames of
/// different sizes compare).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Anchor {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    /// The size comes in the detector's scale steps (a face: its pyramid
    /// steps by 1/0.8 between scales while nothing moves), so a change of
    /// size counts as motion only beyond one step; a document's outline is
    /// measured finely.
    pub stepped_size: bool,
}

/// What one live frame showed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Look {
    pub cues: Cues,
    pub anchor: Option<Anchor>,
    /// Where to cut the next frame's screen-check patch (units of the long
    /// side), `None` for the frame centre.
    pub next_patch: Option<(f32, f32)>,
}

/// The cues of a document verdict.
pub fn document_cues(v: &DocumentVerdict) -> Cues {
    let mut c = Cues::default();
    // A screen or a screenshot is the one thing to change: how it is
    // framed, lit or focused does not matter (a screenshot of a card reads
    // small, soft and dark as a card), and "closer" would send the shopper
    // the wrong way.
    if v.reasons.iter().any(|r| matches!(r, Reason::Screen | Reason::Screenshot)) {
        c.insert(Cue::NotOriginal);
        return c;
    }
    for r in &v.reasons {
        match r {
            // A frame too dark to find anything in is first of all too dark;
            // a screen's grid or a screenshot's edges say more than "no
            // document" (the shopper is showing one, just not the original).
            Reason::NoDocument
                if !v.reasons.iter().any(|r| matches!(r, Reason::TooDark | Reason::Screen | Reason::Screenshot)) =>
            {
                c.insert(Cue::NoDocument)
            }
            // A card running off the frame looks smaller than it is: fit it
            // first, judge its size after.
            Reason::TooSmall if !v.reasons.contains(&Reason::CutOff) => c.insert(Cue::MoveCloser),
            Reason::CutOff if v.scores.coverage >= TOO_BIG => c.insert(Cue::MoveBack),
            Reason::CutOff => c.insert(Cue::FitDocument),
            Reason::TooDark => c.insert(Cue::TooDark),
            Reason::Screen | Reason::Screenshot | Reason::Photocopy => c.insert(Cue::NotOriginal),
            Reason::Glare => c.insert(Cue::Glare),
            Reason::Blur => c.insert(Cue::Blur),
            _ => {}
        }
    }
    c
}

/// The cues of a selfie verdict.
pub fn selfie_cues(v: &SelfieVerdict) -> Cues {
    let mut c = Cues::default();
    for r in &v.reasons {
        match r {
            Reason::DocumentInSelfie => c.insert(Cue::RemoveDocument),
            Reason::MultipleFaces => c.insert(Cue::OnePerson),
            Reason::NoFace => c.insert(Cue::NoFace),
            Reason::TooDark => c.insert(Cue::TooDark),
            Reason::Blur => c.insert(Cue::Blur),
            _ => {}
        }
    }
    for g in &v.guidance {
        match *g {
            "too_far" => c.insert(Cue::FaceCloser),
            "off_centre" => c.insert(Cue::FaceCentre),
            _ => {}
        }
    }
    c
}

/// Screen-check patches remembered: the still's check takes the strongest
/// of three patches (centre and halfway to two opposite corners); live, one
/// patch per frame cycles through the same three places and the verdict
/// takes the strongest of the last three.
const PATCHES: usize = 3;

/// The live document check, keeping its buffers between frames.
#[derive(Default)]
pub struct LiveDocument {
    planes: Planes,
    small: Planes,
    patch: Planes,
    /// The screen signs (lattice, colour aliasing) of the last patches.
    signs: [(f32, f32); PATCHES],
    frame: usize,
    pub thresholds: Thresholds,
}

impl LiveDocument {
    /// Zero the frames kept between looks (the screen is over).
    pub fn wipe(&mut self) {
        for p in [&mut self.planes, &mut self.small, &mut self.patch] {
            p.wipe();
        }
    }

    /// Judge one reduced frame (longer side about [`LIVE_SIDE`]) and, when
    /// given, a `PATCH x PATCH` RGBA or luma patch at capture resolution.
    pub fn look(&mut self, frame: &Frame<'_>, patch: Option<&Frame<'_>>) -> (Look, DocumentVerdict) {
        self.planes.refill(frame);
        let moire = match patch {
            Some(p) if p.width() == PATCH && p.height() == PATCH => {
                self.patch.refill(p);
                Moire::Patch(&self.patch)
            }
            _ => Moire::Skip,
        };
        // Location, exposure, glare and colour on a half-size copy (the
        // locator's cost grows with the area: 5.3 ms at 640 px, 1.4 ms at
        // 320 px natively); sharpness and the screenshot edges on the frame.
        self.planes.downscale_into(LIVE_LOCATE_SIDE, &mut self.small);
        let v = judge(&self.planes, &self.small, moire, false, &self.thresholds);
        let mut v = v;
        if patch.is_some() {
            self.signs[self.frame % PATCHES] = (v.scores.moire, v.scores.alias);
            v.scores.moire = self.signs.iter().map(|s| s.0).fold(0.0, f32::max);
            v.scores.alias = self.signs.iter().map(|s| s.1).fold(0.0, f32::max);
            let screen = self.thresholds.is_screen(v.scores.moire, v.scores.alias);
            if screen && !v.reasons.contains(&Reason::Screen) {
                v.reasons.push(Reason::Screen);
                v.accept = false;
            }
        }
        self.frame += 1;
        let long = self.planes.w.max(self.planes.h) as f32;
        let anchor = v.scores.quad.map(|q| anchor_of(&q, long));
        let next_patch = v.scores.quad.map(|q| {
            let p = patch_centres(&crate::geometry::shrink(&q, 0.88))[self.frame % PATCHES];
            (p.x / long, p.y / long)
        });
        (Look { cues: document_cues(&v), anchor, next_patch }, v)
    }
}

fn anchor_of(q: &[Pt; 4], long: f32) -> Anchor {
    let d = |a: Pt, b: Pt| ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
    Anchor {
        x: q.iter().map(|p| p.x).sum::<f32>() / 4.0 / long,
        y: q.iter().map(|p| p.y).sum::<f32>() / 4.0 / long,
        size: d(q[0], q[1]).max(d(q[1], q[2])) / long,
        stepped_size: false,
    }
}

/// Detection window step on live frames: 6 px instead of the still's 4
/// takes ~20 % off the live selfie check with no face lost on the labelled
/// selfies (8 loses some); the still is then searched at the full step.
pub const LIVE_FACE_STEP: u32 = 6;

/// The live selfie check, keeping its buffers between frames.
#[derive(Default)]
pub struct LiveSelfie {
    planes: Planes,
    small: Planes,
    pub thresholds: SelfieThresholds,
}

impl LiveSelfie {
    /// Zero the frames kept between looks (the screen is over).
    pub fn wipe(&mut self) {
        self.planes.wipe();
        self.small.wipe();
    }

    /// Judge one reduced frame: faces and cards looked for at
    /// [`LIVE_FACE_SIDE`], sharpness measured on the frame itself.
    pub fn look(&mut self, frame: &Frame<'_>, detector: &mut FaceDetector) -> (Look, SelfieVerdict) {
        // Faces, cards and sharpness are all judged on luma.
        self.planes.refill_luma(frame);
        self.planes.downscale_into(LIVE_FACE_SIDE, &mut self.small);
        detector.set_step(LIVE_FACE_STEP);
        let v = judge_selfie(&self.planes, &self.small, detector, &self.thresholds, false);
        detector.set_step(crate::selfie::STEP);
        let long = self.planes.w.max(self.planes.h) as f32;
        let anchor = v.scores.faces.first().map(|f| Anchor {
            x: (f.x + f.w / 2.0) / long,
            y: (f.y + f.h / 2.0) / long,
            size: f.w / long,
            stepped_size: true,
        });
        (Look { cues: selfie_cues(&v), anchor, next_patch: None }, v)
    }
}

/// What the coach says after a frame.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Advice {
    /// The cue to show (held by the hysteresis); none in the first frames.
    pub cue: Option<Cue>,
    /// The shown cue changed with this frame.
    pub changed: bool,
    /// The frame outline shows "good".
    pub good: bool,
    /// Take the shot now (said once).
    pub capture: bool,
    /// Measured motion, share of the subject's size per 100 ms (median of
    /// recent measures; `None` without enough history).
    pub motion: Option<f32>,
}

/// Frame-to-frame judgement: hysteresis, steadiness and the shot.
#[derive(Clone, Debug)]
pub struct Coach {
    shown: Option<Cue>,
    shown_at: f64,
    pending: Option<Cue>,
    pending_n: u32,
    /// Recent (time, place) of the subject, a ring.
    history: [(f64, Anchor); HISTORY],
    len: usize,
    next: usize,
    streak: u32,
    streak_from: f64,
    fired: bool,
    not_original_until: f64,
    motions: [f32; MOTION_MEDIAN],
    mlen: usize,
    mnext: usize,
    analysed: u32,
    /// What to say instead of "ready" while an awaited MRZ is not read
    /// ([`Coach::await_mrz`]).
    mrz_wait: Option<Cue>,
}

impl Default for Coach {
    fn default() -> Self {
        Coach {
            shown: None,
            shown_at: 0.0,
            pending: None,
            pending_n: 0,
            history: [(0.0, Anchor::default()); HISTORY],
            len: 0,
            next: 0,
            streak: 0,
            streak_from: 0.0,
            fired: false,
            not_original_until: f64::NEG_INFINITY,
            motions: [0.0; MOTION_MEDIAN],
            mlen: 0,
            mnext: 0,
            analysed: 0,
            mrz_wait: None,
        }
    }
}

impl Coach {
    /// While `Some(cue)`, a frame with nothing else to fix says `cue`
    /// ([`Cue::ReadMrz`], [`Cue::TurnOver`]) instead of "ready", so the
    /// shot waits for the MRZ; `None` once it is read (or on a side that
    /// has none). Set before each [`Coach::update`].
    pub fn await_mrz(&mut self, cue: Option<Cue>) {
        self.mrz_wait = cue;
    }

    /// Start again (a retake, a camera switch).
    pub fn reset(&mut self) {
        *self = Coach::default();
    }

    /// Feed one analysed frame taken at `now` (ms).
    pub fn update(&mut self, now: f64, look: &Look) -> Advice {
        let motion = look.anchor.filter(|b| b.size > 0.0).and_then(|b| {
            let rate = |a: &Anchor, age: f64| {
                let size = if b.stepped_size {
                    // Beyond one pyramid step only: a face coming
                    // closer after "closer" still reads as moving.
                    let ratio = (a.size.max(1e-6) / b.size).ln().abs();
                    b.size * (ratio - FACE_SIZE_STEP.ln()).max(0.0)
                } else {
                    ((a.size - b.size).abs() - DOC_SIZE_NOISE * b.size).max(0.0)
                };
                let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt() + size;
                d / b.size * (100.0 / age) as f32
            };
            let mut rates = [0f32; HISTORY];
            let mut n = 0;
            for (t, a) in &self.history[..self.len] {
                let age = now - t;
                if (MOTION_WINDOW_MS.0..=MOTION_WINDOW_MS.1).contains(&age) {
                    rates[n] = rate(a, age);
                    n += 1;
                }
            }
            if n == 0 {
                // A slow loop (its last two frames also further apart than
                // the window's start): the youngest place, if recent. A
                // fast loop's one stall (a collection, a tab switch) gives
                // no measure, as before, and restarts the streak.
                let (last, before) = self.history[..self.len].iter().fold((f64::MIN, f64::MIN), |(a, b), (t, _)| {
                    if *t > a {
                        (*t, a)
                    } else {
                        (a, b.max(*t))
                    }
                });
                let slow = self.len >= 2 && last - before > MOTION_WINDOW_MS.0;
                let youngest = self.history[..self.len]
                    .iter()
                    .map(|(t, a)| (now - t, a))
                    .filter(|(age, _)| *age > MOTION_WINDOW_MS.0 && *age <= MOTION_FALLBACK_MS)
                    .min_by(|x, y| x.0.total_cmp(&y.0));
                if let (true, Some((age, a))) = (slow, youngest) {
                    rates[0] = rate(a, age);
                    n = 1;
                }
            }
            (n > 0).then(|| {
                let r = &mut rates[..n];
                r.sort_by(f32::total_cmp);
                r[n / 2]
            })
        });
        let motion = match motion {
            Some(m) => {
                self.motions[self.mnext] = m;
                self.mnext = (self.mnext + 1) % MOTION_MEDIAN;
                self.mlen = (self.mlen + 1).min(MOTION_MEDIAN);
                (self.mlen > MOTION_MEDIAN / 2).then(|| {
                    let mut m = self.motions;
                    let m = &mut m[..self.mlen];
                    m.sort_by(f32::total_cmp);
                    m[self.mlen / 2]
                })
            }
            None => {
                self.mlen = 0;
                None
            }
        };
        match look.anchor {
            Some(a) => {
                self.history[self.next] = (now, a);
                self.next = (self.next + 1) % HISTORY;
                self.len = (self.len + 1).min(HISTORY);
            }
            // Subject lost: its old places say nothing about the next one.
            None => self.len = 0,
        }
        let mut cues = look.cues;
        if cues.contains(Cue::NotOriginal) {
            self.not_original_until = now + STICKY_MS;
        } else if now < self.not_original_until {
            cues.insert(Cue::NotOriginal);
        }
        if motion.is_some_and(|m| m > STEADY) {
            cues.insert(Cue::HoldStill);
        }
        if let (true, Some(wait)) = (cues.is_empty(), self.mrz_wait) {
            cues.insert(wait);
        }
        let cue = cues.first();

        // Steadiness known and nothing to fix: the streak grows.
        if cue == Cue::Ready && motion.is_some() {
            if self.streak == 0 {
                self.streak_from = now;
            }
            self.streak += 1;
        } else {
            self.streak = 0;
        }

        if self.pending == Some(cue) {
            self.pending_n += 1;
        } else {
            self.pending = Some(cue);
            self.pending_n = 1;
        }
        self.analysed = self.analysed.saturating_add(1);
        let mut changed = false;
        match self.shown {
            None if self.pending_n >= CONFIRM_FRAMES && self.analysed >= WARMUP_FRAMES => {
                self.shown = Some(cue);
                self.shown_at = now;
                changed = true;
            }
            Some(s) if s != cue && self.pending_n >= CONFIRM_FRAMES && now - self.shown_at >= HOLD_MS => {
                self.shown = Some(cue);
                self.shown_at = now;
                changed = true;
            }
            _ => {}
        }
        let capture = !self.fired
            && self.shown == Some(Cue::Ready)
            && self.streak >= STREAK_FRAMES
            && now - self.streak_from >= STREAK_MS;
        if capture {
            self.fired = true;
        }
        Advice { cue: self.shown, changed, good: self.shown == Some(Cue::Ready), capture, motion }
    }
}

/// Screen-reader announcements of the shown cue: a polite live region that
/// is told a new cue at most once per [`ANNOUNCE_MS`], and then the latest
/// one (what was said in between is already stale).
#[derive(Clone, Debug, Default)]
pub struct Announcer {
    said: Option<Cue>,
    at: f64,
}

/// Least time between two announcements (ms).
pub const ANNOUNCE_MS: f64 = 3000.0;

impl Announcer {
    /// The cue to announce now, if any.
    pub fn next(&mut self, now: f64, shown: Cue) -> Option<Cue> {
        if self.said == Some(shown) || (self.said.is_some() && now - self.at < ANNOUNCE_MS) {
            return None;
        }
        self.said = Some(shown);
        self.at = now;
        Some(shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(cues: &[Cue], x: f32) -> Look {
        let mut c = Cues::default();
        for &q in cues {
            c.insert(q);
        }
        Look { cues: c, anchor: Some(Anchor { x, y: 0.3, size: 0.6, stepped_size: false }), next_patch: None }
    }

    /// Frames every 66 ms (15 analysed per second) from `t0`.
    fn run(coach: &mut Coach, t0: f64, n: usize, f: impl Fn(usize) -> Look) -> Vec<Advice> {
        (0..n).map(|i| coach.update(t0 + i as f64 * 66.0, &f(i))).collect()
    }

    #[test]
    fn priority_follows_the_order_of_usefulness() {
        let mut c = Cues::default();
        c.insert(Cue::Blur);
        c.insert(Cue::Glare);
        assert_eq!(c.first(), Cue::Glare);
        c.insert(Cue::NoDocument);
        assert_eq!(c.first(), Cue::NoDocument);
        assert_eq!(Cues::default().first(), Cue::Ready);
    }

    #[test]
    fn a_good_steady_frame_is_shot_once_after_the_streak() {
        let mut coach = Coach::default();
        let out = run(&mut coach, 0.0, 20, |_| look(&[], 0.4));
        let shots: Vec<usize> = out.iter().enumerate().filter(|(_, a)| a.capture).map(|(i, _)| i).collect();
        assert_eq!(shots.len(), 1, "one shot: {shots:?}");
        // Motion is known from the first frame 150 ms old (frame 3); the
        // streak builds from there.
        let i = shots[0];
        assert!(i >= 3 + STREAK_FRAMES as usize - 1 && (i as f64 - 3.0) * 66.0 >= STREAK_MS, "shot at frame {i}");
        assert!(out[i].good);
    }

    #[test]
    fn a_blurred_document_is_never_shot_and_says_blur() {
        let mut coach = Coach::default();
        let out = run(&mut coach, 0.0, 200, |_| look(&[Cue::Blur], 0.4));
        assert!(out.iter().skip(2).all(|a| !a.capture && a.cue == Some(Cue::Blur) && !a.good));
        assert_eq!(out[0].cue, None, "nothing shown before the warm-up");
    }

    #[test]
    fn moving_says_hold_still_and_is_not_shot() {
        let mut coach = Coach::default();
        // A steady drift of 3 % of the size per frame: well over STEADY.
        let out = run(&mut coach, 0.0, 60, |i| look(&[], 0.2 + 0.018 * (i % 20) as f32));
        assert!(out.iter().all(|a| !a.capture));
        assert!(out.iter().skip(20).all(|a| a.cue == Some(Cue::HoldStill)), "{:?}", out.last());
    }

    #[test]
    fn a_face_box_stepping_between_detector_scales_is_steady_and_a_card_doing_so_is_not() {
        // The same centre, the size jumping 20 % every other frame: a face
        // detector's pyramid does this while nothing moves.
        let stepping = |stepped: bool| {
            move |i: usize| {
                let mut l = look(&[], 0.4);
                let a = l.anchor.as_mut().unwrap();
                a.size = if i.is_multiple_of(2) { 0.25 } else { 0.3 };
                a.stepped_size = stepped;
                l
            }
        };
        let face = run(&mut Coach::default(), 0.0, 30, stepping(true));
        assert!(face.iter().any(|a| a.capture), "{:?}", face.last());
        let card = run(&mut Coach::default(), 0.0, 30, stepping(false));
        assert!(card.iter().all(|a| !a.capture), "{:?}", card.last());
        // A face coming closer by more than a detector step per 150 ms (15 %
        // per 66-ms frame), its centre still: motion.
        let closer = run(&mut Coach::default(), 0.0, 30, |i| {
            let mut l = look(&[], 0.4);
            let a = l.anchor.as_mut().unwrap();
            a.size = 0.05 * 1.15f32.powi(i as i32);
            a.stepped_size = true;
            l
        });
        assert!(closer.iter().all(|a| !a.capture), "{:?}", closer.last());
    }

    #[test]
    fn shaking_back_and_forth_is_not_steady() {
        let mut coach = Coach::default();
        // An irregular shake of 5 % of the size (a new direction every
        // frame, the golden angle apart): no drift at all.
        let out = run(&mut coach, 0.0, 60, |i| {
            let a = i as f32 * 2.399;
            let mut l = look(&[], 0.4 + 0.03 * a.cos());
            l.anchor.as_mut().unwrap().y += 0.03 * a.sin();
            l
        });
        assert!(out.iter().all(|a| !a.capture));
        assert!(out.iter().skip(20).all(|a| a.cue == Some(Cue::HoldStill)));
    }

    #[test]
    fn tremor_below_the_threshold_is_steady() {
        let mut coach = Coach::default();
        // ~2 px jitter on a 640-px frame, every frame: 0.003 of the long side.
        let out = run(&mut coach, 0.0, 30, |i| look(&[], 0.4 + if i % 2 == 0 { 0.003 } else { 0.0 }));
        assert!(out.iter().any(|a| a.capture));
        assert!(out.iter().all(|a| a.cue != Some(Cue::HoldStill)));
    }

    #[test]
    fn a_cue_stays_at_least_the_hold_time_and_needs_confirmation() {
        let mut coach = Coach::default();
        // Glare, then alternating glare / blur every frame: glare stays.
        let out =
            run(&mut coach, 0.0, 60, |i| look(if i < 3 || i % 2 == 0 { &[Cue::Glare] } else { &[Cue::Blur] }, 0.4));
        assert!(out.iter().skip(2).all(|a| a.cue == Some(Cue::Glare)));
        // A lasting change shows only after HOLD_MS.
        let mut coach = Coach::default();
        let out = run(&mut coach, 0.0, 40, |i| look(if i < 3 { &[Cue::Glare] } else { &[Cue::Blur] }, 0.4));
        let switch = out.iter().position(|a| a.cue == Some(Cue::Blur)).unwrap();
        assert!((switch - 2) as f64 * 66.0 >= HOLD_MS, "switched at frame {switch}");
        assert_eq!(out.iter().filter(|a| a.changed).count(), 2);
    }

    #[test]
    fn a_shot_waits_for_ready_to_be_shown() {
        let mut coach = Coach::default();
        // Glare shown at frame 2, then good from frame 3: the shot comes only
        // once the glare message has had its hold time and "ready" is shown.
        let out = run(&mut coach, 0.0, 40, |i| look(if i < 3 { &[Cue::Glare] } else { &[] }, 0.4));
        assert_eq!(out[2].cue, Some(Cue::Glare));
        let i = out.iter().position(|a| a.capture).unwrap();
        assert!((i - 2) as f64 * 66.0 >= HOLD_MS && out[i].cue == Some(Cue::Ready));
    }

    #[test]
    fn a_slow_loop_still_knows_steadiness() {
        // An analysis every 450 ms (none falls in the 150-400 ms window).
        let slow = |coach: &mut Coach, n: usize, f: &dyn Fn(usize) -> Look| -> Vec<Advice> {
            (0..n).map(|i| coach.update(i as f64 * 450.0, &f(i))).collect()
        };
        let steady = slow(&mut Coach::default(), 12, &|_| look(&[], 0.4));
        assert!(steady.iter().any(|a| a.capture), "{:?}", steady.last());
        let drifting = slow(&mut Coach::default(), 12, &|i| look(&[], 0.1 + 0.1 * (i % 6) as f32));
        assert!(drifting.iter().all(|a| !a.capture));
        assert_eq!(drifting.last().unwrap().cue, Some(Cue::HoldStill));
    }

    #[test]
    fn a_documents_outline_wandering_in_size_is_steady() {
        // A blurred card's outline: its size 7 % apart from one frame to
        // the next (measured: within 5 % on the blurred clip), its place
        // still.
        let out = run(&mut Coach::default(), 0.0, 30, |i| {
            let mut l = look(&[], 0.4);
            l.anchor.as_mut().unwrap().size = 0.6 * if i % 2 == 0 { 0.965 } else { 1.035 };
            l
        });
        assert!(out.iter().any(|a| a.capture), "{:?}", out.last());
        // Coming closer by 6 % a frame is motion.
        let out = run(&mut Coach::default(), 0.0, 30, |i| {
            let mut l = look(&[], 0.4);
            l.anchor.as_mut().unwrap().size = 0.2 * 1.06f32.powi(i as i32);
            l
        });
        assert!(out.iter().all(|a| !a.capture), "{:?}", out.last());
    }

    #[test]
    fn a_stall_in_a_fast_loop_gives_no_motion() {
        let mut coach = Coach::default();
        let out = run(&mut coach, 0.0, 10, |_| look(&[], 0.4));
        assert!(out.last().unwrap().motion.is_some());
        // 800 ms without a frame, then frames again: no measure across it.
        let a = coach.update(9.0 * 66.0 + 800.0, &look(&[], 0.4));
        assert_eq!(a.motion, None);
    }

    #[test]
    fn a_gap_in_frames_gives_no_motion_and_restarts_the_streak() {
        let mut coach = Coach::default();
        coach.update(0.0, &look(&[], 0.4));
        let a = coach.update(2000.0, &look(&[], 0.4));
        assert_eq!(a.motion, None);
        assert!(!a.capture);
        // A lost subject forgets its places too.
        let mut coach = Coach::default();
        run(&mut coach, 0.0, 5, |_| look(&[], 0.4));
        coach.update(330.0, &Look::default());
        assert_eq!(coach.update(400.0, &look(&[], 0.4)).motion, None);
    }

    #[test]
    fn an_intermittent_screen_keeps_its_message_and_is_never_shot() {
        let mut coach = Coach::default();
        // The grid shows on one frame in four.
        let out = run(&mut coach, 0.0, 150, |i| look(if i % 4 == 0 { &[Cue::NotOriginal] } else { &[] }, 0.4));
        assert!(out.iter().skip(2).all(|a| !a.capture && a.cue == Some(Cue::NotOriginal)));
        // Gone for good: ready again after STICKY_MS, then shot.
        let out = run(&mut coach, 150.0 * 66.0, 80, |_| look(&[], 0.4));
        assert!(out.iter().any(|a| a.capture));
    }

    #[test]
    fn announcements_are_throttled_and_say_the_latest() {
        let mut a = Announcer::default();
        assert_eq!(a.next(0.0, Cue::NoDocument), Some(Cue::NoDocument));
        assert_eq!(a.next(500.0, Cue::NoDocument), None);
        assert_eq!(a.next(1000.0, Cue::Glare), None);
        assert_eq!(a.next(2000.0, Cue::Blur), None);
        assert_eq!(a.next(3000.0, Cue::Blur), Some(Cue::Blur));
        assert_eq!(a.next(3100.0, Cue::Blur), None);
    }

    #[test]
    fn darkness_outranks_a_missing_document() {
        let v = DocumentVerdict {
            accept: false,
            reasons: vec![Reason::NoDocument, Reason::TooDark],
            scores: Default::default(),
        };
        assert_eq!(document_cues(&v).first(), Cue::TooDark);
        let v =
            DocumentVerdict { accept: false, reasons: vec![Reason::Screen, Reason::Blur], scores: Default::default() };
        assert_eq!(document_cues(&v).first(), Cue::NotOriginal);
        let v = DocumentVerdict {
            accept: false,
            reasons: vec![Reason::NoDocument, Reason::Screen],
            scores: Default::default(),
        };
        assert_eq!(document_cues(&v).first(), Cue::NotOriginal);
    }
}
