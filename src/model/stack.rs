//! The layer stack on each workpiece after every step, and the budgets checked on it.
//!
//! Each operation's effect kind (`data/operations.tsv`) selects a model; the models and
//! their sources are in `spec/models.md`. This module holds the deposition models (a
//! given thickness, rate x time, cycles x growth per cycle, layers x growth per layer) and
//! the transfer of layers when one workpiece is joined onto another.

use serde::Serialize;

use crate::diagnostics::{Diagnostic, codes};
use crate::sema::library::{Effect, Library};
use crate::sema::program::{BudgetMetric, Program, Protocol, ReagentUse, Step};
use crate::sema::units::{Dimension, display};
use crate::span::Span;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layer {
    pub material: String,
    pub thickness_m: f64,
    /// The step that made it.
    pub step: usize,
}

/// The stack of the protocol's product after one step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StackAfterStep {
    pub step: usize,
    /// Bottom to top.
    pub layers: Vec<Layer>,
    pub coating_m: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProtocolStack {
    /// The workpiece the budgets apply to: the Li foil everything ends up on.
    pub product: Option<usize>,
    pub after_steps: Vec<StackAfterStep>,
}

/// The thickness a step deposits, when its parameters determine one.
fn deposited_thickness(step: &Step, effect: Effect) -> Option<f64> {
    match effect {
        Effect::Deposit | Effect::Cast | Effect::Laminate => step
            .param("thickness")
            .or_else(|| Some(step.param("rate")? * step.param("time")?)),
        Effect::Cycles => Some(step.param("cycles")? * step.param("growth_per_cycle")?),
        Effect::LangmuirBlodgett => Some(step.param("layers")? * step.param("growth_per_layer")?),
        _ => None,
    }
}

/// The material a deposition step puts down: the named material (`sputter MoS2`), or the
/// solutes of a cast solution.
fn deposited_material(step: &Step, protocol: &Protocol) -> Option<String> {
    match step.reagent.as_ref()? {
        ReagentUse::Materials { materials, .. } => materials.first().cloned(),
        ReagentUse::Reagent { index, .. } => {
            let reagent = &protocol.reagents[*index];
            let solutes: Vec<&str> = reagent.components.iter().map(|c| c.material.as_str()).collect();
            Some(solutes.join("+"))
        }
    }
}

/// The product: the first Li substrate, else the first substrate.
fn product_of(protocol: &Protocol) -> Option<usize> {
    protocol.workpieces.iter().position(|w| w.material == "Li").or((!protocol.workpieces.is_empty()).then_some(0))
}

pub fn predict(program: &Program, library: &Library) -> (Vec<ProtocolStack>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let stacks = program
        .protocols
        .iter()
        .map(|protocol| {
            let stack = predict_protocol(protocol, library);
            check_budgets(protocol, &stack, &mut diagnostics);
            stack
        })
        .collect();
    (stacks, diagnostics)
}

fn predict_protocol(protocol: &Protocol, library: &Library) -> ProtocolStack {
    let product = product_of(protocol);
    let mut stacks: Vec<Vec<Layer>> = vec![Vec::new(); protocol.workpieces.len()];
    let mut after_steps = Vec::with_capacity(protocol.steps.len());
    for (index, step) in protocol.steps.iter().enumerate() {
        let Some(operation) = library.operations.get(&step.verb) else { continue };
        if let Some(workpiece) = step.workpiece {
            if let (Some(thickness), Some(material)) =
                (deposited_thickness(step, operation.effect), deposited_material(step, protocol))
            {
                stacks[workpiece].push(Layer { material, thickness_m: thickness, step: index });
            }
            // A join lays the workpiece's layers, top side down, onto the target.
            if let Some(target) = step.onto {
                let carried: Vec<Layer> = std::mem::take(&mut stacks[workpiece]).into_iter().rev().collect();
                stacks[target].extend(carried);
            }
        }
        if let Some(product) = product {
            let layers = stacks[product].clone();
            let coating_m = layers.iter().map(|l| l.thickness_m).sum();
            after_steps.push(StackAfterStep { step: index, layers, coating_m });
        }
    }
    ProtocolStack { product, after_steps }
}

fn check_budgets(protocol: &Protocol, stack: &ProtocolStack, diagnostics: &mut Vec<Diagnostic>) {
    let Some(last) = stack.after_steps.last() else { return };
    for budget in &protocol.budgets {
        let value = match budget.metric {
            BudgetMetric::Coating => last.coating_m,
            // Li loss, Li remaining, mass and time come with the reaction models and the
            // schedule; until then these budgets are not evaluated.
            _ => continue,
        };
        let exceeded = if budget.at_most { value > budget.limit.si } else { value < budget.limit.si };
        if !exceeded {
            continue;
        }
        let length = Dimension::named("length").unwrap_or_default();
        let mut contributors: Vec<&Layer> = last.layers.iter().collect();
        contributors.sort_by(|a, b| b.thickness_m.total_cmp(&a.thickness_m));
        let comparison = if budget.at_most { "<=" } else { ">=" };
        let mut diagnostic = Diagnostic::new(
            codes::BUDGET_EXCEEDED,
            format!(
                "the {} budget is not met: {} against `{} {comparison} {}`",
                budget.metric.name(),
                display(value, length),
                budget.metric.name(),
                display(budget.limit.si, length)
            ),
            budget.span,
            format!("the predicted {} is {}", budget.metric.name(), display(value, length)),
        );
        for layer in contributors.iter().take(3) {
            let step = &protocol.steps[layer.step];
            diagnostic = diagnostic.with_label(
                step_span(step),
                format!("`{}` adds {} of `{}`", step.name, display(layer.thickness_m, length), layer.material),
            );
        }
        diagnostics.push(
            diagnostic.with_help("make the thickest layers thinner, or relax the budget").with_note(
                "the coating is the sum of the layers on the foil after the last step (spec/models.md)",
            ),
        );
    }
}

fn step_span(step: &Step) -> Span {
    step.params.get("thickness").map_or(step.span, |v| v.span)
}
