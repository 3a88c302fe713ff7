//! `seipc check --watch` and `seipc build --watch` as a person uses them: start it, save
//! the recipe, read the new result, save again, then Ctrl-C.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Long enough for a loaded machine; a passing run waits far less.
const PATIENCE: Duration = Duration::from_secs(60);

const GOOD: &str = "protocol \"p\" {
    substrate li: Li foil { thickness: 50 um, area: 1 cm2 }
    tool pvd: sputter in vacuum
    step coat: sputter LiF 20 nm at 1 nm/min using pvd
}
";

/// A running `seipc ... --watch` and the lines of its standard error.
struct Watch {
    child: Child,
    lines: Receiver<String>,
}

impl Watch {
    fn start(args: &[&str]) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seipc"))
            .args(args)
            .arg("--watch")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("seipc starts");
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Watch { child, lines }
    }

    /// The lines of one run: everything up to the next "watching ..." line.
    fn run(&self) -> String {
        let deadline = Instant::now() + PATIENCE;
        let mut text = String::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with("watching ") => return text,
                Ok(line) => text.push_str(&format!("{line}\n")),
                Err(e) => panic!("no run finished ({e:?}); so far:\n{text}"),
            }
        }
    }

    /// Nothing more is printed for `quiet`.
    fn stays_quiet(&self, quiet: Duration) {
        match self.lines.recv_timeout(quiet) {
            Err(RecvTimeoutError::Timeout) => {}
            other => panic!("expected no new run, got {other:?}"),
        }
    }

    /// Ctrl-C, then the exit status.
    fn interrupt(mut self) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "seipc did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn folder(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("watch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves as editors do that write a new file and rename it over the old one.
fn save_by_rename(path: &Path, text: &str) {
    let temporary = path.with_extension("seip~");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

#[test]
fn check_watch_checks_again_on_every_save_and_stops_on_ctrl_c() {
    let dir = folder("check");
    let recipe = dir.join("recipe.seip");
    std::fs::write(&recipe, GOOD).unwrap();
    let watch = Watch::start(&["check", "--color", "never", recipe.to_str().unwrap()]);
    let first = watch.run();
    assert!(!first.contains("error"), "{first}");

    // Saved in place, with a misspelt material.
    std::fs::write(&recipe, GOOD.replace("LiF", "LiFF")).unwrap();
    let misspelt = watch.run();
    assert!(
        misspelt.contains("[E0201] Error: unknown material `LiFF`"),
        "{misspelt}"
    );

    // Saved by rename, fixed again: the watch survives the file being replaced.
    save_by_rename(&recipe, GOOD);
    let fixed = watch.run();
    assert!(!fixed.contains("error"), "{fixed}");

    // Another file in the folder is not the recipe.
    std::fs::write(dir.join("notes.txt"), "not watched").unwrap();
    watch.stays_quiet(Duration::from_secs(1));

    let status = watch.interrupt();
    // The last check was clean.
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn build_watch_rewrites_the_outputs_and_ignores_its_own() {
    let dir = folder("build");
    let recipe = dir.join("recipe.seip");
    std::fs::write(&recipe, GOOD).unwrap();
    // The outputs go beside the recipe, in the watched folder.
    let out = dir.join("out");
    let watch = Watch::start(&[
        "build",
        "--color",
        "never",
        "--time-limit",
        "0.2",
        "--out",
        out.to_str().unwrap(),
        recipe.to_str().unwrap(),
    ]);
    let first = watch.run();
    assert!(first.contains("wrote"), "{first}");
    let program = || std::fs::read_to_string(out.join("program.json")).unwrap();
    assert!(program().contains("\"LiF\""));
    // Writing the outputs does not start another build.
    watch.stays_quiet(Duration::from_secs(1));

    std::fs::write(&recipe, GOOD.replace("LiF", "Li3N")).unwrap();
    let second = watch.run();
    assert!(second.contains("wrote"), "{second}");
    assert!(program().contains("\"Li3N\""));

    // A broken recipe: reported, the outputs of the last good build left alone, and the
    // exit code on Ctrl-C is that of this last build.
    std::fs::write(&recipe, GOOD.replace("using pvd", "using pdv")).unwrap();
    let broken = watch.run();
    assert!(broken.contains("[E0203] Error: unknown tool `pdv`"), "{broken}");
    assert_eq!(watch.interrupt().code(), Some(1));
}
