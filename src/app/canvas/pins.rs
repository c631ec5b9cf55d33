//! Pain point pins on the canvas: placed by `geometry` on their node or flow, drawn with
//! their category's colour and shape, numbered, sized by votes; hover tells, click
//! selects, right-click votes. Pins on the whole map sit in a row in the room kept beside
//! the map (`canvas::legend`). A second legend names the categories.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, pos2, vec2};

use super::super::{Editor, Selection, theme};
use super::Canvas;
use crate::geometry::{self, PinShape, Point};
use crate::layout::labels::Occupied;
use crate::model::{Anchor, Category, PainPoint};

/// Draws one pin: its shape filled with its category's colour, its number inside.
pub fn draw_pin(
    painter: &egui::Painter,
    category: Category,
    centre: Pos2,
    radius: f32,
    number: usize,
    selected: bool,
) {
    let fill = theme::category_colour(category);
    let outline = if selected {
        Stroke::new(3.5, theme::SELECTED)
    } else {
        Stroke::new(1.5, Color32::WHITE)
    };
    let corners = draw_pin_symbol(painter, category, centre, radius);
    let shape = geometry::pin_shape(category);
    if corners.is_empty() {
        painter.circle_stroke(centre, radius, outline);
    } else {
        painter.add(Shape::closed_line(corners, outline));
    }
    // Triangles have their visual centre off the middle: nudge the number into it.
    let nudge = match shape {
        PinShape::TriangleUp => radius * 0.25,
        PinShape::TriangleDown => -radius * 0.25,
        _ => 0.0,
    };
    painter.text(
        centre + vec2(0.0, nudge),
        Align2::CENTER_CENTER,
        number.to_string(),
        FontId::proportional((radius * 1.05).max(9.0)),
        theme::text_on(fill),
    );
}

/// What hovering a pin tells; no vote count while the room's totals are hidden.
fn tooltip(p: &PainPoint, number: usize, on: &str, votes_hidden: bool) -> String {
    let votes = if votes_hidden {
        "votes hidden until revealed".to_string()
    } else {
        format!(
            "{} vote{}",
            p.votes(),
            if p.votes() == 1 { "" } else { "s" }
        )
    };
    let mut lines = vec![
        format!("#{number} {}", p.title),
        format!(
            "{} · {} · {votes} · {}",
            p.category().name(),
            crate::present::severity(p.severity),
            p.status().name()
        ),
        format!("on {on}"),
    ];
    if !p.raised_by.is_empty() {
        lines.push(format!("raised by {}", p.raised_by));
    }
    lines.push("click to select · + / − to vote · right-click for more".into());
    lines.join("\n")
}

impl Canvas {
    /// Whether a pin is shown under the category filter.
    pub(super) fn pin_shown(&self, p: &PainPoint) -> bool {
        self.options.pin_filter.is_none_or(|c| p.category() == c)
    }

