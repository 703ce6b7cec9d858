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
pub mod live;
pub mod locate;
pub mod mrz;
pub mod noise;
pub mod outline;
pub mod photocopy;
pub mod region;
pub mod screen;
pub mod screenshot;
pub mod selfie;
pub mod wire;

pub use document::{analyze_document, analyze_document_with, DocumentScores, DocumentVerdict, Thresholds};
pub use frame::{Frame, FrameError, PixelFormat};
pub use selfie::{analyze_selfie, FaceDetector, SelfieVerdict};

use serde::Serialize;

/// Why a frame is refused. The serialised names are the contract shared with
/// the app, the backend and `idcheck` (see DESIGN.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
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
    /// The MRZ's validity ended before today.
    Expired,
    /// The MRZ's holder is under 18 today.
    Minor,
}

impl Reason {
    /// Every reason, documents' then selfies'.
    pub const ALL: [Reason; 14] = [
        Reason::Blur,
        Reason::Glare,
        Reason::TooDark,
        Reason::TooSmall,
        Reason::CutOff,
        Reason::NoDocument,
        Reason::Screen,
        Reason::Screenshot,
        Reason::Photocopy,
        Reason::NoFace,
        Reason::MultipleFaces,
        Reason::DocumentInSelfie,
        Reason::Expired,
        Reason::Minor,
    ];

    /// The reason named `s` in the contract's vocabulary.
    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }

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
            Reason::Expired => "expired",
            Reason::Minor => "minor",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_names_round_trip_and_match_serde() {
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(r.as_str()));
        }
        assert_eq!(Reason::parse("nope"), None);
    }
}
