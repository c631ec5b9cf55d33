//! The map on a 1280×720 projector, driven with egui_kittest: node titles legible when
//! the whole map is fitted, legends beside the map (never over a node or pin) and folded
//! away on request, Larger text growing the canvas text, the Scenarios tab whole at
//! 1280×720, the tabs panel clamped so the canvas keeps half the window, and a snapshot.

mod common;

use common::editor_stepped as editor;
use egui::{Key, Rect, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use loopmap::app::{Command, Legend, LoopmapApp, Tab};
use loopmap::model::Document;

const PROJECTOR: [f32; 2] = [1280.0, 720.0];

fn uk() -> Document {
    loopmap::io::samples::SAMPLES[0].load().unwrap()
}

/// The UK sample in workshop mode (F5), fitted, on a 1280×720 projector.
fn workshop() -> Harness<'static, LoopmapApp> {
    let mut h = editor(uk(), PROJECTOR);
    h.key_press(Key::F5);
    h.run_steps(5);
    assert!(h.state().workshop.on);
    h
}

/// Pins on screen (kittest finds them by their label).
fn pins(h: &Harness<'_, LoopmapApp>) -> Vec<(String, Rect)> {
    h.query_all_by_label_contains("Pain point ")
        .filter(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
        .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
        .collect()
}

/// No box beside the map covers a node, its title or a pin on the map.
fn assert_legends_clear_of_the_map(h: &Harness<'_, LoopmapApp>) {
    let app = h.state();
    let legends = app.canvas.canvas_legends();
    let whole_map = legends.rect(Legend::WholeMap);
    for &(which, r) in &legends.boxes {
        for t in app.canvas.drawn_titles() {
            assert!(
                !r.intersects(t.node_rect) && !r.intersects(t.rect),
                "{which:?} legend {r:?} covers node {} ({:?}, title {:?})",
                t.node,
                t.node_rect,
                t.rect
            );
        }
        for (name, pin) in pins(h) {
            // Pins on the whole map live in their own box.
            if whole_map.is_some_and(|w| w.contains_rect(pin)) {
                continue;
            }
            assert!(
                !r.intersects(pin),
                "{which:?} legend {r:?} covers {name} {pin:?}"
            );
        }
    }
}

#[test]
fn in_workshop_mode_at_1280x720_every_title_is_drawn_at_14_px_or_more() {
    let h = workshop();
    let ppp = h.ctx.pixels_per_point();
    let titles = h.state().canvas.drawn_titles();
    assert_eq!(
        titles.len(),
        h.state().editor.doc().nodes.len(),
        "every node has its title"
    );
    let window = Rect::from_min_size(pos2(0.0, 0.0), vec2(PROJECTOR[0], PROJECTOR[1]) / ppp);
    for t in titles {
        assert!(
            t.size * ppp >= 14.0 - 1e-3,
            "{}: {} pt × {ppp} = {} px",
            t.node,
            t.size,
            t.size * ppp
        );
        assert!(window.contains_rect(t.rect), "{} at {:?}", t.node, t.rect);
    }
    let lod = h.state().canvas.canvas_lod().unwrap();
    assert!(lod.titles);
}

#[test]
fn in_the_editor_titles_keep_11_px_when_the_map_is_fitted() {
    let h = editor(uk(), PROJECTOR);
    let ppp = h.ctx.pixels_per_point();
    let titles = h.state().canvas.drawn_titles();
    assert_eq!(titles.len(), h.state().editor.doc().nodes.len());
    assert!(titles.iter().all(|t| t.size * ppp >= 11.0 - 1e-3));
}

#[test]
fn no_pin_covers_a_title_in_workshop_mode_at_1280x720() {
    let h = workshop();
    let titles = h.state().canvas.drawn_titles();
    for (name, pin) in pins(&h) {
        for t in titles {
            assert!(
                !pin.shrink(1.0).intersects(t.rect),
                "{name} {pin:?} covers the title of {} {:?}",
                t.node,
                t.rect
            );
        }
    }
}

#[test]
fn legends_sit_beside_the_fitted_map_and_fold_away() {
    // A strip of one line per legend in workshop mode, a column at the left (1280×720)
    // and a strip along the bottom (1400×900) in the editor.
    for mut h in [
        workshop(),
        editor(uk(), PROJECTOR),
        editor(uk(), [1400.0, 900.0]),
    ] {
        let legends = h.state().canvas.canvas_legends().clone();
        let loops = legends.rect(Legend::Loops);
        assert!(loops.is_some());
        if h.state().workshop.on {
            // Folded to a line each, loops and pin categories, in one box.
            assert!(legends.rect(Legend::Pins).is_none());
            assert!(loops.is_some_and(|r| r.height() <= 60.0), "{loops:?}");
        } else {
            assert!(legends.rect(Legend::Pins).is_some());
        }
        assert_legends_clear_of_the_map(&h);

        // Folded away with the small button on the canvas: only the button (and the
        // pins on the whole map) stay, and the map is fitted again into the room.
        h.get_by_label("Hide legends").click();
        h.run_steps(3);
        assert!(!h.state().settings.legends);
        let folded = h.state().canvas.canvas_legends();
        assert!(folded.rect(Legend::Loops).is_none() && folded.rect(Legend::Pins).is_none());
        assert!(folded.rect(Legend::Toggle).is_some());
        assert_legends_clear_of_the_map(&h);

        // L shows them again.
        h.key_press(Key::L);
        h.run_steps(3);
        assert!(h.state().settings.legends);
        assert_legends_clear_of_the_map(&h);
    }
}

#[test]
fn the_view_menu_folds_the_legends() {
    let mut h = editor(uk(), PROJECTOR);
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Legends").click();
    h.run_steps(3);
    assert!(!h.state().settings.legends);
}

#[test]
fn larger_text_makes_the_map_text_larger_on_screen() {
    let mut h = editor(uk(), PROJECTOR);
    let px = |h: &Harness<'_, LoopmapApp>| {
        let ppp = h.ctx.pixels_per_point();
        let t = h.state().canvas.drawn_titles();
        t.iter().map(|t| t.size * ppp).sum::<f32>() / t.len() as f32
    };
    let before = px(&h);
    let ctx = h.ctx.clone();
    h.state_mut().run(Command::TextLarger, &ctx);
    h.state_mut().run(Command::TextLarger, &ctx);
    h.run_steps(3);
    let larger = px(&h);
    assert!(larger > before * 1.25, "{before} px -> {larger} px");
    // Fitting again keeps the text that large.
    h.key_press(Key::F);
    h.run_steps(3);
    let fitted = px(&h);
    assert!(fitted > before * 1.25, "{before} px -> {fitted} px after F");
}

