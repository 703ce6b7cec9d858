//! The live guidance loop of the capture screen: each new video frame (see
//! [`crate::camera::FrameClock`]) is reduced to 640 px, judged by the same
//! core as the still ([`idcapture_quality::live`]), and the coach's advice
//! goes to the screen. Runs on the page's thread, one frame at a time: a
//! frame that arrives sooner than [`MIN_INTERVAL_MS`], or sooner than
//! [`DUTY`] times the last analysis's duration, after the last analysed one
//! (or while one waits for its analysis) is skipped. Copying the frame out of
//! the video and judging it are two tasks, so neither blocks the page long. The loop never queues work, and on a slow device it analyses
//! fewer frames rather than take the whole thread from the page.

use super::web::{face_detector_within, now_ms, today, UNAVAILABLE_AFTER_MS};
use crate::camera::{live_size, patch_origin, FrameClock, Grabber};
use crate::flow::Part;
use idcapture_quality::live::{Announcer, Coach, Cue, LiveDocument, LiveSelfie, Look, LIVE_SIDE, PATCH};
use idcapture_quality::mrz::live::Gate;
use idcapture_quality::{FaceDetector, Frame, PixelFormat};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use web_sys::HtmlVideoElement;
use yew::Callback;

/// Least time between two analysed frames (ms): at most ~33 per second.
pub const MIN_INTERVAL_MS: f64 = 30.0;
/// A frame taking `d` ms (copy and analysis) is followed by at least
/// `DUTY * d` ms before the next: the loop uses at most 1 / DUTY (80 %) of
/// the page's thread, in two tasks per frame, so input and painting get in
/// between; a slower device analyses fewer frames.
pub const DUTY: f64 = 1.25;

/// The MRZ is read on frames of this long side: its glyphs are a fiftieth
/// of a card's width, a few pixels at the 640 px of the guidance.
pub const MRZ_SIDE: u32 = 1280;
/// Least time between two MRZ attempts (ms); a slow device waits
/// [`DUTY`] times the last attempt's duration too.
pub const MRZ_INTERVAL_MS: f64 = 250.0;
/// A still falls back on the live frames' agreed read only if it was read
/// this recently (ms): the card in the still is the one read.
pub const AGREED_MAX_AGE_MS: f64 = 1000.0;

/// Where the loop reports.
#[derive(Clone)]
pub struct LiveEvents {
    /// The shown cue changed (the outline is good with `Cue::Ready`).
    pub on_advice: Callback<Cue>,
    /// Say this to screen readers (throttled).
    pub on_announce: Callback<Cue>,
    /// Good and steady (and the MRZ agreed on, where awaited): take the
    /// shot (once), with the MRZ read the frames agreed on.
    pub on_capture: Callback<Option<idcapture_quality::mrz::Read>>,
    /// The selfie's face model cannot be had: no guidance, the shutter.
    pub on_unavailable: Callback<()>,
}

struct State {
    video: HtmlVideoElement,
    part: Part,
    grabber: Grabber,
    document: LiveDocument,
    selfie: LiveSelfie,
    detector: Rc<RefCell<Option<Rc<RefCell<FaceDetector>>>>>,
    coach: Coach,
    announcer: Announcer,
    next_patch: Option<(f32, f32)>,
    last_at: f64,
    last_ms: f64,
    /// A frame copied and waiting for its analysis: (time, size, patch
    /// taken, copy ms).
    grabbed: Option<(f64, (u32, u32), bool, f64)>,
    analysed: u32,
    paused: Rc<Cell<bool>>,
    auto: bool,
    events: LiveEvents,
    /// What this side does with the MRZ (formats, whether the shot waits).
    mrz: super::MrzSide,
    mrz_grabber: Grabber,
    gate: Gate,
    /// A frame copied for the MRZ and waiting for its read: (time, size).
    mrz_grabbed: Option<(f64, (u32, u32))>,
    mrz_next: f64,
    mrz_ms: f64,
    mrz_attempts: u32,
    /// The last analysed frame showed a document.
    document_seen: bool,
}

