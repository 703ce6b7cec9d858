//! Every text the shopper sees goes through [`t`] with a [`Key`]: components
//! hold keys, never literals. French is the reference language; the match
//! below is exhaustive, so a key without a French text does not compile.
//! (Further languages come as message files with a completeness test.)

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
    CameraDenied,
    CameraNotFound,
    CameraBusy,
    CameraBlocked,
    CameraInsecure,
    CameraOverconstrained,
    CameraFailed,
    Retry,
    UploadFailed,
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
    HandoffWaiting,
    HandoffButton,
    HandoffChoice,
    HandoffBack,
}

/// The shopper's language. French first (the market is France).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
}

/// The text of `key` in French.
pub fn fr(key: Key) -> &'static str {
    use Key::*;
    match key {
        AppTitle => "Vérification d'identité",
        TimeLeft => "Temps restant",
        TimeWarning => "Moins de 5 minutes : terminez maintenant.",
        WelcomeTitle => "Vérifions votre identité",
        WelcomeIntro => "Pour finaliser votre achat, photographiez votre pièce d'identité puis prenez un selfie. Cela prend environ 3 minutes.",
        WelcomeNeedDocument => "Votre carte d'identité, titre de séjour ou passeport, en cours de validité.",
        WelcomeNeedCamera => "La caméra de votre téléphone ou de votre ordinateur.",
        WelcomeNeedHour => "Vous disposez d'une heure à partir de maintenant. Passé ce délai, l'achat est annulé et le montant initial remboursé.",
        WelcomeStart => "Commencer",
        ChooseTitle => "Quel document allez-vous photographier ?",
        ChooseIdCard => "Carte nationale d'identité",
        ChooseResidencePermit => "Titre de séjour",
        ChoosePassport => "Passeport",
        Back => "Retour",
        CaptureFrontTitle => "Photographiez le recto du document",
        CaptureBackTitle => "Photographiez le verso du document",
        CapturePassportTitle => "Photographiez la page d'identité du passeport",
        CaptureSelfieTitle => "Prenez un selfie",
        CaptureDocumentHint => "Posez le document sur une surface sombre et unie, placez-le entier dans le cadre, sans reflet.",
        CaptureSelfieHint => "Placez votre visage dans l'ovale. Le document ne doit pas apparaître sur la photo.",
        CameraPreview => "Aperçu de la caméra",
        CameraStarting => "Démarrage de la caméra…",
        Shutter => "Prendre la photo",
        ReviewTitle => "Vérifiez la photo",
        ReviewCheck => "Le texte est-il lisible, sans flou ni reflet, et le document entier ?",
        ReviewPhoto => "Photo que vous venez de prendre",
        Retake => "Reprendre",
        UsePhoto => "Utiliser cette photo",
        SendingTitle => "Envoi en cours",
        SendingProgress => "Progression de l'envoi",
        DoneTitle => "C'est terminé",
        DoneText => "Merci ! Vos photos ont été transmises. Vous pouvez revenir à votre achat.",
        ExpiredTitle => "Achat annulé",
        ExpiredText => "Le délai d'une heure est dépassé : l'achat est annulé et le montant initial vous sera remboursé.",
        CancelledTitle => "Vérification annulée",
        CancelledText => "La vérification a été annulée. Aucune photo n'a été conservée sur cet appareil.",
        SessionErrorTitle => "Impossible d'ouvrir la vérification",
        SessionMissing => "Ce lien de vérification est incomplet. Revenez à votre achat et relancez la vérification.",
        SessionUnreadable => "La vérification n'a pas pu être chargée. Vérifiez votre connexion puis réessayez.",
        CameraDenied => "L'accès à la caméra a été refusé. Autorisez la caméra pour ce site dans les réglages du navigateur, puis réessayez.",
        CameraNotFound => "Aucune caméra n'a été trouvée sur cet appareil. Utilisez un téléphone ou un ordinateur équipé d'une caméra.",
        CameraBusy => "La caméra est utilisée par une autre application. Fermez-la, puis réessayez.",
        CameraBlocked => "La page du marchand n'autorise pas l'accès à la caméra. Ouvrez la vérification sur votre téléphone.",
        CameraInsecure => "La caméra n'est disponible que sur une connexion sécurisée (https).",
        CameraOverconstrained => "La caméra ne permet pas ce réglage. Nouvel essai avec des réglages simplifiés…",
        CameraFailed => "La caméra n'a pas pu démarrer. Réessayez.",
        Retry => "Réessayer",
        UploadFailed => "L'envoi a échoué. Vos photos sont conservées : réessayez.",
        UploadRetrying => "Connexion instable, nouvel essai d'envoi…",
        Offline => "Vous êtes hors ligne. L'envoi reprendra dès le retour de la connexion.",
        ReasonsTitle => "Cette photo risque d'être refusée :",
        ReasonBlur => "La photo est floue : tenez l'appareil immobile et laissez-le faire la mise au point.",
        ReasonGlare => "Un reflet cache une partie du document : inclinez-le légèrement ou éloignez-vous de la lumière.",
        ReasonTooDark => "La photo est trop sombre : placez-vous dans un endroit plus éclairé.",
        ReasonTooSmall => "Le document est trop loin : rapprochez-vous pour qu'il remplisse le cadre.",
        ReasonCutOff => "Le document est coupé : reculez un peu pour qu'il apparaisse en entier.",
        ReasonNoDocument => "Aucun document n'est visible : placez-le dans le cadre, sur une surface sombre et unie.",
        ReasonNotOriginal => "Photographiez le document original, pas un écran ni une photocopie.",
        ReasonNoFace => "Aucun visage n'est visible : placez votre visage dans l'ovale, face à la caméra.",
        ReasonMultipleFaces => "Plusieurs visages sont visibles : vous devez être seul(e) sur la photo.",
        ReasonDocumentInSelfie => "Retirez le document : il ne doit pas apparaître sur le selfie.",
        UseAnyway => "Utiliser quand même",
        PartsProgress => "Étapes",
        PartFront => "Recto",
        PartBack => "Verso",
        PartPassportPage => "Page d'identité",
        PartSelfie => "Selfie",
        PartDone => "envoyé",
        PartToDo => "à faire",
        HandoffTitle => "Continuez sur votre téléphone",
        HandoffText => "Scannez ce code avec l'appareil photo de votre téléphone, ou ouvrez le lien ci-dessous sur votre téléphone. Le délai reste le même.",
        HandoffQr => "QR code du lien pour continuer la vérification sur votre téléphone",
        HandoffLink => "Lien à ouvrir sur votre téléphone (personnel : ne le partagez pas)",
        HandoffCopy => "Copier le lien",
        HandoffCopied => "Lien copié.",
        HandoffWaiting => "En attente de votre téléphone… Cette page se met à jour toute seule.",
        HandoffButton => "Continuer sur mon téléphone",
        HandoffChoice => "Continuer sur un autre appareil",
        HandoffBack => "Utiliser cet appareil",
    }
}

/// The text of `key` in `lang`.
pub fn t(key: Key) -> &'static str {
    tr(Lang::default(), key)
}

/// The text of `key` in a given language.
pub fn tr(lang: Lang, key: Key) -> &'static str {
    match lang {
        Lang::Fr => fr(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_texts_are_filled_and_distinct_where_it_matters() {
        for k in [Key::Retake, Key::UsePhoto, Key::Shutter, Key::ExpiredTitle] {
            assert!(!fr(k).is_empty());
        }
        assert_eq!(fr(Key::Retake), "Reprendre");
        assert_eq!(fr(Key::UsePhoto), "Utiliser cette photo");
        assert_eq!(fr(Key::ExpiredTitle), "Achat annulé");
    }
}
