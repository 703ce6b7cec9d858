//! The quality core as the benchmark page calls it (`bench/index.html`):
//! the same functions the capture app runs, exported one by one so the page
//! can time each, on the same frames, next to OpenCV.js. Built separately
//! (`scripts/bench`); the shopper's bundle never contains it.

use idcapture_quality::frame::{Frame, PixelFormat, Planes};
use idcapture_quality::live::{Cue, LiveDocument, LIVE_FACE_SIDE, PATCH};
use idcapture_quality::{analyze_document, FaceDetector};
use wasm_bindgen::prelude::*;

/// The full still check of a document (every check, as `idcheck` runs it)
/// on an RGBA frame. Returns the number of reasons (so nothing is optimised
/// away), or -1 for a malformed frame.
#[wasm_bindgen]
pub fn document_check(rgba: &[u8], width: usize, height: usize) -> i32 {
    match Frame::new(width, height, PixelFormat::Rgba, rgba) {
        Ok(f) => analyze_document(&f).reasons.len() as i32,
        Err(_) => -1,
    }
}

/// The MRZ reader on an RGBA frame (luma taken first, as the capture loop
/// does), every format. Returns the read's line count (0 for none) so
/// nothing is optimised away, or -1 for a malformed frame.
#[wasm_bindgen]
pub fn mrz_read(rgba: &[u8], width: usize, height: usize) -> i32 {
    let Ok(f) = Frame::new(width, height, PixelFormat::Rgba, rgba) else { return -1 };
    let mut p = Planes::default();
    p.refill_luma(&f);
    let today = idcapture_quality::mrz::Date::new(2026, 11, 30).expect("a date");
    idcapture_quality::mrz::read(&p.y, p.w, p.h, today).0.map_or(0, |r| r.lines.len() as i32)
}

/// The live document check, keeping its buffers between calls as the
/// capture loop does.
#[wasm_bindgen]
#[derive(Default)]
pub struct LiveBench {
    doc: LiveDocument,
}

#[wasm_bindgen]
impl LiveBench {
    #[wasm_bindgen(constructor)]
    pub fn new() -> LiveBench {
        LiveBench::default()
    }

    /// One live frame (RGBA, ~640 px) and its full-resolution RGBA patch
    /// (`PATCH` square). Returns the number of cues raised.
    pub fn look(&mut self, rgba: &[u8], width: usize, height: usize, patch: &[u8]) -> i32 {
        let Ok(f) = Frame::new(width, height, PixelFormat::Rgba, rgba) else { return -1 };
        let p = Frame::new(PATCH, PATCH, PixelFormat::Rgba, patch).ok();
        let (look, _) = self.doc.look(&f, p.as_ref());
        Cue::ALL.iter().filter(|q| look.cues.contains(**q)).count() as i32
    }
}

/// Side of the live patch, for the page.
#[wasm_bindgen]
pub fn patch_side() -> usize {
    PATCH
}

/// The face detector, loaded once from the model bytes.
#[wasm_bindgen]
pub struct FaceBench {
    det: FaceDetector,
    planes: Planes,
    small: Planes,
}

#[wasm_bindgen]
impl FaceBench {
    #[wasm_bindgen(constructor)]
    pub fn new(model: &[u8]) -> Result<FaceBench, JsError> {
        let det = FaceDetector::from_bytes(model).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(FaceBench { det, planes: Planes::default(), small: Planes::default() })
    }

    /// Faces in an RGBA frame, looked for at `side` px on the longer side
    /// with the window moved `step` px at a time (the live loop: 320 px,
    /// step 6; stills: 640 px, step 4). Returns how many.
    pub fn detect(&mut self, rgba: &[u8], width: usize, height: usize, side: usize, step: u32) -> i32 {
        let Ok(f) = Frame::new(width, height, PixelFormat::Rgba, rgba) else { return -1 };
        self.det.set_step(step.clamp(1, 16));
        self.planes.refill_luma(&f);
        self.planes.downscale_into(side.max(40), &mut self.small);
        self.det.detect(&self.small.y, self.small.w, self.small.h).len() as i32
    }
}

/// The longer side faces are looked for at on live frames.
#[wasm_bindgen]
pub fn live_face_side() -> usize {
    LIVE_FACE_SIDE
}

/// The detection window step on live frames.
#[wasm_bindgen]
pub fn live_face_step() -> u32 {
    idcapture_quality::live::LIVE_FACE_STEP
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance)]
    fn now() -> f64;
}

/// Names of the stages [`live_stages`] times, in its order.
#[wasm_bindgen]
pub fn stage_names() -> Vec<String> {
    ["planes", "downscale", "locate", "screenshot", "moire", "alias", "blur", "glare", "photocopy"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Where the live document check spends its time: each stage of
/// `LiveDocument::look` run once on this frame and patch, in milliseconds
/// (exposure and the coach are negligible and left out). Empty when no
/// document is found (most stages then do not run).
#[wasm_bindgen]
pub fn live_stages(rgba: &[u8], width: usize, height: usize, patch: &[u8]) -> Vec<f64> {
    use idcapture_quality::document::BLUR_SIDE;
    use idcapture_quality::geometry::shrink;
    use idcapture_quality::live::LIVE_LOCATE_SIDE;
    use idcapture_quality::{blur, glare, locate, photocopy, region, screen, screenshot};
    let Ok(f) = Frame::new(width, height, PixelFormat::Rgba, rgba) else { return vec![] };
    let mut t = vec![];
    let mut lap = |t0: f64| {
        let t1 = now();
        t.push(t1 - t0);
        t1
    };
    let mut full = Planes::default();
    let mut small = Planes::default();
    let t0 = now();
    full.refill(&f);
    let t0 = lap(t0);
    full.downscale_into(LIVE_LOCATE_SIDE, &mut small);
    let t0 = lap(t0);
    // The live loop's locator (the still's, `locate::locate`, tries more).
    let Some(loc) = locate::locate_live(&small.y, small.w, small.h).0 else { return vec![] };
    let t0 = lap(t0);
    std::hint::black_box(screenshot::straight_edge_run(&full.y, full.w, full.h));
    std::hint::black_box(screenshot::flat_share(&full.y, full.w, full.h));
    let t0 = lap(t0);
    let mut pp = Planes::default();
    if let Ok(p) = Frame::new(PATCH, PATCH, PixelFormat::Rgba, patch) {
        pp.refill(&p);
    }
    let c = idcapture_quality::geometry::Pt { x: PATCH as f32 / 2.0, y: PATCH as f32 / 2.0 };
    std::hint::black_box(screen::moire_peak(&pp.y, pp.w, pp.h, &[c]));
    let t0 = lap(t0);
    std::hint::black_box(screen::colour_alias(&pp, &[c]));
    let t0 = lap(t0);
    let k = full.w as f32 / small.w as f32;
    let inner = shrink(&loc.quad, 0.88);
    let q = inner.map(|p| idcapture_quality::geometry::Pt { x: p.x * k, y: p.y * k });
    let r = region::sample(&full.y, full.w, full.h, &q, BLUR_SIDE);
    std::hint::black_box(blur::crete(&r.px, &r.mask, r.w, r.h));
    let t0 = lap(t0);
    // As `document::judge` measures them.
    std::hint::black_box(glare::glare(&small, &loc.quad));
    let t0 = lap(t0);
    std::hint::black_box(photocopy::chroma(&small, &shrink(&loc.quad, 0.97)));
    lap(t0);
    t
}
