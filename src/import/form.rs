//! One form: the year line, then the header rows (fields and funding), the goals and the
//! indicator table, each found by its labels.

use super::fields::{Field, Fields, quote};
use super::goals::{Goals, is_goal_header, parse_goals};
use super::indicators::{Indicator, is_indicator_header, parse_indicators};
use super::table::{RawForm, Row, normalize};

/// A declaration as read from one form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Declaration {
    pub name: String,
    pub year: i32,
    pub nature: Option<String>,
    pub category: Option<String>,
    pub department: String,
    pub implementer: Option<String>,
    /// `YYYY-MM-DD`, checked.
    pub start: Option<String>,
    pub end: Option<String>,
    pub funding: Funding,
    pub goals: Goals,
    pub indicators: Vec<Indicator>,
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

/// Why a form could not be read: its 项目名称 if known, and a (line, message) per problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormFailure {
    pub name: Option<String>,
    pub errors: Vec<(usize, String)>,
}

/// Collects the problems of one form while reading on, so that one run reports them all.
#[derive(Default)]
struct Problems(Vec<(usize, String)>);

impl Problems {
    fn take<T>(&mut self, result: Result<T, (usize, String)>) -> Option<T> {
        result.map_err(|error| self.0.push(error)).ok()
    }
}

pub(crate) fn parse_form(form: &RawForm<'_>) -> Result<Declaration, FormFailure> {
    let mut problems = Problems::default();
    let (year, rows) = year_and_rows(form, &mut problems);

    let goal_header = rows.iter().position(is_goal_header);
    let after_goals = goal_header.map_or(0, |index| index + 1);
    let indicator_header = rows
        .iter()
        .skip(after_goals)
        .position(is_indicator_header)
        .map(|index| index + after_goals);
    let header_end = goal_header.or(indicator_header).unwrap_or(rows.len());

    let fields = Fields::scan(rows.get(..header_end).unwrap_or_default());
    let name = problems.take(fields.required(Field::Name, form.title_line));
    let department = problems.take(fields.required(Field::Department, form.title_line));
    let annual = problems.take(fields.required(Field::Annual, form.title_line));
    let mut optional = |field| problems.take(fields.optional(field)).flatten();
    let nature = optional(Field::Nature);
    let category = optional(Field::Category);
    let implementer = optional(Field::Implementer);
    let start = optional(Field::Start);
    let end = optional(Field::End);
    let total = optional(Field::Total);
    let total_fiscal = optional(Field::TotalFiscal);
    let total_other = optional(Field::TotalOther);
    let appropriation = optional(Field::Appropriation);
    let carryover = optional(Field::Carryover);
    let other = optional(Field::Other);
    for (field, date) in [(Field::Start, &start), (Field::End, &end)] {
        if let Some(date) = date.as_deref().filter(|date| !is_date(date)) {
            problems.0.push((
                fields.line_of(field).unwrap_or(form.title_line),
                format!(
                    "{} is {}, not a date written YYYY-MM-DD; write it like 2023-01-01",
                    field.label(),
                    quote(date)
                ),
            ));
        }
    }
    let unit = match &fields.unit {
        None => "元".to_string(),
        Some((_, unit)) if unit.is_empty() => "元".to_string(),
        Some((_, unit)) if unit == "元" || unit == "万元" => unit.clone(),
        Some((line, unit)) => {
            problems.0.push((
                *line,
                format!(
                    "the amounts' unit {} is neither 元 nor 万元; state the unit of the form's amounts as `项目资金 (元)` or `项目资金 (万元)`",
                    quote(unit)
                ),
            ));
            String::new()
        }
    };

    let goals = match goal_header {
        Some(index) => parse_goals(
            &rows[index],
            rows.get(index + 1..indicator_header.unwrap_or(rows.len()))
                .unwrap_or_default(),
        ),
        None => Goals::default(),
    };
    let indicators = match indicator_header {
        Some(index) => {
            let (indicators, errors) = parse_indicators(rows.get(index + 1..).unwrap_or_default());
            problems.0.extend(errors);
            indicators
        }
        None => {
            problems.0.push((
                form.title_line,
                "no indicator table: no row with the header 一级指标 二级指标 三级指标 年度(/项目)指标值 was found; the 绩效指标 table must follow the goals as in the official form".to_string(),
            ));
            Vec::new()
        }
    };

    match (year, name, department, annual) {
        (Some(year), Some(name), Some(department), Some(annual)) if problems.0.is_empty() => {
            Ok(Declaration {
                name,
                year,
                nature,
                category,
                department,
                implementer,
                start,
                end,
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
            })
        }
        (_, name, ..) => {
            let mut errors = problems.0;
            errors.sort_by_key(|(line, _)| *line);
            Err(FormFailure { name, errors })
        }
    }
}

/// The year from the `(YYYY年度)` line right after the title (or on the title line itself),
/// and the non-blank rows after it.
fn year_and_rows(form: &RawForm<'_>, problems: &mut Problems) -> (Option<i32>, Vec<Row>) {
    let mut lines = form
        .lines
        .iter()
        .copied()
        .filter(|(_, text)| !text.trim().is_empty());
    let year_line = if form.title_rest.trim().is_empty() {
        lines.next()
    } else {
        Some((form.title_line, form.title_rest))
    };
    let mut rows = Vec::new();
    let year = match year_line {
        None => problems.take(Err((
            form.title_line,
            "the form is empty: the title must be followed by the year line `(YYYY年度)` and the form's table".to_string(),
        ))),
        Some((line, text)) => {
            let year = parse_year(text);
            if year.is_none() {
                problems.0.push((
                    line,
                    format!(
                        "the line after the title must give the year as `(YYYY年度)`, e.g. `(2023年度)`, but it is {}",
                        quote(text.trim())
                    ),
                ));
                if text.contains('\t') {
                    rows.push(Row::parse(line, text)); // a table row: read it as one
                }
            }
            year
        }
    };
    rows.extend(
        lines
            .map(|(line, text)| Row::parse(line, text))
            .filter(|row| !row.is_blank()),
    );
    (year, rows)
}

/// `(2023年度)`, also with full-width parentheses, spaces, or without parentheses.
pub(crate) fn parse_year(text: &str) -> Option<i32> {
    let text = normalize(text);
    let inner = text
        .strip_prefix('(')
        .and_then(|inner| inner.strip_suffix(')'))
        .unwrap_or(&text);
    let digits = inner.strip_suffix("年度")?;
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|year| *year >= 1000)
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
    fn year_lines() {
        assert_eq!(parse_year("(2023年度)"), Some(2023));
        assert_eq!(parse_year(" （2024 年度） "), Some(2024));
        assert_eq!(parse_year("2025年度"), Some(2025));
        assert_eq!(parse_year("(23年度)"), None);
        assert_eq!(parse_year("(0999年度)"), None);
        assert_eq!(parse_year("(2023年)"), None);
        assert_eq!(parse_year("项目名称\t学术交流"), None);
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
