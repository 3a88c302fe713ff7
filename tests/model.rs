//! The layer-stack models against hand calculations, and the budgets against their limits,
//! on small inline recipes compiled with `seip::compile`.

use seip::Compilation;
use seip::model::budget::BudgetStatus;
use seip::model::quantity::Estimate;
use seip::model::stack::Snapshot;
use seip::sema::materials::MaterialDb;

/// Densities (g/cm3) and molar masses (g/mol) of data/materials.tsv, copied here so that
/// the hand calculations below are independent of the code under test.
const RHO_LI: f64 = 0.534;
const M_LI: f64 = 6.94;

fn compile(source: &str) -> Compilation {
    let compilation = seip::compile(source);
    let errors: Vec<&str> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert!(errors.is_empty(), "unexpected errors: {errors:#?}");
    compilation
}

fn last(compilation: &Compilation) -> &Snapshot {
    compilation.stacks[0].last().expect("the protocol has a product")
}

fn nominal(value: Option<Estimate>) -> f64 {
    value.expect("the value is known").nominal
}

fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    ((actual - expected) / expected).abs() <= tolerance
}

/// A one-protocol recipe on a 50 um Li foil of 2 cm2 with every tool the tests use.
fn recipe(steps: &str, budgets: &str) -> String {
    format!(
        r#"protocol "t" {{
    substrate li: Li foil {{ thickness: 50 um, area: 2 cm2 }}
    tool pvd: sputter in vacuum
    tool rie: plasma in vacuum
    tool press: roll_press in glovebox
    tool plate: hot_plate in glovebox
    tool furnace: tube_furnace in glovebox
    tool reactor: ald_reactor in vacuum
    tool gas: gas_reactor in glovebox
    tool cell: electrochem_cell in glovebox
    tool stirrer: stir_plate in glovebox
    tool spinner: spin_coater in glovebox
{steps}
{budgets}
}}"#
    )
}

#[test]
fn sputtered_mgf2_converts_to_lif_and_mg_as_a_hand_calculation_says() {
    let c = compile(&recipe("step coat: sputter MgF2 10 nm using pvd", ""));
    let snapshot = last(&c);
    // n = rho t / M per cm2 of 10 nm (1e-6 cm) of MgF2 (3.148 g/cm3, 62.30 g/mol).
    let n = 3.148 * 1e-6 / 62.30;
    let lif_nm = 2.0 * n * 25.94 / 2.64 * 1e7; // 2 LiF: 25.94 g/mol, 2.64 g/cm3; cm -> nm
    let mg_nm = n * 24.31 / 1.74 * 1e7; // Mg: 24.31 g/mol, 1.74 g/cm3
    let li_nm = 2.0 * n * M_LI / RHO_LI * 1e7;
    let layers: Vec<(&str, f64)> = snapshot
        .layers
        .iter()
        .map(|l| (l.material.as_str(), nominal(l.thickness) * 1e9))
        .collect();
    assert_eq!(layers.len(), 2, "{layers:?}");
    assert_eq!(layers[0].0, "LiF");
    assert_eq!(layers[1].0, "Mg");
    assert!(
        close(layers[0].1, lif_nm, 0.02),
        "LiF {} nm, hand {lif_nm} nm",
        layers[0].1
    );
    assert!(
        close(layers[1].1, mg_nm, 0.02),
        "Mg {} nm, hand {mg_nm} nm",
        layers[1].1
    );
    assert!(close(nominal(snapshot.li_consumed) * 1e9, li_nm, 0.02));
    // The numbers of spec/models.md.
    assert!((lif_nm - 9.93).abs() < 0.01 && (mg_nm - 7.06).abs() < 0.01 && (li_nm - 13.13).abs() < 0.01);
    // Mass is conserved: the foil gains the MgF2 deposited (1 g/cm2 = 10 kg/m2), to the
    // rounding of the table's molar masses (2 x 25.94 + 24.31 against 62.30 + 2 x 6.94).
    assert!(close(nominal(snapshot.mass_added), 3.148e-6 * 10.0, 1e-3));
}

