//! Numbers and messages a facilitator reads (issue 23, items 1–5): a redundant exact
//! amount does not make a determined map open, messages name things by the labels the
//! user typed, the diagnostics header counts its list, no output shows a negative zero,
//! and tied bottleneck stages are all named, stages listed in chain order.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loopmap::analysis::{Status, analyse};
use loopmap::app::LoopmapApp;
use loopmap::io;
use loopmap::model::{Document, FlowValue};
use serde_json::Value;

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

fn write(dir: &Path, name: &str, doc: &Document) -> PathBuf {
    let path = dir.join(name);
    io::save(doc, &path).unwrap();
    path
}

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("loopmap")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&run(args)).unwrap()
}

// ---- 1. a redundant exact amount ----

#[test]
fn an_exact_amount_the_balances_already_imply_leaves_the_map_determined() {
    let doc = cobalt();
    let analysis = analyse(&doc);
    // Solved: and since the exact amount checks the source's uncertain figure (±20 %),
    // that figure is reconciled, and fits (indicators.md §10).
    assert_eq!(
        analysis.solution.status,
        Status::Reconciled,
        "{:?}",
        analysis.messages
    );
    let test = analysis.uncertainty.as_ref().unwrap().test;
    assert_eq!(test.dof, 1);
    assert!(test.chi2 < 1e-12 && test.fits(), "{test:?}");
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

// ---- 2. labels, not ids ----

/// The cobalt map with nothing fixed: every flow is open, so every flow is named.
fn cobalt_open() -> Document {
    let mut doc = cobalt();
    for f in &mut doc.flows {
        if matches!(f.value, FlowValue::Amount(_)) {
            f.value = FlowValue::Auto;
        }
    }
    doc
}

#[test]
fn check_names_nodes_and_flows_by_their_labels() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "open.loopmap.json", &cobalt_open());
    let mut out = run(&["check", path.to_str().unwrap()]);
    out += &run(&[
        "check",
        fixture("redundant-exact.loopmap.json").to_str().unwrap(),
    ]);
    for said in [
        "flow 'Second-life storage -> Collection': amount is not determined",
        "flow 'Mine (DR Congo) -> Refinery (China)'",
        "note: node 'Cell and pack maker (EU)': stage 'cell and pack' has no country",
    ] {
        assert!(out.contains(said), "{said} missing in\n{out}");
    }
    for id in ["use_2_to_recovery", "process_3", "source_to_process"] {
        assert!(!out.contains(id), "id {id} shown in\n{out}");
    }
}

#[test]
fn the_id_is_added_only_where_two_labels_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = cobalt_open();
    let recycler = doc.nodes.iter().position(|n| n.id == "recovery_2").unwrap();
    doc.nodes[recycler].label = "Collection".into();
    let path = write(dir.path(), "twins.loopmap.json", &doc);
    let out = run(&["check", path.to_str().unwrap()]);
    assert!(
        out.contains("flow 'Collection (recovery) -> Collection (recovery_2)'"),
        "{out}"
    );
    assert!(
        out.contains("flow 'EVs in use (EU) -> Collection (recovery)'"),
        "{out}"
    );
    assert!(out.contains("Mine (DR Congo) -> Refinery (China)"), "{out}");
}

#[test]
fn the_indicators_table_and_the_report_name_flows_by_labels_and_json_keeps_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "open.loopmap.json", &cobalt_open());
    let path = path.to_str().unwrap();
    let table = run(&["indicators", path]);
    assert!(
        table.contains("  Second-life storage -> Collection"),
        "{table}"
    );
    assert!(!table.contains("use_2_to_recovery"), "{table}");

    let html = dir.path().join("report.html");
    run(&["export", path, "--html", html.to_str().unwrap()]);
    let html = std::fs::read_to_string(html).unwrap();
    let diagnostics = &html[html.find("<h2>Diagnostics</h2>").unwrap()..];
    assert!(
        diagnostics.contains("flow 'Second-life storage -&gt; Collection': amount is not"),
        "{diagnostics}"
    );
    assert!(!diagnostics.contains("use_2_to_recovery"), "{diagnostics}");

    let v = json(&["indicators", "--json", path]);
    assert!(v["flows"].get("use_2_to_recovery").is_some());
    let subjects: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["subject"])
        .collect();
    assert!(
        subjects.contains(&&serde_json::json!({ "kind": "flow", "id": "use_2_to_recovery" })),
        "{subjects:?}"
    );
}

// ---- 3. the diagnostics header ----

#[test]
fn the_diagnostics_header_counts_every_line_under_it() {
    let doc = cobalt_open();
    let analysis = analyse(&doc);
    let listed = analysis.messages.len() + analysis.diagnostics.len();
    assert!(!analysis.messages.is_empty());
    let mut h = Harness::builder()
        .with_size([1400.0, 1600.0])
        .build_eframe(move |_cc| LoopmapApp::new(doc, None, Default::default()));
    h.run();
    assert!(
        h.query_by_label(&format!("Diagnostics ({listed})"))
            .is_some(),
        "no header 'Diagnostics ({listed})'"
    );
}

// ---- 4. no negative zero ----

