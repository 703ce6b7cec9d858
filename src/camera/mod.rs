//! The camera: `getUserMedia` behind typed errors, the stream in a handle
//! that stops its tracks on Drop (after medea-jason's media_devices), and the
//! still taken at the track's own resolution (not the preview's), encoded as
//! JPEG in the browser.

mod error;
pub use error::{browser_family, denied_help, pick_main_rear, Browser, CameraError};

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
pub use web::{camera_policy_blocks, list_cameras, still_jpeg, CameraStream, Still};

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
    video_constraints_for(facing, relaxed, None)
}

/// The same, for one camera chosen by id (switching, or the main rear one).
pub fn video_constraints_for(facing: Facing, relaxed: bool, device: Option<&str>) -> String {
    let mode = match facing {
        Facing::Environment => "environment",
        Facing::User => "user",
    };
    if let Some(id) = device {
        let id = serde_json::to_string(id).unwrap_or_else(|_| "\"\"".into());
        return if relaxed {
            format!(r#"{{"deviceId":{{"exact":{id}}}}}"#)
        } else {
            format!(r#"{{"deviceId":{{"exact":{id}}},"width":{{"ideal":1920}},"height":{{"ideal":1080}}}}"#)
        };
    }
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
        let d: serde_json::Value =
            serde_json::from_str(&video_constraints_for(Facing::Environment, false, Some("a\"b"))).unwrap();
        assert_eq!(d["deviceId"]["exact"], "a\"b");
    }
}
