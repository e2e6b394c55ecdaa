//! The site as `serve` keeps it between edits, and the incremental update that makes an edit
//! cost only what it touches.
//!
//! The first build renders everything through [`build::produce_keeping`], keeping the files in
//! memory, the model they came from, each file's hash and each year's search shard. After an
//! edit:
//! 1. the content is loaded again through a [`LoadCache`], so only changed files are parsed, and
//!    validated and aggregated as in every build ([`Reuse`]): an unchanged declaration is the
//!    same shared allocation as before, and keeps its quality findings; the templates are kept
//!    while only `content/` changes;
//! 2. [`touched::between`] compares the new model with the kept one and names the pages and
//!    years that changed; when the change is not local (templates, `site.toml`, `static/`, the
//!    archive, a new department…) everything is rendered, exactly as before;
//! 3. only those pages are rendered ([`Scope::Touched`]), the touched folders are cleared of
//!    their old files, the touched years' search shards are patched for the declarations that
//!    changed (`search::live`) and the index merged, and the feed and sitemap are made from the
//!    kept paths. That is what the reload shows.
//! 4. [`Preview::finish`] then makes the touched years' open data and `SHA256SUMS`, which
//!    [`Update::pending`] names until then. The workbook of a year of 10,000 declarations takes
//!    about a second, several times the rest of the update, and nobody looks at it between two
//!    edits; `serve` answers a request for a pending file once it is made.
//!
//! After `finish`, the result is the same set of bytes a full build would give, and before it
//! every file but the pending ones already is; `tests/preview.rs` checks both after each kind
//! of edit.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::build::{
    self, BuildError, BuildOptions, Prepared, Produced, Reuse, Scope, feeds, manifest_of,
};
use crate::content::LoadCache;
use crate::feeds::{FEED, SITEMAP};
use crate::files::OutputFile;
use crate::layout::MANIFEST;
use crate::render::Theme;
use crate::search::{SEARCH_DIR, ShardStore};
use crate::sink::{self, Memory, Written};
use crate::site::Site;
use crate::touched::{self, Touched};

/// Where a sitemap too long for one file is split.
const SITEMAP_DIR: &str = "sitemaps/";

/// Output path → bytes. Shared, so a new state copies pointers, not pages.
pub type Files = HashMap<String, Arc<[u8]>>;

/// One good state of the site.
struct Kept {
    site: Site,
    archived: BTreeSet<u16>,
    files: Arc<Files>,
    /// Output path → SHA-256, for the manifest and the sitemap.
    hashes: BTreeMap<String, String>,
    shards: ShardStore,
    /// Years whose open data is still to be made again ([`Preview::finish`]).
    pending_years: BTreeSet<u16>,
}

/// A rendered state of the site.
pub struct Update {
    pub files: Arc<Files>,
    pub produced: Produced,
    /// How many pages were rendered: all of them, or those the edit touched.
    pub rendered_pages: usize,
    /// Whether everything was rendered.
    pub full: bool,
    /// Output paths not yet made again ([`Preview::finish`] makes them): the touched years' open
    /// data and `SHA256SUMS`. Until then `files` holds their previous version, if any.
    pub pending: BTreeSet<String>,
}

/// The preview's site between builds.
pub struct Preview {
    options: BuildOptions,
    cache: LoadCache,
    /// The templates as last loaded, dropped by any change outside `content/`.
    theme: Option<Arc<Theme>>,
    kept: Option<Kept>,
}

impl Preview {
    pub fn new(options: BuildOptions) -> Self {
        Preview {
            options,
            cache: LoadCache::default(),
            theme: None,
            kept: None,
        }
    }

    /// Build after `changed` (paths relative to the root). `only_content` says that every
    /// change was under `content/`, so the templates, `site.toml`, `static/` and archive are as
    /// they were. On failure the kept state stays, and the next build compares against it.
    pub fn update(
        &mut self,
        changed: &BTreeSet<std::path::PathBuf>,
        only_content: bool,
    ) -> Result<Update, BuildError> {
        for path in changed {
            self.cache.forget(path);
        }
        if !only_content {
            self.theme = None;
        }
        let reuse = Reuse {
            cache: &mut self.cache,
            previous: self.kept.as_ref().map(|kept| &kept.site),
            theme: self.theme.clone(),
        };
        let prepared = build::prepare_cached(&self.options, Some(reuse))?;
        self.theme = Some(Arc::clone(&prepared.theme));
        let archived: BTreeSet<u16> = prepared.render_options.archived.keys().copied().collect();
        let local = match &self.kept {
            Some(kept) if only_content && kept.archived == archived => {
                touched::between(&kept.site, &prepared.site, &archived)
            }
            _ => None,
        };
        match (local, self.kept.take()) {
            (Some(touched), Some(kept)) => self.incremental(prepared, kept, &touched),
            _ => self.full(prepared),
        }
    }

    fn full(&mut self, prepared: Prepared) -> Result<Update, BuildError> {
        let memory = Memory::default();
        let mut shards = ShardStore::default();
        let produced = build::produce_keeping(&prepared, Scope::Site, &memory, Some(&mut shards))?;
        let files: Files = memory
            .into_files()
            .into_iter()
            .map(|file| (file.path, Arc::from(file.bytes)))
            .collect();
        let hashes = produced
            .written
            .iter()
            .map(|written| (written.path.clone(), written.sha256.clone()))
            .collect();
        let files = Arc::new(files);
        let rendered_pages = files.keys().filter(|path| path.ends_with(".html")).count();
        self.kept = Some(Kept {
            archived: prepared.render_options.archived.keys().copied().collect(),
            site: prepared.site,
            files: Arc::clone(&files),
            hashes,
            shards,
            pending_years: BTreeSet::new(),
        });
        Ok(Update {
            files,
            produced,
            rendered_pages,
            full: true,
            pending: BTreeSet::new(),
        })
    }

