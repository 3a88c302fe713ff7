//! Step 4: sharing the lab's tools. The scheduling problem, its solver and an
//! independent checker.
//!
//! The compiler expands every protocol into one operation per sample and step, and
//! hands the result to [`solve`] as an abstract [`Problem`]: machines (tools) with a
//! capacity, a setup before every load and an optional temperature ramp; operations
//! with a duration, a batch key (operations of the same recipe step may share a load)
//! and an optional maximum wait before their successors; and precedences.
//!
//! Design notes:
//! - A solution is decided by two things: which operations share a load, and the order
//!   of the loads on each machine. Start times then follow as longest paths in the
//!   disjunctive graph of loads (`graph`), so every candidate the solver looks at is a
//!   semi-active schedule, and the maximum waits are met by delaying predecessors.
//! - The solver builds loads and orders with a batching Giffler-Thompson dispatcher
//!   (`construct`) under several priority rules, then improves the best orders with a
//!   tabu search over the critical path (`tabu`, the N5 neighbourhood of Nowicki and
//!   Smutnicki), restarted from perturbations of the best order.
//! - Maximum waits are checked before any search where the precedences alone decide
//!   them (`model`): a chain of steps or a pump-down longer than the wait, or too many
//!   successors for one machine within it. Otherwise the dispatcher favours them, the
//!   evaluation delays predecessors to meet them, and orders that still miss one go to
//!   a random-walk repair; only when that fails too does [`solve`] give up and name the
//!   operations. That last verdict is a heuristic's: rare problems that do have a
//!   schedule can end there.
//! - [`verify`] shares no code with the solver: it reads only the problem and the
//!   schedule, so a bug in the solver's bookkeeping cannot hide itself.
//! - Every random choice comes from `rng::Rng` seeded by [`SolveOptions::seed`], and
//!   no hash-map order is ever iterated: the search follows the same trajectory for the
//!   same input and seed. Where it ends is decided by work ([`SolveOptions::work_limit`]),
//!   not by the clock, so a loaded machine gives the same plan; the time limit is only
//!   a cap.
//! - Times are seconds in `f64`. Integer durations (the job-shop benchmarks) stay exact.

mod bound;
mod construct;
mod exact;
mod fuse;
mod graph;
pub mod jssp;
mod loads;
mod model;
mod rng;
mod tabu;
mod verify;

use std::fmt;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use bound::lower_bound;
pub use verify::verify;

use construct::Rule;
use graph::{Eval, Graph, Infeasible, Sequences};
use model::Model;
use rng::Rng;

/// Room temperature, K: where a heated tool starts unless its room says otherwise.
pub const ROOM_TEMPERATURE_K: f64 = 298.15;

/// A shared tool.
///
/// A load goes through the tool like this: the tool is vented after the previous load
/// (`vent_s`) and, if it is preheated, ramped to the load's setpoint; the load's samples
/// are placed once all of them have arrived; the tool is pumped down with them inside
/// (`setup_s`) and, if it ramps with the samples inside, ramped; the operations run;
/// the tool is vented before the samples can leave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub name: String,
    /// How many operations one load holds (at least 1).
    pub capacity: u32,
    /// Pump-down (or loading) before every load, the first one included, with the
    /// load's samples inside: it starts once all of them are in the tool.
    pub setup_s: f64,
    /// Venting after every load: the samples leave, and the next load enters, after it.
    #[serde(default)]
    pub vent_s: f64,
    /// When set, moving between the setpoints of two loads takes `|dT| / ramp`. The
    /// machine keeps the temperature of the last load that had a setpoint, and starts
    /// at `initial_k`.
    pub ramp_k_per_s: Option<f64>,
    /// The ramp to a load's setpoint happens with its samples inside, after the
    /// pump-down (a tube furnace); otherwise before they are placed (a preheated hot
    /// plate).
    #[serde(default)]
    pub ramp_inside: bool,
    /// The temperature before the first load.
    #[serde(default = "room_temperature")]
    pub initial_k: f64,
}

