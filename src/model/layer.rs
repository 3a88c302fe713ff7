//! A layer on a workpiece, and the material data the models read for it (molar volumes,
//! with the unverified flags of `data/materials.tsv` carried along).

use std::sync::Arc;

use serde::Serialize;

use super::quantity::Estimate;
use crate::sema::materials::{Material, MaterialDb};

/// How a layer came to be on the foil.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Deposited, cast or laminated as it is.
    Deposited,
    /// A precursor layer that Li converted.
    Converted,
    /// Grown by Li reacting with a gas, vapour, plasma, liquid or solid reagent.
    Grown,
    /// Built from the Li lost in an electrochemical step.
    Electrochemical,
}

/// A material and its share of a layer's volume.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Share {
    pub material: String,
    pub volume_fraction: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// A key of `data/materials.tsv`, or the keys of a mixture joined by `+`.
    pub material: String,
    pub components: Vec<Share>,
    /// `None` when the recipe does not determine it.
    pub thickness: Option<Estimate>,
    /// The step that put the material on the foil.
    pub step: usize,
    /// The step that converted it, for a converted layer.
    pub converted_at: Option<usize>,
    /// What is left of a precursor that converted on contact as far as Li got through its
    /// insulating product: only another trigger (heat, plating, pressing) goes further.
    pub contact_spent: bool,
    /// Its pores percolate (porosity at least the percolation fraction): a gas or a liquid
    /// reaches what lies beneath through it.
    pub open_pores: bool,
    pub origin: Origin,
    /// Li still reaches the layers above through it: it was made by a reaction with Li, or
    /// it is a Li compound or alloy however it was put on (an artificial SEI conducts Li+
    /// by design; a sputtered LiF is the same LiF as a grown one). Any other deposited
    /// layer (a polymer, an oxide, Cu) keeps what lies above it from touching the Li.
    pub passes_li: bool,
    /// The solvents a cast layer was cast from (keys of `data/materials.tsv`): a solvent
    /// that casts a polymer dissolves it, whatever `dissolves_in` says (spec/models.md §2).
    pub cast_from: Vec<String>,
    /// What this layer's thickness rests on that is unverified or assumed.
    pub caveats: Caveats,
}

/// The data values a prediction rests on that the source calls unverified, and the
/// assumptions it makes; the table marks such values and lists these in footnotes. The
/// texts are shared: a caveat is written once and referred to by every layer and snapshot
/// that rests on it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Caveats {
    pub unverified: Vec<Arc<str>>,
    pub assumed: Vec<Arc<str>>,
}

impl Caveats {
    /// Adds the items not there yet.
    pub fn unverified<S: AsRef<str> + Into<Arc<str>>>(&mut self, items: impl IntoIterator<Item = S>) {
        add_new(&mut self.unverified, items);
    }

    pub fn assume<S: AsRef<str> + Into<Arc<str>>>(&mut self, assumption: S) {
        add_new(&mut self.assumed, [assumption]);
    }

    /// Adds the other's items not there yet.
    pub fn extend(&mut self, other: &Caveats) {
        add_new(&mut self.unverified, other.unverified.iter().cloned());
        add_new(&mut self.assumed, other.assumed.iter().cloned());
    }

    /// Whether every item of `other` is here already.
    pub fn covers(&self, other: &Caveats) -> bool {
        let has = |list: &[Arc<str>], item: &Arc<str>| list.iter().any(|present| present == item);
        other.unverified.iter().all(|item| has(&self.unverified, item))
            && other.assumed.iter().all(|item| has(&self.assumed, item))
    }

    /// Whether `item` is among the unverified values.
    pub fn has_unverified(&self, item: &str) -> bool {
        self.unverified.iter().any(|present| **present == *item)
    }

    pub fn is_empty(&self) -> bool {
        self.unverified.is_empty() && self.assumed.is_empty()
    }
}

