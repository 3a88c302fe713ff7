//! Machine-readable diagnostics (`--message-format json`): one JSON array, each entry with
//! the primary position plus every label's position, all 1-based (columns in characters)
//! with the byte offsets beside them.

use serde::Serialize;

use super::{Diagnostic, Severity};
use crate::span::LineIndex;

#[derive(Serialize)]
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
}

#[derive(Serialize)]
pub struct JsonLabel<'a> {
    pub primary: bool,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub byte_start: u32,
    pub byte_end: u32,
    pub message: &'a str,
}

pub fn to_json<'a>(diagnostics: &'a [Diagnostic], file: &'a str, source: &str) -> Vec<JsonDiagnostic<'a>> {
    let index = LineIndex::new(source);
    diagnostics
        .iter()
        .map(|diagnostic| {
            let labels: Vec<JsonLabel> = std::iter::once((true, &diagnostic.primary))
                .chain(diagnostic.secondary.iter().map(|label| (false, label)))
                .map(|(primary, label)| {
                    let (line, column) = index.line_column(label.span.start as usize);
                    let (end_line, end_column) = index.line_column(label.span.end as usize);
                    JsonLabel {
                        primary,
                        line,
                        column,
                        end_line,
                        end_column,
                        byte_start: label.span.start,
                        byte_end: label.span.end,
                        message: &label.message,
                    }
                })
                .collect();
            JsonDiagnostic {
                severity: diagnostic.severity(),
                code: diagnostic.code.id,
                slug: diagnostic.code.slug,
                message: &diagnostic.message,
                file,
                line: labels[0].line,
                column: labels[0].column,
                labels,
                notes: &diagnostic.notes,
                help: diagnostic.help.as_deref(),
            }
        })
        .collect()
}
