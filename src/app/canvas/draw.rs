//! Drawing the map on the canvas: grid, flows (one cached mesh), flow labels and node
//! boxes with their texts, all sized and thinned out by the level-of-detail policy
//! (`Lod`). Nothing here changes the document.

use egui::{
    Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, StrokeKind, pos2, text::LayoutJob, vec2,
};

use super::super::{Editor, theme};
use super::Canvas;
use super::lod::{Lod, TITLE_ROWS};
use super::{FlowMeshKey, GRID};
use crate::analysis::Severity;
use crate::geometry::{self, Point};
use crate::model::Loop;
use crate::present;

/// A node title as drawn in the last frame, for tests and for whoever needs to know
/// where the text went.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnTitle {
    pub node: String,
    /// Font size in points.
    pub size: f32,
    /// Where the title text is, in points.
    pub rect: Rect,
    /// The node's box on screen (grown to hold the title).
    pub node_rect: Rect,
    /// The title's lines as wrapped.
    pub rows: Vec<String>,
    /// The secondary lines drawn in the box under the title (amount, stage, countries),
    /// as far as they fit.
    pub details: Vec<String>,
}

/// A node's title laid out in its box, waiting to be drawn over every box.
pub(super) struct PendingTitle {
    node: String,
    /// The node's box on screen, grown to hold the title.
    screen: Rect,
    text: Color32,
    placed: Placed,
    details: Vec<String>,
}

/// A node's box on screen grown to hold its title, and the title laid out.
pub(super) type TitleBox = (Rect, std::sync::Arc<egui::Galley>);

/// The colour of node titles.
fn title_colour(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(240)
    } else {
        Color32::from_gray(20)
    }
}

/// Where a title laid out as `galley` lies in a box `screen`.
fn title_rect(screen: Rect, galley: &egui::Galley, lod: &Lod) -> Rect {
    galley.rect.translate(title_origin(screen, lod).to_vec2())
}

/// A title laid out: its text, where it is drawn from, and the rect it covers.
type Placed = (std::sync::Arc<egui::Galley>, Pos2, Rect);

/// Which way a box may grow to hold its title, as shares of its growth to the right and
/// downwards: evenly first, then to either side and up or down.
const GROWTHS: [(f32, f32); 9] = [
    (0.5, 0.5),
    (0.5, 1.0),
    (0.5, 0.0),
    (0.0, 0.5),
    (1.0, 0.5),
    (0.0, 1.0),
    (1.0, 1.0),
    (0.0, 0.0),
    (1.0, 0.0),
];

/// Where a title's first line starts: centred, just under the box's top edge.
fn title_origin(screen: Rect, lod: &Lod) -> Pos2 {
    pos2(
        screen.center().x,
        screen.top() + lod.pad.min(screen.height() * 0.1),
    )
}

impl Canvas {
    pub(super) fn draw_grid(&self, painter: &egui::Painter, canvas: Rect, dark: bool) {
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
    pub(super) fn draw_flows(
        &mut self,
        editor: &mut Editor,
        painter: &egui::Painter,
        canvas: Rect,
        dark: bool,
        lod: &Lod,
    ) {
        let key = self.mesh_key(editor, painter, canvas, dark);
        let cached = match &self.flow_mesh {
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
                for shape in self.flow_shapes(editor, canvas, dark, lod) {
                    tessellator.tessellate_shape(shape, &mut mesh);
                }
                let mesh = std::sync::Arc::new(mesh);
                self.flow_mesh = Some((key, mesh.clone()));
                mesh
            }
        };
        painter.add(Shape::Mesh(cached));
        // Amounts placed for the screen are drawn over the titles (`draw_amounts`).
        if let Some(size) = lod.flow_labels.filter(|_| !lod.readable_amounts) {
            self.draw_flow_labels(editor, painter, canvas, dark, size);
        }
        if let Some(size) = lod.badge {
            self.draw_suspects(editor, painter, canvas, size);
        }
    }

