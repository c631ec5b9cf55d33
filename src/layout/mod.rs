//! Where the map goes: the layered Sankey layout of a value chain, without egui.
//!
//! `arrange` chooses node positions in four steps, one file each, so a reader can follow
//! them in order:
//! 1. `rank`: a column per node, from its value-chain stage and kind (mining, separation,
//!    metal, magnet, component, product, use, then what follows use by longest path);
//!    forward cycles are broken with a feedback arc set;
//! 2. `order`: the order of nodes in each column, with a waypoint for every column a long
//!    flow crosses and the reverse loops pulling their nodes to the channel side; chosen
//!    by barycentre sweeps and adjacent swaps to cross as few pairs of flows as possible
//!    (from several starts on a small map, each sifted, the best few then drawn and
//!    measured, and the best drawing tried with neighbours swapped);
//! 3. `coords`: compact coordinates, column gaps sized to the loops that turn in them, rows
//!    straightened by weighted isotonic regression; given the canvas's shape, Arrange then
//!    adds room between rows (or columns) towards it (`fill`), where that reads no worse;
//!
//! and `shapes` draws any positions (arranged or moved by hand), every time the map is
//! drawn: `route` runs long flows through free gaps of the columns they cross (where they
//! cross fewest flows, on a small map) and nests the reverse loops by span in a channel
//! under the chain or over it, whichever side their legs cross less (a loop between
//! neighbouring nodes goes the short way, beside its ends; in workshop mode a residue into
//! a shared sink from far upstream ends in a stub beside its stage);
//! `labels` puts each flow's label where it overlaps nothing, with one notion of occupied
//! space that the canvas (amounts and pins at screen size) and the exports (leader lines)
//! share. `quality` counts what makes a picture hard to read, for tests and benchmarks.

mod coords;
pub mod labels;
mod net;
mod order;
pub mod quality;
mod rank;
mod route;

pub use route::{Drawing, shapes};

use crate::model::Document;

/// The column Arrange gives each node (in map order), from 0 at the left: the value
/// chain's order, for lists that should read as the map does.
pub fn columns(doc: &Document) -> Vec<usize> {
    rank::layers(doc, &net::Net::new(doc, &[]))
}

/// What Arrange may change.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Options {
    /// Keep each column's current top-to-bottom order (for small edits) instead of
    /// choosing the order with the fewest crossings.
    pub keep_order: bool,
    /// The width / height of the canvas the map is shown on: a chain wider than that gets
    /// more room between rows, a taller one more between columns, up to the canvas's shape
    /// (the map is fitted no smaller, and its labels find room). `None`: compact.
    pub aspect: Option<f64>,
}

/// The most room `fill` adds between two columns, and between two rows, in map units.
const MAX_COLUMN_ROOM: f64 = 120.0;
const MAX_ROW_ROOM: f64 = 72.0;

/// New positions (node centres, in map order) for the whole map. `amounts` are the solved
/// flow amounts: wide flows weigh more when crossings are counted and need wider gaps.
/// The same map and amounts always give the same positions.
pub fn arrange(doc: &Document, amounts: &[Option<f64>], options: Options) -> Vec<[f64; 2]> {
    let net = net::Net::new(doc, amounts);
    let layers = rank::layers(doc, &net);
    let orders = order::order(doc, &net, &layers, options);
    let candidates: Vec<Vec<[f64; 2]>> = orders
        .iter()
        .map(|ordered| coords::positions(&net, ordered, coords::Spacing::default()))
        .collect();
    // Drawn, which reads best: no flow through a node, then fewest crossings, labels.
    let mut trial = doc.clone();
    let score = |positions: &Vec<[f64; 2]>, trial: &mut Document| {
        let layout = drawn(trial, positions, amounts);
        let q = quality::measure(trial, &layout);
        (
            q.through_nodes,
            q.crossings,
            q.overlapping_labels,
            q.unlabelled,
        )
    };
    let scores: Vec<_> = if candidates.len() > 1 {
        candidates.iter().map(|c| score(c, &mut trial)).collect()
    } else {
        Vec::new()
    };
    let best = (0..candidates.len())
        .min_by_key(|&i| (scores.get(i), i))
        .unwrap_or(0);
    let Some(compact) = candidates.into_iter().nth(best) else {
        return Vec::new();
    };
    // Several orders were tried: the best is improved by swaps (one order kept as it is
    // is not).
    let several = !scores.is_empty();
    let improved = |positions: Vec<[f64; 2]>, known: Option<_>, trial: &mut Document| {
        let current = known.unwrap_or_else(|| score(&positions, trial));
        if several {
            swapped_where_better(positions, current, &mut |p| score(p, trial))
        } else {
            (positions, current)
        }
    };
    let spacing = options
        .aspect
        .map(|aspect| fill(&drawn(&mut trial, &compact, amounts), aspect))
        .filter(|s| *s != coords::Spacing::default());
    let (Some(spacing), Some(ordered)) = (spacing, orders.get(best)) else {
        return if several {
            improved(compact, scores.get(best).copied(), &mut trial).0
        } else {
            compact
        };
    };
    // With room to fill the canvas's shape, unless that draws worse or places fewer
    // amounts at fit on such a canvas.
    let (compact, compact_score) = improved(compact, scores.get(best).copied(), &mut trial);
    let spaced = coords::positions(&net, ordered, spacing);
    let (spaced, spaced_score) = improved(spaced, None, &mut trial);
    let aspect = options.aspect.unwrap_or(1.0);
    let mut at_fit = |positions: &[[f64; 2]]| placed_at_fit(&mut trial, positions, amounts, aspect);
    if spaced_score <= compact_score && at_fit(&spaced) >= at_fit(&compact) {
        spaced
    } else {
        compact
    }
}

