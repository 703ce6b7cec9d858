//! `idcapture-server`: the reference session backend of idcapture and the
//! demo checkout that embeds it.
//!
//! Two origins, as a real integration has them:
//! - the capture origin serves the built app and the session API
//!   (`/api/sessions/...`), with the app's CSP and `frame-ancestors` limited
//!   to the merchant's origin;
//! - the demo origin plays the merchant: a checkout page that asks its own
//!   back end (`POST /demo/session`) to create a session server-to-server and
//!   embeds the capture URL in an iframe.
//!
//! The session token travels in the `Authorization` header (and in the
//! capture URL's fragment, which browsers never send), never in a query, and
//! is never logged; the server stores only its SHA-256.

pub mod api;
pub mod store;

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use store::Store;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Everything the server is told at start.
#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    /// The built app (Trunk's `dist/`).
    pub app_dir: PathBuf,
    /// Where the capture app is served, as the browser sees it.
    pub capture_origin: String,
    /// The demo merchant's origin (allowed to embed and to receive messages).
    pub demo_origin: String,
    /// Secret the merchant's back end presents to create sessions.
    pub merchant_key: String,
    /// Session lifetime from creation (the FAQ: one hour).
    pub session_ms: i64,
    /// Enables `POST /test/clock` (tests move the server clock).
    pub test_clock: bool,
}

/// Shared state: the store, the config and the clock.
pub struct AppState {
    pub store: Store,
    pub config: Config,
    clock_offset_ms: AtomicI64,
}

impl AppState {
    pub fn new(config: Config) -> Result<Arc<AppState>, store::StoreError> {
        Ok(Arc::new(AppState { store: Store::open(&config.data_dir)?, config, clock_offset_ms: AtomicI64::new(0) }))
    }

    /// Milliseconds since the Unix epoch, moved by the test clock if set.
    pub fn now_ms(&self) -> i64 {
        let real = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        real + self.clock_offset_ms.load(Ordering::Relaxed)
    }

    pub fn set_clock_offset(&self, ms: i64) {
        self.clock_offset_ms.store(ms, Ordering::Relaxed);
    }
}

/// The capture app's Content-Security-Policy: its own scripts and wasm only,
/// no inline script, requests only to its own origin (the session API),
/// framed only by the merchant.
pub fn capture_csp(frame_ancestor: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' blob: data:; media-src 'self' blob: mediastream:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; \
         frame-ancestors {frame_ancestor}"
    )
}

fn security_headers(router: Router, csp: String, permissions: String) -> Router {
    let set = |name: HeaderName, value: &str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_str(value).expect("static header value"))
    };
    router
        .layer(set(header::CONTENT_SECURITY_POLICY, &csp))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
        .layer(set(HeaderName::from_static("permissions-policy"), &permissions))
        .layer(set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin"))
}

/// The capture origin: the API and the built app.
pub fn capture_router(state: Arc<AppState>) -> Router {
    let app_dir = state.config.app_dir.clone();
    let csp = capture_csp(&state.config.demo_origin);
    let router = api::router(state)
        .fallback_service(ServeDir::new(app_dir).append_index_html_on_directories(true))
        // The wasm and the model shrink to ~40% and ~93% gzipped; the
        // JPEG parts are already compressed and go up, not down.
        .layer(tower_http::compression::CompressionLayer::new());
    security_headers(router, csp, "camera=(self), microphone=(), geolocation=(), payment=()".into())
}

/// The demo merchant's origin: the checkout page and its session endpoint.
pub fn demo_router(state: Arc<AppState>) -> Router {
    let demo_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo");
    let csp = format!(
        "default-src 'self'; script-src 'self' {0}/embed.js; style-src 'self'; frame-src {0}; connect-src 'self'; \
         object-src 'none'; base-uri 'none'",
        state.config.capture_origin
    );
    // The merchant grants the camera to the capture origin only.
    let permissions = format!("camera=(self \"{}\"), microphone=()", state.config.capture_origin);
    let router = api::demo_router(state).fallback_service(ServeDir::new(demo_dir));
    security_headers(router, csp, permissions)
}

/// Serve both origins until the process is stopped.
pub async fn serve(state: Arc<AppState>, capture: SocketAddr, demo: SocketAddr) -> std::io::Result<()> {
    let a = tokio::net::TcpListener::bind(capture).await?;
    let b = tokio::net::TcpListener::bind(demo).await?;
    tracing::info!("capture origin on http://{capture}, demo checkout on http://{demo}");
    let (ra, rb) = tokio::join!(axum::serve(a, capture_router(state.clone())), axum::serve(b, demo_router(state)));
    ra.and(rb)
}
