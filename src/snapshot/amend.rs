//! `disclose snapshot YEAR --amend --reason "…"`: correct an archived year in the open.
//!
//! The corrected year becomes the new `archive/YEAR/`; the version it replaces is kept, file for
//! file, in `archive/YEAR/versions/N/` (N counts from 1, the first snapshot), and so on for every
//! later amendment. The changes are computed from the open data the archive already holds
//! ([`crate::snapshot::diff`]) and recorded with the date and reason in `snapshot.toml`, so the
//! corrected pages, `corrections.csv` and the feed all come from the record, never from the clock.
//!
//! Each kept version carries its own `SHA256SUMS` and verifies on its own. For a version that
//! itself had earlier versions, its manifest is the original one without the `versions/` lines
//! (those files now sit beside it, at `versions/K/`, not below it); for the first snapshot, the
//! usual case, it is byte for byte the manifest that was published. The archive's top manifest
//! covers everything, as before.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::SnapshotError;
use super::diff;
use crate::archive::record::{self, RECORD, Record, SnapshotTime};
use crate::archive::{ARCHIVE_DIR, tarball, verify};
use crate::build::{self, BuildOptions, Scope};
use crate::corrections::{Amendment, YearCorrections};
use crate::diagnostics::Diagnostics;
use crate::export::{DECLARATIONS_CSV, INDICATORS_CSV};
use crate::files::OutputFile;
use crate::manifest::{MANIFEST, manifest_for};
use crate::money::plain_yuan;
use crate::output;
use crate::sink::Memory;

/// The folder of earlier versions inside an archived year.
pub const VERSIONS_DIR: &str = "versions";

/// What to amend.
#[derive(Debug, Clone)]
pub struct AmendOptions {
    pub year: u16,
    /// Why the year is corrected; required, and published with the correction.
    pub reason: Option<String>,
    /// The value of `SOURCE_DATE_EPOCH`, if set; otherwise the amendment is dated now.
    pub source_date_epoch: Option<String>,
}

/// An amendment that was written.
#[derive(Debug)]
pub struct Amended {
    pub folder: PathBuf,
    pub record: Record,
    /// The amendment just made (also the last of `record.amendments`).
    pub amendment: Amendment,
    /// Files in the folder, earlier versions included.
    pub files: usize,
    /// Warnings of the render.
    pub diagnostics: Diagnostics,
    pub tarball: Option<PathBuf>,
}

/// The outcome of `--amend`.
#[derive(Debug)]
pub enum AmendOutcome {
    Amended(Box<Amended>),
    /// The corrected sources give the same published data: nothing was written.
    NothingChanged,
}

fn other(message: String) -> SnapshotError {
    SnapshotError::Other(message)
}

