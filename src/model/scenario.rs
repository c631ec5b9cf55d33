//! Applying a scenario's changes over the baseline document.

use serde_json::Value;

use super::text::shown;
use super::{Change, Document, Node, validate::validate_node};

/// A change that could not be applied, with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioIssue {
    pub scenario: String,
    /// 1-based position of the change in the scenario's list.
    pub change: usize,
    pub problem: String,
}

impl std::fmt::Display for ScenarioIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "scenario '{}', change #{}: {}",
            shown(&self.scenario),
            self.change,
            self.problem
        )
    }
}

/// The baseline with every change of `scenario` applied; changes that name a missing id
/// or give a value of the wrong type are skipped and reported.
pub fn apply_scenario(
    baseline: &Document,
    scenario: &super::Scenario,
) -> (Document, Vec<ScenarioIssue>) {
    let mut doc = baseline.clone();
    let mut issues = Vec::new();
    for (i, change) in scenario.changes.iter().enumerate() {
        if let Err(problem) = apply_change(&mut doc, change) {
            issues.push(ScenarioIssue {
                scenario: scenario.name.clone(),
                change: i + 1,
                problem,
            });
        }
    }
    (doc, issues)
}

fn apply_change(doc: &mut Document, change: &Change) -> Result<(), String> {
    match change {
        Change::Flow { flow, value } => {
            let f = doc
                .flows
                .iter_mut()
                .find(|f| &f.id == flow)
                .ok_or_else(|| format!("no flow '{}' in the map", shown(flow)))?;
            f.value = *value;
            // The what-if says what the flow is; its estimates measure today's flow, so
            // they are not reconciled with the scenario's value (`route_edit` keeps them
            // in the baseline).
            f.estimates.clear();
            Ok(())
        }
        Change::Node { node, field, value } => {
            let n = doc
                .nodes
                .iter_mut()
                .find(|n| &n.id == node)
                .ok_or_else(|| format!("no node '{}' in the map", shown(node)))?;
            *n = with_field(n, field, value)?;
            Ok(())
        }
    }
}

/// The node with one field replaced, type-checked by the same rules as a file.
fn with_field(node: &Node, field: &str, value: &Value) -> Result<Node, String> {
    const STRUCTURE: [&str; 5] = ["label", "kind", "pos", "stage", "notes"];
    if !VALUE_FIELDS.contains(&field) && !STRUCTURE.contains(&field) {
        return Err(format!(
            "`{}` is not a node field a scenario can change",
            shown(field)
        ));
    }
    let mut object = match serde_json::to_value(node) {
        Ok(Value::Object(o)) => o,
        _ => return Err("node could not be written".into()),
    };
    // `null` is the field's default (what an absent key means), also for the lists.
    if value.is_null() {
        object.shift_remove(field);
    } else {
        object.insert(field.to_string(), value.clone());
    }
    let changed: Node = serde_json::from_value(Value::Object(object))
        .map_err(|e| format!("node '{}', `{field}`: {e}", node.id))?;
    validate_node(&changed).map_err(|e| e.to_string())?;
    Ok(changed)
}

/// Node fields that hold values a scenario changes; the others (label, kind, position,
/// stage, notes) are the map's structure.
pub const VALUE_FIELDS: [&str; 16] = [
    "country",
    "countries",
    "supply",
    "efficiency",
    "certified",
    "lifetime",
    "lifetime_avg",
    "intensity",
    "intensity_avg",
    "stock_change",
    "lifetime_model",
    "lifetime_sd",
    "weibull_shape",
    "demand_growth",
    "history_growth",
    "inflows",
];

/// Splits an edit made while scenario `name` is active. `edited` is the scenario's view
/// of the map (`apply_scenario`) after the edit. Returns the new baseline: the structure
/// from `edited` (nodes and flows added, removed, moved, renamed; pain points; meta), the
/// values of existing nodes and flows kept as they were in the baseline, and the value
/// differences recorded as changes of scenario `name` (a value edited back to the
/// baseline's drops its change; changes naming what the edit deleted go too).
pub fn route_edit(baseline: &Document, name: &str, mut edited: Document) -> Document {
    let Some(scenario) = baseline.scenario(name).cloned() else {
        return edited;
    };
    // The scenario's view before the edit: the baseline's nodes and flows in the same
    // order, so one index serves both.
    let (before, _) = apply_scenario(baseline, &scenario);
    let node_at = baseline.node_index();
    let flow_at = baseline.flow_index();
    let mut changes = scenario.changes.clone();
    let mut set = |target: Change, same_as_baseline: bool| {
        changes.retain(|c| !same_target(c, &target));
        if !same_as_baseline {
            changes.push(target);
        }
    };
    for node in &mut edited.nodes {
        let Some(&i) = node_at.get(node.id.as_str()) else {
            continue;
        };
        let (was, base) = (&before.nodes[i], &baseline.nodes[i]);
        if node == was && was == base {
            continue;
        }
        let (Ok(Value::Object(now)), Ok(Value::Object(was)), Ok(Value::Object(base))) = (
            serde_json::to_value(&*node),
            serde_json::to_value(was),
            serde_json::to_value(base),
        ) else {
            continue;
        };
        let mut restored = now.clone();
        for field in VALUE_FIELDS {
            let value = now.get(field).cloned().unwrap_or(Value::Null);
            if now.get(field) != was.get(field) {
                let same = now.get(field) == base.get(field);
                set(
                    Change::Node {
                        node: node.id.clone(),
                        field: field.to_string(),
                        value,
                    },
                    same,
                );
            }
            match base.get(field) {
                Some(v) => restored.insert(field.to_string(), v.clone()),
                None => restored.shift_remove(field),
            };
        }
        if let Ok(n) = serde_json::from_value::<Node>(Value::Object(restored)) {
            *node = n;
        }
    }
    for flow in &mut edited.flows {
        let Some(&i) = flow_at.get(flow.id.as_str()) else {
            continue;
        };
        let (was, base) = (&before.flows[i], &baseline.flows[i]);
        if flow.value != was.value {
            set(
                Change::Flow {
                    flow: flow.id.clone(),
                    value: flow.value,
                },
                flow.value == base.value,
            );
        }
        flow.value = base.value;
        // A scenario hides the estimates of the flows it sets: an edit that did not touch
        // them leaves the baseline's as they are.
        if flow.estimates == was.estimates {
            flow.estimates = base.estimates.clone();
        }
    }
    // Changes of what this edit deleted go; a change that named a missing id already is
    // kept (it is reported, never dropped silently).
    changes.retain(|c| match c {
        Change::Flow { flow, .. } => edited.flow(flow).is_some() || baseline.flow(flow).is_none(),
        Change::Node { node, .. } => edited.node(node).is_some() || baseline.node(node).is_none(),
    });
    if let Some(s) = edited.scenarios.iter_mut().find(|s| s.name == name) {
        s.changes = changes;
    }
    edited
}

