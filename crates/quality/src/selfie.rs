//! The selfie verdict: exactly one live face, sharp and lit, and never the
//! identity document in the picture (the FAQ: a selfie showing the document
//! is not valid).
//!
//! Faces: the SeetaFace frontal detector (S. Wu, M. Kan, Z. He, S. Shan,
//! X. Chen, "Funnel-structured cascade for multi-view face detection with
//! alignment awareness", Neurocomputing 2017), through the `rustface` port;
//! its BSD-2 model (1.2 MB) is loaded by the caller (the capture page fetches
//! it when the selfie step starts, never in the first download).
//!
//! The document: the document locator ([`crate::locate`]) finds card-shaped
//! quadrilaterals; one that lies apart from the face and has an ID-1 or ID-3
//! landscape aspect is a document held up to the camera. A second, much
//! smaller face (the document's portrait) is the same evidence.

use crate::blur::crete;
use crate::frame::{Frame, Planes};
use crate::geometry::Pt;
use crate::locate::locate_all;
use crate::region::sample;
use crate::Reason;
use rustface::{Detector, ImageData};
use serde::Serialize;
use std::fmt;

/// Edge share inside an outlined card held up in a selfie (see
/// [`crate::outline::content`]): printed, neither plain nor busy texture.
const MIN_CARD_CONTENT: f32 = 0.05;
const MAX_CARD_CONTENT: f32 = 0.26;
/// At most this share of a card may be beyond the frame to count as shown.
const MAX_CARD_HIDDEN: f32 = 0.5;

/// Longer side of the copy faces are looked for in.
pub const FACE_SIDE: usize = 640;
/// Detection window step on stills (pixels).
pub const STEP: u32 = 4;
/// Face box side when its sharpness is measured.
pub const FACE_BLUR_SIDE: usize = 160;

/// Why a face model could not be used.
#[derive(Debug)]
pub struct ModelError(String);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "face model unusable: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

/// A loaded face detector, kept for retakes (loading parses 1.2 MB).
pub struct FaceDetector {
    inner: Box<dyn Detector>,
}

impl FaceDetector {
    /// Parse a SeetaFace frontal model (`seeta_fd_frontal_v1.0.bin`).
    pub fn from_bytes(bytes: &[u8]) -> Result<FaceDetector, ModelError> {
        // The parser trusts the file's counts; refuse what cannot be the model
        // before handing it over.
        if bytes.len() < 1024 || bytes.len() > 8 << 20 {
            return Err(ModelError(format!("{} bytes is not the model's size", bytes.len())));
        }
        let model = std::panic::catch_unwind(|| rustface::read_model(bytes))
            .map_err(|_| ModelError("malformed model".into()))?
            .map_err(|e| ModelError(e.to_string()))?;
        let mut inner = rustface::create_detector_with_model(model);
        // Window 40 (its native size), step 4, pyramid 0.8: the settings the
        // SeetaFace authors recommend; min size 40 because smaller values are
        // not honoured by this port.
        inner.set_min_face_size(40);
        inner.set_score_thresh(2.0);
        inner.set_pyramid_scale_factor(0.8);
        inner.set_slide_window_step(STEP, STEP);
        Ok(FaceDetector { inner })
    }

    /// Slide the detection window by `step` pixels (4 by default). Live
    /// frames use a coarser step: fewer windows, a little less recall.
    pub fn set_step(&mut self, step: u32) {
        self.inner.set_slide_window_step(step, step);
    }

    /// Faces in a luma plane, largest first: (x, y, w, h, score).
    pub fn detect(&mut self, y: &[u8], w: usize, h: usize) -> Vec<Face> {
        if w < 40 || h < 40 {
            return Vec::new();
        }
        let img = ImageData::new(y, w as u32, h as u32);
        let mut faces: Vec<Face> = self
            .inner
            .detect(&img)
            .into_iter()
            .map(|f| {
                let b = f.bbox();
                Face {
                    x: b.x() as f32,
                    y: b.y() as f32,
                    w: b.width() as f32,
                    h: b.height() as f32,
                    score: f.score() as f32,
                }
            })
            .collect();
        faces.sort_by(|a, b| b.w.total_cmp(&a.w));
        faces
    }
}

