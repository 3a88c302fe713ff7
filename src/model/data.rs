//! The model's data tables: `data/reactions.tsv`, `data/growth.tsv` and
//! `data/electrochem.tsv`, embedded at compile time like the materials table. A malformed
//! built-in table is a programming error; the unit tests below load and cross-check every
//! row, so the loaders may panic on one.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::sema::tsv::for_each_record;

const REACTIONS_TSV: &str = include_str!("../../data/reactions.tsv");
const GROWTH_TSV: &str = include_str!("../../data/growth.tsv");
const ELECTROCHEM_TSV: &str = include_str!("../../data/electrochem.tsv");

/// How the products of a conversion lie on the foil.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrangement {
    /// Separate layers, bottom to top in the order of the products.
    Layers,
    /// One mixed layer.
    Composite,
}

/// What makes a precursor layer on Li convert.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trigger {
    /// As soon as it touches Li.
    Contact,
    /// A step at or above this temperature, kelvin.
    Anneal(f64),
    /// A step hot enough to melt the Li.
    Molten,
    /// An electrochemical step: Li plated through or under it.
    Plating,
    /// A mechanical step pressing it into the Li.
    Pressing,
}

impl Trigger {
    fn parse(text: &str) -> Option<Trigger> {
        match text {
            "contact" => Some(Trigger::Contact),
            "molten" => Some(Trigger::Molten),
            "plating" => Some(Trigger::Plating),
            "pressing" => Some(Trigger::Pressing),
            _ => {
                let celsius: f64 = text.strip_prefix("anneal:")?.parse().ok()?;
                Some(Trigger::Anneal(celsius + 273.15))
            }
        }
    }

    /// How a note names the trigger.
    pub fn describe(self) -> String {
        match self {
            Trigger::Contact => "on contact with Li".to_owned(),
            Trigger::Anneal(kelvin) => format!(
                "on heating to {} degC or above",
                crate::sema::units::trim_number(kelvin - 273.15)
            ),
            Trigger::Molten => "when the Li is molten".to_owned(),
            Trigger::Plating => "when Li is plated (an electrochemical step)".to_owned(),
            Trigger::Pressing => "when pressed into the Li (a mechanical step)".to_owned(),
        }
    }
}

/// One row of `data/reactions.tsv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reaction {
    pub reactant: String,
    pub li_per_unit: f64,
    /// (coefficient, material key) per formula unit of the reactant.
    pub products: Vec<(f64, String)>,
    pub arrangement: Arrangement,
    pub when: Vec<Trigger>,
    pub extent_min: f64,
    pub unbalanced: Vec<String>,
    pub source: String,
    /// The equation as notes show it, written once when the table is loaded.
    equation: String,
}

impl Reaction {
    /// `MgF2 + 2 Li -> 2 LiF + Mg`.
    pub fn equation(&self) -> &str {
        &self.equation
    }

    fn write_equation(&self) -> String {
        let count = |n: f64| {
            if n == 1.0 {
                String::new()
            } else {
                format!("{} ", crate::sema::units::trim_number(n))
            }
        };
        let products: Vec<String> = self
            .products
            .iter()
            .map(|(n, key)| format!("{}{key}", count(*n)))
            .collect();
        format!(
            "{} + {}Li -> {}",
            self.reactant,
            count(self.li_per_unit),
            products.join(" + ")
        )
    }
}

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
    pub reactions: BTreeMap<String, Reaction>,
    pub growth: BTreeMap<Route, Growth>,
    pub coulombic_efficiency: Parameter,
}

