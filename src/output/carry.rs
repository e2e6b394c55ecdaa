//! Year folders carried over from the output a build replaced to the next build, instead of
//! made again and removed again.
//!
//! A year's folder looks much the same in every build. An archived year's is exactly the same:
//! each of its files is a link to the year's kept copy ([`crate::archive::store`]). Making one
//! costs a `mkdir` per page folder and a `link` or a write per file: on the benchmark's
//! 100,000-declaration site, nine archived years are 91,837 folders, most of an archived
//! build's time, with removing the replaced output's copy of them costing as much again
//! afterwards. So a build asks for each year's folder with [`Carry::take`]. After the swap, the
//! replaced output's copy of it is moved aside to `.NAME.carried/` beside the output instead of
//! removed, and the next build moves it into its staging folder (one `rename`) and checks it
//! instead of making it:
//! - an archived year's files are each vouched for by the caller ([`prune`]: a link to the kept
//!   copy, as disclose left it), and every other file is removed;
//! - a live year's files are rewritten ([`super::rewrites::Rewrites`]): one written with the bytes it already
//!   holds stays as it is, one written with other bytes is replaced, and one not written at all
//!   is removed before the swap.
//!
//! What stays true:
//! - nothing published is touched: a folder is carried out of the output a build has just
//!   replaced, after the swap, and into the staging folder of the next build;
//! - a carried file is never written to (it may share its inode with the published output), only
//!   kept, removed or replaced by a new file;
//! - only regular files and folders are kept: symbolic links and anything else are removed
//!   first, so no write can follow one out of the output;
//! - every folder left without files is removed, so the output is what a build into a new
//!   folder makes;
//! - a build that fails gives back the folders it took; a killed one leaves them in its staging
//!   folder, which the next build removes ([`super::lock`]);
//! - only folders the last build asked for are kept: what was carried but not taken goes with
//!   the replaced output to its remover ([`super::retire`]);
//! - the cost is disk space: a second set of those folders, and of the files that changed.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{OutputError, Staging, is_real_folder, lock::carried_name};

/// The name, inside a replaced output, of the carried folders nobody took (removed with it).
const UNTAKEN: &str = ".disclose-carried-untaken";

/// The start of the name, among the carried folders, of the file that remembers the names in
/// one carried folder's folders ([`crate::listing`]): `.listing-2023` for `2023`.
const LISTING: &str = ".listing-";

/// The carried folders of one output, and what this build asked for.
#[derive(Debug)]
pub struct Carry {
    dir: PathBuf,
    /// Folders this build asked for: the replaced output's copies are kept for the next build.
    wanted: Mutex<BTreeSet<String>>,
    /// Folders this build took into its staging folder: given back if it fails.
    taken: Mutex<Vec<String>>,
}

impl Carry {
    /// The carried folders of the output named `name` in `parent`.
    pub fn new(parent: &Path, name: &str) -> Carry {
        Carry {
            dir: parent.join(carried_name(name)),
            wanted: Mutex::new(BTreeSet::new()),
            taken: Mutex::new(Vec::new()),
        }
    }

    /// Ask for `folder` (one plain name) to be carried to the next build, and move the copy the
    /// last build left, if any, to `staging/folder`. Returns whether it was moved: then the
    /// caller must [`prune`] it.
    pub fn take(&self, folder: &str, staging: &Path) -> bool {
        lock(&self.wanted).insert(folder.to_string());
        let carried = self.dir.join(folder);
        if !is_real_folder(&carried) || fs::rename(&carried, staging.join(folder)).is_err() {
            return false;
        }
        lock(&self.taken).push(folder.to_string());
        true
    }

    /// The file that remembers the names in the carried `folder`'s folders, so that the next
    /// build's [`prune`] need not read those that did not change. `None` when the carried
    /// folders are not in a folder of their own (a link to one is not written through).
    pub fn listing_cache(&self, folder: &str) -> Option<PathBuf> {
        is_real_folder(&self.dir).then(|| self.dir.join(format!("{LISTING}{folder}")))
    }

    /// After the swap: keep the wanted folders of `replaced` (the output just replaced, if
    /// there was one) for the next build. What was carried and not taken is moved into
    /// `replaced`, to be removed with it. Nothing here can fail the build: the new output is in
    /// place, and whatever is not carried is only made again next time.
    pub fn keep_from(&self, replaced: Option<&Path>) {
        self.send_away_untaken(replaced);
        let Some(replaced) = replaced else { return };
        let wanted = lock(&self.wanted);
        let kept = (wanted.iter()).filter(|folder| is_real_folder(&replaced.join(folder.as_str())));
        for folder in kept {
            if fs::create_dir_all(&self.dir).is_err() {
                return;
            }
            let _ = fs::rename(replaced.join(folder), self.dir.join(folder));
        }
    }

