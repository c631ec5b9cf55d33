//! The facilitator's side of participation: starting and stopping the server
//! (`crate::live`), its controls, the QR code and link on the canvas (in workshop mode
//! too), and the participants' entries taken each frame into the map through `edit`, so
//! they are undoable, autosaved and saved like any other change.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use egui::{Color32, RichText};

use super::{LoopmapApp, theme};
use crate::live::{self, Bind, Entry, Room, Server, Snapshot};
use crate::model::{Anchor, PainPoint, pains};

/// The participation session, if one runs, and the choices for the next start.
pub struct Participation {
    server: Option<Server>,
    /// The addresses to offer (found when the controls are first opened).
    addresses: Vec<IpAddr>,
    pub address: Option<IpAddr>,
    pub port: u16,
    /// The controls window is open.
    pub controls_open: bool,
    /// The revision of the map last published to the room.
    published: Option<u64>,
    /// Ids given by the server that the map already used, and the ids they got instead.
    aliases: HashMap<String, String>,
    qr: Option<(String, egui::TextureHandle)>,
    pub error: Option<String>,
}

impl Default for Participation {
    fn default() -> Self {
        Participation {
            server: None,
            addresses: Vec::new(),
            address: None,
            port: live::DEFAULT_PORT,
            controls_open: false,
            published: None,
            aliases: HashMap::new(),
            qr: None,
            error: None,
        }
    }
}

impl Participation {
    pub fn running(&self) -> bool {
        self.server.is_some()
    }

    /// The join link, while a session runs.
    pub fn url(&self) -> Option<String> {
        self.server.as_ref().map(Server::url)
    }

    /// The room, while a session runs (for tests and the benchmark).
    pub fn room(&self) -> Option<&Arc<Room>> {
        self.server.as_ref().map(Server::room)
    }
}

impl LoopmapApp {
    /// Starts a participation session on `bind`; returns the join link. The server wakes
    /// the editor (`ctx`) whenever participants send something.
    pub fn start_participation(
        &mut self,
        bind: Bind,
        ctx: &egui::Context,
    ) -> Result<String, String> {
        self.stop_participation();
        let wake = {
            let ctx = ctx.clone();
            move || ctx.request_repaint()
        };
        let server = Server::start(bind, Snapshot::of(self.editor.doc()), wake)
            .map_err(|e| e.to_string())?;
        let url = server.url();
        self.participation.server = Some(server);
        self.participation.published = Some(self.editor.revision());
        self.participation.error = None;
        Ok(url)
    }

    /// Stops the session: everyone is disconnected and nothing of it is kept but what is
    /// in the map. The next start has a new link.
    pub fn stop_participation(&mut self) {
        // Entries already sent still go into the map.
        self.take_participation_entries();
        if let Some(server) = self.participation.server.take() {
            server.stop();
        }
        self.participation.aliases.clear();
        self.participation.qr = None;
        self.participation.published = None;
    }

    /// Puts what participants did since the last frame into the map, each through
    /// `edit` (one undo step each).
    pub fn take_participation_entries(&mut self) {
        let Some(room) = self.participation.room().cloned() else {
            return;
        };
        for entry in room.take_entries() {
            match entry {
                Entry::PainPoint(new) => self.add_participant_pain_point(new),
                Entry::Vote { pain_point, delta } => {
                    let id = self
                        .participation
                        .aliases
                        .get(&pain_point)
                        .cloned()
                        .unwrap_or(pain_point);
                    if self.editor.doc().pain_points.iter().any(|p| p.id == id) {
                        self.editor.edit(None, |doc| {
                            if let Some(p) = doc.pain_points.iter_mut().find(|p| p.id == id) {
                                p.vote(delta);
                            }
                        });
                    }
                }
            }
        }
    }

    fn add_participant_pain_point(&mut self, new: live::NewPainPoint) {
        let mut id = new.id;
        if self.editor.doc().pain_points.iter().any(|p| p.id == id) {
            let fresh = pains::unique_pain_id(self.editor.doc());
            self.participation.aliases.insert(id, fresh.clone());
            id = fresh;
        }
        // What it was pinned on may have been deleted since the participant chose it.
        let on = match &new.on {
            Anchor::Node(n) if self.editor.doc().node(n).is_none() => Anchor::Map,
            Anchor::Flow(f) if self.editor.doc().flow(f).is_none() => Anchor::Map,
            on => on.clone(),
        };
        let mut pain = PainPoint::new(id, on, new.title);
        pain.category = Some(new.category);
        pain.raised_by = new.raised_by;
        pain.number = Some(self.editor.doc().next_pin_number());
        self.editor.edit(None, |doc| doc.pain_points.push(pain));
    }

