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
    assert_eq!((&suggestion["line"], &suggestion["column"]), (&first["line"], &first["column"]));
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
        seipc(&["build", first.to_str().unwrap(), "--out", out.to_str().unwrap()]).status.code(),
        Some(0)
    );
    assert!(out.join("runsheet-pvd.md").exists());
    let renamed = r#"
protocol "p" {
    substrate li: Li foil { thickness: 50 um, area: 1 cm2 }
    tool press: roll_press in glovebox
    tool chamber: sputter in vacuum
    step flatten: roll_press at 0.5 MPa for 1 min using press { max_wait: 10 min }
    step coat: sputter LiF 20 nm at 1 nm/min using chamber
}
"#;
    let second = scratch("stale-2.seip", renamed.as_bytes());
    let output = seipc(&["build", second.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!out.join("runsheet-pvd.md").exists(), "the stale sheet is removed");
    let sheet = std::fs::read_to_string(out.join("runsheet-press.md")).expect("the press's sheet");
    assert!(sheet.contains("pressure 0.5 MPa"), "{sheet}");
    assert!(!sheet.contains("max_wait 10 min"), "{sheet}");
    assert!(sheet.contains("start coat within 10 min of the end"), "{sheet}");
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
    let unknown = seipc(&["explain", "MgF3"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("`MgF2`"));
}
