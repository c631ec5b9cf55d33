//! The editor driven as a user would, with egui_kittest: palette, canvas gestures,
//! inspector, live indicators, undo/redo, delete, save and reopen; and snapshots of the
//! canvas so a regression in drawing shows as an image diff.

use egui::{Key, Modifiers, Pos2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loopmap::app::LoopmapApp;
use loopmap::model::{Document, FlowValue, NodeKind};

const SIZE: [f32; 2] = [1400.0, 900.0];

fn editor(doc: Document) -> Harness<'static, LoopmapApp> {
    let mut harness = Harness::builder()
        .with_size(SIZE)
        .build_eframe(move |_cc| LoopmapApp::new(doc, None, Default::default()));
    harness.run();
    harness
}

fn editor_with_renderer(doc: Document) -> Harness<'static, LoopmapApp> {
    let mut harness = Harness::builder()
        .with_size(SIZE)
        .wgpu()
        .build_eframe(move |_cc| LoopmapApp::new(doc, None, Default::default()));
    harness.run();
    harness
}

/// Clicks a palette item, then the canvas at `at`.
fn place(harness: &mut Harness<'_, LoopmapApp>, item: &str, at: Pos2) {
    harness.get_by_label(&format!("Add {item}")).click();
    harness.run();
    harness.hover_at(at);
    harness.run();
    harness.drag_at(at);
    harness.run();
    harness.drop_at(at);
    harness.run();
}

/// Drags from `from` to `to` over a few frames, as a hand would.
fn drag(harness: &mut Harness<'_, LoopmapApp>, from: Pos2, to: Pos2) {
    harness.hover_at(from);
    harness.run();
    harness.drag_at(from);
    harness.run();
    for i in 1..=5 {
        harness.hover_at(from + (to - from) * (i as f32 / 5.0));
        harness.run();
    }
    harness.drop_at(to);
    harness.run();
}

fn node_rect(harness: &Harness<'_, LoopmapApp>, label: &str) -> egui::Rect {
    harness.get_by_label(label).rect()
}

/// Types `text` into the inspector field labelled `label`, replacing what was there.
fn type_into(harness: &mut Harness<'_, LoopmapApp>, label: &str, text: &str) {
    harness.get_by_label(label).click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run();
    harness.get_by_label(label).type_text(text);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
}

#[test]
fn drawing_a_chain_and_typing_an_amount_updates_the_indicators_with_undo_and_redo() {
    let mut h = editor(Document::new("Workshop"));
    place(&mut h, "Source", pos2(450.0, 300.0));
    place(&mut h, "Use", pos2(700.0, 300.0));
    place(&mut h, "Landfill", pos2(900.0, 450.0));
    assert_eq!(h.state().doc.nodes.len(), 3);
    let kinds: Vec<NodeKind> = h.state().doc.nodes.iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        vec![NodeKind::Source, NodeKind::Use, NodeKind::Waste]
    );

    // Connect: drag from each node's handle (right middle) onto the next node.
    let source = node_rect(&h, "Source");
    let use_node = node_rect(&h, "Use");
    drag(&mut h, source.right_center(), use_node.center());
    let waste = node_rect(&h, "Landfill");
    drag(&mut h, use_node.right_center(), waste.center());
    assert_eq!(h.state().doc.flows.len(), 2, "two flows drawn");
    assert_eq!(
        h.state_mut().analysis().indicators.mci,
        None,
        "no amount yet"
    );

    // The last flow drawn is selected; select the first one and give it an amount.
    let first = h.state().doc.flows[0].id.clone();
    h.state_mut().selection = loopmap::app::Selection::flow(&first);
    h.run();
    h.get_by_label("t/yr").click();
    h.run();
    type_into(&mut h, "Amount (t/yr)", "250");
    assert_eq!(h.state().doc.flows[0].value, FlowValue::Amount(250.0));
    let mci = h
        .state_mut()
        .analysis()
        .indicators
        .mci
        .expect("MCI once the amount is known");
    assert!(
        (mci - 0.1).abs() < 1e-12,
        "a linear product has MCI 0.1, got {mci}"
    );
    assert!(
        h.query_by_label("0.100").is_some(),
        "the panel shows the new MCI"
    );
    assert!(
        h.query_all_by_label("250 t/yr").count() >= 2,
        "the panel shows virgin input and products into use"
    );

    // Typing was one undo step; undo and redo it.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().doc.flows[0].value, FlowValue::Amount(0.0));
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(h.state().doc.flows[0].value, FlowValue::Amount(250.0));
    assert!(h.state().dirty);
}

