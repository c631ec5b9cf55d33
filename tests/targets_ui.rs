//! The Targets tab, the panel's targets line, the roadmap's Targets view and the Supply
//! tab's governance view (issue 22), driven with egui_kittest at 1280×720: a set added
//! is in the map, a threshold typed is one undo step, the year met follows a lever, and
//! the governance figures are the core's with their source.

mod common;

use egui::{Key, Modifiers, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use loopmap::analysis::governance::ATTRIBUTION;
use loopmap::analysis::targets;
use loopmap::app::{LoopmapApp, RoadmapView, SupplyView, Tab};
use loopmap::model::Document;
use loopmap::model::targets::{Bound, Measure};

const PROJECTOR: [f32; 2] = [1280.0, 720.0];

fn uk() -> Document {
    loopmap::io::samples::SAMPLES[0].load().unwrap()
}

fn open_tab(h: &mut Harness<'_, LoopmapApp>, tab: &str) {
    h.get_all_by_label_contains(tab)
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
        .unwrap_or_else(|| panic!("the {tab} tab"))
        .click();
    h.run_steps(4);
}

fn label_with(h: &Harness<'_, LoopmapApp>, text: &str) -> String {
    h.query_all_by_label_contains(text)
        .next()
        .and_then(|n| {
            let node = n.accesskit_node();
            node.value().or_else(|| node.label())
        })
        .unwrap_or_else(|| panic!("a label with \"{text}\""))
}

/// Where the tab shows `label`: the indicator panel lists stages and countries too, and
/// the tab's are the lowest in the window.
fn in_tab(h: &Harness<'_, LoopmapApp>, label: &str) -> egui::Rect {
    h.get_all_by_label(label)
        .map(|n| n.rect())
        .filter(|r| r.bottom() < PROJECTOR[1])
        .max_by(|a, b| a.top().total_cmp(&b.top()))
        .unwrap_or_else(|| panic!("{label} in the window"))
}

#[test]
fn adding_the_uk_set_puts_its_rows_in_the_map_the_table_and_the_panel() {
    let mut doc = uk();
    doc.targets.clear();
    let mut h = common::editor_stepped(doc, PROJECTOR);
    open_tab(&mut h, "Targets (0)");
    assert_eq!(h.state().tab, Tab::Targets);
    h.get_by_label("Add the UK 2035 set").click();
    h.run_steps(4);
    let expected = targets::builtin_set("uk-2035", &uk()).unwrap();
    assert_eq!(h.state().editor.doc().targets, expected);
    assert!(h.state().editor.dirty(), "the set is saved with the map");
    // One row per target, inside the window, and the panel's line.
    for t in &expected {
        let row = h.get_by_label(&t.name).rect();
        assert!(
            row.bottom() < PROJECTOR[1] && row.right() < PROJECTOR[0],
            "{row:?}"
        );
    }
    assert_eq!(label_with(&h, "Targets: "), "Targets: 0 of 3 met — UK 2035");
    // The set cannot be added twice; the EU's can.
    h.get_by_label("Add the UK 2035 set").click();
    h.run_steps(2);
    assert_eq!(h.state().editor.doc().targets.len(), 3);
    h.get_by_label("Add the EU 2030 set").click();
    h.run_steps(4);
    assert_eq!(h.state().editor.doc().targets.len(), 7);
    assert!(h.query_by_label("EU 2030: processing").is_some());
    assert_eq!(
        label_with(&h, "Targets: "),
        "Targets: 0 of 7 met — UK 2035, EU 2030"
    );
    // An own row, then removed.
    h.get_by_label("Add row").click();
    h.run_steps(3);
    assert_eq!(h.state().editor.doc().targets[7].name, "Target 8");
    // Eight rows push the row's fields below the fold at 1280×720: they scroll.
    h.get_by_label("Remove row").scroll_to_me();
    h.run_steps(3);
    h.get_by_label("Remove row").click();
    h.run_steps(3);
    assert_eq!(h.state().editor.doc().targets.len(), 7);
}

#[test]
fn a_threshold_typed_meets_the_row_and_undo_brings_it_back() {
    let mut h = common::editor_stepped(uk(), PROJECTOR);
    open_tab(&mut h, "Targets (3)");
    assert_eq!(label_with(&h, "Targets: "), "Targets: 0 of 3 met — UK 2035");
    h.get_by_label("UK 2035: recycling").click();
    h.run_steps(3);
    assert_eq!(h.state().targets.selected, 1);
    h.get_by_label("Threshold (%)").click();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Threshold (%)").type_text("0.3");
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(3);
    let row = &h.state().editor.doc().targets[1];
    assert_eq!(row.bound, Bound::Min(0.003));
    assert_eq!(label_with(&h, "Targets: "), "Targets: 1 of 3 met — UK 2035");
    assert!(
        h.query_all_by_label_contains("✔").next().is_some(),
        "the row is marked met"
    );
    // Typing "0.3" is one undo step back to 20 %.
    h.run_steps(20);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(h.state().editor.doc().targets[1].bound, Bound::Min(0.2));
    assert_eq!(label_with(&h, "Targets: "), "Targets: 0 of 3 met — UK 2035");
}

#[test]
fn the_year_met_moves_when_a_collection_lever_moves() {
    let mut doc = uk();
    // 0.6 % of demand: the baseline gets there in 2036, sooner with more collection.
    let i = doc
        .targets
        .iter()
        .position(|t| t.measure == Measure::RecyclingShare)
        .unwrap();
    doc.targets[i].bound = Bound::Min(0.006);
    let size = [1600.0, 1000.0];
    let mut h = common::editor_stepped(doc, size);
    open_tab(&mut h, "Roadmap");
    h.state_mut().roadmap.view = RoadmapView::Targets;
    h.run_steps(4);
    let year_met =
        |h: &mut Harness<'_, LoopmapApp>| h.state_mut().editor.targets()[0].1.rows[i].year_met;
    assert_eq!(year_met(&mut h), Some(2036));
    let before = label_with(&h, "UK 2035: recycling (at least 0.60 %), year met:");
    assert!(before.contains("Baseline 2036 ·"), "{before}");
    let doc = h.state().editor.doc().clone();
    let lever = loopmap::model::levers::levers(&doc)
        .into_iter()
        .find(|l| l.describe(&doc).starts_with("ELV dismantling"))
        .map(|l| l.describe(&doc))
        .unwrap_or_else(|| {
            let all: Vec<String> = loopmap::model::levers::levers(&doc)
                .iter()
                .map(|l| l.describe(&doc))
                .collect();
            panic!("the ELV collection lever among {all:?}")
        });
    let slider = h
        .get_all_by_role(egui::accesskit::Role::Slider)
        .find(|n| n.accesskit_node().label().as_deref() == Some(lever.as_str()))
        .expect("the lever's slider");
    slider.scroll_to_me();
    h.run_steps(3);
    let rect = h
        .get_all_by_role(egui::accesskit::Role::Slider)
        .find(|n| n.accesskit_node().label().as_deref() == Some(lever.as_str()))
        .unwrap()
        .rect();
    let from = rect.center();
    h.hover_at(from);
    h.run_steps(2);
    h.drag_at(from);
    h.run_steps(2);
    for i in 1..=8 {
        h.hover_at(from + vec2(10.0 * i as f32, 0.0));
        h.step();
    }
    h.drop_at(from + vec2(80.0, 0.0));
    h.run_steps(4);
    let met = year_met(&mut h).expect("more collection still meets the row");
    assert!(met < 2036, "{met}");
    let after = label_with(&h, "UK 2035: recycling (at least 0.60 %), year met:");
    assert!(after.contains(&format!("Baseline {met}")), "{after}");
    assert_ne!(before, after);
}

#[test]
fn the_supply_tab_shows_governance_by_stage_and_country_with_its_source() {
    let mut h = common::editor_stepped(uk(), PROJECTOR);
    open_tab(&mut h, "Supply");
    h.get_by_label("Governance").click();
    h.run_steps(4);
    assert_eq!(h.state().supply.view, SupplyView::Governance);
    let report = targets::evaluate(&uk(), &[]);
    let risk = report.supply_risk.unwrap();
    assert_eq!(
        label_with(&h, "Supply risk:"),
        format!("Supply risk: {risk:.2}")
    );
    // Each stage's weighted HHI as the core has it.
    for s in &report.stages {
        let w = format!("{:.2}", s.wgi_hhi.unwrap());
        let stage = in_tab(&h, &s.stage);
        let cell = h
            .get_all_by_label(&w)
            .find(|n| (n.rect().center().y - stage.center().y).abs() < 3.0);
        assert!(cell.is_some(), "{}: {w}", s.stage);
    }
    // China's score, its source, and the attribution, inside the window.
    let china = in_tab(&h, "CN China");
    assert!(china.bottom() < PROJECTOR[1], "{china:?}");
    assert!(
        h.get_all_by_label("5.31")
            .any(|n| (n.rect().center().y - china.center().y).abs() < 3.0)
    );
    assert!(h.query_all_by_label("World Bank WGI 2024").next().is_some());
    let attribution = h.get_by_label_contains(ATTRIBUTION).rect();
    assert!(attribution.bottom() < PROJECTOR[1], "{attribution:?}");
}
