//! What-if scenarios in the editor: the scenario bar (choose, new, copy, rename, delete),
//! the banner while one is active, what it changes (canvas marks, inspector with reset to
//! the baseline), levers as sliders, the comparison of every scenario (table and grouped
//! bar chart) and the sensitivity of an indicator to the levers (tornado chart).

use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart};

use super::charts::{fixed_plot, row_axis, swatch, unit_grid};

use super::{Command, Dialog, Editor, Request, theme};
use crate::analysis::compare::Case;
use crate::analysis::indicators::{Described, higher_is_better};
use crate::analysis::sensitivity::{self, Swing};
use crate::analysis::{self, Analysis};
use crate::model::levers::{self, Lever};
use crate::model::{Change, Document};
use crate::present::{self, Measure};

/// Marks what the active scenario changes.
pub const SCENARIO: Color32 = Color32::from_rgb(148, 103, 189);

/// Indicators shown side by side in the comparison chart (rates and MCI, all 0–1).
const CHART: [&str; 7] = [
    "mci",
    "recycled_content",
    "eol_rir",
    "collection_rate",
    "eol_recycling_rate",
    "reuse_rate",
    "landfill_rate",
];

/// The Scenarios tab: its levers, the comparison (cached) and the tornado chart's
/// indicator and bars (cached).
#[derive(Default)]
pub struct ScenariosTab {
    levers: Levers,
    pub indicator: Option<&'static str>,
    cache: Option<(u64, Option<String>, &'static str, Vec<Swing>)>,
    compare: Option<(u64, Vec<Case>)>,
    /// A lever is being dragged.
    dragging: bool,
    /// What the tab shows beside the levers when it is too narrow for all three.
    pub view: CompareView,
    /// The scenario set beside the baseline when the table has no room for them all.
    compare_with: Option<String>,
}

/// Widths in the comparison table: the indicator names, and each case's column (its value
/// over its difference from the baseline), so that the table fits where it is shown.
const NAME_COLUMN: f32 = 130.0;
const CASE_COLUMN: f32 = 100.0;

/// The part of the comparison shown when the Scenarios tab is narrow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CompareView {
    #[default]
    Table,
    Chart,
    Sensitivity,
}

/// Below this width the Scenarios tab shows one part of the comparison at a time.
const WIDE_TAB: f32 = 900.0;

