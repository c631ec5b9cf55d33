//! Diagnostics (indicators.md §7): everything odd about a map that still loads, each
//! naming the node, flow, pain point or scenario it concerns so the editor can point at it.

use serde::Serialize;

use super::indicators::Indicators;
use super::solve::{Equation, FlowSolution, Unknown};
use super::supply::{Concentration, throughput};
use super::topology::Topology;
use crate::model::text::shown;
use crate::model::{Anchor, Document, FlowValue, NodeKind, ScenarioIssue};
use crate::present::amount as show_amount;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// What a diagnostic is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Map,
    Node(String),
    Flow(String),
    PainPoint(String),
    Scenario(String),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub subject: Subject,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        let subject = match &self.subject {
            Subject::Map => "map".to_string(),
            Subject::Node(id) => format!("node '{}'", shown(id)),
            Subject::Flow(id) => format!("flow '{}'", shown(id)),
            Subject::PainPoint(id) => format!("pain point '{}'", shown(id)),
            Subject::Scenario(name) => format!("scenario '{}'", shown(name)),
        };
        write!(f, "{level}: {subject}: {}", self.message)
    }
}

/// Share of throughput by which a node's balance may be off before it is flagged.
const BALANCE_TOLERANCE: f64 = 0.005;

pub fn diagnose(
    doc: &Document,
    topo: &Topology,
    solution: &FlowSolution,
    indicators: &Indicators,
    concentration: &Concentration,
    scenario_issues: &[ScenarioIssue],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut push = |severity, subject, message: String| {
        out.push(Diagnostic {
            severity,
            subject,
            message,
        })
    };
    let node_subject = |n: usize| Subject::Node(doc.nodes[n].id.clone());
    let flow_subject = |f: usize| Subject::Flow(doc.flows[f].id.clone());

    for e in &solution.conflicts {
        let (subject, what) = match *e {
            Equation::Balance(n) => (node_subject(n), "its mass balance"),
            Equation::Share(f) => (flow_subject(f), "its share"),
            Equation::Outflows(n) => (node_subject(n), "the split of its outflows"),
        };
        push(
            Severity::Error,
            subject,
            format!("{what} cannot be met together with the rest of the map"),
        );
    }
    for u in &solution.undetermined {
        let (subject, what) = match *u {
            Unknown::Flow(f) => (flow_subject(f), "amount"),
            Unknown::StockChange(n) => (node_subject(n), "stock change"),
            Unknown::Outflows(n) => (node_subject(n), "total outflow"),
        };
        push(
            Severity::Warning,
            subject,
            format!("{what} is not determined by the map: give an amount or a share"),
        );
    }
    for &f in &solution.negative {
        push(
            Severity::Error,
            flow_subject(f),
            format!(
                "comes out negative ({} {}): the shares or amounts around it ask for more than arrives",
                show_amount(solution.flows[f].unwrap_or(0.0)),
                doc.meta.unit()
            ),
        );
    }

    for (n, node) in doc.nodes.iter().enumerate() {
        if node.kind.is_balanced() {
            let inflow = super::total(topo.inflows[n].iter().map(|&f| solution.flows[f]));
            let outflow = super::total(topo.outflows[n].iter().map(|&f| solution.flows[f]));
            if let (Some(i), Some(o), Some(s)) = (inflow, outflow, solution.stock_change[n]) {
                let off = i - o - s;
                if off.abs() > BALANCE_TOLERANCE * i.max(o) && off.abs() > 1e-12 {
                    push(
                        Severity::Error,
                        node_subject(n),
                        format!(
                            "balance is off by {} {} (in {}, out {}, stock change {})",
                            show_amount(off),
                            doc.meta.unit(),
                            show_amount(i),
                            show_amount(o),
                            show_amount(s)
                        ),
                    );
                }
            }
        }
        if !node.kind.takes_inflows() {
            for &f in &topo.inflows[n] {
                push(
                    Severity::Warning,
                    flow_subject(f),
                    format!("flows into source '{}': a source takes no inflows", node.id),
                );
            }
        }
        if !node.kind.gives_outflows() {
            for &f in &topo.outflows[n] {
                push(
                    Severity::Warning,
                    flow_subject(f),
                    format!(
                        "leaves {} node '{}': wastes and exports have no outflows",
                        node.kind.name(),
                        node.id
                    ),
                );
            }
        }
        // A process or recovery node keeps nothing: with no way out, the balance holds
        // whatever flows in at 0, which surprises a map still being drawn.
        if matches!(node.kind, NodeKind::Process | NodeKind::Recovery)
            && !topo.inflows[n].is_empty()
            && topo.outflows[n].is_empty()
        {
            push(
                Severity::Warning,
                node_subject(n),
                format!(
                    "has inflows and no outflow: a {} node passes on all it takes in, so its \
                     inflows are held at 0; draw where its material goes (or make it a waste \
                     or export node)",
                    node.kind.name()
                ),
            );
        }
        let shares: f64 = topo.outflows[n]
            .iter()
            .filter_map(|&f| match doc.flows[f].value {
                FlowValue::Share(s) => Some(s),
                _ => None,
            })
            .sum();
        if shares > 1.0 + 1e-9 {
            push(
                Severity::Error,
                node_subject(n),
                format!("outflow shares sum to {shares:.4}, past 1"),
            );
        }
        if node.kind == NodeKind::Use && node.lifetime.is_none() {
            push(
                Severity::Info,
                node_subject(n),
                "use node without a lifetime: its utility is taken as 1 and the roadmap \
                 leaves it out"
                    .into(),
            );
        }
        if node.kind == NodeKind::Use
            && let Some(base) = doc.meta.year
            && node.inflows.contains_key(&base)
        {
            push(
                Severity::Warning,
                node_subject(n),
                format!(
                    "`inflows` names the base year {base}: the map's own inflow stands \
                     there (remove that entry)"
                ),
            );
        }
        if let Some(map) = &node.countries {
            let sum: f64 = map.values().sum();
            if (sum - 1.0).abs() > 0.01 {
                push(
                    Severity::Warning,
                    node_subject(n),
                    format!("`countries` shares sum to {sum:.4}, not 1"),
                );
            }
        }
    }

    for flows in topo.forward_cycles(doc) {
        let ids: Vec<&str> = flows.iter().map(|&f| doc.flows[f].id.as_str()).collect();
        if let Some(&first) = flows.first() {
            push(
                Severity::Warning,
                flow_subject(first),
                format!(
                    "forward flows form a cycle ({}): mark the one that goes back as a loop",
                    ids.join(", ")
                ),
            );
        }
    }

    for stage in &concentration.stages {
        if stage.coverage.is_some_and(|c| c < 1.0 - 1e-9) {
            for (n, node) in doc.nodes.iter().enumerate() {
                let uncovered = node.stage.as_deref() == Some(stage.stage.as_str())
                    && node.country_shares().is_empty()
                    && throughput(doc, topo, &solution.flows, n).is_some_and(|t| t > 0.0);
                if uncovered {
                    push(
                        Severity::Info,
                        node_subject(n),
                        format!(
                            "stage '{}' has no country here: {:.1} % of the stage's throughput is not covered",
                            stage.stage,
                            100.0 * (1.0 - stage.coverage.unwrap_or(0.0))
                        ),
                    );
                }
            }
        }
    }

    for (name, raw) in &indicators.capped {
        push(
            Severity::Warning,
            Subject::Map,
            format!(
                "the {name} comes out at {:.1} % and is shown as 100 %: material passes \
                 through end-of-life nodes more than once, or a recycled source feeds them",
                100.0 * raw
            ),
        );
    }

    for p in &doc.pain_points {
        let missing = match &p.on {
            Anchor::Map => None,
            Anchor::Node(id) => doc.node(id).is_none().then(|| format!("node '{id}'")),
            Anchor::Flow(id) => doc.flow(id).is_none().then(|| format!("flow '{id}'")),
        };
        if let Some(what) = missing {
            push(
                Severity::Warning,
                Subject::PainPoint(p.id.clone()),
                format!("is pinned on {what}, which is not in the map"),
            );
        }
    }

    for issue in scenario_issues {
        push(
            Severity::Warning,
            Subject::Scenario(issue.scenario.clone()),
            format!("change #{}: {}", issue.change, issue.problem),
        );
    }
    for problem in crate::model::levers::problems(doc) {
        push(Severity::Warning, Subject::Map, problem);
    }
    for problem in target_stages_missing(doc) {
        push(Severity::Warning, Subject::Map, problem);
    }
    out
}

/// Stages a target row names that no node of the map has (§11: read as absent, not refused).
fn target_stages_missing(doc: &Document) -> Vec<String> {
    use crate::model::targets::Stages;
    let mut out = Vec::new();
    for t in &doc.targets {
        let Some(Stages::List(stages)) = &t.stages else {
            continue;
        };
        for stage in stages {
            if !doc.nodes.iter().any(|n| n.stage.as_deref() == Some(stage)) {
                out.push(format!(
                    "target '{}' names the stage '{}', which no node of the map has:                      the row leaves it out",
                    shown(&t.name),
                    shown(stage)
                ));
            }
        }
    }
    out
}
