//! The desktop editor (eframe). `LoopmapApp` is the frame: menus, status bar, dialogs,
//! files, autosave, participation, and the panels it composes — palette, inspector,
//! indicators, the tabs (pain points, scenarios, supply, roadmap), the workshop strip and
//! the canvas — each a view with its own state and `ui(ui, editor)`. The `Editor` is the
//! one handle they share: it holds the map (private to it), and every change goes
//! through `Editor::edit`, so undo, the unsaved mark, autosave, the caches and the room
//! see all of them. What a panel wants outside the map it asks as a `Request`.

pub mod autosave;
#[cfg(target_arch = "wasm32")]
mod browser;
mod canvas;
mod charts;
mod command;
mod dialogs;
mod editor;
mod files;
mod governance;
mod history;
mod inspector;
mod menus;
mod operations;
mod pains;
mod palette;
mod panel;
#[cfg(not(target_arch = "wasm32"))]
mod participation;
mod picker;
mod roadmap;
mod scenarios;
mod share;
mod supply;
mod targets;
pub mod theme;
mod uncertainty;
mod workshop;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::analysis;
use crate::io;
use crate::model::{Document, fragment};

pub use canvas::{DrawnAmount, DrawnTitle, Legend, Legends, Lod, View};
pub use command::Command;
pub use editor::{Derived, Editor, Request};
pub use files::{ExportKind, Settings};
pub use pains::{PainColumn, PainTable, PinnedPains};
#[cfg(not(target_arch = "wasm32"))]
pub use participation::{Participation, qr_image};
pub use roadmap::RoadmapView;
pub use supply::{ColourBy, SupplyView};
pub use workshop::{Timer, Workshop};

/// What is selected on the canvas, by id (ids survive edits, indices do not).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    pub nodes: BTreeSet<String>,
    pub flows: BTreeSet<String>,
    pub pains: BTreeSet<String>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.flows.is_empty() && self.pains.is_empty()
    }

    pub fn node(id: &str) -> Self {
        Selection {
            nodes: [id.to_string()].into(),
            ..Selection::default()
        }
    }

    pub fn flow(id: &str) -> Self {
        Selection {
            flows: [id.to_string()].into(),
            ..Selection::default()
        }
    }

    pub fn pain(id: &str) -> Self {
        Selection {
            pains: [id.to_string()].into(),
            ..Selection::default()
        }
    }

    /// The one pain point selected, if that is all that is selected.
    pub fn single_pain(&self) -> Option<&str> {
        match (
            self.nodes.is_empty() && self.flows.is_empty(),
            self.pains.len(),
        ) {
            (true, 1) => self.pains.first().map(String::as_str),
            _ => None,
        }
    }
}

/// Something that would drop unsaved changes, waiting for the user to confirm.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    New,
    Open(Option<PathBuf>),
    Sample(usize),
    Quit,
    /// A map file dropped on the web page: its name and bytes.
    #[cfg(target_arch = "wasm32")]
    OpenDropped(String, std::sync::Arc<[u8]>),
}

/// A modal window.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    Error(String),
    ConfirmDiscard(Pending),
    Rename {
        id: String,
        label: String,
    },
    Recover(autosave::Orphan),
    Shortcuts,
    About,
    /// Deleting nodes or flows that carry this many pain points: delete or move them?
    DeletePinned(usize),
    RenameScenario {
        old: String,
        name: String,
    },
    /// Unsaved work the browser kept from the last visit (its map JSON).
    #[cfg(target_arch = "wasm32")]
    RecoverStored(String),
    /// The web address a share link builds on, asked once.
    WebAddress(String),
    /// The map is too large for a link: why, and the offer of the file.
    LinkTooLarge(String),
}

