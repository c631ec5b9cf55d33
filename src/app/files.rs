//! Files around the editor: native open/save dialogs (rfd), recent files and view
//! settings kept between runs, and the autosave copy kept while there are unsaved changes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::io;
use crate::model::Document;

/// Seconds between autosaves while the map has unsaved changes.
pub const AUTOSAVE_SECONDS: f64 = 30.0;
const RECENT: usize = 10;

/// What the editor remembers between runs (never part of a map file).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub recent: Vec<PathBuf>,
    pub dark: bool,
    /// Scale of all text and controls (larger for projectors).
    pub text_scale: f32,
    pub sankey: bool,
    pub grid: bool,
    pub colour_by: super::supply::ColourBy,
    /// The legends are shown on the canvas (beside the fitted map), not folded away.
    pub legends: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            recent: Vec::new(),
            dark: false,
            text_scale: 1.0,
            sankey: true,
            grid: false,
            colour_by: super::supply::ColourBy::Kind,
            legends: true,
        }
    }
}

impl Settings {
    pub fn add_recent(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT);
    }
}

pub fn pick_map_to_open() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Open a map")
        .add_filter("Loopmap map", &["json"])
        .pick_file()
}

pub fn pick_save_path(doc: &Document, current: Option<&Path>) -> Option<PathBuf> {
    let name = current
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| {
            let stem = crate::model::fragment::slug(&doc.meta.title);
            format!("{stem}.loopmap.json")
        });
    let mut dialog = rfd::FileDialog::new()
        .set_title("Save the map")
        .add_filter("Loopmap map", &["json"])
        .set_file_name(name);
    if let Some(dir) = current.and_then(|p| p.parent()) {
        dialog = dialog.set_directory(dir);
    }
    dialog.save_file()
}

/// What File ▸ Export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    Svg,
    Png,
    Csv,
    Html,
}

/// Asks where to export (a file, or a folder for CSV), next to the map's file.
pub fn pick_export_path(
    kind: ExportKind,
    doc: &Document,
    current: Option<&Path>,
) -> Option<PathBuf> {
    let stem = crate::model::fragment::slug(&doc.meta.title);
    let mut dialog = rfd::FileDialog::new();
    if let Some(dir) = current.and_then(|p| p.parent()) {
        dialog = dialog.set_directory(dir);
    }
    let (title, filter, ext) = match kind {
        ExportKind::Svg => ("Export the map as SVG", "SVG picture", "svg"),
        ExportKind::Png => ("Export the map as PNG", "PNG picture", "png"),
        ExportKind::Html => ("Export a report", "HTML report", "html"),
        ExportKind::Csv => return dialog.set_title("Folder for the CSV tables").pick_folder(),
    };
    dialog
        .set_title(title)
        .add_filter(filter, &[ext])
        .set_file_name(format!("{stem}.{ext}"))
        .save_file()
}

/// Where the autosave copy lives: the user's data folder.
pub fn autosave_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("org", "Loopmap", "Loopmap")?;
    Some(dirs.data_dir().join("autosave.loopmap.json"))
}

/// Writes the autosave copy (atomically, like any save).
pub fn autosave(doc: &Document, path: &Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // A failed autosave must not interrupt the workshop; the next one tries again.
    let _ = io::save(doc, path);
}
