//! A produced file: where it goes in the output and its bytes; and writing a single file so that
//! a reader never sees half of it.

use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How much older than the moment it was looked at a file's or folder's change time must be for
/// what was seen then to be trusted from its metadata later: a change in the same clock tick as
/// the look could otherwise leave the metadata as it was (git's "racily clean" entries). The
/// rule of every cache that trusts metadata (`archive::hash_cache`, `listing`).
pub const SETTLED: Duration = Duration::from_secs(3);

/// `time` in nanoseconds since the Unix epoch (negative before it), as caches record times.
pub fn nanos_since_epoch(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    }
}

/// One file of the output, by its `/`-separated path relative to the output root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Why [`write_replacing`] failed: what it was doing, and the error.
#[derive(Debug)]
pub struct ReplaceError {
    pub action: &'static str,
    pub source: io::Error,
}

/// Write `bytes` to `path` through a temporary file beside it (`.NAME.tmp-PID`), renamed into
/// place, so a reader never sees half a file. The temporary file is removed if the rename fails.
pub fn write_replacing(path: &Path, bytes: &[u8]) -> Result<(), ReplaceError> {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let failed = |action, source| ReplaceError { action, source };
    fs::write(&temporary, bytes).map_err(|err| failed("cannot write", err))?;
    fs::rename(&temporary, path).map_err(|err| {
        let _ = fs::remove_file(&temporary);
        failed("cannot move into place", err)
    })
}

/// Mark `folder` as a cache, once: a `.gitignore` that ignores all of it (a site is a git
/// repository, and the kept copies of archived years are as large as the archive) and a
/// `CACHEDIR.TAG` (<https://bford.info/cachedir/>) that backup tools skip. Failures are ignored:
/// the marks are a courtesy.
pub fn mark_cache_folder(folder: &Path) {
    let marks: [(&str, &str); 2] = [
        (
            ".gitignore",
            "# disclose's caches: rebuilt as needed, never committed.\n*\n",
        ),
        (
            "CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n# disclose's caches: see https://bford.info/cachedir/\n",
        ),
    ];
    for (name, text) in marks {
        let path = folder.join(name);
        if !path.exists() {
            let _ = fs::create_dir_all(folder).and_then(|()| fs::write(&path, text));
        }
    }
}