pub struct LoopmapApp {
    /// The map being edited, and the one way to change it.
    pub editor: Editor,
    /// The file the map came from or was last saved to.
    pub path: Option<PathBuf>,
    pub canvas: canvas::Canvas,
    inspector: inspector::Inspector,
    indicators: panel::IndicatorPanel,
    palette: palette::Palette,
    pub settings: Settings,
    pub dialog: Option<Dialog>,
    /// A one-line hint shown in the status bar (e.g. why a flow was refused).
    pub hint: Option<String>,
    /// This window's copy of unsaved work (none for editors made in tests, unless they
    /// ask for one).
    pub autosave: Option<autosave::Autosave>,
    /// When the copy was last written, and the revision it holds.
    last_autosave: f64,
    autosaved_revision: u64,
    allow_close: bool,
    /// Whether the system's file dialogs work here (false once one failed to open, or
    /// with `LOOPMAP_FILE_DIALOG=builtin`): Loopmap's own is used instead.
    pub native_dialogs: bool,
    /// Loopmap's own file dialog while it is open, and what it was opened for.
    file_dialog: Option<(egui_file::FileDialog, files::FileRequest)>,
    window_title: String,
    /// Where the tabs under the canvas were drawn in the last frame.
    tabs_rect: Option<egui::Rect>,
    pub pain_table: pains::PainTable,
    pub workshop: workshop::Workshop,
    pub tab: Tab,
    pub supply: supply::SupplyTab,
    /// The page's context, to wake the editor when the browser has read a file.
    #[cfg(target_arch = "wasm32")]
    web_ctx: Option<egui::Context>,
    /// A file being picked on the page (opened as it arrives: unsaved changes were
    /// asked about before the picker opened).
    #[cfg(target_arch = "wasm32")]
    picked: Option<crate::web::Picked>,
    /// A file dropped on the page (unsaved changes are asked about once it is read).
    #[cfg(target_arch = "wasm32")]
    dropped: Option<crate::web::Picked>,
    /// The last share link copied (tests read it; the clipboard is the user's).
    pub last_share_link: Option<String>,
    pub scenarios: scenarios::ScenariosTab,
    pub roadmap: roadmap::RoadmapTab,
    pub uncertainty: uncertainty::UncertaintyTab,
    pub targets: targets::TargetsTab,
    /// Phones in the room joining the map (Workshop ▸ Start participation; not in a
    /// browser, which cannot serve the room).
    #[cfg(not(target_arch = "wasm32"))]
    pub participation: participation::Participation,
}

/// The tabs under the canvas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    PainPoints,
    Scenarios,
    Supply,
    Roadmap,
    Targets,
    Uncertainty,
}

