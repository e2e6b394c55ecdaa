//! Remembered hashes of an archived year's sources: `ROOT/.disclose-cache/sources/YEAR.tsv`.
//!
//! Every build checks that `content/YEAR/` of each archived year is still what was snapshotted
//! (else it warns, see [`super::load`]), which meant reading and hashing every source file of
//! every archived year: 90,000 files on the 100,000-declaration benchmark site, and most of the
//! archive phase when the page cache is cold. Like git's index, this cache keeps each file's
//! hash with the metadata it had when it was hashed, and a file whose metadata is unchanged is
//! not read again.
//!
//! A hash is reused only when size, modification time, change time and inode all match, and the
//! file's change time was at least [`SETTLED`] older than the moment it was hashed: an edit in
//! the same clock tick as the hashing could otherwise leave the metadata as it was (git's "racily
//! clean" files). The change time moves on every write and cannot be set back by users, so an
//! edit, however it is made, is hashed again. Only the warning depends on this cache, never what
//! is published, and `snapshot` always hashes every file.
//!
//! The cache is an optimisation only: a missing, unreadable or malformed file is recomputed and
//! replaced (written to a temporary file and renamed), and failing to write it is ignored.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

use super::record::{self, Source};
use crate::diagnostics::display_path;
use crate::files::write_replacing;

/// The cache folder, relative to the site root.
pub const CACHE_DIR: &str = ".disclose-cache/sources";

/// The first line of a cache file; another version is ignored.
const HEADER: &str = "disclose source hashes 1";

/// How much older than its hashing a file's change time must be for the hash to be reused.
const SETTLED: Duration = Duration::from_secs(3);

/// A file's metadata as far as the cache compares it (times in nanoseconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    modified: i128,
    changed: i128,
    inode: u64,
}

/// One remembered hash: the file's stamp, when it was hashed, and the hash.
#[derive(Debug, Clone)]
struct Entry {
    stamp: Stamp,
    hashed_at: i128,
    sha256: String,
}

/// [`record::hash_sources`], reading only the files whose metadata changed since they were last
/// hashed, and remembering the rest for the next build.
pub fn hash_sources(root: &Path, year: u16) -> Result<Vec<Source>, String> {
    let hashed_at = nanos(SystemTime::now());
    let cached = fs::read_to_string(entry_path(root, year)).ok();
    let remembered = cached.as_deref().map(parse).unwrap_or_default();
    let files = record::source_files(root, year)?;
    let hashed: Vec<(Source, Option<Entry>)> = files
        .par_iter()
        .map(|file| {
            let stamp = file.metadata().ok().and_then(|meta| stamp(&meta));
            let relative = file.path().strip_prefix(root).unwrap_or(file.path());
            let path = display_path(relative);
            if let (Some(stamp), Some(entry)) = (stamp, remembered.get(&path))
                && entry.stamp == stamp
                && stamp.changed + SETTLED.as_nanos() as i128 <= entry.hashed_at
            {
                let source = Source {
                    path,
                    sha256: entry.sha256.clone(),
                };
                return Ok((source, Some(entry.clone())));
            }
            let source = record::hash_source(root, file.path())?;
            let entry = stamp.map(|stamp| Entry {
                stamp,
                hashed_at,
                sha256: source.sha256.clone(),
            });
            Ok((source, entry))
        })
        .collect::<Result<_, String>>()?;
    let _ = store(root, year, &hashed, cached.as_deref());
    let mut sources: Vec<Source> = hashed.into_iter().map(|(source, _)| source).collect();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(sources)
}

/// The cache file of `year`.
fn entry_path(root: &Path, year: u16) -> PathBuf {
    root.join(CACHE_DIR).join(format!("{year}.tsv"))
}

/// The stamp of a file's metadata (none where the platform has no change time).
#[cfg(unix)]
fn stamp(meta: &fs::Metadata) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let time = |seconds: i64, nanoseconds: i64| {
        i128::from(seconds) * 1_000_000_000 + i128::from(nanoseconds)
    };
    Some(Stamp {
        size: meta.len(),
        modified: time(meta.mtime(), meta.mtime_nsec()),
        changed: time(meta.ctime(), meta.ctime_nsec()),
        inode: meta.ino(),
    })
}

#[cfg(not(unix))]
fn stamp(_meta: &fs::Metadata) -> Option<Stamp> {
    None
}

fn nanos(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    }
}

/// The remembered entries by path; empty if the text is not wholly well-formed.
fn parse(text: &str) -> HashMap<String, Entry> {
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return HashMap::new();
    }
    lines
        .map(parse_line)
        .collect::<Option<HashMap<_, _>>>()
        .unwrap_or_default()
}

/// `SHA256 SIZE MODIFIED CHANGED INODE HASHED_AT PATH`, tab-separated.
fn parse_line(line: &str) -> Option<(String, Entry)> {
    let mut fields = line.splitn(7, '\t');
    let mut next = || fields.next();
    let sha256 = next()?.to_string();
    let (size, modified, changed, inode, hashed_at) = (
        next()?.parse().ok()?,
        next()?.parse().ok()?,
        next()?.parse().ok()?,
        next()?.parse().ok()?,
        next()?.parse().ok()?,
    );
    let path = next()?.to_string();
    let well_formed = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then_some((
        path,
        Entry {
            stamp: Stamp {
                size,
                modified,
                changed,
                inode,
            },
            hashed_at,
            sha256,
        },
    ))
}

