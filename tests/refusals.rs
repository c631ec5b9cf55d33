//! format.md "Refused on load": each refusal gives a one-line message naming the item and
//! key (or the line and column), and odd-but-representable maps load with a diagnostic.

use loopmap::analysis::{Subject, analyse};
use loopmap::io;
use loopmap::model::Document;
use serde_json::{Value, json};

/// A small valid map: mine → make → use → landfill, with one pain point.
fn base() -> Value {
    json!({
        "format": "loopmap",
        "version": 1,
        "meta": { "title": "test", "unit": "t/yr" },
        "nodes": [
            { "id": "mine", "label": "Mine", "kind": "source" },
            { "id": "make", "label": "Make", "kind": "process" },
            { "id": "use", "label": "Use", "kind": "use", "lifetime": 10 },
            { "id": "lf", "label": "Landfill", "kind": "waste" }
        ],
        "flows": [
            { "id": "f1", "from": "mine", "to": "make", "amount": 10 },
            { "id": "f2", "from": "make", "to": "use" },
            { "id": "f3", "from": "use", "to": "lf" }
        ],
        "pain_points": [
            { "id": "p1", "on": "node:make", "title": "Slow permits" }
        ]
    })
}

/// The base map changed by `tweak`.
fn map(tweak: impl FnOnce(&mut Value)) -> Value {
    let mut v = base();
    tweak(&mut v);
    v
}

fn text(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

/// The message of the refusal; fails the test if the map loads.
fn refused_text(text: &str) -> String {
    match io::parse(text) {
        Ok(_) => panic!("expected a refusal, but the map loaded:\n{text}"),
        Err(e) => {
            let message = e.to_string();
            assert!(
                !message.contains('\n'),
                "a refusal is one line, got: {message}"
            );
            message
        }
    }
}

fn refused(v: &Value) -> String {
    refused_text(&text(v))
}

/// Asserts that `message` contains every one of `parts`.
#[track_caller]
fn assert_names(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "message should name {part:?}, got: {message}"
        );
    }
}

fn loads(v: &Value) -> Document {
    io::parse(&text(v)).unwrap_or_else(|e| panic!("should load, got: {e}"))
}

fn node<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
    v["nodes"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|n| n["id"] == id)
        .unwrap()
}

fn flow<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
    v["flows"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["id"] == id)
        .unwrap()
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key).unwrap();
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap();
    text[..at].matches('\n').count() + 1
}

#[test]
fn the_base_map_loads() {
    let doc = loads(&base());
    assert_eq!(doc.nodes.len(), 4);
    assert_eq!(doc.flows.len(), 3);
}

// ---- not JSON ----

#[test]
fn broken_json_names_line_and_column() {
    let text = "{\n  \"format\": \"loopmap\",\n  \"version\": 1,\n  \"meta\": {,}\n}\n";
    let message = refused_text(text);
    assert_names(&message, &["JSON", "line 4, column 12"]);
}

#[test]
fn truncated_json_names_a_line_and_column() {
    let full = text(&base());
    let message = refused_text(&full[..full.len() / 2]);
    assert_names(&message, &["JSON", "line ", "column "]);
}

#[test]
fn number_too_large_is_refused_as_json_with_line_and_column() {
    let text = text(&base()).replace("\"amount\": 10", "\"amount\": 1e999");
    let line = line_of(&text, "1e999");
    let message = refused_text(&text);
    assert_names(
        &message,
        &["JSON", &format!("line {line}, column "), "out of range"],
    );
}

#[test]
fn negative_number_too_large_is_refused_as_json_with_line_and_column() {
    let text = text(&base()).replace("\"amount\": 10", "\"amount\": -1e999");
    let line = line_of(&text, "-1e999");
    let message = refused_text(&text);
    assert_names(&message, &["JSON", &format!("line {line}, column ")]);
}

#[test]
fn nan_and_infinity_are_refused_as_json_with_line_and_column() {
    for word in ["NaN", "Infinity"] {
        let text = text(&base()).replace("\"amount\": 10", &format!("\"amount\": {word}"));
        let line = line_of(&text, word);
        let message = refused_text(&text);
        assert_names(&message, &["JSON", &format!("line {line}, column ")]);
    }
}

#[test]
fn json_that_is_not_an_object_is_refused() {
    let message = refused_text("[1, 2, 3]");
    assert_names(&message, &["not a Loopmap map"]);
}

// ---- format and version ----

