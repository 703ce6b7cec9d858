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
