//! `seipc schedule --export-minizinc`: the model compiles, and a MiniZinc solver (Gecode,
//! from Debian's `minizinc` package) solves a small lab problem to the optimum the exact
//! engine proves, with a plan the independent checker accepts. Skipped (with a note)
//! where `minizinc` is not installed.

use std::process::Command;
use std::time::Duration;

use seip::emit::minizinc::model;
use seip::emit::schedule::from_json;
use seip::plan::schedule::{Engine, Machine, Operation, Problem, SolveOptions, proven_optimal, solve, verify};

/// Two samples: a hot plate one at a time (preheated to 400 K), then a tube furnace
/// that takes two, pumps down and ramps with them inside, within an hour of the plate;
/// the furnace's second step stays in the chamber.
fn lab() -> Problem {
    let machines = vec![
        Machine {
            name: "plate".into(),
            capacity: 1,
            setup_s: 0.0,
            vent_s: 0.0,
            ramp_k_per_s: Some(1.0),
            ramp_inside: false,
            ..Machine::default()
        },
        Machine {
            name: "furnace".into(),
            capacity: 2,
            setup_s: 60.0,
            vent_s: 30.0,
            ramp_k_per_s: Some(0.5),
            ramp_inside: true,
            ..Machine::default()
        },
    ];
    let mut operations = Vec::new();
    let mut precedences = Vec::new();
    let mut in_situ = Vec::new();
    for sample in 0..2 {
        let first = operations.len();
        operations.push(Operation {
            machine: Some(0),
            duration_s: 300.0 + 100.0 * sample as f64,
            batch_key: 1,
            setpoint_k: Some(398.15),
            max_wait_s: Some(3600.0),
        });
        operations.push(Operation {
            machine: Some(1),
            duration_s: 900.0,
            batch_key: 2,
            setpoint_k: Some(498.15),
            max_wait_s: None,
        });
        operations.push(Operation {
            machine: Some(1),
            duration_s: 600.0,
            batch_key: 3,
            setpoint_k: Some(598.15),
            max_wait_s: None,
        });
        precedences.push((first, first + 1));
        precedences.push((first + 1, first + 2));
        in_situ.push((first + 1, first + 2));
    }
    Problem {
        machines,
        operations,
        precedences,
        in_situ,
    }
}

#[test]
fn minizinc_solves_the_model_to_the_exact_engines_optimum() {
    let problem = lab();
    let options = SolveOptions {
        engine: Engine::Exact,
        ..SolveOptions::new(Duration::from_secs(60), 1)
    };
    let exact = solve(&problem, &options).expect("the lab has a plan");
    assert_eq!(verify(&problem, &exact), Ok(()));
    assert!(
        proven_optimal(&exact),
        "{} above {}",
        exact.makespan_s,
        exact.lower_bound_s
    );

    let dir = std::env::temp_dir().join(format!("seip-minizinc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lab.mzn");
    std::fs::write(&path, model(&problem)).unwrap();
    let run = Command::new("minizinc")
        .args(["--solver", "gecode", "--time-limit", "120000"])
        .arg(&path)
        .output();
    let Ok(run) = run else {
        eprintln!("note: `minizinc` is not installed; the MiniZinc model was not solved");
        return;
    };
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "minizinc failed: {stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("=========="), "not solved to optimality: {stdout}");
    // The last solution printed is the optimum.
    let last = stdout
        .split("----------")
        .filter(|part| part.contains("makespan_s"))
        .last()
        .expect("a solution");
    let value: serde_json::Value = serde_json::from_str(last.trim()).expect("the output is JSON");
    let schedule = from_json(&problem, &value).expect("a schedule");
    assert_eq!(verify(&problem, &schedule), Ok(()));
    assert!(
        (schedule.makespan_s - exact.makespan_s).abs() < 1e-6,
        "minizinc {} vs exact {}",
        schedule.makespan_s,
        exact.makespan_s
    );
    let _ = std::fs::remove_dir_all(&dir);
}
