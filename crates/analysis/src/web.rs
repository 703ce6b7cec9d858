//! The worker's browser glue: messages in (`{msg, pixels?, patch?}`, the
//! buffers transferred by the page), replies out as JSON strings, and the
//! face model's download. Everything decided about a frame is decided by
//! [`Analyser`]; this file only moves bytes and keeps the model's retry
//! policy.
//!
//! The worker lives as long as the page, so its one message listener is
//! leaked on purpose (`forget`): there is nothing to release it to.
//! Received pixels are copied into reused buffers, the transferred ones
//! zeroed at once, and the copies wiped after each answer.

use idcapture_analysis::{hex, model_from, Analyser, ModelError, FACE_MODEL_URL};
use idcapture_quality::frame::wipe;
use idcapture_quality::wire::{FromWorker, ToWorker};
use idcapture_quality::FaceDetector;
use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// The whole model download (body included) may take this long: 1.2 MB
/// over a slow mobile link. The page does not wait that long for it (its
/// own limits say when guidance is unavailable).
const MODEL_TIMEOUT_MS: i32 = 60_000;

/// After a lost or timed-out download, requests get "not ready" (at once)
/// for this long, so retakes and live loops do not pile up fetches.
const RETRY_AFTER_MS: f64 = 30_000.0;

thread_local! {
    static ANALYSER: RefCell<Analyser> = RefCell::default();
    static PIXELS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static PATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static LOADING: Cell<bool> = const { Cell::new(false) };
    /// The model on offer is not the one pinned: not asked for again.
    static FAILED: Cell<Option<ModelError>> = const { Cell::new(None) };
    /// When a download last failed for a reason that may pass.
    static LAST_MISS: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
    /// Model requests waiting for the download in flight.
    static WAITING: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now() -> f64 {
    scope().performance().map(|p| p.now()).unwrap_or(0.0)
}

fn post(reply: &FromWorker) {
    if let Ok(s) = serde_json::to_string(reply) {
        let _ = scope().post_message(&JsValue::from_str(&s));
    }
}

/// Install the listener and tell the page the worker is ready.
pub fn start() {
    let cb = Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| on_message(&e.data()));
    scope().set_onmessage(Some(cb.as_ref().unchecked_ref()));
    cb.forget();
    post(&FromWorker::Ready);
}

/// Copy the transferred buffer `key` of `data` into `into` and zero it.
fn take(data: &JsValue, key: &str, into: &RefCell<Vec<u8>>) -> bool {
    let Ok(v) = Reflect::get(data, &JsValue::from_str(key)) else { return false };
    let Ok(buf) = v.dyn_into::<ArrayBuffer>() else { return false };
    let view = Uint8Array::new(&buf);
    let mut out = into.borrow_mut();
    out.resize(view.length() as usize, 0);
    view.copy_to(&mut out);
    view.fill(0, 0, view.length());
    true
}

fn on_message(data: &JsValue) {
    // Only the page can post to its dedicated worker; still, anything that
    // is not one of our messages is ignored.
    let Some(text) = Reflect::get(data, &JsValue::from_str("msg")).ok().and_then(|v| v.as_string()) else {
        return;
    };
    let Ok(msg) = serde_json::from_str::<ToWorker>(&text) else { return };
    if let ToWorker::Model { id } = msg {
        model(id);
        return;
    }
    let reply = PIXELS.with(|p| {
        PATCH.with(|q| {
            let (has_p, has_q) = (take(data, "pixels", p), take(data, "patch", q));
            let reply = {
                let (px, pa) = (p.borrow(), q.borrow());
                ANALYSER.with(|a| a.borrow_mut().handle(msg, has_p.then_some(&px[..]), has_q.then_some(&pa[..]), &now))
            };
            wipe(&mut p.borrow_mut());
            wipe(&mut q.borrow_mut());
            reply
        })
    });
    if let Some(r) = reply {
        post(&r);
    }
}

/// Answer a model request: at once if the model is loaded or cannot be had
/// now, else when the one download in flight ends.
fn model(id: u32) {
    if ANALYSER.with(|a| a.borrow().has_detector()) {
        return post(&FromWorker::Model { id, ready: true });
    }
    if FAILED.with(Cell::get).is_some() || now() - LAST_MISS.with(Cell::get) < RETRY_AFTER_MS {
        return post(&FromWorker::Model { id, ready: false });
    }
    WAITING.with(|w| w.borrow_mut().push(id));
    if LOADING.with(|l| l.replace(true)) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        let ready = match fetch_model().await {
            Ok(d) => {
                ANALYSER.with(|a| a.borrow_mut().set_detector(d));
                true
            }
            Err(e) => {
                web_sys::console::warn_1(&format!("idcapture: face model unavailable ({e:?})").into());
                if e.lasting() {
                    FAILED.with(|f| f.set(Some(e)));
                } else {
                    LAST_MISS.with(|m| m.set(now()));
                }
                false
            }
        };
        LOADING.with(|l| l.set(false));
        for id in WAITING.with(|w| std::mem::take(&mut *w.borrow_mut())) {
            post(&FromWorker::Model { id, ready });
        }
    });
}

/// Aborts a fetch after a delay; the timer is cleared when dropped.
struct Deadline {
    timer: i32,
    fired: std::rc::Rc<Cell<bool>>,
    _cb: Closure<dyn FnMut()>,
}

impl Deadline {
    fn arm(init: &web_sys::RequestInit, ms: i32) -> Option<Deadline> {
        let ctrl = web_sys::AbortController::new().ok()?;
        init.set_signal(Some(&ctrl.signal()));
        let fired = std::rc::Rc::new(Cell::new(false));
        let f = fired.clone();
        let cb = Closure::<dyn FnMut()>::new(move || {
            f.set(true);
            ctrl.abort();
        });
        let timer =
            scope().set_timeout_with_callback_and_timeout_and_arguments_0(cb.as_ref().unchecked_ref(), ms).ok()?;
        Some(Deadline { timer, fired, _cb: cb })
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        scope().clear_timeout_with_handle(self.timer);
    }
}

async fn fetch_model() -> Result<FaceDetector, ModelError> {
    let init = web_sys::RequestInit::new();
    let deadline = Deadline::arm(&init, MODEL_TIMEOUT_MS).ok_or(ModelError::Fetch)?;
    let lost = |_| if deadline.fired.get() { ModelError::Timeout } else { ModelError::Fetch };
    let resp: web_sys::Response =
        JsFuture::from(scope().fetch_with_str_and_init(FACE_MODEL_URL, &init)).await.map_err(lost)?.unchecked_into();
    if !resp.ok() {
        return Err(ModelError::Fetch);
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(|_| ModelError::Fetch)?).await.map_err(lost)?;
    // The digest before the parser sees a byte.
    let subtle = scope().crypto().map_err(|_| ModelError::Integrity)?.subtle();
    let digest = subtle
        .digest_with_str_and_buffer_source("SHA-256", &Uint8Array::new(&buf))
        .map_err(|_| ModelError::Integrity)?;
    let digest = JsFuture::from(digest).await.map_err(|_| ModelError::Integrity)?;
    let bytes = Uint8Array::new(&buf).to_vec();
    model_from(&bytes, &hex(&Uint8Array::new(&digest).to_vec()))
}
