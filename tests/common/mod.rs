//! What the editor's kittest suites share: the editor on a map, in a window of a given
//! size, with or without a renderer for snapshots.

// Each suite uses part of it.
#![allow(dead_code)]

use egui_kittest::Harness;
use loopmap::app::LoopmapApp;
use loopmap::model::Document;

/// The window most suites use.
pub const WINDOW: [f32; 2] = [1400.0, 900.0];

fn builder(size: [f32; 2]) -> egui_kittest::HarnessBuilder<LoopmapApp> {
    Harness::builder().with_size(size)
}

fn open(doc: Document) -> impl FnOnce(&mut eframe::CreationContext<'_>) -> LoopmapApp {
    move |_cc| LoopmapApp::new(doc, None, Default::default())
}

/// The editor on `doc` (no file, default settings) in the usual window, run until idle.
pub fn editor(doc: Document) -> Harness<'static, LoopmapApp> {
    editor_sized(doc, WINDOW)
}

/// The editor on `doc` in a `size` window, run until idle.
pub fn editor_sized(doc: Document, size: [f32; 2]) -> Harness<'static, LoopmapApp> {
    let mut h = builder(size).build_eframe(open(doc));
    h.run();
    h
}

/// The editor on `doc` in a `size` window after two frames: for views that keep asking
/// for frames (a running timer, workshop mode), where running until idle never ends.
pub fn editor_stepped(doc: Document, size: [f32; 2]) -> Harness<'static, LoopmapApp> {
    let mut h = builder(size).build_eframe(open(doc));
    h.run_steps(2);
    h
}

/// The editor on `doc` in a `size` window, drawn with wgpu so snapshots can be taken.
pub fn drawn_editor(doc: Document, size: [f32; 2]) -> Harness<'static, LoopmapApp> {
    let mut h = builder(size).wgpu().build_eframe(open(doc));
    h.run();
    h
}
