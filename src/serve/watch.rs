//! Watching the site's input and rebuilding after each burst of edits.
//!
//! Only `site.toml`, `content/`, `templates/` and `static/` are watched: the root itself
//! non-recursively (so `site.toml` and a newly created folder are seen, but `public/`, `.git/`
//! or `target/` are not walked), and each of the three folders recursively. Editors save in
//! several steps (write a temporary file, rename it over, fix attributes), so a rebuild starts
//! only once no event has arrived for the debounce period; every event just marks the site
//! dirty, which covers creation, edits, renames and deletion alike.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::watch;

use super::ServeError;
use super::state::{Builder, Changes, Snapshot};
use super::terminal::Terminal;

/// The folders under the root whose changes matter.
const WATCHED_FOLDERS: [&str; 3] = ["content", "templates", "static"];

/// However long edits keep coming, rebuild at least this often so the preview is not starved.
const MAX_WAIT: Duration = Duration::from_secs(3);

/// What the rebuild thread is told.
#[derive(Debug)]
pub enum Signal {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// Start watching `root` (canonical); events go to `signals`.
pub fn watch(root: &Path, signals: Sender<Signal>) -> Result<RecommendedWatcher, ServeError> {
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = signals.send(Signal::Fs(event));
    })
    .map_err(|source| ServeError::Watch {
        path: root.to_path_buf(),
        source,
    })?;
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|source| ServeError::Watch {
            path: root.to_path_buf(),
            source,
        })?;
    for folder in WATCHED_FOLDERS {
        let path = root.join(folder);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|source| ServeError::Watch { path, source })?;
        }
    }
    Ok(watcher)
}

/// The rebuild loop's parts, owned by its thread.
pub struct Rebuilder {
    pub root: PathBuf,
    pub builder: Builder,
    pub snapshots: watch::Sender<Arc<Snapshot>>,
    pub watcher: RecommendedWatcher,
    pub signals: Receiver<Signal>,
    pub debounce: Duration,
    pub terminal: Terminal,
}

impl Rebuilder {
    /// Wait for a burst of changes, rebuild, publish, repeat; return on `Stop`.
    pub fn run(mut self) {
        while let Ok(Signal::Fs(first)) = self.signals.recv() {
            let mut changes = Changes {
                only_content: true,
                ..Changes::default()
            };
            self.note(first, &mut changes);
            let started = Instant::now();
            loop {
                match self.signals.recv_timeout(self.debounce) {
                    Ok(Signal::Fs(event)) => self.note(event, &mut changes),
                    Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                    Err(RecvTimeoutError::Timeout) => break,
                }
                if started.elapsed() >= MAX_WAIT {
                    break;
                }
            }
            if !changes.paths.is_empty() || !changes.only_content {
                self.rebuild(&changes);
            }
        }
    }

    /// Build, then publish: the snapshot (and with it the reload event) goes out only after
    /// the new pages are complete. What the build left pending (a touched year's open data)
    /// is made next and published under the same token, so tabs do not reload twice.
    fn rebuild(&mut self, changes: &Changes) {
        let previous = Arc::clone(&self.snapshots.borrow());
        let (snapshot, outcome) = self.builder.build(&previous, changes);
        self.terminal.rebuilt(&outcome, &snapshot);
        let snapshot = Arc::new(snapshot);
        self.snapshots.send_replace(Arc::clone(&snapshot));
        if let Some((finished, took)) = self.builder.finish(&snapshot) {
            self.terminal.finished(took, &finished);
            self.snapshots.send_replace(Arc::new(finished));
        }
    }

    /// Add what `event` changes to `changes`; also starts watching a watched folder that
    /// appeared.
    fn note(&mut self, event: notify::Result<notify::Event>, changes: &mut Changes) {
        let event = match event {
            Ok(event) => event,
            Err(err) => {
                self.terminal
                    .note(&format!("watching: {err}; rebuilding to be safe"));
                changes.only_content = false;
                return;
            }
        };
        if matches!(
            event.kind,
            EventKind::Access(_)
                | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
        ) {
            return;
        }
        for path in &event.paths {
            let Ok(relative) = path.strip_prefix(&self.root) else {
                continue;
            };
            let Some(first) = first_component(relative) else {
                continue;
            };
            if WATCHED_FOLDERS.contains(&first.as_str()) {
                if relative.components().count() == 1 && path.is_dir() {
                    // Created (or moved in) after startup; watching again is harmless.
                    if let Err(err) = self.watcher.watch(path, RecursiveMode::Recursive) {
                        self.terminal
                            .note(&format!("cannot watch {}: {err}", path.display()));
                    }
                }
                if !is_scratch_file(path) {
                    changes.paths.insert(relative.to_path_buf());
                    // A new folder under content/ may hold files no event named.
                    changes.only_content &= first == "content" && !path.is_dir();
                }
            } else if first == "site.toml" {
                changes.paths.insert(relative.to_path_buf());
                changes.only_content = false;
            }
        }
    }
}

fn first_component(relative: &Path) -> Option<String> {
    match relative.components().next()? {
        Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
        _ => None,
    }
}

/// Editors' swap and backup files (`.x.toml.swp`, `x.toml~`, `#x#`) never change the site.
fn is_scratch_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    name.starts_with(".")
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_files_are_recognised() {
        for name in [".x.toml.swp", "x.toml~", "#x.toml#", "4913.swx"] {
            assert!(is_scratch_file(Path::new(name)), "{name}");
        }
        assert!(!is_scratch_file(Path::new("content/2023/x.toml")));
    }
}
