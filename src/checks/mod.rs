//! The device-side checks on a still, from `idcapture-quality`: which reasons
//! the shopper is shown, and the report sent with the upload.

#[cfg(target_arch = "wasm32")]
mod live;
#[cfg(target_arch = "wasm32")]
pub use live::{LiveEvents, LiveLoop};
#[cfg(target_arch = "wasm32")]
mod worker;
#[cfg(target_arch = "wasm32")]
pub use worker::{check_still, prefetch_face_model, release, today, warm, warm_at_idle};

use crate::flow::{DocumentType, Part, Refusal};
use crate::i18n::Key;
use idcapture_quality::live::Cue;
use idcapture_quality::mrz::Format;
use idcapture_quality::mrz::{Mrz, Read};
use idcapture_quality::Reason;
use serde::Serialize;

/// An MRZ read on a still, as the report carries it to the session backend
/// (and nowhere else): the lines, for the backend to check again, and the
/// fields they say (`idcheck`'s `mrz` object).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MrzReport {
    pub lines: Vec<String>,
    #[serde(flatten)]
    pub fields: Mrz,
}

impl From<Read> for MrzReport {
    fn from(r: Read) -> Self {
        MrzReport { lines: r.lines, fields: r.mrz }
    }
}

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
    /// The MRZ read on the still (a document side that carries one).
    pub mrz: Option<MrzReport>,
    /// The side should carry an MRZ and none could be read: sent if the
    /// shopper wants (the merchant's backend sees that it was not read).
    pub mrz_unread: bool,
}

impl Report {
    /// The report of a still the device could not check.
    pub fn unchecked() -> Report {
        Report {
            accept: true,
            reasons: vec![],
            guidance: vec![],
            ms: 0.0,
            unchecked: true,
            mrz: None,
            mrz_unread: false,
        }
    }

    /// What the MRZ read forbids, under the merchant's rules (each on unless
    /// it switched it off): expired before a minor (another document may
    /// solve the first, not the second).
    pub fn refusal(&self, rules: Rules) -> Option<Refusal> {
        let has = |r: Reason| self.reasons.contains(&r.as_str());
        if rules.refuse_expired && has(Reason::Expired) {
            Some(Refusal::Expired)
        } else if rules.refuse_minor && has(Reason::Minor) {
            Some(Refusal::Minor)
        } else {
            None
        }
    }
}

/// The MRZ formats a side carries (ICAO Doc 9303): the passport data
/// page's TD3, the TD1 of the identity card's and the titre de séjour's
/// back, and on the identity card's front the 2 x 36 zone of the 1995 card
/// (read when it is there, never waited for). A read in another format is
/// not a read of this side.
pub fn mrz_formats(document: DocumentType, part: Part) -> &'static [Format] {
    match (document, part) {
        (DocumentType::Passport, Part::DocumentFront) => &[Format::Td3],
        (DocumentType::IdCard, Part::DocumentFront) => &[Format::FrCni1995],
        (DocumentType::IdCard | DocumentType::ResidencePermit, Part::DocumentBack) => &[Format::Td1],
        _ => &[],
    }
}

/// What a capture screen does with the MRZ: the formats its side carries,
/// and whether the shot waits for an agreed read (the side that carries it)
/// or only notes one (a 1995 card's front).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct MrzSide {
    pub formats: &'static [Format],
    pub awaited: bool,
}

/// The read a still reports: the still's own, checked against what the
/// live frames agreed on when they did (the same lines, or nothing: a
/// different read means a different card or a misread, and is no read);
/// the live frames' read when the still alone does not read. A still with
/// glare on the document (`still_glare`) reports no read of its own (a
/// glyph under glare can read as another symbol where no check digit
/// looks), but its read still vetoes a different agreed one.
pub fn settle(still: Option<Read>, still_glare: bool, agreed: Option<Read>) -> Option<Read> {
    match (still, agreed) {
        (Some(s), Some(a)) => (s.lines == a.lines).then_some(s),
        (Some(_), None) if still_glare => None,
        (s, a) => s.or(a),
    }
}

/// The merchant's rules on what an MRZ says (`expired=0`, `minor=0` in the
/// page's fragment, `refuseExpired: false` / `refuseMinor: false` in
/// `embed.js`): on unless switched off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    pub refuse_expired: bool,
    pub refuse_minor: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules { refuse_expired: true, refuse_minor: true }
    }
}

/// The reasons that refuse a still under the merchant's rules: a reason
/// whose rule is off stays in the report (the backend sees it) but neither
/// refuses the still nor is shown.
pub fn refusing(reasons: &[Reason], rules: Rules) -> Vec<Reason> {
    reasons
        .iter()
        .copied()
        .filter(|r| match r {
            Reason::Expired => rules.refuse_expired,
            Reason::Minor => rules.refuse_minor,
            _ => true,
        })
        .collect()
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
        Reason::Expired => Key::ReasonExpired,
        Reason::Minor => Key::ReasonMinor,
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
        Cue::ReadMrz => Key::GuideReadMrz,
        Cue::TurnOver => Key::GuideTurnOver,
        Cue::Ready => Key::GuideReady,
    }
}

