//! The rules that read the state the walk left before a step: on the foil itself
//! ([`foil`]: heat, reagent, room, wetness) and on the layers on it as converted
//! ([`layers`]: dissolved, etched, overheated). Each rule's reason and source is in
//! `spec/diagnostics.md`.

mod foil;
mod layers;

use crate::diagnostics::Diagnostic;
use crate::model::context::Ctx;
use crate::model::state::Piece;

/// Runs every rule on the pieces `touched` by `ctx`'s step (the one it acts on, then the
/// one it joins onto), as they stand before it. The layers of a piece past
/// `physics::MAX_LAYERS` are no longer followed, so only the rules on the foil run there.
pub fn check_step(pieces: &mut [Piece], touched: &[usize], ctx: &Ctx, diagnostics: &mut Vec<Diagnostic>) {
    foil::check(pieces, touched, ctx, diagnostics);
    for &index in touched {
        if pieces[index].unmodelled_from.is_none() {
            layers::check_layers(&mut pieces[index], ctx, diagnostics);
        }
    }
}
