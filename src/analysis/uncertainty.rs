//! Ranges on every figure (indicators.md §10): the σ of each flow and of every indicator by
//! first-order propagation from the reconciled measurements, how much of each figure's
//! variance each measurement causes ("improve this figure first"), and Monte Carlo
//! intervals for the figures that are clipped or strongly non-linear.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use super::indicators::Sum;
use super::reconcile::{Measurement, Reconciliation, Spread, Term, Test, What};
use super::solve::{FlowSolution, solve_flows};
use super::topology::Topology;
use super::{indicators, provenance, supply};
use crate::model::{Document, Loop};

/// A figure that gets a range: an indicator of §2–4, a loop amount, a stage's HHI or
/// country share of §5, or a provenance share of §6.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Figure {
    /// By its JSON key (`mci`, `recycled_content`, …).
    Indicator(&'static str),
    Loop(Loop),
    Hhi(String),
    /// A country's share of a stage.
    Share(String, String),
    /// The certified or secondary share of what enters use.
    Certified,
    /// A stage's domestic or secondary share of what enters use.
    Domestic(String),
}

impl Figure {
    /// The key of the indicator or loop (`mci`, `loops.recycle`), the stage's (`hhi:magnet`,
    /// `share:magnet:CN`).
    pub fn key(&self) -> String {
        match self {
            Figure::Indicator(k) => k.to_string(),
            Figure::Loop(l) => format!("loops.{}", l.name()),
            Figure::Hhi(s) => format!("hhi:{s}"),
            Figure::Share(s, c) => format!("share:{s}:{c}"),
            Figure::Certified => "certified_share".into(),
            Figure::Domestic(s) => format!("domestic:{s}"),
        }
    }
}

/// One figure with its first-order range.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranged {
    pub figure: Figure,
    pub value: Option<f64>,
    pub sigma: Option<f64>,
    /// The share of the figure's variance each measurement causes (sums to 1; empty when
    /// σ is 0 or unknown).
    pub contributions: Vec<f64>,
}

/// One measurement as reconciled.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub measurement: Measurement,
    pub reconciled: f64,
    /// σ of the reconciled value.
    pub sigma: f64,
    pub residual: Option<f64>,
}

/// Everything §10 adds to a map's analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct Uncertainty {
    pub measurements: Vec<Measured>,
    pub test: Test,
    /// Indices into `measurements`, most suspect first.
    pub suspects: Vec<usize>,
    /// σ of each flow (document order): 0 for an exact one, `None` for an unobservable one.
    pub flow_sigma: Vec<Option<f64>>,
    /// σ of each node's stock change.
    pub stock_sigma: Vec<Option<f64>>,
    pub figures: Vec<Ranged>,
    pub converged: bool,
    pub iterations: usize,
}

impl Uncertainty {
    pub fn figure(&self, figure: &Figure) -> Option<&Ranged> {
        self.figures.iter().find(|r| &r.figure == figure)
    }

    /// σ of a figure (`None` when it has no range).
    pub fn sigma(&self, figure: &Figure) -> Option<f64> {
        self.figure(figure)?.sigma
    }

    /// σ of the indicator with this JSON key.
    pub fn sigma_of(&self, key: &str) -> Option<f64> {
        self.figures
            .iter()
            .find(|r| matches!(r.figure, Figure::Indicator(k) if k == key))?
            .sigma
    }

    /// The measured share of flow `f`, reconciled, with its σ.
    pub fn share(&self, f: usize) -> Option<(f64, f64)> {
        self.measurements
            .iter()
            .find(|m| m.measurement.flow == f && m.measurement.what == What::Share)
            .map(|m| (m.reconciled, m.sigma))
    }
}

/// Every figure of a solved map, in a fixed order (stages in chain order, countries by
/// code), so that two evaluations can be compared figure by figure.
pub fn figures(
    doc: &Document,
    topo: &Topology,
    flows: &[Option<f64>],
) -> Vec<(Figure, Option<f64>)> {
    let sums = FigureSums::of(doc, topo, flows, false);
    sums.figures().into_iter().zip(sums.values(None)).collect()
}

