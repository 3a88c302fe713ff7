//! One document as the editor features see it: the compilation (the same diagnostics,
//! program and stacks as `seipc check` and `seipc stack`) and the name index. Every
//! feature here works in byte offsets; positions are converted in `server.rs` only.

use super::index::{Index, Symbol, SymbolKind};
use crate::Compilation;
use crate::span::Span;
use crate::syntax::token::is_identifier;

pub struct Analysis {
    pub compilation: Compilation,
    pub index: Index,
}

impl Analysis {
    /// Checks a text. The built-in tables were parsed once, on the first call, and are
    /// shared by every later one.
    pub fn new(source: &str) -> Analysis {
        let compilation = crate::compile(source);
        // `compile` frees its tree once the names are resolved; the index needs one of
        // its own, and parsing is a small part of a check.
        let (file, _) = crate::syntax::parser::parse(source);
        let index = Index::build(&file);
        Analysis { compilation, index }
    }

    /// The symbol whose name is under `offset`.
    pub fn symbol_at(&self, offset: usize) -> Option<(usize, Span)> {
        self.index.at(offset).map(|o| (o.symbol, o.span))
    }

    /// Where the name under `offset` is declared (nothing for built-in names).
    pub fn definition(&self, offset: usize) -> Option<Span> {
        let (symbol, _) = self.symbol_at(offset)?;
        self.index.symbols[symbol].definition
    }

    /// Every place the name under `offset` stands, in source order.
    pub fn references(&self, offset: usize, include_declaration: bool) -> Vec<Span> {
        let Some((symbol, _)) = self.symbol_at(offset) else {
            return Vec::new();
        };
        self.index
            .occurrences_of(symbol)
            .filter(|o| include_declaration || !o.is_definition)
            .map(|o| o.span)
            .collect()
    }

    /// The name a rename at `offset` would change: only names the file declares.
    pub fn rename_target(&self, offset: usize) -> Result<Span, String> {
        let (symbol, span) = self.symbol_at(offset).ok_or("there is no name here")?;
        let symbol = &self.index.symbols[symbol];
        if symbol.definition.is_none() {
            return Err(format!(
                "`{}` is a built-in {} and cannot be renamed",
                symbol.name,
                symbol.kind.describe()
            ));
        }
        if symbol.kind == SymbolKind::Protocol {
            return Err("a protocol's name is a string; edit it in place".to_owned());
        }
        Ok(span)
    }

    /// The edits that rename the name under `offset` everywhere it stands.
    pub fn rename(&self, offset: usize, new_name: &str) -> Result<Vec<(Span, String)>, String> {
        self.rename_target(offset)?;
        if !is_identifier(new_name) {
            return Err(format!("`{new_name}` is not a name: use letters, digits and `_`"));
        }
        Ok(self
            .references(offset, true)
            .into_iter()
            .map(|span| (span, new_name.to_owned()))
            .collect())
    }

    /// The outline: each protocol with what it declares, then the file-level items.
    pub fn outline(&self) -> Vec<Outline<'_>> {
        let outline = |symbol: usize| {
            let symbol = &self.index.symbols[symbol];
            Outline {
                symbol,
                children: Vec::new(),
            }
        };
        let mut protocols = self.index.protocols.iter();
        self.index
            .file_members
            .iter()
            .map(|&member| {
                let mut entry = outline(member);
                if entry.symbol.kind == SymbolKind::Protocol
                    && let Some(protocol) = protocols.next()
                {
                    entry.children = protocol.members.iter().map(|&m| outline(m)).collect();
                }
                entry
            })
            .collect()
    }
}

/// One entry of the outline.
pub struct Outline<'a> {
    pub symbol: &'a Symbol,
    pub children: Vec<Outline<'a>>,
}
