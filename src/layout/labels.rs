//! Flow labels and pins where they overlap nothing: one notion of occupied space
//! (`Occupied`) for node boxes, titles, labels and pins, shared by the layout, the canvas
//! and the exports. The widest flows choose first, each trying points along its line from
//! the middle outwards, then just beside the line; a flow that must show its amount and
//! finds no room there goes on a short leader line to the nearest free place. Others are
//! left to the flow's tooltip.

use std::collections::HashMap;

use super::route::point_along;
use crate::geometry::{FlowShape, Point, Rect};
use crate::model::Document;

/// Height of a label box, and the width of a character (12 pt text at 100 %).
pub const LABEL_HEIGHT: f64 = 16.0;
const CHAR_WIDTH: f64 = 6.6;
/// Where along its line a label may sit, in order of preference.
const ALONG: [f64; 11] = [
    0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82, 0.1, 0.9,
];
/// How many label heights away from its line a label on a leader may go: on screen, and
/// in a picture (which has no tooltip to fall back on, and grows to hold its labels).
pub const LEADER_STEPS: usize = 10;
const PICTURE_LEADER_STEPS: usize = 40;
const CELL: f64 = 160.0;

/// A flow whose amount is at least this share of the largest matters: its amount is
/// always shown, on a leader line if need be.
pub const MATTERS: f64 = 0.02;

/// Which flows' amounts matter.
pub fn matters(amounts: &[Option<f64>]) -> Vec<bool> {
    let largest = amounts.iter().flatten().fold(0.0f64, |m, a| m.max(*a));
    amounts
        .iter()
        .map(|a| a.is_some_and(|a| largest > 0.0 && a >= MATTERS * largest))
        .collect()
}

/// The label of flow `f` as drawn: its amount (or share) as the panel gives it, with
/// "± σ" where `sigma` is given, and the sink's name for a stub ("0.4 to Landfill").
pub fn flow_text(
    doc: &Document,
    shape: Option<&FlowShape>,
    f: usize,
    amount: Option<f64>,
    sigma: Option<f64>,
) -> String {
    let Some(flow) = doc.flows.get(f) else {
        return String::new();
    };
    let mut text = crate::present::flow_label(flow, amount);
    if let Some(s) = sigma.filter(|s| *s > 0.0) {
        text.push_str(&format!(" ± {}", crate::present::amount(s)));
    }
    if let Some(sink) = shape.and_then(|s| s.stub).and_then(|n| doc.nodes.get(n)) {
        text.push_str(&format!(" to {}", short_name(&sink.label)));
    }
    text
}

/// A node's name without what follows a colon or an opening bracket ("Shredded: lost in
/// steel scrap" is "Shredded"; "Landfill & incineration (UK)" is "Landfill &
/// incineration"): enough to tell a stub's sink, short enough to sit beside it.
pub fn short_name(label: &str) -> &str {
    let cut = label.find([':', '(']).unwrap_or(label.len());
    match label[..cut].trim_end() {
        "" => label,
        short => short,
    }
}

/// Every flow's label as drawn (`flow_text`).
pub fn flow_texts(
    doc: &Document,
    flows: &[FlowShape],
    amounts: &[Option<f64>],
    sigma: impl Fn(usize) -> Option<f64>,
) -> Vec<String> {
    (0..doc.flows.len())
        .map(|f| {
            flow_text(
                doc,
                flows.get(f),
                f,
                amounts.get(f).copied().flatten(),
                sigma(f),
            )
        })
        .collect()
}

/// How large label text is, in map units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextSize {
    pub height: f64,
    pub char_width: f64,
    /// Between a label beside its line and the line.
    pub gap: f64,
}

impl TextSize {
    /// 12 pt text on a map at 100 %: what the layout places labels for.
    pub const MAP: TextSize = TextSize {
        height: LABEL_HEIGHT,
        char_width: CHAR_WIDTH,
        gap: 1.0,
    };

