//! MRZ reading scored on labelled folders, as `shared/tools/score-mrz`
//! scores it: every field that matters (number, birth date, expiry, derived
//! for the 1995 card) right on a side that carries an MRZ, no MRZ reported
//! where there is none, and `expired` / `minor` exactly where labelled.
//!
//! Two sources: the frames shipped in `tests/fixtures/mrz` (always here),
//! where every read must be right, and the whole labelled set in
//! `../shared/fixtures/mrz` when it sits beside the checkout, held to the
//! floors below. A wrong read is never acceptable anywhere.

use idcapture_quality::frame::Planes;
use idcapture_quality::mrz::{self, Date};
use idcapture_quality::{Frame, PixelFormat, Reason};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Default, Debug)]
struct Tally {
    sides: u32,
    read: u32,
    wrong: Vec<String>,
    missed: Vec<String>,
    phantom: Vec<String>,
    reasons_wrong: Vec<String>,
    /// The most of a cell's box any read zone had under glare.
    glare_share: f32,
}

fn score(folder: &Path) -> Tally {
    let labels: Value = serde_json::from_str(&std::fs::read_to_string(folder.join("labels.json")).unwrap()).unwrap();
    let today = Date::parse_iso(labels["today"].as_str().unwrap()).unwrap();
    let mut t = Tally::default();
    for it in labels["items"].as_array().unwrap() {
        let file = it["file"].as_str().unwrap();
        let img = image::open(folder.join(file)).unwrap_or_else(|e| panic!("{file}: {e}")).to_rgb8();
        let frame = Frame::new(img.width() as usize, img.height() as usize, PixelFormat::Rgb, img.as_raw()).unwrap();
        let planes = Planes::from_frame(&frame);
        let (read, trace) = mrz::read(&planes.y, planes.w, planes.h, today);
        if read.is_some() {
            t.glare_share = t.glare_share.max(trace.glare_share);
        }
        let truth = &it["fields"];
        match (truth.is_null(), &read) {
            (true, Some(_)) => t.phantom.push(file.into()),
            (true, None) => {}
            (false, None) => {
                t.sides += 1;
                t.missed.push(file.into());
            }
            (false, Some(r)) => {
                t.sides += 1;
                let expiry = truth["expiry_date"].as_str().or(truth["derived_expiry_date"].as_str()).unwrap();
                let m = &r.mrz;
                if m.document_number == truth["document_number"].as_str().unwrap()
                    && m.birth_date.to_string() == truth["birth_date"].as_str().unwrap()
                    && m.expiry_date.to_string() == expiry
                {
                    t.read += 1;
                } else {
                    t.wrong.push(format!("{file}: {m:?}"));
                }
            }
        }
        let raised: Vec<Reason> = read.as_ref().map(|r| mrz::reasons(&r.mrz, today)).unwrap_or_default();
        let expected: Vec<&str> = it["expect_reasons"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        for r in [Reason::Expired, Reason::Minor] {
            let (want, got) = (expected.contains(&r.as_str()), raised.contains(&r));
            // A reason not raised because the MRZ was missed is counted as a
            // miss above; one raised where it should not be is wrong.
            if got != want && (got || read.is_some()) {
                t.reasons_wrong.push(format!("{file}: {} {}", r.as_str(), if got { "raised" } else { "missed" }));
            }
        }
    }
    t
}

#[test]
fn shipped_mrz_frames_read_right() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mrz");
    let t = score(&folder);
    println!("{t:?}");
    assert!(t.sides >= 7, "the shipped frames: {t:?}");
    assert!(t.wrong.is_empty() && t.phantom.is_empty() && t.reasons_wrong.is_empty(), "{t:?}");
    assert_eq!(t.read, t.sides, "every shipped side reads: {t:?}");
    assert!(t.glare_share < mrz::GLARE_SHARE / 2.0, "a side near the glare refusal: {}", t.glare_share);
}

/// Issue 15's acceptance on the whole labelled set: no wrong read, no
/// phantom, no wrong reason, and every side read (measured at 48 of 48
/// with the trained classifier; its least lead of a true symbol over any
/// other is 0.096, against margins of 0.05 and 0.06). Not a held-out
/// figure: the decoder's margins were calibrated on half of these sides.
#[test]
fn the_labelled_mrz_set_holds_its_floors() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mrz");
    if !folder.join("labels.json").exists() {
        eprintln!("{} not here: skipped", folder.display());
        return;
    }
    let t = score(&folder);
    println!("{t:?}");
    assert!(t.wrong.is_empty(), "wrong reads: {:?}", t.wrong);
    assert!(t.phantom.is_empty(), "MRZ where there is none: {:?}", t.phantom);
    assert!(t.reasons_wrong.is_empty(), "{:?}", t.reasons_wrong);
    assert_eq!(t.read, t.sides, "missed {:?}", t.missed);
    // No labelled side comes near the glare refusal.
    assert!(t.glare_share < mrz::GLARE_SHARE / 2.0, "a side near the glare refusal: {}", t.glare_share);
}

/// Reading is deterministic and total on any input: a blank frame, noise, a
/// frame of text-like stripes and degenerate sizes give no read and no
/// panic.
#[test]
fn no_read_from_what_is_not_an_mrz() {
    let today = Date::parse_iso("2026-11-30").unwrap();
    let (w, h) = (640usize, 400usize);
    let blank = vec![200u8; w * h];
    assert!(mrz::read(&blank, w, h, today).0.is_none());
    let mut seed = 7u32;
    let noise: Vec<u8> = (0..w * h)
        .map(|_| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 24) as u8
        })
        .collect();
    assert!(mrz::read(&noise, w, h, today).0.is_none());
    // Rows of evenly spaced dark blocks: lines of "glyphs" on a pitch.
    let mut stripes = vec![220u8; w * h];
    for row in 0..3 {
        for k in 0..30 {
            for y in 100 + row * 40..120 + row * 40 {
                for x in 20 + k * 20..32 + k * 20 {
                    stripes[y * w + x] = 30;
                }
            }
        }
    }
    assert!(mrz::read(&stripes, w, h, today).0.is_none());
    for (w, h) in [(0, 0), (1, 1), (15, 400), (400, 15)] {
        assert!(mrz::read(&vec![0u8; w * h], w, h, today).0.is_none());
    }
    assert!(mrz::read(&[], 100, 100, today).0.is_none(), "a buffer shorter than its size");
}
