//! The site as the preview server holds it: the last good build, in memory, plus what the latest
//! build said.
//!
//! A failed build never replaces the files: readers of the preview keep seeing the last good
//! site while the overlay explains what is wrong. Every build, good or bad, gets a new token, so
//! a browser can tell whether the page it shows is current.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::{BuildError, BuildOptions};
use crate::diagnostics::Diagnostic;
use crate::preview::{Files, Preview};

/// One state of the preview, shared read-only between the HTTP handlers.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Changes with every build; the live-reload script compares it with the one in its page.
    pub token: String,
    /// The last good site by output path (`2023/x/index.html`). Empty until a build succeeds.
    pub files: Arc<Files>,
    /// Whether the latest build failed (its errors are in `diagnostics`; `files` is older).
    pub failed: bool,
    /// Everything the latest build reported: errors when it failed, warnings otherwise.
    pub diagnostics: Vec<Diagnostic>,
    /// Output paths being made after the reload (a touched year's open data, `SHA256SUMS`): a
    /// request for one waits for the next snapshot.
    pub pending: BTreeSet<String>,
}

impl Snapshot {
    /// Whether any build has succeeded yet, i.e. whether there are pages to serve.
    pub fn has_site(&self) -> bool {
        !self.files.is_empty()
    }
}

/// What one build did, for the terminal.
#[derive(Debug)]
pub struct Outcome {
    pub took: Duration,
    /// Declarations and files of a good build; `None` when it failed.
    pub built: Option<(usize, usize)>,
    /// Where the time went (`load 3.1 ms, render 40.2 ms, …`), so a slow preview can be explained.
    pub phases: String,
    /// Files rendered: all of them, or only those the edit touched.
    pub rendered: Option<(usize, bool)>,
}

/// Builds the preview and numbers the builds.
pub struct Builder {
    preview: Preview,
    /// Distinguishes this server's tokens from those of an earlier run on the same port, so
    /// a tab left open across a restart reloads instead of trusting a stale page.
    run_id: u128,
    generation: u64,
}

impl Builder {
    /// Preview builds always include drafts, mark pages 预览, and link from `/` because the
    /// preview is served at the root whatever `base_url` the release will use.
    pub fn new(root: &Path) -> Self {
        let run_id = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let options = BuildOptions {
            base_url: Some("/".into()),
            drafts: true,
            strict: false,
            preview: true,
            ..BuildOptions::new(root)
        };
        Builder {
            preview: Preview::new(options),
            run_id,
            generation: 0,
        }
    }

    /// Render the site through the same pipeline as `build`, only what `changes` touched when
    /// that is enough; on failure keep `previous`' files.
    pub fn build(&mut self, previous: &Snapshot, changes: &Changes) -> (Snapshot, Outcome) {
        let token = self.next_token();
        let started = Instant::now();
        let result = self.preview.update(&changes.paths, changes.only_content);
        let took = started.elapsed();
        match result {
            Ok(update) => {
                let produced = update.produced;
                let built = Some((produced.declarations, update.files.len()));
                let snapshot = Snapshot {
                    token,
                    files: update.files,
                    failed: false,
                    diagnostics: produced.diagnostics.into_iter().collect(),
                    pending: update.pending,
                };
                let outcome = Outcome {
                    took,
                    built,
                    phases: produced.timings.summary(),
                    rendered: Some((update.rendered_pages, update.full)),
                };
                (snapshot, outcome)
            }
            Err(err) => {
                let snapshot = Snapshot {
                    token,
                    files: Arc::clone(&previous.files),
                    failed: true,
                    diagnostics: failure_diagnostics(err),
                    pending: BTreeSet::new(),
                };
                let outcome = Outcome {
                    took,
                    built: None,
                    phases: String::new(),
                    rendered: None,
                };
                (snapshot, outcome)
            }
        }
    }
}

impl Builder {
    /// Make what `current` left pending. The new snapshot keeps `current`'s token, so open tabs
    /// do not reload again; `None` when nothing was pending.
    pub fn finish(&mut self, current: &Snapshot) -> Option<(Snapshot, Duration)> {
        let started = Instant::now();
        let finished = match self.preview.finish() {
            Ok(None) => return None,
            Ok(Some(files)) => Snapshot {
                token: current.token.clone(),
                files,
                failed: current.failed,
                diagnostics: current.diagnostics.clone(),
                pending: BTreeSet::new(),
            },
            // A new token, so that open tabs show the overlay.
            Err(err) => Snapshot {
                token: self.next_token(),
                files: Arc::clone(&current.files),
                failed: true,
                diagnostics: failure_diagnostics(err),
                pending: BTreeSet::new(),
            },
        };
        Some((finished, started.elapsed()))
    }

    fn next_token(&mut self) -> String {
        self.generation += 1;
        format!("{:x}-{}", self.run_id, self.generation)
    }
}

/// What changed since the last build, as the watcher saw it.
#[derive(Debug, Default)]
pub struct Changes {
    /// Paths relative to the site root.
    pub paths: BTreeSet<PathBuf>,
    /// Every change was under `content/`: templates, `site.toml` and `static/` are as they were.
    pub only_content: bool,
}

impl Changes {
    /// The first build: nothing is known.
    pub fn everything() -> Self {
        Changes::default()
    }
}

/// A failed build as diagnostics, so the overlay and the terminal show every kind the same way.
fn failure_diagnostics(err: BuildError) -> Vec<Diagnostic> {
    match err {
        BuildError::Invalid(diagnostics) => diagnostics.into_iter().collect(),
        other => vec![Diagnostic::error(".", "", other.to_string())],
    }
}
