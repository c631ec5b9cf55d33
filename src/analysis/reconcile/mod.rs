//! Data reconciliation as STAN does it (indicators.md §10): uncertain figures are
//! measurements, adjusted as little as their uncertainties allow so that every equation of
//! the map holds; the χ² test says whether they fit together, each measurement's
//! normalised residual which one to doubt, and every flow gets its σ.
//!
//! The pipeline: `assemble` the measurements and equations → `classify` the unknowns
//! (observable or not) → `iterate` linearisations to the weighted-least-squares optimum →
//! `propagate` the uncertainties (`spread`).

pub mod assemble;
mod factor;
mod kkt;
mod spread;

pub use assemble::{Measurement, Problem, Term, What};
pub use kkt::Point;
pub use spread::{Spread, Test};

use super::linear::System;
use super::topology::Topology;
use crate::model::{Document, FlowValue};
use kkt::{Kkt, linearise};

/// Linearisations tried before the reconciliation gives up (and says so).
pub const MAX_ITERATIONS: usize = 100;
/// Largest move of any value (in its σ, or in the map's scale for unknowns) at which the
/// iteration has converged.
const CONVERGED: f64 = 1e-10;
/// A Newton step that moves less than this leaves the point within about its square of
/// the optimum: the next step is the last, and plain.
const LAST_NEWTON: f64 = 1e-6;

/// The reconciled measurements and unknowns of a map, with what is needed to propagate
/// uncertainties.
pub struct Reconciliation {
    pub problem: Problem,
    /// The optimum (or the last estimate when it did not converge).
    pub point: Point,
    /// Unknowns the equations leave open however the measurements are (unobservable).
    pub open: Vec<bool>,
    pub converged: bool,
    pub iterations: usize,
    kkt: Option<Kkt>,
}

/// Reconciles the uncertain figures of `doc`; `None` when it has none (then the map is
/// solved as it is, §1).
pub fn reconcile(doc: &Document, topo: &Topology) -> Option<Reconciliation> {
    let problem = assemble::assemble(doc, topo)?;
    let entered = entered(&problem);
    Some(reconcile_values(problem, &entered))
}

/// Reconciles `problem` with these entered values (a Monte Carlo draw, or as entered).
pub fn reconcile_values(problem: Problem, entered: &[f64]) -> Reconciliation {
    // The systems' fill-reducing order does not depend on the start: found side by side.
    let sigma = problem.sigmas();
    let ((start, open), order) = super::side_by_side(
        problem.is_large(),
        || classify(&problem, entered),
        || kkt::order(&problem, entered, &sigma, scale(&problem)),
    );
    let outcome = iterate(&problem, entered, start, &open, order);
    Reconciliation {
        problem,
        point: outcome.point,
        open,
        converged: outcome.converged,
        iterations: outcome.iterations,
        kkt: outcome.kkt,
    }
}

/// The values as entered, in the order of the measurements.
pub fn entered(problem: &Problem) -> Vec<f64> {
    problem.measurements.iter().map(|m| m.entered).collect()
}

/// The scale of the map's amounts, so that the system is solved in numbers near 1.
fn scale(problem: &Problem) -> f64 {
    let exact = problem
        .amount
        .iter()
        .chain(&problem.stock)
        .filter_map(|t| match t {
            Term::Exact(v) => Some(v.abs()),
            _ => None,
        });
    let measured = problem
        .measurements
        .iter()
        .filter(|m| m.what != What::Share)
        .map(|m| m.entered.abs());
    exact.chain(measured).fold(1.0, f64::max)
}

/// The start of the iteration and which unknowns are unobservable: §1's equations with
/// the measurements held at their entered values, solved in the least-squares sense (an
/// unknown they leave open is unobservable).
fn classify(problem: &Problem, entered: &[f64]) -> (Point, Vec<bool>) {
    let ny = problem.unknowns.len();
    let held = Point {
        x: entered.to_vec(),
        y: vec![0.0; ny],
        lambda: Vec::new(),
    };
    let lin = linearise(problem, &held);
    let mut system = System::new(ny);
    for r in 0..lin.c.len() {
        let measured: f64 = lin.jx[r].iter().map(|&(i, a)| a * entered[i]).sum();
        system.add_row(lin.jy[r].iter().copied(), lin.c[r] - measured);
    }
    let solution = system.solve();
    let open = solution.values.iter().map(Option::is_none).collect();
    let y = solution.values.iter().map(|v| v.unwrap_or(0.0)).collect();
    (
        Point {
            x: entered.to_vec(),
            y,
            lambda: Vec::new(),
        },
        open,
    )
}

struct Outcome {
    point: Point,
    converged: bool,
    iterations: usize,
    kkt: Option<Kkt>,
}

