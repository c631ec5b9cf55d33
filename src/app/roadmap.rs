//! The Roadmap tab (indicators.md §9): the map's products followed over the years. End of
//! life stacked by product with demand and what each loop kind returns as lines; the
//! ceiling on recycled content and the secondary share in percent; a marker at the map's
//! year; every other scenario (or the baseline) dashed beside the one shown; the levers at
//! the left move the curves as they are dragged. Also the inspector's part for a use
//! node: its lifetime model, spread, demand path and survival curve.

use std::rc::Rc;

use egui::{Color32, RichText, vec2};
use egui_plot::{
    AxisHints, ColorConflictHandling, Corner, FilledArea, HoverPosition, Legend, Line, LineStyle,
    PlotPoints, VLine,
};

use super::charts::fixed_plot;
use super::{Editor, LoopmapApp, theme};
use crate::analysis::roadmap::{self, Roadmap, Survival};
use crate::export::roadmap::{chart_series, fit_lines, growth};
use crate::model::{LifetimeModel, Node, StockChange};
use crate::present::{UNKNOWN, off_by, percent_or_dash, table_amount};

/// Colours of the other scenarios' dashed curves (Okabe–Ito, as the comparison chart).
pub(super) const OTHERS: [Color32; 6] = [
    Color32::from_gray(110),
    Color32::from_rgb(0, 114, 178),
    Color32::from_rgb(230, 159, 0),
    Color32::from_rgb(204, 121, 167),
    Color32::from_rgb(86, 180, 233),
    Color32::from_rgb(213, 94, 0),
];

/// Below this width the tab shows one chart at a time.
const WIDE_TAB: f32 = 900.0;

/// A roadmap, or why the map has none.
type Shown = Result<Rc<Roadmap>, String>;
/// Roadmaps by scenario name.
type Others = Rc<Vec<(String, Roadmap)>>;
/// An edit of one use node, by field (its undo step merges repeated edits of the field).
type NodeEdit<'a> = &'a dyn Fn(&mut Editor, &str, Box<dyn FnOnce(&mut Node)>);

/// The Roadmap tab: its levers, the roadmaps shown (cached by document revision and
/// scenario), and the chosen view.
#[derive(Default)]
pub struct RoadmapTab {
    levers: super::scenarios::Levers,
    shown: Option<(u64, Option<String>, Shown)>,
    /// The baseline (when a scenario is shown) and every other scenario.
    others: Option<(u64, Option<String>, Others)>,
    pub view: RoadmapView,
    /// Show the charts' legends; `None`: when the charts are tall enough for them.
    pub legend: Option<bool>,
}

/// What the tab shows beside the levers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RoadmapView {
    /// End of life by product (with the ceiling chart beside it when there is room).
    #[default]
    EndOfLife,
    /// The ceiling on recycled content.
    Ceiling,
    /// The recycling share over the years against each recycling target.
    Targets,
    /// The values in a table.
    Values,
}

/// The years the values table shows: the map's year, then every fifth year to the last.
pub fn shown_years(r: &Roadmap) -> Vec<usize> {
    let last = r.years.last().copied().unwrap_or(r.base_year);
    let fifths = ((r.base_year.div_euclid(5) + 1) * 5..=last).step_by(5);
    std::iter::once(r.base_year)
        .chain(fifths)
        .filter_map(|y| r.index_of(y))
        .collect()
}

fn pct(v: Option<f64>) -> Option<f64> {
    v.map(|x| 100.0 * x)
}

fn points(years: &[i32], values: &[Option<f64>]) -> PlotPoints<'static> {
    years
        .iter()
        .zip(values)
        .filter_map(|(y, v)| v.map(|v| [f64::from(*y), v]))
        .collect::<Vec<_>>()
        .into()
}

fn differs(a: &[Option<f64>], b: &[Option<f64>]) -> bool {
    a.len() != b.len()
        || a.iter().zip(b).any(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => (x - y).abs() > 1e-9 * x.abs().max(y.abs()).max(1e-12),
            (None, None) => false,
            _ => true,
        })
}

fn some(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().map(|&x| Some(x)).collect()
}

/// One curve of a chart, as drawn and as told on hover.
struct Curve {
    /// The legend's entry (curves with the same name share it).
    name: String,
    /// What the hover calls it.
    what: String,
    colour: Color32,
    style: LineStyle,
    width: f32,
    /// Where it is drawn (a band's top: the sum of the bands below and its own).
    drawn: Vec<Option<f64>>,
    /// The value it stands for.
    value: Vec<Option<f64>>,
}

impl Curve {
    fn new(name: &str, colour: Color32, value: Vec<Option<f64>>) -> Curve {
        Curve {
            name: name.to_string(),
            what: name.to_string(),
            colour,
            style: LineStyle::Solid,
            width: 2.0,
            drawn: value.clone(),
            value,
        }
    }

