//! The canvas's one level-of-detail policy: from the zoom, workshop mode and the text
//! scale, how large titles and secondary lines are drawn and what is left out. Every
//! drawing function asks this, so "what shows at this zoom" is decided here only.
//!
//! Sizes are in points (what the painter takes). A projector sees pixels: one point is
//! `zoom_factor` pixels (View ▸ Larger text and workshop mode both magnify the whole UI),
//! so a minimum in pixels is divided by it.

/// Title size per unit of zoom, in points: a map at 100 % shows 15 pt titles.
const TITLE: f32 = 15.0;
/// Secondary lines (stage and countries, throughput) per unit of zoom.
const DETAIL: f32 = 11.5;
/// Smallest title on screen, in pixels at text scale 1: readable from the back of a
/// room in workshop mode, from the desk in the editor.
const MIN_TITLE_PX_WORKSHOP: f32 = 14.0;
const MIN_TITLE_PX_EDITOR: f32 = 11.0;
/// Smallest secondary line, in pixels at text scale 1.
const MIN_DETAIL_PX: f32 = 9.0;
/// Flow amounts where they must read from the back of a room (workshop mode, Larger
/// text), in pixels at text scale 1: at least `AMOUNT_PX`, or `MIN_AMOUNT_PX` where an
/// amount that matters has no room at that size; secondary lines at least
/// `MIN_READABLE_PX`, or none.
pub const AMOUNT_PX: f32 = 16.0;
pub const MIN_AMOUNT_PX: f32 = 14.0;
const MIN_READABLE_PX: f32 = 12.0;
/// Above this many nodes in view, titles are left out: they could only pile up.
const MAX_TITLES: usize = 400;
/// Below this zoom, flow labels are left out (they are placed for the map's scale, so
/// they cannot grow past it without covering nodes; the tooltip still says the amount).
const LABEL_ZOOM: f32 = 0.4;
/// Flow labels smaller than this many pixels are noise, not numbers: left to the tooltip.
const MIN_LABEL_PX: f32 = 8.0;
/// Above this many flows in view, flows are drawn without dash patterns.
const DASHED_FLOWS: usize = 600;
/// Nodes narrower than this on screen get no widget or handle of their own (the canvas
/// hit-tests them through the geometry); their title is still drawn.
pub const COMPACT_WIDTH: f32 = 36.0;
/// Titles wrap to at most this many lines (two more when wrapped as narrow as their
/// longest word), the last ending in "…" only where even three times the box's width
/// would not hold them.
pub const TITLE_ROWS: usize = 3;

/// What the canvas draws at the current zoom, and how large.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lod {
    /// Canvas points per map unit.
    pub zoom: f32,
    /// Scale of all canvas text (View ▸ Larger text).
    pub text_scale: f32,
    /// Node titles are drawn (always, unless the view holds a great many nodes).
    pub titles: bool,
    /// Title font size, in points.
    pub title: f32,
    /// Secondary lines' font size, in points; each is drawn only if the box has room
    /// for it under the title (stage and countries give way before the throughput).
    pub detail: f32,
    /// Flow label font size, if flow labels are drawn.
    pub flow_labels: Option<f32>,
    /// Amounts are placed for the screen as it is (at `flow_labels`' size, at least
    /// `MIN_AMOUNT_PX`), on a leader line where their flow has no room, rather than where
    /// the layout placed them for a map at 100 %: workshop mode and Larger text.
    pub readable_amounts: bool,
    /// Dash patterns on flows (auto and loop kinds); off with very many flows in view.
    pub dashes: bool,
    /// The "BOTTLENECK" note under a node, if drawn.
    pub badge: Option<f32>,
    /// Inner margin of a node box, in points.
    pub pad: f32,
}

