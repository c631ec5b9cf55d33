//! What the canvas shows beside the map: the legends (reverse loops, pain point
//! categories, node colours), the pins on the whole map, and the small button that folds
//! the legends away. They go in a strip along the bottom or in a column at the left,
//! whichever leaves the map larger, and Fit keeps the map out of it: nothing here ever
//! covers a node or a pin after a fit.

use egui::{Align2, FontId, Rect, Shape, Stroke, Vec2, pos2, vec2};

use super::super::{Command, Editor, Request, theme};
use super::Canvas;
use super::view;
use crate::geometry;
use crate::model::{Anchor, Loop};

/// A box beside the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Legend {
    /// The button that shows or folds the legends.
    Toggle,
    /// Pain points on the whole map, as a row of pins.
    WholeMap,
    Loops,
    Pins,
    Colours,
}

/// Where the map goes on the canvas, and where each box beside it goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Legends {
    /// The whole canvas.
    pub canvas: Rect,
    /// The part of the canvas the map is fitted into.
    pub map_area: Rect,
    pub boxes: Vec<(Legend, Rect)>,
    /// No room for the legends beside the map: they are folded, and shown over the map
    /// (at `overlay`) only while the user asks.
    pub crowded: bool,
    pub overlay: Vec<(Legend, Rect)>,
}

impl Default for Legends {
    fn default() -> Self {
        Legends {
            canvas: Rect::NOTHING,
            map_area: Rect::NOTHING,
            boxes: Vec::new(),
            crowded: false,
            overlay: Vec::new(),
        }
    }
}

impl Legends {
    pub fn rect(&self, which: Legend) -> Option<Rect> {
        self.boxes
            .iter()
            .find(|(l, _)| *l == which)
            .map(|(_, r)| *r)
    }
}

/// Space between the canvas edge and the boxes, and between boxes.
const MARGIN: f32 = 8.0;
const TOGGLE: Vec2 = vec2(96.0, 22.0);
/// Room kept around a fitted map, in points: pins stand above their node's top edge.
const MAP_PAD: f32 = 8.0;
const PIN_ROOM: f32 = 16.0;
/// The loop legend's rows.
const ROW: f32 = 20.0;

impl Canvas {
    /// The boxes to place, with their sizes, in the order they are laid out.
    fn legend_sizes(&self, editor: &Editor, shown: bool, column: bool) -> Vec<(Legend, Vec2)> {
        let mut boxes = vec![(Legend::Toggle, TOGGLE)];
        if let Some(size) = self.whole_map_pins_size(editor) {
            boxes.push((Legend::WholeMap, size));
        }
        if shown && let Some(size) = self.compact_legend.filter(|_| self.options.workshop) {
            boxes.push((Legend::Loops, size));
        } else if shown {
            boxes.push((Legend::Loops, vec2(210.0, ROW * 5.0 + 12.0)));
            if let Some(size) = self.pin_legend_size(editor, if column { 1 } else { 2 }) {
                boxes.push((Legend::Pins, size));
            }
            if let Some(size) = self.colour_legend_size(editor) {
                boxes.push((Legend::Colours, size));
            }
        }
        boxes
    }

    /// Where the map and the boxes beside it go on `canvas`: a strip along the bottom or a
    /// column at the left, whichever lets the map (its `bounds`) be drawn larger.
    /// When the canvas has no room for the legends beside the map, they are folded and
    /// the button shows them over the map on request (`Legends::crowded`).
    pub(super) fn legend_layout(
        &self,
        editor: &Editor,
        canvas: Rect,
        bounds: Option<geometry::Rect>,
    ) -> Legends {
        if !self.options.legends {
            return self
                .place_legends(editor, canvas, bounds, false)
                .unwrap_or_else(|l| l);
        }
        match self.place_legends(editor, canvas, bounds, true) {
            Ok(legends) => legends,
            Err(over) => {
                let mut folded = self
                    .place_legends(editor, canvas, bounds, false)
                    .unwrap_or_else(|l| l);
                folded.crowded = true;
                folded.overlay = over
                    .boxes
                    .into_iter()
                    .filter(|(l, _)| !matches!(l, Legend::Toggle | Legend::WholeMap))
                    .collect();
                folded
            }
        }
    }

