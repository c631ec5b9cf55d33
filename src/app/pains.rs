//! Pain points in the editor: adding one on the selection, voting, deleting what carries
//! them, the Pain points tab (filter, sort, click to find), the summary under the
//! indicators, and the inspector of one pain point.

use egui::RichText;

use super::{Command, Editor, theme};
use crate::model::Document;
use crate::model::pains;
use crate::model::{Anchor, Category, PainPoint, PainStatus};

/// Width of the title column of the Pain points table: a share of the table's width, so
/// who raised it and its severity stay in view on a 1280 px projector.
fn title_width(table: f32) -> f32 {
    (0.3 * table).clamp(170.0, 380.0)
}

/// A column of the Pain points table, to sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PainColumn {
    Number,
    Title,
    Category,
    Severity,
    Votes,
    On,
    RaisedBy,
    Status,
}

impl PainColumn {
    /// In table order: votes first, where a workshop looks; who raised it beside the
    /// title, in view at 1280 px; the long "On" last.
    const ALL: [PainColumn; 8] = [
        PainColumn::Number,
        PainColumn::Votes,
        PainColumn::Title,
        PainColumn::RaisedBy,
        PainColumn::Severity,
        PainColumn::Category,
        PainColumn::Status,
        PainColumn::On,
    ];

    fn heading(self) -> &'static str {
        match self {
            PainColumn::Number => "#",
            PainColumn::Title => "Pain point",
            PainColumn::Category => "Category",
            PainColumn::Severity => "Severity",
            PainColumn::Votes => "Votes",
            PainColumn::On => "On",
            PainColumn::RaisedBy => "Raised by",
            PainColumn::Status => "Status",
        }
    }
}

/// What the Pain points table shows and in which order.
#[derive(Clone, Debug, PartialEq)]
pub struct PainTable {
    pub sort: PainColumn,
    pub descending: bool,
    pub category: Option<Category>,
    pub status: Option<PainStatus>,
    pub text: String,
}

impl Default for PainTable {
    fn default() -> Self {
        PainTable {
            sort: PainColumn::Votes,
            descending: true,
            category: None,
            status: None,
            text: String::new(),
        }
    }
}

/// A drop-down of every category, or none (`all`), labelled for screen readers and tests.
pub(super) fn category_filter(
    ui: &mut egui::Ui,
    label: &str,
    all: &'static str,
    chosen: &mut Option<Category>,
) -> egui::Response {
    let label_id = ui.label(label).id;
    egui::ComboBox::from_id_salt(("category filter", label))
        .selected_text(chosen.map_or(all, Category::name))
        .show_ui(ui, |ui| {
            ui.selectable_value(chosen, None, all);
            for c in Category::ALL {
                ui.selectable_value(chosen, Some(c), c.name());
            }
        })
        .response
        .labelled_by(label_id)
}

/// What happens to the pain points on nodes and flows being deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinnedPains {
    Delete,
    MoveToMap,
}

impl PainTable {
    /// Pain point indices as the table shows them: filtered, then sorted (by number
    /// instead of votes while the room's totals are hidden: the order would tell them).
    pub fn rows(&self, doc: &Document, votes_hidden: bool) -> Vec<usize> {
        let t = self;
        let needle = t.text.trim().to_lowercase();
        let mut rows: Vec<usize> = (0..doc.pain_points.len())
            .filter(|&i| {
                let p = &doc.pain_points[i];
                t.category.is_none_or(|c| p.category() == c)
                    && t.status.is_none_or(|s| p.status() == s)
                    && (needle.is_empty()
                        || [&p.title, &p.raised_by, &p.notes, &p.id]
                            .iter()
                            .any(|f| f.to_lowercase().contains(&needle)))
            })
            .collect();
        let on = |i: usize| doc.pain_points[i].on.describe(doc).to_lowercase();
        rows.sort_by(|&a, &b| {
            let (p, q) = (&doc.pain_points[a], &doc.pain_points[b]);
            let order = match t.sort {
                PainColumn::Number => a.cmp(&b),
                PainColumn::Title => p.title.to_lowercase().cmp(&q.title.to_lowercase()),
                PainColumn::Category => p.category().cmp(&q.category()),
                PainColumn::Severity => p.severity.cmp(&q.severity),
                PainColumn::Votes if votes_hidden => b.cmp(&a),
                PainColumn::Votes => p.votes().cmp(&q.votes()),
                PainColumn::On => on(a).cmp(&on(b)),
                PainColumn::RaisedBy => p.raised_by.to_lowercase().cmp(&q.raised_by.to_lowercase()),
                PainColumn::Status => (p.status() as u8).cmp(&(q.status() as u8)),
            };
            let order = if t.descending { order.reverse() } else { order };
            order.then(a.cmp(&b))
        });
        rows
    }

