//! Levers: numeric fields pinned by the facilitator to move with a slider in a what-if
//! (a flow's amount or share, a node's lifetime, efficiency, certified share, stock
//! change…). Kept in the map file under the top-level key `levers`, which format v1
//! readers keep as an unknown key, so a map carries its levers to the next workshop.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::text::shown;
use super::{Change, Document, FlowValue, Node, NodeKind, StockChange};

/// What a lever moves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Lever {
    Flow { flow: String },
    Node { node: String, field: String },
}

/// Numeric node fields a lever can move, by node kind.
pub fn lever_fields(kind: NodeKind) -> &'static [&'static str] {
    match kind {
        NodeKind::Use => &[
            "lifetime",
            "lifetime_avg",
            "intensity",
            "intensity_avg",
            "stock_change",
            "lifetime_sd",
            "weibull_shape",
            "history_growth",
        ],
        NodeKind::Source => &["certified", "efficiency"],
        _ => &[],
    }
}

/// Every field a lever can move on `node`: those of its kind, and the rate of each
/// `demand_growth` pair as `demand_growth[i]` (0-based).
pub fn node_lever_fields(node: &Node) -> Vec<String> {
    let mut out: Vec<String> = lever_fields(node.kind)
        .iter()
        .map(|f| f.to_string())
        .collect();
    if node.kind == NodeKind::Use {
        out.extend((0..node.demand_growth.len()).map(|i| format!("demand_growth[{i}]")));
    }
    out
}

