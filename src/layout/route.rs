//! Flows, loops and labels for any node positions (arranged, or moved by hand): what the
//! canvas and the exports draw. Columns are read off the positions (nodes whose boxes
//! overlap in x share one). A forward flow to a later column runs through a free gap of
//! every column it crosses, chosen for the fewest crossings (on a small map) and the least
//! climbing; a flow back to the same or an earlier column is a reverse loop: out of the
//! right side, down (or up) into the channel, back along it and in at the left. Loops nest
//! by span, shortest innermost, each on the side (under or over the chain) where its legs
//! cross fewer flows; a loop between nodes of the same or neighbouring columns goes the
//! short way, through a free gap beside its ends, when there is one. With `Drawing::stubs`, a
//! residue into a sink many stages share, from a stage far upstream of it, ends in a short
//! stub beside the stage instead. Curves are kept as curves (`kurbo`) and flattened once for
//! drawing and hit tests.

use std::collections::BTreeMap;

use kurbo::{BezPath, PathEl};

use crate::geometry::{self, FlowShape, Layout, MIN_WIDTH, Point, Rect};
use crate::model::Document;

/// Run out of a node's side before a loop turns.
pub const TURN: f64 = 16.0;
/// Between loops side by side.
pub const LANE_SEP: f64 = 6.0;
/// Between the lowest (or highest) node and the innermost loop.
const CLEARANCE: f64 = 24.0;
/// Between a node and a flow passing it.
const MARGIN: f64 = 6.0;
/// Between flows stacked in one gap.
const STACK_GAP: f64 = 4.0;

/// Which channel a loop runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Below,
    Above,
}

/// Channel side and lane (0 nearest the chain) of loops spanning the column gaps
/// `(enter, leave)`: gap `g` lies before column `g`, a loop into column `a` from column
/// `b` spans `(a, b + 1)`. `legs` counts, per loop, the flows its two legs would cross in
/// the channel below and in the one above. Each loop takes the side where its legs and the
/// loops already there whose spans interleave with its own (a pair that crosses once)
/// cross it least, its `preferred` side on a tie. Shorter spans are placed first, so they
/// lie inside. Also returns how many crossings the loops make that way.
pub fn nest(
    spans: &[(usize, usize)],
    preferred: &[Side],
    legs: &[(f64, f64)],
) -> (Vec<(Side, usize)>, f64) {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| (spans[i].1.saturating_sub(spans[i].0), spans[i].0, i));
    let interleave = |i: usize, j: usize| {
        let ((a1, b1), (a2, b2)) = (spans[i], spans[j]);
        (a1 < a2 && a2 < b1 && b1 < b2) || (a2 < a1 && a1 < b2 && b2 < b1)
    };
    let overlap = |i: usize, j: usize| spans[i].0 < spans[j].1 && spans[j].0 < spans[i].1;
    let mut out = vec![(Side::Below, 0usize); spans.len()];
    let mut placed: Vec<usize> = Vec::with_capacity(spans.len());
    let mut total = 0.0;
    for &i in &order {
        let (below, above) = legs.get(i).copied().unwrap_or((0.0, 0.0));
        let cost = |side: Side| {
            let clashes = placed
                .iter()
                .filter(|&&j| out[j].0 == side && interleave(i, j))
                .count();
            clashes as f64
                + match side {
                    Side::Below => below,
                    Side::Above => above,
                }
        };
        let want = preferred.get(i).copied().unwrap_or(Side::Below);
        let other = match want {
            Side::Below => Side::Above,
            Side::Above => Side::Below,
        };
        let (side, c) = if cost(other) < cost(want) - 1e-9 {
            (other, cost(other))
        } else {
            (want, cost(want))
        };
        total += c;
        let lane = placed
            .iter()
            .filter(|&&j| out[j].0 == side && overlap(i, j))
            .map(|&j| out[j].1 + 1)
            .max()
            .unwrap_or(0);
        out[i] = (side, lane);
        placed.push(i);
    }
    (out, total)
}

/// The channel nearer to a loop's two ends: `rank` of each end among the nodes of its
/// column (0 at the top) out of `count`.
pub fn nearer_side(from: (usize, usize), to: (usize, usize)) -> Side {
    let (rf, nf) = from;
    let (rt, nt) = to;
    if 2 * (rf + rt) + 2 < nf + nt {
        Side::Above
    } else {
        Side::Below
    }
}

/// Nodes whose boxes overlap in x, left to right.
struct Column {
    min_x: f64,
    max_x: f64,
    /// Top to bottom.
    members: Vec<usize>,
}

fn columns(nodes: &[Rect]) -> (Vec<Column>, Vec<usize>) {
    let mut by_x: Vec<usize> = (0..nodes.len()).collect();
    by_x.sort_by(|&a, &b| nodes[a].min.x.total_cmp(&nodes[b].min.x).then(a.cmp(&b)));
    let mut cols: Vec<Column> = Vec::new();
    let mut col = vec![0; nodes.len()];
    for n in by_x {
        let r = nodes[n];
        match cols.last_mut() {
            Some(c) if r.min.x < c.max_x => {
                c.max_x = c.max_x.max(r.max.x);
                c.members.push(n);
            }
            _ => cols.push(Column {
                min_x: r.min.x,
                max_x: r.max.x,
                members: vec![n],
            }),
        }
        col[n] = cols.len() - 1;
    }
    for c in &mut cols {
        c.members.sort_by(|&a, &b| {
            nodes[a]
                .center()
                .y
                .total_cmp(&nodes[b].center().y)
                .then(a.cmp(&b))
        });
    }
    (cols, col)
}

/// Free space between two nodes of a column (or above the top one, below the bottom one).
#[derive(Clone, Copy, Debug)]
struct Gap {
    lo: f64,
    hi: f64,
    used: f64,
}

impl Gap {
    fn fits(&self, w: f64) -> bool {
        self.hi - self.lo - self.used >= w
    }

    fn preferred(&self, y: f64, w: f64) -> f64 {
        y.max(self.lo + w / 2.0).min(self.hi - w / 2.0)
    }
}

