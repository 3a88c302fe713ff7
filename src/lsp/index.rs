//! Where each name of a file is defined and used: a table of occurrences sorted by span,
//! built from the syntax tree, so that hover, definition, references and rename are a
//! binary search (Nickel's `PositionLookup`). It knows nothing of the protocol.
//!
//! Names resolve by the scopes of `spec/language.md` §3: a tool or reagent in its
//! protocol, then at file level; a step's material operand (or single `in` name) as a
//! reagent, then as a material; a material in its protocol, at file level, then in the
//! built-in table; substrates and steps in their protocol; verbs, tool kinds and
//! environments in the whole file, built in or declared.

use std::collections::HashMap;

use crate::span::Span;
use crate::syntax::ast::{self, Item, Operand, ProtocolItem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SymbolKind {
    Protocol,
    Tool,
    Reagent,
    Substrate,
    Step,
    Operation,
    ToolKind,
    Environment,
    Material,
}

impl SymbolKind {
    pub fn describe(self) -> &'static str {
        match self {
            SymbolKind::Protocol => "protocol",
            SymbolKind::Tool => "tool",
            SymbolKind::Reagent => "reagent",
            SymbolKind::Substrate => "substrate",
            SymbolKind::Step => "step",
            SymbolKind::Operation => "operation",
            SymbolKind::ToolKind => "tool kind",
            SymbolKind::Environment => "environment",
            SymbolKind::Material => "material",
        }
    }
}

/// One named thing: declared in the file (with the span of its name), or built in.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    pub kind: SymbolKind,
    pub name: String,
    /// The protocol (index among the file's protocols) it belongs to; `None` at file level.
    pub protocol: Option<usize>,
    /// The span of the name where it is declared; `None` when built in.
    pub definition: Option<Span>,
    /// The whole declaration.
    pub declaration: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub span: Span,
    pub symbol: usize,
    pub is_definition: bool,
}

/// A protocol as the index saw it: its name and where its body is, for completion.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolOutline {
    pub name: String,
    pub span: Span,
    /// The symbols declared in it, in source order.
    pub members: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Index {
    pub symbols: Vec<Symbol>,
    /// Sorted by span; names never overlap.
    pub occurrences: Vec<Occurrence>,
    pub protocols: Vec<ProtocolOutline>,
    /// File-level declarations, in source order.
    pub file_members: Vec<usize>,
    /// The verb of each step symbol, for hover and parameter completion.
    pub step_verbs: HashMap<usize, String>,
    by_key: HashMap<(SymbolKind, Option<usize>, String), usize>,
}

