//! Semantic tokens: the class of every token, for editors that colour by the server
//! (Neovim 0.9 and later, VS Code, Emacs, Zed). The lexer gives keywords, numbers, units,
//! strings and comments; for a name, the index gives what it names (a tool, a material,
//! a step, an operation ...), which no grammar can tell, so `bath` and `SnF2` get their
//! own colours wherever they stand. Byte offsets here; `server.rs` encodes positions.

use super::analysis::Analysis;
use super::index::SymbolKind;
use crate::span::Span;
use crate::syntax::lexer::Lexer;
use crate::syntax::token::{KEYWORDS, Tok};

/// A token's class; the protocol's standard token types, so that every client has a
/// colour for each (its number is its place in [`Class::ALL`], the legend).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Keyword,
    Comment,
    String,
    Number,
    Operator,
    /// A unit after a number.
    Type,
    /// A protocol's name.
    Namespace,
    /// An operation (a step's verb).
    Function,
    /// A step: an event in the protocol's time.
    Event,
    /// A tool, substrate or reagent.
    Variable,
    /// A tool kind.
    Class,
    /// An environment.
    Enum,
    /// A material.
    EnumMember,
    /// A field or parameter name before its `:`.
    Property,
}

impl Class {
    pub const ALL: [Class; 14] = [
        Class::Keyword,
        Class::Comment,
        Class::String,
        Class::Number,
        Class::Operator,
        Class::Type,
        Class::Namespace,
        Class::Function,
        Class::Event,
        Class::Variable,
        Class::Class,
        Class::Enum,
        Class::EnumMember,
        Class::Property,
    ];

    /// The protocol's name of the class.
    pub fn name(self) -> &'static str {
        match self {
            Class::Keyword => "keyword",
            Class::Comment => "comment",
            Class::String => "string",
            Class::Number => "number",
            Class::Operator => "operator",
            Class::Type => "type",
            Class::Namespace => "namespace",
            Class::Function => "function",
            Class::Event => "event",
            Class::Variable => "variable",
            Class::Class => "class",
            Class::Enum => "enum",
            Class::EnumMember => "enumMember",
            Class::Property => "property",
        }
    }

    fn of(kind: SymbolKind) -> Class {
        match kind {
            SymbolKind::Protocol => Class::Namespace,
            SymbolKind::Operation => Class::Function,
            SymbolKind::Step => Class::Event,
            SymbolKind::Tool | SymbolKind::Substrate | SymbolKind::Reagent => Class::Variable,
            SymbolKind::ToolKind => Class::Class,
            SymbolKind::Environment => Class::Enum,
            SymbolKind::Material => Class::EnumMember,
        }
    }
}

/// The modifiers, as bits in the order of [`MODIFIERS`].
pub const DECLARATION: u32 = 1;
/// A name the compiler knows without a declaration (`sputter`, `LiF`, `glovebox`).
pub const DEFAULT_LIBRARY: u32 = 2;
pub const MODIFIERS: [&str; 2] = ["declaration", "defaultLibrary"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub class: Class,
    pub modifiers: u32,
}

/// The tokens of `text` in source order; names the index does not know (a misspelt
/// one) and punctuation have none.
pub fn tokens(analysis: &Analysis, text: &str) -> Vec<Token> {
    let mut lexer = Lexer::new(text);
    let lexed: Vec<(usize, Tok, usize)> = lexer.by_ref().filter_map(Result::ok).collect();
    let mut tokens: Vec<Token> = lexer
        .comments
        .iter()
        .map(|&span| Token {
            span,
            class: Class::Comment,
            modifiers: 0,
        })
        .collect();
    for (i, &(start, token, end)) in lexed.iter().enumerate() {
        let span = Span::new(start, end);
        let plain = |class| {
            Some(Token {
                span,
                class,
                modifiers: 0,
            })
        };
        let token = match token {
            Tok::Ident(_) | Tok::Str(_) => match analysis.index.at(start).filter(|o| o.span.start == span.start) {
                Some(occurrence) => {
                    let symbol = &analysis.index.symbols[occurrence.symbol];
                    let mut modifiers = 0;
                    if occurrence.is_definition {
                        modifiers |= DECLARATION;
                    }
                    if symbol.definition.is_none() {
                        modifiers |= DEFAULT_LIBRARY;
                    }
                    Some(Token {
                        span,
                        class: Class::of(symbol.kind),
                        modifiers,
                    })
                }
                None if matches!(token, Tok::Str(_)) => plain(Class::String),
                None if matches!(lexed.get(i + 1), Some((_, Tok::Colon, _))) => plain(Class::Property),
                None => None,
            },
            Tok::Number(_) => plain(Class::Number),
            Tok::Unit(_) | Tok::Percent => plain(Class::Type),
            Tok::Equals | Tok::Plus | Tok::Minus | Tok::Slash | Tok::LessEqual | Tok::GreaterEqual => {
                plain(Class::Operator)
            }
            token if KEYWORDS.iter().any(|(_, keyword, _)| *keyword == token) => plain(Class::Keyword),
            _ => None,
        };
        tokens.extend(token);
    }
    tokens.sort_by_key(|t| t.span.start);
    tokens
}
