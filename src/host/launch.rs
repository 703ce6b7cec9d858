//! The token hand-over for an embedded capture (browser side of
//! [`super::config::Launch`]): the iframe's URL names only the session; the
//! page asks its host for the token by `postMessage` and takes it only from
//! the merchant's origin.
//!
//! The handshake (`docs/integration.md`):
//! 1. the capture, served at `/m/<merchant>/`, reads that merchant's origin
//!    (`GET /api/merchants/<key>`; the same origin is in the page's
//!    `frame-ancestors`, so no other page can frame it);
//! 2. it posts `{source: "idcapture", version: 1, type: "awaiting_token"}` to
//!    that origin (never `"*"`), once a second until answered;
//! 3. `embed.js` answers `{source: "merchant", version: 1, type: "token",
//!    token}` to the capture origin only, to that iframe only;
//! 4. the capture keeps the token in memory; after [`WAIT_MS`] without it,
//!    the shopper is told the link is incomplete.

use super::{Host, HostEvent};
use crate::host::config::valid_token;
use gloo::events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// How long the capture waits for its host's token.
pub const WAIT_MS: u32 = 10_000;

fn field(v: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(v, &JsValue::from_str(name)).ok()
}

/// Ask the parent at `origin` for the session's token; `None` if it does
/// not answer in time.
pub async fn obtain_token(origin: &str) -> Option<String> {
    let host = Host::new(origin);
    let expected = host.origin()?.to_string();
    let window = web_sys::window()?;
    // Framed, or there is nobody to ask.
    if window.parent().ok().flatten().is_none_or(|p| p == window) {
        return None;
    }
    let window_self = window.clone();
    let got: Rc<RefCell<Option<String>>> = Rc::new(RefCell::new(None));
    let _listener = {
        let got = got.clone();
        EventListener::new(&window, "message", move |e| {
            let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else { return };
            // The origin first: nothing from elsewhere is read. (Any window
            // of the merchant's origin speaks for the merchant; not this one.)
            let from_self = e.source().is_some_and(|s| JsValue::from(s) == JsValue::from(window_self.clone()));
            if e.origin() != expected || from_self {
                return;
            }
            let data = e.data();
            let envelope = field(&data, "source").and_then(|v| v.as_string()).as_deref() == Some("merchant")
                && field(&data, "version").and_then(|v| v.as_f64()) == Some(f64::from(super::VERSION))
                && field(&data, "type").and_then(|v| v.as_string()).as_deref() == Some("token");
            if let (true, Some(token)) = (envelope, field(&data, "token").and_then(|v| v.as_string())) {
                if valid_token(&token) {
                    *got.borrow_mut() = Some(token);
                }
            }
        })
    };
    let mut waited = 0;
    while waited < WAIT_MS {
        if waited % 1000 == 0 {
            host.post(HostEvent::AwaitingToken);
        }
        gloo::timers::future::TimeoutFuture::new(100).await;
        waited += 100;
        if let Some(t) = got.borrow_mut().take() {
            return Some(t);
        }
    }
    None
}
