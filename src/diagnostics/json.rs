//! Machine-readable diagnostics (`--message-format json`): one JSON document, each entry with
//! the primary position plus every label's position, all 1-based (columns in characters)
//! with the byte offsets beside them.

use schemars::JsonSchema;
use serde::Serialize;

use super::{Applicability, Diagnostic, Severity};
use crate::span::{LineIndex, Span};

/// The diagnostics of one run as one JSON document (`--message-format json`).
#[derive(Serialize, JsonSchema)]
pub struct JsonDocument<'a> {
    /// The version of this format (see `spec/architecture.md`, "JSON outputs").
    pub format_version: u32,
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonDiagnostic<'a> {
    pub severity: Severity,
    pub code: &'static str,
    pub slug: &'static str,
    pub message: &'a str,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub labels: Vec<JsonLabel<'a>>,
    pub notes: &'a [String],
    pub help: Option<&'a str>,
    /// Edits that fix the problem, where the fix is mechanical.
    pub suggestions: Vec<JsonSuggestion<'a>>,
}

/// A range of the source: 1-based lines and columns (in characters), and byte offsets.
#[derive(Serialize, JsonSchema)]
pub struct JsonRange {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub byte_start: u32,
    pub byte_end: u32,
}

impl JsonRange {
    fn new(index: &LineIndex, span: Span) -> JsonRange {
        let (line, column) = index.line_column(span.start as usize);
        let (end_line, end_column) = index.line_column(span.end as usize);
        JsonRange {
            line,
            column,
            end_line,
            end_column,
            byte_start: span.start,
            byte_end: span.end,
        }
    }
}

#[derive(Serialize, JsonSchema)]
pub struct JsonLabel<'a> {
    pub primary: bool,
    #[serde(flatten)]
    pub range: JsonRange,
    pub message: &'a str,
}

/// Replace the text of the range with `replacement`.
#[derive(Serialize, JsonSchema)]
pub struct JsonSuggestion<'a> {
    #[serde(flatten)]
    pub range: JsonRange,
    pub replacement: &'a str,
    pub applicability: Applicability,
}

/// [`to_json`] inside a document with its format version.
pub fn document<'a>(diagnostics: &'a [Diagnostic], file: &'a str, source: &str) -> JsonDocument<'a> {
    JsonDocument {
        format_version: crate::emit::json::FORMAT_VERSION,
        diagnostics: to_json(diagnostics, file, source),
    }
}

pub fn to_json<'a>(diagnostics: &'a [Diagnostic], file: &'a str, source: &str) -> Vec<JsonDiagnostic<'a>> {
    let index = LineIndex::new(source);
    diagnostics
        .iter()
        .map(|diagnostic| {
            let labels: Vec<JsonLabel> = std::iter::once((true, &diagnostic.primary))
                .chain(diagnostic.secondary.iter().map(|label| (false, label)))
                .map(|(primary, label)| JsonLabel {
                    primary,
                    range: JsonRange::new(&index, label.span),
                    message: &label.message,
                })
                .collect();
            let suggestions = diagnostic
                .suggestions
                .iter()
                .map(|suggestion| JsonSuggestion {
                    range: JsonRange::new(&index, suggestion.span),
                    replacement: &suggestion.replacement,
                    applicability: suggestion.applicability,
                })
                .collect();
            JsonDiagnostic {
                severity: diagnostic.severity(),
                code: diagnostic.code.id,
                slug: diagnostic.code.slug,
                message: &diagnostic.message,
                file,
                line: labels[0].range.line,
                column: labels[0].range.column,
                labels,
                notes: &diagnostic.notes,
                help: diagnostic.help.as_deref(),
                suggestions,
            }
        })
        .collect()
}
