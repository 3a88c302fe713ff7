//! The step graph as Graphviz DOT: one cluster per protocol, a box per step (its verb,
//! reagent and tool), and edges styled by why they exist.

use std::fmt::Write;

use crate::Compilation;
use crate::plan::dag::{EdgeKind, Node, Route};
use crate::sema::program::ReagentUse;
use petgraph::visit::EdgeRef;

/// Escapes text for a double-quoted DOT string.
fn quote(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    format!("\"{escaped}\"")
}

pub fn to_dot(compilation: &Compilation) -> String {
    let program = &compilation.program;
    let mut out = String::from(
        "digraph steps {\n  rankdir=LR;\n  graph [fontname=\"Helvetica\", fontsize=12];\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f6fb\", fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9, color=\"#55606e\"];\n",
    );
    for (index, (protocol, graph)) in program.protocols.iter().zip(&compilation.graphs).enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{index} {{");
        let _ = writeln!(
            out,
            "    label={};\n    style=\"rounded\";\n    color=\"#9aa5b1\";",
            quote(&format!("{} (batch {})", protocol.name, protocol.batch))
        );
        for (step_index, step) in protocol.steps.iter().enumerate() {
            let reagent = match &step.reagent {
                Some(ReagentUse::Reagent { index, .. }) => format!(" {}", protocol.reagents[*index].name),
                Some(ReagentUse::Materials { materials, .. }) => format!(" {}", materials.join("/")),
                None => String::new(),
            };
            let tool = step
                .tool
                .map_or(String::new(), |tool| format!("\n@ {}", program.tools[tool].name));
            let mut workpiece = step
                .workpiece
                .map_or(String::new(), |w| format!(" on {}", protocol.workpieces[w].name));
            if let Some(target) = step.onto {
                workpiece.push_str(&format!(" onto {}", protocol.workpieces[target].name));
            }
            let label = format!("{}\n{}{reagent}{workpiece}{tool}", step.name, step.verb);
            // Step nodes come first in the graph, so a step's node index is its index.
            let _ = writeln!(out, "    p{index}n{step_index} [label={}];", quote(&label));
        }
        // Each workpiece as a node of its own, into the first step that acts on it: a join
        // (`onto li`) shows as two pieces meeting at one step.
        for (piece_index, piece) in protocol.workpieces.iter().enumerate() {
            let first = protocol
                .steps
                .iter()
                .position(|step| step.workpiece == Some(piece_index) || step.onto == Some(piece_index));
            let size = piece.thickness_m.map_or(String::new(), |t| {
                format!(", {}", super::text::units(&crate::model::format::length(t, 3)))
            });
            let label = format!(
                "{}\n{} {}{size}",
                piece.name,
                piece.material,
                piece.form.as_deref().unwrap_or("foil")
            );
            let _ = writeln!(
                out,
                "    p{index}w{piece_index} [shape=folder, fillcolor=\"#fff7e0\", label={}];",
                quote(&label)
            );
            if let Some(step_index) = first {
                let joined = protocol.steps[step_index].onto == Some(piece_index);
                let style = if joined {
                    " [style=bold, color=\"#8c5a00\", label=\"onto\"]"
                } else {
                    ""
                };
                let _ = writeln!(out, "    p{index}w{piece_index} -> p{index}n{step_index}{style};");
            }
        }
        for node in graph.graph.node_indices() {
            if let Node::Transfer(transfer) = &graph.graph[node] {
                let route = match transfer.route {
                    Route::LoadLock => "load-lock",
                    Route::SealedCarrier => "sealed carrier",
                    Route::ThroughAir => "through air",
                };
                let label = format!(
                    "{}: {} -> {}\n{route}",
                    protocol.workpieces[transfer.workpiece].name, transfer.from, transfer.to
                );
                let color = if transfer.route == Route::ThroughAir {
                    "#fdecea"
                } else {
                    "#eef7ee"
                };
                let _ = writeln!(
                    out,
                    "    p{index}n{} [shape=cds, fillcolor=\"{color}\", fontsize=9, label={}];",
                    node.index(),
                    quote(&label)
                );
            }
        }
        for edge in graph.graph.edge_references() {
            let (from, to) = (edge.source().index(), edge.target().index());
            let style = match edge.weight().kind {
                EdgeKind::Sequence => "",
                EdgeKind::Preparation => " [style=dashed, label=\"reagent\"]",
                EdgeKind::After => " [style=bold, color=\"#c0392b\", label=\"after\"]",
            };
            let _ = writeln!(out, "    p{index}n{from} -> p{index}n{to}{style};");
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}
