//! `feed.xml` (Atom 1.0) and `sitemap.xml` (sitemaps.org 0.9), written with `quick-xml` so every
//! text and attribute is escaped by the writer, never by hand.
//!
//! Determinism: nothing here reads a clock. An entry's `updated` time is taken from the content:
//! the declaration's 计划开始日期 (`start`), or 1 January of its year when the form leaves it
//! blank, at 00:00 China Standard Time (+08:00). The feed's own `updated` is the latest entry's
//! (1970-01-01T00:00:00Z for a site with nothing published). Ids are `urn:uuid:` names derived
//! from the publisher, year and slug, so they survive a move of the site to another URL.
//!
//! Links are `base_url` + path. With an absolute `base_url` (`https://host/sub/`) they are
//! absolute as the sitemap protocol asks; with the default `/` they are root-relative.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use sha2::{Digest, Sha256};

use crate::corrections::Amendment;
use crate::files::OutputFile;
use crate::markdown::to_plain_text;
use crate::model::{Date, Declaration, SiteConfig};
use crate::money::format_yuan;
use crate::site::Site;

pub const FEED: &str = "feed.xml";
pub const SITEMAP: &str = "sitemap.xml";
pub const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
pub const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

type XmlResult = std::io::Result<()>;

/// The feed carries at most this many entries: a reader's feed client wants what is new, and the
/// year pages, sitemap and open data list everything.
pub const FEED_ENTRIES: usize = 500;

/// The sitemaps protocol allows at most this many URLs in one file.
pub const SITEMAP_URLS: usize = 50_000;

/// The Atom feed: one entry per published declaration, latest year first, then by slug, at most
/// [`FEED_ENTRIES`].
pub fn feed(site: &Site) -> std::io::Result<OutputFile> {
    feed_with_amendments(site, &[])
}

/// The feed with one entry per amendment of an archived year (`YEAR`, amendment), latest first,
/// before the declarations: a correction is news to anyone who read the year before.
pub fn feed_with_amendments(
    site: &Site,
    amendments: &[(u16, &Amendment)],
) -> std::io::Result<OutputFile> {
    let config = &site.config;
    let mut entries: Vec<&Declaration> = site
        .years
        .iter()
        .rev()
        .flat_map(|year| year.declarations.iter().map(|declaration| &**declaration))
        .take(FEED_ENTRIES)
        .collect();
    entries.sort_by(|a, b| b.year.cmp(&a.year).then_with(|| a.slug.cmp(&b.slug)));
    let mut amendments = amendments.to_vec();
    amendments.sort_by(|a, b| (&b.1.time, b.0).cmp(&(&a.1.time, a.0)));
    let updated = entries
        .iter()
        .map(|declaration| updated(declaration))
        .chain(
            amendments
                .iter()
                .map(|(_, amendment)| amendment.time.clone()),
        )
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let mut writer = start_document();
    writer
        .create_element("feed")
        .with_attributes([("xmlns", ATOM_NS), ("xml:lang", config.language.as_str())])
        .write_inner_content(|w| {
            text_element(w, "title", &config.title)?;
            text_element(
                w,
                "subtitle",
                &format!("{}公开的财政项目支出绩效目标申报表", config.publisher),
            )?;
            text_element(w, "id", &uuid_urn(&[&config.publisher, "feed"]))?;
            text_element(w, "updated", &updated)?;
            link(
                w,
                "self",
                &format!("{}{FEED}", config.base_url),
                Some("application/atom+xml"),
            )?;
            link(w, "alternate", &config.base_url, Some("text/html"))?;
            w.create_element("author")
                .write_inner_content(|w| text_element(w, "name", &config.publisher))?;
            text_element(w, "generator", "disclose")?;
            amendments
                .iter()
                .try_for_each(|(year, amendment)| amendment_entry(w, config, *year, amendment))?;
            entries
                .iter()
                .try_for_each(|declaration| entry(w, config, declaration))
        })?;
    Ok(OutputFile {
        path: FEED.to_string(),
        bytes: writer.into_inner(),
    })
}

