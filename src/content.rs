//! Loading a site from disk: `site.toml` and every `content/YEAR/SLUG.toml`.
//!
//! Files are discovered in sorted order and parsed in parallel; the result is in path order, so
//! the same tree always gives the same declarations and diagnostics.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use toml::de::DeTable;
use walkdir::WalkDir;

use crate::declaration::{Location, Parsed, parse_declaration};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fields::{FieldPositions, FieldReader, Scope};
use crate::model::{Declaration, SiteConfig};

/// A declaration together with where its fields are in its file. Both are shared: `serve`
/// keeps them between builds, and a reload of 10,000 declarations copies pointers, not text.
#[derive(Debug, Clone)]
pub struct Entry {
    pub declaration: Arc<Declaration>,
    pub positions: Arc<FieldPositions>,
}

/// Everything read from a site's input.
#[derive(Debug)]
pub struct LoadedSite {
    pub root: PathBuf,
    pub config: Option<SiteConfig>,
    pub entries: Vec<Entry>,
    pub diagnostics: Diagnostics,
}

/// Read `site.toml` and all content. Problems in the input become diagnostics; only a failure to
/// list the content folder itself is an `Err`.
pub fn load_site(root: &Path) -> Result<LoadedSite, std::io::Error> {
    load_site_cached(root, None, &BTreeSet::new())
}

/// [`load_site`] with only `content/YEAR/` read (and `site.toml`): the other year folders are
/// skipped unread (`snapshot`'s record of one year).
pub fn load_year(root: &Path, year: u16) -> Result<LoadedSite, std::io::Error> {
    let mut others = BTreeSet::new();
    if let Ok(entries) = std::fs::read_dir(root.join("content")) {
        for entry in entries.flatten() {
            if let Some(other) = folder_year(&entry.file_name()) {
                others.insert(other);
            }
        }
    }
    others.remove(&year);
    load_site_cached(root, None, &others)
}

/// [`load_site`], reusing the parse of every file `cache` holds unchanged (`serve`). A file is
/// unchanged when its size and modification time are; `serve` also forgets every path the
/// watcher reports, so an edit within one clock tick is not missed either.
///
/// The year folders in `skip` are not read at all: those are archived years whose sources are
/// as snapshotted, which nothing renders from.
pub fn load_site_cached(
    root: &Path,
    cache: Option<&mut LoadCache>,
    skip: &BTreeSet<u16>,
) -> Result<LoadedSite, std::io::Error> {
    let mut diagnostics = Diagnostics::new();
    let config = load_config(root, &mut diagnostics);
    let files = discover(root, skip, &mut diagnostics)?;
    let parsed: Vec<Loaded> = match cache {
        None => files
            .par_iter()
            .map(|file| Loaded::from(load_one(root, file)))
            .collect(),
        Some(cache) => cache.load(root, &files),
    };
    let mut entries = Vec::with_capacity(parsed.len());
    for one in parsed {
        diagnostics.extend(one.diagnostics);
        if let Some(declaration) = one.declaration {
            entries.push(Entry {
                declaration,
                positions: one.positions,
            });
        }
    }
    Ok(LoadedSite {
        root: root.to_path_buf(),
        config,
        entries,
        diagnostics,
    })
}

/// One file's parse, with the declaration and its positions shared.
#[derive(Debug, Clone)]
struct Loaded {
    declaration: Option<Arc<Declaration>>,
    positions: Arc<FieldPositions>,
    diagnostics: Vec<Diagnostic>,
}

impl From<Parsed> for Loaded {
    fn from(parsed: Parsed) -> Loaded {
        Loaded {
            declaration: parsed.declaration.map(Arc::new),
            positions: Arc::new(parsed.positions),
            diagnostics: parsed.diagnostics,
        }
    }
}

/// Parses kept between builds, by content file, with the size and modification time they were
/// read at.
#[derive(Debug, Default)]
pub struct LoadCache {
    files: HashMap<PathBuf, (Stamp, Loaded)>,
}

