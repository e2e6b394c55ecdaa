//! Label-driven field extraction: every field is found by its label cell, wherever the export
//! put it, and its value is the next non-empty cell to the right unless that cell is a label.

use super::table::{Row, normalize};
use std::collections::BTreeMap;

/// A field of the declaration's header and funding block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Field {
    Name,
    Nature,
    Category,
    Department,
    Implementer,
    Start,
    End,
    Total,
    TotalFiscal,
    TotalOther,
    Annual,
    Appropriation,
    Carryover,
    Other,
}

impl Field {
    /// The label as printed on the form, for messages.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Field::Name => "项目名称",
            Field::Nature => "项目性质",
            Field::Category => "项目类别",
            Field::Department => "主管部门",
            Field::Implementer => "实施单位",
            Field::Start => "计划开始日期",
            Field::End => "计划完成日期",
            Field::Total => "项目资金总额",
            Field::TotalFiscal => "其中：财政资金",
            Field::TotalOther => "其他资金 (项目资金总额)",
            Field::Annual => "年度资金申请总额",
            Field::Appropriation => "其中：当年财政拨款",
            Field::Carryover => "上年结转资金",
            Field::Other => "其他资金",
        }
    }
}

/// The field a (normalized) label cell names. 其他资金 is `Other` here; its column decides later
/// whether it is the multi-year `TotalOther`.
fn field_of(label: &str) -> Option<Field> {
    let label = label.strip_prefix("其中：").unwrap_or(label);
    Some(match label {
        "项目名称" => Field::Name,
        "项目性质" => Field::Nature,
        "项目类别" => Field::Category,
        "主管部门" => Field::Department,
        "实施单位" => Field::Implementer,
        "计划开始日期" => Field::Start,
        "计划完成日期" => Field::End,
        "项目资金总额" => Field::Total,
        "财政资金" => Field::TotalFiscal,
        "年度资金申请总额" => Field::Annual,
        "当年财政拨款" => Field::Appropriation,
        "上年结转资金" => Field::Carryover,
        "其他资金" => Field::Other,
        _ => return None,
    })
}

/// The unit in a (normalized) `项目资金 (元)` label cell: `Some("元")`, `Some("万元")`, or
/// whatever else is in the parentheses; `Some("")` for a bare `项目资金`.
pub(crate) fn unit_of(label: &str) -> Option<&str> {
    let rest = label.strip_prefix("项目资金")?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix('(')?.strip_suffix(')')
}

/// Is this (normalized) cell a label of the form, of any section?
pub(crate) fn is_label(label: &str) -> bool {
    field_of(label).is_some()
        || unit_of(label).is_some()
        || matches!(
            label,
            "项目绩效目标" | "绩效目标" | "绩效指标" | "一级指标" | "二级指标" | "三级指标"
        )
        || label.starts_with("项目总目标")
        || label.starts_with("年度总体目标")
        || (label.ends_with("指标值") && label.chars().count() <= 12)
}

/// One occurrence of a label: its line and the value to its right, if any.
#[derive(Debug, Clone)]
struct Occurrence {
    line: usize,
    value: Option<String>,
}

/// Every label found in the header rows of a form.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    found: BTreeMap<Field, Vec<Occurrence>>,
    /// The first `项目资金 (…)` label: its line and the unit inside the parentheses.
    pub unit: Option<(usize, String)>,
}

/// A problem with one field: the line to point at and the message.
pub(crate) type FieldError = (usize, String);

impl Fields {
    pub(crate) fn scan(rows: &[Row]) -> Fields {
        let mut fields = Fields::default();
        let annual_column = rows
            .iter()
            .flat_map(Row::filled)
            .find(|(_, cell)| field_of(&normalize(cell)) == Some(Field::Annual))
            .map(|(column, _)| column);
        for row in rows {
            for (column, cell) in row.filled() {
                let label = normalize(cell);
                if let Some(unit) = unit_of(&label) {
                    fields.unit.get_or_insert((row.line, unit.to_string()));
                    continue;
                }
                let Some(mut field) = field_of(&label) else {
                    continue;
                };
                // 其他资金 appears twice on one row: left of the 年度资金申请总额 column it belongs
                // to the multi-year half (项目资金总额), otherwise to the annual half.
                if field == Field::Other && annual_column.is_some_and(|annual| column < annual) {
                    field = Field::TotalOther;
                }
                fields.found.entry(field).or_default().push(Occurrence {
                    line: row.line,
                    value: value_right_of(row, column),
                });
            }
        }
        fields
    }

    /// The value of an optional field; an error if the form gives it twice, differently.
    pub(crate) fn optional(&self, field: Field) -> Result<Option<String>, FieldError> {
        let mut values = self
            .found
            .get(&field)
            .into_iter()
            .flatten()
            .filter_map(|occurrence| Some((occurrence.line, occurrence.value.as_ref()?)));
        let Some((first_line, first)) = values.next() else {
            return Ok(None);
        };
        if let Some((line, other)) = values.find(|(_, value)| *value != first) {
            return Err((
                line,
                format!(
                    "{} appears twice with different values ({} on line {first_line}, {} on line {line}); keep the right one",
                    field.label(),
                    quote(first),
                    quote(other),
                ),
            ));
        }
        Ok(Some(first.clone()))
    }

