//! HTML pages, parsed with `scraper` (html5ever): every `<table>` becomes a table, its
//! rowspan/colspan cells placed on a full grid (the cells a merged cell covers are left empty, as
//! in a tab export); the text around the tables becomes rows too, one per line, split at `|`
//! where a page shows a table flattened to `cell |` lines.
//!
//! Text is taken as a browser shows it: runs of whitespace are one space, `<br>` is a line break
//! and paragraphs (`<p>`, `<div>`) inside a cell are separated by a blank line.

use super::ReadError;
use super::decode::decode_text;
use super::pipe::pipe_row;
use crate::import::grid::{At, Document, Flow, Row, Table};
use scraper::node::Node;
use scraper::{ElementRef, Html};

/// More cells than this in one table is not a form; refuse rather than allocate without bound.
const MAX_CELLS: usize = 100_000;
/// A rowspan or colspan larger than this is clamped (browsers clamp at 65534 and 1000).
const MAX_SPAN: usize = 1000;

pub fn read_html(bytes: &[u8]) -> Result<Document, ReadError> {
    let (text, note) = decode_text(bytes)?;
    let html = Html::parse_document(&text);
    let mut builder = Builder::default();
    walk(html.tree.root(), &mut builder)?;
    builder.flush_line();
    let mut document = Document {
        tables: builder.tables,
        flow: Flow::Cells,
        notes: note.into_iter().collect(),
    };
    document.tables.retain(|table| !table.rows.is_empty());
    // Renumber tables after dropping empty ones, so rows point at their table.
    for (index, table) in document.tables.iter_mut().enumerate() {
        for row in &mut table.rows {
            row.at.table = index;
        }
    }
    Ok(document)
}

#[derive(Default)]
struct Builder {
    tables: Vec<Table>,
    line: String,
    text_rows: usize,
    html_tables: usize,
    /// Whether the last table in `tables` is the text table being filled.
    in_text: bool,
}

impl Builder {
    fn text(&mut self, text: &str) {
        self.line.push_str(text);
    }

    fn flush_line(&mut self) {
        let line = collapse(&self.line);
        self.line.clear();
        if line.is_empty() {
            return;
        }
        self.push_text_line(&line);
    }

    fn push_text_line(&mut self, line: &str) {
        if !self.in_text {
            self.tables.push(Table {
                name: Some("text".to_string()),
                rows: Vec::new(),
            });
            self.in_text = true;
        }
        self.text_rows += 1;
        let at = At {
            table: self.tables.len() - 1,
            line: self.text_rows,
        };
        if let (Some(row), Some(table)) = (pipe_row(at, line), self.tables.last_mut()) {
            table.rows.push(row);
        }
    }

    fn push_table(&mut self, grid: Vec<Vec<String>>) {
        self.html_tables += 1;
        let index = self.tables.len();
        let rows = grid
            .iter()
            .enumerate()
            .map(|(row, cells)| {
                Row::from_texts(
                    At {
                        table: index,
                        line: row + 1,
                    },
                    cells,
                )
            })
            .collect();
        self.tables.push(Table {
            name: Some(format!("table {}", self.html_tables)),
            rows,
        });
        self.in_text = false;
    }
}

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "blockquote",
    "caption",
    "dt",
    "dd",
    "hr",
    "title",
    "body",
    "tr",
    "figure",
    "figcaption",
    "center",
    "address",
];

fn walk(node: ego_tree::NodeRef<'_, Node>, builder: &mut Builder) -> Result<(), ReadError> {
    match node.value() {
        Node::Text(text) => builder.text(text),
        Node::Element(element) => {
            let name = element.name();
            match name {
                "script" | "style" | "head" | "template" | "noscript" => {}
                "br" => builder.flush_line(),
                "table" => {
                    builder.flush_line();
                    if let Some(table) = ElementRef::wrap(node) {
                        builder.push_table(grid(table)?);
                    }
                }
                "pre" => {
                    builder.flush_line();
                    let text: String = ElementRef::wrap(node)
                        .map(|element| element.text().collect())
                        .unwrap_or_default();
                    for line in text.lines() {
                        let line = collapse(line);
                        if !line.is_empty() {
                            builder.push_text_line(&line);
                        }
                    }
                }
                _ => {
                    let block = BLOCKS.contains(&name);
                    if block {
                        builder.flush_line();
                    }
                    for child in node.children() {
                        walk(child, builder)?;
                    }
                    if block {
                        builder.flush_line();
                    }
                }
            }
        }
        _ => {
            for child in node.children() {
                walk(child, builder)?;
            }
        }
    }
    Ok(())
}

/// The table's cells on a full grid: a cell with rowspan/colspan fills its first position, and
/// the positions it covers are empty.
fn grid(table: ElementRef<'_>) -> Result<Vec<Vec<String>>, ReadError> {
    let mut grid: Vec<Vec<Option<String>>> = Vec::new();
    let mut cells = 0usize;
    for (row_index, row) in table_rows(table).into_iter().enumerate() {
        let mut column = 0;
        for cell in row.children().filter_map(ElementRef::wrap) {
            if !matches!(cell.value().name(), "td" | "th") {
                continue;
            }
            let span = |name: &str| {
                cell.value()
                    .attr(name)
                    .and_then(|value| value.trim().parse::<usize>().ok())
                    .filter(|span| *span > 0)
                    .unwrap_or(1)
                    .min(MAX_SPAN)
            };
            let (rows, columns) = (span("rowspan"), span("colspan"));
            while slot(&mut grid, row_index, column).is_some() {
                column += 1;
            }
            cells += rows * columns;
            if cells > MAX_CELLS {
                return Err(ReadError::new(format!(
                    "a table has more than {MAX_CELLS} cells; this is not a form"
                )));
            }
            for r in row_index..row_index + rows {
                for c in column..column + columns {
                    let text = if (r, c) == (row_index, column) {
                        cell_text(cell)
                    } else {
                        String::new()
                    };
                    *slot(&mut grid, r, c) = Some(text);
                }
            }
            column += columns;
        }
        if grid.len() <= row_index {
            grid.resize_with(row_index + 1, Vec::new);
        }
    }
    Ok(grid
        .into_iter()
        .map(|row| row.into_iter().map(Option::unwrap_or_default).collect())
        .collect())
}

