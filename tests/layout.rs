//! The layered Sankey layout: the samples arranged from scrambled positions read well, and
//! on random maps nodes never overlap, no flow passes through a node, loops nest by span,
//! every flow is routed, and the same input always gives the same picture.

use loopmap::analysis::analyse;
use loopmap::geometry::{Layout, Rect};
use loopmap::io::samples::SAMPLES;
use loopmap::layout::{self, Options, quality};
use loopmap::model::{Document, Flow, FlowValue, Loop, Node, NodeKind};
use proptest::prelude::*;

/// Positions scattered deterministically (a small linear congruential generator).
fn scramble(doc: &mut Document, seed: u64) {
    let mut s = seed;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 33) % 4000) as f64 - 2000.0
    };
    for n in &mut doc.nodes {
        n.pos = [next(), next()];
    }
}

/// The sample map whose file name starts with `name`.
fn sample_map(name: &str) -> Document {
    SAMPLES
        .iter()
        .find(|s| s.file_name.starts_with(name))
        .expect("a sample of that name")
        .load()
        .expect("the samples load")
}

fn arranged(doc: &Document) -> (Document, Layout) {
    arranged_with(doc, &analyse(doc).solution.flows)
}

fn arranged_with(doc: &Document, amounts: &[Option<f64>]) -> (Document, Layout) {
    let mut out = doc.clone();
    layout::arrange_in_place(&mut out, amounts, Options::default());
    let shapes = layout::shapes(&out, amounts, layout::Drawing::SANKEY);
    (out, shapes)
}

#[test]
fn the_samples_arranged_from_scrambled_positions_have_no_flow_through_a_node_and_no_label_on_anything()
 {
    // Crossing pairs as the layout gives them today (and /work/measure/quality.py counts
    // them on the SVG export), a ceiling against regressions. Graphviz dot on the same
    // graphs: 28, 0 and 1. For global-nd and ev-motor-loops, 2 and 1 are the fewest any
    // order of the columns can draw with loops in their channel (the next test): in
    // global-nd the residues flow from separation crosses the loops rising into metal;
    // dot gets 0 by drawing back edges as free curves between rows.
    let ceilings = [
        ("uk-ndfeb-magnets", 26),
        ("global-nd", 2),
        ("ev-motor-loops", 1),
    ];
    for sample in &SAMPLES {
        let doc = sample.load().expect("sample loads");
        let ceiling = ceilings
            .iter()
            .find(|(name, _)| sample.file_name.starts_with(name))
            .map(|c| c.1)
            .expect("a ceiling per sample");
        for seed in [1, 2, 3] {
            let mut scrambled = doc.clone();
            scramble(&mut scrambled, seed);
            let (out, shapes) = arranged(&scrambled);
            let q = quality::measure(&out, &shapes);
            assert_eq!(q.through_nodes, 0, "{}: {q:?}", sample.file_name);
            assert_eq!(q.overlapping_labels, 0, "{}: {q:?}", sample.file_name);
            assert!(q.crossings <= ceiling, "{}: {q:?}", sample.file_name);
            assert!(
                q.unlabelled * 5 <= out.flows.len(),
                "four flows in five keep a label: {}: {q:?}",
                sample.file_name
            );
            // The scrambled start does not matter: only the map does.
            let (again, _) = arranged(&doc);
            assert_eq!(
                out.nodes.iter().map(|n| n.pos).collect::<Vec<_>>(),
                again.nodes.iter().map(|n| n.pos).collect::<Vec<_>>(),
                "{}: arranged the same from any start",
                sample.file_name
            );
        }
    }
}

/// Every order of the nodes within each column of `doc`: the nodes of a column keep the
/// column's places, taken in every order.
fn column_orders(doc: &Document) -> Vec<Document> {
    let mut columns: Vec<Vec<usize>> = Vec::new();
    let mut by_x: Vec<usize> = (0..doc.nodes.len()).collect();
    by_x.sort_by(|&a, &b| doc.nodes[a].pos[0].total_cmp(&doc.nodes[b].pos[0]));
    for n in by_x {
        match columns.last_mut() {
            Some(c) if doc.nodes[c[0]].pos[0] == doc.nodes[n].pos[0] => c.push(n),
            _ => columns.push(vec![n]),
        }
    }
    let mut out = vec![doc.clone()];
    for column in columns.iter().filter(|c| c.len() > 1) {
        let places: Vec<[f64; 2]> = column.iter().map(|&n| doc.nodes[n].pos).collect();
        let mut next = Vec::new();
        for base in &out {
            for order in permutations(column.len()) {
                let mut d = base.clone();
                for (k, &slot) in order.iter().enumerate() {
                    d.nodes[column[k]].pos = places[slot];
                }
                next.push(d);
            }
        }
        out = next;
    }
    out
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for rest in permutations(n - 1) {
        for at in 0..=rest.len() {
            let mut p = rest.clone();
            p.insert(at, n - 1);
            out.push(p);
        }
    }
    out
}