#[test]
fn missing_format_is_refused() {
    let message = refused(&map(|v| remove(v, "format")));
    assert_names(&message, &["`format`", "missing"]);
}

#[test]
fn format_other_than_loopmap_is_refused_naming_the_value() {
    let message = refused(&map(|v| v["format"] = json!("drawio")));
    assert_names(&message, &["`format`", "drawio", "not a Loopmap map"]);
}

#[test]
fn missing_version_is_refused() {
    let message = refused(&map(|v| remove(v, "version")));
    assert_names(&message, &["`version`", "missing"]);
}

#[test]
fn newer_version_is_refused_with_the_format_number() {
    let message = refused(&map(|v| v["version"] = json!(2)));
    assert_names(
        &message,
        &[
            "made by a newer Loopmap (format 2)",
            "this build reads up to 1",
        ],
    );
}

#[test]
fn version_that_is_not_a_whole_number_from_one_is_refused() {
    for bad in [json!(0), json!("1"), json!(-1)] {
        let message = refused(&map(|v| v["version"] = bad.clone()));
        assert_names(&message, &["`version`"]);
    }
}

// ---- required keys missing ----

#[test]
fn missing_meta_is_refused() {
    let message = refused(&map(|v| remove(v, "meta")));
    assert_names(&message, &["`meta`"]);
}

#[test]
fn missing_nodes_is_refused() {
    let message = refused(&map(|v| remove(v, "nodes")));
    assert_names(&message, &["`nodes`"]);
}

#[test]
fn missing_flows_is_refused() {
    let message = refused(&map(|v| remove(v, "flows")));
    assert_names(&message, &["`flows`"]);
}

#[test]
fn missing_pain_points_and_scenarios_load_as_empty() {
    let doc = loads(&map(|v| remove(v, "pain_points")));
    assert!(doc.pain_points.is_empty());
    assert!(doc.scenarios.is_empty());
}

#[test]
fn missing_node_label_names_the_node_and_key() {
    let message = refused(&map(|v| remove(node(v, "make"), "label")));
    assert_names(&message, &["node 'make'", "`label`"]);
}

#[test]
fn missing_node_kind_names_the_node_and_key() {
    let message = refused(&map(|v| remove(node(v, "make"), "kind")));
    assert_names(&message, &["node 'make'", "`kind`"]);
}

#[test]
fn missing_node_id_names_the_node_by_position() {
    let message = refused(&map(|v| remove(&mut v["nodes"][1], "id")));
    assert_names(&message, &["node #2", "`id`"]);
}

#[test]
fn missing_flow_from_names_the_flow_and_key() {
    let message = refused(&map(|v| remove(flow(v, "f2"), "from")));
    assert_names(&message, &["flow 'f2'", "`from`"]);
}

#[test]
fn missing_flow_to_names_the_flow_and_key() {
    let message = refused(&map(|v| remove(flow(v, "f2"), "to")));
    assert_names(&message, &["flow 'f2'", "`to`"]);
}

#[test]
fn missing_flow_id_names_the_flow_by_position() {
    let message = refused(&map(|v| remove(&mut v["flows"][2], "id")));
    assert_names(&message, &["flow #3", "`id`"]);
}

#[test]
fn missing_pain_point_on_names_the_pain_point_and_key() {
    let message = refused(&map(|v| remove(&mut v["pain_points"][0], "on")));
    assert_names(&message, &["pain point 'p1'", "`on`"]);
}

#[test]
fn missing_pain_point_title_names_the_pain_point_and_key() {
    let message = refused(&map(|v| remove(&mut v["pain_points"][0], "title")));
    assert_names(&message, &["pain point 'p1'", "`title`"]);
}

#[test]
fn scenario_without_a_name_is_refused_naming_it_by_position() {
    let message = refused(&map(|v| v["scenarios"] = json!([{ "changes": [] }])));
    assert_names(&message, &["scenario #1", "`name`"]);
}

// ---- wrong types ----

#[test]
fn lifetime_as_text_names_the_node_and_key() {
    let message = refused(&map(|v| node(v, "use")["lifetime"] = json!("ten")));
    assert_names(&message, &["node 'use'", "`lifetime`", "ten"]);
}

#[test]
fn amount_as_text_names_the_flow_and_key() {
    let message = refused(&map(|v| flow(v, "f1")["amount"] = json!("10")));
    assert_names(&message, &["flow 'f1'", "`amount`"]);
}

#[test]
fn meta_of_the_wrong_type_is_refused() {
    let message = refused(&map(|v| v["meta"] = json!([])));
    assert_names(&message, &["meta"]);
}