/// Amend `archive/YEAR/` from `content/YEAR/`, keeping the version it replaces.
pub fn amend(root: &Path, options: &AmendOptions) -> Result<AmendOutcome, SnapshotError> {
    let year = options.year;
    let (reason, folder) = checked_request(root, options)?;
    let current = read_intact(&folder, year)?;
    let old_record = Record::from_toml(&String::from_utf8_lossy(file(&current, RECORD, year)?))
        .map_err(|err| other(format!("archive/{year}/{RECORD}: {err}")))?;
    let table = |name: &str| diff::read_table(file(&current, name, year)?, name).map_err(other);
    let (old_declarations, old_indicators) = (table(DECLARATIONS_CSV)?, table(INDICATORS_CSV)?);

    let build_options = BuildOptions {
        unarchived: Some(year),
        ..BuildOptions::new(root)
    };
    let mut prepared = build::prepare(&build_options)?;
    let config = prepared.site.config.clone();
    let Some(corrected) = prepared.site.years.iter_mut().find(|y| y.year == year) else {
        return Err(SnapshotError::Empty { year });
    };
    let changes = diff::changes(&old_declarations, &old_indicators, &config, corrected);
    if changes.is_empty() {
        return Ok(AmendOutcome::NothingChanged);
    }
    let time = amendment_time(options.source_date_epoch.as_deref())?;
    let version = old_record.amendments.last().map_or(1, |last| last.version) + 1;
    let amendment = Amendment {
        version,
        date: time.date().to_string(),
        time: time.rfc3339(),
        reason: reason.to_string(),
        replaced_date: old_record.date.clone(),
        annual_before: old_record.totals.annual.clone(),
        annual_after: plain_yuan(corrected.totals.annual),
        changes,
    };
    let mut amendments = old_record.amendments.clone();
    amendments.push(amendment.clone());
    corrected.corrections = YearCorrections::new(amendments.clone());
    let totals = corrected.totals.clone();

    let (mut files, diagnostics) = rendered_year(&prepared, year)?;
    files.extend(kept_versions(current, version - 1));
    let sources = record::hash_sources(root, year).map_err(other)?;
    let record = amended_record(old_record, &amendment, &time, &totals, sources, amendments);
    files.push(OutputFile {
        path: RECORD.to_string(),
        bytes: record.to_toml().map_err(other)?.into_bytes(),
    });
    files.push(manifest_for(&files));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let tar_path = root.join(ARCHIVE_DIR).join(format!("{year}.tar.gz"));
    let packed = match tar_path.exists() {
        true => Some(tarball::tar_gz(year, &files, time.epoch).map_err(other)?),
        false => None,
    };
    output::publish(&output::Destination::snapshot(&folder, root), &files)?;
    // As in `snapshot`: the next build finds the corrected year indexed.
    let _ = crate::search::cache_new_archive(root, year, &files);
    let tarball = match packed {
        Some(bytes) => Some(super::write_replacing(&tar_path, &bytes)?),
        None => None,
    };
    Ok(AmendOutcome::Amended(Box::new(Amended {
        folder,
        record,
        amendment,
        files: files.len(),
        diagnostics,
        tarball,
    })))
}

/// The reason (required: it is published) and `archive/YEAR/` (which must exist).
fn checked_request<'o>(
    root: &Path,
    options: &'o AmendOptions,
) -> Result<(&'o str, PathBuf), SnapshotError> {
    let year = options.year;
    let reason = options.reason.as_deref().map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        return Err(other(format!(
            "an amendment needs a reason: run `disclose snapshot {year} --amend --reason \"…\"` saying what was wrong; the reason is published with the correction"
        )));
    }
    let folder = root.join(ARCHIVE_DIR).join(year.to_string());
    if !folder.is_dir() {
        return Err(other(format!(
            "{}: {year} is not archived, so there is nothing to amend; freeze it first with `disclose snapshot {year}`",
            folder.display()
        )));
    }
    Ok((reason, folder))
}

/// The corrected year's files, relative to its folder, without the record and manifest (made
/// afresh), and the build's warnings.
fn rendered_year(
    prepared: &build::Prepared,
    year: u16,
) -> Result<(Vec<OutputFile>, Diagnostics), SnapshotError> {
    let memory = Memory::default();
    let produced = build::produce(prepared, Scope::Year(year), &memory)?;
    let mut files = super::year_folder_files(memory.into_files(), year)?;
    files.retain(|file| file.path != RECORD && file.path != MANIFEST);
    Ok((files, produced.diagnostics))
}

/// The record of the amended year: the first snapshot's, with this amendment's time, the
/// corrected totals and sources, and every amendment so far.
fn amended_record(
    old_record: Record,
    amendment: &Amendment,
    time: &SnapshotTime,
    totals: &crate::site::Totals,
    sources: Vec<record::Source>,
    amendments: Vec<Amendment>,
) -> Record {
    Record {
        date: amendment.date.clone(),
        time: amendment.time.clone(),
        time_from: match time.from_environment {
            true => "SOURCE_DATE_EPOCH",
            false => "amendment",
        }
        .to_string(),
        disclose_version: env!("CARGO_PKG_VERSION").to_string(),
        declarations: totals.count,
        sources_sha256: record::combined_hash(&sources),
        totals: totals.into(),
        sources,
        amendments,
        ..old_record
    }
}

