//! Step 3: the step graph (and, with it, the order steps may run in).

pub mod dag;
pub mod expand;
pub mod schedule;