impl Index {
    pub fn build(file: &ast::File) -> Index {
        let mut index = Index::default();
        // Declarations first, since a name may be used above where it is declared.
        let mut protocol_count = 0;
        for item in &file.items {
            match item {
                Item::Protocol(protocol) => {
                    let p = protocol_count;
                    protocol_count += 1;
                    let mut members = Vec::new();
                    for item in &protocol.items {
                        let declared = match item {
                            ProtocolItem::Substrate(s) => {
                                Some(index.declare(SymbolKind::Substrate, Some(p), &s.name, s.span))
                            }
                            ProtocolItem::Tool(t) => Some(index.declare(SymbolKind::Tool, Some(p), &t.name, t.span)),
                            ProtocolItem::Reagent(r) => {
                                Some(index.declare(SymbolKind::Reagent, Some(p), &r.name, r.span))
                            }
                            ProtocolItem::Environment(e) => {
                                Some(index.declare(SymbolKind::Environment, None, &e.name, e.span))
                            }
                            ProtocolItem::Material(m) => {
                                Some(index.declare(SymbolKind::Material, Some(p), &m.name, m.span))
                            }
                            ProtocolItem::Step(s) => {
                                let symbol = index.declare(SymbolKind::Step, Some(p), &s.name, s.span);
                                index
                                    .step_verbs
                                    .entry(symbol)
                                    .or_insert_with(|| s.verb.text.to_string());
                                Some(symbol)
                            }
                            ProtocolItem::Reaction(_)
                            | ProtocolItem::Batch(_)
                            | ProtocolItem::Budget(_)
                            | ProtocolItem::Allow(_)
                            | ProtocolItem::Error(_) => None,
                        };
                        members.extend(declared);
                    }
                    let symbol = index.declare(SymbolKind::Protocol, None, &protocol.name, protocol.span);
                    index.file_members.push(symbol);
                    index.protocols.push(ProtocolOutline {
                        name: protocol.name.text.to_string(),
                        span: protocol.span,
                        members,
                    });
                }
                Item::Tool(t) => index.declare_at_file(SymbolKind::Tool, &t.name, t.span),
                Item::Reagent(r) => index.declare_at_file(SymbolKind::Reagent, &r.name, r.span),
                Item::Environment(e) => index.declare_at_file(SymbolKind::Environment, &e.name, e.span),
                Item::Operation(o) => index.declare_at_file(SymbolKind::Operation, &o.name, o.span),
                Item::ToolKind(k) => index.declare_at_file(SymbolKind::ToolKind, &k.name, k.span),
                Item::Material(m) => index.declare_at_file(SymbolKind::Material, &m.name, m.span),
                // A reaction's name is its equation, a string: nothing refers to it.
                Item::Reaction(_) | Item::Error(_) => {}
            }
        }
        let mut protocol_count = 0;
        for item in &file.items {
            match item {
                Item::Protocol(protocol) => {
                    let p = protocol_count;
                    protocol_count += 1;
                    for item in &protocol.items {
                        index.protocol_item_uses(p, item);
                    }
                }
                Item::Tool(t) => index.tool_uses(t),
                Item::Reagent(r) => index.reagent_uses(r, None),
                Item::Operation(o) => index.field_uses(o, &[("tools", SymbolKind::ToolKind)]),
                Item::ToolKind(k) => index.field_uses(
                    k,
                    &[
                        ("operations", SymbolKind::Operation),
                        ("environments", SymbolKind::Environment),
                    ],
                ),
                Item::Material(m) => index.material_uses(m, None),
                Item::Environment(_) | Item::Reaction(_) | Item::Error(_) => {}
            }
        }
        index.occurrences.sort_by_key(|o| (o.span.start, o.span.end));
        index.occurrences.dedup_by_key(|o| o.span);
        index
    }

