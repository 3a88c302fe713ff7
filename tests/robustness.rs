//! No input makes the compiler panic: random text, random token soup built from the
//! language's own words, and mutations of the shipped examples all go through the whole
//! pipeline (and both renderers) and come out as diagnostics.

use proptest::prelude::*;

fn compile_and_render(source: &str) {
    let compilation = seip::compile(source);
    let _ = seip::diagnostics::render::render(&compilation.diagnostics, "fuzz.seip", source, false);
    let _ = seip::diagnostics::json::to_json(&compilation.diagnostics, "fuzz.seip", source);
    let _ = seip::emit::json::to_value(&compilation);
    let _ = seip::emit::dot::to_dot(&compilation);
}

const WORDS: &[&str] = &[
    "protocol",
    "tool",
    "reagent",
    "environment",
    "substrate",
    "batch",
    "step",
    "budget",
    "in",
    "for",
    "at",
    "on",
    "onto",
    "using",
    "after",
    "operation",
    "tool_kind",
    "param",
    "required",
    "{",
    "}",
    ":",
    ",",
    "=",
    "+",
    "-",
    "/",
    "<=",
    ">=",
    "%",
    "\"p\"",
    "\"PVDF-HFP\"",
    "li",
    "Li",
    "foil",
    "pvd",
    "sputter",
    "immerse",
    "roll_press",
    "dry",
    "plasma",
    "vacuum",
    "glovebox",
    "air",
    "MoS2",
    "DMSO",
    "water",
    "CF4",
    "N2",
    "bsl",
    "10",
    "0.5",
    "450",
    "1e3",
    "nm",
    "um",
    "µm",
    "min",
    "s",
    "h",
    "degC",
    "°C",
    "K",
    "M",
    "wt%",
    "MPa",
    "W",
    "mA/cm2",
    "nm/min",
    "cycles",
    "capacity",
    "pump_down",
    "thickness",
    "area",
    "coating",
    "effect",
    "deposit",
    "tools",
    "\n",
    " ",
    "//c\n",
    "\"",
    "\u{2212}",
    "@",
    ";",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..120).prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(source in "\\PC{0,300}") {
        compile_and_render(&source);
    }

    #[test]
    fn token_soup_never_panics(source in token_soup()) {
        compile_and_render(&source);
    }

    #[test]
    fn mutated_examples_never_panic(index in 0usize..64, cut in 0usize..4000, insert in prop::sample::select(WORDS)) {
        let examples: Vec<_> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
            .expect("examples folder")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "seip"))
            .collect();
        let mut examples = examples;
        examples.sort();
        let path = &examples[index % examples.len()];
        let text = std::fs::read_to_string(path).expect("example text");
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mutated = format!("{}{insert}{}", &text[..at], &text[at..]);
        compile_and_render(&mutated);
        let truncated = &text[..at];
        compile_and_render(truncated);
    }
}

#[test]
fn deep_and_long_inputs_finish() {
    compile_and_render(&"{".repeat(100_000));
    compile_and_render(&"}".repeat(100_000));
    compile_and_render(&"protocol \"p\" {".repeat(10_000));
    compile_and_render(&"step a: dry ".repeat(10_000));
    compile_and_render(&"@".repeat(100_000));
}

/// Everything `seipc build` writes, as text, for one run.
fn build_outputs(source: &str) -> Vec<String> {
    let compilation = seip::compile(source);
    let mut outputs = vec![
        seip::emit::json::to_value(&compilation).to_string(),
        seip::emit::dot::to_dot(&compilation),
        seip::emit::stack_svg::stack_svg(&compilation.program, &compilation.stacks),
        seip::model::table::render_table(&compilation.program, &compilation.stacks),
    ];
    // A search that stops on its own (at the bound or by stagnation) is the same on
    // every run; the generous limit keeps the clock out of it.
    let (plan, _) = seip::schedule(&compilation, std::time::Duration::from_secs(60));
    if let Some(plan) = plan {
        outputs.push(seip::emit::schedule::to_json(&compilation, &plan.expansion, &plan.schedule).to_string());
        outputs.push(seip::emit::gantt::to_svg(&compilation, &plan.expansion, &plan.schedule));
        outputs.extend(
            seip::emit::schedule::run_sheets(&compilation, &plan.expansion, &plan.schedule)
                .into_iter()
                .map(|(_, sheet)| sheet),
        );
    }
    outputs
}

