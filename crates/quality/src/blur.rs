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
    const HALF: usize = 4; // 9-tap
    if w < 2 * HALF + 2 || h < 2 * HALF + 2 || px.len() < w * h || mask.len() < w * h {
        return 1.0;
    }
    // Each row's masked cells as one span (a convex region's always are);
    // a mask with a gap in a row is judged cell by cell.
    let mut spans = Vec::with_capacity(h);
    for row in mask[..w * h].chunks_exact(w) {
        let a = row.iter().position(|&m| m).unwrap_or(0);
        let b = row.iter().rposition(|&m| m).map_or(0, |b| b + 1);
        if row[a..b.max(a)].iter().any(|&m| !m) {
            return crete_masked(px, mask, w, h);
        }
        spans.push((a, b.max(a)));
    }
    let m = HALF + 1;
    let mut worst: Option<f32> = None;
    for (dx, dy) in [(1isize, 0isize), (0, 1), (1, 1), (1, -1)] {
        // See `crete_masked` for the telescoped re-blur; here each row's
        // cells whose own and predecessor's masks hold are one run, summed
        // branch-free in eight lanes (f32 within a row, f64 across rows).
        let d = dy * w as isize + dx;
        let (mut s_f, mut s_v) = (0f64, 0f64);
        for y in m..h - m {
            let (a1, b1) = spans[y];
            let (a2, b2) = spans[(y as isize - dy) as usize];
            let lo = m.max(a1).max((a2 as isize + dx) as usize);
            let hi = (w - m).min(b1).min((b2 as isize + dx).max(0) as usize);
            if lo >= hi {
                continue;
            }
            let at = |off: isize| {
                let s = (y * w + lo) as isize + off;
                &px[s as usize..s as usize + (hi - lo)]
            };
            let (cur, prev, ahead, behind) = (at(0), at(-d), at(HALF as isize * d), at(-(HALF as isize + 1) * d));
            // Nine times the surviving variation, max(9 d_f - 9 d_b, 0): no
            // division per cell (the sum is divided once, below), and the
            // maximum written as a comparison, which has a vector form.
            let (mut lf, mut lv) = ([0f32; 8], [0f32; 8]);
            let n8 = cur.len() / 8 * 8;
            let zipped =
                eights(&cur[..n8]).zip(eights(&prev[..n8])).zip(eights(&ahead[..n8])).zip(eights(&behind[..n8]));
            for (((c, p), a), b) in zipped {
                for l in 0..8 {
                    let d_f = (c[l] - p[l]).abs();
                    let v = 9.0 * d_f - (a[l] - b[l]).abs();
                    lf[l] += d_f;
                    lv[l] += if v > 0.0 { v } else { 0.0 };
                }
            }
            for k in n8..cur.len() {
                let d_f = (cur[k] - prev[k]).abs();
                let v = 9.0 * d_f - (ahead[k] - behind[k]).abs();
                lf[0] += d_f;
                lv[0] += if v > 0.0 { v } else { 0.0 };
            }
            s_f += lf.iter().sum::<f32>() as f64;
            s_v += lv.iter().sum::<f32>() as f64 / 9.0;
        }
        if s_f > 0.0 {
            let b = ((s_f - s_v) / s_f) as f32;
            worst = Some(worst.map_or(b, |w: f32| w.max(b)));
        }
    }
    worst.unwrap_or(1.0)
}

/// A slice as arrays of eight (the compiler knows their length: no bounds
/// checks, and the lanes become vector operations where the target has them).
fn eights(s: &[f32]) -> impl Iterator<Item = &[f32; 8]> {
    s.chunks_exact(8).filter_map(|c| c.try_into().ok())
}

