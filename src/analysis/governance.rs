//! Governance-weighted supply risk (indicators.md §11): a governance score per country
//! (the World Bank's political-stability estimates, built in, or the map's own), and per
//! stage the governance-weighted HHI and the GeoPolRisk form; the map's supply risk.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::indicators::Indicators;
use super::supply::{Concentration, StageConcentration};
use crate::model::Document;
use crate::model::country::{self, EU, EU_MEMBERS};

/// To be shown wherever the built-in scores are (CC BY 4.0).
pub const ATTRIBUTION: &str = "The World Bank, Worldwide Governance Indicators, 2025 update";

/// The built-in table, derived from `shared/data/wgi-political-stability.csv`.
const TABLE: &str = include_str!("../../assets/governance-wgi-2024.csv");

/// Where a country's score comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoreSource {
    /// The map's `meta.governance`.
    Map,
    /// The built-in World Bank table.
    Wgi,
    /// `"EU"`: the plain mean of the member states' scores.
    EuMean,
}

impl ScoreSource {
    pub fn describe(self) -> &'static str {
        match self {
            ScoreSource::Map => "the map's own score (meta.governance)",
            ScoreSource::Wgi => ATTRIBUTION,
            ScoreSource::EuMean => "mean of the 27 member states' scores",
        }
    }
}

/// W = clip(2 × (2.5 − PV), 0, 10): 0 sound, 10 poor.
pub fn score_from_estimate(pv: f64) -> f64 {
    (2.0 * (2.5 - pv)).clamp(0.0, 10.0)
}

/// The built-in scores by ISO alpha-2 code, read from the table once.
pub fn builtin() -> &'static BTreeMap<String, f64> {
    static SCORES: OnceLock<BTreeMap<String, f64>> = OnceLock::new();
    SCORES.get_or_init(|| parse_table(TABLE))
}

/// `iso2,iso3,country,pv_2024` rows to scores; a row that does not read is left out (the
/// table's tests make sure none is).
fn parse_table(text: &str) -> BTreeMap<String, f64> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| {
            let code = r.get(0)?.to_string();
            let pv: f64 = r.get(3)?.parse().ok()?;
            Some((code, score_from_estimate(pv)))
        })
        .collect()
}

/// Governance scores of one map: its own, over the built-in ones.
#[derive(Clone, Copy, Debug)]
pub struct Scores<'a> {
    own: &'a BTreeMap<String, f64>,
}

impl<'a> Scores<'a> {
    pub fn of(doc: &'a Document) -> Self {
        Scores {
            own: &doc.meta.governance,
        }
    }

    /// W_c and where it comes from; `None` for a country without a score.
    pub fn get(&self, country: &str) -> Option<(f64, ScoreSource)> {
        if let Some(&w) = self.own.get(country) {
            return Some((w, ScoreSource::Map));
        }
        if country == EU {
            return self.eu_mean().map(|w| (w, ScoreSource::EuMean));
        }
        builtin().get(country).map(|&w| (w, ScoreSource::Wgi))
    }

    pub fn score(&self, country: &str) -> Option<f64> {
        self.get(country).map(|(w, _)| w)
    }

    fn eu_mean(&self) -> Option<f64> {
        let scores: Option<Vec<f64>> = EU_MEMBERS.iter().map(|c| self.score(c)).collect();
        scores.map(|s| s.iter().sum::<f64>() / s.len() as f64)
    }
}

/// The governance figures of one stage.
#[derive(Clone, Debug, PartialEq)]
pub struct StageGovernance {
    pub stage: String,
    /// Σ s_c² × W_c, 0–10; `None` where a country of the stage has no score.
    pub wgi_hhi: Option<f64>,
    /// (HHI / 10,000) × Σ_{c not home} s_c × W_c / 10, 0–1.
    pub geopolrisk: Option<f64>,
    /// Countries of the stage without a score.
    pub unscored: Vec<String>,
}

/// The governance figures of a map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Governance {
    /// In the order of the concentration's stages (alphabetical).
    pub stages: Vec<StageGovernance>,
    /// max over stages of wgi_hhi × (1 − eol_rir) × SI; `None` without EOL-RIR or any
    /// stage's figure.
    pub supply_risk: Option<f64>,
}

impl Governance {
    pub fn stage(&self, stage: &str) -> Option<&StageGovernance> {
        self.stages.iter().find(|s| s.stage == stage)
    }
}

