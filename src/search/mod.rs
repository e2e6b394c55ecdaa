//! Site search: an index built for these pages from the data model, and the small script that
//! queries it in the reader's browser (`templates/assets/search.js`). Nothing runs on a server,
//! so search works from any static host.
//!
//! **What is indexed.** For each declaration: 项目名称, 主管部门, 实施单位, the goals as plain text
//! and the indicator names (三级指标) ([`SearchDoc`]). Each field is cut into terms on its own
//! ([`terms`]): every Chinese character and every adjacent pair of them within a run, and every
//! Latin word or number, lowercased. The page's furniture (navigation, download links, table
//! headings) is not indexed.
//!
//! **How a query matches.** Whitespace separates query terms, which must all match (AND). The
//! browser looks up one or a few terms of each query term in the postings (a character for a
//! one-character query, pairs for longer ones, whole words for Latin), intersects the
//! declarations, and then confirms every result against its text, so a query matches exactly
//! the declarations whose fields contain it (words whole): 科普活动 does not match 科普、活动.
//! Matches in 项目名称 rank first, then newer years, then page order.
//!
//! **The files** (see [`mod@publish`]): `search/catalog.json`, postings files merged across years
//! by term hash (`search/postings/`), and result fragments per year
//! (`search/fragments/YEAR/`). A query fetches the catalog once, one postings file per looked-up
//! term (at most three), and the fragment files of the first page of results; six at most.
//!
//! **Shards.** A year is indexed on its own ([`year_shard`]; rayon runs the years in parallel) and
//! the years are merged when publishing, which is a linear pass. An archived year is indexed from
//! its frozen pages ([`archived_shard`]) once, then read from the cache ([`cache`]) as long as
//! its `SHA256SUMS` and [`FORMAT_VERSION`] are unchanged, so a build indexes only live years.
//! Everything is deterministic: the same declarations give byte-identical files.

pub mod archived;
pub mod cache;
pub mod document;
mod encoding;
pub mod live;
mod patch;
pub mod publish;
pub mod shard;
pub mod terms;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use crate::archive::Archives;
use crate::manifest::{MANIFEST, sha256_hex};
use crate::render::OutputFile;
use crate::site::{Site, Year};
pub use document::SearchDoc;
use live::LiveYear;
pub use publish::{publish, publish_owned};
pub use shard::YearShard;

/// The folder of the index in the output.
pub const SEARCH_DIR: &str = "search";

/// The version of the index format (files, shard contents and the archived-page reader). Bump it
/// whenever any of them changes: cached shards of another version are recomputed, and the
/// browser refuses a catalog of another version.
pub const FORMAT_VERSION: u32 = 1;

/// The shard of a live year, from the model.
pub fn year_shard(year: &Year) -> YearShard {
    shard::build(year.year, &year_docs(year))
}

/// The searched text of a live year's declarations, in page order.
fn year_docs(year: &Year) -> Vec<SearchDoc> {
    year.declarations
        .iter()
        .map(|declaration| SearchDoc::from_declaration(declaration))
        .collect()
}

/// The shard of an archived year, from its files: `(path, bytes)` with paths relative to the
/// year folder (`SLUG/index.html`) or the site (`YEAR/SLUG/index.html`). Files other than
/// declaration pages are ignored; pages are read in parallel.
pub fn archived_shard<P, B>(year: u16, files: impl IntoIterator<Item = (P, B)>) -> YearShard
where
    P: AsRef<str>,
    B: AsRef<[u8]> + Send + Sync,
{
    let pages: Vec<(String, B)> = files
        .into_iter()
        .filter_map(|(path, bytes)| {
            archived::declaration_slug(path.as_ref(), year).map(|slug| (slug.to_string(), bytes))
        })
        .collect();
    let mut docs: Vec<SearchDoc> = pages
        .par_iter()
        .map(|(slug, bytes)| archived::extract(slug, &String::from_utf8_lossy(bytes.as_ref())))
        .collect();
    docs.sort_by(|a, b| a.slug.cmp(&b.slug));
    shard::build(year, &docs)
}