impl ScenariosTab {
    /// The Scenarios tab: levers at the left; the comparison table, its chart and the
    /// sensitivity beside them when there is room, else one of them at a time (chosen
    /// above it), so nothing is pushed under the side panel on a 1280×720 screen.
    pub fn ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        self.dragging = ui.ctx().dragged_id().is_some();
        let height = ui.available_height().max(120.0);
        let width = ui.available_width();
        let wide = width >= WIDE_TAB;
        ui.horizontal_top(|ui| {
            self.levers.column_ui(
                ui,
                editor,
                "levers",
                if wide {
                    width * 0.27
                } else {
                    (width * 0.4).max(220.0)
                },
                height,
            );
            ui.separator();
            if wide {
                ui.vertical(|ui| {
                    ui.set_width(width * 0.36);
                    egui::ScrollArea::both()
                        .id_salt("compare")
                        .max_height(height)
                        .auto_shrink([false, false])
                        .show(ui, |ui| self.compare_table_ui(ui, editor, width * 0.36));
                });
                ui.separator();
                ui.vertical(|ui| {
                    let w = ui.available_width();
                    egui::ScrollArea::vertical()
                        .id_salt("charts")
                        .max_height(height)
                        .auto_shrink([false, false])
                        .show(ui, |ui| {
                            self.compare_chart_ui(
                                ui,
                                editor,
                                w - 12.0,
                                (height * 0.5 - 30.0).max(110.0),
                            );
                            ui.separator();
                            self.tornado_ui(ui, editor, w - 12.0);
                        });
                });
            } else {
                ui.vertical(|ui| {
                    ui.horizontal(|ui| {
                        let view = &mut self.view;
                        ui.selectable_value(view, CompareView::Table, "Compare table");
                        ui.selectable_value(view, CompareView::Chart, "Indicators chart");
                        ui.selectable_value(view, CompareView::Sensitivity, "Sensitivity");
                    });
                    let w = ui.available_width();
                    let h = ui.available_height();
                    match self.view {
                        CompareView::Table => {
                            egui::ScrollArea::both()
                                .id_salt("compare")
                                .max_height(h)
                                .auto_shrink([false, false])
                                .show(ui, |ui| self.compare_table_ui(ui, editor, w));
                        }
                        CompareView::Chart => {
                            self.compare_chart_ui(ui, editor, w - 6.0, (h - 34.0).max(100.0));
                        }
                        CompareView::Sensitivity => {
                            egui::ScrollArea::vertical()
                                .id_salt("sensitivity")
                                .max_height(h)
                                .auto_shrink([false, false])
                                .show(ui, |ui| self.tornado_ui(ui, editor, w - 12.0));
                        }
                    }
                });
            }
        });
    }

    /// Baseline and every scenario, analysed (cached until the map changes, and kept
    /// while a slider is dragged: the canvas and the panel follow the lever every frame,
    /// the comparison when it is let go).
    fn compared(&mut self, editor: &Editor) -> Vec<Case> {
        if let Some((rev, list)) = &self.compare
            && (*rev == editor.revision() || self.dragging)
        {
            return list.clone();
        }
        let list = analysis::compare::cases(editor.doc());
        self.compare = Some((editor.revision(), list.clone()));
        list
    }

    /// The comparison table: every case side by side when they fit in `width`, else the
    /// baseline beside one scenario, chosen above the table.
    fn compare_table_ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor, width: f32) {
        let unit = editor.doc().meta.unit().to_string();
        let list = self.compared(editor);
        ui.strong("Compare").on_hover_text(
            "Every indicator for the baseline and each scenario; under each scenario's value \
             its difference from the baseline, green when better for circularity or supply \
             security, red when worse.",
        );
        let shown = self.cases_shown(ui, editor, &list, width);
        let cases: Vec<&Case> = shown.iter().filter_map(|&j| list.get(j)).collect();
        let Some(&base) = cases.first() else {
            return;
        };
        let described: Vec<Vec<Described>> = cases
            .iter()
            .map(|c| c.analysis.indicators.described())
            .collect();
        egui::Grid::new("compare grid")
            .striped(true)
            .num_columns(cases.len() + 1)
            .show(ui, |ui| {
                header_row(ui, editor, &cases);
                // Each figure with its σ where the case has uncertain figures.
                let sigma = |c: &Case, key: &str| {
                    c.analysis
                        .uncertainty
                        .as_ref()
                        .and_then(|u| u.sigma_of(key))
                };
                for (k, d) in described[0].iter().enumerate() {
                    name_cell(ui, d.name, d.meaning);
                    let spread = |c: &Case, v: &Described| {
                        present::with_sigma(v.measure, v.value, sigma(c, v.key), &unit)
                    };
                    case_cell(
                        ui,
                        &present::value(d.measure, d.value, &unit),
                        &spread(base, d),
                        |_| {},
                    );
                    for (column, case) in described[1..].iter().zip(&cases[1..]) {
                        let c = &column[k];
                        case_cell(
                            ui,
                            &present::value(c.measure, c.value, &unit),
                            &spread(case, c),
                            |ui| difference_ui(ui, d, c, &unit),
                        );
                    }
                    ui.end_row();
                }
                for kind in crate::model::Loop::REVERSE {
                    let amount = |c: &Case| c.analysis.indicators.loops.get(kind);
                    name_cell(
                        ui,
                        &format!("{} loop", kind.name()),
                        "Material going round this loop each period.",
                    );
                    let text = |c: &Case| present::value(Measure::Amount, amount(c), &unit);
                    case_cell(ui, &text(base), &text(base), |_| {});
                    for c in &cases[1..] {
                        case_cell(ui, &text(c), &text(c), |ui| {
                            if let (Some(b), Some(v)) = (amount(base), amount(c)) {
                                let d = v - b;
                                arrow_ui(
                                    ui,
                                    d,
                                    Some(true),
                                    difference_text(Measure::Amount, d, &unit),
                                );
                            }
                        });
                    }
                    ui.end_row();
                }
                for (k, f) in base.security.iter().enumerate() {
                    name_cell(ui, &f.name, f.meaning);
                    let text = present::value(f.measure, f.value, &unit);
                    case_cell(ui, &text, &text, |_| {});
                    for c in &cases[1..] {
                        let v = c.security.get(k).and_then(|g| g.value);
                        let text = present::value(f.measure, v, &unit);
                        case_cell(ui, &text, &text, |ui| {
                            if let (Some(b), Some(v)) = (f.value, v) {
                                let d = v - b;
                                let text = difference_text(f.measure, d, &unit);
                                arrow_ui(ui, d, Some(f.higher_is_better()), text);
                            }
                        });
                    }
                    ui.end_row();
                }
            });
    }

    /// Which cases the table shows (indices into `list`, the baseline first): all that fit
    /// in `width`, else the baseline and the scenario picked here (the active one at first).
    fn cases_shown(
        &mut self,
        ui: &mut egui::Ui,
        editor: &Editor,
        list: &[Case],
        width: f32,
    ) -> Vec<usize> {
        let spacing = ui.spacing().item_spacing.x;
        let needed = NAME_COLUMN + list.len() as f32 * (CASE_COLUMN + spacing);
        if needed <= width || list.len() <= 2 {
            return (0..list.len()).collect();
        }
        let names: Vec<&str> = list[1..].iter().map(|c| c.name.as_str()).collect();
        let chosen = self
            .compare_with
            .clone()
            .or_else(|| editor.active_scenario.clone())
            .filter(|n| names.contains(&n.as_str()))
            .unwrap_or_else(|| names[0].to_string());
        let mut picked = chosen.clone();
        let label = ui
            .label("No room for every scenario: the baseline beside")
            .id;
        ui.scope(|ui| {
            ui.set_max_width(width - 12.0);
            egui::ComboBox::from_id_salt("compare with")
                .selected_text(&picked)
                .truncate()
                .show_ui(ui, |ui| {
                    for name in &names {
                        ui.selectable_value(&mut picked, name.to_string(), *name);
                    }
                })
                .response
                .labelled_by(label)
                .on_hover_text("Pick the scenario to compare with the baseline");
        });
        self.compare_with = Some(picked.clone());
        let j = names.iter().position(|n| *n == picked).unwrap_or(0);
        vec![0, j + 1]
    }

    fn compare_chart_ui(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        width: f32,
        height: f32,
    ) {
        let list = self.compared(editor);
        let n = list.len() as f64;
        let bar_width = 0.8 / n;
        let palette = [
            Color32::from_gray(120),
            Color32::from_rgb(0, 114, 178),
            Color32::from_rgb(230, 159, 0),
            Color32::from_rgb(0, 158, 115),
            Color32::from_rgb(204, 121, 167),
            Color32::from_rgb(86, 180, 233),
            Color32::from_rgb(213, 94, 0),
        ];
        let names = [
            "MCI",
            "Recycled content",
            "EOL-RIR",
            "Collection",
            "EOL recycling",
            "Reuse",
            "Landfill",
        ];
        let rows = CHART.len();
        let charts: Vec<BarChart> = list
            .iter()
            .enumerate()
            .map(|(j, Case { name, analysis, .. })| {
                let described = analysis.indicators.described();
                let bars = CHART
                    .iter()
                    .enumerate()
                    .map(|(i, key)| {
                        let d = described.iter().find(|d| d.key == *key);
                        let v = d.and_then(|d| d.value).unwrap_or(0.0) * 100.0;
                        // Indicators from the top down, scenarios within each group.
                        let y = (rows - 1 - i) as f64 + 0.4 - bar_width * (j as f64 + 0.5);
                        Bar::new(y, v)
                            .width(bar_width * 0.9)
                            .name(format!("{name}: {} {v:.1} %", d.map_or(*key, |d| d.name)))
                    })
                    .collect();
                BarChart::new(name.clone(), bars)
                    .color(palette[j % palette.len()])
                    .horizontal()
            })
            .collect();
        // The legend as a line above the chart, where it hides no bar.
        ui.horizontal_wrapped(|ui| {
            ui.strong("Main indicators (%)");
            for (j, c) in list.iter().enumerate() {
                swatch(ui, palette[j % palette.len()]);
                ui.label(RichText::new(&c.name).small());
            }
        });
        fixed_plot("compare chart", width, height.max(100.0))
            .include_x(0.0)
            .include_x(100.0)
            .custom_y_axes(vec![row_axis(
                names.iter().map(|s| s.to_string()).collect(),
                110.0,
            )])
            .y_grid_spacer(unit_grid)
            .show(ui, |plot| {
                for chart in charts {
                    plot.bar_chart(chart);
                }
            });
    }

    fn tornado_ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor, width: f32) {
        let key = self.indicator.unwrap_or("mci");
        let keys: Vec<(&'static str, &'static str)> = analysis::Indicators::default()
            .described()
            .iter()
            .map(|d| (d.key, d.name))
            .collect();
        let mut chosen = key;
        ui.horizontal_wrapped(|ui| {
            let label = ui
                .strong("Sensitivity of")
                .on_hover_text(
                    "How the indicator moves when each lever (or, with none pinned, each share) \
                     moves 10 % down (orange) and up (blue) from its value in the scenario shown",
                )
                .id;
            egui::ComboBox::from_id_salt("sensitivity indicator")
                .selected_text(keys.iter().find(|(k, _)| *k == key).map_or(key, |(_, n)| n))
                .show_ui(ui, |ui| {
                    for (k, name) in &keys {
                        ui.selectable_value(&mut chosen, k, *name);
                    }
                })
                .response
                .labelled_by(label);
            ui.label("to");
            swatch(ui, Color32::from_rgb(230, 159, 0));
            ui.label("−10 %");
            swatch(ui, Color32::from_rgb(0, 114, 178));
            ui.label("+10 %");
        });
        self.indicator = Some(chosen);
        let scenario = editor.active_scenario.clone();
        let swings = match &self.cache {
            Some((rev, s, k, swings))
                if (*rev == editor.revision() || self.dragging)
                    && *s == scenario
                    && *k == chosen =>
            {
                swings.clone()
            }
            _ => {
                let pinned = levers::levers(editor.doc());
                let working = editor.working();
                let levers = sensitivity::levers_or_shares(working, &pinned);
                let swings = sensitivity::tornado(working, &levers, chosen, 0.1);
                self.cache = Some((editor.revision(), scenario, chosen, swings.clone()));
                swings
            }
        };
        let working = editor.working();
        let shown: Vec<(&Swing, String)> = swings
            .iter()
            .take(5)
            .map(|s| (s, s.lever.describe(working)))
            .collect();
        if shown.is_empty() {
            ui.label(RichText::new("No lever or share to move.").weak());
            return;
        }
        // Each lever's whole name beside its bars, the bars to one scale.
        let largest = shown
            .iter()
            .flat_map(|(s, _)| [s.low, s.high])
            .flatten()
            .map(f64::abs)
            .fold(0.0, f64::max);
        let bar_width = (width * 0.4).clamp(110.0, 280.0);
        let name_width = (width - bar_width - 24.0).max(120.0);
        egui::Grid::new("tornado")
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for (s, name) in &shown {
                    ui.scope(|ui| {
                        ui.set_max_width(name_width);
                        ui.add(egui::Label::new(name.as_str()).wrap());
                    });
                    let (r, response) =
                        ui.allocate_exact_size(egui::vec2(bar_width, 22.0), egui::Sense::hover());
                    let painter = ui.painter();
                    let centre = r.center().x;
                    painter.vline(
                        centre,
                        r.y_range(),
                        egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
                    );
                    let bars = [
                        (s.low, Color32::from_rgb(230, 159, 0), r.top() + 3.0),
                        (s.high, Color32::from_rgb(0, 114, 178), r.center().y + 1.0),
                    ];
                    for (v, colour, top) in bars {
                        let Some(v) = v.filter(|_| largest > 0.0) else {
                            continue;
                        };
                        let dx = (v / largest) as f32 * (bar_width / 2.0 - 2.0);
                        let bar = egui::Rect::from_x_y_ranges(
                            egui::Rangef::new(centre.min(centre + dx), centre.max(centre + dx)),
                            egui::Rangef::new(top, top + 8.0),
                        );
                        painter.rect_filled(bar, 1.0, colour);
                    }
                    let show = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:+.4}"));
                    response.on_hover_text(format!(
                        "{name}\n−10 %: {}\n+10 %: {}",
                        show(s.low),
                        show(s.high)
                    ));
                    ui.end_row();
                }
            });
        ui.label(
            RichText::new(format!(
                "change of the indicator; the longest bar is {largest:.4}"
            ))
            .weak(),
        );
    }
}

