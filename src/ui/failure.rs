//! The page cannot work: no usable session link, or the session cannot be read.

use super::heading::Heading;
use crate::i18n::{t, Key};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FailureProps {
    pub message: Key,
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
}

#[function_component(Failure)]
pub fn failure(p: &FailureProps) -> Html {
    html! {
        <section class="screen failure" data-screen="failure">
            <Heading text={t(Key::SessionErrorTitle)} />
            <p role="alert">{ t(p.message) }</p>
            if let Some(cb) = &p.on_retry {
                <button class="primary" onclick={cb.reform(|_: MouseEvent| ())}>{ t(Key::Retry) }</button>
            }
        </section>
    }
}
