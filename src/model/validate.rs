//! Refusals on load (format.md "Refused on load"): what a map must satisfy to be opened.
//! Everything odd but representable passes here and is reported by `analysis::diagnostics`.

use std::collections::{HashMap, HashSet};

use super::{Change, Document, FlowValue};

/// Why a map cannot be opened: one line naming the problem and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{what}: {problem}")]
pub struct Invalid {
    /// The item concerned, e.g. `node 'mine'`, `flow 'f3'`, `meta`.
    pub what: String,
    pub problem: String,
}

fn invalid(what: impl Into<String>, problem: impl Into<String>) -> Invalid {
    Invalid {
        what: what.into(),
        problem: problem.into(),
    }
}

/// Checks identifiers, references and number ranges of a whole document.
pub fn validate(doc: &Document) -> Result<(), Invalid> {
    check_unique("node", doc.nodes.iter().map(|n| n.id.as_str()))?;
    check_unique("flow", doc.flows.iter().map(|f| f.id.as_str()))?;
    check_unique("pain point", doc.pain_points.iter().map(|p| p.id.as_str()))?;
    check_unique("scenario", doc.scenarios.iter().map(|s| s.name.as_str()))?;
    for node in &doc.nodes {
        validate_node(node)?;
    }
    let node_ids: HashSet<&str> = doc.nodes.iter().map(|n| n.id.as_str()).collect();
    for flow in &doc.flows {
        let what = || format!("flow '{}'", flow.id);
        for (key, id) in [("from", &flow.from), ("to", &flow.to)] {
            if !node_ids.contains(id.as_str()) {
                return Err(invalid(what(), format!("`{key}` names no node: '{id}'")));
            }
        }
        if flow.from == flow.to {
            return Err(invalid(
                what(),
                format!("`from` and `to` are the same node '{}'", flow.from),
            ));
        }
        validate_flow_value(what, flow.value)?;
        non_negative(what, "uncertainty", flow.uncertainty)?;
    }
    for p in &doc.pain_points {
        if let Some(s) = p.severity
            && !(1..=5).contains(&s)
        {
            return Err(invalid(
                format!("pain point '{}'", p.id),
                format!("`severity` must be 1 to 5, got {s}"),
            ));
        }
    }
    for s in &doc.scenarios {
        for (i, change) in s.changes.iter().enumerate() {
            if let Change::Flow { value, .. } = change {
                let what = || format!("scenario '{}', change #{}", s.name, i + 1);
                validate_flow_value(what, *value)?;
            }
        }
    }
    Ok(())
}

/// Checks one node's id and numbers; also used for scenario changes to a node.
pub(crate) fn validate_node(node: &super::Node) -> Result<(), Invalid> {
    let what = || format!("node '{}'", node.id);
    if node.id.is_empty()
        || !node
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return Err(invalid(
            what(),
            "`id` may only use letters, digits, '_', '.' and '-'",
        ));
    }
    if let Some(e) = node.efficiency
        && !(e > 0.0 && e <= 1.0)
    {
        return Err(invalid(
            what(),
            format!("`efficiency` must be above 0 and at most 1, got {e}"),
        ));
    }
    in_unit_range(what, "certified", node.certified)?;
    for (key, v) in [
        ("lifetime", node.lifetime),
        ("lifetime_avg", node.lifetime_avg),
        ("intensity", node.intensity),
        ("intensity_avg", node.intensity_avg),
    ] {
        if let Some(v) = v
            && v <= 0.0
        {
            return Err(invalid(what(), format!("`{key}` must be above 0, got {v}")));
        }
    }
    if let Some(map) = &node.countries {
        for (c, s) in map {
            if !(0.0..=1.0).contains(s) {
                return Err(invalid(
                    what(),
                    format!("`countries` share of {c} must be in [0, 1], got {s}"),
                ));
            }
        }
    }
    Ok(())
}

fn validate_flow_value(what: impl Fn() -> String, value: FlowValue) -> Result<(), Invalid> {
    match value {
        FlowValue::Amount(a) => non_negative(what, "amount", Some(a)),
        FlowValue::Share(s) => in_unit_range(what, "share", Some(s)),
        FlowValue::Auto => Ok(()),
    }
}

fn non_negative(what: impl Fn() -> String, key: &str, v: Option<f64>) -> Result<(), Invalid> {
    match v {
        Some(v) if !(v >= 0.0 && v.is_finite()) => Err(invalid(
            what(),
            format!("`{key}` must not be negative, got {v}"),
        )),
        _ => Ok(()),
    }
}

fn in_unit_range(what: impl Fn() -> String, key: &str, v: Option<f64>) -> Result<(), Invalid> {
    match v {
        Some(v) if !(0.0..=1.0).contains(&v) => Err(invalid(
            what(),
            format!("`{key}` must be between 0 and 1, got {v}"),
        )),
        _ => Ok(()),
    }
}

fn check_unique<'a>(kind: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), Invalid> {
    let mut seen = HashMap::new();
    for (i, id) in ids.enumerate() {
        if let Some(first) = seen.insert(id, i) {
            return Err(invalid(
                format!("{kind} '{id}'"),
                format!("duplicate id (entries #{} and #{})", first + 1, i + 1),
            ));
        }
    }
    Ok(())
}
