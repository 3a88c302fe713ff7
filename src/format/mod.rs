//! `seipc fmt`: the one canonical layout of a `.seip` file (rules in `spec/format.md`).
//!
//! Design notes:
//! - The layout is a `pretty` document built from the syntax tree. The tree has no
//!   comments, so the lexer's comment spans are woven back in by position: before each
//!   token whose place is known, every comment that starts earlier is printed (Gleam's
//!   `pop_comments`). A comment on the line of the code before it stays at the end of
//!   that line; a comment on a line of its own stays on a line of its own. A comment
//!   inside an item breaks the line there, so no text is ever lost.
//! - A file with a syntax error is refused: its tree is not the whole text.
//! - Before the text is returned it is checked: it must parse, to the same tree (spans
//!   aside) and the same comments. A failure is an internal error (E0130), never a
//!   silent loss.

mod layout;

use crate::diagnostics::{self, Diagnostic, codes};
use crate::span::Span;
use crate::syntax::parser::{self, Parsed};

/// The width the layout aims at, in characters; only `{ .. }` parameter blocks break.
pub const WIDTH: usize = 120;
/// The indentation of a block's contents and of a broken line's continuation.
pub const INDENT: isize = 4;

/// Formats a source text. Returns the syntax diagnostics when the file does not parse.
pub fn format(source: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = parser::parse_with_comments(source);
    if diagnostics::has_errors(&parsed.diagnostics) {
        return Err(parsed.diagnostics);
    }
    let text = layout::render(source, &parsed.file, &parsed.comments);
    verify(source, &parsed, &text).map_err(|diagnostic| vec![*diagnostic])?;
    Ok(text)
}

/// Checks that `formatted` says what `source` says: the same tree, spans aside, and the
/// same comments in the same order.
fn verify(source: &str, original: &Parsed, formatted: &str) -> Result<(), Box<Diagnostic>> {
    let reparsed = parser::parse_with_comments(formatted);
    let changed = |span: Span, what: &str| {
        Box::new(
            Diagnostic::new(
                codes::FORMAT_CHANGES_MEANING,
                "formatting would change this file",
                span,
                format!("the formatted text {what}"),
            )
            .with_note("this is a bug of the formatter; the file was left as it is")
            .with_help("please report it with the file"),
        )
    };
    if diagnostics::has_errors(&reparsed.diagnostics) {
        return Err(changed(Span::new(0, 0), "does not parse"));
    }
    let comment_texts = |text: &str, spans: &[Span]| -> Vec<String> {
        spans
            .iter()
            .map(|span| text[span.range()].trim_end().to_owned())
            .collect()
    };
    if comment_texts(source, &original.comments) != comment_texts(formatted, &reparsed.comments) {
        let first = original.comments.first().copied().unwrap_or_default();
        return Err(changed(first, "has different comments"));
    }
    if original.file.items.len() != reparsed.file.items.len() {
        return Err(changed(Span::new(0, 0), "has a different number of items"));
    }
    for (before, after) in original.file.items.iter().zip(&reparsed.file.items) {
        if without_spans(&format!("{before:?}")) != without_spans(&format!("{after:?}")) {
            return Err(changed(layout::item_span(before), "reads differently here"));
        }
    }
    Ok(())
}

