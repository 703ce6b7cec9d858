//! The session API (DESIGN.md "Session API") and the demo merchant's endpoint.
//!
//! Every error is JSON `{"error": code, "message": text}` with a stable code.
//! Refused requests write nothing.

use crate::store::{required_parts, PartInfo, Refused, SessionRow, PARTS};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// Largest part accepted: a 12 MP JPEG at high quality is ~5 MB.
pub const MAX_PART_BYTES: usize = 10 << 20;
/// Largest image side accepted in a part.
pub const MAX_SIDE: u32 = 8192;
/// Largest quality report (JSON, in `X-Idcapture-Report`).
pub const MAX_REPORT: usize = 8192;

/// An API error with its status and stable code.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(json!({"error": self.code, "message": self.message}))).into_response();
        r.headers_mut().insert(header::CACHE_CONTROL, "no-store".parse().expect("static"));
        r
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        tracing::error!("store error: {}", e.0);
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", "the session could not be stored")
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// Random hex string of `bytes` random bytes from the OS.
pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::getrandom(&mut b).expect("OS randomness");
    hex::encode(b)
}

fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Status as the client sees it: expiry is computed from the clock.
fn status(s: &SessionRow, now: i64) -> &str {
    if s.status == "open" && now >= s.expires_at {
        "expired"
    } else {
        &s.status
    }
}

/// Look the session up and check the bearer token in constant time.
fn authorise(state: &AppState, id: &str, headers: &HeaderMap) -> ApiResult<SessionRow> {
    if !valid_id(id) {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such session"));
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorised", "missing session token"))?;
    let hash = token_hash(token);
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such session");
    let session = state.store.get(id)?.ok_or_else(not_found)?;
    if !bool::from(hash.ct_eq(&session.token_hash)) {
        // A valid token used on another session's id: that session does
        // not exist for this holder (its existence is not confirmed).
        if state.store.token_exists(&hash)? {
            return Err(not_found());
        }
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorised", "wrong session token"));
    }
    Ok(session)
}

/// Refuse writes unless the session is open and before its deadline (a
/// first, cheap check; the store checks again as it writes).
fn writable(s: &SessionRow, now: i64) -> ApiResult<()> {
    match status(s, now) {
        "open" => Ok(()),
        "expired" => Err(refused(Refused::Expired)),
        other => Err(refused(Refused::Closed(other.to_string()))),
    }
}

/// The answer to a write the store refused.
fn refused(r: Refused) -> ApiError {
    match r {
        Refused::Expired => ApiError::new(StatusCode::GONE, "expired", "the session has expired"),
        Refused::Closed(status) => ApiError::new(StatusCode::CONFLICT, "closed", format!("the session is {status}")),
        Refused::Gone => ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such session"),
        Refused::Missing(parts) => {
            ApiError::new(StatusCode::CONFLICT, "missing_parts", format!("missing: {}", parts.join(", ")))
        }
    }
}

/// Who presents the request's `X-Merchant-Key`: the merchant whose own
/// secret it is, and whether it is the shared key. Every secret is compared
/// in constant time, whichever matches.
fn merchant_key<'a>(state: &'a AppState, headers: &HeaderMap) -> (Option<&'a crate::Merchant>, bool) {
    let key = headers.get("x-merchant-key").map(|v| v.as_bytes()).unwrap_or_default();
    let mut own = None;
    for m in &state.config.merchants {
        if m.secret.as_ref().is_some_and(|s| bool::from(key.ct_eq(s.as_bytes()))) {
            own = Some(m);
        }
    }
    (own, bool::from(key.ct_eq(state.config.merchant_key.as_bytes())))
}

/// The merchant's back office fetches a stored part (the JPEG) before the
/// retention deletes it: `GET /api/sessions/{id}/parts/{part}` with its
/// `X-Merchant-Key`. A merchant's own secret reads its own sessions only;
/// the shared key reads only sessions of merchants without a secret of their
/// own. The shopper's session token cannot read images back: they only ever
/// go up. Images past their time (expired, cancelled, completed longer ago
/// than the retention) are deleted here before the read, as at a session
/// read, not left to the next sweep.
async fn fetch_part(
    State(state): State<Arc<AppState>>,
    Path((id, part)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such part");
    if !valid_id(&id) || !PARTS.contains(&part.as_str()) {
        return Err(not_found());
    }
    let (own, shared) = merchant_key(&state, &headers);
    let own = own.map(|m| m.origin.clone());
    if own.is_none() && !shared {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorised", "merchant key required"));
    }
    let st = state.clone();
    let (sid, p) = (id.clone(), part.clone());
    // SQLite and the file read, off the async workers.
    let found = blocking(move || {
        let now = st.now_ms();
        st.store.purge(now, st.config.retention_ms, Some(&sid))?;
        let Some(s) = st.store.get(&sid)? else { return Ok(None) };
        let allowed = match &own {
            Some(origin) => *origin == s.parent_origin,
            // The shared key: not the sessions of a merchant with its own.
            None => st.merchant_of_origin(&s.parent_origin).is_some_and(|m| m.secret.is_none()),
        };
        if !allowed || status(&s, now) == "expired" {
            return Ok(None);
        }
        if !st.store.parts(&sid)?.iter().any(|x| x.part == p) {
            return Ok(None);
        }
        Ok(std::fs::read(st.store.part_path(&sid, &p)).ok())
    })
    .await?;
    let bytes = found.ok_or_else(not_found)?;
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "no-store")], bytes).into_response())
}

