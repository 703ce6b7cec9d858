//! The verdict scored per reason on labelled folders, as
//! `shared/tools/score-quality` scores it: a frame to refuse counts as caught
//! when it is refused and its reason is among those given; a good frame
//! counts as refused when it is not accepted.
//!
//! Two sources: the frames shipped in `tests/fixtures/quality-v2` (a subset
//! of the labelled set, every class and every kind of good frame, always
//! here), and the whole labelled sets in `../shared/fixtures` where that
//! folder sits beside the checkout (it does for developers and CI). Each
//! run fails below the floors given for it: issue 12's acceptance, no good
//! frame refused and every reason caught in 95 % of its frames (all of them
//! among the shipped ones), and the first set at 0 refused.

use idcapture_quality::{analyze_document, analyze_selfie, FaceDetector, Frame, PixelFormat};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn faces() -> FaceDetector {
    let bytes =
        std::fs::read(format!("{}/../../static/models/seeta_fd_frontal_v1.0.bin", env!("CARGO_MANIFEST_DIR"))).unwrap();
    FaceDetector::from_bytes(&bytes).unwrap()
}

/// Per (kind, class): (right verdicts, frames).
fn score(folder: &Path) -> BTreeMap<(String, String), (u32, u32)> {
    let labels: Value = serde_json::from_str(&std::fs::read_to_string(folder.join("labels.json")).unwrap()).unwrap();
    let mut det = faces();
    let mut tally = BTreeMap::new();
    for l in labels.as_array().unwrap() {
        let file = l["file"].as_str().unwrap();
        let kind = l["kind"].as_str().unwrap().to_string();
        let class = l["reasons"][0].as_str().unwrap_or("good").to_string();
        let img = image::open(folder.join(file)).unwrap_or_else(|e| panic!("{file}: {e}")).to_rgb8();
        let frame = Frame::new(img.width() as usize, img.height() as usize, PixelFormat::Rgb, img.as_raw()).unwrap();
        let (accept, reasons) = if kind == "selfie" {
            let v = analyze_selfie(&frame, &mut det);
            (v.accept, v.reasons)
        } else {
            let v = analyze_document(&frame);
            (v.accept, v.reasons)
        };
        let right = if class == "good" { accept } else { !accept && reasons.iter().any(|r| r.as_str() == class) };
        if !right {
            println!("{file}: {class}, got accept={accept} {reasons:?}");
        }
        let e = tally.entry((kind, class)).or_insert((0, 0));
        e.0 += right as u32;
        e.1 += 1;
    }
    tally
}

