//! The checks, one function each. Each returns findings that quote the form; none changes it.

use std::collections::HashMap;

use serde::Serialize;

use super::Check;
use super::amount::target_in_yuan;
use super::summary::Share;
use super::words::{is_not_applicable, vague_words_in};
use crate::model::{Declaration, Indicator, QualitySettings};
use crate::money::format_yuan;
use crate::target::Target;

/// The three 一级 every form of either framework has. 成本 is [`Check::MissingCost`].
const CORE_LEVEL1: &[&str] = &["产出指标", "效益指标", "满意度指标"];

/// One fact about a declaration's indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub check: Check,
    /// 1-based position of the indicator on the form; `None` for a finding about the
    /// declaration as a whole.
    pub indicator: Option<usize>,
    /// The content-file field it points at (`indicators[6].target`), for `file:line:column`.
    pub field: String,
    /// The fact, in Chinese, quoting the form.
    pub message: String,
}

/// Is `check` switched on in `settings`?
pub fn is_on(settings: &QualitySettings, check: Check) -> bool {
    !settings.disabled.contains(check.code())
}

/// Every finding of the enabled checks: those about the whole declaration first, then by
/// indicator position, then in [`Check::ALL`] order. Linear in the number of indicators.
pub fn findings(declaration: &Declaration, settings: &QualitySettings) -> Vec<Finding> {
    let mut found = Vec::new();
    found.extend(missing_level1(declaration));
    found.extend(missing_cost(declaration));
    found.extend(low_quantitative_share(
        declaration,
        settings.min_quantitative_share,
    ));
    found.extend(vague_targets(declaration, &settings.vague_words));
    found.extend(duplicate_indicators(declaration));
    found.extend(cost_above_funding(declaration));
    found.extend(satisfaction_not_percent(declaration));
    found.retain(|finding| is_on(settings, finding.check));
    found.sort_by_key(|finding| (finding.indicator, finding.check));
    found
}

/// `indicators[N].FIELD` for the 1-based position `N`.
fn indicator_field(position: usize, field: &str) -> String {
    format!("indicators[{position}].{field}")
}

/// Where a finding about the whole declaration points: the start of its indicator table, or
/// its name when it has none.
fn whole_declaration_field(declaration: &Declaration) -> String {
    if declaration.indicators.is_empty() {
        "name".to_string()
    } else {
        indicator_field(1, "level1")
    }
}

/// Indicators with their 1-based positions.
fn numbered(declaration: &Declaration) -> impl Iterator<Item = (usize, &Indicator)> {
    declaration
        .indicators
        .iter()
        .enumerate()
        .map(|(index, indicator)| (index + 1, indicator))
}

/// A 成本 indicator: under the 一级 成本指标 (current framework) or a 二级 named for cost
/// (成本指标 under 产出指标 in older forms, 经济成本指标 …).
pub fn is_cost(indicator: &Indicator) -> bool {
    indicator.level1.trim() == "成本指标" || indicator.level2.contains("成本")
}

/// A 满意度 indicator: under the 一级 满意度指标 or a 二级 named for satisfaction.
pub fn is_satisfaction(indicator: &Indicator) -> bool {
    indicator.level1.trim() == "满意度指标" || indicator.level2.contains("满意度")
}

pub fn missing_level1(declaration: &Declaration) -> Vec<Finding> {
    CORE_LEVEL1
        .iter()
        .filter(|level1| {
            !declaration
                .indicators
                .iter()
                .any(|indicator| indicator.level1.trim() == **level1)
        })
        .map(|level1| Finding {
            check: Check::MissingLevel1,
            indicator: None,
            field: whole_declaration_field(declaration),
            message: format!("本表没有一级指标为“{level1}”的指标行"),
        })
        .collect()
}

