//! Steps 3, 5 and 6: the live camera with the guide in the document's shape
//! (or an oval for the selfie), the live guidance over it, and the shutter.
//! The camera is opened when the screen appears and released (tracks
//! stopped) when it goes; the guidance loop runs while the camera is live.
//!
//! The shot is taken by itself when the frame has been good and steady (see
//! [`idcapture_quality::live`]); the still is then checked again at full
//! resolution. The shutter stays: always on a desktop webcam (the shopper may
//! hold the card at an angle the guide cannot judge), on a phone after
//! [`MANUAL_AFTER_MS`] (the auto-capture SDKs' practice: give auto-capture a
//! fair chance first, never trap the shopper), and always when the merchant
//! turned auto-capture off. Either way the still goes through the same check.

use super::heading::Heading;
use crate::camera::{
    browser_family, denied_help, list_cameras, pick_main_rear, still_jpeg, CameraError, CameraStream, Facing, Still,
};
use crate::checks::{check_still, cue_key_on, prefetch_face_model, LiveEvents, LiveLoop, MrzSide, Report};
use crate::flow::{DocumentType, Part, Step};
use crate::i18n::{t, Key};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use idcapture_quality::live::Cue;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlVideoElement;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CaptureProps {
    pub part: Part,
    pub document: DocumentType,
    pub on_still: Callback<(Rc<Still>, Rc<Report>)>,
    pub on_camera_error: Callback<CameraError>,
    pub on_handoff: Callback<()>,
    /// The capture may shoot by itself (the host's `auto=0` turns it off).
    #[prop_or(true)]
    pub auto_capture: bool,
    /// What this side does with the MRZ: its formats, and whether the shot
    /// waits for it to be read.
    #[prop_or_default]
    pub mrz: MrzSide,
}

/// On a phone, the shutter appears after this long (ms) of live guidance.
pub const MANUAL_AFTER_MS: u32 = 10_000;

/// A touch screen with no fine pointer: a phone or tablet, where the shutter
/// waits for auto-capture to have had its chance.
fn coarse_pointer() -> bool {
    web_sys::window().and_then(|w| w.match_media("(pointer: coarse)").ok().flatten()).is_some_and(|m| m.matches())
}

/// Take the still at full resolution, check it, hand it over. `taking` keeps
/// a second shot (shutter and auto-capture at once) from starting and pauses
/// the live loop; both resume if the still could not be taken. A still that
/// is ready after the screen went (expiry, a cancel from the host, a
/// hand-off while encoding) is dropped here, its object URL revoked, rather
/// than handed to a journey that has moved on.
fn shoot(
    video: Option<HtmlVideoElement>,
    part: Part,
    // The side's MRZ, and the read the live frames agreed on.
    (mrz, agreed): (MrzSide, Option<idcapture_quality::mrz::Read>),
    on_still: Callback<(Rc<Still>, Rc<Report>)>,
    taking: Rc<Cell<bool>>,
    busy: UseStateHandle<bool>,
    mounted: Rc<Cell<bool>>,
) {
    let Some(v) = video else { return };
    if taking.replace(true) {
        return;
    }
    busy.set(true);
    spawn_local(async move {
        match still_jpeg(v.unchecked_ref()).await {
            Ok((still, mut pixels)) => {
                let report = check_still(part, &mrz, agreed, still.width, still.height, &pixels).await;
                // Only the JPEG is kept: the full-resolution RGBA copy of an
                // ID is wiped before its memory goes back to the allocator.
                // (The check's own luma planes and the browser's ImageData
                // are released unwiped.)
                crate::camera::wipe(&mut pixels);
                drop(pixels);
                if mounted.get() {
                    on_still.emit((Rc::new(still), Rc::new(report)));
                }
            }
            Err(_) => {
                taking.set(false);
                busy.set(false);
            }
        }
    });
}

#[derive(Clone, PartialEq)]
enum Status {
    Starting,
    /// The track ended by itself; the camera is being reopened.
    Restarting,
    Live,
    Failed(CameraError),
}

