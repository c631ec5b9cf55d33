//! What a rate counts (indicators.md §4): the flows and nodes its numerator and its
//! denominator take, with their amounts, so that a tooltip can say which parts of the map
//! make "collection rate 62.5 %"; and what each node kind counts for.

use super::indicators::post_use_fractions;
use super::topology::Topology;
use crate::model::{Document, Loop, NodeKind, SourceMaterial};
use crate::present::Names;

/// What each node kind counts for in the indicators (§2–4), in words.
pub fn counts_for(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Source => {
            "Material entering the map: a virgin source is virgin input; a recycled or \
             reused source is recycled input (recycled content, EOL recycling input rate)."
        }
        NodeKind::Process => {
            "A stage of production, mass-balanced. Recycle-loop flows into it are recycled \
             input (recycled content)."
        }
        NodeKind::Use => {
            "Products in service. What flows in (except maintain loops) is products into \
             use; what flows out is end-of-life discards, the denominator of the collection, \
             recycling, reuse and landfill rates. Every use node counts: a use node for a \
             second life counts the same products a second time (a second life is a \
             recovery node: palette, Second-life use)."
        }
        NodeKind::Recovery => {
            "Collection, repair, repurposing, remanufacturing, recycling, and a second life \
             (batteries in stationary storage): what flows in from outside recovery is \
             collected (collection rate); recycle outflows are recycled; flows to waste are \
             recovery losses. Not counted as products into use or as discards."
        }
        NodeKind::Waste => {
            "Landfill, incineration, dissipation: waste, and the landfill rate's numerator."
        }
        NodeKind::Export => {
            "Leaves the map as something useful (sold, reused elsewhere): not waste, and in \
             no rate."
        }
    }
}

/// `counts_for` in a few words, for a narrow column.
pub fn counts_for_briefly(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Source => "Counts as virgin or recycled input.",
        NodeKind::Process => "Mass-balanced; in no rate itself.",
        NodeKind::Use => "Counts in products into use and in end-of-life discards.",
        NodeKind::Recovery => {
            "Counts as collected; not a product in use (a second life fits here)."
        }
        NodeKind::Waste => "Counts as waste (landfill rate).",
        NodeKind::Export => "Leaves the map as something useful; in no rate.",
    }
}

/// The parts of a rate: each with what people call it and its amount (weighted by the
/// post-use fraction where the rate counts only end-of-life material).
#[derive(Clone, Debug, PartialEq)]
pub struct RateTerms {
    pub numerator: Vec<(String, f64)>,
    pub denominator: Vec<(String, f64)>,
    /// What the denominator is, in words ("end-of-life discards of use nodes").
    pub over: &'static str,
}

impl RateTerms {
    pub fn numerator_sum(&self) -> f64 {
        self.numerator.iter().map(|(_, a)| a).sum::<f64>() + 0.0
    }

    pub fn denominator_sum(&self) -> f64 {
        self.denominator.iter().map(|(_, a)| a).sum::<f64>() + 0.0
    }
}

