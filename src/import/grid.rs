//! The common shape every reader produces: tables of rows of cells, each remembering where it
//! came from, so that the form reader can find fields by their labels whatever the input was and
//! every message can point at the line (or table row) of the problem.

use std::fmt;

/// Where a row came from: the table it belongs to (an index into [`Document::tables`]) and its
/// 1-based line in a text file, or its 1-based row in that table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct At {
    pub table: usize,
    pub line: usize,
}

/// One cell: its text (trimmed) and its column. For most readers the column is the cell's index
/// in its row; for layout text it is the display column where the cell starts. The form reader
/// only compares columns (left of, nearest to), so both work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub column: usize,
}

/// One row of a table. Empty cells may be present (they keep column positions meaningful).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub at: At,
    pub cells: Vec<Cell>,
}

impl Row {
    /// A row of cells numbered 0, 1, 2, … from their position, each trimmed.
    pub fn from_texts<S: AsRef<str>>(at: At, texts: &[S]) -> Row {
        Row {
            at,
            cells: texts
                .iter()
                .enumerate()
                .map(|(column, text)| Cell {
                    text: text.as_ref().trim().to_string(),
                    column,
                })
                .collect(),
        }
    }

    /// The non-empty cells with their column.
    pub fn filled(&self) -> impl Iterator<Item = (usize, &str)> {
        self.cells
            .iter()
            .filter(|cell| !cell.text.is_empty())
            .map(|cell| (cell.column, cell.text.as_str()))
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|cell| cell.text.is_empty())
    }

    /// The non-empty cells' texts joined by a space, for messages and whole-row tests.
    pub fn joined(&self) -> String {
        self.filled()
            .map(|(_, text)| text)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One table of the input: a sheet, an HTML `<table>`, one table of an extractor's JSON, or the
/// whole of a text file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// How messages name the table (`sheet 申报表`, `table 2`); None for a text file, whose rows
    /// are named by line.
    pub name: Option<String>,
    pub rows: Vec<Row>,
}

/// How the cells of a document relate to the form's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flow {
    /// Each cell is one whole cell of the form (tables, tab exports, rebuilt layout text).
    #[default]
    Cells,
    /// Text extracted one form cell per line: a long cell wraps over several lines, and a row of
    /// the form is spread over many lines. The form reader joins the pieces.
    Wrapped,
}

/// Everything a reader got out of one file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    pub tables: Vec<Table>,
    pub flow: Flow,
    /// Things the reader did that a person should know (an encoding guessed, a sheet skipped).
    pub notes: Vec<String>,
}

impl Document {
    /// A document of one unnamed table (a text file).
    pub fn of_rows(rows: Vec<Row>, flow: Flow) -> Document {
        Document {
            tables: vec![Table { name: None, rows }],
            flow,
            notes: Vec::new(),
        }
    }

    /// Every row of every table, in order: forms may run on from one table into the next (a PDF
    /// extractor gives one table per page). The rows are moved out, not copied (a sheet can hold
    /// thousands); the tables keep their names, which is all [`Document::place`] reads.
    pub fn take_rows(&mut self) -> Vec<Row> {
        self.tables
            .iter_mut()
            .flat_map(|table| std::mem::take(&mut table.rows))
            .collect()
    }

    /// How a message names the place `at`: `:12` for line 12 of a text file, ` (sheet 申报表,
    /// row 12)` for a row of a named table.
    pub fn place(&self, at: At) -> Place {
        Place {
            table: self
                .tables
                .get(at.table)
                .and_then(|table| table.name.clone()),
            line: at.line,
        }
    }
}

/// A place in an input file, as messages show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    /// The table's name; None for a line of a text file.
    pub table: Option<String>,
    pub line: usize,
}

impl Place {
    /// `FILE:LINE` or `FILE (TABLE, row LINE)`.
    pub fn in_file(&self, file: &str) -> String {
        match &self.table {
            None => format!("{file}:{}", self.line),
            Some(table) => format!("{file} ({table}, row {})", self.line),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.table {
            None => write!(f, "line {}", self.line),
            Some(table) => write!(f, "{table}, row {}", self.line),
        }
    }
}

/// A cell as compared with labels: whitespace removed (exports split labels, `项目 绩效 目标`,
/// `绩\n效\n指\n标`), full-width parentheses and colons made one form.
pub fn normalize(cell: &str) -> String {
    cell.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            ':' => '：',
            other => other,
        })
        .collect()
}

