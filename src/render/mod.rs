//! Rendering: a [`Site`] and a [`Theme`] in, every output file (path and bytes) out.
//!
//! Rendering is pure: no disk access and no clock, so `build`, `serve` and `snapshot` share it and
//! its output depends only on its input. Pages link to each other with relative URLs, so a built
//! site (or an archived year) works under any base URL and from a copied folder.

pub mod chart;
pub mod context;
pub mod markdown;
pub mod templates;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::archive::Mark;
use crate::diagnostics::Diagnostic;
use crate::history::History;
use crate::quality::view::{DeclarationFindingsView, QualityPageView};
use crate::quality::{DeclarationQuality, YearQuality};
use crate::site::{Site, Year};
use context::{DeclarationView, TotalsView, YearView};
pub use templates::{Theme, load_theme};

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Preview (`serve`): mark every page 预览 and show drafts' banner.
    pub preview: bool,
    /// Archived years: their pages come from `archive/YEAR/` (not rendered here); the home page
    /// and navigation mark them 已归档 with the snapshot date and show their archived figures.
    pub archived: BTreeMap<u16, Mark>,
}

/// One file of the output, by its `/`-separated path relative to the output root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A year in the navigation.
#[derive(Debug, Serialize)]
struct YearLink {
    year: u16,
    count: usize,
    totals: TotalsView,
    /// Snapshot date of an archived year.
    archived: Option<String>,
}

/// Every year, from content or only from the archive, oldest first.
fn year_links(site: &Site, archived: &BTreeMap<u16, Mark>) -> Vec<YearLink> {
    let mut links: BTreeMap<u16, YearLink> = site
        .years
        .iter()
        .map(|year| {
            let totals = TotalsView::from(&year.totals);
            let count = year.declarations.len();
            let link = YearLink {
                year: year.year,
                count,
                totals,
                archived: None,
            };
            (year.year, link)
        })
        .collect();
    for (year, mark) in archived {
        let link = YearLink {
            year: *year,
            count: mark.totals.count,
            totals: TotalsView::from(&mark.totals),
            archived: Some(mark.date.clone()),
        };
        links.insert(*year, link);
    }
    links.into_values().collect()
}

/// Render every page and asset of the site, except archived years (`build` copies those from
/// `archive/YEAR/`).
pub fn render_site(
    site: &Site,
    theme: &Theme,
    options: &RenderOptions,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let year_links = year_links(site, &options.archived);
    let history = History::of(site);
    let renderer = Renderer {
        site,
        theme,
        options,
        year_links: &year_links,
        history: &history,
    };
    let mut files = vec![renderer.home()?, renderer.not_found()?];
    let live = site.years.iter();
    for year in live.filter(|year| !options.archived.contains_key(&year.year)) {
        files.push(renderer.year_page(year)?);
        if let Some(quality) = &year.quality {
            files.push(renderer.quality_page(quality)?);
        }
        let pages: Result<Vec<OutputFile>, Diagnostic> = year
            .declarations
            .par_iter()
            .map(|declaration| {
                let quality = year.quality.as_ref();
                let findings = quality.and_then(|report| report.declaration(&declaration.slug));
                renderer.declaration_page(declaration, findings)
            })
            .collect();
        files.extend(pages?);
        files.extend(renderer.assets(&format!("{}/assets/", year.year)));
    }
    files.extend(renderer.assets("assets/"));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    options: &'a RenderOptions,
    year_links: &'a [YearLink],
    history: &'a History<'a>,
}