    /// The value of a required field; `form_line` is where to point when the label is missing.
    pub(crate) fn required(&self, field: Field, form_line: usize) -> Result<String, FieldError> {
        if let Some(value) = self.optional(field)? {
            return Ok(value);
        }
        Err(
            match self.found.get(&field).and_then(|found| found.first()) {
                Some(occurrence) => (
                    occurrence.line,
                    format!(
                        "{label} is empty; write it in the cell to the right of the {label} cell",
                        label = field.label()
                    ),
                ),
                None => (
                    form_line,
                    format!(
                        "no {label} cell found; every form needs a {label} cell with its value in the cell to its right",
                        label = field.label()
                    ),
                ),
            },
        )
    }

    /// The line of a field's first label cell, for messages about its value.
    pub(crate) fn line_of(&self, field: Field) -> Option<usize> {
        Some(self.found.get(&field)?.first()?.line)
    }
}

/// The next non-empty cell right of `column`, unless it is a label (then the field is empty).
fn value_right_of(row: &Row, column: usize) -> Option<String> {
    let cell = row
        .cells
        .iter()
        .skip(column + 1)
        .find(|cell| !cell.is_empty())?;
    (!is_label(&normalize(cell))).then(|| cell.clone())
}

/// A cell's text quoted for a message, shortened if long.
pub(crate) fn quote(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        format!("`{text}`")
    } else {
        format!("`{}…`", text.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Row> {
        crate::import::table::rows_from(10, lines)
    }

    #[test]
    fn values_are_found_by_label_not_by_column() {
        let fields = Fields::scan(&rows(&[
            "项目名称|学术交流|项目性质|其他一次性项目|项目类别|特定目标类",
            "||主管部门|上海市科学技术协会|实施单位|上海市科学技术协会",
        ]));
        assert_eq!(fields.required(Field::Name, 1), Ok("学术交流".to_string()));
        assert_eq!(
            fields.required(Field::Department, 1),
            Ok("上海市科学技术协会".to_string())
        );
        assert_eq!(
            fields.optional(Field::Category),
            Ok(Some("特定目标类".into()))
        );
        assert_eq!(fields.optional(Field::Start), Ok(None));
    }

    #[test]
    fn an_empty_value_cell_before_the_next_label_means_absent() {
        let fields = Fields::scan(&rows(&[
            "项目资金 (元)|项目资金总额||年度资金申请总额|1,800,000.00|",
            "|其中：财政资金||其中：当年财政拨款|1,800,000.00|",
            "|||上年结转资金|0.00|",
            "|其他资金||其他资金|0.00|",
        ]));
        assert_eq!(fields.unit, Some((10, "元".to_string())));
        assert_eq!(fields.optional(Field::Total), Ok(None));
        assert_eq!(fields.optional(Field::TotalFiscal), Ok(None));
        assert_eq!(fields.optional(Field::TotalOther), Ok(None));
        assert_eq!(
            fields.optional(Field::Annual),
            Ok(Some("1,800,000.00".into()))
        );
        assert_eq!(
            fields.optional(Field::Appropriation),
            Ok(Some("1,800,000.00".into()))
        );
        assert_eq!(fields.optional(Field::Carryover), Ok(Some("0.00".into())));
        assert_eq!(fields.optional(Field::Other), Ok(Some("0.00".into())));
    }

    #[test]
    fn other_funds_left_of_the_annual_column_are_the_multi_year_ones() {
        let fields = Fields::scan(&rows(&[
            "项目资金（万元）|项目资金总额|42.91|年度资金申请总额|24.955|",
            "|其他资金|1.00|其他资金|2.00|",
        ]));
        assert_eq!(fields.unit, Some((10, "万元".to_string())));
        assert_eq!(fields.optional(Field::TotalOther), Ok(Some("1.00".into())));
        assert_eq!(fields.optional(Field::Other), Ok(Some("2.00".into())));
    }

    #[test]
    fn missing_empty_and_conflicting_fields_are_errors() {
        let fields = Fields::scan(&rows(&["项目名称||主管部门|甲", "主管部门|乙"]));
        let (line, message) = fields.required(Field::Name, 3).unwrap_err();
        assert_eq!(line, 10);
        assert!(message.contains("项目名称 is empty"), "{message}");
        let (line, message) = fields.required(Field::Annual, 3).unwrap_err();
        assert_eq!(line, 3);
        assert!(message.contains("no 年度资金申请总额 cell"), "{message}");
        let (line, message) = fields.required(Field::Department, 3).unwrap_err();
        assert_eq!(line, 11);
        assert!(
            message.contains("`甲` on line 10, `乙` on line 11"),
            "{message}"
        );
    }

    #[test]
    fn labels_are_recognised_split_and_with_either_colon() {
        assert!(is_label(&normalize("项目 绩效 目标")));
        assert!(is_label(&normalize("其中:当年财政拨款")));
        assert!(is_label(&normalize("年度(/项目)指标值")));
        assert!(is_label(&normalize("项目总目标 (2023年 -2024年)")));
        assert!(!is_label("上海市科学技术协会"));
        assert!(!is_label("1,800,000.00"));
    }
}
