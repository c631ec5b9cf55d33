//! Diagnostics (indicators.md §7): everything odd about a map that still loads, each
//! naming the node, flow, pain point or scenario it concerns so the editor can point at it.

use serde::Serialize;

use super::indicators::Indicators;
use super::reconcile::What;
use super::solve::{Equation, FlowSolution, Unknown};
use super::supply::{Concentration, throughput};
use super::topology::Topology;
use super::uncertainty::{Measured, Uncertainty};
use crate::model::text::shown;
use crate::model::{Anchor, Document, FlowValue, Loop, NodeKind, ScenarioIssue, StockChange};
use crate::present::{self, Measure, Names, amount as show_amount};

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
    /// What people call the subject (`present::Names`): the label they typed, the id only
    /// where two labels are the same. For messages; the file's id stays in `subject`.
    #[serde(skip)]
    pub subject_name: String,
    /// A change of the map that resolves it, offered as one click.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

/// A one-click fix: a change of one field of one node, as a scenario change writes it
/// (`{"node", "field", "value"}` in the JSON).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fix {
    pub node: String,
    pub field: &'static str,
    pub value: serde_json::Value,
    /// What the button says.
    #[serde(skip)]
    pub action: &'static str,
}

impl Fix {
    /// Let the stock model set a use node's end of life (`stock_change: "dynamic"`).
    pub fn dynamic_stock_change(node: &str) -> Fix {
        Fix {
            node: node.to_string(),
            field: "stock_change",
            value: serde_json::Value::from("dynamic"),
            action: "Make the stock change dynamic",
        }
    }

    /// Count a use node's products as in a second life: a recovery node (issue 23, item 7).
    pub fn second_life(node: &str) -> Fix {
        Fix {
            node: node.to_string(),
            field: "kind",
            value: serde_json::Value::from("recovery"),
            action: "Count it as a second life (recovery)",
        }
    }

    /// Applies the fix to `doc` (nothing when the node is gone).
    pub fn apply(&self, doc: &mut Document) {
        let Some(node) = doc.nodes.iter_mut().find(|n| n.id == self.node) else {
            return;
        };
        match (self.field, self.value.as_str()) {
            ("stock_change", Some("dynamic")) => node.stock_change = Some(StockChange::Dynamic),
            ("kind", Some("recovery")) => node.kind = NodeKind::Recovery,
            _ => {}
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        let kind = match &self.subject {
            Subject::Map => return write!(f, "{level}: map: {}", self.message),
            Subject::Node(_) => "node",
            Subject::Flow(_) => "flow",
            Subject::PainPoint(_) => "pain point",
            Subject::Scenario(_) => "scenario",
        };
        write!(
            f,
            "{level}: {kind} '{}': {}",
            self.subject_name, self.message
        )
    }
}

/// How far (a share of the larger) the map's end of life of a use node may be from the
/// stock model's before a note says so.
const END_OF_LIFE_GAP: f64 = 0.25;

/// Share of throughput by which a node's balance may be off before it is flagged.
const BALANCE_TOLERANCE: f64 = 0.005;

/// Everything odd about the map, one family of checks after another (§7).
pub fn diagnose(
    doc: &Document,
    topo: &Topology,
    solution: &FlowSolution,
    indicators: &Indicators,
    concentration: &Concentration,
    scenario_issues: &[ScenarioIssue],
) -> Vec<Diagnostic> {
    let mut report = Report {
        doc,
        names: Names::new(doc),
        out: Vec::new(),
    };
    report.solver(solution);
    for n in 0..doc.nodes.len() {
        report.balance(topo, solution, n);
        report.flow_directions(topo, n);
        report.dead_end(topo, n);
        report.shares_past_one(topo, n);
        report.lifetime(n);
        report.base_year_inflow(n);
        report.stock_model(n);
        report.end_of_life_fit(topo, solution, n);
        report.second_life(topo, n);
        report.country_shares(n);
    }
    report.forward_cycles(topo);
    report.uncovered_stages(topo, solution, concentration);
    report.capped_rates(indicators);
    report.pain_point_anchors();
    report.scenarios(scenario_issues);
    report.target_stages();
    report.out
}

/// The diagnostics found so far, and how to name what they concern.
struct Report<'a> {
    doc: &'a Document,
    /// Its tables are built at the first diagnostic that names a node or a flow.
    names: Names<'a>,
    out: Vec<Diagnostic>,
}