impl Renderer<'_> {
    /// Context shared by all pages. `root` is the relative path back to the site root.
    fn base_context(&self, root: &str, page_path: &str) -> Context {
        let mut context = Context::new();
        context.insert("site", &self.site.config);
        context.insert("root", root);
        context.insert("page_path", page_path);
        context.insert(
            "canonical",
            &format!("{}{}", self.site.config.base_url, page_path),
        );
        context.insert("years", self.year_links);
        context.insert("preview", &self.options.preview);
        context.insert("current_year", &None::<u16>);
        context
    }

    fn render(
        &self,
        template: &str,
        context: &Context,
        path: String,
    ) -> Result<OutputFile, Diagnostic> {
        let html = self.theme.tera.render(template, context).map_err(|err| {
            Diagnostic::error(
                format!("templates/{template}"),
                "",
                format!("rendering {path} failed: {}", templates::error_chain(&err)),
            )
        })?;
        Ok(OutputFile {
            path,
            bytes: minify(&html),
        })
    }

    fn home(&self) -> Result<OutputFile, Diagnostic> {
        let mut context = self.base_context("", "");
        context.insert("assets", "assets/");
        if let Some(latest) = self.site.latest_year() {
            context.insert("latest", &YearView::from(latest));
        }
        self.render("index.html", &context, "index.html".into())
    }

    /// The 404 page is served at any depth, so it links from the base URL instead of relatively.
    fn not_found(&self) -> Result<OutputFile, Diagnostic> {
        let base = &self.site.config.base_url;
        let mut context = self.base_context(base, "404.html");
        context.insert("assets", &format!("{base}assets/"));
        self.render("404.html", &context, "404.html".into())
    }

    fn year_page(&self, year: &Year) -> Result<OutputFile, Diagnostic> {
        let mut context = self.base_context("../", &format!("{}/", year.year));
        context.insert("assets", "assets/");
        context.insert("year", &YearView::from(year));
        context.insert("current_year", &year.year);
        context.insert("chart_annual_svg", &chart::annual_bars(year));
        context.insert("chart_sources_svg", &chart::category_sources(year));
        let index = self
            .year_links
            .iter()
            .position(|link| link.year == year.year);
        let neighbour = |offset: isize| {
            index
                .and_then(|index| index.checked_add_signed(offset))
                .and_then(|other| self.year_links.get(other))
                .map(|other| other.year)
        };
        context.insert("previous_year", &neighbour(-1));
        context.insert("next_year", &neighbour(1));
        self.render("year.html", &context, format!("{}/index.html", year.year))
    }

    /// `quality` is the declaration's 绩效指标质量 report, when the site publishes one.
    fn declaration_page(
        &self,
        declaration: &crate::model::Declaration,
        quality: Option<&DeclarationQuality>,
    ) -> Result<OutputFile, Diagnostic> {
        let page_path = format!("{}/{}/", declaration.year, declaration.slug);
        let mut context = self.base_context("../../", &page_path);
        context.insert("assets", "../assets/");
        context.insert("declaration", &DeclarationView::from(declaration));
        context.insert("quality", &quality.map(DeclarationFindingsView::from));
        context.insert("current_year", &declaration.year);
        context.insert("history", &self.history.view(declaration));
        self.render(
            "declaration.html",
            &context,
            format!("{page_path}index.html"),
        )
    }

    /// `YEAR/quality/`: the year's 绩效指标质量 report.
    fn quality_page(&self, quality: &YearQuality) -> Result<OutputFile, Diagnostic> {
        let page_path = format!("{}/quality/", quality.year);
        let mut context = self.base_context("../../", &page_path);
        context.insert("assets", "../assets/");
        context.insert("quality", &QualityPageView::from(quality));
        context.insert("current_year", &quality.year);
        self.render("quality.html", &context, format!("{page_path}index.html"))
    }

    fn assets(&self, folder: &str) -> Vec<OutputFile> {
        self.theme
            .assets
            .iter()
            .map(|(name, bytes)| OutputFile {
                path: format!("{folder}{name}"),
                bytes: bytes.clone(),
            })
            .collect()
    }
}

/// Minify a page with settings that keep it valid HTML5 for the Nu checker.
pub fn minify(html: &str) -> Vec<u8> {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.minify_css = true;
    minify_html::minify(html.as_bytes(), &cfg)
}
