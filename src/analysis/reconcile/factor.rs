//! The sparse LU factors of a reconciliation's KKT matrix (faer's simplicial LU, with the
//! fill-reducing column order kept from one linearisation to the next): solves with
//! dense right-hand sides, and single entries of the inverse's diagonal read by two
//! sparse triangular solves each, which is all the variances need.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::perm::PermRef;
use faer::sparse::SparseColMatRef;
use faer::sparse::linalg::colamd;
use faer::sparse::linalg::lu::simplicial::{self, SimplicialLu};
use faer::{Conj, MatMut, Par};

/// Entries of the inverse's diagonal below which one thread reads them all.
const PER_THREAD: usize = 2000;

/// A fill-reducing order of a matrix's columns (COLAMD), valid for every matrix of the
/// same sparsity pattern.
#[derive(Clone, Debug)]
pub struct Order {
    fwd: Vec<usize>,
    inv: Vec<usize>,
}

impl Order {
    pub fn of(matrix: SparseColMatRef<'_, usize, f64>) -> Option<Order> {
        let n = matrix.ncols();
        let (mut fwd, mut inv) = (vec![0; n], vec![0; n]);
        let scratch = colamd::order_scratch::<usize>(n, n, matrix.compute_nnz());
        let mut buffer = MemBuffer::try_new(scratch).ok()?;
        colamd::order(
            &mut fwd,
            &mut inv,
            matrix.symbolic(),
            colamd::Control::default(),
            MemStack::new(&mut buffer),
        )
        .ok()?;
        Some(Order { fwd, inv })
    }

    fn perm(&self) -> PermRef<'_, usize> {
        PermRef::new_checked(&self.fwd, &self.inv, self.fwd.len())
    }
}

/// A solve of faer's simplicial LU in place (with K or with Kᵀ).
type SolveInPlace = for<'a, 'b, 'c, 'd> fn(
    &'a SimplicialLu<usize, f64>,
    PermRef<'b, usize>,
    PermRef<'b, usize>,
    Conj,
    MatMut<'c, f64>,
    Par,
    &'d mut MemStack,
);

/// P·K·Q = L·U with the row pivots P of partial pivoting and the column order Q.
pub struct Factors {
    lu: SimplicialLu<usize, f64>,
    order: Order,
    row_fwd: Vec<usize>,
    row_inv: Vec<usize>,
}

impl Factors {
    /// `None` when the matrix is singular.
    pub fn new(matrix: SparseColMatRef<'_, usize, f64>, order: &Order) -> Option<Factors> {
        let n = matrix.nrows();
        let mut lu = SimplicialLu::new();
        let (mut row_fwd, mut row_inv) = (vec![0; n], vec![0; n]);
        let scratch = simplicial::factorize_simplicial_numeric_lu_scratch::<usize, f64>(n, n);
        let mut buffer = MemBuffer::try_new(scratch).ok()?;
        simplicial::factorize_simplicial_numeric_lu(
            &mut row_fwd,
            &mut row_inv,
            &mut lu,
            matrix,
            order.perm(),
            MemStack::new(&mut buffer),
        )
        .ok()?;
        Some(Factors {
            lu,
            order: order.clone(),
            row_fwd,
            row_inv,
        })
    }