#[test]
fn meta_title_of_the_wrong_type_names_the_key() {
    let message = refused(&map(|v| v["meta"]["title"] = json!(3)));
    assert_names(&message, &["meta", "`title`"]);
}

#[test]
fn nodes_that_is_not_an_array_is_refused() {
    let message = refused(&map(|v| v["nodes"] = json!({})));
    assert_names(&message, &["`nodes`", "array"]);
}

#[test]
fn node_label_null_names_the_node_and_key() {
    let message = refused(&map(|v| node(v, "make")["label"] = Value::Null));
    assert_names(&message, &["node 'make'", "`label`"]);
}

#[test]
fn node_pos_with_one_coordinate_names_the_node_and_key() {
    let message = refused(&map(|v| node(v, "lf")["pos"] = json!([1])));
    assert_names(&message, &["node 'lf'", "`pos`"]);
}

#[test]
fn stock_change_other_than_a_number_or_auto_names_the_node_and_key() {
    let message = refused(&map(|v| node(v, "use")["stock_change"] = json!("later")));
    assert_names(&message, &["node 'use'", "`stock_change`"]);
}

#[test]
fn node_id_that_is_a_number_is_refused() {
    let message = refused(&map(|v| v["nodes"][1]["id"] = json!(7)));
    assert_names(&message, &["node #2", "`id`"]);
}

#[test]
fn node_id_with_a_space_is_refused() {
    let message = refused(&map(|v| {
        node(v, "lf")["id"] = json!("land fill");
        flow(v, "f3")["to"] = json!("land fill");
    }));
    assert_names(&message, &["node 'land fill'", "`id`"]);
}

// ---- unknown enum values ----

#[test]
fn unknown_node_kind_names_the_node_and_key() {
    let message = refused(&map(|v| node(v, "make")["kind"] = json!("factory")));
    assert_names(&message, &["node 'make'", "`kind`", "factory"]);
}

#[test]
fn unknown_supply_names_the_node_and_key() {
    let message = refused(&map(|v| node(v, "mine")["supply"] = json!("mined")));
    assert_names(&message, &["node 'mine'", "`supply`", "mined"]);
}

#[test]
fn unknown_loop_names_the_flow_and_key() {
    let message = refused(&map(|v| flow(v, "f2")["loop"] = json!("compost")));
    assert_names(&message, &["flow 'f2'", "`loop`", "compost"]);
}

#[test]
fn unknown_category_names_the_pain_point_and_key() {
    let message = refused(&map(|v| {
        v["pain_points"][0]["category"] = json!("political")
    }));
    assert_names(&message, &["pain point 'p1'", "`category`", "political"]);
}

#[test]
fn unknown_status_names_the_pain_point_and_key() {
    let message = refused(&map(|v| v["pain_points"][0]["status"] = json!("closed")));
    assert_names(&message, &["pain point 'p1'", "`status`", "closed"]);
}

#[test]
fn bad_pain_point_anchor_names_the_pain_point_and_key() {
    let message = refused(&map(|v| v["pain_points"][0]["on"] = json!("make")));
    assert_names(&message, &["pain point 'p1'", "`on`", "node:<id>"]);
}

// ---- duplicate ids ----

#[test]
fn duplicate_node_ids_are_refused() {
    let message = refused(&map(|v| {
        v["nodes"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "make", "label": "Make again", "kind": "process" }))
    }));
    assert_names(&message, &["node 'make'", "duplicate", "#2", "#5"]);
}

#[test]
fn duplicate_flow_ids_are_refused() {
    let message = refused(&map(|v| {
        v["flows"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "f1", "from": "make", "to": "lf" }))
    }));
    assert_names(&message, &["flow 'f1'", "duplicate"]);
}

#[test]
fn duplicate_pain_point_ids_are_refused() {
    let message = refused(&map(|v| {
        v["pain_points"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "p1", "on": "map", "title": "Again" }))
    }));
    assert_names(&message, &["pain point 'p1'", "duplicate"]);
}

#[test]
fn duplicate_scenario_names_are_refused() {
    let message = refused(&map(|v| {
        v["scenarios"] = json!([{ "name": "more", "changes": [] }, { "name": "more" }])
    }));
    assert_names(&message, &["scenario 'more'", "duplicate"]);
}

// ---- references ----

