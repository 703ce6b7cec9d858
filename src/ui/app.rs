//! The app: the journey's reducer and the screen for each step. Its effects
//! live in hooks with one job each, as the reducer's transitions do: the
//! session ([`super::session`]), the uploads ([`super::uploads`]), the host
//! bridge ([`super::bridge`]) and the hand-off ([`super::follow`]).

use super::bridge::use_host_bridge;
use super::capture::Capture;
use super::choose::Choose;
use super::countdown::Countdown;
use super::done::Done;
use super::expired::Expired;
use super::failure::Failure;
use super::follow::use_follow_handoff;
use super::handoff::Handoff;
use super::parts::PartsList;
use super::refused::Refused;
use super::review::Review;
use super::sending::Sending;
use super::session::{location_fragment, use_session, Boot, JourneyState};
use super::uploads::use_uploads;
use super::welcome::Welcome;
use crate::api;
use crate::camera::{CameraError, Still};
use crate::checks::Report;
use crate::flow::{DocumentType, Event, Step};
use crate::host::config::SessionRef;
use crate::host::HostEvent;
use crate::i18n::{set_lang, t, Key, Lang};
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

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
    let journey = use_reducer(JourneyState::default);
    let review = use_state(|| None::<(Rc<Still>, Rc<Report>)>);
    let reload = use_state(|| 0u32);
    let camera_problem = use_state(|| None::<Key>);
    let boot = use_session(*reload, journey.clone());

    let ready = match &*boot {
        Boot::Ready(l) => Some(l.clone()),
        _ => None,
    };
    let step = journey.0.step;

    let uploads = use_uploads(ready.clone(), journey.clone());

    // At the end, wipe the still under review (the uploads wipe theirs).
    {
        let review = review.clone();
        use_effect_with(step.is_final(), move |fin| {
            if *fin {
                // Dropping the stills revokes their object URLs.
                review.set(None);
                // The analysis worker, and every frame it held, goes too.
                crate::checks::release();
            }
        });
    }
    // The first screen is up: start the analysis worker when the page is
    // next idle, so it is compiled before the shopper presses Start.
    use_effect_with(ready.is_some(), |up| {
        if *up {
            crate::checks::warm_at_idle();
        }
    });
    use_host_bridge(ready.clone(), journey.clone());
    use_follow_handoff(ready.clone(), journey.clone(), uploads.known.clone());

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
    let rules = crate::host::config::fragment_rules(&location_fragment());
    let on_still = {
        let (journey, review) = (journey.clone(), review.clone());
        Callback::from(move |s: (Rc<Still>, Rc<Report>)| {
            let report = s.1.clone();
            review.set(Some(s));
            if let Step::Capture(part) = journey.0.step {
                journey.dispatch(Event::Shutter);
                // A 1995 identity card carries its MRZ on the front: its
                // back then has none to wait for.
                if report.mrz.as_ref().is_some_and(|m| m.fields.format == idcapture_quality::mrz::Format::FrCni1995) {
                    journey.dispatch(Event::MrzRead(part));
                }
                // An expired document or a minor's (the merchant's rules
                // on): its own screen, not the review.
                if let Some(r) = report.refusal(rules) {
                    journey.dispatch(Event::Refuse(r));
                }
            }
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

    // index.html's own first screen (the welcome, drawn at build time by
    // tools/hash-assets.mjs) stays up until the session is known, so the
    // shopper sees it without waiting for this module; then the app takes
    // over, and carries out a press made on it meanwhile (kept by
    // static/shell.js): Start if the session opens on the welcome (a
    // resumed one is past it), the other device from wherever the shopper
    // may still leave for it.
    let settled = !matches!(*boot, Boot::Loading) || matches!(step, Step::Expired | Step::Cancelled);
    // Whether index.html's first screen is still in the page (the app
    // renders nothing until it takes it away, then renders in its place).
    let shell_up = use_state(|| shell().is_some());
    // The shell's button a keyboard user was on (not pressed): the app's
    // welcome focuses its own instead of its heading.
    let shell_focus = use_state(|| None::<AttrValue>);
    {
        let (journey, on_start, ready, shell_up, shell_focus) =
            (journey.clone(), on_start.clone(), ready.is_some(), shell_up.clone(), shell_focus.clone());
        use_effect_with(settled, move |settled| {
            if *settled && *shell_up {
                spawn_local(async move {
                    // A press under way is let finish: its button taken
                    // away between down and up, the click would never
                    // fire (static/shell.js). `data-taking` says the app
                    // is waiting (the e2e test holds a press across it).
                    let start = page_ms();
                    if let Some(s) = shell() {
                        let _ = s.set_attribute("data-taking", "");
                    }
                    while shell().is_some_and(|s| s.has_attribute("data-pressing"))
                        && page_ms() - start < PRESS_WAIT_MAX_MS
                    {
                        gloo::timers::future::TimeoutFuture::new(PRESS_WAIT_STEP_MS).await;
                    }
                    let Shell { intent, focused } = take_shell().unwrap_or_default();
                    let step = journey.0.step;
                    match intent.as_deref() {
                        Some("start") if ready && matches!(step, Step::Welcome) => on_start.emit(()),
                        Some("handoff") if ready && matches!(step, Step::Welcome | Step::Choose | Step::Capture(_)) => {
                            journey.dispatch(Event::HandOff)
                        }
                        _ => {}
                    }
                    if intent.is_none() {
                        shell_focus.set(focused.map(AttrValue::from));
                    }
                    shell_up.set(false);
                });
            }
        });
    }
    if *shell_up {
        return html! {};
    }

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
            Step::Welcome => html! {
                <Welcome on_start={on_start} on_handoff={dispatch(Event::HandOff)} focus={(*shell_focus).clone()} />
            },
            Step::Handoff => {
                let link = ready.as_ref().map(|l| handoff_link(&l.session)).unwrap_or_default();
                html! { <Handoff link={link} reason={*camera_problem} on_back={dispatch(Event::Back)} /> }
            }
            Step::Choose => {
                html! { <Choose on_choose={on_choose} on_back={dispatch(Event::Back)} /> }
            }
            Step::Capture(part) => html! {
                <Capture part={part} document={journey.0.document.unwrap_or(DocumentType::IdCard)}
                         mrz={crate::checks::MrzSide {
                             formats: journey.0.document.map_or(&[][..], |d| crate::checks::mrz_formats(d, part)),
                             awaited: journey.0.expects_mrz(part),
                         }}
                         on_still={on_still} on_camera_error={on_camera_error} on_handoff={dispatch(Event::HandOff)}
                         auto_capture={crate::host::config::fragment_auto_capture(&location_fragment())} />
            },
            Step::Review(part) => match (*review).clone() {
                Some((still, report)) => html! {
                    <Review part={part} still={still} report={report} rules={rules}
                            on_retake={on_retake} on_accept={on_accept} />
                },
                None => html! {},
            },
            Step::Sending => {
                let (done, total) = journey.0.progress();
                html! { <Sending done={done} total={total} /> }
            }
            Step::Done => html! { <Done /> },
            Step::Refused(refusal) => {
                let expiry = (*review).as_ref().and_then(|(_, r)| r.mrz.as_ref()).map(|m| m.fields.expiry_date);
                let on_other = {
                    let (journey, review) = (journey.clone(), review.clone());
                    // The refused still is dropped with the review.
                    Callback::from(move |_| {
                        review.set(None);
                        journey.dispatch(Event::Back);
                    })
                };
                html! { <Refused refusal={refusal} expiry={expiry} on_other={on_other} /> }
            }
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

/// How long the app waits for a press on the shell to end before it takes
/// the shell away (a pointer held down longer is not a press to keep), and
/// how often it looks.
const PRESS_WAIT_MAX_MS: f64 = 5000.0;
const PRESS_WAIT_STEP_MS: u32 = 30;

/// The page's steady clock (ms).
fn page_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// index.html's first screen, while it is in the page.
fn shell() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.query_selector(".shell").ok()?
}

/// What the shopper did on index.html's first screen before the app ran.
#[derive(Default)]
struct Shell {
    /// The button pressed (`start`, `handoff`).
    intent: Option<String>,
    /// The button that had the keyboard focus.
    focused: Option<String>,
}

/// Takes index.html's first screen out of the page.
fn take_shell() -> Option<Shell> {
    let shell = shell()?;
    let intent = shell.get_attribute("data-intent");
    // Only while this frame has the focus: a shopper gone to the
    // merchant's page is not pulled back.
    let focused = web_sys::window()
        .and_then(|w| w.document())
        .filter(|d| d.has_focus().unwrap_or(false))
        .and_then(|d| d.active_element())
        .filter(|e| shell.contains(Some(e)))
        .and_then(|e| e.get_attribute("data-intent"))
        .filter(|i| matches!(i.as_str(), "start" | "handoff"));
    shell.remove();
    Some(Shell { intent, focused })
}

/// The capture link for another device: this origin, the session and token
/// in the fragment, and the language the shopper is using here.
fn handoff_link(session: &SessionRef) -> String {
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    let fragment = location_fragment();
    let auto = if crate::host::config::fragment_auto_capture(&fragment) { "" } else { "&auto=0" };
    // The merchant's MRZ rules go along.
    let rules = crate::host::config::fragment_rules(&fragment);
    let expired = if rules.refuse_expired { "" } else { "&expired=0" };
    let minor = if rules.refuse_minor { "" } else { "&minor=0" };
    format!(
        "{origin}/#session={}&token={}&lang={}{auto}{expired}{minor}",
        session.id,
        session.token,
        crate::i18n::lang().code()
    )
}