    fn dashed(mut self, length: f32) -> Curve {
        self.style = LineStyle::Dashed { length };
        self.width = 1.5;
        self
    }

    fn line(&self, years: &[i32]) -> Line<'static> {
        Line::new(self.name.clone(), points(years, &self.drawn))
            .color(self.colour)
            .style(self.style)
            .width(self.width)
    }
}

/// The hover text of a chart: the value of the curve nearest the pointer in the year
/// nearest it, or away from a curve, the year and every curve's value.
fn hover_text(
    pos: &HoverPosition<'_>,
    years: &[i32],
    curves: &[Curve],
    show: &dyn Fn(f64) -> String,
) -> Option<String> {
    let first = f64::from(*years.first()?);
    let at = |x: f64| ((x - first).round().max(0.0) as usize).min(years.len() - 1);
    let told = |c: &Curve, i: usize| c.value[i].map_or(UNKNOWN.into(), show);
    match pos {
        HoverPosition::NearDataPoint {
            plot_name,
            position,
            ..
        } => {
            let i = at(position.x);
            let c = curves
                .iter()
                .filter(|c| c.name == *plot_name)
                .min_by(|a, b| {
                    let d =
                        |c: &Curve| c.drawn[i].map_or(f64::INFINITY, |y| (y - position.y).abs());
                    d(a).total_cmp(&d(b))
                })?;
            Some(format!("{}\n{}: {}", c.what, years[i], told(c, i)))
        }
        HoverPosition::Elsewhere { position } => {
            let i = at(position.x);
            let mut text = years[i].to_string();
            for c in curves {
                text.push_str(&format!("\n{}: {}", c.what, told(c, i)));
            }
            Some(text)
        }
    }
}

/// A product's name for a legend: its label up to " in use" or " (".
fn short_label(label: &str) -> String {
    let cut = [" in use", " ("]
        .iter()
        .filter_map(|p| label.find(p))
        .min()
        .unwrap_or(label.len());
    label[..cut].to_string()
}

impl RoadmapTab {
    /// The roadmap of the map as shown (the active scenario, or the baseline), from the
    /// analysis the editor keeps: recomputed only after a change.
    pub fn shown(&mut self, editor: &mut Editor) -> Shown {
        let scenario = editor.active_scenario.clone();
        if let Some((rev, s, r)) = &self.shown
            && *rev == editor.revision()
            && *s == scenario
        {
            return r.clone();
        }
        let d = editor.derived();
        let r = roadmap::from_analysis(&d.working, &d.analysis)
            .map(Rc::new)
            .map_err(|e| e.to_string());
        self.shown = Some((editor.revision(), scenario, r.clone()));
        r
    }

    /// The roadmaps of the baseline (when a scenario is shown) and of every other
    /// scenario: recomputed after a change, but kept while a lever is dragged.
    pub fn others(&mut self, editor: &Editor, dragging: bool) -> Others {
        let scenario = editor.active_scenario.clone();
        if let Some((rev, s, list)) = &self.others
            && (*rev == editor.revision() || dragging)
            && *s == scenario
        {
            return list.clone();
        }
        let mut list = Vec::new();
        if scenario.is_some()
            && let Ok(r) = roadmap::compute(editor.doc())
        {
            list.push(("Baseline".to_string(), r));
        }
        for s in &editor.doc().scenarios {
            if Some(&s.name) != scenario.as_ref()
                && let Ok(r) = roadmap::compute_scenario(editor.doc(), s)
            {
                list.push((s.name.clone(), r));
            }
        }
        let list = Rc::new(list);
        self.others = Some((editor.revision(), scenario, list.clone()));
        list
    }