    /// The Pain points tab: filters, then the table.
    pub fn ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        ui.horizontal(|ui| {
            if ui
                .button("+ Pain point")
                .on_hover_text(super::Command::AddPainPoint.tooltip())
                .clicked()
            {
                editor.add_pain_point(editor.anchor_for_selection());
            }
            ui.separator();
            let t = &mut *self;
            category_filter(ui, "Show category", "all", &mut t.category);
            let label = ui.label("with status").id;
            egui::ComboBox::from_id_salt("pain filter status")
                .selected_text(t.status.map_or("all", PainStatus::name))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut t.status, None, "all");
                    for s in PainStatus::ALL {
                        ui.selectable_value(&mut t.status, Some(s), s.name());
                    }
                })
                .response
                .labelled_by(label);
            let label = ui.label("Search").id;
            ui.add(
                egui::TextEdit::singleline(&mut t.text)
                    .desired_width(180.0)
                    .hint_text("title, raised by, notes"),
            )
            .labelled_by(label);
        });
        let rows = self.rows(editor.doc(), editor.votes_hidden);
        if editor.doc().pain_points.is_empty() {
            ui.label(
                "No pain points yet. Select a node or flow and press P (or right-click it) to \
                 pin what keeps the chain linear or insecure.",
            );
            return;
        }
        let mut select = None;
        let mut votes = Vec::new();
        let title_width = title_width(ui.available_width());
        egui::ScrollArea::both()
            .id_salt("pain table")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::Grid::new("pain points")
                    .striped(true)
                    .num_columns(PainColumn::ALL.len() + 1)
                    .spacing([14.0, 4.0])
                    .show(ui, |ui| {
                        for column in PainColumn::ALL {
                            let t = &mut *self;
                            // The sort arrow is painted: the default font has no ▲ ▼.
                            let response = ui
                                .horizontal(|ui| {
                                    let header =
                                        egui::Button::new(RichText::new(column.heading()).strong())
                                            .frame(false);
                                    let response = ui.add(header).on_hover_text(
                                        "Sort by this column; click again to reverse",
                                    );
                                    let (rect, _) = ui.allocate_exact_size(
                                        egui::vec2(10.0, 10.0),
                                        egui::Sense::hover(),
                                    );
                                    if t.sort == column {
                                        let c = rect.center();
                                        let (tip, base) = if t.descending {
                                            (4.0, -4.0)
                                        } else {
                                            (-4.0, 4.0)
                                        };
                                        ui.painter().add(egui::Shape::convex_polygon(
                                            vec![
                                                c + egui::vec2(-5.0, base),
                                                c + egui::vec2(5.0, base),
                                                c + egui::vec2(0.0, tip),
                                            ],
                                            ui.visuals().strong_text_color(),
                                            egui::Stroke::NONE,
                                        ));
                                    }
                                    response
                                })
                                .inner;
                            if response.clicked() {
                                if t.sort == column {
                                    t.descending = !t.descending;
                                } else {
                                    t.sort = column;
                                    t.descending =
                                        matches!(column, PainColumn::Votes | PainColumn::Severity);
                                }
                            }
                            if column == PainColumn::Votes {
                                ui.label("");
                            }
                        }
                        ui.end_row();
                        let numbers = editor.doc().pin_numbers();
                        for &i in &rows {
                            let p = &editor.doc().pain_points[i];
                            let selected = editor.selection.pains.contains(&p.id);
                            ui.label(numbers[i].to_string());
                            if editor.votes_hidden {
                                ui.label(RichText::new("hidden").weak()).on_hover_text(
                                    "Vote totals are hidden until you reveal them \
                                     (Participation controls)",
                                );
                            } else {
                                ui.label(RichText::new(p.votes().to_string()).strong());
                            }
                            ui.horizontal(|ui| {
                                if ui
                                    .small_button("−1")
                                    .on_hover_text(format!("Take a vote from “{}”", p.title))
                                    .clicked()
                                {
                                    votes.push((p.id.clone(), -1));
                                }
                                if ui
                                    .small_button("+1")
                                    .on_hover_text(format!("Add a vote to “{}”", p.title))
                                    .clicked()
                                {
                                    votes.push((p.id.clone(), 1));
                                }
                            });
                            // Long titles are cut to keep the table on screen; the whole
                            // title is in the tooltip and the inspector.
                            let title = ui
                                .allocate_ui(egui::vec2(title_width, 20.0), |ui| {
                                    ui.set_min_width(title_width);
                                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                                    ui.selectable_label(selected, &p.title)
                                })
                                .inner;
                            if title
                                .on_hover_text(format!(
                                    "{}\nClick to select it and show its pin",
                                    p.title
                                ))
                                .clicked()
                            {
                                select = Some(p.id.clone());
                            }
                            ui.label(&p.raised_by);
                            ui.label(p.severity.map_or("not set".into(), |s| s.to_string()));
                            let c = p.category();
                            ui.label(RichText::new(c.name()).color(theme::category_colour(c)));
                            ui.label(p.status().name());
                            ui.label(p.on.describe(editor.doc()));
                            ui.end_row();
                        }
                    });
                if rows.is_empty() {
                    ui.label("No pain point matches the filters.");
                }
            });
        for (id, delta) in votes {
            editor.vote_on(&id, delta);
        }
        if let Some(id) = select {
            editor.find_pain(&id);
        }
    }
}

