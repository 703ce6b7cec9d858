//! Trains the MRZ cell classifier shipped in `src/mrz/classes.bin` (not
//! shipped itself; run by hand, output committed).
//!
//! Training data is rendered, never taken from the labelled fixtures: lines
//! of random MRZ symbols in OCR-B (ISO 1073-2; Matthew Skala's public-domain
//! digitisation, Debian `fonts-ocr-b`) are drawn at a high resolution, then
//! photographed in software the way a phone sees a document: a random
//! capital height from 8 to 32 px, a small rotation, shear and anisotropic
//! scale (perspective, locally), pixel integration, a defocus blur up to
//! 0.15 capital heights, stroke weight from thin to bold, uneven paper and
//! ink levels, sensor noise, and JPEG at a random quality. Each cell is then
//! framed and sampled by the reader's own code ([`ocr::sample`]) from a
//! grid position jittered as the line fit jitters it, so the classifier
//! learns exactly what the device will show it.
//!
//! The model is a cosine classifier (`PROTOS` zero-mean, unit-norm weight
//! vectors per symbol, started from the mean cells of as many bands of
//! defocus; a symbol's score is its best prototype's cosine with the cell's
//! zero-mean, unit-norm sample, a normalised cross-correlation) trained
//! with a large-margin cosine loss (H. Wang et al., "CosFace: Large margin
//! cosine loss for deep face recognition", CVPR 2018:
//! softmax over `s (cos - m [true class])`), so that the true symbol must
//! lead every other by `m` in training, which is the lead the decoder asks
//! for. Optimiser: Adam (D. P. Kingma, J. Ba, ICLR 2015).
//!
//! Usage: `cargo run --release -p idcapture-quality --example train_mrz --
//! tools/fonts/OCRB.otf crates/quality/src/mrz/classes.bin`
//! Options by environment: `LINES` (rendered lines, default 3000), `SEED`,
//! `EPOCHS` (12), `PROTOS` (prototypes per symbol, 3), `QUANT` (levels each
//! side of zero, 7). It then scores held-out rendered zones as the reader
//! would, with the table it wrote: how far the true symbol leads, how far a
//! wrong one can, and what cells holding no one glyph score.
use ab_glyph::{point, Font, FontVec, PxScale, ScaleFont};
use idcapture_quality::mrz;
use idcapture_quality::mrz::format::SYMBOLS;
use idcapture_quality::mrz::ocr::{self, Cell, BOX, TN};

/// SplitMix64 (S. Vigna): a small, seedable generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn range(&mut self, a: f32, b: f32) -> f32 {
        a + (b - a) * self.f()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn gauss(&mut self) -> f32 {
        let (u, v) = (self.f().max(1e-7), self.f());
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

/// High-resolution capital height the lines are drawn at.
const HI_CAP: f32 = 48.0;
const LINES_PER_ZONE: usize = 3;
const NC: usize = 37;
const CELLS: usize = 44;

struct Sample {
    x: Box<[f32; TN]>,
    ink_h: f32,
    /// Defocus over capital height: which prototype a sample starts in.
    soft: f32,
    label: usize,
    /// The rendered zone it comes from (the height cue is a zone's).
    zone: usize,
}

/// Cells that hold no one glyph, for the held-out report: a glyph half
/// under glare or a stain, or a cell straddling two glyphs.
struct Junk {
    x: Box<[f32; TN]>,
    ink_h: f32,
    zone: usize,
    /// The glyph under a blot (`None`: a cell straddling two).
    label: Option<usize>,
}

/// A grey image as floats.
struct Img {
    w: usize,
    h: usize,
    p: Vec<f32>,
}

impl Img {
    fn at(&self, x: f32, y: f32) -> f32 {
        if x < 0.0 || y < 0.0 || x >= (self.w - 1) as f32 || y >= (self.h - 1) as f32 {
            return 0.0;
        }
        let (x0, y0) = (x as usize, y as usize);
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let i = y0 * self.w + x0;
        self.p[i] * (1.0 - fx) * (1.0 - fy)
            + self.p[i + 1] * fx * (1.0 - fy)
            + self.p[i + self.w] * (1.0 - fx) * fy
            + self.p[i + self.w + 1] * fx * fy
    }
}

fn gaussian_blur(img: &mut Img, sigma: f32) {
    if sigma < 0.05 {
        return;
    }
    let r = (sigma * 3.0).ceil() as i32;
    let k: Vec<f32> = (-r..=r).map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp()).collect();
    let sum: f32 = k.iter().sum();
    let (w, h) = (img.w as i32, img.h as i32);
    let mut tmp = vec![0f32; img.p.len()];
    for y in 0..h {
        for x in 0..w {
            let mut a = 0.0;
            for (d, kw) in (-r..=r).zip(&k) {
                a += kw * img.p[(y * w + (x + d).clamp(0, w - 1)) as usize];
            }
            tmp[(y * w + x) as usize] = a / sum;
        }
    }
    for y in 0..h {
        for x in 0..w {
            let mut a = 0.0;
            for (d, kw) in (-r..=r).zip(&k) {
                a += kw * tmp[((y + d).clamp(0, h - 1) * w + x) as usize];
            }
            img.p[(y * w + x) as usize] = a / sum;
        }
    }
}

