//! Archived years: `archive/YEAR/` holds a year exactly as it was published, frozen by
//! `disclose snapshot`, with its own `SHA256SUMS` and a [`record::Record`].
//!
//! `build` publishes an archived year verbatim instead of re-rendering it ([`copy::publish`]),
//! so a year stays online unchanged while templates, assets and disclose itself move on. Every
//! archived page links relatively and carries its own `YEAR/assets/`, so it keeps its look. An
//! archive whose files no longer match its manifest is an error: publishing it would break the
//! promise the manifest makes.

pub mod copy;
mod hash_cache;
mod listing;
pub mod published;
pub mod record;
mod source_cache;
pub mod store;
pub mod tarball;
pub mod verify;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::manifest::MANIFEST;
use crate::site::{ArchivedDeclaration, ArchivedMark};
use record::{RECORD, Record};

/// The folder of archived years, relative to the site root.
pub use crate::layout::ARCHIVE_DIR;

/// One archived year: its record, and every file of its folder with the hash its manifest
/// promises. The files' contents are checked as they are copied ([`copy::publish`]), so a
/// build reads each archived file once (`declarations.csv` twice).
#[derive(Debug, Clone)]
pub struct ArchivedYear {
    pub year: u16,
    pub record: Record,
    /// `archive/YEAR/` on disk.
    pub folder: PathBuf,
    /// Every file by path relative to the year folder, sorted.
    pub files: BTreeMap<String, ArchivedFile>,
    /// Every declaration as published ([`published`]).
    pub declarations: Arc<[ArchivedDeclaration]>,
    /// Whether `content/YEAR/` is exactly what was snapshotted (or gone): then nothing needs
    /// its sources, and `build` does not read them.
    pub sources_unchanged: bool,
    /// Where the hashes of its files are remembered between builds ([`copy`]).
    pub hash_cache: PathBuf,
    /// Where copies of its files are kept to be linked into outputs ([`store`]).
    pub kept: PathBuf,
}

/// One file of an archived year, as its folder was listed.
#[derive(Debug, Clone)]
pub struct ArchivedFile {
    /// The lowercase sha256 its manifests promise (`None` for the manifest itself, which no
    /// manifest lists).
    pub sha256: Option<String>,
    /// Its metadata when listed, to find its hash in the cache without reading it ([`copy`]).
    stamp: Option<hash_cache::Stamp>,
}

/// Every usable archived year of a site.
#[derive(Debug, Clone, Default)]
pub struct Archives {
    pub years: Vec<ArchivedYear>,
}

impl Archives {
    /// Archived years whose `content/YEAR/` is as snapshotted (or gone): their sources are not
    /// loaded, since nothing is rendered from them.
    pub fn unchanged_sources(&self) -> BTreeSet<u16> {
        self.years
            .iter()
            .filter(|archived| archived.sources_unchanged)
            .map(|archived| archived.year)
            .collect()
    }

    /// Whether `year` is published from its archive.
    pub fn contains(&self, year: u16) -> bool {
        self.years.iter().any(|archived| archived.year == year)
    }

    /// Every amendment of every archived year, for the feed.
    pub fn amendments(&self) -> Vec<(u16, &crate::corrections::Amendment)> {
        self.years
            .iter()
            .flat_map(|archived| {
                let year = archived.year;
                archived.record.amendments.iter().map(move |a| (year, a))
            })
            .collect()
    }

    /// Years as the templates mark them.
    pub fn marks(&self) -> BTreeMap<u16, ArchivedMark> {
        self.years
            .iter()
            .filter_map(|archived| {
                let totals = archived.record.totals().ok()?;
                // First archived on: the first version's day, however often corrected since.
                let amendments = &archived.record.amendments;
                let first = amendments.first().map(|a| &a.replaced_date);
                let date = first.unwrap_or(&archived.record.date).clone();
                let corrected = archived.record.amendments.last().map(|a| a.date.clone());
                let mark = ArchivedMark {
                    date,
                    totals,
                    corrected,
                    declarations: Arc::clone(&archived.declarations),
                };
                Some((archived.year, mark))
            })
            .collect()
    }
}

