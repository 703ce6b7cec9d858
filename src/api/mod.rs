//! The session API client: reads, uploads (retried), completion.
//!
//! The token goes in the `Authorization` header, never in a URL.

pub mod retry;

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
pub use web::{cancel, complete, merchant_origin, put_part, read_session, save_progress, FetchDeadline};

use crate::i18n::Key;
use serde::Deserialize;

/// A part as the backend reports it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct StoredPart {
    pub part: String,
    pub sha256: String,
    pub width: u32,
    pub height: u32,
}

/// A session read.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct SessionInfo {
    pub id: String,
    pub status: String,
    pub expires_at: i64,
    pub server_time: i64,
    pub parent_origin: String,
    pub document_type: Option<String>,
    #[serde(default)]
    pub started: bool,
    /// The merchant whose path may show this session (`/m/<key>/`).
    #[serde(default)]
    pub merchant: Option<String>,
    pub parts: Vec<StoredPart>,
}

/// Why a request failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// No answer (offline, connection dropped).
    Network,
    /// The session's deadline passed (410).
    Expired,
    /// Another HTTP error, with the backend's stable code.
    Http { status: u16, code: String },
    /// The answer was not what the API promises.
    Decode,
    /// The browser would not build the request (no window, a header it
    /// refuses): not the network's fault, so never retried as "offline".
    Browser,
}

impl ApiError {
    /// Worth retrying: no answer, or a server-side failure.
    pub fn transient(&self) -> bool {
        match self {
            ApiError::Network => true,
            ApiError::Http { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            _ => false,
        }
    }

    /// The shopper's message.
    pub fn key(&self) -> Key {
        match self {
            ApiError::Network => Key::Offline,
            ApiError::Expired => Key::ExpiredText,
            _ => Key::UploadFailed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_network_and_server_errors_are_transient() {
        assert!(ApiError::Network.transient());
        assert!(ApiError::Http { status: 503, code: "x".into() }.transient());
        assert!(!ApiError::Http { status: 401, code: "x".into() }.transient());
        assert!(!ApiError::Http { status: 422, code: "bad_image".into() }.transient());
        assert!(!ApiError::Expired.transient());
        assert!(!ApiError::Browser.transient());
        assert_eq!(ApiError::Browser.key(), Key::UploadFailed);
    }

    #[test]
    fn session_json_decodes() {
        let s: SessionInfo = serde_json::from_str(
            r#"{"id":"a","status":"open","expires_at":10,"server_time":5,"parent_origin":"http://x",
                "document_type":null,"parts":[{"part":"selfie","sha256":"00","bytes":3,"width":1,"height":2}]}"#,
        )
        .unwrap();
        assert_eq!(s.parts[0].height, 2);
    }
}
