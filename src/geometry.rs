//! The shapes of a drawn map, in canvas points: node boxes, flow lines with their widths,
//! pins, arrowheads, and hit tests over them. `layout` decides where they go; the editor's
//! painter and the picture exports draw them.

use crate::model::{Anchor, Category, Document};

/// Size of a node box.
pub const NODE_SIZE: [f64; 2] = [140.0, 96.0];
/// Thinnest and thickest flow line (Sankey widths are proportional between them).
pub const MIN_WIDTH: f64 = 2.0;
pub const MAX_WIDTH: f64 = 30.0;

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
    /// The centre line as curves, from the `from` node's right side to the `to` node's
    /// left side.
    pub path: kurbo::BezPath,
    /// The same line flattened, to draw and to hit-test.
    pub points: Vec<Point>,
    pub width: f64,
    /// Halfway along the line: where pins on the flow sit.
    pub label_at: Point,
    /// The amount label's box, where it overlaps nothing (otherwise the tooltip says it).
    pub label: Option<Rect>,
    /// Drawn as an arc back to an earlier stage.
    pub is_arc: bool,
    /// Drawn as a short stub beside its from node, ending in a small mark of this sink
    /// node (a residue into a sink many processes share), instead of across the map.
    pub stub: Option<usize>,
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

/// Pins sit in a row along the top edge of their node, or above the middle of their flow;
/// each moves with what it is pinned on.
pub(crate) fn pin_positions(
    doc: &Document,
    index: &foldhash::HashMap<&str, usize>,
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
    // The direction of the last few points of the line (flattened curves have short
    // segments near the end).
    let before = points
        .iter()
        .rev()
        .find(|p| (p.x - tip.x).abs() + (p.y - tip.y).abs() >= 8.0)
        .or(points.first())?;
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

/// The small mark a stub ends in (a stand-in for its sink node), just past its tip.
pub fn stub_mark(shape: &FlowShape) -> Option<Rect> {
    shape.stub?;
    let tip = *shape.points.last()?;
    let half = shape.width / 2.0 + 8.0;
    Some(Rect {
        min: Point::new(tip.x, tip.y - half),
        max: Point::new(tip.x + STUB_MARK, tip.y + half),
    })
}

/// Width of a stub's mark.
pub const STUB_MARK: f64 = 10.0;

/// Sankey width of a flow: proportional to its amount, never thinner than `MIN_WIDTH`.
pub fn flow_width(amount: Option<f64>, largest: f64) -> f64 {
    match amount {
        Some(a) if largest > 0.0 && a > 0.0 => (MAX_WIDTH * a / largest).max(MIN_WIDTH),
        _ => MIN_WIDTH,
    }
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
