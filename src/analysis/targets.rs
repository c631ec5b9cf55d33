//! Targets (indicators.md §11): is the chain on track? The three measures — domestic share
//! and largest foreign share per stage (from §6's provenance), recycling share (today and
//! over §9's roadmap years) — the built-in target sets, and each row evaluated on a map:
//! its value, met or not, and the year a recycling target is met.

use std::cell::RefCell;

use serde_json::{Map, Value, json};

use super::governance::{self, Governance};
use super::provenance::{NONE, SECONDARY, Shares, UNKNOWN};
use super::roadmap::{self, Roadmap};
use super::topology::Topology;
use super::{Analysis, Status};
use crate::model::country::{self, EU};
use crate::model::targets::{Bound, Measure, Mode, Stages, Target};
use crate::model::{Document, Loop, NodeKind, SourceMaterial, apply_scenario};

/// The built-in target sets, by the name `--set` takes.
pub const SETS: [&str; 2] = ["uk-2035", "eu-crma-2030"];

/// Stage names that mean extraction and processing in the built-in sets.
pub const EXTRACTION: [&str; 2] = ["mining", "extraction"];
pub const PROCESSING: [&str; 5] = ["separation", "refining", "metal", "alloy", "smelting"];

const UK_SOURCE: &str = "UK Critical Minerals Strategy \"Vision 2035\" (Department for \
                         Business and Trade, 22 November 2025)";
const EU_SOURCE: &str = "EU Critical Raw Materials Act, Regulation (EU) 2024/1252, Art. 5(1)";

/// A built-in set's rows for `doc` (its stage lists keep the stages the map has); `None`
/// for a name that is not one of `SETS`.
pub fn builtin_set(name: &str, doc: &Document) -> Option<Vec<Target>> {
    let present = |names: &[&str]| -> Stages {
        Stages::List(
            names
                .iter()
                .filter(|s| doc.nodes.iter().any(|n| n.stage.as_deref() == Some(**s)))
                .map(|s| s.to_string())
                .collect(),
        )
    };
    let row = |name: &str, measure, stages, mode, bound, year, home: Option<&str>, source| Target {
        name: name.to_string(),
        measure,
        stages: Some(stages),
        mode,
        bound,
        year: Some(year),
        home: home.map(String::from),
        source: String::from(source),
        extra: Map::new(),
    };
    let (domestic, top, recycling) = (
        Measure::DomesticShare,
        Measure::TopForeignShare,
        Measure::RecyclingShare,
    );
    let all = || Stages::All;
    let processing_and_extraction: Vec<&str> =
        EXTRACTION.iter().chain(&PROCESSING).copied().collect();
    match name {
        "uk-2035" => Some(vec![
            row(
                "UK 2035: domestic production",
                domestic,
                present(&processing_and_extraction),
                Some(Mode::Any),
                Bound::Min(0.10),
                2035,
                None,
                UK_SOURCE,
            ),
            row(
                "UK 2035: recycling",
                recycling,
                all(),
                None,
                Bound::Min(0.20),
                2035,
                None,
                UK_SOURCE,
            ),
            row(
                "UK 2035: at most 60 % from one country",
                top,
                all(),
                None,
                Bound::Max(0.60),
                2035,
                None,
                UK_SOURCE,
            ),
        ]),
        "eu-crma-2030" => Some(vec![
            row(
                "EU 2030: extraction",
                domestic,
                present(&EXTRACTION),
                None,
                Bound::Min(0.10),
                2030,
                Some(EU),
                EU_SOURCE,
            ),
            row(
                "EU 2030: processing",
                domestic,
                present(&PROCESSING),
                None,
                Bound::Min(0.40),
                2030,
                Some(EU),
                EU_SOURCE,
            ),
            row(
                "EU 2030: recycling",
                recycling,
                all(),
                None,
                Bound::Min(0.25),
                2030,
                Some(EU),
                EU_SOURCE,
            ),
            row(
                "EU 2030: at most 65 % from one third country",
                top,
                all(),
                None,
                Bound::Max(0.65),
                2030,
                Some(EU),
                EU_SOURCE,
            ),
        ]),
        _ => None,
    }
}