impl LoopmapApp {
    /// An editor on `doc`, read from `path` if it came from a file.
    pub fn new(mut doc: Document, path: Option<PathBuf>, settings: Settings) -> Self {
        if crate::layout::needs_arrange(&doc) {
            let amounts = analysis::analyse(&doc).solution.flows;
            crate::layout::arrange_in_place(&mut doc, &amounts, crate::layout::Options::default());
        }
        // Pins keep their numbers from here on, whatever is deleted.
        doc.number_pain_points();
        let mut app = LoopmapApp {
            editor: Editor::new(doc, settings.sankey),
            path,
            canvas: canvas::Canvas::default(),
            inspector: inspector::Inspector::default(),
            indicators: panel::IndicatorPanel,
            palette: palette::Palette,
            settings,
            dialog: None,
            hint: None,
            autosave: None,
            last_autosave: f64::NEG_INFINITY,
            autosaved_revision: 0,
            allow_close: false,
            native_dialogs: true,
            file_dialog: None,
            window_title: String::new(),
            tabs_rect: None,
            pain_table: pains::PainTable::default(),
            workshop: workshop::Workshop::default(),
            tab: Tab::default(),
            supply: supply::SupplyTab::default(),
            last_share_link: None,
            #[cfg(target_arch = "wasm32")]
            web_ctx: None,
            #[cfg(target_arch = "wasm32")]
            picked: None,
            #[cfg(target_arch = "wasm32")]
            dropped: None,
            scenarios: Default::default(),
            roadmap: Default::default(),
            uncertainty: Default::default(),
            targets: Default::default(),
            #[cfg(not(target_arch = "wasm32"))]
            participation: Default::default(),
        };
        app.canvas.view.fit_pending = true;
        app
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// The editor as eframe starts it: the file given, else the UK sample; recent files
    /// and view settings from the last run; an autosave left by a crash is offered back.
    pub fn from_creation_context(cc: &eframe::CreationContext<'_>, file: Option<PathBuf>) -> Self {
        let settings = cc
            .storage
            .and_then(|s| eframe::get_value::<Settings>(s, eframe::APP_KEY))
            .unwrap_or_default();
        let mut error = None;
        let (doc, path) = match file {
            Some(path) => match io::load(&path) {
                Ok(doc) => (doc, Some(path)),
                Err(e) => {
                    error = Some(e.to_string());
                    (start_map(), None)
                }
            },
            None => (start_map(), None),
        };
        let mut app = LoopmapApp::new(doc, path, settings);
        app.autosave = autosave::Autosave::default_folder()
            .and_then(|dir| autosave::Autosave::in_folder(&dir).ok());
        app.native_dialogs = std::env::var("LOOPMAP_FILE_DIALOG").as_deref() != Ok("builtin");
        app.apply_settings(&cc.egui_ctx);
        if let Some(e) = error {
            app.dialog = Some(Dialog::Error(e));
        } else {
            app.offer_recovery();
        }
        if let Some(path) = &app.path {
            app.settings.add_recent(path);
        }
        app
    }

    /// Replaces the whole map (open, new, sample, recover): fresh history and view.
    /// A map without positions is arranged as it opens.
    pub fn replace_document(&mut self, mut doc: Document, path: Option<PathBuf>) {
        if crate::layout::needs_arrange(&doc) {
            let amounts = analysis::analyse(&doc).solution.flows;
            crate::layout::arrange_in_place(&mut doc, &amounts, crate::layout::Options::default());
        }
        // Pins keep their numbers from here on, whatever is deleted.
        doc.number_pain_points();
        self.editor.replace(doc);
        self.path = path;
        // Each map starts at 100 % (and is fitted if it has anything to fit).
        self.canvas.view = View::default();
        self.inspector = inspector::Inspector::default();
        self.canvas.view.fit_pending = true;
        if let Some(p) = &self.path {
            self.settings.add_recent(p);
        }
    }

    /// Marks the map as saved to `path`.
    pub fn mark_saved(&mut self, path: PathBuf) {
        self.editor.mark_saved();
        self.settings.add_recent(&path);
        self.path = Some(path);
        self.remove_autosave();
    }

    /// If a window that is gone left a copy of unsaved work, offers it back (the newest
    /// first; the others after it is recovered or discarded).
    pub fn offer_recovery(&mut self) {
        if let Some(orphan) = self
            .autosave
            .as_ref()
            .and_then(|a| a.orphans().into_iter().next())
        {
            self.dialog = Some(Dialog::Recover(orphan));
        }
    }

    /// Takes back a copy left by a window that is gone: the map, with the file it belongs
    /// to, unsaved where it differs from that file; the copy becomes this window's own.
    pub fn recover(&mut self, orphan: &autosave::Orphan) {
        match orphan.load() {
            Ok(doc) => {
                self.replace_document(doc, orphan.origin.clone());
                self.editor.set_saved(
                    orphan
                        .origin
                        .as_deref()
                        .and_then(|p| io::load(p).ok())
                        .unwrap_or_else(|| Document::new("")),
                );
                self.autosave_now();
                orphan.discard();
                self.hint = Some(match &orphan.origin {
                    Some(p) => format!("Recovered unsaved work on {}", p.display()),
                    None => "Recovered an unsaved map".to_string(),
                });
            }
            Err(e) => {
                self.hint = Some(format!("The autosaved copy could not be read: {e}"));
            }
        }
    }

    /// Writes this window's copy of unsaved work now (or removes it when there is nothing
    /// unsaved).
    pub fn autosave_now(&mut self) {
        #[cfg(target_arch = "wasm32")]
        self.store_unsaved();
        if let Some(autosave) = &self.autosave {
            if self.editor.dirty() {
                // A failed autosave must not interrupt the workshop; the next change tries
                // again, and the status bar says why.
                if let Err(e) = autosave.write(self.editor.doc(), self.path.as_deref()) {
                    self.hint = Some(format!("Autosave failed: {e}"));
                }
            } else {
                autosave.remove();
            }
        }
        self.autosaved_revision = self.editor.revision();
    }

    /// Keeps the copy within `autosave::DELAY_SECONDS` of the map: called every frame,
    /// with the time in seconds; returns how long until it next needs to run, if it does.
    pub fn autosave_tick(&mut self, now: f64) -> Option<f64> {
        let kept = self.autosave.is_some() || cfg!(target_arch = "wasm32");
        if !kept || self.autosaved_revision == self.editor.revision() {
            return None;
        }
        let wait = self.last_autosave + autosave::DELAY_SECONDS - now;
        if wait > 0.0 {
            return Some(wait);
        }
        self.last_autosave = now;
        self.autosave_now();
        None
    }

    pub(super) fn remove_autosave(&self) {
        if let Some(autosave) = &self.autosave {
            autosave.remove();
        }
    }

    /// The window title: map title, file name, unsaved mark.
    pub fn title(&self) -> String {
        let file = self
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or("unsaved map".to_string(), |n| {
                n.to_string_lossy().into_owned()
            });
        let mark = if self.editor.dirty() { "* " } else { "" };
        let title = if self.editor.doc().meta.title.is_empty() {
            "Untitled map"
        } else {
            &self.editor.doc().meta.title
        };
        format!("{mark}{title} — {file} — Loopmap")
    }

    fn apply_settings(&self, ctx: &egui::Context) {
        ctx.set_theme(if self.settings.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        let workshop = if self.workshop.on {
            workshop::WORKSHOP_SCALE
        } else {
            1.0
        };
        ctx.set_zoom_factor(self.settings.text_scale * workshop);
        ctx.options_mut(|o| o.zoom_with_keyboard = false);
    }

    /// Runs a command from a menu, a shortcut or a button.
    pub fn run(&mut self, command: Command, ctx: &egui::Context) {
        self.run_only(command, ctx);
        self.serve_requests(ctx);
    }

    fn run_only(&mut self, command: Command, ctx: &egui::Context) {
        match command {
            Command::New => self.guard(Pending::New),
            Command::Open => self.guard(Pending::Open(None)),
            Command::Save => self.save(false),
            Command::SaveAs => self.save(true),
            Command::ExportSvg => self.export(ExportKind::Svg),
            Command::ExportPng => self.export(ExportKind::Png),
            Command::ExportCsv => self.export(ExportKind::Csv),
            Command::ExportHtml => self.export(ExportKind::Html),
            Command::CopyShareLink => self.copy_share_link(ctx),
            Command::Quit => self.guard(Pending::Quit),
            Command::Undo => self.editor.undo(),
            Command::Redo => self.editor.redo(),
            Command::Copy => self.copy(ctx),
            Command::Cut => {
                // The pain points on what is cut go to the clipboard with it.
                self.copy(ctx);
                self.editor
                    .delete_selection_with(pains::PinnedPains::Delete);
            }
            Command::Paste => {} // handled from the clipboard event
            Command::Duplicate => self.duplicate(),
            Command::Delete => self.editor.delete_selection(),
            Command::SelectAll => {
                self.editor.selection = Selection {
                    nodes: self
                        .editor
                        .doc()
                        .nodes
                        .iter()
                        .map(|n| n.id.clone())
                        .collect(),
                    flows: self
                        .editor
                        .doc()
                        .flows
                        .iter()
                        .map(|f| f.id.clone())
                        .collect(),
                    pains: BTreeSet::new(),
                }
            }
            Command::Rename => self.editor.start_rename(),
            Command::Arrange => self.arrange(crate::layout::Options::default()),
            Command::ArrangeKeepOrder => self.arrange(crate::layout::Options {
                keep_order: true,
                ..Default::default()
            }),
            Command::AddPainPoint => self
                .editor
                .add_pain_point(self.editor.anchor_for_selection()),
            Command::VoteUp => self.editor.vote(1),
            Command::VoteDown => self.editor.vote(-1),
            Command::Workshop => self.set_workshop(!self.workshop.on, ctx),
            Command::TimerStartPause => self.workshop.timer.start_pause(ctx.input(|i| i.time)),
            Command::TimerReset => self.workshop.timer.reset(),
            Command::Fit => self.canvas.view.fit_pending = true,
            Command::ZoomIn => self.canvas.view.zoom_by(ZOOM_STEP),
            Command::ZoomOut => self.canvas.view.zoom_by(1.0 / ZOOM_STEP),
            Command::ActualSize => self.canvas.view.zoom = 1.0,
            Command::ToggleSankey => self.settings.sankey = !self.settings.sankey,
            Command::ToggleGrid => self.settings.grid = !self.settings.grid,
            Command::ToggleDark => {
                self.settings.dark = !self.settings.dark;
                self.apply_settings(ctx);
            }
            Command::ToggleRanges => self.settings.ranges = !self.settings.ranges,
            Command::ToggleStubs => self.settings.stubs = Some(!self.stubs_shown()),
            Command::ToggleLegends => {
                self.settings.legends = !self.settings.legends;
                // The room beside the map changed: fit the map to what is left.
                self.canvas.view.fit_pending = true;
            }
            Command::TextLarger | Command::TextSmaller => {
                let step = if command == Command::TextLarger {
                    0.15
                } else {
                    -0.15
                };
                let before = ctx.zoom_factor();
                self.settings.text_scale = (self.settings.text_scale + step).clamp(0.7, 2.5);
                self.apply_settings(ctx);
                // The whole UI is magnified, the canvas too: keep the map the same size
                // on screen (its text grows with the text scale, see `canvas::Lod`).
                self.canvas.view.zoom *= before / ctx.zoom_factor();
            }
            Command::Shortcuts => self.dialog = Some(Dialog::Shortcuts),
            Command::About => self.dialog = Some(Dialog::About),
        }
    }

    /// Does what the panels (and editing operations) asked of the frame.
    fn serve_requests(&mut self, ctx: &egui::Context) {
        for request in self.editor.take_requests() {
            match request {
                Request::Hint(text) => self.hint = Some(text),
                Request::Dialog(dialog) => self.dialog = Some(dialog),
                Request::Run(command) => self.run(command, ctx),
                Request::Centre(point) => self.canvas.view.center = point,
                Request::Focus(field) => self.inspector.focus = Some(field),
            }
        }
    }

    /// Runs `action` now, or first asks whether to drop unsaved changes.
    pub fn guard(&mut self, action: Pending) {
        if self.editor.dirty() {
            self.dialog = Some(Dialog::ConfirmDiscard(action));
        } else {
            self.perform(action);
        }
    }

    fn perform(&mut self, action: Pending) {
        match action {
            Pending::New => self.replace_document(Document::new("New map"), None),
            Pending::Open(Some(path)) => self.open(path),
            Pending::Open(None) => self.ask_file(files::FileRequest::Open),
            Pending::Sample(i) => {
                if let Some(sample) = io::samples::SAMPLES.get(i) {
                    match sample.load() {
                        Ok(doc) => self.replace_document(doc, None),
                        Err(e) => {
                            self.dialog = Some(Dialog::Error(format!("{}: {e}", sample.file_name)))
                        }
                    }
                }
            }
            Pending::Quit => self.allow_close = true,
            #[cfg(target_arch = "wasm32")]
            Pending::OpenDropped(name, bytes) => self.open_bytes(&name, &bytes),
        }
    }

    /// Opens a map file; a file that cannot be read changes nothing and says why.
    pub fn open(&mut self, path: PathBuf) {
        match io::load(&path) {
            Ok(doc) => self.replace_document(doc, Some(path)),
            Err(e) => {
                self.settings.recent.retain(|p| p != &path);
                self.dialog = Some(Dialog::Error(format!(
                    "Could not open {}:\n{e}",
                    path.display()
                )));
            }
        }
    }

    /// Saves to the current file, or asks where (always, with `ask`).
    pub fn save(&mut self, ask: bool) {
        self.save_then(ask, None);
    }

    /// Saves (asking where if needed), then goes on with `then` once the map is saved.
    pub(super) fn save_then(&mut self, ask: bool, then: Option<Pending>) {
        match (&self.path, ask) {
            (Some(p), false) => {
                self.save_to(p.clone());
                if let Some(action) = then.filter(|_| !self.editor.dirty()) {
                    self.perform(action);
                }
            }
            _ => self.ask_file(files::FileRequest::Save { then }),
        }
    }

    /// Saves to `path` atomically; on failure the old file is intact and the user is told.
    pub fn save_to(&mut self, path: PathBuf) {
        match io::save(self.editor.doc(), &path) {
            Ok(()) => {
                self.hint = Some(format!("Saved to {}", path.display()));
                self.mark_saved(path);
            }
            Err(e) => {
                self.hint = Some(format!("Not saved: {e}"));
                self.dialog = Some(Dialog::Error(format!("Not saved: {e}")));
            }
        }
    }

    /// Asks where, then exports the map.
    fn export(&mut self, kind: ExportKind) {
        self.ask_file(files::FileRequest::Export(kind));
    }

    /// Asks for a file with the system's dialog, or with Loopmap's own where the system
    /// has none; what was asked for happens once the user has chosen.
    pub fn ask_file(&mut self, request: files::FileRequest) {
        #[cfg(target_arch = "wasm32")]
        self.ask_in_browser(request);
        #[cfg(not(target_arch = "wasm32"))]
        self.ask_on_desktop(request);
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn ask_on_desktop(&mut self, request: files::FileRequest) {
        if self.native_dialogs {
            match files::ask_native(
                &request,
                self.editor.doc(),
                self.path.as_deref(),
                &self.settings,
            ) {
                files::NativeAnswer::Chosen(path) => return self.file_chosen(request, path),
                files::NativeAnswer::Cancelled => return,
                files::NativeAnswer::Unavailable => {
                    self.native_dialogs = false;
                    self.hint = Some(
                        "No system file dialog could open (install xdg-desktop-portal-gtk or \
                         zenity for one): using Loopmap's own"
                            .into(),
                    );
                }
            }
        }
        let mut dialog = files::builtin_dialog(
            &request,
            self.editor.doc(),
            self.path.as_deref(),
            &self.settings,
        );
        dialog.open();
        self.file_dialog = Some((dialog, request));
    }

    /// Loopmap's own file dialog, while it is open.
    fn builtin_file_dialog(&mut self, ctx: &egui::Context) {
        let Some((dialog, _)) = &mut self.file_dialog else {
            return;
        };
        dialog.show(ctx);
        if dialog.selected() {
            let chosen = dialog.path().map(Path::to_path_buf);
            if let (Some((_, request)), Some(path)) = (self.file_dialog.take(), chosen) {
                self.file_chosen(request, path);
            }
        } else if !dialog.visible() {
            self.file_dialog = None;
        }
    }

    /// Whether Loopmap's own file dialog is open.
    pub fn file_dialog_open(&self) -> bool {
        self.file_dialog.is_some()
    }

    fn file_chosen(&mut self, request: files::FileRequest, path: PathBuf) {
        match request {
            files::FileRequest::Open => self.open(path),
            files::FileRequest::Save { then } => {
                self.save_to(path);
                if let Some(action) = then.filter(|_| !self.editor.dirty()) {
                    self.perform(action);
                }
            }
            files::FileRequest::Export(kind) => self.export_to(kind, &path),
        }
    }

    /// Exports the map as shown (with the active scenario) to `path` (a folder for CSV);
    /// says where in the status bar, or why not in a dialog.
    pub fn export_to(&mut self, kind: ExportKind, path: &std::path::Path) {
        // The scenario on screen is the one exported.
        let scenario = self.editor.active_scenario.as_deref();
        let picture = crate::export::Picture {
            ranges: self.settings.ranges,
            stubs: self.stubs_shown(),
        };
        let result = match kind {
            ExportKind::Svg => crate::export::write_svg(self.editor.doc(), scenario, picture, path),
            ExportKind::Png => {
                crate::export::write_png(self.editor.doc(), scenario, 2.0, picture, path)
            }
            ExportKind::Csv => {
                crate::export::write_csv(self.editor.doc(), scenario, path).map(|_| ())
            }
            ExportKind::Html => crate::export::write_html(self.editor.doc(), scenario, path),
        };
        match result {
            Ok(()) => self.hint = Some(format!("Exported to {}", path.display())),
            Err(e) => {
                self.hint = Some(format!("Nothing exported: {e}"));
                self.dialog = Some(Dialog::Error(format!("Nothing exported: {e}")));
            }
        }
    }

    /// The selection as map JSON, for the clipboard.
    fn copied_text(&self) -> Option<String> {
        let part = fragment::extract(self.editor.doc(), &self.editor.selection.nodes)?;
        Some(io::to_canonical_string(&part))
    }

    fn copy(&mut self, ctx: &egui::Context) {
        if let Some(text) = self.copied_text() {
            ctx.copy_text(text);
        }
    }

    /// Pastes map JSON (from this or another Loopmap window) with fresh ids, offset.
    pub fn paste(&mut self, text: &str) {
        match io::parse(text) {
            Ok(part) => {
                let mut pasted = (BTreeSet::new(), BTreeSet::new());
                self.editor.edit(None, |doc| {
                    pasted = fragment::insert(doc, part, [40.0, 40.0])
                });
                self.editor.selection = Selection {
                    nodes: pasted.0,
                    flows: pasted.1,
                    pains: BTreeSet::new(),
                };
            }
            Err(e) => {
                self.hint = Some(format!(
                    "Nothing pasted: the clipboard holds no Loopmap map ({e})"
                ))
            }
        }
    }

    fn duplicate(&mut self) {
        if let Some(text) = self.copied_text() {
            self.paste(&text);
        }
    }

    /// Lays the map out as a layered Sankey (`layout::arrange`), flow widths as shown,
    /// spaced to the shape of the part of the canvas the map is fitted in.
    pub fn arrange(&mut self, mut options: crate::layout::Options) {
        let area = self.canvas.canvas_legends().map_area;
        if area.is_positive() {
            options.aspect = Some(f64::from(area.width() / area.height()));
        }
        let amounts = self.editor.derived().analysis.solution.flows.clone();
        self.editor.edit(None, |doc| {
            crate::layout::arrange_in_place(doc, &amounts, options);
        });
        self.canvas.view.fit_pending = true;
    }

    /// Where the tabs under the canvas were drawn in the last frame (none in workshop mode).
    pub fn tabs_rect(&self) -> Option<egui::Rect> {
        self.tabs_rect
    }

    /// Whether residues into shared sinks are drawn as stubs: as set in View, else in
    /// workshop mode only.
    pub fn stubs_shown(&self) -> bool {
        self.settings.stubs.unwrap_or(self.workshop.on)
    }

    /// Builds the whole frame.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.editor.set_drawing(crate::layout::Drawing {
            sankey: self.settings.sankey,
            stubs: self.stubs_shown(),
        });
        self.handle_input(&ctx);
        self.serve_requests(&ctx);
        #[cfg(not(target_arch = "wasm32"))]
        self.participation_tick();
        if self.workshop.on {
            self.tabs_rect = None;
            egui::Panel::top("workshop strip")
                .show(ui, |ui| self.workshop.strip_ui(ui, &mut self.editor));
        } else {
            self.menu_bar(ui);
            self.status_bar(ui);
            egui::Panel::left("palette")
                .resizable(false)
                .default_size(215.0)
                .show(ui, |ui| self.palette.ui(ui, &mut self.editor));
            // A fixed width: the canvas must not shrink or shift when the selection changes.
            egui::Panel::right("side")
                .resizable(false)
                .exact_size(380.0)
                .show(ui, |ui| self.side_ui(ui));
            if self.editor.active_scenario.is_some() {
                self.scenario_banner(ui);
            }
            // The canvas keeps at least half the window, whatever size the panel had
            // when it was last closed (egui restores it from the last run).
            let max_tabs = tabs_max_height(ui.ctx().content_rect().height(), ui.available_height());
            // Charts need room, and switching tabs must not move the canvas: one height
            // for every tab, at least this tall as far as the canvas allows.
            let min_tabs: f32 = 260.0;
            let tabs = egui::Panel::bottom("tabs")
                .resizable(true)
                .default_size(240.0)
                .size_range(min_tabs.min(max_tabs)..=max_tabs)
                .show(ui, |ui| self.tabs_ui(ui));
            self.tabs_rect = Some(tabs.response.rect);
        }
        if self.workshop.on && self.editor.active_scenario.is_some() {
            self.scenario_banner(ui);
        }
        self.serve_requests(&ctx);
        self.canvas.options = canvas::CanvasOptions {
            grid: self.settings.grid,
            legends: self.settings.legends,
            ranges: self.settings.ranges,
            colour_by: self.settings.colour_by,
            text_scale: self.settings.text_scale,
            workshop: self.workshop.on,
            pin_filter: self.workshop.pin_filter,
        };
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.editor.votes_hidden = self.participation.votes_hidden();
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.participation_panels(ui);
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| self.canvas.ui(ui, &mut self.editor));
        self.serve_requests(&ctx);
        #[cfg(not(target_arch = "wasm32"))]
        self.participation_ui(&ctx);
        self.dialogs(&ctx);
        self.builtin_file_dialog(&ctx);
        self.serve_requests(&ctx);
        // Each viewport command asks for a repaint: send the title only when it changes.
        let title = self.title();
        if title != self.window_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
        if !self.editor.is_current() {
            // An edit on the canvas came after the panels were drawn: analyse it in this
            // frame and show it in the next, asked for at once.
            self.editor.derived();
            ctx.request_repaint();
        }
    }

    fn scenario_banner(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("scenario banner")
            .frame(egui::Frame::NONE)
            .show(ui, |ui| scenarios::banner_ui(ui, &mut self.editor));
    }

    fn handle_input(&mut self, ctx: &egui::Context) {
        let typing = ctx.egui_wants_keyboard_input();
        let os = ctx.os();
        // egui matches shortcuts "logically" (an extra Shift still matches), so Ctrl+Shift+Z
        // must be tried before Ctrl+Z: most modifiers first.
        let mut shortcuts: Vec<(Command, egui::KeyboardShortcut)> = Command::all()
            .filter(|c| !c.comes_as_clipboard_event())
            .flat_map(|c| c.shortcuts(os).into_iter().map(move |s| (c, s)))
            .collect();
        shortcuts.sort_by_key(|(_, s)| {
            std::cmp::Reverse(
                s.modifiers.shift as u8 + s.modifiers.command as u8 + s.modifiers.alt as u8,
            )
        });
        for (command, shortcut) in shortcuts {
            if typing && command.yields_to_text_field(os) {
                continue;
            }
            if (self.dialog.is_some() || self.file_dialog.is_some()) && command != Command::Quit {
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.run(command, ctx);
            }
        }
        if !typing && self.dialog.is_none() {
            if self.workshop.on
                && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
            {
                self.set_workshop(false, ctx);
            }
            let events = ctx.input(|i| i.events.clone());
            for event in events {
                match event {
                    egui::Event::Copy => self.run(Command::Copy, ctx),
                    egui::Event::Cut => self.run(Command::Cut, ctx),
                    egui::Event::Paste(text) => self.paste(&text),
                    _ => {}
                }
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let dropped = ctx.input(|i| i.raw.dropped_files.clone());
            if let Some(path) = dropped.first().map(|f| f.path().to_path_buf()) {
                self.guard(Pending::Open(Some(path)));
            }
        }
        #[cfg(target_arch = "wasm32")]
        {
            self.read_dropped(ctx);
            self.take_picked();
        }
        if ctx.input(|i| i.viewport().close_requested()) && self.editor.dirty() && !self.allow_close
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::ConfirmDiscard(Pending::Quit));
        }
        if self.allow_close {
            self.remove_autosave();
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let now = ctx.input(|i| i.time);
        if let Some(wait) = self.autosave_tick(now) {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
        }
    }

    /// Inspector above, indicators below; each scrolls on its own so the indicators stay
    /// in view whatever is selected.
    fn side_ui(&mut self, ui: &mut egui::Ui) {
        let inspector_height = (ui.available_height() * 0.42).max(160.0);
        ui.heading(if self.editor.selection.is_empty() {
            "Map"
        } else {
            "Inspector"
        });
        egui::ScrollArea::vertical()
            .id_salt("inspector")
            .max_height(inspector_height)
            .auto_shrink([false, true])
            .show(ui, |ui| self.inspector.ui(ui, &mut self.editor));
        ui.separator();
        match &self.editor.active_scenario {
            Some(name) => ui.heading(
                egui::RichText::new(format!("Indicators: {name}")).color(scenarios::SCENARIO),
            ),
            None => ui.heading("Indicators"),
        };
        egui::ScrollArea::vertical()
            .id_salt("indicators")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                self.indicators.ui(ui, &mut self.editor);
                ui.separator();
                pains::summary_ui(ui, &mut self.editor);
            });
    }

    /// The tabs under the canvas.
    fn tabs_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.selectable_value(
                &mut self.tab,
                Tab::PainPoints,
                format!("Pain points ({})", self.editor.doc().pain_points.len()),
            );
            ui.selectable_value(
                &mut self.tab,
                Tab::Scenarios,
                format!("Scenarios ({})", self.editor.doc().scenarios.len()),
            );
            ui.selectable_value(&mut self.tab, Tab::Supply, "Supply");
            ui.selectable_value(&mut self.tab, Tab::Roadmap, "Roadmap");
            ui.selectable_value(
                &mut self.tab,
                Tab::Targets,
                format!("Targets ({})", self.editor.doc().targets.len()),
            )
            .on_hover_text("Is the chain on track? The UK 2035 and EU 2030 targets, or your own");
            let uncertain = if self.editor.doc().has_uncertainty() {
                "Uncertainty (±)"
            } else {
                "Uncertainty"
            };
            ui.selectable_value(&mut self.tab, Tab::Uncertainty, uncertain)
                .on_hover_text("Whether the map's figures fit together, which figure to improve first, and Monte Carlo intervals");
        });
        ui.separator();
        // The tab draws in the room the panel has: what does not fit is its own to scroll,
        // it must not stretch the panel (which moved the canvas, and its edge line ran on
        // across the side panel).
        let room = ui.available_rect_before_wrap();
        ui.allocate_rect(room, egui::Sense::hover());
        let mut ui = ui.new_child(egui::UiBuilder::new().max_rect(room).id_salt("tab"));
        ui.set_clip_rect(room.intersect(ui.clip_rect()));
        let ui = &mut ui;
        match self.tab {
            Tab::PainPoints => self.pain_table.ui(ui, &mut self.editor),
            Tab::Scenarios => self.scenarios.ui(ui, &mut self.editor),
            Tab::Supply => self.supply.ui(ui, &mut self.editor),
            Tab::Roadmap => self.roadmap.ui(ui, &mut self.editor),
            Tab::Targets => self.targets.ui(ui, &mut self.editor),
            Tab::Uncertainty => self.uncertainty.ui(ui, &mut self.editor),
        }
    }
}

