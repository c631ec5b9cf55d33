//! The canvas: the map drawn from `layout::shapes` and the gestures that edit it. Split
//! by concern: `view` (pan, zoom, fit), `lod` (what shows at which zoom), `draw` (flows,
//! nodes, titles), `legend` (the boxes beside the map), `gestures` (select, box-select,
//! move, connect, place from the palette). Gestures become `Action`s that are applied
//! through the editor (`Editor::edit`) once the frame is drawn.
//!
//! The canvas keeps its own transform rather than magnifying a layer, so text is laid out
//! at the zoomed size and stays sharp at every zoom.

mod amounts;
mod draw;
mod gestures;
mod legend;
mod lod;
mod pins;
mod view;

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Vec2, vec2};

pub use amounts::DrawnAmount;
pub use draw::DrawnTitle;
pub use legend::{Legend, Legends, WHOLE_MAP_LABEL};
pub use lod::Lod;
pub use view::View;

use super::{Editor, Selection, theme};
use crate::geometry::Point;
use crate::model::{Anchor, Loop};

/// Mouse gestures, for Help ▸ Shortcuts.
pub const GESTURES: &[(&str, &str)] = &[
    ("Pan", "drag empty space, middle mouse, or Space+drag"),
    ("Zoom at the pointer", "mouse wheel or pinch"),
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
    ("Rename a node", "double-click it"),
    ("Cancel", "Esc"),
];

const GRID: f64 = 20.0;
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
pub(super) struct FlowMeshKey {
    revision: u64,
    drawing: crate::layout::Drawing,
    dark: bool,
    canvas: Rect,
    zoom: f32,
    center: (f64, f64),
    pixels_per_point: f32,
    selected: std::collections::BTreeSet<String>,
    scenario: Option<String>,
    ranges: bool,
}

/// The canvas: where it looks (`view`), what the frame tells it to show (`options`),
/// and what it keeps between frames (the gesture under way, caches, what it drew).
#[derive(Default)]
pub struct Canvas {
    pub view: View,
    pub options: CanvasOptions,
    gesture: Gesture,
    flow_mesh: Option<(FlowMeshKey, std::sync::Arc<egui::epaint::Mesh>)>,
    /// What the open right-click menu of the canvas is about.
    context_target: Option<Anchor>,
    /// Where the map and the legends went in the last frame.
    legends: Legends,
    /// The legends are shown over the map, there being no room beside it.
    legend_overlay: bool,
    /// The size of the legends folded to a line each (workshop mode), measured this frame.
    compact_legend: Option<Vec2>,
    /// The canvas, centre and zoom of the last fit.
    fitted: Option<(Rect, Point, f32)>,
    /// The level of detail of the last frame.
    lod: Option<Lod>,
    /// Titles laid out this frame, drawn over every box.
    titles: Vec<draw::PendingTitle>,
    /// Titles drawn in the last frame.
    drawn_titles: Vec<DrawnTitle>,
    /// Amounts placed for the view (workshop mode, Larger text), and those drawn in the
    /// last frame.
    amounts: Option<amounts::PlacedAmounts>,
    drawn_amounts: Vec<DrawnAmount>,
}

/// The view settings the canvas draws with, given by the frame each frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CanvasOptions {
    pub grid: bool,
    pub legends: bool,
    /// Uncertain flows with a band of ± σ and the σ in their labels.
    pub ranges: bool,
    pub colour_by: super::ColourBy,
    /// The user's text scale (View ▸ Larger text).
    pub text_scale: f32,
    /// Workshop mode: larger text, no splitter grips.
    pub workshop: bool,
    /// Show only the pins of this category.
    pub pin_filter: Option<crate::model::Category>,
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

impl Canvas {
    pub fn ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        let (canvas, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
        // Gestures only start inside a margin: a drag on the splitter at the canvas's edge
        // belongs to the panel, never to a node under it.
        let reach = canvas.shrink(ui.style().interaction.resize_grab_radius_side + 2.0);
        let response = ui.interact(reach, ui.scope_id().with("canvas"), Sense::click_and_drag());
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
        editor.derived();
        if self.view.refit_frames > 0 {
            self.view.refit_frames -= 1;
            self.view.fit_pending = true;
        }
        // A fitted view that nobody has moved since follows the canvas when it changes
        // size (a panel resized, the scenario banner shown): the map stays whole and the
        // legends stay off it.
        if let Some((rect, center, zoom)) = self.fitted
            && rect != canvas
            && center == self.view.center
            && zoom == self.view.zoom
        {
            self.view.fit_pending = true;
        }
        let bounds = editor.shown().layout.bounds();
        self.compact_legend = self
            .options
            .workshop
            .then(|| self.compact_legend_size(editor, ui.ctx(), canvas))
            .flatten();
        self.legends = self.legend_layout(editor, canvas, bounds);
        if self.view.fit_pending {
            if let Some(b) = bounds {
                self.view.fit(canvas, self.legends.map_area, b);
                self.fitted = Some((canvas, self.view.center, self.view.zoom));
            }
            self.view.fit_pending = false;
        }
        let mut actions = Vec::new();
        self.pan_and_zoom(ui, canvas, &response);
        let lod = self.lod_for(editor, ui.ctx(), canvas);
        self.lod = Some(lod);
        self.drawn_titles.clear();
        if self.options.grid {
            self.draw_grid(&painter, canvas, dark);
        }
        self.draw_flows(editor, &painter, canvas, dark, &lod);
        self.node_widgets(
            editor,
            ui,
            canvas,
            reach,
            &painter,
            dark,
            &lod,
            &mut actions,
        );
        // Titles first; then pins beside their node, clear of every box and title; then
        // the amounts, clear of all of them (one notion of occupied space).
        self.draw_titles(&painter, &lod);
        let mut taken = self.occupied(editor, canvas);
        let mut pins = self.pin_placements(editor, canvas);
        self.seat_pins(editor, canvas, &mut pins, &mut taken);
        self.drawn_amounts.clear();
        if let Some(size) = lod.flow_labels.filter(|_| lod.readable_amounts) {
            self.draw_amounts(editor, &painter, canvas, dark, size, (taken, &pins));
        }
        self.pin_widgets(editor, ui, canvas, &painter, pins);
        self.background_gestures(editor, ui, canvas, &response, &painter, &mut actions);
        self.draw_legends(editor, ui, &painter, dark);
        if !self.options.workshop {
            self.draw_splitter_grip(&painter, canvas, dark);
        }
        if editor.placing.is_some() {
            painter.text(
                canvas.center_top() + vec2(0.0, 16.0),
                Align2::CENTER_TOP,
                "Click on the canvas to place the node · Esc cancels",
                FontId::proportional(15.0),
                theme::SELECTED,
            );
        }
        for action in actions {
            self.apply_action(editor, action);
        }
    }

