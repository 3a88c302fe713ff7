//! `seipc lsp` in a real editor: Neovim, headless, runs `tests/editor/nvim_lsp.lua`
//! against the built binary on a copy of an example. Skipped, saying so, when `nvim` is
//! not installed (CI installs it: `apt-get install -y neovim`).

use std::process::Command;

#[test]
fn neovim_gets_diagnostics_a_hover_and_a_completion() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!("skipped: `nvim` is not installed (apt-get install -y neovim)");
        return;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    // A copy, since the script edits the buffer (it never saves, but a crash might).
    let folder = std::env::temp_dir().join(format!("seip-nvim-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("liquid_bsl_snf2.seip");
    std::fs::copy(format!("{root}/examples/liquid_bsl_snf2.seip"), &file).unwrap();
    let output = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-i", "NONE"])
        .arg("-c")
        .arg(format!("luafile {root}/tests/editor/nvim_lsp.lua"))
        .env("SEIPC", env!("CARGO_BIN_EXE_seipc"))
        .env("SEIP_FILE", &file)
        .env("HOME", &folder)
        .env("XDG_STATE_HOME", &folder)
        .env("XDG_CACHE_HOME", &folder)
        .output()
        .expect("nvim runs");
    let _ = std::fs::remove_dir_all(&folder);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "nvim failed ({}):\nstdout: {}\nstderr: {stderr}",
        output.status,
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(stderr.contains("all checks passed"), "stderr: {stderr}");
}
