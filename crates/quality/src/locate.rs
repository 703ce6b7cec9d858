//! Document location: where the card (or passport page) is in the frame.
//!
//! Method: the background texture is smoothed away with a box blur scaled to
//! the frame, the frame is split into bright and dark by Otsu's threshold
//! (N. Otsu, "A threshold selection method from gray-level histograms", IEEE
//! SMC 1979), and each bright connected component is judged as a card: its
//! convex hull against its minimum-area rectangle (a card is a rectangle with
//! rounded corners, seen in mild perspective: rectangularity near 1) and the
//! rectangle's aspect against ID-1 (85.60 x 53.98 mm, 1.586) and the passport
//! page ID-3 (125 x 88 mm, 1.42). Cards and passport pages are printed on
//! light stock, so the bright side is the document's side; a shopper whose
//! table is whiter than the card is asked for a darker surface.
//!
//! The result also says how much of the frame the document spans
//! (`too_small`) and whether it runs off the frame (`cut_off`).

use crate::frame::box_blur;
use crate::geometry::{convex_hull, min_area_rect, polygon_area, quad_from_hull, Pt, Rect};
use crate::outline::{self, OutlineQuad};
use serde::Serialize;

/// A located document, in the coordinates of the plane it was found in.
#[derive(Clone, Debug, Serialize)]
pub struct Located {
    /// Corners, around the shape.
    pub quad: [Pt; 4],
    #[serde(skip)]
    pub rect: Rect,
    /// Convex-hull area over minimum-rectangle area (1 for a perfect rectangle).
    pub rectangularity: f32,
    /// Long side over short side of the minimum rectangle.
    pub aspect: f32,
    /// Long side of the document over the frame's long side.
    pub coverage: f32,
    /// Share of the rectangle's perimeter that lies on the frame's border.
    pub border_contact: f32,
    /// Mean gradient (levels per pixel, smoothed) along the outline.
    pub edge: f32,
    /// Share of edge pixels inside the outline (0 when found by regions).
    pub clutter: f32,
    /// Least share of the card beyond the frame (outline only; regions
    /// report their border contact instead).
    pub hidden: f32,
    /// One side inferred, not seen ([`outline::find_three_sided`]): part of
    /// the card may lie under whatever hid that side. The verdict never
    /// accepts such a card; it asks for it closer.
    #[serde(skip)]
    pub inferred: bool,
}

/// Bounds of a plausible document (ID-1 1.586, ID-3 1.42) allowing for
/// perspective and rounded corners.
pub const ASPECT_MIN: f32 = 1.2;
pub const ASPECT_MAX: f32 = 1.95;
/// A card's hull fills nearly all of its minimum rectangle; blobs, ellipses
/// (pi/4 = 0.785) and grass do not.
pub const RECTANGULARITY_MIN: f32 = 0.86;
/// Least mean outline gradient of a document, in percent of the frame's
/// tonal range (2nd to 98th percentile) per pixel of the smoothed plane: a
/// step across half the range, spread over the smoothing window (2 r + 1 ~
/// 13 px at 640), gives ~4; a smooth lighting gradient well under 1.
pub const EDGE_MIN: f32 = 2.0;

/// Otsu's threshold over a 256-bin histogram.
pub fn otsu(values: &[u8]) -> u8 {
    let mut hist = [0u64; 256];
    for &v in values {
        hist[v as usize] += 1;
    }
    let total = values.len() as f64;
    let sum_all: f64 = hist.iter().enumerate().map(|(i, &c)| i as f64 * c as f64).sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0.0, 0.0, -1.0, 0u8);
    for (t, &c) in hist.iter().enumerate() {
        w0 += c as f64;
        sum0 += t as f64 * c as f64;
        let w1 = total - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let (m0, m1) = (sum0 / w0, (sum_all - sum0) / w1);
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}

