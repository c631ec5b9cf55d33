//! The editor tried as a new user would (issue 13, items 15 to 18): badges that say how
//! bad a problem is, pin numbers that never change under a discussion, new maps at
//! 100 %, and a word on a node that swallows its inflow.

mod common;

use common::editor;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use loopmap::analysis::{Severity, Subject, analyse};
use loopmap::app::Selection;
use loopmap::io::samples::SAMPLES;
use loopmap::model::{Anchor, Document, Flow, FlowValue, Node, NodeKind, PainPoint};

fn amount(id: &str, from: &str, to: &str, value: Option<f64>) -> Flow {
    let mut f = Flow::new(id, from, to);
    if let Some(v) = value {
        f.value = FlowValue::Amount(v);
    }
    f
}

/// A chain being drawn: two mines (one without a country) feeding a refinery that splits
/// (both ways still open) to a magnet maker with no way out yet and to waste.
fn half_drawn() -> Document {
    let mut doc = Document::new("half drawn");
    let node = |id: &str, kind, stage: Option<&str>, country: Option<&str>| {
        let mut n = Node::new(id, id, kind);
        n.stage = stage.map(String::from);
        n.country = country.map(String::from);
        n
    };
    doc.nodes.extend([
        node("mine", NodeKind::Source, Some("mining"), Some("CN")),
        node("refine", NodeKind::Process, None, None),
        node("magnets", NodeKind::Process, None, None),
        node("tailings", NodeKind::Waste, None, None),
        node("mine2", NodeKind::Source, Some("mining"), None),
    ]);
    doc.flows.extend([
        amount("f1", "mine", "refine", Some(1000.0)),
        amount("f2", "refine", "magnets", None),
        amount("f3", "refine", "tailings", None),
        amount("f4", "mine2", "refine", Some(10.0)),
    ]);
    doc
}

#[test]
fn a_node_that_swallows_its_inflow_says_why() {
    let doc = half_drawn();
    let analysis = analyse(&doc);
    assert_eq!(analysis.solution.flows[1], Some(0.0), "f2 is held at 0");
    let said: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.subject == Subject::Node("magnets".into()))
        .collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0].severity, Severity::Warning);
    assert!(
        said[0].message.contains("no outflow") && said[0].message.contains("held at 0"),
        "{}",
        said[0].message
    );
    // A use node keeps what it takes (stock) and a waste node is an end: neither is named.
    assert!(
        !analysis
            .diagnostics
            .iter()
            .any(|d| d.subject == Subject::Node("tailings".into()))
    );
}

#[test]
fn badges_grade_errors_warnings_and_notes() {
    let mut h = editor(half_drawn());
    let app = h.state_mut();
    assert_eq!(
        app.editor.node_badge("magnets"),
        Some(Severity::Warning),
        "no way out"
    );
    assert_eq!(
        app.editor.node_badge("mine2"),
        Some(Severity::Info),
        "a stage without a country is a note, not an error"
    );
    assert_eq!(app.editor.node_badge("mine"), None);
    assert_eq!(app.editor.node_badge("refine"), None);

    // A balance that cannot hold is an error (and, the flows being unknown, the stage
    // is no longer judged).
    let mut broken = half_drawn();
    broken.nodes.extend([
        Node::new("mine3", "mine3", NodeKind::Source),
        Node::new("alloy", "alloy", NodeKind::Process),
        Node::new("slag", "slag", NodeKind::Waste),
    ]);
    broken.flows.extend([
        amount("f5", "mine3", "alloy", Some(10.0)),
        amount("f6", "alloy", "slag", Some(20.0)),
    ]);
    let mut h = editor(broken);
    let app = h.state_mut();
    assert_eq!(
        app.editor.node_badge("alloy"),
        Some(Severity::Error),
        "balance off"
    );
    assert_eq!(app.editor.node_badge("magnets"), Some(Severity::Warning));

    // On a solved sample, no node reads as broken.
    let mut h = editor(SAMPLES[0].load().expect("sample loads"));
    let app = h.state_mut();
    let ids: Vec<String> = app
        .editor
        .doc()
        .nodes
        .iter()
        .map(|n| n.id.clone())
        .collect();
    let errors = ids
        .iter()
        .filter(|id| app.editor.node_badge(id) == Some(Severity::Error))
        .count();
    assert_eq!(errors, 0);
}

