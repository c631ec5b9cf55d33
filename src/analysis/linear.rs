//! Exact solution of sparse linear systems that may be singular or not square, saying
//! which unknowns the equations leave open and which equations contradict each other.
//!
//! Method (as in KLU-style direct solvers): a maximum matching of equations to unknowns
//! splits the system into an under-determined part, a square part and surplus equations
//! (Dulmage–Mendelsohn); the square part is put in block-triangular form by strongly
//! connected components and solved block by block, small blocks densely (SVD, which also
//! reveals numerically singular blocks) and large ones by sparse LU.

use faer::prelude::*;
use faer::sparse::{SparseColMat, Triplet};
use faer::{Mat, linalg::solvers::Solve};
use petgraph::graph::{DiGraph, NodeIndex};

/// Blocks up to this size are solved with a dense SVD.
const DENSE_BLOCK: usize = 48;
/// Largest singular block or under-determined part analysed densely.
const DENSE_LIMIT: usize = 1500;
/// Largest system whose conflicts are checked by solving it whole (`second_opinion`): a
/// dense SVD of every unknown, tens of milliseconds at this size.
const SECOND_OPINION_LIMIT: usize = 400;
/// Relative size below which a singular value counts as zero.
const RANK_TOL: f64 = 1e-10;
/// Relative residual above which an equation is not met.
const RESIDUAL_TOL: f64 = 1e-9;

/// `A x = b`, built row by row.
#[derive(Debug, Clone, Default)]
pub struct System {
    ncols: usize,
    rows: Vec<Vec<(usize, f64)>>,
    rhs: Vec<f64>,
    /// The size of what each right-hand side sums (known amounts moved over), against
    /// which its residual is judged: a balance of two known amounts that differ by
    /// round-off has a right-hand side of 1e-14 but terms of 100.
    scale: Vec<f64>,
}

/// The values found (`None` where the equations leave an unknown open) and the equations
/// that cannot all be met.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub values: Vec<Option<f64>>,
    pub conflicts: Vec<usize>,
}

impl System {
    pub fn new(ncols: usize) -> Self {
        System {
            ncols,
            ..System::default()
        }
    }

    pub fn nrows(&self) -> usize {
        self.rows.len()
    }

    /// Adds the equation `Σ coef × x[col] = rhs`; repeated columns are summed, zeros dropped.
    pub fn add_row(&mut self, terms: impl IntoIterator<Item = (usize, f64)>, rhs: f64) -> usize {
        self.add_row_scaled(terms, rhs, rhs.abs())
    }

    /// Adds `Σ coef × x[col] = rhs` where the right-hand side sums known terms of total
    /// size `scale` (so that their round-off is no conflict).
    pub fn add_row_scaled(
        &mut self,
        terms: impl IntoIterator<Item = (usize, f64)>,
        rhs: f64,
        scale: f64,
    ) -> usize {
        let mut row: Vec<(usize, f64)> = terms.into_iter().collect();
        row.sort_by_key(|&(c, _)| c);
        let mut merged: Vec<(usize, f64)> = Vec::with_capacity(row.len());
        for (c, a) in row {
            match merged.last_mut() {
                Some((last, sum)) if *last == c => *sum += a,
                _ => merged.push((c, a)),
            }
        }
        merged.retain(|&(_, a)| a != 0.0);
        self.rows.push(merged);
        self.rhs.push(rhs);
        self.scale.push(scale.max(rhs.abs()));
        self.rows.len() - 1
    }

    pub fn solve(&self) -> Solution {
        Solver::new(self).run()
    }
}

struct Solver<'a> {
    sys: &'a System,
    cols: Vec<Vec<usize>>,
    row_match: Vec<Option<usize>>,
    col_match: Vec<Option<usize>>,
    values: Vec<Option<f64>>,
    conflicts: Vec<usize>,
}

impl<'a> Solver<'a> {
    fn new(sys: &'a System) -> Self {
        let mut cols = vec![Vec::new(); sys.ncols];
        for (r, row) in sys.rows.iter().enumerate() {
            for &(c, _) in row {
                cols[c].push(r);
            }
        }
        let (row_match, col_match) = maximum_matching(&sys.rows, sys.ncols);
        Solver {
            sys,
            cols,
            row_match,
            col_match,
            values: vec![None; sys.ncols],
            conflicts: Vec::new(),
        }
    }

