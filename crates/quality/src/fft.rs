//! A small iterative radix-2 FFT (Cooley & Tukey, "An algorithm for the
//! machine calculation of complex Fourier series", Math. Comp. 1965), enough
//! for the power spectrum of a 2^k x 2^k patch without pulling a large crate
//! into the browser download.

/// The twiddle factors of an `n`-point transform, stage by stage: the
/// stage of length `len` (half `h = len / 2`) reads `e^(-2 pi i k / len)`,
/// `k < h`, at `[h - 1, 2h - 1)` of both tables (real, imaginary parts),
/// computed in f64. A table read in order by every butterfly of a stage,
/// instead of a rotation carried from one butterfly to the next (which
/// chained each to the last and accumulated its rounding), lets a stage's
/// butterflies run side by side as vector operations.
pub fn twiddles(n: usize) -> (Vec<f32>, Vec<f32>) {
    let (mut re, mut im) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut len = 2;
    while len <= n {
        for k in 0..len / 2 {
            let a = -2.0 * std::f64::consts::PI * k as f64 / len as f64;
            re.push(a.cos() as f32);
            im.push(a.sin() as f32);
        }
        len <<= 1;
    }
    (re, im)
}

/// In-place FFT of `re`/`im` (length a power of two).
pub fn fft(re: &mut [f32], im: &mut [f32]) {
    fft_with(re, im, &twiddles(re.len()));
}

/// [`fft`] with the tables of [`twiddles`] for this length.
pub fn fft_with(re: &mut [f32], im: &mut [f32], tw: &(Vec<f32>, Vec<f32>)) {
    let n = re.len();
    assert!(
        n.is_power_of_two() && im.len() == n && tw.0.len() == n - 1 && tw.1.len() == n - 1,
        "fft: a power-of-two length and its twiddle tables"
    );
    if n < 2 {
        return;
    }
    // Bit-reversal permutation.
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let half = len / 2;
        let (wr, wi) = (&tw.0[half - 1..len - 1], &tw.1[half - 1..len - 1]);
        for (rs, is) in re.chunks_exact_mut(len).zip(im.chunks_exact_mut(len)) {
            let (ra, rb) = rs.split_at_mut(half);
            let (ia, ib) = is.split_at_mut(half);
            for (((((ra, rb), ia), ib), &cr), &ci) in
                ra.iter_mut().zip(rb.iter_mut()).zip(ia.iter_mut()).zip(ib.iter_mut()).zip(wr).zip(wi)
            {
                let tr = *rb * cr - *ib * ci;
                let ti = *rb * ci + *ib * cr;
                *rb = *ra - tr;
                *ib = *ia - ti;
                *ra += tr;
                *ia += ti;
            }
        }
        len <<= 1;
    }
}

