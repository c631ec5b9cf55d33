//! The editor at 1280×720 tried as a newcomer would (issue 23, items 9 to 15): a refused
//! country keeps its field and its text, "EU" can be picked, new nodes land in view, a
//! selected flow looks like no loop kind, the bottom tabs fit, and the palette knows
//! battery chains.

mod common;

use common::editor_sized;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use loopmap::app::{LoopmapApp, Selection};
use loopmap::model::{Document, Flow, FlowValue, Node, NodeKind};

const SMALL: [f32; 2] = [1280.0, 720.0];

/// A mine in China feeding a refinery that sends to landfill.
fn small_chain() -> Document {
    let mut doc = Document::new("small chain");
    let mut mine = Node::new("mine", "Mine", NodeKind::Source);
    mine.country = Some("CN".into());
    mine.stage = Some("mining".into());
    mine.pos = [0.0, 0.0];
    let mut refinery = Node::new("refinery", "Refinery", NodeKind::Process);
    refinery.pos = [250.0, 0.0];
    let mut landfill = Node::new("landfill", "Landfill", NodeKind::Waste);
    landfill.pos = [500.0, 0.0];
    doc.nodes.extend([mine, refinery, landfill]);
    let mut f1 = Flow::new("f1", "mine", "refinery");
    f1.value = FlowValue::Amount(100.0);
    doc.flows
        .extend([f1, Flow::new("f2", "refinery", "landfill")]);
    doc
}

fn field_value(h: &Harness<'_, LoopmapApp>, label: &str) -> Option<String> {
    h.get_by_label(label).accesskit_node().value()
}

/// Clicks the field labelled `label`, selects its text and types `text` over it.
fn type_over(h: &mut Harness<'_, LoopmapApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label(label).type_text(text);
    h.run();
}

#[test]
fn a_refused_country_keeps_the_field_its_text_and_the_whole_reason_until_esc() {
    let mut h = editor_sized(small_chain(), SMALL);
    h.state_mut().editor.selection = Selection::node("mine");
    h.run();
    let field = "Country or shares";
    let before = h.get_by_label(field).rect();
    let indicators = h.get_by_label("Indicators").rect();
    let zoom = h.state().canvas.view.zoom;

    type_over(&mut h, field, "XQ");
    h.key_press(Key::Tab);
    h.run();
    h.run();

    assert_eq!(
        h.get_by_label(field).rect(),
        before,
        "the field keeps its place"
    );
    assert_eq!(
        h.get_by_label("Indicators").rect(),
        indicators,
        "the indicator panel stays where it was"
    );
    assert_eq!(
        h.state().canvas.view.zoom,
        zoom,
        "the canvas is not rezoomed"
    );
    assert_eq!(
        field_value(&h, field).as_deref(),
        Some("XQ"),
        "what was typed stays after Tab"
    );
    let reason = h.get_by_label_contains("is not an ISO 3166 country code");
    assert!(
        reason.rect().right() <= SMALL[0] && reason.rect().left() >= before.left() - 1.0,
        "the whole reason is on screen, under the field: {:?}",
        reason.rect()
    );
    assert_eq!(
        reason.rect(),
        h.get_by_label_contains("pick one from the list").rect(),
        "the reason is whole, to its last words"
    );
    assert_eq!(
        h.state()
            .editor
            .doc()
            .node("mine")
            .and_then(|n| n.country.clone()),
        Some("CN".into()),
        "the map keeps its valid value"
    );

    // Esc in the field puts the map's value back and the reason goes.
    h.get_by_label(field).click();
    h.run();
    h.key_press(Key::Escape);
    h.run();
    h.run();
    assert_eq!(field_value(&h, field).as_deref(), Some("CN"));
    assert!(h.query_by_label_contains("is not an ISO 3166").is_none());
    assert_eq!(
        h.state().editor.selection,
        Selection::node("mine"),
        "Esc went to the field, not to the canvas"
    );

    // Corrected, it is applied.
    type_over(&mut h, field, "XQ");
    h.key_press(Key::Tab);
    h.run();
    type_over(&mut h, field, "AU");
    h.key_press(Key::Tab);
    h.run();
    h.run();
    assert_eq!(
        h.state()
            .editor
            .doc()
            .node("mine")
            .and_then(|n| n.country.clone()),
        Some("AU".into())
    );
    assert!(h.query_by_label_contains("is not an ISO 3166").is_none());
}

/// Opens the picker `hint`, types `typed` in its search field and presses Enter.
fn pick_by_typing(h: &mut Harness<'_, LoopmapApp>, hint: &str, typed: &str) {
    h.get_by_label(hint).click();
    h.run();
    h.get_by_label("Find country").type_text(typed);
    h.run();
    h.key_press(Key::Enter);
    h.run();
}

