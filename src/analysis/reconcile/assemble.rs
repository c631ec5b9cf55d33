//! The reconciliation problem of a map (indicators.md §10): its measurements x (uncertain
//! amounts, shares and estimates), its unknowns y, and the equations f(x, y) = 0, written
//! so that they can be linearised at any estimate.

use super::super::solve::{Equation, Unknown};
use super::super::topology::Topology;
use crate::model::{Document, FlowValue, Loop, NodeKind, StockChange};

/// What a measurement measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    /// The flow's own `amount`.
    Amount,
    /// The flow's own `share`.
    Share,
    /// The flow's estimate at this position of its `estimates`.
    Estimate(usize),
}

impl What {
    /// As the JSON of §10 names it: `amount`, `share`, `estimate N`.
    pub fn name(self) -> String {
        match self {
            What::Amount => "amount".into(),
            What::Share => "share".into(),
            What::Estimate(k) => format!("estimate {k}"),
        }
    }
}

/// One uncertain figure: its flow, what it measures, the value entered and its standard
/// deviation σ (the relative uncertainty times the value).
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    pub flow: usize,
    pub what: What,
    pub entered: f64,
    pub sigma: f64,
}

/// A quantity of the problem: a constant, a measured value (index into the measurements)
/// or an unknown (index into the unknowns).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Term {
    Exact(f64),
    Measured(usize),
    Unknown(usize),
}

/// An equation before linearisation.
#[derive(Clone, Debug, PartialEq)]
pub enum Form {
    /// Σ coefficient × term = 0.
    Linear(Vec<(Term, f64)>),
    /// a_f − s × T = 0 with the share s measured: bilinear in s and T.
    MeasuredShare {
        amount: Term,
        share: usize,
        total: usize,
    },
}

/// The equation f(x, y) = 0 with what it comes from (for messages).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub equation: Option<Equation>,
    pub form: Form,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub measurements: Vec<Measurement>,
    pub unknowns: Vec<Unknown>,
    /// Each flow's amount (document order).
    pub amount: Vec<Term>,
    /// Each node's stock change (document order); exact 0 for nodes without stock.
    pub stock: Vec<Term>,
    pub rows: Vec<Row>,
}

/// Measurements and unknowns from which a problem is worth sharing among cores.
const LARGE: usize = 2000;

impl Problem {
    /// The σ of every measurement, in their order.
    pub fn sigmas(&self) -> Vec<f64> {
        self.measurements.iter().map(|m| m.sigma).collect()
    }

    /// Whether the problem is large enough that its steps are worth sharing among cores.
    pub fn is_large(&self) -> bool {
        self.measurements.len() + self.unknowns.len() >= LARGE
    }

    /// Whether an equation is bilinear, so that the solution takes several linearisations.
    pub fn is_bilinear(&self) -> bool {
        self.rows
            .iter()
            .any(|r| matches!(r.form, Form::MeasuredShare { .. }))
    }
}

/// The measurements, unknowns and equations of `doc`; `None` when it has no uncertain
/// figure (nothing to reconcile).
pub fn assemble(doc: &Document, topo: &Topology) -> Option<Problem> {
    let measurements = measurements(doc);
    if measurements.is_empty() {
        return None;
    }
    let mut unknowns = Vec::new();
    let amount = flow_amounts(doc, &measurements, &mut unknowns);
    let stock = stock_changes(doc, &mut unknowns);
    let total = outflow_totals(doc, topo, &mut unknowns);
    let mut rows = balances(doc, topo, &amount, &stock, &total);
    rows.extend(totals(topo, &amount, &total));
    rows.extend(shares(doc, topo, &amount, &total, &measurements));
    rows.extend(estimates(&amount, &measurements));
    rows.extend(dynamic_outflows(doc, topo, &amount));
    Some(Problem {
        measurements,
        unknowns,
        amount,
        stock,
        rows,
    })
}

/// Every uncertain figure, flow by flow: its own amount or share, then its estimates (the
/// estimates of an exact amount are ignored, with a diagnostic).
fn measurements(doc: &Document) -> Vec<Measurement> {
    let mut out = Vec::new();
    for (f, flow) in doc.flows.iter().enumerate() {
        if let Some(u) = flow.measured_uncertainty() {
            let (what, entered) = match flow.value {
                FlowValue::Share(s) => (What::Share, s),
                FlowValue::Amount(a) => (What::Amount, a),
                FlowValue::Auto => continue,
            };
            out.push(Measurement {
                flow: f,
                what,
                entered,
                sigma: u * entered,
            });
        }
        if flow.amount_is_exact() {
            continue;
        }
        for (k, e) in flow.estimates.iter().enumerate() {
            out.push(Measurement {
                flow: f,
                what: What::Estimate(k),
                entered: e.amount,
                sigma: e.uncertainty * e.amount,
            });
        }
    }
    out
}

/// For each of `flows` flows, its measurement of `what`, if it has one.
fn of_flow(measurements: &[Measurement], flows: usize, what: What) -> Vec<Option<usize>> {
    let mut out = vec![None; flows];
    for (i, m) in measurements.iter().enumerate() {
        if m.what == what {
            out[m.flow] = Some(i);
        }
    }
    out
}

/// A flow's amount is exact, measured (an uncertain `amount`) or unknown (auto, a share,
/// or measured by its estimates alone).
fn flow_amounts(
    doc: &Document,
    measurements: &[Measurement],
    unknowns: &mut Vec<Unknown>,
) -> Vec<Term> {
    let measured = of_flow(measurements, doc.flows.len(), What::Amount);
    doc.flows
        .iter()
        .enumerate()
        .map(|(f, flow)| match (flow.value, measured[f]) {
            (FlowValue::Amount(_), Some(i)) => Term::Measured(i),
            (FlowValue::Amount(a), None) => Term::Exact(a),
            _ => {
                unknowns.push(Unknown::Flow(f));
                Term::Unknown(unknowns.len() - 1)
            }
        })
        .collect()
}

