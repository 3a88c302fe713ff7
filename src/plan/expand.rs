//! From the checked program to the scheduling problem: one operation per sample and
//! per-sample step (`batch N` samples each), one per batch for a preparation step, the
//! precedences of the step graph repeated for every sample, and the file's tools as
//! machines. The protocols of a file share its tools.
//!
//! Set-ups as they happen: each tool's pump-down, vent and ramp (with the samples
//! inside or before, by `heat_up`) become the machine's; consecutive steps of a sample
//! on one tool run in one pump-down (`Problem::in_situ`); and a transfer into an
//! environment with an antechamber (or out of one into a room without) is one
//! operation per sample on that antechamber, a machine shared by every protocol.

use crate::diagnostics::{Diagnostic, codes};
use std::sync::Arc;

use crate::plan::dag::{Node, StepGraph};
use crate::plan::schedule::{Machine, Operation, Problem, ROOM_TEMPERATURE_K};
use crate::sema::library::{Antechamber, Effect, HeatUp, Library};
use crate::sema::program::{Program, Step};
use crate::sema::units::{Dimension, display};
use petgraph::visit::EdgeRef;
use serde::Serialize;

/// Where an operation of the problem comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub protocol: usize,
    /// `None` for a step run once per batch (preparing a reagent).
    pub sample: Option<u32>,
    /// The step; for a transfer, the step it leads to.
    pub step: usize,
    /// A pass through an antechamber on the way to `step`.
    pub transfer: bool,
}

/// What a machine of the problem is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Station {
    /// An index into `Program::tools`.
    Tool(usize),
    /// The antechamber (pass box, load-lock) into this environment.
    Antechamber(Arc<str>),
}

#[derive(Debug, Clone)]
pub struct Expansion {
    pub problem: Problem,
    /// Indexed like `problem.machines`: the tools, then the antechambers.
    pub stations: Vec<Station>,
    /// Indexed like `problem.operations`.
    pub origins: Vec<Origin>,
    /// For each protocol and step, whether its duration is the operation's default
    /// rather than something the recipe says.
    pub assumed: Vec<Vec<bool>>,
}

/// How long a step takes, and whether the recipe says so.
enum Duration {
    Stated(f64),
    Assumed(f64),
    Unknown,
}

/// The duration of one run of a step: its `time`, else what its parameters imply
/// (thickness / rate, cycles x time per cycle, layers x time per layer, charge / current),
/// else the operation's planning default.
fn duration(step: &Step, library: &Library) -> Duration {
    let Some(operation) = library.operations.get(&*step.verb) else {
        return Duration::Unknown;
    };
    if let Some(time) = step.param("time") {
        return Duration::Stated(time);
    }
    let implied = match operation.effect {
        Effect::Deposit | Effect::Cast | Effect::Laminate => {
            step.param("thickness").zip(step.param("rate")).map(|(t, r)| t / r)
        }
        Effect::Cycles => step
            .param("cycles")
            .zip(step.param("time_per_cycle"))
            .map(|(n, t)| n * t),
        Effect::LangmuirBlodgett => step
            .param("layers")
            .zip(step.param("time_per_layer"))
            .map(|(n, t)| n * t),
        // A pulsed step takes its pulses' on and off times; each cycle plates the areal
        // capacity and strips it again.
        Effect::Electrochemical | Effect::Strip => match (step.param("pulses"), step.param("pulse_on")) {
            (Some(pulses), Some(on)) => Some(pulses * (on + step.param("pulse_off").unwrap_or(0.0))),
            _ => step
                .param("areal_capacity")
                .zip(step.param("current_density"))
                .map(|(q, i)| {
                    let half_cycle = q / i;
                    step.param("cycles")
                        .map_or(half_cycle, |cycles| 2.0 * cycles * half_cycle)
                }),
        },
        _ => None,
    };
    match (implied, operation.default_time_s) {
        (Some(seconds), _) => Duration::Stated(seconds),
        (None, Some(seconds)) => Duration::Assumed(seconds),
        (None, None) => Duration::Unknown,
    }
}

/// What a step needs to say for its duration to be known, for the help line: only the
/// parameters its operation has.
fn duration_help(step: &Step, library: &Library) -> String {
    let Some(operation) = library.operations.get(&*step.verb) else {
        return "give a time (`for 10 min`)".to_owned();
    };
    let has = |name: &str| operation.param(name).is_some();
    let mut ways = Vec::new();
    if has("rate") && has("thickness") {
        ways.push("a rate (`at 1 nm/min`)");
    }
    if has("time_per_cycle") {
        ways.push("the time per cycle (`{ time_per_cycle: 30 s/cycle }`)");
    }
    if has("time_per_layer") {
        ways.push("the time per layer (`{ time_per_layer: 5 min/layer }`)");
    }
    if has("areal_capacity") && has("current_density") {
        ways.push("the areal capacity and current density");
    }
    if has("time") {
        ways.push("a time (`for 10 min`)");
    }
    if ways.is_empty() {
        return format!(
            "`{}` has no parameter that gives its duration; declare one in the operation",
            step.verb
        );
    }
    format!("give {}", ways.join(", or "))
}

