//! What an edit to the content touches: given the site before and after, the pages and year
//! files that must be made again, and the folders whose old files must go.
//!
//! The rules follow what each page's context holds (see `crate::render`):
//! - a declaration's page shows the declaration, its quality findings, a link to its department
//!   and its other years ([`crate::history`], keyed by 项目名称 and 主管部门), so it changes
//!   with the declaration and with any declaration of the same project in another year;
//! - a department's pages (and its pages in the quality report) show only its own
//!   declarations and totals;
//! - the year page, the quality report's first page and the year's open data show the whole
//!   year; the home page shows every year's totals.
//!
//! Anything else (another set of years, departments that appear, vanish or are renamed, a
//! year that switches between one list and department pages, a changed `site.toml`) is
//! [`Touched::Everything`]: `serve` then renders the whole site, as `build` would.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use crate::model::Declaration;
use crate::render::Page;
use crate::site::{Site, Year};

/// The pages and year files an edit touched.
#[derive(Debug, Default)]
pub struct Touched {
    /// Years whose open data (and search shard) is made again.
    pub years: BTreeSet<u16>,
    /// Output paths of the pages to render again.
    pub pages: HashSet<String>,
    /// Folders (`2023/x/`, `2023/departments/d/`) whose files are all replaced: what the new
    /// render does not write again there is gone.
    pub cleared: BTreeSet<String>,
}

impl Touched {
    /// Whether `page` is rendered again.
    pub fn covers(&self, page: &Page) -> bool {
        self.pages.contains(&page.path())
    }

    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.years.is_empty() && self.pages.is_empty()
    }
}

/// What changed between `before` and `after`: `None` when the change is not local and the whole
/// site must be rendered. Years in `archived` are published from their archive whatever their
/// content says, so their changes touch nothing.
pub fn between(before: &Site, after: &Site, archived: &BTreeSet<u16>) -> Option<Touched> {
    if before.config != after.config || year_numbers(before) != year_numbers(after) {
        return None;
    }
    let mut touched = Touched::default();
    let mut projects: BTreeSet<(&str, &str)> = BTreeSet::new();
    let live = before.years.iter().zip(&after.years);
    for (old, new) in live.filter(|(_, new)| !archived.contains(&new.year)) {
        let changed = changed_slugs(old, new);
        if changed.is_empty() {
            continue;
        }
        if department_names(old) != department_names(new)
            || old.by_departments() != new.by_departments()
        {
            return None;
        }
        touched.years.insert(new.year);
        for slug in &changed {
            touched.cleared.insert(format!("{}/{slug}/", new.year));
            for year in [old, new] {
                if let Some(declaration) = find(year, slug) {
                    projects.insert((&declaration.name, &declaration.department));
                }
            }
        }
        touch_year(&mut touched, old, new, &changed);
    }
    if touched.is_empty() {
        return Some(touched);
    }
    touched.pages.insert(Page::Home.path());
    // Every page of the same project in any year shows this declaration in its history.
    for year in &after.years {
        for declaration in &year.declarations {
            if projects.contains(&(&declaration.name, &declaration.department)) {
                touched
                    .pages
                    .insert(format!("{}/{}/index.html", year.year, declaration.slug));
            }
        }
    }
    Some(touched)
}

/// The year's own pages, and the pages of each department holding a changed declaration
/// (before or after the edit).
fn touch_year(touched: &mut Touched, old: &Year, new: &Year, changed: &BTreeSet<&str>) {
    touched.pages.insert(Page::Year(new).path());
    if new.quality.is_some() {
        touched.pages.insert(Page::Quality(new).path());
    }
    let mut departments: BTreeSet<&str> = BTreeSet::new();
    for year in [old, new] {
        for department in &year.departments {
            let holds_change = department.members.iter().any(|&index| {
                let slug = year.declarations.get(index).map(|d| d.slug.as_str());
                slug.is_some_and(|slug| changed.contains(slug))
            });
            if holds_change {
                departments.insert(&department.name);
            }
        }
    }
    for department in &new.departments {
        if !departments.contains(department.name.as_str()) {
            continue;
        }
        for section in ["departments", "quality"] {
            touched.cleared.insert(format!(
                "{}/{}",
                new.year,
                department.page_folder_in(section, 1)
            ));
        }
        for number in 1..=department.page_count() {
            touched.pages.insert(
                Page::Department {
                    year: new,
                    department,
                    number,
                }
                .path(),
            );
            if new.quality.is_some() {
                touched.pages.insert(
                    Page::QualityDepartment {
                        year: new,
                        department,
                        number,
                    }
                    .path(),
                );
            }
        }
    }
}

fn year_numbers(site: &Site) -> Vec<u16> {
    site.years.iter().map(|year| year.year).collect()
}

/// Departments by name with their slugs (which depend on the set of names).
fn department_names(year: &Year) -> BTreeMap<&str, &str> {
    year.departments
        .iter()
        .map(|department| (department.name.as_str(), department.slug.as_str()))
        .collect()
}

/// Slugs of declarations added, removed or changed. A declaration `serve` did not parse again
/// is the same allocation in both models, so most comparisons are of two pointers.
fn changed_slugs<'y>(old: &'y Year, new: &'y Year) -> BTreeSet<&'y str> {
    let by_slug = |year: &'y Year| -> HashMap<&'y str, &'y Arc<Declaration>> {
        year.declarations
            .iter()
            .map(|declaration| (declaration.slug.as_str(), declaration))
            .collect()
    };
    let (before, after) = (by_slug(old), by_slug(new));
    let mut changed: BTreeSet<&str> = BTreeSet::new();
    for (slug, declaration) in &after {
        let same = before
            .get(slug)
            .is_some_and(|old| Arc::ptr_eq(old, declaration) || old == declaration);
        if !same {
            changed.insert(slug);
        }
    }
    changed.extend(before.keys().filter(|slug| !after.contains_key(*slug)));
    changed
}

fn find<'y>(year: &'y Year, slug: &str) -> Option<&'y Declaration> {
    year.declarations
        .binary_search_by(|declaration| declaration.slug.as_str().cmp(slug))
        .ok()
        .and_then(|index| year.declarations.get(index))
        .map(|declaration| &**declaration)
}
