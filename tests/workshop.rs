//! Pain points and workshop mode driven as a facilitator would, with egui_kittest: pin a
//! pain point on a node, vote with keys and buttons, filter and sort the table, delete a
//! node that carries pain points, run workshop mode with its timer; and a snapshot of the
//! UK sample's pins in workshop mode.

mod common;

use common::editor;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loopmap::app::{LoopmapApp, Selection};
use loopmap::model::{Anchor, Category, Document};

fn uk() -> Document {
    loopmap::io::samples::SAMPLES[0].load().unwrap()
}

fn ev_motor() -> Document {
    loopmap::io::samples::SAMPLES[2].load().unwrap()
}

/// The number a pain point is shown with (its place in the map, from 1).
fn number(h: &Harness<'_, LoopmapApp>, id: &str) -> usize {
    1 + h
        .state()
        .editor
        .doc()
        .pain_points
        .iter()
        .position(|p| p.id == id)
        .unwrap()
}

/// A node on the canvas (its label may also be in the table's "On" column).
fn node<'h>(h: &'h Harness<'_, LoopmapApp>, label: &'h str) -> egui_kittest::Node<'h> {
    h.get_by_role_and_label(egui::Role::Button, label)
}

fn pin_label(h: &Harness<'_, LoopmapApp>, id: &str) -> String {
    let p = h
        .state()
        .editor
        .doc()
        .pain_points
        .iter()
        .find(|p| p.id == id)
        .unwrap();
    format!("Pain point {}: {}", number(h, id), p.title)
}

#[test]
fn p_pins_a_new_pain_point_on_the_selected_node_and_the_pin_follows_the_node() {
    let mut h = editor(ev_motor());
    let before = h.state().editor.doc().pain_points.len();
    node(&h, "ELV dismantling").click();
    h.run();
    h.key_press(Key::P);
    h.run();
    h.run();
    let doc = &h.state().editor.doc();
    assert_eq!(doc.pain_points.len(), before + 1);
    let added = doc.pain_points.last().unwrap().clone();
    assert_eq!(added.on, Anchor::Node("dismantle".into()));
    assert_eq!(
        h.state().editor.selection.single_pain(),
        Some(added.id.as_str())
    );

    // The title field has the cursor, its placeholder selected: typing replaces it.
    h.get_by_label("Title").type_text("Rotors are glued shut");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let title = &h.state().editor.doc().pain_points.last().unwrap().title;
    assert_eq!(title, "Rotors are glued shut");

    // Its pin is on the node, and moves with it.
    let pin = h.get_by_label(&pin_label(&h, &added.id)).rect();
    let elv = node(&h, "ELV dismantling").rect();
    assert!(
        elv.expand(12.0).contains(pin.center()),
        "pin {pin:?} on node {elv:?}"
    );
    let from = elv.center() + egui::vec2(0.0, 10.0);
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    for i in 1..=4 {
        h.hover_at(from + egui::vec2(0.0, 20.0 * i as f32));
        h.run();
    }
    h.drop_at(from + egui::vec2(0.0, 80.0));
    h.run();
    h.run();
    let moved = h.get_by_label(&pin_label(&h, &added.id)).rect();
    let node_moved = node(&h, "ELV dismantling").rect();
    // The pin goes with its node (it may also step aside from a neighbour's title).
    assert!(
        (node_moved.center().y - elv.center().y - 80.0).abs() < 2.0
            && node_moved.expand(24.0).contains(moved.center())
            && moved.center().y > pin.center().y + 60.0,
        "the pin moved with its node: {pin:?} -> {moved:?}"
    );
}

#[test]
fn the_right_click_menu_of_a_node_adds_a_pain_point_on_it() {
    let mut h = editor(ev_motor());
    node(&h, "Motor repair").click_secondary();
    h.run();
    h.get_by_label_contains("Add pain point here").click();
    h.run();
    let added = h.state().editor.doc().pain_points.last().unwrap();
    assert_eq!(added.on, Anchor::Node("repair".into()));
}

