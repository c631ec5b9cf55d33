//! The amounts from the back of the room, driven with egui_kittest: in workshop mode on a
//! 1280×720 projector, with the map fitted, every flow of at least 2 % of the largest shows
//! its amount at 12 px or more, over no node, title, pin or other amount; pins sit beside
//! their node; and tesseract reads most of those amounts in the screenshot. Snapshots of
//! the three samples.

mod common;

use std::collections::HashMap;

use egui::{Key, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loopmap::app::LoopmapApp;
use loopmap::io::samples::SAMPLES;
use loopmap::layout::labels;
use loopmap::model::{Anchor, Document};

const PROJECTOR: [f32; 2] = [1280.0, 720.0];

fn sample(i: usize) -> Document {
    SAMPLES[i].load().expect("the samples load")
}

/// The map in workshop mode (F5), fitted, on a 1280×720 projector, drawn with wgpu.
fn workshop(doc: Document) -> Harness<'static, LoopmapApp> {
    let mut h = Harness::builder()
        .with_size(PROJECTOR)
        .wgpu()
        .build_eframe(move |_cc| LoopmapApp::new(doc, None, Default::default()));
    h.run();
    h.key_press(Key::F5);
    h.run_steps(5);
    assert!(h.state().workshop.on);
    h
}

/// The label shown for each flow that matters (at least 2 % of the largest), by id, in
/// the format the panel uses.
fn amounts_that_matter(h: &Harness<'_, LoopmapApp>) -> Vec<(String, String)> {
    let shown = h.state().editor.shown();
    let amounts = &shown.analysis.solution.flows;
    let matter = labels::matters(amounts);
    shown
        .working
        .flows
        .iter()
        .enumerate()
        .filter(|&(f, _)| matter[f])
        .map(|(f, flow)| {
            (
                flow.id.clone(),
                loopmap::present::flow_label(flow, amounts[f]),
            )
        })
        .collect()
}

fn overlap(a: Rect, b: Rect) -> bool {
    let i = a.intersect(b);
    i.width() > 0.5 && i.height() > 0.5
}

/// Every amount that matters drawn at 12 px or more, none over a node, a title or another
/// amount.
fn assert_amounts_readable(h: &Harness<'_, LoopmapApp>) {
    let ppp = h.ctx.pixels_per_point() * h.ctx.zoom_factor();
    let drawn = h.state().canvas.drawn_amounts();
    let matter = amounts_that_matter(h);
    assert!(!matter.is_empty());
    for (id, amount) in &matter {
        let label = drawn.iter().find(|d| &d.flow == id);
        let label = label.unwrap_or_else(|| panic!("{id} ({amount}) has no amount on the map"));
        assert!(
            label.text.contains(amount.as_str()),
            "{label:?} says {amount}"
        );
        assert!(
            label.size * ppp >= 12.0 - 1e-3,
            "{id}: {} px",
            label.size * ppp
        );
    }
    let titles = h.state().canvas.drawn_titles();
    for (i, a) in drawn.iter().enumerate() {
        for t in titles {
            assert!(
                !overlap(a.rect, t.rect),
                "{} over the title of {}",
                a.flow,
                t.node
            );
            assert!(
                !overlap(a.rect, t.node_rect),
                "{} over node {}",
                a.flow,
                t.node
            );
        }
        for b in &drawn[i + 1..] {
            assert!(!overlap(a.rect, b.rect), "{} over {}", a.flow, b.flow);
        }
    }
}

/// Pins on screen, by pain point id (kittest finds them by their label).
fn pins(h: &Harness<'_, LoopmapApp>) -> Vec<(String, Rect)> {
    let doc = h.state().editor.doc();
    let numbers = doc.pin_numbers();
    doc.pain_points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let label = format!("Pain point {}: {}", numbers[i], p.title);
            let pin = h.query_by_label(&label)?;
            Some((p.id.clone(), pin.rect()))
        })
        .collect()
}

