//! `fetch` calls to the session API.

use super::retry::{backoff_ms, MAX_ATTEMPTS};
use super::{ApiError, SessionInfo};
use crate::host::config::SessionRef;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, Headers, Request, RequestInit, Response};

/// A fetch's deadline: the request's signal is aborted after `ms`, so a
/// request that never answers ends as a network failure; dropping it
/// cancels the timer.
pub struct FetchDeadline {
    _timer: gloo::timers::callback::Timeout,
    fired: std::rc::Rc<std::cell::Cell<bool>>,
}

impl FetchDeadline {
    /// Give `init` a signal aborted after `ms`; `None` if the browser has
    /// no AbortController.
    pub fn arm(init: &RequestInit, ms: u32) -> Option<FetchDeadline> {
        let abort = web_sys::AbortController::new().ok()?;
        init.set_signal(Some(&abort.signal()));
        let fired = std::rc::Rc::new(std::cell::Cell::new(false));
        let f = fired.clone();
        let _timer = gloo::timers::callback::Timeout::new(ms, move || {
            f.set(true);
            abort.abort();
        });
        Some(FetchDeadline { _timer, fired })
    }

    /// Whether the deadline passed (the request was aborted for it).
    pub fn fired(&self) -> bool {
        self.fired.get()
    }
}

/// How long a request may take, body and answer included (a still of a
/// few hundred kB goes up in seconds even on a poor mobile link).
const REQUEST_TIMEOUT_MS: u32 = 60_000;

