//! Generated maps for the benchmarks. Each bench uses some of them.
#![allow(dead_code)]

use loopmap::model::{Document, Flow, FlowValue, Loop, Node, NodeKind};

/// `chains` parallel magnet chains (13 flows each); each chain's recycling feeds the next
/// chain's magnet making, closing one ring through all of them.
pub fn magnet_chains(chains: usize) -> Document {
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

/// A map of about `nodes` nodes and twice as many flows for drawing: small chains laid out
/// in a grid, each with all four reverse loops, so the canvas has arcs everywhere.
pub fn drawing_map(nodes: usize) -> Document {
    let mut doc = Document::new("frame benchmark");
    let chains = nodes / 6;
    let per_row = 20;
    let kinds = [
        ("src", NodeKind::Source),
        ("p1", NodeKind::Process),
        ("p2", NodeKind::Process),
        ("use", NodeKind::Use),
        ("rec", NodeKind::Recovery),
        ("lf", NodeKind::Waste),
    ];
    for i in 0..chains {
        let (gx, gy) = ((i % per_row) as f64 * 1400.0, (i / per_row) as f64 * 420.0);
        for (j, (name, kind)) in kinds.iter().enumerate() {
            let mut node = Node::new(format!("{name}{i}"), format!("{name} {i}"), *kind);
            node.pos = [gx + 220.0 * j as f64, gy + if j == 5 { 160.0 } else { 0.0 }];
            node.stage = Some(name.to_string());
            node.country = Some(["CN", "GB", "US"][i % 3].into());
            node.lifetime = (*kind == NodeKind::Use).then_some(12.0);
            doc.nodes.push(node);
        }
        let n = |name: &str| format!("{name}{i}");
        use FlowValue::{Amount, Auto, Share};
        for (from, to, value, loop_kind) in [
            ("src", "p1", Amount(100.0), Loop::None),
            ("p1", "p2", Auto, Loop::None),
            ("p1", "lf", Share(0.05), Loop::None),
            ("p2", "use", Auto, Loop::None),
            ("p2", "rec", Share(0.1), Loop::None),
            ("use", "rec", Share(0.3), Loop::None),
            ("use", "lf", Auto, Loop::None),
            ("use", "p2", Share(0.05), Loop::Reuse),
            ("rec", "p1", Share(0.5), Loop::Recycle),
            ("rec", "p2", Share(0.1), Loop::Remanufacture),
            ("rec", "use", Share(0.05), Loop::Maintain),
            ("rec", "lf", Auto, Loop::None),
        ] {
            let mut flow = Flow::new(format!("f{}", doc.flows.len()), n(from), n(to));
            flow.value = value;
            flow.loop_kind = loop_kind;
            doc.flows.push(flow);
        }
    }
    doc
}

/// A chain of `n` nodes: a source feeding `n - 2` processes one after the other, then a
/// landfill; only the source's outflow is given, the rest solved. Long, thin and deep.
pub fn chain(n: usize) -> Document {
    let n = n.max(2);
    let mut doc = Document::new("chain");
    for i in 0..n {
        let kind = match i {
            0 => NodeKind::Source,
            i if i + 1 == n => NodeKind::Waste,
            _ => NodeKind::Process,
        };
        let mut node = Node::new(format!("n{i}"), format!("Step {i}"), kind);
        node.pos = [200.0 * i as f64, 0.0];
        doc.nodes.push(node);
    }
    for i in 1..n {
        let mut flow = Flow::new(format!("f{i}"), format!("n{}", i - 1), format!("n{i}"));
        if i == 1 {
            flow.value = FlowValue::Amount(100.0);
        }
        doc.flows.push(flow);
    }
    doc
}

/// One process splitting its input into `shares` share flows (of 0.9 in all), each to its
/// own waste, and an auto flow taking the rest; fed by a source of 1,000. (Shares summing
/// to exactly 1 would make a redundant equation that round-off turns into a conflict.)
pub fn share_fan(shares: usize) -> Document {
    let mut doc = Document::new("share fan");
    doc.nodes.push(Node::new("mine", "Mine", NodeKind::Source));
    doc.nodes
        .push(Node::new("split", "Split", NodeKind::Process));
    let mut feed = Flow::new("feed", "mine", "split");
    feed.value = FlowValue::Amount(1000.0);
    doc.flows.push(feed);
    for i in 0..shares {
        doc.nodes.push(Node::new(
            format!("w{i}"),
            format!("Waste {i}"),
            NodeKind::Waste,
        ));
        let mut flow = Flow::new(format!("s{i}"), "split", format!("w{i}"));
        flow.value = FlowValue::Share(0.9 / shares as f64);
        doc.flows.push(flow);
    }
    doc.nodes.push(Node::new("rest", "Rest", NodeKind::Waste));
    doc.flows.push(Flow::new("rest", "split", "rest"));
    doc
}

/// The map with uncertain figures, as a data set that does not quite balance: every
/// source's amount ±10 %, every `every`-th share ±20 %, and on every `every`-th flow that
/// the map solves an estimate 5 % above its solved amount (±15 %).
pub fn with_uncertainty(mut doc: Document, every: usize) -> Document {
    let solved = loopmap::analysis::analyse(&doc).solution.flows;
    let mut shares = 0;
    let mut autos = 0;
    for (f, flow) in doc.flows.iter_mut().enumerate() {
        match flow.value {
            FlowValue::Amount(_) => flow.uncertainty = Some(0.1),
            FlowValue::Share(_) => {
                shares += 1;
                if shares % every == 0 {
                    flow.uncertainty = Some(0.2);
                }
            }
            FlowValue::Auto => {
                autos += 1;
                if autos % every == 0
                    && let Some(a) = solved[f].filter(|a| *a > 0.0)
                {
                    flow.estimates
                        .push(loopmap::model::Estimate::new(a * 1.05, 0.15));
                }
            }
        }
    }
    doc
}
