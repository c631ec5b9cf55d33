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
        let colour = if status.is_solved() {
            theme::OK
        } else {
            theme::ERROR
        };
        ui.label(RichText::new(format!("Solver: {}", status.name())).color(colour).strong())
            .on_hover_text("ok: the flows have exactly one solution · underdetermined: some flows are not fixed by the map · inconsistent: the amounts and shares contradict each other · negative: a flow comes out below zero");
        if let Some(u) = &analysis.uncertainty {
            let verdict = u.verdict(editor.working());
            let colour = if u.test.fits() {
                theme::OK
            } else {
                theme::WARNING
            };
            ui.label(RichText::new(verdict).color(colour))
                .on_hover_text("The uncertain figures (±) are reconciled as STAN does: adjusted as little as their uncertainties allow so that every balance holds. χ² tests whether they fit together (they do when p is at least 0.05); each figure's ± is its standard deviation after reconciliation.");
        }
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
                    let sigma = analysis
                        .uncertainty
                        .as_ref()
                        .and_then(|u| u.sigma_of(d.key));
                    let text = present::with_sigma(d.measure, d.value, sigma, &unit);
                    let r = ui.label(name);
                    hover_with_terms(r, editor, d.key, meaning, &analysis, &unit);
                    ui.horizontal(|ui| {
                        let r = ui.label(if big {
                            RichText::new(text).size(20.0).strong()
                        } else {
                            RichText::new(text).strong()
                        });
                        hover_with_terms(r, editor, d.key, meaning, &analysis, &unit);
                        if let (Some(v), Some(s)) = (d.value, sigma)
                            && matches!(d.measure, Measure::Index | Measure::Rate)
                            && s > 1e-9 * v.abs().max(1.0)
                        {
                            range_bar(ui, v, s);
                        }
                    });
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
        targets_line(ui, editor);
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
            if let Some(fix) = &d.fix {
                fix_button(ui, editor, fix);
            }
        }
    }
}

/// An indicator's meaning on hover and, for a rate, which flows and nodes make its
/// numerator and its denominator in this map (worked out only while hovered).
fn hover_with_terms(
    response: egui::Response,
    editor: &mut Editor,
    key: &str,
    meaning: &str,
    analysis: &crate::analysis::Analysis,
    unit: &str,
) -> egui::Response {
    if !response.hovered() {
        return response;
    }
    let flows = crate::analysis::usable_flows(&analysis.solution);
    let terms = crate::analysis::terms::rate_terms(editor.working(), &flows, key);
    match terms {
        Some(t) => response.on_hover_text(format!(
            "{meaning}\n\nIn this map:\n{}",
            crate::analysis::terms::describe(&t, unit)
        )),
        None => response.on_hover_text(meaning),
    }
}

/// A diagnostic's one-click fix, applied as one edit (so Undo takes it back).
fn fix_button(ui: &mut egui::Ui, editor: &mut Editor, fix: &crate::analysis::diagnostics::Fix) {
    let button = ui.small_button(fix.action).on_hover_text(format!(
        "Sets `{}` of this node to {} (Undo takes it back)",
        fix.field, fix.value
    ));
    if button.clicked() {
        let fix = fix.clone();
        editor.edit(None, move |doc| fix.apply(doc));
        editor.end_gesture();
    }
}

/// "Targets: 1 of 3 met — UK 2035", for the map as shown; each row on hover.
fn targets_line(ui: &mut egui::Ui, editor: &mut Editor) {
    if editor.doc().targets.is_empty() {
        return;
    }
    let Some(report) = editor.shown_targets() else {
        return;
    };
    let (met, _) = report.met_count();
    let sets = super::targets::set_names(&editor.doc().targets).join(", ");
    let mut text = format!("Targets: {met} of {} met", report.rows.len());
    if !sets.is_empty() {
        text.push_str(&format!(" — {sets}"));
    }
    let hover: Vec<String> = report
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} {}: {} ({})",
                super::targets::met_text(r.met),
                r.target.name,
                crate::export::targets::share_or_dash(r.value),
                super::targets::threshold(r.target.bound)
            )
        })
        .collect();
    ui.add_space(4.0);
    ui.label(RichText::new(text).strong())
        .on_hover_text(format!(
            "{}\n(the Targets tab has the details)",
            hover.join("\n")
        ));
}

/// A small bar of the range v ± σ on a scale from 0 to 1 (or to v + σ where that is
/// more), with a tick at the value: how wide the range is at a glance.
fn range_bar(ui: &mut egui::Ui, value: f64, sigma: f64) {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(60.0, 10.0), egui::Sense::hover());
    let top = (value + sigma).max(1.0);
    let x = |v: f64| rect.left() + rect.width() * (v.clamp(0.0, top) / top) as f32;
    let painter = ui.painter_at(rect);
    let y = rect.center().y;
    let weak = ui.visuals().weak_text_color();
    painter.line_segment(
        [egui::pos2(rect.left(), y), egui::pos2(rect.right(), y)],
        egui::Stroke::new(1.0, weak.gamma_multiply(0.5)),
    );
    let strong = ui.visuals().strong_text_color();
    painter.line_segment(
        [
            egui::pos2(x(value - sigma), y),
            egui::pos2(x(value + sigma), y),
        ],
        egui::Stroke::new(4.0, strong.gamma_multiply(0.6)),
    );
    painter.line_segment(
        [
            egui::pos2(x(value), rect.top()),
            egui::pos2(x(value), rect.bottom()),
        ],
        egui::Stroke::new(2.0, strong),
    );
    response.on_hover_text(format!(
        "The range {:.3} to {:.3} (± one standard deviation) on a scale from 0 to {top:.0}",
        (value - sigma).max(0.0),
        value + sigma
    ));
}
