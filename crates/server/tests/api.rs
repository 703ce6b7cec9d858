//! The session API over real HTTP on loopback.

use idcapture_server::{capture_router, parse_merchants, AppState, Config, Merchant};
use reqwest::blocking::Client;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;

const KEY: &str = "test-merchant-key";
const DEMO: &str = "http://127.0.0.1:18080";
const SHOP2: &str = "https://shop2.example";
const SHOP2_SECRET: &str = "shop2-own-secret";
const RETENTION_MS: i64 = 24 * 3_600_000;

struct Server {
    base: String,
    state: Arc<AppState>,
    _dir: tempfile::TempDir,
}

fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().join("data"),
        app_dir: dir.path().join("dist"),
        capture_origin: "http://localhost:18081".into(),
        merchants: vec![
            Merchant::new("demo", DEMO).unwrap(),
            Merchant::new("shop2", SHOP2).unwrap().with_secret(Some(SHOP2_SECRET.into())),
        ],
        merchant_key: KEY.into(),
        session_ms: 3_600_000,
        retention_ms: RETENTION_MS,
        test_clock: true,
    };
    let state = AppState::new(config).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let st = state.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            axum::serve(l, capture_router(st)).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    Server { base: format!("http://{addr}"), state, _dir: dir }
}

fn jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x as u8).wrapping_add(seed), y as u8, 128]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).unwrap();
    out
}

/// `POST /api/sessions` with `key` and `body`, as a merchant's back end.
fn create_with(s: &Server, c: &Client, key: &str, body: Value) -> reqwest::blocking::Response {
    c.post(format!("{}/api/sessions", s.base)).header("x-merchant-key", key).json(&body).send().unwrap()
}

fn create(s: &Server, c: &Client) -> (String, String) {
    let r = create_with(s, c, KEY, json!({"parent_origin": DEMO}));
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().unwrap();
    let url = v["capture_url"].as_str().unwrap();
    assert!(url.contains("#session=") && !url.contains('?'), "token only in the fragment: {url}");
    (v["id"].as_str().unwrap().to_string(), v["token"].as_str().unwrap().to_string())
}

fn put(s: &Server, c: &Client, id: &str, token: &str, part: &str, body: Vec<u8>) -> reqwest::blocking::Response {
    c.put(format!("{}/api/sessions/{id}/parts/{part}", s.base))
        .bearer_auth(token)
        .header("content-type", "image/jpeg")
        .body(body)
        .send()
        .unwrap()
}

/// A PUT that declares a 20 MiB JPEG and sends only its first bytes; the
/// status line of the answer.
fn oversize_put(s: &Server, id: &str, token: &str, part: &str) -> u16 {
    use std::io::{Read, Write};
    let addr = s.base.trim_start_matches("http://");
    let mut sock = std::net::TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let head = format!(
        "PUT /api/sessions/{id}/parts/{part} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: image/jpeg\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        20u32 << 20
    );
    sock.write_all(head.as_bytes()).unwrap();
    let _ = sock.write_all(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0, 0]);
    let mut answer = Vec::new();
    let mut buf = [0u8; 512];
    while !answer.windows(2).any(|w| w == b"\r\n") {
        match sock.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&answer);
    line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("no status line: {line:?}"))
}

fn complete(s: &Server, c: &Client, id: &str, token: &str, document_type: &str) -> reqwest::blocking::Response {
    c.post(format!("{}/api/sessions/{id}/complete", s.base))
        .bearer_auth(token)
        .json(&json!({ "document_type": document_type }))
        .send()
        .unwrap()
}

