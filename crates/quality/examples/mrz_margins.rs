//! Tuning aid (not shipped): how clearly the classifier separates each
//! labelled MRZ cell's true symbol from every other, over a labelled folder
//! (`labels.json` as in `../shared/fixtures/mrz`). For each side with an
//! MRZ, the zone and alignment closest to the label are scored; per cell,
//! the margin is the true symbol's score less the best other symbol's.
//! `SPLIT=even|odd` keeps every other labelled side (calibration and
//! validation halves).
use idcapture_quality::frame::Planes;
use idcapture_quality::mrz::{self, find, format::SYMBOLS, ocr};
use idcapture_quality::{Frame, PixelFormat};
use std::collections::HashMap;

fn main() {
    let dir = std::env::args().nth(1).expect("folder");
    let split = std::env::var("SPLIT").unwrap_or_default();
    let labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/labels.json")).unwrap()).unwrap();
    let items = labels["items"].as_array().unwrap();
    // `CLASSES=path`: a table freshly written by `examples/train_mrz.rs`,
    // scored exactly as the reader scores the shipped one.
    let loaded = std::env::var("CLASSES")
        .ok()
        .map(|p| ocr::Classifier::parse(&std::fs::read(&p).unwrap()).unwrap_or_else(|e| panic!("{p}: {e:?}")));
    let cls = loaded.as_ref().unwrap_or_else(|| ocr::Classifier::shipped());
    let observe = |y: &[u8], w: usize, h: usize, c: &ocr::Cell| -> Option<ocr::Observed> {
        let (s, ink_h) = ocr::sample(y, w, h, c)?;
        Some(cls.observe(s, ink_h))
    };
    let (mut cells, mut errors, mut close3, mut close6, mut missing) = (0, 0, 0, 0, 0);
    let mut pairs: HashMap<(char, char), usize> = HashMap::new();
    let mut margins: Vec<f32> = Vec::new();
    let mut trues: Vec<f32> = Vec::new();
    let mut k = 0;
    for it in items {
        let Some(truth) = it["mrz"].as_array() else { continue };
        k += 1;
        if (split == "even" && k % 2 == 1) || (split == "odd" && k % 2 == 0) {
            continue;
        }
        let truth: Vec<&[u8]> = truth.iter().map(|l| l.as_str().unwrap().as_bytes()).collect();
        let file = it["file"].as_str().unwrap();
        let img = image::open(format!("{dir}/{file}")).unwrap().to_rgb8();
        let (w, h) = (img.width() as usize, img.height() as usize);
        let frame = Frame::new(w, h, PixelFormat::Rgb, img.as_raw()).unwrap();
        let p = Planes::from_frame(&frame);
        let (y, w, h) = if w.max(h) > mrz::MAX_SIDE {
            let kk = mrz::READ_SIDE as f32 / w.max(h) as f32;
            let (sw, sh) = ((w as f32 * kk) as usize, (h as f32 * kk) as usize);
            (idcapture_quality::frame::area_resample(&p.y, w, h, sw, sh), sw, sh)
        } else {
            (p.y.clone(), w, h)
        };
        let found = find::lines(&y, w, h);
        let n = truth[0].len() as i32;
        // Best zone and per-line shift: fewest argmax mismatches.
        let mut best: Option<(usize, Vec<Vec<mrz::format::CellScores>>)> = None;
        for zone in find::zones(&found, truth.len()) {
            let cap = zone.iter().map(|&i| found[i].cap).sum::<f32>() / zone.len() as f32;
            let mut seen = Vec::new();
            for (li, &i) in zone.iter().enumerate() {
                let line = &found[i];
                let kk = line.cells as i32;
                let mut bl: Option<(usize, Vec<Option<ocr::Observed>>)> = None;
                for s in (kk.min(n) - n)..=(kk - n).max(0) {
                    let row: Vec<Option<ocr::Observed>> =
                        (0..n).map(|j| observe(&y, w, h, &line.cell((j + s) as f32, cap))).collect();
                    let bad = row
                        .iter()
                        .zip(truth[li])
                        .filter(|(o, &t)| {
                            let sc = ocr::scores(o.as_ref(), None);
                            let b = (0..37).max_by(|&a, &b| sc[a].total_cmp(&sc[b])).unwrap();
                            SYMBOLS[b] != t
                        })
                        .count();
                    if bl.as_ref().is_none_or(|b| bad < b.0) {
                        bl = Some((bad, row));
                    }
                }
                seen.push(bl.unwrap().1);
            }
            let grid = {
                let seen: Vec<Vec<Option<&ocr::Observed>>> =
                    seen.iter().map(|r| r.iter().map(|o| o.as_ref()).collect()).collect();
                mrz::zone_scores(&seen)
            };
            let bad: usize = grid
                .iter()
                .zip(&truth)
                .map(|(row, t)| {
                    row.iter()
                        .zip(t.iter())
                        .filter(|(sc, &c)| {
                            let b = (0..37).max_by(|&a, &b| sc[a].total_cmp(&sc[b])).unwrap();
                            SYMBOLS[b] != c
                        })
                        .count()
                })
                .sum();
            if best.as_ref().is_none_or(|b| bad < b.0) {
                best = Some((bad, grid));
            }
        }
        let Some((_, grid)) = best else {
            missing += 1;
            println!("{file}: no zone");
            continue;
        };
        let mut line_err = String::new();
        for (row, t) in grid.iter().zip(&truth) {
            for (sc, &c) in row.iter().zip(t.iter()) {
                let ti = SYMBOLS.iter().position(|&x| x == c).unwrap();
                let (oi, os) =
                    (0..37).filter(|&i| i != ti).map(|i| (i, sc[i])).max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
                let m = sc[ti] - os;
                cells += 1;
                margins.push(m);
                trues.push(sc[ti]);
                if m < 0.0 {
                    errors += 1;
                    *pairs.entry((c as char, SYMBOLS[oi] as char)).or_default() += 1;
                    line_err.push_str(&format!(" {}>{}", c as char, SYMBOLS[oi] as char));
                } else if m < 0.03 {
                    close3 += 1;
                } else if m < 0.06 {
                    close6 += 1;
                }
            }
        }
        if !line_err.is_empty() {
            println!("{file}:{line_err}");
        }
    }
    margins.sort_by(f32::total_cmp);
    trues.sort_by(f32::total_cmp);
    println!(
        "true symbol's score: min {:.3} p1 {:.3} p50 {:.3}",
        trues[0],
        trues[trues.len() / 100],
        trues[trues.len() / 2]
    );
    let q = |f: f32| margins.get((margins.len() as f32 * f) as usize).copied().unwrap_or(0.0);
    let mut pv: Vec<_> = pairs.into_iter().collect();
    pv.sort_by_key(|p| std::cmp::Reverse(p.1));
    println!(
        "cells {cells} errors {errors} under0.03 {close3} under0.06 {close6} no-zone {missing} margin min {:.3} p1 {:.3} p5 {:.3} p50 {:.3} sum-of-errors {:.2}",
        margins[0],
        q(0.01),
        q(0.05),
        q(0.5),
        margins.iter().filter(|&&m| m < 0.06).map(|m| 0.06 - m).sum::<f32>()
    );
    println!("confusions (truth>read): {:?}", &pv[..pv.len().min(15)]);
    let neg: Vec<String> = margins.iter().take_while(|&&m| m < 0.0).take(25).map(|m| format!("{m:.3}")).collect();
    println!("worst leads of a wrong symbol: {}", neg.join(" "));
}
