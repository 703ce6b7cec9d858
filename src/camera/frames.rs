//! Live frames for the guidance loop: a clock that fires once per new video
//! frame, and a grabber that copies a reduced frame (and a full-resolution
//! patch) into buffers kept between frames.
//!
//! The clock uses `HTMLVideoElement.requestVideoFrameCallback` (WICG "video-
//! rvfc": one call per frame presented, none while the video is paused or the
//! page hidden), bound here since web-sys lacks it, and
//! `requestAnimationFrame` where the browser has not got it (Firefox before
//! 132). Frames are skipped, never queued: only one callback is ever
//! pending, and the tick (which does nothing while the previous analysis is
//! in flight or too recent) runs in a task of its own, booked by the
//! callback with a zero-delay timer, one at a time; a frame that comes
//! before it ran only moves its time on. Frame callbacks run inside the
//! browser's rendering step, and a canvas read-back there, slow on the first
//! frames, made one task of it and the page's layout and paint (a 52-60 ms
//! task in 3 of 12 journey benchmarks; none in 6 once split). The grab may
//! then see a frame newer than the time it is given, by at most about one
//! frame. All are cancelled when the handle is dropped.

use js_sys::{Reflect, Uint8ClampedArray};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement};

#[wasm_bindgen]
extern "C" {
    /// `HTMLVideoElement` with the video-frame callback methods.
    #[wasm_bindgen(extends = HtmlVideoElement)]
    type FrameVideo;
    #[wasm_bindgen(method, js_name = requestVideoFrameCallback)]
    fn request_video_frame_callback(this: &FrameVideo, cb: &js_sys::Function) -> u32;
    #[wasm_bindgen(method, js_name = cancelVideoFrameCallback)]
    fn cancel_video_frame_callback(this: &FrameVideo, handle: u32);
}

/// The JS-callable frame callback.
type FrameCallback = Closure<dyn FnMut(f64)>;

struct ClockInner {
    video: HtmlVideoElement,
    rvfc: bool,
    pending: Cell<Option<i32>>,
    alive: Cell<bool>,
    callback: RefCell<Option<FrameCallback>>,
    /// The tick, run in a task of its own (see [`FrameClock::new`]).
    run: RefCell<Option<Closure<dyn FnMut()>>>,
    /// The pending `setTimeout` of `run`, and the frame time it will tick.
    timer: Cell<Option<i32>>,
    at: Cell<f64>,
    tick: RefCell<Box<dyn FnMut(f64)>>,
}

impl ClockInner {
    fn schedule(&self) {
        if !self.alive.get() {
            return;
        }
        let cb = self.callback.borrow();
        let Some(f) = cb.as_ref() else { return };
        let handle = if self.rvfc {
            Some(self.video.unchecked_ref::<FrameVideo>().request_video_frame_callback(f.as_ref().unchecked_ref())
                as i32)
        } else {
            web_sys::window().and_then(|w| w.request_animation_frame(f.as_ref().unchecked_ref()).ok())
        };
        self.pending.set(handle);
    }

    /// Tick for the frame booked.
    fn tick_now(&self) {
        if !self.alive.get() {
            return;
        }
        // Re-entrance (a tick that drops its own clock) is harmless: the
        // clock's handles are cancelled and `alive` stops what follows.
        if let Ok(mut tick) = self.tick.try_borrow_mut() {
            tick(self.at.get());
        }
    }

    fn cancel(&self) {
        if let (Some(t), Some(w)) = (self.timer.take(), web_sys::window()) {
            w.clear_timeout_with_handle(t);
        }
        if let Some(h) = self.pending.take() {
            if self.rvfc {
                self.video.unchecked_ref::<FrameVideo>().cancel_video_frame_callback(h as u32);
            } else if let Some(w) = web_sys::window() {
                let _ = w.cancel_animation_frame(h);
            }
        }
    }
}

/// Calls `tick(now_ms)` at most once per presented video frame (with the
/// `requestAnimationFrame` fallback: per display frame), in a task of its
/// own, with the time of the latest frame seen, until dropped.
pub struct FrameClock {
    inner: Rc<ClockInner>,
}

