//! The two tables as CSV: UTF-8 with a byte-order mark (so Excel opens Chinese text directly,
//! without an import wizard) and RFC 4180 quoting with CRLF line ends, written by the `csv` crate.
//!
//! The columns are declared once, in [`DECLARATION_COLUMNS`] and [`INDICATOR_COLUMNS`], and the
//! data package's schema is generated from the same lists, so the file and its description cannot
//! drift apart. Column names are the content files' field names (ASCII, stable for scripts); the
//! Chinese labels of the form go into the schema's titles.

use std::borrow::Borrow;

use crate::markdown::to_plain_text;
use crate::model::{Declaration, SiteConfig};
use crate::money::{Amount, plain_yuan};
use crate::target::Target;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A Frictionless Table Schema field type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    /// An amount in 元 (two decimals, never negative).
    Yuan,
    Number,
    Date,
    Year,
}

/// One CSV column and what the data package says about it.
#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    /// The label on the official form.
    pub title: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub description: &'static str,
}

pub(super) const fn column(
    name: &'static str,
    title: &'static str,
    kind: Kind,
    required: bool,
    description: &'static str,
) -> Column {
    Column {
        name,
        title,
        kind,
        required,
        description,
    }
}

use Kind::{Date, Integer, Number, String as Text, Year, Yuan};

/// `declarations.csv` (and each `SLUG/declaration.csv`), in this order.
#[rustfmt::skip]
pub const DECLARATION_COLUMNS: &[Column] = &[
    column("year", "申报年度", Year, true, ""),
    column("slug", "标识", Text, true, "The declaration's identifier: its page is YEAR/SLUG/."),
    column("name", "项目名称", Text, true, ""),
    column("nature", "项目性质", Text, false, ""),
    column("category", "项目类别", Text, false, ""),
    column("department", "主管部门", Text, true, ""),
    column("implementer", "实施单位", Text, false, ""),
    column("start", "计划开始日期", Date, false, ""),
    column("end", "计划完成日期", Date, false, ""),
    column("form_unit", "表内金额单位", Text, true, "The unit the form prints its amounts in (元 or 万元); every amount in this file is converted to 元."),
    column("total", "项目资金总额", Yuan, false, "Multi-year total of the project, in 元. Do not add it to annual amounts."),
    column("total_fiscal", "其中：财政资金", Yuan, false, "Fiscal part of the multi-year total, in 元."),
    column("total_other", "其他资金（项目资金总额）", Yuan, false, "Other part of the multi-year total, in 元."),
    column("annual", "年度资金申请总额", Yuan, true, "Funds requested for the year, in 元. This is the column to add up."),
    column("appropriation", "其中：当年财政拨款", Yuan, false, "In 元."),
    column("carryover", "上年结转资金", Yuan, false, "In 元."),
    column("other", "其他资金（年度）", Yuan, false, "In 元."),
    column("overall_goal", "项目总目标", Text, false, "Plain text; paragraphs separated by a blank line."),
    column("overall_period", "项目总目标期间", Text, false, ""),
    column("annual_goal", "年度总体目标", Text, false, "Plain text; paragraphs separated by a blank line."),
    column("indicator_count", "绩效指标数", Integer, true, ""),
    column("url", "网页", Text, true, "The declaration's page on this site."),
    column("department_code", "主管部门代码", Text, false, "The code printed with the 主管部门 on the form, verbatim (e.g. 015)."),
    column("period", "项目期", Text, false, "The project's duration where the form gives one instead of dates, verbatim (e.g. 3年)."),
];

/// `indicators.csv` (and each `SLUG/indicators.csv`), in this order.
#[rustfmt::skip]
pub const INDICATOR_COLUMNS: &[Column] = &[
    column("year", "申报年度", Year, true, ""),
    column("slug", "标识", Text, true, "The declaration this indicator belongs to."),
    column("position", "序号", Integer, true, "1-based position of the indicator on its form."),
    column("level1", "一级指标", Text, true, ""),
    column("level2", "二级指标", Text, true, ""),
    column("name", "三级指标", Text, true, ""),
    column("target", "年度(/项目)指标值", Text, true, "The target exactly as written on the form."),
    column("target_kind", "指标值类型", Text, true, "quantitative (SIGN NUMBER [UNIT]) or qualitative."),
    column("sign", "比较符号", Text, false, "≥ ≤ = > or <, normalised; empty for a qualitative target."),
    column("number", "指标数值", Number, false, "The number of a quantitative target, with the form's decimals."),
    column("unit", "计量单位", Text, false, "The unit of a quantitative target, without parentheses; may be empty."),
    column("qualitative", "定性指标值", Text, false, "The text of a qualitative target."),
    column("weight", "权重", Text, false, "The indicator's weight, verbatim, where the form has one."),
    column("direction", "指标方向性", Text, false, "The indicator's direction (e.g. 正向指标), verbatim, where the form has one."),
];