impl<'a> Report<'a> {
    fn push(&mut self, severity: Severity, subject: Subject, message: String) {
        let subject_name = match &subject {
            Subject::Map => String::new(),
            Subject::Node(id) => self.names.node_id(id),
            Subject::Flow(id) => self.names.flow_id(id),
            // By id until pain points are named by their pin numbers everywhere.
            Subject::PainPoint(id) => shown(id),
            Subject::Scenario(name) => shown(name),
        };
        self.out.push(Diagnostic {
            severity,
            subject,
            message,
            subject_name,
            fix: None,
        });
    }

    /// As `push`, with a one-click fix.
    fn push_fix(&mut self, severity: Severity, subject: Subject, message: String, fix: Fix) {
        self.push(severity, subject, message);
        if let Some(d) = self.out.last_mut() {
            d.fix = Some(fix);
        }
    }

    fn node(&self, n: usize) -> Subject {
        Subject::Node(self.doc.nodes[n].id.clone())
    }

    fn flow(&self, f: usize) -> Subject {
        Subject::Flow(self.doc.flows[f].id.clone())
    }

    /// The solver's conflicts, open unknowns and negative flows.
    fn solver(&mut self, solution: &FlowSolution) {
        for e in &solution.conflicts {
            let (subject, what) = match *e {
                Equation::Balance(n) => (self.node(n), "its mass balance"),
                Equation::Share(f) => (self.flow(f), "its share"),
                Equation::Outflows(n) => (self.node(n), "the split of its outflows"),
                Equation::Dynamic(n) => (self.node(n), "its stock model's end of life"),
            };
            self.push(
                Severity::Error,
                subject,
                format!("{what} cannot be met together with the rest of the map"),
            );
        }
        for u in &solution.undetermined {
            let (subject, what) = match *u {
                Unknown::Flow(f) => (self.flow(f), "amount"),
                Unknown::StockChange(n) => (self.node(n), "stock change"),
                Unknown::Outflows(n) => (self.node(n), "total outflow"),
            };
            self.push(
                Severity::Warning,
                subject,
                format!("{what} is not determined by the map: give an amount or a share"),
            );
        }
        for &f in &solution.negative {
            let message = format!(
                "comes out negative ({} {}): the shares or amounts around it ask for more than arrives",
                show_amount(solution.flows[f].unwrap_or(0.0)),
                self.doc.meta.unit()
            );
            self.push(Severity::Error, self.flow(f), message);
        }
    }

    /// A balanced node whose solved flows do not balance (only with contradictory data).
    fn balance(&mut self, topo: &Topology, solution: &FlowSolution, n: usize) {
        if !self.doc.nodes[n].kind.is_balanced() {
            return;
        }
        let inflow = super::total(topo.inflows[n].iter().map(|&f| solution.flows[f]));
        let outflow = super::total(topo.outflows[n].iter().map(|&f| solution.flows[f]));
        let (Some(i), Some(o), Some(s)) = (inflow, outflow, solution.stock_change[n]) else {
            return;
        };
        let off = i - o - s;
        if off.abs() > BALANCE_TOLERANCE * i.max(o) && off.abs() > 1e-12 {
            let unit = self.doc.meta.unit();
            let message = format!(
                "balance is off by {} {unit} (in {}, out {}, stock change {})",
                show_amount(off),
                show_amount(i),
                show_amount(o),
                show_amount(s)
            );
            self.push(Severity::Error, self.node(n), message);
        }
    }

    /// Flows into a source, or out of a waste or export.
    fn flow_directions(&mut self, topo: &Topology, n: usize) {
        let kind = self.doc.nodes[n].kind;
        if !kind.takes_inflows() {
            for &f in &topo.inflows[n] {
                let message = format!(
                    "flows into source '{}': a source takes no inflows",
                    self.names.node(n)
                );
                self.push(Severity::Warning, self.flow(f), message);
            }
        }
        if !kind.gives_outflows() {
            for &f in &topo.outflows[n] {
                let message = format!(
                    "leaves {} node '{}': wastes and exports have no outflows",
                    kind.name(),
                    self.names.node(n)
                );
                self.push(Severity::Warning, self.flow(f), message);
            }
        }
    }

    /// A process or recovery node keeps nothing: with no way out, the balance holds
    /// whatever flows in at 0, which surprises a map still being drawn.
    fn dead_end(&mut self, topo: &Topology, n: usize) {
        let kind = self.doc.nodes[n].kind;
        if matches!(kind, NodeKind::Process | NodeKind::Recovery)
            && !topo.inflows[n].is_empty()
            && topo.outflows[n].is_empty()
        {
            let message = format!(
                "has inflows and no outflow: a {} node passes on all it takes in, so its \
                 inflows are held at 0; draw where its material goes (or make it a waste \
                 or export node)",
                kind.name()
            );
            self.push(Severity::Warning, self.node(n), message);
        }
    }

