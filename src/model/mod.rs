//! The map document (format v1): the serde types a map file is made of.
//! Unknown keys at every level are kept in `extra` so a save loses nothing.

pub mod country;
pub mod fragment;
pub mod levers;
pub mod pains;
mod scenario;
pub mod targets;
pub mod text;
pub mod validate;

pub use scenario::{ScenarioIssue, VALUE_FIELDS, apply_scenario, route_edit};
pub use targets::Target;
pub use validate::validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The newest format version this build reads and writes.
pub const FORMAT_VERSION: u64 = 1;

/// A whole map: the single source of truth for everything shown or computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub meta: Meta,
    pub nodes: Vec<Node>,
    pub flows: Vec<Flow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pain_points: Vec<PainPoint>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
    /// The years of the roadmap (indicators.md §9); defaults when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roadmap: Option<RoadmapYears>,
    /// Target rows (indicators.md §11).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    /// Top-level keys this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub basis: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_country: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Governance scores 0 (sound) – 10 (poor) replacing the built-in ones (§11).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub governance: BTreeMap<String, f64>,
    /// The EU CRM substitution index SI of supply risk (§11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substitution_index: Option<f64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Meta {
    /// Unit of every flow amount.
    pub fn unit(&self) -> &str {
        self.unit.as_deref().unwrap_or("t/yr")
    }

    pub fn substitution_index(&self) -> f64 {
        self.substitution_index.unwrap_or(1.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    Source,
    Process,
    Use,
    Recovery,
    Waste,
    Export,
}

impl NodeKind {
    pub const ALL: [NodeKind; 6] = [
        NodeKind::Source,
        NodeKind::Process,
        NodeKind::Use,
        NodeKind::Recovery,
        NodeKind::Waste,
        NodeKind::Export,
    ];

    /// Process, use and recovery nodes are mass-balanced.
    pub fn is_balanced(self) -> bool {
        matches!(self, NodeKind::Process | NodeKind::Use | NodeKind::Recovery)
    }

    /// Sources take no inflows.
    pub fn takes_inflows(self) -> bool {
        self != NodeKind::Source
    }

    /// Wastes and exports have no outflows.
    pub fn gives_outflows(self) -> bool {
        !matches!(self, NodeKind::Waste | NodeKind::Export)
    }

    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Source => "source",
            NodeKind::Process => "process",
            NodeKind::Use => "use",
            NodeKind::Recovery => "recovery",
            NodeKind::Waste => "waste",
            NodeKind::Export => "export",
        }
    }
}

/// Where a source's material comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceMaterial {
    #[default]
    Virgin,
    Recycled,
    Reused,
}

/// A use node's net addition to its in-use stock: a number, left to the solver, or set by
/// the stock model (its end-of-life outflow is the roadmap's for the base year,
/// indicators.md §1, §9).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StockChange {
    Fixed(f64),
    Auto,
    Dynamic,
}

impl Serialize for StockChange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            StockChange::Fixed(v) => s.serialize_f64(*v),
            StockChange::Auto => s.serialize_str("auto"),
            StockChange::Dynamic => s.serialize_str("dynamic"),
        }
    }
}

