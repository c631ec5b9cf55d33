//! The colours of a map, as plain RGB so the canvas and the exports share them: node
//! kinds, loop kinds (Okabe–Ito, colour-blind safe, each with its own dash pattern),
//! pain point categories (Tol's vibrant), one colour per country, HHI bands.

use crate::analysis::supply::Band;
use crate::model::{Category, Loop, NodeKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, for SVG and HTML.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Black or white, whichever reads better on this colour.
    pub fn text_on(self) -> Rgb {
        let luma =
            0.299 * f32::from(self.0) + 0.587 * f32::from(self.1) + 0.114 * f32::from(self.2);
        if luma > 150.0 {
            Rgb(0, 0, 0)
        } else {
            Rgb(255, 255, 255)
        }
    }
}

pub fn kind_fill(kind: NodeKind, dark: bool) -> Rgb {
    let (light, darkc) = match kind {
        NodeKind::Source => (Rgb(222, 203, 170), Rgb(110, 88, 52)),
        NodeKind::Process => (Rgb(196, 214, 236), Rgb(52, 78, 112)),
        NodeKind::Use => (Rgb(198, 232, 196), Rgb(48, 102, 56)),
        NodeKind::Recovery => (Rgb(178, 228, 226), Rgb(30, 100, 100)),
        NodeKind::Waste => (Rgb(208, 208, 208), Rgb(84, 84, 84)),
        NodeKind::Export => (Rgb(222, 206, 236), Rgb(92, 66, 118)),
    };
    if dark { darkc } else { light }
}

pub fn loop_colour(kind: Loop, dark: bool) -> Rgb {
    match kind {
        Loop::None => {
            if dark {
                Rgb(150, 160, 175)
            } else {
                Rgb(110, 120, 135)
            }
        }
        Loop::Maintain => Rgb(0, 114, 178),
        Loop::Reuse => Rgb(0, 158, 115),
        Loop::Remanufacture => Rgb(230, 159, 0),
        Loop::Recycle => Rgb(204, 121, 167),
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

/// A flow not yet solved.
pub const UNKNOWN: Rgb = Rgb(150, 150, 150);

/// Pain point categories; each also has its own pin shape (`geometry::pin_shape`).
pub fn category_colour(category: Category) -> Rgb {
    match category {
        Category::Technical => Rgb(0, 119, 187),
        Category::Behavioural => Rgb(238, 51, 119),
        Category::Economic => Rgb(0, 153, 136),
        Category::Regulatory => Rgb(110, 110, 110),
        Category::Environmental => Rgb(51, 187, 238),
        Category::Social => Rgb(238, 119, 51),
        Category::Supply => Rgb(204, 51, 17),
    }
}

/// One colour per country, the same in every chart, on the canvas and in exports: fixed
/// for the countries of the rare-earth chain, otherwise picked from the code. Provenance
/// labels have their own: secondary green, none and unknown greys.
pub fn country_colour(code: &str) -> Rgb {
    match code {
        "CN" => Rgb(200, 40, 40),
        "US" => Rgb(40, 90, 180),
        "AU" => Rgb(230, 150, 20),
        "MM" => Rgb(140, 80, 40),
        "MY" => Rgb(120, 60, 160),
        "JP" => Rgb(230, 110, 150),
        "GB" => Rgb(20, 150, 170),
        "DE" => Rgb(90, 90, 90),
        "VN" => Rgb(180, 170, 30),
        "IN" => Rgb(240, 110, 50),
        "RU" => Rgb(100, 130, 200),
        "TH" => Rgb(150, 200, 80),
        "NG" => Rgb(30, 120, 60),
        "KR" => Rgb(170, 120, 210),
        "DK" => Rgb(210, 90, 90),
        "EE" => Rgb(80, 170, 230),
        "BR" => Rgb(60, 170, 90),
        "secondary" => Rgb(0, 158, 115),
        "none" => Rgb(200, 200, 200),
        "unknown" => Rgb(140, 140, 140),
        _ => {
            // Any other code: a hue from its letters, at a middle lightness.
            let h = code
                .bytes()
                .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
            hsv((h % 360) as f32, 0.55, 0.75)
        }
    }
}

/// The colour of an HHI band: green, amber, red.
pub fn hhi_colour(hhi: f64) -> Rgb {
    match Band::of(hhi) {
        Band::High => Rgb(214, 39, 40),
        Band::Moderate => Rgb(230, 140, 0),
        Band::Unconcentrated => Rgb(44, 160, 44),
    }
}

fn hsv(h: f32, s: f32, v: f32) -> Rgb {
    let c = v * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = v - c;
    let byte = |f: f32| ((f + m) * 255.0).round() as u8;
    Rgb(byte(r), byte(g), byte(b))
}

/// Colours for a series of products in a chart (Tol's muted, colour-blind safe; apart
/// from the loop colours), repeating after nine.
pub fn series_colour(i: usize) -> Rgb {
    const MUTED: [Rgb; 9] = [
        Rgb(51, 34, 136),
        Rgb(136, 204, 238),
        Rgb(68, 170, 153),
        Rgb(17, 119, 51),
        Rgb(153, 153, 51),
        Rgb(221, 204, 119),
        Rgb(204, 102, 119),
        Rgb(136, 34, 85),
        Rgb(170, 68, 153),
    ];
    MUTED[i % MUTED.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_stable_and_text_contrasts() {
        assert_eq!(country_colour("CN").hex(), "#c82828");
        // A code without a colour of its own gets one from its letters: the same in every
        // run and export, and different for different codes.
        assert_eq!(country_colour("ZZ").hex(), "#6256bf");
        assert_ne!(country_colour("ZZ"), country_colour("ZY"));
        assert_eq!(Rgb(255, 255, 255).text_on(), Rgb(0, 0, 0));
        assert_eq!(
            category_colour(Category::Technical).text_on(),
            Rgb(255, 255, 255)
        );
    }
}
