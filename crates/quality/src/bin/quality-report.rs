//! `quality-report`: how well each check separates its classes on a
//! labelled folder, and where its threshold comes from.
//!
//! `quality-report FOLDER [--out DIR]` (default `target/quality-report`)
//! judges every frame of FOLDER (its `labels.json`, the format of
//! `shared/fixtures`), splits the frames by the rule the thresholds were set
//! with, and prints, per check, the score range of the frames it must pass
//! and of those it must catch on each half, the threshold in force, the one
//! the calibration half alone gives, and how many frames each half loses.
//! It draws one PNG per check: every frame's score, by class and half, with
//! the threshold marked, so anyone can see the margins.
//!
//! The split: within each kind and class (good documents, blurred documents,
//! ..., good selfies, ...), frames in file-name order alternate between the
//! calibration half (1st, 3rd, ...: `doc_blur_001.jpg`, `doc_blur_003.jpg`)
//! and the validation half (2nd, 4th, ...). Thresholds in
//! [`idcapture_quality::Thresholds`] and `SelfieThresholds` are set from
//! the calibration half only: the threshold that makes the fewest errors
//! there, a frame wrongly refused counting twice a frame wrongly passed,
//! placed in the middle of the widest gap among the equally good ones (the
//! geometric middle for ratio scores). The validation half and the other
//! labelled sets are the checks of that choice.

use idcapture_quality::selfie::SelfieThresholds;
use idcapture_quality::{analyze_document, analyze_selfie, FaceDetector, Frame, PixelFormat, Thresholds};
use plotters::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

static FACE_MODEL: &[u8] = include_bytes!("../../../../static/models/seeta_fd_frontal_v1.0.bin");

/// One labelled frame, judged.
struct Judged {
    file: String,
    kind: String,
    /// `good` or the reason the frame must be refused for.
    class: String,
    variant: String,
    calibration: bool,
    accept: bool,
    reasons: Vec<String>,
    scores: Value,
}

