//! Exports for sharing a map after a workshop: a picture (SVG, PNG from the SVG), the
//! numbers for a spreadsheet (CSV) and a self-contained HTML report. Pure functions of a
//! document and its analysis, written atomically; no UI here.

pub mod csv;
pub mod html;
pub mod png;
pub mod reconcile;
pub mod roadmap;
pub mod svg;
pub mod targets;

use std::path::{Path, PathBuf};

use crate::analysis::{self, Analysis};
use crate::io;
use crate::model::{Document, apply_scenario};

pub use reconcile::{reconcile_json, reconcile_table};
pub use roadmap::roadmap_table;
pub use svg::Picture;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Write(#[from] io::SaveError),
    #[error("cannot create the folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no scenario named '{0}' in this map")]
    NoScenario(String),
    #[error("the picture could not be drawn: {0}")]
    Render(String),
    #[error("{0}")]
    Csv(String),
}

/// The map to export: the baseline, or the baseline with a scenario's changes, analysed;
/// with a line saying which.
pub fn prepare(
    doc: &Document,
    scenario: Option<&str>,
) -> Result<(Document, Analysis, String), ExportError> {
    match scenario {
        None => {
            let a = analysis::analyse(doc);
            Ok((doc.clone(), a, "Baseline".to_string()))
        }
        Some(name) => {
            let s = doc
                .scenario(name)
                .ok_or_else(|| ExportError::NoScenario(name.to_string()))?;
            let (changed, _) = apply_scenario(doc, s);
            let a = analysis::analyse_scenario(doc, s);
            Ok((changed, a, format!("Scenario: {name}")))
        }
    }
}

/// The subtitle under a picture's title.
fn subtitle(doc: &Document, which: &str) -> String {
    let mut parts = vec![which.to_string()];
    if !doc.meta.basis.is_empty() {
        parts.push(doc.meta.basis.clone());
    }
    if let Some(y) = doc.meta.year {
        parts.push(y.to_string());
    }
    parts.push(format!("flows in {}", doc.meta.unit()));
    parts.join(" · ")
}

/// The map as an SVG picture.
pub fn svg_text(
    doc: &Document,
    scenario: Option<&str>,
    picture: Picture,
) -> Result<String, ExportError> {
    let (doc, analysis, which) = prepare(doc, scenario)?;
    Ok(svg::map_svg(
        &doc,
        &analysis,
        &subtitle(&doc, &which),
        picture,
    ))
}

/// The map as a PNG picture, `scale` pixels per point.
pub fn png_bytes(
    doc: &Document,
    scenario: Option<&str>,
    scale: f32,
    picture: Picture,
) -> Result<Vec<u8>, ExportError> {
    png::render(&svg_text(doc, scenario, picture)?, scale)
}

/// The tables: `flows.csv`, `nodes.csv`, `indicators.csv`, `pain_points.csv`, for a map
/// with a roadmap `roadmap.csv`, and for a map with targets `targets.csv`, with their names.
pub fn csv_files(
    doc: &Document,
    scenario: Option<&str>,
) -> Result<Vec<(&'static str, String)>, ExportError> {
    let (changed, analysis, _) = prepare(doc, scenario)?;
    let mut files = vec![
        ("flows.csv", csv::flows(&changed, &analysis)?),
        ("nodes.csv", csv::nodes(&changed, &analysis)?),
        ("indicators.csv", csv::indicators(doc)?),
        ("pain_points.csv", csv::pain_points(doc)?),
    ];
    // Only a map with a year whose flows solve has a roadmap.
    if let Ok(r) = analysis::roadmap::from_analysis(&changed, &analysis) {
        files.push(("roadmap.csv", csv::roadmap(&r)?));
    }
    if !doc.targets.is_empty() {
        files.push(("targets.csv", csv::targets(doc)?));
    }
    Ok(files)
}

/// The self-contained HTML report.
pub fn html_text(doc: &Document, scenario: Option<&str>) -> Result<String, ExportError> {
    let (changed, analysis, which) = prepare(doc, scenario)?;
    // The report shows the ranges wherever the map has them.
    let ranges = Picture {
        ranges: analysis.uncertainty.is_some(),
        stubs: false,
    };
    let picture = svg::map_svg(&changed, &analysis, &subtitle(&changed, &which), ranges);
    Ok(html::report(doc, &changed, &analysis, &which, &picture))
}

pub fn write_svg(
    doc: &Document,
    scenario: Option<&str>,
    picture: Picture,
    out: &Path,
) -> Result<(), ExportError> {
    Ok(io::write_atomic(
        out,
        svg_text(doc, scenario, picture)?.as_bytes(),
    )?)
}

pub fn write_png(
    doc: &Document,
    scenario: Option<&str>,
    scale: f32,
    picture: Picture,
    out: &Path,
) -> Result<(), ExportError> {
    Ok(io::write_atomic(
        out,
        &png_bytes(doc, scenario, scale, picture)?,
    )?)
}

/// Writes the tables of `csv_files` into `dir` (made if missing); returns the files
/// written.
pub fn write_csv(
    doc: &Document,
    scenario: Option<&str>,
    dir: &Path,
) -> Result<Vec<PathBuf>, ExportError> {
    let files = csv_files(doc, scenario)?;
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Folder {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        io::write_atomic(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

pub fn write_html(doc: &Document, scenario: Option<&str>, out: &Path) -> Result<(), ExportError> {
    Ok(io::write_atomic(out, html_text(doc, scenario)?.as_bytes())?)
}