    fn run(mut self) -> Solution {
        let open = self.underdetermined_columns();
        self.solve_square_part(&open);
        self.check_surplus_rows();
        self.solve_remainder();
        if !self.conflicts.is_empty() {
            self.second_opinion();
        }
        self.conflicts.sort_unstable();
        self.conflicts.dedup();
        Solution {
            values: self.values,
            conflicts: self.conflicts,
        }
    }

    /// Columns reachable from an unmatched column by alternating paths: those the
    /// equations cannot pin down structurally (rows containing them come along).
    fn underdetermined_columns(&self) -> Vec<bool> {
        let mut open = vec![false; self.sys.ncols];
        let mut queue: Vec<usize> = (0..self.sys.ncols)
            .filter(|&c| self.col_match[c].is_none())
            .collect();
        for &c in &queue {
            open[c] = true;
        }
        while let Some(c) = queue.pop() {
            for &r in &self.cols[c] {
                if let Some(c2) = self.row_match[r]
                    && !open[c2]
                {
                    open[c2] = true;
                    queue.push(c2);
                }
            }
        }
        open
    }

    /// The matched, determined part in block-triangular order, solved block by block.
    fn solve_square_part(&mut self, open: &[bool]) {
        let square: Vec<usize> = (0..self.sys.ncols)
            .filter(|&c| !open[c] && self.col_match[c].is_some())
            .collect();
        let mut node_of = vec![usize::MAX; self.sys.ncols];
        let mut graph = DiGraph::<usize, ()>::with_capacity(square.len(), square.len() * 2);
        for &c in &square {
            node_of[c] = graph.add_node(c).index();
        }
        for &c in &square {
            let Some(r) = self.col_match[c] else { continue };
            for &(c2, _) in &self.sys.rows[r] {
                if c2 != c && node_of[c2] != usize::MAX {
                    graph.add_edge(NodeIndex::new(node_of[c2]), NodeIndex::new(node_of[c]), ());
                }
            }
        }
        // Blocks come in reverse topological order (Kosaraju: iterative, so a long chain cannot
        // overflow the stack as recursive Tarjan did); dependencies come first reversed.
        let blocks = petgraph::algo::kosaraju_scc(&graph);
        let mut local = vec![usize::MAX; self.sys.ncols];
        for block in blocks.iter().rev() {
            let block_cols: Vec<usize> = block.iter().map(|&n| graph[n]).collect();
            self.solve_block(&block_cols, &mut local);
        }
    }

    fn solve_block(&mut self, block_cols: &[usize], local: &mut [usize]) {
        for (i, &c) in block_cols.iter().enumerate() {
            local[c] = i;
        }
        let rows: Vec<usize> = block_cols
            .iter()
            .filter_map(|&c| self.col_match[c])
            .collect();
        let rhs = self.reduced_rhs(&rows, local);
        if let Some(rhs) = rhs {
            let n = block_cols.len();
            let outcome = if n == 1 {
                self.solve_single(rows[0], block_cols[0], rhs[0])
            } else if n <= DENSE_BLOCK {
                self.solve_dense(&rows, block_cols, local, &rhs)
            } else {
                self.solve_sparse(&rows, block_cols, local, &rhs)
                    .or_else(|| {
                        (n <= DENSE_LIMIT).then(|| self.solve_dense(&rows, block_cols, local, &rhs))
                    })
                    .unwrap_or(Outcome {
                        values: vec![None; n],
                        consistent: true,
                        least_squares: Vec::new(),
                        condition: 1.0,
                    })
            };
            // A block the matching made singular stays open here: `solve_remainder` solves
            // it with every equation that uses its unknowns, surplus ones included.
            if outcome.condition > 1.0 / RANK_TOL {
                for &c in block_cols {
                    local[c] = usize::MAX;
                }
                return;
            }
            if !outcome.consistent {
                self.conflicts.extend(&rows);
            }
            for (&c, v) in block_cols.iter().zip(outcome.values) {
                self.values[c] = v;
            }
        }
        for &c in block_cols {
            local[c] = usize::MAX;
        }
    }

