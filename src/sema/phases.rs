//! Phase compatibility, checked as a state machine that walks each workpiece's steps in
//! the order written: what the foil is (solid or molten Li), what wets it, and what the
//! reagent of each step is at that step's temperature.
//!
//! The physical facts come from the data tables: melting and boiling points and the
//! reaction with Li from `data/materials.tsv`, what each operation takes from
//! `data/operations.tsv`. Each rule's reason and source is in `spec/diagnostics.md`.

use super::chemistry::Chemistry;
use super::library::{Atmosphere, Effect, Library, Operation, ReagentKind};
use super::materials::{LiReaction, Material, MaterialDb, Phase};
use super::program::{Program, Protocol, ReagentUse, Step, Value};
use super::units::{Dimension, display};
use crate::diagnostics::{Diagnostic, codes};
use crate::span::Span;

/// What is on a workpiece's surface between steps.
#[derive(Clone, Default)]
struct SurfaceState {
    /// The solvent left on the sample by a liquid step, and where it came from.
    wet: Option<(String, Span)>,
    /// The layers on the foil, bottom to top, with the step that made each (a coating
    /// does not make Li safe against a violent reagent, but it changes the verdict from
    /// error to warning).
    layers: Vec<(String, Span)>,
    /// (layer, solvent) for each layer cast from a solution: the solvent that casts a
    /// polymer is one that dissolves it, whatever the table says.
    cast_from: Vec<(String, String)>,
}

impl SurfaceState {
    fn coated(&self) -> bool {
        !self.layers.is_empty()
    }

    /// Records a layer of `material`, once: the checks ask which materials are on the
    /// foil, and a protocol that repeats a deposition thousands of times must not make
    /// every later step walk thousands of identical layers.
    fn add_layer(&mut self, material: &str, made_at: Span) {
        if !self.layers.iter().any(|(key, _)| key == material) {
            self.layers.push((material.to_owned(), made_at));
        }
    }
}

pub fn check(program: &Program, library: &Library, chemistry: &Chemistry) -> Vec<Diagnostic> {
    let materials = &chemistry.materials;
    let mut diagnostics = Vec::new();
    for protocol in &program.protocols {
        let mut states = vec![SurfaceState::default(); protocol.workpieces.len()];
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
                chemistry,
            };
            checker.check(&mut states, &mut diagnostics);
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
    chemistry: &'a Chemistry,
}

/// The materials a reagent brings to the foil, with their roles.
struct ReagentMaterials<'a> {
    /// Dissolved or pure substances.
    solutes: Vec<&'a Material>,
    /// The liquid carrying them, when it is a solution.
    solvents: Vec<&'a Material>,
    /// How the recipe names it (`bsl`, `DMSO`).
    label: String,
}

