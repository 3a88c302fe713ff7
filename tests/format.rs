//! `seip::format::format` on every example and every case file that parses: it is a
//! fixpoint, and the formatted text compiles to the same program with the same
//! diagnostics. Proptest: re-spacing a file does not change its layout, and comments put
//! anywhere between tokens survive.

use std::path::{Path, PathBuf};

use logos::Logos;
use proptest::prelude::*;
use seip::syntax::token::Tok;

fn seip_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            seip_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "seip") {
            out.push(path);
        }
    }
}

fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    seip_files(&root.join("examples"), &mut paths);
    seip_files(&root.join("tests/cases"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| Some((path.clone(), String::from_utf8(std::fs::read(&path).ok()?).ok()?)))
        .collect()
}

/// What a compilation says, without source positions: the program's JSON with every
/// span and line taken out, and the diagnostics' codes and messages.
fn meaning(source: &str) -> (serde_json::Value, Vec<(String, String)>) {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.retain(|key, _| !matches!(key.as_str(), "span" | "line" | "column"));
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let compilation = seip::compile(source);
    let mut program = seip::emit::json::to_value(&compilation);
    strip(&mut program);
    let diagnostics = compilation
        .diagnostics
        .iter()
        .map(|d| (d.code.id.to_owned(), d.message.clone()))
        .collect();
    (program, diagnostics)
}

#[test]
fn formatting_is_a_fixpoint_and_keeps_the_meaning() {
    let mut formatted_count = 0;
    for (path, source) in corpus() {
        let Ok(once) = seip::format::format(&source) else {
            continue;
        };
        formatted_count += 1;
        let twice = seip::format::format(&once).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        assert_eq!(once, twice, "{}: not a fixpoint", path.display());
        assert_eq!(
            meaning(&source),
            meaning(&once),
            "{}: the meaning changed",
            path.display()
        );
    }
    assert!(formatted_count > 50, "only {formatted_count} files formatted");
}

#[test]
fn the_shipped_examples_are_formatted() {
    for (path, source) in corpus() {
        if is_example(&path) {
            assert_eq!(
                seip::format::format(&source).as_ref(),
                Ok(&source),
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn files_with_syntax_errors_are_refused_with_their_diagnostics() {
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cases/syntax/syntax_error.seip"
    ))
    .expect("case file");
    let diagnostics = seip::format::format(&source).unwrap_err();
    assert!(diagnostics.iter().any(|d| d.code.id == "E0103"), "{diagnostics:?}");
}

/// The tokens of a text, as written.
fn tokens(source: &str) -> Vec<&str> {
    let mut lexer = Tok::lexer(source);
    let mut out = Vec::new();
    while let Some(token) = lexer.next() {
        token.expect("the examples lex");
        out.push(lexer.slice());
    }
    out
}

/// Whether a corpus file is a shipped example (judged inside the project, so that a
/// checkout under a folder named `examples` does not count every case file as one).
fn is_example(path: &Path) -> bool {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .is_ok_and(|relative| relative.starts_with("examples"))
}

fn examples() -> Vec<String> {
    corpus()
        .into_iter()
        .filter(|(path, _)| is_example(path))
        .map(|(_, source)| source)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn respacing_does_not_change_the_layout(
        which in 0usize..64,
        gaps in proptest::collection::vec(prop_oneof![Just(" "), Just("\n"), Just("\t "), Just(" \n    ")], 400),
    ) {
        let examples = examples();
        let source = &examples[which % examples.len()];
        let tokens = tokens(source);
        let plain = tokens.join(" ");
        let respaced: String = tokens
            .iter()
            .enumerate()
            .map(|(i, token)| format!("{token}{}", gaps[i % gaps.len()]))
            .collect();
        prop_assert_eq!(seip::format::format(&respaced), seip::format::format(&plain));
    }

    #[test]
    fn comments_anywhere_survive(
        which in 0usize..64,
        places in proptest::collection::vec(any::<bool>(), 400),
    ) {
        let examples = examples();
        let source = &examples[which % examples.len()];
        let tokens = tokens(source);
        let mut commented = String::new();
        let mut count = 0;
        for (i, token) in tokens.iter().enumerate() {
            commented.push_str(token);
            if places[i % places.len()] && i % 3 == 0 {
                count += 1;
                commented.push_str(&format!(" // note {count}\n"));
            } else {
                commented.push(' ');
            }
        }
        let once = seip::format::format(&commented).expect("a commented example formats");
        prop_assert_eq!(once.matches("// note").count(), count);
        let twice = seip::format::format(&once);
        prop_assert_eq!(twice.as_ref(), Ok(&once));
        prop_assert_eq!(meaning(&commented), meaning(&once));
    }
}
