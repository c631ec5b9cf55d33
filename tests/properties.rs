//! Property tests on random maps: the solver never panics, every `ok` solution meets every
//! equation, rates lie in [0, 1], and the canonical text of any map is stable.

use loopmap::analysis::{Analysis, Status, analyse};
use loopmap::io;
use loopmap::model::{Document, Flow, FlowValue, Loop, Node, NodeKind, StockChange};
use proptest::prelude::*;

const KINDS: [NodeKind; 6] = NodeKind::ALL;
const LOOPS: [Loop; 5] = Loop::ALL;

/// Any map the format can represent: flows between any two nodes, any mode, any loop.
fn any_map() -> impl Strategy<Value = Document> {
    (2usize..10)
        .prop_flat_map(|n| {
            (
                prop::collection::vec((0..6usize, 0..3u8, 0.5..40.0f64), n),
                prop::collection::vec(
                    (0..n, 0..n, 0..3u8, 0.0..500.0f64, 0.0..=1.0f64, 0..5usize),
                    0..3 * n,
                ),
            )
        })
        .prop_map(|(nodes, flows)| {
            let mut doc = Document::new("random");
            for (i, (kind, stock, lifetime)) in nodes.into_iter().enumerate() {
                let mut node = Node::new(format!("n{i}"), format!("Node {i}"), KINDS[kind]);
                node.lifetime = (i % 2 == 0).then_some(lifetime);
                if node.kind == NodeKind::Use {
                    node.stock_change = Some(match stock {
                        0 => StockChange::Fixed(0.0),
                        1 => StockChange::Fixed(lifetime),
                        _ => StockChange::Auto,
                    });
                }
                if i % 3 == 0 {
                    node.stage = Some("stage".into());
                    node.country = Some(["CN", "GB", "US"][i % 3].into());
                }
                doc.nodes.push(node);
            }
            for (i, (from, to, mode, amount, share, lp)) in flows.into_iter().enumerate() {
                if from == to {
                    continue;
                }
                let mut flow = Flow::new(format!("f{i}"), format!("n{from}"), format!("n{to}"));
                flow.value = match mode {
                    0 => FlowValue::Amount(amount),
                    1 => FlowValue::Share(share),
                    _ => FlowValue::Auto,
                };
                flow.loop_kind = LOOPS[lp];
                doc.flows.push(flow);
            }
            doc
        })
}

/// A map with exactly one non-negative solution: sources give fixed amounts; each
/// balanced node sends shares (summing below 1, some of them back as loops) and one auto
/// flow forward, or keeps the rest as stock.
fn well_posed_map() -> impl Strategy<Value = Document> {
    (3usize..14)
        .prop_flat_map(|n| {
            (
                prop::collection::vec((0..3usize, any::<bool>()), n),
                prop::collection::vec((0..n, 1.0..100.0f64), 1..4),
                prop::collection::vec(
                    prop::collection::vec((0..n + 2, 0.01..1.0f64, 0..5usize), 0..3),
                    n,
                ),
                prop::collection::vec(0..n + 2, n),
            )
        })
        .prop_map(|(kinds, sources, shares, forward)| {
            let n = kinds.len();
            let mut doc = Document::new("well posed");
            let balanced = [NodeKind::Process, NodeKind::Use, NodeKind::Recovery];
            for (i, (k, auto_stock)) in kinds.iter().enumerate() {
                let mut node = Node::new(format!("b{i}"), format!("B{i}"), balanced[*k]);
                if node.kind == NodeKind::Use {
                    node.lifetime = Some(5.0 + i as f64);
                    if *auto_stock {
                        node.stock_change = Some(StockChange::Auto);
                    }
                }
                doc.nodes.push(node);
            }
            doc.nodes
                .push(Node::new("landfill", "Landfill", NodeKind::Waste));
            doc.nodes
                .push(Node::new("export", "Export", NodeKind::Export));
            let target = |j: usize| match j {
                j if j < n => format!("b{j}"),
                j if j == n => "landfill".to_string(),
                _ => "export".to_string(),
            };
            let mut id = 0;
            let mut next_id = || {
                id += 1;
                format!("f{id}")
            };
            for (s, (to, amount)) in sources.iter().enumerate() {
                let mut src = Node::new(format!("s{s}"), format!("S{s}"), NodeKind::Source);
                src.supply = Some(if s == 1 {
                    loopmap::model::SourceMaterial::Recycled
                } else {
                    loopmap::model::SourceMaterial::Virgin
                });
                src.efficiency = Some(0.8);
                doc.nodes.push(src);
                let mut flow = Flow::new(next_id(), format!("s{s}"), format!("b{to}"));
                flow.value = FlowValue::Amount(*amount);
                doc.flows.push(flow);
            }
            for i in 0..n {
                let weights: f64 = shares[i].iter().map(|(_, w, _)| w).sum();
                let scale = if weights > 0.0 {
                    0.9 / weights.max(1.0)
                } else {
                    0.0
                };
                for (to, w, lp) in &shares[i] {
                    if *to == i {
                        continue;
                    }
                    let mut flow = Flow::new(next_id(), format!("b{i}"), target(*to));
                    flow.value = FlowValue::Share(w * scale);
                    flow.loop_kind = if *to < i {
                        LOOPS[1 + lp % 4]
                    } else {
                        Loop::None
                    };
                    doc.flows.push(flow);
                }
                let keeps_stock = doc.nodes[i].stock_change == Some(StockChange::Auto);
                if !keeps_stock {
                    // The auto flow goes strictly forward, so every path ends in a terminal.
                    let to = forward[i].max(i + 1);
                    doc.flows
                        .push(Flow::new(next_id(), format!("b{i}"), target(to)));
                }
            }
            doc
        })
}

