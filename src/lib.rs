//! seip: a compiler for surface-engineering pretreatment protocols of Li-metal anodes.
//!
//! The pipeline, each stage a function of the last one's output (see
//! `spec/architecture.md`):
//!
//! ```text
//! text -> syntax (tokens, tree) -> sema (names, units, reagents)
//!      -> physics (one walk of each workpiece: the rules, the effect models of `model`,
//!         the budgets) -> plan (step graph, schedule) -> emit (JSON, pictures)
//! ```
//!
//! The library is pure: text in, values out. Reading files and printing is the
//! business of the `seipc` binary.

pub mod diagnostics;
pub mod emit;
pub mod format;
pub mod lsp;
pub mod model;
pub mod physics;
pub mod plan;
pub mod sema;
pub mod span;
pub mod syntax;

use std::borrow::Cow;

use diagnostics::{Diagnostic, codes};
use physics::ProtocolStack;
use plan::dag::StepGraph;
use sema::chemistry::Chemistry;
use sema::library::Library;
use sema::program::Program;
use span::Span;

/// The largest source accepted. Spans are 32-bit, and a recipe file of this size is
/// room for a generated design-of-experiments file of several hundred thousand steps.
pub const MAX_SOURCE_BYTES: usize = 32 * 1024 * 1024;

/// The most protocols a file may hold: a design-of-experiments study of 10^5 variants.
/// Past it, a file of tiny protocols would cost more memory per byte than the stages are
/// built for; the tree is read, and nothing more.
pub const MAX_PROTOCOLS: usize = 100_000;

/// From this many steps on, the reagent checks and the step graphs run on a second thread
/// beside the stacks; below it, starting a thread costs more than it saves.
const PARALLEL_STEPS: usize = 2_000;

/// Everything the compiler knows about one file.
#[derive(Debug)]
pub struct Compilation {
    pub program: Program,
    /// The operation library the program was checked against: the built-in one plus
    /// the file's own operations and tool kinds.
    pub library: Library,
    /// The materials and reactions the program was checked and modelled with: the
    /// built-in tables plus the file's own declarations.
    pub chemistry: Cow<'static, Chemistry>,
    /// One step graph per protocol (none when compiled with [`Keep::Diagnostics`]).
    pub graphs: Vec<StepGraph>,
    /// One predicted stack per protocol (none when compiled with [`Keep::Diagnostics`]).
    pub stacks: Vec<ProtocolStack>,
    /// In source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }
}

/// A schedule of every protocol's batch on the file's tools.
#[derive(Debug)]
pub struct Plan {
    pub expansion: plan::expand::Expansion,
    pub schedule: plan::schedule::Schedule,
}

/// Plans the batches of a compiled file on its tools, searching for `time_limit` at most.
/// Returns no plan when the file has errors (the compilation's diagnostics say which),
/// or the diagnostic of why the batches cannot be scheduled (E0503, E0504).
pub fn schedule(compilation: &Compilation, time_limit: std::time::Duration) -> (Option<Plan>, Vec<Diagnostic>) {
    schedule_with(compilation, &schedule_options(time_limit))
}

/// The options [`schedule`] plans with: the heuristic engine, the default work limit,
/// seed 0, `time_limit` as a cap.
pub fn schedule_options(time_limit: std::time::Duration) -> plan::schedule::SolveOptions {
    plan::schedule::SolveOptions::new(time_limit, 0)
}

/// Plans the batches of a compiled file like [`schedule`], with the given options (the
/// engine, the budgets).
pub fn schedule_with(
    compilation: &Compilation,
    options: &plan::schedule::SolveOptions,
) -> (Option<Plan>, Vec<Diagnostic>) {
    if compilation.has_errors() {
        return (None, Vec::new());
    }
    // The durations and the size are checked by `compile` (`plan::expand::check`).
    let Some(expansion) = plan::expand::expand(&compilation.program, &compilation.graphs, &compilation.library) else {
        return (None, Vec::new());
    };
    match plan::schedule::solve(&expansion.problem, options) {
        Ok(schedule) => (Some(Plan { expansion, schedule }), Vec::new()),
        Err(error) => {
            let diagnostic = schedule_error(compilation, &expansion, &error);
            (None, vec![diagnostic])
        }
    }
}

