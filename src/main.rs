//! `seipc`, the command-line front of the seip library: reads files, picks the output
//! format and colour, writes results, and maps outcomes to exit codes
//! (0 success, 1 errors in the input, 2 usage or I/O errors).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use seip::diagnostics::{self, Diagnostic, codes, json, render};
use seip::emit::vocabulary::{self, Vocabulary};
use seip::sema::chemistry::Chemistry;
use seip::sema::library::Library;

mod watch;

#[derive(Parser)]
#[command(
    name = "seipc",
    version,
    about = "Compiler for surface-engineering pretreatment protocols of Li-metal anodes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
}

#[derive(Subcommand)]
enum Command {
    /// Check recipes and report their problems (exit code: the worst of the files').
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Seconds the schedule optimiser may search, for a file whose steps set a
        /// `max_wait` (only a schedule shows whether it can be met, E0503).
        #[arg(long, default_value_t = 2.0)]
        time_limit: f64,
        #[command(flatten)]
        reporting: Reporting,
        /// Check again each time a file is saved, clearing the terminal first; Ctrl-C
        /// stops (exit code: the last check's).
        #[arg(long)]
        watch: bool,
    },
    /// Check a recipe and write what the compiler derives from it into a folder.
    Build {
        file: PathBuf,
        /// The folder to write into (created if missing); default `out/<file stem>`.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Seconds the schedule optimiser may search.
        #[arg(long, default_value_t = 2.0)]
        time_limit: f64,
        /// Which scheduling engine plans (see `seipc schedule --help`).
        #[arg(long, value_enum, default_value_t = EngineChoice::Heuristic)]
        engine: EngineChoice,
        #[command(flatten)]
        reporting: Reporting,
        /// Build again each time the file is saved, clearing the terminal first; Ctrl-C
        /// stops (exit code: the last build's).
        #[arg(long)]
        watch: bool,
    },
    /// Predict the layers on the foil after every step and print them as a table.
    Stack {
        file: PathBuf,
        /// Print the stacks as JSON (per protocol, per step: layers, Li consumed and left,
        /// coating, budgets) instead; with `--message-format json`, the diagnostics are
        /// in the same document.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        reporting: Reporting,
    },
    /// Plan every protocol's batch on the file's tools and print each tool's timeline.
    Schedule {
        file: PathBuf,
        /// Print one JSON object (makespan, lower bound, every operation) instead; with
        /// `--message-format json`, the diagnostics are in the same document.
        #[arg(long)]
        json: bool,
        /// Seconds of search: the same work on every machine (about that many seconds'
        /// worth on a loaded 2-core one, so the same plan), with the clock as a cap; it
        /// stops earlier at the lower bound or when it stagnates.
        #[arg(long, default_value_t = 2.0)]
        time_limit: f64,
        /// Also write the scheduling problem the compiler derived to FILE, as JSON
        /// (`spec/problem.schema.json`).
        #[arg(long, value_name = "FILE")]
        export_problem: Option<PathBuf>,
        /// Also write the scheduling problem as a MiniZinc model with its data inline
        /// (`spec/minizinc.md`), for any MiniZinc solver.
        #[arg(long, value_name = "FILE")]
        export_minizinc: Option<PathBuf>,
        /// Which engine plans: `heuristic` (dispatching and tabu search), `exact` (the
        /// heuristic, then a constraint model that proves its plan optimal, finds a
        /// shorter one or raises the lower bound, within a fixed budget of solver
        /// steps), or `auto` (exact on small problems, heuristic on the others).
        #[arg(long, value_enum, default_value_t = EngineChoice::Heuristic)]
        engine: EngineChoice,
        #[command(flatten)]
        reporting: Reporting,
    },
    /// Check a schedule against a problem, both JSON (`seipc schedule --export-problem`,
    /// `seipc schedule --json`, or any solver's): exit 0 if it meets every rule.
    VerifySchedule { problem: PathBuf, schedule: PathBuf },
    /// Explain a diagnostic code (`seipc explain E0201`) or a material of the built-in
    /// table, with its data and sources (`seipc explain LiF`).
    Explain { name: String },
    /// Rewrite recipes in the canonical layout (files with syntax errors are left alone).
    Fmt {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Change nothing; list the files that would change and exit 1 if there are any.
        #[arg(long)]
        check: bool,
    },
    /// Print a shell completion script, as in `seipc completions bash > seipc.bash`.
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff), as in `seipc man > seipc.1`.
    Man,
    /// List the words the compiler knows: materials, operations, tool kinds,
    /// environments or units, optionally only those whose name contains PATTERN.
    List {
        #[arg(value_enum)]
        what: ListWhat,
        pattern: Option<String>,
    },
    /// Run the language server on stdin and stdout, for editors.
    Lsp,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListWhat {
    Materials,
    Operations,
    ToolKinds,
    Environments,
    Units,
}

