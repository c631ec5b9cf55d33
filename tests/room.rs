//! The room as the projector shows it (egui_kittest at 1280 × 720, the projector's size):
//! vote totals hidden until revealed, who is connected, the join card and the controls
//! beside the map in workshop mode, entries under review kept off the projected
//! controls, and the pain points table with who raised what; and the HTML report
//! numbering pain points by their pins.

mod common;

use std::time::Instant;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loopmap::app::LoopmapApp;
use loopmap::live::Bind;
use loopmap::model::{Anchor, Category, Document, PainPoint};

const PROJECTOR: [f32; 2] = [1280.0, 720.0];

const LOOPBACK: Bind = Bind {
    ip: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
    port: 0,
};

fn sample() -> Document {
    loopmap::io::samples::default_sample()
        .load()
        .expect("the UK sample loads")
}

/// The sample with two pain points of a participant's kind (no severity chosen, a name,
/// pins 7 and 3) on its first node, one with many votes.
fn with_room_pains() -> Document {
    let mut doc = sample();
    let node = doc.nodes[0].id.clone();
    let mut loud = PainPoint::new("room1", Anchor::Node(node.clone()), "Loud one");
    loud.votes = Some(11);
    loud.raised_by = "Mia from the recycler".into();
    loud.number = Some(7);
    loud.category = Some(Category::Economic);
    let mut quiet = PainPoint::new("room2", Anchor::Node(node), "Quiet one");
    quiet.number = Some(3);
    quiet.raised_by = "Tom".into();
    doc.pain_points = vec![loud, quiet];
    doc
}

// --- item 23: the table says who raised what, and "not set" for a severity nobody chose ---

#[test]
fn the_pain_points_table_shows_who_raised_each_and_an_unset_severity_at_1280() {
    let mut h = common::editor_sized(with_room_pains(), PROJECTOR);
    h.run();
    // In view: left of the side panel (the inspector and indicators), which the table
    // would scroll under.
    let side = h.get_by_label("Indicators").rect().left();
    let heading = h.get_by_label("Raised by").rect();
    assert!(
        heading.right() < side,
        "the Raised by column is in view, left of {side}: {heading:?}"
    );
    let name = h.get_by_label("Mia from the recycler").rect();
    assert!(name.right() < side, "{name:?}");
    let severity = h.get_by_label("Severity").rect();
    assert!(severity.right() < side, "{severity:?}");
    let unset: Vec<egui::Rect> = h.query_all_by_label("not set").map(|n| n.rect()).collect();
    assert!(unset.len() >= 2, "no severity was chosen for either");
    assert!(unset.iter().all(|r| r.right() < side), "{unset:?}");
    assert!(h.query_by_label("3").is_some());
}

#[test]
fn the_facilitator_sets_a_severity_nobody_had_chosen() {
    let mut h = common::editor_sized(with_room_pains(), PROJECTOR);
    h.get_by_label("Loud one").click();
    h.run();
    assert_eq!(
        h.query_all_by_label_contains("pain point #7 'room1'")
            .count(),
        1,
        "the inspector names the pin's number"
    );
    h.get_by_label("Severity (1 to 5)").click();
    h.run();
    h.get_by_label("4").click();
    h.run();
    let p = &h.state().editor.doc().pain_points[0];
    assert_eq!(p.severity, Some(4));
}

// --- item 24: the report numbers pain points by their pins ---

#[test]
fn the_html_report_numbers_pain_points_by_their_pins() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("room.loopmap.json");
    loopmap::io::save(&with_room_pains(), &map).expect("saves");
    let out = dir.path().join("report.html");
    let run = assert_cmd::Command::cargo_bin("loopmap")
        .unwrap()
        .args(["export"])
        .arg(&map)
        .arg("--html")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let html = std::fs::read_to_string(&out).unwrap();
    let loud = html.find("<b>Loud one</b>").expect("listed");
    let quiet = html.find("<b>Quiet one</b>").expect("listed");
    let item = |at: usize| &html[html[..at].rfind("<li").unwrap()..at];
    assert!(item(loud).contains("value=\"7\""), "{}", item(loud));
    assert!(item(quiet).contains("value=\"3\""), "{}", item(quiet));
    assert!(html.contains("severity not set"));
}

