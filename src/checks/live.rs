//! The live guidance loop of the capture screen: each new video frame (see
//! [`crate::camera::FrameClock`]) is reduced to 640 px and posted to the
//! analysis worker (see [`super::worker`]), which judges it with the same
//! core as the still ([`idcapture_quality::live`]); the coach's advice
//! goes to the screen. The page's part of a frame is a canvas draw and a
//! read-back (a few ms); the analysis runs on the worker's thread. One
//! frame is in flight at a time: a frame that arrives while one is, or
//! sooner than [`MIN_INTERVAL_MS`] after the last, is skipped, never
//! queued, so a slow device analyses fewer frames and the page never
//! waits.

use super::worker::{self, now_ms, parse_read, today, LOOK_TIMEOUT_MS, UNAVAILABLE_AFTER_MS};
use crate::camera::{live_size, patch_origin, FrameClock, Grabber};
use crate::flow::Part;
use idcapture_quality::live::{Announcer, Coach, Cue, Look, LIVE_SIDE, PATCH};
use idcapture_quality::mrz::live::Gate;
use idcapture_quality::wire::{FromWorker, ToWorker};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::HtmlVideoElement;
use yew::Callback;

/// Least time between two analysed frames (ms): at most ~33 per second.
pub const MIN_INTERVAL_MS: f64 = 30.0;
/// An MRZ attempt taking `d` ms in the worker is followed by at least
/// `DUTY * d` ms before the next, so live frames keep most of the worker.
pub const DUTY: f64 = 1.25;

/// The MRZ is read on frames of this long side: its glyphs are a fiftieth
/// of a card's width, a few pixels at the 640 px of the guidance.
pub const MRZ_SIDE: u32 = 1280;
/// Least time between two MRZ attempts (ms); a slow device waits
/// [`DUTY`] times the last attempt's duration too.
pub const MRZ_INTERVAL_MS: f64 = 250.0;
/// After an MRZ attempt with no answer, the next waits this long (ms).
pub const MRZ_BACKOFF_MS: f64 = 2000.0;
/// A still falls back on the live frames' agreed read only if it was read
/// this recently (ms): the card in the still is the one read.
pub const AGREED_MAX_AGE_MS: f64 = 1000.0;

/// Where the loop reports.
#[derive(Clone)]
pub struct LiveEvents {
    /// The shown cue changed (the outline is good with `Cue::Ready`).
    pub on_advice: Callback<Cue>,
    /// Say this to screen readers (throttled).
    pub on_announce: Callback<Cue>,
    /// Good and steady (and the MRZ agreed on, where awaited): take the
    /// shot (once), with the MRZ read the frames agreed on.
    pub on_capture: Callback<Option<idcapture_quality::mrz::Read>>,
    /// The selfie's face model cannot be had: no guidance, the shutter.
    pub on_unavailable: Callback<()>,
}

struct State {
    video: HtmlVideoElement,
    part: Part,
    grabber: Grabber,
    coach: Coach,
    announcer: Announcer,
    next_patch: Option<(f32, f32)>,
    last_at: f64,
    /// A frame posted to the worker and not answered yet (its time).
    in_flight: Option<f64>,
    analysed: u32,
    paused: Rc<Cell<bool>>,
    auto: bool,
    events: LiveEvents,
    /// The worker can judge this screen's frames (started, and for a
    /// selfie its face model loaded).
    ready: bool,
    /// Replies lost in a row (worker gone, stalled or too slow).
    lost: u32,
    /// When the gate was last reset (the card out of view): MRZ replies
    /// for frames before it are old news.
    gate_reset_at: f64,
    /// What this side does with the MRZ (formats, whether the shot waits).
    mrz: super::MrzSide,
    mrz_grabber: Grabber,
    gate: Gate,
    /// A frame posted for the MRZ and not answered yet (its time).
    mrz_in_flight: Option<f64>,
    mrz_next: f64,
    mrz_attempts: u32,
    /// The last analysed frame showed a document.
    document_seen: bool,
    /// The last analysed frame showed glare on the document.
    glare: bool,
}

/// A typed array's buffer, to transfer.
fn buffer_of(a: &js_sys::Uint8ClampedArray) -> JsValue {
    a.buffer().into()
}