/// Every file of `archive/YEAR/`, after checking it against its manifests: an amendment keeps
/// the published version, so that version must be exactly what was published.
fn read_intact(folder: &Path, year: u16) -> Result<BTreeMap<String, Vec<u8>>, SnapshotError> {
    let report = verify::verify_dir(folder).map_err(other)?;
    if !report.is_ok() {
        let problems: Vec<String> = report
            .problems
            .iter()
            .take(5)
            .map(|problem| format!("{} {}", problem.path, problem.kind))
            .collect();
        return Err(other(format!(
            "archive/{year}/ does not verify ({} problem(s): {}); an amendment keeps the published version, so it must be intact: {}",
            report.problems.len(),
            problems.join(", "),
            crate::archive::restore_advice(year)
        )));
    }
    verify::read_tree(folder).map_err(other)
}

fn file<'t>(
    tree: &'t BTreeMap<String, Vec<u8>>,
    name: &str,
    year: u16,
) -> Result<&'t [u8], SnapshotError> {
    tree.get(name).map(Vec::as_slice).ok_or_else(|| {
        other(format!(
            "archive/{year}/{name} is missing: the archive holds no open data to compare the correction with; replace it with `disclose snapshot {year} --force` (which keeps no history) instead"
        ))
    })
}

/// The version being replaced, moved to `versions/REPLACED/`, and the versions it kept itself,
/// carried over as they are. Its pages of earlier amendments (`versions/index.html`) are
/// rendered anew for the new version, so they are not carried.
fn kept_versions(current: BTreeMap<String, Vec<u8>>, replaced: u32) -> Vec<OutputFile> {
    let earlier = format!("{VERSIONS_DIR}/");
    let mut files = Vec::with_capacity(current.len());
    for (path, bytes) in current {
        if let Some(inner) = path.strip_prefix(&earlier) {
            let numbered = inner
                .split_once('/')
                .is_some_and(|(number, _)| number.bytes().all(|b| b.is_ascii_digit()));
            if numbered {
                files.push(OutputFile { path, bytes });
            }
            continue;
        }
        let bytes = match path == MANIFEST {
            true => own_lines(&bytes, &earlier),
            false => bytes,
        };
        files.push(OutputFile {
            path: format!("{VERSIONS_DIR}/{replaced}/{path}"),
            bytes,
        });
    }
    files
}

/// A manifest without the lines of `versions/` (unchanged bytes when it has none).
fn own_lines(manifest: &[u8], earlier: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(manifest);
    let listed_below = |line: &str| {
        line.split_once(' ')
            .map(|(_, name)| name.trim_start_matches([' ', '*']))
            .is_some_and(|name| name.starts_with(earlier))
    };
    if !text.lines().any(listed_below) {
        return manifest.to_vec();
    }
    text.split_inclusive('\n')
        .filter(|line| !listed_below(line))
        .collect::<String>()
        .into_bytes()
}

/// `SOURCE_DATE_EPOCH` when set; otherwise now. An amendment is an act at a time, and its time is
/// written into `snapshot.toml`, so builds read it from there.
fn amendment_time(source_date_epoch: Option<&str>) -> Result<SnapshotTime, SnapshotError> {
    if source_date_epoch.is_some_and(|text| !text.trim().is_empty()) {
        return SnapshotTime::choose(source_date_epoch, 0, std::iter::empty()).map_err(other);
    }
    let epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|err| other(format!("the system clock is before 1970: {err}")))?;
    Ok(SnapshotTime {
        epoch: epoch.as_secs(),
        from_environment: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_manifest_loses_only_the_lines_of_earlier_versions() {
        let hash = "0".repeat(64);
        let plain = format!("{hash}  index.html\n");
        assert_eq!(own_lines(plain.as_bytes(), "versions/"), plain.as_bytes());
        let nested = format!("{hash}  index.html\n{hash}  versions/1/index.html\n");
        assert_eq!(own_lines(nested.as_bytes(), "versions/"), plain.as_bytes());
        let tree: BTreeMap<String, Vec<u8>> = [
            ("index.html", "a"),
            ("versions/1/index.html", "b"),
            ("versions/index.html", "c"),
        ]
        .iter()
        .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
        .collect();
        let kept: Vec<String> = kept_versions(tree, 2).into_iter().map(|f| f.path).collect();
        assert_eq!(kept, vec!["versions/2/index.html", "versions/1/index.html"]);
    }
}
