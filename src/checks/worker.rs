//! The page's handle on the analysis worker (`crates/analysis`): the
//! quality core, the face detector and the MRZ reader run there, in a
//! WebAssembly module of their own, off the page's thread. The page only
//! grabs frames and posts them, their buffers transferred (HTML Living
//! Standard, "Transferable objects": moved, not copied, and detached here),
//! and gets small typed replies ([`idcapture_quality::wire`]).
//!
//! The worker is started at idle after the first screen ([`warm`]), so its
//! script and module are fetched and compiled before Start is pressed, and
//! never before the first screen is painted. Its script is named by the
//! build after its content; the page finds it in `index.html`'s
//! `<meta name="idcapture-analysis">`.
//!
//! When the worker cannot be had (no script, a module that does not
//! compile, a crash) every request answers `None` at once or after its
//! timeout: a still is then judged by the backend alone and the live loop
//! tells the shopper guidance is unavailable, never a hang. A worker that
//! crashed, or said nothing for a whole request's wait, is replaced at the
//! next need by one running the scalar build (in case SIMD was the
//! trouble), [`MAX_STARTS`] times per page. At the journey's end the worker
//! is terminated ([`release`]); each live screen's end has it wipe the
//! frames it kept ([`ToWorker::End`]).

use super::{MrzSide, Report};
use crate::flow::Part;
use idcapture_quality::mrz::{self, Read};
use idcapture_quality::wire::{FromWorker, ToWorker};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A selfie still's check waits this long for a face model still loading,
/// then lets the backend judge alone.
pub const STILL_WAIT_MS: u32 = 8_000;
/// The live loop tells the shopper guidance is unavailable (and offers the
/// shutter) when the face model, or the worker, is not there after this long.
pub const UNAVAILABLE_AFTER_MS: u32 = 15_000;
/// A still's verdict is awaited this long, the worker's start included (a
/// 4K still takes well under a second on a phone); past it the backend
/// judges alone.
pub const STILL_TIMEOUT_MS: u32 = 10_000;
/// A live frame's answer is awaited this long before the loop moves on.
pub const LOOK_TIMEOUT_MS: u32 = 5_000;
/// Workers started per page at most (the first, and replacements after a
/// crash).
pub const MAX_STARTS: u32 = 3;

