//! Step 1: a column (layer) per node. Nodes with a known value-chain stage keep the
//! chain's order (mining, separation, metal, magnet, component, product, use); the rest
//! follow their inputs (longest path over forward flows). Wastes and exports join the
//! first column after their last input, so a residue stays beside the stage that makes it
//! without a column of its own. Empty columns are removed.

use petgraph::algo::{greedy_feedback_arc_set, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::net::Net;
use crate::model::{Document, Node, NodeKind};

/// Where a node sits in the value chain, when its stage or kind says so.
pub fn chain_position(node: &Node) -> Option<usize> {
    if node.kind == NodeKind::Use {
        return Some(6);
    }
    if matches!(node.kind, NodeKind::Waste | NodeKind::Export) {
        return None;
    }
    let stage = node.stage.as_deref()?.to_ascii_lowercase();
    // The battery chain beside the magnet chain: precursor as metal, cathode and anode
    // as the magnet (the functional material), the cell as a component, the pack as a
    // product.
    const CHAIN: [(&str, usize); 15] = [
        ("min", 0),
        ("separat", 1),
        ("refin", 1),
        ("metal", 2),
        ("alloy", 2),
        ("precursor", 2),
        ("pcam", 2),
        ("magnet", 3),
        ("cathode", 3),
        ("anode", 3),
        ("component", 4),
        ("cell", 4),
        ("product", 5),
        ("pack", 5),
        ("use", 6),
    ];
    CHAIN
        .iter()
        .find(|(word, _)| stage.contains(word))
        .map(|&(_, p)| p)
}

/// The column of every node, from 0 (left) without gaps.
pub fn layers(doc: &Document, net: &Net) -> Vec<usize> {
    let n = net.nodes;
    // Flows that set the columns: forward flows, and loop flows into a node that nothing
    // else feeds (a repair shop, an export of used products), which would float otherwise.
    let forward_in: Vec<bool> = (0..n)
        .map(|v| net.edges.iter().any(|e| e.to == v && !e.reverse_loop))
        .collect();
    let mut graph = DiGraph::<(), ()>::with_capacity(n, net.edges.len());
    for _ in 0..n {
        graph.add_node(());
    }
    for e in &net.edges {
        if !e.reverse_loop || !forward_in[e.to] {
            graph.add_edge(NodeIndex::new(e.from), NodeIndex::new(e.to), ());
        }
    }
    // A forward cycle: drop the fewest flows that break it (greedy feedback arc set).
    let dropped: std::collections::HashSet<_> =
        greedy_feedback_arc_set(&graph).map(|e| e.id()).collect();
    let mut dag = DiGraph::<(), ()>::with_capacity(n, graph.edge_count());
    for _ in 0..n {
        dag.add_node(());
    }
    for e in graph.edge_references() {
        if !dropped.contains(&e.id()) {
            dag.add_edge(e.source(), e.target(), ());
        }
    }
    let topo = toposort(&dag, None).unwrap_or_else(|_| dag.node_indices().collect());

    let sink = |v: usize| matches!(doc.nodes[v].kind, NodeKind::Waste | NodeKind::Export);
    let fixed: Vec<Option<usize>> = doc.nodes.iter().map(chain_position).collect();
    let mut layer: Vec<usize> = fixed.iter().map(|p| p.unwrap_or(0)).collect();
    for &v in &topo {
        if sink(v.index()) {
            continue;
        }
        for w in dag.neighbors(v) {
            if !sink(w.index()) {
                layer[w.index()] = layer[w.index()].max(layer[v.index()] + 1);
            }
        }
    }
    // A source without a stage sits just before the first node it feeds.
    for &v in topo.iter().rev() {
        let i = v.index();
        let has_inputs = dag
            .neighbors_directed(v, petgraph::Incoming)
            .next()
            .is_some();
        if sink(i) || has_inputs || fixed[i].is_some() {
            continue;
        }
        if let Some(first) = dag
            .neighbors(v)
            .filter(|w| !sink(w.index()))
            .map(|w| layer[w.index()])
            .min()
        {
            layer[i] = first.saturating_sub(1).max(layer[i]);
        }
    }
    let mut used: Vec<usize> = (0..n).filter(|&v| !sink(v)).map(|v| layer[v]).collect();
    used.sort_unstable();
    used.dedup();
    // Wastes and exports: the first column after their last input, in topological order
    // so that a sink fed by another sink comes after it.
    for &v in &topo {
        let i = v.index();
        if !sink(i) {
            continue;
        }
        let after = dag
            .neighbors_directed(v, petgraph::Incoming)
            .map(|u| layer[u.index()] + 1)
            .max()
            .unwrap_or(0);
        layer[i] = match used.iter().find(|&&l| l >= after) {
            Some(&l) => l,
            None => {
                used.push(after);
                after
            }
        };
    }
    used = layer.clone();
    used.sort_unstable();
    used.dedup();
    layer
        .iter()
        .map(|l| used.binary_search(l).unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flow, Loop};

    fn doc(nodes: &[(&str, NodeKind, Option<&str>)], flows: &[(&str, &str, Loop)]) -> Document {
        let mut d = Document::new("t");
        for (id, kind, stage) in nodes {
            let mut n = Node::new(*id, *id, *kind);
            n.stage = stage.map(str::to_string);
            d.nodes.push(n);
        }
        for (i, (a, b, kind)) in flows.iter().enumerate() {
            let mut f = Flow::new(format!("f{i}"), *a, *b);
            f.loop_kind = *kind;
            d.flows.push(f);
        }
        d
    }

    #[test]
    fn battery_stages_as_users_type_them_take_their_place_in_the_chain() {
        let at = |stage: &str| {
            let mut n = Node::new("n", "n", NodeKind::Process);
            n.stage = Some(stage.to_string());
            chain_position(&n)
        };
        let typed = [
            "Mining",
            "Refining",
            "Precursor (pCAM)",
            "Cathode active material",
            "Cell making",
            "Pack assembly",
        ];
        let places: Vec<Option<usize>> = typed.iter().map(|s| at(s)).collect();
        assert!(places.iter().all(Option::is_some), "{places:?}");
        assert!(places.windows(2).all(|w| w[0] < w[1]), "{places:?}");
        assert_eq!(at("Anode (graphite)"), at("Cathode active material"));
    }

    #[test]
    fn stages_give_chain_order_and_empty_columns_go() {
        let d = doc(
            &[
                ("ev", NodeKind::Use, None),
                ("mag", NodeKind::Source, Some("magnet")),
                ("motor", NodeKind::Process, Some("component")),
                ("rec", NodeKind::Recovery, Some("magnet")),
                ("bin", NodeKind::Waste, None),
            ],
            &[
                ("mag", "motor", Loop::None),
                ("motor", "ev", Loop::None),
                ("ev", "rec", Loop::None),
                ("rec", "motor", Loop::Recycle),
                ("rec", "bin", Loop::None),
                ("motor", "bin", Loop::None),
            ],
        );
        let net = Net::new(&d, &[]);
        // magnet 0, component 1, use 2, recovery after use 3 (its stage only a lower
        // bound), the waste after its last input in a new column.
        assert_eq!(layers(&d, &net), vec![2, 0, 1, 3, 4]);
    }

    #[test]
    fn a_forward_cycle_is_broken_and_a_repair_shop_follows_use() {
        let d = doc(
            &[
                ("a", NodeKind::Process, None),
                ("b", NodeKind::Process, None),
                ("c", NodeKind::Process, None),
                ("use", NodeKind::Use, None),
                ("repair", NodeKind::Recovery, None),
            ],
            &[
                ("a", "b", Loop::None),
                ("b", "c", Loop::None),
                ("c", "a", Loop::None),
                ("c", "use", Loop::None),
                ("use", "repair", Loop::Maintain),
                ("repair", "use", Loop::Maintain),
            ],
        );
        let l = layers(&d, &Net::new(&d, &[]));
        // One flow of the cycle is dropped; the other two still run left to right.
        let mut cycle = vec![l[0], l[1], l[2]];
        cycle.sort_unstable();
        cycle.dedup();
        assert_eq!(cycle.len(), 3, "{l:?}");
        assert!(l[3] > l[2], "{l:?}");
        assert_eq!(l[4], l[3] + 1, "repair right after use: {l:?}");
    }
}
