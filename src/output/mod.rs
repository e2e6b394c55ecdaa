//! Writing a site (or an archived year) to disk, all or nothing.
//!
//! [`Staging::begin`] checks the destination ([`guard`]), takes the folder's lock ([`lock`]),
//! removes what dead builds left behind and makes a staging folder beside the output. Files are
//! then written into it as they are produced, from any thread ([`Staging::write`]), and
//! [`Staging::commit`] swaps it in. A file the replaced output already holds byte for byte is
//! linked from it instead ([`reuse`]). Until then the previous output is untouched; a failure, or a
//! staging dropped without commit, removes the staging folder. disclose replaces only a folder
//! its own last build made there ([`marker`]), or an empty one; anything else is refused, never
//! deleted.

mod carry;
pub mod guard;
pub mod lock;
pub mod marker;
pub mod retire;
pub mod reuse;
mod rewrites;

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::files::OutputFile;
use crate::layout::MANIFEST;
pub use guard::Purpose;
use marker::Marker;
pub use retire::Removal;

/// How long a build waits for another build into the same folder before giving up.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// An output problem, always naming the path involved.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: {action}: {source}{}", advice(source))]
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    #[error("{path} cannot be replaced: {why}; move it away or choose another folder with --out")]
    NotOurs { path: PathBuf, why: String },
    #[error("refusing to write {path}: {why}; choose another folder with --out (e.g. public)")]
    Protected { path: PathBuf, why: String },
    #[error(
        "{path}: another build into this folder is running (it holds {lock}); waited {waited:?}; try again when it has finished"
    )]
    Busy {
        path: PathBuf,
        lock: PathBuf,
        waited: Duration,
    },
}

impl OutputError {
    pub fn io(path: &Path, action: &'static str, source: io::Error) -> OutputError {
        OutputError::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }
}

/// What to do about an I/O failure, where there is something to say.
fn advice(source: &io::Error) -> &'static str {
    if out_of_space(source) {
        "; nothing was published and the previous output is unchanged: free some space and build again"
    } else {
        ""
    }
}

/// Whether `err` says the disk (or the user's quota) is full.
fn out_of_space(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

/// Where to write, for which site, and why.
#[derive(Debug, Clone)]
pub struct Destination {
    pub out: PathBuf,
    pub site_root: PathBuf,
    pub purpose: Purpose,
    /// How long to wait for another build into the same folder.
    pub wait: Duration,
    /// What happens to the output this one replaces.
    pub removal: Removal,
}

impl Destination {
    pub fn build(out: &Path, site_root: &Path) -> Destination {
        Destination {
            out: out.to_path_buf(),
            site_root: site_root.to_path_buf(),
            purpose: Purpose::Build,
            wait: DEFAULT_WAIT,
            removal: Removal::Wait,
        }
    }

    pub fn snapshot(folder: &Path, site_root: &Path) -> Destination {
        Destination {
            purpose: Purpose::Snapshot,
            ..Destination::build(folder, site_root)
        }
    }
}

/// A staging folder beside the output, being filled. Dropping it without [`Staging::commit`]
/// removes it and leaves the output as it was.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    parent: PathBuf,
    name: String,
    site: PathBuf,
    purpose: Purpose,
    removal: Removal,
    /// Unchanged files of the output being replaced, linked instead of written (builds only).
    reuse: Option<reuse::Reuse>,
    /// Folders carried over between builds ([`carry`]; builds only).
    carry: Option<carry::Carry>,
    /// Files of carried folders this build is to write or remove ([`rewrites::Rewrites`]).
    rewrites: rewrites::Rewrites,
    committed: bool,
    _lock: Option<lock::OutputLock>,
}