/// [`authorise`] off the async workers: its SQLite reads wait on the
/// store's lock, which a writer's fsync may hold.
async fn authorised(state: &Arc<AppState>, id: &str, headers: &HeaderMap) -> ApiResult<SessionRow> {
    let (st, id, headers) = (state.clone(), id.to_string(), headers.clone());
    tokio::task::spawn_blocking(move || authorise(&st, &id, &headers))
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", "the session could not be read"))?
}

/// [`session_json`] off the async workers, for the same reason.
async fn session_body(state: &Arc<AppState>, s: SessionRow) -> ApiResult<serde_json::Value> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || session_json(&st, &s))
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", "the session could not be read"))?
}

/// The session again after a write of it, off the async workers (a
/// session purged meanwhile is a 404, never a panic).
async fn reread(state: &Arc<AppState>, id: &str) -> ApiResult<SessionRow> {
    let (st, sid) = (state.clone(), id.to_string());
    blocking(move || st.store.get(&sid))
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such session"))
}

/// [`create_session`] off the async workers (an insert and its fsync).
async fn create_off_workers(
    state: &Arc<AppState>,
    origin: String,
    number: Option<String>,
) -> ApiResult<serde_json::Value> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || create_session(&st, &origin, number))
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", "the session could not be stored"))?
}

/// Run blocking store work (SQLite, fsync, file deletion) off the async
/// workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::store::StoreError> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", "the session could not be stored"))?
        .map_err(ApiError::from)
}

fn session_json(state: &AppState, s: &SessionRow) -> ApiResult<serde_json::Value> {
    let now = state.now_ms();
    let parts = state.store.parts(&s.id)?;
    Ok(json!({
        "id": s.id,
        "status": status(s, now),
        "expires_at": s.expires_at,
        "server_time": now,
        "parent_origin": s.parent_origin,
        // The merchant whose path may show this session (`/m/<key>/`).
        "merchant": state.merchant_of_origin(&s.parent_origin).map(|m| m.key.as_str()),
        "document_type": s.document_type,
        "started": s.started,
        "parts": parts,
    }))
}

fn no_store(v: serde_json::Value) -> Response {
    let mut r = Json(v).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, "no-store".parse().expect("static"));
    r
}

#[derive(Deserialize)]
pub struct CreateRequest {
    /// The checkout's origin: required with the shared key; with a
    /// merchant's own secret it may be left out, and must be its origin.
    pub parent_origin: Option<String>,
    /// The identity document number the shopper typed in the checkout
    /// (optional): an MRZ read on the card with another number is refused
    /// at upload. Given here, server to server, never in a URL.
    pub document_number: Option<String>,
}

/// A document number as MRZs print them: 1 to 14 letters and digits,
/// compared in capitals.
fn document_number(n: Option<String>) -> ApiResult<Option<String>> {
    let Some(n) = n else { return Ok(None) };
    let n = n.trim().to_ascii_uppercase();
    if n.is_empty() || n.len() > 14 || !n.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_document_number",
            "document_number is 1 to 14 letters and digits",
        ));
    }
    Ok(Some(n))
}

