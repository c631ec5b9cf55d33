//! The canvas: pan and zoom, the map drawn from `layout::shapes` (flows before nodes,
//! detail by zoom, off-screen items culled), and the gestures that edit it: select,
//! box-select, move, connect, place from the palette. Gestures become `Action`s that are
//! applied through `LoopmapApp::edit` once the frame is drawn.
//!
//! The canvas keeps its own transform rather than magnifying a layer, so text is laid out
//! at the zoomed size and stays sharp at every zoom.

use egui::{
    Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, StrokeKind, Vec2, pos2, vec2,
};

use super::{LoopmapApp, Selection, palette, theme};
use crate::analysis::{Severity, Subject};
use crate::geometry::{self, Point};
use crate::labels::{self, flow_label, short_amount};
use crate::model::{Anchor, Flow, Loop, NodeKind, fragment};

/// Mouse gestures, for Help ▸ Shortcuts.
pub const GESTURES: &[(&str, &str)] = &[
    ("Pan", "drag empty space, middle mouse, or Space+drag"),
    ("Zoom at the pointer", "mouse wheel, pinch, Ctrl + / Ctrl −"),
    ("Select", "click; Shift+click adds or removes"),
    ("Select with a box", "Shift+drag on empty space"),
    (
        "Connect two nodes",
        "drag from the round handle on a node's right side onto another node",
    ),
    (
        "Loop of the flow being drawn",
        "0 none · 1 maintain · 2 reuse · 3 remanufacture · 4 recycle",
    ),
    ("Rename a node", "double-click it, or F2"),
    ("Cancel", "Esc"),
];

const GRID: f64 = 20.0;
const MIN_ZOOM: f32 = 0.05;
const MAX_ZOOM: f32 = 4.0;
/// Below this zoom, flow labels are left out.
const LABEL_ZOOM: f32 = 0.4;
/// Nodes narrower than this on screen are drawn as plain boxes, without text, handle or
/// a widget of their own.
const COMPACT_WIDTH: f32 = 36.0;
/// Above this many flows in view, flows are drawn without dash patterns.
const DASHED_FLOWS: usize = 600;

/// Which part of the map fills the canvas: the canvas point at the centre, and the scale.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub center: Point,
    pub zoom: f32,
    /// Fit the whole map on the next frame (at start, after opening, on F).
    pub fit_pending: bool,
    /// Fit again in each of this many frames: the canvas changes size over a few
    /// frames after entering or leaving workshop mode.
    pub refit_frames: u8,
}

impl Default for View {
    fn default() -> Self {
        View {
            center: Point::new(0.0, 0.0),
            zoom: 1.0,
            fit_pending: true,
            refit_frames: 0,
        }
    }
}

impl View {
    pub fn to_screen(&self, canvas: Rect, p: Point) -> Pos2 {
        canvas.center()
            + vec2(
                ((p.x - self.center.x) as f32) * self.zoom,
                ((p.y - self.center.y) as f32) * self.zoom,
            )
    }

    pub fn to_canvas(&self, canvas: Rect, pos: Pos2) -> Point {
        let d = (pos - canvas.center()) / self.zoom;
        Point::new(self.center.x + d.x as f64, self.center.y + d.y as f64)
    }

    fn screen_rect(&self, canvas: Rect, r: geometry::Rect) -> Rect {
        Rect::from_min_max(self.to_screen(canvas, r.min), self.to_screen(canvas, r.max))
    }

    /// The canvas area visible on screen, in canvas points.
    fn visible(&self, canvas: Rect) -> geometry::Rect {
        geometry::Rect {
            min: self.to_canvas(canvas, canvas.min),
            max: self.to_canvas(canvas, canvas.max),
        }
    }

    pub fn fit(&mut self, canvas: Rect, bounds: geometry::Rect) {
        let b = bounds.expand(40.0);
        let (w, h) = ((b.max.x - b.min.x) as f32, (b.max.y - b.min.y) as f32);
        if w <= 0.0 || h <= 0.0 || canvas.width() <= 0.0 {
            return;
        }
        self.zoom = (canvas.width() / w)
            .min(canvas.height() / h)
            .clamp(MIN_ZOOM, 1.5);
        self.center = b.center();
    }