    /// Right-hand sides with every unknown outside the block moved over; `None` when one
    /// of them is itself undetermined (then so is the block).
    fn reduced_rhs(&self, rows: &[usize], local: &[usize]) -> Option<Vec<f64>> {
        rows.iter()
            .map(|&r| {
                let mut b = self.sys.rhs[r];
                for &(c, a) in &self.sys.rows[r] {
                    if local[c] == usize::MAX {
                        b -= a * self.values[c]?;
                    }
                }
                Some(b)
            })
            .collect()
    }

    fn solve_single(&self, r: usize, c: usize, rhs: f64) -> Outcome {
        let row = &self.sys.rows[r];
        let a = row
            .iter()
            .find(|&&(c2, _)| c2 == c)
            .map_or(0.0, |&(_, a)| a);
        let scale = row.iter().fold(0.0f64, |m, &(_, x)| m.max(x.abs()));
        if a.abs() > RANK_TOL * scale {
            return Outcome {
                values: vec![Some(rhs / a)],
                consistent: true,
                least_squares: Vec::new(),
                condition: scale / a.abs(),
            };
        }
        Outcome {
            values: vec![None],
            consistent: rhs.abs() <= RESIDUAL_TOL * self.sys.scale[r].max(f64::MIN_POSITIVE),
            least_squares: Vec::new(),
            condition: f64::INFINITY,
        }
    }

    fn solve_dense(&self, rows: &[usize], cols: &[usize], local: &[usize], rhs: &[f64]) -> Outcome {
        let a = Mat::<f64>::from_fn(rows.len(), cols.len(), |_, _| 0.0);
        let mut a = a;
        for (i, &r) in rows.iter().enumerate() {
            for &(c, x) in &self.sys.rows[r] {
                if local[c] != usize::MAX {
                    a[(i, local[c])] = x;
                }
            }
        }
        dense_least_squares(&a, rhs)
    }

    fn solve_sparse(
        &self,
        rows: &[usize],
        cols: &[usize],
        local: &[usize],
        rhs: &[f64],
    ) -> Option<Outcome> {
        let mut triplets = Vec::new();
        for (i, &r) in rows.iter().enumerate() {
            for &(c, x) in &self.sys.rows[r] {
                if local[c] != usize::MAX {
                    triplets.push(Triplet::new(i, local[c], x));
                }
            }
        }
        let n = cols.len();
        let a = SparseColMat::<usize, f64>::try_new_from_triplets(n, n, &triplets).ok()?;
        let lu = a.sp_lu().ok()?;
        let b = Col::<f64>::from_fn(n, |i| rhs[i]);
        let x = lu.solve(&b);
        let values: Vec<f64> = (0..n).map(|i| x[i]).collect();
        let residuals: Vec<(f64, f64)> = rows
            .iter()
            .enumerate()
            .map(|(i, &r)| {
                let (mut res, mut scale) = (rhs[i], rhs[i].abs());
                for &(c, x) in &self.sys.rows[r] {
                    if local[c] != usize::MAX {
                        res -= x * values[local[c]];
                        scale += (x * values[local[c]]).abs();
                    }
                }
                (res, scale)
            })
            .collect();
        let ok = values.iter().all(|v| v.is_finite()) && met(&residuals);
        ok.then(|| Outcome {
            values: values.into_iter().map(Some).collect(),
            consistent: true,
            least_squares: Vec::new(),
            condition: 1.0,
        })
    }

    /// The largest term of the whole system (of the values known so far), for round-off
    /// carried in from the blocks that fixed the values an equation uses.
    fn largest_term(&self) -> f64 {
        (0..self.sys.rows.len()).fold(0.0f64, |m, r| {
            self.sys.rows[r]
                .iter()
                .filter_map(|&(c, a)| self.values[c].map(|x| (a * x).abs()))
                .fold(m.max(self.sys.scale[r]), f64::max)
        })
    }

    /// Equations left over once every unknown has its own: met, or in conflict (together
    /// with the equations that fixed the unknowns they use).
    fn check_surplus_rows(&mut self) {
        let largest = self.largest_term();
        for r in 0..self.sys.rows.len() {
            if self.row_match[r].is_some() {
                continue;
            }
            let row = &self.sys.rows[r];
            let mut residual = self.sys.rhs[r];
            let mut scale = self.sys.scale[r];
            let mut known = true;
            for &(c, a) in row {
                match self.values[c] {
                    Some(x) => {
                        residual -= a * x;
                        scale += (a * x).abs();
                    }
                    None => known = false,
                }
            }
            if known && !met(&[(residual, scale), (0.0, largest)]) {
                self.conflicts.push(r);
                self.conflicts
                    .extend(row.iter().filter_map(|&(c, _)| self.col_match[c]));
            }
        }
    }

