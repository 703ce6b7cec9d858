//! Continue on another device (the FAQ's "link by SMS"): a QR code of the
//! capture link and the link itself to copy. The token stays in the URL's
//! fragment, which no server and no `Referer` ever sees. This page keeps
//! following the session (the app polls it) and finishes when the phone does.

use super::heading::Heading;
use crate::i18n::{t, Key};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HandoffProps {
    /// The capture link, token in the fragment.
    pub link: AttrValue,
    /// Why this device cannot continue (no camera, blocked by the page).
    #[prop_or_default]
    pub reason: Option<Key>,
    pub on_back: Callback<()>,
}

/// The link as an SVG QR code (medium error correction: survives a glossy
/// screen's reflections).
fn qr_svg(link: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M).ok()?;
    Some(code.render::<svg::Color<'_>>().min_dimensions(220, 220).quiet_zone(true).build())
}

#[function_component(Handoff)]
pub fn handoff(p: &HandoffProps) -> Html {
    // None: not tried; Some(true): copied; Some(false): the browser refused
    // (an embedder without `clipboard-write`, a denied permission).
    let copied = use_state(|| None::<bool>);
    let field = use_node_ref();
    let svg = use_memo(p.link.clone(), |link| qr_svg(link));
    let copy = {
        let (link, copied, field) = (p.link.clone(), copied.clone(), field.clone());
        Callback::from(move |_: MouseEvent| {
            let (link, copied, field) = (link.clone(), copied.clone(), field.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // No `navigator.clipboard` at all outside a secure context:
                // asked for only where it exists.
                let clipboard = web_sys::window().map(|w| w.navigator()).filter(|n| {
                    js_sys::Reflect::get(n, &"clipboard".into()).is_ok_and(|c| !c.is_undefined() && !c.is_null())
                });
                let done = match clipboard {
                    Some(n) => JsFuture::from(n.clipboard().write_text(&link)).await.is_ok(),
                    None => false,
                };
                if !done {
                    // Never silent: the link is selected for the shopper to
                    // copy by hand, and they are told so.
                    if let Some(input) = field.cast::<web_sys::HtmlInputElement>() {
                        let _ = input.focus();
                        input.select();
                    }
                }
                copied.set(Some(done));
            });
        })
    };
    html! {
        <section class="screen handoff" data-screen="handoff">
            <Heading text={t(Key::HandoffTitle)} />
            if let Some(k) = p.reason {
                <p class="camera-error" role="alert" data-testid="handoff-reason">{ t(k) }</p>
            }
            <p>{ t(Key::HandoffText) }</p>
            if let Some(svg) = (*svg).clone() {
                <div class="qr" role="img" aria-label={t(Key::HandoffQr)} data-testid="handoff-qr">
                    { Html::from_html_unchecked(AttrValue::from(svg)) }
                </div>
            }
            <label class="link">
                <span>{ t(Key::HandoffLink) }</span>
                <input ref={field} type="text" readonly=true value={p.link.clone()} data-testid="handoff-link" />
            </label>
            <div class="actions">
                <button class="primary" onclick={copy}>{ t(Key::HandoffCopy) }</button>
                <button class="secondary" onclick={p.on_back.reform(|_: MouseEvent| ())}>{ t(Key::HandoffBack) }</button>
            </div>
            <p role="status" aria-live="polite" data-testid="handoff-status">
                { t(match *copied {
                    Some(true) => Key::HandoffCopied,
                    Some(false) => Key::HandoffCopyFailed,
                    None => Key::HandoffWaiting,
                }) }
            </p>
        </section>
    }
}
