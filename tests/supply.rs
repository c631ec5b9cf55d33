//! Supply security in the editor, driven with egui_kittest: colouring the canvas by top
//! country or stage HHI, picking countries by name, and the Supply tab (snapshot).

mod common;

use common::editor_sized as editor;
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use loopmap::app::{ColourBy, LoopmapApp, Selection};
use loopmap::model::{Document, Node, NodeKind};

fn uk() -> Document {
    loopmap::io::samples::SAMPLES[0].load().unwrap()
}

#[test]
fn the_view_menu_colours_nodes_by_top_country_stage_hhi_or_governance_and_back() {
    let mut h = editor(uk(), [1400.0, 900.0]);
    assert_eq!(h.state().settings.colour_by, ColourBy::Kind);
    for (choice, expected) in [
        ("Top country", ColourBy::TopCountry),
        ("Stage concentration (HHI)", ColourBy::StageHhi),
        ("Governance", ColourBy::Governance),
        ("Kind of node", ColourBy::Kind),
    ] {
        h.get_by_label("View").click();
        h.run();
        h.get_by_label("Colour nodes by").hover();
        h.run();
        h.get_by_label(choice).click();
        h.run();
        assert_eq!(h.state().settings.colour_by, expected, "{choice}");
        h.key_press(Key::Escape);
        h.run();
    }
}

#[test]
fn a_country_is_picked_by_name_and_the_home_country_too() {
    let mut doc = Document::new("t");
    let mut node = Node::new("mine", "Mine", NodeKind::Source);
    node.stage = Some("mining".into());
    doc.nodes.push(node);
    let mut h = editor(doc, [1400.0, 900.0]);
    h.state_mut().editor.selection = Selection::node("mine");
    h.run();
    h.get_by_label("Pick the country…").click();
    h.run();
    h.get_by_label("Find country").type_text("myan");
    h.run();
    assert!(
        h.query_by_label("Malaysia (MY)").is_none(),
        "the list is narrowed"
    );
    h.get_by_label("Myanmar (MM)").click();
    h.run();
    let node = h.state().editor.doc().node("mine").unwrap();
    assert_eq!(node.country.as_deref(), Some("MM"));
    assert!(
        h.query_by_label("Myanmar").is_some(),
        "the name is shown under the code"
    );

    // A code that is not ISO 3166 is refused in place.
    h.get_by_label("Country or shares").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    h.get_by_label("Country or shares").type_text("XQ");
    h.run();
    assert!(
        h.query_by_label_contains("not an ISO 3166 country code")
            .is_some()
    );
    assert_eq!(
        h.state()
            .editor
            .doc()
            .node("mine")
            .unwrap()
            .country
            .as_deref(),
        Some("MM")
    );
    h.key_press(Key::Escape);
    h.run();

    // Nothing selected: the map's home country.
    h.state_mut().editor.selection = Selection::default();
    h.run();
    h.get_by_label("Pick the home country…").click();
    h.run();
    h.get_by_label("Find country").type_text("united king");
    h.run();
    h.get_by_label("United Kingdom (GB)").click();
    h.run();
    assert_eq!(
        h.state().editor.doc().meta.home_country.as_deref(),
        Some("GB")
    );
}

#[test]
fn snapshot_uk_supply_tab() {
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .wgpu()
        .build_eframe(move |_cc| LoopmapApp::new(uk(), None, Default::default()));
    h.run();
    h.get_by_label("Supply").click();
    h.run_steps(3);
    assert!(h.query_by_label("Country shares by stage").is_some());
    assert!(
        h.query_by_label_contains("Certified or secondary")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Domestic (GB) or secondary")
            .is_some()
    );
    h.snapshot("uk_supply_tab");
}

/// The Supply tab's provenance is computed when the tab asks for it, and again after every
/// change: switching to a scenario that makes magnets in the UK shows a larger domestic
/// share at once.
#[test]
fn the_supply_tab_follows_the_active_scenario() {
    let mut h = editor(uk(), [1600.0, 1000.0]);
    h.get_by_label("Supply").click();
    h.run_steps(3);
    let domestic = |h: &Harness<'static, LoopmapApp>| {
        h.get_by_label_contains("Domestic (GB) or secondary")
            .accesskit_node()
            .value()
            .unwrap_or_default()
    };
    let before = domestic(&h);
    // Each share with its range: the sample's figures are uncertain.
    assert!(before.contains("magnet 1.6 ± 0.9 %"), "{before}");
    h.state_mut()
        .editor
        .set_scenario(Some("HPMS at 350 t/yr".into()));
    h.run_steps(3);
    let after = domestic(&h);
    assert!(after.contains("magnet 4.6 ± 1.8 %"), "{after}");
    h.state_mut().editor.set_scenario(None);
    h.run_steps(3);
    assert_eq!(domestic(&h), before);
}
