//! A small iterative radix-2 FFT (Cooley & Tukey, "An algorithm for the
//! machine calculation of complex Fourier series", Math. Comp. 1965), enough
//! for the power spectrum of a 2^k x 2^k patch without pulling a large crate
//! into the browser download.

/// In-place FFT of `re`/`im` (length a power of two).
pub fn fft(re: &mut [f32], im: &mut [f32]) {
    let n = re.len();
    debug_assert!(n.is_power_of_two() && im.len() == n);
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
        let ang = -2.0 * std::f32::consts::PI / len as f32;
        let (wr, wi) = (ang.cos(), ang.sin());
        for start in (0..n).step_by(len) {
            let (mut cr, mut ci) = (1.0f32, 0.0f32);
            for k in 0..len / 2 {
                let (a, b) = (start + k, start + k + len / 2);
                let tr = re[b] * cr - im[b] * ci;
                let ti = re[b] * ci + im[b] * cr;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
                let nr = cr * wr - ci * wi;
                ci = cr * wi + ci * wr;
                cr = nr;
            }
        }
        len <<= 1;
    }
}

/// Power spectrum of an `n x n` real patch (row-major), unshifted.
pub fn power2d(patch: &[f32], n: usize) -> Vec<f32> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
