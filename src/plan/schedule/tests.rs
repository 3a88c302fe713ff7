use std::time::Duration;

use super::*;

/// Fisher & Thompson's 6x6 instance; its optimum is 55.
const FT06: &str = "6 6
2 1 0 3 1 6 3 7 5 3 4 6
1 8 2 5 4 10 5 10 0 10 3 4
2 5 3 4 5 8 0 9 1 1 4 7
1 5 0 5 2 5 3 3 4 8 5 9
2 9 1 3 4 5 5 4 0 3 3 1
1 3 3 3 5 9 0 10 4 4 2 1
";

fn options(seconds: u64) -> SolveOptions {
    SolveOptions::new(Duration::from_secs(seconds), 1)
}

fn machine(name: &str, capacity: u32, setup_s: f64, ramp_k_per_s: Option<f64>) -> Machine {
    Machine {
        name: name.into(),
        capacity,
        setup_s,
        ramp_k_per_s,
        ..Machine::default()
    }
}

fn op(machine: Option<usize>, duration_s: f64, batch_key: u64) -> Operation {
    Operation {
        machine,
        duration_s,
        batch_key,
        setpoint_k: None,
        max_wait_s: None,
    }
}

fn solved(problem: &Problem) -> Schedule {
    let schedule = solve(problem, &options(20)).expect("the problem has a schedule");
    assert_eq!(verify(problem, &schedule), Ok(()));
    assert!(schedule.makespan_s >= schedule.lower_bound_s);
    schedule
}

#[test]
fn ft06_is_solved_to_its_optimum() {
    let problem = jssp::parse(FT06).expect("ft06 parses").to_problem();
    let schedule = solved(&problem);
    assert_eq!(schedule.makespan_s, 55.0);
    assert_eq!(lower_bound(&problem), schedule.lower_bound_s);
}

#[test]
fn the_same_seed_gives_the_same_schedule() {
    // The first five jobs of ft06: the dispatcher misses the lower bound, and the tabu
    // search stagnates and stops on its own (not by the clock) even in a debug build.
    let text: String = FT06
        .lines()
        .skip(1)
        .take(5)
        .fold("5 6\n".to_string(), |text, line| text + line + "\n");
    let problem = jssp::parse(&text).expect("the prefix parses").to_problem();
    assert_eq!(solved(&problem), solved(&problem));
}

/// A clock on which every reading is 50 ms after the previous one: a machine on which
/// the search runs some thousand times slower than on this one.
fn slow_clock() -> std::time::Instant {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    static READINGS: AtomicU64 = AtomicU64::new(0);
    let start = *START.get_or_init(std::time::Instant::now);
    start + Duration::from_millis(50 * READINGS.fetch_add(1, Ordering::Relaxed))
}

/// The search ends by work, not by the clock: on a machine a thousand times slower the
/// schedule is the same, byte for byte. ft06 is not solved to its bound by the
/// dispatcher, so the tabu search runs until its work limit.
#[test]
fn the_same_work_gives_the_same_schedule_on_a_slow_machine() {
    let problem = jssp::parse(FT06).expect("ft06 parses").to_problem();
    let options = |clock| SolveOptions {
        work_limit: 30_000,
        clock,
        // 30 000 units (some 800 tabu iterations over ft06's 36 loads) read the clock
        // about 800 times: 40 s on the slow clock.
        ..SolveOptions::new(Duration::from_secs(3600), 1)
    };
    let fast = solve(&problem, &options(std::time::Instant::now)).expect("ft06 has a schedule");
    let slow = solve(&problem, &options(slow_clock)).expect("ft06 has a schedule");
    assert_eq!(
        serde_json::to_string(&fast).expect("serialises"),
        serde_json::to_string(&slow).expect("serialises")
    );
    // With the time as the limit instead, the slow machine is cut off after 1 s of
    // its clock (20 readings, some 700 units of work), and gets no further than the
    // dispatcher.
    let capped = SolveOptions {
        time_limit: Duration::from_secs(1),
        ..options(slow_clock)
    };
    let cut = solve(&problem, &capped).expect("ft06 has a schedule");
    assert_eq!(verify(&problem, &cut), Ok(()));
    assert!(cut.makespan_s >= fast.makespan_s);
}