/// The rows to evaluate: the map's own, then each named set's (leaving out a set row whose
/// name a map row already has, e.g. a set the map carries); the unknown set name, if any.
pub fn rows(doc: &Document, sets: &[String]) -> Result<Vec<Target>, String> {
    let mut rows = doc.targets.clone();
    for set in sets {
        let extra = builtin_set(set, doc).ok_or_else(|| set.clone())?;
        for row in extra {
            if !rows.iter().any(|r| r.name == row.name) {
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

/// The largest share of demand from one country outside home at a stage.
#[derive(Clone, Debug, PartialEq)]
pub struct TopForeign {
    /// `None` when all of the stage is at home, secondary or of unknown origin.
    pub country: Option<String>,
    pub share: f64,
}

/// The §11 figures of one stage, for the map's home.
#[derive(Clone, Debug, PartialEq)]
pub struct StageFigures {
    pub stage: String,
    /// `None` without a home country.
    pub domestic_share: Option<f64>,
    pub top_foreign: TopForeign,
    pub wgi_hhi: Option<f64>,
    pub geopolrisk: Option<f64>,
}

/// One target row evaluated on a map.
#[derive(Clone, Debug, PartialEq)]
pub struct RowResult {
    pub target: Target,
    /// The worst stage's value (mode all) or the best's (mode any); the map's figure for
    /// recycling. `None` when no listed stage is traced, or without a home.
    pub value: Option<f64>,
    pub by_stage: Vec<(String, f64)>,
    pub met: Option<bool>,
    /// Recycling rows of a map with a year: the base year if met today, else the first
    /// later roadmap year that meets it (`None` if none by the roadmap's end).
    pub year_met: Option<i32>,
    /// Whether `year_met` applies to this row (recycling, a map with a year).
    pub has_year_met: bool,
}

impl RowResult {
    /// Points (percentage points) still to go; 0 once met.
    pub fn gap_points(&self) -> Option<f64> {
        self.value
            .map(|v| (self.target.bound.gap(v) * 100.0).max(0.0))
    }
}

/// The recycling share over the roadmap's years, for one home.
#[derive(Clone, Debug, PartialEq)]
pub struct RecyclingPath {
    pub years: Vec<i32>,
    pub share: Vec<Option<f64>>,
}

/// Everything §11 says about one map (the baseline or one scenario's).
#[derive(Clone, Debug, PartialEq)]
pub struct TargetsReport {
    pub status: Status,
    pub home: Option<String>,
    /// M: the non-maintain inflow of all use nodes together.
    pub demand: Option<f64>,
    /// Stages with provenance, alphabetical.
    pub stages: Vec<StageFigures>,
    pub recycling_share: Option<f64>,
    pub supply_risk: Option<f64>,
    pub governance: Governance,
    pub rows: Vec<RowResult>,
    /// The map's home's recycling share over the years (a map with a year that solves).
    pub recycling_path: Option<RecyclingPath>,
}

/// The rows evaluated on the baseline, then on every scenario: (name, report).
pub fn evaluate_cases(doc: &Document, rows: &[Target]) -> Vec<(String, TargetsReport)> {
    let mut out = vec![("Baseline".to_string(), evaluate(doc, rows))];
    for s in &doc.scenarios {
        let (changed, _) = apply_scenario(doc, s);
        out.push((s.name.clone(), evaluate(&changed, rows)));
    }
    out
}

/// The rows evaluated on `doc` as it is (solving it first).
pub fn evaluate(doc: &Document, rows: &[Target]) -> TargetsReport {
    evaluate_analysed(doc, &super::analyse(doc), rows)
}

/// The rows evaluated on `doc`, from its analysis (the editor has solved it already).
pub fn evaluate_analysed(doc: &Document, analysis: &Analysis, rows: &[Target]) -> TargetsReport {
    let figures = Figures::new(doc, analysis);
    let governance = governance::compute(doc, &analysis.concentration, &analysis.indicators);
    let home = doc.meta.home_country.as_deref();
    let stages = figures
        .labels
        .iter()
        .map(|(stage, _)| {
            let g = governance.stage(stage);
            StageFigures {
                stage: stage.clone(),
                domestic_share: home.and_then(|h| figures.domestic_share(stage, h)),
                top_foreign: figures.top_foreign(stage, home).unwrap_or(TopForeign {
                    country: None,
                    share: 0.0,
                }),
                wgi_hhi: g.and_then(|g| g.wgi_hhi),
                geopolrisk: g.and_then(|g| g.geopolrisk),
            }
        })
        .collect();
    let rows = rows.iter().map(|t| figures.evaluate_row(t)).collect();
    TargetsReport {
        status: analysis.solution.status,
        home: home.map(String::from),
        demand: figures.demand,
        stages,
        recycling_share: home.and_then(|h| figures.recycling_share(h)),
        supply_risk: governance.supply_risk,
        governance,
        rows,
        recycling_path: home.and_then(|h| figures.recycling_path(h)),
    }
}

/// The measures of one analysed map, for any home.
struct Figures<'a> {
    doc: &'a Document,
    topo: Topology,
    /// Solved amounts, all known; `None` while any flow is unknown.
    amounts: Option<Vec<f64>>,
    demand: Option<f64>,
    /// Per stage with provenance: the labels of all of demand at that stage.
    labels: Vec<(String, Shares)>,
    roadmap: Option<Roadmap>,
    /// Recycling paths already worked out, by home (rows of one home share one).
    paths: RefCell<Vec<(String, Option<RecyclingPath>)>>,
}

impl<'a> Figures<'a> {
    fn new(doc: &'a Document, analysis: &Analysis) -> Self {
        let topo = Topology::new(doc);
        // Figures built on a negative or contradictory flow would mislead (as `analyse`).
        let solution = &analysis.solution;
        let usable = solution.negative.is_empty() && solution.conflicts.is_empty();
        let amounts: Option<Vec<f64>> = analysis
            .solution
            .flows
            .iter()
            .copied()
            .collect::<Option<Vec<f64>>>()
            .filter(|_| usable);
        let labels = analysis
            .provenance(doc)
            .zip(amounts.as_deref())
            .map(|(p, a)| demand_labels(doc, &topo, a, &p.by_use))
            .unwrap_or_default();
        Figures {
            doc,
            demand: amounts.as_deref().map(|a| demand_of(doc, &topo, a)),
            topo,
            amounts,
            labels,
            roadmap: roadmap::from_analysis(doc, analysis).ok(),
            paths: RefCell::new(Vec::new()),
        }
    }

    fn stage(&self, stage: &str) -> Option<&Shares> {
        self.labels.iter().find(|(s, _)| s == stage).map(|(_, l)| l)
    }

    /// The share of demand whose label at `stage` is a home country.
    fn domestic_share(&self, stage: &str, home: &str) -> Option<f64> {
        let shares = self.stage(stage)?;
        Some(
            shares
                .iter()
                .filter(|(l, _)| is_country(l) && country::at_home(home, l))
                .map(|(_, s)| s)
                .sum::<f64>()
                + 0.0,
        )
    }

    /// The largest share of one country outside home (every country without a home).
    fn top_foreign(&self, stage: &str, home: Option<&str>) -> Option<TopForeign> {
        let shares = self.stage(stage)?;
        // Shares are sorted largest first (ties by label), so the first foreign one is it.
        let top = shares
            .iter()
            .find(|(l, _)| is_country(l) && home.is_none_or(|h| !country::at_home(h, l)));
        Some(match top {
            Some((c, s)) => TopForeign {
                country: Some(c.clone()),
                share: *s,
            },
            None => TopForeign {
                country: None,
                share: 0.0,
            },
        })
    }

    /// The flows §11's recycling share counts: `loop: recycle` out of a recovery node at
    /// home into a process or use node.
    fn home_recycle_flows(&self, home: &str) -> Vec<usize> {
        let nodes = &self.doc.nodes;
        (0..self.doc.flows.len())
            .filter(|&f| {
                let (a, b) = (self.topo.from[f], self.topo.to[f]);
                self.doc.flows[f].loop_kind == Loop::Recycle
                    && nodes[a].kind == NodeKind::Recovery
                    && matches!(nodes[b].kind, NodeKind::Process | NodeKind::Use)
                    && node_at_home(&nodes[a], home)
            })
            .collect()
    }

    /// Σ outflows of `supply: recycled` sources at home.
    fn home_recycled_sources(&self, amounts: &[f64], home: &str) -> f64 {
        self.doc
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| {
                n.kind == NodeKind::Source
                    && n.supply() == SourceMaterial::Recycled
                    && node_at_home(n, home)
            })
            .flat_map(|(i, _)| &self.topo.outflows[i])
            .map(|&f| amounts[f])
            .sum()
    }

    /// (home recycling + home recycled sources) / M.
    fn recycling_share(&self, home: &str) -> Option<f64> {
        let amounts = self.amounts.as_deref()?;
        let m = self.demand.filter(|&m| m > 0.0)?;
        let recycled: f64 = self
            .home_recycle_flows(home)
            .iter()
            .map(|&f| amounts[f])
            .sum::<f64>()
            + self.home_recycled_sources(amounts, home);
        Some(recycled / m)
    }

    /// The recycling path of `home`, worked out once.
    fn recycling_path(&self, home: &str) -> Option<RecyclingPath> {
        if let Some((_, p)) = self.paths.borrow().iter().find(|(h, _)| h == home) {
            return p.clone();
        }
        let path = self.work_out_recycling_path(home);
        self.paths
            .borrow_mut()
            .push((home.to_string(), path.clone()));
        path
    }

    /// recycling_share(y) = Σ_u R_u,home × outflow_u(y) / demand(y) + N over the roadmap.
    fn work_out_recycling_path(&self, home: &str) -> Option<RecyclingPath> {
        let r = self.roadmap.as_ref()?;
        let amounts = self.amounts.as_deref()?;
        let m = self.demand.filter(|&m| m > 0.0)?;
        let flows: Vec<Option<f64>> = amounts.iter().map(|&a| Some(a)).collect();
        let counted = self.home_recycle_flows(home);
        let index = self.doc.node_index();
        // R_u,home of each use node of the roadmap, from φ with u as the only origin.
        let mut shares = Vec::with_capacity(r.uses.len());
        for u in &r.uses {
            let phi = index.get(u.id.as_str()).and_then(|&i| {
                super::indicators::post_use_fractions_from(self.doc, &self.topo, &flows, Some(i))
            });
            let returned: f64 = phi.map_or(0.0, |phi| {
                counted
                    .iter()
                    .map(|&f| amounts[f] * phi[self.topo.from[f]])
                    .sum()
            });
            shares.push(if u.map_eol > 0.0 {
                returned / u.map_eol
            } else {
                0.0
            });
        }
        // N: what of the base map's recycling is not end-of-life material, held as a
        // share of demand.
        let phi = super::indicators::post_use_fractions(self.doc, &self.topo, &flows)?;
        let new_scrap: f64 = counted
            .iter()
            .map(|&f| amounts[f] * (1.0 - phi[self.topo.from[f]]))
            .sum::<f64>()
            + self.home_recycled_sources(amounts, home);
        let n = new_scrap / m;
        let share = (0..r.years.len())
            .map(|y| {
                let eol: f64 = r
                    .uses
                    .iter()
                    .zip(&shares)
                    .map(|(u, s)| s * u.outflow[y])
                    .sum();
                (r.demand[y] > 0.0).then(|| eol / r.demand[y] + n)
            })
            .collect();
        Some(RecyclingPath {
            years: r.years.clone(),
            share,
        })
    }

    fn evaluate_row(&self, t: &Target) -> RowResult {
        let home = t.home.as_deref().or(self.doc.meta.home_country.as_deref());
        let (value, by_stage) = match t.measure {
            Measure::RecyclingShare => (home.and_then(|h| self.recycling_share(h)), Vec::new()),
            measure => self.stage_value(t, measure, home),
        };
        let met = value.map(|v| t.bound.met_by(v));
        let has_year_met = t.measure == Measure::RecyclingShare && self.doc.meta.year.is_some();
        let year_met = if has_year_met {
            home.and_then(|h| self.year_met(t.bound, met, h))
        } else {
            None
        };
        RowResult {
            target: t.clone(),
            value,
            by_stage,
            met,
            year_met,
            has_year_met,
        }
    }

    /// The value of a row read stage by stage: per listed stage with provenance, then the
    /// worst (mode all) or the best (mode any).
    fn stage_value(
        &self,
        t: &Target,
        measure: Measure,
        home: Option<&str>,
    ) -> (Option<f64>, Vec<(String, f64)>) {
        let listed: Vec<&str> = match t.stages() {
            Stages::All => self.labels.iter().map(|(s, _)| s.as_str()).collect(),
            Stages::List(list) => list
                .iter()
                .map(String::as_str)
                .filter(|s| self.stage(s).is_some())
                .collect(),
        };
        let by_stage: Vec<(String, f64)> = listed
            .into_iter()
            .filter_map(|s| {
                let v = match measure {
                    Measure::DomesticShare => self.domestic_share(s, home?),
                    _ => self.top_foreign(s, home).map(|t| t.share),
                }?;
                Some((s.to_string(), v))
            })
            .collect();
        let bound = t.bound;
        let value = by_stage
            .iter()
            .map(|(_, v)| *v)
            .reduce(|a, b| match t.mode() {
                Mode::Any => bound.better(a, b),
                Mode::All => bound.worse(a, b),
            });
        (value, by_stage)
    }

    /// The base year if met today, else the first later year of the roadmap that is.
    fn year_met(&self, bound: Bound, met: Option<bool>, home: &str) -> Option<i32> {
        let base = self.doc.meta.year?;
        if met? {
            return Some(base);
        }
        let path = self.recycling_path(home)?;
        path.years
            .iter()
            .zip(&path.share)
            .find(|(y, s)| **y > base && s.is_some_and(|s| bound.met_by(s)))
            .map(|(y, _)| *y)
    }
}

/// A provenance label that names a supplier (not secondary, none or unknown).
fn is_country(label: &str) -> bool {
    !matches!(label, SECONDARY | NONE | UNKNOWN)
}

/// A node is at home when all of its countries are (and it has one).
fn node_at_home(node: &crate::model::Node, home: &str) -> bool {
    let shares = node.country_shares();
    !shares.is_empty() && shares.iter().all(|(c, _)| country::at_home(home, c))
}

/// M_u of each use node: its non-maintain inflow.
fn use_inflow(doc: &Document, topo: &Topology, amounts: &[f64], n: usize) -> f64 {
    topo.inflows[n]
        .iter()
        .filter(|&&f| doc.flows[f].loop_kind != Loop::Maintain)
        .map(|&f| amounts[f].max(0.0))
        .sum()
}

/// M: the non-maintain inflow of all use nodes together.
fn demand_of(doc: &Document, topo: &Topology, amounts: &[f64]) -> f64 {
    (0..doc.nodes.len())
        .filter(|&n| doc.nodes[n].kind == NodeKind::Use)
        .map(|n| use_inflow(doc, topo, amounts, n))
        .sum::<f64>()
        + 0.0
}

/// The labels of all of demand at each stage: each use node's shares weighted by M_u.
fn demand_labels(
    doc: &Document,
    topo: &Topology,
    amounts: &[f64],
    by_use: &[(String, Vec<(String, Shares)>)],
) -> Vec<(String, Shares)> {
    let index = doc.node_index();
    let mut stages: Vec<StageSum> = Vec::new();
    for (use_id, per_stage) in by_use {
        let Some(&n) = index.get(use_id.as_str()) else {
            continue;
        };
        let m_u = use_inflow(doc, topo, amounts, n);
        for (stage, shares) in per_stage {
            let k = match stages.iter().position(|s| &s.stage == stage) {
                Some(k) => k,
                None => {
                    stages.push(StageSum {
                        stage: stage.clone(),
                        sums: Vec::new(),
                        total: 0.0,
                    });
                    stages.len() - 1
                }
            };
            let sum = &mut stages[k];
            sum.total += m_u;
            for (label, s) in shares {
                match sum.sums.iter_mut().find(|(l, _)| l == label) {
                    Some((_, v)) => *v += m_u * s,
                    None => sum.sums.push((label.clone(), m_u * s)),
                }
            }
        }
    }
    stages.sort_by(|a, b| a.stage.cmp(&b.stage));
    stages
        .into_iter()
        .filter(|s| s.total > 0.0)
        .map(|s| {
            let total = s.total;
            let mut shares: Shares = s.sums.into_iter().map(|(l, v)| (l, v / total)).collect();
            shares.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            (s.stage, shares)
        })
        .collect()
}

/// Label amounts of demand at one stage, while they are summed over the use nodes.
struct StageSum {
    stage: String,
    sums: Vec<(String, f64)>,
    total: f64,
}

impl TargetsReport {
    /// Rows met, and rows that could be evaluated.
    pub fn met_count(&self) -> (usize, usize) {
        let known = self.rows.iter().filter(|r| r.met.is_some()).count();
        let met = self.rows.iter().filter(|r| r.met == Some(true)).count();
        (met, known)
    }

    /// The JSON of `loopmap targets --json` (indicators.md §11).
    pub fn to_json(&self) -> Value {
        let stages: Map<String, Value> = self
            .stages
            .iter()
            .map(|s| {
                (
                    s.stage.clone(),
                    json!({
                        "domestic_share": s.domestic_share,
                        "top_foreign": { "country": s.top_foreign.country,
                                         "share": s.top_foreign.share },
                        "wgi_hhi": s.wgi_hhi,
                        "geopolrisk": s.geopolrisk,
                    }),
                )
            })
            .collect();
        let targets: Vec<Value> = self.rows.iter().map(RowResult::to_json).collect();
        json!({
            "status": self.status,
            "home": self.home,
            "demand": self.demand,
            "stages": stages,
            "recycling_share": self.recycling_share,
            "supply_risk": self.supply_risk,
            "governance_source": governance::ATTRIBUTION,
            "targets": targets,
        })
    }
}

impl RowResult {
    fn to_json(&self) -> Value {
        let mut row = match serde_json::to_value(&self.target) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let by_stage: Map<String, Value> = self
            .by_stage
            .iter()
            .map(|(s, v)| (s.clone(), json!(v)))
            .collect();
        row.insert("value".into(), json!(self.value));
        row.insert("by_stage".into(), Value::Object(by_stage));
        row.insert("met".into(), json!(self.met));
        if self.has_year_met {
            row.insert("year_met".into(), json!(self.year_met));
        }
        Value::Object(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flow, FlowValue, Node, StockChange};

    fn node(id: &str, kind: NodeKind, stage: Option<&str>, countries: &[(&str, f64)]) -> Node {
        let mut n = Node::new(id, id, kind);
        n.stage = stage.map(String::from);
        if !countries.is_empty() {
            n.countries = Some(countries.iter().map(|(c, s)| (c.to_string(), *s)).collect());
        }
        n
    }

    fn flow(id: &str, from: &str, to: &str, amount: f64, kind: Loop) -> Flow {
        let mut f = Flow::new(id, from, to);
        f.value = FlowValue::Amount(amount);
        f.loop_kind = kind;
        f
    }

    fn row(measure: Measure, stages: Option<&[&str]>, mode: Option<Mode>, bound: Bound) -> Target {
        Target {
            name: "row".into(),
            measure,
            stages: stages.map(|s| Stages::List(s.iter().map(|s| s.to_string()).collect())),
            mode,
            bound,
            year: Some(2035),
            home: None,
            source: String::new(),
            extra: Map::new(),
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    /// A Chinese mine (80 t) and a UK recycler (20 t back, recycle) feed a UK magnet
    /// plant; 100 t enter use, 25 t leave it for the recycler (5 t lost). The use node
    /// doubled its intake every year up to 2024 and keeps it flat after; its products last
    /// exactly 2 years, so 25 t leave in 2024, 50 t in 2025 and 100 t from 2026.
    fn home_recycler() -> Document {
        let mut doc = Document::new("home recycler");
        doc.meta.home_country = Some("GB".into());
        doc.meta.year = Some(2024);
        let mut product = node("use", NodeKind::Use, None, &[]);
        product.lifetime = Some(2.0);
        product.lifetime_model = Some(crate::model::LifetimeModel::Fixed);
        product.history_growth = Some(1.0);
        product.stock_change = Some(StockChange::Fixed(75.0));
        doc.nodes = vec![
            node("mine", NodeKind::Source, Some("mining"), &[("CN", 1.0)]),
            node("make", NodeKind::Process, Some("magnet"), &[("GB", 1.0)]),
            product,
            node("rec", NodeKind::Recovery, None, &[("GB", 1.0)]),
            node("bin", NodeKind::Waste, None, &[]),
        ];
        doc.flows = vec![
            flow("a", "mine", "make", 80.0, Loop::None),
            flow("b", "make", "use", 100.0, Loop::None),
            flow("c", "use", "rec", 25.0, Loop::None),
            flow("d", "rec", "make", 20.0, Loop::Recycle),
            flow("e", "rec", "bin", 5.0, Loop::None),
        ];
        doc
    }

    #[test]
    fn a_home_recycler_counts_as_recycling_and_secondary_is_not_domestic() {
        let doc = home_recycler();
        let rows = [
            row(Measure::RecyclingShare, None, None, Bound::Min(0.1)),
            row(
                Measure::DomesticShare,
                Some(&["mining"]),
                None,
                Bound::Min(0.1),
            ),
            row(Measure::TopForeignShare, None, None, Bound::Max(0.6)),
        ];
        let r = evaluate(&doc, &rows);
        assert_eq!(r.status, Status::Ok);
        assert!(close(r.demand, 100.0));
        // 20 t recycled at home of 100 t demand.
        assert!(close(r.recycling_share, 0.2));
        assert!(close(r.rows[0].value, 0.2));
        assert_eq!(
            (r.rows[0].met, r.rows[0].year_met),
            (Some(true), Some(2024))
        );
        // At mining, 80 % is Chinese and 20 % came back (secondary): neither is home.
        let mining = &r.stages[1];
        assert_eq!(mining.stage, "mining");
        assert!(close(mining.domestic_share, 0.0));
        assert_eq!(mining.top_foreign.country.as_deref(), Some("CN"));
        assert!((mining.top_foreign.share - 0.8).abs() < 1e-9);
        assert_eq!(r.rows[1].met, Some(false));
        // The magnet plant is at home: everything passed it in GB.
        assert!(close(r.stages[0].domestic_share, 1.0));
        assert_eq!(r.stages[0].top_foreign.country, None);
        // Mode all reads the worst stage: mining's 80 % from China.
        assert!(close(r.rows[2].value, 0.8));
        assert_eq!(r.rows[2].met, Some(false));
        assert_eq!(r.rows[2].by_stage.len(), 2);
        assert!(close(r.rows[2].gap_points(), 20.0));
    }

    #[test]
    fn the_recycling_share_follows_end_of_life_over_the_years() {
        // R_u = 20 / 25 = 0.8 of what leaves use comes back; demand stays 100 t:
        // 2024 0.2, 2025 0.4, 2026 on 0.8.
        let doc = home_recycler();
        let r = evaluate(&doc, &[]);
        let path = r.recycling_path.expect("a map with a year has a path");
        let at = |y: i32| path.share[path.years.iter().position(|&x| x == y).unwrap()];
        assert!(close(at(2024), 0.2));
        assert!(close(at(2025), 0.4));
        assert!(close(at(2026), 0.8));
        assert!(close(at(2050), 0.8));
        let year_met = |min: f64| {
            let rows = [row(Measure::RecyclingShare, None, None, Bound::Min(min))];
            let r = evaluate(&doc, &rows);
            (r.rows[0].met, r.rows[0].year_met)
        };
        assert_eq!(year_met(0.3), (Some(false), Some(2025)));
        assert_eq!(year_met(0.5), (Some(false), Some(2026)));
        assert_eq!(year_met(0.9), (Some(false), None));
    }

    #[test]
    fn recycled_feed_that_is_not_end_of_life_is_held_as_a_share_of_demand() {
        // Swarf: 10 t of the plant's output goes to a home recycler and back (new scrap,
        // φ = 0); it stays 10 % of demand over the years while end-of-life recycling grows.
        let mut doc = home_recycler();
        doc.nodes
            .push(node("swarf", NodeKind::Recovery, None, &[("GB", 1.0)]));
        doc.flows[0].value = FlowValue::Amount(80.0);
        doc.flows
            .push(flow("s1", "make", "swarf", 10.0, Loop::None));
        doc.flows
            .push(flow("s2", "swarf", "make", 10.0, Loop::Recycle));
        let r = evaluate(&doc, &[]);
        assert!(close(r.recycling_share, 0.3));
        let path = r.recycling_path.unwrap();
        let at = |y: i32| path.share[path.years.iter().position(|&x| x == y).unwrap()];
        assert!(close(at(2024), 0.3));
        assert!(close(at(2025), 0.5));
        assert!(close(at(2026), 0.9));
    }

    /// Home EU: a mine in China (60 %) and Sweden (40 %), a separation plant in France
    /// (50 %), "somewhere in the EU" (20 %) and the US (30 %).
    fn eu_map() -> Document {
        let mut doc = Document::new("eu");
        doc.meta.home_country = Some("EU".into());
        doc.nodes = vec![
            node(
                "mine",
                NodeKind::Source,
                Some("mining"),
                &[("CN", 0.6), ("SE", 0.4)],
            ),
            node(
                "sep",
                NodeKind::Process,
                Some("separation"),
                &[("FR", 0.5), ("EU", 0.2), ("US", 0.3)],
            ),
            node("use", NodeKind::Use, None, &[]),
            node("rec", NodeKind::Recovery, None, &[("DE", 1.0)]),
            node("bin", NodeKind::Waste, None, &[]),
        ];
        doc.flows = vec![
            flow("a", "mine", "sep", 90.0, Loop::None),
            flow("b", "sep", "use", 100.0, Loop::None),
            flow("c", "use", "rec", 100.0, Loop::None),
            flow("d", "rec", "sep", 10.0, Loop::Recycle),
            flow("e", "rec", "bin", 90.0, Loop::None),
        ];
        doc
    }

    #[test]
    fn an_eu_home_counts_its_member_states_and_eu_nodes_as_domestic() {
        let doc = eu_map();
        let r = evaluate(&doc, &[]);
        let stage = |s: &str| r.stages.iter().find(|x| x.stage == s).unwrap();
        // Mining: 90 % passed the mine (Sweden 40 % of it), 10 % came back.
        assert!(close(stage("mining").domestic_share, 0.36));
        assert_eq!(stage("mining").top_foreign.country.as_deref(), Some("CN"));
        assert!((stage("mining").top_foreign.share - 0.54).abs() < 1e-9);
        // Separation: France and "EU" are home; the US is the largest third country.
        assert!(close(stage("separation").domestic_share, 0.7));
        assert_eq!(
            stage("separation").top_foreign.country.as_deref(),
            Some("US")
        );
        // A German recycler is at home in the EU.
        assert!(close(r.recycling_share, 0.1));
    }

    #[test]
    fn a_row_with_its_own_home_reads_the_eu_as_one_supplier() {
        let mut doc = eu_map();
        doc.meta.home_country = Some("FR".into());
        let mut top = row(
            Measure::TopForeignShare,
            Some(&["separation"]),
            None,
            Bound::Max(0.65),
        );
        let mut domestic = row(
            Measure::DomesticShare,
            Some(&["separation"]),
            None,
            Bound::Min(0.4),
        );
        let r = evaluate(&doc, &[top.clone(), domestic.clone()]);
        // Home France: the US (30 %) is the largest foreign supplier, "EU" (20 %) one more.
        assert!(close(r.rows[0].value, 0.3));
        assert!(close(r.rows[1].value, 0.5));
        // A German recycler is not at home in France.
        assert!(close(r.recycling_share, 0.0));
        top.home = Some("EU".into());
        domestic.home = Some("EU".into());
        let r = evaluate(&doc, &[top, domestic]);
        assert!(close(r.rows[1].value, 0.7));
        assert_eq!(r.rows[1].met, Some(true));
        // And home GB: "EU" is a supplier like any other.
        doc.meta.home_country = Some("GB".into());
        let r = evaluate(&doc, &[]);
        let sep = r.stages.iter().find(|x| x.stage == "separation").unwrap();
        assert_eq!(sep.top_foreign.country.as_deref(), Some("FR"));
        assert!(close(sep.domestic_share, 0.0));
    }

    #[test]
    fn mode_any_takes_the_best_stage_and_mode_all_the_worst() {
        let doc = eu_map();
        let stages: &[&str] = &["mining", "separation"];
        let any = row(
            Measure::DomesticShare,
            Some(stages),
            Some(Mode::Any),
            Bound::Min(0.5),
        );
        let all = row(Measure::DomesticShare, Some(stages), None, Bound::Min(0.5));
        let r = evaluate(&doc, &[any, all]);
        assert!(close(r.rows[0].value, 0.7));
        assert_eq!(r.rows[0].met, Some(true));
        assert!(close(r.rows[1].value, 0.36));
        assert_eq!(r.rows[1].met, Some(false));
        assert_eq!(r.rows[1].by_stage.len(), 2);
    }

    #[test]
    fn a_stage_without_provenance_is_left_out_and_a_row_with_none_is_not_judged() {
        let doc = eu_map();
        let rows = [
            row(
                Measure::DomesticShare,
                Some(&["alloy", "mining"]),
                None,
                Bound::Min(0.3),
            ),
            row(
                Measure::DomesticShare,
                Some(&["alloy"]),
                None,
                Bound::Min(0.3),
            ),
            row(Measure::TopForeignShare, Some(&[]), None, Bound::Max(0.6)),
        ];
        let r = evaluate(&doc, &rows);
        assert_eq!(
            r.rows[0].by_stage,
            vec![("mining".to_string(), r.rows[0].value.unwrap())]
        );
        assert_eq!(r.rows[0].met, Some(true));
        for k in [1, 2] {
            assert_eq!((r.rows[k].value, r.rows[k].met), (None, None), "row {k}");
        }
        // Without a map year there is no year met.
        assert!(!r.rows[0].has_year_met);
        // Without a home, domestic shares are unknown; all countries are foreign.
        let mut doc = doc;
        doc.meta.home_country = None;
        let r = evaluate(&doc, &rows);
        assert_eq!(r.rows[0].met, None);
        assert_eq!(r.stages[0].domestic_share, None);
        assert_eq!(r.stages[1].top_foreign.country.as_deref(), Some("FR"));
    }

    #[test]
    fn governance_figures_by_hand() {
        // Mining: CN 54 %, SE 36 % of demand but §5 pools throughput: CN 0.6, SE 0.4.
        let mut doc = eu_map();
        doc.meta.governance.insert("CN".into(), 5.0);
        doc.meta.governance.insert("SE".into(), 1.0);
        doc.meta.substitution_index = Some(0.5);
        let r = evaluate(&doc, &[]);
        let g = r.governance.stage("mining").unwrap();
        // Σ s² W = 0.36 × 5 + 0.16 × 1.
        assert!(close(g.wgi_hhi, 1.96));
        // HHI 5,200; home EU: only China is foreign: 0.52 × 0.6 × 5 / 10.
        assert!(close(g.geopolrisk, 0.156));
        doc.meta.home_country = Some("GB".into());
        let r = evaluate(&doc, &[]);
        let g = r.governance.stage("mining").unwrap();
        assert!(close(g.geopolrisk, 0.52 * 0.34));
        // Supply risk: the worst stage × (1 − EOL-RIR) × SI.
        let rir = crate::analysis::analyse(&doc).indicators.eol_rir.unwrap();
        let worst = r
            .governance
            .stages
            .iter()
            .filter_map(|s| s.wgi_hhi)
            .fold(0.0, f64::max);
        assert!(close(r.supply_risk, worst * (1.0 - rir) * 0.5));
    }

    #[test]
    fn the_built_in_sets_list_the_stages_the_map_has() {
        let doc = eu_map();
        let uk = builtin_set("uk-2035", &doc).unwrap();
        assert_eq!(uk.len(), 3);
        assert_eq!(
            uk[0].stages,
            Some(Stages::List(vec!["mining".into(), "separation".into()]))
        );
        assert_eq!(uk[0].mode, Some(Mode::Any));
        let eu = builtin_set("eu-crma-2030", &doc).unwrap();
        assert_eq!(eu.len(), 4);
        assert!(
            eu.iter()
                .all(|r| r.home.as_deref() == Some("EU") && r.year == Some(2030))
        );
        assert_eq!(eu[1].bound, Bound::Min(0.4));
        assert!(builtin_set("uk-2050", &doc).is_none());
        // A set row the map already has by name is not added twice.
        let mut doc = doc;
        doc.targets = vec![uk[1].clone()];
        assert_eq!(rows(&doc, &["uk-2035".into()]).unwrap().len(), 3);
        assert_eq!(rows(&doc, &["nope".into()]), Err("nope".to_string()));
    }

    #[test]
    fn the_uk_sample_gives_the_figures_of_the_spec() {
        let sample = crate::io::samples::default_sample().load().unwrap();
        // Reconciled (indicators.md §10), the figures move a little within their ranges:
        // the HPMS estimates pull the recycled amount down.
        let reconciled = evaluate(&sample, &builtin_set("uk-2035", &sample).unwrap());
        assert_eq!(reconciled.status, Status::Reconciled);
        let share = reconciled.recycling_share.unwrap();
        assert!((0.003..0.006).contains(&share), "{share}");
        // §11's figures are those of the sample's figures as entered.
        let mut doc = sample.clone();
        for f in &mut doc.flows {
            f.uncertainty = None;
            f.estimates.clear();
        }
        let rows = builtin_set("uk-2035", &doc).unwrap();
        let r = evaluate(&doc, &rows);
        assert_eq!(r.status, Status::Ok);
        // Recycling 0.52 % against 20 %, never reached on the map's loops as drawn.
        let recycling = r.recycling_share.unwrap();
        assert!((recycling - 0.0052).abs() < 0.00005, "{recycling}");
        assert_eq!(
            (r.rows[1].met, r.rows[1].year_met, r.rows[1].has_year_met),
            (Some(false), None, true)
        );
        // China's 90.5 % at the metal and magnet stages.
        for stage in ["metal", "magnet"] {
            let s = r.stages.iter().find(|s| s.stage == stage).unwrap();
            assert_eq!(s.top_foreign.country.as_deref(), Some("CN"));
            assert!((s.top_foreign.share - 0.905).abs() < 0.0005, "{stage}");
        }
        assert!((r.rows[2].value.unwrap() - 0.905).abs() < 0.0005);
        assert_eq!(r.rows[2].met, Some(false));
        // Supply risk 4.67 (the EU's 2023 assessment gives neodymium 4.5).
        let risk = r.supply_risk.unwrap();
        assert!((risk - 4.67).abs() < 0.005, "{risk}");
    }

    #[test]
    fn the_uk_separation_plant_meets_the_domestic_production_row() {
        let doc = crate::io::samples::default_sample().load().unwrap();
        let rows = builtin_set("uk-2035", &doc).unwrap();
        let cases = evaluate_cases(&doc, &rows);
        let (_, plant) = cases
            .iter()
            .find(|(n, _)| n == "UK separation plant")
            .unwrap();
        assert_eq!(plant.rows[0].met, Some(true));
        assert_eq!(cases[0].1.rows[0].met, Some(false));
    }
}