    /// Outflow shares of a node summing past 1.
    fn shares_past_one(&mut self, topo: &Topology, n: usize) {
        let doc = self.doc;
        let shares: f64 = topo.outflows[n]
            .iter()
            .filter_map(|&f| match doc.flows[f].value {
                FlowValue::Share(s) => Some(s),
                _ => None,
            })
            .sum();
        if shares > 1.0 + 1e-9 {
            let message = format!("outflow shares sum to {shares:.4}, past 1");
            self.push(Severity::Error, self.node(n), message);
        }
    }

    /// A use node without a lifetime.
    fn lifetime(&mut self, n: usize) {
        let node = &self.doc.nodes[n];
        if node.kind == NodeKind::Use && node.lifetime.is_none() {
            self.push(
                Severity::Info,
                self.node(n),
                "use node without a lifetime: its utility is taken as 1 and the roadmap \
                 leaves it out"
                    .into(),
            );
        }
    }

    /// `inflows` naming the base year, where the map's own inflow stands.
    fn base_year_inflow(&mut self, n: usize) {
        let doc = self.doc;
        let node = &doc.nodes[n];
        if node.kind == NodeKind::Use
            && let Some(base) = doc.meta.year
            && node.inflows.contains_key(&base)
        {
            let message = format!(
                "`inflows` names the base year {base}: the map's own inflow stands \
                 there (remove that entry)"
            );
            self.push(Severity::Warning, self.node(n), message);
        }
    }

    /// What a use node's stock change says about its end of life: a steady state
    /// (stock change 0) for products with a lifetime, which sends to end of life today as
    /// much as enters use; or a dynamic one the stock model cannot set.
    fn stock_model(&mut self, n: usize) {
        let doc = self.doc;
        let node = &doc.nodes[n];
        if node.kind != NodeKind::Use {
            return;
        }
        match node.stock_change() {
            StockChange::Fixed(s) if s == 0.0 && node.lifetime.is_some() => {
                let message = "stock change is 0 (steady state): as much reaches end of \
                     life this year as enters use, whatever the lifetime and the market's \
                     growth; a dynamic stock change lets the stock model (lifetime and \
                     history growth) set this year's end of life"
                    .to_string();
                let fix = Fix::dynamic_stock_change(&node.id);
                self.push_fix(Severity::Info, self.node(n), message, fix);
            }
            StockChange::Dynamic => {
                if let Err(why) = super::roadmap::base_year_outflow(doc, node) {
                    let message = format!(
                        "stock change is dynamic, but {why}: it is solved as auto until then"
                    );
                    self.push(Severity::Warning, self.node(n), message);
                }
            }
            _ => {}
        }
    }

    /// A use node whose end of life this year is far from the stock model's (§9: "far
    /// apart means the history or the lifetime does not fit today's discards"): the
    /// roadmap and the map then tell two stories. The dynamic stock change is the fix.
    fn end_of_life_fit(&mut self, topo: &Topology, solution: &FlowSolution, n: usize) {
        let doc = self.doc;
        let node = &doc.nodes[n];
        let set_by_hand = match node.stock_change() {
            StockChange::Fixed(s) => s != 0.0, // 0: the steady-state note says it
            StockChange::Auto => true,
            StockChange::Dynamic => false,
        };
        if node.kind != NodeKind::Use || !set_by_hand {
            return;
        }
        let Ok(outflow) = super::roadmap::base_year_outflow(doc, node) else {
            return;
        };
        let not_maintain = |flows: &[usize]| {
            super::total(
                flows
                    .iter()
                    .filter(|&&f| doc.flows[f].loop_kind != Loop::Maintain)
                    .map(|&f| solution.flows[f]),
            )
        };
        let (Some(m), Some(d)) = (
            not_maintain(&topo.inflows[n]),
            not_maintain(&topo.outflows[n]),
        ) else {
            return;
        };
        let model = outflow.at(m);
        if (model - d).abs() <= END_OF_LIFE_GAP * model.max(d) {
            return;
        }
        let unit = doc.meta.unit();
        let message = format!(
            "the stock model sends {} {unit} to end of life this year, the map {} {unit} \
             ({}): the roadmap and the map tell two stories; make the stock change dynamic \
             so that the map takes the model's end of life, or fit the history growth \
             (Roadmap tab, Values)",
            show_amount(model),
            show_amount(d),
            present::off_by((d > 0.0).then(|| model / d)),
        );
        let fix = Fix::dynamic_stock_change(&node.id);
        self.push_fix(Severity::Info, self.node(n), message, fix);
    }

