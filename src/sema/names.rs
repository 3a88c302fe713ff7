//! Name resolution and lowering: the syntax tree becomes a [`Program`].
//!
//! Tools, reagents and environments are looked up in the protocol first, then at file
//! level; materials in the materials table; verbs, tool kinds and environments in the
//! operation library. Every unknown name is an error with the closest known one
//! suggested; quantities are bound to parameters by `bind`.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::bind::{ParamTarget, bind_params, quantity_value};
use super::chemistry::Chemistry;
use super::declarations::choice;
use super::library::{Effect, HeatUp, Library, ParamSpec, ReagentKind};
use super::materials::MaterialDb;
use super::program::{Budget, BudgetMetric, Component, Program, Protocol, Reagent, ReagentUse, Step, Tool, Workpiece};
use super::units::Dimension;
use crate::diagnostics::allow::Allow;
use crate::diagnostics::{Applicability, Diagnostic, codes, suggest};
use crate::span::Span;
use crate::syntax::ast;

/// The largest `batch`: beyond it a schedule would not fit any output anyone reads.
pub const MAX_BATCH: u32 = 1_000_000;

/// A declaration visible under a name, with where it was declared.
struct Declared {
    index: usize,
    span: Span,
}

/// Declarations by name; the names borrow from the syntax tree.
type Names<'t> = BTreeMap<&'t str, Declared>;

/// Names visible in one scope (file level, or one protocol).
#[derive(Default)]
struct Scope<'t> {
    tools: Names<'t>,
    reagents: Names<'t>,
}

pub struct Resolver<'a, 't> {
    library: &'a Library,
    /// Where the parser reported errors, to keep their echoes quiet.
    syntax_errors: &'a [Span],
    /// Names declared by items the parser could not read: their uses are not unknown.
    lost_names: &'a [&'a str],
    materials: &'a MaterialDb,
    /// Which protocol declared a protocol-level material: it is unknown elsewhere.
    chemistry: &'a Chemistry,
    /// The protocol being lowered; `None` at file level.
    protocol: Option<usize>,
    diagnostics: Vec<Diagnostic>,
    tools: Vec<Tool>,
    /// Reagents declared at file level, shared by every protocol.
    file_reagents: Vec<Reagent>,
    /// Whether a protocol's step names each file-level reagent.
    file_reagents_named: Vec<bool>,
    file_scope: Scope<'t>,
    /// Each operation's parameters with those every step may carry, by verb: made once,
    /// not once per step.
    step_params: HashMap<Arc<str>, Vec<ParamSpec>>,
}

fn spec(name: &str, dimension: &str, required: bool) -> ParamSpec {
    ParamSpec {
        name: name.into(),
        // INVARIANT: only names from `NAMED_DIMENSIONS` are used here.
        dimension: Dimension::named(dimension).unwrap_or(Dimension::NONE),
        required,
        by_dimension: true,
    }
}

pub(crate) fn substrate_params() -> Vec<ParamSpec> {
    vec![
        spec("thickness", "length", false),
        spec("area", "area", false),
        spec("surface_area", "area ratio", false),
    ]
}

pub(crate) fn tool_params() -> Vec<ParamSpec> {
    vec![
        spec("capacity", "count", false),
        spec("pump_down", "time", false),
        spec("vent", "time", false),
        spec("ramp", "temperature ramp", false),
    ]
}

/// Parameters any step may carry, whatever its verb.
pub(crate) fn generic_step_params() -> Vec<ParamSpec> {
    vec![
        ParamSpec {
            by_dimension: false,
            ..spec("max_wait", "time", false)
        },
        // Says that a step above Li's melting point means to use the molten Li.
        ParamSpec {
            by_dimension: false,
            ..spec("molten_li", "yes or no", false)
        },
    ]
}