#[test]
fn flow_to_missing_node_names_flow_and_key() {
    let message = refused(&map(|v| flow(v, "f2")["to"] = json!("shop")));
    assert_names(&message, &["flow 'f2'", "`to`", "shop"]);
}

#[test]
fn flow_from_missing_node_names_flow_and_key() {
    let message = refused(&map(|v| flow(v, "f2")["from"] = json!("shop")));
    assert_names(&message, &["flow 'f2'", "`from`", "shop"]);
}

#[test]
fn flow_from_itself_is_refused() {
    let message = refused(&map(|v| flow(v, "f2")["to"] = json!("make")));
    assert_names(&message, &["flow 'f2'", "`from`", "`to`", "make"]);
}

// ---- numbers out of range ----

#[test]
fn negative_amount_is_refused() {
    let message = refused(&map(|v| flow(v, "f1")["amount"] = json!(-5)));
    assert_names(&message, &["flow 'f1'", "`amount`", "-5"]);
}

#[test]
fn negative_uncertainty_is_refused() {
    let message = refused(&map(|v| flow(v, "f1")["uncertainty"] = json!(-0.1)));
    assert_names(&message, &["flow 'f1'", "`uncertainty`"]);
}

#[test]
fn share_above_one_is_refused() {
    let message = refused(&map(|v| flow(v, "f2")["share"] = json!(1.5)));
    assert_names(&message, &["flow 'f2'", "`share`", "1.5"]);
}

#[test]
fn negative_share_is_refused() {
    let message = refused(&map(|v| flow(v, "f2")["share"] = json!(-0.1)));
    assert_names(&message, &["flow 'f2'", "`share`"]);
}

#[test]
fn shares_of_zero_and_one_load() {
    loads(&map(|v| flow(v, "f2")["share"] = json!(1)));
    loads(&map(|v| flow(v, "f2")["share"] = json!(0)));
}

#[test]
fn both_amount_and_share_are_refused() {
    let message = refused(&map(|v| flow(v, "f1")["share"] = json!(0.5)));
    assert_names(&message, &["flow 'f1'", "`amount`", "`share`"]);
}

#[test]
fn efficiency_of_zero_is_refused() {
    let message = refused(&map(|v| {
        let mine = node(v, "mine");
        mine["supply"] = json!("recycled");
        mine["efficiency"] = json!(0);
    }));
    assert_names(&message, &["node 'mine'", "`efficiency`"]);
}

#[test]
fn efficiency_above_one_is_refused() {
    let message = refused(&map(|v| node(v, "mine")["efficiency"] = json!(1.5)));
    assert_names(&message, &["node 'mine'", "`efficiency`", "1.5"]);
}

#[test]
fn efficiency_of_one_loads() {
    loads(&map(|v| node(v, "mine")["efficiency"] = json!(1)));
}

#[test]
fn certified_outside_zero_to_one_is_refused() {
    for bad in [-0.1, 1.1] {
        let message = refused(&map(|v| node(v, "mine")["certified"] = json!(bad)));
        assert_names(&message, &["node 'mine'", "`certified`"]);
    }
}

#[test]
fn lifetime_of_zero_or_below_is_refused() {
    for bad in [0, -3] {
        let message = refused(&map(|v| node(v, "use")["lifetime"] = json!(bad)));
        assert_names(&message, &["node 'use'", "`lifetime`"]);
    }
}

#[test]
fn intensity_of_zero_or_below_is_refused() {
    for key in ["intensity", "intensity_avg", "lifetime_avg"] {
        let message = refused(&map(|v| node(v, "use")[key] = json!(0)));
        assert_names(&message, &["node 'use'", &format!("`{key}`")]);
    }
}

#[test]
fn country_share_outside_zero_to_one_is_refused() {
    let message = refused(&map(|v| {
        node(v, "make")["countries"] = json!({ "CN": 1.5 })
    }));
    assert_names(&message, &["node 'make'", "`countries`", "CN"]);
}

#[test]
fn severity_out_of_one_to_five_is_refused() {
    for bad in [0, 6] {
        let message = refused(&map(|v| v["pain_points"][0]["severity"] = json!(bad)));
        assert_names(&message, &["pain point 'p1'", "`severity`"]);
    }
}

#[test]
fn severity_that_does_not_fit_a_small_integer_is_refused() {
    for bad in [json!(-1), json!(300), json!(2.5)] {
        let message = refused(&map(|v| v["pain_points"][0]["severity"] = bad.clone()));
        assert_names(&message, &["pain point 'p1'", "`severity`"]);
    }
}

