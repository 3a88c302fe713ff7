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

use super::token::{KeywordRole, Tok, keywords};
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
    /// Where the previous token started, when it was a unit: for `nm per min`.
    previous_unit: Option<usize>,
    previous_was_slash: bool,
    /// The `{` open at this point, innermost last.
    open: Vec<OpenBrace>,
    /// 1 right after `protocol`, 2 after its name: the next `{` opens a protocol.
    protocol_header: u8,
    pub diagnostics: Vec<Diagnostic>,
    /// The comments passed so far, in order; each runs from `//` to the end of its line
    /// (the newline excluded).
    pub comments: Vec<Span>,
}

impl<'src> Lexer<'src> {
    pub fn new(source: &'src str) -> Self {
        Lexer::starting_at(source, 0)
    }

    /// Lexes `source` from byte `start` (where a token starts), with offsets into the
    /// whole of `source`.
    pub fn starting_at(source: &'src str, start: usize) -> Self {
        // A byte-order mark, which some editors write at the start of a UTF-8 file, is
        // not text; skipping it here keeps every span an offset into the file as read.
        let start = if start == 0 && source.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            start
        };
        let mut inner = Tok::lexer(source);
        inner.bump(start);
        Lexer {
            source,
            inner,
            lookahead: VecDeque::with_capacity(2),
            previous_was_number: false,
            previous_unit: None,
            previous_was_slash: false,
            open: Vec::new(),
            protocol_header: 0,
            last_end: start,
            diagnostics: Vec::new(),
            comments: Vec::new(),
        }
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
            let end = self.source[start..next_start]
                .find('\n')
                .map_or(next_start, |i| start + i);
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

impl<'src> Lexer<'src> {
    /// Whether only blanks stand between the start of the line and `at`.
    fn starts_line(&self, at: usize) -> bool {
        let line_start = self.source[..at].rfind('\n').map_or(0, |i| i + 1);
        self.source[line_start..at]
            .trim_start_matches('\u{feff}')
            .trim()
            .is_empty()
    }

    /// `Step` at the start of a line is the keyword `step` written with a capital: it is
    /// read as the keyword (so the item is not lost) and reported once.
    fn capitalised_keyword(&mut self, start: usize, text: &str, end: usize) -> Option<Tok<'src>> {
        // Operand keywords are left out: `In` and `At` are elements.
        let (keyword, token) =
            keywords(KeywordRole::Item).find(|(keyword, _)| keyword.eq_ignore_ascii_case(text) && *keyword != text)?;
        if !self.starts_line(start) {
            return None;
        }
        self.diagnostics.push(
            Diagnostic::new(
                codes::KEYWORD_CASE,
                format!("keywords are lowercase: `{text}` is written `{keyword}`"),
                Span::new(start, end),
                "read as the keyword",
            )
            .with_help(format!("write `{keyword}`")),
        );
        Some(token)
    }

    /// A unit word (`Tok::Unit` after a number, `Tok::Ident` after a `/`) that starts at
    /// `start`, taking in a `^2` written right after it (`cm^2`, reported once): the
    /// parser then sees the unit whole, and `parser::unit_text` reads it as `cm2`.
    fn unit(&mut self, start: usize, token: Tok<'src>, end: usize) -> Spanned<'src> {
        let rest = &self.source[end..];
        let digits = rest.strip_prefix('^').map_or(0, |power| {
            power.len() - power.trim_start_matches(|c: char| c.is_ascii_digit()).len()
        });
        if digits == 0 {
            return (start, token, end);
        }
        let merged_end = end + 1 + digits;
        // The `^` and the power are lexed already (one error token, one number).
        while self.peek(0).is_some_and(|(at, _, _)| *at < merged_end) {
            self.lookahead.pop_front();
        }
        self.diagnostics.retain(|d| d.primary.span.start as usize != end);
        let written = &self.source[start..merged_end];
        let plain = written.replace('^', "");
        self.diagnostics.push(
            Diagnostic::new(
                codes::UNIT_NOTATION,
                format!("units are written without `^`: `{written}` is `{plain}`"),
                Span::new(start, merged_end),
                format!("read as `{plain}`"),
            )
            .with_help(format!("write `{plain}`")),
        );
        let merged = match token {
            Tok::Unit(_) => Tok::Unit(written),
            _ => Tok::Ident(written),
        };
        (start, merged, merged_end)
    }

    /// `per` right after a unit and before another word (`nm per min`) stands for `/`:
    /// it becomes a `/` token, reported once.
    fn per(&mut self, start: usize, end: usize, unit_start: usize) -> Option<Spanned<'src>> {
        let (_, next, next_end) = *self.peek(0)?;
        let Tok::Ident(denominator) = next else { return None };
        let numerator = &self.source[unit_start..start].trim_end();
        self.diagnostics.push(
            Diagnostic::new(
                codes::UNIT_NOTATION,
                format!("a unit's `per` is written `/`: `{numerator}/{denominator}`"),
                Span::new(unit_start, next_end),
                format!("read as `{numerator}/{denominator}`"),
            )
            .with_help(format!("write `{numerator}/{denominator}`")),
        );
        Some((start, Tok::Slash, end))
    }
}