/// Create a session (merchant back office, server to server).
pub fn create_session(
    state: &AppState,
    parent_origin: &str,
    document_number: Option<String>,
) -> ApiResult<serde_json::Value> {
    let Some(merchant) = state.merchant_of_origin(parent_origin).cloned() else {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "origin_not_allowed", "parent origin not in the allowlist"));
    };
    let now = state.now_ms();
    let id = random_hex(16);
    let token = random_hex(32);
    let row = SessionRow {
        id: id.clone(),
        token_hash: token_hash(&token),
        created_at: now,
        expires_at: now + state.config.session_ms,
        status: "open".into(),
        parent_origin: parent_origin.into(),
        document_type: None,
        started: false,
        document_number,
    };
    state.store.create(&row)?;
    tracing::info!(session = %id, "session created");
    Ok(json!({
        "id": id,
        "token": token,
        "expires_at": row.expires_at,
        // To embed with embed.js (no secret in it: the token is handed
        // over by postMessage).
        "embed_url": format!("{}/m/{}/", state.config.capture_origin, merchant.key),
        // To open top-level instead (a redirect, a phone): the token in the
        // fragment, which browsers never send.
        "capture_url": format!("{}/#session={id}&token={token}", state.config.capture_origin),
    }))
}

async fn create(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(req): Json<CreateRequest>,
) -> ApiResult<Response> {
    // A merchant's own secret makes sessions for that merchant only.
    let (own, shared) = merchant_key(&state, &headers);
    let origin = match (own, req.parent_origin) {
        (Some(m), Some(o)) if o != m.origin => {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "origin_not_yours", "that origin is another merchant's"));
        }
        (Some(m), _) => m.origin.clone(),
        (None, Some(o)) if shared => o,
        (None, None) if shared => {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "origin_required", "parent_origin is required"));
        }
        _ => return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorised", "merchant key required")),
    };
    let number = document_number(req.document_number)?;
    let v = create_off_workers(&state, origin, number).await?;
    Ok((StatusCode::CREATED, no_store(v)).into_response())
}

async fn read(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> ApiResult<Response> {
    let s = authorised(&state, &id, &headers).await?;
    // An expired session's images go at the first look, not at the next
    // sweep.
    // (A failure is logged and retried by the sweeper; the answer stands.)
    let (st, sid) = (state.clone(), id.clone());
    if let Err(e) = blocking(move || st.store.purge(st.now_ms(), st.config.retention_ms, Some(&sid))).await {
        tracing::error!(session = %id, "purge at read failed: {}", e.message);
    }
    Ok(no_store(session_body(&state, s).await?))
}

async fn put_part(
    State(state): State<Arc<AppState>>,
    Path((id, part)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let s = authorised(&state, &id, &headers).await?;
    if !PARTS.contains(&part.as_str()) {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "unknown_part", "no such part"));
    }
    writable(&s, state.now_ms())?;
    let report = match headers.get("x-idcapture-report") {
        None => None,
        Some(v) => {
            let text =
                v.to_str().map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "bad_report", "report is not text"))?;
            if text.len() > MAX_REPORT || serde_json::from_str::<serde_json::Value>(text).is_err() {
                return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_report", "report is not JSON within 8 KiB"));
            }
            Some(text.to_string())
        }
    };
    if let Some(r) = &report {
        check_mrz(&s, &part, r, state.now_ms())?;
    }
    if body.len() < 4 || body[..3] != [0xFF, 0xD8, 0xFF] {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "not_jpeg", "parts must be JPEG images"));
    }
    let sha = hex::encode(Sha256::digest(&body));
    let held = {
        let (st, sid) = (state.clone(), id.clone());
        blocking(move || st.store.parts(&sid)).await?
    };
    if let Some(existing) = held.into_iter().find(|p| p.part == part) {
        if existing.sha256 == sha {
            // A retry of what is already stored: nothing to do.
            return Ok(no_store(json!({"part": existing, "stored": false})));
        }
    }
    let bytes = body.clone();
    // A full decode allocates up to 256 MiB: a few at a time, whatever the
    // number of uploads in flight.
    // The permit moves into the decode: a request dropped mid-decode (the
    // client gone) does not free a slot while its decode still runs.
    let permit = state
        .decodes
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "the server is shutting down"))?;
    let (width, height) = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        decode_dimensions(&bytes)
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "bad_image", "the image could not be read"))??;
    let info = PartInfo { part: part.clone(), sha256: sha, bytes: body.len() as u64, width, height };
    let (st, sid, inf, data) = (state.clone(), id.clone(), info.clone(), body.clone());
    blocking(move || st.store.put_part(&sid, &inf, &data, report.as_deref(), &|| st.now_ms()))
        .await?
        .map_err(refused)?;
    tracing::info!(session = %id, part = %part, bytes = body.len(), "part stored");
    Ok((StatusCode::CREATED, no_store(json!({"part": info, "stored": true}))).into_response())
}

