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

/// The sums of flows the indicators are built from (§2–4). Each is Σ c·a over the flows of
/// its class; the end-of-life ones (§4) weight each flow by φ of its source as well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sum {
    Virgin,
    /// R_ext: out of sources of recycled material.
    RecycledSources,
    /// W_F,ext: the recycling losses upstream of recycled sources.
    SourceLosses,
    ProductMass,
    Discards,
    /// W0: into waste, not from recovery.
    Unrecovered,
    /// W_C: into waste from recovery.
    RecoveryLosses,
    /// Y: out of recovery, into neither recovery nor waste.
    Useful,
    /// Y less what is exported.
    UsefulHere,
    /// R_loop: recycle loops into production.
    RecycleLoop,
    /// Σ m_u · L/L_avg · U/U_avg over use nodes.
    WeightedUse,
    Maintain,
    Reuse,
    Remanufacture,
    Recycle,
    Collected,
    Recycled,
    Reused,
    Landfilled,
    OldScrapIn,
}

impl Sum {
    pub const COUNT: usize = Sum::OldScrapIn as usize + 1;
    /// The end-of-life sums of §4, weighted by φ.
    pub const POST_USE: [Sum; 5] = [
        Sum::Collected,
        Sum::Recycled,
        Sum::Reused,
        Sum::Landfilled,
        Sum::OldScrapIn,
    ];

    pub fn is_post_use(self) -> bool {
        self as usize >= Sum::Collected as usize
    }

    fn of_loop(kind: Loop) -> Option<Sum> {
        match kind {
            Loop::Maintain => Some(Sum::Maintain),
            Loop::Reuse => Some(Sum::Reuse),
            Loop::Remanufacture => Some(Sum::Remanufacture),
            Loop::Recycle => Some(Sum::Recycle),
            Loop::None => None,
        }
    }
}

/// The sums flow `f` enters, each with its coefficient (the classes of §2 and §4).
pub fn each_term(doc: &Document, topo: &Topology, f: usize, mut add: impl FnMut(Sum, f64)) {
    let (from, to) = (&doc.nodes[topo.from[f]], &doc.nodes[topo.to[f]]);
    let kind = doc.flows[f].loop_kind;
    let maintain = kind == Loop::Maintain;
    if from.kind == NodeKind::Source {
        match from.supply() {
            SourceMaterial::Virgin => add(Sum::Virgin, 1.0),
            SourceMaterial::Recycled => {
                let e = from.efficiency();
                add(Sum::RecycledSources, 1.0);
                add(Sum::SourceLosses, (1.0 - e) / e);
            }
            _ => {}
        }
    }
    if to.kind == NodeKind::Use && !maintain {
        add(Sum::ProductMass, 1.0);
        add(Sum::WeightedUse, to.lifetime_ratio() * to.intensity_ratio());
    }
    if from.kind == NodeKind::Use && !maintain {
        add(Sum::Discards, 1.0);
    }
    let from_recovery = from.kind == NodeKind::Recovery;
    if to.kind == NodeKind::Waste {
        add(
            if from_recovery {
                Sum::RecoveryLosses
            } else {
                Sum::Unrecovered
            },
            1.0,
        );
        add(Sum::Landfilled, 1.0);
    }
    if from_recovery && !matches!(to.kind, NodeKind::Recovery | NodeKind::Waste) {
        add(Sum::Useful, 1.0);
        if to.kind != NodeKind::Export {
            add(Sum::UsefulHere, 1.0);
        }
    }
    let into_production = matches!(to.kind, NodeKind::Process | NodeKind::Use);
    if kind == Loop::Recycle && into_production {
        add(Sum::RecycleLoop, 1.0);
        add(Sum::OldScrapIn, 1.0);
    }
    if let Some(s) = Sum::of_loop(kind) {
        add(s, 1.0);
    }
    if to.kind == NodeKind::Recovery && !from_recovery && !maintain {
        add(Sum::Collected, 1.0);
    }
    if from_recovery && kind == Loop::Recycle {
        add(Sum::Recycled, 1.0);
    }
    if matches!(from.kind, NodeKind::Recovery | NodeKind::Use)
        && matches!(kind, Loop::Reuse | Loop::Remanufacture)
    {
        add(Sum::Reused, 1.0);
    }
}

/// The value of every sum; `None` where a flow of its class is unknown (or, for the
/// end-of-life sums, where φ is).
#[derive(Clone, Debug, PartialEq)]
pub struct Sums {
    pub values: [Option<f64>; Sum::COUNT],
}

impl Sums {
    pub fn of(doc: &Document, topo: &Topology, flows: &[Option<f64>]) -> Sums {
        Sums::with_phi(
            doc,
            topo,
            flows,
            post_use_fractions(doc, topo, flows).as_deref(),
        )
    }

