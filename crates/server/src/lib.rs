//! `idcapture-server`: the reference session backend of idcapture and the
//! demo checkout that embeds it.
//!
//! Two kinds of origin, as a real integration has them:
//! - the capture origin serves the built app and the session API
//!   (`/api/sessions/...`). Each merchant embeds the app at its own path,
//!   `/m/<merchant>/`, served with `frame-ancestors` limited to that
//!   merchant's origin ([`Merchant`]); the root (the link a shopper opens on
//!   a phone) may not be framed at all;
//! - a demo origin plays a merchant: a checkout page that asks its own back
//!   end (`POST /demo/session`) to create a session server-to-server and
//!   embeds the capture with `embed.js`. A second demo merchant may run on a
//!   second origin.
//!
//! The session token travels in the `Authorization` header, never in a
//! query, and is never logged; the server stores only its SHA-256. An
//! embedded capture gets it from `embed.js` by `postMessage` (never in the
//! iframe's URL, see `docs/integration.md`); the hand-off link to a phone
//! carries it in the fragment, which browsers never send.

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

/// A merchant allowed to embed the capture: the public key of its path
/// (`/m/<key>/`, letters, digits and hyphens), the exact origin of its
/// checkout (the only one that may frame that path and receive messages),
/// and its own secret for creating sessions, which then can only be its own
/// (`IDCAPTURE_MERCHANT_SECRET_<KEY>`; without one, the shared
/// `IDCAPTURE_MERCHANT_KEY` creates sessions for any configured origin).
#[derive(Clone, PartialEq, Eq)]
pub struct Merchant {
    pub key: String,
    pub origin: String,
    pub secret: Option<String>,
}

impl std::fmt::Debug for Merchant {
    // The secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Merchant").field("key", &self.key).field("origin", &self.origin).finish_non_exhaustive()
    }
}

impl Merchant {
    /// A merchant from its key and origin, both checked: a key that could
    /// leave its path segment, or an origin that is not one exact http(s)
    /// origin (a wildcard, a path, a CSP keyword), is refused.
    pub fn new(key: &str, origin: &str) -> Result<Merchant, String> {
        let key_ok = !key.is_empty()
            && key.len() <= 32
            && key.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
        if !key_ok {
            return Err(format!("merchant key {key:?}: 1 to 32 of a-z, 0-9 and -"));
        }
        // As browsers write it (`MessageEvent.origin`, `frame-ancestors`
        // matching): lower case, no default port. Anything else would never
        // match and fail silently.
        let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
        let default_port = (origin.starts_with("https://") && origin.ends_with(":443"))
            || (origin.starts_with("http://") && origin.ends_with(":80"));
        let origin_ok = rest.is_some_and(|r| {
            !r.is_empty() && r.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b".-:[]".contains(&c))
        });
        if !origin_ok || default_port {
            return Err(format!(
                "merchant origin {origin:?}: one exact http(s) origin as a browser writes it (lower case, no path, no default port)"
            ));
        }
        Ok(Merchant { key: key.into(), origin: origin.into(), secret: None })
    }

    /// The same merchant, creating sessions with its own `secret`.
    pub fn with_secret(mut self, secret: Option<String>) -> Merchant {
        self.secret = secret.filter(|s| !s.is_empty());
        self
    }
}

/// Parse `key=origin,key=origin` (the `IDCAPTURE_MERCHANTS` variable).
pub fn parse_merchants(spec: &str) -> Result<Vec<Merchant>, String> {
    let mut out: Vec<Merchant> = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (k, o) = item.split_once('=').ok_or_else(|| format!("{item:?}: key=origin expected"))?;
        let m = Merchant::new(k.trim(), o.trim())?;
        if out.iter().any(|x| x.key == m.key || x.origin == m.origin) {
            return Err(format!("merchant {:?} given twice", m.key));
        }
        out.push(m);
    }
    Ok(out)
}

/// Everything the server is told at start.
#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    /// The built app (Trunk's `dist/`).
    pub app_dir: PathBuf,
    /// Where the capture app is served, as the browser sees it.
    pub capture_origin: String,
    /// The merchants allowed to embed the capture (each at `/m/<key>/`).
    pub merchants: Vec<Merchant>,
    /// The shared secret a merchant's back end presents to create sessions
    /// when that merchant has no secret of its own ([`Merchant::secret`]).
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
    /// The merchant of a key, if configured.
    pub fn merchant(&self, key: &str) -> Option<&Merchant> {
        self.config.merchants.iter().find(|m| m.key == key)
    }

    /// The merchant whose checkout has this origin, if configured.
    pub fn merchant_of_origin(&self, origin: &str) -> Option<&Merchant> {
        self.config.merchants.iter().find(|m| m.origin == origin)
    }

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
/// framed only by `frame_ancestor` (one merchant's origin, or `'none'`).
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

