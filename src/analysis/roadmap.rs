//! The roadmap (indicators.md §9): each use node's products followed over the years with an
//! inflow-driven dynamic stock model, and what leaves use routed by the base map's loops.

use serde_json::{Map, Value, json};

use super::indicators::post_use_fractions_from;
use super::topology::Topology;
use super::{Analysis, Status};
use crate::model::{
    Document, LifetimeModel, Loop, Node, NodeKind, Scenario, StockChange, apply_scenario,
};

/// The loops that return end-of-life material, in the order of the JSON and the charts.
pub const RETURN_LOOPS: [Loop; 3] = [Loop::Reuse, Loop::Remanufacture, Loop::Recycle];

/// Most years a roadmap may span: the model is quadratic in them.
pub const MAX_YEARS: i64 = 1000;

/// Why a map has no roadmap.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RoadmapError {
    #[error("the map has no `meta.year`: the roadmap needs the year the map describes")]
    NoYear,
    #[error("the map is not solved (status {}): the roadmap starts from solved flows", .0.name())]
    NotSolved(Status),
    #[error(
        "the roadmap years with the base year span {0} years, more than {MAX_YEARS}: \
         choose a nearer `roadmap.start` or `roadmap.end`"
    )]
    TooLong(i64),
}

/// The survival function S(a): the share of products still in use at age `a` years.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Survival {
    pub model: LifetimeModel,
    /// Mean lifetime L, years.
    pub lifetime: f64,
    /// Standard deviation σ, years (normal, lognormal).
    pub sd: f64,
    /// Weibull shape k (Weibull only; 1 elsewhere).
    pub shape: f64,
}

impl Survival {
    /// The survival function of a use node; `None` without a lifetime.
    pub fn of(node: &Node) -> Option<Survival> {
        let lifetime = node.lifetime?;
        Some(Survival {
            model: node.lifetime_model(),
            lifetime,
            sd: node.lifetime_sd().unwrap_or(0.3 * lifetime),
            shape: node.weibull_shape.unwrap_or(1.0),
        })
    }