#[test]
fn pin_numbers_stay_when_a_pain_point_goes_and_survive_save_and_copy() {
    let mut doc = half_drawn();
    for (id, title) in [("p1", "first"), ("p2", "second"), ("p3", "third")] {
        doc.pain_points
            .push(PainPoint::new(id, Anchor::Node("mine".into()), title));
    }
    let mut h = editor(doc);
    assert!(h.query_by_label("Pain point 3: third").is_some());

    // Delete pin 2 mid-discussion: pin 3 stays pin 3.
    h.state_mut().editor.selection = Selection::pain("p2");
    h.state_mut().editor.delete_selection();
    h.run();
    assert!(h.query_by_label("Pain point 3: third").is_some());
    assert!(h.query_by_label("Pain point 2: third").is_none());

    // A new one takes the next free number, not the gap.
    h.state_mut().editor.selection = Selection::node("mine");
    h.key_press(Key::P);
    h.run();
    let numbers: Vec<_> = h
        .state()
        .editor
        .doc()
        .pain_points
        .iter()
        .map(|p| p.number)
        .collect();
    assert_eq!(numbers, [Some(1), Some(3), Some(4)]);

    // Saved and loaded, the numbers are in the file.
    let text = loopmap::io::to_canonical_string(h.state().editor.doc());
    let back = loopmap::io::parse(&text).expect("loads");
    assert_eq!(back.pin_numbers(), [1, 3, 4]);
    assert!(text.contains("\"number\": 3"), "{text}");

    // A copy keeps a free number and takes the next one where its own is taken.
    let mut pasted = back.clone();
    let part =
        loopmap::model::fragment::extract(&back, &["mine".into()].into()).expect("a part to copy");
    loopmap::model::fragment::insert(&mut pasted, part, [50.0, 0.0]);
    assert_eq!(pasted.pin_numbers(), [1, 3, 4, 5, 6, 7]);

    // Undo brings pin 2 back under its own number.
    h.state_mut().editor.undo();
    h.state_mut().editor.undo();
    h.run();
    assert!(h.query_by_label("Pain point 2: second").is_some());
}

#[test]
fn a_new_map_starts_at_100_percent_and_the_view_menu_zooms() {
    let mut h = editor(SAMPLES[0].load().expect("sample loads"));
    h.run();
    let fitted = h.state().canvas.view.zoom;
    assert!(fitted < 0.9, "the sample is fitted small: {fitted}");

    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    assert!(h.state().editor.doc().nodes.is_empty());
    assert_eq!(h.state().canvas.view.zoom, 1.0, "a new map opens at 100 %");

    h.key_press_modifiers(Modifiers::COMMAND, Key::Plus);
    h.run();
    assert!((h.state().canvas.view.zoom - 1.25).abs() < 1e-6);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Minus);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Minus);
    h.run();
    assert!((h.state().canvas.view.zoom - 0.8).abs() < 1e-6);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Num0);
    h.run();
    assert_eq!(h.state().canvas.view.zoom, 1.0);

    // The same from the View menu.
    h.get_by_label("View").click();
    h.run();
    h.get_by_label_contains("Zoom in").click();
    h.run();
    assert!((h.state().canvas.view.zoom - 1.25).abs() < 1e-6);
}

#[test]
fn second_shortcuts_run_their_command_and_help_lists_every_key() {
    let mut h = editor(SAMPLES[0].load().expect("sample loads"));
    h.run();
    let nodes = h.state().editor.doc().nodes.len();

    // Delete with Backspace, undo with Ctrl+Z, redo with Ctrl+Y (Windows and Linux).
    h.state_mut().editor.selection = Selection::node("swarf");
    h.key_press(Key::Backspace);
    h.run();
    assert_eq!(
        h.state().editor.doc().nodes.len(),
        nodes - 1,
        "Backspace deletes"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().editor.doc().nodes.len(), nodes, "Ctrl+Z undoes");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(
        h.state().editor.doc().nodes.len(),
        nodes - 1,
        "Ctrl+Y redoes"
    );

    // Ctrl+= zooms in as Ctrl++ does.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Num0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    h.run();
    assert!(
        (h.state().canvas.view.zoom - 1.25).abs() < 1e-6,
        "Ctrl+= zooms in"
    );

    // Help ▸ Keyboard shortcuts names both keys of Redo, once.
    h.key_press(Key::F1);
    h.run();
    let redo = h.get_all_by_label("Redo").count();
    assert_eq!(redo, 1, "Redo is listed once");
    h.get_by_label("Ctrl+Shift+Z or Ctrl+Y");
    h.get_by_label("Delete or Backspace");
}
