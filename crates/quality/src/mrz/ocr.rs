//! Classifying one MRZ cell: its ink framed, then scored against each
//! symbol by a cosine classifier trained on rendered OCR-B.
//!
//! The MRZ is printed in OCR-B (ISO 1073-2), on a fixed pitch, in a zone
//! kept clear of any other print (ICAO Doc 9303 part 3 §4.3): every cell
//! holds exactly one of 37 known glyphs. Each cell's ink is found (the
//! classic size normalisation of character recognition: the glyph's box
//! scaled to a fixed height, its width kept in proportion, so that `0` and
//! `O`, which differ mostly in width, stay apart), resampled to `TW` x `TH`,
//! made zero-mean and unit-norm, and scored against each symbol by the
//! cosine between it and the symbol's weight vector, itself zero-mean and
//! unit-norm: a normalised cross-correlation (J. P. Lewis, "Fast normalized
//! cross-correlation", Vision Interface 1995) with a template that was
//! *learned* rather than drawn. The weights ([`Classifier`],
//! `classes.bin`: three prototypes per symbol, 280 weights of 15 levels
//! and a scale each, 31 KB, 13 KB gzipped) are trained by
//! `examples/train_mrz.rs` on OCR-B rendered and photographed in software
//! (size, tilt, perspective, defocus, stroke weight, light, noise, JPEG),
//! sampled by this very code ([`sample`]), with a large-margin cosine loss
//! (H. Wang et al., "CosFace", CVPR 2018): the weights put their mass on
//! the strokes that tell confusable symbols apart (the bar of `E` against
//! `C`, the left stem of `B` against `8`), which a drawn template, matched
//! as a whole, drowns in the blur. No labelled fixture is used in
//! training; the decoder's margins are calibrated on one half of the
//! labelled frames and checked on the other.

use super::format::{CellScores, SYMBOLS};
use std::sync::OnceLock;

/// Sample width and height (cells are resampled to this).
pub const TW: usize = 14;
pub const TH: usize = 20;
pub const TN: usize = TW * TH;
/// Height of a cell's box over the capitals' height: room for glyphs that
/// rise above or sink below the capitals, and for a misplaced centre line.
pub const BOX: f32 = 1.5;
/// The framed box's height over the ink's (as the trainer frames it).
const MARGIN: f32 = 1.15;
/// The grid a cell is first sampled on to find its ink.
const GW: usize = 24;
const GH: usize = 40;
/// Weight of the height mismatch (in capital heights) against the cosine.
const HEIGHT_WEIGHT: f32 = 1.0;

static CLASSES: &[u8] = include_bytes!("classes.bin");

/// A trained cell classifier: `protos` weight vectors per symbol, each
/// zero-mean and unit-norm (so that its dot product with a zero-mean,
/// unit-norm sample is their normalised cross-correlation), and each
/// symbol's ink height over OCR-B's `H` (the height cue).
#[derive(Clone, Debug)]
pub struct Classifier {
    w: Vec<[f32; TN]>,
    protos: usize,
    rel_h: [f32; 37],
}

/// Why a classifier table was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableError {
    Header,
    Shape,
    Alphabet,
    Size,
    /// A scale that is not a number in (0, 1), a glyph height out of
    /// 0.50-1.50 of `H`, or a prototype whose levels are all one.
    Values,
}

impl Classifier {
    /// Parse a table: b"MRZC", version 2, TW, TH, 37, prototypes per
    /// symbol, the alphabet, 37 ink heights (x 100), then per prototype
    /// (symbol-major) an f32 (little-endian) scale and TN signed bytes.
    pub fn parse(g: &[u8]) -> Result<Classifier, TableError> {
        if g.len() < 83 || &g[0..4] != b"MRZC" || g[4] != 2 {
            return Err(TableError::Header);
        }
        if g[5] as usize != TW || g[6] as usize != TH || g[7] != 37 || g[8] == 0 {
            return Err(TableError::Shape);
        }
        let protos = g[8] as usize;
        if &g[9..46] != SYMBOLS {
            return Err(TableError::Alphabet);
        }
        let data = &g[83..];
        if data.len() != 37 * protos * (4 + TN) {
            return Err(TableError::Size);
        }
        if g[46..83].iter().any(|h| !(50..=150).contains(h)) {
            return Err(TableError::Values);
        }
        let rel_h = std::array::from_fn(|k| g[46 + k] as f32 / 100.0);
        let mut w = Vec::with_capacity(37 * protos);
        for c in data.chunks_exact(4 + TN) {
            let scale = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            // A positive scale under 1 (levels of at most 127 times it),
            // and levels that are not all one value.
            let levels = &c[4..];
            if !(scale.is_finite() && scale > 0.0 && scale < 1.0) || levels.iter().all(|&v| v == levels[0]) {
                return Err(TableError::Values);
            }
            let mut a = [0f32; TN];
            for (o, &v) in a.iter_mut().zip(&c[4..]) {
                *o = v as i8 as f32 * scale;
            }
            // Zero-mean and unit-norm again after quantisation.
            if !normalise(&mut a) {
                return Err(TableError::Values);
            }
            w.push(a);
        }
        Ok(Classifier { w, protos, rel_h })
    }

