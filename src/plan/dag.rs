//! The step graph of each protocol (petgraph).
//!
//! Design notes:
//! - One node per step, plus one per transfer the compiler infers when a workpiece moves
//!   between environments (through a load-lock, in a sealed carrier, or through air).
//!   Edges say "must finish before": consecutive steps on one workpiece (in written
//!   order; a join `onto` touches both workpieces), a reagent's preparation before every
//!   step that uses it, and each `after`.
//! - Every edge remembers the span that created it, so a cycle is reported with a label
//!   on each of its edges, where the user can break it.
//! - Per-sample expansion (a batch of N samples) is the scheduler's business; the graph
//!   is per protocol.

use std::sync::Arc;

use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::diagnostics::{Diagnostic, codes};
use crate::sema::library::{Atmosphere, Effect, Library};
use crate::sema::program::{Program, Protocol, ReagentUse};
use crate::span::Span;

/// How a workpiece gets from one environment to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Into or out of a vacuum chamber.
    LoadLock,
    /// Between inert or dry rooms, in a closed box.
    SealedCarrier,
    /// Into or out of laboratory air.
    ThroughAir,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transfer {
    pub workpiece: usize,
    pub from: Arc<str>,
    pub to: Arc<str>,
    pub route: Route,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An index into `Protocol::steps`.
    Step(usize),
    /// Boxed: most nodes are steps, and a node is as large as its largest variant.
    Transfer(Box<Transfer>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// The next step on the same workpiece.
    Sequence,
    /// A reagent is prepared before it is used.
    Preparation,
    /// An explicit `after`.
    After,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub kind: EdgeKind,
    /// What created the edge: the `after` name, the later step.
    pub span: Span,
}

/// The graph of one protocol.
#[derive(Debug, Clone)]
pub struct StepGraph {
    pub graph: DiGraph<Node, Edge>,
    /// Steps in an order that respects every edge (written order where free), or
    /// `None` when the graph has a cycle.
    pub order: Option<Vec<usize>>,
}

impl StepGraph {
    /// The steps that directly follow a step, through any transfer between them, in
    /// step order.
    pub fn successor_steps(&self, step: usize) -> Vec<usize> {
        let mut found = Vec::new();
        let mut stack = vec![petgraph::graph::NodeIndex::new(step)];
        while let Some(node) = stack.pop() {
            for next in self.graph.neighbors_directed(node, petgraph::Direction::Outgoing) {
                match &self.graph[next] {
                    Node::Step(index) => found.push(*index),
                    Node::Transfer(_) => stack.push(next),
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

pub fn build(program: &Program, library: &Library) -> (Vec<StepGraph>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let graphs = program
        .protocols
        .iter()
        .map(|protocol| build_protocol(program, protocol, library, &mut diagnostics))
        .collect();
    (graphs, diagnostics)
}

/// The route between two environments, by their atmospheres; `None` when they are the
/// same room.
fn route(library: &Library, from: &str, to: &str) -> Option<Route> {
    if from == to {
        return None;
    }
    let atmosphere = |name: &str| library.environments.get(name).map(|e| e.atmosphere);
    let ends = [atmosphere(from), atmosphere(to)];
    Some(if ends.contains(&Some(Atmosphere::Vacuum)) {
        Route::LoadLock
    } else if ends.contains(&Some(Atmosphere::Ambient)) {
        Route::ThroughAir
    } else {
        Route::SealedCarrier
    })
}

fn build_protocol(
    program: &Program,
    protocol: &Protocol,
    library: &Library,
    diagnostics: &mut Vec<Diagnostic>,
) -> StepGraph {
    let mut graph: DiGraph<Node, Edge> = DiGraph::with_capacity(protocol.steps.len(), protocol.steps.len() * 2);
    let nodes: Vec<NodeIndex> = (0..protocol.steps.len())
        .map(|i| graph.add_node(Node::Step(i)))
        .collect();
    let environment_of = |step: usize| protocol.steps[step].tool.map(|tool| &program.tools[tool].environment);
    let mut last_on_workpiece: Vec<Option<usize>> = vec![None; protocol.workpieces.len()];
    // The steps that prepare each reagent, in written order, and whether each step is one.
    let mut preparations: Vec<Vec<usize>> = vec![Vec::new(); protocol.reagents.len()];
    let mut prepares = vec![false; protocol.steps.len()];
    for (index, step) in protocol.steps.iter().enumerate() {
        // The reagent first: looking the verb up reads its text, elsewhere in memory.
        if let Some(ReagentUse::Reagent { index: reagent, .. }) = &step.reagent
            && library
                .operations
                .get(&*step.verb)
                .is_some_and(|op| op.effect == Effect::Prepare)
        {
            preparations[*reagent].push(index);
            prepares[index] = true;
        }
    }
    for (index, step) in protocol.steps.iter().enumerate() {
        for workpiece in step.workpiece.into_iter().chain(step.onto) {
            if let Some(previous) = last_on_workpiece[workpiece].replace(index) {
                let edge = Edge {
                    kind: EdgeKind::Sequence,
                    span: step.span,
                };
                let moved = environment_of(previous)
                    .zip(environment_of(index))
                    .and_then(|(from, to)| {
                        Some(Transfer {
                            workpiece,
                            from: Arc::clone(from),
                            to: Arc::clone(to),
                            route: route(library, from, to)?,
                        })
                    });
                match moved {
                    Some(transfer) => {
                        let transfer_node = graph.add_node(Node::Transfer(Box::new(transfer)));
                        graph.add_edge(nodes[previous], transfer_node, edge);
                        graph.add_edge(transfer_node, nodes[index], edge);
                    }
                    None => {
                        graph.add_edge(nodes[previous], nodes[index], edge);
                    }
                }
            }
        }
        // A use waits for the batch of reagent prepared last before it (the first one,
        // when the recipe writes the preparation after the use).
        if let Some(ReagentUse::Reagent { index: reagent, span }) = &step.reagent
            && !prepares[index]
        {
            let made = &preparations[*reagent];
            let before = made.partition_point(|&preparation| preparation < index);
            let preparation = before.checked_sub(1).map_or(made.first(), |last| made.get(last));
            if let Some(&preparation) = preparation {
                graph.add_edge(
                    nodes[preparation],
                    nodes[index],
                    Edge {
                        kind: EdgeKind::Preparation,
                        span: *span,
                    },
                );
            }
        }
        for &(before, span) in &step.after {
            graph.add_edge(
                nodes[before],
                nodes[index],
                Edge {
                    kind: EdgeKind::After,
                    span,
                },
            );
        }
    }
    let order = match toposort(&graph, None) {
        Ok(sorted) => Some(
            sorted
                .into_iter()
                .filter_map(|node| match graph[node] {
                    Node::Step(step) => Some(step),
                    Node::Transfer(_) => None,
                })
                .collect(),
        ),
        Err(cycle) => {
            diagnostics.push(cycle_diagnostic(protocol, &graph, cycle.node_id()));
            None
        }
    };
    StepGraph { graph, order }
}

/// Finds a cycle through `start` (a node toposort found on one) as a list of edges.
fn find_cycle(graph: &DiGraph<Node, Edge>, start: NodeIndex) -> Vec<petgraph::graph::EdgeIndex> {
    // Breadth-first search from `start` back to itself gives the shortest such cycle.
    let mut reached_by: Vec<Option<petgraph::graph::EdgeIndex>> = vec![None; graph.node_count()];
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for edge in graph.edges(node) {
            let next = edge.target();
            if reached_by[next.index()].is_some() {
                continue;
            }
            reached_by[next.index()] = Some(edge.id());
            if next == start {
                queue.clear();
                break;
            }
            queue.push_back(next);
        }
    }
    let mut cycle = Vec::new();
    let mut node = start;
    while let Some(edge) = reached_by[node.index()] {
        cycle.push(edge);
        // INVARIANT: every recorded edge has endpoints.
        let Some((source, _)) = graph.edge_endpoints(edge) else {
            break;
        };
        node = source;
        if node == start || cycle.len() > graph.edge_count() {
            break;
        }
    }
    cycle.reverse();
    cycle
}

fn cycle_diagnostic(protocol: &Protocol, graph: &DiGraph<Node, Edge>, on_cycle: NodeIndex) -> Diagnostic {
    let cycle = find_cycle(graph, on_cycle);
    let step_name = |node: NodeIndex| match &graph[node] {
        Node::Step(step) => format!("`{}`", protocol.steps[*step].name),
        Node::Transfer(transfer) => format!("the transfer from `{}` to `{}`", transfer.from, transfer.to),
    };
    let mut path: Vec<String> = Vec::new();
    let mut labels: Vec<(Span, String)> = Vec::new();
    for &edge in &cycle {
        let Some((before, after)) = graph.edge_endpoints(edge) else {
            continue;
        };
        // A transfer is part of the edge it sits on; only steps are named in the path.
        if let Node::Transfer(_) = graph[after] {
            continue;
        }
        let before = match graph[before] {
            Node::Transfer(_) => graph
                .neighbors_directed(before, petgraph::Direction::Incoming)
                .next()
                .unwrap_or(before),
            Node::Step(_) => before,
        };
        path.push(step_name(before));
        let weight = graph[edge];
        let reason = match weight.kind {
            EdgeKind::After => format!("{} waits for {} here", step_name(after), step_name(before)),
            EdgeKind::Sequence => format!(
                "{} follows {} on the same substrate",
                step_name(after),
                step_name(before)
            ),
            EdgeKind::Preparation => format!("{} uses the reagent {} prepares", step_name(after), step_name(before)),
        };
        labels.push((weight.span, reason));
    }
    if let Some(first) = path.first().cloned() {
        path.push(first);
    }
    // The primary label goes on an `after`, the edge a user wrote and can remove.
    let primary = labels
        .iter()
        .position(|(span, _)| {
            cycle
                .iter()
                .any(|&e| graph[e].span == *span && graph[e].kind == EdgeKind::After)
        })
        .unwrap_or(0);
    let (primary_span, primary_message) = labels.get(primary).cloned().unwrap_or((protocol.span, String::new()));
    let mut diagnostic = Diagnostic::new(
        codes::DEPENDENCY_CYCLE,
        format!("the steps of `{}` wait for each other in a cycle", protocol.name),
        primary_span,
        primary_message,
    );
    for (index, (span, message)) in labels.into_iter().enumerate() {
        if index != primary {
            diagnostic = diagnostic.with_label(span, message);
        }
    }
    diagnostic
        .with_note(format!("cycle: {}", path.join(" -> ")))
        .with_help("remove one `after`, or reorder the steps so that each waits only for earlier ones")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_cycle_through_a_node() {
        let mut graph: DiGraph<Node, Edge> = DiGraph::new();
        let nodes: Vec<_> = (0..4).map(|i| graph.add_node(Node::Step(i))).collect();
        let edge = Edge {
            kind: EdgeKind::After,
            span: Span::default(),
        };
        graph.add_edge(nodes[0], nodes[1], edge);
        graph.add_edge(nodes[1], nodes[2], edge);
        graph.add_edge(nodes[2], nodes[0], edge);
        graph.add_edge(nodes[2], nodes[3], edge);
        let cycle = find_cycle(&graph, nodes[1]);
        let sources: Vec<Node> = cycle
            .iter()
            .map(|&e| graph[graph.edge_endpoints(e).unwrap().0].clone())
            .collect();
        assert_eq!(sources, vec![Node::Step(1), Node::Step(2), Node::Step(0)]);
    }

    #[test]
    fn a_use_waits_for_the_reagent_prepared_last_before_it() {
        let compilation = crate::compile(
            r#"tool bath: dip_tank in glovebox
            tool stirrer: stir_plate in glovebox
            protocol "p" {
                substrate li: Li foil { thickness: 50 um, area: 1 cm2 }
                reagent sol = SnF2 0.1 M in DMSO
                step early: immerse in sol for 1 min using bath
                step mix1: dissolve sol for 10 min using stirrer
                step dip1: immerse in sol for 1 min using bath
                step mix2: dissolve sol for 10 min using stirrer
                step dip2: immerse in sol for 1 min using bath
            }"#,
        );
        let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code.id).collect();
        assert!(!codes.contains(&"E0501"), "two preparations are no cycle: {codes:?}");
        let graph = &compilation.graphs[0].graph;
        let mut preparation_edges: Vec<(usize, usize)> = graph
            .edge_references()
            .filter(|e| e.weight().kind == EdgeKind::Preparation)
            .map(|e| match (&graph[e.source()], &graph[e.target()]) {
                (Node::Step(from), Node::Step(to)) => (*from, *to),
                _ => panic!("a preparation edge joins two steps"),
            })
            .collect();
        preparation_edges.sort();
        // early <- mix1 (none before it), dip1 <- mix1, dip2 <- mix2.
        assert_eq!(preparation_edges, [(1, 0), (1, 2), (3, 4)]);
    }
}
