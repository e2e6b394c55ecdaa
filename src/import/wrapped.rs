//! Forms read from text with one cell per line ([`Flow::Wrapped`]): the pieces of each wrapped
//! cell are joined and the form's rows rebuilt, so that the form reader can read them as a table.
//!
//! - A label split over pieces (`项目` `绩效` `目标`, `绩` `效` `指` `标`) is joined.
//! - In the header, a label's value is every piece up to the next label.
//! - Goal text is cut into cells where a piece is shorter than the column's full width (a cell's
//!   last line); with both goal labels and a period on 项目总目标 the first cell is the overall
//!   goal, otherwise all text is the annual goal.
//! - In the indicator table, the pieces between level names are split into (三级指标, 指标值)
//!   cells by the column widths that make every cell end with a short line and every target look
//!   like one (`≥100.00(项)`, `12公里`, `及时`).
//!
//! [`Flow::Wrapped`]: super::grid::Flow::Wrapped

use super::columns::{best_widths, split_run};
use super::grid::{At, Cell, Row, normalize, push_wrapped, wrapped_onto};
use super::labels::{Field, field_of, goal_label, is_footer, is_label, unit_label};
use crate::levels::{is_level1, is_level2};
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone)]
pub(crate) struct Piece {
    at: At,
    text: String,
    label: Option<String>,
}

impl AsRef<str> for Piece {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

fn is_label_piece(normalized: &str) -> bool {
    let label = normalized.strip_suffix('：').unwrap_or(normalized);
    is_label(label) || is_level1(label) || is_level2(label) || label == "绩效指标"
}

/// The pieces of the region in order, with split labels joined.
fn pieces(rows: &[Row]) -> Vec<Piece> {
    let raw: Vec<(At, &str)> = rows
        .iter()
        .flat_map(|row| row.filled().map(move |(_, text)| (row.at, text)))
        .collect();
    let mut pieces = Vec::with_capacity(raw.len());
    let mut index = 0;
    while index < raw.len() {
        let mut joined = String::new();
        let mut best: Option<(usize, String)> = None;
        for (offset, (_, text)) in raw.iter().skip(index).take(8).enumerate() {
            joined.push_str(&normalize(text));
            if is_label_piece(&joined) {
                best = Some((offset, joined.clone()));
            }
        }
        let (at, text) = raw[index];
        match best {
            Some((offset, label)) => {
                pieces.push(Piece {
                    at,
                    text: label.clone(),
                    label: Some(label),
                });
                index += offset + 1;
            }
            None => {
                pieces.push(Piece {
                    at,
                    text: text.to_string(),
                    label: None,
                });
                index += 1;
            }
        }
    }
    pieces
}

fn cell(text: &str, column: usize) -> Cell {
    Cell {
        text: text.to_string(),
        column,
    }
}

/// Where the goals and the indicator table start among a region's pieces.
fn sections(pieces: &[Piece]) -> (Option<usize>, Option<usize>) {
    let is_goal = |piece: &Piece| piece.label.as_deref().and_then(goal_label).is_some();
    let is_indicator = |piece: &Piece| piece.label.as_deref() == Some("一级指标");
    let goals_start = pieces.iter().position(is_goal);
    let indicators_start = pieces
        .iter()
        .skip(goals_start.unwrap_or(0))
        .position(is_indicator)
        .map(|offset| offset + goals_start.unwrap_or(0));
    (goals_start, indicators_start)
}

/// The width of the goal column, for every form of a document: its widest line of goal text
/// (the forms of one file share their layout, and one form's goals may be too short to show it).
pub(crate) fn goal_width<'r>(regions: impl IntoIterator<Item = &'r [Row]>) -> usize {
    regions
        .into_iter()
        .filter_map(|rows| {
            let pieces = pieces(rows);
            let (Some(start), end) = sections(&pieces) else {
                return None;
            };
            pieces
                .get(start..end.unwrap_or(pieces.len()))
                .unwrap_or_default()
                .iter()
                .filter(|piece| piece.label.is_none())
                .map(|piece| width(&piece.text))
                .max()
        })
        .max()
        .unwrap_or(0)
}