    /// Where each pin is drawn on screen (centre and radius); `None` for pins filtered
    /// out or on something not in the map. Pins on a node stand in a row above its top
    /// edge, clear of its title, laid out on screen: they keep their size when the map is
    /// small. Pins on the whole map sit in their box beside the map.
    pub(super) fn pin_placements(&self, editor: &Editor, canvas: Rect) -> Vec<Option<(Pos2, f32)>> {
        let z = self.view.zoom;
        let whole_map = self.canvas_legend_rect(super::Legend::WholeMap);
        let index = editor.doc().node_index();
        let mut map_slot = 0.0;
        // Pins grow with votes only where the room may see the totals.
        let shown_votes = |p: &PainPoint| if editor.votes_hidden { 0 } else { p.votes() };
        let node_of = |p: &PainPoint| match &p.on {
            Anchor::Node(id) => index.get(id.as_str()).copied(),
            _ => None,
        };
        // How wide each node's row of pins is, to keep it over its node: pins overlap a
        // little rather than stand over the neighbours' titles.
        let mut widths: std::collections::HashMap<usize, f32> = Default::default();
        for p in editor
            .doc()
            .pain_points
            .iter()
            .filter(|p| self.pin_shown(p))
        {
            if let Some(n) = node_of(p) {
                let d = 2.0 * geometry::pin_radius(shown_votes(p)) as f32 * z.max(0.8) + 3.0;
                *widths.entry(n).or_default() += d;
            }
        }
        // How far along its node's top edge the next pin starts.
        let mut rows: std::collections::HashMap<usize, f32> = Default::default();
        let mut out = Vec::with_capacity(editor.doc().pain_points.len());
        for (i, p) in editor.doc().pain_points.iter().enumerate() {
            let r = geometry::pin_radius(shown_votes(p)) as f32;
            let at = editor.shown().layout.pins.get(i).copied().flatten();
            let placed = match (&p.on, at) {
                _ if !self.pin_shown(p) => None,
                (Anchor::Node(id), Some(_)) => index.get(id.as_str()).and_then(|&n| {
                    let screen = self.node_box(editor, canvas, n)?;
                    // Shrinks less than the map when zoomed out: pins are what the room
                    // looks for.
                    let radius = r * z.max(0.8);
                    let room = (screen.width() - 4.0).max(2.0 * radius);
                    let squeeze = (room / widths.get(&n).copied().unwrap_or(room)).min(1.0);
                    let row = rows.entry(n).or_insert(0.0);
                    let x = screen.left() + 2.0 + *row + radius * squeeze.max(0.5);
                    *row += (2.0 * radius + 3.0) * squeeze;
                    Some((pos2(x, screen.top() - radius - 1.0), radius))
                }),
                (_, Some(at)) => Some((self.view.to_screen(canvas, at), r * z.max(0.8))),
                (Anchor::Map, None) => whole_map.map(|b| {
                    let c = pos2(
                        b.left() + super::WHOLE_MAP_LABEL + map_slot + r,
                        b.center().y,
                    );
                    map_slot += 2.0 * r + 4.0;
                    (c, r)
                }),
                _ => None, // on something not in the map: listed in the diagnostics
            };
            out.push(placed.filter(|(c, radius)| canvas.expand(*radius).contains(*c)));
        }
        out
    }

    /// Seats each pin on a node or flow where it covers no other node, no title and no
    /// pin seated before it: in the row above its node's top edge, else stacked down its
    /// right side, its left side, or in a row under it (then the same a pin further out,
    /// and so on, and then all again a little smaller); a pin on a flow above its place,
    /// or up, down or aside. Each seat taken joins `taken` (in map units), which the
    /// amounts then keep clear of. A pin with no free seat stays where it was placed.
    pub(super) fn seat_pins(
        &self,
        editor: &Editor,
        canvas: Rect,
        pins: &mut [Option<(Pos2, f32)>],
        taken: &mut Occupied,
    ) {
        let index = editor.doc().node_index();
        let to_map = |r: Rect| geometry::Rect {
            min: self.view.to_canvas(canvas, r.min),
            max: self.view.to_canvas(canvas, r.max),
        };
        // How many seats each side of a node has used.
        let mut used: std::collections::HashMap<usize, [usize; 4]> = Default::default();
        for (i, pin) in pins.iter_mut().enumerate() {
            let p = &editor.doc().pain_points[i];
            let Some((c, full)) = pin.as_mut() else {
                continue;
            };
            if p.on == Anchor::Map {
                continue;
            }
            // Smaller where there is no seat at full size (the number stays as large).
            for shrink in [1.0, 0.8, 0.65] {
                let r = &mut (*full * shrink);
                let step = 2.0 * *r + 3.0;
                let seats: Vec<Pos2> =
                    match &p.on {
                        Anchor::Map => continue,
                        Anchor::Node(id) => {
                            let Some(&n) = index.get(id.as_str()) else {
                                continue;
                            };
                            let Some(b) = self.node_box(editor, canvas, n) else {
                                continue;
                            };
                            let along = ((b.width() / step).floor() as usize).max(1);
                            let down = ((b.height() / step).floor() as usize).max(1);
                            let sides = used.entry(n).or_default();
                            let first = *sides;
                            let r = *r;
                            let row =
                                |k: usize, y: f32| pos2(b.left() + r + 2.0 + k as f32 * step, y);
                            let column = |k: usize, x: f32| pos2(x, b.top() + r + k as f32 * step);
                            // Next to the box first; failing that, further out.
                            (0..4)
                                .flat_map(|ring| {
                                    let out = ring as f32 * step;
                                    (first[0]..along)
                                        .map(move |k| (0, row(k, b.top() - r - CLEAR - out)))
                                        .chain((first[1]..down).map(move |k| {
                                            (1, column(k, b.right() + r + CLEAR + out))
                                        }))
                                        .chain((first[2]..down).map(move |k| {
                                            (2, column(k, b.left() - r - CLEAR - out))
                                        }))
                                        .chain((first[3]..along).map(move |k| {
                                            (3, row(k, b.bottom() + r + CLEAR + out))
                                        }))
                                })
                                .filter(|&(side, at)| {
                                    let free = !taken.hits(&to_map(super::pin_rect(at, r)));
                                    if free {
                                        sides[side] += 1;
                                    }
                                    free
                                })
                                .map(|(_, at)| at)
                                .take(1)
                                .collect()
                        }
                        Anchor::Flow(_) => {
                            let start = *c;
                            (0..8)
                                .flat_map(|k| {
                                    let up = k as f32 * step;
                                    [
                                        (0.0, -1.0),
                                        (0.0, 1.0),
                                        (-1.0, -1.0),
                                        (1.0, -1.0),
                                        (-1.0, 1.0),
                                        (1.0, 1.0),
                                    ]
                                    .map(|(s, v)| start + vec2(s * step, v * up))
                                })
                                .filter(|&at| !taken.hits(&to_map(super::pin_rect(at, *r))))
                                .take(1)
                                .collect()
                        }
                    };
                if let Some(&seat) = seats.first() {
                    *c = seat;
                    *full = *r;
                    break;
                }
            }
            taken.insert(to_map(super::pin_rect(*c, *full).expand(1.0)));
        }
    }

