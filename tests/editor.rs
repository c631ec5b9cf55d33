//! The editor driven as a user would, with egui_kittest: palette, canvas gestures,
//! inspector, live indicators, undo/redo, delete, save and reopen; and snapshots of the
//! canvas so a regression in drawing shows as an image diff.

mod common;

use common::{drawn_editor, editor};
use egui::{Key, Modifiers, Pos2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use loopmap::app::LoopmapApp;
use loopmap::model::{Document, FlowValue, NodeKind};

const SIZE: [f32; 2] = [1400.0, 900.0];

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
    assert_eq!(h.state().editor.doc().nodes.len(), 3);
    let kinds: Vec<NodeKind> = h
        .state()
        .editor
        .doc()
        .nodes
        .iter()
        .map(|n| n.kind)
        .collect();
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
    assert_eq!(h.state().editor.doc().flows.len(), 2, "two flows drawn");
    assert_eq!(
        h.state_mut().editor.analysis().indicators.mci,
        None,
        "no amount yet"
    );

    // The last flow drawn is selected; select the first one and give it an amount.
    let first = h.state().editor.doc().flows[0].id.clone();
    h.state_mut().editor.selection = loopmap::app::Selection::flow(&first);
    h.run();
    h.get_by_label("t/yr").click();
    h.run();
    type_into(&mut h, "Amount (t/yr)", "250");
    assert_eq!(
        h.state().editor.doc().flows[0].value,
        FlowValue::Amount(250.0)
    );
    let mci = h
        .state_mut()
        .editor
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
    assert_eq!(
        h.state().editor.doc().flows[0].value,
        FlowValue::Amount(0.0)
    );
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(
        h.state().editor.doc().flows[0].value,
        FlowValue::Amount(250.0)
    );
    assert!(h.state().editor.dirty());
}

#[test]
fn a_number_applies_on_enter_esc_puts_the_old_one_back_and_absurd_ones_are_refused() {
    let mut doc = Document::new("t");
    doc.nodes
        .push(loopmap::model::Node::new("a", "A", NodeKind::Source));
    doc.nodes
        .push(loopmap::model::Node::new("b", "B", NodeKind::Waste));
    let mut f = loopmap::model::Flow::new("f", "a", "b");
    f.value = FlowValue::Amount(5.0);
    doc.flows.push(f);
    let mut h = editor(doc);
    h.state_mut().editor.selection = loopmap::app::Selection::flow("f");
    h.run();
    let field = "Amount (t/yr)";
    let type_over = |h: &mut Harness<'_, LoopmapApp>, text: &str| {
        h.get_by_label(field).click();
        h.run();
        h.key_press_modifiers(Modifiers::COMMAND, Key::A);
        h.get_by_label(field).type_text(text);
        h.run();
    };
    let amount = |h: &Harness<'_, LoopmapApp>| h.state().editor.doc().flows[0].value;

    // Typing is not applying: 1e4 on the way to 1e400 never reaches the map.
    type_over(&mut h, "12");
    assert_eq!(
        amount(&h),
        FlowValue::Amount(5.0),
        "not applied while typing"
    );
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(amount(&h), FlowValue::Amount(12.0), "applied on Enter");

    // Esc puts the old value back.
    type_over(&mut h, "99");
    h.key_press(Key::Escape);
    h.run();
    h.run();
    assert_eq!(amount(&h), FlowValue::Amount(12.0));
    assert_eq!(
        h.get_by_label(field).accesskit_node().value().as_deref(),
        Some("12")
    );

    // Infinite and absurd values are refused with the right reason.
    for (typed, reason) in [("1e400", "too large to be a number"), ("1e40", "at most")] {
        type_over(&mut h, typed);
        assert!(
            h.query_by_label_contains(reason).is_some(),
            "{typed}: says '{reason}'"
        );
        h.key_press(Key::Enter);
        h.run();
        assert_eq!(amount(&h), FlowValue::Amount(12.0), "{typed} refused");
        assert!(
            h.query_by_label_contains(reason).is_some(),
            "{typed}: the reason stays after Enter"
        );
        assert!(h.query_by_label_contains("must not be negative").is_none());
    }
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
    h.state_mut().editor.selection = loopmap::app::Selection::flow("f");
    h.run();
    h.get_by_label("Amount (t/yr)").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Amount (t/yr)").type_text("-3");
    h.run();
    assert!(h.query_by_label_contains("must not be negative").is_some());
    assert_eq!(
        h.state().editor.doc().flows[0].value,
        FlowValue::Amount(5.0),
        "the map keeps its value"
    );
}

