//! The uploads hook: runs the effects [`crate::flow::uploads::Uploads`]
//! asks for (each part's PUT, the completion, the resume timer) and feeds
//! their results back. The decisions (what to send, when to resume, which
//! banner) are all in that pure state; this file only performs them.
//!
//! The stills stay in memory here (never in storage) until the backend
//! stores them, so a failed upload is sent again without a retake; they are
//! dropped (their object URLs revoked) once stored and at the journey's end.

use super::session::{JourneyState, Loaded};
use crate::api::{self, ApiError};
use crate::camera::Still;
use crate::checks::Report;
use crate::flow::uploads::{Failure, Msg, Uploads};
use crate::flow::{DocumentType, Event, Part, Step};
use crate::host::HostEvent;
use crate::i18n::Key;
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

type Stills = Rc<RefCell<HashMap<Part, (Rc<Still>, Rc<Report>)>>>;

/// What the app needs from the uploads.
#[derive(Clone)]
pub struct UploadsHandle {
    /// Keep a still and send it.
    pub accept: Callback<(Part, Rc<Still>, Rc<Report>)>,
    /// "Réessayer".
    pub retry: Callback<()>,
    /// A session read shows the backend holds these parts (the hand-off's
    /// other device): they are not sent from here.
    pub known: Callback<Vec<Part>>,
    /// The banner to show, and whether it offers "Réessayer".
    pub banner: Option<(Key, bool)>,
}

/// Everything a result needs to report back, shared by the tasks.
#[derive(Clone)]
struct Driver {
    state: Rc<RefCell<Uploads>>,
    stills: Stills,
    /// Parts whose request is being retried (the "unstable connection" note).
    retrying: Rc<RefCell<HashSet<Part>>>,
    journey: UseReducerHandle<JourneyState>,
    loaded: Rc<Loaded>,
    redraw: UseForceUpdateHandle,
}

impl Driver {
    fn current(&self, generation: u32) -> bool {
        self.state.borrow().generation() == generation
    }

    /// Apply a result of `generation`; tell the journey and the host of a
    /// part newly stored by this device, and redraw (the effect then sends
    /// what is due).
    fn apply(&self, generation: u32, msg: Msg) {
        let stored = match &msg {
            Msg::Stored(p) => Some(*p),
            _ => None,
        };
        // Stills nothing will send any more: parts the backend holds from
        // elsewhere (dropped), parts outside the document (only its kept).
        let drop_stills: Option<(Vec<Part>, bool)> = match &msg {
            Msg::Known(parts) => Some((parts.clone(), false)),
            Msg::Document(parts) => Some((parts.clone(), true)),
            _ => None,
        };
        let out = self.state.borrow_mut().apply(generation, msg);
        if let Some(p) = stored {
            if out.announce {
                self.loaded.host.post(HostEvent::PartUploaded { part: p.as_str() });
            }
            if out.stored {
                self.journey.dispatch(Event::Uploaded(p));
            }
        }
        if let (Some((parts, listed_kept)), true) = (drop_stills, self.current(generation)) {
            self.stills.borrow_mut().retain(|p, _| parts.contains(p) == listed_kept);
        }
        self.redraw.force_update();
    }

    /// Drop the kept still of `part` if it is the one that was sent (a
    /// retake kept meanwhile stays, to be sent next).
    fn forget(&self, part: Part, sent: &Rc<Still>) {
        let mut stills = self.stills.borrow_mut();
        if stills.get(&part).is_some_and(|(s, _)| Rc::ptr_eq(s, sent)) {
            stills.remove(&part);
        }
    }

    /// The session was closed under a request of `generation` (409): read
    /// it and follow what the backend says. `part`: the upload that was
    /// refused, or `None` for the completion. A read that fails, or a
    /// session still open, is a failure to try again later, never a guess.
    fn closed(&self, generation: u32, part: Option<Part>, document: &'static [Part]) {
        let d = self.clone();
        spawn_local(async move {
            let status = match api::read_session(&d.loaded.session).await {
                Ok((info, _)) => Ok((info.status.clone(), info.parts)),
                Err(e) => Err(e),
            };
            if !d.current(generation) {
                return;
            }
            match status {
                Ok((status, parts)) if status == "completed" => {
                    d.apply(generation, Msg::Known(parts.iter().filter_map(|p| Part::parse(&p.part)).collect()));
                    d.apply(generation, Msg::Completed);
                    d.journey.dispatch(Event::FinishedElsewhere);
                }
                Ok((status, _)) if status == "cancelled" => d.journey.dispatch(Event::Cancel),
                Ok((status, _)) if status == "expired" => d.journey.dispatch(Event::Expire),
                Err(ApiError::Expired) => d.journey.dispatch(Event::Expire),
                // Completion refused on an open session: parts it needs are
                // missing there though this device had them stored (purged,
                // or replaced by nothing): each is taken again.
                Ok((_, held)) if part.is_none() => {
                    let held: Vec<Part> = held.iter().filter_map(|p| Part::parse(&p.part)).collect();
                    let lost: Vec<Part> = document.iter().copied().filter(|p| !held.contains(p)).collect();
                    if lost.is_empty() {
                        d.apply(generation, Msg::CompletionFailed);
                    } else {
                        d.apply(generation, Msg::Lost(lost.clone()));
                        for p in lost {
                            d.journey.dispatch(Event::Refused(p));
                        }
                    }
                }
                _ => match part {
                    Some(p) => d.apply(generation, Msg::Failed(p, Failure::Unreachable)),
                    None => d.apply(generation, Msg::CompletionFailed),
                },
            }
        });
    }

