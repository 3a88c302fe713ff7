//! The JSON form of a compilation: the checked protocols with their parameters in SI
//! units, the order of their steps, and the predicted stacks.

use serde::Serialize;

use crate::Compilation;
use crate::model::stack::ProtocolStack;
use crate::sema::program::{Program, Tool};

#[derive(Serialize)]
struct Output<'a> {
    tools: &'a [Tool],
    protocols: Vec<ProtocolOutput<'a>>,
}

#[derive(Serialize)]
struct ProtocolOutput<'a> {
    #[serde(flatten)]
    protocol: &'a crate::sema::program::Protocol,
    /// Step names in an order that respects every dependency; `null` with a cycle.
    order: Option<Vec<&'a str>>,
    stack: Option<&'a ProtocolStack>,
}

pub fn to_value(compilation: &Compilation) -> serde_json::Value {
    let Program { tools, protocols } = &compilation.program;
    let protocols = protocols
        .iter()
        .enumerate()
        .map(|(index, protocol)| ProtocolOutput {
            protocol,
            order: compilation.graphs.get(index).and_then(|graph| {
                graph
                    .order
                    .as_ref()
                    .map(|order| order.iter().map(|&step| &*protocol.steps[step].name).collect())
            }),
            stack: compilation.stacks.get(index),
        })
        .collect();
    let mut value = serde_json::to_value(Output { tools, protocols }).unwrap_or(serde_json::Value::Null);
    round_numbers(&mut value);
    value
}

/// The predicted stacks alone, by protocol name (`seipc stack --json`).
pub fn stacks(compilation: &Compilation) -> serde_json::Value {
    let entries: Vec<serde_json::Value> = compilation
        .program
        .protocols
        .iter()
        .zip(&compilation.stacks)
        .map(|(protocol, stack)| serde_json::json!({ "protocol": protocol.name, "stack": stack }))
        .collect();
    let mut value = serde_json::Value::Array(entries);
    round_numbers(&mut value);
    value
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
