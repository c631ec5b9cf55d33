//! Where things go on the canvas, in canvas points: node boxes, flow paths with their
//! widths, and reverse-loop arcs routed around the nodes they span. Shared by the editor's
//! painter and the picture exports; nothing is drawn here.

use crate::model::{Anchor, Category, Document};

/// Size of a node box.
pub const NODE_SIZE: [f64; 2] = [164.0, 70.0];
/// Thinnest and thickest flow line (Sankey widths are proportional between them).
pub const MIN_WIDTH: f64 = 2.0;
pub const MAX_WIDTH: f64 = 30.0;
/// Gap between a loop arc and the nodes it passes, and between nested arcs.
const ARC_CLEARANCE: f64 = 34.0;
const ARC_LANE: f64 = 18.0;
/// Horizontal run of a flow out of and into a node before it turns.
const STUB: f64 = 28.0;

#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub min: Point,
    pub max: Point,
}

impl Rect {
    pub fn from_center(c: Point, size: [f64; 2]) -> Self {
        Rect {
            min: Point::new(c.x - size[0] / 2.0, c.y - size[1] / 2.0),
            max: Point::new(c.x + size[0] / 2.0, c.y + size[1] / 2.0),
        }
    }

    pub fn center(&self) -> Point {
        Point::new(
            (self.min.x + self.max.x) / 2.0,
            (self.min.y + self.max.y) / 2.0,
        )
    }

    pub fn height(&self) -> f64 {
        self.max.y - self.min.y
    }

    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y
    }

    pub fn intersects(&self, o: &Rect) -> bool {
        self.min.x <= o.max.x
            && o.min.x <= self.max.x
            && self.min.y <= o.max.y
            && o.min.y <= self.max.y
    }

    pub fn union(&self, o: &Rect) -> Rect {
        Rect {
            min: Point::new(self.min.x.min(o.min.x), self.min.y.min(o.min.y)),
            max: Point::new(self.max.x.max(o.max.x), self.max.y.max(o.max.y)),
        }
    }

    pub fn expand(&self, by: f64) -> Rect {
        Rect {
            min: Point::new(self.min.x - by, self.min.y - by),
            max: Point::new(self.max.x + by, self.max.y + by),
        }
    }
}

/// How one flow is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowShape {
    /// The centre line, from the `from` node's right side to the `to` node's left side.
    pub points: Vec<Point>,
    pub width: f64,
    /// Where the amount label goes.
    pub label_at: Point,
    /// Drawn as an arc back to an earlier stage.
    pub is_arc: bool,
    /// Bounding box of the line including its width, for culling and hit tests.
    pub bounds: Rect,
}

/// Every node box and flow line of a map.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub nodes: Vec<Rect>,
    pub flows: Vec<FlowShape>,
    /// Where each pain point's pin sits; `None` for pain points on the whole map (or
    /// on something that is not in the map), which are listed rather than pinned.
    pub pins: Vec<Option<Point>>,
}

impl Layout {
    /// The box around everything drawn.
    pub fn bounds(&self) -> Option<Rect> {
        let nodes = self.nodes.iter().copied();
        let flows = self.flows.iter().map(|f| f.bounds);
        let pins = self
            .pins
            .iter()
            .flatten()
            .map(|&c| Rect::from_center(c, [4.0 * PIN_RADIUS, 4.0 * PIN_RADIUS]));
        nodes.chain(flows).chain(pins).reduce(|a, b| a.union(&b))
    }

    /// The flow whose line passes within `slack` of `p`, topmost (last drawn) first.
    pub fn flow_at(&self, p: Point, slack: f64) -> Option<usize> {
        (0..self.flows.len()).rev().find(|&f| {
            let shape = &self.flows[f];
            shape.bounds.expand(slack).contains(p)
                && distance_to_polyline(p, &shape.points) <= shape.width / 2.0 + slack
        })
    }

    /// The pain point whose pin is under `p` (pins are drawn over nodes and flows).
    pub fn pin_at(&self, p: Point, votes: impl Fn(usize) -> u32) -> Option<usize> {
        (0..self.pins.len()).rev().find(|&i| {
            self.pins[i].is_some_and(|c| {
                let r = pin_radius(votes(i));
                (c.x - p.x).powi(2) + (c.y - p.y).powi(2) <= r * r
            })
        })
    }