#[test]
fn output_is_deterministic() {
    for source in [
        include_str!("../examples/shared_lab_lb_rgo.seip"),
        include_str!("../examples/liquid_bsl_snf2.seip"),
    ] {
        assert_eq!(build_outputs(source), build_outputs(source));
    }
}

// Only one of the generator's recipes is used here.
#[allow(dead_code)]
#[path = "../benches/support/generate.rs"]
mod generate;

/// The `.seip` files under `dir` (relative to the crate), read as text (the one case
/// that is not UTF-8 is left out), in path order.
fn seip_sources(dir: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut folders = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
    while let Some(folder) = folders.pop() {
        for path in std::fs::read_dir(folder)
            .expect("a folder of recipes")
            .flatten()
            .map(|e| e.path())
        {
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "seip") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .collect()
}

/// `seipc check` keeps only the diagnostics, and they are those of a full compile: on the
/// shipped examples and every case file (whose codes, and so their number of errors,
/// `tests/cases.rs` asserts), and on a generated file large enough (over 1 MB, 12 000
/// steps) to be parsed in two halves and checked on two threads.
#[test]
fn check_reports_what_a_full_compile_reports() {
    let mut sources = seip_sources("examples");
    sources.extend(seip_sources("tests/cases"));
    let large = generate::protocols(12_000, 1, 3);
    assert!(large.len() > 1 << 20, "the generated file is {} bytes", large.len());
    sources.push(large);
    for source in &sources {
        let full = seip::compile(source);
        let check = seip::compile_keeping(source, seip::Keep::Diagnostics);
        assert_eq!(check.diagnostics, full.diagnostics);
        assert!(check.stacks.is_empty() && check.graphs.is_empty());
        assert_eq!(full.stacks.len(), full.program.protocols.len());
    }
}

/// 100 001 protocols: the tree is read, the first protocol over the limit is reported, and
/// no later stage runs.
#[test]
fn a_file_of_too_many_protocols_stops_after_parsing() {
    let source: String = (0..=seip::MAX_PROTOCOLS)
        .map(|i| format!("protocol \"p{i}\" {{ }}\n"))
        .collect();
    let compilation = seip::compile_keeping(&source, seip::Keep::Diagnostics);
    let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0109"]);
    let span = compilation.diagnostics[0].primary.span;
    assert_eq!(&source[span.start as usize..span.end as usize], "\"p100000\"");
    assert!(compilation.program.protocols.is_empty());
}

/// A protocol holds copies of only the file-level reagents its steps name, in the order
/// they are declared: a study of many protocols and many file-level reagents stays linear.
#[test]
fn a_protocol_copies_only_the_file_reagents_it_uses() {
    let source = r#"reagent a = SnF2 0.1 M in DMSO
reagent b = SnF2 0.2 M in DMSO
reagent c = SnF2 0.3 M in DMSO
tool bath: dip_tank in glovebox
protocol "p" {
    substrate li: Li foil
    reagent own = ZnF2 0.1 M in DMSO
    step one: immerse in c for 1 min using bath
    step two: immerse in a for 1 min using bath
    step three: immerse in own for 1 min using bath
}
"#;
    let compilation = seip::compile(source);
    assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
    let protocol = &compilation.program.protocols[0];
    let names: Vec<&str> = protocol.reagents.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["a", "c", "own"]);
    let used: Vec<&str> = protocol
        .steps
        .iter()
        .map(|step| match &step.reagent {
            Some(seip::sema::program::ReagentUse::Reagent { index, .. }) => protocol.reagents[*index].name.as_str(),
            other => panic!("a declared reagent, not {other:?}"),
        })
        .collect();
    assert_eq!(used, ["c", "a", "own"]);
}
