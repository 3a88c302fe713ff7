//! Electrochemical steps (electroplate): Li plated and stripped by a charge, and the Li
//! lost to the SEI on the way.
//!
//! - Faraday's law: a charge Q per area plates n = Q / F of Li, a dense layer of
//!   t = n x M_Li / rho_Li. With M_Li = 6.94 g/mol and rho_Li = 0.534 g/cm3
//!   (`data/materials.tsv`), 1 mAh/cm2 (36 000 C/m2) is 4.85 um; this is the review's
//!   3860 mAh/g (ref 3) restated, F / (3.6 x 6.94) = 3862 mAh/g.
//! - The charge per half cycle is `areal_capacity`, else current density x time spread over
//!   the half cycles (2 per cycle), else current density x time of a single plating.
//! - Each cycle loses (1 - CE) of the Li plated (`data/electrochem.tsv`); without `cycles`
//!   the step plates once and keeps CE of it.
//! - The Li lost forms the SEI from the electrolyte's solutes (their reactions in
//!   `data/reactions.tsv`, weighted by molar concentration): an upper bound on the SEI,
//!   since part of the lost Li is dead metallic Li in reality.

use super::context::Ctx;
use super::format::{length, percent, significant};
use super::growth::{Mix, species};
use super::layer::{Caveats, Layer, Origin};
use super::notes::Notes;
use super::quantity::Estimate;
use super::state::Piece;
use crate::sema::materials::MaterialDb;
use std::sync::Arc;

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

/// The charge per half cycle (C/m2) and the number of half cycles, when the parameters
/// determine them.
pub(super) fn charge(ctx: &Ctx) -> Option<(f64, f64)> {
    let step = ctx.step;
    let cycles = step.param("cycles");
    let half_cycles = cycles.map_or(1.0, |n| 2.0 * n);
    if half_cycles <= 0.0 {
        return None;
    }
    let per_half = match (
        step.param("areal_capacity"),
        step.param("current_density"),
        step.param("time"),
    ) {
        (Some(q), _, _) => q,
        (None, Some(j), Some(time)) => j * time / half_cycles,
        _ => return None,
    };
    Some((per_half, half_cycles))
}

/// The step's time: the charge over the current, for every half cycle.
pub(super) fn duration(ctx: &Ctx) -> Option<f64> {
    let (per_half, half_cycles) = charge(ctx)?;
    let j = ctx.step.param("current_density").filter(|j| *j > 0.0)?;
    Some(per_half / j * half_cycles)
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
    if ctx.step.param("voltage").is_some() {
        format!(
            "{}: a potentiostatic step passes a charge its potential does not fix: the Li moved is unknown (give the measured areal_capacity)",
            ctx.name()
        )
    } else {
        format!(
            "{}: the charge is unknown (give areal_capacity, or current_density and time)",
            ctx.name()
        )
    }
}

/// Anodic stripping: Faraday's law removes Q / F of Li from the workpiece, no more than
/// it holds; SEI growth during stripping is not modelled (Li is oxidised, not plated).
pub(super) fn strip(piece: &mut Piece, ctx: &Ctx, notes: &mut Notes) -> Option<Overdrawn> {
    let Some(asked) = charge(ctx).and_then(|(q, _)| li_thickness_for_charge(q, ctx.db)) else {
        piece.li_unknown_at(ctx.index);
        notes.add(|| unknown_charge(ctx));
        return None;
    };
    let held = piece.li.map(|li| li.nominal.max(0.0));
    let removed = held.map_or(asked, |held| asked.min(held));
    piece.add_li(-removed);
    notes.add(|| format!("{}: {} of Li stripped", ctx.name(), length(removed, 3)));
    let held = held?;
    (asked > held * (1.0 + 1e-9)).then(|| Overdrawn {
        asked_m: asked,
        held_m: held,
        charge_per_m: li_thickness_for_charge(1.0, ctx.db).map(|m_per_c| 1.0 / m_per_c),
    })
}

