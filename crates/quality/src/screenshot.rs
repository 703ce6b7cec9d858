//! Screenshot: a digital image rather than a camera frame.
//!
//! A camera never sees a perfectly straight, axis-aligned step edge with an
//! exactly constant side running across half the frame: optics blur it,
//! the sensor adds noise, the slightest tilt staircases it. A screenshot is
//! made of exactly that (status bars, letterboxing, the app's flat
//! background meeting the image). The score is the longest run, as a share
//! of the frame's width (or height, for columns), of pixels that are exactly
//! equal to their neighbour along the run while differing by at least
//! [`STEP`] levels from the pixel across the edge. Measured at the image's
//! own resolution: resampling would soften the very steps it looks for.
//! Noise (Immerkaer 1996, [`crate::noise`]) is reported beside it; it is not
//! decisive on its own, because a blurred or underexposed camera frame can be
//! nearly noise-free too.

/// Minimum level difference across the edge.
pub const STEP: i16 = 8;

/// Longest straight constant run along a hard edge, as a share of the side.
pub fn straight_edge_run(y: &[u8], w: usize, h: usize) -> f32 {
    if w < 2 || h < 2 {
        return 0.0;
    }
    let mut best_rows = 0usize;
    for r in 0..h {
        for nb in [r.wrapping_sub(1), r + 1] {
            if nb >= h {
                continue;
            }
            let (row, other) = (&y[r * w..(r + 1) * w], &y[nb * w..(nb + 1) * w]);
            let mut run = 0;
            for x in 0..w - 1 {
                if row[x] == row[x + 1] && (row[x] as i16 - other[x] as i16).abs() >= STEP {
                    run += 1;
                    best_rows = best_rows.max(run);
                } else {
                    run = 0;
                }
            }
        }
    }
    let mut best_cols = 0usize;
    // Columns: the same along x-neighbours, with running counters per column.
    let mut runs = vec![[0usize; 2]; w];
    for r in 0..h - 1 {
        for x in 0..w {
            let (a, b) = (y[r * w + x], y[(r + 1) * w + x]);
            for (k, nb) in [x.wrapping_sub(1), x + 1].into_iter().enumerate() {
                let hit = nb < w && a == b && (a as i16 - y[r * w + nb] as i16).abs() >= STEP;
                runs[x][k] = if hit { runs[x][k] + 1 } else { 0 };
                best_cols = best_cols.max(runs[x][k]);
            }
        }
    }
    (best_rows as f32 / w as f32).max(best_cols as f32 / h as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_band_scores_and_a_noisy_copy_does_not() {
        let (w, h) = (120, 80);
        // A flat status bar over a flat page: one straight full-width edge.
        let flat: Vec<u8> = (0..w * h).map(|i| if i / w < 10 { 20 } else { 240 }).collect();
        assert!(straight_edge_run(&flat, w, h) > 0.95);
        let mut s = 3u32;
        let noisy: Vec<u8> = flat
            .iter()
            .map(|&v| {
                s = s.wrapping_mul(1664525).wrapping_add(1013904223);
                (v as i32 + ((s >> 24) as i32 % 5) - 2).clamp(0, 255) as u8
            })
            .collect();
        assert!(straight_edge_run(&noisy, w, h) < 0.2);
    }

    #[test]
    fn a_vertical_edge_counts_too() {
        let (w, h) = (80, 120);
        let flat: Vec<u8> = (0..w * h).map(|i| if i % w < 30 { 0 } else { 200 }).collect();
        assert!(straight_edge_run(&flat, w, h) > 0.95);
    }
}
