//! The schedule for people and tools: each tool's timeline (`seipc schedule`), the JSON
//! of every operation, and one run sheet per tool that an operator can follow.

use std::collections::BTreeMap;
use std::fmt::Write;

use schemars::JsonSchema;
use serde::Serialize;

use crate::Compilation;
use crate::plan::expand::Expansion;
use crate::plan::schedule::Schedule;
use crate::sema::program::ReagentUse;
use crate::sema::units::{Dimension, display};

/// Operations that ran together: one tool, one load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Load {
    pub tool: usize,
    /// The load's number on its tool, from 0, in time order.
    pub index: usize,
    pub protocol: usize,
    pub step: usize,
    pub start_s: f64,
    pub end_s: f64,
    /// Samples in the load, from 1 (empty for a once-per-batch step).
    pub samples: Vec<u32>,
}

/// Groups the scheduled operations into loads, ordered by tool then start.
pub fn loads(expansion: &Expansion, schedule: &Schedule) -> Vec<Load> {
    let mut grouped: BTreeMap<(usize, usize), Load> = BTreeMap::new();
    for ((operation, origin), scheduled) in expansion
        .problem
        .operations
        .iter()
        .zip(&expansion.origins)
        .zip(&schedule.ops)
    {
        let (Some(tool), Some(index)) = (operation.machine, scheduled.load) else {
            continue;
        };
        let load = grouped.entry((tool, index)).or_insert_with(|| Load {
            tool,
            index,
            protocol: origin.protocol,
            step: origin.step,
            start_s: scheduled.start_s,
            end_s: scheduled.end_s,
            samples: Vec::new(),
        });
        load.samples.extend(origin.sample.map(|s| s + 1));
    }
    grouped.into_values().collect()
}

/// `schedule.json`.
#[derive(Serialize, JsonSchema)]
pub struct ScheduleDocument<'a> {
    pub format_version: u32,
    pub makespan_s: f64,
    pub lower_bound_s: f64,
    /// How far the makespan may be above the best possible, as a fraction of the bound.
    pub gap: f64,
    pub assumed_durations: Vec<AssumedDuration<'a>>,
    pub operations: Vec<JsonOperation<'a>>,
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
                tool: operation.machine.map(|m| program.tools[m].name.as_str()),
                tool_index: operation.machine,
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
    let document = ScheduleDocument {
        format_version: super::json::FORMAT_VERSION,
        makespan_s: schedule.makespan_s,
        lower_bound_s: schedule.lower_bound_s,
        gap: gap(schedule),
        assumed_durations: assumed,
        operations,
    };
    let mut value = serde_json::to_value(document).unwrap_or(serde_json::Value::Null);
    super::json::round_numbers(&mut value);
    value
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

/// Each tool's timeline, for `seipc schedule`.
pub fn timeline(compilation: &Compilation, expansion: &Expansion, schedule: &Schedule) -> String {
    let program = &compilation.program;
    let loads = loads(expansion, schedule);
    let mut out = format!("{}\n", summary(schedule));
    for (tool_index, tool) in program.tools.iter().enumerate() {
        let on_tool: Vec<&Load> = loads.iter().filter(|l| l.tool == tool_index).collect();
        let _ = writeln!(
            out,
            "\n{} ({} in {}, capacity {}{}): {} load{}",
            tool.name,
            tool.kind,
            tool.environment,
            tool.capacity,
            if tool.pump_down_s > 0.0 {
                format!(", pump-down {}", time(tool.pump_down_s))
            } else {
                String::new()
            },
            on_tool.len(),
            if on_tool.len() == 1 { "" } else { "s" }
        );
        if on_tool.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  {:>5}  {:>9}  {:>9}  {:<32} samples",
            "load", "start", "end", "protocol / step"
        );
        for load in on_tool {
            let protocol = &program.protocols[load.protocol];
            let label = format!("{} / {}", protocol.name, protocol.steps[load.step].name);
            let _ = writeln!(
                out,
                "  {:>5}  {:>9}  {:>9}  {:<32} {}",
                load.index + 1,
                clock(load.start_s),
                clock(load.end_s),
                label,
                sample_ranges(&load.samples)
            );
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

/// One run sheet per tool, in Markdown: its loads in order with their setpoints.
pub fn run_sheets(compilation: &Compilation, expansion: &Expansion, schedule: &Schedule) -> Vec<(String, String)> {
    let program = &compilation.program;
    let loads = loads(expansion, schedule);
    program
        .tools
        .iter()
        .enumerate()
        .map(|(tool_index, tool)| {
            let mut sheet = format!("# Run sheet: {}\n\n", tool.name);
            let _ = writeln!(sheet, "- kind: {} in {}", tool.kind, tool.environment);
            let _ = writeln!(
                sheet,
                "- capacity: {} sample{} per load",
                tool.capacity,
                if tool.capacity == 1 { "" } else { "s" }
            );
            if tool.pump_down_s > 0.0 {
                let _ = writeln!(sheet, "- before every load: pump down for {}", time(tool.pump_down_s));
            }
            if let Some(ramp) = tool.ramp_k_per_s {
                let _ = writeln!(
                    sheet,
                    "- heating and cooling: {}",
                    display(ramp, const { Dimension::called("temperature ramp") })
                );
            }
            let _ = writeln!(sheet, "- plan: {}\n", summary(schedule));
            let on_tool: Vec<&Load> = loads.iter().filter(|l| l.tool == tool_index).collect();
            if on_tool.is_empty() {
                sheet.push_str("No loads are planned on this tool.\n");
            } else {
                sheet.push_str("| load | start | end | protocol | step | operation | samples | setpoints | constraints |\n");
                sheet.push_str("| ---: | ---: | ---: | --- | --- | --- | --- | --- | --- |\n");
                for load in on_tool {
                    let protocol = &program.protocols[load.protocol];
                    let step = &protocol.steps[load.step];
                    let assumed = expansion
                        .assumed
                        .get(load.protocol)
                        .and_then(|a| a.get(load.step))
                        .copied()
                        .unwrap_or(false);
                    let _ = writeln!(
                        sheet,
                        "| {} | {} | {} | {} | {} | {}{} | {} | {} | {} |",
                        load.index + 1,
                        clock(load.start_s),
                        clock(load.end_s),
                        protocol.name,
                        step.name,
                        step.verb,
                        if assumed { " (duration assumed)" } else { "" },
                        sample_ranges(&load.samples),
                        setpoints(compilation, load.protocol, load.step).replace('|', "/"),
                        constraints(compilation, load.protocol, load.step).replace('|', "/")
                    );
                }
            }
            (format!("runsheet-{}.md", tool.name), sheet)
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