fn entry(w: &mut Writer<Vec<u8>>, config: &SiteConfig, declaration: &Declaration) -> XmlResult {
    let year = declaration.year.to_string();
    let page = format!("{}{year}/{}/", config.base_url, declaration.slug);
    let when = updated(declaration);
    w.create_element("entry").write_inner_content(|w| {
        text_element(w, "title", &declaration.name)?;
        text_element(
            w,
            "id",
            &uuid_urn(&[&config.publisher, &year, &declaration.slug]),
        )?;
        text_element(w, "updated", &when)?;
        text_element(w, "published", &when)?;
        link(w, "alternate", &page, Some("text/html"))?;
        link(
            w,
            "related",
            &format!("{}{year}/declarations.csv", config.base_url),
            Some("text/csv"),
        )?;
        w.create_element("author")
            .write_inner_content(|w| text_element(w, "name", &declaration.department))?;
        if let Some(category) = &declaration.category {
            w.create_element("category")
                .with_attribute(("term", clean(category).as_str()))
                .write_empty()?;
        }
        w.create_element("summary")
            .with_attribute(("type", "text"))
            .write_text_content(BytesText::new(&clean(&summary(declaration))))?;
        Ok(())
    })?;
    Ok(())
}

/// An amendment: its date, reason and how many values changed, linking the year's 更正记录.
fn amendment_entry(
    w: &mut Writer<Vec<u8>>,
    config: &SiteConfig,
    year: u16,
    amendment: &Amendment,
) -> XmlResult {
    let year_text = year.to_string();
    let version = amendment.version.to_string();
    let page = format!("{}{year}/corrections/#v{version}", config.base_url);
    let names: std::collections::BTreeSet<&str> = amendment
        .changes
        .iter()
        .map(|change| change.name.as_str())
        .collect();
    let mut summary = format!(
        "{year}年度申报表于 {} 更正（第{version}版）。更正原因：{}。共改动 {} 项，涉及：{}。",
        amendment.date,
        amendment.reason,
        amendment.changes.len(),
        names.into_iter().collect::<Vec<_>>().join("、")
    );
    if amendment.annual_before != amendment.annual_after {
        let yuan = |text: &str| {
            text.parse::<rust_decimal::Decimal>()
                .map_or_else(|_| text.to_string(), format_yuan)
        };
        summary.push_str(&format!(
            "年度资金申请总额合计由 {} 元更正为 {} 元。",
            yuan(&amendment.annual_before),
            yuan(&amendment.annual_after)
        ));
    }
    w.create_element("entry").write_inner_content(|w| {
        text_element(
            w,
            "title",
            &format!("{year}年度更正记录：{}", amendment.date),
        )?;
        text_element(
            w,
            "id",
            &uuid_urn(&[&config.publisher, &year_text, "amendment", &version]),
        )?;
        text_element(w, "updated", &amendment.time)?;
        text_element(w, "published", &amendment.time)?;
        link(w, "alternate", &page, Some("text/html"))?;
        link(
            w,
            "related",
            &format!("{}{year}/corrections.csv", config.base_url),
            Some("text/csv"),
        )?;
        w.create_element("author")
            .write_inner_content(|w| text_element(w, "name", &config.publisher))?;
        w.create_element("summary")
            .with_attribute(("type", "text"))
            .write_text_content(BytesText::new(&clean(&summary)))?;
        Ok(())
    })?;
    Ok(())
}

/// What a reader of the feed sees: who asks for how much, and the year's goal in plain text.
fn summary(declaration: &Declaration) -> String {
    let mut text = format!(
        "{}年度 · 主管部门：{} · 年度资金申请总额：{} 元",
        declaration.year,
        declaration.department,
        format_yuan(declaration.funding.annual.yuan)
    );
    if let Some(goal) = &declaration.goals.annual {
        text.push_str("\n\n年度总体目标：");
        text.push_str(&to_plain_text(goal));
    }
    text
}

