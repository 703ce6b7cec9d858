//! Step 7: the parts going up, with a progress bar.

use super::heading::Heading;
use crate::i18n::{t, Key};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SendingProps {
    pub done: usize,
    pub total: usize,
}

#[function_component(Sending)]
pub fn sending(p: &SendingProps) -> Html {
    html! {
        <section class="screen sending" data-screen="sending">
            <Heading text={t(Key::SendingTitle)} />
            <progress max={p.total.max(1).to_string()} value={p.done.to_string()} aria-label={t(Key::SendingProgress)}></progress>
            <p aria-live="polite">{ format!("{} / {}", p.done, p.total) }</p>
        </section>
    }
}