/// Under the indicators: how many pain points of each category, and the three with
/// the most votes (a click finds one).
pub fn summary_ui(ui: &mut egui::Ui, editor: &mut Editor) {
    ui.label(RichText::new("Pain points").strong());
    if editor.doc().pain_points.is_empty() {
        let keys = Command::AddPainPoint.shortcut_text(ui.ctx());
        ui.label(RichText::new(format!("none yet ({keys} adds one on the selection)")).weak());
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for c in Category::ALL {
            let n = editor
                .doc()
                .pain_points
                .iter()
                .filter(|p| p.category() == c)
                .count();
            if n > 0 {
                ui.label(
                    RichText::new(format!("{} {n}", c.name())).color(theme::category_colour(c)),
                );
            }
        }
    });
    if editor.votes_hidden {
        ui.label(RichText::new("vote totals hidden until revealed").weak());
        return;
    }
    let mut chosen = None;
    let numbers = editor.doc().pin_numbers();
    for i in pains::ranked(editor.doc()).into_iter().take(3) {
        let p = &editor.doc().pain_points[i];
        let text = format!("#{} {} ({} votes)", numbers[i], p.title, p.votes());
        if ui
            .link(text)
            .on_hover_text(format!(
                "Pin #{}: select it and show it on the map",
                numbers[i]
            ))
            .clicked()
        {
            chosen = Some(p.id.clone());
        }
    }
    if let Some(id) = chosen {
        editor.find_pain(&id);
    }
}

