//! Step 1: what the shopper needs, and the start button.

use super::heading::Heading;
use crate::i18n::{t, Key};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WelcomeProps {
    pub on_start: Callback<()>,
    pub on_handoff: Callback<()>,
}

#[function_component(Welcome)]
pub fn welcome(p: &WelcomeProps) -> Html {
    let start = p.on_start.reform(|_: MouseEvent| ());
    html! {
        <section class="screen welcome" data-screen="welcome">
            <Heading text={t(Key::WelcomeTitle)} />
            <p>{ t(Key::WelcomeIntro) }</p>
            <ul class="needs">
                <li>{ t(Key::WelcomeNeedDocument) }</li>
                <li>{ t(Key::WelcomeNeedCamera) }</li>
                <li>{ t(Key::WelcomeNeedHour) }</li>
            </ul>
            <div class="actions">
                // `data-intent`: as the first screen's in index.html, whose
                // focus moves to the same button here (src/ui/app.rs).
                <button class="primary" data-intent="start" onclick={start}>{ t(Key::WelcomeStart) }</button>
                <button class="secondary" data-intent="handoff" onclick={p.on_handoff.reform(|_: MouseEvent| ())}>{ t(Key::HandoffChoice) }</button>
            </div>
        </section>
    }
}