    /// Sends the map to the room when it changed since the last time.
    fn publish_to_room(&mut self) {
        if self.participation.published == Some(self.editor.revision()) {
            return;
        }
        if let Some(room) = self.participation.room() {
            room.publish(Snapshot::of(self.editor.doc()));
            self.participation.published = Some(self.editor.revision());
        }
    }

    /// Each frame, before anything is drawn: participants' entries into the map.
    pub(super) fn participation_tick(&mut self) {
        self.take_participation_entries();
    }

    /// Each frame, after the canvas: the room gets the map as it is now; the join card
    /// and the controls are drawn.
    pub(super) fn participation_ui(&mut self, ctx: &egui::Context) {
        self.publish_to_room();
        if self.participation.running() {
            self.join_card(ctx);
        }
        if self.participation.controls_open {
            let mut open = true;
            egui::Window::new("Participation")
                .open(&mut open)
                .resizable(false)
                .collapsible(true)
                .default_width(340.0)
                .show(ctx, |ui| self.participation_controls_ui(ui));
            self.participation.controls_open &= open;
        }
    }

    /// The entries of the Workshop menu.
    pub(super) fn participation_menu_ui(&mut self, ui: &mut egui::Ui) {
        if self.participation.running() {
            if ui.button("Participation controls…").clicked() {
                self.participation.controls_open = true;
            }
            if ui.button("Stop participation").clicked() {
                self.stop_participation();
            }
        } else if ui
            .button("Start participation…")
            .on_hover_text("Let the room join from their phones: pain points and dot votes")
            .clicked()
        {
            self.participation.controls_open = true;
        }
        ui.separator();
        self.menu_item(ui, super::Command::Workshop);
    }

    /// The toolbar button.
    pub(super) fn participation_button_ui(&mut self, ui: &mut egui::Ui) {
        let text = match self.participation.room() {
            Some(room) => format!("Participation ({} joined)", room.joined()),
            None => "Participation".to_string(),
        };
        if ui
            .selectable_label(self.participation.controls_open, text)
            .on_hover_text("Let the room join from their phones: pain points and dot votes")
            .clicked()
        {
            self.participation.controls_open = !self.participation.controls_open;
        }
    }

    fn participation_controls_ui(&mut self, ui: &mut egui::Ui) {
        let Some(room) = self.participation.room().cloned() else {
            self.participation_start_ui(ui);
            return;
        };
        if let Some(url) = self.participation.url() {
            ui.label(RichText::new(&url).monospace());
        }
        ui.label(format!("{} joined", room.joined()));
        ui.separator();
        let mut settings = room.settings();
        ui.checkbox(&mut settings.locked, "Lock new entries")
            .on_hover_text("Participants can still vote, but add no pain points");
        ui.checkbox(&mut settings.review, "Review entries before they show")
            .on_hover_text("New pain points wait below until you accept them");
        ui.checkbox(&mut settings.hide_totals, "Hide vote totals")
            .on_hover_text("Participants see their own votes only, until you reveal the totals");
        ui.horizontal(|ui| {
            let label = ui.label("Votes per person");
            ui.add(egui::DragValue::new(&mut settings.votes_per_person).range(1..=20))
                .labelled_by(label.id);
        });
        room.set_settings(settings);
        ui.horizontal(|ui| {
            if ui
                .button("New round")
                .on_hover_text("Everyone's votes are full again; the totals stay in the map")
                .clicked()
            {
                room.new_round();
            }
            if ui
                .button("Stop participation")
                .on_hover_text("Disconnects everyone; the next start has a new link")
                .clicked()
            {
                self.stop_participation();
            }
        });
        let queue = room.queue();
        if !queue.is_empty() || room.settings().review {
            ui.separator();
            ui.label(RichText::new(format!("Waiting for review ({})", queue.len())).strong());
            egui::ScrollArea::vertical()
                .max_height(240.0)
                .show(ui, |ui| {
                    for entry in queue {
                        ui.horizontal_wrapped(|ui| {
                            if ui.button("Accept").clicked() {
                                room.review(&entry.id, true);
                            }
                            if ui.button("Reject").clicked() {
                                room.review(&entry.id, false);
                            }
                            ui.label(format!(
                                "{} ({}, {}, on {})",
                                entry.title,
                                entry.category.name(),
                                entry.raised_by,
                                entry.on.describe(self.editor.doc())
                            ));
                        });
                    }
                });
        }
    }

