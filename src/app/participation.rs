//! The facilitator's side of participation: starting and stopping the server
//! (`crate::live`), its controls, the QR code and link (over the canvas in the editor,
//! beside the map in workshop mode, where the controls fold to one line above it), the
//! review of entries in a window of its own (so pending texts are never projected), and
//! the participants' entries taken each frame into the map through `edit`, so they are
//! undoable, autosaved and saved like any other change.

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
    /// The controls window is open (in workshop mode: the controls' line).
    pub controls_open: bool,
    /// The window with the entries waiting for review is open.
    pub review_open: bool,
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
            review_open: false,
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

    /// Whether the room's vote totals are hidden now (until the facilitator reveals them).
    pub fn votes_hidden(&self) -> bool {
        self.room().is_some_and(|r| r.settings().hide_totals)
    }

    /// The room, while a session runs (for tests and the benchmark).
    pub fn room(&self) -> Option<&Arc<Room>> {
        self.server.as_ref().map(Server::room)
    }
}

/// Who is in the room: connected now, and joined in all.
fn headcount(room: &Room) -> String {
    format!(
        "{} connected, {} joined in all",
        room.connected(),
        room.joined()
    )
}

/// Width of the join card beside the map in workshop mode.
pub const WORKSHOP_CARD_WIDTH: f32 = 220.0;

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
        self.participation.review_open = false;
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

    /// Each frame, before the canvas, in workshop mode: the join card in a column beside
    /// the map and the controls folded to one line above it, so neither covers the map.
    pub(super) fn participation_panels(&mut self, ui: &mut egui::Ui) {
        if !self.workshop.on || !self.participation.running() {
            return;
        }
        let ctx = ui.ctx().clone();
        if self.participation.controls_open {
            egui::Panel::top("participation controls")
                .show(ui, |ui| self.participation_line_ui(ui));
        }
        egui::Panel::right("join card")
            .resizable(false)
            .exact_size(WORKSHOP_CARD_WIDTH)
            .show(ui, |ui| self.join_card_ui(ui, &ctx));
    }

    /// Each frame, after the canvas: the room gets the map as it is now; the join card
    /// (over the canvas, outside workshop mode), the controls and the review window.
    pub(super) fn participation_ui(&mut self, ctx: &egui::Context) {
        self.publish_to_room();
        let beside_the_map = self.workshop.on && self.participation.running();
        if self.participation.running() && !beside_the_map {
            self.join_card(ctx);
        }
        if self.participation.controls_open && !beside_the_map {
            let mut open = true;
            egui::Window::new("Participation")
                .open(&mut open)
                .resizable(false)
                .collapsible(true)
                .default_width(340.0)
                .show(ctx, |ui| self.participation_controls_ui(ui));
            self.participation.controls_open &= open;
        }
        if self.participation.review_open {
            self.review_window(ctx);
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
            Some(room) => format!("Participation ({} connected)", room.connected()),
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
            link_ui(ui, &url, 13.0);
        }
        ui.label(headcount(&room));
        ui.separator();
        let mut settings = room.settings();
        self.settings_ui(ui, &room, &mut settings, false);
        ui.horizontal(|ui| {
            new_round_button(ui, &room);
            if stop_button(ui, "Stop participation") {
                self.stop_participation();
            }
        });
        if settings.review || !room.queue().is_empty() {
            ui.separator();
            self.review_count_ui(ui, &room, false);
        }
    }

    /// The controls on one line, above the map in workshop mode.
    fn participation_line_ui(&mut self, ui: &mut egui::Ui) {
        let Some(room) = self.participation.room().cloned() else {
            return;
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Room").strong());
            let mut settings = room.settings();
            self.settings_ui(ui, &room, &mut settings, true);
            ui.separator();
            self.review_count_ui(ui, &room, true);
            ui.separator();
            new_round_button(ui, &room);
            if stop_button(ui, "Stop") {
                self.stop_participation();
            }
            if ui
                .button("Fold")
                .on_hover_text("Hide these controls")
                .clicked()
            {
                self.participation.controls_open = false;
            }
        });
    }

    /// Lock, review, hide totals (or reveal them), votes per person; in `short` words for
    /// the one line of workshop mode.
    fn settings_ui(
        &mut self,
        ui: &mut egui::Ui,
        room: &Room,
        settings: &mut live::Settings,
        short: bool,
    ) {
        let say = |long: &'static str, brief: &'static str| if short { brief } else { long };
        ui.checkbox(
            &mut settings.locked,
            say("Lock new entries", "Lock entries"),
        )
        .on_hover_text("Participants can still vote, but add no pain points");
        ui.checkbox(
            &mut settings.review,
            say("Review entries before they show", "Review first"),
        )
        .on_hover_text("New pain points wait until you accept them, in a window of yours");
        ui.checkbox(
            &mut settings.hide_totals,
            say("Hide vote totals", "Hide totals"),
        )
        .on_hover_text(
            "Nobody sees the totals, neither the phones nor the projector (pins one size), \
             until you reveal them",
        );
        if settings.hide_totals
            && ui
                .button("Reveal totals")
                .on_hover_text("Show every vote total, on the phones and on the map")
                .clicked()
        {
            settings.hide_totals = false;
        }
        let mut votes = |ui: &mut egui::Ui| {
            let label = ui.label(say("Votes per person", "Votes each"));
            ui.add(egui::DragValue::new(&mut settings.votes_per_person).range(1..=20))
                .labelled_by(label.id);
        };
        if short {
            votes(ui);
        } else {
            ui.horizontal(votes);
        }
        room.set_settings(settings.clone());
    }

    /// How many entries wait, and the button that opens them: only the count is projected.
    fn review_count_ui(&mut self, ui: &mut egui::Ui, room: &Room, short: bool) {
        let waiting = room.queue().len();
        let count = if short {
            format!("{waiting} to review")
        } else {
            format!("{waiting} waiting for review")
        };
        ui.label(RichText::new(count).strong());
        if ui
            .add_enabled(waiting > 0, egui::Button::new("Review..."))
            .on_hover_text(
                "Opens the entries with their texts and names in a window of their own, \
                 to read before anything is shown: only this count is on the controls",
            )
            .clicked()
        {
            self.participation.review_open = true;
        }
    }

    /// The entries waiting for review, with their texts and names, to accept or reject:
    /// a window the facilitator opens when they choose to read them (and closes again),
    /// never part of the controls the room sees.
    fn review_window(&mut self, ctx: &egui::Context) {
        let Some(room) = self.participation.room().cloned() else {
            self.participation.review_open = false;
            return;
        };
        let doc = self.editor.doc().clone();
        let mut open = true;
        let mut close = false;
        egui::Window::new("Entries waiting for review")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .default_width(440.0)
            .show(ctx, |ui| {
                let queue = room.queue();
                if queue.is_empty() {
                    ui.label("Nothing waits: new entries appear here.");
                }
                egui::ScrollArea::vertical()
                    .max_height(260.0)
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
                                    entry.on.describe(&doc)
                                ));
                            });
                        }
                    });
                close = ui.button("Close").clicked();
            });
        if close || !open {
            self.participation.review_open = false;
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

    /// The QR code, the link and who is in the room, over the canvas for the room to see.
    fn join_card(&mut self, ctx: &egui::Context) {
        let screen = ctx.content_rect();
        egui::Window::new("Join the map")
            .resizable(false)
            .collapsible(true)
            .pivot(egui::Align2::RIGHT_TOP)
            .default_pos(screen.right_top() + egui::vec2(-400.0, 72.0))
            .show(ctx, |ui| self.join_card_ui(ui, ctx));
    }

    /// The join card's contents: QR code, link, headcount (and in workshop mode the
    /// button that unfolds the controls).
    fn join_card_ui(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        let Some(url) = self.participation.url() else {
            return;
        };
        let count = self
            .participation
            .room()
            .map(|r| headcount(r))
            .unwrap_or_default();
        let texture = self.qr_texture(ctx, &url);
        let big = self.workshop.on;
        let side = if big {
            WORKSHOP_CARD_WIDTH - 24.0
        } else {
            180.0
        };
        ui.vertical_centered(|ui| {
            if big {
                ui.label(RichText::new("Join the map").strong().size(18.0));
            }
            if let Some(texture) = &texture {
                ui.add(
                    egui::Image::new(texture)
                        .fit_to_exact_size(egui::vec2(side, side))
                        .alt_text("QR code of the join link"),
                );
            }
            link_ui(ui, &url, if big { 13.0 } else { 12.0 });
            ui.label(RichText::new(count).strong());
            if big && !self.participation.controls_open && ui.button("Controls").clicked() {
                self.participation.controls_open = true;
            }
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

/// The join link in two lines that never break inside: the address, then the token (in
/// `live::guard::TOKEN_ALPHABET`, no two characters alike), each shrunk to fit the card.
fn link_ui(ui: &mut egui::Ui, url: &str, size: f32) {
    let (address, token) = match url.trim_end_matches('/').rsplit_once('/') {
        Some((address, token)) => (format!("{address}/"), format!("{token}/")),
        None => (url.to_string(), String::new()),
    };
    let width = ui.available_width().max(60.0);
    for line in [address, token].into_iter().filter(|l| !l.is_empty()) {
        // A monospace glyph is about 0.6 of its size wide.
        let fits = width / (0.6 * line.chars().count().max(1) as f32);
        ui.add(
            egui::Label::new(RichText::new(line).monospace().size(size.min(fits)))
                .wrap_mode(egui::TextWrapMode::Extend),
        );
    }
}

fn new_round_button(ui: &mut egui::Ui, room: &Room) {
    if ui
        .button("New round")
        .on_hover_text("Everyone's votes are full again; the totals stay in the map")
        .clicked()
    {
        room.new_round();
    }
}

/// Whether the facilitator asked to stop.
fn stop_button(ui: &mut egui::Ui, text: &str) -> bool {
    ui.button(text)
        .on_hover_text("Tells every phone the session ended and disconnects everyone; the next start has a new link")
        .clicked()
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
