//! The model's data tables: `data/growth.tsv`, `data/electrochem.tsv`, `data/sei.tsv`,
//! `data/permeable.tsv` and `data/polymerisation.tsv` (the reactions
//! are chemistry, in `crate::sema::chemistry`), embedded at compile time like the materials table. A malformed
//! built-in table is a programming error; the unit tests below load and cross-check every
//! row, so the loaders may panic on one.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::sema::tsv::for_each_record;

const GROWTH_TSV: &str = include_str!("../../data/growth.tsv");
const ELECTROCHEM_TSV: &str = include_str!("../../data/electrochem.tsv");
const CONVERSION_TSV: &str = include_str!("../../data/conversion.tsv");
const SEI_TSV: &str = include_str!("../../data/sei.tsv");
const PERMEABLE_TSV: &str = include_str!("../../data/permeable.tsv");
const POLYMERISATION_TSV: &str = include_str!("../../data/polymerisation.tsv");

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

/// What happens to the upper bound past `t_ref` (`after_ref`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterRef {
    /// The film is not protective: the bound rises as t / t_ref.
    Grows,
    /// A source calls the reaction complete by `t_ref`: the bound stays.
    Saturates,
}

/// How growth starts (`onset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Onset {
    /// The rate never rises: the lower bound is min x t / t_ref before t_ref.
    Prompt,
    /// A source reports an induction or nucleation period: the lower bound is 0 before t_ref.
    Induction,
}

/// The reagent supply that bounds an immersion: solute delivered per area is at most
/// c x max(2 sqrt(D t / pi), D t / delta_min).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Supply {
    /// m2/s
    pub diffusivity: f64,
    /// m
    pub delta_min: f64,
}

/// One row of `data/growth.tsv` (its `source` column is for the people who review the
/// table; notes name the table instead).
#[derive(Debug, Clone, PartialEq)]
pub struct Growth {
    pub route: Route,
    /// The reagent's only reacting species the row is for; `None`: any.
    pub reactant: Option<String>,
    /// The step temperatures the numbers hold for, degC.
    pub t_min_c: Option<f64>,
    pub t_max_c: Option<f64>,
    /// At or below this pressure (Pa) nothing grows.
    pub p_min_pa: Option<f64>,
    pub t_ref_s: f64,
    pub min_m: f64,
    pub max_m: f64,
    pub onset: Onset,
    pub after_ref: AfterRef,
    /// Upper bound on the Li consumed, kg/(m2 s).
    pub max_li_rate: Option<f64>,
    pub supply: Option<Supply>,
    /// The columns whose values are assumed.
    pub assumed: Vec<String>,
}

impl Growth {
    /// Whether the row's numbers hold at `celsius`.
    pub fn covers(&self, celsius: f64) -> bool {
        self.t_min_c.is_none_or(|t| celsius >= t) && self.t_max_c.is_none_or(|t| celsius <= t)
    }
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

/// Where in the SEI a reduction product sits (`layer` of `data/sei.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SeiLayer {
    /// Inorganic-rich, next to the Li.
    Inner,
    /// Organic-rich, on the electrolyte side.
    Outer,
}

/// One row of `data/sei.tsv`: a reduction product of an electrolyte component.
#[derive(Debug, Clone, PartialEq)]
pub struct SeiProduct {
    /// A key of `data/materials.tsv`.
    pub product: String,
    /// The nominal share of the component's SEI Li that ends in this product.
    pub share: f64,
    pub assumed: bool,
    pub layer: SeiLayer,
}

#[derive(Debug)]
pub struct ModelData {
    /// The rows of `data/growth.tsv`, in the table's order.
    pub growth: Vec<Growth>,
    pub coulombic_efficiency: Parameter,
    /// A/m2: the current of a potentiostatic step that states none.
    pub potentiostatic_current: Parameter,
    /// The reduction products of each electrolyte component, by its key.
    pub sei: BTreeMap<String, Vec<SeiProduct>>,
    /// The 2D films Li+ crosses, with the thickest film (m) that still does.
    pub permeable: BTreeMap<String, f64>,
    pub conversion: ConversionData,
    /// The monomers a plasma turns into a polymer film, by monomer key.
    pub plasma_polymers: BTreeMap<String, Polymerisation>,
}

/// A row of `data/polymerisation.tsv`: the film a monomer leaves.
#[derive(Debug, Clone, PartialEq)]
pub struct Polymerisation {
    pub polymer: String,
    pub source: String,
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

    /// The rows for `route` and a reagent whose only reacting species is `reactant` (when
    /// there is one): the rows for that reactant if the table has any, else the route's
    /// general rows; in rising temperature.
    pub fn growth_rows(&self, route: Route, reactant: Option<&str>) -> Vec<&Growth> {
        let of = |wanted: Option<&str>| -> Vec<&Growth> {
            self.growth
                .iter()
                .filter(|g| g.route == route && g.reactant.as_deref() == wanted)
                .collect()
        };
        reactant
            .map(|r| of(Some(r)))
            .filter(|rows| !rows.is_empty())
            .unwrap_or_else(|| of(None))
    }