/// An archived year that could be read, with the warnings about its sources.
type Loaded = (ArchivedYear, Vec<Diagnostic>);

/// Read every `archive/YEAR/` (except `skip`, the year being re-snapshotted), verify it against
/// its manifest, and compare its record with `content/YEAR/`. Broken archives are errors and
/// are left out; sources changed since the snapshot are warnings. Years are read in parallel.
pub fn load(root: &Path, skip: Option<u16>) -> (Archives, Vec<Diagnostic>) {
    let folder = root.join(ARCHIVE_DIR);
    let years = match archived_years(&folder) {
        Ok(years) => years,
        Err(problem) => return (Archives::default(), vec![problem]),
    };
    // Copies kept for years whose archive is gone would only take space.
    store::forget_all_but(root, &years);
    let loaded: Vec<Result<Loaded, Vec<Diagnostic>>> = years
        .into_par_iter()
        .filter(|year| Some(*year) != skip)
        .map(|year| {
            let mut archived = load_year(root, year)?;
            let warnings = source_warnings(root, &archived.record);
            archived.sources_unchanged = warnings.is_empty();
            Ok((archived, warnings))
        })
        .collect();
    let mut archives = Archives::default();
    let mut diagnostics = Vec::new();
    for result in loaded {
        match result {
            Ok((archived, warnings)) => {
                diagnostics.extend(warnings);
                archives.years.push(archived);
            }
            Err(problems) => diagnostics.extend(problems),
        }
    }
    (archives, diagnostics)
}

/// The 4-digit folder names under `archive/`, ascending. Files (such as `YEAR.tar.gz`) and
/// other folders are not archives and are left alone.
fn archived_years(folder: &Path) -> Result<Vec<u16>, Diagnostic> {
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let unreadable =
        |err: std::io::Error| Diagnostic::error(ARCHIVE_DIR, "", format!("cannot read: {err}"));
    let mut years = Vec::new();
    for entry in fs::read_dir(folder).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_year = name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit());
        if is_year
            && entry.path().is_dir()
            && let Ok(year) = name.parse::<u16>()
        {
            years.push(year);
        }
    }
    years.sort_unstable();
    Ok(years)
}

fn shown(year: u16, path: &str) -> PathBuf {
    Path::new(ARCHIVE_DIR).join(year.to_string()).join(path)
}

/// Read one archived year's manifest and record, and check that its folder holds exactly the
/// files the manifest lists. (Whether each file still has its hash is checked when it is copied.)
fn load_year(root: &Path, year: u16) -> Result<ArchivedYear, Vec<Diagnostic>> {
    let folder = &root.join(ARCHIVE_DIR).join(year.to_string());
    let error =
        |path: &str, message: String| vec![Diagnostic::error(shown(year, path), "", message)];
    // Its folders' names are remembered beside the hashes of its files (`crate::listing`).
    let listing_cache = root.join(copy::CACHE_DIR).join(format!("{year}.folders"));
    let listing = listing::list_stamped(folder, Some(&listing_cache))
        .map_err(|message| error("", message))?;
    let advice = restore_advice(year);
    if !listing.contains_key(MANIFEST) {
        return Err(error(
            MANIFEST,
            format!("missing: archive/{year}/ has no manifest, so it cannot be trusted; {advice}"),
        ));
    }
    let paths = listing.keys().cloned().collect();
    let read = |path: &str| {
        let file = folder.join(path);
        fs::read(&file).map_err(|err| format!("{}: cannot read: {err}", file.display()))
    };
    let promises = verify::promises(&paths, &read).map_err(|message| error("", message))?;
    if !promises.problems.is_empty() {
        return Err(promises
            .problems
            .iter()
            .map(|problem| {
                let what = match problem.kind {
                    verify::Kind::Malformed => "unreadable manifest line".to_string(),
                    kind => format!("{kind} since the snapshot"),
                };
                let message = format!(
                    "{what} (see archive/{year}/{MANIFEST}); nothing was published; {advice}"
                );
                Diagnostic::error(shown(year, &problem.path), "", message)
            })
            .collect());
    }
    let text = read(RECORD).map_err(|message| {
        error(
            RECORD,
            format!("missing: the snapshot record is gone ({message}); {advice}"),
        )
    })?;
    let record =
        Record::from_toml(&String::from_utf8_lossy(&text)).map_err(|err| error(RECORD, err))?;
    if record.year != year {
        return Err(error(
            RECORD,
            format!("records year {} but sits in archive/{year}/", record.year),
        ));
    }
    record.totals().map_err(|err| error(RECORD, err))?;
    let files: BTreeMap<String, ArchivedFile> = listing
        .into_iter()
        .map(|(path, stamp)| {
            let sha256 = promises
                .listed
                .get(&path)
                .and_then(|promises| promises.first())
                .map(|(hash, _)| hash.clone());
            (path, ArchivedFile { sha256, stamp })
        })
        .collect();
    let mut archived = ArchivedYear {
        year,
        record,
        folder: folder.to_path_buf(),
        files,
        declarations: Arc::from(Vec::new()),
        sources_unchanged: false,
        hash_cache: root.join(copy::CACHE_DIR).join(format!("{year}.tsv")),
        kept: root.join(store::STORE_DIR).join(year.to_string()),
    };
    archived.declarations = published::declarations(&archived)
        .map_err(|problem| vec![problem])?
        .into();
    Ok(archived)
}