/// The region's rows rebuilt as rows of whole cells; `goal_width` is the goal column's width.
pub(crate) fn to_cells(rows: &[Row], goal_width: usize, notes: &mut Vec<String>) -> Vec<Row> {
    let pieces = pieces(rows);
    let (goals_start, indicators_start) = sections(&pieces);
    let header_end = goals_start.or(indicators_start).unwrap_or(pieces.len());
    let mut out = header(pieces.get(..header_end).unwrap_or_default());
    if let Some(start) = goals_start {
        let end = indicators_start.unwrap_or(pieces.len());
        out.extend(goals(
            pieces.get(start..end).unwrap_or_default(),
            goal_width,
            notes,
        ));
    }
    if let Some(start) = indicators_start {
        out.extend(indicators(pieces.get(start..).unwrap_or_default()));
    }
    out
}

/// Header pieces: each label with the pieces up to the next label as its value. Labels of the
/// multi-year half of 项目资金 go left of the annual ones, as on the form.
fn header(pieces: &[Piece]) -> Vec<Row> {
    let has_total = pieces.iter().any(|piece| {
        piece
            .label
            .as_deref()
            .and_then(field_of)
            .is_some_and(|field| field == Field::Total)
    });
    let mut seen_other = 0;
    let mut seen_fiscal = 0;
    let others = pieces
        .iter()
        .filter(|piece| piece.label.as_deref().and_then(field_of) == Some(Field::Other))
        .count();
    let mut rows = Vec::new();
    let mut index = 0;
    while index < pieces.len() {
        let piece = &pieces[index];
        let Some(label) = &piece.label else {
            rows.push(Row {
                at: piece.at,
                cells: vec![cell(&piece.text, 0)],
            });
            index += 1;
            continue;
        };
        let mut value = String::new();
        let mut next = index + 1;
        while let Some(text) = pieces.get(next).filter(|piece| piece.label.is_none()) {
            push_wrapped(&mut value, &text.text);
            next += 1;
        }
        let field = field_of(label);
        let left = match field {
            Some(Field::Total | Field::TotalFiscal) => true,
            Some(Field::Other) => {
                seen_other += 1;
                has_total && others >= 2 && seen_other == 1
            }
            Some(Field::Appropriation) if label.contains("当年") => false,
            Some(Field::Appropriation) => {
                seen_fiscal += 1;
                has_total && seen_fiscal == 1
            }
            _ => false,
        };
        let column = if unit_label(label).is_some() {
            0
        } else if left {
            1
        } else {
            3
        };
        let mut cells = vec![cell(label, column)];
        if !value.is_empty() {
            cells.push(cell(&value, column + 1));
        }
        rows.push(Row {
            at: piece.at,
            cells,
        });
        index = next;
    }
    rows
}

/// Display width of a piece (a Chinese character is two columns).
fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Cuts text pieces into cells: a piece goes on into the next if the next one's start would not
/// have fitted after it in a column `full` wide.
fn cells_by_width<'p>(pieces: &[&'p Piece], full: usize) -> Vec<Vec<&'p Piece>> {
    let mut cells: Vec<Vec<&Piece>> = Vec::new();
    let mut current: Vec<&Piece> = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        current.push(piece);
        let goes_on = pieces
            .get(index + 1)
            .is_some_and(|next| wrapped_onto(width(&piece.text), &next.text, full));
        if !goes_on {
            cells.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        cells.push(current);
    }
    cells
}

fn joined(pieces: &[&Piece]) -> String {
    let mut text = String::new();
    for piece in pieces {
        push_wrapped(&mut text, &piece.text);
    }
    text
}

