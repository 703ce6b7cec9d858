//! The screens, one per file, and the app that strings them together.

mod app;
mod bridge;
mod capture;
mod choose;
mod countdown;
mod done;
mod expired;
mod failure;
mod follow;
mod handoff;
mod heading;
mod parts;
mod refused;
mod review;
mod sending;
mod session;
mod uploads;
mod welcome;

pub use app::App;