#[test]
fn negative_votes_are_refused() {
    let message = refused(&map(|v| v["pain_points"][0]["votes"] = json!(-1)));
    assert_names(&message, &["pain point 'p1'", "`votes`"]);
}

// ---- scenarios ----

#[test]
fn scenario_change_with_both_amount_and_share_is_refused() {
    let message = refused(&map(|v| {
        v["scenarios"] = json!([{ "name": "more", "changes": [
            { "flow": "f1", "amount": 1, "share": 0.1 }
        ] }])
    }));
    assert_names(&message, &["scenario 'more'", "`amount`", "`share`"]);
}

#[test]
fn scenario_change_with_share_above_one_is_refused() {
    let message =
        refused(&map(
            |v| {
                v["scenarios"] =
                    json!([{ "name": "more", "changes": [{ "flow": "f2", "share": 2 }] }])
            },
        ));
    assert_names(&message, &["scenario 'more'", "change #1", "`share`"]);
}

#[test]
fn scenario_change_naming_a_missing_flow_loads_and_is_reported() {
    let doc = loads(&map(
        |v| {
            v["scenarios"] =
                json!([{ "name": "more", "changes": [{ "flow": "ghost", "share": 0.5 }] }])
        },
    ));
    let analysis = loopmap::analysis::analyse_scenario(&doc, &doc.scenarios[0]);
    assert!(
        analysis
            .diagnostics
            .iter()
            .any(|d| d.subject == Subject::Scenario("more".into()) && d.message.contains("ghost")),
        "{:?}",
        analysis.diagnostics
    );
}

// ---- a refusal changes nothing ----

#[test]
fn loading_a_refused_file_leaves_it_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.loopmap.json");
    let bytes = text(&map(|v| flow(v, "f2")["to"] = json!("shop")));
    std::fs::write(&path, &bytes).unwrap();
    let err = io::load(&path).unwrap_err();
    assert_names(&err.to_string(), &["flow 'f2'", "shop"]);
    assert_eq!(std::fs::read(&path).unwrap(), bytes.as_bytes());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn loading_a_missing_file_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.loopmap.json");
    let err = io::load(&path).unwrap_err();
    assert_names(&err.to_string(), &["nowhere.loopmap.json"]);
}

// ---- odd but representable: loads, with a diagnostic ----

fn has_diagnostic(doc: &Document, subject: &Subject, words: &str) -> bool {
    analyse(doc)
        .diagnostics
        .iter()
        .any(|d| &d.subject == subject && d.message.contains(words))
}

#[track_caller]
fn assert_diagnostic(doc: &Document, subject: Subject, words: &str) {
    assert!(
        has_diagnostic(doc, &subject, words),
        "expected a diagnostic on {subject:?} mentioning {words:?}, got: {:#?}",
        analyse(doc).diagnostics
    );
}

#[test]
fn the_base_map_has_no_warnings_or_errors() {
    let doc = loads(&base());
    let diagnostics = analyse(&doc).diagnostics;
    assert!(
        diagnostics
            .iter()
            .all(|d| d.severity == loopmap::analysis::Severity::Info),
        "{diagnostics:#?}"
    );
}

#[test]
fn flow_into_a_source_loads_with_a_diagnostic() {
    let doc = loads(&map(|v| {
        v["flows"].as_array_mut().unwrap().push(
            json!({ "id": "back", "from": "use", "to": "mine", "amount": 1, "loop": "reuse" }),
        )
    }));
    assert_diagnostic(&doc, Subject::Flow("back".into()), "source");
}

#[test]
fn flow_out_of_a_waste_loads_with_a_diagnostic() {
    let doc = loads(&map(|v| {
        v["flows"].as_array_mut().unwrap().push(
            json!({ "id": "dig", "from": "lf", "to": "make", "amount": 1, "loop": "recycle" }),
        )
    }));
    // The waste is named by its label.
    assert_diagnostic(&doc, Subject::Flow("dig".into()), "waste node 'Landfill'");
}

#[test]
fn unbalanced_node_loads_with_a_diagnostic() {
    let doc = loads(&map(|v| flow(v, "f2")["amount"] = json!(4)));
    assert_diagnostic(&doc, Subject::Node("make".into()), "balance");
}

#[test]
fn shares_summing_past_one_load_with_a_diagnostic() {
    let doc = loads(&map(|v| {
        v["nodes"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "out", "label": "Export", "kind": "export" }));
        flow(v, "f3")["share"] = json!(0.7);
        v["flows"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "f4", "from": "use", "to": "out", "share": 0.6 }));
    }));
    assert_diagnostic(&doc, Subject::Node("use".into()), "past 1");
}