impl<'src> Lexer<'src> {
    /// `0.5 per min`: a rate with no unit before `per`. One E0111 here; `per min` becomes
    /// one unit token, which sema leaves unread (`bind::quantity_value`) and reports
    /// nothing more about, neither as an unknown unit nor the parameter it was meant for.
    fn bare_per(&mut self, start: usize) -> Option<Spanned<'src>> {
        let (_, Tok::Ident(denominator), next_end) = *self.peek(0)? else {
            return None;
        };
        self.lookahead.pop_front();
        let written = &self.source[start..next_end];
        self.diagnostics.push(
            Diagnostic::new(
                codes::UNIT_NOTATION,
                format!("a rate needs its unit before `per`: `{written}` has none"),
                Span::new(start, next_end),
                "no unit before `per`",
            )
            .with_help(format!(
                "write the unit of what changes and `/`, as in `nm/{denominator}` for a thickness per `{denominator}`"
            )),
        );
        Some((start, Tok::Unit(written), next_end))
    }
}

/// An open `{`: where it is, and whether it opened a protocol (whose items may hold item
/// keywords) or a block of fields (which may not).
#[derive(Debug, Clone, Copy)]
struct OpenBrace {
    at: usize,
    protocol: bool,
}

impl<'src> Lexer<'src> {
    fn track_braces(&mut self, (start, token, _): Spanned<'src>) {
        match token {
            Tok::LBrace => self.open.push(OpenBrace {
                at: start,
                protocol: self.protocol_header == 2,
            }),
            Tok::RBrace => {
                self.open.pop();
            }
            _ => {}
        }
        self.protocol_header = match (token, self.protocol_header) {
            (Tok::Protocol, _) => 1,
            (Tok::Str(_) | Tok::Ident(_), 1) => 2,
            _ => 0,
        };
    }

    /// An item keyword where the open block cannot hold it (`tool` inside
    /// `{ capacity: 6`, `protocol` inside a protocol) means the block was not closed: a
    /// `}` is put in before the keyword, reported once on the brace left open, so the
    /// item before keeps what it declared and the next one is read as written.
    fn close_before(&mut self, (start, token, end): Spanned<'src>) -> Option<Spanned<'src>> {
        let open = *self.open.last()?;
        let item_keyword = keywords(KeywordRole::Item).any(|(_, keyword)| keyword == token);
        let closes = if open.protocol {
            matches!(token, Tok::Protocol | Tok::Operation | Tok::ToolKind)
        } else {
            // `reagent: liquid` is a field of an `operation` block.
            item_keyword && !matches!(self.peek(0), Some((_, Tok::Colon, _)))
        };
        if !closes {
            return None;
        }
        self.open.pop();
        let keyword = keywords(KeywordRole::Item)
            .find(|(_, keyword)| *keyword == token)
            .map_or("item", |(text, _)| text);
        self.diagnostics.push(
            Diagnostic::new(
                codes::UNCLOSED_BLOCK,
                "this `{` is never closed",
                Span::new(open.at, open.at + 1),
                "opened here",
            )
            .with_label(Span::new(start, end), format!("the next `{keyword}` starts here"))
            .with_help(format!("close the block with `}}` before `{keyword}`")),
        );
        self.lookahead.push_front((start, token, end));
        self.previous_was_number = false;
        self.previous_was_slash = false;
        self.previous_unit = None;
        Some((start, Tok::RBrace, start))
    }

    /// The `{` still open where the text ends, innermost last.
    pub fn unclosed(&self) -> impl Iterator<Item = usize> + '_ {
        self.open.iter().map(|open| open.at)
    }
}

impl<'src> Iterator for Lexer<'src> {
    type Item = Result<Spanned<'src>, super::parser::Slip>;

    fn next(&mut self) -> Option<Self::Item> {
        let (start, token, end) = self.raw()?;
        let spanned = match token {
            Tok::Ident(text) if self.previous_was_number => {
                let names_a_parameter = matches!(self.peek(0), Some((_, Tok::Colon, _)));
                if names_a_parameter {
                    (start, Tok::Ident(text), end)
                } else if text == "per"
                    && let Some(spanned) = self.bare_per(start)
                {
                    spanned
                } else {
                    self.unit(start, Tok::Unit(text), end)
                }
            }
            Tok::Ident(_) if self.previous_was_slash => self.unit(start, token, end),
            Tok::Ident("per") if let Some(unit_start) = self.previous_unit => {
                self.per(start, end, unit_start).unwrap_or((start, token, end))
            }
            Tok::Ident(text) => (start, self.capitalised_keyword(start, text, end).unwrap_or(token), end),
            Tok::Percent if self.previous_was_number => (start, Tok::Unit("%"), end),
            other => (start, other, end),
        };
        if let Some(close) = self.close_before(spanned) {
            return Some(Ok(close));
        }
        self.track_braces(spanned);
        self.previous_was_number = matches!(spanned.1, Tok::Number(_));
        self.previous_was_slash = matches!(spanned.1, Tok::Slash);
        self.previous_unit = matches!(spanned.1, Tok::Unit(_)).then_some(spanned.0);
        Some(Ok(spanned))
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
    fn a_byte_order_mark_is_skipped() {
        let lexed: Vec<_> = Lexer::new("\u{feff}step").map(|t| t.unwrap()).collect();
        assert_eq!(lexed, vec![(3, Tok::Step, 7)]);
    }

    #[test]
    fn huge_number_is_reported() {
        let mut lexer = Lexer::new("1e999 nm");
        let lexed: Vec<_> = lexer.by_ref().map(|t| t.unwrap().1).collect();
        assert_eq!(lexed[0], Tok::Number("1e999"));
        assert_eq!(lexer.diagnostics[0].code, codes::INVALID_NUMBER);
    }
}
