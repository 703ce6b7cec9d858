//! Every text the shopper sees goes through [`t`] with a [`Key`]: components
//! hold keys, never literals. The texts live in Fluent message files
//! (`i18n/*.ftl`, <https://projectfluent.org>), one per language, which
//! translators edit without touching code; plurals are Fluent's (CLDR plural
//! rules), not hand-written. French is the reference; a test fails when any
//! language lacks a key or has one too many.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use unic_langid::LanguageIdentifier;

/// A message key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    AppTitle,
    TimeLeft,
    TimeWarning,
    WelcomeTitle,
    WelcomeIntro,
    WelcomeNeedDocument,
    WelcomeNeedCamera,
    WelcomeNeedHour,
    WelcomeStart,
    ChooseTitle,
    ChooseIdCard,
    ChooseResidencePermit,
    ChoosePassport,
    Back,
    CaptureFrontTitle,
    CaptureBackTitle,
    CapturePassportTitle,
    CaptureSelfieTitle,
    CaptureDocumentHint,
    CaptureSelfieHint,
    CameraPreview,
    CameraStarting,
    Shutter,
    ReviewTitle,
    ReviewCheck,
    ReviewUnchecked,
    ReviewCheckSelfie,
    ReviewPhoto,
    Retake,
    UsePhoto,
    SendingTitle,
    SendingProgress,
    DoneTitle,
    DoneText,
    ExpiredTitle,
    ExpiredText,
    CancelledTitle,
    CancelledText,
    SessionErrorTitle,
    SessionMissing,
    SessionUnreadable,
    SessionForeign,
    CameraDenied,
    CameraNotFound,
    CameraBusy,
    CameraBlocked,
    CameraInsecure,
    CameraOverconstrained,
    CameraFailed,
    Retry,
    UploadFailed,
    UploadRefused,
    UploadRetrying,
    Offline,
    ReasonsTitle,
    ReasonBlur,
    ReasonGlare,
    ReasonTooDark,
    ReasonTooSmall,
    ReasonCutOff,
    ReasonNoDocument,
    ReasonNotOriginal,
    ReasonNoFace,
    ReasonMultipleFaces,
    ReasonDocumentInSelfie,
    ReasonExpired,
    ReasonMinor,
    GuideReadMrz,
    GuideTurnOver,
    GuideOpenPassport,
    ReviewMrzUnread,
    RefusedExpiredTitle,
    RefusedExpiredText,
    RefusedMinorTitle,
    RefusedMinorText,
    RefusedOtherDocument,
    UploadMismatch,
    UseAnyway,
    PartsProgress,
    PartFront,
    PartBack,
    PartPassportPage,
    PartSelfie,
    PartDone,
    PartToDo,
    HandoffTitle,
    HandoffText,
    HandoffQr,
    HandoffLink,
    HandoffCopy,
    HandoffCopied,
    HandoffCopyFailed,
    HandoffWaiting,
    HandoffButton,
    HandoffChoice,
    HandoffBack,
    CameraDeniedChromeAndroid,
    CameraDeniedSafariIos,
    CameraDeniedFirefox,
    CameraDeniedSafariDesktop,
    CameraDeniedDesktop,
    CameraEnded,
    SwitchCamera,
    TorchOn,
    TorchOff,
    GuideNoDocument,
    GuideMoveCloser,
    GuideMoveBack,
    GuideFitDocument,
    GuideRemoveDocument,
    GuideOnePerson,
    GuideNoFace,
    GuideTooDark,
    GuideNotOriginal,
    GuideGlare,
    GuideFaceCloser,
    GuideFaceCentre,
    GuideHoldStill,
    GuideBlur,
    GuideReady,
    GuideTaking,
    GuideUnavailable,
    GuideUnavailableDocument,
}