impl<'de> Deserialize<'de> for StockChange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = StockChange;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, \"auto\" or \"dynamic\"")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<StockChange, E> {
                Ok(StockChange::Fixed(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<StockChange, E> {
                Ok(StockChange::Fixed(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<StockChange, E> {
                Ok(StockChange::Fixed(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<StockChange, E> {
                if v == "auto" {
                    Ok(StockChange::Auto)
                } else if v == "dynamic" {
                    Ok(StockChange::Dynamic)
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Str(v), &self))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A stage of the value chain, or a place where material is used, recovered or lost.
///
/// Optional fields are `Option` so that a field written with its default value in a file
/// is written back the same way; the accessors give the defaults of format.md.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub label: String,
    pub kind: NodeKind,
    #[serde(default)]
    pub pos: [f64; 2],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<BTreeMap<String, f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supply: Option<SourceMaterial>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efficiency: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certified: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_avg: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity_avg: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock_change: Option<StockChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_model: Option<LifetimeModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_sd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weibull_shape: Option<f64>,
    /// `[until_year, rate]` pairs: the yearly growth of products entering use after the
    /// base year, up to and including `until_year`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demand_growth: Vec<(i32, f64)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_growth: Option<f64>,
    /// Known amounts entering use in given years (they replace the growth path there).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inflows: BTreeMap<i32, f64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The survival function of a use node's products (indicators.md §9).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LifetimeModel {
    #[default]
    Normal,
    Lognormal,
    Weibull,
    Fixed,
}

impl LifetimeModel {
    pub const ALL: [LifetimeModel; 4] = [
        LifetimeModel::Normal,
        LifetimeModel::Lognormal,
        LifetimeModel::Weibull,
        LifetimeModel::Fixed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LifetimeModel::Normal => "normal",
            LifetimeModel::Lognormal => "lognormal",
            LifetimeModel::Weibull => "weibull",
            LifetimeModel::Fixed => "fixed",
        }
    }
}

/// The map-level `roadmap` object: the first and last year projected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoadmapYears {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<i32>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Node {
    pub fn new(id: impl Into<String>, label: impl Into<String>, kind: NodeKind) -> Self {
        Node {
            id: id.into(),
            label: label.into(),
            kind,
            pos: [0.0, 0.0],
            stage: None,
            country: None,
            countries: None,
            supply: None,
            efficiency: None,
            certified: None,
            lifetime: None,
            lifetime_avg: None,
            intensity: None,
            intensity_avg: None,
            stock_change: None,
            lifetime_model: None,
            lifetime_sd: None,
            weibull_shape: None,
            demand_growth: Vec::new(),
            history_growth: None,
            inflows: BTreeMap::new(),
            notes: String::new(),
            extra: Map::new(),
        }
    }

    pub fn lifetime_model(&self) -> LifetimeModel {
        self.lifetime_model.unwrap_or_default()
    }

    /// Standard deviation of the lifetime: `lifetime_sd`, or 0.3 × `lifetime`.
    pub fn lifetime_sd(&self) -> Option<f64> {
        self.lifetime_sd.or(self.lifetime.map(|l| 0.3 * l))
    }

    pub fn history_growth(&self) -> f64 {
        self.history_growth.unwrap_or(0.0)
    }

    pub fn supply(&self) -> SourceMaterial {
        self.supply.unwrap_or_default()
    }

    /// Sources of recycled or reused material feed secondary material into the system.
    pub fn is_secondary_source(&self) -> bool {
        self.kind == NodeKind::Source && self.supply() != SourceMaterial::Virgin
    }

    pub fn efficiency(&self) -> f64 {
        self.efficiency.unwrap_or(1.0)
    }

    pub fn certified(&self) -> f64 {
        self.certified.unwrap_or(0.0)
    }

    pub fn stock_change(&self) -> StockChange {
        self.stock_change.unwrap_or(StockChange::Fixed(0.0))
    }

    /// Lifetime relative to the industry average (1 when no lifetime is given).
    pub fn lifetime_ratio(&self) -> f64 {
        match self.lifetime {
            Some(l) => l / self.lifetime_avg.unwrap_or(l),
            None => 1.0,
        }
    }

    /// Intensity of use relative to the industry average.
    pub fn intensity_ratio(&self) -> f64 {
        let u = self.intensity.unwrap_or(1.0);
        u / self.intensity_avg.unwrap_or(u)
    }

    /// Country shares of this node: `countries`, or all of `country`; empty when unknown.
    pub fn country_shares(&self) -> Vec<(&str, f64)> {
        if let Some(map) = &self.countries {
            map.iter().map(|(c, s)| (c.as_str(), *s)).collect()
        } else if let Some(c) = &self.country {
            vec![(c.as_str(), 1.0)]
        } else {
            Vec::new()
        }
    }
}

/// The reverse loop a flow belongs to, or `None` for a forward flow.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Loop {
    #[default]
    None,
    Maintain,
    Reuse,
    Remanufacture,
    Recycle,
}

impl Loop {
    /// The four reverse loops, innermost first.
    /// Every kind, the forward flow first.
    pub const ALL: [Loop; 5] = [
        Loop::None,
        Loop::Maintain,
        Loop::Reuse,
        Loop::Remanufacture,
        Loop::Recycle,
    ];

    pub const REVERSE: [Loop; 4] = [
        Loop::Maintain,
        Loop::Reuse,
        Loop::Remanufacture,
        Loop::Recycle,
    ];

    pub fn is_none(&self) -> bool {
        *self == Loop::None
    }

    pub fn name(self) -> &'static str {
        match self {
            Loop::None => "none",
            Loop::Maintain => "maintain",
            Loop::Reuse => "reuse",
            Loop::Remanufacture => "remanufacture",
            Loop::Recycle => "recycle",
        }
    }
}

/// How a flow's amount is given: fixed, a share of its source's outflow, or solved.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum FlowValue {
    #[default]
    Auto,
    Amount(f64),
    Share(f64),
}

impl FlowValue {
    fn from_keys(amount: Option<f64>, share: Option<f64>) -> Result<Self, String> {
        match (amount, share) {
            (Some(_), Some(_)) => Err("has both `amount` and `share`; keep one of them".into()),
            (Some(a), None) => Ok(FlowValue::Amount(a)),
            (None, Some(s)) => Ok(FlowValue::Share(s)),
            (None, None) => Ok(FlowValue::Auto),
        }
    }

    fn amount(self) -> Option<f64> {
        match self {
            FlowValue::Amount(a) => Some(a),
            _ => None,
        }
    }

    fn share(self) -> Option<f64> {
        match self {
            FlowValue::Share(s) => Some(s),
            _ => None,
        }
    }
}

/// Material moving from one node to another in one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FlowFile", into = "FlowFile")]
pub struct Flow {
    pub id: String,
    pub from: String,
    pub to: String,
    pub loop_kind: Loop,
    pub value: FlowValue,
    pub uncertainty: Option<f64>,
    /// Further figures for this flow's amount (indicators.md §10), reconciled with the rest.
    pub estimates: Vec<Estimate>,
    pub notes: String,
    pub extra: Map<String, Value>,
}

/// One more figure for a flow's amount: who gave it, from what, and how sure it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub amount: f64,
    /// Relative standard deviation (0.1 = ±10 %); above 0.
    pub uncertainty: f64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Who gave it, e.g. a stakeholder group.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub by: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Estimate {
    pub fn new(amount: f64, uncertainty: f64) -> Self {
        Estimate {
            amount,
            uncertainty,
            source: String::new(),
            by: String::new(),
            extra: Map::new(),
        }
    }
}

impl Flow {
    pub fn new(id: impl Into<String>, from: impl Into<String>, to: impl Into<String>) -> Self {
        Flow {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            loop_kind: Loop::None,
            value: FlowValue::Auto,
            uncertainty: None,
            estimates: Vec::new(),
            notes: String::new(),
            extra: Map::new(),
        }
    }

    /// The relative standard deviation of the flow's own amount or share, when it is a
    /// measurement (indicators.md §10): a value of 0 or an uncertainty of 0 is exact.
    pub fn measured_uncertainty(&self) -> Option<f64> {
        let value = match self.value {
            FlowValue::Amount(a) => a,
            FlowValue::Share(s) => s,
            FlowValue::Auto => return None,
        };
        self.uncertainty.filter(|&u| u > 0.0 && value > 0.0)
    }

    /// Whether the flow's amount is given exactly, so that its estimates are ignored.
    pub fn amount_is_exact(&self) -> bool {
        matches!(self.value, FlowValue::Amount(_)) && self.measured_uncertainty().is_none()
    }

    /// Whether anything about the flow is uncertain: its own value or an estimate that
    /// counts.
    pub fn is_uncertain(&self) -> bool {
        self.measured_uncertainty().is_some()
            || (!self.estimates.is_empty() && !self.amount_is_exact())
    }
}

/// A flow as written in a file: `amount` and `share` are two keys.
#[derive(Serialize, Deserialize)]
struct FlowFile {
    id: String,
    from: String,
    to: String,
    #[serde(rename = "loop", default, skip_serializing_if = "Loop::is_none")]
    loop_kind: Loop,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    share: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uncertainty: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    estimates: Vec<Estimate>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    notes: String,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl TryFrom<FlowFile> for Flow {
    type Error = String;
    fn try_from(f: FlowFile) -> Result<Self, String> {
        Ok(Flow {
            value: FlowValue::from_keys(f.amount, f.share)?,
            id: f.id,
            from: f.from,
            to: f.to,
            loop_kind: f.loop_kind,
            uncertainty: f.uncertainty,
            estimates: f.estimates,
            notes: f.notes,
            extra: f.extra,
        })
    }
}

impl From<Flow> for FlowFile {
    fn from(f: Flow) -> Self {
        FlowFile {
            amount: f.value.amount(),
            share: f.value.share(),
            id: f.id,
            from: f.from,
            to: f.to,
            loop_kind: f.loop_kind,
            uncertainty: f.uncertainty,
            estimates: f.estimates,
            notes: f.notes,
            extra: f.extra,
        }
    }
}

/// What a pain point is pinned on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    Map,
    Node(String),
    Flow(String),
}

impl Serialize for Anchor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Anchor::Map => s.serialize_str("map"),
            Anchor::Node(id) => s.serialize_str(&format!("node:{id}")),
            Anchor::Flow(id) => s.serialize_str(&format!("flow:{id}")),
        }
    }
}