/// spec/models.md, "How far Li gets": 1 um of MgF2 converts only as far as Li gets through
/// its LiF (nominal penetration depth 100 nm); the rest stays on top, as deposited.
#[test]
fn thick_mgf2_converts_only_to_the_penetration_depth() {
    let c = compile(&recipe("step coat: sputter MgF2 1 um using pvd", ""));
    let snapshot = last(&c);
    let layers: Vec<(&str, f64)> = snapshot
        .layers
        .iter()
        .map(|l| (l.material.as_str(), nominal(l.thickness) * 1e9))
        .collect();
    assert_eq!(layers.iter().map(|l| l.0).collect::<Vec<_>>(), ["LiF", "Mg", "MgF2"]);
    // 0.993 nm of LiF per nm of MgF2: 100 / 0.993 = 100.7 nm of MgF2 converts.
    let converted = 100.0 / 0.99302;
    assert!(close(layers[0].1, 100.0, 0.002), "{layers:?}");
    assert!(close(layers[1].1, converted * 0.70597, 0.002), "{layers:?}");
    assert!(close(layers[2].1, 1000.0 - converted, 0.002), "{layers:?}");
    assert!(close(nominal(snapshot.li_consumed) * 1e9, converted * 1.3134, 0.002));
    let left = snapshot.layers[2].thickness.unwrap();
    assert!(
        left.min == 0.0 && close(left.max * 1e9, 1000.0 - 10.0 / 0.99302, 0.002),
        "{left:?}"
    );
}

/// A declared reaction that the formation energies put uphill never runs (W0704).
#[test]
fn an_uphill_reaction_leaves_its_reactant_as_it_is() {
    let c = compile(&format!(
        "material SrF2x {{ formula: SrF2  class: salt  phase: solid  density: 4.24 g/cm3  formation_gibbs: -1200 kJ/mol }}\n\
         reaction \"SrF2x + 2 Li -> 2 LiF + Sr\" {{ trigger: contact  arrangement: layers }}\n{}",
        recipe("step coat: sputter SrF2x 20 nm using pvd", "")
    ));
    assert_eq!(last(&c).layers[0].material, "SrF2x");
    assert!(c.stacks[0].after_steps[0].notes.iter().any(|n| n.contains("is uphill")));
}

#[test]
fn cu3n_converts_to_li3n_and_cu_on_contact() {
    let c = compile(&recipe(
        "step coat: sputter Cu3N 10 nm using pvd\n    step press: roll_press at 5 MPa using press",
        "",
    ));
    // ΔrH = (-164.6 - 88) / 3 = -84.2 kJ/mol Li, past the contact threshold: sputtered Cu3N
    // converts as it lands (spec/models.md, "Thermodynamics decides"); Cu percolates
    // through the composite (44 % by volume), so transport does not stop it.
    let after_coat = c.stacks[0].after_steps[0].product.as_ref().unwrap();
    assert_eq!(after_coat.layers.len(), 1);
    assert_eq!(after_coat.layers[0].material, "Li3N+Cu");
    assert!(
        c.stacks[0].after_steps[0]
            .notes
            .iter()
            .any(|n| n.contains("converts on contact with Li"))
    );
    let snapshot = last(&c);
    // Cu3N: 6.10 g/cm3, 204.65 g/mol; Li3N: 34.83, 1.27; Cu: 63.55, 8.96.
    let n = 6.10 * 1e-6 / 204.65;
    let composite_nm = (n * 34.83 / 1.27 + 3.0 * n * 63.55 / 8.96) * 1e7;
    let li_nm = 3.0 * n * M_LI / RHO_LI * 1e7;
    assert_eq!(snapshot.layers.len(), 1);
    assert_eq!(snapshot.layers[0].material, "Li3N+Cu");
    assert!(close(nominal(snapshot.layers[0].thickness) * 1e9, composite_nm, 0.02));
    assert!(close(nominal(snapshot.li_consumed) * 1e9, li_nm, 0.02));
    assert!(
        (composite_nm - 14.52).abs() < 0.01 && (li_nm - 11.62).abs() < 0.01,
        "{composite_nm} {li_nm}"
    );
}

