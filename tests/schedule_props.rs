//! Properties of the scheduler on random small problems with the set-ups of a lab
//! (pump-downs with the samples inside, vents, first heat-ups with the samples inside or
//! before, steps that stay in one chamber, antechamber-like shared machines) and
//! waiting limits: whatever it returns passes the independent checker and is no shorter
//! than the lower bound, and the checker rejects schedules that break a rule. The same
//! holds for whole lab files of the benchmark generator (`benches/support/lab.rs`),
//! compiled and expanded as `seipc` does: antechamber passes, pump-downs, vents, first
//! heat-ups, steps in one chamber and waiting limits together.

use std::time::Duration;

use proptest::prelude::*;
use seip::plan::schedule::{
    Engine, Machine, Operation, Problem, Schedule, ScheduleError, SolveOptions, lower_bound, solve, verify,
};

#[path = "../benches/support/generate.rs"]
#[allow(dead_code, reason = "only the generator's random numbers are used here")]
mod generate;
#[path = "../benches/support/lab.rs"]
mod lab;

const SETPOINTS: [f64; 3] = [300.0, 350.0, 400.0];

fn machine() -> impl Strategy<Value = Machine> {
    (
        1u32..=4,
        prop_oneof![Just(0u32), 1u32..20],
        prop_oneof![Just(0u32), 1u32..10],
        prop::option::of(1u32..=5),
        any::<bool>(),
        prop::option::of(0..SETPOINTS.len()),
    )
        .prop_map(|(capacity, setup, vent, ramp, ramp_inside, initial)| Machine {
            name: format!("tool-c{capacity}"),
            capacity,
            setup_s: f64::from(setup),
            vent_s: f64::from(vent),
            ramp_k_per_s: ramp.map(|r| f64::from(r) * 0.5),
            ramp_inside,
            initial_k: initial.map_or(seip::plan::schedule::ROOM_TEMPERATURE_K, |i| SETPOINTS[i]),
        })
}

/// An operation before its maximum wait is decided: (machine, duration, batch key,
/// setpoint, wait in 0..=3 as "none", "tight", "loose", "generous").
type Draft = (Option<usize>, u32, u64, Option<usize>, u8);

fn draft(machines: usize) -> impl Strategy<Value = Draft> {
    (
        prop::option::weighted(0.85, 0..machines),
        0u32..30,
        0u64..3,
        prop::option::of(0..SETPOINTS.len()),
        prop_oneof![4 => Just(0u8), 1 => 1u8..=3],
    )
}

