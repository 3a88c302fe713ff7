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
                graph.order.as_ref().map(|order| order.iter().map(|&step| protocol.steps[step].name.as_str()).collect())
            }),
            stack: compilation.stacks.get(index),
        })
        .collect();
    serde_json::to_value(Output { tools, protocols }).unwrap_or(serde_json::Value::Null)
}
