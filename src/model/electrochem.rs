//! Electrochemical steps (`electroplate`, `strip`): Li plated and stripped by a charge, and
//! the Li lost to the SEI on the way (spec/models.md, "Electrochemistry").
//!
//! - Faraday's law: a charge Q per area moves n = Q / F of Li, a dense layer of
//!   t = n x M_Li / rho_Li. With M_Li = 6.94 g/mol and rho_Li = 0.534 g/cm3
//!   (`data/materials.tsv`), 1 mAh/cm2 (36 000 C/m2) is 4.85 um; this is the review's
//!   3860 mAh/g (ref 3) restated, F / (3.6 x 6.94) = 3862 mAh/g.
//! - The charge: `areal_capacity`; else the current density times the time the current
//!   flows (`time`, or `pulses` x `pulse_on` for a pulsed step); else, for a
//!   potentiostatic step (`voltage`) that states no current, the assumed current range of
//!   `data/electrochem.tsv` times that time, so the Li moved is a range. With `cycles`,
//!   the charge is spread over the half cycles (2 per cycle).
//! - Each plating loses (1 - CE) of its charge to the SEI (`data/electrochem.tsv`); a
//!   cycle plates then strips, so a Li foil loses that Li, and a collector ends each cycle
//!   stripped back to what it held.
//! - The Li lost forms the SEI from the electrolyte's salts, additives and solvents, each
//!   reduced in proportion to its molar concentration into the products of `data/sei.tsv`:
//!   an inorganic-rich inner layer and an organic-rich outer one. It is an upper bound on
//!   the SEI, since part of the lost Li is dead metallic Li in reality.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::context::Ctx;
use super::data::SeiLayer;
use super::format::{length, percent, significant};
use super::layer::{Caveats, Layer, Origin, molar_volume};
use super::notes::Notes;
use super::quantity::Estimate;
use super::solution::{molar_concentration, solvent_concentrations};
use super::state::Piece;
use crate::sema::materials::MaterialDb;

/// The Faraday constant, C/mol: the elementary charge times the Avogadro constant, both
/// exact in the SI since 2019 (CODATA 2018).
pub const FARADAY_C_PER_MOL: f64 = 1.602_176_634e-19 * 6.022_140_76e23;

/// The thickness (m) of dense Li that an areal charge (C/m2) plates, from the molar mass
/// and density of Li in `data/materials.tsv`.
pub fn li_thickness_for_charge(areal_charge: f64, db: &MaterialDb) -> Option<f64> {
    let li = db.lookup("Li")?;
    let molar_mass_kg = li.molar_mass_g_mol? * 1e-3;
    let density_kg_m3 = li.density_g_cm3? * 1e3;
    Some(areal_charge / FARADAY_C_PER_MOL * molar_mass_kg / density_kg_m3)
}

/// The charge a step passes.
pub(super) struct Charge {
    /// C/m2 in each half cycle (the whole step without `cycles`).
    pub per_half: Estimate,
    pub half_cycles: f64,
    /// What the charge rests on (an assumed current).
    pub caveats: Caveats,
}

/// The time the current flows: `pulses` x `pulse_on` for a pulsed step, else `time`.
fn time_on(ctx: &Ctx) -> Option<f64> {
    let step = ctx.step;
    match (step.param("pulses"), step.param("pulse_on")) {
        (Some(pulses), Some(on)) => Some(pulses * on),
        _ => step.param("time"),
    }
}

/// The charge of a step, when its parameters determine it or bound it.
pub(super) fn charge(ctx: &Ctx) -> Option<Charge> {
    let step = ctx.step;
    let half_cycles = step.param("cycles").map_or(1.0, |n| 2.0 * n);
    if half_cycles <= 0.0 {
        return None;
    }
    let mut caveats = Caveats::default();
    let per_half = match (
        step.param("areal_capacity"),
        step.param("current_density"),
        time_on(ctx),
    ) {
        (Some(q), _, _) => Estimate::exact(q),
        (None, Some(j), Some(on)) => Estimate::exact(j * on / half_cycles),
        (None, None, Some(on)) if step.param("voltage").is_some() => {
            let j = &ctx.data.potentiostatic_current;
            caveats.assume(format!(
                "a potentiostatic step's current {} mA/cm2 ({} to {} mA/cm2) (data/electrochem.tsv)",
                significant(j.nominal / 10.0, 3),
                significant(j.min / 10.0, 3),
                significant(j.max / 10.0, 3)
            ));
            Estimate::new(j.nominal, j.min, j.max).scale(on / half_cycles)
        }
        _ => return None,
    };
    Some(Charge {
        per_half,
        half_cycles,
        caveats,
    })
}

