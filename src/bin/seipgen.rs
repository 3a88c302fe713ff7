//! `seipgen`: writes a large, realistic `.seip` file for scale tests and benchmarks.
//!
//! `seipgen protocols STEPS [BATCH] [SEED]` writes about STEPS steps in many protocols;
//! `seipgen batch N` writes one pilot-line protocol run on N samples;
//! `seipgen lab SEED` writes a lab scheduling problem (`benches/support/lab.rs`), and
//! `seipgen lab-problem SEED` the problem the compiler derives from it, as the JSON of
//! `seipc schedule --export-problem` (written whether or not the scheduler finds a plan).

#[path = "../../benches/support/generate.rs"]
mod generate;
#[path = "../../benches/support/lab.rs"]
mod lab;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number =
        |index: usize, default: u64| -> Option<u64> { args.get(index).map_or(Some(default), |text| text.parse().ok()) };
    let text = match args.first().map(String::as_str) {
        Some("protocols") => match (number(1, 1000), number(2, 1), number(3, 1)) {
            (Some(steps), Some(batch), Some(seed)) => {
                generate::protocols(steps as usize, batch.min(u64::from(u32::MAX)) as u32, seed)
            }
            _ => return usage(),
        },
        Some("batch") => match number(1, 100) {
            Some(batch) => generate::one_batch(batch.min(u64::from(u32::MAX)) as u32),
            None => return usage(),
        },
        // In the canonical layout of `seipc fmt`, as the committed set is kept.
        Some("lab") => match number(1, 1).map(|seed| seip::format::format(&lab::lab(seed))) {
            Some(Ok(text)) => text,
            Some(Err(diagnostics)) => {
                eprintln!("seipgen: the generated lab does not parse: {diagnostics:?}");
                return ExitCode::from(1);
            }
            None => return usage(),
        },
        Some("lab-problem") => match number(1, 1).map(lab_problem) {
            Some(Ok(json)) => json,
            Some(Err(message)) => {
                eprintln!("seipgen: {message}");
                return ExitCode::from(1);
            }
            None => return usage(),
        },
        _ => return usage(),
    };
    print!("{text}");
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: seipgen protocols STEPS [BATCH] [SEED] | seipgen batch N | seipgen lab SEED | seipgen lab-problem SEED"
    );
    ExitCode::from(2)
}

/// The scheduling problem of lab `seed`, as JSON.
fn lab_problem(seed: u64) -> Result<String, String> {
    let compilation = seip::compile(&lab::lab(seed));
    if compilation.has_errors() {
        return Err(format!("lab {seed} does not compile: {:?}", compilation.diagnostics));
    }
    let expansion = seip::plan::expand::expand(&compilation.program, &compilation.graphs, &compilation.library)
        .ok_or_else(|| format!("lab {seed} has a step of unknown duration"))?;
    let value = seip::emit::schedule::problem_json(&expansion);
    serde_json::to_string_pretty(&value)
        .map(|json| json + "\n")
        .map_err(|e| e.to_string())
}
