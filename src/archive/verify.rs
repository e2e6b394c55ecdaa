//! `verify`: check every `SHA256SUMS` in a folder tree against the files beside it.
//!
//! A manifest covers every file in its folder and below, except itself; so a built site's root
//! manifest also covers each archived year's own manifest, and a year's folder can be checked on
//! its own. Nothing here reads the site's sources: a deployed copy verifies the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use walkdir::WalkDir;

use crate::diagnostics::display_path;
use crate::manifest::{MANIFEST, sha256_hex};

/// What is wrong with one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Its bytes differ from the manifest's hash.
    Changed,
    /// Listed in a manifest but not there.
    Missing,
    /// There but listed in no manifest that covers it.
    Unexpected,
    /// A manifest line that cannot be read.
    Malformed,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Changed => "changed",
            Kind::Missing => "missing",
            Kind::Unexpected => "unexpected",
            Kind::Malformed => "malformed",
        })
    }
}

/// One problem, by the file's `/`-separated path relative to the verified folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: Kind,
    pub path: String,
    /// The manifests that found it (relative paths), in order.
    pub manifests: Vec<String>,
}

/// The outcome of verifying one folder tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub manifests: Vec<String>,
    pub files: usize,
    /// Sorted by path, one per file and kind however many manifests found it.
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        !self.manifests.is_empty() && self.problems.is_empty()
    }
}

/// Verify every manifest among `files` (relative path → bytes), held in memory.
pub fn verify_files(files: &BTreeMap<String, Vec<u8>>) -> Report {
    let paths: BTreeSet<String> = files.keys().cloned().collect();
    let read = |path: &str| Ok(files.get(path).cloned().unwrap_or_default());
    // Reading from memory cannot fail.
    verify_with(&paths, &read).unwrap_or_default()
}

/// Verify the folder tree at `dir`, hashing its files from disk in parallel without holding them.
pub fn verify_dir(dir: &Path) -> Result<Report, String> {
    let listing = list_tree(dir)?;
    let paths: BTreeSet<String> = listing.keys().cloned().collect();
    let read = |path: &str| {
        let file = listing.get(path).cloned().unwrap_or_else(|| dir.join(path));
        fs::read(&file).map_err(|err| format!("{}: cannot read: {err}", file.display()))
    };
    verify_with(&paths, &read)
}

/// What the manifests among `paths` promise: each listed file (by path relative to the tree)
/// with its expected hash and the manifests listing it, plus the problems that need no hashing
/// (missing, unexpected, malformed).
#[derive(Debug, Default)]
pub struct Promises {
    pub manifests: Vec<String>,
    /// Listed path → (expected lowercase hash, the manifest that promises it), one per
    /// manifest that lists the path.
    pub listed: BTreeMap<String, Vec<(String, String)>>,
    pub problems: Vec<Problem>,
}

/// Read the manifests among `paths` (through `read`) and check which files they promise.
pub fn promises(
    paths: &BTreeSet<String>,
    read: &(dyn Fn(&str) -> Result<Vec<u8>, String> + Sync),
) -> Result<Promises, String> {
    let mut promises = Promises::default();
    let mut found: BTreeMap<(String, Kind), Vec<String>> = BTreeMap::new();
    let manifests: Vec<&String> = paths
        .iter()
        .filter(|path| path.as_str() == MANIFEST || path.ends_with(&format!("/{MANIFEST}")))
        .collect();
    for manifest in &manifests {
        let folder = &manifest[..manifest.len() - MANIFEST.len()];
        let text = String::from_utf8_lossy(&read(manifest)?).into_owned();
        let mut listed: BTreeSet<String> = BTreeSet::new();
        for (index, line) in text.lines().enumerate() {
            match parse_line(line) {
                Some((hash, name)) if is_safe(name) => {
                    let path = format!("{folder}{name}");
                    let promise = (hash.to_ascii_lowercase(), manifest.to_string());
                    promises
                        .listed
                        .entry(path.clone())
                        .or_default()
                        .push(promise);
                    listed.insert(path);
                }
                None if line.trim().is_empty() => {}
                _ => {
                    let at = format!("{manifest}:{}", index + 1);
                    found
                        .entry((at, Kind::Malformed))
                        .or_default()
                        .push(manifest.to_string());
                }
            }
        }
        for path in &listed {
            if !paths.contains(path) {
                found
                    .entry((path.clone(), Kind::Missing))
                    .or_default()
                    .push(manifest.to_string());
            }
        }
        let below = paths
            .range(folder.to_string()..)
            .take_while(|path| path.starts_with(folder));
        for path in below {
            if path != *manifest && !listed.contains(path) {
                found
                    .entry((path.clone(), Kind::Unexpected))
                    .or_default()
                    .push(manifest.to_string());
            }
        }
    }
    promises.manifests = manifests.into_iter().cloned().collect();
    promises.problems = into_problems(found);
    Ok(promises)
}

