//! A phone in the room, for real: Debian's headless chromium opens the participant page
//! served by the editor, adds a pain point and a vote with the page's own controls
//! (`tests/browser/participant.py`), and the editor's map has them, through its edit path.
//! Needs `chromium` (installed by `.ci/run`); elsewhere the test says it is skipped, unless
//! `LOOPMAP_BROWSER_TESTS=1` asks for it (then a missing browser fails it).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use loopmap::app::LoopmapApp;
use loopmap::live::Bind;
use loopmap::model::Category;

fn chromium_found() -> bool {
    Command::new("chromium")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_phone_adds_a_pain_point_and_a_vote_with_the_pages_own_controls() {
    if !chromium_found() {
        assert!(
            std::env::var("LOOPMAP_BROWSER_TESTS").is_err(),
            "LOOPMAP_BROWSER_TESTS is set but chromium is not installed"
        );
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    }
    let doc = loopmap::io::samples::default_sample()
        .load()
        .expect("the UK sample loads");
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |_cc| LoopmapApp::new(doc, None, Default::default()));
    h.run();
    let ctx = h.ctx.clone();
    let loopback = Bind {
        ip: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        port: 0,
    };
    let url = h
        .state_mut()
        .start_participation(loopback, &ctx)
        .expect("participation starts");
    let before = h.state().editor.doc().pain_points.len();
    let shot = std::env::temp_dir().join(format!("loopmap-phone-{}.png", std::process::id()));
    let mut phone = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/browser/participant.py"
        ))
        .arg(&url)
        .arg(&shot)
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    // The editor keeps running frames while the phone works, as in the room.
    let end = Instant::now() + Duration::from_secs(120);
    while phone.try_wait().expect("the phone's state").is_none() {
        assert!(Instant::now() < end, "the phone took over two minutes");
        h.run();
        std::thread::sleep(Duration::from_millis(50));
    }
    for _ in 0..5 {
        h.run();
    }
    let out = phone.wait_with_output().expect("the phone's output");
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "the phone failed: {said}");
    let page: serde_json::Value = serde_json::from_str(said.trim()).expect("one JSON line");
    assert_eq!(page["loaded"], true, "{said}");
    assert_eq!(page["listed"], true, "{said}");
    assert_eq!(page["voted"], true, "{said}");
    assert_eq!(page["bold_elements"], 0, "text is text, never HTML: {said}");
    assert_eq!(page["wider_than_screen"], false, "fits 360 px: {said}");

    let doc = &h.state().editor.doc();
    assert_eq!(doc.pain_points.len(), before + 1);
    let added = doc
        .pain_points
        .iter()
        .find(|p| p.title.contains("take-back"))
        .expect("the phone's pain point is in the map");
    assert_eq!(
        added.title, "Phone: no <b>take-back</b> scheme evil",
        "override stripped"
    );
    assert_eq!(added.raised_by, "Browser Bea");
    assert_eq!(added.category, Some(Category::Economic));
    assert_eq!(added.votes(), 1, "the phone's vote");
    assert!(h.state().editor.dirty(), "unsaved, so autosaved");
    h.state_mut().editor.undo();
    assert!(
        h.state()
            .editor
            .doc()
            .pain_points
            .iter()
            .all(|p| p.votes() == 0 || !p.title.contains("take-back")),
        "the facilitator can undo the vote"
    );
    h.state_mut().stop_participation();
    let _ = std::fs::remove_file(shot);
}