/// The declarations table: one row per declaration.
pub fn declarations<D: Borrow<Declaration>>(
    config: &SiteConfig,
    rows: &[D],
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = writer();
    writer.write_record(DECLARATION_COLUMNS.iter().map(|column| column.name))?;
    for declaration in rows {
        writer.write_record(declaration_record(config, declaration.borrow()))?;
    }
    finish(writer)
}

/// The indicators table: one row per indicator, in the order of each form.
pub fn indicators<D: Borrow<Declaration>>(rows: &[D]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = writer();
    writer.write_record(INDICATOR_COLUMNS.iter().map(|column| column.name))?;
    for record in indicator_records(rows) {
        writer.write_record(record)?;
    }
    finish(writer)
}

/// The cells of the indicators table, in [`INDICATOR_COLUMNS`] order.
pub fn indicator_records<D: Borrow<Declaration>>(rows: &[D]) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    for declaration in rows.iter().map(Borrow::borrow) {
        for (index, indicator) in declaration.indicators.iter().enumerate() {
            let (kind, sign, number, unit, qualitative) = match &indicator.target {
                Target::Quantitative {
                    sign, number, unit, ..
                } => (
                    "quantitative",
                    sign.symbol().to_string(),
                    number.to_string(),
                    unit.clone(),
                    String::new(),
                ),
                Target::Qualitative => (
                    "qualitative",
                    String::new(),
                    String::new(),
                    String::new(),
                    indicator.target_text.clone(),
                ),
            };
            records.push(vec![
                declaration.year.to_string(),
                declaration.slug.clone(),
                (index + 1).to_string(),
                indicator.level1.clone(),
                indicator.level2.clone(),
                indicator.name.clone(),
                indicator.target_text.clone(),
                kind.to_string(),
                sign,
                number,
                unit,
                qualitative,
                indicator.weight.clone().unwrap_or_default(),
                indicator.direction.clone().unwrap_or_default(),
            ]);
        }
    }
    records
}

/// The cells of one row of the declarations table, in [`DECLARATION_COLUMNS`] order.
pub fn declaration_record(config: &SiteConfig, declaration: &Declaration) -> Vec<String> {
    let funding = &declaration.funding;
    let yuan = |amount: &Option<Amount>| amount.as_ref().map_or_else(String::new, amount_text);
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let plain =
        |markdown: &Option<String>| markdown.as_deref().map_or_else(String::new, to_plain_text);
    let date =
        |value: Option<crate::model::Date>| value.map_or_else(String::new, |d| d.to_string());
    let goals = &declaration.goals;
    vec![
        declaration.year.to_string(),
        declaration.slug.clone(),
        declaration.name.clone(),
        text(&declaration.nature),
        text(&declaration.category),
        declaration.department.clone(),
        text(&declaration.implementer),
        date(declaration.start),
        date(declaration.end),
        funding.unit.label().to_string(),
        yuan(&funding.total),
        yuan(&funding.total_fiscal),
        yuan(&funding.total_other),
        amount_text(&funding.annual),
        yuan(&funding.appropriation),
        yuan(&funding.carryover),
        yuan(&funding.other),
        plain(&goals.overall),
        text(&goals.overall_period),
        plain(&goals.annual),
        declaration.indicators.len().to_string(),
        format!(
            "{}{}/{}/",
            config.base_url, declaration.year, declaration.slug
        ),
        text(&declaration.department_code),
        text(&declaration.period),
    ]
}

/// `1800000.00`: exact, in 元, two decimals (a 万元 form's four decimals are whole 元).
fn amount_text(amount: &Amount) -> String {
    plain_yuan(amount.yuan)
}

pub(super) fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec())
}

pub(super) fn finish(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    writer
        .into_inner()
        .map_err(|err| csv::Error::from(err.into_error()))
}
