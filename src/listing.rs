//! Listing a folder tree (every folder and file below it, not following links), reusing what an
//! earlier listing read of each folder that has not changed since.
//!
//! A build lists two trees of every archived year: `archive/YEAR/`, to check it against its
//! manifest, and the year's folder carried over from the last build
//! ([`crate::output::carry`]), to check every file in it. Each tree is about 10,000 folders of
//! one page each on a large site, and reading a folder (open, read its names, close) costs about
//! five times what the one `lstat` of it costs: reading the 92,000 folders of nine archived years
//! twice was about 2 s of CPU time in a 10-year build. So the names read from each folder are
//! remembered in a cache file, with the folder's metadata, and a folder whose metadata is
//! unchanged is not read again.
//!
//! Why that is sound: a folder's names change only through operations that set its
//! modification and change times (creating, linking, removing or renaming an entry in it), and a
//! change time cannot be set back by users (setting the modification time back moves it). So a
//! folder with the inode and both times it had when it was read still holds the names read then,
//! provided it was read at least [`SETTLED`] after its last change: a change in the same clock
//! tick as the read could otherwise leave the times as they were (git's "racily clean" entries).
//!
//! Every name is still `lstat`ed, each time: a file's own metadata (and so its size, times and
//! kind) is always as it is now. The cache only spares the reading of unchanged folders, and it
//! is an optimisation: a missing, unreadable or malformed cache file is an empty cache, and one
//! that cannot be written costs the next listing time only.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::files::{nanos_since_epoch, write_replacing};

/// The first line of a cache file; another version is ignored.
const HEADER: &str = "disclose folder listing 1";

/// How much older than its reading a folder's change time must be for its names to be reused.
pub use crate::files::SETTLED;

/// One folder or file found in a listed tree.
#[derive(Debug)]
pub struct Found {
    /// Its `/`-separated path relative to the listed folder (lossy for a name that is not UTF-8).
    pub relative: String,
    /// Its path on disk.
    pub path: PathBuf,
    /// Its metadata, not following links.
    pub meta: fs::Metadata,
}

/// Everything below a listed folder.
#[derive(Debug, Default)]
pub struct Listing {
    /// Every folder (not a link to one), each before the folders inside it.
    pub folders: Vec<Found>,
    /// Everything else: files, symbolic links and other kinds.
    pub files: Vec<Found>,
}

/// A listing that failed: the path that could not be read or `lstat`ed, and why.
#[derive(Debug)]
pub struct ListError {
    pub path: PathBuf,
    pub source: io::Error,
}

impl std::fmt::Display for ListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: cannot read: {}", self.path.display(), self.source)
    }
}

/// A folder's metadata as far as the cache compares it (times in nanoseconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    inode: u64,
    modified: i128,
    changed: i128,
}

impl Stamp {
    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let time =
            |seconds: i64, nanos: i64| i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
        Some(Stamp {
            inode: meta.ino(),
            modified: time(meta.mtime(), meta.mtime_nsec()),
            changed: time(meta.ctime(), meta.ctime_nsec()),
        })
    }

    #[cfg(not(unix))]
    fn of(_meta: &fs::Metadata) -> Option<Stamp> {
        None
    }
}

/// What a listing read of one folder: its stamp, when it was read, and its names.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Remembered {
    stamp: Stamp,
    read_at: i128,
    names: Vec<String>,
}

impl Remembered {
    fn still_holds(&self, stamp: Option<Stamp>) -> bool {
        let settled = self.stamp.changed + SETTLED.as_nanos() as i128 <= self.read_at;
        stamp == Some(self.stamp) && settled
    }
}

