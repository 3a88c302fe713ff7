//! Scheduler benchmarks.
//!
//! First a table: every classic job-shop instance of `shared/jssp` (ft06, ft10, ft20,
//! la01-la40) solved once with a time limit, with makespan, optimum, gap and time, in
//! the Markdown of `bench/README.md`. Then criterion timings of ft06 and of a synthetic
//! recipe problem: 10 steps x 10 000 samples on batch machines.
//!
//! Environment: `SEIP_JSSP_DIR` (default `../shared/jssp` beside the repository; the
//! table is skipped when it is absent), `SEIP_BENCH_LIMIT_S` (time limit per instance,
//! default 2), `SEIP_BENCH_SEED` (default 1), `SEIP_BENCH_INSTANCES` (comma-separated
//! names, default all of the above), `SEIP_BENCH_TABLE=0` to skip the table. Criterion's
//! own arguments pass through.
//!
//! Then the lab table: every file of `bench/lab/` (`seipgen lab SEED`) compiled and
//! scheduled as `seipc` does, with the work of 2 s and of 10 s (`WORK_PER_SECOND`; the
//! clock only as a distant cap), against the solver's lower bound and the best bounds
//! of `bench/lab/bounds.tsv` when it is there (columns `file`, `lower_bound_s`,
//! `best_s`, `proven`). `SEIP_BENCH_LAB=0` skips it, `SEIP_BENCH_LAB_FILES=lab-01,lab-02`
//! picks files, `SEIP_BENCH_LAB_SECONDS=2,10` sets the budgets.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::Criterion;
use seip::plan::schedule::{
    Machine, Operation, Problem, SolveOptions, WORK_PER_SECOND, jssp, lower_bound, solve, verify,
};

fn main() {
    if std::env::var("SEIP_BENCH_TABLE").as_deref() != Ok("0") {
        job_shop_table();
    }
    if std::env::var("SEIP_BENCH_LAB").as_deref() != Ok("0") {
        lab_table();
    }
    let mut criterion = Criterion::default().configure_from_args();
    bench_ft06(&mut criterion);
    bench_batch(&mut criterion);
    criterion.final_summary();
}

fn jssp_dir() -> PathBuf {
    std::env::var_os("SEIP_JSSP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/jssp")))
}

fn time_limit() -> Duration {
    let seconds = std::env::var("SEIP_BENCH_LIMIT_S")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(seconds)
}

fn seed() -> u64 {
    std::env::var("SEIP_BENCH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

fn default_instances() -> Vec<String> {
    let mut names: Vec<String> = ["ft06", "ft10", "ft20"].iter().map(|s| s.to_string()).collect();
    names.extend((1..=40).map(|k| format!("la{k:02}")));
    names
}

/// `name -> best known upper bound` from `bounds.tsv` (the optimum for every instance
/// of the table).
fn optima(dir: &std::path::Path) -> BTreeMap<String, f64> {
    let Ok(text) = std::fs::read_to_string(dir.join("bounds.tsv")) else {
        return BTreeMap::new();
    };
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            Some((fields.first()?.to_string(), fields.get(4)?.parse().ok()?))
        })
        .collect()
}

fn job_shop_table() {
    let dir = jssp_dir();
    if !dir.join("instances").is_dir() {
        eprintln!("no job-shop instances at {}: skipping the table", dir.display());
        return;
    }
    let optima = optima(&dir);
    let names = std::env::var("SEIP_BENCH_INSTANCES")
        .map(|list| list.split(',').map(str::to_string).collect())
        .unwrap_or_else(|_| default_instances());
    let (limit, seed) = (time_limit(), seed());
    println!("time limit {:.1} s per instance, seed {seed}\n", limit.as_secs_f64());
    println!("| instance | size | makespan | optimum | gap % | lower bound | time s |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut la_gaps = Vec::new();
    for name in names {
        let path = dir.join("instances").join(format!("{name}.txt"));
        let shop = match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| jssp::parse(&t))
        {
            Ok(shop) => shop,
            Err(error) => {
                eprintln!("{}: {error}", path.display());
                continue;
            }
        };
        let problem = shop.to_problem();
        let started = Instant::now();
        let schedule = match solve(
            &problem,
            &SolveOptions {
                work_limit: bench_work(),
                ..SolveOptions::new(limit, seed)
            },
        ) {
            Ok(schedule) => schedule,
            Err(error) => {
                eprintln!("{name}: {error}");
                continue;
            }
        };
        let seconds = started.elapsed().as_secs_f64();
        if let Err(complaints) = verify(&problem, &schedule) {
            eprintln!("{name}: INVALID SCHEDULE: {complaints:?}");
            continue;
        }
        let optimum = optima.get(&name).copied();
        let gap = optimum.map(|opt| 100.0 * (schedule.makespan_s - opt) / opt);
        if name.starts_with("la") {
            la_gaps.extend(gap);
        }
        println!(
            "| {name} | {}x{} | {} | {} | {} | {} | {seconds:.2} |",
            shop.jobs.len(),
            shop.machines,
            schedule.makespan_s,
            optimum.map_or("?".to_string(), |o| o.to_string()),
            gap.map_or("?".to_string(), |g| format!("{g:.2}")),
            schedule.lower_bound_s,
        );
    }
    if !la_gaps.is_empty() {
        let mean = la_gaps.iter().sum::<f64>() / la_gaps.len() as f64;
        let optimal = la_gaps.iter().filter(|&&g| g == 0.0).count();
        println!(
            "\nla: {} instances, average gap {mean:.2} %, {optimal} solved to optimality\n",
            la_gaps.len()
        );
    }
}

