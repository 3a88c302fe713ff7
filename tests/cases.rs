//! One case file per diagnostic: `tests/cases/<stage>/<name>.seip`.
//!
//! Each case starts with a comment `// expect: E0302 W0401` listing every code the file
//! must produce (in any order, each as often as written); the harness fails on a missing
//! or an unexpected code, so no stray error slips through. The rendered diagnostics
//! (plain text, no colour, a fixed display path) are snapshotted with insta.

use std::path::Path;

use seip::diagnostics::render;

fn expected_codes(source: &str) -> Vec<String> {
    let mut codes: Vec<String> = source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("// expect:"))
        .flat_map(|rest| rest.split_whitespace().map(str::to_owned))
        .collect();
    codes.sort();
    codes
}

/// The path shown in snapshots: relative to `tests/`, with `/` on every platform.
fn display_path(path: &Path) -> String {
    let relative = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

#[test]
fn every_case_produces_exactly_its_expected_diagnostics() {
    insta::glob!("cases/**/*.seip", |path| {
        let bytes = std::fs::read(path).expect("case files are readable");
        let (source, decode_error) = seip::decode(&bytes);
        let diagnostics = match decode_error {
            Some(diagnostic) => vec![diagnostic],
            None => {
                // Scheduling runs too, for its own diagnostics (durations, waits).
                let compilation = seip::compile(&source);
                let (_, plan_diagnostics) = seip::schedule(&compilation, std::time::Duration::from_millis(200));
                let mut diagnostics = compilation.diagnostics;
                diagnostics.extend(plan_diagnostics);
                seip::diagnostics::sort(&mut diagnostics);
                diagnostics
            }
        };
        let mut actual: Vec<String> = diagnostics.iter().map(|d| d.code.id.to_owned()).collect();
        actual.sort();
        let expected = expected_codes(&source);
        assert!(!expected.is_empty(), "{}: add a `// expect: CODE` line", path.display());
        assert_eq!(
            actual,
            expected,
            "{}: codes differ from its `// expect:` line",
            path.display()
        );
        let shown = display_path(path);
        let rendered = render::render(&diagnostics, &shown, &source, false);
        let summary = render::summary(&diagnostics, &shown).unwrap_or_default();
        let normalised_source = source.replace("\r\n", "\n");
        insta::assert_snapshot!(format!(
            "----- SOURCE\n{normalised_source}\n----- DIAGNOSTICS\n{rendered}{summary}\n"
        ));
    });
}

/// The diagnostics of a text, scheduling included, as the cases are checked.
fn diagnose(source: &str) -> Vec<seip::diagnostics::Diagnostic> {
    let compilation = seip::compile(source);
    let (_, plan_diagnostics) = seip::schedule(&compilation, std::time::Duration::from_millis(200));
    let mut diagnostics = compilation.diagnostics;
    diagnostics.extend(plan_diagnostics);
    diagnostics
}

/// How many diagnostics of each code.
fn count_codes(diagnostics: &[seip::diagnostics::Diagnostic]) -> std::collections::BTreeMap<&'static str, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for diagnostic in diagnostics {
        *counts.entry(diagnostic.code.id).or_insert(0) += 1;
    }
    counts
}

/// Every edit a case's diagnostics suggest does what it says: applied to the text (the
/// edits of one diagnostic together), the diagnostic is gone, and no error appears that
/// was not there before.
#[test]
fn every_suggested_edit_fixes_its_diagnostic() {
    let mut applied = 0;
    let mut failures = Vec::new();
    for path in walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")) {
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        let before = diagnose(&source);
        let counts = count_codes(&before);
        // Past 100 syntax errors the count is capped (E0108): one fixed, the 101st shows.
        if counts.contains_key(seip::diagnostics::codes::TOO_MANY_ERRORS.id) {
            continue;
        }
        for diagnostic in before.iter().filter(|d| !d.suggestions.is_empty()) {
            let mut edits: Vec<_> = diagnostic.suggestions.iter().collect();
            edits.sort_by_key(|edit| std::cmp::Reverse(edit.span.start));
            let mut fixed = source.clone();
            for edit in edits {
                fixed.replace_range(edit.span.range(), &edit.replacement);
            }
            let after = count_codes(&diagnose(&fixed));
            let what = format!(
                "{}: the edit of {} ({})",
                display_path(&path),
                diagnostic.code.id,
                diagnostic.message
            );
            if after.get(diagnostic.code.id).copied().unwrap_or(0) >= counts[diagnostic.code.id] {
                failures.push(format!("{what} leaves it: {after:?}"));
            }
            for (code, count) in &after {
                if code.starts_with('E') && *count > counts.get(code).copied().unwrap_or(0) {
                    failures.push(format!("{what} brings {code}: {after:?}"));
                }
            }
            applied += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(applied >= 10, "only {applied} suggestions were tried");
}

/// Codes whose trigger cannot be a case file, with the test that covers them instead.
const COVERED_ELSEWHERE: &[(&str, &str)] = &[
    (
        "E0130",
        "src/format/mod.rs: verify_notices_a_changed_tree_and_a_lost_comment (a formatter bug, no input causes it)",
    ),
    ("E0106", "tests/cli.rs: a_file_over_the_size_limit_is_refused"),
    (
        "E0109",
        "tests/robustness.rs: a_file_of_too_many_protocols_stops_after_parsing",
    ),
    (
        "W0603",
        "tests/model.rs: a_stack_past_the_layer_limit_is_no_longer_modelled",
    ),
    (
        "E0504",
        "wraps a scheduler error that a checked program cannot cause (a cycle or a malformed problem)",
    ),
];

#[test]
fn every_code_is_documented_and_has_a_case() {
    let spec = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/diagnostics.md"))
        .expect("spec/diagnostics.md exists");
    let mut cases = String::new();
    for entry in walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")) {
        // Lossy: the invalid-UTF-8 case must be read too.
        cases.push_str(&String::from_utf8_lossy(&std::fs::read(entry).unwrap_or_default()));
    }
    let mut missing = Vec::new();
    for code in seip::diagnostics::codes::ALL {
        if !spec.contains(&format!("## {}", code.id)) {
            missing.push(format!("{} is not documented in spec/diagnostics.md", code.id));
        }
        if !cases.contains(code.id) && !COVERED_ELSEWHERE.iter().any(|(id, _)| *id == code.id) {
            missing.push(format!("{} has no case in tests/cases", code.id));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "seip") {
            files.push(path);
        }
    }
    files.sort();
    files
}
