//! Pain points as a workshop uses them: their categories and statuses by name, which
//! ones hang on a part of the map about to be deleted, new ids, and the ranking by votes.

use std::collections::BTreeSet;

use super::{Anchor, Category, Document, PainPoint, Status};

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

impl Status {
    pub const ALL: [Status; 3] = [Status::Open, Status::Addressed, Status::Parked];

    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Addressed => "addressed",
            Status::Parked => "parked",
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
