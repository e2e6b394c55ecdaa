//! One form: the year, then the header rows (fields and funding), the goals and the indicator
//! table, each found by its labels. A form that cannot be trusted is refused with the reason:
//! a self-evaluation form, a blank template, damaged text, a form cut off before its indicator
//! table ends.

use super::fields::{Fields, quote};
use super::goals::{Goals, is_goal_header, parse_goals};
use super::grid::{At, Flow, Row, normalize};
use super::indicators::{End, Header, Indicator, Table, is_indicator_header, parse_indicators};
use super::labels::{Field, has_glued_label, is_year_line, year_in};
use super::locate::{Kind, Region};
use super::wrapped;
use crate::money::{Unit, amount_from_text};

/// A declaration as read from one form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Declaration {
    pub name: String,
    pub year: i32,
    pub nature: Option<String>,
    pub category: Option<String>,
    pub department: String,
    pub department_code: Option<String>,
    pub implementer: Option<String>,
    /// `YYYY-MM-DD`, checked.
    pub start: Option<String>,
    pub end: Option<String>,
    pub period: Option<String>,
    pub funding: Funding,
    pub goals: Goals,
    pub indicators: Vec<Indicator>,
    /// Unusual things about the form, for a dry run.
    pub notes: Vec<String>,
}

/// 项目资金, amounts verbatim as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Funding {
    pub unit: String,
    pub total: Option<String>,
    pub total_fiscal: Option<String>,
    pub total_other: Option<String>,
    pub annual: String,
    pub appropriation: Option<String>,
    pub carryover: Option<String>,
    pub other: Option<String>,
}

/// Why a form could not be read: its 项目名称 if known, and a problem per place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormFailure {
    pub name: Option<String>,
    pub errors: Vec<(At, String)>,
}

/// What the run says about every form.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options<'a> {
    /// `--unit`: the unit of forms that print none.
    pub unit: Option<&'a str>,
    /// For one-cell-per-line text: the width of the goal column across the document.
    pub goal_width: usize,
}

/// Collects the problems of one form while reading on, so that one run reports them all.
#[derive(Default)]
struct Problems(Vec<(At, String)>);

impl Problems {
    fn take<T>(&mut self, result: Result<T, (At, String)>) -> Option<T> {
        result.map_err(|error| self.0.push(error)).ok()
    }
}

