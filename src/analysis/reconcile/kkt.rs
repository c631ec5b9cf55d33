//! One linearisation of the reconciliation problem, solved as the optimality (KKT) system
//! of weighted least squares under linear constraints:
//!
//! ```text
//! [ I   0   Bᵀ ] [u]   [ 0   ]      x = x̃ + σ·u   (measurements in their σ)
//! [ 0   W   Cᵀ ] [ŷ] = [ W·ŷ₀ ]     y = scale·ŷ   (unknowns in the map's scale)
//! [ B   C  −δI ] [λ]   [ r   ]      B = J_x·σ / scale, C = J_y, r = (c − J_x x̃) / scale
//! ```
//!
//! factorised once (sparse LU, `factor`) and solved for as many right-hand sides as needed. W is a
//! faint pull towards ŷ₀ on unobservable unknowns only (their values are reported as
//! undetermined; it moves the rest by about 10⁻¹⁰ of their σ), and δ, only where needed,
//! lets equations that repeat each other exactly be written without removing one.

use faer::Mat;
use faer::sparse::{SparseColMat, Triplet};

use super::assemble::{Form, Problem, Term};
use super::factor::Factors;
pub use super::factor::Order;

/// Pull on an unobservable unknown, in (1 / scale)²: 10⁵ map scales of standard deviation.
const PULL: f64 = 1e-10;
/// Regularisation of the equations' block, used only when equations repeat each other
/// exactly (the system is singular without it): it moves each equation by δ·λ, which is
/// more than round-off when the data disagree much.
const DELTA: f64 = 1e-13;
/// Right-hand sides solved for together (more would fall out of the cache).
const CHUNK: usize = 4;
/// Largest |value| of a probe solution that counts as a regular factorisation.
const PROBE_LIMIT: f64 = 1e12;

/// An estimate of every measured value x and unknown y (with the multipliers λ of the
/// equations where it is the optimum of a linearisation; empty otherwise).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Point {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub lambda: Vec<f64>,
}

/// f linearised at a point: for each equation, J_x x + J_y y = c.
#[derive(Clone, Debug)]
pub struct Linearised {
    pub jx: Vec<Vec<(usize, f64)>>,
    pub jy: Vec<Vec<(usize, f64)>>,
    pub c: Vec<f64>,
    /// The bilinear equations a − s·T: (equation, measured share s, unknown total T).
    pub bilinear: Vec<(usize, usize, usize)>,
}

/// The equations linearised at `at` (exact where they are linear).
pub fn linearise(problem: &Problem, at: &Point) -> Linearised {
    let n = problem.rows.len();
    let mut lin = Linearised {
        jx: Vec::with_capacity(n),
        jy: Vec::with_capacity(n),
        c: Vec::with_capacity(n),
        bilinear: Vec::new(),
    };
    for row in &problem.rows {
        let (mut jx, mut jy, mut c) = (Vec::new(), Vec::new(), 0.0);
        let mut add = |term: Term, coef: f64, c: &mut f64| match term {
            Term::Exact(v) => *c -= coef * v,
            Term::Measured(i) => jx.push((i, coef)),
            Term::Unknown(j) => jy.push((j, coef)),
        };
        match &row.form {
            Form::Linear(terms) => {
                for &(term, coef) in terms {
                    add(term, coef, &mut c);
                }
            }
            // a − s·T ≈ a − T₀·s − s₀·T + s₀·T₀
            Form::MeasuredShare {
                amount,
                share,
                total,
            } => {
                let (s0, t0) = (at.x[*share], at.y[*total]);
                lin.bilinear.push((lin.c.len(), *share, *total));
                add(*amount, 1.0, &mut c);
                add(Term::Measured(*share), -t0, &mut c);
                add(Term::Unknown(*total), -s0, &mut c);
                c -= s0 * t0;
            }
        }
        lin.jx.push(merged(jx));
        lin.jy.push(merged(jy));
        lin.c.push(c);
    }
    lin
}

/// Terms sorted by column, repeated columns summed. Zeros are kept: a coefficient that is
/// 0 at one point (a measured share's total at the start) is not at the next, and every
/// linearisation keeps the same sparsity pattern, so that it is analysed once.
fn merged(mut terms: Vec<(usize, f64)>) -> Vec<(usize, f64)> {
    terms.sort_by_key(|&(c, _)| c);
    let mut out: Vec<(usize, f64)> = Vec::with_capacity(terms.len());
    for (c, a) in terms {
        match out.last_mut() {
            Some((last, sum)) if *last == c => *sum += a,
            _ => out.push((c, a)),
        }
    }
    out
}

