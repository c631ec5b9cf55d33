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

/// One colour per country, the same in every chart and on the canvas: fixed for the
/// countries of the rare-earth chain, otherwise picked from the code. Provenance labels
/// have their own: secondary green, none and unknown greys.
pub fn country_colour(code: &str) -> Color32 {
    let fixed = match code {
        "CN" => Some((200, 40, 40)),
        "US" => Some((40, 90, 180)),
        "AU" => Some((230, 150, 20)),
        "MM" => Some((140, 80, 40)),
        "MY" => Some((120, 60, 160)),
        "JP" => Some((230, 110, 150)),
        "GB" => Some((20, 150, 170)),
        "DE" => Some((90, 90, 90)),
        "VN" => Some((180, 170, 30)),
        "IN" => Some((240, 110, 50)),
        "RU" => Some((100, 130, 200)),
        "TH" => Some((150, 200, 80)),
        "NG" => Some((30, 120, 60)),
        "KR" => Some((170, 120, 210)),
        "DK" => Some((210, 90, 90)),
        "EE" => Some((80, 170, 230)),
        "BR" => Some((60, 170, 90)),
        "secondary" => Some((0, 158, 115)),
        "none" => Some((200, 200, 200)),
        "unknown" => Some((140, 140, 140)),
        _ => None,
    };
    if let Some((r, g, b)) = fixed {
        return Color32::from_rgb(r, g, b);
    }
    // Any other code: a hue from its letters, at a middle lightness.
    let h = code
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let hue = (h % 360) as f32 / 360.0;
    egui::ecolor::Hsva::new(hue, 0.55, 0.75, 1.0).into()
}

/// HHI bands of the US DoJ/FTC guidelines: unconcentrated, moderately and highly
/// concentrated.
pub fn hhi_colour(hhi: f64) -> Color32 {
    match crate::analysis::supply::Band::of(hhi) {
        crate::analysis::supply::Band::High => Color32::from_rgb(214, 39, 40),
        crate::analysis::supply::Band::Moderate => Color32::from_rgb(230, 140, 0),
        crate::analysis::supply::Band::Unconcentrated => Color32::from_rgb(44, 160, 44),
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
