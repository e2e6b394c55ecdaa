//! Delimited text: the tab-separated form export (one form row a line, one cell a tab) and CSV
//! (RFC 4180: quoted cells may hold commas and line breaks).

use super::ReadError;
use super::decode::{decode_text, numbered_lines};
use crate::import::grid::{At, Document, Flow, Row};

/// Tab-separated text: each line a row, each tab a cell boundary.
pub fn read_tsv(bytes: &[u8]) -> Result<Document, ReadError> {
    let (text, note) = decode_text(bytes)?;
    let rows = numbered_lines(&text)
        .map(|(line, text)| {
            let cells: Vec<&str> = text.split('\t').collect();
            Row::from_texts(At { table: 0, line }, &cells)
        })
        .collect();
    let mut document = Document::of_rows(rows, Flow::Cells);
    document.notes.extend(note);
    Ok(document)
}

/// Comma-separated values. A row's line is the line its record starts on.
pub fn read_csv(bytes: &[u8]) -> Result<Document, ReadError> {
    let (text, note) = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| {
            let line = error
                .position()
                .map_or(0, |position| position.line() as usize);
            ReadError::at(line.max(1), format!("not valid CSV: {error}"))
        })?;
        let line = record
            .position()
            .map_or(1, |position| position.line() as usize);
        let cells: Vec<&str> = record.iter().collect();
        rows.push(Row::from_texts(At { table: 0, line }, &cells));
    }
    let mut document = Document::of_rows(rows, Flow::Cells);
    document.notes.extend(note);
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_separate_cells_and_lines_are_numbered() {
        let document = read_tsv("a\t b \t\n\nc".as_bytes()).unwrap();
        let rows = &document.tables[0].rows;
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].filled().collect::<Vec<_>>(), [(0, "a"), (1, "b")]);
        assert!(rows[1].is_blank());
        assert_eq!(rows[2].at.line, 3);
    }

    #[test]
    fn csv_cells_may_hold_commas_and_line_breaks() {
        let document = read_csv("项目名称,\"甲,乙\"\n\"多\n行\",x\nz".as_bytes()).unwrap();
        let rows = &document.tables[0].rows;
        assert_eq!(rows[0].cells[1].text, "甲,乙");
        assert_eq!(rows[1].cells[0].text, "多\n行");
        assert_eq!(rows[2].at.line, 4);
    }
}
