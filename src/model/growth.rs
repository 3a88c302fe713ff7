//! Growth: the layer Li grows when it reacts with a step's reagent (a gas or vapour, a
//! plasma, a liquid, or a solid in molten Li).
//!
//! - What the layer is made of and the Li it takes follow from the reagent's reactions in
//!   `data/reactions.tsv`: a layer of thickness t consumes t x (sum_j w_j V_Li,j) /
//!   (sum_j w_j V_products,j) of dense Li, where j runs over the reacting species of the
//!   reagent and w_j is each one's molar concentration (equal shares when unknown).
//! - How thick it grows: the step's measured `thickness` when it states one, else the
//!   route's law (`super::kinetics`, rows of `data/growth.tsv`) with the step's time,
//!   temperature, pressure and the reagent's concentrations.
//! - A deposited (not Li-derived) layer already on the foil keeps the reagent from the Li:
//!   the nominal growth is then 0, the upper bound unchanged (reagent through defects).
//! - The new layer goes on top: Li reaches the surface through Li-derived layers.

use super::context::Ctx;
use super::conversion::Stoichiometry;
use super::data::Route;
use super::format::{length, significant};
use super::kinetics::{Conditions, Law, Yields, row_for};
use super::layer::{Caveats, Layer, Origin, density, molar_mass};
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
    /// Its molar concentration in the liquid, mol/m3 (a neat liquid's is its density over its
    /// molar mass), when known.
    pub concentration: Option<f64>,
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
                concentration: weight.or_else(|| neat_concentration(ctx, key)),
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

/// The molar concentration of a neat material, mol/m3: its density over its molar mass.
fn neat_concentration(ctx: &Ctx, key: &str) -> Option<f64> {
    let material = ctx.material(key)?;
    Some(material.density_g_cm3? * 1e3 / (molar_mass(material)? * 1e-3))
}

/// The mixed stoichiometry of several reactions: product shares (by volume), and the Li
/// consumed per unit thickness of the product layer.
pub struct Mix {
    pub shares: Vec<(String, f64)>,
    pub li_per_thickness: f64,
    /// Layer thickness per diffusion length of the liquid: sum_j c_j x (product volume per
    /// mole of j), when every concentration is known.
    pub per_supply_length: Option<f64>,
    pub caveats: Caveats,
}

impl Mix {
    pub fn of(reactive: &[Reactive], ctx: &Ctx) -> Result<Mix, String> {
        let mut shares: Vec<(String, f64)> = Vec::new();
        let mut volume = 0.0;
        let mut li = 0.0;
        let mut caveats = Caveats::default();
        let mut per_supply_length = Some(0.0);
        for species in reactive {
            let stoichiometry = Stoichiometry::of(species.reaction, ctx.db)?;
            per_supply_length = per_supply_length
                .zip(species.concentration)
                .map(|(sum, c)| sum + c * stoichiometry.product_volume());
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
            per_supply_length,
            caveats,
        })
    }
}

/// How thick the layer grows: the step's measured `thickness`, else the route's law
/// (`super::kinetics`) under the step's time, temperature, pressure and concentrations.
/// `None` when the stated pressure is too low for anything to grow.
/// `reactant` is the reagent's only reacting species (or the monomer a plasma
/// polymerises), whose own rows of `data/growth.tsv` apply when it has some.
fn thickness(
    ctx: &Ctx,
    route: Route,
    reactant: Option<&str>,
    mix: Option<&Mix>,
    caveats: &mut Caveats,
    notes: &mut Notes,
) -> Option<Estimate> {
    if let Some(measured) = ctx.step.param("thickness") {
        return Some(Estimate::exact(measured));
    }
    let rows = ctx.data.growth_rows(route, reactant);
    let celsius = ctx.step.temperature_k() - 273.15;
    let row = row_for(&rows, celsius)?;
    let li_density = density(ctx.db, "Li").map(|(rho, _)| rho);
    let yields = Yields {
        per_li_mass: mix.zip(li_density).map(|(mix, rho)| 1.0 / (rho * mix.li_per_thickness)),
        per_supply_length: mix.and_then(|mix| mix.per_supply_length),
    };
    let conditions = Conditions {
        time_s: ctx.step.param("time"),
        celsius,
        pressure_pa: ctx.step.param("pressure"),
    };
    let law = Law::new(row, conditions, yields);
    if law.below_threshold {
        notes.add(|| {
            format!(
                "{} runs at {} Pa, at or below the {} Pa under which `{}` grows nothing on Li (data/growth.tsv): no layer",
                ctx.name(),
                significant(conditions.pressure_pa.unwrap_or_default(), 3),
                significant(row.p_min_pa.unwrap_or_default(), 4),
                ctx.solutes().join("/")
            )
        });
        return None;
    }
    if row.supply.is_some() && law.supply_cap.is_none() {
        notes.add(|| {
            "the concentration of a reacting solute is unknown: the solute supply does not bound the layer".to_owned()
        });
    }
    notes.add(|| law.describe());
    law.caveats(caveats);
    Some(law.thickness)
}

