//! The analysis worker's entry: on wasm32 it listens to the page (see
//! `web.rs`); natively there is nothing to run (the logic is the library,
//! tested natively).

#[cfg(target_arch = "wasm32")]
mod web;

fn main() {
    #[cfg(target_arch = "wasm32")]
    web::start();
}
