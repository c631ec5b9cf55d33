//! The Targets tab (indicators.md §11): is the chain on track? One row per target of the
//! map with today's value, each scenario's, met or not, the gap and the year met; buttons
//! that add the built-in UK 2035 and EU 2030 sets; the chosen row's fields, editable.

use egui::RichText;

use super::editor::TargetCases;
use super::{Editor, Request, theme};
use crate::analysis::targets::{self, RowResult, TargetsReport};
use crate::export::targets::{gap, share, share_or_dash, stages as stages_text, year_met};
use crate::model::Document;
use crate::model::targets::{Bound, Measure, Mode, Stages, Target};
use crate::present::UNKNOWN;

/// The built-in sets the tab offers: (set name, button text, what the rows are called).
const SETS: [(&str, &str, &str); 2] = [
    ("uk-2035", "Add the UK 2035 set", "UK 2035"),
    ("eu-crma-2030", "Add the EU 2030 set", "EU 2030"),
];

/// The mark of a row met (or not); the editor's font has these two.
pub const MET: &str = "✔";
pub const NOT_MET: &str = "✖";

/// The Targets tab: the row whose fields are shown, and the text of the field being typed
/// in (kept while it does not read as a value yet).
#[derive(Default)]
pub struct TargetsTab {
    pub selected: usize,
    typing: Option<(String, String)>,
}

