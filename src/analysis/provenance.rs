//! Provenance (indicators.md §6): where the material reaching each use node comes from,
//! stage by stage; the certified share and, with a home country, the domestic share.
//!
//! Every node's outflow carries a composition over labels. Some nodes fix theirs (a node
//! of the stage traced: its countries; recovery and secondary sources: `secondary`;
//! other sources: `none`); every other node mixes its inflows, weighted by amount. The
//! mixing nodes are taken in topological order of their strongly connected components
//! (petgraph); a component with a loop is a small linear system, solved by sparse LU
//! for all labels at once.

use std::collections::BTreeMap;

use faer::linalg::solvers::Solve;
use faer::sparse::{SparseColMat, Triplet};
use faer::{Mat, MatRef};
use petgraph::graph::{DiGraph, NodeIndex};

use super::topology::Topology;
use crate::model::{Document, Loop, NodeKind, SourceMaterial};

pub const SECONDARY: &str = "secondary";
pub const NONE: &str = "none";
/// A node of the stage traced that has no country.
pub const UNKNOWN: &str = "unknown";
pub const CERTIFIED: &str = "certified";
pub const UNCERTIFIED: &str = "uncertified";

/// Label shares, largest first.
pub type Shares = Vec<(String, f64)>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Provenance {
    /// For each use node (by id, in map order), for each stage (in the order given): where
    /// its non-maintain inflow came from.
    pub by_use: Vec<(String, Vec<(String, Shares)>)>,
    /// Certified or secondary share of what enters all use nodes (outside maintain loops).
    pub certified_share: Option<f64>,
    /// Per stage: the share of what enters use nodes that passed that stage in the home
    /// country or came back as secondary material. Empty without `meta.home_country`.
    pub domestic_share: Vec<(String, f64)>,
}

impl Provenance {
    /// The share of `label` in what use node `use_id` gets, at `stage` (0 for a label
    /// that does not occur); `None` for a use node or stage that is not traced.
    pub fn share(&self, use_id: &str, stage: &str, label: &str) -> Option<f64> {
        let (_, stages) = self.by_use.iter().find(|(u, _)| u == use_id)?;
        let (_, shares) = stages.iter().find(|(s, _)| s == stage)?;
        Some(
            shares
                .iter()
                .find(|(l, _)| l == label)
                .map_or(0.0, |(_, s)| *s),
        )
    }

    /// The domestic-or-secondary share at `stage` (none without a home country).
    pub fn domestic(&self, stage: &str) -> Option<f64> {
        let (_, share) = self.domestic_share.iter().find(|(s, _)| s == stage)?;
        Some(*share)
    }
}

/// Composition of one node's outflow: a share per label.
type Mix = Vec<f64>;

/// Traces provenance for every stage; `None` while any flow amount is unknown.
pub fn compute(
    doc: &Document,
    topo: &Topology,
    flows: &[Option<f64>],
    stages: &[String],
) -> Option<Provenance> {
    let amounts: Vec<f64> = flows.iter().copied().collect::<Option<Vec<f64>>>()?;
    let uses = use_nodes(doc);
    let tracer = Tracer::new(doc, topo, &amounts);
    let mut by_use: Vec<(String, Vec<(String, Shares)>)> = uses
        .iter()
        .map(|&n| (doc.nodes[n].id.clone(), Vec::new()))
        .collect();
    let home = doc.meta.home_country.as_deref();
    let mut domestic_share = Vec::new();
    for stage in stages {
        let (labels, fixed) = stage_labels(doc, stage);
        let none = label_index(&labels, NONE);
        let Some(mix) = tracer.trace(fixed, labels.len(), none) else {
            continue;
        };
        for (k, &n) in uses.iter().enumerate() {
            if let Some(shares) = tracer.entering(&[n], &mix, &labels) {
                by_use[k].1.push((stage.clone(), shares));
            }
        }
        if let Some(home) = home {
            let all = tracer.entering(&uses, &mix, &labels);
            let share = all.map(|shares| {
                shares
                    .iter()
                    .filter(|(l, _)| l == home || l == SECONDARY)
                    .map(|(_, s)| s)
                    .sum::<f64>()
            });
            if let Some(s) = share {
                domestic_share.push((stage.clone(), s));
            }
        }
    }
    let (labels, fixed) = certification_labels(doc);
    let uncertified = label_index(&labels, UNCERTIFIED);
    let certified_share = tracer
        .trace(fixed, labels.len(), uncertified)
        .and_then(|mix| tracer.entering(&uses, &mix, &labels))
        .map(|shares| {
            shares
                .iter()
                .filter(|(l, _)| l == CERTIFIED || l == SECONDARY)
                .map(|(_, s)| s)
                .sum()
        });
    Some(Provenance {
        by_use,
        certified_share,
        domestic_share,
    })
}