/// List every folder and file below `dir` (a folder, or a link to one: `archive/YEAR/` may be
/// one, as it could before listings were remembered; nothing below it is followed). With a
/// `cache` file, the
/// names of each folder unchanged since it was read are taken from it, and the cache is
/// rewritten with this listing's folders.
pub fn list(dir: &Path, cache: Option<&Path>) -> Result<Listing, ListError> {
    let failed = |source| ListError {
        path: dir.to_path_buf(),
        source,
    };
    let meta = fs::metadata(dir).map_err(failed)?;
    if !meta.is_dir() {
        let source = io::Error::new(io::ErrorKind::NotADirectory, "not a folder");
        return Err(failed(source));
    }
    let mut cache = cache.map(Cache::open);
    let mut listing = Listing::default();
    // Folders still to list: path on disk, relative path, metadata.
    let mut pending = vec![(dir.to_path_buf(), String::new(), meta)];
    while let Some((folder, relative, meta)) = pending.pop() {
        // The top folder is read every time: it is one folder, and a carried one is renamed
        // (so changed) every build.
        let is_top = relative.is_empty();
        let stamp = Stamp::of(&meta).filter(|_| !is_top);
        let known = cache
            .as_ref()
            .and_then(|cache| cache.known(&relative, stamp));
        let known_read_at = known.map(|old| old.read_at);
        let children = match known {
            Some(old) => stat_names(&folder, &old.names)?,
            None => read_folder(&folder)?,
        };
        if let (Some(cache), Some(stamp)) = (cache.as_mut(), stamp) {
            cache.saw(&relative, stamp, &children, known_read_at);
        }
        for (name, path, meta) in children {
            let name_text = name.to_string_lossy();
            let found = Found {
                relative: match is_top {
                    true => name_text.into_owned(),
                    false => format!("{relative}/{name_text}"),
                },
                path,
                meta,
            };
            if found.meta.is_dir() {
                pending.push((
                    found.path.clone(),
                    found.relative.clone(),
                    found.meta.clone(),
                ));
                listing.folders.push(found);
            } else {
                listing.files.push(found);
            }
        }
    }
    if let Some(cache) = cache {
        cache.save();
    }
    Ok(listing)
}

/// A cache file as a listing found it, and what the listing saw.
struct Cache<'a> {
    file: &'a Path,
    old_text: Option<String>,
    /// By relative path: one, or two when a path is in two trees ([`with_other_copies`]).
    remembered: HashMap<String, Vec<Remembered>>,
    /// When this listing started: the `read_at` of the folders it reads.
    now: i128,
    /// The folders this listing saw, as they are to be remembered.
    seen: Vec<(String, Remembered)>,
    /// How many of them were read rather than known.
    read: usize,
}