fn column_gaps(col: &Column, nodes: &[Rect]) -> Vec<Gap> {
    let mut gaps = Vec::with_capacity(col.members.len() + 1);
    let mut lo = f64::NEG_INFINITY;
    for &n in &col.members {
        gaps.push(Gap {
            lo,
            hi: nodes[n].min.y - MARGIN,
            used: 0.0,
        });
        lo = lo.max(nodes[n].max.y + MARGIN);
    }
    gaps.push(Gap {
        lo,
        hi: f64::INFINITY,
        used: 0.0,
    });
    gaps
}

/// The gaps a flow from height `y0` to `y1` takes through columns `first..=last` (with
/// their centres `xs`): the least total climb, by dynamic programming over the gaps of
/// each column (the cost |Δy| is minimised in linear time per column, as the candidate
/// heights are sorted).
fn cheapest_route(
    gaps: &[Vec<Gap>],
    first: usize,
    xs: &[f64],
    (x0, y0): (f64, f64),
    (x1, y1): (f64, f64),
    w: f64,
) -> Vec<(usize, f64)> {
    let mut states: Vec<Vec<(usize, f64)>> = Vec::with_capacity(xs.len());
    let mut backs: Vec<Vec<usize>> = Vec::with_capacity(xs.len());
    let mut cost: Vec<f64> = Vec::new();
    for (k, &x) in xs.iter().enumerate() {
        let here = places(&gaps[first + k], x, (x0, y0), (x1, y1), w);
        if k == 0 {
            cost = here.iter().map(|&(_, y)| (y - y0).abs()).collect();
            backs.push(vec![0; here.len()]);
        } else {
            let prev = &states[k - 1];
            let mut next_cost = vec![f64::INFINITY; here.len()];
            let mut back = vec![0; here.len()];
            let mut best = (f64::INFINITY, 0);
            let mut i = 0;
            for (j, &(_, y)) in here.iter().enumerate() {
                while i < prev.len() && prev[i].1 <= y {
                    if cost[i] - prev[i].1 < best.0 {
                        best = (cost[i] - prev[i].1, i);
                    }
                    i += 1;
                }
                if best.0 + y < next_cost[j] {
                    next_cost[j] = best.0 + y;
                    back[j] = best.1;
                }
            }
            let mut best = (f64::INFINITY, 0);
            let mut i = prev.len();
            for j in (0..here.len()).rev() {
                let y = here[j].1;
                while i > 0 && prev[i - 1].1 >= y {
                    i -= 1;
                    if cost[i] + prev[i].1 < best.0 {
                        best = (cost[i] + prev[i].1, i);
                    }
                }
                if best.0 - y < next_cost[j] {
                    next_cost[j] = best.0 - y;
                    back[j] = best.1;
                }
            }
            cost = next_cost;
            backs.push(back);
        }
        states.push(here);
    }
    let Some(last) = states.last() else {
        return Vec::new();
    };
    let at = (0..last.len())
        .min_by(|&a, &b| {
            (cost[a] + (last[a].1 - y1).abs()).total_cmp(&(cost[b] + (last[b].1 - y1).abs()))
        })
        .unwrap_or(0);
    walk_back(&states, &backs, at, y0)
}

/// The gaps of one column (centre `x`) a flow `w` wide fits, each with the height the
/// flow takes in it: as near the straight line from `(x0, y0)` to `(x1, y1)` as it allows.
fn places(
    gaps: &[Gap],
    x: f64,
    (x0, y0): (f64, f64),
    (x1, y1): (f64, f64),
    w: f64,
) -> Vec<(usize, f64)> {
    let t = if x1 > x0 { (x - x0) / (x1 - x0) } else { 0.5 };
    let line = y0 + t * (y1 - y0);
    gaps.iter()
        .enumerate()
        .filter(|(_, g)| g.fits(w))
        .map(|(i, g)| (i, g.preferred(line, w)))
        .collect()
}

/// The route a dynamic programme chose: from the state `at` of the last column, back
/// along `backs` to the first (a missing state falls back to the start height `y0`).
fn walk_back(
    states: &[Vec<(usize, f64)>],
    backs: &[Vec<usize>],
    mut at: usize,
    y0: f64,
) -> Vec<(usize, f64)> {
    let mut route = vec![(0, 0.0); states.len()];
    for k in (0..states.len()).rev() {
        route[k] = states[k].get(at).copied().unwrap_or((0, y0));
        at = backs[k].get(at).copied().unwrap_or(0);
    }
    route
}

/// Up to this many nodes, long flows are routed for the fewest crossings (then the least
/// climb) instead of the least climb alone: that costs a comparison of every pair of gaps
/// in neighbouring columns, which a small map affords.
const SMALL_MAP: usize = 200;
/// How much climb (canvas points) a route gives to cross one flow fewer.
const CROSSING_COST: f64 = 150.0;

