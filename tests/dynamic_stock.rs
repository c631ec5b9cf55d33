//! `stock_change: "dynamic"` (format.md; indicators.md §1, §9): a use node whose
//! end-of-life outflow this year is the stock model's, κ × inflow + c, solved exactly,
//! reconciled like a balance, kept by load and save, and offered as the fix for a use
//! node in a steady state.

use std::path::PathBuf;

use loopmap::analysis::diagnostics::Severity;
use loopmap::analysis::roadmap::{self, Survival, cohorts, inflow_path};
use loopmap::analysis::{Status, Subject, analyse};
use loopmap::io;
use loopmap::model::{Document, Flow, FlowValue, Loop, Node, NodeKind, StockChange};
use proptest::prelude::*;

fn node(doc: &mut Document, id: &str, kind: NodeKind) -> usize {
    doc.nodes.push(Node::new(id, id.to_uppercase(), kind));
    doc.nodes.len() - 1
}

fn flow(doc: &mut Document, id: &str, from: &str, to: &str, value: FlowValue) -> usize {
    let mut f = Flow::new(id, from, to);
    f.value = value;
    doc.flows.push(f);
    doc.flows.len() - 1
}

/// mine → plant → use → (collection → plant as recycle loop, landfill): the use node
/// dynamic, with a lifetime of `lifetime` years and a history growth `h`.
fn chain(lifetime: f64, h: f64, mine: f64, collected: f64) -> Document {
    let mut doc = Document::new("dynamic chain");
    doc.meta.year = Some(2024);
    node(&mut doc, "mine", NodeKind::Source);
    node(&mut doc, "plant", NodeKind::Process);
    let u = node(&mut doc, "use", NodeKind::Use);
    node(&mut doc, "coll", NodeKind::Recovery);
    node(&mut doc, "land", NodeKind::Waste);
    doc.nodes[u].lifetime = Some(lifetime);
    doc.nodes[u].history_growth = Some(h);
    doc.nodes[u].stock_change = Some(StockChange::Dynamic);
    flow(&mut doc, "f_mine", "mine", "plant", FlowValue::Amount(mine));
    flow(&mut doc, "f_make", "plant", "use", FlowValue::Auto);
    flow(
        &mut doc,
        "f_collect",
        "use",
        "coll",
        FlowValue::Share(collected),
    );
    flow(&mut doc, "f_discard", "use", "land", FlowValue::Auto);
    let back = flow(&mut doc, "f_back", "coll", "plant", FlowValue::Share(0.9));
    doc.flows[back].loop_kind = Loop::Recycle;
    flow(&mut doc, "f_loss", "coll", "land", FlowValue::Auto);
    doc
}

/// The model's base-year outflow, from the roadmap's own cohorts (not from κ).
fn model_outflow(doc: &Document, id: &str, m: f64) -> f64 {
    let node = doc.node(id).unwrap();
    let base = doc.meta.year.unwrap();
    let (start, end) = roadmap::year_range(doc).unwrap();
    let inflow = inflow_path(node, base, m, start, end);
    let (_, outflow) = cohorts(&Survival::of(node).unwrap(), &inflow);
    outflow[(base - start) as usize]
}

