//! What participants see of the map, copied from the document each time the app changes
//! it: the title, nodes with their stage, flows, pain points; stages in the chain's order
//! (the layout's columns), each with its nodes and the flows leaving them. The server
//! never reads the document itself.

use serde::Serialize;

use crate::model::{Anchor, Category, Document, PainStatus};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    pub title: String,
    pub nodes: Vec<SnapNode>,
    pub flows: Vec<SnapFlow>,
    pub pain_points: Vec<SnapPain>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapNode {
    pub id: String,
    pub label: String,
    /// The node's stage, or its kind when it has none.
    pub stage: String,
    /// The node's column in the layout: where in the chain it is.
    #[serde(skip)]
    column: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapFlow {
    pub id: String,
    /// `From → To`, by node label.
    pub label: String,
    /// The stage of the node it leaves, to list it there.
    pub stage: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapPain {
    pub id: String,
    pub number: u32,
    pub title: String,
    pub category: Category,
    pub on: Anchor,
    pub on_label: String,
    pub votes: u32,
    pub status: PainStatus,
}

/// Nodes of one stage and the flows leaving them, for the page's lists.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stage<'a> {
    pub name: &'a str,
    pub nodes: Vec<&'a SnapNode>,
    pub flows: Vec<&'a SnapFlow>,
}

impl Snapshot {
    pub fn of(doc: &Document) -> Snapshot {
        let numbers = doc.pin_numbers();
        let columns = crate::layout::columns(doc);
        let nodes: Vec<SnapNode> = doc
            .nodes
            .iter()
            .zip(columns)
            .map(|(n, column)| SnapNode {
                id: n.id.clone(),
                label: n.label.clone(),
                stage: n
                    .stage
                    .clone()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| n.kind.name().to_string()),
                column,
            })
            .collect();
        let stage_of = |id: &str| {
            nodes
                .iter()
                .find(|n| n.id == id)
                .map(|n| n.stage.clone())
                .unwrap_or_default()
        };
        Snapshot {
            title: doc.meta.title.clone(),
            flows: doc
                .flows
                .iter()
                .map(|f| SnapFlow {
                    id: f.id.clone(),
                    label: Anchor::Flow(f.id.clone()).describe(doc).replace("->", "→"),
                    stage: stage_of(&f.from),
                })
                .collect(),
            nodes,
            pain_points: doc
                .pain_points
                .iter()
                .zip(numbers)
                .map(|(p, number)| SnapPain {
                    id: p.id.clone(),
                    number,
                    title: p.title.clone(),
                    category: p.category(),
                    on: p.on.clone(),
                    on_label: p.on.describe(doc).replace("->", "→"),
                    votes: p.votes(),
                    status: p.status(),
                })
                .collect(),
        }
    }

    /// The nodes grouped by stage, stages in the chain's order (the leftmost column of
    /// each, as the Supply tab orders them, then the mean), nodes by column then label, each stage with the flows that
    /// leave its nodes.
    pub fn stages(&self) -> Vec<Stage<'_>> {
        let mut stages: Vec<Stage<'_>> = Vec::new();
        for n in &self.nodes {
            match stages.iter_mut().find(|s| s.name == n.stage) {
                Some(s) => s.nodes.push(n),
                None => stages.push(Stage {
                    name: &n.stage,
                    nodes: vec![n],
                    flows: Vec::new(),
                }),
            }
        }
        let place = |s: &Stage<'_>| {
            let first = s.nodes.iter().map(|n| n.column).min().unwrap_or(0);
            let mean = s.nodes.iter().map(|n| n.column as f64).sum::<f64>() / s.nodes.len() as f64;
            (first, mean)
        };
        stages.sort_by(|a, b| {
            let (pa, pb) = (place(a), place(b));
            pa.0.cmp(&pb.0).then(pa.1.total_cmp(&pb.1))
        });
        for s in &mut stages {
            s.nodes
                .sort_by(|a, b| a.column.cmp(&b.column).then(a.label.cmp(&b.label)));
            s.flows = self.flows.iter().filter(|f| f.stage == s.name).collect();
        }
        stages
    }
}
