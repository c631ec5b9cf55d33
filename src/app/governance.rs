//! The Supply tab's governance view (indicators.md §11): per stage the governance-weighted
//! HHI and the GeoPolRisk value, the map's supply risk, and each country's governance
//! score with where it comes from (the World Bank's, attributed as CC BY 4.0 asks).

use egui::RichText;

use super::{Editor, theme};
use crate::analysis::governance::{self, ATTRIBUTION, ScoreSource};
use crate::model::country;
use crate::present::UNKNOWN;

/// The governance view: stages at the left, countries at the right, the source below.
pub fn governance_ui(ui: &mut egui::Ui, editor: &mut Editor) {
    let analysis = editor.analysis().clone();
    let doc = editor.working().clone();
    let supply = &analysis.concentration;
    if supply.stages.is_empty() {
        ui.label(
            "No stages yet: give nodes a stage and a country in the inspector to see how well \
             governed the countries are that each stage depends on.",
        );
        return;
    }
    let g = governance::compute(&doc, supply, &analysis.indicators);
    // The tab keeps its height: what does not fit scrolls.
    let height = (ui.available_height() - 6.0).max(80.0);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            egui::ScrollArea::vertical()
                .id_salt("governance stages")
                .max_height(height)
                .show(ui, |ui| stages_ui(ui, &analysis, &g, &doc));
        });
        ui.separator();
        ui.vertical(|ui| {
            egui::ScrollArea::vertical()
                .id_salt("governance countries")
                .max_height(height)
                .show(ui, |ui| countries_ui(ui, &analysis, &doc));
        });
    });
}

/// Per stage in chain order: HHI, the governance-weighted HHI, GeoPolRisk and the top
/// country; then the supply risk.
fn stages_ui(
    ui: &mut egui::Ui,
    analysis: &crate::analysis::Analysis,
    g: &governance::Governance,
    doc: &crate::model::Document,
) {
    ui.strong("Governance-weighted concentration by stage");
    egui::Grid::new("governance stages grid")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            ui.strong("stage");
            ui.strong("HHI");
            ui.strong("HHI (WGI)").on_hover_text(
                "The sum over countries of share squared times governance score, 0-10: the \
                 EU criticality method's HHI_WGI (without trade adjustment)",
            );
            ui.strong("GeoPolRisk").on_hover_text(
                "HHI/10,000 times the share-weighted governance score of the countries outside \
                 home, over 10: 0-1 (the GeoPolRisk method, the map's sourcing as imports)",
            );
            ui.strong("top country");
            ui.end_row();
            for s in &analysis.concentration.stages {
                let sg = g.stage(&s.stage);
                ui.label(&s.stage);
                ui.label(s.hhi.map_or(UNKNOWN.into(), |h| format!("{h:.0}")));
                let weighted = sg.and_then(|x| x.wgi_hhi);
                let r = ui.label(match weighted {
                    Some(w) => RichText::new(format!("{w:.2}")).color(theme::governance_colour(w)),
                    None => RichText::new(UNKNOWN),
                });
                if let Some(sg) = sg.filter(|x| !x.unscored.is_empty()) {
                    r.on_hover_text(format!("No score for {}", sg.unscored.join(", ")));
                }
                ui.label(
                    sg.and_then(|x| x.geopolrisk)
                        .map_or(UNKNOWN.into(), |v| format!("{v:.3}")),
                );
                ui.label(s.top.as_deref().map_or(String::new(), country::describe));
                ui.end_row();
            }
        });
    ui.add_space(4.0);
    let si = doc.meta.substitution_index();
    let risk = g.supply_risk.map_or(UNKNOWN.into(), |r| format!("{r:.2}"));
    ui.label(RichText::new(format!("Supply risk: {risk}")).strong())
        .on_hover_text(format!(
            "The largest HHI (WGI) of a stage x (1 - EOL-RIR) x substitution index ({si}): \
             the EU CRM formula with the map's sourcing as the global and the home supply. \
             The EU's 2023 assessment gives neodymium 4.5."
        ));
}

/// Each country the stages depend on, least stable first: its score and its source.
fn countries_ui(
    ui: &mut egui::Ui,
    analysis: &crate::analysis::Analysis,
    doc: &crate::model::Document,
) {
    let scores = governance::Scores::of(doc);
    let mut codes: Vec<&str> = analysis
        .concentration
        .stages
        .iter()
        .flat_map(|s| &s.shares)
        .map(|(c, _)| c.as_str())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes.sort_by(|a, b| {
        let w = |c: &str| scores.score(c).unwrap_or(f64::INFINITY);
        w(b).total_cmp(&w(a))
    });
    ui.strong("Governance score by country");
    ui.label(
        RichText::new(format!("Source: {ATTRIBUTION} (CC BY 4.0)"))
            .small()
            .weak(),
    )
    .on_hover_text(
        "Political Stability and Absence of Violence/Terrorism, the 2024 estimate PV, as the \
         score W = 2 x (2.5 - PV) clipped to 0-10: 0 stable, 10 unstable. A map's own scores \
         (meta.governance) replace these.",
    );
    egui::Grid::new("governance countries grid")
        .striped(true)
        .num_columns(3)
        .show(ui, |ui| {
            ui.strong("country");
            ui.strong("score");
            ui.strong("source");
            ui.end_row();
            for c in codes {
                ui.label(country::describe(c));
                match scores.get(c) {
                    Some((w, source)) => {
                        ui.label(
                            RichText::new(format!("{w:.2}")).color(theme::governance_colour(w)),
                        );
                        ui.label(source_name(source))
                            .on_hover_text(source.describe());
                    }
                    None => {
                        ui.label(UNKNOWN);
                        ui.label(RichText::new("no score: set one in meta.governance").weak());
                    }
                }
                ui.end_row();
            }
        });
}

/// A short name of a score's source for the table (the full one on hover and below).
fn source_name(source: ScoreSource) -> &'static str {
    match source {
        ScoreSource::Wgi => "World Bank WGI 2024",
        ScoreSource::Map => "the map's own",
        ScoreSource::EuMean => "EU members' mean",
    }
}