#[test]
fn forward_cycle_loads_with_a_diagnostic() {
    let doc = loads(&map(|v| {
        v["flows"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "back", "from": "use", "to": "make", "share": 0.5 }))
    }));
    let diagnostics = analyse(&doc).diagnostics;
    let cycle = diagnostics
        .iter()
        .find(|d| d.message.contains("cycle"))
        .unwrap_or_else(|| panic!("no cycle diagnostic: {diagnostics:#?}"));
    assert!(matches!(cycle.subject, Subject::Flow(_)), "{cycle:?}");
    assert!(cycle.message.contains("back"), "{cycle:?}");
}

#[test]
fn pain_point_on_a_missing_node_loads_with_a_diagnostic() {
    let doc = loads(&map(|v| v["pain_points"][0]["on"] = json!("node:ghost")));
    assert_diagnostic(&doc, Subject::PainPoint("p1".into()), "ghost");
}

#[test]
fn pain_point_on_a_missing_flow_loads_with_a_diagnostic() {
    let doc = loads(&map(|v| v["pain_points"][0]["on"] = json!("flow:ghost")));
    assert_diagnostic(&doc, Subject::PainPoint("p1".into()), "ghost");
}

#[test]
fn country_shares_not_summing_to_one_load_with_a_diagnostic() {
    let doc = loads(&map(|v| {
        node(v, "make")["countries"] = json!({ "CN": 0.5, "MY": 0.2 });
    }));
    assert_diagnostic(&doc, Subject::Node("make".into()), "`countries`");
}

#[test]
fn unknown_keys_load_and_are_kept() {
    let doc = loads(&map(|v| {
        v["future"] = json!({ "x": 1 });
        node(v, "make")["colour"] = json!("red");
        flow(v, "f1")["tag"] = json!(true);
    }));
    assert_eq!(doc.extra.get("future"), Some(&json!({ "x": 1 })));
    assert_eq!(doc.nodes[1].extra.get("colour"), Some(&json!("red")));
    assert_eq!(doc.flows[0].extra.get("tag"), Some(&json!(true)));
}

// Regressions found in review: every path that refuses says so, and says it on one line.

#[test]
fn a_key_given_twice_is_refused_with_line_and_column() {
    let t = r#"{"format": "loopmap", "version": 1, "meta": {},
        "nodes": [{"id": "a", "label": "A", "kind": "source"}, {"id": "b", "label": "B", "kind": "waste"}],
        "flows": [{"id": "f", "from": "a", "to": "b", "amount": -5, "amount": 10}]}"#;
    let msg = refused_text(t);
    assert!(msg.contains("duplicate field `amount`"), "{msg}");
    assert!(msg.contains("line 3, column"), "{msg}");
}

#[test]
fn a_byte_order_mark_at_the_start_is_accepted() {
    let t = format!("\u{feff}{}", text(&base()));
    assert!(io::parse(&t).is_ok());
}

#[test]
fn a_line_break_inside_a_quoted_value_keeps_the_message_on_one_line() {
    let msg = refused(&map(|m| m["nodes"][0]["kind"] = json!("fac\ntory")));
    assert_eq!(msg.lines().count(), 1, "{msg}");
    assert!(msg.contains("fac\\ntory"), "{msg}");
}

#[test]
fn a_huge_version_number_is_called_newer() {
    let t = text(&base()).replacen("\"version\": 1", "\"version\": 18446744073709551616", 1);
    assert!(refused_text(&t).contains("newer Loopmap"));
}

#[test]
fn scenario_changes_are_counted_from_one_in_every_message() {
    let msg = refused(&map(
        |m| {
            m["scenarios"] =
                json!([{"name": "s", "changes": [{"flow": "f1", "amount": 1, "share": 0.1}]}])
        },
    ));
    assert!(msg.contains("change #1"), "{msg}");
    assert!(!msg.contains("changes[0]"), "{msg}");
}

// ---- control characters and noncharacters (issue 13, item 4) ----

#[test]
fn a_control_character_in_a_label_is_refused_naming_node_and_key() {
    let message = refused(&map(|v| node(v, "make")["label"] = json!("Ma\u{1b}[2Jke")));
    assert_names(
        &message,
        &["node 'make'", "`label`", "U+001B", "character 3"],
    );
    assert!(!message.contains('\u{1b}'), "{message:?}");
}

