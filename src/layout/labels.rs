//! Flow labels where they overlap no node and no other label: the widest flows choose
//! first, each trying points along its line from the middle outwards, then just beside the
//! line. A label that finds no room is left to the flow's tooltip.

use std::collections::HashMap;

use super::route::point_along;
use crate::geometry::{FlowShape, Point, Rect};

/// Height of a label box, and the width of a character (12 pt text).
pub const LABEL_HEIGHT: f64 = 16.0;
const CHAR_WIDTH: f64 = 6.6;
/// Where along its line a label may sit, in order of preference.
const ALONG: [f64; 11] = [
    0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82, 0.1, 0.9,
];
const CELL: f64 = 160.0;

/// The box of a label reading `text` centred on `at`.
pub fn label_box(text: &str, at: Point) -> Rect {
    let w = CHAR_WIDTH * text.chars().count() as f64 + 10.0;
    Rect::from_center(at, [w, LABEL_HEIGHT])
}

/// Boxes on a grid of cells, to find quickly what a new box would touch.
#[derive(Default)]
struct Grid {
    boxes: Vec<Rect>,
    cells: HashMap<(i64, i64), Vec<usize>>,
}

impl Grid {
    fn cells(r: &Rect) -> impl Iterator<Item = (i64, i64)> {
        let cell = |v: f64| (v / CELL).floor().clamp(-1e9, 1e9) as i64;
        let (x0, x1, y0, y1) = (cell(r.min.x), cell(r.max.x), cell(r.min.y), cell(r.max.y));
        (x0..=x1.min(x0 + 64)).flat_map(move |x| (y0..=y1.min(y0 + 64)).map(move |y| (x, y)))
    }

    fn insert(&mut self, r: Rect) {
        let i = self.boxes.len();
        self.boxes.push(r);
        for c in Self::cells(&r) {
            self.cells.entry(c).or_default().push(i);
        }
    }

    fn hits(&self, r: &Rect) -> bool {
        Self::cells(r).any(|c| {
            self.cells
                .get(&c)
                .is_some_and(|list| list.iter().any(|&i| self.boxes[i].intersects(r)))
        })
    }
}

/// A box for each flow's label, or none where there is no room.
pub fn place(flows: &[FlowShape], nodes: &[Rect], texts: &[String]) -> Vec<Option<Rect>> {
    let mut taken = Grid::default();
    for r in nodes {
        taken.insert(r.expand(2.0));
    }
    let mut order: Vec<usize> = (0..flows.len()).collect();
    order.sort_by(|&a, &b| flows[b].width.total_cmp(&flows[a].width).then(a.cmp(&b)));
    let mut placed = vec![None; flows.len()];
    for f in order {
        let Some(text) = texts.get(f) else { continue };
        if text.is_empty() || flows[f].points.len() < 2 {
            continue;
        }
        // On the line first; then just above or below it.
        let beside = LABEL_HEIGHT / 2.0 + flows[f].width / 2.0 + 1.0;
        let candidates = [0.0, -beside, beside].into_iter().flat_map(|dy| {
            ALONG.iter().map(move |&t| {
                let p = point_along(&flows[f].points, t);
                Point::new(p.x, p.y + dy)
            })
        });
        for at in candidates {
            let b = label_box(text, at);
            if !taken.hits(&b.expand(1.0)) {
                taken.insert(b);
                placed[f] = Some(b);
                break;
            }
        }
    }
    placed
}