/// Grey morphology on the coverage: positive `r` thickens strokes.
fn weight(img: &mut Img, r: i32) {
    if r == 0 {
        return;
    }
    let (w, h) = (img.w as i32, img.h as i32);
    let src = img.p.clone();
    for y in 0..h {
        for x in 0..w {
            let mut v: f32 = if r > 0 { 0.0 } else { 1.0 };
            for dy in -r.abs()..=r.abs() {
                for dx in -r.abs()..=r.abs() {
                    if dx * dx + dy * dy > r * r {
                        continue;
                    }
                    let s = src[((y + dy).clamp(0, h - 1) * w + (x + dx).clamp(0, w - 1)) as usize];
                    v = if r > 0 { v.max(s) } else { v.min(s) };
                }
            }
            img.p[(y * w + x) as usize] = v;
        }
    }
}

/// One rendered zone: its cells, sampled by the reader's code, and (one
/// cell in ten) a junk cell beside one.
fn zone(font: &FontVec, rng: &mut Rng, id: usize, out: &mut Vec<Sample>, junk: &mut Vec<Junk>, failed: &mut usize) {
    // Capital height of OCR-B's H at scale 1 px.
    let h_id = font.glyph_id('H');
    let probe = font.outline_glyph(h_id.with_scale_and_position(PxScale::from(1000.0), point(0.0, 0.0))).unwrap();
    let cap_per_px = (probe.px_bounds().max.y - probe.px_bounds().min.y) / 1000.0;
    let scale = PxScale::from(HI_CAP / cap_per_px);
    let sf = font.as_scaled(scale);
    let adv = sf.h_advance(font.glyph_id('<')) * rng.range(0.97, 1.06);
    let line_gap = HI_CAP * rng.range(1.6, 2.3);
    let margin = 2.0 * HI_CAP;
    let (hw, hh) = (
        (margin * 2.0 + adv * CELLS as f32) as usize,
        (margin * 2.0 + line_gap * (LINES_PER_ZONE - 1) as f32 + HI_CAP) as usize,
    );
    let mut hi = Img { w: hw, h: hh, p: vec![0f32; hw * hh] };
    let mut truth = Vec::new(); // (label, centre x, centre y) in hi-res
    for l in 0..LINES_PER_ZONE {
        let base = margin + HI_CAP + line_gap * l as f32;
        for j in 0..CELLS {
            let k = if rng.f() < 0.15 { 0 } else { rng.below(37) };
            let ch = SYMBOLS[k] as char;
            let x = margin + adv * j as f32;
            let id = font.glyph_id(ch);
            let gx = x + (adv - sf.h_advance(id)) / 2.0;
            if let Some(og) = font.outline_glyph(id.with_scale_and_position(scale, point(gx, base))) {
                let b = og.px_bounds();
                og.draw(|px, py, c| {
                    let (xx, yy) = (b.min.x as i32 + px as i32, b.min.y as i32 + py as i32);
                    if xx >= 0 && yy >= 0 && (xx as usize) < hw && (yy as usize) < hh {
                        let p = &mut hi.p[yy as usize * hw + xx as usize];
                        *p = (*p + c).min(1.0);
                    }
                });
            }
            truth.push((k, x + adv / 2.0, base - HI_CAP / 2.0));
        }
    }
    weight(&mut hi, [-1, 0, 0, 1, 1, 2][rng.below(6)]);
    // The camera: capital height in pixels, rotation, shear, anisotropy.
    let cap = (8f32.ln() + rng.f() * (32f32.ln() - 8f32.ln())).exp();
    let k = cap / HI_CAP;
    let th = rng.range(-4.0, 4.0).to_radians();
    let shear = rng.range(-0.06, 0.06);
    let sx = k * rng.range(0.92, 1.08);
    let sy = k;
    // Forward map hi -> camera: R (S (H p)), H = shear.
    let (c, s) = (th.cos(), th.sin());
    let fwd = |x: f32, y: f32| -> (f32, f32) {
        let (x1, y1) = (x + shear * y, y);
        let (x2, y2) = (x1 * sx, y1 * sy);
        (c * x2 - s * y2, s * x2 + c * y2)
    };
    let inv = |u: f32, v: f32| -> (f32, f32) {
        let (x2, y2) = (c * u + s * v, -s * u + c * v);
        let (x1, y1) = (x2 / sx, y2 / sy);
        (x1 - shear * y1, y1)
    };
    let corners = [(0.0, 0.0), (hw as f32, 0.0), (0.0, hh as f32), (hw as f32, hh as f32)].map(|(x, y)| fwd(x, y));
    let (minx, maxx) = corners.iter().fold((f32::MAX, f32::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
    let (miny, maxy) = corners.iter().fold((f32::MAX, f32::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
    let (ox, oy) = (minx - rng.f(), miny - rng.f());
    let (cw, chh) = ((maxx - ox) as usize + 2, (maxy - oy) as usize + 2);
    let mut cam = Img { w: cw, h: chh, p: vec![0f32; cw * chh] };
    // Pixel integration: 4 x 4 point samples per camera pixel.
    for v in 0..chh {
        for u in 0..cw {
            let mut a = 0.0;
            for sj in 0..4 {
                for si in 0..4 {
                    let (x, y) = inv(u as f32 + ox + (si as f32 + 0.5) / 4.0, v as f32 + oy + (sj as f32 + 0.5) / 4.0);
                    a += hi.at(x, y);
                }
            }
            cam.p[v * cw + u] = a / 16.0;
        }
    }
    let soft = rng.range(0.0, 0.15);
    gaussian_blur(&mut cam, soft * cap);
    // Paper and ink, an uneven light, noise.
    let paper = rng.range(130.0, 245.0);
    let ink = rng.range(5.0, (paper - 50.0).max(10.0));
    let (gx, gy) = (rng.range(-0.3, 0.3) / cw as f32, rng.range(-0.3, 0.3) / chh as f32);
    let noise = rng.range(0.5, 7.0);
    let mut px = vec![0u8; cw * chh];
    for v in 0..chh {
        for u in 0..cw {
            let light = 1.0 + gx * (u as f32 - cw as f32 / 2.0) + gy * (v as f32 - chh as f32 / 2.0);
            let cov = cam.p[v * cw + u];
            let val = (paper * (1.0 - cov) + ink * cov) * light + noise * rng.gauss();
            px[v * cw + u] = val.round().clamp(0.0, 255.0) as u8;
        }
    }
    if rng.f() < 0.7 {
        let q = 40 + rng.below(55) as u8;
        let mut buf = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, q);
        image::ImageEncoder::write_image(enc, &px, cw as u32, chh as u32, image::ExtendedColorType::L8).unwrap();
        px = image::load_from_memory(&buf).unwrap().to_luma8().into_raw();
    }
    // Each cell where the line fit would put it (jittered), sampled by the
    // reader's code. A camera pixel `u` integrates [u + ox, u + ox + 1) of
    // the forward map: its centre, where the reader samples it, is half a
    // pixel in.
    let (ux, uy) = (c, s);
    let pitch = adv * sx;
    for &(label, hx, hy) in &truth {
        let (x, y) = fwd(hx, hy);
        let (ja, jb) = (rng.range(-0.12, 0.12) * pitch, rng.range(-0.12, 0.12) * cap);
        let est_cap = cap * rng.range(0.92, 1.1);
        let cell = Cell {
            cx: x - ox - 0.5 + ux * ja - uy * jb,
            cy: y - oy - 0.5 + uy * ja + ux * jb,
            ux,
            uy,
            width: pitch * rng.range(0.95, 1.05),
            height: est_cap * BOX,
        };
        match ocr::sample(&px, cw, chh, &cell) {
            Some((x, ink_h)) => out.push(Sample { x, ink_h, soft, label, zone: id }),
            None => *failed += 1,
        }
        // One cell in ten, a junk cell beside it: half a pitch off, or the
        // glyph half covered by a bright or a dark blot.
        if rng.f() < 0.1 {
            let kind = rng.below(3);
            let mut jc = cell;
            let mut img = std::borrow::Cow::Borrowed(&px);
            if kind == 0 {
                jc.cx += ux * pitch * 0.5;
                jc.cy += uy * pitch * 0.5;
            } else {
                let img = img.to_mut();
                let (bx, by) = (cell.cx + rng.range(-0.4, 0.4) * pitch, cell.cy + rng.range(-0.4, 0.4) * cap);
                let r = rng.range(0.3, 0.6) * cap;
                let v = if kind == 1 { 255.0 } else { rng.range(0.0, 80.0) };
                for yy in (by - r).max(0.0) as usize..((by + r) as usize + 1).min(chh) {
                    for xx in (bx - r).max(0.0) as usize..((bx + r) as usize + 1).min(cw) {
                        let d = ((xx as f32 - bx).powi(2) + (yy as f32 - by).powi(2)).sqrt() / r;
                        if d < 1.0 {
                            let p = &mut img[yy * cw + xx];
                            let a = (1.0 - d * d).min(1.0);
                            *p = (*p as f32 * (1.0 - a) + v * a) as u8;
                        }
                    }
                }
            }
            if let Some((x, ink_h)) = ocr::sample(&img, cw, chh, &jc) {
                junk.push(Junk { x, ink_h, zone: id, label: (kind != 0).then_some(label) });
            }
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let font_path = args.next().expect("OCRB.otf");
    let out_path = args.next().expect("output");
    let env = |k: &str, d: u64| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let (lines, seed, epochs) = (env("LINES", 3000).max(15), env("SEED", 1), env("EPOCHS", 12) as usize);
    let kp = env("PROTOS", 3).clamp(1, 8) as usize;
    let font = FontVec::try_from_vec(std::fs::read(&font_path).unwrap()).unwrap();
    // `EVAL=1`: no training; score the table at the output path on fresh
    // held-out zones.
    if std::env::var("EVAL").is_ok_and(|v| v == "1") {
        let mut rng = Rng(seed ^ 0xE7A1);
        let (mut held, mut junk, mut failed) = (Vec::new(), Vec::new(), 0);
        for z in 0..(lines as usize / 5).div_ceil(LINES_PER_ZONE) {
            zone(&font, &mut rng, z, &mut held, &mut junk, &mut failed);
        }
        let cls = ocr::Classifier::parse(&std::fs::read(&out_path).unwrap()).unwrap();
        report(&cls, &held, &junk);
        return;
    }
    let mut rng = Rng(seed);
    // (Junk cells are made for the held-out report only: trained as a
    // class of their own, "no one glyph", they cut the junk cells read as
    // a symbol with a name's lead by 3x, but the labelled frames' 1st
    // percentile lead of a true symbol fell from 0.160 to 0.107-0.135.)
    let (mut data, mut held, mut junk, mut train_junk) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut failed = 0;
    let train_zones = (lines as usize).div_ceil(LINES_PER_ZONE);
    for z in 0..train_zones {
        zone(&font, &mut rng, z, &mut data, &mut train_junk, &mut failed);
    }
    for z in 0..(lines as usize / 5).div_ceil(LINES_PER_ZONE) {
        zone(&font, &mut rng, train_zones + z, &mut held, &mut junk, &mut failed);
    }
    eprintln!("training cells {}, held-out {} and {} junk, without ink {failed}", data.len(), held.len(), junk.len());
    // The height cue: each glyph's ink height over the face's `H`, from its
    // outline. (Measured on the rendered cells instead, as the reader
    // measures a zone, the labelled frames' least leads fell from 0.122 to
    // 0.086: their print keeps the outline's proportions.)
    let outline_h = |c: char| {
        let g = font.glyph_id(c).with_scale_and_position(PxScale::from(1000.0), point(0.0, 0.0));
        let o = font.outline_glyph(g).expect("every MRZ symbol has an outline in OCR-B");
        o.px_bounds().max.y - o.px_bounds().min.y
    };
    let rel_h: Vec<f32> = SYMBOLS.iter().map(|&c| outline_h(c as char) / outline_h('H')).collect();
    // Initial weights: prototype p of each class is the mean of its samples
    // in the p-th band of defocus (sharp to soft).
    let mut wt = vec![vec![0f32; TN]; NC * kp];
    for s in &data {
        let p = ((s.soft / 0.15 * kp as f32) as usize).min(kp - 1);
        for (a, b) in wt[s.label * kp + p].iter_mut().zip(s.x.iter()) {
            *a += b;
        }
    }
    wt.iter_mut().for_each(|w| {
        ocr::normalise(w);
    });
    let nw = wt.len();
    let (sc, m) = (30.0f32, 0.06f32);
    let (mut m1, mut m2) = (vec![vec![0f32; TN]; nw], vec![vec![0f32; TN]; nw]);
    let (b1, b2, lr0, eps) = (0.9f32, 0.999f32, 2e-3f32, 1e-8f32);
    let steps = epochs * data.len().div_ceil(256);
    let mut t = 0;
    let batch = 256;
    let mut order: Vec<usize> = (0..data.len()).collect();
    for ep in 0..epochs {
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let mut loss = 0.0;
        for chunk in order.chunks(batch) {
            let mut grad = vec![vec![0f32; TN]; nw];
            for &i in chunk {
                let s = &data[i];
                // Each class's score: its best prototype's cosine (the
                // weights are unit-norm).
                let all: Vec<f32> =
                    wt.iter().map(|w| w.iter().zip(s.x.iter()).map(|(a, b)| a * b).sum::<f32>()).collect();
                let arg: Vec<usize> = (0..NC)
                    .map(|k| (0..kp).max_by(|&a, &b| all[k * kp + a].total_cmp(&all[k * kp + b])).unwrap() + k * kp)
                    .collect();
                let z: Vec<f32> = (0..NC).map(|k| sc * (all[arg[k]] - if k == s.label { m } else { 0.0 })).collect();
                let zm = z.iter().copied().fold(f32::MIN, f32::max);
                let e: Vec<f32> = z.iter().map(|v| (v - zm).exp()).collect();
                let se: f32 = e.iter().sum();
                loss += -(e[s.label] / se).ln();
                for k in 0..NC {
                    let g = sc * (e[k] / se - if k == s.label { 1.0 } else { 0.0 });
                    if g.abs() < 1e-6 {
                        continue;
                    }
                    // d cos / d w = x - cos w (|w| = 1)
                    let a = arg[k];
                    let cos = all[a];
                    for ((gr, &xv), &wv) in grad[a].iter_mut().zip(s.x.iter()).zip(&wt[a]) {
                        *gr += g * (xv - cos * wv);
                    }
                }
            }
            t += 1;
            // Cosine decay of the step to zero (I. Loshchilov, F. Hutter,
            // "SGDR", ICLR 2017, without restarts).
            let lr = lr0 * 0.5 * (1.0 + (std::f32::consts::PI * t as f32 / steps as f32).cos());
            let n = chunk.len() as f32;
            for k in 0..nw {
                for j in 0..TN {
                    let g = grad[k][j] / n;
                    m1[k][j] = b1 * m1[k][j] + (1.0 - b1) * g;
                    m2[k][j] = b2 * m2[k][j] + (1.0 - b2) * g * g;
                    let mh = m1[k][j] / (1.0 - b1.powi(t));
                    let vh = m2[k][j] / (1.0 - b2.powi(t));
                    wt[k][j] -= lr * mh / (vh.sqrt() + eps);
                }
            }
            // Back to zero mean and unit norm (the cosine sees neither, and
            // Adam's steps are relative to the norm).
            wt.iter_mut().for_each(|w| {
                ocr::normalise(w);
            });
        }
        let (err, p1) = evaluate(&wt, kp, &held);
        eprintln!(
            "epoch {ep}: loss {:.4} held-out errors {err}/{} margin p1 {p1:.3}",
            loss / data.len() as f32,
            held.len()
        );
    }
    // Output: b"MRZC", version 2, TW, TH, symbols, prototypes per symbol,
    // the alphabet, 37 ink heights (x 100), then per prototype (symbol-major)
    // an f32 scale and TN i8 weights.
    let mut outb = b"MRZC".to_vec();
    outb.extend([2u8, ocr::TW as u8, ocr::TH as u8, NC as u8, kp as u8]);
    outb.extend_from_slice(SYMBOLS);
    outb.extend(rel_h.iter().map(|&r| (r * 100.0).round() as u8));
    // Each weight one of 15 levels (-7..7 times the scale): four bits of
    // information in a byte, so the table gzips to 12.8 KB instead of 30
    // (the download's budget), while the labelled frames' least leads stay
    // within 0.01 of the unquantised model's (`QUANT=127` writes 8 bits).
    let levels = env("QUANT", 7).clamp(1, 127) as f32;
    for w in &wt {
        let mx = w.iter().fold(0f32, |a, v| a.max(v.abs()));
        outb.extend((mx / levels).to_le_bytes());
        outb.extend(w.iter().map(|v| (v / mx * levels).round() as i8 as u8));
    }
    std::fs::write(&out_path, &outb).unwrap();
    eprintln!("{out_path}: {} bytes", outb.len());
    report(&ocr::Classifier::parse(&outb).expect("the table just written"), &held, &junk);
}

/// The held-out cells scored as the reader scores them: the written (quantised)
/// table, the height cue from each zone's capitals (`mrz::zone_cap`). How far
/// the true symbol leads, how far a wrong one can lead (all pairs, and the
/// pairs no check digit tells apart: values equal mod 10), and what junk
/// cells score, against the decoder's constants.
fn report(cls: &ocr::Classifier, held: &[Sample], junk: &[Junk]) {
    use idcapture_quality::mrz::format::{self, value};
    let obs: Vec<ocr::Observed> = held.iter().map(|s| cls.observe(s.x.clone(), s.ink_h)).collect();
    let mut caps = std::collections::HashMap::new();
    let mut by_zone: std::collections::HashMap<usize, Vec<&ocr::Observed>> = Default::default();
    for (s, o) in held.iter().zip(&obs) {
        by_zone.entry(s.zone).or_default().push(o);
    }
    for (z, v) in by_zone {
        caps.insert(z, mrz::zone_cap(v));
    }
    let no_cue = caps.values().filter(|c| c.is_none()).count();
    let (mut leads, mut wrong, mut blind, mut pairs) = (Vec::new(), Vec::new(), Vec::new(), Default::default());
    let pairs: &mut std::collections::HashMap<(char, char), usize> = &mut pairs;
    for (s, o) in held.iter().zip(&obs) {
        let sc = ocr::scores(Some(o), caps[&s.zone]);
        let (oi, os) =
            (0..37).filter(|&k| k != s.label).map(|k| (k, sc[k])).max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        let lead = sc[s.label] - os;
        leads.push(lead);
        if lead < 0.0 {
            wrong.push(-lead);
            *pairs.entry((SYMBOLS[s.label] as char, SYMBOLS[oi] as char)).or_default() += 1;
            if value(SYMBOLS[s.label]) % 10 == value(SYMBOLS[oi]) % 10 {
                blind.push(-lead);
            }
        }
    }
    leads.sort_by(f32::total_cmp);
    let q = |v: &[f32], f: f32| v[((v.len() as f32 * f) as usize).min(v.len() - 1)];
    let over = |v: &[f32], m: f32| v.iter().filter(|&&l| l > m).count();
    eprintln!(
        "held-out as read: {} cells in {} zones ({no_cue} without the height cue), {} misread; true lead min {:.3} p0.1 {:.3} p1 {:.3}",
        held.len(),
        caps.len(),
        wrong.len(),
        leads[0],
        q(&leads, 0.001),
        q(&leads, 0.01)
    );
    for m in [format::ALNUM_MARGIN, format::UNCHECKED_MARGIN, format::CLEAR_MARGIN, 0.10, 0.12] {
        eprintln!(
            "  a wrong symbol leads by over {m:.2}: {} cells ({:.3} %), {} of them a pair no check digit tells apart",
            over(&wrong, m),
            100.0 * over(&wrong, m) as f32 / held.len() as f32,
            over(&blind, m)
        );
    }
    let mut pv: Vec<_> = pairs.iter().collect();
    pv.sort_by_key(|p| std::cmp::Reverse(*p.1));
    eprintln!("  confusions (truth, read): {:?}", &pv[..pv.len().min(12)]);
    // Junk: its best symbol's score and lead.
    let mut top = Vec::new();
    let mut sure = [0usize; 2];
    let mut wrong_sure = [0usize; 2];
    for j in junk {
        let o = cls.observe(j.x.clone(), j.ink_h);
        let sc = ocr::scores(Some(&o), caps.get(&j.zone).copied().flatten());
        let mut v = sc.to_vec();
        v.sort_by(|a, b| b.total_cmp(a));
        top.push(v[0]);
        if v[0] >= format::MIN_SCORE && v[0] - v[1] >= format::ALNUM_MARGIN {
            sure[0] += 1;
        }
        if v[0] >= format::MIN_SCORE && v[0] - v[1] >= format::UNCHECKED_MARGIN {
            sure[1] += 1;
            // Read as a symbol other than the one under the blot, as surely
            // as a name's cell must be.
            let k = (0..37).max_by(|&a, &b| sc[a].total_cmp(&sc[b])).unwrap();
            if j.label != Some(k) {
                wrong_sure[if j.label.is_some() { 0 } else { 1 }] += 1;
            }
        }
    }
    top.sort_by(f32::total_cmp);
    if !top.is_empty() {
        eprintln!(
            "junk cells: {}; best score p50 {:.3} p90 {:.3} max {:.3}; over MIN_SCORE {:.2} and leading by {:.2}: {}, by {:.2}: {}",
            top.len(),
            q(&top, 0.5),
            q(&top, 0.9),
            top[top.len() - 1],
            format::MIN_SCORE,
            format::ALNUM_MARGIN,
            sure[0],
            format::UNCHECKED_MARGIN,
            sure[1]
        );
        eprintln!(
            "  of those by {:.2}, read as another symbol: {} blotted glyphs, {} cells straddling two ({} and {} such cells)",
            format::UNCHECKED_MARGIN,
            wrong_sure[0],
            wrong_sure[1],
            junk.iter().filter(|j| j.label.is_some()).count(),
            junk.iter().filter(|j| j.label.is_none()).count()
        );
    }
}

/// Held-out errors and the first percentile of the true symbol's lead.
fn evaluate(wt: &[Vec<f32>], kp: usize, held: &[Sample]) -> (usize, f32) {
    let mut err = 0;
    let mut leads = Vec::with_capacity(held.len());
    for s in held {
        let all: Vec<f32> = wt.iter().map(|w| w.iter().zip(s.x.iter()).map(|(a, b)| a * b).sum()).collect();
        let cos: Vec<f32> =
            (0..NC).map(|k| all[k * kp..(k + 1) * kp].iter().copied().fold(f32::MIN, f32::max)).collect();
        let other = (0..NC).filter(|&k| k != s.label).map(|k| cos[k]).fold(f32::MIN, f32::max);
        let lead = cos[s.label] - other;
        if lead < 0.0 {
            err += 1;
        }
        leads.push(lead);
    }
    leads.sort_by(f32::total_cmp);
    let over = |m: f32| leads.iter().filter(|&&l| l < -m).count();
    eprintln!(
        "  wrong symbol leading by over 0.03: {}, 0.05: {}, 0.08: {}, 0.12: {}; true lead under 0.05: {}",
        over(0.03),
        over(0.05),
        over(0.08),
        over(0.12),
        leads.iter().filter(|&&l| l < 0.05).count()
    );
    (err, leads[leads.len() / 100])
}
