//! Publishing an archived year: every file of `archive/YEAR/` goes to `YEAR/` in the output,
//! byte for byte, and is checked against its manifest on the way. A file whose bytes no longer
//! have the promised hash is not published: the build fails naming it, because publishing it
//! would break the promise the archive's manifest makes.

use rayon::prelude::*;

use super::{ArchivedYear, changed_since_snapshot, shown};
use crate::diagnostics::Diagnostic;
use crate::files::OutputFile;
use crate::sink::{Sink, Written, emit};

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
    let results: Vec<Result<Written, CopyError>> = archived
        .files
        .par_iter()
        .map(|(path, promised)| {
            let invalid = |message: String| {
                CopyError::Invalid(vec![Diagnostic::error(shown(year, path), "", message)])
            };
            let on_disk = archived.folder.join(path);
            let bytes = std::fs::read(&on_disk)
                .map_err(|err| invalid(format!("cannot read {}: {err}", on_disk.display())))?;
            let file = OutputFile {
                path: format!("{year}/{path}"),
                bytes,
            };
            let written = emit(sink, file).map_err(CopyError::Output)?;
            match promised {
                Some(hash) if *hash != written.sha256 => Err(invalid(changed_since_snapshot(year))),
                _ => Ok(written),
            }
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
    if problems.is_empty() {
        Ok(written)
    } else {
        Err(CopyError::Invalid(problems))
    }
}