#[test]
fn votes_come_from_the_keyboard_and_the_buttons_and_undo_takes_them_back() {
    let mut h = editor(ev_motor());
    let id = "pp_repair_data";
    let start = h
        .state()
        .editor
        .doc()
        .pain_points
        .iter()
        .find(|p| p.id == id)
        .unwrap()
        .votes();
    h.get_by_label(&pin_label(&h, id)).click();
    h.run();
    assert_eq!(h.state().editor.selection.single_pain(), Some(id));
    let votes = |h: &Harness<'_, LoopmapApp>| {
        h.state()
            .editor
            .doc()
            .pain_points
            .iter()
            .find(|p| p.id == id)
            .unwrap()
            .votes()
    };
    h.key_press(Key::Plus);
    h.run();
    h.key_press(Key::Plus);
    h.run();
    assert_eq!(votes(&h), start + 2);
    h.key_press(Key::Minus);
    h.run();
    assert_eq!(votes(&h), start + 1);
    // The inspector's button.
    h.get_by_label("+1 vote").click();
    h.run();
    assert_eq!(votes(&h), start + 2);
    // Never below zero.
    for _ in 0..(start + 5) {
        h.key_press(Key::Minus);
        h.run();
    }
    assert_eq!(votes(&h), 0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(votes(&h), 1, "one undo gives one vote back");
}

