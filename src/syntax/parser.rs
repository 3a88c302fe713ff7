//! The only door to the generated parser: `parse` turns source text into a syntax tree
//! and the diagnostics of the lexer and parser. Nothing else uses `grammar::*`.

use std::borrow::Cow;

use lalrpop_util::{ErrorRecovery, ParseError, lalrpop_mod};

use super::ast::File;
use super::lexer::Lexer;
use super::token::{Tok, describe_terminal};
use crate::diagnostics::{Applicability, Diagnostic, codes};
use crate::span::Span;

lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused, unused_qualifications)]
    grammar,
    "/seip.rs"
);

/// Reporting stops after this many syntax errors: past it they are almost always echoes
/// of the first ones, and a garbage file must not produce megabytes of output.
pub const MAX_SYNTAX_ERRORS: usize = 100;

type Recovery<'src> = ErrorRecovery<usize, Tok<'src>, Slip>;

/// A predictable slip that an error production of the grammar has read past, as if it had
/// been written right; [`slip_diagnostic`] words it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Slip {
    /// `step dip immerse ...`, `tool bath dip_tank ...`: no `:` after the name that
    /// the item declares.
    MissingColon {
        keyword: &'static str,
        name: Span,
        next: Span,
    },
    /// `budget 30 um <= li_remaining`: the limit before the metric. `comparison` is the
    /// budget's meaning once the operands are put back in order.
    SwappedBudget {
        span: Span,
        limit: Span,
        metric: Span,
        comparison: crate::syntax::ast::Comparison,
    },
}

pub(crate) fn slip<'src>(slip: Slip) -> Recovery<'src> {
    ErrorRecovery {
        error: ParseError::User { error: slip },
        dropped_tokens: Vec::new(),
    }
}

fn slip_diagnostic(slip: Slip, source: &str) -> Diagnostic {
    let text = |span: Span| &source[span.start as usize..span.end as usize];
    match slip {
        Slip::MissingColon { keyword, name, next } => Diagnostic::new(
            codes::SYNTAX_ERROR,
            format!("expected `:` after the {keyword} name `{}`", text(name)),
            Span::new(name.end as usize, next.start as usize),
            "`:` missing here",
        )
        .with_help(format!("write `{keyword} {}: {} ...`", text(name), text(next))),
        Slip::SwappedBudget {
            span,
            limit,
            metric,
            comparison,
        } => Diagnostic::new(
            codes::SYNTAX_ERROR,
            "a budget names its metric first, then the limit",
            span,
            "limit and metric swapped",
        )
        .with_help(format!(
            "write `budget {} {} {}`",
            text(metric),
            comparison.symbol(),
            text(limit)
        )),
    }
}

/// What an error production of the grammar reports: `found` stands where `expected`
/// belongs (`reagent bsl: ...` for `reagent bsl = ...`). The parse goes on as if the
/// right token had been written.
pub(crate) fn misplaced<'src>(start: usize, found: Tok<'src>, end: usize, expected: &str) -> Recovery<'src> {
    ErrorRecovery {
        error: ParseError::UnrecognizedToken {
            token: (start, found, end),
            expected: vec![expected.to_owned()],
        },
        dropped_tokens: Vec::new(),
    }
}

/// The text of a unit, `nm/min`, from its parts: the source text itself when the parts
/// stand together as written, else the parts joined (`nm / min` and `nm per min` become
/// `nm/min`); a power written with `^` (reported by the lexer) loses it: `cm^2` is `cm2`.
pub(crate) fn unit_text<'src>(
    source: &'src str,
    start: usize,
    end: usize,
    head: &'src str,
    tail: &[&'src str],
) -> Cow<'src, str> {
    let written = &source[start..end];
    if written.contains('^') {
        let mut text = head.replace('^', "");
        for part in tail {
            text.push('/');
            text.push_str(&part.replace('^', ""));
        }
        return Cow::Owned(text);
    }
    let joined_len = head.len() + tail.iter().map(|part| part.len() + 1).sum::<usize>();
    if written.len() == joined_len {
        return Cow::Borrowed(written);
    }
    let mut text = head.to_owned();
    for part in tail {
        text.push('/');
        text.push_str(part);
    }
    Cow::Owned(text)
}