    /// What this frame has drawn so far, in map units: the node boxes (as laid out and as
    /// grown to hold their titles) and the titles.
    fn occupied(&self, editor: &Editor, canvas: Rect) -> crate::layout::labels::Occupied {
        let slack = 2.0 / f64::from(self.view.zoom);
        let to_map = |r: Rect| crate::geometry::Rect {
            min: self.view.to_canvas(canvas, r.min),
            max: self.view.to_canvas(canvas, r.max),
        };
        crate::layout::labels::Occupied::of(
            editor
                .shown()
                .layout
                .nodes
                .iter()
                .map(|r| r.expand(slack))
                .chain(self.drawn_titles.iter().map(|t| to_map(t.rect.expand(3.0))))
                .chain(
                    self.drawn_titles
                        .iter()
                        .map(|t| to_map(t.node_rect.expand(1.0))),
                ),
        )
    }

    /// Node `n`'s box on screen as drawn this frame (grown to hold its title), or as laid
    /// out if it has not been drawn.
    fn node_box(&self, editor: &Editor, canvas: Rect, n: usize) -> Option<Rect> {
        let id = &editor.doc().nodes.get(n)?.id;
        let drawn = self.drawn_titles.iter().find(|t| &t.node == id);
        match drawn {
            Some(t) => Some(t.node_rect),
            None => Some(
                self.view
                    .screen_rect(canvas, *editor.shown().layout.nodes.get(n)?),
            ),
        }
    }

    /// The level of detail for the view as it is now.
    fn lod_for(&self, editor: &Editor, ctx: &egui::Context, canvas: Rect) -> Lod {
        let visible = self.view.visible(canvas);
        let layout = &editor.shown().layout;
        let nodes = layout
            .nodes
            .iter()
            .filter(|r| r.intersects(&visible))
            .count();
        let flows = layout
            .flows
            .iter()
            .filter(|s| s.bounds.intersects(&visible))
            .count();
        Lod::new(
            self.view.zoom,
            self.options.workshop,
            self.options.text_scale,
            ctx.zoom_factor(),
            nodes,
            flows,
        )
    }

    /// The level of detail the canvas was last drawn with.
    pub fn canvas_lod(&self) -> Option<Lod> {
        self.lod
    }

    /// The node titles drawn in the last frame, with their size and place on screen.
    pub fn drawn_titles(&self) -> &[DrawnTitle] {
        &self.drawn_titles
    }

    /// Where the map was fitted and the legends drawn in the last frame.
    pub fn canvas_legends(&self) -> &Legends {
        &self.legends
    }

    /// Where one box beside the map went in the last frame.
    pub(super) fn canvas_legend_rect(&self, which: Legend) -> Option<Rect> {
        self.legends.rect(which)
    }

    fn apply_action(&mut self, editor: &mut Editor, action: Action) {
        match action {
            Action::Move(d) => {
                let selected = editor.selection.nodes.clone();
                editor.edit(Some("move"), |doc| {
                    for node in doc.nodes.iter_mut().filter(|n| selected.contains(&n.id)) {
                        node.pos[0] += d.x as f64;
                        node.pos[1] += d.y as f64;
                    }
                });
            }
            Action::EndMove => {
                if self.options.grid {
                    let selected = editor.selection.nodes.clone();
                    editor.edit(Some("move"), |doc| {
                        for node in doc.nodes.iter_mut().filter(|n| selected.contains(&n.id)) {
                            node.pos = node.pos.map(snap);
                        }
                    });
                }
                editor.end_gesture();
            }
            Action::Connect {
                from,
                to,
                loop_kind,
            } => editor.connect(&from, &to, loop_kind),
            Action::Place { preset, at } => {
                let at = if self.options.grid {
                    Point::new(snap(at.x), snap(at.y))
                } else {
                    at
                };
                editor.place(preset, at);
            }
            Action::Rename(id) => {
                editor.selection = Selection::node(&id);
                editor.start_rename();
            }
            Action::AddPain(on) => editor.add_pain_point(on),
            Action::Delete(what) => {
                editor.selection = what;
                editor.delete_selection();
            }
        }
    }
}

/// The square a pin occupies on screen.
fn pin_rect(centre: Pos2, radius: f32) -> Rect {
    Rect::from_center_size(centre, Vec2::splat(2.0 * radius))
}

fn snap(v: f64) -> f64 {
    (v / GRID).round() * GRID
}
