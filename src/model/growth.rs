//! Growth: the layer Li grows when it reacts with a step's reagent (a gas or vapour, a
//! plasma, a liquid, or a solid in molten Li).
//!
//! - What the layer is made of and the Li it takes follow from the reagent's reactions in
//!   `data/reactions.tsv`: a layer of thickness t consumes t x (sum_j w_j V_Li,j) /
//!   (sum_j w_j V_products,j) of dense Li, where j runs over the reacting species of the
//!   reagent and w_j is each one's molar concentration (equal shares when unknown).
//! - How thick it grows comes from `data/growth.tsv`, by route. No source gives a rate
//!   constant, so every route is self-limiting with an assumed range; the nominal value is
//!   the range's geometric mean.
//! - A deposited (not Li-derived) layer already on the foil keeps the reagent from the Li:
//!   the nominal growth is then 0, the upper bound unchanged (reagent through defects).
//! - The new layer goes on top: Li reaches the surface through Li-derived layers.

use super::context::Ctx;
use super::conversion::Stoichiometry;
use super::data::Route;
use super::format::{duration, length};
use super::layer::{Caveats, Layer, Origin};
use super::notes::Notes;
use super::quantity::Estimate;
use super::solution::molar_concentration;
use super::state::Piece;
use crate::sema::chemistry::Reaction;
use crate::sema::materials::LiReaction;

/// A reacting species of the reagent and its weight (molar concentration, or 1).
pub struct Reactive<'d> {
    pub reaction: &'d Reaction,
    pub weight: f64,
}

/// What in a step's reagent reacts with Li.
pub struct Species<'d> {
    pub reactive: Vec<Reactive<'d>>,
    /// Materials that react with Li (or might: the data do not say) but have no reaction in
    /// `data/reactions.tsv`.
    pub untabulated: Vec<String>,
    pub caveats: Caveats,
}

/// The reagent's species that react with Li: the solutes of a solution (weighted by their
/// molar concentrations), else its solvents, else the materials the step names.
pub fn species<'d>(ctx: &Ctx<'d>) -> Species<'d> {
    let mut weight_caveats = Caveats::default();
    let mut candidates: Vec<(String, Option<f64>)> = match ctx.reagent() {
        Some(reagent) => reagent
            .components
            .iter()
            .map(|c| {
                (
                    c.material.clone(),
                    molar_concentration(reagent, c, ctx.db, &mut weight_caveats),
                )
            })
            .collect(),
        None => ctx.solutes().into_iter().map(|m| (m, None)).collect(),
    };
    let tabulated = |key: &str| ctx.reactions.contains_key(key);
    if let Some(reagent) = ctx.reagent()
        && !candidates.iter().any(|(key, _)| tabulated(key))
    {
        candidates = reagent.solvents.iter().map(|s| (s.clone(), None)).collect();
    }
    let weighted = candidates
        .iter()
        .filter(|(key, _)| tabulated(key))
        .all(|(_, weight)| weight.is_some());
    let mut reactive = Vec::new();
    let mut untabulated = Vec::new();
    for (key, weight) in &candidates {
        match ctx.reactions.get(key) {
            Some(reaction) => reactive.push(Reactive {
                reaction,
                weight: if weighted { weight.unwrap_or(1.0) } else { 1.0 },
            }),
            None => {
                if ctx.material(key).is_some_and(|m| m.li_reaction != LiReaction::Inert) {
                    untabulated.push(key.clone());
                }
            }
        }
    }
    // The concentrations only matter to share a layer between several reactions.
    let mut caveats = Caveats::default();
    if reactive.len() > 1 {
        if weighted {
            caveats.extend(&weight_caveats);
        } else {
            caveats.assume("the reacting species taken in equal molar shares");
        }
    }
    Species {
        reactive,
        untabulated,
        caveats,
    }
}

/// The mixed stoichiometry of several reactions: product shares (by volume), and the Li
/// consumed per unit thickness of the product layer.
pub struct Mix {
    pub shares: Vec<(String, f64)>,
    pub li_per_thickness: f64,
    pub caveats: Caveats,
}

impl Mix {
    pub fn of(reactive: &[Reactive], ctx: &Ctx) -> Result<Mix, String> {
        let mut shares: Vec<(String, f64)> = Vec::new();
        let mut volume = 0.0;
        let mut li = 0.0;
        let mut caveats = Caveats::default();
        for species in reactive {
            let stoichiometry = Stoichiometry::of(species.reaction, ctx.db)?;
            caveats.unverified(stoichiometry.unverified.iter().cloned());
            for (key, v) in &stoichiometry.products {
                shares.push((key.clone(), species.weight * v));
            }
            volume += species.weight * stoichiometry.product_volume();
            li += species.weight * stoichiometry.li_volume;
        }
        if volume <= 0.0 {
            return Err("the reaction has no products".to_owned());
        }
        Ok(Mix {
            shares,
            li_per_thickness: li / volume,
            caveats,
        })
    }
}

