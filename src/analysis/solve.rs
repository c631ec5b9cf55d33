//! The flow solver (indicators.md §1): fixed, share and auto flows and use-node stock
//! changes, as one linear system; the status says whether it has exactly one solution.

use serde::Serialize;

use super::linear::System;
use super::topology::Topology;
use crate::model::{Document, FlowValue, NodeKind, StockChange};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Underdetermined,
    Inconsistent,
    Negative,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Underdetermined => "underdetermined",
            Status::Inconsistent => "inconsistent",
            Status::Negative => "negative",
        }
    }
}

/// Something the solver solves for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unknown {
    Flow(usize),
    StockChange(usize),
}

/// An equation of the system, by what it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Equation {
    /// Mass balance of a process, use or recovery node.
    Balance(usize),
    /// A share flow's transfer coefficient.
    Share(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FlowSolution {
    pub status: Status,
    /// Amount of each flow (document order); `None` when the map leaves it open.
    pub flows: Vec<Option<f64>>,
    /// Stock change of each node (document order); `Some(0)` for nodes without stock.
    pub stock_change: Vec<Option<f64>>,
    pub undetermined: Vec<Unknown>,
    pub conflicts: Vec<Equation>,
    /// Flows that come out below zero.
    pub negative: Vec<usize>,
}

pub fn solve_flows(doc: &Document, topo: &Topology) -> FlowSolution {
    // Columns: every flow that is not fixed, then every auto stock change.
    let mut col_of_flow = vec![None; doc.flows.len()];
    let mut unknowns = Vec::new();
    for (f, flow) in doc.flows.iter().enumerate() {
        if !matches!(flow.value, FlowValue::Amount(_)) {
            col_of_flow[f] = Some(unknowns.len());
            unknowns.push(Unknown::Flow(f));
        }
    }
    let mut col_of_stock = vec![None; doc.nodes.len()];
    for (n, node) in doc.nodes.iter().enumerate() {
        if node.kind == NodeKind::Use && node.stock_change() == StockChange::Auto {
            col_of_stock[n] = Some(unknowns.len());
            unknowns.push(Unknown::StockChange(n));
        }
    }
    let mut system = System::new(unknowns.len());
    let mut equations = Vec::new();

    // Σ_in a − Σ_out a − stock_change = 0, fixed terms moved to the right.
    for (n, node) in doc.nodes.iter().enumerate() {
        if !node.kind.is_balanced() {
            continue;
        }
        let mut terms = Vec::new();
        let mut rhs = 0.0;
        for (flows, sign) in [(&topo.inflows[n], 1.0), (&topo.outflows[n], -1.0)] {
            for &f in flows {
                match (col_of_flow[f], doc.flows[f].value) {
                    (Some(c), _) => terms.push((c, sign)),
                    (None, FlowValue::Amount(a)) => rhs -= sign * a,
                    (None, _) => {}
                }
            }
        }
        if node.kind == NodeKind::Use {
            match (col_of_stock[n], node.stock_change()) {
                (Some(c), _) => terms.push((c, -1.0)),
                (None, StockChange::Fixed(s)) => rhs += s,
                (None, StockChange::Auto) => {}
            }
        }
        system.add_row(terms, rhs);
        equations.push(Equation::Balance(n));
    }

    // a_f − share × Σ_{g leaving from(f)} a_g = 0, for every share flow f. Written as is,
    // N share flows of one node make N rows of N terms: N² (8,000 shares took 6.5 GB).
    // Only the node's reference share flow r (its largest share) gets the full row; each
    // other one is tied to it, a_f − (s_f / s_r) a_r = 0, which holds exactly when both
    // rows of the plain form do (s_r > 0), in two terms. Linear in N.
    let mut reference: Vec<Option<usize>> = vec![None; doc.nodes.len()];
    for (f, flow) in doc.flows.iter().enumerate() {
        if let (FlowValue::Share(share), Some(&from)) = (flow.value, topo.from.get(f))
            && from != usize::MAX
            && share > 0.0
            && reference[from].is_none_or(|r| share > share_of(doc, r))
        {
            reference[from] = Some(f);
        }
    }
    for (f, flow) in doc.flows.iter().enumerate() {
        let FlowValue::Share(share) = flow.value else {
            continue;
        };
        let Some(from) = topo.from.get(f).copied().filter(|&n| n != usize::MAX) else {
            continue;
        };
        let mut terms = Vec::new();
        let mut rhs = 0.0;
        if let Some(c) = col_of_flow[f] {
            terms.push((c, 1.0));
        }
        match reference[from] {
            Some(r) if r != f && share > 0.0 => {
                if let Some(c) = col_of_flow[r] {
                    terms.push((c, -share / share_of(doc, r)));
                }
            }
            // The reference itself: the plain form. (A zero share is a_f = 0, one term.)
            Some(_) if share > 0.0 => {
                for &g in &topo.outflows[from] {
                    match (col_of_flow[g], doc.flows[g].value) {
                        (Some(c), _) => terms.push((c, -share)),
                        (None, FlowValue::Amount(a)) => rhs += share * a,
                        (None, _) => {}
                    }
                }
            }
            _ => {}
        }
        system.add_row(terms, rhs);
        equations.push(Equation::Share(f));
    }

    let solution = system.solve();

    let mut flows: Vec<Option<f64>> = doc
        .flows
        .iter()
        .map(|f| match f.value {
            FlowValue::Amount(a) => Some(a),
            _ => None,
        })
        .collect();
    let mut stock_change: Vec<Option<f64>> = doc
        .nodes
        .iter()
        .map(|n| match (n.kind, n.stock_change()) {
            (NodeKind::Use, StockChange::Fixed(s)) => Some(s),
            (NodeKind::Use, StockChange::Auto) => None,
            _ => Some(0.0),
        })
        .collect();
    let mut undetermined = Vec::new();
    for (unknown, value) in unknowns.iter().zip(&solution.values) {
        match unknown {
            Unknown::Flow(f) => flows[*f] = *value,
            Unknown::StockChange(n) => stock_change[*n] = *value,
        }
        if value.is_none() {
            undetermined.push(*unknown);
        }
    }

    // Round-off below zero is not a negative flow.
    let scale = flows.iter().flatten().fold(1.0f64, |m, a| m.max(a.abs()));
    let mut negative = Vec::new();
    for (f, amount) in flows.iter_mut().enumerate() {
        if let Some(a) = amount {
            if *a < -1e-9 * scale {
                negative.push(f);
            } else if *a < 0.0 {
                *a = 0.0;
            }
        }
    }
    let conflicts: Vec<Equation> = solution.conflicts.iter().map(|&r| equations[r]).collect();
    let status = if !conflicts.is_empty() {
        Status::Inconsistent
    } else if !undetermined.is_empty() {
        Status::Underdetermined
    } else if !negative.is_empty() {
        Status::Negative
    } else {
        Status::Ok
    };
    FlowSolution {
        status,
        flows,
        stock_change,
        undetermined,
        conflicts,
        negative,
    }
}

/// The share of a flow known to be a share flow.
fn share_of(doc: &Document, f: usize) -> f64 {
    match doc.flows[f].value {
        FlowValue::Share(s) => s,
        _ => 0.0,
    }
}

impl FlowSolution {
    /// One line per problem, naming the flows, nodes and equations concerned.
    pub fn messages(&self, doc: &Document) -> Vec<String> {
        let mut out = Vec::new();
        if !self.conflicts.is_empty() {
            let names: Vec<String> = self
                .conflicts
                .iter()
                .map(|e| equation_name(doc, *e))
                .collect();
            out.push(format!(
                "these equations cannot all be met: {}",
                names.join("; ")
            ));
        }
        if !self.undetermined.is_empty() {
            let names: Vec<String> = self
                .undetermined
                .iter()
                .map(|u| unknown_name(doc, *u))
                .collect();
            out.push(format!(
                "not determined by the map (give an amount or a share): {}",
                names.join("; ")
            ));
        }
        for &f in &self.negative {
            let flow = &doc.flows[f];
            out.push(format!(
                "flow '{}' ({} -> {}) comes out negative: {} {}",
                flow.id,
                flow.from,
                flow.to,
                self.flows[f].map_or(String::new(), super::show_amount),
                doc.meta.unit()
            ));
        }
        out
    }
}

pub fn equation_name(doc: &Document, e: Equation) -> String {
    match e {
        Equation::Balance(n) => format!("balance of node '{}'", doc.nodes[n].id),
        Equation::Share(f) => format!("share of flow '{}'", doc.flows[f].id),
    }
}

pub fn unknown_name(doc: &Document, u: Unknown) -> String {
    match u {
        Unknown::Flow(f) => {
            let flow = &doc.flows[f];
            format!("flow '{}' ({} -> {})", flow.id, flow.from, flow.to)
        }
        Unknown::StockChange(n) => format!("stock change of node '{}'", doc.nodes[n].id),
    }
}
