//! The modal windows: errors, unsaved changes, rename, recovery of an autosave, shortcuts,
//! about. One is open at a time (`LoopmapApp::dialog`).

use super::{Command, Dialog, LoopmapApp, Pending, canvas};

impl LoopmapApp {
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.dialog.clone() else {
            return;
        };
        let mut close = false;
        let mut next_recovery = false;
        let mut then: Option<Pending> = None;
        let modal = egui::Modal::new(egui::Id::unique("loopmap dialog")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            match &dialog {
                Dialog::Error(message) => {
                    ui.heading("Something went wrong");
                    ui.label(message);
                    if ui.button("OK").clicked() {
                        close = true;
                    }
                }
                Dialog::ConfirmDiscard(action) => {
                    ui.heading("Unsaved changes");
                    ui.label("The map has changes that are not saved. Save them first?");
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            // Goes on with the action once saved (maybe after a file
                            // dialog of Loopmap's own, a frame or more later).
                            self.save_then(false, Some(action.clone()));
                            close = true;
                        }
                        if ui.button("Discard changes").clicked() {
                            self.editor.drop_changes();
                            then = Some(action.clone());
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::Rename { id, label } => {
                    let heading = ui.heading("Rename").id;
                    let mut text = label.clone();
                    let edit = ui.text_edit_singleline(&mut text).labelled_by(heading);
                    edit.request_focus();
                    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if text != *label {
                        self.dialog = Some(Dialog::Rename { id: id.clone(), label: text.clone() });
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Rename").clicked() || enter {
                            let (id, text) = (id.clone(), text.clone());
                            self.editor.edit(None, |doc| {
                                if let Some(n) = doc.nodes.iter_mut().find(|n| n.id == id) {
                                    n.label = text;
                                }
                            });
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::DeletePinned(count) => {
                    ui.heading("Delete pain points too?");
                    let (them, s) = if *count == 1 { ("it", "") } else { ("them", "s") };
                    ui.label(format!(
                        "What you are deleting carries {count} pain point{s}. Delete {them}, \
                         or keep {them} on the whole map?"
                    ));
                    ui.horizontal(|ui| {
                        if ui.button(format!("Delete pain point{s}")).clicked() {
                            self.editor.delete_selection_with(super::pains::PinnedPains::Delete);
                            close = true;
                        }
                        if ui.button("Move to the map").clicked() {
                            self.editor.delete_selection_with(super::pains::PinnedPains::MoveToMap);
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::RenameScenario { old, name } => {
                    let heading = ui.heading("New name for the scenario").id;
                    let mut text = name.clone();
                    let edit = ui.text_edit_singleline(&mut text).labelled_by(heading);
                    edit.request_focus();
                    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if text != *name {
                        self.dialog = Some(Dialog::RenameScenario {
                            old: old.clone(),
                            name: text.clone(),
                        });
                    }
                    ui.horizontal(|ui| {
                        if (ui.button("Rename").clicked() || enter)
                            && self.editor.rename_scenario(old, &text)
                        {
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::Recover(orphan) => {
                    ui.heading("Recover unsaved work?");
                    ui.label("A Loopmap window closed with unsaved changes. A copy was kept.");
                    ui.label(match &orphan.origin {
                        Some(p) => format!("Map: {}", p.display()),
                        None => "Map: never saved".to_string(),
                    });
                    ui.horizontal(|ui| {
                        if ui.button("Recover").clicked() {
                            self.recover(orphan);
                            close = true;
                        }
                        if ui.button("Discard it").clicked() {
                            orphan.discard();
                            close = true;
                            next_recovery = true;
                        }
                        if ui.button("Later").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::WebAddress(address) => {
                    let heading = ui.heading("Where is Loopmap for the web?").id;
                    ui.label(
                        "A share link opens the map in Loopmap for the web. Give the address \
                         it is served from (asked once; kept in the settings).",
                    );
                    let mut text = address.clone();
                    ui.add(
                        egui::TextEdit::singleline(&mut text)
                            .hint_text("https://example.org/loopmap/")
                            .desired_width(420.0),
                    )
                    .labelled_by(heading)
                    .request_focus();
                    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if text != *address {
                        self.dialog = Some(Dialog::WebAddress(text.clone()));
                    }
                    let usable = super::share::usable_address(&text);
                    if !text.trim().is_empty() && !usable {
                        ui.colored_label(
                            super::theme::ERROR,
                            "An address starting with https:// or http://",
                        );
                    }
                    ui.horizontal(|ui| {
                        if ui.add_enabled(usable, egui::Button::new("Copy link")).clicked()
                            || (enter && usable)
                        {
                            self.settings.web_address = text.trim().to_string();
                            close = true;
                            self.copy_share_link(ui.ctx());
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::LinkTooLarge(message) => {
                    ui.heading("Too large for a link");
                    ui.label(message);
                    ui.horizontal(|ui| {
                        if ui.button("Save the map file…").clicked() {
                            close = true;
                            self.save(true);
                        }
                        if ui.button("Close").clicked() {
                            close = true;
                        }
                    });
                }
                #[cfg(target_arch = "wasm32")]
                Dialog::RecoverStored(text) => {
                    ui.heading("Recover unsaved work?");
                    ui.label("This browser kept a map you had not saved on your last visit.");
                    ui.horizontal(|ui| {
                        if ui.button("Recover").clicked() {
                            self.recover_stored(text);
                            close = true;
                        }
                        if ui.button("Discard it").clicked() {
                            self.forget_stored();
                            close = true;
                        }
                        if ui.button("Later").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::Shortcuts => {
                    ui.heading("Keyboard shortcuts");
                    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                        for command in Command::all() {
                            let keys = command.all_shortcuts_text(ui.ctx());
                            if !keys.is_empty() {
                                ui.label(command.label());
                                ui.label(keys);
                                ui.end_row();
                            }
                        }
                        for (what, keys) in canvas::GESTURES {
                            ui.label(*what);
                            ui.label(*keys);
                            ui.end_row();
                        }
                    });
                    if ui.button("Close").clicked() {
                        close = true;
                    }
                }
                Dialog::About => {
                    ui.heading("Loopmap");
                    ui.label(format!("Version {}", env!("CARGO_PKG_VERSION")));
                    ui.label("Circular-economy value-stream mapping of material supply chains: flows, reverse loops, pain points, circularity and supply-security indicators.");
                    if ui.button("Close").clicked() {
                        close = true;
                    }
                }
            }
        });
        if modal.should_close() {
            close = true;
        }
        if close
            && self
                .dialog
                .as_ref()
                .is_some_and(|d| std::mem::discriminant(d) == std::mem::discriminant(&dialog))
        {
            self.dialog = None;
        }
        if next_recovery {
            self.offer_recovery();
        }
        if let Some(action) = then {
            self.perform(action);
        }
    }
}