fn scale(analysis: &Analysis) -> f64 {
    analysis
        .solution
        .flows
        .iter()
        .flatten()
        .fold(1.0f64, |m, a| m.max(a.abs()))
}

/// Every equation of indicators.md §1 holds to 1e-9 relative to the map's flows.
fn assert_meets_every_equation(doc: &Document, analysis: &Analysis) {
    let a: Vec<f64> = analysis.solution.flows.iter().map(|x| x.unwrap()).collect();
    let tol = 1e-9 * scale(analysis);
    let outflow = |id: &str| -> f64 {
        doc.flows
            .iter()
            .zip(&a)
            .filter(|(f, _)| f.from == id)
            .map(|(_, x)| x)
            .sum()
    };
    for (f, flow) in doc.flows.iter().enumerate() {
        match flow.value {
            FlowValue::Amount(x) => assert_eq!(a[f], x, "fixed flow {}", flow.id),
            FlowValue::Share(s) => {
                let r = a[f] - s * outflow(&flow.from);
                assert!(r.abs() <= tol, "share of {} off by {r}", flow.id);
            }
            FlowValue::Auto => assert!(a[f] >= 0.0, "flow {} negative", flow.id),
        }
    }
    for (n, node) in doc.nodes.iter().enumerate() {
        if !node.kind.is_balanced() {
            continue;
        }
        let inflow: f64 = doc
            .flows
            .iter()
            .zip(&a)
            .filter(|(f, _)| f.to == node.id)
            .map(|(_, x)| x)
            .sum();
        let stock = analysis.solution.stock_change[n].unwrap();
        let r = inflow - outflow(&node.id) - stock;
        assert!(r.abs() <= tol, "balance of {} off by {r}", node.id);
    }
}

fn assert_rates_in_unit_interval(analysis: &Analysis) {
    let i = &analysis.indicators;
    // MCI is floored at 0 by its definition (§5), so only its ceiling says anything;
    // recycled content and the EOL recycling input rate are not clamped at all.
    let mci = i.mci.unwrap_or(0.0);
    assert!(mci <= 1.0 + 1e-12, "mci = {mci}");
    for (name, v) in [
        ("recycled_content", i.recycled_content),
        ("eol_rir", i.eol_rir),
    ] {
        if let Some(v) = v {
            assert!((-1e-12..=1.0 + 1e-12).contains(&v), "{name} = {v}");
        }
    }
    // The end-of-life rates are shown at most 100 % (`min(1.0)`): checking that they are
    // ≤ 1 would check nothing. Check instead that they are not negative and that every
    // rate that had to be capped is reported, with its value past 1.
    for (name, v) in [
        ("collection_rate", i.collection_rate),
        ("eol_recycling_rate", i.eol_recycling_rate),
        ("reuse_rate", i.reuse_rate),
        ("landfill_rate", i.landfill_rate),
    ] {
        if let Some(v) = v {
            assert!(v >= -1e-12, "{name} = {v}");
        }
    }
    for (name, raw) in &i.capped {
        assert!(*raw > 1.0, "{name} capped at {raw}");
        assert!(
            analysis
                .diagnostics
                .iter()
                .any(|d| d.message.contains(name)),
            "{name} capped from {raw} without a word"
        );
    }
    for stage in &analysis.concentration.stages {
        if let Some(h) = stage.hhi {
            assert!((0.0..=10_000.0 + 1e-6).contains(&h));
        }
    }
}

