//! `idcapture-server`: run the reference backend and the demo checkout.
//!
//! Environment (all optional): `IDCAPTURE_DATA` (./data), `IDCAPTURE_APP`
//! (./dist), `IDCAPTURE_CAPTURE_ADDR` (127.0.0.1:8081), `IDCAPTURE_DEMO_ADDR`
//! (127.0.0.1:8080), `IDCAPTURE_CAPTURE_ORIGIN` (http://localhost:8081),
//! `IDCAPTURE_DEMO_ORIGIN` (http://127.0.0.1:8080), `IDCAPTURE_MERCHANT_KEY`
//! (a random key printed nowhere when unset), `IDCAPTURE_SESSION_SECS`
//! (3600), `IDCAPTURE_RETENTION_SECS` (86400: how long a completed session's
//! images are kept), `IDCAPTURE_TEST_CLOCK=1` (tests only).

use idcapture_server::{serve, AppState, Config};
use std::path::PathBuf;

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let config = Config {
        data_dir: PathBuf::from(env("IDCAPTURE_DATA", "data")),
        app_dir: PathBuf::from(env("IDCAPTURE_APP", "dist")),
        capture_origin: env("IDCAPTURE_CAPTURE_ORIGIN", "http://localhost:8081"),
        demo_origin: env("IDCAPTURE_DEMO_ORIGIN", "http://127.0.0.1:8080"),
        merchant_key: std::env::var("IDCAPTURE_MERCHANT_KEY").unwrap_or_else(|_| idcapture_server::api::random_hex(32)),
        session_ms: env("IDCAPTURE_SESSION_SECS", "3600").parse::<i64>().unwrap_or(3600) * 1000,
        retention_ms: match env("IDCAPTURE_RETENTION_SECS", "86400").parse::<u32>() {
            Ok(secs) => secs as i64 * 1000,
            Err(_) => {
                eprintln!("IDCAPTURE_RETENTION_SECS must be a whole number of seconds (0 to 4294967295)");
                std::process::exit(2);
            }
        },
        test_clock: std::env::var("IDCAPTURE_TEST_CLOCK").is_ok_and(|v| v == "1"),
    };
    let capture = env("IDCAPTURE_CAPTURE_ADDR", "127.0.0.1:8081").parse().expect("IDCAPTURE_CAPTURE_ADDR");
    let demo = env("IDCAPTURE_DEMO_ADDR", "127.0.0.1:8080").parse().expect("IDCAPTURE_DEMO_ADDR");
    let state = match AppState::new(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open the data directory: {}", e.0);
            std::process::exit(1);
        }
    };
    if let Err(e) = serve(state, capture, demo).await {
        eprintln!("server stopped: {e}");
        std::process::exit(1);
    }
}
