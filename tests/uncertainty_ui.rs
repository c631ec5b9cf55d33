//! The editor with uncertain figures (issue 25): typing a ± in % and an estimate in the
//! inspector, the indicator panel's range and test line, the suspect badge and the
//! contribution chart of the Uncertainty tab, in a real (kittest) window.

mod common;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use loopmap::app::{LoopmapApp, Selection, Tab};
use loopmap::model::{Document, Estimate, Flow, FlowValue, Node, NodeKind};

/// mine (100 t/yr) → plant → landfill.
fn chain() -> Document {
    let mut doc = Document::new("chain");
    doc.nodes.push(Node::new("mine", "Mine", NodeKind::Source));
    doc.nodes
        .push(Node::new("plant", "Plant", NodeKind::Process));
    doc.nodes
        .push(Node::new("land", "Landfill", NodeKind::Waste));
    let mut f = Flow::new("f1", "mine", "plant");
    f.value = FlowValue::Amount(100.0);
    doc.flows.push(f);
    doc.flows.push(Flow::new("f2", "plant", "land"));
    doc
}

fn type_into(h: &mut Harness<'_, LoopmapApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label(label).type_text(text);
    h.run();
    h.key_press(Key::Enter);
    h.run();
}

#[test]
fn typing_a_plus_minus_in_percent_keeps_the_fraction_in_the_map() {
    let mut h = common::editor(chain());
    h.state_mut().editor.selection = Selection::flow("f1");
    h.run();
    for (typed, kept) in [("20 %", 0.2), ("15%", 0.15), ("0.1", 0.1)] {
        type_into(&mut h, "± (%)", typed);
        assert_eq!(
            h.state().editor.doc().flows[0].uncertainty,
            Some(kept),
            "{typed}"
        );
    }
    // The σ shows in the panel: 100 ± 10 t/yr of virgin input.
    assert!(
        h.query_all_by_label_contains("100 ± 10 t/yr")
            .next()
            .is_some(),
        "the panel shows the amount with its σ"
    );
    // Nothing checks the mine's figure yet.
    assert!(
        h.query_all_by_label_contains("nothing to test")
            .next()
            .is_some()
    );
}

#[test]
fn an_estimate_typed_in_the_inspector_is_reconciled_and_the_test_line_reads() {
    let mut doc = chain();
    doc.flows[0].uncertainty = Some(0.1);
    let mut h = common::editor(doc);
    h.state_mut().editor.selection = Selection::flow("f2");
    h.run();
    h.get_by_label("Add estimate").click();
    h.run();
    assert_eq!(h.state().editor.doc().flows[1].estimates.len(), 1);
    type_into(&mut h, "  Amount (t/yr)", "110");
    type_into(&mut h, "  ± (%)", "9.090909090909091");
    type_into(&mut h, "  Source", "trade statistics");
    let e = &h.state().editor.doc().flows[1].estimates[0];
    assert_eq!(e.amount, 110.0);
    assert!((e.uncertainty - 1.0 / 11.0).abs() < 1e-12);
    assert_eq!(e.source, "trade statistics");
    // The two-estimates case of the spec: 105 ± 7.07, χ² 0.5 with 1 degree of freedom.
    assert!(
        h.query_all_by_label_contains("the data fit: χ² 0.50 with 1 degree of freedom")
            .next()
            .is_some(),
        "the panel's test line"
    );
    assert!(
        h.query_all_by_label_contains("110 t/yr -> 105 ± 7.07 t/yr")
            .next()
            .is_some()
    );
    // Remove drops the estimate.
    h.get_by_label("Remove").click();
    h.run();
    assert!(h.state().editor.doc().flows[1].estimates.is_empty());
}

/// The chain with two estimates of its second flow that disagree far beyond their ±.
fn disagreeing() -> Document {
    let mut doc = chain();
    doc.flows[0].uncertainty = Some(0.05);
    let mut e = Estimate::new(160.0, 0.05);
    e.source = "customs".into();
    doc.flows[1].estimates.push(e);
    doc
}

#[test]
fn a_suspect_carries_a_badge_and_the_panel_says_which_figure_to_check() {
    let mut h = common::editor(disagreeing());
    h.run();
    let analysis = h.state_mut().editor.analysis().clone();
    let u = analysis.uncertainty.as_ref().unwrap();
    assert!(!u.test.fits());
    assert!(
        h.query_all_by_label_contains("the data disagree")
            .next()
            .is_some(),
        "the panel's test line"
    );
    assert!(
        h.query_by_label_contains("check the estimate 1 of Plant -> Landfill (customs) first")
            .is_some()
            || h.query_all_by_label_contains("check the amount of Mine -> Plant first")
                .next()
                .is_some()
    );
    // Both figures are suspects, each flow with its badge.
    let suspects = &h.state().editor.shown().suspects;
    assert_eq!(suspects.iter().flatten().count(), 2, "{suspects:?}");
    // The diagnostics name them.
    assert!(
        h.query_all_by_label_contains("suspect 1 of 2")
            .next()
            .is_some()
    );
}

#[test]
fn the_uncertainty_tab_shows_what_to_improve_first_and_a_monte_carlo_interval() {
    let mut doc = disagreeing();
    // The estimate far less certain than the mine's figure: the mine's causes most of the
    // variance of virgin input.
    doc.flows[1].estimates[0].uncertainty = 0.5;
    let mut h = common::editor_sized(doc, [1600.0, 1000.0]);
    h.state_mut().tab = Tab::Uncertainty;
    h.run();
    assert!(h.query_by_label("Improve this figure first").is_some());
    h.state_mut().uncertainty.indicator = Some("virgin_input");
    h.run();
    let bars: Vec<String> = h
        .query_all_by_role(egui::accesskit::Role::ProgressIndicator)
        .filter_map(|n| n.accesskit_node().label().or_else(|| n.value()))
        .collect();
    // The mine's figure first; the estimate's share (under 0.5 %) is not worth a bar.
    assert_eq!(bars.len(), 1, "{bars:?}");
    assert!(bars[0].starts_with("amount of Mine -> Plant"), "{bars:?}");
    h.get_by_label_contains("Draw 1,000 times").click();
    for _ in 0..400 {
        h.step();
        if h.query_all_by_label_contains("5–95 %").next().is_some() {
            break;
        }
    }
    assert!(
        h.query_all_by_label_contains("5–95 %").next().is_some(),
        "the interval is shown"
    );
    let drawn: Vec<String> = h
        .query_all_by_label_contains("draws; mean")
        .filter_map(|n| n.accesskit_node().label().or_else(|| n.value()))
        .collect();
    assert!(
        drawn.iter().any(|t| t.starts_with("from 1000 draws")),
        "{drawn:?}"
    );
}
