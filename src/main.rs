//! Mounts the app. Everything else is in the library.

/// Mounted in an element of its own, appended to the body: Yew empties the
/// element it renders into, and the body holds index.html's first screen
/// (the welcome, with a press the shopper may already have made on it)
/// until the app takes it over (`take_shell` in src/ui/app.rs).
#[cfg(target_arch = "wasm32")]
fn main() {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let root = document.create_element("div").expect("an element");
    document.body().expect("a body").append_child(&root).expect("the app's root in the body");
    yew::Renderer::<idcapture::App>::with_root(root).render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("idcapture is a web app: build it with `trunk build` (see README.md).");
}