fn goals(pieces: &[Piece], goal_width: usize, notes: &mut Vec<String>) -> Vec<Row> {
    let labels: Vec<&Piece> = pieces
        .iter()
        .filter(|piece| piece.label.as_deref().and_then(goal_label).is_some())
        .collect();
    let Some(first) = labels.first() else {
        return Vec::new();
    };
    let overall = labels.iter().find(|piece| {
        piece.label.as_deref().and_then(goal_label) == Some(super::labels::Goal::Overall)
    });
    let header = Row {
        at: first.at,
        cells: labels
            .iter()
            .enumerate()
            .map(|(index, piece)| cell(&piece.text, 1 + 2 * index))
            .collect(),
    };
    let overall_column = labels
        .iter()
        .position(|piece| {
            piece.label.as_deref().and_then(goal_label) == Some(super::labels::Goal::Overall)
        })
        .map(|index| 1 + 2 * index);
    let annual_column = labels
        .iter()
        .position(|piece| {
            piece.label.as_deref().and_then(goal_label) == Some(super::labels::Goal::Annual)
        })
        .map_or(1, |index| 1 + 2 * index);
    let texts: Vec<&Piece> = pieces
        .iter()
        .filter(|piece| piece.label.is_none())
        .collect();
    let full = texts
        .iter()
        .map(|piece| width(&piece.text))
        .max()
        .unwrap_or(0)
        .max(goal_width);
    let blocks = cells_by_width(&texts, full);
    let has_period = overall.is_some_and(|piece| piece.text.contains('('));
    let split_overall =
        has_period && overall_column.is_some() && labels.len() >= 2 && blocks.len() >= 2;
    if blocks.len() >= 2 && labels.len() >= 2 {
        notes.push(format!(
            "the goal text is {} cell(s) in one-cell-per-line text; {} (check the goals)",
            blocks.len(),
            if split_overall {
                "the first is taken as 项目总目标, the rest as 年度总体目标"
            } else {
                "all are taken as 年度总体目标"
            }
        ));
    }
    let mut rows = vec![header];
    for (index, block) in blocks.iter().enumerate() {
        let column = match overall_column {
            Some(column) if split_overall && index == 0 => column,
            _ => annual_column,
        };
        let at = block.first().map_or(first.at, |piece| piece.at);
        rows.push(Row {
            at,
            cells: vec![cell(&joined(block), column)],
        });
    }
    rows
}

/// The indicator header, then one row per indicator: its level cells where the text gives them,
/// then its 三级指标, target and extra cells.
fn indicators(pieces: &[Piece]) -> Vec<Row> {
    let mut columns = 0;
    let mut header_cells = Vec::new();
    let mut index = 0;
    while let Some(piece) = pieces.get(index) {
        let Some(label) = &piece.label else { break };
        if is_level1(label) || is_level2(label) || label == "绩效指标" {
            break;
        }
        header_cells.push(cell(label, columns));
        columns += 1;
        index += 1;
    }
    let at = pieces.first().map_or(At::default(), |piece| piece.at);
    let mut rows = vec![Row {
        at,
        cells: header_cells,
    }];
    // Columns after 一级 and 二级: 三级指标, 指标值 and any extra (权重, 指标方向性).
    let group = columns.saturating_sub(2).max(2);
    let body: Vec<&Piece> = pieces.get(index..).unwrap_or_default().iter().collect();
    let end = body
        .iter()
        .position(|piece| piece.label.is_none() && is_footer(&normalize(&piece.text)))
        .unwrap_or(body.len());
    let (table, after) = body.split_at(end);
    let runs = runs(table);
    let text_runs: Vec<Vec<&Piece>> = runs.iter().map(|(_, run)| run.clone()).collect();
    let widths = best_widths(&text_runs, group);
    for (levels, run) in &runs {
        let groups = split_run(run, group, widths).map_or_else(
            || {
                // No widths fit: one cell a piece, so the form reader reports the row's shape.
                run.chunks(group)
                    .map(|chunk| chunk.iter().map(|p| vec![*p]).collect())
                    .collect()
            },
            |(_, groups)| groups,
        );
        let mut levels = levels.clone();
        for cells in groups {
            let at = cells
                .first()
                .and_then(|cell| cell.first())
                .map_or(at, |piece| piece.at);
            let mut row = Vec::new();
            for level in levels.drain(..) {
                let column = if is_level1(&level) && row.is_empty() {
                    0
                } else {
                    1
                };
                row.push(cell(&level, column));
            }
            for (offset, pieces) in cells.iter().enumerate() {
                row.push(cell(&joined(pieces), 2 + offset));
            }
            rows.push(Row { at, cells: row });
        }
    }
    if let Some(first) = after.first() {
        rows.push(Row {
            at: first.at,
            cells: vec![cell(&first.text, 0)],
        });
    }
    rows
}