#[test]
fn moving_a_node_is_one_undo_step() {
    let mut h = editor(loopmap::io::samples::SAMPLES[2].load().unwrap());
    let label = h.state().editor.doc().nodes[1].label.clone();
    let before = h.state().editor.doc().nodes[1].pos;
    let r = node_rect(&h, &label);
    drag(&mut h, r.center(), r.center() + egui::vec2(60.0, 40.0));
    let after = h.state().editor.doc().nodes[1].pos;
    assert_ne!(before, after, "the node moved");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        h.state().editor.doc().nodes[1].pos,
        before,
        "one undo undoes the whole drag"
    );
}

#[test]
fn deleting_a_node_removes_its_flows_and_undo_brings_them_back() {
    let doc = loopmap::io::samples::SAMPLES[2].load().unwrap();
    let (nodes, flows) = (doc.nodes.len(), doc.flows.len());
    let mut h = editor(doc);
    let id = h.state().editor.doc().nodes[1].id.clone();
    let label = h.state().editor.doc().nodes[1].label.clone();
    let touching = h
        .state()
        .editor
        .doc()
        .flows
        .iter()
        .filter(|f| f.from == id || f.to == id)
        .count();
    let pains = h.state().editor.doc().pain_points.clone();
    h.get_by_label(&label).click();
    h.run();
    h.key_press(Key::Delete);
    h.run();
    // The remanufacture loop into assembly carries a pain point: asked what to do with it.
    h.get_by_label("Delete pain point").click();
    h.run();
    assert_eq!(h.state().editor.doc().nodes.len(), nodes - 1);
    assert_eq!(h.state().editor.doc().flows.len(), flows - touching);
    assert_eq!(h.state().editor.doc().pain_points.len(), pains.len() - 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().editor.doc().nodes.len(), nodes);
    assert_eq!(h.state().editor.doc().flows.len(), flows);
    assert_eq!(h.state().editor.doc().pain_points, pains);
}

#[test]
fn a_flow_into_a_source_is_refused_with_a_hint() {
    let mut h = editor(Document::new("t"));
    place(&mut h, "Process", pos2(450.0, 300.0));
    place(&mut h, "Source", pos2(750.0, 300.0));
    let process = node_rect(&h, "Process");
    let source = node_rect(&h, "Source");
    drag(&mut h, process.right_center(), source.center());
    assert!(h.state().editor.doc().flows.is_empty());
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
        .editor
        .edit(None, |d| d.meta.title = "After the workshop".into());
    assert!(h.state().editor.dirty());
    h.state_mut().save_to(path.clone());
    assert!(!h.state().editor.dirty(), "saved");
    h.state_mut().replace_document(Document::new("other"), None);
    h.state_mut().open(path.clone());
    h.run();
    assert_eq!(h.state().editor.doc().meta.title, "After the workshop");
    assert_eq!(h.state().editor.doc().nodes, doc.nodes);
    assert!(h.state().title().contains("uk.loopmap.json"));
}

#[test]
fn opening_a_broken_file_changes_nothing_and_says_why() {
    let doc = loopmap::io::samples::SAMPLES[2].load().unwrap();
    let mut h = editor(doc);
    // As the editor holds it (pins numbered).
    let before = h.state().editor.doc().clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.loopmap.json");
    std::fs::write(&path, "{ not json").unwrap();
    h.state_mut().open(path);
    h.run();
    assert_eq!(h.state().editor.doc(), &before);
    assert!(
        h.query_by_label_contains("not valid JSON at line 1")
            .is_some()
    );
}