/// An archive's identity for the cache: the SHA-256 of its `SHA256SUMS`.
pub fn archive_key(manifest: &[u8]) -> String {
    sha256_hex(manifest)
}

/// The archived year's shard from the cache in `root`, or computed from `load_pages()` (only
/// called on a miss) and cached for the next build.
pub fn cached_archived_shard<I, P, B>(
    root: &Path,
    year: u16,
    archive_key: &str,
    load_pages: impl FnOnce() -> I,
) -> YearShard
where
    I: IntoIterator<Item = (P, B)>,
    P: AsRef<str>,
    B: AsRef<[u8]> + Send + Sync,
{
    if let Some(shard) = cache::load(root, year, archive_key) {
        return shard;
    }
    let shard = archived_shard(year, load_pages());
    // A cache that cannot be written costs the next build time, never this one its result.
    let _ = cache::store(root, archive_key, &shard);
    shard
}

/// Index an archive that was just written, from its files in memory (paths relative to the
/// year folder, `SHA256SUMS` among them), and keep the shard in the cache for the next build
/// (`snapshot`, which has every page in memory anyway). It is the function a build runs on a
/// cache miss, over the very bytes the archive holds, so the published index cannot depend on
/// which of the two made the entry; without this, the first build after a snapshot read and
/// indexed the year's pages from disk (about 3 s per 10,000 declarations).
pub fn cache_new_archive(root: &Path, year: u16, files: &[OutputFile]) -> std::io::Result<()> {
    let Some(manifest) = files.iter().find(|file| file.path == MANIFEST) else {
        return Ok(());
    };
    let pages = files
        .iter()
        .map(|file| (file.path.as_str(), file.bytes.as_slice()));
    let shard = archived_shard(year, pages);
    cache::store(root, &archive_key(&manifest.bytes), &shard)
}

/// The whole `search/` folder of a site: live years from the model, archived years from their
/// pages (through the cache in `root`), all years in parallel.
pub fn index_site(root: &Path, site: &Site, archives: &Archives) -> Vec<OutputFile> {
    publish_owned(shards_of_site(root, site, archives, |_| true))
}

