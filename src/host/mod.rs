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
pub mod launch;
#[cfg(target_arch = "wasm32")]
pub use bridge::Host;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The version of the message format.
pub const VERSION: u32 = 1;

/// What the capture tells the host page (docs/integration.md lists them).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HostEvent {
    /// An embedded capture asks its host for the session's token (see
    /// [`launch`]); `embed.js` answers, to the capture origin only.
    AwaitingToken,
    /// The session is loaded; the deadline (ms since the epoch).
    Ready {
        expires_at: i64,
    },
    /// A new screen (`flow::Step::name`).
    Step {
        step: &'static str,
    },
    /// The backend stores this part.
    PartUploaded {
        part: &'static str,
    },
    /// Every part is stored and the session is completed.
    Completed {
        document_type: Option<&'static str>,
    },
    /// The document's MRZ says it cannot serve (`expired`, `minor`): the
    /// capture shows its own screen and waits for another document. Nothing
    /// read from the card is in the event.
    DocumentRefused {
        reason: &'static str,
    },
    /// The hour is over: the purchase is cancelled and refunded.
    Expired,
    Cancelled,
    /// Something the host may want to act on, with a stable code
    /// (`camera_denied`, `camera_blocked_by_embedder`, `upload_failed`, ...).
    Error {
        code: &'static str,
    },
}

/// The envelope: `{"source": "idcapture", "version": 1, "type": ..., ...}`.
pub fn message(event: &HostEvent) -> Value {
    let mut m = serde_json::to_value(event).unwrap_or_else(|_| json!({}));
    if let Some(obj) = m.as_object_mut() {
        obj.insert("source".into(), json!("idcapture"));
        obj.insert("version".into(), json!(VERSION));
    }
    m
}

/// What the host page may tell the capture (from its own origin only).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HostCommand {
    /// The shopper left the checkout: cancel the session.
    Cancel,
}

/// Judge an incoming message: from the session's parent origin, in the
/// merchant envelope (`{"source": "merchant", "version": 1, "type": ...}`)
/// and a known command; anything else is ignored.
pub fn accept_command(event_origin: &str, parent_origin: &str, data: &Value) -> Option<HostCommand> {
    if event_origin != parent_origin || !valid_target_origin(parent_origin) {
        return None;
    }
    if data.get("source")? != "merchant" || data.get("version")? != VERSION {
        return None;
    }
    serde_json::from_value(data.clone()).ok()
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
        let m = message(&HostEvent::Step { step: "welcome" });
        assert_eq!(m, json!({"source": "idcapture", "version": 1, "type": "step", "step": "welcome"}));
        assert_eq!(message(&HostEvent::Expired), json!({"source": "idcapture", "version": 1, "type": "expired"}));
        assert_eq!(
            message(&HostEvent::DocumentRefused { reason: "minor" }),
            json!({"source": "idcapture", "version": 1, "type": "document_refused", "reason": "minor"})
        );
        assert_eq!(message(&HostEvent::Error { code: "camera_denied" })["code"], "camera_denied");
    }

    #[test]
    fn commands_only_from_the_parent_origin_in_the_envelope() {
        let parent = "http://127.0.0.1:8080";
        let cancel = json!({"source": "merchant", "version": 1, "type": "cancel"});
        assert_eq!(accept_command(parent, parent, &cancel), Some(HostCommand::Cancel));
        assert_eq!(accept_command("https://evil.example", parent, &cancel), None);
        assert_eq!(accept_command(parent, parent, &json!({"type": "cancel"})), None);
        assert_eq!(
            accept_command(parent, parent, &json!({"source": "merchant", "version": 2, "type": "cancel"})),
            None
        );
        assert_eq!(
            accept_command(parent, parent, &json!({"source": "merchant", "version": 1, "type": "wipe_all"})),
            None
        );
        assert_eq!(accept_command(parent, parent, &json!("cancel")), None);
        assert_eq!(accept_command("null", "null", &cancel), None);
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
