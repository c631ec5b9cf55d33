//! Step 2: the order of each column, top to bottom. A forward flow that skips columns
//! gets a waypoint in every column it crosses, ordered with the nodes, so it can run
//! between them. A reverse loop is tied to the channel it turns in (under the column, or
//! over it, as `route::nest` puts it), which pulls the nodes it touches to that side.
//! Orders are improved by barycentre sweeps, left to right and back, each followed by
//! swaps of neighbours; crossings are counted exactly, one for each pair of links, as the
//! picture is judged by the pairs of flows that cross. A small map gets several starts,
//! each then sifted (every item to its best place) counting the loops' legs on the side
//! `route` will draw them; the best few orders go on to be drawn, and `arrange` keeps the
//! one whose drawing crosses least.

use super::net::Net;
use super::route::{Side, nearer_side, nest};
use crate::model::Document;

/// Something with a place in a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    Node(usize),
    /// Where forward flow `edge` (an index into `Net::edges`) crosses column `column`.
    Waypoint {
        edge: usize,
        column: usize,
    },
}

/// The result of ordering: what `coords` needs.
#[derive(Clone, Debug)]
pub struct Ordered {
    /// Each column's items, top to bottom.
    pub columns: Vec<Vec<Item>>,
    /// Forward links between column `c` and `c + 1`: (c, left item, right item, width).
    pub links: Vec<(usize, Item, Item, f64)>,
    /// Reverse loops: (column of `from`, column of `to`, width).
    pub loops: Vec<(usize, usize, f64)>,
}

/// One end of a link across a gap: an item, or a loop channel.
#[derive(Clone, Copy, Debug, PartialEq)]
enum End {
    Item(usize),
    Top,
    Bottom,
}

/// Links across gap `g` join padded layers `g` and `g + 1`.
#[derive(Clone, Copy)]
struct Link {
    left: End,
    right: End,
    weight: f64,
}

/// A reverse loop as the sifting sees it: its two end items and the gaps its legs cross
/// (the one after its from node's layer, the one before its to node's layer).
struct LoopEnds {
    from: usize,
    to: usize,
    /// The column gaps it spans, as `route::nest` takes them.
    span: (usize, usize),
    out_gap: usize,
    in_gap: usize,
}

struct Work {
    /// Padded layers: an empty layer on each side, so that every loop has a channel
    /// column to turn in.
    layers: Vec<Vec<usize>>,
    pos: Vec<usize>,
    gaps: Vec<Vec<Link>>,
    /// The padded layer of each node, and how many nodes there are (items below that
    /// number are nodes, the rest waypoints).
    layer_of: Vec<usize>,
    nodes: usize,
    /// For each item, its links to the left and to the right (gap, link index).
    left: Vec<Vec<(usize, usize)>>,
    right: Vec<Vec<(usize, usize)>>,
}

impl Work {
    fn place(&self, end: End, layer: usize) -> f64 {
        match end {
            End::Item(i) => self.pos[i] as f64,
            End::Top => -1.0,
            End::Bottom => self.layers[layer].len() as f64,
        }
    }

    /// Weighted crossings of the links across gap `g`, exactly, in O(E log V) with a
    /// Fenwick tree over the right-hand places.
    fn gap_crossings(&self, g: usize) -> f64 {
        let links = &self.gaps[g];
        if links.len() < 2 {
            return 0.0;
        }
        let mut ends: Vec<(f64, usize, f64)> = links
            .iter()
            .map(|l| {
                let right = (self.place(l.right, g + 1) + 1.0) as usize;
                (self.place(l.left, g), right, l.weight)
            })
            .collect();
        ends.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let size = self.layers[g + 1].len() + 2;
        let mut tree = vec![0.0f64; size + 1];
        let mut total_weight = 0.0;
        let mut crossings = 0.0;
        for &(_, right, w) in &ends {
            // Weight already inserted at places <= right.
            let mut at_most = 0.0;
            let mut i = right + 1;
            while i > 0 {
                at_most += tree[i];
                i &= i - 1;
            }
            crossings += w * (total_weight - at_most);
            let mut i = right + 1;
            while i <= size {
                tree[i] += w;
                i += i & i.wrapping_neg();
            }
            total_weight += w;
        }
        crossings
    }

