//! Document location from its outline: the four straight sides of a card.
//!
//! The brightness segmentation of [`crate::locate`] fails where the card is
//! no brighter than what it lies on or against (a white cup, a printed page),
//! where a light streak or a thumb joins it to the background, and where the
//! frame cuts it. Its outline survives all of these: four long straight
//! edges, each with the card on one side. Method, as in document scanners:
//! - gradients by the Sobel operator on a copy reduced to [`WORK_SIDE`] px and
//!   smoothed, thinned by non-maximum suppression along the gradient (J.
//!   Canny, "A computational approach to edge detection", IEEE PAMI 1986);
//! - straight lines by the Hough transform in its (theta, rho) form (R. Duda,
//!   P. Hart, "Use of the Hough transformation to detect lines and curves in
//!   pictures", CACM 1972), each edge pixel voting only near its own gradient
//!   direction (D. Ballard, "Generalizing the Hough transform to detect
//!   arbitrary shapes", Pattern Recognition 1981), which keeps textures from
//!   filling the accumulator;
//! - quadrilaterals from two nearly parallel pairs of lines at a large angle
//!   to each other (perspective bends a rectangle's angles, it does not fold
//!   them), the frame's own borders standing in for a side the frame cuts;
//! - each hypothesis verified on the edge map: the share of every side that
//!   is an edge with the side's orientation. A striped cloth or a ruled page
//!   gives long lines too, but the quadrilateral they would form is not
//!   edged all round; the card's outline is, up to a thumb or a streak.
//!
//! The best verified quadrilateral is the one with the most supported
//! outline: the whole card rather than its MRZ band or its portrait.

use crate::frame::{area_resample, box_blur};
use crate::geometry::Pt;

/// Longer side of the copy the outline is looked for in.
pub const WORK_SIDE: usize = 320;
/// Angular resolution of the accumulator (bins over 180 degrees).
const THETA_BINS: usize = 180;
/// An edge pixel votes within this many bins of its own gradient angle.
const VOTE_SPREAD: isize = 5;
/// Lines kept from the accumulator.
const MAX_LINES: usize = 40;
/// Convex hypotheses verified on the edge map at most, per frame.
const MAX_VERIFIED: usize = 250;
/// Parallel pairs kept for combination.
const MAX_PAIRS: usize = 400;
/// Least share of a real side that must be an edge of its orientation.
pub const MIN_SIDE_SUPPORT: f32 = 0.35;
/// Least share of the end quarter of a side at each corner (rounded corners,
/// a thumb or a streak may take some of it, not all).
pub const MIN_END_SUPPORT: f32 = 0.35;
/// Largest share of a side's continuation past its corners (a quarter of
/// its length, from a tenth on: clear of a rounded corner) that may be an
/// edge of its orientation.
pub const MAX_RUN_ON: f32 = 0.7;
/// Least share of the last eighth of a side that meets a frame border.
pub const MIN_AT_BORDER: f32 = 0.6;
/// The same for a card the frame cuts (it shows fewer sides).
pub const MIN_CUT_SIDE_SUPPORT: f32 = 0.6;
pub const MIN_CUT_MEAN_SUPPORT: f32 = 0.7;
/// Least mean share over the real sides.
pub const MIN_MEAN_SUPPORT: f32 = 0.55;

/// A quadrilateral found from its outline, in the input plane's pixels.
#[derive(Clone, Debug)]
pub struct OutlineQuad {
    /// Corners around the shape; corners on a frame-border side lie on it.
    pub quad: [Pt; 4],
    /// Mean share of the real sides (not frame borders) that is an edge.
    pub support: f32,
    /// Which sides are the frame's borders (the document runs off there).
    pub border_sides: [bool; 4],
    /// Share of the perimeter that lies on the frame's borders.
    pub border_share: f32,
    /// Least share of the card that the frame hides, from the visible sides
    /// and a card's proportions (see [`hidden_share`]).
    pub hidden: f32,
    /// Long over short side (averages of opposite sides).
    pub aspect: f32,
    /// Share of edge pixels inside (a card's plain stock keeps it low).
    pub clutter: f32,
}

#[derive(Clone, Copy, Debug)]
struct Line {
    /// Unit normal.
    nx: f32,
    ny: f32,
    rho: f32,
    votes: u32,
    border: bool,
}

impl Line {
    fn angle(&self) -> f32 {
        self.ny.atan2(self.nx)
    }
}

fn intersect(a: &Line, b: &Line) -> Option<Pt> {
    let det = a.nx * b.ny - a.ny * b.nx;
    if det.abs() < 1e-4 {
        return None;
    }
    Some(Pt { x: (a.rho * b.ny - b.rho * a.ny) / det, y: (a.nx * b.rho - b.nx * a.rho) / det })
}

/// Angle between two line directions, in [0, pi/2].
fn line_angle_diff(a: f32, b: f32) -> f32 {
    let mut d = (a - b).rem_euclid(std::f32::consts::PI);
    if d > std::f32::consts::FRAC_PI_2 {
        d = std::f32::consts::PI - d;
    }
    d
}

/// The edge map: thinned edge pixels and their gradient angle in [0, pi).
struct Edges {
    w: usize,
    h: usize,
    /// Gradient angle (normal of the edge), in [0, pi), or NaN off the edges.
    angle: Vec<f32>,
}

fn edges(y: &[u8], w: usize, h: usize) -> Edges {
    let s = box_blur(&box_blur(y, w, h, 1), w, h, 1);
    let mut gx = vec![0f32; w * h];
    let mut gy = vec![0f32; w * h];
    let mut mag = vec![0f32; w * h];
    for r in 1..h - 1 {
        for c in 1..w - 1 {
            let p = |dx: isize, dy: isize| s[((r as isize + dy) as usize) * w + (c as isize + dx) as usize] as f32;
            let x = (p(1, -1) + 2.0 * p(1, 0) + p(1, 1)) - (p(-1, -1) + 2.0 * p(-1, 0) + p(-1, 1));
            let yy = (p(-1, 1) + 2.0 * p(0, 1) + p(1, 1)) - (p(-1, -1) + 2.0 * p(0, -1) + p(1, -1));
            let i = r * w + c;
            gx[i] = x / 8.0;
            gy[i] = yy / 8.0;
            mag[i] = (gx[i] * gx[i] + gy[i] * gy[i]).sqrt();
        }
    }
    let t = edge_threshold(&s);
    let mut angle = vec![f32::NAN; w * h];
    for r in 1..h - 1 {
        for c in 1..w - 1 {
            let i = r * w + c;
            if is_edge(&gx, &gy, &mag, i, w, t) {
                angle[i] = gy[i].atan2(gx[i]).rem_euclid(std::f32::consts::PI);
            }
        }
    }
    Edges { w, h, angle }
}