fn room_temperature() -> f64 {
    ROOM_TEMPERATURE_K
}

impl Default for Machine {
    fn default() -> Self {
        Machine {
            name: String::new(),
            capacity: 1,
            setup_s: 0.0,
            vent_s: 0.0,
            ramp_k_per_s: None,
            ramp_inside: false,
            initial_k: ROOM_TEMPERATURE_K,
        }
    }
}

/// One step of one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// `None`: needs no machine (a manual step); any number run at once.
    pub machine: Option<usize>,
    /// The processing time of the load the operation is in.
    pub duration_s: f64,
    /// Operations may share a load only if they are on the same machine with equal
    /// batch keys (the same recipe step). All operations of a load start and end
    /// together, so the solver also keeps loads to one duration and one setpoint.
    pub batch_key: u64,
    /// The temperature of the load, for ramps.
    pub setpoint_k: Option<f64>,
    /// After this operation ends, each of its successors must start within this time.
    pub max_wait_s: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub machines: Vec<Machine>,
    pub operations: Vec<Operation>,
    /// `(before, after)`: `after` starts no earlier than `before` ends (and, when
    /// `before` ran on a machine that vents, no earlier than the vent is over).
    pub precedences: Vec<(usize, usize)>,
    /// `(before, after)`, also a precedence, both on one machine: `after` continues
    /// `before` in the same chamber. Its load comes right after the load of `before`,
    /// holds the successors of exactly that load's operations, and starts after the
    /// ramp between them alone: no vent, no pump-down. `before` has no other successor
    /// and `after` no other predecessor. A chain of such steps that has a setpoint has
    /// one from its first step on.
    #[serde(default)]
    pub in_situ: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduledOp {
    pub start_s: f64,
    pub end_s: f64,
    /// The index of the operation's load on its machine, in time order; `None` for an
    /// operation without machine.
    pub load: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// Indexed like `Problem::operations`.
    pub ops: Vec<ScheduledOp>,
    pub makespan_s: f64,
    /// No schedule of the problem is shorter than this ([`lower_bound`]).
    pub lower_bound_s: f64,
}

#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// A cap: the search stops when this much time has passed on `clock`, whatever work
    /// is left. At least one dispatching rule always runs, however short the limit.
    pub time_limit: Duration,
    pub seed: u64,
    /// How much searching the solver does, in units of about one operation or load
    /// looked at: a dispatch costs one unit per operation, an evaluation of loads and
    /// orders one per load for each pass it makes, and building a candidate of
    /// re-formed loads one per operation and load. It
    /// also stops on its own at the lower bound or when it stagnates. Unless the time
    /// limit cuts it first, the same input, seed and work limit give the same schedule
    /// on any machine.
    pub work_limit: u64,
    /// The clock the time limit is measured on.
    pub clock: fn() -> Instant,
    /// Which engine plans: the heuristic alone, or the exact engine after it.
    pub engine: Engine,
    /// How many solver steps (decisions and conflicts) the exact engine may take.
    pub exact_work_limit: u64,
}

/// The work [`SolveOptions::new`] allows per second of its time limit: about half of
/// what the project's machine does in a second (`bench/README.md`), so that the work,
/// not the clock, ends the search there.
pub const WORK_PER_SECOND: u64 = 10_000_000;

/// Which engine plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// Dispatching rules and tabu search; proves optimality only where its plan meets
    /// the lower bound.
    #[default]
    Heuristic,
    /// The heuristic, then the constraint model (`exact`) warm-started from its plan:
    /// a shorter plan, a proof of optimality or a higher lower bound.
    Exact,
    /// `Exact` on problems small enough for the model (`EXACT_MAX_SIZE`), `Heuristic`
    /// otherwise.
    Auto,
}

/// The default step budget of the exact engine: a few seconds on the lab problems of
/// `bench/README.md`.
pub const DEFAULT_EXACT_WORK: u64 = 200_000;

