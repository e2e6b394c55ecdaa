//! The pipeline, top to bottom:
//!
//! 1. [`prepare`]: read the archived years' manifests and published tables → load the content
//!    of the live years (parsed in parallel, with spans) → validate → compile the templates →
//!    aggregate the live years into a [`Site`]. Nothing is written; every problem in the input
//!    is found here.
//! 2. [`produce`]: every page, each year's open data, each archived year and the assets, in
//!    parallel; each file is handed to a [`Sink`] as soon as it is made and only its path and
//!    hash are kept, so memory is bounded by the model, not by the output. Then the search index,
//!    the feed and sitemap (from the list of written paths), `static/`, and the `SHA256SUMS`
//!    manifest (from the list of hashes).
//! 3. [`build`] writes through the output's staging folder and swaps it in only at the end;
//!    `check` discards the files, `serve` and `snapshot` keep them in memory
//!    ([`render_to_memory`]). All four share the same two steps.
//!
//! The parallel jobs of step 2 are in `build/jobs.rs`; the files made from the list of written
//! ones (feeds, `static/`, manifest) in `build/site_files.rs`.

mod jobs;
mod site_files;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::archive::{self, Archives};
use crate::content::{self, normalize_base_url};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::files::OutputFile;
use crate::output::{self, Staging};
use crate::render::{self, RenderOptions, Renderer, Theme};
use crate::search::ShardStore;
use crate::sink::{self, Discard, Memory, Sink, Written};
use crate::site::{self, Site};
use crate::touched::Touched;
use crate::validate;
use site_files::{copy_static, list_static};
pub(crate) use site_files::{feeds, manifest_of};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
    /// Publish drafts too.
    pub drafts: bool,
    /// Treat warnings as errors.
    pub strict: bool,
    /// Preview mode for `serve` (预览 marker).
    pub preview: bool,
    /// Render this year from `content/` even if `archive/YEAR/` exists (for `snapshot --force`).
    pub unarchived: Option<u16>,
    /// How long `build` waits for another build into the same output folder.
    pub wait: Duration,
    /// What `build` does with the output it replaces (the command line removes a large one in
    /// the background).
    pub removal: output::Removal,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            base_url: None,
            drafts: false,
            strict: false,
            preview: false,
            unarchived: None,
            wait: output::DEFAULT_WAIT,
            removal: output::Removal::Wait,
        }
    }
}

/// How long each phase took, for the terminal (never written into the output).
#[derive(Debug, Default, Clone)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    pub fn time<T>(&mut self, phase: &'static str, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = work();
        self.0.push((phase, started.elapsed()));
        result
    }

    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|(phase, took)| format!("{phase} {:.1} ms", took.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Why a build produced nothing.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{} in the input; nothing was published", .0.summary())]
    Invalid(Diagnostics),
    #[error(transparent)]
    Output(#[from] output::OutputError),
    #[error("{0}")]
    Environment(String),
}

impl From<Diagnostic> for BuildError {
    fn from(problem: Diagnostic) -> Self {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(problem);
        BuildError::Invalid(diagnostics)
    }
}

/// The checked input, ready to render.
pub struct Prepared {
    /// The site folder (for the search index's cache of archived years).
    pub root: PathBuf,
    pub site: Site,
    /// Shared, so that `serve` keeps it across content-only edits.
    pub theme: Arc<Theme>,
    pub archives: Archives,
    pub render_options: RenderOptions,
    /// Files under `static/`: path in the output, path on disk.
    pub statics: Vec<(String, PathBuf)>,
    /// Warnings (with `strict`, none: they became errors).
    pub diagnostics: Diagnostics,
    pub timings: Timings,
    /// Published declarations.
    pub declarations: usize,
}

/// Load, validate and aggregate the site; read nothing more than the archives' manifests.
pub fn prepare(options: &BuildOptions) -> Result<Prepared, BuildError> {
    prepare_cached(options, None)
}

/// What `serve` keeps between builds for [`prepare_cached`] to reuse.
pub struct Reuse<'a> {
    /// The parses of the content files, kept while a file is unchanged.
    pub cache: &'a mut content::LoadCache,
    /// The last good model: a declaration it holds unchanged keeps its quality report.
    pub previous: Option<&'a Site>,
    /// The templates, when only content changed since they were loaded.
    pub theme: Option<Arc<Theme>>,
}

