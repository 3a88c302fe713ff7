//! Issue 10, "What it must show": which of the review's processes the examples write.
//! `tests/data/review_processes.txt` is the process index of
//! `shared/reference/processes.md`; an example writes a process when it names the
//! process's id (`G-CVD-06`) in a comment. Every family (the id's prefix) has at least one
//! example, every id an example names is a process of the review, and the coverage table
//! of `examples/README.md` lists exactly the ids the examples name, file by file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const PROCESSES: &str = include_str!("data/review_processes.txt");

/// Process id -> title.
fn processes() -> BTreeMap<&'static str, &'static str> {
    PROCESSES
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split_once('\t').expect("id<TAB>title"))
        .collect()
}

/// The family of a process id: `G-CVD-06` -> `G-CVD`.
fn family(id: &str) -> &str {
    id.rsplit_once('-').map_or(id, |(family, _)| family)
}

/// The process ids written in `text`: a family prefix of the list, `-`, two digits.
fn ids_in(text: &str, families: &BTreeSet<&str>) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for family in families {
        let prefix = format!("{family}-");
        for (at, _) in text.match_indices(&prefix) {
            let digits: String = text[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let before = text[..at].chars().next_back();
            if digits.len() == 2 && !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-') {
                ids.insert(format!("{prefix}{digits}"));
            }
        }
    }
    ids
}

/// Example file name -> the ids its comments name.
fn examples(families: &BTreeSet<&str>) -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    std::fs::read_dir(&dir)
        .expect("examples/ exists")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "seip"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("examples are UTF-8");
            let comments: String = text
                .lines()
                .filter_map(|line| line.split_once("//").map(|(_, comment)| comment))
                .collect::<Vec<_>>()
                .join("\n");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, ids_in(&comments, families))
        })
        .collect()
}

#[test]
fn the_list_is_the_reviews_110_processes() {
    let processes = processes();
    assert_eq!(processes.len(), 110);
    let families: BTreeSet<&str> = processes.keys().map(|id| family(id)).collect();
    assert_eq!(
        families.into_iter().collect::<Vec<_>>(),
        [
            "G-CVD", "G-PVD", "G-RX", "L-CR", "L-EC", "L-SC", "O-PL", "O-PP", "S-CR", "S-MM", "S-MP"
        ]
    );
}

#[test]
fn every_family_has_an_example_and_every_named_id_is_a_process() {
    let processes = processes();
    let families: BTreeSet<&str> = processes.keys().map(|id| family(id)).collect();
    let examples = examples(&families);
    let mut problems = Vec::new();
    for (file, ids) in &examples {
        for id in ids.iter().filter(|id| !processes.contains_key(id.as_str())) {
            problems.push(format!("{file} names `{id}`, which is not a process of the review"));
        }
    }
    let written: BTreeSet<&str> = examples.values().flatten().map(|id| family(id)).collect();
    for family in families.iter().filter(|family| !written.contains(*family)) {
        problems.push(format!("no example names a process of the `{family}` family"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The README's coverage table: one row per example that names processes, `| file | ids |`.
#[test]
fn the_readme_lists_the_processes_each_example_writes() {
    let processes = processes();
    let families: BTreeSet<&str> = processes.keys().map(|id| family(id)).collect();
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/README.md"))
        .expect("examples/README.md exists");
    let section = readme
        .split_once("## Processes of the review written as examples")
        .expect("examples/README.md has the coverage section")
        .1;
    let section = section.split("\n## ").next().unwrap_or(section);
    let listed: BTreeMap<String, BTreeSet<String>> = section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let file = cells.get(1)?.trim_matches('`');
            let ids = cells.get(2)?;
            file.ends_with(".seip")
                .then(|| (file.to_owned(), ids_in(ids, &families)))
        })
        .collect();
    let named: BTreeMap<String, BTreeSet<String>> = examples(&families)
        .into_iter()
        .filter(|(_, ids)| !ids.is_empty())
        .collect();
    assert_eq!(
        listed, named,
        "the coverage table of examples/README.md differs from the examples' comments"
    );
}