    /// Every unknown still open after the structural passes, solved jointly with every
    /// equation that uses one of them.
    ///
    /// The structural passes cannot see two things. The part with more unknowns than
    /// equations may still fix some of them (found from the null space). And a square
    /// block can be singular in its numbers while a surplus equation, left out of the
    /// block by the matching, supplies the rank it lacks: an exact amount that repeats
    /// what the balances imply makes one balance surplus, and the matching may then leave
    /// out the very equation a lossless loop needs (its balances alone add up to zero).
    /// Solved alone, such a block looks open, and so does everything after it.
    fn solve_remainder(&mut self) {
        let cols: Vec<usize> = (0..self.sys.ncols)
            .filter(|&c| self.values[c].is_none())
            .collect();
        if cols.is_empty() || cols.len() > DENSE_LIMIT {
            return;
        }
        let mut local = vec![usize::MAX; self.sys.ncols];
        for (i, &c) in cols.iter().enumerate() {
            local[c] = i;
        }
        let rows: Vec<usize> = (0..self.sys.rows.len())
            .filter(|&r| {
                self.sys.rows[r]
                    .iter()
                    .any(|&(c, _)| local[c] != usize::MAX)
            })
            .collect();
        // Every unknown outside `cols` is known by now.
        let Some(rhs) = self.reduced_rhs(&rows, &local) else {
            return;
        };
        let outcome = self.solve_dense(&rows, &cols, &local, &rhs);
        if outcome.least_squares.len() != cols.len() {
            return; // the SVD failed: the unknowns stay open
        }
        let unmet = self.unmet_rows(&rows, &local, &outcome.least_squares);
        for (&c, v) in cols.iter().zip(outcome.values) {
            self.values[c] = v;
        }
        self.conflicts.extend(unmet);
    }

    /// Conflicts found block by block, checked by solving the whole system at once.
    ///
    /// Block by block, each unknown comes from the one equation the matching gave it. With
    /// an equation to spare (an exact amount that repeats what the rest implies), that
    /// order can take a small flow as the difference of two large ones and then divide it
    /// by a small share, again and again: the round-off grows past what a surplus equation
    /// of small amounts tolerates, and a consistent map looks contradictory. A least-squares
    /// solution of every equation together has no such order. Its values replace the
    /// blocks' when it meets every equation; otherwise the conflicts stand as found.
    fn second_opinion(&mut self) {
        let n = self.sys.ncols;
        if n == 0 || n > SECOND_OPINION_LIMIT {
            return;
        }
        let local: Vec<usize> = (0..n).collect();
        let rows: Vec<usize> = (0..self.sys.rows.len()).collect();
        let outcome = self.solve_dense(&rows, &local, &local, &self.sys.rhs);
        if outcome.least_squares.len() != n
            || !self
                .unmet_rows(&rows, &local, &outcome.least_squares)
                .is_empty()
        {
            return;
        }
        self.values = outcome.values;
        self.conflicts.clear();
    }

    /// Those of `rows` that `x` (the values of the columns `local` numbers, the rest
    /// known) does not meet, judged against all the terms of each row, known values
    /// included (they carry the round-off of the blocks that fixed them), and at round-off
    /// against the largest term of these rows.
    fn unmet_rows(&self, rows: &[usize], local: &[usize], x: &[f64]) -> Vec<usize> {
        let residuals: Vec<(f64, f64)> = rows
            .iter()
            .map(|&r| {
                let mut residual = self.sys.rhs[r];
                let mut scale = self.sys.scale[r];
                for &(c, a) in &self.sys.rows[r] {
                    let value = if local[c] != usize::MAX {
                        x[local[c]]
                    } else {
                        self.values[c].unwrap_or(0.0)
                    };
                    residual -= a * value;
                    scale += (a * value).abs();
                }
                (residual, scale)
            })
            .collect();
        let largest = residuals.iter().fold(0.0f64, |m, &(_, s)| m.max(s));
        rows.iter()
            .zip(&residuals)
            .filter(|(_, res)| !met(&[**res, (0.0, largest)]))
            .map(|(&r, _)| r)
            .collect()
    }
}

