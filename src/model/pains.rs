//! Pain points as a workshop uses them: their categories and statuses by name, which
//! ones hang on a part of the map about to be deleted, new ids, and the ranking by votes.

use std::collections::BTreeSet;

use super::{Anchor, Category, Document, PainPoint, PainStatus};

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Technical,
        Category::Behavioural,
        Category::Economic,
        Category::Regulatory,
        Category::Environmental,
        Category::Social,
        Category::Supply,
    ];

    /// The name used in files and on screen.
    pub fn name(self) -> &'static str {
        match self {
            Category::Technical => "technical",
            Category::Behavioural => "behavioural",
            Category::Economic => "economic",
            Category::Regulatory => "regulatory",
            Category::Environmental => "environmental",
            Category::Social => "social",
            Category::Supply => "supply",
        }
    }
}

impl PainStatus {
    pub const ALL: [PainStatus; 3] = [PainStatus::Open, PainStatus::Addressed, PainStatus::Parked];

    pub fn name(self) -> &'static str {
        match self {
            PainStatus::Open => "open",
            PainStatus::Addressed => "addressed",
            PainStatus::Parked => "parked",
        }
    }
}

impl Anchor {
    /// What the pain point is on, for people: `map`, `node 'Mining'`, `flow 'f_mine'`.
    pub fn describe(&self, doc: &Document) -> String {
        match self {
            Anchor::Map => "whole map".to_string(),
            Anchor::Node(id) => doc
                .node(id)
                .map_or(format!("node '{id}'"), |n| n.label.clone()),
            Anchor::Flow(id) => match doc.flow(id) {
                Some(f) => {
                    let label =
                        |end: &str| doc.node(end).map_or(end.to_string(), |n| n.label.clone());
                    format!("{} -> {}", label(&f.from), label(&f.to))
                }
                None => format!("flow '{id}'"),
            },
        }
    }
}

impl PainPoint {
    pub fn new(id: impl Into<String>, on: Anchor, title: impl Into<String>) -> Self {
        PainPoint {
            id: id.into(),
            on,
            title: title.into(),
            category: None,
            severity: None,
            votes: None,
            raised_by: String::new(),
            status: None,
            notes: String::new(),
            number: None,
            extra: Default::default(),
        }
    }

    /// Adds `delta` votes, never below zero.
    pub fn vote(&mut self, delta: i64) {
        let votes = (i64::from(self.votes()) + delta).clamp(0, i64::from(u32::MAX));
        self.votes = Some(votes as u32);
    }
}

/// Indices of the pain points that hang on the nodes or flows named, or on a flow that
/// goes with a named node (deleting a node deletes its flows).
pub fn pinned_on(doc: &Document, nodes: &BTreeSet<String>, flows: &BTreeSet<String>) -> Vec<usize> {
    let goes = |flow: &str| {
        flows.contains(flow)
            || doc
                .flow(flow)
                .is_some_and(|f| nodes.contains(&f.from) || nodes.contains(&f.to))
    };
    doc.pain_points
        .iter()
        .enumerate()
        .filter(|(_, p)| match &p.on {
            Anchor::Map => false,
            Anchor::Node(id) => nodes.contains(id),
            Anchor::Flow(id) => goes(id),
        })
        .map(|(i, _)| i)
        .collect()
}

/// A pain point id not yet used: `p1`, `p2`, …
pub fn unique_pain_id(doc: &Document) -> String {
    (1..)
        .map(|i| format!("p{i}"))
        .find(|id| doc.pain_points.iter().all(|p| &p.id != id))
        .unwrap_or_else(|| "p".to_string())
}

impl Document {
    /// Each pain point's pin number: its own `number` where it has one (the first of two
    /// holding the same), else the lowest free number from its place in the list.
    pub fn pin_numbers(&self) -> Vec<u32> {
        let mut taken = BTreeSet::new();
        let own: Vec<Option<u32>> = self
            .pain_points
            .iter()
            .map(|p| p.number.filter(|&n| n >= 1 && taken.insert(n)))
            .collect();
        own.iter()
            .enumerate()
            .map(|(i, own)| {
                own.unwrap_or_else(|| {
                    let start = u32::try_from(i + 1).unwrap_or(u32::MAX);
                    let n = (start..u32::MAX)
                        .find(|n| !taken.contains(n))
                        .unwrap_or(u32::MAX);
                    taken.insert(n);
                    n
                })
            })
            .collect()
    }