/// `Engine::Auto` runs the exact engine up to this model size (`exact::size`: the sum
/// over machines of the square of their operations), about 200 operations spread over
/// a few tools.
pub const EXACT_MAX_SIZE: usize = 20_000;

impl SolveOptions {
    /// The work of `time_limit` ([`WORK_PER_SECOND`]) on the real clock, capped at
    /// `time_limit`.
    pub fn new(time_limit: Duration, seed: u64) -> Self {
        SolveOptions {
            time_limit,
            seed,
            work_limit: (time_limit.as_secs_f64() * WORK_PER_SECOND as f64) as u64,
            clock: Instant::now,
            engine: Engine::Heuristic,
            exact_work_limit: DEFAULT_EXACT_WORK,
        }
    }
}

/// What is left of the search: its work, and its time as a cap.
pub(super) struct Budget {
    work_left: u64,
    deadline: Instant,
    clock: fn() -> Instant,
    /// Work spent since the clock was last read: it is read every 16 units.
    unread: u64,
}

impl Budget {
    fn new(options: &SolveOptions) -> Self {
        let started = (options.clock)();
        Budget {
            work_left: options.work_limit,
            deadline: started
                .checked_add(options.time_limit)
                .unwrap_or(started + Duration::from_secs(86_400 * 365)),
            clock: options.clock,
            unread: 0,
        }
    }

    /// Whether the work is used up or the time has run out.
    pub(super) fn exhausted(&self) -> bool {
        self.work_left == 0
    }

    /// Spends `work` units; `false` once the work is used up or the time has run out.
    pub(super) fn spend(&mut self, work: u64) -> bool {
        if self.work_left < work {
            self.work_left = 0;
            return false;
        }
        self.work_left -= work;
        self.unread += work;
        if self.unread >= 16 {
            self.unread = 0;
            if (self.clock)() >= self.deadline {
                self.work_left = 0;
                return false;
            }
        }
        true
    }

    /// Whether the time limit has passed.
    pub(super) fn out_of_time(&self) -> bool {
        (self.clock)() >= self.deadline
    }
}

/// Why a problem has no schedule (or none the solver could find).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ScheduleError {
    /// The problem is malformed: an index out of range, a negative or non-finite time, a
    /// capacity of zero.
    Invalid { message: String },
    /// These operations wait on each other in a circle, `ops[0]` before `ops[1]` ...
    /// before `ops[0]`.
    PrecedenceCycle { ops: Vec<usize> },
    /// `after` cannot start within `max_wait_s` of the end of `before`: it waited
    /// `wait_s` in the solver's last attempt; `reason` says what forced that.
    MaxWaitUnmet {
        before: usize,
        after: usize,
        max_wait_s: f64,
        wait_s: f64,
        reason: String,
    },
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleError::Invalid { message } => {
                write!(f, "invalid scheduling problem: {message}")
            }
            ScheduleError::PrecedenceCycle { ops } => {
                let names: Vec<String> = ops
                    .iter()
                    .chain(ops.first())
                    .map(|op| format!("operation {op}"))
                    .collect();
                write!(f, "the precedences form a cycle: {}", names.join(" -> "))
            }
            ScheduleError::MaxWaitUnmet {
                before,
                after,
                max_wait_s,
                wait_s,
                reason,
            } => write!(
                f,
                "operation {after} must start at most {max_wait_s} s after operation {before} ends, \
                 but it waits {wait_s} s: {reason}"
            ),
        }
    }
}

impl std::error::Error for ScheduleError {}

/// Above this many loads the improvement phase is skipped: one tabu iteration costs a
/// pass over the whole graph, and on instances this large the batching dispatcher is
/// already close to the machine bound (see `bench/README.md`).
const IMPROVE_MAX_UNITS: usize = 5_000;