impl TargetsTab {
    pub fn ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        let cases = editor.targets();
        toolbar_ui(ui, editor, &mut self.selected);
        if editor.doc().targets.is_empty() {
            ui.label(
                RichText::new(
                    "No targets yet. Add the UK 2035 or the EU 2030 set (saved with the map), \
                     or a row of your own: each row says how far the chain is from a share of \
                     demand at home, from recycling, or from any one country.",
                )
                .weak(),
            );
            return;
        }
        self.selected = self.selected.min(editor.doc().targets.len() - 1);
        // Only the table scrolls sideways: the row's fields wrap to the tab's width.
        let width = ui.available_width();
        egui::ScrollArea::vertical()
            .id_salt("targets")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.set_max_width(width);
                egui::ScrollArea::horizontal()
                    .id_salt("targets table")
                    .show(ui, |ui| self.table_ui(ui, &cases));
                ui.separator();
                self.row_editor_ui(ui, editor);
            });
    }

    /// One row per target: the threshold, today (with its mark), the gap, the year met,
    /// each scenario, then the year due and the source: what matters first, as the
    /// table scrolls sideways in a narrow window.
    fn table_ui(&mut self, ui: &mut egui::Ui, cases: &TargetCases) {
        let Some((_, base)) = cases.first() else {
            return;
        };
        let scenarios = &cases[1..];
        egui::Grid::new("targets grid")
            .striped(true)
            .num_columns(7 + scenarios.len())
            .show(ui, |ui| {
                ui.strong("Target");
                ui.strong("Threshold");
                ui.strong("Today").on_hover_text(format!(
                    "The baseline's value: {MET} met, {NOT_MET} not (the worst listed stage \
                     when every stage must meet it, the best when one is enough)"
                ));
                ui.strong("Gap")
                    .on_hover_text("Percentage points still to go today (0 once the row is met)");
                ui.strong("Year met").on_hover_text(
                    "Recycling rows: the map's year if it meets the row today, else the first \
                     year the roadmap's recycling share reaches it (the baseline's)",
                );
                for (name, _) in scenarios {
                    ui.strong(short(name, 18)).on_hover_text(name);
                }
                ui.strong("Due");
                ui.strong("Source");
                ui.end_row();
                for (i, row) in base.rows.iter().enumerate() {
                    let t = &row.target;
                    let name = ui
                        .selectable_label(self.selected == i, &t.name)
                        .on_hover_text(format!("{}\n\nClick to edit this row below", t.source));
                    if name.clicked() {
                        self.selected = i;
                    }
                    ui.label(threshold(t.bound));
                    value_cell(ui, row, base);
                    ui.label(gap(row));
                    ui.label(year_met(row, base));
                    for (_, report) in scenarios {
                        match report.rows.get(i) {
                            Some(r) => value_cell(ui, r, report),
                            None => {
                                ui.label(UNKNOWN);
                            }
                        }
                    }
                    ui.label(t.year.map_or(String::new(), |y| y.to_string()));
                    ui.label(short(&t.source, 28)).on_hover_text(&t.source);
                    ui.end_row();
                }
            });
    }

    /// The chosen row's fields in a grid of label and field pairs (it fits the tab at
    /// 1280×720), each edited through the editor: undo and autosave see every change.
    fn row_editor_ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        let i = self.selected;
        let Some(t) = editor.doc().targets.get(i).cloned() else {
            return;
        };
        ui.horizontal(|ui| {
            ui.strong(format!("Row {}: {}", i + 1, t.name));
            if ui
                .button("Remove row")
                .on_hover_text("Take this target out of the map")
                .clicked()
            {
                editor.edit_baseline(None, |d| {
                    if i < d.targets.len() {
                        d.targets.remove(i);
                    }
                });
                self.selected = i.saturating_sub(1);
            }
        });
        egui::Grid::new(("target fields", i))
            .num_columns(4)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                let label = ui.label("Name").id;
                if let Some(text) = self.text_edit(ui, editor, i, label, &t.name, 210.0) {
                    edit_row(editor, i, "name", |t| t.name = text);
                }
                let label = ui.label("Measure").id;
                measure_ui(ui, editor, i, &t, label);
                ui.end_row();
                let label = ui.label("Threshold (%)").id;
                ui.horizontal(|ui| {
                    bound_ui(ui, editor, i, &t);
                    let shown = crate::present::editable_number(100.0 * t.bound.value());
                    if let Some(text) = self.text_edit(ui, editor, i, label, &shown, 48.0) {
                        match parse_percent(&text) {
                            Ok(v) => edit_row(editor, i, "threshold", |t| {
                                t.bound = match t.bound {
                                    Bound::Min(_) => Bound::Min(v),
                                    Bound::Max(_) => Bound::Max(v),
                                };
                            }),
                            Err(e) => editor.ask(Request::Hint(e)),
                        }
                    }
                });
                let label = ui.label("Year").id;
                let year = t.year.map_or(String::new(), |y| y.to_string());
                if let Some(text) = self.text_edit(ui, editor, i, label, &year, 48.0) {
                    match parse_year(&text) {
                        Ok(year) => edit_row(editor, i, "year", |t| t.year = year),
                        Err(e) => editor.ask(Request::Hint(e)),
                    }
                }
                ui.end_row();
                if t.measure.by_stage() {
                    let label = ui.label("Stages").id;
                    let stages = match t.stages() {
                        Stages::All => "all".to_string(),
                        Stages::List(l) => l.join(", "),
                    };
                    let r = self.text_edit(ui, editor, i, label, &stages, 210.0);
                    if let Some(text) = r {
                        edit_row(editor, i, "stages", |t| {
                            t.stages = Some(parse_stages(&text))
                        });
                    }
                    let label = ui.label("Stages must").id;
                    mode_ui(ui, editor, i, &t, label);
                    ui.end_row();
                }
                let label = ui.label("Home").id;
                ui.horizontal(|ui| {
                    let home = t.home.clone().unwrap_or_default();
                    if let Some(text) = self.text_edit(ui, editor, i, label, &home, 40.0) {
                        let home = text.trim().to_uppercase();
                        edit_row(editor, i, "home", |t| {
                            t.home = (!home.is_empty()).then_some(home);
                        });
                    }
                    if t.home.is_none() {
                        let map_home = editor.doc().meta.home_country.clone();
                        ui.label(
                            RichText::new(match map_home {
                                Some(h) => format!("empty: the map's ({h})"),
                                None => "empty: the map's (none set)".into(),
                            })
                            .weak(),
                        );
                    }
                });
                let label = ui.label("Source").id;
                if let Some(text) = self.text_edit(ui, editor, i, label, &t.source, 210.0) {
                    edit_row(editor, i, "source", |t| t.source = text);
                }
                ui.end_row();
            });
    }

    /// A text field of row `i` labelled by `label`; the new text while it is typed. The
    /// typed text is kept while the field has the keyboard, so a value that does not read
    /// yet (or is refused) stays as typed.
    fn text_edit(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        i: usize,
        label: egui::Id,
        value: &str,
        width: f32,
    ) -> Option<String> {
        let key = format!("{i}:{label:?}");
        let mut text = match &self.typing {
            Some((k, t)) if *k == key => t.clone(),
            _ => value.to_string(),
        };
        let r = ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(width))
            .labelled_by(label);
        let mut changed = None;
        if r.changed() {
            changed = Some(text.clone());
            self.typing = Some((key.clone(), text));
        }
        if r.lost_focus() {
            if matches!(&self.typing, Some((k, _)) if *k == key) {
                self.typing = None;
            }
            editor.end_gesture();
        }
        changed
    }
}

