//! The camera: `getUserMedia` behind typed errors, the stream in a handle
//! that stops its tracks on Drop (after medea-jason's media_devices), and the
//! still taken at the track's own resolution (not the preview's), encoded as
//! JPEG in the browser.

mod error;
pub use error::{browser_family, denied_help, pick_main_rear, Browser, CameraError};

#[cfg(target_arch = "wasm32")]
mod frames;
#[cfg(target_arch = "wasm32")]
pub use frames::{FrameClock, Grabber};
#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
pub use web::{camera_policy_blocks, list_cameras, still_jpeg, CameraStream, Still};

/// Size of the live analysis frame for a `vw x vh` video: the longer side
/// brought to at most `side`, aspect kept, never enlarged.
pub fn live_size(vw: u32, vh: u32, side: u32) -> (u32, u32) {
    let long = vw.max(vh);
    if long == 0 {
        return (0, 0);
    }
    if long <= side {
        return (vw, vh);
    }
    let k = side as f64 / long as f64;
    (((vw as f64 * k).round() as u32).max(1), ((vh as f64 * k).round() as u32).max(1))
}

/// Top-left corner, in video pixels, of the `n`-px square centred on `(x, y)`
/// (in units of the video's long side, as [`idcapture_quality::live::Anchor`]
/// gives it; the frame centre when `None`), moved inside the video. `None`
/// when the video is smaller than the square.
pub fn patch_origin(centre: Option<(f32, f32)>, vw: u32, vh: u32, n: u32) -> Option<(u32, u32)> {
    if vw < n || vh < n {
        return None;
    }
    let long = vw.max(vh) as f32;
    let (cx, cy) = centre.map_or((vw as f32 / 2.0, vh as f32 / 2.0), |(x, y)| (x * long, y * long));
    let clamp = |c: f32, max: u32| ((c - n as f32 / 2.0).round().max(0.0) as u32).min(max - n);
    Some((clamp(cx, vw), clamp(cy, vh)))
}

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
    fn live_frames_are_reduced_to_the_side_keeping_the_aspect() {
        assert_eq!(live_size(1280, 720, 640), (640, 360));
        assert_eq!(live_size(720, 1280, 640), (360, 640));
        assert_eq!(live_size(1920, 1080, 640), (640, 360));
        assert_eq!(live_size(320, 240, 640), (320, 240));
        assert_eq!(live_size(0, 0, 640), (0, 0));
    }

    #[test]
    fn the_patch_follows_the_document_and_stays_inside() {
        assert_eq!(patch_origin(None, 1280, 720, 256), Some((512, 232)));
        // Anchor at (0.25, 0.25) of the long side: (320, 320) px.
        assert_eq!(patch_origin(Some((0.25, 0.25)), 1280, 720, 256), Some((192, 192)));
        // Near a corner: moved inside.
        assert_eq!(patch_origin(Some((0.99, 0.0)), 1280, 720, 256), Some((1024, 0)));
        assert_eq!(patch_origin(None, 200, 720, 256), None);
    }

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

/// Every sampled RGBA pixel (one in 97) black: a draw that drew nothing.
pub fn all_black(rgba: &[u8]) -> bool {
    rgba.chunks_exact(4).step_by(97).all(|p| p[0] < 4 && p[1] < 4 && p[2] < 4)
}

/// Overwrite a buffer that held an image with zeros, in writes the compiler
/// may not drop as dead (the quality core's, shared with the worker).
pub use idcapture_quality::frame::wipe;

#[cfg(test)]
mod wipe_tests {
    #[test]
    fn a_black_draw_is_told_from_a_dark_scene() {
        let mut rgba = vec![0u8; 1280 * 4 * 10];
        assert!(super::all_black(&rgba));
        // A dark scene still has some light somewhere.
        rgba[4 * 97 * 3 + 1] = 30;
        assert!(!super::all_black(&rgba));
    }

    #[test]
    fn wipe_zeroes_every_byte() {
        let mut v = vec![0xa5u8; 4099];
        super::wipe(&mut v);
        assert!(v.iter().all(|&b| b == 0));
    }
}