impl Staging {
    /// Check the destination, lock it, clean up after dead builds and create the staging folder.
    pub fn begin(destination: &Destination) -> Result<Staging, OutputError> {
        let site = guard::resolve(&destination.site_root)?;
        let out = guard::resolve(&destination.out)?;
        guard::check_destination(&out, &site, destination.purpose)?;
        let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
            return Err(OutputError::Protected {
                path: out.clone(),
                why: "it has no parent folder to stage in".into(),
            });
        };
        let (parent, name) = (parent.to_path_buf(), name.to_string_lossy().into_owned());
        fs::create_dir_all(&parent)
            .map_err(|source| OutputError::io(&parent, "cannot create the folder", source))?;
        // Snapshots are not locked: the lock file would sit in archive/, which users commit.
        let held = match destination.purpose {
            Purpose::Build => Some(lock::acquire(&parent, &name, destination.wait)?),
            Purpose::Snapshot => None,
        };
        lock::clean_up_dead_builds(&parent, &name)?;
        guard::ensure_replaceable(&out, &parent, &name, &site, destination.purpose)?;
        let dir = parent.join(lock::staging_name(&name));
        fs::create_dir(&dir)
            .map_err(|source| OutputError::io(&dir, "cannot create the staging folder", source))?;
        // A snapshot never links into an earlier archive: the archive is the user's to commit.
        let (reuse, carry) = match destination.purpose {
            Purpose::Build => (
                reuse::Reuse::from(&out),
                Some(carry::Carry::new(&parent, &name)),
            ),
            Purpose::Snapshot => (None, None),
        };
        Ok(Staging {
            dir,
            out,
            parent,
            name,
            site,
            purpose: destination.purpose,
            removal: destination.removal,
            reuse,
            carry,
            rewrites: rewrites::Rewrites::default(),
            committed: false,
            _lock: held,
        })
    }

    /// Write one file (a `/`-separated path relative to the output root), or link it from the
    /// replaced output if that holds the same bytes ([`reuse`]). Safe to call from many threads
    /// at once.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.staged_path(relative)?;
        in_its_folder(&path, || self.place(relative, bytes, &path))?
            .map_err(|source| OutputError::io(&path, "cannot write", source))
    }

    /// Whether a file in `folder` can be hard-linked into this output: a build's (a snapshot
    /// never shares its files), on the same file system.
    pub fn links_from(&self, folder: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let device = |path: &Path| {
                let existing = path.ancestors().find_map(|path| fs::metadata(path).ok());
                existing.map(|meta| meta.dev())
            };
            self.purpose == Purpose::Build
                && device(folder).is_some_and(|dev| device(&self.dir) == Some(dev))
        }
        #[cfg(not(unix))]
        {
            let _ = folder;
            false
        }
    }

    /// Make the folder `relative` and its parents.
    pub fn make_folder(&self, relative: &str) -> Result<(), OutputError> {
        let path = self.staged_path(relative)?;
        fs::create_dir_all(&path)
            .map_err(|source| OutputError::io(&path, "cannot create the folder", source))
    }

    /// Hard-link `source` as `relative` instead of writing its bytes. Returns the linked
    /// file's metadata, or `None` if it could not be linked (no such source, no hard links
    /// here): then the caller writes the file.
    pub fn link(&self, relative: &str, source: &Path) -> Result<Option<fs::Metadata>, OutputError> {
        let path = self.staged_path(relative)?;
        let linked = match in_its_folder(&path, || fs::hard_link(source, &path))? {
            // An earlier link of this build that turned out unusable: replaced, never written.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                fs::remove_file(&path).and_then(|()| fs::hard_link(source, &path))
            }
            linked => linked,
        };
        match linked {
            Ok(()) => fs::symlink_metadata(&path)
                .map(Some)
                .map_err(|source| OutputError::io(&path, "cannot read", source)),
            Err(err) if out_of_space(&err) => Err(OutputError::io(&path, "cannot write", err)),
            Err(_) => Ok(None),
        }
    }

    /// Keep the carried file, or link the file from the replaced output, or write it;
    /// `NotFound` if its folder is missing.
    fn place(&self, relative: &str, bytes: &[u8], path: &Path) -> io::Result<()> {
        if self.rewrites.holds(relative, bytes, path)? {
            return Ok(());
        }
        if let Some(reuse) = &self.reuse
            && reuse.link_if_unchanged(relative, bytes, path)?
        {
            return Ok(());
        }
        reuse::write_new(path, bytes)
    }

    fn staged_path(&self, relative: &str) -> Result<PathBuf, OutputError> {
        let plain = Path::new(relative)
            .components()
            .all(|part| matches!(part, Component::Normal(_)));
        if relative.is_empty() || !plain {
            return Err(OutputError::Protected {
                path: self.dir.join(relative),
                why: "an output path must stay inside the output folder".into(),
            });
        }
        Ok(self.dir.join(relative))
    }

    /// Swap the staging folder in as the output. The ownership marker is written beside it
    /// first (into a temporary file, renamed after the swap), so running out of space fails
    /// before anything published changes. Returns the replaced output's folder when a detached
    /// process is still removing it ([`retire`]).
    pub fn commit(mut self) -> Result<Option<PathBuf>, OutputError> {
        (self.rewrites.remove_unwritten(&self.dir)).map_err(|source| {
            OutputError::io(
                &self.dir,
                "cannot remove a file no longer published",
                source,
            )
        })?;
        let marker_path = marker::path(&self.parent, &self.name);
        let pending = match self.purpose {
            Purpose::Build => Some(self.stage_marker(&marker_path)?),
            Purpose::Snapshot => None,
        };
        let previous = swap_in(&self.dir, &self.out, &self.parent, &self.name)?;
        self.committed = true;
        if let Some(carry) = &self.carry {
            carry.keep_from(previous.as_deref());
        }
        // Dealt with before the marker, so a failure to record it does not leave it behind.
        let retiring = previous.and_then(|previous| {
            retire::remove_replaced(&previous, &self.parent, &self.name, self.removal)
        });
        if let Some(pending) = pending {
            fs::rename(&pending, &marker_path).map_err(|source| {
                OutputError::io(&marker_path, "published, but cannot record it", source)
            })?;
        }
        Ok(retiring)
    }

    fn stage_marker(&self, marker_path: &Path) -> Result<PathBuf, OutputError> {
        let manifest_path = self.dir.join(MANIFEST);
        let manifest = fs::read(&manifest_path)
            .map_err(|source| OutputError::io(&manifest_path, "cannot read", source))?;
        let text = Marker::new(&self.site, &manifest).to_toml();
        let pending = marker_path.with_file_name(format!(
            ".{}.disclose.tmp-{}",
            self.name,
            std::process::id()
        ));
        fs::write(&pending, text).map_err(|source| {
            let _ = fs::remove_file(&pending);
            OutputError::io(&pending, "cannot write", source)
        })?;
        Ok(pending)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            if let Some(carry) = &self.carry {
                carry.give_back(&self.dir);
            }
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Run `place`, which makes the file at `path`; if its folder is missing (`NotFound`), make the
/// folder and run it once more. Most files go into a folder an earlier file made, so the folder
/// is made only when the file system says it is missing: a `mkdir` per file (which locks the
/// parent folder) was about 100,000 needless calls on a large site.
fn in_its_folder(
    path: &Path,
    place: impl Fn() -> io::Result<()>,
) -> Result<io::Result<()>, OutputError> {
    match place() {
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            if let Some(folder) = path.parent() {
                fs::create_dir_all(folder).map_err(|source| {
                    OutputError::io(folder, "cannot create the folder", source)
                })?;
            }
            Ok(place())
        }
        placed => Ok(placed),
    }
}

