//! The dynamic stock change in the editor, driven with egui_kittest: chosen in the
//! inspector of a use node, and set by the one-click fix of the steady-state note in the
//! indicator panel, both undone by Undo.

mod common;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use loopmap::app::Selection;
use loopmap::model::{Document, StockChange};

/// mine → make → EVs in use (lifetime 12, history growth 8 %) → landfill, in 2024.
fn map(stock_change: Option<StockChange>) -> Document {
    let text = r#"{"format": "loopmap", "version": 1,
      "meta": {"title": "EV chain", "year": 2024},
      "nodes": [
        {"id": "mine", "label": "Mine", "kind": "source", "pos": [0, 0]},
        {"id": "make", "label": "Make", "kind": "process", "pos": [200, 0]},
        {"id": "ev", "label": "EVs in use", "kind": "use", "pos": [400, 0],
         "lifetime": 12, "history_growth": 0.08},
        {"id": "land", "label": "Landfill", "kind": "waste", "pos": [600, 0]}],
      "flows": [
        {"id": "f1", "from": "mine", "to": "make", "amount": 1000},
        {"id": "f2", "from": "make", "to": "ev"},
        {"id": "f3", "from": "ev", "to": "land"}]}"#;
    let mut doc = loopmap::io::parse(text).unwrap();
    doc.nodes[2].stock_change = stock_change;
    doc
}

fn stock_change(h: &egui_kittest::Harness<'_, loopmap::app::LoopmapApp>) -> StockChange {
    h.state().editor.doc().node("ev").unwrap().stock_change()
}

fn end_of_life(h: &mut egui_kittest::Harness<'_, loopmap::app::LoopmapApp>) -> Option<f64> {
    h.state_mut().editor.analysis().solution.flows[2]
}

#[test]
fn the_inspector_chooses_a_dynamic_stock_change_and_undo_takes_it_back() {
    let mut h = common::editor_sized(map(Some(StockChange::Auto)), [1400.0, 1400.0]);
    h.state_mut().editor.selection = Selection::node("ev");
    h.run_steps(3);
    // Auto: nothing else fixes the outflow.
    assert_eq!(end_of_life(&mut h), None);
    h.get_by_label("Stock change").click();
    h.run_steps(2);
    h.get_by_label("dynamic (stock model)").click();
    h.run_steps(3);
    assert_eq!(stock_change(&h), StockChange::Dynamic);
    let d = end_of_life(&mut h).expect("the stock model sets the end of life");
    assert!(d > 0.0 && d < 500.0, "end of life {d} of 1000 entering");
    // The solved stock change is shown beside the choice.
    assert!(h.query_by_label("  solved").is_some());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(stock_change(&h), StockChange::Auto);
    // And back to a fixed amount: the amount field appears, at 0.
    h.get_by_label("Stock change").click();
    h.run_steps(2);
    h.get_by_label("fixed").click();
    h.run_steps(3);
    assert_eq!(stock_change(&h), StockChange::Fixed(0.0));
    assert!(h.query_by_label_contains("added to stock").is_some());
}

#[test]
fn the_steady_state_note_has_a_button_that_makes_the_stock_change_dynamic() {
    let mut h = common::editor_sized(map(None), [1400.0, 1400.0]);
    h.run_steps(2);
    // Steady state: all of the 1,000 t that enters use leaves it this year.
    assert_eq!(end_of_life(&mut h), Some(1000.0));
    assert!(
        h.query_by_label_contains("stock change is 0 (steady state)")
            .is_some()
    );
    h.get_by_label("Make the stock change dynamic").click();
    h.run_steps(3);
    assert_eq!(stock_change(&h), StockChange::Dynamic);
    assert!(end_of_life(&mut h).is_some_and(|d| d < 500.0));
    assert!(h.query_by_label("Make the stock change dynamic").is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(stock_change(&h), StockChange::Fixed(0.0));
    assert_eq!(h.state().editor.doc(), &map(None));
}
