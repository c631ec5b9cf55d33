//! What the commands print is safe for a terminal: no raw control character, whatever a
//! map or a file name holds, and a closed pipe ends a command quietly (issue 13).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use assert_cmd::Command;
use serde_json::json;

fn loopmap() -> Command {
    Command::cargo_bin("loopmap").unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Fails when `out` holds a control character other than the line feed.
#[track_caller]
fn assert_no_raw_controls(out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\n') {
        panic!("raw {c:?} in output:\n{text}");
    }
}

/// closed-loop with `tweak` applied, written into `dir`.
fn closed_loop(dir: &Path, name: &str, tweak: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let text = std::fs::read_to_string(fixture("closed-loop.loopmap.json")).unwrap();
    let mut map: serde_json::Value = serde_json::from_str(&text).unwrap();
    tweak(&mut map);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&map).unwrap()).unwrap();
    path
}

#[test]
fn a_pain_point_title_with_escape_bell_and_carriage_return_is_refused_and_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_loop(dir.path(), "m.loopmap.json", |m| {
        m["pain_points"] = json!([{ "id": "p", "on": "map",
            "title": "ok\r\u{1b}[1A\u{7}solver: ok" }]);
    });
    let out = loopmap().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pain point 'p'") && stderr.contains("`title`"),
        "{stderr}"
    );
    assert_no_raw_controls(&out.stderr);
    assert_no_raw_controls(&out.stdout);
}

#[test]
fn text_with_tabs_and_line_breaks_prints_on_its_own_line_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_loop(dir.path(), "m.loopmap.json", |m| {
        m["meta"]["title"] = json!("Two\nlines");
        m["pain_points"] = json!([{ "id": "p", "on": "map", "title": "a\tb\nsolver: fake" }]);
        m["scenarios"] = json!([{ "name": "s\nsolver: fake", "changes": [] }]);
    });
    for args in [&["check"][..], &["indicators"], &["compare"]] {
        let out = loopmap().args(args).arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_no_raw_controls(&out.stdout);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.lines().any(|l| l.starts_with("solver: fake")),
            "{args:?}: a value faked a line:\n{stdout}"
        );
    }
    let out = loopmap().arg("check").arg(&path).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("a\\tb\\nsolver: fake"));
}

#[cfg(unix)]
#[test]
fn a_file_name_with_control_characters_is_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil\u{1b}]0;pwned\u{7}.loopmap.json");
    let out = loopmap().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_no_raw_controls(&out.stderr);
    assert!(String::from_utf8_lossy(&out.stderr).contains("evil\\u{1b}]0;pwned\\u{7}"));
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    // Many pain points, so the output outlasts the reader (`loopmap check map | head -1`).
    let dir = tempfile::tempdir().unwrap();
    let pains: Vec<_> = (0..5000)
        .map(|i| json!({ "id": format!("p{i}"), "on": "map", "title": "a pain point" }))
        .collect();
    let path = closed_loop(dir.path(), "m.loopmap.json", |m| {
        m["pain_points"] = json!(pains)
    });
    for args in [
        &["check"][..],
        &["indicators"],
        &["compare"],
        &["indicators", "--json"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("loopmap"))
            .args(args)
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is written.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
