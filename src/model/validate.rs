//! Refusals on load (format.md "Refused on load"): what a map must satisfy to be opened.
//! Everything odd but representable passes here and is reported by `analysis::diagnostics`.

use foldhash::{HashMap, HashMapExt, HashSet};

use serde_json::{Map, Value};

use super::text::{code_point, first_refused, shown};
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

/// `node 'mine'`: an item named by its id, quoted safely however long or odd the id.
fn named(kind: &str, id: &str) -> String {
    format!("{kind} '{}'", shown(id))
}

/// Checks identifiers, references, number ranges and text of a whole document.
pub fn validate(doc: &Document) -> Result<(), Invalid> {
    check_texts(doc)?;
    check_unique("node", doc.nodes.iter().map(|n| n.id.as_str()))?;
    check_unique("flow", doc.flows.iter().map(|f| f.id.as_str()))?;
    check_unique("pain point", doc.pain_points.iter().map(|p| p.id.as_str()))?;
    check_unique("scenario", doc.scenarios.iter().map(|s| s.name.as_str()))?;
    for node in &doc.nodes {
        validate_node(node)?;
    }
    validate_governance(&doc.meta)?;
    for target in &doc.targets {
        let what = || named("target", &target.name);
        let bound = target.bound;
        in_unit_range(what, bound.key(), Some(bound.value()))?;
    }
    if let Some(r) = &doc.roadmap
        && let (Some(start), Some(end)) = (r.start, r.end)
        && start > end
    {
        return Err(invalid(
            "roadmap",
            format!("`start` ({start}) must not be after `end` ({end})"),
        ));
    }
    let node_ids: HashSet<&str> = doc.nodes.iter().map(|n| n.id.as_str()).collect();
    for flow in &doc.flows {
        let what = || named("flow", &flow.id);
        for (key, id) in [("from", &flow.from), ("to", &flow.to)] {
            if !node_ids.contains(id.as_str()) {
                return Err(invalid(
                    what(),
                    format!("`{key}` names no node: '{}'", shown(id)),
                ));
            }
        }
        if flow.from == flow.to {
            return Err(invalid(
                what(),
                format!("`from` and `to` are the same node '{}'", shown(&flow.from)),
            ));
        }
        validate_flow_value(what, flow.value)?;
        non_negative(what, "uncertainty", flow.uncertainty)?;
        validate_estimates(what, &flow.estimates)?;
    }
    for p in &doc.pain_points {
        if let Some(s) = p.severity
            && !(1..=5).contains(&s)
        {
            return Err(invalid(
                named("pain point", &p.id),
                format!("`severity` must be 1 to 5, got {s}"),
            ));
        }
        if p.number == Some(0) {
            return Err(invalid(
                named("pain point", &p.id),
                "`number` must be 1 or more, got 0".to_string(),
            ));
        }
    }
    for s in &doc.scenarios {
        for (i, change) in s.changes.iter().enumerate() {
            if let Change::Flow { value, .. } = change {
                let what = || format!("{}, change #{}", named("scenario", &s.name), i + 1);
                validate_flow_value(what, *value)?;
            }
        }
    }
    Ok(())
}

/// The scores and the substitution index of indicators.md §11.
fn validate_governance(meta: &super::Meta) -> Result<(), Invalid> {
    for (country, &score) in &meta.governance {
        if !(0.0..=10.0).contains(&score) {
            return Err(invalid(
                "meta",
                format!(
                    "`governance` score of {} must be between 0 (sound) and 10 (poor), got {score}",
                    shown(country)
                ),
            ));
        }
    }
    if let Some(si) = meta.substitution_index
        && !(si > 0.0 && si <= 1.0)
    {
        return Err(invalid(
            "meta",
            format!("`substitution_index` must be above 0 and at most 1, got {si}"),
        ));
    }
    Ok(())
}