#[test]
fn the_scenarios_tab_at_1280x720_keeps_its_tabs_table_and_lever_names_in_view() {
    let mut h = editor(uk(), PROJECTOR);
    h.state_mut()
        .editor
        .set_scenario(Some("HPMS at 350 t/yr".into()));
    h.state_mut().tab = Tab::Scenarios;
    h.run_steps(4);
    // Everything of the tab must be left of the side panel and inside the window.
    let side = h.get_by_label_contains("Indicators: ").rect().left() - 4.0;
    let window = Rect::from_min_size(pos2(0.0, 0.0), vec2(PROJECTOR[0], PROJECTOR[1]));
    let in_view = |r: Rect| window.contains_rect(r) && r.right() <= side;
    let tab_bar = h.get_by_label_contains("Scenarios (").rect();
    assert!(in_view(tab_bar), "tab bar {tab_bar:?}");
    let table: Vec<Rect> = h
        .get_all_by_label("Material Circularity Indicator")
        .map(|n| n.rect())
        .filter(|r| r.right() <= side)
        .collect();
    assert!(
        !table.is_empty() && table.iter().all(|&r| in_view(r)),
        "{table:?}"
    );
    assert!(in_view(h.get_by_label("Baseline").rect()));

    // The sensitivity names each lever whole.
    h.get_by_label("Sensitivity").click();
    h.run_steps(3);
    let working = h.state_mut().editor.working().clone();
    let names: Vec<String> = loopmap::model::levers::levers(h.state().editor.doc())
        .iter()
        .map(|l| l.describe(&working))
        .collect();
    let mut shown = 0;
    // The sensitivity list is right of the levers (which start under the tab bar).
    let list = tab_bar.left() + 100.0;
    for name in &names {
        for n in h.query_all_by_label(name) {
            let r = n.rect();
            if r.left() > list {
                // In the sensitivity list (the levers' own labels are at the left).
                assert!(in_view(r), "{name} at {r:?}");
                shown += 1;
            }
        }
    }
    assert!(shown >= 3, "lever names in the sensitivity list: {shown}");

    // And the chart is there too, inside the tab.
    h.get_by_label("Indicators chart").click();
    h.run_steps(3);
    assert!(in_view(h.get_by_label("Main indicators (%)").rect()));
}

