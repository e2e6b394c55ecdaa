//! The pipeline, top to bottom:
//! load → validate → aggregate → render → static files → manifest → publish.
//!
//! `check`, `build` and `serve` all run [`render_to_memory`]; only `build` then publishes to disk.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use walkdir::WalkDir;

use crate::archive;
use crate::content::{self, normalize_base_url};
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::manifest::{MANIFEST, manifest_for};
use crate::output;
use crate::render::{self, OutputFile, RenderOptions};
use crate::site;
use crate::validate;

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
        }
    }
}

/// How long each phase took, for the terminal (never written into the output).
#[derive(Debug, Default, Clone)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    fn time<T>(&mut self, phase: &'static str, work: impl FnOnce() -> T) -> T {
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

/// A rendered site held in memory.
#[derive(Debug)]
pub struct Rendered {
    /// Every output file including `SHA256SUMS`, sorted by path.
    pub files: Vec<OutputFile>,
    /// Warnings (and, with `strict`, nothing: they became errors).
    pub diagnostics: Diagnostics,
    pub timings: Timings,
    pub declarations: usize,
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

/// Load, validate and render the site without touching the output folder.
pub fn render_to_memory(options: &BuildOptions) -> Result<Rendered, BuildError> {
    let mut timings = Timings::default();
    let loaded = timings
        .time("load", || content::load_site(&options.root))
        .map_err(|err| BuildError::Environment(err.to_string()))?;
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(timings.time("validate", || validate::validate(&loaded.entries)));
    let (archives, problems) = timings.time("archive", || {
        archive::load(&options.root, options.unarchived)
    });
    diagnostics.extend(problems);
    let theme = timings.time("templates", || render::load_theme(&options.root));
    let theme = match theme {
        Ok(theme) => Some(theme),
        Err(problem) => {
            diagnostics.push(problem);
            None
        }
    };
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
        .collect();
    let declarations = published.len();
    let site = timings.time("aggregate", || site::aggregate(config, published));
    let render_options = RenderOptions {
        preview: options.preview,
        archived: archives.marks(),
    };
    let mut files = timings
        .time("render", || {
            render::render_site(&site, &theme, &render_options)
        })
        .map_err(|problem| BuildError::Invalid(single(problem)))?;
    let invalid = |problem| BuildError::Invalid(single(problem));
    let year_data = timings.time("open data", || crate::export::export_site(&site));
    files.extend(year_data.map_err(invalid)?);
    // Archived years replace whatever was rendered for them before anything is derived from the
    // page list, so the feed, sitemap and search index cover the archived pages as published.
    archives.substitute(&mut files);
    let feeds = timings.time("feeds", || crate::export::feed_and_sitemap(&site, &files));
    files.extend(feeds.map_err(invalid)?);
    let index = timings.time("search", || {
        crate::search::index_site(&options.root, &site, &archives)
    });
    files.extend(index);
    let statics = timings
        .time("static", || read_static(&options.root))
        .map_err(BuildError::Invalid)?;
    merge_static(&mut files, statics).map_err(BuildError::Invalid)?;
    files.push(timings.time("manifest", || manifest_for(&files)));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendered {
        files,
        diagnostics,
        timings,
        declarations,
    })
}

/// Render, then publish into `out` (staged; the old output survives any failure).
pub fn build(options: &BuildOptions, out: &Path) -> Result<Rendered, BuildError> {
    let mut rendered = render_to_memory(options)?;
    let started = Instant::now();
    output::publish(out, &rendered.files)?;
    rendered.timings.0.push(("write", started.elapsed()));
    Ok(rendered)
}

fn single(problem: Diagnostic) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    diagnostics.push(problem);
    diagnostics
}

/// Every file under `static/`, verbatim, in path order.
fn read_static(root: &Path) -> Result<Vec<OutputFile>, Diagnostics> {
    let folder = root.join("static");
    let mut files = Vec::new();
    if !folder.is_dir() {
        return Ok(files);
    }
    for entry in WalkDir::new(&folder).sort_by_file_name() {
        let entry = entry.map_err(|err| {
            single(Diagnostic::error(
                "static",
                "",
                format!("cannot read: {err}"),
            ))
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(&folder).unwrap_or(entry.path());
        let bytes = fs::read(entry.path()).map_err(|err| {
            single(Diagnostic::error(
                Path::new("static").join(relative),
                "",
                format!("cannot read: {err}"),
            ))
        })?;
        files.push(OutputFile {
            path: display_path(relative),
            bytes,
        });
    }
    Ok(files)
}

/// Add static files; one that would replace a generated page (or the manifest) is an error.
fn merge_static(files: &mut Vec<OutputFile>, statics: Vec<OutputFile>) -> Result<(), Diagnostics> {
    let generated: BTreeSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let mut clashes = Diagnostics::new();
    for file in &statics {
        if generated.contains(file.path.as_str()) || file.path == MANIFEST {
            clashes.push(Diagnostic::error(
                Path::new("static").join(&file.path),
                "",
                format!(
                    "would replace the generated {}; rename or remove it",
                    file.path
                ),
            ));
        }
    }
    if !clashes.is_empty() {
        return Err(clashes);
    }
    files.extend(statics);
    Ok(())
}
