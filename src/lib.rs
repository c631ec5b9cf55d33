//! Loopmap: circular-economy value-stream mapping of material supply chains.
//!
//! Layers look only down: `model` (the document) ← `io` (files) and `analysis`
//! (solver, indicators, diagnostics) ← `cli` (and the editor).

pub mod analysis;
pub mod app;
pub mod cli;
pub mod geometry;
pub mod io;
pub mod model;