/// Whether `path` is a folder itself, not a symbolic link to one: the only kind disclose moves,
/// links from or removes as its own.
fn is_real_folder(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| meta.is_dir())
}

/// Write `files` as the new content of the destination, replacing the previous output only on
/// success.
pub fn publish(destination: &Destination, files: &[OutputFile]) -> Result<(), OutputError> {
    let staging = Staging::begin(destination)?;
    for file in files {
        staging.write(&file.path, &file.bytes)?;
    }
    staging.commit().map(|_| ())
}

/// Move the old output aside and move staging in; returns where the old output went, for the
/// caller to remove ([`retire`]). If moving staging in fails, the old output is moved back.
fn swap_in(
    staging: &Path,
    out: &Path,
    parent: &Path,
    name: &str,
) -> Result<Option<PathBuf>, OutputError> {
    let previous = parent.join(lock::previous_name(name));
    let had_previous = out.exists();
    if had_previous {
        fs::rename(out, &previous).map_err(|source| {
            OutputError::io(out, "cannot move the previous output aside", source)
        })?;
    }
    if let Err(source) = fs::rename(staging, out) {
        if had_previous {
            let _ = fs::rename(&previous, out);
        }
        return Err(OutputError::io(
            out,
            "cannot move the new output into place",
            source,
        ));
    }
    Ok(had_previous.then_some(previous))
}