pub fn missing_cost(declaration: &Declaration) -> Option<Finding> {
    let has_cost = declaration.indicators.iter().any(is_cost);
    (!has_cost).then(|| Finding {
        check: Check::MissingCost,
        indicator: None,
        field: whole_declaration_field(declaration),
        message: "本表既没有一级“成本指标”，也没有二级成本指标".to_string(),
    })
}

pub fn low_quantitative_share(declaration: &Declaration, min_percent: u8) -> Option<Finding> {
    let share = Share::of(&declaration.indicators);
    share.is_below(min_percent).then(|| Finding {
        check: Check::LowQuantitativeShare,
        indicator: None,
        field: whole_declaration_field(declaration),
        message: format!(
            "定量指标 {} 项，占 {} 项指标的 {}，低于本站设定的 {min_percent}%",
            share.quantitative,
            share.applicable,
            share.percent_text()
        ),
    })
}

pub fn vague_targets(declaration: &Declaration, site_words: &[String]) -> Vec<Finding> {
    numbered(declaration)
        .filter(|(_, indicator)| matches!(indicator.target, Target::Qualitative))
        .filter(|(_, indicator)| !is_not_applicable(&indicator.target_text))
        .filter_map(|(position, indicator)| {
            let words = vague_words_in(&indicator.target_text, site_words);
            (!words.is_empty()).then(|| Finding {
                check: Check::VagueTarget,
                indicator: Some(position),
                field: indicator_field(position, "target"),
                message: format!(
                    "“{}”的指标值“{}”没有数字、比例或完成时限（用词：“{}”）",
                    indicator.name,
                    indicator.target_text,
                    words.join("”“")
                ),
            })
        })
        .collect()
}

/// Names compare without spaces, so `会议 次数` and `会议次数` are the same indicator.
fn name_key(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

pub fn duplicate_indicators(declaration: &Declaration) -> Vec<Finding> {
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    let mut found = Vec::new();
    for (position, indicator) in numbered(declaration) {
        if is_not_applicable(&indicator.name) {
            continue;
        }
        match first_seen.get(&name_key(&indicator.name)) {
            Some(first) => found.push(Finding {
                check: Check::DuplicateIndicator,
                indicator: Some(position),
                field: indicator_field(position, "name"),
                message: format!("三级指标“{}”与第 {first} 项同名", indicator.name.trim()),
            }),
            None => {
                first_seen.insert(name_key(&indicator.name), position);
            }
        }
    }
    found
}

pub fn cost_above_funding(declaration: &Declaration) -> Vec<Finding> {
    let annual = declaration.funding.annual.yuan;
    numbered(declaration)
        .filter(|(_, indicator)| is_cost(indicator))
        .filter_map(|(position, indicator)| {
            let amount = target_in_yuan(&indicator.target, &indicator.target_text)?;
            (amount > annual).then(|| Finding {
                check: Check::CostAboveFunding,
                indicator: Some(position),
                field: indicator_field(position, "target"),
                message: format!(
                    "“{}”的指标值“{}”折合 {} 元，大于年度资金申请总额 {} 元",
                    indicator.name,
                    indicator.target_text,
                    format_yuan(amount),
                    format_yuan(annual)
                ),
            })
        })
        .collect()
}

/// `≥85%`, `=100(%)`, `90％以上`, `百分之九十`.
fn is_percentage(text: &str) -> bool {
    text.contains(['%', '％']) || text.contains("百分")
}

pub fn satisfaction_not_percent(declaration: &Declaration) -> Vec<Finding> {
    numbered(declaration)
        .filter(|(_, indicator)| is_satisfaction(indicator))
        .filter(|(_, indicator)| {
            !is_not_applicable(&indicator.target_text) && !is_percentage(&indicator.target_text)
        })
        .map(|(position, indicator)| Finding {
            check: Check::SatisfactionNotPercent,
            indicator: Some(position),
            field: indicator_field(position, "target"),
            message: format!(
                "满意度指标“{}”的指标值“{}”不是百分比",
                indicator.name, indicator.target_text
            ),
        })
        .collect()
}
