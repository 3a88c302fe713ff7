//! What each step's reagent is at the step's temperature, and whether its precursors can
//! reach the reactor: the checks that need only the program. What the reagent, the heat
//! and the room do to the foil is judged on the foil's state, in the walk of
//! `crate::physics` (`physics::rules`).
//!
//! The physical facts come from the data tables: melting and boiling points from
//! `data/materials.tsv`, what each operation takes from `data/operations.tsv`, what a
//! precursor reacts with from `data/precursor_hazards.tsv`. Each rule's reason and source
//! is in `spec/diagnostics.md`.

use super::chemistry::Chemistry;
use super::library::{Library, Operation, ReagentKind};
use super::materials::{Material, MaterialDb, Phase};
use super::program::{Program, Protocol, ReagentUse, Step, Value};
use super::units::{Dimension, display};
use crate::diagnostics::{Diagnostic, codes};
use crate::span::Span;

pub fn check(program: &Program, library: &Library, chemistry: &Chemistry) -> Vec<Diagnostic> {
    let materials = &chemistry.materials;
    let mut diagnostics = Vec::new();
    for protocol in &program.protocols {
        for step in &protocol.steps {
            let Some(operation) = library.operations.get(&*step.verb) else {
                continue;
            };
            let checker = StepChecker {
                program,
                protocol,
                step,
                operation,
                library,
                materials,
            };
            checker.check(&mut diagnostics);
        }
    }
    diagnostics
}

struct StepChecker<'a> {
    program: &'a Program,
    protocol: &'a Protocol,
    step: &'a Step,
    operation: &'a Operation,
    library: &'a Library,
    materials: &'a MaterialDb,
}

/// The materials a reagent brings to the foil, with their roles.
pub(crate) struct ReagentMaterials<'a> {
    /// Dissolved or pure substances.
    pub solutes: Vec<&'a Material>,
    /// The liquid carrying them, when it is a solution.
    pub solvents: Vec<&'a Material>,
    /// How the recipe names it (`bsl`, `DMSO`).
    pub label: String,
}

impl<'a> ReagentMaterials<'a> {
    /// What the step's reagent brings: a declared solution or the materials it names.
    pub(crate) fn of_step(protocol: &'a Protocol, step: &Step, materials: &'a MaterialDb) -> Option<Self> {
        let lookup = |key: &String| materials.lookup(key);
        match step.reagent.as_ref()? {
            ReagentUse::Reagent { index, .. } => {
                let reagent = &protocol.reagents[*index];
                Some(ReagentMaterials {
                    solutes: reagent.components.iter().filter_map(|c| lookup(&c.material)).collect(),
                    solvents: reagent.solvents.iter().filter_map(lookup).collect(),
                    label: reagent.name.clone(),
                })
            }
            ReagentUse::Materials { materials: named, .. } => Some(ReagentMaterials {
                label: named.join("/"),
                solutes: named.iter().filter_map(lookup).collect(),
                solvents: Vec::new(),
            }),
        }
    }