/// From this size on, a file is parsed in two halves at once (see [`parse_in_halves`]).
const PARALLEL_PARSE_BYTES: usize = 1 << 20;

/// What the generated parser gives for a stretch of the file, before its errors are
/// turned into diagnostics.
struct RawParse<'src> {
    /// `None` when the parser could not recover.
    file: Option<File<'src>>,
    recoveries: Vec<Recovery<'src>>,
    lexer_diagnostics: Vec<Diagnostic>,
    comments: Vec<Span>,
    /// The innermost `{` still open where the text ends.
    unclosed: Option<usize>,
}

impl RawParse<'_> {
    fn is_clean(&self) -> bool {
        self.file.is_some() && self.recoveries.is_empty() && self.lexer_diagnostics.is_empty()
    }
}

/// A list of the tree without the room the parser left for more: the tree of a large
/// file is kept whole until the program is checked.
pub(crate) fn exact<T>(mut items: Vec<T>) -> Vec<T> {
    items.shrink_to_fit();
    items
}

/// Parses `source[start..end]` as a file of its own, with offsets into `source`.
fn parse_range(source: &str, start: usize, end: usize) -> RawParse<'_> {
    let mut recoveries: Vec<Recovery> = Vec::new();
    let mut lexer = Lexer::starting_at(&source[..end], start);
    let result = grammar::FileParser::new().parse(source, &mut recoveries, &mut lexer);
    let file = match result {
        Ok(file) => Some(file),
        Err(error) => {
            recoveries.push(ErrorRecovery {
                error,
                dropped_tokens: Vec::new(),
            });
            None
        }
    };
    RawParse {
        file,
        recoveries,
        unclosed: lexer.unclosed().last(),
        lexer_diagnostics: lexer.diagnostics,
        comments: lexer.comments,
    }
}

/// Where a large file can be cut in two for [`parse_in_halves`]: the start of a line
/// that begins with `protocol`, at or after the middle of the file.
fn split_point(source: &str) -> Option<usize> {
    // The middle may fall inside a character (`µm`, `°C`).
    let mut from = (source.len() / 2..=source.len())
        .find(|&at| source.is_char_boundary(at))
        .unwrap_or(source.len());
    while let Some(found) = source[from..].find("\nprotocol") {
        let at = from + found + 1;
        if source[at + "protocol".len()..].starts_with([' ', '\t', '"']) {
            return Some(at);
        }
        from = at;
    }
    None
}

/// Parses the two halves of a file on two threads. When the first half reads cleanly as
/// whole items, the parser reaches the cut between two items, where it accepts (and
/// recovers from errors) exactly as at the start of a file, so the second half parses
/// alone as it would in sequence; otherwise (`None`) the file is parsed in one piece,
/// which gives its errors their usual context.
fn parse_in_halves(source: &str, cut: usize) -> Option<RawParse<'_>> {
    std::thread::scope(|scope| {
        let second = scope.spawn(|| parse_range(source, cut, source.len()));
        let first = parse_range(source, 0, cut);
        let second = second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let mut items = first.is_clean().then_some(first.file?.items)?;
        // As in one piece: a parser that cannot recover gives no tree at all.
        let file = second.file.map(|file| {
            items.extend(file.items);
            File { items }
        });
        let mut comments = first.comments;
        comments.extend(second.comments);
        Some(RawParse {
            file,
            comments,
            ..second
        })
    })
}

/// A parsed file with what the tree leaves out: its comments.
#[derive(Debug)]
pub struct Parsed<'src> {
    pub file: File<'src>,
    /// The byte spans of the `//` comments, in order, each without its newline.
    pub comments: Vec<Span>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a whole file. Always returns a tree: the parts that could not be read are
/// `Error` nodes, and each is explained by a diagnostic.
pub fn parse(source: &str) -> (File<'_>, Vec<Diagnostic>) {
    let parsed = parse_with_comments(source);
    (parsed.file, parsed.diagnostics)
}

/// [`parse`], keeping the comments too (for the formatter).
pub fn parse_with_comments(source: &str) -> Parsed<'_> {
    let raw = (source.len() >= PARALLEL_PARSE_BYTES)
        .then(|| split_point(source))
        .flatten()
        .and_then(|cut| parse_in_halves(source, cut))
        .unwrap_or_else(|| parse_range(source, 0, source.len()));
    diagnose(source, raw)
}