fn files_under(dir: &std::path::Path) -> usize {
    walk(dir).len()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn full_lifecycle_over_http() {
    let s = start();
    let c = Client::new();
    let (id, token) = create(&s, &c);

    let v: Value = c.get(format!("{}/api/sessions/{id}", s.base)).bearer_auth(&token).send().unwrap().json().unwrap();
    assert_eq!(v["status"], "open");
    assert!(v["expires_at"].as_i64().unwrap() - v["server_time"].as_i64().unwrap() > 3_590_000);
    assert_eq!(v["parts"].as_array().unwrap().len(), 0);

    // Progress survives for a reload: started, then the document.
    let patch =
        |body: Value| c.patch(format!("{}/api/sessions/{id}", s.base)).bearer_auth(&token).json(&body).send().unwrap();
    assert_eq!(patch(json!({"started": true})).json::<Value>().unwrap()["started"], true);
    let v: Value = patch(json!({"document_type": "passport"})).json().unwrap();
    assert_eq!(v["document_type"], "passport");
    assert_eq!(patch(json!({"document_type": "library_card"})).status(), StatusCode::BAD_REQUEST);

    let front = jpeg(320, 200, 1);
    assert_eq!(put(&s, &c, &id, &token, "document_front", front.clone()).status(), StatusCode::CREATED);
    // Idempotent: the same bytes again store nothing new.
    let again = put(&s, &c, &id, &token, "document_front", front.clone());
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Value>().unwrap()["stored"], false);
    let parts_dir = s.state.config.data_dir.join("parts").join(&id);
    assert_eq!(files_under(&parts_dir), 1);
    assert_eq!(std::fs::read(parts_dir.join("document_front.jpg")).unwrap(), front);

    // Completion needs every part of the document type.
    let r = complete(&s, &c, &id, &token, "passport");
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(put(&s, &c, &id, &token, "selfie", jpeg(200, 300, 2)).status(), StatusCode::CREATED);
    let r = complete(&s, &c, &id, &token, "passport");
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().unwrap();
    assert_eq!(v["status"], "completed");
    assert_eq!(v["parts"].as_array().unwrap().len(), 2);
    assert_eq!(v["parts"][0]["width"], 320);
    // A completed session takes no more writes.
    assert_eq!(put(&s, &c, &id, &token, "document_back", jpeg(10, 10, 3)).status(), StatusCode::CONFLICT);
}

#[test]
fn refusals_write_nothing() {
    let s = start();
    let c = Client::new();
    let (id, token) = create(&s, &c);
    let parts_dir = s.state.config.data_dir.join("parts").join(&id);

    // Wrong or missing token.
    assert_eq!(put(&s, &c, &id, "wrong", "selfie", jpeg(10, 10, 0)).status(), StatusCode::UNAUTHORIZED);
    let r = c.get(format!("{}/api/sessions/{id}", s.base)).send().unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // A valid token on another session's id: 404, nothing written there.
    let (other_id, _) = create(&s, &c);
    assert_eq!(put(&s, &c, &other_id, &token, "selfie", jpeg(10, 10, 0)).status(), StatusCode::NOT_FOUND);
    let r = c.get(format!("{}/api/sessions/{other_id}", s.base)).bearer_auth(&token).send().unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(files_under(&s.state.config.data_dir.join("parts").join(&other_id)), 0);
    // Unknown ids, and ids shaped like paths.
    let other = "0123456789abcdef0123456789abcdef";
    assert_eq!(put(&s, &c, other, &token, "selfie", jpeg(10, 10, 0)).status(), StatusCode::NOT_FOUND);
    for bad in ["..%2F..%2Fetc", "..", "ABCDEF0123456789ABCDEF0123456789"] {
        let r = put(&s, &c, bad, &token, "selfie", jpeg(10, 10, 0));
        assert!(r.status().is_client_error(), "{bad}: {}", r.status());
    }
    // Unknown part name.
    assert_eq!(put(&s, &c, &id, &token, "..%2Fescape", jpeg(10, 10, 0)).status(), StatusCode::NOT_FOUND);
    // Not a JPEG, a JPEG header with garbage, and an oversize body.
    assert_eq!(
        put(&s, &c, &id, &token, "selfie", b"\x89PNG\r\n\x1a\nxxxx".to_vec()).status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let mut broken = jpeg(64, 64, 0);
    broken.truncate(40);
    assert_eq!(put(&s, &c, &id, &token, "selfie", broken).status(), StatusCode::UNPROCESSABLE_ENTITY);
    // An oversize body is refused from its declared length, before it is
    // read: sent over a raw socket, so the server closing the connection
    // while a client is still writing cannot turn the answer into a broken
    // pipe on the client's side.
    assert_eq!(oversize_put(&s, &id, &token, "selfie"), 413);
    // Creating without the merchant key.
    let r = c.post(format!("{}/api/sessions", s.base)).json(&json!({"parent_origin": DEMO})).send().unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(files_under(&parts_dir), 0, "nothing written for refused requests");
}

#[test]
fn writes_after_the_deadline_get_410() {
    let s = start();
    let c = Client::new();
    let (id, token) = create(&s, &c);
    assert_eq!(put(&s, &c, &id, &token, "document_front", jpeg(32, 32, 0)).status(), StatusCode::CREATED);
    s.state.set_clock_offset(3_600_001);
    let v: Value = c.get(format!("{}/api/sessions/{id}", s.base)).bearer_auth(&token).send().unwrap().json().unwrap();
    assert_eq!(v["status"], "expired");
    assert_eq!(put(&s, &c, &id, &token, "selfie", jpeg(32, 32, 1)).status(), StatusCode::GONE);
    let r = complete(&s, &c, &id, &token, "passport");
    assert_eq!(r.status(), StatusCode::GONE);
}

#[test]
fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        app_dir: dir.path().to_path_buf(),
        capture_origin: "http://localhost:1".into(),
        merchants: vec![
            Merchant::new("demo", DEMO).unwrap(),
            Merchant::new("shop2", SHOP2).unwrap().with_secret(Some(SHOP2_SECRET.into())),
        ],
        merchant_key: KEY.into(),
        session_ms: 1000,
        retention_ms: RETENTION_MS,
        test_clock: false,
    };
    let id = {
        let st = AppState::new(config.clone()).unwrap();
        idcapture_server::api::create_session(&st, DEMO, None).unwrap()["id"].as_str().unwrap().to_string()
    };
    let st = AppState::new(config).unwrap();
    assert!(st.store.get(&id).unwrap().is_some());
}

