//! JSON Schemas of the JSON documents, generated from the Rust types that write them
//! (`schemars`), so a schema cannot drift from the output. The schemas are committed
//! under `spec/schema/`; `tests/schemas.rs` checks that regenerating them gives the
//! committed files and that every example's outputs validate against them.

use crate::diagnostics::json::{JsonDiagnostic, JsonDocument};
use crate::emit::json::{ProgramDocument, StacksDocument, WithDiagnostics};
use crate::emit::schedule::ScheduleDocument;

/// Each document's schema file name and schema, in a fixed order.
pub fn all() -> [(&'static str, serde_json::Value); 6] {
    [
        (
            "program.schema.json",
            schemars::schema_for!(ProgramDocument<'static>).to_value(),
        ),
        (
            "schedule.schema.json",
            schemars::schema_for!(ScheduleDocument<'static>).to_value(),
        ),
        (
            "stack.schema.json",
            schemars::schema_for!(StacksDocument<'static>).to_value(),
        ),
        (
            "diagnostics.schema.json",
            schemars::schema_for!(JsonDocument<'static>).to_value(),
        ),
        (
            "stack-with-diagnostics.schema.json",
            schemars::schema_for!(WithDiagnostics<StacksDocument<'static>, Vec<JsonDiagnostic<'static>>>).to_value(),
        ),
        (
            "schedule-with-diagnostics.schema.json",
            schemars::schema_for!(WithDiagnostics<ScheduleDocument<'static>, Vec<JsonDiagnostic<'static>>>).to_value(),
        ),
    ]
}