#[test]
fn no_order_of_the_columns_crosses_fewer_flows_than_the_arranged_small_samples() {
    for name in ["global-nd", "ev-motor-loops"] {
        let doc = sample_map(name);
        let amounts = analyse(&doc).solution.flows;
        let (out, shapes) = arranged_with(&doc, &amounts);
        let arranged = quality::measure(&out, &shapes).crossings;
        let orders = column_orders(&out);
        assert!(orders.len() >= 12, "{name}: {} orders", orders.len());
        let fewest = orders
            .iter()
            .map(|d| {
                quality::measure(d, &layout::shapes(d, &amounts, layout::Drawing::SANKEY)).crossings
            })
            .min()
            .expect("at least one order");
        assert_eq!(
            arranged, fewest,
            "{name}: arranged {arranged}, an order of the columns draws {fewest}"
        );
    }
}

#[test]
fn the_uk_chain_reads_left_to_right_in_value_chain_order() {
    let doc = SAMPLES[0].load().expect("sample loads");
    let (out, _) = arranged(&doc);
    let x = |id: &str| out.node(id).expect("node").pos[0];
    let chain = [
        "mine",
        "sep",
        "metal",
        "magnet",
        "comp_abroad",
        "ev",
        "elv",
        "collect",
        "hpms",
    ];
    for pair in chain.windows(2) {
        assert!(x(pair[0]) < x(pair[1]), "{} before {}", pair[0], pair[1]);
    }
    assert_eq!(x("ev"), x("wind"), "products in use share a column");
}

#[test]
fn keep_order_keeps_each_columns_order_after_a_small_edit() {
    let doc = SAMPLES[0].load().expect("sample loads");
    let (mut out, _) = arranged(&doc);
    // Swap two products in use by hand, then arrange keeping the order.
    let (ev, wind) = (out.node("ev").unwrap().pos, out.node("wind").unwrap().pos);
    let ev_above = ev[1] < wind[1];
    out.nodes.iter_mut().find(|n| n.id == "ev").unwrap().pos[1] = wind[1];
    out.nodes.iter_mut().find(|n| n.id == "wind").unwrap().pos[1] = ev[1];
    let amounts = analyse(&out).solution.flows;
    layout::arrange_in_place(
        &mut out,
        &amounts,
        Options {
            keep_order: true,
            ..Default::default()
        },
    );
    let (ev, wind) = (out.node("ev").unwrap().pos, out.node("wind").unwrap().pos);
    assert_eq!(ev[1] < wind[1], !ev_above, "the hand-made order stays");
}

const STAGES: [Option<&str>; 6] = [
    None,
    Some("mining"),
    Some("separation"),
    Some("magnet"),
    Some("component"),
    None,
];
const LOOPS: [Loop; 5] = [
    Loop::None,
    Loop::None,
    Loop::Maintain,
    Loop::Reuse,
    Loop::Recycle,
];

fn random_map() -> impl Strategy<Value = Document> {
    (2usize..24).prop_flat_map(|n| {
        (
            proptest::collection::vec((0usize..6, 0usize..6), n),
            proptest::collection::vec((0..n, 0..n, 0usize..5, 1u32..1000), 0..(3 * n)),
        )
            .prop_map(move |(nodes, flows)| {
                let mut doc = Document::new("random");
                for (i, (k, s)) in nodes.iter().enumerate() {
                    let mut node =
                        Node::new(format!("n{i}"), format!("Node {i}"), NodeKind::ALL[*k]);
                    node.stage = STAGES[*s].map(str::to_string);
                    doc.nodes.push(node);
                }
                for (a, b, l, amount) in flows {
                    if a == b {
                        continue;
                    }
                    let mut f = Flow::new(
                        format!("f{}", doc.flows.len()),
                        format!("n{a}"),
                        format!("n{b}"),
                    );
                    f.loop_kind = LOOPS[l];
                    f.value = FlowValue::Amount(f64::from(amount));
                    doc.flows.push(f);
                }
                doc
            })
    })
}

