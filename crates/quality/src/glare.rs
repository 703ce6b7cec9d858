//! Glare: specular highlights that wash out part of the document.
//!
//! A highlight saturates the sensor in all three channels and forms a blob;
//! a white card or white paper stays below saturation and carries print. So
//! glare is measured as the largest connected blob of near-saturated pixels
//! (every channel at least [`SATURATED`]) inside the document, as a share
//! of the document's area. Counting blobs rather than bright pixels keeps a
//! white background (outside the document) and scattered bright print out of
//! the score (a naive brightness rule reads ~2% "glare" on paper on a table).
//!
//! A streak of light across the card (a light tube, a window) cuts its
//! outline in two, and the locator may then frame only the larger piece,
//! with the streak just outside it. So blobs are gathered in a margin
//! around the document ([`MARGIN`]) and counted when they reach into it;
//! a white background that only borders the card does not reach in.
//!
//! The locator may also take the streak's own edge as the piece's side, and
//! then the streak stops right at the outline without reaching in. A blob
//! that touches the outline ([`RING`]) counts too when it borders it along
//! less than [`RING_SHARE`] of its length: a streak lies along at most one
//! side of the piece it cut off, while a clipped white table that the card
//! lies on runs along most of its outline and is never glare.

use crate::frame::Planes;
use crate::geometry::{bounds, inside_convex, Pt};
use crate::locate::components;

/// Channel level from which a pixel counts as clipped.
pub const SATURATED: u8 = 250;

/// How far around the document blobs are followed, as a scale of its
/// outline about its centre.
pub const MARGIN: f32 = 1.25;

/// How far in a blob must reach: the quad drawn in by 3 % about its centre,
/// clear of its rounded corners (the quad's corners are where its sides
/// cross, outside a card's rounded ones) and of a pixel's error along a
/// side, so a clipped white table that only borders the card is not glare.
pub const REACH: f32 = 0.97;

/// The outline a blob may border instead of reaching in: the quad drawn
/// out by 2 % (a pixel or two of the located side's error).
pub const RING: f32 = 1.02;

/// A blob that only borders the outline counts while it runs along less
/// than this share of it: one long side of a card is 31 % of its perimeter.
pub const RING_SHARE: f32 = 0.4;

/// The largest saturated blob that reaches into the document's `quad`
/// (drawn in to [`REACH`]; followed out to [`MARGIN`] times the quad), as a
/// share of the quad's pixels, and the share of saturated pixels inside it.
pub fn glare(p: &Planes, quad: &[Pt; 4]) -> (f32, f32) {
    let ring = crate::geometry::shrink(quad, RING);
    let inner = crate::geometry::shrink(quad, REACH);
    let quad = &inner;
    let outer = crate::geometry::shrink(quad, MARGIN / REACH);
    let poly = &outer[..];
    let (x0, y0, x1, y1) = bounds(poly, p.w, p.h);
    let (bw, bh) = (x1 - x0, y1 - y0);
    if bw == 0 || bh == 0 {
        return (0.0, 0.0);
    }
    let mut mask = vec![false; bw * bh];
    let mut in_quad = vec![false; bw * bh];
    let mut inside = 0usize;
    let mut sat = 0usize;
    for j in 0..bh {
        for i in 0..bw {
            let (x, y) = (x0 + i, y0 + j);
            let c = Pt { x: x as f32 + 0.5, y: y as f32 + 0.5 };
            if !inside_convex(poly, c) {
                continue;
            }
            let own = inside_convex(quad, c);
            let k = y * p.w + x;
            let clipped = p.r[k] >= SATURATED && p.g[k] >= SATURATED && p.b[k] >= SATURATED;
            mask[j * bw + i] = clipped;
            in_quad[j * bw + i] = own;
            if own {
                inside += 1;
                sat += clipped as usize;
            }
        }
    }
    if inside == 0 {
        return (0.0, 0.0);
    }
    let (labels, sizes) = components(&mask, bw, bh);
    let mut reaches = vec![false; sizes.len()];
    for (k, &l) in labels.iter().enumerate() {
        if l != 0 && in_quad[k] {
            reaches[l as usize] = true;
        }
    }
    // Walk the ring a pixel at a time and count, per blob, where it lies.
    let mut along = vec![0usize; sizes.len()];
    let mut steps = 0usize;
    for s in 0..4 {
        let (a, b) = (ring[s], ring[(s + 1) % 4]);
        let n = crate::outline::dist(a, b).ceil().max(1.0) as usize;
        for t in 0..n {
            let f = t as f32 / n as f32;
            let (x, y) = (a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f);
            steps += 1;
            if x < x0 as f32 || y < y0 as f32 {
                continue;
            }
            let (i, j) = ((x as usize).wrapping_sub(x0), (y as usize).wrapping_sub(y0));
            if i < bw && j < bh {
                along[labels[j * bw + i] as usize] += 1;
            }
        }
    }
    for l in 1..sizes.len() {
        if along[l] > 0 && (along[l] as f32) < RING_SHARE * steps as f32 {
            reaches[l] = true;
        }
    }
    let largest = sizes.iter().enumerate().skip(1).filter(|(l, _)| reaches[*l]).map(|(_, &n)| n).max().unwrap_or(0);
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
    fn a_streak_beside_the_located_piece_counts_and_a_white_table_does_not() {
        // The quad frames the left part of a card; a clipped streak runs
        // down along its right side and into it by a few pixels.
        let streak = planes(200, 100, |x, _| if (114..140).contains(&x) { [255; 3] } else { [230, 232, 228] });
        let quad = [Pt { x: 20., y: 20. }, Pt { x: 120., y: 20. }, Pt { x: 120., y: 80. }, Pt { x: 20., y: 80. }];
        assert!(glare(&streak, &quad).0 > 0.1, "{:?}", glare(&streak, &quad));
        // The same streak with the piece's side taken on its edge: it only
        // borders the outline, along one side.
        let beside = planes(200, 100, |x, _| if (121..146).contains(&x) { [255; 3] } else { [230, 232, 228] });
        assert!(glare(&beside, &quad).0 > 0.1, "{:?}", glare(&beside, &quad));
        // Clipped pixels two pixels further out do not touch the outline.
        let apart = planes(200, 100, |x, _| if (124..146).contains(&x) { [255; 3] } else { [230, 232, 228] });
        assert_eq!(glare(&apart, &quad).0, 0.0);
        // A clipped white table all around a card that is not clipped.
        let table =
            planes(
                200,
                100,
                |x, y| {
                    if (20..120).contains(&x) && (20..80).contains(&y) {
                        [230, 232, 228]
                    } else {
                        [255; 3]
                    }
                },
            );
        assert_eq!(glare(&table, &quad).0, 0.0);
    }

    #[test]
    fn scattered_bright_pixels_are_not_one_blob() {
        let speckle = planes(100, 60, |x, y| if (x + y) % 7 == 0 && x % 2 == 0 { [255; 3] } else { [200; 3] });
        let (blob, total) = glare(&speckle, &whole(100, 60));
        assert!(blob < 0.01 && total > 0.05);
    }
}