/// Grows the step's reaction layer on a Li piece by `route`.
pub fn grow(piece: &mut Piece, ctx: &Ctx, route: Route, notes: &mut Notes) {
    let mut species = species(ctx);
    let reagent = ctx.solutes().join("/");
    let reacting = species.reactive.len();
    if route != Route::Plasma {
        species.reactive.retain(|species| {
            if species.reaction.needs_plasma {
                notes.add(|| {
                    format!(
                        "`{}` reacts with Li only in a plasma ({}): as a gas it grows nothing",
                        species.reaction.reactant, species.reaction.source
                    )
                });
            }
            !species.reaction.needs_plasma
        });
    }
    if species.reactive.is_empty() && species.untabulated.is_empty() {
        if reacting == 0 {
            notes.add(|| format!("`{reagent}` does not react with Li (data/materials.tsv)"));
        }
        return;
    }
    if !piece.lithium {
        notes.add(|| format!("{} touches no Li: nothing reacts", ctx.name()));
        return;
    }
    let Some(growth) = ctx.data.growth.get(&route) else {
        return;
    };
    let mut thickness = Estimate::geometric(growth.min_m, growth.max_m);
    let mut caveats = species.caveats.clone();
    let range = format!("{} to {}", length(growth.min_m, 3), length(growth.max_m, 3));
    if growth.assumed {
        caveats.assume(format!(
            "thickness grown by the `{}` route assumed {range} (data/growth.tsv)",
            route.name()
        ));
    }
    if let (Some(complete), Some(time)) = (growth.complete_after_s, ctx.step.param("time"))
        && time < complete
    {
        thickness = thickness.with_min(0.0);
        notes.add(|| {
            format!(
                "{} is shorter than the {} the reaction takes: the layer may be incomplete",
                ctx.name(),
                duration(complete)
            )
        });
    }
    if let Some(barrier) = piece.barrier() {
        notes.add(|| {
            format!(
                "`{}` covers the Li: `{reagent}` reaches it only through defects (nominal growth 0, up to {})",
                barrier.material,
                length(thickness.max, 3)
            )
        });
        thickness = Estimate::new(0.0, 0.0, thickness.max);
    }
    let mix = if species.reactive.is_empty() {
        Err(String::new())
    } else {
        Mix::of(&species.reactive, ctx)
    };
    let mut layer = match mix {
        Ok(mix) => {
            caveats.extend(&mix.caveats);
            let wanted = thickness.scale(mix.li_per_thickness);
            let taken = piece.consume_li(ctx.index, wanted, &caveats);
            if taken.max < wanted.max {
                notes.add(|| format!(
                    "the foil has less Li than the thickest `{reagent}` layer would take: its range is capped at the Li left"
                ));
            }
            let grown = thickness
                .zip(wanted.zip(taken, |w, t| if w > 0.0 { t / w } else { 1.0 }), |t, f| {
                    t * f
                })
                .ordered();
            let layer = Layer::mixture(mix.shares, Some(grown), ctx.index, Origin::Grown);
            let equations: Vec<&str> = species.reactive.iter().map(|r| r.reaction.equation()).collect();
            notes.add(|| {
                format!(
                    "`{reagent}` grows {} of `{}` ({}, {range}), taking {} of Li ({})",
                    length(grown.nominal, 3),
                    layer.material,
                    route.name(),
                    length(taken.nominal, 3),
                    equations.join("; ")
                )
            });
            if !species.untabulated.is_empty() {
                notes.add(|| {
                    format!(
                        "`{}` may react with Li too, but data/reactions.tsv has no reaction for it: not counted",
                        species.untabulated.join("`, `")
                    )
                });
            }
            layer
        }
        Err(reason) => {
            // No stoichiometry: the layer is there, what it takes from the Li is not known.
            let products: Vec<String> = species
                .untabulated
                .iter()
                .chain(species.reactive.iter().map(|r| &r.reaction.reactant))
                .flat_map(|key| ctx.material(key).map(|m| m.li_products.clone()).unwrap_or_default())
                .collect();
            let names = if products.is_empty() {
                vec![format!("product of {reagent}")]
            } else {
                products
            };
            piece.li_unknown_at(ctx.index);
            let reason = if reason.is_empty() {
                "data/reactions.tsv has no reaction for it".to_owned()
            } else {
                reason
            };
            notes.add(|| {
                format!(
                    "`{reagent}` reacts with Li ({}), but {reason}: the Li it takes is unknown",
                    route.name()
                )
            });
            Layer::new(&names, Some(thickness), ctx.index, Origin::Grown)
        }
    };
    layer.caveats.extend(&caveats);
    piece.push(layer, ctx.db);
}
