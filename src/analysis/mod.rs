//! Analysis of a map: solve the flows, compute the indicators, supply concentration,
//! diagnostics and the roadmap over the years. Pure functions of a document; no UI here.

pub mod compare;
pub mod diagnostics;
pub mod governance;
pub mod indicators;
pub mod linear;
pub mod provenance;
pub mod reconcile;
pub mod roadmap;
pub mod sensitivity;
pub mod solve;
pub mod supply;
pub mod targets;
pub mod terms;
pub mod topology;
pub mod uncertainty;

use serde_json::{Map, Value, json};

pub use diagnostics::{Diagnostic, Severity, Subject};
pub use indicators::Indicators;
pub use provenance::Provenance;
pub use solve::{FlowSolution, Status};
pub use supply::Concentration;
pub use uncertainty::Uncertainty;

use crate::model::{Document, NodeKind, ScenarioIssue, apply_scenario};
use topology::Topology;

/// Sum that is unknown as soon as one term is. (An empty float sum is -0.0 in Rust; adding
/// 0.0 makes it a plain 0.)
pub(crate) fn total(terms: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    terms.sum::<Option<f64>>().map(|s| s + 0.0)
}

/// Everything the indicator panel and `loopmap indicators` show for one map.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub solution: FlowSolution,
    /// Solver status messages (§1).
    pub messages: Vec<String>,
    pub indicators: Indicators,
    pub concentration: Concentration,
    pub diagnostics: Vec<Diagnostic>,
    /// Reconciliation and ranges (§10); `None` for a map without uncertain figures.
    pub uncertainty: Option<Uncertainty>,
}

/// Analyses the map as it is (the baseline).
pub fn analyse(doc: &Document) -> Analysis {
    analyse_with_issues(doc, &[])
}

/// Analyses the map with a scenario's changes applied; changes that could not be applied
/// are reported among the diagnostics.
pub fn analyse_scenario(doc: &Document, scenario: &crate::model::Scenario) -> Analysis {
    let (changed, issues) = apply_scenario(doc, scenario);
    analyse_with_issues(&changed, &issues)
}

/// Analyses a map a scenario was already applied to (`apply_scenario`), with the changes
/// that could not be applied.
pub fn analyse_with_issues(doc: &Document, issues: &[ScenarioIssue]) -> Analysis {
    let topo = Topology::new(doc);
    let (solution, uncertainty) = solve_or_reconcile(doc, &topo);
    // Numbers built on a negative or contradictory flow would mislead: the flows are still
    // shown, but indicators and concentrations are unknown.
    // (An underdetermined map can have a negative flow among those it does determine.)
    let usable = usable_flows(&solution);
    let indicators = indicators::compute(doc, &topo, &usable);
    let concentration = supply::compute(doc, &topo, &usable);
    let mut diagnostics =
        diagnostics::diagnose(doc, &topo, &solution, &indicators, &concentration, issues);
    diagnostics.extend(diagnostics::of_uncertainty(doc, uncertainty.as_ref()));
    let mut messages = solution.messages(doc);
    if let Some(u) = &uncertainty
        && !u.converged
    {
        messages.push(format!(
            "the reconciliation did not converge in {} iterations: the figures are its last estimate",
            reconcile::MAX_ITERATIONS
        ));
    }
    Analysis {
        messages,
        solution,
        indicators,
        concentration,
        diagnostics,
        uncertainty,
    }
}

/// §1's solution of the map as it is, or, when it has uncertain figures, of the map with
/// them reconciled (§10), with the ranges of every figure.
fn solve_or_reconcile(doc: &Document, topo: &Topology) -> (FlowSolution, Option<Uncertainty>) {
    let Some(rec) = reconcile::reconcile(doc, topo) else {
        return (solve::solve_flows(doc, topo), None);
    };
    let (mut solution, uncertainty) = uncertainty::propagate(doc, topo, &rec, || {
        let solution = solve::solve_flows(&rec.reconciled_map(doc), topo);
        let usable = usable_flows(&solution);
        (solution, usable)
    });
    if let Some(u) = &uncertainty
        && solution.status == solve::Status::Ok
        && u.test.dof > 0
        && u.converged
    {
        solution.status = solve::Status::Reconciled;
    }
    (solution, uncertainty)
}

