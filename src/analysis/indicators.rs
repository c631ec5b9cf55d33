//! Circularity indicators (indicators.md §2–4): the flow classes, the EMF Material
//! Circularity Indicator with LFI, and end-of-life and recycling rates.

use serde::Serialize;

use super::linear::System;
use super::topology::Topology;
use super::total;
use crate::model::{Document, Loop, NodeKind, SourceMaterial};
use crate::present::Measure;

/// Every value is `None` when a flow it needs is undetermined or its denominator is 0.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Indicators {
    pub virgin_input: Option<f64>,
    /// W0 + Wc: what physically reaches waste nodes.
    pub waste: Option<f64>,
    pub product_mass: Option<f64>,
    pub eol_discards: Option<f64>,
    pub lfi: Option<f64>,
    pub utility: Option<f64>,
    pub mci: Option<f64>,
    pub recycled_content: Option<f64>,
    pub eol_rir: Option<f64>,
    pub collection_rate: Option<f64>,
    pub eol_recycling_rate: Option<f64>,
    pub reuse_rate: Option<f64>,
    pub landfill_rate: Option<f64>,
    pub loops: LoopAmounts,
    /// End-of-life rates that came out above 1 and are shown as 1, with their raw value:
    /// material that passes through recovery more than once is counted at every pass.
    #[serde(skip)]
    pub capped: Vec<(&'static str, f64)>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LoopAmounts {
    pub maintain: Option<f64>,
    pub reuse: Option<f64>,
    pub remanufacture: Option<f64>,
    pub recycle: Option<f64>,
}

impl LoopAmounts {
    pub fn get(&self, kind: Loop) -> Option<f64> {
        match kind {
            Loop::Maintain => self.maintain,
            Loop::Reuse => self.reuse,
            Loop::Remanufacture => self.remanufacture,
            Loop::Recycle => self.recycle,
            Loop::None => None,
        }
    }
}

fn ratio(num: Option<f64>, den: Option<f64>) -> Option<f64> {
    let (n, d) = (num?, den?);
    (d > 0.0).then(|| n / d)
}

