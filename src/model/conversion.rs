//! Conversion by stoichiometry: a reaction of `data/reactions.tsv` turns an amount of
//! reactant per area into products and consumes Li, with molar volumes (M / rho) from
//! `data/materials.tsv`:
//!
//! ```text
//! n            = t_reactant / V_reactant            (mol of formula units per m2)
//! t_product_i  = c_i * n * V_product_i
//! t_Li         = li_per_unit * n * V_Li            (thickness of dense Li consumed)
//! ```
//!
//! The same relations run backwards when the product layer's thickness is what is known
//! (a layer grown from a gas): n = t_layer / sum_i c_i V_product_i.

use super::context::Ctx;
use super::data::ConversionData;
use super::format::length;
use super::layer::{Layer, Origin, merge, molar_volume};
use super::notes::Notes;
use super::quantity::Estimate;
use super::state::Piece;
use crate::sema::chemistry::{Arrangement, Reaction, Trigger};
use crate::sema::library::Effect;
use crate::sema::materials::{MaterialDb, Phase};
use crate::sema::thermo::{NoEnergy, ReactionEnergy};

/// What one formula unit of reactant becomes, in volumes.
#[derive(Debug, Clone, PartialEq)]
pub struct Stoichiometry {
    /// Molar volume of the reactant, m3/mol; `None` when the table gives no density (a
    /// reagent that exists only in solution), which only a grown layer can do without.
    pub reactant_volume: Option<f64>,
    /// (material, volume of product per mole of reactant, m3/mol), in the reaction's order.
    pub products: Vec<(String, f64)>,
    /// Volume of dense Li consumed per mole of reactant, m3/mol.
    pub li_volume: f64,
    /// Unverified values among the products' and Li's densities and molar masses.
    pub unverified: Vec<String>,
    /// Unverified values among the reactant's, which only a conversion uses.
    pub reactant_unverified: Vec<String>,
}

impl Stoichiometry {
    /// Reads the volumes of a reaction's reactant, products and Li from the materials table.
    pub fn of(reaction: &Reaction, db: &MaterialDb) -> Result<Stoichiometry, String> {
        let mut unverified = Vec::new();
        let (li, flags) = molar_volume(db, "Li")?;
        merge(&mut unverified, flags);
        let (reactant_volume, reactant_unverified) = match molar_volume(db, &reaction.reactant) {
            Ok((volume, flags)) => (Some(volume), flags),
            Err(_) => (None, Vec::new()),
        };
        let mut products = Vec::with_capacity(reaction.products.len());
        for (coefficient, key) in &reaction.products {
            // A gaseous by-product (the H2 of an acid) leaves: it is no part of the layer.
            if db.lookup(key).is_some_and(|m| m.phase_25c == Phase::Gas) {
                continue;
            }
            let (volume, flags) = molar_volume(db, key)?;
            merge(&mut unverified, flags);
            products.push((key.clone(), coefficient * volume));
        }
        Ok(Stoichiometry {
            reactant_volume,
            products,
            li_volume: reaction.li_per_unit * li,
            unverified,
            reactant_unverified,
        })
    }

    pub fn product_volume(&self) -> f64 {
        self.products.iter().map(|(_, v)| v).sum()
    }

    /// Converts a reactant layer of thickness `t` (m): the product thicknesses and the Li
    /// consumed, in m. `None` when the reactant has no molar volume (no density).
    pub fn convert(&self, t: f64) -> Option<(Vec<(String, f64)>, f64)> {
        let moles = t / self.reactant_volume?;
        let products = self
            .products
            .iter()
            .map(|(key, volume)| (key.clone(), moles * volume))
            .collect();
        Some((products, moles * self.li_volume))
    }
}

