//! Running the checks in the page. The face model (1.2 MB) is fetched only
//! when the selfie step starts, once per page, and kept in memory for
//! retakes; the first screen never loads it.

use super::Report;
use crate::flow::Part;
use idcapture_quality::{analyze_document, analyze_selfie, FaceDetector, Frame, PixelFormat};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where the page finds the model (served with the app, same origin).
pub const FACE_MODEL_URL: &str = "/models/seeta_fd_frontal_v1.0.bin";

thread_local! {
    static DETECTOR: RefCell<Option<Rc<RefCell<FaceDetector>>>> = const { RefCell::new(None) };
    static LOADING: Cell<bool> = const { Cell::new(false) };
}

async fn fetch_model() -> Option<FaceDetector> {
    let window = web_sys::window()?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(FACE_MODEL_URL)).await.ok()?.unchecked_into();
    if !resp.ok() {
        return None;
    }
    let buf = JsFuture::from(resp.array_buffer().ok()?).await.ok()?;
    let bytes = js_sys::Uint8Array::new(&buf).to_vec();
    FaceDetector::from_bytes(&bytes).ok()
}

/// The face detector, loading the model on first use; concurrent callers
/// wait for the one fetch in flight. `None` if the model cannot be had.
pub async fn face_detector() -> Option<Rc<RefCell<FaceDetector>>> {
    loop {
        if let Some(d) = DETECTOR.with(|d| d.borrow().clone()) {
            return Some(d);
        }
        if !LOADING.with(|l| l.replace(true)) {
            let loaded = fetch_model().await.map(|d| Rc::new(RefCell::new(d)));
            DETECTOR.with(|d| *d.borrow_mut() = loaded.clone());
            LOADING.with(|l| l.set(false));
            return loaded;
        }
        gloo::timers::future::TimeoutFuture::new(30).await;
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
pub async fn check_still(part: Part, width: u32, height: u32, rgba: &[u8]) -> Report {
    let Ok(frame) = Frame::new(width as usize, height as usize, PixelFormat::Rgba, rgba) else {
        return Report { accept: true, reasons: vec![], guidance: vec![], ms: 0.0, unchecked: true };
    };
    if part.is_selfie() {
        let Some(det) = face_detector().await else {
            return Report { accept: true, reasons: vec![], guidance: vec![], ms: 0.0, unchecked: true };
        };
        let start = now_ms();
        let v = analyze_selfie(&frame, &mut det.borrow_mut());
        Report {
            accept: v.accept,
            reasons: v.reasons.iter().map(|r| r.as_str()).collect(),
            guidance: v.guidance,
            ms: now_ms() - start,
            unchecked: false,
        }
    } else {
        let start = now_ms();
        let v = analyze_document(&frame);
        Report {
            accept: v.accept,
            reasons: v.reasons.iter().map(|r| r.as_str()).collect(),
            guidance: vec![],
            ms: now_ms() - start,
            unchecked: false,
        }
    }
}
