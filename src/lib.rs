//! idcapture: the identity-document capture front end a checkout embeds.
//!
//! The pure core (`flow`, `i18n`, `host::config`, retry and countdown
//! arithmetic) has no browser dependency and is tested natively; the browser
//! glue (`camera`, `api` requests, `host` messages, `ui`) compiles for wasm32.

pub mod api;
pub mod camera;
pub mod checks;
pub mod flow;
pub mod host;
pub mod i18n;
#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub use ui::App;
