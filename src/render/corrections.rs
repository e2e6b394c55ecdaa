//! What the templates show of the corrections: the year's 更正记录 page, the section on each
//! changed declaration's page, and the list of earlier versions.
//!
//! Amounts are shown as on the forms (`249,550.00`), from `Decimal`; goals, which are long text,
//! get a character diff (Chinese has no spaces to split words at) so a reader sees exactly what
//! was struck and what was added.

use rust_decimal::Decimal;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::corrections::{Amendment, Change, DECLARATION_FIELD, INDICATOR_FIELD};
use crate::export::csv::{DECLARATION_COLUMNS, Kind};
use crate::money::format_yuan;
use crate::site::Year;

/// Open-data columns whose values are long text, shown as a diff.
const TEXT_DIFF_FIELDS: &[&str] = &["overall_goal", "annual_goal"];

/// A run of text in a diff: `equal`, `delete` or `insert`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Segment {
    pub kind: &'static str,
    pub text: String,
}

/// One changed value, ready to show.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub title: String,
    /// `amount`, `text` (with `segments`), `indicator` or `value`.
    pub kind: &'static str,
    /// Shown values; empty when the side is absent (added, removed, left blank).
    pub old: String,
    pub new: String,
    /// For long text: the character diff.
    pub segments: Vec<Segment>,
}

impl ChangeView {
    pub fn of(change: &Change) -> ChangeView {
        let is_amount = DECLARATION_COLUMNS
            .iter()
            .any(|column| column.name == change.field && column.kind == Kind::Yuan);
        let shown = |text: &str| match (is_amount, text.parse::<Decimal>()) {
            (true, Ok(yuan)) => format_yuan(yuan),
            _ => text.to_string(),
        };
        let kind = if is_amount {
            "amount"
        } else if TEXT_DIFF_FIELDS.contains(&change.field.as_str()) {
            "text"
        } else if change.field == INDICATOR_FIELD {
            "indicator"
        } else {
            "value"
        };
        let segments = match kind {
            "text" => segments(&change.old, &change.new),
            _ => Vec::new(),
        };
        ChangeView {
            title: change.title.clone(),
            kind,
            old: shown(&change.old),
            new: shown(&change.new),
            segments,
        }
    }
}

/// The character diff of two texts, consecutive characters of the same kind merged.
pub fn segments(old: &str, new: &str) -> Vec<Segment> {
    let diff = TextDiff::from_chars(old, new);
    let mut runs: Vec<Segment> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Delete => "delete",
            ChangeTag::Insert => "insert",
        };
        match runs.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => runs.push(Segment {
                kind,
                text: change.value().to_string(),
            }),
        }
    }
    runs
}

/// One declaration's changes in one amendment.
#[derive(Debug, Clone, Serialize)]
pub struct DeclarationChanges {
    pub slug: String,
    pub name: String,
    /// The declaration is on the current version (so its page can be linked).
    pub current: bool,
    pub changes: Vec<ChangeView>,
}

/// A declaration added or removed by an amendment.
#[derive(Debug, Clone, Serialize)]
pub struct NamedSlug {
    pub slug: String,
    pub name: String,
}

/// One amendment, for the year's 更正记录 page.
#[derive(Debug, Clone, Serialize)]
pub struct AmendmentView {
    pub version: u32,
    pub replaced_version: u32,
    pub date: String,
    pub reason: String,
    pub replaced_date: String,
    pub annual_before: String,
    pub annual_after: String,
    /// `增加`, `减少` or `持平`, and the absolute difference, formatted.
    pub annual_direction: &'static str,
    pub annual_difference: String,
    pub declarations: Vec<DeclarationChanges>,
    pub added: Vec<NamedSlug>,
    pub removed: Vec<NamedSlug>,
}

