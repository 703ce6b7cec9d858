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
    /// How long a completed session's images are kept for the merchant's
    /// back office to fetch (default 24 h); cancelled and expired sessions
    /// keep none.
    pub retention_ms: i64,
    /// Enables `POST /test/clock` (tests move the server clock) in a build
    /// with the `demo` feature; a production build has no such route.
    pub test_clock: bool,
}

/// Shared state: the store, the config and the clock.
pub struct AppState {
    pub store: Store,
    pub config: Config,
    clock_offset_ms: AtomicI64,
    /// Full image decodes allowed at once (each may allocate 256 MiB).
    pub decodes: Arc<tokio::sync::Semaphore>,
}

/// Decodes of uploaded parts allowed at once.
pub const MAX_DECODES: usize = 2;

/// How often the sweeper deletes the images of sessions that are over.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

impl AppState {
    pub fn new(config: Config) -> Result<Arc<AppState>, store::StoreError> {
        Ok(Arc::new(AppState {
            store: Store::open(&config.data_dir)?,
            config,
            clock_offset_ms: AtomicI64::new(0),
            decodes: Arc::new(tokio::sync::Semaphore::new(MAX_DECODES)),
        }))
    }

    /// Delete the images of every session that is over (cancelled, expired,
    /// or completed longer ago than the retention); how many sessions.
    pub fn sweep(&self) -> Result<usize, store::StoreError> {
        self.store.purge(self.now_ms(), self.config.retention_ms, None)
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
#[cfg(feature = "demo")]
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

/// Serve the capture origin (and, in a demo build, the demo checkout) until
/// the process is stopped.
pub async fn serve(state: Arc<AppState>, capture: SocketAddr, demo: SocketAddr) -> std::io::Result<()> {
    let a = tokio::net::TcpListener::bind(capture).await?;
    #[cfg(feature = "demo")]
    let b = tokio::net::TcpListener::bind(demo).await?;
    #[cfg(feature = "demo")]
    tracing::info!("capture origin on http://{capture}, demo checkout on http://{demo}");
    #[cfg(not(feature = "demo"))]
    tracing::info!("capture origin on http://{capture} (production build: no demo checkout on {demo})");
    let sweeper = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        loop {
            every.tick().await;
            let st = sweeper.clone();
            match tokio::task::spawn_blocking(move || st.sweep()).await {
                Ok(Ok(n)) if n > 0 => tracing::info!(sessions = n, "images deleted"),
                Ok(Err(e)) => tracing::error!("sweep failed: {}", e.0),
                _ => {}
            }
        }
    });
    #[cfg(feature = "demo")]
    {
        let (ra, rb) = tokio::join!(axum::serve(a, capture_router(state.clone())), axum::serve(b, demo_router(state)));
        ra.and(rb)
    }
    #[cfg(not(feature = "demo"))]
    axum::serve(a, capture_router(state)).await
}
