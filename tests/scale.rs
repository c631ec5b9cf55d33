//! Large and deep maps analyse in bounded stack, time and memory (issue 13): a long chain
//! does not overflow the stack; many share outflows of one node cost linear time.

use std::time::{Duration, Instant};

use loopmap::analysis::{Status, analyse};
use loopmap::model::Document;

#[path = "../benches/common/mod.rs"]
mod common;

/// Runs `f` on a thread with a small stack: a recursion as deep as the map overflows it
/// (and aborts the test binary), an iterative walk does not.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn analyse_fully(doc: &Document) -> Status {
    let a = analyse(doc);
    // Provenance and the JSON of `indicators --json` walk the graph too.
    let _ = a.to_json(doc);
    let _ = loopmap::analysis::compare::cases(doc);
    a.solution.status
}

#[test]
fn a_long_chain_analyses_without_overflowing_the_stack() {
    let status = on_small_stack(|| {
        let mut doc = common::chain(30_000);
        doc.nodes[1].stage = Some("separation".into());
        doc.nodes[1].country = Some("CN".into());
        doc.nodes[2].stage = Some("magnet".into());
        doc.nodes[2].country = Some("JP".into());
        analyse_fully(&doc)
    });
    assert_eq!(status, Status::Ok);
}

#[test]
fn a_long_chain_with_a_loop_back_to_the_start_analyses_on_a_small_stack() {
    // One strongly connected block through every node.
    let status = on_small_stack(|| {
        let mut doc = common::chain(20_000);
        let n = doc.nodes.len();
        doc.nodes[n - 1].kind = loopmap::model::NodeKind::Recovery;
        doc.nodes.push(loopmap::model::Node::new(
            "lf",
            "Landfill",
            loopmap::model::NodeKind::Waste,
        ));
        let mut back = loopmap::model::Flow::new("back", format!("n{}", n - 1), "n1");
        back.value = loopmap::model::FlowValue::Share(0.5);
        back.loop_kind = loopmap::model::Loop::Recycle;
        doc.flows.push(back);
        doc.flows.push(loopmap::model::Flow::new(
            "loss",
            format!("n{}", n - 1),
            "lf",
        ));
        analyse_fully(&doc)
    });
    assert_eq!(status, Status::Ok);
}

#[test]
fn many_share_outflows_of_one_node_solve_in_linear_time() {
    let doc = common::share_fan(4_000);
    let start = Instant::now();
    let a = analyse(&doc);
    let took = start.elapsed();
    assert_eq!(a.solution.status, Status::Ok);
    let each = 900.0 / 4000.0;
    for amount in &a.solution.flows[1..=4000] {
        let amount = amount.expect("solved");
        assert!((amount - each).abs() < 1e-9, "{amount}");
    }
    // Quadratic, this took over 10 s and gigabytes; linear, well under a second.
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[test]
fn unequal_shares_and_a_zero_share_split_the_outflow_exactly() {
    let mut doc = common::share_fan(4);
    for (flow, share) in doc.flows[1..=4].iter_mut().zip([0.5, 0.3, 0.1, 0.0]) {
        flow.value = loopmap::model::FlowValue::Share(share);
    }
    let a = analyse(&doc);
    assert_eq!(a.solution.status, Status::Ok);
    let amounts: Vec<f64> = a.solution.flows[1..].iter().map(|a| a.unwrap()).collect();
    for (got, want) in amounts.iter().zip([500.0, 300.0, 100.0, 0.0, 100.0]) {
        assert!((got - want).abs() < 1e-9, "{amounts:?}");
    }
}

#[test]
fn shares_summing_past_one_leave_a_negative_rest() {
    let mut doc = common::share_fan(3);
    for flow in &mut doc.flows[1..=3] {
        flow.value = loopmap::model::FlowValue::Share(0.5);
    }
    let a = analyse(&doc);
    assert_eq!(a.solution.status, Status::Negative);
    assert_eq!(a.solution.negative, vec![doc.flows.len() - 1]);
}

/// `cargo test --release --test scale -- --ignored`: the target, a
/// 1,000,000-node chain, loads, analyses and formats.
#[test]
#[ignore = "a minute in a debug build; run with --release"]
fn a_million_node_chain_analyses() {
    let doc = common::chain(1_000_000);
    let text = loopmap::io::to_canonical_string(&doc);
    let start = Instant::now();
    let doc = loopmap::io::parse(&text).unwrap();
    assert_eq!(analyse_fully(&doc), Status::Ok);
    eprintln!(
        "1,000,000-node chain: parsed and analysed in {:?}",
        start.elapsed()
    );
}

#[test]
fn a_hundred_thousand_shares_with_the_rest_listed_last_solve() {
    // The rest flow after the shares once made one block of every outflow, which the
    // sparse LU could not solve at 30,000 shares: "underdetermined".
    let doc = common::share_fan(100_000);
    let analysis = loopmap::analysis::analyse(&doc);
    assert_eq!(
        analysis.solution.status,
        Status::Ok,
        "{:?}",
        analysis.messages.first()
    );
    let rest = analysis.solution.flows[doc.flows.len() - 1].expect("rest solved");
    assert!((rest - 100.0).abs() < 1e-6, "rest = {rest}");
}

#[test]
fn an_open_fan_names_ten_flows_and_counts_the_rest() {
    let mut doc = common::share_fan(50_000);
    doc.flows[0].value = loopmap::model::FlowValue::Auto;
    let analysis = loopmap::analysis::analyse(&doc);
    assert_eq!(analysis.solution.status, Status::Underdetermined);
    let message = &analysis.messages[0];
    assert!(message.len() < 2_000, "message of {} bytes", message.len());
    assert!(message.ends_with("and 49,992 more"), "{message}");
}
