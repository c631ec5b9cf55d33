//! The palette: the six node kinds and value-chain presets, placed by a click on the
//! canvas or dragged onto it.

use egui::{Color32, Sense, Stroke, StrokeKind, vec2};

use super::{Editor, theme};
use crate::model::{Document, Node, NodeKind, SourceMaterial, fragment};

/// A ready-made node.
pub struct Preset {
    pub label: &'static str,
    pub kind: NodeKind,
    pub stage: Option<&'static str>,
    pub lifetime: Option<f64>,
    pub supply: Option<SourceMaterial>,
    /// What the preset is for, on hover, where its kind alone does not say it.
    pub hint: Option<&'static str>,
}

const fn preset(
    label: &'static str,
    kind: NodeKind,
    stage: Option<&'static str>,
    lifetime: Option<f64>,
) -> Preset {
    Preset {
        label,
        kind,
        stage,
        lifetime,
        supply: None,
        hint: None,
    }
}

/// The six kinds first, then the value-chain stages of the common magnet and battery
/// chains (their stages are words the layout puts in chain order; a user's own stage
/// names stay as typed). A list: a new preset is one more line in its group.
pub const PRESETS: &[Preset] = &[
    preset("Source", NodeKind::Source, None, None),
    preset("Process", NodeKind::Process, None, None),
    preset("Use", NodeKind::Use, None, Some(10.0)),
    preset("Recovery", NodeKind::Recovery, None, None),
    preset("Waste", NodeKind::Waste, None, None),
    preset("Export", NodeKind::Export, None, None),
    // Mining and refining, both chains.
    preset("Mining", NodeKind::Source, Some("mining"), None),
    preset("Separation", NodeKind::Process, Some("separation"), None),
    preset("Refining", NodeKind::Process, Some("refining"), None),
    // The magnet chain.
    preset("Metal & alloy", NodeKind::Process, Some("metal"), None),
    preset("Magnet making", NodeKind::Process, Some("magnet"), None),
    preset(
        "Motor / generator",
        NodeKind::Process,
        Some("component"),
        None,
    ),
    // The battery chain (cobalt, lithium, nickel, manganese, graphite).
    preset(
        "Precursor (pCAM)",
        NodeKind::Process,
        Some("precursor"),
        None,
    ),
    preset("Cathode (CAM)", NodeKind::Process, Some("cathode"), None),
    preset("Anode (graphite)", NodeKind::Process, Some("anode"), None),
    preset("Cell making", NodeKind::Process, Some("cell"), None),
    preset("Pack assembly", NodeKind::Process, Some("pack"), None),
    // In use.
    preset("EVs in use", NodeKind::Use, Some("product"), Some(18.4)),
    preset(
        "Wind turbines in use",
        NodeKind::Use,
        Some("product"),
        Some(25.0),
    ),
    preset(
        "Electronics in use",
        NodeKind::Use,
        Some("product"),
        Some(3.0),
    ),
    // A second life is a recovery node, not a use node: its products were counted as
    // products into use once, and its discards are not a second end of life, so the
    // collection rate reads what was collected from first use (issue 23, item 7).
    Preset {
        label: "Second-life use",
        kind: NodeKind::Recovery,
        stage: None,
        lifetime: None,
        supply: None,
        hint: Some(
            "A second life, e.g. batteries in stationary storage: a recovery node, so its \
             products are not counted again as products into use and what leaves it is not \
             a second end-of-life discard; the collection rate counts what was collected \
             from first use",
        ),
    },
    // End of life.
    preset("Collection", NodeKind::Recovery, None, None),
    preset("Dismantling", NodeKind::Recovery, None, None),
    preset("Magnet-to-magnet recycling", NodeKind::Recovery, None, None),
    preset("Black mass shredding", NodeKind::Recovery, None, None),
    preset(
        "Hydrometallurgical recycling",
        NodeKind::Recovery,
        None,
        None,
    ),
    preset("Landfill", NodeKind::Waste, None, None),
];

/// Height of a preset's row.
const ROW: f32 = 22.0;

/// The headings of the palette, each above the preset it names.
const GROUPS: [(&str, &str); 5] = [
    ("Mining", "Mining and refining"),
    ("Metal & alloy", "Magnet chain"),
    ("Precursor (pCAM)", "Battery chain"),
    ("EVs in use", "In use"),
    ("Collection", "End of life"),
];

/// A new node from preset `i`, with an id not yet used in `doc`.
pub fn new_node(doc: &Document, i: usize) -> Option<Node> {
    let p = PRESETS.get(i)?;
    let mut node = Node::new(fragment::unique_node_id(doc, p.label), p.label, p.kind);
    node.stage = p.stage.map(String::from);
    node.lifetime = p.lifetime;
    node.supply = p.supply;
    Some(node)
}

/// The palette: node presets to place on the canvas (the one armed is the editor's
/// `placing`, which the canvas places on its next click).
#[derive(Default)]
pub struct Palette;

impl Palette {
    pub fn ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        let dark = ui.visuals().dark_mode;
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.heading("Add");
            ui.label("Click, then click the canvas — or drag onto it.");
            // Rows close together: the kinds and both chains' stages fit a 900-high window.
            ui.spacing_mut().item_spacing.y = 2.0;
            for (i, p) in PRESETS.iter().enumerate() {
                if let Some((_, heading)) = GROUPS.iter().find(|(first, _)| *first == p.label) {
                    ui.add_space(4.0);
                    ui.strong(*heading);
                }
                let id = ui.scope_id().with(("preset", i));
                let placing = editor.placing == Some(i);
                let response = ui
                    .dnd_drag_source(id, i, |ui| {
                        let (rect, _) =
                            ui.allocate_exact_size(vec2(ui.available_width(), ROW), Sense::hover());
                        let fill = theme::kind_fill(p.kind, dark);
                        let stroke = if placing {
                            Stroke::new(2.5, theme::SELECTED)
                        } else {
                            Stroke::new(1.0, Color32::from_gray(140))
                        };
                        ui.painter()
                            .rect(rect, 6.0, fill, stroke, StrokeKind::Inside);
                        ui.painter().text(
                            rect.left_center() + vec2(8.0, 0.0),
                            egui::Align2::LEFT_CENTER,
                            p.label,
                            egui::FontId::proportional(14.0),
                            ui.visuals().strong_text_color(),
                        );
                    })
                    .response;
                let response = ui.interact(response.rect, id.with("click"), Sense::click());
                response.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Add {}", p.label))
                });
                if response.clicked() {
                    editor.placing = if placing { None } else { Some(i) };
                }
                response.on_hover_text(format!(
                    "{} node{}{}",
                    p.kind.name(),
                    p.stage.map_or(String::new(), |s| format!(", stage {s}")),
                    p.hint.map_or(String::new(), |h| format!(". {h}"))
                ));
            }
        });
    }
}