    fn participation_start_ui(&mut self, ui: &mut egui::Ui) {
        if self.participation.addresses.is_empty() {
            self.participation.addresses = live::net::local_addresses();
        }
        let addresses = self.participation.addresses.clone();
        let mut address = self
            .participation
            .address
            .or_else(|| addresses.first().copied())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        ui.label("Phones join through this computer's address on the room's network.");
        egui::ComboBox::from_label("Address")
            .selected_text(describe(address))
            .show_ui(ui, |ui| {
                for ip in &addresses {
                    ui.selectable_value(&mut address, *ip, describe(*ip));
                }
            });
        ui.horizontal(|ui| {
            let label = ui.label("Port");
            ui.add(egui::DragValue::new(&mut self.participation.port))
                .labelled_by(label.id)
                .on_hover_text("0 picks any free port");
        });
        self.participation.address = Some(address);
        if ui.button("Start participation").clicked() {
            let bind = Bind {
                ip: address,
                port: self.participation.port,
            };
            if let Err(e) = self.start_participation(bind, ui.ctx()) {
                self.participation.error = Some(e);
            }
        }
        if let Some(e) = &self.participation.error {
            ui.colored_label(theme::ERROR, e);
        }
    }

    /// The QR code, the link and how many joined, over the canvas for the room to see.
    fn join_card(&mut self, ctx: &egui::Context) {
        let Some(url) = self.participation.url() else {
            return;
        };
        let joined = self.participation.room().map_or(0, |r| r.joined());
        let texture = self.qr_texture(ctx, &url);
        let big = self.workshop.on;
        let side = if big { 260.0 } else { 180.0 };
        let screen = ctx.content_rect();
        let right = if big { 16.0 } else { 400.0 };
        egui::Window::new("Join the map")
            .resizable(false)
            .collapsible(true)
            .pivot(egui::Align2::RIGHT_TOP)
            .default_pos(screen.right_top() + egui::vec2(-right, 72.0))
            .show(ctx, |ui| {
                ui.vertical_centered(|ui| {
                    if let Some(texture) = &texture {
                        ui.add(
                            egui::Image::new(texture)
                                .fit_to_exact_size(egui::vec2(side, side))
                                .alt_text("QR code of the join link"),
                        );
                    }
                    ui.label(
                        RichText::new(&url)
                            .monospace()
                            .size(if big { 16.0 } else { 12.0 }),
                    );
                    ui.label(RichText::new(format!("{joined} joined")).strong());
                    if self.workshop.on && ui.small_button("Controls").clicked() {
                        self.participation.controls_open = true;
                    }
                });
            });
    }

    /// The QR code of `url` as a texture (black on white with the quiet zone), made once.
    fn qr_texture(&mut self, ctx: &egui::Context, url: &str) -> Option<egui::TextureHandle> {
        if let Some((for_url, texture)) = &self.participation.qr
            && for_url == url
        {
            return Some(texture.clone());
        }
        let image = qr_image(url)?;
        let texture = ctx.load_texture("participation qr", image, egui::TextureOptions::NEAREST);
        self.participation.qr = Some((url.to_string(), texture.clone()));
        Some(texture)
    }
}

/// The QR code of `text`, one pixel a module, with four modules of white around it.
pub fn qr_image(text: &str) -> Option<egui::ColorImage> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut pixels = vec![Color32::WHITE; size * size];
    for (i, colour) in code.to_colors().into_iter().enumerate() {
        if colour == qrcode::Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            pixels[y * size + x] = Color32::BLACK;
        }
    }
    Some(egui::ColorImage::new([size, size], pixels))
}

fn describe(ip: IpAddr) -> String {
    if ip.is_loopback() {
        format!("{ip} (this computer only)")
    } else {
        ip.to_string()
    }
}

/// `loopmap FILE --participate`: starts at once and prints the join link, one line on
/// standard output; a failure is said on standard error and in the editor.
pub(super) fn start_from_command_line(app: &mut LoopmapApp, bind: Bind, ctx: &egui::Context) {
    use std::io::Write;
    match app.start_participation(bind, ctx) {
        Ok(url) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{url}");
            let _ = out.flush();
        }
        Err(e) => {
            eprintln!("loopmap: participation did not start: {e}");
            app.participation.error = Some(e);
            app.participation.controls_open = true;
        }
    }
}