/// The capture origin: the API, the app for each merchant at `/m/<key>/`
/// (framed by that merchant only), and the built app at the root (framed by
/// nobody: the phone's link).
pub fn capture_router(state: Arc<AppState>) -> Router {
    let app_dir = state.config.app_dir.clone();
    let csp = capture_csp("'none'");
    // The built app: its precompressed copies (tools/hash-assets.mjs) by
    // content negotiation, and a cache policy by name.
    let app = Router::new()
        .fallback_service(
            ServeDir::new(app_dir).append_index_html_on_directories(true).precompressed_br().precompressed_gzip(),
        )
        .layer(axum::middleware::from_fn(cache_policy));
    let router = api::router(state.clone())
        .merge(api::merchant_pages(state))
        .fallback_service(app)
        // The API's JSON, compressed per response (a response already
        // encoded, a precompressed asset, passes through); the JPEG parts
        // are already compressed and go up, not down.
        .layer(tower_http::compression::CompressionLayer::new());
    security_headers(router, csp, "camera=(self), microphone=(), geolocation=(), payment=()".into())
}

/// Whether a path names a content-hashed asset, `name-<16 hex>.ext` or
/// `name-<16 hex>_bg.wasm`, as `tools/hash-assets.mjs` names them: its
/// bytes never change under that name.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let Some((_, tail)) = file.rsplit_once('-') else { return false };
    // (`get`, not slicing: a name may hold multi-byte characters.)
    let (Some(hash), Some(rest)) = (tail.get(..16), tail.get(16..)) else { return false };
    hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && (rest.starts_with('.') || rest.starts_with("_bg."))
        && rest.len() > 1
}

/// How long a browser keeps what the app's directory serves. A hashed
/// asset is cached for a year without revalidation (`immutable`): a new
/// build is new names. The page (`index.html`) is never stored, so a
/// browser always meets the names of the build being served, whatever the
/// files' dates; the rest (`embed.js`, which merchants load by its fixed
/// name, the face model) is revalidated on every use. The encoding varies
/// with `Accept-Encoding` (precompressed copies).
async fn cache_policy(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let ok = res.status().is_success() || res.status() == axum::http::StatusCode::NOT_MODIFIED;
    let policy = if ok && is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else if path.ends_with('/') || path.ends_with(".html") {
        "no-store"
    } else {
        "no-cache"
    };
    let h = res.headers_mut();
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static(policy));
    if !h.contains_key(header::VARY) {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

/// A demo merchant's origin: the checkout page and its session endpoint,
/// playing `merchant`.
#[cfg(feature = "demo")]
pub fn demo_router(state: Arc<AppState>, merchant: Merchant) -> Router {
    let demo_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo");
    let csp = format!(
        "default-src 'self'; script-src 'self' {0}/embed.js; style-src 'self'; img-src 'self' data:; frame-src {0}; \
         connect-src 'self'; object-src 'none'; base-uri 'none'",
        state.config.capture_origin
    );
    // The merchant grants the camera to the capture origin only.
    let permissions = format!("camera=(self \"{}\"), microphone=()", state.config.capture_origin);
    let router = api::demo_router(state, merchant).fallback_service(ServeDir::new(demo_dir));
    security_headers(router, csp, permissions)
}

/// Serve the capture origin (and, in a demo build, each demo checkout with
/// the merchant it plays) until the process is stopped.
pub async fn serve(
    state: Arc<AppState>,
    capture: SocketAddr,
    demos: Vec<(SocketAddr, Merchant)>,
) -> std::io::Result<()> {
    let a = tokio::net::TcpListener::bind(capture).await?;
    #[cfg(feature = "demo")]
    for (addr, merchant) in demos {
        let l = tokio::net::TcpListener::bind(addr).await?;
        tracing::info!("demo checkout of merchant {} on http://{addr}", merchant.key);
        let router = demo_router(state.clone(), merchant);
        tokio::spawn(async move {
            if let Err(e) = axum::serve(l, router).await {
                tracing::error!("demo checkout on {addr} stopped: {e}");
            }
        });
    }
    #[cfg(not(feature = "demo"))]
    if !demos.is_empty() {
        tracing::info!("production build: no demo checkout");
    }
    tracing::info!("capture origin on http://{capture}");
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
    axum::serve(a, capture_router(state)).await
}
