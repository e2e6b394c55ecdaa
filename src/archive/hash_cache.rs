//! Remembered file hashes, keyed by the metadata each file had when it was hashed: one
//! tab-separated file per archived year under `ROOT/.disclose-cache/`.
//!
//! Every build checks the files of every archived year, its sources ([`super::source_cache`])
//! and its published pages ([`super::copy`]), which meant hashing about 1.4 GB on the
//! 100,000-declaration benchmark site. Like git's index, a file whose metadata is unchanged since
//! it was hashed is not hashed again.
//!
//! A hash is reused only when size, modification time, change time and inode all match, and the
//! file's change time was at least [`SETTLED`] older than the moment it was hashed: an edit in
//! the same clock tick as the hashing could otherwise leave the metadata as it was (git's "racily
//! clean" files). The change time moves on every write and cannot be set back by users, so an
//! edit, however it is made, is hashed again.
//!
//! The cache is an optimisation only: a missing, unreadable or malformed file is recomputed and
//! replaced (written to a temporary file and renamed), and failing to write it is ignored.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::time::SystemTime;

use crate::files::{nanos_since_epoch, write_replacing};

/// The first line of a cache file; another version is ignored.
const HEADER: &str = "disclose file hashes 1";

/// How much older than its hashing a file's change time must be for the hash to be reused.
pub use crate::files::SETTLED;

/// A file's metadata as far as the cache compares it (times in nanoseconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    modified: i128,
    changed: i128,
    inode: u64,
}

impl Stamp {
    /// The stamp of a file's metadata (none where the platform has no change time).
    #[cfg(unix)]
    pub fn of(meta: &fs::Metadata) -> Option<Stamp> {
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
    pub fn of(_meta: &fs::Metadata) -> Option<Stamp> {
        None
    }
}

/// One remembered hash: the file's stamp, when it was hashed, and the hash.
#[derive(Debug, Clone)]
pub struct Entry {
    stamp: Stamp,
    hashed_at: i128,
    sha256: String,
}

impl Entry {
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// An entry that claims `sha256` for a file with `stamp`, hashed long after its last
    /// change: what tests plant to show that a known hash is used without reading the file.
    #[cfg(test)]
    pub fn planted(stamp: Stamp, sha256: &str) -> Entry {
        Entry {
            stamp,
            hashed_at: stamp.changed + SETTLED.as_nanos() as i128,
            sha256: sha256.to_string(),
        }
    }
}

/// The cache file of one year, as read when a build started.
#[derive(Debug)]
pub struct HashCache {
    file: PathBuf,
    /// What the file held, to leave it alone when nothing changed.
    text: Option<String>,
    remembered: HashMap<String, Entry>,
    /// When this build started hashing: the `hashed_at` of its new entries.
    now: i128,
}

impl HashCache {
    /// Read `file` (a missing or malformed one is an empty cache).
    pub fn open(file: PathBuf) -> HashCache {
        let now = nanos_since_epoch(SystemTime::now());
        let text = fs::read_to_string(&file).ok();
        let remembered = text.as_deref().map(parse).unwrap_or_default();
        HashCache {
            file,
            text,
            remembered,
            now,
        }
    }

    /// The remembered entry of `path` if the file still has `stamp` and had it well before it
    /// was hashed; its hash can be trusted without reading the file.
    pub fn known(&self, path: &str, stamp: Option<Stamp>) -> Option<&Entry> {
        let entry = self.remembered.get(path)?;
        let settled = entry.stamp.changed + SETTLED.as_nanos() as i128 <= entry.hashed_at;
        (stamp? == entry.stamp && settled).then_some(entry)
    }

    /// An entry for a file this build hashed (none if it could not be stamped).
    pub fn entry(&self, stamp: Option<Stamp>, sha256: &str) -> Option<Entry> {
        Some(Entry {
            stamp: stamp?,
            hashed_at: self.now,
            sha256: sha256.to_string(),
        })
    }

    /// Write this build's entries (by path) in place of the file, unless they are what it
    /// already holds. Paths with tabs or line breaks are left out.
    pub fn store<'a>(
        &self,
        entries: impl IntoIterator<Item = (&'a str, &'a Entry)>,
    ) -> std::io::Result<()> {
        let mut text = format!("{HEADER}\n");
        for (path, entry) in entries {
            if path.contains(['\t', '\n', '\r']) {
                continue;
            }
            let Stamp {
                size,
                modified,
                changed,
                inode,
            } = entry.stamp;
            text.push_str(&format!(
                "{}\t{size}\t{modified}\t{changed}\t{inode}\t{}\t{path}\n",
                entry.sha256, entry.hashed_at
            ));
        }
        if self.text.as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        if let Some(folder) = self.file.parent() {
            fs::create_dir_all(folder)?;
        }
        write_replacing(&self.file, text.as_bytes()).map_err(|err| err.source)
    }
}

