//! MRZs the reader has never seen: random valid lines (numbers, dates,
//! names, all three formats) drawn from a table of 14 x 20 glyph bitmaps
//! (`data/mrz-glyphs.bin`, `tools/make-mrz-glyphs.py`) in OCR-B and in
//! four monospaced faces, at a camera's sizes, tilted, blurred and noisy,
//! then read. A wrong read is never acceptable, in any face; most OCR-B
//! zones must read.

use idcapture_quality::mrz::format::{check_digit, Format, SYMBOLS};
use idcapture_quality::mrz::{self, Date};

static GLYPHS: &[u8] = include_bytes!("data/mrz-glyphs.bin");
const TW: usize = 14;
const TH: usize = 20;

/// A deterministic generator (Numerical Recipes' LCG), so failures repeat.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
    fn pick(&mut self, from: &[u8]) -> u8 {
        from[self.below(from.len() as u32) as usize]
    }
    fn unit(&mut self) -> f32 {
        self.next() as f32 / u32::MAX as f32 * 2.0
    }
}

const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn date(r: &mut Rng, y0: i32, y1: i32) -> String {
    let y = y0 + r.below((y1 - y0) as u32) as i32;
    let m = 1 + r.below(12);
    let d = 1 + r.below(28);
    format!("{:02}{:02}{:02}", y % 100, m, d)
}

fn name(r: &mut Rng, len: usize) -> String {
    let surname: String = (0..3 + r.below(6)).map(|_| r.pick(LETTERS) as char).collect();
    let given: String = (0..3 + r.below(6)).map(|_| r.pick(LETTERS) as char).collect();
    let mut s = format!("{surname}<<{given}");
    s.truncate(len);
    format!("{s:<<len$}")
}

fn cd(s: &str) -> char {
    check_digit(s.as_bytes()) as char
}

/// Random valid lines of `format`.
fn lines(r: &mut Rng, format: Format) -> Vec<String> {
    match format {
        Format::Td1 => {
            let number: String = (0..9).map(|_| r.pick(ALNUM) as char).collect();
            let (birth, expiry) = (date(r, 1940, 2010), date(r, 2015, 2036));
            let l1 = format!("IDFRA{number}{}{}", cd(&number), "<".repeat(15));
            let sex = if r.below(2) == 0 { 'M' } else { 'F' };
            let head = format!("{birth}{}{sex}{expiry}{}FRA{}", cd(&birth), cd(&expiry), "<".repeat(11));
            let composite = format!("{}{}{}{}", &l1[5..30], &head[0..7], &head[8..15], &head[18..29]);
            vec![l1, format!("{head}{}", cd(&composite)), name(r, 30)]
        }
        Format::Td3 => {
            let number: String = (0..9).map(|_| r.pick(ALNUM) as char).collect();
            let (birth, expiry) = (date(r, 1940, 2010), date(r, 2015, 2036));
            let sex = if r.below(2) == 0 { 'M' } else { 'F' };
            let personal = "<".repeat(14);
            let l2 = format!(
                "{number}{}FRA{birth}{}{sex}{expiry}{}{personal}{}",
                cd(&number),
                cd(&birth),
                cd(&expiry),
                cd(&personal)
            );
            let composite = format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..43]);
            vec![format!("P<FRA{}", name(r, 39)), format!("{l2}{}", cd(&composite))]
        }
        Format::FrCni1995 => {
            let issued = format!("{:02}{:02}", 5 + r.below(16), 1 + r.below(12));
            let number = format!("{issued}{:03}{:05}", r.below(1000), r.below(100_000));
            let surname: String = (0..3 + r.below(8)).map(|_| r.pick(LETTERS) as char).collect();
            let office = format!("{:03}{}{:02}", r.below(100), r.pick(b"ACS") as char, r.below(10));
            let l1 = format!("IDFRA{surname:<<25}{office}");
            let given: String = (0..3 + r.below(8)).map(|_| r.pick(LETTERS) as char).collect();
            let birth = date(r, 1940, 1985);
            let sex = if r.below(2) == 0 { 'M' } else { 'F' };
            let head = format!("{number}{}{given:<<14}{birth}{}{sex}", cd(&number), cd(&birth));
            let composite = format!("{l1}{head}");
            vec![l1, format!("{head}{}", cd(&composite))]
        }
    }
}

