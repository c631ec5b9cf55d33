//! Supply security in the editor: the Supply tab (country shares and HHI per stage, where
//! each product's material comes from, certified and domestic shares, as `egui_plot`
//! charts), the canvas colouring by top country or stage HHI, and the bottleneck mark.

use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart, Span};

use super::charts::{fixed_plot, row, row_axis, swatch, unit_grid};
use serde::{Deserialize, Serialize};

use super::canvas::Canvas;
use super::{Editor, theme};
use crate::analysis::governance;
use crate::analysis::supply::{HHI_HIGH, HHI_MODERATE};
use crate::analysis::uncertainty::Figure;
use crate::model::country;
use crate::present;
use crate::present::Measure;

/// What node colours on the canvas mean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColourBy {
    #[default]
    Kind,
    TopCountry,
    StageHhi,
    Governance,
}

impl ColourBy {
    pub const ALL: [ColourBy; 4] = [
        ColourBy::Kind,
        ColourBy::TopCountry,
        ColourBy::StageHhi,
        ColourBy::Governance,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ColourBy::Kind => "Kind of node",
            ColourBy::TopCountry => "Top country",
            ColourBy::StageHhi => "Stage concentration (HHI)",
            ColourBy::Governance => "Governance",
        }
    }
}

const COLOUR_LEGEND_ROW: f32 = 20.0;

impl Canvas {
    /// A node's fill on the canvas, by the chosen colouring.
    pub(super) fn node_fill(&self, editor: &Editor, n: usize, dark: bool) -> Color32 {
        let node = &editor.shown().working.nodes[n];
        let plain = theme::kind_fill(node.kind, dark);
        let grey = || {
            if dark {
                Color32::from_gray(70)
            } else {
                Color32::from_gray(225)
            }
        };
        match self.options.colour_by {
            ColourBy::Kind => plain,
            ColourBy::TopCountry => {
                let mut shares = node.country_shares();
                shares.sort_by(|a, b| b.1.total_cmp(&a.1));
                shares
                    .first()
                    .map_or_else(grey, |(c, _)| theme::soften(theme::country_colour(c), dark))
            }
            ColourBy::StageHhi => node
                .stage
                .as_deref()
                .and_then(|s| {
                    let supply = &editor.shown().analysis.concentration;
                    supply.stages.iter().find(|x| x.stage == s)?.hhi
                })
                .map_or_else(grey, |h| theme::soften(theme::hhi_colour(h), dark)),
            ColourBy::Governance => node_governance(&editor.shown().working, node)
                .map_or_else(grey, |w| theme::soften(theme::governance_colour(w), dark)),
        }
    }

    /// What the colours mean (nothing when colouring by kind).
    fn colour_legend_rows(&self, editor: &Editor, dark: bool) -> Vec<(Color32, String)> {
        match self.options.colour_by {
            ColourBy::Kind => Vec::new(),
            ColourBy::TopCountry => {
                let mut codes: Vec<&str> = editor
                    .shown()
                    .working
                    .nodes
                    .iter()
                    .filter_map(|n| {
                        let mut s = n.country_shares();
                        s.sort_by(|a, b| b.1.total_cmp(&a.1));
                        s.first().map(|(c, _)| *c)
                    })
                    .collect();
                codes.sort_unstable();
                codes.dedup();
                let mut rows: Vec<(Color32, String)> = codes
                    .into_iter()
                    .map(|c| {
                        (
                            theme::soften(theme::country_colour(c), dark),
                            country::describe(c),
                        )
                    })
                    .collect();
                rows.truncate(12);
                rows
            }
            ColourBy::StageHhi => vec![
                (
                    theme::soften(theme::hhi_colour(3000.0), dark),
                    "HHI above 2,500: highly concentrated".into(),
                ),
                (
                    theme::soften(theme::hhi_colour(2000.0), dark),
                    "1,500 to 2,500: moderately".into(),
                ),
                (
                    theme::soften(theme::hhi_colour(0.0), dark),
                    "below 1,500: unconcentrated".into(),
                ),
            ],
            ColourBy::Governance => vec![
                (
                    theme::soften(theme::governance_colour(8.0), dark),
                    "6 to 10: unstable (political stability)".into(),
                ),
                (
                    theme::soften(theme::governance_colour(5.0), dark),
                    "4 to 6: middling".into(),
                ),
                (
                    theme::soften(theme::governance_colour(0.0), dark),
                    "0 to 4: stable".into(),
                ),
                (
                    if dark {
                        Color32::from_gray(70)
                    } else {
                        Color32::from_gray(225)
                    },
                    "no country, or no score".into(),
                ),
            ],
        }
    }

