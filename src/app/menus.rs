//! The frame's bars: the menu bar with the toolbar (the workshop's tools and the
//! scenario bar beside the menus) and the status bar. Every entry is a `Command`.

use super::{ColourBy, Command, LoopmapApp, Pending, io, scenarios, theme};

impl LoopmapApp {
    pub(super) fn menu_bar(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button("File", |ui| {
                    self.menu_item(ui, Command::New);
                    self.menu_item(ui, Command::Open);
                    ui.menu_button("Open sample", |ui| {
                        for (i, sample) in io::samples::SAMPLES.iter().enumerate() {
                            if ui.button(sample.title).clicked() {
                                self.guard(Pending::Sample(i));
                            }
                        }
                    });
                    ui.menu_button("Open recent", |ui| {
                        if self.settings.recent.is_empty() {
                            ui.label("No recent files");
                        }
                        for path in self.settings.recent.clone() {
                            let name = path.file_name().map_or(path.display().to_string(), |n| {
                                n.to_string_lossy().into_owned()
                            });
                            if ui
                                .button(name)
                                .on_hover_text(path.display().to_string())
                                .clicked()
                            {
                                self.guard(Pending::Open(Some(path)));
                            }
                        }
                    });
                    ui.separator();
                    self.menu_item(ui, Command::Save);
                    self.menu_item(ui, Command::SaveAs);
                    ui.menu_button("Export", |ui| {
                        for c in [
                            Command::ExportSvg,
                            Command::ExportPng,
                            Command::ExportCsv,
                            Command::ExportHtml,
                        ] {
                            self.menu_item(ui, c);
                        }
                    });
                    self.menu_item(ui, Command::CopyShareLink);
                    // A page is closed with its browser tab, not from its menu.
                    #[cfg(not(target_arch = "wasm32"))]
                    {
                        ui.separator();
                        self.menu_item(ui, Command::Quit);
                    }
                });
                ui.menu_button("Edit", |ui| {
                    for c in [Command::Undo, Command::Redo] {
                        self.menu_item(ui, c);
                    }
                    ui.separator();
                    for c in [
                        Command::Cut,
                        Command::Copy,
                        Command::Paste,
                        Command::Duplicate,
                        Command::Delete,
                        Command::SelectAll,
                        Command::Rename,
                    ] {
                        self.menu_item(ui, c);
                    }
                    ui.separator();
                    self.menu_item(ui, Command::Arrange);
                    self.menu_item(ui, Command::ArrangeKeepOrder);
                    ui.separator();
                    for c in [Command::AddPainPoint, Command::VoteUp, Command::VoteDown] {
                        self.menu_item(ui, c);
                    }
                });
                ui.menu_button("View", |ui| {
                    for c in [
                        Command::Fit,
                        Command::ZoomIn,
                        Command::ZoomOut,
                        Command::ActualSize,
                    ] {
                        self.menu_item(ui, c);
                    }
                    for (c, on) in [
                        (Command::ToggleSankey, self.settings.sankey),
                        (Command::ToggleGrid, self.settings.grid),
                        (Command::ToggleLegends, self.settings.legends),
                        (Command::ToggleRanges, self.settings.ranges),
                        (Command::ToggleStubs, self.stubs_shown()),
                        (Command::ToggleDark, self.settings.dark),
                    ] {
                        self.toggle_item(ui, c, on);
                    }
                    ui.menu_button("Colour nodes by", |ui| {
                        for c in ColourBy::ALL {
                            ui.radio_value(&mut self.settings.colour_by, c, c.label());
                        }
                    });
                    ui.separator();
                    self.menu_item(ui, Command::TextLarger);
                    self.menu_item(ui, Command::TextSmaller);
                    ui.separator();
                    self.menu_item(ui, Command::Workshop);
                });
                #[cfg(not(target_arch = "wasm32"))]
                ui.menu_button("Workshop", |ui| self.participation_menu_ui(ui));
                ui.menu_button("Help", |ui| {
                    self.menu_item(ui, Command::Shortcuts);
                    ui.menu_button("What each node kind counts for", node_kinds_ui);
                    self.menu_item(ui, Command::About);
                });
                // The workshop's own tools, one click away.
                ui.separator();
                for c in [Command::AddPainPoint, Command::Workshop] {
                    let text = format!("{} ({})", c.label(), c.shortcut_text(ui.ctx()));
                    if ui.button(text).on_hover_text(c.tooltip()).clicked() {
                        self.run(c, ui.ctx());
                    }
                }
                #[cfg(not(target_arch = "wasm32"))]
                self.participation_button_ui(ui);
                self.workshop.pin_filter_ui(ui);
                ui.separator();
                scenarios::bar_ui(ui, &mut self.editor);
            });
        });
    }

    /// A menu entry for a command that switches something on or off: a check box with
    /// the command's text, and its tooltip and keys on hover.
    fn toggle_item(&mut self, ui: &mut egui::Ui, command: Command, on: bool) {
        let mut checked = on;
        if ui
            .checkbox(&mut checked, command.label())
            .on_hover_text(command.tooltip_with_keys(ui.ctx()))
            .clicked()
        {
            self.run(command, ui.ctx());
        }
    }

    pub(super) fn menu_item(&mut self, ui: &mut egui::Ui, command: Command) {
        let enabled = match command {
            Command::Undo => self.editor.can_undo(),
            Command::Redo => self.editor.can_redo(),
            Command::Cut | Command::Copy | Command::Duplicate | Command::Delete => {
                !self.editor.selection.is_empty()
            }
            Command::Rename => self.editor.selection.nodes.len() == 1,
            Command::VoteUp | Command::VoteDown => !self.editor.selection.pains.is_empty(),
            _ => true,
        };
        let keys = command.shortcut_text(ui.ctx());
        let mut button = egui::Button::new(command.label());
        if !keys.is_empty() {
            button = button.shortcut_text(keys);
        }
        let response = ui
            .add_enabled(enabled, button)
            .on_hover_text(command.tooltip());
        if response.clicked() {
            if command == Command::Paste {
                ui.ctx()
                    .send_viewport_cmd(egui::ViewportCommand::RequestPaste);
            } else {
                self.run(command, ui.ctx());
            }
        }
    }

    pub(super) fn status_bar(&mut self, ui: &mut egui::Ui) {
        let status = self.editor.analysis().solution.status;
        let zoom = self.canvas.view.zoom;
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                let file = self
                    .path
                    .as_ref()
                    .map_or("unsaved map".to_string(), |p| p.display().to_string());
                ui.label(if self.editor.dirty() {
                    format!("* {file} (unsaved changes)")
                } else {
                    file
                });
                ui.separator();
                let colour = if status.is_solved() {
                    theme::OK
                } else {
                    theme::ERROR
                };
                ui.colored_label(colour, format!("solver: {}", status.name()));
                ui.separator();
                ui.label(format!("zoom {:.0} %", 100.0 * zoom));
                ui.separator();
                ui.label(format!(
                    "{} nodes · {} flows",
                    self.editor.doc().nodes.len(),
                    self.editor.doc().flows.len()
                ));
                if let Some(hint) = &self.hint {
                    ui.separator();
                    ui.colored_label(theme::WARNING, hint);
                }
            });
        });
    }
}

/// Help: each node kind and what it counts for in the indicators.
fn node_kinds_ui(ui: &mut egui::Ui) {
    ui.set_max_width(420.0);
    for kind in crate::model::NodeKind::ALL {
        ui.strong(kind.name());
        ui.add(egui::Label::new(crate::analysis::terms::counts_for(kind)).wrap());
        ui.add_space(4.0);
    }
}
