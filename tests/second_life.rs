//! A second life (batteries in stationary storage) and what each node kind counts for
//! (issue 23, item 7): a use node for a second life counts its products twice, so the
//! collection rate reads 62 % where the user typed 60 %; the palette's Second-life use is
//! a recovery node, which does not; the indicator tooltip names what a rate counts.

mod common;

use egui::{Pos2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loopmap::analysis::diagnostics::Fix;
use loopmap::analysis::terms::{counts_for, rate_terms};
use loopmap::analysis::{Subject, analyse, usable_flows};
use loopmap::app::LoopmapApp;
use loopmap::model::{Document, NodeKind};

/// mine → make → EVs in use → 60 % to collection → 10 % of it to second-life storage →
/// recycling → back to make; the rest to landfill. `storage` is the storage node's kind.
fn batteries(storage: &str) -> Document {
    let text = format!(
        r#"{{"format": "loopmap", "version": 1, "meta": {{"title": "Batteries", "year": 2024}},
      "nodes": [
        {{"id": "mine", "label": "Mine", "kind": "source", "pos": [0, 0]}},
        {{"id": "make", "label": "Cell and pack maker", "kind": "process", "pos": [200, 0]}},
        {{"id": "ev", "label": "EVs in use", "kind": "use", "lifetime": 12, "pos": [400, 0]}},
        {{"id": "coll", "label": "Collection", "kind": "recovery", "pos": [600, 0]}},
        {{"id": "store", "label": "Second-life storage", "kind": "{storage}", "pos": [800, 0]}},
        {{"id": "rec", "label": "Recycling", "kind": "recovery", "pos": [1000, 0]}},
        {{"id": "land", "label": "Landfill", "kind": "waste", "pos": [1200, 0]}}],
      "flows": [
        {{"id": "f_mine", "from": "mine", "to": "make", "amount": 100}},
        {{"id": "f_make", "from": "make", "to": "ev"}},
        {{"id": "f_collect", "from": "ev", "to": "coll", "share": 0.6}},
        {{"id": "f_bin", "from": "ev", "to": "land"}},
        {{"id": "f_second", "from": "coll", "to": "store", "share": 0.1}},
        {{"id": "f_sort", "from": "coll", "to": "rec"}},
        {{"id": "f_spent", "from": "store", "to": "rec"}},
        {{"id": "f_back", "from": "rec", "to": "make", "share": 0.9, "loop": "recycle"}},
        {{"id": "f_loss", "from": "rec", "to": "land"}}]}}"#
    );
    loopmap::io::parse(&text).unwrap()
}

#[test]
fn a_second_life_use_node_counts_twice_and_its_fix_makes_it_a_recovery_node() {
    let mut doc = batteries("use");
    let a = analyse(&doc);
    let rate = a.indicators.collection_rate.unwrap();
    // (60 + 6) / (100 + 6): both lives counted.
    assert!((rate - 66.0 / 106.0).abs() < 1e-9, "{rate}");
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.subject == Subject::Node("store".into()) && d.fix.is_some())
        .expect("a note on the second-life use node");
    assert!(
        d.message.contains("collection rate counts both lives"),
        "{}",
        d.message
    );
    assert_eq!(d.fix, Some(Fix::second_life("store")));
    d.fix.clone().unwrap().apply(&mut doc);
    assert_eq!(doc.node("store").unwrap().kind, NodeKind::Recovery);
    assert_eq!(doc, batteries("recovery"));
    let after = analyse(&doc);
    assert!((after.indicators.collection_rate.unwrap() - 0.6).abs() < 1e-12);
    // Nothing lost to the second life: all of it is still recycled or landfilled once.
    let i = &after.indicators;
    let whole = i.eol_recycling_rate.unwrap() + i.landfill_rate.unwrap();
    assert!((whole - 1.0).abs() < 1e-9, "{whole}");
    assert!(
        after
            .diagnostics
            .iter()
            .all(|d| d.subject != Subject::Node("store".into()))
    );
}

#[test]
fn a_use_node_with_production_inflow_is_no_second_life() {
    // A use node fed from production and from a reuse loop: ordinary reuse, no note.
    let mut doc = batteries("use");
    doc.flows
        .push(loopmap::model::Flow::new("f_new", "make", "store"));
    let a = analyse(&doc);
    assert!(
        a.diagnostics
            .iter()
            .all(|d| !d.message.contains("fed only from recovery"))
    );
}

