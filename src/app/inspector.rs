//! The inspector: every field of the selected node or flow, or of the map itself when
//! nothing is selected, edited in place. A value that is not allowed is refused where it
//! is typed, with the reason; typing in one field is one undo step.

use std::collections::{BTreeMap, HashMap};

use egui::RichText;

use super::{Editor, theme};
use crate::model::{
    Document, FlowValue, Loop, Node, NodeKind, SourceMaterial, StockChange, country,
};

/// Width of the inspector's fields: fixed, so a long value cannot widen the panel.
const FIELD_WIDTH: f32 = 190.0;

#[derive(Default)]
/// The inspector: what is being typed in its fields, and why a value is refused.
pub struct Inspector {
    /// Text being typed, by field key; kept while the field has focus.
    buffers: HashMap<String, String>,
    /// Why the text in a field is refused.
    errors: HashMap<String, String>,
    /// A field to put the cursor in, its text selected (the title of a new pain point).
    pub focus: Option<String>,
    /// The number field being typed in: its value is applied when it loses the focus.
    editing: Option<String>,
    /// A field was left this frame: the typing gesture is over (one undo step).
    gesture_ended: bool,
}

/// What a number field accepts.
#[derive(Clone, Copy)]
enum Rule {
    Any,
    NonNegative,
    Positive,
    /// 0 to 1 inclusive.
    Fraction,
    /// Above 0, at most 1.
    Efficiency,
    Percent,
    /// A relative standard deviation in %, 0 or more (± 150 % is a wild guess, not a slip).
    Spread,
}

/// Larger amounts are typing slips, not material flows (all the world's mining is ~10¹¹ t/yr).
const LARGEST: f64 = 1e15;

impl Rule {
    fn check(self, v: f64) -> Result<f64, String> {
        if !v.is_finite() {
            return Err("is too large to be a number here".into());
        }
        if v.abs() > LARGEST {
            return Err("is too large: at most 1,000,000,000,000,000 (10¹⁵)".into());
        }
        let ok = match self {
            Rule::Any => true,
            Rule::NonNegative => v >= 0.0,
            Rule::Positive => v > 0.0,
            Rule::Fraction => (0.0..=1.0).contains(&v),
            Rule::Efficiency => v > 0.0 && v <= 1.0,
            Rule::Percent => (0.0..=100.0).contains(&v),
            Rule::Spread => (0.0..=1000.0).contains(&v),
        };
        if ok {
            return Ok(v);
        }
        Err(match self {
            Rule::Any => "must be a finite number",
            Rule::NonNegative => "must not be negative",
            Rule::Positive => "must be above 0",
            Rule::Fraction => "must be between 0 and 1",
            Rule::Efficiency => "must be above 0 and at most 1",
            Rule::Percent => "must be between 0 and 100 %",
            Rule::Spread => "must be between 0 and 1000 %",
        }
        .to_string())
    }
}

/// An edit of the selected flow, under an undo key.
type FlowEdit<'a> = dyn Fn(&mut Editor, &str, Box<dyn FnOnce(&mut crate::model::Flow)>) + 'a;

/// Parses what was typed: `Ok(None)` for an empty optional field.
fn parse_number(text: &str, rule: Rule, optional: bool) -> Result<Option<f64>, String> {
    let t = text.trim().replace(',', "");
    if t.is_empty() {
        return if optional {
            Ok(None)
        } else {
            Err("a number is needed".into())
        };
    }
    let percent = matches!(rule, Rule::Percent | Rule::Spread);
    // In a % field, "20 %", "20%" and "0.2" all mean 20 %: a bare number below 1 is a
    // fraction.
    let (t, sign) = match t.strip_suffix('%') {
        Some(rest) if percent => (rest.trim_end().to_string(), true),
        _ => (t, false),
    };
    let v: f64 = t
        .parse()
        .map_err(|_| format!("'{}' is not a number", text.trim()))?;
    let v = if percent && !sign && v > 0.0 && v < 1.0 {
        100.0 * v
    } else {
        v
    };
    rule.check(v)
        .map(Some)
        .map_err(|e| format!("'{}' {e}", text.trim()))
}

fn show_number(v: Option<f64>) -> String {
    v.map_or(String::new(), crate::present::editable_number)
}

/// `CN 0.69, US 0.31` → shares; refused unless codes are two letters and shares sum to 1.
fn parse_countries(text: &str) -> Result<Option<BTreeMap<String, f64>>, String> {
    let mut map = BTreeMap::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let (Some(code), Some(share), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!(
                "'{part}': write a country code and a share, e.g. CN 0.69"
            ));
        };
        let code = country_code(code)?;
        let share = parse_number(share, Rule::Fraction, false)?.unwrap_or(0.0);
        map.insert(code, share);
    }
    if map.is_empty() {
        return Ok(None);
    }
    let sum: f64 = map.values().sum();
    if (sum - 1.0).abs() > 0.01 {
        return Err(format!("shares sum to {sum:.3}; they must sum to 1"));
    }
    Ok(Some(map))
}

