//! `idcapture-quality`: the device-side judgement of identity-document and
//! selfie frames, in pure Rust with no browser dependency, so the same code
//! runs in the capture page (wasm32) and natively (`idcheck`, benches, fuzz).
//!
//! One module per check, each naming its method and reference.

pub mod blur;
pub mod document;
pub mod fft;
pub mod frame;
pub mod geometry;
pub mod glare;
pub mod locate;
pub mod noise;
pub mod photocopy;
pub mod region;
pub mod screen;
pub mod screenshot;
pub mod selfie;

pub use document::{analyze_document, analyze_document_with, DocumentScores, DocumentVerdict, Thresholds};
pub use frame::{Frame, FrameError, PixelFormat};
pub use selfie::{analyze_selfie, FaceDetector, SelfieVerdict};

use serde::Serialize;

/// Why a frame is refused. The serialised names are the contract shared with
/// the app, the backend and `idcheck` (see DESIGN.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Blur,
    Glare,
    TooDark,
    TooSmall,
    CutOff,
    NoDocument,
    Screen,
    Screenshot,
    Photocopy,
    NoFace,
    MultipleFaces,
    DocumentInSelfie,
}

impl Reason {
    /// The contract's name for the reason.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Blur => "blur",
            Reason::Glare => "glare",
            Reason::TooDark => "too_dark",
            Reason::TooSmall => "too_small",
            Reason::CutOff => "cut_off",
            Reason::NoDocument => "no_document",
            Reason::Screen => "screen",
            Reason::Screenshot => "screenshot",
            Reason::Photocopy => "photocopy",
            Reason::NoFace => "no_face",
            Reason::MultipleFaces => "multiple_faces",
            Reason::DocumentInSelfie => "document_in_selfie",
        }
    }
}