/// The editor at the projector's size with a session running on loopback.
fn in_session(doc: Document, workshop: bool) -> Harness<'static, LoopmapApp> {
    let mut h = common::editor_stepped(doc, PROJECTOR);
    let ctx = h.ctx.clone();
    h.state_mut()
        .start_participation(LOOPBACK, &ctx)
        .expect("participation starts");
    if workshop {
        h.state_mut().set_workshop(true, &ctx);
    }
    h.run_steps(6);
    h
}

fn pin_rect(h: &Harness<'_, LoopmapApp>, label: &str) -> egui::Rect {
    h.get_by_label(label).rect()
}

// --- item 16: hidden totals are hidden on the projector too ---

#[test]
fn while_totals_are_hidden_pins_are_one_size_and_no_count_is_shown_until_revealed() {
    let mut h = in_session(with_room_pains(), false);
    let loud = "Pain point 7: Loud one";
    let quiet = "Pain point 3: Quiet one";
    assert!(
        pin_rect(&h, loud).width() > pin_rect(&h, quiet).width() + 2.0,
        "11 votes make a larger pin while totals are shown"
    );
    h.state_mut().participation.controls_open = true;
    h.run_steps(2);
    h.get_by_label("Hide vote totals").click();
    h.run_steps(3);
    assert!(h.state().editor.votes_hidden);
    assert_eq!(pin_rect(&h, loud).size(), pin_rect(&h, quiet).size());
    assert!(h.query_by_label("11").is_none(), "the table shows no total");
    assert!(h.query_all_by_label("hidden").count() >= 2);
    assert!(h.query_all_by_label_contains("11 votes").next().is_none());
    h.get_by_label("Reveal totals").click();
    h.run_steps(3);
    assert!(
        !h.state()
            .participation
            .room()
            .unwrap()
            .settings()
            .hide_totals
    );
    assert!(pin_rect(&h, loud).width() > pin_rect(&h, quiet).width() + 2.0);
    assert!(h.query_by_label("11").is_some());
    h.state_mut().stop_participation();
}

// --- item 17: who is connected now, and how many joined in all ---

#[test]
fn the_headcount_says_who_is_connected_now_and_who_joined_in_all() {
    let mut h = in_session(sample(), false);
    let room = h.state().participation.room().unwrap().clone();
    let now = Instant::now();
    let a = room.join(None, None, now).unwrap();
    let b = room.join(None, None, now).unwrap();
    room.open_stream(&a).unwrap();
    room.open_stream(&b).unwrap();
    h.run_steps(2);
    assert!(
        h.query_all_by_label("2 connected, 2 joined in all")
            .next()
            .is_some()
    );
    // One phone puts its page away: its stream closes.
    room.close_stream(&b);
    h.run_steps(2);
    assert_eq!(room.connected(), 1);
    assert!(
        h.query_all_by_label("1 connected, 2 joined in all")
            .next()
            .is_some()
    );
    // Loading the page again with the same cookie is the same participant.
    assert_eq!(room.join(Some(&a), None, now).unwrap(), a);
    assert_eq!(room.joined(), 2);
    h.state_mut().stop_participation();
}

// --- item 20: in workshop mode the map stays visible ---