struct Analysis {
    worker: web_sys::Worker,
    /// Requests waiting for their reply: the resolve function of each
    /// one's promise, by id.
    pending: RefCell<HashMap<u32, js_sys::Function>>,
    /// Resolves `true` on the worker's `Ready`, `false` on its failure.
    ready: Promise,
    ready_resolve: RefCell<Option<js_sys::Function>>,
    /// `ready` resolved `true`: requests need not wait on it.
    is_ready: Cell<bool>,
    /// When the worker last posted anything (page clock).
    last_heard: Cell<f64>,
    next_id: Cell<u32>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Analysis {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

thread_local! {
    static ANALYSIS: RefCell<Option<Rc<Analysis>>> = const { RefCell::new(None) };
    static STARTS: Cell<u32> = const { Cell::new(0) };
}

/// The worker script's URL, as the build named it.
fn worker_url() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let url = doc.query_selector("meta[name=idcapture-analysis]").ok()??.get_attribute("content")?;
    // Same origin only: a path, never a full URL.
    (url.starts_with('/') && !url.starts_with("//")).then_some(url)
}

impl Analysis {
    /// A new worker; `scalar` makes it skip the SIMD build.
    fn spawn(scalar: bool) -> Option<Rc<Analysis>> {
        let url = worker_url()?;
        let worker = web_sys::Worker::new(&if scalar { format!("{url}?scalar") } else { url }).ok()?;
        let mut resolve = None;
        let ready = Promise::new(&mut |res, _| resolve = Some(res));
        let me = Rc::new_cyclic(|weak: &Weak<Analysis>| {
            let w = weak.clone();
            let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let Some(me) = w.upgrade() else { return };
                me.last_heard.set(now_ms());
                let Some(text) = e.data().as_string() else { return };
                // Only the id here: a reply that does not parse in full
                // still ends its request's wait (`ask` then returns None).
                match reply_id(&text) {
                    None => {
                        if text == "\"ready\"" {
                            me.settle_ready(true);
                        }
                    }
                    Some(id) => {
                        let resolve = me.pending.borrow_mut().remove(&id);
                        if let Some(f) = resolve {
                            let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&text));
                        }
                    }
                }
            });
            let w = weak.clone();
            let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                e.prevent_default();
                if let Some(me) = w.upgrade() {
                    me.fail();
                }
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            Analysis {
                worker,
                pending: RefCell::new(HashMap::new()),
                ready,
                ready_resolve: RefCell::new(resolve),
                is_ready: Cell::new(false),
                last_heard: Cell::new(now_ms()),
                next_id: Cell::new(1),
                _on_message: on_message,
                _on_error: on_error,
            }
        });
        Some(me)
    }

    fn settle_ready(&self, ok: bool) {
        if let Some(f) = self.ready_resolve.borrow_mut().take() {
            self.is_ready.set(ok);
            let _ = f.call1(&JsValue::NULL, &JsValue::from_bool(ok));
        }
    }

    /// The worker failed (script, module, or a crash): everything waiting
    /// gets no answer now, and the next need starts another.
    fn fail(&self) {
        web_sys::console::warn_1(&"idcapture: the analysis worker stopped".into());
        self.settle_ready(false);
        self.is_ready.set(false);
        let waiting: Vec<js_sys::Function> = self.pending.borrow_mut().drain().map(|(_, f)| f).collect();
        for f in waiting {
            let _ = f.call1(&JsValue::NULL, &JsValue::UNDEFINED);
        }
        ANALYSIS.with(|a| {
            let mut a = a.borrow_mut();
            if a.as_ref().is_some_and(|x| std::ptr::eq(Rc::as_ptr(x), self)) {
                // Dropped after this callback returns (terminated then).
                let old = a.take();
                wasm_bindgen_futures::spawn_local(async move { drop(old) });
            }
        });
    }

    /// Post `msg` with `buffers` (name, `ArrayBuffer`) transferred.
    fn post(&self, msg: &ToWorker, buffers: &[(&str, &JsValue)]) -> bool {
        let Ok(text) = serde_json::to_string(msg) else { return false };
        let obj = Object::new();
        let transfer = Array::new();
        let _ = Reflect::set(&obj, &"msg".into(), &JsValue::from_str(&text));
        for (k, b) in buffers {
            let _ = Reflect::set(&obj, &JsValue::from_str(k), b);
            transfer.push(b);
        }
        self.worker.post_message_with_transfer(&obj, &transfer).is_ok()
    }
}

/// The request id of a reply (`{"<kind>":{"id":N,...}}`), `None` for
/// `"ready"` or anything else.
fn reply_id(text: &str) -> Option<u32> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let (_, body) = v.as_object()?.iter().next()?;
    u32::try_from(body.get("id")?.as_u64()?).ok()
}

/// The worker, started if it is not (within [`MAX_STARTS`]; a replacement
/// runs the scalar build).
fn analysis() -> Option<Rc<Analysis>> {
    if let Some(a) = ANALYSIS.with(|a| a.borrow().clone()) {
        return Some(a);
    }
    let starts = STARTS.with(|s| s.get());
    if starts >= MAX_STARTS {
        return None;
    }
    STARTS.with(|s| s.set(starts + 1));
    let a = Analysis::spawn(starts > 0)?;
    ANALYSIS.with(|slot| *slot.borrow_mut() = Some(a.clone()));
    Some(a)
}

/// Start the worker now (the first screen is shown, the page is idle): its
/// script and module are fetched and compiled before Start is pressed.
pub fn warm() {
    let _ = analysis();
}

