//! The JSON form of a compilation: the checked protocols with their parameters in SI
//! units, the order of their steps, and the predicted stacks.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use crate::Compilation;
use crate::physics::ProtocolStack;
use crate::sema::program::{Program, Protocol, ReagentUse, Step, Tool};

/// The version of the JSON documents (`program.json`, `schedule.json`, `seipc stack
/// --json`, the diagnostics): raised when a field changes meaning or goes away.
pub const FORMAT_VERSION: u32 = 1;

/// `program.json`.
#[derive(Serialize, JsonSchema)]
pub struct ProgramDocument<'a> {
    pub format_version: u32,
    pub tools: &'a [Tool],
    pub protocols: Vec<ProtocolOutput<'a>>,
}

#[derive(Serialize, JsonSchema)]
pub struct ProtocolOutput<'a> {
    #[serde(flatten)]
    protocol: &'a Protocol,
    steps: Vec<StepOutput<'a>>,
    /// Step names in an order that respects every dependency; `null` with a cycle.
    order: Option<Vec<&'a str>>,
    stack: Option<&'a ProtocolStack>,
}

/// A step with the names of what its indices refer to: `workpiece` indexes the
/// protocol's `workpieces`, `tool` the file's `tools`, `after` the protocol's `steps`.
#[derive(Serialize, JsonSchema)]
pub struct StepOutput<'a> {
    #[serde(flatten)]
    step: &'a Step,
    workpiece_name: Option<&'a str>,
    onto_name: Option<&'a str>,
    tool_name: Option<&'a str>,
    /// The declared reagent's name, for a step that uses one.
    reagent_name: Option<&'a str>,
    after_names: Vec<&'a str>,
}

fn step_output<'a>(tools: &'a [Tool], protocol: &'a Protocol, step: &'a Step) -> StepOutput<'a> {
    let workpiece = |index: usize| protocol.workpieces.get(index).map(|w| w.name.as_str());
    StepOutput {
        step,
        workpiece_name: step.workpiece.and_then(workpiece),
        onto_name: step.onto.and_then(workpiece),
        tool_name: step
            .tool
            .and_then(|tool| tools.get(tool))
            .map(|tool| tool.name.as_str()),
        reagent_name: match &step.reagent {
            Some(ReagentUse::Reagent { index, .. }) => protocol.reagents.get(*index).map(|r| r.name.as_str()),
            _ => None,
        },
        after_names: step
            .after
            .iter()
            .map(|(after, _)| &*protocol.steps[*after].name)
            .collect(),
    }
}

fn protocol_outputs(compilation: &Compilation) -> impl Iterator<Item = ProtocolOutput<'_>> {
    let tools = &compilation.program.tools;
    compilation
        .program
        .protocols
        .iter()
        .enumerate()
        .map(move |(index, protocol)| ProtocolOutput {
            protocol,
            steps: protocol
                .steps
                .iter()
                .map(|step| step_output(tools, protocol, step))
                .collect(),
            order: compilation.graphs.get(index).and_then(|graph| {
                graph
                    .order
                    .as_ref()
                    .map(|order| order.iter().map(|&step| &*protocol.steps[step].name).collect())
            }),
            stack: compilation.stacks.get(index),
        })
}

/// `program.json` as a value: the tools, and each protocol with its order and stack.
pub fn to_value(compilation: &Compilation) -> serde_json::Value {
    let Program { tools, .. } = &compilation.program;
    let protocols = protocol_outputs(compilation).collect();
    rounded(ProgramDocument {
        format_version: FORMAT_VERSION,
        tools,
        protocols,
    })
}

/// Writes [`to_value`] pretty-printed, one protocol at a time: the value of a whole file
/// of 10^5 steps would take gigabytes.
pub fn write_program(compilation: &Compilation, out: &mut impl Write) -> io::Result<()> {
    // The fields in the order a value's sorted keys give them.
    write!(out, "{{\n  \"format_version\": {FORMAT_VERSION},\n  \"protocols\": ")?;
    write_array(out, protocol_outputs(compilation).map(rounded), 1)?;
    out.write_all(b",\n  \"tools\": ")?;
    write_nested(out, &rounded(&compilation.program.tools), 1)?;
    out.write_all(b"\n}")
}