fn country_code(text: &str) -> Result<String, String> {
    let code = text.trim().to_ascii_uppercase();
    if code.len() == 2 && country::name(&code).is_some() {
        Ok(code)
    } else {
        Err(format!(
            "'{}' is not an ISO 3166 country code (e.g. GB, CN): pick one from the list",
            text.trim()
        ))
    }
}

/// The names of a node's countries, for reading under the codes.
fn country_names(node: &Node) -> String {
    node.country_shares()
        .iter()
        .map(|(c, s)| {
            let name = country::name(c).unwrap_or(c);
            if node.countries.is_some() {
                format!("{name} {}", crate::present::whole_percent(*s))
            } else {
                name.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Pin one of the node's figures as a lever, to move it with a slider in the Scenarios tab.
fn node_lever_ui(ui: &mut egui::Ui, editor: &mut Editor, node: &Node) {
    let id = node.id.as_str();
    let fields = crate::model::levers::node_lever_fields(node);
    if !fields.is_empty() {
        ui.horizontal(|ui| {
            let key = ui.make_persistent_id(("lever field", id));
            let mut field: String = ui
                .data(|d| d.get_temp(key))
                .unwrap_or_else(|| fields[0].clone());
            let label = ui.label("Lever").id;
            egui::ComboBox::from_id_salt(("lever field combo", id))
                .selected_text(field.replace('_', " "))
                .show_ui(ui, |ui| {
                    for f in &fields {
                        ui.selectable_value(&mut field, f.clone(), f.replace('_', " "));
                    }
                })
                .response
                .labelled_by(label);
            if ui
                .button("Pin as lever")
                .on_hover_text("Move this value with a slider in the Scenarios tab")
                .clicked()
            {
                editor.pin_lever(crate::model::levers::Lever::Node {
                    node: id.to_string(),
                    field: field.clone(),
                });
            }
            ui.data_mut(|d| d.insert_temp(key, field));
        });
    }
}

/// The key of a node's field, for its text and undo step.
fn node_key(id: &str, field: &str) -> String {
    format!("node:{id}:{field}")
}

impl Inspector {
    pub fn ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        let nodes: Vec<String> = editor.selection.nodes.iter().cloned().collect();
        let flows: Vec<String> = editor.selection.flows.iter().cloned().collect();
        let pains: Vec<String> = editor.selection.pains.iter().cloned().collect();
        match (&nodes[..], &flows[..], &pains[..]) {
            ([], [], []) => self.meta_ui(editor, ui),
            ([id], [], []) => self.node_ui(editor, ui, id),
            ([], [id], []) => self.flow_ui(editor, ui, id),
            ([], [], [id]) => self.pain_inspector_ui(editor, ui, id),
            _ => {
                ui.label(format!(
                    "{} nodes, {} flows and {} pain points selected.",
                    nodes.len(),
                    flows.len(),
                    pains.len()
                ));
                if ui.button("Delete them").clicked() {
                    editor.delete_selection();
                }
            }
        }
        if std::mem::take(&mut self.gesture_ended) {
            editor.end_gesture();
        }
    }

    /// A text field; returns the new text when it changed and is accepted by `check`.
    pub(super) fn text_field(
        &mut self,
        ui: &mut egui::Ui,
        key: &str,
        label: &str,
        current: &str,
        multiline: bool,
        check: impl Fn(&str) -> Result<(), String>,
    ) -> Option<String> {
        let label = ui.label(label).id;
        let buffer = self
            .buffers
            .entry(key.to_string())
            .or_insert_with(|| current.to_string());
        let widget = if multiline {
            egui::TextEdit::multiline(buffer).desired_rows(3)
        } else {
            egui::TextEdit::singleline(buffer)
        };
        let response = if multiline {
            // Long texts scroll inside a few lines instead of pushing everything down.
            egui::ScrollArea::vertical()
                .id_salt(("scroll", key))
                .max_height(72.0)
                .show(ui, |ui| {
                    ui.add(widget.desired_width(FIELD_WIDTH).id_salt(key))
                        .labelled_by(label)
                })
                .inner
        } else {
            ui.add(widget.desired_width(FIELD_WIDTH).id_salt(key))
                .labelled_by(label)
        };
        if self.focus.as_deref() == Some(key) {
            self.focus = None;
            response.request_focus();
            if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), response.id) {
                let all = egui::text::CCursorRange::two(
                    egui::text::CCursor::new(0),
                    egui::text::CCursor::new(buffer.chars().count()),
                );
                state.cursor.set_char_range(Some(all));
                state.store(ui.ctx(), response.id);
            }
        }
        let mut result = None;
        if response.changed() {
            match check(buffer) {
                Ok(()) => {
                    self.errors.remove(key);
                    result = Some(buffer.clone());
                }
                Err(e) => {
                    self.errors.insert(key.to_string(), e);
                }
            }
        }
        // Text that is refused stays in the field, with its reason, until it is corrected
        // or Esc puts the map's value back: leaving the field must not drop it silently.
        let escaped = response.lost_focus()
            && self.errors.contains_key(key)
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
        if escaped {
            self.errors.remove(key);
        }
        let keep = self.errors.contains_key(key);
        self.finish_field(ui, key, &response, current.to_string(), keep);
        result
    }

    /// A number field; returns the new value when it is committed (Enter, or the field
    /// left), changed and allowed. What is typed is checked as it is typed; Esc puts the
    /// old value back.
    fn number_field(
        &mut self,
        ui: &mut egui::Ui,
        key: &str,
        label: &str,
        current: Option<f64>,
        rule: Rule,
        optional: bool,
    ) -> Option<Option<f64>> {
        let label = ui.label(label).id;
        let buffer = self
            .buffers
            .entry(key.to_string())
            .or_insert_with(|| show_number(current));
        let response = ui
            .add(
                egui::TextEdit::singleline(buffer)
                    .desired_width(FIELD_WIDTH)
                    .id_salt(key),
            )
            .labelled_by(label);
        let mut result = None;
        let checked = parse_number(buffer, rule, optional);
        if response.changed() {
            match &checked {
                Ok(_) => self.errors.remove(key),
                Err(e) => self.errors.insert(key.to_string(), e.clone()),
            };
        }
        let mut refused = None;
        // Enter, Tab or a click elsewhere commits; Esc (which also ends the focus) does not.
        let was_editing = self.editing.as_deref() == Some(key);
        let committed = was_editing && !response.has_focus();
        if response.has_focus() {
            self.editing = Some(key.to_string());
        } else if was_editing {
            self.editing = None;
        }
        // Esc that ends a typing gesture is spent on it: the canvas must not also take it
        // as "clear the selection".
        let escaped =
            committed && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
        if committed && !escaped {
            match checked {
                Ok(v) if v != current => result = Some(v),
                Ok(_) => {}
                Err(e) => refused = Some(e),
            }
        }
        // egui reports the lost focus for two frames; a refusal from the first must outlive
        // the second.
        let refused = refused.or_else(|| {
            (!was_editing && response.lost_focus())
                .then(|| self.errors.get(key).cloned())
                .flatten()
        });
        self.finish_field(ui, key, &response, show_number(current), false);
        if let Some(e) = refused {
            // The old value is back in the field; the reason stays under it.
            self.errors.insert(key.to_string(), e);
            ui.ctx().request_repaint();
        }
        result
    }

    /// Shows a field's error under it, wrapped to the field's width so a long reason
    /// cannot widen the panel; when the field is left, its text follows the map again
    /// (unless `keep`: refused text waiting to be corrected) and the typing gesture ends.
    fn finish_field(
        &mut self,
        ui: &mut egui::Ui,
        key: &str,
        response: &egui::Response,
        current: String,
        keep: bool,
    ) {
        if let Some(e) = self.errors.get(key) {
            ui.end_row();
            ui.label("");
            ui.vertical(|ui| {
                ui.set_max_width(FIELD_WIDTH);
                ui.add(
                    egui::Label::new(RichText::new(format!("! {e}")).color(theme::ERROR)).wrap(),
                );
            });
        }
        ui.end_row();
        if response.lost_focus() {
            self.gesture_ended = true;
        }
        if keep {
            return;
        }
        if response.lost_focus() {
            self.errors.remove(key);
            self.buffers.insert(key.to_string(), current);
        } else if !response.has_focus() {
            self.buffers.insert(key.to_string(), current);
        }
    }

    fn edit_node(
        &mut self,
        editor: &mut Editor,
        id: &str,
        key: &str,
        change: impl FnOnce(&mut Node),
    ) {
        let id = id.to_string();
        editor.edit(Some(key), move |doc| {
            if let Some(node) = doc.nodes.iter_mut().find(|n| n.id == id) {
                change(node);
            }
        });
    }

    /// The selected node: its identity, where it is, what its kind adds (a source's
    /// supply, a use's lifetime and stock), notes; then its roadmap, a lever, Delete.
    fn node_ui(&mut self, editor: &mut Editor, ui: &mut egui::Ui, id: &str) {
        let Some(node) = editor.working().node(id).cloned() else {
            return;
        };
        ui.label(RichText::new(format!("{} node '{}'", node.kind.name(), node.id)).weak());
        counts_for_ui(ui, node.kind);
        super::scenarios::changes_ui(ui, editor, Some(id), None);
        egui::Grid::new("node")
            .num_columns(2)
            .striped(false)
            .show(ui, |ui| {
                self.identity_ui(editor, ui, &node);
                self.countries_ui(editor, ui, &node);
                match node.kind {
                    NodeKind::Source => self.supply_ui(editor, ui, &node),
                    NodeKind::Use => self.use_ui(editor, ui, &node),
                    _ => {}
                }
                let key = node_key(id, "notes");
                if let Some(v) = self.text_field(ui, &key, "Notes", &node.notes, true, |_| Ok(())) {
                    self.edit_node(editor, id, &key, |n| n.notes = v);
                }
            });
        if node.kind == NodeKind::Use {
            super::roadmap::use_roadmap_ui(ui, editor, &node);
        }
        node_lever_ui(ui, editor, &node);
        if ui
            .button("Delete node")
            .on_hover_text("Deletes the node and every flow touching it")
            .clicked()
        {
            editor.delete_selection();
        }
    }

    /// Label, kind and value-chain stage.
    fn identity_ui(&mut self, editor: &mut Editor, ui: &mut egui::Ui, node: &Node) {
        let id = node.id.as_str();
        let k = |field: &str| node_key(id, field);
        if let Some(v) = self.text_field(ui, &k("label"), "Label", &node.label, false, |t| {
            if t.trim().is_empty() {
                Err("a label is needed".into())
            } else {
                Ok(())
            }
        }) {
            self.edit_node(editor, id, &k("label"), |n| n.label = v);
        }
        let label = ui.label("Kind").id;
        let mut kind = node.kind;
        egui::ComboBox::from_id_salt(k("kind"))
            .selected_text(kind.name())
            .show_ui(ui, |ui| {
                for option in NodeKind::ALL {
                    ui.selectable_value(&mut kind, option, option.name());
                }
            })
            .response
            .labelled_by(label);
        ui.end_row();
        if kind != node.kind {
            self.edit_node(editor, id, &k("kind"), |n| n.kind = kind);
            editor.end_gesture();
        }
        let stage = node.stage.clone().unwrap_or_default();
        if let Some(v) = self.text_field(ui, &k("stage"), "Stage", &stage, false, |_| Ok(())) {
            self.edit_node(editor, id, &k("stage"), |n| {
                n.stage = Some(v.trim().to_string()).filter(|s| !s.is_empty())
            });
        }
    }

    /// Where the node operates: a code or shares typed, or a country picked (the EU too).
    fn countries_ui(&mut self, editor: &mut Editor, ui: &mut egui::Ui, node: &Node) {
        let id = node.id.as_str();
        let key = node_key(id, "country");
        let countries = match (&node.countries, &node.country) {
            (Some(map), _) => map
                .iter()
                .map(|(c, s)| format!("{c} {}", show_number(Some(*s))))
                .collect::<Vec<_>>()
                .join(", "),
            (None, Some(c)) => c.clone(),
            (None, None) => String::new(),
        };
        let typed = self.text_field(ui, &key, "Country or shares", &countries, false, |t| {
            if t.contains(' ') || t.contains(',') {
                parse_countries(t).map(|_| ())
            } else if t.trim().is_empty() {
                Ok(())
            } else {
                country_code(t).map(|_| ())
            }
        });
        if let Some(v) = typed {
            self.edit_node(editor, id, &key, |n| {
                if v.contains(' ') || v.contains(',') {
                    n.countries = parse_countries(&v).ok().flatten();
                    n.country = None;
                } else {
                    n.countries = None;
                    n.country = country_code(&v).ok();
                }
            });
        }
        ui.label("");
        let picked = ui
            .vertical(|ui| {
                let names = country_names(node);
                if !names.is_empty() {
                    ui.label(RichText::new(names).weak());
                }
                let hint = if node.countries.is_some() {
                    "Add a country…"
                } else {
                    "Pick the country…"
                };
                super::picker::country_picker(ui, &node_key(id, "country picker"), hint)
            })
            .inner;
        ui.end_row();
        if let Some(code) = picked {
            // One country is replaced; to shares the new one is added at 0, for the
            // shares to be typed above.
            self.edit_node(editor, id, &key, |n| match &mut n.countries {
                Some(map) => {
                    map.entry(code).or_insert(0.0);
                }
                None => n.country = Some(code),
            });
            editor.end_gesture();
        }
    }

    /// A source's supply (virgin, recycled, reused), its recycling efficiency and its
    /// certified share.
    fn supply_ui(&mut self, editor: &mut Editor, ui: &mut egui::Ui, node: &Node) {
        let id = node.id.as_str();
        let k = |field: &str| node_key(id, field);
        let label = ui.label("Supply").id;
        let mut supply = node.supply();
        egui::ComboBox::from_id_salt(k("supply"))
            .selected_text(format!("{supply:?}").to_lowercase())
            .show_ui(ui, |ui| {
                for option in [
                    SourceMaterial::Virgin,
                    SourceMaterial::Recycled,
                    SourceMaterial::Reused,
                ] {
                    ui.selectable_value(&mut supply, option, format!("{option:?}").to_lowercase());
                }
            })
            .response
            .labelled_by(label);
        ui.end_row();
        if supply != node.supply() {
            self.edit_node(editor, id, &k("supply"), |n| n.supply = Some(supply));
            editor.end_gesture();
        }
        if supply == SourceMaterial::Recycled
            && let Some(v) = self.number_field(
                ui,
                &k("efficiency"),
                "Recycling efficiency (0–1]",
                node.efficiency,
                Rule::Efficiency,
                true,
            )
        {
            self.edit_node(editor, id, &k("efficiency"), |n| n.efficiency = v);
        }
        if let Some(v) = self.number_field(
            ui,
            &k("certified"),
            "Certified share (0–1)",
            node.certified,
            Rule::Fraction,
            true,
        ) {
            self.edit_node(editor, id, &k("certified"), |n| n.certified = v);
        }
    }

    /// A use node's lifetime and intensity (its own and the industry's), and its stock
    /// change: solved, or a figure.
    fn use_ui(&mut self, editor: &mut Editor, ui: &mut egui::Ui, node: &Node) {
        let id = node.id.as_str();
        let k = |field: &str| node_key(id, field);
        for (field, label, current) in [
            ("lifetime", "Lifetime (years)", node.lifetime),
            (
                "lifetime_avg",
                "Industry-average lifetime",
                node.lifetime_avg,
            ),
            ("intensity", "Intensity of use", node.intensity),
            (
                "intensity_avg",
                "Industry-average intensity",
                node.intensity_avg,
            ),
        ] {
            if let Some(v) = self.number_field(ui, &k(field), label, current, Rule::Positive, true)
            {
                self.edit_node(editor, id, &k(field), |n| match field {
                    "lifetime" => n.lifetime = v,
                    "lifetime_avg" => n.lifetime_avg = v,
                    "intensity" => n.intensity = v,
                    _ => n.intensity_avg = v,
                });
            }
        }
        self.stock_change_ui(editor, ui, node);
    }

    /// Whether the stock change is fixed, solved or the stock model's, and its figure.
    fn stock_change_ui(&mut self, editor: &mut Editor, ui: &mut egui::Ui, node: &Node) {
        let id = node.id.as_str();
        let k = |field: &str| node_key(id, field);
        let solved_here = stock_change_choice(ui, editor, node);
        if let StockChange::Fixed(s) = node.stock_change()
            && let Some(v) = self.number_field(
                ui,
                &k("stock_value"),
                &format!("  added to stock ({})", editor.doc().meta.unit()),
                Some(s),
                Rule::Any,
                false,
            )
        {
            self.edit_node(editor, id, &k("stock_value"), |n| {
                n.stock_change = Some(StockChange::Fixed(v.unwrap_or(0.0)))
            });
        }
        if solved_here {
            let solved = editor
                .doc()
                .nodes
                .iter()
                .position(|n| n.id == id)
                .and_then(|i| editor.analysis().solution.stock_change[i]);
            ui.label("  solved");
            ui.label(solved.map_or("not determined".into(), |s| {
                format!("{} {}", crate::present::amount(s), editor.doc().meta.unit())
            }));
            ui.end_row();
        }
    }

    fn flow_ui(&mut self, editor: &mut Editor, ui: &mut egui::Ui, id: &str) {
        let Some(flow) = editor.working().flow(id).cloned() else {
            return;
        };
        let index = editor.doc().flows.iter().position(|f| f.id == id);
        let solved = index.and_then(|i| editor.analysis().solution.flows[i]);
        let unit = editor.doc().meta.unit().to_string();
        let name = |doc: &Document, node: &str| {
            doc.node(node).map_or(node.to_string(), |n| n.label.clone())
        };
        ui.label(
            RichText::new(format!(
                "flow '{}': {} -> {}",
                flow.id,
                name(editor.doc(), &flow.from),
                name(editor.doc(), &flow.to)
            ))
            .weak(),
        );
        super::scenarios::changes_ui(ui, editor, None, Some(id));
        let k = |field: &str| format!("flow:{id}:{field}");
        let edit_flow =
            |editor: &mut Editor, key: &str, change: Box<dyn FnOnce(&mut crate::model::Flow)>| {
                let id = id.to_string();
                editor.edit(Some(key), move |doc| {
                    if let Some(f) = doc.flows.iter_mut().find(|f| f.id == id) {
                        change(f);
                    }
                });
            };
        egui::Grid::new("flow").num_columns(2).show(ui, |ui| {
            let label = ui.label("Loop").id;
            let mut kind = flow.loop_kind;
            egui::ComboBox::from_id_salt(k("loop"))
                .selected_text(kind.name())
                .show_ui(ui, |ui| {
                    for option in Loop::ALL {
                        ui.selectable_value(&mut kind, option, option.name());
                    }
                })
                .response
                .labelled_by(label);
            ui.end_row();
            if kind != flow.loop_kind {
                edit_flow(editor, &k("loop"), Box::new(move |f| f.loop_kind = kind));
                editor.end_gesture();
            }
            ui.label("Amount given as");
            let mut mode = match flow.value {
                FlowValue::Amount(_) => 0,
                FlowValue::Share(_) => 1,
                FlowValue::Auto => 2,
            };
            let before = mode;
            ui.horizontal(|ui| {
                ui.selectable_value(&mut mode, 0, unit.as_str())
                    .on_hover_text("A fixed amount");
                ui.selectable_value(&mut mode, 1, "% of outflow")
                    .on_hover_text("A share of everything leaving the 'from' node");
                ui.selectable_value(&mut mode, 2, "auto")
                    .on_hover_text("Solved from the mass balances");
            });
            ui.end_row();
            if mode != before {
                let value = match mode {
                    0 => FlowValue::Amount(solved.unwrap_or(0.0).max(0.0)),
                    1 => FlowValue::Share(0.5),
                    _ => FlowValue::Auto,
                };
                edit_flow(editor, &k("mode"), Box::new(move |f| f.value = value));
                editor.end_gesture();
                self.buffers.remove(&k("value"));
            }
            match flow.value {
                FlowValue::Amount(a) => {
                    if let Some(Some(v)) = self.number_field(
                        ui,
                        &k("value"),
                        &format!("Amount ({unit})"),
                        Some(a),
                        Rule::NonNegative,
                        false,
                    ) {
                        edit_flow(
                            editor,
                            &k("value"),
                            Box::new(move |f| f.value = FlowValue::Amount(v)),
                        );
                    }
                }
                FlowValue::Share(s) => {
                    if let Some(Some(v)) = self.number_field(
                        ui,
                        &k("value"),
                        "Share of outflow (%)",
                        Some(100.0 * s),
                        Rule::Percent,
                        false,
                    ) {
                        edit_flow(
                            editor,
                            &k("value"),
                            Box::new(move |f| f.value = FlowValue::Share(v / 100.0)),
                        );
                    }
                }
                FlowValue::Auto => {}
            }
            ui.label("Solved amount");
            ui.label(
                RichText::new(solved.map_or("not determined".into(), |a| {
                    format!("{} {unit}", crate::present::amount(a))
                }))
                .strong(),
            );
            ui.end_row();
            if !matches!(flow.value, FlowValue::Auto)
                && let Some(v) = self.number_field(
                    ui,
                    &k("uncertainty"),
                    "± (%)",
                    flow.uncertainty.map(|u| 100.0 * u),
                    Rule::Spread,
                    true,
                )
            {
                let u = v.map(|v| v / 100.0);
                edit_flow(
                    editor,
                    &k("uncertainty"),
                    Box::new(move |f| f.uncertainty = u),
                );
            }
            self.reconciled_ui(ui, editor, index);
            self.estimates_ui(ui, editor, &flow, &unit, &edit_flow);
            if let Some(v) =
                self.text_field(ui, &k("notes"), "Notes", &flow.notes, true, |_| Ok(()))
            {
                edit_flow(editor, &k("notes"), Box::new(move |f| f.notes = v));
            }
        });
        ui.horizontal(|ui| {
            if !matches!(flow.value, FlowValue::Auto)
                && ui
                    .button("Pin as lever")
                    .on_hover_text("Move its amount or share with a slider in the Scenarios tab")
                    .clicked()
            {
                editor.pin_lever(crate::model::levers::Lever::Flow {
                    flow: id.to_string(),
                });
            }
            if ui.button("Delete flow").clicked() {
                editor.delete_selection();
            }
        });
    }

    /// What reconciliation made of the flow's figures: entered → reconciled ± σ, with
    /// the normalised residual (and a word when the test doubts it).
    fn reconciled_ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor, index: Option<usize>) {
        let Some(f) = index else { return };
        let unit = editor.doc().meta.unit().to_string();
        let analysis = editor.analysis();
        let Some(u) = &analysis.uncertainty else {
            return;
        };
        let sigma = u.flow_sigma.get(f).copied().flatten();
        let rows: Vec<(String, String, Option<bool>)> = u
            .measurements
            .iter()
            .enumerate()
            .filter(|(_, m)| m.measurement.flow == f)
            .map(|(i, m)| {
                let share = m.measurement.what == crate::analysis::reconcile::What::Share;
                let measure = if share {
                    crate::present::Measure::Rate
                } else {
                    crate::present::Measure::Amount
                };
                let what = match m.measurement.what {
                    crate::analysis::reconcile::What::Estimate(k) => format!("Estimate {}", k + 1),
                    w => {
                        let mut name = w.name();
                        name[..1].make_ascii_uppercase();
                        name
                    }
                };
                let residual = m.residual.map_or("not checked by any balance".into(), |r| {
                    format!("residual {r:+.2}")
                });
                let text = format!(
                    "{} -> {} ({residual})",
                    crate::present::measured(share, m.measurement.entered, &unit),
                    crate::present::with_sigma(measure, Some(m.reconciled), Some(m.sigma), &unit),
                );
                (what, text, Some(u.suspects.contains(&i)))
            })
            .collect();
        if let Some(s) = sigma.filter(|s| *s > 0.0) {
            ui.label("Range");
            ui.label(format!(
                "± {} {unit} (one standard deviation)",
                crate::present::amount(s)
            ));
            ui.end_row();
        }
        for (what, text, suspect) in rows {
            ui.label(what);
            let colour = if suspect == Some(true) {
                theme::WARNING
            } else {
                ui.visuals().text_color()
            };
            let text = if suspect == Some(true) {
                format!("{text} — suspect")
            } else {
                text
            };
            ui.label(RichText::new(text).color(colour))
                .on_hover_text("Entered -> reconciled ± its standard deviation. The normalised residual says how far the entered figure is from what the rest of the map implies, in standard deviations: beyond ±1.96 it is a suspect when the data do not fit.");
            ui.end_row();
        }
    }

    /// The flow's estimates: further figures for its amount, from other sources, each
    /// with its ±, its source and who gave it.
    fn estimates_ui(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        flow: &crate::model::Flow,
        unit: &str,
        edit_flow: &FlowEdit<'_>,
    ) {
        let id = flow.id.clone();
        let k = |field: &str| format!("flow:{id}:{field}");
        for (e, est) in flow.estimates.iter().enumerate() {
            ui.label(RichText::new(format!("Estimate {}", e + 1)).strong());
            if ui
                .small_button("Remove")
                .on_hover_text("Remove this estimate")
                .clicked()
            {
                edit_flow(
                    editor,
                    &k("estimates"),
                    Box::new(move |f| {
                        if e < f.estimates.len() {
                            f.estimates.remove(e);
                        }
                    }),
                );
                editor.end_gesture();
                self.buffers
                    .retain(|key, _| !key.starts_with(&k("estimate")));
                return;
            }
            ui.end_row();
            let field = |name: &str| k(&format!("estimate{e}:{name}"));
            if let Some(Some(v)) = self.number_field(
                ui,
                &field("amount"),
                &format!("  Amount ({unit})"),
                Some(est.amount),
                Rule::Positive,
                false,
            ) {
                edit_flow(
                    editor,
                    &field("amount"),
                    Box::new(move |f| {
                        if let Some(x) = f.estimates.get_mut(e) {
                            x.amount = v;
                        }
                    }),
                );
            }
            if let Some(Some(v)) = self.number_field(
                ui,
                &field("uncertainty"),
                "  ± (%)",
                Some(100.0 * est.uncertainty),
                Rule::Spread,
                false,
            ) {
                if v > 0.0 {
                    edit_flow(
                        editor,
                        &field("uncertainty"),
                        Box::new(move |f| {
                            if let Some(x) = f.estimates.get_mut(e) {
                                x.uncertainty = v / 100.0;
                            }
                        }),
                    );
                } else {
                    self.errors.insert(
                        field("uncertainty"),
                        "an estimate needs a ± above 0 %".into(),
                    );
                }
            }
            for (name, label, current) in [
                ("source", "  Source", est.source.clone()),
                ("by", "  Given by", est.by.clone()),
            ] {
                if let Some(v) =
                    self.text_field(ui, &field(name), label, &current, false, |_| Ok(()))
                {
                    let name = name.to_string();
                    edit_flow(
                        editor,
                        &field(&name),
                        Box::new(move |f| {
                            if let Some(x) = f.estimates.get_mut(e) {
                                if name == "source" {
                                    x.source = v;
                                } else {
                                    x.by = v;
                                }
                            }
                        }),
                    );
                }
            }
        }
        if flow.amount_is_exact() && !flow.estimates.is_empty() {
            ui.label("");
            ui.label(
                RichText::new("The amount is exact, so the estimates are ignored: give it a ±.")
                    .color(theme::WARNING),
            );
            ui.end_row();
        }
        ui.label("");
        if ui
            .button("Add estimate")
            .on_hover_text("Another figure for this flow's amount, from another source (trade statistics, a company, a stakeholder group): reconciled with the rest of the map")
            .clicked()
        {
            let f = editor.doc().flows.iter().position(|f| f.id == id);
            let amount = f
                .and_then(|f| editor.analysis().solution.flows.get(f).copied())
                .flatten()
                .filter(|a| *a > 0.0)
                .unwrap_or(1.0);
            edit_flow(
                editor,
                &k("estimates"),
                Box::new(move |f| {
                    f.estimates
                        .push(crate::model::Estimate::new(amount, 0.2));
                }),
            );
            editor.end_gesture();
        }
        ui.end_row();
    }

    fn meta_ui(&mut self, editor: &mut Editor, ui: &mut egui::Ui) {
        let meta = editor.doc().meta.clone();
        ui.label(RichText::new("Nothing selected: the map's own fields.").weak());
        egui::Grid::new("meta").num_columns(2).show(ui, |ui| {
            if let Some(v) =
                self.text_field(ui, "meta:title", "Title", &meta.title, false, |_| Ok(()))
            {
                editor.edit(Some("meta:title"), |d| d.meta.title = v);
            }
            if let Some(v) = self.text_field(ui, "meta:unit", "Unit", meta.unit(), false, |t| {
                if t.trim().is_empty() {
                    Err("a unit is needed, e.g. t/yr".into())
                } else {
                    Ok(())
                }
            }) {
                editor.edit(Some("meta:unit"), |d| d.meta.unit = Some(v));
            }
            if let Some(v) = self.text_field(
                ui,
                "meta:basis",
                "Basis (what is counted)",
                &meta.basis,
                false,
                |_| Ok(()),
            ) {
                editor.edit(Some("meta:basis"), |d| d.meta.basis = v);
            }
            let year = meta.year.map_or(String::new(), |y| y.to_string());
            if let Some(v) = self.text_field(ui, "meta:year", "Year", &year, false, |t| {
                if t.trim().is_empty() || t.trim().parse::<i32>().is_ok() {
                    Ok(())
                } else {
                    Err(format!("'{t}' is not a year"))
                }
            }) {
                editor.edit(Some("meta:year"), |d| d.meta.year = v.trim().parse().ok());
            }
            let home = meta.home_country.clone().unwrap_or_default();
            if let Some(v) = self.text_field(ui, "meta:home", "Home country", &home, false, |t| {
                if t.trim().is_empty() {
                    Ok(())
                } else {
                    country_code(t).map(|_| ())
                }
            }) {
                editor.edit(Some("meta:home"), |d| {
                    d.meta.home_country = country_code(&v).ok()
                });
            }
            ui.label("");
            let picked = ui
                .vertical(|ui| {
                    if let Some(name) = meta.home_country.as_deref().and_then(country::name) {
                        ui.label(RichText::new(name).weak());
                    }
                    super::picker::country_picker(ui, "meta:home picker", "Pick the home country…")
                })
                .inner;
            ui.end_row();
            if let Some(code) = picked {
                editor.edit(None, |d| d.meta.home_country = Some(code));
            }
            if let Some(v) = self.text_field(
                ui,
                "meta:description",
                "Description",
                &meta.description,
                true,
                |_| Ok(()),
            ) {
                editor.edit(Some("meta:description"), |d| d.meta.description = v);
            }
            let sources = meta.sources.join("\n");
            if let Some(v) = self.text_field(
                ui,
                "meta:sources",
                "Sources (one a line)",
                &sources,
                true,
                |_| Ok(()),
            ) {
                editor.edit(Some("meta:sources"), |d| {
                    d.meta.sources = v
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(String::from)
                        .collect()
                });
            }
        });
    }
}

