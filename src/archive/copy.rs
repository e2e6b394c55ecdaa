//! Publishing an archived year: every file of `archive/YEAR/` goes to `YEAR/` in the output,
//! byte for byte, and is checked against its manifest on the way. A file whose bytes no longer
//! have the promised hash is not published: the build fails naming it, because publishing it
//! would break the promise the archive's manifest makes.
//!
//! The check hashes a file only when its metadata changed since an earlier build hashed it
//! ([`super::hash_cache`], in `ROOT/.disclose-cache/archive/YEAR.tsv`): hashing the 1.3 GB of
//! archived pages was about 1.2 s of CPU time (7%) in a build with nine archived years. The
//! metadata is taken from the open file before and after reading it, so a file written to while
//! it is read is hashed.
//!
//! When the output is on disk, a file is not even read once it is known: its kept copy
//! ([`super::store`]) is linked into the output instead. Only a file whose hash is not known, or
//! whose copy is missing or was changed, is read, checked and kept anew.
//!
//! Better still, the year's folder as the last build published it is carried over to this build
//! ([`Sink::carry_over`]): no folder is made and no file linked, and each file in it is published
//! only if it passes the check a freshly linked one gets (the known, promised hash, and the kept
//! copy as disclose left it). Anything else in it is removed, and published as above.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

use super::hash_cache::{Entry, HashCache, Stamp};
use super::store::{Kept, Store};
use super::{ArchivedFile, ArchivedYear, changed_since_snapshot, shown};
use crate::diagnostics::Diagnostic;
use crate::files::OutputFile;
use crate::manifest::sha256_hex;
use crate::sink::{self, Sink, Written};

/// The cache folder of the archived files' hashes, relative to the site root.
pub const CACHE_DIR: &str = ".disclose-cache/archive";

/// Why an archived year could not be published.
#[derive(Debug)]
pub enum CopyError {
    /// Files changed since the snapshot (or unreadable): content problems.
    Invalid(Vec<Diagnostic>),
    /// The sink failed (disk full, …).
    Output(crate::output::OutputError),
}

/// One published file, with what the caches learnt about it.
struct Published {
    written: Written,
    /// Its hash, for the hash cache.
    hashed: Option<Entry>,
    /// Its kept copy, for the store.
    kept: Option<Kept>,
}

/// One archived year on its way out: the year, where to hand its files, and the caches.
struct Publishing<'a> {
    archived: &'a ArchivedYear,
    sink: &'a dyn Sink,
    hashes: HashCache,
    /// Kept copies, when the sink can link them.
    store: Option<Store>,
}

/// Check and hand over every file of `archived` (in parallel), as `YEAR/PATH`.
pub fn publish(archived: &ArchivedYear, sink: &dyn Sink) -> Result<Vec<Written>, CopyError> {
    let store = archived
        .record
        .frozen_at()
        .filter(|_| sink.links_from(&archived.kept))
        .map(|frozen_at| Store::open(archived.kept.clone(), frozen_at));
    let publishing = Publishing {
        archived,
        sink,
        hashes: HashCache::open(archived.hash_cache.clone()),
        store,
    };
    let carried = match publishing.store {
        Some(_) => publishing.carry_over().map_err(CopyError::Output)?,
        None => None,
    };
    if publishing.store.is_some() && carried.is_none() {
        publishing.make_folders().map_err(CopyError::Output)?;
    }
    let is_carried = |path: &str| carried.as_ref().is_some_and(|kept| kept.contains(path));
    let results: Vec<Result<Published, CopyError>> = archived
        .files
        .par_iter()
        .map(|(path, file)| {
            let carried = is_carried(path).then(|| publishing.carried(path, file));
            match carried.flatten().or_else(|| publishing.link(path, file)) {
                Some(published) => published,
                None => publishing.copy(path, file.sha256.as_deref()),
            }
        })
        .collect();
    let mut published = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(file) => published.push(file),
            Err(CopyError::Invalid(found)) => problems.extend(found),
            Err(output) => return Err(output),
        }
    }
    if !problems.is_empty() {
        return Err(CopyError::Invalid(problems));
    }
    publishing.remember(&published);
    Ok(published.into_iter().map(|file| file.written).collect())
}

