//! seip: a compiler for surface-engineering pretreatment protocols of Li-metal anodes.
//!
//! The pipeline, each stage a function of the last one's output:
//! `syntax` (text -> tree) -> `sema` (names, units, phases) -> `plan` (step graph)
//! -> `model` (layer stack) -> `emit` (JSON, pictures); `diagnostics` serves them all.

pub mod diagnostics;
pub mod span;
pub mod syntax;
