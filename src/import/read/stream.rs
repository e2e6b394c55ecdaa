//! Text extracted from a PDF one table cell per line (`pdftotext` without `-layout`): a form row
//! is spread over several lines, a long cell wraps over several lines (mid-word: Chinese has no
//! spaces to wrap at), and cells that shared a baseline share a line (`1,800,000.00
//! 年度资金申请总额`). Amounts may be padded with spaces.
//!
//! This reader only cuts each line into pieces: at the edges of labels, amounts and dates, which
//! are always cells of their own. Joining the pieces of wrapped cells needs the form's structure
//! and is done by the form reader ([`Flow::Wrapped`]).

use super::ReadError;
use super::decode::{decode_text, numbered_lines};
use crate::import::grid::{At, Cell, Document, Flow, Row, normalize};
use crate::import::labels::{field_of, is_label, split_label_value};

pub fn read_stream(bytes: &[u8]) -> Result<Document, ReadError> {
    let (text, note) = decode_text(bytes)?;
    let rows = numbered_lines(&text)
        .map(|(line, text)| Row {
            at: At { table: 0, line },
            cells: pieces(text)
                .into_iter()
                .enumerate()
                .map(|(column, text)| Cell { text, column })
                .collect(),
        })
        .collect();
    let mut document = Document::of_rows(rows, Flow::Wrapped);
    document.notes.extend(note);
    Ok(document)
}

/// One line cut into cells: a label, an amount or a date is a cell of its own; the words between
/// them stay together (with one space between words, as the line had them).
pub fn pieces(line: &str) -> Vec<String> {
    let mut cells: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in line.split_whitespace() {
        if is_cell_on_its_own(word) {
            if !current.is_empty() {
                cells.push(std::mem::take(&mut current));
            }
            cells.push(word.to_string());
        } else if split_label_value(word).is_some() {
            // `项目名称：学术交流` starts a cell; the form reader splits label and value.
            if !current.is_empty() {
                cells.push(std::mem::take(&mut current));
            }
            current.push_str(word);
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    if !current.is_empty() {
        cells.push(current);
    }
    cells
}

/// Labels, amounts (`1,800,000.00`, `0.00`, `24.955`) and dates (`2023-01-01`).
fn is_cell_on_its_own(word: &str) -> bool {
    let normalized = normalize(word);
    let label = normalized.strip_suffix('：').unwrap_or(&normalized);
    (is_label(label) && field_of(label).is_none_or(|_| label.chars().count() >= 3))
        || is_amount(word)
        || is_date(word)
}

/// Digits with a decimal point or thousands separators: how forms print amounts. Plain integers
/// (`2023`) are not taken, so years in running text stay in their sentence.
pub fn is_amount(word: &str) -> bool {
    let (whole, fraction) = match word.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (word, None),
    };
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped = groups.len() > 1
        && groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
        && groups.iter().skip(1).all(|g| g.len() == 3);
    let whole_ok = !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit() || c == ',')
        && (grouped || !whole.contains(','));
    let fraction_ok =
        fraction.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()));
    whole_ok && fraction_ok && (fraction.is_some() || grouped)
}

fn is_date(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(index, b)| index == 4 || index == 7 || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_amounts_and_dates_are_cells_of_their_own() {
        assert_eq!(
            pieces("   1,800,000.00 年度资金申请总额  "),
            ["1,800,000.00", "年度资金申请总额"]
        );
        assert_eq!(
            pieces("项目名称 学术交流 与发展 项目性质 其他"),
            ["项目名称", "学术交流 与发展", "项目性质", "其他"]
        );
        assert_eq!(
            pieces("计划开始日期 2023-01-01"),
            ["计划开始日期", "2023-01-01"]
        );
        assert_eq!(
            pieces("以习近平新时代思想 and 党的二十大"),
            ["以习近平新时代思想 and 党的二十大"]
        );
        assert_eq!(pieces("围绕 2023 年目标"), ["围绕 2023 年目标"]);
        assert!(pieces("   ").is_empty());
    }

    #[test]
    fn amounts() {
        assert!(is_amount("1,800,000.00"));
        assert!(is_amount("24.955"));
        assert!(!is_amount("2023"));
        assert!(!is_amount("1.2.3"));
        assert!(!is_amount(","));
        assert!(!is_amount("1."));
        assert!(!is_amount("1,2"));
        assert!(is_amount("300,000"));
    }

    #[test]
    fn lines_become_rows_of_pieces() {
        let document =
            read_stream("财政项目支出绩效目标申报表\n\n项目名称\n学术".as_bytes()).unwrap();
        assert_eq!(document.flow, Flow::Wrapped);
        let rows = &document.tables[0].rows;
        assert_eq!(rows.len(), 4);
        assert!(rows[1].is_blank());
        assert_eq!(rows[3].cells[0].text, "学术");
    }
}