    /// The Roadmap tab: levers at the left; the charts (side by side when there is room,
    /// else one at a time) or the values beside them.
    pub fn ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        let dragging = ui.ctx().dragged_id().is_some();
        let height = ui.available_height().max(120.0);
        let width = ui.available_width();
        let wide = width >= WIDE_TAB;
        ui.horizontal_top(|ui| {
            let levers = if wide {
                width * 0.24
            } else {
                (width * 0.36).max(220.0)
            };
            self.levers
                .column_ui(ui, editor, "roadmap levers", levers, height);
            ui.separator();
            // The levers above may have moved: the roadmap follows in this frame.
            ui.vertical(|ui| {
                let r = match self.shown(editor) {
                    Ok(r) => r,
                    Err(e) => {
                        ui.strong("No roadmap");
                        ui.label(RichText::new(format!("{e}.")).weak());
                        ui.label(
                            RichText::new(
                                "The roadmap follows each use node's products over the years: \
                                 it needs the map's year (Map inspector) and a lifetime on \
                                 each use node.",
                            )
                            .weak(),
                        );
                        return;
                    }
                };
                let others = self.others(editor, dragging);
                // Measured before anything is added: a row wider than the column would
                // widen it under the side panel.
                let w = ui.available_width();
                // The charts' height: what is left under the choice and a chart's title.
                let h = (ui.available_height() - 48.0).max(100.0);
                // A legend covers a short chart: left off below this height unless asked
                // for (the hover names every curve).
                let state = &mut *self;
                let mut legend = state.legend.unwrap_or(h >= 190.0);
                ui.horizontal_wrapped(|ui| {
                    let view = &mut state.view;
                    ui.selectable_value(view, RoadmapView::EndOfLife, "End of life");
                    ui.selectable_value(view, RoadmapView::Ceiling, "Ceiling");
                    ui.selectable_value(view, RoadmapView::Targets, "Targets")
                        .on_hover_text("The recycling share over the years against each recycling target, and the year each scenario meets it");
                    ui.selectable_value(view, RoadmapView::Values, "Values");
                    if *view != RoadmapView::Values {
                        ui.separator();
                        if ui.checkbox(&mut legend, "Legend").changed() {
                            state.legend = Some(legend);
                        }
                    }
                });
                let unit = editor.doc().meta.unit().to_string();
                let dark = ui.visuals().dark_mode;
                match self.view {
                    RoadmapView::Targets => {
                        let cases = editor.targets();
                        let shown = editor.active_scenario.clone();
                        super::targets::recycling_chart_ui(
                            ui,
                            &cases,
                            shown.as_deref(),
                            r.base_year,
                            vec2(w - 6.0, h),
                            legend,
                        );
                    }
                    RoadmapView::Values => {
                        egui::ScrollArea::both()
                            .id_salt("roadmap values")
                            .max_height(h + 20.0)
                            .auto_shrink([false, false])
                            .show(ui, |ui| {
                                values_ui(ui, &r, &others, &unit);
                                end_of_life_fit_ui(ui, editor, &r);
                            });
                    }
                    view if wide => {
                        let _ = view;
                        ui.horizontal_top(|ui| {
                            let half = (w - 12.0) / 2.0;
                            ui.vertical(|ui| {
                                end_of_life_chart(
                                    ui,
                                    &r,
                                    &others,
                                    &unit,
                                    vec2(half, h),
                                    dark,
                                    legend,
                                )
                            });
                            ui.vertical(|ui| ceiling_chart(ui, &r, &others, vec2(half, h), legend));
                        });
                    }
                    RoadmapView::EndOfLife => {
                        end_of_life_chart(ui, &r, &others, &unit, vec2(w - 6.0, h), dark, legend)
                    }
                    RoadmapView::Ceiling => {
                        ceiling_chart(ui, &r, &others, vec2(w - 6.0, h), legend)
                    }
                }
            });
        });
    }
}

impl LoopmapApp {
    /// The roadmap of the map as shown (the active scenario, or the baseline).
    pub fn roadmap(&mut self) -> Shown {
        self.roadmap.shown(&mut self.editor)
    }
}

