//! The verdict scored per reason on labelled folders, as
//! `shared/tools/score-quality` scores it: a frame to refuse counts as caught
//! when it is refused and its reason is among those given; a good frame
//! counts as refused when it is not accepted.
//!
//! Two sources: the frames shipped in `tests/fixtures/quality-v2` (a subset
//! of the labelled set, every class and every kind of good frame, always
//! here), and the whole labelled sets in `../shared/fixtures` where that
//! folder sits beside the checkout (it does for developers and CI). Each
//! run fails below the floors given for it. The floors are what the checks
//! reach today, so that no change can lose ground unseen; the goal (issue
//! 12) is higher: no good frame refused and every reason caught in 95 % of
//! its frames.

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
    check(&folder, 0.0, 0.95, &[("too_small", 14.0 / 15.0)]);
}

#[test]
fn the_first_dev_set_meets_its_floors() {
    let Some(folder) = shared("quality") else {
        println!("../shared/fixtures/quality is not beside the checkout: nothing to score");
        return;
    };
    check(&folder, 0.0, 1.0, &[]);
}