/// The pinned levers, as sliders (the Scenarios and Roadmap tabs each have a column).
#[derive(Default)]
pub struct Levers {
    /// Each slider's range, fixed when first shown for a scenario so that it does not
    /// move under the pointer while the lever moves.
    ranges: std::collections::HashMap<String, (f64, f64)>,
}

impl Levers {
    /// The levers in a scrolling column `width` wide, at the left of a tab.
    pub fn column_ui(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        id: &str,
        width: f32,
        height: f32,
    ) {
        ui.vertical(|ui| {
            ui.set_width(width);
            egui::ScrollArea::vertical()
                .id_salt(id)
                .max_height(height)
                .auto_shrink([false, false])
                .show(ui, |ui| self.ui(ui, editor));
        });
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        match editor.active_scenario.clone() {
            Some(name) => {
                ui.strong(format!("Scenario “{name}”"));
                let description = editor
                    .doc()
                    .scenario(&name)
                    .map(|s| s.description.clone())
                    .unwrap_or_default();
                let mut text = description.clone();
                let label = ui.label("Description").id;
                let r = ui
                    .add(
                        egui::TextEdit::multiline(&mut text)
                            .desired_rows(2)
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label);
                if text != description {
                    editor.edit_baseline(Some("scenario:description"), |d| {
                        if let Some(s) = d.scenarios.iter_mut().find(|s| s.name == name) {
                            s.description = text;
                        }
                    });
                }
                if r.lost_focus() {
                    editor.end_gesture();
                }
            }
            None => {
                ui.strong("Baseline");
                ui.label(
                    RichText::new("Choose or make a scenario in the toolbar to try a what-if.")
                        .weak(),
                );
            }
        }
        ui.separator();
        ui.strong("Levers");
        let list = levers::levers(editor.doc());
        if list.is_empty() {
            ui.label(
                RichText::new(
                    "None yet: select a flow or node and press “Pin as lever” in the inspector.",
                )
                .weak(),
            );
        }
        // Each lever's value and name in the map as shown, read before the loop borrows
        // the editor (cloning the whole map every frame cost a 2,000-flow map 1 ms).
        let shown: Vec<(Option<f64>, String)> = {
            let working = editor.working();
            list.iter()
                .map(|l| (l.value(working), l.describe(working)))
                .collect()
        };
        // The slider's range comes from the baseline (a flow left to the solver there:
        // its solved amount), so it stays put while the lever moves; the baseline is
        // analysed only when a range is missing.
        let mut baseline: Option<Analysis> = None;
        let unit = editor.doc().meta.unit().to_string();
        for (lever, (value, name)) in list.into_iter().zip(shown) {
            let Some(value) = value else {
                // Left to the solver here (a scenario fixed the amounts around it), or a
                // field the map leaves empty: no slider, but say why and what it comes to.
                editor.analysis();
                let why = match solved_amount(editor.doc(), &lever, &editor.shown().analysis) {
                    Some(x) => format!("solved here: {} {unit}", present::amount(x)),
                    None => "no value here".to_string(),
                };
                ui.label(name);
                ui.horizontal(|ui| {
                    ui.label(RichText::new(why).weak()).on_hover_text(
                        "Here the map works this out from the amounts around it (this \
                         scenario or the baseline leaves it to the solver), so there is \
                         nothing to slide: move the levers around it instead.",
                    );
                    if ui.small_button("Unpin").clicked() {
                        editor.unpin(&lever);
                    }
                });
                continue;
            };
            let key = format!("{:?}/{lever:?}", editor.active_scenario);
            let (lo, hi) = *self.ranges.entry(key).or_insert_with(|| {
                let baseline =
                    baseline.get_or_insert_with(|| crate::analysis::analyse(editor.doc()));
                let solved = solved_amount(editor.doc(), &lever, baseline);
                let base = lever.value(editor.doc()).or(solved).unwrap_or(value);
                let (lo, hi) = lever.range(editor.doc(), base);
                // A scenario may already take it far from the baseline: keep it in view.
                let hi = if hi > 1.0 || lo < 0.0 {
                    hi.max(1.5 * value)
                } else {
                    hi
                };
                (lo, hi)
            });
            let label = ui.label(name).id;
            ui.horizontal(|ui| {
                ui.spacing_mut().slider_width = (ui.available_width() - 120.0).max(120.0);
                let mut v = value;
                let r = ui
                    .add(
                        egui::Slider::new(&mut v, lo..=hi)
                            .clamping(egui::SliderClamping::Never)
                            .show_value(false),
                    )
                    .labelled_by(label);
                ui.label(RichText::new(present::amount(v)).strong().monospace());
                if r.changed() && v != value {
                    editor.move_lever(&lever, v);
                }
                if r.drag_stopped() || r.lost_focus() {
                    editor.end_gesture();
                }
                if ui.small_button("Unpin").clicked() {
                    editor.unpin(&lever);
                }
            });
        }
    }
}

