//! Hover text, in Markdown: what the compiler knows about the name under the cursor. On a
//! step, the operation's signature and the stack predicted after it, the same figures as
//! `seipc stack`.

use std::fmt::Write;

use super::analysis::Analysis;
use super::index::{Symbol, SymbolKind};
use crate::model::format::{areal_mass, duration, estimate, length, percent, significant};
use crate::model::layer::runs;
use crate::physics::StackAfterStep;
use crate::sema::program::Protocol;
use crate::sema::units;
use crate::span::Span;

/// The hover for the name under `offset`, with the span it covers.
pub fn hover(analysis: &Analysis, source: &str, offset: usize) -> Option<(Span, String)> {
    let (symbol, span) = analysis.symbol_at(offset)?;
    let symbol = &analysis.index.symbols[symbol];
    let text = match symbol.kind {
        SymbolKind::Step => step(analysis, symbol),
        SymbolKind::Operation => operation(analysis, &symbol.name),
        SymbolKind::Tool => tool(analysis, symbol),
        SymbolKind::Material => material(analysis, &symbol.name),
        SymbolKind::Reagent => reagent(symbol, source),
        SymbolKind::Substrate => substrate(analysis, symbol),
        SymbolKind::ToolKind => tool_kind(analysis, &symbol.name),
        SymbolKind::Environment => environment(analysis, &symbol.name),
        SymbolKind::Protocol => protocol(analysis, symbol),
    }?;
    Some((span, text))
}

fn program_protocol<'a>(analysis: &'a Analysis, symbol: &Symbol) -> Option<(usize, &'a Protocol)> {
    let p = symbol.protocol?;
    let protocol = analysis.compilation.program.protocols.get(p)?;
    (protocol.span == analysis.index.protocols[p].span).then_some((p, protocol))
}

fn step(analysis: &Analysis, symbol: &Symbol) -> Option<String> {
    let (p, protocol) = program_protocol(analysis, symbol)?;
    let declaration = symbol.declaration?;
    let Some((index, step)) = protocol.steps.iter().enumerate().find(|(_, s)| s.span == declaration) else {
        return Some(format!(
            "**step `{}`**\n\nnot checked: see the diagnostics on this step",
            symbol.name
        ));
    };
    let library = &analysis.compilation.library;
    let mut text = format!("**step `{}`**", step.name);
    if let Some(operation) = library.operations.get(&*step.verb) {
        let _ = write!(text, "\n\n```\n{}\n```", operation.signature());
    }
    let params: Vec<String> = step
        .params
        .iter()
        .map(|(name, value)| format!("`{name}` {}", units::display(value.si, value.dimension)))
        .collect();
    if !params.is_empty() {
        let _ = write!(text, "\n\n{}", params.join(", "));
    }
    if let Some(tool) = step.tool.and_then(|t| analysis.compilation.program.tools.get(t)) {
        let _ = write!(text, "; using `{}` in `{}`", tool.name, tool.environment);
    }
    let after = analysis
        .compilation
        .stacks
        .get(p)
        .and_then(|stack| stack.after_steps.iter().find(|s| s.step == index));
    if let Some(after) = after {
        if let Some(time) = after.duration_s {
            let _ = write!(text, "\n\ntakes {}", duration(time));
        }
        stack_after(&mut text, protocol, after, "after this step");
    }
    Some(text)
}

