//! Mounts the app. Everything else is in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<idcapture::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("idcapture is a web app: build it with `trunk build` (see README.md).");
}