    fn send(&self, generation: u32, part: Part) {
        let Some((still, report)) = self.stills.borrow().get(&part).cloned() else {
            // Nothing to send (a still that was not kept): take it again.
            self.apply(generation, Msg::Failed(part, Failure::Refused));
            self.journey.dispatch(Event::Refused(part));
            return;
        };
        let d = self.clone();
        spawn_local(async move {
            let header = report.to_header();
            let result = {
                let (retrying, redraw) = (d.retrying.clone(), d.redraw.clone());
                let state = d.state.clone();
                // Retries stop once nobody wants this request: the journey
                // ended, or another device stored the part.
                api::put_part(
                    &d.loaded.session,
                    part.as_str(),
                    &still.blob,
                    &header,
                    move |_| {
                        retrying.borrow_mut().insert(part);
                        redraw.force_update();
                    },
                    move || !state.borrow().sending(generation, part),
                )
                .await
            };
            d.retrying.borrow_mut().remove(&part);
            if !d.current(generation) {
                // The journey ended meanwhile: the still goes with this task.
                return;
            }
            match result {
                Ok(()) => {
                    // Stored: the bytes are the backend's now.
                    d.forget(part, &still);
                    d.apply(generation, Msg::Stored(part));
                }
                Err(ApiError::Expired) => d.journey.dispatch(Event::Expire),
                Err(ApiError::Http { status: 409, .. }) => d.closed(generation, Some(part), &[]),
                Err(e) if e.transient() => d.apply(generation, Msg::Failed(part, Failure::Unreachable)),
                // The image itself is refused (too large, not a JPEG, not
                // decodable): the same bytes would be refused again.
                // Another document than the one whose number the shopper
                // gave at checkout: that one, please.
                Err(ApiError::Http { status: 422, code }) if code == "document_mismatch" => {
                    d.loaded.host.post(HostEvent::Error { code: "document_mismatch" });
                    d.forget(part, &still);
                    d.apply(generation, Msg::Failed(part, Failure::Mismatch));
                    // Both sides again: the other one may be of the same
                    // wrong card.
                    for p in [Part::DocumentFront, Part::DocumentBack] {
                        d.journey.dispatch(Event::Refused(p));
                    }
                }
                Err(ApiError::Http { status: 413 | 415 | 422, .. }) => {
                    d.loaded.host.post(HostEvent::Error { code: "upload_refused" });
                    d.forget(part, &still);
                    d.apply(generation, Msg::Failed(part, Failure::Refused));
                    d.journey.dispatch(Event::Refused(part));
                }
                // Anything else a retake would not fix: kept, and sent again
                // on the shopper's "Réessayer".
                Err(_) => {
                    d.loaded.host.post(HostEvent::Error { code: "upload_failed" });
                    d.apply(generation, Msg::Failed(part, Failure::Rejected));
                }
            }
        });
    }

    fn complete(&self, generation: u32, document: DocumentType) {
        let d = self.clone();
        spawn_local(async move {
            let result = api::complete(&d.loaded.session, document.as_str()).await;
            if !d.current(generation) {
                return;
            }
            match result {
                Ok(_) => {
                    d.apply(generation, Msg::Completed);
                    d.journey.dispatch(Event::Completed);
                }
                Err(ApiError::Expired) => d.journey.dispatch(Event::Expire),
                // Completed by an earlier request whose answer was lost, or
                // on another device; or closed otherwise: the backend says.
                Err(ApiError::Http { status: 409, .. }) => d.closed(generation, None, document.parts()),
                Err(_) => d.apply(generation, Msg::CompletionFailed),
            }
        });
    }
}

