//! Kept copies of every archived year's files, hard-linked into each build's output:
//! `ROOT/.disclose-cache/published/YEAR/`, listed in `YEAR.tsv` beside it.
//!
//! An archived year's files are the same in every build. Writing them anew each time costs a
//! new inode and its data blocks per file: on the benchmark site, nine archived years are 91,908
//! files and writing them took about 2.1 s of a 9 s build, against 0.4 s to link them. So the
//! first build that publishes an archived year keeps a copy of each of its files, and every
//! build after it links the output's file to that copy instead of writing it ([`super::copy`]).
//!
//! Why a copy, and not `archive/YEAR/` itself: a link shares the file, so a tool that edits an
//! output file in place (an image optimiser, an editor that keeps hard links) edits every link.
//! The archive is the publication of record and is never linked; a kept copy that was edited is
//! noticed and replaced from the archive.
//!
//! What stays true:
//! - a kept copy was written from archive bytes whose hash the manifest promises, and is linked
//!   only while its size, inode, permissions and modification time are what disclose left;
//! - its modification time is set to the year's snapshot time (`time` in `snapshot.toml`). Any
//!   write gives a file the current time instead, so an edit through any link shows. (The change
//!   time cannot tell: every new link changes it.) It also gives an archived page the same
//!   `Last-Modified` in every build, on every machine, so HTTP caches and `rsync` see it
//!   unchanged;
//! - a kept copy is never written to: a new one is written beside it and renamed over it, so an
//!   output that links the old one keeps its bytes;
//! - it is checked on the linked file, after linking, so a copy replaced meanwhile is not used.
//!
//! Like the other caches it is an optimisation only: anything missing, unreadable or malformed
//! is written afresh, and failing to keep a copy only means the output's file is written.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use super::hash_cache::{is_sha256_hex, parse_list};
use crate::files::{mark_cache_folder, write_replacing};

/// The folder of kept copies, relative to the site root.
pub const STORE_DIR: &str = ".disclose-cache/published";

/// The first line of a list of kept copies; another version is ignored.
const HEADER: &str = "disclose kept copies 1";

/// One kept copy: the hash it holds, and the metadata disclose left it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    sha256: String,
    size: u64,
    /// Nanoseconds since 1970.
    modified: i128,
    inode: u64,
    mode: u32,
}

impl Kept {
    /// Whether `meta` (of the kept copy, or of a link to it) is the file as disclose left it.
    pub fn is(&self, meta: &fs::Metadata) -> bool {
        Metadata::of(meta).is_some_and(|now| {
            (now.size, now.modified, now.inode, now.mode)
                == (self.size, self.modified, self.inode, self.mode)
        })
    }
}

/// The metadata a kept copy is compared by.
struct Metadata {
    size: u64,
    modified: i128,
    inode: u64,
    mode: u32,
}

impl Metadata {
    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> Option<Metadata> {
        use std::os::unix::fs::MetadataExt;
        Some(Metadata {
            size: meta.len(),
            modified: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            inode: meta.ino(),
            mode: meta.mode(),
        })
    }

    /// Elsewhere nothing is kept: without inodes a replaced file cannot be told apart.
    #[cfg(not(unix))]
    fn of(_meta: &fs::Metadata) -> Option<Metadata> {
        None
    }
}

/// One archived year's kept copies, as listed when the build started.
#[derive(Debug)]
pub struct Store {
    folder: PathBuf,
    list: PathBuf,
    /// What the list held, to leave it alone when nothing changed.
    text: Option<String>,
    kept: HashMap<String, Kept>,
    /// The modification time every kept copy gets.
    frozen_at: SystemTime,
    /// Numbers the temporary files of this build.
    written: AtomicU64,
}

impl Store {
    /// The kept copies in `folder` (listed in `folder.tsv`), whose files get `frozen_at` as
    /// their modification time.
    pub fn open(folder: PathBuf, frozen_at: SystemTime) -> Store {
        let list = folder.with_extension("tsv");
        let text = fs::read_to_string(&list).ok();
        let kept = text.as_deref().map(parse).unwrap_or_default();
        Store {
            folder,
            list,
            text,
            kept,
            frozen_at,
            written: AtomicU64::new(0),
        }
    }

    /// Where the kept copy of `path` (relative to the year folder) is.
    pub fn file(&self, path: &str) -> PathBuf {
        self.folder.join(path)
    }

