//! The lexer adapter between logos and the parser.
//!
//! Design notes:
//! - It never fails: bytes that form no token become one `Tok::Error` (adjacent bad
//!   characters merged) and a diagnostic, so the parser carries on and reports the rest.
//! - It re-classifies the identifier right after a number as `Tok::Unit`, unless a `:`
//!   follows it (then it is the next parameter's name, as in `{ capacity: 6 pump_down: .. }`).
//!   This is what lets `K`, `M`, `s` or `h` be units after numbers and names elsewhere,
//!   and keeps the grammar LALR(1).
//! - It streams with two tokens of look-ahead, so memory does not grow with the file.
//! - It keeps the byte spans of the `//` comments (for the formatter), found in the gaps
//!   between tokens: logos skips them, and a gap holds only whitespace and comments.

use std::collections::VecDeque;

use logos::Logos;

use super::token::Tok;
use crate::diagnostics::{Diagnostic, codes};
use crate::span::Span;

pub type Spanned<'src> = (usize, Tok<'src>, usize);

pub struct Lexer<'src> {
    source: &'src str,
    inner: logos::Lexer<'src, Tok<'src>>,
    lookahead: VecDeque<Spanned<'src>>,
    previous_was_number: bool,
    /// Where the last token lexed ended: comments are looked for from there.
    last_end: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// The comments passed so far, in order; each runs from `//` to the end of its line
    /// (the newline excluded).
    pub comments: Vec<Span>,
}

impl<'src> Lexer<'src> {
    pub fn new(source: &'src str) -> Self {
        Lexer {
            source,
            inner: Tok::lexer(source),
            lookahead: VecDeque::with_capacity(2),
            previous_was_number: false,
            last_end: 0,
            diagnostics: Vec::new(),
            comments: Vec::new(),
        }
    }

    /// Lexes `source` from byte `start` (where a token starts), with offsets into the
    /// whole of `source`.
    pub fn starting_at(source: &'src str, start: usize) -> Self {
        let mut lexer = Lexer::new(source);
        lexer.inner.bump(start);
        lexer.last_end = start;
        lexer
    }

