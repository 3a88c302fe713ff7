//! `--watch` for `seipc check` and `seipc build` (a module of the binary, not of the
//! library): run, then run again each time a watched file is saved, as `cargo watch` and
//! `tsc --watch` do, until Ctrl-C.
//!
//! Each file's folder is watched, not the file: editors that save by writing a new file
//! and renaming it over the old one (Vim's `backupcopy=no`, many others) replace the
//! file, and a watch on the old one would see nothing after the first save.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

/// How long the files must stay unchanged before a run: a save that writes in several
/// pieces, or several files saved at once, start one run.
pub const QUIET: Duration = Duration::from_millis(200);

enum Event {
    Changed,
    Interrupted,
}

/// Runs `run` once, then again after each change of one of `files`, clearing the
/// terminal before each run. Ctrl-C stops the watch once the current run is over (a
/// second Ctrl-C stops at once); the exit code is that of the last run.
pub fn watch(files: &[PathBuf], mut run: impl FnMut() -> ExitCode) -> Result<ExitCode, String> {
    let (sender, events) = mpsc::channel();
    let interrupt = sender.clone();
    let pressed = AtomicBool::new(false);
    ctrlc::set_handler(move || {
        if pressed.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        let _ = interrupt.send(Event::Interrupted);
    })
    .map_err(|e| format!("cannot catch Ctrl-C: {e}"))?;

    let watched: BTreeSet<PathBuf> = files.iter().map(|file| absolute(file)).collect::<Result<_, _>>()?;
    let wanted = watched.clone();
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        // Opening and reading a file (the run's own reading) changes nothing; an error of
        // the watcher itself is worth a run, which reports what it can read.
        let relevant = result.map_or(true, |event| {
            !matches!(event.kind, EventKind::Access(_)) && event.paths.iter().any(|path| wanted.contains(path))
        });
        if relevant {
            let _ = sender.send(Event::Changed);
        }
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    let folders: BTreeSet<&Path> = watched.iter().filter_map(|file| file.parent()).collect();
    for folder in folders {
        watcher
            .watch(folder, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch `{}`: {e}", folder.display()))?;
    }

    let names: Vec<String> = files.iter().map(|f| format!("`{}`", f.display())).collect();
    let clear = std::io::stderr().is_terminal();
    loop {
        if clear {
            // Erase the screen and its scroll-back, cursor to the top left.
            eprint!("\x1b[2J\x1b[3J\x1b[H");
        }
        let code = run();
        eprintln!("watching {} for changes (Ctrl-C stops)", names.join(", "));
        let _ = std::io::stderr().flush();
        // A change, then quiet: the next run. (A change made during this run is one
        // too: that run reads the new text.)
        match events.recv() {
            Ok(Event::Changed) => loop {
                match events.recv_timeout(QUIET) {
                    Ok(Event::Changed) => {}
                    Err(RecvTimeoutError::Timeout) => break,
                    Ok(Event::Interrupted) | Err(RecvTimeoutError::Disconnected) => return Ok(code),
                }
            },
            Ok(Event::Interrupted) | Err(_) => return Ok(code),
        }
    }
}

/// The path a watcher reports for `file`: absolute, through symbolic links, as the
/// operating system names it.
fn absolute(file: &Path) -> Result<PathBuf, String> {
    std::fs::canonicalize(file).map_err(|e| format!("cannot watch `{}`: {e}", file.display()))
}
