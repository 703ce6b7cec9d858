//! Blur: the re-blur measure of F. Crété, T. Dolmière, P. Ladret, M. Nicolas,
//! "The blur effect: perception and estimation with a new no-reference
//! perceptual blur metric", SPIE Human Vision and Electronic Imaging 2007.
//!
//! The image is blurred again with a 9-tap average; a sharp image loses much of
//! its neighbour-to-neighbour variation in doing so, an already blurred one
//! loses little. The result, in [0, 1], is the share of variation that
//! survives re-blurring: near 0 sharp, towards 1 blurred. Being a ratio of
//! variations it does not depend on contrast or on how much text the document
//! carries, unlike the variance of the Laplacian. It is measured only inside
//! the document (mask), at a fixed scale (see [`crate::region`]), so a sharp
//! background (gravel, grass) cannot make a blurred card pass.

/// Crété et al. blur in [0, 1] over the masked cells of a `w x h` grid:
/// the blurriest of four directions (rows, columns and both diagonals), so
/// that a shake along any of them counts in full, where the paper's two
/// directions see a diagonal smear only in part.
/// Returns 1 (no sharpness shown) when there is no variation at all to judge:
/// a region with nothing on it cannot vouch for a sharp document.
pub fn crete(px: &[f32], mask: &[bool], w: usize, h: usize) -> f32 {
    const HALF: isize = 4; // 9-tap
    if w < 2 * HALF as usize + 2 || h < 2 * HALF as usize + 2 {
        return 1.0;
    }
    let mut worst: Option<f32> = None;
    let mut blurred = vec![0f32; w * h];
    for (dx, dy) in [(1isize, 0isize), (0, 1), (1, 1), (1, -1)] {
        // The 9-tap re-blur along the direction, taps clamped to the grid:
        // a running sum along each line of that direction (O(1) a cell).
        // Each line starts at a cell whose predecessor is off the grid: on
        // its border, so only the border is scanned for them.
        let (wi, hi) = (w as isize, h as isize);
        let border = (0..wi).flat_map(|x| [(x, 0), (x, hi - 1)]).chain((1..hi - 1).flat_map(|y| [(0, y), (wi - 1, y)]));
        let starts = border.filter(|&(x, y)| {
            let (px_, py_) = (x - dx, y - dy);
            px_ < 0 || py_ < 0 || px_ >= wi || py_ >= hi
        });
        let inside = |x: isize, y: isize| x >= 0 && y >= 0 && x < w as isize && y < h as isize;
        for (x0, y0) in starts {
            let at = |k: isize| px[((y0 + k * dy) as usize) * w + (x0 + k * dx) as usize];
            let mut len = 0isize;
            while inside(x0 + len * dx, y0 + len * dy) {
                len += 1;
            }
            let mut sum: f32 = (0..=HALF.min(len - 1)).map(at).sum();
            let mut n = HALF.min(len - 1) + 1;
            for c in 0..len {
                blurred[((y0 + c * dy) as usize) * w + (x0 + c * dx) as usize] = sum / n as f32;
                if c + HALF + 1 < len {
                    sum += at(c + HALF + 1);
                    n += 1;
                }
                if c >= HALF {
                    sum -= at(c - HALF);
                    n -= 1;
                }
            }
        }
        let (mut s_f, mut s_v) = (0f64, 0f64);
        let m = HALF + 1;
        for y in m..h as isize - m {
            for x in m..w as isize - m {
                let i = (y * w as isize + x) as usize;
                let j = ((y - dy) * w as isize + (x - dx)) as usize;
                if !mask[i] || !mask[j] {
                    continue;
                }
                let d_f = (px[i] - px[j]).abs();
                let d_b = (blurred[i] - blurred[j]).abs();
                s_f += d_f as f64;
                s_v += (d_f - d_b).max(0.0) as f64;
            }
        }
        if s_f > 0.0 {
            let b = ((s_f - s_v) / s_f) as f32;
            worst = Some(worst.map_or(b, |w: f32| w.max(b)));
        }
    }
    worst.unwrap_or(1.0)
}