    pub fn node_at(&self, p: Point) -> Option<usize> {
        (0..self.nodes.len())
            .rev()
            .find(|&n| self.nodes[n].contains(p))
    }
}

/// Farthest a node is drawn from the origin: a file may hold any finite position, but
/// screen coordinates are `f32`.
const FAR: f64 = 1e7;

pub fn node_rect(pos: [f64; 2]) -> Rect {
    let clamp = |v: f64| v.clamp(-FAR, FAR);
    Rect::from_center(Point::new(clamp(pos[0]), clamp(pos[1])), NODE_SIZE)
}

/// Radius of a pain point's pin: grows with the votes (by area), within limits so a
/// popular pin does not hide its node.
pub fn pin_radius(votes: u32) -> f64 {
    (PIN_RADIUS + 2.2 * f64::from(votes.min(40)).sqrt()).min(2.0 * PIN_RADIUS)
}

const PIN_RADIUS: f64 = 10.0;

/// The outline of a pin, one per pain point category, so categories differ in shape as
/// well as colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinShape {
    Circle,
    Square,
    Diamond,
    TriangleUp,
    TriangleDown,
    Hexagon,
    Star,
}

pub fn pin_shape(category: Category) -> PinShape {
    match category {
        Category::Technical => PinShape::Circle,
        Category::Behavioural => PinShape::Square,
        Category::Economic => PinShape::Diamond,
        Category::Regulatory => PinShape::TriangleUp,
        Category::Environmental => PinShape::Hexagon,
        Category::Social => PinShape::TriangleDown,
        Category::Supply => PinShape::Star,
    }
}

/// Corners of a pin of `shape` centred on `c` with radius `r` (a circle has none); the
/// shapes are sized so that they look about as large as a circle of radius `r`.
pub fn pin_outline(shape: PinShape, c: Point, r: f64) -> Vec<Point> {
    let polygon = |n: usize, radius: f64, start_deg: f64| -> Vec<Point> {
        (0..n)
            .map(|k| {
                let a = (start_deg + 360.0 * k as f64 / n as f64).to_radians();
                Point::new(c.x + radius * a.cos(), c.y + radius * a.sin())
            })
            .collect()
    };
    match shape {
        PinShape::Circle => Vec::new(),
        PinShape::Square => polygon(4, r * 1.25, 45.0),
        PinShape::Diamond => polygon(4, r * 1.3, 0.0),
        PinShape::TriangleUp => polygon(3, r * 1.5, -90.0),
        PinShape::TriangleDown => polygon(3, r * 1.5, 90.0),
        PinShape::Hexagon => polygon(6, r * 1.12, 0.0),
        PinShape::Star => (0..10)
            .map(|k| {
                let radius = if k % 2 == 0 { r * 1.45 } else { r * 0.8 };
                let a = (-90.0 + 36.0 * k as f64).to_radians();
                Point::new(c.x + radius * a.cos(), c.y + radius * a.sin())
            })
            .collect(),
    }
}
/// Space between pins side by side on one node or flow.
const PIN_GAP: f64 = 5.0;

/// Pins sit in a row along the top edge of their node, or above their flow's label; each
/// moves with what it is pinned on.
fn pin_positions(
    doc: &Document,
    index: &std::collections::HashMap<&str, usize>,
    nodes: &[Rect],
    flows: &[FlowShape],
) -> Vec<Option<Point>> {
    let flow_index: std::collections::HashMap<&str, usize> = doc
        .flows
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i))
        .collect();
    // How far along its row the next pin on each node / flow starts.
    let mut node_row = vec![0.0f64; nodes.len()];
    let mut flow_row = vec![0.0f64; flows.len()];
    let place = |row: &mut f64, r: f64| {
        let x = *row + r;
        *row += 2.0 * r + PIN_GAP;
        x
    };
    doc.pain_points
        .iter()
        .map(|p| {
            let r = pin_radius(p.votes());
            match &p.on {
                Anchor::Map => None,
                // Above the node's top edge, so the node's title stays readable.
                Anchor::Node(id) => {
                    let n = *index.get(id.as_str())?;
                    let x = place(&mut node_row[n], r);
                    let rect = nodes[n];
                    Some(Point::new(rect.min.x + 4.0 + x, rect.min.y - r))
                }
                Anchor::Flow(id) => {
                    let f = *flow_index.get(id.as_str())?;
                    let x = place(&mut flow_row[f], r);
                    let at = flows[f].label_at;
                    Some(Point::new(at.x - PIN_RADIUS + x, at.y - 10.0 - r))
                }
            }
        })
        .collect()
}

