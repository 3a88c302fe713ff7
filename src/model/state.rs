//! The state of one workpiece between steps: its layers, bottom to top, and for a Li foil
//! the Li left and the Li consumed, all per unit area of the foil as it is now.
//!
//! The sums over the layers (coating, areal mass) are kept current as layers are pushed,
//! and recomputed only after a step changed layers already there: a long protocol that
//! deposits one layer per step then costs time linear in its length, not quadratic.
//!
//! The snapshots after each step share what did not change: the layers and the caveats
//! behind the totals are reference counted, and copied only when a step changes them while
//! a snapshot still shows them. A protocol of N steps then holds N small snapshots, not N
//! copies of its layers and footnotes.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::data::ModelData;
use super::layer::{Caveats, Layer, density};
use super::quantity::Estimate;
use crate::sema::materials::MaterialDb;
use crate::span::Span;

/// Sums over a piece's layers.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// The known part of the coating, m.
    pub coating: Estimate,
    /// The steps whose layers have no known thickness.
    pub unknown: Vec<usize>,
    /// Sum of rho x t over the layers, kg/m2; `None` when a thickness or a density is
    /// unknown.
    pub layer_mass: Option<Estimate>,
    /// What the coating rests on.
    pub coating_caveats: Arc<Caveats>,
    /// The unverified densities the mass rests on.
    pub density_caveats: Arc<Caveats>,
    /// Each material on the piece once, however many layers hold it, bottom first.
    pub materials: Vec<OnFoil>,
}

/// A material on a piece: what the rules on the layers ask of it (does the heat melt it,
/// does the liquid dissolve it), kept once per material so that a step's checks cost time
/// in the number of materials, not in the height of the stack.
#[derive(Debug, Clone, PartialEq)]
pub struct OnFoil {
    pub material: String,
    /// The lowest layer holding it (`Li2S+Mo` for `Mo`).
    pub layer: String,
    /// The step that made the lowest layer holding it.
    pub step: usize,
    /// Whether that layer is a precursor Li converted since.
    pub converted: bool,
    /// The solvents any of its layers was cast from.
    pub cast_from: Vec<String>,
}

/// Adds `other` to caveats a snapshot may share, copying them only when something is new.
fn extend_shared(target: &mut Arc<Caveats>, other: &Caveats) {
    if !target.covers(other) {
        Arc::make_mut(target).extend(other);
    }
}

/// Adds unverified flags to caveats a snapshot may share, copying them only when one is new.
fn flag_shared(target: &mut Arc<Caveats>, flags: &[String]) {
    if flags.iter().any(|flag| !target.has_unverified(flag)) {
        Arc::make_mut(target).unverified(flags.iter().map(String::as_str));
    }
}

impl Totals {
    fn add(&mut self, layer: &Layer, db: &MaterialDb) {
        extend_shared(&mut self.coating_caveats, &layer.caveats);
        for component in &layer.components {
            let entry = match self.materials.iter().position(|m| m.material == component.material) {
                Some(at) => &mut self.materials[at],
                None => {
                    self.materials.push(OnFoil {
                        material: component.material.clone(),
                        layer: layer.material.clone(),
                        step: layer.step,
                        converted: layer.origin == super::layer::Origin::Converted,
                        cast_from: Vec::new(),
                    });
                    self.materials.last_mut().expect("just pushed")
                }
            };
            super::layer::merge(&mut entry.cast_from, layer.cast_from.iter().cloned());
        }
        let Some(thickness) = layer.thickness else {
            self.unknown.push(layer.step);
            self.layer_mass = None;
            return;
        };
        self.coating = self.coating + thickness;
        let mut rho = Some(0.0);
        for component in &layer.components {
            rho = match (rho, density(db, &component.material)) {
                (Some(total), Some((density, flags))) => {
                    flag_shared(&mut self.density_caveats, &flags);
                    Some(total + component.volume_fraction * density)
                }
                _ => None,
            };
        }
        self.layer_mass = match (self.layer_mass, rho) {
            (Some(mass), Some(rho)) => Some(mass + thickness.scale(rho)),
            _ => None,
        };
    }
}

/// What a snapshot's values rest on, shared between snapshots.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SnapshotCaveats {
    /// Behind the coating thickness.
    pub coating: Arc<Caveats>,
    /// Behind the Li consumed and remaining.
    pub li: Arc<Caveats>,
    /// The unverified densities behind the mass added.
    pub density: Arc<Caveats>,
}

impl SnapshotCaveats {
    /// Behind the mass added: the layers, their densities and the Li they took.
    pub fn mass(&self) -> Caveats {
        let mut mass = Caveats::clone(&self.coating);
        mass.extend(&self.density);
        mass.extend(&self.li);
        mass
    }
}