#[test]
fn the_terms_of_each_rate_add_up_to_the_rate_on_every_sample() {
    let keys = [
        "collection_rate",
        "eol_recycling_rate",
        "reuse_rate",
        "landfill_rate",
        "recycled_content",
        "eol_rir",
    ];
    let mut docs: Vec<Document> = loopmap::io::samples::SAMPLES
        .iter()
        .map(|s| s.load().unwrap())
        .collect();
    docs.push(batteries("use"));
    docs.push(batteries("recovery"));
    for doc in &docs {
        let a = analyse(doc);
        let json = serde_json::to_value(&a.indicators).unwrap();
        for key in keys {
            let terms = rate_terms(doc, &usable_flows(&a.solution), key).unwrap();
            let want = json[key].as_f64().unwrap();
            let got = (terms.numerator_sum() / terms.denominator_sum()).min(1.0);
            assert!(
                (got - want).abs() < 1e-9,
                "{} {key}: terms give {got}, the indicator {want}",
                doc.meta.title
            );
        }
    }
}

#[test]
fn the_collection_rate_takes_first_use_only_with_the_second_life_as_recovery() {
    let doc = batteries("recovery");
    let a = analyse(&doc);
    let t = rate_terms(&doc, &usable_flows(&a.solution), "collection_rate").unwrap();
    // What enters use is the mine's 100 t and what the loop brings back.
    let d = a.indicators.eol_discards.unwrap();
    assert!(d > 100.0);
    let collected = 0.6 * d;
    assert_eq!(t.numerator.len(), 1);
    assert_eq!(t.numerator[0].0, "EVs in use -> Collection");
    assert!((t.numerator[0].1 - collected).abs() < 1e-9);
    assert_eq!(t.denominator, [("EVs in use".to_string(), d)]);
    assert!(rate_terms(&doc, &usable_flows(&a.solution), "mci").is_none());
}

#[test]
fn every_kind_says_what_it_counts_for() {
    for kind in NodeKind::ALL {
        assert!(counts_for(kind).len() > 40, "{kind:?}");
    }
    assert!(counts_for(NodeKind::Use).contains("products into use"));
    assert!(counts_for(NodeKind::Use).contains("second life"));
    assert!(counts_for(NodeKind::Recovery).contains("second life"));
}

const SIZE: [f32; 2] = [1400.0, 900.0];

/// Clicks a palette item, then the canvas at `at`.
fn place(h: &mut Harness<'_, LoopmapApp>, item: &str, at: Pos2) {
    h.get_by_label(&format!("Add {item}")).click();
    h.run();
    h.hover_at(at);
    h.run();
    h.drag_at(at);
    h.run();
    h.drop_at(at);
    h.run();
}

#[test]
fn the_palettes_second_life_use_places_a_recovery_node_and_the_inspector_says_why() {
    let mut h = common::editor_sized(Document::new("New"), SIZE);
    place(&mut h, "Second-life use", pos2(600.0, 400.0));
    let doc = h.state().editor.doc().clone();
    assert_eq!(doc.nodes.len(), 1);
    assert_eq!(doc.nodes[0].label, "Second-life use");
    assert_eq!(doc.nodes[0].kind, NodeKind::Recovery);
    // Selected on placing: the inspector says what a recovery node counts for, in a few
    // words, and in full on hover.
    let brief = loopmap::analysis::terms::counts_for_briefly(NodeKind::Recovery);
    h.get_by_label(brief).hover();
    h.run_steps(60);
    assert!(h.query_by_label(counts_for(NodeKind::Recovery)).is_some());
}

#[test]
fn the_collection_rate_tooltip_names_its_numerator_and_denominator() {
    let mut h = common::editor_sized(batteries("use"), SIZE);
    h.get_all_by_label("Collection rate")
        .next()
        .unwrap()
        .hover();
    h.run_steps(60);
    assert!(
        h.query_by_label_contains("In this map:").is_some(),
        "the tooltip names the rate's parts"
    );
    let doc = batteries("use");
    let a = analyse(&doc);
    let d1 = a.indicators.eol_discards.unwrap() / 1.06; // first life; the second is 6 % of it
    let amount = loopmap::present::amount;
    for part in [
        format!("Counts ({} t/yr)", amount(0.66 * d1)),
        format!("EVs in use -> Collection: {} t/yr", amount(0.6 * d1)),
        format!(
            "Second-life storage -> Recycling: {} t/yr",
            amount(0.06 * d1)
        ),
        format!(
            "Over end-of-life discards: what leaves use nodes ({} t/yr)",
            amount(1.06 * d1)
        ),
        format!("Second-life storage: {} t/yr", amount(0.06 * d1)),
    ] {
        assert!(
            h.query_by_label_contains(&part).is_some(),
            "{part:?} in the tooltip"
        );
    }
}

#[test]
fn help_lists_what_each_node_kind_counts_for() {
    let mut h = common::editor_sized(Document::new("New"), SIZE);
    h.get_by_label("Help").click();
    h.run();
    h.get_by_label("What each node kind counts for").hover();
    h.run();
    h.get_by_label("What each node kind counts for").click();
    h.run();
    for kind in NodeKind::ALL {
        assert!(
            h.query_by_label(counts_for(kind)).is_some(),
            "{kind:?} in Help"
        );
    }
}
