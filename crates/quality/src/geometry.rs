//! Planar geometry for the document locator: convex hull (Andrew's monotone
//! chain, A. M. Andrew, "Another efficient algorithm for convex hulls in two
//! dimensions", IPL 1979) and the minimum-area enclosing rectangle by rotating
//! the frame to each hull edge (H. Freeman & R. Shapira, "Determining the
//! minimum-area encasing rectangle for an arbitrary closed curve", CACM 1975).

use serde::Serialize;

/// A point in pixel coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Pt {
    pub x: f32,
    pub y: f32,
}

fn cross(o: Pt, a: Pt, b: Pt) -> f32 {
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
}

/// Convex hull, counter-clockwise in a y-down frame's mathematical sense,
/// without collinear points. Fewer than 3 distinct points give them back.
pub fn convex_hull(mut pts: Vec<Pt>) -> Vec<Pt> {
    pts.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let mut lower: Vec<Pt> = Vec::with_capacity(pts.len());
    for &p in &pts {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], p) <= 0.0 {
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<Pt> = Vec::with_capacity(pts.len());
    for &p in pts.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], p) <= 0.0 {
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

/// Shoelace area of a simple polygon.
pub fn polygon_area(poly: &[Pt]) -> f32 {
    if poly.len() < 3 {
        return 0.0;
    }
    let mut s = 0.0;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
        s += a.x * b.y - b.x * a.y;
    }
    s.abs() / 2.0
}

/// An oriented rectangle.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Rect {
    pub center: Pt,
    /// Unit vector along the long side.
    pub axis: Pt,
    pub long: f32,
    pub short: f32,
}

impl Rect {
    pub fn area(&self) -> f32 {
        self.long * self.short
    }

    pub fn aspect(&self) -> f32 {
        if self.short <= 0.0 {
            f32::INFINITY
        } else {
            self.long / self.short
        }
    }
}

/// Minimum-area rectangle enclosing a convex hull: one of its sides is
/// collinear with a hull edge, so trying every edge direction is exact.
pub fn min_area_rect(hull: &[Pt]) -> Option<Rect> {
    if hull.len() < 3 {
        return None;
    }
    let mut best: Option<(f32, Rect)> = None;
    for i in 0..hull.len() {
        let (a, b) = (hull[i], hull[(i + 1) % hull.len()]);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1e-6 {
            continue;
        }
        let (ux, uy) = (dx / len, dy / len);
        let (mut min_u, mut max_u, mut min_v, mut max_v) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in hull {
            let u = p.x * ux + p.y * uy;
            let v = -p.x * uy + p.y * ux;
            min_u = min_u.min(u);
            max_u = max_u.max(u);
            min_v = min_v.min(v);
            max_v = max_v.max(v);
        }
        let (du, dv) = (max_u - min_u, max_v - min_v);
        let area = du * dv;
        if best.as_ref().is_none_or(|(a, _)| area < *a) {
            let (cu, cv) = ((min_u + max_u) / 2.0, (min_v + max_v) / 2.0);
            let center = Pt { x: cu * ux - cv * uy, y: cu * uy + cv * ux };
            let rect = if du >= dv {
                Rect { center, axis: Pt { x: ux, y: uy }, long: du, short: dv }
            } else {
                Rect { center, axis: Pt { x: -uy, y: ux }, long: dv, short: du }
            };
            best = Some((area, rect));
        }
    }
    best.map(|(_, r)| r)
}

/// The four hull points most extreme along the rectangle's diagonals: a
/// quadrilateral that follows a card seen in perspective (a trapezoid) more
/// closely than its bounding rectangle does. Order: around the shape.
pub fn quad_from_hull(hull: &[Pt], rect: &Rect) -> [Pt; 4] {
    let (ux, uy) = (rect.axis.x, rect.axis.y);
    let dirs = [(1.0, 1.0), (1.0, -1.0), (-1.0, -1.0), (-1.0, 1.0)];
    let mut quad = [rect.center; 4];
    for (k, (su, sv)) in dirs.iter().enumerate() {
        let mut best = f32::MIN;
        for p in hull {
            let (x, y) = (p.x - rect.center.x, p.y - rect.center.y);
            let u = (x * ux + y * uy) / rect.long.max(1.0);
            let v = (-x * uy + y * ux) / rect.short.max(1.0);
            let s = su * u + sv * v;
            if s > best {
                best = s;
                quad[k] = *p;
            }
        }
    }
    quad
}

