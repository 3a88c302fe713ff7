//! Human-readable rendering through ariadne. This is the only file that uses ariadne.
//!
//! ariadne runs in byte mode (our spans are byte offsets) and colour is decided by the
//! caller; no colour is ever baked into message strings, so plain output stays plain.

use ariadne::{Config, IndexType, Label as AriadneLabel, Report, ReportKind, Source};

use super::{Diagnostic, Severity};
use crate::span::{LineIndex, Span};

/// Lines longer than this are not drawn as a snippet: a generated or corrupt file can
/// have one line of megabytes, and echoing it helps nobody.
const MAX_SNIPPET_LINE: usize = 400;

/// Renders diagnostics as text. `path` is the name shown in the report header.
pub fn render(diagnostics: &[Diagnostic], path: &str, source: &str, color: bool) -> String {
    let mut out = Vec::new();
    let mut cache = (path, Source::from(source));
    // Needed only for the compact form, which few files ever need.
    let index = std::cell::OnceCell::new();
    for diagnostic in diagnostics {
        if touches_long_line(diagnostic, source) {
            let index = index.get_or_init(|| LineIndex::new(source));
            out.extend(render_without_snippet(diagnostic, path, index).into_bytes());
            continue;
        }
        let kind = match diagnostic.severity() {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let config = Config::default().with_index_type(IndexType::Byte).with_color(color);
        let clamp = |span: Span| {
            let end = (span.end as usize).min(source.len());
            (span.start as usize).min(end)..end
        };
        let mut report = Report::build(kind, (path, clamp(diagnostic.primary.span)))
            .with_config(config)
            .with_code(diagnostic.code.id)
            .with_message(&diagnostic.message);
        // ariadne starts a new snippet whenever a label lies above the previous one, so
        // the labels go in in source order to share one snippet.
        let mut labels: Vec<_> = std::iter::once(&diagnostic.primary)
            .chain(&diagnostic.secondary)
            .collect();
        labels.sort_by_key(|label| (label.span.start, label.span.end));
        for label in labels {
            report = report.with_label(AriadneLabel::new((path, clamp(label.span))).with_message(&label.message));
        }
        for note in &diagnostic.notes {
            report = report.with_note(note);
        }
        if let Some(help) = &diagnostic.help {
            report = report.with_help(help);
        }
        // Writing into a Vec cannot fail.
        let _ = report.finish().write(&mut cache, &mut out);
    }
    String::from_utf8(out).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

fn touches_long_line(diagnostic: &Diagnostic, source: &str) -> bool {
    std::iter::once(&diagnostic.primary)
        .chain(&diagnostic.secondary)
        .any(|label| {
            let at = (label.span.start as usize).min(source.len());
            let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
            let line_end = source[at..].find('\n').map_or(source.len(), |i| at + i);
            line_end - line_start > MAX_SNIPPET_LINE
        })
}

/// The compact form: header, positions of the labels, notes and help.
fn render_without_snippet(diagnostic: &Diagnostic, path: &str, index: &LineIndex) -> String {
    let kind = match diagnostic.severity() {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    let mut text = format!("[{}] {kind}: {}\n", diagnostic.code.id, diagnostic.message);
    for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
        let (line, column) = index.line_column(label.span.start as usize);
        text.push_str(&format!("   --> {path}:{line}:{column}: {}\n", label.message));
    }
    text.push_str("   (the line is too long to show)\n");
    for note in &diagnostic.notes {
        text.push_str(&format!("   Note: {note}\n"));
    }
    if let Some(help) = &diagnostic.help {
        text.push_str(&format!("   Help: {help}\n"));
    }
    text
}

/// One closing line: "error: could not compile `x` (2 errors, 1 warning)".
pub fn summary(diagnostics: &[Diagnostic], path: &str) -> Option<String> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => None,
        (0, w) => Some(format!("warning: `{path}` checked with {}", plural(w, "warning"))),
        (e, 0) => Some(format!("error: could not compile `{path}` ({})", plural(e, "error"))),
        (e, w) => Some(format!(
            "error: could not compile `{path}` ({}, {})",
            plural(e, "error"),
            plural(w, "warning")
        )),
    }
}
