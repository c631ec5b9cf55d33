//! The live indicator panel: circularity and supply indicators with their meaning on
//! hover, solver status, and the diagnostics (a click selects and centres what one names).

use egui::RichText;

use super::{Editor, theme};
use crate::analysis::supply::Band;
use crate::analysis::{Severity, Status};
use crate::model::Loop;
use crate::model::country;
use crate::present::{self, Measure};

/// The indicator panel: it keeps nothing of its own, all it shows is derived from the map.
#[derive(Default)]
pub struct IndicatorPanel;

impl IndicatorPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        let unit = editor.doc().meta.unit().to_string();
        let analysis = editor.analysis().clone();
        let status = analysis.solution.status;
        let colour = if status == Status::Ok {
            theme::OK
        } else {
            theme::ERROR
        };
        ui.label(RichText::new(format!("Solver: {}", status.name())).color(colour).strong())
            .on_hover_text("ok: the flows have exactly one solution · underdetermined: some flows are not fixed by the map · inconsistent: the amounts and shares contradict each other · negative: a flow comes out below zero");
        if matches!(status, Status::Negative | Status::Inconsistent) {
            ui.label(
                RichText::new("Indicators are not shown until the map is consistent.")
                    .color(theme::ERROR),
            );
        }
        let i = &analysis.indicators;
        egui::Grid::new("indicators")
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for d in i.described() {
                    let (name, meaning) = (d.name, d.meaning);
                    let big = d.key == "mci";
                    let text = present::value(d.measure, d.value, &unit);
                    ui.label(name).on_hover_text(meaning);
                    ui.label(if big {
                        RichText::new(text).size(20.0).strong()
                    } else {
                        RichText::new(text).strong()
                    })
                    .on_hover_text(meaning);
                    ui.end_row();
                }
                for kind in Loop::REVERSE {
                    ui.label(
                        RichText::new(format!("— {} loop", kind.name()))
                            .color(theme::loop_colour(kind, ui.visuals().dark_mode)),
                    )
                    .on_hover_text("Sum of the amounts of the flows in this loop.");
                    ui.label(present::value(Measure::Amount, i.loops.get(kind), &unit));
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        ui.strong("Supply concentration");
        match analysis.concentration.bottleneck_text() {
            Some(text) => {
                let word = analysis.concentration.bottleneck_heading();
                ui.label(format!("{word}: {text}"))
                .on_hover_text("The stage with the highest Herfindahl–Hirschman Index (sum of squared country shares × 10,000), leaving out stages led by the home country; every stage tied at that index is named. Above 2,500 is highly concentrated.");
            }
            None => {
                ui.label(
                    RichText::new("No stage with countries yet: give nodes a stage and a country.")
                        .weak(),
                );
            }
        }
        egui::Grid::new("stages")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                for s in &analysis.concentration.stages {
                    ui.label(&s.stage);
                    let hhi = s.hhi.map_or("—".into(), |h| format!("HHI {h:.0}"));
                    ui.label(match s.hhi {
                        Some(h) => RichText::new(hhi).color(theme::hhi_colour(h)),
                        None => RichText::new(hhi),
                    })
                    .on_hover_text(s.hhi.map_or("", |h| Band::of(h).meaning()));
                    ui.label(s.top.as_deref().map_or(String::new(), country::describe));
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        // The header counts the lines listed under it: the solver's messages and the
        // diagnostics.
        let listed = analysis.messages.len() + analysis.diagnostics.len();
        ui.strong(format!("Diagnostics ({listed})"));
        if listed == 0 {
            ui.label(RichText::new("Nothing to report.").weak());
        }
        for m in &analysis.messages {
            ui.label(RichText::new(m).color(theme::ERROR));
        }
        for d in &analysis.diagnostics {
            let (mark, colour) = match d.severity {
                Severity::Error => ("!", theme::ERROR),
                Severity::Warning => ("!", theme::WARNING),
                Severity::Info => ("i", ui.visuals().text_color()),
            };
            let text = format!("{mark} {d}");
            let response = ui.add(
                egui::Label::new(RichText::new(text).color(colour)).sense(egui::Sense::click()),
            );
            if response
                .on_hover_text("Click to select it on the canvas")
                .clicked()
            {
                editor.reveal(&d.subject);
            }
        }
    }
}
