//! Rendering: a [`Site`] and a [`Theme`] in, pages (path and bytes) out, one at a time.
//!
//! Rendering is pure: no disk access and no clock, so `build`, `serve` and `snapshot` share it and
//! its output depends only on its input. [`pages::all`] lists the pages; [`Renderer::render`]
//! renders any one of them, from any thread, so the build renders in parallel and writes each page
//! as soon as it is made. Pages link to each other with relative URLs, so a built site (or an
//! archived year) works under any base URL and from a copied folder.

pub mod chart;
pub mod context;
pub mod corrections;
pub mod errors;
pub mod pages;
pub mod preminify;
pub mod templates;

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use crate::diagnostics::Diagnostic;
pub use crate::files::OutputFile;
use crate::history::History;
use crate::quality::view::DeclarationFindingsView;
use crate::site::{ArchivedMark, Site, Year};
use context::{DeclarationView, DepartmentView, TotalsView, YearView};
pub use pages::Page;
pub use templates::{Minify, Theme, load_theme, load_theme_with};

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Preview (`serve`): mark every page 预览 and show drafts' banner.
    pub preview: bool,
    /// Archived years: their pages come from `archive/YEAR/` (not rendered here); the home page
    /// and navigation mark them 已归档 with the snapshot date and show their archived figures.
    pub archived: BTreeMap<u16, ArchivedMark>,
}

/// A year in the navigation.
#[derive(Debug, Serialize)]
struct YearLink {
    year: u16,
    count: usize,
    totals: TotalsView,
    /// Snapshot date of an archived year.
    archived: Option<String>,
    /// Date of the latest correction of an archived year.
    corrected: Option<String>,
}