/// The arrowhead at the end of a flow line `width` wide: its tip and base corners.
pub fn arrowhead(points: &[Point], width: f64) -> Option<[Point; 3]> {
    let tip = *points.last()?;
    let before = *points.get(points.len().checked_sub(3)?)?;
    let (dx, dy) = (tip.x - before.x, tip.y - before.y);
    let norm = (dx * dx + dy * dy).sqrt();
    if norm <= 0.0 || !norm.is_finite() {
        return None;
    }
    let (ux, uy) = (dx / norm, dy / norm);
    let length = (width * 0.9).clamp(9.0, 22.0);
    let half = (width / 2.0 + 4.0).max(6.0);
    let base = Point::new(tip.x - ux * length, tip.y - uy * length);
    Some([
        tip,
        Point::new(base.x - uy * half, base.y + ux * half),
        Point::new(base.x + uy * half, base.y - ux * half),
    ])
}

/// Sankey width of a flow: proportional to its amount, never thinner than `MIN_WIDTH`.
pub fn flow_width(amount: Option<f64>, largest: f64) -> f64 {
    match amount {
        Some(a) if largest > 0.0 && a > 0.0 => (MAX_WIDTH * a / largest).max(MIN_WIDTH),
        _ => MIN_WIDTH,
    }
}

