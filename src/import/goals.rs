//! 项目绩效目标: the row with the 项目总目标 and 年度总体目标 labels (or 中期目标 and 年度目标)
//! gives their columns; the text rows below it (up to the indicator header) give the text, each
//! cell going to the label column it is nearest to. A label cell may hold its text too
//! (`年度总体目标：提升…`).

use super::grid::{Row, normalize};
use super::labels::{Goal, goal_label, is_label};
use super::markdown::goal_markdown;

/// The goals as Markdown; empty strings are absent fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Goals {
    pub overall: String,
    pub overall_period: String,
    pub annual: String,
}

impl Goals {
    pub(crate) fn is_empty(&self) -> bool {
        self.overall.is_empty() && self.overall_period.is_empty() && self.annual.is_empty()
    }
}

/// Is this the row holding the 项目总目标 / 年度总体目标 labels?
pub(crate) fn is_goal_header(row: &Row) -> bool {
    row.filled()
        .any(|(_, cell)| goal_label(&normalize(cell)).is_some())
}

/// A goal label and the text in the same cell after a colon, if any: `年度目标：提升`.
fn label_and_text(cell: &str) -> Option<(Goal, String, Option<String>)> {
    let (label, text) = match cell.split_once(['：', ':']) {
        Some((label, text))
            if !text.trim().is_empty() && goal_label(&normalize(label)).is_some() =>
        {
            (label, Some(text.trim().to_string()))
        }
        _ => (cell, None),
    };
    let normalized = normalize(label);
    let goal = goal_label(&normalized)?;
    Some((goal, normalized, text))
}

/// Reads the goals from their label row and the text rows below it.
pub(crate) fn parse_goals(header: &Row, text_rows: &[Row]) -> Goals {
    let mut overall_column = None;
    let mut annual_column = None;
    let mut overall_period = String::new();
    let mut overall_cells: Vec<String> = Vec::new();
    let mut annual_cells: Vec<String> = Vec::new();
    for (column, cell) in header.filled() {
        let Some((goal, label, text)) = label_and_text(cell) else {
            continue;
        };
        match goal {
            Goal::Overall if overall_column.is_none() => {
                overall_column = Some(column);
                // `项目总目标 (2023年 -2024年)`: the whitespace is an export artifact.
                let rest = label
                    .strip_prefix("项目总目标")
                    .or_else(|| label.strip_prefix("中期目标"))
                    .unwrap_or_default();
                let rest = rest.strip_suffix('：').unwrap_or(rest);
                overall_period = rest
                    .strip_prefix('(')
                    .and_then(|inner| inner.strip_suffix(')'))
                    .unwrap_or(rest)
                    .to_string();
                overall_cells.extend(text);
            }
            Goal::Annual if annual_column.is_none() => {
                annual_column = Some(column);
                annual_cells.extend(text);
            }
            _ => {}
        }
    }

    for row in text_rows {
        for (column, cell) in row.filled() {
            if is_label(&normalize(cell)) {
                continue;
            }
            let to_overall = match (overall_column, annual_column) {
                (Some(overall), Some(annual)) => column.abs_diff(overall) < column.abs_diff(annual),
                (Some(_), None) => true,
                _ => false,
            };
            if to_overall {
                overall_cells.push(cell.to_string());
            } else {
                annual_cells.push(cell.to_string());
            }
        }
    }
    Goals {
        overall: goal_markdown(&overall_cells),
        overall_period,
        annual: goal_markdown(&annual_cells),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, text: &str) -> Row {
        crate::import::grid::rows_from(line, &[text]).remove(0)
    }

    #[test]
    fn text_under_the_annual_column_is_the_annual_goal() {
        let goals = parse_goals(
            &row(1, "项目 绩效 目标|项目总目标||年度总体目标||"),
            &[row(2, "|||提升学术能力。||")],
        );
        assert_eq!(goals.overall, "");
        assert_eq!(goals.overall_period, "");
        assert_eq!(goals.annual, "提升学术能力。");
    }

    #[test]
    fn multi_year_goals_and_their_period() {
        let goals = parse_goals(
            &row(
                1,
                "项目 绩效 目标|项目总目标 (2023年 -2024年)||年度总体目标||",
            ),
            &[row(2, "|市科协机构及常委会会议||市科协会议||")],
        );
        assert_eq!(goals.overall, "市科协机构及常委会会议");
        assert_eq!(goals.overall_period, "2023年-2024年");
        assert_eq!(goals.annual, "市科协会议");
    }

    #[test]
    fn a_cell_between_the_columns_goes_to_the_annual_goal() {
        // Labels in adjacent columns, text one column right of 项目总目标: nearest is 年度总体目标
        // (distance 0); in a tie, 年度总体目标 wins too.
        let goals = parse_goals(
            &row(1, "项目 绩效 目标|项目总目标|年度总体目标"),
            &[row(2, "||<p>一、交流</p> <p>立足上海</p>")],
        );
        assert_eq!(goals.overall, "");
        assert_eq!(goals.annual, "一、交流\n\n立足上海");
        let tie = parse_goals(&row(1, "|项目总目标||年度总体目标"), &[row(2, "||甲")]);
        assert_eq!((tie.overall.as_str(), tie.annual.as_str()), ("", "甲"));
    }

    #[test]
    fn several_text_rows_become_paragraphs_and_labels_are_skipped() {
        let goals = parse_goals(
            &row(1, "项目绩效目标|项目总目标||年度总体目标"),
            &[row(2, "项目绩效目标|甲||乙"), row(3, "|丙||1. 丁")],
        );
        assert_eq!(goals.overall, "甲\n\n丙");
        assert_eq!(goals.annual, "乙\n\n1\\. 丁");
        assert!(!goals.is_empty());
    }

    #[test]
    fn national_template_labels_and_text_in_the_label_cell() {
        let goals = parse_goals(
            &row(
                1,
                "总体目标|中期目标（2023年—2025年）：建成平台|年度目标：完成一期",
            ),
            &[],
        );
        assert_eq!(goals.overall, "建成平台");
        assert_eq!(goals.overall_period, "2023年—2025年");
        assert_eq!(goals.annual, "完成一期");
    }
}
