//! 主管部门 pages: a year with several departments (or too many declarations for one page) lists
//! its departments with their totals, and each department gets `YEAR/departments/SLUG/` with its
//! own declarations, split into pages of at most [`PAGE_ROWS`] rows.
//!
//! Department slugs are ASCII and stable: the pinyin of the name (as for declarations), so the
//! same department keeps its address from build to build and year to year. Two departments of a
//! year whose names read the same in pinyin both get a short hash of their name appended, which
//! depends only on the name.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{Group, Totals};
use crate::manifest::sha256_hex;
use crate::model::Declaration;
use crate::slug::slugify;

/// At most this many declarations are listed on one page (a year page or a department page), so
/// that no page grows with the size of the site.
pub const PAGE_ROWS: usize = 500;

/// One 主管部门 of a year.
#[derive(Debug, Clone, Serialize)]
pub struct Department {
    pub name: String,
    /// `[a-z0-9-]+`, unique within the year.
    pub slug: String,
    pub totals: Totals,
    /// Indexes into the year's declarations, in slug order.
    pub members: Vec<usize>,
}

impl Department {
    /// How many pages its list takes (at least one).
    pub fn page_count(&self) -> usize {
        self.members.len().div_ceil(PAGE_ROWS).max(1)
    }

    /// The members listed on page `number` (1-based).
    pub fn page(&self, number: usize) -> &[usize] {
        let start = (number.saturating_sub(1) * PAGE_ROWS).min(self.members.len());
        let end = (start + PAGE_ROWS).min(self.members.len());
        &self.members[start..end]
    }

    /// The folder of page `number`, relative to the year: `departments/SLUG/` or
    /// `departments/SLUG/N/`.
    pub fn page_folder(&self, number: usize) -> String {
        self.page_folder_in("departments", number)
    }

    /// The folder of page `number` of the department's list in another section of the year
    /// (`quality/SLUG/`, for the indicator-quality report).
    pub fn page_folder_in(&self, section: &str, number: usize) -> String {
        match number {
            0 | 1 => format!("{section}/{}/", self.slug),
            n => format!("{section}/{}/{n}/", self.slug),
        }
    }
}

/// The departments of a year's `declarations` (in slug order), in the order of `groups` (the
/// year's totals by department, largest first).
pub fn of<D: Borrow<Declaration>>(declarations: &[D], groups: &[Group]) -> Vec<Department> {
    let mut members: HashMap<&str, Vec<usize>> = HashMap::with_capacity(groups.len());
    for (index, declaration) in declarations.iter().map(Borrow::borrow).enumerate() {
        members
            .entry(declaration.department.as_str())
            .or_default()
            .push(index);
    }
    let slugs = unique_slugs(groups.iter().map(|group| group.label.as_str()));
    groups
        .iter()
        .map(|group| Department {
            name: group.label.clone(),
            slug: slugs.get(group.label.as_str()).cloned().unwrap_or_default(),
            totals: group.totals.clone(),
            members: members.remove(group.label.as_str()).unwrap_or_default(),
        })
        .collect()
}

/// Slug per name; names that share a pinyin slug each get `-` and six hex digits of their hash.
fn unique_slugs<'n>(names: impl Iterator<Item = &'n str>) -> HashMap<&'n str, String> {
    let mut by_slug: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in names {
        by_slug.entry(slugify(name)).or_default().push(name);
    }
    let mut slugs = HashMap::new();
    for (slug, names) in by_slug {
        if let [only] = names.as_slice() {
            slugs.insert(*only, slug);
            continue;
        }
        for name in names {
            let hash = sha256_hex(name.as_bytes());
            slugs.insert(name, format!("{slug}-{}", &hash[..6]));
        }
    }
    slugs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_pinyin_and_homophones_are_told_apart() {
        let slugs = unique_slugs(["上海市科学技术协会", "市科委", "市科卫"].into_iter());
        assert_eq!(
            slugs["上海市科学技术协会"],
            "shang-hai-shi-ke-xue-ji-shu-xie-hui"
        );
        let (a, b) = (&slugs["市科委"], &slugs["市科卫"]);
        assert!(
            a.starts_with("shi-ke-wei-") && b.starts_with("shi-ke-wei-"),
            "{a} {b}"
        );
        assert_ne!(a, b);
        // Depends on the name only, not on which other departments exist.
        let again = unique_slugs(["市科委", "市科卫", "另一个"].into_iter());
        assert_eq!(&again["市科委"], a);
    }

    #[test]
    fn long_lists_are_split_into_pages() {
        let department = Department {
            name: "甲".into(),
            slug: "jia".into(),
            totals: Totals::default(),
            members: (0..1001).collect(),
        };
        assert_eq!(department.page_count(), 3);
        assert_eq!(department.page(1).len(), PAGE_ROWS);
        assert_eq!(department.page(3), &[1000]);
        assert_eq!(department.page_folder(1), "departments/jia/");
        assert_eq!(department.page_folder(3), "departments/jia/3/");
    }
}