fn slot(grid: &mut Vec<Vec<Option<String>>>, row: usize, column: usize) -> &mut Option<String> {
    if grid.len() <= row {
        grid.resize_with(row + 1, Vec::new);
    }
    let cells = &mut grid[row];
    if cells.len() <= column {
        cells.resize(column + 1, None);
    }
    &mut cells[column]
}

/// The `<tr>`s of this table (in `<thead>`, `<tbody>`, `<tfoot>` or directly), not of tables
/// nested in its cells.
fn table_rows(table: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    let mut rows = Vec::new();
    for child in table.children().filter_map(ElementRef::wrap) {
        match child.value().name() {
            "tr" => rows.push(child),
            "thead" | "tbody" | "tfoot" => rows.extend(
                child
                    .children()
                    .filter_map(ElementRef::wrap)
                    .filter(|row| row.value().name() == "tr"),
            ),
            _ => {}
        }
    }
    rows
}

/// A cell's text as shown: lines at `<br>`, paragraphs at `<p>`/`<div>`, whitespace collapsed.
fn cell_text(cell: ElementRef<'_>) -> String {
    let mut raw = String::new();
    cell_pieces(*cell, &mut raw);
    let paragraphs: Vec<String> = raw
        .split('\u{1}')
        .map(|paragraph| {
            paragraph
                .split('\n')
                .map(collapse)
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|paragraph| !paragraph.is_empty())
        .collect();
    paragraphs.join("\n\n")
}

/// Text of a cell with `\n` for `<br>` and `\u{1}` around paragraphs (source newlines are
/// whitespace, so they become spaces first).
fn cell_pieces(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    match node.value() {
        Node::Text(text) => out.push_str(&text.replace(['\n', '\r', '\u{1}'], " ")),
        Node::Element(element) => match element.name() {
            "br" => out.push('\n'),
            "script" | "style" => {}
            name => {
                let paragraph = matches!(
                    name,
                    "p" | "div" | "li" | "h1" | "h2" | "h3" | "table" | "tr"
                );
                if paragraph {
                    out.push('\u{1}');
                }
                for child in node.children() {
                    cell_pieces(child, out);
                }
                if paragraph {
                    out.push('\u{1}');
                }
            }
        },
        _ => {
            for child in node.children() {
                cell_pieces(child, out);
            }
        }
    }
}

/// Runs of HTML whitespace (space, tab, line breaks) as one space, trimmed. The ideographic
/// space U+3000 is text, not HTML whitespace, and is kept.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(document: &Document) -> Vec<(Option<String>, Vec<Vec<String>>)> {
        document
            .tables
            .iter()
            .map(|table| {
                (
                    table.name.clone(),
                    table
                        .rows
                        .iter()
                        .map(|row| row.cells.iter().map(|cell| cell.text.clone()).collect())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn rowspan_and_colspan_are_placed_on_a_grid() {
        let html = r#"<h1>财政项目支出绩效目标申报表</h1><p>（2023年度）</p>
<table><tbody>
<tr><td rowspan="2">绩<br>效<br>指<br>标</td><td colspan="2">产出指标</td><td>甲</td></tr>
<tr><td>数量指标</td><td>x</td><td>1</td></tr>
</tbody></table><p>填报人：张三</p>"#;
        let got = texts(&read_html(html.as_bytes()).unwrap());
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0].1,
            [vec!["财政项目支出绩效目标申报表"], vec!["（2023年度）"]]
        );
        assert_eq!(got[1].0.as_deref(), Some("table 1"));
        assert_eq!(
            got[1].1,
            [
                vec!["绩\n效\n指\n标", "产出指标", "", "甲"],
                vec!["", "数量指标", "x", "1"]
            ]
        );
        assert_eq!(got[2].1, [vec!["填报人：张三"]]);
    }

    #[test]
    fn paragraphs_and_whitespace_in_cells() {
        let html = "<table><tr><td>\n  <p>一、交流</p>\n<p>立足  上海\n 全国</p></td></tr></table>";
        let got = texts(&read_html(html.as_bytes()).unwrap());
        assert_eq!(got[0].1, [vec!["一、交流\n\n立足 上海 全国"]]);
    }

    #[test]
    fn flattened_tables_in_text() {
        let html = "<body><p>项目名称 | 甲 | 项目性质 | |</p><pre>| | 乙 |\n|---|---|</pre></body>";
        let got = texts(&read_html(html.as_bytes()).unwrap());
        assert_eq!(
            got[0].1,
            [vec!["项目名称", "甲", "项目性质", ""], vec!["", "乙"]]
        );
    }

    #[test]
    fn huge_spans_are_clamped_and_bounded() {
        let html = "<table><tr><td rowspan=999999 colspan=999999>x</td></tr></table>";
        assert!(read_html(html.as_bytes()).is_err());
        let html = "<table><tr><td rowspan=0 colspan=-3>x</td><td>y</td></tr></table>";
        let got = texts(&read_html(html.as_bytes()).unwrap());
        assert_eq!(got[0].1, [vec!["x", "y"]]);
    }
}
