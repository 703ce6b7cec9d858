//! Frames and the planes the checks work on.
//!
//! A camera delivers RGBA (canvas `getImageData`), the CLI decodes to RGB, tests
//! build gray frames; every check reads the same [`Planes`]: one byte per pixel
//! per channel plus a BT.601 luma plane, so no check needs to know where the
//! pixels came from.

use std::fmt;

/// Pixel layout of a [`Frame`]'s bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PixelFormat {
    /// 4 bytes per pixel, as `ImageData` gives them (alpha ignored).
    Rgba,
    /// 3 bytes per pixel.
    Rgb,
    /// 1 byte per pixel (luma).
    Gray,
}

impl PixelFormat {
    /// Bytes per pixel.
    pub fn channels(self) -> usize {
        match self {
            PixelFormat::Rgba => 4,
            PixelFormat::Rgb => 3,
            PixelFormat::Gray => 1,
        }
    }
}

/// A borrowed frame: the input of every analysis.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    width: usize,
    height: usize,
    pub(crate) format: PixelFormat,
    pub(crate) data: &'a [u8],
}

/// Why a buffer is not a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// Width or height is zero.
    Empty,
    /// The buffer length does not match `width * height * channels`.
    Length { expected: usize, actual: usize },
    /// More pixels than [`MAX_PIXELS`]: refused rather than exhausting memory.
    TooLarge { width: usize, height: usize },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Empty => write!(f, "the frame has no pixels"),
            FrameError::Length { expected, actual } => {
                write!(f, "the buffer holds {actual} bytes, {expected} expected")
            }
            FrameError::TooLarge { width, height } => {
                write!(f, "{width}x{height} is larger than the {MAX_PIXELS} pixels accepted")
            }
        }
    }
}

impl std::error::Error for FrameError {}

/// The largest frame accepted (50 megapixels: beyond any phone still worth
/// analysing, and a bound on the memory an analysis can take).
pub const MAX_PIXELS: usize = 50_000_000;

impl<'a> Frame<'a> {
    /// Wrap a buffer, checking that its size matches.
    pub fn new(width: usize, height: usize, format: PixelFormat, data: &'a [u8]) -> Result<Self, FrameError> {
        if width == 0 || height == 0 {
            return Err(FrameError::Empty);
        }
        let pixels =
            width.checked_mul(height).filter(|p| *p <= MAX_PIXELS).ok_or(FrameError::TooLarge { width, height })?;
        let expected = pixels * format.channels();
        if data.len() != expected {
            return Err(FrameError::Length { expected, actual: data.len() });
        }
        Ok(Frame { width, height, format, data })
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }
}

/// Separate channel planes of a frame, plus luma.
#[derive(Clone, Debug, Default)]
pub struct Planes {
    pub w: usize,
    pub h: usize,
    pub r: Vec<u8>,
    pub g: Vec<u8>,
    pub b: Vec<u8>,
    /// BT.601 luma, `(77 R + 150 G + 29 B) / 256`.
    pub y: Vec<u8>,
}

impl Planes {
    /// Zero every plane (volatile writes: not optimised away), so camera
    /// pixels do not outlive their use in memory that stays allocated.
    pub fn wipe(&mut self) {
        for p in [&mut self.r, &mut self.g, &mut self.b, &mut self.y] {
            wipe(p);
        }
    }
}

#[inline]
pub(crate) fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((77 * r as u32 + 150 * g as u32 + 29 * b as u32 + 128) >> 8) as u8
}

impl Planes {
    /// Split a frame into planes at its own resolution.
    pub fn from_frame(frame: &Frame<'_>) -> Planes {
        let n = frame.width * frame.height;
        let mut p = Planes {
            w: frame.width,
            h: frame.height,
            r: Vec::with_capacity(n),
            g: Vec::with_capacity(n),
            b: Vec::with_capacity(n),
            y: Vec::with_capacity(n),
        };
        p.refill(frame);
        p
    }

    /// Refill these planes from `frame`, keeping their allocations: the live
    /// loop calls this on every analysed frame.
    pub fn refill(&mut self, frame: &Frame<'_>) {
        self.fill(frame, true);
    }

    /// Refill only the luma plane (colour planes left empty): for checks
    /// that look at luma alone (faces, sharpness).
    pub fn refill_luma(&mut self, frame: &Frame<'_>) {
        self.fill(frame, false);
    }