impl State {
    /// Copy the frame (and patch) out of the video; true when there is one
    /// to analyse. The analysis runs in a task of its own (see
    /// [`LiveLoop::start`]), so neither task is long.
    fn grab(&mut self, now: f64) -> bool {
        if self.paused.get() || self.grabbed.is_some() || now - self.last_at < MIN_INTERVAL_MS.max(DUTY * self.last_ms)
        {
            return false;
        }
        let (vw, vh) = (self.video.video_width(), self.video.video_height());
        let size = live_size(vw, vh, LIVE_SIDE as u32);
        let start = now_ms();
        if !self.grabber.grab(&self.video, size) {
            return false;
        }
        self.last_at = now;
        // The screen check's patch, cut at the camera's resolution where the
        // last frame said (on the document, cycling over three places).
        let patch_ok = !self.part.is_selfie()
            && match patch_origin(self.next_patch, vw, vh, PATCH as u32) {
                Some((sx, sy)) => self.grabber.grab_patch(&self.video, sx, sy),
                None => false,
            };
        self.grabbed = Some((now, size, patch_ok, now_ms() - start));
        // A copy waiting for a read that never ran (its task found the loop
        // busy) is given up, so reading goes on.
        if self.mrz_grabbed.is_some_and(|(t, _)| now - t > 1000.0) {
            self.mrz_grabbed = None;
        }
        // A larger copy for the MRZ, while a document is in view, a few
        // times a second at most.
        let wanted = !self.mrz.formats.is_empty();
        if wanted && self.document_seen && self.mrz_grabbed.is_none() && now >= self.mrz_next {
            let big = live_size(vw, vh, MRZ_SIDE);
            if self.mrz_grabber.grab(&self.video, big) {
                self.mrz_grabbed = Some((now, big));
                self.mrz_next = now + MRZ_INTERVAL_MS.max(DUTY * self.mrz_ms);
            }
        }
        true
    }

    /// Read the MRZ of the frame copied for it, and tell the gate.
    fn read_mrz(&mut self) {
        let Some((now, size)) = self.mrz_grabbed.take() else { return };
        if self.paused.get() {
            return;
        }
        let start = now_ms();
        let Ok(frame) = Frame::new(size.0 as usize, size.1 as usize, PixelFormat::Rgba, &self.mrz_grabber.pixels)
        else {
            return;
        };
        let mut luma = idcapture_quality::frame::Planes::default();
        luma.refill_luma(&frame);
        let (read, trace) = idcapture_quality::mrz::read_as(&luma.y, luma.w, luma.h, today(), self.mrz.formats);
        crate::camera::wipe(&mut luma.y);
        self.gate.offer(now, trace.zones > 0, read.as_ref());
        self.mrz_ms = now_ms() - start;
        self.mrz_attempts += 1;
        // For the end-to-end test and the benchmark: attempts, the last
        // one's time, and what the gate says (never what was read).
        let _ = self.video.set_attribute("data-mrz-attempts", &self.mrz_attempts.to_string());
        let _ = self.video.set_attribute("data-mrz-ms", &format!("{:.1}", self.mrz_ms));
        let state = if self.gate.agreed(now).is_some() { "agreed" } else { self.gate.cue(now).as_str() };
        let _ = self.video.set_attribute("data-mrz", state);
    }

    fn analyse(&mut self) {
        let Some((now, size, patch_ok, grab_ms)) = self.grabbed.take() else { return };
        if self.paused.get() {
            return;
        }
        let start = now_ms();
        let Ok(frame) = Frame::new(size.0 as usize, size.1 as usize, PixelFormat::Rgba, &self.grabber.pixels) else {
            return;
        };
        let look: Look = if self.part.is_selfie() {
            let Some(det) = self.detector.borrow().clone() else { return };
            let Ok(mut det) = det.try_borrow_mut() else { return };
            self.selfie.look(&frame, &mut det).0
        } else {
            let patch = patch_ok
                .then(|| Frame::new(PATCH, PATCH, PixelFormat::Rgba, &self.grabber.patch_pixels).ok())
                .flatten();
            self.document.look(&frame, patch.as_ref()).0
        };
        self.next_patch = look.next_patch;
        self.document_seen = !self.part.is_selfie() && look.anchor.is_some();
        // The card gone from view: what was read of it no longer holds.
        if !self.document_seen {
            self.gate.reset();
        }
        // The shot waits for the MRZ on the side that carries it.
        let wait = (self.mrz.awaited && self.gate.agreed(now).is_none()).then(|| self.gate.cue(now));
        self.coach.await_mrz(wait);
        let advice = self.coach.update(now, &look);
        self.analysed += 1;
        // For the end-to-end test and the benchmark: frames analysed and the
        // last analysis time (no pixels, no scores).
        let _ = self.video.set_attribute("data-analysed", &self.analysed.to_string());
        let ms = now_ms() - start;
        self.last_ms = ms + grab_ms;
        let _ = self.video.set_attribute("data-ms", &format!("{ms:.1}"));
        let _ = self.video.set_attribute("data-grab-ms", &format!("{grab_ms:.1}"));
        if let Some(cue) = advice.cue {
            if advice.changed {
                self.events.on_advice.emit(cue);
            }
            if let Some(c) = self.announcer.next(now, cue) {
                self.events.on_announce.emit(c);
            }
        }
        if advice.capture && self.auto {
            // The receiver sets `paused` (taking the still) before it returns.
            self.events.on_capture.emit(self.gate.agreed_within(now, AGREED_MAX_AGE_MS).cloned());
        }
    }
}