    /// A use node fed only from recovery nodes: second-hand products, counted in products
    /// into use a second time and their discards a second time, so the collection rate
    /// counts both lives. Offered as a second life (a recovery node).
    fn second_life(&mut self, topo: &Topology, n: usize) {
        let doc = self.doc;
        if doc.nodes[n].kind != NodeKind::Use {
            return;
        }
        let mut feeders = topo.inflows[n]
            .iter()
            .filter(|&&f| doc.flows[f].loop_kind != Loop::Maintain)
            .map(|&f| doc.nodes[topo.from[f]].kind)
            .peekable();
        if feeders.peek().is_none() || !feeders.all(|k| k == NodeKind::Recovery) {
            return;
        }
        let message = "is fed only from recovery: its products count as products into use \
             a second time and what leaves it as end-of-life discards again, so the \
             collection rate counts both lives; for a second life (e.g. batteries in \
             stationary storage), make it a recovery node"
            .to_string();
        let fix = Fix::second_life(&doc.nodes[n].id);
        self.push_fix(Severity::Info, self.node(n), message, fix);
    }

    /// `countries` shares not summing to 1.
    fn country_shares(&mut self, n: usize) {
        if let Some(map) = &self.doc.nodes[n].countries {
            let sum: f64 = map.values().sum();
            if (sum - 1.0).abs() > 0.01 {
                let message = format!("`countries` shares sum to {sum:.4}, not 1");
                self.push(Severity::Warning, self.node(n), message);
            }
        }
    }

    /// A cycle of forward flows, named by the nodes it passes (A -> B -> A).
    fn forward_cycles(&mut self, topo: &Topology) {
        for flows in topo.forward_cycles(self.doc) {
            let Some(&first) = flows.first() else {
                continue;
            };
            let mut path: Vec<String> = flows
                .iter()
                .map(|&f| self.names.node_id(&self.doc.flows[f].from))
                .collect();
            if let Some(&last) = flows.last() {
                path.push(self.names.node_id(&self.doc.flows[last].to));
            }
            let message = format!(
                "forward flows form a cycle ({}): mark the one that goes back as a loop",
                path.join(" -> ")
            );
            self.push(Severity::Warning, self.flow(first), message);
        }
    }

    /// The nodes of a stage with throughput but no country.
    fn uncovered_stages(
        &mut self,
        topo: &Topology,
        solution: &FlowSolution,
        concentration: &Concentration,
    ) {
        let doc = self.doc;
        for stage in &concentration.stages {
            if !stage.coverage.is_some_and(|c| c < 1.0 - 1e-9) {
                continue;
            }
            for (n, node) in doc.nodes.iter().enumerate() {
                let uncovered = node.stage.as_deref() == Some(stage.stage.as_str())
                    && node.country_shares().is_empty()
                    && throughput(doc, topo, &solution.flows, n).is_some_and(|t| t > 0.0);
                if uncovered {
                    let message = format!(
                        "stage '{}' has no country here: {:.1} % of the stage's throughput is not covered",
                        stage.stage,
                        100.0 * (1.0 - stage.coverage.unwrap_or(0.0))
                    );
                    self.push(Severity::Info, self.node(n), message);
                }
            }
        }
    }

    /// End-of-life rates past 100 %, shown capped.
    fn capped_rates(&mut self, indicators: &Indicators) {
        for (name, raw) in &indicators.capped {
            let message = format!(
                "the {name} comes out at {:.1} % and is shown as 100 %: material passes \
                 through end-of-life nodes more than once, or a recycled source feeds them",
                100.0 * raw
            );
            self.push(Severity::Warning, Subject::Map, message);
        }
    }

    /// Pain points pinned on something not in the map (named by the id they give).
    fn pain_point_anchors(&mut self) {
        let doc = self.doc;
        for p in &doc.pain_points {
            let missing = match &p.on {
                Anchor::Map => None,
                Anchor::Node(id) => doc.node(id).is_none().then(|| format!("node '{id}'")),
                Anchor::Flow(id) => doc.flow(id).is_none().then(|| format!("flow '{id}'")),
            };
            if let Some(what) = missing {
                let message = format!("is pinned on {what}, which is not in the map");
                self.push(Severity::Warning, Subject::PainPoint(p.id.clone()), message);
            }
        }
    }