/// Random problems: 1-3 machines of capacity 1-4 with setups and ramps, up to 12
/// operations with shared batch keys and setpoints, precedences forming a DAG (always
/// from the lower index to the higher), and some maximum waits. With `generous`, every
/// wait is longer than any schedule could make an operation wait.
fn problem(generous: bool) -> impl Strategy<Value = Problem> {
    (1usize..=3)
        .prop_flat_map(|machines| {
            (
                prop::collection::vec(machine(), machines),
                prop::collection::vec(draft(machines), 1..=12),
                prop::collection::vec((0usize..12, 0usize..12), 0..16),
                any::<bool>(),
            )
        })
        .prop_map(move |(machines, drafts, pairs, stay)| {
            let n = drafts.len();
            let horizon: f64 = drafts
                .iter()
                .map(|d| {
                    f64::from(d.1)
                        + machines
                            .iter()
                            .map(|m| m.setup_s + m.vent_s + 250.0)
                            .fold(0.0, f64::max)
                })
                .sum::<f64>()
                + 1.0;
            let operations: Vec<Operation> = drafts
                .into_iter()
                .map(|(machine, duration, batch_key, setpoint, wait)| Operation {
                    machine,
                    duration_s: f64::from(duration),
                    batch_key,
                    setpoint_k: setpoint.map(|s| SETPOINTS[s]),
                    max_wait_s: match (wait, generous) {
                        (0, _) => None,
                        (_, true) => Some(horizon),
                        (1, false) => Some(0.0),
                        (2, false) => Some(15.0),
                        _ => Some(60.0),
                    },
                })
                .collect();
            let mut precedences: Vec<(usize, usize)> = pairs
                .into_iter()
                .map(|(a, b)| (a % n, b % n))
                .filter(|(a, b)| a != b)
                .map(|(a, b)| (a.min(b), a.max(b)))
                .collect();
            precedences.sort_unstable();
            precedences.dedup();
            // Where a step's only successor follows it on the same machine, the samples
            // may stay in (as the compiler marks consecutive steps in one chamber).
            let in_situ = if stay {
                let count = |pick: fn(&(usize, usize)) -> usize, op: usize| {
                    precedences.iter().filter(|p| pick(p) == op).count()
                };
                precedences
                    .iter()
                    .copied()
                    .filter(|&(a, b)| {
                        let (x, y) = (&operations[a], &operations[b]);
                        x.machine.is_some()
                            && x.machine == y.machine
                            && count(|p| p.0, a) == 1
                            && count(|p| p.1, b) == 1
                            && !(x.setpoint_k.is_none() && y.setpoint_k.is_some())
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Problem {
                machines,
                operations,
                precedences,
                in_situ,
            }
        })
}

/// A small work limit, so that each case stops by work; the time limit is only a cap.
fn options(seed: u64) -> SolveOptions {
    SolveOptions {
        work_limit: 2_000,
        ..SolveOptions::new(Duration::from_secs(10), seed)
    }
}

fn assert_sound(problem: &Problem, schedule: &Schedule) -> Result<(), TestCaseError> {
    prop_assert_eq!(verify(problem, schedule), Ok(()));
    prop_assert!(schedule.makespan_s >= lower_bound(problem) - 1e-9);
    prop_assert_eq!(schedule.lower_bound_s, lower_bound(problem));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generous_problems_are_solved_and_verified(problem in problem(true), seed in any::<u64>()) {
        let schedule = solve(&problem, &options(seed));
        prop_assert!(schedule.is_ok(), "{:?}", schedule);
        if let Ok(schedule) = schedule {
            assert_sound(&problem, &schedule)?;
        }
    }

    /// With tight waits there may be no schedule; then the error names a wait.
    #[test]
    fn tight_waits_are_met_or_reported(problem in problem(false), seed in any::<u64>()) {
        match solve(&problem, &options(seed)) {
            Ok(schedule) => assert_sound(&problem, &schedule)?,
            Err(ScheduleError::MaxWaitUnmet { before, after, max_wait_s, .. }) => {
                prop_assert!(problem.precedences.contains(&(before, after)), "({}, {})", before, after);
                prop_assert_eq!(problem.operations[before].max_wait_s, Some(max_wait_s));
            }
            Err(other) => prop_assert!(false, "unexpected error {:?}", other),
        }
    }

    /// Moving a successor before the end of its predecessor, stretching an operation or
    /// misreporting the makespan is caught.
    #[test]
    fn corrupted_schedules_are_rejected(problem in problem(true), pick in any::<prop::sample::Index>()) {
        let schedule = solve(&problem, &options(7)).map_err(|e| TestCaseError::fail(e.to_string()))?;

        if !problem.precedences.is_empty() {
            let (before, after) = problem.precedences[pick.index(problem.precedences.len())];
            let mut early = schedule.clone();
            early.ops[after].start_s = schedule.ops[before].end_s - 1.0;
            early.ops[after].end_s = early.ops[after].start_s + problem.operations[after].duration_s;
            prop_assert!(verify(&problem, &early).is_err());
        }

        let op = pick.index(problem.operations.len());
        let mut stretched = schedule.clone();
        stretched.ops[op].end_s += 1.0;
        prop_assert!(verify(&problem, &stretched).is_err());

        let mut misreported = schedule;
        misreported.makespan_s += 1.0;
        prop_assert!(verify(&problem, &misreported).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Generated labs: the plan passes the checker; where the solver finds none, it
    /// names a wait of the problem.
    #[test]
    fn generated_labs_are_scheduled_and_verified(seed in 25u64..1_000_000) {
        let compilation = seip::compile(&lab::lab(seed));
        prop_assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
        let expansion = seip::plan::expand::expand(&compilation.program, &compilation.graphs, &compilation.library);
        let problem = expansion.map(|e| e.problem).ok_or_else(|| TestCaseError::fail("no expansion"))?;
        let options = SolveOptions {
            work_limit: 200_000,
            ..SolveOptions::new(Duration::from_secs(60), seed)
        };
        match solve(&problem, &options) {
            Ok(schedule) => assert_sound(&problem, &schedule)?,
            Err(ScheduleError::MaxWaitUnmet { before, after, max_wait_s, .. }) => {
                prop_assert!(problem.precedences.contains(&(before, after)), "({}, {})", before, after);
                prop_assert_eq!(problem.operations[before].max_wait_s, Some(max_wait_s));
            }
            Err(other) => prop_assert!(false, "unexpected error {:?}", other),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The exact engine's plan passes the checker and is no longer than the heuristic's
    /// it starts from; its lower bound is at least the heuristic's, and no plan found
    /// with other seeds beats it.
    #[test]
    fn exact_plans_are_verified_and_bounds_hold(problem in problem(true), seed in any::<u64>()) {
        let exact_options = SolveOptions {
            engine: Engine::Exact,
            exact_work_limit: 5_000,
            ..options(seed)
        };
        let heuristic = solve(&problem, &options(seed)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let exact = solve(&problem, &exact_options).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(verify(&problem, &exact), Ok(()));
        prop_assert!(exact.makespan_s <= heuristic.makespan_s + 1e-9);
        prop_assert!(exact.lower_bound_s >= lower_bound(&problem) - 1e-9);
        prop_assert!(exact.lower_bound_s <= exact.makespan_s + 1e-9);
        for other in 0..4 {
            let plan = solve(&problem, &options(seed ^ (other + 1))).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(exact.lower_bound_s <= plan.makespan_s + 1e-9, "bound {} above a plan of {}", exact.lower_bound_s, plan.makespan_s);
        }
        // The same input gives the same plan.
        prop_assert_eq!(solve(&problem, &exact_options).ok(), Some(exact));
    }
}

/// `bench/lab/lab-12.seip`: chains of waits (spin -> dry, dip -> rinse -> dry) onto a
/// crowded hot plate of 2, where no dispatching rule that meets the waits only by
/// urgency finds a plan; the chain rules place each load with the loads its samples go
/// to next, and so always have one. lab-10 has none: its oven's first heat-up is
/// longer than the wait before it.
#[test]
fn labs_with_chained_waits_get_a_plan_unless_none_exists() {
    let problem_of = |seed: u64| {
        let compilation = seip::compile(&lab::lab(seed));
        let expansion = seip::plan::expand::expand(&compilation.program, &compilation.graphs, &compilation.library);
        expansion.map(|e| e.problem).expect("the lab expands")
    };
    let options = SolveOptions {
        work_limit: 2_000_000,
        ..SolveOptions::new(Duration::from_secs(120), 0)
    };
    let problem = problem_of(12);
    let schedule = solve(&problem, &options).expect("lab 12 has a plan");
    assert_eq!(verify(&problem, &schedule), Ok(()));
    match solve(&problem_of(10), &options) {
        Err(ScheduleError::MaxWaitUnmet { reason, .. }) => assert!(reason.contains("heats up"), "{reason}"),
        other => panic!("lab 10 has no plan, got {other:?}"),
    }
}