#[test]
fn the_eu_is_picked_as_a_node_country_and_as_home_by_typing_and_enter() {
    let mut h = editor_sized(small_chain(), SMALL);
    h.state_mut().editor.selection = Selection::node("refinery");
    h.run();
    pick_by_typing(&mut h, "Pick the country…", "EU");
    assert_eq!(
        h.state()
            .editor
            .doc()
            .node("refinery")
            .and_then(|n| n.country.clone()),
        Some("EU".into())
    );
    assert!(
        h.query_by_label("Find country").is_none(),
        "the picker closes once it has chosen"
    );
    assert!(h.query_by_label_contains("European Union").is_some());

    // One entry left: Enter takes it, without an exact code.
    pick_by_typing(&mut h, "Pick the country…", "kingdom");
    assert_eq!(
        h.state()
            .editor
            .doc()
            .node("refinery")
            .and_then(|n| n.country.clone()),
        Some("GB".into())
    );

    h.state_mut().editor.selection = Selection::default();
    h.run();
    pick_by_typing(&mut h, "Pick the home country…", "eu");
    assert_eq!(
        h.state().editor.doc().meta.home_country.as_deref(),
        Some("EU")
    );
    // The home it makes counts the member states as domestic.
    assert!(loopmap::model::country::at_home("EU", "FR"));
}

/// The window as drawn: (x, y, RGBA) of every pixel.
fn drawn(h: &mut Harness<'_, LoopmapApp>) -> Vec<(u32, u32, [u8; 4])> {
    let image = h.render().expect("the window renders");
    image
        .enumerate_pixels()
        .map(|(x, y, p)| (x, y, p.0))
        .collect()
}

#[test]
fn a_selected_flow_looks_like_no_loop_kind() {
    let mut doc = small_chain();
    doc.flows[1].value = FlowValue::Amount(100.0);
    let mut h = common::drawn_editor(doc, SMALL);
    h.run();
    // The canvas only: the inspector changes with the selection.
    let canvas = egui::Rect::from_min_max(egui::pos2(230.0, 40.0), egui::pos2(880.0, 420.0));
    let unselected = drawn(&mut h);
    h.state_mut().editor.selection = Selection::flow("f1");
    h.run();
    let selected = drawn(&mut h);
    // Loop kinds are told apart by colour (and dash): what the selection adds must be
    // greys only, which no loop kind is drawn in.
    let changed: Vec<[u8; 4]> = unselected
        .iter()
        .zip(&selected)
        .filter(|((x, y, a), (_, _, b))| {
            canvas.contains(egui::pos2(*x as f32, *y as f32)) && a != b
        })
        .map(|(_, (_, _, b))| *b)
        .collect();
    let hued = changed
        .iter()
        .filter(|p| {
            let (lo, hi) = (p[..3].iter().min(), p[..3].iter().max());
            matches!((lo, hi), (Some(lo), Some(hi)) if hi - lo > 40)
        })
        .count();
    assert!(
        changed.len() > 300,
        "the selection shows: {} pixels",
        changed.len()
    );
    assert!(
        hued * 50 < changed.len(),
        "{hued} of the {} pixels the selection changed have a hue, as a loop kind would",
        changed.len()
    );
}

#[test]
fn a_node_placed_by_the_palette_lands_wholly_in_view() {
    let mut h = editor_sized(small_chain(), SMALL);
    let button = h.get_by_label("Add Recovery").rect();
    let panel_edge = h.get_by_label("Add Recovery").rect().right() + 10.0;
    // A click just right of the palette, low on the canvas, over no node.
    let at = egui::pos2(panel_edge + 4.0, 330.0);
    h.get_by_label("Add Recovery").click();
    h.run();
    h.hover_at(at);
    h.run();
    h.drag_at(at);
    h.run();
    h.drop_at(at);
    h.run();
    h.run();
    let placed = h.state().editor.doc().nodes.len();
    assert_eq!(placed, 4, "a node was placed");
    let node = h.get_by_label("Recovery").rect();
    // The node's widget is clipped to the canvas: whole, it is as wide as a node box.
    let zoom = h.state().canvas.view.zoom;
    let layout = h
        .state_mut()
        .editor
        .layout()
        .nodes
        .last()
        .copied()
        .expect("laid out");
    let whole = [layout.max.x - layout.min.x, layout.max.y - layout.min.y].map(|v| v as f32 * zoom);
    assert!(
        (node.width() - whole[0]).abs() < 2.0 && (node.height() - whole[1]).abs() < 2.0,
        "the new node is whole on the canvas: {node:?}, a node is {whole:?}"
    );
    assert!(
        node.left() > button.right(),
        "the new node is not behind the palette: {node:?}"
    );
    let field = h.get_by_label("Label").rect();
    assert!(
        node.right() < field.left(),
        "nor behind the inspector: {node:?}"
    );
    assert!(node.top() > 30.0 && node.bottom() < SMALL[1], "{node:?}");
    assert!(
        (node.center().y - at.y).abs() < node.height(),
        "it stays near the click: {node:?}"
    );
}

