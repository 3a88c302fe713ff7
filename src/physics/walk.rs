//! The walk: each protocol's steps in the order written, on the state of every workpiece
//! (`model::state::Piece`: its layers as converted, its Li, what wets it). At each step
//! the rules judge the step against that state ([`super::rules`]), then the step's effect
//! model changes it ([`crate::model::effect`]); joins (`onto`) lay a workpiece's layers on
//! the target, upside down. One walk, one state of the foil: every rule reads what the
//! models left.

use std::sync::Arc;

use serde::Serialize;

use super::budget::{self, BudgetOutcome};
use super::rules;
use crate::diagnostics::{Diagnostic, codes};
use crate::model::context::Ctx;
use crate::model::data::ModelData;
use crate::model::duration::duration;
use crate::model::effect::{apply, join, wetting};
use crate::model::electrochem::Overdrawn;
use crate::model::format::length;
use crate::model::notes::Notes;
use crate::model::snapshot::{Snapshot, snapshot};
use crate::model::state::Piece;
use crate::sema::chemistry::Chemistry;
use crate::sema::library::Library;
use crate::sema::materials::MaterialDb;
use crate::sema::program::{Program, Protocol, Tool};

/// The protocol's stacks after one step.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StackAfterStep {
    pub step: usize,
    pub name: Arc<str>,
    /// The workpiece the step acts on (`None` for a preparation step).
    pub acts_on: Option<usize>,
    /// Seconds; `None` when the parameters do not say.
    pub duration_s: Option<f64>,
    /// The product's stack, flattened into this object; shared with the step before when
    /// this step left it as it was.
    #[serde(flatten)]
    pub product: Option<Arc<Snapshot>>,
    /// The other workpieces this step acted on that carry layers (a carrier film before
    /// its transfer). Only those: listing every piece after every step would grow as
    /// steps x workpieces; a piece's stack stands as it was last listed.
    pub others: Vec<Snapshot>,
    /// What the models did at this step, and why.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ProtocolStack {
    /// The workpiece the budgets apply to: the Li foil everything ends up on.
    pub product: Option<usize>,
    pub after_steps: Vec<StackAfterStep>,
    pub budgets: Vec<BudgetOutcome>,
}

impl ProtocolStack {
    /// The product after the last step.
    pub fn last(&self) -> Option<&Snapshot> {
        self.after_steps.iter().rev().find_map(|s| s.product.as_deref())
    }
}

/// How many layers the snapshots of one protocol list in all. A protocol of N steps that
/// each add a layer would otherwise list N^2 / 2 of them (a generated recipe of 20 000
/// steps, 200 million); past this, a snapshot keeps its totals but not its layers, except
/// the product after the last step, which always has them.
pub const LAYER_DETAIL: usize = 20_000;

/// The most layers the models follow on one workpiece. Etching, dissolving and
/// conversions look at every layer of a stack, so each step costs time in proportion to
/// its height; past this height (ten times any recipe of the review) the piece is no
/// longer modelled, which keeps a generated protocol of 10^5 dip-and-sputter cycles from
/// running for minutes (W0603).
pub const MAX_LAYERS: usize = 5_000;

/// The product: the first Li substrate, else the first substrate.
fn product_of(protocol: &Protocol, db: &MaterialDb) -> Option<usize> {
    let is_li = |key: &str| db.lookup(key).is_some_and(|m| m.key == "Li");
    protocol
        .workpieces
        .iter()
        .position(|w| is_li(&w.material))
        .or((!protocol.workpieces.is_empty()).then_some(0))
}

/// The stacks of every protocol, one per protocol in order, and the budget diagnostics.
pub fn predict(program: &Program, library: &Library, chemistry: &Chemistry) -> (Vec<ProtocolStack>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let stacks = program
        .protocols
        .iter()
        .map(|protocol| predict_and_check(protocol, &program.tools, library, chemistry, true, &mut diagnostics))
        .collect();
    (stacks, diagnostics)
}