/// A share of what enters the use nodes (§6's certified share, a stage's domestic share)
/// as the ratio of two sums over the flows, N / D, with each sum's derivative by every
/// flow amount: what the share's range is propagated from (indicators.md §10).
#[derive(Clone, Debug, PartialEq)]
pub struct Ratio {
    pub numerator: f64,
    pub denominator: f64,
    /// ∂N/∂a_f and ∂D/∂a_f of each flow (document order; empty when not asked for).
    pub d_numerator: Vec<f64>,
    pub d_denominator: Vec<f64>,
}

impl Ratio {
    pub fn value(&self) -> Option<f64> {
        (self.denominator > 0.0).then(|| self.numerator / self.denominator)
    }
}

/// The certified share and, with a home country, each stage's domestic share, as ratios.
pub struct Ratios {
    pub certified: Option<Ratio>,
    pub domestic: Vec<(String, Ratio)>,
}

/// The provenance shares as ratios, with their derivatives when `slopes` (a value alone,
/// as a Monte Carlo draw needs, is one trace per share); `None` while any flow amount is
/// unknown.
pub fn ratios(
    doc: &Document,
    topo: &Topology,
    flows: &[Option<f64>],
    stages: &[String],
    slopes: bool,
) -> Option<Ratios> {
    let amounts: Vec<f64> = flows.iter().copied().collect::<Option<Vec<f64>>>()?;
    let uses = use_nodes(doc);
    let tracer = Tracer::new(doc, topo, &amounts);
    let (labels, fixed) = certification_labels(doc);
    let good = [
        label_index(&labels, CERTIFIED),
        label_index(&labels, SECONDARY),
    ];
    let certified = tracer.ratio(
        fixed,
        labels.len(),
        label_index(&labels, UNCERTIFIED),
        &good,
        &uses,
        slopes,
    );
    let mut domestic = Vec::new();
    if let Some(home) = doc.meta.home_country.as_deref() {
        for stage in stages {
            let (labels, fixed) = stage_labels(doc, stage);
            let mut good = vec![label_index(&labels, SECONDARY)];
            good.extend(labels.iter().position(|l| l == home));
            let none = label_index(&labels, NONE);
            if let Some(r) = tracer.ratio(fixed, labels.len(), none, &good, &uses, slopes) {
                domestic.push((stage.clone(), r));
            }
        }
    }
    Some(Ratios {
        certified,
        domestic,
    })
}

/// The use nodes, whose inflow every share of §6 is of.
fn use_nodes(doc: &Document) -> Vec<usize> {
    (0..doc.nodes.len())
        .filter(|&n| doc.nodes[n].kind == NodeKind::Use)
        .collect()
}

fn label_index(labels: &[String], label: &str) -> usize {
    labels.iter().position(|l| l == label).unwrap_or(0)
}