    /// Text `px` pixels high on a screen that shows `px_per_unit` pixels per map unit,
    /// kept 3 pixels off its line (a line that touches the text makes it hard to read
    /// from afar).
    pub fn on_screen(px: f64, px_per_unit: f64) -> Self {
        let k = px / 12.0 / px_per_unit.max(1e-6);
        TextSize {
            height: LABEL_HEIGHT * k,
            char_width: CHAR_WIDTH * k,
            gap: 3.0 / px_per_unit.max(1e-6),
        }
    }

    /// The box of a label reading `text` centred on `at`.
    pub fn label_box(&self, text: &str, at: Point) -> Rect {
        let w = self.char_width * text.chars().count() as f64 + 10.0 * self.height / LABEL_HEIGHT;
        Rect::from_center(at, [w, self.height])
    }
}

/// The box of a label reading `text` centred on `at`, at the layout's size.
pub fn label_box(text: &str, at: Point) -> Rect {
    TextSize::MAP.label_box(text, at)
}

/// A flow's label: its box, and the leader line from the flow to it when it sits away
/// from its flow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlowLabel {
    pub rect: Rect,
    pub leader: Option<[Point; 2]>,
    /// At the smaller size (`Labelling::smaller`), there being no room at the full one.
    pub smaller: bool,
}

/// What is already drawn somewhere: boxes on a grid of cells, to find quickly what a new
/// box would touch.
#[derive(Default)]
pub struct Occupied {
    boxes: Vec<Rect>,
    cells: HashMap<(i64, i64), Vec<usize>>,
}

impl Occupied {
    /// Space taken by these boxes.
    pub fn of(boxes: impl IntoIterator<Item = Rect>) -> Self {
        let mut taken = Occupied::default();
        for r in boxes {
            taken.insert(r);
        }
        taken
    }

    fn cells(r: &Rect) -> impl Iterator<Item = (i64, i64)> {
        let cell = |v: f64| (v / CELL).floor().clamp(-1e9, 1e9) as i64;
        let (x0, x1, y0, y1) = (cell(r.min.x), cell(r.max.x), cell(r.min.y), cell(r.max.y));
        (x0..=x1.min(x0 + 64)).flat_map(move |x| (y0..=y1.min(y0 + 64)).map(move |y| (x, y)))
    }

    pub fn insert(&mut self, r: Rect) {
        let i = self.boxes.len();
        self.boxes.push(r);
        for c in Self::cells(&r) {
            self.cells.entry(c).or_default().push(i);
        }
    }

    /// Whether `r` touches anything taken.
    pub fn hits(&self, r: &Rect) -> bool {
        Self::cells(r).any(|c| {
            self.cells
                .get(&c)
                .is_some_and(|list| list.iter().any(|&i| self.boxes[i].intersects(r)))
        })
    }

    /// Whether the segment from `a` to `b` passes through anything taken (sampled
    /// every few units).
    fn crossed(&self, a: Point, b: Point, step: f64) -> bool {
        let n = ((b.x - a.x).hypot(b.y - a.y) / step.max(1.0))
            .ceil()
            .clamp(1.0, 64.0) as usize;
        (1..n).any(|i| {
            let t = i as f64 / n as f64;
            let p = Point::new(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y));
            self.hits(&Rect { min: p, max: p })
        })
    }
}

/// A box for each flow's label at the layout's size, or none where there is no room.
pub fn place(flows: &[FlowShape], nodes: &[Rect], texts: &[String]) -> Vec<Option<Rect>> {
    let mut taken = Occupied::of(nodes.iter().map(|r| r.expand(2.0)));
    let none = Labelling {
        size: TextSize::MAP,
        smaller: None,
        leader: &|_| false,
        area: None,
        reach: LEADER_STEPS,
    };
    place_labels(flows, nodes, texts, &none, &mut taken)
        .into_iter()
        .map(|l| l.map(|l| l.rect))
        .collect()
}

