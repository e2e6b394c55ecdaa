//! Readers: one per input shape, each a pure function from the file's bytes to a [`Document`]
//! of rows of cells (so each can be fuzzed on its own). [`detect`] picks the reader from the
//! file's extension and content; `--format` overrides it.

mod cfb_guard;
mod decode;
mod excel;
mod html;
mod json;
mod layout;
mod pipe;
mod stream;
mod tsv;
mod xls_extent;

pub use decode::decode_text;
pub use stream::pieces as stream_pieces;

use super::grid::Document;
use std::fmt;
use std::str::FromStr;

/// An input shape (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Tab-separated text: the form-text export, or a flat list saved as text.
    Tsv,
    /// Comma-separated values (RFC 4180), e.g. a flat list saved from Excel.
    Csv,
    /// Text extracted from a PDF one table cell per line (`pdftotext` without `-layout`).
    Text,
    /// Layout-preserving PDF text (`pdftotext -layout`): cells placed by spaces.
    Layout,
    /// JSON from a table extractor (rows of cell strings; tabula, camelot, pdfplumber shapes).
    Json,
    /// An HTML page: `<table>`s (rowspan/colspan) and tables flattened to `cell |` lines.
    Html,
    /// Text whose rows are cells separated by `|` (a flattened web table, a Markdown table).
    Pipe,
    /// An Excel workbook (`.xlsx`).
    Xlsx,
    /// An old Excel workbook (`.xls`).
    Xls,
}

/// Every format with its name on the command line.
pub const FORMATS: &[(&str, Format)] = &[
    ("tsv", Format::Tsv),
    ("csv", Format::Csv),
    ("text", Format::Text),
    ("layout", Format::Layout),
    ("json", Format::Json),
    ("html", Format::Html),
    ("pipe", Format::Pipe),
    ("xlsx", Format::Xlsx),
    ("xls", Format::Xls),
];

impl Format {
    pub fn name(self) -> &'static str {
        FORMATS
            .iter()
            .find(|(_, format)| *format == self)
            .map_or("tsv", |(name, _)| name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Format, String> {
        FORMATS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text))
            .map(|(_, format)| *format)
            .ok_or_else(|| {
                let names: Vec<&str> = FORMATS.iter().map(|(name, _)| *name).collect();
                format!("unknown format {text:?}; use one of {}", names.join(", "))
            })
    }
}

/// Why a file could not be read at all (before any form is looked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The 1-based line of a text file, where known.
    pub line: Option<usize>,
    pub message: String,
}

impl ReadError {
    pub fn new(message: impl Into<String>) -> ReadError {
        ReadError {
            line: None,
            message: message.into(),
        }
    }

    pub fn at(line: usize, message: impl Into<String>) -> ReadError {
        ReadError {
            line: Some(line),
            message: message.into(),
        }
    }
}

/// Reads `bytes` as `format`.
pub fn read(format: Format, bytes: &[u8]) -> Result<Document, ReadError> {
    match format {
        Format::Tsv => tsv::read_tsv(bytes),
        Format::Csv => tsv::read_csv(bytes),
        Format::Text => stream::read_stream(bytes),
        Format::Layout => layout::read_layout(bytes),
        Format::Json => json::read_json(bytes),
        Format::Html => html::read_html(bytes),
        Format::Pipe => pipe::read_pipe(bytes),
        Format::Xlsx | Format::Xls => excel::read_workbook(bytes),
    }
}

/// The reader for a file: by its content where that is unmistakable (a zip or OLE workbook, JSON,
/// HTML), else by its extension, else by how its text lines look.
pub fn detect(file_name: &str, bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") {
        return Format::Xlsx;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Format::Xls;
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    let text = decode_text(bytes).map(|(text, _)| text).unwrap_or_default();
    let start = text.trim_start();
    if start.starts_with('[') || start.starts_with('{') || extension == "json" {
        return Format::Json;
    }
    let lower_start: String = start.chars().take(400).collect::<String>().to_lowercase();
    if matches!(extension.as_str(), "html" | "htm" | "xhtml")
        || lower_start.starts_with("<!doctype html")
        || lower_start.starts_with("<html")
        || lower_start.contains("<table")
    {
        return Format::Html;
    }
    match extension.as_str() {
        "xlsx" | "xlsm" => return Format::Xlsx,
        "xls" => return Format::Xls,
        "csv" => return Format::Csv,
        "tsv" | "tab" => return Format::Tsv,
        _ => {}
    }
    detect_text(&text)
}

/// Tabs make a tab export; `|` separators a flattened table; label and value cells side by side
/// with wide gaps a layout text; anything else is text with one cell per line.
fn detect_text(text: &str) -> Format {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    let count = |test: &dyn Fn(&str) -> bool| lines.iter().filter(|line| test(line)).count();
    let total = lines.len().max(1);
    let tabs = count(&|line| line.contains('\t'));
    if tabs * 5 >= total {
        return Format::Tsv;
    }
    let pipes = count(&|line| line.matches('|').count() >= 2);
    if pipes * 3 >= total {
        return Format::Pipe;
    }
    let gaps = count(&|line| layout::has_wide_gap(line));
    if gaps * 3 >= total {
        return Format::Layout;
    }
    Format::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_name() {
        assert_eq!("XLSX".parse::<Format>(), Ok(Format::Xlsx));
        assert!("pdf".parse::<Format>().unwrap_err().contains("layout"));
        for (name, format) in FORMATS {
            assert_eq!(format.name(), *name);
        }
    }

    #[test]
    fn detection_by_content_then_extension_then_lines() {
        assert_eq!(detect("a.txt", b"PK\x03\x04rest"), Format::Xlsx);
        assert_eq!(detect("a.bin", &[0xD0, 0xCF, 0x11, 0xE0, 0]), Format::Xls);
        assert_eq!(detect("a.txt", b" [[\"a\"]]"), Format::Json);
        assert_eq!(detect("a.txt", b"<html><table></table>"), Format::Html);
        assert_eq!(detect("a.csv", b"a,b"), Format::Csv);
        assert_eq!(
            detect("a.txt", "项目名称\t甲\n主管部门\t乙".as_bytes()),
            Format::Tsv
        );
        assert_eq!(
            detect("a.txt", "项目名称 | 甲 |\n主管部门 | 乙 | |".as_bytes()),
            Format::Pipe
        );
        assert_eq!(
            detect(
                "a.txt",
                "项目名称      甲项目      项目性质    其他\n".as_bytes()
            ),
            Format::Layout
        );
        assert_eq!(detect("a.txt", "项目名称\n甲\n".as_bytes()), Format::Text);
    }
}