fn overlap(a: &Rect, b: &Rect) -> bool {
    a.min.x < b.max.x && b.min.x < a.max.x && a.min.y < b.max.y && b.min.y < a.max.y
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn random_maps_arrange_cleanly(doc in random_map()) {
        let amounts = analyse(&doc).solution.flows;
        let (out, shapes) = arranged_with(&doc, &amounts);
        for i in 0..shapes.nodes.len() {
            for j in i + 1..shapes.nodes.len() {
                prop_assert!(!overlap(&shapes.nodes[i], &shapes.nodes[j]), "nodes {i} and {j} overlap");
            }
        }
        let q = quality::measure(&out, &shapes);
        prop_assert_eq!(q.through_nodes, 0);
        prop_assert_eq!(q.overlapping_labels, 0);
        // Every flow is routed from its from node's right side to its to node's left side.
        let index = out.node_index();
        for (f, flow) in out.flows.iter().enumerate() {
            let (a, b) = (index[flow.from.as_str()], index[flow.to.as_str()]);
            let points = &shapes.flows[f].points;
            prop_assert!(points.len() >= 2);
            prop_assert!((points[0].x - shapes.nodes[a].max.x).abs() < 1e-6);
            prop_assert!((points[points.len() - 1].x - shapes.nodes[b].min.x).abs() < 1e-6);
        }
        // Loops under the chain nest by span: one spanning more lies deeper.
        let below: Vec<(f64, f64, f64)> = shapes
            .flows
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_arc)
            .map(|(f, s)| {
                let flow = &out.flows[f];
                let (a, b) = (index[flow.from.as_str()], index[flow.to.as_str()]);
                let deepest = s.points.iter().map(|p| p.y).fold(f64::MIN, f64::max);
                (shapes.nodes[b].min.x, shapes.nodes[a].max.x, deepest)
            })
            .filter(|&(_, _, deepest)| shapes.nodes.iter().all(|n| deepest > n.max.y))
            .collect();
        for &(l1, r1, d1) in &below {
            for &(l2, r2, d2) in &below {
                if l1 < l2 && r2 < r1 {
                    prop_assert!(d1 > d2, "outer loop ({l1}..{r1}) at {d1}, inner ({l2}..{r2}) at {d2}");
                }
            }
        }
        // Same input, same output.
        let (again, shapes_again) = arranged_with(&doc, &amounts);
        prop_assert_eq!(&out, &again);
        for shape in &shapes.flows {
            prop_assert!(shape.points.iter().all(|p| p.x.is_finite() && p.y.is_finite()));
        }
        prop_assert_eq!(&shapes, &shapes_again);
    }
}

#[test]
fn a_map_opened_without_positions_is_arranged_and_arrange_undoes_in_one_step() {
    use loopmap::app::{LoopmapApp, Settings};
    let mut doc = SAMPLES[2].load().expect("sample loads");
    for n in &mut doc.nodes {
        n.pos = [0.0, 0.0];
    }
    let mut app = LoopmapApp::new(doc, None, Settings::default());
    let arranged: Vec<[f64; 2]> = app.editor.working().nodes.iter().map(|n| n.pos).collect();
    let shapes = layout::shapes(app.editor.working(), &[], layout::Drawing::SANKEY);
    for i in 0..shapes.nodes.len() {
        for j in i + 1..shapes.nodes.len() {
            assert!(!overlap(&shapes.nodes[i], &shapes.nodes[j]), "{i} and {j}");
        }
    }
    // A node dragged away comes back with Arrange; one undo takes it back out.
    app.editor.edit(None, |d| d.nodes[0].pos = [5000.0, 5000.0]);
    app.arrange(Options::default());
    let again: Vec<[f64; 2]> = app.editor.working().nodes.iter().map(|n| n.pos).collect();
    assert_eq!(again, arranged);
    app.editor.undo();
    assert_eq!(app.editor.working().nodes[0].pos, [5000.0, 5000.0]);
}

