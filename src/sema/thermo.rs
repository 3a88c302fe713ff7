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
//!   tabulated value has ΔfG ≤ 0 from its elements, so leaving it out gives a bound: the
//!   reaction is *at least* that far downhill per mol Li of the whole reaction;
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
    /// Alloy products left out (their ΔfG ≤ 0): the true value is at most `per_mol_li`.
    pub alloys_left_out: Vec<String>,
}

impl ReactionEnergy {
    /// `ΔrG = -52.2 kJ/mol Li`, `ΔrG ≤ -80.2 kJ/mol Li (`LiZn` left out: ..)`,
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
        let relation = if alloys.is_empty() { "=" } else { "≤" };
        let mut why = Vec::new();
        if self.basis == Basis::Enthalpy {
            why.push("from enthalpies, no ΔfG tabulated".to_owned());
        }
        if !alloys.is_empty() {
            why.push(format!("`{alloys}` left out: a stable alloy only lowers it"));
        }
        let why = if why.is_empty() {
            String::new()
        } else {
            format!(" ({})", why.join("; "))
        };
        format!("{symbol} {relation} {:+.1} kJ/mol Li{why}", self.per_mol_li)
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
        match value(&reaction.reactant) {
            Some(v) => total -= v,
            None => missing.push(reaction.reactant.clone()),
        }
        for (coefficient, key) in &reaction.products {
            match value(key) {
                Some(v) => total += coefficient * v,
                None if db.lookup(key).is_some_and(|m| m.kind == "alloy") => alloys_left_out.push(key.clone()),
                None => missing.push(key.clone()),
            }
        }
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(ReactionEnergy {
            per_mol_li: total / reaction.li_per_unit,
            basis,
            alloys_left_out,
        })
    }
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
        // (-561.2 - (-320.5)) / 3 Li: LiZn's own formation only adds to it.
        let zno = energy("ZnO");
        assert!((zno.per_mol_li - -80.23).abs() < 0.01, "{zno:?}");
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
            "ΔrG ≤ -80.2 kJ/mol Li (`LiZn` left out: a stable alloy only lowers it)"
        );
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