/// The most operations (samples x steps, over all protocols) one schedule may have:
/// beyond it the problem alone would take gigabytes, and no plan of that size is read by
/// anyone. A pilot line of 10^4 samples through ten steps is a tenth of it.
pub const MAX_OPERATIONS: u64 = 1_000_000;

/// Marks the batch key of a pass through an antechamber, so that it never equals a
/// step's own (`protocol << 32 | step`, with fewer than 2^31 protocols).
const TRANSFER_KEY: u64 = 1 << 62;

/// How many operations the batches make: one per sample of each per-sample step, one
/// per preparation step.
fn operation_count(program: &Program) -> u64 {
    program
        .protocols
        .iter()
        .map(|p| {
            p.steps
                .iter()
                .map(|s| if s.workpiece.is_some() { u64::from(p.batch) } else { 1 })
                .sum::<u64>()
        })
        .sum()
}

/// What stands between a checked program and its schedule, found without building the
/// problem: too many operations (E0505), and each step whose duration is assumed
/// (W0501) or cannot be worked out (E0502). `seip::compile` reports these, so `seipc
/// check` says what `seipc build` will.
pub fn check(program: &Program, library: &Library) -> Vec<Diagnostic> {
    let total = operation_count(program);
    if total > MAX_OPERATIONS {
        let largest = program
            .protocols
            .iter()
            .max_by_key(|p| u64::from(p.batch) * p.steps.len() as u64);
        let span = largest.map_or_else(crate::span::Span::default, |p| p.span);
        return vec![
            Diagnostic::new(
                codes::TOO_MANY_OPERATIONS,
                format!("the batches add up to {total} operations; a schedule holds at most {MAX_OPERATIONS}"),
                span,
                "the largest batch",
            )
            .with_help("schedule the run in parts: a smaller `batch`, or the protocols in separate files"),
        ];
    }
    let mut diagnostics = Vec::new();
    for step in program.protocols.iter().flat_map(|protocol| &protocol.steps) {
        match duration(step, library) {
            Duration::Stated(_) => {}
            Duration::Assumed(seconds) => diagnostics.push(
                Diagnostic::new(
                    codes::ASSUMED_DURATION,
                    format!(
                        "step `{}` states no duration; {} is assumed",
                        step.name,
                        display(seconds, time())
                    ),
                    step.span,
                    format!("scheduled as {}", display(seconds, time())),
                )
                .with_help(duration_help(step, library))
                .with_note("the assumed durations are planning defaults in `data/operations.tsv`, not measured values"),
            ),
            Duration::Unknown => diagnostics.push(
                Diagnostic::new(
                    codes::UNKNOWN_DURATION,
                    format!("the duration of step `{}` cannot be worked out", step.name),
                    step.span,
                    "how long does this take?",
                )
                .with_help(duration_help(step, library)),
            ),
        }
    }
    diagnostics
}

