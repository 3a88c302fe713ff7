//! Removal and mechanical work: what a step may take away from the layers already on the
//! foil, and what rolling does to the thicknesses.
//!
//! - A plasma whose feed gas etches a layer's material (`data/etching.tsv`), or a liquid
//!   that dissolves it (`dissolves_in` of `data/materials.tsv`, or the solvent it was cast
//!   from: a solvent that casts a polymer dissolves it), may remove it. No rate is
//!   tabulated, so the layer keeps its nominal thickness and its lower bound drops by the
//!   share of its volume that can go (to 0 for a pure layer).
//! - Rolling to a gap thinner than the piece thins everything in proportion: volume is
//!   conserved, the area grows by the inverse ratio, and the layers are taken to stretch
//!   with the Li. Without a gap, or for stamping and polishing, thicknesses stay as they
//!   are; the surface-area gain of patterning is not modelled (no source gives a factor,
//!   so the area factor stays 1).

use std::collections::BTreeMap;

use super::context::Ctx;
use super::format::{length, significant};
use super::layer::Layer;
use super::notes::Notes;
use super::state::Piece;
use crate::sema::library::{Effect, ReagentKind};

/// Etching by a plasma feed, and dissolving by the liquid of a wet step.
pub fn remove(piece: &mut Piece, ctx: &Ctx, notes: &mut Notes) {
    if ctx.effect() == Effect::Plasma {
        for feed in ctx.solutes() {
            let Some(etching) = ctx.library.etching.get(&feed) else {
                continue;
            };
            lower_bound_to_what_stays(
                piece,
                |m| etching.etches.iter().any(|e| e == m),
                |_| false,
                notes,
                |what| {
                    format!(
                        "a `{feed}` plasma may etch {what} away as {} (no rate known: lower bound lowered)",
                        etching.product
                    )
                },
            );
        }
    }
    if ctx.operation.reagent == ReagentKind::Liquid {
        let liquids = ctx.liquids();
        let dissolves = |material: &str| {
            ctx.material(material)
                .is_some_and(|m| m.dissolves_in.iter().any(|s| liquids.contains(s)))
        };
        let cast_from_liquid = |layer: &Layer| layer.cast_from.iter().any(|s| liquids.contains(s));
        lower_bound_to_what_stays(piece, dissolves, cast_from_liquid, notes, |what| {
            format!(
                "`{}` may dissolve {what} (no rate known: lower bound lowered)",
                liquids.join("/")
            )
        });
    }
}

/// Lowers each layer's lower bound by the share of it that can go: the components
/// `removable` accepts, or all of a layer `whole` accepts. `note` gets what goes
/// (`` `MoS2` `` or `` the `Mo` of `Li2S+Mo` ``), once per kind of layer.
fn lower_bound_to_what_stays(
    piece: &mut Piece,
    removable: impl Fn(&str) -> bool,
    whole: impl Fn(&Layer) -> bool,
    notes: &mut Notes,
    note: impl Fn(&str) -> String,
) {
    // Each material is judged once, and the layers are touched only if one can go.
    let mut verdicts: BTreeMap<String, bool> = BTreeMap::new();
    let mut shares = Vec::new();
    for (index, layer) in piece.layers().iter().enumerate() {
        if whole(layer) {
            shares.push((index, 1.0, true));
            continue;
        }
        let mut share = 0.0;
        for component in &layer.components {
            let verdict = match verdicts.get(&component.material) {
                Some(verdict) => *verdict,
                None => {
                    let verdict = removable(&component.material);
                    verdicts.insert(component.material.clone(), verdict);
                    verdict
                }
            };
            if verdict {
                share += component.volume_fraction;
            }
        }
        if share > 0.0 {
            shares.push((index, share, false));
        }
    }
    if shares.is_empty() {
        return;
    }
    let mut said: Vec<(String, usize)> = Vec::new();
    for (index, share, all) in shares {
        let layer = &piece.layers()[index];
        let going: Vec<&str> = layer
            .components
            .iter()
            .map(|c| c.material.as_str())
            .filter(|m| verdicts.get(*m).copied().unwrap_or(false))
            .collect();
        let what = if all || layer.components.len() == 1 {
            format!("`{}`", layer.material)
        } else {
            format!("the `{}` of `{}`", going.join("`, `"), layer.material)
        };
        match said.iter_mut().find(|(w, _)| *w == what) {
            Some((_, count)) => *count += 1,
            None => said.push((what, 1)),
        }
        let layer = std::sync::Arc::make_mut(&mut piece.layers_mut()[index]);
        if let Some(thickness) = layer.thickness {
            layer.thickness = Some(thickness.with_min(thickness.min * (1.0 - share)));
        }
    }
    for (what, count) in said {
        let what = if count > 1 {
            format!("{what} ({count} layers)")
        } else {
            what
        };
        notes.add(|| note(&what));
    }
}