#[test]
fn si_alloys_only_when_annealed_at_250_degc() {
    let c = compile(&recipe(
        "step coat: sputter Si 20 nm using pvd\n    step warm: anneal at 200 degC for 10 min using plate\n    step hot: anneal at 250 degC for 10 min using plate",
        "",
    ));
    let steps = &c.stacks[0].after_steps;
    assert_eq!(steps[1].product.as_ref().unwrap().layers[0].material, "Si");
    let hot = steps[2].product.as_ref().unwrap();
    assert_eq!(hot.layers[0].material, "Li22Si5");
    assert!(nominal(hot.li_consumed) > 0.0);
}

#[test]
fn one_mah_per_cm2_is_4_85_um_of_li() {
    // 1 mAh/cm2 = 3.6 C / 1e-4 m2 = 36 000 C/m2.
    let t = seip::model::electrochem::li_thickness_for_charge(36_000.0, MaterialDb::builtin()).unwrap();
    assert!(close(t * 1e6, 4.85, 0.01), "{t}");
    // Plating once on the foil adds it, less the coulombic loss.
    let c = compile(&recipe(
        "reagent e = LiNO3 1 M in DME\n    step plate: electroplate in e at 1 mA/cm2 using cell { areal_capacity: 1 mAh/cm2 }",
        "",
    ));
    let snapshot = last(&c);
    let remaining = snapshot.li_remaining.unwrap();
    assert!(
        close(remaining.nominal * 1e6, 50.0 + 4.85 * 0.98, 0.001),
        "{remaining:?}"
    );
    assert_eq!(
        c.stacks[0].after_steps[0].duration_s,
        Some(3600.0),
        "1 mAh/cm2 at 1 mA/cm2 takes 1 h"
    );
}

#[test]
fn precycling_loses_li_per_cycle_to_the_sei() {
    let c = compile(&recipe(
        "reagent e = LiNO3 1 M in DME\n    step cycle: electroplate in e at 1 mA/cm2 for 5 cycles using cell { areal_capacity: 1 mAh/cm2 }",
        "budget li_loss <= 15 um\n    budget time <= 10 h",
    ));
    let snapshot = last(&c);
    let loss = snapshot.li_consumed.unwrap();
    assert!(close(loss.nominal * 1e6, 5.0 * 4.85 * 0.02, 0.01), "{loss:?}");
    assert!(
        close(loss.max * 1e6, 5.0 * 4.85 * 0.17, 0.01),
        "CE down to 83 %: {loss:?}"
    );
    assert_eq!(snapshot.layers[0].material, "Li3N+Li2O");
    assert_eq!(
        c.stacks[0].after_steps[0].duration_s,
        Some(36_000.0),
        "5 x (plate + strip) of 1 h"
    );
    assert!(
        c.stacks[0].budgets.iter().all(|b| b.status == BudgetStatus::Met),
        "{:?}",
        c.stacks[0].budgets
    );
}

#[test]
fn sputtered_lif_over_a_coating_budget_fails_naming_the_value() {
    let c = seip::compile(&recipe(
        "step coat: sputter LiF 500 nm using pvd",
        "budget coating <= 100 nm",
    ));
    let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code.id, "E0601");
    assert!(
        errors[0].message.contains("coating") && errors[0].message.contains("500 nm"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[0]
            .secondary
            .iter()
            .any(|l| l.message.contains("`coat` adds 500 nm of `LiF`"))
    );
    assert_eq!(c.stacks[0].budgets[0].status, BudgetStatus::Exceeded);
}