/// Every number of `v`, at any depth.
fn numbers(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Number(n) => out.extend(n.as_f64()),
        Value::Array(items) => items.iter().for_each(|x| numbers(x, out)),
        Value::Object(map) => map.values().for_each(|x| numbers(x, out)),
        _ => {}
    }
}

/// Whether `text` shows a number that is a signed zero: `-0`, `-0.0`, `-0.00 %`.
fn shows_negative_zero(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c != '-' || i + 1 >= chars.len() || chars[i + 1] != '0' {
            continue;
        }
        if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
            continue; // a word or an id with a dash
        }
        let number: String = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == '.')
            .collect();
        let rest = chars.get(i + 1 + number.chars().count());
        let is_zero = number
            .trim_end_matches('.')
            .chars()
            .all(|c| c == '0' || c == '.');
        if is_zero && !rest.is_some_and(|c| c.is_alphanumeric()) {
            let start = i.saturating_sub(30);
            return Some(chars[start..(i + 30).min(chars.len())].iter().collect());
        }
    }
    None
}

#[test]
fn no_json_of_the_commands_holds_a_negative_zero() {
    let dir = tempfile::tempdir().unwrap();
    let open = write(dir.path(), "open.loopmap.json", &cobalt_open());
    let mut maps = vec![fixture("redundant-exact.loopmap.json"), open];
    for name in ["closed-loop", "emf-product", "magnet-chain"] {
        maps.push(fixture(&format!("{name}.loopmap.json")));
    }
    for map in &maps {
        let map = map.to_str().unwrap();
        for args in [
            vec!["indicators", "--json", map],
            vec!["compare", "--json", map],
        ] {
            let text = run(&args);
            assert!(shows_negative_zero(&text).is_none(), "{args:?}: {text}");
            let mut all = Vec::new();
            numbers(&serde_json::from_str(&text).unwrap(), &mut all);
            assert!(
                !all.iter().any(|x| *x == 0.0 && x.is_sign_negative()),
                "{args:?}"
            );
        }
    }
}

#[test]
fn no_table_of_the_commands_shows_a_negative_zero() {
    assert_eq!(
        shows_negative_zero("coverage -0.0 %"),
        Some("coverage -0.0 %".into())
    );
    assert_eq!(shows_negative_zero("a -0 b"), Some("a -0 b".into()));
    assert_eq!(shows_negative_zero("x -0.5 y-0 -07"), None);
    let dir = tempfile::tempdir().unwrap();
    let open = write(dir.path(), "open.loopmap.json", &cobalt_open());
    for map in [fixture("redundant-exact.loopmap.json"), open] {
        let map = map.to_str().unwrap();
        for args in [vec!["indicators", map], vec!["check", map]] {
            let text = run(&args);
            if let Some(at) = shows_negative_zero(&text) {
                panic!("{args:?} shows a negative zero: …{at}…");
            }
        }
    }
}

// ---- 5. tied bottlenecks, chain order ----

/// Mining (CD), refining (CN) and cathode (KR) each come from one country: three stages
/// tied at HHI 10,000, alphabetically cathode, mining, refining.
const CHAIN: [&str; 3] = ["mining", "refining", "cathode"];

#[test]
fn tied_bottlenecks_are_all_in_the_json_in_chain_order() {
    let v = json(&[
        "indicators",
        "--json",
        fixture("redundant-exact.loopmap.json").to_str().unwrap(),
    ]);
    let supply = &v["supply"];
    assert_eq!(supply["bottleneck"], "mining", "the first in chain order");
    assert_eq!(supply["bottlenecks"], serde_json::json!(CHAIN));
    let stages: Vec<&str> = supply["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "mining",
            "refining",
            "cathode",
            "cell and pack",
            "use",
            "collection",
            "recycling",
            "second life"
        ]
    );
}

#[test]
fn the_indicators_table_says_the_bottleneck_stages_tie() {
    let table = run(&[
        "indicators",
        fixture("redundant-exact.loopmap.json").to_str().unwrap(),
    ]);
    assert!(
        table.contains(
            "bottleneck: 3 stages tied at HHI 10000: mining (top CD), refining (top CN), \
             cathode (top KR)"
        ),
        "{table}"
    );
    let at = |stage: &str| table.find(&format!("\n  {stage} ")).unwrap();
    assert!(at("mining") < at("refining") && at("refining") < at("cathode"));
}

#[test]
fn the_panel_and_the_supply_tab_name_every_tied_stage_in_chain_order() {
    let mut h = common::editor_sized(cobalt(), [1400.0, 1000.0]);
    let said = "3 stages tied at HHI 10000: mining (top CD), refining (top CN), cathode (top KR)";
    assert!(
        h.query_by_label(&format!("Bottlenecks: {said}")).is_some(),
        "the panel does not say the stages tie"
    );
    h.get_by_label("Supply").click();
    h.run_steps(3);
    assert_eq!(
        h.query_all_by_label(&format!("Bottlenecks: {said}"))
            .count(),
        2,
        "the Supply tab does not say it"
    );
    let stages: Vec<String> = (h.state_mut().editor.analysis().concentration.stages)
        .iter()
        .map(|s| s.stage.clone())
        .collect();
    assert_eq!(&stages[..3], CHAIN);
}
