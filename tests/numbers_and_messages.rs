//! Numbers and messages a facilitator reads (issue 23, items 1–5): a redundant exact
//! amount does not make a determined map open, messages name things by the labels the
//! user typed, the diagnostics header counts its list, no output shows a negative zero,
//! and tied bottleneck stages are all named, stages listed in chain order.

use std::path::PathBuf;

use loopmap::analysis::{Status, analyse};
use loopmap::io;
use loopmap::model::{Document, FlowValue};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The cobalt chain of the issue: `process_2_to_process_3` holds the exact amount the
/// rest of the map implies (1000 / 0.46).
fn cobalt() -> Document {
    io::load(&fixture("redundant-exact.loopmap.json")).expect("the map loads")
}

fn flow_index(doc: &Document, id: &str) -> usize {
    doc.flows.iter().position(|f| f.id == id).unwrap()
}

// ---- 1. a redundant exact amount ----

#[test]
fn an_exact_amount_the_balances_already_imply_leaves_the_map_determined() {
    let doc = cobalt();
    let analysis = analyse(&doc);
    assert_eq!(
        analysis.solution.status,
        Status::Ok,
        "{:?}",
        analysis.messages
    );
    assert!(analysis.messages.is_empty(), "{:?}", analysis.messages);
    // The same map with that flow left to the solver: the same amounts.
    let mut auto = doc.clone();
    auto.flows[flow_index(&doc, "process_2_to_process_3")].value = FlowValue::Auto;
    let reference = analyse(&auto);
    assert_eq!(reference.solution.status, Status::Ok);
    for (f, (a, b)) in analysis
        .solution
        .flows
        .iter()
        .zip(&reference.solution.flows)
        .enumerate()
    {
        let (a, b) = (a.expect("determined"), b.unwrap());
        assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "{}: {a} against {b}",
            doc.flows[f].id
        );
    }
    let second_life = analysis.solution.flows[flow_index(&doc, "recovery_to_use_2")].unwrap();
    assert!(second_life > 0.0);
}

