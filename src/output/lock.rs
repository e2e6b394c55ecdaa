//! One build at a time per output folder, and cleaning up after builds that died.
//!
//! The lock is an advisory `flock` on `.NAME.lock` beside the output (never inside it, so it is not
//! published, and never replaced, so every build locks the same file). It is released when the
//! process ends, however it ends, so a killed build never leaves a stale lock.
//!
//! A build killed with `kill -9` leaves its staging folder (`.NAME.staging-PID`) and, if it died in
//! the middle of the swap, the previous output (`.NAME.previous-PID`). The next build, holding the
//! lock, removes exactly those: matched by name, and only when that PID is no longer running. A
//! previous output whose swap never finished is put back first, so nothing published is lost.
//! A replaced output being removed in the background (`.NAME.retired-PID`, [`super::retire`]) is
//! left to its remover while that runs, removed if it died, and never put back. The year folders
//! carried over for the next build (`.NAME.carried/`, [`super::carry`]) are not a leftover: the
//! next build takes them.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use super::OutputError;

/// How often a waiting build tries the lock again.
const RETRY: Duration = Duration::from_millis(100);

/// Held while a build writes `out`; dropping it (or the process ending) releases the lock.
#[derive(Debug)]
pub struct OutputLock {
    _file: File,
}

/// Wait up to `wait` for the lock on `parent/.NAME.lock`.
pub fn acquire(parent: &Path, name: &str, wait: Duration) -> Result<OutputLock, OutputError> {
    let path = parent.join(format!(".{name}.lock"));
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| OutputError::io(&path, "cannot open the lock file", source))?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(OutputLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) if started.elapsed() < wait => thread::sleep(RETRY),
            Err(fs::TryLockError::WouldBlock) => {
                return Err(OutputError::Busy {
                    path: parent.join(name),
                    lock: path,
                    waited: wait,
                });
            }
            Err(fs::TryLockError::Error(source)) => {
                return Err(OutputError::io(&path, "cannot lock", source));
            }
        }
    }
}

/// The name of this process's staging folder for `name`.
pub fn staging_name(name: &str) -> String {
    format!(".{name}.staging-{}", std::process::id())
}

/// The name this process moves the previous output to during the swap.
pub fn previous_name(name: &str) -> String {
    format!(".{name}.previous-{}", std::process::id())
}

/// The start of the name a replaced output gets when a detached remover takes it over; the
/// remover's PID follows ([`super::retire`]).
pub fn retired_prefix(name: &str) -> String {
    format!(".{name}.retired-")
}

/// The name of the folder beside the output where its year folders wait for the next build
/// ([`super::carry`]). Not a leftover: the next build takes them.
pub fn carried_name(name: &str) -> String {
    format!(".{name}.carried")
}

/// What a dead build (or remover) left beside `out`, by kind.
#[derive(Debug, PartialEq, Eq)]
enum Leftover {
    Staging,
    Previous,
    /// A replaced output handed to a remover: removed, never put back.
    Retired,
}

/// Remove what dead builds left beside `parent/name`; call only while holding the lock. If the
/// output itself is missing and a dead build's previous output is there, restore it first.
pub fn clean_up_dead_builds(parent: &Path, name: &str) -> Result<Vec<PathBuf>, OutputError> {
    let out = parent.join(name);
    let entries =
        fs::read_dir(parent).map_err(|source| OutputError::io(parent, "cannot list", source))?;
    let mut leftovers = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| OutputError::io(parent, "cannot list", source))?;
        let file_name = entry.file_name();
        let Some((kind, pid)) = file_name.to_str().and_then(|n| parse_leftover(n, name)) else {
            continue;
        };
        let is_real_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
        if is_real_dir && !is_running(pid) {
            leftovers.push((kind, entry.path()));
        }
    }
    leftovers.sort_by(|a, b| a.1.cmp(&b.1));
    let mut removed = Vec::new();
    for (kind, path) in leftovers {
        if kind == Leftover::Previous && !out.exists() {
            fs::rename(&path, &out).map_err(|source| {
                OutputError::io(&path, "cannot restore the previous output", source)
            })?;
            continue;
        }
        fs::remove_dir_all(&path).map_err(|source| {
            OutputError::io(&path, "cannot remove a dead build's folder", source)
        })?;
        removed.push(path);
    }
    Ok(removed)
}