/// The lines drawn in face `font` on a light card in a darker frame:
/// pitch `pitch` px, capitals `pitch` high (OCR-B's proportions), a tilt
/// of `tilt` px per px, then a box blur of radius `blur` and noise.
fn draw(lines: &[String], font: usize, pitch: f32, tilt: f32, blur: usize, r: &mut Rng) -> (Vec<u8>, usize, usize) {
    let n = lines[0].len() as f32;
    let (w, h) =
        ((n * pitch + 6.0 * pitch) as usize + 40, (lines.len() as f32 * 1.6 * pitch + 8.0 * pitch) as usize + 40);
    let (bg, ink) = (205.0f32, 45.0f32);
    let mut img = vec![bg; w * h];
    let n_sym = 37;
    let rel = &GLYPHS[9 + n_sym..9 + n_sym + 5 * n_sym];
    let data = &GLYPHS[9 + n_sym + 5 * n_sym..];
    let cap = pitch;
    for (li, line) in lines.iter().enumerate() {
        let baseline = 20.0 + 4.0 * pitch + li as f32 * 1.6 * cap + cap;
        for (ci, c) in line.bytes().enumerate() {
            let k = SYMBOLS.iter().position(|&s| s == c).unwrap();
            let ink_h = rel[font * n_sym + k] as f32 / 100.0 * cap;
            let box_h = ink_h * 1.15;
            let box_w = box_h * TW as f32 / TH as f32;
            let cx = 20.0 + 3.0 * pitch + (ci as f32 + 0.5) * pitch;
            let cy = baseline - ink_h / 2.0;
            let t = &data[(font * n_sym + k) * TW * TH..(font * n_sym + k + 1) * TW * TH];
            let (x0, y0) = ((cx - box_w / 2.0).floor() as i32, (cy - box_h / 2.0).floor() as i32);
            for yy in y0..(y0 + box_h.ceil() as i32 + 1) {
                for xx in x0..(x0 + box_w.ceil() as i32 + 1) {
                    let u = (xx as f32 + 0.5 - (cx - box_w / 2.0)) / box_w * TW as f32 - 0.5;
                    let v = (yy as f32 + 0.5 - (cy - box_h / 2.0)) / box_h * TH as f32 - 0.5;
                    if u < -0.5 || v < -0.5 || u > TW as f32 - 0.5 || v > TH as f32 - 0.5 {
                        continue;
                    }
                    let (ui, vi) = (u.clamp(0.0, (TW - 1) as f32), v.clamp(0.0, (TH - 1) as f32));
                    let (u0, v0) = (ui as usize, vi as usize);
                    let (u1, v1) = ((u0 + 1).min(TW - 1), (v0 + 1).min(TH - 1));
                    let (fu, fv) = (ui - u0 as f32, vi - v0 as f32);
                    let p = |a: usize, b: usize| t[b * TW + a] as f32;
                    let tv = p(u0, v0) * (1.0 - fu) * (1.0 - fv)
                        + p(u1, v0) * fu * (1.0 - fv)
                        + p(u0, v1) * (1.0 - fu) * fv
                        + p(u1, v1) * fu * fv;
                    let y = yy + (xx as f32 * tilt) as i32;
                    if xx >= 0 && (xx as usize) < w && y >= 0 && (y as usize) < h {
                        let o = &mut img[y as usize * w + xx as usize];
                        *o = o.min(bg - (255.0 - tv) / 255.0 * (bg - ink));
                    }
                }
            }
        }
    }
    // Box blur (separable), then noise.
    for _ in 0..blur {
        let src = img.clone();
        for y in 0..h {
            for x in 1..w - 1 {
                img[y * w + x] = (src[y * w + x - 1] + src[y * w + x] + src[y * w + x + 1]) / 3.0;
            }
        }
        let src = img.clone();
        for y in 1..h - 1 {
            for x in 0..w {
                img[y * w + x] = (src[(y - 1) * w + x] + src[y * w + x] + src[(y + 1) * w + x]) / 3.0;
            }
        }
    }
    let out = img.iter().map(|&v| (v + (r.unit() - 1.0) * 10.0).clamp(0.0, 255.0) as u8).collect();
    (out, w, h)
}

