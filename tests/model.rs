//! The layer-stack models against hand calculations, and the budgets against their limits,
//! on small inline recipes compiled with `seip::compile`.

use seip::Compilation;
use seip::model::quantity::Estimate;
use seip::model::snapshot::Snapshot;
use seip::physics::budget::BudgetStatus;
use seip::sema::materials::MaterialDb;

/// Densities (g/cm3) and molar masses (g/mol) of data/materials.tsv, copied here so that
/// the hand calculations below are independent of the code under test.
const RHO_LI: f64 = 0.534;
const M_LI: f64 = 6.94;

/// Whether a diagnostic is an error of the model's concern: a step's unknown duration
/// (E0502) stops only the schedule, and these recipes are modelled, not scheduled.
fn modelling_error(diagnostic: &seip::diagnostics::Diagnostic) -> bool {
    diagnostic.is_error() && diagnostic.code != seip::diagnostics::codes::UNKNOWN_DURATION
}

fn compile(source: &str) -> Compilation {
    let compilation = seip::compile(source);
    let errors: Vec<&str> = compilation
        .diagnostics
        .iter()
        .filter(|d| modelling_error(d))
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

/// spec/models.md section 3, "Curing": a declared resin that `cures_to` PMMA becomes PMMA
/// under a `cure` step, its mass kept: 500 nm x 1.1 / 1.18 = 466.1 nm.
#[test]
fn a_cure_step_turns_a_declared_resin_into_its_polymer_with_its_mass_kept() {
    let source = recipe(
        "tool lamp: uv_lamp in glovebox\n    reagent resin = min_resin 10 wt% in DME\n    step coat: spin_coat resin at 3000 rpm for 60 s using spinner { thickness: 500 nm }\n    step uv: cure for 5 min using lamp",
        "",
    );
    let declared = format!(
        "material min_resin {{\n    class: polymer\n    phase: liquid\n    density: 1.1 g/cm3\n    cures_to: PMMA\n    source: \"test\"\n}}\n{source}"
    );
    let c = compile(&declared);
    let snapshot = last(&c);
    assert_eq!(snapshot.layers.len(), 1);
    assert_eq!(snapshot.layers[0].material, "PMMA");
    let nm = nominal(snapshot.layers[0].thickness) * 1e9;
    assert!((nm - 500.0 * 1.1 / 1.18).abs() < 0.01, "{nm} nm");
    let before = &c.stacks[0].after_steps[0];
    let mass_before = nominal(before.product.as_ref().unwrap().mass_added);
    assert!(close(nominal(snapshot.mass_added), mass_before, 1e-9));
}

/// spec/models.md, "Patterned foils": on a foil stamped to twice its projected area, 10 nm
/// of MgF2 covers twice the surface, so per cm2 of foil it takes twice the Li and adds
/// twice the mass of a flat foil, at the same thickness; a layer already there when the
/// foil is stamped spreads over the new surface, thinner by the ratio.
#[test]
fn a_patterned_foil_takes_li_and_mass_in_proportion_to_its_surface() {
    let flat = compile(&recipe("step coat: sputter MgF2 10 nm using pvd", ""));
    let stamped = compile(&recipe(
        "step stamp: roll_press at 5 MPa using press { surface_area: 2 }\n    step coat: sputter MgF2 10 nm using pvd",
        "",
    ));
    let (flat, stamped) = (last(&flat), last(&stamped));
    assert!(close(
        nominal(stamped.li_consumed),
        2.0 * nominal(flat.li_consumed),
        1e-9
    ));
    assert!(close(nominal(stamped.mass_added), 2.0 * nominal(flat.mass_added), 1e-9));
    assert!(close(nominal(stamped.coating), nominal(flat.coating), 1e-9));
    assert!((nominal(stamped.li_consumed) * 1e9 - 26.26).abs() < 0.01);
    // Stamped after: the LiF/Mg spread over twice the surface, half as thick, same mass.
    let after = compile(&recipe(
        "step coat: sputter MgF2 10 nm using pvd\n    step stamp: roll_press at 5 MPa using press { surface_area: 2 }",
        "",
    ));
    let after = last(&after);
    assert!(close(nominal(after.coating), nominal(flat.coating) / 2.0, 1e-9));
    assert!(close(nominal(after.mass_added), nominal(flat.mass_added), 1e-9));
    // The same factor given on the substrate.
    let declared = compile(
        &recipe("step coat: sputter MgF2 10 nm using pvd", "")
            .replace("area: 2 cm2 }", "area: 2 cm2, surface_area: 2 }"),
    );
    assert!(close(
        nominal(last(&declared).li_consumed),
        nominal(stamped.li_consumed),
        1e-9
    ));
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

/// A porous layer (a cloth) weighs (1 - porosity) of its solid, and a gas reaches the Li
/// through its open pores (spec/models.md, "Porous layers").
#[test]
fn a_porous_cloth_weighs_its_solid_and_lets_a_gas_through() {
    let c = compile(&format!(
        "material cloth {{ class: ceramic  phase: solid  density: 2.5 g/cm3  porosity: 0.9 }}\n{}",
        recipe(
            "step lay: laminate cloth 200 um using press\n    step nitride: expose N2 for 1 h using gas",
            ""
        )
    ));
    let after_lay = c.stacks[0].after_steps[0].product.as_ref().unwrap();
    // 2.5 g/cm3 x 0.1 x 0.02 cm = 5 mg/cm2 = 0.05 kg/m2.
    assert!(
        close(nominal(after_lay.mass_added), 0.05, 1e-9),
        "{:?}",
        after_lay.mass_added
    );
    let grown = last(&c).layers[1].thickness.unwrap();
    assert!(
        grown.nominal > 0.0,
        "the N2 reaches the Li through the cloth: {grown:?}"
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

/// ZnO and SiO2 convert as they land on Li: the displacement to the metal is -120.4 and
/// -66.5 kJ/mol Li (spec/models.md, "Thermodynamic data"), past the -40 of the contact
/// threshold; the alloy that follows (LiZn, Li22Si5) has no tabulated energy.
#[test]
fn zno_and_sio2_convert_on_contact_by_their_displacement_energy() {
    for (oxide, product, li_per_unit, density, molar_mass) in [
        ("ZnO", "Li2O+LiZn", 3.0, 5.6, 81.38),
        ("SiO2", "Li2O+Li22Si5", 8.4, 2.2, 60.08),
    ] {
        let c = compile(&recipe(&format!("step coat: sputter {oxide} 10 nm using pvd"), ""));
        let snapshot = last(&c);
        assert_eq!(snapshot.layers.len(), 1, "{oxide}: {:?}", snapshot.layers);
        assert_eq!(snapshot.layers[0].material, product);
        assert!(
            c.stacks[0].after_steps[0]
                .notes
                .iter()
                .any(|n| n.contains("converts on contact with Li")),
            "{oxide}"
        );
        // Li taken: li_per_unit x (rho / M) x 10 nm x M_Li / rho_Li.
        let li_nm = li_per_unit * density / molar_mass * 10.0 * M_LI / RHO_LI;
        assert!(
            close(nominal(snapshot.li_consumed) * 1e9, li_nm, 0.02),
            "{oxide}: {:?} vs {li_nm}",
            snapshot.li_consumed
        );
    }
}

/// A VDF plasma polymerises on the foil (ref 72): a PVDF film that takes no Li and keeps
/// growing with time, by the assumed bounds of its row (spec/models.md, section 5).
#[test]
fn a_vdf_plasma_deposits_pvdf_that_grows_with_time_and_takes_no_li() {
    let film = |time: &str| {
        let c = compile(&recipe(
            &format!("step pp: plasma VDF for {time} using rie {{ power: 50 W }}"),
            "",
        ));
        let snapshot = last(&c).clone();
        assert_eq!(snapshot.layers.len(), 1);
        assert_eq!(snapshot.layers[0].material, "PVDF");
        assert_eq!(nominal(snapshot.li_consumed), 0.0);
        snapshot.layers[0].thickness.unwrap()
    };
    // 1-100 nm at 1 min: nominal sqrt(1 x 100) = 10 nm; at 10 min 1-1000 nm, sqrt(1000) = 31.6 nm.
    let short = film("1 min");
    let long = film("10 min");
    assert!(close(short.nominal * 1e9, 10.0, 1e-6), "{short:?}");
    assert!(close(long.nominal * 1e9, 1000f64.sqrt(), 1e-6), "{long:?}");
    assert!(close(long.max * 1e9, 1000.0, 1e-6), "{long:?}");
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
    // LiNO3 and DME (data/sei.tsv): the inorganic products inner, the alkoxide outer.
    assert_eq!(snapshot.layers[0].material, "Li3N+LiNO2");
    assert_eq!(snapshot.layers[1].material, "LiOCH3");
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
        .filter(|d| modelling_error(d) && d.code.id != "E0601")
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
    // Molten Li + N2 for 10 min: 1 um to 395 um of Li3N by the law, the upper bound capped
    // by the 50 um of Li at 50 / 1.42 = 35.2 um; 19.9 um nominal.
    let (error, status) = budget(
        "step nitride: expose N2 at 450 degC for 10 min using furnace",
        "budget coating <= 25 um",
    );
    assert!(error.is_none());
    assert_eq!(status, BudgetStatus::AtRisk);
    let (error, status) = budget(
        "step nitride: expose N2 at 450 degC for 10 min using furnace",
        "budget coating <= 2 um",
    );
    let error = error.unwrap();
    assert!(error.contains("range 1 um to 35.17 um"), "{error}");
    assert_eq!(status, BudgetStatus::Exceeded);
}

/// The grown layer of a one-step recipe: (nominal, min, max) in nm.
fn grown(step: &str, reagent: &str) -> (f64, f64, f64) {
    let c = compile(&recipe(&format!("{reagent}\n    {step}"), ""));
    let layer = last(&c).layers.last().expect("a layer grows").clone();
    let t = layer.thickness.expect("its thickness is known");
    (t.nominal * 1e9, t.min * 1e9, t.max * 1e9)
}

/// The worked examples of spec/models.md section 5, by hand.
#[test]
fn growth_follows_the_time_as_the_worked_examples_say() {
    let close3 = |(n, lo, hi): (f64, f64, f64), (en, elo, ehi): (f64, f64, f64)| {
        let ok = |a: f64, b: f64| if b == 0.0 { a == 0.0 } else { close(a, b, 3e-3) };
        assert!(
            ok(n, en) && ok(lo, elo) && ok(hi, ehi),
            "got {:?}, hand {:?}",
            (n, lo, hi),
            (en, elo, ehi)
        );
    };
    // 0.1 M SnF2 in DMSO: 10 nm-10 um at 10 min, growing; the supply does not bind.
    let bsl = "reagent bsl = SnF2 0.1 M in DMSO\n    tool bath: dip_tank in glovebox";
    close3(
        grown("step dip: immerse in bsl for 1 min using bath", bsl),
        (100.0, 1.0, 10_000.0),
    );
    // After 1 h the upper bound, 60 um, would take more than the foil's 50 um of Li: it is
    // capped at 50 um / (6.4 V_Li / 77.5 cm3) of layer.
    let li_per_layer = 6.4 * M_LI / RHO_LI / (2.0 * 25.94 / 2.64 + 0.2 * 746.23 / 2.58);
    close3(
        grown("step dip: immerse in bsl for 1 h using bath", bsl),
        ((10.0f64 * 60_000.0).sqrt(), 10.0, 50_000.0 / li_per_layer),
    );
    // 1 mM for 10 s: the supply binds at 2.4e-9 x 10 / 1e-5 m x 1 mol/m3 x the layer's
    // volume per mol SnF2 (2 LiF + 0.2 Li22Sn5).
    let volume: f64 = (2.0 * 25.94 / 2.64 + 0.2 * 746.23 / 2.58) * 1e-6;
    let cap: f64 = 2.4e-9 * 10.0 / 1e-5 * 1.0 * volume * 1e9;
    let lower: f64 = 10.0 * 10.0 / 600.0;
    close3(
        grown(
            "step dip: immerse in bsl for 10 s using bath",
            "reagent bsl = SnF2 1 mM in DMSO\n    tool bath: dip_tank in glovebox",
        ),
        ((lower * cap).sqrt(), lower, cap),
    );
    // A plasma: 1-100 nm at 1 min, complete by then.
    let cf4 = |time: &str| grown(&format!("step p: plasma CF4 at 50 W for {time} using rie"), "");
    close3(cf4("1 s"), ((100.0f64 / 60.0).sqrt(), 1.0 / 60.0, 100.0));
    close3(cf4("5 min"), (10.0, 1.0, 100.0));
    // N2 on solid Li: an induction period before 1 h, nothing at or below 10 mTorr.
    close3(
        grown("step n: expose N2 at 25 degC for 30 min using gas", ""),
        ((159.4f64 * 0.5 * 1594.0).sqrt(), 0.0, 1594.0),
    );
    close3(
        grown("step n: expose N2 at 25 degC for 4 h using gas", ""),
        ((159.4f64 * 6376.0).sqrt(), 159.4, 6376.0),
    );
    let c = compile(&recipe(
        "step n: expose N2 at 25 degC for 10 h using gas { pressure: 1 Pa }",
        "",
    ));
    assert!(last(&c).layers.is_empty(), "nothing grows at 1 Pa of N2");
}

#[test]
fn n2_on_molten_li_after_10_h_takes_the_whole_foil_not_10_min() {
    let li_left = |time: &str| {
        let c = compile(&recipe(
            &format!("step n: expose N2 at 450 degC for {time} using furnace {{ molten_li: yes }}"),
            "",
        ));
        nominal(last(&c).li_remaining) * 1e6
    };
    // 10 min: 19.9 um of Li3N nominal takes 1.42 x 19.9 = 28.3 um of the 50 um.
    let rate = 0.003 / RHO_LI * 1e4 / 1.4216; // um/min of Li3N
    let ten_min = (1.0 * rate * 10.0f64).sqrt();
    assert!(
        close(li_left("10 min"), 50.0 - 1.4216 * ten_min, 3e-3),
        "{}",
        li_left("10 min")
    );
    assert!(
        li_left("10 h").abs() < 1e-9,
        "the foil is consumed: {}",
        li_left("10 h")
    );
}

#[test]
fn a_measured_thickness_is_taken_as_it_is() {
    let bsl = "reagent bsl = SnF2 0.1 M in DMSO\n    tool bath: dip_tank in glovebox";
    let (n, lo, hi) = grown(
        "step dip: immerse in bsl for 10 min using bath { thickness: 200 nm }",
        bsl,
    );
    assert!(close(n, 200.0, 1e-12) && n == lo && lo == hi, "{:?}", (n, lo, hi));
    let c = compile(&recipe(
        &format!("{bsl}\n    step dip: immerse in bsl for 10 min using bath {{ thickness: 200 nm }}"),
        "",
    ));
    let notes = &c.stacks[0].after_steps[0].notes;
    assert!(notes.iter().any(|n| n.contains("(as measured)")), "{notes:?}");
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

/// Ref 126: sputtered MoS2 on Li is lithiated by intercalation, kept as a layered film
/// (1T-LiMoS2, the same molar volume taken); a CF4 plasma may etch its Mo away as MoF6.
#[test]
fn sputtered_mos2_intercalates_and_a_cf4_plasma_may_etch_it() {
    let c = compile(&recipe(
        "step coat: sputter MoS2 10 nm using pvd\n    step finish: plasma CF4 at 50 W for 2 min using rie",
        "",
    ));
    let after_coat = c.stacks[0].after_steps[0].product.as_ref().unwrap();
    assert_eq!(after_coat.layers[0].material, "LiMoS2");
    let coat = after_coat.layers[0].thickness.unwrap();
    assert!(close(coat.nominal, 10e-9, 1e-3), "{coat:?}");
    // One Li per MoS2: n = 5.06 x 1e-6 / 160.07 mol/cm2, times 6.94 / 0.534 cm3/mol.
    let li_nm = 5.06e-6 / 160.07 * M_LI / RHO_LI * 1e7;
    assert!(close(nominal(after_coat.li_consumed) * 1e9, li_nm, 0.002));
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
    let table = seip::emit::stack_table::render_table(&c.program, &c.stacks);
    for expected in [
        "LiMoS2",
        "LiF+Li2C2",
        "Li remaining",
        "budget `coating <= 5 um`: met",
        "~ rests on an assumption",
    ] {
        assert!(table.contains(expected), "`{expected}` missing from\n{table}");
    }
    let svg = seip::emit::stack_svg::stack_svg(&c.program, &c.stacks);
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("LiMoS₂") && svg.contains("LiF+Li₂C₂"));
    let again = compile(&source);
    assert_eq!(svg, seip::emit::stack_svg::stack_svg(&again.program, &again.stacks));
    assert_eq!(
        table,
        seip::emit::stack_table::render_table(&again.program, &again.stacks)
    );
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
    assert!(listed <= seip::physics::LAYER_DETAIL + 400, "{listed} layers listed");
    let last = stack.last().unwrap();
    assert_eq!(last.layers.len(), 400, "the last step lists every layer");
    assert!(!last.layers_elided);
    assert!(stack.after_steps[300].product.as_ref().unwrap().layers_elided);
    assert!(close(nominal(last.coating), 400e-9, 1e-9));
    let table = seip::emit::stack_table::render_table(&c.program, &c.stacks);
    assert!(table.contains("LiF (x400)"), "repeated films are merged in the table");
    let svg = seip::emit::stack_svg::stack_svg(&c.program, &c.stacks);
    assert!(svg.contains("LiF (x400)"));
}

/// Past `MAX_LAYERS` layers on one foil the stack is no longer followed: W0603 at the step
/// that passed it, unknown values from there, and the stack's budgets not evaluated.
#[test]
fn a_stack_past_the_layer_limit_is_no_longer_modelled() {
    let limit = seip::physics::MAX_LAYERS;
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
    // 4.85 um plated, 2 % of it to the SEI on top: the Li on the Cu is Li remaining.
    assert!((nominal(layers[0].thickness) * 1e6 - 4.85 * 0.98).abs() < 0.01);
    assert_eq!(layers[1].material, "graphene");
    assert!(close(nominal(last(&c).li_remaining) * 1e6, 4.85 * 0.98, 0.001));
    assert!(layers[2..].iter().all(|l| l.material != "Li"), "the SEI is on top");
}

#[test]
fn stripping_a_collector_thins_its_li_and_a_potentiostatic_step_moves_a_range() {
    let c = compile(
        r#"protocol "cu" {
    substrate cu: Cu foil { thickness: 10 um, area: 1 cm2 }
    tool cell: electrochem_cell in glovebox
    reagent e = LiPF6 1.0 M in EC/DMC
    step plate: electroplate in e using cell { areal_capacity: 2 mAh/cm2 }
    step strip: strip in e using cell { areal_capacity: 1 mAh/cm2 }
    step pulse: strip in e at 0.5 V using cell { pulses: 10, pulse_on: 1 s, pulse_off: 9 s }
}"#,
    );
    let after = |i: usize| {
        c.stacks[0].after_steps[i]
            .product
            .as_ref()
            .unwrap()
            .li_remaining
            .unwrap()
    };
    let plated = 2.0 * 4.849 * 0.98;
    assert!(close(after(1).nominal * 1e6, plated - 4.849, 0.001), "{:?}", after(1));
    // 10 x 1 s at 0.01 to 10 mA/cm2 (data/electrochem.tsv): 0.1 to 100 mC/cm2 of Li
    // (1 mAh/cm2 = 3600 mC/cm2 is 4.849 um).
    let pulse = after(2);
    let li_per_mc = 4.849e-6 / 3600.0;
    assert!(
        close(after(1).min - pulse.min, 10.0 * 10.0 * li_per_mc, 0.01),
        "{pulse:?}"
    );
    assert!(
        close(after(1).max - pulse.max, 10.0 * 0.01 * li_per_mc, 0.01),
        "{pulse:?}"
    );
    assert_eq!(c.stacks[0].after_steps[2].duration_s, Some(100.0));
    let li_layer = last(&c).layers.iter().find(|l| l.material == "Li").unwrap();
    assert_eq!(li_layer.thickness, Some(pulse));
}

/// The rules on the layers read the model's walk: Sn sputtered on Li is Li22Sn5 by the
/// time of a hot step, so Sn's melting point (231.9 degC) no longer counts, while a PEO
/// film cast on top still melts (65 degC).
#[test]
fn heat_is_judged_against_the_layers_as_converted() {
    let codes = |steps: &str| -> Vec<(String, String)> {
        let c = compile(&recipe(steps, ""));
        c.diagnostics
            .iter()
            .filter(|d| d.code == seip::diagnostics::codes::LAYER_DAMAGED_BY_HEAT)
            .map(|d| (d.code.id.to_owned(), d.message.clone()))
            .collect()
    };
    let sn = "step coat: sputter Sn 50 nm at 5 nm/min using pvd\n\
              step hot: anneal at 250 degC for 10 min using plate { molten_li: yes }";
    assert_eq!(codes(sn), Vec::new());
    let peo = format!(
        "reagent peo = PEO 2 wt% in acetonitrile\n\
         step mix: dissolve peo for 2 h using stirrer\n{sn}\n\
         step cast: spin_coat peo at 2000 rpm for 60 s using spinner {{ thickness: 1 um }}\n\
         step dry: dry at 100 degC for 1 h using plate"
    );
    let found = codes(&peo);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("`PEO`"), "{found:?}");
}

/// A solvent that casts a polymer dissolves it: a rinse in the casting solvent lowers the
/// film's lower bound to zero in the stack, as W0404 says, with no `dissolves_in` row.
#[test]
fn the_casting_solvent_removes_the_cast_film() {
    let c = compile(&recipe(
        "tool bath: dip_tank in glovebox\n\
         reagent pi = PI 10 wt% in NMP\n\
         step mix: dissolve pi for 2 h using stirrer\n\
         step coat: spin_coat pi at 2000 rpm for 60 s using spinner { thickness: 1 um }\n\
         step rinse: rinse in NMP for 10 s using bath",
        "",
    ));
    let film = last(&c).layers[0].thickness.expect("the film's thickness is stated");
    assert_eq!((film.nominal, film.min), (1e-6, 0.0));
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.code == seip::diagnostics::codes::LAYER_DISSOLVED)
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// A thicker precursor never converts less, and contact conversion never makes more
    /// insulating product than the deepest penetration depth (1 um, data/conversion.tsv);
    /// what does not convert stays: the MgF2 left and the MgF2 converted add up.
    #[test]
    fn contact_conversion_is_monotonic_and_bounded(nm in 1.0f64..5000.0, more in 1.0f64..3.0) {
        let convert = |nm: f64| {
            let c = compile(&recipe(&format!("step coat: sputter MgF2 {nm} nm using pvd"), ""));
            let s = last(&c);
            let of = |m: &str| s.layers.iter().filter(|l| l.material == m).map(|l| l.thickness.unwrap()).next();
            (of("LiF").unwrap(), of("MgF2"), nominal(s.li_consumed))
        };
        let (lif, left, li) = convert(nm);
        let (thicker_lif, _, thicker_li) = convert(nm * more);
        proptest::prop_assert!(thicker_lif.nominal >= lif.nominal - 1e-18 && thicker_li >= li - 1e-18);
        proptest::prop_assert!(lif.max <= 1e-6 * (1.0 + 1e-9));
        // 0.993 nm of LiF per nm of MgF2 converted.
        let converted_nm = lif.nominal * 1e9 / 0.99302;
        let left_nm = left.map_or(0.0, |l| l.nominal * 1e9);
        proptest::prop_assert!((converted_nm + left_nm - nm).abs() < 1e-3 * nm, "{converted_nm} + {left_nm} vs {nm}");
    }
}
