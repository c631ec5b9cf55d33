//! The editor in a browser: started from the page's `#map=` link or the UK sample, files
//! picked or dropped on the page instead of opened from a path, saves and exports as
//! downloads, and unsaved work kept in the browser's storage and offered back on reload.

use super::files::{ExportKind, FileRequest, export_name, suggested_name};
use super::{Dialog, LoopmapApp, Settings, start_map};
use crate::{export, io, web};

/// Where the browser keeps the unsaved map.
const UNSAVED: &str = "loopmap.unsaved";

impl LoopmapApp {
    /// The editor as the web page starts it: the map in the page's link, else the UK
    /// sample; unsaved work from the last visit is offered back.
    pub fn for_web(cc: &eframe::CreationContext<'_>) -> Self {
        let settings = cc
            .storage
            .and_then(|s| eframe::get_value::<Settings>(s, eframe::APP_KEY))
            .unwrap_or_default();
        let mut app = LoopmapApp::new(start_map(), None, settings);
        app.web_ctx = Some(cc.egui_ctx.clone());
        app.apply_settings(&cc.egui_ctx);
        if let Some(link) = web::link_in_page() {
            match io::link::decode(&link) {
                Ok(doc) => app.replace_document(doc, None),
                Err(e) => {
                    app.dialog = Some(Dialog::Error(format!(
                        "Could not open the link's map:\n{e}"
                    )))
                }
            }
        } else if let Some(text) = web::stored(UNSAVED) {
            app.dialog = Some(Dialog::RecoverStored(text));
        }
        app
    }

    /// Asks the browser: a file picker to open, a download to save or export.
    pub(super) fn ask_in_browser(&mut self, request: FileRequest) {
        let scenario = self.editor.active_scenario.clone();
        let result = match request {
            FileRequest::Open => {
                if let Some(ctx) = &self.web_ctx {
                    self.picked = Some(web::pick_map(ctx));
                }
                return;
            }
            FileRequest::Save { then } => {
                let name = suggested_name(self.editor.doc(), None);
                let text = io::to_canonical_string(self.editor.doc());
                match web::download(&name, text.as_bytes(), "application/json") {
                    Ok(()) => {
                        self.editor.mark_saved();
                        web::forget(UNSAVED);
                        self.hint = Some(format!("Downloaded {name}"));
                        if let Some(action) = then {
                            self.perform(action);
                        }
                        return;
                    }
                    Err(e) => Err(e),
                }
            }
            FileRequest::Export(kind) => self.download_export(kind, scenario.as_deref()),
        };
        if let Err(e) = result {
            self.hint = Some(format!("Nothing downloaded: {e}"));
            self.dialog = Some(Dialog::Error(format!("Nothing downloaded: {e}")));
        }
    }

    fn download_export(&mut self, kind: ExportKind, scenario: Option<&str>) -> Result<(), String> {
        let doc = self.editor.doc();
        let fail = |e: export::ExportError| e.to_string();
        let picture = export::Picture {
            ranges: self.settings.ranges,
            stubs: self.stubs_shown(),
        };
        let files: Vec<(String, Vec<u8>, &str)> = match kind {
            ExportKind::Svg => vec![(
                export_name(doc, "svg"),
                export::svg_text(doc, scenario, picture)
                    .map_err(fail)?
                    .into_bytes(),
                "image/svg+xml",
            )],
            ExportKind::Png => vec![(
                export_name(doc, "png"),
                export::png_bytes(doc, scenario, 2.0, picture).map_err(fail)?,
                "image/png",
            )],
            ExportKind::Csv => export::csv_files(doc, scenario)
                .map_err(fail)?
                .into_iter()
                .map(|(name, text)| (name.to_string(), text.into_bytes(), "text/csv"))
                .collect(),
            ExportKind::Html => vec![(
                export_name(doc, "html"),
                export::html_text(doc, scenario).map_err(fail)?.into_bytes(),
                "text/html",
            )],
        };
        let names: Vec<String> = files.iter().map(|f| f.0.clone()).collect();
        for (name, bytes, mime) in files {
            web::download(&name, &bytes, mime)?;
        }
        self.hint = Some(format!("Downloaded {}", names.join(", ")));
        Ok(())
    }

    /// Takes a file picked or dropped on the page once the browser has read it: a
    /// picked one opens, a dropped one first asks about unsaved changes.
    pub(super) fn take_picked(&mut self) {
        if let Some((name, bytes)) = self.picked.as_ref().and_then(|p| p.borrow_mut().take()) {
            self.picked = None;
            self.open_bytes(&name, &bytes);
        }
        if let Some((name, bytes)) = self.dropped.as_ref().and_then(|p| p.borrow_mut().take()) {
            self.dropped = None;
            self.guard(super::Pending::OpenDropped(name, bytes.into()));
        }
    }

    /// Files dropped on the page are read (asynchronously), then opened.
    pub(super) fn read_dropped(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        if let Some(file) = dropped.into_iter().next() {
            self.dropped = Some(web::read_dropped(ctx, file));
        }
    }

    /// Keeps the unsaved map in the browser's storage (or forgets it once saved).
    pub(super) fn store_unsaved(&mut self) {
        if self.editor.dirty() {
            if let Err(e) = web::store(UNSAVED, &io::to_canonical_string(self.editor.doc())) {
                self.hint = Some(format!("Unsaved work is not kept: {e}"));
            }
        } else {
            web::forget(UNSAVED);
        }
    }

    /// Takes back the map kept in the browser's storage.
    pub(super) fn recover_stored(&mut self, text: &str) {
        match io::parse(text) {
            Ok(doc) => {
                self.replace_document(doc, None);
                self.editor.set_saved(crate::model::Document::new(""));
                self.hint = Some("Recovered unsaved work from your last visit".into());
            }
            Err(e) => self.hint = Some(format!("The kept copy could not be read: {e}")),
        }
    }

    /// Opens a map file's bytes; one that cannot be read changes nothing and says why.
    pub(super) fn open_bytes(&mut self, name: &str, bytes: &[u8]) {
        match io::parse_bytes(bytes) {
            Ok(doc) => {
                self.replace_document(doc, None);
                self.hint = Some(format!("Opened {name}"));
            }
            Err(e) => self.dialog = Some(Dialog::Error(format!("Could not open {name}:\n{e}"))),
        }
    }

    pub(super) fn forget_stored(&self) {
        web::forget(UNSAVED);
    }
}
