//! Workshop mode: the canvas fills the screen with larger text, the indicators shrink to
//! a strip along the top, and a timer keeps rounds to time. Voting works from the
//! keyboard on the selected pin (+ / −).

use egui::RichText;

use super::{Command, Editor, LoopmapApp, Request, theme};
use crate::model::Category;
use crate::present::Measure;

/// How much larger everything is drawn in workshop mode.
pub const WORKSHOP_SCALE: f32 = 1.35;

/// A countdown for time-boxed rounds (raise pain points for 5 minutes, then vote).
#[derive(Clone, Debug, PartialEq)]
pub struct Timer {
    /// Length of a round, in seconds.
    pub length: f64,
    /// Seconds run before the last start.
    run: f64,
    /// When it was last started (egui time), while it runs.
    since: Option<f64>,
}

impl Default for Timer {
    fn default() -> Self {
        Timer {
            length: 5.0 * 60.0,
            run: 0.0,
            since: None,
        }
    }
}

impl Timer {
    pub fn running(&self) -> bool {
        self.since.is_some()
    }

    pub fn start_pause(&mut self, now: f64) {
        match self.since.take() {
            Some(since) => self.run += now - since,
            None => self.since = Some(now),
        }
    }

    pub fn reset(&mut self) {
        self.run = 0.0;
        self.since = None;
    }

    /// Seconds left at `now`; below zero once the round is over.
    pub fn left(&self, now: f64) -> f64 {
        self.length - self.run - self.since.map_or(0.0, |s| now - s)
    }
}

/// `mm:ss`, with a minus sign once time is up.
pub fn clock(seconds: f64) -> String {
    let s = seconds.abs().round() as u64;
    let sign = if seconds < -0.5 { "−" } else { "" };
    format!("{sign}{:02}:{:02}", s / 60, s % 60)
}

/// The facilitator's tools: workshop mode, the round timer, and which pins show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Workshop {
    pub on: bool,
    pub timer: Timer,
    /// Show only the pins of this category on the canvas.
    pub pin_filter: Option<Category>,
}

impl LoopmapApp {
    /// Enters or leaves workshop mode: full screen, larger text, the map fitted again.
    pub fn set_workshop(&mut self, on: bool, ctx: &egui::Context) {
        if self.workshop.on == on {
            return;
        }
        self.workshop.on = on;
        self.apply_settings(ctx);
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(on));
        self.canvas.view.refit_frames = 3;
    }
}

impl Workshop {
    /// The compact strip of workshop mode: main indicators, pin filter, timer.
    pub fn strip_ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        let now = ui.input(|i| i.time);
        let analysis = editor.analysis().clone();
        let i = &analysis.indicators;
        // Each figure with its ± σ where the map's figures are uncertain, as in the panel.
        let figure = |key: &str, measure: Measure, v: Option<f64>| {
            let sigma = analysis.uncertainty.as_ref().and_then(|u| u.sigma_of(key));
            crate::present::with_sigma(measure, v, sigma, "")
        };
        ui.horizontal_wrapped(|ui| {
            let value = |ui: &mut egui::Ui, name: &str, v: String, tip: &str| {
                ui.label(RichText::new(name).weak());
                ui.label(RichText::new(v).strong()).on_hover_text(tip);
                ui.separator();
            };
            value(
                ui,
                "MCI",
                figure("mci", Measure::Index, i.mci),
                "Material Circularity Indicator: 0.1 fully linear, 1 fully circular",
            );
            value(
                ui,
                "EOL recycling",
                figure("eol_recycling_rate", Measure::Rate, i.eol_recycling_rate),
                "End-of-life material recycled",
            );
            value(
                ui,
                "Recycled content",
                figure("recycled_content", Measure::Rate, i.recycled_content),
                "Recycled share of input to production",
            );
            value(
                ui,
                "Collection",
                figure("collection_rate", Measure::Rate, i.collection_rate),
                "End-of-life material collected",
            );
            if let Some(text) = analysis.concentration.bottleneck_short() {
                value(
                    ui,
                    analysis.concentration.bottleneck_heading(),
                    text,
                    "The stage whose supply is most concentrated in few countries (every \
                     stage tied at the highest HHI)",
                );
            }
            let status = analysis.solution.status;
            if !status.is_solved() {
                ui.colored_label(theme::ERROR, format!("solver: {}", status.name()));
                ui.separator();
            }
            self.pin_filter_ui(ui);
            ui.separator();
            self.timer_ui(ui, now);
            ui.separator();
            if ui
                .button("Leave workshop mode (Esc)")
                .on_hover_text(Command::Workshop.tooltip())
                .clicked()
            {
                editor.ask(Request::Run(Command::Workshop));
            }
        });
        if self.timer.running() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(250));
        }
    }

    fn timer_ui(&mut self, ui: &mut egui::Ui, now: f64) {
        let timer = &mut self.timer;
        let left = timer.left(now);
        let colour = if left < 0.0 {
            theme::ERROR
        } else if left < 60.0 {
            theme::WARNING
        } else {
            ui.visuals().strong_text_color()
        };
        ui.label(
            RichText::new(format!("Timer {}", clock(left)))
                .color(colour)
                .strong()
                .monospace(),
        )
        .on_hover_text("Time left in this round");
        let label = if timer.running() { "Pause" } else { "Start" };
        if ui
            .button(label)
            .on_hover_text(Command::TimerStartPause.tooltip_with_keys(ui.ctx()))
            .clicked()
        {
            timer.start_pause(now);
        }
        if ui
            .button("Reset")
            .on_hover_text(Command::TimerReset.tooltip_with_keys(ui.ctx()))
            .clicked()
        {
            timer.reset();
        }
        let mut minutes = timer.length / 60.0;
        if ui
            .add(
                egui::DragValue::new(&mut minutes)
                    .range(1.0..=120.0)
                    .speed(0.2)
                    .fixed_decimals(0)
                    .suffix(" min"),
            )
            .on_hover_text("Length of a round")
            .changed()
        {
            timer.length = minutes.round() * 60.0;
        }
    }

    /// Shows every pin, or only those of one category.
    pub fn pin_filter_ui(&mut self, ui: &mut egui::Ui) {
        super::pains::category_filter(ui, "Pins", "all categories", &mut self.pin_filter)
            .on_hover_text("Show only the pain points of one category on the canvas");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timer_counts_down_only_while_running() {
        let mut t = Timer::default();
        assert_eq!(t.left(100.0), 300.0);
        t.start_pause(100.0);
        assert_eq!(t.left(160.0), 240.0);
        t.start_pause(160.0);
        assert_eq!(t.left(1000.0), 240.0, "paused");
        t.start_pause(1000.0);
        assert_eq!(t.left(1300.0), -60.0);
        assert_eq!(clock(t.left(1300.0)), "−01:00");
        t.reset();
        assert_eq!(clock(t.left(2000.0)), "05:00");
    }
}