/// What identifies a version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl LoadCache {
    /// Drop what is kept for `relative` (a path under the root), so it is read again.
    pub fn forget(&mut self, relative: &Path) {
        self.files.remove(relative);
    }

    /// Every file's parse, from the cache when its stamp is unchanged; the cache then holds
    /// exactly `files`. A kept parse is shared with the caller, not copied: at 10,000
    /// declarations each copy cost about 50 ms of a reload.
    fn load(&mut self, root: &Path, files: &[ContentFile]) -> Vec<Loaded> {
        let stamps: Vec<Option<Stamp>> = files
            .par_iter()
            .map(|file| {
                let meta = fs::metadata(root.join(&file.relative)).ok()?;
                Some(Stamp {
                    len: meta.len(),
                    modified: meta.modified().ok(),
                })
            })
            .collect();
        let mut previous = std::mem::take(&mut self.files);
        let mut slots: Vec<Option<Loaded>> = files
            .iter()
            .zip(&stamps)
            .map(|(file, stamp)| match previous.remove(&file.relative) {
                Some((kept, parsed)) if Some(kept) == *stamp => Some(parsed),
                _ => None,
            })
            .collect();
        slots
            .par_iter_mut()
            .zip(files)
            .filter(|(slot, _)| slot.is_none())
            .for_each(|(slot, file)| *slot = Some(Loaded::from(load_one(root, file))));
        let mut parsed = Vec::with_capacity(files.len());
        for ((file, stamp), slot) in files.iter().zip(stamps).zip(slots) {
            let Some(one) = slot else { continue };
            if let Some(stamp) = stamp {
                parsed.push(one.clone());
                self.files.insert(file.relative.clone(), (stamp, one));
            } else {
                parsed.push(one);
            }
        }
        parsed
    }
}

/// A content file that looks like `content/YEAR/SLUG.toml`.
#[derive(Debug, Clone)]
struct ContentFile {
    relative: PathBuf,
    year: u16,
    slug: String,
}

/// Walk `content/` in sorted order. Misplaced or misnamed files are diagnostics.
fn discover(
    root: &Path,
    skip: &BTreeSet<u16>,
    diagnostics: &mut Diagnostics,
) -> Result<Vec<ContentFile>, std::io::Error> {
    let content = root.join("content");
    if !content.is_dir() {
        diagnostics.push(Diagnostic::error(
            "content",
            "",
            "no content/ folder; create content/YEAR/ and put declarations there (or run `disclose init`)",
        ));
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let skipped = |entry: &walkdir::DirEntry| {
        entry.depth() == 1
            && entry.file_type().is_dir()
            && folder_year(entry.file_name()).is_some_and(|year| skip.contains(&year))
    };
    let walk = WalkDir::new(&content).sort_by_file_name().min_depth(1);
    for entry in walk.into_iter().filter_entry(|entry| !skipped(entry)) {
        let entry = entry.map_err(|err| {
            let path = err
                .path()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| content.clone());
            std::io::Error::other(format!("cannot read {}: {err}", path.display()))
        })?;
        let relative = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_path_buf();
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || entry.file_type().is_dir() {
            if entry.depth() == 1 && entry.file_type().is_dir() && !is_year(&name) {
                diagnostics.push(Diagnostic::error(
                    &relative,
                    "",
                    "folders under content/ must be a 4-digit year, e.g. content/2023/",
                ));
            }
            continue;
        }
        match classify(&relative, entry.depth()) {
            Ok(Some(file)) => files.push(file),
            Ok(None) => diagnostics.push(Diagnostic::warning(
                &relative,
                "",
                "ignored: not a .toml declaration",
            )),
            Err(problem) => diagnostics.push(Diagnostic::error(&relative, "", problem)),
        }
    }
    Ok(files)
}

fn classify(relative: &Path, depth: usize) -> Result<Option<ContentFile>, String> {
    if relative.extension().is_none_or(|ext| ext != "toml") {
        return Ok(None);
    }
    let year_text = relative
        .parent()
        .and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    if depth != 2 || !is_year(&year_text) {
        return Err(
            "declarations go in content/YEAR/SLUG.toml; move this file into a year folder".into(),
        );
    }
    let slug = relative
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    if slug.is_empty()
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "file name {slug:?} is not a slug; rename it using only a-z, 0-9 and -, e.g. xue-shu-jiao-liu.toml"
        ));
    }
    if RESERVED_SLUGS.contains(&slug.as_str()) {
        return Err(format!(
            "the file name {slug:?} is reserved (YEAR/{slug}/ holds the year's {}); rename the file, e.g. {slug}-xiang-mu.toml",
            reserved_use(&slug)
        ));
    }
    let year = year_text
        .parse()
        .map_err(|_| "bad year folder".to_string())?;
    Ok(Some(ContentFile {
        relative: relative.to_path_buf(),
        year,
        slug,
    }))
}