/// A ring of 20 to 60 process nodes fed by one source, each passing a share on to the
/// next and the rest to landfill, the last one looping back to the first: every flow and
/// total outflow of the ring is one coupled block of 3 unknowns per node, past the 48
/// the dense solver takes, so these maps reach the sparse LU path.
fn ring_map() -> impl Strategy<Value = Document> {
    (20usize..60)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(0.05..0.95f64, n),
                1.0..1000.0f64,
                prop::collection::vec(any::<bool>(), n),
            )
        })
        .prop_map(|(shares, feed, as_rest)| {
            let n = shares.len();
            let mut doc = Document::new("ring");
            doc.nodes.push(Node::new("src", "Source", NodeKind::Source));
            doc.nodes
                .push(Node::new("landfill", "Landfill", NodeKind::Waste));
            for i in 0..n {
                doc.nodes.push(Node::new(
                    format!("r{i}"),
                    format!("R{i}"),
                    NodeKind::Process,
                ));
            }
            let mut f = Flow::new("feed", "src", "r0");
            f.value = FlowValue::Amount(feed);
            doc.flows.push(f);
            for (i, share) in shares.iter().enumerate() {
                let next = format!("r{}", (i + 1) % n);
                let mut on = Flow::new(format!("on{i}"), format!("r{i}"), next);
                on.value = FlowValue::Share(*share);
                if i + 1 == n {
                    on.loop_kind = Loop::Recycle;
                }
                let mut off = Flow::new(format!("off{i}"), format!("r{i}"), "landfill");
                // The rest either way: written as the share left, or left to the solver.
                if !as_rest[i] {
                    off.value = FlowValue::Share(1.0 - share);
                }
                doc.flows.push(on);
                doc.flows.push(off);
            }
            doc
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn large_coupled_blocks_solve_through_the_sparse_path(doc in ring_map()) {
        let analysis = analyse(&doc);
        prop_assert_eq!(analysis.solution.status, Status::Ok, "{:?}", analysis.messages);
        assert_meets_every_equation(&doc, &analysis);
        assert_rates_in_unit_interval(&analysis);
        // Whatever goes in ends in landfill.
        let feed = match doc.flows[0].value {
            FlowValue::Amount(a) => a,
            _ => unreachable!(),
        };
        let landfilled: f64 = doc
            .flows
            .iter()
            .zip(&analysis.solution.flows)
            .filter(|(f, _)| f.to == "landfill")
            .map(|(_, a)| a.unwrap_or(f64::NAN))
            .sum();
        prop_assert!((landfilled - feed).abs() <= 1e-6 * feed, "{} in, {} landfilled", feed, landfilled);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_solver_never_panics_and_ok_solutions_meet_every_equation(doc in any_map()) {
        let analysis = analyse(&doc);
        if analysis.solution.status == Status::Ok {
            assert_meets_every_equation(&doc, &analysis);
        }
        assert_rates_in_unit_interval(&analysis);
        if analysis.solution.status != Status::Ok {
            prop_assert!(!analysis.messages.is_empty(), "a non-ok status says why");
        }
    }

    #[test]
    fn well_posed_maps_solve_ok_and_meet_every_equation(doc in well_posed_map()) {
        let analysis = analyse(&doc);
        prop_assert_eq!(analysis.solution.status, Status::Ok, "{:?}", analysis.messages);
        assert_meets_every_equation(&doc, &analysis);
        assert_rates_in_unit_interval(&analysis);
    }

    #[test]
    fn canonical_text_of_any_map_reloads_to_the_same_map(doc in any_map()) {
        let text = io::to_canonical_string(&doc);
        let again = io::parse(&text).expect("canonical text loads");
        prop_assert_eq!(&again, &doc);
        prop_assert_eq!(io::to_canonical_string(&again), text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// An exact amount that repeats what the rest of the map implies adds an equation the
    /// others already meet: the map stays determined, and nothing moves.
    #[test]
    fn fixing_a_solved_auto_flow_at_its_solved_value_changes_nothing(
        doc in well_posed_map(),
        pick in any::<prop::sample::Index>(),
    ) {
        let before = analyse(&doc);
        prop_assert_eq!(before.solution.status, Status::Ok, "{:?}", before.messages);
        let auto: Vec<usize> = (0..doc.flows.len())
            .filter(|&f| doc.flows[f].value == FlowValue::Auto)
            .collect();
        prop_assume!(!auto.is_empty());
        let f = auto[pick.index(auto.len())];
        let mut fixed = doc.clone();
        fixed.flows[f].value = FlowValue::Amount(before.solution.flows[f].unwrap());
        let after = analyse(&fixed);
        prop_assert_eq!(
            after.solution.status,
            Status::Ok,
            "fixing {}: {:?}",
            &doc.flows[f].id,
            after.messages
        );
        let tol = 1e-9 * scale(&before);
        for (g, (a, b)) in before.solution.flows.iter().zip(&after.solution.flows).enumerate() {
            let (a, b) = (a.unwrap(), b.unwrap());
            prop_assert!((a - b).abs() <= tol, "{}: {} became {}", &doc.flows[g].id, a, b);
        }
        for (n, (a, b)) in before
            .solution
            .stock_change
            .iter()
            .zip(&after.solution.stock_change)
            .enumerate()
        {
            let (a, b) = (a.unwrap(), b.unwrap());
            prop_assert!((a - b).abs() <= tol, "stock of {}: {} became {}", &doc.nodes[n].id, a, b);
        }
    }
}

/// `value` with its keys in the order `order` picks (a shuffled object, as a person or
/// another tool might write it), recursively for the objects of a map file.
fn shuffled(value: &serde_json::Value, seed: u64) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            // A cheap deterministic shuffle from the seed.
            let mut s = seed | 1;
            for i in (1..entries.len()).rev() {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                entries.swap(i, (s % (i as u64 + 1)) as usize);
            }
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), shuffled(v, s.wrapping_add(k.len() as u64))))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| shuffled(v, seed)).collect()),
        other => other.clone(),
    }
}