/// Rolling or stamping: a stated `surface_area` patterns the foil, and a `gap` narrower
/// than the piece thins it.
pub fn roll(piece: &mut Piece, ctx: &Ctx, notes: &mut Notes) {
    if let Some(surface) = ctx.step.param("surface_area") {
        pattern(piece, surface, ctx, notes);
    }
    let Some(gap) = ctx.step.param("gap") else {
        if ctx.effect() == Effect::Mechanical && ctx.step.onto.is_none() && ctx.step.param("surface_area").is_none() {
            let factor = piece.area_factor;
            notes.add(|| {
                format!(
                    "{}: thicknesses unchanged (no gap given); surface-area factor {} (no `surface_area` given; no source gives one)",
                    ctx.name(),
                    significant(factor, 3)
                )
            });
        }
        return;
    };
    let coating = piece.totals(ctx.db).coating;
    let Some(total) = piece.li.map(|li| li.nominal + coating.nominal).filter(|t| *t > 0.0) else {
        notes.add(|| {
            format!(
                "{}: the piece's thickness is unknown, so is what the gap of {} does",
                ctx.name(),
                length(gap, 3)
            )
        });
        return;
    };
    if gap >= total {
        notes.add(|| {
            format!(
                "{}: the gap of {} is wider than the piece ({}): no thinning",
                ctx.name(),
                length(gap, 3),
                length(total, 3)
            )
        });
        return;
    }
    let ratio = gap / total;
    piece.scale(ratio);
    notes.add(|| {
        format!(
            "{}: rolled from {} to the gap of {}: every thickness x {}, area x {} (volume conserved)",
            ctx.name(),
            length(total, 3),
            length(gap, 3),
            significant(ratio, 3),
            significant(1.0 / ratio, 3)
        )
    });
}

/// Patterns the foil to `surface` (real surface per projected area). The layers already
/// on it follow the relief with their volume conserved: each is spread over the new
/// surface, so it thins by the ratio of the old factor to the new one; the layers made
/// later cover the whole new surface (`Layer::area_factor`). The bulk Li is not changed.
fn pattern(piece: &mut Piece, surface: f64, ctx: &Ctx, notes: &mut Notes) {
    let before = piece.area_factor;
    piece.area_factor = surface;
    let mut spread = 0;
    for layer in piece.layers_mut() {
        let old = layer.relief();
        if old != surface {
            let layer = std::sync::Arc::make_mut(layer);
            layer.thickness = layer.thickness.map(|t| t.scale(old / surface));
            layer.area_factor = Some(surface);
            spread += 1;
        }
    }
    notes.add(|| {
        let layers = if spread > 0 {
            format!("; the {spread} layer(s) on it spread over the new surface, thinner by x {}", significant(before / surface, 3))
        } else {
            String::new()
        };
        format!(
            "{}: the surface is patterned to {} times its projected area (as stated; it was {}): the layers made on it from now on hold that many times their thickness per cm2 of foil{layers}",
            ctx.name(),
            significant(surface, 3),
            significant(before, 3)
        )
    });
}
