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

use super::data::Reaction;
use super::layer::{merge, molar_volume};
use crate::sema::materials::MaterialDb;

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
    pub unverified: Vec<String>,
}

impl Stoichiometry {
    /// Reads the volumes of a reaction's reactant, products and Li from the materials table.
    pub fn of(reaction: &Reaction, db: &MaterialDb) -> Result<Stoichiometry, String> {
        let mut unverified = Vec::new();
        let (li, flags) = molar_volume(db, "Li")?;
        merge(&mut unverified, flags);
        let reactant_volume = match molar_volume(db, &reaction.reactant) {
            Ok((volume, flags)) => {
                merge(&mut unverified, flags);
                Some(volume)
            }
            Err(_) => None,
        };
        let mut products = Vec::with_capacity(reaction.products.len());
        for (coefficient, key) in &reaction.products {
            let (volume, flags) = molar_volume(db, key)?;
            merge(&mut unverified, flags);
            products.push((key.clone(), coefficient * volume));
        }
        Ok(Stoichiometry { reactant_volume, products, li_volume: reaction.li_per_unit * li, unverified })
    }

    pub fn product_volume(&self) -> f64 {
        self.products.iter().map(|(_, v)| v).sum()
    }

    /// Converts a reactant layer of thickness `t` (m): the product thicknesses and the Li
    /// consumed, in m. `None` when the reactant has no molar volume (no density).
    pub fn convert(&self, t: f64) -> Option<(Vec<(String, f64)>, f64)> {
        let moles = t / self.reactant_volume?;
        let products = self.products.iter().map(|(key, volume)| (key.clone(), moles * volume)).collect();
        Some((products, moles * self.li_volume))
    }

    /// Dense Li consumed per unit thickness of the product layer.
    pub fn li_per_product_thickness(&self) -> f64 {
        let volume = self.product_volume();
        if volume > 0.0 { self.li_volume / volume } else { 0.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::data::ModelData;

    fn convert(reactant: &str, t: f64) -> (Vec<(String, f64)>, f64) {
        let data = ModelData::builtin();
        let stoichiometry = Stoichiometry::of(&data.reactions[reactant], MaterialDb::builtin()).unwrap();
        stoichiometry.convert(t).unwrap()
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
        let data = ModelData::builtin();
        let n2 = Stoichiometry::of(&data.reactions["N2"], MaterialDb::builtin()).unwrap();
        // 6 Li (6 x 12.996 cm3/mol) per 2 Li3N (2 x 27.425 cm3/mol).
        assert!((n2.li_per_product_thickness() - 6.0 * 6.94 / 0.534 / (2.0 * 34.83 / 1.27)).abs() < 1e-9);
        assert!(n2.convert(1e-9).is_some(), "N2 has a gas density in the table");
    }
}