#[test]
fn in_workshop_mode_the_join_card_and_controls_sit_beside_the_map_not_over_it() {
    let mut h = in_session(sample(), true);
    h.state_mut().participation.controls_open = true;
    h.run_steps(6);
    // In points: workshop mode draws everything larger.
    let window = h.ctx.content_rect();
    let qr = h.get_by_label("QR code of the join link").rect();
    let controls = h.get_by_label("Lock entries").rect();
    let stop = h.get_by_label("Stop").rect();
    let timer = h.get_by_label_contains("Timer ").rect();
    assert!(
        window.contains_rect(qr),
        "the whole QR code on screen: {qr:?}"
    );
    assert!(
        qr.width() * h.ctx.zoom_factor() >= 180.0,
        "readable from the back: {qr:?}"
    );
    assert!(
        (stop.center().y - controls.center().y).abs() < 4.0,
        "the controls fold to one line: {controls:?} {stop:?}"
    );
    assert!(!qr.intersects(timer) && !controls.intersects(timer));
    // The map: every node and title in view, none under the card or the controls.
    let titles = h.state().canvas.drawn_titles().to_vec();
    assert_eq!(titles.len(), h.state().editor.doc().nodes.len());
    let card = egui::Rect::from_min_max(
        egui::pos2(qr.left() - 8.0, 0.0),
        egui::pos2(window.right(), window.bottom()),
    );
    let line = egui::Rect::from_x_y_ranges(0.0..=window.right(), controls.y_range());
    for t in &titles {
        assert!(window.contains_rect(t.node_rect), "{} on screen", t.node);
        for (what, cover) in [("join card", card), ("controls", line)] {
            assert!(
                !cover.intersects(t.node_rect) && !cover.intersects(t.rect),
                "the {what} {cover:?} covers {} {:?}",
                t.node,
                t.node_rect
            );
        }
    }
    // Measured: the card's column and the line take under 30 % of the screen, beside
    // the map (which is fitted to what is left), where they covered about 70 % of it.
    let share = (card.area() + line.area()) / window.area();
    eprintln!(
        "join card and controls: {:.1} % of the screen",
        100.0 * share
    );
    assert!(share < 0.3, "{share}");
    h.state_mut().stop_participation();
}

// --- item 21: pending entries are counted on the projector, read in a window of one's own ---

#[test]
fn entries_under_review_are_counted_on_the_controls_and_read_only_in_the_review_window() {
    let mut h = in_session(sample(), false);
    let room = h.state().participation.room().unwrap().clone();
    let mut settings = room.settings();
    settings.review = true;
    room.set_settings(settings);
    let who = room.join(Some("x"), Some("Secret Sam".into()), Instant::now());
    let who = who.unwrap();
    room.add_pain_point(&who, Anchor::Map, "Private words".into(), Category::Social)
        .unwrap();
    h.state_mut().participation.controls_open = true;
    h.run_steps(3);
    assert!(h.query_by_label("1 waiting for review").is_some());
    assert!(
        h.query_all_by_label_contains("Private words")
            .next()
            .is_none(),
        "the text is not on the projected controls"
    );
    assert!(h.query_all_by_label_contains("Secret Sam").next().is_none());
    h.get_by_label("Review...").click();
    h.run_steps(3);
    assert!(
        h.query_all_by_label_contains("Private words")
            .next()
            .is_some()
    );
    h.get_by_label("Accept").click();
    h.run_steps(3);
    assert!(
        h.state()
            .editor
            .doc()
            .pain_points
            .iter()
            .any(|p| p.title == "Private words" && p.raised_by == "Secret Sam")
    );
    assert!(h.query_by_label("0 waiting for review").is_some());
    h.state_mut().stop_participation();
}

#[test]
fn a_phone_that_closes_its_page_is_no_longer_counted_as_connected() {
    use std::io::{Read, Write};
    let mut h = in_session(sample(), false);
    let url = h.state().participation.url().unwrap();
    let room = h.state().participation.room().unwrap().clone();
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, token) = rest.split_once('/').unwrap();
    let addr: std::net::SocketAddr = addr.parse().unwrap();
    let ask = |raw: String| {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        s
    };
    let mut joined = String::new();
    let _ = ask(format!(
        "POST /{token}api/join HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    ))
    .read_to_string(&mut joined);
    let cookie = joined
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a cookie")
        .to_string();
    let mut stream = ask(format!(
        "GET /{token}api/events HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\r\n"
    ));
    let mut buf = [0u8; 2048];
    let _ = stream.read(&mut buf).unwrap();
    h.run_steps(2);
    assert_eq!(room.connected(), 1);
    assert!(
        h.query_all_by_label("1 connected, 1 joined in all")
            .next()
            .is_some()
    );
    drop(stream);
    // The next keep-alive finds the page gone.
    let end = Instant::now() + std::time::Duration::from_secs(15);
    while room.connected() > 0 && Instant::now() < end {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let took = 15.0 - end.saturating_duration_since(Instant::now()).as_secs_f64();
    eprintln!("a closed page stopped counting after {took:.1} s");
    assert_eq!(room.connected(), 0, "after {took:.1} s");
    h.run_steps(2);
    assert!(
        h.query_all_by_label("0 connected, 1 joined in all")
            .next()
            .is_some()
    );
    h.state_mut().stop_participation();
}