/// Plating onto a collector that is not Li (Cu): the Li forms a layer on it, beneath a 2D
/// film that Li+ crosses (CVD graphene or h-BN, refs 135 and 140: Li plates between the
/// film and the Cu), on top of anything denser.
fn plate_on_collector(piece: &mut Piece, ctx: &Ctx, plated: f64, notes: &mut Notes) {
    let permeable = |layer: &Layer| {
        ["graphene", "hBN"].iter().any(|key| layer.material == *key)
            && layer.thickness.is_some_and(|t| t.max <= MAX_2D_FILM_M)
    };
    let mut layers = piece.take_layers();
    let below = layers.iter().rposition(|layer| !permeable(layer)).map_or(0, |i| i + 1);
    let li = Layer::new(
        &["Li".to_owned()],
        Some(Estimate::exact(plated)),
        ctx.index,
        Origin::Electrochemical,
    );
    layers.insert(below, Arc::new(li));
    for layer in layers {
        piece.push(layer, ctx.db);
    }
    notes.add(|| {
        let place = if below < piece.layers().len() - 1 {
            "beneath the 2D film"
        } else {
            "on top"
        };
        format!(
            "{}: {} of Li plated onto the collector, {place}",
            ctx.name(),
            length(plated, 3)
        )
    });
}

/// A 2D film is a few atomic layers: at most 5 nm (about 15 graphene layers).
const MAX_2D_FILM_M: f64 = 5e-9;

pub(super) fn electroplate(piece: &mut Piece, ctx: &Ctx, notes: &mut Notes) {
    let Some(per_half) = charge(ctx).and_then(|(q, _)| li_thickness_for_charge(q, ctx.db)) else {
        piece.li_unknown_at(ctx.index);
        notes.add(|| unknown_charge(ctx));
        return;
    };
    if !piece.lithium {
        if ctx.step.param("cycles").is_some() {
            notes.add(|| format!("{}: cycling on a collector that is not Li is not modelled", ctx.name()));
        } else {
            plate_on_collector(piece, ctx, per_half, notes);
        }
        return;
    }
    let ce = &ctx.data.coulombic_efficiency;
    let loss_fraction = Estimate::new(1.0 - ce.nominal, 1.0 - ce.max, 1.0 - ce.min);
    let mut caveats = Caveats::default();
    if ce.assumed {
        caveats.assume(format!(
            "coulombic efficiency {} ({} to {}) (data/electrochem.tsv)",
            percent(ce.nominal),
            percent(ce.min),
            percent(ce.max)
        ));
    }
    let cycles = ctx.step.param("cycles");
    // A cycle plates then strips; only its plating half loses Li.
    let plating_halves = cycles.unwrap_or(1.0);
    if cycles.is_none() {
        piece.add_li(per_half);
    }
    let lost = loss_fraction.scale(per_half * plating_halves);
    let taken = piece.consume_li(ctx.index, lost, &caveats);
    let what = match cycles {
        Some(n) => format!(
            "{} cycles of {} plated and stripped",
            significant(n, 4),
            length(per_half, 3)
        ),
        None => format!("{} plated", length(per_half, 3)),
    };
    notes.add(|| {
        format!(
            "{}: {what}; {} of Li is lost to the SEI",
            ctx.name(),
            length(taken.nominal, 3)
        )
    });
    let species = species(ctx);
    caveats.extend(&species.caveats);
    caveats.assume("all Li lost forms SEI (dead Li not counted apart)");
    let mix = if species.reactive.is_empty() {
        Err("no solute has a reaction in data/reactions.tsv".to_owned())
    } else {
        Mix::of(&species.reactive, ctx)
    };
    let mut layer = match mix {
        Ok(mix) if mix.li_per_thickness > 0.0 => {
            caveats.extend(&mix.caveats);
            Layer::mixture(
                mix.shares,
                Some(taken.scale(1.0 / mix.li_per_thickness)),
                ctx.index,
                Origin::Electrochemical,
            )
        }
        Ok(_) => Layer::new(&["SEI".to_owned()], None, ctx.index, Origin::Electrochemical),
        Err(reason) => {
            notes.add(|| format!("{}: the SEI's composition is unknown: {reason}", ctx.name()));
            Layer::new(&["SEI".to_owned()], None, ctx.index, Origin::Electrochemical)
        }
    };
    if !species.untabulated.is_empty() && layer.thickness.is_some() {
        notes.add(|| {
            format!(
                "`{}` also feeds the SEI, but has no reaction in data/reactions.tsv: not counted",
                species.untabulated.join("`, `")
            )
        });
    }
    layer.caveats.extend(&caveats);
    piece.push(layer, ctx.db);
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