/// Labels for stage `stage` and the nodes that fix their composition.
fn stage_labels(doc: &Document, stage: &str) -> (Vec<String>, Vec<Option<Mix>>) {
    let mut labels: Vec<String> = vec![SECONDARY.into(), NONE.into(), UNKNOWN.into()];
    let mut countries: BTreeMap<&str, usize> = BTreeMap::new();
    for node in &doc.nodes {
        if node.stage.as_deref() == Some(stage) {
            for (c, _) in node.country_shares() {
                countries.entry(c).or_insert_with(|| {
                    labels.push(c.to_string());
                    labels.len() - 1
                });
            }
        }
    }
    let one = |i: usize, len: usize| {
        let mut m = vec![0.0; len];
        m[i] = 1.0;
        m
    };
    let len = labels.len();
    let fixed = doc
        .nodes
        .iter()
        .map(|node| {
            if node.stage.as_deref() == Some(stage) {
                let shares = node.country_shares();
                let mut m = vec![0.0; len];
                let total: f64 = shares.iter().map(|(_, s)| s).sum();
                for (c, s) in &shares {
                    m[countries[c]] += s;
                }
                // What the country shares leave open is of unknown origin.
                m[2] += (1.0 - total).max(0.0);
                Some(m)
            } else if node.kind == NodeKind::Recovery || node.is_secondary_source() {
                Some(one(0, len))
            } else if node.kind == NodeKind::Source {
                Some(one(1, len))
            } else {
                None
            }
        })
        .collect();
    (labels, fixed)
}

/// Labels certified / uncertified / secondary and the nodes that fix them.
fn certification_labels(doc: &Document) -> (Vec<String>, Vec<Option<Mix>>) {
    let labels = vec![CERTIFIED.into(), UNCERTIFIED.into(), SECONDARY.into()];
    let fixed = doc
        .nodes
        .iter()
        .map(|node| {
            if node.kind == NodeKind::Recovery || node.is_secondary_source() {
                Some(vec![0.0, 0.0, 1.0])
            } else if node.kind == NodeKind::Source && node.supply() == SourceMaterial::Virgin {
                let c = node.certified().clamp(0.0, 1.0);
                Some(vec![c, 1.0 - c, 0.0])
            } else {
                None
            }
        })
        .collect();
    (labels, fixed)
}

struct Tracer<'a> {
    doc: &'a Document,
    topo: &'a Topology,
    amounts: &'a [f64],
    /// Σ inflows of each node.
    inflow: Vec<f64>,
}

impl<'a> Tracer<'a> {
    fn new(doc: &'a Document, topo: &'a Topology, amounts: &'a [f64]) -> Self {
        let inflow = (0..doc.nodes.len())
            .map(|n| topo.inflows[n].iter().map(|&f| amounts[f].max(0.0)).sum())
            .collect();
        Tracer {
            doc,
            topo,
            amounts,
            inflow,
        }
    }

    /// The composition of every node's outflow; `None` if a loop of mixing nodes has
    /// no way in (its composition is not determined).
    fn trace(&self, fixed: Vec<Option<Mix>>, len: usize, empty: usize) -> Option<Vec<Mix>> {
        let n = self.doc.nodes.len();
        let is_fixed: Vec<bool> = fixed.iter().map(Option::is_some).collect();
        let mut mix: Vec<Option<Mix>> = fixed;
        // The mixing nodes and the positive flows between them.
        let mut graph: DiGraph<usize, ()> = DiGraph::new();
        let mut vertex = vec![NodeIndex::end(); n];
        for v in 0..n {
            if !is_fixed[v] {
                vertex[v] = graph.add_node(v);
            }
        }
        for (f, &q) in self.amounts.iter().enumerate() {
            let (a, b) = (self.topo.from[f], self.topo.to[f]);
            if q > 0.0 && a < n && b < n && !is_fixed[a] && !is_fixed[b] {
                graph.add_edge(vertex[a], vertex[b], ());
            }
        }
        // Kosaraju (iterative: no stack overflow on a long chain) gives the components in
        // reverse topological order. A component of one
        // node is no loop: a flow never starts and ends at the same node (validation).
        for component in petgraph::algo::kosaraju_scc(&graph).into_iter().rev() {
            let members: Vec<usize> = component.iter().map(|&v| graph[v]).collect();
            if let [v] = members[..] {
                let m = self.mixed(v, &mix, len, empty)?;
                mix[v] = Some(m);
            } else {
                let solved = self.solve_loop(&members, &mix, len)?;
                for (v, m) in members.into_iter().zip(solved) {
                    mix[v] = Some(m);
                }
            }
        }
        mix.into_iter().collect()
    }

