//! Finding the forms in a document: a form starts at a title row (any of the title variants),
//! or at a 项目名称 row after the indicator table of the form before it (several forms under one
//! title). A title row that is not followed by a form's fields is a page header of the form it
//! sits in, or part of the other text of a longer document; page numbers and footers are
//! dropped. Everything outside the forms is kept aside so a dry run can say what was ignored.

use super::grid::{At, Row, normalize};
use super::labels::{
    Field, Title, field_of, is_page_marker, is_year_line, split_label_value, title_of, year_in,
};

/// What a region of rows is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A declaration form (申报表): fields, goals, indicator table.
    Form,
    /// A self-evaluation form (自评表): refused.
    SelfEvaluation,
    /// A flat list: a header row, then one row per indicator.
    FlatList,
}

/// The rows of one form (or flat list), after its title row.
#[derive(Debug, Clone)]
pub struct Region {
    pub kind: Kind,
    /// The title row's text (empty when the form has none) and where it is.
    pub title: String,
    pub at: At,
    pub rows: Vec<Row>,
}

/// The regions of a document and the rows outside them.
#[derive(Debug, Default)]
pub struct Located {
    pub regions: Vec<Region>,
    /// Non-blank rows that belong to no form.
    pub ignored: Vec<Row>,
}

/// Is this row a form's title?
fn title_row(row: &Row) -> Option<Title> {
    if row.filled().count() > 3 {
        return None;
    }
    title_of(&row.joined())
}

/// Does this row hold a 项目名称 label (alone or with its value)?
pub fn has_name_label(row: &Row) -> bool {
    row.filled().any(|(_, text)| {
        field_of(&normalize(text)) == Some(Field::Name)
            || split_label_value(text).is_some_and(|(field, _)| field == Field::Name)
    })
}

/// Is this the header row of a flat list (项目名称 and 三级指标 in one row)?
pub fn is_flat_header(row: &Row) -> bool {
    let labels: Vec<String> = row.filled().map(|(_, text)| normalize(text)).collect();
    labels.iter().any(|label| label == "项目名称") && labels.iter().any(|label| label == "三级指标")
}

/// Does the text of the rows, read on across rows, hold the label 项目名称? (Text with one cell
/// per line splits labels over lines: `项目` / `名称`.)
fn spells_name_label(rows: &[Row]) -> bool {
    let text: String = rows
        .iter()
        .take(40)
        .map(|row| normalize(&row.joined()))
        .collect();
    text.contains("项目名称")
}

/// How many distinct header fields (主管部门, 年度资金申请总额, …) the rows label: a form whose
/// 项目名称 is missing is still a form, and a page header's rows have none.
fn header_fields(rows: &[Row]) -> usize {
    let mut fields: Vec<Field> = rows
        .iter()
        .flat_map(|row| {
            row.filled()
                .filter_map(|(_, text)| field_of(&normalize(text)))
        })
        .collect();
    fields.sort();
    fields.dedup();
    fields.len()
}

fn is_indicator_header(row: &Row) -> bool {
    row.filled().any(|(_, text)| normalize(text) == "一级指标")
}

pub fn locate(rows: &[Row]) -> Located {
    let rows: Vec<Row> = rows
        .iter()
        .filter(|row| !is_page_marker(&row.joined()))
        .cloned()
        .collect();
    let mut located = Located::default();
    let mut current: Option<Region> = None;
    let mut index = 0;
    while index < rows.len() {
        let row = &rows[index];
        let start = match title_row(row) {
            Some(title) => Some((title, index + 1)),
            None if current.is_none() && (has_name_label(row) || is_flat_header(row)) => {
                Some((Title::Targets, index))
            }
            None => None,
        };
        if let Some((title, body)) = start {
            let end = rows
                .iter()
                .skip(body)
                .position(|row| title_row(row).is_some())
                .map_or(rows.len(), |offset| body + offset);
            let body_rows = rows.get(body..end).unwrap_or_default();
            let kind = if title == Title::SelfEvaluation {
                Some(Kind::SelfEvaluation)
            } else if body_rows.iter().any(is_flat_header) {
                Some(Kind::FlatList)
            } else if body_rows.iter().any(has_name_label)
                || header_fields(body_rows) >= 2
                || spells_name_label(body_rows)
            {
                Some(Kind::Form)
            } else {
                None
            };
            match kind {
                Some(kind) => {
                    located.regions.extend(current.take());
                    let title_text = if body == index {
                        String::new()
                    } else {
                        row.joined()
                    };
                    current = Some(Region {
                        kind,
                        title: title_text,
                        at: row.at,
                        rows: body_rows.to_vec(),
                    });
                }
                // A title repeated as a page header: the rows go on with the form they are in.
                None => match current.as_mut() {
                    Some(region) => region.rows.extend(body_rows.iter().cloned()),
                    None => located.ignored.extend(
                        rows.get(index..end)
                            .unwrap_or_default()
                            .iter()
                            .filter(|row| !row.is_blank())
                            .cloned(),
                    ),
                },
            }
            index = end;
            continue;
        }
        if current.is_none() && !row.is_blank() {
            located.ignored.push(row.clone());
        }
        index += 1;
    }
    located.regions.extend(current);
    located.regions = located
        .regions
        .into_iter()
        .flat_map(split_untitled_forms)
        .collect();
    located
}

