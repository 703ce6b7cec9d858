//! Classifying one MRZ cell: its ink framed, then normalised
//! cross-correlation against rendered OCR-B and its common monospaced
//! substitutes.
//!
//! The MRZ is printed in OCR-B (ISO 1073-2), on a fixed pitch, in a zone
//! kept clear of any other print (ICAO Doc 9303 part 3 §4.3): every cell
//! holds exactly one of 37 known glyphs. Each cell's ink is found (the
//! classic size normalisation of character recognition: the glyph's box
//! scaled to a fixed height, its width kept in proportion, so that `0` and
//! `O`, which differ mostly in width, stay apart), and compared by
//! normalised cross-correlation (J. P. Lewis, "Fast normalized
//! cross-correlation", Vision Interface 1995) with templates framed the same
//! way. A closed alphabet of fixed glyphs needs no trained model: the table
//! is 5 faces x 37 symbols x 14 x 20 bytes at 16 grey levels (52 KB, 15 KB
//! gzipped), rendered by `tools/make-mrz-glyphs.py`, and blurred at load to
//! the levels of [`BLURS`], the one a zone fits best chosen for the zone.

use super::format::{CellScores, SYMBOLS};
use std::sync::OnceLock;

/// Template width and height (cells are resampled to this).
pub const TW: usize = 14;
pub const TH: usize = 20;
const TN: usize = TW * TH;
/// Height of a cell's box over the capitals' height: room for glyphs that
/// rise above or sink below the capitals, and for a misplaced centre line.
pub const BOX: f32 = 1.5;
/// The framed box's height over the ink's (`MARGIN` in the generator).
const MARGIN: f32 = 1.15;
/// The grid a cell is first sampled on to find its ink.
const GW: usize = 24;
const GH: usize = 40;
/// Weight of the height mismatch (in capital heights) against correlation.
const HEIGHT_WEIGHT: f32 = 1.0;
/// Gaussian blurs (sigma, template pixels) the templates are also kept at.
/// A soft print or a defocused camera spreads every stroke alike; matched
/// against templates spread as much, the shapes that set `E` from `C` or `S`
/// from `8` keep their weight instead of drowning in the blur's loss of
/// correlation (matched filtering: the template should look like the
/// signal as it arrives). The level is chosen per zone, as the one its cells
/// fit best, not per cell, so no cell can pick the blur that suits a wrong
/// symbol.
pub const BLURS: [f32; 4] = [0.0, 0.7, 1.2, 1.8];
pub const LEVELS: usize = BLURS.len();

static GLYPHS: &[u8] = include_bytes!("glyphs.bin");

struct Templates {
    /// Zero-mean, unit-norm templates, blur-major then font-major:
    /// `[(level * fonts + font) * 37 + symbol]`.
    t: Vec<[f32; TN]>,
    /// Templates per blur level.
    per_level: usize,
    /// Each template's ink height over its face's `H`.
    rel_h: Vec<f32>,
}

fn normalise(v: &mut [f32]) -> bool {
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

fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| {
        let g = GLYPHS;
        assert!(&g[0..4] == b"MRZG" && g[4] == 4, "glyphs.bin: bad header");
        assert!(g[5] as usize == TW && g[6] as usize == TH, "glyphs.bin: template size");
        let (fonts, n) = (g[7] as usize, g[8] as usize);
        assert!(n == 37 && &g[9..9 + n] == SYMBOLS, "glyphs.bin: alphabet");
        let rel_h: Vec<f32> = g[9 + n..9 + n + fonts * n].iter().map(|&v| v as f32 / 100.0).collect();
        let data = &g[9 + n + fonts * n..];
        assert_eq!(data.len(), fonts * n * TN, "glyphs.bin: size");
        let mut t = Vec::with_capacity(LEVELS * fonts * n);
        for &sigma in &BLURS {
            for c in data.chunks_exact(TN) {
                let mut a = [0f32; TN];
                for (o, &v) in a.iter_mut().zip(c) {
                    *o = v as f32;
                }
                let mut a = blur(&a, sigma);
                normalise(&mut a);
                t.push(a);
            }
        }
        Templates { t, per_level: fonts * n, rel_h }
    })
}

/// A template blurred by a Gaussian of `sigma` pixels (separable; the
/// background, white, continues past the edges).
fn blur(a: &[f32; TN], sigma: f32) -> [f32; TN] {
    if sigma <= 0.0 {
        return *a;
    }
    let r = (sigma * 3.0).ceil() as i32;
    let k: Vec<f32> = (-r..=r).map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp()).collect();
    let sum: f32 = k.iter().sum();
    let at = |v: &[f32; TN], x: i32, y: i32| -> f32 {
        if x < 0 || y < 0 || x >= TW as i32 || y >= TH as i32 {
            255.0
        } else {
            v[y as usize * TW + x as usize]
        }
    };
    let mut h = [0f32; TN];
    for y in 0..TH as i32 {
        for x in 0..TW as i32 {
            h[y as usize * TW + x as usize] = (-r..=r).zip(&k).map(|(d, w)| w * at(a, x + d, y)).sum::<f32>() / sum;
        }
    }
    let mut out = [0f32; TN];
    for y in 0..TH as i32 {
        for x in 0..TW as i32 {
            out[y as usize * TW + x as usize] = (-r..=r).zip(&k).map(|(d, w)| w * at(&h, x, y + d)).sum::<f32>() / sum;
        }
    }
    out
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

