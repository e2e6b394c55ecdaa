//! Counts and shares per declaration, per 主管部门 and per year.
//!
//! The share of quantitative targets counts indicators, not declarations: a department's share
//! is its quantitative targets over all its applicable indicators, so a declaration with twenty
//! indicators weighs more than one with five. Rows that say the indicator does not apply (`无`,
//! `本项目不适用此指标`) are left out of the share; they are still counted as indicators.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::Check;
use super::checks::{Finding, findings, is_on};
use super::words::is_not_applicable;
use crate::model::{Declaration, Indicator, QualitySettings};
use crate::target::Target;

/// Quantitative targets out of applicable indicators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    /// Targets that read `SIGN NUMBER [UNIT]` (SPEC §2).
    pub quantitative: usize,
    /// Indicators other than not-applicable rows.
    pub applicable: usize,
}

impl Share {
    pub fn of(indicators: &[Indicator]) -> Share {
        let applicable: Vec<&Indicator> = indicators
            .iter()
            .filter(|indicator| !is_not_applicable(&indicator.target_text))
            .collect();
        Share {
            quantitative: applicable
                .iter()
                .filter(|indicator| matches!(indicator.target, Target::Quantitative { .. }))
                .count(),
            applicable: applicable.len(),
        }
    }

    pub fn add(&mut self, other: Share) {
        self.quantitative += other.quantitative;
        self.applicable += other.applicable;
    }

    /// The share in percent, exactly, rounded half away from zero to one decimal; `None` when
    /// there is nothing to divide by.
    pub fn percent(&self) -> Option<Decimal> {
        if self.applicable == 0 {
            return None;
        }
        let share = Decimal::from(self.quantitative) * Decimal::ONE_HUNDRED
            / Decimal::from(self.applicable);
        Some(share.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
    }

    /// `75.0%`, or `—` when there are no applicable indicators.
    pub fn percent_text(&self) -> String {
        self.percent()
            .map_or_else(|| "—".to_string(), |percent| format!("{percent:.1}%"))
    }

    /// Below `min_percent`, compared exactly in integers (no rounding at the edge).
    pub fn is_below(&self, min_percent: u8) -> bool {
        self.applicable > 0 && self.quantitative * 100 < usize::from(min_percent) * self.applicable
    }
}

/// Counts of findings per check, in [`Check::ALL`] order.
pub type CheckCounts = BTreeMap<Check, usize>;

fn count_checks(findings: &[Finding]) -> CheckCounts {
    let mut counts = CheckCounts::new();
    for finding in findings {
        *counts.entry(finding.check).or_default() += 1;
    }
    counts
}

/// One declaration's report.
#[derive(Debug, Clone, Serialize)]
pub struct DeclarationQuality {
    pub slug: String,
    pub name: String,
    pub department: String,
    pub indicators: usize,
    pub share: Share,
    pub findings: Vec<Finding>,
}

impl DeclarationQuality {
    pub fn of(declaration: &Declaration, settings: &QualitySettings) -> DeclarationQuality {
        DeclarationQuality {
            slug: declaration.slug.clone(),
            name: declaration.name.clone(),
            department: declaration.department.clone(),
            indicators: declaration.indicators.len(),
            share: Share::of(&declaration.indicators),
            findings: findings(declaration, settings),
        }
    }

    pub fn counts(&self) -> CheckCounts {
        count_checks(&self.findings)
    }
}

/// The totals of a group of declarations: a 主管部门, or the whole year.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GroupQuality {
    pub declarations: usize,
    pub indicators: usize,
    pub share: Share,
    pub findings: usize,
    pub counts: CheckCounts,
}

impl GroupQuality {
    pub fn add(&mut self, declaration: &DeclarationQuality) {
        self.declarations += 1;
        self.indicators += declaration.indicators;
        self.share.add(declaration.share);
        self.findings += declaration.findings.len();
        for (check, count) in declaration.counts() {
            *self.counts.entry(check).or_default() += count;
        }
    }
}

/// One 主管部门's totals.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentQuality {
    pub department: String,
    pub totals: GroupQuality,
}