    /// The share of the labels `good` in what enters `uses` (outside maintain loops) as
    /// N / D with both sums' derivatives by every flow. N depends on the flows also through
    /// the mixing nodes' compositions p (I_v p_v = Σ_in a_f p_from): the adjoint ψ of those
    /// equations (Mᵀψ = ∂N/∂p) adds ψ_to(f)·(p_from(f) − p_to(f)) to ∂N/∂a_f.
    fn ratio(
        &self,
        fixed: Vec<Option<Mix>>,
        len: usize,
        empty: usize,
        good: &[usize],
        uses: &[usize],
        slopes: bool,
    ) -> Option<Ratio> {
        let n = self.doc.nodes.len();
        let is_fixed: Vec<bool> = fixed.iter().map(Option::is_some).collect();
        let mix = self.trace(fixed, len, empty)?;
        let p: Vec<f64> = mix
            .iter()
            .map(|m| good.iter().map(|&l| m[l]).sum())
            .collect();
        let mut index = vec![usize::MAX; n];
        let mut mixing = 0;
        for v in 0..n {
            if !is_fixed[v] && self.inflow[v] > 0.0 {
                index[v] = mixing;
                mixing += 1;
            }
        }
        let is_use: Vec<bool> = (0..n).map(|v| uses.contains(&v)).collect();
        let flows = self.amounts.len();
        let entering: Vec<bool> = (0..flows)
            .map(|f| {
                let to = self.topo.to[f];
                to < n && is_use[to] && self.doc.flows[f].loop_kind != Loop::Maintain
            })
            .collect();
        let (mut numerator, mut denominator) = (0.0, 0.0);
        let mut triplets: Vec<Triplet<usize, usize, f64>> = (0..n)
            .filter(|&v| index[v] != usize::MAX)
            .map(|v| Triplet::new(index[v], index[v], self.inflow[v]))
            .collect();
        let mut rhs = Mat::<f64>::zeros(mixing, 1);
        for (f, &enters) in entering.iter().enumerate() {
            let (a, b) = (self.topo.from[f], self.topo.to[f]);
            let q = self.amounts[f].max(0.0);
            if a >= n || b >= n {
                continue;
            }
            if enters {
                numerator += q * p[a];
                denominator += q;
                if index[a] != usize::MAX {
                    rhs[(index[a], 0)] += q;
                }
            }
            if q > 0.0 && index[a] != usize::MAX && index[b] != usize::MAX {
                // Row a of Mᵀ is column a of M: node b's equation takes −a_f·p_a.
                triplets.push(Triplet::new(index[a], index[b], -q));
            }
        }
        if !slopes {
            return Some(Ratio {
                numerator,
                denominator,
                d_numerator: Vec::new(),
                d_denominator: Vec::new(),
            });
        }
        let psi = if mixing == 0 {
            Mat::zeros(0, 1)
        } else {
            let m = SparseColMat::<usize, f64>::try_new_from_triplets(mixing, mixing, &triplets)
                .ok()?;
            let psi = m.sp_lu().ok()?.solve(rhs.as_ref());
            check(&m, psi.as_ref(), rhs.as_ref()).then_some(psi)?
        };
        let mut d_numerator = vec![0.0; flows];
        let mut d_denominator = vec![0.0; flows];
        for (f, &enters) in entering.iter().enumerate() {
            let (a, b) = (self.topo.from[f], self.topo.to[f]);
            if a >= n || b >= n || self.amounts[f] < 0.0 {
                continue;
            }
            if enters {
                d_numerator[f] += p[a];
                d_denominator[f] = 1.0;
            }
            if index[b] != usize::MAX {
                d_numerator[f] += psi[(index[b], 0)] * (p[a] - p[b]);
            }
        }
        Some(Ratio {
            numerator,
            denominator,
            d_numerator,
            d_denominator,
        })
    }