fn bench_ft06(criterion: &mut Criterion) {
    let Ok(text) = std::fs::read_to_string(jssp_dir().join("instances/ft06.txt")) else {
        return;
    };
    let Ok(shop) = jssp::parse(&text) else { return };
    let problem = shop.to_problem();
    let options = SolveOptions {
        work_limit: bench_work(),
        ..SolveOptions::new(Duration::from_secs(5), 1)
    };
    criterion.bench_function("solve ft06", |b| b.iter(|| solve(black_box(&problem), &options)));
}

/// A recipe lab at scale: 10 000 samples through ten steps on batch tools. Two hot
/// plates ramp between setpoints, the sputter chamber (10 min pump-down) takes
/// `sputter_capacity` samples, two steps are manual, and the dip after the second bake
/// must start within an hour. With `distinct_keys`, no two operations may share a load:
/// the adversarial case of thousands of classes queued at each tool.
fn batch_problem(samples: usize, sputter_capacity: u32, distinct_keys: bool) -> Problem {
    let machine = |name: &str, capacity, setup_s, ramp_k_per_s| Machine {
        name: name.into(),
        capacity,
        setup_s,
        ramp_k_per_s,
        ..Machine::default()
    };
    let machines = vec![
        machine("dip-a", 8, 30.0, None),
        machine("plate-1", 6, 10.0, Some(0.5)),
        machine("sputter", sputter_capacity, 600.0, None),
        machine("dip-b", 8, 30.0, None),
        machine("plate-2", 6, 10.0, Some(0.5)),
        machine("oven", 8, 300.0, None),
    ];
    let step = |machine, duration_s, setpoint_k, max_wait_s| Operation {
        machine,
        duration_s,
        batch_key: 0,
        setpoint_k,
        max_wait_s,
    };
    let steps = [
        step(Some(0), 120.0, None, None),
        step(Some(1), 300.0, Some(353.0), None),
        step(None, 60.0, None, None),
        step(Some(2), 900.0, None, None),
        step(Some(1), 300.0, Some(423.0), Some(3600.0)),
        step(Some(3), 180.0, None, None),
        step(Some(4), 600.0, Some(393.0), None),
        step(Some(0), 120.0, None, None),
        step(Some(5), 1800.0, Some(353.0), None),
        step(None, 30.0, None, None),
    ];
    let mut operations = Vec::with_capacity(samples * steps.len());
    let mut precedences = Vec::with_capacity(samples * steps.len());
    for _ in 0..samples {
        for (key, template) in steps.iter().enumerate() {
            if key > 0 {
                precedences.push((operations.len() - 1, operations.len()));
            }
            let batch_key = if distinct_keys { operations.len() } else { key } as u64;
            operations.push(Operation {
                batch_key,
                ..template.clone()
            });
        }
    }
    Problem {
        machines,
        operations,
        precedences,
        ..Problem::default()
    }
}

/// The benches compare the solver at equal time: the work limit is lifted unless
/// `SEIP_BENCH_WORK` sets one.
fn bench_work() -> u64 {
    std::env::var("SEIP_BENCH_WORK")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(u64::MAX)
}