/// Connected components (4-connectivity) of a mask: labels (0 = none) and the
/// pixel count of each label (index 0 unused).
pub fn components(mask: &[bool], w: usize, h: usize) -> (Vec<u32>, Vec<usize>) {
    let mut labels = vec![0u32; w * h];
    let mut sizes = vec![0usize];
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !mask[start] || labels[start] != 0 {
            continue;
        }
        let id = sizes.len() as u32;
        let mut n = 0;
        labels[start] = id;
        stack.push(start);
        while let Some(i) = stack.pop() {
            n += 1;
            let (x, y) = (i % w, i / w);
            let mut visit = |j: usize| {
                if mask[j] && labels[j] == 0 {
                    labels[j] = id;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
        sizes.push(n);
    }
    (labels, sizes)
}

/// What the locator saw, for the scores.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LocateScores {
    /// Which method found the document: "outline", "outline_tiles" (a
    /// small card, [`find_small`]) or "regions".
    pub method: &'static str,
    pub threshold: u8,
    pub candidates: usize,
    /// The whole frame's outline search found a quad (kept or not).
    pub outline_found: bool,
}

fn search(y: &[u8], w: usize, h: usize, scores: &mut LocateScores) -> Vec<(f32, Located)> {
    if w < 8 || h < 8 {
        return Vec::new();
    }
    let long = w.max(h);
    let radius = (long / 110).max(2);
    let smooth = box_blur(y, w, h, radius);
    let t = otsu(&smooth);
    scores.threshold = t;
    // Otsu's level, then higher ones up to the bright end: a card lying on
    // or against something nearly as light (a white cup, a lit sheet) merges
    // with it at Otsu's level and stands alone at a higher one.
    let [top, bottom] = crate::frame::nth_levels(&smooth, [smooth.len() * 98 / 100, smooth.len() * 2 / 100]);
    // Outline gradients are judged against the frame's own range, so an
    // underexposed frame's card is still found (and called too dark).
    let range = (top.saturating_sub(bottom) as f32).max(16.0);
    let mut found: Vec<(f32, Located)> = Vec::new();
    let levels = 4u32;
    for k in 0..levels {
        let level = t as u32 + (top.saturating_sub(t) as u32) * k / levels;
        if k > 0 && level <= t as u32 {
            break;
        }
        let mask: Vec<bool> = smooth.iter().map(|&v| v as u32 > level).collect();
        candidates(&mask, &smooth, range, w, h, scores, &mut found);
    }
    found
}

/// A located document from an outline quadrilateral ([`crate::outline`]).
fn from_outline(o: &OutlineQuad, w: usize, h: usize) -> Option<Located> {
    let hull = convex_hull(o.quad.to_vec());
    let rect = min_area_rect(&hull)?;
    let long = w.max(h) as f32;
    Some(Located {
        quad: o.quad,
        rect,
        rectangularity: polygon_area(&hull) / rect.area().max(1.0),
        aspect: o.aspect,
        coverage: rect.long / long,
        border_contact: o.border_share,
        hidden: o.hidden,
        edge: o.support * 10.0,
        clutter: o.clutter,
        inferred: false,
    })
}

/// Find the document in a luma plane (any size; the analysis uses ~640 px).
/// Its outline ([`crate::outline`]) first: four edged sides hold where the
/// card merges with its surroundings in brightness; failing that, the
/// largest, most rectangular bright region. When neither finds a whole card,
/// a card too small to hold its own among the frame's lines is looked for
/// tile by tile ([`find_small`]), so the shopper hears "closer" rather than
/// "no document". This is the still's locator; the live loop uses
/// [`locate_live`].
pub fn locate(y: &[u8], w: usize, h: usize) -> (Option<Located>, LocateScores) {
    let (found, mut scores) = locate_frame(y, w, h);
    let whole = found.as_ref().is_some_and(|l| l.border_contact == 0.0);
    // Only where the whole frame's outline search found nothing at all:
    // beside a card's outline, even a cut or a wrongly framed one, a small
    // outline is most likely printed on that card (its portrait, a box) or
    // a brick of the table. A bright region that runs off the frame, though,
    // may be a cup or a page around the card.
    if !whole && !scores.outline_found {
        if let Some(small) = find_small(y, w, h) {
            scores.method = "outline_tiles";
            return (Some(small), scores);
        }
    }
    (found, scores)
}

/// Largest share of the frame's long side at which a card counts as small
/// for the tiled search: a larger card holds its own in the whole frame's
/// search, and a tile (half the frame) could not hold it whole anyway.
const SMALL_COVERAGE: f32 = 0.4;

/// A card found by three sides counts for this much of one found by four
/// when tiles compete ([`find_small`]).
const THREE_SIDED_WEIGHT: f32 = 0.75;

/// A small whole card, found by running the outline search on overlapping
/// tiles of half the frame's width and height (a 3 x 3 grid, half a tile
/// apart). In the whole frame, a card a sixth of its width has sides of a
/// few dozen votes, outnumbered by the lines of a cup, a saucer or a page of
/// text; in a tile the same card is large and its lines are among the
/// strongest. Each tile's best quad when it is whole in the tile and under
/// [`SMALL_COVERAGE`] of the frame; among tiles, the one with the longest
/// supported outline (support times perimeter). Stills only: nine outline
/// searches are too many for the live loop, which asks for the document
/// until it is close enough for the whole frame's search.
pub fn find_small(y: &[u8], w: usize, h: usize) -> Option<Located> {
    let (tw, th) = (w / 2, h / 2);
    if tw < 32 || th < 32 {
        return None;
    }
    let mut best: Option<(f32, Located)> = None;
    let mut tile = vec![0u8; tw * th];
    for ty in 0..3 {
        for tx in 0..3 {
            let (x0, y0) = ((w - tw) * tx / 2, (h - th) * ty / 2);
            for r in 0..th {
                tile[r * tw..(r + 1) * tw].copy_from_slice(&y[(y0 + r) * w + x0..(y0 + r) * w + x0 + tw]);
            }
            // The tile's own best (the outline search ranks a card above
            // the portrait box printed on it), if it is whole in the tile;
            // failing that, a card with one side lost against something as
            // light as itself, found by its other three, which counts for
            // less across tiles.
            let four = outline::find_with(&tile, tw, th, true).into_iter().next().filter(|o| o.border_share == 0.0);
            let (o, weight, inferred) = match four {
                Some(o) => (o, 1.0, false),
                None => match outline::find_three_sided(&tile, tw, th).into_iter().next() {
                    Some(o) => (o, THREE_SIDED_WEIGHT, true),
                    None => continue,
                },
            };
            let moved =
                OutlineQuad { quad: o.quad.map(|p| Pt { x: p.x + x0 as f32, y: p.y + y0 as f32 }), ..o.clone() };
            let Some(mut l) = from_outline(&moved, w, h) else { continue };
            l.inferred = inferred;
            if l.coverage >= SMALL_COVERAGE {
                continue;
            }
            // Across tiles, as within one: the supported outline's length.
            let perimeter: f32 = (0..4).map(|i| outline::dist(moved.quad[i], moved.quad[(i + 1) % 4])).sum();
            let score = o.support * perimeter * weight;
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, l));
            }
        }
    }
    best.map(|(_, l)| l)
}

