//! Where produced files go, and the manifest line each one leaves behind.
//!
//! The build hands every file to a [`Sink`] as soon as it is made, from whichever thread made it,
//! and keeps only its path and hash ([`Written`]); the bytes are not held once the sink has them.
//! `build` writes into the output's staging folder, `serve` and `snapshot` keep the files in
//! memory, and `check` discards them, all through the same pipeline.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::sync::Mutex;

use crate::files::OutputFile;
use crate::manifest::sha256_hex;
use crate::output::{OutputError, Staging};

/// Takes produced files. Implementations must accept files from many threads at once.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> Result<(), OutputError>;

    /// Whether a file in `folder` can be hard-linked into the output ([`Sink::link`]): only an
    /// output on disk, on the same file system.
    fn links_from(&self, _folder: &Path) -> bool {
        false
    }

    /// Make the folder `relative` (and its parents) ahead of files linked into it: an output on
    /// disk then need not find it missing first. Nothing to do elsewhere.
    fn make_folder(&self, _relative: &str) -> Result<(), OutputError> {
        Ok(())
    }

    /// Hard-link `source` as `relative` instead of handing over its bytes. Returns the linked
    /// file's metadata, or `None` where it was not linked: then the caller puts the bytes.
    fn link(&self, _relative: &str, _source: &Path) -> Result<Option<fs::Metadata>, OutputError> {
        Ok(None)
    }

    /// Take `folder` (a top-level folder that is the same in every build, such as an archived
    /// year) as the last build left it, keeping only the files `keep` vouches for: their paths
    /// relative to `folder`. `None` where nothing was carried over: then the caller makes it.
    fn carry_over(
        &self,
        _folder: &str,
        _keep: &dyn Fn(&str, &fs::Metadata) -> bool,
    ) -> Result<Option<BTreeSet<String>>, OutputError> {
        Ok(None)
    }

    /// Take `folder` (a top-level folder whose files this build writes anew, such as a live
    /// year) as the last build left it: a file written with the bytes it already holds stays,
    /// and a file not written is removed. Whether anything was carried over.
    fn carry_over_rewritten(&self, _folder: &str) -> Result<bool, OutputError> {
        Ok(false)
    }
}

/// Make the folder of every file in `files` (output paths) before the files are handed over,
/// one folder after another, parents first.
///
/// Not in parallel: nearly all of a year's pages sit in one parent folder (`YEAR/declarations/`),
/// and `mkdir` locks its parent, so two threads making them at once mostly wait on each other
/// (spinning on that lock was a fifth of an archived build's CPU time). Callers run this on one
/// thread while other work keeps the other cores busy.
pub fn make_folders_of<I, S>(sink: &dyn Sink, files: I) -> Result<(), OutputError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let folders: BTreeSet<String> = (files.into_iter())
        .filter_map(|path| Some(path.as_ref().rsplit_once('/')?.0.to_string()))
        .collect();
    folders
        .iter()
        .try_for_each(|folder| sink.make_folder(folder))
}

/// A file that was handed over: its path and the lowercase hex sha256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Written {
    pub path: String,
    pub sha256: String,
}

/// Hash `file`, hand it to `sink`, and keep only its manifest line.
pub fn emit(sink: &dyn Sink, file: OutputFile) -> Result<Written, OutputError> {
    let written = written(&file);
    sink.put(file)?;
    Ok(written)
}

/// The manifest line of `file`.
pub fn written(file: &OutputFile) -> Written {
    Written {
        path: file.path.clone(),
        sha256: sha256_hex(&file.bytes),
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), OutputError> {
        self.write(&file.path, &file.bytes)
    }

    fn links_from(&self, folder: &Path) -> bool {
        Staging::links_from(self, folder)
    }

    fn make_folder(&self, relative: &str) -> Result<(), OutputError> {
        Staging::make_folder(self, relative)
    }

    fn link(&self, relative: &str, source: &Path) -> Result<Option<fs::Metadata>, OutputError> {
        Staging::link(self, relative, source)
    }

    fn carry_over(
        &self,
        folder: &str,
        keep: &dyn Fn(&str, &fs::Metadata) -> bool,
    ) -> Result<Option<BTreeSet<String>>, OutputError> {
        Staging::carry_over(self, folder, keep)
    }

    fn carry_over_rewritten(&self, folder: &str) -> Result<bool, OutputError> {
        Staging::carry_over_rewritten(self, folder)
    }
}

/// Keeps every file in memory (`serve`, `snapshot`, tests).
#[derive(Debug, Default)]
pub struct Memory {
    files: Mutex<Vec<OutputFile>>,
}

impl Memory {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self
            .files
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Memory {
    fn put(&self, file: OutputFile) -> Result<(), OutputError> {
        let mut files = self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        files.push(file);
        Ok(())
    }
}

/// Drops every file (`check`: everything is rendered, so every template error shows, but
/// nothing is kept).
#[derive(Debug, Default)]
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _file: OutputFile) -> Result<(), OutputError> {
        Ok(())
    }
}
