//! `data/thermo.tsv`: standard enthalpies and Gibbs energies of formation, checked against the
//! built-in tables, and the reaction free energies per mol Li they give, checked against the
//! physics review (section 3). `cargo test --test thermo_data -- --nocapture` prints them all.

use std::collections::BTreeMap;

use seip::sema::chemistry::Chemistry;
use seip::sema::materials::MaterialDb;

const TABLE: &str = include_str!("../data/thermo.tsv");
const COLUMNS: [&str; 6] = ["key", "phase", "dHf_kJ_mol", "dGf_kJ_mol", "source", "note"];

struct Row {
    dh: Option<f64>,
    dg: Option<f64>,
}

/// Parses the table, panicking with the line on anything malformed.
fn table() -> BTreeMap<String, Row> {
    let mut lines = TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header: Vec<&str> = lines.next().expect("a header line").split('\t').collect();
    assert_eq!(header, COLUMNS, "columns of data/thermo.tsv");
    let mut rows = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), COLUMNS.len(), "field count of `{line}`");
        let (key, phase, source, note) = (f[0], f[1], f[4], f[5]);
        assert!(
            ["s", "l", "g"].contains(&phase),
            "phase of `{key}` is `{phase}`, not s/l/g"
        );
        let number = |s: &str| -> Option<f64> {
            (!s.is_empty()).then(|| {
                let v: f64 = s.parse().unwrap_or_else(|_| panic!("`{s}` of `{key}` is not a number"));
                assert!(v.is_finite(), "`{s}` of `{key}` is not finite");
                v
            })
        };
        let (dh, dg) = (number(f[2]), number(f[3]));
        assert!(!source.is_empty(), "`{key}` has no source");
        if dh.is_some() || dg.is_some() {
            assert_ne!(source, "none found", "`{key}` has values but says no source gives them");
        }
        if dh.is_none() || dg.is_none() {
            assert!(
                !note.is_empty(),
                "`{key}` leaves a value empty without a note saying why"
            );
        }
        if note.starts_with("element in its standard state") {
            assert_eq!(
                (dh, dg),
                (Some(0.0), Some(0.0)),
                "`{key}` is an element in its standard state"
            );
        }
        let old = rows.insert(key.to_owned(), Row { dh, dg });
        assert!(old.is_none(), "`{key}` is listed twice");
    }
    rows
}

#[test]
fn every_row_is_a_sourced_material() {
    let db = MaterialDb::builtin();
    for key in table().keys() {
        assert!(
            db.lookup(key).is_some(),
            "`{key}` of data/thermo.tsv is not a built-in material"
        );
    }
}

#[test]
fn every_species_of_the_reactions_has_a_row() {
    let rows = table();
    assert!(rows.contains_key("Li"));
    for r in Chemistry::builtin().reactions.values() {
        for key in std::iter::once(&r.reactant).chain(r.products.iter().map(|(_, k)| k)) {
            assert!(
                rows.contains_key(key),
                "`{key}` of the `{}` reaction has no row",
                r.reactant
            );
        }
    }
}

/// Σ c ΔfX(products) − ΔfX(reactant), divided by the Li taken (Li is 0), or the keys lacking a value.
fn per_li(
    rows: &BTreeMap<String, Row>,
    value: fn(&Row) -> Option<f64>,
    reactant: &str,
    li: f64,
    products: &[(f64, String)],
) -> Result<f64, Vec<String>> {
    let of = |k: &str| rows.get(k).and_then(value).ok_or_else(|| k.to_owned());
    let mut missing = Vec::new();
    let mut sum = 0.0;
    for (c, k) in products {
        match of(k) {
            Ok(v) => sum += c * v,
            Err(k) => missing.push(k),
        }
    }
    match of(reactant) {
        Ok(v) => sum -= v,
        Err(k) => missing.insert(0, k),
    }
    if missing.is_empty() { Ok(sum / li) } else { Err(missing) }
}