impl super::inspector::Inspector {
    /// The inspector of one pain point: every field, edited in place.
    pub(super) fn pain_inspector_ui(&mut self, editor: &mut Editor, ui: &mut egui::Ui, id: &str) {
        let Some((number, pain)) = editor
            .doc()
            .pain_points
            .iter()
            .zip(editor.doc().pin_numbers())
            .find(|(p, _)| p.id == id)
            .map(|(p, number)| (number, p.clone()))
        else {
            return;
        };
        let k = |field: &str| format!("pain:{id}:{field}");
        let edit = |editor: &mut Editor, field: &str, change: Box<dyn FnOnce(&mut PainPoint)>| {
            let id = id.to_string();
            editor.edit(Some(&k(field)), move |doc| {
                if let Some(p) = doc.pain_points.iter_mut().find(|p| p.id == id) {
                    change(p);
                }
            });
        };
        ui.label(
            RichText::new(format!(
                "pain point #{} '{}' on {}",
                number,
                pain.id,
                pain.on.describe(editor.doc())
            ))
            .weak(),
        );
        egui::Grid::new("pain").num_columns(2).show(ui, |ui| {
            if let Some(v) = self.text_field(ui, &k("title"), "Title", &pain.title, false, |t| {
                if t.trim().is_empty() {
                    Err("a title is needed".into())
                } else {
                    Ok(())
                }
            }) {
                edit(editor, "title", Box::new(move |p| p.title = v));
            }

            let label = ui.label("Category").id;
            let mut category = pain.category();
            egui::ComboBox::from_id_salt(k("category"))
                .selected_text(category.name())
                .show_ui(ui, |ui| {
                    for c in Category::ALL {
                        ui.selectable_value(&mut category, c, c.name());
                    }
                })
                .response
                .labelled_by(label);
            ui.end_row();
            if category != pain.category() {
                edit(
                    editor,
                    "category",
                    Box::new(move |p| p.category = Some(category)),
                );
                editor.end_gesture();
            }

            // "not set" until someone chooses: a participant's entry has no severity yet.
            let label = ui.label("Severity (1 to 5)").id;
            let mut severity = pain.severity;
            let shown = |s: Option<u8>| s.map_or("not set".to_string(), |s| s.to_string());
            egui::ComboBox::from_id_salt(k("severity"))
                .selected_text(shown(severity))
                .show_ui(ui, |ui| {
                    for s in std::iter::once(None).chain((1..=5).map(Some)) {
                        ui.selectable_value(&mut severity, s, shown(s));
                    }
                })
                .response
                .labelled_by(label)
                .on_hover_text("1 minor to 5 blocks the loop; not set until someone chooses");
            ui.end_row();
            if severity != pain.severity {
                edit(editor, "severity", Box::new(move |p| p.severity = severity));
                editor.end_gesture();
            }

            let label = ui.label("Votes").id;
            ui.horizontal(|ui| {
                let total = if editor.votes_hidden {
                    "hidden until revealed".to_string()
                } else {
                    pain.votes().to_string()
                };
                ui.label(RichText::new(total).strong()).labelled_by(label);
                if ui
                    .button("−1 vote")
                    .on_hover_text("Take a vote away (−)")
                    .clicked()
                {
                    editor.vote_on(id, -1);
                }
                if ui
                    .button("+1 vote")
                    .on_hover_text("Add a vote (+)")
                    .clicked()
                {
                    editor.vote_on(id, 1);
                }
            });
            ui.end_row();

            if let Some(v) = self.text_field(
                ui,
                &k("raised_by"),
                "Raised by",
                &pain.raised_by,
                false,
                |_| Ok(()),
            ) {
                edit(editor, "raised_by", Box::new(move |p| p.raised_by = v));
            }

            let label = ui.label("Status").id;
            let mut status = pain.status();
            egui::ComboBox::from_id_salt(k("status"))
                .selected_text(status.name())
                .show_ui(ui, |ui| {
                    for s in PainStatus::ALL {
                        ui.selectable_value(&mut status, s, s.name());
                    }
                })
                .response
                .labelled_by(label);
            ui.end_row();
            if status != pain.status() {
                edit(editor, "status", Box::new(move |p| p.status = Some(status)));
                editor.end_gesture();
            }

            if let Some(v) =
                self.text_field(ui, &k("notes"), "Notes", &pain.notes, true, |_| Ok(()))
            {
                edit(editor, "notes", Box::new(move |p| p.notes = v));
            }
        });
        ui.horizontal(|ui| {
            if pain.on != Anchor::Map && ui.button("Move to the whole map").clicked() {
                edit(editor, "on", Box::new(|p| p.on = Anchor::Map));
                editor.end_gesture();
            }
            if ui.button("Delete pain point").clicked() {
                editor.delete_selection();
            }
        });
    }
}