/// The toolbar's scenario controls: which one is shown, new, rename, delete.
pub fn bar_ui(ui: &mut egui::Ui, editor: &mut Editor) {
    let label = ui.label("Scenario").id;
    let mut chosen = editor.active_scenario.clone();
    // A long name is cut in the bar (whole in the list): the buttons after it must stay
    // in a 1280-wide window.
    ui.scope(|ui| {
        ui.set_max_width(170.0);
        egui::ComboBox::from_id_salt("active scenario")
            .selected_text(chosen.as_deref().unwrap_or("Baseline"))
            .width(110.0)
            .truncate()
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut chosen, None, "Baseline");
                for s in &editor.doc().scenarios {
                    ui.selectable_value(&mut chosen, Some(s.name.clone()), &s.name)
                        .on_hover_text(&s.description);
                }
            })
            .response
            .labelled_by(label)
            .on_hover_text(format!(
                "{}: show and edit the baseline or a what-if scenario",
                chosen.as_deref().unwrap_or("Baseline")
            ));
    });
    if chosen != editor.active_scenario {
        editor.set_scenario(chosen);
    }
    ui.menu_button("New scenario", |ui| {
        if ui.button("Empty").clicked() {
            editor.new_scenario(false);
        }
        if ui
            .add_enabled(
                editor.active_scenario.is_some(),
                egui::Button::new("Copy of this one"),
            )
            .clicked()
        {
            editor.new_scenario(true);
        }
    });
    if let Some(name) = editor.active_scenario.clone() {
        if ui.button("Rename scenario").clicked() {
            editor.ask(Request::Dialog(Dialog::RenameScenario {
                old: name.clone(),
                name: name.clone(),
            }));
        }
        if ui
            .button("Delete scenario")
            .on_hover_text(format!(
                "Delete this scenario ({} brings it back)",
                Command::Undo.shortcut_text(ui.ctx())
            ))
            .clicked()
        {
            editor.delete_scenario(&name);
        }
    }
}

