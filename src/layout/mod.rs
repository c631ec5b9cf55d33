//! Where the map goes: the layered Sankey layout of a value chain, without egui.
//!
//! `arrange` chooses node positions in four steps, one file each, so a reader can follow
//! them in order:
//! 1. `rank`: a column per node, from its value-chain stage and kind (mining, separation,
//!    metal, magnet, component, product, use, then what follows use by longest path);
//!    forward cycles are broken with a feedback arc set;
//! 2. `order`: the order of nodes in each column, with a waypoint for every column a long
//!    flow crosses and the reverse loops pulling their nodes to the channel side; chosen
//!    by barycentre sweeps and adjacent swaps to cross as little flow width as possible;
//! 3. `coords`: compact coordinates, column gaps sized to the loops that turn in them, rows
//!    straightened by weighted isotonic regression;
//!
//! and `shapes` draws any positions (arranged or moved by hand), every time the map is
//! drawn: `route` runs long flows through free gaps of the columns they cross and nests the
//! reverse loops by span in a channel under the chain (over it where two would cross);
//! `labels` puts each flow's label where it overlaps nothing. `quality` counts what makes
//! a picture hard to read, for tests and benchmarks.

mod coords;
mod labels;
mod net;
mod order;
pub mod quality;
mod rank;
mod route;

pub use route::shapes;

use crate::model::Document;

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
    let ordered = order::order(doc, &net, &layers, options);
    coords::positions(&net, &ordered)
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