/// How many amounts that matter `trial` drawn at `positions` places at fit on a canvas of
/// this shape (480 pixels high), as workshop mode sizes them.
fn placed_at_fit(
    trial: &mut Document,
    positions: &[[f64; 2]],
    amounts: &[Option<f64>],
    aspect: f64,
) -> usize {
    let layout = drawn(trial, positions, amounts);
    let texts = labels::flow_texts(trial, &layout.flows, amounts, |_| None);
    let area = [FIT_HEIGHT * aspect, FIT_HEIGHT];
    labels::placed_at_fit(&layout, &texts, amounts, area, (16.0, 14.0)).1
}

/// The canvas height `placed_at_fit` fits maps into: a projector's, less the strips.
const FIT_HEIGHT: f64 = 480.0;
/// A drawing within this of the canvas's shape (a factor, in ln: 22 %) is left compact.
const NEAR_ENOUGH: f64 = 0.2;

/// Each node swapped with the one below it in its column (as first arranged) where the
/// drawing reads better (`score` lower); all nodes are the same size, so a swap keeps the
/// spacing. This catches what the order's count of crossings cannot see.
fn swapped_where_better<S: PartialOrd + Copy>(
    mut positions: Vec<[f64; 2]>,
    mut current: S,
    score: &mut dyn FnMut(&Vec<[f64; 2]>) -> S,
) -> (Vec<[f64; 2]>, S) {
    let mut by_column: Vec<usize> = (0..positions.len()).collect();
    by_column.sort_by(|&a, &b| {
        let (p, q) = (positions[a], positions[b]);
        p[0].total_cmp(&q[0]).then(p[1].total_cmp(&q[1]))
    });
    for pair in by_column.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if positions[a][0] != positions[b][0] {
            continue;
        }
        let mut swapped = positions.clone();
        swapped[a][1] = positions[b][1];
        swapped[b][1] = positions[a][1];
        let s = score(&swapped);
        if s < current {
            current = s;
            positions = swapped;
        }
    }
    (positions, current)
}

/// `trial` drawn with its nodes at `positions`.
fn drawn(
    trial: &mut Document,
    positions: &[[f64; 2]],
    amounts: &[Option<f64>],
) -> crate::geometry::Layout {
    for (node, &pos) in trial.nodes.iter_mut().zip(positions) {
        node.pos = pos;
    }
    shapes(trial, amounts, Drawing::SANKEY)
}

/// The room to add so that the drawing `layout` takes the shape `aspect` (width / height):
/// between rows for a chain wider than that, between columns for a taller one, each gap
/// alike and at most `MAX_*_ROOM`; none when it is near enough already.
fn fill(layout: &crate::geometry::Layout, aspect: f64) -> coords::Spacing {
    let Some(b) = layout.bounds() else {
        return coords::Spacing::default();
    };
    let (w, h) = (b.max.x - b.min.x, b.max.y - b.min.y);
    if !(aspect.is_finite() && aspect > 0.0 && w > 0.0 && h > 0.0)
        || (w / h / aspect).ln().abs() <= NEAR_ENOUGH
    {
        return coords::Spacing::default();
    }
    // The columns (arranged nodes of one column share their x) and the most nodes one holds.
    let mut per_column: foldhash::HashMap<i64, usize> = Default::default();
    for r in &layout.nodes {
        *per_column.entry(r.min.x.round() as i64).or_default() += 1;
    }
    let rows = per_column.values().copied().max().unwrap_or(1);
    let (column_gaps, row_gaps) = (per_column.len().saturating_sub(1), rows.saturating_sub(1));
    if w / h > aspect && row_gaps > 0 {
        let room = (w / aspect - h) / row_gaps as f64;
        coords::Spacing {
            column: 0.0,
            row: room.min(MAX_ROW_ROOM).round(),
        }
    } else if w / h < aspect && column_gaps > 0 {
        let room = (h * aspect - w) / column_gaps as f64;
        coords::Spacing {
            column: room.min(MAX_COLUMN_ROOM).round(),
            row: 0.0,
        }
    } else {
        coords::Spacing::default()
    }
}

/// Moves the nodes of `doc` to the positions `arrange` gives.
pub fn arrange_in_place(doc: &mut Document, amounts: &[Option<f64>], options: Options) {
    let positions = arrange(doc, amounts, options);
    for (node, pos) in doc.nodes.iter_mut().zip(positions) {
        node.pos = pos;
    }
}

/// A map whose nodes all sit on one spot (a file written without positions): it is
/// arranged when opened or exported.
pub fn needs_arrange(doc: &Document) -> bool {
    doc.nodes.len() > 1 && doc.nodes.iter().all(|n| n.pos == doc.nodes[0].pos)
}