impl ModelData {
    pub fn builtin() -> &'static ModelData {
        static DATA: OnceLock<ModelData> = OnceLock::new();
        DATA.get_or_init(ModelData::load)
    }

    fn load() -> ModelData {
        let mut reactions = BTreeMap::new();
        for_each_record(REACTIONS_TSV, |record| {
            let reactant = record.get("reactant").to_owned();
            let row = reactant.as_str();
            let products = record
                .get("products")
                .split('|')
                .map(|entry| {
                    let (count, key) = entry
                        .trim()
                        .split_once(' ')
                        .unwrap_or_else(|| malformed("reactions", row, "products"));
                    (
                        count
                            .parse()
                            .unwrap_or_else(|_| malformed("reactions", row, "product coefficient")),
                        key.to_owned(),
                    )
                })
                .collect();
            let mut reaction = Reaction {
                li_per_unit: record
                    .get("li_per_unit")
                    .parse()
                    .unwrap_or_else(|_| malformed("reactions", row, "li_per_unit")),
                products,
                arrangement: match record.get("arrangement") {
                    "layers" => Arrangement::Layers,
                    "composite" => Arrangement::Composite,
                    _ => malformed("reactions", row, "arrangement"),
                },
                when: list(record.get("when"))
                    .map(|t| Trigger::parse(t).unwrap_or_else(|| malformed("reactions", row, "when")))
                    .collect(),
                extent_min: record
                    .get("extent_min")
                    .parse()
                    .unwrap_or_else(|_| malformed("reactions", row, "extent_min")),
                unbalanced: list(record.get("unbalanced")).map(str::to_owned).collect(),
                source: record.get("source").to_owned(),
                reactant: reactant.clone(),
                equation: String::new(),
            };
            reaction.equation = reaction.write_equation();
            reactions.insert(reactant, reaction);
        });
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
            reactions,
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

fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split('|').map(str::trim).filter(|item| !item.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sema::materials::MaterialDb;

    /// Element counts of a material's formula, for the balance check.
    fn elements(db: &MaterialDb, key: &str) -> Option<BTreeMap<String, f64>> {
        let formula = db.lookup(key)?.formula.as_ref()?;
        Some(formula.elements.iter().cloned().collect())
    }

    /// The element imbalance of a reaction, products minus reactants, per element (Li
    /// included); `None` when a formula is missing.
    fn imbalance(reaction: &Reaction, db: &MaterialDb) -> Option<BTreeMap<String, f64>> {
        let mut balance: BTreeMap<String, f64> = BTreeMap::new();
        for (symbol, count) in elements(db, &reaction.reactant)? {
            *balance.entry(symbol).or_default() -= count;
        }
        *balance.entry("Li".to_owned()).or_default() -= reaction.li_per_unit;
        for (coefficient, key) in &reaction.products {
            for (symbol, count) in elements(db, key)? {
                *balance.entry(symbol).or_default() += coefficient * count;
            }
        }
        Some(balance)
    }

    #[test]
    fn the_tables_load_and_name_known_materials() {
        let data = ModelData::builtin();
        let db = MaterialDb::builtin();
        assert!(data.reactions.len() >= 20);
        for reaction in data.reactions.values() {
            for key in std::iter::once(&reaction.reactant).chain(reaction.products.iter().map(|(_, k)| k)) {
                let material = db
                    .lookup(key)
                    .unwrap_or_else(|| panic!("data/reactions.tsv names unknown `{key}`"));
                assert_eq!(&material.key, key, "use the key, not an alias: `{key}`");
            }
            for (_, product) in &reaction.products {
                let material = db.lookup(product).unwrap_or_else(|| panic!("{product}"));
                assert!(
                    material.density_g_cm3.is_some(),
                    "{}: product `{product}` has no density",
                    reaction.reactant
                );
                assert!(
                    material.computed_molar_mass().is_some(),
                    "{}: product `{product}` has no molar mass",
                    reaction.reactant
                );
            }
            assert!((0.0..=1.0).contains(&reaction.extent_min), "{}", reaction.reactant);
            assert!(
                reaction.arrangement == Arrangement::Composite || reaction.extent_min == 1.0,
                "{}: separate product layers need a complete conversion",
                reaction.reactant
            );
        }
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

    #[test]
    fn every_reaction_balances_its_elements() {
        let db = MaterialDb::builtin();
        for reaction in ModelData::builtin().reactions.values() {
            let balance =
                imbalance(reaction, db).unwrap_or_else(|| panic!("{}: a formula is missing", reaction.reactant));
            for (symbol, excess) in balance {
                if reaction.unbalanced.contains(&symbol) {
                    continue;
                }
                // The table rounds 1/3 and 13/3 to six decimals.
                assert!(
                    excess.abs() < 1e-5,
                    "{}: {symbol} is off by {excess}",
                    reaction.equation()
                );
            }
        }
    }

    #[test]
    fn equations_read_like_chemistry() {
        let data = ModelData::builtin();
        assert_eq!(data.reactions["MgF2"].equation(), "MgF2 + 2 Li -> 2 LiF + Mg");
        assert_eq!(data.reactions["Cu3N"].equation(), "Cu3N + 3 Li -> Li3N + 3 Cu");
        assert_eq!(Trigger::parse("anneal:250"), Some(Trigger::Anneal(523.15)));
        assert_eq!(Trigger::Anneal(523.15).describe(), "on heating to 250 degC or above");
    }
}