/// The value, or `None` with its problem added to `diagnostics`.
fn noted<T>(result: Result<T, Diagnostic>, diagnostics: &mut Diagnostics) -> Option<T> {
    result.map_err(|problem| diagnostics.push(problem)).ok()
}

/// The templates `serve` kept (only content changed since), or loaded and compiled afresh.
fn theme_kept_or_loaded(
    root: &Path,
    kept: Option<Arc<Theme>>,
    timings: &mut Timings,
) -> Result<Arc<Theme>, Diagnostic> {
    match kept {
        Some(theme) => Ok(theme),
        None => timings.time("templates", || render::load_theme(root).map(Arc::new)),
    }
}

/// [`prepare`], reading only the content files that changed since the cache was filled, and
/// assessing only the declarations that changed (`serve`).
pub fn prepare_cached(
    options: &BuildOptions,
    reuse: Option<Reuse<'_>>,
) -> Result<Prepared, BuildError> {
    let (cache, previous, kept_theme) = match reuse {
        Some(Reuse {
            cache,
            previous,
            theme,
        }) => (Some(cache), previous, theme),
        None => (None, None, None),
    };
    let mut timings = Timings::default();
    // First the archives: an archived year whose sources are as snapshotted is not loaded at
    // all. Its pages, figures and history come from the archive, and its sources were valid
    // when it was snapshotted. Changed sources are loaded and validated (the office is about to
    // amend the year) but, like every archived year's, not published.
    let (archives, problems) = timings.time("archive", || {
        archive::load(&options.root, options.unarchived)
    });
    let skipped = archives.unchanged_sources();
    let loaded = timings
        .time("load", || {
            content::load_site_cached(&options.root, cache, &skipped)
        })
        .map_err(|err| BuildError::Environment(err.to_string()))?;
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(timings.time("validate", || validate::validate(&loaded.entries)));
    diagnostics.extend(problems);
    let theme = theme_kept_or_loaded(&options.root, kept_theme, &mut timings);
    let theme = noted(theme, &mut diagnostics);
    let statics = noted(list_static(&options.root), &mut diagnostics).unwrap_or_default();
    let diagnostics = if options.strict {
        diagnostics.strict()
    } else {
        diagnostics
    }
    .sorted();
    let (Some(mut config), Some(theme), false) = (loaded.config, theme, diagnostics.has_errors())
    else {
        return Err(BuildError::Invalid(diagnostics));
    };
    if let Some(base_url) = &options.base_url {
        config.base_url = normalize_base_url(base_url);
    }
    let published: Vec<_> = loaded
        .entries
        .into_iter()
        .map(|entry| entry.declaration)
        .filter(|declaration| options.drafts || !declaration.draft)
        .filter(|declaration| !archives.contains(declaration.year))
        .collect();
    let declarations = published.len();
    let site = timings.time("aggregate", || {
        site::aggregate_reusing(config, published, previous)
    });
    let render_options = RenderOptions {
        preview: options.preview,
        archived: archives.marks(),
    };
    Ok(Prepared {
        root: options.root.clone(),
        site,
        theme,
        archives,
        render_options,
        statics,
        diagnostics,
        timings,
        declarations,
    })
}

/// What [`produce`] made.
#[derive(Debug)]
pub struct Produced {
    /// Every file handed to the sink, `SHA256SUMS` included, sorted by path.
    pub written: Vec<Written>,
    pub diagnostics: Diagnostics,
    pub timings: Timings,
    pub declarations: usize,
    /// The replaced output, when a detached process is still removing it (`build` only).
    pub retiring: Option<PathBuf>,
}

/// Which part of the site to produce.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'t> {
    /// Everything, with the site's manifest.
    Site,
    /// Only the files under `YEAR/` (for `snapshot`), without a manifest.
    Year(u16),
    /// Only the pages an edit touched (`serve`), without the year data, search index, feeds,
    /// `static/` or manifest: [`crate::preview`] merges them into the previous site and makes
    /// those itself (the year data after the reload, as it takes longest).
    Touched(&'t Touched),
}

