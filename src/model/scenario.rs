//! Applying a scenario's changes over the baseline document.

use serde_json::Value;

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
            self.scenario, self.change, self.problem
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
                .ok_or_else(|| format!("no flow '{flow}' in the map"))?;
            f.value = *value;
            Ok(())
        }
        Change::Node { node, field, value } => {
            let n = doc
                .nodes
                .iter_mut()
                .find(|n| &n.id == node)
                .ok_or_else(|| format!("no node '{node}' in the map"))?;
            *n = with_field(n, field, value)?;
            Ok(())
        }
    }
}

/// The node with one field replaced, type-checked by the same rules as a file.
fn with_field(node: &Node, field: &str, value: &Value) -> Result<Node, String> {
    const FIELDS: [&str; 15] = [
        "label",
        "kind",
        "pos",
        "stage",
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
        "notes",
    ];
    if !FIELDS.contains(&field) {
        return Err(format!(
            "`{field}` is not a node field a scenario can change"
        ));
    }
    let mut object = match serde_json::to_value(node) {
        Ok(Value::Object(o)) => o,
        _ => return Err("node could not be written".into()),
    };
    object.insert(field.to_string(), value.clone());
    let changed: Node = serde_json::from_value(Value::Object(object))
        .map_err(|e| format!("node '{}', `{field}`: {e}", node.id))?;
    validate_node(&changed).map_err(|e| e.to_string())?;
    Ok(changed)
}
