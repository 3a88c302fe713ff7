//! Consistency of `data/solubility.tsv` (issue 10, item 4) with the built-in materials table,
//! until the loader reads it: every solute and solvent is a material, every verdict is one of
//! the three, every row has a source, and the `dissolves_in` column of `data/materials.tsv`
//! agrees with it.

use std::collections::BTreeMap;

use seip::sema::materials::MaterialDb;

const SOLUBILITY_TSV: &str = include_str!("../data/solubility.tsv");

/// (line, solute, solvent, dissolves, source) per data row, after checking the header.
fn rows() -> Vec<(usize, &'static str, &'static str, &'static str, &'static str)> {
    let mut lines = SOLUBILITY_TSV.lines().enumerate();
    assert_eq!(
        lines.next().map(|(_, line)| line),
        Some("solute\tsolvent\tdissolves\tsource")
    );
    lines
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(i, line)| match line.split('\t').collect::<Vec<_>>()[..] {
            [solute, solvent, dissolves, source] => (i + 1, solute, solvent, dissolves, source),
            _ => panic!("solubility.tsv:{}: expected 4 tab-separated fields", i + 1),
        })
        .collect()
}

#[test]
fn every_row_names_materials_and_has_a_verdict_and_a_source() {
    let db = MaterialDb::builtin();
    let mut problems = Vec::new();
    for (line, solute, solvent, dissolves, source) in rows() {
        for name in [solute, solvent] {
            if db.lookup(name).is_none() {
                problems.push(format!("line {line}: `{name}` is not in data/materials.tsv"));
            }
        }
        if !["yes", "no", "partial"].contains(&dissolves) {
            problems.push(format!("line {line}: dissolves `{dissolves}` is not yes|no|partial"));
        }
        if source.trim().is_empty() {
            problems.push(format!("line {line}: no source"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn each_pair_is_stated_once() {
    let db = MaterialDb::builtin();
    let mut seen = BTreeMap::new();
    for (line, solute, solvent, ..) in rows() {
        let key = |name: &str| db.lookup(name).map_or(name.to_owned(), |m| m.key.clone());
        if let Some(first) = seen.insert((key(solute), key(solvent)), line) {
            panic!("`{solute}` in `{solvent}`: lines {first} and {line}");
        }
    }
}

#[test]
fn the_materials_table_dissolves_in_column_agrees() {
    let db = MaterialDb::builtin();
    let verdicts: BTreeMap<(String, String), &str> = rows()
        .into_iter()
        .filter_map(|(_, solute, solvent, dissolves, _)| {
            Some(((db.lookup(solute)?.key.clone(), db.lookup(solvent)?.key.clone()), dissolves))
        })
        .collect();
    for material in db.materials() {
        for solvent in &material.dissolves_in {
            let verdict = verdicts.get(&(material.key.clone(), solvent.clone()));
            assert!(
                verdict.is_some_and(|v| *v != "no"),
                "{} dissolves_in {solvent}, solubility.tsv says {verdict:?}",
                material.key
            );
        }
    }
}
