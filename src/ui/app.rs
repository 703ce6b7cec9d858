//! The app: loads the session, runs the journey's reducer, and performs its
//! effects (uploads, completion, messages to the host, wiping images).

use super::capture::Capture;
use super::choose::Choose;
use super::countdown::Countdown;
use super::done::Done;
use super::expired::Expired;
use super::failure::Failure;
use super::handoff::Handoff;
use super::parts::PartsList;
use super::review::Review;
use super::sending::Sending;
use super::uploads::use_uploads;
use super::welcome::Welcome;
use crate::api::{self, ApiError, SessionInfo};
use crate::camera::{CameraError, Still};
use crate::checks::Report;
use crate::flow::countdown::Deadline;
use crate::flow::{DocumentType, Event, Journey, Part, Step};
use crate::host::config::{merchant_from_path, parse_launch, ConfigError, SessionRef};
use crate::host::{accept_command, Host, HostCommand, HostEvent};
use crate::i18n::{set_lang, t, Key, Lang};
use gloo::events::EventListener;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

/// The journey as Yew state.
#[derive(Clone, PartialEq, Default)]
pub(super) struct JourneyState(pub(super) Journey);

impl Reducible for JourneyState {
    type Action = Event;
    fn reduce(self: Rc<Self>, action: Event) -> Rc<Self> {
        Rc::new(JourneyState(self.0.apply(action)))
    }
}

/// A loaded session.
#[derive(Clone, PartialEq)]
pub(super) struct Loaded {
    pub(super) session: SessionRef,
    deadline: Deadline,
    pub(super) host: Host,
}

#[derive(Clone, PartialEq)]
enum Boot {
    Loading,
    Ready(Rc<Loaded>),
    Failed(Key),
}

fn location_fragment() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Choose the page's language before anything is rendered: the host's
/// (fragment `lang=`), else the browser's, else French.
fn init_language() -> Lang {
    let host = crate::host::config::fragment_lang(&location_fragment());
    let browser: Vec<String> = web_sys::window()
        .map(|w| w.navigator().languages().iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default();
    let lang = Lang::negotiate(host.as_deref(), &browser);
    set_lang(lang);
    if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = html.set_attribute("lang", lang.code());
    }
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        d.set_title(&t(Key::AppTitle));
    }
    lang
}