#[test]
fn snapshot_uk_sample_fitted() {
    let mut h = drawn_editor(loopmap::io::samples::SAMPLES[0].load().unwrap(), SIZE);
    h.run_steps(3);
    // What the picture is for: the whole map fitted, every node with its title readable
    // (at least 11 px in the editor) inside its box.
    let ppp = h.ctx.pixels_per_point();
    let titles = h.state().canvas.drawn_titles().to_vec();
    assert_eq!(
        titles.len(),
        h.state().editor.doc().nodes.len(),
        "every title drawn"
    );
    for t in &titles {
        assert!(t.size * ppp >= 11.0, "{}: {} px", t.node, t.size * ppp);
        assert!(
            t.node_rect.contains_rect(t.rect),
            "{} overhangs its box",
            t.node
        );
    }
    // Boxes grown to hold their titles may touch where the columns are close; no title
    // hides much of another.
    for (i, a) in titles.iter().enumerate() {
        for b in &titles[i + 1..] {
            let both = a.rect.intersect(b.rect);
            let covered = if both.is_positive() { both.area() } else { 0.0 };
            assert!(
                covered <= 0.15 * a.rect.area().min(b.rect.area()),
                "{} and {} overlap by {covered} pt²",
                a.node,
                b.node
            );
        }
    }
    h.snapshot("uk_sample_fitted");
}

#[test]
fn snapshot_four_loop_kinds() {
    let mut h = drawn_editor(loopmap::io::samples::SAMPLES[2].load().unwrap(), SIZE);
    h.run_steps(3);
    // What the picture is for: a loop of each of the four kinds, each one drawn.
    let kinds: std::collections::BTreeSet<_> = h
        .state()
        .editor
        .doc()
        .flows
        .iter()
        .map(|f| f.loop_kind)
        .filter(|k| *k != loopmap::model::Loop::None)
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    let flows = h.state().editor.doc().flows.len();
    let drawn = h.state_mut().editor.layout().flows.len();
    assert_eq!(drawn, flows, "every flow and loop routed");
    assert_eq!(
        h.state().canvas.drawn_titles().len(),
        h.state().editor.doc().nodes.len()
    );
    h.snapshot("ev_motor_four_loops");
}

fn ev_motor() -> Document {
    loopmap::io::samples::SAMPLES[2].load().unwrap()
}

#[test]
fn shift_drag_on_empty_canvas_selects_the_nodes_in_the_box() {
    let mut h = editor(ev_motor());
    let (a, b) = (
        h.state().editor.doc().nodes[0].clone(),
        h.state().editor.doc().nodes[1].clone(),
    );
    let area = node_rect(&h, &a.label)
        .union(node_rect(&h, &b.label))
        .expand(12.0);
    let (from, to) = (area.left_top(), area.right_bottom());
    h.event(egui::Event::ModifiersChanged(Modifiers::SHIFT));
    h.hover_at(from);
    h.run();
    h.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::SHIFT,
    });
    h.run();
    for i in 1..=4 {
        h.hover_at(from + (to - from) * (i as f32 / 4.0));
        h.run();
    }
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::SHIFT,
    });
    h.run();
    h.event(egui::Event::ModifiersChanged(Modifiers::NONE));
    h.run();
    let selected = &h.state().editor.selection.nodes;
    assert!(
        selected.contains(&a.id) && selected.contains(&b.id),
        "{selected:?}"
    );
    assert!(
        h.query_by_label_contains("nodes,").is_some(),
        "the inspector shows the multiple selection"
    );
}