    /// The inflow-weighted mix at `v`, all of whose feeders are known.
    fn mixed(&self, v: usize, mix: &[Option<Mix>], len: usize, empty: usize) -> Option<Mix> {
        let mut m = vec![0.0; len];
        if self.inflow[v] <= 0.0 {
            m[empty] = 1.0;
            return Some(m);
        }
        for &f in &self.topo.inflows[v] {
            let w = self.amounts[f].max(0.0) / self.inflow[v];
            if w > 0.0 {
                let from = mix[self.topo.from[f]].as_ref()?;
                for (x, y) in m.iter_mut().zip(from) {
                    *x += w * y;
                }
            }
        }
        Some(m)
    }

    /// Compositions of a loop of mixing nodes: (I − W) X = B, for every label at once.
    fn solve_loop(&self, members: &[usize], mix: &[Option<Mix>], len: usize) -> Option<Vec<Mix>> {
        let k = members.len();
        let local: std::collections::HashMap<usize, usize> =
            members.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let mut triplets = Vec::new();
        let mut b = Mat::<f64>::zeros(k, len);
        for (i, &v) in members.iter().enumerate() {
            triplets.push(Triplet::new(i, i, 1.0));
            if self.inflow[v] <= 0.0 {
                return None;
            }
            for &f in &self.topo.inflows[v] {
                let w = self.amounts[f].max(0.0) / self.inflow[v];
                if w <= 0.0 {
                    continue;
                }
                let from = self.topo.from[f];
                match local.get(&from) {
                    Some(&j) => triplets.push(Triplet::new(i, j, -w)),
                    None => {
                        let m = mix[from].as_ref()?;
                        for (l, y) in m.iter().enumerate() {
                            b[(i, l)] += w * y;
                        }
                    }
                }
            }
        }
        let a = SparseColMat::<usize, f64>::try_new_from_triplets(k, k, &triplets).ok()?;
        let lu = a.sp_lu().ok()?;
        let x = lu.solve(b.as_ref());
        let ok = check(&a, x.as_ref(), b.as_ref());
        ok.then(|| {
            (0..k)
                .map(|i| (0..len).map(|l| x[(i, l)]).collect())
                .collect()
        })
    }

    /// Label shares of what enters the nodes `into` outside maintain loops.
    fn entering(&self, into: &[usize], mix: &[Mix], labels: &[String]) -> Option<Shares> {
        let mut sums = vec![0.0; labels.len()];
        let mut total = 0.0;
        for &v in into {
            for &f in &self.topo.inflows[v] {
                if self.doc.flows[f].loop_kind == Loop::Maintain {
                    continue;
                }
                let q = self.amounts[f].max(0.0);
                total += q;
                for (s, y) in sums.iter_mut().zip(&mix[self.topo.from[f]]) {
                    *s += q * y;
                }
            }
        }
        if total <= 0.0 {
            return None;
        }
        let mut shares: Shares = labels
            .iter()
            .zip(sums)
            .map(|(l, s)| (l.clone(), s / total))
            .filter(|(_, s)| *s > 1e-12)
            .collect();
        shares.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Some(shares)
    }
}

