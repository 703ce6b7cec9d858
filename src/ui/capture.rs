//! Steps 3, 5 and 6: the live camera with the guide in the document's shape
//! (or an oval for the selfie), and the shutter. The camera is opened when
//! the screen appears and released (tracks stopped) when it goes.

use super::heading::Heading;
use crate::camera::{
    browser_family, denied_help, list_cameras, pick_main_rear, still_jpeg, CameraError, CameraStream, Facing, Still,
};
use crate::checks::{check_still, prefetch_face_model, Report};
use crate::flow::{DocumentType, Part, Step};
use crate::i18n::{t, Key};
use gloo::events::EventListener;
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
    {
        let (video, status, camera, on_error) =
            (video.clone(), status.clone(), camera.clone(), p.on_camera_error.clone());
        let (ended, attempt, device_state, cameras, torch) =
            (ended.clone(), attempt.clone(), device.clone(), cameras.clone(), torch.clone());
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
                spawn_local(async move {
                    match CameraStream::open_device(facing, device.as_deref()).await {
                        // The screen went away meanwhile: the stream drops here.
                        Ok(_) if !alive.get() => {}
                        Ok(stream) => {
                            if let Some(v) = video.cast::<HtmlVideoElement>() {
                                v.set_src_object(Some(stream.stream()));
                                let _ = v.play();
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
                ended.borrow_mut().take();
                // Stops every track: nothing keeps the camera after this screen.
                camera.borrow_mut().take();
            }
        });
    }
    // The camera is released while the page is hidden (another app, a
    // locked screen) and restarted when it is shown again.
    {
        let (camera, attempt) = (camera.clone(), attempt.clone());
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document()).expect("a document");
            let d2 = doc.clone();
            let listener = EventListener::new(&doc, "visibilitychange", move |_| {
                if d2.hidden() {
                    camera.borrow_mut().take();
                } else if camera.borrow().is_none() {
                    attempt.dispatch(());
                }
            });
            move || drop(listener)
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
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            let Some(v) = video.cast::<HtmlVideoElement>() else {
                return;
            };
            let (on_still, busy) = (on_still.clone(), busy.clone());
            busy.set(true);
            spawn_local(async move {
                if let Ok((still, pixels)) = still_jpeg(v.unchecked_ref()).await {
                    let report = check_still(part, still.width, still.height, &pixels).await;
                    // The pixels go out of scope here: only the JPEG is kept.
                    drop(pixels);
                    on_still.emit((Rc::new(still), Rc::new(report)));
                }
                busy.set(false);
            });
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
    html! {
        <section class="screen capture" data-screen={Step::Capture(p.part).name()}>
            <Heading text={t(title(p.part, p.document))} />
            <p class="hint" id="capture-hint">{ t(hint) }</p>
            <div class={if p.part.is_selfie() { "viewfinder mirrored" } else { "viewfinder" }}>
                <video ref={video} playsinline=true muted=true autoplay=true aria-label={t(Key::CameraPreview)} aria-describedby="capture-hint"></video>
                <div class={guide} aria-hidden="true"></div>
                if *status == Status::Starting {
                    <p class="camera-status" role="status">{ t(Key::CameraStarting) }</p>
                }
                if *status == Status::Restarting {
                    <p class="camera-status" role="status">{ t(Key::CameraEnded) }</p>
                }
            </div>
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
                <button class="primary shutter" onclick={shutter} disabled={!live || *busy}>{ t(Key::Shutter) }</button>
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