/// Names a year's own folders use (SPEC §4): a declaration with one of them as its slug would
/// collide with `YEAR/NAME/`.
pub const RESERVED_SLUGS: &[&str] = &[
    "assets",
    "corrections",
    "departments",
    "quality",
    "search",
    "versions",
];

fn reserved_use(slug: &str) -> &'static str {
    match slug {
        "assets" => "style sheet and icons",
        "departments" => "department pages",
        "quality" => "indicator-quality report",
        "corrections" => "更正记录 (corrections of an amended archive)",
        "versions" => "earlier versions of an amended archive",
        _ => "search index",
    }
}

fn is_year(text: &str) -> bool {
    text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The year a folder under `content/` is named for, if it is named like one.
fn folder_year(name: &std::ffi::OsStr) -> Option<u16> {
    name.to_str()
        .filter(|name| is_year(name))
        .and_then(|name| name.parse().ok())
}

fn load_one(root: &Path, file: &ContentFile) -> Parsed {
    let failed = |message: String| Parsed {
        declaration: None,
        positions: FieldPositions::new(),
        diagnostics: vec![Diagnostic::error(&file.relative, "", message)],
    };
    let bytes = match fs::read(root.join(&file.relative)) {
        Ok(bytes) => bytes,
        Err(err) => return failed(format!("cannot read the file: {err}")),
    };
    let source = match String::from_utf8(bytes) {
        Ok(source) => source,
        Err(err) => {
            return failed(format!(
                "not UTF-8 (invalid byte at offset {}); save the file as UTF-8",
                err.utf8_error().valid_up_to()
            ));
        }
    };
    parse_declaration(
        &source,
        &Location {
            file: &file.relative,
            folder_year: file.year,
            slug: &file.slug,
        },
    )
}

const CONFIG_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "publisher",
    "description",
    "quality",
];

fn load_config(root: &Path, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
    let file = Path::new("site.toml");
    let source = match fs::read_to_string(root.join(file)) {
        Ok(source) => source,
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                file,
                "",
                format!("cannot read site.toml ({err}); run `disclose init` to create one"),
            ));
            return None;
        }
    };
    let (config, found) = parse_config(&source);
    diagnostics.extend(found);
    config
}

/// Reads the text of `site.toml`: the config, or None with the errors that stopped it (warnings
/// come with either). Pure, so it can be fuzzed on its own.
pub fn parse_config(source: &str) -> (Option<SiteConfig>, Vec<Diagnostic>) {
    let file = Path::new("site.toml");
    let document = match DeTable::parse(source) {
        Ok(document) => document,
        Err(syntax) => {
            let mut diagnostic = Diagnostic::error(
                file,
                "",
                format!("TOML syntax: {}", syntax.message().trim()),
            );
            if let Some(span) = syntax.span() {
                diagnostic = diagnostic.at(source, &span);
            }
            return (None, vec![diagnostic]);
        }
    };
    let mut reader = FieldReader::new(source, file);
    let whole = 0..0;
    let scope = Scope {
        table: document.get_ref(),
        prefix: "",
        span: &whole,
    };
    reader.reject_unknown_keys(scope, CONFIG_KEYS);
    let title = reader.string(scope, "title", true);
    let publisher = reader.string(scope, "publisher", true);
    let language = reader
        .string(scope, "language", false)
        .unwrap_or_else(|| "zh-CN".into());
    let description = reader.string(scope, "description", false);
    let base_url = reader
        .string(scope, "base_url", false)
        .unwrap_or_else(|| "/".into());
    let quality = crate::quality::config::read(&mut reader, scope);
    let failed = reader.diagnostics.iter().any(Diagnostic::is_error);
    let config = match (failed, title, publisher) {
        (false, Some(title), Some(publisher)) => Some(SiteConfig {
            title,
            base_url: normalize_base_url(&base_url),
            language,
            publisher,
            description,
            quality,
        }),
        _ => None,
    };
    (config, reader.diagnostics)
}

/// `https://host/sub` → `https://host/sub/`.
pub fn normalize_base_url(base_url: &str) -> String {
    if base_url.ends_with('/') {
        base_url.to_string()
    } else {
        format!("{base_url}/")
    }
}