    /// The next raw token, with bad characters merged into one error token.
    fn raw(&mut self) -> Option<Spanned<'src>> {
        if let Some(token) = self.lookahead.pop_front() {
            return Some(token);
        }
        self.lex_one()
    }

    fn peek(&mut self, n: usize) -> Option<&Spanned<'src>> {
        while self.lookahead.len() <= n {
            let token = self.lex_one()?;
            self.lookahead.push_back(token);
        }
        self.lookahead.get(n)
    }

    fn lex_one(&mut self) -> Option<Spanned<'src>> {
        let Some(result) = self.inner.next() else {
            self.note_comments(self.source.len());
            return None;
        };
        let span = self.inner.span();
        self.note_comments(span.start);
        let token = self.classify(result, span);
        self.last_end = token.2;
        Some(token)
    }

    /// Records the comments between the last token and `next_start`.
    fn note_comments(&mut self, next_start: usize) {
        let mut at = self.last_end;
        while let Some(found) = self.source[at..next_start].find("//") {
            let start = at + found;
            let end = self.source[start..next_start].find('\n').map_or(next_start, |i| start + i);
            self.comments.push(Span::new(start, end));
            at = end;
        }
        self.last_end = next_start;
    }

    fn classify(&mut self, result: Result<Tok<'src>, ()>, span: std::ops::Range<usize>) -> Spanned<'src> {
        match result {
            Ok(Tok::Number(text)) if !text.parse::<f64>().is_ok_and(f64::is_finite) => {
                // The token stays a number, so the quantity keeps its place in the
                // syntax; its value is infinite, and later stages skip it silently.
                self.diagnostics.push(
                    Diagnostic::new(
                        codes::INVALID_NUMBER,
                        format!("number `{text}` is too large"),
                        Span::new(span.start, span.end),
                        "not a finite number",
                    )
                    .with_help("check the exponent; numbers go up to about 1e308"),
                );
                (span.start, Tok::Number(text), span.end)
            }
            Ok(token) => (span.start, token, span.end),
            Err(()) => self.error_token(span.start, span.end),
        }
    }

    /// Builds the error token for a bad character at `start..end`, swallowing the bad
    /// characters right after it so a run of garbage gives one diagnostic.
    fn error_token(&mut self, start: usize, mut end: usize) -> Spanned<'src> {
        let first = self.source[start..].chars().next().unwrap_or('\u{fffd}');
        if first == '"' {
            // Only an unterminated string fails to lex when it starts with a quote.
            let line_end = self.source[start..].find('\n').map_or(self.source.len(), |i| start + i);
            self.inner.bump(line_end.saturating_sub(end));
            self.diagnostics.push(
                Diagnostic::new(
                    codes::UNTERMINATED_STRING,
                    "unterminated string",
                    Span::new(start, line_end),
                    "this string has no closing `\"`",
                )
                .with_help("close the string with `\"` on the same line"),
            );
            return (start, Tok::Error, line_end);
        }
        let lookalike = lookalike_help(first);
        if lookalike.is_none() {
            // Merge the following bad characters (but not look-alikes, which get their
            // own specific help).
            loop {
                let mut probe = self.inner.clone();
                match probe.next() {
                    Some(Err(())) if probe.span().start == end => {
                        let next = self.source[end..].chars().next();
                        if next.is_none_or(|c| c == '"' || lookalike_help(c).is_some()) {
                            break;
                        }
                        end = probe.span().end;
                        self.inner = probe;
                    }
                    _ => break,
                }
            }
        }
        let text = &self.source[start..end];
        let message = if text.chars().count() == 1 {
            format!("unexpected character `{}`", printable(first))
        } else {
            format!(
                "unexpected characters `{}`",
                text.chars().map(printable).collect::<String>()
            )
        };
        let help = lookalike.map(str::to_owned).unwrap_or_else(|| {
            "remove it; names are letters, digits and `_`, and other names go in double quotes".to_owned()
        });
        self.diagnostics.push(
            Diagnostic::new(
                codes::UNEXPECTED_CHARACTER,
                message,
                Span::new(start, end),
                "not part of the language",
            )
            .with_help(help),
        );
        (start, Tok::Error, end)
    }
}

/// Control characters are shown escaped so the message stays on one line.
fn printable(c: char) -> String {
    if c.is_control() {
        c.escape_default().to_string()
    } else {
        c.to_string()
    }
}

/// Characters people paste from word processors in place of the ASCII ones.
fn lookalike_help(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2212}' | '\u{2013}' | '\u{2014}' => "replace it with the ASCII minus `-`",
        '\u{201c}' | '\u{201d}' | '\u{201e}' => "replace it with a straight double quote `\"`",
        '\u{2018}' | '\u{2019}' => "quote names with straight double quotes `\"`",
        '\u{ff1a}' => "replace it with the ASCII colon `:`",
        '\u{2264}' => "write `<=`",
        '\u{2265}' => "write `>=`",
        ';' => "steps and items need no separator; remove the `;`",
        '@' => "write `at` for a condition (`at 60 degC`) and `using` for a tool",
        '.' => "a number needs a digit before its decimal point (`0.5`)",
        _ => return None,
    })
}

impl<'src> Iterator for Lexer<'src> {
    type Item = Result<Spanned<'src>, std::convert::Infallible>;