    fn incremental(
        &mut self,
        prepared: Prepared,
        mut kept: Kept,
        touched: &Touched,
    ) -> Result<Update, BuildError> {
        let memory = Memory::default();
        let result = build::produce(&prepared, Scope::Touched(touched), &memory);
        let mut produced = match result {
            Ok(produced) => produced,
            Err(err) => {
                self.kept = Some(kept);
                return Err(err);
            }
        };
        let rendered = memory.into_files();
        let rendered_pages = rendered.len();
        let timings = &mut produced.timings;
        let mut files: Files = timings.time("merge", || {
            let mut files: Files = (*kept.files).clone();
            files.retain(|path, _| !cleared(path, touched));
            kept.hashes.retain(|path, _| !cleared(path, touched));
            for file in rendered {
                put(&mut files, &mut kept.hashes, file);
            }
            files
        });
        let Prepared {
            root,
            site,
            archives,
            statics,
            ..
        } = &prepared;
        timings.time("search", || {
            let index = kept
                .shards
                .index_site(root, site, archives, Some(&touched.years));
            replace_index(&mut files, &mut kept.hashes, index);
        });
        timings.time("feeds", || -> Result<(), BuildError> {
            // The sitemap lists what the build lists: everything but `static/`.
            let statics: BTreeSet<&str> = statics.iter().map(|(path, _)| path.as_str()).collect();
            let mut generated = listing(&kept.hashes);
            generated.retain(|file| !statics.contains(file.path.as_str()));
            for file in feeds(site, archives, &generated)? {
                put(&mut files, &mut kept.hashes, file);
            }
            Ok(())
        })?;
        kept.pending_years.extend(touched.years.iter().copied());
        let pending = pending_paths(&kept.pending_years);
        let files = Arc::new(files);
        self.kept = Some(Kept {
            site: prepared.site,
            files: Arc::clone(&files),
            ..kept
        });
        Ok(Update {
            files,
            produced,
            rendered_pages,
            full: false,
            pending,
        })
    }

    /// Make what the last update left pending: the touched years' open data (in parallel) and
    /// `SHA256SUMS`. Returns the completed files, or `None` when nothing was pending. On
    /// failure the files stay as they were, still pending, and the next update tries again.
    pub fn finish(&mut self) -> Result<Option<Arc<Files>>, BuildError> {
        let Some(kept) = self.kept.as_mut() else {
            return Ok(None);
        };
        if kept.pending_years.is_empty() {
            return Ok(None);
        }
        let years: Vec<&crate::site::Year> = kept
            .site
            .years
            .iter()
            .filter(|year| kept.pending_years.contains(&year.year))
            .collect();
        let made = years
            .par_iter()
            .map(|year| crate::export::year_files(&kept.site.config, year))
            .collect::<Result<Vec<_>, _>>()?;
        let mut files: Files = (*kept.files).clone();
        for path in pending_paths(&kept.pending_years) {
            files.remove(&path);
            kept.hashes.remove(&path);
        }
        for file in made.into_iter().flatten() {
            put(&mut files, &mut kept.hashes, file);
        }
        // The old manifest was removed above, so it does not list itself.
        let manifest = manifest_of(&listing(&kept.hashes));
        put(&mut files, &mut kept.hashes, manifest);
        kept.pending_years.clear();
        kept.files = Arc::new(files);
        Ok(Some(Arc::clone(&kept.files)))
    }
}

/// Whether an update drops the kept `path`: the files remade from the whole site (the feed,
/// sitemap and manifest, so a file they no longer have goes too) and everything in a folder the
/// edit cleared. The search index is replaced on its own ([`replace_index`]).
fn cleared(path: &str, touched: &Touched) -> bool {
    let remade =
        path.starts_with(SITEMAP_DIR) || path == FEED || path == SITEMAP || path == MANIFEST;
    remade
        || touched
            .cleared
            .iter()
            .any(|folder| path.starts_with(folder.as_str()))
}

/// Every output path that waits for [`Preview::finish`] while `years` are pending.
fn pending_paths(years: &BTreeSet<u16>) -> BTreeSet<String> {
    years
        .iter()
        .flat_map(|year| crate::export::year_file_paths(*year))
        .chain(std::iter::once(MANIFEST.to_string()))
        .collect()
}

/// Replace the kept search index with `index`: a file it no longer has goes, and only a file
/// whose bytes changed is stored and hashed again (an edit changes a few of the index's files).
fn replace_index(files: &mut Files, hashes: &mut BTreeMap<String, String>, index: Vec<OutputFile>) {
    let paths: BTreeSet<&str> = index.iter().map(|file| file.path.as_str()).collect();
    let gone = |path: &String| path.starts_with(SEARCH_DIR) && !paths.contains(path.as_str());
    files.retain(|path, _| !gone(path));
    hashes.retain(|path, _| !gone(path));
    for file in index {
        let same = files
            .get(&file.path)
            .is_some_and(|kept| **kept == *file.bytes);
        if !same || !hashes.contains_key(&file.path) {
            put(files, hashes, file);
        }
    }
}

/// Add or replace one file and its hash.
fn put(files: &mut Files, hashes: &mut BTreeMap<String, String>, file: OutputFile) {
    let written = sink::written(&file);
    files.insert(file.path, Arc::from(file.bytes));
    hashes.insert(written.path, written.sha256);
}

/// The kept hashes as manifest lines, in path order.
fn listing(hashes: &BTreeMap<String, String>) -> Vec<Written> {
    hashes
        .iter()
        .map(|(path, sha256)| Written {
            path: path.clone(),
            sha256: sha256.clone(),
        })
        .collect()
}
