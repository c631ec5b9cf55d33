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
        // One frame per tick: while requests arrive the editor keeps repainting,
        // so waiting for it to settle (`run`) can exceed the harness's step limit.
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    h.run_steps(10);
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

/// Reads one line the phone prints, running the editor's frames while it waits.
fn line_from_phone(
    h: &mut Harness<'_, LoopmapApp>,
    lines: &std::sync::mpsc::Receiver<String>,
) -> serde_json::Value {
    let end = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(line) = lines.try_recv() {
            return serde_json::from_str(line.trim()).expect("a JSON line from the phone");
        }
        assert!(
            Instant::now() < end,
            "the phone said nothing for two minutes"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_phone_lists_the_chain_in_order_and_after_stop_says_the_session_ended_and_keeps_the_text() {
    if !chromium_found() {
        assert!(
            std::env::var("LOOPMAP_BROWSER_TESTS").is_err(),
            "LOOPMAP_BROWSER_TESTS is set but chromium is not installed"
        );
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    }
    let mut doc = loopmap::io::samples::default_sample()
        .load()
        .expect("the UK sample loads");
    // The last pin has the most votes, the first the fewest.
    let n = doc.pain_points.len();
    assert!(n >= 3, "the sample has pain points");
    for (i, p) in doc.pain_points.iter_mut().enumerate() {
        p.votes = Some(i as u32 * 2);
    }
    let mut by_votes: Vec<(u32, u32)> = doc
        .pain_points
        .iter()
        .zip(doc.pin_numbers())
        .map(|(p, number)| (p.votes(), number))
        .collect();
    by_votes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let expected_pins: Vec<String> = by_votes.iter().map(|(_, n)| format!("#{n}")).collect();
    let snapshot = loopmap::live::Snapshot::of(&doc);
    let chain: Vec<String> = snapshot
        .stages()
        .iter()
        .map(|s| s.name.to_string())
        .collect();

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
    let shot = std::env::temp_dir().join(format!("loopmap-ended-{}.png", std::process::id()));
    let mut phone = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/browser/ended.py"
        ))
        .arg(&url)
        .arg(&shot)
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let out = phone.stdout.take().expect("the phone's output");
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });

    let listed = line_from_phone(&mut h, &lines);
    assert_eq!(listed["loaded"], true, "{listed}");
    let groups: Vec<String> = serde_json::from_value(listed["groups"].clone()).unwrap();
    assert_eq!(groups, chain, "stages as the chain runs: {listed}");
    assert!(
        !groups.iter().any(|g| g == "Flows"),
        "no flat list of flows: {listed}"
    );
    let in_groups: Vec<u64> = serde_json::from_value(listed["flows_in_groups"].clone()).unwrap();
    assert_eq!(
        in_groups.iter().sum::<u64>(),
        listed["flow_options"].as_u64().unwrap(),
        "every flow under a stage: {listed}"
    );
    eprintln!("stages on the phone: {groups:?}");
    let pins: Vec<String> = serde_json::from_value(listed["pins"].clone()).unwrap();
    assert_eq!(
        pins, expected_pins,
        "most votes first while totals are shown"
    );

    // The facilitator stops while the phone has text typed and not sent.
    h.state_mut().stop_participation();
    let after = line_from_phone(&mut h, &lines);
    let status = phone.wait().expect("the phone ends");
    assert!(status.success(), "{after}");
    assert_eq!(after["told"], true, "{after}");
    assert_eq!(
        after["status"], "The facilitator has ended this session.",
        "{after}"
    );
    assert_eq!(after["typed_kept"], "Nobody collects the old motors");
    assert!(
        after["add_message"]
            .as_str()
            .is_some_and(|m| m.contains("ended this session") && m.contains("kept")),
        "{after}"
    );
    assert_eq!(after["add_disabled"], true, "{after}");
    assert_eq!(after["requests_after"], 0, "no more retries: {after}");
    // LOOPMAP_PHONE_SHOT=path keeps the phone's screenshot to look at.
    match std::env::var_os("LOOPMAP_PHONE_SHOT") {
        Some(keep) => std::fs::rename(&shot, keep).expect("the screenshot moves"),
        None => {
            let _ = std::fs::remove_file(shot);
        }
    }
}