/// `.NAME.staging-PID`, `.NAME.previous-PID` or `.NAME.retired-PID`, exactly.
fn parse_leftover(file_name: &str, name: &str) -> Option<(Leftover, u32)> {
    let rest = file_name.strip_prefix('.')?.strip_prefix(name)?;
    let (kind, pid) = if let Some(pid) = rest.strip_prefix(".staging-") {
        (Leftover::Staging, pid)
    } else if let Some(pid) = rest.strip_prefix(".retired-") {
        (Leftover::Retired, pid)
    } else {
        (Leftover::Previous, rest.strip_prefix(".previous-")?)
    };
    let digits = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    Some((kind, pid.parse().ok().filter(|_| digits)?))
}

/// Whether process `pid` is alive. This process's own PID counts as dead: it has not made its
/// folders yet when it cleans up, so a folder with its PID was left by an earlier process that
/// had the same number (common in containers, where PIDs start low). Where the process table
/// cannot be read, every other process counts as alive, so nothing is removed by mistake.
fn is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_matched_by_exact_name() {
        assert_eq!(
            parse_leftover(".public.staging-42", "public"),
            Some((Leftover::Staging, 42))
        );
        assert_eq!(
            parse_leftover(".public.previous-7", "public"),
            Some((Leftover::Previous, 7))
        );
        assert_eq!(
            parse_leftover(".public.retired-9", "public"),
            Some((Leftover::Retired, 9))
        );
        for other in [
            ".public.staging-",
            ".public.staging-4x",
            ".public.staging-42.bak",
            ".public.retired-",
            ".public.retired-9x",
            ".publicx.staging-42",
            ".public.lock",
            "public",
            ".site.staging-42",
        ] {
            assert_eq!(parse_leftover(other, "public"), None, "{other}");
        }
    }

    #[test]
    fn only_dead_builds_folders_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let parent = dir.path();
        fs::create_dir(parent.join("public")).unwrap();
        let dead = format!(".public.staging-{}", std::process::id());
        let alive = ".public.staging-1"; // PID 1 always runs
        let unrelated = ".public.staging-old";
        for name in [dead.as_str(), alive, unrelated] {
            fs::create_dir(parent.join(name)).unwrap();
        }
        let removed = clean_up_dead_builds(parent, "public").unwrap();
        assert_eq!(removed, vec![parent.join(&dead)]);
        assert!(parent.join(alive).is_dir());
        assert!(parent.join(unrelated).is_dir());
    }

    #[test]
    fn an_interrupted_swap_is_undone() {
        let dir = tempfile::tempdir().unwrap();
        let parent = dir.path();
        let previous = parent.join(format!(".public.previous-{}", std::process::id()));
        fs::create_dir(&previous).unwrap();
        fs::write(previous.join("index.html"), "old").unwrap();
        clean_up_dead_builds(parent, "public").unwrap();
        assert_eq!(
            fs::read_to_string(parent.join("public/index.html")).unwrap(),
            "old"
        );
        assert!(!previous.exists());
    }

    #[test]
    fn a_retired_output_is_left_to_its_remover_and_never_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let parent = dir.path();
        let running = parent.join(".public.retired-1"); // PID 1 always runs
        let dead = parent.join(format!(".public.retired-{}", std::process::id()));
        for folder in [&running, &dead] {
            fs::create_dir(folder).unwrap();
            fs::write(folder.join("index.html"), "old").unwrap();
        }
        let removed = clean_up_dead_builds(parent, "public").unwrap();
        assert_eq!(removed, vec![dead.clone()]);
        assert!(running.is_dir());
        assert!(
            !parent.join("public").exists(),
            "a retired output is never restored"
        );
    }

    #[test]
    fn a_second_lock_waits_then_gives_up() {
        let dir = tempfile::tempdir().unwrap();
        let held = acquire(dir.path(), "public", Duration::ZERO).unwrap();
        let second = acquire(dir.path(), "public", Duration::from_millis(250));
        assert!(matches!(second, Err(OutputError::Busy { .. })));
        drop(held);
        assert!(acquire(dir.path(), "public", Duration::ZERO).is_ok());
    }
}