#[function_component(App)]
pub fn app() -> Html {
    let lang = *use_memo((), |_| init_language());
    let boot = use_state(|| Boot::Loading);
    let journey = use_reducer(JourneyState::default);
    let review = use_state(|| None::<(Rc<Still>, Rc<Report>)>);
    let reload = use_state(|| 0u32);
    let camera_problem = use_state(|| None::<Key>);

    // Load the session named in the fragment.
    {
        let (boot, journey) = (boot.clone(), journey.clone());
        use_effect_with(*reload, move |_| match parse_launch(&location_fragment()) {
            Err(ConfigError::Missing) => boot.set(Boot::Failed(Key::SessionMissing)),
            Err(ConfigError::Malformed) => boot.set(Boot::Failed(Key::SessionMissing)),
            Ok(launch) => spawn_local(async move {
                let merchant =
                    web_sys::window().and_then(|w| w.location().pathname().ok()).and_then(|p| merchant_from_path(&p));
                // Embedded: the token comes from the host page by message,
                // never in the iframe's URL (see `host::launch`).
                let token = match (launch.token, &merchant) {
                    (Some(t), _) => Ok(t),
                    (None, Some(key)) => match api::merchant_origin(key).await {
                        Ok(origin) => crate::host::launch::obtain_token(&origin).await.ok_or(Key::SessionMissing),
                        // Not the link's fault: the network's or the server's.
                        Err(ApiError::Network) | Err(ApiError::Http { status: 500.., .. }) => {
                            Err(Key::SessionUnreadable)
                        }
                        Err(_) => Err(Key::SessionMissing),
                    },
                    (None, None) => Err(Key::SessionMissing),
                };
                let token = match token {
                    Ok(t) => t,
                    Err(k) => {
                        boot.set(Boot::Failed(k));
                        return;
                    }
                };
                let session = SessionRef { id: launch.id, token };
                match api::read_session(&session).await {
                    // A merchant's page shows only its own sessions.
                    Ok((info, _)) if merchant.is_some() && info.merchant != merchant => {
                        boot.set(Boot::Failed(Key::SessionForeign))
                    }
                    Ok((info, local)) => {
                        let loaded = loaded(session, &info, local);
                        loaded.host.post(HostEvent::Ready { expires_at: info.expires_at });
                        match info.status.as_str() {
                            "expired" => journey.dispatch(Event::Expire),
                            "cancelled" => journey.dispatch(Event::Cancel),
                            status => journey.dispatch(Event::Resume {
                                started: info.started,
                                document: info.document_type.as_deref().and_then(DocumentType::parse),
                                stored: info.parts.iter().filter_map(|p| Part::parse(&p.part)).collect(),
                                completed: status == "completed",
                            }),
                        }
                        boot.set(Boot::Ready(Rc::new(loaded)));
                    }
                    Err(ApiError::Expired) => journey.dispatch(Event::Expire),
                    Err(_) => boot.set(Boot::Failed(Key::SessionUnreadable)),
                }
            }),
        });
    }

    let ready = match &*boot {
        Boot::Ready(l) => Some(l.clone()),
        _ => None,
    };
    let step = journey.0.step;

    let uploads = use_uploads(ready.clone(), journey.clone());

    // Tell the host about each step; at the end, wipe the still under review
    // (the uploads wipe theirs).
    {
        let (ready, review) = (ready.clone(), review.clone());
        let document = journey.0.document;
        use_effect_with((step, ready.is_some()), move |(step, _)| {
            if let Some(l) = &ready {
                l.host.post(HostEvent::Step { step: step.name() });
                match step {
                    Step::Done => l.host.post(HostEvent::Completed { document_type: document.map(|d| d.as_str()) }),
                    Step::Expired => l.host.post(HostEvent::Expired),
                    Step::Cancelled => l.host.post(HostEvent::Cancelled),
                    _ => {}
                }
            }
            if step.is_final() {
                // Dropping the stills revokes their object URLs.
                review.set(None);
            }
        });
    }

    // While handing off, follow the other device through the backend: one
    // read at a time (a slow answer is not overtaken by a newer one and the
    // parts list never goes backwards), and none acted on once the shopper
    // has left the hand-off screen.
    {
        let (ready, journey, known) = (ready.clone(), journey.clone(), uploads.known.clone());
        use_effect_with(step == Step::Handoff, move |handing_off| {
            let alive = Rc::new(std::cell::Cell::new(true));
            let reading = Rc::new(std::cell::Cell::new(false));
            let poll = (*handing_off).then_some(()).and(ready).map(|l| {
                let alive = alive.clone();
                gloo::timers::callback::Interval::new(2000, move || {
                    if reading.replace(true) {
                        return;
                    }
                    let (l, journey, known) = (l.clone(), journey.clone(), known.clone());
                    let (alive, reading) = (alive.clone(), reading.clone());
                    spawn_local(async move {
                        let read = api::read_session(&l.session).await;
                        reading.set(false);
                        if !alive.get() {
                            return;
                        }
                        match read {
                            Ok((info, _)) => {
                                let stored: Vec<Part> =
                                    info.parts.iter().filter_map(|p| Part::parse(&p.part)).collect();
                                known.emit(stored.clone());
                                match info.status.as_str() {
                                    "expired" => journey.dispatch(Event::Expire),
                                    "cancelled" => journey.dispatch(Event::Cancel),
                                    status => journey.dispatch(Event::Remote {
                                        document: info.document_type.as_deref().and_then(DocumentType::parse),
                                        stored,
                                        completed: status == "completed",
                                    }),
                                }
                            }
                            Err(ApiError::Expired) => journey.dispatch(Event::Expire),
                            Err(_) => {}
                        }
                    });
                })
            });
            // Dropping the interval stops the polling; a read on its way is
            // then ignored.
            move || {
                alive.set(false);
                drop(poll)
            }
        });
    }

    // Commands from the host page: only from the session's parent origin,
    // in the merchant envelope; anything else is ignored and only counted
    // in the debug log.
    {
        let (ready, journey) = (ready.clone(), journey.clone());
        use_effect_with(ready.is_some(), move |_| {
            let ignored = Rc::new(std::cell::Cell::new(0u32));
            let listener = ready.map(|l| {
                let window = web_sys::window().expect("a window");
                EventListener::new(&window, "message", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else { return };
                    // Nothing from elsewhere is even read: a foreign page's
                    // message is dropped before its data is touched.
                    if Some(e.origin().as_str()) != l.host.origin() {
                        ignored.set(ignored.get() + 1);
                        web_sys::console::debug_1(&format!("idcapture: ignored message #{}", ignored.get()).into());
                        return;
                    }
                    let data = js_sys::JSON::stringify(&e.data())
                        .ok()
                        .and_then(|s| s.as_string())
                        .and_then(|s| serde_json::from_str(&s).ok())
                        .unwrap_or(serde_json::Value::Null);
                    match accept_command(&e.origin(), l.host.origin().unwrap_or(""), &data) {
                        Some(HostCommand::Cancel) => {
                            let (l, journey) = (l.clone(), journey.clone());
                            spawn_local(async move {
                                // The host wants the capture gone: it is, here,
                                // whatever the network says; only a session the
                                // backend already closed ends as it ended there.
                                let event = match api::cancel(&l.session).await {
                                    Err(ApiError::Expired) => Event::Expire,
                                    Err(ApiError::Http { status: 409, .. }) => {
                                        match api::read_session(&l.session).await {
                                            Ok((info, _)) if info.status == "completed" => Event::FinishedElsewhere,
                                            Ok((info, _)) if info.status == "expired" => Event::Expire,
                                            _ => Event::Cancel,
                                        }
                                    }
                                    _ => Event::Cancel,
                                };
                                journey.dispatch(event);
                            });
                        }
                        None => {
                            ignored.set(ignored.get() + 1);
                            web_sys::console::debug_1(&format!("idcapture: ignored message #{}", ignored.get()).into());
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }

    let dispatch = |e: Event| {
        let journey = journey.clone();
        Callback::from(move |_: ()| journey.dispatch(e.clone()))
    };
    let on_start = {
        let (journey, ready) = (journey.clone(), ready.clone());
        Callback::from(move |_: ()| {
            journey.dispatch(Event::Start);
            if let Some(l) = ready.clone() {
                spawn_local(async move {
                    let _ = api::save_progress(&l.session, true, None).await;
                });
            }
        })
    };
    let on_choose = {
        let (journey, ready) = (journey.clone(), ready.clone());
        Callback::from(move |d: DocumentType| {
            journey.dispatch(Event::Choose(d));
            if let Some(l) = ready.clone() {
                spawn_local(async move {
                    let _ = api::save_progress(&l.session, true, Some(d.as_str())).await;
                });
            }
        })
    };
    let on_still = {
        let (journey, review) = (journey.clone(), review.clone());
        Callback::from(move |s: (Rc<Still>, Rc<Report>)| {
            review.set(Some(s));
            journey.dispatch(Event::Shutter);
        })
    };
    let on_retake = {
        let (journey, review) = (journey.clone(), review.clone());
        Callback::from(move |_| {
            review.set(None);
            journey.dispatch(Event::Retake);
        })
    };
    let on_accept = {
        let (journey, review, accept) = (journey.clone(), review.clone(), uploads.accept.clone());
        Callback::from(move |_| {
            if let (Step::Review(part), Some((still, report))) = (journey.0.step, (*review).clone()) {
                review.set(None);
                journey.dispatch(Event::Accept);
                accept.emit((part, still, report));
            }
        })
    };
    let retry_uploads = uploads.retry.reform(|_: MouseEvent| ());
    let on_camera_error = {
        let (ready, journey, camera_problem) = (ready.clone(), journey.clone(), camera_problem.clone());
        Callback::from(move |e: CameraError| {
            camera_problem.set(Some(e.key()));
            if let Some(l) = &ready {
                l.host.post(HostEvent::Error { code: e.code() });
            }
            // With no camera here, or one the merchant's page withholds,
            // the way forward is the phone: offer it at once.
            if matches!(e, CameraError::NotFound | CameraError::Blocked) {
                journey.dispatch(Event::HandOff);
            }
        })
    };

    let body = match (&*boot, step) {
        (_, Step::Expired) => html! { <Expired /> },
        (_, Step::Cancelled) => html! { <Expired cancelled=true /> },
        (Boot::Loading, _) => {
            html! { <p class="loading" role="status">{ t(Key::CameraStarting) }</p> }
        }
        (Boot::Failed(k), _) => {
            let reload = reload.clone();
            html! { <Failure message={*k} on_retry={Callback::from(move |_| reload.set(*reload + 1))} /> }
        }
        (Boot::Ready(_), step) => match step {
            Step::Welcome => html! { <Welcome on_start={on_start} on_handoff={dispatch(Event::HandOff)} /> },
            Step::Handoff => {
                let link = ready.as_ref().map(|l| handoff_link(&l.session)).unwrap_or_default();
                html! { <Handoff link={link} reason={*camera_problem} on_back={dispatch(Event::Back)} /> }
            }
            Step::Choose => {
                html! { <Choose on_choose={on_choose} on_back={dispatch(Event::Back)} /> }
            }
            Step::Capture(part) => html! {
                <Capture part={part} document={journey.0.document.unwrap_or(DocumentType::IdCard)}
                         on_still={on_still} on_camera_error={on_camera_error} on_handoff={dispatch(Event::HandOff)}
                         auto_capture={crate::host::config::fragment_auto_capture(&location_fragment())} />
            },
            Step::Review(part) => match (*review).clone() {
                Some((still, report)) => html! {
                    <Review part={part} still={still} report={report} on_retake={on_retake} on_accept={on_accept} />
                },
                None => html! {},
            },
            Step::Sending => {
                let (done, total) = journey.0.progress();
                html! { <Sending done={done} total={total} /> }
            }
            Step::Done => html! { <Done /> },
            Step::Expired | Step::Cancelled => html! {},
        },
    };
    let expire = {
        let journey = journey.clone();
        Callback::from(move |_| journey.dispatch(Event::Expire))
    };
    html! {
        <main class="app" lang={lang.code()} aria-label={t(Key::AppTitle)}>
            <header class="topbar">
                <span class="brand">{ t(Key::AppTitle) }</span>
                if let Some(l) = &ready {
                    <Countdown deadline={l.deadline} on_expire={expire} />
                }
            </header>
            if let (Some((k, retry)), false) = (uploads.banner, step.is_final()) {
                <div class="banner" role="status">
                    <p>{ t(k) }</p>
                    if retry {
                        <button class="secondary" onclick={retry_uploads}>{ t(Key::Retry) }</button>
                    }
                </div>
            }
            if let (Some(doc), true) = (journey.0.document, matches!(step, Step::Capture(_) | Step::Review(_) | Step::Sending | Step::Handoff)) {
                <PartsList document={doc} uploaded={journey.0.uploaded.clone()} />
            }
            { body }
        </main>
    }
}

/// The capture link for another device: this origin, the session and token
/// in the fragment, and the language the shopper is using here.
fn handoff_link(session: &SessionRef) -> String {
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    let auto = if crate::host::config::fragment_auto_capture(&location_fragment()) { "" } else { "&auto=0" };
    format!("{origin}/#session={}&token={}&lang={}{auto}", session.id, session.token, crate::i18n::lang().code())
}

fn loaded(session: SessionRef, info: &SessionInfo, local_ms: i64) -> Loaded {
    Loaded {
        deadline: Deadline::new(info.expires_at, info.server_time, local_ms),
        host: Host::new(&info.parent_origin),
        session,
    }
}
