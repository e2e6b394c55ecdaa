//! JSON from table extractors. Accepted shapes, found wherever they are nested:
//! - a table: an array of rows, each an array of cells (`""` or `null` for a merged cell);
//! - an array (or object) of tables, e.g. `{"tables": [...]}`;
//! - tabula's `[{"data": [[{"text": "…"}, …], …]}, …]`;
//! - camelot's / pandas' records, `[{"0": "…", "1": "…"}, …]`, and `{"data": [[…]]}` (split).
//!
//! Extractors keep a PDF cell's wrapped lines apart with `\n`; the lines are joined again
//! ([`join_wrapped`]).

use super::ReadError;
use super::decode::decode_text;
use crate::import::grid::{At, Document, Flow, Row, Table, join_wrapped};
use serde_json::{Map, Value};

pub fn read_json(bytes: &[u8]) -> Result<Document, ReadError> {
    let (text, note) = decode_text(bytes)?;
    let value: Value = serde_json::from_str(&text).map_err(|error| {
        ReadError::at(
            error.line().max(1),
            format!("not valid JSON (column {}): {error}", error.column()),
        )
    })?;
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    collect(&value, &mut tables, 0);
    if tables.is_empty() {
        return Err(ReadError::new(
            "no table in this JSON: expected an array of rows of cell strings, an array of such tables, or a table extractor's output (tabula, camelot)",
        ));
    }
    let mut document = Document {
        flow: Flow::Cells,
        ..Document::default()
    };
    document.notes.extend(note);
    for (index, rows) in tables.into_iter().enumerate() {
        let rows = rows
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
        document.tables.push(Table {
            name: Some(format!("table {}", index + 1)),
            rows,
        });
    }
    Ok(document)
}

/// Nesting deeper than this is not a table extractor's output; stop rather than recurse forever.
const MAX_DEPTH: usize = 32;

fn collect(value: &Value, tables: &mut Vec<Vec<Vec<String>>>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Array(items) => {
            if let Some(table) = as_table(items) {
                tables.push(table);
            } else {
                for item in items {
                    collect(item, tables, depth + 1);
                }
            }
        }
        Value::Object(object) => {
            if let Some(data) = object.get("data") {
                collect(data, tables, depth + 1);
            } else {
                for item in object.values() {
                    collect(item, tables, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// The rows of `items` if it is a table: every item a row (an array of cells or a record).
fn as_table(items: &[Value]) -> Option<Vec<Vec<String>>> {
    if items.is_empty() {
        return None;
    }
    items.iter().map(as_row).collect()
}

fn as_row(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Array(cells) => cells.iter().map(as_cell).collect(),
        Value::Object(record) if !record.contains_key("text") && !record.contains_key("data") => {
            record_cells(record)
        }
        _ => None,
    }
}

/// A record's cells in column order: keys that are numbers sorted as numbers.
fn record_cells(record: &Map<String, Value>) -> Option<Vec<String>> {
    let mut cells: Vec<(Option<u64>, &String, &Value)> = record
        .iter()
        .map(|(key, value)| (key.parse::<u64>().ok(), key, value))
        .collect();
    cells.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    cells.iter().map(|(_, _, value)| as_cell(value)).collect()
}

fn as_cell(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Object(cell) => match cell.get("text") {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Null) | None => String::new(),
            Some(_) => return None,
        },
        Value::Array(_) => return None,
    };
    Some(join_wrapped(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(json: &str) -> Vec<Vec<Vec<String>>> {
        read_json(json.as_bytes())
            .unwrap()
            .tables
            .iter()
            .map(|table| {
                table
                    .rows
                    .iter()
                    .map(|row| row.cells.iter().map(|cell| cell.text.clone()).collect())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn one_table_of_rows_with_wrapped_cells() {
        let got = tables(r#"[["项目名称", "学术交流与发\n展项目"], ["", null, 3]]"#);
        assert_eq!(
            got,
            [[vec!["项目名称", "学术交流与发展项目"], vec!["", "", "3"]]]
        );
    }

    #[test]
    fn several_tables_and_extractor_shapes() {
        assert_eq!(tables(r#"[[["a"]], [["b"], ["c"]]]"#).len(), 2);
        assert_eq!(tables(r#"{"tables": [[["a"]]], "meta": 1}"#), [[vec!["a"]]]);
        let tabula = r#"[{"extraction_method": "lattice", "data": [[{"top": 1, "text": "项目名称"}, {"text": "甲"}]]}]"#;
        assert_eq!(tables(tabula), [[vec!["项目名称", "甲"]]]);
        let camelot = r#"[{"0": "项目名称", "1": "甲", "10": "z", "2": ""}]"#;
        assert_eq!(tables(camelot), [[vec!["项目名称", "甲", "", "z"]]]);
        let split = r#"{"columns": [0, 1], "index": [0], "data": [["a", "b"]]}"#;
        assert_eq!(tables(split), [[vec!["a", "b"]]]);
    }

    #[test]
    fn no_table_or_bad_json_is_an_error() {
        assert!(read_json(b"{}").unwrap_err().message.contains("no table"));
        assert!(read_json(b"[1, 2]").is_err());
        let error = read_json(b"[\n[\"a\",]").unwrap_err();
        assert_eq!(error.line, Some(2));
    }
}
