//! The schedule for people and tools: each tool's timeline (`seipc schedule`), the JSON
//! of every operation, and one run sheet per tool that an operator can follow.

use std::collections::BTreeMap;
use std::fmt::Write;

use schemars::JsonSchema;
use serde::Serialize;

use crate::Compilation;
use crate::plan::expand::{Expansion, Station};
use crate::plan::schedule::{Problem, Schedule, ScheduledOp};
use crate::sema::program::ReagentUse;
use crate::sema::units::{Dimension, display};

/// Operations that ran together: one machine (a tool or an antechamber), one load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Load {
    /// An index into `Expansion::stations`.
    pub tool: usize,
    /// The load's number on its tool, from 0, in time order.
    pub index: usize,
    pub protocol: usize,
    /// The step; for a pass through an antechamber, the step it leads to.
    pub step: usize,
    pub transfer: bool,
    pub start_s: f64,
    pub end_s: f64,
    /// Samples in the load, from 1 (empty for a once-per-batch step).
    pub samples: Vec<u32>,
    pub setup: Setup,
}

/// What the tool does around a load, as `(from, to)` seconds. The preheat is shown
/// right before the samples go in, the latest it can run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Setup {
    /// Ramping before the samples are placed.
    pub preheat: Option<(f64, f64)>,
    /// Pumping down with the samples inside.
    pub pump_down: Option<(f64, f64)>,
    /// Ramping with the samples inside.
    pub heat_up: Option<(f64, f64)>,
    /// Venting after the load.
    pub vent: Option<(f64, f64)>,
    /// The samples stay in from the previous load: no vent, no pump-down between.
    pub stays_in: bool,
    /// The temperature the tool ramps from, K, when it ramps.
    pub ramp_from_k: Option<f64>,
}

/// Groups the scheduled operations into loads, ordered by tool then start, with what
/// their tools do around them.
pub fn loads(expansion: &Expansion, schedule: &Schedule) -> Vec<Load> {
    let problem = &expansion.problem;
    let continues: std::collections::BTreeSet<usize> = problem.in_situ.iter().map(|&(_, after)| after).collect();
    let mut grouped: BTreeMap<(usize, usize), (Load, Option<f64>)> = BTreeMap::new();
    for (op, ((operation, origin), scheduled)) in problem
        .operations
        .iter()
        .zip(&expansion.origins)
        .zip(&schedule.ops)
        .enumerate()
    {
        let (Some(tool), Some(index)) = (operation.machine, scheduled.load) else {
            continue;
        };
        let (load, _) = grouped.entry((tool, index)).or_insert_with(|| {
            (
                Load {
                    tool,
                    index,
                    protocol: origin.protocol,
                    step: origin.step,
                    transfer: origin.transfer,
                    start_s: scheduled.start_s,
                    end_s: scheduled.end_s,
                    samples: Vec::new(),
                    setup: Setup {
                        stays_in: continues.contains(&op),
                        ..Setup::default()
                    },
                },
                operation.setpoint_k,
            )
        });
        load.samples.extend(origin.sample.map(|s| s + 1));
    }
    let mut loads: Vec<(Load, Option<f64>)> = grouped.into_values().collect();
    let mut temperature = None;
    for index in 0..loads.len() {
        let next_stays = loads
            .get(index + 1)
            .is_some_and(|(next, _)| next.tool == loads[index].0.tool && next.setup.stays_in);
        let (load, setpoint) = &mut loads[index];
        let machine = &problem.machines[load.tool];
        if load.index == 0 {
            temperature = Some(machine.initial_k);
        }
        let ramp = match (machine.ramp_k_per_s, temperature, *setpoint) {
            (Some(rate), Some(from), Some(to)) if from != to => Some(((to - from).abs() / rate, from)),
            _ => None,
        };
        let start = load.start_s;
        let setup = &mut load.setup;
        let inside = if machine.ramp_inside || setup.stays_in {
            ramp
        } else {
            None
        };
        let inside_s = inside.map_or(0.0, |r| r.0);
        if let Some((seconds, from)) = ramp {
            setup.ramp_from_k = Some(from);
            if inside.is_some() {
                setup.heat_up = Some((start - seconds, start));
            } else {
                let door = start - machine.setup_s;
                setup.preheat = Some((door - seconds, door));
            }
        }
        if !setup.stays_in && machine.setup_s > 0.0 {
            setup.pump_down = Some((start - inside_s - machine.setup_s, start - inside_s));
        }
        if !next_stays && machine.vent_s > 0.0 {
            setup.vent = Some((load.end_s, load.end_s + machine.vent_s));
        }
        temperature = setpoint.or(temperature);
    }
    loads.into_iter().map(|(load, _)| load).collect()
}

