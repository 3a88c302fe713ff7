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
        /// `human` for people, `json` for tools (one JSON array on stdout).
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
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
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
        /// Build again each time the file is saved, clearing the terminal first; Ctrl-C
        /// stops (exit code: the last build's).
        #[arg(long)]
        watch: bool,
    },
    /// Predict the layers on the foil after every step and print them as a table.
    Stack {
        file: PathBuf,
        /// Print the stacks as JSON (per protocol, per step: layers, Li consumed and left,
        /// coating, budgets) instead.
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Plan every protocol's batch on the file's tools and print each tool's timeline.
    Schedule {
        file: PathBuf,
        /// Print one JSON object (makespan, lower bound, every operation) instead.
        #[arg(long)]
        json: bool,
        /// Seconds the optimiser may search at most (it stops earlier when its work is
        /// done, at the lower bound, or when it stagnates).
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
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
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

#[derive(Clone, Copy, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
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
            message_format,
            watch: false,
        } => check_files(files, *message_format, cli.color, true),
        Command::Check {
            files,
            message_format,
            watch: true,
        } => watching(files, || check_files(files, *message_format, cli.color, false)),
        Command::Build {
            file,
            out,
            time_limit,
            engine,
            message_format,
            watch,
        } => time_limit_of(*time_limit).and_then(|limit| {
            let run = || {
                build(
                    file,
                    out.as_deref(),
                    plan_options(limit, *engine),
                    *message_format,
                    cli.color,
                )
            };
            if *watch {
                watching(std::slice::from_ref(file), run)
            } else {
                run()
            }
        }),
        Command::Stack {
            file,
            json,
            message_format,
        } => stack(file, *json, *message_format, cli.color),
        Command::Schedule {
            file,
            json,
            time_limit,
            export_problem,
            export_minizinc,
            engine,
            message_format,
        } => time_limit_of(*time_limit).and_then(|limit| {
            schedule(
                file,
                *json,
                plan_options(limit, *engine),
                Exports {
                    problem: export_problem.as_deref(),
                    minizinc: export_minizinc.as_deref(),
                },
                *message_format,
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

/// Compiles a file and reports; returns the compilation (when the text could be read)
/// and the exit code.
/// With a `json_sink`, JSON diagnostics go into it instead of onto stdout (several files
/// give one array).
fn check(
    path: &Path,
    keep: seip::Keep,
    format: MessageFormat,
    color: ColorChoice,
    mut json_sink: Option<&mut Vec<serde_json::Value>>,
) -> Result<(Option<seip::Compilation>, ExitCode), UsageError> {
    let bytes = read_source(path)?;
    let display = path.display().to_string();
    let (source, decode_error) = seip::decode(&bytes);
    let mut report = |diagnostics: &[Diagnostic]| match (format, json_sink.as_deref_mut()) {
        (MessageFormat::Json, Some(sink)) => sink.extend(
            json::to_json(diagnostics, &display, &source)
                .iter()
                .filter_map(|entry| serde_json::to_value(entry).ok()),
        ),
        _ => report(diagnostics, &display, &source, format, color),
    };
    if let Some(diagnostic) = decode_error {
        report(&[diagnostic]);
        return Ok((None, ExitCode::from(1)));
    }
    let compilation = seip::compile_keeping(&source, keep);
    report(&compilation.diagnostics);
    let code = if compilation.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    Ok((Some(compilation), code))
}

/// `seipc check FILE...`: each file in turn; the exit code is the worst of them (a file
/// that cannot be read is reported and counts as 2).
/// With `then_exit`, the process ends next: a single file's compilation is not freed,
/// since freeing a program of 10^5 steps piece by piece takes longer than the operating
/// system takes to reclaim it (`--watch` frees each one).
fn check_files(
    paths: &[PathBuf],
    format: MessageFormat,
    color: ColorChoice,
    then_exit: bool,
) -> Result<ExitCode, UsageError> {
    if let [path] = paths {
        let (compilation, code) = check(path, seip::Keep::Diagnostics, format, color, None)?;
        if then_exit {
            std::mem::forget(compilation);
        }
        return Ok(code);
    }
    let mut sink = Vec::new();
    let mut worst = 0u8;
    for path in paths {
        let code = match check(path, seip::Keep::Diagnostics, format, color, Some(&mut sink)) {
            Ok((_, code)) if code == ExitCode::SUCCESS => 0,
            Ok(_) => 1,
            Err(UsageError(message)) => {
                eprintln!("error: {message}");
                2
            }
        };
        worst = worst.max(code);
    }
    if let MessageFormat::Json = format {
        println!(
            "{}",
            serde_json::to_string_pretty(&sink).unwrap_or_else(|_| "[]".to_owned())
        );
    }
    Ok(ExitCode::from(worst))
}

/// Compiles and schedules; reports the scheduling diagnostics too. Returns the
/// compilation, the plan when there is one, and the exit code.
fn compile_and_plan(
    path: &Path,
    options: &seip::plan::schedule::SolveOptions,
    format: MessageFormat,
    color: ColorChoice,
) -> Result<(Option<seip::Compilation>, Option<seip::Plan>, ExitCode), UsageError> {
    let bytes = read_source(path)?;
    let display = path.display().to_string();
    let (source, decode_error) = seip::decode(&bytes);
    if let Some(diagnostic) = decode_error {
        report(&[diagnostic], &display, &source, format, color);
        return Ok((None, None, ExitCode::from(1)));
    }
    let compilation = seip::compile(&source);
    let (plan, plan_diagnostics) = seip::schedule_with(&compilation, options);
    let mut diagnostics = compilation.diagnostics.clone();
    diagnostics.extend(plan_diagnostics);
    diagnostics::sort(&mut diagnostics);
    report(&diagnostics, &display, &source, format, color);
    let code = if diagnostics::has_errors(&diagnostics) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    Ok((Some(compilation), plan, code))
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

fn stack(path: &Path, json: bool, format: MessageFormat, color: ColorChoice) -> Result<ExitCode, UsageError> {
    let (compilation, code) = check(path, seip::Keep::Everything, format, color, None)?;
    // An exceeded budget is an error about the stack, not in it: the table is what shows
    // by how much, so it is printed beside the error.
    let printable = |c: &&seip::Compilation| {
        c.diagnostics
            .iter()
            .all(|d| !d.is_error() || d.code == codes::BUDGET_EXCEEDED || d.code == codes::OVER_STRIP)
    };
    if let Some(compilation) = compilation.as_ref().filter(printable) {
        if json {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            seip::emit::json::write_stacks(compilation, &mut out)
                .and_then(|()| writeln!(out))
                .and_then(|()| out.flush())
                .map_err(|e| UsageError(format!("cannot write the stacks: {e}")))?;
        } else {
            print!(
                "{}",
                seip::model::table::render_table(&compilation.program, &compilation.stacks)
            );
        }
    }
    // The process ends next (see `main`).
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
    format: MessageFormat,
    color: ColorChoice,
) -> Result<ExitCode, UsageError> {
    let (compilation, plan, code) = compile_and_plan(path, &options, format, color)?;
    if let (Some(path), Some(plan)) = (exports.problem, &plan) {
        let value = seip::emit::schedule::problem_json(&plan.expansion);
        write_with(path, |file| {
            serde_json::to_writer_pretty(&mut *file, &value).map_err(std::io::Error::other)
        })?;
    }
    if let (Some(path), Some(plan)) = (exports.minizinc, &plan) {
        write_file(path, &seip::emit::minizinc::model(&plan.expansion.problem))?;
    }
    if let (Some(compilation), Some(plan)) = (&compilation, &plan) {
        if json {
            let value = seip::emit::schedule::to_json(compilation, &plan.expansion, &plan.schedule);
            println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        } else {
            print!(
                "{}",
                seip::emit::schedule::timeline(compilation, &plan.expansion, &plan.schedule)
            );
        }
    }
    // The process ends next (see `main`).
    std::mem::forget((compilation, plan));
    Ok(code)
}

fn build(
    path: &Path,
    out: Option<&Path>,
    options: seip::plan::schedule::SolveOptions,
    format: MessageFormat,
    color: ColorChoice,
) -> Result<ExitCode, UsageError> {
    let (compilation, plan, code) = compile_and_plan(path, &options, format, color)?;
    let Some(compilation) = compilation.filter(|c| !c.has_errors()) else {
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