/// The sums of flows every figure is built from: the indicators' (§2–4), each stage's
/// throughputs (§5), and the provenance shares' numerators and denominators (§6).
struct FigureSums {
    sums: indicators::Sums,
    stages: Vec<supply::StageSums>,
    ratios: Vec<(Figure, provenance::Ratio)>,
}

/// A move of every sum (the same shape as `FigureSums`).
struct Moves {
    sums: [f64; Sum::COUNT],
    /// Per stage: the total's move and each country's.
    stages: Vec<(f64, Vec<f64>)>,
    /// Per provenance share: its move (to first order, from its numerator's and
    /// denominator's).
    ratios: Vec<f64>,
}

impl FigureSums {
    /// The sums at `flows`; `slopes` adds the provenance shares' derivatives.
    fn of(doc: &Document, topo: &Topology, flows: &[Option<f64>], slopes: bool) -> FigureSums {
        let stages = supply::stage_sums(doc, topo, flows);
        let names: Vec<String> = stages.iter().map(|s| s.stage.clone()).collect();
        let mut ratios = Vec::new();
        if let Some(found) = provenance::ratios(doc, topo, flows, &names, slopes) {
            ratios.extend(found.certified.map(|r| (Figure::Certified, r)));
            ratios.extend(
                found
                    .domestic
                    .into_iter()
                    .map(|(s, r)| (Figure::Domestic(s), r)),
            );
        }
        FigureSums {
            sums: indicators::Sums::of(doc, topo, flows),
            stages,
            ratios,
        }
    }

    fn figures(&self) -> Vec<Figure> {
        let ind = indicators::Indicators::default();
        let mut out: Vec<Figure> = ind
            .described()
            .into_iter()
            .map(|d| Figure::Indicator(d.key))
            .collect();
        out.extend(Loop::REVERSE.into_iter().map(Figure::Loop));
        for stage in &self.stages {
            out.push(Figure::Hhi(stage.stage.clone()));
            if stage_covered(stage.total, stage.countries.iter().map(|(_, v)| *v)).is_some() {
                for (country, _) in &stage.countries {
                    out.push(Figure::Share(stage.stage.clone(), country.clone()));
                }
            }
        }
        out.extend(self.ratios.iter().map(|(f, _)| f.clone()));
        out
    }

    /// Every figure's value, with the sums moved by `step` × `moves` when given.
    fn values(&self, moved: Option<(&Moves, f64)>) -> Vec<Option<f64>> {
        let mut sums = self.sums.clone();
        if let Some((moves, step)) = moved {
            for (v, d) in sums.values.iter_mut().zip(&moves.sums) {
                *v = v.map(|v| v + step * d);
            }
        }
        let ind = indicators::Indicators::of_sums(&sums);
        let mut out: Vec<Option<f64>> = ind.described().into_iter().map(|d| d.value).collect();
        out.extend(Loop::REVERSE.into_iter().map(|l| ind.loops.get(l)));
        for (s, stage) in self.stages.iter().enumerate() {
            let mv = moved.map(|(moves, step)| (&moves.stages[s], step));
            let total = stage.total.map(|t| t + mv.map_or(0.0, |((d, _), h)| h * d));
            let countries: Vec<f64> = stage
                .countries
                .iter()
                .enumerate()
                .map(|(c, (_, v))| v + mv.map_or(0.0, |((_, d), h)| h * d[c]))
                .collect();
            // Which figures a stage has is decided at the sums as they are.
            if stage_covered(stage.total, stage.countries.iter().map(|(_, v)| *v)).is_none() {
                out.push(None);
                continue;
            }
            match stage_covered(total, countries.iter().copied()) {
                Some(covered) => {
                    let (shares, hhi) = supply::shares_and_hhi(&countries, covered);
                    out.push(Some(hhi));
                    out.extend(shares.into_iter().map(Some));
                }
                None => out.extend(std::iter::repeat_n(None, 1 + countries.len())),
            }
        }
        for (r, (_, ratio)) in self.ratios.iter().enumerate() {
            let d = moved.map_or(0.0, |(moves, h)| h * moves.ratios[r]);
            out.push(ratio.value().map(|g| g + d));
        }
        out
    }

