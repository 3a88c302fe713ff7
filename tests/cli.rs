//! The `seipc` binary as a user meets it: exit codes, output formats, and hostile input.

use std::path::PathBuf;
use std::process::{Command, Output};

fn seipc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seipc"))
        .args(args)
        .output()
        .expect("seipc runs")
}

/// A scratch file under the target directory, unique per test.
fn scratch(name: &str, contents: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("scratch file");
    path
}

const GOOD: &str = r#"
protocol "p" {
    substrate li: Li foil { thickness: 50 um, area: 1 cm2 }
    tool pvd: sputter in vacuum
    step coat: sputter LiF 20 nm at 1 nm/min using pvd
}
"#;

#[test]
fn a_clean_file_exits_zero() {
    let path = scratch("good.seip", GOOD.as_bytes());
    let output = seipc(&["check", path.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn errors_exit_one_and_json_lists_them() {
    let path = scratch("bad.seip", GOOD.replace("LiF", "LiFF").as_bytes());
    let output = seipc(&["check", "--message-format", "json", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(document["format_version"], seip::emit::json::FORMAT_VERSION);
    let first = &document["diagnostics"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "E0201");
    assert_eq!(first["line"], 5);
    assert_eq!(first["column"], 24);
    assert!(first["message"].as_str().unwrap().contains("`LiFF`"));
    assert!(first["help"].as_str().unwrap().contains("`LiF`"));
    assert!(first["labels"][0]["message"].is_string());
    assert!(first["notes"].is_array());
    assert!(first["file"].as_str().unwrap().ends_with("bad.seip"));
    let suggestion = &first["suggestions"][0];
    assert_eq!(suggestion["replacement"], "LiF");
    assert_eq!(
        (&suggestion["line"], &suggestion["column"]),
        (&first["line"], &first["column"])
    );
    assert_eq!(suggestion["applicability"], "maybe-incorrect");
}

#[test]
fn human_output_has_no_colour_when_piped() {
    let path = scratch("bad_human.seip", GOOD.replace("20 nm", "20 min").as_bytes());
    let output = seipc(&["check", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("E0302"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "escape codes in piped output");
}

#[test]
fn usage_and_io_errors_exit_two() {
    assert_eq!(seipc(&["check", "/no/such/file.seip"]).status.code(), Some(2));
    assert_eq!(seipc(&["check"]).status.code(), Some(2));
    assert_eq!(seipc(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(seipc(&["check", env!("CARGO_TARGET_TMPDIR")]).status.code(), Some(2));
    assert_eq!(seipc(&["explain", "E9999"]).status.code(), Some(2));
}

#[test]
fn explain_prints_the_documented_section() {
    let output = seipc(&["explain", "E0201"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("## E0201"));
}

#[test]
fn hostile_inputs_get_diagnostics_not_panics() {
    let nested = "{".repeat(100_000);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.seip", Vec::new()),
        ("unknown_chars.seip", b"protocol \"p\" { @@@ \x01 }".to_vec()),
        ("unterminated.seip", b"protocol \"p {\n".to_vec()),
        ("not_utf8.seip", b"protocol \"p\" { \xff\xfe }".to_vec()),
        ("nested.seip", nested.into_bytes()),
    ];
    for (name, contents) in cases {
        let path = scratch(name, &contents);
        let output = seipc(&["check", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        let expected = if name == "empty.seip" { 0 } else { 1 };
        assert_eq!(output.status.code(), Some(expected), "{name}: {stderr}");
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    // A sparse 50 MB file: the size is checked before anything is read.
    let path = scratch("huge.seip", b"");
    let file = std::fs::OpenOptions::new().write(true).open(&path).expect("open");
    file.set_len(50 * 1024 * 1024).expect("extend");
    let output = seipc(&["check", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("E0106"));
}

#[test]
fn build_writes_its_outputs() {
    let path = scratch("build.seip", GOOD.as_bytes());
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-build-out");
    let output = seipc(&["build", path.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let program: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("program.json")).expect("program.json")).expect("JSON");
    assert_eq!(program["protocols"][0]["name"], "p");
}

/// A tool renamed in the recipe leaves no run sheet of its old name behind; the sheets
/// show the setpoints in the units written, and `max_wait` as a constraint.
#[test]
fn build_removes_stale_run_sheets_and_keeps_written_units() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-build-stale");
    let _ = std::fs::remove_dir_all(&out);
    let first = scratch("stale-1.seip", GOOD.as_bytes());
    assert_eq!(
        seipc(&["build", first.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert!(out.join("runsheet-pvd.md").exists());
    let renamed = r#"
protocol "p" {
    substrate li: Li foil { thickness: 50 um, area: 1 cm2 }
    tool press: roll_press in glovebox
    tool chamber: sputter in vacuum
    step flatten: roll_press at 0.5 MPa for 1 min using press { max_wait: 60 min }
    step coat: sputter LiF 20 nm at 1 nm/min using chamber
}
"#;
    let second = scratch("stale-2.seip", renamed.as_bytes());
    let output = seipc(&["build", second.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!out.join("runsheet-pvd.md").exists(), "the stale sheet is removed");
    let sheet = std::fs::read_to_string(out.join("runsheet-press.md")).expect("the press's sheet");
    assert!(sheet.contains("pressure 0.5 MPa"), "{sheet}");
    assert!(!sheet.contains("max_wait 60 min"), "{sheet}");
    assert!(sheet.contains("start coat within 60 min of the end"), "{sheet}");
}

#[test]
fn stack_json_is_the_stacks_value() {
    let path = scratch("stack.seip", GOOD.as_bytes());
    let output = seipc(&["stack", "--json", path.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(printed, seip::emit::json::stacks(&seip::compile(GOOD)));
    assert_eq!(printed["protocols"][0]["protocol"], "p");
}

#[test]
fn the_vocabulary_is_listed_and_materials_explained() {
    let output = seipc(&["list", "materials", "fluoride"]);
    assert_eq!(output.status.code(), Some(0));
    let listed = String::from_utf8_lossy(&output.stdout);
    assert!(listed.lines().any(|line| line.starts_with("LiF ")), "{listed}");
    for what in ["operations", "tool-kinds", "environments", "units"] {
        let output = seipc(&["list", what]);
        assert_eq!(output.status.code(), Some(0), "{what}");
        assert!(output.stdout.len() > 100, "{what}");
    }
    let card = seipc(&["explain", "MgF2"]);
    assert_eq!(card.status.code(), Some(0));
    let card = String::from_utf8_lossy(&card.stdout);
    assert!(card.contains("MgF2 + 2 Li -> 2 LiF + Mg"), "{card}");
    assert!(card.contains("3.148 g/cm3"), "{card}");
    assert!(card.contains("CRC Handbook"), "{card}");
    let card = String::from_utf8_lossy(&seipc(&["explain", "VDF"]).stdout).into_owned();
    assert!(card.contains("to `PVDF` in a plasma"), "{card}");
    let card = String::from_utf8_lossy(&seipc(&["explain", "SiO2"]).stdout).into_owned();
    assert!(card.contains("ΔrG = -66.5 kJ/mol Li up to the metal"), "{card}");
    let unknown = seipc(&["explain", "MgF3"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("`MgF2`"));
}

/// `schedule --export-problem` writes the problem; `verify-schedule` accepts the plan
/// `schedule --json` printed for it (exit 0) and rejects one with a sample moved before
/// its predecessor (exit 1, the rule it breaks on stdout).
#[test]
fn an_exported_problem_verifies_its_schedule() {
    let recipe = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/shared_lab_lb_rgo.seip"))
        .expect("the example");
    let path = scratch("export.seip", recipe.as_bytes());
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    let problem = dir.join("problem.json");
    let output = seipc(&[
        "schedule",
        "--json",
        "--time-limit",
        "1",
        "--export-problem",
        problem.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let exported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&problem).expect("problem.json")).expect("JSON");
    assert_eq!(exported["format"], seip::emit::schedule::PROBLEM_FORMAT);
    assert!(
        exported["machines"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["name"] == "vacuum-antechamber"))
    );
    let schedule = dir.join("schedule.json");
    std::fs::write(&schedule, &output.stdout).expect("scratch file");
    let verified = seipc(&["verify-schedule", problem.to_str().unwrap(), schedule.to_str().unwrap()]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );

    let mut broken: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let (before, after) = {
        let pair = &exported["precedences"][0];
        (pair[0].as_u64().unwrap() as usize, pair[1].as_u64().unwrap() as usize)
    };
    let end = broken["operations"][before]["end_s"].as_f64().unwrap();
    let length = broken["operations"][after]["end_s"].as_f64().unwrap()
        - broken["operations"][after]["start_s"].as_f64().unwrap();
    broken["operations"][after]["start_s"] = serde_json::json!(end - 1.0);
    broken["operations"][after]["end_s"] = serde_json::json!(end - 1.0 + length);
    std::fs::write(&schedule, serde_json::to_string(&broken).unwrap()).expect("scratch file");
    let rejected = seipc(&["verify-schedule", problem.to_str().unwrap(), schedule.to_str().unwrap()]);
    assert_eq!(rejected.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&rejected.stdout).contains(&format!("operation {after} starts")));

    let missing = seipc(&[
        "verify-schedule",
        problem.to_str().unwrap(),
        dir.join("nothing.json").to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn fmt_rewrites_in_place_and_check_names_the_files_that_would_change() {
    let messy = scratch(
        "fmt_messy.seip",
        b"protocol \"p\" {substrate li:Li foil\n step a : dry at 60 degC // why\n}",
    );
    let tidy = scratch("fmt_tidy.seip", b"// tidy\nenvironment e { dew_point: -40 degC }\n");
    let (messy, tidy) = (messy.to_str().unwrap(), tidy.to_str().unwrap());
    let output = seipc(&["fmt", "--check", messy, tidy]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stdout), format!("{messy}\n"));
    let output = seipc(&["fmt", messy, tidy]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(messy).unwrap(),
        "protocol \"p\" {\n    substrate li: Li foil\n    step a: dry at 60 degC // why\n}\n"
    );
    assert_eq!(seipc(&["fmt", "--check", messy, tidy]).status.code(), Some(0));
}

#[test]
fn fmt_refuses_a_file_with_a_syntax_error_and_leaves_it_alone() {
    let broken = b"protocol \"p\" { step : }\n";
    let path = scratch("fmt_broken.seip", broken);
    let output = seipc(&["fmt", "--color", "never", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("E0103"));
    assert_eq!(std::fs::read(&path).unwrap(), broken);
    assert_eq!(seipc(&["fmt", "no/such/file.seip"]).status.code(), Some(2));
}

#[test]
fn check_takes_several_files_and_exits_with_the_worst() {
    let good = scratch("many_good.seip", GOOD.as_bytes());
    let bad = scratch("many_bad.seip", b"protocol \"p\" { step : }");
    let (good, bad) = (good.to_str().unwrap(), bad.to_str().unwrap());
    assert_eq!(seipc(&["check", good, good]).status.code(), Some(0));
    assert_eq!(seipc(&["check", good, bad]).status.code(), Some(1));
    assert_eq!(seipc(&["check", bad, "no/such/file.seip", good]).status.code(), Some(2));
    let output = seipc(&["check", "--message-format", "json", bad, good, bad]);
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(document["format_version"], seip::emit::json::FORMAT_VERSION);
    let files: Vec<&str> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["file"].as_str())
        .collect();
    assert_eq!(files, [bad, bad]);
}

#[test]
fn completions_and_the_manual_page_come_from_the_command_line_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let output = seipc(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0));
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(script.contains("fmt") && script.contains("explain"), "{shell}");
    }
    let output = seipc(&["man"]);
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(page.starts_with(".ie") || page.contains(".TH seipc"), "{page}");
    assert!(page.contains("check"));
}

#[test]
fn stack_prints_the_table_beside_an_exceeded_budget() {
    let source = format!(
        "{}    budget coating <= 5 nm\n}}\n",
        GOOD.trim_end().trim_end_matches('}')
    );
    let path = scratch("stack_over_budget.seip", source.as_bytes());
    let output = seipc(&["stack", "--color", "never", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("E0601"), "{stderr}");
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.contains("coat"), "no table on stdout: {table}");
}

/// A rinse without a time: W0501, the planning default assumed.
const ASSUMED: &str = r#"
protocol "rinsed-foil" {
    substrate li: Li foil { thickness: 50 um, area: 1 cm2 }
    tool bath: dip_tank in glovebox
    step wash: rinse in DME using bath
}
"#;

#[test]
fn deny_warnings_makes_every_warning_an_error_of_the_same_code() {
    let path = scratch("deny.seip", ASSUMED.as_bytes());
    let path = path.to_str().unwrap();
    let plain = seipc(&["check", "--color", "never", path]);
    assert_eq!(plain.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&plain.stderr).contains("[W0501] Warning"));
    for command in ["check", "stack", "schedule"] {
        let denied = seipc(&[command, "--color", "never", "--deny", "warnings", path]);
        assert_eq!(denied.status.code(), Some(1), "{command}");
        let stderr = String::from_utf8_lossy(&denied.stderr);
        assert!(stderr.contains("[W0501] Error"), "{command}: {stderr}");
        assert!(stderr.contains("made an error by `--deny warnings`"), "{stderr}");
        assert!(stderr.contains("could not compile"), "{stderr}");
    }
    let json = seipc(&["check", "--deny", "warnings", "--message-format", "json", path]);
    let document: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON document");
    assert_eq!(document["diagnostics"][0]["code"], "W0501");
    assert_eq!(document["diagnostics"][0]["severity"], "error");
    // A denied warning stops the build as an error does: nothing is written.
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli/deny-out");
    let _ = std::fs::remove_dir_all(&out);
    let build = seipc(&["build", "--deny", "warnings", "--out", out.to_str().unwrap(), path]);
    assert_eq!(build.status.code(), Some(1));
    assert!(!out.exists());
}

#[test]
fn an_allowed_warning_is_reported_by_no_command_and_not_denied() {
    let allowed = ASSUMED.replace(
        "    step wash",
        "    allow W0501 \"the lab rinses for one minute\"\n    step wash",
    );
    let path = scratch("allowed.seip", allowed.as_bytes());
    let path = path.to_str().unwrap();
    for command in ["check", "stack", "schedule"] {
        let output = seipc(&[command, "--color", "never", "--deny", "warnings", path]);
        assert_eq!(output.status.code(), Some(0), "{command}");
        assert!(!String::from_utf8_lossy(&output.stderr).contains("W0501"), "{command}");
    }
}

/// `--json` with `--message-format json` prints one document: the output with the
/// diagnostics inside it, or the diagnostics alone when there is no output.
#[test]
fn json_output_and_json_diagnostics_are_one_document() {
    let path = scratch("one_document.seip", ASSUMED.as_bytes());
    let path = path.to_str().unwrap();
    for (command, member) in [("stack", "protocols"), ("schedule", "operations")] {
        let output = seipc(&[command, "--json", "--message-format", "json", path]);
        assert_eq!(output.status.code(), Some(0), "{command}");
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
        assert!(document[member].is_array(), "{command}: {document}");
        assert_eq!(document["diagnostics"][0]["code"], "W0501", "{command}");
        assert_eq!(document["format_version"], seip::emit::json::FORMAT_VERSION);
    }
    let broken = scratch("one_document_broken.seip", b"protocol \"p\" { step : }");
    for command in ["stack", "schedule"] {
        let output = seipc(&[command, "--json", "--message-format", "json", broken.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(1));
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
        assert_eq!(document["diagnostics"][0]["code"], "E0103", "{command}");
    }
}

/// A waiting limit only a schedule can test is checked by `check` as by `build`.
#[test]
fn check_finds_an_unmet_max_wait_as_build_does() {
    let case = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/plan/max_wait_unmet.seip");
    for command in ["check", "build"] {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli/max-wait-out");
        let output = match command {
            "build" => seipc(&[command, "--color", "never", "--out", out.to_str().unwrap(), case]),
            _ => seipc(&[command, "--color", "never", case]),
        };
        assert_eq!(output.status.code(), Some(1), "{command}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("[E0503]"), "{command}");
    }
}