impl<'a> StepChecker<'a> {
    fn check(&self, states: &mut [SurfaceState], diagnostics: &mut Vec<Diagnostic>) {
        let temperature = self.step.temperature_k();
        let reagent = self.reagent_materials();
        // A step on no tool is judged where every tool that could run it stands, when
        // those places agree (`Library::toolless_environment`).
        let environment = match self.step.tool {
            Some(tool) => {
                let tool = &self.program.tools[tool];
                (!tool.misplaced).then_some(&*tool.environment)
            }
            None => self.library.toolless_environment(&self.step.verb),
        };
        if let Some(reagent) = &reagent {
            self.check_reagent_phase(reagent, temperature, diagnostics);
        }
        self.check_precursors(temperature, diagnostics);
        self.check_feed_meets_room(diagnostics);
        // Preparing a reagent touches no foil.
        let Some(acted_on) = self.step.workpiece else { return };
        let workpiece = &self.protocol.workpieces[acted_on];
        // The foils this step touches: the one it acts on and the one it joins onto.
        let touched: Vec<usize> = std::iter::once(acted_on).chain(self.step.onto).collect();
        for &index in &touched {
            if self.operation.mechanical {
                self.check_not_molten(index, temperature, diagnostics);
            } else {
                self.check_thermal_limit(index, temperature, environment, diagnostics);
            }
        }
        // A continuous CVD feed meets the foil as it is; ALD and MLD doses are
        // self-limiting pulses (TMA/water ALD on Li: Kozen et al., ACS Nano 9, 5884, 2015).
        let fed = (self.operation.reagent == ReagentKind::Gas && !self.step.precursors.is_empty())
            .then(|| self.precursor_materials());
        for reagent in reagent.iter().chain(&fed) {
            for &index in &touched {
                self.check_reactivity(index, reagent, &states[index], diagnostics);
            }
        }
        if let Some(reagent) = &reagent {
            self.check_layers_survive_reagent(reagent, &states[acted_on], diagnostics);
        }
        self.check_layers_survive_heat(temperature, &states[acted_on], diagnostics);
        if let Some(environment) = environment {
            for &index in &touched {
                self.check_air_exposure(index, environment, &states[index], diagnostics);
            }
        }
        // A wet sample may enter vacuum only to be dried there. Reported once: the
        // sample counts as dry afterwards, as it will be once the `dry` step is added.
        let state = &states[acted_on];
        let mut reported_wet = false;
        if let (Some((solvent, wetted_at)), Some(environment)) = (&state.wet, environment) {
            let vacuum = self
                .library
                .environments
                .get(environment)
                .is_some_and(|e| e.atmosphere == Atmosphere::Vacuum);
            if vacuum && self.operation.effect != Effect::Dry {
                diagnostics.push(
                    Diagnostic::new(
                        codes::WET_SAMPLE_INTO_VACUUM,
                        format!("`{}` enters `{environment}` still wet with `{solvent}`", workpiece.name),
                        self.step.span,
                        format!("`{}` runs in `{environment}`", self.step.verb),
                    )
                    .with_label(*wetted_at, format!("`{solvent}` is left on the sample here"))
                    .with_help("add a `dry` step between them")
                    .with_note("residual solvent outgasses under vacuum: it spoils the chamber's base pressure and contaminates the film"),
                );
                reported_wet = true;
            }
        }
        if let Some(target) = self.step.onto
            && let Some((solvent, wetted_at)) = &states[acted_on].wet
        {
            let target_piece = &self.protocol.workpieces[target];
            if is_lithium(self.materials.lookup(&target_piece.material)) {
                diagnostics.push(
                    Diagnostic::new(
                        codes::WET_SAMPLE_ONTO_LITHIUM,
                        format!(
                            "`{}` is joined onto lithium while still wet with `{solvent}`",
                            workpiece.name
                        ),
                        self.step.span,
                        format!("joined onto `{}` here", target_piece.name),
                    )
                    .with_label(*wetted_at, format!("`{solvent}` is left on the sample here"))
                    .with_help(format!("dry `{}` before joining it", workpiece.name)),
                );
            }
        }
        if reported_wet {
            states[acted_on].wet = None;
        }
        self.update_state(states, acted_on, reagent.as_ref());
    }

