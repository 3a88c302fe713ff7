//! Standard formation energies (`data/thermo.tsv`) and the free energy per mol Li of a
//! reaction of Li, which decides whether a conversion can happen at all and whether it
//! happens on contact (spec/models.md, "Thermodynamics decides").
//!
//! ```text
//! ΔrG / n = (Σ_i c_i ΔfG(product_i) − ΔfG(reactant)) / n        (ΔfG(Li) = 0)
//! ```
//!
//! Two things the tables lack are handled without guessing a number:
//! - a product that is a Li alloy (a stable intermetallic at 25 degC, kind `alloy`) with no
//!   tabulated value has ΔfG ≤ 0 from its elements. The reaction is then read as two: the
//!   displacement to the metal (`ZnO + 2 Li -> Li2O + Zn`), whose energy is computed per
//!   mol of the Li it takes, and the alloying of that metal with more Li, downhill by
//!   itself. The displacement decides whether the conversion starts; per mol Li of the
//!   whole reaction it is *at most* the displacement's energy times its share of the Li;
//! - where a species has ΔfH but no ΔfG and every species is condensed, ΔrH stands for
//!   ΔrG (TΔrS of a reaction among solids is a few kJ/mol), and the result says so.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::chemistry::Reaction;
use super::materials::{MaterialDb, Phase};
use super::tsv::for_each_record;

const THERMO_TSV: &str = include_str!("../../data/thermo.tsv");

/// One row of `data/thermo.tsv`, kJ/mol per formula unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Formation {
    pub enthalpy: Option<f64>,
    pub gibbs: Option<f64>,
    pub source: String,
}

/// The formation energies, by material key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thermo {
    pub formations: BTreeMap<String, Formation>,
}

/// Which formation energies a reaction energy was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Gibbs,
    /// Enthalpies, standing for Gibbs energies in a reaction among condensed phases.
    Enthalpy,
}

/// A reaction's standard free energy per mol Li consumed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReactionEnergy {
    /// kJ per mol Li.
    pub per_mol_li: f64,
    pub basis: Basis,
    /// Alloy products left out (their ΔfG ≤ 0): `per_mol_li` is then the displacement's,
    /// per mol of the Li that is not bound in these alloys.
    pub alloys_left_out: Vec<String>,
}

impl ReactionEnergy {
    /// `ΔrG = -52.2 kJ/mol Li`, `ΔrG = -120.4 kJ/mol Li up to the metal (`LiZn` then ..)`,
    /// `ΔrG ≈ ΔrH = -84.2 kJ/mol Li (..)`.
    pub fn describe(&self) -> String {
        let alloys = self.alloys_left_out.join("`, `");
        if self.per_mol_li == 0.0 && !alloys.is_empty() {
            return format!("ΔrG < 0: the stable alloy `{alloys}` forms from the elements (no tabulated value)");
        }
        let symbol = match self.basis {
            Basis::Gibbs => "ΔrG",
            Basis::Enthalpy => "ΔrG ≈ ΔrH",
        };
        let scope = if alloys.is_empty() { "" } else { " up to the metal" };
        let mut why = Vec::new();
        if self.basis == Basis::Enthalpy {
            why.push("from enthalpies, no ΔfG tabulated".to_owned());
        }
        if !alloys.is_empty() {
            why.push(format!(
                "`{alloys}` then forms from the metal and more Li: a stable alloy, downhill, no tabulated ΔfG"
            ));
        }
        let why = if why.is_empty() {
            String::new()
        } else {
            format!(" ({})", why.join("; "))
        };
        format!("{symbol} = {:+.1} kJ/mol Li{scope}{why}", self.per_mol_li)
    }
}

/// Why a reaction has no computed energy.
#[derive(Debug, Clone, PartialEq)]
pub enum NoEnergy {
    /// The equation leaves elements unbalanced (its by-products are not stated).
    Unbalanced,
    /// These species have no usable formation energy.
    Missing(Vec<String>),
}

impl NoEnergy {
    pub fn describe(&self) -> String {
        match self {
            NoEnergy::Unbalanced => "its by-products are not stated, so no free energy is computed".to_owned(),
            NoEnergy::Missing(keys) => format!("data/thermo.tsv has no formation energy of `{}`", keys.join("`, `")),
        }
    }
}