#[test]
fn workshop_mode_shows_every_amount_that_matters_at_12_px_on_the_uk_sample() {
    let h = workshop(sample(0));
    assert_amounts_readable(&h);
}

#[test]
fn workshop_mode_shows_every_amount_that_matters_on_the_global_and_ev_samples() {
    for i in [1, 2] {
        let h = workshop(sample(i));
        assert_amounts_readable(&h);
    }
}

#[test]
fn pins_sit_beside_their_node_over_no_other_node_title_or_amount() {
    let h = workshop(sample(0));
    let doc = h.state().editor.doc();
    let on: HashMap<&str, &Anchor> = doc
        .pain_points
        .iter()
        .map(|p| (p.id.as_str(), &p.on))
        .collect();
    let pins = pins(&h);
    assert!(pins.len() >= 10, "{} pins", pins.len());
    let titles = h.state().canvas.drawn_titles();
    for (id, pin) in &pins {
        let pin = pin.shrink(1.0);
        let own = match on[id.as_str()] {
            Anchor::Node(n) => Some(n.as_str()),
            _ => None,
        };
        for t in titles {
            assert!(
                !overlap(pin, t.rect),
                "pin {id} over the title of {}",
                t.node
            );
            if own != Some(t.node.as_str()) {
                assert!(!overlap(pin, t.node_rect), "pin {id} over node {}", t.node);
            }
        }
        for a in h.state().canvas.drawn_amounts() {
            assert!(
                !overlap(pin, a.rect),
                "pin {id} over the amount of {}",
                a.flow
            );
        }
        // Beside its own node: next to its box, or where the neighbours leave no room
        // there, a few pins out.
        if let Some(n) = own {
            let node = titles.iter().find(|t| t.node == n).map(|t| t.node_rect);
            let node = node.unwrap_or_else(|| panic!("{n} drawn"));
            assert!(
                node.expand(4.0 * pin.width() + 12.0).contains_rect(pin),
                "pin {id} far from {n}"
            );
        }
    }
}

