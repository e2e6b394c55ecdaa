//! What the templates see: the year's report page (`quality.html`) and the 指标质量 section of a
//! declaration page. Shares arrive formatted (`75.0%`), so every page shows them the same way.

use serde::Serialize;

use super::Check;
use super::checks::Finding;
use super::summary::{CheckCounts, DeclarationQuality, GroupQuality, YearQuality};

/// One check in the page's explanation, with how often it was found this year.
#[derive(Debug, Serialize)]
pub struct CheckView {
    pub code: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
    pub count: usize,
}

/// A row of the department table (or its totals row).
#[derive(Debug, Serialize)]
pub struct GroupRow {
    pub label: String,
    pub declarations: usize,
    pub indicators: usize,
    pub quantitative: usize,
    pub share: String,
    pub findings: usize,
    /// The department's own quality page, relative to the year's report, where the year lists
    /// departments.
    pub href: Option<String>,
}

impl GroupRow {
    pub fn of(label: &str, group: &GroupQuality) -> GroupRow {
        GroupRow {
            label: label.to_string(),
            declarations: group.declarations,
            indicators: group.indicators,
            quantitative: group.share.quantitative,
            share: group.share.percent_text(),
            findings: group.findings,
            href: None,
        }
    }
}

/// A row of the declaration table.
#[derive(Debug, Serialize)]
pub struct DeclarationRow {
    pub slug: String,
    pub name: String,
    pub department: String,
    pub indicators: usize,
    pub quantitative: usize,
    pub share: String,
    pub findings: usize,
    /// `指标值难以衡量 3、未设成本指标 1`: the findings by check, in check order.
    pub summary: String,
}

/// `title count` per check, joined with 、.
fn counts_text(counts: &CheckCounts) -> String {
    counts
        .iter()
        .map(|(check, count)| format!("{} {count}", check.title()))
        .collect::<Vec<_>>()
        .join("、")
}

impl From<&DeclarationQuality> for DeclarationRow {
    fn from(report: &DeclarationQuality) -> Self {
        DeclarationRow {
            slug: report.slug.clone(),
            name: report.name.clone(),
            department: report.department.clone(),
            indicators: report.indicators,
            quantitative: report.share.quantitative,
            share: report.share.percent_text(),
            findings: report.findings.len(),
            summary: counts_text(&report.counts()),
        }
    }
}

/// The year's report page.
#[derive(Debug, Serialize)]
pub struct QualityPageView {
    pub year: u16,
    pub min_quantitative_share: u8,
    pub checks: Vec<CheckView>,
    pub departments: Vec<GroupRow>,
    /// Every declaration's row; empty where the year lists departments, whose own pages
    /// (`YEAR/quality/D/`) hold the rows, so this page does not grow with the year.
    pub declarations: Vec<DeclarationRow>,
    pub totals: GroupRow,
}

impl From<&YearQuality> for QualityPageView {
    fn from(report: &YearQuality) -> Self {
        let count = |check: &Check| report.totals.counts.get(check).copied().unwrap_or(0);
        QualityPageView {
            year: report.year,
            min_quantitative_share: report.min_quantitative_share,
            checks: report
                .checks
                .iter()
                .map(|check| CheckView {
                    code: check.code(),
                    title: check.title(),
                    explanation: check.explanation(),
                    count: count(check),
                })
                .collect(),
            departments: report
                .departments
                .iter()
                .map(|department| GroupRow::of(&department.department, &department.totals))
                .collect(),
            declarations: report
                .declarations
                .iter()
                .map(DeclarationRow::from)
                .collect(),
            totals: GroupRow::of("合计", &report.totals),
        }
    }
}

/// One finding on a declaration page.
#[derive(Debug, Serialize)]
pub struct FindingView {
    pub code: &'static str,
    pub title: &'static str,
    /// 1-based position of the indicator in the form's table, if the finding is about one.
    pub indicator: Option<usize>,
    pub message: String,
}

impl From<&Finding> for FindingView {
    fn from(finding: &Finding) -> Self {
        FindingView {
            code: finding.check.code(),
            title: finding.check.title(),
            indicator: finding.indicator,
            message: finding.message.clone(),
        }
    }
}

/// The 指标质量 section of a declaration page; the template shows it only with findings.
#[derive(Debug, Serialize)]
pub struct DeclarationFindingsView {
    pub indicators: usize,
    pub quantitative: usize,
    pub share: String,
    pub findings: Vec<FindingView>,
}

impl From<&DeclarationQuality> for DeclarationFindingsView {
    fn from(report: &DeclarationQuality) -> Self {
        DeclarationFindingsView {
            indicators: report.indicators,
            quantitative: report.share.quantitative,
            share: report.share.percent_text(),
            findings: report.findings.iter().map(FindingView::from).collect(),
        }
    }
}
