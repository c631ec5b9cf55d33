//! Step 3: coordinates. Columns are as close as their contents allow: a node's width plus
//! a gap wide enough for the loops that turn in it. In each column, items keep their order
//! and their spacing (nodes apart by a row gap, waypoints by their flow's width) and move
//! towards the height of what they are linked to, alternately from the left, the right
//! and both: a weighted isotonic regression (pool adjacent violators) gives the best
//! heights that keep the order, so long flows run straight where they can.

use super::net::Net;
use super::order::{Item, Ordered};
use super::route::{LANE_SEP, TURN};
use crate::geometry::NODE_SIZE;

/// Narrowest gap between two columns: room for the flows' curves and their labels.
pub const MIN_COLUMN_GAP: f64 = 72.0;
/// Space between two nodes in a column.
const ROW_GAP: f64 = 40.0;
/// Space between a node and a waypoint, and between two waypoints (as `route` stacks
/// them, with a little to spare).
const WAYPOINT_MARGIN: f64 = 10.0;
const WAYPOINT_GAP: f64 = 5.0;

/// Room added to the compact spacing: between columns and between the nodes of a column
/// (to fill the canvas's aspect, `super::arrange`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spacing {
    pub column: f64,
    pub row: f64,
}

pub fn positions(net: &Net, ordered: &Ordered, spacing: Spacing) -> Vec<[f64; 2]> {
    let columns = &ordered.columns;
    let n = columns.len();
    // x: each gap holds the loops that go down after column c and come up before c + 1.
    let mut x = vec![0.0f64; n];
    for c in 1..n {
        let turning: f64 = ordered
            .loops
            .iter()
            .map(|&(from, to, w)| {
                f64::from(u8::from(from + 1 == c) + u8::from(to == c)) * (w + LANE_SEP)
            })
            .sum();
        let gap = MIN_COLUMN_GAP.max(2.0 * TURN + turning + 16.0);
        x[c] = x[c - 1] + NODE_SIZE[0] + gap + spacing.column;
    }

    let half = |item: &Item| match item {
        Item::Node(_) => NODE_SIZE[1] / 2.0,
        Item::Waypoint { edge, .. } => net.edges[*edge].width / 2.0,
    };
    let sep = |a: &Item, b: &Item| {
        let between = match (a, b) {
            (Item::Node(_), Item::Node(_)) => ROW_GAP + spacing.row,
            (Item::Waypoint { .. }, Item::Waypoint { .. }) => WAYPOINT_GAP,
            _ => WAYPOINT_MARGIN,
        };
        half(a) + half(b) + between
    };
    // Heights, stacked and centred to begin with.
    let mut y: Vec<Vec<f64>> = columns
        .iter()
        .map(|items| {
            let mut at = 0.0;
            let mut ys = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    at += sep(&items[i - 1], item);
                }
                ys.push(at);
            }
            let mid = at / 2.0;
            ys.iter().map(|v| v - mid).collect()
        })
        .collect();
    let place: std::collections::HashMap<Item, (usize, usize)> = columns
        .iter()
        .enumerate()
        .flat_map(|(c, items)| items.iter().enumerate().map(move |(p, &i)| (i, (c, p))))
        .collect();
    // Links as places: (left column, left place, right place, width).
    let links: Vec<(usize, usize, usize, f64)> = ordered
        .links
        .iter()
        .filter_map(|&(c, a, b, w)| Some((c, place.get(&a)?.1, place.get(&b)?.1, w)))
        .collect();

    for round in 0..12 {
        // 0: from the left, 1: from the right, 2: both.
        let mode = round % 3;
        let wanted: Vec<Vec<(f64, f64)>> = {
            let mut sums: Vec<Vec<(f64, f64)>> =
                columns.iter().map(|c| vec![(0.0, 0.0); c.len()]).collect();
            for &(c, pa, pb, w) in &links {
                if mode != 1 {
                    sums[c + 1][pb].0 += w * y[c][pa];
                    sums[c + 1][pb].1 += w;
                }
                if mode != 0 {
                    sums[c][pa].0 += w * y[c + 1][pb];
                    sums[c][pa].1 += w;
                }
            }
            sums
        };
        for c in 0..n {
            let items = &columns[c];
            if items.is_empty() {
                continue;
            }
            let targets: Vec<f64> = (0..items.len())
                .map(|p| {
                    let (s, w) = wanted[c][p];
                    if w > 0.0 { s / w } else { y[c][p] }
                })
                .collect();
            // Waypoints weigh more: straight long flows matter more than a node's exact
            // height.
            let weights: Vec<f64> = items
                .iter()
                .zip(&wanted[c])
                .map(|(item, &(_, w))| {
                    let base = if w > 0.0 { 1.0 } else { 0.05 };
                    match item {
                        Item::Node(_) => base,
                        Item::Waypoint { .. } => 2.0 * base,
                    }
                })
                .collect();
            let gaps: Vec<f64> = items.windows(2).map(|w| sep(&w[0], &w[1])).collect();
            y[c] = isotonic(&targets, &weights, &gaps);
        }
    }

    let mut positions = vec![[0.0, 0.0]; net.nodes];
    for (c, items) in columns.iter().enumerate() {
        for (p, item) in items.iter().enumerate() {
            if let Item::Node(v) = item {
                positions[*v] = [round(x[c]), round(y[c][p])];
            }
        }
    }
    positions
}

/// Positions a file can hold tidily: whole canvas points.
fn round(v: f64) -> f64 {
    v.round() + 0.0
}

/// The heights closest to `targets` (least weighted squares) with item `i + 1` at least
/// `gaps[i]` below item `i`.
fn isotonic(targets: &[f64], weights: &[f64], gaps: &[f64]) -> Vec<f64> {
    let n = targets.len();
    let mut offset = vec![0.0; n];
    for i in 1..n {
        offset[i] = offset[i - 1] + gaps[i - 1];
    }
    // Blocks of pooled items: (weight, weighted sum, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(n);
    for i in 0..n {
        blocks.push((weights[i], weights[i] * (targets[i] - offset[i]), 1));
        while blocks.len() >= 2 {
            let (w1, s1, c1) = blocks[blocks.len() - 1];
            let (w0, s0, c0) = blocks[blocks.len() - 2];
            if s0 / w0 <= s1 / w1 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (w0 + w1, s0 + s1, c0 + c1);
        }
    }
    let mut out = Vec::with_capacity(n);
    for (w, s, count) in blocks {
        for _ in 0..count {
            out.push(s / w + offset[out.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::isotonic;

    #[test]
    fn isotonic_keeps_order_and_spacing_and_is_exact_when_it_can_be() {
        assert_eq!(
            isotonic(&[0.0, 100.0], &[1.0, 1.0], &[50.0]),
            vec![0.0, 100.0]
        );
        // Both want 0: they share the difference.
        assert_eq!(
            isotonic(&[0.0, 0.0], &[1.0, 1.0], &[50.0]),
            vec![-25.0, 25.0]
        );
        // The heavy one stays nearer its target.
        let y = isotonic(&[0.0, 0.0], &[3.0, 1.0], &[40.0]);
        assert!(
            (y[0] + 10.0).abs() < 1e-9 && (y[1] - 30.0).abs() < 1e-9,
            "{y:?}"
        );
    }
}
