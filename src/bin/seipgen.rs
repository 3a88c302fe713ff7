//! `seipgen`: writes a large, realistic `.seip` file for scale tests and benchmarks.
//!
//! `seipgen protocols STEPS [BATCH] [SEED]` writes about STEPS steps in many protocols;
//! `seipgen batch N` writes one pilot-line protocol run on N samples.

#[path = "../../benches/support/generate.rs"]
mod generate;

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
        _ => return usage(),
    };
    print!("{text}");
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: seipgen protocols STEPS [BATCH] [SEED] | seipgen batch N");
    ExitCode::from(2)
}