/// A detected face box.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Face {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub score: f32,
}

impl Face {
    pub fn centre(&self) -> Pt {
        Pt { x: self.x + self.w / 2.0, y: self.y + self.h / 2.0 }
    }

    fn scaled(&self, k: f32) -> Face {
        Face { x: self.x * k, y: self.y * k, w: self.w * k, h: self.h * k, score: self.score }
    }
}

/// Thresholds of the selfie verdict.
#[derive(Clone, Debug, Serialize)]
pub struct SelfieThresholds {
    /// A second face at least this fraction of the main face's width is
    /// another person; a smaller one is a photo on a document.
    pub other_person: f32,
    /// Crété blur on the face box above this: blurred. Skin is smooth, so a
    /// sharp face re-blurs less than a sharp document does (it sits near
    /// 0.5 where a document sits near 0.2); a defocused or shaken face
    /// sits near 0.9.
    pub max_blur: f32,
    /// Median luma of the face under this: too dark.
    pub min_brightness: f32,
    /// Guidance: face width under this share of the frame's short side:
    /// come closer.
    pub min_face_share: f32,
    /// Least detector score of a second face for it to be another person.
    pub min_other_score: f32,
    /// A lone face under this share of the frame's short side, inside a
    /// rectangle either locator finds (outline or bright region, at least
    /// six times the face's area), is a document's portrait: a shopper at
    /// arm's length shows a face several times that size.
    pub min_selfie_face: f32,
    /// The whole frame's blur (when no face is found to measure) over this:
    /// blurred, which is why no face was found.
    pub max_frame_blur: f32,
}

impl Default for SelfieThresholds {
    fn default() -> Self {
        SelfieThresholds {
            other_person: 0.5,
            // Set on the calibration half of shared/fixtures/quality-v2 by
            // quality-report: good faces up to 0.595, blurred from 0.78.
            max_blur: 0.686,
            min_brightness: 60.0,
            min_face_share: 0.2,
            min_other_score: 6.0,
            min_selfie_face: 0.1,
            // Sharp frames without a face up to 0.34, blurred ones 0.68.
            max_frame_blur: 0.51,
        }
    }
}

/// Measurements behind a selfie verdict (face coordinates in frame pixels).
#[derive(Clone, Debug, Default, Serialize)]
pub struct SelfieScores {
    pub faces: Vec<Face>,
    pub blur: f32,
    pub brightness: f32,
    /// Face width over frame width (guidance: come closer).
    pub face_share: f32,
    /// Face centre's offset from the frame centre, in frame widths/heights.
    pub off_centre: f32,
    /// Card-shaped regions apart from the face, as quads in frame pixels.
    pub documents: Vec<[Pt; 4]>,
    /// Blur of the whole frame, measured when no face is found.
    pub frame_blur: f32,
}

/// A selfie verdict.
#[derive(Clone, Debug, Serialize)]
pub struct SelfieVerdict {
    pub accept: bool,
    pub reasons: Vec<Reason>,
    /// Advice that does not refuse the frame (`too_far`, `off_centre`).
    pub guidance: Vec<&'static str>,
    pub scores: SelfieScores,
}

/// Analyse a selfie with the default thresholds.
pub fn analyze_selfie(frame: &Frame<'_>, detector: &mut FaceDetector) -> SelfieVerdict {
    analyze_selfie_with(frame, detector, &SelfieThresholds::default())
}

fn cards_contain(cards: &[[Pt; 4]], f: &Face) -> bool {
    cards.iter().any(|q| crate::geometry::inside_convex(q, f.centre()))
}