/// What thermodynamics says of a reaction (spec/models.md, "Thermodynamics decides"):
/// its free energy, computed once with its chemistry (`Reaction::energy`), against the
/// contact threshold of `data/conversion.tsv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Drive<'r> {
    /// ΔrG > 0: it never runs.
    Uphill(&'r ReactionEnergy),
    /// ΔrG at or below the contact threshold: it runs as soon as the layer touches Li, and
    /// on the table's triggers too.
    OnContact(&'r ReactionEnergy),
    /// Downhill but not enough to run on contact: only the table's triggers start it.
    Triggers(&'r ReactionEnergy),
    /// No free energy can be computed (the reason): the table's triggers decide.
    Untabulated(&'r NoEnergy),
}

impl<'r> Drive<'r> {
    pub fn of(reaction: &'r Reaction, data: &ConversionData) -> Drive<'r> {
        match reaction.energy() {
            // An alloy left out only lowers ΔrG, so a positive bound proves nothing.
            Ok(energy) if energy.per_mol_li > 0.0 && energy.alloys_left_out.is_empty() => Drive::Uphill(energy),
            Ok(energy) if energy.per_mol_li <= data.contact_threshold.nominal => Drive::OnContact(energy),
            Ok(energy) => Drive::Triggers(energy),
            Err(reason) => Drive::Untabulated(reason),
        }
    }

    /// What `seipc explain` and the notes say.
    pub fn describe(&self, data: &ConversionData) -> String {
        let threshold = data.contact_threshold.nominal;
        match self {
            Drive::Uphill(energy) => format!("{}; uphill: it never runs", energy.describe()),
            Drive::OnContact(energy) => format!(
                "{}; at or below {threshold} kJ/mol Li it runs on contact (data/conversion.tsv)",
                energy.describe()
            ),
            Drive::Triggers(energy) => format!(
                "{}; {} {threshold} kJ/mol Li, so only its triggers start it (data/conversion.tsv)",
                energy.describe(),
                if energy.alloys_left_out.is_empty() {
                    "not past"
                } else {
                    "not known to pass"
                }
            ),
            Drive::Untabulated(reason) => format!("no free energy: {}", reason.describe()),
        }
    }
}

/// Whether the step sets off a trigger of `data/reactions.tsv`.
fn fires(trigger: Trigger, ctx: &Ctx) -> bool {
    match trigger {
        Trigger::Contact => true,
        Trigger::Anneal(kelvin) => ctx.step.temperature_k() >= kelvin,
        Trigger::Molten => ctx.li_molten(),
        Trigger::Plating => ctx.effect() == Effect::Electrochemical,
        Trigger::Pressing => ctx.effect() == Effect::Mechanical,
    }
}

fn drive<'r>(reaction: &'r Reaction, ctx: &Ctx) -> Drive<'r> {
    Drive::of(reaction, &ctx.data.conversion)
}

/// The trigger under which the step converts `layer` of the reaction's reactant, if any:
/// a trigger of the table the step sets off (contact last: heat, plating and pressing
/// carry the conversion further), else contact where thermodynamics drives it. What is
/// left of a layer that converted on contact as far as Li got waits for another trigger.
pub(super) fn firing(reaction: &Reaction, layer: &Layer, ctx: &Ctx) -> Option<Trigger> {
    let drive = drive(reaction, ctx);
    if matches!(drive, Drive::Uphill(_)) {
        return None;
    }
    let driven = reaction
        .when
        .iter()
        .copied()
        .find(|t| *t != Trigger::Contact && fires(*t, ctx));
    if driven.is_some() {
        return driven;
    }
    let on_contact = reaction.when.contains(&Trigger::Contact) || matches!(drive, Drive::OnContact(_));
    (on_contact && !layer.contact_spent).then_some(Trigger::Contact)
}

/// The reaction that would convert a layer of one material, with a trigger in the table
/// or a drive to run on contact: a precursor as deposited, or a product that reacts on
/// (the LiMoS2 that intercalation makes converts further when Li is plated).
fn precursor_reaction<'d>(layer: &Layer, ctx: &Ctx<'d>) -> Option<&'d Reaction> {
    if layer.components.len() != 1 {
        return None;
    }
    ctx.reactions
        .get(&layer.material)
        .filter(|r| !r.when.is_empty() || matches!(drive(r, ctx), Drive::OnContact(_)))
}

/// Converts, bottom to top, every layer that touches the Li and whose reaction the step
/// sets off. Li passes through the layers made by reactions with Li (and Li compounds);
/// the first layer that does not keeps it from everything above, so the walk stops
/// there. The products of a conversion are looked at in turn, so a chain of reactions
/// (MoS2 -> LiMoS2 -> Li2S + Mo under plating) runs in one step.
pub(crate) fn settle(piece: &mut Piece, ctx: &Ctx, notes: &mut Notes) {
    if !piece.lithium {
        return;
    }
    let mut index = 0;
    // A chain of declared reactions could loop (X -> Y -> X): each layer converts at most
    // as many times as there are reactions.
    let mut chain = 0;
    while let Some(layer) = piece.layers().get(index) {
        let reaction = precursor_reaction(layer, ctx);
        let trigger = reaction.and_then(|r| firing(r, layer, ctx));
        match (reaction, trigger) {
            (Some(reaction), Some(trigger)) if chain < ctx.reactions.len() => {
                chain += 1;
                let count = convert_layer(piece, index, reaction, trigger, &trigger.describe(), ctx, notes);
                let last = piece.layers().get(index + count - 1);
                if last.is_some_and(|l| l.contact_spent)
                    || count == 1 && last.is_some_and(|l| l.material == reaction.reactant)
                {
                    // Converted only in part, or not at all (no density): what is left blocks.
                    break;
                }
            }
            _ if layer.passes_li => {
                index += 1;
                chain = 0;
            }
            _ => break,
        }
    }
}

