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
//!    straightened by weighted isotonic regression;
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Keep each column's current top-to-bottom order (for small edits) instead of
    /// choosing the order with the fewest crossings.
    pub keep_order: bool,
}

/// New positions (node centres, in map order) for the whole map. `amounts` are the solved
/// flow amounts: wide flows weigh more when crossings are counted and need wider gaps.
/// The same map and amounts always give the same positions.
pub fn arrange(doc: &Document, amounts: &[Option<f64>], options: Options) -> Vec<[f64; 2]> {
    let net = net::Net::new(doc, amounts);
    let layers = rank::layers(doc, &net);
    let candidates: Vec<Vec<[f64; 2]>> = order::order(doc, &net, &layers, options)
        .iter()
        .map(|ordered| coords::positions(&net, ordered))
        .collect();
    if candidates.len() <= 1 {
        return candidates.into_iter().next().unwrap_or_default();
    }
    // Drawn, which reads best: no flow through a node, then fewest crossings, labels.
    let mut trial = doc.clone();
    let score = |positions: &Vec<[f64; 2]>, trial: &mut Document| {
        for (node, &pos) in trial.nodes.iter_mut().zip(positions) {
            node.pos = pos;
        }
        let q = quality::measure(trial, &shapes(trial, amounts, Drawing::SANKEY));
        (
            q.through_nodes,
            q.crossings,
            q.overlapping_labels,
            q.unlabelled,
        )
    };
    let scores: Vec<_> = candidates.iter().map(|c| score(c, &mut trial)).collect();
    let best = (0..candidates.len())
        .min_by_key(|&i| (scores[i], i))
        .unwrap_or(0);
    let mut positions = candidates.into_iter().nth(best).unwrap_or_default();
    // Then each node swapped with the one below it in its column (as first arranged)
    // where the drawing reads better; all nodes are the same size, so a swap keeps the
    // spacing. This catches what the order's count of crossings cannot see.
    let mut current = scores[best];
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
        let s = score(&swapped, &mut trial);
        if s < current {
            current = s;
            positions = swapped;
        }
    }
    positions
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
