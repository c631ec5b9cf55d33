//! PNG pictures for slides, rendered from the SVG with resvg, with the font the editor
//! uses built in (the same picture on every machine, fonts installed or not).

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

use super::ExportError;

/// Renders `svg` at `scale` (1 = one pixel per SVG unit) to PNG bytes.
pub fn render(svg: &str, scale: f32) -> Result<Vec<u8>, ExportError> {
    if !(scale.is_finite() && scale > 0.0 && scale <= 16.0) {
        return Err(ExportError::Render(format!(
            "scale {scale} is outside 0 to 16"
        )));
    }
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
    let family = fonts
        .faces()
        .next()
        .and_then(|f| f.families.first())
        .map(|(name, _)| name.clone());
    if let Some(family) = family {
        fonts.set_sans_serif_family(family);
    }
    let options = usvg::Options {
        fontdb: Arc::new(fonts),
        ..usvg::Options::default()
    };
    let tree =
        usvg::Tree::from_str(svg, &options).map_err(|e| ExportError::Render(e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| ExportError::Render("the picture would be empty".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
        ExportError::Render(format!(
            "{} × {} pixels is too large a picture; try a smaller scale",
            size.width(),
            size.height()
        ))
    })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ExportError::Render(e.to_string()))
}
