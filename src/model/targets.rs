//! Target rows of a map (format.md `targets`, indicators.md §11): a measure, the stages it
//! reads, a threshold (`min` or `max`) and the year it is due, with where it comes from.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What a target row measures: a share of demand (indicators.md §11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    DomesticShare,
    TopForeignShare,
    RecyclingShare,
}

impl Measure {
    pub const ALL: [Measure; 3] = [
        Measure::DomesticShare,
        Measure::TopForeignShare,
        Measure::RecyclingShare,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Measure::DomesticShare => "domestic_share",
            Measure::TopForeignShare => "top_foreign_share",
            Measure::RecyclingShare => "recycling_share",
        }
    }

    /// Whether the measure is read stage by stage (recycling is one figure for the map).
    pub fn by_stage(self) -> bool {
        self != Measure::RecyclingShare
    }
}

/// Which stages a row reads: every stage with provenance, or the ones named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stages {
    All,
    List(Vec<String>),
}

impl Serialize for Stages {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Stages::All => s.serialize_str("all"),
            Stages::List(list) => list.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Stages {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Word(String),
            List(Vec<String>),
        }
        match Either::deserialize(d).map_err(|_| {
            serde::de::Error::custom("`stages` must be a list of stage names or \"all\"")
        })? {
            Either::Word(w) if w == "all" => Ok(Stages::All),
            Either::Word(w) => Err(serde::de::Error::custom(format!(
                "`stages` must be a list of stage names or \"all\", got \"{w}\""
            ))),
            Either::List(list) => Ok(Stages::List(list)),
        }
    }
}

/// How the stages of a row combine: every stage must meet it, or one is enough.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    All,
    Any,
}

/// The threshold of a row: at least (`min`) or at most (`max`) a share.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    Min(f64),
    Max(f64),
}

impl Bound {
    pub fn value(self) -> f64 {
        match self {
            Bound::Min(v) | Bound::Max(v) => v,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Bound::Min(_) => "min",
            Bound::Max(_) => "max",
        }
    }

    /// Whether `value` meets the threshold.
    pub fn met_by(self, value: f64) -> bool {
        match self {
            Bound::Min(t) => value >= t,
            Bound::Max(t) => value <= t,
        }
    }

    /// How far `value` is from the threshold in the direction that matters: positive
    /// while the row is not met, 0 or below once it is.
    pub fn gap(self, value: f64) -> f64 {
        match self {
            Bound::Min(t) => t - value,
            Bound::Max(t) => value - t,
        }
    }

    /// Of two values, the one nearer meeting the threshold.
    pub fn better(self, a: f64, b: f64) -> f64 {
        match self {
            Bound::Min(_) => a.max(b),
            Bound::Max(_) => a.min(b),
        }
    }

    /// Of two values, the one farther from meeting the threshold.
    pub fn worse(self, a: f64, b: f64) -> f64 {
        match self {
            Bound::Min(_) => a.min(b),
            Bound::Max(_) => a.max(b),
        }
    }
}

/// One target: e.g. "at most 60 % from any one country by 2035".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TargetFile", into = "TargetFile")]
pub struct Target {
    pub name: String,
    pub measure: Measure,
    /// `None`: not written in the file (every stage with provenance).
    pub stages: Option<Stages>,
    /// `None`: not written in the file (the default, `all`).
    pub mode: Option<Mode>,
    pub bound: Bound,
    pub year: Option<i32>,
    /// The home this row reads shares for, instead of `meta.home_country`.
    pub home: Option<String>,
    pub source: String,
    pub extra: Map<String, Value>,
}

impl Target {
    pub fn mode(&self) -> Mode {
        self.mode.unwrap_or_default()
    }

    pub fn stages(&self) -> &Stages {
        self.stages.as_ref().unwrap_or(&Stages::All)
    }
}

/// A target row as written in a file: `min` and `max` are two keys.
#[derive(Serialize, Deserialize)]
struct TargetFile {
    name: String,
    measure: Measure,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stages: Option<Stages>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mode: Option<Mode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    home: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    source: String,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl TryFrom<TargetFile> for Target {
    type Error = String;
    fn try_from(t: TargetFile) -> Result<Self, String> {
        let bound = match (t.min, t.max) {
            (Some(_), Some(_)) => {
                return Err("has both `min` and `max`; keep one of them".into());
            }
            (Some(v), None) => Bound::Min(v),
            (None, Some(v)) => Bound::Max(v),
            (None, None) => return Err("needs a threshold: `min` or `max`".into()),
        };
        Ok(Target {
            name: t.name,
            measure: t.measure,
            stages: t.stages,
            mode: t.mode,
            bound,
            year: t.year,
            home: t.home,
            source: t.source,
            extra: t.extra,
        })
    }
}

impl From<Target> for TargetFile {
    fn from(t: Target) -> Self {
        let (min, max) = match t.bound {
            Bound::Min(v) => (Some(v), None),
            Bound::Max(v) => (None, Some(v)),
        };
        TargetFile {
            name: t.name,
            measure: t.measure,
            stages: t.stages,
            mode: t.mode,
            min,
            max,
            year: t.year,
            home: t.home,
            source: t.source,
            extra: t.extra,
        }
    }
}