/// The pair index of a `demand_growth[i]` lever field.
fn growth_index(field: &str) -> Option<usize> {
    field
        .strip_prefix("demand_growth[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

const KEY: &str = "levers";

/// The map's levers, skipping entries it cannot read.
pub fn levers(doc: &Document) -> Vec<Lever> {
    match doc.extra.get(KEY) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| serde_json::from_value(v.clone()).ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// What is wrong with the map's levers, one line each: an entry that is not a lever, or a
/// lever naming a flow, node or field the map does not have. Such levers are kept in the
/// file (a later edit may bring the flow back) but move nothing.
pub fn problems(doc: &Document) -> Vec<String> {
    let items = match doc.extra.get(KEY) {
        None => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => return vec!["`levers` is not a list: no lever is used".into()],
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let Ok(lever) = serde_json::from_value::<Lever>(item.clone()) else {
            out.push(format!(
                "lever #{n} is neither {{\"flow\": id}} nor {{\"node\": id, \"field\": name}}"
            ));
            continue;
        };
        match &lever {
            Lever::Flow { flow } if doc.flow(flow).is_none() => {
                out.push(format!("lever #{n}: no flow '{}' in the map", shown(flow)));
            }
            Lever::Node { node, field } => match doc.node(node) {
                None => out.push(format!("lever #{n}: no node '{}' in the map", shown(node))),
                Some(nd) if !node_lever_fields(nd).contains(field) => {
                    let fields = lever_fields(nd.kind);
                    let known = if fields.is_empty() {
                        format!("a {} node has none", nd.kind.name())
                    } else {
                        format!("a {} node has {}", nd.kind.name(), fields.join(", "))
                    };
                    out.push(format!(
                        "lever #{n}: node '{}' has no field `{}` a lever can move ({known})",
                        shown(node),
                        shown(field)
                    ));
                }
                Some(_) => {}
            },
            Lever::Flow { .. } => {}
        }
    }
    out
}

pub fn set_levers(doc: &mut Document, levers: &[Lever]) {
    if levers.is_empty() {
        doc.extra.shift_remove(KEY);
    } else if let Ok(v) = serde_json::to_value(levers) {
        doc.extra.insert(KEY.to_string(), v);
    }
}

impl Lever {
    /// Whether the lever moves only the roadmap (a lifetime spread or a growth rate):
    /// the map of one year, and so its indicators, stay as they are.
    pub fn roadmap_only(&self) -> bool {
        matches!(self, Lever::Node { field, .. }
            if matches!(field.as_str(), "lifetime_sd" | "weibull_shape" | "history_growth")
                || growth_index(field).is_some())
    }

    /// `EV traction motors · lifetime`, `f_collect (share)`.
    pub fn describe(&self, doc: &Document) -> String {
        match self {
            Lever::Flow { flow } => match doc.flow(flow) {
                Some(f) => {
                    let name = |id: &str| doc.node(id).map_or(id.to_string(), |n| n.label.clone());
                    let what = match f.value {
                        FlowValue::Share(_) => "share",
                        _ => "amount",
                    };
                    format!("{} -> {} ({what})", name(&f.from), name(&f.to))
                }
                None => format!("flow '{flow}' (not in the map)"),
            },
            Lever::Node { node, field } => match doc.node(node) {
                Some(n) => match growth_index(field).and_then(|i| n.demand_growth.get(i)) {
                    Some((until, _)) => format!("{} · demand growth to {until}", n.label),
                    None => format!("{} · {}", n.label, field.replace('_', " ")),
                },
                None => format!("node '{node}' (not in the map)"),
            },
        }
    }

    /// The lever's value in `doc`: a flow's amount or share, a node field's number.
    pub fn value(&self, doc: &Document) -> Option<f64> {
        match self {
            Lever::Flow { flow } => match doc.flow(flow)?.value {
                FlowValue::Amount(a) => Some(a),
                FlowValue::Share(s) => Some(s),
                FlowValue::Auto => None,
            },
            Lever::Node { node, field } => node_number(doc.node(node)?, field),
        }
    }

    /// Sets the lever's value in `doc` (a share is kept within [0, 1], other values
    /// above 0 or, for a stock change, anything).
    pub fn set(&self, doc: &mut Document, v: f64) {
        match self {
            Lever::Flow { flow } => {
                if let Some(f) = doc.flows.iter_mut().find(|f| &f.id == flow) {
                    f.value = match f.value {
                        FlowValue::Share(_) => FlowValue::Share(v.clamp(0.0, 1.0)),
                        _ => FlowValue::Amount(v.max(0.0)),
                    };
                }
            }
            Lever::Node { node, field } => {
                if let Some(n) = doc.nodes.iter_mut().find(|n| &n.id == node) {
                    set_node_number(n, field, v);
                }
            }
        }
    }

    /// Moves the lever to `v` in scenario `name`'s view of `doc`, the move recorded as a
    /// change of the scenario: what `set` on the view and `route_edit` give, without
    /// applying the whole scenario for a flow's lever (a drag step is one change).
    pub fn set_in_scenario(&self, doc: &mut Document, name: &str, v: f64) {
        let Lever::Flow { flow } = self else {
            let Some(scenario) = doc.scenario(name) else {
                return;
            };
            let (mut view, _) = super::apply_scenario(doc, scenario);
            self.set(&mut view, v);
            *doc = super::route_edit(doc, name, view);
            return;
        };
        let Some(base) = doc.flow(flow).map(|f| f.value) else {
            return;
        };
        let Some(scenario) = doc.scenarios.iter_mut().find(|s| s.name == name) else {
            return;
        };
        let same_flow = |c: &Change| matches!(c, Change::Flow { flow: f, .. } if f == flow);
        // The view's value: the scenario's last change of the flow, else the baseline's.
        let shown = scenario
            .changes
            .iter()
            .rev()
            .find_map(|c| match c {
                Change::Flow { flow: f, value } if f == flow => Some(*value),
                _ => None,
            })
            .unwrap_or(base);
        let value = match shown {
            FlowValue::Share(_) => FlowValue::Share(v.clamp(0.0, 1.0)),
            _ => FlowValue::Amount(v.max(0.0)),
        };
        if value == shown {
            return;
        }
        scenario.changes.retain(|c| !same_flow(c));
        if value != base {
            scenario.changes.push(Change::Flow {
                flow: flow.clone(),
                value,
            });
        }
    }

    /// Slider range around the baseline value `base`.
    pub fn range(&self, doc: &Document, base: f64) -> (f64, f64) {
        let share = match self {
            Lever::Flow { flow } => {
                matches!(doc.flow(flow).map(|f| f.value), Some(FlowValue::Share(_)))
            }
            Lever::Node { field, .. } => field == "certified" || field == "efficiency",
        };
        let rate = matches!(self, Lever::Node { field, .. }
            if field == "history_growth" || growth_index(field).is_some());
        if share {
            (0.0, 1.0)
        } else if rate {
            (-0.1, (base.abs() * 3.0).max(0.3))
        } else if matches!(self, Lever::Node { field, .. } if field == "stock_change") {
            let span = base.abs().max(1.0) * 2.0;
            (-span, span)
        } else {
            (0.0, (base * 3.0).max(1.0))
        }
    }
}

fn node_number(n: &Node, field: &str) -> Option<f64> {
    match field {
        "lifetime" => n.lifetime,
        "lifetime_avg" => n.lifetime_avg.or(n.lifetime),
        "intensity" => Some(n.intensity.unwrap_or(1.0)),
        "intensity_avg" => Some(n.intensity_avg.or(n.intensity).unwrap_or(1.0)),
        "stock_change" => match n.stock_change() {
            StockChange::Fixed(v) => Some(v),
            StockChange::Auto | StockChange::Dynamic => None,
        },
        "certified" => Some(n.certified()),
        "efficiency" => Some(n.efficiency()),
        "lifetime_sd" => n.lifetime_sd(),
        "weibull_shape" => n.weibull_shape,
        "history_growth" => Some(n.history_growth()),
        _ => n.demand_growth.get(growth_index(field)?).map(|g| g.1),
    }
}

fn set_node_number(n: &mut Node, field: &str, v: f64) {
    let positive = v.max(1e-6);
    match field {
        "lifetime" => n.lifetime = Some(positive),
        "lifetime_avg" => n.lifetime_avg = Some(positive),
        "intensity" => n.intensity = Some(positive),
        "intensity_avg" => n.intensity_avg = Some(positive),
        "stock_change" => n.stock_change = Some(StockChange::Fixed(v)),
        "certified" => n.certified = Some(v.clamp(0.0, 1.0)),
        "efficiency" => n.efficiency = Some(v.clamp(1e-6, 1.0)),
        "lifetime_sd" => n.lifetime_sd = Some(positive),
        "weibull_shape" => n.weibull_shape = Some(positive),
        // A growth rate stays above -1 (the file refuses -1 and below).
        "history_growth" => n.history_growth = Some(v.max(-0.99)),
        _ => {
            if let Some(g) = growth_index(field).and_then(|i| n.demand_growth.get_mut(i)) {
                g.1 = v.max(-0.99);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Flow;

    /// A lever moved in a scenario gives the map that editing the scenario's view and
    /// routing the edit gives, step by step (values, the baseline's value, out of range,
    /// the same value again), for a flow's amount and share and a node's field.
    #[test]
    fn a_lever_moved_in_a_scenario_routes_as_an_edit_of_its_view() {
        use crate::model::{Flow, Scenario, apply_scenario, route_edit};
        let mut doc = Document::new("t");
        let mut ev = Node::new("ev", "EV", NodeKind::Use);
        ev.lifetime = Some(12.0);
        doc.nodes = vec![Node::new("m", "M", NodeKind::Source), ev];
        let mut amount = Flow::new("a", "m", "ev");
        amount.value = FlowValue::Amount(100.0);
        let mut share = Flow::new("s", "ev", "m");
        share.value = FlowValue::Share(0.3);
        doc.flows = vec![amount, share];
        doc.scenarios = vec![Scenario {
            name: "what if".into(),
            description: String::new(),
            changes: vec![
                Change::Flow {
                    flow: "s".into(),
                    value: FlowValue::Share(0.5),
                },
                Change::Node {
                    node: "ev".into(),
                    field: "lifetime".into(),
                    value: 15.0.into(),
                },
            ],
            extra: Default::default(),
        }];
        let levers = [
            Lever::Flow { flow: "a".into() },
            Lever::Flow { flow: "s".into() },
            Lever::Node {
                node: "ev".into(),
                field: "lifetime".into(),
            },
        ];
        let steps = [120.0, 120.0, 100.0, 0.5, 0.3, 1.7, -4.0, 12.0, 20.0];
        let mut moved = 0;
        for lever in &levers {
            for v in steps {
                let scenario = doc.scenario("what if").unwrap().clone();
                let (mut view, _) = apply_scenario(&doc, &scenario);
                lever.set(&mut view, v);
                let routed = route_edit(&doc, "what if", view);
                let mut fast = doc.clone();
                lever.set_in_scenario(&mut fast, "what if", v);
                assert_eq!(fast, routed, "{lever:?} to {v}");
                moved += usize::from(fast != doc);
                doc = fast;
            }
        }
        assert!(moved >= 10, "the steps moved the scenario ({moved})");
    }

    #[test]
    fn levers_round_trip_through_the_file_and_move_values_within_range() {
        let mut doc = Document::new("t");
        let mut ev = Node::new("ev", "EV", NodeKind::Use);
        ev.lifetime = Some(12.0);
        doc.nodes.push(ev);
        doc.nodes.push(Node::new("m", "M", NodeKind::Source));
        let mut f = Flow::new("f", "m", "ev");
        f.value = FlowValue::Share(0.3);
        doc.flows.push(f);
        let list = vec![
            Lever::Flow { flow: "f".into() },
            Lever::Node {
                node: "ev".into(),
                field: "lifetime".into(),
            },
        ];
        set_levers(&mut doc, &list);
        let text = crate::io::to_canonical_string(&doc);
        let back = crate::io::parse(&text).unwrap();
        assert_eq!(levers(&back), list);
        assert_eq!(list[0].value(&doc), Some(0.3));
        assert_eq!(list[0].range(&doc, 0.3), (0.0, 1.0));
        list[0].set(&mut doc, 1.7);
        assert_eq!(doc.flows[0].value, FlowValue::Share(1.0));
        assert_eq!(list[1].range(&doc, 12.0), (0.0, 36.0));
        list[1].set(&mut doc, 18.0);
        assert_eq!(doc.nodes[0].lifetime, Some(18.0));
        assert_eq!(list[1].describe(&doc), "EV · lifetime");
    }
}