    /// The occurrence under a byte offset; a cursor just after a name is on it.
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        let offset = offset as u32;
        let after = self.occurrences.partition_point(|o| o.span.start <= offset);
        self.occurrences[..after].last().filter(|o| offset <= o.span.end)
    }

    /// Every occurrence of a symbol, its definition included, in source order.
    pub fn occurrences_of(&self, symbol: usize) -> impl Iterator<Item = &Occurrence> {
        self.occurrences.iter().filter(move |o| o.symbol == symbol)
    }

    /// The protocol whose body holds a byte offset.
    pub fn protocol_at(&self, offset: usize) -> Option<usize> {
        let offset = offset as u32;
        self.protocols
            .iter()
            .position(|p| p.span.start <= offset && offset <= p.span.end)
    }

    /// The names of one kind visible in a protocol (or at file level), its own first.
    pub fn visible(&self, kind: SymbolKind, protocol: Option<usize>) -> Vec<(usize, &Symbol)> {
        let own = protocol.map(|p| &self.protocols[p].members[..]).unwrap_or_default();
        own.iter()
            .chain(&self.file_members)
            .map(|&s| (s, &self.symbols[s]))
            .filter(|(_, s)| s.kind == kind)
            .collect()
    }

    pub fn lookup(&self, kind: SymbolKind, protocol: Option<usize>, name: &str) -> Option<usize> {
        self.by_key.get(&(kind, protocol, name.to_owned())).copied()
    }

    /// A file-level declaration, listed among the file's members.
    fn declare_at_file(&mut self, kind: SymbolKind, name: &ast::Name, declaration: Span) {
        let symbol = self.declare(kind, None, name, declaration);
        self.file_members.push(symbol);
    }

    fn declare(&mut self, kind: SymbolKind, protocol: Option<usize>, name: &ast::Name, declaration: Span) -> usize {
        let key = (kind, protocol, name.text.to_string());
        let symbol = match self.by_key.get(&key) {
            // A repeated declaration (E0202) is one more occurrence of the first one.
            Some(&symbol) => {
                self.occurrences.push(Occurrence {
                    span: name.span,
                    symbol,
                    is_definition: false,
                });
                return symbol;
            }
            None => {
                self.symbols.push(Symbol {
                    kind,
                    name: key.2.clone(),
                    protocol,
                    definition: Some(name.span),
                    declaration: Some(declaration),
                });
                self.symbols.len() - 1
            }
        };
        self.by_key.insert(key, symbol);
        self.occurrences.push(Occurrence {
            span: name.span,
            symbol,
            is_definition: true,
        });
        symbol
    }

    /// Records a use of `name`: the first of `scopes` that declares it, else a built-in
    /// name of `fallback` kind (a material, a verb) when one is given.
    fn refer(&mut self, name: &ast::Name, scopes: &[(SymbolKind, Option<usize>)], fallback: Option<SymbolKind>) {
        let found = scopes
            .iter()
            .find_map(|&(kind, protocol)| self.lookup(kind, protocol, &name.text))
            .or_else(|| {
                let kind = fallback?;
                Some(self.lookup(kind, None, &name.text).unwrap_or_else(|| {
                    self.symbols.push(Symbol {
                        kind,
                        name: name.text.to_string(),
                        protocol: None,
                        definition: None,
                        declaration: None,
                    });
                    let symbol = self.symbols.len() - 1;
                    self.by_key.insert((kind, None, name.text.to_string()), symbol);
                    symbol
                }))
            });
        if let Some(symbol) = found {
            self.occurrences.push(Occurrence {
                span: name.span,
                symbol,
                is_definition: false,
            });
        }
    }

    fn protocol_item_uses(&mut self, p: usize, item: &ProtocolItem) {
        match item {
            ProtocolItem::Substrate(s) => self.material(&s.material, Some(p)),
            ProtocolItem::Tool(t) => self.tool_uses(t),
            ProtocolItem::Reagent(r) => self.reagent_uses(r, Some(p)),
            ProtocolItem::Step(step) => self.step_uses(p, step),
            ProtocolItem::Material(m) => self.material_uses(m, Some(p)),
            ProtocolItem::Environment(_)
            | ProtocolItem::Reaction(_)
            | ProtocolItem::Batch(_)
            | ProtocolItem::Budget(_)
            | ProtocolItem::Allow(_)
            | ProtocolItem::Error(_) => {}
        }
    }

    /// A material named where only a material goes: declared in the protocol, at file
    /// level, else built in.
    fn material(&mut self, name: &ast::Name, protocol: Option<usize>) {
        let scopes = [(SymbolKind::Material, protocol), (SymbolKind::Material, None)];
        let scopes = if protocol.is_some() { &scopes[..] } else { &scopes[1..] };
        self.refer(name, scopes, Some(SymbolKind::Material));
    }

    /// The names in `key: a, b` fields of a declaration block, for the keys that name
    /// things of a known kind.
    fn field_uses(&mut self, block: &ast::BlockDecl, keys: &[(&str, SymbolKind)]) {
        for entry in &block.entries {
            let ast::DeclEntry::Field { key, values } = entry else {
                continue;
            };
            let Some(&(_, kind)) = keys.iter().find(|(k, _)| *k == key.text) else {
                continue;
            };
            for name in values.iter().filter_map(ast::Value::as_name) {
                self.refer(name, &[(kind, None)], Some(kind));
            }
        }
    }

    /// A declared material's `dissolves_in` solvents.
    fn material_uses(&mut self, material: &ast::BlockDecl, protocol: Option<usize>) {
        for entry in &material.entries {
            if let ast::DeclEntry::Field { key, values } = entry
                && key.text == "dissolves_in"
            {
                for name in values.iter().filter_map(ast::Value::as_name) {
                    self.material(name, protocol);
                }
            }
        }
    }

    fn step_uses(&mut self, p: usize, step: &ast::Step) {
        use SymbolKind::*;
        let reagents_then_materials = [
            (Reagent, Some(p)),
            (Reagent, None),
            (Material, Some(p)),
            (Material, None),
        ];
        self.refer(&step.verb, &[(Operation, None)], Some(Operation));
        for operand in &step.operands {
            match operand {
                Operand::Material(name) => self.refer(name, &reagents_then_materials, Some(Material)),
                Operand::In(names) if names.len() == 1 => {
                    self.refer(&names[0], &reagents_then_materials, Some(Material));
                }
                Operand::In(names) | Operand::From(names) => {
                    for name in names {
                        self.material(name, Some(p));
                    }
                }
                Operand::On(name) | Operand::Onto(name) => self.refer(name, &[(Substrate, Some(p))], None),
                Operand::Using(name) => self.refer(name, &[(Tool, Some(p)), (Tool, None)], None),
                Operand::After(names) => {
                    for name in names {
                        self.refer(name, &[(Step, Some(p))], None);
                    }
                }
                Operand::Quantity(_) | Operand::For(_) | Operand::At(_) => {}
            }
        }
    }

    fn tool_uses(&mut self, tool: &ast::ToolDecl) {
        self.refer(&tool.kind, &[(SymbolKind::ToolKind, None)], Some(SymbolKind::ToolKind));
        self.refer(
            &tool.environment,
            &[(SymbolKind::Environment, None)],
            Some(SymbolKind::Environment),
        );
    }

    fn reagent_uses(&mut self, reagent: &ast::ReagentDecl, protocol: Option<usize>) {
        for component in &reagent.components {
            self.material(&component.material, protocol);
        }
        for solvent in &reagent.solvents {
            self.material(solvent, protocol);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "tool pvd: sputter in vacuum\n\
        protocol \"p\" {\n\
        substrate li: Li foil\n\
        reagent bsl = SnF2 0.1 M in DMSO\n\
        step dip: immerse in bsl for 10 min\n\
        step coat: sputter MoS2 10 nm using pvd after dip\n\
        }\n";

    fn index() -> Index {
        let (file, diagnostics) = crate::syntax::parser::parse(SOURCE);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        Index::build(&file)
    }

    fn symbol_at<'a>(index: &'a Index, needle: &str, nth: usize) -> &'a Symbol {
        let offset = SOURCE.match_indices(needle).nth(nth).unwrap().0;
        &index.symbols[index.at(offset).unwrap().symbol]
    }

    #[test]
    fn uses_resolve_to_their_declarations() {
        let index = index();
        let pvd = symbol_at(&index, "pvd", 1);
        assert_eq!((pvd.kind, pvd.protocol), (SymbolKind::Tool, None));
        assert_eq!(pvd.definition.map(|s| s.start as usize), SOURCE.find("pvd"));
        let bsl = symbol_at(&index, "bsl", 1);
        assert_eq!((bsl.kind, bsl.protocol), (SymbolKind::Reagent, Some(0)));
        let dip = symbol_at(&index, "dip", 1);
        assert_eq!(dip.kind, SymbolKind::Step);
        assert_eq!(
            index
                .occurrences_of(index.at(SOURCE.find("dip").unwrap()).unwrap().symbol)
                .count(),
            2
        );
        let mos2 = symbol_at(&index, "MoS2", 0);
        assert_eq!((mos2.kind, mos2.definition), (SymbolKind::Material, None));
        let verb = symbol_at(&index, "sputter", 1);
        assert_eq!(verb.kind, SymbolKind::Operation);
        assert_eq!(symbol_at(&index, "sputter", 0).kind, SymbolKind::ToolKind);
    }

    #[test]
    fn a_cursor_at_either_end_of_a_name_is_on_it() {
        let index = index();
        let start = SOURCE.find("bsl").unwrap();
        assert_eq!(index.at(start).map(|o| o.span.start as usize), Some(start));
        assert_eq!(index.at(start + 3).map(|o| o.span.start as usize), Some(start));
        assert!(index.at(start - 2).is_none());
    }
}
