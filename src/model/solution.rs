//! Reagent solutions: how much of each solute a solution holds, as a molar concentration
//! (how the reactions of a solution share its solutes) or as a volume fraction of solid
//! (the dry thickness of a cast film).
//!
//! Amounts come as a recipe writes them (`reagent.components[i].amount`): molar (`0.1 M`),
//! mass concentration (`0.5 mg/mL`), mass fraction (`5 wt%`) or volume fraction (`5 vol%`).
//! Densities and molar masses come from `data/materials.tsv`.

use super::layer::{Caveats, molar_mass};
use crate::sema::materials::MaterialDb;
use crate::sema::program::{Component, Reagent};
use crate::sema::units::Dimension;

/// How a solute's amount is given.
enum Amount {
    /// mol/m3
    Molar(f64),
    /// kg/m3
    MassConcentration(f64),
    MassFraction(f64),
    VolumeFraction(f64),
}

fn amount(component: &Component) -> Option<Amount> {
    let value = component.amount?;
    let dimension = value.dimension;
    if dimension == const { Dimension::called("molar concentration") } {
        Some(Amount::Molar(value.si))
    } else if dimension == const { Dimension::called("mass concentration") } {
        Some(Amount::MassConcentration(value.si))
    } else if dimension == const { Dimension::called("mass fraction") } {
        Some(Amount::MassFraction(value.si))
    } else if dimension == const { Dimension::called("volume fraction") } {
        Some(Amount::VolumeFraction(value.si))
    } else {
        None
    }
}

/// The solvent's density (kg/m3): the mean of the solvents' densities when there are
/// several (equal volumes assumed), with the flags behind it.
fn solvent_density(reagent: &Reagent, db: &MaterialDb, caveats: &mut Caveats) -> Option<f64> {
    let densities: Option<Vec<f64>> = reagent
        .solvents
        .iter()
        .map(|key| {
            let material = db.lookup(key)?;
            if material.is_unverified("density_g_cm3") {
                caveats.unverified([format!("density of `{key}`")]);
            }
            material.density_g_cm3
        })
        .collect();
    let densities = densities.filter(|d| !d.is_empty())?;
    if densities.len() > 1 {
        caveats.assume(format!("{} taken as equal volumes", reagent.solvents.join("/")));
    }
    Some(densities.iter().sum::<f64>() / densities.len() as f64 * 1e3)
}

/// Molar concentration of a solute, mol/m3. A mass fraction is converted with the solvent's
/// density (a dilute solution), and the flags record what that rests on.
pub fn molar_concentration(
    reagent: &Reagent,
    component: &Component,
    db: &MaterialDb,
    caveats: &mut Caveats,
) -> Option<f64> {
    let material = db.lookup(&component.material)?;
    let molar_mass_kg = molar_mass(material)? * 1e-3;
    match amount(component)? {
        Amount::Molar(c) => Some(c),
        Amount::MassConcentration(rho) => Some(rho / molar_mass_kg),
        Amount::MassFraction(w) => {
            let solvent = solvent_density(reagent, db, caveats)?;
            caveats.assume("solution density taken as the solvent's (dilute solution)");
            Some(w * solvent / molar_mass_kg)
        }
        Amount::VolumeFraction(phi) => Some(phi * material.density_g_cm3? * 1e3 / molar_mass_kg),
    }
}

/// The molar concentration (mol/m3) of each solvent of a solution: its neat density over
/// its molar mass, shared by the solvents as equal volumes; `None` for a solvent without
/// a density or molar mass.
pub fn solvent_concentrations(reagent: &Reagent, db: &MaterialDb, caveats: &mut Caveats) -> Vec<(String, Option<f64>)> {
    let share = 1.0 / reagent.solvents.len().max(1) as f64;
    if reagent.solvents.len() > 1 {
        caveats.assume(format!("{} taken as equal volumes", reagent.solvents.join("/")));
    }
    reagent
        .solvents
        .iter()
        .map(|key| {
            let concentration = db.lookup(key).and_then(|material| {
                if material.is_unverified("density_g_cm3") {
                    caveats.unverified([format!("density of `{key}`")]);
                }
                Some(material.density_g_cm3? * 1e3 / (molar_mass(material)? * 1e-3) * share)
            });
            (key.clone(), concentration)
        })
        .collect()
}

