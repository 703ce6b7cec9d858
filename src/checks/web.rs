//! Running the checks in the page. The face model (1.2 MB) is fetched only
//! when the selfie step starts, once per page, and kept in memory for
//! retakes; the first screen never loads it. It is checked against its
//! pinned SHA-256 (Web Crypto) before it is parsed and fetched with a
//! timeout; when it cannot be had, the selfie is taken with the shutter and
//! judged by the backend alone, never a crash or an endless wait.

use super::{hex, ModelError, Report, FACE_MODEL_SHA256};
use crate::flow::Part;
use idcapture_quality::{analyze_document, analyze_selfie, FaceDetector, Frame, PixelFormat};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where the page finds the model (served with the app, same origin).
pub const FACE_MODEL_URL: &str = "/models/seeta_fd_frontal_v1.0.bin";

/// The whole model download (body included) may take this long: 1.2 MB
/// over a slow mobile link. The shopper is not kept waiting meanwhile: the
/// live loop says guidance is unavailable after [`UNAVAILABLE_AFTER_MS`] and
/// a still's check waits [`STILL_WAIT_MS`] at most.
pub const MODEL_TIMEOUT_MS: u32 = 60_000;

/// The live loop tells the shopper guidance is unavailable (and offers the
/// shutter) when the model is not there after this long.
pub const UNAVAILABLE_AFTER_MS: u32 = 15_000;

/// After a lost or timed-out download, callers get no model (at once) for
/// this long, so retakes, prefetches and live loops do not pile up fetches.
pub const RETRY_AFTER_MS: f64 = 30_000.0;

/// A still's check waits this long for a model still loading, then lets
/// the backend judge alone.
pub const STILL_WAIT_MS: u32 = 8_000;

thread_local! {
    static DETECTOR: RefCell<Option<Rc<RefCell<FaceDetector>>>> = const { RefCell::new(None) };
    static LOADING: Cell<bool> = const { Cell::new(false) };
    /// The model on offer is not the one pinned: not asked for again on this
    /// page. (A lost or slow download is tried again at the next need, but
    /// not before [`RETRY_AFTER_MS`].)
    static FAILED: Cell<Option<ModelError>> = const { Cell::new(None) };
    /// When a download last failed for a reason that may pass (page clock).
    static LAST_MISS: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
}

async fn fetch_model() -> Result<FaceDetector, ModelError> {
    let window = web_sys::window().ok_or(ModelError::Fetch)?;
    let init = web_sys::RequestInit::new();
    let deadline = crate::api::FetchDeadline::arm(&init, MODEL_TIMEOUT_MS).ok_or(ModelError::Fetch)?;
    let lost = |_| if deadline.fired() { ModelError::Timeout } else { ModelError::Fetch };
    let resp: web_sys::Response =
        JsFuture::from(window.fetch_with_str_and_init(FACE_MODEL_URL, &init)).await.map_err(lost)?.unchecked_into();
    if !resp.ok() {
        return Err(ModelError::Fetch);
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(|_| ModelError::Fetch)?).await.map_err(lost)?;
    // The digest before the parser sees a byte.
    let subtle = window.crypto().map_err(|_| ModelError::Integrity)?.subtle();
    let digest = subtle
        .digest_with_str_and_buffer_source("SHA-256", &js_sys::Uint8Array::new(&buf))
        .map_err(|_| ModelError::Integrity)?;
    let digest = JsFuture::from(digest).await.map_err(|_| ModelError::Integrity)?;
    if hex(&js_sys::Uint8Array::new(&digest).to_vec()) != FACE_MODEL_SHA256 {
        return Err(ModelError::Integrity);
    }
    let bytes = js_sys::Uint8Array::new(&buf).to_vec();
    FaceDetector::from_bytes(&bytes).map_err(|_| ModelError::Malformed)
}