    fn crossings(&self) -> f64 {
        (0..self.gaps.len()).map(|g| self.gap_crossings(g)).sum()
    }

    /// Reorders layer `l` by the weighted mean place of its neighbours on one side.
    fn sweep_layer(&mut self, l: usize, from_left: bool) {
        let mut keyed: Vec<(f64, usize, usize)> = self.layers[l]
            .iter()
            .map(|&i| {
                let (mut sum, mut weight) = (0.0, 0.0);
                let links = if from_left {
                    &self.left[i]
                } else {
                    &self.right[i]
                };
                for &(g, k) in links {
                    let link = &self.gaps[g][k];
                    let (other, layer) = if from_left {
                        (link.left, g)
                    } else {
                        (link.right, g + 1)
                    };
                    sum += link.weight * self.place(other, layer);
                    weight += link.weight;
                }
                let key = if weight > 0.0 {
                    sum / weight
                } else {
                    self.pos[i] as f64
                };
                (key, self.pos[i], i)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        self.layers[l] = keyed.into_iter().map(|(_, _, i)| i).collect();
        for (p, &i) in self.layers[l].iter().enumerate() {
            self.pos[i] = p;
        }
    }

    /// Weighted crossings between the links of `a` and those of `b` with `a` above `b`.
    fn pair_crossings(&self, a: usize, b: usize) -> f64 {
        let mut total = 0.0;
        for from_left in [true, false] {
            let (la, lb) = if from_left {
                (&self.left[a], &self.left[b])
            } else {
                (&self.right[a], &self.right[b])
            };
            for &pa in la {
                let (ga, ka) = pa;
                let link_a = &self.gaps[ga][ka];
                let (end_a, layer) = if from_left {
                    (link_a.left, ga)
                } else {
                    (link_a.right, ga + 1)
                };
                let place_a = self.place(end_a, layer);
                for &pb in lb {
                    let (gb, kb) = pb;
                    let link_b = &self.gaps[gb][kb];
                    let end_b = if from_left { link_b.left } else { link_b.right };
                    if place_a > self.place(end_b, layer) {
                        total += link_a.weight * link_b.weight;
                    }
                }
            }
        }
        total
    }

    /// Swaps neighbours in a layer while that removes crossings.
    fn transpose(&mut self) {
        for _ in 0..8 {
            let mut improved = false;
            for l in 1..self.layers.len() - 1 {
                for p in 0..self.layers[l].len().saturating_sub(1) {
                    let (a, b) = (self.layers[l][p], self.layers[l][p + 1]);
                    if self.pair_crossings(b, a) < self.pair_crossings(a, b) {
                        self.layers[l].swap(p, p + 1);
                        self.pos[a] = p + 1;
                        self.pos[b] = p;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }
}

impl Work {
    /// What a loop's two legs cross on each side, (below, above): the forward links
    /// leaving its from node's layer lower or higher than it, and those entering its to
    /// node's layer lower or higher (as `route` counts them on the drawn map).
    fn legs(&self, forward: &[Vec<Link>], l: &LoopEnds) -> (f64, f64) {
        let mut sides = (0.0, 0.0);
        let mut add = |i: usize, n: usize, w: f64| {
            if self.pos[i] > self.pos[n] {
                sides.0 += w;
            } else if self.pos[i] < self.pos[n] {
                sides.1 += w;
            }
        };
        for link in &forward[l.out_gap] {
            if let End::Item(i) = link.left {
                add(i, l.from, link.weight);
            }
        }
        for link in &forward[l.in_gap] {
            if let End::Item(i) = link.right {
                add(i, l.to, link.weight);
            }
        }
        sides
    }

    /// A node's place among the nodes (not waypoints) of its layer, and their number.
    fn rank(&self, n: usize) -> (usize, usize) {
        let members = &self.layers[self.layer_of[n]];
        let nodes = |list: &[usize]| list.iter().filter(|&&i| i < self.nodes).count();
        (nodes(&members[..self.pos[n]]), nodes(members))
    }

    /// Each loop's channel side, as `route` chooses it for the drawn map, and what the
    /// loops cross that way.
    fn loop_sides(&self, forward: &[Vec<Link>], loops: &[LoopEnds]) -> (Vec<Side>, f64) {
        let spans: Vec<(usize, usize)> = loops.iter().map(|l| l.span).collect();
        let preferred: Vec<Side> = loops
            .iter()
            .map(|l| nearer_side(self.rank(l.from), self.rank(l.to)))
            .collect();
        let legs: Vec<(f64, f64)> = loops.iter().map(|l| self.legs(forward, l)).collect();
        let (nesting, cost) = nest(&spans, &preferred, &legs);
        (nesting.into_iter().map(|(side, _)| side).collect(), cost)
    }

    /// The crossings that the order of layer `l` changes: the forward links on both sides
    /// and the loops. Call with the loops untied (`gaps` forward only).
    fn layer_cost(&self, l: usize, loops: &[LoopEnds]) -> f64 {
        let forward = self.gap_crossings(l - 1) + self.gap_crossings(l);
        // The loops cost the same whatever the order of a layer they do not leave or enter.
        if loops.iter().any(|e| e.out_gap == l || e.in_gap + 1 == l) {
            forward + self.loop_sides(&self.gaps, loops).1
        } else {
            forward
        }
    }

    /// All crossings the order decides, as `layer_cost` counts them.
    fn cost(&self, loops: &[LoopEnds]) -> f64 {
        let (_, legs) = self.loop_sides(&self.gaps, loops);
        self.crossings() + legs
    }

    /// Moves each item to the place in its layer where `layer_cost` is least (sifting),
    /// round after round while that removes crossings. Call with the loops untied.
    fn sift(&mut self, loops: &[LoopEnds]) {
        for _ in 0..6 {
            let mut improved = false;
            for l in 1..self.layers.len() - 1 {
                let members = self.layers[l].clone();
                for &i in &members {
                    let mut best = (self.layer_cost(l, loops), self.layers[l].clone());
                    let from = self.pos[i];
                    let mut row = self.layers[l].clone();
                    row.remove(from);
                    for p in (0..=row.len()).filter(|&p| p != from) {
                        let mut trial = row.clone();
                        trial.insert(p, i);
                        self.layers[l] = trial;
                        self.renumber_layer(l);
                        let c = self.layer_cost(l, loops);
                        if c < best.0 - 1e-9 {
                            best = (c, self.layers[l].clone());
                            improved = true;
                        }
                    }
                    self.layers[l] = best.1;
                    self.renumber_layer(l);
                }
            }
            if !improved {
                break;
            }
        }
    }

    fn renumber_layer(&mut self, l: usize) {
        for (q, &j) in self.layers[l].iter().enumerate() {
            self.pos[j] = q;
        }
    }

    fn renumber(&mut self) {
        for members in &self.layers {
            for (p, &i) in members.iter().enumerate() {
                self.pos[i] = p;
            }
        }
    }

    /// The links across each gap: the forward ones, and each loop's two ends tied to the
    /// channel on its side (`spans` and `sides` per loop).
    fn tie_loops(
        &mut self,
        forward: &[Vec<Link>],
        net: &Net,
        loop_edges: &[usize],
        loops: &[(usize, usize, f64)],
        sides: &[Side],
    ) {
        let mut gaps: Vec<Vec<Link>> = forward.to_vec();
        for (k, &side) in sides.iter().enumerate() {
            let edge = &net.edges[loop_edges[k]];
            let (lf, lt, _) = loops[k];
            let channel = if side == Side::Above {
                End::Top
            } else {
                End::Bottom
            };
            gaps[lf + 1].push(Link {
                left: End::Item(edge.from),
                right: channel,
                weight: 1.0,
            });
            gaps[lt].push(Link {
                left: channel,
                right: End::Item(edge.to),
                weight: 1.0,
            });
        }
        let items = self.pos.len();
        self.left = vec![Vec::new(); items];
        self.right = vec![Vec::new(); items];
        for (g, gap) in gaps.iter().enumerate() {
            for (k, link) in gap.iter().enumerate() {
                if let End::Item(i) = link.left {
                    self.right[i].push((g, k));
                }
                if let End::Item(i) = link.right {
                    self.left[i].push((g, k));
                }
            }
        }
        self.gaps = gaps;
    }

    /// Sweeps and swaps until four rounds bring nothing better; leaves the best order.
    fn improve(&mut self) {
        let mut best = (self.crossings(), self.layers.clone());
        let mut stale = 0;
        for round in 0..24 {
            let n = self.layers.len();
            if round % 2 == 0 {
                for l in 1..n - 1 {
                    self.sweep_layer(l, true);
                }
            } else {
                for l in (1..n - 1).rev() {
                    self.sweep_layer(l, false);
                }
            }
            self.transpose();
            let c = self.crossings();
            if c < best.0 - 1e-9 {
                best = (c, self.layers.clone());
                stale = 0;
            } else {
                stale += 1;
                if stale >= 4 {
                    break;
                }
            }
        }
        self.layers = best.1;
        for members in &self.layers {
            for (p, &i) in members.iter().enumerate() {
                self.pos[i] = p;
            }
        }
    }
}

/// Up to this many items (nodes and waypoints), Arrange tries `TRIES` shuffled starts too.
const SMALL: usize = 400;
const TRIES: u64 = 30;
/// How many of the best orders of a small map `arrange` draws to choose from.
const CANDIDATES: usize = 8;

/// Keys that order `n` nodes at random, the same for the same seed.
fn shuffled(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|_| {
            // splitmix64
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as f64
        })
        .collect()
}

/// The order in which a depth-first walk along the flows, starting from each node in map
/// order, first meets each node.
fn walk_order(net: &Net) -> Vec<f64> {
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); net.nodes];
    for e in &net.edges {
        next[e.from].push(e.to);
    }
    let mut seen = vec![f64::NAN; net.nodes];
    let mut count = 0.0;
    for root in 0..net.nodes {
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if !seen[n].is_nan() {
                continue;
            }
            seen[n] = count;
            count += 1.0;
            stack.extend(next[n].iter().rev().filter(|&&m| seen[m].is_nan()));
        }
    }
    seen
}

/// Orders every column of a map whose node columns are `layer`.
pub fn order(doc: &Document, net: &Net, layer: &[usize], options: super::Options) -> Vec<Ordered> {
    let columns = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut items: Vec<Item> = (0..net.nodes).map(Item::Node).collect();
    let mut item_layer: Vec<usize> = layer.iter().map(|l| l + 1).collect();
    let mut gaps: Vec<Vec<Link>> = (0..columns + 1).map(|_| Vec::new()).collect();
    let mut links = Vec::new();
    let mut loops = Vec::new();
    let mut loop_edges = Vec::new();
    for (e, edge) in net.edges.iter().enumerate() {
        let (lf, lt) = (layer[edge.from], layer[edge.to]);
        if lt > lf {
            let mut previous = edge.from;
            for (l, gap) in gaps.iter_mut().enumerate().take(lt).skip(lf + 1) {
                items.push(Item::Waypoint { edge: e, column: l });
                item_layer.push(l + 1);
                let here = items.len() - 1;
                gap.push(Link {
                    left: End::Item(previous),
                    right: End::Item(here),
                    weight: 1.0,
                });
                previous = here;
            }
            gaps[lt].push(Link {
                left: End::Item(previous),
                right: End::Item(edge.to),
                weight: 1.0,
            });
        } else {
            loops.push((lf, lt, edge.width));
            loop_edges.push(e);
        }
    }
    let forward = gaps;
    let loop_ends: Vec<LoopEnds> = loop_edges
        .iter()
        .map(|&e| {
            let edge = &net.edges[e];
            LoopEnds {
                from: edge.from,
                to: edge.to,
                span: (layer[edge.to], layer[edge.from] + 1),
                out_gap: layer[edge.from] + 1,
                in_gap: layer[edge.to],
            }
        })
        .collect();
    let mut work = Work {
        layers: vec![Vec::new(); columns + 2],
        pos: vec![0; items.len()],
        layer_of: item_layer[..net.nodes].to_vec(),
        nodes: net.nodes,
        gaps: Vec::new(),
        left: Vec::new(),
        right: Vec::new(),
    };
    // Where to start from: the order on screen when it is to be kept; otherwise the map's
    // own order and the order a walk along the flows meets the nodes (the better result
    // is kept), so that Arrange gives the same picture whatever the positions were.
    let starts: Vec<Vec<f64>> = if options.keep_order {
        vec![(0..net.nodes).map(|n| doc.nodes[n].pos[1]).collect()]
    } else {
        let mut starts = vec![(0..net.nodes).map(|n| n as f64).collect(), walk_order(net)];
        // A small map affords more tries: shuffles from fixed seeds (the sweeps only find
        // a local best).
        if items.len() <= SMALL {
            starts.extend((1..=TRIES).map(|seed| shuffled(net.nodes, seed)));
        }
        starts
    };
    let mut found: Vec<(f64, Vec<Vec<usize>>)> = Vec::new();
    let mut swept: Vec<Vec<Vec<usize>>> = Vec::new();
    for node_key in starts {
        // Waypoints start between the ends of their flow.
        let key = |i: usize| match items[i] {
            Item::Node(n) => node_key[n],
            Item::Waypoint { edge, column } => {
                let e = &net.edges[edge];
                let (lf, lt) = (layer[e.from] as f64, layer[e.to] as f64);
                let t = (column as f64 - lf) / (lt - lf);
                node_key[e.from] + t * (node_key[e.to] - node_key[e.from])
            }
        };
        work.layers = vec![Vec::new(); columns + 2];
        for (i, &l) in item_layer.iter().enumerate() {
            work.layers[l].push(i);
        }
        for members in &mut work.layers {
            members.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
        }
        work.renumber();
        // Loops first in the channel under the chain, then each on the side `route` would
        // draw it in the order found.
        let mut sides = vec![Side::Below; loop_edges.len()];
        for round in 0..3 {
            work.tie_loops(&forward, net, &loop_edges, &loops, &sides);
            if !options.keep_order && round < 2 {
                work.improve();
            }
            sides = work.loop_sides(&forward, &loop_ends).0;
        }
        // A small map: each item to its best place, each loop on its cheaper side (once
        // for each order the sweeps found).
        work.tie_loops(&forward, net, &[], &[], &[]);
        if !options.keep_order && items.len() <= SMALL {
            if swept.contains(&work.layers) {
                continue;
            }
            swept.push(work.layers.clone());
            work.sift(&loop_ends);
        }
        let c = work.cost(&loop_ends);
        if !found.iter().any(|(_, layers)| *layers == work.layers) {
            found.push((c, work.layers.clone()));
        }
    }
    // The few best orders by crossings (`arrange` draws them and keeps the one that reads
    // best); the first start wins a tie.
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    found.truncate(if items.len() <= SMALL { CANDIDATES } else { 1 });

    let links = {
        for (g, gap) in work.gaps.iter().enumerate() {
            for link in gap {
                if let (End::Item(a), End::Item(b)) = (link.left, link.right) {
                    links.push((g - 1, items[a], items[b], link.weight));
                }
            }
        }
        links
    };
    found
        .into_iter()
        .map(|(_, layers)| Ordered {
            columns: layers[1..=columns]
                .iter()
                .map(|members| members.iter().map(|&i| items[i]).collect())
                .collect(),
            links: links.clone(),
            loops: loops.clone(),
        })
        .collect()
}
