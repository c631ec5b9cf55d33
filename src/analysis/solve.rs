//! The flow solver (indicators.md §1): fixed, share and auto flows and use-node stock
//! changes, as one linear system; the status says whether it has exactly one solution.

use serde::Serialize;

use super::linear::System;
use super::topology::Topology;
use crate::model::{Document, FlowValue, Loop, NodeKind, StockChange};
use crate::present::Names;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    /// Solved, with redundant uncertain figures adjusted so that every balance holds
    /// (indicators.md §10).
    Reconciled,
    Underdetermined,
    Inconsistent,
    Negative,
}

impl Status {
    /// Whether every flow is known and none is negative (`ok` or `reconciled`).
    pub fn is_solved(self) -> bool {
        matches!(self, Status::Ok | Status::Reconciled)
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Reconciled => "reconciled",
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
    /// The total outflow of a node with share outflows (an auxiliary, never reported).
    Outflows(usize),
}

/// An equation of the system, by what it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Equation {
    /// Mass balance of a process, use or recovery node.
    Balance(usize),
    /// A share flow's transfer coefficient.
    Share(usize),
    /// A node's total outflow is the sum of its outflows.
    Outflows(usize),
    /// A use node with a dynamic stock change: its end-of-life outflow is the stock
    /// model's for the base year.
    Dynamic(usize),
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
    // Columns: every flow that is not fixed, every auto stock change, and the total outflow
    // of every node that has share outflows.
    let mut col_of_flow = vec![None; doc.flows.len()];
    let mut unknowns = Vec::new();
    for (f, flow) in doc.flows.iter().enumerate() {
        if !matches!(flow.value, FlowValue::Amount(_)) {
            col_of_flow[f] = Some(unknowns.len());
            unknowns.push(Unknown::Flow(f));
        }
    }
    // A dynamic stock change is solved for like an auto one, with one more equation (its
    // outflow); without a year or lifetime it is auto (a diagnostic says so).
    let dynamic = super::roadmap::dynamic_outflows(doc);
    let mut col_of_stock = vec![None; doc.nodes.len()];
    for (n, node) in doc.nodes.iter().enumerate() {
        if node.kind == NodeKind::Use
            && matches!(
                node.stock_change(),
                StockChange::Auto | StockChange::Dynamic
            )
        {
            col_of_stock[n] = Some(unknowns.len());
            unknowns.push(Unknown::StockChange(n));
        }
    }
    // Share flows are written against their node's total outflow T (a_f = s_f T, and
    // T = Σ outflows), not against the sum itself: N shares of one node then make N rows of
    // two terms and one of N + 1, and the system splits into small blocks (solved in linear
    // time) instead of one block holding every outflow.
    let mut col_of_total = vec![None; doc.nodes.len()];
    for (n, total) in col_of_total.iter_mut().enumerate() {
        if topo.outflows[n]
            .iter()
            .any(|&f| matches!(doc.flows[f].value, FlowValue::Share(_)))
        {
            *total = Some(unknowns.len());
            unknowns.push(Unknown::Outflows(n));
        }
    }
    let mut system = System::new(unknowns.len());
    let mut equations = Vec::new();

    // Σ_in a − Σ_out a − stock_change = 0 (Σ_out a is T where the node has one), fixed
    // terms moved to the right.
    for (n, node) in doc.nodes.iter().enumerate() {
        if !node.kind.is_balanced() {
            continue;
        }
        let mut terms = Vec::new();
        let mut rhs = Right::default();
        push_flows(
            doc,
            &col_of_flow,
            &topo.inflows[n],
            1.0,
            &mut terms,
            &mut rhs,
        );
        match col_of_total[n] {
            Some(t) => terms.push((t, -1.0)),
            None => push_flows(
                doc,
                &col_of_flow,
                &topo.outflows[n],
                -1.0,
                &mut terms,
                &mut rhs,
            ),
        }
        if node.kind == NodeKind::Use {
            match (col_of_stock[n], node.stock_change()) {
                (Some(c), _) => terms.push((c, -1.0)),
                (None, StockChange::Fixed(s)) => rhs.add(s),
                (None, StockChange::Auto | StockChange::Dynamic) => {}
            }
        }
        system.add_row_scaled(terms, rhs.sum, rhs.size);
        equations.push(Equation::Balance(n));
    }

    // T − Σ_out a = 0 for every node with a total.
    for (n, total) in col_of_total.iter().enumerate() {
        let Some(t) = *total else { continue };
        let mut terms = vec![(t, 1.0)];
        let mut rhs = Right::default();
        push_flows(
            doc,
            &col_of_flow,
            &topo.outflows[n],
            -1.0,
            &mut terms,
            &mut rhs,
        );
        system.add_row_scaled(terms, rhs.sum, rhs.size);
        equations.push(Equation::Outflows(n));
    }

