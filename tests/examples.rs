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

/// Every example's batch is scheduled, and the schedule passes the independent checker
/// (precedence, capacity, set-ups, waiting limits), not the scheduler's own bookkeeping.
#[test]
fn every_example_schedules_and_the_schedule_checks_out() {
    insta::glob!("../examples", "*.seip", |path| {
        let source = std::fs::read_to_string(path).expect("examples are UTF-8 text");
        let compilation = seip::compile(&source);
        let (plan, diagnostics) = seip::schedule(&compilation, std::time::Duration::from_millis(300));
        let errors: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| &d.message)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        let plan = plan.unwrap_or_else(|| panic!("{}: no plan", path.display()));
        if let Err(violations) = seip::plan::schedule::verify(&plan.expansion.problem, &plan.schedule) {
            panic!("{}: {violations:#?}", path.display());
        }
        assert!(plan.schedule.makespan_s + 1e-6 >= plan.schedule.lower_bound_s);
    });
}

/// `program.json` and `seipc stack --json` are written one protocol at a time; the text is
/// exactly that of the whole value pretty-printed.
#[test]
fn streamed_json_is_the_pretty_printed_value() {
    insta::glob!("../examples", "*.seip", |path| {
        let source = std::fs::read_to_string(path).expect("examples are UTF-8 text");
        let compilation = seip::compile(&source);
        let mut program = Vec::new();
        seip::emit::json::write_program(&compilation, &mut program).expect("writing to memory");
        let whole = serde_json::to_string_pretty(&seip::emit::json::to_value(&compilation)).unwrap();
        assert_eq!(String::from_utf8(program).unwrap(), whole, "{}", path.display());
        let mut stacks = Vec::new();
        seip::emit::json::write_stacks(&compilation, &mut stacks).expect("writing to memory");
        let whole = serde_json::to_string_pretty(&seip::emit::json::stacks(&compilation)).unwrap();
        assert_eq!(String::from_utf8(stacks).unwrap(), whole, "{}", path.display());
    });
    // No protocol at all: empty arrays.
    let empty = seip::compile("");
    let mut program = Vec::new();
    seip::emit::json::write_program(&empty, &mut program).expect("writing to memory");
    let whole = serde_json::to_string_pretty(&seip::emit::json::to_value(&empty)).unwrap();
    assert_eq!(String::from_utf8(program).unwrap(), whole);
}