/// The face detector, loading the model on first use; concurrent callers
/// wait for the one fetch in flight. `None` if the model cannot be had: for
/// the page if it is not the pinned file, for [`RETRY_AFTER_MS`] if the
/// download was lost or too slow.
pub async fn face_detector() -> Option<Rc<RefCell<FaceDetector>>> {
    loop {
        if let Some(d) = DETECTOR.with(|d| d.borrow().clone()) {
            return Some(d);
        }
        if FAILED.with(Cell::get).is_some() || now_ms() - LAST_MISS.with(Cell::get) < RETRY_AFTER_MS {
            return None;
        }
        if !LOADING.with(|l| l.replace(true)) {
            let loaded = match fetch_model().await {
                Ok(d) => Some(Rc::new(RefCell::new(d))),
                Err(e) => {
                    web_sys::console::warn_1(&format!("idcapture: face model unavailable ({e:?})").into());
                    if matches!(e, ModelError::Integrity | ModelError::Malformed) {
                        FAILED.with(|f| f.set(Some(e)));
                    } else {
                        LAST_MISS.with(|m| m.set(now_ms()));
                    }
                    None
                }
            };
            DETECTOR.with(|d| *d.borrow_mut() = loaded.clone());
            LOADING.with(|l| l.set(false));
            return loaded;
        }
        gloo::timers::future::TimeoutFuture::new(30).await;
    }
}

/// [`face_detector`], waiting at most `ms` (by the clock: a hidden tab's
/// timers run late) for a model still loading; the load goes on after.
pub async fn face_detector_within(ms: u32) -> Option<Rc<RefCell<FaceDetector>>> {
    let done = Rc::new(Cell::new(false));
    {
        let done = done.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = face_detector().await;
            done.set(true);
        });
    }
    let deadline = now_ms() + f64::from(ms);
    loop {
        if let Some(d) = DETECTOR.with(|d| d.borrow().clone()) {
            return Some(d);
        }
        if done.get() || now_ms() >= deadline {
            return None;
        }
        gloo::timers::future::TimeoutFuture::new(50).await;
    }
}

/// Start loading the model (selfie step opened) without waiting.
pub fn prefetch_face_model() {
    wasm_bindgen_futures::spawn_local(async {
        let _ = face_detector().await;
    });
}

/// The page's clock (ms).
pub(super) fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// Check a still's RGBA pixels for `part`.
pub async fn check_still(
    part: Part,
    mrz: &super::MrzSide,
    agreed: Option<idcapture_quality::mrz::Read>,
    width: u32,
    height: u32,
    rgba: &[u8],
) -> Report {
    let Ok(frame) = Frame::new(width as usize, height as usize, PixelFormat::Rgba, rgba) else {
        return Report::unchecked();
    };
    if part.is_selfie() {
        let Some(det) = face_detector_within(STILL_WAIT_MS).await else {
            return Report::unchecked();
        };
        // The live loop may hold it this very moment: never wait on it.
        let Ok(mut det) = det.try_borrow_mut() else {
            return Report::unchecked();
        };
        let start = now_ms();
        let v = analyze_selfie(&frame, &mut det);
        Report {
            accept: v.accept,
            reasons: v.reasons.iter().map(|r| r.as_str()).collect(),
            guidance: v.guidance,
            ms: now_ms() - start,
            unchecked: false,
            mrz: None,
            mrz_unread: false,
        }
    } else {
        let start = now_ms();
        let v = analyze_document(&frame);
        let mut reasons = v.reasons;
        // The MRZ of a side that carries one, in its formats, settled with
        // what the live frames agreed on: what it says of the document today.
        let today = today();
        let read = if mrz.formats.is_empty() {
            None
        } else {
            let mut luma = idcapture_quality::frame::Planes::default();
            luma.refill_luma(&frame);
            let (read, _) = idcapture_quality::mrz::read_as(&luma.y, luma.w, luma.h, today, mrz.formats);
            crate::camera::wipe(&mut luma.y);
            super::settle(read, agreed)
        };
        if let Some(r) = &read {
            reasons.extend(idcapture_quality::mrz::reasons(&r.mrz, today));
        }
        Report {
            accept: reasons.is_empty(),
            reasons: reasons.iter().map(|r| r.as_str()).collect(),
            guidance: vec![],
            ms: now_ms() - start,
            unchecked: false,
            mrz_unread: mrz.awaited && read.is_none(),
            mrz: read.map(Into::into),
        }
    }
}

/// Today on the device's calendar (its time zone), as the shopper would
/// read a date printed on the card.
pub fn today() -> idcapture_quality::mrz::Date {
    let d = js_sys::Date::new_0();
    idcapture_quality::mrz::Date::new(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .unwrap_or_else(|| idcapture_quality::mrz::Date::from_unix_days((js_sys::Date::now() / 86_400_000.0) as i64))
}