    // Σ_out a − κ Σ_in a = c for every dynamic use node (maintain flows left out on both
    // sides), κ and c from the stock model (§1, §9).
    for (n, outflow) in dynamic.iter().enumerate() {
        let Some(Ok(outflow)) = outflow else { continue };
        let not_maintain = |flows: &[usize]| -> Vec<usize> {
            flows
                .iter()
                .copied()
                .filter(|&f| doc.flows[f].loop_kind != Loop::Maintain)
                .collect()
        };
        let mut terms = Vec::new();
        let mut rhs = Right::default();
        rhs.add(outflow.constant);
        let (ins, outs) = (
            not_maintain(&topo.inflows[n]),
            not_maintain(&topo.outflows[n]),
        );
        push_flows(doc, &col_of_flow, &outs, 1.0, &mut terms, &mut rhs);
        push_flows(
            doc,
            &col_of_flow,
            &ins,
            -outflow.kappa,
            &mut terms,
            &mut rhs,
        );
        system.add_row_scaled(terms, rhs.sum, rhs.size);
        equations.push(Equation::Dynamic(n));
    }

    // a_f − share × T_from(f) = 0, for every share flow f.
    for (f, flow) in doc.flows.iter().enumerate() {
        let FlowValue::Share(share) = flow.value else {
            continue;
        };
        let Some(from) = topo.from.get(f).copied().filter(|&n| n != usize::MAX) else {
            continue;
        };
        let mut terms = Vec::new();
        if let Some(c) = col_of_flow[f] {
            terms.push((c, 1.0));
        }
        if let Some(t) = col_of_total[from] {
            terms.push((t, -share));
        }
        system.add_row(terms, 0.0);
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
            (NodeKind::Use, StockChange::Auto | StockChange::Dynamic) => None,
            _ => Some(0.0),
        })
        .collect();
    let mut undetermined = Vec::new();
    for (unknown, value) in unknowns.iter().zip(&solution.values) {
        match unknown {
            Unknown::Flow(f) => flows[*f] = *value,
            // + 0.0: a stock change of -0.0 would print with its sign.
            Unknown::StockChange(n) => stock_change[*n] = value.map(|s| s + 0.0),
            // An open total leaves some of its flows open too: they are named instead.
            Unknown::Outflows(_) => continue,
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
            } else if *a <= 0.0 {
                *a = 0.0; // round-off, and -0.0 (which would print with its sign)
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

/// Adds `sign × a` for each of `flows`: a term where the amount is unknown, else moved to
/// the right-hand side.
fn push_flows(
    doc: &Document,
    col_of_flow: &[Option<usize>],
    flows: &[usize],
    sign: f64,
    terms: &mut Vec<(usize, f64)>,
    rhs: &mut Right,
) {
    for &f in flows {
        match (col_of_flow[f], doc.flows[f].value) {
            (Some(c), _) => terms.push((c, sign)),
            (None, FlowValue::Amount(a)) => rhs.add(-sign * a),
            (None, _) => {}
        }
    }
}

/// A right-hand side of known amounts: their sum, and their size (the sum of their
/// magnitudes), against which the equation's residual is judged.
#[derive(Default)]
struct Right {
    sum: f64,
    size: f64,
}

impl Right {
    fn add(&mut self, v: f64) {
        self.sum += v;
        self.size += v.abs();
    }
}

impl FlowSolution {
    /// One line per problem, naming the flows, nodes and equations concerned by the labels
    /// the user typed (`present::Names`).
    pub fn messages(&self, doc: &Document) -> Vec<String> {
        let mut out = Vec::new();
        if self.conflicts.is_empty() && self.undetermined.is_empty() && self.negative.is_empty() {
            // Nothing to name: the names of a large map are not built for nothing.
            return out;
        }
        let names = Names::new(doc);
        if !self.conflicts.is_empty() {
            let listed = self.conflicts.iter().map(|e| equation_name(&names, *e));
            out.push(format!(
                "these equations cannot all be met: {}",
                first_few(listed, self.conflicts.len())
            ));
        }
        if !self.undetermined.is_empty() {
            let listed = self.undetermined.iter().map(|u| unknown_name(&names, *u));
            out.push(format!(
                "not determined by the map (give an amount or a share): {}",
                first_few(listed, self.undetermined.len())
            ));
        }
        for &f in &self.negative {
            out.push(format!(
                "flow '{}' comes out negative: {} {}",
                names.flow(f),
                self.flows[f].map_or(String::new(), crate::present::amount),
                doc.meta.unit()
            ));
        }
        out
    }
}

/// Names listed in one message before the rest is counted ("and 99,990 more").
const NAMES_LISTED: usize = 10;

fn first_few(names: impl Iterator<Item = String>, count: usize) -> String {
    let listed: Vec<String> = names.take(NAMES_LISTED).collect();
    match count.saturating_sub(listed.len()) {
        0 => listed.join("; "),
        more => format!(
            "{}; and {} more",
            listed.join("; "),
            crate::present::amount(more as f64)
        ),
    }
}

pub fn equation_name(names: &Names, e: Equation) -> String {
    match e {
        Equation::Balance(n) => format!("balance of node '{}'", names.node(n)),
        Equation::Share(f) => format!("share of flow '{}'", names.flow(f)),
        Equation::Outflows(n) => format!("outflows of node '{}'", names.node(n)),
        Equation::Dynamic(n) => format!(
            "end of life of node '{}' (its dynamic stock change)",
            names.node(n)
        ),
    }
}

pub fn unknown_name(names: &Names, u: Unknown) -> String {
    match u {
        Unknown::Flow(f) => format!("flow '{}'", names.flow(f)),
        Unknown::StockChange(n) => format!("stock change of node '{}'", names.node(n)),
        Unknown::Outflows(n) => format!("total outflow of node '{}'", names.node(n)),
    }
}