fn amount(doc: &Document, a: &loopmap::analysis::Analysis, id: &str) -> f64 {
    let f = doc.flows.iter().position(|f| f.id == id).unwrap();
    a.solution.flows[f].unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn a_dynamic_use_node_sends_to_end_of_life_what_the_stock_model_says() {
    let doc = chain(12.0, 0.08, 1000.0, 0.6);
    let a = analyse(&doc);
    assert_eq!(a.solution.status, Status::Ok, "{:?}", a.messages);
    let m = amount(&doc, &a, "f_make");
    let d = amount(&doc, &a, "f_collect") + amount(&doc, &a, "f_discard");
    let want = model_outflow(&doc, "use", m);
    assert!(close(d, want, 1e-9), "end of life {d}, model {want}");
    // A 12-year product in a market growing 8 % a year: far less leaves than enters.
    assert!(d < 0.5 * m, "end of life {d} of {m} entering");
    // The stock change is what stays: M − D.
    let u = doc.nodes.iter().position(|n| n.id == "use").unwrap();
    let stock = a.solution.stock_change[u].unwrap();
    assert!(
        close(stock, m - d, 1e-9),
        "stock change {stock}, M − D {}",
        m - d
    );
    // And the roadmap's model end of life meets the map's.
    let r = roadmap::from_analysis(&doc, &a).unwrap();
    assert!(close(r.uses[0].model_eol, r.uses[0].map_eol, 1e-9));
}

#[test]
fn known_inflows_before_the_base_year_enter_the_dynamic_end_of_life() {
    let mut doc = chain(6.0, 0.0, 500.0, 0.5);
    let u = doc.nodes.iter().position(|n| n.id == "use").unwrap();
    doc.nodes[u].inflows.insert(2019, 5000.0);
    doc.nodes[u].lifetime_model = Some(loopmap::model::LifetimeModel::Fixed);
    let a = analyse(&doc);
    assert_eq!(a.solution.status, Status::Ok, "{:?}", a.messages);
    let m = amount(&doc, &a, "f_make");
    let d = amount(&doc, &a, "f_collect") + amount(&doc, &a, "f_discard");
    // Fixed lifetime 6: what entered in 2018 leaves in 2024, the known 2019 cohort next
    // year; without the known year the end of life would be the 2018 cohort alone.
    let want = model_outflow(&doc, "use", m);
    assert!(close(d, want, 1e-9), "end of life {d}, model {want}");
}

#[test]
fn a_fixed_end_of_life_that_the_stock_model_contradicts_is_named() {
    let mut doc = chain(12.0, 0.08, 1000.0, 0.6);
    doc.nodes[2].label = "EV batteries".into();
    // Everything around the use node fixed: 1,000 t in, 1,000 t out; the model says less.
    for (id, a) in [
        ("f_make", 1000.0),
        ("f_collect", 600.0),
        ("f_discard", 400.0),
    ] {
        let f = doc.flows.iter().position(|f| f.id == id).unwrap();
        doc.flows[f].value = FlowValue::Amount(a);
    }
    let a = analyse(&doc);
    assert_eq!(a.solution.status, Status::Inconsistent);
    assert!(
        a.messages
            .iter()
            .any(|m| m.contains("end of life of node 'EV batteries' (its dynamic stock change)")),
        "{:?}",
        a.messages
    );
    assert!(a.diagnostics.iter().any(|d| d.subject == Subject::Node("use".into())
        && d.message == "its stock model's end of life cannot be met together with the rest of the map"));
}

#[test]
fn a_dynamic_node_without_a_year_is_solved_as_auto_and_says_why() {
    let mut doc = chain(12.0, 0.05, 1000.0, 0.6);
    doc.meta.year = None;
    let a = analyse(&doc);
    // As auto: the use node's stock change is open, so its outflow is too.
    assert_eq!(a.solution.status, Status::Underdetermined);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.subject == Subject::Node("use".into()) && d.message.contains("dynamic"))
        .expect("a diagnostic on the dynamic node");
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("`meta.year`"), "{}", d.message);
    assert!(d.message.contains("solved as auto"), "{}", d.message);
}

#[test]
fn a_steady_state_use_node_with_a_lifetime_gets_a_note_and_the_fix_makes_it_dynamic() {
    let mut doc = chain(12.0, 0.08, 1000.0, 0.6);
    doc.nodes[2].stock_change = None; // the default: 0
    let a = analyse(&doc);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.fix.is_some())
        .expect("a diagnostic with a fix");
    assert_eq!(d.subject, Subject::Node("use".into()));
    assert_eq!(d.severity, Severity::Info);
    assert!(d.message.contains("steady state"), "{}", d.message);
    let fix = d.fix.clone().unwrap();
    fix.apply(&mut doc);
    assert_eq!(doc.nodes[2].stock_change(), StockChange::Dynamic);
    let after = analyse(&doc);
    assert!(after.diagnostics.iter().all(|d| d.fix.is_none()));
    // A use node without a lifetime gets no such note (there is no stock model to use).
    let mut no_life = chain(12.0, 0.08, 1000.0, 0.6);
    no_life.nodes[2].stock_change = None;
    no_life.nodes[2].lifetime = None;
    assert!(
        analyse(&no_life)
            .diagnostics
            .iter()
            .all(|d| d.fix.is_none())
    );
}