    /// Move whatever the carried folders hold that this build did not take (except the listing
    /// caches of the folders it asked for) into `replaced`, to be removed with it; with no
    /// replaced output, remove it now.
    fn send_away_untaken(&self, replaced: Option<&Path>) {
        if !is_real_folder(&self.dir) {
            return;
        }
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let wanted = lock(&self.wanted);
        let is_wanted_listing =
            |name: &str| (name.strip_prefix(LISTING)).is_some_and(|folder| wanted.contains(folder));
        let untaken = entries
            .flatten()
            .filter(|entry| !is_wanted_listing(&entry.file_name().to_string_lossy()));
        let away = replaced.map(|replaced| replaced.join(UNTAKEN));
        for entry in untaken {
            let path = entry.path();
            match &away {
                Some(away) => {
                    let _ = fs::create_dir_all(away);
                    let _ = fs::rename(&path, away.join(entry.file_name()));
                }
                None if is_real_folder(&path) => {
                    let _ = fs::remove_dir_all(&path);
                }
                None => {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        drop(wanted);
        let _ = fs::remove_dir(&self.dir);
    }

    /// Move the taken `folder` out of `staging` again, into the carried folders under a name
    /// no build asks for: it goes with the next replaced output, to be removed.
    pub fn set_aside(&self, folder: &str, staging: &Path) -> io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        fs::rename(
            staging.join(folder),
            self.dir.join(format!("{UNTAKEN}-{folder}")),
        )?;
        lock(&self.taken).retain(|taken| taken != folder);
        Ok(())
    }

    /// A build that failed: put the folders it took back where the next build finds them.
    pub fn give_back(&self, staging: &Path) {
        for folder in lock(&self.taken).iter() {
            let _ = fs::create_dir_all(&self.dir);
            let _ = fs::rename(staging.join(folder), self.dir.join(folder));
        }
    }
}

impl Staging {
    /// Take the folder `folder` (one name at the top of the output, the same in every build) as
    /// the last build left it, if it was carried over (this module), keeping only the files
    /// `keep` vouches for. Returns the kept files' paths relative to `folder`, or `None` when
    /// nothing was carried: then the caller makes the folder. Either way, this build's copy is
    /// carried over to the next build.
    pub fn carry_over(
        &self,
        folder: &str,
        keep: &dyn Fn(&str, &fs::Metadata) -> bool,
    ) -> Result<Option<BTreeSet<String>>, OutputError> {
        let path = self.staged_path(folder)?;
        let one_name = Path::new(folder).components().count() == 1;
        let Some(carry) = self.carry.as_ref().filter(|_| one_name) else {
            return Ok(None);
        };
        if !carry.take(folder, &self.dir) {
            return Ok(None);
        }
        match prune(&path, keep, carry.listing_cache(folder).as_deref()) {
            Ok(kept) => Ok(Some(kept)),
            // Not worth failing the build for: set it aside, to be removed with the replaced
            // output, and let the caller make the folder afresh.
            Err(_) => carry
                .set_aside(folder, &self.dir)
                .map(|()| None)
                .map_err(|source| {
                    OutputError::io(
                        &path,
                        "cannot move aside the folder the last build left",
                        source,
                    )
                }),
        }
    }

    /// Take the folder `folder` (one name at the top of the output, such as a live year's) as the
    /// last build left it, if it was carried over (this module), to be rewritten: a file this build
    /// writes that is already there byte for byte stays as it is, and every file it does not
    /// write is removed before the swap. Returns whether anything was carried. Either way, this
    /// build's copy is carried over to the next build.
    pub fn carry_over_rewritten(&self, folder: &str) -> Result<bool, OutputError> {
        let regular_file = |_: &str, meta: &fs::Metadata| meta.file_type().is_file();
        let Some(files) = self.carry_over(folder, &regular_file)? else {
            return Ok(false);
        };
        self.rewrites.add(folder, files);
        Ok(true)
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Remove every file under `dir` that `keep` does not vouch for (given its `/`-separated path
/// relative to `dir` and its metadata, not following links), and every folder left with no
/// file. Returns the kept files' paths. With a `cache` file, folders unchanged since the last
/// listing are not read again ([`crate::listing`]); every file is still checked.
pub fn prune(
    dir: &Path,
    keep: &dyn Fn(&str, &fs::Metadata) -> bool,
    cache: Option<&Path>,
) -> io::Result<BTreeSet<String>> {
    let listing = crate::listing::list(dir, cache).map_err(|err| err.source)?;
    let mut kept = BTreeSet::new();
    // Folders that still hold a file, by path relative to `dir`.
    let mut holding: HashSet<&str> = HashSet::new();
    for file in &listing.files {
        if is_plain_name(&file.relative) && keep(&file.relative, &file.meta) {
            kept.insert(file.relative.clone());
            let mut folder = file.relative.as_str();
            while let Some((parent, _)) = folder.rsplit_once('/') {
                if !holding.insert(parent) {
                    break;
                }
                folder = parent;
            }
        } else {
            fs::remove_file(&file.path)?;
        }
    }
    // Each folder after those inside it, so that an emptied one is empty when it is removed.
    for folder in listing.folders.iter().rev() {
        if !holding.contains(folder.relative.as_str()) {
            fs::remove_dir(&folder.path)?;
        }
    }
    Ok(kept)
}

/// Whether `relative` came through the lossy name conversion unchanged (a name that is not
/// UTF-8 is never vouched for: no manifest can name it).
fn is_plain_name(relative: &str) -> bool {
    !relative.contains(char::REPLACEMENT_CHARACTER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::folder_with;

    #[test]
    fn pruning_keeps_what_is_vouched_for_and_removes_the_rest_with_its_empty_folders() {
        let dir = folder_with(&["a/keep.html", "a/drop.html", "b/c/drop.html", "top.txt"]);
        fs::create_dir(dir.path().join("empty")).expect("folder");
        let keep = |path: &str, meta: &fs::Metadata| path.contains("keep") || meta.len() == 7;
        let kept = prune(dir.path(), &keep, None).expect("prune");
        assert_eq!(
            kept.iter().map(String::as_str).collect::<Vec<_>>(),
            ["a/keep.html", "top.txt"]
        );
        assert!(dir.path().join("a/keep.html").is_file());
        assert!(!dir.path().join("a/drop.html").exists());
        assert!(!dir.path().join("b").exists(), "folder left without files");
        assert!(!dir.path().join("empty").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_judged_by_itself_and_never_followed() {
        let outside = folder_with(&["secret.txt"]);
        let dir = folder_with(&["page.html"]);
        let target = outside.path().join("secret.txt");
        std::os::unix::fs::symlink(&target, dir.path().join("link.txt")).expect("symlink");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("linked-folder"))
            .expect("symlink");
        let keep = |_: &str, meta: &fs::Metadata| meta.is_file();
        let kept = prune(dir.path(), &keep, None).expect("prune");
        assert_eq!(kept.into_iter().collect::<Vec<_>>(), ["page.html"]);
        assert!(fs::symlink_metadata(dir.path().join("link.txt")).is_err());
        assert!(fs::symlink_metadata(dir.path().join("linked-folder")).is_err());
        assert!(target.is_file(), "what a link pointed at is left alone");
    }

    #[test]
    fn a_folder_is_taken_once_kept_from_the_replaced_output_and_given_back_on_failure() {
        let parent = tempfile::tempdir().expect("temp dir");
        let (staging, replaced) = (parent.path().join("staging"), parent.path().join("old"));
        fs::create_dir(&staging).expect("staging");
        fs::create_dir_all(replaced.join("2014/declarations")).expect("replaced");
        fs::create_dir_all(replaced.join("2023")).expect("live year");
        let carry = Carry::new(parent.path(), "public");
        assert!(!carry.take("2014", &staging), "nothing carried yet");
        carry.keep_from(Some(&replaced));
        let carried = parent.path().join(".public.carried");
        assert!(carried.join("2014/declarations").is_dir());
        assert!(replaced.join("2023").is_dir(), "only what was asked for");

        let next = Carry::new(parent.path(), "public");
        assert!(next.take("2014", &staging));
        assert!(staging.join("2014/declarations").is_dir());
        assert!(!next.take("2014", &staging), "taken once");
        next.give_back(&staging);
        assert!(carried.join("2014/declarations").is_dir());
        assert!(!staging.join("2014").exists());
    }

    #[test]
    fn what_was_carried_and_not_taken_goes_with_the_replaced_output() {
        let parent = tempfile::tempdir().expect("temp dir");
        let carried = parent.path().join(".public.carried");
        fs::create_dir_all(carried.join("2015/declarations")).expect("stale");
        let replaced = parent.path().join("old");
        fs::create_dir_all(replaced.join("2014")).expect("replaced");
        let carry = Carry::new(parent.path(), "public");
        let staging = parent.path().join("staging");
        fs::create_dir(&staging).expect("staging");
        assert!(!carry.take("2014", &staging));
        carry.keep_from(Some(&replaced));
        assert!(replaced.join(UNTAKEN).join("2015/declarations").is_dir());
        assert!(carried.join("2014").is_dir());
        assert!(!carried.join("2015").exists());

        // With no replaced output, what nobody took is removed at once.
        let alone = Carry::new(parent.path(), "public");
        alone.keep_from(None);
        assert!(!carried.exists());
    }
}