/// A convex quadrilateral shrunk towards its centroid by `factor` (0..1].
pub fn shrink(quad: &[Pt; 4], factor: f32) -> [Pt; 4] {
    let cx = quad.iter().map(|p| p.x).sum::<f32>() / 4.0;
    let cy = quad.iter().map(|p| p.y).sum::<f32>() / 4.0;
    quad.map(|p| Pt { x: cx + (p.x - cx) * factor, y: cy + (p.y - cy) * factor })
}

/// Whether `p` lies inside a convex polygon given in either orientation.
pub fn inside_convex(poly: &[Pt], p: Pt) -> bool {
    let mut sign = 0i8;
    for i in 0..poly.len() {
        let c = cross(poly[i], poly[(i + 1) % poly.len()], p);
        let s = if c > 0.0 {
            1
        } else if c < 0.0 {
            -1
        } else {
            0
        };
        if s != 0 {
            if sign == 0 {
                sign = s;
            } else if s != sign {
                return false;
            }
        }
    }
    true
}

/// Axis-aligned bounds of points, clamped to `w x h`: (x0, y0, x1, y1), exclusive ends.
pub fn bounds(pts: &[Pt], w: usize, h: usize) -> (usize, usize, usize, usize) {
    let clampx = |v: f32| (v.max(0.0) as usize).min(w);
    let clampy = |v: f32| (v.max(0.0) as usize).min(h);
    let x0 = clampx(pts.iter().map(|p| p.x).fold(f32::MAX, f32::min).floor());
    let y0 = clampy(pts.iter().map(|p| p.y).fold(f32::MAX, f32::min).floor());
    let x1 = clampx(pts.iter().map(|p| p.x).fold(f32::MIN, f32::max).ceil() + 1.0);
    let y1 = clampy(pts.iter().map(|p| p.y).fold(f32::MIN, f32::max).ceil() + 1.0);
    (x0, y0, x1.max(x0), y1.max(y0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f32, y: f32) -> Pt {
        Pt { x, y }
    }

    #[test]
    fn hull_of_square_with_inner_points() {
        let pts = vec![p(0., 0.), p(4., 0.), p(4., 4.), p(0., 4.), p(2., 2.), p(1., 3.), p(2., 0.)];
        let h = convex_hull(pts);
        assert_eq!(h.len(), 4);
        assert_eq!(polygon_area(&h), 16.0);
    }

    #[test]
    fn min_rect_of_rotated_rectangle() {
        // A 10 x 4 rectangle rotated by 30 degrees.
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        let pts: Vec<Pt> =
            [(0., 0.), (10., 0.), (10., 4.), (0., 4.)].iter().map(|&(x, y)| p(x * c - y * s, x * s + y * c)).collect();
        let r = min_area_rect(&convex_hull(pts)).unwrap();
        assert!((r.long - 10.0).abs() < 1e-3 && (r.short - 4.0).abs() < 1e-3);
        assert!((r.aspect() - 2.5).abs() < 1e-3);
    }

    #[test]
    fn inside_and_shrink() {
        let q = [p(0., 0.), p(10., 0.), p(10., 10.), p(0., 10.)];
        assert!(inside_convex(&q, p(5., 5.)));
        assert!(!inside_convex(&q, p(11., 5.)));
        let s = shrink(&q, 0.5);
        assert!(!inside_convex(&s, p(1., 1.)));
        assert!(inside_convex(&s, p(4., 6.)));
    }
}