    /// The sums with φ already known (`None`: unknown).
    pub fn with_phi(
        doc: &Document,
        topo: &Topology,
        flows: &[Option<f64>],
        phi: Option<&[f64]>,
    ) -> Sums {
        let mut values = [Some(0.0); Sum::COUNT];
        if phi.is_none() {
            for s in Sum::POST_USE {
                values[s as usize] = None;
            }
        }
        for (f, &amount) in flows.iter().enumerate() {
            let weight = phi.map_or(0.0, |phi| phi[topo.from[f]]);
            each_term(doc, topo, f, |s, c| {
                let slot = &mut values[s as usize];
                *slot = match (*slot, amount) {
                    (Some(v), Some(a)) if s.is_post_use() => Some(v + a * weight * c),
                    (Some(v), Some(a)) => Some(v + a * c),
                    _ => None,
                };
            });
        }
        // An empty float sum would be −0.0; adding 0.0 makes it a plain 0.
        for v in values.iter_mut().flatten() {
            *v += 0.0;
        }
        Sums { values }
    }

    pub fn get(&self, s: Sum) -> Option<f64> {
        self.values[s as usize]
    }
}

pub fn compute(doc: &Document, topo: &Topology, flows: &[Option<f64>]) -> Indicators {
    Indicators::of_sums(&Sums::of(doc, topo, flows))
}

impl Indicators {
    /// The indicators of §2–4 from their sums.
    pub fn of_sums(sums: &Sums) -> Indicators {
        let s = |k: Sum| sums.get(k);
        let (virgin, r_ext, r_loop) =
            (s(Sum::Virgin), s(Sum::RecycledSources), s(Sum::RecycleLoop));
        let (product_mass, discards) = (s(Sum::ProductMass), s(Sum::Discards));
        let (w0, wc) = (s(Sum::Unrecovered), s(Sum::RecoveryLosses));
        let input = total([virgin, r_ext, r_loop].into_iter());

        // §3 MCI.
        let wf = (|| {
            let (wc, y, y_int, wf_ext) = (
                wc?,
                s(Sum::Useful)?,
                s(Sum::UsefulHere)?,
                s(Sum::SourceLosses)?,
            );
            Some(if y > 0.0 { wc * y_int / y } else { 0.0 } + wf_ext)
        })();
        let lfi = (|| {
            let (v, w0, wc, wf, m) = (virgin?, w0?, wc?, wf?, product_mass?);
            let w = w0 + (wf + wc) / 2.0;
            let den = 2.0 * m + (wf - wc) / 2.0;
            (m > 0.0 && den > 0.0).then(|| (v + w) / den)
        })();
        let utility = (|| {
            let (m, weighted) = (product_mass?, s(Sum::WeightedUse)?);
            (m > 0.0).then(|| weighted / m)
        })();
        let mci = (|| Some((1.0 - lfi? * 0.9 / utility?).max(0.0)))();

        // §4 rates of the end-of-life sums.
        let mut capped = Vec::new();
        let mut rate = |name: &'static str, num: Option<f64>| {
            let r = ratio(num, discards)?;
            if r > 1.0 + 1e-9 {
                capped.push((name, r));
            }
            Some(r.min(1.0))
        };
        let collection_rate = rate("collection rate", s(Sum::Collected));
        let eol_recycling_rate = rate("end-of-life recycling rate", s(Sum::Recycled));
        let reuse_rate = rate("reuse rate", s(Sum::Reused));
        let landfill_rate = rate("landfill rate", s(Sum::Landfilled));

        Indicators {
            virgin_input: virgin,
            waste: (|| Some(w0? + wc?))(),
            product_mass,
            eol_discards: discards,
            lfi,
            utility,
            mci,
            recycled_content: ratio((|| Some(r_ext? + r_loop?))(), input),
            eol_rir: ratio((|| Some(r_ext? + s(Sum::OldScrapIn)?))(), input),
            collection_rate,
            eol_recycling_rate,
            reuse_rate,
            landfill_rate,
            loops: LoopAmounts {
                maintain: s(Sum::Maintain),
                reuse: s(Sum::Reuse),
                remanufacture: s(Sum::Remanufacture),
                recycle: s(Sum::Recycle),
            },
            capped,
        }
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
    let fixed = origins(doc, origin);
    let equations = PostUse::equations(doc, topo, flows, &fixed)?;
    let mut system = System::new(equations.members.len());
    for (terms, rhs) in &equations.rows {
        system.add_row(terms.iter().copied(), *rhs);
    }
    let solution = system.solve();
    let mut phi = fixed;
    for (&n, v) in equations.members.iter().zip(solution.values) {
        phi[n] = v?.clamp(0.0, 1.0);
    }
    Some(phi)
}