/// An oven of capacity 2 (10 s set-up, 0.5 K/s ramp) with four 400 K loads of 100 s, and
/// a 300 K step of 30 s after a 50 s manual one.
fn oven_with_four_hot_loads() -> Problem {
    let hot = |key| Operation {
        setpoint_k: Some(400.0),
        ..op(Some(0), 100.0, key)
    };
    Problem {
        machines: vec![machine("oven", 2, 10.0, Some(0.5))],
        operations: vec![
            hot(1),
            hot(1),
            hot(1),
            hot(1),
            op(None, 50.0, 9),
            Operation {
                setpoint_k: Some(300.0),
                ..op(Some(0), 30.0, 2)
            },
        ],
        precedences: vec![(4, 5)],
        ..Problem::default()
    }
}

/// An oven for two samples with a 10 s pump-down that ramps at 0.5 K/s and starts hot,
/// at 400 K: four samples bake at 400 K for 100 s, one at 300 K for 30 s after a 50 s
/// manual step. Two full loads at 400 K, then the ramp down: 10 + 100 + 10 + 100 + 10 +
/// 200 + 30 = 460 s, which is also the machine bound. Starting with the 300 K load ends
/// at 500 s.
#[test]
fn batch_loads_with_setup_and_ramp_reach_the_hand_computed_makespan() {
    let mut problem = oven_with_four_hot_loads();
    problem.machines[0].initial_k = 400.0;
    let schedule = solved(&problem);
    assert_eq!(schedule.makespan_s, 460.0);
    assert_eq!(schedule.lower_bound_s, 460.0);
    let loads: Vec<Option<usize>> = schedule.ops.iter().map(|s| s.load).collect();
    assert_eq!(loads[4], None);
    assert_eq!(loads[5], Some(2));
    assert_eq!(schedule.ops[5].start_s, 430.0);
    let mut hot_loads: Vec<usize> = loads[..4].iter().flatten().copied().collect();
    hot_loads.sort_unstable();
    assert_eq!(hot_loads, vec![0, 0, 1, 1]);
}

/// The same oven starting at room temperature (298.15 K): the 300 K load goes first
/// (a 3.7 s ramp while the manual step runs), 50 + 10 + 30 = 90 s, then the ramp up
/// to 400 K, 200 s, and the two loads: 290 + 10 + 100 + 10 + 100 = 510 s. Starting hot
/// would cost 203.7 s of heating up before anything runs.
#[test]
fn the_first_load_heats_up_from_room_temperature() {
    let mut problem = oven_with_four_hot_loads();
    let schedule = solved(&problem);
    assert_eq!(schedule.makespan_s, 510.0);
    assert_eq!(schedule.ops[5].start_s, 60.0);
    // Moving the first load earlier than its heat-up is caught.
    let mut early = schedule.clone();
    problem.operations[4].duration_s = 0.0;
    early.ops[4].end_s = 0.0;
    early.ops[5].start_s = 14.0;
    early.ops[5].end_s = 44.0;
    assert_eq!(verify(&problem, &early), Ok(()));
    early.ops[5].start_s = 13.0;
    early.ops[5].end_s = 43.0;
    assert!(
        verify(&problem, &early).is_err(),
        "a ramp of 3.7 s and a pump-down of 10 s take until 13.7 s"
    );
}