    /// No move, to be filled in.
    fn no_moves(&self) -> Moves {
        Moves {
            sums: [0.0; Sum::COUNT],
            stages: self
                .stages
                .iter()
                .map(|s| (0.0, vec![0.0; s.countries.len()]))
                .collect(),
            ratios: vec![0.0; self.ratios.len()],
        }
    }
}

/// The throughput of a stage with a country, when the stage is known and has some.
fn stage_covered(total: Option<f64>, countries: impl Iterator<Item = f64>) -> Option<f64> {
    total?;
    let covered = countries.sum::<f64>() + 0.0;
    (covered > 0.0).then_some(covered)
}

/// The ranges of a reconciled map, with its solution: `solve` gives §1's solution of the
/// reconciled map and the flows indicators may be built on (the figures' point of
/// evaluation).
pub fn propagate(
    doc: &Document,
    topo: &Topology,
    rec: &Reconciliation,
    solve: impl FnOnce() -> (FlowSolution, Vec<Option<f64>>) + Send,
) -> (FlowSolution, Option<Uncertainty>) {
    // The measurements' and unknowns' σ, and the reconciled map's solution with the
    // figures' gradients, are independent: on a large map, where the machine has more
    // than one core, they are worked out side by side.
    let (spread, (solution, figures)) = super::side_by_side(
        rec.problem.is_large(),
        || rec.spread(),
        || {
            let (solution, solved) = solve();
            let figures = figure_gradients(doc, topo, rec, &solved);
            (solution, figures)
        },
    );
    let (Some(spread), Some((sums, base, gradient))) = (spread, figures) else {
        return (solution, None);
    };
    let sigma = rec.problem.sigmas();
    let figures = sums
        .figures()
        .into_iter()
        .zip(base)
        .zip(gradient)
        .map(|((figure, value), grad)| ranged(figure, value, &grad, &sigma))
        .collect();
    (solution, Some(assemble_uncertainty(rec, &spread, figures)))
}

/// The sums the figures are built from, every figure's value and its gradient by every
/// entered value (`None` when the reconciliation did not converge).
#[allow(clippy::type_complexity)]
fn figure_gradients(
    doc: &Document,
    topo: &Topology,
    rec: &Reconciliation,
    solved: &[Option<f64>],
) -> Option<(FigureSums, Vec<Option<f64>>, Vec<Vec<Option<f64>>>)> {
    let sums = FigureSums::of(doc, topo, solved, true);
    let base = sums.values(None);
    // ∂g/∂x̃_k of every figure g: the sums the figures are built from are (to first order)
    // weighted sums of the reconciled values, whose derivatives by every x̃_k the adjoint
    // gives; each figure is then differenced along the sums' move with x̃_k, by a step of
    // 10⁻⁷ σ_k, small enough that the figures' curvature does not show.
    let slopes = rec.derivatives(&sum_weights(doc, topo, rec, solved, &sums))?;
    let nx = rec.problem.measurements.len();
    let mut gradient = vec![vec![None; nx]; base.len()];
    let mut moves = sums.no_moves();
    for (k, m) in rec.problem.measurements.iter().enumerate() {
        let step = 1e-7 * m.sigma;
        moves.fill(|slot| slopes[slot][k]);
        let values = sums.values(Some((&moves, step)));
        for (g, (moved, at)) in values.into_iter().zip(&base).enumerate() {
            gradient[g][k] = moved
                .zip(*at)
                .map(|(m, a)| (m - a) / step)
                .filter(|d| d.is_finite());
        }
    }
    Some((sums, base, gradient))
}