/// [`locate`] without the tiled search: the outline of the whole frame,
/// then the regions.
fn locate_frame(y: &[u8], w: usize, h: usize) -> (Option<Located>, LocateScores) {
    let mut scores = LocateScores::default();
    let outlined = outline::find(y, w, h).first().and_then(|o| from_outline(o, w, h));
    scores.outline_found = outlined.is_some();
    let found = search(y, w, h, &mut scores);
    let region = found.into_iter().max_by(|a, b| a.0.total_cmp(&b.0)).map(|(_, l)| l);
    // The region's print, measured once (it scans an edge map of the frame).
    let printed = std::cell::OnceCell::new();
    let content = |q: &[Pt; 4]| *printed.get_or_init(|| outline::content(y, w, h, q));
    let pick = match (outlined, region) {
        // The outline found something printed on a card (its portrait, a
        // box) whose own edges are faint against the background, where the
        // bright region is the whole card around it.
        (Some(o), Some(r))
            if r.border_contact < 0.16
                && crate::geometry::inside_convex(&r.quad, o.rect.center)
                && r.rect.area() > 2.0 * o.rect.area() =>
        {
            Some((r, "regions"))
        }
        // The outline is cut by the frame and a clean whole card stands
        // apart from it: the cut outline is the scene's (a tilted brick
        // floor's lines, a table's edge), the card is the region. The live
        // loop keeps a clean region first ([`locate_live`]); the still must
        // not see a cut-off card there.
        (Some(o), Some(r)) if stands_apart(&o, &r, || content(&r.quad)) => Some((r, "regions")),
        (Some(o), _) => Some((o, "outline")),
        (None, Some(r)) => Some((r, "regions")),
        (None, None) => None,
    };
    match pick {
        Some((mut l, m)) => {
            scores.method = m;
            if m == "regions" {
                l.clutter = content(&l.quad);
            }
            (Some(l), scores)
        }
        None => (None, scores),
    }
}