/// A furnace at 300 K that ramps at 1 K/s to 400 K, with a 10 s pump-down; its sample
/// comes out of a 100 s manual step. Ramping with the sample inside, the load starts at
/// 100 + 10 + 100 = 210 s; preheated, the ramp runs during the manual step and the load
/// starts at 100 + 10 = 110 s.
#[test]
fn the_ramp_runs_with_the_samples_inside_or_before_them() {
    for (inside, start) in [(true, 210.0), (false, 110.0)] {
        let problem = Problem {
            machines: vec![Machine {
                ramp_inside: inside,
                initial_k: 300.0,
                ..machine("furnace", 1, 10.0, Some(1.0))
            }],
            operations: vec![
                op(None, 100.0, 0),
                Operation {
                    setpoint_k: Some(400.0),
                    ..op(Some(0), 50.0, 1)
                },
            ],
            precedences: vec![(0, 1)],
            ..Problem::default()
        };
        let schedule = solved(&problem);
        assert_eq!(schedule.ops[1].start_s, start, "ramp inside: {inside}");
    }
}

/// A chamber for two with a 10 s pump-down and a 5 s vent. Sample A is ready at once,
/// sample B after a 10 s manual step: one load of both pumps down only once B is in,
/// 10 + 10 = 20 s, ends at 50 s, and the samples leave after the vent, so the manual
/// step after it starts at 55 s.
#[test]
fn the_pump_down_starts_once_the_samples_are_in_and_they_leave_after_the_vent() {
    let problem = Problem {
        machines: vec![Machine {
            vent_s: 5.0,
            ..machine("sputter", 2, 10.0, None)
        }],
        operations: vec![
            op(None, 10.0, 0),
            op(Some(0), 30.0, 1),
            op(Some(0), 30.0, 1),
            op(None, 1.0, 2),
        ],
        precedences: vec![(0, 2), (1, 3), (2, 3)],
        ..Problem::default()
    };
    let schedule = solved(&problem);
    assert_eq!(schedule.ops[1].load, schedule.ops[2].load);
    assert_eq!(schedule.ops[2].start_s, 20.0);
    assert_eq!(schedule.ops[3].start_s, 55.0);
    assert_eq!(schedule.makespan_s, 56.0);
    // Pumping down while B is still on its way is caught, and so is leaving unvented.
    let mut early = schedule.clone();
    for op in [1, 2] {
        early.ops[op].start_s -= 10.0;
        early.ops[op].end_s -= 10.0;
    }
    assert!(verify(&problem, &early).is_err());
    let mut unvented = schedule.clone();
    unvented.ops[3].start_s = 50.0;
    unvented.ops[3].end_s = 51.0;
    unvented.makespan_s = 51.0;
    assert!(verify(&problem, &unvented).is_err());
}

/// Two samples, each through MLD (300 K, 20 s) then ALD (400 K, 30 s) in one reactor
/// for two that ramps at 10 K/s with a 50 s pump-down and 20 s vent: one pump-down,
/// the ramp between the steps with the samples inside, 50 + 20 + 10 + 30 = 110 s
/// (the first ramp from room temperature, 0.185 s, runs inside too).
#[test]
fn consecutive_steps_in_one_chamber_share_the_pump_down() {
    let step = |key, setpoint, duration| Operation {
        setpoint_k: Some(setpoint),
        ..op(Some(0), duration, key)
    };
    let problem = Problem {
        machines: vec![Machine {
            vent_s: 20.0,
            ramp_inside: true,
            ..machine("reactor", 2, 50.0, Some(10.0))
        }],
        operations: vec![
            step(0, 300.0, 20.0),
            step(1, 400.0, 30.0),
            step(0, 300.0, 20.0),
            step(1, 400.0, 30.0),
        ],
        precedences: vec![(0, 1), (2, 3)],
        in_situ: vec![(0, 1), (2, 3)],
    };
    let schedule = solved(&problem);
    let initial = (300.0 - crate::plan::schedule::ROOM_TEMPERATURE_K) / 10.0;
    assert_eq!(schedule.ops[1].start_s, 50.0 + initial + 20.0 + 10.0);
    assert_eq!(schedule.ops[0].load, Some(0));
    assert_eq!(schedule.ops[2].load, Some(0));
    assert_eq!(schedule.ops[1].load, Some(1));
    assert_eq!(schedule.ops[3].load, Some(1));
    // Without staying in, the second step would need its own vent and pump-down.
    let apart = Problem {
        in_situ: Vec::new(),
        ..problem.clone()
    };
    assert!(solved(&apart).makespan_s > schedule.makespan_s + 60.0);
    // The verifier refuses the first step before its pump-down is over, and the second
    // step in a load of its own.
    let mut early = schedule.clone();
    for op in [0, 2] {
        early.ops[op].start_s -= 1.0;
        early.ops[op].end_s -= 1.0;
    }
    assert!(verify(&problem, &early).is_err());
    let mut split = schedule.clone();
    split.ops[3].load = Some(2);
    assert!(verify(&problem, &split).is_err());
}

