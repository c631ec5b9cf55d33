//! Supply concentration by value-chain stage (indicators.md §5): country shares of each
//! stage's throughput, HHI, top country, coverage, and the bottleneck stages. (Where the
//! material of each use node comes from is `provenance`, computed on demand.)

use std::collections::BTreeMap;

use super::topology::Topology;
use crate::model::Document;
use crate::present::{self, Measure};

/// HHI above which a market counts as highly concentrated (US DoJ/FTC 2010).
pub const HHI_HIGH: f64 = 2500.0;
/// HHI above which a market is moderately concentrated.
pub const HHI_MODERATE: f64 = 1500.0;

/// The concentration bands of the US DoJ/FTC guidelines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    Unconcentrated,
    Moderate,
    High,
}

impl Band {
    pub fn of(hhi: f64) -> Band {
        if hhi > HHI_HIGH {
            Band::High
        } else if hhi > HHI_MODERATE {
            Band::Moderate
        } else {
            Band::Unconcentrated
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Band::Unconcentrated => "unconcentrated (HHI up to 1,500)",
            Band::Moderate => "moderately concentrated (HHI 1,500 to 2,500)",
            Band::High => "highly concentrated (HHI above 2,500)",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageConcentration {
    pub stage: String,
    /// Country shares of the covered throughput, largest first.
    pub shares: Vec<(String, f64)>,
    /// Σ (100 × share)², 0–10,000; `None` when no throughput has a country.
    pub hhi: Option<f64>,
    pub top: Option<String>,
    /// Throughput with a country / all throughput of the stage.
    pub coverage: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Concentration {
    /// Stages in chain order (`chain_order`).
    pub stages: Vec<StageConcentration>,
    /// The first of `bottlenecks` in chain order.
    pub bottleneck: Option<String>,
    /// Every stage tied at the highest HHI (home-led stages left out), in chain order.
    pub bottlenecks: Vec<String>,
}

impl Concentration {
    /// The names of the stages, from the start of the chain.
    pub fn stage_names(&self) -> Vec<String> {
        self.stages.iter().map(|s| s.stage.clone()).collect()
    }

    /// Whether `stage` is a bottleneck (one of those tied at the highest HHI).
    pub fn is_bottleneck(&self, stage: &str) -> bool {
        self.bottlenecks.iter().any(|b| b == stage)
    }

    /// The bottleneck stages with their HHI, in chain order.
    pub fn bottleneck_stages(&self) -> Vec<&StageConcentration> {
        self.stages
            .iter()
            .filter(|s| self.is_bottleneck(&s.stage))
            .collect()
    }

    /// "Bottleneck", or "Bottlenecks" when stages tie.
    pub fn bottleneck_heading(&self) -> &'static str {
        if self.bottlenecks.len() > 1 {
            "Bottlenecks"
        } else {
            "Bottleneck"
        }
    }

    /// The bottleneck in few words, for the workshop bar: `separation HHI 8836 (CN 94 %)`,
    /// or `mining, refining, cathode: tied at HHI 10000`.
    pub fn bottleneck_short(&self) -> Option<String> {
        let tied = self.bottleneck_stages();
        let hhi = |s: &StageConcentration| present::value(Measure::Concentration, s.hhi, "");
        match tied.as_slice() {
            [] => None,
            [one] => Some(match one.shares.first() {
                Some((c, share)) => format!(
                    "{} HHI {} ({c} {})",
                    one.stage,
                    hhi(one),
                    present::whole_percent(*share)
                ),
                None => format!("{} HHI {}", one.stage, hhi(one)),
            }),
            [first, ..] => {
                let names: Vec<&str> = tied.iter().map(|s| s.stage.as_str()).collect();
                Some(format!("{}: tied at HHI {}", names.join(", "), hhi(first)))
            }
        }
    }

    /// The bottleneck in words, for the panel, the Supply tab, the command line and the
    /// report: `separation — HHI 8836, top CN (94 %)`, or, when stages tie, `3 stages
    /// tied at HHI 10000: mining (top CD), refining (top CN), cathode (top KR)`.
    pub fn bottleneck_text(&self) -> Option<String> {
        let tied = self.bottleneck_stages();
        let hhi = |s: &StageConcentration| present::value(Measure::Concentration, s.hhi, "");
        match tied.as_slice() {
            [] => None,
            [one] => Some(match one.shares.first() {
                Some((c, share)) => format!(
                    "{} — HHI {}, top {c} ({})",
                    one.stage,
                    hhi(one),
                    present::whole_percent(*share)
                ),
                None => format!("{} — HHI {}", one.stage, hhi(one)),
            }),
            [first, ..] => {
                let each: Vec<String> = tied
                    .iter()
                    .map(|s| match s.shares.first() {
                        Some((c, _)) => format!("{} (top {c})", s.stage),
                        None => s.stage.clone(),
                    })
                    .collect();
                Some(format!(
                    "{} stages tied at HHI {}: {}",
                    tied.len(),
                    hhi(first),
                    each.join(", ")
                ))
            }
        }
    }
}

/// HHI points within which two stages count as tied (round-off of shares that are equal).
const HHI_TIE: f64 = 1e-6;

/// T_n: Σ outflows, or Σ inflows for wastes and exports.
pub fn throughput(doc: &Document, topo: &Topology, flows: &[Option<f64>], n: usize) -> Option<f64> {
    let list = if doc.nodes[n].kind.gives_outflows() {
        &topo.outflows[n]
    } else {
        &topo.inflows[n]
    };
    super::total(list.iter().map(|&f| flows[f]))
}

/// T_n of every node, from the flow amounts (unknown where a flow is).
pub fn throughputs(doc: &Document, flows: &[Option<f64>]) -> Vec<Option<f64>> {
    // Read off the flows in one pass (no graph needed: this runs on every lever step).
    let index = doc.node_index();
    let mut out = vec![Some(0.0); doc.nodes.len()];
    for (flow, amount) in doc.flows.iter().zip(flows) {
        let (Some(&from), Some(&to)) = (index.get(flow.from.as_str()), index.get(flow.to.as_str()))
        else {
            continue;
        };
        let n = if doc.nodes[from].kind.gives_outflows() {
            Some(from)
        } else {
            None
        };
        let m = (!doc.nodes[to].kind.gives_outflows()).then_some(to);
        for node in [n, m].into_iter().flatten() {
            out[node] = match (out[node], amount) {
                (Some(t), Some(a)) => Some(t + a),
                _ => None,
            };
        }
    }
    // An empty sum is a plain 0 (not −0.0).
    out.iter_mut().flatten().for_each(|t| *t += 0.0);
    out
}

pub fn compute(doc: &Document, topo: &Topology, flows: &[Option<f64>]) -> Concentration {
    let stages: Vec<StageConcentration> = stage_sums(doc, topo, flows)
        .iter()
        .map(StageSums::concentration)
        .collect();
    let bottlenecks = bottlenecks(doc, &stages);
    Concentration {
        stages,
        bottleneck: bottlenecks.first().cloned(),
        bottlenecks,
    }
}

/// The sums a stage's concentration is built from: the throughput of its nodes, in all
/// and by country.
#[derive(Clone, Debug, PartialEq)]
pub struct StageSums {
    pub stage: String,
    /// `None` when a node's throughput is unknown.
    pub total: Option<f64>,
    /// Throughput × share of each country, by country code.
    pub countries: Vec<(String, f64)>,
}

/// The sums of every stage, in chain order.
pub fn stage_sums(doc: &Document, topo: &Topology, flows: &[Option<f64>]) -> Vec<StageSums> {
    let mut stages: Vec<StageSums> = stage_nodes(doc)
        .into_iter()
        .map(|(stage, nodes)| StageSums::of(doc, topo, flows, stage, &nodes))
        .collect();
    chain_order(doc, &mut stages, |s| &s.stage);
    stages
}

/// The nodes of each named stage, by stage name.
fn stage_nodes(doc: &Document) -> BTreeMap<&str, Vec<usize>> {
    let mut by_stage: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (n, node) in doc.nodes.iter().enumerate() {
        if let Some(stage) = node.stage.as_deref().filter(|s| !s.is_empty()) {
            by_stage.entry(stage).or_default().push(n);
        }
    }
    by_stage
}

/// For each flow, the stage sums it enters (through the throughput of the node it leaves,
/// or of the waste or export it reaches): (stage, `None` for the total or the country's
/// place in `countries`, coefficient), for `stages` as `stage_sums` gives them.
pub fn stage_terms(
    doc: &Document,
    topo: &Topology,
    stages: &[StageSums],
) -> Vec<Vec<(usize, Option<usize>, f64)>> {
    let place: BTreeMap<&str, usize> = stages
        .iter()
        .enumerate()
        .map(|(i, s)| (s.stage.as_str(), i))
        .collect();
    let node_terms = |n: usize, out: &mut Vec<(usize, Option<usize>, f64)>| {
        let node = &doc.nodes[n];
        let Some(&i) = node.stage.as_deref().and_then(|s| place.get(s)) else {
            return;
        };
        out.push((i, None, 1.0));
        for (country, share) in node.country_shares() {
            if let Ok(j) = stages[i]
                .countries
                .binary_search_by(|(c, _)| c.as_str().cmp(country))
            {
                out.push((i, Some(j), share));
            }
        }
    };
    (0..doc.flows.len())
        .map(|f| {
            let mut out = Vec::new();
            let (from, to) = (topo.from[f], topo.to[f]);
            if doc.nodes[from].kind.gives_outflows() {
                node_terms(from, &mut out);
            }
            if !doc.nodes[to].kind.gives_outflows() {
                node_terms(to, &mut out);
            }
            out
        })
        .collect()
}

/// Stages from the start of the chain, as the layout's columns run: by the left edge of
/// their leftmost node (a recycler of the same stage far downstream does not move it),
/// then by name.
fn chain_order<T>(doc: &Document, stages: &mut [T], name: impl Fn(&T) -> &String) {
    let mut left: BTreeMap<&str, f64> = BTreeMap::new();
    for node in &doc.nodes {
        if let Some(stage) = node.stage.as_deref() {
            let x = left.entry(stage).or_insert(f64::INFINITY);
            *x = x.min(node.pos[0]);
        }
    }
    let left_of = |s: &T| left.get(name(s).as_str()).copied();
    stages.sort_by(|a, b| {
        let (la, lb) = (
            left_of(a).unwrap_or(f64::INFINITY),
            left_of(b).unwrap_or(f64::INFINITY),
        );
        la.total_cmp(&lb).then_with(|| name(a).cmp(name(b)))
    });
}

/// The stages at the highest HHI, leaving out those whose top country is the home
/// country (concentrated at home is no supply risk); all of them when several tie, in
/// the order of `stages`.
fn bottlenecks(doc: &Document, stages: &[StageConcentration]) -> Vec<String> {
    let home = doc.meta.home_country.as_deref();
    let candidates: Vec<(&str, f64)> = stages
        .iter()
        .filter_map(|s| Some((s.stage.as_str(), s.hhi?, s.top.as_deref()?)))
        .filter(|&(_, _, top)| Some(top) != home)
        .map(|(stage, hhi, _)| (stage, hhi))
        .collect();
    let Some(highest) = candidates.iter().map(|&(_, h)| h).reduce(f64::max) else {
        return Vec::new();
    };
    candidates
        .into_iter()
        .filter(|&(_, h)| h >= highest - HHI_TIE)
        .map(|(stage, _)| stage.to_string())
        .collect()
}

impl StageSums {
    fn of(
        doc: &Document,
        topo: &Topology,
        flows: &[Option<f64>],
        stage: &str,
        nodes: &[usize],
    ) -> StageSums {
        let mut total = Some(0.0);
        let mut by_country: BTreeMap<&str, f64> = BTreeMap::new();
        for &n in nodes {
            let Some(t) = throughput(doc, topo, flows, n) else {
                total = None;
                break;
            };
            total = total.map(|s| s + t);
            for (country, share) in doc.nodes[n].country_shares() {
                *by_country.entry(country).or_default() += t * share;
            }
        }
        StageSums {
            stage: stage.to_string(),
            countries: match total {
                Some(_) => by_country
                    .into_iter()
                    .map(|(c, v)| (c.to_string(), v))
                    .collect(),
                None => Vec::new(),
            },
            total,
        }
    }

    /// The stage's shares, HHI, top country and coverage.
    pub fn concentration(&self) -> StageConcentration {
        let unknown = StageConcentration {
            stage: self.stage.clone(),
            shares: Vec::new(),
            hhi: None,
            top: None,
            coverage: None,
        };
        let Some(total) = self.total else {
            return unknown;
        };
        // + 0.0: an empty sum is -0.0, which would print as a coverage of "-0.0".
        let covered: f64 = self.countries.iter().map(|(_, v)| v).sum::<f64>() + 0.0;
        let coverage = (total > 0.0).then(|| covered / total);
        if covered <= 0.0 {
            return StageConcentration {
                coverage,
                ..unknown
            };
        }
        let mut top: Option<(&str, f64)> = None;
        for (c, v) in &self.countries {
            if top.is_none_or(|(_, best)| *v > best) {
                top = Some((c, *v));
            }
        }
        let values: Vec<f64> = self.countries.iter().map(|(_, v)| *v).collect();
        let (by_code, hhi) = shares_and_hhi(&values, covered);
        let mut shares: Vec<(String, f64)> = self
            .countries
            .iter()
            .zip(by_code)
            .map(|((c, _), s)| (c.clone(), s))
            .collect();
        shares.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        StageConcentration {
            stage: self.stage.clone(),
            shares,
            hhi: Some(hhi),
            top: top.map(|(c, _)| c.to_string()),
            coverage,
        }
    }
}

/// Each country's share of the covered throughput `covered` (Σ of `by_country`), in the
/// order given, and the HHI, Σ (100 × share)².
pub fn shares_and_hhi(by_country: &[f64], covered: f64) -> (Vec<f64>, f64) {
    let shares: Vec<f64> = by_country.iter().map(|v| v / covered).collect();
    let hhi = shares.iter().map(|s| (100.0 * s).powi(2)).sum();
    (shares, hhi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hhi_bands_follow_the_doj_thresholds() {
        assert_eq!(Band::of(0.0), Band::Unconcentrated);
        assert_eq!(Band::of(1500.0), Band::Unconcentrated);
        assert_eq!(Band::of(1500.1), Band::Moderate);
        assert_eq!(Band::of(2500.0), Band::Moderate);
        assert_eq!(Band::of(2500.1), Band::High);
        // One country with everything: 100² = 10,000.
        assert_eq!(Band::of(10_000.0), Band::High);
    }
}