pub(crate) fn parse_form(
    region: &Region,
    flow: Flow,
    options: Options<'_>,
) -> Result<Declaration, FormFailure> {
    let mut notes = Vec::new();
    let rows: Vec<Row> = match flow {
        Flow::Cells => region
            .rows
            .iter()
            .filter(|row| !row.is_blank())
            .cloned()
            .collect(),
        Flow::Wrapped => wrapped::to_cells(&region.rows, options.goal_width, &mut notes),
    };
    let mut problems = Problems::default();
    let (year, rows) = year_and_rows(region, rows, &mut problems);

    let (goal_header, indicator_header) = section_starts(&rows);
    let header_end = goal_header.or(indicator_header).unwrap_or(rows.len());
    let header_rows = rows.get(..header_end).unwrap_or_default();
    let fields = Fields::scan(header_rows);
    let name = fields.optional(Field::Name).ok().flatten();
    let refuse = |error| {
        Err(FormFailure {
            name: name.clone(),
            errors: vec![error],
        })
    };
    let header = match checked_header(region, &rows, &fields, indicator_header) {
        Ok(header) => header,
        Err(error) => return refuse(error),
    };
    let table = indicator_header
        .map(|index| parse_indicators(&header, rows.get(index + 1..).unwrap_or_default()));
    let annual_value = fields.optional(Field::Annual).ok().flatten();
    if name.is_none()
        && annual_value.is_none()
        && table
            .as_ref()
            .is_none_or(|table| table.indicators.is_empty())
    {
        return refuse((region.at, BLANK_TEMPLATE.to_string()));
    }

    let name = problems.take(fields.required(Field::Name, region.at));
    let department = problems.take(fields.required(Field::Department, region.at));
    let annual = problems.take(fields.required(Field::Annual, region.at));
    let mut optional = |field| problems.take(fields.optional(field)).flatten();
    let nature = optional(Field::Nature);
    let category = optional(Field::Category);
    let implementer = optional(Field::Implementer);
    let start = optional(Field::Start);
    let end = optional(Field::End);
    let period = optional(Field::Period);
    let code_field = optional(Field::DepartmentCode);
    let total = optional(Field::Total);
    let total_fiscal = optional(Field::TotalFiscal);
    let total_other = optional(Field::TotalOther);
    let appropriation = optional(Field::Appropriation);
    let carryover = optional(Field::Carryover);
    let other = optional(Field::Other);
    date_problems(
        &fields,
        [(Field::Start, &start), (Field::End, &end)],
        region.at,
        &mut problems,
    );
    let (department, department_code) = match department {
        Some(department) => {
            let (code, name) = split_code(&department);
            (Some(name), code.or(code_field))
        }
        None => (None, code_field),
    };
    let unit = unit_of(&fields, options, region.at, &mut problems, &mut notes);
    if let Some(unit) = unit.as_deref().and_then(Unit::parse) {
        let amounts = [
            (Field::Total, &total),
            (Field::TotalFiscal, &total_fiscal),
            (Field::TotalOther, &total_other),
            (Field::Annual, &annual),
            (Field::Appropriation, &appropriation),
            (Field::Carryover, &carryover),
            (Field::Other, &other),
        ];
        amount_problems(&fields, amounts, unit, region.at, &mut problems);
    }

    let goals = match goal_header {
        Some(index) => parse_goals(
            &rows[index],
            rows.get(index + 1..indicator_header.unwrap_or(rows.len()))
                .unwrap_or_default(),
        ),
        None => Goals::default(),
    };
    let shown_name = name.clone().unwrap_or_else(|| "this form".to_string());
    let indicators = indicators_of(table, region, &rows, &shown_name, &mut problems, &mut notes);

    match (year, name, department, annual, unit) {
        (Some(year), Some(name), Some(department), Some(annual), Some(unit))
            if problems.0.is_empty() =>
        {
            Ok(Declaration {
                name,
                year,
                nature,
                category,
                department,
                department_code,
                implementer,
                start,
                end,
                period,
                funding: Funding {
                    unit,
                    total,
                    total_fiscal,
                    total_other,
                    annual,
                    appropriation,
                    carryover,
                    other,
                },
                goals,
                indicators,
                notes,
            })
        }
        (_, name, ..) => {
            let mut errors = problems.0;
            errors.sort_by_key(|(at, _)| *at);
            Err(FormFailure { name, errors })
        }
    }
}

/// Where the goals and the indicator table start (row indexes), if they do. The table's header
/// is looked for after the goals' only.
fn section_starts(rows: &[Row]) -> (Option<usize>, Option<usize>) {
    let goal_header = rows.iter().position(is_goal_header);
    let after_goals = goal_header.map_or(0, |index| index + 1);
    let indicator_header = rows
        .iter()
        .skip(after_goals)
        .position(is_indicator_header)
        .map(|index| index + after_goals);
    (goal_header, indicator_header)
}

/// Why a form with nothing filled in is refused.
const BLANK_TEMPLATE: &str = "a blank template: no 项目名称, no 年度资金申请总额 and no indicators are filled in; fill in the form or leave it out";

/// The indicator table's header, unless the form is not one to import: a self-evaluation form
/// (by its title, or by its table's columns) or damaged text.
fn checked_header(
    region: &Region,
    rows: &[Row],
    fields: &Fields,
    indicator_header: Option<usize>,
) -> Result<Header, (At, String)> {
    if region.kind == Kind::SelfEvaluation {
        let message = format!(
            "{} is a self-evaluation form (自评表), which reports results, not targets; import the 绩效目标申报表 instead",
            quote(&region.title)
        );
        return Err((region.at, message));
    }
    if let Some(damage) = damage(rows, fields) {
        return Err(damage);
    }
    let header_row = indicator_header.and_then(|index| rows.get(index));
    let header = header_row.map(Header::read).unwrap_or_default();
    if !header.self_evaluation.is_empty() {
        let message = format!(
            "this is a self-evaluation form (自评表): its indicator table has the columns {}, which report results, not targets; import the 绩效目标申报表 instead",
            header.self_evaluation.join(", ")
        );
        return Err((header_row.map_or(region.at, |row| row.at), message));
    }
    Ok(header)
}

