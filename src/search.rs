//! The search index: Pagefind, run as a library over the rendered declaration pages at build
//! time. Its index files and its small search runtime go into the output under `pagefind/`; the
//! search box (`assets/search.js`, wired up in `base.html`) loads them in the reader's browser,
//! so search works on any static host, or offline from a local server, with nothing on a server.
//!
//! Why Pagefind: it segments Chinese with its `extended` feature (so 科普 finds 科普活动), matches
//! Latin words by prefix, and the browser loads only the index chunks a query needs. The whole
//! index is forced to one language (`zh`), so a page with English words lands in the same index
//! (Latin words are therefore not stemmed: `lecture` finds `lectures` by prefix, not the reverse).
//!
//! Only declaration pages (`YEAR/SLUG/index.html`) are indexed, from their `<main>`: a result is
//! always a declaration. Pages are fed in path order, and Pagefind names its files by content
//! hash, so the same pages give the same files (see the determinism test).

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::diagnostics::Diagnostic;
use crate::files::OutputFile;

/// The folder of the index in the output.
pub const BUNDLE_DIR: &str = "pagefind";

/// Parts of a page that are the site's, not the declaration's: a query for 下载 or CSV should not
/// match every page, nor one for 数字 every page with a 指标质量 finding.
const NOT_CONTENT: &[&str] = &[
    ".breadcrumbs",
    ".downloads",
    ".draft-banner",
    ".search",
    ".quality",
];

/// Pagefind's ready-made UI bundles: the site ships its own small search box instead.
const UNUSED_PREFIXES: &[&str] = &[
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.",
];

/// Index the declaration pages among `files`; returns the files of `pagefind/`.
pub fn index(files: &[OutputFile]) -> Result<Vec<OutputFile>, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|err| problem(format!("cannot start the indexer: {err}")))?;
    let pages: Vec<&OutputFile> = files
        .iter()
        .filter(|file| is_declaration_page(&file.path))
        .collect();
    runtime.block_on(index_pages(&pages))
}

async fn index_pages(pages: &[&OutputFile]) -> Result<Vec<OutputFile>, Diagnostic> {
    let options = PagefindServiceConfig::builder()
        .force_language("zh".to_string())
        .root_selector("main".to_string())
        .exclude_selectors(NOT_CONTENT.iter().map(|s| s.to_string()).collect())
        .keep_index_url(false)
        .build();
    let mut index = PagefindIndex::new(Some(options))
        .map_err(|err| problem(format!("cannot configure Pagefind: {err}")))?;
    for page in pages {
        let html = String::from_utf8_lossy(&page.bytes).into_owned();
        index
            .add_html_file(Some(page.path.clone()), None, html)
            .await
            .map_err(|err| {
                Diagnostic::error(&page.path, "", format!("cannot index for search: {err}"))
            })?;
    }
    let produced = index
        .get_files()
        .await
        .map_err(|err| problem(format!("cannot build the index: {err}")))?;
    let mut out: Vec<OutputFile> = produced
        .into_iter()
        .filter_map(|file| {
            let path = bundle_path(&file.filename)?;
            let name = path.rsplit('/').next().unwrap_or(&path);
            let unused = UNUSED_PREFIXES
                .iter()
                .any(|prefix| name.starts_with(prefix));
            (!unused).then_some(OutputFile {
                path,
                bytes: file.contents,
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// `pagefind/…` for a file Pagefind returns relative to its bundle folder; `None` for a path that
/// is not plainly relative (it would escape the folder).
fn bundle_path(filename: &std::path::Path) -> Option<String> {
    let mut parts = vec![BUNDLE_DIR.to_string()];
    for part in filename.components() {
        match part {
            std::path::Component::Normal(name) => parts.push(name.to_str()?.to_string()),
            _ => return None,
        }
    }
    (parts.len() > 1).then(|| parts.join("/"))
}

/// `YEAR/SLUG/index.html`: four digits, a slug, the page.
pub fn is_declaration_page(path: &str) -> bool {
    let mut parts = path.split('/');
    let (Some(year), Some(slug), Some("index.html"), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && !slug.is_empty()
        && !crate::content::RESERVED_SLUGS.contains(&slug)
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn problem(message: String) -> Diagnostic {
    Diagnostic::error(BUNDLE_DIR, "", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_declaration_pages_are_indexed() {
        assert!(is_declaration_page("2023/xue-shu/index.html"));
        for path in [
            "index.html",
            "2023/index.html",
            "2023/x/declaration.csv",
            "2023/x/y/index.html",
            "2023/quality/index.html",
            "abcd/x/index.html",
            "2023/Big/index.html",
        ] {
            assert!(!is_declaration_page(path), "{path}");
        }
    }
}