fn dh(r: &Row) -> Option<f64> {
    r.dh
}
fn dg(r: &Row) -> Option<f64> {
    r.dg
}

fn show(v: &Result<f64, Vec<String>>) -> String {
    match v {
        Ok(x) => format!("{x:8.1}"),
        Err(m) => format!("     n/a (no value: {})", m.join(", ")),
    }
}

#[test]
fn reaction_free_energies_per_mol_li() {
    let rows = table();
    println!("reaction of the built-in chemistry: ΔrH/n, ΔrG/n in kJ per mol Li");
    let mut computed = BTreeMap::new();
    for r in Chemistry::builtin().reactions.values() {
        let h = per_li(&rows, dh, &r.reactant, r.li_per_unit, &r.products);
        let g = per_li(&rows, dg, &r.reactant, r.li_per_unit, &r.products);
        println!(
            "{:<18} n = {:<9} ΔrH/n {}   ΔrG/n {}",
            r.reactant,
            r.li_per_unit,
            show(&h),
            show(&g)
        );
        computed.insert(r.reactant.clone(), (h, g));
    }

    // The review's values. Its equations stop at the element where the built-in rows go on to
    // an alloy without tabulated data (ZnO, SiO2, AlF3), so they are evaluated as the review
    // writes them. MgF2: 2(-587.7) - (-1071.1) = -104.3 kJ, -52.2 per mol Li. Cu3N: the review's
    // number is ΔrH (its ΔrG is an estimate; no source gives ΔfG(Cu3N)).
    type Quantity = (&'static str, fn(&Row) -> Option<f64>);
    const H: Quantity = ("ΔrH/n", dh);
    const G: Quantity = ("ΔrG/n", dg);
    // (reactant, mol Li, products, the quantity, the review's value per mol Li)
    type Case = (&'static str, f64, &'static [(f64, &'static str)], Quantity, f64);
    let review: [Case; 5] = [
        ("MgF2", 2.0, &[(2.0, "LiF"), (1.0, "Mg")], G, -52.2),
        ("Cu3N", 3.0, &[(1.0, "Li3N"), (3.0, "Cu")], H, -84.0),
        ("ZnO", 2.0, &[(1.0, "Li2O"), (1.0, "Zn")], G, -120.4),
        ("SiO2", 4.0, &[(2.0, "Li2O"), (1.0, "Si")], G, -66.5),
        ("AlF3", 3.0, &[(3.0, "LiF"), (1.0, "Al")], G, -110.7),
    ];
    println!("as the physics review writes them (section 3):");
    for (reactant, li, products, (what, value), expected) in review {
        let products: Vec<(f64, String)> = products.iter().map(|&(c, k)| (c, k.to_owned())).collect();
        let got = per_li(&rows, value, reactant, li, &products)
            .unwrap_or_else(|m| panic!("`{reactant}` lacks values for {m:?}"));
        println!("{reactant:<18} n = {li:<9} {what} {got:8.1}   review {expected:8.1}");
        assert!(
            (got - expected).abs() <= 10.0,
            "`{reactant}`: {got:.1} kJ/mol Li, review {expected}"
        );
    }

    // Where the built-in row is the review's equation, its computed value is the same.
    let built_in = |k: &str| computed.get(k).unwrap_or_else(|| panic!("no built-in `{k}` reaction"));
    assert!((built_in("MgF2").1.clone().expect("MgF2 ΔrG") - -52.2).abs() <= 10.0);
    assert!((built_in("Cu3N").0.clone().expect("Cu3N ΔrH") - -84.0).abs() <= 10.0);
    // No computable reaction of the table is uphill (review: none is impossible as written).
    for (k, (h, g)) in &computed {
        for v in [h, g].into_iter().flatten() {
            assert!(*v < 0.0, "`{k}` comes out uphill: {v:.1} kJ/mol Li");
        }
    }
}