    /// What the flows were drawn for: the map's revision, the view, the selection.
    pub(super) fn mesh_key(
        &self,
        editor: &Editor,
        painter: &egui::Painter,
        canvas: Rect,
        dark: bool,
    ) -> FlowMeshKey {
        FlowMeshKey {
            revision: editor.shown().revision,
            drawing: editor.shown().drawing,
            dark,
            canvas,
            zoom: self.view.zoom,
            center: (self.view.center.x, self.view.center.y),
            pixels_per_point: painter.ctx().pixels_per_point(),
            selected: editor.selection.flows.clone(),
            scenario: editor.active_scenario.clone(),
            ranges: self.options.ranges,
        }
    }

    /// The badge of a flow whose figure the reconciliation test doubts: an amber triangle
    /// with its place among the suspects, at the middle of the flow.
    fn draw_suspects(&self, editor: &Editor, painter: &egui::Painter, canvas: Rect, size: f32) {
        for (f, rank) in editor.shown().suspects.iter().enumerate() {
            let Some(rank) = rank else { continue };
            let Some(shape) = editor.shown().layout.flows.get(f) else {
                continue;
            };
            let Some(&mid) = shape.points.get(shape.points.len() / 2) else {
                continue;
            };
            let at = self.view.to_screen(canvas, mid);
            if !canvas.contains(at) {
                continue;
            }
            let r = size * 0.9;
            let corners = vec![
                at + vec2(0.0, -r),
                at + vec2(r * 0.95, r * 0.7),
                at + vec2(-r * 0.95, r * 0.7),
            ];
            painter.add(Shape::convex_polygon(
                corners,
                theme::WARNING,
                Stroke::new(1.5, Color32::from_gray(40)),
            ));
            painter.text(
                at + vec2(0.0, r * 0.2),
                egui::Align2::CENTER_CENTER,
                format!("{}", rank + 1),
                FontId::proportional(size * 0.85),
                Color32::BLACK,
            );
        }
    }

