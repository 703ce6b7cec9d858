//! Sensor-noise level: J. Immerkær, "Fast noise variance estimation",
//! Computer Vision and Image Understanding 64(2), 1996. The image is filtered
//! with the difference of two Laplacians, which cancels image structure up to
//! second order and leaves the noise; sigma = sqrt(pi/2) / (6 (W-2)(H-2)) *
//! sum |I * N|. A camera frame carries photon and read noise (sigma around 1
//! and above after JPEG); a rendered image carries almost none.

/// Estimated noise standard deviation of a luma plane, in gray levels.
pub fn immerkaer(y: &[u8], w: usize, h: usize) -> f32 {
    if w < 3 || h < 3 {
        return 0.0;
    }
    let mut sum = 0u64;
    for r in 1..h - 1 {
        let (a, b, c) = (&y[(r - 1) * w..r * w], &y[r * w..(r + 1) * w], &y[(r + 1) * w..(r + 2) * w]);
        for x in 1..w - 1 {
            let v = a[x - 1] as i32 - 2 * a[x] as i32 + a[x + 1] as i32 - 2 * b[x - 1] as i32 + 4 * b[x] as i32
                - 2 * b[x + 1] as i32
                + c[x - 1] as i32
                - 2 * c[x] as i32
                + c[x + 1] as i32;
            sum += v.unsigned_abs() as u64;
        }
    }
    let n = ((w - 2) * (h - 2)) as f64;
    ((std::f64::consts::PI / 2.0).sqrt() / (6.0 * n) * sum as f64) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_added_noise_and_ignores_ramps() {
        let (w, h) = (200, 200);
        let ramp: Vec<u8> = (0..w * h).map(|i| ((i % w) / 2 + (i / w) / 3) as u8).collect();
        assert!(immerkaer(&ramp, w, h) < 0.6);
        // Uniform noise in [-4, 4]: sigma = 8 / sqrt(12) = 2.31.
        let mut s = 1u32;
        let noisy: Vec<u8> = ramp
            .iter()
            .map(|&v| {
                s = s.wrapping_mul(1664525).wrapping_add(1013904223);
                (v as i32 + ((s >> 24) as i32 % 9) - 4).clamp(0, 255) as u8
            })
            .collect();
        let sigma = immerkaer(&noisy, w, h);
        assert!((1.6..3.0).contains(&sigma), "{sigma}");
    }
}