/// A clean region standing apart from a cut outline is taken for the card
/// when it is at least this share of the outline's size (a light switch, a
/// sticky note beside a card the frame cuts is not the card)...
const STANDS_APART_SIZE: f32 = 0.6;
/// ... and carries print (edge share inside, [`outline::content`]): a
/// blank rectangle is no document.
const STANDS_APART_CONTENT: f32 = 0.02;

/// The region `r` is the card rather than the cut outline `o`: `o` runs off
/// the frame, `r` is a clean whole card of comparable size, outside `o`,
/// with print (`content`, asked last: it scans the region).
fn stands_apart(o: &Located, r: &Located, content: impl FnOnce() -> f32) -> bool {
    o.border_contact > 0.0
        && clean(r)
        && !crate::geometry::inside_convex(&o.quad, r.rect.center)
        && r.coverage >= STANDS_APART_SIZE * o.coverage
        && content() >= STANDS_APART_CONTENT
}

/// A bright region that is plainly a whole card: clear of the frame's
/// border, a card's proportions, nearly rectangular.
fn clean(l: &Located) -> bool {
    l.border_contact == 0.0 && (1.35..=1.8).contains(&l.aspect) && l.rectangularity >= 0.92
}

/// Location for the live loop, where every millisecond of a frame counts:
/// the bright-region search first (about a tenth of the outline's cost),
/// kept when it finds a clean whole card (clear of the frame's border, a
/// card's proportions, nearly rectangular), which is the common case of a
/// card held over a table; the thorough [`locate`] otherwise.
pub fn locate_live(y: &[u8], w: usize, h: usize) -> (Option<Located>, LocateScores) {
    let mut scores = LocateScores::default();
    let found = search(y, w, h, &mut scores);
    let best = found.into_iter().max_by(|a, b| a.0.total_cmp(&b.0)).map(|(_, l)| l).filter(clean);
    match best {
        Some(mut l) => {
            scores.method = "regions";
            l.clutter = outline::content(y, w, h, &l.quad);
            (Some(l), scores)
        }
        None => locate_frame(y, w, h),
    }
}

/// Every document-like region, at every level, overlapping ones merged to
/// the best of each (largest first).
pub fn locate_all(y: &[u8], w: usize, h: usize) -> Vec<Located> {
    let mut scores = LocateScores::default();
    let mut found = search(y, w, h, &mut scores);
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut kept: Vec<Located> = Vec::new();
    for (_, l) in found {
        let c = l.rect.center;
        if kept.iter().all(|k| {
            let d = ((k.rect.center.x - c.x).powi(2) + (k.rect.center.y - c.y).powi(2)).sqrt();
            d > k.rect.short / 2.0
        }) {
            kept.push(l);
        }
    }
    kept
}

