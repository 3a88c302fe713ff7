//! What `seipc explain CODE` prints and the language server shows: a code's section of
//! `spec/diagnostics.md`, compiled into the binary so that it is there wherever the
//! binary is installed.

use super::Code;

const SPEC: &str = include_str!("../../spec/diagnostics.md");

/// The section about `code`, from its `## E0201` heading to the next heading; `None` for
/// a code the document does not describe (a test keeps every code described).
pub fn explanation(code: Code) -> Option<&'static str> {
    // The heading's own line: not `## E0201` inside another line, nor `## E02010`.
    let start = SPEC.find(&format!("\n## {}\n", code.id))? + 1;
    let rest = &SPEC[start..];
    Some(rest.find("\n## ").map_or(rest, |end| &rest[..end + 1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_section() {
        for code in super::super::codes::ALL {
            let text = explanation(*code).unwrap_or_else(|| panic!("{} is not described", code.id));
            assert!(text.starts_with(&format!("## {}\n", code.id)), "{text}");
            assert!(text.contains(code.slug), "{} does not name `{}`", code.id, code.slug);
        }
    }
}
