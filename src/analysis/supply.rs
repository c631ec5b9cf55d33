//! Supply concentration by value-chain stage (indicators.md §5): country shares of each
//! stage's throughput, HHI, top country, coverage, and the bottleneck stage. (Where the
//! material of each use node comes from is `provenance`, computed on demand.)

use std::collections::BTreeMap;

use super::topology::Topology;
use crate::model::Document;

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
    /// Stages in alphabetical order.
    pub stages: Vec<StageConcentration>,
    pub bottleneck: Option<String>,
}

impl Concentration {
    /// The stages from the start of the chain: by the left edge of their nodes on the
    /// canvas (the way maps are drawn), then by name.
    pub fn stages_in_chain_order(&self, doc: &Document) -> Vec<String> {
        let left = |stage: &str| {
            doc.nodes
                .iter()
                .filter(|n| n.stage.as_deref() == Some(stage))
                .map(|n| n.pos[0])
                .fold(f64::INFINITY, f64::min)
        };
        let mut keyed: Vec<(f64, &str)> = self
            .stages
            .iter()
            .map(|s| (left(&s.stage), s.stage.as_str()))
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        keyed.into_iter().map(|(_, s)| s.to_string()).collect()
    }
}

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
    let topo = Topology::new(doc);
    (0..doc.nodes.len())
        .map(|n| throughput(doc, &topo, flows, n))
        .collect()
}

pub fn compute(doc: &Document, topo: &Topology, flows: &[Option<f64>]) -> Concentration {
    let mut by_stage: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (n, node) in doc.nodes.iter().enumerate() {
        if let Some(stage) = node.stage.as_deref().filter(|s| !s.is_empty()) {
            by_stage.entry(stage).or_default().push(n);
        }
    }
    let stages: Vec<StageConcentration> = by_stage
        .into_iter()
        .map(|(stage, nodes)| stage_supply(doc, topo, flows, stage, &nodes))
        .collect();
    let home = doc.meta.home_country.as_deref();
    let mut bottleneck: Option<(&str, f64)> = None;
    for s in &stages {
        let (Some(hhi), Some(top)) = (s.hhi, s.top.as_deref()) else {
            continue;
        };
        if Some(top) == home {
            continue;
        }
        // Stages come alphabetically, so a tie keeps the first.
        if bottleneck.is_none_or(|(_, best)| hhi > best) {
            bottleneck = Some((&s.stage, hhi));
        }
    }
    let bottleneck = bottleneck.map(|(s, _)| s.to_string());
    Concentration { stages, bottleneck }
}

fn stage_supply(
    doc: &Document,
    topo: &Topology,
    flows: &[Option<f64>],
    stage: &str,
    nodes: &[usize],
) -> StageConcentration {
    let unknown = StageConcentration {
        stage: stage.to_string(),
        shares: Vec::new(),
        hhi: None,
        top: None,
        coverage: None,
    };
    let mut total = 0.0;
    let mut by_country: BTreeMap<&str, f64> = BTreeMap::new();
    for &n in nodes {
        let Some(t) = throughput(doc, topo, flows, n) else {
            return unknown;
        };
        total += t;
        for (country, share) in doc.nodes[n].country_shares() {
            *by_country.entry(country).or_default() += t * share;
        }
    }
    // + 0.0: an empty sum is -0.0, which would print as a coverage of "-0.0".
    let covered: f64 = by_country.values().sum::<f64>() + 0.0;
    let coverage = (total > 0.0).then(|| covered / total);
    if covered <= 0.0 {
        return StageConcentration {
            coverage,
            ..unknown
        };
    }
    let mut top: Option<(&str, f64)> = None;
    for (&c, &v) in &by_country {
        if top.is_none_or(|(_, best)| v > best) {
            top = Some((c, v));
        }
    }
    let mut shares: Vec<(String, f64)> = by_country
        .into_iter()
        .map(|(c, v)| (c.to_string(), v / covered))
        .collect();
    shares.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let hhi = shares.iter().map(|(_, s)| (100.0 * s).powi(2)).sum();
    StageConcentration {
        stage: stage.to_string(),
        shares,
        hhi: Some(hhi),
        top: top.map(|(c, _)| c.to_string()),
        coverage,
    }
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