/// The shards of the years of the site for which `wanted(year)` holds, in year order.
fn shards_of_site(
    root: &Path,
    site: &Site,
    archives: &Archives,
    wanted: impl Fn(u16) -> bool + Sync,
) -> Vec<YearShard> {
    enum Source<'a> {
        Live(&'a Year),
        Archived(&'a crate::archive::ArchivedYear),
    }
    let archived_years: Vec<u16> = archives.years.iter().map(|a| a.year).collect();
    let sources: Vec<Source> = site
        .years
        .iter()
        .filter(|year| !archived_years.contains(&year.year))
        .map(Source::Live)
        .chain(archives.years.iter().map(Source::Archived))
        .filter(|source| match source {
            Source::Live(year) => wanted(year.year),
            Source::Archived(archived) => wanted(archived.year),
        })
        .collect();
    let mut shards: Vec<YearShard> = sources
        .par_iter()
        .map(|source| match source {
            Source::Live(year) => year_shard(year),
            Source::Archived(archived) => {
                // Called after the archive's files were checked against its manifest (as they
                // were copied), so the manifest's hash identifies exactly these pages.
                let manifest = std::fs::read(archived.folder.join(MANIFEST)).unwrap_or_default();
                cached_archived_shard(root, archived.year, &archive_key(&manifest), || {
                    archived_pages(archived)
                })
            }
        })
        .collect();
    shards.sort_by_key(|shard| shard.year);
    shards
}

/// Every year's shard, kept between builds by `serve`, so that an edit re-indexes only the
/// years it touched, and in a live year only the declarations it changed ([`live`]); the rest
/// is merged again as it was.
#[derive(Debug, Default)]
pub struct ShardStore {
    shards: BTreeMap<u16, YearShard>,
    live: BTreeMap<u16, LiveYear>,
}

impl ShardStore {
    /// The `search/` folder of `site`, re-indexing the years in `stale` (all years when `None`)
    /// and reusing the kept shard of every other year.
    pub fn index_site(
        &mut self,
        root: &Path,
        site: &Site,
        archives: &Archives,
        stale: Option<&BTreeSet<u16>>,
    ) -> Vec<OutputFile> {
        let stale_year = |year: u16| stale.is_none_or(|stale| stale.contains(&year));
        let archived: BTreeSet<u16> = archives.years.iter().map(|a| a.year).collect();
        let mut kept = std::mem::take(&mut self.shards);
        let mut kept_live = std::mem::take(&mut self.live);
        let mut live_jobs = Vec::new();
        for year in site.years.iter().filter(|y| !archived.contains(&y.year)) {
            match (kept.remove(&year.year), kept_live.remove(&year.year)) {
                (Some(shard), Some(state)) if !stale_year(year.year) => {
                    self.shards.insert(year.year, shard);
                    self.live.insert(year.year, state);
                }
                (Some(shard), Some(state)) => live_jobs.push((year, Some((state, shard)))),
                _ => live_jobs.push((year, None)),
            }
        }
        let indexed: Vec<(LiveYear, YearShard)> = live_jobs
            .into_par_iter()
            .map(|(year, previous)| match previous {
                Some((state, shard)) => state.reindex(shard, year),
                None => LiveYear::index(year),
            })
            .collect();
        for (state, shard) in indexed {
            self.live.insert(shard.year, state);
            self.shards.insert(shard.year, shard);
        }
        let fresh = shards_of_site(root, site, archives, |year| {
            archived.contains(&year) && (stale_year(year) || !kept.contains_key(&year))
        });
        for year in &archived {
            if let Some(shard) = kept.remove(year) {
                self.shards.insert(*year, shard);
            }
        }
        for shard in fresh {
            self.shards.insert(shard.year, shard);
        }
        publish(self.shards.values())
    }
}

/// The declaration pages of an archived year, read from disk. A page that cannot be read is left
/// out (the build has already failed on it while copying the archive).
fn archived_pages(archived: &crate::archive::ArchivedYear) -> Vec<(String, Vec<u8>)> {
    archived
        .files
        .keys()
        .filter(|path| archived::declaration_slug(path, archived.year).is_some())
        .filter_map(|path| {
            let bytes = std::fs::read(archived.folder.join(path)).ok()?;
            Some((path.clone(), bytes))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_script_reads_this_format() {
        let script = include_str!("../../templates/assets/search.js");
        assert!(
            script.contains(&format!("var FORMAT = {FORMAT_VERSION};")),
            "bump FORMAT in templates/assets/search.js together with FORMAT_VERSION"
        );
    }

    #[test]
    fn archived_pages_give_a_shard_of_their_declaration_pages_in_slug_order() {
        let page = |name: &str| {
            format!("<html><body><main><h1>{name}</h1><p>项目说明</p></main></body></html>")
        };
        let files = vec![
            (
                "2019/zz/index.html".to_string(),
                page("后一个").into_bytes(),
            ),
            ("2019/index.html".to_string(), page("年度页").into_bytes()),
            (
                "2019/aa/index.html".to_string(),
                page("前一个").into_bytes(),
            ),
            ("2019/aa/declaration.csv".to_string(), b"x".to_vec()),
        ];
        let shard = archived_shard(2019, files);
        assert_eq!(shard.docs, 2);
        let fragments = String::from_utf8_lossy(&shard.fragments[0]).into_owned();
        let first = fragments.find("前一个").unwrap_or(usize::MAX);
        let second = fragments.find("后一个").unwrap_or(0);
        assert!(first < second, "{fragments}");
        assert!(!fragments.contains("年度页"));
    }
}