/// Operation 0 (10 s on m0) must be followed within 0 s by operation 1 (10 s on m1),
/// and operation 2 holds m1 for 30 s from the start. Starting 0 right away would make
/// 1 wait; the solver starts 0 at 20 s so that 1 follows 2 without a gap.
#[test]
fn a_max_wait_delays_the_predecessor() {
    let problem = Problem {
        machines: vec![machine("m0", 1, 0.0, None), machine("m1", 1, 0.0, None)],
        operations: vec![
            Operation {
                max_wait_s: Some(0.0),
                ..op(Some(0), 10.0, 0)
            },
            op(Some(1), 10.0, 1),
            op(Some(1), 30.0, 2),
        ],
        precedences: vec![(0, 1)],
        ..Problem::default()
    };
    let schedule = solved(&problem);
    assert_eq!(schedule.makespan_s, 40.0);
    assert_eq!(schedule.ops[1].start_s, schedule.ops[0].end_s);
}

#[test]
fn an_impossible_max_wait_names_the_operations() {
    // 0 -> 1 -> 2 and 0 -> 2: operation 1 alone keeps 2 waiting 10 s, the limit is 5 s.
    let problem = Problem {
        machines: vec![machine("m0", 1, 0.0, None)],
        operations: vec![
            Operation {
                max_wait_s: Some(5.0),
                ..op(Some(0), 1.0, 0)
            },
            op(None, 10.0, 1),
            op(Some(0), 1.0, 2),
        ],
        precedences: vec![(0, 1), (1, 2), (0, 2)],
        ..Problem::default()
    };
    match solve(&problem, &options(1)) {
        Err(ScheduleError::MaxWaitUnmet {
            before: 0,
            after,
            max_wait_s,
            wait_s,
            ..
        }) => {
            assert!(after == 1 || after == 2);
            assert_eq!(max_wait_s, 5.0);
            assert!(wait_s > 5.0);
        }
        other => panic!("expected an unmet max wait, got {other:?}"),
    }
}