/// The live guidance line for a cue on `document`: a passport has no back
/// to turn to, its data page is opened.
pub fn cue_key_on(c: Cue, document: DocumentType) -> Key {
    match (c, document) {
        (Cue::TurnOver, DocumentType::Passport) => Key::GuideOpenPassport,
        _ => cue_key(c),
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

    fn read(lines: [&str; 3]) -> Read {
        let today = idcapture_quality::mrz::Date::parse_iso("2026-11-30").unwrap();
        let mrz = idcapture_quality::mrz::from_lines(&lines, today).unwrap();
        Read { lines: lines.iter().map(|s| s.to_string()).collect(), mrz, score: 0.9 }
    }

    #[test]
    fn the_still_and_the_live_frames_must_agree() {
        let a = read([
            "IRFRA0FVLSPE8K4<<<<<<<<<<<<<<<",
            "6506250F3107047FRA<<<<<<<<<<<6",
            "LEROY<<CAMILLE<PAUL<<<<<<<<<<<",
        ]);
        let b = read([
            "IRFRAGFDM1M3HN4<<<<<<<<<<<<<<<",
            "8211251F2406019FRA<<<<<<<<<<<6",
            "DUBOIS<<CAMILLE<PAUL<<<<<<<<<<",
        ]);
        for glare in [false, true] {
            assert_eq!(settle(Some(a.clone()), glare, Some(a.clone())).map(|r| r.lines), Some(a.lines.clone()));
            assert!(settle(Some(a.clone()), glare, Some(b.clone())).is_none(), "two cards, or a misread: none");
            assert_eq!(settle(None, glare, Some(b.clone())).map(|r| r.lines), Some(b.lines.clone()));
            assert!(settle(None, glare, None).is_none());
        }
        assert_eq!(settle(Some(a.clone()), false, None).map(|r| r.lines), Some(a.lines));
        // Under glare the still's read alone is not reported.
        assert!(settle(Some(b), true, None).is_none());
    }

    #[test]
    fn each_side_carries_its_formats() {
        assert_eq!(mrz_formats(DocumentType::Passport, Part::DocumentFront), &[Format::Td3]);
        assert_eq!(mrz_formats(DocumentType::IdCard, Part::DocumentBack), &[Format::Td1]);
        assert_eq!(mrz_formats(DocumentType::ResidencePermit, Part::DocumentBack), &[Format::Td1]);
        assert_eq!(mrz_formats(DocumentType::IdCard, Part::DocumentFront), &[Format::FrCni1995]);
        assert!(mrz_formats(DocumentType::ResidencePermit, Part::DocumentFront).is_empty());
        assert!(mrz_formats(DocumentType::Passport, Part::Selfie).is_empty());
    }

    #[test]
    fn the_merchants_rules_decide_what_the_mrz_refuses() {
        let mut r = Report::unchecked();
        r.reasons = vec!["expired", "minor"];
        assert_eq!(r.refusal(Rules::default()), Some(Refusal::Expired));
        let no_expired = Rules { refuse_expired: false, refuse_minor: true };
        assert_eq!(r.refusal(no_expired), Some(Refusal::Minor));
        assert_eq!(r.refusal(Rules { refuse_expired: false, refuse_minor: false }), None);
        assert_eq!(refusing(&[Reason::Expired, Reason::Blur], no_expired), vec![Reason::Blur]);
        assert_eq!(refusing(&[Reason::Expired, Reason::Minor], Rules::default()).len(), 2);
    }

    #[test]
    fn the_report_carries_the_mrz_lines_and_fields_flat() {
        let today = idcapture_quality::mrz::Date::parse_iso("2026-11-30").unwrap();
        let lines =
            ["IRFRA0FVLSPE8K4<<<<<<<<<<<<<<<", "6506250F3107047FRA<<<<<<<<<<<6", "LEROY<<CAMILLE<PAUL<<<<<<<<<<<"];
        let m = idcapture_quality::mrz::from_lines(&lines, today).unwrap();
        let mut r = Report::unchecked();
        r.mrz = Some(MrzReport { lines: lines.iter().map(|s| s.to_string()).collect(), fields: m });
        let v: serde_json::Value = serde_json::from_str(&r.to_header()).unwrap();
        assert_eq!(v["mrz"]["document_number"], "0FVLSPE8K");
        assert_eq!(v["mrz"]["expiry_date"], "2031-07-04");
        assert_eq!(v["mrz"]["format"], "td1");
        assert_eq!(v["mrz"]["lines"][1], lines[1]);
        assert!(r.to_header().len() < 2048, "well within the 8 KiB header");
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