    /// The layout with the legends `shown` or folded; `Err` (the strip, overflowing) when
    /// neither a strip nor a column has room for them.
    fn place_legends(
        &self,
        editor: &Editor,
        canvas: Rect,
        bounds: Option<geometry::Rect>,
        shown: bool,
    ) -> Result<Legends, Legends> {
        let sizes = self.legend_sizes(editor, shown, false);
        let gaps = MARGIN * (sizes.len() as f32 + 1.0);
        // Along the bottom, left to right.
        let strip_h = sizes.iter().map(|(_, s)| s.y).fold(0.0, f32::max) + 2.0 * MARGIN;
        let strip_w: f32 = sizes.iter().map(|(_, s)| s.x).sum::<f32>() + gaps;
        let mut x = canvas.left() + MARGIN;
        let strip = Legends {
            canvas,
            crowded: false,
            overlay: Vec::new(),
            map_area: pad(Rect::from_min_max(
                canvas.min,
                pos2(canvas.right(), canvas.bottom() - strip_h),
            )),
            boxes: sizes
                .iter()
                .map(|&(l, s)| {
                    let r = Rect::from_min_size(pos2(x, canvas.bottom() - MARGIN - s.y), s);
                    x += s.x + MARGIN;
                    (l, r)
                })
                .collect(),
        };
        // At the left, top down, the button at the bottom.
        let sizes = self.legend_sizes(editor, shown, true);
        let column_w = sizes.iter().map(|(_, s)| s.x).fold(0.0, f32::max) + 2.0 * MARGIN;
        let column_h: f32 = sizes.iter().map(|(_, s)| s.y).sum::<f32>() + gaps;
        let mut y = canvas.top() + MARGIN;
        let column = Legends {
            canvas,
            crowded: false,
            overlay: Vec::new(),
            map_area: pad(Rect::from_min_max(
                pos2(canvas.left() + column_w, canvas.top()),
                canvas.max,
            )),
            boxes: sizes
                .iter()
                .map(|&(l, s)| {
                    if l == Legend::Toggle {
                        let at = pos2(canvas.left() + MARGIN, canvas.bottom() - MARGIN - s.y);
                        return (l, Rect::from_min_size(at, s));
                    }
                    let r = Rect::from_min_size(pos2(canvas.left() + MARGIN, y), s);
                    y += s.y + MARGIN;
                    (l, r)
                })
                .collect(),
        };
        let strip_fits = strip_w <= canvas.width();
        let column_fits = column_h <= canvas.height();
        let zoom =
            |l: &Legends| bounds.map_or(1.0, |b| view::fit_zoom(l.map_area, view::fit_bounds(b)));
        if column_fits && (!strip_fits || zoom(&column) > zoom(&strip) * 1.02) {
            Ok(column)
        } else if strip_fits {
            Ok(strip)
        } else {
            Err(strip)
        }
    }

    /// Draws the legends that are shown and the button that folds them.
    pub(super) fn draw_legends(
        &mut self,
        editor: &mut Editor,
        ui: &mut egui::Ui,
        painter: &egui::Painter,
        dark: bool,
    ) {
        let legends = self.legends.clone();
        let crowded = legends.crowded;
        if !crowded {
            self.legend_overlay = false;
        }
        let overlay = if self.legend_overlay {
            legends.overlay.clone()
        } else {
            Vec::new()
        };
        for &(which, r) in legends.boxes.iter().chain(&overlay) {
            match which {
                Legend::Toggle => {
                    let (text, on) = match (crowded, self.options.legends) {
                        (true, _) => ("Legends", self.legend_overlay),
                        (false, true) => ("Hide legends", true),
                        (false, false) => ("Legends", false),
                    };
                    let tip = if crowded {
                        "No room for the legends beside the map: click to show them over it \
                         (or make the canvas larger)"
                            .to_string()
                    } else {
                        format!(
                            "{} ({})",
                            Command::ToggleLegends.tooltip(),
                            Command::ToggleLegends.shortcut_text(ui.ctx())
                        )
                    };
                    let button =
                        egui::Button::new(egui::RichText::new(text).size(12.0)).selected(on);
                    if ui.put(r, button).on_hover_text(tip).clicked() {
                        if crowded {
                            self.legend_overlay = !self.legend_overlay;
                        } else {
                            editor.ask(Request::Run(Command::ToggleLegends));
                        }
                    }
                }
                Legend::WholeMap => {} // drawn with the other pins
                Legend::Loops if self.options.workshop && self.compact_legend.is_some() => {
                    self.draw_compact_legend(editor, painter, r, dark)
                }
                Legend::Loops => self.draw_loop_legend(painter, r, dark),
                Legend::Pins => self.draw_pin_legend(painter, r, dark),
                Legend::Colours => self.draw_colour_legend(editor, painter, r, dark),
            }
        }
    }

    /// The size of the row of pins on the whole map, if there are any to show.
    fn whole_map_pins_size(&self, editor: &Editor) -> Option<Vec2> {
        let radii: Vec<f32> = editor
            .doc()
            .pain_points
            .iter()
            .filter(|p| p.on == Anchor::Map && self.pin_shown(p))
            .map(|p| geometry::pin_radius(p.votes()) as f32)
            .collect();
        if radii.is_empty() {
            return None;
        }
        let largest = radii.iter().copied().fold(0.0, f32::max);
        let width = WHOLE_MAP_LABEL + radii.iter().map(|r| 2.0 * r + 4.0).sum::<f32>() + 6.0;
        Some(vec2(width, 2.0 * largest + 10.0))
    }

