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
//!
//! A screenshot sent through a messenger arrives re-encoded as JPEG, which
//! rings along those edges and breaks the runs; but it keeps the other mark
//! of a rendered image: wide areas of one exact level (the app's background,
//! the letterbox), which JPEG encodes as blocks of their DC term alone,
//! 64 identical pixels (ITU-T T.81). A camera never delivers that over a
//! large area: photon shot noise varies every pixel (G. Healey, R.
//! Kondepudy, "Radiometric CCD camera calibration and noise estimation",
//! IEEE PAMI 1994), even once blurred. [`flat_share`] is the share of the
//! frame's 8x8 blocks that are exactly uniform at the single most common
//! level, clipped white (255, a highlight) excluded.

/// Minimum level difference across the edge.
pub const STEP: i16 = 8;

/// Longest straight constant run along a hard edge, as a share of the side.
///
/// Written branch-free over whole rows (a run grows by one where the pixel
/// qualifies and drops to zero where it does not: `run = (run + 1) * hit`),
/// so that the compiler vectorises the column runs, which advance a row of
/// counters at a time. Camera frames hold many pixels equal to a neighbour
/// (flat, 8-bit) but few that also stand a step from the next row: testing
/// pixel by pixel with branches cost more than the arithmetic.
pub fn straight_edge_run(y: &[u8], w: usize, h: usize) -> f32 {
    if w < 2 || h < 2 || y.len() < w * h {
        return 0.0;
    }
    let step = |a: u8, b: u8| a.abs_diff(b) >= STEP as u8;
    // Rows: a pixel equal to its right-hand neighbour and a step away from
    // the pixel above (or below) it.
    // The qualifying pixels are marked in a vectorised pass; the runs are
    // then counted eight marks at a time, a chunk without any (most of a
    // camera frame) costing one comparison.
    let mut best_rows = 0u32;
    let mut hits = vec![0u8; w - 1];
    for r in 0..h {
        let row = &y[r * w..(r + 1) * w];
        for nb in [r.wrapping_sub(1), r + 1] {
            if nb >= h {
                continue;
            }
            let other = &y[nb * w..(nb + 1) * w];
            for ((hit, pair), &o) in hits.iter_mut().zip(row.windows(2)).zip(other) {
                *hit = ((pair[0] == pair[1]) & step(pair[0], o)) as u8;
            }
            let mut run = 0u32;
            let mut chunks = hits.chunks_exact(8);
            for c in &mut chunks {
                if u64::from_ne_bytes(c.try_into().unwrap_or([0; 8])) == 0 {
                    run = 0;
                    continue;
                }
                for &hit in c {
                    run = (run + 1) * hit as u32;
                    best_rows = best_rows.max(run);
                }
            }
            for &hit in chunks.remainder() {
                run = (run + 1) * hit as u32;
                best_rows = best_rows.max(run);
            }
        }
    }
    // Columns: a pixel equal to the one below it and a step away from its
    // left-hand (or right-hand) neighbour, one counter per column and side.
    let mut left = vec![0u32; w];
    let mut right = vec![0u32; w];
    let (mut best_l, mut best_r) = (vec![0u32; w], vec![0u32; w]);
    for r in 0..h - 1 {
        let (row, next) = (&y[r * w..(r + 1) * w], &y[(r + 1) * w..(r + 2) * w]);
        for ((((run, best), pair), &n), _) in
            left[1..].iter_mut().zip(&mut best_l[1..]).zip(row.windows(2)).zip(&next[1..]).zip(0..w - 1)
        {
            let hit = (pair[1] == n) & step(pair[1], pair[0]);
            *run = (*run + 1) * hit as u32;
            *best = (*best).max(*run);
        }
        for ((((run, best), pair), &n), _) in
            right[..w - 1].iter_mut().zip(&mut best_r[..w - 1]).zip(row.windows(2)).zip(&next[..w - 1]).zip(0..w - 1)
        {
            let hit = (pair[0] == n) & step(pair[0], pair[1]);
            *run = (*run + 1) * hit as u32;
            *best = (*best).max(*run);
        }
    }
    let best_cols = best_l.iter().chain(&best_r).copied().max().unwrap_or(0);
    (best_rows as f32 / w as f32).max(best_cols as f32 / h as f32)
}

