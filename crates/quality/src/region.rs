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
            let c = Pt { x: x0 as f32 + (xa + xb) / 2.0, y: y0 as f32 + (ya + yb) / 2.0 };
            mask.push(inside_convex(poly, c));
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
}
