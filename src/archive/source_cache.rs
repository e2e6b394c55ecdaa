//! Remembered hashes of an archived year's sources: `ROOT/.disclose-cache/sources/YEAR.tsv`.
//!
//! Every build checks that `content/YEAR/` of each archived year is still what was snapshotted
//! (else it warns, see [`super::load`]), which meant reading and hashing every source file of
//! every archived year: 90,000 files on the 100,000-declaration benchmark site, and most of the
//! archive phase when the page cache is cold. A file whose metadata is unchanged since it was
//! hashed is not read again ([`super::hash_cache`]). Only the warning depends on this cache,
//! never what is published, and `snapshot` always hashes every file.

use std::path::Path;

use rayon::prelude::*;

use super::hash_cache::{Entry, HashCache, Stamp};
use super::record::{self, Source};
use crate::diagnostics::display_path;

/// The cache folder, relative to the site root.
pub const CACHE_DIR: &str = ".disclose-cache/sources";

/// [`record::hash_sources`], reading only the files whose metadata changed since they were last
/// hashed, and remembering the rest for the next build.
pub fn hash_sources(root: &Path, year: u16) -> Result<Vec<Source>, String> {
    let cache = HashCache::open(root.join(CACHE_DIR).join(format!("{year}.tsv")));
    let files = record::source_files(root, year)?;
    let hashed: Vec<(Source, Option<Entry>)> = files
        .par_iter()
        .map(|file| {
            let stamp = file.metadata().ok().and_then(|meta| Stamp::of(&meta));
            let relative = file.path().strip_prefix(root).unwrap_or(file.path());
            let path = display_path(relative);
            if let Some(entry) = cache.known(&path, stamp) {
                let sha256 = entry.sha256().to_string();
                return Ok((Source { path, sha256 }, Some(entry.clone())));
            }
            let source = record::hash_source(root, file.path())?;
            let entry = cache.entry(stamp, &source.sha256);
            Ok((source, entry))
        })
        .collect::<Result<_, String>>()?;
    let entries = hashed
        .iter()
        .filter_map(|(source, entry)| Some((source.path.as_str(), entry.as_ref()?)));
    let _ = cache.store(entries);
    let mut sources: Vec<Source> = hashed.into_iter().map(|(source, _)| source).collect();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(sources)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;

    fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("tempdir");
        for (path, text) in files {
            let path = root.path().join(path);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, text).expect("write");
        }
        root
    }

    fn cache_file(root: &Path, year: u16) -> std::path::PathBuf {
        root.join(CACHE_DIR).join(format!("{year}.tsv"))
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
        let remembered = fs::read_to_string(cache_file(root.path(), 2022)).expect("cache");
        assert_eq!(remembered.lines().count(), 3, "header and two files");
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

    /// Proof that a settled entry is used without reading the file: an entry planted with
    /// another hash is what comes back.
    #[test]
    fn a_settled_entry_with_the_same_metadata_is_not_read_again() {
        let root = site_with(&[("content/2022/a.toml", "amount = 1\n")]);
        let file = root.path().join("content/2022/a.toml");
        let stamp = Stamp::of(&fs::metadata(&file).expect("metadata")).expect("stamp");
        let planted = Entry::planted(stamp, &"0".repeat(64));
        let cache = HashCache::open(cache_file(root.path(), 2022));
        cache
            .store([("content/2022/a.toml", &planted)])
            .expect("store");
        let sources = hash_sources(root.path(), 2022).expect("hash");
        assert_eq!(sources[0].sha256, "0".repeat(64));
    }

    #[test]
    fn a_malformed_cache_is_ignored() {
        let root = site_with(&[("content/2022/a.toml", "amount = 1\n")]);
        let path = cache_file(root.path(), 2022);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, "not a cache\n").expect("write");
        assert_eq!(
            hash_sources(root.path(), 2022).expect("hash"),
            record::hash_sources(root.path(), 2022).expect("hash")
        );
    }
}