impl State {
    /// On a new video frame: post it (and a larger copy for the MRZ, a few
    /// times a second while a document is in view) unless one is in flight.
    fn tick(&mut self, now: f64, me: &Rc<RefCell<State>>) {
        if !self.ready || self.paused.get() {
            return;
        }
        // A request whose reply never came back to the loop (it cannot
        // happen short of a bug) does not stop it for good.
        let stale = f64::from(LOOK_TIMEOUT_MS) + 1000.0;
        if self.in_flight.is_some_and(|t| now - t > stale) {
            self.in_flight = None;
        }
        if self.mrz_in_flight.is_some_and(|t| now - t > stale) {
            self.mrz_in_flight = None;
        }
        let (vw, vh) = (self.video.video_width(), self.video.video_height());
        if self.in_flight.is_none() && now - self.last_at >= MIN_INTERVAL_MS {
            let start = now_ms();
            let size = live_size(vw, vh, LIVE_SIDE as u32);
            if let Some(pixels) = self.grabber.grab(&self.video, size) {
                self.last_at = now;
                // The screen check's patch, cut at the camera's resolution
                // where the last frame said (on the document, cycling over
                // three places).
                let patch = (!self.part.is_selfie())
                    .then(|| patch_origin(self.next_patch, vw, vh, PATCH as u32))
                    .flatten()
                    .and_then(|(sx, sy)| self.grabber.grab_patch(&self.video, sx, sy));
                let grab_ms = now_ms() - start;
                let _ = self.video.set_attribute("data-grab-ms", &format!("{grab_ms:.1}"));
                self.in_flight = Some(now);
                let (selfie, side) = (self.part.is_selfie(), patch.as_ref().map(|_| PATCH as u32));
                let (w, h) = size;
                let weak = Rc::downgrade(me);
                wasm_bindgen_futures::spawn_local(async move {
                    let px = buffer_of(&pixels);
                    let pa = patch.as_ref().map(buffer_of);
                    let mut bufs = vec![("pixels", &px)];
                    if let Some(pa) = &pa {
                        bufs.push(("patch", pa));
                    }
                    let msg = |id| ToWorker::Look { id, selfie, w, h, patch: side };
                    let reply = worker::ask(msg, &bufs, LOOK_TIMEOUT_MS).await;
                    if let Some(state) = weak.upgrade() {
                        let lost = state.try_borrow_mut().map(|mut s| s.looked(now, reply)).unwrap_or(false);
                        if lost {
                            LiveLoop::connect(&state);
                        }
                    }
                });
            }
        }
        // A larger copy for the MRZ, while a document is in view.
        let wanted = !self.mrz.formats.is_empty();
        if wanted && self.document_seen && self.mrz_in_flight.is_none() && now >= self.mrz_next {
            let big = live_size(vw, vh, MRZ_SIDE);
            if let Some(pixels) = self.mrz_grabber.grab(&self.video, big) {
                self.mrz_in_flight = Some(now);
                // Glare as the looks saw it when this frame was taken.
                let glare_then = self.glare;
                let (formats, day) = (self.mrz.formats.to_vec(), today().to_string());
                let weak = Rc::downgrade(me);
                wasm_bindgen_futures::spawn_local(async move {
                    let px = buffer_of(&pixels);
                    let msg = |id| ToWorker::ReadMrz { id, w: big.0, h: big.1, formats, today: day };
                    let reply = worker::ask(msg, &[("pixels", &px)], LOOK_TIMEOUT_MS).await;
                    if let Some(state) = weak.upgrade() {
                        if let Ok(mut s) = state.try_borrow_mut() {
                            s.mrz_read(now, glare_then, reply);
                        }
                    }
                });
            }
        }
    }

    /// The worker's MRZ attempt on the frame of `now`: tell the gate. A
    /// reply to a request given up as stale is dropped (the gate takes its
    /// last attempt for the latest; an old frame's read must not be it).
    fn mrz_read(&mut self, now: f64, glare_then: bool, reply: Option<FromWorker>) {
        if self.mrz_in_flight != Some(now) {
            return;
        }
        self.mrz_in_flight = None;
        let Some(FromWorker::MrzRead { zone, lines, score, ms, .. }) = reply else {
            // No answer: the worker is busy or gone; live frames first.
            self.mrz_next = now_ms() + MRZ_BACKOFF_MS;
            return;
        };
        self.mrz_next = now + MRZ_INTERVAL_MS.max(DUTY * ms);
        if self.paused.get() || now < self.gate_reset_at {
            return;
        }
        let read = lines.and_then(|l| parse_read(l, score, self.mrz.formats));
        // A read from a frame with glare on the document (when it was taken
        // or by the latest look) is no read: a glyph under glare can read
        // as another symbol, and no check digit covers the names.
        if glare_then || self.glare {
            self.gate.offer_under_glare(now, zone, read.as_ref());
        } else {
            self.gate.offer(now, zone, read.as_ref());
        }
        self.mrz_attempts += 1;
        // For the end-to-end test and the benchmark: attempts, the last
        // one's time, and what the gate says (never what was read).
        let _ = self.video.set_attribute("data-mrz-attempts", &self.mrz_attempts.to_string());
        let _ = self.video.set_attribute("data-mrz-ms", &format!("{ms:.1}"));
        let state = if self.gate.agreed(now).is_some() { "agreed" } else { self.gate.cue(now).as_str() };
        let _ = self.video.set_attribute("data-mrz", state);
    }

