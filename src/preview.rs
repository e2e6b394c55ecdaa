//! The site as `serve` keeps it between edits, and the incremental update that makes an edit
//! cost only what it touches.
//!
//! The first build renders everything through [`build::produce_keeping`], keeping the files in
//! memory, the model they came from, each file's hash and each year's search shard. After an
//! edit:
//! 1. the content is loaded again through a [`LoadCache`], so only changed files are parsed, and
//!    validated and aggregated as in every build;
//! 2. [`touched::between`] compares the new model with the kept one and names the pages and
//!    years that changed; when the change is not local (templates, `site.toml`, `static/`, the
//!    archive, a new department…) everything is rendered, exactly as before;
//! 3. only those pages and years' open data are rendered ([`Scope::Touched`]), the touched
//!    folders are cleared of their old files, the touched years are indexed again and the
//!    index merged, and the feed, sitemap and `SHA256SUMS` are made from the kept hashes.
//!
//! The result is the same set of bytes a full build would give; `tests/preview.rs` checks that
//! after each kind of edit.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use crate::build::{self, BuildError, BuildOptions, Prepared, Produced, Scope, feeds, manifest_of};
use crate::content::LoadCache;
use crate::feeds::{FEED, SITEMAP};
use crate::files::OutputFile;
use crate::layout::MANIFEST;
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
}

/// A rendered state of the site.
pub struct Update {
    pub files: Arc<Files>,
    pub produced: Produced,
    /// How many pages were rendered: all of them, or those the edit touched.
    pub rendered_pages: usize,
    /// Whether everything was rendered.
    pub full: bool,
}

/// The preview's site between builds.
pub struct Preview {
    options: BuildOptions,
    cache: LoadCache,
    kept: Option<Kept>,
}

impl Preview {
    pub fn new(options: BuildOptions) -> Self {
        Preview {
            options,
            cache: LoadCache::default(),
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
        let prepared = build::prepare_cached(&self.options, Some(&mut self.cache))?;
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
        });
        Ok(Update {
            files,
            produced,
            rendered_pages,
            full: true,
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
        let mut files: Files = (*kept.files).clone();
        let started = Instant::now();
        // Remade below from the whole site, so a file they no longer have goes too.
        let remade = |path: &str| {
            path.starts_with(SEARCH_DIR)
                || path.starts_with(SITEMAP_DIR)
                || path == FEED
                || path == SITEMAP
                || path == MANIFEST
        };
        let cleared = |path: &str| {
            remade(path)
                || touched
                    .cleared
                    .iter()
                    .any(|folder| path.starts_with(folder.as_str()))
        };
        files.retain(|path, _| !cleared(path));
        kept.hashes.retain(|path, _| !cleared(path));
        let rendered = memory.into_files();
        let rendered_pages = rendered.len();
        for file in rendered {
            put(&mut files, &mut kept.hashes, file);
        }
        let Prepared {
            root,
            site,
            archives,
            ..
        } = &prepared;
        for file in kept
            .shards
            .index_site(root, site, archives, Some(&touched.years))
        {
            put(&mut files, &mut kept.hashes, file);
        }
        // The sitemap lists what the build lists: everything but `static/`.
        let statics: BTreeSet<&str> = prepared
            .statics
            .iter()
            .map(|(path, _)| path.as_str())
            .collect();
        let mut generated = listing(&kept.hashes);
        generated.retain(|file| !statics.contains(file.path.as_str()));
        for file in feeds(site, archives, &generated)? {
            put(&mut files, &mut kept.hashes, file);
        }
        // The old manifest was cleared above, so it does not list itself.
        let manifest = manifest_of(&listing(&kept.hashes));
        put(&mut files, &mut kept.hashes, manifest);
        produced.written = listing(&kept.hashes);
        produced
            .timings
            .0
            .push(("merge, search, feeds, manifest", started.elapsed()));
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
        })
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