/// How labels are placed: their size, which flows may go on a leader line when there is
/// no room on their line, and the area labels must stay in (the part of the map on
/// screen).
pub struct Labelling<'a> {
    pub size: TextSize,
    /// A smaller size the flows that may go on a leader line try when there is no room
    /// for them at `size`.
    pub smaller: Option<TextSize>,
    pub leader: &'a dyn Fn(usize) -> bool,
    pub area: Option<Rect>,
    /// How many label heights from its line a leader may reach.
    pub reach: usize,
}

/// Labels for the flows, clear of what `taken` holds (node boxes, titles, pins), each
/// added to it once placed. Leader lines do not pass through a node of `nodes`.
pub fn place_labels(
    flows: &[FlowShape],
    nodes: &[Rect],
    texts: &[String],
    how: &Labelling<'_>,
    taken: &mut Occupied,
) -> Vec<Option<FlowLabel>> {
    let node_space = Occupied::of(nodes.iter().copied());
    let mut order: Vec<usize> = (0..flows.len()).collect();
    order.sort_by(|&a, &b| flows[b].width.total_cmp(&flows[a].width).then(a.cmp(&b)));
    let mut placed = vec![None; flows.len()];
    for f in order {
        let Some(text) = texts.get(f) else { continue };
        if text.is_empty() || flows[f].points.len() < 2 {
            continue;
        }
        let leader = (how.leader)(f);
        let sizes = std::iter::once((how.size, false))
            .chain(how.smaller.filter(|_| leader).map(|s| (s, true)));
        let found = sizes.into_iter().find_map(|(size, smaller)| {
            let place = Place {
                size,
                area: how.area,
                reach: how.reach,
                taken,
                nodes: &node_space,
            };
            place.label(&flows[f], text, leader, smaller)
        });
        if let Some(l) = found {
            taken.insert(l.rect);
            placed[f] = Some(l);
        }
    }
    placed
}

/// Where one label may go: at one size, inside the area, clear of what is taken.
struct Place<'a> {
    size: TextSize,
    area: Option<Rect>,
    reach: usize,
    taken: &'a Occupied,
    nodes: &'a Occupied,
}

impl Place<'_> {
    fn free(&self, b: &Rect) -> bool {
        let margin = self.size.height / LABEL_HEIGHT;
        self.area
            .is_none_or(|a| a.contains(b.min) && a.contains(b.max))
            && !self.taken.hits(&b.expand(margin))
    }

    /// On the line, else just above or below it, else (if `leader`) on a leader line.
    fn label(
        &self,
        flow: &FlowShape,
        text: &str,
        leader: bool,
        smaller: bool,
    ) -> Option<FlowLabel> {
        let size = self.size;
        let beside = size.height / 2.0 + flow.width / 2.0 + size.gap;
        let on_line = [0.0, -beside, beside].into_iter().flat_map(|dy| {
            ALONG.iter().map(move |&t| {
                let p = point_along(&flow.points, t);
                Point::new(p.x, p.y + dy)
            })
        });
        let margin = size.height / LABEL_HEIGHT;
        on_line
            .map(|at| size.label_box(text, at))
            .find(|b| self.free(b))
            .map(|rect| FlowLabel {
                rect,
                leader: None,
                smaller,
            })
            .or_else(|| {
                leader.then(|| {
                    on_leader(flow, text, size, self.reach, |b, [p, q]| {
                        self.free(b)
                            && !self.nodes.hits(b)
                            && !self.nodes.crossed(p, q, margin * 4.0)
                    })
                    .map(|l| FlowLabel { smaller, ..l })
                })?
            })
    }
}

