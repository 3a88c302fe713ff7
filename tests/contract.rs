//! The acceptance run of the language contract in `../shared/sketch` (beside the
//! project), when it exists: every file must behave as its `expectations.tsv` says.
//! A clone on its own skips this test, saying so.

use std::path::Path;

#[test]
fn the_shared_sketch_behaves_as_its_expectations_say() {
    let sketch = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/sketch");
    let Ok(expectations) = std::fs::read_to_string(sketch.join("expectations.tsv")) else {
        eprintln!(
            "skipped: {} not found; the contract run needs ../shared beside the project",
            sketch.display()
        );
        return;
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in expectations
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut fields = line.split('\t');
        let (Some(file), Some(expect)) = (fields.next(), fields.next()) else {
            continue;
        };
        let words: Vec<&str> = fields
            .next()
            .unwrap_or("")
            .split('|')
            .filter(|w| !w.is_empty())
            .collect();
        let source = std::fs::read_to_string(sketch.join(file)).unwrap_or_default();
        let compilation = seip::compile(&source);
        let json = serde_json::to_string(&seip::diagnostics::json::to_json(
            &compilation.diagnostics,
            file,
            &source,
        ))
        .unwrap_or_default();
        checked += 1;
        match expect {
            "ok" if compilation.has_errors() => failures.push(format!("{file}: expected no errors, got {json}")),
            "error" if !compilation.has_errors() => failures.push(format!("{file}: expected an error, got none")),
            "error" => {
                for word in &words {
                    if !json.contains(word) {
                        failures.push(format!("{file}: the diagnostics do not mention `{word}`: {json}"));
                    }
                }
            }
            _ => {}
        }
    }
    assert!(checked > 0, "expectations.tsv lists no file");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