#[test]
fn app_responses_carry_the_csp() {
    let s = start();
    let r = Client::new().get(format!("{}/api/sessions/0123456789abcdef0123456789abcdef", s.base)).send().unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"));
    // The API and the root (the phone's link) may not be framed at all.
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
}

#[test]
fn each_merchant_frames_its_own_path_only() {
    let s = start();
    std::fs::create_dir_all(&s.state.config.app_dir).unwrap();
    std::fs::write(s.state.config.app_dir.join("index.html"), "<!DOCTYPE html><title>app</title>").unwrap();
    let c = Client::new();
    for (key, origin) in [("demo", DEMO), ("shop2", SHOP2)] {
        let r = c.get(format!("{}/m/{key}/", s.base)).send().unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.ends_with(&format!("frame-ancestors {origin}")), "{key}: {csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(r.headers()["cache-control"], "no-store", "{key}");
        assert_eq!(r.text().unwrap(), "<!DOCTYPE html><title>app</title>");
        let v: Value = c.get(format!("{}/api/merchants/{key}", s.base)).send().unwrap().json().unwrap();
        assert_eq!(v["origin"], origin);
    }
    let page = c.get(format!("{}/m/demo/index.html", s.base)).send().unwrap();
    assert!(page.headers()["content-security-policy"].to_str().unwrap().ends_with(&format!("frame-ancestors {DEMO}")));
    // Only the exact path: not another spelling of another merchant's key
    // (`%32` is `2`: the app would read no merchant in it).
    for path in ["/m/nobody/", "/m/DEMO/", "/m/shop%32/", "/m/demo", "/m/demo/x", "/api/merchants/nobody"] {
        let r = c.get(format!("{}{path}", s.base)).send().unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
    let root = c.get(format!("{}/", s.base)).send().unwrap();
    assert!(root.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));

    // A session records its merchant; the second merchant's works too,
    // created with its own secret (no origin needed: it can only be its own).
    let r = create_with(&s, &c, SHOP2_SECRET, json!({}));
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().unwrap();
    let embed = v["embed_url"].as_str().unwrap();
    assert!(embed.ends_with("/m/shop2/") && !embed.contains(v["token"].as_str().unwrap()), "{embed}");
    let read: Value = c
        .get(format!("{}/api/sessions/{}", s.base, v["id"].as_str().unwrap()))
        .bearer_auth(v["token"].as_str().unwrap())
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(read["merchant"], "shop2");
    assert_eq!(read["parent_origin"], SHOP2);
    // An origin nobody configured gets no session.
    let r = create_with(&s, &c, KEY, json!({"parent_origin": "https://evil.example"}));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // A merchant's own secret cannot make another merchant's session.
    let r = create_with(&s, &c, SHOP2_SECRET, json!({"parent_origin": DEMO}));
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = create_with(&s, &c, "guess", json!({}));
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let api = c.get(format!("{}/api/merchants/demo", s.base)).send().unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store");
}

