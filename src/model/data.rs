//! The model's data tables: `data/growth.tsv` and `data/electrochem.tsv` (the reactions
//! are chemistry, in `crate::sema::chemistry`), embedded at compile time like the materials table. A malformed
//! built-in table is a programming error; the unit tests below load and cross-check every
//! row, so the loaders may panic on one.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::sema::tsv::for_each_record;

const GROWTH_TSV: &str = include_str!("../../data/growth.tsv");
const ELECTROCHEM_TSV: &str = include_str!("../../data/electrochem.tsv");

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

#[derive(Debug)]
pub struct ModelData {
    pub growth: BTreeMap<Route, Growth>,
    pub coulombic_efficiency: Parameter,
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
        let mut coulombic_efficiency = None;
        for_each_record(ELECTROCHEM_TSV, |record| {
            let number = |column: &str| {
                record
                    .get(column)
                    .parse::<f64>()
                    .unwrap_or_else(|_| panic!("data/electrochem.tsv: bad {column}"))
            };
            let parameter = Parameter {
                nominal: number("nominal"),
                min: number("min"),
                max: number("max"),
                assumed: record.get("assumed") == "yes",
            };
            if record.get("quantity") == "coulombic_efficiency" {
                coulombic_efficiency = Some(parameter);
            }
        });
        ModelData {
            growth,
            coulombic_efficiency: coulombic_efficiency
                .unwrap_or_else(|| panic!("data/electrochem.tsv: no coulombic_efficiency")),
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
    }
}
