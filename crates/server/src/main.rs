//! `idcapture-server`: run the reference backend and the demo checkout.
//!
//! Environment (all optional): `IDCAPTURE_DATA` (./data), `IDCAPTURE_APP`
//! (./dist), `IDCAPTURE_CAPTURE_ADDR` (127.0.0.1:8081),
//! `IDCAPTURE_CAPTURE_ORIGIN` (http://localhost:8081),
//! `IDCAPTURE_MERCHANTS` (`key=origin,key=origin`: who may embed the
//! capture, each at `/m/<key>/`), `IDCAPTURE_MERCHANT_KEY` (the secret that
//! creates sessions; a random key printed nowhere when unset),
//! `IDCAPTURE_SESSION_SECS` (3600), `IDCAPTURE_RETENTION_SECS` (86400: how
//! long a completed session's images are kept), `IDCAPTURE_TEST_CLOCK=1`
//! (tests only).
//!
//! The demo build serves the demo checkout as merchant `demo` on
//! `IDCAPTURE_DEMO_ADDR` (127.0.0.1:8080) at `IDCAPTURE_DEMO_ORIGIN`
//! (http://127.0.0.1:8080), and a second merchant `demo2` when
//! `IDCAPTURE_DEMO2_ADDR` and `IDCAPTURE_DEMO2_ORIGIN` are set; both are
//! added to the merchants.

use idcapture_server::{parse_merchants, serve, AppState, Config, Merchant};
use std::path::PathBuf;

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let fail = |e: String| -> ! {
        eprintln!("{e}");
        std::process::exit(2)
    };
    // Each merchant's own secret, if given: IDCAPTURE_MERCHANT_SECRET_<KEY>
    // (the key upper-cased, `-` as `_`).
    let secret =
        |key: &str| std::env::var(format!("IDCAPTURE_MERCHANT_SECRET_{}", key.to_uppercase().replace('-', "_"))).ok();
    let mut merchants: Vec<Merchant> = parse_merchants(&env("IDCAPTURE_MERCHANTS", ""))
        .unwrap_or_else(|e| fail(e))
        .into_iter()
        .map(|m| {
            let s = secret(&m.key);
            m.with_secret(s)
        })
        .collect();
    let mut demos = Vec::new();
    let demo_pairs = [
        (
            "demo",
            Some(env("IDCAPTURE_DEMO_ADDR", "127.0.0.1:8080")),
            Some(env("IDCAPTURE_DEMO_ORIGIN", "http://127.0.0.1:8080")),
        ),
        ("demo2", std::env::var("IDCAPTURE_DEMO2_ADDR").ok(), std::env::var("IDCAPTURE_DEMO2_ORIGIN").ok()),
    ];
    // The demo checkouts exist only in the demo build: a production server
    // allows exactly the merchants it is given.
    for (key, addr, origin) in demo_pairs.into_iter().filter(|_| cfg!(feature = "demo")) {
        let (Some(addr), Some(origin)) = (addr, origin) else { continue };
        let m = Merchant::new(key, &origin).unwrap_or_else(|e| fail(e)).with_secret(secret(key));
        let addr = addr.parse().unwrap_or_else(|_| fail(format!("{key}: bad address {addr}")));
        match merchants.iter().find(|x| x.key == m.key || x.origin == m.origin) {
            None => merchants.push(m.clone()),
            Some(x) if x.key == m.key && x.origin == m.origin => {}
            Some(x) => fail(format!("demo merchant {key} ({origin}) conflicts with merchant {} ({})", x.key, x.origin)),
        }
        demos.push((addr, m));
    }
    if merchants.is_empty() {
        eprintln!("no merchant configured (IDCAPTURE_MERCHANTS): no session can be created");
    }
    let config = Config {
        data_dir: PathBuf::from(env("IDCAPTURE_DATA", "data")),
        app_dir: PathBuf::from(env("IDCAPTURE_APP", "dist")),
        capture_origin: env("IDCAPTURE_CAPTURE_ORIGIN", "http://localhost:8081"),
        merchants,
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
    let state = match AppState::new(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open the data directory: {}", e.0);
            std::process::exit(1);
        }
    };
    if let Err(e) = serve(state, capture, demos).await {
        eprintln!("server stopped: {e}");
        std::process::exit(1);
    }
}