/// Successive linearisation: the optimum of each linearisation is the next point, until
/// nothing moves (one step when no share is measured: the equations are linear). From the
/// second step on, the steps are Newton's (the bilinear equations' curvature weighted by
/// their multipliers), which converge in a few steps where plain linearisation takes
/// many; a step that moves more than the one before falls back to plain linearisation.
/// The uncertainties are propagated with the plain linearisation at the optimum, as §10
/// (and STAN) define them: once a Newton step moves less than `LAST_NEWTON`, the point is
/// within round-off of the optimum (the error squares with each Newton step), so the last
/// step is a plain one and its factorisation is the one propagated with.
fn iterate(
    problem: &Problem,
    entered: &[f64],
    start: Point,
    open: &[bool],
    mut pattern: Option<kkt::Order>,
) -> Outcome {
    let sigma = problem.sigmas();
    let scale = scale(problem);
    let mut factor = |point: &Point, newton: bool| {
        let lambda = newton.then_some(point.lambda.as_slice());
        Kkt::factor(
            linearise(problem, point),
            &sigma,
            open,
            scale,
            lambda,
            &mut pattern,
        )
    };
    let mut point = start;
    let mut iterations = 0;
    let mut newton = false;
    let mut last_move = f64::INFINITY;
    while iterations < MAX_ITERATIONS {
        let Some(kkt) = factor(&point, newton) else {
            break;
        };
        let Some(next) = kkt.optimum(entered, &point) else {
            break;
        };
        iterations += 1;
        let moved = largest_move(&point, &next, &sigma, scale);
        point = next;
        if !problem.is_bilinear() {
            return Outcome {
                point,
                converged: true,
                iterations,
                kkt: Some(kkt),
            };
        }
        if moved < CONVERGED {
            // A plain step's system was linearised less than `CONVERGED` from the optimum.
            return Outcome {
                kkt: if newton {
                    factor(&point, false)
                } else {
                    Some(kkt)
                },
                point,
                converged: true,
                iterations,
            };
        }
        newton = moved < last_move && !(newton && moved < LAST_NEWTON);
        last_move = moved;
    }
    Outcome {
        point,
        converged: false,
        iterations,
        kkt: None,
    }
}

/// The largest change between two points, in σ for measurements and in the map's scale
/// for unknowns.
fn largest_move(a: &Point, b: &Point, sigma: &[f64], scale: f64) -> f64 {
    let x =
        a.x.iter()
            .zip(&b.x)
            .zip(sigma)
            .map(|((p, q), s)| (p - q).abs() / s);
    let y = a.y.iter().zip(&b.y).map(|(p, q)| (p - q).abs() / scale);
    x.chain(y).fold(0.0, f64::max)
}

impl Reconciliation {
    /// The map with every measurement replaced by its reconciled value and made exact, so
    /// that §1's solver gives the reconciled flows (and says what is still wrong).
    pub fn reconciled_map(&self, doc: &Document) -> Document {
        self.map_at(doc, &self.point)
    }

    /// The map with every measurement at its value in `point`, made exact.
    pub fn map_at(&self, doc: &Document, point: &Point) -> Document {
        let mut out = doc.clone();
        for (m, &x) in self.problem.measurements.iter().zip(&point.x) {
            let flow = &mut out.flows[m.flow];
            match m.what {
                What::Amount => flow.value = FlowValue::Amount(x),
                What::Share => flow.value = FlowValue::Share(x),
                What::Estimate(_) => {
                    if flow.value == FlowValue::Auto
                        && let Term::Unknown(j) = self.problem.amount[m.flow]
                        && !self.open[j]
                    {
                        flow.value = FlowValue::Amount(point.y[j]);
                    }
                }
            }
        }
        for flow in &mut out.flows {
            flow.uncertainty = None;
            flow.estimates.clear();
        }
        out
    }

    /// The same problem reconciled for other entered values (a Monte Carlo draw): the
    /// factorisation is reused where the equations are linear.
    pub fn redo(&self, entered: &[f64]) -> Option<Point> {
        if !self.problem.is_bilinear() {
            return self.kkt.as_ref()?.optimum(entered, &self.point);
        }
        let start = Point {
            x: entered.to_vec(),
            y: self.point.y.clone(),
            lambda: Vec::new(),
        };
        let outcome = iterate(&self.problem, entered, start, &self.open, None);
        outcome.converged.then_some(outcome.point)
    }

    /// The uncertainties of the optimum (§10 "Results"); `None` when it did not converge.
    pub fn spread(&self) -> Option<Spread> {
        let kkt = self.kkt.as_ref()?;
        Some(spread::spread(self, kkt))
    }

    /// How weighted sums of the reconciled values move with each entered value: for each
    /// (wx, wy) of `weights`, ∂(Σ wx_i·x_i + Σ wy_j·y_j)/∂x̃_k for every measurement k.
    pub fn derivatives(&self, weights: &[(Vec<f64>, Vec<f64>)]) -> Option<Vec<Vec<f64>>> {
        Some(self.kkt.as_ref()?.adjoint(weights))
    }
}