    /// Scenario changes that could not be applied, and levers naming what is not there.
    fn scenarios(&mut self, scenario_issues: &[ScenarioIssue]) {
        for issue in scenario_issues {
            self.push(
                Severity::Warning,
                Subject::Scenario(issue.scenario.clone()),
                format!("change #{}: {}", issue.change, issue.problem),
            );
        }
        for problem in crate::model::levers::problems(self.doc) {
            self.push(Severity::Warning, Subject::Map, problem);
        }
    }

    fn target_stages(&mut self) {
        for problem in target_stages_missing(self.doc) {
            self.push(Severity::Warning, Subject::Map, problem);
        }
    }
}

/// What reconciliation finds (indicators.md §10): estimates that are ignored because the
/// flow's amount is exact, and when the data disagree, each suspect with its entered value,
/// its source and what the rest of the map implies.
pub fn of_uncertainty(doc: &Document, uncertainty: Option<&Uncertainty>) -> Vec<Diagnostic> {
    let mut out = ignored_estimates(doc);
    if let Some(u) = uncertainty {
        out.extend(suspects(doc, u));
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

fn ignored_estimates(doc: &Document) -> Vec<Diagnostic> {
    doc.flows
        .iter()
        .filter(|f| !f.estimates.is_empty() && f.amount_is_exact())
        .map(|f| Diagnostic {
            severity: Severity::Warning,
            subject: Subject::Flow(f.id.clone()),
            subject_name: Names::new(doc).flow_id(&f.id),
            fix: None,
            message: format!(
                "its amount is exact, so its {} ignored; give the amount a ± to reconcile them with it",
                match f.estimates.len() {
                    1 => "estimate is".to_string(),
                    n => format!("{n} estimates are"),
                }
            ),
        })
        .collect()
}

fn suspects(doc: &Document, u: &Uncertainty) -> Vec<Diagnostic> {
    let unit = doc.meta.unit();
    let names = Names::new(doc);
    u.suspects
        .iter()
        .enumerate()
        .map(|(rank, &i)| {
            let m = &u.measurements[i];
            let flow = &doc.flows[m.measurement.flow];
            let share = m.measurement.what == What::Share;
            let source = match m.measurement.what {
                What::Estimate(k) => flow.estimates.get(k).map(estimate_source),
                _ => None,
            }
            .unwrap_or_else(|| format!("the flow's {}", m.measurement.what.name()));
            let measure = if share { Measure::Rate } else { Measure::Amount };
            let implied = match rest_of_map(m) {
                Some((v, s)) => format!(
                    "the rest of the map implies {}",
                    present::with_sigma(measure, Some(v), Some(s), unit)
                ),
                None => format!(
                    "reconciled to {}",
                    present::measured(share, m.reconciled, unit)
                ),
            };
            Diagnostic {
                severity: Severity::Warning,
                subject: Subject::Flow(flow.id.clone()),
                subject_name: names.flow(m.measurement.flow),
                fix: None,
                message: format!(
                    "suspect {} of {} (the data disagree: p = {:.3}; normalised residual {:+.2}): {} entered ({source}); {implied}",
                    rank + 1,
                    u.suspects.len(),
                    u.test.p,
                    m.residual.unwrap_or(0.0),
                    present::measured(share, m.measurement.entered, unit),
                ),
            }
        })
        .collect()
}

/// Who gave an estimate and from what: `trade statistics, by Customs`.
pub fn estimate_source(e: &crate::model::Estimate) -> String {
    match (e.source.is_empty(), e.by.is_empty()) {
        (false, false) => format!("{}, by {}", e.source, e.by),
        (false, true) => e.source.clone(),
        (true, false) => format!("by {}", e.by),
        (true, true) => "an estimate without a source".into(),
    }
}

/// The value the other measurements imply for this one, with its σ: the reconciled value
/// is their combination with the entered one, weighted by the inverse variances.
pub fn rest_of_map(m: &Measured) -> Option<(f64, f64)> {
    let (s2, r2) = (m.measurement.sigma.powi(2), m.sigma.powi(2));
    let den = s2 - r2;
    (den > 1e-9 * s2).then(|| {
        let value = m.measurement.entered - (m.measurement.entered - m.reconciled) * s2 / den;
        (value, (s2 * r2 / den).sqrt())
    })
}
