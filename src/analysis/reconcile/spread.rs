//! The uncertainties of a reconciled map (indicators.md §10 "Results"): the σ of every
//! reconciled measurement and observable unknown, the global χ² test, each measurement's
//! normalised residual and the suspects when the test fails.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::Reconciliation;
use super::kkt::Kkt;

/// Significance level of the global test: the data fit when p is at least this.
pub const SIGNIFICANCE: f64 = 0.05;
/// |normalised residual| above which a measurement is a suspect (two-sided 5 %).
pub const SUSPECT: f64 = 1.96;

/// The global test: χ² of the adjustments against its degrees of freedom (the number of
/// independent checks the map makes of its measurements).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Test {
    pub chi2: f64,
    pub dof: usize,
    pub p: f64,
}

impl Test {
    /// Whether the data fit together (p ≥ 0.05); with no degree of freedom nothing is
    /// checked, and nothing can disagree.
    pub fn fits(&self) -> bool {
        self.p >= SIGNIFICANCE
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Spread {
    /// σ of each reconciled measurement.
    pub measured: Vec<f64>,
    /// σ of each unknown; `None` for an unobservable one.
    pub unknown: Vec<Option<f64>>,
    /// Normalised residual of each measurement; `None` when no equation checks it.
    pub residual: Vec<Option<f64>>,
    pub test: Test,
    /// Measurements with |residual| > 1.96 when the test fails, most suspect first.
    pub suspects: Vec<usize>,
}

pub(super) fn spread(rec: &Reconciliation, kkt: &Kkt) -> Spread {
    let sigma = rec.problem.sigmas();
    let (var_x, var_y) = kkt.variances();
    let entered: Vec<f64> = rec.problem.measurements.iter().map(|m| m.entered).collect();
    let adjustment: Vec<f64> = entered
        .iter()
        .zip(&rec.point.x)
        .map(|(e, x)| e - x)
        .collect();
    let residual = residuals(&adjustment, &sigma, &var_x);
    let test = global_test(&adjustment, &sigma, &var_x);
    let suspects = if test.fits() {
        Vec::new()
    } else {
        suspects(&residual)
    };
    Spread {
        measured: var_x.iter().map(|v| v.sqrt()).collect(),
        unknown: var_y
            .iter()
            .zip(&rec.open)
            .map(|(v, &open)| (!open).then(|| v.sqrt()))
            .collect(),
        residual,
        test,
        suspects,
    }
}

/// r_i = (x̃_i − x̂_i) / √(σ_i² − var x̂_i); `None` where the equations leave the
/// measurement as entered (the denominator vanishes).
fn residuals(adjustment: &[f64], sigma: &[f64], var_x: &[f64]) -> Vec<Option<f64>> {
    adjustment
        .iter()
        .zip(sigma)
        .zip(var_x)
        .map(|((a, s), v)| {
            let den = s * s - v;
            (den > 1e-9 * s * s).then(|| a / den.sqrt())
        })
        .collect()
}

/// χ² = Σ (adjustment / σ)², dof = the rank of the redundancy equations (the trace of the
/// projection that adjusts the measurements: Σ 1 − var x̂ / σ²), p = P(χ²_dof > χ²).
fn global_test(adjustment: &[f64], sigma: &[f64], var_x: &[f64]) -> Test {
    let chi2: f64 = adjustment
        .iter()
        .zip(sigma)
        .map(|(a, s)| (a / s).powi(2))
        .sum();
    let trace: f64 = sigma
        .iter()
        .zip(var_x)
        .map(|(s, v)| (1.0 - v / (s * s)).clamp(0.0, 1.0))
        .sum();
    let dof = trace.round() as usize;
    let p = match ChiSquared::new(dof as f64) {
        Ok(d) if dof > 0 => d.sf(chi2),
        _ => 1.0,
    };
    Test { chi2, dof, p }
}

/// Measurements beyond ±1.96, largest |residual| first.
fn suspects(residual: &[Option<f64>]) -> Vec<usize> {
    let mut out: Vec<(usize, f64)> = residual
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.map(|r| (i, r)))
        .filter(|&(_, r)| r.abs() > SUSPECT)
        .collect();
    // Compared at 8 decimals, so that round-off does not order equal residuals; of equal
    // ones, a figure entered above what the map implies comes first.
    let key = |r: f64| (r * 1e8).round() as i64;
    out.sort_by_key(|&(i, r)| {
        (
            std::cmp::Reverse(key(r.abs())),
            std::cmp::Reverse(key(r)),
            i,
        )
    });
    out.into_iter().map(|(i, _)| i).collect()
}
