//! Step 4: the predicted layer stack and the budgets checked on it.
//!
//! [`stack::predict`] walks each protocol's steps and applies one effect model per step
//! (deposition, conversion, growth, electrochemistry, removal, mechanical work); the
//! models, their equations, parameters and sources are in `spec/models.md`, and their
//! data in `data/reactions.tsv`, `data/growth.tsv` and `data/electrochem.tsv`.
//! [`table::render_table`] shows the result as a table; `emit::stack_svg` draws it.

pub mod budget;
mod context;
mod conversion;
mod data;
mod deposition;
mod duration;
pub mod electrochem;
pub(crate) mod format;
mod growth;
mod kinetics;
pub mod layer;
mod notes;
pub mod quantity;
mod removal;
mod solution;
pub mod stack;
mod state;
pub mod table;

use crate::sema::chemistry::{Chemistry, Reaction};

/// What thermodynamics says of a reaction with the built-in model data: its free energy
/// per mol Li and whether it runs on contact, on its triggers only, or never.
pub fn reaction_drive(reaction: &Reaction, chemistry: &Chemistry) -> String {
    let data = &data::ModelData::builtin().conversion;
    conversion::Drive::of(reaction, &chemistry.thermo, &chemistry.materials, data).describe(data)
}
