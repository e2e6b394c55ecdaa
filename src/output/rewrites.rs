//! The files of year folders carried over to be rewritten ([`super::carry`]): a live year's,
//! whose pages change with the content. Each file this build writes that is already there byte
//! for byte stays as it is, and every carried file this build did not write is removed before
//! the swap.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use super::carry::lock;

/// The files of folders carried over to be rewritten (a live year's, whose pages change with
/// the content): each file this build writes that is already there byte for byte stays as it
/// is, and every carried file this build did not write is removed before the swap.
#[derive(Debug, Default)]
pub struct Rewrites {
    /// Carried files not yet written by this build, by path relative to the output.
    pending: Mutex<HashSet<String>>,
}

impl Rewrites {
    /// The files of the carried `folder` (paths relative to it), all still to be written.
    pub fn add(&self, folder: &str, files: BTreeSet<String>) {
        let mut pending = lock(&self.pending);
        pending.extend(files.into_iter().map(|file| format!("{folder}/{file}")));
    }

    /// Whether the file at `relative` (staged at `staged`) was carried over and already holds
    /// exactly `bytes`: then it stays. A carried file with other bytes is removed (never written
    /// over: it may share its inode with the published output), for the caller to write anew.
    pub fn holds(&self, relative: &str, bytes: &[u8], staged: &Path) -> io::Result<bool> {
        if !lock(&self.pending).remove(relative) {
            return Ok(false);
        }
        if super::reuse::read_if_cached(staged, bytes.len()).is_some_and(|old| old == bytes) {
            return Ok(true);
        }
        match fs::remove_file(staged) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(false),
        }
    }

    /// Remove every carried file this build did not write, and each folder that leaves empty.
    pub fn remove_unwritten(&self, staging: &Path) -> io::Result<()> {
        let unwritten = std::mem::take(&mut *lock(&self.pending));
        for relative in unwritten {
            let path = staging.join(&relative);
            match fs::remove_file(&path) {
                // Gone with a carried folder that stood where this build wrote a file.
                Err(err)
                    if matches!(
                        err.kind(),
                        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                    ) =>
                {
                    continue;
                }
                removed => removed?,
            }
            // Up to (not including) the carried folder itself; stop at the first that is not
            // empty, as its parents are not either.
            let folders = Path::new(&relative).ancestors().skip(1);
            let inside = folders.take_while(|folder| folder.components().count() > 1);
            for folder in inside {
                if fs::remove_dir(staging.join(folder)).is_err() {
                    break;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::folder_with;
    use crate::output::carry::prune;

    #[cfg(unix)]
    #[test]
    fn a_rewrite_keeps_the_same_bytes_replaces_other_bytes_and_removes_what_was_not_written() {
        use std::os::unix::fs::MetadataExt;
        let staging = folder_with(&[
            "2023/a/same.html",
            "2023/b/changed.html",
            "2023/c/gone.html",
        ]);
        let rewrites = Rewrites::default();
        let carried = prune(&staging.path().join("2023"), &|_, _| true, None).expect("listing");
        rewrites.add("2023", carried);
        let path = |relative: &str| staging.path().join(relative);
        let inode = |relative: &str| fs::metadata(path(relative)).expect("metadata").ino();
        let same = inode("2023/a/same.html");

        let holds = |relative: &str, bytes: &[u8]| rewrites.holds(relative, bytes, &path(relative));
        // (Kept where the kernel can say the old bytes are in memory: Linux 6.5 and later.)
        assert!(holds("2023/a/same.html", b"2023/a/same.html").expect("same"));
        assert_eq!(inode("2023/a/same.html"), same, "left as it was");
        assert!(!holds("2023/b/changed.html", b"new bytes").expect("changed"));
        assert!(
            !path("2023/b/changed.html").exists(),
            "removed, to be written anew"
        );
        assert!(!holds("2023/new.html", b"new").expect("not carried"));
        assert!(!holds("2023/a/same.html", b"again").expect("written once already"));

        rewrites.remove_unwritten(staging.path()).expect("remove");
        assert!(!path("2023/c").exists(), "the page and its folder are gone");
        assert!(path("2023/a/same.html").is_file());
        assert!(path("2023/b").is_dir(), "its file is to be written");
    }
}