    /// The size of the colour legend, if one is shown.
    pub(super) fn colour_legend_size(&self, editor: &Editor) -> Option<egui::Vec2> {
        let rows = self.colour_legend_rows(editor, false).len();
        (rows > 0).then(|| egui::vec2(290.0, COLOUR_LEGEND_ROW * (rows as f32 + 1.0) + 12.0))
    }

    /// What the colours mean, in `r`.
    pub(super) fn draw_colour_legend(
        &self,
        editor: &Editor,
        painter: &egui::Painter,
        r: egui::Rect,
        dark: bool,
    ) {
        let rows = self.colour_legend_rows(editor, dark);
        let text = super::charts::legend_text(dark);
        let row = COLOUR_LEGEND_ROW;
        super::charts::legend_box(painter, r, dark);
        let font = egui::FontId::proportional(13.0);
        let mut y = r.top() + 6.0 + row / 2.0;
        painter.text(
            egui::pos2(r.left() + 10.0, y),
            egui::Align2::LEFT_CENTER,
            format!(
                "Nodes coloured by {}",
                self.options.colour_by.label().to_lowercase()
            ),
            font.clone(),
            text,
        );
        for (colour, name) in rows {
            y += row;
            let swatch = egui::Rect::from_center_size(
                egui::pos2(r.left() + 20.0, y),
                egui::vec2(16.0, 12.0),
            );
            painter.rect_filled(swatch, 2.0, colour);
            painter.text(
                egui::pos2(r.left() + 36.0, y),
                egui::Align2::LEFT_CENTER,
                name,
                font.clone(),
                text,
            );
        }
    }
}

/// A node's governance score: its countries' scores weighted by their shares (`None`
/// without a country, or when one of them has no score).
fn node_governance(doc: &crate::model::Document, node: &crate::model::Node) -> Option<f64> {
    let scores = governance::Scores::of(doc);
    let shares = node.country_shares();
    let total: f64 = shares.iter().map(|(_, s)| s).sum();
    if shares.is_empty() || total <= 0.0 {
        return None;
    }
    let mut sum = 0.0;
    for (c, s) in &shares {
        sum += s * scores.score(c)?;
    }
    Some(sum / total)
}

/// The labels of `shares` once each, in the order they first come.
fn distinct<'a>(shares: impl Iterator<Item = &'a (String, f64)>) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for (label, _) in shares {
        if !labels.contains(label) {
            labels.push(label.clone());
        }
    }
    labels
}

/// A plot of `stacked` bars, one row per stage from the top, 0–100 % across, with its
/// caption under it.
fn stacked_plot(
    ui: &mut egui::Ui,
    id: &str,
    stages: &[String],
    charts: Vec<BarChart>,
    size: egui::Vec2,
    caption: &str,
) {
    fixed_plot(id, size.x, size.y)
        .include_x(0.0)
        .include_x(100.0)
        .custom_y_axes(vec![row_axis(stages.to_vec(), STAGE_AXIS)])
        .y_grid_spacer(unit_grid)
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });
    caption_ui(ui, caption);
}

/// A chart's caption, wrapped to the chart's column: a plot's own axis label is centred
/// on it whatever its length, and ran into the next chart's.
fn caption_ui(ui: &mut egui::Ui, caption: &str) {
    ui.add(egui::Label::new(RichText::new(caption).small()).wrap());
}

