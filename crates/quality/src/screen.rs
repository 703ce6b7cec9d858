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
//! its ring. A display is a 2-D lattice, while a ruled page, a guilloche or
//! a striped cloth is periodic in one direction only: the score is the
//! strongest peak in a second direction (at least [`MIN_SPREAD`] from the
//! strongest one), over a few patches.
//!
//! The second, independent sign is colour aliasing ([`colour_alias`]): a
//! display's red, green and blue sub-pixels sit side by side, and imaged
//! onto the camera's own Bayer mosaic they beat into fine rainbow fringes,
//! chroma that oscillates from pixel to pixel where the luminance is flat
//! (the colour moiré of recaptured images: T. Thongkamwitoon et al., "An
//! image recapture detection algorithm based on learning dictionaries of
//! edge profiles", IEEE TIFS 2015; H. Cao & A. C. Kot, "Identification of
//! recaptured photographs on LCD screens", ICASSP 2010, which uses colour
//! moiré as one of its features). Print has colour only where it has ink,
//! so its fine chroma follows its luminance edges; paper, card stock, the
//! colour noise of a sensor and JPEG's subsampled chroma carry almost none.

use crate::fft::power2d;
use crate::frame::Planes;
use crate::geometry::Pt;

/// Patch side (a power of two).
pub const N: usize = 256;
/// Least angle between the two directions of a lattice (20 degrees): a
/// screen seen at a slant still has its rows and columns well apart.
const MIN_SPREAD: f32 = 20.0 * std::f32::consts::PI / 180.0;
/// Lowest ring considered: periods of at most N / 32 = 8 pixels. Text and
/// guilloches repeat over longer periods than a display's pixel pitch.
const R_MIN: usize = N / 32;

/// Side of the patches both signs look at: [`N`], or the largest power of
/// two that fits the frame (at least 32); none for a smaller frame.
fn patch_side(w: usize, h: usize) -> Option<usize> {
    let mut n = N;
    while n > 32 && (n > w || n > h) {
        n /= 2;
    }
    (n <= w && n <= h).then_some(n)
}

/// Top-left corner of the `n`-px patch centred at `c`, clamped into the frame.
fn patch_origin(c: &Pt, n: usize, w: usize, h: usize) -> (usize, usize) {
    let x0 = (c.x as isize - (n / 2) as isize).clamp(0, (w - n) as isize) as usize;
    let y0 = (c.y as isize - (n / 2) as isize).clamp(0, (h - n) as isize) as usize;
    (x0, y0)
}

/// What [`moire_peak`] needs for an `n`-px patch whatever its pixels.
struct Spectrum {
    /// The Hann window.
    win: Vec<f32>,
    /// The in-band frequency bins of one half-plane: (index, ring). A real
    /// patch's power spectrum is symmetric, `P(u, v) = P(-u, -v)`, and no
    /// in-band bin is its own mirror, so every ring is its half-plane's
    /// values twice over: the same median (the middle of a list of pairs
    /// is the middle of one of each), the same peaks, at half the work.
    bins: Vec<(u32, u16)>,
    /// Each in-band ring's slice of one flat buffer (a counting sort).
    offsets: Vec<usize>,
}

impl Spectrum {
    fn new(n: usize) -> Spectrum {
        let win: Vec<f32> =
            (0..n).map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / (n - 1) as f32).cos()).collect();
        let r_min = R_MIN * n / N;
        let half = n / 2;
        let ring_of = |i: usize, j: usize| -> usize {
            let fx = if i < half { i } else { n - i } as f32;
            let fy = if j < half { j } else { n - j } as f32;
            (fx * fx + fy * fy).sqrt() as usize
        };
        // Columns 1 to n/2 - 1 whole (their mirrors are the columns past
        // n/2), columns 0 and n/2 in their upper half (rows 1 to n/2 - 1:
        // the lower half mirrors it; rows 0 and n/2 there are out of band).
        let in_half = |i: usize, j: usize| (1..half).contains(&i) || ((i == 0 || i == half) && (1..half).contains(&j));
        let bins: Vec<(u32, u16)> = (0..n * n)
            .filter(|&k| in_half(k % n, k / n))
            .map(|k| (k as u32, ring_of(k % n, k / n)))
            .filter(|&(_, r)| (r_min..half).contains(&r))
            .map(|(k, r)| (k, r as u16))
            .collect();
        let mut counts = vec![0usize; half + 1];
        for &(_, r) in &bins {
            counts[r as usize] += 1;
        }
        let mut offsets = vec![0usize; half + 2];
        for r in 0..=half {
            offsets[r + 1] = offsets[r] + counts[r];
        }
        Spectrum { win, bins, offsets }
    }
}