#[test]
fn the_palette_offers_the_battery_chain_stages() {
    let mut h = editor_sized(small_chain(), [1600.0, 1000.0]);
    for heading in [
        "Mining and refining",
        "Magnet chain",
        "Battery chain",
        "End of life",
    ] {
        assert!(h.query_by_label(heading).is_some(), "heading {heading}");
    }
    for stage in [
        "Refining",
        "Precursor (pCAM)",
        "Cathode (CAM)",
        "Anode (graphite)",
        "Cell making",
        "Pack assembly",
        "Black mass shredding",
    ] {
        assert!(
            h.query_by_label(&format!("Add {stage}")).is_some(),
            "a preset for {stage}"
        );
    }
    let at = egui::pos2(700.0, 120.0);
    h.get_by_label("Add Cell making").click();
    h.run();
    h.hover_at(at);
    h.run();
    h.drag_at(at);
    h.run();
    h.drop_at(at);
    h.run();
    let app = h.state();
    let node = app.editor.doc().nodes.last().expect("a node was placed");
    assert_eq!(node.label, "Cell making");
    assert_eq!(node.kind, NodeKind::Process);
    assert_eq!(node.stage.as_deref(), Some("cell"));
    assert_eq!(app.editor.selection, Selection::node(&node.id));
}

/// A lithium chain with the stage names its user typed, drawn right to left: Arrange
/// puts it in chain order from its stages alone (no flows yet to follow).
#[test]
fn arrange_orders_a_battery_chain_by_the_stages_typed() {
    let mut doc = Document::new("lithium");
    let stages = [
        ("pack", "Pack assembly"),
        ("cell", "Cell making"),
        ("cam", "Cathode active material"),
        ("pcam", "Precursor (pCAM)"),
        ("refinery", "Refining"),
        ("mine", "Mining"),
    ];
    for (i, (id, stage)) in stages.iter().enumerate() {
        let mut n = Node::new(*id, *id, NodeKind::Process);
        n.stage = Some(stage.to_string());
        n.pos = [300.0 * i as f64, 0.0];
        doc.nodes.push(n);
    }
    let mut h = editor_sized(doc, SMALL);
    h.key_press_modifiers(Modifiers::COMMAND, Key::L);
    h.run();
    let doc = h.state().editor.doc();
    let x = |id: &str| doc.node(id).map(|n| n.pos[0]).expect("node");
    let order: Vec<f64> = stages.iter().rev().map(|(id, _)| x(id)).collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "mining to pack, left to right: {order:?}"
    );
    assert_eq!(
        doc.node("cam").and_then(|n| n.stage.as_deref()),
        Some("Cathode active material"),
        "the stage stays as typed"
    );
}

/// The UK sample with a scenario named as a facilitator would.
fn uk_with_a_long_scenario_name() -> Document {
    let mut doc = loopmap::io::samples::SAMPLES[0]
        .load()
        .expect("the UK sample loads");
    doc.scenarios[1].name = "Collect 50 % of EV and wind magnets".into();
    doc
}

/// The labels of the tabs under the canvas, as they read for `doc`.
fn tabs(doc: &Document) -> Vec<String> {
    vec![
        format!("Pain points ({})", doc.pain_points.len()),
        format!("Scenarios ({})", doc.scenarios.len()),
        "Supply".into(),
        "Roadmap".into(),
        format!("Targets ({})", doc.targets.len()),
        if doc.has_uncertainty() {
            "Uncertainty (\u{b1})".into()
        } else {
            "Uncertainty".into()
        },
    ]
}

#[test]
fn the_bottom_panel_keeps_its_height_from_tab_to_tab() {
    for size in [SMALL, [1600.0, 1000.0]] {
        let doc = uk_with_a_long_scenario_name();
        let mut h = editor_sized(doc.clone(), size);
        let mut tops = Vec::new();
        for name in tabs(&doc) {
            h.get_by_label(&name).click();
            h.run();
            h.run();
            tops.push((name.clone(), h.get_by_label("Supply").rect().top()));
            // The panel itself keeps to its place: wider, its edge line ran on across the
            // side panel.
            let panel = h.state().tabs_rect().expect("the tabs are drawn");
            let side = h.get_by_label("Indicators").rect().left();
            assert!(
                panel.right() <= side,
                "at {size:?} the {name} tab stretches the panel under the side panel: {panel:?}"
            );
        }
        assert!(
            tops.iter().all(|(_, t)| (t - tops[0].1).abs() < 0.5),
            "at {size:?} the tabs' top edge moves: {tops:?}"
        );
    }
}