/// Write the entries of this build (files that could not be stamped are left out), unless they
/// are what the cache file already holds (`cached`).
fn store(
    root: &Path,
    year: u16,
    hashed: &[(Source, Option<Entry>)],
    cached: Option<&str>,
) -> std::io::Result<()> {
    let mut text = format!("{HEADER}\n");
    for (source, entry) in hashed {
        let Some(entry) = entry else { continue };
        if source.path.contains(['\t', '\n', '\r']) {
            continue;
        }
        let Stamp {
            size,
            modified,
            changed,
            inode,
        } = entry.stamp;
        text.push_str(&format!(
            "{}\t{size}\t{modified}\t{changed}\t{inode}\t{}\t{}\n",
            entry.sha256, entry.hashed_at, source.path
        ));
    }
    if cached == Some(text.as_str()) {
        return Ok(());
    }
    fs::create_dir_all(root.join(CACHE_DIR))?;
    write_replacing(&entry_path(root, year), text.as_bytes()).map_err(|err| err.source)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn load(path: &Path) -> HashMap<String, Entry> {
        fs::read_to_string(path)
            .map(|text| parse(&text))
            .unwrap_or_default()
    }

    fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("tempdir");
        for (path, text) in files {
            let path = root.path().join(path);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, text).expect("write");
        }
        root
    }

    #[test]
    fn gives_what_reading_every_file_gives_and_remembers_it() {
        let root = site_with(&[
            ("content/2022/a.toml", "name = \"甲\"\n"),
            ("content/2022/b.toml", "name = \"乙\"\n"),
            ("content/2022/.hidden", "x"),
        ]);
        let expected = record::hash_sources(root.path(), 2022).expect("hash");
        assert_eq!(expected.len(), 2);
        assert_eq!(hash_sources(root.path(), 2022).expect("first"), expected);
        assert_eq!(load(&entry_path(root.path(), 2022)).len(), 2);
        assert_eq!(hash_sources(root.path(), 2022).expect("second"), expected);
        assert_eq!(
            hash_sources(root.path(), 2023).expect("no folder"),
            Vec::new()
        );
    }

    #[test]
    fn an_edit_of_the_same_size_is_hashed_again() {
        let root = site_with(&[("content/2022/a.toml", "amount = 1\n")]);
        hash_sources(root.path(), 2022).expect("first");
        fs::write(root.path().join("content/2022/a.toml"), "amount = 2\n").expect("edit");
        assert_eq!(
            hash_sources(root.path(), 2022).expect("second"),
            record::hash_sources(root.path(), 2022).expect("hash")
        );
    }

    /// Proof that a settled entry is used without reading the file: an entry made to look
    /// settled, with another hash, is what comes back.
    #[test]
    fn a_settled_entry_with_the_same_metadata_is_not_read_again() {
        let root = site_with(&[("content/2022/a.toml", "amount = 1\n")]);
        hash_sources(root.path(), 2022).expect("first");
        let path = entry_path(root.path(), 2022);
        let (file, mut entry) = load(&path).into_iter().next().expect("an entry");
        entry.hashed_at = entry.stamp.changed + SETTLED.as_nanos() as i128;
        entry.sha256 = "0".repeat(64);
        let source = Source {
            path: file.clone(),
            sha256: entry.sha256.clone(),
        };
        store(root.path(), 2022, &[(source, Some(entry))], None).expect("store");
        let sources = hash_sources(root.path(), 2022).expect("second");
        assert_eq!(sources[0].sha256, "0".repeat(64));

        // Not yet settled: hashed again.
        let (file, mut entry) = load(&path).into_iter().next().expect("an entry");
        entry.hashed_at = entry.stamp.changed + SETTLED.as_nanos() as i128 - 1;
        let source = Source {
            path: file,
            sha256: entry.sha256.clone(),
        };
        store(root.path(), 2022, &[(source, Some(entry))], None).expect("store");
        let sources = hash_sources(root.path(), 2022).expect("third");
        assert_eq!(
            sources,
            record::hash_sources(root.path(), 2022).expect("hash")
        );
    }

    #[test]
    fn a_malformed_cache_is_ignored() {
        let root = site_with(&[("content/2022/a.toml", "amount = 1\n")]);
        let path = entry_path(root.path(), 2022);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        for text in [
            "not a cache\n".to_string(),
            format!("{HEADER}\nnonsense\n"),
            format!(
                "{HEADER}\n{}\t1\t2\t3\t4\t99999999999999999999\tcontent/2022/a.toml\n",
                "z".repeat(64)
            ),
        ] {
            fs::write(&path, text).expect("write");
            assert_eq!(
                hash_sources(root.path(), 2022).expect("hash"),
                record::hash_sources(root.path(), 2022).expect("hash")
            );
        }
    }
}