/// A note for a precursor just put on the foil that this step leaves unconverted.
pub(super) fn pending_note(piece: &Piece, index: usize, ctx: &Ctx) -> Option<String> {
    let layer = piece.layers().get(index)?;
    let reaction = ctx.reactions.get(&layer.material)?;
    // A layer that converted on contact as far as Li got has its note already.
    if layer.origin != Origin::Deposited || layer.components.len() != 1 || !piece.lithium || layer.contact_spent {
        return None;
    }
    if let Drive::Uphill(energy) = drive(reaction, ctx) {
        return Some(format!(
            "`{}` stays as deposited: {} is uphill ({})",
            layer.material,
            reaction.equation(),
            energy.describe()
        ));
    }
    precursor_reaction(layer, ctx)?;
    if firing(reaction, layer, ctx).is_some() && piece.in_contact(index) {
        return None;
    }
    let mut when: Vec<String> = reaction.when.iter().map(|t| t.describe()).collect();
    if matches!(drive(reaction, ctx), Drive::OnContact(_)) && !reaction.when.contains(&Trigger::Contact) {
        when.insert(0, Trigger::Contact.describe());
    }
    let blocked = if piece.in_contact(index) {
        String::new()
    } else {
        piece
            .barrier()
            .map(|b| format!("; `{}` keeps it from the Li", b.material))
            .unwrap_or_default()
    };
    Some(format!(
        "`{}` stays as deposited: it converts ({}) {}{blocked}",
        layer.material,
        reaction.equation(),
        when.join(" or ")
    ))
}

/// How much of a layer converts on contact at room temperature, when its product is an
/// electronic insulator: Li+ and electrons must cross the insulating film between the Li
/// and the reaction front, which stops once that film reaches the penetration depth
/// (`data/conversion.tsv`). `insulating_per_unit` is the insulating product's thickness
/// per unit thickness of reactant; `below` the insulating film already under the layer.
/// Returns the convertible reactant thickness.
fn penetration_limit(insulating_per_unit: f64, below: Estimate, data: &ConversionData) -> Estimate {
    let depth = &data.penetration_depth;
    let room = |d: f64, b: f64| (d - b).max(0.0) / insulating_per_unit;
    Estimate::new(
        room(depth.nominal, below.nominal),
        room(depth.min, below.max),
        room(depth.max, below.min),
    )
}

/// The insulating film between the Li and the layer at `index`: the layers below it that
/// conduct no electrons through a percolating phase.
fn insulating_below(piece: &Piece, index: usize, ctx: &Ctx) -> Estimate {
    let percolation = ctx.data.conversion.percolation_fraction;
    piece.layers()[..index]
        .iter()
        .filter(|l| l.conducting_fraction(ctx.db) < percolation)
        .filter_map(|l| l.thickness)
        .fold(Estimate::ZERO, |sum, t| sum + t)
}

