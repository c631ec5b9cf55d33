//! The Roadmap tab and the use node's roadmap inspector, driven with egui_kittest: the tab
//! opens at 1280×720 with its charts inside the window, the values it shows are those of
//! `analysis::roadmap`, a lever dragged moves them in the same frame, and the inspector
//! edits the lifetime model and the demand path with undo.

mod common;

use common::editor_stepped as editor;
use egui::{Key, Modifiers, Rect, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use loopmap::analysis::roadmap::{self, Roadmap};
use loopmap::app::{LoopmapApp, RoadmapView, Selection, Tab};
use loopmap::model::{Document, LifetimeModel};
use loopmap::present::{percent_or_dash as percent, table_amount as amount};

const PROJECTOR: [f32; 2] = [1280.0, 720.0];

fn uk() -> Document {
    loopmap::io::samples::SAMPLES[0].load().unwrap()
}

fn roadmap_tab(size: [f32; 2]) -> Harness<'static, LoopmapApp> {
    let mut h = editor(uk(), size);
    h.get_by_label("Roadmap").click();
    h.run_steps(4);
    assert_eq!(h.state().tab, Tab::Roadmap);
    h
}

/// The texts the Values view shows for `year`: demand, end of life, returned, the ceiling
/// and the secondary share.
fn row_texts(r: &Roadmap, year: i32) -> [String; 5] {
    let i = r.index_of(year).unwrap();
    [
        amount(r.demand[i]),
        amount(r.eol[i]),
        amount(r.returned.total()[i]),
        percent(r.eol_ceiling[i]),
        percent(r.secondary_share[i]),
    ]
}

/// The cells of the Values row whose first cell reads `year`, left to right.
fn shown_row(h: &Harness<'_, LoopmapApp>, year: &str) -> Vec<String> {
    let first = h.get_by_label(year).rect();
    let mut cells: Vec<(f32, String)> = h
        .query_all_by_role(egui::accesskit::Role::Label)
        .filter(|n| {
            let r = n.rect();
            (r.center().y - first.center().y).abs() < 3.0 && r.left() > first.right()
        })
        .map(|n| {
            (
                n.rect().left(),
                n.accesskit_node().value().unwrap_or_default(),
            )
        })
        .collect();
    cells.sort_by(|a, b| a.0.total_cmp(&b.0));
    cells.into_iter().map(|c| c.1).collect()
}

#[test]
fn the_roadmap_tab_opens_at_1280x720_with_its_charts_in_view() {
    let mut h = roadmap_tab(PROJECTOR);
    let side = h.get_by_label("Indicators").rect().left() - 4.0;
    let window = Rect::from_min_size(pos2(0.0, 0.0), vec2(PROJECTOR[0], PROJECTOR[1]));
    let in_view = |r: Rect| window.contains_rect(r) && r.right() <= side;
    // Narrow: one chart at a time, chosen above it.
    let title = h
        .get_by_label("End of life by product, demand and what returns (t/yr)")
        .rect();
    assert!(in_view(title), "{title:?}");
    assert!(
        h.query_by_label("Ceiling on recycled content (% of demand)")
            .is_none()
    );
    h.get_by_label("Ceiling").click();
    h.run_steps(3);
    let title = h
        .get_by_label("Ceiling on recycled content (% of demand)")
        .rect();
    assert!(in_view(title), "{title:?}");
    assert_eq!(h.state().roadmap.view, RoadmapView::Ceiling);
    // The levers are beside the charts.
    assert!(h.get_all_by_role(egui::accesskit::Role::Slider).count() >= 3);
}

#[test]
fn wide_the_two_charts_stand_side_by_side() {
    let h = roadmap_tab([1700.0, 1000.0]);
    let eol = h
        .get_by_label("End of life by product, demand and what returns (t/yr)")
        .rect();
    let ceiling = h
        .get_by_label("Ceiling on recycled content (% of demand)")
        .rect();
    assert!(ceiling.left() > eol.right() - 1.0, "{eol:?} {ceiling:?}");
    assert!((ceiling.top() - eol.top()).abs() < 2.0);
}

#[test]
fn the_values_shown_are_those_of_the_analysis() {
    let mut h = roadmap_tab(PROJECTOR);
    h.get_by_label("Values").click();
    h.run_steps(3);
    let r = roadmap::compute(&uk()).unwrap();
    // The editor's roadmap is the analysis's.
    let shown = h.state_mut().roadmap().unwrap();
    assert_eq!(*shown, r);
    for (label, year) in [("2024 (map)", 2024), ("2030", 2030), ("2050", 2050)] {
        let cells = shown_row(&h, label);
        assert_eq!(cells[..5], row_texts(&r, year), "{label}");
    }
    // Each product's base-year fit: the model's end of life beside the map's.
    for u in &r.uses {
        let off = format!("{:+.1} %", 100.0 * (u.model_eol / u.map_eol - 1.0));
        assert!(h.query_by_label(&off).is_some(), "{}: {off}", u.id);
    }
}

