//! The host bridge hook: tells the merchant's page each step and the end
//! (to its origin only), and takes its commands (from its origin only, in
//! the merchant envelope; anything else is dropped and only counted in the
//! debug log).

use super::session::{JourneyState, Loaded};
use crate::api::{self, ApiError};
use crate::flow::{Event, Step};
use crate::host::{accept_command, HostCommand, HostEvent};
use gloo::events::EventListener;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

#[hook]
pub(super) fn use_host_bridge(ready: Option<Rc<Loaded>>, journey: UseReducerHandle<JourneyState>) {
    let step = journey.0.step;
    // Each step, and how the journey ended.
    {
        let ready = ready.clone();
        let document = journey.0.document;
        use_effect_with((step, ready.is_some()), move |(step, _)| {
            if let Some(l) = &ready {
                l.host.post(HostEvent::Step { step: step.name() });
                match step {
                    Step::Done => l.host.post(HostEvent::Completed { document_type: document.map(|d| d.as_str()) }),
                    Step::Expired => l.host.post(HostEvent::Expired),
                    Step::Cancelled => l.host.post(HostEvent::Cancelled),
                    Step::Refused(r) => l.host.post(HostEvent::DocumentRefused { reason: r.as_str() }),
                    _ => {}
                }
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
}
