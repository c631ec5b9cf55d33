//! Files around the editor: the system's open/save dialogs (rfd) and Loopmap's own for
//! systems without one (egui_file), recent files and view settings kept between runs.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::Document;

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
    /// Flows are drawn with their range (± σ) where the map has uncertain figures.
    pub ranges: bool,
    /// Residues into shared sinks end in stubs beside their stage; `None`: only in workshop
    /// mode (until switched in View).
    pub stubs: Option<bool>,
    /// Where Loopmap for the web is served (File ▸ Copy share link builds on it).
    pub web_address: String,
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
            ranges: false,
            stubs: None,
            web_address: String::new(),
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

/// What File ▸ Export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    Svg,
    Png,
    Csv,
    Html,
}

/// What the user is asked to choose a file (or folder) for.
#[derive(Clone, Debug, PartialEq)]
pub enum FileRequest {
    Open,
    /// Save the map; then go on with what the save was asked for (e.g. opening another).
    Save {
        then: Option<super::Pending>,
    },
    Export(ExportKind),
}

#[cfg(not(target_arch = "wasm32"))]
/// What the system's file dialog answered.
#[derive(Clone, Debug, PartialEq)]
pub enum NativeAnswer {
    Chosen(PathBuf),
    Cancelled,
    /// No dialog could be shown (no portal, no zenity on Linux).
    Unavailable,
}

#[cfg(not(target_arch = "wasm32"))]
/// A native dialog that answers "nothing chosen" sooner than this was never shown: no
/// person picks Cancel that fast.
const TOO_FAST: std::time::Duration = std::time::Duration::from_millis(300);

#[cfg(not(target_arch = "wasm32"))]
/// Asks with the system's file dialog (rfd).
pub fn ask_native(
    request: &FileRequest,
    doc: &Document,
    current: Option<&Path>,
    settings: &Settings,
) -> NativeAnswer {
    let started = std::time::Instant::now();
    let mut dialog = rfd::FileDialog::new();
    if let Some(dir) = start_folder(current, settings) {
        dialog = dialog.set_directory(dir);
    }
    let chosen = match request {
        FileRequest::Open => dialog
            .set_title("Open a map")
            .add_filter("Loopmap map", &["json"])
            .pick_file(),
        FileRequest::Save { .. } => dialog
            .set_title("Save the map")
            .add_filter("Loopmap map", &["json"])
            .set_file_name(suggested_name(doc, current))
            .save_file(),
        FileRequest::Export(ExportKind::Csv) => {
            dialog.set_title("Folder for the CSV tables").pick_folder()
        }
        FileRequest::Export(kind) => {
            let (title, filter, ext) = kind.describe();
            dialog
                .set_title(title)
                .add_filter(filter, &[ext])
                .set_file_name(export_name(doc, ext))
                .save_file()
        }
    };
    match chosen {
        Some(path) => NativeAnswer::Chosen(path),
        None if started.elapsed() < TOO_FAST => NativeAnswer::Unavailable,
        None => NativeAnswer::Cancelled,
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// Loopmap's own file dialog, for systems where no native one can open.
pub fn builtin_dialog(
    request: &FileRequest,
    doc: &Document,
    current: Option<&Path>,
    settings: &Settings,
) -> egui_file::FileDialog {
    let folder = start_folder(current, settings)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    let dialog = match request {
        FileRequest::Open => egui_file::FileDialog::open_file()
            .title("Open a map")
            .open_button_text("Open map".into())
            .show_files_filter(Box::new(|p: &Path| {
                p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            })),
        FileRequest::Save { .. } => egui_file::FileDialog::save_file()
            .title("Save the map")
            .default_filename(suggested_name(doc, current))
            .save_button_text("Save map".into()),
        FileRequest::Export(ExportKind::Csv) => egui_file::FileDialog::select_folder()
            .title("Folder for the CSV tables")
            .open_button_text("Export here".into()),
        FileRequest::Export(kind) => {
            let (title, _, ext) = kind.describe();
            egui_file::FileDialog::save_file()
                .title(title)
                .default_filename(export_name(doc, ext))
                .save_button_text("Export".into())
        }
    };
    dialog
        .initial_path(folder)
        .id(egui::Id::unique("loopmap file dialog"))
}

impl ExportKind {
    /// The dialog title, file type and extension of an export to one file.
    #[cfg(not(target_arch = "wasm32"))]
    fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ExportKind::Svg => ("Export the map as SVG", "SVG picture", "svg"),
            ExportKind::Png => ("Export the map as PNG", "PNG picture", "png"),
            ExportKind::Html => ("Export a report", "HTML report", "html"),
            ExportKind::Csv => ("Export CSV tables", "CSV tables", "csv"),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// Where a file dialog starts: the map's folder, else that of the last file opened, else
/// the user's documents.
fn start_folder(current: Option<&Path>, settings: &Settings) -> Option<PathBuf> {
    current
        .into_iter()
        .chain(settings.recent.iter().map(PathBuf::as_path))
        .filter_map(Path::parent)
        .find(|d| d.is_dir())
        .map(Path::to_path_buf)
        .or_else(|| {
            directories::UserDirs::new()?
                .document_dir()
                .map(Path::to_path_buf)
        })
}

/// The file name offered when saving: the current one, else from the map's title.
pub(super) fn suggested_name(doc: &Document, current: Option<&Path>) -> String {
    current
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| {
            let stem = crate::model::fragment::slug(&doc.meta.title);
            format!("{stem}.loopmap.json")
        })
}

pub(super) fn export_name(doc: &Document, ext: &str) -> String {
    format!("{}.{ext}", crate::model::fragment::slug(&doc.meta.title))
}