/// The names declared by the items that error recovery dropped (`tool bath dip_tank in
/// glovebox` declares `bath`), in the order written: their uses are echoes of the one
/// syntax error, not unknown names.
pub fn lost_declarations<'src>(source: &'src str, file: &File<'src>) -> Vec<&'src str> {
    use super::ast::{Item, ProtocolItem};
    let protocol_errors = file.items.iter().flat_map(|item| match item {
        Item::Protocol(protocol) => protocol
            .items
            .iter()
            .filter_map(|item| match item {
                ProtocolItem::Error(span) => Some(*span),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    });
    let file_errors = file.items.iter().filter_map(|item| match item {
        Item::Error(span) => Some(*span),
        _ => None,
    });
    let mut names: Vec<&str> = Vec::new();
    for span in file_errors.chain(protocol_errors) {
        let (start, end) = (span.start as usize, (span.end as usize).min(source.len()));
        let mut tokens = Lexer::starting_at(&source[..end], start).map(|token| token.map(|(_, t, _)| t));
        let declares = matches!(
            tokens.next(),
            Some(Ok(Tok::Tool
                | Tok::Reagent
                | Tok::Substrate
                | Tok::Step
                | Tok::Environment
                | Tok::Material))
        );
        if let (true, Some(Ok(Tok::Ident(name) | Tok::Str(name)))) = (declares, tokens.next()) {
            names.push(name);
        }
    }
    names
}

/// The tree, its comments, and the diagnostics of the lexer and the parser's recoveries.
fn diagnose<'src>(source: &str, raw: RawParse<'src>) -> Parsed<'src> {
    let RawParse {
        file,
        recoveries,
        lexer_diagnostics: mut diagnostics,
        comments,
        unclosed,
    } = raw;
    let file = file.unwrap_or(File { items: Vec::new() });
    let mut syntax_errors: Vec<Diagnostic> = Vec::new();
    // Where the text the last error covered (its token and what recovery dropped) ends.
    let mut last_error_end: Option<usize> = None;
    for recovery in recoveries {
        let dropped_end = recovery.dropped_tokens.iter().map(|(_, _, end)| *end).max();
        let Some(diagnostic) = syntax_diagnostic(recovery.error, source, unclosed) else {
            continue;
        };
        let start = diagnostic.primary.span.start as usize;
        let end = (diagnostic.primary.span.end as usize).max(dropped_end.unwrap_or(0));
        // An error on the very next token after the last one is an echo of it, not a
        // second mistake: recovery has not yet found its footing.
        let echo = last_error_end.is_some_and(|previous| previous <= start && only_trivia(&source[previous..start]));
        last_error_end = Some(end.max(last_error_end.unwrap_or(0)));
        if echo
            || syntax_errors
                .last()
                .is_some_and(|last| last.primary.span == diagnostic.primary.span)
        {
            continue;
        }
        syntax_errors.push(diagnostic);
    }
    if syntax_errors.len() > MAX_SYNTAX_ERRORS {
        let first_unreported = syntax_errors[MAX_SYNTAX_ERRORS].primary.span;
        syntax_errors.truncate(MAX_SYNTAX_ERRORS);
        syntax_errors.push(
            Diagnostic::new(
                codes::TOO_MANY_ERRORS,
                format!("too many syntax errors; stopped reporting after {MAX_SYNTAX_ERRORS}"),
                first_unreported,
                "errors from here on are not reported",
            )
            .with_help("fix the first errors and check the file again"),
        );
    }
    diagnostics.extend(syntax_errors);
    Parsed {
        file,
        comments,
        diagnostics,
    }
}

/// Whether `text` holds only whitespace and comments.
fn only_trivia(text: &str) -> bool {
    text.lines().all(|line| {
        let code = line.split("//").next().unwrap_or("");
        code.trim().is_empty()
    })
}

