//! Step 5: output for people and tools.

pub mod dot;
pub mod json;