    /// The kept copy of `path` if it was written holding `sha256`.
    pub fn holding(&self, path: &str, sha256: &str) -> Option<&Kept> {
        self.kept.get(path).filter(|kept| kept.sha256 == sha256)
    }

    /// Keep `bytes` (whose hash is `sha256`) as the copy of `path`: written to a new file that
    /// is then renamed over the old copy, never into it.
    pub fn keep(&self, path: &str, bytes: &[u8], sha256: &str) -> io::Result<Kept> {
        let target = self.file(path);
        let (Some(folder), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(io::Error::other("not a file path"));
        };
        let number = self.written.fetch_add(1, Ordering::Relaxed);
        let name = name.to_string_lossy();
        let temporary = folder.join(format!(".{name}.tmp-{}-{number}", std::process::id()));
        let written = create(&temporary, folder).and_then(|mut file| {
            file.write_all(bytes)?;
            // After the last write, which would set it to now.
            file.set_modified(self.frozen_at)?;
            let meta = file.metadata()?;
            fs::rename(&temporary, &target)?;
            Metadata::of(&meta).ok_or_else(|| io::Error::other("no inode numbers"))
        });
        let Metadata {
            size,
            modified,
            inode,
            mode,
        } = written.inspect_err(|_| {
            let _ = fs::remove_file(&temporary);
        })?;
        Ok(Kept {
            sha256: sha256.to_string(),
            size,
            modified,
            inode,
            mode,
        })
    }

    /// Record `kept` as this year's copies, and remove the copies of files no longer in it.
    pub fn save<'a>(&self, kept: impl IntoIterator<Item = (&'a str, &'a Kept)>) -> io::Result<()> {
        let mut text = format!("{HEADER}\n");
        let mut listed = HashSet::new();
        for (path, copy) in kept {
            if path.contains(['\t', '\n', '\r']) {
                continue;
            }
            listed.insert(path);
            let Kept {
                sha256,
                size,
                modified,
                inode,
                mode,
            } = copy;
            text.push_str(&format!(
                "{sha256}\t{size}\t{modified}\t{inode}\t{mode}\t{path}\n"
            ));
        }
        for gone in self
            .kept
            .keys()
            .filter(|path| !listed.contains(path.as_str()))
        {
            let _ = fs::remove_file(self.file(gone));
        }
        if self.text.as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        if let Some(folder) = self.list.parent() {
            fs::create_dir_all(folder)?;
            // `.disclose-cache/`, which now holds as much as the archive: keep it out of git.
            if let Some(cache) = folder.parent() {
                mark_cache_folder(cache);
            }
        }
        write_replacing(&self.list, text.as_bytes()).map_err(|err| err.source)
    }
}

/// Create `path` as a new file, making `folder` first if it is missing.
fn create(path: &Path, folder: &Path) -> io::Result<File> {
    let open = || OpenOptions::new().write(true).create_new(true).open(path);
    match open() {
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(folder)?;
            open()
        }
        opened => opened,
    }
}

/// Remove the kept copies of years that are no longer archived (`archived` lists those that
/// are). Failures are ignored: the copies only take space.
pub fn forget_all_but(root: &Path, archived: &[u16]) {
    let Ok(entries) = fs::read_dir(root.join(STORE_DIR)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let year = name.strip_suffix(".tsv").unwrap_or(&name);
        let is_year = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
        let still = year
            .parse::<u16>()
            .is_ok_and(|year| archived.contains(&year));
        if !is_year || still {
            continue;
        }
        let path = entry.path();
        let _ = match entry.file_type() {
            Ok(kind) if kind.is_dir() => fs::remove_dir_all(&path),
            _ => fs::remove_file(&path),
        };
    }
}

/// The kept copies by path; empty if the text is not wholly well-formed.
fn parse(text: &str) -> HashMap<String, Kept> {
    parse_list(text, HEADER, parse_line)
}

/// `SHA256 SIZE MODIFIED INODE MODE PATH`, tab-separated.
fn parse_line(line: &str) -> Option<(String, Kept)> {
    let mut fields = line.splitn(6, '\t');
    let mut next = || fields.next();
    let sha256 = next()?.to_string();
    let well_formed = is_sha256_hex(&sha256);
    let kept = Kept {
        sha256,
        size: next()?.parse().ok()?,
        modified: next()?.parse().ok()?,
        inode: next()?.parse().ok()?,
        mode: next()?.parse().ok()?,
    };
    let path = next()?.to_string();
    well_formed.then_some((path, kept))
}

#[cfg(all(test, unix))]
mod tests;
