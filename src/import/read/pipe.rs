//! Tables flattened to text with `|` between cells, as web pages and Markdown give them:
//! `项目名称 | 学术交流 | 项目性质 | 其他 |`, runs of empty cells (`| | |`) for merged ones,
//! and `|---|---|` separator lines. Lines without `|` are rows of one cell (titles, notes).

use super::ReadError;
use super::decode::{decode_text, numbered_lines};
use crate::import::grid::{At, Document, Flow, Row};

pub fn read_pipe(bytes: &[u8]) -> Result<Document, ReadError> {
    let (text, note) = decode_text(bytes)?;
    let rows = numbered_lines(&text)
        .filter_map(|(line, text)| pipe_row(At { table: 0, line }, text))
        .collect();
    let mut document = Document::of_rows(rows, Flow::Cells);
    document.notes.extend(note);
    Ok(document)
}

/// One flattened line as a row; None for a Markdown separator line (`|---|:--:|`).
pub fn pipe_row(at: At, text: &str) -> Option<Row> {
    let trimmed = text.trim();
    if !trimmed.contains('|') {
        return Some(Row::from_texts(at, &[trimmed]));
    }
    let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let cells: Vec<&str> = inner.split('|').collect();
    let separator = cells.iter().all(|cell| {
        let cell = cell.trim();
        !cell.is_empty() && cell.chars().all(|c| matches!(c, '-' | ':'))
    });
    (!separator).then(|| Row::from_texts(at, &cells))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_between_bars_with_empty_runs_kept() {
        let document = read_pipe(
            "财政项目支出绩效目标申报表\n| 项目名称 | 甲 | | |\n|---|---|\n| | | 乙 |".as_bytes(),
        )
        .unwrap();
        let rows = &document.tables[0].rows;
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].cells.len(), 1);
        assert_eq!(
            rows[1].filled().collect::<Vec<_>>(),
            [(0, "项目名称"), (1, "甲")]
        );
        assert_eq!(rows[1].cells.len(), 4);
        assert_eq!(rows[2].at.line, 4);
        assert_eq!(rows[2].filled().collect::<Vec<_>>(), [(2, "乙")]);
    }

    #[test]
    fn bars_without_outer_bars() {
        let row = pipe_row(At::default(), "项目名称 | 甲 |").unwrap();
        assert_eq!(
            row.filled().collect::<Vec<_>>(),
            [(0, "项目名称"), (1, "甲")]
        );
    }
}
