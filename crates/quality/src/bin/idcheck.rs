//! `idcheck`: judge image files as the capture page would judge camera frames.
//!
//! `idcheck --kind document|selfie [--file] [--today YYYY-MM-DD] FILE...` prints one JSON object
//! per line per file. By default only pixels count; `--file` adds container
//! evidence (format, metadata, screen-sized dimensions) for the upload path.
//! A file that cannot be read or decoded gives an `error` line, and the exit
//! status is 1 if any file failed, 2 on bad usage.

use idcapture_quality::mrz::{self, Date};
use idcapture_quality::{analyze_document, FaceDetector, Frame, PixelFormat, Reason};
use image::{ImageDecoder, ImageReader, Limits};
use serde_json::{json, Value};
use std::io::Cursor;
use std::process::ExitCode;
use std::time::Instant;

/// Largest file read (bytes) and decoded image (pixels, bytes): a phone
/// still is ~12-50 MP; beyond that the file is refused, not decoded.
const MAX_FILE: u64 = 64 << 20;
const MAX_SIDE: u32 = 10_000;
const MAX_ALLOC: u64 = 512 << 20;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Document,
    Selfie,
}

fn usage() -> ExitCode {
    eprintln!("usage: idcheck --kind document|selfie [--file] [--today YYYY-MM-DD] FILE...");
    ExitCode::from(2)
}

fn decode(path: &str) -> Result<(image::RgbImage, Value), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > MAX_FILE {
        return Err(format!("file too large: {} bytes (limit {MAX_FILE})", meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut reader =
        ImageReader::new(Cursor::new(&bytes)).with_guessed_format().map_err(|e| format!("cannot read: {e}"))?;
    let format = reader.format().ok_or("not an image format idcheck reads (JPEG, PNG)")?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits.clone());
    let mut decoder = reader.into_decoder().map_err(|e| format!("cannot decode: {e}"))?;
    decoder.set_limits(limits).map_err(|e| format!("too large: {e}"))?;
    let has_exif = decoder.exif_metadata().ok().flatten().is_some_and(|e| !e.is_empty());
    let img = image::DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot decode: {e}"))?;
    let evidence = json!({
        "format": format!("{format:?}").to_lowercase(),
        "exif": has_exif,
    });
    Ok((img.to_rgb8(), evidence))
}

/// Container evidence for uploads (`--file`): a PNG without camera metadata
/// at a phone screen's tall aspect is how screenshots arrive.
fn file_reasons(evidence: &Value, w: u32, h: u32) -> Vec<Reason> {
    let png = evidence["format"] == "png";
    let exif = evidence["exif"].as_bool().unwrap_or(false);
    let (long, short) = (w.max(h) as f32, w.min(h).max(1) as f32);
    let screen_shaped = long / short > 1.9;
    if png && !exif && screen_shaped {
        vec![Reason::Screenshot]
    } else {
        Vec::new()
    }
}

/// The face model the capture page fetches on demand, built into the CLI.
static FACE_MODEL: &[u8] = include_bytes!("../../../../static/models/seeta_fd_frontal_v1.0.bin");

fn load_faces() -> FaceDetector {
    FaceDetector::from_bytes(FACE_MODEL).expect("the bundled face model parses")
}

/// Today in UTC, from the system clock.
fn system_today() -> Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    Date::from_unix_days((secs / 86_400) as i64)
}

fn main() -> ExitCode {
    let mut kind = None;
    let mut with_file = false;
    let mut today = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--kind" => {
                kind = match args.next().as_deref() {
                    Some("document") => Some(Kind::Document),
                    Some("selfie") => Some(Kind::Selfie),
                    _ => return usage(),
                }
            }
            "--file" => with_file = true,
            "--today" => match args.next().as_deref().and_then(Date::parse_iso) {
                Some(d) => today = Some(d),
                None => {
                    eprintln!("idcheck: --today takes a real date, YYYY-MM-DD");
                    return usage();
                }
            },
            "-h" | "--help" => {
                usage();
                return ExitCode::SUCCESS;
            }
            _ if a.starts_with("--") => return usage(),
            _ => files.push(a),
        }
    }
    let Some(kind) = kind else { return usage() };
    let today = today.unwrap_or_else(system_today);
    if files.is_empty() {
        return usage();
    }
    let mut failed = false;
    let mut faces = None;
    for path in &files {
        let line = match decode(path) {
            Err(e) => {
                failed = true;
                json!({"file": path, "error": e})
            }
            Ok((img, evidence)) => {
                let (w, h) = img.dimensions();
                let frame = Frame::new(w as usize, h as usize, PixelFormat::Rgb, img.as_raw())
                    .expect("decoded buffer matches its dimensions");
                let start = Instant::now();
                let mut mrz = Value::Null;
                let (accept, mut reasons, scores, guidance) = match kind {
                    Kind::Document => {
                        let v = analyze_document(&frame);
                        let mut reasons = v.reasons;
                        let mut scores = serde_json::to_value(&v.scores).unwrap_or(Value::Null);
                        let luma = idcapture_quality::frame::Planes::from_frame(&frame);
                        let (read, trace) = mrz::read(&luma.y, luma.w, luma.h, today);
                        scores["mrz"] = serde_json::to_value(&trace).unwrap_or(Value::Null);
                        if let Some(r) = read {
                            reasons.extend(mrz::reasons(&r.mrz, today));
                            mrz = serde_json::to_value(&r.mrz).unwrap_or(Value::Null);
                        }
                        (reasons.is_empty(), reasons, scores, Vec::new())
                    }
                    Kind::Selfie => {
                        let v = idcapture_quality::analyze_selfie(&frame, faces.get_or_insert_with(load_faces));
                        (v.accept, v.reasons, serde_json::to_value(&v.scores).unwrap_or(Value::Null), v.guidance)
                    }
                };
                let ms = start.elapsed().as_secs_f64() * 1000.0;
                let mut accept = accept;
                if with_file && kind == Kind::Document {
                    for r in file_reasons(&evidence, w, h) {
                        if !reasons.contains(&r) {
                            reasons.push(r);
                            accept = false;
                        }
                    }
                }
                let kind_s = if kind == Kind::Document { "document" } else { "selfie" };
                let reasons: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
                let mut o = json!({
                    "file": path, "kind": kind_s, "accept": accept,
                    "reasons": reasons, "scores": scores, "ms": (ms * 100.0).round() / 100.0,
                });
                if with_file {
                    o["container"] = evidence;
                }
                if kind == Kind::Selfie {
                    o["guidance"] = json!(guidance);
                } else {
                    o["mrz"] = mrz;
                }
                o
            }
        };
        println!("{line}");
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
