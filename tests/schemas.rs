//! The JSON Schemas in `spec/schema/` are what the Rust types generate, and every
//! example's outputs (and every case file's diagnostics) validate against them.
//! `SEIP_UPDATE_SCHEMAS=1 cargo test --test schemas` rewrites the files.

use std::path::{Path, PathBuf};

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/schema")
}

fn committed(name: &str) -> serde_json::Value {
    let path = schema_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("a schema is JSON")
}

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    let update = std::env::var_os("SEIP_UPDATE_SCHEMAS").is_some();
    for (name, schema) in seip::emit::schema::all() {
        let text = serde_json::to_string_pretty(&schema).expect("a schema serialises") + "\n";
        let path = schema_dir().join(name);
        if update {
            std::fs::write(&path, &text).expect("write the schema");
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == text,
            "{} differs from the generated schema: run `SEIP_UPDATE_SCHEMAS=1 cargo test --test schemas`",
            path.display()
        );
    }
}

fn validate(schema: &str, document: &serde_json::Value, what: &str) {
    let validator = jsonschema::validator_for(&committed(schema)).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match {schema}:\n{}",
        errors.join("\n")
    );
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a folder of recipes") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "seip") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_example_output_matches_its_schema() {
    for path in files("examples") {
        let what = path.display().to_string();
        let source = std::fs::read_to_string(&path).expect("examples are UTF-8");
        let compilation = seip::compile(&source);
        validate("program.schema.json", &seip::emit::json::to_value(&compilation), &what);
        let stacks = seip::emit::json::stacks(&compilation);
        validate("stack.schema.json", &stacks, &what);
        let (plan, mut diagnostics) = seip::schedule(&compilation, std::time::Duration::from_millis(300));
        let plan = plan.unwrap_or_else(|| panic!("{what}: no plan"));
        let schedule = seip::emit::schedule::to_json(&compilation, &plan.expansion, &plan.schedule);
        validate("schedule.schema.json", &schedule, &what);
        diagnostics.extend(compilation.diagnostics.iter().cloned());
        let document = seip::diagnostics::json::document(&diagnostics, "example.seip", &source);
        validate(
            "diagnostics.schema.json",
            &serde_json::to_value(&document).unwrap(),
            &what,
        );
        // `--json --message-format json`: the document with the diagnostics in it.
        for (schema, output) in [
            ("stack-with-diagnostics.schema.json", stacks),
            ("schedule-with-diagnostics.schema.json", schedule),
        ] {
            let combined = seip::emit::json::WithDiagnostics {
                document: output,
                diagnostics: &document.diagnostics,
            };
            validate(schema, &serde_json::to_value(combined).unwrap(), &what);
        }
    }
}

/// The check can fail: a document without its version, or with a number where a name
/// belongs, is refused.
#[test]
fn a_corrupted_document_is_refused() {
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/pvd_mgf2.seip"))
        .expect("the example");
    let mut program = seip::emit::json::to_value(&seip::compile(&source));
    let validator = jsonschema::validator_for(&committed("program.schema.json")).expect("the schema compiles");
    assert!(validator.is_valid(&program));
    program["protocols"][0]["steps"][0]["tool_name"] = serde_json::json!(3);
    assert!(!validator.is_valid(&program));
    program.as_object_mut().unwrap().remove("format_version");
    assert!(!validator.is_valid(&program));
}

#[test]
fn every_case_diagnostic_matches_its_schema() {
    for path in files("tests/cases") {
        let bytes = std::fs::read(&path).expect("a case file");
        let (source, decode_error) = seip::decode(&bytes);
        let diagnostics = match decode_error {
            Some(diagnostic) => vec![diagnostic],
            None => seip::compile(&source).diagnostics,
        };
        let document = seip::diagnostics::json::document(&diagnostics, "case.seip", &source);
        validate(
            "diagnostics.schema.json",
            &serde_json::to_value(document).unwrap(),
            &path.display().to_string(),
        );
    }
}