fn measure_ui(ui: &mut egui::Ui, editor: &mut Editor, i: usize, t: &Target, label: egui::Id) {
    let mut measure = t.measure;
    egui::ComboBox::from_id_salt(("target measure", i))
        .selected_text(measure_name(measure))
        .show_ui(ui, |ui| {
            for m in Measure::ALL {
                ui.selectable_value(&mut measure, m, measure_name(m));
            }
        })
        .response
        .labelled_by(label);
    if measure != t.measure {
        edit_row(editor, i, "measure", |t| t.measure = measure);
        editor.end_gesture();
    }
}

/// At least or at most.
fn bound_ui(ui: &mut egui::Ui, editor: &mut Editor, i: usize, t: &Target) {
    let mut min = matches!(t.bound, Bound::Min(_));
    egui::ComboBox::from_id_salt(("target bound", i))
        .selected_text(if min { "at least" } else { "at most" })
        .width(70.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut min, true, "at least");
            ui.selectable_value(&mut min, false, "at most");
        })
        .response
        .on_hover_text("Whether the share must be at least or at most the threshold");
    let v = t.bound.value();
    if min != matches!(t.bound, Bound::Min(_)) {
        edit_row(editor, i, "bound", |t| {
            t.bound = if min { Bound::Min(v) } else { Bound::Max(v) };
        });
        editor.end_gesture();
    }
}

/// Buttons that add a built-in set or an own row, and whose home the rows read.
fn toolbar_ui(ui: &mut egui::Ui, editor: &mut Editor, selected: &mut usize) {
    ui.horizontal_wrapped(|ui| {
        for (set, button, short_name) in SETS {
            let rows = targets::builtin_set(set, editor.doc()).unwrap_or_default();
            let missing: Vec<Target> = rows
                .into_iter()
                .filter(|r| !editor.doc().targets.iter().any(|t| t.name == r.name))
                .collect();
            let enabled = !missing.is_empty();
            let r = ui
                .add_enabled(enabled, egui::Button::new(button))
                .on_hover_text(format!(
                    "Adds the {short_name} rows to the map (saved with it; every field can be \
                     changed after)"
                ))
                .on_disabled_hover_text(format!("The map has the {short_name} rows already"));
            if r.clicked() {
                *selected = editor.doc().targets.len();
                editor.edit_baseline(None, |d| d.targets.extend(missing));
            }
        }
        if ui
            .button("Add row")
            .on_hover_text("A target of your own")
            .clicked()
        {
            *selected = editor.doc().targets.len();
            let row = own_row(editor.doc());
            editor.edit_baseline(None, |d| d.targets.push(row));
        }
        ui.separator();
        let home = editor.doc().meta.home_country.clone();
        ui.label(match home {
            Some(h) => format!("Home: {}", crate::model::country::describe(&h)),
            None => "No home country: set it in the Map inspector".into(),
        });
    });
}

/// A new row of the map's own: recycling at least 20 % ten years after the map's year.
fn own_row(doc: &Document) -> Target {
    let n = doc.targets.len() + 1;
    Target {
        name: format!("Target {n}"),
        measure: Measure::RecyclingShare,
        stages: None,
        mode: None,
        bound: Bound::Min(0.2),
        year: doc.meta.year.map(|y| y + 10),
        home: None,
        source: String::new(),
        extra: Default::default(),
    }
}

/// Changes row `i` of the map's targets (one undo step while the same field is typed in).
fn edit_row(editor: &mut Editor, i: usize, field: &str, change: impl FnOnce(&mut Target)) {
    editor.edit_baseline(Some(&format!("target:{i}:{field}")), |d| {
        if let Some(t) = d.targets.get_mut(i) {
            change(t);
        }
    });
}