/// Over the canvas while a scenario is active: what edits do now.
pub fn banner_ui(ui: &mut egui::Ui, editor: &mut Editor) {
    let Some(name) = editor.active_scenario.clone() else {
        return;
    };
    egui::Frame::new()
        .fill(SCENARIO)
        .inner_margin(egui::Margin::symmetric(10, 5))
        .show(ui, |ui| {
            ui.set_min_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!(
                        "Scenario “{name}”: value edits (amounts, shares, lifetimes…) go into \
                         this scenario and are marked in purple; adding, removing or moving \
                         nodes and flows changes the baseline."
                    ))
                    .color(Color32::WHITE),
                );
                if ui.button("Back to baseline").clicked() {
                    editor.set_scenario(None);
                }
            });
        });
}

/// In the inspector of a node or flow: what the active scenario changes on it, with
/// the baseline's value and a reset.
pub fn changes_ui(ui: &mut egui::Ui, editor: &mut Editor, node: Option<&str>, flow: Option<&str>) {
    let Some(name) = editor.active_scenario.clone() else {
        return;
    };
    let mine: Vec<Change> = editor
        .active_changes()
        .into_iter()
        .filter(|c| match c {
            Change::Flow { flow: f, .. } => Some(f.as_str()) == flow,
            Change::Node { node: n, .. } => Some(n.as_str()) == node,
        })
        .collect();
    if mine.is_empty() {
        ui.label(RichText::new(format!("Same as the baseline in “{name}”.")).color(SCENARIO));
        return;
    }
    ui.label(
        RichText::new(format!("Changed in “{name}”:"))
            .color(SCENARIO)
            .strong(),
    );
    for change in mine {
        let (what, base, now) = match &change {
            Change::Flow { flow, value } => (
                "value".to_string(),
                editor
                    .doc()
                    .flow(flow)
                    .map_or("—".into(), |f| describe_flow_value(f.value)),
                describe_flow_value(*value),
            ),
            Change::Node { node, field, value } => (
                field.replace('_', " "),
                editor
                    .doc()
                    .node(node)
                    .and_then(|n| serde_json::to_value(n).ok())
                    .and_then(|v| v.get(field).cloned())
                    .map_or("not set".into(), |v| v.to_string()),
                value.to_string(),
            ),
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{what}: baseline {base}, here {now}"));
            if ui.small_button("Reset to baseline").clicked() {
                let name = name.clone();
                editor.edit_baseline(None, move |d| {
                    if let Some(s) = d.scenarios.iter_mut().find(|s| s.name == name) {
                        s.changes.retain(|c| c != &change);
                    }
                });
            }
        });
    }
}