/// Compiles the steps with one budget; returns whether E0601 was reported and the outcome.
fn budget(steps: &str, line: &str) -> (Option<String>, BudgetStatus) {
    let c = seip::compile(&recipe(steps, line));
    let error = c
        .diagnostics
        .iter()
        .find(|d| d.code.id == "E0601")
        .map(|d| d.message.clone());
    let others: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && d.code.id != "E0601")
        .map(|d| &d.message)
        .collect();
    assert!(others.is_empty(), "{others:?}");
    (error, c.stacks[0].budgets[0].status)
}

#[test]
fn every_budget_metric_passes_and_fails_as_its_limit_says() {
    let mgf2 = "step coat: sputter MgF2 10 nm at 1 nm/min using pvd";
    // coating 16.99 nm, Li consumed 13.13 nm, Li left 49.987 um, mass 3.148 ug/cm2, 10 min.
    let cases = [
        ("budget coating <= 20 nm", false, "coating"),
        ("budget coating <= 15 nm", true, "16.99 nm"),
        ("budget li_loss <= 20 nm", false, "li_loss"),
        ("budget li_loss <= 10 nm", true, "13.13 nm"),
        ("budget li_remaining >= 49 um", false, "li_remaining"),
        ("budget li_remaining >= 49.99 um", true, "49.99 um"),
        ("budget mass <= 0.004 mg/cm2", false, "mass"),
        ("budget mass <= 0.003 mg/cm2", true, "ug/cm2"),
        ("budget time <= 1 h", false, "time"),
        ("budget time <= 5 min", true, "10 min"),
    ];
    for (line, fails, word) in cases {
        let (error, status) = budget(mgf2, line);
        assert_eq!(error.is_some(), fails, "{line}: {error:?}");
        assert_eq!(
            status,
            if fails {
                BudgetStatus::Exceeded
            } else {
                BudgetStatus::Met
            },
            "{line}"
        );
        if let Some(message) = error {
            assert!(
                message.contains(line.split_whitespace().nth(1).unwrap()) && message.contains(word),
                "{line}: {message}"
            );
        }
    }
}

#[test]
fn a_range_across_the_limit_is_at_risk_not_an_error() {
    // Molten Li + N2 grows 1-30 um of Li3N (assumed), 5.48 um nominal.
    let (error, status) = budget(
        "step nitride: expose N2 at 450 degC for 10 min using furnace",
        "budget coating <= 10 um",
    );
    assert!(error.is_none());
    assert_eq!(status, BudgetStatus::AtRisk);
    let (error, status) = budget(
        "step nitride: expose N2 at 450 degC for 10 min using furnace",
        "budget coating <= 2 um",
    );
    assert!(error.unwrap().contains("range 1 um to 30 um"));
    assert_eq!(status, BudgetStatus::Exceeded);
}

#[test]
fn an_unknown_contribution_leaves_a_budget_unevaluated_unless_the_rest_breaks_it() {
    let unknown_time = "step coat: sputter LiF 500 nm using pvd";
    let (error, status) = budget(unknown_time, "budget time <= 1 h");
    assert!(error.is_none());
    assert_eq!(
        status,
        BudgetStatus::NotEvaluated,
        "a sputter step without a rate has no duration"
    );
    let (error, status) = budget(
        &format!("{unknown_time}\n    step rest: rest for 2 h using plate"),
        "budget time <= 1 h",
    );
    assert!(error.unwrap().contains("at least 2 h"));
    assert_eq!(status, BudgetStatus::Exceeded);
}

