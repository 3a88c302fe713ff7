//! Step 2: meaning. Names are resolved, quantities bound to operation parameters by
//! dimension, and each workpiece's steps walked to check phases, reactivity and
//! atmosphere.

pub mod units;
pub mod library;
mod tsv;
pub mod bind;
pub mod names;
pub mod program;
pub mod materials;
pub mod phases;

use crate::diagnostics::Diagnostic;
use crate::syntax::ast;
use library::Library;
use materials::MaterialDb;
use program::Program;

/// Resolves names and binds quantities, then walks each workpiece's steps.
pub fn check(file: &ast::File, library: &Library, materials: &MaterialDb) -> (Program, Vec<Diagnostic>) {
    let (program, mut diagnostics) = names::Resolver::new(library, materials).resolve(file);
    diagnostics.extend(phases::check(&program, library, materials));
    (program, diagnostics)
}