#[test]
fn a_bad_number_is_refused_in_place_with_the_reason() {
    let mut doc = Document::new("t");
    doc.nodes
        .push(loopmap::model::Node::new("a", "A", NodeKind::Source));
    doc.nodes
        .push(loopmap::model::Node::new("b", "B", NodeKind::Waste));
    let mut f = loopmap::model::Flow::new("f", "a", "b");
    f.value = FlowValue::Amount(5.0);
    doc.flows.push(f);
    let mut h = editor(doc);
    h.state_mut().selection = loopmap::app::Selection::flow("f");
    h.run();
    h.get_by_label("Amount (t/yr)").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Amount (t/yr)").type_text("-3");
    h.run();
    assert!(h.query_by_label_contains("must not be negative").is_some());
    assert_eq!(
        h.state().doc.flows[0].value,
        FlowValue::Amount(5.0),
        "the map keeps its value"
    );
}

#[test]
fn moving_a_node_is_one_undo_step() {
    let mut h = editor(loopmap::io::samples::SAMPLES[2].load().unwrap());
    let label = h.state().doc.nodes[1].label.clone();
    let before = h.state().doc.nodes[1].pos;
    let r = node_rect(&h, &label);
    drag(&mut h, r.center(), r.center() + egui::vec2(60.0, 40.0));
    let after = h.state().doc.nodes[1].pos;
    assert_ne!(before, after, "the node moved");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        h.state().doc.nodes[1].pos,
        before,
        "one undo undoes the whole drag"
    );
}

#[test]
fn deleting_a_node_removes_its_flows_and_undo_brings_them_back() {
    let doc = loopmap::io::samples::SAMPLES[2].load().unwrap();
    let (nodes, flows) = (doc.nodes.len(), doc.flows.len());
    let mut h = editor(doc);
    let id = h.state().doc.nodes[1].id.clone();
    let label = h.state().doc.nodes[1].label.clone();
    let touching = h
        .state()
        .doc
        .flows
        .iter()
        .filter(|f| f.from == id || f.to == id)
        .count();
    h.get_by_label(&label).click();
    h.run();
    h.key_press(Key::Delete);
    h.run();
    assert_eq!(h.state().doc.nodes.len(), nodes - 1);
    assert_eq!(h.state().doc.flows.len(), flows - touching);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().doc.nodes.len(), nodes);
    assert_eq!(h.state().doc.flows.len(), flows);
}

#[test]
fn a_flow_into_a_source_is_refused_with_a_hint() {
    let mut h = editor(Document::new("t"));
    place(&mut h, "Process", pos2(450.0, 300.0));
    place(&mut h, "Source", pos2(750.0, 300.0));
    let process = node_rect(&h, "Process");
    let source = node_rect(&h, "Source");
    drag(&mut h, process.right_center(), source.center());
    assert!(h.state().doc.flows.is_empty());
    assert!(
        h.state()
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("source takes no inflows")
    );
}

#[test]
fn saving_and_reopening_through_the_app_keeps_the_map() {
    let doc = loopmap::io::samples::SAMPLES[0].load().unwrap();
    let mut h = editor(doc.clone());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("uk.loopmap.json");
    h.state_mut()
        .edit(None, |d| d.meta.title = "After the workshop".into());
    assert!(h.state().dirty);
    h.state_mut().save_to(path.clone());
    assert!(!h.state().dirty, "saved");
    h.state_mut().replace_document(Document::new("other"), None);
    h.state_mut().open(path.clone());
    h.run();
    assert_eq!(h.state().doc.meta.title, "After the workshop");
    assert_eq!(h.state().doc.nodes, doc.nodes);
    assert!(h.state().title().contains("uk.loopmap.json"));
}

#[test]
fn opening_a_broken_file_changes_nothing_and_says_why() {
    let doc = loopmap::io::samples::SAMPLES[2].load().unwrap();
    let mut h = editor(doc.clone());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.loopmap.json");
    std::fs::write(&path, "{ not json").unwrap();
    h.state_mut().open(path);
    h.run();
    assert_eq!(h.state().doc, doc);
    assert!(
        h.query_by_label_contains("not valid JSON at line 1")
            .is_some()
    );
}

#[test]
fn snapshot_uk_sample_fitted() {
    let mut h = editor_with_renderer(loopmap::io::samples::SAMPLES[0].load().unwrap());
    h.run_steps(3);
    h.snapshot("uk_sample_fitted");
}

#[test]
fn snapshot_four_loop_kinds() {
    let mut h = editor_with_renderer(loopmap::io::samples::SAMPLES[2].load().unwrap());
    h.run_steps(3);
    h.snapshot("ev_motor_four_loops");
}