/// A liquid left on a sample by a liquid step.
#[derive(Debug, Clone, PartialEq)]
pub struct Wetting {
    /// The solvent, or the liquid itself when pure (a key of the materials table).
    pub liquid: String,
    /// The step that left it.
    pub at: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Piece {
    /// Whether the workpiece is Li metal (reactions consume it).
    pub lithium: bool,
    /// Dense Li left, m; `None` for a workpiece that is not Li or has no stated thickness.
    pub li: Option<Estimate>,
    /// Dense Li plated onto the foil, m (exact: the charge is stated).
    pub li_plated: f64,
    /// Dense Li consumed by reactions and electrochemical losses, m.
    pub li_consumed: Estimate,
    /// Li consumed per step, for the budget labels.
    pub li_by_step: BTreeMap<usize, Estimate>,
    /// Steps whose Li consumption the data cannot predict.
    pub li_unknown: Vec<usize>,
    /// Unverified data values and assumptions behind `li_consumed`.
    li_caveats: Arc<Caveats>,
    /// Bottom to top; shared with the snapshots that list them.
    layers: Vec<Arc<Layer>>,
    totals: Totals,
    /// Whether `totals` no longer match `layers`.
    stale: bool,
    /// The liquid a step left on the sample, until a `dry` step (or vacuum) takes it.
    pub wet: Option<Wetting>,
    /// The step from which the piece is no longer modelled (it passed
    /// [`crate::physics::MAX_LAYERS`]); its values are unknown from there.
    pub unmodelled_from: Option<usize>,
}

impl Piece {
    pub fn new(lithium: bool, thickness: Option<f64>) -> Piece {
        Piece {
            lithium,
            li: thickness.filter(|_| lithium).map(Estimate::exact),
            totals: Totals {
                layer_mass: Some(Estimate::ZERO),
                ..Totals::default()
            },
            ..Piece::default()
        }
    }

    pub fn layers(&self) -> &[Arc<Layer>] {
        &self.layers
    }

    /// The layers, to change (`Arc::make_mut` copies a layer a snapshot still shows): the
    /// sums are recomputed before they are next read.
    pub fn layers_mut(&mut self) -> &mut Vec<Arc<Layer>> {
        self.stale = true;
        &mut self.layers
    }

    /// Puts a layer on top.
    pub fn push(&mut self, layer: impl Into<Arc<Layer>>, db: &MaterialDb) {
        let mut layer = layer.into();
        if !layer.passes_li && layer.is_lithium_based(db) {
            Arc::make_mut(&mut layer).passes_li = true;
        }
        if !layer.open_pores && layer.porosity(db) >= ModelData::builtin().conversion.percolation_fraction {
            Arc::make_mut(&mut layer).open_pores = true;
        }
        if !self.stale {
            self.totals.add(&layer, db);
        }
        self.layers.push(layer);
    }

    /// Removes every layer (a carrier giving its film away).
    pub fn take_layers(&mut self) -> Vec<Arc<Layer>> {
        self.stale = true;
        std::mem::take(&mut self.layers)
    }

    /// The caveats behind the totals, shared with the piece until a step adds to them.
    /// `li_density_flags` are the unverified flags of Li's density, which the mass rests
    /// on when it is known.
    pub fn snapshot_caveats(
        &mut self,
        db: &MaterialDb,
        li_density_flags: &[String],
        mass_known: bool,
    ) -> SnapshotCaveats {
        let totals = self.totals(db);
        let mut density = totals.density_caveats.clone();
        if mass_known {
            flag_shared(&mut density, li_density_flags);
        }
        SnapshotCaveats {
            coating: totals.coating_caveats.clone(),
            li: self.li_caveats.clone(),
            density,
        }
    }

    /// The sums over the layers, current.
    pub fn totals(&mut self, db: &MaterialDb) -> &Totals {
        if self.stale {
            let mut totals = Totals {
                layer_mass: Some(Estimate::ZERO),
                ..Totals::default()
            };
            for layer in &self.layers {
                totals.add(layer, db);
            }
            self.totals = totals;
            self.stale = false;
        }
        &self.totals
    }

