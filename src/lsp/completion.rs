//! Completion by context. The statement before the cursor is re-lexed (with the same
//! lexer as the parser, from the line its item starts on), so it works on a line that
//! does not parse yet; the candidates come from the index, the library and the tables.

use super::analysis::Analysis;
use super::index::SymbolKind;
use crate::sema::library::ParamSpec;
use crate::sema::program::BudgetMetric;
use crate::sema::units::{self, Dimension};
use crate::syntax::lexer::Lexer;
use crate::syntax::token::Tok;
use crate::syntax::token::{KeywordRole, keywords};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateKind {
    Name(SymbolKind),
    Unit,
    Parameter,
    Keyword,
    Metric,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub label: String,
    pub kind: CandidateKind,
    /// A few words: a signature, a dimension, a material's full name.
    pub detail: Option<String>,
}

/// How far back the start of a statement is looked for: a `{ .. }` block over a few lines.
const MAX_STATEMENT_LINES: usize = 20;

pub fn complete(analysis: &Analysis, source: &str, offset: usize) -> Vec<Candidate> {
    let offset = (0..=offset.min(source.len()))
        .rev()
        .find(|&i| source.is_char_boundary(i))
        .unwrap_or(0);
    let before = &source[..offset];
    // Inside a comment, nothing.
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if before[line_start..].contains("//") {
        return Vec::new();
    }
    let start = statement_start(before, line_start);
    let mut tokens: Vec<Tok> = Lexer::starting_at(before, start)
        .filter_map(Result::ok)
        .map(|(_, token, end)| {
            // The word being typed is not context: the client filters by it.
            if end == offset && matches!(token, Tok::Ident(_) | Tok::Unit(_)) {
                Tok::Error
            } else {
                token
            }
        })
        .collect();
    let typing_unit = tokens.last() == Some(&Tok::Error)
        && matches!(tokens.len().checked_sub(2).map(|i| tokens[i]), Some(Tok::Number(_)));
    if tokens.last() == Some(&Tok::Error) {
        tokens.pop();
    }
    let protocol = analysis.index.protocol_at(offset);
    let context = Context {
        analysis,
        protocol,
        tokens: &tokens,
    };
    let mut candidates = context.candidates(typing_unit || matches!(tokens.last(), Some(Tok::Number(_))));
    candidates.sort_by(|a, b| a.label.cmp(&b.label));
    candidates.dedup_by(|a, b| a.label == b.label);
    candidates
}

/// The start of the line where the statement around the end of `before` begins: the
/// nearest line above that opens with an item keyword, else the cursor's own line.
fn statement_start(before: &str, line_start: usize) -> usize {
    let mut start = line_start;
    for _ in 0..MAX_STATEMENT_LINES {
        let line = before[start..].lines().next().unwrap_or("").trim_start();
        let first_word = line
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        if keywords(KeywordRole::Item).any(|(keyword, _)| keyword == first_word) {
            return start + (before[start..].len() - before[start..].trim_start().len());
        }
        if start == 0 {
            break;
        }
        start = before[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    line_start
}

struct Context<'a> {
    analysis: &'a Analysis,
    protocol: Option<usize>,
    tokens: &'a [Tok<'a>],
}