/// Schedules the problem: the best of several dispatching rules, improved by tabu
/// search until the time limit, the lower bound or stagnation.
pub fn solve(problem: &Problem, options: &SolveOptions) -> Result<Schedule, ScheduleError> {
    let fused = fuse::fuse(problem)?;
    let schedule = solve_fused(&fused, options).map_err(|error| fused.original_error(error))?;
    Ok(fused.unfuse(problem, schedule))
}

fn solve_fused(fused: &fuse::Fused, options: &SolveOptions) -> Result<Schedule, ScheduleError> {
    let mut budget = Budget::new(options);
    let model = Model::new(&fused.problem, &fused.exit_k)?;
    model.check_max_waits()?;
    let lower_bound_s = model.lower_bound();
    let mut rng = Rng::new(options.seed);

    let mut best: Option<Candidate> = None;
    let mut failures: Vec<Failed> = Vec::new();
    for rule in Rule::portfolio(&model, &mut rng) {
        if (best.is_some() || !failures.is_empty()) && !budget.spend(model.problem.operations.len() as u64 + 1) {
            break;
        }
        let mut work = 0;
        let dispatched = Candidate::dispatch(&model, &rule, &mut rng, &mut work);
        // Charged after the fact: the first rule always runs.
        budget.spend(work);
        match dispatched {
            Ok(candidate) => {
                if best.as_ref().is_none_or(|b| candidate.makespan < b.makespan) {
                    best = Some(candidate);
                }
                if best.as_ref().is_some_and(|b| reaches(b.makespan, lower_bound_s)) {
                    break;
                }
            }
            Err(failed) if failures.len() < REPAIR_ATTEMPTS => failures.push(failed),
            Err(_) => {}
        }
    }
    let mut best = match best {
        Some(best) => best,
        None => repair(failures, &mut budget, &mut rng)?,
    };

    if !reaches(best.makespan, lower_bound_s) && best.graph.len() <= IMPROVE_MAX_UNITS {
        best = improve(&model, best, lower_bound_s, &mut budget, &mut rng);
    }
    let run_exact = match options.engine {
        Engine::Heuristic => false,
        Engine::Exact => true,
        Engine::Auto => exact::size(&model) <= EXACT_MAX_SIZE,
    };
    let mut lower_bound_s = lower_bound_s;
    if run_exact && !reaches(best.makespan, lower_bound_s) {
        // The time limit caps each engine on its own.
        let budget = Budget::new(options);
        let outcome = exact::improve(&model, &best, lower_bound_s, options.exact_work_limit, &budget);
        if let Some(improved) = outcome.improved {
            best = improved;
        }
        lower_bound_s = outcome.lower_bound_s;
    }
    best.schedule(&fused.problem, lower_bound_s)
}

/// Tabu iterations without a new best before a round of the search over orders ends
/// and the loads are re-formed.
const ROUND_IDLE_ITERATIONS: u64 = 200;

/// Rounds without a new best per extra random load move in the next kick.
const KICK_ROUNDS_PER_MOVE: usize = 4;

/// The most random load moves in one kick.
const MAX_KICK_MOVES: usize = 8;