#[test]
fn a_tabs_panel_saved_tall_is_clamped_so_the_canvas_keeps_half_the_window() {
    // A tall window, the tabs dragged up by their splitter...
    let mut h = editor(uk(), [1280.0, 1400.0]);
    let positions = |h: &Harness<'_, LoopmapApp>| -> Vec<[f64; 2]> {
        h.state().editor.doc().nodes.iter().map(|n| n.pos).collect()
    };
    let before = positions(&h);
    let canvas = h.state().canvas.canvas_legends().canvas;
    let edge = pos2(canvas.center().x, canvas.bottom() + 1.0);
    h.hover_at(edge);
    h.run();
    h.drag_at(edge);
    h.run();
    for i in 1..=5 {
        h.hover_at(edge - vec2(0.0, 100.0 * i as f32));
        h.run();
    }
    h.drop_at(edge - vec2(0.0, 500.0));
    h.run_steps(2);
    let dragged = h.state().canvas.canvas_legends().canvas;
    assert!(
        dragged.height() < canvas.height() - 100.0,
        "the splitter moved: {canvas:?} -> {dragged:?}"
    );
    assert_eq!(
        positions(&h),
        before,
        "no node was moved by the splitter drag"
    );
    assert!(dragged.height() >= 700.0 - 1.0, "canvas {dragged:?}");

    // ...then the next run on a 1280×720 projector (egui keeps the panel's size).
    h.set_size(vec2(1280.0, 720.0));
    h.run_steps(3);
    let canvas = h.state().canvas.canvas_legends().canvas;
    assert!(canvas.height() >= 360.0 - 1.0, "canvas {canvas:?}");
    assert!(h.query_by_label_contains("Pain points (").is_some());
}

#[test]
fn snapshot_uk_workshop_on_a_1280x720_projector() {
    let mut h = Harness::builder()
        .with_size(PROJECTOR)
        .wgpu()
        .build_eframe(move |_cc| LoopmapApp::new(uk(), None, Default::default()));
    h.run();
    h.key_press(Key::F5);
    h.run_steps(5);
    h.snapshot("uk_workshop_1280x720");
}

#[test]
fn snapshot_uk_scenarios_tab_at_1280x720() {
    let mut h = Harness::builder()
        .with_size(PROJECTOR)
        .wgpu()
        .build_eframe(move |_cc| LoopmapApp::new(uk(), None, Default::default()));
    h.run();
    h.state_mut()
        .editor
        .set_scenario(Some("HPMS at 350 t/yr".into()));
    h.state_mut().tab = Tab::Scenarios;
    h.run_steps(4);
    h.get_by_label("Sensitivity").click();
    h.run_steps(3);
    h.snapshot("uk_scenarios_tab_1280x720");
}
