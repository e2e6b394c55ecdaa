//! `disclose snapshot YEAR`: freeze a year into `archive/YEAR/`.
//!
//! A module of its own above both [`crate::build`] (which renders the year) and
//! [`crate::archive`] (which reads archives back), so that neither depends on the other's caller.
//!
//! The year is rendered exactly as `build` would publish it (the same [`render_to_memory`],
//! taking every file under `YEAR/`, whatever other features put there), then written with a
//! [`Record`] and a `SHA256SUMS` through the same staged swap as `build`: a failed snapshot leaves
//! the archive as it was, and an existing snapshot is replaced only with `--force`.

pub mod amend;
pub mod diff;

use std::path::{Path, PathBuf};

use crate::archive::record::{self, RECORD, Record, SnapshotTime};
use crate::archive::{ARCHIVE_DIR, tarball};
use crate::build::{BuildError, BuildOptions, Rendered, render_year};
use crate::content;
use crate::files::OutputFile;
use crate::manifest::manifest_for;
use crate::output;
use crate::site::Totals;

/// What to snapshot.
#[derive(Debug, Clone)]
pub struct SnapshotOptions {
    pub year: u16,
    /// Replace an existing `archive/YEAR/` (and `YEAR.tar.gz`).
    pub force: bool,
    /// Also write `archive/YEAR.tar.gz`.
    pub tar: bool,
    /// The value of `SOURCE_DATE_EPOCH`, if set.
    pub source_date_epoch: Option<String>,
}

/// A snapshot that was written.
#[derive(Debug)]
pub struct Snapshot {
    pub folder: PathBuf,
    pub record: Record,
    /// Files in the folder, including the record and the manifest.
    pub files: usize,
    pub tarball: Option<PathBuf>,
    /// Warnings of the render (published anyway, as with `build`).
    pub rendered: Rendered,
}

/// Why no snapshot was written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(
        "{path} already exists; a snapshot is never replaced by accident: keep it, or run again with --force to replace it"
    )]
    Exists { path: PathBuf },
    #[error("content/{year}/ has no published declarations; nothing to snapshot")]
    Empty { year: u16 },
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Output(#[from] output::OutputError),
    #[error("{0}")]
    Other(String),
}

/// Render `options.year` and write it to `ROOT/archive/YEAR/`.
pub fn snapshot(root: &Path, options: &SnapshotOptions) -> Result<Snapshot, SnapshotError> {
    let year = options.year;
    let archive = root.join(ARCHIVE_DIR);
    let folder = archive.join(year.to_string());
    let tar_path = archive.join(format!("{year}.tar.gz"));
    if !options.force {
        if folder.exists() {
            return Err(SnapshotError::Exists { path: folder });
        }
        if options.tar && tar_path.exists() {
            return Err(SnapshotError::Exists { path: tar_path });
        }
    }
    let build_options = BuildOptions {
        unarchived: Some(year),
        ..BuildOptions::new(root)
    };
    let mut rendered = render_year(&build_options, year)?;
    let mut files = year_folder_files(std::mem::take(&mut rendered.files), year)?;
    let (record, time) = make_record(root, options)?;
    files.retain(|file| file.path != RECORD);
    files.push(OutputFile {
        path: RECORD.to_string(),
        bytes: record.to_toml().map_err(SnapshotError::Other)?.into_bytes(),
    });
    files.retain(|file| file.path != crate::manifest::MANIFEST);
    files.push(manifest_for(&files));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let packed = match options.tar {
        true => Some(tarball::tar_gz(year, &files, time.epoch).map_err(SnapshotError::Other)?),
        false => None,
    };
    output::publish(&output::Destination::snapshot(&folder, root), &files)?;
    // A cache that cannot be written costs the next build time, never this snapshot its result.
    let _ = crate::search::cache_new_archive(root, year, &files);
    let tarball = match packed {
        Some(bytes) => Some(write_replacing(&tar_path, &bytes)?),
        None => None,
    };
    Ok(Snapshot {
        folder,
        record,
        files: files.len(),
        tarball,
        rendered,
    })
}

/// The files under `YEAR/` of a rendered site, relative to the year folder. A year without its
/// index page has nothing published, and is an error.
pub(crate) fn year_folder_files(
    files: Vec<OutputFile>,
    year: u16,
) -> Result<Vec<OutputFile>, SnapshotError> {
    let prefix = format!("{year}/");
    let files: Vec<OutputFile> = files
        .into_iter()
        .filter_map(|file| {
            let path = file.path.strip_prefix(&prefix)?.to_string();
            Some(OutputFile {
                path,
                bytes: file.bytes,
            })
        })
        .collect();
    if !files.iter().any(|file| file.path == "index.html") {
        return Err(SnapshotError::Empty { year });
    }
    Ok(files)
}

/// The record: the year's published declarations (drafts are never archived), their totals,
/// the snapshot time and the hashes of `content/YEAR/`.
fn make_record(
    root: &Path,
    options: &SnapshotOptions,
) -> Result<(Record, SnapshotTime), SnapshotError> {
    let year = options.year;
    let loaded =
        content::load_year(root, year).map_err(|err| SnapshotError::Other(err.to_string()))?;
    let published: Vec<_> = loaded
        .entries
        .iter()
        .map(|entry| &entry.declaration)
        .filter(|declaration| declaration.year == year && !declaration.draft)
        .collect();
    let mut totals = Totals::default();
    for declaration in &published {
        totals.add(declaration);
    }
    let starts = published.iter().filter_map(|declaration| declaration.start);
    let time = SnapshotTime::choose(options.source_date_epoch.as_deref(), year, starts)
        .map_err(SnapshotError::Other)?;
    let sources = record::hash_sources(root, year).map_err(SnapshotError::Other)?;
    let record = Record {
        year,
        date: time.date().to_string(),
        time: time.rfc3339(),
        time_from: if time.from_environment {
            "SOURCE_DATE_EPOCH"
        } else {
            "declarations"
        }
        .to_string(),
        disclose_version: env!("CARGO_PKG_VERSION").to_string(),
        declarations: totals.count,
        sources_sha256: record::combined_hash(&sources),
        totals: (&totals).into(),
        sources,
        amendments: Vec::new(),
    };
    Ok((record, time))
}

/// Write `bytes` to `path` through a temporary file beside it, so a reader never sees half a file.
pub(crate) fn write_replacing(path: &Path, bytes: &[u8]) -> Result<PathBuf, SnapshotError> {
    crate::files::write_replacing(path, bytes).map_err(|err| {
        SnapshotError::Other(format!(
            "{}: {}: {}",
            path.display(),
            err.action,
            err.source
        ))
    })?;
    Ok(path.to_path_buf())
}