    /// S(a).
    pub fn at(&self, a: f64) -> f64 {
        let (l, sd) = (self.lifetime, self.sd);
        match self.model {
            LifetimeModel::Normal => upper_normal((a - l) / sd),
            LifetimeModel::Lognormal => {
                if a <= 0.0 {
                    return 1.0;
                }
                let s2 = (1.0 + sd * sd / (l * l)).ln();
                let mu = l.ln() - s2 / 2.0;
                upper_normal((a.ln() - mu) / s2.sqrt())
            }
            LifetimeModel::Weibull => {
                if a <= 0.0 {
                    return 1.0;
                }
                let k = self.shape;
                let scale = l / libm::tgamma(1.0 + 1.0 / k);
                (-(a / scale).powf(k)).exp()
            }
            LifetimeModel::Fixed => {
                if a < l {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

/// 1 − Φ(z), accurate in the upper tail.
fn upper_normal(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// A series per returning loop kind (reuse, remanufacture, recycle), one value a year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Returned {
    pub reuse: Vec<f64>,
    pub remanufacture: Vec<f64>,
    pub recycle: Vec<f64>,
}

impl Returned {
    fn zeros(n: usize) -> Self {
        Returned {
            reuse: vec![0.0; n],
            remanufacture: vec![0.0; n],
            recycle: vec![0.0; n],
        }
    }

    pub fn get(&self, kind: Loop) -> &[f64] {
        match kind {
            Loop::Reuse => &self.reuse,
            Loop::Remanufacture => &self.remanufacture,
            _ => &self.recycle,
        }
    }

    fn get_mut(&mut self, kind: Loop) -> &mut Vec<f64> {
        match kind {
            Loop::Reuse => &mut self.reuse,
            Loop::Remanufacture => &mut self.remanufacture,
            _ => &mut self.recycle,
        }
    }

    /// Σ over loop kinds, per year.
    pub fn total(&self) -> Vec<f64> {
        (0..self.recycle.len())
            .map(|i| self.reuse[i] + self.remanufacture[i] + self.recycle[i])
            .collect()
    }

    fn to_json(&self) -> Value {
        json!({ "reuse": self.reuse, "remanufacture": self.remanufacture,
                "recycle": self.recycle })
    }
}

/// One use node over the years.
#[derive(Clone, Debug, PartialEq)]
pub struct UseRoadmap {
    pub id: String,
    pub label: String,
    pub survival: Survival,
    /// Products entering use, per year.
    pub inflow: Vec<f64>,
    /// In-use stock at the end of each year.
    pub stock: Vec<f64>,
    /// End-of-life outflow, per year.
    pub outflow: Vec<f64>,
    pub returned: Returned,
    /// Share of this node's end-of-life outflow each loop kind returns, in the base map
    /// (R_u,k, in the order of `RETURN_LOOPS`).
    pub return_shares: [f64; 3],
    /// The map's non-maintain outflow D_u.
    pub map_eol: f64,
    /// The model's outflow in the base year.
    pub model_eol: f64,
}

/// The whole roadmap of a map.
#[derive(Clone, Debug, PartialEq)]
pub struct Roadmap {
    pub base_year: i32,
    pub years: Vec<i32>,
    /// Use nodes with a lifetime, in map order.
    pub uses: Vec<UseRoadmap>,
    /// Use nodes left out (no lifetime), by id.
    pub left_out: Vec<String>,
    pub demand: Vec<f64>,
    pub stock: Vec<f64>,
    pub eol: Vec<f64>,
    pub returned: Returned,
    pub eol_ceiling: Vec<Option<f64>>,
    pub secondary_share: Vec<Option<f64>>,
}

impl Roadmap {
    /// Index of `year` in `years`.
    pub fn index_of(&self, year: i32) -> Option<usize> {
        let i = i64::from(year) - i64::from(*self.years.first()?);
        usize::try_from(i).ok().filter(|&i| i < self.years.len())
    }

    /// The JSON of `loopmap roadmap --json` (indicators.md §9).
    pub fn to_json(&self) -> Value {
        let uses: Map<String, Value> = self
            .uses
            .iter()
            .map(|u| {
                (
                    u.id.clone(),
                    json!({ "inflow": u.inflow, "stock": u.stock, "outflow": u.outflow,
                            "returned": u.returned.to_json(),
                            "map_eol": u.map_eol, "model_eol": u.model_eol }),
                )
            })
            .collect();
        json!({
            "base_year": self.base_year,
            "years": self.years,
            "use": uses,
            "demand": self.demand,
            "stock": self.stock,
            "eol": self.eol,
            "returned": self.returned.to_json(),
            "eol_ceiling": self.eol_ceiling,
            "secondary_share": self.secondary_share,
        })
    }
}

/// The first and last year of the roadmap of `doc` (§9 defaults around the base year).
pub fn year_range(doc: &Document) -> Result<(i32, i32), RoadmapError> {
    let base = doc.meta.year.ok_or(RoadmapError::NoYear)?;
    let r = doc.roadmap.as_ref();
    let start = r.and_then(|r| r.start).unwrap_or(base.saturating_sub(40));
    let end = r
        .and_then(|r| r.end)
        .unwrap_or(base.saturating_add(26).max(2050));
    // The inflow path is chained from the base year, so its years count too.
    let span = i64::from(end.max(base)) - i64::from(start.min(base)) + 1;
    if span > MAX_YEARS {
        return Err(RoadmapError::TooLong(span));
    }
    Ok((start, end.max(start)))
}

/// The roadmap of the map as it is (solving it first).
pub fn compute(doc: &Document) -> Result<Roadmap, RoadmapError> {
    // Checked first: no need to solve a map that cannot have a roadmap.
    year_range(doc)?;
    from_analysis(doc, &super::analyse(doc))
}

/// The roadmap of a scenario: the roadmap of the scenario's map.
pub fn compute_scenario(doc: &Document, scenario: &Scenario) -> Result<Roadmap, RoadmapError> {
    let (changed, _) = apply_scenario(doc, scenario);
    compute(&changed)
}

/// The roadmap of `doc`, from its analysis (so an editor that has solved the map already
/// does not solve it again).
pub fn from_analysis(doc: &Document, analysis: &Analysis) -> Result<Roadmap, RoadmapError> {
    let (start, end) = year_range(doc)?;
    let base = doc.meta.year.ok_or(RoadmapError::NoYear)?;
    let solution = &analysis.solution;
    if !solution.status.is_solved() {
        return Err(RoadmapError::NotSolved(solution.status));
    }
    let flows: Vec<Option<f64>> = solution.flows.clone();
    let amount = |f: usize| flows[f].unwrap_or(0.0);
    let topo = Topology::new(doc);
    let years: Vec<i32> = (start..=end).collect();
    let n = years.len();
    let mut uses = Vec::new();
    let mut left_out = Vec::new();
    for (i, node) in doc.nodes.iter().enumerate() {
        if node.kind != NodeKind::Use {
            continue;
        }
        let Some(survival) = Survival::of(node) else {
            left_out.push(node.id.clone());
            continue;
        };
        let not_maintain = |f: &&usize| doc.flows[**f].loop_kind != Loop::Maintain;
        let m_u: f64 = topo.inflows[i]
            .iter()
            .filter(not_maintain)
            .map(|&f| amount(f))
            .sum();
        let d_u: f64 = topo.outflows[i]
            .iter()
            .filter(not_maintain)
            .map(|&f| amount(f))
            .sum();
        let inflow = inflow_path(node, base, m_u, start, end);
        let (stock, outflow) = cohorts(&survival, &inflow);
        let return_shares = return_shares(doc, &topo, &flows, i, d_u);
        let mut returned = Returned::zeros(n);
        for (k, kind) in RETURN_LOOPS.into_iter().enumerate() {
            *returned.get_mut(kind) = outflow.iter().map(|o| o * return_shares[k]).collect();
        }
        let model_eol = i64::from(base)
            .checked_sub(i64::from(start))
            .and_then(|k| usize::try_from(k).ok())
            .and_then(|k| outflow.get(k).copied())
            .unwrap_or(0.0);
        uses.push(UseRoadmap {
            id: node.id.clone(),
            label: node.label.clone(),
            survival,
            inflow,
            stock,
            outflow,
            returned,
            return_shares,
            map_eol: d_u,
            model_eol,
        });
    }
    let sum = |pick: &dyn Fn(&UseRoadmap) -> &[f64]| -> Vec<f64> {
        (0..n)
            .map(|y| uses.iter().map(|u| pick(u)[y]).sum::<f64>() + 0.0)
            .collect()
    };
    let demand = sum(&|u| &u.inflow);
    let stock = sum(&|u| &u.stock);
    let eol = sum(&|u| &u.outflow);
    let mut returned = Returned::zeros(n);
    for kind in RETURN_LOOPS {
        *returned.get_mut(kind) = sum(&|u| u.returned.get(kind));
    }
    let share = |num: &[f64]| -> Vec<Option<f64>> {
        (0..n)
            .map(|y| (demand[y] > 0.0).then(|| num[y] / demand[y]))
            .collect()
    };
    let eol_ceiling = share(&eol);
    let secondary_share = share(&returned.total());
    Ok(Roadmap {
        base_year: base,
        years,
        uses,
        left_out,
        demand,
        stock,
        eol,
        returned,
        eol_ceiling,
        secondary_share,
    })
}

/// The rate of `demand_growth` for year `y`: the first pair with until ≥ y, 0 past the last.
pub fn growth_rate(node: &Node, y: i32) -> f64 {
    node.demand_growth
        .iter()
        .find(|(until, _)| *until >= y)
        .map_or(0.0, |g| g.1)
}

/// I_u(y) for `start..=end`: the base-year value `m` grown forward by `demand_growth`,
/// backward by `history_growth`, then `inflows` put in (except at the base year).
pub fn inflow_path(node: &Node, base: i32, m: f64, start: i32, end: i32) -> Vec<f64> {
    let h = node.history_growth();
    let len = usize::try_from(i64::from(end) - i64::from(start) + 1).unwrap_or(0);
    let slot = |y: i32| usize::try_from(i64::from(y) - i64::from(start)).ok();
    let mut out = vec![0.0; len];
    let mut put = |y: i32, v: f64| {
        if let Some(cell) = slot(y).and_then(|i| out.get_mut(i)) {
            *cell = v;
        }
    };
    // One year after another, outwards from the base year, as §9 chains them.
    let mut v = m;
    for y in (start..base).rev() {
        v /= 1.0 + h;
        put(y, v);
    }
    put(base, m);
    let mut v = m;
    for y in base.saturating_add(1)..=end {
        v *= 1.0 + growth_rate(node, y);
        put(y, v);
    }
    for (&year, &amount) in &node.inflows {
        if year != base {
            put(year, amount);
        }
    }
    out
}

/// S at age k + ½ for the first `n` years of use.
fn survival_at_mid_years(survival: &Survival, n: usize) -> Vec<f64> {
    (0..n).map(|k| survival.at(k as f64 + 0.5)).collect()
}

/// The share of a cohort leaving use in its k-th year, S(k − ½) − S(k + ½), for k < `n`.
fn leaving_shares(survival: &Survival, n: usize) -> Vec<f64> {
    let s = survival_at_mid_years(survival, n);
    (0..n)
        .map(|k| if k == 0 { 1.0 } else { s[k - 1] } - s[k])
        .collect()
}

/// Stock and outflow by year from cohorts entering at mid-year (§9).
pub fn cohorts(survival: &Survival, inflow: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = inflow.len();
    let s = survival_at_mid_years(survival, n);
    let leave = leaving_shares(survival, n);
    let mut stock = vec![0.0; n];
    let mut outflow = vec![0.0; n];
    for (c, &i_c) in inflow.iter().enumerate() {
        if i_c == 0.0 {
            continue;
        }
        for y in c..n {
            stock[y] += i_c * s[y - c];
            outflow[y] += i_c * leave[y - c];
        }
    }
    (stock, outflow)
}

/// The model's base-year end-of-life outflow of a use node as a function of its base-year
/// inflow M: κ × M + c (indicators.md §1, `stock_change: "dynamic"`). κ sums the cohorts
/// the growth path builds from M; c the cohorts that `inflows` names before the base year.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BaseOutflow {
    pub kappa: f64,
    pub constant: f64,
}

impl BaseOutflow {
    /// The outflow for a base-year inflow `m`.
    pub fn at(&self, m: f64) -> f64 {
        self.kappa * m + self.constant
    }
}

/// Why a use node's stock change cannot be dynamic (it is then treated as auto).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotDynamic {
    #[error("the map has no year (`meta.year`), which the stock model needs")]
    NoYear,
    #[error("the node has no lifetime, which the stock model needs")]
    NoLifetime,
    #[error("{0}")]
    Years(RoadmapError),
}

/// κ and c of `node`'s base-year outflow, with the years of `doc`'s roadmap.
pub fn base_year_outflow(doc: &Document, node: &Node) -> Result<BaseOutflow, NotDynamic> {
    let base = doc.meta.year.ok_or(NotDynamic::NoYear)?;
    let survival = Survival::of(node).ok_or(NotDynamic::NoLifetime)?;
    let (start, _) = year_range(doc).map_err(NotDynamic::Years)?;
    Ok(base_year_outflow_from(node, &survival, base, start))
}

/// κ and c for a roadmap starting at `start`: the cohort of year base − k leaves with
/// the share leave(k) and, on the growth path, is M / (1 + h)^k.
fn base_year_outflow_from(node: &Node, survival: &Survival, base: i32, start: i32) -> BaseOutflow {
    let ages = usize::try_from(i64::from(base) - i64::from(start) + 1).unwrap_or(0);
    let leave = leaving_shares(survival, ages);
    let h = node.history_growth();
    let (mut kappa, mut constant) = (0.0, 0.0);
    let mut path = 1.0; // I(base − k) / M on the growth path, chained as `inflow_path` does
    for (k, share) in leave.iter().enumerate() {
        if k > 0 {
            path /= 1.0 + h;
        }
        let year = base - k as i32;
        match node.inflows.get(&year) {
            Some(&amount) if k > 0 => constant += amount * share,
            _ => kappa += path * share,
        }
    }
    BaseOutflow { kappa, constant }
}

/// The base-year outflow of every use node whose stock change is dynamic (document order;
/// `None` for every other node), or why it cannot be.
pub fn dynamic_outflows(doc: &Document) -> Vec<Option<Result<BaseOutflow, NotDynamic>>> {
    doc.nodes
        .iter()
        .map(|node| {
            (node.kind == NodeKind::Use && node.stock_change() == StockChange::Dynamic)
                .then(|| base_year_outflow(doc, node))
        })
        .collect()
}

/// The history growth of each use node that makes the model's base-year end of life meet
/// the map's (§9: "far apart means the history or the lifetime does not fit").
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryFit {
    pub id: String,
    pub label: String,
    /// `history_growth` as the map has it.
    pub current: f64,
    /// The growth that fits, rounded to 0.01 %/yr, or why none does.
    pub fitted: Result<f64, FitError>,
}

/// Why no history growth fits a use node's end of life.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error(
        "the map's end of life is more than any shrinking market would give \
         (history growth down to {}): shorten the lifetime",
        crate::present::percent(FIT_RANGE.0)
    )]
    TooMuch,
    #[error(
        "the map's end of life is less than any growing market would give \
         (history growth up to {}): lengthen the lifetime",
        crate::present::percent(FIT_RANGE.1)
    )]
    TooLittle,
    #[error("nothing enters use in the base year, so no growth path reaches the map's end of life")]
    NoInflow,
}