fn mode_ui(ui: &mut egui::Ui, editor: &mut Editor, i: usize, t: &Target, label: egui::Id) {
    let mut mode = t.mode();
    let name = |m: Mode| match m {
        Mode::All => "all meet it",
        Mode::Any => "one is enough",
    };
    egui::ComboBox::from_id_salt(("target mode", i))
        .selected_text(name(mode))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut mode, Mode::All, name(Mode::All));
            ui.selectable_value(&mut mode, Mode::Any, name(Mode::Any));
        })
        .response
        .labelled_by(label);
    if mode != t.mode() {
        edit_row(editor, i, "mode", |t| t.mode = Some(mode));
        editor.end_gesture();
    }
}

/// A row's value in one case, with its mark; on hover, each stage's value.
fn value_cell(ui: &mut egui::Ui, row: &RowResult, report: &TargetsReport) {
    let text = match row.met {
        Some(m) => format!("{} {}", share_or_dash(row.value), met_text(Some(m))),
        None => share_or_dash(row.value),
    };
    let colour = match row.met {
        Some(true) => theme::OK,
        Some(false) => theme::ERROR,
        None => ui.visuals().weak_text_color(),
    };
    let mut hover = String::new();
    if row.target.measure.by_stage() {
        hover.push_str(&format!("Stages: {}", stages_text(row)));
        for (s, v) in &row.by_stage {
            hover.push_str(&format!("\n{s}: {}", share(*v)));
        }
    }
    let year = year_met(row, report);
    if !year.is_empty() {
        hover.push_str(&format!("Year met: {year}"));
    }
    let r = ui.label(RichText::new(text).color(colour));
    if !hover.is_empty() {
        r.on_hover_text(hover);
    }
}

pub fn met_text(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => MET,
        Some(false) => NOT_MET,
        None => UNKNOWN,
    }
}

/// "at least 10 %" or "at most 60 %".
pub fn threshold(bound: Bound) -> String {
    match bound {
        Bound::Min(v) => format!("at least {}", share(v)),
        Bound::Max(v) => format!("at most {}", share(v)),
    }
}

pub fn measure_name(m: Measure) -> &'static str {
    match m {
        Measure::DomesticShare => "domestic share",
        Measure::TopForeignShare => "largest share from one country",
        Measure::RecyclingShare => "recycling share",
    }
}

/// `text` cut to `max` characters with an ellipsis.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

/// "25", "25 %" or "25%" as the fraction 0.25; refused outside 0–100 %.
fn parse_percent(text: &str) -> Result<f64, String> {
    let t = text.trim().trim_end_matches('%').trim().replace(',', ".");
    let v: f64 = t
        .parse()
        .map_err(|_| format!("\"{text}\" is not a percentage: type e.g. 20 for 20 %"))?;
    if !(0.0..=100.0).contains(&v) {
        return Err("A threshold is a share of demand: between 0 and 100 %".into());
    }
    Ok(v / 100.0)
}

/// A year, or nothing for a row without one.
fn parse_year(text: &str) -> Result<Option<i32>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse()
        .map(Some)
        .map_err(|_| format!("\"{text}\" is not a year: type e.g. 2035"))
}

/// "all", or stage names separated by commas.
fn parse_stages(text: &str) -> Stages {
    if text.trim().eq_ignore_ascii_case("all") {
        return Stages::All;
    }
    Stages::List(
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    )
}