/// Width of the stage names beside each chart.
const STAGE_AXIS: f32 = 72.0;
/// Width of the country legend beside the charts.
const LEGEND_WIDTH: f32 = 130.0;
/// Height kept under each chart for its caption (two lines).
const CAPTION_HEIGHT: f32 = 34.0;

/// Horizontal bars, one per stage, stacked from one chart per label (a country, or
/// `secondary` / `none`), each in that label's colour. Every chart has a bar for every
/// stage (0 where the label is absent): egui_plot stacks bars by their position.
fn stacked(
    stages: &[String],
    labels: &[String],
    share: impl Fn(&str, &str) -> Option<f64>,
) -> Vec<BarChart> {
    let mut charts: Vec<BarChart> = Vec::new();
    for label in labels {
        let bars: Vec<Bar> = stages
            .iter()
            .enumerate()
            .map(|(i, stage)| {
                let v = share(stage, label).unwrap_or(0.0);
                Bar::new(row(i, stages.len()), 100.0 * v)
                    .width(0.7)
                    .fill(theme::country_colour(label))
                    .name(format!(
                        "{stage}: {} {:.1} %",
                        country::describe(label),
                        100.0 * v
                    ))
            })
            .collect();
        let others: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(country::describe(label), bars)
            .color(theme::country_colour(label))
            .horizontal()
            .stack_on(&others);
        charts.push(chart);
    }
    charts
}

/// The Supply tab: its own state is which view it shows and which product's provenance.
#[derive(Default)]
pub struct SupplyTab {
    /// The use node whose provenance the tab shows (the first when none).
    pub provenance_of: Option<String>,
    pub view: SupplyView,
}

/// What the Supply tab shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SupplyView {
    /// Country shares, HHI and provenance by stage, as charts.
    #[default]
    Shares,
    /// Governance-weighted concentration by stage, and each country's governance score.
    Governance,
}