/// Each sum of `sums` (in the order of `Moves::fill`'s slots) as a weighted sum of the
/// reconciled measurements and unknowns, to first order: (wx, wy) with wx_i = Σ ∂sum/∂a_f
/// over the flows f whose amount is measurement i, and wy_j likewise for unknown j.
fn sum_weights(
    doc: &Document,
    topo: &Topology,
    rec: &Reconciliation,
    solved: &[Option<f64>],
    sums: &FigureSums,
) -> Vec<(Vec<f64>, Vec<f64>)> {
    let (nx, ny) = (rec.problem.measurements.len(), rec.problem.unknowns.len());
    let mut place = Vec::with_capacity(sums.stages.len());
    let mut slots = Sum::COUNT;
    for stage in &sums.stages {
        place.push(slots);
        slots += 1 + stage.countries.len();
    }
    let ratios = slots;
    slots += sums.ratios.len();
    let mut weights = vec![(vec![0.0; nx], vec![0.0; ny]); slots];
    let by_sum = indicators::gradient(doc, topo, solved);
    let by_stage = supply::stage_terms(doc, topo, &sums.stages);
    for (f, term) in rec.problem.amount.iter().enumerate() {
        if solved[f].is_none() {
            continue;
        }
        let mut add = |slot: usize, c: f64| match *term {
            Term::Measured(i) => weights[slot].0[i] += c,
            Term::Unknown(j) if !rec.open[j] => weights[slot].1[j] += c,
            _ => {}
        };
        for &(s, c) in &by_sum[f] {
            add(s as usize, c);
        }
        for &(stage, country, c) in &by_stage[f] {
            add(place[stage] + country.map_or(0, |j| 1 + j), c);
        }
        // d(N/D) = (dN − g·dD) / D: one weighted sum per share.
        for (r, (_, ratio)) in sums.ratios.iter().enumerate() {
            if let Some(g) = ratio.value() {
                let slope = (ratio.d_numerator[f] - g * ratio.d_denominator[f]) / ratio.denominator;
                add(ratios + r, slope);
            }
        }
    }
    weights
}

impl Moves {
    /// Each sum's move from `slope(slot)`, the slots numbered as in `sum_weights`: the
    /// indicators' sums, each stage's total and countries, then each provenance share.
    fn fill(&mut self, slope: impl Fn(usize) -> f64) {
        for (s, v) in self.sums.iter_mut().enumerate() {
            *v = slope(s);
        }
        let mut slot = Sum::COUNT;
        for (total, countries) in &mut self.stages {
            *total = slope(slot);
            for (j, c) in countries.iter_mut().enumerate() {
                *c = slope(slot + 1 + j);
            }
            slot += 1 + countries.len();
        }
        for (j, share) in self.ratios.iter_mut().enumerate() {
            *share = slope(slot + j);
        }
    }
}

/// σ_g² = Σ_k (∂g/∂x̃_k)² σ_k², and each measurement's share of it.
fn ranged(figure: Figure, value: Option<f64>, gradient: &[Option<f64>], sigma: &[f64]) -> Ranged {
    let parts: Option<Vec<f64>> = value.and_then(|_| {
        gradient
            .iter()
            .zip(sigma)
            .map(|(g, s)| g.map(|g| (g * s).powi(2)))
            .collect()
    });
    let variance = parts.as_ref().map(|p| p.iter().sum::<f64>());
    let contributions = match (&parts, variance) {
        (Some(p), Some(v)) if v > 0.0 => p.iter().map(|x| x / v).collect(),
        _ => Vec::new(),
    };
    Ranged {
        figure,
        value,
        sigma: variance.map(f64::sqrt),
        contributions,
    }
}

fn assemble_uncertainty(
    rec: &Reconciliation,
    spread: &Spread,
    figures: Vec<Ranged>,
) -> Uncertainty {
    let measurements = rec
        .problem
        .measurements
        .iter()
        .enumerate()
        .map(|(i, m)| Measured {
            measurement: m.clone(),
            reconciled: rec.point.x[i],
            sigma: spread.measured[i],
            residual: spread.residual[i],
        })
        .collect();
    let sigma_of = |term: &Term| match *term {
        Term::Exact(_) => Some(0.0),
        Term::Measured(i) => Some(spread.measured[i]),
        Term::Unknown(j) => spread.unknown[j],
    };
    Uncertainty {
        measurements,
        test: spread.test,
        suspects: spread.suspects.clone(),
        flow_sigma: rec.problem.amount.iter().map(sigma_of).collect(),
        stock_sigma: rec.problem.stock.iter().map(sigma_of).collect(),
        figures,
        converged: rec.converged,
        iterations: rec.iterations,
    }
}

/// A Monte Carlo interval: the 5th and 95th percentiles of a figure over the draws.
#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    pub figure: Figure,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub mean: Option<f64>,
    /// Standard deviation over the draws.
    pub spread: Option<f64>,
    /// Draws in which the figure could be computed.
    pub draws: usize,
}

