//! The parts of the chosen document, those the backend holds marked as sent:
//! after a resume the shopper sees what is already done.

use crate::flow::{DocumentType, Part};
use crate::i18n::{t, Key};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PartsListProps {
    pub document: DocumentType,
    pub uploaded: Vec<Part>,
}

fn label(part: Part, document: DocumentType) -> Key {
    match (part, document) {
        (Part::DocumentFront, DocumentType::Passport) => Key::PartPassportPage,
        (Part::DocumentFront, _) => Key::PartFront,
        (Part::DocumentBack, _) => Key::PartBack,
        (Part::Selfie, _) => Key::PartSelfie,
    }
}

#[function_component(PartsList)]
pub fn parts_list(p: &PartsListProps) -> Html {
    html! {
        <ol class="parts" aria-label={t(Key::PartsProgress)}>
            { for p.document.parts().iter().map(|part| {
                let done = p.uploaded.contains(part);
                html! {
                    <li class={if done { "done" } else { "todo" }} data-part={part.as_str()}>
                        { t(label(*part, p.document)) }
                        <span class="state">{ if done { format!(" ✓ {}", t(Key::PartDone)) } else { format!(" — {}", t(Key::PartToDo)) } }</span>
                    </li>
                }
            }) }
        </ol>
    }
}
