//! Resampling a located region to a fixed scale.
//!
//! Sharpness and texture measures depend on scale (the same card scores
//! 1607 at 640 px wide and 82 at 1280 px with the variance of the
//! Laplacian), so they are measured on the document brought to a fixed size.
//! Reduction is exact area averaging: the summed-area table (F. Crow,
//! "Summed-area tables for texture mapping", SIGGRAPH 1984) is bilinear inside
//! each pixel for a piecewise-constant image, so fractional boxes are exact.

use crate::geometry::{bounds, inside_convex, Pt};

/// A region resampled to a grid, with the mask of grid cells inside the region.
#[derive(Clone, Debug, Default)]
pub struct Sampled {
    pub w: usize,
    pub h: usize,
    pub px: Vec<f32>,
    pub mask: Vec<bool>,
    /// Grid cells per source pixel.
    pub scale: f32,
}

/// Resample the bounding box of `poly` (source pixel coordinates) so that its
/// longer side is `target_long` cells, never enlarging (a region smaller than
/// the target keeps its own pixels: enlarging invents no detail).
pub fn sample(plane: &[u8], w: usize, h: usize, poly: &[Pt], target_long: usize) -> Sampled {
    let (x0, y0, x1, y1) = bounds(poly, w, h);
    let (bw, bh) = (x1 - x0, y1 - y0);
    if bw < 2 || bh < 2 {
        return Sampled::default();
    }
    let scale = (target_long as f32 / bw.max(bh) as f32).min(1.0);
    let ow = ((bw as f32 * scale).round() as usize).max(1);
    let oh = ((bh as f32 * scale).round() as usize).max(1);
    // At scale 1 each cell is one source pixel, which the area average
    // returns exactly (integer sums, exact in f64): copied instead (the live
    // loop's usual case, a card under the target size at 640 px).
    if ow == bw && oh == bh {
        // Row spans only for a convex polygon (every turn the same way):
        // another's row may hold two runs of inside cells.
        let convex = is_convex(poly);
        let mut px = Vec::with_capacity(bw * bh);
        let mut mask = Vec::with_capacity(bw * bh);
        for j in 0..bh {
            px.extend(plane[(y0 + j) * w + x0..(y0 + j) * w + x1].iter().map(|&v| v as f32));
            let inside = |i: usize| inside_convex(poly, cell_centre(x0, y0, i, j, 1.0, 1.0));
            let span = if convex { convex_row(poly, x0, y0 as f32 + j as f32 + 0.5, bw, inside) } else { None };
            match span {
                Some((a, b)) => {
                    mask.extend((0..bw).map(|i| (a..b).contains(&i)));
                }
                None => mask.extend((0..bw).map(inside)),
            }
        }
        return Sampled { w: bw, h: bh, px, mask, scale };
    }
    area_average(plane, w, (x0, y0, bw, bh), poly, (ow, oh), scale)
}

/// Whether a polygon turns the same way at every corner (collinear
/// corners allowed): its rows' inside cells are then one run.
fn is_convex(poly: &[Pt]) -> bool {
    let n = poly.len();
    let (mut pos, mut neg) = (false, false);
    for k in 0..n {
        let (a, b, c) = (poly[k], poly[(k + 1) % n], poly[(k + 2) % n]);
        let z = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
        pos |= z > 0.0;
        neg |= z < 0.0;
    }
    !(pos && neg)
}