fn overlaps(face: &Face, quad: &[Pt; 4]) -> bool {
    let (x0, x1) =
        (quad.iter().map(|p| p.x).fold(f32::MAX, f32::min), quad.iter().map(|p| p.x).fold(f32::MIN, f32::max));
    let (y0, y1) =
        (quad.iter().map(|p| p.y).fold(f32::MAX, f32::min), quad.iter().map(|p| p.y).fold(f32::MIN, f32::max));
    let ix = (x1.min(face.x + face.w) - x0.max(face.x)).max(0.0);
    let iy = (y1.min(face.y + face.h) - y0.max(face.y)).max(0.0);
    ix * iy > 0.25 * face.w * face.h
}

/// Analyse a selfie.
pub fn analyze_selfie_with(frame: &Frame<'_>, detector: &mut FaceDetector, t: &SelfieThresholds) -> SelfieVerdict {
    let full = Planes::from_frame(frame);
    let small = full.downscale(FACE_SIDE);
    judge_selfie(&full, &small, detector, t, true)
}

/// The verdict from planes already made: faces and cards are looked for in
/// `small`, sharpness and exposure measured in `full`.
pub(crate) fn judge_selfie(
    full: &Planes,
    small: &Planes,
    detector: &mut FaceDetector,
    t: &SelfieThresholds,
    still: bool,
) -> SelfieVerdict {
    let k = full.w as f32 / small.w as f32;
    let faces: Vec<Face> = detector.detect(&small.y, small.w, small.h).iter().map(|f| f.scaled(k)).collect();
    let mut s = SelfieScores { faces: faces.clone(), ..Default::default() };
    let mut reasons = Vec::new();
    let mut guidance = Vec::new();

    // Card-shaped regions, in full-frame pixels. A landscape card held apart
    // from the face is the document; so is a card that carries the only face
    // found (the document's portrait: the face is small on a card-sized
    // rectangle). A face's own surroundings (a head and shoulders) are not.
    let inside = |f: &Face, q: &[Pt; 4]| {
        let c = f.centre();
        crate::geometry::inside_convex(q, c)
    };
    let long_side = |q: &[Pt; 4]| {
        let d = |a: Pt, b: Pt| ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
        d(q[0], q[1]).max(d(q[1], q[2]))
    };
    // Candidates from both locators: bright regions, and outlines (which
    // also find a card the frame cuts, held up at the edge of the picture).
    let regions = locate_all(&small.y, small.w, small.h);
    let mut candidates: Vec<(bool, [Pt; 4])> = regions
        .iter()
        // Wholly in view with a card's aspect; or, held close and running
        // off the frame, still nearly a whole card.
        .filter(|l| {
            (l.border_contact == 0.0 && (1.3..=1.9).contains(&l.aspect))
                || (l.border_contact < 0.2 && (1.35..=1.8).contains(&l.aspect))
        })
        .map(|l| (l.border_contact == 0.0, l.quad))
        .collect();
    // Outlines (a card at the frame's edge) on stills only: the live loop
    // cannot afford them every frame, and the still check, run on the shot,
    // has the last word.
    let outlines = if still { crate::outline::find(&small.y, small.w, small.h) } else { Vec::new() };
    for o in outlines.iter() {
        let content = o.clutter;
        // Something printed on it, as on a card (a door or a frame on the
        // wall is plain or busy), and most of a card in view.
        let printed = (MIN_CARD_CONTENT..=MAX_CARD_CONTENT).contains(&content);
        // Held up to the camera a card faces it: its opposite sides are
        // nearly equal (a fold of a shirt or a wall seen obliquely is not).
        let d = |a: Pt, b: Pt| ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
        let q = &o.quad;
        let even = |a: f32, b: f32| a.min(b) >= 0.8 * a.max(b);
        let facing = o.border_share > 0.0 || (even(d(q[0], q[1]), d(q[2], q[3])) && even(d(q[1], q[2]), d(q[3], q[0])));
        let shaped = o.border_share > 0.0 || (1.3..=1.9).contains(&o.aspect);
        if printed && facing && shaped && o.hidden <= MAX_CARD_HIDDEN {
            candidates.push((o.border_share == 0.0, o.quad));
        }
    }
    let cards: Vec<[Pt; 4]> = candidates
        .into_iter()
        .map(|(whole, q)| (whole, q.map(|p| Pt { x: p.x * k, y: p.y * k })))
        .filter(|(whole, q)| match faces.first() {
            None => *whole,
            Some(f) if inside(f, q) => f.w < 0.45 * long_side(q),
            Some(f) => !overlaps(f, q),
        })
        .map(|(_, q)| q)
        .collect();
    s.documents = cards.clone();

    // A face too small to be the shopper at arm's length, printed on an
    // outlined rectangle: the document's portrait, the shopper's own face
    // hidden behind the card or out of view.
    if let Some(f) = faces.first() {
        let share = f.w / full.w.min(full.h) as f32;
        let card = outlines
            .iter()
            .map(|o| o.quad)
            .chain(regions.iter().map(|l| l.quad))
            .map(|q| q.map(|p| Pt { x: p.x * k, y: p.y * k }))
            .find(|q| inside(f, q) && crate::geometry::polygon_area(q) > 6.0 * f.w * f.h);
        if let Some(q) = card.filter(|_| share < t.min_selfie_face && !cards_contain(&cards, f)) {
            s.documents.push(q);
        }
    }
    match faces.first() {
        None => {
            reasons.push(Reason::NoFace);
            // No face to measure: the frame's own sharpness says whether
            // blur is why none was found.
            s.frame_blur = crate::blur::whole_frame(&small.y, small.w, small.h);
            if s.frame_blur > t.max_frame_blur {
                reasons.push(Reason::Blur);
            }
            if !s.documents.is_empty() {
                reasons.push(Reason::DocumentInSelfie);
            }
        }
        Some(main) => {
            let others: Vec<&Face> = faces.iter().skip(1).collect();
            // Another person is a confident detection of a face of about
            // the same size; a weak one that size is a hand or a pattern.
            if others.iter().any(|o| o.w >= t.other_person * main.w && o.score >= t.min_other_score) {
                reasons.push(Reason::MultipleFaces);
            }
            let small_face = others.iter().any(|o| o.w < t.other_person * main.w);
            if small_face || !s.documents.is_empty() {
                reasons.push(Reason::DocumentInSelfie);
            }
            let bx = [
                Pt { x: main.x, y: main.y },
                Pt { x: main.x + main.w, y: main.y },
                Pt { x: main.x + main.w, y: main.y + main.h },
                Pt { x: main.x, y: main.y + main.h },
            ];
            let region = sample(&full.y, full.w, full.h, &bx, FACE_BLUR_SIDE);
            s.blur = crete(&region.px, &region.mask, region.w, region.h);
            let mut lum: Vec<f32> = region.px.clone();
            s.brightness = crate::photocopy::quantile(&mut lum, 0.5);
            // Of the frame's short side: the same face at the same distance
            // reads alike in a portrait phone frame and a landscape webcam.
            s.face_share = main.w / full.w.min(full.h) as f32;
            let c = main.centre();
            s.off_centre = ((c.x / full.w as f32 - 0.5).powi(2) + (c.y / full.h as f32 - 0.45).powi(2)).sqrt();
            if s.blur > t.max_blur {
                reasons.push(Reason::Blur);
            }
            if s.face_share < t.min_face_share {
                guidance.push("too_far");
            }
            if s.off_centre > 0.2 {
                guidance.push("off_centre");
            }
        }
    }
    if faces.is_empty() || s.brightness < t.min_brightness {
        let mut y = small.y.clone();
        let frame_level = crate::photocopy::quantile(&mut y.iter_mut().map(|v| *v as f32).collect::<Vec<_>>(), 0.9);
        if faces.is_empty() {
            s.brightness = frame_level;
        }
        if s.brightness < t.min_brightness {
            reasons.push(Reason::TooDark);
        }
    }
    SelfieVerdict { accept: reasons.is_empty(), reasons, guidance, scores: s }
}
