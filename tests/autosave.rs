//! Never losing work (issue 13, item 10), driven with egui_kittest: each window keeps its
//! own copy of unsaved work, written within two seconds of any change (undo included) by
//! the frame timer, kept until the map is saved or the copy discarded, and offered back
//! with its file path once its window is gone.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loopmap::app::LoopmapApp;
use loopmap::app::autosave::{Autosave, DELAY_SECONDS};
use loopmap::io;
use loopmap::model::Document;
use std::path::Path;

/// Frames of kittest's default 0.25 s step that make up the autosave delay, and one more.
const FRAMES_IN_DELAY: usize = (DELAY_SECONDS / 0.25) as usize + 1;

fn ev_motor() -> Document {
    io::samples::SAMPLES[2].load().unwrap()
}

/// A window on `doc` (from `path`) whose copies go to `dir`.
fn window(doc: Document, path: Option<&Path>, dir: &Path) -> Harness<'static, LoopmapApp> {
    let path = path.map(Path::to_path_buf);
    let autosave = Autosave::in_folder(dir).unwrap();
    let mut h = Harness::builder()
        .with_size([1300.0, 900.0])
        .build_eframe(move |_cc| {
            let mut app = LoopmapApp::new(doc, path, Default::default());
            app.autosave = Some(autosave);
            app
        });
    h.run_steps(2);
    h
}

fn copy_of(h: &Harness<'_, LoopmapApp>) -> Option<Document> {
    let path = h.state().autosave.as_ref().unwrap().path();
    path.exists().then(|| io::load(&path).unwrap())
}

#[test]
fn every_change_reaches_the_copy_within_two_seconds_undo_included() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = window(ev_motor(), None, dir.path());
    assert_eq!(copy_of(&h), None, "nothing unsaved, no copy");

    h.state_mut()
        .editor
        .edit(None, |d| d.meta.title = "First".into());
    h.run_steps(FRAMES_IN_DELAY);
    assert_eq!(copy_of(&h).unwrap().meta.title, "First");

    // Two changes in quick succession: the second is on disk two seconds later at most.
    h.state_mut()
        .editor
        .edit(None, |d| d.meta.title = "Second".into());
    h.run_steps(FRAMES_IN_DELAY);
    assert_eq!(copy_of(&h).unwrap().meta.title, "Second");

    // A deletion undone is undone in the copy too.
    let nodes = h.state().editor.doc().nodes.len();
    let last = h.state().editor.doc().nodes[nodes - 1].id.clone();
    h.state_mut().editor.selection = loopmap::app::Selection::node(&last);
    h.state_mut().editor.delete_selection();
    h.run_steps(FRAMES_IN_DELAY);
    assert_eq!(copy_of(&h).unwrap().nodes.len(), nodes - 1);
    h.state_mut().editor.undo();
    h.run_steps(FRAMES_IN_DELAY);
    assert_eq!(copy_of(&h).unwrap().nodes.len(), nodes);
    assert_eq!(&copy_of(&h).unwrap(), h.state().editor.doc());

    // Saving clears the copy.
    h.state_mut().save_to(dir.path().join("map.loopmap.json"));
    h.run_steps(FRAMES_IN_DELAY);
    assert_eq!(copy_of(&h), None);
}

#[test]
fn the_timer_writes_without_further_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = window(ev_motor(), None, dir.path());
    let app = h.state_mut();
    app.editor.edit(None, |d| d.meta.title = "One".into());
    assert_eq!(
        app.autosave_tick(10.0),
        None,
        "written at once after a quiet spell"
    );
    app.editor.edit(None, |d| d.meta.title = "Two".into());
    let wait = app.autosave_tick(10.5).expect("a wake-up is asked for");
    assert!((wait - 1.5).abs() < 1e-9, "wait {wait}");
    assert_eq!(copy_of(&h).unwrap().meta.title, "One");
    assert_eq!(h.state_mut().autosave_tick(12.0), None);
    assert_eq!(copy_of(&h).unwrap().meta.title, "Two");
}

