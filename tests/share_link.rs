//! File ▸ Copy share link: the web address is asked once, the link opens the same map, and
//! a map too large for a link says so and offers the file.

mod common;

use common::editor;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loopmap::app::LoopmapApp;
use loopmap::io::{link, samples::SAMPLES, to_canonical_string};
use loopmap::model::{Document, Node, NodeKind};

fn copy_share_link(h: &mut Harness<'_, LoopmapApp>) {
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Copy share link").click();
    h.run();
}

#[test]
fn the_address_is_asked_once_and_the_link_opens_the_same_map() {
    let mut h = editor(SAMPLES[2].load().expect("sample loads"));
    copy_share_link(&mut h);
    assert!(h.query_by_label("Where is Loopmap for the web?").is_some());
    assert!(h.state().last_share_link.is_none());
    // Not a web address: refused in place.
    // The field has the keyboard.
    h.event(egui::Event::Text("example.org".into()));
    h.run();
    assert!(
        h.query_by_label_contains("starting with https://")
            .is_some()
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.event(egui::Event::Text(
        "https://maps.example.org/loopmap/".into(),
    ));
    h.run();
    h.get_by_label("Copy link").click();
    h.run();
    let url = h
        .state()
        .last_share_link
        .clone()
        .expect("a link was copied");
    assert!(
        url.starts_with("https://maps.example.org/loopmap/#map="),
        "{url}"
    );
    let back = link::decode(&url).expect("the link opens");
    assert_eq!(
        to_canonical_string(&back),
        to_canonical_string(h.state().editor.doc())
    );
    assert_eq!(
        h.state().settings.web_address,
        "https://maps.example.org/loopmap/"
    );

    // The second time, straight to the clipboard.
    h.state_mut().last_share_link = None;
    copy_share_link(&mut h);
    assert!(h.query_by_label("Where is Loopmap for the web?").is_none());
    assert!(h.state().last_share_link.is_some());
}

#[test]
fn a_map_too_large_for_a_link_offers_the_file() {
    let mut doc = Document::new("big");
    for i in 0..20_000u64 {
        let label = format!("{:x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        doc.nodes
            .push(Node::new(format!("n{i}"), label, NodeKind::Process));
    }
    let mut h = editor(doc);
    h.state_mut().settings.web_address = "https://maps.example.org/".into();
    copy_share_link(&mut h);
    assert!(h.query_by_label("Too large for a link").is_some());
    assert!(
        h.query_by_label_contains("share the map file instead")
            .is_some()
    );
    assert!(h.query_by_label("Save the map file…").is_some());
    assert!(h.state().last_share_link.is_none());
}
