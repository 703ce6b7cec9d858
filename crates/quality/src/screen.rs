//! Screen recapture: a photo of a document shown on a screen.
//!
//! A display is a regular grid of pixels (and sub-pixels); photographed, the
//! grid and the moiré it aliases into put sharp, isolated peaks in the 2-D
//! spectrum at periods of a few camera pixels, where printed card stock and
//! natural backgrounds have smooth, broad spectra (H. Farid & co., screen
//! recapture detection; K. Patel et al., "Secure face unlock: spoof detection
//! on smartphones", IEEE TIFS 2016, moiré analysis). Method: high-pass a
//! 256x256 patch of the document at the capture's own resolution, Hann
//! window, power spectrum, and divide each frequency by the median power of
//! its ring (same radius): print texture falls off with frequency but is
//! isotropic, so a grid shows as a bin hundreds to thousands of times above
//! its ring. The score is the strongest such peak over a few patches.

use crate::fft::power2d;
use crate::geometry::Pt;

/// Patch side (a power of two).
pub const N: usize = 256;
/// Lowest ring considered: periods of at most N / 32 = 8 pixels. Text and
/// guilloches repeat over longer periods than a display's pixel pitch.
const R_MIN: usize = N / 32;

/// Peak-to-ring ratio of the strongest periodic component among patches
/// centred at `centres` (clamped into the frame). Frames smaller than a patch
/// use the largest power-of-two patch that fits (at least 32).
pub fn moire_peak(y: &[u8], w: usize, h: usize, centres: &[Pt]) -> f32 {
    let mut n = N;
    while n > 32 && (n > w || n > h) {
        n /= 2;
    }
    if n > w || n > h {
        return 0.0;
    }
    let win: Vec<f32> =
        (0..n).map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / (n - 1) as f32).cos()).collect();
    let r_min = R_MIN * n / N;
    let half = n / 2;
    let mut best = 0.0f32;
    let mut patch = vec![0f32; n * n];
    for c in centres {
        let x0 = (c.x as isize - half as isize).clamp(0, (w - n) as isize) as usize;
        let y0 = (c.y as isize - half as isize).clamp(0, (h - n) as isize) as usize;
        // High-pass: subtract a 5x5 local mean, so the spectrum is not
        // dominated by the patch's illumination and large shapes.
        for j in 0..n {
            for i in 0..n {
                let (gx, gy) = (x0 + i, y0 + j);
                let mut s = 0u32;
                let mut k = 0u32;
                for yy in gy.saturating_sub(2)..=(gy + 2).min(h - 1) {
                    for xx in gx.saturating_sub(2)..=(gx + 2).min(w - 1) {
                        s += y[yy * w + xx] as u32;
                        k += 1;
                    }
                }
                let v = y[gy * w + gx] as f32 - s as f32 / k as f32;
                patch[j * n + i] = v * win[i] * win[j];
            }
        }
        let power = power2d(&patch, n);
        // Ring medians.
        let mut rings: Vec<Vec<f32>> = vec![Vec::new(); half];
        let ring_of = |i: usize, j: usize| -> usize {
            let fx = if i < half { i } else { n - i } as f32;
            let fy = if j < half { j } else { n - j } as f32;
            (fx * fx + fy * fy).sqrt() as usize
        };
        for j in 0..n {
            for i in 0..n {
                let r = ring_of(i, j);
                if (r_min..half).contains(&r) {
                    rings[r].push(power[j * n + i]);
                }
            }
        }
        let medians: Vec<f32> = rings
            .iter_mut()
            .map(|v| {
                if v.is_empty() {
                    return 0.0;
                }
                let mid = v.len() / 2;
                *v.select_nth_unstable_by(mid, f32::total_cmp).1
            })
            .collect();
        for j in 0..n {
            for i in 0..n {
                let r = ring_of(i, j);
                if (r_min..half).contains(&r) && medians[r] > 1e-6 {
                    best = best.max(power[j * n + i] / medians[r]);
                }
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(seed: &mut u32) -> f32 {
        *seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
        (*seed >> 24) as f32 / 255.0
    }

    #[test]
    fn a_pixel_grid_peaks_and_noise_does_not() {
        let (w, h) = (300, 300);
        let mut seed = 7;
        let plain: Vec<u8> = (0..w * h).map(|_| (120.0 + 20.0 * noise(&mut seed)) as u8).collect();
        // The same with a faint grid of period 3.5 px in both directions.
        let grid: Vec<u8> = plain
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let (x, y) = ((i % w) as f32, (i / w) as f32);
                let g = (x * 2.0 * std::f32::consts::PI / 3.5).cos() * (y * 2.0 * std::f32::consts::PI / 3.5).cos();
                (v as f32 + 12.0 * g).clamp(0.0, 255.0) as u8
            })
            .collect();
        let c = [Pt { x: 150.0, y: 150.0 }];
        let (a, b) = (moire_peak(&plain, w, h, &c), moire_peak(&grid, w, h, &c));
        assert!(a < 100.0, "noise {a}");
        assert!(b > 10.0 * a, "grid {b} vs noise {a}");
    }
}
