//! 绩效指标质量: how well each declaration states its performance targets.
//!
//! A target is worth publishing when someone can check it at the end of the year: `≥4.00(次)` can
//! be checked, `有效提升` cannot. This module computes, from the validated model only (no I/O),
//! findings about each declaration's indicators and summaries per declaration and per 主管部门.
//! `check --quality` prints them ([`report`]); `build` publishes them as `YEAR/quality/`,
//! `YEAR/quality.csv` and a section on each declaration page ([`view`]).
//!
//! Findings are facts about the form as submitted, never corrections: nothing here changes a
//! figure or a text, and no finding is a warning (`--strict` ignores them).
//!
//! - [`checks`]: the checks, one function each; [`Check`] names them with stable codes.
//! - [`words`]: the word list for unmeasurable targets, and what makes a target measurable.
//! - [`amount`]: a target's amount of money, in 元.
//! - [`summary`]: counts and shares per declaration, department and year.
//! - [`config`]: `[quality]` in `site.toml`.

pub mod amount;
pub mod checks;
pub mod config;
pub mod report;
pub mod summary;
pub mod view;
pub mod words;

#[cfg(test)]
mod tests;

use serde::Serialize;

pub use checks::{Finding, findings};
pub use summary::{Assessed, DeclarationQuality, DepartmentQuality, Share, YearQuality};

/// One check. The code is stable: it is what `site.toml` switches off, what `check --quality`
/// prints and what `quality.csv` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Check {
    /// No indicator under 产出指标, 效益指标 or 满意度指标.
    MissingLevel1,
    /// No 成本 indicator at all. Kept apart from [`Check::MissingLevel1`]: 成本指标 became a 一级
    /// only in the current central framework, and older forms carry it (if at all) as a 二级
    /// under 产出指标, so a site publishing older forms may want it off.
    MissingCost,
    /// Fewer quantitative targets (sign + number) than the site's minimum share.
    LowQuantitativeShare,
    /// A qualitative target with a word from the list and no number or deadline.
    VagueTarget,
    /// The same 三级指标 twice in one declaration.
    DuplicateIndicator,
    /// A 成本 target in money above the declaration's 年度资金申请总额.
    CostAboveFunding,
    /// A 满意度 target that is not a percentage.
    SatisfactionNotPercent,
}

impl Check {
    /// Every check, in the order the report lists them.
    pub const ALL: [Check; 7] = [
        Check::MissingLevel1,
        Check::MissingCost,
        Check::LowQuantitativeShare,
        Check::VagueTarget,
        Check::DuplicateIndicator,
        Check::CostAboveFunding,
        Check::SatisfactionNotPercent,
    ];

    /// The stable code, e.g. `vague-target`.
    pub fn code(self) -> &'static str {
        match self {
            Check::MissingLevel1 => "missing-level1",
            Check::MissingCost => "missing-cost",
            Check::LowQuantitativeShare => "low-quantitative-share",
            Check::VagueTarget => "vague-target",
            Check::DuplicateIndicator => "duplicate-indicator",
            Check::CostAboveFunding => "cost-above-funding",
            Check::SatisfactionNotPercent => "satisfaction-not-percent",
        }
    }

    /// The check's short Chinese name, for table headers and lists.
    pub fn title(self) -> &'static str {
        match self {
            Check::MissingLevel1 => "缺少一级指标",
            Check::MissingCost => "未设成本指标",
            Check::LowQuantitativeShare => "定量指标占比偏低",
            Check::VagueTarget => "指标值难以衡量",
            Check::DuplicateIndicator => "三级指标重复",
            Check::CostAboveFunding => "成本指标超过年度资金",
            Check::SatisfactionNotPercent => "满意度指标值不是百分比",
        }
    }

    /// What the check looks for, in plain Chinese, for the report page's note.
    pub fn explanation(self) -> &'static str {
        match self {
            Check::MissingLevel1 => {
                "申报表在产出指标、效益指标或满意度指标中的某一类下没有任何指标。"
            }
            Check::MissingCost => {
                "申报表没有成本指标（既没有一级“成本指标”，也没有产出指标下的二级“成本指标”）。成本指标是现行中央绩效指标框架新增的一级指标，旧版申报表往往没有这一栏，因此单独列出。"
            }
            Check::LowQuantitativeShare => {
                "以“比较符号＋数字”表述的定量指标值（如“≥4.00(次)”）少于全部指标的设定比例；不适用的指标行不计入。"
            }
            Check::VagueTarget => {
                "定性指标值只用“提升”“有效”“及时”等词表述，没有数字、比例或完成时限，年终难以核对是否达到。"
            }
            Check::DuplicateIndicator => "同一申报表中出现名称相同的三级指标。",
            Check::CostAboveFunding => {
                "成本指标的指标值是金额，且折合成元后大于本项目的年度资金申请总额。"
            }
            Check::SatisfactionNotPercent => {
                "满意度指标的指标值没有以百分比表述（如“≥85%”），难以与满意度调查结果比较。"
            }
        }
    }

    /// The check with this code.
    pub fn from_code(code: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|check| check.code() == code)
    }
}