#[test]
fn a_join_lays_the_carrier_layers_upside_down() {
    let c = compile(
        r#"protocol "join" {
    substrate li: Li foil { thickness: 20 um, area: 4 cm2 }
    substrate carrier: Cu foil { thickness: 10 um, area: 4 cm2 }
    tool pvd: sputter in vacuum
    tool press: roll_press in glovebox
    step first: sputter LiF 30 nm on carrier using pvd
    step second: sputter Al2O3 5 nm on carrier using pvd
    step transfer: roll_press onto li at 5 MPa on carrier using press
    budget coating <= 40 nm
}"#,
    );
    let stack = &c.stacks[0];
    assert_eq!(stack.product, Some(0));
    let before = &stack.after_steps[1];
    assert!(before.product.as_ref().unwrap().layers.is_empty());
    assert_eq!(before.others[0].layers.len(), 2, "the carrier holds the film");
    let after: Vec<&str> = last(&c).layers.iter().map(|l| l.material.as_str()).collect();
    assert_eq!(after, ["Al2O3", "LiF"], "the carrier's top layer lands on the Li");
    assert!(
        stack.after_steps[2].others.is_empty(),
        "the carrier gave its layers away"
    );
    assert!(close(nominal(last(&c).coating), 35e-9, 1e-9));
}

#[test]
fn a_deposited_layer_keeps_a_gas_from_the_li() {
    let c = compile(&recipe(
        "step seal: ald Al2O3 20 cycles using reactor { growth_per_cycle: 0.1 nm/cycle }\n    step nitride: expose N2 for 1 h using gas",
        "",
    ));
    let grown = &last(&c).layers[1];
    let thickness = grown.thickness.unwrap();
    assert_eq!((thickness.min, thickness.nominal), (0.0, 0.0));
    assert!(thickness.max > 0.0, "through defects, up to the route's maximum");
}

#[test]
fn a_cf4_plasma_may_etch_the_mo_of_lithiated_mos2() {
    let c = compile(&recipe(
        "step coat: sputter MoS2 10 nm using pvd\n    step finish: plasma CF4 at 50 W for 2 min using rie",
        "",
    ));
    let coat = c.stacks[0].after_steps[0].product.as_ref().unwrap().layers[0]
        .thickness
        .unwrap();
    assert!(
        (coat.min - 10e-9).abs() < 1e-15,
        "from no conversion (10 nm of MoS2) up: {coat:?}"
    );
    let etched = last(&c).layers[0].thickness.unwrap();
    assert!(etched.min < coat.min && etched.nominal == coat.nominal && etched.max == coat.max);
    assert_eq!(last(&c).layers[1].material, "LiF+Li2C2");
}

#[test]
fn rolling_to_a_gap_thins_the_foil_and_its_layers_in_proportion() {
    let c = compile(&recipe(
        "step coat: sputter LiF 100 nm using pvd\n    step thin: roll_press at 10 MPa using press { gap: 25.05 um }",
        "",
    ));
    let snapshot = last(&c);
    assert!(close(nominal(snapshot.li_remaining), 25e-6, 1e-9));
    assert!(close(nominal(snapshot.coating), 50e-9, 1e-9));
}

#[test]
fn a_cast_film_is_the_wet_film_times_the_solid_volume_fraction() {
    let c = compile(&recipe(
        "reagent binder = \"PVDF-HFP\" 5 wt% in NMP\n    step mix: dissolve binder for 1 h using stirrer\n    step coat: spin_coat binder at 3000 rpm for 60 s using spinner { wet_thickness: 10 um }",
        "",
    ));
    // PVDF-HFP 1.77 g/cm3 (unverified), NMP 1.023 g/cm3: volumes add.
    let phi = (0.05 / 1.77) / (0.05 / 1.77 + 0.95 / 1.023);
    let layer = &last(&c).layers[0];
    assert!(close(nominal(layer.thickness), 10e-6 * phi, 1e-9));
    assert!(
        layer.caveats.unverified.iter().any(|u| u.contains("PVDF-HFP")),
        "the density is unverified"
    );
}