/// The journey is over (done, cancelled, expired): terminate the worker,
/// and with it every buffer it held.
pub fn release() {
    let old = ANALYSIS.with(|a| a.borrow_mut().take());
    drop(old);
    STARTS.with(|s| s.set(MAX_STARTS));
}

/// [`warm`] when the page is next idle (`requestIdleCallback`, at most 2 s
/// away; half a second later where the browser has not got it: WebKit).
pub fn warm_at_idle() {
    let Some(w) = web_sys::window() else { return };
    let f = Closure::once_into_js(warm);
    if Reflect::has(&w, &"requestIdleCallback".into()).unwrap_or(false) {
        let ric =
            Reflect::get(&w, &"requestIdleCallback".into()).ok().and_then(|v| v.dyn_into::<js_sys::Function>().ok());
        let opts = Object::new();
        let _ = Reflect::set(&opts, &"timeout".into(), &2000.into());
        if let Some(ric) = ric {
            if ric.call2(&w, &f, &opts).is_ok() {
                return;
            }
        }
    }
    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), 500);
}

/// `p`'s value, or `undefined` after `ms` (the timer cleared either way:
/// live frames ask many times a second).
async fn within(p: &Promise, ms: u32) -> Option<JsValue> {
    let w = web_sys::window()?;
    let mut timer = None;
    let timeout = Promise::new(&mut |res, _| {
        timer = w.set_timeout_with_callback_and_timeout_and_arguments_0(&res, ms as i32).ok();
    });
    let got = JsFuture::from(Promise::race(&Array::of2(p, &timeout))).await.ok();
    if let Some(t) = timer {
        w.clear_timeout_with_handle(t);
    }
    got
}

/// The worker once ready, waiting at most `ms` for it to start.
async fn ready_within(ms: u32) -> Option<Rc<Analysis>> {
    let a = analysis()?;
    if a.is_ready.get() {
        return Some(a);
    }
    (within(&a.ready, ms).await?.as_bool() == Some(true)).then_some(a)
}

/// Ask the worker: `msg(id)` posted with `buffers` transferred; its reply,
/// or `None` if the worker is not ready and answering within `ms` (one
/// deadline for both), or fails. A worker that said nothing at all during
/// the wait is taken for stalled and replaced at the next need. Buffers
/// that could not be posted are zeroed here (they held camera pixels).
pub async fn ask(msg: impl FnOnce(u32) -> ToWorker, buffers: &[(&str, &JsValue)], ms: u32) -> Option<FromWorker> {
    let wipe = || {
        for (_, b) in buffers {
            let v = Uint8Array::new(b);
            v.fill(0, 0, v.length());
        }
    };
    let start = now_ms();
    let Some(a) = ready_within(ms).await else {
        wipe();
        return None;
    };
    let left = (f64::from(ms) - (now_ms() - start)).max(0.0) as u32;
    let id = a.next_id.get();
    a.next_id.set(id.wrapping_add(1).max(1));
    let mut resolve = None;
    let reply = Promise::new(&mut |res, _| resolve = Some(res));
    a.pending.borrow_mut().insert(id, resolve?);
    let msg = msg(id);
    // The model's download may keep the worker quiet for a minute: silence
    // then is no stall.
    let may_stall = !matches!(msg, ToWorker::Model { .. });
    if !a.post(&msg, buffers) {
        a.pending.borrow_mut().remove(&id);
        wipe();
        return None;
    }
    let asked = now_ms();
    let got = within(&reply, left).await;
    a.pending.borrow_mut().remove(&id);
    let Some(text) = got.and_then(|g| g.as_string()) else {
        if may_stall && a.last_heard.get() < asked && now_ms() - asked >= f64::from(left) {
            a.fail();
        }
        return None;
    };
    serde_json::from_str(&text).ok()
}

/// Tell the worker (no reply expected), once it listens.
pub fn tell(msg: ToWorker) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(a) = ready_within(UNAVAILABLE_AFTER_MS).await {
            a.post(&msg, &[]);
        }
    });
}