impl Layer {
    /// A layer of one or more materials in equal volume shares.
    pub fn new(materials: &[String], thickness: Option<Estimate>, step: usize, origin: Origin) -> Layer {
        let share = 1.0 / materials.len().max(1) as f64;
        Layer {
            material: materials.join("+"),
            components: materials
                .iter()
                .map(|m| Share {
                    material: m.clone(),
                    volume_fraction: share,
                })
                .collect(),
            thickness,
            step,
            converted_at: None,
            contact_spent: false,
            open_pores: false,
            origin,
            passes_li: origin != Origin::Deposited,
            cast_from: Vec::new(),
            caveats: Caveats::default(),
        }
    }

    /// A mixed layer with the given volume shares (normalised here), merging repeats.
    pub fn mixture(shares: Vec<(String, f64)>, thickness: Option<Estimate>, step: usize, origin: Origin) -> Layer {
        let mut merged: Vec<(String, f64)> = Vec::new();
        for (material, share) in shares {
            match merged.iter_mut().find(|(m, _)| *m == material) {
                Some((_, total)) => *total += share,
                None => merged.push((material, share)),
            }
        }
        let total: f64 = merged.iter().map(|(_, s)| s).sum();
        let names: Vec<String> = merged.iter().map(|(m, _)| m.clone()).collect();
        let mut layer = Layer::new(&names, thickness, step, origin);
        if total > 0.0 {
            for (component, (_, share)) in layer.components.iter_mut().zip(&merged) {
                component.volume_fraction = share / total;
            }
        }
        layer
    }

    /// Whether every component is a Li compound or alloy (its formula holds Li).
    pub fn is_lithium_based(&self, db: &MaterialDb) -> bool {
        self.components.iter().all(|c| {
            db.lookup(&c.material)
                .and_then(|m| m.formula.as_ref())
                .is_some_and(|f| f.elements.iter().any(|(symbol, _)| symbol == "Li"))
        })
    }

    /// The share of this layer's volume that is pores (the components' porosities).
    pub fn porosity(&self, db: &MaterialDb) -> f64 {
        self.components
            .iter()
            .map(|c| c.volume_fraction * db.lookup(&c.material).and_then(|m| m.porosity).unwrap_or(0.0))
            .sum()
    }

    /// The share of this layer's volume that conducts electrons (`data/conduction.tsv`).
    pub fn conducting_fraction(&self, db: &MaterialDb) -> f64 {
        self.removable_fraction(|key| db.lookup(key).is_some_and(|m| m.conducts_electrons))
    }

    /// The share of this layer's volume made of materials for which `removable` holds.
    pub fn removable_fraction(&self, removable: impl Fn(&str) -> bool) -> f64 {
        self.components
            .iter()
            .filter(|c| removable(&c.material))
            .map(|c| c.volume_fraction)
            .sum()
    }
}

/// Consecutive layers of one material made the same way, merged: how the table and the
/// picture show a protocol that puts the same film down many times.
pub struct Run<'a> {
    /// The bottom layer of the run.
    pub first: &'a Layer,
    pub count: usize,
    /// The sum of the layers' thicknesses; `None` when one is unknown.
    pub thickness: Option<Estimate>,
    /// The step that made the top layer of the run.
    pub last_step: usize,
    pub caveats: Caveats,
}

/// The runs of a stack, bottom to top.
pub fn runs(layers: &[Arc<Layer>]) -> Vec<Run<'_>> {
    let mut runs: Vec<Run> = Vec::new();
    for layer in layers {
        if let Some(run) = runs.last_mut()
            && run.first.material == layer.material
            && run.first.origin == layer.origin
            && run.thickness.is_some() == layer.thickness.is_some()
        {
            run.count += 1;
            run.thickness = run.thickness.zip(layer.thickness).map(|(a, b)| a + b);
            run.last_step = layer.step;
            run.caveats.extend(&layer.caveats);
            continue;
        }
        runs.push(Run {
            first: layer,
            count: 1,
            thickness: layer.thickness,
            last_step: layer.step,
            caveats: layer.caveats.clone(),
        });
    }
    runs
}

