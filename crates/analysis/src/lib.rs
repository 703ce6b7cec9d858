//! The analysis worker's logic, apart from the browser: a message in (see
//! [`idcapture_quality::wire`]) with its pixels, a reply out. The page
//! module (Yew, the journey) never links the quality core's analysis, the
//! face detector or the MRZ reader; they live here, in a second WebAssembly
//! module run in a dedicated Web Worker (HTML Living Standard, "Workers"),
//! fetched after the first screen and off the page's thread. `main.rs` is
//! the browser glue; everything it decides is decided here and tested
//! natively.

use idcapture_quality::frame::wipe;
use idcapture_quality::live::{LiveDocument, LiveSelfie, PATCH};
use idcapture_quality::mrz::{self, Date};
use idcapture_quality::wire::{rgba_fits, FromWorker, ToWorker};
use idcapture_quality::{analyze_document, analyze_selfie, FaceDetector, Frame, PixelFormat};

/// SHA-256 of the face model the app ships (`static/models/`), checked
/// before the file is parsed: the parser trusts the counts in the file and
/// cannot be stopped on wasm once it panics, so a file that is not this one
/// (truncated by a proxy, replaced on the server) is never handed to it.
/// A native test recomputes it from the shipped file.
pub const FACE_MODEL_SHA256: &str = "c4619d066ed35e84d9a8e842860b0dff567aba0cbb139881075538761db3ff5d";

/// Where the worker finds the model (served with the app, same origin).
pub const FACE_MODEL_URL: &str = "/models/seeta_fd_frontal_v1.0.bin";

/// Lowercase hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why the face model is not available; the selfie is then checked by the
/// backend alone and the shopper takes it with the shutter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// No answer, or an HTTP error.
    Fetch,
    /// No answer within the model's timeout.
    Timeout,
    /// Not the file the app pins (see [`FACE_MODEL_SHA256`]).
    Integrity,
    /// The pinned file, yet not parsed (cannot happen short of a bug).
    Malformed,
}

impl ModelError {
    /// Whether asking again may help (a lost download) or never will (not
    /// the pinned file).
    pub fn lasting(self) -> bool {
        matches!(self, ModelError::Integrity | ModelError::Malformed)
    }
}

/// The model's bytes, checked against the pin by `digest` (the browser's
/// SHA-256, or any other in tests), then parsed.
pub fn model_from(bytes: &[u8], digest_hex: &str) -> Result<FaceDetector, ModelError> {
    if digest_hex != FACE_MODEL_SHA256 {
        return Err(ModelError::Integrity);
    }
    FaceDetector::from_bytes(bytes).map_err(|_| ModelError::Malformed)
}

/// The worker's state: the live screens' memory of recent frames and the
/// face detector once loaded.
#[derive(Default)]
pub struct Analyser {
    document: LiveDocument,
    selfie: LiveSelfie,
    detector: Option<FaceDetector>,
    luma: idcapture_quality::frame::Planes,
}

impl Analyser {
    pub fn set_detector(&mut self, d: FaceDetector) {
        self.detector = Some(d);
    }

    pub fn has_detector(&self) -> bool {
        self.detector.is_some()
    }