/// Every year, from content or only from the archive, oldest first.
fn year_links(site: &Site, archived: &BTreeMap<u16, ArchivedMark>) -> Vec<YearLink> {
    let mut links: BTreeMap<u16, YearLink> = site
        .years
        .iter()
        .map(|year| {
            let link = YearLink {
                year: year.year,
                count: year.declarations.len(),
                totals: TotalsView::from(&year.totals),
                archived: None,
                corrected: None,
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
            corrected: mark.corrected.clone(),
        };
        links.insert(*year, link);
    }
    links.into_values().collect()
}

/// Renders pages of one site with one theme. Shared by reference between threads.
pub struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    options: &'a RenderOptions,
    /// What every page's context holds, made once and cloned per page.
    shared: Context,
    /// Years in navigation order, to find a year's neighbours.
    years: Vec<u16>,
    history: History<'a>,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme, options: &'a RenderOptions) -> Self {
        let links = year_links(site, &options.archived);
        let mut shared = Context::new();
        shared.insert("site", &site.config);
        shared.insert("years", &links);
        shared.insert("preview", &options.preview);
        shared.insert("current_year", &None::<u16>);
        Renderer {
            site,
            theme,
            options,
            shared,
            years: links.iter().map(|link| link.year).collect(),
            history: History::of(site, &options.archived),
        }
    }

    /// Whether `year` is published from its archive instead of rendered.
    pub fn is_archived(&self, year: u16) -> bool {
        self.options.archived.contains_key(&year)
    }

    /// Every page to render (none of an archived year).
    pub fn pages(&self) -> Vec<Page<'a>> {
        pages::all(self.site, &self.options.archived)
    }

    /// Render one page.
    pub fn render(&self, page: &Page) -> Result<OutputFile, Diagnostic> {
        let folder = page.folder();
        let mut context = self.shared.clone();
        context.insert("page_path", &folder);
        context.insert(
            "canonical",
            &format!("{}{folder}", self.site.config.base_url),
        );
        context.insert("current_year", &page.year());
        let root = page.root();
        let template = match page {
            Page::Home => {
                if let Some(latest) = self.site.latest_year() {
                    context.insert("latest", &YearView::summary(latest));
                }
                "index.html"
            }
            Page::NotFound => {
                // Served at any depth, so it links from the base URL instead of relatively.
                let base = &self.site.config.base_url;
                context.insert("root", base);
                context.insert("assets", &format!("{base}assets/"));
                "404.html"
            }
            Page::Year(year) => {
                self.year_context(&mut context, year);
                context.insert("amendments", &year.corrections.amendments.len());
                "year.html"
            }
            Page::Corrections(year) => {
                context.insert("year", &YearView::summary(year));
                context.insert("amendments", &crate::render::corrections::year_view(year));
                "corrections.html"
            }
            Page::Versions(year) => {
                context.insert("year", &YearView::summary(year));
                context.insert("versions", &crate::render::corrections::versions_view(year));
                "versions.html"
            }
            Page::Quality(year) => {
                context.insert("quality", &context::quality_page(year));
                "quality.html"
            }
            Page::QualityDepartment {
                year,
                department,
                number,
            } => {
                let view = context::QualityDepartmentView::new(year, department, *number);
                context.insert("quality", &view);
                "quality_department.html"
            }
            Page::Department {
                year,
                department,
                number,
            } => {
                // Only the year's number: a department's pages depend on nothing else of the
                // year, so `serve` re-renders them only when the department changes.
                context.insert("year", &YearNumber { year: year.year });
                context.insert(
                    "department",
                    &DepartmentView::new(year, department, *number),
                );
                "department.html"
            }
            Page::Declaration {
                year,
                declaration,
                department,
            } => {
                let findings = year
                    .quality
                    .as_ref()
                    .and_then(|report| report.declaration(&declaration.slug));
                context.insert("quality", &findings.map(DeclarationFindingsView::from));
                context.insert("declaration", &DeclarationView::from(*declaration));
                context.insert("history", &self.history.view(declaration));
                let corrections =
                    crate::render::corrections::declaration_view(year, &declaration.slug);
                context.insert("corrections", &corrections);
                let link =
                    department.map(|department| (&department.name, department.page_folder(1)));
                context.insert("department", &link);
                "declaration.html"
            }
        };
        if !matches!(page, Page::NotFound) {
            // Pages of a year use the year's own copy of the assets, so an archived year keeps
            // its look.
            let depth_in_year = folder.matches('/').count().saturating_sub(1);
            let assets = match page.year() {
                Some(_) => format!("{}assets/", "../".repeat(depth_in_year)),
                None => format!("{root}assets/"),
            };
            context.insert("root", &root);
            context.insert("assets", &assets);
        }
        self.render_template(template, &context, page.path())
    }

    fn year_context(&self, context: &mut Context, year: &Year) {
        context.insert("year", &YearView::full(year));
        if year.by_departments() {
            context.insert("chart_annual_svg", &chart::department_bars(year));
        } else {
            context.insert("chart_annual_svg", &chart::annual_bars(year));
        }
        context.insert("chart_sources_svg", &chart::category_sources(year));
        let index = self.years.iter().position(|other| *other == year.year);
        let neighbour = |offset: isize| {
            index
                .and_then(|index| index.checked_add_signed(offset))
                .and_then(|other| self.years.get(other))
                .copied()
        };
        context.insert("previous_year", &neighbour(-1));
        context.insert("next_year", &neighbour(1));
    }

    fn render_template(
        &self,
        template: &str,
        context: &Context,
        path: String,
    ) -> Result<OutputFile, Diagnostic> {
        let tera = &self.theme.tera;
        let html = tera.render(template, context).map_err(|err| {
            let parents = tera
                .get_template(template)
                .map(|compiled| compiled.parents.clone())
                .unwrap_or_default();
            errors::render_failure(&err, template, &parents, &path, &self.theme.sources)
        })?;
        Ok(OutputFile {
            path,
            bytes: if self.theme.preminified {
                html.into_bytes()
            } else {
                minify(&html)
            },
        })
    }

    /// The theme's assets, for `assets/` and for each live year's `YEAR/assets/` (so that an
    /// archived year carries its own look).
    pub fn assets(&self) -> Vec<OutputFile> {
        let mut folders = vec!["assets/".to_string()];
        let live = self.site.years.iter();
        folders.extend(
            live.filter(|year| !self.options.archived.contains_key(&year.year))
                .map(|year| format!("{}/assets/", year.year)),
        );
        folders
            .iter()
            .flat_map(|folder| {
                self.theme
                    .assets
                    .iter()
                    .map(move |(name, bytes)| OutputFile {
                        path: format!("{folder}{name}"),
                        bytes: bytes.clone(),
                    })
            })
            .collect()
    }
}

/// What a department page knows of its year.
#[derive(serde::Serialize)]
struct YearNumber {
    year: u16,
}

/// Minify a page with settings that keep it valid HTML5 for the Nu checker.
pub fn minify(html: &str) -> Vec<u8> {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.minify_css = true;
    minify_html::minify(html.as_bytes(), &cfg)
}