/// Why an archived file is refused: its bytes no longer have the hash the manifest promises.
pub fn changed_since_snapshot(year: u16) -> String {
    format!(
        "changed since the snapshot (see archive/{year}/{MANIFEST}); nothing was published; {}",
        restore_advice(year)
    )
}

/// What to do about a broken archive.
pub fn restore_advice(year: u16) -> String {
    format!(
        "restore archive/{year}/ from version control, or take a new snapshot with `disclose snapshot {year} --force`"
    )
}

/// A warning for each file of `content/YEAR/` that changed, appeared or went away since the
/// snapshot. None when the folder is gone altogether: retiring the sources of an archived year
/// is allowed, the archive is the publication.
fn source_warnings(root: &Path, record: &Record) -> Vec<Diagnostic> {
    let year = record.year;
    let content = root.join("content").join(year.to_string());
    if !content.is_dir() {
        return Vec::new();
    }
    let current = match source_cache::hash_sources(root, year) {
        Ok(current) => current,
        Err(message) => return vec![Diagnostic::warning(content, "", message)],
    };
    if record::combined_hash(&current) == record.sources_sha256 {
        return Vec::new();
    }
    let before: BTreeMap<&str, &str> = record
        .sources
        .iter()
        .map(|s| (s.path.as_str(), s.sha256.as_str()))
        .collect();
    let now: BTreeMap<&str, &str> = current
        .iter()
        .map(|s| (s.path.as_str(), s.sha256.as_str()))
        .collect();
    let tail = format!(
        "since {year} was archived on {}; the site keeps publishing archive/{year}/ unchanged; to publish the new sources as a correction that keeps the published version, run `disclose snapshot {year} --amend --reason \"…\"` (or `--force` to replace it without history)",
        record.date
    );
    let mut warnings = Vec::new();
    for (path, hash) in &now {
        match before.get(path) {
            Some(old) if old == hash => {}
            Some(_) => warnings.push(Diagnostic::warning(*path, "", format!("changed {tail}"))),
            None => warnings.push(Diagnostic::warning(*path, "", format!("added {tail}"))),
        }
    }
    for path in before.keys().filter(|path| !now.contains_key(*path)) {
        warnings.push(Diagnostic::warning(*path, "", format!("removed {tail}")));
    }
    if warnings.is_empty() {
        warnings.push(Diagnostic::warning(
            format!("content/{year}"),
            "",
            format!("does not match the sources recorded in archive/{year}/{RECORD}; {tail}"),
        ));
    }
    warnings
}
