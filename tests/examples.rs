//! Every shipped example compiles without errors, and what the compiler derives from it
//! (the JSON of `seipc build`) is snapshotted.

#[test]
fn every_example_compiles_and_its_json_is_stable() {
    insta::glob!("../examples", "*.seip", |path| {
        let source = std::fs::read_to_string(path).expect("examples are UTF-8 text");
        let compilation = seip::compile(&source);
        let errors: Vec<_> = compilation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| &d.message)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        let diagnostics = seip::diagnostics::json::to_json(&compilation.diagnostics, "example.seip", &source);
        insta::assert_json_snapshot!(serde_json::json!({
            "diagnostics": diagnostics,
            "compilation": seip::emit::json::to_value(&compilation),
        }));
    });
}