/// `--json` with `--message-format json` (`seipc stack`, `seipc schedule`): one
/// document, the `--json` document with the run's diagnostics inside it.
/// `D` is a list of [`crate::diagnostics::json::JsonDiagnostic`] (or of their JSON values).
#[derive(Serialize, JsonSchema)]
pub struct WithDiagnostics<T, D> {
    #[serde(flatten)]
    pub document: T,
    pub diagnostics: D,
}

/// `seipc stack --json`: the predicted stacks alone, by protocol name.
#[derive(Serialize, JsonSchema)]
pub struct StacksDocument<'a> {
    pub format_version: u32,
    pub protocols: Vec<ProtocolStackOutput<'a>>,
}

#[derive(Serialize, JsonSchema)]
pub struct ProtocolStackOutput<'a> {
    protocol: &'a str,
    stack: &'a ProtocolStack,
}

fn stack_outputs(compilation: &Compilation) -> impl Iterator<Item = ProtocolStackOutput<'_>> {
    compilation
        .program
        .protocols
        .iter()
        .zip(&compilation.stacks)
        .map(|(protocol, stack)| ProtocolStackOutput {
            protocol: &protocol.name,
            stack,
        })
}

/// The predicted stacks alone, by protocol name (`seipc stack --json`).
pub fn stacks(compilation: &Compilation) -> serde_json::Value {
    rounded(StacksDocument {
        format_version: FORMAT_VERSION,
        protocols: stack_outputs(compilation).collect(),
    })
}

/// Writes [`stacks`] pretty-printed, one protocol at a time.
pub fn write_stacks(compilation: &Compilation, out: &mut impl Write) -> io::Result<()> {
    write!(out, "{{\n  \"format_version\": {FORMAT_VERSION},\n  \"protocols\": ")?;
    write_array(out, stack_outputs(compilation).map(rounded), 1)?;
    out.write_all(b"\n}")
}

/// A value with its numbers rounded (see [`round_numbers`]).
fn rounded(value: impl Serialize) -> serde_json::Value {
    let mut value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    round_numbers(&mut value);
    value
}

/// Writes a pretty-printed array of `items` as `serde_json::to_string_pretty` would
/// inside a value nested `depth` levels deep.
fn write_array(out: &mut impl Write, items: impl Iterator<Item = serde_json::Value>, depth: usize) -> io::Result<()> {
    let mut items = items.peekable();
    if items.peek().is_none() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (index, item) in items.enumerate() {
        out.write_all(if index == 0 { b"\n" } else { b",\n" })?;
        out.write_all("  ".repeat(depth + 1).as_bytes())?;
        write_nested(out, &item, depth + 1)?;
    }
    write!(out, "\n{}]", "  ".repeat(depth))
}

/// Writes a value pretty-printed as if nested `depth` levels deep: its lines after the
/// first are indented by the depth (strings hold no raw line breaks in JSON).
fn write_nested(out: &mut impl Write, value: &serde_json::Value, depth: usize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let indent = format!("\n{}", "  ".repeat(depth));
    out.write_all(text.replace('\n', &indent).as_bytes())
}

/// Significant digits kept in JSON numbers: unit conversion leaves binary noise in the
/// last digits (50 um becomes 4.9999999999999996e-5), which readers and diffs should
/// not see; twelve digits are far beyond any measured quantity.
const SIGNIFICANT_DIGITS: usize = 12;

pub fn round_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64()) {
                let rounded: f64 = format!("{float:.*e}", SIGNIFICANT_DIGITS - 1).parse().unwrap_or(float);
                if let Some(new) = serde_json::Number::from_f64(rounded) {
                    *number = new;
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(round_numbers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(round_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_noise_is_rounded_away() {
        let mut value = serde_json::json!({ "a": [50.0 * 1e-6, 0.5e-9 / 60.0, 3, 1.0] });
        round_numbers(&mut value);
        assert_eq!(value.to_string(), r#"{"a":[0.00005,8.33333333333e-12,3,1.0]}"#);
    }
}