fn describe_flow_value(v: crate::model::FlowValue) -> String {
    match v {
        crate::model::FlowValue::Amount(a) => present::amount(a),
        crate::model::FlowValue::Share(s) => format!("{:.1} % of outflow", 100.0 * s),
        crate::model::FlowValue::Auto => "auto".into(),
    }
}

/// The difference of a scenario's indicator from the baseline's, with an arrow.
fn difference_ui(ui: &mut egui::Ui, base: &Described, other: &Described, unit: &str) {
    let (Some(b), Some(v)) = (base.value, other.value) else {
        return;
    };
    let d = v - b;
    let text = difference_text(base.measure, d, unit);
    arrow_ui(ui, d, higher_is_better(base.key), text);
}

/// A difference as the table shows it: amounts with their unit, as their values have.
fn difference_text(measure: Measure, d: f64, unit: &str) -> String {
    let text = present::difference(measure, d);
    match measure {
        Measure::Amount => format!("{text} {unit}"),
        _ => text,
    }
}

/// The header of the comparison: each case's name, wrapped to its column, the one shown
/// on the canvas in the scenario colour.
fn header_row(ui: &mut egui::Ui, editor: &Editor, cases: &[&Case]) {
    ui.label("");
    for (j, c) in cases.iter().enumerate() {
        let active = match &editor.active_scenario {
            Some(name) => name == &c.name,
            None => j == 0,
        };
        let text = if active {
            RichText::new(&c.name).strong().color(SCENARIO)
        } else {
            RichText::new(&c.name).strong()
        };
        column(ui, CASE_COLUMN, |ui| {
            ui.add(egui::Label::new(text).wrap());
        });
    }
    ui.end_row();
}