#[test]
fn every_refused_character_class_is_refused_in_a_pain_point_title() {
    for c in [
        '\0', '\u{7}', '\r', '\u{1f}', '\u{7f}', '\u{85}', '\u{9f}', '\u{ffff}', '\u{fdd0}',
    ] {
        let message = refused(&map(|v| {
            v["pain_points"][0]["title"] = json!(format!("Slow{c}permits"))
        }));
        assert_names(&message, &["pain point 'p1'", "`title`"]);
        assert!(!message.contains(c), "{c:?} printed raw: {message:?}");
    }
}

#[test]
fn tab_and_newline_in_text_load() {
    let doc = loads(&map(|v| {
        node(v, "make")["notes"] = json!("first line\n\tsecond line");
        v["meta"]["title"] = json!("a\tb");
    }));
    assert_eq!(doc.nodes[1].notes, "first line\n\tsecond line");
}

/// A change to the base map.
type Tweak<'a> = Box<dyn Fn(&mut Value) + 'a>;

#[test]
fn control_characters_are_refused_in_every_kind_of_text() {
    let bad = "x\u{7}y";
    let cases: Vec<(Tweak<'_>, &[&str])> = vec![
        (
            Box::new(|v| v["meta"]["title"] = json!(bad)),
            &["meta", "`title`"],
        ),
        (
            Box::new(|v| v["meta"]["sources"] = json!(["ok", bad])),
            &["meta", "`sources[1]`"],
        ),
        (
            Box::new(|v| node(v, "make")["stage"] = json!(bad)),
            &["node 'make'", "`stage`"],
        ),
        (
            Box::new(|v| flow(v, "f1")["notes"] = json!(bad)),
            &["flow 'f1'", "`notes`"],
        ),
        (
            Box::new(|v| flow(v, "f1")["id"] = json!(bad)),
            &["flow 'x\\u{7}y'", "`id`"],
        ),
        (
            Box::new(|v| v["pain_points"][0]["raised_by"] = json!(bad)),
            &["pain point 'p1'", "`raised_by`"],
        ),
        (
            Box::new(|v| v["scenarios"] = json!([{ "name": bad, "changes": [] }])),
            &["`name`"],
        ),
        (
            Box::new(|v| {
                v["scenarios"] = json!([{ "name": "s", "changes": [
                    { "node": "use", "field": "stage", "value": bad }] }])
            }),
            &["scenario 's'", "`changes[0].value`"],
        ),
        // Unknown keys are kept and written back: their text must be safe too.
        (
            Box::new(|v| v["future"] = json!({ "deep": [bad] })),
            &["`future.deep[0]`"],
        ),
        (
            Box::new(|v| node(v, "make")["colour"] = json!(bad)),
            &["node 'make'", "`colour`"],
        ),
        (
            Box::new(|v| v["meta"][bad] = json!(1)),
            &["meta", "a key's name"],
        ),
        (
            Box::new(|v| v["levers"] = json!([{ "flow": bad }])),
            &["`levers[0].flow`"],
        ),
    ];
    for (tweak, parts) in cases {
        let message = refused(&map(tweak));
        assert_names(&message, parts);
        assert_names(&message, &["U+0007"]);
        assert!(!message.contains('\u{7}'), "{message:?}");
    }
}

#[test]
fn a_very_long_bad_value_is_cut_short_in_the_message() {
    let long = "A".repeat(1_000_000);
    for tweak in [
        Box::new(|v: &mut Value| node(v, "make")["kind"] = json!(long.clone())) as Tweak<'_>,
        Box::new(|v: &mut Value| flow(v, "f1")["to"] = json!(long.clone())),
        Box::new(|v: &mut Value| flow(v, "f1")["id"] = json!(format!("{long}\u{7}"))),
        Box::new(|v: &mut Value| v["format"] = json!(long.clone())),
    ] {
        let message = refused(&map(tweak));
        assert!(
            message.len() < 1_000,
            "{} characters: {}…",
            message.len(),
            &message[..200]
        );
        assert!(message.contains("AAAA"), "{message}");
    }
}

// ---- invalid UTF-8 and the top level (issue 13, item 7) ----

