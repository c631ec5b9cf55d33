//! The modal windows: errors, unsaved changes, rename, recovery of an autosave, shortcuts,
//! about. One is open at a time (`LoopmapApp::dialog`); each is one function that says
//! what the click did.

use super::{Command, Dialog, LoopmapApp, Pending, canvas};

/// What a dialog's frame asks for once the modal is drawn.
#[derive(Default)]
struct Outcome {
    /// The dialog is done.
    close: bool,
    /// Offer the next autosaved map (this one was discarded).
    next_recovery: bool,
    /// An action to go on with (the one the unsaved changes held back).
    then: Option<Pending>,
}

impl Outcome {
    fn closed(close: bool) -> Self {
        Outcome {
            close,
            ..Outcome::default()
        }
    }
}

impl LoopmapApp {
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.dialog.clone() else {
            return;
        };
        let mut outcome = Outcome::default();
        let modal = egui::Modal::new(egui::Id::unique("loopmap dialog")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            outcome = self.dialog_ui(ui, &dialog);
        });
        if modal.should_close() {
            outcome.close = true;
        }
        // A dialog may have opened another (Save as…): close only the one shown.
        if outcome.close
            && self
                .dialog
                .as_ref()
                .is_some_and(|d| std::mem::discriminant(d) == std::mem::discriminant(&dialog))
        {
            self.dialog = None;
        }
        if outcome.next_recovery {
            self.offer_recovery();
        }
        if let Some(action) = outcome.then {
            self.perform(action);
        }
    }

    fn dialog_ui(&mut self, ui: &mut egui::Ui, dialog: &Dialog) -> Outcome {
        match dialog {
            Dialog::Error(message) => error_ui(ui, message),
            Dialog::ConfirmDiscard(action) => self.confirm_discard_ui(ui, action),
            Dialog::Rename { id, label } => self.rename_ui(ui, id, label),
            Dialog::DeletePinned(count) => self.delete_pinned_ui(ui, *count),
            Dialog::RenameScenario { old, name } => self.rename_scenario_ui(ui, old, name),
            Dialog::Recover(orphan) => self.recover_ui(ui, orphan),
            Dialog::WebAddress(address) => self.web_address_ui(ui, address),
            Dialog::LinkTooLarge(message) => self.link_too_large_ui(ui, message),
            #[cfg(target_arch = "wasm32")]
            Dialog::RecoverStored(text) => self.recover_stored_ui(ui, text),
            Dialog::Shortcuts => shortcuts_ui(ui),
            Dialog::About => about_ui(ui),
        }
    }

    fn confirm_discard_ui(&mut self, ui: &mut egui::Ui, action: &Pending) -> Outcome {
        ui.heading("Unsaved changes");
        ui.label("The map has changes that are not saved. Save them first?");
        let mut outcome = Outcome::default();
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                // Goes on with the action once saved (maybe after a file dialog of
                // Loopmap's own, a frame or more later).
                self.save_then(false, Some(action.clone()));
                outcome.close = true;
            }
            if ui.button("Discard changes").clicked() {
                self.editor.drop_changes();
                outcome.then = Some(action.clone());
                outcome.close = true;
            }
            if ui.button("Cancel").clicked() {
                outcome.close = true;
            }
        });
        outcome
    }

    fn rename_ui(&mut self, ui: &mut egui::Ui, id: &str, label: &str) -> Outcome {
        let (text, enter) = name_field(ui, "Rename", label);
        if text != label {
            self.dialog = Some(Dialog::Rename {
                id: id.to_string(),
                label: text.clone(),
            });
        }
        let mut close = false;
        ui.horizontal(|ui| {
            if ui.button("Rename").clicked() || enter {
                let id = id.to_string();
                self.editor.edit(None, |doc| {
                    if let Some(n) = doc.nodes.iter_mut().find(|n| n.id == id) {
                        n.label = text;
                    }
                });
                close = true;
            }
            close |= ui.button("Cancel").clicked();
        });
        Outcome::closed(close)
    }

    fn delete_pinned_ui(&mut self, ui: &mut egui::Ui, count: usize) -> Outcome {
        ui.heading("Delete pain points too?");
        let (them, s) = if count == 1 {
            ("it", "")
        } else {
            ("them", "s")
        };
        ui.label(format!(
            "What you are deleting carries {count} pain point{s}. Delete {them}, or keep \
             {them} on the whole map?"
        ));
        let mut close = false;
        ui.horizontal(|ui| {
            if ui.button(format!("Delete pain point{s}")).clicked() {
                self.editor
                    .delete_selection_with(super::pains::PinnedPains::Delete);
                close = true;
            }
            if ui.button("Move to the map").clicked() {
                self.editor
                    .delete_selection_with(super::pains::PinnedPains::MoveToMap);
                close = true;
            }
            close |= ui.button("Cancel").clicked();
        });
        Outcome::closed(close)
    }

    fn rename_scenario_ui(&mut self, ui: &mut egui::Ui, old: &str, name: &str) -> Outcome {
        let (text, enter) = name_field(ui, "New name for the scenario", name);
        if text != name {
            self.dialog = Some(Dialog::RenameScenario {
                old: old.to_string(),
                name: text.clone(),
            });
        }
        let mut close = false;
        ui.horizontal(|ui| {
            if (ui.button("Rename").clicked() || enter) && self.editor.rename_scenario(old, &text) {
                close = true;
            }
            close |= ui.button("Cancel").clicked();
        });
        Outcome::closed(close)
    }

    fn recover_ui(&mut self, ui: &mut egui::Ui, orphan: &super::autosave::Orphan) -> Outcome {
        ui.heading("Recover unsaved work?");
        ui.label("A Loopmap window closed with unsaved changes. A copy was kept.");
        ui.label(match &orphan.origin {
            Some(p) => format!("Map: {}", p.display()),
            None => "Map: never saved".to_string(),
        });
        let mut outcome = Outcome::default();
        ui.horizontal(|ui| {
            if ui.button("Recover").clicked() {
                self.recover(orphan);
                outcome.close = true;
            }
            if ui.button("Discard it").clicked() {
                orphan.discard();
                outcome.close = true;
                outcome.next_recovery = true;
            }
            outcome.close |= ui.button("Later").clicked();
        });
        outcome
    }

    fn web_address_ui(&mut self, ui: &mut egui::Ui, address: &str) -> Outcome {
        let heading = ui.heading("Where is Loopmap for the web?").id;
        ui.label(
            "A share link opens the map in Loopmap for the web. Give the address it is \
             served from (asked once; kept in the settings).",
        );
        let mut text = address.to_string();
        ui.add(
            egui::TextEdit::singleline(&mut text)
                .hint_text("https://example.org/loopmap/")
                .desired_width(420.0),
        )
        .labelled_by(heading)
        .request_focus();
        let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
        if text != address {
            self.dialog = Some(Dialog::WebAddress(text.clone()));
        }
        let usable = super::share::usable_address(&text);
        if !text.trim().is_empty() && !usable {
            ui.colored_label(
                super::theme::ERROR,
                "An address starting with https:// or http://",
            );
        }
        let mut close = false;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(usable, egui::Button::new("Copy link"))
                .clicked()
                || (enter && usable)
            {
                self.settings.web_address = text.trim().to_string();
                close = true;
                self.copy_share_link(ui.ctx());
            }
            close |= ui.button("Cancel").clicked();
        });
        Outcome::closed(close)
    }

    fn link_too_large_ui(&mut self, ui: &mut egui::Ui, message: &str) -> Outcome {
        ui.heading("Too large for a link");
        ui.label(message);
        let mut close = false;
        ui.horizontal(|ui| {
            if ui.button("Save the map file…").clicked() {
                close = true;
                self.save(true);
            }
            close |= ui.button("Close").clicked();
        });
        Outcome::closed(close)
    }

    #[cfg(target_arch = "wasm32")]
    fn recover_stored_ui(&mut self, ui: &mut egui::Ui, text: &str) -> Outcome {
        ui.heading("Recover unsaved work?");
        ui.label("This browser kept a map you had not saved on your last visit.");
        let mut close = false;
        ui.horizontal(|ui| {
            if ui.button("Recover").clicked() {
                self.recover_stored(text);
                close = true;
            }
            if ui.button("Discard it").clicked() {
                self.forget_stored();
                close = true;
            }
            close |= ui.button("Later").clicked();
        });
        Outcome::closed(close)
    }
}

/// A name being typed under its heading, with the focus; what it reads now and whether
/// Enter was pressed.
fn name_field(ui: &mut egui::Ui, heading: &str, current: &str) -> (String, bool) {
    let heading = ui.heading(heading).id;
    let mut text = current.to_string();
    ui.text_edit_singleline(&mut text)
        .labelled_by(heading)
        .request_focus();
    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
    (text, enter)
}

fn error_ui(ui: &mut egui::Ui, message: &str) -> Outcome {
    ui.heading("Something went wrong");
    ui.label(message);
    Outcome::closed(ui.button("OK").clicked())
}

fn shortcuts_ui(ui: &mut egui::Ui) -> Outcome {
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
    Outcome::closed(ui.button("Close").clicked())
}

fn about_ui(ui: &mut egui::Ui) -> Outcome {
    ui.heading("Loopmap");
    ui.label(format!("Version {}", env!("CARGO_PKG_VERSION")));
    ui.label(
        "Circular-economy value-stream mapping of material supply chains: flows, reverse \
         loops, pain points, circularity and supply-security indicators.",
    );
    Outcome::closed(ui.button("Close").clicked())
}