/// Whether the face model is loaded in the worker, waiting at most `ms`
/// (the download goes on after).
pub async fn model_within(ms: u32) -> bool {
    matches!(ask(|id| ToWorker::Model { id }, &[], ms).await, Some(FromWorker::Model { ready: true, .. }))
}

/// Start loading the face model (selfie step opened) without waiting.
pub fn prefetch_face_model() {
    wasm_bindgen_futures::spawn_local(async {
        let _ = model_within(UNAVAILABLE_AFTER_MS).await;
    });
}

/// The page's clock (ms).
pub(super) fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// An MRZ's lines from the worker, parsed again here: a read the page acts
/// on passes every check digit on this side too, in one of `formats`.
pub(super) fn parse_read(lines: Vec<String>, score: f32, formats: &[mrz::Format]) -> Option<Read> {
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let m = mrz::from_lines(&refs, today())?;
    formats.contains(&m.format).then_some(Read { lines, mrz: m, score })
}

/// The selfie guidance names the core gives, as the report's static names
/// (anything else from the worker is dropped).
fn guidance_name(g: &str) -> Option<&'static str> {
    ["too_far", "off_centre"].into_iter().find(|k| *k == g)
}

/// Check a still's RGBA pixels for `part`, in the worker.
pub async fn check_still(
    part: Part,
    mrz: &MrzSide,
    agreed: Option<Read>,
    width: u32,
    height: u32,
    rgba: &[u8],
) -> Report {
    let selfie = part.is_selfie();
    if selfie && !model_within(STILL_WAIT_MS).await {
        return Report::unchecked();
    }
    // The one copy handed over (and detached here once posted).
    let copy = Uint8Array::new_with_length(rgba.len() as u32);
    copy.copy_from(rgba);
    let buffer: JsValue = copy.buffer().into();
    let (formats, day) = (mrz.formats.to_vec(), today().to_string());
    let msg = |id| ToWorker::Still { id, selfie, w: width, h: height, formats, today: day };
    let reply = ask(msg, &[("pixels", &buffer)], STILL_TIMEOUT_MS).await;
    let Some(FromWorker::Still { checked: true, reasons, guidance, mrz_lines, mrz_score, ms, .. }) = reply else {
        return Report::unchecked();
    };
    let mut reasons = reasons;
    let read = if selfie || mrz.formats.is_empty() {
        None
    } else {
        // What the still says, settled with what the live frames agreed on
        // (a still with glare on the document, refused or sent anyway by the
        // shopper, reports no read of its own).
        let glare = reasons.contains(&idcapture_quality::Reason::Glare);
        super::settle(mrz_lines.and_then(|l| parse_read(l, mrz_score, mrz.formats)), glare, agreed)
    };
    if let Some(r) = &read {
        reasons.extend(mrz::reasons(&r.mrz, today()));
    }
    Report {
        accept: reasons.is_empty(),
        reasons: reasons.iter().map(|r| r.as_str()).collect(),
        guidance: guidance.iter().filter_map(|g| guidance_name(g)).collect(),
        ms,
        unchecked: false,
        mrz_unread: !selfie && mrz.awaited && read.is_none(),
        mrz: read.map(Into::into),
    }
}

/// Today on the device's calendar (its time zone), as the shopper would
/// read a date printed on the card.
pub fn today() -> mrz::Date {
    let d = js_sys::Date::new_0();
    mrz::Date::new(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .unwrap_or_else(|| mrz::Date::from_unix_days((js_sys::Date::now() / 86_400_000.0) as i64))
}

/// Whether the worker can judge live frames (for a selfie: with its face
/// model), waiting at most `ms`.
pub async fn available(selfie: bool, ms: u32) -> bool {
    if selfie {
        model_within(ms).await
    } else {
        ready_within(ms).await.is_some()
    }
}