/// The product's stack after a step: its layers bottom to top, then the totals.
fn stack_after(text: &mut String, protocol: &Protocol, after: &StackAfterStep, when: &str) {
    let Some(snapshot) = &after.product else {
        return;
    };
    let product = protocol
        .workpieces
        .get(snapshot.workpiece)
        .map_or("?", |w| w.name.as_str());
    let _ = write!(text, "\n\n**{when}, `{product}`** (bottom to top):\n");
    if snapshot.layers_elided {
        text.push_str("\n- (layers not listed past this many steps; see `seipc stack`)");
    } else if snapshot.layers.is_empty() {
        text.push_str("\n- bare Li");
    }
    if !snapshot.layers_elided {
        for run in runs(&snapshot.layers) {
            let thickness = run
                .thickness
                .map_or_else(|| "thickness unknown".to_owned(), |t| estimate(t, |v| length(v, 3)));
            let times = if run.count > 1 {
                format!(" x{}", run.count)
            } else {
                String::new()
            };
            let made_by = protocol
                .steps
                .get(run.last_step)
                .map_or(String::new(), |s| format!(", by `{}`", s.name));
            let _ = write!(text, "\n- `{}`{times}: {thickness}{made_by}", run.first.material);
        }
    }
    let total = |value: Option<crate::model::quantity::Estimate>, unit: &dyn Fn(f64) -> String| {
        value.map_or_else(|| "unknown".to_owned(), |v| estimate(v, unit))
    };
    let _ = write!(
        text,
        "\n\ncoating {}; Li consumed {}; Li left {}; mass added {}",
        total(snapshot.coating, &|v| length(v, 3)),
        total(snapshot.li_consumed, &|v| length(v, 3)),
        total(snapshot.li_remaining, &|v| length(v, 5)),
        total(snapshot.mass_added, &|v| areal_mass(v, 3)),
    );
    if let Some(penalty) = snapshot.volumetric_penalty {
        let _ = write!(text, "; volume penalty {}", estimate(penalty, percent));
    }
    for note in &after.notes {
        let _ = write!(text, "\n\n_{note}_");
    }
}

fn operation(analysis: &Analysis, verb: &str) -> Option<String> {
    let library = &analysis.compilation.library;
    let operation = library.operations.get(verb)?;
    let mut text = format!(
        "**operation `{verb}`** ({})\n\n```\n{}\n```",
        operation.family,
        operation.signature()
    );
    let _ = write!(text, "\n\ntakes {}", operation.reagent.describe());
    if operation.reagent_optional {
        text.push_str(" (optional)");
    }
    let kinds = library.kinds_for(verb);
    if !kinds.is_empty() {
        let kinds: Vec<String> = kinds.iter().map(|k| format!("`{k}`")).collect();
        let _ = write!(text, "; runs on {}", kinds.join(", "));
    }
    if !operation.note.is_empty() {
        let _ = write!(text, "\n\n{}", operation.note);
    }
    Some(text)
}

fn tool(analysis: &Analysis, symbol: &Symbol) -> Option<String> {
    let declaration = symbol.declaration?;
    let program = &analysis.compilation.program;
    let tool = program.tools.iter().find(|t| t.span == declaration)?;
    let mut text = format!(
        "**tool `{}`**: `{}` in `{}`\n\ncapacity {} sample{}",
        tool.name,
        tool.kind,
        tool.environment,
        tool.capacity,
        if tool.capacity == 1 { "" } else { "s" }
    );
    if tool.pump_down_s > 0.0 {
        let _ = write!(text, ", pump-down {}", duration(tool.pump_down_s));
    }
    if let Some(ramp) = tool.ramp_k_per_s {
        let _ = write!(text, ", ramp {} K/min", significant(ramp * 60.0, 3));
    }
    // What it is loaded with: the steps that use it, each run once per sample of the batch.
    let index = program.tools.iter().position(|t| t.span == declaration)?;
    let mut loads = Vec::new();
    for protocol in &program.protocols {
        let steps: Vec<&str> = protocol
            .steps
            .iter()
            .filter(|s| s.tool == Some(index))
            .map(|s| &*s.name)
            .collect();
        if !steps.is_empty() {
            loads.push((protocol, steps));
        }
    }
    for (protocol, steps) in loads.iter().take(8) {
        let shown: Vec<String> = steps.iter().take(6).map(|s| format!("`{s}`")).collect();
        let more = if steps.len() > 6 {
            format!(" and {} more", steps.len() - 6)
        } else {
            String::new()
        };
        let _ = write!(
            text,
            "\n\n\"{}\" (batch {}): {}{more}",
            protocol.name,
            protocol.batch,
            shown.join(", ")
        );
    }
    if loads.len() > 8 {
        let _ = write!(text, "\n\nand {} more protocols", loads.len() - 8);
    }
    Some(text)
}