/// Render and hand over every file of `scope`, in parallel, keeping only paths and hashes.
pub fn produce(prepared: &Prepared, scope: Scope, sink: &dyn Sink) -> Result<Produced, BuildError> {
    produce_keeping(prepared, scope, sink, None)
}

/// [`produce`], keeping the live years' search shards in `shards` for the next update
/// (`serve`).
pub fn produce_keeping(
    prepared: &Prepared,
    scope: Scope,
    sink: &dyn Sink,
    shards: Option<&mut ShardStore>,
) -> Result<Produced, BuildError> {
    let Prepared {
        root,
        site,
        theme,
        archives,
        render_options,
        statics,
        diagnostics,
        timings,
        declarations,
    } = prepared;
    let mut timings = timings.clone();
    let renderer = Renderer::new(site, theme, render_options);
    let mut written = jobs::run(site, archives, &renderer, scope, sink, &mut timings)?;
    if matches!(scope, Scope::Site) {
        // After the archived years were copied, and so checked against their manifests.
        let index = timings.time("search", || match shards {
            Some(store) => store.index_site(root, site, archives, None),
            None => crate::search::index_site(root, site, archives),
        });
        written.extend(emit_all(sink, index)?);
        let feed = timings.time("feeds", || feeds(site, archives, &written))?;
        written.extend(emit_all(sink, feed)?);
        let copied = timings.time("static", || copy_static(statics, &written, sink))?;
        written.extend(copied);
        written.sort();
        let manifest = timings.time("manifest", || manifest_of(&written));
        written.push(sink::emit(sink, manifest)?);
    }
    written.sort();
    Ok(Produced {
        written,
        diagnostics: diagnostics.clone(),
        timings,
        declarations: *declarations,
        retiring: None,
    })
}

/// Hand every file to `sink`, keeping their manifest lines.
pub(crate) fn emit_all(
    sink: &dyn Sink,
    files: Vec<OutputFile>,
) -> Result<Vec<Written>, BuildError> {
    files
        .into_iter()
        .map(|file| sink::emit(sink, file).map_err(BuildError::from))
        .collect()
}

/// Load, validate and render everything, keeping the files in memory (`serve`, tests).
pub fn render_to_memory(options: &BuildOptions) -> Result<Rendered, BuildError> {
    let prepared = prepare(options)?;
    let memory = Memory::default();
    let produced = produce(&prepared, Scope::Site, &memory)?;
    Ok(Rendered::from_memory(produced, memory))
}

/// Only the files under `YEAR/`, in memory (`snapshot`).
pub fn render_year(options: &BuildOptions, year: u16) -> Result<Rendered, BuildError> {
    let prepared = prepare(options)?;
    let memory = Memory::default();
    let produced = produce(&prepared, Scope::Year(year), &memory)?;
    Ok(Rendered::from_memory(produced, memory))
}

/// Load, validate and render everything, keeping nothing (`check`).
pub fn check(options: &BuildOptions) -> Result<Produced, BuildError> {
    produce(&prepare(options)?, Scope::Site, &Discard)
}

/// Render into `out` through a staging folder; the old output survives any failure.
pub fn build(options: &BuildOptions, out: &Path) -> Result<Produced, BuildError> {
    let prepared = prepare(options)?;
    let destination = output::Destination {
        wait: options.wait,
        removal: options.removal,
        ..output::Destination::build(out, &options.root)
    };
    let staging = Staging::begin(&destination)?;
    let mut produced = produce(&prepared, Scope::Site, &staging)?;
    let started = Instant::now();
    produced.retiring = staging.commit()?;
    produced.timings.0.push(("publish", started.elapsed()));
    Ok(produced)
}

/// A site rendered into memory.
#[derive(Debug)]
pub struct Rendered {
    /// Every output file including `SHA256SUMS`, sorted by path.
    pub files: Vec<OutputFile>,
    pub diagnostics: Diagnostics,
    pub timings: Timings,
    pub declarations: usize,
}

impl Rendered {
    fn from_memory(produced: Produced, memory: Memory) -> Rendered {
        Rendered {
            files: memory.into_files(),
            diagnostics: produced.diagnostics,
            timings: produced.timings,
            declarations: produced.declarations,
        }
    }
}