/// Peak-to-ring ratio of the strongest periodic component among patches
/// centred at `centres` (clamped into the frame). Frames smaller than a patch
/// use the largest power-of-two patch that fits (at least 32).
pub fn moire_peak(y: &[u8], w: usize, h: usize, centres: &[Pt]) -> f32 {
    let Some(n) = patch_side(w, h) else { return 0.0 };
    // The tables of the usual side are made once for every frame.
    static USUAL: std::sync::OnceLock<Spectrum> = std::sync::OnceLock::new();
    let other;
    let t = if n == N {
        USUAL.get_or_init(|| Spectrum::new(N))
    } else {
        other = Spectrum::new(n);
        &other
    };
    let (win, bins, offsets) = (&t.win, &t.bins, &t.offsets);
    let r_min = R_MIN * n / N;
    let half = n / 2;
    let mut flat = vec![0f32; offsets[half + 1]];
    let mut best = 0.0f32;
    let mut patch = vec![0f32; n * n];
    // Summed-area table of the patch plus a 2-px margin, for the 5x5 mean.
    let m = n + 4;
    let mut sat = vec![0u32; (m + 1) * (m + 1)];
    for c in centres {
        let (x0, y0) = patch_origin(c, n, w, h);
        // High-pass: subtract a 5x5 local mean (edges clamped), so the
        // spectrum is not dominated by illumination and large shapes.
        // The clamped source column of each of the table's columns, once.
        let sxs: Vec<usize> =
            (0..m).map(|i| (x0 as isize + i as isize - 2).clamp(0, w as isize - 1) as usize).collect();
        for j in 0..m {
            let sy = (y0 as isize + j as isize - 2).clamp(0, h as isize - 1) as usize;
            let src = &y[sy * w..(sy + 1) * w];
            let (above, here) = sat[j * (m + 1)..(j + 2) * (m + 1)].split_at_mut(m + 1);
            let mut row = 0u32;
            for ((out, &up), &sx) in here[1..].iter_mut().zip(&above[1..]).zip(&sxs) {
                row += src[sx] as u32;
                *out = up + row;
            }
        }
        for j in 0..n {
            for i in 0..n {
                let (a, b) = (j * (m + 1) + i, (j + 5) * (m + 1) + i);
                // 25 times the pixel less its 5x5 mean, exact in integers:
                // the scale is the same for every bin, and the score is a
                // ratio of powers (no division per pixel).
                let sum = sat[b + 5] + sat[a] - sat[a + 5] - sat[b];
                let v = (25 * y[(y0 + j) * w + x0 + i] as i32 - sum as i32) as f32;
                patch[j * n + i] = v * win[i] * win[j];
            }
        }
        let power = power2d(&patch, n);
        let mut fill = offsets.clone();
        for &(k, r) in bins {
            flat[fill[r as usize]] = power[k as usize];
            fill[r as usize] += 1;
        }
        let mut medians = vec![0f32; half + 1];
        for r in r_min..half {
            let slice = &mut flat[offsets[r]..offsets[r + 1]];
            if !slice.is_empty() {
                let mid = slice.len() / 2;
                medians[r] = *slice.select_nth_unstable_by(mid, f32::total_cmp).1;
            }
        }
        // The strongest peak, then the strongest in another direction: a
        // ruled page, a guilloche or a striped cloth is periodic along one
        // direction only (its peaks and their harmonics lie on one line
        // through the origin); a display's pixel lattice along two.
        let angle_of = |k: u32| {
            let (i, j) = (k as usize % n, k as usize / n);
            let fx = if i < half { i as f32 } else { i as f32 - n as f32 };
            let fy = if j < half { j as f32 } else { j as f32 - n as f32 };
            fy.atan2(fx).rem_euclid(std::f32::consts::PI)
        };
        // Each ring's reciprocal median, once (a flat ring: no peak).
        let inverse: Vec<f32> = medians.iter().map(|&m| if m > 1e-6 * 625.0 { 1.0 / m } else { 0.0 }).collect();
        let ratio = |k: u32, r: u16| power[k as usize] * inverse[r as usize];
        let mut first = (0f32, 0f32);
        for &(k, r) in bins {
            let v = ratio(k, r);
            if v > first.0 {
                first = (v, angle_of(k));
            }
        }
        let mut second = 0f32;
        for &(k, r) in bins {
            let v = ratio(k, r);
            if v > second {
                let mut d = (angle_of(k) - first.1).abs();
                d = d.min(std::f32::consts::PI - d);
                if d > MIN_SPREAD {
                    second = v;
                }
            }
        }
        best = best.max(second);
    }
    best
}