    /// Draws every pin in view (after nodes and flows, so on top) and handles its clicks.
    pub(super) fn pin_widgets(
        &mut self,
        editor: &mut Editor,
        ui: &mut egui::Ui,
        canvas: Rect,
        painter: &egui::Painter,
        placements: Vec<Option<(Pos2, f32)>>,
    ) {
        let whole_map = self.canvas_legend_rect(super::Legend::WholeMap);
        if let Some(r) = whole_map {
            super::super::charts::legend_box(painter, r, ui.visuals().dark_mode);
            painter.text(
                pos2(r.left() + 8.0, r.center().y),
                Align2::LEFT_CENTER,
                "Whole map",
                FontId::proportional(13.0),
                super::super::charts::legend_text(ui.visuals().dark_mode),
            );
        }
        let mut clicked = None;
        let mut menu_action = None;
        let shift = ui.input(|i| i.modifiers.shift);
        let numbers = editor.doc().pin_numbers();
        for (i, placed) in placements.into_iter().enumerate() {
            let Some((centre, radius)) = placed else {
                continue;
            };
            let p = &editor.doc().pain_points[i];
            let selected = editor.selection.pains.contains(&p.id);
            draw_pin(
                painter,
                p.category(),
                centre,
                radius,
                numbers[i] as usize,
                selected,
            );
            let response = ui.interact(
                Rect::from_center_size(centre, egui::Vec2::splat(2.0 * radius.max(9.0))),
                ui.scope_id().with(("pin", &p.id)),
                Sense::click(),
            );
            let name = format!("Pain point {}: {}", numbers[i], p.title);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
            let on = p.on.describe(editor.doc());
            let response =
                response.on_hover_text(tooltip(p, numbers[i] as usize, &on, editor.votes_hidden));
            if response.clicked() {
                clicked = Some(p.id.clone());
            }
            let id = p.id.clone();
            response.context_menu(|ui| {
                if ui.button("+1 vote").clicked() {
                    menu_action = Some((id.clone(), 1));
                }
                if ui.button("−1 vote").clicked() {
                    menu_action = Some((id.clone(), -1));
                }
                if ui.button("Delete pain point").clicked() {
                    menu_action = Some((id.clone(), 0));
                }
            });
        }
        if let Some(id) = clicked {
            if shift {
                if !editor.selection.pains.remove(&id) {
                    editor.selection.pains.insert(id);
                }
            } else {
                editor.selection = Selection::pain(&id);
            }
        }
        if let Some((id, delta)) = menu_action {
            editor.selection = Selection::pain(&id);
            if delta == 0 {
                editor.delete_selection();
            } else {
                editor.vote(delta);
            }
        }
        if let Some(c) = self.options.pin_filter {
            painter.text(
                canvas.center_top() + vec2(0.0, 40.0),
                Align2::CENTER_TOP,
                format!("Showing only {} pain points", c.name()),
                FontId::proportional(15.0),
                theme::category_colour(c),
            );
        }
    }