    fn fill(&mut self, frame: &Frame<'_>, colour: bool) {
        self.w = frame.width;
        self.h = frame.height;
        for v in [&mut self.r, &mut self.g, &mut self.b, &mut self.y] {
            v.clear();
        }
        // Allocated once, at their size: growing a plane would free copies
        // of the picture along the way, unwiped.
        let n = frame.width * frame.height;
        self.y.reserve_exact(n);
        if colour {
            for v in [&mut self.r, &mut self.g, &mut self.b] {
                v.reserve_exact(n);
            }
        }
        // One plane at a time from an exact-size iterator, the channel count
        // a constant in each arm: the compiler turns each into a tight,
        // vectorised loop, where a loop pushing to four planes per pixel
        // checked four capacities and the channel count every time.
        let data = &frame.data[..n * frame.format.channels()];
        fn split<const CH: usize>(data: &[u8], colour: bool, p: &mut Planes) {
            let px = || data.chunks_exact(CH);
            let (gi, bi) = if CH == 1 { (0, 0) } else { (1, 2) };
            if colour {
                p.r.extend(px().map(|c| c[0]));
                p.g.extend(px().map(|c| c[gi]));
                p.b.extend(px().map(|c| c[bi]));
            }
            if CH == 1 {
                p.y.extend_from_slice(data);
            } else {
                p.y.extend(px().map(|c| luma(c[0], c[1], c[2])));
            }
        }
        match frame.format.channels() {
            1 => split::<1>(data, colour, self),
            3 => split::<3>(data, colour, self),
            _ => split::<4>(data, colour, self),
        }
    }

    /// [`Planes::downscale`] into `out`, keeping its allocations (planes
    /// left empty here stay empty there).
    pub fn downscale_into(&self, max_side: usize, out: &mut Planes) {
        let long = self.w.max(self.h);
        let scale = if long <= max_side { 1.0 } else { max_side as f64 / long as f64 };
        let ow = ((self.w as f64 * scale).round() as usize).max(1);
        let oh = ((self.h as f64 * scale).round() as usize).max(1);
        out.w = ow;
        out.h = oh;
        for (src, dst) in [(&self.r, &mut out.r), (&self.g, &mut out.g), (&self.b, &mut out.b), (&self.y, &mut out.y)] {
            if src.len() == self.w * self.h {
                area_resample_into(src, self.w, self.h, ow, oh, dst);
            } else {
                dst.clear();
            }
        }
    }

    /// Area-average downscale so that the longer side is at most `max_side`
    /// (a copy when it already is). Area averaging, not point sampling, so
    /// fine texture is integrated rather than aliased.
    pub fn downscale(&self, max_side: usize) -> Planes {
        let long = self.w.max(self.h);
        if long <= max_side {
            return self.clone();
        }
        let scale = max_side as f64 / long as f64;
        let ow = ((self.w as f64 * scale).round() as usize).max(1);
        let oh = ((self.h as f64 * scale).round() as usize).max(1);
        Planes {
            w: ow,
            h: oh,
            r: area_resample(&self.r, self.w, self.h, ow, oh),
            g: area_resample(&self.g, self.w, self.h, ow, oh),
            b: area_resample(&self.b, self.w, self.h, ow, oh),
            y: area_resample(&self.y, self.w, self.h, ow, oh),
        }
    }
}

