//! The physics of a step on a workpiece: the state of a piece between steps
//! ([`state::Piece`]: its layers bottom to top, its Li, what wets it) and the effect model
//! each step runs on it ([`effect::apply`]: deposition, conversion, growth,
//! electrochemistry, removal, mechanical work). The models, their equations, parameters and
//! sources are in `spec/models.md`, their data in `data/reactions.tsv`, `data/growth.tsv`,
//! `data/electrochem.tsv` and the other tables of `data::ModelData`.
//!
//! This module holds physics only: no diagnostics. The walk over each protocol's steps and
//! the rules that read its state are `crate::physics`; the renderers are in `emit`.

pub(crate) mod context;
pub(crate) mod conversion;
pub(crate) mod data;
mod deposition;
pub(crate) mod duration;
pub(crate) mod effect;
pub mod electrochem;
pub(crate) mod format;
mod growth;
mod kinetics;
pub mod layer;
pub(crate) mod notes;
pub mod quantity;
pub(crate) mod removal;
pub mod snapshot;
mod solution;
pub(crate) mod state;

use crate::sema::chemistry::Reaction;

/// What thermodynamics says of a reaction with the built-in model data: its free energy
/// per mol Li and whether it runs on contact, on its triggers only, or never.
pub fn reaction_drive(reaction: &Reaction) -> String {
    let data = &data::ModelData::builtin().conversion;
    conversion::Drive::of(reaction, data).describe(data)
}