impl<'a, 't> Resolver<'a, 't> {
    pub fn new(
        library: &'a Library,
        chemistry: &'a Chemistry,
        syntax_errors: &'a [Span],
        lost_names: &'a [&'a str],
    ) -> Self {
        Resolver {
            library,
            syntax_errors,
            lost_names,
            materials: &chemistry.materials,
            chemistry,
            protocol: None,
            diagnostics: Vec::new(),
            tools: Vec::new(),
            file_reagents: Vec::new(),
            file_reagents_named: Vec::new(),
            file_scope: Scope::default(),
            step_params: HashMap::default(),
        }
    }

    pub fn resolve(mut self, file: &'t ast::File) -> (Program, Vec<Diagnostic>) {
        let mut file_scope = Scope::default();
        for item in &file.items {
            match item {
                ast::Item::Tool(tool) => self.declare_tool(tool, None, &mut file_scope),
                ast::Item::Reagent(reagent) => {
                    let lowered = self.lower_reagent(reagent);
                    declare(
                        &mut self.diagnostics,
                        &mut file_scope.reagents,
                        None,
                        &reagent.name,
                        self.file_reagents.len(),
                        "reagent",
                    );
                    self.file_reagents.push(lowered);
                }
                _ => {}
            }
        }
        self.file_scope = file_scope;
        self.file_reagents_named = vec![false; self.file_reagents.len()];
        let mut protocols = Vec::new();
        let mut protocol_names: Names<'t> = BTreeMap::new();
        for item in &file.items {
            if let ast::Item::Protocol(protocol) = item {
                declare(
                    &mut self.diagnostics,
                    &mut protocol_names,
                    None,
                    &protocol.name,
                    protocols.len(),
                    "protocol",
                );
                self.protocol = Some(protocols.len());
                let lowered = self.lower_protocol(protocol, protocols.len());
                protocols.push(lowered);
            }
        }
        let program = Program {
            tools: self.tools,
            protocols,
        };
        // A step lost to an error may be the one that used a tool: unused declarations
        // are only worth a warning in a file that otherwise reads cleanly.
        if self.syntax_errors.is_empty() && !crate::diagnostics::has_errors(&self.diagnostics) {
            let unnamed: Vec<&Reagent> = self
                .file_reagents
                .iter()
                .zip(&self.file_reagents_named)
                .filter(|(_, named)| !**named)
                .map(|(reagent, _)| reagent)
                .collect();
            self.diagnostics.extend(unused(&program, &unnamed, self.library));
        }
        (program, self.diagnostics)
    }

    fn declare_tool(&mut self, tool: &'t ast::ToolDecl, protocol: Option<usize>, scope: &mut Scope<'t>) {
        let outer = if protocol.is_some() {
            Some(&self.file_scope.tools)
        } else {
            None
        };
        // `tool dip_tank: bath in ...`: the kind written where the name goes, and the
        // other way round. The tool is declared as meant, so its uses resolve.
        let swapped = !self.library.tool_kinds.contains_key(&*tool.kind.text)
            && self.library.tool_kinds.contains_key(&*tool.name.text);
        let (name, kind) = if swapped {
            (&tool.kind, &tool.name)
        } else {
            (&tool.name, &tool.kind)
        };
        declare(
            &mut self.diagnostics,
            &mut scope.tools,
            outer,
            name,
            self.tools.len(),
            "tool",
        );
        let kind_known = self.library.tool_kinds.contains_key(&*kind.text);
        if swapped {
            self.diagnostics.push(
                Diagnostic::new(
                    codes::UNKNOWN_TOOL_KIND,
                    format!("unknown tool kind `{}`", tool.kind.text),
                    tool.kind.span,
                    "not a tool kind",
                )
                .with_label(tool.name.span, format!("`{}` is a tool kind", tool.name.text))
                .with_help(format!(
                    "the tool's name comes first, then its kind: `tool {}: {} in {}`",
                    tool.kind.text, tool.name.text, tool.environment.text
                )),
            );
        } else if !kind_known {
            self.diagnostics.push(
                suggest::unknown(
                    codes::UNKNOWN_TOOL_KIND,
                    "tool kind",
                    &kind.text,
                    kind.span,
                    self.library.tool_kinds.keys().map(String::as_str),
                )
                .with_note(format!(
                    "the tool kinds are: {}",
                    self.library
                        .tool_kinds
                        .keys()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        let environment: &str = &tool.environment.text;
        let mut misplaced = false;
        if !self.library.environments.contains_key(environment) {
            self.diagnostics.push(
                suggest::unknown(
                    codes::UNKNOWN_ENVIRONMENT,
                    "environment",
                    environment,
                    tool.environment.span,
                    self.library.environments.keys().map(String::as_str),
                )
                .or_help(format!(
                    "declare it: `environment {environment} {{ atmosphere: inert }}`"
                )),
            );
        } else if kind_known {
            let kind_row = &self.library.tool_kinds[&*kind.text];
            if !self.library.can_stand(&kind.text, environment) {
                misplaced = true;
                let mut diagnostic = Diagnostic::new(
                    codes::TOOL_WRONG_ENVIRONMENT,
                    format!("a tool of kind `{}` cannot stand in `{environment}`", kind.text),
                    tool.environment.span,
                    format!(
                        "`{}` tools work in {}",
                        kind.text,
                        join_backticked(&kind_row.environments)
                    ),
                )
                .with_label(kind.span, kind_row.note.to_string())
                .with_help(format!("put the tool in {}", join_backticked(&kind_row.environments)));
                // One room the kind stands in: the edit is that room.
                if let [only] = kind_row.environments.as_slice() {
                    diagnostic = diagnostic.with_suggestion(
                        tool.environment.span,
                        only.clone(),
                        Applicability::MachineApplicable,
                    );
                }
                self.diagnostics.push(diagnostic);
            }
        }
        let mut diagnostics = Vec::new();
        // `heat_up` takes a word, which `bind_params` does not.
        let (heat_up_params, others): (Vec<ast::Param>, Vec<ast::Param>) =
            tool.params.iter().cloned().partition(|p| p.key.text == "heat_up");
        let params = bind_params(
            ParamTarget::Declaration("tool"),
            &tool_params(),
            &others,
            &[],
            Some(name.span),
            &mut diagnostics,
        );
        let heat_up = match heat_up_params.first().map(|p| &p.value) {
            Some(ast::Value::Name(word)) => choice(word, HeatUp::NAMES, "heat-up", &mut diagnostics),
            Some(other) => {
                diagnostics.push(
                    Diagnostic::new(
                        codes::INVALID_VALUE,
                        "a heat-up is `inside` or `preheated`",
                        other.span(),
                        "not a heat-up",
                    )
                    .with_help("write `heat_up: inside` (the ramp runs with the samples in) or `heat_up: preheated`"),
                );
                None
            }
            None => None,
        };
        let heat_up = heat_up
            .or_else(|| self.library.tool_kinds.get(&*tool.kind.text).map(|kind| kind.heat_up))
            .unwrap_or(HeatUp::Inside);
        self.diagnostics.extend(diagnostics);
        // `bind` has checked that a capacity is a whole number of at least 1.
        let capacity = params
            .get("capacity")
            .map_or(1, |value| value.si.min(f64::from(u32::MAX)) as u32);
        self.tools.push(Tool {
            name: name.text.to_string(),
            kind: kind.text.to_string(),
            environment: environment.into(),
            capacity,
            pump_down_s: params.get("pump_down").map_or(0.0, |v| v.si),
            vent_s: params.get("vent").map_or(0.0, |v| v.si),
            ramp_k_per_s: params.get("ramp").map(|v| v.si),
            heat_up,
            protocol,
            environment_span: tool.environment.span,
            misplaced,
            span: tool.span,
        });
    }

    /// Resolves a material name, reporting it when unknown; `reagents` are offered as
    /// suggestions too, since a misspelt reagent looks like an unknown material.
    /// The material key of `name`; an unknown one is reported, with the closest material
    /// or (from `reagents`) reagent name.
    fn material(&mut self, name: &ast::Name, reagents: Option<&Names<'_>>) -> Option<String> {
        let mut declared_elsewhere = None;
        if let Some(material) = self.materials.lookup(&name.text) {
            match self.chemistry.protocol_materials.get(&material.key) {
                Some(&owner) if Some(owner) != self.protocol => declared_elsewhere = Some(owner),
                _ => return Some(material.key.clone()),
            }
        }
        if self.lost(name) {
            return None;
        }
        // In a step, any reagent in scope: the protocol's own and the file's.
        let file_reagents = reagents.map(|_| self.file_scope.reagents.keys().copied());
        let reagent_names = reagents
            .into_iter()
            .flat_map(|reagents| reagents.keys().copied())
            .chain(file_reagents.into_iter().flatten());
        let candidates: Vec<&str> = self.materials.names().chain(reagent_names).collect();
        let diagnostic = Diagnostic::new(
            codes::UNKNOWN_MATERIAL,
            format!("unknown material `{}`", name.text),
            name.span,
            "not in the materials table",
        );
        let diagnostic = if declared_elsewhere.is_some() {
            diagnostic
                .with_help(format!(
                    "declare `{}` at file level to use it in every protocol",
                    name.text
                ))
                .with_note("a material declared inside a protocol is known in that protocol only")
        } else if super::units::parse_unit(&name.text).is_ok() {
            // A unit word where a material stands is a quantity that lost its number.
            diagnostic
                .with_help(format!("`{0}` is a unit: a quantity is a number and its unit, as in `10 {0}`", name.text))
                .with_note("materials are listed in `data/materials.tsv` (`seipc list materials`); declare others with `material name { .. }`; a declared reagent may be used by its name")
        } else if name.text.eq_ignore_ascii_case("per") {
            // `nm per min` lost its number or its first unit: `per` is never a material.
            diagnostic.with_help("a unit's `per` is written `/`, as in `0.5 nm/min`")
        } else if let Some(unit) = self.unit_like(&name.text) {
            diagnostic.with_help(format!(
                "`{}` looks like the unit `{unit}`: a quantity is a number and its unit, as in `10 {unit}`",
                name.text
            ))
        } else {
            suggest::did_you_mean(diagnostic, "material", &name.text, name.span, candidates).with_note(
                "materials are listed in `data/materials.tsv` (`seipc list materials`); declare others with `material name { .. }`; a declared reagent may be used by its name",
            )
        };
        self.diagnostics.push(diagnostic);
        None
    }

    /// The unit a word that is no material names or comes close to (`mins`: `min`), when
    /// no material is as close: a quantity that lost its number. Units are never
    /// offered as materials, nor materials for them.
    fn unit_like(&self, text: &str) -> Option<String> {
        if super::units::parse_unit(text).is_ok() {
            return Some(text.to_owned());
        }
        let unit = suggest::closest(text, super::units::all_symbols())?;
        suggest::closest(text, self.materials.names())
            .is_none()
            .then(|| unit.to_owned())
    }

    fn lower_reagent(&mut self, reagent: &ast::ReagentDecl) -> Reagent {
        let mut components = Vec::new();
        for component in &reagent.components {
            let material = self.material(&component.material, None);
            let amount = component.amount.as_ref().and_then(|quantity| {
                let value = quantity_value(quantity, &mut self.diagnostics)?;
                let fractions = const {
                    [
                        Dimension::called("mass fraction"),
                        Dimension::called("volume fraction"),
                        Dimension::called("fraction"),
                    ]
                };
                let concentrations = const {
                    [
                        Dimension::called("molar concentration"),
                        Dimension::called("mass concentration"),
                    ]
                };
                let fraction = fractions.contains(&value.dimension);
                if fraction && !(value.si > 0.0 && value.si <= 1.0) || !fraction && value.si <= 0.0 {
                    self.diagnostics.push(
                        Diagnostic::new(
                            codes::INVALID_VALUE,
                            format!("the amount of `{}` is out of range", component.material.text),
                            quantity.span,
                            if fraction {
                                "a fraction is more than 0 and at most 100 %"
                            } else {
                                "an amount is more than zero"
                            },
                        )
                        .with_help("correct the amount, or leave it out"),
                    );
                    None
                } else if fraction || concentrations.contains(&value.dimension) {
                    Some(value)
                } else {
                    self.diagnostics.push(
                        Diagnostic::new(
                            codes::DIMENSION_MISMATCH,
                            format!(
                                "expected a concentration for `{}`, found a {}",
                                component.material.text, value.dimension
                            ),
                            quantity.span,
                            format!("this is a {}", value.dimension),
                        )
                        .with_help("give an amount such as `0.1 M`, `5 wt%`, `2 vol%` or `0.5 mg/mL`"),
                    );
                    None
                }
            });
            if let Some(material) = material {
                components.push(Component { material, amount });
            }
        }
        let solvents = reagent
            .solvents
            .iter()
            .filter_map(|solvent| self.material(solvent, None))
            .collect();
        Reagent {
            name: reagent.name.text.to_string(),
            components,
            solvents,
            span: reagent.span,
        }
    }

    fn lower_protocol(&mut self, protocol: &'t ast::Protocol, index: usize) -> Protocol {
        let mut scope = Scope::default();
        let mut workpieces: Vec<Workpiece> = Vec::new();
        let mut workpiece_names: Names<'t> = BTreeMap::new();
        let mut batch: Option<(u32, Span)> = None;
        // The file-level reagents this protocol's steps name, in the order they are
        // declared: only those are copied in (a study of a thousand protocols and a
        // thousand file-level reagents would otherwise hold a million copies).
        let mut used: Vec<(usize, &'t str, Span)> = Vec::new();
        for item in &protocol.items {
            let ast::ProtocolItem::Step(step) = item else { continue };
            for operand in &step.operands {
                let name = match operand {
                    ast::Operand::Material(name) => name,
                    ast::Operand::In(names) if names.len() == 1 => &names[0],
                    _ => continue,
                };
                if let Some((&key, declared)) = self.file_scope.reagents.get_key_value(&*name.text) {
                    used.push((declared.index, key, declared.span));
                }
            }
        }
        used.sort_unstable_by_key(|(file_index, _, _)| *file_index);
        used.dedup_by_key(|(file_index, _, _)| *file_index);
        for (file_index, _, _) in &used {
            self.file_reagents_named[*file_index] = true;
        }
        let mut reagents: Vec<Reagent> = Vec::with_capacity(used.len());
        for (file_index, name, span) in used {
            scope.reagents.insert(
                name,
                Declared {
                    index: reagents.len(),
                    span,
                },
            );
            reagents.push(self.file_reagents[file_index].clone());
        }
        // Declarations first, so steps may use them wherever they are written.
        for item in &protocol.items {
            match item {
                ast::ProtocolItem::Tool(tool) => self.declare_tool(tool, Some(index), &mut scope),
                ast::ProtocolItem::Reagent(reagent) => {
                    let lowered = self.lower_reagent(reagent);
                    let outer: Names<'t> = BTreeMap::new();
                    // Shadowing a file-level reagent is a redefinition.
                    if let Some(first) = self.file_scope.reagents.get(&*reagent.name.text) {
                        self.diagnostics.push(duplicate("reagent", &reagent.name, first.span));
                        continue;
                    }
                    declare(
                        &mut self.diagnostics,
                        &mut scope.reagents,
                        Some(&outer),
                        &reagent.name,
                        reagents.len(),
                        "reagent",
                    );
                    reagents.push(lowered);
                }
                ast::ProtocolItem::Substrate(substrate) => {
                    declare(
                        &mut self.diagnostics,
                        &mut workpiece_names,
                        None,
                        &substrate.name,
                        workpieces.len(),
                        "substrate",
                    );
                    workpieces.push(self.lower_substrate(substrate));
                }
                ast::ProtocolItem::Batch(decl) => {
                    if let Some((_, first)) = batch {
                        self.diagnostics.push(
                            Diagnostic::new(
                                codes::DUPLICATE_BATCH,
                                "`batch` is given twice",
                                decl.span,
                                "second `batch`",
                            )
                            .with_label(first, "first given here")
                            .with_help("keep one `batch` line"),
                        );
                        continue;
                    }
                    batch = Some((self.batch_size(&decl.count), decl.span));
                }
                _ => {}
            }
        }
        let mut steps_by_name: Names<'t> = BTreeMap::new();
        for item in &protocol.items {
            if let ast::ProtocolItem::Step(step) = item {
                let next = steps_by_name.len();
                declare(
                    &mut self.diagnostics,
                    &mut steps_by_name,
                    None,
                    &step.name,
                    next,
                    "step",
                );
            }
        }
        let has_steps = protocol
            .items
            .iter()
            .any(|item| matches!(item, ast::ProtocolItem::Step(_)));
        if workpieces.is_empty() && has_steps {
            self.diagnostics.push(
                Diagnostic::new(
                    codes::MISSING_SUBSTRATE,
                    format!("protocol `{}` has steps but no substrate", protocol.name.text),
                    protocol.name.span,
                    "no `substrate` in this protocol",
                )
                .with_help(
                    "declare the foil the steps act on: `substrate li: Li foil { thickness: 50 um, area: 1 cm2 }`",
                ),
            );
        }
        let context = ProtocolContext {
            scope: &scope,
            workpieces: &workpieces,
            workpiece_names: &workpiece_names,
            steps: &steps_by_name,
        };
        let mut steps = Vec::with_capacity(steps_by_name.len());
        let mut budgets = Vec::new();
        let mut allows = Vec::new();
        for (position, item) in protocol.items.iter().enumerate() {
            match item {
                ast::ProtocolItem::Step(step) => {
                    let until = protocol
                        .items
                        .get(position + 1)
                        .map_or(protocol.span.end, |next| next.span().start);
                    let damaged = self
                        .syntax_errors
                        .iter()
                        .any(|error| step.span.start <= error.start && error.start <= until);
                    if let Some(lowered) = self.lower_step(step, damaged, &context) {
                        steps.push(lowered);
                    }
                }
                ast::ProtocolItem::Budget(budget) => budgets.extend(self.lower_budget(budget)),
                ast::ProtocolItem::Allow(allow) => allows.extend(self.lower_allow(allow)),
                _ => {}
            }
        }
        // Step indices were assigned in written order, counting steps that failed to
        // lower; renumber `after` references to the steps that remain.
        let mut kept_position: Vec<Option<usize>> = vec![None; steps_by_name.len()];
        for (position, step) in steps.iter().enumerate() {
            // A duplicate step (already reported) stays in the program, so that what it
            // does to the foil is still checked, but `after` names the first one.
            if let Some(declared) = steps_by_name.get(&*step.name)
                && kept_position[declared.index].is_none()
            {
                kept_position[declared.index] = Some(position);
            }
        }
        for step in &mut steps {
            step.after
                .retain_mut(|(target, _)| match kept_position.get(*target).copied().flatten() {
                    Some(position) => {
                        *target = position;
                        true
                    }
                    None => false,
                });
        }
        Protocol {
            name: protocol.name.text.to_string(),
            batch: batch.map_or(1, |(count, _)| count),
            workpieces,
            reagents,
            steps,
            budgets,
            allows,
            span: protocol.span,
        }
    }

    /// An `allow`: a warning's code, with a reason. An error's code (E0215), an unknown
    /// code (E0214) and a missing reason (E0216) are reported.
    fn lower_allow(&mut self, allow: &ast::AllowDecl) -> Option<Allow> {
        let written = &allow.code.text;
        let Some(code) = codes::ALL.iter().copied().find(|code| code.id == &**written) else {
            let warnings = codes::ALL.iter().filter(|code| !code.is_error()).map(|code| code.id);
            let diagnostic = Diagnostic::new(
                codes::UNKNOWN_CODE,
                format!("unknown diagnostic code `{written}`"),
                allow.code.span,
                "not a diagnostic code",
            );
            self.diagnostics.push(
                suggest::did_you_mean(diagnostic, "warning code", written, allow.code.span, warnings)
                    .or_help("`allow` takes the code of a warning, as printed beside it: `allow W0501 \"reason\"`")
                    .with_note("`seipc explain CODE` describes each code"),
            );
            return None;
        };
        if code.is_error() {
            self.diagnostics.push(
                Diagnostic::new(
                    codes::ALLOWED_ERROR,
                    format!("`{}` is an error: it cannot be allowed", code.id),
                    allow.code.span,
                    "an error code",
                )
                .with_help(format!(
                    "remove the `allow` and fix what `{}` reports (`seipc explain {}`); only warnings (`W` codes) can be allowed",
                    code.id, code.id
                )),
            );
            return None;
        }
        if allow.reason.is_none() {
            self.diagnostics.push(
                Diagnostic::new(
                    codes::ALLOW_WITHOUT_REASON,
                    format!("`allow {}` gives no reason", code.id),
                    allow.span,
                    "why is this warning wanted?",
                )
                .with_help(format!(
                    "say why after the code, in quotes: `allow {} \"...\"`",
                    code.id
                ))
                .with_note("the reason is for the next reader of the recipe: a warning silenced without one is a question left open"),
            );
        }
        Some(Allow { code, span: allow.span })
    }

    fn batch_size(&mut self, count: &ast::Number) -> u32 {
        if count.value >= 1.0 && count.value.fract() == 0.0 && count.value <= f64::from(MAX_BATCH) {
            return count.value as u32;
        }
        // An unreadable number was reported by the lexer.
        if count.value.is_finite() {
            let help = if count.value > f64::from(MAX_BATCH) {
                "split a larger run into several protocols or files"
            } else {
                "a batch counts samples: write a whole number such as `batch 12`"
            };
            self.diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_VALUE,
                    format!("a batch is a whole number of samples from 1 to {MAX_BATCH}"),
                    count.span,
                    "not a valid batch size",
                )
                .with_help(help),
            );
        }
        1
    }

    fn lower_substrate(&mut self, substrate: &ast::SubstrateDecl) -> Workpiece {
        let material = self.material(&substrate.material, None).unwrap_or_default();
        let mut diagnostics = Vec::new();
        let params = bind_params(
            ParamTarget::Declaration("substrate"),
            &substrate_params(),
            &substrate.params,
            &[],
            Some(substrate.name.span),
            &mut diagnostics,
        );
        self.diagnostics.extend(diagnostics);
        Workpiece {
            name: substrate.name.text.to_string(),
            material,
            form: substrate.form.as_ref().map(|form| form.text.to_string()),
            thickness_m: params.get("thickness").map(|v| v.si),
            area_m2: params.get("area").map(|v| v.si),
            surface_area: params.get("surface_area").map_or(1.0, |v| v.si),
            span: substrate.span,
        }
    }

    fn lower_budget(&mut self, budget: &ast::Budget) -> Option<Budget> {
        let Some((_, metric, dimension_name)) = BudgetMetric::ALL
            .iter()
            .find(|(name, _, _)| *name == budget.metric.text)
        else {
            let diagnostic = Diagnostic::new(
                codes::UNKNOWN_BUDGET,
                format!("unknown budget `{}`", budget.metric.text),
                budget.metric.span,
                "not a budget",
            );
            let (metric, span) = (&budget.metric.text, budget.metric.span);
            let candidates = BudgetMetric::ALL.iter().map(|(name, _, _)| *name);
            self.diagnostics.push(
                suggest::did_you_mean(diagnostic, "budget", metric, span, candidates)
                    .with_note("the budgets are `coating`, `li_loss`, `li_remaining`, `mass` and `time`"),
            );
            return None;
        };
        let limit = quantity_value(&budget.limit, &mut self.diagnostics)?;
        let expected = Dimension::named(dimension_name).unwrap_or(Dimension::NONE);
        if limit.dimension != expected {
            self.diagnostics.push(
                Diagnostic::new(
                    codes::DIMENSION_MISMATCH,
                    format!(
                        "expected a {dimension_name} for budget `{}`, found a {}",
                        budget.metric.text, limit.dimension
                    ),
                    budget.limit.span,
                    format!("this is a {}", limit.dimension),
                )
                .with_label(
                    budget.metric.span,
                    format!("`{}` is a {dimension_name}", budget.metric.text),
                ),
            );
            return None;
        }
        Some(Budget {
            metric: *metric,
            at_most: budget.comparison == ast::Comparison::AtMost,
            limit,
            span: budget.span,
        })
    }

    /// `damaged`: a syntax error lies inside the step or right after it.
    fn lower_step(&mut self, step: &ast::Step, damaged: bool, context: &ProtocolContext) -> Option<Step> {
        let Some(operation) = self.library.operations.get(&*step.verb.text) else {
            self.diagnostics.push(
                suggest::unknown(
                    codes::UNKNOWN_OPERATION,
                    "operation",
                    &step.verb.text,
                    step.verb.span,
                    self.library.operations.keys().map(String::as_str),
                )
                .with_note("the operations are listed in `data/operations.tsv`"),
            );
            return None;
        };
        // A unit word where a material stands (`sputter MoS2 nm`) is a quantity that lost
        // its number: reported as such, and the parameter it was for not also missing.
        let lost_number = step.operands.iter().any(|operand| {
            matches!(operand, ast::Operand::Material(name)
                if self.materials.lookup(&name.text).is_none() && self.unit_like(&name.text).is_some())
        });
        let damaged = damaged || lost_number;
        let mut workpiece = None;
        let mut onto = None;
        let mut tool = None;
        let mut reagent: Option<ReagentUse> = None;
        // Set when a reagent is named, even one that could not be resolved (already
        // reported), so that it is not also reported missing.
        let mut reagent_named = false;
        let mut quantities = Vec::new();
        let mut after = Vec::new();
        let mut precursors: Vec<(String, Span)> = Vec::new();
        let has_using = step.operands.iter().any(|o| matches!(o, ast::Operand::Using(_)));
        for operand in &step.operands {
            let used = match operand {
                ast::Operand::Quantity(q) | ast::Operand::For(q) | ast::Operand::At(q) => {
                    quantities.push(q.clone());
                    None
                }
                // A bare name in a step without `using` may be a tool that lost its
                // keyword (`sputter MoS2 10 nm pvd`): the tools are looked at first.
                ast::Operand::Material(name) if !has_using && !self.names_reagent(name, context) => {
                    match self.tool_without_using(name, context) {
                        Some(found) => {
                            tool = Some((found, name.span));
                            None
                        }
                        None => Some(self.reagent_use(std::slice::from_ref(name), context)),
                    }
                }
                ast::Operand::Material(name) => Some(self.reagent_use(std::slice::from_ref(name), context)),
                ast::Operand::In(names) => Some(self.reagent_use(names, context)),
                ast::Operand::On(name) => {
                    let found = self.workpiece(name, context);
                    self.set_once(&mut workpiece, found, name, "on");
                    None
                }
                ast::Operand::Onto(name) => {
                    let found = self.workpiece(name, context);
                    self.set_once(&mut onto, found, name, "onto");
                    None
                }
                ast::Operand::Using(name) => {
                    let found = self.tool(name, &operation.verb, context);
                    self.set_once(&mut tool, found, name, "using");
                    None
                }
                ast::Operand::From(names) => {
                    precursors.extend(
                        names
                            .iter()
                            .filter_map(|name| Some((self.material(name, None)?, name.span))),
                    );
                    None
                }
                ast::Operand::After(names) => {
                    for name in names {
                        match context.steps.get(&*name.text) {
                            Some(declared) => after.push((declared.index, name.span)),
                            None => self.unknown_step(name, context),
                        }
                    }
                    None
                }
            };
            if let Some(used) = used {
                reagent_named = true;
                match (&reagent, used) {
                    (_, None) => {}
                    (None, Some(used)) => reagent = Some(used),
                    (Some(first), Some(second)) => self.diagnostics.push(
                        Diagnostic::new(
                            codes::SURPLUS_REAGENT,
                            format!("`{}` takes one reagent", operation.verb),
                            second.span(),
                            "a second reagent",
                        )
                        .with_label(first.span(), "the reagent is given here")
                        .with_help("declare the mixture as a reagent (`reagent feed = A + B`, with `in solvent` for a solution) and use it"),
                    ),
                }
            }
        }
        if let (Some((_, first)), false) = (
            precursors.first(),
            matches!(operation.reagent, ReagentKind::Gas | ReagentKind::Film),
        ) {
            self.diagnostics.push(
                Diagnostic::new(
                    codes::PRECURSORS_NOT_TAKEN,
                    format!("`{}` takes no precursors", operation.verb),
                    *first,
                    "a precursor",
                )
                .with_help(format!(
                    "remove `from ..`: `{}` takes {}",
                    operation.verb,
                    operation.reagent.describe()
                ))
                .with_note("`from` names what a vapour-phase film (ALD, MLD, CVD) grows from"),
            );
            precursors.clear();
        }
        let prepares = operation.effect == Effect::Prepare;
        let workpiece = match workpiece.map(|(index, _)| index) {
            Some(index) => Some(index?),
            None if prepares => None,
            None => match context.workpieces.len() {
                0 => return None,
                1 => Some(0),
                _ => {
                    self.diagnostics.push(
                        Diagnostic::new(
                            codes::AMBIGUOUS_WORKPIECE,
                            format!("step `{}` does not say which substrate it acts on", step.name.text),
                            step.name.span,
                            "which substrate?",
                        )
                        .with_help(format!(
                            "add `on` with one of {}",
                            join_backticked(&context.workpieces.iter().map(|w| w.name.clone()).collect::<Vec<_>>())
                        )),
                    );
                    return None;
                }
            },
        };
        if tool.is_none() && !damaged {
            let diagnostic = self.without_tool(step, &operation.verb, context);
            self.diagnostics.push(diagnostic);
        }
        let onto = onto.and_then(|(index, _)| index);
        let tool = tool.and_then(|(index, _)| index);
        if !damaged && (reagent.is_some() || !reagent_named) {
            self.check_reagent_presence(
                step,
                operation.reagent,
                operation.reagent_optional,
                &reagent,
                &operation.verb,
            );
        }
        if let Some(tool_index) = tool {
            let tool_decl = &self.tools[tool_index];
            if self.library.tool_kinds.contains_key(&tool_decl.kind)
                && !self.library.can_run(&tool_decl.kind, &operation.verb)
            {
                let able = self.library.verbs_of(&tool_decl.kind);
                self.diagnostics.push(
                    Diagnostic::new(
                        codes::TOOL_CANNOT_PERFORM,
                        format!("tool `{}` cannot `{}`", tool_decl.name, operation.verb),
                        step.verb.span,
                        format!(
                            "`{}` runs on a tool of kind {}",
                            operation.verb,
                            join_backticked(&self.library.kinds_for(&operation.verb))
                        ),
                    )
                    .with_label(
                        tool_decl.span,
                        format!(
                            "`{}` is of kind `{}`, which can {}",
                            tool_decl.name,
                            tool_decl.kind,
                            join_backticked(&able.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>())
                        ),
                    )
                    .with_help(format!(
                        "use a tool of kind {}",
                        join_backticked(&self.library.kinds_for(&operation.verb))
                    )),
                );
            }
        }
        let specs = self
            .step_params
            .entry(Arc::clone(&operation.verb))
            .or_insert_with(|| operation.params.iter().cloned().chain(generic_step_params()).collect());
        let mut diagnostics = Vec::new();
        // A step the parser could not read whole may have lost the very operand that
        // would be reported missing: nothing is reported missing then.
        let anchor = (!damaged).then_some(step.verb.span);
        let params = bind_params(
            ParamTarget::Operation(operation),
            specs,
            &step.params,
            &quantities,
            anchor,
            &mut diagnostics,
        );
        // An electrochemical step is controlled by a current (galvanostatic), a charge, or
        // a potential (potentiostatic): one of them must be given.
        let controlled = ["current_density", "areal_capacity", "voltage"]
            .iter()
            .any(|name| params.contains_key(name));
        if let (Some(anchor), Effect::Electrochemical | Effect::Strip, false) = (anchor, operation.effect, controlled) {
            diagnostics.push(
                Diagnostic::new(
                    codes::MISSING_PARAMETER,
                    format!("`{}` needs a current density, an areal capacity or a potential", operation.verb),
                    anchor,
                    "how is the cell driven?",
                )
                .with_help("add `at 1 mA/cm2` (galvanostatic), `{ areal_capacity: 1 mAh/cm2 }`, or `at 0.3 V` (potentiostatic)"),
            );
        }
        self.diagnostics.extend(diagnostics);
        Some(Step {
            name: step.name.text.as_ref().into(),
            verb: operation.verb.clone(),
            workpiece,
            onto,
            tool,
            reagent,
            precursors,
            params,
            after,
            last_param_end: step.params.last().map(|p| p.value.span().end as usize),
            span: step.span,
        })
    }

    fn check_reagent_presence(
        &mut self,
        step: &ast::Step,
        kind: ReagentKind,
        optional: bool,
        reagent: &Option<ReagentUse>,
        verb: &str,
    ) {
        match (kind, reagent) {
            (ReagentKind::None, Some(used)) => self.diagnostics.push(
                Diagnostic::new(
                    codes::SURPLUS_REAGENT,
                    format!("`{verb}` takes no reagent"),
                    used.span(),
                    "not used by this operation",
                )
                .with_help("remove it, or use an operation that applies a reagent"),
            ),
            (ReagentKind::None, None) => {}
            (_, None) if !optional => {
                let example = match kind {
                    ReagentKind::Liquid => format!("`{verb} in DMSO`, or a declared solution: `{verb} in bsl`"),
                    ReagentKind::Gas => format!("`{verb} N2`"),
                    ReagentKind::Film => format!("`{verb} Al2O3`"),
                    _ => format!("`{verb} MoS2`"),
                };
                self.diagnostics.push(
                    Diagnostic::new(
                        codes::MISSING_REAGENT,
                        format!("`{verb}` needs {}", kind.describe()),
                        step.verb.span,
                        "no reagent given",
                    )
                    .with_help(format!("name it after the verb, as in {example}")),
                )
            }
            _ => {}
        }
    }

    /// Records the first value of a once-only operand (`on`, `onto`, `using`) with
    /// where it was given.
    fn set_once(
        &mut self,
        slot: &mut Option<(Option<usize>, Span)>,
        value: Option<usize>,
        name: &ast::Name,
        keyword: &str,
    ) {
        if let Some((_, first)) = slot {
            self.diagnostics.push(
                Diagnostic::new(
                    codes::DUPLICATE_PARAMETER,
                    format!("`{keyword}` is given twice"),
                    name.span,
                    "second one",
                )
                .with_label(*first, "first one")
                .with_help(format!("keep one `{keyword}`")),
            );
            return;
        }
        *slot = Some((value, name.span));
    }

    fn reagent_use(&mut self, names: &[ast::Name], context: &ProtocolContext) -> Option<ReagentUse> {
        let span = names.iter().map(|n| n.span).reduce(Span::to).unwrap_or_default();
        if let [single] = names
            && let Some(declared) = context.scope.reagents.get(&*single.text)
        {
            return Some(ReagentUse::Reagent {
                index: declared.index,
                span,
            });
        }
        let materials: Vec<String> = names
            .iter()
            .filter_map(|name| self.material(name, Some(&context.scope.reagents)))
            .collect();
        (materials.len() == names.len()).then_some(ReagentUse::Materials { materials, span })
    }

    fn workpiece(&mut self, name: &ast::Name, context: &ProtocolContext) -> Option<usize> {
        if let Some(declared) = context.workpiece_names.get(&*name.text) {
            return Some(declared.index);
        }
        if self.lost(name) {
            return None;
        }
        let names: Vec<String> = context.workpiece_names.keys().map(|n| (*n).to_owned()).collect();
        let diagnostic = Diagnostic::new(
            codes::UNKNOWN_WORKPIECE,
            format!("unknown substrate `{}`", name.text),
            name.span,
            "no substrate of this name",
        );
        let candidates = context.workpiece_names.keys().copied();
        let diagnostic = suggest::did_you_mean(diagnostic, "substrate", &name.text, name.span, candidates);
        let listed =
            (!names.is_empty()).then(|| format!("the substrates of this protocol are {}", join_backticked(&names)));
        self.diagnostics.push(match listed {
            Some(listed) => diagnostic.or_help(listed),
            None => diagnostic,
        });
        None
    }

    /// The tool `name` for a step of `verb`; an unknown one is reported, with the close
    /// tool names, else how to declare one that can run `verb`.
    fn tool(&mut self, name: &ast::Name, verb: &str, context: &ProtocolContext) -> Option<usize> {
        if let Some(declared) = context
            .scope
            .tools
            .get(&*name.text)
            .or_else(|| self.file_scope.tools.get(&*name.text))
        {
            return Some(declared.index);
        }
        if self.lost(name) {
            return None;
        }
        let candidates = context.scope.tools.keys().chain(self.file_scope.tools.keys()).copied();
        let declared: Vec<String> = context
            .scope
            .tools
            .keys()
            .chain(self.file_scope.tools.keys())
            .map(|n| (*n).to_owned())
            .collect();
        let known = if declared.is_empty() {
            String::new()
        } else {
            format!("; the tools here are {}", join_backticked(&declared))
        };
        let diagnostic = Diagnostic::new(
            codes::UNKNOWN_TOOL,
            format!("unknown tool `{}`", name.text),
            name.span,
            "no tool of this name",
        );
        let declaration = match self.library.example_kind(verb) {
            Some((kind, environment)) => format!("`tool {}: {kind} in {environment}`", name.text),
            None => format!("`tool {}: KIND in ENVIRONMENT`", name.text),
        };
        let diagnostic = match suggest::closest(&name.text, candidates.clone()) {
            Some(_) => suggest::did_you_mean(diagnostic, "tool", &name.text, name.span, candidates),
            None => match suggest::part_of(&name.text, candidates) {
                Some(part) => diagnostic
                    .with_help(format!("a tool with a similar name exists: `{part}`"))
                    .with_suggestion(name.span, part, Applicability::MaybeIncorrect),
                None => diagnostic,
            },
        };
        self.diagnostics
            .push(diagnostic.or_help(format!("declare it, as in {declaration}{known}")));
        None
    }

    /// Whether `name` is a material or a reagent in scope: what a bare name is meant to be.
    fn names_reagent(&self, name: &ast::Name, context: &ProtocolContext) -> bool {
        self.materials.lookup(&name.text).is_some()
            || context.scope.reagents.contains_key(&*name.text)
            || self.file_scope.reagents.contains_key(&*name.text)
    }

    /// A bare name that is not a material but is (or is close to) a tool in scope: the
    /// `using` left out. Reported as E0201 with `using NAME` as the fix; returns the tool
    /// (`Some(None)` for a close one, so the step is not also said to be on no tool).
    fn tool_without_using(&mut self, name: &ast::Name, context: &ProtocolContext) -> Option<Option<usize>> {
        let tools = context.scope.tools.iter().chain(&self.file_scope.tools);
        let (exact, near) = match tools.clone().find(|(tool, _)| **tool == &*name.text) {
            Some((tool, declared)) => (Some(declared.index), *tool),
            None => (None, suggest::closest(&name.text, tools.map(|(tool, _)| *tool))?),
        };
        let applicability = if exact.is_some() {
            Applicability::MachineApplicable
        } else {
            Applicability::MaybeIncorrect
        };
        let label = if exact.is_some() {
            format!("`{near}` is a tool, not a material")
        } else {
            "not a material; a tool has a similar name".to_owned()
        };
        self.diagnostics.push(
            Diagnostic::new(
                codes::UNKNOWN_MATERIAL,
                format!("unknown material `{}`", name.text),
                name.span,
                label,
            )
            .with_help(format!("a tool is named after `using`: `using {near}`"))
            .with_suggestion(name.span, format!("using {near}"), applicability),
        );
        Some(exact)
    }

    /// W0203 for a step without `using`: it is planned on no machine, so no run sheet
    /// lists it. The help names the tools in scope that can run it.
    fn without_tool(&self, step: &ast::Step, verb: &str, context: &ProtocolContext) -> Diagnostic {
        let able: Vec<&str> = context
            .scope
            .tools
            .iter()
            .chain(&self.file_scope.tools)
            .filter(|(_, declared)| self.library.can_run(&self.tools[declared.index].kind, verb))
            .map(|(name, _)| *name)
            .collect();
        let kinds = join_backticked(&self.library.kinds_for(verb));
        let environments = self.library.environments_for(verb);
        let checked = match self.library.toolless_environment(verb) {
            Some(environment) => {
                format!("it is checked as if it ran in `{environment}`, where every tool that can `{verb}` stands")
            }
            None => format!(
                "where it runs is checked once it names a tool: tools that can `{verb}` stand in {}",
                join_backticked(&environments.iter().map(|e| (*e).to_owned()).collect::<Vec<_>>())
            ),
        };
        let diagnostic = Diagnostic::new(
            codes::STEP_WITHOUT_TOOL,
            format!("step `{}` runs on no tool", step.name.text),
            step.verb.span,
            "no `using` on this step",
        )
        .with_note("a step on no tool is planned without a machine: no run sheet lists it")
        .with_note(checked);
        // The tool goes after the last operand, before the `{ }` block.
        let end = step
            .operands
            .iter()
            .filter_map(operand_end)
            .max()
            .unwrap_or(step.verb.span.end);
        match able.as_slice() {
            [] => match self.library.example_kind(verb) {
                Some((kind, environment)) => diagnostic.with_help(format!(
                    "declare a tool of kind {kinds} and run the step on it, as in `tool {kind}1: {kind} in {environment}` and `using {kind}1`"
                )),
                None => diagnostic.with_help(format!(
                    "no tool kind can `{verb}`: declare one with `tool_kind NAME {{ operations: {verb}  environments: glovebox }}`"
                )),
            },
            [only] => diagnostic
                .with_help(format!("run it on `{only}`: `using {only}`"))
                .with_suggestion(Span::new(end as usize, end as usize), format!(" using {only}"), Applicability::MachineApplicable),
            several => diagnostic.with_help(format!(
                "run it on one of the tools that can `{verb}`: {}",
                several.iter().map(|name| format!("`using {name}`")).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// Whether `name` was declared by an item the parser could not read.
    fn lost(&self, name: &ast::Name) -> bool {
        self.lost_names.contains(&&*name.text)
    }

    fn unknown_step(&mut self, name: &ast::Name, context: &ProtocolContext) {
        if self.lost(name) {
            return;
        }
        let names: Vec<String> = context.steps.keys().map(|n| (*n).to_owned()).collect();
        let diagnostic = Diagnostic::new(
            codes::UNKNOWN_STEP,
            format!("unknown step `{}`", name.text),
            name.span,
            "no step of this name in this protocol",
        );
        let diagnostic =
            suggest::did_you_mean(diagnostic, "step", &name.text, name.span, context.steps.keys().copied());
        let listed = (!names.is_empty()).then(|| format!("the steps of this protocol are {}", join_backticked(&names)));
        self.diagnostics.push(match listed {
            Some(listed) => diagnostic.or_help(listed),
            None => diagnostic,
        });
    }
}

struct ProtocolContext<'c, 't> {
    scope: &'c Scope<'t>,
    workpieces: &'c [Workpiece],
    workpiece_names: &'c Names<'t>,
    steps: &'c Names<'t>,
}

/// Where an operand's text ends.
fn operand_end(operand: &ast::Operand) -> Option<u32> {
    let names = |names: &[ast::Name]| names.iter().map(|name| name.span.end).max();
    match operand {
        ast::Operand::Material(name)
        | ast::Operand::On(name)
        | ast::Operand::Onto(name)
        | ast::Operand::Using(name) => Some(name.span.end),
        ast::Operand::Quantity(q) | ast::Operand::For(q) | ast::Operand::At(q) => Some(q.span.end),
        ast::Operand::In(list) | ast::Operand::After(list) | ast::Operand::From(list) => names(list),
    }
}

/// Warnings for what a file declares and never uses: a protocol without steps, a tool no
/// step runs on, a reagent no step names (a protocol's own, or one of `file_reagents`,
/// the file-level reagents no protocol names).
/// A tool a step without `using` could run on is not reported: that step's W0203 names it.
fn unused(program: &Program, file_reagents: &[&Reagent], library: &Library) -> Vec<Diagnostic> {
    let unused_reagent = |reagent: &Reagent| {
        Diagnostic::new(
            codes::UNUSED_REAGENT,
            format!("reagent `{}` is never used", reagent.name),
            reagent.span,
            "no step names it",
        )
        .with_help(format!(
            "name it in a step, as in `immerse in {}`, or remove it",
            reagent.name
        ))
    };
    let mut diagnostics = Vec::new();
    let mut tool_used = vec![false; program.tools.len()];
    for (protocol_index, protocol) in program.protocols.iter().enumerate() {
        if protocol.steps.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    codes::PROTOCOL_WITHOUT_STEPS,
                    format!("protocol `{}` has no steps", protocol.name),
                    protocol.span,
                    "nothing is done to the foil here",
                )
                .with_help(
                    "add the steps, as in `step dry: dry at 60 degC for 30 min using plate`, or remove the protocol",
                ),
            );
        }
        let mut reagent_used = vec![false; protocol.reagents.len()];
        for step in &protocol.steps {
            match step.tool {
                Some(tool) => tool_used[tool] = true,
                None => {
                    for (index, tool) in program.tools.iter().enumerate() {
                        let in_scope = tool.protocol.is_none_or(|owner| owner == protocol_index);
                        if in_scope && library.can_run(&tool.kind, &step.verb) {
                            tool_used[index] = true;
                        }
                    }
                }
            }
            if let Some(ReagentUse::Reagent { index, .. }) = step.reagent {
                reagent_used[index] = true;
            }
        }
        for (reagent, _) in protocol.reagents.iter().zip(&reagent_used).filter(|(_, used)| !**used) {
            diagnostics.push(unused_reagent(reagent));
        }
    }
    // A file of declarations alone is W0101, said once.
    if program.protocols.is_empty() {
        return diagnostics;
    }
    diagnostics.extend(file_reagents.iter().map(|reagent| unused_reagent(reagent)));
    let tools = &program.tools[..];
    for (tool, _) in tools.iter().zip(&tool_used).filter(|(_, used)| !**used) {
        diagnostics.push(
            Diagnostic::new(
                codes::UNUSED_TOOL,
                format!("tool `{}` is never used", tool.name),
                tool.span,
                "no step runs on it",
            )
            .with_help(format!("run a step on it with `using {}`, or remove it", tool.name)),
        );
    }
    diagnostics
}

fn join_backticked(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

fn duplicate(kind: &str, name: &ast::Name, first: Span) -> Diagnostic {
    Diagnostic::new(
        codes::DUPLICATE_DEFINITION,
        format!("{kind} `{}` is defined twice", name.text),
        name.span,
        "redefined here",
    )
    .with_label(first, "first defined here")
    .with_help(format!("rename one of them; each {kind} needs its own name"))
}

/// Enters `name` into `names`, reporting a redefinition in the same scope or of a name in
/// the enclosing `outer` scope.
fn declare<'t>(
    diagnostics: &mut Vec<Diagnostic>,
    names: &mut Names<'t>,
    outer: Option<&Names<'t>>,
    name: &'t ast::Name,
    index: usize,
    kind: &str,
) {
    let earlier = names
        .get(&*name.text)
        .or_else(|| outer.and_then(|outer| outer.get(&*name.text)));
    if let Some(first) = earlier {
        diagnostics.push(duplicate(kind, name, first.span));
        return;
    }
    names.insert(&name.text, Declared { index, span: name.span });
}

#[cfg(test)]
mod tests {
    /// The help of the one diagnostic of a step written into a small protocol.
    fn help_of(step: &str) -> Option<String> {
        let source = format!(
            "protocol \"p\" {{\n    substrate li: Li foil\n    tool plate: hot_plate in glovebox\n    step {step}\n}}\n"
        );
        let compilation = crate::compile(&source);
        assert_eq!(compilation.diagnostics.len(), 1, "{:#?}", compilation.diagnostics);
        compilation.diagnostics[0].help.clone()
    }

    #[test]
    fn unit_words_are_never_offered_materials() {
        let per = help_of("dry: dry at 60 degC for 30 min per using plate");
        assert_eq!(
            per.as_deref(),
            Some("a unit's `per` is written `/`, as in `0.5 nm/min`")
        );
        let mins = help_of("dry: dry at 60 degC mins using plate").unwrap();
        assert!(mins.starts_with("`mins` looks like the unit `min`"), "{mins}");
    }
}