/// The improvement phase. Where no two operations can share a load (a job shop), one
/// tabu search over the orders. Otherwise rounds: a tabu search over the orders of the
/// current loads between two descents over load moves (`loads`); a round that improves
/// neither moves on from a random load move of the best solution. It stops at the
/// lower bound, when the work is spent, or when the rounds have gone as many tabu
/// iterations without a new best as a single search would.
///
/// The rounds are short, as an iteration costs a pass over the graph per round of the
/// waits' label correction, and on a lab the loads matter more than the orders.
fn improve(model: &Model, mut best: Candidate, lower_bound_s: f64, budget: &mut Budget, rng: &mut Rng) -> Candidate {
    let idle_limit = tabu::IDLE_ITERATIONS_PER_UNIT * best.graph.len() as u64;
    if !loads::reformable(model) {
        let improved = tabu::improve(&best.graph, &best.sequences, lower_bound_s, idle_limit, budget, rng);
        if improved.makespan < best.makespan {
            best.sequences = improved.sequences;
            best.makespan = improved.makespan;
        }
        return best;
    }
    let mut current: Option<Candidate> = None;
    let (mut idle, mut failed) = (0, 0usize);
    while !reaches(best.makespan, lower_bound_s) && !budget.exhausted() && idle < idle_limit {
        let mut here = current.take().unwrap_or_else(|| best.clone());
        while let Some(better) = loads::improve(model, &here, budget, rng) {
            here = better;
        }
        let improved = tabu::improve(
            &here.graph,
            &here.sequences,
            lower_bound_s,
            ROUND_IDLE_ITERATIONS,
            budget,
            rng,
        );
        if improved.makespan < here.makespan {
            here.sequences = improved.sequences;
            here.makespan = improved.makespan;
        }
        while let Some(better) = loads::improve(model, &here, budget, rng) {
            here = better;
        }
        if here.makespan < best.makespan {
            best = here.clone();
            (idle, failed) = (0, 0);
            current = Some(here);
        } else {
            idle += ROUND_IDLE_ITERATIONS;
            failed += 1;
            // The longer nothing improves, the further from the best the next round
            // starts: one random load move more every few rounds, up to a limit, and
            // then round again from one.
            let strength = 1 + (failed / KICK_ROUNDS_PER_MOVE) % MAX_KICK_MOVES;
            let mut kicked = loads::kick(model, &best, budget, rng);
            for _ in 1..strength {
                match kicked.as_ref().and_then(|from| loads::kick(model, from, budget, rng)) {
                    Some(further) => kicked = Some(further),
                    None => break,
                }
            }
            current = kicked;
        }
    }
    best
}

/// Whether every time of the problem is a whole number of seconds: durations, set-ups,
/// vents, waiting limits, and the ramps of each tool between any two of the setpoints,
/// the initial temperatures and `more_k` (then integer models of it need no rounding).
pub fn whole_seconds(problem: &Problem, more_k: &[f64]) -> bool {
    let whole = |t: f64| (t - t.round()).abs() < 1e-9;
    let temps: Vec<f64> = problem
        .operations
        .iter()
        .filter_map(|o| o.setpoint_k)
        .chain(problem.machines.iter().map(|m| m.initial_k))
        .chain(more_k.iter().copied())
        .collect();
    problem.machines.iter().all(|m| {
        whole(m.setup_s)
            && whole(m.vent_s)
            && m.ramp_k_per_s
                .is_none_or(|rate| temps.iter().all(|a| temps.iter().all(|b| whole((a - b).abs() / rate))))
    }) && problem
        .operations
        .iter()
        .all(|o| whole(o.duration_s) && o.max_wait_s.is_none_or(whole))
}

/// Whether no plan is shorter than the schedule: its makespan is down to its lower
/// bound, up to the verifier's rounding tolerance (1e-6 of the makespan; the exact
/// engine's bounds are on a grid of ticks).
pub fn proven_optimal(schedule: &Schedule) -> bool {
    schedule.makespan_s <= schedule.lower_bound_s + 1e-6 * schedule.makespan_s.max(1.0)
}

/// Whether a makespan is down to the lower bound, up to rounding (a bound and a makespan
/// summed in different orders can differ in the last bit): the search can stop.
fn reaches(makespan: f64, lower_bound: f64) -> bool {
    makespan <= lower_bound + 1e-9 * lower_bound.abs().max(1.0)
}

/// An order that does not meet its waits, kept for [`tabu::repair`].
struct Failed {
    error: ScheduleError,
    order: Option<Box<(Graph, Sequences)>>,
}

/// How many orders that miss their waits are kept for repair.
const REPAIR_ATTEMPTS: usize = 4;