impl Key {
    /// Every key, for completeness checks.
    pub const ALL: &'static [Key] = &[
        Key::AppTitle,
        Key::TimeLeft,
        Key::TimeWarning,
        Key::WelcomeTitle,
        Key::WelcomeIntro,
        Key::WelcomeNeedDocument,
        Key::WelcomeNeedCamera,
        Key::WelcomeNeedHour,
        Key::WelcomeStart,
        Key::ChooseTitle,
        Key::ChooseIdCard,
        Key::ChooseResidencePermit,
        Key::ChoosePassport,
        Key::Back,
        Key::CaptureFrontTitle,
        Key::CaptureBackTitle,
        Key::CapturePassportTitle,
        Key::CaptureSelfieTitle,
        Key::CaptureDocumentHint,
        Key::CaptureSelfieHint,
        Key::CameraPreview,
        Key::CameraStarting,
        Key::Shutter,
        Key::ReviewTitle,
        Key::ReviewCheck,
        Key::ReviewUnchecked,
        Key::ReviewCheckSelfie,
        Key::ReviewPhoto,
        Key::Retake,
        Key::UsePhoto,
        Key::SendingTitle,
        Key::SendingProgress,
        Key::DoneTitle,
        Key::DoneText,
        Key::ExpiredTitle,
        Key::ExpiredText,
        Key::CancelledTitle,
        Key::CancelledText,
        Key::SessionErrorTitle,
        Key::SessionMissing,
        Key::SessionUnreadable,
        Key::SessionForeign,
        Key::CameraDenied,
        Key::CameraNotFound,
        Key::CameraBusy,
        Key::CameraBlocked,
        Key::CameraInsecure,
        Key::CameraOverconstrained,
        Key::CameraFailed,
        Key::Retry,
        Key::UploadFailed,
        Key::UploadRefused,
        Key::UploadRetrying,
        Key::Offline,
        Key::ReasonsTitle,
        Key::ReasonBlur,
        Key::ReasonGlare,
        Key::ReasonTooDark,
        Key::ReasonTooSmall,
        Key::ReasonCutOff,
        Key::ReasonNoDocument,
        Key::ReasonNotOriginal,
        Key::ReasonNoFace,
        Key::ReasonMultipleFaces,
        Key::ReasonDocumentInSelfie,
        Key::ReasonExpired,
        Key::ReasonMinor,
        Key::GuideReadMrz,
        Key::GuideTurnOver,
        Key::GuideOpenPassport,
        Key::ReviewMrzUnread,
        Key::RefusedExpiredTitle,
        Key::RefusedExpiredText,
        Key::RefusedMinorTitle,
        Key::RefusedMinorText,
        Key::RefusedOtherDocument,
        Key::UploadMismatch,
        Key::UseAnyway,
        Key::PartsProgress,
        Key::PartFront,
        Key::PartBack,
        Key::PartPassportPage,
        Key::PartSelfie,
        Key::PartDone,
        Key::PartToDo,
        Key::HandoffTitle,
        Key::HandoffText,
        Key::HandoffQr,
        Key::HandoffLink,
        Key::HandoffCopy,
        Key::HandoffCopied,
        Key::HandoffCopyFailed,
        Key::HandoffWaiting,
        Key::HandoffButton,
        Key::HandoffChoice,
        Key::HandoffBack,
        Key::CameraDeniedChromeAndroid,
        Key::CameraDeniedSafariIos,
        Key::CameraDeniedFirefox,
        Key::CameraDeniedSafariDesktop,
        Key::CameraDeniedDesktop,
        Key::CameraEnded,
        Key::SwitchCamera,
        Key::TorchOn,
        Key::TorchOff,
        Key::GuideNoDocument,
        Key::GuideMoveCloser,
        Key::GuideMoveBack,
        Key::GuideFitDocument,
        Key::GuideRemoveDocument,
        Key::GuideOnePerson,
        Key::GuideNoFace,
        Key::GuideTooDark,
        Key::GuideNotOriginal,
        Key::GuideGlare,
        Key::GuideFaceCloser,
        Key::GuideFaceCentre,
        Key::GuideHoldStill,
        Key::GuideBlur,
        Key::GuideReady,
        Key::GuideTaking,
        Key::GuideUnavailable,
        Key::GuideUnavailableDocument,
    ];

    /// The message id in the `.ftl` files.
    pub fn id(self) -> &'static str {
        use Key::*;
        match self {
            AppTitle => "app-title",
            TimeLeft => "time-left",
            TimeWarning => "time-warning",
            WelcomeTitle => "welcome-title",
            WelcomeIntro => "welcome-intro",
            WelcomeNeedDocument => "welcome-need-document",
            WelcomeNeedCamera => "welcome-need-camera",
            WelcomeNeedHour => "welcome-need-hour",
            WelcomeStart => "welcome-start",
            ChooseTitle => "choose-title",
            ChooseIdCard => "choose-id-card",
            ChooseResidencePermit => "choose-residence-permit",
            ChoosePassport => "choose-passport",
            Back => "back",
            CaptureFrontTitle => "capture-front-title",
            CaptureBackTitle => "capture-back-title",
            CapturePassportTitle => "capture-passport-title",
            CaptureSelfieTitle => "capture-selfie-title",
            CaptureDocumentHint => "capture-document-hint",
            CaptureSelfieHint => "capture-selfie-hint",
            CameraPreview => "camera-preview",
            CameraStarting => "camera-starting",
            Shutter => "shutter",
            ReviewTitle => "review-title",
            ReviewCheck => "review-check",
            ReviewUnchecked => "review-unchecked",
            ReviewCheckSelfie => "review-check-selfie",
            ReviewPhoto => "review-photo",
            Retake => "retake",
            UsePhoto => "use-photo",
            SendingTitle => "sending-title",
            SendingProgress => "sending-progress",
            DoneTitle => "done-title",
            DoneText => "done-text",
            ExpiredTitle => "expired-title",
            ExpiredText => "expired-text",
            CancelledTitle => "cancelled-title",
            CancelledText => "cancelled-text",
            SessionErrorTitle => "session-error-title",
            SessionMissing => "session-missing",
            SessionUnreadable => "session-unreadable",
            SessionForeign => "session-foreign",
            CameraDenied => "camera-denied",
            CameraNotFound => "camera-not-found",
            CameraBusy => "camera-busy",
            CameraBlocked => "camera-blocked",
            CameraInsecure => "camera-insecure",
            CameraOverconstrained => "camera-overconstrained",
            CameraFailed => "camera-failed",
            Retry => "retry",
            UploadFailed => "upload-failed",
            UploadRefused => "upload-refused",
            UploadRetrying => "upload-retrying",
            Offline => "offline",
            ReasonsTitle => "reasons-title",
            ReasonBlur => "reason-blur",
            ReasonGlare => "reason-glare",
            ReasonTooDark => "reason-too-dark",
            ReasonTooSmall => "reason-too-small",
            ReasonCutOff => "reason-cut-off",
            ReasonNoDocument => "reason-no-document",
            ReasonNotOriginal => "reason-not-original",
            ReasonNoFace => "reason-no-face",
            ReasonMultipleFaces => "reason-multiple-faces",
            ReasonDocumentInSelfie => "reason-document-in-selfie",
            ReasonExpired => "reason-expired",
            ReasonMinor => "reason-minor",
            GuideReadMrz => "guide-read-mrz",
            GuideTurnOver => "guide-turn-over",
            GuideOpenPassport => "guide-open-passport",
            ReviewMrzUnread => "review-mrz-unread",
            RefusedExpiredTitle => "refused-expired-title",
            RefusedExpiredText => "refused-expired-text",
            RefusedMinorTitle => "refused-minor-title",
            RefusedMinorText => "refused-minor-text",
            RefusedOtherDocument => "refused-other-document",
            UploadMismatch => "upload-mismatch",
            UseAnyway => "use-anyway",
            PartsProgress => "parts-progress",
            PartFront => "part-front",
            PartBack => "part-back",
            PartPassportPage => "part-passport-page",
            PartSelfie => "part-selfie",
            PartDone => "part-done",
            PartToDo => "part-to-do",
            HandoffTitle => "handoff-title",
            HandoffText => "handoff-text",
            HandoffQr => "handoff-qr",
            HandoffLink => "handoff-link",
            HandoffCopy => "handoff-copy",
            HandoffCopied => "handoff-copied",
            HandoffCopyFailed => "handoff-copy-failed",
            HandoffWaiting => "handoff-waiting",
            HandoffButton => "handoff-button",
            HandoffChoice => "handoff-choice",
            HandoffBack => "handoff-back",
            CameraDeniedChromeAndroid => "camera-denied-chrome-android",
            CameraDeniedSafariIos => "camera-denied-safari-ios",
            CameraDeniedFirefox => "camera-denied-firefox",
            CameraDeniedSafariDesktop => "camera-denied-safari-desktop",
            CameraDeniedDesktop => "camera-denied-desktop",
            CameraEnded => "camera-ended",
            SwitchCamera => "switch-camera",
            TorchOn => "torch-on",
            TorchOff => "torch-off",
            GuideNoDocument => "guide-no-document",
            GuideMoveCloser => "guide-move-closer",
            GuideMoveBack => "guide-move-back",
            GuideFitDocument => "guide-fit-document",
            GuideRemoveDocument => "guide-remove-document",
            GuideOnePerson => "guide-one-person",
            GuideNoFace => "guide-no-face",
            GuideTooDark => "guide-too-dark",
            GuideNotOriginal => "guide-not-original",
            GuideGlare => "guide-glare",
            GuideFaceCloser => "guide-face-closer",
            GuideFaceCentre => "guide-face-centre",
            GuideHoldStill => "guide-hold-still",
            GuideBlur => "guide-blur",
            GuideReady => "guide-ready",
            GuideTaking => "guide-taking",
            GuideUnavailable => "guide-unavailable",
            GuideUnavailableDocument => "guide-unavailable-document",
        }
    }
}

