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

#[cfg(test)]
mod tests {
    use super::*;

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