#[test]
fn two_windows_keep_two_copies_and_saving_one_leaves_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = window(ev_motor(), None, dir.path());
    let mut b = window(ev_motor(), None, dir.path());
    a.state_mut()
        .editor
        .edit(None, |d| d.meta.title = "Window A".into());
    b.state_mut()
        .editor
        .edit(None, |d| d.meta.title = "Window B".into());
    a.run_steps(FRAMES_IN_DELAY);
    b.run_steps(FRAMES_IN_DELAY);
    assert_eq!(copy_of(&a).unwrap().meta.title, "Window A");
    assert_eq!(copy_of(&b).unwrap().meta.title, "Window B");

    // Neither window offers the other's copy while both run.
    assert!(a.state().autosave.as_ref().unwrap().orphans().is_empty());

    a.state_mut().save_to(dir.path().join("a.loopmap.json"));
    assert_eq!(copy_of(&a), None);
    assert_eq!(copy_of(&b).unwrap().meta.title, "Window B");
}

#[test]
fn a_copy_left_by_a_killed_window_comes_back_with_its_file_path() {
    let dir = tempfile::tempdir().unwrap();
    let copies = dir.path().join("autosave");
    let file = dir.path().join("ev.loopmap.json");
    io::save(&ev_motor(), &file).unwrap();

    // A window edits the map from `file`, then dies without saving.
    let mut h = window(ev_motor(), Some(&file), &copies);
    h.state_mut()
        .editor
        .edit(None, |d| d.meta.title = "Workshop, unsaved".into());
    h.run_steps(FRAMES_IN_DELAY);
    drop(h);

    // The next window offers it back; Esc (or Later) keeps it for another time.
    let mut h = window(ev_motor(), None, &copies);
    h.state_mut().offer_recovery();
    h.run();
    assert!(h.query_by_label("Recover unsaved work?").is_some());
    assert!(
        h.query_by_label_contains(&file.display().to_string())
            .is_some(),
        "the dialog names the map's file"
    );
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.query_by_label("Recover unsaved work?").is_none());
    assert_eq!(h.state().autosave.as_ref().unwrap().orphans().len(), 1);

    h.state_mut().offer_recovery();
    h.run();
    h.get_by_label("Recover").click();
    h.run();
    let app = h.state();
    assert_eq!(app.editor.doc().meta.title, "Workshop, unsaved");
    assert_eq!(
        app.path.as_deref(),
        Some(file.as_path()),
        "the file path comes back"
    );
    assert!(app.editor.dirty(), "recovered work still needs saving");
    assert!(app.autosave.as_ref().unwrap().orphans().is_empty());
    assert_eq!(
        copy_of(&h).unwrap().meta.title,
        "Workshop, unsaved",
        "the copy is this window's now"
    );

    // Save (Ctrl+S writes to the file it came from): no copy left anywhere.
    h.state_mut().save(false);
    assert_eq!(io::load(&file).unwrap().meta.title, "Workshop, unsaved");
    assert_eq!(copy_of(&h), None);
}

#[test]
fn discarding_a_copy_deletes_it_and_offers_the_next() {
    let dir = tempfile::tempdir().unwrap();
    for title in ["Older", "Newer"] {
        let mut h = window(ev_motor(), None, dir.path());
        h.state_mut()
            .editor
            .edit(None, |d| d.meta.title = title.into());
        h.run_steps(FRAMES_IN_DELAY);
        drop(h);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut h = window(ev_motor(), None, dir.path());
    assert_eq!(h.state().autosave.as_ref().unwrap().orphans().len(), 2);
    h.state_mut().offer_recovery();
    h.run();
    h.get_by_label("Discard it").click();
    h.run();
    let orphans = h.state().autosave.as_ref().unwrap().orphans();
    assert_eq!(orphans.len(), 1, "one discarded");
    assert_eq!(orphans[0].load().unwrap().meta.title, "Older");
    assert!(
        h.query_by_label("Recover unsaved work?").is_some(),
        "the next copy is offered"
    );
    h.get_by_label("Recover").click();
    h.run();
    assert_eq!(h.state().editor.doc().meta.title, "Older");
    assert_eq!(h.state().path, None, "never saved: no file");
}
