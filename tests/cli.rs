//! The headless commands: exit codes, messages, JSON output against the worked examples,
//! scenarios and canonical formatting.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

const FIXTURES: [&str; 3] = ["closed-loop", "emf-product", "magnet-chain"];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn loopmap() -> Command {
    Command::cargo_bin("loopmap").unwrap()
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Output {
    let out = loopmap().args(args).output().unwrap();
    Output {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Copies a fixture into `dir`, returning the copy's path.
fn copy_fixture(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(format!("{name}.loopmap.json"));
    std::fs::copy(fixture(&format!("{name}.loopmap.json")), &to).unwrap();
    to
}

/// closed-loop with a scenario that collects twice as much.
fn closed_loop_with_scenario(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture("closed-loop.loopmap.json")).unwrap();
    let mut map: Value = serde_json::from_str(&text).unwrap();
    map["scenarios"] = json!([
        { "name": "more collection", "changes": [{ "flow": "c", "share": 0.8 }] },
        { "name": "no recycling", "changes": [{ "flow": "r", "share": 0 }] }
    ]);
    let path = dir.join("scenario.loopmap.json");
    std::fs::write(&path, serde_json::to_string_pretty(&map).unwrap()).unwrap();
    path
}

/// A map refused on load (a flow to a node that does not exist).
fn write_refused(dir: &Path) -> (PathBuf, String) {
    let text = std::fs::read_to_string(fixture("closed-loop.loopmap.json"))
        .unwrap()
        .replace("\"to\": \"rec\"", "\"to\": \"shop\"");
    let path = dir.join("broken.loopmap.json");
    std::fs::write(&path, &text).unwrap();
    (path, text)
}

fn indicators_json(args: &[&str]) -> Value {
    let out = run(args);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

fn number(v: &Value, path: &str) -> f64 {
    v.pointer(path)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{path} is not a number in {v:#}"))
}

/// Equal to 1e-6 relative, or to half a unit of the 6th decimal: the expected files are
/// rounded to 6 decimals (magnet-chain's MCI 0.3932014… is written 0.393201).
fn assert_close(expected: f64, actual: f64, what: &str) {
    let tolerance = (1e-6 * expected.abs()).max(5e-7);
    assert!(
        (expected - actual).abs() <= tolerance,
        "{what}: expected {expected}, got {actual}"
    );
}

// ---- check ----

#[test]
fn check_accepts_a_good_map_and_reports_the_solver() {
    let file = fixture("magnet-chain.loopmap.json");
    let out = run(&["check", path_str(&file)]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(out.stdout.contains("solver: ok"), "{}", out.stdout);
    assert!(out.stdout.contains("13 nodes, 20 flows"), "{}", out.stdout);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn check_lists_the_pain_points_most_votes_first() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("uk.loopmap.json");
    std::fs::write(&file, loopmap::io::samples::SAMPLES[0].text).unwrap();
    let out = run(&["check", path_str(&file)]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    let list: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| *l != "pain points by votes:")
        .skip(2)
        .collect();
    assert_eq!(list.len(), 14, "{}", out.stdout);
    let votes: Vec<u32> = list
        .iter()
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert!(votes.windows(2).all(|w| w[0] >= w[1]), "{votes:?}");
    assert!(
        list[0].contains("supply") && list[0].contains("(on Magnet making"),
        "{}",
        list[0]
    );
    assert!(out.stdout.contains("(on whole map"), "{}", out.stdout);
}

#[test]
fn check_refuses_a_broken_map_with_one_line_naming_file_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let (file, text) = write_refused(dir.path());
    let out = run(&["check", path_str(&file)]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.trim_end().lines().count(), 1, "{}", out.stderr);
    for part in ["broken.loopmap.json", "flow 'c'", "`to`", "shop"] {
        assert!(out.stderr.contains(part), "{part:?} in {}", out.stderr);
    }
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

#[test]
fn check_refuses_invalid_json_naming_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.loopmap.json");
    std::fs::write(
        &file,
        "{\n  \"format\": \"loopmap\",\n  \"version\": 1,,\n}\n",
    )
    .unwrap();
    let out = run(&["check", path_str(&file)]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.trim_end().lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("bad.loopmap.json"), "{}", out.stderr);
    assert!(out.stderr.contains("line 3, column"), "{}", out.stderr);
}

#[test]
fn check_of_a_missing_file_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nowhere.loopmap.json");
    let out = run(&["check", path_str(&file)]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("nowhere.loopmap.json"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_lists_diagnostics_of_a_map_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("closed-loop.loopmap.json")).unwrap();
    let mut map: Value = serde_json::from_str(&text).unwrap();
    map["pain_points"] = json!([{ "id": "p1", "on": "node:ghost", "title": "Lost" }]);
    let file = dir.path().join("odd.loopmap.json");
    std::fs::write(&file, serde_json::to_string_pretty(&map).unwrap()).unwrap();
    let out = run(&["check", path_str(&file)]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(
        out.stdout.contains("pain point 'p1'") && out.stdout.contains("ghost"),
        "{}",
        out.stdout
    );
}

// ---- indicators ----

#[test]
fn indicators_json_matches_the_worked_examples() {
    for name in FIXTURES {
        let file = fixture(&format!("{name}.loopmap.json"));
        let actual = indicators_json(&["indicators", "--json", path_str(&file)]);
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture(&format!("{name}.expected.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(actual["status"], "ok", "{name}");
        assert_eq!(actual["status"], expected["status"], "{name}");
        assert_close(
            number(&expected, "/indicators/mci"),
            number(&actual, "/indicators/mci"),
            &format!("{name} mci"),
        );
        assert_close(
            number(&expected, "/indicators/virgin_input"),
            number(&actual, "/indicators/virgin_input"),
            &format!("{name} virgin_input"),
        );
    }
}

#[test]
fn indicators_table_prints_the_mci() {
    let file = fixture("closed-loop.loopmap.json");
    let out = run(&["indicators", path_str(&file)]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("Material Circularity Indicator"))
        .unwrap_or_else(|| panic!("no MCI line in:\n{}", out.stdout));
    assert!(line.contains("0.424"), "{line}");
    assert!(out.stdout.contains("solver: ok"), "{}", out.stdout);
    assert!(out.stdout.contains("baseline"), "{}", out.stdout);
}

#[test]
fn indicators_with_a_scenario_moves_the_numbers_the_expected_way() {
    let dir = tempfile::tempdir().unwrap();
    let file = closed_loop_with_scenario(dir.path());
    let baseline = indicators_json(&["indicators", "--json", path_str(&file)]);
    let more = indicators_json(&[
        "indicators",
        "--json",
        "--scenario",
        "more collection",
        path_str(&file),
    ]);
    assert_eq!(more["status"], "ok");
    assert_close(
        0.4,
        number(&baseline, "/indicators/collection_rate"),
        "base",
    );
    assert_close(0.8, number(&more, "/indicators/collection_rate"), "more");
    assert_close(0.8, number(&more, "/flows/c") / 100.0, "flow c");
    // Collecting 80 of 100 and recycling 90 % of it returns 72: virgin input 100 − 72.
    assert_close(28.0, number(&more, "/indicators/virgin_input"), "virgin");
    assert!(
        number(&more, "/indicators/virgin_input") < number(&baseline, "/indicators/virgin_input")
    );
    assert!(number(&more, "/indicators/mci") > number(&baseline, "/indicators/mci"));

    let none = indicators_json(&[
        "indicators",
        "--json",
        "--scenario",
        "no recycling",
        path_str(&file),
    ]);
    assert_close(100.0, number(&none, "/indicators/virgin_input"), "none");
}

#[test]
fn indicators_table_with_a_scenario_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let file = closed_loop_with_scenario(dir.path());
    let out = run(&[
        "indicators",
        "--scenario",
        "more collection",
        path_str(&file),
    ]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(
        out.stdout.contains("scenario 'more collection'"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("80.0 %"), "{}", out.stdout);
}

#[test]
fn indicators_table_reports_a_scenario_change_that_names_a_missing_flow() {
    // format.md: "A change that names an id not in the map is reported, not silently
    // dropped." `check` and `indicators --json` report it; the table shows the baseline
    // numbers under the scenario's name and says nothing.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("closed-loop.loopmap.json")).unwrap();
    let mut map: Value = serde_json::from_str(&text).unwrap();
    map["scenarios"] = json!([{ "name": "typo", "changes": [{ "flow": "cc", "share": 0.8 }] }]);
    let file = dir.path().join("typo.loopmap.json");
    std::fs::write(&file, serde_json::to_string_pretty(&map).unwrap()).unwrap();
    let out = run(&["indicators", "--scenario", "typo", path_str(&file)]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("'cc'"),
        "the missing flow is not mentioned:\n{all}"
    );
}

#[test]
fn unknown_scenario_exits_2_and_lists_the_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = closed_loop_with_scenario(dir.path());
    let out = run(&["indicators", "--scenario", "less", path_str(&file)]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.trim_end().lines().count(), 1, "{}", out.stderr);
    for part in ["'less'", "'more collection'", "'no recycling'"] {
        assert!(out.stderr.contains(part), "{part:?} in {}", out.stderr);
    }
}

#[test]
fn unknown_scenario_on_a_map_without_scenarios_says_so() {
    let file = fixture("closed-loop.loopmap.json");
    let out = run(&["indicators", "--scenario", "less", path_str(&file)]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("'less'"), "{}", out.stderr);
    assert!(out.stderr.contains("none"), "{}", out.stderr);
}

#[test]
fn indicators_of_a_refused_map_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = write_refused(dir.path());
    let out = run(&["indicators", "--json", path_str(&file)]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("broken.loopmap.json"), "{}", out.stderr);
}

// ---- fmt ----

#[test]
fn fmt_check_on_a_non_canonical_file_exits_1_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(dir.path(), "magnet-chain");
    let before = std::fs::read(&file).unwrap();
    let out = run(&["fmt", "--check", path_str(&file)]);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    assert!(
        out.stdout.contains("not in canonical form"),
        "{}",
        out.stdout
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn fmt_rewrites_a_file_after_which_fmt_check_passes() {
    let dir = tempfile::tempdir().unwrap();
    for name in FIXTURES {
        let file = copy_fixture(dir.path(), name);
        let before = std::fs::read(&file).unwrap();
        let out = run(&["fmt", path_str(&file)]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert!(out.stdout.contains("formatted"), "{name}: {}", out.stdout);
        let after = std::fs::read(&file).unwrap();
        assert_ne!(after, before, "{name} was not canonical, so it changes");

        let out = run(&["fmt", "--check", path_str(&file)]);
        assert_eq!(out.code, 0, "{name}: {}", out.stdout);

        // A second fmt changes nothing, and the map means the same.
        assert_eq!(run(&["fmt", path_str(&file)]).code, 0);
        assert_eq!(std::fs::read(&file).unwrap(), after, "{name}");
        assert_eq!(
            loopmap::io::load(&file).unwrap(),
            loopmap::io::load(&fixture(&format!("{name}.loopmap.json"))).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn fmt_on_a_refused_file_exits_2_and_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let (file, text) = write_refused(dir.path());
    for args in [vec!["fmt"], vec!["fmt", "--check"]] {
        let mut args = args;
        args.push(path_str(&file));
        let out = run(&args);
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains("broken.loopmap.json"), "{}", out.stderr);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    }
}

#[test]
fn fmt_of_several_files_formats_the_good_and_refuses_the_bad() {
    let dir = tempfile::tempdir().unwrap();
    let good = copy_fixture(dir.path(), "closed-loop");
    let (bad, _) = write_refused(dir.path());
    let out = run(&["fmt", path_str(&bad), path_str(&good)]);
    assert_eq!(out.code, 2);
    assert_eq!(run(&["fmt", "--check", path_str(&good)]).code, 0);
}

#[test]
fn fmt_needs_a_file() {
    assert_eq!(run(&["fmt"]).code, 2);
}

// ---- help and no arguments ----

#[test]
fn help_lists_the_commands() {
    let out = run(&["--help"]);
    assert_eq!(out.code, 0);
    // Each command on a line of its own, with what it does (its name alone would also be
    // found in the usage lines).
    for (command, does) in [
        ("check", "list what is odd about it"),
        ("indicators", "print its circularity and supply indicators"),
        ("compare", "baseline and each scenario"),
        ("export", "CSV tables, or an HTML report"),
        ("arrange", "layered Sankey"),
        ("fmt", "canonical form"),
        ("roadmap", "Project the map over the years"),
    ] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(command) && l.contains(does)),
            "{command}: {}",
            out.stdout
        );
    }
}

#[test]
fn each_command_has_help() {
    // Words from each command's own description and options, never its name.
    for (command, words) in [
        ("check", &["Load a map", "exit 0 if it loads"][..]),
        (
            "indicators",
            &["circularity and supply", "--scenario", "--json"],
        ),
        ("fmt", &["canonical form", "--check"]),
        ("export", &["--svg", "HTML report"]),
    ] {
        let out = run(&[command, "--help"]);
        assert_eq!(out.code, 0, "{command}");
        assert!(
            out.stdout.contains(&format!("Usage: loopmap {command}")),
            "{command}: {}",
            out.stdout
        );
        for word in words {
            assert!(
                out.stdout.contains(word),
                "{command} lacks '{word}': {}",
                out.stdout
            );
        }
    }
}

#[test]
fn without_a_desktop_the_editor_says_so_and_points_at_the_commands() {
    let out = Command::cargo_bin("loopmap")
        .unwrap()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("could not open a window"), "{stderr}");
    assert!(stderr.contains("loopmap --help"), "{stderr}");
}

#[test]
fn version_exits_0() {
    let out = run(&["--version"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains(env!("CARGO_PKG_VERSION")),
        "{}",
        out.stdout
    );
}

#[test]
fn a_mistyped_command_exits_2_instead_of_opening_the_editor() {
    let out = run(&["chekc"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("'chekc' is neither a command nor a file"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_reports_levers_naming_a_missing_flow_node_or_field() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("closed-loop.loopmap.json")).unwrap();
    let mut map: Value = serde_json::from_str(&text).unwrap();
    map["levers"] = json!([
        { "flow": "c" },
        { "flow": "gone" },
        { "node": "ghost", "field": "lifetime" },
        { "node": "use", "field": "colour" },
        { "node": "use" },
        { "node": "use", "field": "lifetime" }
    ]);
    let path = dir.path().join("levers.loopmap.json");
    std::fs::write(&path, serde_json::to_string_pretty(&map).unwrap()).unwrap();
    let out = run(&["check", path_str(&path)]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    for expected in [
        "warning: map: lever #2: no flow 'gone' in the map",
        "warning: map: lever #3: no node 'ghost' in the map",
        "lever #4: node 'use' has no field `colour` a lever can move (a use node has lifetime,",
        "lever #5 is neither",
    ] {
        assert!(
            out.stdout.contains(expected),
            "{expected:?} in:\n{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("lever #1"), "{}", out.stdout);
    assert!(!out.stdout.contains("lever #6"), "{}", out.stdout);
    // Kept in the file all the same.
    let doc = loopmap::io::load(&path).unwrap();
    assert_eq!(doc.extra["levers"].as_array().unwrap().len(), 6);
}

fn roadmap_map(dir: &Path) -> PathBuf {
    let map = json!({
        "format": "loopmap", "version": 1,
        "meta": { "title": "roadmap", "year": 2024 },
        "nodes": [
            { "id": "mine", "label": "Mine", "kind": "source" },
            { "id": "ev", "label": "EVs", "kind": "use", "lifetime": 15,
              "demand_growth": [[2030, 0.1]], "history_growth": 0.1, "stock_change": "auto" },
            { "id": "col", "label": "Collection", "kind": "recovery" },
            { "id": "lf", "label": "Landfill", "kind": "waste" }
        ],
        "flows": [
            { "id": "f1", "from": "mine", "to": "ev", "amount": 100 },
            { "id": "f2", "from": "ev", "to": "col", "amount": 30 },
            { "id": "f3", "from": "col", "to": "ev", "loop": "recycle", "share": 0.5 },
            { "id": "f4", "from": "col", "to": "lf" }
        ],
        "scenarios": [ { "name": "Fast", "changes": [
            { "node": "ev", "field": "demand_growth", "value": [[2050, 0.2]] } ] } ],
        "roadmap": { "start": 2000, "end": 2040 }
    });
    let path = dir.join("r.loopmap.json");
    std::fs::write(&path, serde_json::to_string_pretty(&map).unwrap()).unwrap();
    path
}

#[test]
fn roadmap_json_has_one_value_per_year_in_every_array() {
    let dir = tempfile::tempdir().unwrap();
    let file = roadmap_map(dir.path());
    let out = run(&["roadmap", path_str(&file), "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["base_year"], 2024);
    let years = v["years"].as_array().unwrap();
    assert_eq!(years.len(), 41);
    assert_eq!(
        (years[0].as_i64(), years[40].as_i64()),
        (Some(2000), Some(2040))
    );
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "base_year",
            "years",
            "use",
            "demand",
            "stock",
            "eol",
            "returned",
            "eol_ceiling",
            "secondary_share"
        ]
    );
    let ev = &v["use"]["ev"];
    let mut arrays = vec![
        &v["demand"],
        &v["stock"],
        &v["eol"],
        &v["eol_ceiling"],
        &v["secondary_share"],
        &ev["inflow"],
        &ev["stock"],
        &ev["outflow"],
    ];
    for k in ["reuse", "remanufacture", "recycle"] {
        arrays.push(&v["returned"][k]);
        arrays.push(&ev["returned"][k]);
    }
    for a in arrays {
        assert_eq!(a.as_array().unwrap().len(), 41);
    }
    assert_eq!(ev["map_eol"], 30.0);
    // What enters use in the map: 100 mined and 15 recycled.
    assert_eq!(ev["inflow"][24], 115.0);
    assert!(ev["model_eol"].as_f64().unwrap() > 0.0);
    // Half of what is collected comes back recycled.
    let (rec, eol) = (
        v["returned"]["recycle"][30].as_f64().unwrap(),
        v["eol"][30].as_f64().unwrap(),
    );
    assert!((rec - 0.5 * eol).abs() < 1e-9 * eol);
}

#[test]
fn roadmap_table_shows_every_fifth_year_and_the_base_year() {
    let dir = tempfile::tempdir().unwrap();
    let file = roadmap_map(dir.path());
    let out = run(&["roadmap", path_str(&file)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for year in ["2000", "2005", "2020", "2024 (map)", "2025", "2040"] {
        assert!(out.stdout.contains(year), "{year}: {}", out.stdout);
    }
    assert!(!out.stdout.contains("2023"), "{}", out.stdout);
    assert!(out.stdout.contains("EOL ceiling"), "{}", out.stdout);
    assert!(out.stdout.contains("EVs"), "{}", out.stdout);
}

#[test]
fn roadmap_of_a_scenario_follows_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let file = roadmap_map(dir.path());
    let base: Value =
        serde_json::from_str(&run(&["roadmap", path_str(&file), "--json"]).stdout).unwrap();
    let fast: Value = serde_json::from_str(
        &run(&["roadmap", path_str(&file), "--scenario", "Fast", "--json"]).stdout,
    )
    .unwrap();
    assert!(fast["demand"][40].as_f64().unwrap() > base["demand"][40].as_f64().unwrap());
    let out = run(&["roadmap", path_str(&file), "--scenario", "Slow"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no scenario 'Slow'"), "{}", out.stderr);
}

#[test]
fn roadmap_refuses_a_map_without_a_year_or_unsolved() {
    let dir = tempfile::tempdir().unwrap();
    let file = roadmap_map(dir.path());
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    v["meta"].as_object_mut().unwrap().remove("year");
    std::fs::write(&file, v.to_string()).unwrap();
    let out = run(&["roadmap", path_str(&file)]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("meta.year"), "{}", out.stderr);
    v["meta"]["year"] = json!(2024);
    v["flows"][0].as_object_mut().unwrap().remove("amount");
    std::fs::write(&file, v.to_string()).unwrap();
    let out = run(&["roadmap", path_str(&file), "--json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not solved"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

// ---- targets ----

/// The UK sample written to `dir`.
fn uk_sample(dir: &Path) -> PathBuf {
    let file = dir.join("uk.loopmap.json");
    std::fs::write(&file, loopmap::io::samples::SAMPLES[0].text).unwrap();
    file
}

/// The UK sample with its figures as entered (no ±, no estimates) written to `dir`: the
/// figures of indicators.md §11 are those of the map before reconciliation (§10), which
/// moves them a little within their ranges.
fn uk_sample_as_entered(dir: &Path) -> PathBuf {
    let mut doc = loopmap::io::parse(loopmap::io::samples::SAMPLES[0].text).unwrap();
    for f in &mut doc.flows {
        f.uncertainty = None;
        f.estimates.clear();
    }
    let file = dir.join("uk-as-entered.loopmap.json");
    loopmap::io::save(&doc, &file).unwrap();
    file
}

#[test]
fn targets_json_gives_the_uk_figures_of_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let file = uk_sample_as_entered(dir.path());
    let v = indicators_json(&["targets", path_str(&file), "--set", "uk-2035", "--json"]);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["home"], "GB");
    assert!((number(&v, "/recycling_share") - 0.0052).abs() < 5e-5);
    for stage in ["metal", "magnet"] {
        let top = &v["stages"][stage]["top_foreign"];
        assert_eq!(top["country"], "CN", "{stage}");
        assert!(
            (top["share"].as_f64().unwrap() - 0.905).abs() < 5e-4,
            "{stage}"
        );
        assert!(v["stages"][stage]["wgi_hhi"].is_number());
        assert!(v["stages"][stage]["geopolrisk"].is_number());
    }
    assert!((number(&v, "/supply_risk") - 4.67).abs() < 0.005);
    let rows = v["targets"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    // Each row is the row as a map would hold it, with its evaluation.
    let recycling = &rows[1];
    assert_eq!(recycling["measure"], "recycling_share");
    assert_eq!(recycling["min"], 0.2);
    assert_eq!(recycling["year"], 2035);
    assert_eq!(recycling["met"], false);
    assert!(recycling["year_met"].is_null() && recycling.get("year_met").is_some());
    let top = &rows[2];
    assert_eq!(top["max"], 0.6);
    assert!(
        top.get("year_met").is_none(),
        "year_met only on recycling rows"
    );
    assert!((number(top, "/by_stage/metal") - 0.905).abs() < 5e-4);
}

#[test]
fn targets_table_shows_today_threshold_met_gap_and_year_met() {
    let dir = tempfile::tempdir().unwrap();
    let file = uk_sample_as_entered(dir.path());
    let out = run(&["targets", path_str(&file), "--set", "uk-2035"]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    let header = out
        .stdout
        .lines()
        .find(|l| l.contains("threshold"))
        .unwrap();
    for column in ["today", "threshold", "met", "gap", "year met"] {
        assert!(header.contains(column), "{header}");
    }
    let line = |name: &str| {
        out.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no row {name}: {}", out.stdout))
            .to_string()
    };
    let recycling = line("UK 2035: recycling");
    for part in ["0.52 %", "≥ 20.0 %", "no", "19.5 pt", "not by 2050"] {
        assert!(recycling.contains(part), "{recycling}");
    }
    let top = line("UK 2035: at most 60 %");
    assert!(top.contains("90.5 %") && top.contains("≤ 60.0 %"), "{top}");
    assert!(out.stdout.contains("supply risk: 4.67"), "{}", out.stdout);
    // Each scenario follows; the separation plant meets the domestic-production row.
    assert!(out.stdout.contains("UK separation plant"), "{}", out.stdout);
    assert!(
        out.stdout.contains("Worldwide Governance Indicators"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Vision 2035"), "{}", out.stdout);
}

#[test]
fn targets_with_a_scenario_and_both_sets() {
    let dir = tempfile::tempdir().unwrap();
    let file = uk_sample(dir.path());
    let args = [
        "targets",
        path_str(&file),
        "--scenario",
        "UK separation plant",
        "--set",
        "uk-2035",
        "--set",
        "eu-crma-2030",
        "--json",
    ];
    let v = indicators_json(&args);
    let rows = v["targets"].as_array().unwrap();
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[0]["met"], true, "{:#}", rows[0]);
    assert!(rows[3..].iter().all(|r| r["home"] == "EU"));
    // Nothing of a UK chain is at home in the EU.
    assert_eq!(rows[5]["value"], 0.0);
}

#[test]
fn targets_refuses_an_unknown_set_or_scenario_and_a_refused_map() {
    let dir = tempfile::tempdir().unwrap();
    let file = uk_sample(dir.path());
    let out = run(&["targets", path_str(&file), "--set", "uk-2050"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("uk-2035") && out.stderr.contains("eu-crma-2030"),
        "{}",
        out.stderr
    );
    let out = run(&["targets", path_str(&file), "--scenario", "nope"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no scenario 'nope'"), "{}", out.stderr);
    let (broken, _) = write_refused(dir.path());
    let out = run(&["targets", path_str(&broken)]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
}

#[test]
fn targets_reads_the_rows_a_map_holds_and_says_how_to_add_a_set_when_it_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("magnet-chain.loopmap.json");
    let out = run(&["targets", path_str(&file)]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(out.stdout.contains("--set uk-2035"), "{}", out.stdout);
    let mut map: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    map["meta"]["home_country"] = json!("CN");
    map["targets"] = json!([{ "name": "own", "measure": "domestic_share",
                              "stages": "all", "mode": "any", "min": 0.5 }]);
    let own = dir.path().join("own.loopmap.json");
    std::fs::write(&own, serde_json::to_string(&map).unwrap()).unwrap();
    let v = indicators_json(&["targets", path_str(&own), "--json"]);
    assert_eq!(v["targets"][0]["name"], "own");
    assert_eq!(v["targets"][0]["met"], true, "{:#}", v["targets"][0]);
}

#[test]
fn the_provenance_shares_carry_their_range_in_the_table_and_the_json() {
    let uk = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sample_maps/uk-ndfeb-magnets.loopmap.json"
    );
    let table = run(&["indicators", uk]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let certified = table
        .stdout
        .lines()
        .find(|l| l.contains("certified or secondary:"))
        .expect("a certified share line");
    assert!(certified.contains(" ± "), "{certified}");
    let domestic: Vec<&str> = table
        .stdout
        .lines()
        .filter(|l| l.contains("domestic (GB or secondary) at"))
        .collect();
    assert!(domestic.len() >= 3, "{}", table.stdout);
    assert!(domestic.iter().all(|l| l.contains(" ± ")), "{domestic:?}");

    let json = run(&["indicators", "--json", uk]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let share = v["supply"]["certified_share"].as_f64().unwrap();
    let sigma = v["uncertainty"]["provenance"]["certified_share"]
        .as_f64()
        .unwrap();
    assert!(sigma > 0.0 && sigma < share, "certified {share} ± {sigma}");
    let sigmas = v["uncertainty"]["provenance"]["domestic_share"]
        .as_object()
        .unwrap();
    let shares = v["supply"]["domestic_share"].as_object().unwrap();
    assert_eq!(
        sigmas.keys().collect::<Vec<_>>(),
        shares.keys().collect::<Vec<_>>()
    );
    assert!(sigmas.values().all(|s| s.as_f64().is_some_and(|s| s > 0.0)));
}