    /// The number a new pain point takes: one past the highest in use.
    pub fn next_pin_number(&self) -> u32 {
        self.pin_numbers()
            .into_iter()
            .max()
            .map_or(1, |n| n.saturating_add(1))
    }

    /// Writes every pain point's pin number into it, so deleting one renumbers no other.
    /// Returns whether anything changed.
    pub fn number_pain_points(&mut self) -> bool {
        let numbers = self.pin_numbers();
        let mut changed = false;
        for (p, n) in self.pain_points.iter_mut().zip(numbers) {
            if p.number != Some(n) {
                p.number = Some(n);
                changed = true;
            }
        }
        changed
    }
}

/// Pain point indices, most votes first; ties by severity, then by their order in the map.
pub fn ranked(doc: &Document) -> Vec<usize> {
    let mut order: Vec<usize> = (0..doc.pain_points.len()).collect();
    order.sort_by_key(|&i| {
        let p = &doc.pain_points[i];
        (
            std::cmp::Reverse(p.votes()),
            std::cmp::Reverse(p.severity()),
            i,
        )
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flow, Node, NodeKind};

    fn doc() -> Document {
        let mut doc = Document::new("t");
        doc.nodes.push(Node::new("a", "A", NodeKind::Source));
        doc.nodes.push(Node::new("b", "B", NodeKind::Process));
        doc.nodes.push(Node::new("c", "C", NodeKind::Waste));
        doc.flows.push(Flow::new("ab", "a", "b"));
        doc.flows.push(Flow::new("bc", "b", "c"));
        doc.pain_points
            .push(PainPoint::new("p1", Anchor::Node("a".into()), "on a"));
        doc.pain_points
            .push(PainPoint::new("p2", Anchor::Flow("bc".into()), "on bc"));
        doc.pain_points
            .push(PainPoint::new("p3", Anchor::Map, "map"));
        doc
    }

    #[test]
    fn deleting_a_node_catches_pain_points_on_its_flows_too() {
        let d = doc();
        assert_eq!(pinned_on(&d, &["c".into()].into(), &BTreeSet::new()), [1]);
        assert_eq!(pinned_on(&d, &["a".into()].into(), &BTreeSet::new()), [0]);
        assert_eq!(
            pinned_on(&d, &BTreeSet::new(), &["ab".into()].into()),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn pin_numbers_are_kept_across_deletes_and_new_ones_take_the_next_free() {
        let mut d = doc();
        assert_eq!(d.pin_numbers(), [1, 2, 3], "by order when none is written");
        d.number_pain_points();
        d.pain_points.remove(1);
        assert_eq!(d.pin_numbers(), [1, 3], "pin 3 stays pin 3");
        assert_eq!(d.next_pin_number(), 4);
        // Written numbers win; a clash or a missing one gets the lowest free.
        d.pain_points[0].number = Some(3);
        d.pain_points[1].number = Some(3);
        assert_eq!(d.pin_numbers(), [3, 2]);
        d.pain_points[1].number = None;
        d.pain_points.push(PainPoint::new("p9", Anchor::Map, "new"));
        assert_eq!(d.pin_numbers(), [3, 2, 4]);
    }

    #[test]
    fn ranking_is_by_votes_then_severity_then_order() {
        let mut d = doc();
        d.pain_points[2].votes = Some(4);
        d.pain_points[1].severity = Some(5);
        assert_eq!(ranked(&d), [2, 1, 0]);
    }

    #[test]
    fn votes_never_go_below_zero_and_new_ids_are_free() {
        let mut d = doc();
        d.pain_points[0].vote(-3);
        assert_eq!(d.pain_points[0].votes(), 0);
        d.pain_points[0].vote(2);
        assert_eq!(d.pain_points[0].votes(), 2);
        assert_eq!(unique_pain_id(&d), "p4");
    }
}