/// The gradient magnitude an edge needs in a smoothed plane: it follows the
/// frame's own tonal range, so a dim frame's card is still outlined (levels
/// per pixel of the smoothed copy).
fn edge_threshold(s: &[u8]) -> f32 {
    let [hi, lo] = crate::frame::nth_levels(s, [s.len() * 98 / 100, s.len() * 2 / 100]).map(f32::from);
    ((hi - lo) * 0.015).max(1.5)
}

/// Whether pixel `i` (off the plane's outer ring) is an edge: its gradient
/// magnitude at least `t` and a maximum along its quantised direction
/// (non-maximum suppression, as in Canny's detector).
fn is_edge(gx: &[f32], gy: &[f32], mag: &[f32], i: usize, w: usize, t: f32) -> bool {
    let m = mag[i];
    if m < t {
        return false;
    }
    let (ax, ay) = (gx[i].abs(), gy[i].abs());
    let (a, b) = if ax > 2.414 * ay {
        (mag[i - 1], mag[i + 1])
    } else if ay > 2.414 * ax {
        (mag[i - w], mag[i + w])
    } else if (gx[i] > 0.0) == (gy[i] > 0.0) {
        (mag[i - w - 1], mag[i + w + 1])
    } else {
        (mag[i - w + 1], mag[i + w - 1])
    };
    m >= a && m > b
}

fn hough(e: &Edges, min_votes: u32) -> Vec<Line> {
    let (w, h) = (e.w, e.h);
    let diag = ((w * w + h * h) as f32).sqrt().ceil() as usize;
    let nr = 2 * diag + 1;
    let mut acc = vec![0u32; THETA_BINS * nr];
    let step = std::f32::consts::PI / THETA_BINS as f32;
    let trig: Vec<(f32, f32)> = (0..THETA_BINS).map(|k| ((k as f32 * step).cos(), (k as f32 * step).sin())).collect();
    for r in 0..h {
        for c in 0..w {
            let a = e.angle[r * w + c];
            if a.is_nan() {
                continue;
            }
            let k0 = (a / step).round() as isize;
            for dk in -VOTE_SPREAD..=VOTE_SPREAD {
                let k = (k0 + dk).rem_euclid(THETA_BINS as isize) as usize;
                let (co, si) = trig[k];
                let rho = c as f32 * co + r as f32 * si;
                let ri = (rho.round() as isize + diag as isize) as usize;
                acc[k * nr + ri] += 1;
            }
        }
    }
    // An edge wobbles by a pixel (sub-pixel position, a shadow beside it):
    // count each line's votes over rho +-1.
    for k in 0..THETA_BINS {
        let row = &mut acc[k * nr..(k + 1) * nr];
        let mut prev = 0;
        for ri in 0..nr {
            let cur = row[ri];
            row[ri] = prev + cur + if ri + 1 < nr { row[ri + 1] } else { 0 };
            prev = cur;
        }
    }
    // Local maxima over +-3 angle bins and +-4 px, strongest first.
    let mut peaks: Vec<(u32, usize, usize)> = Vec::new();
    for k in 0..THETA_BINS {
        for ri in 0..nr {
            let v = acc[k * nr + ri];
            if v < min_votes {
                continue;
            }
            // Most cells of a line's ridge lose to a direct neighbour: a
            // cheap test before the full window.
            let above = if ri + 1 < nr { acc[k * nr + ri + 1] } else { 0 };
            let below = if ri > 0 { acc[k * nr + ri - 1] } else { 0 };
            let next = if k + 1 < THETA_BINS { acc[(k + 1) * nr + ri] } else { 0 };
            let prev = if k > 0 { acc[(k - 1) * nr + ri] } else { 0 };
            if above > v || below > v || next > v || prev > v {
                continue;
            }
            let mut is_max = true;
            'n: for dk in -3isize..=3 {
                // Angles wrap: theta + pi is the same line with rho negated.
                let mut kk = k as isize + dk;
                let mut mirror = false;
                if kk < 0 {
                    kk += THETA_BINS as isize;
                    mirror = true;
                } else if kk >= THETA_BINS as isize {
                    kk -= THETA_BINS as isize;
                    mirror = true;
                }
                for dr in -4isize..=4 {
                    let mut rr = ri as isize + dr;
                    if mirror {
                        rr = nr as isize - 1 - rr;
                    }
                    if rr < 0 || rr >= nr as isize || (dk == 0 && dr == 0) {
                        continue;
                    }
                    let o = acc[kk as usize * nr + rr as usize];
                    // Ties broken by position so a plateau keeps one peak.
                    if o > v || (o == v && (dk, dr) < (0, 0)) {
                        is_max = false;
                        break 'n;
                    }
                }
            }
            if is_max {
                peaks.push((v, k, ri));
            }
        }
    }
    peaks.sort_by_key(|p| std::cmp::Reverse(p.0));
    peaks.truncate(MAX_LINES);
    peaks
        .into_iter()
        .map(|(v, k, ri)| {
            let (co, si) = trig[k];
            Line { nx: co, ny: si, rho: ri as f32 - diag as f32, votes: v, border: false }
        })
        .collect()
}

/// An edge pixel of orientation `normal` (within `tol`) at (x, y) or one
/// pixel either side of it along the unit normal (nx, ny).
fn edge_at(e: &Edges, x: f32, y: f32, nx: f32, ny: f32, normal: f32, tol: f32) -> bool {
    edge_near(e, x, y, nx, ny, normal, tol, &[0.0, -1.0, 1.0])
}

/// [`edge_at`] with the offsets along the normal to look at.
#[allow(clippy::too_many_arguments)]
fn edge_near(e: &Edges, x: f32, y: f32, nx: f32, ny: f32, normal: f32, tol: f32, offsets: &[f32]) -> bool {
    offsets.iter().any(|&o| {
        let (xx, yy) = ((x + nx * o).round() as isize, (y + ny * o).round() as isize);
        if xx < 0 || yy < 0 || xx >= e.w as isize || yy >= e.h as isize {
            return false;
        }
        let an = e.angle[yy as usize * e.w + xx as usize];
        !an.is_nan() && line_angle_diff(an, normal) < tol
    })
}