/// [`crete`] cell by cell, for a mask whose rows are not single spans.
fn crete_masked(px: &[f32], mask: &[bool], w: usize, h: usize) -> f32 {
    const HALF: isize = 4; // 9-tap
    let mut worst: Option<f32> = None;
    let wi = w as isize;
    for (dx, dy) in [(1isize, 0isize), (0, 1), (1, 1), (1, -1)] {
        // The cells judged lie at least HALF + 1 from every edge, so the
        // 9-tap re-blur along the direction is never clamped there, and
        // two neighbours' re-blurred values differ by the two taps their
        // windows do not share (the windows of `i` and of `i - d` overlap
        // in eight): B(i) - B(i - d) = (p(i + 4d) - p(i - 5d)) / 9. The
        // difference is all the measure needs, with no re-blurred image.
        let d = dy * wi + dx;
        let (ahead, behind) = (HALF * d, (HALF + 1) * d);
        let (mut s_f, mut s_v) = (0f64, 0f64);
        let m = HALF + 1;
        for y in m..h as isize - m {
            let row = y * wi;
            for x in m..wi - m {
                let i = row + x;
                let j = i - d;
                if !mask[i as usize] || !mask[j as usize] {
                    continue;
                }
                let d_f = (px[i as usize] - px[j as usize]).abs();
                let d_b = (px[(i + ahead) as usize] - px[(i - behind) as usize]).abs() / 9.0;
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

    /// The measure as the paper defines it: the image re-blurred along the
    /// direction (9 taps, clamped at the edges), then neighbour differences
    /// of both over the masked interior.
    fn reblurred_definition(px: &[f32], mask: &[bool], w: usize, h: usize) -> f32 {
        let mut worst = None;
        for (dx, dy) in [(1isize, 0isize), (0, 1), (1, 1), (1, -1)] {
            let at = |x: isize, y: isize| px[y as usize * w + x as usize];
            let mut b = vec![0f32; w * h];
            for y in 0..h as isize {
                for x in 0..w as isize {
                    let taps: Vec<f32> = (-4..=4)
                        .map(|k| (x + k * dx, y + k * dy))
                        .filter(|&(a, c)| a >= 0 && c >= 0 && a < w as isize && c < h as isize)
                        .map(|(a, c)| at(a, c))
                        .collect();
                    b[y as usize * w + x as usize] = taps.iter().sum::<f32>() / taps.len() as f32;
                }
            }
            let (mut s_f, mut s_v) = (0f64, 0f64);
            for y in 5..h as isize - 5 {
                for x in 5..w as isize - 5 {
                    let (i, j) = ((y * w as isize + x) as usize, ((y - dy) * w as isize + x - dx) as usize);
                    if mask[i] && mask[j] {
                        let (d_f, d_b) = ((px[i] - px[j]).abs(), (b[i] - b[j]).abs());
                        s_f += d_f as f64;
                        s_v += (d_f - d_b).max(0.0) as f64;
                    }
                }
            }
            if s_f > 0.0 {
                let v = ((s_f - s_v) / s_f) as f32;
                worst = Some(worst.map_or(v, |w: f32| w.max(v)));
            }
        }
        worst.unwrap_or(1.0)
    }

    /// The telescoped differences give the re-blurred image's measure, on
    /// texture, on soft and sharp edges in every direction, under a mask.
    #[test]
    fn the_shortcut_is_the_definition() {
        let (w, h) = (61, 37);
        let mut seed = 12345u32;
        let mut rnd = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32
        };
        let noise: Vec<f32> = (0..w * h).map(|_| rnd() * 255.0).collect();
        let soft = box_blur_rows(&noise, w, 3);
        let diag: Vec<f32> = (0..w * h).map(|i| if (i % w + i / w) % 11 < 5 { 20.0 } else { 230.0 }).collect();
        // A mask with gaps in its rows (judged cell by cell), and a convex
        // one with empty rows above and below (judged span by span).
        let mask: Vec<bool> = (0..w * h).map(|i| (i % w) * (i / w) % 7 != 3).collect();
        let quad = [
            crate::geometry::Pt { x: 8.3, y: 4.2 },
            crate::geometry::Pt { x: 55.0, y: 9.7 },
            crate::geometry::Pt { x: 50.2, y: 33.1 },
            crate::geometry::Pt { x: 3.9, y: 27.5 },
        ];
        let convex: Vec<bool> = (0..w * h)
            .map(|i| {
                let p = crate::geometry::Pt { x: (i % w) as f32 + 0.5, y: (i / w) as f32 + 0.5 };
                crate::geometry::inside_convex(&quad, p)
            })
            .collect();
        assert!(convex[..w].iter().all(|&m| !m) && convex.iter().filter(|&&m| m).count() > w * h / 3);
        for img in [&noise, &soft, &diag, &bars(w, h)] {
            let spans = crete(img, &convex, w, h);
            assert!((spans - crete_masked(img, &convex, w, h)).abs() < 1e-5);
            for m in [vec![true; w * h], mask.clone(), convex.clone()] {
                let (a, b) = (crete(img, &m, w, h), reblurred_definition(img, &m, w, h));
                assert!((a - b).abs() < 1e-4, "{a} vs {b}");
            }
        }
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
