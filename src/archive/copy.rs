//! Publishing an archived year: every file of `archive/YEAR/` goes to `YEAR/` in the output,
//! byte for byte, and is checked against its manifest on the way. A file whose bytes no longer
//! have the promised hash is not published: the build fails naming it, because publishing it
//! would break the promise the archive's manifest makes.
//!
//! The check hashes a file only when its metadata changed since an earlier build hashed it
//! ([`super::hash_cache`], in `ROOT/.disclose-cache/archive/YEAR.tsv`): hashing the 1.3 GB of
//! archived pages was about 1.2 s of CPU time (7%) in a build with nine archived years. The
//! metadata is taken from the open file before and after reading it, so a file written to while
//! it is read is hashed.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

use super::hash_cache::{Entry, HashCache, Stamp};
use super::{ArchivedYear, changed_since_snapshot, shown};
use crate::diagnostics::Diagnostic;
use crate::files::OutputFile;
use crate::manifest::sha256_hex;
use crate::sink::{Sink, Written};

/// The cache folder of the archived files' hashes, relative to the site root.
pub const CACHE_DIR: &str = ".disclose-cache/archive";

/// Why an archived year could not be published.
#[derive(Debug)]
pub enum CopyError {
    /// Files changed since the snapshot (or unreadable): content problems.
    Invalid(Vec<Diagnostic>),
    /// The sink failed (disk full, …).
    Output(crate::output::OutputError),
}

/// Read, check and hand over every file of `archived` (in parallel), as `YEAR/PATH`.
pub fn publish(archived: &ArchivedYear, sink: &dyn Sink) -> Result<Vec<Written>, CopyError> {
    let year = archived.year;
    let cache = HashCache::open(archived.hash_cache.clone());
    let results: Vec<Result<(Written, Option<Entry>), CopyError>> = archived
        .files
        .par_iter()
        .map(|(path, promised)| {
            let invalid = |message: String| {
                CopyError::Invalid(vec![Diagnostic::error(shown(year, path), "", message)])
            };
            let on_disk = archived.folder.join(path);
            let (bytes, stamp) = read_stamped(&on_disk)
                .map_err(|err| invalid(format!("cannot read {}: {err}", on_disk.display())))?;
            let (sha256, entry) = match cache.known(path, stamp) {
                Some(known) => (known.sha256().to_string(), Some(known.clone())),
                None => {
                    let sha256 = sha256_hex(&bytes);
                    let entry = cache.entry(stamp, &sha256);
                    (sha256, entry)
                }
            };
            if promised.as_ref().is_some_and(|hash| *hash != sha256) {
                return Err(invalid(changed_since_snapshot(year)));
            }
            let path = format!("{year}/{path}");
            sink.put(OutputFile {
                path: path.clone(),
                bytes,
            })
            .map_err(CopyError::Output)?;
            Ok((Written { path, sha256 }, entry))
        })
        .collect();
    let mut written = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(file) => written.push(file),
            Err(CopyError::Invalid(found)) => problems.extend(found),
            Err(output) => return Err(output),
        }
    }
    if !problems.is_empty() {
        return Err(CopyError::Invalid(problems));
    }
    let prefix = format!("{year}/");
    let entries = written.iter().filter_map(|(file, entry)| {
        let relative = file.path.strip_prefix(&prefix)?;
        Some((relative, entry.as_ref()?))
    });
    let _ = cache.store(entries);
    Ok(written.into_iter().map(|(file, _)| file).collect())
}

/// The bytes of the file at `path`, and its stamp if its metadata was the same before and after
/// reading (else `None`: it changed under the read, and its hash must not be remembered).
fn read_stamped(path: &Path) -> std::io::Result<(Vec<u8>, Option<Stamp>)> {
    let mut file = File::open(path)?;
    let before = file.metadata()?;
    let mut bytes = Vec::with_capacity(usize::try_from(before.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    let after = Stamp::of(&file.metadata()?);
    let stamp = Stamp::of(&before).filter(|stamp| Some(*stamp) == after);
    Ok((bytes, stamp))
}
