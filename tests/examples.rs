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