/// The solution is finite and meets the equations (a singular loop does not).
fn check(a: &SparseColMat<usize, f64>, x: MatRef<'_, f64>, b: MatRef<'_, f64>) -> bool {
    if !x.col_iter().all(|c| c.iter().all(|v| v.is_finite())) {
        return false;
    }
    let ax = a * x;
    (0..b.nrows()).all(|i| {
        (0..b.ncols()).all(|l| (ax[(i, l)] - b[(i, l)]).abs() <= 1e-9 * (1.0 + b[(i, l)].abs()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flow, FlowValue, Node};

    fn node(id: &str, kind: NodeKind, stage: Option<&str>, countries: &[(&str, f64)]) -> Node {
        let mut n = Node::new(id, id, kind);
        n.stage = stage.map(String::from);
        if !countries.is_empty() {
            n.countries = Some(countries.iter().map(|(c, s)| (c.to_string(), *s)).collect());
        }
        n
    }

    fn flow(id: &str, from: &str, to: &str, amount: f64) -> Flow {
        let mut f = Flow::new(id, from, to);
        f.value = FlowValue::Amount(amount);
        f
    }

    fn provenance(doc: &Document) -> Provenance {
        let topo = Topology::new(doc);
        let flows: Vec<Option<f64>> = doc
            .flows
            .iter()
            .map(|f| match f.value {
                FlowValue::Amount(a) => Some(a),
                _ => None,
            })
            .collect();
        let mut stages: Vec<String> = doc.nodes.iter().filter_map(|n| n.stage.clone()).collect();
        stages.sort();
        stages.dedup();
        compute(doc, &topo, &flows, &stages).unwrap()
    }

    fn share(p: &Provenance, use_id: &str, stage: &str, label: &str) -> f64 {
        p.share(use_id, stage, label)
            .expect("a traced use node and stage")
    }

    #[test]
    fn a_split_mine_feeds_a_product_in_its_country_shares() {
        let mut doc = Document::new("t");
        doc.nodes = vec![
            node(
                "mine",
                NodeKind::Source,
                Some("mining"),
                &[("CN", 0.7), ("AU", 0.3)],
            ),
            node("make", NodeKind::Process, None, &[]),
            node("ev", NodeKind::Use, None, &[]),
            node("bin", NodeKind::Waste, None, &[]),
        ];
        doc.flows = vec![
            flow("a", "mine", "make", 100.0),
            flow("b", "make", "ev", 100.0),
            flow("c", "ev", "bin", 100.0),
        ];
        let p = provenance(&doc);
        assert!((share(&p, "ev", "mining", "CN") - 0.7).abs() < 1e-12);
        assert!((share(&p, "ev", "mining", "AU") - 0.3).abs() < 1e-12);
    }

    #[test]
    fn two_supplies_mix_by_amount_and_a_source_outside_the_stage_is_none() {
        // 60 t through a Chinese plant, 40 t from a source that never passes separation.
        let mut doc = Document::new("t");
        doc.nodes = vec![
            node("m1", NodeKind::Source, None, &[]),
            node("sep", NodeKind::Process, Some("separation"), &[("CN", 1.0)]),
            node("m2", NodeKind::Source, None, &[]),
            node("ev", NodeKind::Use, None, &[]),
            node("bin", NodeKind::Waste, None, &[]),
        ];
        doc.flows = vec![
            flow("a", "m1", "sep", 60.0),
            flow("b", "sep", "ev", 60.0),
            flow("c", "m2", "ev", 40.0),
            flow("d", "ev", "bin", 100.0),
        ];
        let p = provenance(&doc);
        assert!((share(&p, "ev", "separation", "CN") - 0.6).abs() < 1e-12);
        assert!((share(&p, "ev", "separation", NONE) - 0.4).abs() < 1e-12);
    }

    #[test]
    fn a_recycle_loop_gives_the_closed_form_secondary_share() {
        // V = 80 t from the chain and R = 20 t back from recovery (a recycle loop) meet
        // in a mixing process after magnet making: for both stages the secondary share
        // of what the product gets is R / (V + R) = 0.2.
        let mut doc = Document::new("t");
        doc.nodes = vec![
            node("mine", NodeKind::Source, None, &[]),
            node("sep", NodeKind::Process, Some("separation"), &[("CN", 1.0)]),
            node("mag", NodeKind::Process, Some("magnet"), &[("CN", 1.0)]),
            node("mix", NodeKind::Process, None, &[]),
            node("ev", NodeKind::Use, None, &[]),
            node("rec", NodeKind::Recovery, None, &[]),
            node("bin", NodeKind::Waste, None, &[]),
        ];
        let mut back = flow("back", "rec", "mix", 20.0);
        back.loop_kind = Loop::Recycle;
        doc.flows = vec![
            flow("a", "mine", "sep", 80.0),
            flow("b", "sep", "mag", 80.0),
            flow("c", "mag", "mix", 80.0),
            back,
            flow("d", "mix", "ev", 100.0),
            flow("e", "ev", "rec", 25.0),
            flow("g", "ev", "bin", 75.0),
            flow("h", "rec", "bin", 5.0),
        ];
        let p = provenance(&doc);
        assert!((share(&p, "ev", "separation", SECONDARY) - 0.2).abs() < 1e-12);
        assert!((share(&p, "ev", "separation", "CN") - 0.8).abs() < 1e-12);
        assert!((share(&p, "ev", "magnet", SECONDARY) - 0.2).abs() < 1e-12);
    }

    #[test]
    fn a_loop_of_mixing_nodes_is_solved_exactly() {
        // Two mines (CN 100, AU 50) feed p; p -> q, and q sends half back to p (a loop
        // of two mixing processes). x_p = (100 CN + 50 AU + 150 x_q) / 300 with x_q = x_p
        // gives CN 2/3, AU 1/3: the loop keeps the mines' ratio.
        let mut doc = Document::new("t");
        doc.nodes = vec![
            node("cn", NodeKind::Source, Some("mining"), &[("CN", 1.0)]),
            node("au", NodeKind::Source, Some("mining"), &[("AU", 1.0)]),
            node("p", NodeKind::Process, None, &[]),
            node("q", NodeKind::Process, None, &[]),
            node("ev", NodeKind::Use, None, &[]),
            node("bin", NodeKind::Waste, None, &[]),
        ];
        doc.flows = vec![
            flow("a", "cn", "p", 100.0),
            flow("b", "au", "p", 50.0),
            flow("c", "p", "q", 300.0),
            flow("d", "q", "p", 150.0),
            flow("e", "q", "ev", 150.0),
            flow("f", "ev", "bin", 150.0),
        ];
        let p = provenance(&doc);
        assert!((share(&p, "ev", "mining", "CN") - 2.0 / 3.0).abs() < 1e-12);
        assert!((share(&p, "ev", "mining", "AU") - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn certified_and_domestic_shares() {
        // 75 t virgin (40 % certified) and 25 t recycled input; stage "magnet" in GB for
        // 30 t of 100.
        let mut doc = Document::new("t");
        doc.meta.home_country = Some("GB".into());
        let mut mine = node("mine", NodeKind::Source, None, &[]);
        mine.certified = Some(0.4);
        let mut scrap = node("scrap", NodeKind::Source, None, &[]);
        scrap.supply = Some(SourceMaterial::Recycled);
        doc.nodes = vec![
            mine,
            scrap,
            node("mix", NodeKind::Process, None, &[]),
            node("gb", NodeKind::Process, Some("magnet"), &[("GB", 1.0)]),
            node("cn", NodeKind::Process, Some("magnet"), &[("CN", 1.0)]),
            node("ev", NodeKind::Use, None, &[]),
            node("bin", NodeKind::Waste, None, &[]),
        ];
        doc.flows = vec![
            flow("a", "mine", "mix", 75.0),
            flow("b", "scrap", "mix", 25.0),
            flow("c", "mix", "gb", 30.0),
            flow("d", "mix", "cn", 70.0),
            flow("e", "gb", "ev", 30.0),
            flow("f", "cn", "ev", 70.0),
            flow("g", "ev", "bin", 100.0),
        ];
        let p = provenance(&doc);
        // certified: 0.75 × 0.4 = 0.3, plus secondary 0.25.
        assert!((p.certified_share.unwrap() - 0.55).abs() < 1e-12);
        // domestic for "magnet": GB's 30 % (the secondary input passed a magnet plant).
        assert_eq!(p.domestic_share.len(), 1);
        assert!((p.domestic_share[0].1 - 0.3).abs() < 1e-12);
    }
}