/// Whether every equation of a block is met: each residual small against its own terms,
/// or at round-off against the block's largest terms. (Amounts along a long chain of
/// shares can span many orders of magnitude; a row of tiny amounts carries the absolute
/// round-off of the large ones, which is no conflict.)
fn met(residuals: &[(f64, f64)]) -> bool {
    let largest = residuals.iter().fold(0.0f64, |m, &(_, s)| m.max(s));
    residuals.iter().all(|&(res, scale)| {
        res.abs() <= RESIDUAL_TOL * scale.max(f64::MIN_POSITIVE) || res.abs() <= ROUND_OFF * largest
    })
}

/// Round-off against the largest terms of a block, for `met`.
const ROUND_OFF: f64 = 1e-12;

struct Outcome {
    values: Vec<Option<f64>>,
    consistent: bool,
    /// Largest over smallest singular value (infinite when singular); 1 where the solver
    /// does not tell.
    condition: f64,
    /// The minimum-norm least-squares value of every unknown, determined or not (from
    /// the dense solver only; empty otherwise).
    least_squares: Vec<f64>,
}

/// Pivots of a full-pivoting LU whose ratio is below this: the block is regular beyond
/// doubt, and solved by the LU; otherwise the SVD tells rank and null space.
const CLEARLY_REGULAR: f64 = 1e6;

/// Minimum-norm least-squares solution by SVD. An unknown is determined when it has no
/// component in the null space; the system is consistent when every residual is ~0.
/// A square block that is clearly regular (most are) is solved by LU, an order of
/// magnitude faster.
fn dense_least_squares(a: &Mat<f64>, b: &[f64]) -> Outcome {
    regular_solve(a, b).unwrap_or_else(|| svd_least_squares(a, b))
}

/// The solution of a square block whose full-pivoting LU has pivots within a ratio of
/// `CLEARLY_REGULAR` of each other, if it has.
fn regular_solve(a: &Mat<f64>, b: &[f64]) -> Option<Outcome> {
    let n = a.nrows();
    if n != a.ncols() || n == 0 {
        return None;
    }
    let lu = a.full_piv_lu();
    let u = lu.U();
    let (mut largest, mut smallest) = (0.0f64, f64::INFINITY);
    for i in 0..n {
        let p = u[(i, i)].abs();
        largest = largest.max(p);
        smallest = smallest.min(p);
    }
    if !(smallest > 0.0 && largest / smallest < CLEARLY_REGULAR) {
        return None;
    }
    let mut x = Mat::<f64>::from_fn(n, 1, |i, _| b[i]);
    faer::linalg::solvers::SolveCore::solve_in_place_with_conj(&lu, faer::Conj::No, x.as_mut());
    let x: Vec<f64> = (0..n).map(|i| x[(i, 0)]).collect();
    if !x.iter().all(|v| v.is_finite()) {
        return None;
    }
    met(&dense_residuals(a, b, &x)).then(|| Outcome {
        values: x.iter().map(|&v| Some(v)).collect(),
        consistent: true,
        least_squares: x,
        condition: largest / smallest,
    })
}

/// Each equation's residual b − A x with the size of its terms, for `met`.
fn dense_residuals(a: &Mat<f64>, b: &[f64], x: &[f64]) -> Vec<(f64, f64)> {
    (0..a.nrows())
        .map(|r| {
            let mut res = b[r];
            let mut scale = b[r].abs();
            for (j, xj) in x.iter().enumerate() {
                res -= a[(r, j)] * xj;
                scale += (a[(r, j)] * xj).abs();
            }
            (res, scale)
        })
        .collect()
}

