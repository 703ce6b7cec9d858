//! A screen heading that takes the focus when the screen appears, so a
//! screen-reader or keyboard user lands on the new screen's title.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeadingProps {
    pub text: AttrValue,
    /// Whether it takes the focus (off where the screen gives it to a
    /// control instead: the welcome, to the button a keyboard user was on
    /// in index.html's first screen).
    #[prop_or(true)]
    pub focus: bool,
}

#[function_component(Heading)]
pub fn heading(p: &HeadingProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        let focus = p.focus;
        use_effect_with(p.text.clone(), move |_| {
            if let Some(h) = node.cast::<web_sys::HtmlElement>().filter(|_| focus) {
                // Without scrolling: inside a checkout's iframe, moving the
                // merchant's page under the shopper's finger would be worse
                // than the focus ring being a little out of view.
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = h.focus_with_options(&options);
            }
        });
    }
    html! { <h1 ref={node} tabindex="-1">{ p.text.clone() }</h1> }
}