    fn rows(&self) -> PermRef<'_, usize> {
        PermRef::new_checked(&self.row_fwd, &self.row_inv, self.row_fwd.len())
    }

    /// rhs ← K⁻¹·rhs.
    pub fn solve(&self, rhs: MatMut<'_, f64>) {
        self.apply(SimplicialLu::solve_in_place_with_conj, rhs);
    }

    /// rhs ← K⁻ᵀ·rhs.
    pub fn solve_transpose(&self, rhs: MatMut<'_, f64>) {
        self.apply(SimplicialLu::solve_transpose_in_place_with_conj, rhs);
    }

    fn apply(&self, solve: SolveInPlace, rhs: MatMut<'_, f64>) {
        let n = self.lu.nrows();
        let scratch = simplicial::solve_in_place_scratch::<usize, f64>(n, rhs.ncols(), Par::Seq);
        let mut buffer = MemBuffer::new(scratch);
        let stack = MemStack::new(&mut buffer);
        solve(
            &self.lu,
            self.rows(),
            self.order.perm(),
            Conj::No,
            rhs,
            Par::Seq,
            stack,
        );
    }

    /// (K⁻¹)_kk for each k of `which`: with K⁻¹ = Q·U⁻¹·L⁻¹·P, the entry is
    /// ⟨U⁻ᵀ·e_c, L⁻¹·e_r⟩ (r = k's row in P, c = k's column in Q), and both vectors are
    /// as sparse as k's reach in the factors. Large sets are shared among the machine's
    /// cores (the entries are independent).
    pub fn inverse_diagonal(&self, which: &[usize]) -> Vec<f64> {
        let ut = Transposed::of(self.lu.u_factor_unsorted());
        let parts = which.len() / PER_THREAD;
        let threads = if parts < 2 {
            1
        } else {
            parts.min(crate::analysis::cores())
        };
        if threads == 1 {
            return self.diagonal_entries(&ut, which);
        }
        let per_thread = which.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = which
                .chunks(per_thread)
                .map(|part| scope.spawn(|| self.diagonal_entries(&ut, part)))
                .collect();
            parts
                .into_iter()
                .flat_map(|part| part.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    }

    fn diagonal_entries(&self, ut: &Transposed, which: &[usize]) -> Vec<f64> {
        let l = self.lu.l_factor_unsorted();
        let n = self.lu.nrows();
        let (mut down, mut across) = (Sparse::new(n), Sparse::new(n));
        which
            .iter()
            .map(|&k| {
                down.solve(self.row_inv[k], |j| {
                    (1.0, l.row_idx_of_col_raw(j), l.val_of_col(j))
                });
                across.solve(self.order.inv[k], |j| ut.column(j));
                let (short, long) = if down.touched.len() <= across.touched.len() {
                    (&down, &across)
                } else {
                    (&across, &down)
                };
                short
                    .touched
                    .iter()
                    .map(|&i| short.values[i] * long.values[i])
                    .sum()
            })
            .collect()
    }
}

/// Uᵀ by columns (the rows of U), with U's diagonal apart.
struct Transposed {
    diagonal: Vec<f64>,
    start: Vec<usize>,
    rows: Vec<usize>,
    values: Vec<f64>,
}