#[test]
fn copy_and_paste_add_a_copy_with_fresh_ids_through_the_clipboard() {
    let doc = ev_motor();
    let n = doc.nodes.len();
    let mut h = editor(doc);
    let label = h.state().editor.doc().nodes[0].label.clone();
    h.get_by_label(&label).click();
    h.run();
    h.event(egui::Event::Copy);
    h.step();
    let copied = h
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .expect("copy puts map JSON on the clipboard");
    assert!(copied.contains("\"format\": \"loopmap\""));
    h.event(egui::Event::Paste(copied));
    h.run();
    assert_eq!(h.state().editor.doc().nodes.len(), n + 1);
    let pasted = h.state().editor.doc().nodes.last().unwrap();
    assert_ne!(pasted.id, h.state().editor.doc().nodes[0].id);
    assert_eq!(pasted.label, label);
    assert!(
        h.state().editor.selection.nodes.contains(&pasted.id),
        "the pasted copy is selected"
    );
}

#[test]
fn pasting_text_that_is_not_a_map_changes_nothing_and_says_so() {
    let mut h = editor(ev_motor());
    let before = h.state().editor.doc().clone();
    h.event(egui::Event::Paste("hello".into()));
    h.run();
    assert_eq!(h.state().editor.doc(), &before);
    assert!(
        h.state()
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("Nothing pasted")
    );
}

