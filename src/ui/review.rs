//! Steps 4 and 5b: the still, to keep or retake.

use super::heading::Heading;
use crate::camera::Still;
use crate::checks::{messages, refusing, Report, Rules};
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
    /// The merchant's rules: a reason whose rule is off does not refuse.
    #[prop_or_default]
    pub rules: Rules,
    pub on_retake: Callback<()>,
    pub on_accept: Callback<()>,
}

#[function_component(Review)]
pub fn review(p: &ReviewProps) -> Html {
    let reasons: Vec<Reason> = p.report.reasons.iter().filter_map(|r| Reason::parse(r)).collect();
    let reasons = refusing(&reasons, p.rules);
    let keys = messages(&reasons);
    let accept = p.report.unchecked || reasons.is_empty();
    let shown: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
    let class = if p.part.is_selfie() { "still selfie" } else { "still" };
    html! {
        <section class="screen review" data-screen={Step::Review(p.part).name()}>
            <Heading text={t(Key::ReviewTitle)} />
            <img class={class} src={p.still.url.clone()} alt={t(Key::ReviewPhoto)}
                 data-width={p.still.width.to_string()} data-height={p.still.height.to_string()} />
            if accept {
                if p.report.unchecked {
                    <p class="unchecked" role="status">{ t(Key::ReviewUnchecked) }</p>
                }
                if p.report.mrz_unread {
                    <p class="unchecked mrz-unread" role="status">{ t(Key::ReviewMrzUnread) }</p>
                }
                <p>{ t(if p.part.is_selfie() { Key::ReviewCheckSelfie } else { Key::ReviewCheck }) }</p>
                <div class="actions">
                    <button class="secondary" onclick={p.on_retake.reform(|_: MouseEvent| ())}>{ t(Key::Retake) }</button>
                    <button class="primary" onclick={p.on_accept.reform(|_: MouseEvent| ())}>{ t(Key::UsePhoto) }</button>
                </div>
            } else {
                <div class="reasons" role="alert" data-reasons={shown.join(" ")}>
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
