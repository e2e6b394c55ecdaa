//! What `serve` prints: the address, each build with its duration, and each diagnostic.
//!
//! Diagnostics go to stderr in the same `file:line:col: severity: …` form as `check` and
//! `build`, so editors and terminals that link such lines work here too.

use std::io::Write;

use super::state::{Outcome, Snapshot};

/// Prints unless quiet (tests and the bench run the server in-process and keep their output).
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    pub quiet: bool,
}

impl Terminal {
    pub fn note(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    pub fn serving(&self, url: &str, root: &str, loopback: bool) {
        if self.quiet {
            return;
        }
        println!("Previewing {root} at {url}");
        println!("  drafts included, every page marked 预览; nothing is written to public/");
        if !loopback {
            println!(
                "  warning: listening beyond this computer; anyone who can reach it sees unpublished drafts"
            );
        }
        println!("  watching site.toml, content/, templates/, static/ — press Ctrl-C to stop");
    }

    pub fn rebuilt(&self, outcome: &Outcome, snapshot: &Snapshot) {
        if self.quiet {
            return;
        }
        let millis = outcome.took.as_secs_f64() * 1000.0;
        let mut stderr = std::io::stderr().lock();
        for diagnostic in &snapshot.diagnostics {
            let _ = writeln!(stderr, "{diagnostic}");
        }
        drop(stderr);
        match outcome.built {
            Some((declarations, files)) => {
                let warnings = snapshot.diagnostics.len();
                let how = match outcome.rendered {
                    Some((rendered, false)) => format!(" (re-rendered {rendered} touched)"),
                    _ => String::new(),
                };
                println!(
                    "built {declarations} declarations, {files} files{how} in {millis:.1} ms ({}){}",
                    outcome.phases,
                    match warnings {
                        0 => String::new(),
                        1 => ", 1 warning".into(),
                        many => format!(", {many} warnings"),
                    }
                );
            }
            None => {
                let kept = if snapshot.has_site() {
                    "still serving the last good build"
                } else {
                    "nothing to serve until it is fixed"
                };
                println!(
                    "build failed in {millis:.1} ms with {} problem(s); {kept}",
                    snapshot.diagnostics.len()
                );
            }
        }
    }

    /// The open data and manifest made after a reload.
    pub fn finished(&self, took: std::time::Duration, snapshot: &Snapshot) {
        if self.quiet {
            return;
        }
        let millis = took.as_secs_f64() * 1000.0;
        if snapshot.failed {
            for diagnostic in &snapshot.diagnostics {
                eprintln!("{diagnostic}");
            }
            println!("  making the open data failed in {millis:.1} ms");
        } else {
            println!("  then the open data and SHA256SUMS in {millis:.1} ms");
        }
    }
}
