//! Saving and exporting where no system file dialog can open (issue 13, item 11), driven
//! with egui_kittest: Loopmap's own dialog takes over, and every save and export ends with
//! "Saved to …", "Exported to …" or the reason it failed in the status bar.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loopmap::app::{Command, LoopmapApp};
use loopmap::io;
use loopmap::model::Document;
use std::path::Path;

fn ev_motor() -> Document {
    io::samples::SAMPLES[2].load().unwrap()
}

/// An editor on the map in `file`, on a system without native file dialogs.
fn editor(file: &Path) -> Harness<'static, LoopmapApp> {
    let doc = io::load(file).unwrap();
    let path = file.to_path_buf();
    let mut h = Harness::builder()
        .with_size([1300.0, 900.0])
        .build_eframe(move |_cc| {
            let mut app = LoopmapApp::new(doc, Some(path), Default::default());
            app.native_dialogs = false;
            app
        });
    h.run_steps(2);
    h
}

fn run(h: &mut Harness<'_, LoopmapApp>, command: Command) {
    let ctx = h.ctx.clone();
    h.state_mut().run(command, &ctx);
    h.run_steps(2);
}

fn status(h: &Harness<'_, LoopmapApp>) -> String {
    h.state().hint.clone().unwrap_or_default()
}

#[test]
fn save_as_opens_loopmaps_own_dialog_and_says_where_it_saved() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ev.loopmap.json");
    io::save(&ev_motor(), &file).unwrap();
    let mut h = editor(&file);
    h.state_mut()
        .editor
        .edit(None, |d| d.meta.title = "Edited".into());

    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run_steps(2);
    assert!(h.state().file_dialog_open());
    h.get_by_label("Save map").click();
    h.run_steps(2);
    assert!(!h.state().file_dialog_open());
    assert_eq!(io::load(&file).unwrap().meta.title, "Edited");
    assert!(!h.state().editor.dirty());
    assert_eq!(status(&h), format!("Saved to {}", file.display()));
    assert!(
        h.query_by_label_contains("Saved to").is_some(),
        "the status bar shows it"
    );
}

#[test]
fn an_export_through_loopmaps_own_dialog_writes_the_file_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ev.loopmap.json");
    io::save(&ev_motor(), &file).unwrap();
    let mut h = editor(&file);
    run(&mut h, Command::ExportSvg);
    h.get_by_label("Export").click();
    h.run_steps(2);
    let svgs: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    assert_eq!(svgs.len(), 1, "one SVG written next to the map");
    assert!(std::fs::read_to_string(&svgs[0]).unwrap().contains("<svg"));
    assert_eq!(status(&h), format!("Exported to {}", svgs[0].display()));
}

#[test]
fn cancelling_loopmaps_own_dialog_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ev.loopmap.json");
    io::save(&ev_motor(), &file).unwrap();
    let mut h = editor(&file);
    h.state_mut()
        .editor
        .edit(None, |d| d.meta.title = "Edited".into());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run_steps(2);
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(!h.state().file_dialog_open());
    assert!(h.state().editor.dirty());
    assert_ne!(io::load(&file).unwrap().meta.title, "Edited");
}

#[test]
fn save_before_new_on_a_never_saved_map_saves_then_starts_the_new_map() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ev.loopmap.json");
    io::save(&ev_motor(), &file).unwrap();
    let mut h = editor(&file);
    // Never saved: the dialog starts in the folder of the last map opened.
    h.state_mut().path = None;
    h.state_mut().settings.recent = vec![file.clone()];
    h.state_mut()
        .editor
        .edit(None, |d| d.meta.title = "Never saved".into());
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run_steps(2);
    h.get_by_label("Save").click();
    h.run_steps(2);
    assert!(h.state().file_dialog_open(), "asked where to save");
    h.get_by_label("Save map").click();
    h.run_steps(2);
    let saved = dir.path().join("never_saved.loopmap.json");
    assert_eq!(io::load(&saved).unwrap().meta.title, "Never saved");
    assert_eq!(
        h.state().editor.doc().meta.title,
        "New map",
        "then the new map"
    );
}

#[test]
fn a_failed_save_says_why_in_the_status_bar() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ev.loopmap.json");
    io::save(&ev_motor(), &file).unwrap();
    let mut h = editor(&file);
    h.state_mut()
        .editor
        .edit(None, |d| d.meta.title = "Edited".into());
    let missing = dir.path().join("gone").join("map.loopmap.json");
    h.state_mut().save_to(missing);
    let message = status(&h);
    assert!(message.starts_with("Not saved:"), "{message}");
    assert!(
        message.contains("gone"),
        "names the missing folder: {message}"
    );
    assert!(h.state().editor.dirty());
}