/// The sitemap: every page (`index.html` at any depth) among `paths`, sorted. Up to
/// [`SITEMAP_URLS`] pages it is one `sitemap.xml`; beyond, `sitemap.xml` is a sitemap index of
/// `sitemaps/N.xml` files of at most that many pages each.
pub fn sitemaps<'p>(
    config: &SiteConfig,
    paths: impl Iterator<Item = &'p str>,
) -> std::io::Result<Vec<OutputFile>> {
    let mut pages: Vec<&str> = paths
        .filter_map(|path| path.strip_suffix("index.html"))
        .filter(|folder| folder.is_empty() || folder.ends_with('/'))
        .collect();
    pages.sort_unstable();
    if pages.len() <= SITEMAP_URLS {
        return Ok(vec![urlset(config, SITEMAP.to_string(), &pages)?]);
    }
    let mut files = Vec::new();
    for (index, chunk) in pages.chunks(SITEMAP_URLS).enumerate() {
        files.push(urlset(
            config,
            format!("sitemaps/{}.xml", index + 1),
            chunk,
        )?);
    }
    let mut writer = start_document();
    writer
        .create_element("sitemapindex")
        .with_attribute(("xmlns", SITEMAP_NS))
        .write_inner_content(|w| {
            files.iter().try_for_each(|file| {
                w.create_element("sitemap").write_inner_content(|w| {
                    text_element(w, "loc", &format!("{}{}", config.base_url, file.path))
                })?;
                Ok(())
            })
        })?;
    files.push(OutputFile {
        path: SITEMAP.to_string(),
        bytes: writer.into_inner(),
    });
    Ok(files)
}

fn urlset(config: &SiteConfig, path: String, pages: &[&str]) -> std::io::Result<OutputFile> {
    let mut writer = start_document();
    writer
        .create_element("urlset")
        .with_attribute(("xmlns", SITEMAP_NS))
        .write_inner_content(|w| {
            pages.iter().try_for_each(|page| {
                w.create_element("url").write_inner_content(|w| {
                    text_element(w, "loc", &format!("{}{page}", config.base_url))
                })?;
                Ok(())
            })
        })?;
    Ok(OutputFile {
        path,
        bytes: writer.into_inner(),
    })
}

fn start_document() -> Writer<Vec<u8>> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    writer
}

fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> XmlResult {
    w.create_element(name)
        .write_text_content(BytesText::new(&clean(text)))?;
    Ok(())
}

fn link(w: &mut Writer<Vec<u8>>, rel: &str, href: &str, kind: Option<&str>) -> XmlResult {
    let mut element = w
        .create_element("link")
        .with_attributes([("rel", rel), ("href", href)]);
    if let Some(kind) = kind {
        element = element.with_attribute(("type", kind));
    }
    element.write_empty()?;
    Ok(())
}

/// Drop characters XML 1.0 cannot carry at all (C0 controls other than tab and line ends), which
/// a TOML escape could put into content; everything else is escaped by the writer.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            (c >= ' ' || matches!(c, '\t' | '\n' | '\r')) && !matches!(c, '\u{fffe}' | '\u{ffff}')
        })
        .collect()
}

/// RFC 3339 time of a declaration for the feed: its start date, else 1 January of its year.
fn updated(declaration: &Declaration) -> String {
    let date = declaration.start.unwrap_or(Date {
        year: declaration.year,
        month: 1,
        day: 1,
    });
    format!("{date}T00:00:00+08:00")
}

/// A name-based UUID (RFC 9562 version 8, from SHA-256) as `urn:uuid:…`.
fn uuid_urn(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"disclose");
    for part in parts {
        hasher.update([0u8]);
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_version_8_uuids() {
        let id = uuid_urn(&["测试科协", "2023", "ke-pu"]);
        assert_eq!(id, uuid_urn(&["测试科协", "2023", "ke-pu"]));
        assert_ne!(id, uuid_urn(&["测试科协", "2023", "ke-p"]));
        let hex = id.strip_prefix("urn:uuid:").expect("urn");
        let groups: Vec<usize> = hex.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&hex[14..15], "8", "version 8");
        assert!(matches!(&hex[19..20], "8" | "9" | "a" | "b"), "RFC variant");
    }

    #[test]
    fn characters_xml_cannot_carry_are_dropped() {
        assert_eq!(clean("a\u{1}b\tc\nd\u{fffe}"), "ab\tc\nd");
    }
}
