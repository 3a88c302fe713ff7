//! Budgets: the protocol's limits (`budget coating <= 100 nm`) checked on the product after
//! the last step.
//!
//! - The nominal value decides: past the limit, the budget is not met (E0601, with the
//!   value, its range and the steps that contribute most).
//! - Within the limit but with a bound of the range past it, the budget is at risk
//!   (W0601).
//! - When a contribution is unknown, the budget is not evaluated (W0602, with why),
//!   unless the known part already breaks it: the unknown part of a coating, a Li loss or
//!   a time can only add to it, and of the Li remaining only take from it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::walk::ProtocolStack;
use crate::diagnostics::{Diagnostic, codes};
use crate::model::format::{areal_mass, length};
use crate::model::layer::Origin;
use crate::model::quantity::Estimate;
use crate::model::state::Piece;
use crate::sema::library::{Effect, Library};
use crate::sema::materials::MaterialDb;
use crate::sema::program::{Budget, BudgetMetric, Protocol};
use crate::sema::units::{Dimension, display};
use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BudgetStatus {
    Met,
    /// The nominal value meets the limit, a bound of its range does not.
    AtRisk,
    Exceeded,
    NotEvaluated,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BudgetOutcome {
    pub metric: BudgetMetric,
    /// `<=` or `>=`.
    pub comparison: &'static str,
    /// SI units (m, kg/m2, s): the unit is `si_unit`.
    pub limit: f64,
    /// The SI unit of `limit` and `value`, as in a parameter's `si_unit` (`m`, `m-2 kg`, `s`).
    pub si_unit: String,
    /// The predicted value in SI units (the known part, when `status` is `not_evaluated`
    /// or a partial value already exceeds the limit).
    pub value: Option<Estimate>,
    pub status: BudgetStatus,
    /// What the verdict rests on, in words.
    pub detail: String,
}

/// How the unknown part of a metric can move it.
#[derive(Clone, Copy, PartialEq)]
enum Unknowns {
    Add,
    Subtract,
    Either,
}

/// A metric's known value, its unknown contributions and its contributors.
struct Evaluation {
    value: Option<Estimate>,
    unknown: Vec<String>,
    unknowns: Unknowns,
    /// (step, contribution in SI, label).
    contributors: Vec<(usize, f64, String)>,
}

pub(super) fn check(
    protocol: &Protocol,
    library: &Library,
    db: &MaterialDb,
    stack: &ProtocolStack,
    product: Option<&Piece>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<BudgetOutcome> {
    let measurable = widest_grown(protocol, library, product);
    protocol
        .budgets
        .iter()
        .map(|budget| {
            let evaluation = evaluate(budget.metric, protocol, db, stack, product);
            outcome(budget, protocol, evaluation, measurable.as_deref(), diagnostics)
        })
        .collect()
}

/// The growth step (`immerse`, `expose`, `plasma`) whose predicted layer has the widest
/// range, for W0601's help: a measured `thickness` on it narrows the range most.
fn widest_grown(protocol: &Protocol, library: &Library, product: Option<&Piece>) -> Option<String> {
    let growth = |step: usize| {
        let step = protocol.steps.get(step)?;
        let operation = library.operations.get(&*step.verb)?;
        matches!(
            operation.effect,
            Effect::GasReaction | Effect::Plasma | Effect::LiquidReaction
        )
        .then(|| step.name.to_string())
    };
    product?
        .layers()
        .iter()
        .filter(|layer| layer.origin == Origin::Grown)
        .filter_map(|layer| Some((layer.thickness?, layer.step)))
        .filter(|(thickness, _)| !thickness.is_exact())
        .max_by(|a, b| (a.0.max - a.0.min).total_cmp(&(b.0.max - b.0.min)))
        .and_then(|(_, step)| growth(step))
}

impl BudgetOutcome {
    /// The budget as the recipe states it: `coating <= 50 nm`.
    pub fn statement(&self) -> String {
        format!(
            "{} {} {}",
            self.metric.name(),
            self.comparison,
            show(self.metric, self.limit)
        )
    }
}

fn show(metric: BudgetMetric, si: f64) -> String {
    match metric {
        BudgetMetric::Mass => areal_mass(si, 4),
        BudgetMetric::Time => display(si, const { Dimension::called("time") }),
        BudgetMetric::Coating | BudgetMetric::LiLoss | BudgetMetric::LiRemaining => {
            display(si, const { Dimension::called("length") })
        }
    }
}

fn show_estimate(metric: BudgetMetric, value: Estimate) -> String {
    if value.is_exact() {
        show(metric, value.nominal)
    } else {
        format!(
            "{} (range {} to {})",
            show(metric, value.nominal),
            show(metric, value.min),
            show(metric, value.max)
        )
    }
}

fn step_name(protocol: &Protocol, step: usize) -> String {
    protocol
        .steps
        .get(step)
        .map_or_else(String::new, |s| format!("`{}`", s.name))
}

fn evaluate(
    metric: BudgetMetric,
    protocol: &Protocol,
    db: &MaterialDb,
    stack: &ProtocolStack,
    product: Option<&Piece>,
) -> Evaluation {
    let Some(piece) = product else {
        return Evaluation {
            value: None,
            unknown: vec!["the protocol has no substrate".to_owned()],
            unknowns: Unknowns::Either,
            contributors: Vec::new(),
        };
    };
    if let Some(step) = piece.unmodelled_from.filter(|_| metric != BudgetMetric::Time) {
        return Evaluation {
            value: None,
            unknown: vec![format!(
                "the stack is not modelled from {} on (more than {} layers)",
                step_name(protocol, step),
                super::walk::MAX_LAYERS
            )],
            unknowns: Unknowns::Either,
            contributors: Vec::new(),
        };
    }
    let li_contributors = || -> Vec<(usize, f64, String)> {
        piece
            .li_by_step
            .iter()
            .filter(|(_, taken)| taken.nominal > 0.0)
            .map(|(&step, taken)| {
                (
                    step,
                    taken.nominal,
                    format!(
                        "{} consumes {} of Li",
                        step_name(protocol, step),
                        length(taken.nominal, 3)
                    ),
                )
            })
            .collect()
    };
    let li_unknown = || -> Vec<String> {
        piece
            .li_unknown
            .iter()
            .map(|&s| format!("the Li taken by {} is unknown", step_name(protocol, s)))
            .collect()
    };
    match metric {
        BudgetMetric::Coating => {
            let known: Estimate = piece.layers().iter().filter_map(|l| l.thickness).sum();
            let unknown: Vec<usize> = piece
                .layers()
                .iter()
                .filter(|l| l.thickness.is_none())
                .map(|l| l.step)
                .collect();
            // Group the layers by the step that made them: one label per step.
            let mut by_step: BTreeMap<usize, (f64, Vec<String>)> = BTreeMap::new();
            for layer in piece.layers() {
                let entry = by_step.entry(layer.step).or_default();
                entry.0 += layer.thickness.map_or(0.0, |t| t.nominal);
                if !entry.1.contains(&layer.material) {
                    entry.1.push(layer.material.clone());
                }
            }
            let length_dimension = const { Dimension::called("length") };
            Evaluation {
                value: Some(known),
                unknown: unknown
                    .iter()
                    .map(|&s| format!("the thickness of the layer of {} is unknown", step_name(protocol, s)))
                    .collect(),
                unknowns: Unknowns::Add,
                contributors: by_step
                    .into_iter()
                    .filter(|(_, (t, _))| *t > 0.0)
                    .map(|(step, (t, materials))| {
                        (
                            step,
                            t,
                            format!(
                                "{} adds {} of `{}`",
                                step_name(protocol, step),
                                display(t, length_dimension),
                                materials.join("`, `")
                            ),
                        )
                    })
                    .collect(),
            }
        }
        BudgetMetric::LiLoss => Evaluation {
            value: Some(piece.li_consumed),
            unknown: li_unknown(),
            unknowns: Unknowns::Add,
            contributors: li_contributors(),
        },
        BudgetMetric::LiRemaining => match piece.li {
            Some(li) => Evaluation {
                value: Some(li),
                unknown: li_unknown(),
                unknowns: Unknowns::Subtract,
                contributors: li_contributors(),
            },
            None => Evaluation {
                value: None,
                unknown: vec!["the foil's thickness is not given".to_owned()],
                unknowns: Unknowns::Either,
                contributors: Vec::new(),
            },
        },
        BudgetMetric::Mass => {
            let snapshot = stack.last();
            let value = snapshot.and_then(|s| s.mass_added);
            Evaluation {
                value,
                unknown: if value.is_some() {
                    Vec::new()
                } else {
                    vec!["a layer's thickness or density, or a step's Li consumption, is unknown".to_owned()]
                },
                unknowns: Unknowns::Either,
                contributors: mass_contributors(
                    protocol,
                    db,
                    snapshot.map(|s| s.layers.as_slice()).unwrap_or_default(),
                ),
            }
        }
        BudgetMetric::Time => {
            let mut total = 0.0;
            let mut unknown = Vec::new();
            let mut contributors = Vec::new();
            for state in &stack.after_steps {
                let Some(step) = protocol.steps.get(state.step) else {
                    continue;
                };
                // A reagent is prepared once per batch, before the samples come.
                if step.workpiece.is_none() {
                    continue;
                }
                match state.duration_s {
                    Some(d) => {
                        total += d;
                        contributors.push((
                            state.step,
                            d,
                            format!("`{}` takes {}", step.name, show(BudgetMetric::Time, d)),
                        ));
                    }
                    None => unknown.push(format!("the duration of `{}` is unknown", step.name)),
                }
            }
            Evaluation {
                value: Some(Estimate::exact(total)),
                unknown,
                unknowns: Unknowns::Add,
                contributors,
            }
        }
    }
}

/// Each step's share of the areal mass: its layers' rho x t (unknown densities count 0).
fn mass_contributors(
    protocol: &Protocol,
    db: &MaterialDb,
    layers: &[std::sync::Arc<crate::model::layer::Layer>],
) -> Vec<(usize, f64, String)> {
    let mut by_step: BTreeMap<usize, f64> = BTreeMap::new();
    for layer in layers {
        let rho: f64 = layer
            .components
            .iter()
            .filter_map(|c| crate::model::layer::density(db, &c.material).map(|(d, _)| d * c.volume_fraction))
            .sum();
        *by_step.entry(layer.step).or_default() += rho * layer.relief() * layer.thickness.map_or(0.0, |t| t.nominal);
    }
    by_step
        .into_iter()
        .filter(|(_, mass)| *mass > 0.0)
        .map(|(step, mass)| {
            (
                step,
                mass,
                format!("{} adds {}", step_name(protocol, step), areal_mass(mass, 3)),
            )
        })
        .collect()
}

fn outcome(
    budget: &Budget,
    protocol: &Protocol,
    evaluation: Evaluation,
    measurable: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> BudgetOutcome {
    let metric = budget.metric;
    let limit = budget.limit.si;
    let comparison = if budget.at_most { "<=" } else { ">=" };
    let breaks = |v: f64| if budget.at_most { v > limit } else { v < limit };
    let mut result = BudgetOutcome {
        metric,
        comparison,
        limit,
        si_unit: crate::sema::units::si_unit(budget.limit.dimension),
        value: evaluation.value,
        status: BudgetStatus::Met,
        detail: String::new(),
    };
    let stated = format!("`{}`", result.statement());
    let not_evaluated = |detail: &str, diagnostics: &mut Vec<Diagnostic>| {
        diagnostics.push(
            Diagnostic::new(
                codes::BUDGET_NOT_EVALUATED,
                format!("the {stated} budget cannot be checked: {detail}"),
                budget.span,
                "not checked",
            )
            .with_help("state what is missing (a thickness, a growth per layer, a time) so the model can predict it"),
        );
    };
    let Some(value) = evaluation.value else {
        result.status = BudgetStatus::NotEvaluated;
        result.detail = evaluation.unknown.join("; ");
        not_evaluated(&result.detail, diagnostics);
        return result;
    };
    let partial = !evaluation.unknown.is_empty();
    if partial {
        // Only a known part that already breaks the limit, in the direction the unknown
        // part cannot undo, decides.
        let conclusive = match evaluation.unknowns {
            Unknowns::Add => budget.at_most,
            Unknowns::Subtract => !budget.at_most,
            Unknowns::Either => false,
        };
        if !(conclusive && breaks(value.nominal)) {
            result.status = BudgetStatus::NotEvaluated;
            result.detail = format!(
                "{}; the known part is {}",
                evaluation.unknown.join("; "),
                show_estimate(metric, value)
            );
            not_evaluated(&result.detail, diagnostics);
            return result;
        }
    }
    let bound = if budget.at_most { value.max } else { value.min };
    if !breaks(value.nominal) {
        if breaks(bound) {
            result.status = BudgetStatus::AtRisk;
            result.detail = format!(
                "{} nominal, but the range reaches {}",
                show(metric, value.nominal),
                show(metric, bound)
            );
            diagnostics.push(
                Diagnostic::new(
                    codes::BUDGET_AT_RISK,
                    format!("the {stated} budget is met only nominally: {}", result.detail),
                    budget.span,
                    "met by the nominal value, not by the whole range",
                )
                .with_help(match measurable.filter(|_| metric != BudgetMetric::Time) {
                    Some(step) => format!(
                        "narrow the range: state the measured thickness of the layer `{step}` grows, as `thickness: 200 nm` in the step's `{{ }}`, or the thicknesses and rates the models now assume"
                    ),
                    None => "narrow the range: state the thicknesses or rates the models now assume".to_owned(),
                })
                .with_note("`seipc stack` shows which assumed ranges (marked ~) widen it"),
            );
        } else {
            result.detail = show_estimate(metric, value);
        }
        return result;
    }
    result.status = BudgetStatus::Exceeded;
    let qualifier = match (partial, budget.at_most) {
        (false, _) => "",
        (true, true) => "at least ",
        (true, false) => "at most ",
    };
    let shown = format!("{qualifier}{}", show_estimate(metric, value));
    result.detail.clone_from(&shown);
    let mut diagnostic = Diagnostic::new(
        codes::BUDGET_EXCEEDED,
        format!("the {} budget is not met: {shown} against {stated}", metric.name()),
        budget.span,
        format!("the predicted {} is {shown}", metric.name()),
    );
    let mut contributors = evaluation.contributors;
    contributors.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (step, _, label) in contributors.iter().take(3) {
        if let Some(step) = protocol.steps.get(*step) {
            diagnostic = diagnostic.with_label(label_span(metric, step), label.clone());
        }
    }
    for unknown in &evaluation.unknown {
        diagnostic = diagnostic.with_note(format!("{unknown}, which can only make it worse"));
    }
    let (help, note) = match metric {
        BudgetMetric::Coating => (
            "make the thickest layers thinner, or relax the budget",
            "the coating is the sum of the layers on the foil after the last step (spec/models.md)",
        ),
        BudgetMetric::LiLoss => (
            "use thinner precursor or reaction layers, fewer cycles, or relax the budget",
            "the Li loss is the dense Li the reactions and electrochemical losses consume (spec/models.md)",
        ),
        BudgetMetric::LiRemaining => (
            "start from a thicker foil, consume less Li, or relax the budget",
            "the Li remaining is the foil's Li less what the steps consume (spec/models.md)",
        ),
        BudgetMetric::Mass => (
            "make the densest or thickest layers thinner, or relax the budget",
            "the mass is the layers' areal mass less the Li they took from the foil (spec/models.md)",
        ),
        BudgetMetric::Time => (
            "shorten the longest steps, or relax the budget",
            "the time is the sum of the steps' durations for one sample, reagent preparation excluded (spec/models.md)",
        ),
    };
    diagnostics.push(diagnostic.with_help(help).with_note(note));
    result
}

/// Where a contributor's label goes: the parameter that sets its size, else the step.
fn label_span(metric: BudgetMetric, step: &crate::sema::program::Step) -> Span {
    let names: &[&str] = match metric {
        BudgetMetric::Time => &["time", "cycles", "areal_capacity"],
        _ => &["thickness"],
    };
    names
        .iter()
        .find_map(|name| step.params.get(name).map(|v| v.span))
        .unwrap_or(step.span)
}
