//! The device-side checks on a still, from `idcapture-quality`: which reasons
//! the shopper is shown, and the report sent with the upload.

#[cfg(target_arch = "wasm32")]
mod live;
#[cfg(target_arch = "wasm32")]
pub use live::{LiveEvents, LiveLoop};
#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
pub use web::{check_still, face_detector, prefetch_face_model, FACE_MODEL_URL};

/// SHA-256 of the face model the app ships (`static/models/`), checked
/// before the file is parsed: the parser trusts the counts in the file and
/// cannot be stopped on wasm once it panics, so a file that is not this one
/// (truncated by a proxy, replaced on the server) is never handed to it.
/// A native test recomputes it from the shipped file.
pub const FACE_MODEL_SHA256: &str = "c4619d066ed35e84d9a8e842860b0dff567aba0cbb139881075538761db3ff5d";

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

use crate::i18n::Key;
use idcapture_quality::live::Cue;
use idcapture_quality::Reason;
use serde::Serialize;

/// What the device concluded about a still.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub accept: bool,
    pub reasons: Vec<&'static str>,
    /// Advice that does not refuse the still (selfie: too far, off-centre).
    pub guidance: Vec<&'static str>,
    /// Analysis time in the browser, milliseconds.
    pub ms: f64,
    /// Set when the check could not run (e.g. the face model did not load):
    /// the still is then judged by the backend alone.
    pub unchecked: bool,
}

impl Report {
    /// The report of a still the device could not check.
    pub fn unchecked() -> Report {
        Report { accept: true, reasons: vec![], guidance: vec![], ms: 0.0, unchecked: true }
    }
}

impl Report {
    /// The report as the compact JSON sent with the upload.
    pub fn to_header(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// The shopper's message for a reason: what to fix, in plain words.
pub fn reason_key(r: Reason) -> Key {
    match r {
        Reason::Blur => Key::ReasonBlur,
        Reason::Glare => Key::ReasonGlare,
        Reason::TooDark => Key::ReasonTooDark,
        Reason::TooSmall => Key::ReasonTooSmall,
        Reason::CutOff => Key::ReasonCutOff,
        Reason::NoDocument => Key::ReasonNoDocument,
        Reason::Screen | Reason::Screenshot | Reason::Photocopy => Key::ReasonNotOriginal,
        Reason::NoFace => Key::ReasonNoFace,
        Reason::MultipleFaces => Key::ReasonMultipleFaces,
        Reason::DocumentInSelfie => Key::ReasonDocumentInSelfie,
    }
}

/// The live guidance line for a cue.
pub fn cue_key(c: Cue) -> Key {
    match c {
        Cue::NoDocument => Key::GuideNoDocument,
        Cue::MoveCloser => Key::GuideMoveCloser,
        Cue::MoveBack => Key::GuideMoveBack,
        Cue::FitDocument => Key::GuideFitDocument,
        Cue::RemoveDocument => Key::GuideRemoveDocument,
        Cue::OnePerson => Key::GuideOnePerson,
        Cue::NoFace => Key::GuideNoFace,
        Cue::TooDark => Key::GuideTooDark,
        Cue::NotOriginal => Key::GuideNotOriginal,
        Cue::Glare => Key::GuideGlare,
        Cue::FaceCloser => Key::GuideFaceCloser,
        Cue::FaceCentre => Key::GuideFaceCentre,
        Cue::HoldStill => Key::GuideHoldStill,
        Cue::Blur => Key::GuideBlur,
        Cue::Ready => Key::GuideReady,
    }
}

/// The distinct messages for a list of reasons, most useful first, without
/// repeating one (screen, screenshot and photocopy share theirs).
pub fn messages(reasons: &[Reason]) -> Vec<Key> {
    let mut out: Vec<Key> = Vec::new();
    for r in reasons {
        let k = reason_key(*r);
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn the_pinned_model_digest_is_the_shipped_file() {
        use sha2::Digest;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/static/models/seeta_fd_frontal_v1.0.bin");
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(hex(&sha2::Sha256::digest(&bytes)), FACE_MODEL_SHA256);
        assert_eq!(hex(&[0, 0xab, 0x0f]), "00ab0f");
    }

    #[test]
    fn recapture_reasons_share_one_message() {
        let m = messages(&[Reason::Screen, Reason::Photocopy, Reason::Blur]);
        assert_eq!(m, vec![Key::ReasonNotOriginal, Key::ReasonBlur]);
    }

    #[test]
    fn every_cue_has_its_own_message_and_the_recapture_one_says_original() {
        let keys: Vec<Key> = Cue::ALL.iter().map(|c| cue_key(*c)).collect();
        for (i, k) in keys.iter().enumerate() {
            assert!(!keys[..i].contains(k), "{k:?} used twice");
        }
        assert!(crate::i18n::fr(cue_key(Cue::NotOriginal)).contains("document original"));
    }

    #[test]
    fn every_reason_has_a_french_message() {
        for r in Reason::ALL {
            assert!(!crate::i18n::fr(reason_key(r)).is_empty());
        }
    }
}
