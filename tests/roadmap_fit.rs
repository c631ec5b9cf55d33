//! The roadmap's base-year end of life against the map's (issue 23, item 26): the history
//! growth that makes them meet, offered as a fit in the Values view and in
//! `loopmap roadmap`, with the dynamic stock change as the other way, and the note on why
//! the base year's secondary share is not the map's recycled content.

mod common;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use loopmap::analysis::roadmap::{self, FitError};
use loopmap::app::{RoadmapView, Tab};
use loopmap::model::{Document, StockChange};

fn uk() -> Document {
    loopmap::io::samples::SAMPLES[0].load().unwrap()
}

/// mine → make → wind in use (lifetime 25) → landfill: 1,000 t enters use and the map says
/// `eol` t leaves it this year.
fn wind(eol: f64) -> Document {
    let text = format!(
        r#"{{"format": "loopmap", "version": 1,
      "meta": {{"title": "Wind", "year": 2024}},
      "nodes": [
        {{"id": "mine", "label": "Mine", "kind": "source"}},
        {{"id": "make", "label": "Make", "kind": "process"}},
        {{"id": "wind", "label": "Wind turbines", "kind": "use", "lifetime": 25,
          "lifetime_sd": 5, "history_growth": 0.02, "stock_change": "auto"}},
        {{"id": "land", "label": "Landfill", "kind": "waste"}}],
      "flows": [
        {{"id": "f1", "from": "mine", "to": "make", "amount": 1000}},
        {{"id": "f2", "from": "make", "to": "wind"}},
        {{"id": "f3", "from": "wind", "to": "land", "amount": {eol}}}]}}"#
    );
    loopmap::io::parse(&text).unwrap()
}

fn off(doc: &Document, id: &str) -> f64 {
    let r = roadmap::compute(doc).unwrap();
    let u = r.uses.iter().find(|u| u.id == id).unwrap();
    u.model_eol / u.map_eol - 1.0
}

#[test]
fn the_fitted_history_growth_makes_the_model_end_of_life_the_maps() {
    for eol in [5.0, 40.0, 120.0, 300.0] {
        let mut doc = wind(eol);
        assert!(
            off(&doc, "wind").abs() > 0.05,
            "the sample starts off the map"
        );
        let r = roadmap::compute(&doc).unwrap();
        let fits = roadmap::history_fits(&doc, &r);
        assert_eq!(fits.len(), 1);
        assert_eq!(fits[0].current, 0.02);
        let h = fits[0].fitted.clone().unwrap();
        doc.nodes[2].history_growth = Some(h);
        // Rounded to 0.01 %/yr: within a few tenths of a percent of the map.
        assert!(
            off(&doc, "wind").abs() < 0.005,
            "{eol} t: off by {}",
            off(&doc, "wind")
        );
    }
    // Less end of life means a faster-growing history.
    let h = |eol| {
        let doc = wind(eol);
        let r = roadmap::compute(&doc).unwrap();
        roadmap::history_fits(&doc, &r)[0].fitted.clone().unwrap()
    };
    assert!(h(5.0) > h(40.0) && h(40.0) > h(120.0));
}

#[test]
fn an_end_of_life_no_history_growth_reaches_says_what_to_change() {
    // Far more than enters in a year: only a market shrinking faster than 50 % a year for
    // decades would send that much out of use.
    let doc = wind(1e15);
    let r = roadmap::compute(&doc).unwrap();
    let fit = roadmap::history_fits(&doc, &r)[0].fitted.clone();
    assert_eq!(fit, Err(FitError::TooMuch));
    assert!(
        FitError::TooMuch
            .to_string()
            .contains("shorten the lifetime")
    );
    let doc = wind(1e-9);
    let r = roadmap::compute(&doc).unwrap();
    let fit = roadmap::history_fits(&doc, &r)[0].fitted.clone();
    assert_eq!(fit, Err(FitError::TooLittle));
    assert!(
        FitError::TooLittle
            .to_string()
            .contains("lengthen the lifetime")
    );
}

#[test]
fn loopmap_roadmap_gives_the_fitting_growth_and_explains_the_base_year() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wind.loopmap.json");
    loopmap::io::save(&wind(120.0), &path).unwrap();
    let out = assert_cmd::Command::cargo_bin("loopmap")
        .unwrap()
        .args(["roadmap", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let doc = wind(120.0);
    let r = roadmap::compute(&doc).unwrap();
    let h = roadmap::history_fits(&doc, &r)[0].fitted.clone().unwrap();
    let header = text
        .lines()
        .find(|l| l.contains("End of life in 2024, per use node"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        header.trim_end().ends_with("history   fits map"),
        "{header}"
    );
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("Wind turbines"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("2.0 %/yr"), "{row}");
    let fitted = format!("{:.1} %/yr", 100.0 * h);
    assert!(
        row.trim_end().ends_with(&fitted),
        "{row} should end with {fitted}"
    );
    let note: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        note.contains("In 2024 the roadmap's secondary share is"),
        "{text}"
    );
    assert!(
        note.contains(
            "make the stock change dynamic so that the map takes the model's end of life"
        ),
        "{text}"
    );
}

fn values_tab(doc: Document) -> egui_kittest::Harness<'static, loopmap::app::LoopmapApp> {
    let mut h = common::editor_stepped(doc, [1600.0, 1000.0]);
    h.state_mut().tab = Tab::Roadmap;
    h.state_mut().roadmap.view = RoadmapView::Values;
    h.run_steps(4);
    h
}

