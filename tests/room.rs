//! The room as the projector shows it (egui_kittest at 1280 × 720, the projector's size):
//! vote totals hidden until revealed, who is connected, the join card and the controls
//! beside the map in workshop mode, entries under review kept off the projected
//! controls, and the pain points table with who raised what; and the HTML report
//! numbering pain points by their pins.

mod common;

use std::time::Instant;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loopmap::app::LoopmapApp;
use loopmap::live::Bind;
use loopmap::model::{Anchor, Category, Document, PainPoint};

const PROJECTOR: [f32; 2] = [1280.0, 720.0];

const LOOPBACK: Bind = Bind {
    ip: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
    port: 0,
};

fn sample() -> Document {
    loopmap::io::samples::default_sample()
        .load()
        .expect("the UK sample loads")
}

/// The sample with two pain points of a participant's kind (no severity chosen, a name,
/// pins 7 and 3) on its first node, one with many votes.
fn with_room_pains() -> Document {
    let mut doc = sample();
    let node = doc.nodes[0].id.clone();
    let mut loud = PainPoint::new("room1", Anchor::Node(node.clone()), "Loud one");
    loud.votes = Some(11);
    loud.raised_by = "Mia from the recycler".into();
    loud.number = Some(7);
    loud.category = Some(Category::Economic);
    let mut quiet = PainPoint::new("room2", Anchor::Node(node), "Quiet one");
    quiet.number = Some(3);
    quiet.raised_by = "Tom".into();
    doc.pain_points = vec![loud, quiet];
    doc
}

// --- item 23: the table says who raised what, and "not set" for a severity nobody chose ---

#[test]
fn the_pain_points_table_shows_who_raised_each_and_an_unset_severity_at_1280() {
    let mut h = common::editor_sized(with_room_pains(), PROJECTOR);
    h.run();
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, PROJECTOR.into());
    let heading = h.get_by_label("Raised by").rect();
    assert!(
        window.contains_rect(heading),
        "the Raised by column is on screen: {heading:?}"
    );
    let name = h.get_by_label("Mia from the recycler").rect();
    assert!(window.contains_rect(name), "{name:?}");
    assert!(
        h.query_all_by_label("not set").count() >= 2,
        "no severity was chosen for either"
    );
    assert!(h.query_by_label("3").is_some());
}

#[test]
fn the_facilitator_sets_a_severity_nobody_had_chosen() {
    let mut h = common::editor_sized(with_room_pains(), PROJECTOR);
    h.get_by_label("Loud one").click();
    h.run();
    assert_eq!(
        h.query_all_by_label_contains("pain point #7 'room1'")
            .count(),
        1,
        "the inspector names the pin's number"
    );
    h.get_by_label("Severity (1 to 5)").click();
    h.run();
    h.get_by_label("4").click();
    h.run();
    let p = &h.state().editor.doc().pain_points[0];
    assert_eq!(p.severity, Some(4));
}

// --- item 24: the report numbers pain points by their pins ---

#[test]
fn the_html_report_numbers_pain_points_by_their_pins() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("room.loopmap.json");
    loopmap::io::save(&with_room_pains(), &map).expect("saves");
    let out = dir.path().join("report.html");
    let run = assert_cmd::Command::cargo_bin("loopmap")
        .unwrap()
        .args(["export"])
        .arg(&map)
        .arg("--html")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let html = std::fs::read_to_string(&out).unwrap();
    let loud = html.find("<b>Loud one</b>").expect("listed");
    let quiet = html.find("<b>Quiet one</b>").expect("listed");
    let item = |at: usize| &html[html[..at].rfind("<li").unwrap()..at];
    assert!(item(loud).contains("value=\"7\""), "{}", item(loud));
    assert!(item(quiet).contains("value=\"3\""), "{}", item(quiet));
    assert!(html.contains("severity not set"));
}
