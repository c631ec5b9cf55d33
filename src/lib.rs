//! Loopmap: circular-economy value-stream mapping of material supply chains.
//!
//! Layers look only down: `model` (the document) ← `present` (how numbers and map text
//! are written for people) ← `analysis` (solver, indicators, supply, diagnostics) ←
//! `layout` (where nodes, flows, loops and labels go, over the shapes in `geometry`) ←
//! `io` (map files) and `export` (SVG, PNG, CSV, HTML), with `colours` shared by the
//! canvas and the exports ← `live` (the participation server, without egui) ← `cli` and
//! `app` (the editor).

pub mod analysis;
pub mod app;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod colours;
pub mod export;
pub mod geometry;
pub mod io;
pub mod layout;
#[cfg(not(target_arch = "wasm32"))]
pub mod live;
pub mod model;
pub mod present;
#[cfg(target_arch = "wasm32")]
pub mod web;
