//! The canvas's gestures: nodes as widgets (click, Shift+click, drag to move, double-click
//! to rename, right-click menu, the handle to draw a flow from), and gestures on empty
//! space (pan, box-select, place from the palette, click a flow, its tooltip). They
//! become `Action`s, applied once the frame is drawn.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2, pos2, vec2};

use super::super::{Command, Editor, Selection, theme};
use super::Canvas;
use super::lod::Lod;
use super::{Action, Gesture};
use crate::analysis::{Severity, Subject};
use crate::geometry::{self, Point};
use crate::model::{Anchor, Loop};
use crate::present::flow_label;

impl Canvas {
    /// Draws the nodes in view and makes each a widget (but for compact ones). Widgets
    /// only sense inside `reach`, the canvas less a strip along its edges, so that a drag
    /// on a panel's splitter never catches a node.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn node_widgets(
        &mut self,
        editor: &mut Editor,
        ui: &mut egui::Ui,
        canvas: Rect,
        reach: Rect,
        painter: &egui::Painter,
        dark: bool,
        lod: &Lod,
        actions: &mut Vec<Action>,
    ) {
        let visible = self.view.visible(canvas);
        let z = self.view.zoom;
        let shift = ui.input(|i| i.modifiers.shift);
        let space = ui.input(|i| i.key_down(egui::Key::Space));
        // The boxes as laid out, then as grown to hold their titles.
        let laid: Vec<Option<Rect>> = editor
            .shown()
            .layout
            .nodes
            .iter()
            .map(|r| {
                r.intersects(&visible)
                    .then(|| self.view.screen_rect(canvas, *r))
            })
            .collect();
        let mut titles = if lod.titles {
            self.title_boxes(editor, painter, &laid, lod, dark)
        } else {
            Vec::new()
        };
        for n in 0..editor.doc().nodes.len() {
            let Some(laid_out) = laid.get(n).copied().flatten() else {
                continue;
            };
            let title = titles.get_mut(n).and_then(Option::take);
            let screen = self.draw_node(editor, painter, n, (laid_out, title), lod, dark);
            if lod.compact(screen.width()) {
                // Too small to grab a handle: hit-tested through the geometry by the
                // canvas itself (see `background_gestures`).
                continue;
            }
            self.draw_node_marks(editor, painter, n, screen, lod);
            let hit = screen.intersect(reach);
            if !hit.is_positive() {
                continue;
            }
            let node = &editor.doc().nodes[n];
            let id = node.id.clone();
            let response = ui.interact(
                hit,
                ui.scope_id().with(("node", &id)),
                Sense::click_and_drag(),
            );
            let label = node.label.clone();
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
            let selected = editor.selection.nodes.contains(&id);

            // Gestures on the node.
            if response.drag_started() && !space {
                if !selected {
                    editor.selection = if shift {
                        let mut s = editor.selection.clone();
                        s.nodes.insert(id.clone());
                        s
                    } else {
                        Selection::node(&id)
                    };
                }
                self.gesture = Gesture::Moving;
            }
            if response.dragged() && self.gesture == Gesture::Moving {
                let d = response.drag_delta() / z;
                if d != Vec2::ZERO {
                    actions.push(Action::Move(d));
                }
            }
            if response.drag_stopped() && self.gesture == Gesture::Moving {
                actions.push(Action::EndMove);
                self.gesture = Gesture::Idle;
            }
            if response.clicked() {
                if shift {
                    if !editor.selection.nodes.remove(&id) {
                        editor.selection.nodes.insert(id.clone());
                    }
                } else {
                    editor.selection = Selection::node(&id);
                }
            }
            if response.double_clicked() {
                actions.push(Action::Rename(id.clone()));
            }
            response.context_menu(|ui| {
                if ui
                    .add(Command::AddPainPoint.menu_entry(ui.ctx(), "Add pain point here"))
                    .clicked()
                {
                    actions.push(Action::AddPain(Anchor::Node(id.clone())));
                }
                if ui
                    .add(Command::Rename.menu_entry(ui.ctx(), "Rename"))
                    .clicked()
                {
                    actions.push(Action::Rename(id.clone()));
                }
                if ui.button("Delete node").clicked() {
                    actions.push(Action::Delete(Selection::node(&id)));
                }
            });
            if response.hovered() {
                response.clone().on_hover_text(self.node_tooltip(editor, n));
            }

            // The handle to draw a flow from.
            if editor.doc().nodes[n].kind.gives_outflows()
                && reach.contains(pos2(screen.right(), screen.center().y))
            {
                let hc = pos2(screen.right(), screen.center().y);
                let handle = ui.interact(
                    Rect::from_center_size(hc, Vec2::splat(18.0)),
                    ui.scope_id().with(("handle", &id)),
                    Sense::drag(),
                );
                if response.hovered() || handle.hovered() || selected {
                    painter.circle(hc, 7.0, theme::SELECTED, Stroke::new(1.5, Color32::WHITE));
                }
                if handle.drag_started() {
                    self.gesture = Gesture::Connecting {
                        from: id.clone(),
                        loop_kind: None,
                    };
                }
                if let Gesture::Connecting { from, loop_kind } = &self.gesture
                    && *from == id
                {
                    if let Some(p) = ui.input(|i| i.pointer.interact_pos()) {
                        painter.line_segment([hc, p], Stroke::new(2.5, theme::SELECTED));
                        let note = loop_kind.map_or("drop on a node".to_string(), |k| {
                            format!("loop: {}", k.name())
                        });
                        painter.text(
                            p + vec2(12.0, -12.0),
                            Align2::LEFT_BOTTOM,
                            note,
                            FontId::proportional(13.0),
                            theme::SELECTED,
                        );
                    }
                    if handle.drag_stopped() {
                        let target = ui
                            .input(|i| i.pointer.interact_pos())
                            .map(|p| self.view.to_canvas(canvas, p))
                            .and_then(|p| editor.shown().layout.node_at(p));
                        if let Some(t) = target {
                            actions.push(Action::Connect {
                                from: id.clone(),
                                to: editor.doc().nodes[t].id.clone(),
                                loop_kind: *loop_kind,
                            });
                        }
                        self.gesture = Gesture::Idle;
                    }
                }
            }
        }
        if let Gesture::Connecting { loop_kind, .. } = &mut self.gesture {
            let keys = [
                (egui::Key::Num0, Loop::None),
                (egui::Key::Num1, Loop::Maintain),
                (egui::Key::Num2, Loop::Reuse),
                (egui::Key::Num3, Loop::Remanufacture),
                (egui::Key::Num4, Loop::Recycle),
            ];
            for (key, kind) in keys {
                if ui.input(|i| i.key_pressed(key)) {
                    *loop_kind = Some(kind);
                }
            }
        }
    }

    /// Where a node dropped or clicked at `p` goes: there, or as near as keeps it wholly
    /// in view (even once snapped to the grid).
    fn placed_at(&self, canvas: Rect, p: Pos2) -> Point {
        let margin = 8.0 + (super::GRID / 2.0) as f32 * self.view.zoom;
        let at = self.view.to_canvas(canvas, p);
        self.view
            .keep_in_view(canvas, at, geometry::NODE_SIZE, margin)
    }

    pub(super) fn background_gestures(
        &mut self,
        editor: &mut Editor,
        ui: &egui::Ui,
        canvas: Rect,
        response: &egui::Response,
        painter: &egui::Painter,
        actions: &mut Vec<Action>,
    ) {
        let shift = ui.input(|i| i.modifiers.shift);
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) && !ui.ctx().egui_wants_keyboard_input() {
            editor.placing = None;
            self.gesture = Gesture::Idle;
            editor.selection = Selection::default();
        }
        if let Some(preset) = response.dnd_release_payload::<usize>()
            && let Some(p) = response.hover_pos()
        {
            actions.push(Action::Place {
                preset: *preset,
                at: self.placed_at(canvas, p),
            });
        }
        let node_under = |app: &Self, p: Option<Pos2>| {
            p.and_then(|p| editor.shown().layout.node_at(app.view.to_canvas(canvas, p)))
        };
        if response.drag_started_by(egui::PointerButton::Primary) {
            let start = response.interact_pointer_pos();
            self.gesture = match (shift, start, node_under(self, start)) {
                (true, Some(start), _) => Gesture::BoxSelect { start },
                (false, _, Some(n)) => {
                    let id = editor.doc().nodes[n].id.clone();
                    if !editor.selection.nodes.contains(&id) {
                        editor.selection = Selection::node(&id);
                    }
                    Gesture::Moving
                }
                _ => Gesture::Panning,
            };
        }
        if self.gesture == Gesture::Moving && response.dragged() {
            let d = response.drag_delta() / self.view.zoom;
            if d != Vec2::ZERO {
                actions.push(Action::Move(d));
            }
        }
        if self.gesture == Gesture::Moving && response.drag_stopped() {
            actions.push(Action::EndMove);
            self.gesture = Gesture::Idle;
        }
        if response.dragged_by(egui::PointerButton::Primary)
            && self.gesture == Gesture::Panning
            && !ui.input(|i| i.key_down(egui::Key::Space))
        {
            self.pan(response.drag_delta());
        }
        if let Gesture::BoxSelect { start } = self.gesture
            && let Some(now) = response
                .interact_pointer_pos()
                .or(ui.input(|i| i.pointer.hover_pos()))
        {
            let r = Rect::from_two_pos(start, now);
            painter.rect(
                r,
                0.0,
                theme::SELECTED.gamma_multiply(0.12),
                Stroke::new(1.5, theme::SELECTED),
                StrokeKind::Inside,
            );
            if response.drag_stopped() {
                let area = geometry::Rect {
                    min: self.view.to_canvas(canvas, r.min),
                    max: self.view.to_canvas(canvas, r.max),
                };
                let mut s = editor.selection.clone();
                for (n, rect) in editor.shown().layout.nodes.iter().enumerate() {
                    if rect.intersects(&area) {
                        s.nodes.insert(editor.doc().nodes[n].id.clone());
                    }
                }
                for f in &editor.doc().flows {
                    if s.nodes.contains(&f.from) && s.nodes.contains(&f.to) {
                        s.flows.insert(f.id.clone());
                    }
                }
                editor.selection = s;
                self.gesture = Gesture::Idle;
            }
        }
        if response.drag_stopped() && self.gesture == Gesture::Panning {
            self.gesture = Gesture::Idle;
        }
        if response.clicked() {
            let Some(p) = response.interact_pointer_pos() else {
                return;
            };
            let at = self.view.to_canvas(canvas, p);
            if let Some(preset) = editor.placing.take() {
                actions.push(Action::Place {
                    preset,
                    at: self.placed_at(canvas, p),
                });
                return;
            }
            if let Some(n) = editor.shown().layout.node_at(at) {
                // A compact node (a detailed one has its own widget and takes the click).
                let id = editor.doc().nodes[n].id.clone();
                editor.selection = Selection::node(&id);
                return;
            }
            match editor
                .shown()
                .layout
                .flow_at(at, 6.0 / self.view.zoom as f64)
            {
                Some(f) => {
                    let id = editor.doc().flows[f].id.clone();
                    if shift {
                        if !editor.selection.flows.remove(&id) {
                            editor.selection.flows.insert(id);
                        }
                    } else {
                        editor.selection = Selection::flow(&id);
                    }
                }
                None if !shift => editor.selection = Selection::default(),
                None => {}
            }
        }
        if response.secondary_clicked()
            && let Some(p) = response.interact_pointer_pos()
        {
            let at = self.view.to_canvas(canvas, p);
            let layout = &editor.shown().layout;
            self.context_target = Some(if let Some(n) = layout.node_at(at) {
                Anchor::Node(editor.doc().nodes[n].id.clone())
            } else if let Some(f) = layout.flow_at(at, 6.0 / self.view.zoom as f64) {
                Anchor::Flow(editor.doc().flows[f].id.clone())
            } else {
                Anchor::Map
            });
        }
        if let Some(target) = self.context_target.clone() {
            let on = target.describe(editor.doc());
            response.context_menu(|ui| {
                if ui
                    .add(
                        Command::AddPainPoint
                            .menu_entry(ui.ctx(), format!("Add pain point on {on}")),
                    )
                    .clicked()
                {
                    actions.push(Action::AddPain(target.clone()));
                }
                match &target {
                    Anchor::Flow(id) => {
                        if ui.button("Delete flow").clicked() {
                            actions.push(Action::Delete(Selection::flow(id)));
                        }
                    }
                    Anchor::Node(id) => {
                        if ui.button("Delete node").clicked() {
                            actions.push(Action::Delete(Selection::node(id)));
                        }
                    }
                    Anchor::Map => {
                        if ui.button("Fit map to window (F)").clicked() {
                            self.view.fit_pending = true;
                        }
                    }
                }
            });
        }
        if let Some(p) = response.hover_pos()
            && self.gesture == Gesture::Idle
            && let Some(f) = editor
                .shown()
                .layout
                .flow_at(self.view.to_canvas(canvas, p), 6.0 / self.view.zoom as f64)
        {
            let flow = &editor.shown().working.flows[f];
            let amount = editor
                .shown()
                .analysis
                .solution
                .flows
                .get(f)
                .copied()
                .flatten();
            let loop_text = if flow.loop_kind == Loop::None {
                String::new()
            } else {
                format!(" · {} loop", flow.loop_kind.name())
            };
            let name = |id: &str| {
                editor
                    .shown()
                    .working
                    .node(id)
                    .map_or(id.to_string(), |n| n.label.clone())
            };
            // At the pointer: the canvas is one large widget, and a tooltip placed by
            // its rect lands at its bottom left, far from the flow.
            let mut text = format!(
                "{} -> {}{loop_text}\n{}",
                name(&flow.from),
                name(&flow.to),
                flow_label(flow, amount)
            );
            if let Some(sigma) = super::draw::flow_sigma(editor, f).filter(|s| *s > 0.0) {
                text.push_str(&format!(" ± {}", crate::present::amount(sigma)));
            }
            for d in &editor.shown().analysis.diagnostics {
                if d.subject == Subject::Flow(flow.id.clone()) {
                    text.push_str(&format!("\n• {}", d.message));
                }
            }
            response.clone().on_hover_text_at_pointer(text);
        }
    }

    fn node_tooltip(&self, editor: &Editor, n: usize) -> String {
        let node = &editor.shown().working.nodes[n];
        let mut lines = vec![format!("{} ({})", node.label, node.kind.name())];
        for d in &editor.shown().analysis.diagnostics {
            if d.subject == Subject::Node(node.id.clone()) {
                lines.push(format!(
                    "{}: {}",
                    if d.severity == Severity::Error {
                        "!"
                    } else {
                        "•"
                    },
                    d.message
                ));
            }
        }
        lines.join("\n")
    }
}
