//! The baseline and every scenario side by side, with the supply-security figures that
//! tell them apart: what `loopmap compare`, the Scenarios tab and the report show.

use super::{Analysis, analyse_with_issues};
use crate::model::{Document, apply_scenario};
use crate::present::Measure;

/// One case of a comparison (a column of its tables): the baseline or one scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// `Baseline`, or the scenario's name.
    pub name: String,
    pub analysis: Analysis,
    pub security: Vec<SecurityFigure>,
}

/// A supply-security figure of one map (indicators.md §5–6).
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityFigure {
    pub name: String,
    pub meaning: &'static str,
    pub value: Option<f64>,
    /// `Concentration` (HHI, 0–10,000) or `Rate` (a share, 0–1).
    pub measure: Measure,
}

impl SecurityFigure {
    /// Shares (certified, domestic) are more secure higher; concentrations lower.
    pub fn higher_is_better(&self) -> bool {
        self.measure == Measure::Rate
    }
}

/// The baseline, then every scenario in the map's order.
pub fn cases(doc: &Document) -> Vec<Case> {
    let mut columns = vec![case("Baseline", doc, &[])];
    for s in &doc.scenarios {
        let (changed, issues) = apply_scenario(doc, s);
        columns.push(case(&s.name, &changed, &issues));
    }
    columns
}

fn case(name: &str, doc: &Document, issues: &[crate::model::ScenarioIssue]) -> Case {
    let analysis = analyse_with_issues(doc, issues);
    Case {
        name: name.to_string(),
        security: security(doc, &analysis),
        analysis,
    }
}

/// The security figures of `doc` (the map analysed, a scenario already applied): the
/// bottleneck stage's HHI, the certified-or-secondary share of what enters products in
/// use and, with a home country, the domestic-or-secondary share at each stage (from the
/// start of the chain).
pub fn security(doc: &Document, analysis: &Analysis) -> Vec<SecurityFigure> {
    let supply = &analysis.concentration;
    let bottleneck = supply
        .bottleneck
        .as_deref()
        .and_then(|b| supply.stages.iter().find(|s| s.stage == b)?.hhi);
    let provenance = analysis.provenance(doc);
    let mut figures = vec![
        SecurityFigure {
            name: "Bottleneck HHI".into(),
            meaning: "Concentration of the most concentrated stage not led by the home \
                      country (0–10,000; above 2,500 is highly concentrated).",
            value: bottleneck,
            measure: Measure::Concentration,
        },
        SecurityFigure {
            name: "Certified or secondary share".into(),
            meaning: "Share of what enters products in use that comes from certified \
                      virgin sources or came back through a loop.",
            value: provenance.as_ref().and_then(|p| p.certified_share),
            measure: Measure::Rate,
        },
    ];
    if let Some(home) = &doc.meta.home_country {
        for stage in supply.stage_names() {
            let value = provenance.as_ref().and_then(|p| p.domestic(&stage));
            figures.push(SecurityFigure {
                name: format!("Domestic ({home}) or secondary, {stage}"),
                meaning: "Share of what enters products in use that passed this stage in \
                          the home country or came back as secondary material.",
                value,
                measure: Measure::Rate,
            });
        }
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::samples::SAMPLES;

    fn figure<'a>(c: &'a Case, name: &str) -> &'a SecurityFigure {
        c.security
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} in {}", c.name))
    }

    #[test]
    fn a_uk_separation_plant_raises_the_domestic_share_at_separation() {
        let doc = SAMPLES[0].load().unwrap();
        let columns = cases(&doc);
        assert_eq!(columns.len(), 1 + doc.scenarios.len());
        assert_eq!(columns[0].name, "Baseline");
        let plant = columns
            .iter()
            .find(|c| c.name == "UK separation plant")
            .unwrap();
        let at = |c: &Case| {
            figure(c, "Domestic (GB) or secondary, separation")
                .value
                .unwrap()
        };
        // 30 % of separation in the UK: the share rises by roughly that much.
        assert!(at(plant) > at(&columns[0]) + 0.2, "{}", at(plant));
        let hhi = |c: &Case| figure(c, "Bottleneck HHI").value.unwrap();
        assert!(hhi(plant) < hhi(&columns[0]));
        // Every column has the same rows, in the same order.
        for c in &columns {
            let names: Vec<&str> = c.security.iter().map(|f| f.name.as_str()).collect();
            let first: Vec<&str> = columns[0]
                .security
                .iter()
                .map(|f| f.name.as_str())
                .collect();
            assert_eq!(names, first);
        }
    }

    #[test]
    fn concentrations_are_better_lower_and_shares_higher() {
        let doc = SAMPLES[0].load().unwrap();
        let baseline = &cases(&doc)[0];
        let figures = &baseline.security;
        let hhi = figure(baseline, "Bottleneck HHI");
        assert_eq!(hhi.measure, Measure::Concentration);
        assert!(!hhi.higher_is_better());
        let shares: Vec<&SecurityFigure> = figures.iter().filter(|f| f.name != hhi.name).collect();
        assert!(!shares.is_empty());
        for f in shares {
            assert_eq!(f.measure, Measure::Rate, "{}", f.name);
            assert!(f.higher_is_better(), "{}", f.name);
        }
    }
}