/// Share (percent) of the frame's 8x8 blocks, on the JPEG grid from the
/// top-left corner, whose 64 pixels all equal the one level most such blocks
/// share (levels 0 to 254).
pub fn flat_share(y: &[u8], w: usize, h: usize) -> f32 {
    let (bw, bh) = (w / 8, h / 8);
    if bw == 0 || bh == 0 {
        return 0.0;
    }
    let mut counts = [0u32; 255];
    for by in 0..bh {
        'block: for bx in 0..bw {
            let v = y[by * 8 * w + bx * 8];
            if v == 255 {
                continue;
            }
            for r in 0..8 {
                let row = &y[(by * 8 + r) * w + bx * 8..(by * 8 + r) * w + bx * 8 + 8];
                if row.iter().any(|&p| p != v) {
                    continue 'block;
                }
            }
            counts[v as usize] += 1;
        }
    }
    *counts.iter().max().unwrap_or(&0) as f32 / (bw * bh) as f32 * 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run as first written, pixel by pixel with branches: the
    /// reference the branch-free one must equal.
    fn reference_run(y: &[u8], w: usize, h: usize) -> f32 {
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

    /// Branch-free and reference agree on rendered bands, posterised noise
    /// (many short equal runs and steps), and odd sizes.
    #[test]
    fn the_branch_free_run_is_the_reference() {
        let mut s = 7u32;
        let mut rnd = || {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            s >> 24
        };
        for (w, h) in [(2, 2), (3, 7), (17, 5), (64, 48), (121, 83)] {
            for levels in [2u32, 3, 40] {
                let img: Vec<u8> = (0..w * h)
                    .map(|i| ((rnd() % levels) * (200 / levels) + if i / w < h / 3 { 0 } else { 40 }) as u8)
                    .collect();
                assert_eq!(straight_edge_run(&img, w, h), reference_run(&img, w, h), "{w}x{h} {levels}");
            }
            let band: Vec<u8> = (0..w * h).map(|i| if i % w < w / 2 || i / w < h / 2 { 10 } else { 220 }).collect();
            assert_eq!(straight_edge_run(&band, w, h), reference_run(&band, w, h), "{w}x{h} band");
        }
    }

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
    fn flat_app_background_counts_and_noise_or_glare_does_not() {
        let (w, h) = (80, 160);
        // A rendered page: flat 245 with a noisy photo in the middle.
        let mut s = 9u32;
        let page: Vec<u8> = (0..w * h)
            .map(|i| {
                s = s.wrapping_mul(1664525).wrapping_add(1013904223);
                if (40..100).contains(&(i / w)) {
                    100 + (s >> 28) as u8
                } else {
                    245
                }
            })
            .collect();
        let share = flat_share(&page, w, h);
        assert!((60.0..70.0).contains(&share), "{share}");
        // The same level with one-level sensor noise: nothing flat.
        let noisy: Vec<u8> = page
            .iter()
            .map(|&v| {
                s = s.wrapping_mul(1664525).wrapping_add(1013904223);
                v - (s >> 31) as u8
            })
            .collect();
        assert!(flat_share(&noisy, w, h) < 5.0);
        // A clipped highlight is not a rendered background.
        assert_eq!(flat_share(&[255; 64 * 64], 64, 64), 0.0);
    }

    #[test]
    fn a_vertical_edge_counts_too() {
        let (w, h) = (80, 120);
        let flat: Vec<u8> = (0..w * h).map(|i| if i % w < 30 { 0 } else { 200 }).collect();
        assert!(straight_edge_run(&flat, w, h) > 0.95);
    }
}