/// The languages served: France first, then the provider's other markets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Fr,
    Es,
    It,
    Pt,
    En,
}

impl Lang {
    pub const ALL: [Lang; 5] = [Lang::Fr, Lang::Es, Lang::It, Lang::Pt, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::It => "it",
            Lang::Pt => "pt",
            Lang::En => "en",
        }
    }

    /// The language of a BCP 47 tag (`pt-BR` → Portuguese), if served.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The host's choice if it names a served language, else the browser's
    /// first served preference, else French.
    pub fn negotiate(host: Option<&str>, browser: &[String]) -> Lang {
        host.and_then(Lang::from_tag).or_else(|| browser.iter().find_map(|t| Lang::from_tag(t))).unwrap_or_default()
    }

    fn source(self) -> &'static str {
        match self {
            Lang::Fr => include_str!("../../i18n/fr.ftl"),
            Lang::Es => include_str!("../../i18n/es.ftl"),
            Lang::It => include_str!("../../i18n/it.ftl"),
            Lang::Pt => include_str!("../../i18n/pt.ftl"),
            Lang::En => include_str!("../../i18n/en.ftl"),
        }
    }
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.code().parse().expect("a valid language tag");
    let mut b = FluentBundle::new(vec![id]);
    // No Unicode isolation marks around placeables: they would be read out
    // or shown as boxes on some devices.
    b.set_use_isolating(false);
    let res = FluentResource::try_new(lang.source().to_string()).unwrap_or_else(|(r, _)| r);
    let _ = b.add_resource(res);
    b
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::Fr) };
    static BUNDLES: RefCell<HashMap<Lang, FluentBundle<FluentResource>>> = RefCell::new(HashMap::new());
}

