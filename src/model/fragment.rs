//! Parts of a map for copy and paste: the selected nodes with the flows among them and
//! the pain points pinned on those, and inserting such a part into a map under fresh ids.

use std::collections::{BTreeSet, HashMap};

use super::{Anchor, Document, Meta};

/// The nodes named with every flow among them (a flow cannot be pasted without its
/// ends); `None` when no node is named.
pub fn extract(doc: &Document, nodes: &BTreeSet<String>) -> Option<Document> {
    let mut part = Document::new("");
    part.meta = Meta::default();
    part.nodes = doc
        .nodes
        .iter()
        .filter(|n| nodes.contains(&n.id))
        .cloned()
        .collect();
    part.flows = doc
        .flows
        .iter()
        .filter(|f| nodes.contains(&f.from) && nodes.contains(&f.to))
        .cloned()
        .collect();
    part.pain_points = doc
        .pain_points
        .iter()
        .filter(|p| match &p.on {
            Anchor::Map => false,
            Anchor::Node(id) => nodes.contains(id),
            Anchor::Flow(id) => part.flows.iter().any(|f| &f.id == id),
        })
        .cloned()
        .collect();
    (!part.nodes.is_empty()).then_some(part)
}

/// Adds `part` to `doc`, renaming ids that are taken and moving nodes by `offset`;
/// returns the ids of the nodes and flows added.
pub fn insert(
    doc: &mut Document,
    part: Document,
    offset: [f64; 2],
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut added_nodes = BTreeSet::new();
    for mut node in part.nodes {
        let id = unique_node_id(doc, &node.id);
        renamed.insert(node.id.clone(), id.clone());
        node.id = id.clone();
        node.pos = [node.pos[0] + offset[0], node.pos[1] + offset[1]];
        doc.nodes.push(node);
        added_nodes.insert(id);
    }
    let mut added_flows = BTreeSet::new();
    let mut renamed_flows: HashMap<String, String> = HashMap::new();
    for mut flow in part.flows {
        let (Some(from), Some(to)) = (renamed.get(&flow.from), renamed.get(&flow.to)) else {
            continue;
        };
        flow.from = from.clone();
        flow.to = to.clone();
        let id = unique_flow_id(doc, &flow.id);
        renamed_flows.insert(std::mem::replace(&mut flow.id, id.clone()), id.clone());
        added_flows.insert(id);
        doc.flows.push(flow);
    }
    for mut pain in part.pain_points {
        pain.on = match &pain.on {
            Anchor::Node(id) => match renamed.get(id) {
                Some(new) => Anchor::Node(new.clone()),
                None => continue,
            },
            Anchor::Flow(id) => match renamed_flows.get(id) {
                Some(new) => Anchor::Flow(new.clone()),
                None => continue,
            },
            Anchor::Map => Anchor::Map,
        };
        pain.id = super::pains::unique_pain_id(doc);
        // A copy keeps its pin number where it is free, else takes the next one.
        if pain
            .number
            .is_none_or(|n| doc.pain_points.iter().any(|p| p.number == Some(n)))
        {
            pain.number = Some(doc.next_pin_number());
        }
        doc.pain_points.push(pain);
    }
    (added_nodes, added_flows)
}

/// `base` made into a valid node id not yet used in `doc` (`mining`, `mining_2`, …).
pub fn unique_node_id(doc: &Document, base: &str) -> String {
    unique(&slug(base), |id| doc.node(id).is_some())
}

pub fn unique_flow_id(doc: &Document, base: &str) -> String {
    unique(&slug(base), |id| doc.flow(id).is_some())
}

fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    let stem = match base.rsplit_once('_') {
        Some((stem, n)) if n.parse::<u32>().is_ok() => stem,
        _ => base,
    };
    (2..)
        .map(|i| format!("{stem}_{i}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_string())
}

/// Lower-case letters, digits and `_` from a label: `Magnet making` → `magnet_making`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.is_empty() {
        "node".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flow, Node, NodeKind};

    #[test]
    fn pasting_twice_gives_fresh_ids_and_keeps_the_flows_between_the_copies() {
        let mut doc = Document::new("t");
        doc.nodes.push(Node::new("a", "A", NodeKind::Source));
        doc.nodes.push(Node::new("b", "B", NodeKind::Process));
        doc.flows.push(Flow::new("ab", "a", "b"));
        doc.pain_points.push(crate::model::PainPoint::new(
            "p1",
            Anchor::Flow("ab".into()),
            "leaks",
        ));
        let part = extract(&doc, &["a".into(), "b".into()].into()).unwrap();
        let (nodes, flows) = insert(&mut doc, part.clone(), [10.0, 0.0]);
        assert_eq!(nodes, ["a_2".to_string(), "b_2".to_string()].into());
        assert_eq!(flows, ["ab_2".to_string()].into());
        insert(&mut doc, part, [10.0, 0.0]);
        assert_eq!(doc.flow("ab_3").map(|f| f.from.as_str()), Some("a_3"));
        let pains: Vec<_> = doc.pain_points.iter().map(|p| (&p.id[..], &p.on)).collect();
        assert_eq!(
            pains,
            [
                ("p1", &Anchor::Flow("ab".into())),
                ("p2", &Anchor::Flow("ab_2".into())),
                ("p3", &Anchor::Flow("ab_3".into()))
            ]
        );
        assert!(crate::model::validate(&doc).is_ok());
    }

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slug("Magnet making (HPMS)"), "magnet_making_hpms");
        assert_eq!(slug("¿?"), "node");
    }
}