/// Lays out a map; `amounts` are the solved flow amounts (for widths), `sankey` false
/// draws every flow at the minimum width.
pub fn layout(doc: &Document, amounts: &[Option<f64>], sankey: bool) -> Layout {
    let nodes: Vec<Rect> = doc.nodes.iter().map(|n| node_rect(n.pos)).collect();
    let index = doc.node_index();
    let ends: Vec<Option<(usize, usize)>> = doc
        .flows
        .iter()
        .map(|f| Some((*index.get(f.from.as_str())?, *index.get(f.to.as_str())?)))
        .collect();
    let largest = amounts.iter().flatten().fold(0.0f64, |m, a| m.max(*a));
    let width = |f: usize| {
        if sankey {
            flow_width(amounts.get(f).copied().flatten(), largest)
        } else {
            MIN_WIDTH * 1.5
        }
    };

    // Ports: outflows spread down the right side, inflows down the left, ordered by the
    // other end's height so lines do not cross at the node.
    let mut out_ports = vec![Vec::new(); nodes.len()];
    let mut in_ports = vec![Vec::new(); nodes.len()];
    for (f, e) in ends.iter().enumerate() {
        if let Some((a, b)) = *e {
            out_ports[a].push(f);
            in_ports[b].push(f);
        }
    }
    let mut port_y = vec![[0.0f64; 2]; doc.flows.len()];
    for (n, rect) in nodes.iter().enumerate() {
        for (side, ports) in [(0usize, &mut out_ports[n]), (1, &mut in_ports[n])] {
            ports.sort_by(|&f, &g| {
                let other = |h: usize| {
                    ends[h].map_or(0.0, |(a, b)| {
                        nodes[if side == 0 { b } else { a }].center().y
                    })
                };
                other(f).total_cmp(&other(g))
            });
            let k = ports.len() as f64;
            let step = (rect.height() * 0.7 / k.max(1.0)).min(14.0);
            for (i, &f) in ports.iter().enumerate() {
                port_y[f][side] = rect.center().y + (i as f64 - (k - 1.0) / 2.0) * step;
            }
        }
    }

    // A flow back to an earlier (or the same) column is an arc; arcs nest, shorter spans
    // closer to the nodes.
    let is_arc =
        |f: usize| ends[f].is_some_and(|(a, b)| nodes[b].center().x <= nodes[a].center().x + 1.0);
    let mut arcs: Vec<usize> = (0..doc.flows.len()).filter(|&f| is_arc(f)).collect();
    arcs.sort_by(|&f, &g| span(&nodes, ends[f]).total_cmp(&span(&nodes, ends[g])));
    let mut lane_count = [0usize; 2];
    let mut arc_lane = vec![(false, 0usize); doc.flows.len()];
    for &f in &arcs {
        let Some((a, b)) = ends[f] else { continue };
        let (top, bottom) = clear_band(&nodes, a, b);
        let (sa, sb) = (port_y[f][0], port_y[f][1]);
        let above =
            (sa - top).abs() + (sb - top).abs() <= (bottom - sa).abs() + (bottom - sb).abs();
        let side = usize::from(!above);
        arc_lane[f] = (above, lane_count[side]);
        lane_count[side] += 1;
    }

    let flows: Vec<FlowShape> = (0..doc.flows.len())
        .map(|f| {
            let w = width(f);
            let Some((a, b)) = ends[f] else {
                let p = Point::default();
                return FlowShape {
                    points: vec![p, p],
                    width: w,
                    label_at: p,
                    is_arc: false,
                    bounds: Rect { min: p, max: p },
                };
            };
            let start = Point::new(nodes[a].max.x, port_y[f][0]);
            let end = Point::new(nodes[b].min.x, port_y[f][1]);
            let (points, arc) = if is_arc(f) {
                let (top, bottom) = clear_band(&nodes, a, b);
                let (above, lane) = arc_lane[f];
                let offset = ARC_CLEARANCE + lane as f64 * ARC_LANE + w / 2.0;
                let y = if above { top - offset } else { bottom + offset };
                (arc_path(start, end, y), true)
            } else {
                (forward_path(start, end), false)
            };
            let label_at = points[points.len() / 2];
            let bounds = bounding_box(&points).expand(w / 2.0);
            FlowShape {
                points,
                width: w,
                label_at,
                is_arc: arc,
                bounds,
            }
        })
        .collect();
    let pins = pin_positions(doc, &index, &nodes, &flows);
    Layout { nodes, flows, pins }
}

fn span(nodes: &[Rect], ends: Option<(usize, usize)>) -> f64 {
    ends.map_or(0.0, |(a, b)| {
        (nodes[a].center().x - nodes[b].center().x).abs()
    })
}

/// Top and bottom of the nodes an arc from `a` back to `b` passes over.
fn clear_band(nodes: &[Rect], a: usize, b: usize) -> (f64, f64) {
    let left = nodes[b].min.x - STUB;
    let right = nodes[a].max.x + STUB;
    let mut top = nodes[a].min.y.min(nodes[b].min.y);
    let mut bottom = nodes[a].max.y.max(nodes[b].max.y);
    for r in nodes {
        if r.max.x >= left && r.min.x <= right {
            top = top.min(r.min.y);
            bottom = bottom.max(r.max.y);
        }
    }
    (top, bottom)
}

/// A forward flow: an S-curve with horizontal ends.
fn forward_path(start: Point, end: Point) -> Vec<Point> {
    let dx = ((end.x - start.x) / 2.0).max(STUB * 1.5);
    cubic(
        start,
        Point::new(start.x + dx, start.y),
        Point::new(end.x - dx, end.y),
        end,
        24,
    )
}

/// A loop arc: out to the right, round to the lane at `y`, back along it, and in from the left.
fn arc_path(start: Point, end: Point, y: f64) -> Vec<Point> {
    let turn = STUB + 14.0;
    let right = start.x + turn;
    let left = end.x - turn;
    let mut points = cubic(
        start,
        Point::new(right, start.y),
        Point::new(right, start.y),
        Point::new(right, y),
        10,
    );
    let back = cubic(
        Point::new(left, y),
        Point::new(left, end.y),
        Point::new(left, end.y),
        end,
        10,
    );
    points.extend(back);
    points
}