/// The remembered entries by path; empty if the text is not wholly well-formed.
fn parse(text: &str) -> HashMap<String, Entry> {
    parse_list(text, HEADER, parse_line)
}

/// The lines after `header` of a cache list, each parsed by `parse_line`, by path; empty if the
/// first line is not `header` or any line does not parse (shared with [`super::store`]).
pub(super) fn parse_list<T>(
    text: &str,
    header: &str,
    parse_line: fn(&str) -> Option<(String, T)>,
) -> HashMap<String, T> {
    let mut lines = text.lines();
    if lines.next() != Some(header) {
        return HashMap::new();
    }
    lines
        .map(parse_line)
        .collect::<Option<HashMap<_, _>>>()
        .unwrap_or_default()
}

/// Whether `text` is a sha256 in hex.
pub(super) fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
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
    let well_formed = is_sha256_hex(&sha256);
    let stamp = Stamp {
        size,
        modified,
        changed,
        inode,
    };
    well_formed.then_some((
        path,
        Entry {
            stamp,
            hashed_at,
            sha256,
        },
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::path::Path;
    use std::time::Duration;

    fn stamp(path: &Path) -> Option<Stamp> {
        Stamp::of(&fs::metadata(path).expect("metadata"))
    }

    /// An entry of `file` made to look hashed `age` after its last change.
    fn aged(cache: &HashCache, file: &Path, age: Duration, sha256: &str) -> Entry {
        let mut entry = cache.entry(stamp(file), sha256).expect("stamped");
        entry.hashed_at = entry.stamp.changed + age.as_nanos() as i128;
        entry
    }

    #[test]
    fn only_a_settled_entry_with_the_same_metadata_is_known() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (file, cache_file) = (dir.path().join("a.html"), dir.path().join("cache.tsv"));
        fs::write(&file, "页面").expect("write");
        let cache = HashCache::open(cache_file.clone());
        let settled = aged(&cache, &file, SETTLED, &"0".repeat(64));
        cache.store([("a.html", &settled)]).expect("store");
        let cache = HashCache::open(cache_file.clone());
        let known = cache.known("a.html", stamp(&file)).expect("known");
        assert_eq!(known.sha256(), "0".repeat(64));
        assert!(cache.known("b.html", stamp(&file)).is_none(), "other path");

        let racy = aged(
            &cache,
            &file,
            SETTLED - Duration::from_nanos(1),
            &"0".repeat(64),
        );
        cache.store([("a.html", &racy)]).expect("store");
        let cache = HashCache::open(cache_file.clone());
        assert!(cache.known("a.html", stamp(&file)).is_none(), "not settled");

        cache.store([("a.html", &settled)]).expect("store");
        fs::write(&file, "页页").expect("same size, other bytes");
        let cache = HashCache::open(cache_file);
        assert!(cache.known("a.html", stamp(&file)).is_none(), "edited");
        assert!(cache.known("a.html", None).is_none(), "no stamp");
    }

    #[test]
    fn an_unchanged_cache_is_not_rewritten_and_malformed_ones_are_empty() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let (file, cache_file) = (dir.path().join("a.html"), dir.path().join("sub/cache.tsv"));
        fs::write(&file, "x").expect("write");
        let cache = HashCache::open(cache_file.clone());
        let entry = aged(&cache, &file, SETTLED, &"a".repeat(64));
        cache.store([("a.html", &entry)]).expect("store");
        let written = fs::metadata(&cache_file).expect("written").ino();
        let cache = HashCache::open(cache_file.clone());
        cache.store([("a.html", &entry)]).expect("store");
        assert_eq!(fs::metadata(&cache_file).expect("kept").ino(), written);

        for text in [
            "not a cache\n".to_string(),
            format!("{HEADER}\nnonsense\n"),
            format!(
                "{HEADER}\n{}\t1\t2\t3\t4\t99999999999999999999\ta.html\n",
                "z".repeat(64)
            ),
        ] {
            fs::write(&cache_file, text).expect("write");
            assert!(HashCache::open(cache_file.clone()).remembered.is_empty());
        }
    }
}