impl SupplyTab {
    /// The Supply tab: the charts, or the governance view.
    pub fn ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        ui.horizontal(|ui| {
            let view = &mut self.view;
            ui.selectable_value(view, SupplyView::Shares, "Shares and concentration");
            ui.selectable_value(view, SupplyView::Governance, "Governance")
                .on_hover_text(
                    "Concentration weighted by how well governed the countries are (the EU's \
                     criticality method), the GeoPolRisk value and the supply risk",
                );
        });
        match self.view {
            SupplyView::Shares => self.shares_ui(ui, editor),
            SupplyView::Governance => super::governance::governance_ui(ui, editor),
        }
    }

    /// Country shares and HHI per stage, and one product's provenance, as charts.
    fn shares_ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        let stages = stages_in_chain_order(editor);
        let analysis = editor.analysis().clone();
        let provenance = editor.provenance().cloned();
        let supply = &analysis.concentration;
        if supply.stages.is_empty() {
            ui.label(
                "No stages yet: give nodes a stage (mining, separation, metal, magnet…) and a \
                 country in the inspector to see where supply is concentrated.",
            );
            return;
        }
        // A single bottleneck is the one red bar; tied ones are named, or a reader would
        // take the red bars for a mistake.
        if supply.bottlenecks.len() > 1
            && let Some(text) = supply.bottleneck_text()
        {
            let word = supply.bottleneck_heading();
            ui.label(RichText::new(format!("{word}: {text}")).color(theme::ERROR));
        }
        // Three charts and the legend share the width; each chart keeps room for its
        // title above and its caption below.
        let height = (ui.available_height() - 24.0 - CAPTION_HEIGHT).max(100.0);
        let gaps = 4.0 * ui.spacing().item_spacing.x + 8.0;
        let width = ((ui.available_width() - LEGEND_WIDTH - gaps) / 3.0).max(120.0);
        // Every country (and provenance label) in the charts, for one legend beside them.
        let countries = distinct(supply.stages.iter().flat_map(|s| &s.shares));
        let legend = distinct(
            supply.stages.iter().flat_map(|s| &s.shares).chain(
                provenance
                    .iter()
                    .flat_map(|p| &p.by_use)
                    .flat_map(|(_, stages)| stages)
                    .flat_map(|(_, shares)| shares),
            ),
        );
        ui.horizontal_top(|ui| {
            // Country shares per stage, stacked.
            ui.vertical(|ui| {
                ui.set_width(width);
                ui.strong("Country shares by stage");
                let charts = stacked(&stages, &countries, |stage, c| {
                    let s = supply.stages.iter().find(|s| s.stage == stage)?;
                    Some(s.shares.iter().find(|(x, _)| x == c)?.1)
                });
                let size = egui::vec2(width, height);
                let caption = "% of the stage's throughput";
                stacked_plot(ui, "stage shares", &stages, charts, size, caption);
            });
            // HHI per stage over the concentration bands.
            ui.vertical(|ui| {
                ui.set_width(width);
                ui.strong("Concentration (HHI) by stage").on_hover_text(
                    "Herfindahl–Hirschman Index: the sum of squared country shares (in %), \
                     0–10,000. Above 2,500 a market is highly concentrated, 1,500–2,500 \
                     moderately (US DoJ/FTC).",
                );
                let bars: Vec<Bar> = stages
                    .iter()
                    .enumerate()
                    .filter_map(|(i, stage)| {
                        let s = supply.stages.iter().find(|s| &s.stage == stage)?;
                        let hhi = s.hhi?;
                        let i = row(i, stages.len());
                        let bottleneck = supply.is_bottleneck(stage);
                        let top = s.top.as_deref().map_or(String::new(), country::describe);
                        Some(
                            Bar::new(i, hhi)
                                .width(0.7)
                                .fill(if bottleneck {
                                    theme::ERROR
                                } else {
                                    Color32::from_gray(110)
                                })
                                .name(format!(
                                    "{stage}: HHI {hhi:.0}, top {top}{}",
                                    if bottleneck { " (bottleneck)" } else { "" }
                                )),
                        )
                    })
                    .collect();
                fixed_plot("stage hhi", width, height)
                    .include_x(0.0)
                    .include_x(10_000.0)
                    .custom_y_axes(vec![row_axis(stages.clone(), STAGE_AXIS)])
                    .y_grid_spacer(unit_grid)
                    .show(ui, |plot| {
                        let band = |name: &str, lo: f64, hi: f64, c: Color32| {
                            Span::new(name, lo..=hi)
                                .fill(c.gamma_multiply(0.18))
                                .border_width(0.0)
                        };
                        plot.span(band(
                            "unconcentrated",
                            0.0,
                            HHI_MODERATE,
                            theme::hhi_colour(0.0),
                        ));
                        plot.span(band(
                            "moderate",
                            HHI_MODERATE,
                            HHI_HIGH,
                            theme::hhi_colour(2000.0),
                        ));
                        plot.span(band("high", HHI_HIGH, 10_000.0, theme::hhi_colour(3000.0)));
                        plot.bar_chart(BarChart::new("HHI", bars).horizontal());
                    });
                caption_ui(ui, "HHI, 0 to 10,000 (the bottleneck in red)");
            });
            // Where one product's material comes from.
            ui.vertical(|ui| {
                ui.set_width(width);
                self.provenance_ui(
                    ui,
                    editor,
                    provenance.as_ref(),
                    analysis.uncertainty.as_ref(),
                    &stages,
                    egui::vec2(width, height - 86.0),
                );
            });
            // One legend for all three: a colour per country, the same everywhere.
            egui::ScrollArea::vertical()
                .id_salt("supply legend")
                .max_height(height + 20.0)
                .show(ui, |ui| {
                    ui.set_width(LEGEND_WIDTH);
                    ui.vertical(|ui| {
                        for label in &legend {
                            // A long name ("Secondary (came back through a loop)") wraps
                            // beside its swatch rather than widen the tab.
                            ui.horizontal_top(|ui| {
                                swatch(ui, theme::country_colour(label));
                                ui.vertical(|ui| {
                                    ui.set_max_width(LEGEND_WIDTH - 20.0);
                                    ui.add(egui::Label::new(country::describe(label)).wrap());
                                });
                            });
                        }
                    });
                });
        });
    }

    fn provenance_ui(
        &mut self,
        ui: &mut egui::Ui,
        editor: &Editor,
        provenance: Option<&crate::analysis::Provenance>,
        ranges: Option<&crate::analysis::uncertainty::Uncertainty>,
        stages: &[String],
        size: egui::Vec2,
    ) {
        let (width, height) = (size.x, size.y);
        let Some(p) = provenance else {
            ui.strong("Where products' material comes from");
            ui.label(RichText::new("Known once every flow is solved.").weak());
            return;
        };
        // The product on its own line: beside its label, a long name widened the column.
        let label = ui.strong("Material in").id;
        ui.scope(|ui| {
            ui.set_max_width(width);
            let name = |id: &str| {
                editor
                    .doc()
                    .node(id)
                    .map_or(id.to_string(), |n| n.label.clone())
            };
            let current = self
                .provenance_of
                .clone()
                .filter(|id| p.by_use.iter().any(|(u, _)| u == id))
                .or_else(|| p.by_use.first().map(|(u, _)| u.clone()));
            let mut chosen = current.clone();
            egui::ComboBox::from_id_salt("provenance product")
                .selected_text(current.as_deref().map_or(String::new(), name))
                .truncate()
                .show_ui(ui, |ui| {
                    for (u, _) in &p.by_use {
                        ui.selectable_value(&mut chosen, Some(u.clone()), name(u));
                    }
                })
                .response
                .labelled_by(label);
            self.provenance_of = chosen;
        });
        // Each share with its range (± σ) when the map's figures are uncertain.
        let shown = |figure: Figure, value: Option<f64>| {
            let sigma = ranges.and_then(|u| u.sigma(&figure));
            match value {
                None => "—".to_string(),
                v => present::with_sigma(Measure::Rate, v, sigma, ""),
            }
        };
        let certified = shown(Figure::Certified, p.certified_share);
        ui.label(RichText::new(format!("Certified or secondary: {certified}")).small())
            .on_hover_text(
                "Share of what enters products in use (outside maintain loops) that comes from \
             certified virgin sources or came back through a loop.",
            );
        match &editor.doc().meta.home_country {
            Some(home) => {
                let parts: Vec<String> = stages
                    .iter()
                    .filter_map(|s| {
                        let share = p.domestic(s)?;
                        let text = match ranges.and_then(|u| u.figure(&Figure::Domestic(s.clone())))
                        {
                            Some(_) => shown(Figure::Domestic(s.clone()), Some(share)),
                            None => present::whole_percent(share),
                        };
                        Some(format!("{s} {text}"))
                    })
                    .collect();
                ui.label(
                    RichText::new(format!(
                        "Domestic ({home}) or secondary: {}",
                        parts.join(" · ")
                    ))
                    .small(),
                )
                .on_hover_text(
                    "Per stage: share of what enters products in use that passed that stage in \
                         the home country or came back as secondary material.",
                );
            }
            None => {
                ui.label(
                    RichText::new("Set the map's home country for domestic shares.")
                        .weak()
                        .small(),
                );
            }
        }
        let Some((_, by_stage)) = self
            .provenance_of
            .as_ref()
            .and_then(|id| p.by_use.iter().find(|(u, _)| u == id))
            .or(p.by_use.first())
        else {
            return;
        };
        let labels = distinct(by_stage.iter().flat_map(|(_, shares)| shares));
        let charts = stacked(stages, &labels, |stage, l| {
            let (_, shares) = by_stage.iter().find(|(s, _)| s == stage)?;
            Some(shares.iter().find(|(x, _)| x == l)?.1)
        });
        let size = egui::vec2(width, height.max(60.0));
        let caption = "% of the product's material, by the country of each stage";
        stacked_plot(ui, "provenance", stages, charts, size, caption);
    }
}

/// Stages in value-chain order, as the analysis lists them (`supply::compute`).
pub fn stages_in_chain_order(editor: &mut Editor) -> Vec<String> {
    editor.analysis().concentration.stage_names()
}
