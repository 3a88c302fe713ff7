//! Charge conservation of the electrochemical model over random plate/strip sequences:
//! the Li stripped, the Li left in the SEI's products and the Li plated add up to the
//! charge passed over F, within 0.1 %. The SEI's Li is counted from its layers (thickness,
//! volume shares, the table's densities and molar masses, the Li atoms of each formula),
//! not from the model's own tally.

use proptest::prelude::*;
use seip::sema::materials::MaterialDb;

/// Faraday's constant (CODATA 2018, exact) and Li's molar mass and density
/// (data/materials.tsv), copied so that the hand calculation is independent of the model.
const FARADAY: f64 = 96_485.332_12;
const M_LI: f64 = 6.94;
const RHO_LI: f64 = 0.534;

/// Dense Li (m) moved by an areal capacity in mAh/cm2 (36 000 C/m2 each).
fn li_for(capacity_mah_cm2: f64) -> f64 {
    capacity_mah_cm2 * 36_000.0 / FARADAY * M_LI * 1e-3 / (RHO_LI * 1e3)
}

const ELECTROLYTES: [&str; 3] = [
    "LiTFSI 1.0 M + LiNO3 2 wt% in DOL/DME",
    "LiPF6 1.0 M + FEC 10 vol% in EC/DMC",
    "LiFSI 1.0 M in DME",
];

#[derive(Debug, Clone)]
enum Step {
    Plate {
        capacity: f64,
        electrolyte: usize,
    },
    Strip {
        capacity: f64,
        electrolyte: usize,
    },
    Cycle {
        capacity: f64,
        cycles: u32,
        electrolyte: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let capacity = 0.05f64..3.0;
    let electrolyte = 0usize..ELECTROLYTES.len();
    prop_oneof![
        (capacity.clone(), electrolyte.clone())
            .prop_map(|(capacity, electrolyte)| Step::Plate { capacity, electrolyte }),
        (capacity.clone(), electrolyte.clone())
            .prop_map(|(capacity, electrolyte)| Step::Strip { capacity, electrolyte }),
        (capacity, 1u32..6, electrolyte).prop_map(|(capacity, cycles, electrolyte)| Step::Cycle {
            capacity,
            cycles,
            electrolyte
        }),
    ]
}

/// The recipe, and the Li (m) its charge plates and strips by Faraday's law.
fn recipe(steps: &[Step]) -> (String, f64, f64) {
    let mut text = String::from(
        "protocol \"p\" {\n    substrate li: Li foil { thickness: 1000 um, area: 1 cm2 }\n    tool cell: electrochem_cell in glovebox\n",
    );
    for (i, electrolyte) in ELECTROLYTES.iter().enumerate() {
        text.push_str(&format!("    reagent e{i} = {electrolyte}\n"));
    }
    let (mut plated, mut stripped) = (0.0, 0.0);
    for (i, step) in steps.iter().enumerate() {
        let line = match step {
            Step::Plate { capacity, electrolyte } => {
                plated += li_for(*capacity);
                format!(
                    "electroplate in e{electrolyte} at 1 mA/cm2 using cell {{ areal_capacity: {capacity:.6} mAh/cm2 }}"
                )
            }
            Step::Strip { capacity, electrolyte } => {
                stripped += li_for(*capacity);
                format!("strip in e{electrolyte} at 1 mA/cm2 using cell {{ areal_capacity: {capacity:.6} mAh/cm2 }}")
            }
            Step::Cycle {
                capacity,
                cycles,
                electrolyte,
            } => {
                plated += li_for(*capacity) * f64::from(*cycles);
                stripped += li_for(*capacity) * f64::from(*cycles);
                format!(
                    "electroplate in e{electrolyte} at 1 mA/cm2 for {cycles} cycles using cell {{ areal_capacity: {capacity:.6} mAh/cm2 }}"
                )
            }
        };
        text.push_str(&format!("    step s{i}: {line}\n"));
    }
    text.push_str("}\n");
    // The areal capacities are written with 6 decimals: the charge is that of the text.
    (text, plated, stripped)
}

/// Dense Li (m) held by the layers' products.
fn li_in_layers(snapshot: &seip::model::snapshot::Snapshot, db: &MaterialDb) -> f64 {
    let li_per_m3 = RHO_LI * 1e3 / (M_LI * 1e-3);
    let mut li = 0.0;
    for layer in &snapshot.layers {
        let thickness = layer.thickness.expect("every SEI layer has a thickness").nominal;
        for share in &layer.components {
            let material = db.lookup(&share.material).expect("a product of the table");
            let mol_per_m3 = material.density_g_cm3.unwrap() * 1e3 / (material.molar_mass_g_mol.unwrap() * 1e-3);
            let atoms = material
                .formula
                .as_ref()
                .and_then(|f| f.elements.iter().find(|(e, _)| e == "Li"))
                .map_or(0.0, |(_, n)| *n);
            li += thickness * share.volume_fraction * mol_per_m3 * atoms / li_per_m3;
        }
    }
    li
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn li_stripped_plus_li_in_products_plus_li_plated_is_the_charge(steps in proptest::collection::vec(step(), 1..8)) {
        let (text, plated, stripped) = recipe(&steps);
        let compilation = seip::compile(&text);
        let errors: Vec<&str> = compilation.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.as_str()).collect();
        prop_assert!(errors.is_empty(), "{errors:?}");
        let last = compilation.stacks[0].last().expect("a product");
        let remaining = last.li_remaining.expect("Li remaining is known").nominal;
        let in_products = li_in_layers(last, MaterialDb::builtin());
        // Li kept as metal: what the foil gained over its 1000 um, plus what was stripped.
        let kept = remaining - 1000e-6 + stripped;
        let charge = plated + stripped;
        let balance = stripped + in_products + kept;
        prop_assert!(((balance - charge) / charge).abs() <= 1e-3, "balance {balance} vs charge {charge} ({text})");
        let consumed = last.li_consumed.expect("known").nominal;
        prop_assert!(((in_products - consumed) / consumed.max(1e-12)).abs() <= 1e-3, "products {in_products} vs consumed {consumed}");
    }
}
