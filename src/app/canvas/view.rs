//! Which part of the map fills the canvas: the map ↔ screen transform, fitting the map
//! into the room left by the legends, and pan and zoom from the mouse and keyboard.

use egui::{Pos2, Rect, Vec2, vec2};

use super::Canvas;
use crate::geometry::{self, Point};

pub const MIN_ZOOM: f32 = 0.05;
pub const MAX_ZOOM: f32 = 4.0;
/// Fitting never magnifies past this: a tiny map stays a map, not a poster.
const MAX_FIT_ZOOM: f32 = 1.5;
/// Map units kept around the map when fitting.
const FIT_MARGIN: f64 = 24.0;

/// Which part of the map fills the canvas: the canvas point at the centre, and the scale.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub center: Point,
    /// Canvas points per map unit.
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

    pub fn screen_rect(&self, canvas: Rect, r: geometry::Rect) -> Rect {
        Rect::from_min_max(self.to_screen(canvas, r.min), self.to_screen(canvas, r.max))
    }

    /// Where a new node of `size` (map units) centred at `at` lies wholly on the canvas,
    /// `margin` screen points from its edges: a click by the palette must not place a
    /// node half behind it.
    pub fn keep_in_view(&self, canvas: Rect, at: Point, size: [f64; 2], margin: f32) -> Point {
        let room = self.visible(canvas.shrink(margin));
        let axis = |v: f64, lo: f64, hi: f64, half: f64| {
            if hi - lo < 2.0 * half {
                (lo + hi) / 2.0
            } else {
                v.clamp(lo + half, hi - half)
            }
        };
        Point::new(
            axis(at.x, room.min.x, room.max.x, size[0] / 2.0),
            axis(at.y, room.min.y, room.max.y, size[1] / 2.0),
        )
    }

    /// The canvas area visible on screen, in canvas points.
    pub fn visible(&self, canvas: Rect) -> geometry::Rect {
        geometry::Rect {
            min: self.to_canvas(canvas, canvas.min),
            max: self.to_canvas(canvas, canvas.max),
        }
    }

    /// Fits `bounds` into `area`, a part of the `canvas` (the rest is kept for legends).
    pub fn fit(&mut self, canvas: Rect, area: Rect, bounds: geometry::Rect) {
        let b = bounds.expand(FIT_MARGIN);
        let (w, h) = ((b.max.x - b.min.x) as f32, (b.max.y - b.min.y) as f32);
        if w <= 0.0 || h <= 0.0 || area.width() <= 0.0 || area.height() <= 0.0 {
            return;
        }
        self.zoom = fit_zoom(area, b);
        // The map's centre goes to the area's centre, not the canvas's.
        let offset = (area.center() - canvas.center()) / self.zoom;
        let c = b.center();
        self.center = Point::new(c.x - offset.x as f64, c.y - offset.y as f64);
    }

    /// Zooms by `factor` about the middle of the canvas.
    pub fn zoom_by(&mut self, factor: f32) {
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
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

/// The zoom at which `bounds` (already with its margin) fills `area`.
pub fn fit_zoom(area: Rect, bounds: geometry::Rect) -> f32 {
    let (w, h) = (
        (bounds.max.x - bounds.min.x) as f32,
        (bounds.max.y - bounds.min.y) as f32,
    );
    if w <= 0.0 || h <= 0.0 {
        return MAX_FIT_ZOOM;
    }
    (area.width() / w)
        .min(area.height() / h)
        .clamp(MIN_ZOOM, MAX_FIT_ZOOM)
}

/// The map bounds a fit uses (with its margin).
pub fn fit_bounds(bounds: geometry::Rect) -> geometry::Rect {
    bounds.expand(FIT_MARGIN)
}

impl Canvas {
    pub(super) fn pan_and_zoom(&mut self, ui: &egui::Ui, canvas: Rect, response: &egui::Response) {
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

    pub(super) fn pan(&mut self, screen_delta: Vec2) {
        self.view.center.x -= (screen_delta.x / self.view.zoom) as f64;
        self.view.center.y -= (screen_delta.y / self.view.zoom) as f64;
    }
}