/// Several forms under one title: a 项目名称 row after an indicator table starts the next form.
fn split_untitled_forms(region: Region) -> Vec<Region> {
    if region.kind != Kind::Form {
        return vec![region];
    }
    // The forms after the first share its title and its year line.
    let year_line = region
        .rows
        .iter()
        .take(3)
        .map(Row::joined)
        .find(|text| is_year_line(text));
    let later_title = match &year_line {
        Some(year) if year_in(&region.title).is_none() => format!("{} {year}", region.title),
        _ => region.title.clone(),
    };
    let mut forms = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut seen_indicators = false;
    let mut at = region.at;
    for row in region.rows {
        if seen_indicators && has_name_label(&row) {
            let title = if forms.is_empty() {
                region.title.clone()
            } else {
                later_title.clone()
            };
            forms.push(Region {
                kind: Kind::Form,
                title,
                at,
                rows: std::mem::take(&mut rows),
            });
            at = row.at;
            seen_indicators = false;
        }
        seen_indicators |= is_indicator_header(&row);
        rows.push(row);
    }
    let title = if forms.is_empty() {
        region.title
    } else {
        later_title
    };
    forms.push(Region {
        kind: Kind::Form,
        title,
        at,
        rows,
    });
    forms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::grid::rows_from;

    fn summary(located: &Located) -> Vec<(Kind, usize, usize)> {
        located
            .regions
            .iter()
            .map(|region| (region.kind, region.at.line, region.rows.len()))
            .collect()
    }

    #[test]
    fn forms_start_at_titles_and_other_text_is_set_aside() {
        let rows = rows_from(
            1,
            &[
                "关于公开2023年度项目支出绩效目标的说明",
                "附件：财政项目支出绩效目标申报表",
                "财政项目支出绩效目标申报表",
                "(2023年度)",
                "项目名称|甲",
                "|一级指标|二级指标",
                "第 1 页",
                "财政项目支出绩效目标申报表",
                "|产出指标|数量指标|a|1",
                "项目支出绩效目标表",
                "项目名称|乙",
            ],
        );
        let located = locate(&rows);
        // The page header on line 8 (no 项目名称 after it) stays in the first form; the page number
        // goes. The mention on line 2 is other text.
        assert_eq!(summary(&located), [(Kind::Form, 3, 4), (Kind::Form, 10, 1)]);
        assert_eq!(located.ignored.len(), 2);
    }

    #[test]
    fn several_forms_under_one_title() {
        let rows = rows_from(
            1,
            &[
                "2023年度项目绩效目标表",
                "项目名称|甲",
                "|一级指标|",
                "|产出指标|数量指标|a|1",
                "项目名称|乙",
                "|一级指标|",
            ],
        );
        let located = locate(&rows);
        assert_eq!(summary(&located), [(Kind::Form, 1, 3), (Kind::Form, 5, 2)]);
        assert_eq!(located.regions[1].title, "2023年度项目绩效目标表");
    }

    #[test]
    fn self_evaluations_flat_lists_and_untitled_forms() {
        let rows = rows_from(
            1,
            &[
                "项目支出绩效自评表",
                "项目名称|甲",
                "2023年项目支出绩效目标表",
                "项目名称|一级指标|二级指标|三级指标|指标值",
            ],
        );
        let kinds: Vec<Kind> = locate(&rows).regions.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [Kind::SelfEvaluation, Kind::FlatList]);
        let untitled = locate(&rows_from(1, &["说明", "项目名称|甲"]));
        assert_eq!(summary(&untitled), [(Kind::Form, 2, 1)]);
        assert_eq!(untitled.regions[0].title, "");
        assert_eq!(untitled.ignored.len(), 1);
    }
}
