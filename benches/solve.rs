//! Load + solve + indicators on generated maps of 1,000, 10,000 and 100,000 flows, with
//! recycle loops that tie every chain into one ring (one large block for the solver).
//! Targets (issue 2): 10,000 flows under 20 ms, 100,000 under 300 ms.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use loopmap::model::{Document, Flow, FlowValue, Loop, Node, NodeKind};

/// `chains` parallel magnet chains (13 flows each); each chain's recycling feeds the next
/// chain's magnet making, closing one ring through all of them.
fn generated_map(chains: usize) -> Document {
    let mut doc = Document::new("generated");
    let countries = ["CN", "US", "AU", "MM", "MY", "JP"];
    doc.nodes
        .push(Node::new("landfill", "Landfill", NodeKind::Waste));
    let stages = [
        ("src", NodeKind::Source, Some("mining")),
        ("sep", NodeKind::Process, Some("separation")),
        ("alloy", NodeKind::Process, Some("metal")),
        ("mag", NodeKind::Process, Some("magnet")),
        ("use", NodeKind::Use, None),
        ("eol", NodeKind::Process, None),
        ("rec", NodeKind::Recovery, None),
        ("swarf", NodeKind::Recovery, None),
    ];
    for i in 0..chains {
        for (j, (name, kind, stage)) in stages.iter().enumerate() {
            let mut node = Node::new(format!("{name}{i}"), format!("{name} {i}"), *kind);
            node.pos = [220.0 * j as f64, 140.0 * i as f64];
            node.stage = stage.map(String::from);
            node.country = Some(countries[(i + j) % countries.len()].into());
            if *kind == NodeKind::Use {
                node.lifetime = Some(10.0 + (i % 7) as f64);
                node.lifetime_avg = Some(12.0);
            }
            doc.nodes.push(node);
        }
    }
    let mut add = |from: String, to: String, value: FlowValue, loop_kind: Loop| {
        let mut flow = Flow::new(format!("f{}", doc.flows.len()), from, to);
        flow.value = value;
        flow.loop_kind = loop_kind;
        doc.flows.push(flow);
    };
    let land = || "landfill".to_string();
    for i in 0..chains {
        let n = |name: &str| format!("{name}{i}");
        let next = format!("mag{}", (i + 1) % chains);
        use FlowValue::{Amount, Auto, Share};
        add(n("src"), n("sep"), Amount(100.0 + i as f64), Loop::None);
        add(n("sep"), n("alloy"), Auto, Loop::None);
        add(n("sep"), land(), Share(0.05), Loop::None);
        add(n("alloy"), n("mag"), Auto, Loop::None);
        add(n("mag"), n("use"), Auto, Loop::None);
        add(n("mag"), n("swarf"), Share(0.2), Loop::None);
        add(n("swarf"), n("alloy"), Share(0.9), Loop::Recycle);
        add(n("swarf"), land(), Auto, Loop::None);
        add(n("use"), n("eol"), Auto, Loop::None);
        add(n("eol"), n("rec"), Share(0.3), Loop::None);
        add(n("eol"), land(), Auto, Loop::None);
        add(n("rec"), next, Share(0.5), Loop::Recycle);
        add(n("rec"), land(), Auto, Loop::None);
    }
    doc
}

fn load_solve_indicators(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_solve_indicators");
    group.sample_size(10);
    for flows in [1_000usize, 10_000, 100_000] {
        let doc = generated_map(flows.div_ceil(13));
        let text = loopmap::io::to_canonical_string(&doc);
        // The generated map must be a real, solvable map, or the timing means nothing.
        let check = loopmap::analysis::analyse(&doc);
        assert_eq!(check.solution.status, loopmap::analysis::Status::Ok);
        group.bench_with_input(BenchmarkId::from_parameter(flows), &text, |b, text| {
            b.iter(|| {
                let doc = loopmap::io::parse(text).expect("generated map loads");
                loopmap::analysis::analyse(&doc)
            })
        });
    }
    group.finish();
}

fn solve_indicators(c: &mut Criterion) {
    let mut group = c.benchmark_group("solve_indicators");
    group.sample_size(10);
    for flows in [1_000usize, 10_000, 100_000] {
        let doc = generated_map(flows.div_ceil(13));
        group.bench_with_input(BenchmarkId::from_parameter(flows), &doc, |b, doc| {
            b.iter(|| loopmap::analysis::analyse(doc))
        });
    }
    group.finish();
}

criterion_group!(benches, load_solve_indicators, solve_indicators);
criterion_main!(benches);