/// The inspector's roadmap part for a use node (edited through `edit`, so a scenario
/// gets the change when one is active, and undo works): lifetime model, spread or
/// shape, the history growth and the demand path as rows of until-year and rate,
/// and the survival curve.
pub fn use_roadmap_ui(ui: &mut egui::Ui, editor: &mut Editor, node: &Node) {
    let id = node.id.clone();
    let key = |field: &str| format!("node:{id}:roadmap:{field}");
    let edit = |editor: &mut Editor, field: &str, change: Box<dyn FnOnce(&mut Node)>| {
        let id = id.clone();
        editor.edit(Some(&key(field)), move |doc| {
            if let Some(n) = doc.nodes.iter_mut().find(|n| n.id == id) {
                change(n);
            }
        });
    };
    let ended = |r: &egui::Response| r.drag_stopped() || r.lost_focus();
    egui::CollapsingHeader::new("Roadmap: lifetime and demand")
        .id_salt(("roadmap inspector", &id))
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new(("roadmap grid", &id))
                .num_columns(2)
                .show(ui, |ui| {
                    let label = ui.label("Lifetime model").id;
                    let mut model = node.lifetime_model();
                    egui::ComboBox::from_id_salt(("lifetime model", &id))
                        .selected_text(model.name())
                        .show_ui(ui, |ui| {
                            for m in LifetimeModel::ALL {
                                ui.selectable_value(&mut model, m, m.name());
                            }
                        })
                        .response
                        .labelled_by(label);
                    ui.end_row();
                    if model != node.lifetime_model() {
                        edit(
                            editor,
                            "model",
                            Box::new(move |n| {
                                n.lifetime_model = Some(model);
                                // A Weibull model needs its shape (format.md).
                                if model == LifetimeModel::Weibull && n.weibull_shape.is_none()
                                {
                                    n.weibull_shape = Some(2.0);
                                }
                            }),
                        );
                        editor.end_gesture();
                    }
                    let Some(lifetime) = node.lifetime else {
                        ui.label("");
                        ui.label(
                            RichText::new("Give a lifetime above: the roadmap needs one.")
                                .weak(),
                        );
                        ui.end_row();
                        return;
                    };
                    match model {
                        LifetimeModel::Normal | LifetimeModel::Lognormal => {
                            let label = ui
                                .label("Spread (sd, years)")
                                .on_hover_text("Standard deviation of the lifetime; 0.3 × lifetime unless given")
                                .id;
                            let mut sd = node.lifetime_sd().unwrap_or(0.3 * lifetime);
                            let r = ui
                                .add(
                                    egui::DragValue::new(&mut sd)
                                        .range(0.1..=lifetime.max(1.0) * 3.0)
                                        .speed(0.05)
                                        .max_decimals(2),
                                )
                                .labelled_by(label);
                            if r.changed() {
                                edit(editor, "sd", Box::new(move |n| n.lifetime_sd = Some(sd)));
                            }
                            if ended(&r) {
                                editor.end_gesture();
                            }
                            ui.end_row();
                        }
                        LifetimeModel::Weibull => {
                            let label = ui
                                .label("Weibull shape")
                                .on_hover_text("k: 1 is a constant failure rate, higher is more wear-out")
                                .id;
                            let mut k = node.weibull_shape.unwrap_or(2.0);
                            let r = ui
                                .add(
                                    egui::DragValue::new(&mut k)
                                        .range(0.2..=20.0)
                                        .speed(0.02)
                                        .max_decimals(2),
                                )
                                .labelled_by(label);
                            if r.changed() {
                                edit(editor, "shape", Box::new(move |n| n.weibull_shape = Some(k)));
                            }
                            if ended(&r) {
                                editor.end_gesture();
                            }
                            ui.end_row();
                        }
                        LifetimeModel::Fixed => {}
                    }
                    let label = ui
                        .label("History growth (%/yr)")
                        .on_hover_text(
                            "Yearly growth of products entering use before the map's year: \
                             fit it so the model's end of life this year meets the map's \
                             (Roadmap tab, Values: Fit)",
                        )
                        .id;
                    let mut h = 100.0 * node.history_growth();
                    let r = ui
                        .add(
                            egui::DragValue::new(&mut h)
                                .range(-99.0..=1000.0)
                                .speed(0.1)
                                .max_decimals(2)
                                .suffix(" %"),
                        )
                        .labelled_by(label);
                    if r.changed() {
                        edit(
                            editor,
                            "history",
                            Box::new(move |n| n.history_growth = Some(h / 100.0)),
                        );
                    }
                    if ended(&r) {
                        editor.end_gesture();
                    }
                    ui.end_row();
                });
            demand_path_ui(ui, editor, node, &edit);
            if let Some(s) = Survival::of(node) {
                survival_plot(ui, &id, s);
            }
        });
}

/// The demand path as a table: each row the last year of a yearly growth rate.
fn demand_path_ui(ui: &mut egui::Ui, editor: &mut Editor, node: &Node, edit: NodeEdit<'_>) {
    let base = editor.doc().meta.year.unwrap_or(2024);
    let path = node.demand_growth.clone();
    ui.label(RichText::new("Demand growth after the map's year").strong())
        .on_hover_text(
            "Each row: the growth of products entering use each year up to and including \
             “until”; none past the last row",
        );
    let mut remove = None;
    egui::Grid::new(("demand path", &node.id))
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            ui.label(RichText::new("until").weak());
            ui.label(RichText::new("growth").weak());
            ui.label("");
            ui.end_row();
            for (i, &(until, rate)) in path.iter().enumerate() {
                let lo = if i == 0 { base + 1 } else { path[i - 1].0 + 1 };
                let hi = path.get(i + 1).map_or(base + 500, |p| p.0 - 1);
                let mut year = until;
                let r = ui.add(
                    egui::DragValue::new(&mut year)
                        .range(lo..=hi.max(lo))
                        .speed(0.2),
                );
                let r = r.on_hover_text(format!("row {}: until year", i + 1));
                if r.changed() && year != until {
                    edit(
                        editor,
                        &format!("until{i}"),
                        Box::new(move |n| {
                            if let Some(p) = n.demand_growth.get_mut(i) {
                                p.0 = year;
                            }
                        }),
                    );
                }
                if r.drag_stopped() || r.lost_focus() {
                    editor.end_gesture();
                }
                let mut pct = 100.0 * rate;
                let r = ui.add(
                    egui::DragValue::new(&mut pct)
                        .range(-99.0..=1000.0)
                        .speed(0.1)
                        .max_decimals(2)
                        .suffix(" %/yr"),
                );
                let r = r.on_hover_text(format!("row {}: growth per year", i + 1));
                if r.changed() {
                    edit(
                        editor,
                        &format!("rate{i}"),
                        Box::new(move |n| {
                            if let Some(p) = n.demand_growth.get_mut(i) {
                                p.1 = pct / 100.0;
                            }
                        }),
                    );
                }
                if r.drag_stopped() || r.lost_focus() {
                    editor.end_gesture();
                }
                if ui
                    .small_button("Remove")
                    .on_hover_text("Remove this row")
                    .clicked()
                {
                    remove = Some(i);
                }
                ui.end_row();
            }
        });
    if let Some(i) = remove {
        edit(
            editor,
            "remove row",
            Box::new(move |n| {
                if i < n.demand_growth.len() {
                    n.demand_growth.remove(i);
                }
            }),
        );
        editor.end_gesture();
    }
    if ui
        .small_button("Add row")
        .on_hover_text("A further period of growth, five years after the last")
        .clicked()
    {
        let (until, rate) = path
            .last()
            .map_or((base.max(2025) + 6, 0.0), |&(y, r)| (y + 5, r));
        edit(
            editor,
            "add row",
            Box::new(move |n| n.demand_growth.push((until, rate))),
        );
        editor.end_gesture();
    }
}