impl Transposed {
    fn of(u: SparseColMatRef<'_, usize, f64>) -> Transposed {
        let n = u.ncols();
        let mut diagonal = vec![0.0; n];
        let mut start = vec![0; n + 1];
        for j in 0..n {
            for i in u.row_idx_of_col(j) {
                if i != j {
                    start[i + 1] += 1;
                }
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let (mut rows, mut values) = (vec![0; start[n]], vec![0.0; start[n]]);
        for (j, d) in diagonal.iter_mut().enumerate() {
            for (i, &v) in u.row_idx_of_col(j).zip(u.val_of_col(j)) {
                if i == j {
                    *d = v;
                } else {
                    rows[next[i]] = j;
                    values[next[i]] = v;
                    next[i] += 1;
                }
            }
        }
        Transposed {
            diagonal,
            start,
            rows,
            values,
        }
    }

    fn column(&self, j: usize) -> (f64, &[usize], &[f64]) {
        let range = self.start[j]..self.start[j + 1];
        (
            self.diagonal[j],
            &self.rows[range.clone()],
            &self.values[range],
        )
    }
}

/// A sparse vector on a dense array: the solution of a lower-triangular system with one
/// unit right-hand side, nonzero only on the start's reach.
struct Sparse {
    values: Vec<f64>,
    touched: Vec<usize>,
    queued: Vec<bool>,
    heap: BinaryHeap<Reverse<usize>>,
}

impl Sparse {
    fn new(n: usize) -> Sparse {
        Sparse {
            values: vec![0.0; n],
            touched: Vec::new(),
            queued: vec![false; n],
            heap: BinaryHeap::new(),
        }
    }

    /// x ← T⁻¹·e_start for the lower-triangular T whose column j is `column(j)`: its
    /// diagonal and its rows and values (which may list the diagonal again; it is
    /// skipped). The reach is taken in increasing order, a topological order of a
    /// lower-triangular matrix.
    fn solve<'a>(&mut self, start: usize, column: impl Fn(usize) -> (f64, &'a [usize], &'a [f64])) {
        for &i in &self.touched {
            self.values[i] = 0.0;
            self.queued[i] = false;
        }
        self.touched.clear();
        self.values[start] = 1.0;
        self.queued[start] = true;
        self.heap.push(Reverse(start));
        while let Some(Reverse(j)) = self.heap.pop() {
            self.touched.push(j);
            let (diagonal, rows, values) = column(j);
            let x = self.values[j] / diagonal;
            self.values[j] = x;
            for (&i, &t) in rows.iter().zip(values) {
                if i != j {
                    self.values[i] -= t * x;
                    if !self.queued[i] {
                        self.queued[i] = true;
                        self.heap.push(Reverse(i));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faer::Mat;
    use faer::sparse::{SparseColMat, Triplet};

    /// A saddle-point matrix like the KKT systems, with a zero diagonal block that forces
    /// row pivots: the diagonal of its inverse read by sparse solves is the one of dense
    /// solves with the unit vectors.
    #[test]
    fn the_inverse_diagonal_is_the_dense_one() {
        let n = 9;
        let mut t = Vec::new();
        for i in 0..5 {
            t.push(Triplet::new(i, i, 1.0 + 0.1 * i as f64));
        }
        let links = [
            (0, 6, 1.0),
            (1, 6, -1.0),
            (1, 7, 0.5),
            (2, 7, -2.0),
            (3, 8, 1.0),
        ];
        for (i, j, a) in links
            .into_iter()
            .chain([(4, 8, -0.3), (5, 6, 0.7), (5, 7, 1.5)])
        {
            t.push(Triplet::new(i, j, a));
            t.push(Triplet::new(j, i, a));
        }
        let k = SparseColMat::<usize, f64>::try_new_from_triplets(n, n, &t).expect("valid");
        let order = Order::of(k.as_ref()).expect("ordered");
        let factors = Factors::new(k.as_ref(), &order).expect("regular");
        let all: Vec<usize> = (0..n).collect();
        let diagonal = factors.inverse_diagonal(&all);
        let mut inverse = Mat::<f64>::from_fn(n, n, |i, j| if i == j { 1.0 } else { 0.0 });
        factors.solve(inverse.as_mut());
        for i in 0..n {
            assert!(
                (diagonal[i] - inverse[(i, i)]).abs() < 1e-12,
                "entry {i}: {} against {}",
                diagonal[i],
                inverse[(i, i)]
            );
        }
        let product = k.as_ref() * inverse.as_ref();
        for i in 0..n {
            assert!((product[(i, i)] - 1.0).abs() < 1e-12, "K·K⁻¹ = I at {i}");
        }
    }

    /// A chain of 2,100 measurements, each pair balanced: the entries shared among
    /// threads (4,199 of them: two parts) are the ones one thread reads, and those of a
    /// solve with the unit vector.
    #[test]
    fn shared_among_threads_the_diagonal_is_the_same() {
        let (nx, nr) = (2100, 2099);
        let mut t = Vec::new();
        for i in 0..nx {
            t.push(Triplet::new(i, i, 1.0));
        }
        for r in 0..nr {
            for (i, a) in [(r, 1.0), (r + 1, -0.5 - (r % 7) as f64 * 0.1)] {
                t.push(Triplet::new(nx + r, i, a));
                t.push(Triplet::new(i, nx + r, a));
            }
        }
        let n = nx + nr;
        let k = SparseColMat::<usize, f64>::try_new_from_triplets(n, n, &t).expect("valid");
        let factors =
            Factors::new(k.as_ref(), &Order::of(k.as_ref()).expect("ordered")).expect("regular");
        let all: Vec<usize> = (0..n).collect();
        let shared = factors.inverse_diagonal(&all);
        let ut = Transposed::of(factors.lu.u_factor_unsorted());
        assert_eq!(shared, factors.diagonal_entries(&ut, &all));
        for k in [0, 1049, 2099, 3000, n - 1] {
            let mut column = Mat::<f64>::from_fn(n, 1, |i, _| if i == k { 1.0 } else { 0.0 });
            factors.solve(column.as_mut());
            assert!((shared[k] - column[(k, 0)]).abs() < 1e-10, "entry {k}");
        }
    }
}