/// Share of the segment a-b (clipped to the frame, 1 px inside) that runs
/// along edge pixels oriented like the segment's normal. Returns (hits,
/// samples).
fn side_support(e: &Edges, a: Pt, b: Pt) -> (u32, u32) {
    let (w, h) = (e.w as f32, e.h as f32);
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return (0, 0);
    }
    let normal = dx.atan2(-dy).rem_euclid(std::f32::consts::PI);
    let (nx, ny) = (-dy / len, dx / len);
    let tol = 15f32.to_radians();
    let n = len.ceil() as usize;
    let (mut hits, mut samples) = (0u32, 0u32);
    for i in 0..=n {
        let t = i as f32 / n as f32;
        let (x, y) = (a.x + dx * t, a.y + dy * t);
        if x < 1.0 || y < 1.0 || x > w - 2.0 || y > h - 2.0 {
            continue;
        }
        samples += 1;
        if edge_at(e, x, y, nx, ny, normal, tol) {
            hits += 1;
        }
    }
    (hits, samples)
}

/// Share of edge pixels inside a quadrilateral (shrunk to keep its own
/// outline out), sampled on a grid.
fn clutter(e: &Edges, q: &[Pt; 4]) -> f32 {
    let inner = crate::geometry::shrink(q, 0.9);
    let (x0, y0, x1, y1) = crate::geometry::bounds(&inner, e.w, e.h);
    let (mut n, mut hit) = (0u32, 0u32);
    for y in y0..y1 {
        for x in x0..x1 {
            if crate::geometry::inside_convex(&inner, Pt { x: x as f32 + 0.5, y: y as f32 + 0.5 }) {
                n += 1;
                if !e.angle[y * e.w + x].is_nan() {
                    hit += 1;
                }
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        hit as f32 / n as f32
    }
}

/// How much of a card the frame hides, at least, when one side of its
/// quadrilateral is the frame's border: the side opposite the border is
/// whole, so the card's extent across the cut is that side's length times
/// or over a card's proportions (ID-1 1.586, ID-3 1.42), the least of those
/// that is not shorter than what is visible. The share of that extent that
/// lies beyond the border is hidden. A frame cut at a corner (two borders)
/// hides an unknown part: 1.
pub fn hidden_share(q: &[Pt; 4], border: &[bool; 4]) -> f32 {
    match border.iter().filter(|&&b| b).count() {
        0 => 0.0,
        1 => {
            let b = border.iter().position(|&b| b).unwrap_or(0);
            // Side i runs from corner i to corner i + 1.
            let side = |i: usize| dist(q[i % 4], q[(i + 1) % 4]);
            let opposite = side(b + 2);
            let visible = (side(b + 1) + side(b + 3)) / 2.0;
            let full = [1.586f32, 1.42]
                .iter()
                .flat_map(|a| [opposite / a, opposite * a])
                .filter(|&e| e >= visible * 0.97)
                .fold(f32::INFINITY, f32::min);
            // Longer than any card across: not one card, or cut
            // beyond telling; either way not a whole one.
            if full.is_finite() {
                ((full - visible) / full).max(0.0)
            } else {
                1.0
            }
        }
        _ => 1.0,
    }
}

pub(crate) fn dist(a: Pt, b: Pt) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// Interior angle at `b` of the path a-b-c, in radians.
fn corner_angle(a: Pt, b: Pt, c: Pt) -> f32 {
    let (ux, uy, vx, vy) = (a.x - b.x, a.y - b.y, c.x - b.x, c.y - b.y);
    let d = (ux * vx + uy * vy) / ((ux * ux + uy * uy).sqrt() * (vx * vx + vy * vy).sqrt()).max(1e-6);
    d.clamp(-1.0, 1.0).acos()
}

/// Share of edge pixels inside `quad` (in the plane's pixels), on the same
/// edge map the outline is found in: a document's content. Plain card stock
/// with nothing printed scores near 0, a page of running text near 0.3; an
/// identity document's portrait, fields and MRZ in between.
///
/// The same edges as [`edges`] marks, decided only where they are counted
/// (the quadrilateral's box and a pixel around it for the suppression) and
/// without their angle, which the share does not need: the live loop asks
/// for this on every frame with a card, and the whole frame's edge map with
/// an `atan2` per edge was most of the locator's time there.
pub fn content(y: &[u8], w: usize, h: usize, quad: &[Pt; 4]) -> f32 {
    if w < 16 || h < 16 {
        return 0.0;
    }
    let (k, ww, wh, work) = work_plane(y, w, h);
    edge_share(&work, ww, wh, &quad.map(|p| Pt { x: p.x * k, y: p.y * k }))
}

/// [`clutter`] of [`edges`], computed in the quadrilateral's box only.
fn edge_share(y: &[u8], w: usize, h: usize, q: &[Pt; 4]) -> f32 {
    let s = box_blur(&box_blur(y, w, h, 1), w, h, 1);
    let t = edge_threshold(&s);
    let inner = crate::geometry::shrink(q, 0.9);
    let (x0, y0, x1, y1) = crate::geometry::bounds(&inner, w, h);
    if x0 >= x1 || y0 >= y1 {
        return 0.0;
    }
    // Gradients as `edges` computes them (same expressions, same order, so
    // the same floats), on the box grown by the suppression's pixel and kept
    // off the frame's outer ring, where `edges` leaves them at zero.
    let (gx0, gy0) = (x0.saturating_sub(1).max(1), y0.saturating_sub(1).max(1));
    let (gx1, gy1) = ((x1 + 1).min(w - 1), (y1 + 1).min(h - 1));
    let mut gx = vec![0f32; w * h];
    let mut gy = vec![0f32; w * h];
    let mut mag = vec![0f32; w * h];
    for r in gy0..gy1 {
        let (up, mid, down) = (&s[(r - 1) * w..r * w], &s[r * w..(r + 1) * w], &s[(r + 1) * w..(r + 2) * w]);
        for c in gx0..gx1 {
            let p = |row: &[u8], dx: isize| row[(c as isize + dx) as usize] as f32;
            let x = (p(up, 1) + 2.0 * p(mid, 1) + p(down, 1)) - (p(up, -1) + 2.0 * p(mid, -1) + p(down, -1));
            let yy = (p(down, -1) + 2.0 * p(down, 0) + p(down, 1)) - (p(up, -1) + 2.0 * p(up, 0) + p(up, 1));
            let i = r * w + c;
            gx[i] = x / 8.0;
            gy[i] = yy / 8.0;
            mag[i] = (gx[i] * gx[i] + gy[i] * gy[i]).sqrt();
        }
    }
    let (mut n, mut hit) = (0u32, 0u32);
    for r in y0..y1 {
        for c in x0..x1 {
            if !crate::geometry::inside_convex(&inner, Pt { x: c as f32 + 0.5, y: r as f32 + 0.5 }) {
                continue;
            }
            n += 1;
            if r == 0 || c == 0 || r + 1 >= h || c + 1 >= w {
                continue;
            }
            if is_edge(&gx, &gy, &mag, r * w + c, w, t) {
                hit += 1;
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        hit as f32 / n as f32
    }
}

/// The plane the outline works on: at most [`WORK_SIDE`] px on its long
/// side. Returns (scale from the input, width, height, pixels).
fn work_plane(y: &[u8], w: usize, h: usize) -> (f32, usize, usize, Vec<u8>) {
    let long = w.max(h);
    let k = if long > WORK_SIDE { WORK_SIDE as f32 / long as f32 } else { 1.0 };
    let (ww, wh) = (((w as f32 * k).round() as usize).max(8), ((h as f32 * k).round() as usize).max(8));
    let work = if k < 1.0 { area_resample(y, w, h, ww, wh) } else { y.to_vec() };
    (k, ww, wh, work)
}

/// The card-like quadrilaterals of a luma plane, best first (at most a few).
pub fn find(y: &[u8], w: usize, h: usize) -> Vec<OutlineQuad> {
    find_with(y, w, h, false)
}

/// [`find`], with `strict` refusing a side that runs on past even one of
/// its corners: for a search of small tiles, where a quad whose side lines
/// up with something beyond it is more often a brick of a wall or a box
/// printed on a card than a card.
pub fn find_with(y: &[u8], w: usize, h: usize, strict: bool) -> Vec<OutlineQuad> {
    if w < 16 || h < 16 {
        return Vec::new();
    }
    let (k, ww, wh, work) = work_plane(y, w, h);
    let e = edges(&work, ww, wh);
    let short = ww.min(wh) as f32;
    let min_votes = (short * 0.12).max(12.0) as u32;
    let mut lines = hough(&e, min_votes);
    let (fw, fh) = (ww as f32, wh as f32);
    // The frame's borders, for a side the frame cuts.
    for (nx, ny, rho) in [(1.0, 0.0, 0.0), (1.0, 0.0, fw - 1.0), (0.0, 1.0, 0.0), (0.0, 1.0, fh - 1.0)] {
        lines.push(Line { nx, ny, rho, votes: 0, border: true });
    }
    // Nearly parallel pairs, far enough apart to be two sides of a card.
    let min_sep = short * 0.12;
    let max_skew = 25f32.to_radians();
    let mut pairs: Vec<(u32, usize, usize)> = Vec::new();
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            let (a, b) = (&lines[i], &lines[j]);
            if a.border && b.border {
                continue;
            }
            if line_angle_diff(a.angle(), b.angle()) > max_skew {
                continue;
            }
            // Separation measured at the frame's centre.
            let c = Pt { x: fw / 2.0, y: fh / 2.0 };
            let da = a.nx * c.x + a.ny * c.y - a.rho;
            let s = if a.nx * b.nx + a.ny * b.ny >= 0.0 { 1.0 } else { -1.0 };
            let db = s * (b.nx * c.x + b.ny * c.y - b.rho);
            if (da - db).abs() < min_sep {
                continue;
            }
            pairs.push((
                a.votes.min(b.votes).max(if a.border || b.border { a.votes.max(b.votes) / 2 } else { 0 }),
                i,
                j,
            ));
        }
    }
    pairs.sort_by_key(|p| std::cmp::Reverse(p.0));
    pairs.truncate(MAX_PAIRS);
    // Pairs by direction (whole degrees), so each pair meets only those at
    // a large angle to it: a striped cloth makes hundreds of parallel pairs
    // that must not crowd out the card's.
    let mut by_angle: Vec<Vec<usize>> = vec![Vec::new(); 180];
    let deg = |l: &Line| (l.angle().to_degrees().rem_euclid(180.0) as usize).min(179);
    for (pi, &(_, a1, _)) in pairs.iter().enumerate() {
        by_angle[deg(&lines[a1])].push(pi);
    }

    let min_area = fw * fh / 80.0;
    let mut found: Vec<(f32, OutlineQuad)> = Vec::new();
    let mut verified = 0usize;
    'search: for (pi, &(_, a1, a2)) in pairs.iter().enumerate() {
        let d0 = deg(&lines[a1]);
        let partners = (55..=125).flat_map(|off| by_angle[(d0 + off) % 180].iter().copied()).filter(|&qi| qi > pi);
        let partners: Vec<usize> = partners.collect();
        for qi in partners {
            let (_, b1, b2) = pairs[qi];
            let (la1, la2, lb1, lb2) = (&lines[a1], &lines[a2], &lines[b1], &lines[b2]);
            let between = line_angle_diff(la1.angle(), lb1.angle());
            if between < 55f32.to_radians() {
                continue;
            }
            let borders = [la1.border, lb1.border, la2.border, lb2.border];
            let nb = borders.iter().filter(|&&b| b).count();
            if nb > 2 || (la1.border && la2.border) || (lb1.border && lb2.border) {
                continue;
            }
            // Sides around the shape: a1, b1, a2, b2; corner i joins side i-1 and i.
            let sides = [la1, lb1, la2, lb2];
            let mut q = [Pt { x: 0.0, y: 0.0 }; 4];
            let mut ok = true;
            for i in 0..4 {
                match intersect(sides[(i + 3) % 4], sides[i]) {
                    Some(p) => q[i] = p,
                    None => ok = false,
                }
            }
            if !ok {
                continue;
            }
            // Corners may lie beyond the frame only where the frame cuts.
            let margin = 2.0;
            let inside = |p: Pt| p.x >= -margin && p.y >= -margin && p.x <= fw + margin && p.y <= fh + margin;
            if nb == 0 && !q.iter().all(|&p| inside(p)) {
                continue;
            }
            // Two of the card's own sides meet inside the frame: a corner of
            // two real sides on (or past) the frame's border is a card cut
            // there, which needs the border as a side.
            let well_inside = |p: Pt| p.x >= 3.0 && p.y >= 3.0 && p.x <= fw - 3.0 && p.y <= fh - 3.0;
            if (0..4).any(|i| !sides[(i + 3) % 4].border && !sides[i].border && !well_inside(q[i])) {
                continue;
            }
            if !q.iter().all(|&p| p.x > -fw && p.y > -fh && p.x < 2.0 * fw && p.y < 2.0 * fh) {
                continue;
            }
            // Convex, not self-crossing: every corner turns the same way.
            let turn = |i: usize| {
                let (a, b, c) = (q[(i + 3) % 4], q[i], q[(i + 1) % 4]);
                (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x)
            };
            let t0 = turn(0);
            if !(1..4).all(|i| turn(i) * t0 > 0.0) {
                continue;
            }
            let angles_ok = (0..4).all(|i| {
                let a = corner_angle(q[(i + 3) % 4], q[i], q[(i + 1) % 4]);
                (50f32.to_radians()..=130f32.to_radians()).contains(&a)
            });
            if !angles_ok {
                continue;
            }
            let area = crate::geometry::polygon_area(&q);
            if area < min_area {
                continue;
            }
            let l1 = (dist(q[0], q[1]) + dist(q[2], q[3])) / 2.0;
            let l2 = (dist(q[1], q[2]) + dist(q[3], q[0])) / 2.0;
            let aspect = l1.max(l2) / l1.min(l2).max(1.0);
            if nb == 0 && !(crate::locate::ASPECT_MIN..=crate::locate::ASPECT_MAX).contains(&aspect) {
                continue;
            }
            // A card the frame cuts across shows a longer, thinner part of
            // itself: up to a card with two thirds of its width hidden.
            if aspect > if nb > 0 { 4.0 } else { crate::locate::ASPECT_MAX * 1.25 } {
                continue;
            }
            // A bound on the work a frame can cost: the strongest pairs come
            // first, so the card is among the first hypotheses verified.
            verified += 1;
            if verified > MAX_VERIFIED {
                break 'search;
            }
            // Side i runs from corner i to corner i+1.
            let (mut hits, mut min_support, mut sum_support, mut real, mut perim, mut on_border) =
                (0u32, 1f32, 0f32, 0, 0f32, 0f32);
            // Support of the first and last quarter of each side (0 for a
            // frame border).
            let mut ends = [[0f32; 2]; 4];
            let mut run_on = false;
            for i in 0..4 {
                let (a, b) = (q[i], q[(i + 1) % 4]);
                let len = dist(a, b);
                perim += len;
                if sides[i].border {
                    on_border += len;
                    continue;
                }
                let (hsum, n) = side_support(&e, a, b);
                if n < 8 {
                    min_support = 0.0;
                    break;
                }
                let s = hsum as f32 / n as f32;
                let lerp = |t: f32| Pt { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
                let part = |t0: f32, t1: f32| {
                    let (h, n) = side_support(&e, lerp(t0), lerp(t1));
                    if n < 3 {
                        1.0
                    } else {
                        h as f32 / n as f32
                    }
                };
                ends[i] = [part(0.0, 0.25), part(0.75, 1.0)];
                // Where the frame cuts the card, its side runs edged right up
                // to the border; a line that merely reaches the border
                // somewhere beyond the card does not.
                let to_border = (sides[(i + 3) % 4].border && part(0.0, 0.12) < MIN_AT_BORDER)
                    || (sides[(i + 1) % 4].border && part(0.88, 1.0) < MIN_AT_BORDER);
                if to_border {
                    min_support = 0.0;
                    break;
                }
                // A card's side stops at its corners; a line of a striped
                // cloth, a ruled page or a table's edge runs on through, past
                // both corners. Past one corner only, once per quad, is
                // allowed: something in the scene that happens to line up
                // with one side (a saucer's rim below a card's corner).
                let beyond = |t0: f32, t1: f32| {
                    let (h, n) = side_support(&e, lerp(t0), lerp(t1));
                    n >= 5 && h as f32 / n as f32 > MAX_RUN_ON
                };
                let (before, after) = (beyond(-0.35, -0.1), beyond(1.1, 1.35));
                if before && after || ((before || after) && (run_on || strict)) {
                    min_support = 0.0;
                    break;
                }
                run_on |= before || after;
                hits += hsum;
                min_support = min_support.min(s);
                sum_support += s;
                real += 1;
            }
            // A cut card shows fewer sides: each must be convincing.
            let (min_side, min_mean) = if nb > 0 {
                (MIN_CUT_SIDE_SUPPORT, MIN_CUT_MEAN_SUPPORT)
            } else {
                (MIN_SIDE_SUPPORT, MIN_MEAN_SUPPORT)
            };
            if real == 0 || min_support < min_side || sum_support / (real as f32) < min_mean {
                continue;
            }
            // Every corner is reached by an edge: at least one of its two
            // sides is edged up to it. A line that runs on past the card's
            // corner (to a frame border or another line) makes a corner
            // that neither side reaches. A low-contrast stretch of one side
            // near a corner is covered by the other side.
            if (0..4).any(|i| ends[(i + 3) % 4][1].max(ends[i][0]) < MIN_END_SUPPORT) {
                continue;
            }
            let border_sides = [sides[0].border, sides[1].border, sides[2].border, sides[3].border];
            let inv = 1.0 / k;
            let quad = q.map(|p| Pt { x: p.x.clamp(0.0, fw) * inv, y: p.y.clamp(0.0, fh) * inv });
            let support = sum_support / real as f32;
            // The supported outline, a cut side counting a quarter of its length at
            // the support of the others: a card the frame cuts still
            // outranks a smaller rectangle printed inside it.
            let score = (hits as f32 + 0.25 * on_border * support) * support;
            found.push((
                score,
                OutlineQuad {
                    quad,
                    support,
                    border_sides,
                    border_share: on_border / perim.max(1.0),
                    hidden: hidden_share(&q, &border_sides),
                    aspect,
                    clutter: 0.0,
                },
            ));
        }
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    // A whole card in view beats a cut one, unless the cut one is much
    // larger and holds it (then the whole one is something printed on the
    // card: its portrait, a box).
    let whole = found.iter().position(|(_, q)| q.border_share == 0.0);
    let cut = found.iter().position(|(_, q)| q.border_share > 0.0);
    let first = match (whole, cut) {
        (Some(w), Some(c)) => {
            let (qw, qc) = (&found[w].1, &found[c].1);
            let centre = Pt {
                x: qw.quad.iter().map(|p| p.x).sum::<f32>() / 4.0,
                y: qw.quad.iter().map(|p| p.y).sum::<f32>() / 4.0,
            };
            let holds = crate::geometry::inside_convex(&qc.quad, centre);
            let (aw, ac) = (crate::geometry::polygon_area(&qw.quad), crate::geometry::polygon_area(&qc.quad));
            if holds && ac > 2.5 * aw {
                c
            } else {
                w
            }
        }
        (Some(w), None) => w,
        (None, Some(c)) => c,
        (None, None) => return Vec::new(),
    };
    let best = found.swap_remove(first);
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    found.truncate(3);
    // Content only for those returned (it scans each one's area).
    std::iter::once(best.1)
        .chain(found.into_iter().map(|(_, q)| q))
        .map(|mut q| {
            q.clutter = clutter(&e, &q.quad.map(|p| Pt { x: p.x * k, y: p.y * k }));
            q
        })
        .collect()
}

/// Lateral offsets at which a side found by walking ([`edge_runs`]) is
/// looked for: a card's side seen in perspective drifts off the straight
/// line a pixel or two over its length.
const WALK_OFFSETS: [f32; 5] = [0.0, -1.0, 1.0, -2.0, 2.0];

/// The first edged stretch of a line followed from `start` in the unit
/// direction `d` for at most `max_len`: (from, to, edge pixels) in
/// distances from `start`, ended where the edge misses for more than `gap`.
/// It stops walking there (the callers need the first stretch only).
fn first_run(e: &Edges, start: Pt, d: Pt, gap: f32, max_len: f32) -> Option<(f32, f32, u32)> {
    edge_runs_upto(e, start, d, gap, max_len, 1).into_iter().next()
}

/// Every edged stretch of such a line.
fn edge_runs(e: &Edges, start: Pt, d: Pt, gap: f32, max_len: f32) -> Vec<(f32, f32, u32)> {
    edge_runs_upto(e, start, d, gap, max_len, usize::MAX)
}

fn edge_runs_upto(e: &Edges, start: Pt, d: Pt, gap: f32, max_len: f32, limit: usize) -> Vec<(f32, f32, u32)> {
    let (nx, ny) = (-d.y, d.x);
    let normal = d.x.atan2(-d.y).rem_euclid(std::f32::consts::PI);
    let tol = 20f32.to_radians();
    let mut runs: Vec<(f32, f32, u32)> = Vec::new();
    let mut cur: Option<(f32, f32, u32)> = None;
    let mut t = 0f32;
    while t <= max_len {
        let (x, y) = (start.x + d.x * t, start.y + d.y * t);
        let inside = x >= 1.0 && y >= 1.0 && x <= e.w as f32 - 2.0 && y <= e.h as f32 - 2.0;
        if inside && edge_near(e, x, y, nx, ny, normal, tol, &WALK_OFFSETS) {
            cur = Some(match cur {
                Some((a, _, n)) => (a, t, n + 1),
                None => (t, t, 1),
            });
        } else if let Some(c) = cur {
            if t - c.1 > gap || !inside {
                runs.push(c);
                cur = None;
                if runs.len() >= limit {
                    return runs;
                }
            }
        }
        t += 1.0;
    }
    runs.extend(cur);
    runs
}

/// Cards with one side lost: three edged sides of a card, the fourth where
/// the two sides that reach it stop together, at a card's proportions.
///
/// A card lying against something as light as itself (a white cup's rim, a
/// sheet of paper, a lit wall) has no edge on that side, so no four-sided
/// outline closes. Its other three sides are ordinary edges. One of them is
/// an edged stretch of a Hough line (Duda and Hart, 1972, as in
/// [`find_with`]) that starts and stops at the card's corners; from each
/// corner the two adjacent sides are followed at a right angle to it until
/// their edges end. Where both end at the same distance, at an identity
/// document's proportions (ID-1 1.586, ID-3 1.42 with room for perspective;
/// ISO/IEC 7810), that is the card's lost side. A stripe, a table's edge or
/// a larger card runs on: its sides end nowhere near each other, or past
/// the frame. Meant for small areas (the tiles of
/// [`crate::locate::find_small`]), where a small card is large; it is only
/// tried where no whole outline was found. Best first.
pub fn find_three_sided(y: &[u8], w: usize, h: usize) -> Vec<OutlineQuad> {
    if w < 16 || h < 16 {
        return Vec::new();
    }
    let (k, ww, wh, work) = work_plane(y, w, h);
    let e = edges(&work, ww, wh);
    let short = ww.min(wh) as f32;
    let lines = hough(&e, (short * 0.12).max(12.0) as u32);
    let (fw, fh) = (ww as f32, wh as f32);
    let diag = (fw * fw + fh * fh).sqrt();
    let well_inside = |p: Pt| p.x >= 3.0 && p.y >= 3.0 && p.x <= fw - 3.0 && p.y <= fh - 3.0;
    let min_area = fw * fh / 80.0;
    let mut found: Vec<(f32, OutlineQuad)> = Vec::new();
    for b in &lines {
        // The line from one end of the frame to the other.
        let d = Pt { x: -b.ny, y: b.nx };
        let start = Pt { x: b.nx * b.rho - d.x * diag, y: b.ny * b.rho - d.y * diag };
        for (t0, t1, n) in edge_runs(&e, start, d, 3.0, 2.0 * diag) {
            let s = t1 - t0;
            if s < short * 0.12 || (n as f32) < MIN_CUT_SIDE_SUPPORT * s {
                continue;
            }
            let c1 = Pt { x: start.x + d.x * t0, y: start.y + d.y * t0 };
            let c2 = Pt { x: start.x + d.x * t1, y: start.y + d.y * t1 };
            if !well_inside(c1) || !well_inside(c2) {
                continue;
            }
            let gap = (0.06 * s).max(3.0);
            for sign in [1f32, -1.0] {
                let up = Pt { x: b.nx * sign, y: b.ny * sign };
                let down = Pt { x: -up.x, y: -up.y };
                // A side that starts at its corner (not one that comes from
                // behind b and crosses it), followed to where it stops.
                // The blur before the edge map rounds a corner off by a few
                // pixels: the side is looked for a little either side of
                // where b's edge ends, the longest kept.
                let side = |c: Pt| -> Option<(f32, u32)> {
                    (-4..=4)
                        .filter_map(|off| {
                            let c = Pt { x: c.x + d.x * off as f32, y: c.y + d.y * off as f32 };
                            // Nothing at the corner: nothing to follow (a
                            // short look first, the long walk only then).
                            first_run(&e, c, up, gap, gap + 1.0)?;
                            let run = first_run(&e, c, up, gap, s * ASPECT_MAX_SIDE)?;
                            if run.0 > gap {
                                return None;
                            }
                            let behind = first_run(&e, c, down, gap, 0.35 * s);
                            if behind.is_some_and(|r| r.0 <= gap && r.1 > 0.15 * s) {
                                return None;
                            }
                            Some((run.1, run.2))
                        })
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                };
                let Some((l1, h1)) = side(c1) else { continue };
                let Some((l2, h2)) = side(c2) else { continue };
                let l = (l1 + l2) / 2.0;
                if l < 1.0 || (l1 - l2).abs() > 0.12 * l1.max(l2) {
                    continue;
                }
                let aspect = l.max(s) / l.min(s);
                if !(THREE_SIDED_ASPECT_MIN..=crate::locate::ASPECT_MAX).contains(&aspect) {
                    continue;
                }
                let (s1, s2, sb) = (h1 as f32 / l1.max(1.0), h2 as f32 / l2.max(1.0), n as f32 / s.max(1.0));
                if s1.min(s2) < MIN_CUT_SIDE_SUPPORT {
                    continue;
                }
                let c3 = Pt { x: c2.x + up.x * l2, y: c2.y + up.y * l2 };
                let c4 = Pt { x: c1.x + up.x * l1, y: c1.y + up.y * l1 };
                // Whole in view: a side the frame cuts does not stop.
                if !well_inside(c3) || !well_inside(c4) {
                    continue;
                }
                let q = [c1, c2, c3, c4];
                if crate::geometry::polygon_area(&q) < min_area {
                    continue;
                }
                // The fourth side is lost, which is why the outline did not
                // close: where it has an edge (a brick's, a tile's, a box's)
                // the four-sided search judged it, and its verdict stands.
                // Looked for up to a gap past where the sides stop (they
                // may stop short of a rounded corner).
                let lost = (0..=(gap.ceil() as i32 + 2))
                    .map(|o| {
                        let o = o as f32;
                        let at = |p: Pt| Pt { x: p.x + up.x * o, y: p.y + up.y * o };
                        let (h4, n4) = side_support(&e, at(c3), at(c4));
                        if n4 < 8 {
                            0.0
                        } else {
                            h4 as f32 / n4 as f32
                        }
                    })
                    .fold(0f32, f32::max);
                if lost >= LOST_SIDE_MAX_SUPPORT {
                    continue;
                }
                // An identity document, lighter than what its three edged
                // sides stand against (which is why the fourth, lost
                // against something as light, did not show), with printed
                // content: not a brick, a tile or a portrait printed on a
                // card.
                let content = clutter(&e, &q);
                if content < THREE_SIDED_MIN_CONTENT || lighter_inside(&work, ww, wh, &q) < THREE_SIDED_MIN_LIGHTER {
                    continue;
                }
                let mean = (sb + s1 + s2) / 3.0;
                let inv = 1.0 / k;
                found.push((
                    (s * sb + l1 * s1 + l2 * s2) * mean,
                    OutlineQuad {
                        quad: q.map(|p| Pt { x: p.x * inv, y: p.y * inv }),
                        support: mean,
                        border_sides: [false; 4],
                        border_share: 0.0,
                        hidden: 0.0,
                        aspect,
                        clutter: content,
                    },
                ));
            }
        }
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    found.into_iter().map(|(_, q)| q).collect()
}

/// How much lighter a quad is just inside its first three sides (q0-q1,
/// q1-q2, q3-q0: those of [`find_three_sided`] that have edges) than just
/// outside them: mean luma 3 px in minus 3 px out.
fn lighter_inside(y: &[u8], w: usize, h: usize, q: &[Pt; 4]) -> f32 {
    let c = Pt { x: q.iter().map(|p| p.x).sum::<f32>() / 4.0, y: q.iter().map(|p| p.y).sum::<f32>() / 4.0 };
    let at = |p: Pt| -> Option<f32> {
        let (x, yy) = (p.x.round() as isize, p.y.round() as isize);
        (x >= 0 && yy >= 0 && (x as usize) < w && (yy as usize) < h).then(|| y[yy as usize * w + x as usize] as f32)
    };
    let (mut inside, mut outside, mut n) = (0f32, 0f32, 0u32);
    for (a, b) in [(q[0], q[1]), (q[1], q[2]), (q[3], q[0])] {
        let len = dist(a, b);
        if len < 4.0 {
            continue;
        }
        // The side's normal, turned towards the quad's centre.
        let (mut nx, mut ny) = (-(b.y - a.y) / len, (b.x - a.x) / len);
        let mid = Pt { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 };
        if (c.x - mid.x) * nx + (c.y - mid.y) * ny < 0.0 {
            (nx, ny) = (-nx, -ny);
        }
        // The middle four fifths of the side (clear of the corners).
        for i in 0..=len as usize {
            let t = 0.1 + 0.8 * i as f32 / len.max(1.0);
            let p = Pt { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
            if let (Some(i), Some(o)) =
                (at(Pt { x: p.x + nx * 3.0, y: p.y + ny * 3.0 }), at(Pt { x: p.x - nx * 3.0, y: p.y - ny * 3.0 }))
            {
                inside += i;
                outside += o;
                n += 1;
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        (inside - outside) / n as f32
    }
}

/// Least proportions of a card found by three sides ([`find_three_sided`]):
/// ID-3's 1.42 with a little room for perspective. A square box or a
/// portrait printed on a card (35 x 45 mm, 1.29) has less.
const THREE_SIDED_ASPECT_MIN: f32 = 1.38;
/// Least share of edge pixels inside a card found by three sides: an
/// identity document carries print (text lines, a portrait, an MRZ); a
/// brick, a tile or a blank card does not (a blank card is no document).
const THREE_SIDED_MIN_CONTENT: f32 = 0.03;
/// Least mean luma by which such a card is lighter inside its edged sides
/// than outside them.
const THREE_SIDED_MIN_LIGHTER: f32 = 10.0;
/// Most edge share on the side a three-sided card has lost.
const LOST_SIDE_MAX_SUPPORT: f32 = MIN_SIDE_SUPPORT;
/// Longest a card's side may run from the side between its corners, in
/// lengths of that side: a card's long side over its short one, with room.
const ASPECT_MAX_SIDE: f32 = 2.0;

#[cfg(test)]
mod tests {
    use super::*;

    /// The box-only share equals the whole map's, on print-like texture and
    /// smooth gradients, for quads inside, across and beyond the frame.
    #[test]
    fn edge_share_is_the_edge_maps_clutter() {
        let (w, h) = (97, 61);
        let mut seed = 99u32;
        let mut rnd = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            seed >> 24
        };
        let text: Vec<u8> = (0..w * h).map(|i| if rnd() % 5 == 0 || (i % w) % 13 < 2 { 30 } else { 210 }).collect();
        let ramp: Vec<u8> = (0..w * h).map(|i| ((i % w) * 2 + (i / w)) as u8).collect();
        let blobs: Vec<u8> = (0..w * h).map(|i| if ((i % w) / 9 + (i / w) / 7) % 3 == 0 { 60 } else { 180 }).collect();
        let quads = [
            [Pt { x: 10.0, y: 8.0 }, Pt { x: 80.0, y: 12.0 }, Pt { x: 78.0, y: 50.0 }, Pt { x: 12.0, y: 47.0 }],
            [Pt { x: -5.0, y: -3.0 }, Pt { x: 102.0, y: -1.0 }, Pt { x: 101.0, y: 66.0 }, Pt { x: -4.0, y: 64.0 }],
            [Pt { x: 40.0, y: 0.5 }, Pt { x: 96.5, y: 20.0 }, Pt { x: 70.0, y: 60.5 }, Pt { x: 20.0, y: 30.0 }],
            [Pt { x: 1.0, y: 1.0 }, Pt { x: 4.0, y: 1.0 }, Pt { x: 4.0, y: 3.0 }, Pt { x: 1.0, y: 3.0 }],
        ];
        for img in [&text, &ramp, &blobs] {
            for q in &quads {
                let a = edge_share(img, w, h, q);
                let b = clutter(&edges(img, w, h), q);
                assert_eq!(a, b, "{q:?}");
            }
            assert!(edge_share(img, w, h, &quads[0]) > 0.0 || std::ptr::eq(img, &ramp));
        }
    }

    #[test]
    fn lighter_inside_reads_either_winding() {
        // A light square (200) on a dark ground (50), corners both ways round.
        let (w, h) = (100, 100);
        let mut y = vec![50u8; w * h];
        for r in 30..70 {
            for c in 30..70 {
                y[r * w + c] = 200;
            }
        }
        let p = |x: f32, y: f32| Pt { x, y };
        let cw = [p(30.0, 70.0), p(70.0, 70.0), p(70.0, 30.0), p(30.0, 30.0)];
        let ccw = [p(70.0, 70.0), p(30.0, 70.0), p(30.0, 30.0), p(70.0, 30.0)];
        for q in [cw, ccw] {
            let d = lighter_inside(&y, w, h, &q);
            assert!((140.0..=150.0).contains(&d), "{d}");
        }
        // The negative: darker inside.
        let inv: Vec<u8> = y.iter().map(|v| 250 - v).collect();
        assert!(lighter_inside(&inv, w, h, &cw) < -140.0);
    }

    /// A gray frame with a lighter rotated card.
    fn card(w: usize, h: usize, (cx, cy): (f32, f32), long: f32, deg: f32, (bg, fg): (u8, u8)) -> Vec<u8> {
        let (c, s) = (deg.to_radians().cos(), deg.to_radians().sin());
        (0..w * h)
            .map(|i| {
                let (x, y) = ((i % w) as f32 - cx, (i / w) as f32 - cy);
                let (u, v) = (x * c + y * s, -x * s + y * c);
                if u.abs() < long / 2.0 && v.abs() < long / 1.586 / 2.0 {
                    fg
                } else {
                    bg
                }
            })
            .collect()
    }

    #[test]
    fn finds_a_rotated_card_with_little_contrast() {
        let f = card(640, 360, (320.0, 180.0), 380.0, 12.0, (150, 185));
        let q = find(&f, 640, 360);
        let best = q.first().expect("card outlined");
        assert!((best.aspect - 1.586).abs() < 0.12, "{}", best.aspect);
        assert_eq!(best.border_share, 0.0);
        assert!(best.support > 0.8);
    }

    #[test]
    fn a_card_cut_by_the_frame_uses_the_border() {
        let f = card(640, 360, (80.0, 180.0), 380.0, 0.0, (60, 200));
        let best = find(&f, 640, 360).into_iter().next().expect("partial card outlined");
        assert!(best.border_share > 0.1, "{}", best.border_share);
        assert!(best.border_sides.iter().any(|&b| b));
    }

    #[test]
    fn a_card_whose_side_lines_up_with_something_past_one_corner_is_found() {
        // A card (left side at x = 170, bottom at y = 240) and, below its
        // bottom-left corner, the straight left edge of something dark
        // running on in line with the card's side (a saucer's rim).
        let (w, h) = (640, 360);
        let mut f = card(w, h, (320.0, 145.0), 300.0, 0.0, (110, 215));
        for y in 250..h {
            for x in 170..260 {
                f[y * w + x] = 40;
            }
        }
        let q = find(&f, w, h);
        let first = q.first().expect("the card is found");
        assert_eq!(first.border_share, 0.0, "{:?}", first.quad);
        assert!((first.aspect - 1.586).abs() < 0.12, "{:?}", first.aspect);
        // The same edge run on past both corners (a table's edge) is not a card side.
        let mut g = card(w, h, (320.0, 145.0), 300.0, 0.0, (110, 215));
        for y in 0..h {
            for x in 0..170 {
                g[y * w + x] = 40;
            }
        }
        assert!(find(&g, w, h).first().is_none_or(|q| q.border_share > 0.0 || q.quad.iter().all(|p| p.x > 165.0)));
    }

    #[test]
    fn a_striped_cloth_and_a_table_edge_make_no_card() {
        // Vertical stripes over the lower two thirds, a plain wall above:
        // long lines in two directions, a rectangle nowhere.
        let (w, h) = (640, 360);
        let f: Vec<u8> = (0..w * h)
            .map(|i| {
                if i / w < 120 {
                    200
                } else if (i % w / 20) % 2 == 0 {
                    80
                } else {
                    150
                }
            })
            .collect();
        assert!(find(&f, w, h).is_empty(), "{:?}", find(&f, w, h).first().map(|q| q.quad));
    }

    #[test]
    fn hidden_share_of_a_cut_card() {
        let p = |x: f32, y: f32| Pt { x, y };
        // A 158.6 x 100 card whose lower 40 % is below the border (side 2).
        let q = [p(0., 0.), p(158.6, 0.), p(158.6, 60.), p(0., 60.)];
        let h = hidden_share(&q, &[false, false, true, false]);
        assert!((h - 0.4).abs() < 0.02, "{h}");
        assert_eq!(hidden_share(&q, &[false; 4]), 0.0);
        assert_eq!(hidden_share(&q, &[true, false, true, false]), 1.0);
        // Longer across than any card: not a whole card.
        let long = [p(0., 0.), p(50., 0.), p(50., 300.), p(0., 300.)];
        assert_eq!(hidden_share(&long, &[false, false, true, false]), 1.0);
    }

    #[test]
    fn a_flat_frame_has_no_outline() {
        assert!(find(&[128; 640 * 360], 640, 360).is_empty());
    }
}