impl AmendmentView {
    fn of(amendment: &Amendment, year: &Year) -> AmendmentView {
        let parse = |text: &str| text.parse::<Decimal>().unwrap_or_default();
        let before = parse(&amendment.annual_before);
        let after = parse(&amendment.annual_after);
        let difference = after - before;
        let mut declarations: Vec<DeclarationChanges> = Vec::new();
        let (mut added, mut removed) = (Vec::new(), Vec::new());
        for change in &amendment.changes {
            let named = || NamedSlug {
                slug: change.slug.clone(),
                name: change.name.clone(),
            };
            if change.field == DECLARATION_FIELD {
                match change.is_declaration_added() {
                    true => added.push(named()),
                    false => removed.push(named()),
                }
                continue;
            }
            match declarations.last_mut() {
                Some(last) if last.slug == change.slug => last.changes.push(ChangeView::of(change)),
                _ => declarations.push(DeclarationChanges {
                    slug: change.slug.clone(),
                    name: change.name.clone(),
                    // Declarations are in slug order.
                    current: year
                        .declarations
                        .binary_search_by(|d| d.slug.as_str().cmp(&change.slug))
                        .is_ok(),
                    changes: vec![ChangeView::of(change)],
                }),
            }
        }
        AmendmentView {
            version: amendment.version,
            replaced_version: amendment.replaced_version(),
            date: amendment.date.clone(),
            reason: amendment.reason.clone(),
            replaced_date: amendment.replaced_date.clone(),
            annual_before: format_yuan(before),
            annual_after: format_yuan(after),
            annual_direction: match difference.cmp(&Decimal::ZERO) {
                std::cmp::Ordering::Greater => "增加",
                std::cmp::Ordering::Less => "减少",
                std::cmp::Ordering::Equal => "持平",
            },
            annual_difference: format_yuan(difference.abs()),
            declarations,
            added,
            removed,
        }
    }
}

/// Every amendment of the year, latest first.
pub fn year_view(year: &Year) -> Vec<AmendmentView> {
    year.corrections
        .amendments
        .iter()
        .rev()
        .map(|amendment| AmendmentView::of(amendment, year))
        .collect()
}

/// One amendment as it touched one declaration, for the declaration's page.
#[derive(Debug, Clone, Serialize)]
pub struct DeclarationAmendment {
    pub version: u32,
    pub replaced_version: u32,
    pub date: String,
    pub reason: String,
    /// The declaration was on the replaced version (so its earlier page can be linked).
    pub earlier: bool,
    pub changes: Vec<ChangeView>,
}

/// The amendments that changed the declaration `slug`, latest first; empty when none did.
pub fn declaration_view(year: &Year, slug: &str) -> Vec<DeclarationAmendment> {
    let mut found = year.corrections.of_declaration(slug);
    found.reverse();
    found
        .into_iter()
        .map(|(amendment, own)| {
            let added = own.iter().any(|change| change.is_declaration_added());
            DeclarationAmendment {
                version: amendment.version,
                replaced_version: amendment.replaced_version(),
                date: amendment.date.clone(),
                reason: amendment.reason.clone(),
                earlier: !added,
                changes: own
                    .into_iter()
                    .filter(|change| change.field != DECLARATION_FIELD)
                    .map(ChangeView::of)
                    .collect(),
            }
        })
        .collect()
}

/// An earlier version of the year, for the versions page.
#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub version: u32,
    /// The day it was frozen.
    pub date: String,
    /// The amendment that replaced it.
    pub replaced_on: String,
    pub reason: String,
}

/// Every earlier version, latest first.
pub fn versions_view(year: &Year) -> Vec<VersionView> {
    year.corrections
        .amendments
        .iter()
        .rev()
        .map(|amendment| VersionView {
            version: amendment.replaced_version(),
            date: amendment.replaced_date.clone(),
            replaced_on: amendment.date.clone(),
            reason: amendment.reason.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_get_a_character_diff_and_amounts_the_forms_format() {
        let runs = segments("组织会议3次", "组织会议4次");
        let kinds: Vec<_> = runs.iter().map(|s| (s.kind, s.text.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                ("equal", "组织会议"),
                ("delete", "3"),
                ("insert", "4"),
                ("equal", "次")
            ]
        );
        let change = Change {
            slug: "x".into(),
            name: "甲".into(),
            field: "annual".into(),
            title: "年度资金申请总额".into(),
            old: "249550.00".into(),
            new: "179550.00".into(),
        };
        let view = ChangeView::of(&change);
        assert_eq!(
            (view.kind, view.old.as_str(), view.new.as_str()),
            ("amount", "249,550.00", "179,550.00")
        );
    }
}