    fn next(&mut self) -> Option<Self::Item> {
        let (start, token, end) = self.raw()?;
        let token = match token {
            Tok::Ident(text) if self.previous_was_number => {
                let names_a_parameter = matches!(self.peek(0), Some((_, Tok::Colon, _)));
                if names_a_parameter {
                    Tok::Ident(text)
                } else {
                    Tok::Unit(text)
                }
            }
            Tok::Percent if self.previous_was_number => Tok::Unit("%"),
            other => other,
        };
        self.previous_was_number = matches!(token, Tok::Number(_));
        Some(Ok((start, token, end)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(source: &str) -> Vec<Tok<'_>> {
        Lexer::new(source).map(|t| t.unwrap().1).collect()
    }

    #[test]
    fn identifier_after_number_is_a_unit() {
        assert_eq!(tokens("K 5 K"), vec![Tok::Ident("K"), Tok::Number("5"), Tok::Unit("K")]);
        assert_eq!(
            tokens("0.5 nm/min"),
            vec![Tok::Number("0.5"), Tok::Unit("nm"), Tok::Slash, Tok::Ident("min")]
        );
        assert_eq!(tokens("5 wt%"), vec![Tok::Number("5"), Tok::Unit("wt%")]);
        assert_eq!(tokens("5 %"), vec![Tok::Number("5"), Tok::Unit("%")]);
    }

    #[test]
    fn identifier_before_a_colon_stays_a_name() {
        assert_eq!(
            tokens("6 pump_down: 2"),
            vec![Tok::Number("6"), Tok::Ident("pump_down"), Tok::Colon, Tok::Number("2")]
        );
    }

    #[test]
    fn unicode_units_and_byte_spans() {
        let lexed: Vec<_> = Lexer::new("5 µm 25 °C").map(|t| t.unwrap()).collect();
        assert_eq!(lexed[1], (2, Tok::Unit("µm"), 5));
        assert_eq!(lexed[3], (9, Tok::Unit("°C"), 12));
    }

    #[test]
    fn numbers_glued_to_units_and_exponents() {
        assert_eq!(tokens("10nm"), vec![Tok::Number("10"), Tok::Unit("nm")]);
        assert_eq!(tokens("1e-3 M"), vec![Tok::Number("1e-3"), Tok::Unit("M")]);
        assert_eq!(
            tokens("-40 degC"),
            vec![Tok::Minus, Tok::Number("40"), Tok::Unit("degC")]
        );
    }

    #[test]
    fn comments_and_strings() {
        assert_eq!(tokens("// note\n\"PVDF-HFP\" in"), vec![Tok::Str("PVDF-HFP"), Tok::In]);
    }

    #[test]
    fn comments_are_kept_with_their_spans() {
        let source = "// head\nstep a: x // tail\n  // own\n\"//not\" //";
        let mut lexer = Lexer::new(source);
        let _ = lexer.by_ref().count();
        let texts: Vec<&str> = lexer.comments.iter().map(|span| &source[span.range()]).collect();
        assert_eq!(texts, ["// head", "// tail", "// own", "//"]);
    }

    #[test]
    fn bad_characters_become_one_error_token() {
        let mut lexer = Lexer::new("a $$# b");
        let lexed: Vec<_> = lexer.by_ref().map(|t| t.unwrap().1).collect();
        assert_eq!(lexed, vec![Tok::Ident("a"), Tok::Error, Tok::Ident("b")]);
        assert_eq!(lexer.diagnostics.len(), 1);
        assert_eq!(lexer.diagnostics[0].primary.span, Span::new(2, 5));
    }

    #[test]
    fn unterminated_string_runs_to_the_end_of_the_line() {
        let mut lexer = Lexer::new("\"abc\nstep");
        let lexed: Vec<_> = lexer.by_ref().map(|t| t.unwrap()).collect();
        assert_eq!(lexed, vec![(0, Tok::Error, 4), (5, Tok::Step, 9)]);
        assert_eq!(lexer.diagnostics[0].code, codes::UNTERMINATED_STRING);
    }

    #[test]
    fn lookalike_minus_gets_specific_help() {
        let mut lexer = Lexer::new("\u{2212}40 degC");
        let _ = lexer.by_ref().count();
        assert!(lexer.diagnostics[0].help.as_deref().unwrap().contains("ASCII minus"));
    }

    #[test]
    fn huge_number_is_reported() {
        let mut lexer = Lexer::new("1e999 nm");
        let lexed: Vec<_> = lexer.by_ref().map(|t| t.unwrap().1).collect();
        assert_eq!(lexed[0], Tok::Number("1e999"));
        assert_eq!(lexer.diagnostics[0].code, codes::INVALID_NUMBER);
    }
}