#[test]
fn a_map_with_a_dynamic_node_and_uncertain_figures_reconciles_with_the_model_end_of_life() {
    let mut doc = chain(12.0, 0.08, 1000.0, 0.6);
    let mine = doc.flows.iter().position(|f| f.id == "f_mine").unwrap();
    doc.flows[mine].uncertainty = Some(0.1);
    // A second figure for what enters use, that the mine's amount does not quite agree
    // with: the data are redundant and are adjusted.
    let make = doc.flows.iter().position(|f| f.id == "f_make").unwrap();
    doc.flows[make]
        .estimates
        .push(loopmap::model::Estimate::new(1150.0, 0.1));
    let a = analyse(&doc);
    assert_eq!(a.solution.status, Status::Reconciled, "{:?}", a.messages);
    let u = a.uncertainty.as_ref().unwrap();
    assert!(u.test.dof >= 1);
    let m = amount(&doc, &a, "f_make");
    let d = amount(&doc, &a, "f_collect") + amount(&doc, &a, "f_discard");
    let want = model_outflow(&doc, "use", m);
    assert!(close(d, want, 1e-7), "end of life {d}, model {want}");
    // The mine was adjusted (it is not 1000 as entered).
    assert!((amount(&doc, &a, "f_mine") - 1000.0).abs() > 1.0);
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn dynamic_is_loaded_and_saved_byte_stable() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = io::load(&fixture("magnet-chain.loopmap.json")).unwrap();
    let u = doc
        .nodes
        .iter()
        .position(|n| n.kind == NodeKind::Use)
        .unwrap();
    doc.nodes[u].stock_change = Some(StockChange::Dynamic);
    let path = dir.path().join("m.loopmap.json");
    io::save(&doc, &path).unwrap();
    let first = std::fs::read_to_string(&path).unwrap();
    assert!(first.contains("\"stock_change\": \"dynamic\""), "{first}");
    let loaded = io::load(&path).unwrap();
    assert_eq!(loaded, doc);
    io::save(&loaded, &path).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), first);
}