#[derive(Clone, Copy, ValueEnum)]
enum EngineChoice {
    Heuristic,
    Exact,
    Auto,
}

impl EngineChoice {
    fn engine(self) -> seip::plan::schedule::Engine {
        use seip::plan::schedule::Engine;
        match self {
            EngineChoice::Heuristic => Engine::Heuristic,
            EngineChoice::Exact => Engine::Exact,
            EngineChoice::Auto => Engine::Auto,
        }
    }
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

/// How a command that checks a recipe reports its diagnostics.
#[derive(clap::Args, Clone, Copy)]
struct Reporting {
    /// `human` for people, `json` for tools (one JSON document on stdout).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// `--deny warnings`: report every warning as an error (exit code 1), as rustc's
    /// `-D warnings` does. A protocol's `allow CODE "reason"` still silences its code.
    #[arg(long, value_enum, value_name = "WHAT")]
    deny: Option<Deny>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Deny {
    /// Every warning.
    Warnings,
}

impl Reporting {
    /// The diagnostics as this run reports them: with `--deny warnings`, warnings as errors.
    fn apply(self, diagnostics: &mut [Diagnostic]) {
        if self.deny == Some(Deny::Warnings) {
            diagnostics::deny_warnings(diagnostics);
        }
    }
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// An error of the command itself (not of the recipe): exit code 2.
struct UsageError(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check {
            files,
            time_limit,
            reporting,
            watch,
        } => time_limit_of(*time_limit).and_then(|limit| {
            let run = |then_exit| check_files(files, limit, *reporting, cli.color, then_exit);
            if *watch {
                watching(files, || run(false))
            } else {
                run(true)
            }
        }),
        Command::Build {
            file,
            out,
            time_limit,
            engine,
            reporting,
            watch,
        } => time_limit_of(*time_limit).and_then(|limit| {
            let run = || {
                build(
                    file,
                    out.as_deref(),
                    plan_options(limit, *engine),
                    *reporting,
                    cli.color,
                )
            };
            if *watch {
                watching(std::slice::from_ref(file), run)
            } else {
                run()
            }
        }),
        Command::Stack { file, json, reporting } => stack(file, *json, *reporting, cli.color),
        Command::Schedule {
            file,
            json,
            time_limit,
            export_problem,
            export_minizinc,
            engine,
            reporting,
        } => time_limit_of(*time_limit).and_then(|limit| {
            schedule(
                file,
                *json,
                plan_options(limit, *engine),
                Exports {
                    problem: export_problem.as_deref(),
                    minizinc: export_minizinc.as_deref(),
                },
                *reporting,
                cli.color,
            )
        }),
        Command::VerifySchedule { problem, schedule } => verify_schedule(problem, schedule),
        Command::Explain { name } => explain(name),
        Command::Fmt { files, check } => fmt(files, *check, cli.color),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "seipc", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
            .render(&mut std::io::stdout())
            .map(|()| ExitCode::SUCCESS)
            .map_err(|e| UsageError(format!("cannot write the manual page: {e}"))),
        Command::List { what, pattern } => {
            let what = match what {
                ListWhat::Materials => Vocabulary::Materials,
                ListWhat::Operations => Vocabulary::Operations,
                ListWhat::ToolKinds => Vocabulary::ToolKinds,
                ListWhat::Environments => Vocabulary::Environments,
                ListWhat::Units => Vocabulary::Units,
            };
            print!(
                "{}",
                vocabulary::list(what, pattern.as_deref(), Library::builtin(), Chemistry::builtin())
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Lsp => lsp(),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// `--watch`: `run` on every save; an error of one run (a file that cannot be read) is
/// reported and the watch goes on.
fn watching(files: &[PathBuf], mut run: impl FnMut() -> Result<ExitCode, UsageError>) -> Result<ExitCode, UsageError> {
    let run = || {
        run().unwrap_or_else(|UsageError(message)| {
            eprintln!("error: {message}");
            ExitCode::from(2)
        })
    };
    watch::watch(files, run).map_err(UsageError)
}

fn time_limit_of(seconds: f64) -> Result<std::time::Duration, UsageError> {
    std::time::Duration::try_from_secs_f64(seconds)
        .map_err(|_| UsageError(format!("`--time-limit {seconds}` is not a number of seconds")))
}

fn read_source(path: &Path) -> Result<Vec<u8>, UsageError> {
    let metadata = std::fs::metadata(path).map_err(|e| UsageError(format!("cannot read `{}`: {e}", path.display())))?;
    if metadata.is_dir() {
        return Err(UsageError(format!(
            "`{}` is a folder, not a recipe file",
            path.display()
        )));
    }
    // Refuse before reading: a huge file must not be loaded to be rejected.
    if metadata.len() > seip::MAX_SOURCE_BYTES as u64 {
        return Err(UsageError(format!(
            "`{}` is {} bytes; the limit is {} bytes ({}: {})",
            path.display(),
            metadata.len(),
            seip::MAX_SOURCE_BYTES,
            codes::FILE_TOO_LARGE.id,
            codes::FILE_TOO_LARGE.slug
        )));
    }
    std::fs::read(path).map_err(|e| UsageError(format!("cannot read `{}`: {e}", path.display())))
}

fn report(diagnostics: &[Diagnostic], path: &str, source: &str, format: MessageFormat, color: ColorChoice) {
    match format {
        MessageFormat::Json => {
            let document = json::document(diagnostics, path, source);
            let text = serde_json::to_string_pretty(&document).unwrap_or_default();
            println!("{text}");
        }
        MessageFormat::Human => {
            let stderr = std::io::stderr();
            let colored = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            let mut out = stderr.lock();
            let _ = write!(out, "{}", render::render(diagnostics, path, source, colored));
            if let Some(summary) = render::summary(diagnostics, path) {
                let _ = writeln!(out, "{summary}");
            }
        }
    }
}

fn exit_code(failed: bool) -> ExitCode {
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Where a run's JSON diagnostics go when they are not a document of their own: into
/// one document with those of other files, or with the `--json` output.
type JsonSink = Vec<serde_json::Value>;

/// Reports `diagnostics` (made errors first with `--deny warnings`), into `sink` when
/// there is one and the format is JSON; returns whether there are errors.
fn report_all(
    diagnostics: &mut [Diagnostic],
    path: &str,
    source: &str,
    reporting: Reporting,
    color: ColorChoice,
    sink: Option<&mut JsonSink>,
) -> bool {
    reporting.apply(diagnostics);
    match (reporting.message_format, sink) {
        (MessageFormat::Json, Some(sink)) => sink.extend(
            json::to_json(diagnostics, path, source)
                .iter()
                .filter_map(|entry| serde_json::to_value(entry).ok()),
        ),
        _ => report(diagnostics, path, source, reporting.message_format, color),
    }
    diagnostics::has_errors(diagnostics)
}

/// Compiles a file and reports; returns the compilation (when the text could be read)
/// and the exit code.
/// With a `json_sink`, JSON diagnostics go into it instead of onto stdout.
fn check(
    path: &Path,
    keep: seip::Keep,
    reporting: Reporting,
    color: ColorChoice,
    json_sink: Option<&mut JsonSink>,
) -> Result<(Option<seip::Compilation>, ExitCode), UsageError> {
    check_scheduling_waits(path, keep, None, reporting, color, json_sink)
}

/// The waiting limits (`max_wait`) of a file without errors, which only a schedule can
/// test: E0503 when one cannot be met, so that `seipc check` agrees with `seipc build`.
fn unmet_waits(source: &str, compilation: &seip::Compilation, time_limit: std::time::Duration) -> Vec<Diagnostic> {
    let waits = compilation
        .program
        .protocols
        .iter()
        .flat_map(|protocol| &protocol.steps)
        .any(|step| step.params.contains_key("max_wait"));
    if !waits || compilation.has_errors() {
        return Vec::new();
    }
    // A compilation kept for its diagnostics has no step graphs to schedule from.
    let full;
    let planned = if compilation.graphs.is_empty() {
        full = seip::compile(source);
        &full
    } else {
        compilation
    };
    seip::schedule(planned, time_limit).1
}

/// [`check`], with the waiting limits scheduled when `waits` gives a time limit.
fn check_scheduling_waits(
    path: &Path,
    keep: seip::Keep,
    waits: Option<std::time::Duration>,
    reporting: Reporting,
    color: ColorChoice,
    json_sink: Option<&mut JsonSink>,
) -> Result<(Option<seip::Compilation>, ExitCode), UsageError> {
    let bytes = read_source(path)?;
    let display = path.display().to_string();
    let (source, decode_error) = seip::decode(&bytes);
    if let Some(diagnostic) = decode_error {
        report_all(&mut [diagnostic], &display, &source, reporting, color, json_sink);
        return Ok((None, ExitCode::from(1)));
    }
    let mut compilation = seip::compile_keeping(&source, keep);
    if let Some(time_limit) = waits {
        let unmet = unmet_waits(&source, &compilation, time_limit);
        compilation.diagnostics.extend(unmet);
        diagnostics::sort(&mut compilation.diagnostics);
    }
    let failed = report_all(
        &mut compilation.diagnostics,
        &display,
        &source,
        reporting,
        color,
        json_sink,
    );
    Ok((Some(compilation), exit_code(failed)))
}

/// Prints the diagnostics of `sink` as one JSON document.
fn print_json_document(sink: JsonSink) {
    let document = serde_json::json!({
        "format_version": seip::emit::json::FORMAT_VERSION,
        "diagnostics": sink,
    });
    println!("{}", serde_json::to_string_pretty(&document).unwrap_or_default());
}

/// Prints the `--json` document of `stack` or `schedule`, with the diagnostics of
/// `sink` inside it under `--message-format json`; without a document (the file has
/// errors), the diagnostics alone.
fn print_with_diagnostics(document: Option<serde_json::Value>, sink: Option<JsonSink>) {
    let text = match (document, sink) {
        (Some(document), Some(diagnostics)) => {
            serde_json::to_string_pretty(&seip::emit::json::WithDiagnostics { document, diagnostics })
        }
        (Some(document), None) => serde_json::to_string_pretty(&document),
        (None, Some(diagnostics)) => return print_json_document(diagnostics),
        (None, None) => return,
    };
    println!("{}", text.unwrap_or_default());
}

/// `seipc check FILE...`: each file in turn; the exit code is the worst of them (a file
/// that cannot be read is reported and counts as 2). JSON diagnostics of every file are
/// one document. With `then_exit`, the process ends next: a single file's compilation is
/// not freed, since freeing a program of 10^5 steps piece by piece takes longer than the
/// operating system takes to reclaim it (`--watch` frees each one).
fn check_files(
    paths: &[PathBuf],
    time_limit: std::time::Duration,
    reporting: Reporting,
    color: ColorChoice,
    then_exit: bool,
) -> Result<ExitCode, UsageError> {
    let mut sink = Vec::new();
    let mut worst = 0u8;
    for path in paths {
        let checked = check_scheduling_waits(
            path,
            seip::Keep::Diagnostics,
            Some(time_limit),
            reporting,
            color,
            Some(&mut sink),
        );
        let code = match checked {
            Ok((compilation, code)) => {
                if then_exit && paths.len() == 1 {
                    std::mem::forget(compilation);
                }
                u8::from(code != ExitCode::SUCCESS)
            }
            Err(UsageError(message)) => {
                eprintln!("error: {message}");
                2
            }
        };
        worst = worst.max(code);
    }
    if reporting.message_format == MessageFormat::Json {
        print_json_document(sink);
    }
    Ok(ExitCode::from(worst))
}

/// Compiles and schedules; reports the scheduling diagnostics too (into `json_sink`
/// when there is one). Returns the compilation, the plan when there is one, and the
/// exit code.
fn compile_and_plan(
    path: &Path,
    options: &seip::plan::schedule::SolveOptions,
    reporting: Reporting,
    color: ColorChoice,
    json_sink: Option<&mut JsonSink>,
) -> Result<(Option<seip::Compilation>, Option<seip::Plan>, ExitCode), UsageError> {
    let bytes = read_source(path)?;
    let display = path.display().to_string();
    let (source, decode_error) = seip::decode(&bytes);
    if let Some(diagnostic) = decode_error {
        report_all(&mut [diagnostic], &display, &source, reporting, color, json_sink);
        return Ok((None, None, ExitCode::from(1)));
    }
    let compilation = seip::compile(&source);
    let (plan, plan_diagnostics) = seip::schedule_with(&compilation, options);
    let mut diagnostics = compilation.diagnostics.clone();
    diagnostics.extend(plan_diagnostics);
    diagnostics::sort(&mut diagnostics);
    let failed = report_all(&mut diagnostics, &display, &source, reporting, color, json_sink);
    Ok((Some(compilation), plan, exit_code(failed)))
}

/// Writes a file through `write`, buffered: for outputs too large to build in memory first.
fn write_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), UsageError> {
    let cannot = |e: std::io::Error| UsageError(format!("cannot write `{}`: {e}", path.display()));
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(cannot)?);
    write(&mut file).and_then(|()| file.flush()).map_err(cannot)?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

fn write_file(path: &Path, contents: &str) -> Result<(), UsageError> {
    std::fs::write(path, contents).map_err(|e| UsageError(format!("cannot write `{}`: {e}", path.display())))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

fn stack(path: &Path, json: bool, reporting: Reporting, color: ColorChoice) -> Result<ExitCode, UsageError> {
    let mut sink = (json && reporting.message_format == MessageFormat::Json).then(Vec::new);
    let (compilation, code) = check(path, seip::Keep::Everything, reporting, color, sink.as_mut())?;
    // An exceeded budget is an error about the stack, not in it: the table is what shows
    // by how much, so it is printed beside the error (as beside a denied warning). What
    // stops only the schedule (an unknown duration, too many operations) leaves the
    // stack as it is.
    const BESIDE_THE_STACK: [diagnostics::Code; 4] = [
        codes::BUDGET_EXCEEDED,
        codes::OVER_STRIP,
        codes::UNKNOWN_DURATION,
        codes::TOO_MANY_OPERATIONS,
    ];
    let printable = |c: &&seip::Compilation| {
        c.diagnostics
            .iter()
            .all(|d| !d.code.is_error() || BESIDE_THE_STACK.contains(&d.code))
    };
    match (compilation.as_ref().filter(printable), json) {
        (Some(compilation), true) if sink.is_none() => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            seip::emit::json::write_stacks(compilation, &mut out)
                .and_then(|()| writeln!(out))
                .and_then(|()| out.flush())
                .map_err(|e| UsageError(format!("cannot write the stacks: {e}")))?;
        }
        (compilation, true) => print_with_diagnostics(compilation.map(seip::emit::json::stacks), sink),
        (Some(compilation), false) => print!(
            "{}",
            seip::emit::stack_table::render_table(&compilation.program, &compilation.stacks)
        ),
        (None, false) => {}
    }
    // The process ends next (see `check_files`).
    std::mem::forget(compilation);
    Ok(code)
}

/// The scheduler's options: the default work limits, `time_limit` as a cap.
fn plan_options(time_limit: std::time::Duration, engine: EngineChoice) -> seip::plan::schedule::SolveOptions {
    seip::plan::schedule::SolveOptions {
        engine: engine.engine(),
        ..seip::schedule_options(time_limit)
    }
}

/// Where `seipc schedule` also writes the problem.
struct Exports<'a> {
    problem: Option<&'a Path>,
    minizinc: Option<&'a Path>,
}

fn schedule(
    path: &Path,
    json: bool,
    options: seip::plan::schedule::SolveOptions,
    exports: Exports,
    reporting: Reporting,
    color: ColorChoice,
) -> Result<ExitCode, UsageError> {
    let mut sink = (json && reporting.message_format == MessageFormat::Json).then(Vec::new);
    let (compilation, plan, code) = compile_and_plan(path, &options, reporting, color, sink.as_mut())?;
    if let (Some(path), Some(plan)) = (exports.problem, &plan) {
        let value = seip::emit::schedule::problem_json(&plan.expansion);
        write_with(path, |file| {
            serde_json::to_writer_pretty(&mut *file, &value).map_err(std::io::Error::other)
        })?;
    }
    if let (Some(path), Some(plan)) = (exports.minizinc, &plan) {
        write_file(path, &seip::emit::minizinc::model(&plan.expansion.problem))?;
    }
    let planned = compilation.as_ref().zip(plan.as_ref());
    if json {
        let document = planned
            .map(|(compilation, plan)| seip::emit::schedule::to_json(compilation, &plan.expansion, &plan.schedule));
        print_with_diagnostics(document, sink);
    } else if let Some((compilation, plan)) = planned {
        print!(
            "{}",
            seip::emit::schedule::timeline(compilation, &plan.expansion, &plan.schedule)
        );
    }
    // The process ends next (see `check_files`).
    std::mem::forget((compilation, plan));
    Ok(code)
}

fn build(
    path: &Path,
    out: Option<&Path>,
    options: seip::plan::schedule::SolveOptions,
    reporting: Reporting,
    color: ColorChoice,
) -> Result<ExitCode, UsageError> {
    let (compilation, plan, code) = compile_and_plan(path, &options, reporting, color, None)?;
    // A denied warning stops the build as an error does.
    let denied = |c: &seip::Compilation| reporting.deny.is_some() && !c.diagnostics.is_empty();
    let Some(compilation) = compilation.filter(|c| !c.has_errors() && !denied(c)) else {
        return Ok(code);
    };
    let out = match out {
        Some(out) => out.to_path_buf(),
        None => Path::new("out").join(path.file_stem().unwrap_or_default()),
    };
    std::fs::create_dir_all(&out).map_err(|e| UsageError(format!("cannot create `{}`: {e}", out.display())))?;
    write_with(&out.join("program.json"), |file| {
        seip::emit::json::write_program(&compilation, file)
    })?;
    write_file(&out.join("dag.dot"), &seip::emit::dot::to_dot(&compilation))?;
    write_file(
        &out.join("stack.svg"),
        &seip::emit::stack_svg::stack_svg(&compilation.program, &compilation.stacks),
    )?;
    let sheets = plan.as_ref().map_or_else(Vec::new, |plan| {
        seip::emit::schedule::run_sheets(&compilation, &plan.expansion, &plan.schedule)
    });
    remove_stale_run_sheets(&out, &sheets)?;
    if let Some(plan) = plan {
        let schedule = seip::emit::schedule::to_json(&compilation, &plan.expansion, &plan.schedule);
        write_file(
            &out.join("schedule.json"),
            &serde_json::to_string_pretty(&schedule).unwrap_or_default(),
        )?;
        write_file(
            &out.join("gantt.svg"),
            &seip::emit::gantt::to_svg(&compilation, &plan.expansion, &plan.schedule),
        )?;
        for (name, sheet) in &sheets {
            write_file(&out.join(name), sheet)?;
        }
        eprintln!("{}", seip::emit::schedule::summary(&plan.schedule));
    }
    Ok(code)
}

/// Serves the language protocol on stdio until the editor shuts the server down.
fn lsp() -> Result<ExitCode, UsageError> {
    if std::io::stdin().is_terminal() {
        eprintln!("seipc lsp: a language server; an editor starts it and talks to it on stdin and stdout");
    }
    let (connection, io_threads) = lsp_server::Connection::stdio();
    seip::lsp::run(&connection).map_err(|e| UsageError(format!("language server: {e}")))?;
    // The writer thread ends once every sender is gone.
    drop(connection);
    io_threads
        .join()
        .map_err(|e| UsageError(format!("language server: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// Removes the `runsheet-*.md` of an earlier build that this one does not write (a tool
/// renamed or removed, or no schedule): an operator must not follow a stale sheet.
fn remove_stale_run_sheets(out: &Path, sheets: &[(String, String)]) -> Result<(), UsageError> {
    let cannot = |e: std::io::Error| UsageError(format!("cannot clean `{}`: {e}", out.display()));
    for entry in std::fs::read_dir(out).map_err(cannot)? {
        let path = entry.map_err(cannot)?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let stale = name.starts_with("runsheet-")
            && name.ends_with(".md")
            && !sheets.iter().any(|(written, _)| written == name);
        if stale {
            std::fs::remove_file(&path).map_err(cannot)?;
            eprintln!("removed {}", path.display());
        }
    }
    Ok(())
}

/// The section of `spec/diagnostics.md` about one code.
fn verify_schedule(problem: &Path, schedule: &Path) -> Result<ExitCode, UsageError> {
    let read = |path: &Path| -> Result<serde_json::Value, UsageError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| UsageError(format!("cannot read `{}`: {e}", path.display())))?;
        serde_json::from_str(&text).map_err(|e| UsageError(format!("`{}` is not JSON: {e}", path.display())))
    };
    let problem: seip::plan::schedule::Problem = serde_json::from_value(read(problem)?)
        .map_err(|e| UsageError(format!("`{}` is not a scheduling problem: {e}", problem.display())))?;
    let schedule = seip::emit::schedule::from_json(&problem, &read(schedule)?)
        .map_err(|e| UsageError(format!("`{}` is not a schedule: {e}", schedule.display())))?;
    match seip::plan::schedule::verify(&problem, &schedule) {
        Ok(()) => {
            println!("the schedule meets every rule of the problem");
            Ok(ExitCode::SUCCESS)
        }
        Err(complaints) => {
            for complaint in complaints {
                println!("{complaint}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

fn explain(name: &str) -> Result<ExitCode, UsageError> {
    let chemistry = Chemistry::builtin();
    if let Some(material) = chemistry.materials.lookup(name) {
        print!("{}", vocabulary::explain_material(material, chemistry));
        return Ok(ExitCode::SUCCESS);
    }
    let Some(code) = codes::find(name) else {
        let candidates = codes::ALL.iter().map(|c| c.id).chain(chemistry.materials.names());
        let help = diagnostics::suggest::closest(name, candidates)
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default();
        return Err(UsageError(format!(
            "`{name}` is neither a diagnostic code nor a material{help} (`seipc list materials` lists them)"
        )));
    };
    let Some(text) = diagnostics::explain::explanation(code) else {
        return Err(UsageError(format!(
            "`{}` is not documented in spec/diagnostics.md",
            code.id
        )));
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// `seipc fmt`: formats each file in place, or with `check` names those that would
/// change. Exit code: 2 if a file cannot be read or written, else 1 if one has syntax
/// errors or (with `check`) would change, else 0.
fn fmt(paths: &[PathBuf], check: bool, color: ColorChoice) -> Result<ExitCode, UsageError> {
    let mut worst = 0u8;
    for path in paths {
        let code = fmt_one(path, check, color).unwrap_or_else(|UsageError(message)| {
            eprintln!("error: {message}");
            2
        });
        worst = worst.max(code);
    }
    Ok(ExitCode::from(worst))
}

fn fmt_one(path: &Path, check: bool, color: ColorChoice) -> Result<u8, UsageError> {
    let bytes = read_source(path)?;
    let display = path.display().to_string();
    let (source, decode_error) = seip::decode(&bytes);
    if let Some(diagnostic) = decode_error {
        report(&[diagnostic], &display, &source, MessageFormat::Human, color);
        return Ok(1);
    }
    let formatted = match seip::format::format(&source) {
        Ok(formatted) => formatted,
        Err(diagnostics) => {
            report(&diagnostics, &display, &source, MessageFormat::Human, color);
            return Ok(1);
        }
    };
    if formatted == source {
        return Ok(0);
    }
    if check {
        println!("{display}");
        return Ok(1);
    }
    std::fs::write(path, formatted).map_err(|e| UsageError(format!("cannot write `{display}`: {e}")))?;
    eprintln!("formatted {display}");
    Ok(0)
}
