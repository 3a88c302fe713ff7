//! Deposition: the layer a step puts on the foil as it is (sputter, evaporate, cvd, ald,
//! mld, lb_deposit, laminate, and the casting verbs).
//!
//! Its thickness is the one the recipe states, else:
//! - rate x time (sputter, evaporate, cvd);
//! - cycles x growth per cycle (ald, mld), layers x growth per layer (lb_deposit);
//! - for a cast solution, the wet film times the solid volume fraction of the solution
//!   once the solvent has gone: t_dry = t_wet x sum_i phi_i, with the wet film given
//!   (`wet_thickness`), or the cast volume over the foil's area (`drop_cast`), or the
//!   blade gap (`doctor_blade`, an upper bound: the wet film is at most the gap).

use super::context::Ctx;
use super::format::{length, significant};
use super::layer::{Caveats, Layer, Origin};
use super::notes::Notes;
use super::quantity::Estimate;
use super::solution::volume_fraction;
use crate::sema::library::Effect;

/// The layer the step deposits, or `None` when its effect deposits nothing; the note says
/// how its thickness was found (or why not).
pub fn deposit(ctx: &Ctx, area_m2: Option<f64>, notes: &mut Notes) -> Option<Layer> {
    let step = ctx.step;
    let param = |name: &str| step.param(name);
    let effect = ctx.effect();
    let (thickness, how): (Option<f64>, String) = match effect {
        Effect::Deposit | Effect::Laminate => match (param("thickness"), param("rate"), param("time")) {
            (Some(t), _, _) => (Some(t), "as stated".to_owned()),
            (None, Some(rate), Some(time)) => (
                Some(rate * time),
                format!(
                    "rate x time = {} nm/min x {} min",
                    significant(rate * 6e10, 3),
                    significant(time / 60.0, 3)
                ),
            ),
            _ => (None, "neither a thickness nor a rate and a time is given".to_owned()),
        },
        Effect::Cycles => match (param("cycles"), param("growth_per_cycle")) {
            (Some(n), Some(g)) => (
                Some(n * g),
                format!("{} cycles x {} nm/cycle", significant(n, 4), significant(g * 1e9, 3)),
            ),
            _ => (None, "cycles and growth_per_cycle are both needed".to_owned()),
        },
        Effect::LangmuirBlodgett => match (param("layers"), param("growth_per_layer")) {
            (Some(n), Some(g)) => (
                Some(n * g),
                format!("{} layers x {} nm/layer", significant(n, 4), significant(g * 1e9, 3)),
            ),
            _ => (
                None,
                "no growth_per_layer is given, and the sources give none".to_owned(),
            ),
        },
        Effect::Cast => return Some(cast(ctx, area_m2, notes)),
        _ => return None,
    };
    let materials = match ctx.solutes() {
        solutes if solutes.is_empty() => vec!["membrane".to_owned()],
        solutes => solutes,
    };
    let layer = Layer::new(&materials, thickness.map(Estimate::exact), ctx.index, Origin::Deposited);
    notes.add(|| match thickness {
        Some(t) => format!(
            "{} deposits {} of `{}` ({how})",
            ctx.name(),
            length(t, 3),
            layer.material
        ),
        None => format!(
            "{} deposits `{}` of unknown thickness: {how}",
            ctx.name(),
            layer.material
        ),
    });
    Some(layer)
}

/// A cast solution dries to its solutes: shares by solid volume fraction where the
/// amounts allow, else equal.
fn cast(ctx: &Ctx, area_m2: Option<f64>, notes: &mut Notes) -> Layer {
    let step = ctx.step;
    let mut caveats = Caveats::default();
    let fractions: Option<Vec<(String, f64)>> = ctx.reagent().and_then(|reagent| {
        reagent
            .components
            .iter()
            .map(|c| Some((c.material.clone(), volume_fraction(reagent, c, ctx.db, &mut caveats)?)))
            .collect()
    });
    let solid_fraction: Option<f64> = fractions.as_ref().map(|f| f.iter().map(|(_, phi)| phi).sum());
    let wet = match (step.param("wet_thickness"), step.param("volume"), step.param("gap")) {
        (Some(wet), _, _) => Some((wet, "wet film".to_owned())),
        (None, Some(volume), _) => area_m2.map(|area| (volume / area, "cast volume / foil area".to_owned())),
        (None, None, Some(gap)) => Some((gap, "blade gap, an upper bound on the wet film".to_owned())),
        _ => None,
    };
    let (thickness, how) = match (step.param("thickness"), wet, solid_fraction) {
        (Some(t), _, _) => (Some(Estimate::exact(t)), "as stated".to_owned()),
        (None, Some((wet, source)), Some(phi)) => {
            let how = format!(
                "{source} {} x solid volume fraction {}",
                length(wet, 3),
                significant(phi, 3)
            );
            // A blade gap bounds the wet film from above only.
            let dry = if step.param("gap").is_some()
                && step.param("wet_thickness").is_none()
                && step.param("volume").is_none()
            {
                Estimate::new(wet * phi, 0.0, wet * phi)
            } else {
                Estimate::exact(wet * phi)
            };
            (Some(dry), how)
        }
        (None, None, _) => (None, "no thickness, wet_thickness, volume or gap is given".to_owned()),
        (None, Some(_), None) => (
            None,
            "the solution's solid content is not known (give each solute's amount)".to_owned(),
        ),
    };
    let materials = ctx.solutes();
    let mut layer = match fractions.filter(|f| f.iter().all(|(_, phi)| *phi > 0.0)) {
        Some(shares) if !shares.is_empty() => Layer::mixture(shares, thickness, ctx.index, Origin::Deposited),
        _ => Layer::new(&materials, thickness, ctx.index, Origin::Deposited),
    };
    layer.cast_from = ctx.reagent().map_or_else(Vec::new, |reagent| {
        reagent
            .solvents
            .iter()
            .map(|key| ctx.material(key).map_or_else(|| key.clone(), |m| m.key.clone()))
            .collect()
    });
    if thickness.is_some() && step.param("thickness").is_none() {
        layer.caveats.extend(&caveats);
        if step.param("gap").is_some() && step.param("wet_thickness").is_none() && step.param("volume").is_none() {
            layer.caveats.assume("wet film taken as the blade gap (an upper bound)");
        }
    }
    notes.add(|| match thickness {
        Some(t) => format!(
            "{} leaves {} of `{}` once dry ({how})",
            ctx.name(),
            length(t.nominal, 3),
            layer.material
        ),
        None => format!("{} casts `{}` of unknown thickness: {how}", ctx.name(), layer.material),
    });
    layer
}