/// The name of a machine of the plan: the tool's, or `glovebox-antechamber`.
pub fn station_name(expansion: &Expansion, machine: usize) -> &str {
    &expansion.problem.machines[machine].name
}

/// What a load is, for people: `protocol / step`, or `protocol / to step` for a pass
/// through an antechamber.
fn load_label(compilation: &Compilation, load: &Load) -> String {
    let protocol = &compilation.program.protocols[load.protocol];
    let step = &protocol.steps[load.step].name;
    if load.transfer {
        format!("{} / to {step}", protocol.name)
    } else {
        format!("{} / {step}", protocol.name)
    }
}

/// The set-up around a load in words: `pump down 0:10:00-0:30:00, heat up from 25 degC ...`.
fn setup_words(load: &Load) -> (String, String) {
    let mut before = Vec::new();
    let temperature = |k: f64| display(k, const { Dimension::called("temperature") });
    let from = load.setup.ramp_from_k.map(temperature).unwrap_or_default();
    if load.setup.stays_in {
        before.push("samples stay in".to_owned());
    }
    if let Some((a, b)) = load.setup.preheat {
        before.push(format!("preheat from {from} {}-{}", clock(a), clock(b)));
    }
    if let Some((a, b)) = load.setup.pump_down {
        before.push(format!("pump down with the samples in {}-{}", clock(a), clock(b)));
    }
    if let Some((a, b)) = load.setup.heat_up {
        before.push(format!(
            "heat up from {from} with samples inside {}-{}",
            clock(a),
            clock(b)
        ));
    }
    let after = load
        .setup
        .vent
        .map(|(a, b)| format!("vent {}-{}", clock(a), clock(b)))
        .unwrap_or_default();
    (before.join("; "), after)
}

/// `schedule.json`.
#[derive(Serialize, JsonSchema)]
pub struct ScheduleDocument<'a> {
    pub format_version: u32,
    pub makespan_s: f64,
    pub lower_bound_s: f64,
    /// How far the makespan may be above the best possible, as a fraction of the bound.
    pub gap: f64,
    /// The makespan is down to the lower bound: no plan is shorter (up to the
    /// verifier's rounding tolerance, 1e-6 of the makespan).
    pub proven_optimal: bool,
    pub assumed_durations: Vec<AssumedDuration<'a>>,
    pub operations: Vec<JsonOperation<'a>>,
    /// What each machine does around a load: preheat, pump-down, heat-up, vent.
    pub setups: Vec<JsonSetup<'a>>,
}

/// The set-up around one load.
#[derive(Serialize, JsonSchema)]
pub struct JsonSetup<'a> {
    pub tool: &'a str,
    /// The load's number on its machine, from 0.
    pub load: usize,
    pub setup: Setup,
}

/// One sample's (or the batch's) pass through one step. Names, with the indices into
/// `program.json` beside them.
#[derive(Serialize, JsonSchema)]
pub struct JsonOperation<'a> {
    protocol: &'a str,
    protocol_index: usize,
    /// From 1; `null` for a once-per-batch step.
    sample: Option<u32>,
    step: &'a str,
    step_index: usize,
    tool: Option<&'a str>,
    tool_index: Option<usize>,
    /// A pass through an antechamber on the way to `step`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    transfer: bool,
    /// The load's number on its tool, from 0, in time order.
    load: Option<usize>,
    start_s: f64,
    end_s: f64,
}

#[derive(Serialize, JsonSchema)]
pub struct AssumedDuration<'a> {
    protocol: &'a str,
    protocol_index: usize,
    step: &'a str,
    step_index: usize,
    duration_s: f64,
}

