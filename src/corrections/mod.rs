//! 更正记录: what an amendment of an archived year changed, computed from data, never from pages.
//!
//! `disclose snapshot YEAR --amend` compares the open data the archive already holds
//! (`declarations.csv` and `indicators.csv`, exactly as first published) with the same tables
//! written from the corrected model ([`diff::changes`]). Each difference is one [`Change`]: a
//! declaration's field (old → new), an indicator added, removed or changed, or a declaration
//! added or removed. The amendment, with its date, reason and changes, is kept in the year's
//! `snapshot.toml`, so every later render (pages, `corrections.csv`, the feed) reads it from there
//! and never from the clock.

pub mod diff;
pub mod view;

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