/// An indicator's name, wrapped to the name column, its meaning on hover.
fn name_cell(ui: &mut egui::Ui, name: &str, meaning: &str) {
    column(ui, NAME_COLUMN, |ui| {
        ui.add(egui::Label::new(name).wrap()).on_hover_text(meaning);
    });
}

/// A case's figure, with its ± on hover, over what `under` adds (its difference).
fn case_cell(ui: &mut egui::Ui, value: &str, spread: &str, under: impl FnOnce(&mut egui::Ui)) {
    column(ui, CASE_COLUMN, |ui| {
        ui.add(egui::Label::new(value).wrap()).on_hover_text(spread);
        ui.horizontal_wrapped(under);
    });
}

/// A grid cell exactly `width` wide, its content top-down.
fn column(ui: &mut egui::Ui, width: f32, add: impl FnOnce(&mut egui::Ui)) {
    ui.vertical(|ui| {
        ui.set_width(width);
        add(ui);
    });
}

/// A painted arrow (up or down, the default font has none) and a difference, green when
/// better, red when worse, grey when neither or no change.
fn arrow_ui(ui: &mut egui::Ui, d: f64, higher_is_better: Option<bool>, text: String) {
    if d.abs() < 1e-9 {
        return;
    }
    let colour = match higher_is_better {
        Some(up) if (d > 0.0) == up => theme::OK,
        Some(_) => theme::ERROR,
        None => Color32::GRAY,
    };
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 12.0), egui::Sense::hover());
    let c = rect.center();
    let (tip, base) = if d > 0.0 { (-5.0, 4.0) } else { (5.0, -4.0) };
    ui.painter().add(egui::Shape::convex_polygon(
        vec![
            c + egui::vec2(0.0, tip),
            c + egui::vec2(-5.0, base),
            c + egui::vec2(5.0, base),
        ],
        colour,
        egui::Stroke::NONE,
    ));
    ui.label(RichText::new(text).color(colour).small());
}

/// A flow lever's amount as solved in `analysis` (of `doc`, or a scenario of it).
fn solved_amount(doc: &Document, lever: &Lever, analysis: &Analysis) -> Option<f64> {
    match lever {
        Lever::Flow { flow } => doc
            .flows
            .iter()
            .position(|f| &f.id == flow)
            .and_then(|i| analysis.solution.flows.get(i).copied().flatten()),
        Lever::Node { .. } => None,
    }
}