/// Numbers as tesseract reads them: runs of digits, commas and points.
fn numbers_read(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .map(|t| t.trim_matches(|c| c == ',' || c == '.').to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

#[test]
fn tesseract_reads_most_amounts_that_matter_in_the_uk_workshop_screenshot() {
    let mut h = workshop(sample(0));
    let matter = amounts_that_matter(&h);
    let image = h.render().expect("the workshop screen renders");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let shot = dir.join("uk_workshop_amounts.png");
    // Enlarged three times, as one enlarges a photo of a slide for OCR: the pixels are
    // those of the 1280×720 screen.
    let (w, h3) = (image.width() * 3, image.height() * 3);
    let big = image::imageops::resize(&image, w, h3, image::imageops::FilterType::CatmullRom);
    big.save(&shot).expect("the screenshot is written");
    let Ok(out) = std::process::Command::new("tesseract")
        .arg(&shot)
        .arg("stdout")
        .args(["--psm", "11"])
        .output()
    else {
        eprintln!("tesseract is not installed: the OCR check runs in CI");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut read: HashMap<String, usize> = HashMap::new();
    for n in numbers_read(&String::from_utf8_lossy(&out.stdout)) {
        *read.entry(n).or_default() += 1;
    }
    let mut found = 0;
    let mut missed = Vec::new();
    for (id, label) in &matter {
        // The amount is the label's last number ("25 % · 1,697" says 1,697).
        let amount = numbers_read(label).pop().unwrap_or_default();
        match read.get_mut(&amount) {
            Some(k) if *k > 0 => {
                *k -= 1;
                found += 1;
            }
            _ => missed.push(format!("{id} {amount}")),
        }
    }
    eprintln!(
        "tesseract read {found} of {} amounts that matter",
        matter.len()
    );
    // Four in five, as the issue asks (it read 0 of 21 before amounts were placed for
    // the screen).
    assert!(
        5 * found >= 4 * matter.len(),
        "tesseract read {found} of {}; missed {missed:?}",
        matter.len()
    );
}

fn snapshot(i: usize, name: &str) {
    let mut h = workshop(sample(i));
    assert_amounts_readable(&h);
    h.snapshot(format!("workshop_amounts_{name}_1280x720"));
}

#[test]
fn snapshot_of_the_uk_sample_in_workshop_mode_at_1280x720() {
    snapshot(0, "uk");
}

#[test]
fn snapshot_of_the_global_sample_in_workshop_mode_at_1280x720() {
    snapshot(1, "global");
}

#[test]
fn snapshot_of_the_ev_motor_sample_in_workshop_mode_at_1280x720() {
    snapshot(2, "ev_motor");
}

/// The flows drawn as stubs, by id.
fn stubs(h: &Harness<'_, LoopmapApp>) -> Vec<String> {
    let shown = h.state().editor.shown();
    shown
        .layout
        .flows
        .iter()
        .zip(&shown.working.flows)
        .filter(|(s, _)| s.stub.is_some())
        .map(|(_, f)| f.id.clone())
        .collect()
}

#[test]
fn workshop_mode_ends_residues_into_landfill_in_stubs_named_after_it_and_view_switches_them_off() {
    let mut h = workshop(sample(0));
    let stubbed = stubs(&h);
    assert!(stubbed.len() >= 2, "{stubbed:?}");
    // Each stub's amount is drawn with the sink's name.
    let drawn = h.state().canvas.drawn_amounts().to_vec();
    let doc = h.state().editor.doc().clone();
    let named = stubbed.iter().filter(|id| {
        let to = &doc.flows.iter().find(|f| &f.id == *id).expect("flow").to;
        let sink = labels::short_name(&doc.node(to).expect("sink").label);
        drawn
            .iter()
            .any(|d| &d.flow == *id && d.text.ends_with(&format!(" to {sink}")))
    });
    assert!(
        named.count() >= 1,
        "a stub's amount names its sink: {drawn:?}"
    );
    // View ▸ Residues as stubs (the strip hides the menu bar in workshop mode: the command).
    let ctx = h.ctx.clone();
    h.state_mut().run(loopmap::app::Command::ToggleStubs, &ctx);
    h.run_steps(3);
    assert!(stubs(&h).is_empty(), "switched off");
    assert_eq!(h.state().settings.stubs, Some(false));
    // Off by default in the editor, and the menu's check box switches them on.
    let mut e = Harness::builder()
        .with_size(PROJECTOR)
        .build_eframe(move |_cc| LoopmapApp::new(sample(0), None, Default::default()));
    e.run();
    assert!(
        stubs(&e).is_empty(),
        "the editor draws every flow to its end"
    );
    e.get_by_label("View").click();
    e.run();
    e.get_by_label("Residues as stubs").click();
    e.run_steps(3);
    assert_eq!(stubs(&e), stubbed, "the same flows as in workshop mode");
}

#[test]
fn arrange_in_workshop_mode_spaces_the_map_to_the_projectors_shape() {
    let mut h = workshop(sample(0));
    let area = h.state().canvas.canvas_legends().map_area;
    assert!(area.is_positive());
    let aspect = f64::from(area.width() / area.height());
    let ctx = h.ctx.clone();
    h.state_mut().run(loopmap::app::Command::Arrange, &ctx);
    h.run_steps(5);
    let mut expected = sample(0);
    let amounts = loopmap::analysis::analyse(&expected).solution.flows;
    let options = loopmap::layout::Options {
        aspect: Some(aspect),
        ..Default::default()
    };
    loopmap::layout::arrange_in_place(&mut expected, &amounts, options);
    let positions = |d: &Document| d.nodes.iter().map(|n| n.pos).collect::<Vec<_>>();
    assert_eq!(positions(h.state().editor.doc()), positions(&expected));
    // Fitted again, every amount that matters still readable.
    assert_amounts_readable(&h);
}
