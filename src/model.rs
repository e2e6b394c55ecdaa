//! The declaration model: one 财政项目支出绩效目标申报表, typed.
//!
//! Everything here is already checked: amounts are exact decimals, dates are real dates, targets
//! are parsed. Free text (names, goals, targets) is kept exactly as written.

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::money::{Amount, Unit};
use crate::target::Target;

/// `site.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteConfig {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub language: String,
    pub publisher: String,
    pub description: Option<String>,
    /// `[quality]`: the 绩效指标质量 report.
    pub quality: QualitySettings,
}

/// `[quality]` in `site.toml`: which checks of [`crate::quality`] run, and whether the report is
/// published. It lives here, with the rest of site.toml, so the model depends on nothing that
/// reads it; `crate::quality::config` parses it and holds the defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualitySettings {
    /// Publish `YEAR/quality/`, `YEAR/quality.csv` and the section on declaration pages.
    /// `check --quality` runs either way.
    pub publish: bool,
    /// Codes of the checks switched off (`CODE = false` under `[quality.checks]`).
    pub disabled: BTreeSet<String>,
    /// Words that mark a qualitative target as unmeasurable, added to the built-in list.
    pub vague_words: Vec<String>,
    /// A declaration whose quantitative targets are fewer than this percentage of its
    /// indicators gets a finding.
    pub min_quantitative_share: u8,
}

/// A calendar date (TOML local date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A date if `year-month-day` exists in the Gregorian calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month)
            .contains(&day)
            .then_some(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// 项目资金. `annual` is required; the multi-year block (`total*`) is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Funding {
    pub unit: Unit,
    /// 项目资金总额 (multi-year; never added to annual figures).
    pub total: Option<Amount>,
    /// 其中：财政资金
    pub total_fiscal: Option<Amount>,
    /// 其他资金 (of the multi-year total)
    pub total_other: Option<Amount>,
    /// 年度资金申请总额
    pub annual: Amount,
    /// 其中：当年财政拨款
    pub appropriation: Option<Amount>,
    /// 上年结转资金
    pub carryover: Option<Amount>,
    /// 其他资金 (of the annual request)
    pub other: Option<Amount>,
}

/// 项目绩效目标, as Markdown source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Goals {
    /// 项目总目标
    pub overall: Option<String>,
    /// The period of the overall goal, e.g. `2023年-2024年`.
    pub overall_period: Option<String>,
    /// 年度总体目标
    pub annual: Option<String>,
}

/// One 绩效指标 row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    /// 一级指标
    pub level1: String,
    /// 二级指标
    pub level2: String,
    /// 三级指标
    pub name: String,
    /// 指标值, verbatim.
    pub target_text: String,
    pub target: Target,
    /// 权重, verbatim, where the form has a weight column.
    pub weight: Option<String>,
    /// 指标方向性 (e.g. 正向指标), verbatim, where the form has one.
    pub direction: Option<String>,
}

/// One declaration (财政项目支出绩效目标申报表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declaration {
    /// Path relative to the site root, e.g. `content/2023/xxx.toml`.
    pub source: PathBuf,
    pub year: u16,
    /// File stem: `[a-z0-9-]+`; the page lives at `YEAR/SLUG/`.
    pub slug: String,
    /// 项目名称
    pub name: String,
    /// 项目性质
    pub nature: Option<String>,
    /// 项目类别
    pub category: Option<String>,
    /// 主管部门
    pub department: String,
    /// 主管部门代码, where the form prints one (`[015]上海市科学技术协会`, `310001-单位名`).
    pub department_code: Option<String>,
    /// 实施单位
    pub implementer: Option<String>,
    /// 计划开始日期
    pub start: Option<Date>,
    /// 计划完成日期
    pub end: Option<Date>,
    /// 项目期, where a form gives a duration (`3年`) instead of dates.
    pub period: Option<String>,
    pub draft: bool,
    pub funding: Funding,
    pub goals: Goals,
    pub indicators: Vec<Indicator>,
}

impl Declaration {
    /// The identity that must be unique within a year: 项目名称 + 主管部门.
    pub fn identity(&self) -> (&str, &str) {
        (&self.name, &self.department)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_respect_the_calendar() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(2023, 4, 31).is_none());
        assert!(Date::new(2023, 13, 1).is_none());
        assert_eq!(
            Date::new(2023, 1, 1).map(|d| d.to_string()),
            Some("2023-01-01".into())
        );
    }
}