#[test]
fn f2_renames_the_selected_node_and_undo_takes_it_back() {
    let mut h = editor(ev_motor());
    let label = h.state().editor.doc().nodes[0].label.clone();
    h.get_by_label(&label).click();
    h.run();
    h.key_press(Key::F2);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.event(egui::Event::Text("Imported magnets".into()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(h.state().editor.doc().nodes[0].label, "Imported magnets");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().editor.doc().nodes[0].label, label);
}

#[test]
fn ctrl_l_arranges_the_map_in_columns_and_is_one_undo_step() {
    // The sample comes arranged: move its nodes about first.
    let mut doc = ev_motor();
    for (i, n) in doc.nodes.iter_mut().enumerate() {
        n.pos = [
            (i * 37 % 5) as f64 * 300.0,
            (i * 53 % 7) as f64 * 200.0 - 600.0,
        ];
    }
    let before: Vec<[f64; 2]> = doc.nodes.iter().map(|n| n.pos).collect();
    let mut h = editor(doc);
    h.key_press_modifiers(Modifiers::COMMAND, Key::L);
    h.run();
    let after: Vec<[f64; 2]> = h.state().editor.doc().nodes.iter().map(|n| n.pos).collect();
    assert_ne!(before, after);
    let doc = &h.state().editor.doc();
    for f in doc
        .flows
        .iter()
        .filter(|f| f.loop_kind == loopmap::model::Loop::None)
    {
        let (a, b) = (doc.node(&f.from).unwrap(), doc.node(&f.to).unwrap());
        assert!(
            a.pos[0] < b.pos[0],
            "forward flow {} runs left to right",
            f.id
        );
    }
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let undone: Vec<[f64; 2]> = h.state().editor.doc().nodes.iter().map(|n| n.pos).collect();
    assert_eq!(undone, before);
}

#[test]
fn clicking_a_diagnostic_selects_what_it_names() {
    let mut doc = Document::new("t");
    doc.nodes
        .push(loopmap::model::Node::new("a", "A", NodeKind::Source));
    doc.nodes
        .push(loopmap::model::Node::new("b", "B", NodeKind::Waste));
    doc.flows
        .push(loopmap::model::Flow::new("open_flow", "a", "b"));
    // Tall enough for the diagnostics list to be on screen without scrolling.
    let mut h = Harness::builder()
        .with_size([1400.0, 1600.0])
        .build_eframe(move |_cc| LoopmapApp::new(doc, None, Default::default()));
    h.run();
    h.get_by_label_contains("flow 'A -> B': amount is not determined")
        .click();
    h.run();
    assert_eq!(
        h.state().editor.selection,
        loopmap::app::Selection::flow("open_flow")
    );
}

#[test]
fn new_map_over_unsaved_changes_asks_first() {
    let mut h = editor(ev_motor());
    h.state_mut()
        .editor
        .edit(None, |d| d.meta.title = "changed".into());
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    assert!(h.query_by_label("Unsaved changes").is_some());
    h.get_by_label("Cancel").click();
    h.run();
    assert_eq!(h.state().editor.doc().meta.title, "changed");
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    h.get_by_label("Discard changes").click();
    h.run();
    assert!(h.state().editor.doc().nodes.is_empty(), "a new, empty map");
    assert!(!h.state().editor.dirty());
}

#[test]
fn help_lists_the_shortcuts_from_the_command_list() {
    let mut h = editor(ev_motor());
    h.key_press(Key::F1);
    h.run();
    assert!(h.query_all_by_label("Keyboard shortcuts").count() >= 1);
    for label in [
        "Undo",
        "Redo",
        "Arrange left to right",
        "Fit map to window",
        "Select with a box",
    ] {
        assert!(h.query_by_label(label).is_some(), "{label}");
    }
}

#[test]
fn the_analysis_is_not_recomputed_while_nothing_changes() {
    let mut h = editor(ev_motor());
    h.run_steps(5);
    let runs = h.state().editor.analysis_runs();
    h.run_steps(10);
    assert_eq!(h.state().editor.analysis_runs(), runs);
    h.state_mut()
        .editor
        .edit(None, |d| d.meta.title = "x".into());
    h.run();
    assert_eq!(h.state().editor.analysis_runs(), runs + 1);
}

#[test]
fn view_menu_switches_to_the_dark_theme() {
    let mut h = editor(ev_motor());
    let dark_before = h.state().settings.dark;
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Dark theme").click();
    h.run();
    assert_ne!(h.state().settings.dark, dark_before);
    assert_eq!(h.ctx.global_style().visuals.dark_mode, !dark_before);
}

#[test]
fn dragging_a_palette_item_onto_the_canvas_places_it_where_it_is_dropped() {
    let mut h = editor(Document::new("t"));
    let from = h.get_by_label("Add Magnet making").rect().center();
    let to = pos2(640.0, 420.0);
    drag(&mut h, from, to);
    let doc = &h.state().editor.doc();
    assert_eq!(doc.nodes.len(), 1, "one node placed");
    assert_eq!(doc.nodes[0].label, "Magnet making");
    assert_eq!(doc.nodes[0].stage.as_deref(), Some("magnet"));
    let placed = node_rect(&h, "Magnet making");
    assert!(
        placed.contains(to),
        "the node sits where it was dropped: {placed:?}"
    );
}

#[test]
fn a_flow_drawn_back_to_an_earlier_stage_is_proposed_as_the_matching_loop() {
    use loopmap::model::{Loop, Node};
    let mut doc = Document::new("t");
    for (id, kind, x) in [
        ("make", NodeKind::Process, 0.0),
        ("collect", NodeKind::Recovery, 150.0),
        ("use", NodeKind::Use, 300.0),
        ("repair", NodeKind::Recovery, 600.0),
    ] {
        let mut n = Node::new(id, id, kind);
        n.pos = [x, 0.0];
        doc.nodes.push(n);
    }
    let mut h = editor(doc);
    let app = h.state_mut();
    app.editor.connect("use", "collect", None);
    app.editor.connect("collect", "make", None);
    app.editor.connect("repair", "use", None);
    app.editor.connect("use", "make", None);
    app.editor.connect("make", "use", Some(Loop::Remanufacture));
    let loops: Vec<Loop> = app.editor.doc().flows.iter().map(|f| f.loop_kind).collect();
    assert_eq!(
        loops,
        vec![
            Loop::None,
            Loop::Recycle,
            Loop::Maintain,
            Loop::Reuse,
            Loop::Remanufacture
        ],
        "collection is end of life, not a loop; a key chosen while drawing wins"
    );
}

#[test]
fn a_map_with_extreme_positions_and_amounts_draws_without_panicking() {
    let text = r#"{"format": "loopmap", "version": 1, "meta": {"title": "extreme"},
        "nodes": [{"id": "a", "label": "A", "kind": "source", "pos": [1e300, -1e300]},
                  {"id": "b", "label": "B — ünïcödé ✓ 中文", "kind": "waste", "pos": [-1e300, 5e-300]}],
        "flows": [{"id": "f", "from": "a", "to": "b", "amount": 1e300}]}"#;
    let doc = loopmap::io::parse(text).unwrap();
    // A user's label may hold characters no bundled font has: the app draws a box for
    // them (egui's default), so this test allows it too.
    let mut h = Harness::builder()
        .with_size(SIZE)
        .allow_missing_glyphs()
        .build_eframe(move |_cc| LoopmapApp::new(doc, None, Default::default()));
    h.run_steps(5);
    h.key_press(Key::F);
    h.run_steps(3);
    assert_eq!(h.state().editor.doc().nodes.len(), 2);
}