/// Checks one node's id and numbers; also used for scenario changes to a node.
pub(crate) fn validate_node(node: &super::Node) -> Result<(), Invalid> {
    let what = || named("node", &node.id);
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
    check_roadmap_fields(node, what)?;
    if let Some(map) = &node.countries {
        for (c, s) in map {
            if !(0.0..=1.0).contains(s) {
                return Err(invalid(
                    what(),
                    format!(
                        "`countries` share of {} must be in [0, 1], got {s}",
                        shown(c)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The fields of a use node's roadmap (indicators.md §9): lifetime spread, growth paths
/// and known inflows.
fn check_roadmap_fields(node: &super::Node, what: impl Fn() -> String) -> Result<(), Invalid> {
    for (key, v) in [
        ("lifetime_sd", node.lifetime_sd),
        ("weibull_shape", node.weibull_shape),
    ] {
        if let Some(v) = v
            && !(v > 0.0 && v.is_finite())
        {
            return Err(invalid(what(), format!("`{key}` must be above 0, got {v}")));
        }
    }
    if node.lifetime_model == Some(super::LifetimeModel::Weibull) && node.weibull_shape.is_none() {
        return Err(invalid(
            what(),
            "`lifetime_model` is \"weibull\" but `weibull_shape` is missing; give the \
             Weibull shape k (e.g. 2.5)",
        ));
    }
    let mut previous: Option<i32> = None;
    for (i, &(until, rate)) in node.demand_growth.iter().enumerate() {
        if let Some(p) = previous
            && until <= p
        {
            return Err(invalid(
                what(),
                format!(
                    "`demand_growth` years must increase: pair #{} ({until}) comes after {p}",
                    i + 1
                ),
            ));
        }
        previous = Some(until);
        if !(rate > -1.0 && rate.is_finite()) {
            return Err(invalid(
                what(),
                format!(
                    "`demand_growth` pair #{} ({until}): the rate must be above -1, got {rate}",
                    i + 1
                ),
            ));
        }
    }
    if let Some(h) = node.history_growth
        && !(h > -1.0 && h.is_finite())
    {
        return Err(invalid(
            what(),
            format!("`history_growth` must be above -1, got {h}"),
        ));
    }
    for (year, &v) in &node.inflows {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(invalid(
                what(),
                format!("`inflows` of {year} must not be negative, got {v}"),
            ));
        }
    }
    Ok(())
}

/// Each estimate is a positive amount with a positive uncertainty (format.md, flow
/// `estimates`), counted from 1 as the user counts them.
fn validate_estimates(
    what: impl Fn() -> String,
    estimates: &[super::Estimate],
) -> Result<(), Invalid> {
    for (i, e) in estimates.iter().enumerate() {
        for (key, v) in [("amount", e.amount), ("uncertainty", e.uncertainty)] {
            if !(v > 0.0 && v.is_finite()) {
                return Err(invalid(
                    what(),
                    format!("estimate #{}: `{key}` must be above 0, got {v}", i + 1),
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
                named(kind, id),
                format!("duplicate id (entries #{} and #{})", first + 1, i + 1),
            ));
        }
    }
    Ok(())
}

/// Refuses a control character (but tab and newline) or a noncharacter in any text of the
/// map, known keys and unknown ones alike, naming the item and the key.
fn check_texts(doc: &Document) -> Result<(), Invalid> {
    let m = &doc.meta;
    let meta = || "meta".to_string();
    for (key, text) in [
        ("title", m.title.as_str()),
        ("unit", m.unit.as_deref().unwrap_or_default()),
        ("basis", &m.basis),
        (
            "home_country",
            m.home_country.as_deref().unwrap_or_default(),
        ),
        ("description", &m.description),
    ] {
        text_ok(meta, key, text)?;
    }
    for (i, source) in m.sources.iter().enumerate() {
        text_ok(meta, &format!("sources[{i}]"), source)?;
    }
    extra_ok(meta, &m.extra)?;
    for n in &doc.nodes {
        let what = || named("node", &n.id);
        text_ok(what, "id", &n.id)?;
        for (key, text) in [
            ("label", n.label.as_str()),
            ("stage", n.stage.as_deref().unwrap_or_default()),
            ("country", n.country.as_deref().unwrap_or_default()),
            ("notes", &n.notes),
        ] {
            text_ok(what, key, text)?;
        }
        for country in n.countries.iter().flat_map(|c| c.keys()) {
            key_name_ok(what, "countries", country)?;
        }
        extra_ok(what, &n.extra)?;
    }
    for f in &doc.flows {
        let what = || named("flow", &f.id);
        for (key, text) in [("id", &f.id), ("from", &f.from), ("to", &f.to)] {
            text_ok(what, key, text)?;
        }
        text_ok(what, "notes", &f.notes)?;
        for (i, e) in f.estimates.iter().enumerate() {
            text_ok(what, &format!("estimates[{i}].source"), &e.source)?;
            text_ok(what, &format!("estimates[{i}].by"), &e.by)?;
            extra_ok(what, &e.extra)?;
        }
        extra_ok(what, &f.extra)?;
    }
    for p in &doc.pain_points {
        let what = || named("pain point", &p.id);
        let on = match &p.on {
            super::Anchor::Map => "",
            super::Anchor::Node(id) | super::Anchor::Flow(id) => id,
        };
        for (key, text) in [
            ("id", p.id.as_str()),
            ("on", on),
            ("title", &p.title),
            ("raised_by", &p.raised_by),
            ("notes", &p.notes),
        ] {
            text_ok(what, key, text)?;
        }
        extra_ok(what, &p.extra)?;
    }
    for s in &doc.scenarios {
        let what = || named("scenario", &s.name);
        text_ok(what, "name", &s.name)?;
        text_ok(what, "description", &s.description)?;
        for (i, change) in s.changes.iter().enumerate() {
            let key = |k: &str| format!("changes[{i}].{k}");
            match change {
                Change::Flow { flow, .. } => text_ok(what, &key("flow"), flow)?,
                Change::Node { node, field, value } => {
                    text_ok(what, &key("node"), node)?;
                    text_ok(what, &key("field"), field)?;
                    value_ok(what, key("value"), value)?;
                }
            }
        }
        extra_ok(what, &s.extra)?;
    }
    if let Some(r) = &doc.roadmap {
        extra_ok(|| "roadmap".to_string(), &r.extra)?;
    }
    for country in m.governance.keys() {
        key_name_ok(meta, "governance", country)?;
    }
    for t in &doc.targets {
        let what = || named("target", &t.name);
        for (key, text) in [
            ("name", t.name.as_str()),
            ("home", t.home.as_deref().unwrap_or_default()),
            ("source", &t.source),
        ] {
            text_ok(what, key, text)?;
        }
        if let Some(super::targets::Stages::List(stages)) = &t.stages {
            for (i, stage) in stages.iter().enumerate() {
                text_ok(what, &format!("stages[{i}]"), stage)?;
            }
        }
        extra_ok(what, &t.extra)?;
    }
    extra_ok(|| "the map".to_string(), &doc.extra)
}

fn text_ok(what: impl Fn() -> String, key: &str, text: &str) -> Result<(), Invalid> {
    field_ok(what, || format!("`{}`", shown(key)), text)
}

/// The name of a key, in an object at `path` (empty at an item's top).
fn key_name_ok(what: impl Fn() -> String, path: &str, key: &str) -> Result<(), Invalid> {
    let field = || {
        if path.is_empty() {
            "a key's name".to_string()
        } else {
            format!("a key's name in `{}`", shown(path))
        }
    };
    field_ok(what, field, key)
}

/// The field is named only when its text is refused: every text of a map is checked,
/// and naming each one would cost more than the check.
fn field_ok(
    what: impl Fn() -> String,
    field: impl Fn() -> String,
    text: &str,
) -> Result<(), Invalid> {
    match first_refused(text) {
        None => Ok(()),
        Some((at, c)) => Err(invalid(
            what(),
            format!(
                "{} holds the control character or noncharacter {} at character {at}; \
                 remove it (such a map could not be exported as valid SVG or shown safely \
                 in a terminal)",
                field(),
                code_point(c)
            ),
        )),
    }
}

/// Unknown keys are kept and written back, so their text must be safe too.
fn extra_ok(what: impl Fn() -> String, extra: &Map<String, Value>) -> Result<(), Invalid> {
    for (key, value) in extra {
        key_name_ok(&what, "", key)?;
        value_ok(&what, key.clone(), value)?;
    }
    Ok(())
}

/// Walks a JSON value without recursion, naming the key path of a refused text.
fn value_ok(what: impl Fn() -> String, path: String, value: &Value) -> Result<(), Invalid> {
    let mut stack = vec![(path, value)];
    while let Some((path, value)) = stack.pop() {
        match value {
            Value::String(text) => text_ok(&what, &path, text)?,
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((format!("{path}[{i}]"), item));
                }
            }
            Value::Object(map) => {
                for (key, item) in map.iter().rev() {
                    key_name_ok(&what, &path, key)?;
                    stack.push((format!("{path}.{key}"), item));
                }
            }
            _ => {}
        }
    }
    Ok(())
}
