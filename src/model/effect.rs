//! Which effect model a step runs, by its operation's effect kind
//! (`data/operations.tsv`): the models, their equations and their sources are in
//! `spec/models.md`:
//! - deposition ([`super::deposition`]): the layer is the one the recipe puts down;
//! - conversion ([`super::conversion`]): a precursor on Li turns into its products when its
//!   trigger in `data/reactions.tsv` fires (contact, anneal, molten Li, plating, pressing);
//! - growth ([`super::growth`]): Li reacts with a gas, plasma, liquid or solid reagent;
//! - electrochemistry ([`super::electrochem`]): plating, stripping, Li lost to the SEI;
//! - removal and mechanical work ([`super::removal`]): etching, dissolving, rolling.

use std::sync::Arc;

use super::context::Ctx;
use super::conversion::{convert_layer, firing, first_clause, pending_note, settle};
use super::data::Route;
use super::deposition::deposit;
use super::electrochem::electroplate;
use super::electrochem::{Overdrawn, strip};
use super::growth::{grow, species};
use super::layer::{Layer, Origin};
use super::notes::Notes;
use super::quantity::Estimate;
use super::removal::{remove, roll};
use super::state::{Piece, Wetting};
use crate::sema::library::Effect;

/// Runs the step's effect model on the piece it acts on. Returns the Li a strip asked
/// for and the Li the piece held, when the first is more.
pub fn apply(piece: &mut Piece, ctx: &Ctx, area: Option<f64>, notes: &mut Notes) -> Option<Overdrawn> {
    remove(piece, ctx, notes);
    let mut overdrawn = None;
    match ctx.effect() {
        Effect::Deposit | Effect::Cycles | Effect::LangmuirBlodgett | Effect::Laminate | Effect::Cast => {
            if let Some(layer) = deposit(ctx, area, notes) {
                piece.push(layer, ctx.db);
            }
        }
        Effect::GasReaction => grow(
            piece,
            ctx,
            if ctx.li_molten() { Route::MoltenGas } else { Route::Gas },
            notes,
        ),
        Effect::Plasma => grow(piece, ctx, Route::Plasma, notes),
        Effect::LiquidReaction => grow(piece, ctx, Route::Liquid, notes),
        Effect::Convert | Effect::Alloy => react(piece, ctx, notes),
        Effect::Electrochemical => {
            // Plating converts what plating triggers before the SEI forms on top.
            settle(piece, ctx, notes);
            electroplate(piece, ctx, notes);
        }
        Effect::Strip => overdrawn = strip(piece, ctx, notes),
        Effect::Mechanical if ctx.step.onto.is_none() => roll(piece, ctx, notes),
        Effect::Cure => cure(piece, ctx, notes),
        Effect::Mechanical | Effect::Prepare | Effect::Rinse | Effect::Dry | Effect::Heat | Effect::Rest => {}
    }
    settle(piece, ctx, notes);
    let last = piece.layers().len().saturating_sub(1);
    if let Some(note) =
        pending_note(piece, last, ctx).filter(|_| piece.layers().last().is_some_and(|l| l.step == ctx.index))
    {
        notes.add(|| note);
    }
    overdrawn
}

/// A solid reagent reacting with the Li (`react`, `alloy`): a stated amount (`thickness`)
/// converts by stoichiometry; without one, `react` grows a solid-phase layer of the assumed
/// range and `alloy` makes a bulk alloy, which is no layer.
fn react(piece: &mut Piece, ctx: &Ctx, notes: &mut Notes) {
    if !piece.lithium {
        notes.add(|| format!("{} touches no Li: nothing reacts", ctx.name()));
        return;
    }
    let Some(thickness) = ctx.step.param("thickness") else {
        if ctx.effect() == Effect::Alloy {
            notes.add(|| {
                format!(
                    "{} alloys the bulk of the foil: no layer forms (the Li left is not modelled)",
                    ctx.name()
                )
            });
        } else {
            grow(piece, ctx, Route::Solid, notes);
        }
        return;
    };
    let species = species(ctx);
    if species.reactive.is_empty() {
        let names = ctx.solutes();
        piece.push(
            Layer::new(&names, Some(Estimate::exact(thickness)), ctx.index, Origin::Deposited),
            ctx.db,
        );
        piece.li_unknown_at(ctx.index);
        notes.add(|| {
            format!(
                "`{}` has no reaction in data/reactions.tsv: it is put on as it is",
                names.join("/")
            )
        });
        return;
    }
    let share = thickness / species.reactive.len() as f64;
    let why = format!(
        "in {} at {}",
        ctx.name(),
        crate::sema::units::display(
            ctx.step.temperature_k(),
            const { crate::sema::units::Dimension::called("temperature") }
        )
    );
    for reactive in &species.reactive {
        let reactant = std::slice::from_ref(&reactive.reaction.reactant);
        piece.push(
            Layer::new(reactant, Some(Estimate::exact(share)), ctx.index, Origin::Deposited),
            ctx.db,
        );
        let index = piece.layers().len() - 1;
        let layer = Arc::clone(&piece.layers()[index]);
        match firing(reactive.reaction, &layer, ctx) {
            Some(trigger) => {
                convert_layer(piece, index, reactive.reaction, trigger, &why, ctx, notes);
            }
            None => notes.add(|| {
                format!(
                    "`{}` stays as it is on the Li: {} needs {} ({})",
                    layer.material,
                    reactive.reaction.equation(),
                    reactive
                        .reaction
                        .when
                        .iter()
                        .map(|t| t.describe())
                        .collect::<Vec<_>>()
                        .join(" or "),
                    first_clause(&reactive.reaction.source)
                )
            }),
        }
    }
}