    /// The precursors of a step's `from`, as one reagent.
    pub(crate) fn precursors(step: &Step, materials: &'a MaterialDb) -> Self {
        ReagentMaterials {
            solutes: step
                .precursors
                .iter()
                .filter_map(|(key, _)| materials.lookup(key))
                .collect(),
            solvents: Vec::new(),
            label: step
                .precursors
                .iter()
                .map(|(key, _)| key.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The components of the step's solution with their amounts (none for a pure reagent,
/// whose materials are the medium itself).
pub(crate) fn solution_components<'a>(
    protocol: &'a Protocol,
    step: &Step,
    materials: &'a MaterialDb,
) -> Vec<(&'a Material, Option<&'a Value>)> {
    let Some(ReagentUse::Reagent { index, .. }) = &step.reagent else {
        return Vec::new();
    };
    let reagent = &protocol.reagents[*index];
    if reagent.solvents.is_empty() {
        return Vec::new();
    }
    reagent
        .components
        .iter()
        .filter_map(|c| Some((materials.lookup(&c.material)?, c.amount.as_ref())))
        .collect()
}

impl<'a> StepChecker<'a> {
    fn check(&self, diagnostics: &mut Vec<Diagnostic>) {
        let temperature = self.step.temperature_k();
        if let Some(reagent) = ReagentMaterials::of_step(self.protocol, self.step, self.materials) {
            self.check_reagent_phase(&reagent, temperature, diagnostics);
        }
        self.check_precursors(temperature, diagnostics);
        self.check_feed_meets_room(diagnostics);
    }

    /// How to get enough vapour of `material`: heating past its boiling point, unless
    /// that would melt Li the step acts on (I2 boils at 184.4 degC, Li melts at
    /// 180.5 degC): then the vapour over the solid is what the treatment uses.
    fn vapour_help(&self, material: &Material) -> String {
        let boil = material.boil_c.unwrap_or(f64::INFINITY);
        let li_melt = self
            .may_hold_li()
            .then(|| self.materials.lookup("Li"))
            .flatten()
            .and_then(|li| li.melt_c);
        match li_melt {
            Some(melt) if boil >= melt => format!(
                "keep the step below {} degC, where the Li stays solid, and check that the vapour pressure of `{}` there suffices (or give it a longer time)",
                crate::sema::units::trim_number(melt),
                material.key
            ),
            _ => format!(
                "heat the step above its boiling point ({} degC) or check that its vapour pressure suffices",
                crate::sema::units::trim_number(boil)
            ),
        }
    }

    /// Whether Li may be on the piece the step acts on: a Li substrate, Li plated onto it
    /// by an earlier step, or a Li workpiece joined with it (the program alone says so;
    /// the walk of `crate::physics` knows the layers).
    fn may_hold_li(&self) -> bool {
        let Some(piece) = self.step.workpiece else {
            return false;
        };
        let lithium = |w: usize| is_lithium(self.materials.lookup(&self.protocol.workpieces[w].material));
        lithium(piece)
            || self
                .protocol
                .steps
                .iter()
                .take_while(|other| !std::ptr::eq(*other, self.step))
                .any(|other| {
                    let plates = other.workpiece == Some(piece)
                        && self
                            .library
                            .operations
                            .get(&*other.verb)
                            .is_some_and(|op| op.effect == super::library::Effect::Electrochemical);
                    let joins = match (other.workpiece, other.onto) {
                        (Some(a), Some(b)) => (a == piece && lithium(b)) || (b == piece && lithium(a)),
                        _ => false,
                    };
                    plates || joins
                })
    }

    /// Each precursor of `from` must reach the reactor as a vapour: a gas at the step's
    /// temperature, or a liquid or solid with a boiling, sublimation or vapour-pressure
    /// datum (a bubbler or a heated source evaporates it).
    fn check_precursors(&self, temperature: f64, diagnostics: &mut Vec<Diagnostic>) {
        let at = display(temperature, const { Dimension::called("temperature") });
        for (key, span) in &self.step.precursors {
            let Some(material) = self.materials.lookup(key) else {
                continue;
            };
            let phase = material.phase_at(temperature);
            let volatile = phase == Phase::Gas
                || material.boil_c.is_some()
                || material.sublime_c.is_some()
                || material.vapour_pressure.is_some();
            if volatile {
                continue;
            }
            diagnostics.push(
                Diagnostic::new(
                    codes::PRECURSOR_NOT_VOLATILE,
                    format!(
                        "precursor `{key}` is a {} at {at} with no vapour to dose",
                        phase_word(phase)
                    ),
                    *span,
                    "no boiling, sublimation or vapour-pressure datum",
                )
                .with_help(if matches!(material.kind.as_str(), "polymer" | "salt" | "ceramic" | "metal" | "alloy" | "carbon") {
                    format!("`{key}` is a {} with no vapour: name a volatile precursor of the film (for Al2O3, TMA and water)", material.kind)
                } else {
                    format!("name a volatile precursor, or declare the measured vapour pressure of `{key}`: `vapour_pressure: P, T`")
                })
                .with_note(phase_note(material)),
            );
        }
    }

    /// What the step feeds into its reactor as a gas, with where the recipe names it: the
    /// precursors of `from`, or else the pure reagent of a gas-fed operation (`expose SiH4`).
    fn fed_gases(&self) -> Vec<(&'a Material, Span)> {
        let named: Vec<(&String, Span)> = match &self.step.reagent {
            _ if !self.step.precursors.is_empty() => {
                self.step.precursors.iter().map(|(key, span)| (key, *span)).collect()
            }
            Some(ReagentUse::Materials { materials, span }) if self.operation.reagent == ReagentKind::Gas => {
                materials.iter().map(|key| (key, *span)).collect()
            }
            _ => Vec::new(),
        };
        named
            .into_iter()
            .filter_map(|(key, span)| Some((self.materials.lookup(key)?, span)))
            .collect()
    }

    /// A precursor that reacts with a gas of the room its reactor stands in
    /// (`data/precursor_hazards.tsv`, `contains` in `data/environments.tsv`): the chamber
    /// is loaded and vented in that room, so the room's gas is there when the precursor flows.
    fn check_feed_meets_room(&self, diagnostics: &mut Vec<Diagnostic>) {
        let Some(tool) = self.step.tool.map(|t| &self.program.tools[t]).filter(|t| !t.misplaced) else {
            return;
        };
        let Some(room) = self.library.environments.get(&*tool.environment) else {
            return;
        };
        for (material, span) in self.fed_gases() {
            let Some(hazard) = self.library.hazards.get(&material.key) else {
                continue;
            };
            let Some(gas) = hazard.reacts_with.iter().find(|gas| room.contains.contains(gas)) else {
                continue;
            };
            // The rooms this kind of tool may stand in that hold none of those gases.
            let safe: Vec<&str> = self
                .library
                .tool_kinds
                .get(&tool.kind)
                .map_or(&[][..], |kind| &kind.environments[..])
                .iter()
                .filter(|name| {
                    self.library
                        .environments
                        .get(*name)
                        .is_some_and(|e| !hazard.reacts_with.iter().any(|g| e.contains.contains(g)))
                })
                .map(String::as_str)
                .collect();
            let help = match safe.first() {
                Some(first) => format!(
                    "stand `{}` in {}: `tool {}: {} in {first}`",
                    tool.name,
                    safe.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(" or "),
                    tool.name,
                    tool.kind
                ),
                None => format!("use a precursor that does not react with `{gas}`"),
            };
            diagnostics.push(
                Diagnostic::new(
                    codes::PRECURSOR_MEETS_ROOM,
                    format!("`{}` reacts with the `{gas}` of `{}`", material.key, tool.environment),
                    span,
                    format!("fed into `{}` here", tool.name),
                )
                .with_label(tool.span, format!("`{}` stands in `{}`", tool.name, tool.environment))
                .with_help(help)
                .with_note(format!(
                    "{}: {}; source: {}",
                    material.key, hazard.hazard, hazard.source
                ))
                .with_note("a reactor is loaded and vented in the room it stands in, so the room's gas is in the chamber and the lines when the precursor flows"),
            );
        }
    }

    fn check_reagent_phase(&self, reagent: &ReagentMaterials, temperature: f64, diagnostics: &mut Vec<Diagnostic>) {
        // With `from`, the material named is the film, not what the reactor is fed.
        let kind = if self.step.precursors.is_empty() {
            self.operation.reagent
        } else {
            ReagentKind::Film
        };
        let at = display(temperature, const { Dimension::called("temperature") });
        let span = self.step.reagent.as_ref().map_or(self.step.span, ReagentUse::span);
        // A solution's phase is its solvent's; a pure reagent's is its own.
        let deciding: &[&Material] = if reagent.solvents.is_empty() {
            &reagent.solutes
        } else {
            &reagent.solvents
        };
        // A solid co-solvent dissolves in a liquid one: EC (mp 36.4 degC) is liquid in every
        // EC/DMC, EC/DEC or EC/EMC electrolyte. A mixture is liquid when one of its
        // solvents is.
        let mixture_liquid = reagent.solvents.len() > 1
            && reagent
                .solvents
                .iter()
                .any(|s| s.phase_at(temperature) == Phase::Liquid);
        for material in deciding {
            let phase = material.phase_at(temperature);
            if mixture_liquid && kind == ReagentKind::Liquid && phase == Phase::Solid {
                continue;
            }
            let fits = match kind {
                ReagentKind::None => true,
                ReagentKind::Solid | ReagentKind::Film => phase == Phase::Solid,
                ReagentKind::Liquid => phase == Phase::Liquid,
                ReagentKind::Gas => phase == Phase::Gas,
                ReagentKind::SolidOrLiquid => phase != Phase::Gas,
            };
            if fits {
                continue;
            }
            let phase_name = phase_word(phase);
            if kind == ReagentKind::Gas && phase != Phase::Gas && material.boil_c.is_some() {
                // Vapour treatments (I2, S, CS2) work on the vapour over a solid or liquid;
                // a material without a boiling or sublimation point has no such vapour.
                diagnostics.push(
                    Diagnostic::new(
                        codes::REAGENT_NOT_GASEOUS,
                        format!(
                            "`{}` is a {phase_name} at {at}; only its vapour reaches the foil",
                            material.key
                        ),
                        span,
                        format!("a {phase_name} at {at}"),
                    )
                    .with_help(self.vapour_help(material)),
                );
                continue;
            }
            let what = match kind {
                ReagentKind::Solid => format!("a `{}` target must be solid", self.step.verb),
                ReagentKind::Film => format!("the film `{}` deposits must be solid", self.step.verb),
                ReagentKind::Liquid => format!("`{}` needs a liquid", self.step.verb),
                _ => format!("`{}` needs {}", self.step.verb, kind.describe()),
            };
            diagnostics.push(
                Diagnostic::new(
                    codes::WRONG_REAGENT_PHASE,
                    format!("{what}, but `{}` is a {phase_name} at {at}", material.key),
                    span,
                    format!("`{}` is a {phase_name} here", reagent.label),
                )
                .with_help(format!("`{}` takes {}", self.step.verb, kind.describe()))
                .with_note(phase_note(material)),
            );
        }
    }
}

pub(crate) fn is_lithium(material: Option<&Material>) -> bool {
    material.is_some_and(|m| m.key == "Li")
}

pub(crate) fn phase_word(phase: Phase) -> &'static str {
    match phase {
        Phase::Solid => "solid",
        Phase::Liquid => "liquid",
        Phase::Gas => "gas",
    }
}

/// Whether a solute's amount makes it a minor component rather than part of the medium.
/// The bounds are assumed, not sourced (spec/models.md, "Reactive solutes"): 1 M, 10 wt%,
/// 10 vol% or 100 mg/mL; ref. 100's H3PO4/DMSO treatment is far below them, water as a
/// co-solvent far above (pure water is 55 M).
pub(crate) fn is_dilute(amount: &Value) -> bool {
    const BOUNDS: [(Dimension, f64); 5] = [
        (Dimension::called("molar concentration"), 1000.0),
        (Dimension::NONE, 0.10),
        (Dimension::called("mass fraction"), 0.10),
        (Dimension::called("volume fraction"), 0.10),
        (Dimension::called("mass concentration"), 100.0),
    ];
    let bound = BOUNDS.iter().find(|(dimension, _)| *dimension == amount.dimension);
    bound.is_some_and(|(_, bound)| amount.si <= *bound)
}

/// The data behind a phase verdict, with its source.
pub(crate) fn phase_note(material: &Material) -> String {
    let point =
        |label: &str, value: Option<f64>| value.map(|v| format!("{label} {} degC", crate::sema::units::trim_number(v)));
    let points: Vec<String> = [
        point("melts at", material.melt_c),
        point("boils at", material.boil_c),
        point("sublimes at", material.sublime_c),
        point("decomposes at", material.decomp_c),
    ]
    .into_iter()
    .flatten()
    .collect();
    let unverified = if material.unverified.is_empty() {
        String::new()
    } else {
        format!(" (unverified: {})", material.unverified.join(", "))
    };
    let points = if points.is_empty() {
        String::new()
    } else {
        format!(" {}", points.join(", "))
    };
    format!("{}{points}{unverified}; source: {}", material.name, material.source)
}
