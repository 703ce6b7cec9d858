//! Photocopy: a copy of the document on paper instead of the document.
//!
//! A copier or a laser printer reproduces a card in black toner on paper, so
//! whatever colour a copy shows comes from one source: the paper's own tint
//! (white, cream, recycled gray, a pastel sheet) and the light's colour, both
//! of which scale every pixel's channels alike. An identity document prints
//! several inks: its tinted security background, and elements of other
//! colours on it (a red or blue title, the coloured "SPECIMEN" or flag, the
//! guilloche lines, the photo).
//!
//! So colour is judged relative to the document's own white, the von Kries
//! hypothesis of chromatic adaptation (J. von Kries 1902; G. Finlayson, M.
//! Drew, B. Funt, "Color constancy: generalized diagonal transforms suffice",
//! JOSA A 1994): each channel is divided by its 90th percentile inside the
//! document, which maps the paper (or the card's background) to neutral
//! whatever its tint and the light's. Then each print pixel's chromaticity
//! (r, b) = (R, B) / (R + G + B) is compared with neutral (1/3, 1/3), on the
//! mid tones only (normalised brightness 0.3 to 0.95: neither paper, whose
//! chroma is the reference, nor near-black toner, whose chroma is noise).
//! `colour` is the 99.5th percentile of that distance, in percent: a copy on
//! any paper stays at the noise level (a few percent); a document with a
//! second ink shows it (over ten). It is measured at a fixed scale of the
//! document (see [`crate::region`]), so small coloured print counts the same
//! near and far.
//!
//! `tint` (the paper's median HSV saturation, in percent) is reported for
//! the record: it tells cream paper from white, not a copy from a card.

use crate::frame::Planes;
use crate::geometry::{bounds, inside_convex, Pt};

/// Colour statistics of the document interior: (tint %, colour %).
pub fn chroma(p: &Planes, poly: &[Pt]) -> (f32, f32) {
    let (x0, y0, x1, y1) = bounds(poly, p.w, p.h);
    // Channel levels are bytes: histograms give their quantiles in one pass.
    let mut hist = [[0u32; 256]; 3];
    let mut sat = [0u32; 101];
    let mut inside = Vec::new();
    for y in y0..y1 {
        for x in x0..x1 {
            if !inside_convex(poly, Pt { x: x as f32 + 0.5, y: y as f32 + 0.5 }) {
                continue;
            }
            let k = y * p.w + x;
            let (r, g, b) = (p.r[k], p.g[k], p.b[k]);
            hist[0][r as usize] += 1;
            hist[1][g as usize] += 1;
            hist[2][b as usize] += 1;
            let (mx, mn) = (r.max(g).max(b), r.min(g).min(b));
            if mx >= 16 {
                sat[((mx - mn) as u32 * 100 / mx as u32) as usize] += 1;
            }
            inside.push(k);
        }
    }
    if inside.len() < 16 {
        return (0.0, 0.0);
    }
    let level_at = |h: &[u32], q: f32| -> f32 {
        let total: u32 = h.iter().sum();
        let mut acc = 0;
        for (v, &c) in h.iter().enumerate() {
            acc += c;
            if acc as f32 >= q * total as f32 {
                return v as f32;
            }
        }
        (h.len() - 1) as f32
    };
    let tint = level_at(&sat, 0.5);
    // The document's white, per channel.
    let white = [level_at(&hist[0], 0.9).max(1.0), level_at(&hist[1], 0.9).max(1.0), level_at(&hist[2], 0.9).max(1.0)];
    let mut dist = Vec::with_capacity(inside.len());
    for &k in &inside {
        let (r, g, b) = (p.r[k] as f32 / white[0], p.g[k] as f32 / white[1], p.b[k] as f32 / white[2]);
        let level = (r + g + b) / 3.0;
        if !(0.3..0.95).contains(&level) {
            continue;
        }
        let sum = r + g + b;
        let (cr, cb) = (r / sum - 1.0 / 3.0, b / sum - 1.0 / 3.0);
        dist.push((cr * cr + cb * cb).sqrt() * 100.0);
    }
    if dist.len() < 16 {
        // No print at all to judge: a blank sheet has nothing of a card.
        return (tint, 0.0);
    }
    (tint, quantile(&mut dist, 0.995))
}

/// The `q` quantile (0..=1) by selection; the slice is reordered.
pub fn quantile(v: &mut [f32], q: f32) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    let i = ((v.len() - 1) as f32 * q).round() as usize;
    *v.select_nth_unstable_by(i, f32::total_cmp).1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Frame, PixelFormat};

    fn planes(w: usize, h: usize, f: impl Fn(usize, usize) -> [u8; 3]) -> Planes {
        let data: Vec<u8> = (0..w * h).flat_map(|i| f(i % w, i / w)).collect();
        Planes::from_frame(&Frame::new(w, h, PixelFormat::Rgb, &data).unwrap())
    }

    #[test]
    fn a_tinted_card_has_chroma_and_a_gray_copy_none() {
        let whole = [Pt { x: 0., y: 0. }, Pt { x: 80., y: 0. }, Pt { x: 80., y: 50. }, Pt { x: 0., y: 50. }];
        let tinted = planes(80, 50, |x, _| if x % 10 < 2 { [200, 40, 40] } else { [215, 228, 245] });
        let copy = planes(80, 50, |x, _| if x % 10 < 2 { [70, 70, 70] } else { [225, 225, 225] });
        let (_, tp) = chroma(&tinted, &whole);
        let (_, cp) = chroma(&copy, &whole);
        assert!(tp > 20.0, "{tp}");
        assert!(cp < 1.0, "{cp}");
    }

    #[test]
    fn a_copy_on_tinted_paper_under_warm_light_has_no_colour() {
        // Gray print multiplied by a cream sheet and a tungsten cast.
        let whole = [Pt { x: 0., y: 0. }, Pt { x: 80., y: 0. }, Pt { x: 80., y: 50. }, Pt { x: 0., y: 50. }];
        let paper = [250.0f32, 236.0, 196.0];
        let copy = planes(80, 50, |x, y| {
            let ink = [1.0, 0.45, 0.7, 0.85][(x / 5 + y / 7) % 4];
            paper.map(|c| (c * ink) as u8)
        });
        let (tint, colour) = chroma(&copy, &whole);
        assert!(tint > 15.0, "the paper is tinted: {tint}");
        assert!(colour < 2.0, "{colour}");
        // The same with a red element printed on it is a document.
        let card = planes(80, 50, |x, y| {
            if y < 6 && x < 40 {
                return [200, 60, 60];
            }
            let ink = [1.0, 0.45, 0.7, 0.85][(x / 5 + y / 7) % 4];
            paper.map(|c| (c * ink) as u8)
        });
        assert!(chroma(&card, &whole).1 > 10.0);
    }
}
