//! Steps 3, 5 and 6: the live camera with the guide in the document's shape
//! (or an oval for the selfie), and the shutter. The camera is opened when
//! the screen appears and released (tracks stopped) when it goes.

use super::heading::Heading;
use crate::camera::{still_jpeg, CameraError, CameraStream, Facing, Still};
use crate::checks::{check_still, prefetch_face_model, Report};
use crate::flow::{DocumentType, Part, Step};
use crate::i18n::{t, Key};
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

#[function_component(Capture)]
pub fn capture(p: &CaptureProps) -> Html {
    let video = use_node_ref();
    let status = use_state(|| Status::Starting);
    let camera = use_mut_ref(|| None::<CameraStream>);
    let attempt = use_state(|| 0u32);
    let busy = use_state(|| false);
    {
        let (video, status, camera, on_error) =
            (video.clone(), status.clone(), camera.clone(), p.on_camera_error.clone());
        use_effect_with((p.part, *attempt), move |(part, _)| {
            let alive = Rc::new(Cell::new(true));
            let facing = if part.is_selfie() { Facing::User } else { Facing::Environment };
            if part.is_selfie() {
                // The face model is needed only from here: fetch it now,
                // while the camera starts (once per page; kept for retakes).
                prefetch_face_model();
            }
            status.set(Status::Starting);
            {
                let (alive, camera) = (alive.clone(), camera.clone());
                spawn_local(async move {
                    match CameraStream::open(facing).await {
                        // The screen went away meanwhile: the stream drops here.
                        Ok(_) if !alive.get() => {}
                        Ok(stream) => {
                            if let Some(v) = video.cast::<HtmlVideoElement>() {
                                v.set_src_object(Some(stream.stream()));
                                let _ = v.play();
                            }
                            *camera.borrow_mut() = Some(stream);
                            status.set(Status::Live);
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
                // Stops every track: nothing keeps the camera after this screen.
                camera.borrow_mut().take();
            }
        });
    }
    // The camera is released while the page is hidden (another app, a
    // locked screen) and restarted when it is shown again.
    {
        let (camera, attempt) = (camera.clone(), attempt.clone());
        // A counter of our own: the state handle captured here would read
        // the value of the first render forever.
        let restarts = std::rc::Rc::new(Cell::new(1000u32));
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document()).expect("a document");
            let d2 = doc.clone();
            let listener = gloo::events::EventListener::new(&doc, "visibilitychange", move |_| {
                if d2.hidden() {
                    camera.borrow_mut().take();
                } else if camera.borrow().is_none() {
                    restarts.set(restarts.get() + 1);
                    attempt.set(restarts.get());
                }
            });
            move || drop(listener)
        });
    }
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
        Callback::from(move |_: MouseEvent| attempt.set(*attempt + 1))
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
            <p class="hint">{ t(hint) }</p>
            <div class={if p.part.is_selfie() { "viewfinder mirrored" } else { "viewfinder" }}>
                <video ref={video} playsinline=true muted=true autoplay=true aria-label={t(Key::CameraPreview)}></video>
                <div class={guide} aria-hidden="true"></div>
                if *status == Status::Starting {
                    <p class="camera-status" role="status">{ t(Key::CameraStarting) }</p>
                }
            </div>
            if let Status::Failed(e) = &*status {
                <div class="camera-error" role="alert" data-error={e.code()}>
                    <p>{ t(e.key()) }</p>
                    <div class="actions">
                        <button class="primary" onclick={retry}>{ t(Key::Retry) }</button>
                        <button class="secondary" onclick={p.on_handoff.reform(|_: MouseEvent| ())}>{ t(Key::HandoffButton) }</button>
                    </div>
                </div>
            } else {
                <button class="primary shutter" onclick={shutter} disabled={!live || *busy}>{ t(Key::Shutter) }</button>
            }
        </section>
    }
}