    /// The legend of pin categories, beside the loop legend (only when there are pins).
    /// The size of the pin legend, if there are pins.
    /// In two columns for a strip under the map, one for a column beside it.
    pub(super) fn pin_legend_size(&self, editor: &Editor, columns: usize) -> Option<egui::Vec2> {
        let rows = Category::ALL.len().div_ceil(columns);
        let width = if columns == 1 { 190.0 } else { 300.0 };
        (!editor.doc().pain_points.is_empty())
            .then(|| vec2(width, PIN_LEGEND_ROW * (rows as f32 + 1.0) + 12.0))
    }

    /// The legend of pin categories, in `r`.
    pub(super) fn draw_pin_legend(&self, painter: &egui::Painter, r: Rect, dark: bool) {
        let text = super::super::charts::legend_text(dark);
        let row = PIN_LEGEND_ROW;
        let columns = if r.width() < 250.0 { 1 } else { 2 };
        let rows = Category::ALL.len().div_ceil(columns);
        super::super::charts::legend_box(painter, r, dark);
        let font = FontId::proportional(13.0);
        let top = r.top() + 6.0 + row / 2.0;
        painter.text(
            pos2(r.left() + 10.0, top),
            Align2::LEFT_CENTER,
            "Pain points (size: votes)",
            font.clone(),
            text,
        );
        for (k, c) in Category::ALL.into_iter().enumerate() {
            let x = r.left() + 18.0 + (k / rows) as f32 * 145.0;
            let y = top + row * (1 + k % rows) as f32;
            draw_pin_symbol(painter, c, pos2(x, y), 7.0);
            let colour = if self.options.pin_filter.is_some_and(|f| f != c) {
                text.gamma_multiply(0.4)
            } else {
                text
            };
            painter.text(
                pos2(x + 14.0, y),
                Align2::LEFT_CENTER,
                c.name(),
                font.clone(),
                colour,
            );
        }
    }
}

const PIN_LEGEND_ROW: f32 = 20.0;
/// Between a pin and the box it stands beside, in points (more than the slack kept
/// around every box).
const CLEAR: f32 = 4.0;

/// A category's symbol in a legend, faded when the filter hides its pins.
pub(super) fn draw_legend_symbol(painter: &egui::Painter, c: Category, at: Pos2, dim: bool) {
    let mut painter = painter.clone();
    if dim {
        painter.set_opacity(0.4);
    }
    draw_pin_symbol(&painter, c, at, 7.0);
}

/// A pin's filled shape without outline or number (also the legend's symbol); returns
/// its corners (none for a circle).
fn draw_pin_symbol(
    painter: &egui::Painter,
    category: Category,
    at: Pos2,
    radius: f32,
) -> Vec<Pos2> {
    let fill = theme::category_colour(category);
    let shape = geometry::pin_shape(category);
    if shape == PinShape::Circle {
        painter.circle_filled(at, radius, fill);
        return Vec::new();
    }
    let corners: Vec<Pos2> = geometry::pin_outline(
        shape,
        Point::new(f64::from(at.x), f64::from(at.y)),
        f64::from(radius),
    )
    .into_iter()
    .map(|p| pos2(p.x as f32, p.y as f32))
    .collect();
    // A fan from the centre fills the star too (every shape is star-shaped around it).
    let mut mesh = egui::epaint::Mesh::default();
    mesh.colored_vertex(at, fill);
    for &c in &corners {
        mesh.colored_vertex(c, fill);
    }
    let n = corners.len() as u32;
    for k in 0..n {
        mesh.add_triangle(0, 1 + k, 1 + (k + 1) % n);
    }
    painter.add(Shape::mesh(mesh));
    corners
}
