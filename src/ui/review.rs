//! Steps 4 and 5b: the still, to keep or retake.

use super::heading::Heading;
use crate::camera::Still;
use crate::flow::{Part, Step};
use crate::i18n::{t, Key};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    pub part: Part,
    pub still: Rc<Still>,
    pub on_retake: Callback<()>,
    pub on_accept: Callback<()>,
}

#[function_component(Review)]
pub fn review(p: &ReviewProps) -> Html {
    let class = if p.part.is_selfie() {
        "still selfie"
    } else {
        "still"
    };
    html! {
        <section class="screen review" data-screen={Step::Review(p.part).name()}>
            <Heading text={t(Key::ReviewTitle)} />
            <img class={class} src={p.still.url.clone()} alt={t(Key::ReviewPhoto)}
                 data-width={p.still.width.to_string()} data-height={p.still.height.to_string()} />
            <p>{ t(Key::ReviewCheck) }</p>
            <div class="actions">
                <button class="secondary" onclick={p.on_retake.reform(|_: MouseEvent| ())}>{ t(Key::Retake) }</button>
                <button class="primary" onclick={p.on_accept.reform(|_: MouseEvent| ())}>{ t(Key::UsePhoto) }</button>
            </div>
        </section>
    }
}