/// A fill-reducing order for the systems of `problem`, found before it is known which
/// unknowns are open: every linearisation has the same sparsity pattern but for the pull
/// on open unknowns' diagonals (any column order factorises; it only has to keep the
/// fill low, and a few diagonals more or less barely change that).
pub fn order(problem: &Problem, entered: &[f64], sigma: &[f64], scale: f64) -> Option<Order> {
    let at = Point {
        x: entered.to_vec(),
        y: vec![0.0; problem.unknowns.len()],
        lambda: Vec::new(),
    };
    let lin = linearise(problem, &at);
    let open = vec![false; problem.unknowns.len()];
    let curvature: Vec<(usize, usize, f64)> =
        lin.bilinear.iter().map(|&(_, i, j)| (i, j, 0.0)).collect();
    let matrix = Kkt::matrix(&lin, sigma, &open, scale, 0.0, &curvature)?;
    Order::of(matrix.as_ref())
}

/// The factorised system of one linearisation.
pub struct Kkt {
    factors: Factors,
    lin: Linearised,
    sigma: Vec<f64>,
    /// The unknowns no equation pins down, pulled faintly towards their prior.
    open: Vec<bool>,
    scale: f64,
    /// For each measurement, the equations it enters with its J_x coefficient.
    columns: Vec<Vec<(usize, f64)>>,
    ny: usize,
    /// The curvature of the bilinear equations weighted by their multipliers, (u_i, ŷ_j,
    /// h): with it a step is Newton's (fast near the optimum) rather than a plain
    /// linearisation's.
    curvature: Vec<(usize, usize, f64)>,
}

impl Kkt {
    /// Builds and factorises the system, regularised only if it is singular without; `None`
    /// when neither factorises.
    /// With `lambda`, the multipliers at the point `lin` was linearised at, the system is
    /// Newton's (the equations' curvature added).
    ///
    /// `pattern` keeps the analysis of the sparsity pattern from one linearisation to the
    /// next (the pattern is the same; only the numbers change).
    pub fn factor(
        lin: Linearised,
        sigma: &[f64],
        open: &[bool],
        scale: f64,
        lambda: Option<&[f64]>,
        pattern: &mut Option<Order>,
    ) -> Option<Kkt> {
        let (nx, ny) = (sigma.len(), open.len());
        // ∂²(a − s·T)/∂u_s∂ŷ_T in the scaled variables is −σ_s, times the multiplier
        // (0 for a plain linearisation: the entry stays in the pattern).
        let curvature: Vec<(usize, usize, f64)> = lin
            .bilinear
            .iter()
            .map(|&(r, i, j)| {
                let l = lambda
                    .filter(|l| l.len() == lin.c.len())
                    .map_or(0.0, |l| l[r]);
                (i, j, -l * sigma[i])
            })
            .collect();
        // The column order is the pattern's (kept in `pattern`), except for the regularised
        // matrix, whose pattern has the equations' diagonal too.
        let factorise = |delta: f64, pattern: &mut Option<Order>| {
            let matrix = Self::matrix(&lin, sigma, open, scale, delta, &curvature)?;
            if pattern.is_none() {
                *pattern = Some(Order::of(matrix.as_ref())?);
            }
            Factors::new(matrix.as_ref(), pattern.as_ref()?)
        };
        let exact = factorise(0.0, pattern).filter(|f| {
            let n = nx + ny + lin.c.len();
            let mut probe = Mat::<f64>::from_fn(n, 1, |_, _| 1.0);
            f.solve(probe.as_mut());
            (0..n).all(|i| probe[(i, 0)].is_finite() && probe[(i, 0)].abs() < PROBE_LIMIT)
        });
        let factors = match exact {
            Some(f) => f,
            None => factorise(DELTA, &mut None)?,
        };
        let mut columns = vec![Vec::new(); nx];
        for (r, row) in lin.jx.iter().enumerate() {
            for &(i, a) in row {
                columns[i].push((r, a));
            }
        }
        Some(Kkt {
            factors,
            lin,
            sigma: sigma.to_vec(),
            open: open.to_vec(),
            scale,
            columns,
            ny,
            curvature,
        })
    }

    /// The KKT matrix of this linearisation.
    fn matrix(
        lin: &Linearised,
        sigma: &[f64],
        open: &[bool],
        scale: f64,
        delta: f64,
        curvature: &[(usize, usize, f64)],
    ) -> Option<SparseColMat<usize, f64>> {
        let (nx, ny, nr) = (sigma.len(), open.len(), lin.c.len());
        let n = nx + ny + nr;
        let mut triplets = Vec::with_capacity(n + 4 * nr);
        for (i, _) in sigma.iter().enumerate() {
            triplets.push(Triplet::new(i, i, 1.0));
        }
        for (j, &o) in open.iter().enumerate() {
            if o {
                triplets.push(Triplet::new(nx + j, nx + j, PULL));
            }
        }
        for &(i, j, h) in curvature {
            triplets.push(Triplet::new(i, nx + j, h));
            triplets.push(Triplet::new(nx + j, i, h));
        }
        for r in 0..nr {
            let row = nx + ny + r;
            for &(i, a) in &lin.jx[r] {
                let b = a * sigma[i] / scale;
                triplets.push(Triplet::new(row, i, b));
                triplets.push(Triplet::new(i, row, b));
            }
            for &(j, a) in &lin.jy[r] {
                triplets.push(Triplet::new(row, nx + j, a));
                triplets.push(Triplet::new(nx + j, row, a));
            }
            if delta != 0.0 {
                triplets.push(Triplet::new(row, row, -delta));
            }
        }
        SparseColMat::<usize, f64>::try_new_from_triplets(n, n, &triplets).ok()
    }

