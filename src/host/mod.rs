//! The iframe bridge: how the capture page is configured and what it tells
//! the merchant's page.
//!
//! Messages go to the parent with `{"source": "idcapture", "version": 1,
//! "type": …}` and only to the session's parent origin (from the backend's
//! allowlist, never from the URL alone); `"*"` is never used.

pub mod config;

#[cfg(target_arch = "wasm32")]
mod bridge;
#[cfg(target_arch = "wasm32")]
pub use bridge::Host;

use serde_json::{json, Value};

/// The version of the message format.
pub const VERSION: u32 = 1;

/// A message for the host page. `extra` fields are merged in.
pub fn message(kind: &str, extra: Value) -> Value {
    let mut m = json!({"source": "idcapture", "version": VERSION, "type": kind});
    if let (Some(obj), Value::Object(more)) = (m.as_object_mut(), extra) {
        for (k, v) in more {
            if !matches!(k.as_str(), "source" | "version" | "type") {
                obj.insert(k, v);
            }
        }
    }
    m
}

/// Whether a parent origin is usable as a `postMessage` target: an exact
/// http(s) origin, never a wildcard.
pub fn valid_target_origin(origin: &str) -> bool {
    (origin.starts_with("https://") || origin.starts_with("http://"))
        && !origin.contains('*')
        && origin.split("://").nth(1).is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_source_version_and_type() {
        let m = message("step", json!({"step": "welcome", "type": "spoofed"}));
        assert_eq!(m["source"], "idcapture");
        assert_eq!(m["version"], 1);
        assert_eq!(m["type"], "step");
        assert_eq!(m["step"], "welcome");
    }

    #[test]
    fn target_origins() {
        assert!(valid_target_origin("http://127.0.0.1:8080"));
        assert!(valid_target_origin("https://shop.example"));
        assert!(!valid_target_origin("*"));
        assert!(!valid_target_origin("https://*.example"));
        assert!(!valid_target_origin("https://shop.example/path"));
        assert!(!valid_target_origin("javascript:alert(1)"));
    }
}