/// The seed of every Monte Carlo run: the same map gives the same intervals.
pub const SEED: u64 = 0x0100_b3a9;

/// A Monte Carlo run that can be advanced a few draws at a time (so that a window stays
/// responsive and shows its progress): every measurement drawn from its normal
/// distribution (amounts kept at or above 0, shares within [0, 1]), each draw reconciled,
/// and every figure's values collected.
pub struct MonteCarlo {
    doc: Document,
    topo: Topology,
    rec: Reconciliation,
    rng: StdRng,
    draws: usize,
    done: usize,
    samples: Vec<(Figure, Vec<f64>)>,
}

impl MonteCarlo {
    /// A run of `draws` draws on `doc`; `None` when the map has no uncertain figure or its
    /// reconciliation does not converge.
    pub fn new(doc: &Document, draws: usize) -> Option<MonteCarlo> {
        let topo = Topology::new(doc);
        let rec = super::reconcile::reconcile(doc, &topo)?;
        rec.converged.then(|| MonteCarlo {
            doc: doc.clone(),
            topo,
            rec,
            rng: StdRng::seed_from_u64(SEED),
            draws,
            done: 0,
            samples: Vec::new(),
        })
    }

    /// Draws done so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.draws)
    }

    pub fn finished(&self) -> bool {
        self.done >= self.draws
    }

    /// Makes up to `n` more draws.
    pub fn step(&mut self, n: usize) {
        for _ in 0..n.min(self.draws - self.done) {
            self.done += 1;
            let entered: Vec<f64> = self
                .rec
                .problem
                .measurements
                .iter()
                .map(|m| draw(&mut self.rng, m))
                .collect();
            let Some(point) = self.rec.redo(&entered) else {
                continue;
            };
            let map = self.rec.map_at(&self.doc, &point);
            let solution = solve_flows(&map, &self.topo);
            let values = figures(&self.doc, &self.topo, &super::usable_flows(&solution));
            if self.samples.is_empty() {
                self.samples = values
                    .iter()
                    .map(|(f, _)| (f.clone(), Vec::new()))
                    .collect();
            }
            for ((figure, list), (f, v)) in self.samples.iter_mut().zip(values) {
                if *figure == f
                    && let Some(v) = v
                {
                    list.push(v);
                }
            }
        }
    }

    /// Each figure's 5–95 % interval over the draws made so far.
    pub fn intervals(&self) -> Vec<Interval> {
        self.samples
            .iter()
            .map(|(f, v)| interval(f.clone(), v.clone()))
            .collect()
    }
}

/// One draw of a measurement, truncated to the values it can take.
fn draw(rng: &mut StdRng, m: &Measurement) -> f64 {
    let high = if m.what == What::Share {
        1.0
    } else {
        f64::INFINITY
    };
    for _ in 0..100 {
        let z: f64 = StandardNormal.sample(rng);
        let v = m.entered + m.sigma * z;
        if (0.0..=high).contains(&v) {
            return v;
        }
    }
    m.entered
}

fn interval(figure: Figure, mut values: Vec<f64>) -> Interval {
    let n = values.len();
    if n == 0 {
        return Interval {
            figure,
            low: None,
            high: None,
            mean: None,
            spread: None,
            draws: 0,
        };
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| {
        // Linear interpolation between order statistics (as numpy's default).
        let pos = q * (n - 1) as f64;
        let (i, frac) = (pos.floor() as usize, pos.fract());
        values[i] + frac * (values[(i + 1).min(n - 1)] - values[i])
    };
    let mean = values.iter().sum::<f64>() / n as f64;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n.max(2) - 1) as f64;
    Interval {
        figure,
        low: Some(at(0.05)),
        high: Some(at(0.95)),
        mean: Some(mean),
        spread: Some(var.sqrt()),
        draws: n,
    }
}

impl Uncertainty {
    /// The `uncertainty` block of `loopmap indicators --json` (indicators.md §10).
    pub fn to_json(&self, doc: &Document) -> Value {
        serde_json::to_value(self.block(doc)).unwrap_or(Value::Null)
    }

    /// The same block, to serialise as it is written (`Block`).
    pub fn block<'a>(&'a self, doc: &'a Document) -> Block<'a> {
        Block { u: self, doc }
    }