/// A check: one score, the frames it must catch, its threshold.
struct Check {
    name: &'static str,
    kind: &'static str,
    key: &'static str,
    /// The class it catches, and optionally only these variants of it.
    catches: (&'static str, &'static [&'static str]),
    /// The class it must pass (`good`, or `no_face` for the frame blur).
    passes: &'static str,
    /// Caught when the score is above the threshold (else below).
    above: bool,
    /// Ratio score: drawn and split on a log scale.
    log: bool,
    threshold: f32,
}

fn checks() -> Vec<Check> {
    let t = Thresholds::default();
    let s = SelfieThresholds::default();
    let c = |name, kind, key, catches, passes, above, log, threshold| Check {
        name,
        kind,
        key,
        catches,
        passes,
        above,
        log,
        threshold,
    };
    vec![
        c("blur", "document", "blur", ("blur", &[][..]), "good", true, false, t.max_blur),
        c("frame_blur", "document", "frame_blur", ("blur", &[][..]), "no_document", true, false, t.max_frame_blur),
        c("glare", "document", "glare", ("glare", &[][..]), "good", true, false, t.max_glare),
        c("too_dark", "document", "brightness", ("too_dark", &[][..]), "good", false, false, t.min_brightness),
        c("too_small", "document", "coverage", ("too_small", &[][..]), "good", false, false, t.min_coverage),
        c("cut_off", "document", "hidden", ("cut_off", &[][..]), "good", true, false, t.max_hidden),
        c("screen", "document", "moire", ("screen", &[][..]), "good", true, true, t.max_moire),
        c("screen_colour", "document", "alias", ("screen", &[][..]), "good", true, true, t.max_alias),
        c("screenshot", "document", "flat", ("screenshot", &[][..]), "good", true, false, t.max_flat),
        c("photocopy", "document", "colour", ("photocopy", &[][..]), "good", false, true, t.min_colour),
        c(
            "no_document_blank",
            "document",
            "clutter",
            ("no_document", &["plain_card", "empty"][..]),
            "good",
            false,
            false,
            t.min_content,
        ),
        c("no_document_text", "document", "clutter", ("no_document", &["a4"][..]), "good", true, false, t.max_content),
        c("selfie_blur", "selfie", "blur", ("blur", &[][..]), "good", true, false, s.max_blur),
        c("selfie_frame_blur", "selfie", "frame_blur", ("blur", &[][..]), "no_face", true, false, s.max_frame_blur),
    ]
}

fn judge(folder: &Path) -> Result<Vec<Judged>, String> {
    let labels: Value = serde_json::from_str(
        &std::fs::read_to_string(folder.join("labels.json")).map_err(|e| format!("labels.json: {e}"))?,
    )
    .map_err(|e| format!("labels.json: {e}"))?;
    let items = labels.as_array().ok_or("labels.json is not a list")?;
    let mut faces = FaceDetector::from_bytes(FACE_MODEL).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    // Position of each frame within its kind and class, in file-name order.
    let mut order: Vec<(String, String, String)> = items
        .iter()
        .map(|l| {
            let class = l["reasons"].as_array().and_then(|r| r.first()).and_then(|r| r.as_str()).unwrap_or("good");
            (
                l["kind"].as_str().unwrap_or("").to_string(),
                class.to_string(),
                l["file"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    order.sort();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (kind, class, file) in order {
        let n = seen.entry((kind, class)).or_default();
        index.insert(file, *n);
        *n += 1;
    }
    for l in items {
        let file = l["file"].as_str().ok_or("a label without a file")?.to_string();
        let kind = l["kind"].as_str().unwrap_or("document").to_string();
        let class = l["reasons"].as_array().and_then(|r| r.first()).and_then(|r| r.as_str()).unwrap_or("good");
        let img = image::open(folder.join(&file)).map_err(|e| format!("{file}: {e}"))?.to_rgb8();
        let frame = Frame::new(img.width() as usize, img.height() as usize, PixelFormat::Rgb, img.as_raw())
            .map_err(|e| format!("{file}: {e}"))?;
        let (accept, reasons, scores) = if kind == "selfie" {
            let v = analyze_selfie(&frame, &mut faces);
            (v.accept, v.reasons, serde_json::to_value(&v.scores).unwrap_or(Value::Null))
        } else {
            let v = analyze_document(&frame);
            (v.accept, v.reasons, serde_json::to_value(&v.scores).unwrap_or(Value::Null))
        };
        out.push(Judged {
            calibration: index.get(&file).is_some_and(|i| i % 2 == 0),
            file,
            kind,
            class: class.to_string(),
            variant: l["variant"].as_str().unwrap_or("").to_string(),
            accept,
            reasons: reasons.iter().map(|r| r.as_str().to_string()).collect(),
            scores,
        });
    }
    Ok(out)
}

/// The frames a check is about: (score, must be caught, calibration half).
fn samples(check: &Check, frames: &[Judged]) -> Vec<(f32, bool, bool, String)> {
    frames
        .iter()
        .filter(|f| f.kind == check.kind)
        .filter_map(|f| {
            let positive = f.class == check.catches.0
                && (check.catches.1.is_empty() || check.catches.1.contains(&f.variant.as_str()));
            let negative = f.class == check.passes;
            if !positive && !negative {
                return None;
            }
            let v = f.scores.get(check.key)?.as_f64()? as f32;
            Some((v, positive, f.calibration, f.file.clone()))
        })
        .collect()
}

/// The threshold the calibration half gives: the fewest errors there (a
/// frame wrongly refused counts twice), in the middle of the widest gap
/// between consecutive scores among the equally good.
fn derive(check: &Check, s: &[(f32, bool, bool, String)]) -> Option<f32> {
    let sign = if check.above { 1.0 } else { -1.0 };
    let key = |v: f32| if check.log { sign * v.max(1e-6).ln() } else { sign * v };
    let mut cal: Vec<(f32, bool)> = s.iter().filter(|x| x.2).map(|x| (key(x.0), x.1)).collect();
    if !cal.iter().any(|c| c.1) || !cal.iter().any(|c| !c.1) {
        return None;
    }
    cal.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Threshold between cal[i - 1] and cal[i]: caught are those above it.
    let mut best: Option<(u32, f32, f32)> = None;
    for i in 1..cal.len() {
        let gap = cal[i].0 - cal[i - 1].0;
        if gap <= 0.0 {
            continue;
        }
        let refused = cal[i..].iter().filter(|c| !c.1).count() as u32;
        let missed = cal[..i].iter().filter(|c| c.1).count() as u32;
        let cost = 2 * refused + missed;
        let mid = (cal[i].0 + cal[i - 1].0) / 2.0;
        if best.is_none_or(|(c, g, _)| cost < c || (cost == c && gap > g)) {
            best = Some((cost, gap, mid));
        }
    }
    let mid = best?.2 * sign;
    Some(if check.log { mid.exp() } else { mid })
}

fn caught(check: &Check, v: f32, t: f32) -> bool {
    if check.above {
        v > t
    } else {
        v < t
    }
}

fn draw(check: &Check, s: &[(f32, bool, bool, String)], derived: Option<f32>, out: &Path) -> Result<(), String> {
    // A ratio score of 0 was not measured (no document found): left out of
    // a log scale.
    let s: Vec<_> = s.iter().filter(|x| !check.log || x.0 > 0.0).cloned().collect();
    let s = &s[..];
    let path = out.join(format!("{}.png", check.name));
    let root = BitMapBackend::new(&path, (960, 360)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let tr = |v: f32| if check.log { v.max(1e-6).log10() } else { v };
    let vals: Vec<f32> = s.iter().map(|x| tr(x.0)).chain([tr(check.threshold)]).collect();
    let (lo, hi) = vals.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let pad = ((hi - lo) * 0.05).max(1e-3);
    let x_desc = if check.log { format!("log10({})", check.key) } else { check.key.to_string() };
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "{} ({} {} {}): catches {} / passes {}",
                check.name,
                check.key,
                if check.above { ">" } else { "<" },
                check.threshold,
                check.catches.0,
                check.passes
            ),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(150)
        .build_cartesian_2d((lo - pad)..(hi + pad), 0f32..4f32)
        .map_err(|e| e.to_string())?;
    let rows = ["pass, validation", "pass, calibration", "catch, validation", "catch, calibration"];
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_labels(9)
        .y_label_formatter(&|y| {
            let i = (*y - 0.5).round();
            if (*y - 0.5 - i).abs() < 0.01 && i >= 0.0 {
                rows.get(i as usize).map_or(String::new(), |s| s.to_string())
            } else {
                String::new()
            }
        })
        .disable_y_mesh()
        .draw()
        .map_err(|e| e.to_string())?;
    let row = |positive: bool, cal: bool| (positive as usize * 2 + cal as usize) as f32 + 0.5;
    chart
        .draw_series(s.iter().enumerate().map(|(i, x)| {
            let jitter = ((i * 7919) % 100) as f32 / 100.0 * 0.6 - 0.3;
            let colour = if x.1 { RED } else { BLUE };
            let ok = caught(check, x.0, check.threshold) == x.1;
            let style = if ok { colour.mix(0.6).filled() } else { BLACK.filled() };
            Circle::new((tr(x.0), row(x.1, x.2) + jitter), 4, style)
        }))
        .map_err(|e| e.to_string())?;
    let line = |v: f32| vec![(tr(v), 0.0), (tr(v), 4.0)];
    chart
        .draw_series(LineSeries::new(line(check.threshold), RED.stroke_width(2)))
        .map_err(|e| e.to_string())?
        .label("threshold in force")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
    if let Some(d) = derived {
        chart
            .draw_series(LineSeries::new(line(d), BLACK.mix(0.5).stroke_width(1)))
            .map_err(|e| e.to_string())?
            .label("calibration half's midpoint")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.mix(0.5)));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// A font for the plots' text: the ab_glyph backend has none of its own.
fn register_font() -> bool {
    let candidates = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ];
    for c in candidates {
        if let Ok(bytes) = std::fs::read(c) {
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            if plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_ok() {
                return true;
            }
        }
    }
    false
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut folder = None;
    let mut out = PathBuf::from("target/quality-report");
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => match args.next() {
                Some(o) => out = PathBuf::from(o),
                None => return usage(),
            },
            "-h" | "--help" => {
                usage();
                return ExitCode::SUCCESS;
            }
            _ if a.starts_with("--") => return usage(),
            _ => folder = Some(PathBuf::from(a)),
        }
    }
    let Some(folder) = folder else { return usage() };
    let frames = match judge(&folder) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("quality-report: {e}");
            return ExitCode::from(1);
        }
    };
    // Per class and half: how many frames get their verdict right.
    let mut tally: BTreeMap<(String, String), [[u32; 2]; 2]> = BTreeMap::new();
    for f in &frames {
        let right = if f.class == "good" { f.accept } else { !f.accept && f.reasons.contains(&f.class) };
        let t = tally.entry((f.kind.clone(), f.class.clone())).or_default();
        t[f.calibration as usize][0] += right as u32;
        t[f.calibration as usize][1] += 1;
    }
    println!(
        "{}: {} frames; calibration = 1st, 3rd, ... of each class in file-name order, validation = 2nd, 4th, ...",
        folder.display(),
        frames.len()
    );
    println!("{:8} {:20} {:>12} {:>12} {:>12}", "kind", "class", "calibration", "validation", "whole");
    for ((kind, class), t) in &tally {
        let verb = if class == "good" { "passed" } else { "caught" };
        let cell = |r: [u32; 2]| format!("{}/{}", r[0], r[1]);
        println!(
            "{kind:8} {:20} {:>12} {:>12} {:>12}",
            format!("{class} {verb}"),
            cell(t[1]),
            cell(t[0]),
            cell([t[0][0] + t[1][0], t[0][1] + t[1][1]])
        );
    }
    let fonts = register_font();
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("quality-report: {}: {e}", out.display());
        return ExitCode::from(1);
    }
    println!();
    println!(
        "{:20} {:>10} {:>10} {:>10} {:>10} {:>10} {:>14} {:>14}",
        "check", "pass max", "catch min", "threshold", "from cal.", "(cal.)", "caught cal/val", "refused cal/val"
    );
    for check in checks() {
        let s = samples(&check, &frames);
        if s.is_empty() {
            continue;
        }
        let derived = derive(&check, &s);
        let sign = if check.above { 1.0 } else { -1.0 };
        let worst_pass = s.iter().filter(|x| !x.1 && x.2).map(|x| sign * x.0).fold(f32::NEG_INFINITY, f32::max) * sign;
        let best_catch = s.iter().filter(|x| x.1 && x.2).map(|x| sign * x.0).fold(f32::INFINITY, f32::min) * sign;
        let count = |pos: bool, cal: bool| {
            let v: Vec<_> = s.iter().filter(|x| x.1 == pos && x.2 == cal).collect();
            (v.iter().filter(|x| caught(&check, x.0, check.threshold)).count(), v.len())
        };
        let (cc, cn) = count(true, true);
        let (vc, vn) = count(true, false);
        let (cr, crn) = count(false, true);
        let (vr, vrn) = count(false, false);
        println!(
            "{:20} {:>10.3} {:>10.3} {:>10.3} {:>10} {:>10} {:>14} {:>14}",
            check.name,
            worst_pass,
            best_catch,
            check.threshold,
            derived.map_or("-".into(), |d| format!("{d:.3}")),
            "",
            format!("{cc}/{cn} {vc}/{vn}"),
            format!("{cr}/{crn} {vr}/{vrn}")
        );
        if fonts {
            if let Err(e) = draw(&check, &s, derived, &out) {
                eprintln!("quality-report: {}: {e}", check.name);
            }
        }
    }
    if fonts {
        println!("\nplots: {}/*.png", out.display());
    } else {
        eprintln!("quality-report: no TrueType font found (apt-get install fonts-dejavu-core); no plots drawn");
    }
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: quality-report FOLDER [--out DIR]");
    ExitCode::from(2)
}