/// Words for an expected-token list. Whole groups of keywords are named by what they
/// start, so the list says "an operand or the next item" instead of fifteen keywords.
fn describe_expected(expected: &[String]) -> String {
    use super::token::{KeywordRole, keywords};
    // Inside a protocol: the items a protocol holds (not `protocol`, `operation`,
    // `tool_kind`, which only stand at file level).
    let file_only = ["protocol", "operation", "tool_kind"];
    let item_starts: Vec<&str> = keywords(KeywordRole::Item)
        .map(|(text, _)| text)
        .filter(|text| !file_only.contains(text))
        .collect();
    let operand_starts: Vec<&str> = keywords(KeywordRole::Operand).map(|(text, _)| text).collect();
    let bare: Vec<&str> = expected.iter().map(|t| t.trim_matches('"')).collect();
    let has_all = |group: &[&str]| group.iter().all(|word| bare.contains(word));
    let mut phrases: Vec<String> = Vec::new();
    let operands = has_all(&operand_starts);
    let items = has_all(&item_starts);
    for (terminal, word) in expected.iter().zip(&bare) {
        if (operands && operand_starts.contains(word)) || (items && item_starts.contains(word)) {
            continue;
        }
        // A step name followed by its verb is an error production (the `:` left out),
        // not something to ask for.
        if bare.contains(&":") && matches!(*word, "identifier" | "string") {
            continue;
        }
        // `-` only ever starts a negative number; "a number" says it.
        if *word == "-" && bare.contains(&"number") || *word == "invalid token" || *word == "%" {
            continue;
        }
        phrases.push(describe_terminal(terminal));
    }
    if operands {
        phrases.push("an operand such as `at 25 degC` or `using tool`".to_owned());
    }
    if items {
        phrases.push("the next item (`step`, `tool`, ...)".to_owned());
    }
    match phrases.len() {
        0 => String::new(),
        1 => phrases.remove(0),
        _ => {
            let last = phrases.pop().unwrap_or_default();
            format!("{}, or {last}", phrases.join(", "))
        }
    }
}

fn describe_found(token: &Tok) -> String {
    match token {
        Tok::Ident(text) => format!("identifier `{text}`"),
        Tok::Number(text) => format!("number `{text}`"),
        Tok::Str(text) => format!("string \"{text}\""),
        Tok::Unit(text) => format!("unit `{text}`"),
        Tok::Percent => "`%`".to_owned(),
        Tok::Error => "invalid text".to_owned(),
        keyword_or_punctuation => {
            let text = super::token::KEYWORDS
                .iter()
                .find(|(_, tok, _)| tok == keyword_or_punctuation)
                .map(|(text, _, _)| *text)
                .unwrap_or_else(|| punctuation_text(keyword_or_punctuation));
            format!("`{text}`")
        }
    }
}

fn punctuation_text(token: &Tok) -> &'static str {
    match token {
        Tok::LBrace => "{",
        Tok::RBrace => "}",
        Tok::Colon => ":",
        Tok::Comma => ",",
        Tok::Equals => "=",
        Tok::Plus => "+",
        Tok::Minus => "-",
        Tok::Slash => "/",
        Tok::LessEqual => "<=",
        Tok::GreaterEqual => ">=",
        _ => "token",
    }
}

/// Whether the token before `at` is a number: only then can a unit be what is missing.
fn after_number(source: &str, at: usize) -> bool {
    let before = source[..at].trim_end();
    let word_start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_')))
        .map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
    let word = before[word_start..].trim_start_matches(['-', '+']);
    word.starts_with(|c: char| c.is_ascii_digit()) && word.parse::<f64>().is_ok()
}

/// The `:` written `=` (`capacity = 4`) or the `=` written `:` (`reagent bsl: ...`): the
/// token that was meant, as an edit of the one found.
fn swapped_punctuation(found: &Tok, expected: &[String]) -> Option<&'static str> {
    let expects = |terminal: &str| expected.iter().any(|e| e.trim_matches('"') == terminal);
    match found {
        Tok::Equals if expects(":") => Some(":"),
        Tok::Colon if expects("=") => Some("="),
        _ => None,
    }
}

