//! What makes a drawn map hard to read, counted on its shapes: pairs of flows that cross,
//! flows that pass through a node they do not join, labels on a node or on each other.
//! For tests, benchmarks and `loopmap arrange --report`.

use crate::geometry::{Layout, Point, Rect};
use crate::model::Document;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quality {
    /// Pairs of flows whose centre lines cross (once per pair), away from a node both
    /// join.
    pub crossings: usize,
    /// Flows whose centre line enters a node (its box less 2 points) that is neither end.
    pub through_nodes: usize,
    /// Labels that overlap a node or another label.
    pub overlapping_labels: usize,
    /// Flows whose label found no room (their amount is in the tooltip).
    pub unlabelled: usize,
}

pub fn measure(doc: &Document, layout: &Layout) -> Quality {
    let index = doc.node_index();
    let ends: Vec<Option<(usize, usize)>> = doc
        .flows
        .iter()
        .map(|f| Some((*index.get(f.from.as_str())?, *index.get(f.to.as_str())?)))
        .collect();
    let flows = &layout.flows;
    let mut q = Quality::default();
    for f in 0..flows.len() {
        for g in f + 1..flows.len() {
            if flows[f].bounds.intersects(&flows[g].bounds)
                && crosses(&flows[f].points, &flows[g].points, |p| {
                    shared_end(ends[f], ends[g]).any(|n| layout.nodes[n].expand(4.0).contains(p))
                })
            {
                q.crossings += 1;
            }
        }
    }
    for (f, shape) in flows.iter().enumerate() {
        let Some((a, b)) = ends[f] else { continue };
        let through = layout.nodes.iter().enumerate().any(|(n, r)| {
            n != a
                && n != b
                && shape.bounds.intersects(r)
                && shape
                    .points
                    .windows(2)
                    .any(|s| segment_meets_rect(s[0], s[1], &r.expand(-2.0)))
        });
        q.through_nodes += usize::from(through);
    }
    let labels: Vec<Rect> = flows.iter().filter_map(|s| s.label).collect();
    q.unlabelled = flows.len() - labels.len();
    for (i, l) in labels.iter().enumerate() {
        let on_node = layout.nodes.iter().any(|r| overlaps(l, r));
        let on_label = labels
            .iter()
            .enumerate()
            .any(|(j, m)| i != j && overlaps(l, m));
        q.overlapping_labels += usize::from(on_node || on_label);
    }
    q
}

fn shared_end(a: Option<(usize, usize)>, b: Option<(usize, usize)>) -> impl Iterator<Item = usize> {
    let (a, b) = (
        a.unwrap_or((usize::MAX, usize::MAX)),
        b.unwrap_or((usize::MAX - 1, usize::MAX - 1)),
    );
    [a.0, a.1]
        .into_iter()
        .filter(move |&n| n != usize::MAX && (n == b.0 || n == b.1))
}

/// Overlap by more than half a point both ways (touching is not overlapping).
fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.min.x.max(b.min.x) + 0.5 < a.max.x.min(b.max.x)
        && a.min.y.max(b.min.y) + 0.5 < a.max.y.min(b.max.y)
}

fn crosses(a: &[Point], b: &[Point], ignore: impl Fn(Point) -> bool) -> bool {
    // Only the segments of `a` that reach the box around `b`, against those of `b` whose
    // own box meets theirs.
    let within = |s: &[Point], r: &Rect| {
        s[0].x.min(s[1].x) <= r.max.x
            && r.min.x <= s[0].x.max(s[1].x)
            && s[0].y.min(s[1].y) <= r.max.y
            && r.min.y <= s[0].y.max(s[1].y)
    };
    let around_b = points_box(b);
    a.windows(2).filter(|s| within(s, &around_b)).any(|s| {
        let around_s = points_box(s);
        b.windows(2)
            .filter(|t| within(t, &around_s))
            .any(|t| segment_meeting(s[0], s[1], t[0], t[1]).is_some_and(|p| !ignore(p)))
    })
}

fn points_box(points: &[Point]) -> Rect {
    let mut r = Rect {
        min: points.first().copied().unwrap_or_default(),
        max: points.first().copied().unwrap_or_default(),
    };
    for p in points {
        r.min.x = r.min.x.min(p.x);
        r.min.y = r.min.y.min(p.y);
        r.max.x = r.max.x.max(p.x);
        r.max.y = r.max.y.max(p.y);
    }
    r
}

fn cross(o: Point, a: Point, b: Point) -> f64 {
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
}

/// Where two segments meet, ends included (a flow crossing another exactly at a corner
/// of its line crosses it too), unless they run parallel: as quality.py counts them.
fn segment_meeting(p1: Point, p2: Point, q1: Point, q2: Point) -> Option<Point> {
    let (r, s) = (
        Point::new(p2.x - p1.x, p2.y - p1.y),
        Point::new(q2.x - q1.x, q2.y - q1.y),
    );
    let den = r.x * s.y - r.y * s.x;
    if den.abs() < 1e-12 {
        return None;
    }
    let (qx, qy) = (q1.x - p1.x, q1.y - p1.y);
    let t = (qx * s.y - qy * s.x) / den;
    let u = (qx * r.y - qy * r.x) / den;
    let inside = |v: f64| (-1e-9..=1.0 + 1e-9).contains(&v);
    (inside(t) && inside(u)).then(|| Point::new(p1.x + t * r.x, p1.y + t * r.y))
}

/// Where two segments cross properly (not merely touch or run together).
fn segment_crossing(p1: Point, p2: Point, q1: Point, q2: Point) -> Option<Point> {
    let (d1, d2) = (cross(q1, q2, p1), cross(q1, q2, p2));
    let (d3, d4) = (cross(p1, p2, q1), cross(p1, p2, q2));
    if d1 * d2 < 0.0 && d3 * d4 < 0.0 {
        let t = d1 / (d1 - d2);
        Some(Point::new(
            p1.x + t * (p2.x - p1.x),
            p1.y + t * (p2.y - p1.y),
        ))
    } else {
        None
    }
}

fn segment_meets_rect(a: Point, b: Point, r: &Rect) -> bool {
    if r.max.x <= r.min.x || r.max.y <= r.min.y {
        return false;
    }
    if r.contains(a) || r.contains(b) {
        return true;
    }
    let corners = [
        r.min,
        Point::new(r.max.x, r.min.y),
        r.max,
        Point::new(r.min.x, r.max.y),
    ];
    (0..4).any(|i| segment_crossing(a, b, corners[i], corners[(i + 1) % 4]).is_some())
}