/// Replaces the layer at `index` by the products of its reaction, converting under
/// `trigger` and saying `why`; returns how many layers now stand in its place.
pub(super) fn convert_layer(
    piece: &mut Piece,
    index: usize,
    reaction: &Reaction,
    trigger: Trigger,
    why: &str,
    ctx: &Ctx,
    notes: &mut Notes,
) -> usize {
    let layer = piece.layers()[index].clone();
    let stoichiometry = match Stoichiometry::of(reaction, ctx.db) {
        Ok(s) => s,
        Err(reason) => {
            notes.add(|| {
                format!(
                    "`{}` should convert ({}) but cannot be modelled: {reason}",
                    layer.material,
                    reaction.equation()
                )
            });
            return 1;
        }
    };
    // Per unit thickness of reactant: the product thicknesses and the Li consumed.
    let Some((per_product, li_ratio)) = stoichiometry.convert(1.0) else {
        notes.add(|| {
            format!(
                "`{}` should convert ({}) but its molar volume is unknown: it needs a density and a formula (or molar mass)",
                layer.material,
                reaction.equation()
            )
        });
        return 1;
    };
    let mut caveats = layer.caveats.clone();
    caveats.unverified(
        stoichiometry
            .unverified
            .iter()
            .chain(&stoichiometry.reactant_unverified)
            .cloned(),
    );
    if reaction.extent_min < 1.0 {
        caveats.assume(format!(
            "extent of the conversion of `{}` not stated: {}-100 %",
            layer.material,
            (reaction.extent_min * 100.0).round()
        ));
    }
    let Some(whole) = layer.thickness else {
        // The amount is unknown, so are the products and the Li they take.
        let names: Vec<String> = stoichiometry.products.iter().map(|(k, _)| k.clone()).collect();
        let mut converted = Layer::new(&names, None, layer.step, Origin::Converted);
        converted.converted_at = Some(ctx.index);
        converted.caveats = caveats;
        piece.layers_mut()[index] = converted.into();
        piece.li_unknown_at(ctx.index);
        notes.add(|| {
            format!(
                "`{}` converts {why} ({}): amounts unknown",
                layer.material,
                reaction.equation()
            )
        });
        return 1;
    };
    let grown: f64 = per_product.iter().map(|(_, p)| p).sum();
    // On contact at room temperature an insulating product limits how far Li gets; heat,
    // molten Li, plating and pressing drive Li through (spec/models.md, section 4).
    let percolation = ctx.data.conversion.percolation_fraction;
    let conducts = |key: &str| ctx.db.lookup(key).is_some_and(|m| m.conducts_electrons);
    let insulating_per_unit = match reaction.arrangement {
        Arrangement::Composite => {
            let conducting: f64 = per_product.iter().filter(|(k, _)| conducts(k)).map(|(_, p)| p).sum();
            if grown > 0.0 && conducting / grown >= percolation {
                0.0
            } else {
                grown
            }
        }
        // Separate layers: the bottom one lies between the Li and the rest.
        Arrangement::Layers => per_product
            .first()
            .filter(|(key, _)| !conducts(key))
            .map_or(0.0, |(_, p)| *p),
    };
    let mut thickness = whole;
    let mut remainder = None;
    let mut e = reaction.extent_min;
    if trigger == Trigger::Contact && insulating_per_unit > 0.0 {
        let below = insulating_below(piece, index, ctx);
        let limit = penetration_limit(insulating_per_unit, below, &ctx.data.conversion);
        if limit.min < whole.max {
            let depth = &ctx.data.conversion.penetration_depth;
            caveats.assume(format!(
                "Li converts an insulating product film no thicker than {} to {} on contact (data/conversion.tsv)",
                length(depth.min, 3),
                length(depth.max, 3)
            ));
            if limit.nominal < whole.nominal {
                // Part of the layer stays as deposited, on top of what converted.
                thickness = Estimate::new(limit.nominal, whole.min.min(limit.min), whole.max.min(limit.max));
                remainder = Some(Estimate::new(
                    whole.nominal - limit.nominal,
                    (whole.min - limit.max).max(0.0),
                    (whole.max - thickness.min).max(0.0),
                ));
            } else {
                // Nominally all of it converts; at worst only `limit.min` does, the rest
                // counted unconverted within the layer, like an extent below 1.
                e = e.min(limit.min / whole.max);
            }
        }
    }
    // Linear in the extent e and the thickness t: the bounds sit at the corners.
    let at = |t: f64, e: f64| t * ((1.0 - e) + e * grown);
    let corners = [
        at(thickness.min, e),
        at(thickness.min, 1.0),
        at(thickness.max, e),
        at(thickness.max, 1.0),
    ];
    let composite = Estimate::new(
        at(thickness.nominal, 1.0),
        corners.iter().copied().fold(f64::INFINITY, f64::min),
        corners.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let wanted = Estimate::new(
        thickness.nominal * li_ratio,
        thickness.min * li_ratio * e,
        thickness.max * li_ratio,
    );
    // Per cm2 of foil, a layer on a patterned surface holds `relief` times its thickness.
    let wanted = wanted.scale(layer.relief());
    let taken = piece.consume_li(ctx.index, wanted, &caveats);
    // Less Li than wanted converts proportionally less.
    let fraction = wanted.zip(taken, |w, t| if w > 0.0 { t / w } else { 1.0 });
    if fraction.min < 1.0 || fraction.nominal < 1.0 {
        notes.add(|| format!("not enough Li left to convert all the `{}`", layer.material));
    }
    let make = |shares: Vec<(String, f64)>, t: Estimate| {
        let mut product = Layer::mixture(shares, Some(t), layer.step, Origin::Converted);
        product.converted_at = Some(ctx.index);
        product.area_factor = layer.area_factor;
        product.caveats = caveats.clone();
        product
    };
    let mut products: Vec<Layer> = match reaction.arrangement {
        Arrangement::Composite => vec![make(
            per_product.clone(),
            composite.zip(fraction, |t, f| t * f).ordered(),
        )],
        Arrangement::Layers => per_product
            .iter()
            .map(|(key, p)| {
                let t = thickness.scale(*p);
                make(
                    vec![(key.clone(), 1.0)],
                    Estimate::new(t.nominal, t.min * e, t.max)
                        .zip(fraction, |t, f| t * f)
                        .ordered(),
                )
            })
            .collect(),
    };
    let described: Vec<String> = products
        .iter()
        .map(|p| {
            format!(
                "{} `{}`",
                p.thickness.map_or_else(|| "?".to_owned(), |t| length(t.nominal, 3)),
                p.material
            )
        })
        .collect();
    let rest = remainder.map_or_else(String::new, |left| {
        format!(
            "; {} of `{}` stays on top: Li does not get through more insulating product on contact",
            length(left.nominal, 3),
            layer.material
        )
    });
    notes.add(|| {
        format!(
            "`{}` converts {why}: {} gives {}, taking {} of Li ({}){rest}",
            layer.material,
            reaction.equation(),
            described.join(" + "),
            length(taken.nominal, 3),
            first_clause(&reaction.source)
        )
    });
    if let Some(left) = remainder {
        let mut rest = Layer::clone(&layer);
        rest.thickness = Some(left);
        rest.contact_spent = true;
        rest.caveats = caveats.clone();
        products.push(rest);
    }
    let count = products.len();
    piece
        .layers_mut()
        .splice(index..=index, products.into_iter().map(std::sync::Arc::new));
    count
}

/// The first clause of a source (up to the first `;` outside brackets), for notes.
pub fn first_clause(source: &str) -> &str {
    // The first `;` outside brackets: "film (ref 126; physics review)" is one clause.
    let mut depth = 0i32;
    let end = source
        .char_indices()
        .find(|&(_, c)| {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                _ => {}
            }
            c == ';' && depth <= 0
        })
        .map_or(source.len(), |(i, _)| i);
    source[..end].trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sema::chemistry::Chemistry;

    fn convert(reactant: &str, t: f64) -> (Vec<(String, f64)>, f64) {
        let chemistry = Chemistry::builtin();
        let stoichiometry = Stoichiometry::of(&chemistry.reactions[reactant], &chemistry.materials).unwrap();
        stoichiometry.convert(t).unwrap()
    }

    #[test]
    fn the_first_clause_keeps_its_brackets_closed() {
        assert_eq!(
            first_clause("a film (ref 126; review): more; the rest"),
            "a film (ref 126; review): more"
        );
        assert_eq!(first_clause("plain; second"), "plain");
        assert_eq!(first_clause("no clause break"), "no clause break");
    }

    /// The worked example of spec/models.md, with the table's densities and molar masses.
    #[test]
    fn ten_nm_of_mgf2_gives_lif_and_mg() {
        let (products, li) = convert("MgF2", 10e-9);
        let n = 3.148 * 1e-6 / 62.30; // mol/cm2 in 10 nm = 1e-6 cm
        let expected_lif = 2.0 * n * 25.94 / 2.64 * 1e-2; // cm -> m
        let expected_mg = n * 24.31 / 1.74 * 1e-2;
        let expected_li = 2.0 * n * 6.94 / 0.534 * 1e-2;
        assert_eq!(products[0].0, "LiF");
        assert!((products[0].1 - expected_lif).abs() < 1e-15);
        assert!((products[1].1 - expected_mg).abs() < 1e-15);
        assert!((li - expected_li).abs() < 1e-15);
        assert!((products[0].1 * 1e9 - 9.930).abs() < 0.001);
        assert!((products[1].1 * 1e9 - 7.060).abs() < 0.001);
        assert!((li * 1e9 - 13.134).abs() < 0.001);
    }

    #[test]
    fn gases_have_no_reactant_volume_but_convert_backwards() {
        let chemistry = Chemistry::builtin();
        let n2 = Stoichiometry::of(&chemistry.reactions["N2"], &chemistry.materials).unwrap();
        // 6 Li (6 x 12.996 cm3/mol) per 2 Li3N (2 x 27.425 cm3/mol).
        assert!((n2.li_volume / n2.product_volume() - 6.0 * 6.94 / 0.534 / (2.0 * 34.83 / 1.27)).abs() < 1e-9);
        assert!(n2.convert(1e-9).is_some(), "N2 has a gas density in the table");
    }
}