#[test]
fn a_setup_longer_than_the_max_wait_is_reported() {
    let problem = Problem {
        machines: vec![machine("sputter", 4, 600.0, None)],
        operations: vec![
            Operation {
                max_wait_s: Some(60.0),
                ..op(Some(0), 10.0, 0)
            },
            op(Some(0), 10.0, 1),
        ],
        precedences: vec![(0, 1)],
        ..Problem::default()
    };
    let error = solve(&problem, &options(1)).expect_err("the pump-down alone takes 600 s");
    assert!(
        matches!(
            error,
            ScheduleError::MaxWaitUnmet {
                before: 0,
                after: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("operation 1 must start at most 60 s after operation 0 ends")
    );
}

/// A plasma chamber feeding an oven that heats up with the samples inside: each
/// plasma step may wait 100 s, the oven's first load needs 60 s of pump-down and
/// 101.85 s of heat-up from room temperature. `free` adds an oven step that waits on
/// nothing, which can go first and heat the oven (the plasma step lasts long enough
/// for it to be loaded first).
fn plasma_then_hot_oven(free: bool) -> Problem {
    let oven = Machine {
        ramp_inside: true,
        ..machine("oven", 2, 60.0, Some(1.0))
    };
    let baked = |max_wait_s| Operation {
        setpoint_k: Some(400.0),
        max_wait_s,
        ..op(Some(1), 30.0, 1)
    };
    let mut operations = vec![
        Operation {
            max_wait_s: Some(100.0),
            ..op(Some(0), 300.0, 0)
        },
        baked(None),
    ];
    if free {
        operations.push(Operation {
            batch_key: 2,
            ..baked(None)
        });
    }
    Problem {
        machines: vec![machine("plasma", 1, 0.0, None), oven],
        operations,
        precedences: vec![(0, 1)],
        ..Problem::default()
    }
}

#[test]
fn a_first_heat_up_longer_than_every_wait_is_reported() {
    let error = solve(&plasma_then_hot_oven(false), &options(1)).expect_err("no oven step can go first");
    let ScheduleError::MaxWaitUnmet {
        before, after, reason, ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!((*before, *after), (0, 1));
    assert!(reason.contains("heats up from 25 degC"), "{reason}");
    // A step that waits on nothing heats the oven first; then the wait can be met.
    solved(&plasma_then_hot_oven(true));
}

#[test]
fn a_precedence_cycle_is_an_error() {
    let problem = Problem {
        machines: vec![machine("m0", 1, 0.0, None)],
        operations: (0..4).map(|k| op(Some(0), 1.0, k)).collect(),
        precedences: vec![(3, 0), (0, 1), (1, 2), (2, 0)],
        ..Problem::default()
    };
    let Err(ScheduleError::PrecedenceCycle { mut ops }) = solve(&problem, &options(1)) else {
        panic!("expected a cycle");
    };
    let at = ops.iter().position(|&o| o == 0).expect("0 is on the cycle");
    ops.rotate_left(at);
    assert_eq!(ops, vec![0, 1, 2]);
    assert_eq!(lower_bound(&problem), f64::INFINITY);
}

#[test]
fn malformed_problems_are_errors_not_panics() {
    let good = Problem {
        machines: vec![machine("m0", 1, 0.0, None)],
        operations: vec![op(Some(0), 1.0, 0)],
        precedences: vec![],
        ..Problem::default()
    };
    let mut bad_machine = good.clone();
    bad_machine.operations[0].machine = Some(3);
    let mut bad_duration = good.clone();
    bad_duration.operations[0].duration_s = f64::NAN;
    let mut bad_capacity = good.clone();
    bad_capacity.machines[0].capacity = 0;
    let mut bad_precedence = good.clone();
    bad_precedence.precedences.push((0, 7));
    for problem in [bad_machine, bad_duration, bad_capacity, bad_precedence] {
        assert!(matches!(
            solve(&problem, &options(1)),
            Err(ScheduleError::Invalid { .. })
        ));
    }
}

#[test]
fn an_empty_problem_has_an_empty_schedule() {
    let problem = Problem {
        machines: vec![],
        operations: vec![],
        precedences: vec![],
        ..Problem::default()
    };
    let schedule = solved(&problem);
    assert_eq!(schedule.makespan_s, 0.0);
}

#[test]
fn verify_catches_broken_schedules() {
    let problem = jssp::parse(FT06).expect("ft06 parses").to_problem();
    let schedule = solved(&problem);

    let mut early = schedule.clone();
    let (before, after) = problem.precedences[0];
    early.ops[after].start_s = schedule.ops[before].end_s - 1.0;
    early.ops[after].end_s = early.ops[after].start_s + problem.operations[after].duration_s;
    assert!(verify(&problem, &early).is_err());

    let mut stretched = schedule.clone();
    stretched.ops[0].end_s += 1.0;
    assert!(verify(&problem, &stretched).is_err());

    let mut shared = schedule.clone();
    let same_machine = (1..problem.operations.len())
        .find(|&o| problem.operations[o].machine == problem.operations[0].machine)
        .expect("ft06 has six operations per machine");
    shared.ops[same_machine].load = shared.ops[0].load;
    assert!(verify(&problem, &shared).is_err());

    let mut short = schedule;
    short.makespan_s -= 1.0;
    assert!(verify(&problem, &short).is_err());
}