/// The step's time: the pulses' on and off times, else the charge over the current for
/// every half cycle.
pub(super) fn duration(ctx: &Ctx) -> Option<f64> {
    let step = ctx.step;
    if let (Some(pulses), Some(on)) = (step.param("pulses"), step.param("pulse_on")) {
        return Some(pulses * (on + step.param("pulse_off").unwrap_or(0.0)));
    }
    let charge = charge(ctx)?;
    let j = step.param("current_density").filter(|j| *j > 0.0)?;
    Some(charge.per_half.nominal / j * charge.half_cycles)
}

/// A strip that asks for more Li than the workpiece holds.
pub struct Overdrawn {
    pub asked_m: f64,
    pub held_m: f64,
    /// C/m2 per m of Li, to restate the lengths as areal capacities.
    pub charge_per_m: Option<f64>,
}

/// Why the charge of a step is unknown, for its note.
fn unknown_charge(ctx: &Ctx) -> String {
    format!(
        "{}: the charge is unknown (give areal_capacity, or current_density and time, or pulses and pulse_on)",
        ctx.name()
    )
}

/// The Li (m, as dense Li) a step moves in each half cycle, with what it rests on; `None`
/// (and the step's Li marked unknown) when its parameters do not say.
fn li_moved(piece: &mut Piece, ctx: &Ctx, notes: &mut Notes) -> Option<(Estimate, Charge)> {
    let moved = charge(ctx).and_then(|charge| {
        let per_c = li_thickness_for_charge(1.0, ctx.db)?;
        Some((charge.per_half.scale(per_c), charge))
    });
    if moved.is_none() {
        piece.li_unknown_at(ctx.index);
        notes.add(|| unknown_charge(ctx));
    }
    moved
}

/// Anodic stripping: Faraday's law removes Q / F of Li from the workpiece, no more than
/// it holds (the foil, or the Li plated on a collector); SEI growth during stripping is
/// not modelled (Li is oxidised, not plated).
pub(super) fn strip(piece: &mut Piece, ctx: &Ctx, notes: &mut Notes) -> Option<Overdrawn> {
    let (asked, charge) = li_moved(piece, ctx, notes)?;
    let Some(held) = piece.li.map(|li| li.nominal.max(0.0)) else {
        if piece.lithium {
            piece.add_li(asked.scale(-1.0), &charge.caveats);
            notes.add(|| {
                format!(
                    "{}: {} of Li stripped",
                    ctx.name(),
                    super::format::estimate(asked, |v| length(v, 3))
                )
            });
        } else {
            notes.add(|| format!("{}: the collector holds no Li: nothing is stripped", ctx.name()));
        }
        return None;
    };
    let removed = asked.map(|t| t.min(held));
    piece.add_li(removed.scale(-1.0), &charge.caveats);
    sync_collector(piece, ctx);
    notes.add(|| {
        format!(
            "{}: {} of Li stripped",
            ctx.name(),
            super::format::estimate(removed, |v| length(v, 3))
        )
    });
    if asked.max > held * (1.0 + 1e-9) && asked.min <= held * (1.0 + 1e-9) {
        notes.add(|| format!("{}: the upper bound of the charge strips all the Li", ctx.name()));
    }
    (asked.min > held * (1.0 + 1e-9)).then(|| Overdrawn {
        asked_m: asked.min,
        held_m: held,
        charge_per_m: li_thickness_for_charge(1.0, ctx.db).map(|m_per_c| 1.0 / m_per_c),
    })
}

/// Whether Li+ crosses a layer: a 2D film of `data/permeable.tsv` no thicker than its
/// limit there (CVD graphene or h-BN, refs 135 and 140: Li plates between film and Cu).
fn permeable(layer: &Layer, ctx: &Ctx) -> bool {
    ctx.data
        .permeable
        .get(&layer.material)
        .is_some_and(|max| layer.thickness.is_some_and(|t| t.max <= *max))
}