/// `a()` and `b()`, on two threads where the work is `large` and there are two cores (one
/// after the other otherwise, and in the browser: a thread costs more than a small map's
/// whole reconciliation).
pub(crate) fn side_by_side<A: Send, B: Send>(
    large: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if !large || cfg!(target_arch = "wasm32") || cores() < 2 {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let first = scope.spawn(a);
        let second = b();
        let first = first
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}

/// The cores this process may use (1 where it cannot be known).
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The flow amounts indicators may be built on: all unknown when a flow came out negative
/// or equations conflict.
pub fn usable_flows(solution: &FlowSolution) -> Vec<Option<f64>> {
    if solution.negative.is_empty() && solution.conflicts.is_empty() {
        solution.flows.clone()
    } else {
        vec![None; solution.flows.len()]
    }
}

impl Analysis {
    /// Where the material of each use node comes from (§6), for `doc`, the map analysed;
    /// `None` while any flow is unknown. Computed on demand: the live panel does not show
    /// it, so `analyse` stays inside one frame on large maps.
    pub fn provenance(&self, doc: &Document) -> Option<Provenance> {
        let stages: Vec<String> = self
            .concentration
            .stages
            .iter()
            .map(|s| s.stage.clone())
            .collect();
        let topo = Topology::new(doc);
        provenance::compute(doc, &topo, &usable_flows(&self.solution), &stages)
    }

    /// The JSON of `loopmap indicators --json` (indicators.md §8), for the map analysed.
    pub fn to_json(&self, doc: &Document) -> Value {
        serde_json::to_value(self.json(doc)).unwrap_or(Value::Null)
    }

    /// The same, to serialise as it is written: a large map's uncertainty block is not
    /// built as a tree first (`uncertainty::Block`). Zeros are written without a sign.
    pub fn json<'a>(&'a self, doc: &'a Document) -> AnalysisJson<'a> {
        AnalysisJson {
            base: crate::present::plain_zeros(self.base_json(doc)),
            uncertainty: self.uncertainty.as_ref().map(|u| u.block(doc)),
        }
    }

    /// Everything but the uncertainty block.
    fn base_json(&self, doc: &Document) -> Value {
        let flows: Map<String, Value> = doc
            .flows
            .iter()
            .zip(&self.solution.flows)
            .map(|(f, a)| (f.id.clone(), json!(a)))
            .collect();
        let stock: Map<String, Value> = doc
            .nodes
            .iter()
            .zip(&self.solution.stock_change)
            .filter(|(n, _)| n.kind == NodeKind::Use)
            .map(|(n, s)| (n.id.clone(), json!(s)))
            .collect();
        let stages: Vec<Value> = self
            .concentration
            .stages
            .iter()
            .map(|s| {
                let shares: Map<String, Value> = s
                    .shares
                    .iter()
                    .map(|(c, v)| (c.clone(), json!(v)))
                    .collect();
                json!({ "stage": s.stage, "hhi": s.hhi, "shares": shares,
                        "top": s.top, "coverage": s.coverage })
            })
            .collect();
        let shares = |s: &[(String, f64)]| -> Map<String, Value> {
            s.iter().map(|(l, v)| (l.clone(), json!(v))).collect()
        };
        let provenance = self.provenance(doc);
        let provenance = provenance.as_ref();
        let by_use = provenance.map(|p| {
            p.by_use
                .iter()
                .map(|(id, stages)| {
                    let stages: Map<String, Value> = stages
                        .iter()
                        .map(|(stage, s)| (stage.clone(), Value::Object(shares(s))))
                        .collect();
                    (id.clone(), Value::Object(stages))
                })
                .collect::<Map<String, Value>>()
        });
        let domestic = match (provenance, &doc.meta.home_country) {
            (Some(p), Some(_)) => Value::Object(shares(&p.domestic_share)),
            _ => Value::Null,
        };
        json!({
            "status": self.solution.status,
            "messages": self.messages,
            "flows": flows,
            "stock_change": stock,
            "indicators": self.indicators,
            "supply": {
                "stages": stages,
                "bottleneck": self.concentration.bottleneck,
                "bottlenecks": self.concentration.bottlenecks,
                "provenance": by_use,
                "certified_share": provenance.and_then(|p| p.certified_share),
                "domestic_share": domestic,
            },
            "diagnostics": self.diagnostics,
        })
    }
}

/// The JSON of an analysis as it is written (`Analysis::json`).
pub struct AnalysisJson<'a> {
    base: Value,
    uncertainty: Option<uncertainty::Block<'a>>,
}

impl serde::Serialize for AnalysisJson<'_> {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let entries = self.base.as_object();
        let count = entries.map_or(0, |m| m.len()) + usize::from(self.uncertainty.is_some());
        let mut map = out.serialize_map(Some(count))?;
        for (key, value) in entries.into_iter().flatten() {
            map.serialize_entry(key, value)?;
        }
        if let Some(u) = &self.uncertainty {
            map.serialize_entry("uncertainty", u)?;
        }
        map.end()
    }
}
