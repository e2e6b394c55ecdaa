//! `YEAR/quality.csv`: the year's 绩效指标质量 findings, one row per finding, with the indicator
//! it is about quoted verbatim. Same encoding and quoting as the other CSVs; the columns are
//! declared once in [`QUALITY_COLUMNS`], which the data package's schema is generated from.
//! The counts and shares of the report page are derived from `indicators.csv` (`target_kind`)
//! and these rows.

use super::csv::{Column, Kind, column, finish, writer};
use crate::quality::YearQuality;
use crate::site::Year;

/// `quality.csv`, in this order.
#[rustfmt::skip]
pub const QUALITY_COLUMNS: &[Column] = &[
    column("year", "申报年度", Kind::Year, true, ""),
    column("slug", "标识", Kind::String, true, "The declaration the finding is about."),
    column("finding", "序号", Kind::Integer, true, "1-based number of the finding within its declaration."),
    column("code", "检查项代码", Kind::String, true, "The check's stable code, e.g. vague-target (see the year's quality page)."),
    column("check", "检查项", Kind::String, true, ""),
    column("position", "指标序号", Kind::Integer, false, "1-based position of the indicator on its form (as in indicators.csv); empty for a finding about the whole declaration."),
    column("level1", "一级指标", Kind::String, false, ""),
    column("level2", "二级指标", Kind::String, false, ""),
    column("name", "三级指标", Kind::String, false, ""),
    column("target", "年度(/项目)指标值", Kind::String, false, "The target exactly as written on the form."),
    column("message", "说明", Kind::String, true, "The finding: a fact about the form, not a correction."),
];

/// The findings of `year` as CSV bytes.
pub fn findings(year: &Year, quality: &YearQuality) -> Result<Vec<u8>, csv::Error> {
    let mut writer = writer();
    writer.write_record(QUALITY_COLUMNS.iter().map(|column| column.name))?;
    for declaration in &year.declarations {
        let Some(report) = quality.declaration(&declaration.slug) else {
            continue;
        };
        for (number, finding) in report.findings.iter().enumerate() {
            let indicator = finding
                .indicator
                .and_then(|position| declaration.indicators.get(position.checked_sub(1)?));
            let cell = |text: Option<&String>| text.cloned().unwrap_or_default();
            writer.write_record([
                year.year.to_string(),
                declaration.slug.clone(),
                (number + 1).to_string(),
                finding.check.code().to_string(),
                finding.check.title().to_string(),
                finding
                    .indicator
                    .map_or_else(String::new, |position| position.to_string()),
                cell(indicator.map(|indicator| &indicator.level1)),
                cell(indicator.map(|indicator| &indicator.level2)),
                cell(indicator.map(|indicator| &indicator.name)),
                cell(indicator.map(|indicator| &indicator.target_text)),
                finding.message.clone(),
            ])?;
        }
    }
    finish(writer)
}