/// Every estimate the models produce keeps min <= nominal <= max, in every example.
#[test]
fn uncertainty_ranges_are_ordered() {
    let ordered = |e: &Estimate, what: &str| assert!(e.min <= e.nominal && e.nominal <= e.max, "{what}: {e:?}");
    let mut sources: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
        .expect("examples/ exists")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "seip"))
        .map(|path| std::fs::read_to_string(path).expect("readable"))
        .collect();
    sources.push(recipe(
        "step coat: sputter MoS2 10 nm using pvd\n    step finish: plasma CF4 at 50 W for 30 s using rie\n    step nitride: expose N2 at 450 degC for 10 min using furnace",
        "",
    ));
    assert!(sources.len() > 5);
    for source in &sources {
        let c = seip::compile(source);
        for stack in &c.stacks {
            for state in &stack.after_steps {
                for snapshot in state.product.as_deref().into_iter().chain(&state.others) {
                    for layer in &snapshot.layers {
                        if let Some(t) = &layer.thickness {
                            ordered(t, &layer.material);
                            assert!(t.min >= 0.0, "{}: {t:?}", layer.material);
                        }
                    }
                    let values = [
                        snapshot.coating,
                        snapshot.li_consumed,
                        snapshot.li_remaining,
                        snapshot.mass_added,
                        snapshot.volumetric_penalty,
                    ];
                    for value in values.iter().flatten() {
                        ordered(value, &state.name);
                    }
                }
            }
            for outcome in &stack.budgets {
                if let Some(value) = &outcome.value {
                    ordered(value, outcome.metric.name());
                }
            }
        }
    }
}

#[test]
fn the_json_carries_the_stack_in_si_units_named_in_the_field() {
    let c = compile(&recipe(
        "step coat: sputter MgF2 10 nm using pvd",
        "budget coating <= 50 nm",
    ));
    let json = seip::emit::json::to_value(&c);
    let step = &json["protocols"][0]["stack"]["after_steps"][0];
    for field in ["coating_m", "li_consumed_m", "li_remaining_m", "mass_added_kg_m2"] {
        assert!(step[field].is_number(), "{field} in {step}");
    }
    let layer = &step["layers"][0];
    assert_eq!(layer["material"], "LiF");
    // 10 nm of MgF2 gives 9.93 nm of LiF (in metres).
    assert!(
        (layer["thickness_m"].as_f64().unwrap() - 9.93e-9).abs() < 1e-11,
        "{layer}"
    );
    for field in ["thickness_m", "thickness_min_m", "thickness_max_m"] {
        assert!(layer[field].is_number(), "{field} in {layer}");
    }
    assert_eq!(json["protocols"][0]["stack"]["budgets"][0]["status"], "met");
    assert_eq!(json["protocols"][0]["stack"]["budgets"][0]["si_unit"], "m");
}

#[test]
fn the_table_and_the_svg_show_the_stack_deterministically() {
    let source = recipe(
        "step coat: sputter MoS2 10 nm using pvd\n    step finish: plasma CF4 at 50 W for 2 min using rie",
        "budget coating <= 5 um",
    );
    let c = compile(&source);
    let table = seip::model::table::render_table(&c.program, &c.stacks);
    for expected in [
        "Li2S+Mo",
        "LiF+Li2C2",
        "Li remaining",
        "budget `coating <= 5 um`: met",
        "~ rests on an assumption",
    ] {
        assert!(table.contains(expected), "`{expected}` missing from\n{table}");
    }
    let svg = seip::emit::stack_svg::stack_svg(&c.program, &c.stacks);
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("Li₂S+Mo") && svg.contains("LiF+Li₂C₂"));
    let again = compile(&source);
    assert_eq!(svg, seip::emit::stack_svg::stack_svg(&again.program, &again.stacks));
    assert_eq!(table, seip::model::table::render_table(&again.program, &again.stacks));
}