    /// Takes `wanted` of Li for `step`, no more than there is. Returns the part actually
    /// taken (bound by bound), so the caller can scale the product the same way.
    pub fn consume_li(&mut self, step: usize, wanted: Estimate, caveats: &Caveats) -> Estimate {
        let taken = match self.li {
            Some(li) => {
                let most = li.max.max(0.0);
                Estimate::new(
                    wanted.nominal.min(li.nominal.max(0.0)),
                    wanted.min.min(most),
                    wanted.max.min(most),
                )
            }
            None => wanted,
        };
        if let Some(li) = self.li {
            self.li = Some((li - taken).map(|t| t.max(0.0)));
        }
        self.li_consumed = self.li_consumed + taken;
        let entry = self.li_by_step.entry(step).or_insert(Estimate::ZERO);
        *entry = *entry + taken;
        extend_shared(&mut self.li_caveats, caveats);
        taken
    }

    /// Adds Li (plating; a negative amount strips), bound by bound, with what the amount
    /// rests on.
    pub fn add_li(&mut self, amount: Estimate, caveats: &Caveats) {
        self.li_plated += amount.nominal;
        if let Some(li) = self.li {
            self.li = Some((li + amount).map(|t| t.max(0.0)));
        }
        extend_shared(&mut self.li_caveats, caveats);
    }

    pub fn li_unknown_at(&mut self, step: usize) {
        if !self.li_unknown.contains(&step) {
            self.li_unknown.push(step);
        }
    }

    /// Whether Li reaches the layer at `index`: the piece is Li and every layer below it was
    /// made by a reaction with Li (see `Layer::passes_li`).
    pub fn in_contact(&self, index: usize) -> bool {
        self.lithium && self.layers[..index.min(self.layers.len())].iter().all(|l| l.passes_li)
    }

    /// The first layer that keeps a reagent from the Li, if any: one that does not let Li
    /// through and has no open pores for the reagent to go through.
    pub fn barrier(&self) -> Option<&Layer> {
        self.layers.iter().map(|l| &**l).find(|l| !l.passes_li && !l.open_pores)
    }

    /// Whether a dense layer covers the piece, as made or converted: a coating that a
    /// violent reagent or the air reaches only through pinholes. A mesh or a cloth with
    /// open pores covers nothing; a piece no longer modelled has thousands of layers.
    pub fn covered(&self) -> bool {
        self.unmodelled_from.is_some() || self.layers.iter().any(|l| !l.open_pores)
    }

    /// Scales every thickness by `ratio` (rolling to a gap: the volume is conserved and
    /// the area grows by 1 / ratio, so every per-area quantity shrinks by `ratio`).
    pub fn scale(&mut self, ratio: f64) {
        self.li = self.li.map(|li| li.scale(ratio));
        self.li_plated *= ratio;
        self.li_consumed = self.li_consumed.scale(ratio);
        for value in self.li_by_step.values_mut() {
            *value = value.scale(ratio);
        }
        for layer in self.layers_mut() {
            let layer = Arc::make_mut(layer);
            layer.thickness = layer.thickness.map(|t| t.scale(ratio));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn li_is_consumed_no_further_than_it_goes() {
        let mut piece = Piece::new(true, Some(10e-6));
        let taken = piece.consume_li(0, Estimate::new(4e-6, 1e-6, 16e-6), &Caveats::default());
        assert_eq!(taken.max, 10e-6);
        let li = piece.li.unwrap();
        let near = |a: f64, b: f64| (a - b).abs() < 1e-15;
        assert!(
            near(li.min, 0.0) && near(li.nominal, 6e-6) && near(li.max, 9e-6),
            "{li:?}"
        );
        assert_eq!(piece.li_by_step[&0], taken);
        piece.scale(0.5);
        assert!(near(piece.li.unwrap().nominal, 3e-6));
    }

    #[test]
    fn the_sums_follow_the_layers() {
        use super::super::layer::Origin;
        let db = MaterialDb::builtin();
        let mut piece = Piece::new(true, Some(10e-6));
        let lif = |t: f64| Layer::new(&["LiF".to_owned()], Some(Estimate::exact(t)), 0, Origin::Deposited);
        piece.push(lif(1e-9), db);
        piece.push(lif(2e-9), db);
        let totals = piece.totals(db).clone();
        assert!((totals.coating.nominal - 3e-9).abs() < 1e-18);
        assert!((totals.layer_mass.unwrap().nominal - 3e-9 * 2640.0).abs() < 1e-15);
        Arc::make_mut(&mut piece.layers_mut()[0]).thickness = None;
        let totals = piece.totals(db);
        assert_eq!((totals.unknown.clone(), totals.layer_mass), (vec![0], None));
        assert!(piece.take_layers().len() == 2 && piece.totals(db).coating.nominal == 0.0);
    }

    #[test]
    fn a_foil_that_is_not_lithium_has_no_li_budget() {
        let piece = Piece::new(false, Some(10e-6));
        assert!(piece.li.is_none() && !piece.in_contact(0));
    }
}
