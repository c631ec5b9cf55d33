//! The editor's colours: the shared palette (`crate::colours`) as egui colours, and the
//! editor's own status colours.

use egui::Color32;

use crate::colours::{self, Rgb};
use crate::model::{Category, Loop, NodeKind};

pub fn colour(c: Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

pub fn kind_fill(kind: NodeKind, dark: bool) -> Color32 {
    colour(colours::kind_fill(kind, dark))
}

pub fn loop_colour(kind: Loop, dark: bool) -> Color32 {
    colour(colours::loop_colour(kind, dark))
}

pub use colours::loop_dash;

pub fn category_colour(category: Category) -> Color32 {
    colour(colours::category_colour(category))
}

/// Black or white, whichever reads better on `fill`.
pub fn text_on(fill: Color32) -> Color32 {
    let [r, g, b, _] = fill.to_array();
    colour(Rgb(r, g, b).text_on())
}

pub fn country_colour(code: &str) -> Color32 {
    colour(colours::country_colour(code))
}

pub fn hhi_colour(hhi: f64) -> Color32 {
    colour(colours::hhi_colour(hhi))
}

/// A governance score (0 stable, 10 unstable) in three bands: below 4, 4 to 6, 6 and up.
pub fn governance_colour(w: f64) -> Color32 {
    if w < 4.0 {
        colour(colours::hhi_colour(0.0))
    } else if w < 6.0 {
        colour(colours::hhi_colour(2000.0))
    } else {
        colour(colours::hhi_colour(3000.0))
    }
}

/// A fill that keeps dark text readable: `colour` mixed with white (light theme) or
/// with dark grey (dark theme).
pub fn soften(colour: Color32, dark: bool) -> Color32 {
    let base = if dark {
        Color32::from_gray(40)
    } else {
        Color32::WHITE
    };
    base.lerp_to_gamma(colour, if dark { 0.7 } else { 0.55 })
}

pub const ERROR: Color32 = Color32::from_rgb(214, 39, 40);
pub const WARNING: Color32 = Color32::from_rgb(230, 140, 0);
/// Notes: worth knowing, nothing wrong.
pub const NOTE: Color32 = Color32::from_rgb(125, 125, 125);
pub const OK: Color32 = Color32::from_rgb(44, 160, 44);
pub const SELECTED: Color32 = Color32::from_rgb(255, 170, 0);

/// The edge and band of a selected flow's casing: greys, the one pair no loop kind uses.
pub fn selection_casing(dark: bool) -> (Color32, Color32) {
    if dark {
        (Color32::from_gray(245), Color32::from_gray(25))
    } else {
        (Color32::from_gray(25), Color32::from_gray(250))
    }
}
pub const UNKNOWN: Color32 = Color32::from_rgb(150, 150, 150);
