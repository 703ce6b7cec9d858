//! The document read cannot serve: expired, or a minor's. The journey stops
//! here (the merchant's FAQ refuses both); the way forward is another
//! document, chosen again from the start. The host is told by a typed
//! event (see [`super::bridge`]); nothing read from the card goes to it.

use super::heading::Heading;
use crate::flow::{Refusal, Step};
use crate::i18n::{expired_since, t, Key};
use idcapture_quality::mrz::Date;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RefusedProps {
    pub refusal: Refusal,
    /// The document's last day of validity, when it expired.
    pub expiry: Option<Date>,
    pub on_other: Callback<()>,
}

/// A date as the shopper reads one on a card: DD/MM/YYYY.
fn shown(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day, d.month, d.year)
}

#[function_component(Refused)]
pub fn refused(p: &RefusedProps) -> Html {
    let (title, text) = match p.refusal {
        Refusal::Expired => (Key::RefusedExpiredTitle, Key::RefusedExpiredText),
        Refusal::Minor => (Key::RefusedMinorTitle, Key::RefusedMinorText),
    };
    html! {
        <section class="screen refused" data-screen={Step::Refused(p.refusal).name()}>
            <Heading text={t(title)} />
            if let (Refusal::Expired, Some(d)) = (p.refusal, p.expiry) {
                <p class="date" data-expiry={d.to_string()}>{ expired_since(&shown(d)) }</p>
            }
            <p>{ t(text) }</p>
            <div class="actions">
                <button class="primary" onclick={p.on_other.reform(|_: MouseEvent| ())}>{ t(Key::RefusedOtherDocument) }</button>
            </div>
        </section>
    }
}