/// The sets the map's rows come from, by the part of their names before the colon
/// ("UK 2035: recycling" is of "UK 2035"), in the order they first come.
pub fn set_names(rows: &[Target]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for t in rows {
        let name = t.name.split(':').next().unwrap_or("").trim().to_string();
        if !name.is_empty() && t.name.contains(':') && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The Roadmap tab's Targets view: the recycling share at home over the years, the case
/// shown solid and the others dashed; each recycling target a horizontal line, with a
/// mark where each case meets it; under the title, the year met per case.
pub fn recycling_chart_ui(
    ui: &mut egui::Ui,
    cases: &TargetCases,
    shown: Option<&str>,
    base_year: i32,
    size: egui::Vec2,
    legend: bool,
) {
    let Some((_, base)) = cases.first() else {
        return;
    };
    let home = base.home.clone().unwrap_or_else(|| UNKNOWN.into());
    ui.label(RichText::new(format!("Recycling at home ({home}), % of demand")).strong())
        .on_hover_text(
            "Recycling out of recovery at home into production or use, and recycled sources at \
             home, over demand, as the roadmap follows end of life over the years. Horizontal \
             lines: the map's recycling targets; dots: the year each case meets one. Dashed: \
             the cases not shown.",
        );
    // Rows read at another home than the map's (the EU set on a member state's map) have
    // their year met listed, but their share is not the one drawn.
    let recycling: Vec<usize> = base
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.target.measure == Measure::RecyclingShare)
        .map(|(i, _)| i)
        .collect();
    if recycling.is_empty() {
        ui.label(
            RichText::new("No recycling target: add one (or a set) in the Targets tab.").weak(),
        );
    }
    for &i in &recycling {
        let row = &base.rows[i];
        let years: Vec<String> = cases
            .iter()
            .map(|(name, report)| {
                let met = report
                    .rows
                    .get(i)
                    .map_or(UNKNOWN.into(), |r| year_met(r, report));
                format!("{name} {met}")
            })
            .collect();
        ui.label(format!(
            "{} ({}), year met: {}",
            row.target.name,
            threshold(row.target.bound),
            years.join(" · ")
        ));
    }
    let shown_index = shown
        .and_then(|s| cases.iter().position(|(n, _)| n == s))
        .unwrap_or(0);
    let colour = |j: usize| {
        if j == shown_index {
            theme::loop_colour(crate::model::Loop::Recycle, false)
        } else {
            super::roadmap::OTHERS[j % super::roadmap::OTHERS.len()]
        }
    };
    let mut lines = Vec::new();
    let mut marks = Vec::new();
    for (j, (name, report)) in cases.iter().enumerate() {
        let Some(path) = &report.recycling_path else {
            continue;
        };
        let points: Vec<[f64; 2]> = path
            .years
            .iter()
            .zip(&path.share)
            // Targets are ahead: the years before the map's are left out.
            .filter(|(y, _)| **y >= base_year)
            .filter_map(|(y, v)| v.map(|v| [f64::from(*y), 100.0 * v]))
            .collect();
        let line = egui_plot::Line::new(name.clone(), points).color(colour(j));
        lines.push(if j == shown_index {
            line.width(2.5)
        } else {
            line.width(1.5)
                .style(egui_plot::LineStyle::Dashed { length: 7.0 })
        });
        for &i in &recycling {
            if let Some(r) = report.rows.get(i)
                && let Some(y) = r.year_met
            {
                let at = [f64::from(y), 100.0 * r.target.bound.value()];
                marks.push(
                    egui_plot::Points::new(format!("{name}: {} met {y}", r.target.name), vec![at])
                        .color(colour(j))
                        .radius(5.0)
                        .shape(egui_plot::MarkerShape::Circle),
                );
            }
        }
    }
    let hlines: Vec<egui_plot::HLine> = recycling
        .iter()
        .map(|&i| {
            let t = &base.rows[i].target;
            egui_plot::HLine::new(
                format!("{} ({})", t.name, threshold(t.bound)),
                100.0 * t.bound.value(),
            )
            .color(theme::ERROR.gamma_multiply(0.8))
            .style(egui_plot::LineStyle::Dashed { length: 4.0 })
        })
        .collect();
    // What is left under the lines above, so the tab keeps its height.
    let height = (ui.available_height() - 6.0).clamp(90.0, size.y);
    let plot = super::charts::fixed_plot("roadmap targets", size.x, height).include_y(0.0);
    let plot = if legend {
        plot.legend(super::roadmap::chart_legend())
    } else {
        plot
    };
    plot.custom_x_axes(vec![super::roadmap::year_axis()])
        .custom_y_axes(vec![super::roadmap::value_axis(|v| format!("{v:.0} %"))])
        .show(ui, |plot| {
            for l in lines {
                plot.line(l);
            }
            for h in hlines {
                plot.hline(h);
            }
            for m in marks {
                plot.points(m);
            }
            plot.vline(super::roadmap::base_marker(f64::from(base_year)));
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_typed_in_percent_and_refused_outside_0_to_100() {
        assert_eq!(parse_percent("25"), Ok(0.25));
        assert_eq!(parse_percent(" 12,5 % "), Ok(0.125));
        assert!(parse_percent("120").is_err());
        assert!(parse_percent("lots").is_err());
    }

    #[test]
    fn stages_are_all_or_a_list() {
        assert_eq!(parse_stages(" All "), Stages::All);
        assert_eq!(
            parse_stages("mining, separation,"),
            Stages::List(vec!["mining".into(), "separation".into()])
        );
        assert_eq!(parse_year(""), Ok(None));
        assert_eq!(parse_year("2035"), Ok(Some(2035)));
    }
}