/// How a use node's stock change is set: a fixed amount (0 is a steady state), solved from
/// the balances (auto), or the stock model's end of life (dynamic). Whether it is solved.
fn stock_change_choice(ui: &mut egui::Ui, editor: &mut Editor, node: &Node) -> bool {
    const CHOICES: [(&str, &str); 3] = [
        (
            "fixed",
            "A fixed amount added to the stock each year; 0 is a steady state: as much \
             leaves use as enters it",
        ),
        (
            "solved (auto)",
            "Solved from the balances: whatever the other flows leave",
        ),
        (
            "dynamic (stock model)",
            "This year's end of life is the stock model's, from the lifetime and the \
             history growth: a growing market sends less to end of life than enters use",
        ),
    ];
    let current = match node.stock_change() {
        StockChange::Fixed(_) => 0,
        StockChange::Auto => 1,
        StockChange::Dynamic => 2,
    };
    let mut chosen = current;
    let label = ui
        .label("Stock change")
        .on_hover_text(CHOICES[current].1)
        .id;
    egui::ComboBox::from_id_salt(("stock change", &node.id))
        .selected_text(CHOICES[current].0)
        .show_ui(ui, |ui| {
            for (i, (name, meaning)) in CHOICES.iter().enumerate() {
                ui.selectable_value(&mut chosen, i, *name)
                    .on_hover_text(*meaning);
            }
        })
        .response
        .labelled_by(label);
    ui.end_row();
    if chosen != current {
        let id = node.id.clone();
        let value = match chosen {
            0 => StockChange::Fixed(0.0),
            1 => StockChange::Auto,
            _ => StockChange::Dynamic,
        };
        editor.edit(None, move |doc| {
            if let Some(n) = doc.nodes.iter_mut().find(|n| n.id == id) {
                n.stock_change = Some(value);
            }
        });
        editor.end_gesture();
    }
    chosen != 0
}

