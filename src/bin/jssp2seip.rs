//! `jssp2seip INSTANCE.txt [--name NAME] > out.seip`: writes a classic job-shop
//! instance as a seip recipe file, so the benchmarks can also be run through the whole
//! compiler.
//!
//! Each job-shop machine becomes a hot plate for one sample at a time, each job a
//! protocol on a Li foil, and each step a `rest` on its machine for the step's duration
//! in seconds: `rest` runs on hot plates and takes an exact duration, so the recipe's
//! schedule is the job shop's. Steps of no duration are left out (seip steps take
//! time; among the classic instances only orb07 has one), with a warning.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use seip::plan::schedule::jssp::{self, JobShop};

#[derive(Parser)]
#[command(name = "jssp2seip", about = "Writes a job-shop instance as a seip recipe file")]
struct Args {
    /// The instance: a line `jobs machines`, then per job its `machine duration` pairs.
    instance: PathBuf,
    /// Named in the file's header comment (default: the instance's file name).
    #[arg(long)]
    name: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let shop = match std::fs::read_to_string(&args.instance)
        .map_err(|e| e.to_string())
        .and_then(|t| jssp::parse(&t))
    {
        Ok(shop) => shop,
        Err(error) => {
            eprintln!("jssp2seip: {}: {error}", args.instance.display());
            return ExitCode::FAILURE;
        }
    };
    let name = args.name.unwrap_or_else(|| {
        args.instance
            .file_stem()
            .map_or_else(|| "instance".to_string(), |stem| stem.to_string_lossy().into_owned())
    });
    let (text, dropped) = to_seip(&shop, &name);
    if dropped > 0 {
        eprintln!("jssp2seip: warning: {dropped} step(s) of no duration left out; the optimum may differ");
    }
    print!("{text}");
    ExitCode::SUCCESS
}

/// The recipe file for `shop`, and how many steps of no duration it leaves out.
fn to_seip(shop: &JobShop, name: &str) -> (String, usize) {
    let mut dropped = 0;
    let mut out = format!(
        "// Job-shop instance {name}: {} jobs on {} machines (written by jssp2seip).\n\
         // Each machine is a hot plate taking one sample at a time; each step rests on\n\
         // its machine for the step's duration.\n",
        shop.jobs.len(),
        shop.machines
    );
    for m in 0..shop.machines {
        out += &format!("tool m{m}: hot_plate in glovebox {{ capacity: 1 }}\n");
    }
    for (j, job) in shop.jobs.iter().enumerate() {
        out += &format!("\nprotocol \"job-{j}\" {{\n    substrate li: Li foil {{ thickness: 50 um, area: 1 cm2 }}\n");
        for (k, (machine, duration)) in job.iter().enumerate() {
            if *duration == 0 {
                dropped += 1;
            } else {
                out += &format!("    step o{k}: rest for {duration} s using m{machine}\n");
            }
        }
        out += "}\n";
    }
    (out, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_one_tool_per_machine_and_one_protocol_per_job() {
        let shop = jssp::parse("2 2\n0 3 1 2\n1 4 0 1\n").expect("valid instance");
        let (text, dropped) = to_seip(&shop, "tiny");
        assert_eq!(dropped, 0);
        assert_eq!(
            text,
            "// Job-shop instance tiny: 2 jobs on 2 machines (written by jssp2seip).\n\
             // Each machine is a hot plate taking one sample at a time; each step rests on\n\
             // its machine for the step's duration.\n\
             tool m0: hot_plate in glovebox { capacity: 1 }\n\
             tool m1: hot_plate in glovebox { capacity: 1 }\n\
             \n\
             protocol \"job-0\" {\n    substrate li: Li foil { thickness: 50 um, area: 1 cm2 }\n\
             \x20   step o0: rest for 3 s using m0\n\
             \x20   step o1: rest for 2 s using m1\n\
             }\n\
             \n\
             protocol \"job-1\" {\n    substrate li: Li foil { thickness: 50 um, area: 1 cm2 }\n\
             \x20   step o0: rest for 4 s using m1\n\
             \x20   step o1: rest for 1 s using m0\n\
             }\n"
        );
    }

    #[test]
    fn the_recipe_compiles_without_errors_and_leaves_out_empty_steps() {
        let shop = jssp::parse("2 3\n0 3 1 2 2 5\n2 4 0 1 1 0\n").expect("valid instance");
        let (text, dropped) = to_seip(&shop, "tiny");
        assert_eq!(dropped, 1);
        assert!(!text.contains("rest for 0 s"));
        let compilation = seip::compile(&text);
        assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
        assert_eq!(compilation.program.protocols.len(), 2);
    }
}