/// Governance figures from §5's concentration and §4's EOL-RIR.
pub fn compute(
    doc: &Document,
    concentration: &Concentration,
    indicators: &Indicators,
) -> Governance {
    let scores = Scores::of(doc);
    let home = doc.meta.home_country.as_deref();
    let stages: Vec<StageGovernance> = concentration
        .stages
        .iter()
        .map(|s| stage_governance(&scores, home, s))
        .collect();
    let supply_risk = indicators.eol_rir.and_then(|rir| {
        let si = doc.meta.substitution_index();
        stages
            .iter()
            .filter_map(|s| s.wgi_hhi)
            .map(|w| w * (1.0 - rir) * si)
            .reduce(f64::max)
    });
    Governance {
        stages,
        supply_risk,
    }
}

fn stage_governance(
    scores: &Scores,
    home: Option<&str>,
    s: &StageConcentration,
) -> StageGovernance {
    let unscored: Vec<String> = s
        .shares
        .iter()
        .filter(|(c, _)| scores.score(c).is_none())
        .map(|(c, _)| c.clone())
        .collect();
    let scored = |c: &str| scores.score(c).unwrap_or(0.0);
    let known = unscored.is_empty() && !s.shares.is_empty();
    let wgi_hhi = known.then(|| s.shares.iter().map(|(c, v)| v * v * scored(c)).sum());
    let foreign = |c: &str| home.is_none_or(|h| !country::at_home(h, c));
    let geopolrisk = match (known, s.hhi) {
        (true, Some(hhi)) => {
            let weighted: f64 = s
                .shares
                .iter()
                .filter(|(c, _)| foreign(c))
                .map(|(c, v)| v * scored(c))
                .sum();
            Some(hhi / 10_000.0 * weighted / 10.0)
        }
        _ => None,
    };
    StageGovernance {
        stage: s.stage.clone(),
        wgi_hhi,
        geopolrisk,
        unscored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_whole_and_scores_follow_the_formula() {
        let table = builtin();
        assert_eq!(table.len(), TABLE.lines().count() - 1, "every row reads");
        // China's 2024 estimate is -0.1533: W = 2 × 2.6533.
        assert!((table["CN"] - 5.3066).abs() < 1e-9);
        assert!((table["GB"] - 2.0 * (2.5 - 0.2577)).abs() < 1e-9);
        assert_eq!(score_from_estimate(3.0), 0.0);
        assert_eq!(score_from_estimate(-3.0), 10.0);
    }

    #[test]
    fn every_country_the_picker_offers_has_a_score_but_these_territories() {
        let missing: Vec<&str> = country::all()
            .into_iter()
            .map(|(code, _)| code)
            .filter(|c| builtin().get(*c).is_none())
            .collect();
        let mut sorted = missing.clone();
        sorted.sort_unstable();
        // No 2024 estimate in the World Bank's table: a map gives these in
        // `meta.governance` if it needs them.
        assert_eq!(sorted, NO_SCORE, "codes without a score: {sorted:?}");
    }

    /// ISO codes of the picker with no WGI 2024 estimate: territories, Antarctica and
    /// the Holy See.
    const NO_SCORE: [&str; 36] = [
        "AQ", "AX", "BL", "BQ", "BV", "CC", "CW", "CX", "EH", "FK", "FO", "GF", "GG", "GI", "GP",
        "GS", "HM", "IM", "IO", "MF", "MP", "MS", "NF", "PM", "PN", "SH", "SJ", "SX", "TC", "TF",
        "TK", "UM", "VA", "VI", "WF", "YT",
    ];

    #[test]
    fn the_map_overrides_and_the_eu_is_the_mean_of_its_members() {
        let mut doc = Document::new("t");
        doc.meta.governance.insert("CN".into(), 9.0);
        let s = Scores::of(&doc);
        assert_eq!(s.get("CN"), Some((9.0, ScoreSource::Map)));
        assert_eq!(s.get("JP").map(|g| g.1), Some(ScoreSource::Wgi));
        let mean = EU_MEMBERS.iter().map(|c| builtin()[*c]).sum::<f64>() / 27.0;
        assert!((s.score("EU").unwrap() - mean).abs() < 1e-12);
        doc.meta.governance.insert("FR".into(), 10.0);
        let s = Scores::of(&doc);
        let mean = mean + (10.0 - builtin()["FR"]) / 27.0;
        assert!((s.score("EU").unwrap() - mean).abs() < 1e-12);
        assert_eq!(s.score("XX"), None);
    }
}
