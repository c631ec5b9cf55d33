//! The Uncertainty tab: whether the map's figures fit together, and for the indicator
//! chosen, its range and which figures contribute most to it ("improve this figure
//! first"), with its Monte Carlo interval on demand (drawn a few hundred at a time, so the
//! window stays responsive and shows the progress).

use egui::RichText;

use super::{Editor, theme};
use crate::analysis::uncertainty::{Figure, Interval, MonteCarlo};
use crate::present;

/// Monte Carlo draws of one run.
pub const DRAWS: usize = 1000;
/// Draws made per frame of the window (about 10 ms on the UK sample; no clock, which a
/// browser's build has not).
const DRAWS_PER_FRAME: usize = 15;

#[derive(Default)]
pub struct UncertaintyTab {
    /// The indicator chosen (its JSON key); MCI at first.
    pub indicator: Option<&'static str>,
    /// A Monte Carlo run under way or done, for the map's revision it was started on.
    run: Option<(u64, MonteCarlo)>,
}

impl UncertaintyTab {
    pub fn ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        let doc = editor.working().clone();
        let analysis = editor.analysis().clone();
        let Some(u) = &analysis.uncertainty else {
            ui.label("No figure of this map is uncertain. Give a flow's amount or share a ± in the inspector, or add an estimate from another source: Loopmap then reconciles the figures, tests whether they fit and puts a range on every indicator.");
            return;
        };
        let colour = if u.test.fits() {
            theme::OK
        } else {
            theme::WARNING
        };
        ui.label(RichText::new(u.verdict(&doc)).color(colour).strong());
        let key = self.indicator.unwrap_or("mci");
        let described = analysis.indicators.described();
        ui.horizontal(|ui| {
            let label = ui.label("Indicator").id;
            let current = described.iter().find(|d| d.key == key);
            egui::ComboBox::from_id_salt("uncertainty:indicator")
                .selected_text(current.map_or(key, |d| d.name))
                .show_ui(ui, |ui| {
                    for d in &described {
                        if ui.selectable_label(d.key == key, d.name).clicked() {
                            self.indicator = Some(d.key);
                        }
                    }
                })
                .response
                .labelled_by(label);
            if let Some(d) = current {
                let sigma = u.sigma_of(d.key);
                ui.label(
                    RichText::new(present::with_sigma(
                        d.measure,
                        d.value,
                        sigma,
                        doc.meta.unit(),
                    ))
                    .size(18.0)
                    .strong(),
                );
            }
        });
        ui.columns(2, |columns| {
            contributions_ui(&mut columns[0], &doc, u, key);
            self.monte_carlo_ui(&mut columns[1], editor, &doc, key);
        });
    }

    fn monte_carlo_ui(
        &mut self,
        ui: &mut egui::Ui,
        editor: &Editor,
        doc: &crate::model::Document,
        key: &'static str,
    ) {
        let revision = editor.revision();
        if self.run.as_ref().is_some_and(|(r, _)| *r != revision) {
            self.run = None;
        }
        ui.strong("Monte Carlo interval");
        match &mut self.run {
            None => {
                ui.label("For indicators that are clipped (MCI at 0, rates at 100 %) or bend far from a straight line, the first-order ± can mislead: draw the figures at random many times and see where the indicator falls.");
                if ui
                    .button(format!("Draw {} times", present::amount(DRAWS as f64)))
                    .on_hover_text("Each draw takes every uncertain figure at random from its range, reconciles them and computes the indicators; the interval holds the middle 90 % of the draws (a fixed seed: the same map gives the same interval)")
                    .clicked()
                {
                    self.run = MonteCarlo::new(doc, DRAWS).map(|run| (revision, run));
                    if self.run.is_none() {
                        ui.label(
                            RichText::new("The reconciliation does not converge: no interval.")
                                .color(theme::ERROR),
                        );
                    }
                }
            }
            Some((_, run)) if !run.finished() => {
                run.step(DRAWS_PER_FRAME);
                let (done, all) = run.progress();
                ui.add(
                    egui::ProgressBar::new(done as f32 / all as f32)
                        .text(format!("{done} of {all} draws")),
                );
                if ui.button("Stop").clicked() {
                    self.run = None;
                }
                ui.ctx().request_repaint();
            }
            Some((_, run)) => {
                let intervals = run.intervals();
                interval_ui(ui, doc, &intervals, key);
                if ui.button("Clear").clicked() {
                    self.run = None;
                }
            }
        }
    }
}

/// The figures behind the indicator's variance, largest share first, as bars.
fn contributions_ui(
    ui: &mut egui::Ui,
    doc: &crate::model::Document,
    u: &crate::analysis::Uncertainty,
    key: &'static str,
) {
    ui.strong("Improve this figure first");
    let Some(ranged) = u.figure(&Figure::Indicator(key)) else {
        return;
    };
    let list = u.contributors(ranged);
    if list.is_empty() {
        ui.label(RichText::new("No uncertain figure moves this indicator.").weak());
        return;
    }
    ui.label(RichText::new("Share of the indicator's variance that each figure causes:").weak());
    // Names are cut to what the column leaves beside the bars (the whole name on hover).
    let name_width = (ui.available_width() - 200.0).max(120.0);
    egui::Grid::new("contributions")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for (i, share) in list.into_iter().filter(|&(_, s)| s >= 0.005).take(8) {
                let name = u.measurements[i].describe(doc);
                ui.add_sized([name_width, 16.0], egui::Label::new(&name).truncate())
                    .on_hover_text(&name);
                let (rect, response) =
                    ui.allocate_exact_size(egui::vec2(140.0, 14.0), egui::Sense::hover());
                let bar = egui::Rect::from_min_size(
                    rect.min,
                    egui::vec2(rect.width() * share as f32, rect.height()),
                );
                ui.painter().rect_filled(bar, 2.0, theme::WARNING);
                response.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::ProgressIndicator,
                        true,
                        format!("{name}: {}", present::whole_percent(share)),
                    )
                });
                ui.label(present::whole_percent(share));
                ui.end_row();
            }
        });
}

fn interval_ui(
    ui: &mut egui::Ui,
    doc: &crate::model::Document,
    intervals: &[Interval],
    key: &'static str,
) {
    let Some(iv) = intervals
        .iter()
        .find(|iv| iv.figure == Figure::Indicator(key))
    else {
        return;
    };
    let measure = crate::analysis::indicators::Indicators::default()
        .described()
        .into_iter()
        .find(|d| d.key == key)
        .map_or(present::Measure::Index, |d| d.measure);
    let unit = doc.meta.unit();
    match (iv.low, iv.high) {
        (Some(low), Some(high)) => {
            ui.label(
                RichText::new(format!(
                    "5–95 %: {} to {}",
                    present::value(measure, Some(low), unit),
                    present::value(measure, Some(high), unit)
                ))
                .size(16.0)
                .strong(),
            );
            ui.label(format!(
                "from {} draws; mean {}",
                iv.draws,
                present::value(measure, iv.mean, unit)
            ));
        }
        _ => {
            ui.label("No draw gave this indicator a value.");
        }
    }
}