    fn shares_json(&self, doc: &Document) -> Value {
        let shares: Map<String, Value> = self
            .measurements
            .iter()
            .filter(|m| m.measurement.what == What::Share)
            .map(|m| {
                (
                    doc.flows[m.measurement.flow].id.clone(),
                    json!({ "value": m.reconciled, "sigma": m.sigma }),
                )
            })
            .collect();
        Value::Object(shares)
    }

    fn indicators_json(&self) -> Value {
        let mut out = Map::new();
        let mut loops = Map::new();
        for r in &self.figures {
            match &r.figure {
                Figure::Indicator(k) => {
                    out.insert(k.to_string(), json!(r.sigma));
                }
                Figure::Loop(l) => {
                    loops.insert(l.name().to_string(), json!(r.sigma));
                }
                _ => {}
            }
        }
        out.insert("loops".into(), Value::Object(loops));
        Value::Object(out)
    }

    fn supply_json(&self) -> Value {
        let mut stages = Map::new();
        for r in &self.figures {
            match &r.figure {
                Figure::Hhi(stage) => {
                    stages.insert(stage.clone(), json!({ "hhi": r.sigma, "shares": {} }));
                }
                Figure::Share(stage, country) => {
                    if let Some(Value::Object(shares)) =
                        stages.get_mut(stage).and_then(|s| s.get_mut("shares"))
                    {
                        shares.insert(country.clone(), json!(r.sigma));
                    }
                }
                _ => {}
            }
        }
        Value::Object(stages)
    }

    /// σ of the certified share and of each stage's domestic share (§6).
    fn provenance_json(&self) -> Value {
        let mut domestic = Map::new();
        let mut certified = Value::Null;
        for r in &self.figures {
            match &r.figure {
                Figure::Certified => certified = json!(r.sigma),
                Figure::Domestic(stage) => {
                    domestic.insert(stage.clone(), json!(r.sigma));
                }
                _ => {}
            }
        }
        json!({ "certified_share": certified, "domestic_share": domestic })
    }

    /// For each indicator, the measurements that cause its variance, largest share first.
    fn contributions_json(&self, doc: &Document) -> Value {
        let mut out = Map::new();
        for r in &self.figures {
            let Figure::Indicator(key) = r.figure else {
                continue;
            };
            out.insert(key.to_string(), Value::Array(
                self.contributors(r)
                    .into_iter()
                    .map(|(i, share)| {
                        let m = &self.measurements[i].measurement;
                        json!({ "flow": doc.flows[m.flow].id, "what": m.what.name(), "share": share })
                    })
                    .collect(),
            ));
        }
        Value::Object(out)
    }

    /// The measurements behind a figure's variance, largest share first (shares under
    /// 0.1 % left out).
    pub fn contributors(&self, ranged: &Ranged) -> Vec<(usize, f64)> {
        let mut list: Vec<(usize, f64)> = ranged
            .contributions
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, c)| c >= 1e-3)
            .collect();
        list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        list
    }
}

/// A flow named as the user sees it: `Mine -> Plant` (node labels, `present::Names`).
pub fn flow_name(doc: &Document, f: usize) -> String {
    crate::present::Names::new(doc).flow(f)
}

impl Measured {
    /// What was measured, as a person says it: `amount of Mine → Plant`, `share of Use →
    /// Collection`, `estimate 1 of Plant → Use (trade statistics)`.
    pub fn describe(&self, doc: &Document) -> String {
        let m = &self.measurement;
        let flow = flow_name(doc, m.flow);
        match m.what {
            What::Amount => format!("amount of {flow}"),
            What::Share => format!("share of {flow}"),
            What::Estimate(k) => {
                let source = doc.flows[m.flow]
                    .estimates
                    .get(k)
                    .map(super::diagnostics::estimate_source)
                    .unwrap_or_default();
                format!("estimate {} of {flow} ({source})", k + 1)
            }
        }
    }
}

