//! Node titles at fit in the editor at 1280x720 (issue 23, item 13): every title inside
//! its box (the box grows to hold it), at 11 px or more on screen, wrapped between words
//! only; on the UK sample and on a 20-node battery chain.

mod common;

use common::editor_stepped as editor;
use egui_kittest::Harness;
use loopmap::app::LoopmapApp;
use loopmap::model::{Document, Flow, FlowValue, Loop, Node, NodeKind};

const PROJECTOR: [f32; 2] = [1280.0, 720.0];

fn uk() -> Document {
    loopmap::io::samples::SAMPLES[0].load().unwrap()
}

/// A battery chain of 20 nodes with long stage names, as a facilitator would type
/// them, without positions (arranged when opened).
fn twenty() -> Document {
    let mut doc = Document::new("cobalt");
    let nodes: [(&str, NodeKind, &str); 20] = [
        ("Cobalt mining (DRC)", NodeKind::Source, "mining"),
        ("Artisanal mining", NodeKind::Source, "mining"),
        ("Hydroxide refining", NodeKind::Process, "refining"),
        ("Sulphate refining (China)", NodeKind::Process, "refining"),
        ("Precursor (pCAM) making", NodeKind::Process, "precursor"),
        ("Cathode (CAM) making", NodeKind::Process, "cathode"),
        ("Cell manufacture", NodeKind::Process, "cell"),
        ("Pack assembly", NodeKind::Process, "pack"),
        ("EVs in use", NodeKind::Use, "use"),
        ("Stationary storage in use", NodeKind::Use, "use"),
        ("Electronics in use", NodeKind::Use, "use"),
        ("Collection & sorting", NodeKind::Process, "collection"),
        ("Second-life repurposing", NodeKind::Process, "collection"),
        ("Motor remanufacture", NodeKind::Process, "collection"),
        ("Black mass shredding", NodeKind::Recovery, "recovery"),
        (
            "Hydrometallurgical recycling",
            NodeKind::Recovery,
            "recovery",
        ),
        ("Pyrometallurgical smelting", NodeKind::Recovery, "recovery"),
        ("Landfill & incineration", NodeKind::Waste, ""),
        ("Exported for reuse abroad", NodeKind::Export, ""),
        ("Tailings & slag", NodeKind::Waste, ""),
    ];
    for (i, (label, kind, stage)) in nodes.iter().enumerate() {
        let mut n = Node::new(format!("n{i}"), *label, *kind);
        if !stage.is_empty() {
            n.stage = Some(stage.to_string());
        }
        doc.nodes.push(n);
    }
    let links = [
        (0, 2, 800.0),
        (1, 2, 200.0),
        (2, 3, 950.0),
        (2, 19, 50.0),
        (3, 4, 900.0),
        (4, 5, 880.0),
        (5, 6, 860.0),
        (6, 7, 840.0),
        (7, 8, 500.0),
        (7, 9, 200.0),
        (7, 10, 140.0),
        (8, 11, 100.0),
        (9, 11, 40.0),
        (10, 11, 30.0),
        (10, 17, 60.0),
        (11, 12, 20.0),
        (11, 13, 10.0),
        (11, 14, 100.0),
        (14, 15, 60.0),
        (14, 16, 30.0),
        (15, 4, 50.0),
        (16, 17, 10.0),
        (12, 9, 15.0),
        (13, 8, 8.0),
        (8, 18, 40.0),
        (6, 19, 20.0),
        (16, 19, 10.0),
        (3, 19, 10.0),
    ];
    for (k, (a, b, v)) in links.iter().enumerate() {
        let mut f = Flow::new(format!("f{k}"), format!("n{a}"), format!("n{b}"));
        f.value = FlowValue::Amount(*v);
        f.loop_kind = match (a, b) {
            (15, 4) => Loop::Recycle,
            (12, 9) => Loop::Reuse,
            (13, 8) => Loop::Remanufacture,
            _ => Loop::None,
        };
        doc.flows.push(f);
    }
    doc
}

/// The editor on `doc` at `size`, arranged and fitted (Ctrl+L, F).
fn fitted(doc: Document, size: [f32; 2]) -> Harness<'static, LoopmapApp> {
    let mut h = editor(doc, size);
    h.state_mut().arrange(Default::default());
    h.run_steps(4);
    h
}

fn assert_titles_fit_their_boxes(h: &Harness<'_, LoopmapApp>) {
    let ppp = h.ctx.pixels_per_point();
    let titles = h.state().canvas.drawn_titles();
    assert_eq!(titles.len(), h.state().editor.doc().nodes.len());
    for t in titles {
        assert!(
            t.node_rect.contains_rect(t.rect),
            "the title of {} {:?} overhangs its box {:?}",
            t.node,
            t.rect,
            t.node_rect
        );
        assert!(
            t.size * ppp >= 11.0 - 1e-3,
            "{}: {} px",
            t.node,
            t.size * ppp
        );
    }
}

/// Every word of every title is whole on one line ("Motor remanufactur e" is not).
fn assert_no_word_split(h: &Harness<'_, LoopmapApp>) {
    let doc = h.state().editor.doc();
    for t in h.state().canvas.drawn_titles() {
        let Some(node) = doc.nodes.iter().find(|n| n.id == t.node) else {
            panic!("no node {}", t.node);
        };
        // A line may end after a hyphen inside a word ("magnet-to-" / "magnet").
        let text = t.rows.join("\n").replace("-\n", "-");
        let words: Vec<&str> = text.split_whitespace().collect();
        for word in node.label.split_whitespace() {
            let whole = words.contains(&word);
            assert!(whole, "{:?} cut in {:?}", word, t.rows);
        }
    }
}

#[test]
fn uk_sample_titles_fit_their_boxes_at_fit_in_the_editor_at_1280x720() {
    let h = fitted(uk(), PROJECTOR);
    assert_titles_fit_their_boxes(&h);
    assert_no_word_split(&h);
}

#[test]
fn a_twenty_node_chain_s_titles_fit_their_boxes_at_fit_in_the_editor_at_1280x720() {
    let h = fitted(twenty(), PROJECTOR);
    assert_titles_fit_their_boxes(&h);
    assert_no_word_split(&h);
}

#[test]
fn titles_fit_their_boxes_at_1600x1000_and_in_workshop_mode() {
    for doc in [uk(), twenty()] {
        let h = fitted(doc.clone(), [1600.0, 1000.0]);
        assert_titles_fit_their_boxes(&h);
        assert_no_word_split(&h);
        let mut h = fitted(doc, PROJECTOR);
        h.key_press(egui::Key::F5);
        h.run_steps(5);
        assert!(h.state().workshop.on);
        assert_titles_fit_their_boxes(&h);
        assert_no_word_split(&h);
    }
}

#[test]
fn a_word_longer_than_its_box_grows_the_box_instead_of_breaking() {
    // One node zoomed far out: its box is a few points wide, its title one long word.
    let mut doc = Document::new("long word");
    let mut a = Node::new("a", "Hydrometallurgical", NodeKind::Process);
    a.pos = [0.0, 0.0];
    let mut b = Node::new("b", "Motor remanufacture", NodeKind::Process);
    b.pos = [3000.0, 0.0];
    doc.nodes.extend([a, b]);
    let mut h = editor(doc, PROJECTOR);
    h.run_steps(3);
    assert!(h.state().canvas.view.zoom < 0.3);
    assert_titles_fit_their_boxes(&h);
    assert_no_word_split(&h);
}