/// The budget diagnostics of [`predict`] alone: the notes are not written, and each
/// protocol's stack is dropped once its budgets are checked, so a file of many protocols
/// never holds all their stacks.
pub fn check_budgets(program: &Program, library: &Library, chemistry: &Chemistry) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for protocol in &program.protocols {
        predict_and_check(protocol, &program.tools, library, chemistry, false, &mut diagnostics);
    }
    diagnostics
}

fn predict_and_check(
    protocol: &Protocol,
    tools: &[Tool],
    library: &Library,
    chemistry: &Chemistry,
    write_notes: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> ProtocolStack {
    let (mut stack, pieces) = predict_protocol(
        protocol,
        tools,
        library,
        chemistry,
        ModelData::builtin(),
        write_notes,
        diagnostics,
    );
    let product = stack.product.and_then(|p| pieces.get(p));
    stack.budgets = budget::check(protocol, library, &chemistry.materials, &stack, product, diagnostics);
    stack
}

fn predict_protocol(
    protocol: &Protocol,
    tools: &[Tool],
    library: &Library,
    chemistry: &Chemistry,
    data: &ModelData,
    write_notes: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> (ProtocolStack, Vec<Piece>) {
    let db = &chemistry.materials;
    let product = product_of(protocol, db);
    let mut pieces: Vec<Piece> = protocol
        .workpieces
        .iter()
        .map(|w| {
            Piece::new(
                db.lookup(&w.material).is_some_and(|m| m.key == "Li"),
                w.thickness_m,
                w.surface_area,
            )
        })
        .collect();
    let mut after_steps: Vec<StackAfterStep> = Vec::with_capacity(protocol.steps.len());
    let mut last_product: Option<Arc<Snapshot>> = None;
    let mut listed = 0;
    let mut detail = |piece: &Piece| {
        listed += piece.layers().len();
        listed <= LAYER_DETAIL
    };
    for (index, step) in protocol.steps.iter().enumerate() {
        let Some(operation) = library.operations.get(&*step.verb) else {
            continue;
        };
        let tool = step.tool.map(|t| &tools[t]).filter(|t| !t.misplaced);
        let ctx = Ctx {
            protocol,
            step,
            index,
            operation,
            library,
            db,
            reactions: &chemistry.reactions,
            data,
            tool,
            environment: match step.tool {
                Some(_) => tool.map(|t| &*t.environment),
                None => library.toolless_environment(&step.verb),
            },
        };
        let mut notes = if write_notes {
            Notes::written()
        } else {
            Notes::unwritten()
        };
        let acted_on = step.workpiece.filter(|w| *w < pieces.len());
        let target = step
            .onto
            .filter(|t| *t < pieces.len() && acted_on.is_some_and(|w| w != *t));
        let modelled = |pieces: &[Piece]| {
            [acted_on, target]
                .into_iter()
                .flatten()
                .all(|p| pieces[p].unmodelled_from.is_none())
        };
        // Preparing a reagent touches no foil.
        // At most two pieces, on the hot path: no allocation per step.
        let pair = [acted_on.unwrap_or(0), target.unwrap_or(0)];
        let touched = match (acted_on, target) {
            (Some(_), Some(_)) => &pair[..],
            (Some(_), None) => &pair[..1],
            _ => &[][..],
        };
        rules::check_step(&mut pieces, touched, &ctx, diagnostics);
        if let Some(workpiece) = acted_on.filter(|_| modelled(&pieces)) {
            let area = protocol.workpieces[workpiece].area_m2;
            if let Some(over) = apply(&mut pieces[workpiece], &ctx, area, &mut notes) {
                diagnostics.push(over_strip(protocol, workpiece, step, &over));
            }
            if let Some(target) = target {
                join(&mut pieces, workpiece, target, &ctx, &mut notes);
            }
            for piece_index in [Some(workpiece), target].into_iter().flatten() {
                if pieces[piece_index].layers().len() > MAX_LAYERS {
                    pieces[piece_index].unmodelled_from = Some(index);
                    diagnostics.push(too_deep(protocol, piece_index, step));
                    notes.add(|| {
                        format!(
                            "`{}` has more than {MAX_LAYERS} layers: it is not modelled from {} on",
                            protocol.workpieces[piece_index].name,
                            ctx.name()
                        )
                    });
                }
            }
        }
        if let Some(workpiece) = acted_on {
            wetting(&mut pieces[workpiece], &ctx);
        }
        let others = pieces
            .iter_mut()
            .enumerate()
            .filter(|(i, piece)| {
                Some(*i) != product && (Some(*i) == acted_on || Some(*i) == target) && !piece.layers().is_empty()
            })
            .map(|(i, piece)| {
                let detail = detail(piece);
                snapshot(i, piece, db, detail)
            })
            .collect();
        after_steps.push(StackAfterStep {
            step: index,
            name: step.name.clone(),
            acts_on: step.workpiece,
            duration_s: duration(&ctx),
            product: product.and_then(|p| {
                let piece = pieces.get_mut(p)?;
                let detail = detail(piece);
                let now = snapshot(p, piece, db, detail);
                let shared = match &last_product {
                    Some(last) if **last == now => Arc::clone(last),
                    _ => Arc::new(now),
                };
                last_product = Some(Arc::clone(&shared));
                Some(shared)
            }),
            others,
            notes: notes.into_vec(),
        });
    }
    // The product after the last step always lists its layers.
    let last = after_steps.iter_mut().rev().find_map(|s| s.product.as_mut());
    if let (Some(snapshot), Some(piece)) = (last, product.and_then(|p| pieces.get(p)))
        && snapshot.layers_elided
        && piece.unmodelled_from.is_none()
    {
        let snapshot = Arc::make_mut(snapshot);
        snapshot.layers = piece.layers().to_vec();
        snapshot.layers_elided = false;
    }
    (
        ProtocolStack {
            product,
            after_steps,
            budgets: Vec::new(),
        },
        pieces,
    )
}

/// W0603: the stack on a workpiece passed [`MAX_LAYERS`] at `step`.
fn too_deep(protocol: &Protocol, workpiece: usize, step: &crate::sema::program::Step) -> Diagnostic {
    let name = &protocol.workpieces[workpiece].name;
    Diagnostic::new(
        codes::STACK_TOO_DEEP,
        format!("`{name}` carries more than {MAX_LAYERS} layers after `{}`", step.name),
        step.span,
        format!("the layers on `{name}` are not modelled from here on"),
    )
    .with_note("the budgets that depend on the stack are not evaluated (W0602)")
    .with_help("model a representative number of cycles, or split the protocol")
}

/// E0604: a strip that asks for more Li than the workpiece holds.
fn over_strip(
    protocol: &Protocol,
    workpiece: usize,
    step: &crate::sema::program::Step,
    over: &Overdrawn,
) -> Diagnostic {
    let piece = &protocol.workpieces[workpiece];
    let capacity = |m: f64| {
        over.charge_per_m
            .map(|per_m| format!(" ({:.2} mAh/cm2)", m * per_m / 36_000.0))
    };
    Diagnostic::new(
        codes::OVER_STRIP,
        format!(
            "`{}` strips {} of Li, more than the {} that `{}` holds",
            step.name,
            length(over.asked_m, 3),
            length(over.held_m, 3),
            piece.name
        ),
        step.span,
        format!(
            "removes {}{}",
            length(over.asked_m, 3),
            capacity(over.asked_m).unwrap_or_default()
        ),
    )
    .with_label(
        piece.span,
        format!("`{}` holds {} of Li here", piece.name, length(over.held_m, 3)),
    )
    .with_help(format!(
        "strip at most {}{}, or start from a thicker foil",
        length(over.held_m, 3),
        capacity(over.held_m).unwrap_or_default()
    ))
    .with_note("by Faraday's law 1 mAh/cm2 removes 4.85 um of dense Li (spec/models.md)")
}
