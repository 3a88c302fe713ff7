//! Issue 10, "What it must show" #3: every material a process of the review names
//! (`tests/data/review_materials.txt`, derived from `shared/reference/processes.md`) is known
//! to the built-in table under the key the list gives.

use seip::sema::materials::MaterialDb;

const LIST: &str = include_str!("data/review_materials.txt");

/// (line number, name as the review writes it, table key) for every entry of the list.
fn entries() -> Vec<(usize, &'static str, &'static str)> {
    LIST.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(i, line)| {
            let mut fields = line.split('\t');
            let name = fields.next().unwrap_or_default();
            let key = fields
                .next()
                .unwrap_or_else(|| panic!("review_materials.txt:{}: no key after the name", i + 1));
            (i + 1, name, key)
        })
        .collect()
}

#[test]
fn every_review_material_resolves_to_a_table_key() {
    let db = MaterialDb::builtin();
    let missing: Vec<String> = entries()
        .into_iter()
        .filter(|(_, _, key)| db.lookup(key).is_none_or(|material| material.key != *key))
        .map(|(line, name, key)| format!("line {line}: `{name}` -> `{key}`"))
        .collect();
    assert!(missing.is_empty(), "not table keys:\n{}", missing.join("\n"));
}

#[test]
fn the_list_covers_the_materials_issue_10_names() {
    let keys: Vec<&str> = entries().into_iter().map(|(_, _, key)| key).collect();
    for key in [
        "polyurea",
        "silk_fibroin",
        "glass_fibre",
        "stainless_steel",
        "UiO-66",
        "Zn-MOF",
        "BDSF",
    ] {
        assert!(keys.contains(&key), "{key} is not in the list");
    }
    assert!(keys.len() > 100, "{} entries", keys.len());
}