#[test]
fn file_export_writes_the_picture_and_report_and_says_where_or_why_not() {
    let mut h = editor(ev_motor());
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Export").hover();
    h.run();
    h.run();
    for item in [
        "Picture (SVG)…",
        "Picture for slides (PNG)…",
        "Tables (CSV)…",
        "Report (HTML)…",
    ] {
        assert!(h.query_by_label(item).is_some(), "{item} in File > Export");
    }
    h.key_press(Key::Escape);
    h.run();
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("ev.svg");
    h.state_mut().export_to(loopmap::app::ExportKind::Svg, &svg);
    h.run();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("Motor remanufacture"));
    assert!(h.query_by_label_contains("Exported to").is_some());
    let report = dir.path().join("ev.html");
    h.state_mut()
        .export_to(loopmap::app::ExportKind::Html, &report);
    assert!(std::fs::read_to_string(&report).unwrap().contains("<svg"));
    // A folder that does not exist: nothing written, and the reason in a dialog.
    h.state_mut().export_to(
        loopmap::app::ExportKind::Png,
        std::path::Path::new("/nonexistent-dir/ev.png"),
    );
    h.run();
    assert!(
        h.query_by_label("Something went wrong").is_some(),
        "a dialog"
    );
    let hint = h.state().hint.clone().unwrap_or_default();
    assert!(
        hint.starts_with("Nothing exported"),
        "and the status bar: {hint}"
    );
}

/// Hovering a flow shows what it joins, by the nodes' names, beside the pointer (the
/// canvas is one big widget: a tooltip placed by its rect lands at its bottom left).
#[test]
fn hovering_a_flow_shows_its_nodes_by_name_beside_the_pointer() {
    let mut doc = Document::new("t");
    let mut a = loopmap::model::Node::new("a", "Mine site", NodeKind::Source);
    a.pos = [0.0, 0.0];
    let mut b = loopmap::model::Node::new("b", "Tailings dam", NodeKind::Waste);
    b.pos = [600.0, 0.0];
    doc.nodes = vec![a, b];
    let mut f = loopmap::model::Flow::new("f", "a", "b");
    f.value = FlowValue::Amount(5.0);
    doc.flows.push(f);
    let mut h = editor(doc);
    h.run_steps(3);
    let (from, to) = (node_rect(&h, "Mine site"), node_rect(&h, "Tailings dam"));
    let at = pos2((from.right() + to.left()) / 2.0, from.center().y);
    h.hover_at(at);
    h.run_steps(30);
    // The tooltip and the text in it.
    let tips: Vec<egui::Rect> = h
        .get_all_by_label_contains("Mine site -> Tailings dam")
        .map(|n| n.rect())
        .collect();
    assert!(!tips.is_empty());
    for tip in tips {
        assert!(
            tip.distance_to_pos(at) < 60.0,
            "tooltip {tip:?}, pointer {at:?}"
        );
    }
}