/// The indicators of the form's table, with the problems of its rows and of where it ends: a
/// table that runs out without any 效益指标, or in an incomplete row, is a form cut off.
fn indicators_of(
    table: Option<Table>,
    region: &Region,
    rows: &[Row],
    shown_name: &str,
    problems: &mut Problems,
    notes: &mut Vec<String>,
) -> Vec<Indicator> {
    let Some(table) = table else {
        let last = rows.last().map_or(region.at, |row| row.at);
        let message = format!(
            "no indicator table: {shown_name} ends here without the 绩效指标 table (the header row 一级指标 二级指标 三级指标 指标值); the form is cut off, or its table lacks that header"
        );
        problems.0.push((last, message));
        return Vec::new();
    };
    let ran_out = table.end == End::RegionEnd;
    let cut = ran_out && !table.indicators.iter().any(|i| i.level1 == "效益指标");
    let last = table.last.unwrap_or(region.at);
    let rows_read = table.indicators.len();
    if cut && table.errors.iter().all(|(at, _)| *at != last) {
        let message = format!(
            "the indicator table of {shown_name} ends after {rows_read} row(s) without any 效益指标; the form is cut off: import the complete form"
        );
        problems.0.push((last, message));
    } else if ran_out && let Some(error) = table.errors.iter().find(|(at, _)| *at == last) {
        let message = format!(
            "the indicator table of {shown_name} ends in an incomplete row after {rows_read} row(s); the form is cut off: import the complete form ({})",
            error.1
        );
        problems.0.push((last, message));
    }
    problems.0.extend(
        table
            .errors
            .into_iter()
            .filter(|(at, _)| !ran_out || *at != last),
    );
    notes.extend(table.notes);
    if let End::Closed(at) = table.end {
        notes.push(format!(
            "the indicator table ends before line/row {}; the text after it is not part of the form",
            at.line
        ));
    }
    table.indicators
}

/// A start or end date not written `YYYY-MM-DD` is a problem at its line.
fn date_problems(
    fields: &Fields,
    dates: [(Field, &Option<String>); 2],
    form_at: At,
    problems: &mut Problems,
) {
    for (field, date) in dates {
        if let Some(date) = date.as_deref().filter(|date| !is_date(date)) {
            problems.0.push((
                fields.line_of(field).unwrap_or(form_at),
                format!(
                    "{} is {}, not a date written YYYY-MM-DD; write it like 2023-01-01",
                    field.label(),
                    quote(date)
                ),
            ));
        }
    }
}

/// An amount that is not a number in the form's unit is a problem at its line.
fn amount_problems(
    fields: &Fields,
    amounts: [(Field, &Option<String>); 7],
    unit: Unit,
    form_at: At,
    problems: &mut Problems,
) {
    for (field, value) in amounts {
        if let Some(Err(problem)) = value.as_deref().map(|text| amount_from_text(text, unit)) {
            problems.0.push((
                fields.line_of(field).unwrap_or(form_at),
                format!("{}: {problem}", field.label()),
            ));
        }
    }
}

/// The unit of the form's amounts: as the form states it, else `--unit`, else an error.
fn unit_of(
    fields: &Fields,
    options: Options<'_>,
    at: At,
    problems: &mut Problems,
    notes: &mut Vec<String>,
) -> Option<String> {
    match (&fields.unit, options.unit) {
        (Some((_, unit)), given) if unit == "元" || unit == "万元" => {
            if given.is_some_and(|given| given != unit) {
                notes.push(format!(
                    "the form states its unit, {unit}; --unit is not used"
                ));
            }
            Some(unit.clone())
        }
        (Some((line, unit)), _) if !unit.is_empty() => {
            problems.0.push((
                *line,
                format!(
                    "the amounts' unit {} is neither 元 nor 万元; state the unit of the form's amounts as `项目资金 (元)` or `项目资金 (万元)`",
                    quote(unit)
                ),
            ));
            None
        }
        (_, Some(given)) => {
            notes.push(format!("the form prints no unit; {given} from --unit"));
            Some(given.to_string())
        }
        (_, None) => {
            problems.0.push((
                at,
                "the form does not say the unit of its amounts (no `项目资金（元）`, `金额单位：万元` or the like); pass --unit 元 or --unit 万元".to_string(),
            ));
            None
        }
    }
}

/// Text that cannot be separated into labels and values: characters lost in extraction (�),
/// or labels run together with their values.
fn damage(rows: &[Row], fields: &Fields) -> Option<(At, String)> {
    for row in rows {
        if let Some((_, cell)) = row.filled().find(|(_, cell)| cell.contains('\u{fffd}')) {
            return Some((
                row.at,
                format!(
                    "the text is damaged: {} has characters lost in extraction (�); extract the text again or import another copy of the form",
                    quote(cell)
                ),
            ));
        }
    }
    if fields.has(Field::Name) {
        return None;
    }
    rows.iter().find_map(|row| {
        let (_, cell) = row
            .filled()
            .find(|(_, cell)| has_glued_label(&normalize(cell)))?;
        Some((
            row.at,
            format!(
                "the text is too damaged to tell labels from values: {} runs labels and values together; extract the text with its cells apart (e.g. pdftotext -layout) or import another copy of the form",
                quote(cell)
            ),
        ))
    })
}

