//! Saving keeps everything: unknown keys survive, canonical files are byte-stable, saves
//! are atomic.

use std::path::PathBuf;

use loopmap::io;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn saving_a_loaded_map_and_loading_it_again_gives_the_same_document() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["closed-loop", "emf-product", "magnet-chain"] {
        let doc = io::load(&fixture(&format!("{name}.loopmap.json"))).unwrap();
        let path = dir.path().join(format!("{name}.loopmap.json"));
        io::save(&doc, &path).unwrap();
        assert_eq!(io::load(&path).unwrap(), doc, "{name}");
    }
}

#[test]
fn a_saved_file_is_byte_stable() {
    let dir = tempfile::tempdir().unwrap();
    let doc = io::load(&fixture("magnet-chain.loopmap.json")).unwrap();
    let path = dir.path().join("m.loopmap.json");
    io::save(&doc, &path).unwrap();
    let first = std::fs::read(&path).unwrap();
    io::save(&io::load(&path).unwrap(), &path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first);
}

#[test]
fn canonical_text_keeps_whole_numbers_and_short_arrays_readable() {
    let doc = io::load(&fixture("magnet-chain.loopmap.json")).unwrap();
    let text = io::to_canonical_string(&doc);
    assert!(text.contains(r#""pos": [220, 0]"#), "{text}");
    assert!(text.contains(r#""countries": {"CN": 0.9, "MY": 0.1}"#));
    assert!(text.contains(
        r#""amount": 1000
"#
    ));
    assert!(text.contains(r#""share": 0.25"#));
    assert!(text.starts_with("{\n  \"format\": \"loopmap\",\n  \"version\": 1,\n"));
    assert!(text.ends_with("}\n"));
}

const WITH_UNKNOWN_KEYS: &str = r#"{
  "format": "loopmap",
  "version": 1,
  "meta": {"title": "t", "x_meta": {"nested": [1, 2]}},
  "nodes": [
    {"id": "a", "label": "A", "kind": "source", "x_node": "kept"},
    {"id": "b", "label": "B", "kind": "waste"}
  ],
  "flows": [{"id": "f", "from": "a", "to": "b", "amount": 1.5, "x_flow": true}],
  "pain_points": [{"id": "p", "on": "node:a", "title": "T", "x_pain": 7}],
  "scenarios": [{"name": "s", "changes": [], "x_scenario": null}],
  "x_top": {"anything": "here"}
}"#;

#[test]
fn unknown_keys_at_every_level_survive_load_and_save() {
    let doc = io::parse(WITH_UNKNOWN_KEYS).unwrap();
    let text = io::to_canonical_string(&doc);
    for key in [
        "x_meta",
        "x_node",
        "x_flow",
        "x_pain",
        "x_scenario",
        "x_top",
        "nested",
        "anything",
    ] {
        assert!(text.contains(key), "{key} lost:\n{text}");
    }
    let again = io::parse(&text).unwrap();
    assert_eq!(again, doc);
    assert_eq!(io::to_canonical_string(&again), text);
}

#[test]
fn fields_written_with_their_default_value_are_written_back() {
    let text = r#"{"format": "loopmap", "version": 1, "meta": {},
        "nodes": [{"id": "a", "label": "A", "kind": "source", "supply": "virgin", "efficiency": 1}],
        "flows": []}"#;
    let doc = io::parse(text).unwrap();
    let out = io::to_canonical_string(&doc);
    assert!(out.contains(r#""supply": "virgin""#));
    assert!(out.contains(r#""efficiency": 1"#));
}

#[test]
fn saving_replaces_the_file_whole_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.loopmap.json");
    std::fs::write(
        &path,
        "old content that is much longer than nothing at all ".repeat(200),
    )
    .unwrap();
    let doc = io::load(&fixture("closed-loop.loopmap.json")).unwrap();
    io::save(&doc, &path).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        io::to_canonical_string(&doc)
    );
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "only the map itself is left");
}

#[test]
fn a_failed_save_reports_the_path_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no such folder").join("map.loopmap.json");
    let doc = io::load(&fixture("closed-loop.loopmap.json")).unwrap();
    let err = io::save(&doc, &path).unwrap_err();
    assert!(err.to_string().contains("no such folder"), "{err}");
    assert!(!path.exists());
}

#[cfg(unix)]
#[test]
fn saving_over_a_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.loopmap.json");
    std::fs::write(&path, "{}").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let doc = io::load(&fixture("closed-loop.loopmap.json")).unwrap();
    io::save(&doc, &path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn targets_governance_and_the_substitution_index_are_kept_canonical_and_byte_stable() {
    let mut map: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("magnet-chain.loopmap.json")).unwrap(),
    )
    .unwrap();
    map["meta"]["home_country"] = "EU".into();
    map["meta"]["governance"] = serde_json::json!({ "MM": 9.5, "CN": 5 });
    map["meta"]["substitution_index"] = 0.9.into();
    map["targets"] = serde_json::json!([
        { "name": "EU 2030: processing", "measure": "domestic_share",
          "stages": ["separation", "metal"], "mode": "any", "min": 0.4, "year": 2030,
          "home": "EU", "source": "Regulation (EU) 2024/1252", "note": "kept" },
        { "name": "recycling", "measure": "recycling_share", "min": 0.25 }
    ]);
    let doc = io::parse(&serde_json::to_string(&map).unwrap()).unwrap();
    let text = io::to_canonical_string(&doc);
    assert!(
        text.contains(r#""governance": {"CN": 5, "MM": 9.5}"#),
        "{text}"
    );
    assert!(text.contains(r#""substitution_index": 0.9"#));
    assert!(text.contains(r#""stages": ["separation", "metal"]"#));
    // The row's keys in format.md's order, its unknown key kept; no defaults written.
    let row = &text[text.find(r#""name": "EU 2030"#).unwrap()..];
    let order: Vec<usize> = [
        "\"measure\"",
        "\"stages\"",
        "\"mode\"",
        "\"min\"",
        "\"year\"",
        "\"home\"",
        "\"source\"",
        "\"note\"",
    ]
    .iter()
    .map(|k| row.find(k).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{row}");
    let second = &text[text.find(r#""name": "recycling""#).unwrap()..];
    let second = &second[..second.find('}').unwrap()];
    assert!(
        !second.contains("stages") && !second.contains("mode"),
        "{second}"
    );
    // Loading the canonical text and writing it again gives the same bytes.
    let again = io::parse(&text).unwrap();
    assert_eq!(again, doc);
    assert_eq!(io::to_canonical_string(&again), text);
}