/// The running loop; dropping it stops the frame callbacks and clears the
/// buffers that held camera pixels.
pub struct LiveLoop {
    _clock: FrameClock,
    _state: Rc<RefCell<State>>,
}

impl LiveLoop {
    /// Start judging `video`'s frames for `part`. While `paused` is set
    /// (a still being taken) frames are skipped. With `auto` off the loop
    /// guides but never asks for the shot.
    pub fn start(
        video: HtmlVideoElement,
        part: Part,
        mrz: super::MrzSide,
        auto: bool,
        paused: Rc<Cell<bool>>,
        events: LiveEvents,
    ) -> LiveLoop {
        let detector = Rc::new(RefCell::new(None));
        if part.is_selfie() {
            let (slot, unavailable) = (detector.clone(), events.on_unavailable.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // Once the shopper is told guidance is unavailable, this
                // screen stays so (no cue, no auto-capture): a model that
                // arrives later serves the still's check and the next
                // selfie screen.
                let d = face_detector_within(UNAVAILABLE_AFTER_MS).await;
                if d.is_none() {
                    unavailable.emit(());
                }
                *slot.borrow_mut() = d;
            });
        }
        let state = RefCell::new(State {
            video: video.clone(),
            part,
            grabber: Grabber::new(PATCH as u32),
            document: LiveDocument::default(),
            selfie: LiveSelfie::default(),
            detector,
            coach: Coach::default(),
            announcer: Announcer::default(),
            next_patch: None,
            last_at: f64::NEG_INFINITY,
            last_ms: 0.0,
            grabbed: None,
            analysed: 0,
            paused,
            auto,
            events,
            mrz,
            mrz_grabber: Grabber::new(PATCH as u32),
            gate: Gate::new(mrz.formats),
            mrz_grabbed: None,
            mrz_next: f64::NEG_INFINITY,
            mrz_ms: 0.0,
            mrz_attempts: 0,
            document_seen: false,
        });
        let state = Rc::new(state);
        let weak = Rc::downgrade(&state);
        let clock = FrameClock::new(video, move |now| {
            let Some(state) = weak.upgrade() else { return };
            let (grabbed, mrz) = state
                .try_borrow_mut()
                .map(|mut s| {
                    // A new copy for the MRZ (not one already waiting, but
                    // one that replaced a stale one counts): its read task.
                    let before = s.mrz_grabbed.map(|(t, _)| t);
                    let grabbed = s.grab(now);
                    let after = s.mrz_grabbed.map(|(t, _)| t);
                    (grabbed, after.is_some() && after != before)
                })
                .unwrap_or((false, false));
            if mrz {
                // The MRZ read in a task of its own, after the analysis.
                let weak = Rc::downgrade(&state);
                wasm_bindgen_futures::spawn_local(async move {
                    gloo::timers::future::TimeoutFuture::new(0).await;
                    gloo::timers::future::TimeoutFuture::new(0).await;
                    if let Some(state) = weak.upgrade() {
                        if let Ok(mut s) = state.try_borrow_mut() {
                            s.read_mrz();
                        }
                    }
                });
            }
            if grabbed {
                // The analysis in the next task: the frame callback stays short
                // and the page can paint and handle input in between.
                let weak = Rc::downgrade(&state);
                wasm_bindgen_futures::spawn_local(async move {
                    gloo::timers::future::TimeoutFuture::new(0).await;
                    if let Some(state) = weak.upgrade() {
                        if let Ok(mut s) = state.try_borrow_mut() {
                            s.analyse();
                        }
                    }
                });
            }
        });
        LiveLoop { _clock: clock, _state: state }
    }

    /// The MRZ read the live frames agree on now, if any (handed to the
    /// still's check, which reports it only if the still says the same).
    pub fn agreed_mrz(&self) -> Option<idcapture_quality::mrz::Read> {
        let s = self._state.try_borrow().ok()?;
        s.gate.agreed_within(now_ms(), AGREED_MAX_AGE_MS).cloned()
    }
}