    /// The classifier shipped in `classes.bin`.
    pub fn shipped() -> &'static Classifier {
        static M: OnceLock<Classifier> = OnceLock::new();
        M.get_or_init(|| Classifier::parse(CLASSES).expect("classes.bin"))
    }

    /// Each symbol's cosine with a zero-mean, unit-norm sample: its best
    /// prototype's. The prototype is chosen per cell, as in training (the
    /// template matcher before it chose one blur level per zone; the
    /// prototypes are not blur levels once trained, and choosing per zone
    /// would score cells with weights they were not trained against).
    pub fn cosines(&self, s: &[f32; TN]) -> [f32; 37] {
        std::array::from_fn(|k| {
            self.w[k * self.protos..(k + 1) * self.protos]
                .iter()
                .map(|p| p.iter().zip(s.iter()).map(|(a, b)| a * b).sum::<f32>())
                .fold(-1.0, f32::max)
        })
    }

    /// Observe a cell from its sample ([`sample`]).
    pub fn observe(&self, sample: Box<[f32; TN]>, ink_h: f32) -> Observed {
        let cos = self.cosines(&sample);
        Observed { sample, ink_h, cos, rel_h: self.rel_h }
    }
}

/// Zero mean and unit norm, in place; false (the vector left centred) for
/// one without contrast. Samples and weights alike (the trainer projects
/// its weights with it).
pub fn normalise(v: &mut [f32]) -> bool {
    let mean = v.iter().sum::<f32>() / v.len() as f32;
    let mut norm = 0.0;
    for x in v.iter_mut() {
        *x -= mean;
        norm += *x * *x;
    }
    let norm = norm.sqrt();
    if norm < 1e-3 {
        return false;
    }
    for x in v.iter_mut() {
        *x /= norm;
    }
    true
}

/// A cell's place in the image: its centre, the unit vector along the line
/// (`u`), the cell's width along it (the pitch) and its height across it.
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    pub cx: f32,
    pub cy: f32,
    pub ux: f32,
    pub uy: f32,
    pub width: f32,
    pub height: f32,
}

fn bilinear(y: &[u8], w: usize, h: usize, x: f32, yy: f32) -> f32 {
    let x = x.clamp(0.0, (w - 1) as f32);
    let yy = yy.clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (x as usize, yy as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, yy - y0 as f32);
    let p = |xx: usize, yv: usize| y[yv * w + xx] as f32;
    p(x0, y0) * (1.0 - fx) * (1.0 - fy)
        + p(x1, y0) * fx * (1.0 - fy)
        + p(x0, y1) * (1.0 - fx) * fy
        + p(x1, y1) * fx * fy
}

/// The cell's box resampled to a `gw` x `gh` grid (2 x 2 samples per grid
/// pixel, so a box larger than the grid is averaged, not aliased).
pub fn sample_grid(y: &[u8], w: usize, h: usize, c: &Cell, gw: usize, gh: usize, out: &mut [f32]) {
    let (nx, ny) = (-c.uy, c.ux); // across the line, downwards
    for j in 0..gh {
        for i in 0..gw {
            let mut acc = 0.0;
            for (sa, sb) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                let a = ((i as f32 + sa) / gw as f32 - 0.5) * c.width;
                let b = ((j as f32 + sb) / gh as f32 - 0.5) * c.height;
                acc += bilinear(y, w, h, c.cx + c.ux * a + nx * b, c.cy + c.uy * a + ny * b);
            }
            out[j * gw + i] = acc / 4.0;
        }
    }
}

