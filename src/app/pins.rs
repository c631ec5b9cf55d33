//! Pain point pins on the canvas: placed by `geometry` on their node or flow, drawn with
//! their category's colour and shape, numbered, sized by votes; hover tells, click
//! selects, right-click votes. Pins on the whole map sit in a row at the canvas's top
//! left. A second legend names the categories.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, pos2, vec2};

use super::{LoopmapApp, Selection, theme};
use crate::geometry::{self, PinShape, Point};
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

fn tooltip(p: &PainPoint, number: usize, on: &str) -> String {
    let mut lines = vec![
        format!("#{number} {}", p.title),
        format!(
            "{} · severity {} of 5 · {} vote{} · {}",
            p.category().name(),
            p.severity(),
            p.votes(),
            if p.votes() == 1 { "" } else { "s" },
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

impl LoopmapApp {
    /// Whether a pin is shown under the category filter.
    fn pin_shown(&self, p: &PainPoint) -> bool {
        self.pin_filter.is_none_or(|c| p.category() == c)
    }

    /// Draws every pin in view (after nodes and flows, so on top) and handles its clicks.
    pub(super) fn pin_widgets(&mut self, ui: &mut egui::Ui, canvas: Rect, painter: &egui::Painter) {
        let z = self.view.zoom;
        let mut map_slot = 0.0;
        let mut clicked = None;
        let mut menu_action = None;
        let shift = ui.input(|i| i.modifiers.shift);
        for i in 0..self.doc.pain_points.len() {
            let p = &self.doc.pain_points[i];
            if !self.pin_shown(p) {
                continue;
            }
            let (centre, radius) = match self.derived.layout.pins.get(i).copied().flatten() {
                Some(at) => (
                    self.view.to_screen(canvas, at),
                    // Shrinks less than the map when zoomed out: pins are what the room
                    // looks for.
                    geometry::pin_radius(p.votes()) as f32 * z.max(0.8),
                ),
                None if p.on == Anchor::Map => {
                    // Pins on the whole map: a row under the "Whole map" label.
                    let r = geometry::pin_radius(p.votes()) as f32;
                    let c = canvas.left_top() + vec2(24.0 + map_slot, 52.0);
                    map_slot += 2.0 * geometry::pin_radius(40) as f32 + 4.0;
                    (c, r)
                }
                None => continue, // on something not in the map: listed in the diagnostics
            };
            if !canvas.expand(radius).contains(centre) {
                continue;
            }
            let selected = self.selection.pains.contains(&p.id);
            draw_pin(painter, p.category(), centre, radius, i + 1, selected);
            let response = ui.interact(
                Rect::from_center_size(centre, egui::Vec2::splat(2.0 * radius.max(9.0))),
                ui.scope_id().with(("pin", &p.id)),
                Sense::click(),
            );
            let name = format!("Pain point {}: {}", i + 1, p.title);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
            let on = p.on.describe(&self.doc);
            let response = response.on_hover_text(tooltip(p, i + 1, &on));
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
        if map_slot > 0.0 {
            painter.text(
                canvas.left_top() + vec2(12.0, 26.0),
                Align2::LEFT_CENTER,
                "Whole map",
                FontId::proportional(13.0),
                ui.visuals().strong_text_color(),
            );
        }
        if let Some(id) = clicked {
            if shift {
                if !self.selection.pains.remove(&id) {
                    self.selection.pains.insert(id);
                }
            } else {
                self.selection = Selection::pain(&id);
            }
        }
        if let Some((id, delta)) = menu_action {
            self.selection = Selection::pain(&id);
            if delta == 0 {
                self.delete_selection();
            } else {
                self.vote(delta);
            }
        }
        if let Some(c) = self.pin_filter {
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
    pub(super) fn draw_pin_legend(&self, painter: &egui::Painter, canvas: Rect, dark: bool) {
        if self.doc.pain_points.is_empty() {
            return;
        }
        let text = super::charts::legend_text(dark);
        let row = 20.0;
        let columns = 2;
        let rows = Category::ALL.len().div_ceil(columns);
        let size = vec2(300.0, row * (rows as f32 + 1.0) + 12.0);
        let r = Rect::from_min_size(canvas.left_bottom() + vec2(230.0, -size.y - 10.0), size);
        super::charts::legend_box(painter, r, dark);
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
            let colour = if self.pin_filter.is_some_and(|f| f != c) {
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
