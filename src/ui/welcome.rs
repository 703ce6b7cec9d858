//! Step 1: what the shopper needs, and the start button.

use super::heading::Heading;
use crate::i18n::{t, Key};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WelcomeProps {
    pub on_start: Callback<()>,
    pub on_handoff: Callback<()>,
    /// The button (`start`, `handoff`) a keyboard user was on in
    /// index.html's first screen, which this screen replaces: it takes the
    /// focus, not the heading, so the shopper stays where they were.
    #[prop_or_default]
    pub focus: Option<AttrValue>,
}

#[function_component(Welcome)]
pub fn welcome(p: &WelcomeProps) -> Html {
    let start = p.on_start.reform(|_: MouseEvent| ());
    let (start_ref, handoff_ref) = (use_node_ref(), use_node_ref());
    {
        let (start_ref, handoff_ref) = (start_ref.clone(), handoff_ref.clone());
        use_effect_with(p.focus.clone(), move |focus| {
            let target = match focus.as_deref() {
                Some("start") => start_ref.cast::<web_sys::HtmlElement>(),
                Some("handoff") => handoff_ref.cast::<web_sys::HtmlElement>(),
                _ => None,
            };
            if let Some(b) = target {
                // Without scrolling the merchant's page (as the heading).
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = b.focus_with_options(&options);
            }
        });
    }
    html! {
        <section class="screen welcome" data-screen="welcome">
            <Heading text={t(Key::WelcomeTitle)} focus={p.focus.is_none()} />
            <p>{ t(Key::WelcomeIntro) }</p>
            <ul class="needs">
                <li>{ t(Key::WelcomeNeedDocument) }</li>
                <li>{ t(Key::WelcomeNeedCamera) }</li>
                <li>{ t(Key::WelcomeNeedHour) }</li>
            </ul>
            <div class="actions">
                // `data-intent`: as the first screen's in index.html.
                <button class="primary" data-intent="start" ref={start_ref} onclick={start}>{ t(Key::WelcomeStart) }</button>
                <button class="secondary" data-intent="handoff" ref={handoff_ref} onclick={p.on_handoff.reform(|_: MouseEvent| ())}>{ t(Key::HandoffChoice) }</button>
            </div>
        </section>
    }
}