#[test]
fn the_scenario_buttons_stay_in_the_window() {
    for size in [SMALL, [1600.0, 1000.0]] {
        let mut h = editor_sized(uk_with_a_long_scenario_name(), size);
        h.state_mut()
            .editor
            .set_scenario(Some("Collect 50 % of EV and wind magnets".into()));
        h.run();
        for button in ["New scenario", "Rename scenario", "Delete scenario"] {
            let r = h.get_by_label(button).rect();
            assert!(
                r.right() <= size[0] && r.left() >= 0.0 && r.width() > 20.0,
                "at {size:?}, '{button}' is cut off: {r:?}"
            );
        }
    }
}

/// Where the side panel starts: nothing of the bottom tabs may pass it.
fn side_panel_left(h: &Harness<'_, LoopmapApp>) -> f32 {
    // "Indicators", or "Indicators: <scenario>" while one is shown.
    h.get_all_by_label_contains("Indicators")
        .filter(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l == "Indicators" || l.starts_with("Indicators: "))
        })
        .map(|n| n.rect().left() - 6.0)
        .fold(f32::INFINITY, f32::min)
}

#[test]
fn the_scenario_comparison_fits_beside_the_side_panel_with_whole_names_and_units() {
    for size in [SMALL, [1600.0, 1000.0]] {
        let mut h = editor_sized(uk_with_a_long_scenario_name(), size);
        h.state_mut()
            .editor
            .set_scenario(Some("Collect 50 % of EV and wind magnets".into()));
        h.run();
        h.get_by_label_contains("Scenarios (").click();
        h.run();
        h.run();
        let edge = side_panel_left(&h);
        // The header names the scenario whole, inside the table.
        let tabs_bottom = h.get_by_label("Supply").rect().bottom();
        let header = h
            .get_all_by_label("Collect 50 % of EV and wind magnets")
            .map(|n| n.rect())
            .find(|r| r.top() > tabs_bottom)
            .expect("the table names the scenario");
        assert!(
            header.right() <= edge,
            "at {size:?} the header runs under the side panel: {header:?} (edge {edge})"
        );
        if size == SMALL {
            let r = h.get_by_label_contains("the baseline beside").rect();
            assert!(r.width() > 50.0 && r.right() <= edge, "{r:?}");
        }
        // Every figure of the table is in view, none under the side panel.
        let figures: Vec<egui::Rect> = h
            .get_all_by_label_contains("t/yr")
            .map(|n| n.rect())
            .filter(|r| r.left() > 220.0 && r.left() < edge + 200.0 && r.top() > 300.0)
            .collect();
        assert!(!figures.is_empty());
        for r in &figures {
            assert!(r.right() <= edge, "at {size:?} a figure is cut: {r:?}");
        }
        // Loop differences say their unit, as every amount does.
        let loop_differences = h
            .get_all_by_label_contains(" t/yr")
            .filter_map(|n| n.accesskit_node().value())
            .filter(|l| l.starts_with('+') || l.starts_with('-') || l.starts_with('\u{2212}'))
            .count();
        assert!(
            loop_differences > 0,
            "at {size:?}, differences of amounts say t/yr"
        );
    }
}

#[test]
fn the_supply_tab_fits_with_its_legend_and_captions_apart() {
    for size in [SMALL, [1600.0, 1000.0]] {
        let mut h = editor_sized(uk_with_a_long_scenario_name(), size);
        h.get_by_label("Supply").click();
        h.run();
        h.run();
        let edge = side_panel_left(&h);
        let bottom = h.get_by_label("unsaved map").rect().top();
        let top = h.get_by_label("Supply").rect().bottom();
        let legend: Vec<egui::Rect> = h
            .get_all_by_label("CN China")
            .map(|n| n.rect())
            .filter(|r| r.top() > top)
            .collect();
        assert!(
            legend
                .iter()
                .any(|r| r.right() <= edge && r.bottom() <= bottom),
            "at {size:?} the country legend is cut: {legend:?}"
        );
        let captions: Vec<egui::Rect> = [
            "% of the stage's throughput",
            "HHI, 0 to 10,000",
            "% of the product's material",
        ]
        .iter()
        .map(|c| h.get_by_label_contains(c).rect())
        .collect();
        for (i, a) in captions.iter().enumerate() {
            assert!(a.right() <= edge && a.bottom() <= bottom, "{a:?}");
            for b in &captions[i + 1..] {
                assert!(
                    !a.intersects(*b),
                    "at {size:?} captions overlap: {a:?} {b:?}"
                );
            }
        }
    }
}
