//! Step 2: which document.

use super::heading::Heading;
use crate::flow::DocumentType;
use crate::i18n::{t, Key};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChooseProps {
    pub on_choose: Callback<DocumentType>,
    pub on_back: Callback<()>,
}

fn label(d: DocumentType) -> Key {
    match d {
        DocumentType::IdCard => Key::ChooseIdCard,
        DocumentType::ResidencePermit => Key::ChooseResidencePermit,
        DocumentType::Passport => Key::ChoosePassport,
    }
}

#[function_component(Choose)]
pub fn choose(p: &ChooseProps) -> Html {
    html! {
        <section class="screen choose" data-screen="choose_document">
            <Heading text={t(Key::ChooseTitle)} />
            <ul class="choices">
                { for DocumentType::ALL.into_iter().map(|d| {
                    let cb = p.on_choose.reform(move |_: MouseEvent| d);
                    html! {
                        <li><button class="choice" data-document={d.as_str()} onclick={cb}>{ t(label(d)) }</button></li>
                    }
                }) }
            </ul>
            <button class="secondary" onclick={p.on_back.reform(|_: MouseEvent| ())}>{ t(Key::Back) }</button>
        </section>
    }
}