async fn send(
    method: &str,
    url: &str,
    session: &SessionRef,
    body: Option<(&wasm_bindgen::JsValue, &str)>,
    report: Option<&str>,
) -> Result<Response, ApiError> {
    let window = web_sys::window().ok_or(ApiError::Browser)?;
    let headers = Headers::new().map_err(|_| ApiError::Browser)?;
    headers.set("Authorization", &format!("Bearer {}", session.token)).map_err(|_| ApiError::Browser)?;
    if let Some(r) = report {
        headers.set("X-Idcapture-Report", r).map_err(|_| ApiError::Browser)?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    if let Some((b, ct)) = body {
        headers.set("Content-Type", ct).map_err(|_| ApiError::Browser)?;
        init.set_body(b);
    }
    init.set_headers(&headers);
    // A request that never answers (a proxy holding the connection, a
    // radio that died mid-upload) would hold its part in flight for ever:
    // after REQUEST_TIMEOUT_MS it is aborted and counts as no answer.
    let _deadline = FetchDeadline::arm(&init, REQUEST_TIMEOUT_MS).ok_or(ApiError::Browser)?;
    let req = Request::new_with_str_and_init(url, &init).map_err(|_| ApiError::Browser)?;
    let resp: Response =
        JsFuture::from(window.fetch_with_request(&req)).await.map_err(|_| ApiError::Network)?.unchecked_into();
    if resp.ok() {
        return Ok(resp);
    }
    let status = resp.status();
    if status == 410 {
        return Err(ApiError::Expired);
    }
    let code = match resp.json() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| js_sys::Reflect::get(&v, &"error".into()).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Err(ApiError::Http { status, code })
}

async fn json<T: serde::de::DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    let text = JsFuture::from(resp.text().map_err(|_| ApiError::Decode)?).await.map_err(|_| ApiError::Decode)?;
    serde_json::from_str(&text.as_string().unwrap_or_default()).map_err(|_| ApiError::Decode)
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Read the session; also returns the local time the answer arrived, for
/// the clock-skew correction.
pub async fn read_session(session: &SessionRef) -> Result<(SessionInfo, i64), ApiError> {
    let resp = send("GET", &format!("/api/sessions/{}", session.id), session, None, None).await?;
    let info = json(resp).await?;
    Ok((info, now_ms()))
}

async fn sleep_ms(ms: u32) {
    gloo::timers::future::TimeoutFuture::new(ms).await;
}

/// Send a request until it succeeds or fails for good: transient failures
/// (no answer, 5xx) are retried with jittered exponential backoff
/// ([`super::retry`]); `on_retry` is told of each retry. `stop` is asked
/// before each retry: work nobody waits for any more (the journey ended)
/// is not sent again, and lets go of its body.
async fn send_retrying(
    method: &str,
    url: &str,
    session: &SessionRef,
    body: Option<(&wasm_bindgen::JsValue, &str)>,
    report: Option<&str>,
    mut on_retry: impl FnMut(u32),
    stop: impl Fn() -> bool,
) -> Result<Response, ApiError> {
    let mut attempt = 0;
    loop {
        match send(method, url, session, body, report).await {
            Ok(r) => return Ok(r),
            Err(e) if e.transient() && attempt + 1 < MAX_ATTEMPTS => {
                attempt += 1;
                on_retry(attempt);
                sleep_ms(backoff_ms(attempt, js_sys::Math::random())).await;
                if stop() {
                    return Err(e);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// Upload one part. The PUT is idempotent on the backend, so a retry after
/// a lost answer stores once. `on_retry` shows the unstable-connection note;
/// `stop` ends the retries (see [`send_retrying`]).
pub async fn put_part(
    session: &SessionRef,
    part: &str,
    blob: &Blob,
    report: &str,
    on_retry: impl FnMut(u32),
    stop: impl Fn() -> bool,
) -> Result<(), ApiError> {
    let url = format!("/api/sessions/{}/parts/{part}", session.id);
    send_retrying("PUT", &url, session, Some((blob.as_ref(), "image/jpeg")), Some(report), on_retry, stop)
        .await
        .map(|_| ())
}

/// Ask the backend to complete the session, once: the retries, with their
/// backoff and the shopper's banner, are the uploads state's
/// ([`crate::flow::uploads`]), so a completion that keeps failing is seen.
pub async fn complete(session: &SessionRef, document_type: &str) -> Result<SessionInfo, ApiError> {
    let body = wasm_bindgen::JsValue::from_str(&format!(r#"{{"document_type":"{document_type}"}}"#));
    let url = format!("/api/sessions/{}/complete", session.id);
    json(send("POST", &url, session, Some((&body, "application/json")), None).await?).await
}

/// Record progress a reload must find again (started, the document chosen).
/// A failure only costs the shopper a step on reload.
pub async fn save_progress(session: &SessionRef, started: bool, document_type: Option<&str>) -> Result<(), ApiError> {
    let body = match document_type {
        Some(d) => format!(r#"{{"started":{started},"document_type":"{d}"}}"#),
        None => format!(r#"{{"started":{started}}}"#),
    };
    let body = wasm_bindgen::JsValue::from_str(&body);
    let url = format!("/api/sessions/{}", session.id);
    send_retrying("PATCH", &url, session, Some((&body, "application/json")), None, |_| {}, || false).await.map(|_| ())
}

/// The origin of a merchant's checkout (public: it is also the page's
/// `frame-ancestors`), where an embedded capture asks for its token.
pub async fn merchant_origin(key: &str) -> Result<String, ApiError> {
    let window = web_sys::window().ok_or(ApiError::Browser)?;
    let init = RequestInit::new();
    let _deadline = FetchDeadline::arm(&init, REQUEST_TIMEOUT_MS).ok_or(ApiError::Browser)?;
    let resp: Response = JsFuture::from(window.fetch_with_str_and_init(&format!("/api/merchants/{key}"), &init))
        .await
        .map_err(|_| ApiError::Network)?
        .unchecked_into();
    if !resp.ok() {
        return Err(ApiError::Http { status: resp.status(), code: String::new() });
    }
    #[derive(serde::Deserialize)]
    struct Merchant {
        origin: String,
    }
    json::<Merchant>(resp).await.map(|m| m.origin)
}

/// Cancel the session (the host asked for it).
pub async fn cancel(session: &SessionRef) -> Result<(), ApiError> {
    let url = format!("/api/sessions/{}/cancel", session.id);
    send("POST", &url, session, None, None).await.map(|_| ())
}
