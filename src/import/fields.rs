//! Label-driven field extraction: every field is found by its label cell, wherever the export
//! put it, and its value is the next non-empty cell to the right unless that cell is a label. A
//! cell holding both (`项目名称：学术交流`) gives the field and its value at once.

use super::grid::{At, Row, normalize};
use super::labels::{Field, field_of, is_label, split_label_value, stated_unit, unit_label};
use std::collections::BTreeMap;

/// One occurrence of a label: its line and the value to its right, if any.
#[derive(Debug, Clone)]
struct Occurrence {
    at: At,
    value: Option<String>,
}

/// Every label found in the header rows of a form.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    found: BTreeMap<Field, Vec<Occurrence>>,
    /// The first unit the form states: `项目资金 (…)` (what is inside the parentheses, `""` for
    /// a bare 项目资金), or `金额单位：万元`; with where it is.
    pub unit: Option<(At, String)>,
}

/// A problem with one field: where to point and the message.
pub(crate) type FieldError = (At, String);

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
                if let Some(unit) = unit_label(&label) {
                    fields.unit.get_or_insert((row.at, unit.to_string()));
                    continue;
                }
                let (field, value) = match field_of(&label) {
                    Some(field) => (field, value_right_of(row, column)),
                    None => match split_label_value(cell) {
                        Some((field, value)) => (field, Some(value)),
                        None => {
                            if let Some(unit) = stated_unit(cell) {
                                fields.unit.get_or_insert((row.at, unit.to_string()));
                            }
                            continue;
                        }
                    },
                };
                // 其他资金 and 财政拨款 appear in both halves of 项目资金: left of the
                // 年度资金申请总额 column they belong to the multi-year half (项目资金总额).
                let field = match field {
                    Field::Other if annual_column.is_some_and(|annual| column < annual) => {
                        Field::TotalOther
                    }
                    Field::Appropriation if annual_column.is_some_and(|annual| column < annual) => {
                        Field::TotalFiscal
                    }
                    field => field,
                };
                fields
                    .found
                    .entry(field)
                    .or_default()
                    .push(Occurrence { at: row.at, value });
            }
        }
        fields
    }

    /// Was the field's label found at all (with or without a value)?
    pub(crate) fn has(&self, field: Field) -> bool {
        self.found.contains_key(&field)
    }

    /// The value of an optional field; an error if the form gives it twice, differently.
    pub(crate) fn optional(&self, field: Field) -> Result<Option<String>, FieldError> {
        let mut values = self
            .found
            .get(&field)
            .into_iter()
            .flatten()
            .filter_map(|occurrence| Some((occurrence.at, occurrence.value.as_ref()?)));
        let Some((first_line, first)) = values.next() else {
            return Ok(None);
        };
        if let Some((line, other)) = values.find(|(_, value)| *value != first) {
            return Err((
                line,
                format!(
                    "{} appears twice with different values ({} at {}, {} at {}); keep the right one",
                    field.label(),
                    quote(first),
                    first_line.line,
                    quote(other),
                    line.line,
                ),
            ));
        }
        Ok(Some(first.clone()))
    }

    /// The value of a required field; `form_line` is where to point when the label is missing.
    pub(crate) fn required(&self, field: Field, form_line: At) -> Result<String, FieldError> {
        if let Some(value) = self.optional(field)? {
            return Ok(value);
        }
        Err(
            match self.found.get(&field).and_then(|found| found.first()) {
                Some(occurrence) => (
                    occurrence.at,
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
    pub(crate) fn line_of(&self, field: Field) -> Option<At> {
        Some(self.found.get(&field)?.first()?.at)
    }
}

/// The next non-empty cell right of `column`, unless it is a label (then the field is empty).
fn value_right_of(row: &Row, column: usize) -> Option<String> {
    let (_, cell) = row.filled().find(|(other, _)| *other > column)?;
    let label = normalize(cell);
    let is_a_label = is_label(&label) || split_label_value(cell).is_some();
    (!is_a_label).then(|| cell.to_string())
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
        crate::import::grid::rows_from(10, lines)
    }

    fn at(line: usize) -> At {
        At { table: 0, line }
    }

    #[test]
    fn values_are_found_by_label_not_by_column() {
        let fields = Fields::scan(&rows(&[
            "项目名称|学术交流|项目性质|其他一次性项目|项目类别|特定目标类",
            "||主管部门|上海市科学技术协会|实施单位|上海市科学技术协会",
        ]));
        assert_eq!(
            fields.required(Field::Name, at(1)),
            Ok("学术交流".to_string())
        );
        assert_eq!(
            fields.required(Field::Department, at(1)),
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
        assert_eq!(fields.unit, Some((at(10), "元".to_string())));
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
        assert_eq!(fields.unit, Some((at(10), "万元".to_string())));
        assert_eq!(fields.optional(Field::TotalOther), Ok(Some("1.00".into())));
        assert_eq!(fields.optional(Field::Other), Ok(Some("2.00".into())));
    }

    #[test]
    fn missing_empty_and_conflicting_fields_are_errors() {
        let fields = Fields::scan(&rows(&["项目名称||主管部门|甲", "主管部门|乙"]));
        let (line, message) = fields.required(Field::Name, at(3)).unwrap_err();
        assert_eq!(line, at(10));
        assert!(message.contains("项目名称 is empty"), "{message}");
        let (line, message) = fields.required(Field::Annual, at(3)).unwrap_err();
        assert_eq!(line, at(3));
        assert!(message.contains("no 年度资金申请总额 cell"), "{message}");
        let (line, message) = fields.required(Field::Department, at(3)).unwrap_err();
        assert_eq!(line, at(11));
        assert!(message.contains("`甲` at 10, `乙` at 11"), "{message}");
    }

    #[test]
    fn label_and_value_in_one_cell_and_stated_units() {
        let fields = Fields::scan(&rows(&[
            "金额单位：万元",
            "项目名称：学术交流|主管部门 [015]上海市科学技术协会",
            "中期资金总额：|42.91|年度资金总额：|24.955",
            "其中：财政拨款|40|其中：财政拨款|20",
        ]));
        assert_eq!(fields.unit, Some((at(10), "万元".to_string())));
        assert_eq!(fields.optional(Field::Name), Ok(Some("学术交流".into())));
        assert_eq!(
            fields.optional(Field::Department),
            Ok(Some("[015]上海市科学技术协会".into()))
        );
        assert_eq!(fields.optional(Field::Total), Ok(Some("42.91".into())));
        assert_eq!(fields.optional(Field::TotalFiscal), Ok(Some("40".into())));
        assert_eq!(fields.optional(Field::Appropriation), Ok(Some("20".into())));
        assert!(fields.has(Field::Annual));
    }
}