#[test]
fn an_unknown_stock_change_word_is_refused_naming_the_node_and_the_choices() {
    let text = r#"{"format": "loopmap", "version": 1, "meta": {"year": 2024},
        "nodes": [{"id": "ev", "label": "EVs", "kind": "use", "stock_change": "dynamc"}],
        "flows": []}"#;
    let message = io::parse(text).unwrap_err().to_string();
    for part in ["node 'ev'", "stock_change", "\"dynamc\"", "\"dynamic\""] {
        assert!(message.contains(part), "{part:?} in {message}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the lifetime, history growth (a steady or growing market: κ ≤ 1, so the
    /// recycle loop's gain stays below 1), amounts and collection share, a dynamic use
    /// node's solved end of life is the stock model's for the solved inflow, and the map
    /// still has exactly one solution.
    #[test]
    fn the_solved_end_of_life_of_a_dynamic_node_is_the_models(
        lifetime in 1.0f64..40.0,
        h in 0.0f64..0.3,
        mine in 1.0f64..1e5,
        collected in 0.0f64..1.0,
        model in 0usize..4,
    ) {
        let mut doc = chain(lifetime, h, mine, collected);
        doc.nodes[2].lifetime_model = Some(loopmap::model::LifetimeModel::ALL[model]);
        doc.nodes[2].weibull_shape = Some(2.5);
        let a = analyse(&doc);
        prop_assert_eq!(a.solution.status, Status::Ok, "{:?}", a.messages);
        let m = amount(&doc, &a, "f_make");
        let d = amount(&doc, &a, "f_collect") + amount(&doc, &a, "f_discard");
        let want = model_outflow(&doc, "use", m);
        prop_assert!(close(d, want, 1e-8), "end of life {}, model {}", d, want);
        let balance = amount(&doc, &a, "f_mine") + amount(&doc, &a, "f_back") - m;
        prop_assert!(balance.abs() <= 1e-8 * m.max(1.0), "plant balance off by {}", balance);
    }
}

fn write_map(dir: &std::path::Path, doc: &Document) -> PathBuf {
    let path = dir.join("map.loopmap.json");
    io::save(doc, &path).unwrap();
    path
}

fn loopmap(args: &[&str]) -> (String, String, i32) {
    let out = assert_cmd::Command::cargo_bin("loopmap")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn check_names_the_steady_state_use_node_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = chain(12.0, 0.08, 1000.0, 0.6);
    doc.nodes[2].stock_change = Some(StockChange::Fixed(0.0));
    doc.nodes[2].label = "Batteries in EVs".into();
    let path = write_map(dir.path(), &doc);
    let (out, _, code) = loopmap(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    let line = out
        .lines()
        .position(|l| l.contains("steady state"))
        .unwrap_or_else(|| panic!("no steady-state note in:\n{out}"));
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[line].starts_with("note: node 'Batteries in EVs'"),
        "{}",
        lines[line]
    );
    assert_eq!(
        lines[line + 1],
        "  fix: set `stock_change` to \"dynamic\" (Make the stock change dynamic)"
    );
}

#[test]
fn indicators_json_gives_the_fix_and_the_dynamic_stock_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = chain(12.0, 0.08, 1000.0, 0.6);
    doc.nodes[2].stock_change = None;
    let path = write_map(dir.path(), &doc);
    let (out, _, code) = loopmap(&["indicators", path.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let fixes: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.get("fix"))
        .collect();
    assert_eq!(
        fixes,
        [&serde_json::json!({"node": "use", "field": "stock_change", "value": "dynamic"})]
    );
    assert_eq!(v["stock_change"]["use"], 0.0);

    // Made dynamic: the stock change is the stock model's M − D, and no fix is offered.
    doc.nodes[2].stock_change = Some(StockChange::Dynamic);
    let path = write_map(dir.path(), &doc);
    let (out, _, _) = loopmap(&["indicators", path.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "ok");
    let a = analyse(&doc);
    let m = amount(&doc, &a, "f_make");
    let d = amount(&doc, &a, "f_collect") + amount(&doc, &a, "f_discard");
    let stock = v["stock_change"]["use"].as_f64().unwrap();
    assert!(close(stock, m - d, 1e-12), "{stock} against {}", m - d);
    assert!(
        stock > 0.5 * m,
        "a growing market keeps most of what enters: {stock} of {m}"
    );
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d.get("fix").is_none())
    );
}

#[test]
fn indicators_text_says_where_each_stock_change_comes_from() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = chain(12.0, 0.08, 1000.0, 0.6);
    doc.nodes[2].label = "EV batteries".into();
    let path = write_map(dir.path(), &doc);
    let (out, _, _) = loopmap(&["indicators", path.to_str().unwrap()]);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("EV batteries"))
        .unwrap_or_else(|| panic!("no stock-change line in:\n{out}"));
    assert!(
        line.ends_with("(dynamic: end of life from the stock model)"),
        "{line}"
    );
    assert!(
        out.contains("Stock change of each use node (t/yr)"),
        "{out}"
    );
}

#[test]
fn a_dynamic_node_without_a_lifetime_is_named_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = chain(12.0, 0.08, 1000.0, 0.6);
    doc.nodes[2].lifetime = None;
    doc.nodes[2].label = "Storage".into();
    let path = write_map(dir.path(), &doc);
    let (out, _, code) = loopmap(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "warning: node 'Storage': stock change is dynamic, but the node has no lifetime, \
             which the stock model needs: it is solved as auto until then"
        ),
        "{out}"
    );
}
