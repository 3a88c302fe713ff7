//! What every effect model reads about the step it models, and where it reports.

use std::collections::BTreeMap;

use super::data::ModelData;
use crate::sema::chemistry::Reaction;
use crate::sema::library::{Effect, Library, Operation};
use crate::sema::materials::{Material, MaterialDb};
use crate::sema::program::{Protocol, Reagent, ReagentUse, Step, Tool};

pub struct Ctx<'a> {
    pub protocol: &'a Protocol,
    pub step: &'a Step,
    /// The step's index in `protocol.steps`.
    pub index: usize,
    pub operation: &'a Operation,
    pub library: &'a Library,
    pub db: &'a MaterialDb,
    /// The reactions of Li, built-in and declared, by reactant.
    pub reactions: &'a BTreeMap<String, Reaction>,
    pub data: &'a ModelData,
    /// The tool the step runs on, unless it stands where it cannot run the step.
    pub tool: Option<&'a Tool>,
    /// Where the step runs: its tool's room, or for a step on no tool the room where
    /// every tool that could run it stands, when those agree
    /// (`Library::toolless_environment`).
    pub environment: Option<&'a str>,
}

impl<'a> Ctx<'a> {
    pub fn effect(&self) -> Effect {
        self.operation.effect
    }

    /// The declared reagent the step uses, if it names one.
    pub fn reagent(&self) -> Option<&'a Reagent> {
        match self.step.reagent.as_ref()? {
            ReagentUse::Reagent { index, .. } => self.protocol.reagents.get(*index),
            ReagentUse::Materials { .. } => None,
        }
    }

    /// The solutes of the reagent, or the materials named directly (`sputter MoS2`,
    /// `rinse in DOL/DME`), as keys.
    pub fn solutes(&self) -> Vec<String> {
        match self.step.reagent.as_ref() {
            Some(ReagentUse::Reagent { .. }) => self
                .reagent()
                .map(|r| r.components.iter().map(|c| c.material.clone()).collect())
                .unwrap_or_default(),
            Some(ReagentUse::Materials { materials, .. }) => materials.clone(),
            None => Vec::new(),
        }
    }

    /// The liquid that wets the foil: the reagent's solvents, else what the step names.
    pub fn liquids(&self) -> Vec<String> {
        match self.reagent() {
            Some(reagent) if !reagent.solvents.is_empty() => reagent.solvents.clone(),
            _ => self.solutes(),
        }
    }

    pub fn material(&self, key: &str) -> Option<&'a Material> {
        self.db.lookup(key)
    }

    /// Whether the step's temperature melts the Li (its melting point from the data).
    pub fn li_molten(&self) -> bool {
        self.material("Li")
            .and_then(|li| li.melt_c)
            .is_some_and(|melt| self.step.temperature_k() >= melt + 273.15)
    }

    /// `coat` in backticks, for notes.
    pub fn name(&self) -> String {
        format!("`{}`", self.step.name)
    }
}