/// Like `cheapest_route`, but each step also counts the flows it crosses: `between[c]`
/// holds the heights (left, right) of the flows already known between column `c` and
/// column `c + 1`.
fn fewest_crossings_route(
    gaps: &[Vec<Gap>],
    first: usize,
    xs: &[f64],
    (x0, y0): (f64, f64),
    (x1, y1): (f64, f64),
    w: f64,
    between: &[Vec<(f64, f64)>],
) -> Vec<(usize, f64)> {
    let crossed = |c: usize, from: f64, to: f64| -> f64 {
        between.get(c).map_or(0, |list| {
            list.iter()
                .filter(|&&(l, r)| (l - from) * (r - to) < 0.0)
                .count()
        }) as f64
    };
    let mut states: Vec<Vec<(usize, f64)>> = Vec::with_capacity(xs.len());
    let mut backs: Vec<Vec<usize>> = Vec::with_capacity(xs.len());
    let mut cost: Vec<f64> = Vec::new();
    for (k, &x) in xs.iter().enumerate() {
        let here = places(&gaps[first + k], x, (x0, y0), (x1, y1), w);
        // Steps from the column before (the from node's, for the first).
        let c = first + k - 1;
        if k == 0 {
            cost = here
                .iter()
                .map(|&(_, y)| (y - y0).abs() + CROSSING_COST * crossed(c, y0, y))
                .collect();
            backs.push(vec![0; here.len()]);
        } else {
            let prev = &states[k - 1];
            let mut next_cost = vec![f64::INFINITY; here.len()];
            let mut back = vec![0; here.len()];
            for (j, &(_, y)) in here.iter().enumerate() {
                for (i, &(_, py)) in prev.iter().enumerate() {
                    let step = cost[i] + (y - py).abs() + CROSSING_COST * crossed(c, py, y);
                    if step < next_cost[j] {
                        next_cost[j] = step;
                        back[j] = i;
                    }
                }
            }
            cost = next_cost;
            backs.push(back);
        }
        states.push(here);
    }
    let Some(last) = states.last() else {
        return Vec::new();
    };
    let c = first + xs.len() - 1;
    let end_cost =
        |i: usize| cost[i] + (last[i].1 - y1).abs() + CROSSING_COST * crossed(c, last[i].1, y1);
    let at = (0..last.len())
        .min_by(|&a, &b| end_cost(a).total_cmp(&end_cost(b)))
        .unwrap_or(0);
    walk_back(&states, &backs, at, y0)
}

/// A polyline with rounded corners: a quarter turn of radius up to `radius` at each
/// inner point.
fn rounded(points: &[Point], radius: f64) -> BezPath {
    let mut path = BezPath::new();
    let k = |p: Point| kurbo::Point::new(p.x, p.y);
    path.move_to(k(points[0]));
    for i in 1..points.len().saturating_sub(1) {
        let (a, p, b) = (points[i - 1], points[i], points[i + 1]);
        let (la, lb) = (dist(a, p), dist(p, b));
        let r = radius.min(la / 2.0).min(lb / 2.0);
        if r <= 0.01 {
            path.line_to(k(p));
            continue;
        }
        let before = Point::new(p.x + (a.x - p.x) * r / la, p.y + (a.y - p.y) * r / la);
        let after = Point::new(p.x + (b.x - p.x) * r / lb, p.y + (b.y - p.y) * r / lb);
        path.line_to(k(before));
        path.quad_to(k(p), k(after));
    }
    if let Some(&last) = points.last() {
        path.line_to(k(last));
    }
    path
}

fn dist(a: Point, b: Point) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// The points to draw a path with: each curve sampled evenly, a point about every 12
/// canvas points of its control polygon, so a map of thousands of flows stays light to
/// draw (kurbo's adaptive flattening can produce NaN at a cusp).
fn flatten(path: &BezPath) -> Vec<Point> {
    use kurbo::{CubicBez, ParamCurve, QuadBez};
    let mut points: Vec<Point> = Vec::new();
    let mut at = kurbo::Point::ZERO;
    let steps = |length: f64| ((length / 12.0).ceil() as usize).clamp(2, 20);
    let mut push = |p: kurbo::Point| points.push(Point::new(p.x, p.y));
    for el in path.elements() {
        match *el {
            PathEl::MoveTo(p) | PathEl::LineTo(p) => {
                push(p);
                at = p;
            }
            PathEl::QuadTo(a, b) => {
                let n = steps(at.distance(a) + a.distance(b));
                let q = QuadBez::new(at, a, b);
                (1..=n).for_each(|i| push(q.eval(i as f64 / n as f64)));
                at = b;
            }
            PathEl::CurveTo(a, b, c) => {
                let n = steps(at.distance(a) + a.distance(b) + b.distance(c));
                let q = CubicBez::new(at, a, b, c);
                (1..=n).for_each(|i| push(q.eval(i as f64 / n as f64)));
                at = c;
            }
            PathEl::ClosePath => {}
        }
    }
    if points.len() < 2 {
        let p = points.first().copied().unwrap_or_default();
        points = vec![p, p];
    }
    points
}

/// The point halfway along a polyline.
pub fn halfway(points: &[Point]) -> Point {
    point_along(points, 0.5)
}

/// The point a fraction `t` of the way along a polyline.
pub fn point_along(points: &[Point], t: f64) -> Point {
    let total: f64 = points.windows(2).map(|w| dist(w[0], w[1])).sum();
    let mut left = total * t;
    for w in points.windows(2) {
        let d = dist(w[0], w[1]);
        if d >= left && d > 0.0 {
            let u = left / d;
            return Point::new(
                w[0].x + u * (w[1].x - w[0].x),
                w[0].y + u * (w[1].y - w[0].y),
            );
        }
        left -= d;
    }
    points.last().copied().unwrap_or_default()
}

/// How a map is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Drawing {
    /// Flows as wide as their amounts (false: every flow at the minimum width).
    pub sankey: bool,
    /// Residues into a sink many processes share, from a process far upstream of it, end
    /// in a short stub beside the process (`FlowShape::stub`).
    pub stubs: bool,
}

impl Drawing {
    /// A Sankey diagram with every flow drawn to its end.
    pub const SANKEY: Drawing = Drawing {
        sankey: true,
        stubs: false,
    };
}

/// Lays out a map as drawn: boxes, flow and loop paths, labels and pins. `amounts` are the
/// solved flow amounts (for widths and labels). The steps, in order, one function each.
pub fn shapes(doc: &Document, amounts: &[Option<f64>], drawing: Drawing) -> Layout {
    let frame = Frame::new(doc, amounts, drawing);
    let mut routes = forward_routes(&frame);
    stack_shared_gaps(&frame, &mut routes);
    let channels = loop_channels(&frame, &routes);
    let ports = ports(&frame, &routes, &channels);
    let turns = loop_turns(&frame, &channels);
    let depths = channel_depths(&frame, &routes, &channels);
    let mut flows: Vec<FlowShape> = (0..frame.widths.len())
        .map(|f| flow_path(&frame, f, &routes, &channels, &ports, &turns, &depths))
        .collect();
    label_places(doc, amounts, &frame, &mut flows);
    let pins = geometry::pin_positions(doc, &frame.index, &frame.nodes, &flows);
    Layout {
        nodes: frame.nodes,
        flows,
        pins,
    }
}