/// The year from the title, or from a `(YYYY年度)` line or a 申报年度 field; and the rows without
/// the year line.
fn year_and_rows(
    region: &Region,
    rows: Vec<Row>,
    problems: &mut Problems,
) -> (Option<i32>, Vec<Row>) {
    if let Some(year) = year_in(&region.title) {
        let rows = rows
            .into_iter()
            .enumerate()
            .filter(|(index, row)| *index > 0 || !is_year_line(&row.joined()))
            .map(|(_, row)| row)
            .collect();
        return (Some(year), rows);
    }
    if let Some(first) = rows.first() {
        let text = first.joined();
        if (is_year_line(&text) || (first.filled().count() == 1 && text.chars().count() <= 20))
            && let Some(year) = year_in(&text)
        {
            return (Some(year), rows.into_iter().skip(1).collect());
        }
    }
    let fields = Fields::scan(&rows);
    if let Some(year) = fields
        .optional(Field::Year)
        .ok()
        .flatten()
        .and_then(|text| year_in(&format!("{}年", text.trim_end_matches(['年', '度']))))
    {
        return (Some(year), rows);
    }
    let at = rows.first().map_or(region.at, |row| row.at);
    if let Some(first) = rows.first().filter(|row| row.filled().count() == 1) {
        problems.0.push((
            at,
            format!(
                "the line after the title must give the year as `(YYYY年度)`, e.g. `(2023年度)`, but it is {}",
                quote(&first.joined())
            ),
        ));
        return (None, rows.into_iter().skip(1).collect());
    }
    problems.0.push((
        at,
        format!(
            "no year: the title {} is not followed by the year line `(YYYY年度)`, e.g. `(2023年度)`, and no 申报年度 is given",
            quote(if region.title.is_empty() { "(none)" } else { &region.title })
        ),
    ));
    (None, rows)
}

/// A 主管部门 printed with its code: `[015]上海市科学技术协会`, `【015】…`, `（015）…`,
/// `310001-单位名`, `015 单位名`. Returns the code (if any) and the name, both verbatim.
pub(crate) fn split_code(text: &str) -> (Option<String>, String) {
    let text = text.trim();
    for (open, close) in [('[', ']'), ('【', '】'), ('(', ')'), ('（', '）')] {
        if let Some(rest) = text.strip_prefix(open)
            && let Some((code, name)) = rest.split_once(close)
            && is_code(code)
            && !name.trim().is_empty()
        {
            return (Some(code.trim().to_string()), name.trim().to_string());
        }
    }
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() >= 2 {
        let rest = &text[digits.len()..];
        let name = rest.trim_start_matches(['-', '－', '—', ' ', '\u{3000}', '_']);
        if name.len() < rest.len() && !name.is_empty() {
            return (Some(digits), name.to_string());
        }
    }
    (None, text.to_string())
}

fn is_code(code: &str) -> bool {
    let code = code.trim();
    !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Is `text` a real calendar date written `YYYY-MM-DD`?
pub(crate) fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits_at = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits_at(0..4), digits_at(5..7), digits_at(8..10))
    else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn department_codes() {
        let cases = [
            ("[015]上海市科学技术协会", Some("015"), "上海市科学技术协会"),
            (
                "【015】上海市科学技术协会",
                Some("015"),
                "上海市科学技术协会",
            ),
            ("310001-单位名", Some("310001"), "单位名"),
            ("015 上海市科学技术协会", Some("015"), "上海市科学技术协会"),
            ("上海市科学技术协会", None, "上海市科学技术协会"),
            ("(上海)科协", None, "(上海)科协"),
            ("12345", None, "12345"),
        ];
        for (text, code, name) in cases {
            let (got_code, got_name) = split_code(text);
            assert_eq!(got_code.as_deref(), code, "{text}");
            assert_eq!(got_name, name, "{text}");
        }
    }

    #[test]
    fn dates() {
        assert!(is_date("2023-01-01"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("2023-00-10"));
        assert!(!is_date("2023/01/01"));
        assert!(!is_date("2023-1-1"));
        assert!(!is_date("2023-01-1x"));
        assert!(!is_date("２０２３-01-01"));
        assert!(!is_date("+023-01-01"));
    }
}