/// A help line for the mistakes people predictably make at this point; `after_number`:
/// the token before the unexpected one is a number.
fn syntax_help(found: &Tok, expected: &[String], after_number: bool) -> Option<String> {
    let expects = |terminal: &str| expected.iter().any(|e| e.trim_matches('"') == terminal);
    match found {
        Tok::Equals if expects(":") => Some("parameters and names are followed by `:`, as in `capacity: 4`".to_owned()),
        Tok::Colon if expects("=") => {
            Some("a reagent is defined with `=`, as in `reagent bsl = SnF2 0.1 M in DMSO`".to_owned())
        }
        _ if expects("unit") && after_number => {
            Some("a quantity needs a unit after its number, as in `10 nm` or `25 degC`".to_owned())
        }
        Tok::Ident(_) if expects(":") && expected.len() == 1 => {
            Some("a name being declared is followed by `:`, as in `tool bath: dip_tank in glovebox`".to_owned())
        }
        Tok::Ident(_) if expects("in") && expected.len() == 1 => {
            Some("a tool's environment follows `in`, as in `tool bath: dip_tank in glovebox`".to_owned())
        }
        Tok::Ident(_) if expects("string") && !expects("identifier") => {
            Some("protocol names are written in double quotes".to_owned())
        }
        Tok::Str(_) if expects("identifier") && !expects("string") => {
            Some("this name must be an identifier (letters, digits, `_`), without quotes".to_owned())
        }
        _ => None,
    }
}