#[test]
fn the_pain_point_table_votes_filters_by_text_and_category_and_sorts_by_any_column() {
    let mut h = editor(uk());
    let doc = h.state().editor.doc().clone();
    let title = |id: &str| {
        doc.pain_points
            .iter()
            .find(|p| p.id == id)
            .unwrap()
            .title
            .clone()
    };
    // Sorted by votes, most first: the top pain point is above the second.
    let y = |h: &Harness<'_, LoopmapApp>, id: &str| h.get_by_label(&title(id)).rect().center().y;
    assert!(y(&h, "pp_china_magnets") < y(&h, "pp_hpms_scale"));

    // +1 in a row votes for that row.
    let row = y(&h, "pp_hpms_scale");
    let plus = h
        .get_all_by_label("+1")
        .min_by(|a, b| {
            let d = |n: &egui_kittest::Node<'_>| (n.rect().center().y - row).abs();
            d(a).total_cmp(&d(b))
        })
        .unwrap();
    plus.click();
    h.run();
    let hpms = h
        .state()
        .editor
        .doc()
        .pain_points
        .iter()
        .find(|p| p.id == "pp_hpms_scale")
        .unwrap();
    assert_eq!(hpms.votes(), 12);

    // Sort by title: click the header, alphabetical order.
    h.get_by_label("Pain point").click();
    h.run();
    assert_eq!(h.state().pain_table.sort, loopmap::app::PainColumn::Title);
    assert!(
        y(&h, "pp_glued") < y(&h, "pp_binned"),
        "“{}” sorts before “{}”",
        title("pp_glued"),
        title("pp_binned")
    );
    // A second click reverses it.
    h.get_by_label("Pain point").click();
    h.run();
    assert!(y(&h, "pp_glued") > y(&h, "pp_binned"));

    // Search by text.
    h.get_by_label("Search").click();
    h.run();
    h.get_by_label("Search").type_text("HPMS");
    h.run();
    assert_eq!(
        h.state()
            .pain_table
            .rows(h.state().editor.doc(), false)
            .len(),
        2
    );
    assert!(h.query_by_label(&title("pp_hpms_scale")).is_some());
    assert!(h.query_by_label(&title("pp_price")).is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.key_press(Key::Backspace);
    h.run();

    // Filter by category through its drop-down.
    h.get_by_label("Show category").click();
    h.run();
    // The drop-down opens above the table, whose rows say "economic" too.
    h.get_all_by_label("economic")
        .min_by(|a, b| a.rect().top().total_cmp(&b.rect().top()))
        .unwrap()
        .click();
    h.run();
    assert_eq!(h.state().pain_table.category, Some(Category::Economic));
    let rows = h.state().pain_table.rows(h.state().editor.doc(), false);
    assert_eq!(rows.len(), 2);
    assert!(h.query_by_label(&title("pp_price")).is_some());
    assert!(h.query_by_label(&title("pp_glued")).is_none());

    // Clicking a row selects the pain point and centres the canvas on its pin.
    h.get_by_label(&title("pp_price")).click();
    h.run();
    assert_eq!(h.state().editor.selection.single_pain(), Some("pp_price"));
    let i = number(&h, "pp_price") - 1;
    let pin = h.state_mut().editor.layout().pins[i].unwrap();
    assert_eq!(h.state().canvas.view.center, pin);
}

#[test]
fn deleting_a_node_that_carries_pain_points_asks_and_can_move_them_to_the_map() {
    let mut h = editor(uk());
    let on_hpms = |h: &Harness<'_, LoopmapApp>| {
        h.state()
            .editor
            .doc()
            .pain_points
            .iter()
            .filter(|p| p.on == Anchor::Node("hpms".into()))
            .count()
    };
    let count = h.state().editor.doc().pain_points.len();
    assert_eq!(on_hpms(&h), 2);
    h.state_mut().editor.selection = Selection::node("hpms");
    h.run();
    h.key_press(Key::Delete);
    h.run();
    assert!(
        h.state().editor.doc().node("hpms").is_some(),
        "nothing deleted before the answer"
    );
    // The flow from HPMS back into magnet making carries one more.
    assert!(h.query_by_label_contains("carries 3 pain points").is_some());
    h.get_by_label("Move to the map").click();
    h.run();
    assert!(h.state().editor.doc().node("hpms").is_none());
    assert_eq!(h.state().editor.doc().pain_points.len(), count);
    let price = h
        .state()
        .editor
        .doc()
        .pain_points
        .iter()
        .find(|p| p.id == "pp_price")
        .unwrap();
    assert_eq!(price.on, Anchor::Map);
    assert!(loopmap::model::validate(h.state().editor.doc()).is_ok());

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(on_hpms(&h), 2, "undo puts them back on the node");

    // Or delete them with it.
    h.state_mut().editor.selection = Selection::node("hpms");
    h.key_press(Key::Delete);
    h.run();
    h.get_by_label("Delete pain points").click();
    h.run();
    assert_eq!(h.state().editor.doc().pain_points.len(), count - 3);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().editor.doc().pain_points.len(), count);
}

#[test]
fn workshop_mode_fills_the_window_keeps_the_indicators_in_a_strip_and_esc_leaves() {
    let mut h = editor(uk());
    assert!(h.query_by_label("Add Source").is_some(), "palette shown");
    h.key_press(Key::F5);
    h.run();
    h.run();
    assert!(h.state().workshop.on);
    assert!(h.query_by_label("Add Source").is_none(), "no palette");
    assert!(h.query_by_label("Inspector").is_none() && h.query_by_label("Map").is_none());
    assert!(h.query_by_label("MCI").is_some(), "indicator strip");
    assert!(h.query_by_label("Timer 05:00").is_some());
    assert!(
        h.query_by_label(&pin_label(&h, "pp_china_magnets"))
            .is_some(),
        "pins on the canvas"
    );

    // The timer starts with T and counts down.
    h.key_press(Key::T);
    h.run();
    assert!(h.state().workshop.timer.running());
    h.get_by_label("Pause").click();
    h.run();
    assert!(!h.state().workshop.timer.running());

    // Voting on the selected pin from the keyboard.
    h.get_by_label(&pin_label(&h, "pp_skills")).click();
    h.run();
    h.key_press(Key::Plus);
    h.run();
    let skills = h
        .state()
        .editor
        .doc()
        .pain_points
        .iter()
        .find(|p| p.id == "pp_skills")
        .unwrap();
    assert_eq!(skills.votes(), 3);

    // The category filter hides other pins.
    h.state_mut().workshop.pin_filter = Some(Category::Social);
    h.run();
    assert!(
        h.query_by_label(&pin_label(&h, "pp_china_magnets"))
            .is_none()
    );
    assert!(h.query_by_label(&pin_label(&h, "pp_skills")).is_some());

    h.key_press(Key::Escape);
    h.run();
    h.run();
    assert!(!h.state().workshop.on);
    assert!(h.query_by_label("Add Source").is_some(), "palette back");
}