/// The table's pieces as runs of text, each with the level names printed before it.
fn runs<'p>(pieces: &[&'p Piece]) -> Vec<(Vec<String>, Vec<&'p Piece>)> {
    let mut runs: Vec<(Vec<String>, Vec<&Piece>)> = Vec::new();
    for piece in pieces {
        match &piece.label {
            Some(label) if label == "绩效指标" || label == "一级指标" => {}
            Some(label) if is_level1(label) || is_level2(label) => match runs.last_mut() {
                Some((levels, run)) if run.is_empty() => levels.push(label.clone()),
                _ => runs.push((vec![label.clone()], Vec::new())),
            },
            _ => match runs.last_mut() {
                Some((_, run)) => run.push(piece),
                None => runs.push((Vec::new(), vec![piece])),
            },
        }
    }
    runs.retain(|(_, run)| !run.is_empty());
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Row> {
        lines
            .iter()
            .enumerate()
            .map(|(index, line)| Row {
                at: At {
                    table: 0,
                    line: index + 1,
                },
                cells: crate::import::read::stream_pieces(line)
                    .into_iter()
                    .enumerate()
                    .map(|(column, text)| Cell { text, column })
                    .collect(),
            })
            .collect()
    }

    fn texts(rows: &[Row]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|row| row.cells.iter().map(|cell| cell.text.clone()).collect())
            .collect()
    }

    #[test]
    fn header_values_are_joined_up_to_the_next_label() {
        let got = to_cells(
            &rows(&[
                "(2023年度)",
                "项目名称",
                "学术交流与发展项",
                "目",
                "项目性质",
                "其他",
                "项目资金",
                "(元)",
                "项目资金总额",
                "1,800,000.00 年度资金申请总额",
                "1,800,000.00",
                "其他资金",
                "其他资金",
                "0.00",
            ]),
            0,
            &mut Vec::new(),
        );
        assert_eq!(
            texts(&got),
            [
                vec!["(2023年度)"],
                vec!["项目名称", "学术交流与发展项目"],
                vec!["项目性质", "其他"],
                vec!["项目资金(元)"],
                vec!["项目资金总额", "1,800,000.00"],
                vec!["年度资金申请总额", "1,800,000.00"],
                vec!["其他资金"],
                vec!["其他资金", "0.00"],
            ]
        );
        // The first 其他资金 goes left, to the multi-year half.
        assert_eq!(got[6].cells[0].column, 1);
        assert_eq!(got[7].cells[0].column, 3);
    }

    #[test]
    fn wrapped_indicator_names_are_joined_by_column_width() {
        let got = to_cells(
            &rows(&[
                "项目总目标",
                "年度总体目标",
                "提升学术能力。",
                "一级指标",
                "二级指标",
                "三级指标",
                "年度(/项目)指标值",
                "绩",
                "效",
                "指",
                "标",
                "产出指标",
                "数量指标",
                "培育并新建院士(专家)工作站(服务",
                "中心)数量",
                "≥30.00(家)",
                "引进院士专家数量",
                "≥120.00(名)",
                "时效指标",
                "各项工作完成及时率",
                "及时",
                "效益指标",
                "社会效益指标",
                "营造创新创业文化",
                "良好",
            ]),
            0,
            &mut Vec::new(),
        );
        let texts = texts(&got);
        assert_eq!(texts[0], ["项目总目标", "年度总体目标"]);
        assert_eq!(texts[1], ["提升学术能力。"]);
        assert_eq!(
            texts[2],
            ["一级指标", "二级指标", "三级指标", "年度(/项目)指标值"]
        );
        assert_eq!(
            texts[3],
            [
                "产出指标",
                "数量指标",
                "培育并新建院士(专家)工作站(服务中心)数量",
                "≥30.00(家)"
            ]
        );
        assert_eq!(texts[4], ["引进院士专家数量", "≥120.00(名)"]);
        assert_eq!(texts[5], ["时效指标", "各项工作完成及时率", "及时"]);
        assert_eq!(
            texts[6],
            ["效益指标", "社会效益指标", "营造创新创业文化", "良好"]
        );
    }
}