/// `unclosed`: the innermost `{` still open at the end of the text.
fn syntax_diagnostic(error: ParseError<usize, Tok, Slip>, source: &str, unclosed: Option<usize>) -> Option<Diagnostic> {
    match error {
        ParseError::UnrecognizedToken {
            token: (start, token, end),
            expected,
        } => {
            // The lexer has already explained bad characters.
            if token == Tok::Error {
                return None;
            }
            let found = describe_found(&token);
            let wanted = describe_expected(&expected);
            let message = if wanted.is_empty() {
                format!("unexpected {found}")
            } else {
                format!("expected {wanted}, found {found}")
            };
            let help = syntax_help(&token, &expected, after_number(source, start));
            let diagnostic = Diagnostic::new(codes::SYNTAX_ERROR, message, Span::new(start, end), "unexpected here")
                .with_help_opt(help);
            Some(match swapped_punctuation(&token, &expected) {
                Some(meant) => {
                    diagnostic.with_suggestion(Span::new(start, end), meant, Applicability::MachineApplicable)
                }
                None => diagnostic,
            })
        }
        ParseError::UnrecognizedEof { location, expected } => {
            let wanted = describe_expected(&expected);
            let end = source.len();
            let location = location.min(end);
            // Point at the last character so the label has something to underline.
            let start = source[..location]
                .char_indices()
                .next_back()
                .map_or(location, |(i, _)| i);
            let diagnostic = Diagnostic::new(
                codes::UNEXPECTED_END,
                format!("the file ends early; expected {wanted}"),
                Span::new(start, location),
                "the file ends after this",
            );
            Some(match unclosed {
                Some(open) if expected.iter().any(|e| e == "\"}\"") => diagnostic
                    .with_label(Span::new(open, open + 1), "this `{` is never closed")
                    .with_help("close the open block with `}`"),
                _ => diagnostic,
            })
        }
        ParseError::ExtraToken {
            token: (start, token, end),
        } => Some(Diagnostic::new(
            codes::SYNTAX_ERROR,
            format!("unexpected {}", describe_found(&token)),
            Span::new(start, end),
            "unexpected here",
        )),
        // The lexer adapter never fails and never emits a location lalrpop cannot read.
        ParseError::InvalidToken { location } => Some(Diagnostic::new(
            codes::SYNTAX_ERROR,
            "unreadable token",
            Span::new(location, location),
            "here",
        )),
        ParseError::User { error } => Some(slip_diagnostic(error, source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::{Item, Operand, ProtocolItem};

    #[test]
    fn parses_a_protocol_with_all_operand_kinds() {
        let (file, diagnostics) = parse(
            r#"tool pvd: sputter in vacuum { capacity: 8, pump_down: 20 min }
            protocol "p" {
                substrate li: Li foil { thickness: 50 um area: 2 cm2 }
                batch 3
                reagent bsl = SnF2 0.1 M + LiNO3 5 wt% in DOL/DME
                step a: immerse in bsl for 10 min at 25 degC using pvd
                step b: sputter MoS2 10 nm at 0.5 nm/min on li using pvd after a
                budget coating <= 5 um
            }"#,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        assert_eq!(file.items.len(), 2);
        let Item::Protocol(protocol) = &file.items[1] else {
            panic!("not a protocol")
        };
        assert_eq!(protocol.items.len(), 6);
        let ProtocolItem::Step(step) = &protocol.items[4] else {
            panic!("not a step")
        };
        assert_eq!(step.verb.text, "sputter");
        assert!(matches!(&step.operands[2], Operand::At(q) if q.unit.text == "nm/min"));
    }

    #[test]
    fn an_amount_may_stand_before_its_material() {
        let (file, diagnostics) = parse("reagent bsl = 0.1 M SnF2 + LiNO3 5 wt% in DMSO");
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let Item::Reagent(reagent) = &file.items[0] else {
            panic!("not a reagent")
        };
        assert_eq!(reagent.components[0].material.text, "SnF2");
        assert!(
            reagent.components[0]
                .amount
                .as_ref()
                .is_some_and(|q| q.unit.text == "M")
        );
        assert_eq!(reagent.components[1].material.text, "LiNO3");
    }

    #[test]
    fn reports_two_independent_syntax_errors() {
        let (_, diagnostics) =
            parse("protocol \"p\" {\n step a: dry at 60 for using t\n step b: dry { x = 1 }\n step c: dry\n}");
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code.id).collect();
        assert_eq!(codes, vec!["E0103", "E0103"], "{diagnostics:#?}");
    }

    /// Every `.seip` file of the repository (examples and diagnostic cases).
    fn repository_sources() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for path in paths {
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "seip")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    out.push(text);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        walk(&root.join("examples"), &mut sources);
        walk(&root.join("tests/cases"), &mut sources);
        sources
    }

    #[test]
    fn parsing_in_halves_gives_what_parsing_in_one_piece_gives() {
        let sources = repository_sources();
        assert!(sources.len() > 50, "found {} sources", sources.len());
        let mut split = 0;
        // Every third file first (clean ones and ones with errors), every file second.
        for first in sources.iter().step_by(3) {
            for second in &sources {
                let source = format!("{first}\n{second}");
                let whole = format!("{:?}", diagnose(&source, parse_range(&source, 0, source.len())));
                let mut from = 0;
                while let Some(found) = source[from..].find("\nprotocol") {
                    let cut = from + found + 1;
                    from = cut;
                    if let Some(halves) = parse_in_halves(&source, cut) {
                        split += 1;
                        assert_eq!(
                            format!("{:?}", diagnose(&source, halves)),
                            whole,
                            "cut at {cut} of:\n{source}"
                        );
                    }
                }
            }
        }
        // Most pairs start with a file that parses cleanly, so most cuts are taken.
        assert!(split > 300, "only {split} cuts were parsed in halves");
    }

    #[test]
    fn a_large_file_is_cut_at_a_protocol_line() {
        let protocol = "protocol \"p\" {\n  substrate li: Li foil\n  step a: dry at 60 degC for 1 h\n}\n";
        let source = protocol.repeat(1000);
        let cut = split_point(&source).expect("a protocol line past the middle");
        assert!(cut >= source.len() / 2 && source[cut..].starts_with("protocol "));
        assert_eq!(split_point("tool t: dry_room in air\n"), None);
        // A middle that falls inside a character: `µ` is two bytes.
        for padding in 0..4 {
            let source = format!("{}{}\n{protocol}", " ".repeat(padding), "// µµµµµµµµ\n".repeat(50));
            let cut = split_point(&source).expect("the protocol line");
            assert!(source[cut..].starts_with("protocol "));
        }
    }

    proptest::proptest! {
        /// Wherever the middle falls (multi-byte characters, no protocol line, one at the
        /// very end), the cut is a protocol line or nothing.
        #[test]
        fn the_cut_is_always_a_protocol_line(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["µ", "°C", "x", "\n", "\nprotocol ", "\nprotocolx", "\"", "é"]),
                0..60,
            )
        ) {
            let source = pieces.concat();
            if let Some(cut) = split_point(&source) {
                proptest::prop_assert!(cut >= source.len() / 2 && source[cut..].starts_with("protocol "));
            }
        }
    }

    #[test]
    fn never_fails_on_garbage() {
        for source in [
            "",
            "}",
            "{{{{",
            "protocol",
            "protocol \"x\" {",
            "step a:",
            "\u{0}\u{1}",
            "1 2 3 nm",
        ] {
            let _ = parse(source);
        }
    }
}