/// Overwrite a buffer that held (something derived from) a picture, in
/// volatile writes the compiler may not drop as dead, as a plain fill before
/// a free would be.
pub fn wipe<T: Copy + Default>(buf: &mut [T]) {
    for b in buf.iter_mut() {
        // SAFETY: `b` is a valid, aligned, exclusive reference.
        unsafe { std::ptr::write_volatile(b, T::default()) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// Box (area) resampling of a whole plane to `ow x oh`, for reduction only.
pub fn area_resample(src: &[u8], w: usize, h: usize, ow: usize, oh: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(ow * oh);
    area_resample_into(src, w, h, ow, oh, &mut out);
    out
}

/// [`area_resample`] into `out` (cleared first; its allocation is kept).
pub fn area_resample_into(src: &[u8], w: usize, h: usize, ow: usize, oh: usize, out: &mut Vec<u8>) {
    out.clear();
    if ow * 2 == w && oh * 2 == h {
        // Exact halving (the live loop's 640 -> 320): 2x2 means, the same
        // result as the general path below, without its per-pixel spans.
        for oy in 0..oh {
            let (r0, r1) = (&src[2 * oy * w..(2 * oy + 1) * w], &src[(2 * oy + 1) * w..(2 * oy + 2) * w]);
            out.extend(
                r0.chunks_exact(2)
                    .zip(r1.chunks_exact(2))
                    .map(|(a, b)| ((a[0] as u32 + a[1] as u32 + b[0] as u32 + b[1] as u32 + 2) / 4) as u8),
            );
        }
        return;
    }
    // Integer source spans per output pixel: each output pixel averages the
    // source pixels whose index maps to it. Exact for integer ratios, a close
    // approximation otherwise, and never reads out of bounds.
    let xs: Vec<usize> = (0..=ow).map(|i| i * w / ow).collect();
    let ys: Vec<usize> = (0..=oh).map(|j| j * h / oh).collect();
    let mut row_acc = vec![0u32; ow];
    for oy in 0..oh {
        row_acc.iter_mut().for_each(|v| *v = 0);
        let (y0, y1) = (ys[oy], ys[oy + 1].max(ys[oy] + 1).min(h));
        for y in y0..y1 {
            let row = &src[y * w..(y + 1) * w];
            for ox in 0..ow {
                let (x0, x1) = (xs[ox], xs[ox + 1].max(xs[ox] + 1).min(w));
                row_acc[ox] += row[x0..x1].iter().map(|&v| v as u32).sum::<u32>();
            }
        }
        for ox in 0..ow {
            let (x0, x1) = (xs[ox], xs[ox + 1].max(xs[ox] + 1).min(w));
            let n = ((x1 - x0) * (y1 - y0)) as u32;
            out.push(((row_acc[ox] + n / 2) / n) as u8);
        }
    }
}

/// The `ks[i]`-th smallest of `values` (0-based, each `< values.len()`), by
/// one histogram of the 256 levels: what `select_nth_unstable(ks[i])`
/// returns, in one pass and without a copy.
pub fn nth_levels<const N: usize>(values: &[u8], ks: [usize; N]) -> [u8; N] {
    debug_assert!(ks.iter().all(|&k| k < values.len()));
    let mut hist = [0usize; 256];
    for &v in values {
        hist[v as usize] += 1;
    }
    ks.map(|k| {
        let mut seen = 0;
        for (v, &n) in hist.iter().enumerate() {
            seen += n;
            if seen > k {
                return v as u8;
            }
        }
        255
    })
}

/// Separable box blur of radius `r` (window `2r+1`), edges clamped.
/// Used to suppress background texture before thresholding.
///
/// Both passes run along rows (the vertical one keeps a running sum per
/// column, so memory is read in order), and the rounded division by the
/// window is a multiplication by its reciprocal, exact for these sums (a
/// sum is under 2^16 and the window under 2^16: with a 32-bit reciprocal
/// rounded up, the error stays under one window's share; T. Granlund,
/// P. Montgomery, "Division by invariant integers using multiplication",
/// PLDI 1994).
pub fn box_blur(src: &[u8], w: usize, h: usize, r: usize) -> Vec<u8> {
    let mut out = vec![0u8; w * h];
    if w == 0 || h == 0 || src.len() < w * h {
        return out;
    }
    let win = (2 * r + 1) as u64;
    if win * 255 + win / 2 >= 1 << 16 {
        return box_blur_divide(src, w, h, r);
    }
    let recip = (1u64 << 32).div_ceil(win);
    let div = |acc: u32| (((u64::from(acc) + win / 2) * recip) >> 32) as u8;
    let mut tmp = vec![0u8; w * h];
    for (row, trow) in src[..w * h].chunks_exact(w).zip(tmp.chunks_exact_mut(w)) {
        let at = |i: isize| row[i.clamp(0, w as isize - 1) as usize] as u32;
        let mut acc: u32 = (-(r as isize)..=r as isize).map(at).sum();
        for (x, t) in trow.iter_mut().enumerate() {
            *t = div(acc);
            acc += at(x as isize + r as isize + 1);
            acc -= at(x as isize - r as isize);
        }
    }
    let row_of = |y: isize| &tmp[y.clamp(0, h as isize - 1) as usize * w..][..w];
    let mut acc = vec![0u32; w];
    for dy in -(r as isize)..=r as isize {
        for (a, &v) in acc.iter_mut().zip(row_of(dy)) {
            *a += v as u32;
        }
    }
    for (y, orow) in out.chunks_exact_mut(w).enumerate() {
        let (add, sub) = (row_of(y as isize + r as isize + 1), row_of(y as isize - r as isize));
        for (((o, a), &p), &m) in orow.iter_mut().zip(acc.iter_mut()).zip(add).zip(sub) {
            *o = div(*a);
            *a = *a + p as u32 - m as u32;
        }
    }
    out
}

/// [`box_blur`] with a division per pixel, for windows too wide for its
/// reciprocal.
fn box_blur_divide(src: &[u8], w: usize, h: usize, r: usize) -> Vec<u8> {
    let mut tmp = vec![0u8; w * h];
    let mut out = vec![0u8; w * h];
    let win = (2 * r + 1) as u32;
    for y in 0..h {
        let row = &src[y * w..(y + 1) * w];
        let at = |i: isize| row[i.clamp(0, w as isize - 1) as usize] as u32;
        let mut acc: u32 = (-(r as isize)..=r as isize).map(at).sum();
        for x in 0..w {
            tmp[y * w + x] = ((acc + win / 2) / win) as u8;
            acc += at(x as isize + r as isize + 1);
            acc -= at(x as isize - r as isize);
        }
    }
    for x in 0..w {
        let at = |i: isize| tmp[i.clamp(0, h as isize - 1) as usize * w + x] as u32;
        let mut acc: u32 = (-(r as isize)..=r as isize).map(at).sum();
        for y in 0..h {
            out[y * w + x] = ((acc + win / 2) / win) as u8;
            acc += at(y as isize + r as isize + 1);
            acc -= at(y as isize - r as isize);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The row-wise, reciprocal box blur equals the column-wise, dividing
    /// one, for every radius up to past the frame and white frames (the
    /// largest sums).
    #[test]
    fn box_blur_is_the_dividing_one() {
        let mut s = 5u32;
        for (w, h) in [(1, 1), (7, 3), (33, 21), (64, 40)] {
            let noise: Vec<u8> = (0..w * h)
                .map(|_| {
                    s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (s >> 24) as u8
                })
                .collect();
            for img in [noise, vec![255u8; w * h], vec![0u8; w * h]] {
                for r in [0, 1, 2, 3, 5, 9, 40] {
                    assert_eq!(box_blur(&img, w, h, r), box_blur_divide(&img, w, h, r), "{w}x{h} r {r}");
                }
            }
        }
    }

    #[test]
    fn nth_levels_are_the_sorted_order() {
        let mut x = 0x9e37_79b9u32;
        let v: Vec<u8> = (0..1001)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x % 97) as u8 + 40
            })
            .collect();
        let mut sorted = v.clone();
        sorted.sort_unstable();
        for k in [0, 1, 20, 500, 980, 1000] {
            assert_eq!(nth_levels(&v, [k])[0], sorted[k], "k {k}");
        }
        assert_eq!(nth_levels(&[7], [0, 0]), [7, 7]);
    }

    #[test]
    fn rejects_wrong_length_and_empty() {
        assert_eq!(
            Frame::new(2, 2, PixelFormat::Rgba, &[0; 15]).unwrap_err(),
            FrameError::Length { expected: 16, actual: 15 }
        );
        assert_eq!(Frame::new(0, 2, PixelFormat::Gray, &[]).unwrap_err(), FrameError::Empty);
        assert!(matches!(Frame::new(100_000, 100_000, PixelFormat::Gray, &[]), Err(FrameError::TooLarge { .. })));
    }

    #[test]
    fn downscale_averages_areas() {
        // A 4x2 checkerboard of 0/255 averages to mid-gray at 2x1.
        let data = [0, 255, 0, 255, 255, 0, 255, 0];
        let f = Frame::new(4, 2, PixelFormat::Gray, &data).unwrap();
        let p = Planes::from_frame(&f).downscale(2);
        assert_eq!((p.w, p.h), (2, 1));
        assert!(p.y.iter().all(|&v| (127..=128).contains(&v)));
    }

    #[test]
    fn exact_halving_matches_the_general_path() {
        let src: Vec<u8> = (0..64 * 36).map(|i| ((i * 37) % 251) as u8).collect();
        let mut fast = Vec::new();
        area_resample_into(&src, 64, 36, 32, 18, &mut fast);
        // The general path on the same plane, forced by a 1-px-wider copy.
        let wide: Vec<u8> = (0..36).flat_map(|y| src[y * 64..(y + 1) * 64].iter().copied().chain([0])).collect();
        let general: Vec<u8> = area_resample(&wide, 65, 36, 32, 18);
        // Spans differ only where the extra column lands (last output column).
        for y in 0..18 {
            assert_eq!(fast[y * 32..y * 32 + 31], general[y * 32..y * 32 + 31], "row {y}");
        }
    }

    #[test]
    fn box_blur_keeps_flat_images_flat() {
        let src = vec![90u8; 30 * 20];
        assert!(box_blur(&src, 30, 20, 3).iter().all(|&v| v == 90));
    }
}