/// What the node's kind counts for in the indicators, under its heading: in a few words
/// (wrapped to the panel, which keeps its width), and in full on hover.
fn counts_for_ui(ui: &mut egui::Ui, kind: NodeKind) {
    use crate::analysis::terms::{counts_for, counts_for_briefly};
    ui.add(egui::Label::new(RichText::new(counts_for_briefly(kind)).weak()).wrap())
        .on_hover_text(counts_for(kind));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_refused_with_the_reason() {
        assert_eq!(
            parse_number("12.5", Rule::NonNegative, false),
            Ok(Some(12.5))
        );
        assert_eq!(
            parse_number("1,250", Rule::NonNegative, false),
            Ok(Some(1250.0))
        );
        assert_eq!(parse_number("", Rule::Positive, true), Ok(None));
        assert!(
            parse_number("-3", Rule::NonNegative, false)
                .unwrap_err()
                .contains("negative")
        );
        assert!(
            parse_number("abc", Rule::Any, false)
                .unwrap_err()
                .contains("not a number")
        );
        assert!(
            parse_number("1.2", Rule::Fraction, false)
                .unwrap_err()
                .contains("between 0 and 1")
        );
    }

    #[test]
    fn country_shares_must_sum_to_one() {
        let map = parse_countries("cn 0.9, MY 0.1").unwrap().unwrap();
        assert_eq!(map.get("CN"), Some(&0.9));
        assert!(
            parse_countries("CN 0.5, MY 0.1")
                .unwrap_err()
                .contains("sum")
        );
        assert!(
            parse_countries("China 1")
                .unwrap_err()
                .contains("not an ISO 3166 country code")
        );
    }
}