/// When no rule met the waits: repairs the failed orders in turn. If none can be
/// repaired, the first failure's error names the operations.
fn repair(failures: Vec<Failed>, budget: &mut Budget, rng: &mut Rng) -> Result<Candidate, ScheduleError> {
    let mut first_error = None;
    for failed in failures {
        let order = failed.order.filter(|order| order.0.len() <= IMPROVE_MAX_UNITS);
        if let Some((graph, sequences)) = order.map(|order| *order)
            && let Some(repaired) = tabu::repair(&graph, &sequences, budget, rng)
            && let Ok(candidate) = Candidate::evaluate(graph, repaired, &mut 0)
        {
            return Ok(candidate);
        }
        first_error.get_or_insert(failed.error);
    }
    Err(first_error.unwrap_or_else(|| ScheduleError::Invalid {
        message: "no dispatching rule ran".into(),
    }))
}

/// One solution: the loads (as units of the graph) and their order on each machine.
#[derive(Clone)]
struct Candidate {
    graph: Graph,
    sequences: Sequences,
    makespan: f64,
}

impl Candidate {
    /// Runs the dispatcher under `rule`.
    fn dispatch(model: &Model, rule: &Rule, rng: &mut Rng, work: &mut u64) -> Result<Self, Failed> {
        let plan = construct::dispatch(model, rule, rng);
        if plan.unit_of.contains(&model::NONE) {
            let message = "internal error: the dispatcher left operations unplaced".into();
            return Err(Failed {
                error: ScheduleError::Invalid { message },
                order: None,
            });
        }
        let graph = Graph::new(model, &plan.unit_of, plan.unit_count);
        let sequences = Sequences::new(plan.sequences, plan.unit_count);
        Candidate::evaluate(graph, sequences, work)
    }

    /// Evaluates the loads and orders; `work` is charged the units visited.
    fn evaluate(graph: Graph, sequences: Sequences, work: &mut u64) -> Result<Self, Failed> {
        let mut eval = Eval::new(graph.len());
        let result = eval.run(&graph, &sequences, graph::HEURISTIC_ROUNDS, false);
        *work += eval.take_work();
        match result {
            Ok(makespan) => Ok(Candidate {
                graph,
                sequences,
                makespan,
            }),
            Err(infeasible) => Err(Failed {
                error: unmet_error(infeasible, "no load order the solver tried meets it"),
                order: Some(Box::new((graph, sequences))),
            }),
        }
    }

    fn schedule(&self, problem: &Problem, lower_bound_s: f64) -> Result<Schedule, ScheduleError> {
        let mut eval = Eval::new(self.graph.len());
        let makespan_s = eval
            .run(&self.graph, &self.sequences, graph::HEURISTIC_ROUNDS, false)
            .map_err(|infeasible| unmet_error(infeasible, "the final load order does not meet it"))?;
        let mut load_of = vec![None; self.graph.len()];
        for sequence in &self.sequences.seq {
            for (index, &unit) in sequence.iter().enumerate() {
                load_of[unit] = Some(index);
            }
        }
        let ops = (0..problem.operations.len())
            .map(|op| {
                let unit = self.graph.unit_of(op);
                let start_s = eval.head[unit];
                ScheduledOp {
                    start_s,
                    end_s: start_s + problem.operations[op].duration_s,
                    load: load_of[unit],
                }
            })
            .collect();
        Ok(Schedule {
            ops,
            makespan_s,
            lower_bound_s,
        })
    }
}

/// Names the operations behind a failed evaluation.
fn unmet_error(infeasible: Infeasible, reason: &str) -> ScheduleError {
    match infeasible {
        Infeasible::MaxWait { wait, observed_s } => ScheduleError::MaxWaitUnmet {
            before: wait.before,
            after: wait.after,
            max_wait_s: wait.max_wait_s,
            wait_s: observed_s,
            reason: reason.to_string(),
        },
        // The dispatcher only loads operations whose predecessors are placed, so its
        // loads and orders never close a cycle; reaching this is a solver bug.
        Infeasible::Cycle => ScheduleError::Invalid {
            message: format!("internal error: {reason}: the loads form a cycle"),
        },
    }
}

#[cfg(test)]
mod tests;