impl eframe::App for LoopmapApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
        #[cfg(target_arch = "wasm32")]
        if let Some(seconds) = _frame.info().cpu_usage {
            crate::web::report_frame_time(seconds);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }
}

/// What one Zoom in (or out) multiplies (or divides) the zoom by.
const ZOOM_STEP: f32 = 1.25;

/// The tallest the tabs under the canvas may be in a window `window` points tall, with
/// `available` points left for them and the canvas: the canvas keeps half the window.
pub fn tabs_max_height(window: f32, available: f32) -> f32 {
    (available - window / 2.0).max(80.0)
}

/// The UK sample, or an empty map should it ever fail to load.
fn start_map() -> Document {
    io::samples::default_sample()
        .load()
        .unwrap_or_else(|_| Document::new("New map"))
}

/// Opens the editor window; `file` is opened instead of the UK sample.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(file: Option<PathBuf>) -> eframe::Result {
    run_with(None, file)
}

/// Opens the editor window, with participation started on `participate` (the join link
/// printed as one line on standard output).
#[cfg(not(target_arch = "wasm32"))]
pub fn run_with(participate: Option<crate::live::Bind>, file: Option<PathBuf>) -> eframe::Result {
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png"))
        .unwrap_or_default();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([900.0, 600.0])
            .with_title("Loopmap")
            .with_app_id("loopmap")
            .with_icon(icon)
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Loopmap",
        options,
        Box::new(move |cc| {
            let mut app = LoopmapApp::from_creation_context(cc, file);
            if let Some(bind) = participate {
                participation::start_from_command_line(&mut app, bind, &cc.egui_ctx);
            }
            Ok(Box::new(app))
        }),
    )
}