/// The scheduling problem of a checked program; `None` when [`check`] finds an error
/// (too many operations, an unknown duration) or a protocol's steps form a cycle.
pub fn expand(program: &Program, graphs: &[StepGraph], library: &Library) -> Option<Expansion> {
    if operation_count(program) > MAX_OPERATIONS {
        return None;
    }
    let mut machines: Vec<Machine> = program
        .tools
        .iter()
        .map(|tool| Machine {
            name: tool.name.clone(),
            capacity: tool.capacity,
            setup_s: tool.pump_down_s,
            vent_s: tool.vent_s,
            ramp_k_per_s: tool.ramp_k_per_s,
            ramp_inside: tool.heat_up == HeatUp::Inside,
            initial_k: library
                .environments
                .get(&*tool.environment)
                .and_then(|e| e.temperature_k)
                .unwrap_or(ROOM_TEMPERATURE_K),
        })
        .collect();
    let mut stations: Vec<Station> = (0..program.tools.len()).map(Station::Tool).collect();
    // The antechamber a transfer goes through: the one into the room entered, else
    // (entering a room without, such as air) the one of the room left.
    let mut antechamber_of = |from: &Arc<str>, to: &Arc<str>| -> Option<(usize, Antechamber)> {
        let (room, antechamber) = [to, from]
            .into_iter()
            .find_map(|room| Some((room, library.environments.get(&**room)?.antechamber?)))?;
        let station = Station::Antechamber(Arc::clone(room));
        let machine = stations.iter().position(|s| *s == station).unwrap_or_else(|| {
            stations.push(station);
            machines.push(Machine {
                name: format!("{room}-antechamber"),
                capacity: antechamber.capacity,
                ..Machine::default()
            });
            machines.len() - 1
        });
        Some((machine, antechamber))
    };
    let mut operations = Vec::new();
    let mut origins = Vec::new();
    let mut precedences = Vec::new();
    let mut in_situ = Vec::new();
    let mut assumed = Vec::new();
    let mut complete = true;
    for (protocol_index, (protocol, graph)) in program.protocols.iter().zip(graphs).enumerate() {
        // A cycle is already reported; there is nothing to schedule.
        if graph.order.is_none() {
            complete = false;
            continue;
        }
        let mut first_op = Vec::with_capacity(protocol.steps.len());
        let mut assumed_here = Vec::with_capacity(protocol.steps.len());
        for (step_index, step) in protocol.steps.iter().enumerate() {
            let seconds = match duration(step, library) {
                Duration::Stated(seconds) => {
                    assumed_here.push(false);
                    seconds
                }
                Duration::Assumed(seconds) => {
                    assumed_here.push(true);
                    seconds
                }
                Duration::Unknown => {
                    assumed_here.push(false);
                    complete = false;
                    0.0
                }
            };
            first_op.push(operations.len());
            let runs = if step.workpiece.is_some() { protocol.batch } else { 1 };
            let batch_key = ((protocol_index as u64) << 32) | step_index as u64;
            for sample in 0..runs {
                operations.push(Operation {
                    machine: step.tool,
                    duration_s: seconds,
                    batch_key,
                    setpoint_k: step.param("temperature"),
                    max_wait_s: step.param("max_wait"),
                });
                origins.push(Origin {
                    protocol: protocol_index,
                    sample: step.workpiece.map(|_| sample),
                    step: step_index,
                    transfer: false,
                });
            }
        }
        assumed.push(assumed_here);
        let step_of = |node| match graph.graph[node] {
            Node::Step(step) => Some(step),
            Node::Transfer(_) => None,
        };
        let per_sample = |step: usize| protocol.steps[step].workpiece.is_some();
        let op = |step: usize, sample: u32| first_op[step] + if per_sample(step) { sample as usize } else { 0 };
        let samples = |before: usize, after: usize| {
            if per_sample(before) || per_sample(after) {
                protocol.batch
            } else {
                1
            }
        };
        // Each transfer through an antechamber: one pass per sample, between the steps.
        // The steps keep their own precedence too, which carries the `max_wait`.
        for node in graph.graph.node_indices() {
            let Node::Transfer(transfer) = &graph.graph[node] else {
                continue;
            };
            let Some((machine, antechamber)) = antechamber_of(&transfer.from, &transfer.to) else {
                continue;
            };
            let befores: Vec<usize> = graph
                .graph
                .neighbors_directed(node, petgraph::Direction::Incoming)
                .filter_map(step_of)
                .collect();
            let afters: Vec<usize> = graph.graph.neighbors(node).filter_map(step_of).collect();
            let Some(&into) = afters.first() else { continue };
            let first_pass = operations.len();
            for sample in 0..protocol.batch {
                operations.push(Operation {
                    machine: Some(machine),
                    duration_s: antechamber.cycle_s,
                    // Any samples may share a pass.
                    batch_key: TRANSFER_KEY | machine as u64,
                    setpoint_k: None,
                    max_wait_s: None,
                });
                origins.push(Origin {
                    protocol: protocol_index,
                    sample: Some(sample),
                    step: into,
                    transfer: true,
                });
            }
            for sample in 0..protocol.batch {
                let pass = first_pass + sample as usize;
                precedences.extend(befores.iter().map(|&before| (op(before, sample), pass)));
                precedences.extend(afters.iter().map(|&after| (pass, op(after, sample))));
            }
        }
        // Step-to-step edges; a transfer node passes its edge through.
        for edge in graph.graph.edge_references() {
            let Some(before) = step_of(edge.source()) else { continue };
            let afters: Vec<usize> = match step_of(edge.target()) {
                Some(after) => vec![after],
                None => graph.graph.neighbors(edge.target()).filter_map(step_of).collect(),
            };
            for after in afters {
                for sample in 0..samples(before, after) {
                    precedences.push((op(before, sample), op(after, sample)));
                }
            }
        }
        // Consecutive steps of a sample on one tool, nothing else between them: the
        // samples stay in the chamber.
        for before in 0..protocol.steps.len() {
            let node = petgraph::graph::NodeIndex::new(before);
            let mut afters: Vec<_> = graph.graph.neighbors(node).collect();
            afters.sort_unstable();
            afters.dedup();
            let [after_node] = afters[..] else { continue };
            let Some(after) = step_of(after_node) else { continue };
            let mut befores: Vec<_> = graph
                .graph
                .neighbors_directed(after_node, petgraph::Direction::Incoming)
                .collect();
            befores.sort_unstable();
            befores.dedup();
            let (first, second) = (&protocol.steps[before], &protocol.steps[after]);
            let stays = befores.len() == 1
                && per_sample(before)
                && per_sample(after)
                && first.tool.is_some()
                && first.tool == second.tool
                && !(first.param("temperature").is_none() && second.param("temperature").is_some());
            if stays {
                in_situ.extend((0..protocol.batch).map(|sample| (op(before, sample), op(after, sample))));
            }
        }
    }
    precedences.sort_unstable();
    precedences.dedup();
    complete.then_some(Expansion {
        problem: Problem {
            machines,
            operations,
            precedences,
            in_situ,
        },
        stations,
        origins,
        assumed,
    })
}

fn time() -> Dimension {
    const { Dimension::called("time") }
}
