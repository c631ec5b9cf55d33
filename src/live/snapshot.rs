//! What participants see of the map, copied from the document each time the app changes
//! it: the title, nodes with their stage, flows, pain points. The server never reads the
//! document itself.

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
    #[serde(skip)]
    x: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapFlow {
    pub id: String,
    /// `From → To`, by node label.
    pub label: String,
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

/// Nodes of one stage, for the page's list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stage<'a> {
    pub name: &'a str,
    pub nodes: Vec<&'a SnapNode>,
}

impl Snapshot {
    pub fn of(doc: &Document) -> Snapshot {
        let numbers = doc.pin_numbers();
        Snapshot {
            title: doc.meta.title.clone(),
            nodes: doc
                .nodes
                .iter()
                .map(|n| SnapNode {
                    id: n.id.clone(),
                    label: n.label.clone(),
                    stage: n
                        .stage
                        .clone()
                        .filter(|s| !s.trim().is_empty())
                        .unwrap_or_else(|| n.kind.name().to_string()),
                    x: n.pos[0],
                })
                .collect(),
            flows: doc
                .flows
                .iter()
                .map(|f| SnapFlow {
                    id: f.id.clone(),
                    label: Anchor::Flow(f.id.clone()).describe(doc).replace("->", "→"),
                })
                .collect(),
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

    /// The nodes grouped by stage, stages from left to right as the map is drawn.
    pub fn stages(&self) -> Vec<Stage<'_>> {
        let mut stages: Vec<(f64, usize, Stage<'_>)> = Vec::new();
        for n in &self.nodes {
            match stages.iter_mut().find(|(_, _, s)| s.name == n.stage) {
                Some((x, count, s)) => {
                    *x += n.x;
                    *count += 1;
                    s.nodes.push(n);
                }
                None => stages.push((
                    n.x,
                    1,
                    Stage {
                        name: &n.stage,
                        nodes: vec![n],
                    },
                )),
            }
        }
        stages.sort_by(|a, b| (a.0 / a.1 as f64).total_cmp(&(b.0 / b.1 as f64)));
        for (_, _, s) in &mut stages {
            s.nodes.sort_by(|a, b| a.label.cmp(&b.label));
        }
        stages.into_iter().map(|(_, _, s)| s).collect()
    }
}