/// Power spectrum of an `n x n` real patch (row-major), unshifted.
///
/// Two savings of a real input, each halving its pass (about 2x in all;
/// the live document check runs this on every frame's patch):
/// - rows two at a time: row `a` as the real part and row `b` as the
///   imaginary part of one complex FFT `Z`, split after by the symmetry of
///   a real signal's spectrum, `A[k] = (Z[k] + conj Z[-k]) / 2` and
///   `B[k] = (Z[k] - conj Z[-k]) / 2i` (E. O. Brigham, *The Fast Fourier
///   Transform and its Applications*, 1988, §9.3, "two real FFTs with one
///   complex");
/// - columns only up to `n / 2`: a real patch's 2-D spectrum is Hermitian,
///   `F(u, v) = conj F(-u, -v)`, so the other columns' power is a mirror.
pub fn power2d(patch: &[f32], n: usize) -> Vec<f32> {
    debug_assert!(n.is_power_of_two() && n >= 2 && patch.len() == n * n);
    let half = n / 2;
    let cols = half + 1;
    // Row spectra, columns 0..=n/2 only, column-major for the second pass.
    let mut re = vec![0f32; cols * n];
    let mut im = vec![0f32; cols * n];
    let (mut zr, mut zi) = (vec![0f32; n], vec![0f32; n]);
    let tw = twiddles(n);
    for r in (0..n).step_by(2) {
        zr.copy_from_slice(&patch[r * n..(r + 1) * n]);
        zi.copy_from_slice(&patch[(r + 1) * n..(r + 2) * n]);
        fft_with(&mut zr, &mut zi, &tw);
        for k in 0..cols {
            let m = (n - k) & (n - 1); // n is a power of two: (n - k) mod n
            let (ar, ai) = ((zr[k] + zr[m]) * 0.5, (zi[k] - zi[m]) * 0.5);
            let (br, bi) = ((zi[k] + zi[m]) * 0.5, (zr[m] - zr[k]) * 0.5);
            re[k * n + r] = ar;
            im[k * n + r] = ai;
            re[k * n + r + 1] = br;
            im[k * n + r + 1] = bi;
        }
    }
    let mut power = vec![0f32; n * n];
    for c in 0..cols {
        let (cr, ci) = (&mut re[c * n..(c + 1) * n], &mut im[c * n..(c + 1) * n]);
        fft_with(cr, ci, &tw);
        for r in 0..n {
            let p = cr[r] * cr[r] + ci[r] * ci[r];
            power[r * n + c] = p;
            // The mirror bin (-r, -c), for the columns past n/2.
            if c != 0 && c != half {
                power[((n - r) & (n - 1)) * n + (n - c)] = p;
            }
        }
    }
    power
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct way: every row, then every column, as complex FFTs.
    fn power2d_direct(patch: &[f32], n: usize) -> Vec<f32> {
        let mut re = patch.to_vec();
        let mut im = vec![0f32; n * n];
        for r in 0..n {
            fft(&mut re[r * n..(r + 1) * n], &mut im[r * n..(r + 1) * n]);
        }
        let (mut cr, mut ci) = (vec![0f32; n], vec![0f32; n]);
        for c in 0..n {
            for r in 0..n {
                cr[r] = re[r * n + c];
                ci[r] = im[r * n + c];
            }
            fft(&mut cr, &mut ci);
            for r in 0..n {
                re[r * n + c] = cr[r];
                im[r * n + c] = ci[r];
            }
        }
        re.iter().zip(&im).map(|(a, b)| a * a + b * b).collect()
    }

    #[test]
    fn the_real_input_spectrum_is_the_direct_one() {
        for n in [2usize, 4, 32, 256] {
            // A deterministic pseudo-random patch (xorshift), with a
            // lattice in it so some bins stand far above the rest.
            let mut x = 0x2545_f491u32;
            let patch: Vec<f32> = (0..n * n)
                .map(|k| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    let (i, j) = ((k % n) as f32, (k / n) as f32);
                    (x % 255) as f32 - 127.0 + 40.0 * (1.3 * i).cos() * (0.9 * j).cos()
                })
                .collect();
            let (fast, direct) = (power2d(&patch, n), power2d_direct(&patch, n));
            let peak = direct.iter().copied().fold(0.0, f32::max);
            for (k, (a, b)) in fast.iter().zip(&direct).enumerate() {
                assert!((a - b).abs() <= 1e-5 * peak + 1e-3 * b, "n {n} bin {k}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn a_cosine_has_one_pair_of_peaks() {
        let n = 64;
        let mut re: Vec<f32> = (0..n).map(|i| (2.0 * std::f32::consts::PI * 5.0 * i as f32 / n as f32).cos()).collect();
        let mut im = vec![0.0; n];
        fft(&mut re, &mut im);
        let mag: Vec<f32> = re.iter().zip(&im).map(|(a, b)| (a * a + b * b).sqrt()).collect();
        assert!((mag[5] - 32.0).abs() < 1e-2 && (mag[59] - 32.0).abs() < 1e-2);
        assert!(mag.iter().enumerate().all(|(i, &m)| i == 5 || i == 59 || m < 1e-3));
    }
}
