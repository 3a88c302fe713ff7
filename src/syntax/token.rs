//! The tokens of `.seip`, recognised by logos.
//!
//! Keywords are the words of the item and operand grammar; verbs, tool kinds, materials
//! and units are plain identifiers resolved later against data, so a lab can add its own.

use logos::Logos;

#[derive(Logos, Debug, Clone, Copy, PartialEq)]
#[logos(skip r"[ \t\r\n\f]+")]
#[logos(skip(r"//[^\n]*", allow_greedy = true))]
pub enum Tok<'src> {
    #[token("protocol")]
    Protocol,
    #[token("tool")]
    Tool,
    #[token("reagent")]
    Reagent,
    #[token("environment")]
    Environment,
    #[token("substrate")]
    Substrate,
    #[token("batch")]
    Batch,
    #[token("step")]
    Step,
    #[token("budget")]
    Budget,
    #[token("allow")]
    Allow,
    #[token("in")]
    In,
    #[token("for")]
    For,
    #[token("at")]
    At,
    #[token("on")]
    On,
    #[token("onto")]
    Onto,
    #[token("using")]
    Using,
    #[token("after")]
    After,
    #[token("operation")]
    Operation,
    #[token("tool_kind")]
    ToolKind,
    #[token("material")]
    Material,
    #[token("reaction")]
    Reaction,
    #[token("from")]
    From,
    #[token("param")]
    Param,
    #[token("required")]
    Required,

    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(":")]
    Colon,
    #[token(",")]
    Comma,
    #[token("=")]
    Equals,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("/")]
    Slash,
    #[token("<=")]
    LessEqual,
    #[token(">=")]
    GreaterEqual,

    /// Letters (any script, so `µm` and `°C` work), digits and `_`, optionally ending in `%`
    /// (`wt%`); `°` and `℃` may start one.
    #[regex(r"[\p{L}_°℃][\p{L}\p{N}_]*%?")]
    Ident(&'src str),
    /// A lone `%`, which is only ever a unit.
    #[token("%")]
    Percent,
    /// Digits with an optional fraction and exponent; the sign is a separate token.
    #[regex(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")]
    Number(&'src str),
    /// A double-quoted name, for materials whose names are not identifiers ("PVDF-HFP").
    #[regex(r#""[^"\n]*""#, allow_greedy = true, callback = |lex| { let s = lex.slice(); &s[1..s.len() - 1] })]
    Str(&'src str),

    /// An identifier that follows a number: the lexer adapter re-classifies it, so that
    /// `K`, `M`, `s` and `h` are units after a number and names elsewhere.
    Unit(&'src str),
    /// Bytes that form no token; the adapter has already reported them.
    Error,
}

/// What a keyword starts: the lexer's recoveries, the parser's expected-token lists and
/// the language server's completions group keywords by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeywordRole {
    /// A file or protocol item: `protocol`, `step`, `material`, ...
    Item,
    /// A step operand: `in`, `at`, `from`, ...
    Operand,
    /// Inside an `operation` declaration: `param`, `required`.
    Declaration,
}

/// The keywords, in one table with their tokens and roles; a test keeps it in step with
/// the enum.
pub const KEYWORDS: &[(&str, Tok<'static>, KeywordRole)] = &[
    ("protocol", Tok::Protocol, KeywordRole::Item),
    ("tool", Tok::Tool, KeywordRole::Item),
    ("reagent", Tok::Reagent, KeywordRole::Item),
    ("environment", Tok::Environment, KeywordRole::Item),
    ("substrate", Tok::Substrate, KeywordRole::Item),
    ("batch", Tok::Batch, KeywordRole::Item),
    ("step", Tok::Step, KeywordRole::Item),
    ("budget", Tok::Budget, KeywordRole::Item),
    ("allow", Tok::Allow, KeywordRole::Item),
    ("operation", Tok::Operation, KeywordRole::Item),
    ("tool_kind", Tok::ToolKind, KeywordRole::Item),
    ("material", Tok::Material, KeywordRole::Item),
    ("reaction", Tok::Reaction, KeywordRole::Item),
    ("in", Tok::In, KeywordRole::Operand),
    ("for", Tok::For, KeywordRole::Operand),
    ("at", Tok::At, KeywordRole::Operand),
    ("on", Tok::On, KeywordRole::Operand),
    ("onto", Tok::Onto, KeywordRole::Operand),
    ("using", Tok::Using, KeywordRole::Operand),
    ("after", Tok::After, KeywordRole::Operand),
    ("from", Tok::From, KeywordRole::Operand),
    ("param", Tok::Param, KeywordRole::Declaration),
    ("required", Tok::Required, KeywordRole::Declaration),
];

/// The keywords of one role, with their tokens, in table order.
pub fn keywords(role: KeywordRole) -> impl Iterator<Item = (&'static str, Tok<'static>)> {
    KEYWORDS
        .iter()
        .filter(move |(_, _, r)| *r == role)
        .map(|(text, token, _)| (*text, *token))
}

/// How the parser's expected-token lists name each terminal (see `grammar/seip.lalrpop`).
pub fn describe_terminal(terminal: &str) -> String {
    let bare = terminal.trim_matches('"');
    match bare {
        "identifier" => "an identifier".to_owned(),
        "number" | "string" | "unit" => format!("a {bare}"),
        _ => format!("`{}`", bare.replace("\\\"", "\"")),
    }
}

/// Whether `text` can stand as a name without quotes (`spec/language.md` §1.3).
pub fn is_identifier(text: &str) -> bool {
    let mut lexer = Tok::lexer(text);
    matches!(lexer.next(), Some(Ok(Tok::Ident(_)))) && lexer.next().is_none()
}

/// A name as source text: bare when it is an identifier, else quoted (`"PVDF-HFP"`).
pub fn as_source(name: &str) -> std::borrow::Cow<'_, str> {
    if is_identifier(name) {
        name.into()
    } else {
        format!("\"{name}\"").into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_table_matches_the_lexer() {
        for (text, token, _) in KEYWORDS {
            let mut lexer = Tok::lexer(text);
            assert_eq!(lexer.next(), Some(Ok(*token)), "keyword `{text}`");
            assert_eq!(lexer.next(), None);
        }
        // Longer words are identifiers, not keywords followed by letters.
        let mut lexer = Tok::lexer("protocols");
        assert_eq!(lexer.next(), Some(Ok(Tok::Ident("protocols"))));
    }
}
