//! The hand-off hook: while the shopper continues on another device, this
//! page follows the session through the backend and finishes when it does.

use super::session::{JourneyState, Loaded};
use crate::api::{self, ApiError};
use crate::flow::{DocumentType, Event, Part, Step};
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

/// `known`: parts the backend holds from the other device (the uploads stop
/// sending theirs).
#[hook]
pub(super) fn use_follow_handoff(
    ready: Option<Rc<Loaded>>,
    journey: UseReducerHandle<JourneyState>,
    known: Callback<Vec<Part>>,
) {
    let step = journey.0.step;
    // While handing off, follow the other device through the backend: one
    // read at a time (a slow answer is not overtaken by a newer one and the
    // parts list never goes backwards), and none acted on once the shopper
    // has left the hand-off screen.
    {
        let (ready, journey, known) = (ready.clone(), journey.clone(), known.clone());
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
}