    fn update_state(&self, states: &mut [SurfaceState], index: usize, reagent: Option<&ReagentMaterials>) {
        match self.operation.effect {
            Effect::Dry => states[index].wet = None,
            _ if self.operation.wets => {
                // What stays behind is the solvent, or the liquid itself when pure.
                let liquid = reagent.and_then(|r| r.solvents.first().or(r.solutes.first()));
                if let Some(liquid) = liquid {
                    states[index].wet = Some((liquid.key.clone(), self.step.span));
                }
            }
            _ => {}
        }
        match self.operation.effect {
            // The named material or the solutes of a cast solution stay on the foil.
            Effect::Deposit | Effect::Cycles | Effect::Cast | Effect::LangmuirBlodgett | Effect::Laminate => {
                for material in reagent.map_or(&[][..], |r| &r.solutes[..]) {
                    states[index].add_layer(&material.key, self.step.span);
                    if self.operation.effect != Effect::Cast {
                        continue;
                    }
                    for solvent in reagent.map_or(&[][..], |r| &r.solvents[..]) {
                        let pair = (material.key.clone(), solvent.key.clone());
                        if !states[index].cast_from.contains(&pair) {
                            states[index].cast_from.push(pair);
                        }
                    }
                }
            }
            // Li reacts with the reagent into its products (data/materials.tsv).
            Effect::Convert
            | Effect::Alloy
            | Effect::GasReaction
            | Effect::Plasma
            | Effect::LiquidReaction
            | Effect::Electrochemical => {
                let on_lithium = is_lithium(self.materials.lookup(&self.protocol.workpieces[index].material));
                if let (true, Some(reagent)) = (on_lithium, reagent) {
                    for product in reagent.solutes.iter().flat_map(|m| m.li_products.iter()) {
                        states[index].add_layer(product, self.step.span);
                    }
                }
            }
            _ => {}
        }
        if let Some(target) = self.step.onto {
            // The joined workpiece's layers go on top, upside down.
            let carried: Vec<(String, Span)> = states[index].layers.iter().rev().cloned().collect();
            for (material, made_at) in carried {
                states[target].add_layer(&material, made_at);
            }
        }
    }