/// The uploads of the loaded session (`None` while loading).
#[hook]
pub fn use_uploads(ready: Option<Rc<Loaded>>, journey: UseReducerHandle<JourneyState>) -> UploadsHandle {
    let state = use_mut_ref(Uploads::default);
    let stills: Stills = use_mut_ref(HashMap::new);
    // The resume timer and when it was due from (ms): a sooner need re-arms it.
    let timer = use_mut_ref(|| None::<(Timeout, u32)>);
    let retrying = use_mut_ref(HashSet::new);
    let redraw = use_force_update();
    let driver = ready.clone().map(|loaded| Driver {
        state: state.clone(),
        stills: stills.clone(),
        retrying: retrying.clone(),
        journey: journey.clone(),
        loaded,
        redraw: redraw.clone(),
    });

    // After every render: send what is due, ask for completion once every
    // part is stored, arm the resume timer. Claiming marks the work in
    // flight at once, so running this again sends nothing twice.
    {
        let (driver, timer) = (driver.clone(), timer.clone());
        let j = journey.0.clone();
        use_effect(move || {
            if let Some(d) = driver {
                if !j.step.is_final() {
                    let generation = d.state.borrow().generation();
                    let parts = d.state.borrow_mut().claim();
                    for p in parts {
                        d.send(generation, p);
                    }
                    if let (Step::Sending, Some(doc)) = (j.step, j.document) {
                        if d.state.borrow_mut().claim_completion(j.ready_to_complete()) {
                            d.complete(generation, doc);
                        }
                    }
                    let due = d.state.borrow().resume_after_ms();
                    let armed = timer.borrow().as_ref().map(|(_, ms)| *ms);
                    match due {
                        Some(ms) if armed.is_none_or(|a| ms < a) => {
                            let (d2, timer2) = (d.clone(), timer.clone());
                            let t = Timeout::new(ms, move || {
                                timer2.borrow_mut().take();
                                d2.apply(generation, Msg::Resume);
                            });
                            // Replacing the old timeout cancels it.
                            *timer.borrow_mut() = Some((t, ms));
                        }
                        Some(_) => {}
                        None => drop(timer.borrow_mut().take()),
                    }
                }
            }
        });
    }

    // At the journey's end: forget the uploads and wipe the stills; results
    // still on their way belong to the old generation.
    {
        let (state, stills, timer) = (state.clone(), stills.clone(), timer.clone());
        use_effect_with(journey.0.step.is_final(), move |fin| {
            if *fin {
                state.borrow_mut().reset();
                stills.borrow_mut().clear();
                timer.borrow_mut().take();
            }
        });
    }

    // The document chosen (or chosen again): uploads of parts it does not
    // need are forgotten, so they hold back neither completion nor banner.
    {
        let driver = driver.clone();
        use_effect_with(journey.0.document, move |doc| {
            if let (Some(d), Some(doc)) = (driver, doc) {
                let generation = d.state.borrow().generation();
                d.apply(generation, Msg::Document(doc.parts().to_vec()));
            }
        });
    }

    // The browser's own word on the network.
    {
        let driver = driver.clone();
        use_effect_with(driver.is_some(), move |_| {
            let listeners = driver.map(|d| {
                let window = web_sys::window().expect("a window");
                let on = |name: &'static str, msg: Msg| {
                    let d = d.clone();
                    EventListener::new(&window, name, move |_| {
                        let generation = d.state.borrow().generation();
                        d.apply(generation, msg.clone());
                    })
                };
                (on("offline", Msg::Offline), on("online", Msg::Online))
            });
            // Dropping the listeners removes them.
            move || drop(listeners)
        });
    }

    let accept = {
        let (driver, stills) = (driver.clone(), stills.clone());
        Callback::from(move |(part, still, report): (Part, Rc<Still>, Rc<Report>)| {
            let Some(d) = &driver else { return };
            stills.borrow_mut().insert(part, (still, report));
            let generation = d.state.borrow().generation();
            d.apply(generation, Msg::Accepted(part));
        })
    };
    let send = |make: fn(Vec<Part>) -> Msg| {
        let driver = driver.clone();
        Callback::from(move |parts: Vec<Part>| {
            if let Some(d) = &driver {
                let generation = d.state.borrow().generation();
                d.apply(generation, make(parts));
            }
        })
    };
    let retry = send(|_| Msg::Retry).reform(|_: ()| Vec::new());
    let known = send(Msg::Known);
    let banner = match state.borrow().banner() {
        None if !retrying.borrow().is_empty() => Some((Key::UploadRetrying, false)),
        b => b,
    };
    UploadsHandle { accept, retry, known, banner }
}
