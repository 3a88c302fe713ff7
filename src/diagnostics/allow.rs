//! `allow W0501 "reason"` in a protocol: the warnings of that code whose primary span
//! lies in the protocol are not reported. Errors cannot be allowed (the resolver reports
//! an `allow` of one, E0215), and an `allow` that silences nothing is itself a warning
//! (W0204), so that stale ones do not pile up.

use super::{Applicability, Code, Diagnostic, codes};
use crate::span::Span;

/// One `allow` of a protocol, resolved to its code.
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    pub code: Code,
    /// The whole `allow ...` item.
    pub span: Span,
}

/// The allows of one protocol, with the protocol's name and span.
pub struct Scope<'a> {
    pub protocol: &'a str,
    pub span: Span,
    pub allows: &'a [Allow],
}

/// Drops the warnings the scopes allow. With `report_unused` (the file was checked to
/// the end, so every warning it has was seen), an allow that dropped nothing is W0204.
pub fn apply<'a>(diagnostics: &mut Vec<Diagnostic>, scopes: impl IntoIterator<Item = Scope<'a>>, report_unused: bool) {
    let mut unused = Vec::new();
    for scope in scopes {
        for allow in scope.allows {
            let before = diagnostics.len();
            diagnostics.retain(|d| d.is_error() || d.code != allow.code || !scope.span.contains(d.primary.span));
            if diagnostics.len() == before && report_unused {
                unused.push(
                    Diagnostic::new(
                        codes::UNUSED_ALLOW,
                        format!(
                            "`allow {}` silences nothing in protocol `{}`",
                            allow.code.id, scope.protocol
                        ),
                        allow.span,
                        format!("no `{}` is reported in this protocol", allow.code.id),
                    )
                    .with_help("remove the `allow`")
                    .with_suggestion(allow.span, "", Applicability::MachineApplicable),
                );
            }
        }
    }
    diagnostics.extend(unused);
}