impl<'a> Cache<'a> {
    fn open(file: &'a Path) -> Cache<'a> {
        let old_text = fs::read_to_string(file).ok();
        let mut remembered: HashMap<String, Vec<Remembered>> = HashMap::new();
        for (relative, folder) in old_text.as_deref().map(parse).unwrap_or_default() {
            remembered.entry(relative).or_default().push(folder);
        }
        Cache {
            file,
            old_text,
            remembered,
            now: nanos_since_epoch(SystemTime::now()),
            seen: Vec::new(),
            read: 0,
        }
    }

    /// What is remembered of the folder at `relative`, if it still has `stamp`.
    fn known(&self, relative: &str, stamp: Option<Stamp>) -> Option<&Remembered> {
        let mut olds = self.remembered.get(relative).into_iter().flatten();
        olds.find(|old| old.still_holds(stamp))
    }

    /// The folder at `relative`, with `stamp`, holds `children`: remember it (unless a name is
    /// not UTF-8), as read now, or as known from earlier (read at `known_read_at`).
    fn saw(
        &mut self,
        relative: &str,
        stamp: Stamp,
        children: &[Child],
        known_read_at: Option<i128>,
    ) {
        let names = children
            .iter()
            .map(|(name, ..)| name.to_str().map(String::from));
        let Some(names) = names.collect::<Option<Vec<String>>>() else {
            return;
        };
        let read_at = known_read_at.unwrap_or_else(|| {
            self.read += 1;
            self.now
        });
        let folder = Remembered {
            stamp,
            read_at,
            names,
        };
        self.seen.push((relative.to_string(), folder));
    }

    /// Write what was seen in place of the file, unless that is what it holds. Failures are
    /// ignored: the next listing reads more folders, nothing else.
    fn save(self) {
        let remembered_count: usize = self.remembered.values().map(Vec::len).sum();
        let folders = with_other_copies(self.seen, &self.remembered);
        // All known, and nothing else remembered: the file already holds exactly these.
        if self.read == 0 && folders.len() == remembered_count {
            return;
        }
        let text = render(&folders);
        if self.old_text.as_deref() != Some(text.as_str()) {
            if let Some(parent) = self.file.parent() {
                let _ = fs::create_dir_all(parent);
            }
            let _ = write_replacing(self.file, text.as_bytes());
        }
    }
}

/// A name in a folder, its path and its metadata (not following links).
type Child = (OsString, PathBuf, fs::Metadata);

/// Each name in `folder`, read from the folder itself.
fn read_folder(folder: &Path) -> Result<Vec<Child>, ListError> {
    let failed = |path: PathBuf| move |source| ListError { path, source };
    let mut children = Vec::new();
    for entry in fs::read_dir(folder).map_err(failed(folder.to_path_buf()))? {
        let entry = entry.map_err(failed(folder.to_path_buf()))?;
        // `DirEntry::metadata` does not follow links, and asks the open folder (`fstatat`).
        let meta = entry.metadata().map_err(failed(entry.path()))?;
        children.push((entry.file_name(), entry.path(), meta));
    }
    Ok(children)
}

/// Each of the remembered `names` of `folder`, as it is now.
fn stat_names(folder: &Path, names: &[String]) -> Result<Vec<Child>, ListError> {
    let mut children = Vec::with_capacity(names.len());
    for name in names {
        let path = folder.join(name);
        match fs::symlink_metadata(&path) {
            Ok(meta) => children.push((OsString::from(name), path, meta)),
            Err(source) => return Err(ListError { path, source }),
        }
    }
    Ok(children)
}

/// The folders this listing `read`, each with the one remembered folder at the same path in
/// another tree, sorted. A year folder carried over from build to build alternates between two
/// copies (the published output's and the replaced output's, [`crate::output::carry`]), so a
/// cache that kept only the last tree listed would never hold the one listed next.
fn with_other_copies(
    read: Vec<(String, Remembered)>,
    remembered: &HashMap<String, Vec<Remembered>>,
) -> Vec<(String, Remembered)> {
    let mut folders = Vec::with_capacity(read.len() * 2);
    for (relative, folder) in read {
        let mut olds = remembered.get(&relative).into_iter().flatten();
        let other = olds.rfind(|old| old.stamp.inode != folder.stamp.inode);
        folders.extend(other.map(|other| (relative.clone(), other.clone())));
        folders.push((relative, folder));
    }
    folders.sort_by(|(a, a_folder), (b, b_folder)| {
        (a, a_folder.stamp.inode).cmp(&(b, b_folder.stamp.inode))
    });
    folders
}

/// The cache text of `read`: per folder, a line `INODE MODIFIED CHANGED READ_AT PATH`
/// (tab-separated), then one line per name, each after a tab. Folders whose path or names hold
/// a tab or a line break are left out.
fn render(read: &[(String, Remembered)]) -> String {
    let plain = |text: &str| !text.contains(['\t', '\n', '\r']);
    let mut text = format!("{HEADER}\n");
    for (relative, folder) in read {
        if !plain(relative) || !folder.names.iter().all(|name| plain(name)) {
            continue;
        }
        let Stamp {
            inode,
            modified,
            changed,
        } = folder.stamp;
        let _ = writeln!(
            text,
            "{inode}\t{modified}\t{changed}\t{}\t{relative}",
            folder.read_at
        );
        for name in &folder.names {
            let _ = writeln!(text, "\t{name}");
        }
    }
    text
}

/// The remembered folders with their relative paths; empty if the text is not wholly
/// well-formed.
fn parse(text: &str) -> Vec<(String, Remembered)> {
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Vec::new();
    }
    let mut folders = Vec::new();
    let mut current: Option<(String, Remembered)> = None;
    for line in lines {
        if let Some(name) = line.strip_prefix('\t') {
            match current.as_mut() {
                Some((_, folder)) => folder.names.push(name.to_string()),
                None => return Vec::new(),
            }
            continue;
        }
        let Some(folder) = parse_folder(line) else {
            return Vec::new();
        };
        folders.extend(current.replace(folder));
    }
    folders.extend(current);
    folders
}