/// φ where it is fixed: 1 at `origin`, or at every use node and secondary source when it
/// is `None`; 0 elsewhere.
fn origins(doc: &Document, origin: Option<usize>) -> Vec<f64> {
    doc.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let is_origin = match origin {
                Some(o) => i == o,
                None => n.kind == NodeKind::Use || n.is_secondary_source(),
            };
            if is_origin { 1.0 } else { 0.0 }
        })
        .collect()
}

/// φ's equations on the nodes downstream of use (the members): for a member n with
/// inflow, inflow_n·φ_n − Σ a_f·φ_from(f) over flows from members = Σ a_f·φ_from(f) over
/// flows from the others (whose φ is fixed); φ_n = 0 for a member without inflow.
struct PostUse {
    members: Vec<usize>,
    /// Each node's place among the members (`usize::MAX` for the others).
    col: Vec<usize>,
    /// Per member: the terms and right-hand side of its equation.
    rows: Vec<(Vec<(usize, f64)>, f64)>,
    /// Per member: whether it has inflow (its equation depends on the flows).
    fed: Vec<bool>,
}

impl PostUse {
    fn equations(
        doc: &Document,
        topo: &Topology,
        flows: &[Option<f64>],
        fixed: &[f64],
    ) -> Option<PostUse> {
        let downstream = topo.downstream_of_use(doc);
        let mut col = vec![usize::MAX; doc.nodes.len()];
        let members: Vec<usize> = (0..doc.nodes.len()).filter(|&n| downstream[n]).collect();
        for (i, &n) in members.iter().enumerate() {
            col[n] = i;
        }
        let mut rows = Vec::with_capacity(members.len());
        let mut fed = Vec::with_capacity(members.len());
        for &n in &members {
            let inflow: f64 = total(topo.inflows[n].iter().map(|&f| flows[f]))?;
            fed.push(inflow > 0.0);
            if inflow <= 0.0 {
                rows.push((vec![(col[n], 1.0)], 0.0));
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
            rows.push((terms, rhs));
        }
        Some(PostUse {
            members,
            col,
            rows,
            fed,
        })
    }
}

/// ∂sum/∂a_f of every sum by every flow f (at `flows`, where every flow is known): each
/// flow's coefficient in the sums it enters, and for the end-of-life sums how φ moves with
/// it as well, by the adjoint of φ's equations M·φ = b: with w_n what the sum takes out of
/// member n and ψ = M⁻ᵀ·w, ∂sum/∂a_f gains ψ_to(f)·(φ_from(f) − φ_to(f)) for a flow into
/// a member with inflow. NaN where φ or ψ is undetermined.
pub fn gradient(doc: &Document, topo: &Topology, flows: &[Option<f64>]) -> Vec<Vec<(Sum, f64)>> {
    let amounts: Vec<f64> = flows.iter().map(|a| a.unwrap_or(f64::NAN)).collect();
    let phi = post_use_fractions(doc, topo, flows);
    let mut out: Vec<Vec<(Sum, f64)>> = (0..flows.len())
        .map(|f| {
            let weight = phi.as_ref().map_or(f64::NAN, |phi| phi[topo.from[f]]);
            let mut terms = Vec::new();
            each_term(doc, topo, f, |s, c| {
                terms.push((s, if s.is_post_use() { c * weight } else { c }));
            });
            terms
        })
        .collect();
    let Some(phi) = phi else {
        return out;
    };
    let Some(equations) = PostUse::equations(doc, topo, flows, &origins(doc, None)) else {
        return out;
    };
    let m = equations.members.len();
    let mut transposed: Vec<Vec<(usize, f64)>> = vec![Vec::new(); m];
    for (r, (terms, _)) in equations.rows.iter().enumerate() {
        for &(c, a) in terms {
            transposed[c].push((r, a));
        }
    }
    for s in Sum::POST_USE {
        let mut w = vec![0.0; m];
        let mut any = false;
        for (f, &a) in amounts.iter().enumerate() {
            let n = topo.from[f];
            if equations.col[n] == usize::MAX {
                continue;
            }
            each_term(doc, topo, f, |t, c| {
                if t == s {
                    w[equations.col[n]] += c * a;
                    any = true;
                }
            });
        }
        if !any {
            continue;
        }
        let mut system = System::new(m);
        for (terms, &rhs) in transposed.iter().zip(&w) {
            system.add_row(terms.iter().copied(), rhs);
        }
        let psi = system.solve().values;
        for (f, terms) in out.iter_mut().enumerate() {
            let (from, to) = (topo.from[f], topo.to[f]);
            let c = equations.col[to];
            if c == usize::MAX || !equations.fed[c] {
                continue;
            }
            let d = psi[c].map_or(f64::NAN, |p| p * (phi[from] - phi[to]));
            if d != 0.0 {
                terms.push((s, d));
            }
        }
    }
    out
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
