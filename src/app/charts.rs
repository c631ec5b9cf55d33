//! Pieces the editor's charts and on-canvas legends share: a fixed plot for a projector
//! (no zoom or drag), a row axis that names bars from the top, colour swatches, and the
//! box a legend is drawn in.

use egui::{Color32, Stroke, StrokeKind};
use egui_plot::{AxisHints, GridInput, GridMark, Plot};

/// A plot that does not move: charts are read, not explored, in a workshop.
pub fn fixed_plot(id: &str, width: f32, height: f32) -> Plot<'static> {
    Plot::new(id)
        .width(width)
        .height(height)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
}

/// Where row `i` of `n` goes on the y axis, so that row 0 is on top.
pub fn row(i: usize, n: usize) -> f64 {
    (n - 1 - i) as f64
}

/// A y axis naming rows 0, 1, 2… from the top (`names[0]` on top), with small labels so
/// that they are drawn even when rows are close (egui_plot leaves out a label taller
/// than its row).
pub fn row_axis(names: Vec<String>, thickness: f32) -> AxisHints<'static> {
    let count = names.len();
    AxisHints::new_y()
        .min_thickness(thickness)
        .label_spacing(10.0..=14.0)
        .tick_label_font(egui::FontId::proportional(10.5))
        .formatter(move |mark, _| {
            let r = mark.value.round();
            if (mark.value - r).abs() < 1e-6 && r >= 0.0 && (r as usize) < count {
                names[count - 1 - r as usize].clone()
            } else {
                String::new()
            }
        })
}

/// Grid marks at whole numbers only (one per row).
pub fn unit_grid(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    ((lo.ceil() as i64)..=(hi.floor() as i64))
        .map(|v| GridMark {
            value: v as f64,
            step_size: 1.0,
        })
        .collect()
}

/// A small colour square, for legends.
pub fn swatch(ui: &mut egui::Ui, colour: Color32) {
    let (r, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().rect_filled(r, 2.0, colour);
}

/// The translucent box a legend on the canvas is drawn in.
pub fn legend_box(painter: &egui::Painter, r: egui::Rect, dark: bool) {
    painter.rect(
        r,
        6.0,
        if dark {
            Color32::from_black_alpha(190)
        } else {
            Color32::from_white_alpha(230)
        },
        Stroke::new(1.0, Color32::from_gray(150)),
        StrokeKind::Inside,
    );
}

/// Text colour of legends.
pub fn legend_text(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(230)
    } else {
        Color32::from_gray(30)
    }
}