/// The nearest free place off a flow's line, nearest first: straight above or below a
/// point of the line, or a little to either side.
fn on_leader(
    flow: &FlowShape,
    text: &str,
    size: TextSize,
    reach: usize,
    free: impl Fn(&Rect, [Point; 2]) -> bool,
) -> Option<FlowLabel> {
    let w = size.label_box(text, Point::default());
    let half_w = (w.max.x - w.min.x) / 2.0;
    for k in 1..=reach {
        let dy = flow.width / 2.0 + size.height * (0.5 + 1.1 * k as f64);
        for &t in &ALONG {
            let p = point_along(&flow.points, t);
            for (sx, sy) in [
                (0.0, -1.0),
                (0.0, 1.0),
                (-1.0, -1.0),
                (1.0, -1.0),
                (-1.0, 1.0),
                (1.0, 1.0),
            ] {
                let at = Point::new(p.x + sx * half_w, p.y + sy * dy);
                let rect = size.label_box(text, at);
                // From the line to the nearest point of the label's edge.
                let end = Point::new(
                    p.x.clamp(rect.min.x, rect.max.x),
                    if sy < 0.0 { rect.max.y } else { rect.min.y },
                );
                if free(&rect, [p, end]) {
                    return Some(FlowLabel {
                        rect,
                        leader: Some([p, end]),
                        smaller: false,
                    });
                }
            }
        }
    }
    None
}

/// The amounts that matter placed at fit on a map area `area` pixels wide and high (as
/// the canvas fits a map, with its margin), at `px` pixels or, where there is no room,
/// at `smaller_px`: how many were placed, of how many that matter. For
/// `loopmap arrange --report` and the layout's property tests.
pub fn placed_at_fit(
    layout: &crate::geometry::Layout,
    texts: &[String],
    amounts: &[Option<f64>],
    area: [f64; 2],
    (px, smaller_px): (f64, f64),
) -> (Vec<Option<FlowLabel>>, usize, usize) {
    let matter = matters(amounts);
    let wanted = matter.iter().filter(|&&m| m).count();
    let Some(bounds) = layout.bounds().map(|b| b.expand(FIT_MARGIN)) else {
        return (vec![None; layout.flows.len()], 0, wanted);
    };
    let (w, h) = (bounds.max.x - bounds.min.x, bounds.max.y - bounds.min.y);
    let scale = (area[0] / w.max(1.0))
        .min(area[1] / h.max(1.0))
        .min(MAX_FIT_ZOOM);
    let centre = bounds.center();
    let shown = Rect::from_center(centre, [area[0] / scale, area[1] / scale]);
    let mut taken = Occupied::of(layout.nodes.iter().map(|r| r.expand(2.0 / scale)));
    let how = Labelling {
        size: TextSize::on_screen(px, scale),
        smaller: Some(TextSize::on_screen(smaller_px, scale)),
        leader: &|f| matter.get(f).copied().unwrap_or(false),
        area: Some(shown),
        reach: LEADER_STEPS,
    };
    let placed = place_labels(&layout.flows, &layout.nodes, texts, &how, &mut taken);
    let count = placed
        .iter()
        .zip(&matter)
        .filter(|(l, m)| **m && l.is_some())
        .count();
    (placed, count, wanted)
}

/// The margin the canvas leaves around a fitted map, and its largest fitting zoom.
const FIT_MARGIN: f64 = 24.0;
const MAX_FIT_ZOOM: f64 = 1.5;

/// Labels for a picture of the map at 100 % (the SVG and PNG exports): every flow with a
/// text gets one, on a leader line where its line has no room, clear of the node boxes
/// and the pins (a picture has no tooltip to leave an amount to).
pub fn picture_labels(
    layout: &crate::geometry::Layout,
    texts: &[String],
    pins: &[Rect],
) -> Vec<Option<FlowLabel>> {
    let mut taken = Occupied::of(
        layout
            .nodes
            .iter()
            .map(|r| r.expand(2.0))
            .chain(pins.iter().copied()),
    );
    let how = Labelling {
        size: TextSize::MAP,
        smaller: None,
        leader: &|_| true,
        area: None,
        reach: PICTURE_LEADER_STEPS,
    };
    place_labels(&layout.flows, &layout.nodes, texts, &how, &mut taken)
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn a_short_name_stops_before_a_colon_or_a_bracket() {
        assert_eq!(short_name("Shredded: lost in steel scrap"), "Shredded");
        assert_eq!(
            short_name("Landfill & incineration (UK)"),
            "Landfill & incineration"
        );
        assert_eq!(short_name("Landfill"), "Landfill");
        assert_eq!(short_name("(unnamed)"), "(unnamed)");
    }
}