impl Lod {
    /// The policy for `zoom` (canvas points per map unit) with the UI magnified by
    /// `zoom_factor` (egui's zoom factor: text scale × workshop scale).
    pub fn new(
        zoom: f32,
        workshop: bool,
        text_scale: f32,
        zoom_factor: f32,
        nodes_in_view: usize,
        flows_in_view: usize,
    ) -> Self {
        let per_px = text_scale / zoom_factor.max(0.1);
        let min_title = if workshop {
            MIN_TITLE_PX_WORKSHOP
        } else {
            MIN_TITLE_PX_EDITOR
        } * per_px;
        let badge = 11.0 * zoom.clamp(0.7, 1.6) * text_scale;
        let label = 12.0 * zoom.min(1.6) * text_scale;
        // Not on a view of very many flows: their amounts could only pile up.
        let readable = (workshop || text_scale > 1.0) && flows_in_view <= DASHED_FLOWS;
        let min_amount = MIN_AMOUNT_PX * per_px;
        let min_detail = if readable {
            MIN_READABLE_PX * per_px
        } else {
            MIN_DETAIL_PX * per_px
        };
        Lod {
            zoom,
            text_scale,
            titles: nodes_in_view <= MAX_TITLES,
            title: (TITLE * zoom * text_scale).max(min_title),
            detail: (DETAIL * zoom * text_scale).max(min_detail),
            flow_labels: if readable {
                Some(label.max(min_amount))
            } else {
                (zoom >= LABEL_ZOOM && label >= MIN_LABEL_PX * per_px).then_some(label)
            },
            readable_amounts: readable,
            dashes: flows_in_view <= DASHED_FLOWS,
            badge: (11.0 * zoom >= 6.0).then_some(badge),
            pad: (6.0 * zoom).clamp(2.0, 8.0),
        }
    }

    /// A node this wide on screen gets no widget or handle.
    pub fn compact(&self, width: f32) -> bool {
        width < COMPACT_WIDTH
    }

    /// How wide a title may wrap in a box `width` points wide: the box, or about eight
    /// characters when the box is narrower than that (the box then grows to hold it).
    pub fn title_wrap_width(&self, width: f32) -> f32 {
        (width - 2.0 * self.pad).max(4.0 * self.title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_keep_their_minimum_size_when_the_map_is_small() {
        // Workshop mode magnifies the UI 1.35 times: 14 px is 10.4 pt.
        let lod = Lod::new(0.2, true, 1.0, 1.35, 30, 40);
        assert!((lod.title * 1.35 - 14.0).abs() < 1e-3);
        assert!(lod.titles);
        let lod = Lod::new(0.2, false, 1.0, 1.0, 30, 40);
        assert_eq!(lod.title, 11.0);
        // Zoomed in, titles grow with the map.
        assert_eq!(Lod::new(2.0, true, 1.0, 1.35, 30, 40).title, 30.0);
    }

    #[test]
    fn larger_text_makes_canvas_text_larger_on_screen() {
        // Larger text raises egui's zoom factor too; the canvas text grows in pixels.
        let normal = Lod::new(0.5, false, 1.0, 1.0, 30, 40);
        let larger = Lod::new(0.5 / 1.3, false, 1.3, 1.3, 30, 40);
        assert!(larger.title * 1.3 > normal.title * 1.0 * 1.29);
        let small = Lod::new(0.1, false, 1.0, 1.0, 30, 40);
        let small_larger = Lod::new(0.1 / 1.3, false, 1.3, 1.3, 30, 40);
        assert!(small_larger.title * 1.3 > small.title * 1.29);
    }

    #[test]
    fn huge_views_leave_out_titles_and_dashes() {
        let lod = Lod::new(0.05, false, 1.0, 1.0, 2000, 4000);
        assert!(!lod.titles && !lod.dashes && lod.flow_labels.is_none());
    }

    #[test]
    fn amounts_in_workshop_mode_are_at_least_12_px_at_any_zoom() {
        // Fitted at 43 % with the UI magnified 1.35 times: 12 px, not 5.
        let lod = Lod::new(0.43, true, 1.0, 1.35, 26, 49);
        assert!(lod.readable_amounts);
        let px = lod.flow_labels.map(|pt| pt * 1.35);
        assert!(px.is_some_and(|px| px >= 12.0 - 1e-3), "{px:?}");
        assert!(lod.detail * 1.35 >= 12.0 - 1e-3);
        // In the editor without Larger text they stay left to the tooltip at that zoom.
        assert!(!Lod::new(0.43, false, 1.0, 1.0, 26, 49).readable_amounts);
    }

    #[test]
    fn flow_labels_too_small_to_read_are_left_to_the_tooltip() {
        // A map fitted at 43 %: 5 px amounts would be noise.
        assert!(
            Lod::new(0.43, false, 1.0, 1.0, 26, 49)
                .flow_labels
                .is_none()
        );
        let near = Lod::new(1.0, true, 1.0, 1.0, 26, 49).flow_labels;
        assert!(near.is_some_and(|px| px >= 8.0), "{near:?}");
    }
}