fn stock_changes(doc: &Document, unknowns: &mut Vec<Unknown>) -> Vec<Term> {
    doc.nodes
        .iter()
        .enumerate()
        .map(|(n, node)| match (node.kind, node.stock_change()) {
            // A dynamic stock change is an unknown with one more row (`dynamic_outflows`).
            (NodeKind::Use, StockChange::Auto | StockChange::Dynamic) => {
                unknowns.push(Unknown::StockChange(n));
                Term::Unknown(unknowns.len() - 1)
            }
            (NodeKind::Use, StockChange::Fixed(s)) => Term::Exact(s),
            _ => Term::Exact(0.0),
        })
        .collect()
}

/// The total outflow T of every node with share outflows (as the solver writes shares).
fn outflow_totals(
    doc: &Document,
    topo: &Topology,
    unknowns: &mut Vec<Unknown>,
) -> Vec<Option<usize>> {
    (0..doc.nodes.len())
        .map(|n| {
            let has_share = topo.outflows[n]
                .iter()
                .any(|&f| matches!(doc.flows[f].value, FlowValue::Share(_)));
            has_share.then(|| {
                unknowns.push(Unknown::Outflows(n));
                unknowns.len() - 1
            })
        })
        .collect()
}

/// Σ_in a − Σ_out a (or T) − stock change = 0 for every process, use and recovery node.
fn balances(
    doc: &Document,
    topo: &Topology,
    amount: &[Term],
    stock: &[Term],
    total: &[Option<usize>],
) -> Vec<Row> {
    let mut rows = Vec::new();
    for (n, node) in doc.nodes.iter().enumerate() {
        if !node.kind.is_balanced() {
            continue;
        }
        let mut terms: Vec<(Term, f64)> =
            topo.inflows[n].iter().map(|&f| (amount[f], 1.0)).collect();
        match total[n] {
            Some(t) => terms.push((Term::Unknown(t), -1.0)),
            None => terms.extend(topo.outflows[n].iter().map(|&f| (amount[f], -1.0))),
        }
        terms.push((stock[n], -1.0));
        rows.push(Row {
            equation: Some(Equation::Balance(n)),
            form: Form::Linear(terms),
        });
    }
    rows
}

/// T − Σ_out a = 0 for every node with a total.
fn totals(topo: &Topology, amount: &[Term], total: &[Option<usize>]) -> Vec<Row> {
    total
        .iter()
        .enumerate()
        .filter_map(|(n, t)| {
            let t = (*t)?;
            let mut terms = vec![(Term::Unknown(t), 1.0)];
            terms.extend(topo.outflows[n].iter().map(|&f| (amount[f], -1.0)));
            Some(Row {
                equation: Some(Equation::Outflows(n)),
                form: Form::Linear(terms),
            })
        })
        .collect()
}

/// a_f − s_f × T_from(f) = 0 for every share flow; the share is a measurement when it is
/// uncertain.
fn shares(
    doc: &Document,
    topo: &Topology,
    amount: &[Term],
    total: &[Option<usize>],
    measurements: &[Measurement],
) -> Vec<Row> {
    let measured = of_flow(measurements, doc.flows.len(), What::Share);
    let mut rows = Vec::new();
    for (f, flow) in doc.flows.iter().enumerate() {
        let FlowValue::Share(s) = flow.value else {
            continue;
        };
        let Some(t) = topo
            .from
            .get(f)
            .and_then(|&n| total.get(n).copied().flatten())
        else {
            continue;
        };
        let form = match measured[f] {
            Some(share) => Form::MeasuredShare {
                amount: amount[f],
                share,
                total: t,
            },
            None => Form::Linear(vec![(amount[f], 1.0), (Term::Unknown(t), -s)]),
        };
        rows.push(Row {
            equation: Some(Equation::Share(f)),
            form,
        });
    }
    rows
}

/// e − a_f = 0 for every estimate.
fn estimates(amount: &[Term], measurements: &[Measurement]) -> Vec<Row> {
    measurements
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m.what, What::Estimate(_)))
        .map(|(i, m)| Row {
            equation: None,
            form: Form::Linear(vec![(Term::Measured(i), 1.0), (amount[m.flow], -1.0)]),
        })
        .collect()
}

/// Σ_out a − κ Σ_in a − c = 0 for every use node with a dynamic stock change (maintain
/// flows left out), as the solver writes it (§1): linear, so it reconciles like a balance.
fn dynamic_outflows(doc: &Document, topo: &Topology, amount: &[Term]) -> Vec<Row> {
    let not_maintain = |f: &&usize| doc.flows[**f].loop_kind != Loop::Maintain;
    super::super::roadmap::dynamic_outflows(doc)
        .into_iter()
        .enumerate()
        .filter_map(|(n, outflow)| {
            let outflow = outflow?.ok()?;
            let mut terms: Vec<(Term, f64)> = topo.outflows[n]
                .iter()
                .filter(not_maintain)
                .map(|&f| (amount[f], 1.0))
                .collect();
            terms.extend(
                topo.inflows[n]
                    .iter()
                    .filter(not_maintain)
                    .map(|&f| (amount[f], -outflow.kappa)),
            );
            terms.push((Term::Exact(outflow.constant), -1.0));
            Some(Row {
                equation: Some(Equation::Dynamic(n)),
                form: Form::Linear(terms),
            })
        })
        .collect()
}