fn same_target(a: &Change, b: &Change) -> bool {
    match (a, b) {
        (Change::Flow { flow: x, .. }, Change::Flow { flow: y, .. }) => x == y,
        (
            Change::Node {
                node: x, field: f, ..
            },
            Change::Node {
                node: y, field: g, ..
            },
        ) => x == y && f == g,
        _ => false,
    }
}

#[cfg(test)]
mod routing_tests {
    use super::*;
    use crate::model::{Flow, FlowValue, NodeKind, Scenario};

    fn map() -> Document {
        let mut doc = Document::new("t");
        let mut ev = Node::new("ev", "EV", NodeKind::Use);
        ev.lifetime = Some(12.0);
        doc.nodes = vec![Node::new("mine", "Mine", NodeKind::Source), ev];
        let mut f = Flow::new("f", "mine", "ev");
        f.value = FlowValue::Amount(100.0);
        doc.flows = vec![f];
        doc.scenarios = vec![Scenario {
            name: "Longer life".into(),
            description: String::new(),
            changes: vec![Change::Node {
                node: "ev".into(),
                field: "lifetime".into(),
                value: 18.0.into(),
            }],
            extra: Default::default(),
        }];
        doc
    }

    fn routed(doc: &Document, edit: impl FnOnce(&mut Document)) -> Document {
        let s = doc.scenario("Longer life").unwrap().clone();
        let (mut view, _) = apply_scenario(doc, &s);
        edit(&mut view);
        route_edit(doc, "Longer life", view)
    }

    #[test]
    fn value_edits_go_into_the_scenario_and_structure_into_the_baseline() {
        let doc = map();
        let after = routed(&doc, |d| {
            d.flows[0].value = FlowValue::Amount(150.0);
            d.nodes[1].pos = [300.0, 0.0];
            d.nodes[1].label = "EVs in use".into();
        });
        // Baseline: the amount is unchanged, the move and the label are taken.
        assert_eq!(after.flows[0].value, FlowValue::Amount(100.0));
        assert_eq!(after.nodes[1].pos, [300.0, 0.0]);
        assert_eq!(after.nodes[1].label, "EVs in use");
        assert_eq!(after.nodes[1].lifetime, Some(12.0));
        let changes = &after.scenarios[0].changes;
        assert_eq!(changes.len(), 2);
        assert!(changes.contains(&Change::Flow {
            flow: "f".into(),
            value: FlowValue::Amount(150.0)
        }));
    }

    #[test]
    fn editing_a_changed_value_replaces_its_change_and_back_to_baseline_drops_it() {
        let doc = map();
        let after = routed(&doc, |d| d.nodes[1].lifetime = Some(20.0));
        assert_eq!(
            after.scenarios[0].changes,
            [Change::Node {
                node: "ev".into(),
                field: "lifetime".into(),
                value: 20.0.into()
            }]
        );
        let back = routed(&after, |d| d.nodes[1].lifetime = Some(12.0));
        assert!(back.scenarios[0].changes.is_empty());
        assert_eq!(back.nodes[1].lifetime, Some(12.0));
    }

    #[test]
    fn a_change_naming_a_missing_id_is_kept_through_edits() {
        let mut doc = map();
        doc.scenarios[0].changes.push(Change::Flow {
            flow: "gone".into(),
            value: FlowValue::Auto,
        });
        let after = routed(&doc, |d| d.nodes[0].label = "Mines".into());
        assert_eq!(after.scenarios[0].changes.len(), 2);
    }

    #[test]
    fn deleting_a_node_drops_the_scenario_changes_that_name_it() {
        let doc = map();
        let after = routed(&doc, |d| {
            d.nodes.retain(|n| n.id != "ev");
            d.flows.clear();
        });
        assert!(after.node("ev").is_none());
        assert!(after.scenarios[0].changes.is_empty());
    }
}