    fn reagent_materials(&self) -> Option<ReagentMaterials<'a>> {
        let lookup = |key: &String| self.materials.lookup(key);
        match self.step.reagent.as_ref()? {
            ReagentUse::Reagent { index, .. } => {
                let reagent = &self.protocol.reagents[*index];
                Some(ReagentMaterials {
                    solutes: reagent.components.iter().filter_map(|c| lookup(&c.material)).collect(),
                    solvents: reagent.solvents.iter().filter_map(lookup).collect(),
                    label: reagent.name.clone(),
                })
            }
            ReagentUse::Materials { materials, .. } => {
                let found: Vec<&Material> = materials.iter().filter_map(lookup).collect();
                Some(ReagentMaterials {
                    label: materials.join("/"),
                    solutes: found,
                    solvents: Vec::new(),
                })
            }
        }
    }

    /// The components of the step's solution with their amounts (none for a pure
    /// reagent, whose materials are the medium itself).
    fn solution_components(&self) -> Vec<(&'a Material, Option<&'a Value>)> {
        let Some(ReagentUse::Reagent { index, .. }) = &self.step.reagent else {
            return Vec::new();
        };
        let reagent = &self.protocol.reagents[*index];
        if reagent.solvents.is_empty() {
            return Vec::new();
        }
        reagent
            .components
            .iter()
            .filter_map(|c| Some((self.materials.lookup(&c.material)?, c.amount.as_ref())))
            .collect()
    }

    fn precursor_materials(&self) -> ReagentMaterials<'a> {
        ReagentMaterials {
            solutes: self
                .step
                .precursors
                .iter()
                .filter_map(|(key, _)| self.materials.lookup(key))
                .collect(),
            solvents: Vec::new(),
            label: self
                .step
                .precursors
                .iter()
                .map(|(key, _)| key.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// A non-mechanical step at or above the substrate's melting point: molten Li is
    /// the point of some operations (a reaction with the melt), an accident of the others.
    fn check_thermal_limit(
        &self,
        index: usize,
        temperature: f64,
        environment: Option<&str>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let workpiece = &self.protocol.workpieces[index];
        let Some(material) = self.materials.lookup(&workpiece.material) else {
            return;
        };
        if material.phase_at(temperature) == Phase::Solid {
            return;
        }
        let at = display(temperature, const { Dimension::called("temperature") });
        let melt = material
            .melt_c
            .map_or_else(String::new, |m| format!("{} degC", crate::sema::units::trim_number(m)));
        let span = self.step.param_span("temperature");
        let lithium = is_lithium(Some(material));
        if lithium && self.operation.molten_li {
            if self.step.param("molten_li") != Some(1.0) {
                diagnostics.push(
                    Diagnostic::new(
                        codes::MOLTEN_LITHIUM_STEP,
                        format!("`{}` runs on molten Li: {at} is above Li's melting point, {melt}", self.step.name),
                        span,
                        format!("Li melts at {melt}"),
                    )
                    .with_label(workpiece.span, format!("`{}` is lithium", workpiece.name))
                    .with_help(format!(
                        "add `molten_li: yes` to the step's `{{ }}` if the melt is intended, or run it below {melt}"
                    ))
                    .with_note(format!(
                        "molten-Li routes are deliberate (review refs 63, 67, 151); the foil loses its shape and must stay in an inert gas; source: {}",
                        material.source
                    )),
                );
            }
            self.check_molten_atmosphere(index, environment, diagnostics);
            return;
        }
        let purpose = if lithium {
            format!("`{}` is not meant to melt the anode", self.step.verb)
        } else {
            format!("the `{}` substrate `{}` would melt", material.key, workpiece.name)
        };
        diagnostics.push(
            Diagnostic::new(
                codes::SUBSTRATE_MELTED,
                format!(
                    "`{}` at {at} melts `{}` ({} melts at {melt})",
                    self.step.verb, workpiece.name, material.key
                ),
                span,
                format!("at or above {melt}"),
            )
            .with_label(workpiece.span, format!("`{}` is {}", workpiece.name, material.name))
            .with_help(format!("run `{}` below {melt}", self.step.verb))
            .with_note(format!(
                "{purpose}; {} melts at {melt} (source: {})",
                material.name, material.source
            )),
        );
    }

    /// Molten Li reacts with the traces of water, O2 and N2 of a dry room at once; only
    /// an inert gas or vacuum holds it (an air tool is already E0408).
    fn check_molten_atmosphere(&self, index: usize, environment: Option<&str>, diagnostics: &mut Vec<Diagnostic>) {
        let Some(environment) = environment else { return };
        let atmosphere = self.library.environments.get(environment).map(|e| e.atmosphere);
        if atmosphere != Some(Atmosphere::Dry) {
            return;
        }
        let workpiece = &self.protocol.workpieces[index];
        diagnostics.push(
            Diagnostic::new(
                codes::MOLTEN_LITHIUM_EXPOSED,
                format!("molten lithium `{}` is held in `{environment}`", workpiece.name),
                self.step.span,
                format!("`{environment}` is a dry room, not an inert gas"),
            )
            .with_help("run the step in a glovebox (Ar) or under vacuum")
            .with_note("a dry room removes water, not O2 or N2: molten Li burns in them and nitrides (the Li3N route of ref 151 uses that on purpose, in a sealed reactor)"),
        );
    }

    fn check_not_molten(&self, index: usize, temperature: f64, diagnostics: &mut Vec<Diagnostic>) {
        let workpiece = &self.protocol.workpieces[index];
        let Some(material) = self.materials.lookup(&workpiece.material) else {
            return;
        };
        if material.phase_at(temperature) != Phase::Liquid {
            return;
        }
        let melt = material.melt_c.map_or_else(String::new, |m| {
            format!(" at {} degC", crate::sema::units::trim_number(m))
        });
        diagnostics.push(
            Diagnostic::new(
                codes::MOLTEN_LITHIUM_WORKED,
                format!(
                    "`{}` is molten at {}: it cannot be worked by `{}`",
                    workpiece.material,
                    display(temperature, const { Dimension::called("temperature") }),
                    self.step.verb
                ),
                self.step.param_span("temperature"),
                format!("{} melts{melt}", material.name),
            )
            .with_label(workpiece.span, format!("`{}` is {}", workpiece.name, material.name))
            .with_help(format!("run `{}` below the melting point{melt}", self.step.verb))
            .with_note(format!("{} melts{melt}; source: {}", material.name, material.source)),
        );
    }

    /// How to get enough vapour of `material`: heating past its boiling point, unless
    /// that would melt the Li foil the step acts on (I2 boils at 184.4 degC, Li melts at
    /// 180.5 degC): then the vapour over the solid is what the treatment uses.
    fn vapour_help(&self, material: &Material) -> String {
        let boil = material.boil_c.unwrap_or(f64::INFINITY);
        let li_melt = self
            .step
            .workpiece
            .and_then(|w| self.materials.lookup(&self.protocol.workpieces[w].material))
            .filter(|m| is_lithium(Some(m)))
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

    fn check_reactivity(
        &self,
        index: usize,
        reagent: &ReagentMaterials,
        state: &SurfaceState,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let workpiece = &self.protocol.workpieces[index];
        if !is_lithium(self.materials.lookup(&workpiece.material)) {
            return;
        }
        let span = self.step.reagent.as_ref().map_or(self.step.span, ReagentUse::span);
        // What bathes the foil: the solvent of a solution, or the pure reagent. A solute
        // at working concentration is the point of the treatment (LiNO3/H3PO4, ref. 100).
        let bathing: &[&Material] = if reagent.solvents.is_empty() {
            &reagent.solutes
        } else {
            &reagent.solvents
        };
        // A protic solute is checked like the medium unless it is dilute; a dilute one
        // is the treatment's chemistry when a reaction of it is known (spec/models.md,
        // "Reactive solutes").
        let major_solutes: Vec<&Material> = self
            .solution_components()
            .into_iter()
            .filter(|(material, amount)| {
                material.li_reaction == LiReaction::Violent && amount.is_none_or(|a| !is_dilute(a))
            })
            .map(|(material, _)| material)
            .collect();
        for (material, amount) in self.solution_components() {
            if material.li_reaction == LiReaction::Violent
                && let Some(amount) = amount
                && is_dilute(amount)
                && self.chemistry.reaction(&material.key).is_none()
            {
                diagnostics.push(
                    Diagnostic::new(
                        codes::REACTIVE_SOLUTE_UNMODELLED,
                        format!(
                            "`{}` at {} reacts with the lithium, but no reaction of it is known",
                            material.key,
                            display(amount.si, amount.dimension)
                        ),
                        span,
                        format!("`{}` contains {}", reagent.label, material.name),
                    )
                    .with_help(format!(
                        "declare what it makes: `reaction \"{} + n Li -> ...\" {{ source: \"...\" }}`",
                        material.key
                    ))
                    .with_note("a dilute protic solute is the chemistry of the treatment (H3PO4 in DMSO, review ref. 100); the stack model needs its products"),
                );
            }
        }
        for material in bathing.iter().chain(&major_solutes) {
            if material.li_reaction != LiReaction::Violent {
                continue;
            }
            let (code, message) = if state.coated() {
                (
                    codes::VIOLENT_REAGENT_ON_COATED_LITHIUM,
                    format!("`{}` reaches coated lithium through any pinhole", material.key),
                )
            } else {
                (
                    codes::VIOLENT_REACTION,
                    format!("`{}` reacts violently with lithium", material.key),
                )
            };
            let products = if material.li_products.is_empty() {
                String::new()
            } else {
                format!(" into {}", material.li_products.join(" + "))
            };
            let label = if reagent.label == material.key {
                format!("{} meets the foil here", material.name)
            } else {
                format!("`{}` contains {}", reagent.label, material.name)
            };
            diagnostics.push(
                Diagnostic::new(code, message, span, label)
                    .with_label(workpiece.span, format!("`{}` is lithium", workpiece.name))
                    .with_help(
                        "use an aprotic solvent (DMSO, DME, DOL, ...) and keep water and alcohols away from the foil",
                    )
                    .with_note(if material.li_note.is_empty() {
                        format!("Li reacts with `{}`{products}", material.key)
                    } else {
                        format!("Li reacts with `{}`{products}: {}", material.key, material.li_note)
                    }),
            );
        }
    }
}

impl StepChecker<'_> {
    /// A solvent that dissolves a layer already on the foil (`dissolves_in` in the data).
    fn check_layers_survive_reagent(
        &self,
        reagent: &ReagentMaterials,
        state: &SurfaceState,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let span = self.step.reagent.as_ref().map_or(self.step.span, ReagentUse::span);
        let liquids: &[&Material] = if reagent.solvents.is_empty() {
            &reagent.solutes
        } else {
            &reagent.solvents
        };
        for (layer_key, made_at) in &state.layers {
            let Some(layer) = self.materials.lookup(layer_key) else {
                continue;
            };
            let cast_from = |liquid: &Material| {
                state
                    .cast_from
                    .iter()
                    .any(|(cast, solvent)| cast == layer_key && *solvent == liquid.key)
            };
            if self.operation.reagent == ReagentKind::Liquid
                && let Some(solvent) = liquids
                    .iter()
                    .find(|liquid| layer.dissolves_in.contains(&liquid.key) || cast_from(liquid))
            {
                let why = if layer.dissolves_in.contains(&solvent.key) {
                    format!(
                        "`{layer_key}` dissolves in {} (`dissolves_in` in data/materials.tsv and data/solubility.tsv; {})",
                        layer.dissolves_in.join(", "),
                        layer.li_note
                    )
                } else {
                    format!(
                        "`{layer_key}` was cast from a solution in `{}`: a solvent that casts a polymer dissolves it",
                        solvent.key
                    )
                };
                diagnostics.push(
                    Diagnostic::new(
                        codes::LAYER_DISSOLVED,
                        format!(
                            "`{}` dissolves the `{layer_key}` layer already on the foil",
                            solvent.key
                        ),
                        span,
                        format!("`{}` dissolves `{layer_key}`", solvent.key),
                    )
                    .with_label(*made_at, format!("`{layer_key}` is put on here"))
                    .with_help(format!(
                        "use a liquid that does not dissolve `{layer_key}`, or change the order of the steps"
                    ))
                    .with_note(why),
                );
            }
            if self.operation.effect != Effect::Plasma {
                continue;
            }
            for feed in &reagent.solutes {
                let Some(etching) = self.library.etching.get(&feed.key) else {
                    continue;
                };
                if etching.etches.contains(layer_key) {
                    diagnostics.push(
                        Diagnostic::new(
                            codes::LAYER_ETCHED,
                            format!(
                                "a `{}` plasma etches the `{layer_key}` layer already on the foil",
                                feed.key
                            ),
                            span,
                            format!("`{}` plasma removes `{layer_key}`", feed.key),
                        )
                        .with_label(*made_at, format!("`{layer_key}` is put on here"))
                        .with_help("keep the plasma short, or treat the foil before depositing this layer")
                        .with_note(format!("it leaves as {}; {}", etching.product, etching.source)),
                    );
                }
            }
        }
    }

    /// A step hot enough to melt or decompose a layer already on the foil.
    fn check_layers_survive_heat(&self, temperature: f64, state: &SurfaceState, diagnostics: &mut Vec<Diagnostic>) {
        let celsius = temperature - 273.15;
        let at = display(temperature, const { Dimension::called("temperature") });
        let mut reported: Vec<&str> = Vec::new();
        for (layer_key, made_at) in &state.layers {
            let Some(layer) = self.materials.lookup(layer_key) else {
                continue;
            };
            if reported.contains(&layer_key.as_str()) {
                continue;
            }
            reported.push(layer_key);
            let (what, point) = match (layer.decomp_c, layer.melt_c) {
                (Some(decomposes), _) if celsius >= decomposes => ("decomposes", decomposes),
                (_, Some(melts)) if celsius >= melts => ("melts", melts),
                _ => continue,
            };
            let unverified = if layer.unverified.iter().any(|c| c == "melt_C" || c == "decomp_C") {
                " (unverified)"
            } else {
                ""
            };
            diagnostics.push(
                Diagnostic::new(
                    codes::LAYER_DAMAGED_BY_HEAT,
                    format!(
                        "`{}` at {at} {what_verb} the `{layer_key}` layer",
                        self.step.name,
                        what_verb = if what == "melts" { "melts" } else { "decomposes" }
                    ),
                    self.step.param_span("temperature"),
                    format!(
                        "`{layer_key}` {what} at {} degC{unverified}",
                        crate::sema::units::trim_number(point)
                    ),
                )
                .with_label(*made_at, format!("`{layer_key}` is put on here"))
                .with_help(format!(
                    "keep `{}` below {} degC",
                    self.step.name,
                    crate::sema::units::trim_number(point)
                ))
                .with_note(format!("{}: {}", layer.name, layer.source)),
            );
        }
    }

    /// Li in laboratory air: moisture, O2 and N2 attack it (`data/materials.tsv`: water,
    /// O2 and N2 rows). A coating may protect it, so a coated foil gets a warning.
    fn check_air_exposure(
        &self,
        index: usize,
        environment: &str,
        state: &SurfaceState,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let ambient = self
            .library
            .environments
            .get(environment)
            .is_some_and(|e| e.atmosphere == Atmosphere::Ambient);
        let workpiece = &self.protocol.workpieces[index];
        if !ambient || !is_lithium(self.materials.lookup(&workpiece.material)) {
            return;
        }
        let attackers: Vec<String> = ["water", "O2", "N2"]
            .iter()
            .filter_map(|key| self.materials.lookup(key))
            .map(|m| format!("{} ({})", m.key, m.li_products.join(" + ")))
            .collect();
        let place = match self.step.tool {
            Some(tool) => format!("`{}` stands in `{environment}`", self.program.tools[tool].name),
            None => format!("every tool that can `{}` stands in `{environment}`", self.step.verb),
        };
        let (code, message) = if state.coated() {
            (
                codes::COATED_LITHIUM_IN_AIR,
                format!("coated lithium `{}` goes into `{environment}`", workpiece.name),
            )
        } else {
            (
                codes::BARE_LITHIUM_IN_AIR,
                format!("bare lithium `{}` goes into `{environment}`", workpiece.name),
            )
        };
        diagnostics.push(
            Diagnostic::new(code, message, self.step.span, place)
                .with_label(workpiece.span, format!("`{}` is lithium", workpiece.name))
                .with_help(if material_molten(self.materials.lookup(&workpiece.material), self.step.temperature_k()) {
                    "run this step in a glovebox (Ar) or under vacuum: molten Li burns in a dry room's O2 and N2"
                } else {
                    "run this step in a glovebox or dry room, or move the tool there"
                })
                .with_note(format!("in air lithium reacts with {}", attackers.join(", ")))
                .with_note("a dense coating can protect it: GF-LiF-Li stood 20-35 % relative humidity for more than 24 h (review ref. 63)"),
        );
    }
}

fn material_molten(material: Option<&Material>, kelvin: f64) -> bool {
    material.is_some_and(|m| m.phase_at(kelvin) != Phase::Solid)
}

fn is_lithium(material: Option<&Material>) -> bool {
    material.is_some_and(|m| m.key == "Li")
}

fn phase_word(phase: Phase) -> &'static str {
    match phase {
        Phase::Solid => "solid",
        Phase::Liquid => "liquid",
        Phase::Gas => "gas",
    }
}

/// The data behind a phase verdict, with its source.
/// Whether a solute's amount makes it a minor component rather than part of the medium.
/// The bounds are assumed, not sourced (spec/models.md, "Reactive solutes"): 1 M, 10 wt%,
/// 10 vol% or 100 mg/mL; ref. 100's H3PO4/DMSO treatment is far below them, water as a
/// co-solvent far above (pure water is 55 M).
fn is_dilute(amount: &Value) -> bool {
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

fn phase_note(material: &Material) -> String {
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
