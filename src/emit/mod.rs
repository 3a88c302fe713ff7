//! Step 5: output for people and tools.

pub mod dot;
pub mod gantt;
pub mod json;
pub mod minizinc;
pub mod schedule;
pub mod schema;
pub mod stack_svg;
pub mod text;
pub mod vocabulary;