    /// The lines and arrowheads of the visible flows, in screen coordinates.
    fn flow_shapes(&self, editor: &Editor, canvas: Rect, dark: bool, lod: &Lod) -> Vec<Shape> {
        let visible = self.view.visible(canvas);
        let z = self.view.zoom;
        let amounts = &editor.shown().analysis.solution.flows;
        let (_, changed) = editor.changed_by_scenario();
        let mut shapes = Vec::new();
        for (f, shape) in editor.shown().layout.flows.iter().enumerate() {
            if !shape.bounds.intersects(&visible) {
                continue;
            }
            let flow = &editor.shown().working.flows[f];
            // A curve a few pixels long needs few points.
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
            let amount = amounts.get(f).copied().flatten();
            let known = amount.is_some();
            // Not yet solved: dashed, in the loop's colour faded (grey for forward flows).
            let colour = match (known, flow.loop_kind) {
                (true, kind) => theme::loop_colour(kind, dark),
                (false, Loop::None) => theme::UNKNOWN,
                (false, kind) => theme::loop_colour(kind, dark).gamma_multiply(0.6),
            };
            if editor.selection.flows.contains(&flow.id) {
                shapes.extend(selection_casing(&points, width, dark));
            }
            if changed.contains(&flow.id) {
                shapes.push(Shape::line(
                    points.clone(),
                    Stroke::new(
                        width + 7.0,
                        super::super::scenarios::SCENARIO.gamma_multiply(0.7),
                    ),
                ));
            }
            // The range: a lighter band as wide as the amount plus its σ.
            if self.options.ranges
                && let (Some(a), Some(sigma)) = (amount, flow_sigma(editor, f))
                && a > 0.0
                && sigma > 0.0
            {
                let wider = width * ((a + sigma) / a) as f32;
                shapes.push(Shape::line(
                    points.clone(),
                    Stroke::new(wider, colour.gamma_multiply(0.3)),
                ));
            }
            if editor.shown().flagged_flows[f] {
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
            match dash.filter(|_| lod.dashes && extent >= 40.0) {
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
            // A stub ends in a small mark of its sink, filled as the sink is.
            if let (Some(mark), Some(sink)) = (geometry::stub_mark(shape), shape.stub) {
                let r = Rect::from_min_max(
                    self.view.to_screen(canvas, mark.min),
                    self.view.to_screen(canvas, mark.max),
                );
                let fill = self.node_fill(editor, sink, dark);
                shapes.push(Shape::rect_filled(r, 2.0, fill));
                shapes.push(Shape::rect_stroke(
                    r,
                    2.0,
                    Stroke::new(1.5, fill.linear_multiply(0.55).to_opaque()),
                    egui::StrokeKind::Inside,
                ));
            }
        }
        shapes
    }

    /// Amount (or share) labels, above every line.
    fn draw_flow_labels(
        &self,
        editor: &Editor,
        painter: &egui::Painter,
        canvas: Rect,
        dark: bool,
        size: f32,
    ) {
        let visible = self.view.visible(canvas);
        let amounts = &editor.shown().analysis.solution.flows;
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
        for (f, shape) in editor.shown().layout.flows.iter().enumerate() {
            // The layout leaves out labels that would cover a node or another label.
            let Some(label) = shape.label.filter(|r| r.intersects(&visible)) else {
                continue;
            };
            let text = crate::layout::labels::flow_text(
                &editor.shown().working,
                Some(shape),
                f,
                amounts.get(f).copied().flatten(),
                flow_sigma(editor, f).filter(|_| self.options.ranges),
            );
            let at = self.view.to_screen(canvas, label.center());
            let galley = painter.layout_no_wrap(text, FontId::proportional(size), label_colour);
            let r = Rect::from_center_size(at, galley.size() + vec2(8.0, 2.0));
            painter.rect_filled(r, 4.0, label_fill);
            painter.galley(r.min + vec2(4.0, 1.0), galley, label_colour);
        }
    }

    /// A node's box and texts. The title is always drawn (at least at the policy's
    /// minimum size, wrapped to a few lines); the secondary lines only where the box has
    /// room for them under it, stage and countries giving way before the throughput. A
    /// title larger than its box sits on a backing in the node's colour, so it reads over
    /// whatever it overhangs.
    pub(super) fn draw_node(
        &mut self,
        editor: &mut Editor,
        painter: &egui::Painter,
        n: usize,
        (screen, title): (Rect, Option<TitleBox>),
        lod: &Lod,
        dark: bool,
    ) -> Rect {
        let node = &editor.shown().working.nodes[n];
        let id = node.id.clone();
        let text = title_colour(dark);
        // The box as grown to hold its title (`title_boxes`): a title never overhangs it.
        let (screen, title) = match title {
            Some((grown, galley)) => (grown, Some(galley)),
            None => (screen, None),
        };
        let selected = editor.selection.nodes.contains(&id);
        let flagged = editor.shown().flagged_nodes[n];
        let fill = self.node_fill(editor, n, dark);
        let z = lod.zoom;
        let compact = lod.compact(screen.width());
        let corner = if compact { 1.0 } else { 10.0 * z };
        let stroke = if selected {
            Stroke::new(3.5, theme::SELECTED)
        } else if compact && let Some(colour) = flagged.and_then(badge_colour) {
            Stroke::new(2.0, colour)
        } else {
            Stroke::new(1.5, fill.linear_multiply(0.55).to_opaque())
        };
        painter.rect(screen, corner, fill, stroke, StrokeKind::Inside);
        if let Some(title) = title {
            // Rows are centred on x = 0 of the galley: it is drawn at the box's centre.
            let at = title_origin(screen, lod);
            let rect = title.rect.translate(at.to_vec2());
            // Drawn after every box, so a neighbour's outline never crosses it.
            self.titles.push(PendingTitle {
                node: id.clone(),
                screen,
                text,
                placed: (title, at, rect),
                details: Vec::new(),
            });
            // The secondary lines, bottom up, as far as they fit under the title.
            let line = lod.detail * 1.25;
            let mut bottom = screen.bottom() - lod.pad.min(4.0);
            let throughput = editor.shown().throughput[n].map_or("? ".to_string(), present::amount);
            let node = &editor.shown().working.nodes[n];
            let lines = [
                format!("{throughput} {}", editor.shown().working.meta.unit()),
                present::node_details(node),
            ];
            for l in lines {
                if bottom - line < rect.bottom() + 1.0 {
                    break;
                }
                painter.text(
                    pos2(screen.center().x, bottom - line / 2.0),
                    Align2::CENTER_CENTER,
                    &l,
                    FontId::proportional(lod.detail),
                    text.gamma_multiply(0.8),
                );
                if let Some(pending) = self.titles.last_mut() {
                    pending.details.push(l);
                }
                bottom -= line;
            }
        }
        self.draw_flag(painter, screen, compact, flagged, z);
        screen
    }

    /// Every visible node's box (`laid`, on screen) grown to hold its title: each in turn
    /// clear of the boxes and titles placed before it, then each again clear of all the
    /// others, so the first nodes do not take the room the later ones needed.
    pub(super) fn title_boxes(
        &self,
        editor: &Editor,
        painter: &egui::Painter,
        laid: &[Option<Rect>],
        lod: &Lod,
        dark: bool,
    ) -> Vec<Option<TitleBox>> {
        let colour = title_colour(dark);
        let nodes = &editor.shown().working.nodes;
        let mut placed: Vec<Option<TitleBox>> = vec![None; laid.len()];
        for round in 0..2 {
            for (n, node) in nodes.iter().enumerate() {
                let Some(screen) = laid.get(n).copied().flatten() else {
                    continue;
                };
                // Only what a grown box could reach: a frame of many nodes stays quick.
                let near = screen.expand(3.0 * screen.width() + 40.0 * lod.title);
                let boxes: Vec<Rect> = (0..laid.len())
                    .filter(|&k| k != n)
                    .filter_map(|k| placed[k].as_ref().map(|p| p.0).or(laid[k]))
                    .filter(|b| b.intersects(near))
                    .collect();
                let titles: Vec<Rect> = placed
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| k != n && (round > 0 || k < n))
                    .filter_map(|(_, p)| p.as_ref().map(|(b, g)| title_rect(*b, g, lod)))
                    .filter(|t| t.intersects(near))
                    .collect();
                placed[n] = Some(self.title_box(
                    painter,
                    &node.label,
                    screen,
                    lod,
                    colour,
                    (boxes.iter().copied(), &titles),
                ));
            }
        }
        placed
    }

    /// A node's box on screen grown to hold its title at the policy's size. The title
    /// wraps between words only (at least as wide as its longest word, so no word is cut
    /// in two), to at most `TITLE_ROWS` lines; the box keeps the laid-out box inside it
    /// (the flows meet that) and grows down, up or both, narrow and tall or wide and
    /// flat, whichever covers least of the other boxes (`others`) and stays in the room
    /// the map was fitted into. Workshop mode and the
    /// editor fit their titles so alike.
    pub(super) fn title_box(
        &self,
        painter: &egui::Painter,
        label: &str,
        screen: Rect,
        lod: &Lod,
        colour: Color32,
        (others, titles): (impl Iterator<Item = Rect> + Clone, &[Rect]),
    ) -> TitleBox {
        let word = label
            .split_whitespace()
            .map(|w| {
                painter
                    .layout_no_wrap(w.to_string(), FontId::proportional(lod.title), colour)
                    .size()
                    .x
            })
            .fold(0.0, f32::max);
        let wrap = lod.title_wrap_width(screen.width()).max(word + 1.0);
        // Above the title as much as `title_origin` may leave in a taller box.
        let margin = vec2(2.0 * lod.pad, lod.pad + lod.pad.min(screen.height() * 0.1));
        let area = |a: Rect, o: Rect| {
            let i = a.intersect(o);
            if i.is_positive() { i.area() } else { 0.0 }
        };
        // The room the map was fitted into, beside the legends.
        let room = self.canvas_legends().map_area;
        let mut best: Option<(f32, Rect, std::sync::Arc<egui::Galley>)> = None;
        // Narrow and tall (as narrow as the longest word) to wide and flat.
        let shapes = [
            (word + 1.0, TITLE_ROWS + 2),
            (wrap, TITLE_ROWS),
            (wrap * 1.25, TITLE_ROWS),
            (wrap * 1.5, TITLE_ROWS),
            (wrap * 2.0, TITLE_ROWS),
            (wrap * 3.0, TITLE_ROWS),
        ];
        for (i, (width, rows)) in shapes.into_iter().enumerate() {
            let galley = self.title_galley(painter, label, width, rows, lod, colour);
            if galley.elided && i + 1 < shapes.len() {
                continue;
            }
            let size = screen.size().max(galley.rect.size() + margin);
            let (wider_by, taller_by) = (size.x - screen.width(), size.y - screen.height());
            for (right, down) in GROWTHS {
                let min = pos2(
                    screen.left() - wider_by * (1.0 - right),
                    screen.top() - taller_by * (1.0 - down),
                );
                let grown = Rect::from_min_size(min, size);
                let text = title_rect(grown, &galley, lod);
                // A title over another title or box hides what it covers; a box over
                // another box only its outline. A little for the size, so a box grows
                // no more than it must.
                let cost: f32 = others
                    .clone()
                    .map(|o| 10.0 * area(text, o) + area(grown, o))
                    .sum::<f32>()
                    + titles.iter().map(|&o| 10.0 * area(text, o)).sum::<f32>()
                    + 100.0 * (grown.area() - area(grown, room))
                    + 0.01 * grown.area();
                if best.as_ref().is_none_or(|(c, _, _)| cost < *c) {
                    best = Some((cost, grown, galley.clone()));
                }
            }
        }
        match best {
            Some((_, grown, galley)) => (grown, galley),
            None => (
                screen,
                self.title_galley(painter, label, wrap, TITLE_ROWS, lod, colour),
            ),
        }
    }

    /// The badge of a node a diagnostic names, by its gravest one: errors a red disc,
    /// warnings an amber triangle, notes a small grey square.
    fn draw_flag(
        &self,
        painter: &egui::Painter,
        screen: Rect,
        compact: bool,
        flagged: Option<Severity>,
        z: f32,
    ) {
        let Some(severity) = flagged else { return };
        if compact {
            return;
        }
        let r = 10.0 * z.max(0.6);
        let c = screen.right_top() + vec2(-2.0, 2.0);
        let mark = match severity {
            Severity::Error => {
                painter.circle_filled(c, r, theme::ERROR);
                "!"
            }
            Severity::Warning => {
                let h = r * 1.15;
                painter.add(Shape::convex_polygon(
                    vec![
                        c + vec2(0.0, -h),
                        c + vec2(h * 1.05, h * 0.75),
                        c + vec2(-h * 1.05, h * 0.75),
                    ],
                    theme::WARNING,
                    Stroke::new(1.0, Color32::WHITE),
                ));
                "!"
            }
            Severity::Info => {
                let half = r * 0.7;
                painter.rect_filled(
                    Rect::from_center_size(c, vec2(2.0 * half, 2.0 * half)),
                    2.0,
                    theme::NOTE,
                );
                "i"
            }
        };
        let size = if severity == Severity::Info {
            11.0
        } else {
            14.0
        };
        painter.text(
            c + vec2(
                0.0,
                if severity == Severity::Warning {
                    r * 0.15
                } else {
                    0.0
                },
            ),
            Align2::CENTER_CENTER,
            mark,
            FontId::proportional(size * z.max(0.6)),
            Color32::WHITE,
        );
    }

    /// The titles of the nodes drawn this frame, over every box (each inside its own,
    /// grown to hold it by `title_box`).
    pub(super) fn draw_titles(&mut self, painter: &egui::Painter, lod: &Lod) {
        for t in std::mem::take(&mut self.titles) {
            let (galley, at, rect) = t.placed;
            let rows = galley.rows.iter().map(|r| r.text()).collect();
            painter.galley(at, galley, t.text);
            self.drawn_titles.push(DrawnTitle {
                node: t.node,
                size: lod.title,
                rect,
                rows,
                node_rect: t.screen,
                details: t.details,
            });
        }
    }

    /// The title wrapped at `wrap` points, at most `rows` lines (the last ending in "…").
    fn title_galley(
        &self,
        painter: &egui::Painter,
        label: &str,
        wrap: f32,
        rows: usize,
        lod: &Lod,
        colour: Color32,
    ) -> std::sync::Arc<egui::Galley> {
        let mut job = LayoutJob::simple(
            label.to_string(),
            FontId::proportional(lod.title),
            colour,
            wrap,
        );
        job.wrap.max_rows = rows;
        job.wrap.break_anywhere = false;
        job.wrap.overflow_character = Some('…');
        job.halign = egui::Align::Center;
        painter.layout_job(job)
    }

    /// Marks on a node drawn over flows and other boxes: what the scenario changes and
    /// the bottleneck stage.
    pub(super) fn draw_node_marks(
        &self,
        editor: &Editor,
        painter: &egui::Painter,
        n: usize,
        screen: Rect,
        lod: &Lod,
    ) {
        let node = &editor.shown().working.nodes[n];
        let z = lod.zoom;
        let (changed_nodes, _) = editor.changed_by_scenario();
        if changed_nodes.contains(&node.id) {
            painter.rect_stroke(
                screen.expand(2.0),
                10.0 * z,
                Stroke::new(3.0, super::super::scenarios::SCENARIO),
                StrokeKind::Outside,
            );
        }
        // The bottleneck stage (most concentrated supply) is marked on its nodes.
        let supply = &editor.shown().analysis.concentration;
        // Every stage tied at the highest HHI is marked.
        let hhi = node
            .stage
            .as_deref()
            .filter(|stage| supply.is_bottleneck(stage))
            .and_then(|stage| supply.stages.iter().find(|s| s.stage == stage)?.hhi);
        if let Some(hhi) = hhi {
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
            if let Some(size) = lod.badge {
                painter.text(
                    pos2(screen.center().x, outline.bottom() + 2.0),
                    Align2::CENTER_TOP,
                    format!("BOTTLENECK · HHI {}", present::amount(hhi)),
                    FontId::proportional(size),
                    theme::ERROR,
                );
            }
        }
    }

    /// A grip on the edge between the canvas and the tabs below, so the splitter can be
    /// seen and found.
    pub(super) fn draw_splitter_grip(&self, painter: &egui::Painter, canvas: Rect, dark: bool) {
        let colour = if dark {
            Color32::from_gray(150)
        } else {
            Color32::from_gray(120)
        };
        let c = canvas.center_bottom() - vec2(0.0, 4.0);
        for dy in [-1.5, 1.5] {
            painter.line_segment(
                [c + vec2(-18.0, dy), c + vec2(18.0, dy)],
                Stroke::new(1.5, colour),
            );
        }
    }
}

/// The outline colour of a compact node with a diagnostic: notes get none.
/// σ of the flow's amount as shown, where the map has uncertain figures.
pub(super) fn flow_sigma(editor: &Editor, f: usize) -> Option<f64> {
    editor
        .shown()
        .analysis
        .uncertainty
        .as_ref()?
        .flow_sigma
        .get(f)
        .copied()
        .flatten()
}

fn badge_colour(severity: Severity) -> Option<Color32> {
    match severity {
        Severity::Error => Some(theme::ERROR),
        Severity::Warning => Some(theme::WARNING),
        Severity::Info => None,
    }
}

/// A selected flow is cased like a road on a map, a dark edge around a light band with
/// a square at each end, under the flow's own colour and dashes: no loop kind is drawn
/// so (an orange halo read as the remanufacture loop).
fn selection_casing(points: &[Pos2], width: f32, dark: bool) -> Vec<Shape> {
    let (edge, band) = theme::selection_casing(dark);
    let mut shapes = vec![
        Shape::line(points.to_vec(), Stroke::new(width + 16.0, edge)),
        Shape::line(points.to_vec(), Stroke::new(width + 8.0, band)),
    ];
    let ends = [points.first(), points.last()];
    for end in ends.into_iter().flatten() {
        let square = Rect::from_center_size(*end, vec2(12.0, 12.0));
        shapes.push(Shape::rect_filled(square, 1.0, band));
        shapes.push(Shape::rect_stroke(
            square,
            1.0,
            Stroke::new(2.0, edge),
            egui::StrokeKind::Inside,
        ));
    }
    shapes
}
