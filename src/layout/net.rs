//! The map as the layout sees it: nodes by index and every flow between two of them with
//! its Sankey width.

use crate::geometry::flow_width;
use crate::model::{Document, Loop};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    pub flow: usize,
    pub from: usize,
    pub to: usize,
    pub width: f64,
    /// Drawn as part of a reverse loop (maintain, reuse, remanufacture, recycle).
    pub reverse_loop: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Net {
    pub nodes: usize,
    /// Flows whose two ends exist and differ, in map order.
    pub edges: Vec<Edge>,
}

impl Net {
    pub fn new(doc: &Document, amounts: &[Option<f64>]) -> Net {
        let index = doc.node_index();
        let largest = amounts.iter().flatten().fold(0.0f64, |m, a| m.max(*a));
        let edges = doc
            .flows
            .iter()
            .enumerate()
            .filter_map(|(f, flow)| {
                let from = *index.get(flow.from.as_str())?;
                let to = *index.get(flow.to.as_str())?;
                (from != to).then(|| Edge {
                    flow: f,
                    from,
                    to,
                    width: flow_width(amounts.get(f).copied().flatten(), largest),
                    reverse_loop: flow.loop_kind != Loop::None,
                })
            })
            .collect();
        Net {
            nodes: doc.nodes.len(),
            edges,
        }
    }
}
