//! The files of an archived year, listed in one walk together with each file's stamp.
//!
//! `build` needs both for every archived file: the listing, to check that the folder holds
//! exactly what its manifest lists, and the stamp, to tell from the hash cache
//! ([`super::hash_cache`]) that a file is unchanged without reading it. The walk
//! ([`crate::listing`]) reads only the folders that changed since the last build listed them,
//! and `lstat`s every file, every build.
//!
//! [`super::verify::list_tree`] stays separate: `disclose verify` checks any folder (a deployed
//! site, another site's output), needs no stamps, and keeps each file's exact path on disk
//! where this listing keeps only the (lossy) relative name that manifests use.

use std::collections::BTreeMap;
use std::path::Path;

use super::hash_cache::Stamp;

/// Every file under `dir`, by `/`-separated relative path, with its stamp. A symbolic link has
/// no stamp: it is read and hashed when published (and reported there if it cannot be read).
/// With a `cache` file, folders unchanged since an earlier listing are not read again.
pub fn list_stamped(
    dir: &Path,
    cache: Option<&Path>,
) -> Result<BTreeMap<String, Option<Stamp>>, String> {
    if !dir.is_dir() {
        return Err(format!("{}: not a folder", dir.display()));
    }
    let listing = crate::listing::list(dir, cache).map_err(|err| err.to_string())?;
    let stamped = listing.files.into_iter().map(|file| {
        let stamp = match file.meta.file_type().is_symlink() {
            true => None,
            false => Stamp::of(&file.meta),
        };
        (file.relative, stamp)
    });
    Ok(stamped.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn lists_nested_files_with_the_stamps_a_stat_gives() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir_all(dir.path().join("a/b")).expect("folders");
        fs::create_dir(dir.path().join("empty")).expect("folder");
        fs::write(dir.path().join("top.txt"), "1").expect("write");
        fs::write(dir.path().join("a/b/deep.html"), "22").expect("write");
        let listed = list_stamped(dir.path(), None).expect("listing");
        let paths: Vec<&str> = listed.keys().map(String::as_str).collect();
        assert_eq!(paths, ["a/b/deep.html", "top.txt"]);
        let stat = fs::metadata(dir.path().join("a/b/deep.html")).expect("stat");
        assert_eq!(listed["a/b/deep.html"], Stamp::of(&stat));
        assert!(listed["top.txt"].is_some());
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_listed_without_a_stamp() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("real.txt"), "x").expect("write");
        std::os::unix::fs::symlink("real.txt", dir.path().join("link.txt")).expect("symlink");
        let listed = list_stamped(dir.path(), None).expect("listing");
        assert_eq!(listed["link.txt"], None);
        assert!(listed["real.txt"].is_some());
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("nope");
        let err = list_stamped(&missing, None).expect_err("missing");
        assert!(
            err.contains("nope") && err.contains("not a folder"),
            "{err}"
        );
    }
}
