//! Which pages a site has and where each one goes.
//!
//! Pages are listed first and rendered later, one by one and in any order, so that the build can
//! render them in parallel and write each as soon as it is made, and `serve` can render only the
//! pages an edit touches.

use std::collections::BTreeMap;

use crate::model::Declaration;
use crate::site::{ArchivedMark, Department, Site, Year};

/// One HTML page of the site.
#[derive(Debug, Clone, Copy)]
pub enum Page<'s> {
    Home,
    NotFound,
    Year(&'s Year),
    /// The year's 绩效指标质量 report (when the site publishes it).
    Quality(&'s Year),
    /// Page `number` (1-based) of a department's rows in the 绩效指标质量 report, where the
    /// year lists departments.
    QualityDepartment {
        year: &'s Year,
        department: &'s Department,
        number: usize,
    },
    /// Page `number` (1-based) of a department's list.
    Department {
        year: &'s Year,
        department: &'s Department,
        number: usize,
    },
    Declaration {
        year: &'s Year,
        declaration: &'s Declaration,
        /// Its department, when the year lists departments.
        department: Option<&'s Department>,
    },
    /// The year's 更正记录 (only a year amended with `snapshot --amend`).
    Corrections(&'s Year),
    /// The list of the year's earlier versions, each marked 已更正 (same condition).
    Versions(&'s Year),
}

impl Page<'_> {
    /// The folder of the page relative to the output root (`""`, `2023/`, `2023/x/`).
    pub fn folder(&self) -> String {
        match self {
            Page::Home | Page::NotFound => String::new(),
            Page::Year(year) => format!("{}/", year.year),
            Page::Quality(year) => format!("{}/quality/", year.year),
            Page::Corrections(year) => format!("{}/corrections/", year.year),
            Page::Versions(year) => format!("{}/versions/", year.year),
            Page::Department {
                year,
                department,
                number,
            } => format!("{}/{}", year.year, department.page_folder(*number)),
            Page::QualityDepartment {
                year,
                department,
                number,
            } => format!(
                "{}/{}",
                year.year,
                department.page_folder_in("quality", *number)
            ),
            Page::Declaration { declaration, .. } => {
                format!("{}/{}/", declaration.year, declaration.slug)
            }
        }
    }

    /// The file the page is written to.
    pub fn path(&self) -> String {
        match self {
            Page::NotFound => "404.html".to_string(),
            _ => format!("{}index.html", self.folder()),
        }
    }

    /// The relative path from the page back to the output root (`../../`).
    pub fn root(&self) -> String {
        "../".repeat(self.folder().matches('/').count())
    }

    /// The year the page belongs to, if any.
    pub fn year(&self) -> Option<u16> {
        match self {
            Page::Home | Page::NotFound => None,
            Page::Year(year)
            | Page::Quality(year)
            | Page::Corrections(year)
            | Page::Versions(year)
            | Page::Department { year, .. }
            | Page::QualityDepartment { year, .. }
            | Page::Declaration { year, .. } => Some(year.year),
        }
    }
}

/// Every page of the site except those of archived years (`build` copies those from
/// `archive/YEAR/`).
pub fn all<'s>(site: &'s Site, archived: &BTreeMap<u16, ArchivedMark>) -> Vec<Page<'s>> {
    let mut pages = vec![Page::Home, Page::NotFound];
    for year in &site.years {
        if !archived.contains_key(&year.year) {
            pages.extend(of_year(year));
        }
    }
    pages
}

/// The year page, its department pages and its declaration pages.
pub fn of_year(year: &Year) -> Vec<Page<'_>> {
    let mut pages = Vec::with_capacity(year.declarations.len() + year.departments.len() + 1);
    pages.push(Page::Year(year));
    if year.quality.is_some() {
        pages.push(Page::Quality(year));
    }
    if !year.corrections.is_empty() {
        pages.push(Page::Corrections(year));
        pages.push(Page::Versions(year));
    }
    if !year.by_departments() {
        pages.extend(
            year.declarations
                .iter()
                .map(|declaration| Page::Declaration {
                    year,
                    declaration,
                    department: None,
                }),
        );
        return pages;
    }
    for department in &year.departments {
        pages.extend(
            (1..=department.page_count()).map(|number| Page::Department {
                year,
                department,
                number,
            }),
        );
        if year.quality.is_some() {
            pages.extend(
                (1..=department.page_count()).map(|number| Page::QualityDepartment {
                    year,
                    department,
                    number,
                }),
            );
        }
        let members = department.members.iter();
        pages.extend(members.filter_map(|&index| {
            let declaration = year.declarations.get(index)?;
            Some(Page::Declaration {
                year,
                declaration,
                department: Some(department),
            })
        }));
    }
    pages
}