/// `INODE MODIFIED CHANGED READ_AT PATH`, tab-separated.
fn parse_folder(line: &str) -> Option<(String, Remembered)> {
    let mut fields = line.splitn(5, '\t');
    let mut number = || fields.next()?.parse::<i128>().ok();
    let (inode, modified, changed, read_at) = (number()?, number()?, number()?, number()?);
    let relative = fields.next()?.to_string();
    let stamp = Stamp {
        inode: u64::try_from(inode).ok()?,
        modified,
        changed,
    };
    let folder = Remembered {
        stamp,
        read_at,
        names: Vec::new(),
    };
    Some((relative, folder))
}

/// A temporary folder holding `files` (relative paths, each holding its own path as text).
#[cfg(test)]
pub(crate) fn folder_with(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for file in files {
        let path = dir.path().join(file);
        fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        fs::write(path, file).expect("write");
    }
    dir
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relatives(found: &[Found]) -> Vec<&str> {
        let mut paths: Vec<&str> = found.iter().map(|found| found.relative.as_str()).collect();
        paths.sort_unstable();
        paths
    }

    /// Rewrite `cache` as if every folder in it had been read an hour after it was, and give
    /// the folder `folder` the extra name `planted`.
    fn age_and_plant(cache: &Path, folder: &str, planted: &str) {
        let text = fs::read_to_string(cache).expect("cache written");
        let mut remembered = parse(&text);
        assert!(
            !remembered.is_empty(),
            "the cache remembers folders: {text}"
        );
        for (relative, old) in &mut remembered {
            old.read_at = old.stamp.changed + 3_600_000_000_000;
            if relative == folder {
                old.names.push(planted.to_string());
            }
        }
        fs::write(cache, render(&remembered)).expect("rewrite cache");
    }

    #[test]
    fn lists_every_folder_before_its_contents_and_every_file() {
        let dir = folder_with(&["a/b/deep.html", "a/top.html", "root.txt"]);
        fs::create_dir(dir.path().join("empty")).expect("folder");
        let listing = list(dir.path(), None).expect("listing");
        assert_eq!(
            relatives(&listing.files),
            ["a/b/deep.html", "a/top.html", "root.txt"]
        );
        let folders: Vec<&str> = listing
            .folders
            .iter()
            .map(|f| f.relative.as_str())
            .collect();
        assert_eq!(relatives(&listing.folders), ["a", "a/b", "empty"]);
        let position = |name: &str| folders.iter().position(|folder| *folder == name);
        assert!(position("a") < position("a/b"), "{folders:?}");
        let deep = &listing.files.iter().find(|f| f.relative == "a/b/deep.html");
        assert_eq!(deep.expect("deep").path, dir.path().join("a/b/deep.html"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_to_a_folder_is_listed_as_itself_and_not_followed() {
        let dir = folder_with(&["real/inside.html"]);
        std::os::unix::fs::symlink("real", dir.path().join("link")).expect("symlink");
        let listing = list(dir.path(), None).expect("listing");
        assert_eq!(relatives(&listing.files), ["link", "real/inside.html"]);
        assert_eq!(relatives(&listing.folders), ["real"]);
        let link = listing
            .files
            .iter()
            .find(|f| f.relative == "link")
            .expect("link");
        assert!(link.meta.file_type().is_symlink());
    }

    #[cfg(unix)]
    #[test]
    fn the_listed_folder_may_be_a_link_to_one() {
        let dir = folder_with(&["real/a/page.html"]);
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("real", &link).expect("symlink");
        let listing = list(&link, None).expect("listing");
        assert_eq!(relatives(&listing.files), ["a/page.html"]);
        assert_eq!(listing.files[0].path, link.join("a/page.html"));
    }

    #[test]
    fn a_folder_read_well_after_its_last_change_is_not_read_again() {
        let dir = folder_with(&["a/page.html", "b/page.html"]);
        let cache_dir = tempfile::tempdir().expect("temp dir");
        let cache = cache_dir.path().join("cache/listing.tsv");
        list(dir.path(), Some(&cache)).expect("first listing");
        age_and_plant(&cache, "a", "planted.html");
        // The planted name is taken from the cache and looked up: proof the folder was not read.
        let err = list(dir.path(), Some(&cache)).expect_err("planted name looked up");
        assert_eq!(err.path, dir.path().join("a/planted.html"));
        assert!(err.to_string().contains("planted.html"), "{err}");
    }

    #[test]
    fn a_folder_changed_since_it_was_read_is_read_again() {
        let dir = folder_with(&["a/page.html", "b/page.html"]);
        let cache_dir = tempfile::tempdir().expect("temp dir");
        let cache = cache_dir.path().join("listing.tsv");
        list(dir.path(), Some(&cache)).expect("first listing");
        age_and_plant(&cache, "a", "planted.html");
        fs::write(dir.path().join("a/added.html"), "new").expect("add a file");
        let listing = list(dir.path(), Some(&cache)).expect("second listing");
        let files = relatives(&listing.files);
        assert_eq!(files, ["a/added.html", "a/page.html", "b/page.html"]);
        // And the cache now holds what was read.
        let again = list(dir.path(), Some(&cache)).expect("third listing");
        assert_eq!(relatives(&again.files), files);
    }

    #[test]
    fn a_folder_read_in_the_moments_after_a_change_is_read_again() {
        let dir = folder_with(&["a/page.html"]);
        let cache_dir = tempfile::tempdir().expect("temp dir");
        let cache = cache_dir.path().join("listing.tsv");
        list(dir.path(), Some(&cache)).expect("first listing");
        // Plant a name without ageing: the folder was read within `SETTLED` of its last change,
        // so its times may not show a change made in the same clock tick.
        let text = fs::read_to_string(&cache).expect("cache");
        let mut remembered = parse(&text);
        for (_, old) in &mut remembered {
            old.names.push("planted.html".to_string());
        }
        fs::write(&cache, render(&remembered)).expect("rewrite");
        let listing = list(dir.path(), Some(&cache)).expect("listing");
        assert_eq!(relatives(&listing.files), ["a/page.html"]);
    }

    #[test]
    fn two_trees_listed_in_turn_at_the_same_place_are_both_remembered() {
        let parent = tempfile::tempdir().expect("temp dir");
        let cache = parent.path().join("listing.tsv");
        let (first, second) = (parent.path().join("first"), parent.path().join("second"));
        for tree in [&first, &second] {
            fs::create_dir_all(tree.join("a")).expect("folders");
            fs::write(tree.join("a/page.html"), "page").expect("write");
        }
        let current = parent.path().join("current");
        fs::rename(&first, &current).expect("move in");
        list(&current, Some(&cache)).expect("first tree");
        fs::rename(&current, &first).expect("move out");
        fs::rename(&second, &current).expect("move in");
        list(&current, Some(&cache)).expect("second tree");
        fs::rename(&current, &second).expect("move out");

        let remembered = parse(&fs::read_to_string(&cache).expect("cache"));
        let copies_of_a = remembered
            .iter()
            .filter(|(relative, _)| relative == "a")
            .count();
        assert_eq!(copies_of_a, 2, "{remembered:?}");
        // The first tree's copy is still used: its planted name is looked up.
        age_and_plant(&cache, "a", "planted.html");
        fs::rename(&first, &current).expect("move in");
        let err = list(&current, Some(&cache)).expect_err("planted name looked up");
        assert_eq!(err.path, current.join("a/planted.html"));
    }

    #[test]
    fn a_malformed_cache_is_an_empty_one_and_is_replaced() {
        let dir = folder_with(&["a/page.html"]);
        let cache_dir = tempfile::tempdir().expect("temp dir");
        let cache = cache_dir.path().join("listing.tsv");
        fs::write(&cache, format!("{HEADER}\nnot a number\tx\n")).expect("plant");
        let listing = list(dir.path(), Some(&cache)).expect("listing");
        assert_eq!(relatives(&listing.files), ["a/page.html"]);
        let text = fs::read_to_string(&cache).expect("cache");
        assert!(
            text.starts_with(HEADER) && !text.contains("not a number"),
            "{text}"
        );
        assert!(parse("\tname before any folder\n").is_empty());
    }

    #[test]
    fn a_missing_folder_or_a_file_is_an_error_naming_it() {
        let dir = folder_with(&["file.txt"]);
        let err = list(&dir.path().join("nope"), None).expect_err("missing");
        assert_eq!(err.path, dir.path().join("nope"));
        let err = list(&dir.path().join("file.txt"), None).expect_err("a file");
        assert!(err.to_string().contains("not a folder"), "{err}");
    }
}