/// Fails when good frames are refused more than `max_refused` (share) or a
/// reason is caught in less than its floor (share; `default` for those not
/// listed).
fn check(folder: &Path, max_refused: f32, default: f32, floors: &[(&str, f32)]) {
    let tally = score(folder);
    let mut failures = Vec::new();
    for ((kind, class), (right, n)) in &tally {
        let rate = *right as f32 / *n as f32;
        println!("{kind:8} {class:20} {right}/{n}");
        if class == "good" {
            let refused = 1.0 - rate;
            if refused > max_refused + 1e-6 {
                failures.push(format!("{kind} good: {} of {n} refused", n - right));
            }
        } else {
            let floor = floors.iter().find(|(c, _)| *c == class).map_or(default, |f| f.1);
            if rate + 1e-6 < floor {
                failures.push(format!("{kind} {class}: {right}/{n} caught, floor {floor}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}: {failures:?}", folder.display());
}

/// The whole labelled set, when `../shared` is beside the checkout. CI
/// always has it: there its absence is a failure, not a pass.
fn shared(set: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures").join(set);
    let here = p.join("labels.json").exists();
    assert!(here || std::env::var_os("CI").is_none(), "{} missing on CI", p.display());
    here.then_some(p)
}

#[test]
fn shipped_frames_meet_their_floors() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/quality-v2");
    // No good frame refused, every frame to refuse caught.
    check(&folder, 0.0, 1.0, &[]);
}

#[test]
fn the_whole_dev_set_meets_its_floors() {
    let Some(folder) = shared("quality-v2") else {
        println!("../shared/fixtures/quality-v2 is not beside the checkout: nothing to score");
        return;
    };
    check(&folder, 0.0, 0.95, &[]);
}

#[test]
fn the_first_dev_set_meets_its_floors() {
    let Some(folder) = shared("quality") else {
        println!("../shared/fixtures/quality is not beside the checkout: nothing to score");
        return;
    };
    check(&folder, 0.0, 1.0, &[]);
}

/// Every good document frame shipped, scaled as a camera delivers it (the
/// fake camera's clip fits the 1920 x 1080 the app asks for, as
/// `make-y4m` does; a 1280 x 720 webcam), is still accepted: the e2e shoots
/// these clips live, and the still must agree with the loop that shot them.
#[test]
fn good_documents_hold_at_the_cameras_resolutions() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/quality-v2");
    let labels: Value = serde_json::from_str(&std::fs::read_to_string(folder.join("labels.json")).unwrap()).unwrap();
    let mut refused = Vec::new();
    let mut n = 0;
    for l in labels.as_array().unwrap() {
        if l["kind"] != "document" || l["expect"] != "accept" {
            continue;
        }
        let file = l["file"].as_str().unwrap();
        let img = image::open(folder.join(file)).unwrap().to_rgb8();
        for (bw, bh) in [(1920u32, 1080u32), (1280, 720)] {
            let s = (bw as f32 / img.width() as f32).min(bh as f32 / img.height() as f32).min(1.0);
            let (w, h) =
                (((img.width() as f32 * s).round() as u32) & !1, ((img.height() as f32 * s).round() as u32) & !1);
            let small = image::imageops::resize(&img, w, h, image::imageops::FilterType::Triangle);
            // Three frames of the clip: the sensor's noise differs each time.
            for seed in 1..=3u32 {
                let px = camera_frame(small.as_raw(), w as usize, h as usize, seed);
                let frame = Frame::new(w as usize, h as usize, PixelFormat::Rgb, &px).unwrap();
                let v = analyze_document(&frame);
                n += 1;
                if !v.accept {
                    refused.push(format!("{file} at {w}x{h} (noise {seed}): {:?}", v.reasons));
                }
            }
        }
    }
    assert!(n >= 42, "{n} scaled good frames");
    assert!(refused.is_empty(), "{refused:?}");
}

/// A frame as a camera's stream carries it: Gaussian-like sensor noise
/// (sum of four uniforms on -2..2, sigma ~2.8 levels, from a fixed-seed LCG) and chroma
/// shared by each 2 x 2 block (4:2:0, as the y4m clip and the camera's
/// YUV frames hold it).
fn camera_frame(rgb: &[u8], w: usize, h: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut noise = || {
        let mut sum = 0i32;
        for _ in 0..4 {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            sum += (state >> 24) as i32 % 5 - 2;
        }
        sum
    };
    let mut yuv: Vec<[f32; 3]> = rgb
        .chunks_exact(3)
        .map(|p| {
            let (r, g, b) = (p[0] as f32, p[1] as f32, p[2] as f32);
            let y = 0.299 * r + 0.587 * g + 0.114 * b;
            [y, (b - y) * 0.564, (r - y) * 0.713]
        })
        .collect();
    for by in (0..h - 1).step_by(2) {
        for bx in (0..w - 1).step_by(2) {
            let idx = [by * w + bx, by * w + bx + 1, (by + 1) * w + bx, (by + 1) * w + bx + 1];
            let mean = |c: usize| idx.iter().map(|&i| yuv[i][c]).sum::<f32>() / 4.0;
            let (u, v) = (mean(1), mean(2));
            for &i in &idx {
                yuv[i][1] = u;
                yuv[i][2] = v;
            }
        }
    }
    let mut out = Vec::with_capacity(rgb.len());
    for [y, u, v] in yuv.iter_mut() {
        let y = *y + noise() as f32;
        let (r, b) = (y + *v / 0.713, y + *u / 0.564);
        let g = (y - 0.299 * r - 0.114 * b) / 0.587;
        out.extend([r, g, b].map(|c| c.round().clamp(0.0, 255.0) as u8));
    }
    out
}