#[test]
fn invalid_utf8_is_refused_with_line_and_column() {
    let mut bytes = text(&base()).into_bytes();
    let at = String::from_utf8_lossy(&bytes)
        .find("Slow permits")
        .unwrap();
    bytes[at + 5] = 0xff;
    let line = line_of(&String::from_utf8_lossy(&bytes), "Slow");
    let err = io::parse_bytes(&bytes).expect_err("invalid UTF-8 is refused");
    let message = err.to_string();
    let column = 6 + String::from_utf8_lossy(&bytes)
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("Slow")
        .unwrap();
    assert_names(
        &message,
        &[
            "UTF-8",
            &format!("line {line}, column {column}"),
            &format!("byte {}", at + 6),
        ],
    );
}

#[test]
fn a_top_level_that_is_not_an_object_is_refused_at_line_1_column_1() {
    for (text, kind) in [
        ("[1, 2, 3]", "an array"),
        ("\"loopmap\"", "a string"),
        ("42", "a number"),
    ] {
        let message = refused_text(text);
        assert_names(
            &message,
            &[
                "line 1, column 1",
                kind,
                "not an object",
                "not a Loopmap map",
            ],
        );
    }
}

// ---- targets, governance scores and the substitution index (indicators.md §11) ----

/// The base map with one target row.
fn with_target(row: Value) -> Value {
    map(|v| v["targets"] = json!([row]))
}

#[test]
fn a_target_with_an_unknown_measure_is_refused_naming_the_row() {
    let m = refused(&with_target(json!({
        "name": "self-sufficiency", "measure": "autarky", "max": 0.6
    })));
    assert_names(&m, &["target 'self-sufficiency'", "measure", "autarky"]);
}

#[test]
fn a_target_with_both_min_and_max_is_refused() {
    let m = refused(&with_target(json!({
        "name": "band", "measure": "recycling_share", "min": 0.1, "max": 0.3
    })));
    assert_names(&m, &["target 'band'", "`min`", "`max`"]);
}

#[test]
fn a_target_without_a_threshold_is_refused() {
    let m = refused(&with_target(json!({
        "name": "vague", "measure": "recycling_share"
    })));
    assert_names(&m, &["target 'vague'", "`min` or `max`"]);
}

#[test]
fn a_target_share_outside_zero_to_one_is_refused() {
    let m = refused(&with_target(json!({
        "name": "recycling", "measure": "recycling_share", "min": 20
    })));
    assert_names(
        &m,
        &["target 'recycling'", "`min`", "between 0 and 1", "20"],
    );
    let m = refused(&with_target(json!({
        "name": "one country", "measure": "top_foreign_share", "max": -0.1
    })));
    assert_names(&m, &["target 'one country'", "`max`", "-0.1"]);
}

#[test]
fn target_stages_that_are_neither_a_list_nor_all_are_refused() {
    let m = refused(&with_target(json!({
        "name": "d", "measure": "domestic_share", "stages": "mining", "min": 0.1
    })));
    assert_names(&m, &["target 'd'", "stages", "\"all\""]);
}

#[test]
fn a_governance_score_outside_zero_to_ten_is_refused_naming_the_country() {
    let m = refused(&map(|v| {
        v["meta"]["governance"] = json!({ "CN": 5.3, "MM": 11 })
    }));
    assert_names(&m, &["meta", "governance", "MM", "between 0", "10", "11"]);
    let m = refused(&map(|v| v["meta"]["governance"] = json!({ "CN": -1 })));
    assert_names(&m, &["meta", "governance", "CN", "-1"]);
}

#[test]
fn a_substitution_index_outside_zero_to_one_is_refused() {
    for si in [json!(0), json!(1.2), json!(-0.5)] {
        let m = refused(&map(|v| v["meta"]["substitution_index"] = si.clone()));
        assert_names(&m, &["meta", "substitution_index", "above 0 and at most 1"]);
    }
    let doc = loads(&map(|v| v["meta"]["substitution_index"] = json!(1)));
    assert_eq!(doc.meta.substitution_index(), 1.0);
}

#[test]
fn a_target_naming_a_stage_the_map_lacks_loads_with_a_diagnostic() {
    let doc = loads(&with_target(json!({
        "name": "processing at home", "measure": "domestic_share",
        "stages": ["alloy"], "min": 0.4, "home": "EU"
    })));
    assert!(has_diagnostic(
        &doc,
        &Subject::Map,
        "target 'processing at home' names the stage 'alloy'"
    ));
}

#[test]
fn eu_as_home_loads() {
    let doc = loads(&map(|v| {
        v["meta"]["home_country"] = json!("EU");
        node(v, "make")["country"] = json!("EU");
    }));
    assert_eq!(doc.meta.home_country.as_deref(), Some("EU"));
}
