//! The compiler's own diagnostic type.
//!
//! Every stage reports problems as [`Diagnostic`] values; `render` (ariadne, for people)
//! and `json` (for tools) are two views of the same value, so the wording lives in one
//! place and the rendering library can be swapped without touching the stages.

pub mod allow;
pub mod codes;
pub mod explain;
pub mod json;
pub mod render;
pub mod suggest;

pub use codes::Code;

use crate::span::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A message attached to a span of the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    /// What is wrong: lowercase, no final period, names in backticks.
    pub message: String,
    /// What is wrong here, on the exact span.
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// The fix as edits a tool can apply, where it is mechanical (a misspelt name).
    pub suggestions: Vec<Suggestion>,
    /// A warning made an error by `--deny warnings` (see [`deny_warnings`]).
    pub denied: bool,
}

/// An edit that fixes the problem: replace the text of `span` with `replacement`
/// (rustc's machine-applicable suggestions).
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub span: Span,
    pub replacement: String,
    pub applicability: Applicability,
}

/// How sure the compiler is of a suggestion, in rustc's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Applying it fixes this problem and changes nothing else.
    MachineApplicable,
    /// Probably what was meant, but a person should look (a close name may be another
    /// existing thing).
    MaybeIncorrect,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            primary: Label {
                span,
                message: label.into(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestions: Vec::new(),
            denied: false,
        }
    }

    pub fn severity(&self) -> Severity {
        if self.denied {
            Severity::Error
        } else {
            self.code.severity()
        }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds an edit that fixes the problem.
    pub fn with_suggestion(mut self, span: Span, replacement: impl Into<String>, applicability: Applicability) -> Self {
        self.suggestions.push(Suggestion {
            span,
            replacement: replacement.into(),
            applicability,
        });
        self
    }

    /// Adds `help` only when there is one (for "did you mean" results).
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Adds `help` unless the diagnostic has one already (a "did you mean" wins over a
    /// generic fix).
    pub fn or_help(mut self, help: impl Into<String>) -> Self {
        if self.help.is_none() {
            self.help = Some(help.into());
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

/// Sorts diagnostics into source order (then by code), the order people read them in;
/// stages run one after another, so without this a late-stage error early in the file
/// would come after an early-stage error at its end.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.primary.span.start, a.primary.span.end, a.code.id).cmp(&(
            b.primary.span.start,
            b.primary.span.end,
            b.code.id,
        ))
    });
}

/// `--deny warnings` (rustc's `-D warnings`): every warning becomes an error, keeps its
/// code, and says why it is one.
pub fn deny_warnings(diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics.iter_mut().filter(|d| !d.is_error()) {
        diagnostic.denied = true;
        diagnostic.notes.push(format!(
            "`{}` is a warning, made an error by `--deny warnings`",
            diagnostic.code.id
        ));
    }
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}
