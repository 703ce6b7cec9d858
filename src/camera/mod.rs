//! The camera: `getUserMedia` behind typed errors, the stream in a handle
//! that stops its tracks on Drop (after medea-jason's media_devices), and the
//! still taken at the track's own resolution (not the preview's), encoded as
//! JPEG in the browser.

mod error;
pub use error::CameraError;

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
pub use web::{camera_policy_blocks, still_jpeg, CameraStream, Still};

/// Which camera a step needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Facing {
    /// The rear camera (documents).
    Environment,
    /// The front camera (selfie).
    User,
}

/// The `video` constraints, as JSON. The first try asks for the facing
/// camera at 1920x1080 ideally (never required: a webcam that cannot gets its
/// best); after an `OverconstrainedError` only the facing is asked for.
pub fn video_constraints(facing: Facing, relaxed: bool) -> String {
    let mode = match facing {
        Facing::Environment => "environment",
        Facing::User => "user",
    };
    if relaxed {
        format!(r#"{{"facingMode":"{mode}"}}"#)
    } else {
        format!(r#"{{"facingMode":{{"ideal":"{mode}"}},"width":{{"ideal":1920}},"height":{{"ideal":1080}}}}"#)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_are_ideal_not_exact() {
        let c: serde_json::Value = serde_json::from_str(&video_constraints(Facing::Environment, false)).unwrap();
        assert_eq!(c["facingMode"]["ideal"], "environment");
        assert_eq!(c["width"]["ideal"], 1920);
        let r: serde_json::Value = serde_json::from_str(&video_constraints(Facing::User, true)).unwrap();
        assert_eq!(r["facingMode"], "user");
        assert!(r.get("width").is_none());
    }
}