    fn draw_loop_legend(&self, painter: &egui::Painter, r: Rect, dark: bool) {
        let text = super::super::charts::legend_text(dark);
        let font = FontId::proportional(13.0);
        super::super::charts::legend_box(painter, r, dark);
        let mut y = r.top() + 6.0 + ROW / 2.0;
        painter.text(
            pos2(r.left() + 10.0, y),
            Align2::LEFT_CENTER,
            "Reverse loops",
            font.clone(),
            text,
        );
        for kind in Loop::REVERSE {
            y += ROW;
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
}

/// A swatch in the folded legend: a loop's line or a category's pin.
#[derive(Clone, Copy)]
enum Swatch {
    Loop(Loop),
    Pin(crate::model::Category),
}

/// The folded legend's lines: the reverse loops, then the pin categories (if the map
/// has pain points).
fn compact_lines(editor: &Editor) -> Vec<(&'static str, Vec<(Swatch, &'static str)>)> {
    let mut lines = vec![(
        "Reverse loops",
        Loop::REVERSE
            .into_iter()
            .map(|k| (Swatch::Loop(k), k.name()))
            .collect(),
    )];
    if !editor.doc().pain_points.is_empty() {
        lines.push((
            "Pins",
            crate::model::Category::ALL
                .into_iter()
                .map(|c| (Swatch::Pin(c), c.name()))
                .collect(),
        ));
    }
    lines
}

/// Room for a swatch, and between the items of a folded legend line.
const SWATCH: f32 = 22.0;
const ITEM_GAP: f32 = 10.0;

impl Canvas {
    /// The size of the folded legend (workshop mode): a line per legend; none if a strip
    /// along the bottom of `canvas` has no room for it beside the button and the pins on
    /// the whole map (the legends are then laid out as in the editor).
    pub(super) fn compact_legend_size(
        &self,
        editor: &Editor,
        ctx: &egui::Context,
        canvas: Rect,
    ) -> Option<Vec2> {
        let width = |t: &str| {
            ctx.fonts_mut(|f| {
                f.layout_no_wrap(
                    t.to_string(),
                    FontId::proportional(13.0),
                    egui::Color32::WHITE,
                )
                .size()
                .x
            })
        };
        let lines = compact_lines(editor);
        let widest = lines
            .iter()
            .map(|(title, items)| {
                width(title)
                    + items
                        .iter()
                        .map(|(_, t)| ITEM_GAP + SWATCH + 6.0 + width(t))
                        .sum::<f32>()
            })
            .fold(0.0, f32::max);
        let size = vec2(widest + 20.0, ROW * lines.len() as f32 + 12.0);
        let beside = TOGGLE.x
            + self
                .whole_map_pins_size(editor)
                .map_or(0.0, |s| s.x + MARGIN);
        (size.x + beside + 3.0 * MARGIN <= canvas.width()).then_some(size)
    }

    /// The legends folded to a line each, in `r` (workshop mode).
    fn draw_compact_legend(&self, editor: &Editor, painter: &egui::Painter, r: Rect, dark: bool) {
        let text = super::super::charts::legend_text(dark);
        let font = FontId::proportional(13.0);
        super::super::charts::legend_box(painter, r, dark);
        for (k, (title, items)) in compact_lines(editor).into_iter().enumerate() {
            let y = r.top() + 6.0 + ROW / 2.0 + k as f32 * ROW;
            let mut x = r.left() + 10.0;
            let galley = painter.layout_no_wrap(title.to_string(), font.clone(), text);
            x += galley.size().x;
            painter.galley(
                pos2(r.left() + 10.0, y - galley.size().y / 2.0),
                galley,
                text,
            );
            for (swatch, name) in items {
                x += ITEM_GAP;
                match swatch {
                    Swatch::Loop(kind) => {
                        let (a, b) = (pos2(x, y), pos2(x + SWATCH, y));
                        let stroke = Stroke::new(4.0, theme::loop_colour(kind, dark));
                        match theme::loop_dash(kind) {
                            Some((d, g)) => {
                                painter.extend(Shape::dashed_line(&[a, b], stroke, d, g))
                            }
                            None => {
                                painter.line_segment([a, b], stroke);
                            }
                        }
                    }
                    Swatch::Pin(c) => {
                        let dim = self.options.pin_filter.is_some_and(|f| f != c);
                        super::pins::draw_legend_symbol(painter, c, pos2(x + SWATCH / 2.0, y), dim);
                    }
                }
                x += SWATCH + 6.0;
                let galley = painter.layout_no_wrap(name.to_string(), font.clone(), text);
                x += galley.size().x;
                painter.galley(
                    pos2(x - galley.size().x, y - galley.size().y / 2.0),
                    galley,
                    text,
                );
            }
        }
    }
}

/// Width of the "Whole map" label before its pins.
pub const WHOLE_MAP_LABEL: f32 = 78.0;

fn pad(area: Rect) -> Rect {
    Rect::from_min_max(
        area.min + vec2(MAP_PAD, MAP_PAD + PIN_ROOM),
        area.max - vec2(MAP_PAD, MAP_PAD),
    )
}