fn bench_batch(criterion: &mut Criterion) {
    let options = SolveOptions {
        work_limit: bench_work(),
        ..SolveOptions::new(Duration::from_secs(3), 1)
    };
    let variants = [
        ("sputter takes 4", 4, false),
        ("sputter takes 8", 8, false),
        ("every operation its own batch key", 4, true),
    ];
    for (label, sputter_capacity, distinct_keys) in variants {
        let problem = batch_problem(10_000, sputter_capacity, distinct_keys);
        let started = Instant::now();
        match solve(&problem, &options) {
            Ok(schedule) => {
                let valid = if verify(&problem, &schedule).is_ok() {
                    "valid"
                } else {
                    "INVALID"
                };
                println!(
                    "batch 10x10000, {label}: makespan {} s, lower bound {} s, gap {:.2} %, {valid}, {:.2} s",
                    schedule.makespan_s,
                    schedule.lower_bound_s,
                    100.0 * (schedule.makespan_s - schedule.lower_bound_s) / schedule.lower_bound_s,
                    started.elapsed().as_secs_f64()
                );
            }
            Err(error) => println!("batch 10x10000, {label}: {error}"),
        }
    }
    let problem = batch_problem(10_000, 4, false);
    let mut group = criterion.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("solve 10 steps x 10000 samples", |b| {
        b.iter(|| solve(black_box(&problem), &options))
    });
    group.finish();
}

/// `file -> (lower bound, best known makespan, proven)` from `bench/lab/bounds.tsv`.
fn lab_bounds(dir: &std::path::Path) -> BTreeMap<String, (f64, f64, bool)> {
    let Ok(text) = std::fs::read_to_string(dir.join("bounds.tsv")) else {
        return BTreeMap::new();
    };
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with("file"))
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            Some((
                fields.first()?.trim_end_matches(".seip").to_string(),
                (
                    fields.get(1)?.parse().ok()?,
                    fields.get(2)?.parse().ok()?,
                    *fields.get(3)? == "yes",
                ),
            ))
        })
        .collect()
}

fn lab_table() {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/lab"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default();
    files.retain(|path| path.extension().is_some_and(|e| e == "seip"));
    files.sort();
    if let Ok(list) = std::env::var("SEIP_BENCH_LAB_FILES") {
        let wanted: Vec<&str> = list.split(',').collect();
        files.retain(|path| path.file_stem().is_some_and(|stem| wanted.iter().any(|w| stem == *w)));
    }
    let budgets: Vec<f64> = std::env::var("SEIP_BENCH_LAB_SECONDS")
        .ok()
        .map(|list| list.split(',').filter_map(|s| s.parse().ok()).collect())
        .unwrap_or_else(|| vec![2.0, 10.0]);
    let bounds = lab_bounds(&dir);
    let mut header = "| file | ops | lower bound s | best known s |".to_string();
    let mut rule = "|---|---:|---:|---:|".to_string();
    for seconds in &budgets {
        header += &format!(" {seconds} s: makespan | ratio | time s |");
        rule += "---:|---:|---:|";
    }
    println!("\nlab files, work of each budget = seconds x {WORK_PER_SECOND}\n\n{header}\n{rule}");
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); budgets.len()];
    for path in files {
        let name = path.file_stem().unwrap_or_default().to_string_lossy().to_string();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let compilation = seip::compile(&text);
        let expansion = seip::plan::expand::expand(&compilation.program, &compilation.graphs, &compilation.library);
        let Some(expansion) = expansion.filter(|_| !compilation.has_errors()) else {
            println!("| {name} | does not compile |");
            continue;
        };
        let problem = &expansion.problem;
        let own_bound = lower_bound(problem);
        let (bound, best) = match bounds.get(&name) {
            Some(&(bound, best, _)) => (bound.max(own_bound), Some(best)),
            None => (own_bound, None),
        };
        let mut row = format!(
            "| {name} | {} | {bound:.0} | {} |",
            problem.operations.len(),
            best.map_or("?".to_string(), |b| format!("{b:.0}"))
        );
        for (index, &seconds) in budgets.iter().enumerate() {
            let options = SolveOptions {
                time_limit: Duration::from_secs_f64(seconds * 20.0),
                ..SolveOptions::new(Duration::from_secs_f64(seconds), 0)
            };
            let started = Instant::now();
            match solve(problem, &options) {
                Ok(schedule) => {
                    let elapsed = started.elapsed().as_secs_f64();
                    let valid = if verify(problem, &schedule).is_ok() {
                        ""
                    } else {
                        " INVALID"
                    };
                    let reference = best.map_or(bound, |b| b.min(schedule.makespan_s).max(bound));
                    let ratio = schedule.makespan_s / reference;
                    ratios[index].push(ratio);
                    row += &format!(" {:.0}{valid} | {ratio:.4} | {elapsed:.2} |", schedule.makespan_s);
                }
                Err(error) => row += &format!(" no plan: {error} | | |"),
            }
        }
        println!("{row}");
    }
    for (seconds, ratios) in budgets.iter().zip(&ratios) {
        if ratios.is_empty() {
            continue;
        }
        let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
        let worst = ratios.iter().copied().fold(0.0, f64::max);
        println!(
            "\n{seconds} s: {} files scheduled, mean ratio {mean:.4}, worst {worst:.4}",
            ratios.len()
        );
    }
}