    /// Answer one request. `pixels` and `patch` are the buffers transferred
    /// with it (RGBA); `clock` reads milliseconds. `None` for requests with
    /// no reply here ([`ToWorker::Begin`]; [`ToWorker::Model`] is the
    /// glue's, which fetches).
    pub fn handle(
        &mut self,
        msg: ToWorker,
        pixels: Option<&[u8]>,
        patch: Option<&[u8]>,
        clock: &dyn Fn() -> f64,
    ) -> Option<FromWorker> {
        let start = clock();
        match msg {
            ToWorker::Begin | ToWorker::End => {
                // The last screen's frames zeroed, then forgotten.
                self.document.wipe();
                self.selfie.wipe();
                self.document = LiveDocument::default();
                self.selfie = LiveSelfie::default();
                None
            }
            ToWorker::Model { .. } => None,
            ToWorker::Look { id, selfie, w, h, patch: side } => {
                let look = frame_of(w, h, pixels).and_then(|frame| {
                    if selfie {
                        let det = self.detector.as_mut()?;
                        Some(self.selfie.look(&frame, det).0)
                    } else {
                        let p = side.filter(|&s| s as usize == PATCH).and_then(|s| frame_of(s, s, patch));
                        Some(self.document.look(&frame, p.as_ref()).0)
                    }
                });
                // JSON has no NaN: a look with one would not be read back.
                let look = look.filter(finite);
                Some(FromWorker::Looked { id, look, ms: clock() - start })
            }
            ToWorker::ReadMrz { id, w, h, formats, today } => {
                let (zone, read) = match (frame_of(w, h, pixels), Date::parse_iso(&today)) {
                    (Some(frame), Some(today)) => {
                        self.luma.refill_luma(&frame);
                        let (read, trace) = mrz::read_as(&self.luma.y, self.luma.w, self.luma.h, today, &formats);
                        wipe(&mut self.luma.y);
                        (trace.zones > 0, read)
                    }
                    _ => (false, None),
                };
                let score = finite_score(read.as_ref());
                Some(FromWorker::MrzRead { id, zone, lines: read.map(|r| r.lines), score, ms: clock() - start })
            }
            ToWorker::Still { id, selfie, w, h, formats, today } => {
                let unchecked = |ms| FromWorker::Still {
                    id,
                    checked: false,
                    reasons: vec![],
                    guidance: vec![],
                    mrz_lines: None,
                    mrz_score: 0.0,
                    ms,
                };
                let Some(frame) = frame_of(w, h, pixels) else { return Some(unchecked(0.0)) };
                if selfie {
                    let Some(det) = self.detector.as_mut() else { return Some(unchecked(0.0)) };
                    let v = analyze_selfie(&frame, det);
                    return Some(FromWorker::Still {
                        id,
                        checked: true,
                        reasons: v.reasons,
                        guidance: v.guidance.iter().map(|g| g.to_string()).collect(),
                        mrz_lines: None,
                        mrz_score: 0.0,
                        ms: clock() - start,
                    });
                }
                let v = analyze_document(&frame);
                let read = match Date::parse_iso(&today) {
                    Some(today) if !formats.is_empty() => {
                        self.luma.refill_luma(&frame);
                        let (read, _) = mrz::read_as(&self.luma.y, self.luma.w, self.luma.h, today, &formats);
                        wipe(&mut self.luma.y);
                        read
                    }
                    _ => None,
                };
                Some(FromWorker::Still {
                    id,
                    checked: true,
                    reasons: v.reasons,
                    guidance: vec![],
                    mrz_score: finite_score(read.as_ref()),
                    mrz_lines: read.map(|r| r.lines),
                    ms: clock() - start,
                })
            }
        }
    }
}

/// Every number in a look is finite (JSON carries no NaN or infinity).
fn finite(l: &idcapture_quality::live::Look) -> bool {
    let a = l.anchor.is_none_or(|a| a.x.is_finite() && a.y.is_finite() && a.size.is_finite());
    a && l.next_patch.is_none_or(|(x, y)| x.is_finite() && y.is_finite())
}

/// A read's score for the wire (0 for none, or one JSON could not carry).
fn finite_score(read: Option<&mrz::Read>) -> f32 {
    read.map(|r| r.score).filter(|s| s.is_finite()).unwrap_or(0.0)
}

/// `w` x `h` RGBA over `px`, if the buffer is exactly that size.
fn frame_of(w: u32, h: u32, px: Option<&[u8]>) -> Option<Frame<'_>> {
    px.filter(|p| rgba_fits(w, h, p.len())).and_then(|p| Frame::new(w as usize, h as usize, PixelFormat::Rgba, p).ok())
}
