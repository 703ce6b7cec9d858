//! Photocopy: a black-and-white copy of the document.
//!
//! Identity documents print a tinted security background (guilloches in blue,
//! green, cream or lilac) and coloured elements; a photocopy or a laser print
//! of one carries gray only. A global saturation threshold cannot tell (a white
//! sheet and a black-and-white photo both read ~1% chromatic pixels), so colour
//! is measured on the located document's interior only, two ways:
//! - `tint`: the median HSV saturation (max - min) / max, in percent (Joblove &
//!   Greenberg, "Color spaces for computer graphics", SIGGRAPH 1978): the
//!   printed background tint. A sheet of copier paper under ordinary light
//!   stays within a few percent.
//! - `colour`: the 99th percentile of each pixel's chromatic distance from the
//!   document's median chromaticity (in the R-G, B-G plane), in percent of its
//!   median brightness: coloured print elements (a red or blue title, a
//!   coloured photo). A uniform colour cast from the light moves every pixel
//!   alike and adds nothing here.
//!
//! A photocopy is a document with neither.

use crate::frame::Planes;
use crate::geometry::{bounds, inside_convex, Pt};

/// Colour statistics of the document interior: (tint %, colour %).
pub fn chroma(p: &Planes, poly: &[Pt]) -> (f32, f32) {
    let (x0, y0, x1, y1) = bounds(poly, p.w, p.h);
    let mut sat = Vec::new();
    let mut rg = Vec::new();
    let mut bg = Vec::new();
    let mut bright = Vec::new();
    for y in y0..y1 {
        for x in x0..x1 {
            if !inside_convex(poly, Pt { x: x as f32 + 0.5, y: y as f32 + 0.5 }) {
                continue;
            }
            let k = y * p.w + x;
            let (r, g, b) = (p.r[k] as f32, p.g[k] as f32, p.b[k] as f32);
            let (mx, mn) = (r.max(g).max(b), r.min(g).min(b));
            // Black print has no reliable hue: leave it out of the tint.
            if mx >= 16.0 {
                sat.push((mx - mn) / mx * 100.0);
            }
            rg.push(r - g);
            bg.push(b - g);
            bright.push(mx);
        }
    }
    if sat.is_empty() || rg.is_empty() {
        return (0.0, 0.0);
    }
    let tint = quantile(&mut sat, 0.5);
    let (mrg, mbg) = (quantile(&mut rg.clone(), 0.5), quantile(&mut bg.clone(), 0.5));
    let level = quantile(&mut bright, 0.5).max(1.0);
    let mut dist: Vec<f32> =
        rg.iter().zip(&bg).map(|(a, b)| ((a - mrg).powi(2) + (b - mbg).powi(2)).sqrt() / level * 100.0).collect();
    (tint, quantile(&mut dist, 0.99))
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
        let (tm, tp) = chroma(&tinted, &whole);
        let (cm, cp) = chroma(&copy, &whole);
        assert!(tm > 8.0 && tp > 50.0, "{tm} {tp}");
        assert!(cm < 1.0 && cp < 1.0, "{cm} {cp}");
    }

    #[test]
    fn a_uniform_cast_adds_no_colour_spread() {
        let whole = [Pt { x: 0., y: 0. }, Pt { x: 80., y: 0. }, Pt { x: 80., y: 50. }, Pt { x: 0., y: 50. }];
        let warm = planes(80, 50, |x, _| if x % 10 < 2 { [80, 75, 70] } else { [232, 225, 214] });
        assert!(chroma(&warm, &whole).1 < 3.0);
    }
}
