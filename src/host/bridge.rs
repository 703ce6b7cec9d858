//! Posting to the parent window (browser side of [`super`]).

use super::{message, valid_target_origin, HostEvent};

/// The parent page, reachable at one exact origin.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    origin: Option<String>,
}

impl Host {
    /// A bridge to `origin`; an unusable origin gives a bridge that posts
    /// nothing (the capture still works, the host just hears nothing).
    pub fn new(origin: &str) -> Host {
        Host { origin: valid_target_origin(origin).then(|| origin.to_string()) }
    }

    /// The exact origin messages go to (and the only one listened to).
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// Post an event to the parent, if the page is framed.
    pub fn post(&self, event: HostEvent) {
        let Some(origin) = &self.origin else { return };
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(Some(parent)) = window.parent() else {
            return;
        };
        if parent == window {
            return;
        }
        let text = message(&event).to_string();
        if let Ok(value) = js_sys::JSON::parse(&text) {
            // postMessage to a parent whose origin differs is dropped by the
            // browser: exactly what we want if the merchant is not who the
            // session says.
            let _ = parent.post_message(&value, origin);
        }
    }
}