#[test]
fn unseen_mrzs_read_right_or_not_at_all() {
    let today = Date::parse_iso("2026-11-30").unwrap();
    // MRZ_SEED=n draws another set (for measuring; the test command uses
    // the fixed one).
    let seed = std::env::var("MRZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed);
    let mut r = Rng(seed);
    let (mut n, mut read, mut wrong, mut unchecked_wrong) = (0, 0, Vec::new(), Vec::new());
    let mut substitute_misread = 0;
    let mut per_font = [(0, 0); 5];
    for i in 0..300 {
        let format = Format::ALL[i % 3];
        let truth = lines(&mut r, format);
        // Half in OCR-B, the face ICAO prescribes and the classifier is
        // trained on; half in the monospaced faces specimen generators
        // substitute for it, which must never read wrong (reading them is
        // not asked).
        let font = if i % 2 == 0 { 0 } else { 1 + r.below(4) as usize };
        let pitch = 12.0 + r.below(14) as f32;
        let tilt = (r.unit() - 1.0) * 0.04;
        let blur = r.below(3) as usize;
        let (img, w, h) = draw(&truth, font, pitch, tilt, blur, &mut r);
        n += 1;
        per_font[font].0 += 1;
        if let (Some(got), _) = mrz::read(&img, w, h, today) {
            let want: Vec<&str> = truth.iter().map(|s| s.as_str()).collect();
            let want = mrz::from_lines(&want, today).expect("valid lines");
            let m = &got.mrz;
            // What the check digits protect must be right, always: the
            // number, the dates, the format.
            if (m.format, &m.document_number, m.birth_date, m.expiry_date)
                != (want.format, &want.document_number, want.birth_date, want.expiry_date)
            {
                wrong.push(format!("{format:?} font {font} pitch {pitch} blur {blur}: {:?} != {truth:?}", got.lines));
            } else if *m != want {
                // Names, sex, nationality: no check digit covers them (ICAO
                // Doc 9303), only the classifier's lead. (A pair of unsure
                // cells in the 1995 card's issuing office, unreported, may
                // read either way: nothing reported depends on it.)
                unchecked_wrong.push(format!("{format:?} font {font} pitch {pitch} blur {blur}: {:?}", got.lines));
                substitute_misread += usize::from(font != 0);
            } else {
                read += 1;
                per_font[font].1 += 1;
            }
        }
    }
    println!("per face (drawn, read): {per_font:?}");
    println!("synthetic MRZs: {read}/{n} read, {} wrong, {} with a name misread", wrong.len(), unchecked_wrong.len());
    assert!(wrong.is_empty(), "wrong reads: {wrong:#?}");
    // The faces the classifier was not trained on: no name misread either
    // (the numbers and dates are asserted above for every face).
    assert_eq!(substitute_misread, 0, "names misread in a substitute face: {unchecked_wrong:#?}");
    // Of the OCR-B zones read, at most 1 % with a name misread.
    assert!(unchecked_wrong.len() * 100 <= read + unchecked_wrong.len(), "names misread: {unchecked_wrong:#?}");
    // OCR-B: 92-95 % read over six seeds with the trained classifier
    // (blur up to two passes of a 3-px box on glyphs 12-25 px tall, drawn
    // from 14 x 20 bitmaps, is harsh); a floor under it. The substitute
    // faces read 0 % and never wrong.
    let (drawn, ocrb) = per_font[0];
    assert!(ocrb * 10 >= drawn * 7, "only {ocrb} of {drawn} OCR-B MRZs read");
}

/// A highlight over part of the zone (a translucent bright disc, a quarter
/// to half a pitch in radius, over a random glyph): the zone is refused
/// for glare, or not read, or read right; never a wrong number or date.
/// Names (no check digit covers them): over six seeds, 0 to 2 of 120
/// veiled zones read a name's glyph wrong, the veil too faint for the
/// glare check and the glyph changed enough (`A` read `H`); at most 2 here.
#[test]
fn glare_over_the_zone_is_no_read() {
    let today = Date::parse_iso("2026-11-30").unwrap();
    let seed = std::env::var("MRZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x61a2e);
    let mut r = Rng(seed);
    let (mut n, mut refused, mut unread, mut right) = (0, 0, 0, 0);
    let (mut wrong, mut names) = (Vec::new(), Vec::new());
    for i in 0..120 {
        let format = Format::ALL[i % 3];
        let truth = lines(&mut r, format);
        let pitch = 12.0 + r.below(14) as f32;
        let tilt = (r.unit() - 1.0) * 0.04;
        let blur = r.below(2) as usize;
        let (mut img, w, h) = draw(&truth, 0, pitch, tilt, blur, &mut r);
        // The glyph under the highlight, where `draw` put it.
        let (li, ci) = (r.below(truth.len() as u32) as usize, r.below(truth[0].len() as u32) as usize);
        let cap = pitch;
        let bx = 20.0 + 3.0 * pitch + (ci as f32 + 0.5) * pitch + (r.unit() - 1.0) * 0.3 * pitch;
        let baseline = 20.0 + 4.0 * pitch + li as f32 * 1.6 * cap + cap;
        let by = baseline - cap / 2.0 + bx * tilt + (r.unit() - 1.0) * 0.3 * cap;
        let rad = pitch * (0.25 + 0.125 * r.unit());
        let strength = 0.5 + 0.25 * r.unit();
        for y in 0..h {
            for x in 0..w {
                let d = ((x as f32 - bx).powi(2) + (y as f32 - by).powi(2)).sqrt() / rad;
                if d < 1.0 {
                    let a = strength * (1.0 - d * d);
                    let p = &mut img[y * w + x];
                    *p = (*p as f32 * (1.0 - a) + 255.0 * a) as u8;
                }
            }
        }
        n += 1;
        match mrz::read(&img, w, h, today) {
            (Some(got), _) if got.lines == truth => right += 1,
            (Some(got), _) => {
                let want: Vec<&str> = truth.iter().map(|s| s.as_str()).collect();
                let want = mrz::from_lines(&want, today).expect("valid lines");
                let m = &got.mrz;
                let what = format!("{format:?} pitch {pitch} at {li},{ci}: {:?} != {truth:?}", got.lines);
                if (m.format, &m.document_number, m.birth_date, m.expiry_date)
                    != (want.format, &want.document_number, want.birth_date, want.expiry_date)
                {
                    wrong.push(what);
                } else {
                    names.push(what);
                }
            }
            (None, trace) if trace.glare => refused += 1,
            (None, _) => unread += 1,
        }
    }
    println!(
        "zones under a highlight: {n}, refused for glare {refused}, not read otherwise {unread}, read right {right}, \
         a name misread {}, a number or date wrong {}",
        names.len(),
        wrong.len()
    );
    assert!(wrong.is_empty(), "a number or a date read wrong under glare: {wrong:#?}");
    assert!(names.len() <= 2, "names misread under glare: {names:#?}");
    // Measured 37-51 of 120 over six seeds.
    assert!(refused * 4 >= n, "glare found in only {refused} of {n} zones");
}
