//! Steps 4 and 5b: the still, to keep or retake.

use super::heading::Heading;
use crate::camera::Still;
use crate::checks::{messages, Report};
use crate::flow::{Part, Step};
use crate::i18n::{t, Key};
use idcapture_quality::Reason;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    pub part: Part,
    pub still: Rc<Still>,
    pub report: Rc<Report>,
    pub on_retake: Callback<()>,
    pub on_accept: Callback<()>,
}

#[function_component(Review)]
pub fn review(p: &ReviewProps) -> Html {
    let reasons: Vec<Reason> = p.report.reasons.iter().filter_map(|r| Reason::parse(r)).collect();
    let keys = messages(&reasons);
    let class = if p.part.is_selfie() { "still selfie" } else { "still" };
    html! {
        <section class="screen review" data-screen={Step::Review(p.part).name()}>
            <Heading text={t(Key::ReviewTitle)} />
            <img class={class} src={p.still.url.clone()} alt={t(Key::ReviewPhoto)}
                 data-width={p.still.width.to_string()} data-height={p.still.height.to_string()} />
            if p.report.accept {
                if p.report.unchecked {
                    <p class="unchecked" role="status">{ t(Key::ReviewUnchecked) }</p>
                }
                <p>{ t(if p.part.is_selfie() { Key::ReviewCheckSelfie } else { Key::ReviewCheck }) }</p>
                <div class="actions">
                    <button class="secondary" onclick={p.on_retake.reform(|_: MouseEvent| ())}>{ t(Key::Retake) }</button>
                    <button class="primary" onclick={p.on_accept.reform(|_: MouseEvent| ())}>{ t(Key::UsePhoto) }</button>
                </div>
            } else {
                <div class="reasons" role="alert" data-reasons={p.report.reasons.join(" ")}>
                    <p>{ t(Key::ReasonsTitle) }</p>
                    <ul>{ for keys.iter().map(|k| html! { <li>{ t(*k) }</li> }) }</ul>
                </div>
                // Retaking is what we recommend; the shopper may still send
                // it (the backend judges again), so a false refusal on the
                // device never blocks a purchase.
                <div class="actions">
                    <button class="primary" onclick={p.on_retake.reform(|_: MouseEvent| ())}>{ t(Key::Retake) }</button>
                    <button class="secondary" onclick={p.on_accept.reform(|_: MouseEvent| ())}>{ t(Key::UseAnyway) }</button>
                </div>
            }
        </section>
    }
}