/// The material's data card, as `seipc explain MATERIAL` prints it (declared materials
/// included).
fn material(analysis: &Analysis, name: &str) -> Option<String> {
    let chemistry = &analysis.compilation.chemistry;
    let Some(material) = chemistry.materials.lookup(name) else {
        return Some(format!("**material `{name}`**\n\nnot a known material"));
    };
    Some(format!(
        "**material `{name}`**\n\n```text\n{}```",
        crate::emit::vocabulary::explain_material(material, chemistry)
    ))
}

/// A reagent as declared (each of its materials has a hover of its own).
fn reagent(symbol: &Symbol, source: &str) -> Option<String> {
    let declaration = source.get(symbol.declaration?.range())?;
    Some(format!("**reagent `{}`**\n\n```seip\n{declaration}\n```", symbol.name))
}

fn substrate(analysis: &Analysis, symbol: &Symbol) -> Option<String> {
    let (_, protocol) = program_protocol(analysis, symbol)?;
    let workpiece = protocol
        .workpieces
        .iter()
        .find(|w| Some(w.span) == symbol.declaration)?;
    let mut text = format!("**substrate `{}`**: `{}`", workpiece.name, workpiece.material);
    if let Some(form) = &workpiece.form {
        let _ = write!(text, " {form}");
    }
    if let Some(thickness) = workpiece.thickness_m {
        let _ = write!(text, ", {}", length(thickness, 3));
    }
    if let Some(area) = workpiece.area_m2 {
        let _ = write!(text, ", {} cm2", significant(area * 1e4, 3));
    }
    Some(text)
}

fn tool_kind(analysis: &Analysis, kind: &str) -> Option<String> {
    let library = &analysis.compilation.library;
    let tool_kind = library.tool_kinds.get(kind)?;
    let verbs: Vec<String> = library.verbs_of(kind).iter().map(|v| format!("`{v}`")).collect();
    let environments: Vec<String> = tool_kind.environments.iter().map(|e| format!("`{e}`")).collect();
    let mut text = format!(
        "**tool kind `{kind}`**\n\nruns {}\n\nstands in {}",
        verbs.join(", "),
        environments.join(", ")
    );
    if !tool_kind.note.is_empty() {
        let _ = write!(text, "\n\n{}", tool_kind.note);
    }
    Some(text)
}

fn environment(analysis: &Analysis, name: &str) -> Option<String> {
    let spec = analysis.compilation.library.environments.get(name)?;
    let atmosphere = format!("{:?}", spec.atmosphere).to_lowercase();
    let mut text = format!("**environment `{name}`**: {atmosphere} atmosphere");
    if let Some(ppm) = spec.h2o_ppm {
        let _ = write!(text, ", H2O {} ppm", significant(ppm, 3));
    }
    if !spec.note.is_empty() {
        let _ = write!(text, "\n\n{}", spec.note);
    }
    Some(text)
}

fn protocol(analysis: &Analysis, symbol: &Symbol) -> Option<String> {
    let p = analysis
        .index
        .protocols
        .iter()
        .position(|p| Some(p.span) == symbol.declaration)?;
    let protocol = analysis.compilation.program.protocols.get(p)?;
    let mut text = format!(
        "**protocol \"{}\"**: {} steps, batch {}",
        protocol.name,
        protocol.steps.len(),
        protocol.batch
    );
    if let Some(last) = analysis.compilation.stacks.get(p).and_then(|s| s.after_steps.last()) {
        stack_after(&mut text, protocol, last, "after the last step");
    }
    Some(text)
}