#[test]
fn loopmap_arrange_writes_the_arranged_map_in_canonical_form_in_place_or_to_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut doc = SAMPLES[1].load().expect("sample loads");
    scramble(&mut doc, 9);
    let file = dir.path().join("map.loopmap.json");
    loopmap::io::save(&doc, &file).expect("saved");
    let out = dir.path().join("out.loopmap.json");
    let run = assert_cmd::Command::cargo_bin("loopmap")
        .expect("binary")
        .args([
            "arrange",
            file.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--report",
        ])
        .assert()
        .success();
    let report = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(report.contains("flows through nodes 0"), "{report}");
    let written = std::fs::read_to_string(&out).expect("written");
    let arranged = loopmap::io::parse(&written).expect("loads");
    assert_eq!(
        written,
        loopmap::io::to_canonical_string(&arranged),
        "canonical"
    );
    assert_ne!(arranged.nodes[0].pos, doc.nodes[0].pos);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        loopmap::io::to_canonical_string(&doc),
        "FILE untouched with -o"
    );
    // Without -o, in place.
    assert_cmd::Command::cargo_bin("loopmap")
        .expect("binary")
        .args(["arrange", file.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
    // A file that cannot be read: exit 2, one line naming it.
    assert_cmd::Command::cargo_bin("loopmap")
        .expect("binary")
        .args(["arrange", dir.path().join("missing.json").to_str().unwrap()])
        .assert()
        .code(2);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// At fit in workshop mode on a 1280×720 projector, every amount placed is on its
    /// flow or on a leader line, over no node and no other amount, at 14 px or more.
    #[test]
    fn amounts_at_fit_overlap_no_node_and_no_other_amount(doc in random_map()) {
        let amounts = analyse(&doc).solution.flows;
        let (out, shapes) = arranged_with(&doc, &amounts);
        let texts: Vec<String> = out
            .flows
            .iter()
            .zip(&amounts)
            .map(|(f, a)| loopmap::present::flow_label(f, *a))
            .collect();
        let (placed, count, wanted) =
            loopmap::layout::labels::placed_at_fit(&shapes, &texts, &amounts, [1280.0, 480.0], (16.0, 14.0));
        prop_assert!(count <= wanted);
        let labels: Vec<Rect> = placed.iter().flatten().map(|l| l.rect).collect();
        for (i, l) in labels.iter().enumerate() {
            for n in &shapes.nodes {
                prop_assert!(!overlap(l, n), "amount {l:?} over node {n:?}");
            }
            for m in &labels[i + 1..] {
                prop_assert!(!overlap(l, m), "amounts {l:?} and {m:?} overlap");
            }
        }
        // Each leader runs from a point of its flow's line to its label's edge.
        for (f, l) in placed.iter().enumerate() {
            let Some(l) = l else { continue };
            if let Some([from, to]) = l.leader {
                let line = &shapes.flows[f].points;
                let near = line.windows(2).any(|s| {
                    let (dx, dy) = (s[1].x - s[0].x, s[1].y - s[0].y);
                    let len2 = (dx * dx + dy * dy).max(1e-12);
                    let t = (((from.x - s[0].x) * dx + (from.y - s[0].y) * dy) / len2).clamp(0.0, 1.0);
                    (s[0].x + t * dx - from.x).hypot(s[0].y + t * dy - from.y) < 1e-6
                });
                prop_assert!(near, "leader of flow {f} starts off its line");
                prop_assert!((to.y - l.rect.min.y).abs() < 1e-6 || (to.y - l.rect.max.y).abs() < 1e-6);
            }
        }
    }
}

/// A chain of three columns with three nodes stacked in the middle one, and a reuse
/// loop `from` → `to`: its highest and lowest points, and the boxes.
fn loop_extent(from: &str, to: &str) -> (f64, f64, Vec<Rect>) {
    let mut doc = Document::new("short loops");
    for (id, pos) in [
        ("src", [0.0, 0.0]),
        ("top", [300.0, -160.0]),
        ("mid", [300.0, 0.0]),
        ("low", [300.0, 400.0]),
        ("end", [600.0, -160.0]),
    ] {
        let mut n = Node::new(id, id, NodeKind::Process);
        n.pos = pos;
        doc.nodes.push(n);
    }
    for (id, a, b, kind, amount) in [
        ("f1", "src", "top", Loop::None, 10.0),
        ("f2", "src", "mid", Loop::None, 10.0),
        ("f3", "src", "low", Loop::None, 10.0),
        ("f4", "top", "end", Loop::None, 10.0),
        ("back", from, to, Loop::Reuse, 2.0),
    ] {
        let mut f = Flow::new(id, a, b);
        f.loop_kind = kind;
        f.value = FlowValue::Amount(amount);
        doc.flows.push(f);
    }
    let amounts = analyse(&doc).solution.flows;
    let shapes = layout::shapes(&doc, &amounts, layout::Drawing::SANKEY);
    let back = &shapes.flows[4];
    assert!(back.is_arc);
    let ys = back.points.iter().map(|p| p.y);
    let highest = ys.clone().fold(f64::MAX, f64::min);
    let deepest = ys.fold(f64::MIN, f64::max);
    (highest, deepest, shapes.nodes)
}

#[test]
fn a_loop_between_neighbours_in_one_column_runs_between_them_not_round_the_chain() {
    // From the top node back to the one under it: through the gap between the two.
    let (highest, deepest, nodes) = loop_extent("top", "mid");
    let (top, mid) = (nodes[1], nodes[2]);
    assert!(
        highest >= top.min.y,
        "{highest}: over the column ({})",
        top.min.y
    );
    assert!(
        deepest <= mid.max.y,
        "{deepest}: under the column ({})",
        mid.max.y
    );
}

#[test]
fn a_loop_to_the_column_before_runs_the_short_way_beside_its_ends() {
    // From the last column back to the middle of the one before: under the two ends, not
    // under the whole chain.
    let (_, deepest, nodes) = loop_extent("end", "mid");
    let low = nodes[3];
    assert!(
        deepest < low.min.y,
        "{deepest} under the lowest node ({})",
        low.min.y
    );
}

/// The UK and EV samples drawn with residue stubs (workshop mode).
fn with_stubs(doc: &Document) -> (Layout, Layout, Vec<Option<f64>>) {
    let amounts = analyse(doc).solution.flows;
    let stubs = layout::Drawing {
        stubs: true,
        ..layout::Drawing::SANKEY
    };
    (
        layout::shapes(doc, &amounts, layout::Drawing::SANKEY),
        layout::shapes(doc, &amounts, stubs),
        amounts,
    )
}

#[test]
fn residues_into_a_shared_sink_from_far_upstream_end_in_a_short_stub_beside_their_source() {
    for (sample, sinks) in [
        ("uk-ndfeb-magnets", &["landfill", "dissipated"][..]),
        ("ev-motor-loops", &["landfill"][..]),
    ] {
        let doc = sample_map(sample);
        let (full, stubbed, amounts) = with_stubs(&doc);
        let index = doc.node_index();
        let mut stubs = 0;
        for (f, (shape, flow)) in stubbed.flows.iter().zip(&doc.flows).enumerate() {
            let Some(sink) = shape.stub else {
                // Every other flow still runs into its to node, as it did.
                let to = stubbed.nodes[index[flow.to.as_str()]];
                let end = *shape.points.last().expect("points");
                assert!(
                    (end.x - to.min.x).abs() < 1e-9,
                    "{sample}: {} reaches its node",
                    flow.id
                );
                assert_eq!(full.flows[f].stub, None);
                continue;
            };
            stubs += 1;
            assert_eq!(
                doc.nodes[sink].id, flow.to,
                "{sample}: {} names its sink",
                flow.id
            );
            assert!(
                sinks.contains(&flow.to.as_str()),
                "{sample}: {} goes to a shared sink",
                flow.id
            );
            // Short, out of the source's right side, nowhere near the sink.
            let from = stubbed.nodes[index[flow.from.as_str()]];
            let (start, end) = (shape.points[0], *shape.points.last().expect("points"));
            assert!(
                (start.x - from.max.x).abs() < 1e-9,
                "{sample}: {} leaves its source",
                flow.id
            );
            assert!(
                end.x - start.x <= 40.0 + 1e-9,
                "{sample}: {} is a stub",
                flow.id
            );
            assert!(
                !shape.bounds.intersects(&stubbed.nodes[sink]),
                "{sample}: {} stops short of its sink",
                flow.id
            );
            // Its label names the sink.
            let text = layout::labels::flow_text(&doc, Some(shape), f, amounts[f], None);
            let name = layout::labels::short_name(&doc.nodes[sink].label);
            assert!(text.ends_with(&format!(" to {name}")), "{sample}: {text}");
        }
        assert!(stubs >= 2, "{sample}: {stubs} stubs");
        // Fewer long flows: no more crossings, nothing through a node, no label on anything.
        let (q_full, q_stub) = (
            quality::measure(&doc, &full),
            quality::measure(&doc, &stubbed),
        );
        assert!(
            q_stub.crossings <= q_full.crossings,
            "{sample}: {} > {}",
            q_stub.crossings,
            q_full.crossings
        );
        assert_eq!(q_stub.through_nodes, 0, "{sample}");
        assert_eq!(q_stub.overlapping_labels, 0, "{sample}");
        // A stub's mark sits on no node.
        for shape in &stubbed.flows {
            if let Some(mark) = loopmap::geometry::stub_mark(shape) {
                assert!(
                    stubbed.nodes.iter().all(|n| !n.intersects(&mark)),
                    "{sample}: a mark on a node"
                );
            }
        }
    }
}

#[test]
fn a_sink_only_two_stages_feed_keeps_its_flows_whole() {
    let doc = sample_map("global-nd");
    let (full, stubbed, _) = with_stubs(&doc);
    assert!(stubbed.flows.iter().all(|s| s.stub.is_none()));
    assert_eq!(full, stubbed);
}

/// The drawing's width over its height.
fn shape_of(layout: &Layout) -> f64 {
    let b = layout.bounds().expect("something drawn");
    (b.max.x - b.min.x) / (b.max.y - b.min.y)
}

#[test]
fn arrange_for_a_16_9_screen_spaces_a_wide_chain_towards_it_and_draws_no_worse() {
    let ceilings = [
        ("uk-ndfeb-magnets", 26),
        ("global-nd", 2),
        ("ev-motor-loops", 1),
    ];
    let target = 16.0 / 9.0;
    for (name, ceiling) in ceilings {
        let doc = sample_map(name);
        let amounts = analyse(&doc).solution.flows;
        let (compact, compact_shapes) = arranged_with(&doc, &amounts);
        let mut spaced = doc.clone();
        let options = Options {
            aspect: Some(target),
            ..Default::default()
        };
        layout::arrange_in_place(&mut spaced, &amounts, options);
        let shapes = layout::shapes(&spaced, &amounts, layout::Drawing::SANKEY);
        let (q, q_compact) = (
            quality::measure(&spaced, &shapes),
            quality::measure(&compact, &compact_shapes),
        );
        assert!(
            q.crossings <= q_compact.crossings.min(ceiling),
            "{name}: {}",
            q.crossings
        );
        assert_eq!(q.through_nodes, 0, "{name}");
        assert_eq!(q.overlapping_labels, 0, "{name}");
        // Nearer the screen's shape (or as near, where the room would draw worse).
        let off = |l: &Layout| (shape_of(l) / target).ln().abs();
        assert!(
            off(&shapes) <= off(&compact_shapes) + 1e-9,
            "{name}: {} against {}",
            shape_of(&shapes),
            shape_of(&compact_shapes)
        );
        if name == "uk-ndfeb-magnets" {
            // The UK chain is wide (2.6:1): its rows get room, and the map reads better.
            assert!(
                off(&shapes) < off(&compact_shapes) - 0.1,
                "{}",
                shape_of(&shapes)
            );
        }
    }
}

#[test]
fn loopmap_arrange_takes_the_screen_shape_and_refuses_one_that_is_not() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("uk.loopmap.json");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_maps/uk-ndfeb-magnets.loopmap.json"),
        &file,
    )
    .expect("copied");
    assert_cmd::Command::cargo_bin("loopmap")
        .expect("binary")
        .args(["arrange", "--aspect", "16:9", file.to_str().unwrap()])
        .assert()
        .success();
    let doc = loopmap::io::load(&file).expect("written");
    let mut expected = SAMPLES[0].load().expect("the sample");
    let amounts = analyse(&expected).solution.flows;
    let options = Options {
        aspect: Some(16.0 / 9.0),
        ..Default::default()
    };
    layout::arrange_in_place(&mut expected, &amounts, options);
    assert_eq!(doc.nodes, expected.nodes, "as Arrange for a 16:9 canvas");
    for bad in ["0:9", "16:0", "wide", "-2"] {
        let out = assert_cmd::Command::cargo_bin("loopmap")
            .expect("binary")
            .args([
                "arrange",
                &format!("--aspect={bad}"),
                file.to_str().unwrap(),
            ])
            .assert()
            .failure();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains("--aspect"), "{bad}: {err}");
    }
}