impl<'de> Deserialize<'de> for Anchor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == "map" {
            Ok(Anchor::Map)
        } else if let Some(id) = text.strip_prefix("node:") {
            Ok(Anchor::Node(id.to_string()))
        } else if let Some(id) = text.strip_prefix("flow:") {
            Ok(Anchor::Flow(id.to_string()))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{text}` is not \"node:<id>\", \"flow:<id>\" or \"map\""
            )))
        }
    }
}

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    #[default]
    Technical,
    Behavioural,
    Economic,
    Regulatory,
    Environmental,
    Social,
    Supply,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PainStatus {
    #[default]
    Open,
    Addressed,
    Parked,
}

/// Something that keeps the chain linear or insecure, raised in a workshop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PainPoint {
    pub id: String,
    pub on: Anchor,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes: Option<u32>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub raised_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PainStatus>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// The pin's number, kept when other pain points go (`Document::pin_numbers`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PainPoint {
    pub fn category(&self) -> Category {
        self.category.unwrap_or_default()
    }
    pub fn severity(&self) -> u8 {
        self.severity.unwrap_or(3)
    }
    pub fn votes(&self) -> u32 {
        self.votes.unwrap_or(0)
    }
    pub fn status(&self) -> PainStatus {
        self.status.unwrap_or_default()
    }
}

/// A named what-if: changes applied on top of the map as saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub changes: Vec<Change>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One change of a scenario: a flow's value, or one field of a node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ChangeFile", into = "ChangeFile")]
pub enum Change {
    Flow {
        flow: String,
        value: FlowValue,
    },
    Node {
        node: String,
        field: String,
        value: Value,
    },
}

#[derive(Serialize, Deserialize)]
struct ChangeFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    flow: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    node: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    /// `null` is a value (the field's default), not a missing key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    share: Option<f64>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl TryFrom<ChangeFile> for Change {
    type Error = String;
    fn try_from(c: ChangeFile) -> Result<Self, String> {
        match (c.flow, c.node) {
            (Some(flow), None) => Ok(Change::Flow {
                flow,
                value: FlowValue::from_keys(c.amount, c.share)?,
            }),
            (None, Some(node)) => {
                let field = c.field.ok_or("a node change needs `field`")?;
                let value = c.value.ok_or("a node change needs `value`")?;
                Ok(Change::Node { node, field, value })
            }
            _ => Err("a change names exactly one of `flow` or `node`".into()),
        }
    }
}

impl From<Change> for ChangeFile {
    fn from(c: Change) -> Self {
        match c {
            Change::Flow { flow, value } => ChangeFile {
                flow: Some(flow),
                node: None,
                field: None,
                value: None,
                amount: value.amount(),
                share: value.share(),
            },
            Change::Node { node, field, value } => ChangeFile {
                flow: None,
                node: Some(node),
                field: Some(field),
                value: Some(value),
                amount: None,
                share: None,
            },
        }
    }
}

impl Document {
    /// An empty map.
    pub fn new(title: impl Into<String>) -> Self {
        Document {
            meta: Meta {
                title: title.into(),
                ..Meta::default()
            },
            nodes: Vec::new(),
            flows: Vec::new(),
            pain_points: Vec::new(),
            scenarios: Vec::new(),
            roadmap: None,
            targets: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Whether any figure of the map is uncertain, so that it is reconciled
    /// (indicators.md §10) rather than only solved.
    pub fn has_uncertainty(&self) -> bool {
        self.flows.iter().any(Flow::is_uncertain)
    }

    /// Position of each node in `nodes`, by id.
    pub fn node_index(&self) -> foldhash::HashMap<&str, usize> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect()
    }

    pub fn flow_index(&self) -> foldhash::HashMap<&str, usize> {
        self.flows
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.as_str(), i))
            .collect()
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn flow(&self, id: &str) -> Option<&Flow> {
        self.flows.iter().find(|f| f.id == id)
    }

    pub fn scenario(&self, name: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.name == name)
    }
}