/// What every step reads: the node boxes, the flows' widths and ends, the columns.
struct Frame<'a> {
    nodes: Vec<Rect>,
    index: foldhash::HashMap<&'a str, usize>,
    widths: Vec<f64>,
    /// Each flow's (from, to) nodes; none for a flow on a missing node or onto itself.
    ends: Vec<Option<(usize, usize)>>,
    /// Per flow: the sink it ends in a stub of, if it is drawn as a stub.
    stub: Vec<Option<usize>>,
    cols: Vec<Column>,
    /// Each node's column.
    col: Vec<usize>,
}

impl<'a> Frame<'a> {
    fn new(doc: &'a Document, amounts: &[Option<f64>], drawing: Drawing) -> Self {
        let nodes: Vec<Rect> = doc
            .nodes
            .iter()
            .map(|n| geometry::node_rect(n.pos))
            .collect();
        let index = doc.node_index();
        let largest = amounts.iter().flatten().fold(0.0f64, |m, a| m.max(*a));
        let widths: Vec<f64> = (0..doc.flows.len())
            .map(|f| {
                if drawing.sankey {
                    geometry::flow_width(amounts.get(f).copied().flatten(), largest)
                } else {
                    MIN_WIDTH * 1.5
                }
            })
            .collect();
        let ends: Vec<Option<(usize, usize)>> = doc
            .flows
            .iter()
            .map(|f| {
                let a = *index.get(f.from.as_str())?;
                let b = *index.get(f.to.as_str())?;
                (a != b).then_some((a, b))
            })
            .collect();
        let (cols, col) = columns(&nodes);
        let stub = if drawing.stubs {
            stubs(doc, &ends, &col)
        } else {
            vec![None; ends.len()]
        };
        Frame {
            nodes,
            index,
            widths,
            ends,
            stub,
            cols,
            col,
        }
    }

    /// A flow back to the same or an earlier column (and not drawn as a stub).
    fn is_loop(&self, f: usize) -> bool {
        self.stub[f].is_none() && self.ends[f].is_some_and(|(a, b)| self.col[b] <= self.col[a])
    }

    /// A forward flow past at least one column (and not drawn as a stub).
    fn is_long(&self, f: usize) -> bool {
        self.stub[f].is_none() && self.ends[f].is_some_and(|(a, b)| self.col[b] > self.col[a] + 1)
    }

    /// A node's place in its column (0 at the top) and how many the column holds.
    fn rank(&self, n: usize) -> (usize, usize) {
        let members = &self.cols[self.col[n]].members;
        (
            members.iter().position(|&m| m == n).unwrap_or(0),
            members.len(),
        )
    }
}

/// Sinks (waste, export) with inflows from at least this many nodes are shared.
const SHARED_SINK: usize = 3;
/// How far a stub runs out of its node.
const STUB_LENGTH: f64 = 40.0;