pub fn to_json(compilation: &Compilation, expansion: &Expansion, schedule: &Schedule) -> serde_json::Value {
    let program = &compilation.program;
    let operations: Vec<JsonOperation> = expansion
        .origins
        .iter()
        .zip(&expansion.problem.operations)
        .zip(&schedule.ops)
        .map(|((origin, operation), scheduled)| {
            let protocol = &program.protocols[origin.protocol];
            JsonOperation {
                protocol: &protocol.name,
                protocol_index: origin.protocol,
                sample: origin.sample.map(|s| s + 1),
                step: &protocol.steps[origin.step].name,
                step_index: origin.step,
                tool: operation.machine.map(|m| station_name(expansion, m)),
                tool_index: operation.machine.and_then(|m| match &expansion.stations[m] {
                    Station::Tool(tool) => Some(*tool),
                    Station::Antechamber(_) => None,
                }),
                transfer: origin.transfer,
                load: scheduled.load,
                start_s: scheduled.start_s,
                end_s: scheduled.end_s,
            }
        })
        .collect();
    let assumed: Vec<AssumedDuration> = program
        .protocols
        .iter()
        .zip(&expansion.assumed)
        .enumerate()
        .flat_map(|(protocol_index, (protocol, flags))| {
            protocol
                .steps
                .iter()
                .zip(flags)
                .enumerate()
                .filter(|(_, (_, assumed))| **assumed)
                .map(move |(step_index, (step, _))| AssumedDuration {
                    protocol: &protocol.name,
                    protocol_index,
                    step: &step.name,
                    step_index,
                    duration_s: compilation
                        .library
                        .operations
                        .get(&*step.verb)
                        .and_then(|op| op.default_time_s)
                        .unwrap_or(0.0),
                })
        })
        .collect();
    let setups = loads(expansion, schedule)
        .iter()
        .filter(|load| load.setup != Setup::default())
        .map(|load| JsonSetup {
            tool: station_name(expansion, load.tool),
            load: load.index,
            setup: load.setup.clone(),
        })
        .collect();
    let document = ScheduleDocument {
        format_version: super::json::FORMAT_VERSION,
        makespan_s: schedule.makespan_s,
        lower_bound_s: schedule.lower_bound_s,
        gap: gap(schedule),
        proven_optimal: crate::plan::schedule::proven_optimal(schedule),
        assumed_durations: assumed,
        operations,
        setups,
    };
    let mut value = serde_json::to_value(document).unwrap_or(serde_json::Value::Null);
    super::json::round_numbers(&mut value);
    value
}

/// The scheduling problem as data, for `seipc schedule --export-problem`: the fields
/// of [`Problem`] as `spec/problem.schema.json` describes them, with each operation's
/// origin (protocol, sample, step, or the transfer to it) for people.
pub fn problem_json(expansion: &Expansion) -> serde_json::Value {
    let mut value = serde_json::json!({
        "format": PROBLEM_FORMAT,
        "origins": expansion.origins,
    });
    if let (Some(object), Ok(serde_json::Value::Object(problem))) =
        (value.as_object_mut(), serde_json::to_value(&expansion.problem))
    {
        object.extend(problem);
    }
    value
}

/// The `format` of an exported problem.
pub const PROBLEM_FORMAT: &str = "seip-scheduling-problem/1";