    fn load() -> ModelData {
        let mut growth = Vec::new();
        for_each_record(GROWTH_TSV, |record| {
            let name = record.get("route");
            let route = Route::NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map_or_else(|| malformed("growth", name, "route"), |(_, r)| *r);
            let optional = |column: &str| match record.get(column) {
                "" => None,
                text => Some(
                    text.parse::<f64>()
                        .unwrap_or_else(|_| malformed("growth", name, column)),
                ),
            };
            let number = |column: &str| optional(column).unwrap_or_else(|| malformed("growth", name, column));
            let onset = match record.get("onset") {
                "prompt" => Onset::Prompt,
                "induction" => Onset::Induction,
                _ => malformed("growth", name, "onset"),
            };
            let after_ref = match record.get("after_ref") {
                "grows" => AfterRef::Grows,
                "saturates" => AfterRef::Saturates,
                _ => malformed("growth", name, "after_ref"),
            };
            let supply = match (optional("D_m2_s"), optional("delta_min_um")) {
                (Some(diffusivity), Some(delta)) => Some(Supply {
                    diffusivity,
                    delta_min: delta * 1e-6,
                }),
                (None, None) => None,
                _ => malformed("growth", name, "supply (D_m2_s and delta_min_um go together)"),
            };
            growth.push(Growth {
                route,
                reactant: Some(record.get("reactant"))
                    .filter(|r| !r.is_empty())
                    .map(str::to_owned),
                t_min_c: optional("T_min_C"),
                t_max_c: optional("T_max_C"),
                p_min_pa: optional("p_min_Pa"),
                t_ref_s: number("t_ref_s"),
                min_m: number("min_nm") * 1e-9,
                max_m: number("max_nm") * 1e-9,
                onset,
                after_ref,
                // g/(cm2 min) -> kg/(m2 s)
                max_li_rate: optional("max_rate_g_cm2_min").map(|r| r * 1e-3 / 1e-4 / 60.0),
                supply,
                assumed: record.list("assumed"),
            });
        });
        let mut electrochem = parameters("electrochem", ELECTROCHEM_TSV);
        let mut conversion = parameters("conversion", CONVERSION_TSV);
        let take = |rows: &mut BTreeMap<String, Parameter>, table: &str, quantity: &str| {
            rows.remove(quantity)
                .unwrap_or_else(|| malformed(table, quantity, "row (missing)"))
        };
        let scaled = |p: Parameter, factor: f64| Parameter {
            nominal: p.nominal * factor,
            min: p.min * factor,
            max: p.max * factor,
            ..p
        };
        let mut sei: BTreeMap<String, Vec<SeiProduct>> = BTreeMap::new();
        for_each_record(SEI_TSV, |record| {
            let component = record.get("component");
            let share = record
                .get("share")
                .parse()
                .unwrap_or_else(|_| malformed("sei", component, "share"));
            let layer = match record.get("layer") {
                "inner" => SeiLayer::Inner,
                "outer" => SeiLayer::Outer,
                _ => malformed("sei", component, "layer"),
            };
            sei.entry(component.to_owned()).or_default().push(SeiProduct {
                product: record.get("product").to_owned(),
                share,
                assumed: record.get("assumed") == "yes",
                layer,
            });
        });
        let mut plasma_polymers = BTreeMap::new();
        for_each_record(POLYMERISATION_TSV, |record| {
            let monomer = record.get("monomer");
            if record.get("route") != "plasma" {
                malformed::<()>("polymerisation", monomer, "route");
            }
            plasma_polymers.insert(
                monomer.to_owned(),
                Polymerisation {
                    polymer: record.get("polymer").to_owned(),
                    source: record.get("source").to_owned(),
                },
            );
        });
        let mut permeable = BTreeMap::new();
        for_each_record(PERMEABLE_TSV, |record| {
            let material = record.get("material");
            let max_nm: f64 = record
                .get("max_nm")
                .parse()
                .unwrap_or_else(|_| malformed("permeable", material, "max_nm"));
            permeable.insert(material.to_owned(), max_nm * 1e-9);
        });
        ModelData {
            growth,
            coulombic_efficiency: take(&mut electrochem, "electrochem", "coulombic_efficiency"),
            // mA/cm2 in the table: 1 mA/cm2 = 10 A/m2.
            potentiostatic_current: scaled(
                take(&mut electrochem, "electrochem", "potentiostatic_current_density"),
                10.0,
            ),
            sei,
            permeable,
            plasma_polymers,
            conversion: ConversionData {
                contact_threshold: take(&mut conversion, "conversion", "contact_threshold_kJ_per_mol_Li"),
                penetration_depth: scaled(take(&mut conversion, "conversion", "penetration_depth_nm"), 1e-9),
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
            assert!(
                !data.growth_rows(route, None).is_empty(),
                "data/growth.tsv has no general `{}` row",
                route.name()
            );
        }
        let columns = [
            "t_ref_s",
            "min_nm",
            "max_nm",
            "max_rate_g_cm2_min",
            "D_m2_s",
            "delta_min_um",
            "p_min_Pa",
        ];
        for growth in &data.growth {
            let name = growth.route.name();
            assert!(
                0.0 < growth.min_m && growth.min_m <= growth.max_m && growth.t_ref_s > 0.0,
                "{name}"
            );
            assert!(
                growth.assumed.iter().all(|c| columns.contains(&c.as_str())),
                "{name}: {:?}",
                growth.assumed
            );
            assert_eq!(growth.supply.is_some(), growth.route == Route::Liquid, "{name}: supply");
            if let Some(reactant) = &growth.reactant {
                assert!(
                    crate::sema::materials::MaterialDb::builtin().lookup(reactant).is_some(),
                    "{name}: `{reactant}`"
                );
            }
        }
        // The rows of one route and reactant follow each other in temperature.
        for group in data
            .growth
            .chunk_by(|a, b| a.route == b.route && a.reactant == b.reactant)
        {
            for pair in group.windows(2) {
                assert!(
                    pair[0].t_max_c.is_some() && pair[0].t_max_c == pair[1].t_min_c,
                    "{}: temperature ranges",
                    pair[0].route.name()
                );
            }
        }
        let ce = &data.coulombic_efficiency;
        assert!(0.0 < ce.min && ce.min <= ce.nominal && ce.nominal <= ce.max && ce.max <= 1.0);
        let conversion = &data.conversion;
        let threshold = &conversion.contact_threshold;
        assert!(threshold.min <= threshold.nominal && threshold.nominal <= threshold.max && threshold.max < 0.0);
        let depth = &conversion.penetration_depth;
        assert!(0.0 < depth.min && depth.min <= depth.nominal && depth.nominal <= depth.max);
        let j = &data.potentiostatic_current;
        assert!(0.0 < j.min && j.min <= j.nominal && j.nominal <= j.max);
    }

    #[test]
    fn every_plasma_polymer_is_a_polymer_of_the_table_with_its_own_growth_row() {
        let db = crate::sema::materials::MaterialDb::builtin();
        let data = ModelData::builtin();
        assert!(!data.plasma_polymers.is_empty());
        for (monomer, row) in &data.plasma_polymers {
            assert!(db.lookup(monomer).is_some(), "{monomer}");
            let polymer = db.lookup(&row.polymer).unwrap_or_else(|| panic!("{}", row.polymer));
            assert_eq!(polymer.kind, "polymer", "{monomer}");
            assert!(polymer.density_g_cm3.is_some(), "{monomer}: its film needs a density");
            let rows = data.growth_rows(Route::Plasma, Some(monomer));
            assert!(
                rows.iter().all(|g| g.reactant.as_deref() == Some(monomer.as_str())),
                "{monomer}"
            );
            assert!(
                rows.iter().all(|g| g.after_ref == AfterRef::Grows),
                "{monomer}: a deposit keeps growing"
            );
        }
    }

    #[test]
    fn every_sei_product_is_a_material_with_a_volume_and_the_shares_add_up() {
        let db = crate::sema::materials::MaterialDb::builtin();
        let data = ModelData::builtin();
        for (component, products) in &data.sei {
            assert!(db.lookup(component).is_some_and(|m| m.key == *component), "{component}");
            let total: f64 = products.iter().map(|p| p.share).sum();
            assert!((total - 1.0).abs() < 1e-9, "{component}: shares add up to {total}");
            for product in products {
                let material = db
                    .lookup(&product.product)
                    .unwrap_or_else(|| panic!("{}", product.product));
                assert!(material.density_g_cm3.is_some() && material.molar_mass_g_mol.is_some());
                let li = material
                    .formula
                    .as_ref()
                    .and_then(|f| f.elements.iter().find(|(e, _)| e == "Li"));
                assert!(li.is_some(), "{} holds no Li", product.product);
            }
        }
        // The rows' ranges hold their nominal shares.
        for_each_record(SEI_TSV, |record| {
            let number = |column: &str| record.get(column).parse::<f64>().unwrap();
            let (share, min, max) = (number("share"), number("min"), number("max"));
            assert!(
                0.0 <= min && min <= share && share <= max && max <= 1.0,
                "{}",
                record.get("product")
            );
        });
        for material in data.permeable.keys() {
            assert!(db.lookup(material).is_some(), "{material}");
        }
    }
}