/// The text of a cell whose lines were wrapped by a PDF's layout, joined again: the line breaks
/// go, and each line's surrounding spaces with them; a single space is put back only between a
/// Latin letter or digit at the end of a line and one at the start of the next (`Phase` + `2`).
/// A blank line stays a paragraph break (`\n\n`).
pub fn join_wrapped(text: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut joined = String::with_capacity(text.len());
    for line in text.split('\n').map(str::trim) {
        if line.is_empty() {
            if !joined.is_empty() {
                paragraphs.push(std::mem::take(&mut joined));
            }
        } else {
            push_wrapped(&mut joined, line);
        }
    }
    if !joined.is_empty() {
        paragraphs.push(joined);
    }
    paragraphs.join("\n\n")
}

/// The display width of the unbreakable start of a wrapped line: up to its first place where a
/// line may break, between two wide (Chinese) characters.
pub fn head_width(text: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    let mut width = 0;
    let mut previous_wide = false;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if previous_wide && w == 2 {
            return width;
        }
        previous_wide = w == 2;
        width += w;
    }
    width
}

/// Did a line of `width` columns wrap onto a line starting with `next`, in a column `full` wide?
/// It did if the start of `next` would not have fitted on it.
pub fn wrapped_onto(width: usize, next: &str, full: usize) -> bool {
    width + head_width(next) > full
}

/// Appends one wrapped line of a cell to the text before it (see [`join_wrapped`]).
pub fn push_wrapped(joined: &mut String, piece: &str) {
    let ends_word = joined
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let starts_word = piece
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if ends_word && starts_word {
        joined.push(' ');
    }
    joined.push_str(piece);
}

/// Rows written with `|` between cells, numbered from `first_line`: how unit tests spell a table.
#[cfg(test)]
pub(crate) fn rows_from(first_line: usize, lines: &[&str]) -> Vec<Row> {
    lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let cells: Vec<&str> = line.split('|').collect();
            Row::from_texts(
                At {
                    table: 0,
                    line: first_line + index,
                },
                &cells,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_empty_cells_and_trim() {
        let row = Row::from_texts(At::default(), &["a ", " ", "", " b"]);
        assert_eq!(row.filled().collect::<Vec<_>>(), vec![(0, "a"), (3, "b")]);
        assert_eq!(row.joined(), "a b");
        assert!(Row::from_texts(At::default(), &["", " "]).is_blank());
    }

    #[test]
    fn labels_compare_without_whitespace() {
        assert_eq!(normalize("项目 绩效 目标"), "项目绩效目标");
        assert_eq!(normalize("绩\n效\n指\n标"), "绩效指标");
        assert_eq!(normalize("项目资金（万元）"), "项目资金(万元)");
        assert_eq!(normalize("其中:财政资金"), "其中：财政资金");
    }

    #[test]
    fn wrapped_lines_join_without_breaks() {
        assert_eq!(join_wrapped("学术交流与发\n 展项目 "), "学术交流与发展项目");
        assert_eq!(join_wrapped("IT Phase\n2"), "IT Phase 2");
        assert_eq!(join_wrapped("1,800,\n000.00"), "1,800,000.00");
        assert_eq!(join_wrapped("\n"), "");
        assert_eq!(join_wrapped("一段\n落\n\n二段"), "一段落\n\n二段");
    }

    #[test]
    fn lines_wrap_where_the_next_start_does_not_fit() {
        assert_eq!(head_width("学术交流"), 2);
        assert_eq!(head_width("2022年有所"), 6);
        assert_eq!(head_width("≥30.00(家)"), 10);
        assert!(wrapped_onto(20, "学术", 20));
        assert!(wrapped_onto(19, "学术", 20));
        assert!(!wrapped_onto(18, "学术", 20));
        assert!(wrapped_onto(15, "2022年有所", 20));
        assert!(!wrapped_onto(14, "2022年有所", 20));
    }

    #[test]
    fn places_name_lines_or_table_rows() {
        let document = Document {
            tables: vec![
                Table::default(),
                Table {
                    name: Some("sheet 申报表".into()),
                    rows: Vec::new(),
                },
            ],
            ..Document::default()
        };
        let line = document.place(At { table: 0, line: 7 });
        assert_eq!(line.in_file("a.txt"), "a.txt:7");
        let row = document.place(At { table: 1, line: 3 });
        assert_eq!(row.in_file("b.xlsx"), "b.xlsx (sheet 申报表, row 3)");
        assert_eq!(row.to_string(), "sheet 申报表, row 3");
    }
}