impl Context<'_> {
    fn candidates(&self, after_number: bool) -> Vec<Candidate> {
        let tokens = self.tokens;
        let Some(head) = tokens.first() else {
            return self.keywords();
        };
        let depth = tokens.iter().fold(0i32, |depth, t| match t {
            Tok::LBrace => depth + 1,
            Tok::RBrace => depth - 1,
            _ => depth,
        });
        let last = tokens.last().copied();
        if depth > 0 {
            return self.in_block(head, after_number);
        }
        if after_number {
            return self.units_after_number(head);
        }
        match (head, tokens.len(), last) {
            (Tok::Step, 3, Some(Tok::Colon)) => self.verbs(),
            (Tok::Step, 4, Some(Tok::Ident(_))) => self.materials(true),
            (Tok::Step, _, Some(Tok::Using)) => self.names(SymbolKind::Tool),
            (Tok::Step, _, Some(Tok::In)) => self.materials(true),
            (Tok::Step, _, Some(Tok::Slash | Tok::Plus)) => self.materials(false),
            (Tok::Step, _, Some(Tok::On | Tok::Onto)) => self.names(SymbolKind::Substrate),
            (Tok::Step, _, Some(Tok::After)) => self.names(SymbolKind::Step),
            (Tok::Step, _, Some(Tok::From)) => self.materials(false),
            (Tok::Step, _, Some(Tok::Comma)) if self.in_list_after(Tok::After) => self.names(SymbolKind::Step),
            (Tok::Step, _, Some(Tok::Comma)) if self.in_list_after(Tok::From) => self.materials(false),
            (Tok::Tool, 3, Some(Tok::Colon)) => self.names(SymbolKind::ToolKind),
            (Tok::Tool, _, Some(Tok::In)) => self.names(SymbolKind::Environment),
            (Tok::Substrate, 3, Some(Tok::Colon)) => self.materials(false),
            (Tok::Reagent, _, Some(Tok::Equals | Tok::Plus | Tok::In | Tok::Slash)) => self.materials(false),
            (Tok::Budget, 1, _) => BudgetMetric::ALL
                .iter()
                .map(|(name, _, dimension)| Candidate {
                    label: (*name).to_owned(),
                    kind: CandidateKind::Metric,
                    detail: Some((*dimension).to_owned()),
                })
                .collect(),
            (Tok::RBrace, 1, _) => self.keywords(),
            _ => Vec::new(),
        }
    }

    fn keywords(&self) -> Vec<Candidate> {
        keywords(KeywordRole::Item)
            .map(|(k, _)| Candidate {
                label: k.to_owned(),
                kind: CandidateKind::Keyword,
                detail: None,
            })
            .collect()
    }

    /// Whether the cursor is in the comma list that `keyword` starts (`after a, b, `).
    fn in_list_after(&self, keyword: Tok) -> bool {
        let tokens = self.tokens;
        let start = tokens.iter().rposition(|t| *t == keyword);
        start.is_some_and(|a| tokens[a + 1..].iter().all(|t| matches!(t, Tok::Ident(_) | Tok::Comma)))
    }

    /// Inside `{ .. }`: a parameter's name after `{` or `,`, its units after its number.
    fn in_block(&self, head: &Tok, after_number: bool) -> Vec<Candidate> {
        let specs = self.specs_of(head);
        let tokens = self.tokens;
        let block = tokens.iter().rposition(|t| *t == Tok::LBrace).unwrap_or(0);
        let entry = tokens[block..]
            .iter()
            .rposition(|t| matches!(t, Tok::LBrace | Tok::Comma))
            .map_or(block, |i| block + i);
        let entry_tokens = &tokens[entry + 1..];
        if after_number {
            let Some(Tok::Ident(key)) = entry_tokens.first() else {
                return Vec::new();
            };
            return specs
                .iter()
                .find(|spec| &*spec.name == *key)
                .map(|spec| unit_candidates([spec.dimension]))
                .unwrap_or_default();
        }
        // A new entry: after `{` or `,`, or after a complete `key: value` on the line before.
        let at_key = entry_tokens.is_empty()
            || matches!(
                entry_tokens,
                [
                    Tok::Ident(_),
                    Tok::Colon,
                    ..,
                    Tok::Number(_) | Tok::Unit(_) | Tok::Ident(_)
                ]
            ) && entry_tokens.len() > 2;
        if !at_key {
            return Vec::new();
        }
        let given: Vec<&str> = tokens[block..]
            .windows(2)
            .filter_map(|w| match w {
                [Tok::Ident(key), Tok::Colon] => Some(*key),
                _ => None,
            })
            .collect();
        specs
            .iter()
            .filter(|spec| !given.contains(&&*spec.name))
            .map(|spec| Candidate {
                label: spec.name.to_string(),
                kind: CandidateKind::Parameter,
                detail: Some(format!(
                    "{}{}",
                    spec.dimension,
                    if spec.required { "" } else { ", optional" }
                )),
            })
            .collect()
    }

    /// The parameters the statement's block takes.
    fn specs_of(&self, head: &Tok) -> Vec<ParamSpec> {
        match head {
            Tok::Step => self
                .verb()
                .and_then(|verb| self.analysis.compilation.library.operations.get(verb))
                .map(|operation| {
                    let mut specs = operation.params.clone();
                    specs.extend(crate::sema::names::generic_step_params());
                    specs
                })
                .unwrap_or_default(),
            Tok::Tool => crate::sema::names::tool_params(),
            Tok::Substrate => crate::sema::names::substrate_params(),
            Tok::Environment => crate::sema::declarations::environment_params(),
            _ => Vec::new(),
        }
    }

    /// The verb of a `step name: verb ...` statement.
    fn verb(&self) -> Option<&str> {
        match self.tokens {
            [Tok::Step, Tok::Ident(_), Tok::Colon, Tok::Ident(verb), ..] => Some(verb),
            _ => None,
        }
    }

    /// The units after a number outside a block: those of the dimensions the step's
    /// quantities may bind to (only time after `for`), or a reagent's amounts.
    fn units_after_number(&self, head: &Tok) -> Vec<Candidate> {
        let tokens = self.tokens;
        let before_number = tokens.len().checked_sub(2).map(|i| tokens[i]);
        match head {
            Tok::Step if before_number == Some(Tok::For) => unit_candidates([const { Dimension::called("time") }]),
            Tok::Step => {
                let dimensions = self
                    .specs_of(head)
                    .into_iter()
                    .filter(|spec| spec.by_dimension)
                    .map(|spec| spec.dimension);
                unit_candidates(dimensions)
            }
            Tok::Reagent => unit_candidates([
                const { Dimension::called("molar concentration") },
                const { Dimension::called("mass concentration") },
                const { Dimension::called("mass fraction") },
                const { Dimension::called("volume fraction") },
            ]),
            Tok::Budget => {
                let metric = match tokens.get(1) {
                    Some(Tok::Ident(metric)) => *metric,
                    _ => return Vec::new(),
                };
                BudgetMetric::ALL
                    .iter()
                    .find(|(name, _, _)| *name == metric)
                    .map(|(_, _, dimension)| unit_candidates(Dimension::named(dimension)))
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    fn verbs(&self) -> Vec<Candidate> {
        self.analysis
            .compilation
            .library
            .operations
            .values()
            .map(|operation| Candidate {
                label: operation.verb.to_string(),
                kind: CandidateKind::Name(SymbolKind::Operation),
                detail: Some(operation.signature()),
            })
            .collect()
    }

    /// Declared names of one kind visible here; for tool kinds and environments, the
    /// library's (built in and declared).
    fn names(&self, kind: SymbolKind) -> Vec<Candidate> {
        let library = &self.analysis.compilation.library;
        let candidate = |label: &str, detail: Option<String>| Candidate {
            label: label.to_owned(),
            kind: CandidateKind::Name(kind),
            detail,
        };
        match kind {
            SymbolKind::ToolKind => library
                .tool_kinds
                .values()
                .map(|k| candidate(&k.kind, Some(k.environments.join(", "))))
                .collect(),
            SymbolKind::Environment => library
                .environments
                .values()
                .map(|e| candidate(&e.name, Some(format!("{:?}", e.atmosphere).to_lowercase())))
                .collect(),
            _ => {
                let protocol = if matches!(kind, SymbolKind::Substrate | SymbolKind::Step) {
                    // Substrates and steps are never file-level.
                    match self.protocol {
                        Some(p) => Some(p),
                        None => return Vec::new(),
                    }
                } else {
                    self.protocol
                };
                self.analysis
                    .index
                    .visible(kind, protocol)
                    .into_iter()
                    .map(|(id, symbol)| {
                        let detail = self.analysis.index.step_verbs.get(&id).cloned();
                        candidate(&symbol.name, detail)
                    })
                    .collect()
            }
        }
    }

    /// The materials table's keys (and the visible reagents, where a step takes one).
    fn materials(&self, with_reagents: bool) -> Vec<Candidate> {
        let mut candidates: Vec<Candidate> = self
            .analysis
            .compilation
            .chemistry
            .materials
            .materials()
            .iter()
            .map(|material| Candidate {
                label: material.key.clone(),
                kind: CandidateKind::Name(SymbolKind::Material),
                detail: Some(material.name.clone()),
            })
            .collect();
        if with_reagents {
            candidates.extend(self.names(SymbolKind::Reagent));
        }
        candidates
    }
}

fn unit_candidates(dimensions: impl IntoIterator<Item = Dimension>) -> Vec<Candidate> {
    let mut dimensions: Vec<Dimension> = dimensions.into_iter().collect();
    dimensions.sort();
    dimensions.dedup();
    dimensions
        .into_iter()
        .flat_map(|dimension| {
            units::units_of(dimension).into_iter().map(move |unit| Candidate {
                label: unit,
                kind: CandidateKind::Unit,
                detail: Some(dimension.name()),
            })
        })
        .collect()
}