impl Uncertainty {
    /// One line on the global test: whether the data fit, and if not which figure to
    /// check first.
    pub fn verdict(&self, doc: &Document) -> String {
        let t = &self.test;
        let dof = match t.dof {
            1 => "1 degree of freedom".to_string(),
            n => format!("{n} degrees of freedom"),
        };
        if t.dof == 0 {
            return "nothing to test: no figure is checked by another (0 degrees of freedom)"
                .into();
        }
        if t.fits() {
            return format!("the data fit: χ² {:.2} with {dof} (p = {:.2})", t.chi2, t.p);
        }
        let first = self
            .suspects
            .first()
            .map(|&i| format!("; check the {} first", self.measurements[i].describe(doc)))
            .unwrap_or_default();
        format!(
            "the data disagree: χ² {:.2} with {dof} (p = {:.3}){first}",
            t.chi2, t.p
        )
    }
}

/// Monte Carlo intervals of every figure of `doc` from `draws` draws; `None` when the map
/// has no uncertain figure or its reconciliation does not converge. `progress` is told
/// how many draws are done, and may stop the run by returning false.
pub fn intervals(
    doc: &Document,
    draws: usize,
    mut progress: impl FnMut(usize) -> bool,
) -> Option<Vec<Interval>> {
    let mut run = MonteCarlo::new(doc, draws)?;
    while !run.finished() && progress(run.progress().0) {
        run.step(50);
    }
    Some(run.intervals())
}

/// The `uncertainty` block of `loopmap indicators --json`, serialised as it is written:
/// its two long lists (σ of every flow, every measurement) go straight to the output
/// rather than into a tree first, a large map having tens of thousands of them. Numbers
/// are written without a sign on zero, as `present::plain_zeros` writes the rest.
pub struct Block<'a> {
    u: &'a Uncertainty,
    doc: &'a Document,
}

impl Serialize for Block<'_> {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        let (u, doc) = (self.u, self.doc);
        let suspects: Vec<&str> = u
            .suspects
            .iter()
            .map(|&i| doc.flows[u.measurements[i].measurement.flow].id.as_str())
            .collect();
        let plain = crate::present::plain_zeros;
        let mut map = out.serialize_map(Some(9))?;
        map.serialize_entry("flows", &FlowSigmas(doc, &u.flow_sigma))?;
        map.serialize_entry("shares", &plain(u.shares_json(doc)))?;
        map.serialize_entry("measurements", &Measurements(doc, &u.measurements))?;
        map.serialize_entry("test", &plain(json!(u.test)))?;
        map.serialize_entry("suspects", &suspects)?;
        map.serialize_entry("indicators", &plain(u.indicators_json()))?;
        map.serialize_entry("supply", &plain(u.supply_json()))?;
        map.serialize_entry("provenance", &plain(u.provenance_json()))?;
        map.serialize_entry("contributions", &plain(u.contributions_json(doc)))?;
        map.end()
    }
}

/// A number as JSON writes it, 0 for −0.
fn unsigned_zero(v: Option<f64>) -> Option<f64> {
    v.map(|v| v + 0.0)
}

/// `{ flow id: { "sigma": σ } }` in document order.
struct FlowSigmas<'a>(&'a Document, &'a [Option<f64>]);

impl Serialize for FlowSigmas<'_> {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        let sigmas = self.0.flows.iter().zip(self.1);
        out.collect_map(sigmas.map(|(flow, s)| {
            (
                &flow.id,
                Sigma {
                    sigma: unsigned_zero(*s),
                },
            )
        }))
    }
}

#[derive(Serialize)]
struct Sigma {
    sigma: Option<f64>,
}

/// Every measurement: its flow, what is measured, entered, reconciled, σ, residual.
struct Measurements<'a>(&'a Document, &'a [Measured]);

impl Serialize for Measurements<'_> {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.collect_seq(self.1.iter().map(|m| MeasuredJson {
            flow: &self.0.flows[m.measurement.flow].id,
            what: m.measurement.what.name(),
            entered: unsigned_zero(Some(m.measurement.entered)),
            reconciled: unsigned_zero(Some(m.reconciled)),
            sigma: unsigned_zero(Some(m.sigma)),
            residual: unsigned_zero(m.residual),
        }))
    }
}

#[derive(Serialize)]
struct MeasuredJson<'a> {
    flow: &'a str,
    what: String,
    entered: Option<f64>,
    reconciled: Option<f64>,
    sigma: Option<f64>,
    residual: Option<f64>,
}
