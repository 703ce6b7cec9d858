//! Step 8: finished.

use super::heading::Heading;
use crate::i18n::{t, Key};
use yew::prelude::*;

#[function_component(Done)]
pub fn done() -> Html {
    html! {
        <section class="screen done" data-screen="done">
            <Heading text={t(Key::DoneTitle)} />
            <p>{ t(Key::DoneText) }</p>
        </section>
    }
}