impl Thermo {
    /// The built-in table, parsed on first use.
    pub fn builtin() -> &'static Thermo {
        static BUILTIN: OnceLock<Thermo> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut formations = BTreeMap::new();
            for_each_record(THERMO_TSV, |record| {
                let number = |column: &str| match record.get(column) {
                    "" => None,
                    text => Some(
                        text.parse::<f64>()
                            .unwrap_or_else(|_| panic!("data/thermo.tsv: `{}`: bad {column}", record.get("key"))),
                    ),
                };
                formations.insert(
                    record.get("key").to_owned(),
                    Formation {
                        enthalpy: number("dHf_kJ_mol"),
                        gibbs: number("dGf_kJ_mol"),
                        source: record.get("source").to_owned(),
                    },
                );
            });
            Thermo { formations }
        })
    }

    /// The standard free energy of `reaction` per mol Li, from Gibbs energies where every
    /// species has one, else from enthalpies among condensed phases.
    pub fn reaction_energy(&self, reaction: &Reaction, db: &MaterialDb) -> Result<ReactionEnergy, NoEnergy> {
        if !reaction.unbalanced.is_empty() || reaction.li_per_unit <= 0.0 {
            return Err(NoEnergy::Unbalanced);
        }
        match self.sum(reaction, db, Basis::Gibbs) {
            Ok(energy) => Ok(energy),
            Err(missing) => {
                let condensed = std::iter::once(&reaction.reactant)
                    .chain(reaction.products.iter().map(|(_, key)| key))
                    .all(|key| db.lookup(key).is_some_and(|m| m.phase_25c != Phase::Gas));
                if condensed && let Ok(energy) = self.sum(reaction, db, Basis::Enthalpy) {
                    return Ok(energy);
                }
                Err(NoEnergy::Missing(missing))
            }
        }
    }

    fn sum(&self, reaction: &Reaction, db: &MaterialDb, basis: Basis) -> Result<ReactionEnergy, Vec<String>> {
        let value = |key: &str| {
            let formation = self.formations.get(key)?;
            match basis {
                Basis::Gibbs => formation.gibbs,
                Basis::Enthalpy => formation.enthalpy,
            }
        };
        let mut missing = Vec::new();
        let mut alloys_left_out = Vec::new();
        let mut total = 0.0;
        // The Li the left-out alloys hold: not taken by the displacement.
        let mut alloyed_li = 0.0;
        match value(&reaction.reactant) {
            Some(v) => total -= v,
            None => missing.push(reaction.reactant.clone()),
        }
        for (coefficient, key) in &reaction.products {
            let alloy = db.lookup(key).filter(|m| m.kind == "alloy");
            match (value(key), alloy) {
                (Some(v), _) => total += coefficient * v,
                (None, Some(alloy)) => {
                    alloyed_li += coefficient * li_count(alloy);
                    alloys_left_out.push(key.clone());
                }
                (None, None) => missing.push(key.clone()),
            }
        }
        if !missing.is_empty() {
            return Err(missing);
        }
        // Only alloying (Si + 4.4 Li -> 0.2 Li22Si5): no displacement, total is 0.
        let displacement_li = reaction.li_per_unit - alloyed_li;
        let per_mol_li = if displacement_li > 1e-9 {
            total / displacement_li
        } else {
            0.0
        };
        Ok(ReactionEnergy {
            per_mol_li,
            basis,
            alloys_left_out,
        })
    }
}

/// Li atoms per formula unit of `material` (0 without a formula).
fn li_count(material: &super::materials::Material) -> f64 {
    material
        .formula
        .as_ref()
        .and_then(|formula| formula.elements.iter().find(|(symbol, _)| symbol == "Li"))
        .map_or(0.0, |(_, count)| *count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sema::chemistry::Chemistry;

    fn energy(reactant: &str) -> ReactionEnergy {
        let chemistry = Chemistry::builtin();
        Thermo::builtin()
            .reaction_energy(&chemistry.reactions[reactant], &chemistry.materials)
            .unwrap_or_else(|e| panic!("{reactant}: {e:?}"))
    }

    /// The worked examples of spec/models.md.
    #[test]
    fn free_energies_per_mol_li() {
        // 2(-587.7) - (-1071.1) = -104.3 kJ for 2 Li.
        let mgf2 = energy("MgF2");
        assert!((mgf2.per_mol_li - -52.15).abs() < 0.01 && mgf2.alloys_left_out.is_empty());
        // (-561.2 - (-320.5)) / 2 Li of ZnO + 2 Li -> Li2O + Zn; LiZn then forms from Zn.
        let zno = energy("ZnO");
        assert!((zno.per_mol_li - -120.35).abs() < 0.01, "{zno:?}");
        assert_eq!(zno.alloys_left_out, ["LiZn"]);
        // Cu3N has an enthalpy only: (-164.6 - 88) / 3.
        let cu3n = energy("Cu3N");
        assert_eq!(cu3n.basis, Basis::Enthalpy);
        assert!((cu3n.per_mol_li - -84.2).abs() < 0.01);
        assert_eq!(
            cu3n.describe(),
            "ΔrG ≈ ΔrH = -84.2 kJ/mol Li (from enthalpies, no ΔfG tabulated)"
        );
        assert_eq!(
            zno.describe(),
            "ΔrG = -120.4 kJ/mol Li up to the metal (`LiZn` then forms from the metal and more Li: a stable alloy, downhill, no tabulated ΔfG)"
        );
        // 2(-561.2) - (-856.3) = -266.1 kJ for the 4 Li of SiO2 + 4 Li -> 2 Li2O + Si, not
        // for the 8.4 Li of the whole reaction (4.4 of them go into Li22Si5).
        let sio2 = energy("SiO2");
        assert!((sio2.per_mol_li - -66.525).abs() < 0.01, "{sio2:?}");
        assert_eq!(sio2.alloys_left_out, ["Li22Si5"]);
        // 3(-587.7) - (-1431.1) = -332.0 kJ for 3 Li; the fourth goes into LiAl.
        let alf3 = energy("AlF3");
        assert!((alf3.per_mol_li - -110.67).abs() < 0.01, "{alf3:?}");
    }

    /// Alloying a metal alone has no displacement: its energy is only known to be negative.
    #[test]
    fn alloying_alone_is_downhill_without_a_number() {
        let si = energy("Si");
        assert_eq!(si.per_mol_li, 0.0);
        assert!(si.describe().starts_with("ΔrG < 0"), "{}", si.describe());
    }

    #[test]
    fn unbalanced_or_untabulated_reactions_have_no_energy() {
        let chemistry = Chemistry::builtin();
        let thermo = Thermo::builtin();
        let of = |key: &str| thermo.reaction_energy(&chemistry.reactions[key], &chemistry.materials);
        assert_eq!(of("FEC"), Err(NoEnergy::Unbalanced));
        assert!(matches!(of("SnF2"), Err(NoEnergy::Missing(keys)) if keys == ["SnF2"]));
    }
}