fn cubic(p0: Point, p1: Point, p2: Point, p3: Point, segments: usize) -> Vec<Point> {
    (0..=segments)
        .map(|i| {
            let t = i as f64 / segments as f64;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            Point::new(
                a * p0.x + b * p1.x + c * p2.x + d * p3.x,
                a * p0.y + b * p1.y + c * p2.y + d * p3.y,
            )
        })
        .collect()
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

fn distance_to_polyline(p: Point, points: &[Point]) -> f64 {
    points
        .windows(2)
        .map(|w| distance_to_segment(p, w[0], w[1]))
        .fold(f64::INFINITY, f64::min)
}

fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a.x + t * dx - p.x, a.y + t * dy - p.y);
    (cx * cx + cy * cy).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flow, Loop, Node, NodeKind};

    fn two_nodes_and_back() -> Document {
        let mut doc = Document::new("t");
        let mut a = Node::new("a", "A", NodeKind::Process);
        a.pos = [0.0, 0.0];
        let mut b = Node::new("b", "B", NodeKind::Use);
        b.pos = [300.0, 0.0];
        let mut mid = Node::new("m", "M", NodeKind::Process);
        mid.pos = [150.0, 10.0];
        doc.nodes = vec![a, b, mid];
        doc.flows.push(Flow::new("ab", "a", "b"));
        let mut back = Flow::new("ba", "b", "a");
        back.loop_kind = Loop::Recycle;
        doc.flows.push(back);
        doc
    }

    #[test]
    fn pins_follow_their_node_and_flow_and_map_pins_are_not_placed() {
        use crate::model::{Anchor, PainPoint};
        let mut doc = two_nodes_and_back();
        doc.pain_points = vec![
            PainPoint::new("p1", Anchor::Node("b".into()), "x"),
            PainPoint::new("p2", Anchor::Node("b".into()), "y"),
            PainPoint::new("p3", Anchor::Flow("ab".into()), "z"),
            PainPoint::new("p4", Anchor::Map, "w"),
            PainPoint::new("p5", Anchor::Node("gone".into()), "v"),
        ];
        let amounts = [Some(1.0), Some(1.0)];
        let before = layout(&doc, &amounts, true);
        let [Some(p1), Some(p2), Some(p3), None, None] = before.pins[..] else {
            panic!("pins: {:?}", before.pins);
        };
        assert_eq!(
            p1.y,
            before.nodes[1].min.y - pin_radius(0),
            "just above the node"
        );
        assert!(
            p2.x - p1.x >= 2.0 * pin_radius(0),
            "two pins on one node sit side by side"
        );
        assert!(p3.y < before.flows[0].label_at.y);
        doc.nodes[1].pos[1] += 100.0;
        let after = layout(&doc, &amounts, true);
        assert_eq!(after.pins[0].map(|p| p.y), Some(p1.y + 100.0));
        assert_eq!(after.pin_at(p2, |_| 0), None, "p2 moved away with its node");
        assert_eq!(after.pin_at(after.pins[1].unwrap(), |_| 0), Some(1));
    }

    #[test]
    fn forward_flows_run_from_the_right_side_to_the_left_side() {
        let doc = two_nodes_and_back();
        let l = layout(&doc, &[Some(10.0), Some(5.0)], true);
        let f = &l.flows[0];
        assert!(!f.is_arc);
        assert_eq!(f.points[0].x, l.nodes[0].max.x);
        assert_eq!(f.points.last().unwrap().x, l.nodes[1].min.x);
        assert_eq!(f.width, MAX_WIDTH);
        assert_eq!(l.flows[1].width, MAX_WIDTH / 2.0);
    }

    #[test]
    fn loop_arcs_never_pass_under_a_node() {
        let doc = two_nodes_and_back();
        let l = layout(&doc, &[Some(10.0), Some(5.0)], true);
        let arc = &l.flows[1];
        assert!(arc.is_arc);
        assert_eq!(arc.points[0].x, l.nodes[1].max.x, "leaves the right side");
        assert_eq!(
            arc.points.last().unwrap().x,
            l.nodes[0].min.x,
            "comes in at the left"
        );
        for p in &arc.points[3..arc.points.len() - 3] {
            for (n, r) in l.nodes.iter().enumerate() {
                assert!(
                    !r.expand(-1.0).contains(*p),
                    "arc point {p:?} inside node {n}"
                );
            }
        }
    }

    #[test]
    fn hit_testing_finds_nodes_and_flows() {
        let doc = two_nodes_and_back();
        let l = layout(&doc, &[Some(10.0), Some(5.0)], true);
        assert_eq!(l.node_at(Point::new(300.0, 0.0)), Some(1));
        let mid = l.flows[1].label_at;
        assert_eq!(l.flow_at(mid, 2.0), Some(1));
        assert_eq!(l.flow_at(Point::new(5000.0, 5000.0), 2.0), None);
    }
}