/// Set the page's language (once, at start).
pub fn set_lang(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

pub fn lang() -> Lang {
    CURRENT.with(|c| c.get())
}

fn format(lang: Lang, id: &str, args: Option<&FluentArgs>) -> Option<String> {
    BUNDLES.with(|b| {
        let mut b = b.borrow_mut();
        let bundle = b.entry(lang).or_insert_with(|| bundle(lang));
        let msg = bundle.get_message(id)?;
        let mut errors = vec![];
        let text = bundle.format_pattern(msg.value()?, args, &mut errors).into_owned();
        errors.is_empty().then_some(text)
    })
}

/// The text of `key` in a given language (French if the language lacks it).
pub fn tr(lang: Lang, key: Key) -> String {
    format(lang, key.id(), None).or_else(|| format(Lang::Fr, key.id(), None)).unwrap_or_default()
}

/// The text of `key` in the page's language.
pub fn t(key: Key) -> String {
    tr(lang(), key)
}

/// "N minutes left", with the language's plural rules.
pub fn minutes_left(minutes: i64) -> String {
    let mut args = FluentArgs::new();
    args.set("minutes", minutes);
    format(lang(), "time-left-minutes", Some(&args)).unwrap_or_default()
}

/// "Not valid since DATE" (DD/MM/YYYY) for the expired-document screen.
pub fn expired_since(date: &str) -> String {
    let mut args = FluentArgs::new();
    args.set("date", date.to_string());
    format(lang(), "refused-expired-date", Some(&args)).unwrap_or_default()
}

/// The French text of `key` (the reference language).
pub fn fr(key: Key) -> String {
    tr(Lang::Fr, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids_in(lang: Lang) -> Vec<String> {
        lang.source()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(" = "))
            .map(|l| l.split(" = ").next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn every_language_has_every_key_and_no_other() {
        let mut expected: Vec<String> = Key::ALL.iter().map(|k| k.id().to_string()).collect();
        expected.push("time-left-minutes".into());
        expected.push("refused-expired-date".into());
        // index.html's first screen's (tools/hash-assets.mjs), not the app's.
        expected.push("shell-wait".into());
        expected.sort();
        for lang in Lang::ALL {
            for key in Key::ALL {
                let text = format(lang, key.id(), None);
                assert!(text.as_deref().is_some_and(|t| !t.is_empty()), "{} lacks {}", lang.code(), key.id());
            }
            let mut ids = ids_in(lang);
            ids.sort();
            assert_eq!(ids, expected, "{}: keys differ from the reference", lang.code());
        }
    }

    #[test]
    fn translations_are_translated() {
        // A key left in French in another language is a miss, except words
        // that really are the same (Selfie; "Verso" in Portuguese).
        for lang in [Lang::Es, Lang::It, Lang::Pt, Lang::En] {
            let same: Vec<&str> = Key::ALL.iter().filter(|k| tr(lang, **k) == fr(**k)).map(|k| k.id()).collect();
            let cognate = |id: &str| id == "part-selfie" || (lang == Lang::Pt && id == "part-back");
            assert!(same.iter().all(|id| cognate(id)), "{} untranslated: {same:?}", lang.code());
        }
    }

    #[test]
    fn plurals_come_from_the_library() {
        set_lang(Lang::Fr);
        assert_eq!(minutes_left(1), "Il reste 1 minute.");
        assert_eq!(minutes_left(5), "Il reste 5 minutes.");
        set_lang(Lang::En);
        assert_eq!(minutes_left(1), "1 minute left.");
        assert_eq!(minutes_left(10), "10 minutes left.");
        set_lang(Lang::Pt);
        assert_eq!(minutes_left(1), "Falta 1 minuto.");
        set_lang(Lang::Fr);
    }

    #[test]
    fn negotiation() {
        let browser = vec!["de-DE".to_string(), "it-IT".to_string(), "en".to_string()];
        assert_eq!(Lang::negotiate(Some("es"), &browser), Lang::Es);
        assert_eq!(Lang::negotiate(Some("xx"), &browser), Lang::It);
        assert_eq!(Lang::negotiate(None, &browser), Lang::It);
        assert_eq!(Lang::negotiate(None, &["pt-BR".to_string()]), Lang::Pt);
        assert_eq!(Lang::negotiate(None, &[]), Lang::Fr);
        assert_eq!(Lang::negotiate(Some("<script>"), &[]), Lang::Fr);
    }

    #[test]
    fn reference_texts() {
        assert_eq!(fr(Key::Retake), "Reprendre");
        assert_eq!(fr(Key::UsePhoto), "Utiliser cette photo");
        assert_eq!(fr(Key::ExpiredTitle), "Achat annulé");
        assert_eq!(tr(Lang::Es, Key::ExpiredTitle), "Compra cancelada");
    }
}
