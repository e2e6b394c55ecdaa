//! `verify`: check every `SHA256SUMS` in a folder tree against the files beside it.
//!
//! A manifest covers every file in its folder and below, except itself; so a built site's root
//! manifest also covers each archived year's own manifest, and a year's folder can be checked on
//! its own. Nothing here reads the site's sources: a deployed copy verifies the same way.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::path::Path;

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

/// Verify every manifest among `files` (relative path → bytes).
pub fn verify_files(files: &BTreeMap<String, Vec<u8>>) -> Report {
    let mut hashes: HashMap<&str, String> = HashMap::with_capacity(files.len());
    let mut found: BTreeMap<(String, Kind), Vec<String>> = BTreeMap::new();
    let manifests: Vec<&String> = files
        .keys()
        .filter(|path| path.as_str() == MANIFEST || path.ends_with(&format!("/{MANIFEST}")))
        .collect();
    for manifest in &manifests {
        let folder = &manifest[..manifest.len() - MANIFEST.len()];
        let text = String::from_utf8_lossy(&files[manifest.as_str()]);
        for (kind, path) in check_manifest(folder, manifest, &text, files, &mut hashes) {
            found
                .entry((path, kind))
                .or_default()
                .push(manifest.to_string());
        }
    }
    let mut problems: Vec<Problem> = found
        .into_iter()
        .map(|((path, kind), manifests)| Problem {
            kind,
            path,
            manifests,
        })
        .collect();
    problems.sort_by(|a, b| (&a.path, a.kind).cmp(&(&b.path, b.kind)));
    Report {
        manifests: manifests.into_iter().cloned().collect(),
        files: files.len(),
        problems,
    }
}

/// Problems found by one manifest at `folder` (`""` or `"2023/"`).
fn check_manifest<'f>(
    folder: &str,
    manifest: &str,
    text: &str,
    files: &'f BTreeMap<String, Vec<u8>>,
    hashes: &mut HashMap<&'f str, String>,
) -> Vec<(Kind, String)> {
    let mut problems = Vec::new();
    let mut listed: BTreeMap<String, &str> = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        match parse_line(line) {
            Some((hash, name)) if is_safe(name) => {
                listed.insert(format!("{folder}{name}"), hash);
            }
            None if line.trim().is_empty() => {}
            _ => problems.push((Kind::Malformed, format!("{manifest}:{}", index + 1))),
        }
    }
    for (path, expected) in &listed {
        match files.get_key_value(path.as_str()) {
            None => problems.push((Kind::Missing, path.clone())),
            Some((key, bytes)) => {
                let actual = hashes
                    .entry(key.as_str())
                    .or_insert_with(|| sha256_hex(bytes));
                if !actual.eq_ignore_ascii_case(expected) {
                    problems.push((Kind::Changed, path.clone()));
                }
            }
        }
    }
    let below = files
        .range(folder.to_string()..)
        .take_while(|(path, _)| path.starts_with(folder));
    for (path, _) in below {
        if path != manifest && !listed.contains_key(path) {
            problems.push((Kind::Unexpected, path.clone()));
        }
    }
    problems
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

/// Read every file under `dir` into memory, by `/`-separated relative path.
pub fn read_tree(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
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
        let bytes = fs::read(entry.path())
            .map_err(|err| format!("{}: cannot read: {err}", entry.path().display()))?;
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        files.insert(display_path(relative), bytes);
    }
    Ok(files)
}

/// Verify the folder tree at `dir`.
pub fn verify_dir(dir: &Path) -> Result<Report, String> {
    Ok(verify_files(&read_tree(dir)?))
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
            .map(|(path, bytes)| crate::render::OutputFile {
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