#[test]
fn pins_on_the_whole_map_are_shown_in_a_row_and_a_click_selects_one() {
    let mut h = editor(uk());
    let label = pin_label(&h, "pp_data");
    let pin = h.get_by_label(&label).rect();
    // In their own box beside the map, clear of every node.
    let row = h
        .state()
        .canvas
        .canvas_legends()
        .rect(loopmap::app::Legend::WholeMap)
        .unwrap();
    assert!(row.contains_rect(pin), "{pin:?} in {row:?}");
    for t in h.state().canvas.drawn_titles() {
        assert!(!pin.intersects(t.node_rect), "{pin:?} over {}", t.node);
    }
    h.get_by_label(&label).click();
    h.run();
    assert_eq!(h.state().editor.selection.single_pain(), Some("pp_data"));
    assert!(h.query_by_label("Move to the whole map").is_none());
}

#[test]
fn snapshot_uk_sample_in_workshop_mode() {
    let mut h = Harness::builder()
        .with_size([1920.0, 1080.0])
        .wgpu()
        .build_eframe(move |_cc| LoopmapApp::new(uk(), None, Default::default()));
    h.run();
    h.key_press(Key::F5);
    h.run_steps(4);
    // What the picture is for: workshop mode, the indicator strip on top, every title at
    // least 14 px on screen.
    assert!(h.state().workshop.on);
    assert!(h.query_by_label_contains("Leave workshop mode").is_some());
    let ppp = h.ctx.pixels_per_point();
    let titles = h.state().canvas.drawn_titles();
    assert_eq!(titles.len(), h.state().editor.doc().nodes.len());
    assert!(titles.iter().all(|t| t.size * ppp >= 14.0));
    h.snapshot("uk_sample_workshop");
}

/// The room reads the same figure with the same range as the panel: the strip's MCI and
/// rates carry their ± σ on a map whose figures are uncertain, and none without.
#[test]
fn the_workshop_strip_shows_each_figure_with_its_range() {
    let doc = uk();
    let a = loopmap::analysis::analyse(&doc);
    let u = a.uncertainty.as_ref().expect("the UK sample is uncertain");
    let mci = loopmap::present::with_sigma(
        loopmap::present::Measure::Index,
        a.indicators.mci,
        u.sigma_of("mci"),
        "",
    );
    let collection = loopmap::present::with_sigma(
        loopmap::present::Measure::Rate,
        a.indicators.collection_rate,
        u.sigma_of("collection_rate"),
        "",
    );
    assert!(
        mci.contains(" ± ") && collection.contains(" ± "),
        "{mci} / {collection}"
    );
    let mut h = editor(doc.clone());
    h.key_press(Key::F5);
    h.run();
    h.run();
    assert!(h.query_by_label(&mci).is_some(), "strip shows {mci}");
    assert!(
        h.query_by_label(&collection).is_some(),
        "strip shows {collection}"
    );

    let mut exact = doc;
    for f in &mut exact.flows {
        f.uncertainty = None;
        f.estimates.clear();
    }
    let mut h = editor(exact);
    h.key_press(Key::F5);
    h.run();
    h.run();
    let plain = loopmap::analysis::analyse(&h.state().editor.doc().clone())
        .indicators
        .mci;
    assert!(
        h.query_by_label(&format!("{:.3}", plain.unwrap()))
            .is_some()
    );
}