fn svd_least_squares(a: &Mat<f64>, b: &[f64]) -> Outcome {
    let (m, n) = (a.nrows(), a.ncols());
    let Ok(svd) = a.svd() else {
        return Outcome {
            values: vec![None; n],
            consistent: true,
            least_squares: Vec::new(),
            condition: 1.0,
        };
    };
    let (u, s, v) = (svd.U(), svd.S().column_vector(), svd.V());
    let k = m.min(n);
    let smax = (0..k).fold(0.0f64, |acc, i| acc.max(s[i]));
    let rank = (0..k).filter(|&i| s[i] > RANK_TOL * smax).count();
    let mut x = vec![0.0; n];
    for i in 0..k {
        if s[i] <= RANK_TOL * smax {
            continue;
        }
        let ub: f64 = (0..m).map(|r| u[(r, i)] * b[r]).sum::<f64>() / s[i];
        for (j, xj) in x.iter_mut().enumerate() {
            *xj += v[(j, i)] * ub;
        }
    }
    let consistent = met(&dense_residuals(a, b, &x));
    // Singular vectors beyond the rank span the null space.
    let null_dims: Vec<usize> = (0..n)
        .filter(|&i| i >= k || s[i] <= RANK_TOL * smax)
        .collect();
    debug_assert_eq!(null_dims.len(), n - rank);
    let values = (0..n)
        .map(|j| {
            let weight: f64 = null_dims.iter().map(|&i| v[(j, i)].powi(2)).sum();
            (weight < 1e-16).then_some(x[j])
        })
        .collect();
    let smin = match k == n {
        true => (0..k).fold(f64::INFINITY, |acc, i| acc.min(s[i])),
        false => 0.0,
    };
    Outcome {
        values,
        consistent,
        least_squares: x,
        condition: if smin > 0.0 {
            smax / smin
        } else {
            f64::INFINITY
        },
    }
}