#[test]
fn each_scenario_is_beside_the_baseline_in_the_values() {
    let mut h = roadmap_tab([1700.0, 1000.0]);
    h.get_by_label("Values").click();
    h.run_steps(3);
    let doc = uk();
    for s in &doc.scenarios {
        let head = format!("{}: secondary", s.name);
        assert!(h.query_by_label(&head).is_some(), "{head}");
    }
    // The third scenario's secondary share in 2050 is in the 2050 row.
    let s = &doc.scenarios[1];
    let r = roadmap::compute_scenario(&doc, s).unwrap();
    let i = r.index_of(2050).unwrap();
    let cells = shown_row(&h, "2050");
    assert_eq!(cells[5 + 1], percent(r.secondary_share[i]), "{cells:?}");
}

#[test]
fn dragging_a_growth_lever_moves_the_roadmap_in_the_same_frame() {
    let mut h = roadmap_tab([1700.0, 1000.0]);
    h.get_by_label("Values").click();
    h.run_steps(3);
    let before = h.state_mut().roadmap().unwrap();
    let shown_before = shown_row(&h, "2030");
    assert_eq!(shown_before[..5], row_texts(&before, 2030));
    let name = "EV traction motors in use · demand growth to 2030";
    let lever = |h: &Harness<'_, LoopmapApp>| {
        h.get_all_by_role(egui::accesskit::Role::Slider)
            .find(|n| n.accesskit_node().label().as_deref() == Some(name))
            .expect("the EV growth lever")
            .rect()
    };
    // The levers scroll: bring this one into view.
    h.get_all_by_role(egui::accesskit::Role::Slider)
        .find(|n| n.accesskit_node().label().as_deref() == Some(name))
        .unwrap()
        .scroll_to_me();
    h.run_steps(3);
    let slider = lever(&h);
    assert!(slider.bottom() < 1000.0, "{slider:?}");
    let from = slider.center();
    h.hover_at(from);
    h.run_steps(2);
    h.drag_at(from);
    h.run_steps(2);
    for i in 1..=4 {
        h.hover_at(from + vec2(6.0 * i as f32, 0.0));
        // One frame: the lever moves the map, and the roadmap shown follows at once.
        h.step();
        let doc = h.state_mut().editor.working().clone();
        let now = roadmap::compute(&doc).unwrap();
        assert_eq!(
            shown_row(&h, "2030")[..5],
            row_texts(&now, 2030),
            "step {i}"
        );
    }
    h.drop_at(from + vec2(24.0, 0.0));
    h.run_steps(3);
    let after = h.state_mut().roadmap().unwrap();
    let i = after.index_of(2030).unwrap();
    assert!(
        after.demand[i] > before.demand[i],
        "{} -> {}",
        before.demand[i],
        after.demand[i]
    );
    // The map of the base year is the same: its demand too.
    let base = after.index_of(2024).unwrap();
    assert!((after.demand[base] - before.demand[base]).abs() < 1e-9);
    assert_ne!(shown_row(&h, "2030")[0], shown_before[0]);
    // One undo step for the drag.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(*h.state_mut().roadmap().unwrap(), *before);
}

#[test]
fn the_inspector_edits_a_use_nodes_lifetime_model_and_demand_path_with_undo() {
    // Tall enough for the inspector to show the whole roadmap part.
    let mut h = editor(uk(), [1500.0, 2200.0]);
    h.state_mut().editor.selection = Selection::node("wind");
    h.run_steps(3);
    assert!(
        h.query_by_label("Survival: share still in use by age")
            .is_some()
    );
    let node =
        |h: &mut Harness<'_, LoopmapApp>| h.state().editor.doc().node("wind").unwrap().clone();
    let rows = node(&mut h).demand_growth.len();
    // A row added, then removed again by undo.
    h.get_by_label("Add row").click();
    h.run_steps(2);
    let added = node(&mut h).demand_growth;
    assert_eq!(added.len(), rows + 1);
    assert_eq!(added[rows].0, added[rows - 1].0 + 5);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(node(&mut h).demand_growth.len(), rows);
    // The first row removed.
    h.get_all_by_label("Remove").next().unwrap().click();
    h.run_steps(2);
    assert_eq!(node(&mut h).demand_growth.len(), rows - 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    // Weibull chosen: it gets a shape, the roadmap still computes; undo brings normal back.
    h.get_by_label("Lifetime model").click();
    h.run_steps(2);
    h.get_by_label("weibull").click();
    h.run_steps(3);
    let n = node(&mut h);
    assert_eq!(n.lifetime_model(), LifetimeModel::Weibull);
    assert_eq!(n.weibull_shape, Some(2.0));
    assert!(h.query_by_label("Weibull shape").is_some());
    assert!(roadmap::compute(h.state().editor.doc()).is_ok());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(node(&mut h).lifetime_model(), LifetimeModel::Normal);
    assert_eq!(node(&mut h), uk().node("wind").unwrap().clone());
}

#[test]
fn snapshot_uk_roadmap_tab_at_1280x720() {
    let mut h = Harness::builder()
        .with_size(PROJECTOR)
        .wgpu()
        .build_eframe(move |_cc| LoopmapApp::new(uk(), None, Default::default()));
    h.run();
    h.state_mut().tab = Tab::Roadmap;
    h.run_steps(4);
    h.snapshot("uk_roadmap_tab_1280x720");
}
