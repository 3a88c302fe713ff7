//! Step 2: meaning. The file's own operations, tool kinds, materials and reactions join
//! the built-in ones; names are resolved, quantities bound to operation parameters by
//! dimension, and each step's reagent and precursors checked at its temperature
//! ([`reagents`]). What they do to the foil is judged in `crate::physics`.

pub mod bind;
pub mod chemistry;
pub mod declarations;
pub mod electrolyte;
pub mod library;
pub mod materials;
pub mod names;
pub mod program;
pub mod reagents;
pub mod thermo;
pub(crate) mod tsv;
pub mod units;

use crate::diagnostics::Diagnostic;
use crate::span::Span;
use crate::syntax::ast;
use chemistry::Chemistry;
use library::Library;
use program::Program;
use std::borrow::Cow;

/// Adds the file's own operations and tool kinds to the library, resolves names and
/// binds quantities. Returns the library the program was checked against, which later
/// stages use too. The checks of each step's reagent are [`reagents::check`], and the walk
/// over each workpiece's steps is `crate::physics::predict`, both run on the program this
/// returns.
///
/// `syntax_errors` are where the parser reported errors, and `lost_names` the names that
/// the items it could not read declared: the checks keep quiet about what those errors
/// may have swallowed.
pub fn resolve(
    file: &ast::File,
    builtin: &Library,
    syntax_errors: &[Span],
    lost_names: &[&str],
) -> (Program, Library, Cow<'static, Chemistry>, Vec<Diagnostic>) {
    let (library, mut diagnostics) = declarations::extend(builtin, file);
    let (chemistry, chemistry_diagnostics) = chemistry::declare(file);
    diagnostics.extend(chemistry_diagnostics);
    let (program, resolve_diagnostics) =
        names::Resolver::new(&library, &chemistry, syntax_errors, lost_names).resolve(file);
    diagnostics.extend(resolve_diagnostics);
    (program, library, chemistry, diagnostics)
}
