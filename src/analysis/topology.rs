//! Index of a document's graph: node positions, each flow's ends, in- and outflows, and
//! the graph questions the indicators ask (answered with petgraph).

use foldhash::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Bfs, EdgeFiltered, EdgeRef, Walker};

use crate::model::{Document, Loop, NodeKind};

pub struct Topology {
    /// Node index by id.
    pub index: HashMap<String, usize>,
    /// Each flow's `from` and `to` as node indices.
    pub from: Vec<usize>,
    pub to: Vec<usize>,
    pub outflows: Vec<Vec<usize>>,
    pub inflows: Vec<Vec<usize>>,
    /// Nodes as graph vertices, flows as edges (edge weight = flow index).
    pub graph: DiGraph<usize, usize>,
}

impl Topology {
    /// Builds the index; the document must be valid (every flow end exists).
    pub fn new(doc: &Document) -> Self {
        let index: HashMap<String, usize> = doc
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i))
            .collect();
        let n = doc.nodes.len();
        let mut graph = DiGraph::with_capacity(n, doc.flows.len());
        for i in 0..n {
            graph.add_node(i);
        }
        let (mut from, mut to) = (Vec::new(), Vec::new());
        let mut outflows = vec![Vec::new(); n];
        let mut inflows = vec![Vec::new(); n];
        for (f, flow) in doc.flows.iter().enumerate() {
            // A dangling end (impossible after validation) is attached to nothing.
            let (Some(&a), Some(&b)) = (index.get(&flow.from), index.get(&flow.to)) else {
                from.push(usize::MAX);
                to.push(usize::MAX);
                continue;
            };
            from.push(a);
            to.push(b);
            outflows[a].push(f);
            inflows[b].push(f);
            graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), f);
        }
        Topology {
            index,
            from,
            to,
            outflows,
            inflows,
            graph,
        }
    }

    /// Nodes reached from a use node along forward (`loop: none`) flows, use nodes excluded:
    /// where end-of-life material goes.
    pub fn downstream_of_use(&self, doc: &Document) -> Vec<bool> {
        let forward = EdgeFiltered::from_fn(&self.graph, |e| {
            doc.flows[*e.weight()].loop_kind == Loop::None
        });
        let mut reached = vec![false; doc.nodes.len()];
        for (i, node) in doc.nodes.iter().enumerate() {
            if node.kind == NodeKind::Use {
                for v in Bfs::new(&forward, NodeIndex::new(i)).iter(&forward) {
                    reached[v.index()] = true;
                }
            }
        }
        for (i, node) in doc.nodes.iter().enumerate() {
            if node.kind == NodeKind::Use {
                reached[i] = false;
            }
        }
        reached
    }

    /// Cycles made only of forward flows, as the flows inside each strongly connected set.
    pub fn forward_cycles(&self, doc: &Document) -> Vec<Vec<usize>> {
        let forward = self.graph.filter_map(
            |_, &n| Some(n),
            |_, &f| (doc.flows[f].loop_kind == Loop::None).then_some(f),
        );
        let mut component = vec![usize::MAX; doc.nodes.len()];
        let mut cycles: Vec<Vec<usize>> = Vec::new();
        for scc in petgraph::algo::kosaraju_scc(&forward) {
            if scc.len() > 1 {
                for v in scc {
                    component[v.index()] = cycles.len();
                }
                cycles.push(Vec::new());
            }
        }
        for e in forward.edge_references() {
            let c = component[e.source().index()];
            if c != usize::MAX && c == component[e.target().index()] {
                cycles[c].push(*e.weight());
            }
        }
        for flows in &mut cycles {
            flows.sort_unstable();
        }
        cycles
    }
}
