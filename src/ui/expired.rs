//! The hour is over: the purchase is cancelled and refunded. Also the
//! cancelled screen, which says the same kind of thing.

use super::heading::Heading;
use crate::i18n::{t, Key};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExpiredProps {
    #[prop_or(false)]
    pub cancelled: bool,
}

#[function_component(Expired)]
pub fn expired(p: &ExpiredProps) -> Html {
    let (title, text, name) = if p.cancelled {
        (Key::CancelledTitle, Key::CancelledText, "cancelled")
    } else {
        (Key::ExpiredTitle, Key::ExpiredText, "expired")
    };
    html! {
        <section class="screen expired" data-screen={name}>
            <Heading text={t(title)} />
            <p>{ t(text) }</p>
        </section>
    }
}