/// Column spacing and row spacing of Arrange.
const COLUMN: f64 = 250.0;
const ROW: f64 = 120.0;

/// Positions for Arrange: each node in the column of its longest chain of forward
/// (`loop: none`) flows from a node without forward inflows; forward cycles are collapsed
/// first (petgraph condensation). Nodes keep their vertical order within a column.
pub fn arranged_positions(doc: &Document) -> Vec<[f64; 2]> {
    use petgraph::graph::{DiGraph, NodeIndex};
    let index = doc.node_index();
    let mut graph = DiGraph::<usize, ()>::new();
    for i in 0..doc.nodes.len() {
        graph.add_node(i);
    }
    for f in &doc.flows {
        if let (crate::model::Loop::None, Some(&a), Some(&b)) = (
            f.loop_kind,
            index.get(f.from.as_str()),
            index.get(f.to.as_str()),
        ) {
            graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
        }
    }
    let dag = petgraph::algo::condensation(graph, true);
    let order = petgraph::algo::toposort(&dag, None).unwrap_or_default();
    let mut depth = vec![0usize; dag.node_count()];
    for &v in &order {
        for w in dag.neighbors(v) {
            depth[w.index()] = depth[w.index()].max(depth[v.index()] + 1);
        }
    }
    let mut column = vec![0usize; doc.nodes.len()];
    for v in dag.node_indices() {
        for &n in &dag[v] {
            column[n] = depth[v.index()];
        }
    }
    let columns = column.iter().copied().max().map_or(0, |m| m + 1);
    let mut positions = vec![[0.0, 0.0]; doc.nodes.len()];
    for c in 0..columns {
        let mut members: Vec<usize> = (0..doc.nodes.len()).filter(|&n| column[n] == c).collect();
        members.sort_by(|&a, &b| doc.nodes[a].pos[1].total_cmp(&doc.nodes[b].pos[1]));
        let k = members.len() as f64;
        for (i, &n) in members.iter().enumerate() {
            positions[n] = [c as f64 * COLUMN, (i as f64 - (k - 1.0) / 2.0) * ROW];
        }
    }
    positions
}

#[cfg(test)]
mod arrange_tests {
    use super::*;
    use crate::model::{Flow, Loop, Node, NodeKind};

    #[test]
    fn arrange_puts_each_node_after_its_forward_inputs_and_ignores_loops() {
        let mut doc = Document::new("t");
        for (id, kind) in [
            ("mine", NodeKind::Source),
            ("make", NodeKind::Process),
            ("use", NodeKind::Use),
            ("rec", NodeKind::Recovery),
        ] {
            doc.nodes.push(Node::new(id, id, kind));
        }
        doc.flows.push(Flow::new("a", "mine", "make"));
        doc.flows.push(Flow::new("b", "make", "use"));
        doc.flows.push(Flow::new("c", "use", "rec"));
        let mut back = Flow::new("d", "rec", "make");
        back.loop_kind = Loop::Recycle;
        doc.flows.push(back);
        let p = arranged_positions(&doc);
        let xs: Vec<f64> = p.iter().map(|p| p[0]).collect();
        assert_eq!(xs, vec![0.0, COLUMN, 2.0 * COLUMN, 3.0 * COLUMN]);
    }
}