/// The MRZ a part's report carries, re-checked with the capture's own
/// reader: its lines pass every check digit and every date exists, its
/// fields are what the lines say, its `expired` and `minor` reasons are what
/// today's date says (a day's grace either way for the device's time zone),
/// it comes with the side that carries its format, and its number is the
/// one the shopper typed when the session was given one.
fn check_mrz(s: &SessionRow, part: &str, report: &str, now_ms: i64) -> ApiResult<()> {
    use idcapture_quality::mrz::{self, Date};
    let bad = |m: &str| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_mrz", m);
    let v: serde_json::Value = serde_json::from_str(report).map_err(|_| bad("report is not JSON"))?;
    let Some(claim) = v.get("mrz").filter(|m| !m.is_null()) else { return Ok(()) };
    if part == "selfie" {
        return Err(bad("a selfie carries no MRZ"));
    }
    let lines: Vec<&str> = claim
        .get("lines")
        .and_then(|l| l.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    let today = Date::from_unix_days(now_ms.div_euclid(86_400_000));
    let Some(m) = mrz::from_lines(&lines, today) else {
        return Err(bad("the MRZ lines do not pass their check digits"));
    };
    // The side that carries each format: a passport page's TD3 or a 1995
    // identity card's front, a card's back's TD1.
    let fits = match m.format {
        mrz::Format::Td3 | mrz::Format::FrCni1995 => part == "document_front",
        mrz::Format::Td1 => part == "document_back",
    };
    if !fits {
        return Err(bad("this MRZ format is not carried by this side"));
    }
    let read = serde_json::to_value(&m).map_err(|_| bad("unreadable MRZ"))?;
    for (k, val) in read.as_object().into_iter().flatten() {
        if claim.get(k) != Some(val) {
            return Err(bad("the MRZ fields are not what its lines say"));
        }
    }
    let claimed: Vec<&str> = v
        .get("reasons")
        .and_then(|r| r.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    let yesterday = Date::from_unix_days(now_ms.div_euclid(86_400_000) - 1);
    let tomorrow = Date::from_unix_days(now_ms.div_euclid(86_400_000) + 1);
    for reason in [idcapture_quality::Reason::Expired, idcapture_quality::Reason::Minor] {
        let on = |d: Date| mrz::reasons(&m, d).contains(&reason);
        let says = claimed.contains(&reason.as_str());
        // Where yesterday, today and tomorrow agree, the report must too.
        if on(yesterday) == on(tomorrow) && says != on(today) {
            return Err(bad("the MRZ dates do not say what the report says"));
        }
    }
    if let Some(expected) = &s.document_number {
        if &m.document_number != expected {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "document_mismatch",
                "the document number read is not the one given at checkout",
            ));
        }
    }
    Ok(())
}

/// Decode the JPEG fully (within limits) to prove it is an image.
fn decode_dimensions(bytes: &[u8]) -> ApiResult<(u32, u32)> {
    let bad = |m: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_image", m);
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), image::ImageFormat::Jpeg);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(256 << 20);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| bad(format!("the JPEG could not be decoded: {e}")))?;
    Ok((img.width(), img.height()))
}

#[derive(Deserialize)]
struct ProgressRequest {
    #[serde(default)]
    started: bool,
    document_type: Option<String>,
}

/// Progress a reload or another device resumes from: started, and which
/// document. Idempotent; the document may change until a part is stored.
async fn progress(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(req): Json<ProgressRequest>,
) -> ApiResult<Response> {
    let s = authorised(&state, &id, &headers).await?;
    writable(&s, state.now_ms())?;
    if let Some(d) = &req.document_type {
        if required_parts(d).is_none() {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_document_type", "unknown document type"));
        }
    }
    let (st, sid) = (state.clone(), id.clone());
    let started = req.started || req.document_type.is_some();
    blocking(move || st.store.set_progress(&sid, started, req.document_type.as_deref(), &|| st.now_ms()))
        .await?
        .map_err(refused)?;
    let s = reread(&state, &id).await?;
    Ok(no_store(session_body(&state, s).await?))
}

#[derive(Deserialize)]
struct CompleteRequest {
    document_type: String,
}

async fn complete(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(req): Json<CompleteRequest>,
) -> ApiResult<Response> {
    let s = authorised(&state, &id, &headers).await?;
    writable(&s, state.now_ms())?;
    let required = required_parts(&req.document_type)
        .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "bad_document_type", "unknown document type"))?;
    // The parts are checked in the transaction that completes.
    let (st, sid) = (state.clone(), id.clone());
    blocking(move || st.store.close(&sid, "completed", Some(&req.document_type), required, &|| st.now_ms()))
        .await?
        .map_err(refused)?;
    tracing::info!(session = %id, "session completed");
    let s = reread(&state, &id).await?;
    Ok(no_store(session_body(&state, s).await?))
}