impl Publishing<'_> {
    /// Make every folder of the year before linking into them, one after another
    /// ([`sink::make_folders_of`]; other years and the live pages keep the other core busy).
    /// Almost every folder of a year holds one page, so linking first would fail once per file
    /// (a wasted `linkat`, walking both paths) before the folder was made.
    fn make_folders(&self) -> Result<(), crate::output::OutputError> {
        let paths = (self.archived.files.keys()).map(|path| self.output_path(path));
        sink::make_folders_of(self.sink, paths)
    }

    /// Take the year's folder as the last build left it, if it was carried over ([`Sink::carry_over`]):
    /// a file is kept only if [`Publishing::vouched`] for and still the kept copy as disclose
    /// left it, the check [`Publishing::link`] makes after linking. The kept files' paths.
    fn carry_over(&self) -> Result<Option<BTreeSet<String>>, crate::output::OutputError> {
        let keep = |path: &str, meta: &fs::Metadata| {
            let vouched = (self.archived.files.get(path)).and_then(|file| self.vouched(path, file));
            vouched.is_some_and(|(kept, _)| kept.is(meta))
        };
        self.sink.carry_over(&self.archived.year.to_string(), &keep)
    }

    /// A file kept in the carried-over folder ([`Publishing::carry_over`]), as published.
    fn carried(&self, path: &str, file: &ArchivedFile) -> Option<Result<Published, CopyError>> {
        let (kept, hashed) = self.vouched(path, file)?;
        Some(Ok(Published {
            written: Written {
                path: self.output_path(path),
                sha256: file.sha256.clone()?,
            },
            hashed: Some(hashed.clone()),
            kept: Some(kept.clone()),
        }))
    }

    /// The kept copy of `path` and the hash of its archived file, if that hash is known
    /// without reading the file and is the promised one.
    ///
    /// The archive's file is known by the stamp taken when its folder was listed, moments ago:
    /// a change since then is found by the next build, and this one publishes the promised
    /// bytes from the copy all the same.
    fn vouched(&self, path: &str, file: &ArchivedFile) -> Option<(&Kept, &Entry)> {
        let (store, promised) = (self.store.as_ref()?, file.sha256.as_deref()?);
        let kept = store.holding(path, promised)?;
        let hashed = self.hashes.known(path, file.stamp)?;
        (hashed.sha256() == promised).then_some((kept, hashed))
    }

    /// Link the kept copy of `path` if [`Publishing::vouched`] for and, once linked, the copy
    /// is as it was kept. `None` when any of that fails: then it is copied.
    fn link(&self, path: &str, file: &ArchivedFile) -> Option<Result<Published, CopyError>> {
        let (kept, hashed) = self.vouched(path, file)?;
        let (store, promised) = (self.store.as_ref()?, file.sha256.as_deref()?);
        let target = self.output_path(path);
        match self.sink.link(&target, &store.file(path)) {
            Ok(Some(linked)) if kept.is(&linked) => Some(Ok(Published {
                written: Written {
                    path: target,
                    sha256: promised.to_string(),
                },
                hashed: Some(hashed.clone()),
                kept: Some(kept.clone()),
            })),
            // Not linked, or a copy replaced meanwhile (which `copy` then writes over).
            Ok(_) => None,
            Err(err) => Some(Err(CopyError::Output(err))),
        }
    }

    /// Read `path` from the archive, check it, and keep and link it, or hand over its bytes.
    fn copy(&self, path: &str, promised: Option<&str>) -> Result<Published, CopyError> {
        let year = self.archived.year;
        let invalid = |message: String| {
            CopyError::Invalid(vec![Diagnostic::error(shown(year, path), "", message)])
        };
        let on_disk = self.archived.folder.join(path);
        let (bytes, stamp) = read_stamped(&on_disk)
            .map_err(|err| invalid(format!("cannot read {}: {err}", on_disk.display())))?;
        let (sha256, hashed) = match self.hashes.known(path, stamp) {
            Some(known) => (known.sha256().to_string(), Some(known.clone())),
            None => {
                let sha256 = sha256_hex(&bytes);
                let entry = self.hashes.entry(stamp, &sha256);
                (sha256, entry)
            }
        };
        if promised.is_some_and(|hash| hash != sha256) {
            return Err(invalid(changed_since_snapshot(year)));
        }
        let target = self.output_path(path);
        let kept = match (&self.store, promised) {
            (Some(store), Some(_)) => self.keep_and_link(store, path, &bytes, &sha256)?,
            _ => None,
        };
        if kept.is_none() {
            self.sink
                .put(OutputFile {
                    path: target.clone(),
                    bytes,
                })
                .map_err(CopyError::Output)?;
        }
        Ok(Published {
            written: Written {
                path: target,
                sha256,
            },
            hashed,
            kept,
        })
    }

    /// Link the copy of `path` into the output, keeping `bytes` as a new copy first unless the
    /// kept one holds them and is as it was left (its file was read because the archive's
    /// metadata changed, say after a checkout). `None` if that failed: then the bytes are handed
    /// over instead.
    fn keep_and_link(
        &self,
        store: &Store,
        path: &str,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<Option<Kept>, CopyError> {
        let (target, copy) = (self.output_path(path), store.file(path));
        let link = |kept: &Kept| -> Result<bool, CopyError> {
            let linked = self.sink.link(&target, &copy).map_err(CopyError::Output)?;
            Ok(linked.is_some_and(|linked| kept.is(&linked)))
        };
        if let Some(kept) = store.holding(path, sha256)
            && link(kept)?
        {
            return Ok(Some(kept.clone()));
        }
        let Ok(kept) = store.keep(path, bytes, sha256) else {
            return Ok(None);
        };
        Ok(link(&kept)?.then_some(kept))
    }

    fn output_path(&self, path: &str) -> String {
        format!("{}/{path}", self.archived.year)
    }

    /// Write what this build learnt into the caches (failures only cost the next build time).
    fn remember<'a>(&self, published: &'a [Published]) {
        let prefix = format!("{}/", self.archived.year);
        let relative = |file: &'a Published| file.written.path.strip_prefix(prefix.as_str());
        let hashed = published
            .iter()
            .filter_map(|file| Some((relative(file)?, file.hashed.as_ref()?)));
        let _ = self.hashes.store(hashed);
        if let Some(store) = &self.store {
            let kept = published
                .iter()
                .filter_map(|file| Some((relative(file)?, file.kept.as_ref()?)));
            let _ = store.save(kept);
        }
    }
}

/// The bytes of the file at `path`, and its stamp if its metadata was the same before and after
/// reading (else `None`: it changed under the read, and its hash must not be remembered).
fn read_stamped(path: &Path) -> std::io::Result<(Vec<u8>, Option<Stamp>)> {
    let mut file = File::open(path)?;
    let before = file.metadata()?;
    let mut bytes = Vec::with_capacity(usize::try_from(before.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    let after = Stamp::of(&file.metadata()?);
    let stamp = Stamp::of(&before).filter(|stamp| Some(*stamp) == after);
    Ok((bytes, stamp))
}
