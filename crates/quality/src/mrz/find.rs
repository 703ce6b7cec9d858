//! Finding the MRZ's text lines in a frame, and the grid of their cells.
//!
//! The zone is found from the text itself, not from the document's outline
//! (which a busy table can hide or mislead): dark glyphs against a locally
//! brighter background (a local-mean threshold, as in J. Sauvola and
//! M. Pietikäinen, "Adaptive document image binarization", Pattern
//! Recognition 2000, without the deviation term), their connected
//! components, and chains of components of a text's size linked to their
//! nearest right-hand neighbour (the classic bottom-up text-line grouping,
//! e.g. L. O'Gorman, "The document spectrum for page layout analysis", IEEE
//! PAMI 1993). An MRZ line is a chain of 30, 36 or 44 cells on one pitch;
//! the zone is two or three such lines, parallel, on the same pitch, one
//! line apart. Each line's cell centres are fitted along the line as a
//! quadratic in the cell index, which absorbs the pitch's change under
//! perspective.

use super::ocr::{Cell, BOX};

/// A dark connected component.
#[derive(Clone, Debug)]
struct Comp {
    label: u32,
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
    cx: f32,
    cy: f32,
}

impl Comp {
    fn h(&self) -> f32 {
        (self.y1 - self.y0 + 1) as f32
    }
    fn w(&self) -> f32 {
        (self.x1 - self.x0 + 1) as f32
    }
}

/// A text line: its cells' positions along the line as a function of the
/// cell index, and its centre line across.
#[derive(Clone, Debug)]
pub struct Line {
    /// Origin and unit direction of the line's frame.
    ox: f32,
    oy: f32,
    pub ux: f32,
    pub uy: f32,
    /// Position along the line of cell k: `t0 + t1 k + t2 k^2`.
    t: [f32; 3],
    /// Centre line across: `s0 + s1 t`.
    s: [f32; 2],
    /// Cells from the first component to the last.
    pub cells: usize,
    /// Height of the capitals.
    pub cap: f32,
    /// Median pitch.
    pub pitch: f32,
}

impl Line {
    /// Where cell `k` is (k may lie beyond the chain's ends).
    pub fn cell(&self, k: f32, cap: f32) -> Cell {
        let t = self.t[0] + self.t[1] * k + self.t[2] * k * k;
        let width = (self.t[1] + 2.0 * self.t[2] * k).abs().max(1.0);
        let s = self.s[0] + self.s[1] * t;
        let (nx, ny) = (-self.uy, self.ux);
        Cell {
            cx: self.ox + self.ux * t + nx * s,
            cy: self.oy + self.uy * t + ny * s,
            ux: self.ux,
            uy: self.uy,
            width,
            height: cap * BOX,
        }
    }

    /// The centre of cell `k` in the image.
    fn point(&self, k: f32) -> (f32, f32) {
        let c = self.cell(k, 0.0);
        (c.cx, c.cy)
    }
}