/// A year's report: every declaration (by slug, as on the year page), every department (most
/// declarations first, then by name), and the year's totals.
#[derive(Debug, Clone, Serialize)]
pub struct YearQuality {
    pub year: u16,
    /// The checks that ran, in [`Check::ALL`] order.
    pub checks: Vec<Check>,
    pub min_quantitative_share: u8,
    pub declarations: Vec<DeclarationQuality>,
    pub departments: Vec<DepartmentQuality>,
    pub totals: GroupQuality,
}

impl YearQuality {
    /// The report of `declarations` (one year's). Linear in their indicators; declarations are
    /// assessed in parallel.
    pub fn of<D: Borrow<Declaration> + Sync>(
        year: u16,
        declarations: &[D],
        settings: &QualitySettings,
    ) -> YearQuality {
        let reports = declarations
            .par_iter()
            .map(|declaration| DeclarationQuality::of(declaration.borrow(), settings))
            .collect();
        YearQuality::of_reports(year, reports, settings)
    }

    /// [`YearQuality::of`] for `serve`: a declaration that is the very one `previous` assessed
    /// (the same allocation, kept by the load cache) keeps its report, so an edit assesses one
    /// declaration, not the whole year. `previous` must have used the same `settings`.
    pub fn of_reusing(
        year: u16,
        declarations: &[Arc<Declaration>],
        settings: &QualitySettings,
        previous: Option<Assessed<'_>>,
    ) -> YearQuality {
        let reports = declarations
            .par_iter()
            .map(
                |declaration| match previous.as_ref().and_then(|p| p.report_of(declaration)) {
                    Some(report) => report.clone(),
                    None => DeclarationQuality::of(declaration, settings),
                },
            )
            .collect();
        YearQuality::of_reports(year, reports, settings)
    }

    fn of_reports(
        year: u16,
        mut reports: Vec<DeclarationQuality>,
        settings: &QualitySettings,
    ) -> YearQuality {
        reports.sort_by(|a, b| a.slug.cmp(&b.slug));
        let mut totals = GroupQuality::default();
        let mut by_department: BTreeMap<&str, GroupQuality> = BTreeMap::new();
        for report in &reports {
            totals.add(report);
            by_department
                .entry(&report.department)
                .or_default()
                .add(report);
        }
        let mut departments: Vec<DepartmentQuality> = by_department
            .into_iter()
            .map(|(department, totals)| DepartmentQuality {
                department: department.to_string(),
                totals,
            })
            .collect();
        departments.sort_by(|a, b| {
            b.totals
                .declarations
                .cmp(&a.totals.declarations)
                .then_with(|| a.department.cmp(&b.department))
        });
        YearQuality {
            year,
            checks: Check::ALL
                .into_iter()
                .filter(|check| is_on(settings, *check))
                .collect(),
            min_quantitative_share: settings.min_quantitative_share,
            declarations: reports,
            departments,
            totals,
        }
    }

    /// The report of the declaration with `slug` (declarations are in slug order).
    pub fn declaration(&self, slug: &str) -> Option<&DeclarationQuality> {
        self.declarations
            .binary_search_by(|report| report.slug.as_str().cmp(slug))
            .ok()
            .and_then(|index| self.declarations.get(index))
    }
}

/// A year as the previous build assessed it: its declarations (in slug order) and its report.
#[derive(Clone, Copy)]
pub struct Assessed<'p> {
    pub declarations: &'p [Arc<Declaration>],
    pub quality: &'p YearQuality,
}

impl Assessed<'_> {
    /// The previous report of `declaration`, when it is the same allocation that was assessed.
    fn report_of(&self, declaration: &Arc<Declaration>) -> Option<&DeclarationQuality> {
        let index = self
            .declarations
            .binary_search_by(|old| old.slug.as_str().cmp(&declaration.slug))
            .ok()?;
        let old = self.declarations.get(index)?;
        let report = self.quality.declaration(&declaration.slug)?;
        Arc::ptr_eq(old, declaration).then_some(report)
    }
}