/// Least luminance deviation (levels, of the band-pass below) at which a
/// pixel counts as part of an edge: print, where chroma follows the ink.
const FLAT_LUMA: i32 = 4;
/// The band: the 3x3 mean less the 9x9 mean. Fringes a few pixels to a few
/// tens of pixels apart pass; the colour noise of single pixels (a sensor's,
/// independent in each channel) is averaged down ninefold by the 3x3 mean,
/// and lighting and large shapes are removed by the 9x9 one.
const INNER: usize = 3;
const OUTER: usize = 9;

/// Colour aliasing: the upper quartile of the squared band-passed chroma
/// (B - Y and R - Y, [`INNER`]x[`INNER`] mean less [`OUTER`]x[`OUTER`] mean)
/// over the pixels whose band-passed luminance is flat (under
/// [`FLAT_LUMA`]), in square patches (side [`N`], or the largest power of
/// two that fits) at `centres`; the strongest patch. A quartile, not the
/// mean: aliasing covers the whole patch, while the colour that JPEG's
/// subsampled chroma bleeds beside large coloured print (a red "SPECIMEN")
/// covers a few pixels and would dominate a mean. On the labelled sets,
/// camera frames of cards, paper and tables stay under 2.6 (under 4 with
/// sensor colour noise of 2 levels added to each channel, under 8 with 4),
/// photographs of screens read from 9 up to ~3,000.
pub fn colour_alias(p: &Planes, centres: &[Pt]) -> f32 {
    let (w, h) = (p.w, p.h);
    // Planes filled with luma only have no colour to alias.
    if [p.r.len(), p.g.len(), p.b.len(), p.y.len()].iter().any(|&l| l < w * h) {
        return 0.0;
    }
    let Some(n) = patch_side(w, h) else { return 0.0 };
    let pad = OUTER / 2;
    let m = n + 2 * pad;
    // Summed-area tables (with a clamped margin) of Y, B - Y, R - Y, in
    // integers: exact, and 265^2 x 255 fits an i32.
    let mut sat = [vec![0i32; (m + 1) * (m + 1)], vec![0i32; (m + 1) * (m + 1)], vec![0i32; (m + 1) * (m + 1)]];
    let mut values: Vec<i32> = Vec::with_capacity(n * n);
    let mut best = 0f32;
    for c in centres {
        let (x0, y0) = patch_origin(c, n, w, h);
        // The clamped source column of each of the tables' columns, once.
        let sxs: Vec<usize> =
            (0..m).map(|i| (x0 as isize + i as isize - pad as isize).clamp(0, w as isize - 1) as usize).collect();
        for j in 0..m {
            let sy = (y0 as isize + j as isize - pad as isize).clamp(0, h as isize - 1) as usize;
            let (ys, bs, rs) = (&p.y[sy * w..(sy + 1) * w], &p.b[sy * w..(sy + 1) * w], &p.r[sy * w..(sy + 1) * w]);
            let [s0, s1, s2] = &mut sat;
            let (a0, h0) = s0[j * (m + 1)..(j + 2) * (m + 1)].split_at_mut(m + 1);
            let (a1, h1) = s1[j * (m + 1)..(j + 2) * (m + 1)].split_at_mut(m + 1);
            let (a2, h2) = s2[j * (m + 1)..(j + 2) * (m + 1)].split_at_mut(m + 1);
            let mut row = [0i32; 3];
            for (i, &sx) in sxs.iter().enumerate() {
                let y = ys[sx] as i32;
                row[0] += y;
                row[1] += bs[sx] as i32 - y;
                row[2] += rs[sx] as i32 - y;
                h0[i + 1] = a0[i + 1] + row[0];
                h1[i + 1] = a1[i + 1] + row[1];
                h2[i + 1] = a2[i + 1] + row[2];
            }
        }
        // Sum over the k x k box centred on patch pixel (i, j).
        let boxed = |p: usize, i: usize, j: usize, k: usize| {
            let (x, y) = (i + pad - k / 2, j + pad - k / 2);
            let (a, bb) = (y * (m + 1) + x, (y + k) * (m + 1) + x);
            sat[p][bb + k] + sat[p][a] - sat[p][a + k] - sat[p][bb]
        };
        let (ki, ko) = ((INNER * INNER) as i32, (OUTER * OUTER) as i32);
        // Band-passed value times 81 x 9 (integers throughout).
        let band = |p: usize, i: usize, j: usize| boxed(p, i, j, INNER) * ko - boxed(p, i, j, OUTER) * ki;
        let scale = ki * ko;
        values.clear();
        for j in 0..n {
            for i in 0..n {
                if band(0, i, j).abs() < FLAT_LUMA * scale {
                    let (cb, cr) = (band(1, i, j) as i64, band(2, i, j) as i64);
                    let e = (cb * cb + cr * cr) / (scale as i64 * scale as i64 / 16);
                    values.push(e.min(i32::MAX as i64) as i32);
                }
            }
        }
        // Too few flat pixels (a patch of dense print) say nothing.
        if values.len() >= n * n / 16 {
            let k = values.len() * 3 / 4;
            best = best.max(kth_smallest(&mut values, k) as f32 / 16.0);
        }
    }
    best
}