/// On a collector (a workpiece that is not Li) the Li it holds is a layer: beneath the
/// 2D films Li+ crosses, on top of anything denser. Sets that layer to the Li the piece
/// holds, making it on the first plating and removing it once all is stripped.
fn sync_collector(piece: &mut Piece, ctx: &Ctx) {
    if piece.lithium {
        return;
    }
    let Some(li) = piece.li else { return };
    let plated_li = |layer: &Layer| layer.material == "Li" && layer.origin == Origin::Electrochemical;
    let existing = piece.layers().iter().position(|layer| plated_li(layer));
    match existing {
        Some(index) if li.max <= 0.0 => {
            piece.layers_mut().remove(index);
        }
        Some(index) => Arc::make_mut(&mut piece.layers_mut()[index]).thickness = Some(li),
        None if li.max > 0.0 => {
            let mut layers = piece.take_layers();
            let below = layers
                .iter()
                .rposition(|layer| !permeable(layer, ctx))
                .map_or(0, |i| i + 1);
            let layer = Layer::new(&["Li".to_owned()], Some(li), ctx.index, Origin::Electrochemical);
            layers.insert(below, Arc::new(layer));
            for layer in layers {
                piece.push(layer, ctx.db);
            }
        }
        None => {}
    }
}

pub(super) fn electroplate(piece: &mut Piece, ctx: &Ctx, notes: &mut Notes) {
    let Some((per_half, charge)) = li_moved(piece, ctx, notes) else {
        return;
    };
    let collector = !piece.lithium;
    if collector && piece.li.is_none() {
        piece.li = Some(Estimate::ZERO);
    }
    let ce = &ctx.data.coulombic_efficiency;
    let mut caveats = charge.caveats.clone();
    if ce.assumed {
        caveats.assume(format!(
            "coulombic efficiency {} ({} to {}) (data/electrochem.tsv)",
            percent(ce.nominal),
            percent(ce.min),
            percent(ce.max)
        ));
    }
    let cycles = ctx.step.param("cycles");
    // A cycle plates then strips; only its plating half loses Li. The least charge goes
    // with the highest CE, scenario by scenario.
    let plated = per_half.scale(cycles.unwrap_or(1.0));
    let lost = Estimate::new(
        plated.nominal * (1.0 - ce.nominal),
        plated.min * (1.0 - ce.max),
        plated.max * (1.0 - ce.min),
    );
    match cycles {
        // Plated in full; the SEI's share is consumed below.
        None => piece.add_li(per_half, &charge.caveats),
        // Each cycle strips a collector back to what it held: the SEI's Li came from the
        // counter electrode.
        Some(_) if collector => piece.add_li(lost, &charge.caveats),
        // A Li foil gives the SEI's Li.
        Some(_) => {}
    }
    let taken = piece.consume_li(ctx.index, lost, &caveats);
    sync_collector(piece, ctx);
    let what = match cycles {
        Some(n) => format!(
            "{} cycles of {} plated and stripped",
            significant(n, 4),
            super::format::estimate(per_half, |v| length(v, 3))
        ),
        None if collector => format!(
            "{} plated onto the collector",
            super::format::estimate(per_half, |v| length(v, 3))
        ),
        None => format!("{} plated", super::format::estimate(per_half, |v| length(v, 3))),
    };
    notes.add(|| {
        format!(
            "{}: {what}; {} of Li is lost to the SEI",
            ctx.name(),
            length(taken.nominal, 3)
        )
    });
    caveats.assume("all Li lost forms SEI (dead Li not counted apart)");
    match sei_layers(ctx, taken, &caveats) {
        Ok(sei) => {
            if !sei.untabulated.is_empty() {
                notes.add(|| {
                    format!(
                        "`{}` has no reduction products in data/sei.tsv: not counted in the SEI",
                        sei.untabulated.join("`, `")
                    )
                });
            }
            for layer in sei.layers {
                piece.push(layer, ctx.db);
            }
        }
        Err(reason) => {
            notes.add(|| format!("{}: the SEI's composition is unknown: {reason}", ctx.name()));
            let mut layer = Layer::new(&["SEI".to_owned()], None, ctx.index, Origin::Electrochemical);
            layer.caveats.extend(&caveats);
            piece.push(layer, ctx.db);
        }
    }
}