pub fn compute(doc: &Document, topo: &Topology, flows: &[Option<f64>]) -> Indicators {
    let kind = |n: usize| doc.nodes[n].kind;
    let from_kind = |f: usize| kind(topo.from[f]);
    let to_kind = |f: usize| kind(topo.to[f]);
    let loop_of = |f: usize| doc.flows[f].loop_kind;
    let sum_where = |pred: &dyn Fn(usize) -> bool| {
        total((0..doc.flows.len()).filter(|&f| pred(f)).map(|f| flows[f]))
    };
    let source_supply = |f: usize| {
        let n = &doc.nodes[topo.from[f]];
        (n.kind == NodeKind::Source).then(|| n.supply())
    };

    // §2 classes of flows.
    let virgin = sum_where(&|f| source_supply(f) == Some(SourceMaterial::Virgin));
    let r_ext = sum_where(&|f| source_supply(f) == Some(SourceMaterial::Recycled));
    let wf_ext = total(
        (0..doc.flows.len())
            .filter(|&f| source_supply(f) == Some(SourceMaterial::Recycled))
            .map(|f| {
                let e = doc.nodes[topo.from[f]].efficiency();
                flows[f].map(|a| a * (1.0 - e) / e)
            }),
    );
    let product_mass = sum_where(&|f| to_kind(f) == NodeKind::Use && loop_of(f) != Loop::Maintain);
    let discards = sum_where(&|f| from_kind(f) == NodeKind::Use && loop_of(f) != Loop::Maintain);
    let w0 = sum_where(&|f| to_kind(f) == NodeKind::Waste && from_kind(f) != NodeKind::Recovery);
    let wc = sum_where(&|f| to_kind(f) == NodeKind::Waste && from_kind(f) == NodeKind::Recovery);
    let useful = |f: usize| {
        from_kind(f) == NodeKind::Recovery
            && !matches!(to_kind(f), NodeKind::Recovery | NodeKind::Waste)
    };
    let y = sum_where(&useful);
    let y_int = sum_where(&|f| useful(f) && to_kind(f) != NodeKind::Export);
    let into_production = |f: usize| matches!(to_kind(f), NodeKind::Process | NodeKind::Use);
    let r_loop = sum_where(&|f| loop_of(f) == Loop::Recycle && into_production(f));
    let input = total([virgin, r_ext, r_loop].into_iter());

    // §3 MCI.
    let wf = (|| {
        let (wc, y, y_int, wf_ext) = (wc?, y?, y_int?, wf_ext?);
        Some(if y > 0.0 { wc * y_int / y } else { 0.0 } + wf_ext)
    })();
    let lfi = (|| {
        let (v, w0, wc, wf, m) = (virgin?, w0?, wc?, wf?, product_mass?);
        let w = w0 + (wf + wc) / 2.0;
        let den = 2.0 * m + (wf - wc) / 2.0;
        (m > 0.0 && den > 0.0).then(|| (v + w) / den)
    })();
    let utility = (|| {
        let m = product_mass?;
        let weighted = total(
            doc.nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.kind == NodeKind::Use)
                .map(|(i, n)| {
                    let m_u = total(
                        topo.inflows[i]
                            .iter()
                            .filter(|&&f| loop_of(f) != Loop::Maintain)
                            .map(|&f| flows[f]),
                    )?;
                    Some(m_u * n.lifetime_ratio() * n.intensity_ratio())
                }),
        )?;
        (m > 0.0).then(|| weighted / m)
    })();
    let mci = (|| Some((1.0 - lfi? * 0.9 / utility?).max(0.0)))();

    // §4 rates, weighting each flow by the post-use fraction of its source.
    let phi = post_use_fractions(doc, topo, flows);
    let eol = |pred: &dyn Fn(usize) -> bool| -> Option<f64> {
        let phi = phi.as_ref()?;
        total(
            (0..doc.flows.len())
                .filter(|&f| pred(f))
                .map(|f| flows[f].map(|a| a * phi[topo.from[f]])),
        )
    };
    let collected = eol(&|f| {
        to_kind(f) == NodeKind::Recovery
            && from_kind(f) != NodeKind::Recovery
            && loop_of(f) != Loop::Maintain
    });
    let recycled = eol(&|f| from_kind(f) == NodeKind::Recovery && loop_of(f) == Loop::Recycle);
    let reused = eol(&|f| {
        matches!(from_kind(f), NodeKind::Recovery | NodeKind::Use)
            && matches!(loop_of(f), Loop::Reuse | Loop::Remanufacture)
    });
    let landfilled = eol(&|f| to_kind(f) == NodeKind::Waste);
    let old_scrap_in = eol(&|f| loop_of(f) == Loop::Recycle && into_production(f));
    let loop_amount = |k: Loop| sum_where(&|f| loop_of(f) == k);
    let mut capped = Vec::new();
    let mut rate = |name: &'static str, num: Option<f64>| {
        let r = ratio(num, discards)?;
        if r > 1.0 + 1e-9 {
            capped.push((name, r));
        }
        Some(r.min(1.0))
    };
    let collection_rate = rate("collection rate", collected);
    let eol_recycling_rate = rate("end-of-life recycling rate", recycled);
    let reuse_rate = rate("reuse rate", reused);
    let landfill_rate = rate("landfill rate", landfilled);

    Indicators {
        virgin_input: virgin,
        waste: (|| Some(w0? + wc?))(),
        product_mass,
        eol_discards: discards,
        lfi,
        utility,
        mci,
        recycled_content: ratio((|| Some(r_ext? + r_loop?))(), input),
        eol_rir: ratio((|| Some(r_ext? + old_scrap_in?))(), input),
        collection_rate,
        eol_recycling_rate,
        reuse_rate,
        landfill_rate,
        loops: LoopAmounts {
            maintain: loop_amount(Loop::Maintain),
            reuse: loop_amount(Loop::Reuse),
            remanufacture: loop_amount(Loop::Remanufacture),
            recycle: loop_amount(Loop::Recycle),
        },
        capped,
    }
}

/// φ of each node (§4): how much of its outflow is end-of-life material. Use nodes and
/// secondary sources give 1; nodes downstream of use take the inflow-weighted mean of
/// what feeds them (a linear system where they feed each other); all others give 0.
pub fn post_use_fractions(
    doc: &Document,
    topo: &Topology,
    flows: &[Option<f64>],
) -> Option<Vec<f64>> {
    post_use_fractions_from(doc, topo, flows, None)
}

/// φ of each node with `origin` as the only source of end-of-life material (1 there, 0 at
/// every other use node and secondary source; the same equations elsewhere), or with
/// every use node and secondary source as origins when `origin` is `None`.
pub fn post_use_fractions_from(
    doc: &Document,
    topo: &Topology,
    flows: &[Option<f64>],
    origin: Option<usize>,
) -> Option<Vec<f64>> {
    let fixed: Vec<f64> = doc
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let is_origin = match origin {
                Some(o) => i == o,
                None => n.kind == NodeKind::Use || n.is_secondary_source(),
            };
            if is_origin { 1.0 } else { 0.0 }
        })
        .collect();
    let downstream = topo.downstream_of_use(doc);
    let mut col = vec![usize::MAX; doc.nodes.len()];
    let members: Vec<usize> = (0..doc.nodes.len()).filter(|&n| downstream[n]).collect();
    for (i, &n) in members.iter().enumerate() {
        col[n] = i;
    }
    let mut system = System::new(members.len());
    for &n in &members {
        let inflow: f64 = total(topo.inflows[n].iter().map(|&f| flows[f]))?;
        if inflow <= 0.0 {
            system.add_row([(col[n], 1.0)], 0.0);
            continue;
        }
        let mut terms = vec![(col[n], inflow)];
        let mut rhs = 0.0;
        for &f in &topo.inflows[n] {
            let (m, a) = (topo.from[f], flows[f]?);
            if col[m] != usize::MAX {
                terms.push((col[m], -a));
            } else {
                rhs += a * fixed[m];
            }
        }
        system.add_row(terms, rhs);
    }
    let solution = system.solve();
    let mut phi = fixed;
    for (&n, v) in members.iter().zip(solution.values) {
        phi[n] = v?.clamp(0.0, 1.0);
    }
    Some(phi)
}