async fn cancel(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> ApiResult<Response> {
    let s = authorised(&state, &id, &headers).await?;
    writable(&s, state.now_ms())?;
    // Cancelling deletes the images in the same step.
    let (st, sid) = (state.clone(), id.clone());
    blocking(move || st.store.close(&sid, "cancelled", None, &[], &|| st.now_ms())).await?.map_err(refused)?;
    tracing::info!(session = %id, "session cancelled, images deleted");
    let s = reread(&state, &id).await?;
    Ok(no_store(session_body(&state, s).await?))
}

#[cfg(feature = "demo")]
#[derive(Deserialize)]
struct ClockRequest {
    offset_ms: i64,
}

#[cfg(feature = "demo")]
async fn test_clock(State(state): State<Arc<AppState>>, Json(req): Json<ClockRequest>) -> ApiResult<Response> {
    if !state.config.test_clock {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint"));
    }
    state.set_clock_offset(req.offset_ms);
    Ok(no_store(json!({"server_time": state.now_ms()})))
}

/// The session API, served on the capture origin.
pub fn router(state: Arc<AppState>) -> Router {
    let router = Router::new()
        .route("/api/sessions", post(create))
        .route("/api/sessions/{id}", get(read).patch(progress))
        .route("/api/sessions/{id}/parts/{part}", put(put_part).get(fetch_part))
        .route("/api/sessions/{id}/complete", post(complete))
        .route("/api/sessions/{id}/cancel", post(cancel));
    // Tests move the clock; only a demo build has the route at all.
    #[cfg(feature = "demo")]
    let router = router.route("/test/clock", post(test_clock));
    router
        // A declared length over the limit is refused before any of the
        // body is read (413 at once, not after 10 MB of a shopper's data
        // plan); a body without one is cut off at the limit as it streams.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_PART_BYTES))
        .layer(DefaultBodyLimit::max(MAX_PART_BYTES))
        .with_state(state)
}

/// The public side of the merchants: the app at `/m/<key>/`, framed by that
/// merchant only, and `GET /api/merchants/<key>` (its origin, for the app to
/// know where to ask for the token; the same origin is in the page's CSP).
pub fn merchant_pages(state: Arc<AppState>) -> Router {
    async fn page(
        State(state): State<Arc<AppState>>,
        Path(key): Path<String>,
        axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    ) -> Response {
        // The path as the browser has it, not as decoded: `/m/demo%32/`
        // would otherwise be served as demo2's page while the app, reading
        // its own location, sees no merchant in it.
        let exact = uri.path() == format!("/m/{key}/") || uri.path() == format!("/m/{key}/index.html");
        let Some(m) = state.merchant(&key).filter(|_| exact) else {
            return ApiError::new(StatusCode::NOT_FOUND, "unknown_merchant", "no such merchant").into_response();
        };
        let csp = crate::capture_csp(&m.origin);
        match tokio::fs::read(state.config.app_dir.join("index.html")).await {
            Ok(html) => (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
                    (header::CONTENT_SECURITY_POLICY, csp),
                    // Never stored: a page kept from an earlier build would
                    // name that build's assets (see lib.rs, cache_policy).
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                html,
            )
                .into_response(),
            Err(_) => ApiError::new(StatusCode::NOT_FOUND, "no_app", "the app is not built").into_response(),
        }
    }
    async fn origin(State(state): State<Arc<AppState>>, Path(key): Path<String>) -> ApiResult<Response> {
        let m = state
            .merchant(&key)
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "unknown_merchant", "no such merchant"))?;
        Ok(no_store(json!({"key": m.key, "origin": m.origin})))
    }
    Router::new()
        .route("/m/{key}/", get(page))
        .route("/m/{key}/index.html", get(page))
        .route("/api/merchants/{key}", get(origin))
        .with_state(state)
}

/// A demo merchant's back end: creates a session for its checkout page.
#[cfg(feature = "demo")]
pub fn demo_router(state: Arc<AppState>, merchant: crate::Merchant) -> Router {
    let origin = merchant.origin.clone();
    let key = merchant.key.clone();
    let session = move |State(state): State<Arc<AppState>>| {
        let origin = origin.clone();
        async move { Ok::<_, ApiError>(no_store(create_off_workers(&state, origin, None).await?)) }
    };
    let config = move |State(state): State<Arc<AppState>>| {
        let key = key.clone();
        async move { no_store(json!({"capture_origin": state.config.capture_origin, "merchant": key})) }
    };
    Router::new().route("/demo/session", post(session)).route("/demo/config", get(config)).with_state(state)
}