    /// Zooms by `factor`, keeping the canvas point under `anchor` where it is.
    pub fn zoom_at(&mut self, canvas: Rect, anchor: Pos2, factor: f32) {
        let before = self.to_canvas(canvas, anchor);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let after = self.to_canvas(canvas, anchor);
        self.center.x += before.x - after.x;
        self.center.y += before.y - after.y;
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
enum Gesture {
    #[default]
    Idle,
    Moving,
    Connecting {
        from: String,
        /// Chosen with the keys 0–4 while dragging; otherwise proposed from the nodes.
        loop_kind: Option<Loop>,
    },
    BoxSelect {
        start: Pos2,
    },
    Panning,
}

/// What the cached flow mesh was drawn for.
#[derive(Clone, Debug, PartialEq)]
struct FlowMeshKey {
    revision: u64,
    sankey: bool,
    dark: bool,
    canvas: Rect,
    zoom: f32,
    center: (f64, f64),
    pixels_per_point: f32,
    selected: std::collections::BTreeSet<String>,
    scenario: Option<String>,
}

#[derive(Default)]
pub struct CanvasState {
    gesture: Gesture,
    flow_mesh: Option<(FlowMeshKey, std::sync::Arc<egui::epaint::Mesh>)>,
    /// A palette item waiting for a click on the canvas.
    pub placing: Option<usize>,
    /// What the open right-click menu of the canvas is about.
    context_target: Option<Anchor>,
}

/// What a gesture asks of the document, applied after drawing.
enum Action {
    Move(Vec2),
    EndMove,
    Connect {
        from: String,
        to: String,
        loop_kind: Option<Loop>,
    },
    Place {
        preset: usize,
        at: Point,
    },
    Rename(String),
    AddPain(Anchor),
    Delete(Selection),
}

impl LoopmapApp {
    pub(super) fn canvas_ui(&mut self, ui: &mut egui::Ui) {
        let (canvas, response) =
            ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        let painter = ui.painter_at(canvas);
        let dark = ui.visuals().dark_mode;
        painter.rect_filled(
            canvas,
            0.0,
            if dark {
                Color32::from_gray(24)
            } else {
                Color32::from_gray(250)
            },
        );
        self.derived();
        if self.view.refit_frames > 0 {
            self.view.refit_frames -= 1;
            self.view.fit_pending = true;
        }
        if self.view.fit_pending {
            if let Some(b) = self.derived.layout.bounds() {
                self.view.fit(canvas, b);
            }
            self.view.fit_pending = false;
        }
        let mut actions = Vec::new();
        self.pan_and_zoom(ui, canvas, &response);
        if self.settings.grid {
            self.draw_grid(&painter, canvas, dark);
        }
        self.draw_flows(&painter, canvas, dark);
        self.node_widgets(ui, canvas, &painter, dark, &mut actions);
        self.pin_widgets(ui, canvas, &painter);
        self.background_gestures(ui, canvas, &response, &painter, &mut actions);
        self.draw_legend(&painter, canvas, dark);
        self.draw_pin_legend(&painter, canvas, dark);
        self.draw_colour_legend(&painter, canvas, dark);
        if self.canvas.placing.is_some() {
            painter.text(
                canvas.center_top() + vec2(0.0, 16.0),
                Align2::CENTER_TOP,
                "Click on the canvas to place the node · Esc cancels",
                FontId::proportional(15.0),
                theme::SELECTED,
            );
        }
        for action in actions {
            self.apply_action(action);
        }
    }

    fn pan_and_zoom(&mut self, ui: &egui::Ui, canvas: Rect, response: &egui::Response) {
        let (scroll, pinch, pointer, middle_delta, space) = ui.input(|i| {
            (
                i.smooth_scroll_delta.y,
                i.zoom_delta(),
                i.pointer.hover_pos(),
                if i.pointer.middle_down() {
                    i.pointer.delta()
                } else {
                    Vec2::ZERO
                },
                i.key_down(egui::Key::Space),
            )
        });
        let typing = ui.ctx().egui_wants_keyboard_input();
        if let Some(p) = pointer.filter(|p| canvas.contains(*p)) {
            let factor = pinch * (scroll * 0.0015).exp();
            if factor != 1.0 {
                self.view.zoom_at(canvas, p, factor);
            }
            if middle_delta != Vec2::ZERO {
                self.pan(middle_delta);
            }
            if space && !typing && response.hovered() {
                let delta = ui.input(|i| i.pointer.delta());
                if ui.input(|i| i.pointer.primary_down()) {
                    self.pan(delta);
                }
            }
        }
        if !typing {
            let (zoom_in, zoom_out) = ui.ctx().input_mut(|i| {
                (
                    i.consume_key(egui::Modifiers::COMMAND, egui::Key::Plus)
                        || i.consume_key(egui::Modifiers::COMMAND, egui::Key::Equals),
                    i.consume_key(egui::Modifiers::COMMAND, egui::Key::Minus),
                )
            });
            if zoom_in {
                self.view.zoom_at(canvas, canvas.center(), 1.25);
            }
            if zoom_out {
                self.view.zoom_at(canvas, canvas.center(), 0.8);
            }
        }
    }

    fn pan(&mut self, screen_delta: Vec2) {
        self.view.center.x -= (screen_delta.x / self.view.zoom) as f64;
        self.view.center.y -= (screen_delta.y / self.view.zoom) as f64;
    }

    fn draw_grid(&self, painter: &egui::Painter, canvas: Rect, dark: bool) {
        let step = GRID * if self.view.zoom < 0.5 { 5.0 } else { 1.0 };
        if (step as f32) * self.view.zoom < 6.0 {
            return;
        }
        let v = self.view.visible(canvas);
        let colour = if dark {
            Color32::from_gray(40)
        } else {
            Color32::from_gray(232)
        };
        let mut x = (v.min.x / step).floor() * step;
        while x <= v.max.x {
            let sx = self.view.to_screen(canvas, Point::new(x, 0.0)).x;
            painter.line_segment(
                [pos2(sx, canvas.top()), pos2(sx, canvas.bottom())],
                Stroke::new(1.0, colour),
            );
            x += step;
        }
        let mut y = (v.min.y / step).floor() * step;
        while y <= v.max.y {
            let sy = self.view.to_screen(canvas, Point::new(0.0, y)).y;
            painter.line_segment(
                [pos2(canvas.left(), sy), pos2(canvas.right(), sy)],
                Stroke::new(1.0, colour),
            );
            y += step;
        }
    }

    /// Flows are drawn from one cached mesh, rebuilt only when the map, the view, the
    /// selection or the theme changes: idle and hover frames do not tessellate thousands
    /// of lines again.
    fn draw_flows(&mut self, painter: &egui::Painter, canvas: Rect, dark: bool) {
        let key = FlowMeshKey {
            revision: self.derived.revision,
            sankey: self.derived.sankey,
            dark,
            canvas,
            zoom: self.view.zoom,
            center: (self.view.center.x, self.view.center.y),
            pixels_per_point: painter.ctx().pixels_per_point(),
            selected: self.selection.flows.clone(),
            scenario: self.active_scenario.clone(),
        };
        let cached = match &self.canvas.flow_mesh {
            Some((k, mesh)) if *k == key => mesh.clone(),
            _ => {
                let ctx = painter.ctx();
                let mut tessellator = egui::epaint::Tessellator::new(
                    ctx.pixels_per_point(),
                    ctx.tessellation_options(|o| *o),
                    [1, 1],
                    Vec::new(),
                );
                tessellator.set_clip_rect(canvas);
                let mut mesh = egui::epaint::Mesh::default();
                for shape in self.flow_shapes(canvas, dark) {
                    tessellator.tessellate_shape(shape, &mut mesh);
                }
                let mesh = std::sync::Arc::new(mesh);
                self.canvas.flow_mesh = Some((key, mesh.clone()));
                mesh
            }
        };
        painter.add(Shape::Mesh(cached));
        if self.view.zoom >= LABEL_ZOOM {
            self.draw_flow_labels(painter, canvas, dark);
        }
    }

    /// The lines and arrowheads of the visible flows, in screen coordinates.
    fn flow_shapes(&self, canvas: Rect, dark: bool) -> Vec<Shape> {
        let visible = self.view.visible(canvas);
        let z = self.view.zoom;
        let amounts = &self.derived.analysis.solution.flows;
        let (_, changed) = self.changed_by_scenario();
        // Level of detail: with very many flows in view (a large map fitted), dash
        // patterns are too fine to see and would cost hundreds of thousands of vertices;
        // lines are drawn solid, and loop kinds keep their colours.
        let in_view = self
            .derived
            .layout
            .flows
            .iter()
            .filter(|s| s.bounds.intersects(&visible))
            .count();
        let dashes = in_view <= DASHED_FLOWS;
        let mut shapes = Vec::new();
        for (f, shape) in self.derived.layout.flows.iter().enumerate() {
            if !shape.bounds.intersects(&visible) {
                continue;
            }
            let flow = &self.doc.flows[f];
            // Level of detail: a curve a few pixels long needs few points.
            let extent = (shape.bounds.max.x - shape.bounds.min.x)
                .max(shape.bounds.max.y - shape.bounds.min.y) as f32
                * z;
            let step = if extent < 40.0 {
                6
            } else if extent < 160.0 {
                2
            } else {
                1
            };
            let last = shape.points.len() - 1;
            let points: Vec<Pos2> = shape
                .points
                .iter()
                .enumerate()
                .filter(|(i, _)| i % step == 0 || *i == last)
                .map(|(_, p)| self.view.to_screen(canvas, *p))
                .collect();
            let width = (shape.width as f32 * z).max(1.5);
            let known = amounts.get(f).copied().flatten().is_some();
            // Not yet solved: dashed, in the loop's colour faded (grey for forward flows).
            let colour = match (known, flow.loop_kind) {
                (true, kind) => theme::loop_colour(kind, dark),
                (false, Loop::None) => theme::UNKNOWN,
                (false, kind) => theme::loop_colour(kind, dark).gamma_multiply(0.6),
            };
            if self.selection.flows.contains(&flow.id) {
                shapes.push(Shape::line(
                    points.clone(),
                    Stroke::new(width + 8.0, theme::SELECTED),
                ));
            }
            if changed.contains(&flow.id) {
                shapes.push(Shape::line(
                    points.clone(),
                    Stroke::new(width + 7.0, super::scenarios::SCENARIO.gamma_multiply(0.7)),
                ));
            }
            if self.derived.flagged_flows[f] {
                shapes.push(Shape::line(
                    points.clone(),
                    Stroke::new(width + 5.0, theme::ERROR.gamma_multiply(0.6)),
                ));
            }
            let stroke = Stroke::new(width, colour);
            let dash = if known {
                theme::loop_dash(flow.loop_kind)
            } else {
                Some((8.0, 6.0))
            };
            // Dash patterns scale with the zoom but stay at least 2 px, so loop kinds stay
            // apart without colour; a flow only a few pixels long is drawn solid.
            let scale = z * (1.0 + width / 20.0);
            match dash.filter(|_| dashes && extent >= 40.0) {
                Some((d, g)) => shapes.extend(Shape::dashed_line(
                    &points,
                    stroke,
                    (d * scale).max(2.0),
                    (g * scale).max(2.0),
                )),
                None => shapes.push(Shape::line(points.clone(), stroke)),
            }
            if extent >= 40.0
                && let Some(head) = geometry::arrowhead(&shape.points, shape.width)
            {
                let corners = head.map(|p| self.view.to_screen(canvas, p)).to_vec();
                shapes.push(Shape::convex_polygon(corners, colour, Stroke::NONE));
            }
        }
        shapes
    }

    /// Amount (or share) labels, above every line.
    fn draw_flow_labels(&self, painter: &egui::Painter, canvas: Rect, dark: bool) {
        let visible = self.view.visible(canvas);
        let z = self.view.zoom;
        let amounts = &self.derived.analysis.solution.flows;
        let label_colour = if dark {
            Color32::from_gray(230)
        } else {
            Color32::from_gray(30)
        };
        let label_fill = if dark {
            Color32::from_black_alpha(170)
        } else {
            Color32::from_white_alpha(220)
        };
        for (f, shape) in self.derived.layout.flows.iter().enumerate() {
            // The layout leaves out labels that would cover a node or another label.
            let Some(label) = shape.label.filter(|r| r.intersects(&visible)) else {
                continue;
            };
            let text = flow_label(
                &self.derived.working.flows[f],
                amounts.get(f).copied().flatten(),
            );
            let at = self.view.to_screen(canvas, label.center());
            let galley =
                painter.layout_no_wrap(text, FontId::proportional(12.0 * z.min(1.6)), label_colour);
            let r = Rect::from_center_size(at, galley.size() + vec2(8.0, 2.0));
            painter.rect_filled(r, 4.0, label_fill);
            painter.galley(r.min + vec2(4.0, 1.0), galley, label_colour);
        }
    }

    fn node_widgets(
        &mut self,
        ui: &mut egui::Ui,
        canvas: Rect,
        painter: &egui::Painter,
        dark: bool,
        actions: &mut Vec<Action>,
    ) {
        let visible = self.view.visible(canvas);
        let z = self.view.zoom;
        let shift = ui.input(|i| i.modifiers.shift);
        let space = ui.input(|i| i.key_down(egui::Key::Space));
        let text = if dark {
            Color32::from_gray(240)
        } else {
            Color32::from_gray(20)
        };
        // The bottleneck stage (most concentrated supply) is marked on its nodes.
        let supply = &self.derived.analysis.supply;
        let bottleneck: Option<(String, f64)> = supply.bottleneck.as_ref().and_then(|b| {
            let hhi = supply.stages.iter().find(|s| &s.stage == b)?.hhi?;
            Some((b.clone(), hhi))
        });
        let (changed_nodes, _) = self.changed_by_scenario();
        for n in 0..self.doc.nodes.len() {
            let rect = self.derived.layout.nodes[n];
            if !rect.intersects(&visible) {
                continue;
            }
            let node = &self.doc.nodes[n];
            let id = node.id.clone();
            let screen = self.view.screen_rect(canvas, rect);
            if screen.width() < COMPACT_WIDTH {
                // Too small to read or grab a handle: a plain box, hit-tested through the
                // geometry by the canvas itself (see `background_gestures`).
                let fill = self.node_fill(n, dark);
                painter.rect_filled(screen, 1.0, fill);
                if self.selection.nodes.contains(&id) || self.derived.flagged_nodes[n] {
                    let colour = if self.selection.nodes.contains(&id) {
                        theme::SELECTED
                    } else {
                        theme::ERROR
                    };
                    painter.rect_stroke(screen, 1.0, Stroke::new(2.0, colour), StrokeKind::Outside);
                }
                continue;
            }
            let response = ui.interact(
                screen,
                ui.scope_id().with(("node", &id)),
                Sense::click_and_drag(),
            );
            let label = node.label.clone();
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
            let selected = self.selection.nodes.contains(&id);
            let fill = self.node_fill(n, dark);
            let stroke = if selected {
                Stroke::new(3.5, theme::SELECTED)
            } else {
                Stroke::new(1.5, fill.linear_multiply(0.55).to_opaque())
            };
            painter.rect(screen, 10.0 * z, fill, stroke, StrokeKind::Inside);
            if 14.0 * z >= 5.0 {
                let size = 15.0 * z;
                let title = painter.layout(
                    label.clone(),
                    FontId::proportional(size),
                    text,
                    screen.width() - 10.0 * z,
                );
                let top = screen.top() + 6.0 * z;
                painter.galley(
                    pos2(screen.center().x - title.size().x / 2.0, top),
                    title,
                    text,
                );
                let details = labels::node_details(node);
                painter.text(
                    pos2(screen.center().x, screen.bottom() - 22.0 * z),
                    Align2::CENTER_CENTER,
                    details,
                    FontId::proportional(11.5 * z),
                    text.gamma_multiply(0.8),
                );
                let throughput = self.derived.throughput[n].map_or("? ".to_string(), short_amount);
                painter.text(
                    pos2(screen.center().x, screen.bottom() - 9.0 * z),
                    Align2::CENTER_CENTER,
                    format!("{throughput} {}", self.doc.meta.unit()),
                    FontId::proportional(11.5 * z),
                    text.gamma_multiply(0.8),
                );
            }
            if changed_nodes.contains(&id) {
                painter.rect_stroke(
                    screen.expand(2.0),
                    10.0 * z,
                    Stroke::new(3.0, super::scenarios::SCENARIO),
                    StrokeKind::Outside,
                );
            }
            if let Some((stage, hhi)) = &bottleneck
                && node.stage.as_ref() == Some(stage)
            {
                let outline = screen.expand(4.0 * z.max(0.5));
                let corners = [
                    outline.left_top(),
                    outline.right_top(),
                    outline.right_bottom(),
                    outline.left_bottom(),
                    outline.left_top(),
                ];
                painter.extend(Shape::dashed_line(
                    &corners,
                    Stroke::new(2.5, theme::ERROR),
                    8.0,
                    5.0,
                ));
                if 11.0 * z >= 6.0 {
                    painter.text(
                        pos2(screen.center().x, outline.bottom() + 2.0),
                        Align2::CENTER_TOP,
                        format!("BOTTLENECK · HHI {}", short_amount(*hhi)),
                        FontId::proportional(11.0 * z.clamp(0.7, 1.6)),
                        theme::ERROR,
                    );
                }
            }
            if self.derived.flagged_nodes[n] {
                let c = screen.right_top() + vec2(-2.0, 2.0);
                painter.circle_filled(c, 10.0 * z.max(0.6), theme::ERROR);
                painter.text(
                    c,
                    Align2::CENTER_CENTER,
                    "!",
                    FontId::proportional(14.0 * z.max(0.6)),
                    Color32::WHITE,
                );
            }

            // Gestures on the node.
            if response.drag_started() && !space {
                if !selected {
                    self.selection = if shift {
                        let mut s = self.selection.clone();
                        s.nodes.insert(id.clone());
                        s
                    } else {
                        Selection::node(&id)
                    };
                }
                self.canvas.gesture = Gesture::Moving;
            }
            if response.dragged() && self.canvas.gesture == Gesture::Moving {
                let d = response.drag_delta() / z;
                if d != Vec2::ZERO {
                    actions.push(Action::Move(d));
                }
            }
            if response.drag_stopped() && self.canvas.gesture == Gesture::Moving {
                actions.push(Action::EndMove);
                self.canvas.gesture = Gesture::Idle;
            }
            if response.clicked() {
                if shift {
                    if !self.selection.nodes.remove(&id) {
                        self.selection.nodes.insert(id.clone());
                    }
                } else {
                    self.selection = Selection::node(&id);
                }
            }
            if response.double_clicked() {
                actions.push(Action::Rename(id.clone()));
            }
            response.context_menu(|ui| {
                if ui.button("Add pain point here (P)").clicked() {
                    actions.push(Action::AddPain(Anchor::Node(id.clone())));
                }
                if ui.button("Rename (F2)").clicked() {
                    actions.push(Action::Rename(id.clone()));
                }
                if ui.button("Delete node").clicked() {
                    actions.push(Action::Delete(Selection::node(&id)));
                }
            });
            if response.hovered() {
                response.clone().on_hover_text(self.node_tooltip(n));
            }

            // The handle to draw a flow from.
            if node.kind.gives_outflows() {
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
                    self.canvas.gesture = Gesture::Connecting {
                        from: id.clone(),
                        loop_kind: None,
                    };
                }
                if let Gesture::Connecting { from, loop_kind } = &self.canvas.gesture
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
                            .and_then(|p| self.derived.layout.node_at(p));
                        if let Some(t) = target {
                            actions.push(Action::Connect {
                                from: id.clone(),
                                to: self.doc.nodes[t].id.clone(),
                                loop_kind: *loop_kind,
                            });
                        }
                        self.canvas.gesture = Gesture::Idle;
                    }
                }
            }
        }
        if let Gesture::Connecting { loop_kind, .. } = &mut self.canvas.gesture {
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

    fn background_gestures(
        &mut self,
        ui: &egui::Ui,
        canvas: Rect,
        response: &egui::Response,
        painter: &egui::Painter,
        actions: &mut Vec<Action>,
    ) {
        let shift = ui.input(|i| i.modifiers.shift);
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) && !ui.ctx().egui_wants_keyboard_input() {
            self.canvas.placing = None;
            self.canvas.gesture = Gesture::Idle;
            self.selection = Selection::default();
        }
        if let Some(preset) = response.dnd_release_payload::<usize>()
            && let Some(p) = response.hover_pos()
        {
            actions.push(Action::Place {
                preset: *preset,
                at: self.view.to_canvas(canvas, p),
            });
        }
        let node_under = |app: &Self, p: Option<Pos2>| {
            p.and_then(|p| app.derived.layout.node_at(app.view.to_canvas(canvas, p)))
        };
        if response.drag_started_by(egui::PointerButton::Primary) {
            let start = response.interact_pointer_pos();
            self.canvas.gesture = match (shift, start, node_under(self, start)) {
                (true, Some(start), _) => Gesture::BoxSelect { start },
                (false, _, Some(n)) => {
                    let id = self.doc.nodes[n].id.clone();
                    if !self.selection.nodes.contains(&id) {
                        self.selection = Selection::node(&id);
                    }
                    Gesture::Moving
                }
                _ => Gesture::Panning,
            };
        }
        if self.canvas.gesture == Gesture::Moving && response.dragged() {
            let d = response.drag_delta() / self.view.zoom;
            if d != Vec2::ZERO {
                actions.push(Action::Move(d));
            }
        }
        if self.canvas.gesture == Gesture::Moving && response.drag_stopped() {
            actions.push(Action::EndMove);
            self.canvas.gesture = Gesture::Idle;
        }
        if response.dragged_by(egui::PointerButton::Primary)
            && self.canvas.gesture == Gesture::Panning
            && !ui.input(|i| i.key_down(egui::Key::Space))
        {
            self.pan(response.drag_delta());
        }
        if let Gesture::BoxSelect { start } = self.canvas.gesture
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
                let mut s = self.selection.clone();
                for (n, rect) in self.derived.layout.nodes.iter().enumerate() {
                    if rect.intersects(&area) {
                        s.nodes.insert(self.doc.nodes[n].id.clone());
                    }
                }
                for f in &self.doc.flows {
                    if s.nodes.contains(&f.from) && s.nodes.contains(&f.to) {
                        s.flows.insert(f.id.clone());
                    }
                }
                self.selection = s;
                self.canvas.gesture = Gesture::Idle;
            }
        }
        if response.drag_stopped() && self.canvas.gesture == Gesture::Panning {
            self.canvas.gesture = Gesture::Idle;
        }
        if response.clicked() {
            let Some(p) = response.interact_pointer_pos() else {
                return;
            };
            let at = self.view.to_canvas(canvas, p);
            if let Some(preset) = self.canvas.placing.take() {
                actions.push(Action::Place { preset, at });
                return;
            }
            if let Some(n) = self.derived.layout.node_at(at) {
                // A compact node (a detailed one has its own widget and takes the click).
                let id = self.doc.nodes[n].id.clone();
                self.selection = Selection::node(&id);
                return;
            }
            match self.derived.layout.flow_at(at, 6.0 / self.view.zoom as f64) {
                Some(f) => {
                    let id = self.doc.flows[f].id.clone();
                    if shift {
                        if !self.selection.flows.remove(&id) {
                            self.selection.flows.insert(id);
                        }
                    } else {
                        self.selection = Selection::flow(&id);
                    }
                }
                None if !shift => self.selection = Selection::default(),
                None => {}
            }
        }
        if response.secondary_clicked()
            && let Some(p) = response.interact_pointer_pos()
        {
            let at = self.view.to_canvas(canvas, p);
            let layout = &self.derived.layout;
            self.canvas.context_target = Some(if let Some(n) = layout.node_at(at) {
                Anchor::Node(self.doc.nodes[n].id.clone())
            } else if let Some(f) = layout.flow_at(at, 6.0 / self.view.zoom as f64) {
                Anchor::Flow(self.doc.flows[f].id.clone())
            } else {
                Anchor::Map
            });
        }
        if let Some(target) = self.canvas.context_target.clone() {
            let on = target.describe(&self.doc);
            response.context_menu(|ui| {
                if ui.button(format!("Add pain point on {on} (P)")).clicked() {
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
            && self.canvas.gesture == Gesture::Idle
            && let Some(f) = self
                .derived
                .layout
                .flow_at(self.view.to_canvas(canvas, p), 6.0 / self.view.zoom as f64)
        {
            let flow = &self.doc.flows[f];
            let amount = self
                .derived
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
                self.doc
                    .node(id)
                    .map_or(id.to_string(), |n| n.label.clone())
            };
            // At the pointer: the canvas is one large widget, and a tooltip placed by
            // its rect lands at its bottom left, far from the flow.
            response.clone().on_hover_text_at_pointer(format!(
                "{} -> {}{loop_text}\n{}",
                name(&flow.from),
                name(&flow.to),
                flow_label(flow, amount)
            ));
        }
    }

    fn node_tooltip(&self, n: usize) -> String {
        let node = &self.doc.nodes[n];
        let mut lines = vec![format!("{} ({})", node.label, node.kind.name())];
        for d in &self.derived.analysis.diagnostics {
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

    fn draw_legend(&self, painter: &egui::Painter, canvas: Rect, dark: bool) {
        let text = super::charts::legend_text(dark);
        let font = FontId::proportional(13.0);
        let row = 20.0;
        let size = vec2(210.0, row * 5.0 + 12.0);
        let r = Rect::from_min_size(canvas.left_bottom() + vec2(10.0, -size.y - 10.0), size);
        super::charts::legend_box(painter, r, dark);
        let mut y = r.top() + 6.0 + row / 2.0;
        painter.text(
            pos2(r.left() + 10.0, y),
            Align2::LEFT_CENTER,
            "Reverse loops",
            font.clone(),
            text,
        );
        for kind in Loop::REVERSE {
            y += row;
            let a = pos2(r.left() + 12.0, y);
            let b = pos2(r.left() + 62.0, y);
            let stroke = Stroke::new(4.0, theme::loop_colour(kind, dark));
            match theme::loop_dash(kind) {
                Some((d, g)) => painter.extend(Shape::dashed_line(&[a, b], stroke, d, g)),
                None => {
                    painter.line_segment([a, b], stroke);
                }
            }
            painter.text(
                pos2(r.left() + 72.0, y),
                Align2::LEFT_CENTER,
                kind.name(),
                font.clone(),
                text,
            );
        }
    }

    fn apply_action(&mut self, action: Action) {
        match action {
            Action::Move(d) => {
                let selected = self.selection.nodes.clone();
                self.edit(Some("move"), |doc| {
                    for node in doc.nodes.iter_mut().filter(|n| selected.contains(&n.id)) {
                        node.pos[0] += d.x as f64;
                        node.pos[1] += d.y as f64;
                    }
                });
            }
            Action::EndMove => {
                if self.settings.grid {
                    let selected = self.selection.nodes.clone();
                    self.edit(Some("move"), |doc| {
                        for node in doc.nodes.iter_mut().filter(|n| selected.contains(&n.id)) {
                            node.pos = node.pos.map(snap);
                        }
                    });
                }
                self.end_gesture();
            }
            Action::Connect {
                from,
                to,
                loop_kind,
            } => self.connect(&from, &to, loop_kind),
            Action::Place { preset, at } => self.place(preset, at),
            Action::Rename(id) => {
                self.selection = Selection::node(&id);
                self.start_rename();
            }
            Action::AddPain(on) => self.add_pain_point(on),
            Action::Delete(what) => {
                self.selection = what;
                self.delete_selection();
            }
        }
    }

    /// Adds a flow drawn on the canvas; flows a source cannot take or a waste cannot give
    /// are refused with a hint. A flow back to an earlier stage is proposed as a loop.
    pub fn connect(&mut self, from: &str, to: &str, chosen: Option<Loop>) {
        let (Some(a), Some(b)) = (self.doc.node(from), self.doc.node(to)) else {
            return;
        };
        if from == to {
            return;
        }
        if !b.kind.takes_inflows() {
            self.hint = Some(format!(
                "'{}' is a source: a source takes no inflows. Draw flows out of it instead.",
                b.label
            ));
            return;
        }
        if !a.kind.gives_outflows() {
            self.hint = Some(format!(
                "'{}' is a {}: it has no outflows.",
                a.label,
                a.kind.name()
            ));
            return;
        }
        // Back to an earlier production stage from use or recovery: propose a loop.
        let backwards = b.pos[0] < a.pos[0];
        let loop_kind = chosen.unwrap_or(match (backwards, a.kind, b.kind) {
            (true, NodeKind::Recovery, NodeKind::Use) => Loop::Maintain,
            (true, NodeKind::Recovery, NodeKind::Process) => Loop::Recycle,
            (true, NodeKind::Use, NodeKind::Process) => Loop::Reuse,
            _ => Loop::None,
        });
        let id = fragment::unique_flow_id(&self.doc, &format!("{from}_to_{to}"));
        let mut flow = Flow::new(id.clone(), from, to);
        flow.loop_kind = loop_kind;
        self.edit(None, |doc| doc.flows.push(flow));
        self.selection = Selection::flow(&id);
        self.hint = (loop_kind != Loop::None).then(|| {
            format!(
                "Added as a {} loop; change it in the inspector.",
                loop_kind.name()
            )
        });
    }

    /// Places a palette item at a canvas point.
    pub fn place(&mut self, preset: usize, at: Point) {
        let Some(node) = palette::new_node(&self.doc, preset) else {
            return;
        };
        let mut node = node;
        node.pos = [at.x, at.y];
        if self.settings.grid {
            node.pos = node.pos.map(snap);
        }
        let id = node.id.clone();
        self.edit(None, |doc| doc.nodes.push(node));
        self.selection = Selection::node(&id);
    }
}

fn snap(v: f64) -> f64 {
    (v / GRID).round() * GRID
}
