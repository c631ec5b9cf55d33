//! Colours and line styles: node kinds, loop kinds (Okabe–Ito, colour-blind safe, each
//! with its own dash pattern so colour is never the only cue), status colours.

use egui::Color32;

use crate::model::{Category, Loop, NodeKind};

pub fn kind_fill(kind: NodeKind, dark: bool) -> Color32 {
    let (light, darkc) = match kind {
        NodeKind::Source => (
            Color32::from_rgb(222, 203, 170),
            Color32::from_rgb(110, 88, 52),
        ),
        NodeKind::Process => (
            Color32::from_rgb(196, 214, 236),
            Color32::from_rgb(52, 78, 112),
        ),
        NodeKind::Use => (
            Color32::from_rgb(198, 232, 196),
            Color32::from_rgb(48, 102, 56),
        ),
        NodeKind::Recovery => (
            Color32::from_rgb(178, 228, 226),
            Color32::from_rgb(30, 100, 100),
        ),
        NodeKind::Waste => (
            Color32::from_rgb(208, 208, 208),
            Color32::from_rgb(84, 84, 84),
        ),
        NodeKind::Export => (
            Color32::from_rgb(222, 206, 236),
            Color32::from_rgb(92, 66, 118),
        ),
    };
    if dark { darkc } else { light }
}

pub fn loop_colour(kind: Loop, dark: bool) -> Color32 {
    match kind {
        Loop::None => {
            if dark {
                Color32::from_rgb(150, 160, 175)
            } else {
                Color32::from_rgb(110, 120, 135)
            }
        }
        Loop::Maintain => Color32::from_rgb(0, 114, 178),
        Loop::Reuse => Color32::from_rgb(0, 158, 115),
        Loop::Remanufacture => Color32::from_rgb(230, 159, 0),
        Loop::Recycle => Color32::from_rgb(204, 121, 167),
    }
}

/// Dash and gap lengths (in canvas points) of each loop kind; `None` is a solid line.
pub fn loop_dash(kind: Loop) -> Option<(f32, f32)> {
    match kind {
        Loop::None | Loop::Recycle => None,
        Loop::Maintain => Some((3.0, 5.0)),
        Loop::Reuse => Some((14.0, 6.0)),
        Loop::Remanufacture => Some((24.0, 6.0)),
    }
}

pub const ERROR: Color32 = Color32::from_rgb(214, 39, 40);
pub const WARNING: Color32 = Color32::from_rgb(230, 140, 0);
pub const OK: Color32 = Color32::from_rgb(44, 160, 44);
pub const SELECTED: Color32 = Color32::from_rgb(255, 170, 0);
pub const UNKNOWN: Color32 = Color32::from_rgb(150, 150, 150);

/// Pain point categories (Paul Tol's "vibrant" scheme, colour-blind safe); each also has
/// its own pin shape (`geometry::pin_shape`).
pub fn category_colour(category: Category) -> Color32 {
    match category {
        Category::Technical => Color32::from_rgb(0, 119, 187),
        Category::Behavioural => Color32::from_rgb(238, 51, 119),
        Category::Economic => Color32::from_rgb(0, 153, 136),
        Category::Regulatory => Color32::from_rgb(110, 110, 110),
        Category::Environmental => Color32::from_rgb(51, 187, 238),
        Category::Social => Color32::from_rgb(238, 119, 51),
        Category::Supply => Color32::from_rgb(204, 51, 17),
    }
}

/// Black or white, whichever reads better on `fill`.
pub fn text_on(fill: Color32) -> Color32 {
    let [r, g, b, _] = fill.to_array();
    let luma = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
    if luma > 150.0 {
        Color32::BLACK
    } else {
        Color32::WHITE
    }
}
