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

/// Crété et al. blur in [0, 1] over the masked cells of a `w x h` grid.
/// Returns 0 when there is no variation at all to judge (a flat region).
pub fn crete(px: &[f32], mask: &[bool], w: usize, h: usize) -> f32 {
    const HALF: usize = 4; // 9-tap
    if w < 2 * HALF + 2 || h < 2 * HALF + 2 {
        return 0.0;
    }
    let mut worst = 0.0f32;
    let mut blurred = vec![0f32; w * h];
    for vertical in [false, true] {
        // The 9-tap re-blur along the direction, by running sums (edges
        // clamped to the available taps).
        let (step, along, lines) = if vertical { (w, h, w) } else { (1, w, h) };
        let start_of = |line: usize| if vertical { line } else { line * w };
        for line in 0..lines {
            let base = start_of(line);
            let at = |c: usize| px[base + c * step];
            let mut sum: f32 = (0..=HALF.min(along - 1)).map(at).sum();
            let mut n = HALF.min(along - 1) + 1;
            for c in 0..along {
                blurred[base + c * step] = sum / n as f32;
                if c + HALF + 1 < along {
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
        for line in 0..lines {
            let base = start_of(line);
            for c in HALF + 1..along - HALF {
                let i = base + c * step;
                if !mask[i] || !mask[i - step] {
                    continue;
                }
                let d_f = (px[i] - px[i - step]).abs();
                let d_b = (blurred[i] - blurred[i - step]).abs();
                s_f += d_f as f64;
                s_v += (d_f - d_b).max(0.0) as f64;
            }
        }
        if s_f > 0.0 {
            worst = worst.max(((s_f - s_v) / s_f) as f32);
        }
    }
    worst
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
    fn a_flat_region_is_not_judged() {
        assert_eq!(crete(&[50.0; 400], &[true; 400], 20, 20), 0.0);
    }
}
