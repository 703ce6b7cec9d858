//! Camera errors, from the `DOMException` names of the Media Capture spec,
//! each with the message the shopper sees and a stable code for the host.

use crate::i18n::Key;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CameraError {
    /// `NotAllowedError`: the shopper or the browser refused.
    Denied,
    /// `NotFoundError`: no camera.
    NotFound,
    /// `NotReadableError` / `AbortError`: the camera is in use or failed.
    Busy,
    /// The embedding page's permissions policy does not grant the camera.
    Blocked,
    /// Not a secure context (no `mediaDevices`).
    Insecure,
    /// `OverconstrainedError` even with relaxed constraints.
    Overconstrained,
    /// Anything else (the name is kept for the debug log, not shown).
    Failed(String),
}

impl CameraError {
    /// Map a `DOMException` name.
    pub fn from_name(name: &str) -> CameraError {
        match name {
            "NotAllowedError" | "PermissionDeniedError" | "SecurityError" => CameraError::Denied,
            "NotFoundError" | "DevicesNotFoundError" => CameraError::NotFound,
            "NotReadableError" | "TrackStartError" | "AbortError" => CameraError::Busy,
            "OverconstrainedError" | "ConstraintNotSatisfiedError" => CameraError::Overconstrained,
            other => CameraError::Failed(other.to_string()),
        }
    }

    /// The shopper's message.
    pub fn key(&self) -> Key {
        match self {
            CameraError::Denied => Key::CameraDenied,
            CameraError::NotFound => Key::CameraNotFound,
            CameraError::Busy => Key::CameraBusy,
            CameraError::Blocked => Key::CameraBlocked,
            CameraError::Insecure => Key::CameraInsecure,
            CameraError::Overconstrained => Key::CameraOverconstrained,
            CameraError::Failed(_) => Key::CameraFailed,
        }
    }

    /// The stable code sent to the host in an `error` event.
    pub fn code(&self) -> &'static str {
        match self {
            CameraError::Denied => "camera_denied",
            CameraError::NotFound => "camera_not_found",
            CameraError::Busy => "camera_busy",
            CameraError::Blocked => "camera_blocked_by_embedder",
            CameraError::Insecure => "insecure_context",
            CameraError::Overconstrained => "camera_overconstrained",
            CameraError::Failed(_) => "camera_failed",
        }
    }
}

/// Browser families whose camera settings differ (for the "how to allow
/// the camera again" instructions after a refusal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Browser {
    ChromeAndroid,
    SafariIos,
    Firefox,
    /// Safari on a Mac (and WebKit browsers on a computer).
    SafariDesktop,
    /// Chrome, Edge and other Chromium browsers on a computer.
    Desktop,
}

/// The browser family from a user-agent string (only to pick instructions;
/// nothing else depends on it).
pub fn browser_family(ua: &str) -> Browser {
    let ios = ua.contains("iPhone") || ua.contains("iPad") || ua.contains("iPod");
    if ios {
        // Every iOS browser uses Safari's engine and Safari's site settings.
        Browser::SafariIos
    } else if ua.contains("Firefox/") {
        Browser::Firefox
    } else if ua.contains("Android") {
        Browser::ChromeAndroid
    } else if ua.contains("Safari/")
        && ua.contains("Version/")
        && !["Chrome/", "Chromium/", "Edg/"].iter().any(|c| ua.contains(c))
    {
        // Safari's own user agent: "Version/17.4 Safari/605.1.15", no
        // Chromium token (Chromium browsers say "Chrome/... Safari/...").
        Browser::SafariDesktop
    } else {
        Browser::Desktop
    }
}

/// How to allow the camera again in that browser.
pub fn denied_help(b: Browser) -> Key {
    match b {
        Browser::ChromeAndroid => Key::CameraDeniedChromeAndroid,
        Browser::SafariIos => Key::CameraDeniedSafariIos,
        Browser::Firefox => Key::CameraDeniedFirefox,
        Browser::SafariDesktop => Key::CameraDeniedSafariDesktop,
        Browser::Desktop => Key::CameraDeniedDesktop,
    }
}

/// Among the cameras (id, label), the phone's main rear camera: a rear one
/// whose label does not say ultra-wide, telephoto, macro or depth. Labels
/// are known only after permission; with none, the browser's choice stands.
pub fn pick_main_rear(cameras: &[(String, String)]) -> Option<String> {
    let rear = |l: &str| {
        let l = l.to_lowercase();
        ["back", "rear", "environment", "arrière", "trasera", "posteriore", "traseira"].iter().any(|w| l.contains(w))
    };
    let special = |l: &str| {
        let l = l.to_lowercase();
        ["ultra", "wide", "tele", "macro", "depth", "0.5", "zoom"].iter().any(|w| l.contains(w))
    };
    cameras.iter().find(|(_, l)| rear(l) && !special(l)).map(|(id, _)| id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_for_the_instructions() {
        let pixel = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0 Mobile/15E148 Safari/604.1";
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0";
        assert_eq!(browser_family(pixel), Browser::ChromeAndroid);
        assert_eq!(browser_family(iphone), Browser::SafariIos);
        assert_eq!(browser_family(firefox), Browser::Firefox);
        assert_eq!(browser_family(edge), Browser::Desktop);
        let safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
        let webkitgtk =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/60.5 Safari/605.1.15";
        assert_eq!(browser_family(safari), Browser::SafariDesktop);
        assert_eq!(browser_family(webkitgtk), Browser::SafariDesktop);
        assert_eq!(denied_help(Browser::SafariDesktop), Key::CameraDeniedSafariDesktop);
        assert_eq!(denied_help(Browser::SafariIos), Key::CameraDeniedSafariIos);
    }

    #[test]
    fn the_main_rear_camera_is_preferred() {
        let cams = |v: &[&str]| v.iter().enumerate().map(|(i, l)| (i.to_string(), l.to_string())).collect::<Vec<_>>();
        assert_eq!(
            pick_main_rear(&cams(&[
                "camera2 1, facing front",
                "camera2 2, facing back ultra wide",
                "camera2 0, facing back"
            ])),
            Some("2".into())
        );
        assert_eq!(pick_main_rear(&cams(&["Back Telephoto Camera", "Back Camera"])), Some("1".into()));
        assert_eq!(pick_main_rear(&cams(&["Integrated Webcam"])), None);
        assert_eq!(pick_main_rear(&cams(&["", ""])), None);
    }

    #[test]
    fn every_exception_name_maps_to_a_message() {
        for (name, code) in [
            ("NotAllowedError", "camera_denied"),
            ("NotFoundError", "camera_not_found"),
            ("NotReadableError", "camera_busy"),
            ("OverconstrainedError", "camera_overconstrained"),
            ("TypeError", "camera_failed"),
        ] {
            let e = CameraError::from_name(name);
            assert_eq!(e.code(), code);
            assert!(!crate::i18n::fr(e.key()).is_empty());
        }
    }
}