/// A small chart of the survival function: the share still in use by age.
fn survival_plot(ui: &mut egui::Ui, id: &str, s: Survival) {
    let top = (s.lifetime * 2.5)
        .max(s.lifetime + 4.0 * s.sd)
        .clamp(1.0, 500.0);
    let n = 120;
    let curve: Vec<[f64; 2]> = (0..=n)
        .map(|i| {
            let a = top * f64::from(i) / f64::from(n);
            [a, 100.0 * s.at(a)]
        })
        .collect();
    ui.label(RichText::new("Survival: share still in use by age").strong());
    let width = ui.available_width().min(340.0);
    fixed_plot(format!("survival {id}").as_str(), width, 110.0)
        .include_y(0.0)
        .include_y(100.0)
        .include_x(0.0)
        .y_axis_formatter(|m, _| format!("{:.0} %", m.value))
        .custom_x_axes(vec![
            AxisHints::new_x()
                .label_spacing(30.0..=60.0)
                .formatter(|m, _| format!("{:.0} yr", m.value)),
        ])
        .label_formatter(move |pos| {
            let p = match pos {
                HoverPosition::NearDataPoint { position, .. } => position,
                HoverPosition::Elsewhere { position } => position,
            };
            let a = p.x.max(0.0);
            Some(format!("age {a:.1} yr: {:.0} % in use", 100.0 * s.at(a)))
        })
        .show(ui, |plot| {
            plot.line(
                Line::new("in use", PlotPoints::from(curve))
                    .color(Color32::from_rgb(51, 34, 136))
                    .width(2.0),
            );
            plot.vline(
                VLine::new("mean lifetime", s.lifetime)
                    .color(Color32::GRAY)
                    .style(LineStyle::Dashed { length: 4.0 }),
            );
        });
}

/// End of life stacked by product; demand and what each loop kind returns as lines; the
/// other scenarios' demand, end of life and return dashed (one legend entry each).
fn end_of_life_chart(
    ui: &mut egui::Ui,
    r: &Roadmap,
    others: &[(String, Roadmap)],
    unit: &str,
    size: egui::Vec2,
    dark: bool,
    legend: bool,
) {
    let (stacked, lines, _) = chart_series(r);
    let xs: Vec<f64> = r.years.iter().map(|&y| f64::from(y)).collect();
    let mut curves = Vec::new();
    let mut bands = Vec::new();
    let mut lower = vec![0.0; xs.len()];
    for s in &stacked {
        let upper: Vec<f64> = lower
            .iter()
            .zip(&s.values)
            .map(|(l, v)| l + v.unwrap_or(0.0))
            .collect();
        let colour = theme::colour(s.colour);
        bands.push((short_label(&s.label), colour, lower.clone(), upper.clone()));
        curves.push(Curve {
            name: short_label(&s.label),
            what: format!("{}: end of life", s.label),
            width: 1.0,
            drawn: some(&upper),
            ..Curve::new("", colour, s.values.clone())
        });
        lower = upper;
    }
    for s in &lines {
        let colour = if s.label == "demand" {
            Color32::from_gray(if dark { 230 } else { 20 })
        } else {
            theme::colour(s.colour)
        };
        let mut c = Curve::new(&s.label, colour, s.values.clone());
        if let Some((d, _)) = s.dash {
            c.style = LineStyle::Dashed { length: d * 2.0 };
        }
        curves.push(c);
    }
    for (j, (name, o)) in others.iter().enumerate() {
        let colour = OTHERS[j % OTHERS.len()];
        let mut add = |what: &str, v: Vec<Option<f64>>| {
            curves.push(Curve {
                what: format!("{name}: {what}"),
                ..Curve::new(name, colour, v).dashed(7.0)
            })
        };
        if differs(&some(&o.demand), &some(&r.demand)) {
            add("demand", some(&o.demand));
        }
        if differs(&some(&o.eol), &some(&r.eol)) {
            add("end of life", some(&o.eol));
        }
        add("returned (all loops)", some(&o.returned.total()));
    }
    ui.label(
        RichText::new(format!(
            "End of life by product, demand and what returns ({unit})"
        ))
        .strong(),
    )
    .on_hover_text(
        "Bands: what leaves use each year, by product. Lines: products entering use \
             (demand) and what the map's loops bring back, by loop kind. Dashed: the other \
             scenarios (demand and end of life where they differ, and what returns). The \
             vertical line is the map's year.",
    );
    let years = r.years.clone();
    let show = |v: f64| crate::present::amount(v);
    let base = f64::from(r.base_year);
    let drawn: Vec<Line<'static>> = curves.iter().map(|c| c.line(&years)).collect();
    let band_count = bands.len();
    let plot = fixed_plot("roadmap end of life", size.x, size.y).include_y(0.0);
    let plot = if legend {
        plot.legend(chart_legend())
    } else {
        plot
    };
    plot.custom_x_axes(vec![year_axis()])
        .custom_y_axes(vec![value_axis(|v| {
            if v == 0.0 {
                "0".into()
            } else {
                crate::present::amount(v)
            }
        })])
        .label_formatter(move |pos| hover_text(pos, &years, &curves, &show))
        .show(ui, |plot| {
            // The bands' top lines first: the legend takes each product's colour from the
            // first item of its name (a filled area has none of its own).
            let mut drawn = drawn.into_iter();
            for line in drawn.by_ref().take(band_count) {
                plot.line(line);
            }
            for (name, colour, lo, hi) in bands {
                plot.add(
                    FilledArea::new(name, &xs, &lo, &hi)
                        .fill_color(colour.gamma_multiply(0.75))
                        .allow_hover(false),
                );
            }
            for line in drawn {
                plot.line(line);
            }
            plot.vline(base_marker(base));
        });
}