    /// The worker's look at the frame of `now`. True when the reply was lost
    /// (the worker is to be checked again).
    fn looked(&mut self, now: f64, reply: Option<FromWorker>) -> bool {
        self.in_flight = None;
        let (look, ms): (Look, f64) = match reply {
            Some(FromWorker::Looked { look: Some(look), ms, .. }) => (look, ms),
            // A selfie frame not judged: the worker has no face model (a
            // replacement worker): load it again.
            Some(FromWorker::Looked { look: None, .. }) if self.part.is_selfie() => return true,
            Some(_) => return false,
            None => {
                self.lost += 1;
                return true;
            }
        };
        self.lost = 0;
        if self.paused.get() {
            return false;
        }
        self.next_patch = look.next_patch;
        self.document_seen = !self.part.is_selfie() && look.anchor.is_some();
        self.glare = self.document_seen && look.cues.contains(Cue::Glare);
        // The card gone from view: what was read of it no longer holds.
        if !self.document_seen {
            self.gate.reset();
            self.gate_reset_at = now;
        }
        // The shot waits for the MRZ on the side that carries it.
        let wait = (self.mrz.awaited && self.gate.agreed(now).is_none()).then(|| self.gate.cue(now));
        self.coach.await_mrz(wait);
        let advice = self.coach.update(now, &look);
        self.analysed += 1;
        // For the end-to-end test and the benchmark: frames analysed, when
        // the first was (page clock), and the last analysis time in the
        // worker (no pixels, no scores).
        if self.analysed == 1 {
            let _ = self.video.set_attribute("data-first-at", &format!("{:.1}", now_ms()));
        }
        let _ = self.video.set_attribute("data-analysed", &self.analysed.to_string());
        let _ = self.video.set_attribute("data-ms", &format!("{ms:.1}"));
        if let Some(cue) = advice.cue {
            if advice.changed {
                self.events.on_advice.emit(cue);
            }
            if let Some(c) = self.announcer.next(now, cue) {
                self.events.on_announce.emit(c);
            }
        }
        if advice.capture && self.auto {
            // The receiver sets `paused` (taking the still) before it returns.
            self.events.on_capture.emit(self.gate.agreed_within(now, AGREED_MAX_AGE_MS).cloned());
        }
        false
    }
}

/// The running loop; dropping it stops the frame callbacks and clears the
/// buffers that held camera pixels.
pub struct LiveLoop {
    _clock: FrameClock,
    _state: Rc<RefCell<State>>,
}

impl LiveLoop {
    /// Start judging `video`'s frames for `part`. While `paused` is set
    /// (a still being taken) frames are skipped. With `auto` off the loop
    /// guides but never asks for the shot.
    pub fn start(
        video: HtmlVideoElement,
        part: Part,
        mrz: super::MrzSide,
        auto: bool,
        paused: Rc<Cell<bool>>,
        events: LiveEvents,
    ) -> LiveLoop {
        let state = Rc::new(RefCell::new(State {
            video: video.clone(),
            part,
            grabber: Grabber::new(PATCH as u32),
            coach: Coach::default(),
            announcer: Announcer::default(),
            next_patch: None,
            last_at: f64::NEG_INFINITY,
            in_flight: None,
            analysed: 0,
            paused,
            auto,
            events,
            ready: false,
            lost: 0,
            gate_reset_at: f64::NEG_INFINITY,
            mrz,
            mrz_grabber: Grabber::new(PATCH as u32),
            gate: Gate::new(mrz.formats),
            mrz_in_flight: None,
            mrz_next: f64::NEG_INFINITY,
            mrz_attempts: 0,
            document_seen: false,
            glare: false,
        }));
        // A new screen: the worker forgets the last one's frames.
        worker::tell(ToWorker::Begin);
        LiveLoop::connect(&state);
        let weak = Rc::downgrade(&state);
        let clock = FrameClock::new(video, move |now| {
            let Some(state) = weak.upgrade() else { return };
            let ticked = state.try_borrow_mut().map(|mut s| s.tick(now, &state));
            drop(ticked);
        });
        LiveLoop { _clock: clock, _state: state }
    }

    /// Wait for the worker (and, for a selfie, its face model) and let
    /// frames through once it is there. Once the shopper is told guidance
    /// is unavailable, this screen stays so (no cue, no auto-capture): a
    /// model or worker that arrives later serves the still's check and the
    /// next screen.
    fn connect(state: &Rc<RefCell<State>>) {
        let Ok(mut s) = state.try_borrow_mut() else { return };
        s.ready = false;
        let (selfie, lost) = (s.part.is_selfie(), s.lost);
        let unavailable = s.events.on_unavailable.clone();
        drop(s);
        let weak = Rc::downgrade(state);
        wasm_bindgen_futures::spawn_local(async move {
            // Three replies lost in a row: the worker, there or not, is
            // of no use to this screen.
            let ok = lost < 3 && worker::available(selfie, UNAVAILABLE_AFTER_MS).await;
            let Some(state) = weak.upgrade() else { return };
            if ok {
                if let Ok(mut s) = state.try_borrow_mut() {
                    s.ready = true;
                }
            } else {
                unavailable.emit(());
            }
        });
    }

    /// The MRZ read the live frames agree on now, if any (handed to the
    /// still's check, which reports it only if the still says the same).
    pub fn agreed_mrz(&self) -> Option<idcapture_quality::mrz::Read> {
        let s = self._state.try_borrow().ok()?;
        s.gate.agreed_within(now_ms(), AGREED_MAX_AGE_MS).cloned()
    }
}

impl Drop for LiveLoop {
    fn drop(&mut self) {
        // The screen is over: the worker wipes the frames it kept.
        worker::tell(ToWorker::End);
    }
}
