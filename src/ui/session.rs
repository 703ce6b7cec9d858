//! The session hook: reads the session the page was opened for (its id
//! from the fragment, its token from the fragment or from the host page by
//! message, see [`crate::host::launch`]), checks it belongs to the merchant
//! whose path serves the page, and resumes the journey where the backend
//! has it.

use crate::api::{self, ApiError, SessionInfo};
use crate::flow::countdown::Deadline;
use crate::flow::{DocumentType, Event, Journey, Part};
use crate::host::config::{merchant_from_path, parse_launch, ConfigError, SessionRef};
use crate::host::{Host, HostEvent};
use crate::i18n::Key;
use std::rc::Rc;
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
    pub(super) deadline: Deadline,
    pub(super) host: Host,
}

#[derive(Clone, PartialEq)]
pub(super) enum Boot {
    Loading,
    Ready(Rc<Loaded>),
    Failed(Key),
}

pub(super) fn location_fragment() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The session, (re)loaded whenever `reload` changes.
#[hook]
pub(super) fn use_session(reload: u32, journey: UseReducerHandle<JourneyState>) -> UseStateHandle<Boot> {
    let boot = use_state(|| Boot::Loading);
    // Load the session named in the fragment.
    {
        let (boot, journey) = (boot.clone(), journey.clone());
        use_effect_with(reload, move |_| match parse_launch(&location_fragment()) {
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

    boot
}

fn loaded(session: SessionRef, info: &SessionInfo, local_ms: i64) -> Loaded {
    Loaded {
        deadline: Deadline::new(info.expires_at, info.server_time, local_ms),
        host: Host::new(&info.parent_origin),
        session,
    }
}