fn title(part: Part, document: DocumentType) -> Key {
    match (part, document) {
        (Part::Selfie, _) => Key::CaptureSelfieTitle,
        (Part::DocumentFront, DocumentType::Passport) => Key::CapturePassportTitle,
        (Part::DocumentFront, _) => Key::CaptureFrontTitle,
        (Part::DocumentBack, _) => Key::CaptureBackTitle,
    }
}

/// A counter that only goes up: the effect re-runs (camera reopened) on
/// each bump, and closures created once can bump it without a stale value.
#[derive(Default, PartialEq)]
struct Counter(u32);

impl Reducible for Counter {
    type Action = ();
    fn reduce(self: Rc<Self>, _: ()) -> Rc<Self> {
        Rc::new(Counter(self.0 + 1))
    }
}

#[function_component(Capture)]
pub fn capture(p: &CaptureProps) -> Html {
    let video = use_node_ref();
    let status = use_state(|| Status::Starting);
    let camera = use_mut_ref(|| None::<CameraStream>);
    let ended = use_mut_ref(|| None::<EventListener>);
    let attempt = use_reducer(Counter::default);
    let device = use_state(|| None::<String>);
    let cameras = use_state(Vec::<(String, String)>::new);
    let torch = use_state(|| None::<bool>);
    let busy = use_state(|| false);
    let taking: Rc<Cell<bool>> = (*use_memo((), |_| Rc::new(Cell::new(false)))).clone();
    // Whether this screen is still shown, for work that finishes after it.
    let mounted: Rc<Cell<bool>> = (*use_memo((), |_| Rc::new(Cell::new(true)))).clone();
    {
        let mounted = mounted.clone();
        use_effect_with((), move |_| move || mounted.set(false));
    }
    let live_loop = use_mut_ref(|| None::<LiveLoop>);
    let cue = use_state(|| None::<Cue>);
    let announce = use_state(String::new);
    let manual = use_state(|| !p.auto_capture || !coarse_pointer());
    // The selfie's face model could not be had: say so, offer the shutter.
    let unavailable = use_state(|| false);
    {
        let (video, status, camera, on_error) =
            (video.clone(), status.clone(), camera.clone(), p.on_camera_error.clone());
        let (ended, attempt, device_state, cameras, torch) =
            (ended.clone(), attempt.clone(), device.clone(), cameras.clone(), torch.clone());
        let (live_loop, taking, busy, on_still, auto, mrz) =
            (live_loop.clone(), taking.clone(), busy.clone(), p.on_still.clone(), p.auto_capture, p.mrz);
        let (cue, announce, mounted, document) = (cue.clone(), announce.clone(), mounted.clone(), p.document);
        let (unavailable, manual) = (unavailable.clone(), manual.clone());
        use_effect_with((p.part, attempt.0, (*device).clone()), move |(part, _, device)| {
            let alive = Rc::new(Cell::new(true));
            let facing = if part.is_selfie() { Facing::User } else { Facing::Environment };
            if part.is_selfie() {
                // The face model is needed only from here: fetch it now,
                // while the camera starts (once per page; kept for retakes).
                prefetch_face_model();
            }
            status.set(Status::Starting);
            {
                let (alive, camera, device, ended) = (alive.clone(), camera.clone(), device.clone(), ended.clone());
                let live_loop = live_loop.clone();
                let part = *part;
                spawn_local(async move {
                    match CameraStream::open_device(facing, device.as_deref()).await {
                        // The screen went away meanwhile: the stream drops here.
                        Ok(_) if !alive.get() => {}
                        Ok(stream) => {
                            if let Some(v) = video.cast::<HtmlVideoElement>() {
                                v.set_src_object(Some(stream.stream()));
                                let _ = v.play();
                                let events = LiveEvents {
                                    on_advice: Callback::from(move |c: Cue| cue.set(Some(c))),
                                    on_announce: Callback::from(move |c: Cue| announce.set(t(cue_key_on(c, document)))),
                                    on_unavailable: Callback::from(move |_| {
                                        unavailable.set(true);
                                        manual.set(true);
                                    }),
                                    on_capture: {
                                        let (v, taking, busy) = (v.clone(), taking.clone(), busy.clone());
                                        // With the MRZ read the frames agreed on.
                                        Callback::from(move |agreed| {
                                            let (taking, busy) = (taking.clone(), busy.clone());
                                            shoot(
                                                Some(v.clone()),
                                                part,
                                                (mrz, agreed),
                                                on_still.clone(),
                                                taking,
                                                busy,
                                                mounted.clone(),
                                            )
                                        })
                                    },
                                };
                                *live_loop.borrow_mut() =
                                    Some(LiveLoop::start(v, part, mrz, auto, taking.clone(), events));
                            }
                            stream.prefer_continuous_focus();
                            torch.set(stream.has_torch().then_some(false));
                            // A track that ends by itself (camera unplugged,
                            // taken by another app, OS interruption): restart.
                            *ended.borrow_mut() = stream.track().map(|t| {
                                let (status, attempt) = (status.clone(), attempt.clone());
                                EventListener::new(&t, "ended", move |_| {
                                    status.set(Status::Restarting);
                                    attempt.dispatch(());
                                })
                            });
                            let current = stream.device_id();
                            *camera.borrow_mut() = Some(stream);
                            status.set(Status::Live);
                            // With labels now known, prefer the main rear
                            // camera over an ultra-wide or telephoto one.
                            let list = list_cameras().await;
                            if facing == Facing::Environment && device.is_none() {
                                if let Some(main) = pick_main_rear(&list) {
                                    if Some(&main) != current.as_ref() && alive.get() {
                                        device_state.set(Some(main));
                                    }
                                }
                            }
                            cameras.set(list);
                        }
                        Err(e) if alive.get() => {
                            on_error.emit(e.clone());
                            status.set(Status::Failed(e));
                        }
                        Err(_) => {}
                    }
                });
            }
            move || {
                alive.set(false);
                // The guidance loop first: it reads the video being released.
                live_loop.borrow_mut().take();
                ended.borrow_mut().take();
                // Stops every track: nothing keeps the camera after this screen.
                camera.borrow_mut().take();
            }
        });
    }
    // The camera is released while the page is hidden (another app, a
    // locked screen) and restarted when it is shown again.
    {
        let (camera, attempt, live_loop) = (camera.clone(), attempt.clone(), live_loop.clone());
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document()).expect("a document");
            let d2 = doc.clone();
            let listener = EventListener::new(&doc, "visibilitychange", move |_| {
                if d2.hidden() {
                    live_loop.borrow_mut().take();
                    camera.borrow_mut().take();
                } else if camera.borrow().is_none() {
                    attempt.dispatch(());
                }
            });
            move || drop(listener)
        });
    }
    // On a phone with auto-capture, the shutter comes after a while.
    {
        let manual = manual.clone();
        use_effect_with(p.part, move |_| {
            let timer = (!*manual).then(|| Timeout::new(MANUAL_AFTER_MS, move || manual.set(true)));
            move || drop(timer)
        });
    }
    let switch_camera = {
        let (cameras, device, camera) = (cameras.clone(), device.clone(), camera.clone());
        Callback::from(move |_: MouseEvent| {
            let current = camera.borrow().as_ref().and_then(|c| c.device_id()).or_else(|| (*device).clone());
            let ids: Vec<&String> = cameras.iter().map(|(id, _)| id).collect();
            let i = ids.iter().position(|id| Some(*id) == current.as_ref()).map_or(0, |i| (i + 1) % ids.len().max(1));
            if let Some(next) = ids.get(i) {
                device.set(Some((*next).clone()));
            }
        })
    };
    let toggle_torch = {
        let (torch, camera) = (torch.clone(), camera.clone());
        Callback::from(move |_: MouseEvent| {
            if let (Some(on), Some(c)) = (*torch, camera.borrow().as_ref()) {
                c.set_torch(!on);
                torch.set(Some(!on));
            }
        })
    };
    let shutter = {
        let (video, on_still, busy, part) = (video.clone(), p.on_still.clone(), busy.clone(), p.part);
        let (taking, mounted, mrz, live_loop) = (taking.clone(), mounted.clone(), p.mrz, live_loop.clone());
        Callback::from(move |_: MouseEvent| {
            let (taking, busy) = (taking.clone(), busy.clone());
            // What the live frames agreed on, as the shutter is pressed.
            let agreed = live_loop.borrow().as_ref().and_then(|l| l.agreed_mrz());
            shoot(
                video.cast::<HtmlVideoElement>(),
                part,
                (mrz, agreed),
                on_still.clone(),
                taking,
                busy,
                mounted.clone(),
            )
        })
    };
    let retry = {
        let attempt = attempt.clone();
        Callback::from(move |_: MouseEvent| attempt.dispatch(()))
    };
    let guide = match (p.part, p.document) {
        (Part::Selfie, _) => "guide oval",
        (_, DocumentType::Passport) => "guide id3",
        _ => "guide id1",
    };
    let hint = if p.part.is_selfie() { Key::CaptureSelfieHint } else { Key::CaptureDocumentHint };
    let live = *status == Status::Live;
    let good = live && *cue == Some(Cue::Ready);
    let guide = classes!(guide, good.then_some("good"));
    html! {
        <section class="screen capture" data-screen={Step::Capture(p.part).name()}>
            <Heading text={t(title(p.part, p.document))} />
            <p class="hint" id="capture-hint">{ t(hint) }</p>
            <div class={if p.part.is_selfie() { "viewfinder mirrored" } else { "viewfinder" }}>
                <video ref={video} playsinline=true muted=true autoplay=true aria-label={t(Key::CameraPreview)} aria-describedby="capture-hint"></video>
                <div class={guide} aria-hidden="true"></div>
                // What to fix, one line at a time (screen readers get the
                // same line through the throttled live region below).
                if *busy {
                    <p class="guidance" data-cue="taking" aria-hidden="true">{ t(Key::GuideTaking) }</p>
                } else if *unavailable {
                    <p class="guidance" data-cue="unavailable" role="status">
                        { t(if p.part.is_selfie() { Key::GuideUnavailable } else { Key::GuideUnavailableDocument }) }
                    </p>
                } else if let (true, Some(cue)) = (live, *cue) {
                    <p class={classes!("guidance", good.then_some("good"))} data-cue={cue.as_str()} aria-hidden="true">
                        { t(cue_key_on(cue, p.document)) }
                    </p>
                }
                if *status == Status::Starting {
                    <p class="camera-status" role="status">{ t(Key::CameraStarting) }</p>
                }
                if *status == Status::Restarting {
                    <p class="camera-status" role="status">{ t(Key::CameraEnded) }</p>
                }
            </div>
            <p class="visually-hidden" aria-live="polite" data-testid="guidance-live">{ (*announce).clone() }</p>
            if let Status::Failed(e) = &*status {
                <div class="camera-error" role="alert" data-error={e.code()}>
                    <p>{ t(e.key()) }</p>
                    if *e == CameraError::Denied {
                        <p data-testid="denied-help">{ t(denied_help(browser_family(&user_agent()))) }</p>
                    }
                    <div class="actions">
                        <button class="primary" onclick={retry}>{ t(Key::Retry) }</button>
                        <button class="secondary" onclick={p.on_handoff.reform(|_: MouseEvent| ())}>{ t(Key::HandoffButton) }</button>
                    </div>
                </div>
            } else {
                if *manual {
                    <button class="primary shutter" onclick={shutter} disabled={!live || *busy}>{ t(Key::Shutter) }</button>
                }
                if live && (cameras.len() > 1 || torch.is_some()) {
                    <div class="actions camera-controls">
                        if cameras.len() > 1 {
                            <button class="secondary" onclick={switch_camera}>{ t(Key::SwitchCamera) }</button>
                        }
                        if let Some(on) = *torch {
                            <button class="secondary" aria-pressed={on.to_string()} onclick={toggle_torch}>
                                { t(if on { Key::TorchOff } else { Key::TorchOn }) }
                            </button>
                        }
                    </div>
                }
            }
        </section>
    }
}

fn user_agent() -> String {
    web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default()
}
