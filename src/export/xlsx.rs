//! `YEAR/declarations.xlsx`: both tables as sheets of one workbook (申报表, 绩效指标), for readers
//! who work in Excel. Text cells are written as text, so a target such as `=0(起)` stays a
//! target and never becomes a formula (which a CSV opened in Excel cannot promise); amounts are
//! numbers in 元 shown as `#,##0.00`, so columns can be summed.
//!
//! Amounts are exact `Decimal` until this boundary: an Excel number is an IEEE double by the file
//! format's definition, and a two-decimal amount below 10^13 round-trips through it exactly as
//! displayed. Determinism: the workbook's creation time is fixed to 1 January of the year
//! (00:00 UTC) and `rust_xlsxwriter` writes fixed zip timestamps, so the same content gives the
//! same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::csv::{
    Column, DECLARATION_COLUMNS, INDICATOR_COLUMNS, Kind, declaration_record, indicator_records,
};
use crate::model::SiteConfig;
use crate::site::Year;

/// The workbook of one year.
pub fn workbook(config: &SiteConfig, year: &Year) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(year.year, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{}年度项目支出绩效目标申报表", year.year))
            .set_author(&config.publisher)
            .set_creation_datetime(&created),
    );
    // Rows go out as they are written (low-memory worksheets keep one row at a time, with the
    // shared strings), and are made one declaration at a time: a year of 10,000 declarations
    // held its whole workbook, about 230 MB, before.
    let declarations = year
        .declarations
        .iter()
        .map(|declaration| declaration_record(config, declaration));
    sheet(
        book.add_worksheet_with_low_memory(),
        "申报表",
        DECLARATION_COLUMNS,
        declarations,
    )?;
    let indicators = year
        .declarations
        .iter()
        .flat_map(|declaration| indicator_records(std::slice::from_ref(declaration)));
    sheet(
        book.add_worksheet_with_low_memory(),
        "绩效指标",
        INDICATOR_COLUMNS,
        indicators,
    )?;
    book.save_to_buffer()
}

/// One table: the form's labels as the header row (frozen), then the cells typed by column.
fn sheet(
    sheet: &mut Worksheet,
    name: &str,
    columns: &[Column],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let header = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let mut widths: Vec<usize> = columns
        .iter()
        .map(|column| text_width(column.title))
        .collect();
    for (col, column) in (0u16..).zip(columns) {
        sheet.write_string_with_format(0, col, column.title, &header)?;
    }
    for (row, cells) in (1u32..).zip(rows) {
        for ((col, column), cell) in (0u16..).zip(columns).zip(&cells) {
            if cell.is_empty() {
                continue;
            }
            if let Some(width) = widths.get_mut(usize::from(col)) {
                *width = (*width).max(text_width(cell));
            }
            let number = match column.kind {
                Kind::Yuan | Kind::Number | Kind::Integer | Kind::Year => cell.parse::<f64>().ok(),
                Kind::String | Kind::Date => None,
            };
            match (number, column.kind) {
                (Some(value), Kind::Yuan) => {
                    sheet.write_number_with_format(row, col, value, &money)?;
                }
                (Some(value), _) => {
                    sheet.write_number(row, col, value)?;
                }
                (None, _) => {
                    sheet.write_string(row, col, cell)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    // What autofit would do, from the widths seen while streaming (autofit needs every row
    // in memory): a column as wide as its longest cell, capped so goals do not run off.
    for (col, width) in (0u16..).zip(widths) {
        let capped = width.clamp(4, MAX_COLUMN_WIDTH) as f64 + 1.0;
        sheet.set_column_width(col, capped)?;
    }
    Ok(())
}

/// Columns never get wider than this many characters (a 年度目标 runs to hundreds).
const MAX_COLUMN_WIDTH: usize = 60;

/// The width of `text` in Excel's character units: a CJK character takes two.
fn text_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}