/// What liquid the step leaves on the sample: a `dry` step takes it, a liquid step
/// leaves its solvent (or the liquid itself, when pure). Followed whether or not the
/// layers still are (`Piece::unmodelled_from`).
pub fn wetting(piece: &mut Piece, ctx: &Ctx) {
    if ctx.effect() == Effect::Dry {
        piece.wet = None;
    } else if ctx.operation.wets
        && let Some(liquid) = ctx.liquids().iter().find_map(|key| ctx.material(key))
    {
        piece.wet = Some(Wetting {
            liquid: liquid.key.clone(),
            at: ctx.step.span,
        });
    }
}

/// A join (`onto`): a workpiece that carries layers is a carrier, and its layers go onto
/// the target top side down (the carrier is peeled off, as in a transfer print); one that
/// carries none goes on itself (a mesh, a cloth or a foil pressed onto the Li), as a layer
/// of its material and thickness. The target is then pressed, and what the pressing
/// triggers converts.
pub fn join(pieces: &mut [Piece], from: usize, onto: usize, ctx: &Ctx, notes: &mut Notes) {
    let (from_name, onto_name) = (&ctx.protocol.workpieces[from].name, &ctx.protocol.workpieces[onto].name);
    let carried = pieces[from].take_layers();
    if carried.is_empty() && !pieces[from].lithium {
        let workpiece = &ctx.protocol.workpieces[from];
        let material = ctx
            .material(&workpiece.material)
            .map_or(&workpiece.material, |m| &m.key);
        let thickness = workpiece.thickness_m.map(Estimate::exact);
        pieces[onto].push(
            Layer::new(std::slice::from_ref(material), thickness, ctx.index, Origin::Deposited),
            ctx.db,
        );
        notes.add(|| {
            format!(
                "{} lays `{from_name}` itself onto `{onto_name}`: it carries no layers to transfer, so its `{material}` becomes a layer",
                ctx.name()
            )
        });
    } else {
        for layer in carried.into_iter().rev() {
            pieces[onto].push(layer, ctx.db);
        }
        notes.add(|| {
            format!(
                "{} lays the layers of `{from_name}` upside down onto `{onto_name}`",
                ctx.name()
            )
        });
    }
    roll(&mut pieces[onto], ctx, notes);
    settle(&mut pieces[onto], ctx, notes);
}

/// UV or thermal curing (spec/models.md section 3, "Curing"): each component of a layer
/// whose material `cures_to` a polymer becomes that polymer with its mass conserved, so
/// its volume shrinks by the ratio of the densities (when both are known; else it is
/// kept, as an assumption). A layer of anything else is left as it is.
fn cure(piece: &mut Piece, ctx: &Ctx, notes: &mut Notes) {
    let mut cured: Vec<(String, String, f64)> = Vec::new();
    let polymer_of = |key: &str| ctx.material(key).and_then(|m| m.cures_to.clone());
    for layer in piece.layers_mut() {
        if !layer.components.iter().any(|c| polymer_of(&c.material).is_some()) {
            continue;
        }
        let mut kept_volume = false;
        let shares: Vec<(String, f64)> = layer
            .components
            .iter()
            .map(|c| match polymer_of(&c.material) {
                Some(polymer) => {
                    let density = |key: &str| ctx.material(key).and_then(|m| m.density_g_cm3);
                    let shrink = match (density(&c.material), density(&polymer)) {
                        (Some(before), Some(after)) => before / after,
                        _ => {
                            kept_volume = true;
                            1.0
                        }
                    };
                    (polymer, c.volume_fraction * shrink)
                }
                None => (c.material.clone(), c.volume_fraction),
            })
            .collect();
        let volume: f64 = shares.iter().map(|(_, v)| v).sum();
        let before = layer.material.clone();
        // The layer stays where and what it was (its step, origin, access, relief);
        // only its composition and thickness change.
        let mixed = Layer::mixture(shares, None, layer.step, layer.origin);
        let layer = Arc::make_mut(layer);
        layer.material = mixed.material;
        layer.components = mixed.components;
        layer.thickness = layer.thickness.map(|t| t.scale(volume));
        layer.converted_at = Some(ctx.index);
        if kept_volume {
            layer.caveats.assume(format!(
                "curing keeps the volume of `{before}` (a density is not known)"
            ));
        }
        cured.push((before, layer.material.clone(), volume));
    }
    if cured.is_empty() {
        notes.add(|| {
            format!(
                "{} cures nothing: no layer on the piece declares `cures_to`",
                ctx.name()
            )
        });
        return;
    }
    for (before, after, volume) in cured {
        notes.add(|| {
            format!(
                "{} cures `{before}` into `{after}` (as declared), its mass kept: thickness x {}",
                ctx.name(),
                super::format::significant(volume, 3)
            )
        });
    }
}