/// The `k`-th smallest of `values` (non-negative), as `select_nth_unstable`
/// gives it: counted in a histogram of the small values that nearly all of
/// them are, the few large ones selected apart only when the rank falls
/// among them.
fn kth_smallest(values: &mut Vec<i32>, k: usize) -> i32 {
    const BINS: usize = 4096;
    let mut hist = vec![0u32; BINS];
    let mut large = 0;
    for &v in values.iter() {
        debug_assert!(v >= 0, "kth_smallest ranks non-negative values");
        match usize::try_from(v) {
            Ok(i) if i < BINS => hist[i] += 1,
            _ => large += 1,
        }
    }
    let mut seen = 0usize;
    for (v, &c) in hist.iter().enumerate() {
        seen += c as usize;
        if seen > k {
            return v as i32;
        }
    }
    // The rank lies among the large values (`k < values.len()`).
    values.retain(|&v| usize::try_from(v).map_or(true, |i| i >= BINS));
    if large == 0 || values.is_empty() {
        return 0;
    }
    let k = (k - seen).min(values.len() - 1);
    *values.select_nth_unstable(k).1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The histogram's rank is the sort's, with the rank among the small
    /// values, among the large ones, and at their border.
    #[test]
    fn kth_smallest_is_the_sorted_rank() {
        let mut s = 11u32;
        for spread in [10u32, 4000, 5000, 1 << 20] {
            let v: Vec<i32> = (0..997)
                .map(|_| {
                    s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    ((s >> 8) % spread) as i32
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort();
            for k in [0, 1, 500, 747, 995, 996] {
                assert_eq!(kth_smallest(&mut v.clone(), k), sorted[k], "spread {spread} k {k}");
            }
        }
    }

    fn noise(seed: &mut u32) -> f32 {
        *seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
        (*seed >> 24) as f32 / 255.0
    }

    // The moire score as first written (every bin of the spectrum, the
    // 5x5 mean divided out per pixel, a division per bin), kept to check
    // the half-plane version against.
    struct RefSpectrum {
        /// The Hann window.
        win: Vec<f32>,
        /// The ring (integer radius) of each frequency bin.
        rings: Vec<u16>,
        /// Each in-band ring's slice of one flat buffer (a counting sort).
        offsets: Vec<usize>,
    }

    impl RefSpectrum {
        fn new(n: usize) -> RefSpectrum {
            let win: Vec<f32> =
                (0..n).map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / (n - 1) as f32).cos()).collect();
            let r_min = R_MIN * n / N;
            let half = n / 2;
            let ring_of = |i: usize, j: usize| -> usize {
                let fx = if i < half { i } else { n - i } as f32;
                let fy = if j < half { j } else { n - j } as f32;
                (fx * fx + fy * fy).sqrt() as usize
            };
            let rings: Vec<u16> = (0..n * n).map(|k| ring_of(k % n, k / n) as u16).collect();
            let mut counts = vec![0usize; half + 1];
            for &r in &rings {
                if (r_min..half).contains(&(r as usize)) {
                    counts[r as usize] += 1;
                }
            }
            let mut offsets = vec![0usize; half + 2];
            for r in 0..=half {
                offsets[r + 1] = offsets[r] + counts[r];
            }
            RefSpectrum { win, rings, offsets }
        }
    }

    /// Peak-to-ring ratio of the strongest periodic component among patches
    /// centred at `centres` (clamped into the frame). Frames smaller than a patch
    /// use the largest power-of-two patch that fits (at least 32).
    fn moire_peak_reference(y: &[u8], w: usize, h: usize, centres: &[Pt]) -> f32 {
        let Some(n) = patch_side(w, h) else { return 0.0 };
        // The tables of the usual side are made once for every frame.
        let t = RefSpectrum::new(n);
        let (win, rings, offsets) = (&t.win, &t.rings, &t.offsets);
        let r_min = R_MIN * n / N;
        let half = n / 2;
        let in_band = |r: u16| (r_min..half).contains(&(r as usize));
        let mut flat = vec![0f32; offsets[half + 1]];
        let mut best = 0.0f32;
        let mut patch = vec![0f32; n * n];
        // Summed-area table of the patch plus a 2-px margin, for the 5x5 mean.
        let m = n + 4;
        let mut sat = vec![0u32; (m + 1) * (m + 1)];
        for c in centres {
            let (x0, y0) = patch_origin(c, n, w, h);
            // High-pass: subtract a 5x5 local mean (edges clamped), so the
            // spectrum is not dominated by illumination and large shapes.
            for j in 0..m {
                let sy = (y0 as isize + j as isize - 2).clamp(0, h as isize - 1) as usize;
                let mut row = 0u32;
                for i in 0..m {
                    let sx = (x0 as isize + i as isize - 2).clamp(0, w as isize - 1) as usize;
                    row += y[sy * w + sx] as u32;
                    sat[(j + 1) * (m + 1) + i + 1] = sat[j * (m + 1) + i + 1] + row;
                }
            }
            for j in 0..n {
                for i in 0..n {
                    let (a, b) = (j * (m + 1) + i, (j + 5) * (m + 1) + i);
                    let sum = sat[b + 5] + sat[a] - sat[a + 5] - sat[b];
                    let v = y[(y0 + j) * w + x0 + i] as f32 - sum as f32 / 25.0;
                    patch[j * n + i] = v * win[i] * win[j];
                }
            }
            let power = power2d(&patch, n);
            let mut fill = offsets.clone();
            for (k, &r) in rings.iter().enumerate() {
                if in_band(r) {
                    flat[fill[r as usize]] = power[k];
                    fill[r as usize] += 1;
                }
            }
            let mut medians = vec![0f32; half + 1];
            for r in r_min..half {
                let slice = &mut flat[offsets[r]..offsets[r + 1]];
                if !slice.is_empty() {
                    let mid = slice.len() / 2;
                    medians[r] = *slice.select_nth_unstable_by(mid, f32::total_cmp).1;
                }
            }
            // The strongest peak, then the strongest in another direction: a
            // ruled page, a guilloche or a striped cloth is periodic along one
            // direction only (its peaks and their harmonics lie on one line
            // through the origin); a display's pixel lattice along two.
            let angle_of = |k: usize| {
                let (i, j) = (k % n, k / n);
                let fx = if i < half { i as f32 } else { i as f32 - n as f32 };
                let fy = if j < half { j as f32 } else { j as f32 - n as f32 };
                fy.atan2(fx).rem_euclid(std::f32::consts::PI)
            };
            let ratio = |k: usize, r: u16| {
                if in_band(r) && medians[r as usize] > 1e-6 {
                    power[k] / medians[r as usize]
                } else {
                    0.0
                }
            };
            let mut first = (0f32, 0f32);
            for (k, &r) in rings.iter().enumerate() {
                let v = ratio(k, r);
                if v > first.0 {
                    first = (v, angle_of(k));
                }
            }
            let mut second = 0f32;
            for (k, &r) in rings.iter().enumerate() {
                let v = ratio(k, r);
                if v > second {
                    let mut d = (angle_of(k) - first.1).abs();
                    d = d.min(std::f32::consts::PI - d);
                    if d > MIN_SPREAD {
                        second = v;
                    }
                }
            }
            best = best.max(second);
        }
        best
    }

    /// The half-plane, integer-scaled score is the full plane's, on noise,
    /// a ruled page, a screen's lattice and a JPEG-like flat patch, at the
    /// usual patch side and smaller ones.
    #[test]
    fn moire_half_plane_is_the_full_plane() {
        let mut seed = 21u32;
        for n in [32usize, 64, 256] {
            let (w, h) = (n + 13, n + 7);
            let c = [Pt { x: w as f32 / 2.0, y: h as f32 / 2.0 }, Pt { x: 3.0, y: h as f32 }];
            let grain: Vec<u8> = (0..w * h).map(|_| (noise(&mut seed) * 255.0) as u8).collect();
            // (Grain on the patterns too: a noiseless one leaves rings of
            // powers that are rounding error, whose ratios mean nothing.)
            let ruled: Vec<u8> =
                (0..w * h).map(|i| if (i / w) % 5 == 0 { 40 } else { 200 } + (noise(&mut seed) * 8.0) as u8).collect();
            let lattice: Vec<u8> = (0..w * h)
                .map(|i| if (i % w) % 3 == 0 || (i / w) % 4 == 0 { 60 } else { 190 } + (noise(&mut seed) * 8.0) as u8)
                .collect();
            for (name, img) in [("grain", &grain), ("ruled", &ruled), ("lattice", &lattice)] {
                let (a, b) = (moire_peak(img, w, h, &c), moire_peak_reference(img, w, h, &c));
                assert!((a - b).abs() <= 1e-3 * b.abs().max(1.0), "{name} {n}: {a} vs {b}");
            }
            assert!(moire_peak(&lattice, w, h, &c) > 2.0 * moire_peak(&grain, w, h, &c), "{n}: not vacuous");
        }
    }

    #[test]
    fn ruled_lines_are_not_a_lattice() {
        let (w, h) = (300, 300);
        let mut seed = 11;
        // Lines every 3.5 px in one direction only, like a fine guilloche.
        let ruled: Vec<u8> = (0..w * h)
            .map(|i| {
                let y = (i / w) as f32;
                let v = 120.0 + 20.0 * noise(&mut seed) + 30.0 * (y * 2.0 * std::f32::consts::PI / 3.5).cos();
                v.clamp(0.0, 255.0) as u8
            })
            .collect();
        let c = [Pt { x: 150.0, y: 150.0 }];
        assert!(moire_peak(&ruled, w, h, &c) < 100.0, "{}", moire_peak(&ruled, w, h, &c));
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

    #[test]
    fn sub_pixel_fringes_alias_and_print_does_not() {
        let (w, h) = (300, 300);
        let mut seed = 5;
        // Print: dark strokes on light stock, coloured ink along the strokes
        // (chroma follows the luminance), sensor noise everywhere.
        let mut print = (vec![0u8; w * h], vec![0u8; w * h], vec![0u8; w * h]);
        // A screen: flat luminance, red and blue beating in antiphase in
        // fringes about 9 px apart, as the sub-pixels alias against the
        // camera's mosaic.
        let mut screen = print.clone();
        for i in 0..w * h {
            let (x, y) = (i % w, i / w);
            // Sensor noise of its own in each channel (colour noise).
            let mut n = || 6.0 * noise(&mut seed) - 3.0;
            let ink = (x / 7 + y / 11) % 3 == 0;
            let (r, g, b) = if ink { (60.0, 40.0, 140.0) } else { (225.0, 222.0, 215.0) };
            print.0[i] = (r + n()) as u8;
            print.1[i] = (g + n()) as u8;
            print.2[i] = (b + n()) as u8;
            let phase = (x as f32 * 2.0 * std::f32::consts::PI / 9.0 + y as f32 * 0.2).sin() * 18.0;
            screen.0[i] = (150.0 + phase + n()) as u8;
            screen.1[i] = (150.0 - 0.3 * phase + n()) as u8;
            screen.2[i] = (150.0 - phase + n()) as u8;
        }
        let c = [Pt { x: 150.0, y: 150.0 }];
        let planes = |(r, g, b): &(Vec<u8>, Vec<u8>, Vec<u8>)| {
            let rgb: Vec<u8> = (0..w * h).flat_map(|i| [r[i], g[i], b[i]]).collect();
            Planes::from_frame(&crate::frame::Frame::new(w, h, crate::frame::PixelFormat::Rgb, &rgb).unwrap())
        };
        let p = colour_alias(&planes(&print), &c);
        let s = colour_alias(&planes(&screen), &c);
        assert!(p < 3.0, "print {p}");
        assert!(s > 10.0 * p.max(0.5), "screen {s} vs print {p}");
        let gray = vec![128u8; w * h];
        assert_eq!(colour_alias(&planes(&(gray.clone(), gray.clone(), gray)), &c), 0.0);
    }
}
