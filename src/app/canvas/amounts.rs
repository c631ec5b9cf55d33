//! Flow amounts placed for the screen as it is, in workshop mode and with Larger text:
//! at least `MIN_AMOUNT_PX` on screen, clear of every node, title and other amount, on a
//! short leader line where the flow has no room, by the same placement the exports use
//! (`layout::labels`). Computed once per view and kept until the map or the view changes.

use egui::{Color32, FontId, Pos2, Rect, Stroke, pos2};

use super::super::Editor;
use super::draw::flow_sigma;
use super::{Canvas, FlowMeshKey};
use crate::geometry;
use crate::layout::labels::{self, FlowLabel, Labelling, Occupied, TextSize};

/// An amount as drawn in the last frame, for tests and for whoever needs to know where
/// the text went.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnAmount {
    /// The flow's id.
    pub flow: String,
    pub text: String,
    /// Font size in points.
    pub size: f32,
    /// Where the label is, in points.
    pub rect: Rect,
    /// It sits on a leader line, away from its flow.
    pub on_leader: bool,
}

/// The amounts placed for one view.
pub(super) struct PlacedAmounts {
    key: (FlowMeshKey, u32, Vec<Option<(Pos2, f32)>>),
    texts: Vec<String>,
    labels: Vec<Option<FlowLabel>>,
}

impl Canvas {
    /// The amounts of the visible flows, over the boxes and titles drawn this frame.
    pub(super) fn draw_amounts(
        &mut self,
        editor: &Editor,
        painter: &egui::Painter,
        canvas: Rect,
        dark: bool,
        size: f32,
        (taken, pins): (Occupied, &[Option<(Pos2, f32)>]),
    ) {
        let key = (
            self.mesh_key(editor, painter, canvas, dark),
            size.to_bits(),
            pins.to_vec(),
        );
        if self.amounts.as_ref().is_none_or(|p| p.key != key) {
            let placed = self.place_amounts(editor, canvas, size, taken);
            self.amounts = Some(PlacedAmounts {
                key,
                texts: placed.0,
                labels: placed.1,
            });
        }
        let Some(placed) = &self.amounts else { return };
        let (text_colour, fill) = if dark {
            (Color32::from_gray(240), Color32::from_gray(20))
        } else {
            (Color32::from_gray(10), Color32::WHITE)
        };
        let mut drawn = Vec::new();
        for (f, label) in placed.labels.iter().enumerate() {
            let Some(label) = label else { continue };
            let rect = self.view.screen_rect(canvas, label.rect);
            if !canvas.intersects(rect) {
                continue;
            }
            if let Some([a, b]) = label.leader {
                let (a, b) = (
                    self.view.to_screen(canvas, a),
                    self.view.to_screen(canvas, b),
                );
                painter.line_segment([a, b], Stroke::new(1.2, text_colour.gamma_multiply(0.7)));
                painter.circle_filled(a, 2.5, text_colour.gamma_multiply(0.7));
            }
            let text = &placed.texts[f];
            let galley =
                painter.layout_no_wrap(text.clone(), FontId::proportional(size), text_colour);
            let backing = Rect::from_center_size(rect.center(), rect.size().max(galley.size()));
            painter.rect_filled(backing, 4.0, fill);
            let at = pos2(
                backing.center().x - galley.size().x / 2.0,
                backing.center().y - galley.size().y / 2.0,
            );
            painter.galley(at, galley, text_colour);
            drawn.push(DrawnAmount {
                flow: editor.shown().working.flows[f].id.clone(),
                text: text.clone(),
                size,
                rect: backing,
                on_leader: label.leader.is_some(),
            });
        }
        self.drawn_amounts = drawn;
    }

    /// Where each amount goes at this zoom: clear of what `taken` holds (the node boxes,
    /// titles and pins drawn this frame), inside the part of the canvas the map is fitted into. The flows whose
    /// amounts matter (at least 2 % of the largest) may go on a leader line.
    fn place_amounts(
        &self,
        editor: &Editor,
        canvas: Rect,
        size: f32,
        mut taken: Occupied,
    ) -> (Vec<String>, Vec<Option<FlowLabel>>) {
        let shown = editor.shown();
        let amounts = &shown.analysis.solution.flows;
        let texts = labels::flow_texts(&shown.working, &shown.layout.flows, amounts, |f| {
            flow_sigma(editor, f).filter(|_| self.options.ranges)
        });
        let layout = &shown.layout;
        let to_map = |r: Rect| geometry::Rect {
            min: self.view.to_canvas(canvas, r.min),
            max: self.view.to_canvas(canvas, r.max),
        };
        let area = self.legends.map_area.intersect(canvas);
        let matter = labels::matters(amounts);
        let zoom = f64::from(self.view.zoom);
        let how = Labelling {
            size: TextSize::on_screen(f64::from(size), zoom),
            smaller: Some(TextSize::on_screen(
                f64::from(self.smaller_amounts(size)),
                zoom,
            )),
            leader: &|f| matter.get(f).copied().unwrap_or(false),
            area: area.is_positive().then(|| to_map(area)),
            reach: labels::LEADER_STEPS,
        };
        let placed = labels::place_labels(&layout.flows, &layout.nodes, &texts, &how, &mut taken);
        (texts, placed)
    }

    /// The size an amount that matters takes where there is no room at `size`: the
    /// smallest that still reads from the back of the room.
    fn smaller_amounts(&self, size: f32) -> f32 {
        size * super::lod::MIN_AMOUNT_PX / super::lod::AMOUNT_PX
    }

    /// The amounts drawn in the last frame (workshop mode, Larger text).
    pub fn drawn_amounts(&self) -> &[DrawnAmount] {
        &self.drawn_amounts
    }
}