#[test]
fn merchants_are_checked_when_configured() {
    let m = parse_merchants("shop=https://shop.example, b-2=http://127.0.0.1:8082").unwrap();
    assert_eq!(m[1], Merchant::new("b-2", "http://127.0.0.1:8082").unwrap());
    for bad in [
        "shop",
        "Shop=https://a.example",
        "../x=https://a.example",
        "a=https://*.example",
        "a=https://a.example/path",
        "a='none'",
        "a=https://a.example; script-src *",
        "a=https://a.example,a=https://b.example",
        "a=https://a.example,b=https://a.example",
        "a=https://Shop.example",
        "a=https://shop.example:443",
        "a=http://shop.example:80",
    ] {
        assert!(parse_merchants(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_merchants("").unwrap(), vec![]);
    assert!(parse_merchants("a=https://shop.example:8443").is_ok());
    // A merchant's secret never reaches a log.
    let m = Merchant::new("a", "https://a.example").unwrap().with_secret(Some("s3cret".into()));
    assert!(!format!("{m:?}").contains("s3cret"));
}

#[test]
fn the_app_is_served_gzipped_with_its_headers() {
    let s = start();
    let dist = &s.state.config.app_dir;
    std::fs::create_dir_all(dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!DOCTYPE html><title>x</title>".repeat(200)).unwrap();
    let r = Client::builder()
        .gzip(false)
        .build()
        .unwrap()
        .get(format!("{}/", s.base))
        .header("accept-encoding", "gzip")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers()["permissions-policy"].to_str().unwrap().contains("camera=(self)"));
}

#[test]
fn hashed_assets_are_immutable_precompressed_and_the_page_is_never_stored() {
    let s = start();
    let dist = &s.state.config.app_dir;
    std::fs::create_dir_all(dist).unwrap();
    let wasm = "idcapture-0123456789abcdef_bg.wasm";
    std::fs::write(dist.join(wasm), b"\0asm plain").unwrap();
    std::fs::write(dist.join(format!("{wasm}.br")), b"brotli bytes").unwrap();
    std::fs::write(dist.join(format!("{wasm}.gz")), b"gzip bytes").unwrap();
    std::fs::write(dist.join("index.html"), "<!DOCTYPE html><title>x</title>").unwrap();
    std::fs::write(dist.join("embed.js"), "// embed").unwrap();
    let c = Client::builder().gzip(false).build().unwrap();
    let get = |path: &str, enc: &str| c.get(format!("{}{path}", s.base)).header("accept-encoding", enc).send().unwrap();
    // The copy the browser can decode, as is, cached for a year.
    let br = get(&format!("/{wasm}"), "gzip, br");
    assert_eq!(br.status(), StatusCode::OK);
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(br.headers()["vary"].to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"));
    assert_eq!(br.bytes().unwrap().as_ref(), b"brotli bytes");
    let gz = get(&format!("/{wasm}"), "gzip");
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.bytes().unwrap().as_ref(), b"gzip bytes");
    let plain = get(&format!("/{wasm}"), "identity");
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().unwrap().as_ref(), b"\0asm plain");
    // A hashed name that is not there is not cached at all.
    let missing = get("/idcapture-fedcba9876543210_bg.wasm", "br");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_ne!(missing.headers()["cache-control"], "public, max-age=31536000, immutable");
    // The page is never stored; embed.js (a fixed name) is revalidated.
    for path in ["/", "/index.html"] {
        assert_eq!(get(path, "br").headers()["cache-control"], "no-store", "{path}");
    }
    assert_eq!(get("/embed.js", "br").headers()["cache-control"], "no-cache");
    // The API keeps its own policy.
    let api = get("/api/sessions/0123456789abcdef0123456789abcdef", "br");
    assert_eq!(api.headers()["cache-control"], "no-store");
}

#[test]
fn hashed_asset_names() {
    use idcapture_server::is_hashed_asset;
    for p in ["/idcapture-0123456789abcdef_bg.wasm", "/idcapture-0123456789abcdef.js", "/app-fedcba9876543210.css"] {
        assert!(is_hashed_asset(p), "{p}");
    }
    for p in [
        "/",
        "/index.html",
        "/embed.js",
        "/boot.js",
        "/idcapture_bg.wasm",
        "/models/seeta_fd_frontal_v1.0.bin",
        "/app-0123456789ABCDEF.css",
        "/app-0123456789abcde.css",
        "/app-0123456789abcdef",
        "/app-0123456789abcdef.",
        "/app-0123456789abcdeé.css",
        "/app-é",
    ] {
        assert!(!is_hashed_asset(p), "{p}");
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn parts_of(s: &Server, c: &Client, id: &str, token: &str) -> Vec<Value> {
    let v: Value = c.get(format!("{}/api/sessions/{id}", s.base)).bearer_auth(token).send().unwrap().json().unwrap();
    v["parts"].as_array().unwrap().clone()
}

#[test]
fn concurrent_puts_of_one_part_leave_one_file_matching_its_record() {
    let s = Arc::new(start());
    let c = Client::new();
    let (id, token) = create(&s, &c);
    // Ten uploads of the same bytes and ten of other bytes each, at once.
    let same = jpeg(160, 100, 7);
    let bodies: Vec<Vec<u8>> =
        (0..20).map(|i| if i % 2 == 0 { same.clone() } else { jpeg(160, 100, 20 + i as u8) }).collect();
    let barrier = Arc::new(std::sync::Barrier::new(bodies.len()));
    let threads: Vec<_> = bodies
        .into_iter()
        .map(|b| {
            let (s, id, token, barrier) = (s.clone(), id.clone(), token.clone(), barrier.clone());
            std::thread::spawn(move || {
                let c = Client::new();
                barrier.wait();
                put(&s, &c, &id, &token, "document_front", b).status()
            })
        })
        .collect();
    for t in threads {
        let status = t.join().unwrap();
        assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{status}");
    }
    let dir = s.state.config.data_dir.join("parts").join(&id);
    let files = walk(&dir);
    assert_eq!(files, vec![dir.join("document_front.jpg")], "one file");
    assert_eq!(files_under(&s.state.config.data_dir.join("tmp")), 0, "no temp file left");
    let parts = parts_of(&s, &c, &id, &token);
    assert_eq!(parts.len(), 1);
    let on_disk = std::fs::read(&files[0]).unwrap();
    assert_eq!(parts[0]["sha256"], sha256_hex(&on_disk), "the record describes the bytes on disk");
    assert_eq!(parts[0]["bytes"], on_disk.len());
}

#[test]
fn a_write_that_began_before_a_close_is_refused_when_it_lands() {
    let s = start();
    let c = Client::new();
    let (id, token) = create(&s, &c);
    let now = s.state.now_ms();
    // The API's first check passed for this upload; then the session closed.
    let session = s.state.store.get(&id).unwrap().unwrap();
    assert_eq!(session.status, "open");
    assert_eq!(s.state.store.close(&id, "cancelled", None, &[], &|| now).unwrap(), Ok(()));
    let bytes = jpeg(16, 16, 1);
    let info = idcapture_server::store::PartInfo {
        part: "selfie".into(),
        sha256: sha256_hex(&bytes),
        bytes: bytes.len() as u64,
        width: 16,
        height: 16,
    };
    let r = s.state.store.put_part(&id, &info, &bytes, None, &|| now).unwrap();
    assert_eq!(r, Err(idcapture_server::store::Refused::Closed("cancelled".into())));
    assert_eq!(files_under(&s.state.config.data_dir.join("parts").join(&id)), 0);
    // Closing twice is refused too: status changes are compare-and-set.
    assert_eq!(
        s.state.store.close(&id, "completed", Some("passport"), &[], &|| now).unwrap(),
        Err(idcapture_server::store::Refused::Closed("cancelled".into()))
    );
    // Over HTTP: no write after a cancel.
    assert_eq!(put(&s, &c, &id, &token, "selfie", bytes).status(), StatusCode::CONFLICT);
}

#[test]
fn images_are_deleted_at_cancel_at_expiry_and_after_the_retention() {
    let s = start();
    let c = Client::new();
    let dir = |id: &str| s.state.config.data_dir.join("parts").join(id);
    let upload = |id: &str, token: &str| {
        for (i, part) in ["document_front", "document_back", "selfie"].iter().enumerate() {
            assert_eq!(put(&s, &c, id, token, part, jpeg(64, 40, i as u8)).status(), StatusCode::CREATED);
        }
        assert_eq!(files_under(&dir(id)), 3);
    };

    // Cancel: at once.
    let (cancelled, t1) = create(&s, &c);
    upload(&cancelled, &t1);
    let r = c.post(format!("{}/api/sessions/{cancelled}/cancel", s.base)).bearer_auth(&t1).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(files_under(&dir(&cancelled)), 0);
    assert!(parts_of(&s, &c, &cancelled, &t1).is_empty());

    // Expiry, by the sweeper (nobody reads the session).
    let (expired, t2) = create(&s, &c);
    upload(&expired, &t2);
    // Completed: kept for the retention, then deleted.
    let (done, t3) = create(&s, &c);
    upload(&done, &t3);
    assert_eq!(complete(&s, &c, &done, &t3, "id_card").status(), StatusCode::OK);

    assert_eq!(s.state.sweep().unwrap(), 0, "the cancel deleted its images itself; nothing else is over");
    assert_eq!(files_under(&dir(&expired)), 3);
    s.state.set_clock_offset(3_600_001);
    assert_eq!(s.state.sweep().unwrap(), 1);
    assert_eq!(files_under(&dir(&expired)), 0);
    assert_eq!(files_under(&dir(&done)), 3, "a completed session keeps its images for the retention");
    s.state.set_clock_offset(RETENTION_MS - 120_000);
    assert_eq!(s.state.sweep().unwrap(), 0);
    assert_eq!(files_under(&dir(&done)), 3);
    s.state.set_clock_offset(RETENTION_MS + 1000);
    assert_eq!(s.state.sweep().unwrap(), 1);
    assert_eq!(files_under(&dir(&done)), 0);
    let v: Value = c.get(format!("{}/api/sessions/{done}", s.base)).bearer_auth(&t3).send().unwrap().json().unwrap();
    assert_eq!(v["status"], "completed");
    assert!(v["parts"].as_array().unwrap().is_empty());
    // Nothing left anywhere, and a second sweep has nothing to do.
    assert_eq!(files_under(&s.state.config.data_dir.join("parts")), 0);
    assert_eq!(s.state.sweep().unwrap(), 0);
}

/// The test command builds this crate without the `demo` feature, as a
/// production build is: the test clock is refused even with `test_clock`
/// set in the config, and neither route is compiled into the binary.
#[cfg(not(feature = "demo"))]
#[test]
fn a_production_build_has_no_test_or_demo_route() {
    let s = start();
    assert!(s.state.config.test_clock, "the config asks for it: the build alone refuses");
    let c = Client::new();
    let before = s.state.now_ms();
    let r = c.post(format!("{}/test/clock", s.base)).json(&json!({"offset_ms": 86_400_000})).send().unwrap();
    assert!(r.status() == StatusCode::NOT_FOUND || r.status() == StatusCode::METHOD_NOT_ALLOWED, "{}", r.status());
    assert!(s.state.now_ms() - before < 60_000, "the clock did not move");
    // The binary itself: no demo route compiled in.
    let bin = std::fs::read(env!("CARGO_BIN_EXE_idcapture-server")).unwrap();
    for route in [&b"/test/clock"[..], b"/demo/session"] {
        assert!(!bin.windows(route.len()).any(|w| w == route), "{:?} in the binary", String::from_utf8_lossy(route));
    }
}

#[test]
fn the_back_office_fetches_parts_with_its_key_and_the_shopper_cannot() {
    let s = start();
    let c = Client::new();
    let (id, token) = create(&s, &c);
    let body = jpeg(64, 48, 3);
    assert_eq!(put(&s, &c, &id, &token, "selfie", body.clone()).status(), StatusCode::CREATED);
    let url = format!("{}/api/sessions/{id}/parts/selfie", s.base);
    let r = c.get(&url).header("x-merchant-key", KEY).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(sha256_hex(&r.bytes().unwrap()), sha256_hex(&body), "the bytes the shopper sent");
    // The shopper's token reads no image back; another merchant's own
    // secret reads none of this merchant's sessions; a part not stored is 404.
    assert_eq!(c.get(&url).bearer_auth(&token).send().unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(c.get(&url).header("x-merchant-key", SHOP2_SECRET).send().unwrap().status(), StatusCode::NOT_FOUND);
    let missing = format!("{}/api/sessions/{id}/parts/document_back", s.base);
    assert_eq!(c.get(&missing).header("x-merchant-key", KEY).send().unwrap().status(), StatusCode::NOT_FOUND);
    // A merchant with its own secret reads its own sessions, and the shared
    // key does not read them.
    let r = create_with(&s, &c, SHOP2_SECRET, json!({}));
    let v: Value = r.json().unwrap();
    let (id2, token2) = (v["id"].as_str().unwrap().to_string(), v["token"].as_str().unwrap().to_string());
    assert_eq!(put(&s, &c, &id2, &token2, "selfie", body.clone()).status(), StatusCode::CREATED);
    let url2 = format!("{}/api/sessions/{id2}/parts/selfie", s.base);
    assert_eq!(c.get(&url2).header("x-merchant-key", SHOP2_SECRET).send().unwrap().status(), StatusCode::OK);
    assert_eq!(c.get(&url2).header("x-merchant-key", KEY).send().unwrap().status(), StatusCode::NOT_FOUND);
    // Past the deadline the images are gone at once, not at the next sweep.
    s.state.set_clock_offset(3_600_000 + 1_000);
    assert_eq!(c.get(&url2).header("x-merchant-key", SHOP2_SECRET).send().unwrap().status(), StatusCode::NOT_FOUND);
    s.state.set_clock_offset(0);
    // After a cancel the images are gone, for the back office too.
    let r = c.post(format!("{}/api/sessions/{id}/cancel", s.base)).bearer_auth(&token).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(c.get(&url).header("x-merchant-key", KEY).send().unwrap().status(), StatusCode::NOT_FOUND);
}

/// A TD1 (titre de séjour) MRZ and its fields, as the capture reports it.
fn mrz_report(lines: [&str; 3], reasons: &[&str]) -> String {
    let today = idcapture_quality::mrz::Date::parse_iso("2026-11-30").unwrap();
    let m = idcapture_quality::mrz::from_lines(&lines, today).unwrap();
    let mut v = serde_json::to_value(&m).unwrap();
    v["lines"] = json!(lines);
    json!({"accept": reasons.is_empty(), "reasons": reasons, "guidance": [], "ms": 1.0, "unchecked": false, "mrz": v})
        .to_string()
}

fn put_report(s: &Server, c: &Client, id: &str, token: &str, part: &str, report: &str) -> reqwest::blocking::Response {
    // A new image each time (the same bytes again would be a retry).
    static SEED: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(10);
    let seed = SEED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    c.put(format!("{}/api/sessions/{id}/parts/{part}", s.base))
        .bearer_auth(token)
        .header("content-type", "image/jpeg")
        .header("x-idcapture-report", report)
        .body(jpeg(64, 48, seed))
        .send()
        .unwrap()
}

// Dates far enough from today that the verdicts hold without moving the
// server's clock (the test clock exists only with the `demo` feature): the
// valid card runs to 2031, its holder born in 1965; the expired one ended in
// 2024.
const VALID: [&str; 3] =
    ["IRFRA0FVLSPE8K4<<<<<<<<<<<<<<<", "6506250F3107047FRA<<<<<<<<<<<6", "LEROY<<CAMILLE<PAUL<<<<<<<<<<<"];
const EXPIRED: [&str; 3] =
    ["IRFRAGFDM1M3HN4<<<<<<<<<<<<<<<", "8211251F2406019FRA<<<<<<<<<<<6", "DUBOIS<<CAMILLE<PAUL<<<<<<<<<<"];

#[test]
fn a_reports_mrz_is_checked_again_on_upload() {
    let s = start();
    let c = Client::new();
    let (id, token) = create(&s, &c);
    let code = |r: reqwest::blocking::Response| -> (u16, String) {
        let st = r.status().as_u16();
        (st, r.json::<Value>().map(|v| v["error"].as_str().unwrap_or("").to_string()).unwrap_or_default())
    };
    // A valid read, and an expired one that says so: stored.
    assert_eq!(code(put_report(&s, &c, &id, &token, "document_back", &mrz_report(VALID, &[]))).0, 201);
    assert_eq!(code(put_report(&s, &c, &id, &token, "document_back", &mrz_report(EXPIRED, &["expired"]))).0, 201);
    // An expired document whose report hides it.
    let hidden = mrz_report(EXPIRED, &[]);
    assert_eq!(code(put_report(&s, &c, &id, &token, "document_back", &hidden)), (422, "bad_mrz".into()));
    // A card's TD1 on the front (where a passport's TD3 or a 1995 card's
    // zone would be).
    assert_eq!(
        code(put_report(&s, &c, &id, &token, "document_front", &mrz_report(VALID, &[]))),
        (422, "bad_mrz".into())
    );
    // A check digit changed in the lines.
    let mut lines = VALID.map(String::from);
    lines[1].replace_range(6..7, "5");
    let forged = mrz_report(VALID, &[]).replace(VALID[1], &lines[1]);
    assert_eq!(code(put_report(&s, &c, &id, &token, "document_back", &forged)), (422, "bad_mrz".into()));
    // A field that the lines do not say (the birth date made older).
    let older = mrz_report(VALID, &[]).replace("1965-06-25", "1955-06-25");
    assert_eq!(code(put_report(&s, &c, &id, &token, "document_back", &older)), (422, "bad_mrz".into()));
    // An MRZ on a selfie.
    assert_eq!(code(put_report(&s, &c, &id, &token, "selfie", &mrz_report(VALID, &[]))), (422, "bad_mrz".into()));
}

#[test]
fn a_number_given_at_checkout_must_be_the_one_read() {
    let s = start();
    let c = Client::new();
    let r = create_with(&s, &c, KEY, json!({"parent_origin": DEMO, "document_number": "0fvlspe8k"}));
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().unwrap();
    let (id, token) = (v["id"].as_str().unwrap().to_string(), v["token"].as_str().unwrap().to_string());
    assert!(!v.to_string().contains("0FVLSPE8K"), "the number is never handed back");
    let r = put_report(&s, &c, &id, &token, "document_back", &mrz_report(EXPIRED, &["expired"]));
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(r.json::<Value>().unwrap()["error"], "document_mismatch");
    assert_eq!(put_report(&s, &c, &id, &token, "document_back", &mrz_report(VALID, &[])).status().as_u16(), 201);
    // A malformed number is refused at creation.
    let r = create_with(&s, &c, KEY, json!({"parent_origin": DEMO, "document_number": "12 34"}));
    assert_eq!(r.status().as_u16(), 400);
}