/// A long protocol lists every step's totals but bounds the layers it repeats per step.
#[test]
fn a_long_protocol_stays_linear_in_its_output() {
    let steps: Vec<String> = (0..400)
        .map(|i| format!("step s{i}: sputter LiF 1 nm using pvd"))
        .collect();
    let c = compile(&recipe(&steps.join("\n    "), "budget coating <= 1 um"));
    let stack = &c.stacks[0];
    assert_eq!(stack.after_steps.len(), 400);
    let listed: usize = stack
        .after_steps
        .iter()
        .filter_map(|s| s.product.as_ref())
        .map(|p| p.layers.len())
        .sum();
    assert!(
        listed <= seip::model::stack::LAYER_DETAIL + 400,
        "{listed} layers listed"
    );
    let last = stack.last().unwrap();
    assert_eq!(last.layers.len(), 400, "the last step lists every layer");
    assert!(!last.layers_elided);
    assert!(stack.after_steps[300].product.as_ref().unwrap().layers_elided);
    assert!(close(nominal(last.coating), 400e-9, 1e-9));
    let table = seip::model::table::render_table(&c.program, &c.stacks);
    assert!(table.contains("LiF (x400)"), "repeated films are merged in the table");
    let svg = seip::emit::stack_svg::stack_svg(&c.program, &c.stacks);
    assert!(svg.contains("LiF (x400)"));
}

/// Past `MAX_LAYERS` layers on one foil the stack is no longer followed: W0603 at the step
/// that passed it, unknown values from there, and the stack's budgets not evaluated.
#[test]
fn a_stack_past_the_layer_limit_is_no_longer_modelled() {
    let limit = seip::model::stack::MAX_LAYERS;
    let steps: String = (0..=limit + 2)
        .map(|i| format!("    step s{i}: sputter Al2O3 1 nm at 1 nm/min using pvd\n"))
        .collect();
    let c = compile(&recipe(&steps, "budget coating <= 1 mm\nbudget time <= 1000 h"));
    // `recipe` declares tools this recipe does not use (W0201).
    let model: Vec<_> = c.diagnostics.iter().filter(|d| d.code.id != "W0201").collect();
    let codes: Vec<&str> = model.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["W0603", "W0602"], "{model:#?}");
    assert!(model[0].message.contains(&format!("after `s{limit}`")));
    let after = &c.stacks[0].after_steps;
    let at = |step: usize| after[step].product.as_deref().expect("a product");
    assert!(at(limit - 1).coating.is_some());
    assert!(at(limit).coating.is_none() && at(limit + 2).coating.is_none());
    // The time budget does not depend on the stack and is still checked.
    assert_eq!(c.stacks[0].budgets.len(), 2);
}

/// A step lists only the other workpieces it acted on: a protocol of many substrates keeps
/// one stack per step, not one per step and substrate.
#[test]
fn a_step_lists_only_the_other_workpieces_it_acted_on() {
    let substrates: String = (0..50)
        .map(|w| format!("    substrate c{w}: Cu foil {{ thickness: 10 um, area: 2 cm2 }}\n"))
        .collect();
    let steps: String = (0..50)
        .map(|w| format!("    step a{w}: sputter MoS2 1 nm at 0.5 nm/min on c{w} using pvd\n"))
        .collect();
    let c = compile(&recipe(&format!("{substrates}{steps}"), ""));
    let after = &c.stacks[0].after_steps;
    assert_eq!(after.len(), 50);
    for (index, state) in after.iter().enumerate() {
        let listed: Vec<usize> = state.others.iter().map(|s| s.workpiece).collect();
        // Workpiece 0 is the Li foil; step `a{w}` acts on workpiece w + 1.
        assert_eq!(listed, [index + 1], "after step {index}");
    }
}

