//! Saving and exporting write where the user means, and only there (issue 13, item 9):
//! through a symbolic link to its target, never over a device or folder, without piling
//! up temporary files, and naming a missing folder when there is one.

#![cfg(unix)]

use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use assert_cmd::Command;
use loopmap::io;
use loopmap::io::samples::SAMPLES;

fn sample() -> loopmap::model::Document {
    SAMPLES[0].load().unwrap()
}

fn loopmap(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("loopmap")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Files in `dir` whose names start with a dot: temporary files of saves.
fn hidden_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect()
}

#[test]
fn saving_through_a_symbolic_link_writes_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    let target = dir.path().join("real/map.loopmap.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.loopmap.json");
    // A relative link, as `ln -s real/map.loopmap.json link.loopmap.json` makes.
    std::os::unix::fs::symlink("real/map.loopmap.json", &link).unwrap();

    io::save(&sample(), &link).unwrap();

    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), SAMPLES[0].text);
    assert!(hidden_files(&dir.path().join("real")).is_empty());
    assert!(hidden_files(dir.path()).is_empty());
}

#[test]
fn fmt_through_a_symbolic_link_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("map.loopmap.json");
    std::fs::write(&target, SAMPLES[0].text.replace("\n  ", "\n    ")).unwrap();
    let link = dir.path().join("link.loopmap.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = loopmap(&["fmt", s(&link)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), SAMPLES[0].text);
}

#[test]
fn saving_through_a_dangling_link_creates_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new.loopmap.json");
    let link = dir.path().join("link.loopmap.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    io::save(&sample(), &link).unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), SAMPLES[0].text);
}

#[test]
fn saving_over_something_that_is_not_a_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder.loopmap.json");
    std::fs::create_dir(&folder).unwrap();
    let err = io::save(&sample(), &folder).unwrap_err().to_string();
    assert!(err.contains("not a regular file"), "{err}");
    assert!(folder.is_dir());

    // A device node, reached through a link (as root, it was replaced by a file).
    let link = dir.path().join("null.loopmap.json");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let err = io::save(&sample(), &link).unwrap_err().to_string();
    assert!(
        err.contains("/dev/null") && err.contains("not a regular file"),
        "{err}"
    );
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert!(hidden_files(dir.path()).is_empty());
}

#[test]
fn a_save_removes_stale_temporary_files_of_killed_saves_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let old = SystemTime::now() - Duration::from_secs(3600);
    let stale = dir.path().join(".loopmap-save-AbC123.tmp");
    let fresh = dir.path().join(".loopmap-save-XyZ789.tmp");
    let other = dir.path().join(".tmp-someone-else");
    for p in [&stale, &fresh, &other] {
        std::fs::write(p, "half a map").unwrap();
    }
    for p in [&stale, &other] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    io::save(&sample(), &dir.path().join("map.loopmap.json")).unwrap();
    assert!(!stale.exists(), "a stale temp file of ours is removed");
    assert!(
        fresh.exists(),
        "a fresh one may be a save in progress elsewhere"
    );
    assert!(
        other.exists(),
        "another program's file is not ours to remove"
    );
}

#[test]
fn an_export_to_a_missing_folder_names_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.loopmap.json");
    std::fs::write(&map, SAMPLES[0].text).unwrap();
    let missing = dir.path().join("no-such-folder");
    for (flag, name) in [("--svg", "m.svg"), ("--html", "m.html"), ("--png", "m.png")] {
        let out = loopmap(&["export", s(&map), flag, s(&missing.join(name))]);
        assert_eq!(out.status.code(), Some(1), "{flag}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("the folder {} does not exist", missing.display())),
            "{flag}: {stderr}"
        );
        assert!(!stderr.contains(".loopmap-save-"), "{flag}: {stderr}");
    }
}
