//! The files made once every page is written, from the list of what was written: the feed and
//! sitemaps (from the paths), `static/` (which must not replace a generated file) and the
//! `SHA256SUMS` manifest (from the hashes).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::BuildError;
use crate::archive::Archives;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::files::OutputFile;
use crate::layout::{MANIFEST, STATIC_DIR};
use crate::sink::{self, Sink, Written};
use crate::site::Site;

/// `feed.xml` and the sitemap of every written page (archived years included, as published).
pub fn feeds(
    site: &Site,
    archives: &Archives,
    written: &[Written],
) -> Result<Vec<OutputFile>, BuildError> {
    let failed = |path: &str| {
        let path = path.to_string();
        move |err: std::io::Error| Diagnostic::error(&path, "", format!("cannot write: {err}"))
    };
    let amendments = archives.amendments();
    let feed = crate::feeds::feed_with_amendments(site, &amendments);
    let mut files = vec![feed.map_err(failed(crate::feeds::FEED))?];
    let paths = written.iter().map(|file| file.path.as_str());
    files.extend(
        crate::feeds::sitemaps(&site.config, paths).map_err(failed(crate::feeds::SITEMAP))?,
    );
    Ok(files)
}

/// `SHA256SUMS` from the (sorted) hashes of every written file.
pub fn manifest_of(written: &[Written]) -> OutputFile {
    let mut text = String::with_capacity(written.len() * 100);
    for file in written {
        text.push_str(&file.sha256);
        text.push_str("  ");
        text.push_str(&file.path);
        text.push('\n');
    }
    OutputFile {
        path: MANIFEST.to_string(),
        bytes: text.into_bytes(),
    }
}

/// Every file under `static/`, by output path, in path order.
pub(super) fn list_static(root: &Path) -> Result<Vec<(String, PathBuf)>, Diagnostic> {
    let folder = root.join(STATIC_DIR);
    let mut files = Vec::new();
    if !folder.is_dir() {
        return Ok(files);
    }
    for entry in WalkDir::new(&folder).sort_by_file_name() {
        let entry = entry
            .map_err(|err| Diagnostic::error(STATIC_DIR, "", format!("cannot read: {err}")))?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(&folder).unwrap_or(entry.path());
            files.push((display_path(relative), entry.path().to_path_buf()));
        }
    }
    Ok(files)
}

/// Copy `static/` verbatim; a file that would replace a generated one (or the manifest) is an
/// error naming it.
pub(super) fn copy_static(
    statics: &[(String, PathBuf)],
    written: &[Written],
    sink: &dyn Sink,
) -> Result<Vec<Written>, BuildError> {
    let generated: HashSet<&str> = written.iter().map(|file| file.path.as_str()).collect();
    let mut clashes = Diagnostics::new();
    for (path, _) in statics {
        if generated.contains(path.as_str()) || path == MANIFEST {
            clashes.push(Diagnostic::error(
                Path::new(STATIC_DIR).join(path),
                "",
                format!("would replace the generated {path}; rename or remove it"),
            ));
        }
    }
    if !clashes.is_empty() {
        return Err(BuildError::Invalid(clashes));
    }
    let mut copied = Vec::with_capacity(statics.len());
    for (path, on_disk) in statics {
        let bytes = fs::read(on_disk).map_err(|err| {
            Diagnostic::error(
                Path::new(STATIC_DIR).join(path),
                "",
                format!("cannot read: {err}"),
            )
        })?;
        let file = OutputFile {
            path: path.clone(),
            bytes,
        };
        copied.push(sink::emit(sink, file)?);
    }
    Ok(copied)
}
