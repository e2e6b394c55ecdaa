//! 更正记录: what an amendment of an archived year changed, computed from data, never from pages.
//!
//! `disclose snapshot YEAR --amend` compares the open data the archive already holds
//! (`declarations.csv` and `indicators.csv`, exactly as first published) with the same tables
//! written from the corrected model ([`diff::changes`]). Each difference is one [`Change`]: a
//! declaration's field (old → new), an indicator added, removed or changed, or a declaration
//! added or removed. The amendment, with its date, reason and changes, is kept in the year's
//! `snapshot.toml`, so every later render (pages, `corrections.csv`, the feed) reads it from there
//! and never from the clock.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The `field` of a change that adds or removes a whole declaration.
pub const DECLARATION_FIELD: &str = "declaration";
/// The `field` of a change to one 绩效指标.
pub const INDICATOR_FIELD: &str = "indicator";

/// One amendment of an archived year, as recorded in `snapshot.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    /// The version this amendment published (the first snapshot is version 1, so the first
    /// amendment publishes version 2). The version it replaced stays at `versions/N-1/`.
    pub version: u32,
    /// Day of the amendment, `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Time of the amendment, RFC 3339 UTC.
    pub time: String,
    /// Why the year was corrected, as the office wrote it.
    pub reason: String,
    /// Snapshot day of the version it replaced.
    pub replaced_date: String,
    /// The year's 年度资金申请总额 before and after, plain 元 (`249550.00`).
    pub annual_before: String,
    pub annual_after: String,
    #[serde(default)]
    pub changes: Vec<Change>,
}

impl Amendment {
    /// The version this amendment replaced, kept at `versions/N/`.
    pub fn replaced_version(&self) -> u32 {
        self.version.saturating_sub(1)
    }
}

/// One changed value. Amounts are plain 元 text as in the open data (`179550.00`); an empty
/// side means "not there" (a field left blank, an indicator or declaration added or removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The declaration's slug (its page is `YEAR/SLUG/`).
    pub slug: String,
    /// Its 项目名称 (after the amendment; before it, for a removed declaration).
    pub name: String,
    /// The open-data column (`annual`, `annual_goal`, …), or [`INDICATOR_FIELD`] or
    /// [`DECLARATION_FIELD`].
    pub field: String,
    /// The form's label of the field (年度资金申请总额, 绩效指标, …).
    pub title: String,
    #[serde(default)]
    pub old: String,
    #[serde(default)]
    pub new: String,
}

impl Change {
    pub fn is_declaration_added(&self) -> bool {
        self.field == DECLARATION_FIELD && self.old.is_empty()
    }

    pub fn is_declaration_removed(&self) -> bool {
        self.field == DECLARATION_FIELD && self.new.is_empty()
    }
}

/// A year's amendments, with each declaration's changes indexed once, so rendering every page of
/// a year amended in bulk stays linear.
#[derive(Debug, Clone, Default, Serialize)]
pub struct YearCorrections {
    /// Oldest first.
    pub amendments: Vec<Amendment>,
    /// Slug → (index of the amendment, indexes of its changes to that declaration), oldest first.
    #[serde(skip)]
    by_slug: HashMap<String, Vec<(usize, Vec<usize>)>>,
}

impl YearCorrections {
    pub fn new(amendments: Vec<Amendment>) -> YearCorrections {
        let mut by_slug: HashMap<String, Vec<(usize, Vec<usize>)>> = HashMap::new();
        for (index, amendment) in amendments.iter().enumerate() {
            for (position, change) in amendment.changes.iter().enumerate() {
                let entries = by_slug.entry(change.slug.clone()).or_default();
                match entries.last_mut() {
                    Some((last, changes)) if *last == index => changes.push(position),
                    _ => entries.push((index, vec![position])),
                }
            }
        }
        YearCorrections {
            amendments,
            by_slug,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.amendments.is_empty()
    }

    /// The amendments that changed `slug`, oldest first, each with those changes.
    pub fn of_declaration(&self, slug: &str) -> Vec<(&Amendment, Vec<&Change>)> {
        let Some(entries) = self.by_slug.get(slug) else {
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|(index, positions)| {
                let amendment = self.amendments.get(*index)?;
                let changes = positions
                    .iter()
                    .filter_map(|position| amendment.changes.get(*position))
                    .collect();
                Some((amendment, changes))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(slug: &str, field: &str) -> Change {
        Change {
            slug: slug.into(),
            name: slug.into(),
            field: field.into(),
            title: field.into(),
            old: "1".into(),
            new: "2".into(),
        }
    }

    fn amendment(version: u32, changes: Vec<Change>) -> Amendment {
        Amendment {
            version,
            date: format!("2024-0{version}-01"),
            time: format!("2024-0{version}-01T00:00:00Z"),
            reason: "r".into(),
            replaced_date: "2024-01-01".into(),
            annual_before: "0.00".into(),
            annual_after: "0.00".into(),
            changes,
        }
    }

    #[test]
    fn a_declarations_changes_are_found_by_slug_in_amendment_order() {
        let corrections = YearCorrections::new(vec![
            amendment(
                2,
                vec![
                    change("a", "annual"),
                    change("b", "name"),
                    change("a", "end"),
                ],
            ),
            amendment(3, vec![change("a", "indicator")]),
        ]);
        let found: Vec<(u32, Vec<&str>)> = corrections
            .of_declaration("a")
            .into_iter()
            .map(|(a, changes)| {
                (
                    a.version,
                    changes.iter().map(|c| c.field.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![(2, vec!["annual", "end"]), (3, vec!["indicator"])]
        );
        assert!(corrections.of_declaration("c").is_empty());
    }
}