/// Dark components of text size. The threshold is the local mean over a
/// window a few glyphs wide, lowered by a fifth: print, not shading.
fn components(y: &[u8], w: usize, h: usize) -> (Vec<u32>, Vec<Comp>) {
    let long = w.max(h);
    let r = (long / 90).max(6);
    // Integral image.
    let iw = w + 1;
    let mut sat = vec![0u32; iw * (h + 1)];
    for yy in 0..h {
        let mut row = 0u32;
        for xx in 0..w {
            row += y[yy * w + xx] as u32;
            sat[(yy + 1) * iw + xx + 1] = sat[yy * iw + xx + 1] + row;
        }
    }
    let mut dark = vec![false; w * h];
    for yy in 0..h {
        let (ya, yb) = (yy.saturating_sub(r), (yy + r + 1).min(h));
        for xx in 0..w {
            let (xa, xb) = (xx.saturating_sub(r), (xx + r + 1).min(w));
            let sum = sat[yb * iw + xb] + sat[ya * iw + xa] - sat[ya * iw + xb] - sat[yb * iw + xa];
            let n = ((yb - ya) * (xb - xa)) as u32;
            let v = y[yy * w + xx] as u32;
            // v < 0.8 mean and at least 16 levels below it.
            dark[yy * w + xx] = v * 5 * n < sum * 4 && v * n + 16 * n < sum;
        }
    }
    let mut labels = vec![0u32; w * h];
    let mut comps = Vec::new();
    let mut stack = Vec::new();
    let max_side = long / 12;
    for start in 0..w * h {
        if !dark[start] || labels[start] != 0 {
            continue;
        }
        let id = comps.len() as u32 + 1;
        labels[start] = id;
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        let (mut sx, mut sy, mut n) = (0f64, 0f64, 0u32);
        while let Some(i) = stack.pop() {
            let (xx, yy) = (i % w, i / w);
            x0 = x0.min(xx);
            x1 = x1.max(xx);
            y0 = y0.min(yy);
            y1 = y1.max(yy);
            sx += xx as f64;
            sy += yy as f64;
            n += 1;
            for dy in -1i32..=1 {
                for dx in -1i32..=1 {
                    let (nx, ny) = (xx as i32 + dx, yy as i32 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i32 || ny >= h as i32 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if dark[j] && labels[j] == 0 {
                        labels[j] = id;
                        stack.push(j);
                    }
                }
            }
        }
        let (cw, ch) = (x1 - x0 + 1, y1 - y0 + 1);
        // Text-sized: a glyph at least 6 px tall, no side over a twelfth of
        // the frame, not a line or a speck.
        let keep = ch >= 6 && cw <= max_side && ch <= max_side && n >= 10 && ch <= cw * 8 + 8;
        comps.push(Comp {
            label: if keep { id } else { 0 },
            x0,
            y0,
            x1,
            y1,
            cx: (sx / n as f64) as f32,
            cy: (sy / n as f64) as f32,
        });
    }
    // The integral image and the mask hold the picture: wiped, not just
    // dropped (the labels are wiped by [`lines`] once used).
    crate::frame::wipe(&mut sat);
    crate::frame::wipe(&mut dark);
    (labels, comps.into_iter().filter(|c| c.label != 0).collect())
}

/// Chains of components, each linked to its nearest neighbour to the right
/// at a text's spacing (within 2.5 glyph heights, a lost glyph bridged),
/// less than ~27 degrees off the horizontal. Conflicts (two components
/// claiming the same right neighbour) go to the closer.
fn chains(comps: &[Comp]) -> Vec<Vec<usize>> {
    let n = comps.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| comps[a].cx.total_cmp(&comps[b].cx));
    let mut next: Vec<Option<(usize, f32)>> = vec![None; n];
    for (oi, &a) in order.iter().enumerate() {
        let ca = &comps[a];
        let mut best: Option<(usize, f32)> = None;
        for &b in &order[oi + 1..] {
            let cb = &comps[b];
            let dx = cb.cx - ca.cx;
            let hh = ca.h().max(cb.h());
            if dx > 2.5 * hh {
                break;
            }
            if dx <= 0.0 {
                continue;
            }
            let dy = cb.cy - ca.cy;
            let d = (dx * dx + dy * dy).sqrt();
            let ratio = ca.h() / cb.h();
            if d > 2.5 * hh || dy.abs() > 0.5 * dx || !(0.33..=3.0).contains(&ratio) {
                continue;
            }
            // Not overlapping along the line: two glyphs side by side.
            if d < 0.3 * hh.min(ca.w().max(cb.w())) {
                continue;
            }
            if best.is_none_or(|(_, bd)| d < bd) {
                best = Some((b, d));
            }
        }
        next[a] = best;
    }
    // Each component keeps at most one predecessor: the closest.
    let mut prev: Vec<Option<(usize, f32)>> = vec![None; n];
    for (a, link) in next.iter().enumerate() {
        if let Some((b, d)) = *link {
            if prev[b].is_none_or(|(_, pd)| d < pd) {
                prev[b] = Some((a, d));
            }
        }
    }
    let mut out = Vec::new();
    for start in 0..n {
        if prev[start].is_some() {
            continue;
        }
        let mut chain = vec![start];
        let mut cur = start;
        while let Some((b, _)) = next[cur] {
            if prev[b].map(|(p, _)| p) != Some(cur) || chain.len() > 200 {
                break;
            }
            chain.push(b);
            cur = b;
        }
        if chain.len() >= 12 {
            out.push(chain);
        }
    }
    out
}

