//! The files of an archived year, listed in one walk together with each file's stamp.
//!
//! `build` needs both for every archived file: the listing, to check that the folder holds
//! exactly what its manifest lists, and the stamp, to tell from the hash cache
//! ([`super::hash_cache`]) that a file is unchanged without reading it. Taking the stamp from the
//! open folder (`fstatat` on the entry's name) while listing saves a second walk down the whole
//! path of each of the 92,000 files of a large site's archived years.
//!
//! [`super::verify::list_tree`] stays separate: `disclose verify` checks any folder (a deployed
//! site, another site's output), needs no stamps, and keeps each file's exact path on disk
//! where this listing keeps only the (lossy) relative name that manifests use.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::hash_cache::Stamp;

/// Every file under `dir`, by `/`-separated relative path, with its stamp. A symbolic link, or
/// a file whose metadata cannot be read here, has no stamp: it is read and hashed when
/// published, and a file that cannot be read then is reported there.
pub fn list_stamped(dir: &Path) -> Result<BTreeMap<String, Option<Stamp>>, String> {
    if !dir.is_dir() {
        return Err(format!("{}: not a folder", dir.display()));
    }
    let mut files = BTreeMap::new();
    // Folders still to read: path on disk, and its relative path with a trailing `/`.
    let mut folders: Vec<(PathBuf, String)> = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = folders.pop() {
        let unreadable = |err: std::io::Error| format!("{}: cannot read: {err}", folder.display());
        for entry in fs::read_dir(&folder).map_err(unreadable)? {
            let entry = entry.map_err(unreadable)?;
            let name = entry.file_name();
            let relative = format!("{prefix}{}", name.to_string_lossy());
            let kind = entry
                .file_type()
                .map_err(|err| format!("{}: cannot read: {err}", entry.path().display()))?;
            if kind.is_dir() {
                folders.push((entry.path(), format!("{relative}/")));
            } else {
                let stamp = match kind.is_symlink() {
                    true => None,
                    false => entry.metadata().ok().and_then(|meta| Stamp::of(&meta)),
                };
                files.insert(relative, stamp);
            }
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_nested_files_with_the_stamps_a_stat_gives() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir_all(dir.path().join("a/b")).expect("folders");
        fs::create_dir(dir.path().join("empty")).expect("folder");
        fs::write(dir.path().join("top.txt"), "1").expect("write");
        fs::write(dir.path().join("a/b/deep.html"), "22").expect("write");
        let listed = list_stamped(dir.path()).expect("listing");
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
        let listed = list_stamped(dir.path()).expect("listing");
        assert_eq!(listed["link.txt"], None);
        assert!(listed["real.txt"].is_some());
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("nope");
        let err = list_stamped(&missing).expect_err("missing");
        assert!(
            err.contains("nope") && err.contains("not a folder"),
            "{err}"
        );
    }
}