/// The cell framed on its ink, as the templates are framed, and the ink's
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

/// What the classifier saw in a cell: its framed ink, normalised, and the
/// ink's height; its correlation with each template at a blur level is
/// computed when that level is first asked for (a zone is scored at one).
#[derive(Clone, Debug)]
pub struct Observed {
    sample: Box<[f32; TN]>,
    pub ink_h: f32,
    ncc: [std::cell::OnceCell<Vec<f32>>; LEVELS],
}

impl Observed {
    /// Each template's correlation at blur `level` (face-major, as the
    /// templates).
    fn ncc(&self, level: usize) -> &[f32] {
        self.ncc[level].get_or_init(|| {
            let t = templates();
            let n = t.per_level;
            t.t[level * n..(level + 1) * n]
                .iter()
                .map(|tp| tp.iter().zip(self.sample.iter()).map(|(a, b)| a * b).sum())
                .collect()
        })
    }
}

/// Observe a cell (`None` for a cell without ink).
pub fn observe(y: &[u8], w: usize, h: usize, c: &Cell) -> Option<Observed> {
    let (f, ink_h) = framed(y, w, h, c)?;
    let mut s = [0f32; TN];
    sample_grid(y, w, h, &f, TW, TH, &mut s);
    if !normalise(&mut s) {
        return None;
    }
    Some(Observed { sample: Box::new(s), ink_h, ncc: Default::default() })
}

/// The symbols' scores for an observed cell against the templates at blur
/// `level`: for each symbol, its best face's correlation less the mismatch
/// between the cell's ink height over the line's capitals (`cap`, when
/// known) and the glyph's.
pub fn scores(o: Option<&Observed>, cap: Option<f32>, level: usize) -> CellScores {
    let t = templates();
    let mut best = [-1f32; 37];
    let Some(o) = o else { return best };
    for (i, &r) in o.ncc(level).iter().enumerate() {
        let penalty = cap.map_or(0.0, |cap| HEIGHT_WEIGHT * (o.ink_h / cap - t.rel_h[i]).abs());
        let b = &mut best[i % 37];
        *b = b.max(r - penalty);
    }
    best
}

/// How well a cell fits each blur level: its best correlation there.
pub fn fit(o: &Observed) -> [f32; LEVELS] {
    std::array::from_fn(|l| o.ncc(l).iter().copied().fold(-1.0, f32::max))
}

/// Scores of every symbol for a cell, without the height cue, at the blur
/// level it fits best (all -1 for a cell without ink).
pub fn classify(y: &[u8], w: usize, h: usize, c: &Cell) -> CellScores {
    let o = observe(y, w, h, c);
    let level = o.as_ref().map_or(0, |o| {
        let f = fit(o);
        (0..LEVELS).max_by(|&a, &b| f[a].total_cmp(&f[b])).unwrap_or(0)
    });
    scores(o.as_ref(), None, level)
}

/// Capitals whose ink is exactly the capital height in every face (no
/// overshoot like `O`, no tail like `Q`): the line's height reference.
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

    /// A template drawn back into an image is read as its own symbol, and
    /// the shift search holds it a fifth of a cell off the grid.
    #[test]
    fn templates_read_themselves() {
        let t = templates();
        let fonts = t.per_level / 37;
        let raw = &GLYPHS[9 + 37 + fonts * 37..];
        let mut bad = Vec::new();
        for f in 0..fonts {
            for k in 0..37 {
                // The template drawn at 3x (its frame is the ink's height
                // plus the margin), off the cell's centre, in a cell a pitch
                // wide and a line tall.
                let (w, h) = (80usize, 100usize);
                let mut img = vec![255u8; w * h];
                let g = &raw[(f * 37 + k) * TN..(f * 37 + k + 1) * TN];
                for yy in 0..TH * 3 {
                    for xx in 0..TW * 3 {
                        img[(yy + 20) * w + xx + 19] = g[(yy / 3) * TW + xx / 3];
                    }
                }
                let c = Cell { cx: 40.0, cy: 52.0, ux: 1.0, uy: 0.0, width: 48.0, height: 76.0 };
                let s = classify(&img, w, h, &c);
                let top = (0..37).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
                if SYMBOLS[top] != SYMBOLS[k] {
                    bad.push(format!("font {f}: {} read {}", SYMBOLS[k] as char, SYMBOLS[top] as char));
                }
            }
        }
        assert!(bad.is_empty(), "{bad:?}");
    }

    #[test]
    fn a_blank_cell_scores_nothing() {
        let img = vec![200u8; 40 * 40];
        let c = Cell { cx: 20.0, cy: 20.0, ux: 1.0, uy: 0.0, width: 14.0, height: 20.0 };
        assert!(classify(&img, 40, 40, &c).iter().all(|&s| s == -1.0));
    }
}