/// Scrolls the Values view until the widget labelled `label` is inside the window.
fn bring_into_view(h: &mut egui_kittest::Harness<'_, loopmap::app::LoopmapApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run_steps(30);
    for _ in 0..5 {
        if h.get_by_label(label).rect().bottom() < 990.0 {
            return;
        }
        h.get_by_label(label).scroll_down();
        // Scrolling is animated: let it settle before the widget is clicked where it is.
        h.run_steps(30);
    }
    panic!("'{label}' cannot be scrolled into view");
}

#[test]
fn the_values_view_fits_a_products_history_growth_with_one_click() {
    let mut h = values_tab(uk());
    let ev = |h: &egui_kittest::Harness<'_, loopmap::app::LoopmapApp>| {
        h.state().editor.doc().node("ev").unwrap().clone()
    };
    let before = ev(&h).history_growth();
    let doc = h.state().editor.doc().clone();
    let r = roadmap::compute(&doc).unwrap();
    let fit = roadmap::history_fits(&doc, &r)
        .into_iter()
        .find(|f| f.id == "ev")
        .unwrap()
        .fitted
        .unwrap();
    assert_ne!(fit, before);
    let label = format!("Fit: {:.1} %/yr", 100.0 * fit);
    // The Values view scrolls: the button is brought into view first, as a user would.
    bring_into_view(&mut h, &label);
    h.get_by_label(&label).click();
    h.run_steps(3);
    assert_eq!(ev(&h).history_growth(), fit);
    assert!(off(h.state().editor.doc(), "ev").abs() < 0.01);
    // The explanation of the base year is there.
    assert!(
        h.query_by_label_contains("the roadmap's secondary share is")
            .is_some()
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(ev(&h).history_growth(), before);
}

#[test]
fn the_values_view_makes_a_products_stock_change_dynamic_and_the_map_meets_the_model() {
    // The map's end of life is what a fixed stock change of 880 t leaves: 120 t.
    let mut doc = wind(120.0);
    doc.flows[2].value = loopmap::model::FlowValue::Auto;
    doc.nodes[2].stock_change = Some(StockChange::Fixed(880.0));
    assert!(off(&doc, "wind").abs() > 0.5);
    let mut h = values_tab(doc);
    bring_into_view(&mut h, "Make dynamic");
    h.get_by_label("Make dynamic").click();
    h.run_steps(3);
    let doc = h.state().editor.doc().clone();
    assert_eq!(
        doc.node("wind").unwrap().stock_change(),
        StockChange::Dynamic
    );
    assert!(off(&doc, "wind").abs() < 1e-9);
    // Now the row says so instead of offering it again.
    assert!(h.query_by_label("Make dynamic").is_none());
    assert!(
        h.query_by_label("Dynamic: the map takes the model's end of life")
            .is_some()
    );
}

#[test]
fn a_use_node_far_from_the_stock_model_gets_a_note_whose_fix_is_the_dynamic_stock_change() {
    // The issue's wind case: the map sends 120 t to end of life, the model far more.
    let mut doc = wind(120.0);
    doc.flows[2].value = loopmap::model::FlowValue::Auto;
    doc.nodes[2].stock_change = Some(StockChange::Fixed(880.0));
    let a = loopmap::analysis::analyse(&doc);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.message.contains("the stock model sends"))
        .expect("a note on the wind node");
    let r = roadmap::compute(&doc).unwrap();
    let model = loopmap::present::amount(r.uses[0].model_eol);
    assert!(
        d.message.starts_with(&format!(
            "the stock model sends {model} t/yr to end of life this year, the map 120 t/yr"
        )),
        "{}",
        d.message
    );
    assert!(
        d.message.contains("make the stock change dynamic"),
        "{}",
        d.message
    );
    let fix = d.fix.clone().expect("the dynamic stock change as its fix");
    fix.apply(&mut doc);
    assert_eq!(doc.nodes[2].stock_change(), StockChange::Dynamic);
    let after = loopmap::analysis::analyse(&doc);
    assert!(after.solution.status.is_solved());
    assert!(
        after
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("the stock model sends"))
    );
    // The samples' use nodes are near enough (the EV motor sample's history growth was
    // fitted with this very fit): no such note there.
    for s in loopmap::io::samples::SAMPLES {
        let a = loopmap::analysis::analyse(&s.load().unwrap());
        assert!(
            a.diagnostics
                .iter()
                .all(|d| !d.message.contains("the stock model sends")),
            "{}",
            s.file_name
        );
    }
}