/// Unknown keys (as a newer version would write) at every level that keeps them, plus
/// the `levers` and `roadmap` keys this version reads from the top level.
fn with_unknown_keys(doc: &Document, names: &[String], levers: bool) -> serde_json::Value {
    use serde_json::json;
    let text = io::to_canonical_string(doc);
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let add = |obj: &mut serde_json::Value, salt: usize| {
        for (i, name) in names.iter().enumerate() {
            obj[name.as_str()] = match (i + salt) % 3 {
                0 => json!(i),
                1 => json!({ "nested": [1, "two", { "deep": name }], "z": null, "a": true }),
                _ => json!(format!("{name} value")),
            };
        }
    };
    add(&mut v, 0);
    add(&mut v["meta"], 1);
    for key in ["nodes", "flows", "pain_points", "scenarios"] {
        if let Some(items) = v.get_mut(key).and_then(|a| a.as_array_mut()) {
            for (i, item) in items.iter_mut().enumerate() {
                add(item, i + 2);
            }
        }
    }
    if levers {
        let mut list = Vec::new();
        if let Some(f) = doc.flows.first() {
            list.push(json!({ "flow": f.id }));
        }
        list.push(json!({ "node": "n0", "field": "lifetime" }));
        v["levers"] = json!(list);
        v["roadmap"] = json!({ "start": 2025, "end": 2040 });
    }
    v
}

fn unknown_key_names() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop::sample::select(vec![
            "zeta", "alpha", "x-future", "Levers", "_note", "version2",
        ]),
        0..4,
    )
    .prop_map(|names| {
        let mut names: Vec<String> = names.into_iter().map(String::from).collect();
        names.sort();
        names.dedup();
        names
    })
}

fn map_with_pains_and_scenarios() -> impl Strategy<Value = Document> {
    (any_map(), 0..3usize, 0..3usize).prop_map(|(mut doc, pains, scenarios)| {
        for i in 0..pains {
            doc.pain_points.push(loopmap::model::PainPoint::new(
                format!("p{i}"),
                loopmap::model::Anchor::Node("n0".into()),
                format!("Pain {i}"),
            ));
        }
        for i in 0..scenarios {
            doc.scenarios.push(loopmap::model::Scenario {
                name: format!("s{i}"),
                description: String::new(),
                changes: Vec::new(),
                extra: Default::default(),
            });
        }
        doc
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// `loopmap fmt` is a fixed point: formatting a formatted file changes nothing, so
    /// `fmt --check` passes right after `fmt`, whatever order the keys came in.
    #[test]
    fn fmt_of_fmt_is_fmt_with_unknown_keys_at_every_level(
        doc in map_with_pains_and_scenarios(),
        names in unknown_key_names(),
        levers in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let file = shuffled(&with_unknown_keys(&doc, &names, levers), seed);
        let text = serde_json::to_string_pretty(&file).unwrap();
        let once = io::to_canonical_string(&io::parse(&text).expect("the map loads"));
        let twice = io::to_canonical_string(&io::parse(&once).expect("fmt output loads"));
        prop_assert_eq!(&twice, &once);
        // Nothing is lost: every unknown key is still there.
        for name in &names {
            let quoted = format!("\"{name}\"");
            prop_assert!(once.contains(&quoted), "{} lost", name);
        }
    }
}