/// The longest run of marked indices, gaps of up to `gap` bridged.
fn run(marks: &[u32], gap: usize) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize, u32)> = None;
    let mut cur: Option<(usize, usize, u32)> = None;
    let mut since = 0;
    for (i, &m) in marks.iter().enumerate() {
        if m > 0 {
            cur = match cur {
                Some((a, _, s)) if since <= gap => Some((a, i, s + m)),
                _ => Some((i, i, m)),
            };
            since = 0;
            if let Some(c) = cur {
                if best.is_none_or(|b| c.2 > b.2) {
                    best = Some(c);
                }
            }
        } else {
            since += 1;
        }
    }
    best.map(|(a, b, _)| (a, b))
}

/// The cell framed on its ink, as the trainer framed its cells, and the ink's
/// height (image pixels, to a fraction of the grid: the edges are where the
/// darkest pixel of each row crosses the threshold, interpolated). `None`
/// when the cell holds no ink (a contrast under 24 levels).
pub fn framed(y: &[u8], w: usize, h: usize, c: &Cell) -> Option<(Cell, f32)> {
    let mut g = [0f32; GW * GH];
    sample_grid(y, w, h, c, GW, GH, &mut g);
    let mut sorted = g;
    sorted.sort_by(f32::total_cmp);
    let (lo, hi) = (sorted[GW * GH / 20], sorted[GW * GH * 19 / 20]);
    if hi - lo < 24.0 {
        return None;
    }
    let t = (lo + hi) / 2.0;
    let mut rows = [0u32; GH];
    for (j, r) in rows.iter_mut().enumerate() {
        *r = (0..GW).filter(|&i| g[j * GW + i] < t).count() as u32;
    }
    let (r0, r1) = run(&rows, 1)?;
    let mut cols = [0u32; GW];
    for (i, col) in cols.iter_mut().enumerate() {
        *col = (r0..=r1).filter(|&j| g[j * GW + i] < t).count() as u32;
    }
    let (c0, c1) = run(&cols, 2)?;
    let row_min = |j: usize| (c0..=c1).map(|i| g[j * GW + i]).fold(f32::MAX, f32::min);
    let top = if r0 > 0 {
        let (out, inn) = (row_min(r0 - 1), row_min(r0));
        r0 as f32 - 0.5 + ((out - t) / (out - inn).max(1e-3)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let bottom = if r1 + 1 < GH {
        let (inn, out) = (row_min(r1), row_min(r1 + 1));
        r1 as f32 + 0.5 + ((t - inn) / (out - inn).max(1e-3)).clamp(0.0, 1.0)
    } else {
        GH as f32
    };
    // Grid units to the cell's frame (along, across), from its centre.
    let a = ((c0 + c1 + 1) as f32 / 2.0 / GW as f32 - 0.5) * c.width;
    let b = ((top + bottom) / 2.0 / GH as f32 - 0.5) * c.height;
    let ink_h = (bottom - top) / GH as f32 * c.height;
    if ink_h < 3.0 {
        return None;
    }
    let height = ink_h * MARGIN;
    let f = Cell {
        cx: c.cx + c.ux * a - c.uy * b,
        cy: c.cy + c.uy * a + c.ux * b,
        width: height * TW as f32 / TH as f32,
        height,
        ..*c
    };
    Some((f, ink_h))
}

/// What the classifier saw in a cell: its framed ink, normalised, the
/// ink's height, each symbol's cosine, and the classifier's glyph heights.
#[derive(Clone, Debug)]
pub struct Observed {
    sample: Box<[f32; TN]>,
    pub ink_h: f32,
    cos: [f32; 37],
    rel_h: [f32; 37],
}

impl Observed {
    /// The framed ink resampled to `TW` x `TH`, zero-mean and unit-norm.
    pub fn sample(&self) -> &[f32; TN] {
        &self.sample
    }
}

/// A cell's framed ink resampled to `TW` x `TH`, zero-mean and unit-norm,
/// and the ink's height (`None` for a cell without ink): what the
/// classifier sees, and what `examples/train_mrz.rs` trains it on.
pub fn sample(y: &[u8], w: usize, h: usize, c: &Cell) -> Option<(Box<[f32; TN]>, f32)> {
    let (f, ink_h) = framed(y, w, h, c)?;
    let mut s = Box::new([0f32; TN]);
    sample_grid(y, w, h, &f, TW, TH, &mut s[..]);
    normalise(&mut s[..]).then_some((s, ink_h))
}

/// Observe a cell with the shipped classifier (`None` for a cell without
/// ink).
pub fn observe(y: &[u8], w: usize, h: usize, c: &Cell) -> Option<Observed> {
    let (s, ink_h) = sample(y, w, h, c)?;
    Some(Classifier::shipped().observe(s, ink_h))
}

/// The symbols' scores for an observed cell: the cosine with each symbol's
/// weights less the mismatch between the cell's ink height over the line's
/// capitals (`cap`, when known) and the glyph's (in OCR-B digits stand
/// taller than capitals, and `0` is otherwise an `O` narrowed).
pub fn scores(o: Option<&Observed>, cap: Option<f32>) -> CellScores {
    let Some(o) = o else { return [-1f32; 37] };
    std::array::from_fn(|k| o.cos[k] - cap.map_or(0.0, |cap| HEIGHT_WEIGHT * (o.ink_h / cap - o.rel_h[k]).abs()))
}

/// A flat capital's ink height scaled to its face's `H` (OCR-B's `B`, `E`
/// or `Z` stand a few per cent shorter), for the capitals' height.
pub fn as_cap_height(o: &Observed, k: usize) -> f32 {
    o.ink_h / o.rel_h[k]
}

/// Scores of every symbol for a cell, without the height cue (all -1 for a
/// cell without ink).
pub fn classify(y: &[u8], w: usize, h: usize, c: &Cell) -> CellScores {
    scores(observe(y, w, h, c).as_ref(), None)
}

/// Capitals without overshoot (like `O`) or tail (like `Q`), whose ink
/// height is the capital height give or take a few per cent
/// ([`as_cap_height`] takes that out): the line's height reference.
pub fn is_flat_capital(c: u8) -> bool {
    matches!(
        c,
        b'A' | b'B'
            | b'D'
            | b'E'
            | b'F'
            | b'H'
            | b'I'
            | b'K'
            | b'L'
            | b'M'
            | b'N'
            | b'P'
            | b'R'
            | b'T'
            | b'U'
            | b'V'
            | b'W'
            | b'X'
            | b'Y'
            | b'Z'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every symbol drawn in OCR-B (the committed face the weights were
    /// trained from, rendered here afresh and defocused otherwise), between
    /// fillers, off the cell's centre, reads as itself (the capitals'
    /// height measured as a zone measures it).
    #[test]
    fn ocr_b_reads_itself() {
        use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
        let font = FontRef::try_from_slice(include_bytes!("../../../../tools/fonts/OCRB.otf")).unwrap();
        // The face's capital height per pixel of scale, from its `H`.
        let hb = font
            .outline_glyph(font.glyph_id('H').with_scale_and_position(PxScale::from(1000.0), point(0.0, 0.0)))
            .unwrap()
            .px_bounds();
        let cap_per_px = (hb.max.y - hb.min.y) / 1000.0;
        let (w, h) = (96usize, 96usize);
        // The pitch over the capitals' height (OCR-B is monospaced).
        let pitch_per_cap = font.as_scaled(PxScale::from(1000.0)).h_advance(font.glyph_id('<')) / 1000.0 / cap_per_px;
        // `sym` with capitals `cap` px tall, centred `dx` px off the cell,
        // between two fillers at the pitch (as in a line), then `blur`
        // passes of a 3 x 3 box.
        let draw = |sym: u8, cap: f32, blur: usize, dx: f32| -> Vec<u8> {
            let mut cov = vec![0f32; w * h];
            let pitch = cap * pitch_per_cap;
            for (ch, at) in [(b'<', dx - pitch), (sym, dx), (b'<', dx + pitch)] {
                let g =
                    font.glyph_id(ch as char).with_scale_and_position(PxScale::from(cap / cap_per_px), point(0.0, 0.0));
                let og = font.outline_glyph(g).unwrap();
                let b = og.px_bounds();
                // Baseline `cap / 2` below the cell's centre.
                let (ox, oy) = (48.0 + at - (b.min.x + b.max.x) / 2.0, 48.0 + cap / 2.0);
                og.draw(|x, y, c| {
                    let (xx, yy) = ((ox + b.min.x) as usize + x as usize, (oy + b.min.y) as usize + y as usize);
                    cov[yy * w + xx] = c;
                });
            }
            let mut img: Vec<u8> = cov.iter().map(|c| (220.0 - 180.0 * c) as u8).collect();
            for _ in 0..blur {
                let src = img.clone();
                for y in 1..h - 1 {
                    for x in 1..w - 1 {
                        let s: u32 = (0..9).map(|i| src[(y + i / 3 - 1) * w + x + i % 3 - 1] as u32).sum();
                        img[y * w + x] = (s / 9) as u8;
                    }
                }
            }
            img
        };
        let mut bad = Vec::new();
        for (cap, blur, dx) in [(24.0f32, 0usize, 0.0f32), (16.0, 1, 2.0), (12.0, 0, -1.5)] {
            let c = Cell { cx: 48.0, cy: 48.0, ux: 1.0, uy: 0.0, width: cap * pitch_per_cap, height: cap * BOX };
            // The capitals' height as a zone measures it, from the flat
            // capitals drawn alike.
            let flat: Vec<Observed> = SYMBOLS
                .iter()
                .filter(|&&c| is_flat_capital(c))
                .map(|&f| observe(&draw(f, cap, blur, dx), w, h, &c).unwrap())
                .collect();
            let measured = crate::mrz::zone_cap(&flat).expect("the capitals' height");
            for (k, &sym) in SYMBOLS.iter().enumerate() {
                let s = scores(observe(&draw(sym, cap, blur, dx), w, h, &c).as_ref(), Some(measured));
                let top = (0..37).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
                let lead = s[k] - (0..37).filter(|&i| i != k).map(|i| s[i]).fold(f32::MIN, f32::max);
                // A clear lead at 24 and 16 px; at 12 px, the right symbol
                // first. (Defocused at 12 px, `O` and `0` tie: the fields
                // that allow both are a document number's, where the
                // decoder asks a lead and the check digit tells them apart.)
                if top != k || (cap > 12.0 && lead < 0.1) {
                    bad.push(format!(
                        "{} at {cap} px, blur {blur}: read {} (lead {lead:.3})",
                        sym as char, SYMBOLS[top] as char
                    ));
                }
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }

    /// A table that is not the format, or holds numbers no training makes,
    /// is refused with its reason; the shipped one parses, its prototypes
    /// zero-mean as trained.
    #[test]
    fn tables_are_checked() {
        let good = CLASSES.to_vec();
        let c = Classifier::parse(&good).unwrap();
        assert_eq!(c.w.len(), 37 * good[8] as usize);
        // As trained: every stored prototype zero-mean to within half a
        // level (the trainer projects to zero mean before quantising).
        for p in good[83..].chunks_exact(4 + TN) {
            let mean = p[4..].iter().map(|&v| v as i8 as f32).sum::<f32>() / TN as f32;
            assert!(mean.abs() < 0.5, "a prototype's mean level {mean}");
        }
        assert_eq!(Classifier::parse(&good[..82]).unwrap_err(), TableError::Header);
        assert_eq!(Classifier::parse(&good[..good.len() - 1]).unwrap_err(), TableError::Size);
        let mut bad = good.clone();
        bad[4] = 1;
        assert_eq!(Classifier::parse(&bad).unwrap_err(), TableError::Header);
        let mut bad = good.clone();
        bad[5] = 15;
        assert_eq!(Classifier::parse(&bad).unwrap_err(), TableError::Shape);
        let mut bad = good.clone();
        bad[8] = 0;
        assert_eq!(Classifier::parse(&bad).unwrap_err(), TableError::Shape);
        let mut bad = good.clone();
        bad[9 + 10] = b'a';
        assert_eq!(Classifier::parse(&bad).unwrap_err(), TableError::Alphabet);
        let mut bad = good.clone();
        bad[8] = 2;
        assert_eq!(Classifier::parse(&bad).unwrap_err(), TableError::Size);
        for (height, ok) in [(0u8, false), (49, false), (50, true), (150, true), (151, false), (255, false)] {
            let mut t = good.clone();
            t[46 + 20] = height;
            assert_eq!(Classifier::parse(&t).is_ok(), ok, "height {height}");
        }
        for scale in [f32::NAN, f32::INFINITY, -0.02, 0.0, 1.0, 2.0] {
            let mut bad = good.clone();
            bad[83..87].copy_from_slice(&scale.to_le_bytes());
            assert_eq!(Classifier::parse(&bad).unwrap_err(), TableError::Values, "scale {scale}");
        }
        let mut bad = good.clone();
        bad[87..87 + TN].fill(3);
        assert_eq!(Classifier::parse(&bad).unwrap_err(), TableError::Values, "a flat prototype");
    }

    #[test]
    fn a_blank_cell_scores_nothing() {
        let img = vec![200u8; 40 * 40];
        let c = Cell { cx: 20.0, cy: 20.0, ux: 1.0, uy: 0.0, width: 14.0, height: 20.0 };
        assert!(classify(&img, 40, 40, &c).iter().all(|&s| s == -1.0));
    }
}