/// The history growths a fit may choose from (a yearly rate; −1 is refused by the file).
pub const FIT_RANGE: (f64, f64) = (-0.5, 2.0);

/// The history growth fit of every use node of the roadmap `r` of `doc`.
pub fn history_fits(doc: &Document, r: &Roadmap) -> Vec<HistoryFit> {
    let start = r.years.first().copied().unwrap_or(r.base_year);
    r.uses
        .iter()
        .filter_map(|u| {
            let node = doc.node(&u.id)?;
            let m = r.index_of(r.base_year).map_or(0.0, |i| u.inflow[i]);
            let fitted = fit_history_growth(node, &u.survival, r.base_year, start, m, u.map_eol);
            Some(HistoryFit {
                id: u.id.clone(),
                label: u.label.clone(),
                current: node.history_growth(),
                fitted,
            })
        })
        .collect()
}

/// The history growth h at which κ(h) × m + c = `d`. κ falls as h rises (the older
/// cohorts, which are the ones leaving, are smaller in a faster-growing market), so the
/// root is bracketed and bisected to the last bit, then rounded to 0.01 %/yr.
pub fn fit_history_growth(
    node: &Node,
    survival: &Survival,
    base: i32,
    start: i32,
    m: f64,
    d: f64,
) -> Result<f64, FitError> {
    if m <= 0.0 {
        return Err(FitError::NoInflow);
    }
    let outflow = |h: f64| {
        let mut n = node.clone();
        n.history_growth = Some(h);
        base_year_outflow_from(&n, survival, base, start).at(m)
    };
    let (mut lo, mut hi) = FIT_RANGE;
    if d > outflow(lo) {
        return Err(FitError::TooMuch);
    }
    if d < outflow(hi) {
        return Err(FitError::TooLittle);
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if outflow(mid) > d {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok((0.5 * (lo + hi) * 1e4).round() / 1e4 + 0.0)
}

/// R_u,k: the share of use node `u`'s end-of-life outflow that each loop kind returns in
/// the base map (`RETURN_LOOPS` order), from φ with `u` as the only origin.
fn return_shares(
    doc: &Document,
    topo: &Topology,
    flows: &[Option<f64>],
    u: usize,
    d_u: f64,
) -> [f64; 3] {
    let returned = returned_from(doc, topo, flows, u);
    if d_u > 0.0 {
        returned.map(|r| r / d_u)
    } else {
        [0.0; 3]
    }
}

/// returned_u,k of the base map: Σ a_f φ⁽ᵘ⁾_from over the flows of each loop kind (§9).
pub fn returned_from(doc: &Document, topo: &Topology, flows: &[Option<f64>], u: usize) -> [f64; 3] {
    let Some(phi) = post_use_fractions_from(doc, topo, flows, Some(u)) else {
        return [0.0; 3];
    };
    let mut out = [0.0; 3];
    for (f, flow) in doc.flows.iter().enumerate() {
        let from = topo.from[f];
        if from == usize::MAX {
            continue;
        }
        let kind = doc.nodes[from].kind;
        let k = match flow.loop_kind {
            Loop::Recycle if kind == NodeKind::Recovery => 2,
            Loop::Reuse if matches!(kind, NodeKind::Recovery | NodeKind::Use) => 0,
            Loop::Remanufacture if matches!(kind, NodeKind::Recovery | NodeKind::Use) => 1,
            _ => continue,
        };
        out[k] += flows[f].unwrap_or(0.0) * phi[from];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survival(model: LifetimeModel) -> Survival {
        Survival {
            model,
            lifetime: 10.0,
            sd: 3.0,
            shape: 2.0,
        }
    }

    #[test]
    fn survival_falls_from_one_and_never_rises() {
        for model in LifetimeModel::ALL {
            let s = survival(model);
            let mut last = 1.0;
            for k in 0..200 {
                let v = s.at(k as f64 * 0.25);
                assert!((0.0..=1.0).contains(&v), "{model:?} {v}");
                assert!(v <= last + 1e-15, "{model:?} rises at {}", k as f64 * 0.25);
                last = v;
            }
            assert!(s.at(60.0) < 1e-6, "{model:?}");
        }
    }

    #[test]
    fn inflow_path_follows_growth_history_and_known_years() {
        let mut n = Node::new("u", "U", NodeKind::Use);
        n.demand_growth = vec![(2026, 0.1), (2028, -0.5)];
        n.history_growth = Some(1.0);
        n.inflows.insert(2021, 7.0);
        n.inflows.insert(2024, 999.0);
        let p = inflow_path(&n, 2024, 8.0, 2020, 2030);
        let want = [0.5, 7.0, 2.0, 4.0, 8.0, 8.8, 9.68, 4.84, 2.42, 2.42, 2.42];
        for (a, b) in p.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{p:?}");
        }
    }
}