/// The cells of one row of a `bw`-cell box (left edge at `x0`, centres on
/// the line `y`) inside a convex polygon, as a span: where the line crosses
/// the outline, then each end moved until `inside` (the cell's own test)
/// changes, so the span is the cells the test accepts whenever they are
/// contiguous, as a convex region's are. `None` where the line meets no
/// side (the test is then asked cell by cell).
fn convex_row(poly: &[Pt], x0: usize, y: f32, bw: usize, inside: impl Fn(usize) -> bool) -> Option<(usize, usize)> {
    let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
    for (k, p) in poly.iter().enumerate() {
        let q = poly[(k + 1) % poly.len()];
        if (p.y - y) * (q.y - y) <= 0.0 && p.y != q.y {
            let x = p.x + (y - p.y) * (q.x - p.x) / (q.y - p.y);
            lo = lo.min(x);
            hi = hi.max(x);
        }
    }
    if lo > hi {
        return None;
    }
    // Cell i's centre is x0 + i + 0.5.
    let cell = |x: f32| (x - x0 as f32 - 0.5).clamp(0.0, bw as f32);
    let (mut a, mut b) = (cell(lo).ceil() as usize, (cell(hi).floor() as usize + 1).min(bw));
    a = a.min(b);
    while a < b && !inside(a) {
        a += 1;
    }
    while a > 0 && inside(a - 1) {
        a -= 1;
    }
    while b > a && !inside(b - 1) {
        b -= 1;
    }
    while b < bw && inside(b) {
        b += 1;
    }
    if a == b {
        // Nothing inside near the crossings: ask every cell.
        return None;
    }
    Some((a, b))
}

/// The centre of grid cell (`i`, `j`) of `sx x sy` source pixels, in source
/// coordinates, the box's corner at (`x0`, `y0`).
fn cell_centre(x0: usize, y0: usize, i: usize, j: usize, sx: f32, sy: f32) -> Pt {
    let (xa, xb) = (i as f32 * sx, (i + 1) as f32 * sx);
    let (ya, yb) = (j as f32 * sy, (j + 1) as f32 * sy);
    Pt { x: x0 as f32 + (xa + xb) / 2.0, y: y0 as f32 + (ya + yb) / 2.0 }
}