/// Volume fraction of a solute in the solution: the share of a wet film's thickness it
/// leaves once the solvent is gone.
pub fn volume_fraction(
    reagent: &Reagent,
    component: &Component,
    db: &MaterialDb,
    caveats: &mut Caveats,
) -> Option<f64> {
    let material = db.lookup(&component.material)?;
    let density = material.density_g_cm3? * 1e3;
    if material.is_unverified("density_g_cm3") {
        caveats.unverified([format!("density of `{}`", material.key)]);
    }
    match amount(component)? {
        Amount::Molar(c) => Some(c * molar_mass(material)? * 1e-3 / density),
        Amount::MassConcentration(rho) => Some(rho / density),
        // Volumes add: w / rho_s of solute per (w / rho_s + (1 - w) / rho_solvent) of solution.
        Amount::MassFraction(w) => {
            let solvent = solvent_density(reagent, db, caveats)?;
            Some((w / density) / (w / density + (1.0 - w) / solvent))
        }
        Amount::VolumeFraction(phi) => Some(phi),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sema::program::Value;
    use crate::span::Span;

    fn reagent(material: &str, value: f64, dimension: &str, solvents: &[&str]) -> Reagent {
        let dimension = Dimension::named(dimension).unwrap();
        Reagent {
            name: "r".into(),
            components: vec![Component {
                material: material.into(),
                amount: Some(Value {
                    si: value,
                    dimension,
                    unit: None,
                    span: Span::new(0, 0),
                }),
            }],
            solvents: solvents.iter().map(|s| (*s).to_owned()).collect(),
            span: Span::new(0, 0),
        }
    }

    #[test]
    fn a_mass_fraction_becomes_a_volume_fraction() {
        let db = MaterialDb::builtin();
        let r = reagent("PVDF-HFP", 0.05, "mass fraction", &["NMP"]);
        let mut caveats = Caveats::default();
        let phi = volume_fraction(&r, &r.components[0], db, &mut caveats).unwrap();
        let expected = (0.05 / 1.77) / (0.05 / 1.77 + 0.95 / 1.023);
        assert!((phi - expected).abs() < 1e-12);
        assert_eq!(caveats.unverified, [std::sync::Arc::from("density of `PVDF-HFP`")]);
    }

    #[test]
    fn neat_solvents_share_the_volume() {
        let db = MaterialDb::builtin();
        let r = reagent("LiPF6", 1000.0, "molar concentration", &["EC", "DMC"]);
        let mut caveats = Caveats::default();
        let c = solvent_concentrations(&r, db, &mut caveats);
        assert!((c[0].1.unwrap() - 1321.0 / 88.06e-3 / 2.0).abs() < 1e-6, "{c:?}");
        assert!((c[1].1.unwrap() - 1063.6 / 90.08e-3 / 2.0).abs() < 1e-6, "{c:?}");
        assert_eq!(caveats.assumed.len(), 1);
    }

    #[test]
    fn molar_amounts_convert_both_ways() {
        let db = MaterialDb::builtin();
        let r = reagent("SnF2", 100.0, "molar concentration", &["DMSO"]);
        let mut caveats = Caveats::default();
        assert_eq!(molar_concentration(&r, &r.components[0], db, &mut caveats), Some(100.0));
        let phi = volume_fraction(&r, &r.components[0], db, &mut caveats).unwrap();
        assert!((phi - 100.0 * 156.71e-3 / 4570.0).abs() < 1e-12);
        let r = reagent("LiNO3", 0.05, "mass fraction", &["DOL", "DME"]);
        let c = molar_concentration(&r, &r.components[0], db, &mut caveats).unwrap();
        assert!((c - 0.05 * (1060.0 + 864.0) / 2.0 / 68.94e-3).abs() < 1e-9);
    }
}