fn into_problems(found: BTreeMap<(String, Kind), Vec<String>>) -> Vec<Problem> {
    let mut problems: Vec<Problem> = found
        .into_iter()
        .map(|((path, kind), manifests)| Problem {
            kind,
            path,
            manifests,
        })
        .collect();
    problems.sort_by(|a, b| (&a.path, a.kind).cmp(&(&b.path, b.kind)));
    problems
}

/// Check promises, then hash every promised file that is there (in parallel) and compare.
fn verify_with(
    paths: &BTreeSet<String>,
    read: &(dyn Fn(&str) -> Result<Vec<u8>, String> + Sync),
) -> Result<Report, String> {
    let promises = promises(paths, read)?;
    let present: Vec<(&String, &Vec<(String, String)>)> = promises
        .listed
        .iter()
        .filter(|(path, _)| paths.contains(*path))
        .collect();
    let changed = present
        .par_iter()
        .map(|(path, expected)| {
            let actual = sha256_hex(&read(path)?);
            let broken: Vec<String> = expected
                .iter()
                .filter(|(hash, _)| *hash != actual)
                .map(|(_, manifest)| manifest.clone())
                .collect();
            Ok((!broken.is_empty()).then(|| Problem {
                kind: Kind::Changed,
                path: path.to_string(),
                manifests: broken,
            }))
        })
        .collect::<Result<Vec<Option<Problem>>, String>>()?;
    let mut problems = promises.problems;
    problems.extend(changed.into_iter().flatten());
    problems.sort_by(|a, b| (&a.path, a.kind).cmp(&(&b.path, b.kind)));
    Ok(Report {
        manifests: promises.manifests,
        files: paths.len(),
        problems,
    })
}

/// `HASH  path` (text mode) or `HASH *path` (binary mode), as `sha256sum` writes them.
fn parse_line(line: &str) -> Option<(&str, &str)> {
    let (hash, rest) = line.split_once(' ')?;
    let name = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('*'))?;
    let is_hash = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    (is_hash && !name.is_empty()).then_some((hash, name))
}

/// A listed path must stay inside the manifest's folder.
fn is_safe(name: &str) -> bool {
    !name.starts_with('/')
        && !name.contains('\\')
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Every file under `dir`, by `/`-separated relative path, with its path on disk.
pub fn list_tree(dir: &Path) -> Result<BTreeMap<String, PathBuf>, String> {
    if !dir.is_dir() {
        return Err(format!("{}: not a folder", dir.display()));
    }
    let mut files = BTreeMap::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|err| {
            let path = err.path().unwrap_or(dir).display().to_string();
            format!("{path}: cannot read: {err}")
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        files.insert(display_path(relative), entry.path().to_path_buf());
    }
    Ok(files)
}

/// Read every file under `dir` into memory, by `/`-separated relative path.
pub fn read_tree(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    list_tree(dir)?
        .into_iter()
        .map(|(relative, path)| {
            let bytes =
                fs::read(&path).map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
            Ok((relative, bytes))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(entries: &[(&str, &[u8])]) -> BTreeMap<String, Vec<u8>> {
        entries
            .iter()
            .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
            .collect()
    }

    fn manifest_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let files: Vec<_> = entries
            .iter()
            .map(|(path, bytes)| crate::files::OutputFile {
                path: path.to_string(),
                bytes: bytes.to_vec(),
            })
            .collect();
        crate::manifest::manifest_for(&files).bytes
    }

    #[test]
    fn nested_manifests_report_each_file_once() {
        let year = manifest_of(&[("index.html", b"a")]);
        let root = manifest_of(&[("2023/SHA256SUMS", &year), ("2023/index.html", b"a")]);
        let good = tree(&[
            ("SHA256SUMS", &root),
            ("2023/SHA256SUMS", &year),
            ("2023/index.html", b"a"),
        ]);
        let report = verify_files(&good);
        assert!(report.is_ok(), "{report:?}");
        assert_eq!(report.manifests.len(), 2);

        let mut bad = good.clone();
        bad.insert("2023/index.html".into(), b"b".to_vec());
        bad.insert("2023/extra.txt".into(), Vec::new());
        let report = verify_files(&bad);
        let found: Vec<_> = report
            .problems
            .iter()
            .map(|p| (p.kind, p.path.as_str(), p.manifests.len()))
            .collect();
        assert_eq!(
            found,
            vec![
                (Kind::Unexpected, "2023/extra.txt", 2),
                (Kind::Changed, "2023/index.html", 2),
            ]
        );
    }

    #[test]
    fn unsafe_and_garbled_lines_are_malformed() {
        let files = tree(&[("SHA256SUMS", b"nonsense\n"), ("a", b"")]);
        let report = verify_files(&files);
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.kind == Kind::Malformed && p.path == "SHA256SUMS:1")
        );
        assert_eq!(
            parse_line(&format!("{}  ../x", "0".repeat(64))).map(|l| is_safe(l.1)),
            Some(false)
        );
        assert!(!verify_files(&BTreeMap::new()).is_ok());
    }
}