/// [`crete`] over a whole luma plane: how blurred a frame is when there is
/// no document or face in it to measure.
pub fn whole_frame(y: &[u8], w: usize, h: usize) -> f32 {
    let px: Vec<f32> = y.iter().map(|&v| v as f32).collect();
    crete(&px, &vec![true; w * h], w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vertical bars of width 6 (a sharp edge every 6 pixels).
    fn bars(w: usize, h: usize) -> Vec<f32> {
        (0..w * h).map(|i| if (i % w / 6).is_multiple_of(2) { 30.0 } else { 220.0 }).collect()
    }

    fn box_blur_rows(px: &[f32], w: usize, r: usize) -> Vec<f32> {
        px.chunks(w)
            .flat_map(|row| {
                (0..w).map(move |x| {
                    let lo = x.saturating_sub(r);
                    let hi = (x + r).min(w - 1);
                    row[lo..=hi].iter().sum::<f32>() / (hi - lo + 1) as f32
                })
            })
            .collect()
    }

    #[test]
    fn a_blurred_copy_scores_blurrier() {
        let (w, h) = (96, 48);
        let sharp = bars(w, h);
        let soft = box_blur_rows(&sharp, w, 4);
        let mask = vec![true; w * h];
        let (a, b) = (crete(&sharp, &mask, w, h), crete(&soft, &mask, w, h));
        assert!(a < 0.2, "sharp {a}");
        assert!(b > 2.0 * a && b > a + 0.15, "blurred {b} vs sharp {a}");
    }

    #[test]
    fn contrast_does_not_change_the_score() {
        let (w, h) = (96, 48);
        let sharp = bars(w, h);
        let faint: Vec<f32> = sharp.iter().map(|v| 100.0 + v / 10.0).collect();
        let mask = vec![true; w * h];
        assert!((crete(&sharp, &mask, w, h) - crete(&faint, &mask, w, h)).abs() < 1e-3);
    }

    #[test]
    fn a_flat_region_shows_no_sharpness() {
        assert_eq!(crete(&[50.0; 400], &[true; 400], 20, 20), 1.0);
        assert_eq!(crete(&[50.0; 16], &[true; 16], 4, 4), 1.0);
    }

    #[test]
    fn a_diagonal_smear_counts_in_full() {
        // A random texture of 3-px cells, smeared along the diagonal only.
        let (w, h) = (96, 96);
        let cell = |cx: usize, cy: usize| {
            let v = (cx as u32).wrapping_mul(2654435761) ^ (cy as u32).wrapping_mul(40503).wrapping_add(97);
            if v.wrapping_mul(2246822519) >> 31 == 0 {
                30.0
            } else {
                220.0
            }
        };
        let sharp: Vec<f32> = (0..w * h).map(|i| cell((i % w) / 3, (i / w) / 3)).collect();
        let smeared: Vec<f32> = (0..w * h)
            .map(|i| {
                let (x, y) = ((i % w) as isize, (i / w) as isize);
                let taps: Vec<f32> = (-5..=5)
                    .filter_map(|k| {
                        let (xx, yy) = (x + k, y + k);
                        (xx >= 0 && yy >= 0 && xx < w as isize && yy < h as isize)
                            .then(|| sharp[yy as usize * w + xx as usize])
                    })
                    .collect();
                taps.iter().sum::<f32>() / taps.len() as f32
            })
            .collect();
        let mask = vec![true; w * h];
        let (a, b) = (crete(&sharp, &mask, w, h), crete(&smeared, &mask, w, h));
        assert!(b > a + 0.2, "smeared {b} vs sharp {a}");
        // Rows and columns alone (the paper's two directions) see less of it.
        let two = |px: &[f32]| {
            let mut m = 0f32;
            for (dx, dy) in [(1isize, 0isize), (0, 1)] {
                let (mut f, mut v) = (0f64, 0f64);
                for y in 5..h as isize - 5 {
                    for x in 5..w as isize - 5 {
                        let (i, j) = ((y * w as isize + x) as usize, ((y - dy) * w as isize + x - dx) as usize);
                        let bl = |k: usize| {
                            let (kx, ky) = ((k % w) as isize, (k / w) as isize);
                            (-4..=4).map(|t| px[((ky + t * dy) * w as isize + kx + t * dx) as usize]).sum::<f32>() / 9.0
                        };
                        let d_f = (px[i] - px[j]).abs();
                        f += d_f as f64;
                        v += (d_f - (bl(i) - bl(j)).abs()).max(0.0) as f64;
                    }
                }
                m = m.max(((f - v) / f) as f32);
            }
            m
        };
        assert!(b > two(&smeared) + 0.05, "four directions {b}, two {}", two(&smeared));
    }
}