/// The terms of the rate with JSON key `key` (`collection_rate`, `eol_recycling_rate`,
/// `reuse_rate`, `landfill_rate`, `recycled_content`, `eol_rir`); `None` for any other key
/// or while a flow is unknown.
pub fn rate_terms(doc: &Document, flows: &[Option<f64>], key: &str) -> Option<RateTerms> {
    let topo = Topology::new(doc);
    let amounts: Vec<f64> = flows.iter().copied().collect::<Option<Vec<f64>>>()?;
    let phi = post_use_fractions(doc, &topo, flows)?;
    let names = Names::new(doc);
    let kind = |n: usize| doc.nodes[n].kind;
    let (from, to) = (|f: usize| kind(topo.from[f]), |f: usize| kind(topo.to[f]));
    let loop_of = |f: usize| doc.flows[f].loop_kind;
    let into_production = |f: usize| matches!(to(f), NodeKind::Process | NodeKind::Use);
    let supply_of = |f: usize| {
        let n = &doc.nodes[topo.from[f]];
        (n.kind == NodeKind::Source).then(|| n.supply())
    };
    // Flows that pass `pred`, weighted by φ of where they come from or not.
    let flows_where = |pred: &dyn Fn(usize) -> bool, weighted: bool| -> Vec<(String, f64)> {
        (0..doc.flows.len())
            .filter(|&f| pred(f))
            .map(|f| {
                let w = if weighted { phi[topo.from[f]] } else { 1.0 };
                (names.flow(f), amounts[f] * w)
            })
            .filter(|(_, a)| *a > 0.0)
            .collect()
    };
    let discards = || -> Vec<(String, f64)> {
        (0..doc.nodes.len())
            .filter(|&n| kind(n) == NodeKind::Use)
            .map(|n| {
                let d: f64 = topo.outflows[n]
                    .iter()
                    .filter(|&&f| loop_of(f) != Loop::Maintain)
                    .map(|&f| amounts[f])
                    .sum();
                (names.node(n), d)
            })
            .filter(|(_, d)| *d > 0.0)
            .collect()
    };
    let over_discards = |numerator| RateTerms {
        numerator,
        denominator: discards(),
        over: "end-of-life discards: what leaves use nodes",
    };
    let secondary = |f: usize| supply_of(f) == Some(SourceMaterial::Recycled);
    let recycled_in = |f: usize| loop_of(f) == Loop::Recycle && into_production(f);
    let production_input = || {
        flows_where(
            &|f| supply_of(f) == Some(SourceMaterial::Virgin) || secondary(f) || recycled_in(f),
            false,
        )
    };
    let over_input = |numerator| RateTerms {
        numerator,
        denominator: production_input(),
        over: "production input: virgin and recycled sources and recycle loops into production",
    };
    Some(match key {
        "collection_rate" => over_discards(flows_where(
            &|f| {
                to(f) == NodeKind::Recovery
                    && from(f) != NodeKind::Recovery
                    && loop_of(f) != Loop::Maintain
            },
            true,
        )),
        "eol_recycling_rate" => over_discards(flows_where(
            &|f| from(f) == NodeKind::Recovery && loop_of(f) == Loop::Recycle,
            true,
        )),
        "reuse_rate" => over_discards(flows_where(
            &|f| {
                matches!(from(f), NodeKind::Recovery | NodeKind::Use)
                    && matches!(loop_of(f), Loop::Reuse | Loop::Remanufacture)
            },
            true,
        )),
        "landfill_rate" => over_discards(flows_where(&|f| to(f) == NodeKind::Waste, true)),
        "recycled_content" => over_input(flows_where(&|f| secondary(f) || recycled_in(f), false)),
        "eol_rir" => {
            let mut numerator = flows_where(&secondary, false);
            numerator.extend(flows_where(&recycled_in, true));
            over_input(numerator)
        }
        _ => return None,
    })
}

/// The terms as a tooltip: the parts of the numerator and of the denominator, the largest
/// first, a few of each.
pub fn describe(terms: &RateTerms, unit: &str) -> String {
    const LISTED: usize = 6;
    let list = |parts: &[(String, f64)]| -> String {
        let mut sorted = parts.to_vec();
        sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut lines: Vec<String> = sorted
            .iter()
            .take(LISTED)
            .map(|(name, a)| format!("  {name}: {} {unit}", crate::present::amount(*a)))
            .collect();
        if sorted.len() > LISTED {
            lines.push(format!("  and {} more", sorted.len() - LISTED));
        }
        if lines.is_empty() {
            lines.push("  nothing".into());
        }
        lines.join("\n")
    };
    format!(
        "Counts ({} {unit}):\n{}\nOver {} ({} {unit}):\n{}",
        crate::present::amount(terms.numerator_sum()),
        list(&terms.numerator),
        terms.over,
        crate::present::amount(terms.denominator_sum()),
        list(&terms.denominator)
    )
}