    fn nx(&self) -> usize {
        self.sigma.len()
    }

    /// The optimum of this linearisation (or Newton's step from `at`) for the measured
    /// values `entered`; unobservable unknowns are pulled towards their values at `at`.
    /// `None` if it is not finite.
    pub fn optimum(&self, entered: &[f64], at: &Point) -> Option<Point> {
        let (nx, ny) = (self.nx(), self.ny);
        let nr = self.lin.c.len();
        let mut rhs = Mat::<f64>::zeros(nx + ny + nr, 1);
        for j in 0..ny {
            if self.open[j] {
                rhs[(nx + j, 0)] = PULL * at.y[j] / self.scale;
            }
        }
        for &(i, j, h) in &self.curvature {
            rhs[(i, 0)] += h * at.y[j] / self.scale;
            rhs[(nx + j, 0)] += h * (at.x[i] - entered[i]) / self.sigma[i];
        }
        for r in 0..nr {
            let measured: f64 = self.lin.jx[r].iter().map(|&(i, a)| a * entered[i]).sum();
            rhs[(nx + ny + r, 0)] = (self.lin.c[r] - measured) / self.scale;
        }
        self.factors.solve(rhs.as_mut());
        let x: Vec<f64> = (0..nx)
            .map(|i| entered[i] + self.sigma[i] * rhs[(i, 0)])
            .collect();
        let y: Vec<f64> = (0..ny).map(|j| self.scale * rhs[(nx + j, 0)]).collect();
        let finite = x.iter().chain(&y).all(|v| v.is_finite());
        let lambda: Vec<f64> = (0..nr).map(|r| rhs[(nx + ny + r, 0)]).collect();
        finite.then_some(Point { x, y, lambda })
    }

    /// Var of every reconciled measurement and observable unknown. In σ units the
    /// reconciled measurements are the orthogonal projection of the entered ones onto the
    /// values the equations allow, and that projection is the measurements' block of K⁻¹
    /// (an unknown's sensitivities are the rest of its column), so that
    /// Σ_k (∂v/∂x̃_k)² σ_k² is σ_i²·(K⁻¹)_ii for a measurement and scale²·(K⁻¹)_jj for an
    /// unknown: only the inverse's diagonal is needed. 0 for an unobservable unknown.
    pub fn variances(&self) -> (Vec<f64>, Vec<f64>) {
        let (nx, ny) = (self.nx(), self.ny);
        let observable: Vec<usize> = (0..ny).filter(|&j| !self.open[j]).collect();
        let which: Vec<usize> = (0..nx).chain(observable.iter().map(|j| nx + j)).collect();
        let diagonal = self.factors.inverse_diagonal(&which);
        let var_x = (0..nx)
            .map(|i| {
                let s2 = self.sigma[i] * self.sigma[i];
                (s2 * diagonal[i]).clamp(0.0, s2)
            })
            .collect();
        let mut var_y = vec![0.0; ny];
        for (&j, d) in observable.iter().zip(&diagonal[nx..]) {
            var_y[j] = (self.scale * self.scale * d).max(0.0);
        }
        (var_x, var_y)
    }

    /// ∂L/∂x̃_k by every entered value of L = Σ wx_i·x_i + Σ wy_j·y_j, a weighted sum of
    /// the reconciled values, for each (wx, wy) of `weights`: by the adjoint, one solve
    /// with Kᵀ per sum rather than one solve per entered value.
    pub fn adjoint(&self, weights: &[(Vec<f64>, Vec<f64>)]) -> Vec<Vec<f64>> {
        let (nx, ny) = (self.nx(), self.ny);
        let n = nx + ny + self.lin.c.len();
        let mut out = Vec::with_capacity(weights.len());
        for chunk in weights.chunks(CHUNK) {
            let mut rhs = Mat::<f64>::zeros(n, chunk.len());
            for (col, (wx, wy)) in chunk.iter().enumerate() {
                for (i, w) in wx.iter().enumerate() {
                    rhs[(i, col)] = self.sigma[i] * w;
                }
                for (j, w) in wy.iter().enumerate() {
                    rhs[(nx + j, col)] = self.scale * w;
                }
            }
            self.factors.solve_transpose(rhs.as_mut());
            for (col, (wx, _)) in chunk.iter().enumerate() {
                out.push(
                    (0..nx)
                        .map(|k| {
                            let through: f64 = self.columns[k]
                                .iter()
                                .map(|&(r, a)| rhs[(nx + ny + r, col)] * -a / self.scale)
                                .sum();
                            wx[k] + through
                        })
                        .collect(),
                );
            }
        }
        out
    }
}