/// The flows drawn as stubs: into a shared sink from a node not in the column before it
/// (they would cross the map), each with its sink.
fn stubs(doc: &Document, ends: &[Option<(usize, usize)>], col: &[usize]) -> Vec<Option<usize>> {
    let mut pairs: Vec<(usize, usize)> = ends.iter().flatten().map(|&(a, b)| (b, a)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut sources = vec![0usize; doc.nodes.len()];
    for &(b, _) in &pairs {
        sources[b] += 1;
    }
    let sink = |b: usize| !doc.nodes[b].kind.gives_outflows() && sources[b] >= SHARED_SINK;
    ends.iter()
        .map(|e| {
            let (a, b) = (*e)?;
            (sink(b) && col[b] != col[a] + 1).then_some(b)
        })
        .collect()
}

/// Where the long forward flows cross the columns between their ends.
struct Routes {
    /// Per flow: (column, gap, preferred height) for each column crossed.
    via: Vec<Vec<(usize, usize, f64)>>,
    /// Per flow: the height it takes in each, once stacked with the others in its gap.
    via_y: Vec<Vec<f64>>,
    gaps: Vec<Vec<Gap>>,
}

/// Long forward flows: a gap in every column they cross, widest flows first. On a small
/// map each is routed past the flows already known where it crosses fewest; on a large
/// one, where it climbs least.
fn forward_routes(frame: &Frame<'_>) -> Routes {
    let Frame {
        nodes,
        widths,
        ends,
        cols,
        col,
        ..
    } = frame;
    let flow_count = widths.len();
    let mut gaps: Vec<Vec<Gap>> = cols.iter().map(|c| column_gaps(c, nodes)).collect();
    let centre_x: Vec<f64> = cols.iter().map(|c| (c.min_x + c.max_x) / 2.0).collect();
    let mut long: Vec<usize> = (0..flow_count).filter(|&f| frame.is_long(f)).collect();
    long.sort_by(|&f, &g| widths[g].total_cmp(&widths[f]).then(f.cmp(&g)));
    let mut via: Vec<Vec<(usize, usize, f64)>> = vec![Vec::new(); flow_count];
    // On a small map, the heights of the flows between neighbouring columns, so that a
    // long flow can pass them where it crosses fewest: the short flows, then each long
    // flow once routed.
    let small = nodes.len() <= SMALL_MAP;
    let mut between: Vec<Vec<(f64, f64)>> = vec![Vec::new(); cols.len()];
    if small {
        for &(a, b) in ends.iter().flatten() {
            if col[b] == col[a] + 1 {
                between[col[a]].push((nodes[a].center().y, nodes[b].center().y));
            }
        }
    }
    for &f in &long {
        let Some((a, b)) = ends[f] else { continue };
        let (ca, cb) = (col[a], col[b]);
        let (start, end) = (
            (centre_x[ca], nodes[a].center().y),
            (centre_x[cb], nodes[b].center().y),
        );
        let xs = &centre_x[ca + 1..cb];
        let route = if small {
            fewest_crossings_route(&gaps, ca + 1, xs, start, end, widths[f], &between)
        } else {
            cheapest_route(&gaps, ca + 1, xs, start, end, widths[f])
        };
        for (k, &(g, y)) in route.iter().enumerate() {
            gaps[ca + 1 + k][g].used += widths[f] + STACK_GAP;
            via[f].push((ca + 1 + k, g, y));
        }
        if small {
            let heights: Vec<f64> = std::iter::once(start.1)
                .chain(route.iter().map(|&(_, y)| y))
                .chain(std::iter::once(end.1))
                .collect();
            for (k, pair) in heights.windows(2).enumerate() {
                between[ca + k].push((pair[0], pair[1]));
            }
        }
    }
    let via_y = via
        .iter()
        .map(|s| s.iter().map(|v| v.2).collect())
        .collect();
    Routes { via, via_y, gaps }
}

/// Flows sharing a gap are stacked in the order of where they come from and go to.
fn stack_shared_gaps(frame: &Frame<'_>, routes: &mut Routes) {
    let Frame {
        nodes,
        widths,
        ends,
        ..
    } = frame;
    let Routes { via, via_y, gaps } = routes;
    let mut sharing: BTreeMap<(usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
    for (f, steps) in via.iter().enumerate() {
        for (k, &(c, g, _)) in steps.iter().enumerate() {
            sharing.entry((c, g)).or_default().push((f, k));
        }
    }
    let neighbour_y = |f: usize, k: usize, before: bool| -> f64 {
        let (a, b) = ends[f].unwrap_or((0, 0));
        match (before, k) {
            (true, 0) => nodes[a].center().y,
            (true, k) => via[f][k - 1].2,
            (false, k) if k + 1 < via[f].len() => via[f][k + 1].2,
            (false, _) => nodes[b].center().y,
        }
    };
    for ((c, g), mut members) in sharing {
        members.sort_by(|&(f, k), &(h, j)| {
            neighbour_y(f, k, true)
                .total_cmp(&neighbour_y(h, j, true))
                .then(neighbour_y(f, k, false).total_cmp(&neighbour_y(h, j, false)))
                .then(f.cmp(&h))
        });
        let gap = gaps[c][g];
        let total: f64 = members
            .iter()
            .map(|&(f, _)| widths[f] + STACK_GAP)
            .sum::<f64>()
            - STACK_GAP;
        let centre: f64 =
            members.iter().map(|&(f, k)| via[f][k].2).sum::<f64>() / members.len() as f64;
        let start = (centre - total / 2.0).min(gap.hi - total).max(gap.lo);
        let mut at = start;
        for &(f, k) in &members {
            via_y[f][k] = at + widths[f] / 2.0;
            at += widths[f] + STACK_GAP;
        }
    }
}

/// The reverse loops, each with its span of column gaps and its channel side and lane.
struct Channels {
    loops: Vec<usize>,
    /// Per loop (in the order of `loops`): the gaps it turns in, `(enter, leave)`.
    spans: Vec<(usize, usize)>,
    /// Per flow: its channel side and lane, if it is a loop.
    lane_of: Vec<Option<(Side, usize)>>,
    /// Per flow: the height a loop between neighbouring nodes runs back at, when it goes
    /// the short way (`short_way`) rather than through the channel.
    short: Vec<Option<f64>>,
}

/// Loop channels: each loop on the side where its legs cross fewer forward flows (the
/// side nearer its ends on a tie), nested by span.
fn loop_channels(frame: &Frame<'_>, routes: &Routes) -> Channels {
    let Frame {
        nodes,
        ends,
        cols,
        col,
        ..
    } = frame;
    let flow_count = ends.len();
    let loops: Vec<usize> = (0..flow_count).filter(|&f| frame.is_loop(f)).collect();
    let spans: Vec<(usize, usize)> = loops
        .iter()
        .map(|&f| {
            let (a, b) = ends[f].unwrap_or((0, 0));
            (col[b], col[a] + 1)
        })
        .collect();
    // Where each forward flow crosses the gap after a column and the gap before one: its
    // height there (at its from node or waypoint; at its to node or waypoint).
    let mut leaving: Vec<Vec<f64>> = vec![Vec::new(); cols.len()];
    let mut entering: Vec<Vec<f64>> = vec![Vec::new(); cols.len()];
    for (f, e) in ends.iter().enumerate() {
        let Some((a, b)) = *e else { continue };
        if col[b] <= col[a] || frame.stub[f].is_some() {
            continue;
        }
        leaving[col[a]].push(nodes[a].center().y);
        entering[col[b]].push(nodes[b].center().y);
        for (&(c, _, _), &y) in routes.via[f].iter().zip(&routes.via_y[f]) {
            leaving[c].push(y);
            entering[c].push(y);
        }
    }
    let count = |list: &[f64], y: f64| {
        (
            list.iter().filter(|&&v| v > y).count(),
            list.iter().filter(|&&v| v < y).count(),
        )
    };
    let legs: Vec<(f64, f64)> = loops
        .iter()
        .map(|&f| {
            let (a, b) = ends[f].unwrap_or((0, 0));
            let out = count(&leaving[col[a]], nodes[a].center().y);
            let inn = count(&entering[col[b]], nodes[b].center().y);
            ((out.0 + inn.0) as f64, (out.1 + inn.1) as f64)
        })
        .collect();
    let preferred: Vec<Side> = loops
        .iter()
        .map(|&f| {
            let (a, b) = ends[f].unwrap_or((0, 0));
            nearer_side(frame.rank(a), frame.rank(b))
        })
        .collect();
    let (nesting, _) = nest(&spans, &preferred, &legs);
    let mut lane_of: Vec<Option<(Side, usize)>> = vec![None; flow_count];
    let mut short = vec![None; flow_count];
    // The gaps a loop already runs back through the short way: one loop each.
    let mut used = std::collections::HashSet::new();
    for (k, &f) in loops.iter().enumerate() {
        let (side, lane) = nesting[k];
        lane_of[f] = Some((side, lane));
        if let Some((side, y)) = short_way(frame, routes, f, side, &mut used) {
            lane_of[f] = Some((side, lane));
            short[f] = Some(y);
        }
    }
    Channels {
        loops,
        spans,
        lane_of,
        short,
    }
}

/// A loop between nodes of the same or neighbouring columns runs the short way when it
/// can: back through a free gap beside both its ends (above them, below them, or between
/// them in one column), on its channel's side if there is room there, instead of through
/// the channel under (or over) the whole chain. Returns the side and the height it runs
/// back at.
fn short_way(
    frame: &Frame<'_>,
    routes: &Routes,
    f: usize,
    side: Side,
    used: &mut std::collections::HashSet<(usize, usize)>,
) -> Option<(Side, f64)> {
    let (a, b) = frame.ends[f]?;
    let (ca, cb) = (frame.col[a], frame.col[b]);
    if ca > cb + 1 {
        return None;
    }
    let w = frame.widths[f];
    let gap = |c: usize, n: usize, below: bool| {
        let g = frame.rank(n).0 + usize::from(below);
        Some(((c, g), routes.gaps[c].get(g)?))
    };
    let other = match side {
        Side::Below => Side::Above,
        Side::Above => Side::Below,
    };
    let mut pairs = Vec::new();
    for s in [side, other] {
        let below = s == Side::Below;
        pairs.push((s, below, below));
        if ca == cb {
            // Between the two, when they are neighbours in the column.
            pairs.push((s, !below, below));
        }
    }
    pairs.into_iter().find_map(|(s, from_below, to_below)| {
        let ((k1, g1), (k2, g2)) = (gap(ca, a, from_below)?, gap(cb, b, to_below)?);
        if g1.used > 0.0 || g2.used > 0.0 || used.contains(&k1) || used.contains(&k2) {
            return None;
        }
        let (lo, hi) = (g1.lo.max(g2.lo), g1.hi.min(g2.hi));
        let need = w + 2.0 * LANE_SEP;
        let y = match (lo.is_finite(), hi.is_finite()) {
            (true, true) if hi - lo >= need => (lo + hi) / 2.0,
            (false, true) => hi - need / 2.0,
            (true, false) => lo + need / 2.0,
            _ => return None,
        };
        // Between them in one column: the side is where the run lies from the from node.
        let s = if from_below == to_below {
            s
        } else if from_below {
            Side::Below
        } else {
            Side::Above
        };
        used.extend([k1, k2]);
        Some((s, y))
    })
}

/// Ports: where each flow leaves its from node (`[0]`) and enters its to node (`[1]`).
/// On each side of a node, forward flows in the order of where they go, loops on their
/// channel's side, outer loops nearer the forward flows.
fn ports(frame: &Frame<'_>, routes: &Routes, channels: &Channels) -> Vec<[f64; 2]> {
    let Frame {
        nodes,
        widths,
        ends,
        ..
    } = frame;
    let via_y = &routes.via_y;
    let lane_of = &channels.lane_of;
    let next_y = |f: usize| {
        via_y[f]
            .first()
            .copied()
            .unwrap_or_else(|| ends[f].map_or(0.0, |(_, b)| nodes[b].center().y))
    };
    let prev_y = |f: usize| {
        via_y[f]
            .last()
            .copied()
            .unwrap_or_else(|| ends[f].map_or(0.0, |(a, _)| nodes[a].center().y))
    };
    // A stub runs straight out: among the forward flows as if it went to the right.
    let port_key = |f: usize, out: bool| -> (u8, f64) {
        match lane_of[f] {
            Some((Side::Above, lane)) => (0, lane as f64),
            Some((Side::Below, lane)) => (2, -(lane as f64)),
            None if frame.stub[f].is_some() => {
                (1, ends[f].map_or(0.0, |(a, _)| nodes[a].center().y))
            }
            None => (1, if out { next_y(f) } else { prev_y(f) }),
        }
    };
    let mut sides: Vec<[Vec<usize>; 2]> = vec![[Vec::new(), Vec::new()]; nodes.len()];
    for (f, e) in ends.iter().enumerate() {
        if let Some((a, b)) = *e {
            sides[a][0].push(f);
            if frame.stub[f].is_none() {
                sides[b][1].push(f);
            }
        }
    }
    let mut port_y = vec![[0.0f64; 2]; ends.len()];
    for (n, rect) in nodes.iter().enumerate() {
        for (side, list) in sides[n].iter_mut().enumerate() {
            list.sort_by(|&f, &g| {
                let (kf, kg) = (port_key(f, side == 0), port_key(g, side == 0));
                kf.0.cmp(&kg.0).then(kf.1.total_cmp(&kg.1)).then(f.cmp(&g))
            });
            let total: f64 = list.iter().map(|&f| widths[f]).sum();
            let room = rect.height() * 0.9;
            let count = list.len() as f64;
            let mut at = rect.center().y - total / 2.0;
            for (i, &f) in list.iter().enumerate() {
                port_y[f][side] = if total <= room {
                    at += widths[f];
                    at - widths[f] / 2.0
                } else {
                    rect.center().y + (i as f64 - (count - 1.0) / 2.0) * room / count
                };
            }
        }
    }
    port_y
}

/// Where the loops turn in their column gaps.
struct Turns {
    /// Per flow: where a loop turns down (or up) after its from node, and where it turns
    /// back before its to node.
    turn_x: Vec<[f64; 2]>,
    /// Per column: how far right the loops leaving it turn, and how far left those
    /// entering it turn (with a little room).
    loop_turns: Vec<[Option<f64>; 2]>,
}

/// Loop turns: side by side in each gap, shortest span nearest the column, squeezed
/// where a gap is too narrow for all of them.
fn loop_turns(frame: &Frame<'_>, channels: &Channels) -> Turns {
    let Frame {
        widths,
        ends,
        cols,
        col,
        ..
    } = frame;
    let Channels {
        loops,
        spans,
        lane_of,
        ..
    } = channels;
    let mut turning: BTreeMap<(usize, bool), Vec<usize>> = BTreeMap::new();
    for (k, &f) in loops.iter().enumerate() {
        turning.entry((spans[k].1, true)).or_default().push(f);
        turning.entry((spans[k].0, false)).or_default().push(f);
    }
    let mut turn_x = vec![[0.0f64; 2]; ends.len()];
    let mut gaps_seen: Vec<usize> = turning.keys().map(|&(g, _)| g).collect();
    gaps_seen.dedup();
    for g in gaps_seen {
        let right_of = g.checked_sub(1).and_then(|c| cols.get(c)).map(|c| c.max_x);
        let left_of = cols.get(g).map(|c| c.min_x);
        let offsets = |list: &mut Vec<usize>| -> (Vec<(usize, f64)>, f64) {
            list.sort_by_key(|&f| (lane_of[f].map(|l| (l.1, l.0)), f));
            let mut at = TURN;
            let placed = list
                .iter()
                .map(|&f| {
                    let x = at + widths[f] / 2.0;
                    at += widths[f] + LANE_SEP;
                    (f, x)
                })
                .collect();
            (placed, at)
        };
        let mut down = turning.get(&(g, true)).cloned().unwrap_or_default();
        let mut up = turning.get(&(g, false)).cloned().unwrap_or_default();
        let (down, need_down) = offsets(&mut down);
        let (up, need_up) = offsets(&mut up);
        let scale = match (right_of, left_of) {
            (Some(r), Some(l)) if need_down + need_up > l - r => {
                ((l - r) / (need_down + need_up)).max(0.0)
            }
            _ => 1.0,
        };
        let (r, l) = match (right_of, left_of) {
            (Some(r), Some(l)) => (r, l),
            (Some(r), None) => (r, r + need_down + need_up),
            (None, Some(l)) => (l - need_down - need_up, l),
            (None, None) => (0.0, 0.0),
        };
        for (f, x) in down {
            turn_x[f][0] = r + x * scale;
        }
        for (f, x) in up {
            turn_x[f][1] = l - x * scale;
        }
    }
    // Every forward flow out of (into) a column runs straight as far as its loops turn,
    // so the curves across a gap all span the same width and two of them cross at most
    // once, where their order changes.
    let mut loop_turns: Vec<[Option<f64>; 2]> = vec![[None, None]; cols.len()];
    for &f in loops {
        let Some((a, b)) = ends[f] else { continue };
        let out = turn_x[f][0] + widths[f] / 2.0 + 4.0;
        let inn = turn_x[f][1] - widths[f] / 2.0 - 4.0;
        let (ca, cb) = (col[a], col[b]);
        loop_turns[ca][0] = Some(loop_turns[ca][0].map_or(out, |x: f64| x.max(out)));
        loop_turns[cb][1] = Some(loop_turns[cb][1].map_or(inn, |x: f64| x.min(inn)));
    }
    Turns { turn_x, loop_turns }
}

/// How deep the channels lie under (and over) each column.
struct Depths {
    /// The lowest and highest thing in each column, waypoints included.
    col_bottom: Vec<f64>,
    col_top: Vec<f64>,
    /// The widest loop in each lane.
    thickness: BTreeMap<(Side, usize), f64>,
}

impl Depths {
    /// How far below the lowest (above the highest) thing a loop's lane runs.
    fn depth(&self, side: Side, lane: usize) -> f64 {
        let inner: f64 = (0..lane)
            .map(|l| self.thickness.get(&(side, l)).copied().unwrap_or(0.0) + LANE_SEP)
            .sum();
        CLEARANCE + inner + self.thickness.get(&(side, lane)).copied().unwrap_or(0.0) / 2.0
    }
}

/// Channel depths: each lane clear of everything in the columns it passes, inner lanes
/// first.
fn channel_depths(frame: &Frame<'_>, routes: &Routes, channels: &Channels) -> Depths {
    let Frame {
        nodes,
        widths,
        cols,
        ..
    } = frame;
    let mut col_bottom: Vec<f64> = cols
        .iter()
        .map(|c| {
            c.members
                .iter()
                .map(|&n| nodes[n].max.y)
                .fold(f64::MIN, f64::max)
        })
        .collect();
    let mut col_top: Vec<f64> = cols
        .iter()
        .map(|c| {
            c.members
                .iter()
                .map(|&n| nodes[n].min.y)
                .fold(f64::MAX, f64::min)
        })
        .collect();
    for (f, steps) in routes.via.iter().enumerate() {
        for (k, &(c, _, _)) in steps.iter().enumerate() {
            col_bottom[c] = col_bottom[c].max(routes.via_y[f][k] + widths[f] / 2.0);
            col_top[c] = col_top[c].min(routes.via_y[f][k] - widths[f] / 2.0);
        }
    }
    let mut thickness: BTreeMap<(Side, usize), f64> = BTreeMap::new();
    for &f in channels
        .loops
        .iter()
        .filter(|&&f| channels.short[f].is_none())
    {
        if let Some(l) = channels.lane_of[f] {
            let t = thickness.entry(l).or_insert(0.0);
            *t = t.max(widths[f]);
        }
    }
    Depths {
        col_bottom,
        col_top,
        thickness,
    }
}

/// One flow's path: a loop through its channel, or a forward flow through its gaps.
fn flow_path(
    frame: &Frame<'_>,
    f: usize,
    routes: &Routes,
    channels: &Channels,
    ports: &[[f64; 2]],
    turns: &Turns,
    depths: &Depths,
) -> FlowShape {
    let w = frame.widths[f];
    let Some((a, b)) = frame.ends[f] else {
        let p = Point::default();
        return FlowShape {
            path: BezPath::new(),
            points: vec![p, p],
            width: w,
            label_at: p,
            label: None,
            is_arc: false,
            stub: None,
            bounds: Rect { min: p, max: p },
        };
    };
    let start = Point::new(frame.nodes[a].max.x, ports[f][0]);
    let end = Point::new(frame.nodes[b].min.x, ports[f][1]);
    let stub = frame.stub[f];
    let path = match channels.lane_of[f] {
        _ if stub.is_some() => stub_path(frame, a, start),
        Some(lane) => {
            let run = channels.short[f].unwrap_or_else(|| channel_run(frame, (a, b), lane, depths));
            loop_path(frame, f, (start, end), run, lane.1, turns)
        }
        None => forward_path(frame, f, (a, b), (start, end), routes, turns),
    };
    let points = flatten(&path);
    let mut shape = FlowShape {
        label_at: halfway(&points),
        bounds: bounding_box(&points).expand(w / 2.0),
        path,
        points,
        width: w,
        label: None,
        is_arc: channels.lane_of[f].is_some(),
        stub,
    };
    if let Some(mark) = geometry::stub_mark(&shape) {
        shape.bounds = shape.bounds.union(&mark);
    }
    shape
}

/// A stub: straight out of the from node's right side, a short way into the gap after
/// its column (less where the next column is near).
fn stub_path(frame: &Frame<'_>, a: usize, start: Point) -> BezPath {
    let next = frame
        .cols
        .get(frame.col[a] + 1)
        .map_or(f64::INFINITY, |c| c.min_x);
    let room = (next - start.x) / 2.0 - geometry::STUB_MARK;
    let end = Point::new(start.x + STUB_LENGTH.min(room.max(TURN)), start.y);
    let mut path = BezPath::new();
    path.move_to(kurbo::Point::new(start.x, start.y));
    path.line_to(kurbo::Point::new(end.x, end.y));
    path
}

/// The height a loop runs back at in its channel: clear of everything in the columns it
/// passes, in its lane.
fn channel_run(
    frame: &Frame<'_>,
    (a, b): (usize, usize),
    (side, lane): (Side, usize),
    depths: &Depths,
) -> f64 {
    let (ca, cb) = (frame.col[a], frame.col[b]);
    let span = cb.saturating_sub(1)..=(ca + 1).min(frame.cols.len() - 1);
    match side {
        Side::Below => {
            depths.col_bottom[span]
                .iter()
                .copied()
                .fold(f64::MIN, f64::max)
                + depths.depth(side, lane)
        }
        Side::Above => {
            depths.col_top[span]
                .iter()
                .copied()
                .fold(f64::MAX, f64::min)
                - depths.depth(side, lane)
        }
    }
}

/// A reverse loop: out of the right side, down (or up) to the height it runs back at,
/// back along it and in at the left.
fn loop_path(
    frame: &Frame<'_>,
    f: usize,
    (start, end): (Point, Point),
    run: f64,
    lane: usize,
    turns: &Turns,
) -> BezPath {
    let (xd, xa) = (turns.turn_x[f][0], turns.turn_x[f][1]);
    rounded(
        &[
            start,
            Point::new(xd, start.y),
            Point::new(xd, run),
            Point::new(xa, run),
            Point::new(xa, end.y),
            end,
        ],
        10.0 + frame.widths[f] / 2.0 + 4.0 * lane as f64,
    )
}

/// A forward flow: straight past the loops turning beside its ends, and through each
/// column it crosses at the height its route took there.
fn forward_path(
    frame: &Frame<'_>,
    f: usize,
    (a, b): (usize, usize),
    (start, end): (Point, Point),
    routes: &Routes,
    turns: &Turns,
) -> BezPath {
    let Frame { cols, col, .. } = frame;
    let loop_turns = &turns.loop_turns;
    let k = |p: Point| kurbo::Point::new(p.x, p.y);
    let mut path = BezPath::new();
    path.move_to(k(start));
    // Run straight past the loops that turn down (or up) beside either end, so that the
    // curve does not cut through them.
    let mut at = start;
    if let Some(x) = loop_turns[col[a]][0] {
        at = Point::new(x.max(start.x), start.y);
        path.line_to(k(at));
    }
    // Through each column crossed: in where the loops turning before it leave room, out
    // past those turning after it.
    let mut stops: Vec<[Point; 3]> = routes.via[f]
        .iter()
        .zip(&routes.via_y[f])
        .map(|(&(c, _, _), &y)| {
            let enter = loop_turns[c][1].map_or(cols[c].min_x, |x| x.min(cols[c].min_x));
            let leave = loop_turns[c][0].map_or(cols[c].max_x, |x| x.max(cols[c].max_x));
            [
                Point::new(enter, y),
                Point::new(cols[c].max_x, y),
                Point::new(leave, y),
            ]
        })
        .collect();
    let end_run = loop_turns[col[b]][1].map_or(end, |x| Point::new(x.min(end.x), end.y));
    stops.push([end_run, end, end]);
    for stop in stops {
        let enter = stop[0];
        let dx = (enter.x - at.x).max(0.0) / 2.0;
        path.curve_to(
            kurbo::Point::new(at.x + dx, at.y),
            kurbo::Point::new(enter.x - dx, enter.y),
            k(enter),
        );
        at = enter;
        for &p in &stop[1..] {
            if p.x > at.x + 1e-9 {
                path.line_to(k(p));
                at = p;
            }
        }
    }
    path
}

/// Label places: each flow's amount where it overlaps nothing (`labels`); pins on a flow
/// then sit over its label.
fn label_places(
    doc: &Document,
    amounts: &[Option<f64>],
    frame: &Frame<'_>,
    flows: &mut [FlowShape],
) {
    let texts = super::labels::flow_texts(doc, flows, amounts, |_| None);
    let placed = super::labels::place(flows, &frame.nodes, &texts);
    for (shape, label) in flows.iter_mut().zip(placed) {
        if let Some(r) = label {
            shape.label_at = r.center();
        }
        shape.label = label;
    }
}

fn bounding_box(points: &[Point]) -> Rect {
    let mut r = Rect {
        min: points[0],
        max: points[0],
    };
    for p in points {
        r.min.x = r.min.x.min(p.x);
        r.min.y = r.min.y.min(p.y);
        r.max.x = r.max.x.max(p.x);
        r.max.y = r.max.y.max(p.y);
    }
    r
}
