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
        let mut px = Vec::with_capacity(bw * bh);
        let mut mask = Vec::with_capacity(bw * bh);
        for j in 0..bh {
            px.extend(plane[(y0 + j) * w + x0..(y0 + j) * w + x1].iter().map(|&v| v as f32));
            mask.extend((0..bw).map(|i| inside_convex(poly, cell_centre(x0, y0, i, j, 1.0, 1.0))));
        }
        return Sampled { w: bw, h: bh, px, mask, scale };
    }
    area_average(plane, w, (x0, y0, bw, bh), poly, (ow, oh), scale)
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
