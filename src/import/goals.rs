//! 项目绩效目标: the row with the 项目总目标 and 年度总体目标 labels gives their columns; the text
//! rows below it (up to the indicator header) give the text, each cell going to the label
//! column it is nearest to.

use super::fields::is_label;
use super::markdown::goal_markdown;
use super::table::{Row, normalize};

const OVERALL: &str = "项目总目标";
const ANNUAL: &str = "年度总体目标";

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
    row.filled().any(|(_, cell)| {
        let label = normalize(cell);
        label.starts_with(OVERALL) || label.starts_with(ANNUAL)
    })
}

/// Reads the goals from their label row and the text rows below it.
pub(crate) fn parse_goals(header: &Row, text_rows: &[Row]) -> Goals {
    let mut overall_column = None;
    let mut annual_column = None;
    let mut overall_period = String::new();
    for (column, cell) in header.filled() {
        let label = normalize(cell);
        if let Some(rest) = label.strip_prefix(OVERALL) {
            if overall_column.is_none() {
                overall_column = Some(column);
                // `项目总目标 (2023年 -2024年)`: the whitespace is an export artifact.
                overall_period = rest
                    .strip_prefix('(')
                    .and_then(|inner| inner.strip_suffix(')'))
                    .unwrap_or(rest)
                    .to_string();
            }
        } else if label.starts_with(ANNUAL) && annual_column.is_none() {
            annual_column = Some(column);
        }
    }

    let mut overall_cells: Vec<&str> = Vec::new();
    let mut annual_cells: Vec<&str> = Vec::new();
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
                overall_cells.push(cell);
            } else {
                annual_cells.push(cell);
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
        Row::parse(line, &text.replace('|', "\t"))
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
}