/// Adds the items not already present, keeping first-seen order (deterministic output).
pub(crate) fn merge(into: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for item in items {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

/// [`merge`] for shared texts: allocates only for the new ones.
fn add_new<S: AsRef<str> + Into<Arc<str>>>(into: &mut Vec<Arc<str>>, items: impl IntoIterator<Item = S>) {
    for item in items {
        if !into.iter().any(|present| **present == *item.as_ref()) {
            into.push(item.into());
        }
    }
}

/// The molar mass the models use: the table's value, else the one computed from the
/// formula. The worked examples of `spec/models.md` use the table's values too.
pub(super) fn molar_mass(material: &Material) -> Option<f64> {
    material.molar_mass_g_mol.or_else(|| material.computed_molar_mass())
}

/// A material's molar volume M / rho (m3 per mole of formula units), with the data values
/// behind it that the source calls unverified.
pub(super) fn molar_volume(db: &MaterialDb, key: &str) -> Result<(f64, Vec<String>), String> {
    let material = db
        .lookup(key)
        .ok_or_else(|| format!("`{key}` is not in data/materials.tsv"))?;
    let mass = molar_mass(material).ok_or_else(|| format!("`{key}` has no molar mass (no formula)"))?;
    let density = material
        .density_g_cm3
        .ok_or_else(|| format!("`{key}` has no density"))?;
    if density <= 0.0 {
        return Err(format!("`{key}` has no positive density"));
    }
    // g/mol over g/cm3 is cm3/mol; 1 cm3 = 1e-6 m3.
    Ok((mass / density * 1e-6, unverified_density_and_mass(material)))
}

/// The unverified flags of a material's density and molar mass, as notes name them.
pub(super) fn unverified_density_and_mass(material: &Material) -> Vec<String> {
    [("density_g_cm3", "density"), ("molar_mass_g_mol", "molar mass")]
        .iter()
        .filter(|(column, _)| material.is_unverified(column))
        .map(|(_, what)| format!("{what} of `{}`", material.key))
        .collect()
}

/// Density in kg/m3 of the material as it lies on the foil, with its unverified flag, for
/// areal masses: a porous one (a cloth, a mesh) weighs (1 - porosity) of its solid.
pub(crate) fn density(db: &MaterialDb, key: &str) -> Option<(f64, Vec<String>)> {
    let material = db.lookup(key)?;
    let density = material.density_g_cm3? * (1.0 - material.porosity.unwrap_or(0.0));
    let flags = if material.is_unverified("density_g_cm3") {
        vec![format!("density of `{key}`")]
    } else {
        Vec::new()
    };
    Some((density * 1e3, flags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixtures_merge_and_normalise() {
        let layer = Layer::mixture(
            vec![("LiF".into(), 2.0), ("Mo".into(), 1.0), ("LiF".into(), 1.0)],
            None,
            0,
            Origin::Grown,
        );
        assert_eq!(layer.material, "LiF+Mo");
        assert!((layer.components[0].volume_fraction - 0.75).abs() < 1e-12);
        assert!((layer.removable_fraction(|m| m == "Mo") - 0.25).abs() < 1e-12);
        assert!(layer.passes_li);
    }

    #[test]
    fn repeated_layers_merge_into_runs() {
        let lif = |step: usize| {
            Layer::new(
                &["LiF".to_owned()],
                Some(Estimate::exact(1e-9)),
                step,
                Origin::Deposited,
            )
        };
        let layers = vec![
            lif(0),
            lif(1),
            Layer::new(&["Mg".to_owned()], None, 2, Origin::Deposited),
            lif(3),
        ]
        .into_iter()
        .map(Arc::new)
        .collect::<Vec<_>>();
        let runs = runs(&layers);
        assert_eq!(runs.iter().map(|r| r.count).collect::<Vec<_>>(), [2, 1, 1]);
        assert_eq!((runs[0].first.step, runs[0].last_step), (0, 1));
        assert!((runs[0].thickness.unwrap().nominal - 2e-9).abs() < 1e-18);
        assert!(runs[1].thickness.is_none());
    }

    #[test]
    fn molar_volumes_come_from_the_table() {
        let db = MaterialDb::builtin();
        let (lif, flags) = molar_volume(db, "LiF").unwrap();
        assert!((lif - 25.94 / 2.64 * 1e-6).abs() < 1e-12);
        assert!(flags.is_empty());
        let (_, flags) = molar_volume(db, "a-C").unwrap();
        assert_eq!(flags, vec!["density of `a-C`".to_owned()]);
        assert!(molar_volume(db, "rGO").is_err());
    }
}
