//! The model's data tables: `data/growth.tsv` and `data/electrochem.tsv` (the reactions
//! are chemistry, in `crate::sema::chemistry`), embedded at compile time like the materials table. A malformed
//! built-in table is a programming error; the unit tests below load and cross-check every
//! row, so the loaders may panic on one.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::sema::tsv::for_each_record;

const GROWTH_TSV: &str = include_str!("../../data/growth.tsv");
const ELECTROCHEM_TSV: &str = include_str!("../../data/electrochem.tsv");
const CONVERSION_TSV: &str = include_str!("../../data/conversion.tsv");

/// The growth routes of `data/growth.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Route {
    Gas,
    MoltenGas,
    Plasma,
    Liquid,
    Solid,
}

impl Route {
    const NAMES: [(&'static str, Route); 5] = [
        ("gas", Route::Gas),
        ("molten_gas", Route::MoltenGas),
        ("plasma", Route::Plasma),
        ("liquid", Route::Liquid),
        ("solid", Route::Solid),
    ];

    pub fn name(self) -> &'static str {
        Route::NAMES
            .iter()
            .find(|(_, route)| *route == self)
            .map_or("", |(name, _)| name)
    }
}

/// One row of `data/growth.tsv`: a self-limiting layer thickness range. (Its `source`
/// column is for the people who review the table; notes name the table instead.)
#[derive(Debug, Clone, PartialEq)]
pub struct Growth {
    pub min_m: f64,
    pub max_m: f64,
    /// Steps shorter than this (seconds) may leave the layer incomplete.
    pub complete_after_s: Option<f64>,
    pub assumed: bool,
}

/// A parameter of `data/electrochem.tsv` (its `source` column, as above, is for reviewers).
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub nominal: f64,
    pub min: f64,
    pub max: f64,
    pub assumed: bool,
}

/// The parameters of `data/conversion.tsv` (spec/models.md, section 4).
#[derive(Debug)]
pub struct ConversionData {
    /// kJ per mol Li: a reaction at or below it runs on contact.
    pub contact_threshold: Parameter,
    /// m: the insulating film through which contact conversion goes on.
    pub penetration_depth: Parameter,
    /// The volume fraction at which a conducting phase percolates.
    pub percolation_fraction: f64,
}

#[derive(Debug)]
pub struct ModelData {
    pub growth: BTreeMap<Route, Growth>,
    pub coulombic_efficiency: Parameter,
    pub conversion: ConversionData,
}

/// The rows of a parameter table (`quantity nominal min max assumed source`), by quantity.
fn parameters(table: &'static str, text: &str) -> BTreeMap<String, Parameter> {
    let mut rows = BTreeMap::new();
    for_each_record(text, |record| {
        let quantity = record.get("quantity");
        let number = |column: &str| {
            record
                .get(column)
                .parse::<f64>()
                .unwrap_or_else(|_| malformed(table, quantity, column))
        };
        rows.insert(
            quantity.to_owned(),
            Parameter {
                nominal: number("nominal"),
                min: number("min"),
                max: number("max"),
                assumed: record.get("assumed") == "yes",
            },
        );
    });
    rows
}

impl ModelData {
    pub fn builtin() -> &'static ModelData {
        static DATA: OnceLock<ModelData> = OnceLock::new();
        DATA.get_or_init(ModelData::load)
    }

    fn load() -> ModelData {
        let mut growth = BTreeMap::new();
        for_each_record(GROWTH_TSV, |record| {
            let name = record.get("route");
            let route = Route::NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map_or_else(|| malformed("growth", name, "route"), |(_, r)| *r);
            if record.get("law") != "self_limiting" {
                malformed::<()>("growth", name, "law (only self_limiting is implemented)");
            }
            let nm = |column: &str| {
                record
                    .get(column)
                    .parse::<f64>()
                    .map(|v| v * 1e-9)
                    .unwrap_or_else(|_| malformed("growth", name, column))
            };
            let complete_after_s = match record.get("complete_after") {
                "" => None,
                text => Some(
                    text.parse()
                        .unwrap_or_else(|_| malformed("growth", name, "complete_after")),
                ),
            };
            growth.insert(
                route,
                Growth {
                    min_m: nm("min_nm"),
                    max_m: nm("max_nm"),
                    complete_after_s,
                    assumed: record.get("assumed") == "yes",
                },
            );
        });
        let mut electrochem = parameters("electrochem", ELECTROCHEM_TSV);
        let mut conversion = parameters("conversion", CONVERSION_TSV);
        let take = |rows: &mut BTreeMap<String, Parameter>, table: &str, quantity: &str| {
            rows.remove(quantity)
                .unwrap_or_else(|| malformed(table, quantity, "row (missing)"))
        };
        let depth = take(&mut conversion, "conversion", "penetration_depth_nm");
        ModelData {
            growth,
            coulombic_efficiency: take(&mut electrochem, "electrochem", "coulombic_efficiency"),
            conversion: ConversionData {
                contact_threshold: take(&mut conversion, "conversion", "contact_threshold_kJ_per_mol_Li"),
                penetration_depth: Parameter {
                    nominal: depth.nominal * 1e-9,
                    min: depth.min * 1e-9,
                    max: depth.max * 1e-9,
                    assumed: depth.assumed,
                },
                percolation_fraction: take(&mut conversion, "conversion", "percolation_fraction").nominal,
            },
        }
    }
}

/// Reports a defect of a built-in table (see the module comment).
fn malformed<T>(table: &str, row: &str, what: &str) -> T {
    panic!("data/{table}.tsv: `{row}`: bad {what}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_load() {
        let data = ModelData::builtin();
        for route in Route::NAMES.map(|(_, r)| r) {
            let growth = data
                .growth
                .get(&route)
                .unwrap_or_else(|| panic!("data/growth.tsv has no `{}`", route.name()));
            assert!(0.0 < growth.min_m && growth.min_m <= growth.max_m, "{}", route.name());
        }
        let ce = &data.coulombic_efficiency;
        assert!(0.0 < ce.min && ce.min <= ce.nominal && ce.nominal <= ce.max && ce.max <= 1.0);
        let conversion = &data.conversion;
        let threshold = &conversion.contact_threshold;
        assert!(threshold.min <= threshold.nominal && threshold.nominal <= threshold.max && threshold.max < 0.0);
        let depth = &conversion.penetration_depth;
        assert!(0.0 < depth.min && depth.min <= depth.nominal && depth.nominal <= depth.max);
    }
}