/// Grows the step's reaction layer on a Li piece by `route`; a plasma fed with a monomer
/// of `data/polymerisation.tsv` deposits its polymer instead.
pub fn grow(piece: &mut Piece, ctx: &Ctx, route: Route, notes: &mut Notes) {
    if route == Route::Plasma
        && let Some(monomer) = ctx
            .solutes()
            .into_iter()
            .find(|m| ctx.data.plasma_polymers.contains_key(m))
    {
        polymerise(piece, ctx, &monomer, notes);
        return;
    }
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
    let mix = if species.reactive.is_empty() {
        Err(String::new())
    } else {
        Mix::of(&species.reactive, ctx)
    };
    let mut caveats = species.caveats.clone();
    let reactant = match species.reactive.as_slice() {
        [only] if species.untabulated.is_empty() => Some(only.reaction.reactant.as_str()),
        _ => None,
    };
    let Some(mut thickness) = thickness(ctx, route, reactant, mix.as_ref().ok(), &mut caveats, notes) else {
        return;
    };
    let measured = ctx.step.param("thickness").is_some();
    let how = if measured { "as measured" } else { route.name() };
    if let Some(barrier) = piece.barrier().filter(|_| !measured) {
        notes.add(|| {
            format!(
                "`{}` covers the Li: `{reagent}` reaches it only through defects (nominal growth 0, up to {})",
                barrier.material,
                length(thickness.max, 3)
            )
        });
        thickness = Estimate::new(0.0, 0.0, thickness.max);
    }
    let mut layer = match mix {
        Ok(mix) => {
            caveats.extend(&mix.caveats);
            // Per cm2 of foil, a layer on a patterned surface holds `area_factor` times
            // its thickness.
            let wanted = thickness.scale(mix.li_per_thickness * piece.area_factor);
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
                    "`{reagent}` grows {} of `{}` ({how}), taking {} of Li ({})",
                    length(grown.nominal, 3),
                    layer.material,
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
            notes.add(|| format!("`{reagent}` reacts with Li ({how}), but {reason}: the Li it takes is unknown"));
            Layer::new(&names, Some(thickness), ctx.index, Origin::Grown)
        }
    };
    layer.caveats.extend(&caveats);
    piece.push(layer, ctx.db);
}

/// Plasma polymerisation (spec/models.md, section 5): the monomer builds a polymer film on
/// whatever the piece shows, by the plasma law of the monomer's rows; it takes no Li.
fn polymerise(piece: &mut Piece, ctx: &Ctx, monomer: &str, notes: &mut Notes) {
    let polymerisation = &ctx.data.plasma_polymers[monomer];
    let mut caveats = Caveats::default();
    let Some(thickness) = thickness(ctx, Route::Plasma, Some(monomer), None, &mut caveats, notes) else {
        return;
    };
    let how = if ctx.step.param("thickness").is_some() {
        "as measured"
    } else {
        "plasma polymerisation"
    };
    notes.add(|| {
        format!(
            "`{monomer}` polymerises in the plasma: {} of `{}` ({how}), a deposit that takes no Li ({})",
            length(thickness.nominal, 3),
            polymerisation.polymer,
            polymerisation.source
        )
    });
    let mut layer = Layer::new(
        std::slice::from_ref(&polymerisation.polymer),
        Some(thickness),
        ctx.index,
        Origin::Deposited,
    );
    layer.caveats.extend(&caveats);
    piece.push(layer, ctx.db);
}
