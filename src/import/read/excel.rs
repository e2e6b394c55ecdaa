//! Excel workbooks (`.xlsx`, `.xls`) through `calamine`: each sheet a table, rows numbered as
//! Excel numbers them. A merged range's value sits in its first cell and the cells it covers are
//! empty, as in a tab export, so the form reader carries merged level cells forward.
//!
//! Numbers: a workbook stores them as binary floating point, so an amount cell holding a number is
//! written as the shortest decimal that is exactly that stored number (`1800000`, `10606.7522`).
//! This is the one place an amount passes through a float, and only because the file format
//! holds nothing else; a text cell (`1,800,000.00`) is kept as typed. Date cells become
//! `YYYY-MM-DD`.

use super::{ReadError, cfb_guard, xls_extent};
use crate::import::grid::{At, Document, Flow, Row, Table};
use calamine::{Data, Reader, open_workbook_auto_from_rs};
use std::io::Cursor;

/// Reads a workbook. calamine panics on some damaged files (an assertion in its compound-file
/// reader, found by fuzzing `.xls`); such a panic is contained here and becomes an error, since a
/// bad input file must never take the importer down. A panic cannot contain running out of
/// memory, so an `.xls` (a compound file) is first checked for what makes calamine loop or
/// allocate without bound: a damaged container ([`cfb_guard`]) and sheets whose cells span a
/// huge grid ([`xls_extent`]).
pub fn read_workbook(bytes: &[u8]) -> Result<Document, ReadError> {
    if cfb_guard::is_compound_file(bytes)
        && let Some(workbook) = cfb_guard::check_compound_file(bytes)?
    {
        xls_extent::check_sheet_extent(&workbook)?;
    }
    std::panic::catch_unwind(|| read_with_calamine(bytes)).unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(ReadError::new(format!(
            "not a readable Excel workbook: the Excel reader failed on it ({reason}); is the file damaged? Open it in Excel and save it again"
        )))
    })
}

fn read_with_calamine(bytes: &[u8]) -> Result<Document, ReadError> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|error| ReadError::new(format!("not a readable Excel workbook: {error}")))?;
    let mut document = Document {
        flow: Flow::Cells,
        ..Document::default()
    };
    // Two sheets of one name are one sheet to calamine, which keeps the last; a damaged `.xls`
    // can name it thousands of times, so each name is read once.
    let mut seen = std::collections::BTreeSet::new();
    for name in workbook.sheet_names() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let range = match workbook.worksheet_range(&name) {
            Ok(range) => range,
            Err(error) => {
                document
                    .notes
                    .push(format!("sheet {name} skipped: {error}"));
                continue;
            }
        };
        let Some((first_row, first_column)) = range.start() else {
            continue; // an empty sheet
        };
        let index = document.tables.len();
        let rows = range
            .rows()
            .enumerate()
            .map(|(offset, cells)| {
                let texts: Vec<String> = std::iter::repeat_n(String::new(), first_column as usize)
                    .chain(cells.iter().map(cell_text))
                    .collect();
                Row::from_texts(
                    At {
                        table: index,
                        line: first_row as usize + offset + 1,
                    },
                    &texts,
                )
            })
            .collect();
        document.tables.push(Table {
            name: Some(format!("sheet {name}")),
            rows,
        });
    }
    if document.tables.is_empty() {
        return Err(ReadError::new("the workbook has no sheet with cells"));
    }
    Ok(document)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(number) => number.to_string(),
        Data::Float(number) => float_text(*number),
        Data::Bool(flag) => flag.to_string(),
        Data::DateTime(date) => {
            serial_date(date.as_f64()).unwrap_or_else(|| float_text(date.as_f64()))
        }
        Data::Error(error) => format!("#{error:?}"),
    }
}

/// The shortest decimal text that reads back as exactly `number` (Rust's float formatting).
fn float_text(number: f64) -> String {
    if number.is_finite() {
        format!("{number}")
    } else {
        String::new()
    }
}

/// An Excel date serial (1900 system) as `YYYY-MM-DD`; None for a serial with a time of day.
fn serial_date(serial: f64) -> Option<String> {
    if !(61.0..2_958_466.0).contains(&serial) || serial.fract() != 0.0 {
        return None;
    }
    // Serial 25569 is 1970-01-01.
    let days = serial as i64 - 25_569;
    let (year, month, day) = civil_from_days(days);
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_their_shortest_exact_decimal() {
        assert_eq!(float_text(1_800_000.0), "1800000");
        assert_eq!(float_text(10606.7522), "10606.7522");
        assert_eq!(float_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(float_text(f64::NAN), "");
    }

    #[test]
    fn date_serials() {
        assert_eq!(serial_date(44927.0).as_deref(), Some("2023-01-01"));
        assert_eq!(serial_date(45291.0).as_deref(), Some("2023-12-31"));
        assert_eq!(serial_date(45351.0).as_deref(), Some("2024-02-29"));
        assert_eq!(serial_date(44927.5), None);
    }

    #[test]
    fn a_sheet_name_given_twice_is_read_once() {
        let mut bytes =
            include_bytes!("../../../tests/fixtures/import/2023-first-three-forms.xls").to_vec();
        // The second BOUNDSHEET record's name, "2", becomes "1": calamine keeps the second sheet
        // under that name and lists the name twice.
        assert_eq!(bytes[512 + 936], b'2');
        bytes[512 + 936] = b'1';
        let document = read_workbook(&bytes).expect("readable");
        let names: Vec<_> = document.tables.iter().map(|t| t.name.clone()).collect();
        assert_eq!(
            names,
            [Some("sheet 1".to_string()), Some("sheet 3".to_string())]
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(read_workbook(b"PK\x03\x04garbage").is_err());
        assert!(read_workbook(&[0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3]).is_err());
        assert!(read_workbook(b"").is_err());
    }
}