/// A schedule from its JSON: `seipc schedule --json`'s, or any with `makespan_s`,
/// `lower_bound_s` (optional) and `operations`, one `{ start_s, end_s, load }` per
/// operation of `problem`, in its order.
pub fn from_json(problem: &Problem, value: &serde_json::Value) -> Result<Schedule, String> {
    let number = |value: &serde_json::Value, key: &str| value.get(key).and_then(serde_json::Value::as_f64);
    let operations = value
        .get("operations")
        .and_then(serde_json::Value::as_array)
        .ok_or("no `operations` array")?;
    if operations.len() != problem.operations.len() {
        return Err(format!(
            "{} operations, but the problem has {}",
            operations.len(),
            problem.operations.len()
        ));
    }
    let ops = operations
        .iter()
        .enumerate()
        .map(|(index, op)| {
            let load = match op.get("load") {
                None | Some(serde_json::Value::Null) => None,
                Some(load) => Some(
                    load.as_u64()
                        .ok_or(format!("operation {index}: `load` is not a whole number"))?
                        as usize,
                ),
            };
            Ok(ScheduledOp {
                start_s: number(op, "start_s").ok_or(format!("operation {index}: no `start_s`"))?,
                end_s: number(op, "end_s").ok_or(format!("operation {index}: no `end_s`"))?,
                load,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Schedule {
        ops,
        makespan_s: number(value, "makespan_s").ok_or("no `makespan_s`")?,
        lower_bound_s: number(value, "lower_bound_s").unwrap_or(0.0),
    })
}

/// How far the makespan may be above the best possible, as a fraction of the bound.
pub fn gap(schedule: &Schedule) -> f64 {
    // The bound can sit a rounding unit above the makespan; a gap is never negative.
    if schedule.lower_bound_s > 0.0 {
        ((schedule.makespan_s - schedule.lower_bound_s) / schedule.lower_bound_s).max(0.0)
    } else {
        0.0
    }
}

/// `h:mm:ss` from the start of the plan.
pub fn clock(seconds: f64) -> String {
    let total = seconds.round() as u64;
    format!("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60)
}

fn time(seconds: f64) -> String {
    display(seconds, const { Dimension::called("time") })
}

/// Samples as ranges: `1-8, 10`.
fn sample_ranges(samples: &[u32]) -> String {
    if samples.is_empty() {
        return "whole batch".to_owned();
    }
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let mut parts = Vec::new();
    let mut start = sorted[0];
    let mut end = start;
    for &sample in &sorted[1..] {
        if sample == end + 1 {
            end = sample;
        } else {
            parts.push(if start == end {
                start.to_string()
            } else {
                format!("{start}-{end}")
            });
            start = sample;
            end = sample;
        }
    }
    parts.push(if start == end {
        start.to_string()
    } else {
        format!("{start}-{end}")
    });
    parts.join(", ")
}

/// The summary line: makespan, bound and gap.
pub fn summary(schedule: &Schedule) -> String {
    format!(
        "makespan {} (h:mm:ss), lower bound {}, gap {:.1} %",
        clock(schedule.makespan_s),
        clock(schedule.lower_bound_s),
        gap(schedule) * 100.0
    )
}

/// A machine's heading: `pvd (sputter in vacuum, capacity 8, pump-down 20 min)`.
fn station_heading(compilation: &Compilation, expansion: &Expansion, machine: usize) -> String {
    let m = &expansion.problem.machines[machine];
    let mut parts = Vec::new();
    match &expansion.stations[machine] {
        Station::Tool(tool) => {
            let tool = &compilation.program.tools[*tool];
            parts.push(format!("{} in {}", tool.kind, tool.environment));
        }
        Station::Antechamber(room) => parts.push(format!("antechamber into {room}")),
    }
    parts.push(format!("capacity {}", m.capacity));
    if m.setup_s > 0.0 {
        parts.push(format!("pump-down {}", time(m.setup_s)));
    }
    if m.vent_s > 0.0 {
        parts.push(format!("vent {}", time(m.vent_s)));
    }
    if let Some(ramp) = m.ramp_k_per_s {
        parts.push(format!(
            "ramp {} {}",
            display(ramp, const { Dimension::called("temperature ramp") }),
            if m.ramp_inside {
                "with the samples inside"
            } else {
                "before the samples go in"
            }
        ));
    }
    format!("{} ({})", m.name, parts.join(", "))
}

/// Each tool's timeline, for `seipc schedule`.
pub fn timeline(compilation: &Compilation, expansion: &Expansion, schedule: &Schedule) -> String {
    let loads = loads(expansion, schedule);
    let mut out = format!("{}\n", summary(schedule));
    for machine in 0..expansion.problem.machines.len() {
        let on_tool: Vec<&Load> = loads.iter().filter(|l| l.tool == machine).collect();
        let _ = writeln!(
            out,
            "\n{}: {} load{}",
            station_heading(compilation, expansion, machine),
            on_tool.len(),
            if on_tool.len() == 1 { "" } else { "s" }
        );
        if on_tool.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  {:>5}  {:>9}  {:>9}  {:<32} {:<12} set-up",
            "load", "start", "end", "protocol / step", "samples"
        );
        for load in on_tool {
            let (before, after) = setup_words(load);
            let setup = [before, after]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("; ");
            let line = format!(
                "  {:>5}  {:>9}  {:>9}  {:<32} {:<12} {}",
                load.index + 1,
                clock(load.start_s),
                clock(load.end_s),
                load_label(compilation, load),
                sample_ranges(&load.samples),
                setup
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    out
}

/// The setpoints of a step, as an operator reads them, in the units the recipe wrote:
/// `MoS2, thickness 10 nm, rate 0.5 nm/min`. A carrier pressed onto a foil names the
/// foil; `max_wait` is a constraint, not a setpoint (see [`constraints`]).
fn setpoints(compilation: &Compilation, protocol: usize, step: usize) -> String {
    let protocol = &compilation.program.protocols[protocol];
    let step = &protocol.steps[step];
    let mut parts: Vec<String> = Vec::new();
    if let (Some(piece), Some(target)) = (step.workpiece, step.onto) {
        parts.push(format!(
            "press {} onto {}",
            protocol.workpieces[piece].name, protocol.workpieces[target].name
        ));
    }
    match &step.reagent {
        Some(ReagentUse::Reagent { index, .. }) => {
            let reagent = &protocol.reagents[*index];
            let components: Vec<String> = reagent
                .components
                .iter()
                .map(|c| match &c.amount {
                    Some(amount) => format!("{} {}", c.material, amount.as_written()),
                    None => c.material.clone(),
                })
                .collect();
            let solvent = if reagent.solvents.is_empty() {
                String::new()
            } else {
                format!(" in {}", reagent.solvents.join("/"))
            };
            parts.push(format!(
                "reagent {} = {}{solvent}",
                reagent.name,
                components.join(" + ")
            ));
        }
        Some(ReagentUse::Materials { materials, .. }) => parts.push(materials.join("/")),
        None => {}
    }
    parts.extend(
        step.params
            .iter()
            .filter(|(name, _)| !CONSTRAINTS.contains(name))
            .map(|(name, value)| format!("{name} {}", value.as_written())),
    );
    parts.join(", ")
}

/// Parameters that bound the plan rather than set the tool.
const CONSTRAINTS: [&str; 1] = ["max_wait"];

/// What the operator must keep to around a step: `start coat within 10 min`.
fn constraints(compilation: &Compilation, protocol_index: usize, step_index: usize) -> String {
    let protocol = &compilation.program.protocols[protocol_index];
    let Some(max_wait) = protocol.steps[step_index].params.get("max_wait") else {
        return String::new();
    };
    let next: Vec<&str> = compilation
        .graphs
        .get(protocol_index)
        .map(|graph| graph.successor_steps(step_index))
        .unwrap_or_default()
        .into_iter()
        .map(|step| &*protocol.steps[step].name)
        .collect();
    let next = if next.is_empty() {
        "the next step".to_owned()
    } else {
        next.join(", ")
    };
    format!("start {next} within {} of the end", max_wait.as_written())
}

/// One run sheet per tool and antechamber, in Markdown: its loads in order with their
/// set-ups and setpoints.
pub fn run_sheets(compilation: &Compilation, expansion: &Expansion, schedule: &Schedule) -> Vec<(String, String)> {
    let program = &compilation.program;
    let loads = loads(expansion, schedule);
    (0..expansion.problem.machines.len())
        .map(|machine| {
            let name = station_name(expansion, machine);
            let mut sheet = format!("# Run sheet: {name}\n\n");
            let _ = writeln!(sheet, "- {}", station_heading(compilation, expansion, machine));
            let _ = writeln!(sheet, "- plan: {}\n", summary(schedule));
            let on_tool: Vec<&Load> = loads.iter().filter(|l| l.tool == machine).collect();
            if on_tool.is_empty() {
                sheet.push_str("No loads are planned on this tool.\n");
            } else {
                sheet.push_str(
                    "| load | before | start | end | after | protocol | step | operation | samples | setpoints | constraints |\n",
                );
                sheet.push_str("| ---: | --- | ---: | ---: | --- | --- | --- | --- | --- | --- | --- |\n");
                for load in on_tool {
                    let protocol = &program.protocols[load.protocol];
                    let step = &protocol.steps[load.step];
                    let assumed = expansion
                        .assumed
                        .get(load.protocol)
                        .and_then(|a| a.get(load.step))
                        .copied()
                        .unwrap_or(false);
                    let (before, after) = setup_words(load);
                    let (step_name, operation, setpoints) = if load.transfer {
                        (format!("to {}", step.name), "transfer".to_owned(), String::new())
                    } else {
                        (
                            step.name.to_string(),
                            format!("{}{}", step.verb, if assumed { " (duration assumed)" } else { "" }),
                            setpoints(compilation, load.protocol, load.step).replace('|', "/"),
                        )
                    };
                    let constraints = if load.transfer {
                        String::new()
                    } else {
                        constraints(compilation, load.protocol, load.step).replace('|', "/")
                    };
                    let _ = writeln!(
                        sheet,
                        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                        load.index + 1,
                        before,
                        clock(load.start_s),
                        clock(load.end_s),
                        after,
                        protocol.name,
                        step_name,
                        operation,
                        sample_ranges(&load.samples),
                        setpoints,
                        constraints
                    );
                }
            }
            (format!("runsheet-{name}.md"), sheet)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_print_as_ranges() {
        assert_eq!(sample_ranges(&[3, 1, 2, 5, 7, 8]), "1-3, 5, 7-8");
        assert_eq!(sample_ranges(&[]), "whole batch");
    }

    #[test]
    fn clock_reads_hours_minutes_seconds() {
        assert_eq!(clock(3725.0), "1:02:05");
    }
}