/// Years on the x axis, every tenth year labelled where there is room.
pub(super) fn year_axis() -> AxisHints<'static> {
    AxisHints::new_x()
        .label_spacing(26.0..=60.0)
        .formatter(|m, _| format!("{:.0}", m.value))
}

/// Values on the y axis, labelled closer together than egui_plot's default so that a
/// short chart keeps a few.
pub(super) fn value_axis(show: impl Fn(f64) -> String + 'static) -> AxisHints<'static> {
    AxisHints::new_y()
        .label_spacing(16.0..=40.0)
        .formatter(move |m, _| show(m.value))
}

/// The charts' legend: top left, where the curves start low.
pub(super) fn chart_legend() -> Legend {
    Legend::default()
        .position(Corner::LeftTop)
        .text_style(egui::TextStyle::Small)
        .follow_insertion_order(true)
        // A product's entry takes the colour of its band's top line, drawn first.
        .color_conflict_handling(ColorConflictHandling::PickFirst)
}

/// The dashed line at the map's year (no legend entry).
pub(super) fn base_marker(year: f64) -> VLine {
    VLine::new("", year)
        .color(Color32::GRAY)
        .style(LineStyle::Dashed { length: 4.0 })
}

/// The ceiling on recycled content and the secondary share, in percent; the other
/// scenarios dashed.
fn ceiling_chart(
    ui: &mut egui::Ui,
    r: &Roadmap,
    others: &[(String, Roadmap)],
    size: egui::Vec2,
    legend: bool,
) {
    let percents = |v: &[Option<f64>]| v.iter().map(|v| pct(*v)).collect::<Vec<_>>();
    let mut curves = vec![
        Curve::new(
            "EOL ceiling",
            Color32::from_rgb(51, 34, 136),
            percents(&r.eol_ceiling),
        ),
        Curve::new(
            "secondary share",
            theme::loop_colour(crate::model::Loop::Recycle, false),
            percents(&r.secondary_share),
        ),
    ];
    for (j, (name, o)) in others.iter().enumerate() {
        let colour = OTHERS[j % OTHERS.len()];
        let ceiling = percents(&o.eol_ceiling);
        if differs(&ceiling, &curves[0].value) {
            curves.push(Curve {
                what: format!("{name}: EOL ceiling"),
                ..Curve::new(name, colour, ceiling).dashed(7.0)
            });
        }
        curves.push(Curve {
            what: format!("{name}: secondary share"),
            ..Curve::new(name, colour, percents(&o.secondary_share)).dashed(7.0)
        });
    }
    ui.label(RichText::new("Ceiling on recycled content (% of demand)").strong())
        .on_hover_text(
            "EOL ceiling: end-of-life material over demand, the most recycled content could \
             reach if all of it came back. Secondary share: what the map's loops as drawn \
             return, over demand. Dashed: the other scenarios. The vertical line is the \
             map's year.",
        );
    let years = r.years.clone();
    let show = |v: f64| format!("{v:.1} %");
    let base = f64::from(r.base_year);
    let drawn: Vec<Line<'static>> = curves.iter().map(|c| c.line(&years)).collect();
    let plot = fixed_plot("roadmap ceiling", size.x, size.y).include_y(0.0);
    let plot = if legend {
        plot.legend(chart_legend())
    } else {
        plot
    };
    plot.custom_x_axes(vec![year_axis()])
        .custom_y_axes(vec![value_axis(|v| format!("{v:.0} %"))])
        .label_formatter(move |pos| hover_text(pos, &years, &curves, &show))
        .show(ui, |plot| {
            for line in drawn {
                plot.line(line);
            }
            plot.vline(base_marker(base));
        });
}

/// The values: demand, end of life, what returns and the two shares in a few years, each
/// other scenario's secondary share, and the base-year fit per product.
fn values_ui(ui: &mut egui::Ui, r: &Roadmap, others: &[(String, Roadmap)], unit: &str) {
    let years = shown_years(r);
    egui::Grid::new("roadmap values grid")
        .striped(true)
        .num_columns(6 + others.len())
        .show(ui, |ui| {
            ui.strong("year");
            for c in [
                format!("demand ({unit})"),
                "end of life".into(),
                "returned".into(),
                "EOL ceiling".into(),
            ] {
                ui.strong(c);
            }
            ui.strong("secondary share").on_hover_text(
                "What the map's loops return of the model's end of life, over demand (products \
                 into use). Not the map's recycled content, which is recycled input over \
                 production input: see the note below the end-of-life table",
            );
            for (name, _) in others {
                ui.strong(format!("{name}: secondary"));
            }
            ui.end_row();
            let returned = r.returned.total();
            for &i in &years {
                let mut year = r.years[i].to_string();
                if r.years[i] == r.base_year {
                    year.push_str(" (map)");
                }
                ui.label(year);
                ui.label(table_amount(r.demand[i]));
                ui.label(table_amount(r.eol[i]));
                ui.label(table_amount(returned[i]));
                ui.label(percent_or_dash(r.eol_ceiling[i]));
                ui.label(percent_or_dash(r.secondary_share[i]));
                for (_, o) in others {
                    ui.label(
                        o.index_of(r.years[i])
                            .map_or(UNKNOWN.into(), |k| percent_or_dash(o.secondary_share[k])),
                    );
                }
                ui.end_row();
            }
        });
    if !r.left_out.is_empty() {
        ui.label(
            RichText::new(format!("Left out (no lifetime): {}", r.left_out.join(", "))).weak(),
        );
    }
}

/// Each product's end of life in the base year by the model and by the map, with the two
/// ways to make them meet: fit the history growth to the map, or let the stock model set
/// the map's end of life (a dynamic stock change, the suggested fix: the map then follows
/// the lifetimes). Below, why the base year's secondary share is not the recycled content.
fn end_of_life_fit_ui(ui: &mut egui::Ui, editor: &mut Editor, r: &Roadmap) {
    // Inside a sideways scroll nothing wraps by itself: the notes wrap at what is seen.
    let width = ui.clip_rect().right() - ui.cursor().left() - 8.0;
    let note = |ui: &mut egui::Ui, text: String| {
        ui.scope(|ui| {
            ui.set_max_width(width.max(200.0));
            ui.add(egui::Label::new(RichText::new(text).weak()).wrap());
        });
    };
    ui.add_space(6.0);
    ui.strong(format!("End of life in {}: model and map", r.base_year));
    note(
        ui,
        String::from(
            "The model's end of life comes from each product's lifetime and its history \
             growth (what entered use before the map's year); the map's is what its flows \
             send out of use this year. Far apart, the roadmap and the map tell two stories: \
             make the stock change dynamic so that the map takes the model's end of life \
             (suggested), or fit the history growth to the map's.",
        ),
    );
    let (working, recycled) = {
        let d = editor.derived();
        (d.working.clone(), d.analysis.indicators.recycled_content)
    };
    let fits = roadmap::history_fits(&working, r);
    let mut chosen: Vec<FitAction> = Vec::new();
    // One block a product, its actions on a line of their own: the column is narrow at
    // 1280 x 720, and a row of seven cells would hide the buttons off to the right.
    ui.scope(|ui| {
        ui.set_max_width(width.max(200.0));
        for ((label, model, map, ratio), fit) in fit_lines(r).into_iter().zip(&fits) {
            ui.add_space(2.0);
            ui.horizontal_wrapped(|ui| {
                ui.strong(label);
                ui.label(format!(
                    "model {}, map {}, off by",
                    table_amount(model),
                    table_amount(map)
                ));
                ui.label(off_by(ratio));
                ui.label(format!("; history growth {}", growth(fit.current)));
            });
            let dynamic = working
                .node(&fit.id)
                .is_some_and(|n| n.stock_change() == StockChange::Dynamic);
            ui.horizontal_wrapped(|ui| {
                if dynamic {
                    ui.label(
                        RichText::new("Dynamic: the map takes the model's end of life").weak(),
                    );
                    return;
                }
                let button = ui.button("Make dynamic").on_hover_text(
                    "Suggested: let the stock model set this product's end of life in the map \
                     (stock change: dynamic)",
                );
                if button.clicked() {
                    chosen.push(FitAction::Dynamic(fit.id.clone()));
                }
                fit_cell(ui, fit, &mut chosen);
            });
        }
    });
    let fittable: Vec<FitAction> = fits
        .iter()
        .filter_map(|f| match f.fitted {
            Ok(h) if h != f.current => Some(FitAction::Growth(f.id.clone(), h)),
            _ => None,
        })
        .collect();
    if fittable.len() > 1 && ui.button("Fit every history growth to the map").clicked() {
        chosen.extend(fittable);
    }
    if let Some(text) =
        crate::export::roadmap::base_year_note(r, recycled, editor.doc().meta.unit())
    {
        note(ui, text);
    }
    if !chosen.is_empty() {
        editor.edit(None, move |doc| {
            for action in &chosen {
                action.apply(doc);
            }
        });
        editor.end_gesture();
    }
}

/// A change the end-of-life table offers.
enum FitAction {
    /// Set a use node's history growth.
    Growth(String, f64),
    /// Make a use node's stock change dynamic.
    Dynamic(String),
}

impl FitAction {
    fn apply(&self, doc: &mut crate::model::Document) {
        let (FitAction::Growth(id, _) | FitAction::Dynamic(id)) = self;
        let Some(node) = doc.nodes.iter_mut().find(|n| &n.id == id) else {
            return;
        };
        match self {
            FitAction::Growth(_, h) => node.history_growth = Some(*h),
            FitAction::Dynamic(_) => node.stock_change = Some(StockChange::Dynamic),
        }
    }
}

/// The history growth that fits the map, as a button that sets it (or why none does).
fn fit_cell(ui: &mut egui::Ui, fit: &roadmap::HistoryFit, chosen: &mut Vec<FitAction>) {
    match &fit.fitted {
        Ok(h) if *h == fit.current => {
            ui.label(RichText::new("the history growth fits the map").weak());
        }
        Ok(h) => {
            let button = ui.button(format!("Fit: {}", growth(*h))).on_hover_text(
                "Set the history growth so that the model's end of life this year is the map's",
            );
            if button.clicked() {
                chosen.push(FitAction::Growth(fit.id.clone(), *h));
            }
        }
        Err(e) => {
            ui.label(RichText::new("no history growth fits").weak())
                .on_hover_text(e.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_values_table_shows_the_map_year_and_every_fifth_year() {
        let doc = crate::io::samples::default_sample().load().unwrap();
        let r = roadmap::compute(&doc).unwrap();
        let years: Vec<i32> = shown_years(&r).iter().map(|&i| r.years[i]).collect();
        assert_eq!(years, [2024, 2025, 2030, 2035, 2040, 2045, 2050]);
    }

    #[test]
    fn hovering_a_band_gives_the_products_own_value_and_elsewhere_every_value() {
        let years = [2024, 2025];
        let band = Curve {
            what: "EVs: end of life".into(),
            drawn: vec![Some(30.0), Some(32.0)],
            ..Curve::new("EVs", Color32::RED, vec![Some(10.0), Some(12.0)])
        };
        let other = Curve::new("demand", Color32::BLACK, vec![Some(50.0), Some(55.0)]);
        let curves = [band, other];
        let show = |v: f64| format!("{v:.0}");
        let near = HoverPosition::NearDataPoint {
            plot_name: "EVs",
            position: egui_plot::PlotPoint::new(2025.2, 31.0),
            index: 1,
        };
        assert_eq!(
            hover_text(&near, &years, &curves, &show).unwrap(),
            "EVs: end of life\n2025: 12"
        );
        let away = HoverPosition::Elsewhere {
            position: egui_plot::PlotPoint::new(2023.7, 5.0),
        };
        assert_eq!(
            hover_text(&away, &years, &curves, &show).unwrap(),
            "2024\nEVs: end of life: 10\ndemand: 50"
        );
    }

    #[test]
    fn a_legend_names_a_product_shortly() {
        assert_eq!(
            short_label("Electronics in use (HDDs, phones, audio)"),
            "Electronics"
        );
        assert_eq!(
            short_label("Industrial motors & other uses"),
            "Industrial motors & other uses"
        );
    }

    #[test]
    fn curves_that_match_are_not_drawn_twice() {
        assert!(!differs(&[Some(1.0), None], &[Some(1.0), None]));
        assert!(differs(&[Some(1.0)], &[Some(1.1)]));
        assert!(differs(&[Some(1.0)], &[None]));
    }
}