/// Judge each connected component of `mask` as a document; keep the best.
fn candidates(
    mask: &[bool],
    smooth: &[u8],
    range: f32,
    w: usize,
    h: usize,
    scores: &mut LocateScores,
    found: &mut Vec<(f32, Located)>,
) {
    let long = w.max(h);
    let (labels, sizes) = components(mask, w, h);

    // Per component: the leftmost and rightmost pixel of each row are enough
    // for the convex hull; border pixels measure contact with the frame.
    let n = sizes.len();
    let mut ends: Vec<Vec<Pt>> = vec![Vec::new(); n];
    let mut on_border = vec![0usize; n];
    let mut sides = vec![[false; 4]; n];
    // A card whose long side spans a tenth of the frame's long side covers
    // (L/10) x (L/10/1.586) ~ L^2/160: smaller is nothing to guide towards.
    let min_area = long * long / 160;
    // Edge strength: the mean gradient of the smoothed image along each
    // component's outline (frame border excluded). A card's outline is a
    // step, even after smoothing; the outline of a lit patch of a gradient
    // or of grass is not.
    let mut edge_sum = vec![0f32; n];
    let mut edge_n = vec![0u32; n];
    for yy in 1..h - 1 {
        for x in 1..w - 1 {
            let i = yy * w + x;
            let id = labels[i] as usize;
            if id == 0 || sizes[id] < min_area {
                continue;
            }
            let outline = labels[i - 1] as usize != id
                || labels[i + 1] as usize != id
                || labels[i - w] as usize != id
                || labels[i + w] as usize != id;
            if outline {
                // Sobel-free central differences over two pixels each way.
                let gx = smooth[i + 1] as f32 - smooth[i - 1] as f32;
                let gy = smooth[i + w] as f32 - smooth[i - w] as f32;
                edge_sum[id] += (gx * gx + gy * gy).sqrt() / 2.0;
                edge_n[id] += 1;
            }
        }
    }
    for yy in 0..h {
        let row = &labels[yy * w..(yy + 1) * w];
        let mut x = 0;
        while x < w {
            let id = row[x] as usize;
            if id == 0 || sizes[id] < min_area {
                x += 1;
                continue;
            }
            let start = x;
            while x < w && row[x] as usize == id {
                x += 1;
            }
            ends[id].push(Pt { x: start as f32, y: yy as f32 });
            ends[id].push(Pt { x: (x - 1) as f32 + 1.0, y: yy as f32 });
            ends[id].push(Pt { x: start as f32, y: yy as f32 + 1.0 });
            ends[id].push(Pt { x: x as f32, y: yy as f32 + 1.0 });
            if start == 0 {
                on_border[id] += 1;
                sides[id][0] = true;
            }
            if x == w {
                on_border[id] += 1;
                sides[id][1] = true;
            }
            if yy == 0 || yy == h - 1 {
                on_border[id] += x - start;
                sides[id][if yy == 0 { 2 } else { 3 }] = true;
            }
        }
    }

    for id in 1..n {
        if sizes[id] < min_area {
            continue;
        }
        scores.candidates += 1;
        let s = sides[id];
        // A region that spans the frame from one side to the opposite one, or
        // touches three sides, is background (a lit half of a table), not a
        // card held in front of the camera.
        if (s[0] && s[1]) || (s[2] && s[3]) {
            continue;
        }
        let hull = convex_hull(std::mem::take(&mut ends[id]));
        let Some(rect) = min_area_rect(&hull) else {
            continue;
        };
        let hull_area = polygon_area(&hull);
        let rectangularity = hull_area / rect.area().max(1.0);
        let solidity = sizes[id] as f32 / hull_area.max(1.0);
        let touches = s.iter().any(|&b| b);
        let aspect = rect.aspect();
        if rectangularity < RECTANGULARITY_MIN || solidity < 0.55 {
            continue;
        }
        // A card running off the frame shows only part of itself, so its
        // visible aspect says little; a whole one must look like a card.
        if !touches && !(ASPECT_MIN..=ASPECT_MAX).contains(&aspect) {
            continue;
        }
        let edge = edge_sum[id] / edge_n[id].max(1) as f32 / range * 100.0;
        if edge < EDGE_MIN {
            continue;
        }
        // A visible part of a card is never much more elongated than a card.
        if aspect > ASPECT_MAX * 1.25 {
            continue;
        }
        let border_contact = on_border[id] as f32 / (2.0 * (rect.long + rect.short)).max(1.0);
        let located = Located {
            quad: quad_from_hull(&hull, &rect),
            rect,
            rectangularity,
            aspect,
            coverage: rect.long / long as f32,
            border_contact,
            edge,
            clutter: 0.0,
            hidden: 0.0,
            inferred: false,
        };
        found.push((hull_area * rectangularity, located));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gray frame with a bright axis-aligned rectangle.
    fn card_frame(w: usize, h: usize, x0: isize, y0: isize, cw: isize, ch: isize) -> Vec<u8> {
        let mut v = vec![60u8; w * h];
        for y in 0..h as isize {
            for x in 0..w as isize {
                if x >= x0 && x < x0 + cw && y >= y0 && y < y0 + ch {
                    v[y as usize * w + x as usize] = 220;
                }
            }
        }
        v
    }

    #[test]
    fn otsu_splits_two_levels() {
        let mut v = vec![20u8; 100];
        v.extend(vec![200u8; 100]);
        let t = otsu(&v);
        assert!((20..200).contains(&t));
    }

    #[test]
    fn finds_a_card_and_its_aspect() {
        let f = card_frame(640, 360, 120, 60, 400, 252);
        let (loc, _) = locate(&f, 640, 360);
        let loc = loc.expect("card found");
        assert!((loc.aspect - 400.0 / 252.0).abs() < 0.1, "{}", loc.aspect);
        assert!(loc.coverage > 0.55 && loc.border_contact == 0.0);
    }

    #[test]
    fn a_square_is_not_a_card() {
        let f = card_frame(640, 360, 200, 60, 250, 250);
        assert!(locate(&f, 640, 360).0.is_none());
    }

    #[test]
    fn a_card_off_the_edge_touches_the_border() {
        let f = card_frame(640, 360, -150, 60, 400, 252);
        let loc = locate(&f, 640, 360).0.expect("partial card found");
        assert!(loc.border_contact > 0.15, "{}", loc.border_contact);
    }

    /// A small card (110 x 70, with three lines of print) in a 360 x 640
    /// frame whose top side lies inside a light cup (an ellipse, as seen
    /// from above) as bright as itself.
    fn card_against_a_cup(lighter_print: bool) -> Vec<u8> {
        let (w, h) = (360, 640);
        let mut f = card_frame(w, h, 130, 330, 110, 70);
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = ((x as f32 - 185.0) / 100.0, (y as f32 - 200.0) / 150.0);
                if dx * dx + dy * dy <= 1.0 {
                    f[y * w + x] = 220;
                }
            }
        }
        for line in 0..3 {
            for y in 370 + line * 8..374 + line * 8 {
                for x in (138..232).filter(|x| x % 5 < 3) {
                    f[y * w + x] = if lighter_print { 222 } else { 40 };
                }
            }
        }
        f
    }

    #[test]
    fn a_small_card_with_a_side_lost_against_something_as_light_is_found_small() {
        let (loc, scores) = locate(&card_against_a_cup(false), 360, 640);
        let loc = loc.expect("card found");
        assert_eq!(scores.method, "outline_tiles", "{loc:?}");
        assert!(loc.inferred, "found by three sides: {loc:?}");
        assert!(loc.coverage < 0.25, "{}", loc.coverage);
        let c = loc.rect.center;
        assert!((170.0..200.0).contains(&c.x) && (345.0..385.0).contains(&c.y), "{loc:?}");
        assert!((1.4..1.8).contains(&loc.aspect), "{}", loc.aspect);
    }

    #[test]
    fn three_sides_of_something_blank_are_no_card() {
        // The same shape without print: a blank card is no document, and a
        // brick or a tile looks like this.
        let blank = card_against_a_cup(true);
        assert!(outline::find_three_sided(&blank[300 * 360..], 360, 340).is_empty());
        // The control: the same crop with its print is found.
        let printed = card_against_a_cup(false);
        assert!(!outline::find_three_sided(&printed[300 * 360..], 360, 340).is_empty());
    }

    #[test]
    fn three_sides_of_something_darker_than_around_it_are_no_card() {
        // A dark print (a portrait) on a light card, its top lost in a dark
        // band as dark as itself: its sides are edges, but it is darker
        // inside them than outside. The same scene in negative (a light
        // printed card, its top lost in a light band) is the control: only
        // the lightness differs, and only it is found.
        let scene = |dark: bool| {
            let (bg, ink, paper) = if dark { (220u8, 120u8, 40u8) } else { (40, 140, 220) };
            let (w, h) = (360, 340);
            let mut f = vec![bg; w * h];
            for y in 100..170 {
                for x in 130..240 {
                    f[y * w + x] = if (y / 6 + x / 7) % 3 == 0 { ink } else { paper };
                }
            }
            for y in 0..100 {
                for x in 100..270 {
                    f[y * w + x] = paper;
                }
            }
            f
        };
        assert!(outline::find_three_sided(&scene(true), 360, 340).is_empty());
        assert!(!outline::find_three_sided(&scene(false), 360, 340).is_empty());
    }

    /// A located shape from its axis-aligned box (x0, y0, x1, y1) in a
    /// 640-px frame.
    fn located(x0: f32, y0: f32, x1: f32, y1: f32, border_contact: f32) -> Located {
        let quad = [Pt { x: x0, y: y0 }, Pt { x: x1, y: y0 }, Pt { x: x1, y: y1 }, Pt { x: x0, y: y1 }];
        let rect = min_area_rect(&quad).unwrap();
        Located {
            quad,
            rect,
            rectangularity: 1.0,
            aspect: rect.long / rect.short,
            coverage: rect.long / 640.0,
            border_contact,
            edge: 8.0,
            clutter: 0.1,
            hidden: 0.0,
            inferred: false,
        }
    }

    #[test]
    fn a_region_stands_apart_from_a_cut_outline_only_as_a_printed_card_of_its_size() {
        // A cut outline (the scene's lines, or a cut card) on the left.
        let cut = located(0.0, 40.0, 300.0, 330.0, 0.2);
        // A printed card-sized region on the right: the card.
        let card = located(330.0, 100.0, 620.0, 283.0, 0.0);
        assert!(stands_apart(&cut, &card, || 0.08));
        // Blank: no document.
        assert!(!stands_apart(&cut, &card, || 0.0));
        // Small (a sticky note, a switch plate): not the card.
        let note = located(450.0, 120.0, 560.0, 190.0, 0.0);
        assert!(!stands_apart(&cut, &note, || 0.08));
        // Inside the outline: printed on it.
        let inside = located(40.0, 60.0, 440.0, 310.0, 0.0);
        assert!(!stands_apart(&located(0.0, 40.0, 600.0, 330.0, 0.2), &inside, || 0.08));
        // The outline whole: it stands.
        assert!(!stands_apart(&located(0.0, 40.0, 300.0, 330.0, 0.0), &card, || 0.08));
    }

    #[test]
    fn a_flat_frame_has_no_document() {
        assert!(locate(&[128; 640 * 360], 640, 360).0.is_none());
    }
}