/// Hopcroft–Karp maximum matching of rows to columns, iterative so that long chains
/// cannot overflow the stack.
fn maximum_matching(
    rows: &[Vec<(usize, f64)>],
    ncols: usize,
) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let nrows = rows.len();
    let mut row_match: Vec<Option<usize>> = vec![None; nrows];
    let mut col_match: Vec<Option<usize>> = vec![None; ncols];
    for (r, row) in rows.iter().enumerate() {
        if let Some(&(c, _)) = row.iter().find(|&&(c, _)| col_match[c].is_none()) {
            row_match[r] = Some(c);
            col_match[c] = Some(r);
        }
    }
    const FAR: usize = usize::MAX;
    let mut dist = vec![FAR; nrows];
    loop {
        // Breadth-first layers from the free rows.
        let mut queue: Vec<usize> = Vec::new();
        for r in 0..nrows {
            if row_match[r].is_none() {
                dist[r] = 0;
                queue.push(r);
            } else {
                dist[r] = FAR;
            }
        }
        let mut found = false;
        let mut head = 0;
        while head < queue.len() {
            let r = queue[head];
            head += 1;
            for &(c, _) in &rows[r] {
                match col_match[c] {
                    None => found = true,
                    Some(r2) if dist[r2] == FAR => {
                        dist[r2] = dist[r] + 1;
                        queue.push(r2);
                    }
                    _ => {}
                }
            }
        }
        if !found {
            break;
        }
        // Depth-first augmentation along the layers.
        for start in 0..nrows {
            if row_match[start].is_some() {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            while let Some(&mut (r, ref mut next)) = stack.last_mut() {
                if *next >= rows[r].len() {
                    dist[r] = FAR;
                    stack.pop();
                    continue;
                }
                let c = rows[r][*next].0;
                *next += 1;
                match col_match[c] {
                    None => {
                        for &(r, next) in &stack {
                            let c = rows[r][next - 1].0;
                            row_match[r] = Some(c);
                            col_match[c] = Some(r);
                        }
                        break;
                    }
                    Some(r2) if dist[r2] != FAR && dist[r2] == dist[r] + 1 => {
                        stack.push((r2, 0));
                    }
                    _ => {}
                }
            }
        }
    }
    (row_match, col_match)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn system(ncols: usize, rows: &[(&[(usize, f64)], f64)]) -> System {
        let mut s = System::new(ncols);
        for (terms, b) in rows {
            s.add_row(terms.iter().copied(), *b);
        }
        s
    }

    #[test]
    fn square_chain_is_solved_exactly() {
        // x0 = 2, x1 - 3 x0 = 0, x2 - x1 = 1
        let s = system(
            3,
            &[
                (&[(0, 1.0)], 2.0),
                (&[(1, 1.0), (0, -3.0)], 0.0),
                (&[(2, 1.0), (1, -1.0)], 1.0),
            ],
        );
        let sol = s.solve();
        assert_eq!(sol.values, vec![Some(2.0), Some(6.0), Some(7.0)]);
        assert!(sol.conflicts.is_empty());
    }

    #[test]
    fn a_free_unknown_is_left_open_and_the_rest_is_solved() {
        // x0 = 1; x1 + x2 = 3; x3 + x1 + x2 = 5  → x3 = 2 determined, x1 and x2 open
        let s = system(
            4,
            &[
                (&[(0, 1.0)], 1.0),
                (&[(1, 1.0), (2, 1.0)], 3.0),
                (&[(3, 1.0), (1, 1.0), (2, 1.0)], 5.0),
            ],
        );
        let sol = s.solve();
        assert_eq!(sol.values[0], Some(1.0));
        assert_eq!(sol.values[1], None);
        assert_eq!(sol.values[2], None);
        assert!((sol.values[3].unwrap() - 2.0).abs() < 1e-12);
        assert!(sol.conflicts.is_empty());
    }

    #[test]
    fn contradicting_equations_are_named() {
        // x0 = 1, x0 = 2, x1 = 5
        let s = system(
            2,
            &[(&[(0, 1.0)], 1.0), (&[(0, 1.0)], 2.0), (&[(1, 1.0)], 5.0)],
        );
        let sol = s.solve();
        assert_eq!(sol.conflicts, vec![0, 1]);
        assert_eq!(sol.values[1], Some(5.0));
    }

    #[test]
    fn a_singular_lossless_loop_is_open_not_infinite() {
        // x0 = x1, x1 = x2, x2 = x0
        let s = system(
            3,
            &[
                (&[(0, 1.0), (1, -1.0)], 0.0),
                (&[(1, 1.0), (2, -1.0)], 0.0),
                (&[(2, 1.0), (0, -1.0)], 0.0),
            ],
        );
        let sol = s.solve();
        assert_eq!(sol.values, vec![None, None, None]);
        assert!(sol.conflicts.is_empty());
    }

    #[test]
    fn a_singular_loop_with_input_is_a_conflict() {
        // x0 - x1 = 10, x1 - x2 = 0, x2 - x0 = 0
        let s = system(
            3,
            &[
                (&[(0, 1.0), (1, -1.0)], 10.0),
                (&[(1, 1.0), (2, -1.0)], 0.0),
                (&[(2, 1.0), (0, -1.0)], 0.0),
            ],
        );
        let sol = s.solve();
        assert_eq!(sol.conflicts, vec![0, 1, 2]);
    }

    #[test]
    fn a_surplus_equation_gives_a_singular_block_the_rank_it_lacks() {
        // A node with outflow total x1 = x0 + 10 and a loop x0 = x2 back into it (x2 = x1 -
        // 10): the three balances hold for any x0, and only the share x0 = 0.1 x1 fixes
        // it. The matching takes the balances and leaves the share over.
        let s = system(
            3,
            &[
                (&[(0, 1.0), (2, -1.0)], 0.0),
                (&[(1, 1.0), (0, -1.0)], 10.0),
                (&[(2, 1.0), (1, -1.0)], -10.0),
                (&[(0, 1.0), (1, -0.1)], 0.0),
            ],
        );
        let sol = s.solve();
        let x1 = 10.0 / 0.9;
        for (value, expected) in sol.values.iter().zip([0.1 * x1, x1, 0.1 * x1]) {
            assert!(
                (value.unwrap() - expected).abs() < 1e-12,
                "{:?}",
                sol.values
            );
        }
        assert!(sol.conflicts.is_empty());
    }

    #[test]
    fn a_large_block_goes_through_sparse_lu() {
        // A ring of n unknowns with a loss: x_{i+1} = 0.5 x_i (+ input 1 at 0).
        let n = 200;
        let mut s = System::new(n);
        s.add_row([(0, 1.0), (n - 1, -0.5)], 1.0);
        for i in 1..n {
            s.add_row([(i, 1.0), (i - 1, -0.5)], 0.0);
        }
        let sol = s.solve();
        let x0 = 1.0 / (1.0 - 0.5f64.powi(n as i32));
        assert!((sol.values[0].unwrap() - x0).abs() < 1e-12);
        assert!((sol.values[3].unwrap() - x0 / 8.0).abs() < 1e-12);
    }
}
