//! Glare: specular highlights that wash out part of the document.
//!
//! A highlight saturates the sensor in all three channels and forms a blob;
//! a white card or white paper stays below saturation and carries print. So
//! glare is measured as the largest connected blob of near-saturated pixels
//! (every channel at least [`SATURATED`]) inside the document, as a share
//! of the document's area. Counting blobs rather than bright pixels keeps a
//! white background (outside the document) and scattered bright print out of
//! the score (a naive brightness rule reads ~2% "glare" on paper on a table).

use crate::frame::Planes;
use crate::geometry::{bounds, inside_convex, Pt};
use crate::locate::components;

/// Channel level from which a pixel counts as clipped.
pub const SATURATED: u8 = 250;

/// Share of the polygon's pixels in the largest saturated blob, and the share
/// of saturated pixels overall.
pub fn glare(p: &Planes, poly: &[Pt]) -> (f32, f32) {
    let (x0, y0, x1, y1) = bounds(poly, p.w, p.h);
    let (bw, bh) = (x1 - x0, y1 - y0);
    if bw == 0 || bh == 0 {
        return (0.0, 0.0);
    }
    let mut mask = vec![false; bw * bh];
    let mut inside = 0usize;
    let mut sat = 0usize;
    for j in 0..bh {
        for i in 0..bw {
            let (x, y) = (x0 + i, y0 + j);
            if !inside_convex(poly, Pt { x: x as f32 + 0.5, y: y as f32 + 0.5 }) {
                continue;
            }
            inside += 1;
            let k = y * p.w + x;
            if p.r[k] >= SATURATED && p.g[k] >= SATURATED && p.b[k] >= SATURATED {
                mask[j * bw + i] = true;
                sat += 1;
            }
        }
    }
    if inside == 0 {
        return (0.0, 0.0);
    }
    let (_, sizes) = components(&mask, bw, bh);
    let largest = sizes.iter().skip(1).copied().max().unwrap_or(0);
    (largest as f32 / inside as f32, sat as f32 / inside as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Frame, PixelFormat};

    fn planes(w: usize, h: usize, f: impl Fn(usize, usize) -> [u8; 3]) -> Planes {
        let data: Vec<u8> = (0..w * h).flat_map(|i| f(i % w, i / w)).collect();
        Planes::from_frame(&Frame::new(w, h, PixelFormat::Rgb, &data).unwrap())
    }

    fn whole(w: usize, h: usize) -> [Pt; 4] {
        let (w, h) = (w as f32, h as f32);
        [Pt { x: 0., y: 0. }, Pt { x: w, y: 0. }, Pt { x: w, y: h }, Pt { x: 0., y: h }]
    }

    #[test]
    fn a_white_blob_is_glare_and_a_white_card_is_not() {
        let card = planes(100, 60, |_, _| [238, 240, 236]);
        assert_eq!(glare(&card, &whole(100, 60)).0, 0.0);
        let lit = planes(100, 60, |x, y| {
            let (dx, dy) = (x as f32 - 50.0, y as f32 - 30.0);
            if dx * dx + dy * dy < 15.0 * 15.0 {
                [255, 255, 255]
            } else {
                [238, 240, 236]
            }
        });
        assert!(glare(&lit, &whole(100, 60)).0 > 0.1);
    }

    #[test]
    fn scattered_bright_pixels_are_not_one_blob() {
        let speckle = planes(100, 60, |x, y| if (x + y) % 7 == 0 && x % 2 == 0 { [255; 3] } else { [200; 3] });
        let (blob, total) = glare(&speckle, &whole(100, 60));
        assert!(blob < 0.01 && total > 0.05);
    }
}