impl FrameClock {
    pub fn new(video: HtmlVideoElement, tick: impl FnMut(f64) + 'static) -> FrameClock {
        let rvfc = Reflect::has(&video, &JsValue::from_str("requestVideoFrameCallback")).unwrap_or(false);
        let inner = Rc::new(ClockInner {
            video,
            rvfc,
            pending: Cell::new(None),
            alive: Cell::new(true),
            callback: RefCell::new(None),
            run: RefCell::new(None),
            timer: Cell::new(None),
            at: Cell::new(0.0),
            tick: RefCell::new(Box::new(tick)),
        });
        // The frame callback only books the tick in a task of its own: the
        // browser runs frame callbacks in its rendering step, so a tick run
        // there (a canvas draw and read-back, slow on the first frames while
        // the video's pipeline warms up) would add to the page's layout and
        // paint in one task, over 50 ms on a slow phone.
        let weak: Weak<ClockInner> = Rc::downgrade(&inner);
        let cb = FrameCallback::new(move |now: f64| {
            let Some(inner) = weak.upgrade() else { return };
            inner.pending.set(None);
            if !inner.alive.get() {
                return;
            }
            inner.at.set(now);
            // One tick booked at a time: a frame that comes before it ran
            // only moves its time on (skipped, never queued).
            if inner.timer.get().is_none() {
                let run = inner.run.borrow();
                let timer = run.as_ref().zip(web_sys::window()).and_then(|(f, w)| {
                    w.set_timeout_with_callback_and_timeout_and_arguments_0(f.as_ref().unchecked_ref(), 0).ok()
                });
                drop(run);
                match timer {
                    Some(t) => inner.timer.set(Some(t)),
                    // No timer to be had: tick here rather than not at all.
                    None => inner.tick_now(),
                }
            }
            // The next frame is asked for at once, as before the split.
            inner.schedule();
        });
        let weak: Weak<ClockInner> = Rc::downgrade(&inner);
        let run = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.timer.set(None);
                inner.tick_now();
            }
        });
        *inner.callback.borrow_mut() = Some(cb);
        *inner.run.borrow_mut() = Some(run);
        inner.schedule();
        FrameClock { inner }
    }

    /// Whether frames come from `requestVideoFrameCallback` (else rAF).
    pub fn per_video_frame(&self) -> bool {
        self.inner.rvfc
    }
}

impl Drop for FrameClock {
    fn drop(&mut self) {
        self.inner.alive.set(false);
        self.inner.cancel();
    }
}

/// A 2-D canvas made for reading back (`willReadFrequently`: Chromium then
/// keeps it in memory rather than on the GPU, so `getImageData` is a copy,
/// not a GPU readback).
pub(crate) fn reading_canvas(w: u32, h: u32) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let doc = web_sys::window()?.document()?;
    let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let opts = web_sys::ContextAttributes2d::new();
    opts.set_will_read_frequently(true);
    opts.set_alpha(false);
    let ctx: CanvasRenderingContext2d = canvas.get_context_with_context_options("2d", &opts).ok()??.unchecked_into();
    Some((canvas, ctx))
}

/// Copies video frames out of the video as RGBA (`ImageData`'s array,
/// never copied into the page's WebAssembly memory: its buffer is handed
/// to the analysis worker as it is).
pub struct Grabber {
    frame: Option<(HtmlCanvasElement, CanvasRenderingContext2d)>,
    patch: Option<(HtmlCanvasElement, CanvasRenderingContext2d)>,
    size: (u32, u32),
    patch_side: u32,
}

impl Drop for Grabber {
    fn drop(&mut self) {
        // The canvases held camera pixels: empty them before collection.
        for (c, _) in [self.frame.take(), self.patch.take()].into_iter().flatten() {
            c.set_width(0);
        }
    }
}

/// The canvas's pixels: a fresh `ImageData`'s array, its length checked.
fn image_data(ctx: &CanvasRenderingContext2d, w: u32, h: u32) -> Option<Uint8ClampedArray> {
    let img = ctx.get_image_data(0.0, 0.0, w as f64, h as f64).ok()?;
    // `ImageData.data` as the JS array (web-sys's `data()` would copy it
    // into a Vec).
    let data: Uint8ClampedArray = Reflect::get(&img, &JsValue::from_str("data")).ok()?.unchecked_into();
    (data.length() == w * h * 4).then_some(data)
}

impl Grabber {
    pub fn new(patch_side: u32) -> Grabber {
        Grabber { frame: None, patch: None, size: (0, 0), patch_side }
    }

    /// The current frame reduced to `size`. `None` when the video has no
    /// frame yet or the canvas cannot be read.
    pub fn grab(&mut self, video: &HtmlVideoElement, size: (u32, u32)) -> Option<Uint8ClampedArray> {
        let (w, h) = size;
        if w == 0 || h == 0 || video.ready_state() < 2 {
            return None;
        }
        if self.size != size || self.frame.is_none() {
            self.frame = reading_canvas(w, h);
            self.size = size;
        }
        let (_, ctx) = self.frame.as_ref()?;
        ctx.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, w as f64, h as f64).ok()?;
        image_data(ctx, w, h)
    }

    /// The `patch_side` square of the video at its own resolution whose
    /// top-left corner is `(sx, sy)` in video pixels.
    pub fn grab_patch(&mut self, video: &HtmlVideoElement, sx: u32, sy: u32) -> Option<Uint8ClampedArray> {
        let n = self.patch_side;
        if self.patch.is_none() {
            self.patch = reading_canvas(n, n);
        }
        let (_, ctx) = self.patch.as_ref()?;
        let (s, d) = (n as f64, n as f64);
        ctx.draw_image_with_html_video_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
            video, sx as f64, sy as f64, s, s, 0.0, 0.0, d, d,
        )
        .ok()?;
        image_data(ctx, n, n)
    }
}