/// The SEI of one electrochemical step, inner layer first.
struct Sei {
    layers: Vec<Layer>,
    /// The electrolyte's components without rows in `data/sei.tsv`.
    untabulated: Vec<String>,
}

/// How the Li a step lost (`taken`, as dense Li) is shared among the reduction products of
/// the electrolyte: component c takes the share w_c / sum(w) of it (w: molar
/// concentration), and its product p the share s_p of that; a product of n_p Li per
/// formula unit and molar volume V_p then makes (share / n_p) x V_p / V_Li of layer per
/// unit of Li lost.
fn sei_layers(ctx: &Ctx, taken: Estimate, caveats: &Caveats) -> Result<Sei, String> {
    let reagent = ctx
        .reagent()
        .ok_or_else(|| "the electrolyte is not a declared solution".to_owned())?;
    let mut weight_caveats = Caveats::default();
    let mut components: Vec<(String, Option<f64>)> = reagent
        .components
        .iter()
        .map(|c| {
            let key = ctx.material(&c.material).map_or(c.material.clone(), |m| m.key.clone());
            (key, molar_concentration(reagent, c, ctx.db, &mut weight_caveats))
        })
        .collect();
    components.extend(solvent_concentrations(reagent, ctx.db, &mut weight_caveats));
    let mut untabulated = Vec::new();
    let mut reduced = Vec::new();
    for (key, weight) in components {
        match ctx.data.sei.get(&key) {
            Some(products) => reduced.push((
                products,
                weight.ok_or_else(|| format!("the amount of `{key}` is unknown"))?,
            )),
            None => untabulated.push(key),
        }
    }
    let total: f64 = reduced.iter().map(|(_, w)| w).sum();
    if reduced.is_empty() || total <= 0.0 {
        return Err("no component of the electrolyte has reduction products in data/sei.tsv".to_owned());
    }
    let (li_volume, li_flags) = molar_volume(ctx.db, "Li")?;
    let mut layer_caveats = caveats.clone();
    layer_caveats.unverified(li_flags);
    if reduced.len() > 1 {
        layer_caveats.extend(&weight_caveats);
        layer_caveats.assume("the electrolyte's components reduced in proportion to their molar concentrations");
    }
    // Volume of each product per unit of Li lost, by layer, with what each layer rests on.
    let mut by_layer: BTreeMap<SeiLayer, (Vec<(String, f64)>, Caveats)> = BTreeMap::new();
    for (products, weight) in &reduced {
        for product in products.iter() {
            let material = ctx
                .material(&product.product)
                .ok_or_else(|| format!("`{}` is not a material", product.product))?;
            let li_atoms = material
                .formula
                .as_ref()
                .and_then(|f| f.elements.iter().find(|(e, _)| e == "Li"))
                .map(|(_, n)| *n)
                .ok_or_else(|| format!("`{}` holds no Li", product.product))?;
            let (volume, flags) = molar_volume(ctx.db, &product.product)?;
            let (shares, caveats) = by_layer
                .entry(product.layer)
                .or_insert_with(|| (Vec::new(), layer_caveats.clone()));
            caveats.unverified(flags);
            if product.assumed {
                caveats.assume("the shares of the SEI's products (data/sei.tsv)");
            }
            let li_share = weight / total * product.share;
            shares.push((material.key.clone(), li_share / li_atoms * volume / li_volume));
        }
    }
    let layers = by_layer
        .into_values()
        .map(|(shares, caveats)| {
            let per_li: f64 = shares.iter().map(|(_, v)| v).sum();
            let mut layer = Layer::mixture(shares, Some(taken.scale(per_li)), ctx.index, Origin::Electrochemical);
            layer.caveats = caveats;
            layer
        })
        .collect();
    Ok(Sei { layers, untabulated })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_mah_per_cm2_is_4_85_um_of_li() {
        // 1 mAh/cm2 = 3.6 C per 1e-4 m2.
        let t = li_thickness_for_charge(36_000.0, MaterialDb::builtin()).unwrap();
        assert!((t * 1e6 - 4.85).abs() < 0.01, "{t}");
        // The review's 3860 mAh/g, restated: F / (3.6 C/mAh x M_Li).
        assert!((FARADAY_C_PER_MOL / 3.6 / 6.94 - 3860.0).abs() / 3860.0 < 1e-3);
    }
}