/// One indicator with its name and meaning, for panels, tables and reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Described {
    /// Its key in the JSON of `loopmap indicators --json`.
    pub key: &'static str,
    pub name: &'static str,
    pub value: Option<f64>,
    pub measure: Measure,
    /// What it means, with its formula in words.
    pub meaning: &'static str,
}

/// Whether a rise of the indicator `key` is good for circularity; `None` for amounts that
/// are neither good nor bad in themselves (products into use, end-of-life discards).
pub fn higher_is_better(key: &str) -> Option<bool> {
    match key {
        "mci" | "utility" | "recycled_content" | "eol_rir" | "collection_rate"
        | "eol_recycling_rate" | "reuse_rate" => Some(true),
        "lfi" | "virgin_input" | "waste" | "landfill_rate" => Some(false),
        _ => None,
    }
}

impl Indicators {
    /// Every indicator of §3–4 in the order the panel and reports show them.
    pub fn described(&self) -> Vec<Described> {
        vec![
            Described {
                key: "mci",
                name: "Material Circularity Indicator",
                value: self.mci,
                measure: Measure::Index,
                meaning: "MCI (Ellen MacArthur Foundation): 1 minus the Linear Flow Index times 0.9, divided by the utility. 0.1 is a fully linear product of average utility, 1 a fully closed loop.",
            },
            Described {
                key: "lfi",
                name: "Linear Flow Index (LFI)",
                value: self.lfi,
                measure: Measure::Index,
                meaning: "LFI: virgin input plus unrecoverable waste, divided by twice the mass of products put into use (adjusted for recycling losses). 1 is fully linear. It moves before MCI does on very linear chains.",
            },
            Described {
                key: "utility",
                name: "Utility (X)",
                value: self.utility,
                measure: Measure::Index,
                meaning: "Lifetime relative to the industry average times intensity of use relative to the average, weighted by the mass going into each use node.",
            },
            Described {
                key: "virgin_input",
                name: "Virgin input",
                value: self.virgin_input,
                measure: Measure::Amount,
                meaning: "Everything leaving sources of virgin material.",
            },
            Described {
                key: "waste",
                name: "Waste",
                value: self.waste,
                measure: Measure::Amount,
                meaning: "Everything reaching waste nodes: landfill and dissipation, plus the losses of recovery.",
            },
            Described {
                key: "product_mass",
                name: "Products into use",
                value: self.product_mass,
                measure: Measure::Amount,
                meaning: "Everything entering use nodes, except flows of the maintain loop.",
            },
            Described {
                key: "eol_discards",
                name: "End-of-life discards",
                value: self.eol_discards,
                measure: Measure::Amount,
                meaning: "Everything leaving use nodes, except flows of the maintain loop.",
            },
            Described {
                key: "recycled_content",
                name: "Recycled content",
                value: self.recycled_content,
                measure: Measure::Rate,
                meaning: "Recycled material (from recycled sources and recycle loops, old and new scrap) as a share of all input to production.",
            },
            Described {
                key: "eol_rir",
                name: "EOL recycling input rate",
                value: self.eol_rir,
                measure: Measure::Rate,
                meaning: "EU EOL-RIR: recycled material that comes from end-of-life products (old scrap only) as a share of all input to production.",
            },
            Described {
                key: "collection_rate",
                name: "Collection rate",
                value: self.collection_rate,
                measure: Measure::Rate,
                meaning: "End-of-life material entering recovery nodes, as a share of end-of-life discards.",
            },
            Described {
                key: "eol_recycling_rate",
                name: "EOL recycling rate",
                value: self.eol_recycling_rate,
                measure: Measure::Rate,
                meaning: "UNEP EOL-RR: end-of-life material leaving recovery in recycle loops, as a share of end-of-life discards.",
            },
            Described {
                key: "reuse_rate",
                name: "Reuse rate",
                value: self.reuse_rate,
                measure: Measure::Rate,
                meaning: "End-of-life material going to reuse or remanufacture, as a share of end-of-life discards.",
            },
            Described {
                key: "landfill_rate",
                name: "Landfill rate",
                value: self.landfill_rate,
                measure: Measure::Rate,
                meaning: "End-of-life material reaching waste nodes, as a share of end-of-life discards.",
            },
        ]
    }
}