fn median(mut v: Vec<f32>) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

fn quantile(mut v: Vec<f32>, q: f32) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f32::total_cmp);
    v[((v.len() - 1) as f32 * q).round() as usize]
}

/// Least-squares fit of `y = a + b x + c x^2` (or linear when `quad` is
/// false); `None` when degenerate.
fn polyfit(xs: &[f32], ys: &[f32], quad: bool) -> Option<[f32; 3]> {
    let m = if quad { 3 } else { 2 };
    let mut a = [[0f64; 4]; 3];
    for (&x, &y) in xs.iter().zip(ys) {
        let p = [1.0, x as f64, (x as f64) * (x as f64)];
        for r in 0..m {
            for c in 0..m {
                a[r][c] += p[r] * p[c];
            }
            a[r][3] += p[r] * y as f64;
        }
    }
    // Gauss-Jordan with partial pivoting.
    for col in 0..m {
        let piv = (col..m).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-9 {
            return None;
        }
        a.swap(col, piv);
        let pivot_row = a[col];
        for (r, row) in a.iter_mut().enumerate().take(m) {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(pivot_row.iter()).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    let mut out = [0f32; 3];
    for r in 0..m {
        out[r] = (a[r][3] / a[r][r]) as f32;
    }
    Some(out)
}

/// A chain as a text line: direction, cell indices, fits.
fn fit_line(comps: &[Comp], chain: &[usize], labels: &[u32], w: usize) -> Option<Line> {
    let first = &comps[chain[0]];
    let last = &comps[*chain.last()?];
    let (dx, dy) = (last.cx - first.cx, last.cy - first.cy);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return None;
    }
    let (ux, uy) = (dx / len, dy / len);
    let (ox, oy) = (first.cx, first.cy);
    let mut chain = chain.to_vec();
    let mut ts: Vec<f32> = chain.iter().map(|&i| (comps[i].cx - ox) * ux + (comps[i].cy - oy) * uy).collect();
    let pitch = median(ts.windows(2).map(|p| p[1] - p[0]).collect());
    if pitch <= 1.0 {
        return None;
    }
    // A chain runs on into whatever lies beyond the zone (the card's edge,
    // grass, a caption): an end whose gap is not a whole number of pitches
    // (within a quarter) or spans more than two is not the zone's.
    let off_grid = |g: f32| {
        let q = g / pitch;
        (q - q.round()).abs() > 0.25 || q.round() > 2.0 || q.round() < 1.0
    };
    while ts.len() > 12 && off_grid(ts[1] - ts[0]) {
        ts.remove(0);
        chain.remove(0);
    }
    while ts.len() > 12 && off_grid(ts[ts.len() - 1] - ts[ts.len() - 2]) {
        ts.pop();
        chain.pop();
    }
    let chain = chain.as_slice();
    // The direction again, from the kept components alone (least squares
    // through their centres), and the frame from the first of them.
    let n = chain.len() as f32;
    let (mx, my) =
        (chain.iter().map(|&i| comps[i].cx).sum::<f32>() / n, chain.iter().map(|&i| comps[i].cy).sum::<f32>() / n);
    let (mut sxx, mut sxy, mut syy) = (0f32, 0f32, 0f32);
    for &i in chain {
        let (dx, dy) = (comps[i].cx - mx, comps[i].cy - my);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let (ux, uy) = (angle.cos(), angle.sin());
    let (nx, ny) = (-uy, ux);
    let (ox, oy) = (comps[chain[0]].cx, comps[chain[0]].cy);
    let ts: Vec<f32> = chain.iter().map(|&i| (comps[i].cx - ox) * ux + (comps[i].cy - oy) * uy).collect();
    // Each component's extent across the line, from its pixels.
    let extent: Vec<(f32, f32)> = chain
        .iter()
        .map(|&i| {
            let c = &comps[i];
            let (mut lo, mut hi) = (f32::MAX, f32::MIN);
            for yy in c.y0..=c.y1 {
                for xx in c.x0..=c.x1 {
                    if labels[yy * w + xx] == c.label {
                        let s = (xx as f32 - ox) * nx + (yy as f32 - oy) * ny;
                        lo = lo.min(s - 0.5);
                        hi = hi.max(s + 0.5);
                    }
                }
            }
            (lo, hi)
        })
        .collect();
    let cap = quantile(extent.iter().map(|(a, b)| b - a).collect(), 0.8);
    if cap < 5.0 {
        return None;
    }
    // Cell indices: consecutive components one pitch or more apart.
    let mut ks = vec![0f32];
    for p in ts.windows(2) {
        let step = ((p[1] - p[0]) / pitch).round().max(1.0);
        ks.push(ks.last().copied().unwrap_or(0.0) + step);
    }
    let t = polyfit(&ks, &ts, true)?;
    // The centre line across, from the capitals (full-height glyphs):
    // a filler `<` sits low in some faces.
    let (mut tx, mut sy) = (Vec::new(), Vec::new());
    for (j, (lo, hi)) in extent.iter().enumerate() {
        if hi - lo >= 0.8 * cap {
            tx.push(ts[j]);
            sy.push((lo + hi) / 2.0);
        }
    }
    let s = polyfit(&tx, &sy, false)?;
    // Cells the fit misplaces by over a third of a pitch: not one grid.
    let bad =
        ks.iter().zip(&ts).filter(|(k, tt)| (t[0] + t[1] * **k + t[2] * **k * **k - **tt).abs() > 0.35 * pitch).count();
    if bad * 10 > chain.len() {
        return None;
    }
    Some(Line { ox, oy, ux, uy, t, s: [s[0], s[1]], cells: *ks.last()? as usize + 1, cap, pitch })
}

/// Candidate text lines of an MRZ's length (at least 20 cells).
/// (At most [`super::MAX_SIDE`] on a side: the integral image is `u32`.)
pub fn lines(y: &[u8], w: usize, h: usize) -> Vec<Line> {
    if w.max(h) > super::MAX_SIDE || w.checked_mul(h).is_none_or(|n| y.len() < n) {
        return Vec::new();
    }
    let (mut labels, comps) = components(y, w, h);
    let mut out: Vec<Line> = chains(&comps)
        .iter()
        .filter_map(|c| fit_line(&comps, c, &labels, w))
        .filter(|l| l.cells >= 20 && l.cells <= 50)
        .collect();
    crate::frame::wipe(&mut labels);
    // Top to bottom.
    out.sort_by(|a, b| a.oy.total_cmp(&b.oy));
    out
}

/// Groups of `n` lines that can be one zone: parallel (within 5 degrees),
/// on the same pitch (within 15 %), each one to three cap heights below
/// the previous, overlapping along the line.
pub fn zones(lines: &[Line], n: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let compatible = |a: &Line, b: &Line| -> bool {
        let cos = a.ux * b.ux + a.uy * b.uy;
        let ratio = a.pitch / b.pitch;
        if cos < 0.996 || !(0.85..=1.18).contains(&ratio) {
            return false;
        }
        // b's middle in a's frame: along a's line from its cell 0, and
        // across from a's centre line at that point.
        let (mx, my) = b.point(b.cells as f32 / 2.0);
        let t = (mx - a.ox) * a.ux + (my - a.oy) * a.uy;
        let s = (mx - a.ox) * -a.uy + (my - a.oy) * a.ux;
        let across = s - (a.s[0] + a.s[1] * t);
        let along = t - a.t[0];
        let cap = a.cap.max(b.cap);
        let span = a.t[1] * a.cells as f32;
        (1.0 * cap..=3.0 * cap).contains(&across) && along > 0.0 && along < span
    };
    fn extend(
        lines: &[Line],
        n: usize,
        group: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
        ok: &dyn Fn(&Line, &Line) -> bool,
    ) {
        if group.len() == n {
            out.push(group.clone());
            return;
        }
        let last = *group.last().expect("non-empty");
        for j in 0..lines.len() {
            if !group.contains(&j) && ok(&lines[last], &lines[j]) {
                group.push(j);
                extend(lines, n, group, out, ok);
                group.pop();
            }
        }
    }
    for i in 0..lines.len() {
        let mut g = vec![i];
        extend(lines, n, &mut g, &mut out, &compatible);
    }
    out
}