fn schedule_error(
    compilation: &Compilation,
    expansion: &plan::expand::Expansion,
    error: &plan::schedule::ScheduleError,
) -> Diagnostic {
    use plan::schedule::ScheduleError;
    let step_of = |op: usize| {
        let origin = expansion.origins[op];
        &compilation.program.protocols[origin.protocol].steps[origin.step]
    };
    match error {
        ScheduleError::MaxWaitUnmet {
            before,
            after,
            max_wait_s,
            wait_s,
            reason,
        } => {
            let time = const { sema::units::Dimension::called("time") };
            let (first, second) = (step_of(*before), step_of(*after));
            Diagnostic::new(
                codes::MAX_WAIT_UNMET,
                format!(
                    "`{}` cannot start within {} of `{}`",
                    second.name,
                    sema::units::display(*max_wait_s, time),
                    first.name
                ),
                first.param_span("max_wait"),
                format!(
                    "at most {} of waiting after this step",
                    sema::units::display(*max_wait_s, time)
                ),
            )
            .with_label(
                second.span,
                format!("this step waits {} at best", sema::units::display(*wait_s, time)),
            )
            .with_note(reason.clone())
            .with_help("give the next tool more capacity, shorten its set-up, or relax `max_wait`")
        }
        other => Diagnostic::new(
            codes::UNSCHEDULABLE,
            format!("the batches cannot be scheduled: {other}"),
            Span::new(0, 0),
            "in this file",
        ),
    }
}

/// E0109 when the file holds more than [`MAX_PROTOCOLS`] protocols.
fn too_many_protocols(file: &syntax::ast::File) -> Option<Diagnostic> {
    let names: Vec<Span> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syntax::ast::Item::Protocol(protocol) => Some(protocol.name.span),
            _ => None,
        })
        .collect();
    let first_over = *names.get(MAX_PROTOCOLS)?;
    Some(
        Diagnostic::new(
            codes::TOO_MANY_PROTOCOLS,
            format!("the file has {} protocols; the limit is {MAX_PROTOCOLS}", names.len()),
            first_over,
            "the first protocol over the limit",
        )
        .with_help("split the protocols over several files"),
    )
}

/// A compilation that stopped at a limit: no program, only the diagnostics.
fn refused(library: &Library, diagnostics: Vec<Diagnostic>) -> Compilation {
    Compilation {
        program: Program {
            tools: Vec::new(),
            protocols: Vec::new(),
        },
        library: library.clone(),
        chemistry: Cow::Borrowed(Chemistry::builtin()),
        graphs: Vec::new(),
        stacks: Vec::new(),
        diagnostics,
    }
}

/// Turns raw file bytes into source text. Text that is not UTF-8 is an error at the
/// first bad byte; the text is still returned (lossily) so the error can be shown.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Option<Diagnostic>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), None),
        Err(error) => {
            let at = error.valid_up_to();
            let bad = error.error_len().unwrap_or(1);
            let diagnostic = Diagnostic::new(
                codes::INVALID_UTF8,
                "the file is not valid UTF-8 text",
                Span::new(at, at + 3),
                format!("byte 0x{:02x} cannot start a UTF-8 character", bytes[at]),
            )
            .with_note(format!("{bad} bad byte(s) at offset {at}"))
            .with_help("save the file as UTF-8");
            (String::from_utf8_lossy(bytes), Some(diagnostic))
        }
    }
}

/// What a compilation keeps besides the program and the diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The step graphs and the stacks after every step, for the outputs.
    Everything,
    /// Nothing more: every stage still runs and reports, but each protocol's graph and
    /// stacks are dropped once checked (`seipc check`).
    Diagnostics,
}

/// Compiles one source text through every stage. Later stages run on what the earlier
/// ones could resolve, so one run reports as much as possible.
pub fn compile(source: &str) -> Compilation {
    compile_keeping(source, Keep::Everything)
}