/// The `Debug` text of a tree with its spans taken out. The tree's `PartialEq` compares
/// spans, which formatting moves by design; its `Debug` covers every node, including
/// those the grammar gains later.
fn without_spans(debug: &str) -> String {
    const SPAN: &str = "Span { start: ";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find(SPAN) {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = after.find('}').map_or(after.len(), |i| i + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(source: &str) -> String {
        match format(source) {
            Ok(text) => text,
            Err(diagnostics) => panic!("{diagnostics:?}"),
        }
    }

    #[test]
    fn steps_tools_and_substrates_are_aligned_in_each_group() {
        let source = "protocol \"p\" {\nsubstrate li : Li foil {thickness:50 um area:2 cm2}\n\
            tool bath:dip_tank in glovebox{capacity:6}\ntool stirrer: stir_plate in glovebox\n\n\
            reagent bsl=SnF2 0.1 M in DMSO\nstep mix: dissolve bsl for 2 h using stirrer\n\
            step dip:immerse in bsl for 10 min at 25 degC using bath\n}\n";
        assert_eq!(
            fmt(source),
            "protocol \"p\" {\n    substrate li: Li foil { thickness: 50 um, area: 2 cm2 }\n    \
             tool bath:    dip_tank   in glovebox { capacity: 6 }\n    tool stirrer: stir_plate in glovebox\n\n    \
             reagent bsl = SnF2 0.1 M in DMSO\n    step mix: dissolve bsl for 2 h using stirrer\n    \
             step dip: immerse in bsl for 10 min at 25 degC using bath\n}\n"
        );
    }

    #[test]
    fn comments_stay_where_they_were_written() {
        let source = "// head\n\n\nprotocol \"p\" { // opener\n  // before\n  batch 2 // tail\n\n  \
            step a: dry // inside\n at 60 degC\n  // last\n}\n// end\n";
        let formatted = fmt(source);
        assert_eq!(
            formatted,
            "// head\n\nprotocol \"p\" { // opener\n    // before\n    batch 2 // tail\n\n    \
             step a: dry at // inside\n        60 degC\n    // last\n}\n// end\n"
        );
        assert_eq!(fmt(&formatted), formatted);
    }

    #[test]
    fn two_comments_inside_an_item_get_a_line_each() {
        let formatted = fmt("protocol \"p\" {\n step a: dry // c1\n at // c2\n 60 degC // c3\n}\n");
        assert_eq!(
            formatted,
            "protocol \"p\" {\n    step a: dry at // c1\n        // c2\n        60 degC // c3\n}\n"
        );
        assert_eq!(fmt(&formatted), formatted);
    }

    #[test]
    fn a_long_block_breaks_one_entry_per_line() {
        let long = "x".repeat(100);
        let source = format!("environment e {{ {long}: 1 K, b: 2 }}");
        assert_eq!(
            fmt(&source),
            format!("environment e {{\n    {long}: 1 K\n    b: 2\n}}\n")
        );
    }

    #[test]
    fn declarations_keep_one_entry_per_line_and_their_groups() {
        let source = "material m { class: polymer density: 1.2 g/cm3\n\n dissolves_in: NMP,DMF // why\n }\n\
            reaction \"A + Li -> B\" { trigger: contact extent: 1 }\noperation o { param time : min required }";
        assert_eq!(
            fmt(source),
            "material m {\n    class: polymer\n    density: 1.2 g/cm3\n\n    dissolves_in: NMP, DMF // why\n}\n\
             reaction \"A + Li -> B\" {\n    trigger: contact\n    extent: 1\n}\noperation o {\n    param time: min required\n}\n"
        );
    }

    #[test]
    fn numbers_and_units_are_kept_as_written() {
        let source =
            "protocol \"p\" { step s: ald Al2O3 from TMA ,water 1.50e1 cycles at - 40 degC { rate: 0.5 nm / min } }";
        assert_eq!(
            fmt(source),
            "protocol \"p\" {\n    step s: ald Al2O3 from TMA, water 1.50e1 cycles at -40 degC { rate: 0.5 nm/min }\n}\n"
        );
    }

    #[test]
    fn a_file_with_a_syntax_error_is_refused() {
        let errors = format("protocol \"p\" { step : }").unwrap_err();
        assert!(errors.iter().all(|d| d.code.id.starts_with("E01")), "{errors:?}");
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("\n\n  // only\n\n"), "// only\n");
    }

    #[test]
    fn verify_notices_a_changed_tree_and_a_lost_comment() {
        let source = "environment e { a: 1 K } // c\n";
        let original = parser::parse_with_comments(source);
        assert!(verify(source, &original, "environment e { a: 1 K } // c\n").is_ok());
        for wrong in [
            "environment e { a: 2 K } // c\n",
            "environment e { a: 1 K }\n",
            "environment {",
        ] {
            let error = verify(source, &original, wrong).unwrap_err();
            assert_eq!(error.code, codes::FORMAT_CHANGES_MEANING, "{wrong}");
        }
    }
}