#[test]
fn cf4_as_a_gas_leaves_li_as_it_is_and_fluorinates_it_in_a_plasma() {
    let gas = compile(&recipe("step f: expose CF4 for 10 min using gas", ""));
    assert!(
        last(&gas).layers.is_empty(),
        "CF4 is kinetically inert to Li at 25 degC"
    );
    assert_eq!(nominal(last(&gas).li_consumed), 0.0);
    let plasma = compile(&recipe("step f: plasma CF4 at 50 W for 2 min using rie", ""));
    assert_eq!(last(&plasma).layers[0].material, "LiF+Li2C2");
    assert!(nominal(last(&plasma).li_consumed) > 0.0);
}

#[test]
fn a_declared_material_and_reaction_model_like_built_in_ones() {
    // 10 nm of a declared fluoride, converted on contact by a declared reaction: the same
    // stoichiometry as the built-in MgF2 (spec/models.md), so the same LiF and Mg.
    let source = format!(
        "material lab_mgf2 {{ formula: MgF2  phase: solid  density: 3.148 g/cm3  source: \"CRC\" }}\n\
         reaction \"lab_mgf2 + 2 Li -> 2 LiF + Mg\" {{ trigger: contact  arrangement: layers  source: \"ref 127\" }}\n{}",
        recipe("step coat: sputter lab_mgf2 10 nm at 1 nm/min using pvd", "")
    );
    let c = compile(&source);
    let layers = &last(&c).layers;
    assert_eq!(layers[0].material, "LiF");
    assert!((nominal(layers[0].thickness) * 1e9 - 9.930).abs() < 0.001);
    assert!((nominal(layers[1].thickness) * 1e9 - 7.060).abs() < 0.001);
    assert!((nominal(last(&c).li_consumed) * 1e9 - 13.134).abs() < 0.001);
}

#[test]
fn stripping_1_ma_per_cm2_for_1_h_leaves_45_15_um_of_a_50_um_foil() {
    let c = compile(&recipe(
        "reagent e = LiTFSI 1.0 M in DOL/DME\n    step s: strip in e at 1 mA/cm2 for 1 h using cell",
        "",
    ));
    // 1 mAh/cm2 = 3.6 C/cm2; 3.6 / 96485.33 mol/cm2 x 6.94 / 0.534 cm3/mol = 4.849e-4 cm.
    let removed = 3.6 / 96_485.332_12 * M_LI / RHO_LI * 1e-2;
    let left = nominal(last(&c).li_remaining);
    assert!(close(left, 50e-6 - removed, 1e-9), "{left}");
    assert!((left * 1e6 - 45.15).abs() < 0.01);
}

#[test]
fn stripping_more_than_the_foil_holds_is_an_error_naming_both() {
    let c = seip::compile(&recipe(
        "reagent e = LiTFSI 1.0 M in DOL/DME\n    step s: strip in e at 2 mA/cm2 for 6 h using cell",
        "",
    ));
    let over = c.diagnostics.iter().find(|d| d.code.id == "E0604").expect("E0604");
    assert!(
        over.message.contains("58.2 um") && over.message.contains("50 um"),
        "{}",
        over.message
    );
    assert_eq!(nominal(last(&c).li_remaining), 0.0);
}

#[test]
fn li_plated_on_cu_goes_beneath_a_graphene_film() {
    let c = compile(
        r#"protocol "cu" {
    substrate cu: Cu foil { thickness: 10 um, area: 1 cm2 }
    tool furnace: cvd_reactor in vacuum
    tool cell: electrochem_cell in glovebox
    reagent e = LiTFSI 1.0 M in DOL/DME
    step grow: cvd graphene 1 nm from CH4 at 1000 degC for 30 min using furnace
    step plate: electroplate in e at 0.5 mA/cm2 for 2 h using cell
}"#,
    );
    let layers = &last(&c).layers;
    assert_eq!(layers[0].material, "Li");
    assert!((nominal(layers[0].thickness) * 1e6 - 4.85).abs() < 0.01);
    assert_eq!(layers[1].material, "graphene");
}