/// [`compile`], keeping only what `keep` asks for: with [`Keep::Diagnostics`] the
/// compilation's `graphs` and `stacks` are empty.
pub fn compile_keeping(source: &str, keep: Keep) -> Compilation {
    let library = Library::builtin();
    if source.len() > MAX_SOURCE_BYTES {
        let diagnostic = Diagnostic::new(
            codes::FILE_TOO_LARGE,
            format!(
                "the file is {} bytes; the limit is {MAX_SOURCE_BYTES} bytes",
                source.len()
            ),
            Span::new(0, 0),
            "the file starts here",
        )
        .with_help("split the protocols over several files");
        return refused(library, vec![diagnostic]);
    }
    let (file, mut diagnostics) = syntax::parser::parse(source);
    if let Some(diagnostic) = too_many_protocols(&file) {
        diagnostics.push(diagnostic);
        diagnostics::sort(&mut diagnostics);
        return refused(library, diagnostics);
    }
    let syntax_errors: Vec<Span> = diagnostics.iter().map(|d| d.primary.span).collect();
    let lost_names = syntax::parser::lost_declarations(source, &file);
    let (program, library, chemistry, sema_diagnostics) = sema::resolve(&file, library, &syntax_errors, &lost_names);
    // The tree is not needed past this point; freeing it now lowers the peak memory of
    // the stages that follow.
    drop(file);
    diagnostics.extend(sema_diagnostics);
    // The reagent checks, the step graphs and the walk (rules, stacks) are three functions of the
    // program. On a large one the checks and graphs run on a second core; the stacks, the
    // largest, stay on this thread, whose allocator holds the memory the tree gave back.
    let checks_and_graphs = |program: &Program| {
        let mut phase_diagnostics = sema::reagents::check(program, &library, &chemistry);
        phase_diagnostics.extend(sema::electrolyte::check(program, &library, &chemistry));
        let (graphs, plan_diagnostics) = plan::dag::build(program, &library);
        let graphs = if keep == Keep::Everything { graphs } else { Vec::new() };
        (phase_diagnostics, (graphs, plan_diagnostics))
    };
    let stacks = |program: &Program| match keep {
        Keep::Everything => physics::predict(program, &library, &chemistry),
        Keep::Diagnostics => (Vec::new(), physics::check_budgets(program, &library, &chemistry)),
    };
    let ((phase_diagnostics, (graphs, plan_diagnostics)), (stacks, model_diagnostics)) =
        if program.step_count() >= PARALLEL_STEPS {
            std::thread::scope(|scope| {
                let rest = scope.spawn(|| checks_and_graphs(&program));
                let stacks = stacks(&program);
                let rest = rest.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (rest, stacks)
            })
        } else {
            (checks_and_graphs(&program), stacks(&program))
        };
    diagnostics.extend(phase_diagnostics);
    diagnostics.extend(plan_diagnostics);
    diagnostics.extend(model_diagnostics);
    // What the scheduler would refuse or assume: reported here, so that a file `seipc
    // check` passes is one `seipc build` schedules.
    if !diagnostics::has_errors(&diagnostics) {
        diagnostics.extend(plan::expand::check(&program, &library));
    }
    let scopes = program.protocols.iter().map(|protocol| diagnostics::allow::Scope {
        protocol: &protocol.name,
        span: protocol.span,
        allows: &protocol.allows,
    });
    let checked_to_the_end = !diagnostics::has_errors(&diagnostics);
    diagnostics::allow::apply(&mut diagnostics, scopes, checked_to_the_end);
    if program.protocols.is_empty() && !diagnostics::has_errors(&diagnostics) {
        diagnostics.push(
            Diagnostic::new(
                codes::NO_PROTOCOL,
                "the file defines no protocol",
                Span::new(0, 0),
                "nothing to compile",
            )
            .with_help("add a protocol: `protocol \"name\" { substrate li: Li foil ... }`"),
        );
    }
    diagnostics::sort(&mut diagnostics);
    Compilation {
        program,
        library,
        chemistry,
        graphs,
        stacks,
        diagnostics,
    }
}