/// The box (`x0`, `y0`, `bw`, `bh`) of `plane` (`w` wide) averaged down to
/// `ow x oh` cells, exactly by area.
fn area_average(
    plane: &[u8],
    w: usize,
    (x0, y0, bw, bh): (usize, usize, usize, usize),
    poly: &[Pt],
    (ow, oh): (usize, usize),
    scale: f32,
) -> Sampled {
    // Summed-area table of the box, (bw+1) x (bh+1), f64 to stay exact.
    let sw = bw + 1;
    let mut sat = vec![0f64; sw * (bh + 1)];
    for y in 0..bh {
        let mut row = 0f64;
        for x in 0..bw {
            row += plane[(y0 + y) * w + x0 + x] as f64;
            sat[(y + 1) * sw + x + 1] = sat[y * sw + x + 1] + row;
        }
    }
    let at = |x: f32, y: f32| -> f64 {
        let (xf, yf) = (x.clamp(0.0, bw as f32), y.clamp(0.0, bh as f32));
        let (xi, yi) = ((xf as usize).min(bw - 1), (yf as usize).min(bh - 1));
        let (fx, fy) = ((xf - xi as f32) as f64, (yf - yi as f32) as f64);
        let s = |i: usize, j: usize| sat[j * sw + i];
        s(xi, yi) * (1.0 - fx) * (1.0 - fy)
            + s(xi + 1, yi) * fx * (1.0 - fy)
            + s(xi, yi + 1) * (1.0 - fx) * fy
            + s(xi + 1, yi + 1) * fx * fy
    };
    let (sx, sy) = (bw as f32 / ow as f32, bh as f32 / oh as f32);
    let mut px = Vec::with_capacity(ow * oh);
    let mut mask = Vec::with_capacity(ow * oh);
    for j in 0..oh {
        let (ya, yb) = (j as f32 * sy, (j + 1) as f32 * sy);
        for i in 0..ow {
            let (xa, xb) = (i as f32 * sx, (i + 1) as f32 * sx);
            let sum = at(xb, yb) - at(xa, yb) - at(xb, ya) + at(xa, ya);
            px.push((sum / ((xb - xa) * (yb - ya)) as f64) as f32);
            mask.push(inside_convex(poly, cell_centre(x0, y0, i, j, sx, sy)));
        }
    }
    Sampled { w: ow, h: oh, px, mask, scale }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_averages_pairs() {
        // 4x4 with columns 0,100,0,100 -> 2x2 of 50.
        let plane: Vec<u8> = (0..16).map(|i| if i % 2 == 0 { 0 } else { 100 }).collect();
        let sq = [Pt { x: 0., y: 0. }, Pt { x: 3., y: 0. }, Pt { x: 3., y: 3. }, Pt { x: 0., y: 3. }];
        let s = sample(&plane, 4, 4, &sq, 2);
        assert_eq!((s.w, s.h), (2, 2));
        assert!(s.px.iter().all(|v| (v - 50.0).abs() < 1e-3), "{:?}", s.px);
    }

    /// The row spans are the cells the per-cell test accepts, for tilted,
    /// clipped and thin quads, either winding.
    #[test]
    fn row_spans_are_the_cells_inside() {
        let (w, h) = (90usize, 70usize);
        let plane = vec![7u8; w * h];
        let quads = [
            [Pt { x: 10.2, y: 5.5 }, Pt { x: 80.7, y: 12.1 }, Pt { x: 74.3, y: 60.9 }, Pt { x: 4.4, y: 52.2 }],
            [Pt { x: -8.0, y: 20.0 }, Pt { x: 45.0, y: -6.0 }, Pt { x: 99.0, y: 40.0 }, Pt { x: 40.0, y: 80.0 }],
            [Pt { x: 20.0, y: 10.0 }, Pt { x: 21.5, y: 10.0 }, Pt { x: 21.5, y: 60.0 }, Pt { x: 20.0, y: 60.0 }],
            [Pt { x: 4.4, y: 52.2 }, Pt { x: 74.3, y: 60.9 }, Pt { x: 80.7, y: 12.1 }, Pt { x: 10.2, y: 5.5 }],
            [Pt { x: 30.0, y: 30.0 }, Pt { x: 60.0, y: 30.0 }, Pt { x: 60.0, y: 30.0 }, Pt { x: 30.0, y: 30.0 }],
            // Concave (an arrowhead): rows with two runs, cell by cell.
            [Pt { x: 0.0, y: 0.0 }, Pt { x: 40.0, y: 20.0 }, Pt { x: 0.0, y: 40.0 }, Pt { x: 30.0, y: 20.0 }],
        ];
        for q in &quads {
            let s = sample(&plane, w, h, q, 500);
            if s.w == 0 {
                continue; // a flat quad has no box to sample
            }
            assert_eq!(s.scale, 1.0);
            let (x0, y0, _, _) = bounds(q, w, h);
            let per_cell: Vec<bool> =
                (0..s.w * s.h).map(|k| inside_convex(q, cell_centre(x0, y0, k % s.w, k / s.w, 1.0, 1.0))).collect();
            assert_eq!(s.mask, per_cell, "{q:?}");
        }
    }

    /// At scale 1 the copy is, bit for bit, what the area average gives.
    #[test]
    fn at_scale_one_the_copy_is_the_area_average() {
        let (w, h) = (23usize, 17usize);
        let plane: Vec<u8> = (0..w * h).map(|i| ((i * 37) % 251) as u8).collect();
        let poly = [Pt { x: 2.3, y: 1.6 }, Pt { x: 20.2, y: 3.1 }, Pt { x: 19.4, y: 15.2 }, Pt { x: 1.2, y: 14.8 }];
        let copy = sample(&plane, w, h, &poly, 64);
        let (x0, y0, x1, y1) = bounds(&poly, w, h);
        let (bw, bh) = (x1 - x0, y1 - y0);
        assert_eq!((copy.w, copy.h, copy.scale), (bw, bh, 1.0));
        let avg = area_average(&plane, w, (x0, y0, bw, bh), &poly, (bw, bh), 1.0);
        assert_eq!(copy.px, avg.px);
        assert_eq!(copy.mask, avg.mask);
        assert!(copy.mask.iter().any(|&m| m) && copy.mask.iter().any(|&m| !m));
    }
}
