//! A bound on the cell grids calamine lays out for an `.xls`'s sheets, checked before calamine
//! reads the workbook. calamine 0.38 turns each sheet's cells into a dense rows × columns grid
//! (`Range::from_sparse`, once for values and once for formulas) and reserves room for the rows ×
//! columns a sheet's DIMENSIONS record claims. So a 13 KB file with one cell in A1 and one at row
//! 65536, column 65536 asks for 137 GB, and a DIMENSIONS record claiming 2^31 rows asks for 22 TB:
//! the allocation fails and the process aborts (that is not a panic, it cannot be contained).
//!
//! calamine also gives every LABELSST cell its own copy of the shared string it names, so a
//! 138 KB file whose 5,000 cells all name one 65,535-character string took 1.3 GB.
//!
//! This walks the Workbook stream's records the way calamine does (the sheets the BOUNDSHEET
//! records point to, each up to its EOF record, embedded substreams skipped, CONTINUE records
//! joined to the record before them) and adds up the grids and the copied text. A workbook whose
//! grids hold more than [`MAX_CELLS`] cells is refused: a declaration form is a few hundred rows of
//! a few dozen columns, and a grid that large means stray cells far from the form. So is one whose
//! cells copy more text than [`text_budget`] allows for its size, and one whose sheets overlap so
//! much that reading them goes through the stream over and over ([`walk_budget`]).

mod records;
mod sst;

use super::ReadError;
use records::{Record, Records, u16_at, u32_at};

/// The most cells (rows × columns, over every sheet's value and formula grids) calamine may lay
/// out: 4,096 rows of all 256 columns an `.xls` has, or all 65,536 rows of 16 columns, far more
/// than forms or a flat list of indicators need. calamine takes 24 to 40 bytes a cell and the
/// importer about as much again, so that stays under a few hundred MB whatever the file says
/// (measured: a grid of 4 million cells took 0.7 GB and 2.6 s to import).
pub const MAX_CELLS: u64 = 1 << 20;

/// The text calamine may copy into cells for a Workbook stream of `len` bytes: 128 MiB, and 32
/// bytes more for each byte of the stream. A real workbook's cells hold about as much text as its
/// shared strings, which are part of the stream; only strings named over and over go past it.
pub fn text_budget(len: usize) -> u64 {
    (1 << 27) + 32 * len as u64
}

/// How much of a Workbook stream of `len` bytes calamine may go through for its sheets: each
/// sheet is read from where its BOUNDSHEET record points to its EOF record, so sheets that do not
/// overlap go through the stream once. Sheets that all start at the same place would make calamine
/// (and this check) take time in the square of the file's size.
pub fn walk_budget(len: usize) -> usize {
    2 * len + (1 << 16)
}

const BOUNDSHEET: u16 = 0x0085;
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const SST: u16 = 0x00FC;
const LABELSST: u16 = 0x00FD;
const DIMENSIONS: u16 = 0x0200;
const FORMULA: u16 = 0x0006;
const STRING: u16 = 0x0207;
const MULRK: u16 = 0x00BD;
/// Other records holding one cell, its row and column in their first four bytes: NUMBER, LABEL,
/// RSTRING, BOOLERR, RK.
const ONE_CELL: [u16; 5] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E];

/// Refuses a Workbook stream whose sheets calamine would lay out in more than [`MAX_CELLS`], or
/// whose cells would copy more shared-string text than [`text_budget`].
pub fn check_sheet_extent(workbook: &[u8]) -> Result<(), ReadError> {
    let Some(globals) = globals(workbook) else {
        return Ok(()); // calamine fails on the shared strings before it reads a sheet
    };
    let budget = text_budget(workbook.len());
    let walk_budget = walk_budget(workbook.len());
    let mut total: u64 = 0;
    let mut text: u64 = 0;
    let mut walked: usize = 0;
    for (index, offset) in globals.sheet_offsets.into_iter().enumerate() {
        let Some(records) = workbook.get(offset..) else {
            continue; // calamine fails on it before laying anything out
        };
        let sheet = index + 1;
        let extent = sheet_extent(records, &globals.string_lengths).map_err(|claim| {
            ReadError::new(format!(
                "the .xls file is damaged: sheet {sheet}'s DIMENSIONS record claims {claim} \
                 cells, more than the {MAX_CELLS} this importer lays out; open it in Excel or \
                 LibreOffice and save it again as .xlsx"
            ))
        })?;
        walked = walked.saturating_add(extent.walked);
        if walked > walk_budget {
            return Err(ReadError::new(format!(
                "the .xls file is damaged: its sheets overlap (reading the first {sheet} means \
                 going through {walked} bytes of a {}-byte workbook stream); open it in Excel or \
                 LibreOffice and save it again as .xlsx",
                workbook.len()
            )));
        }
        let cells = extent
            .values
            .cells()
            .saturating_add(extent.formulas.cells());
        total = total.saturating_add(cells);
        if total > MAX_CELLS {
            let what = if cells > MAX_CELLS {
                format!("sheet {sheet} {}", extent.values.describe())
            } else {
                format!("its sheets together span {total} cells")
            };
            return Err(refusal(what));
        }
        text = text.saturating_add(extent.text);
        if text > budget {
            return Err(ReadError::new(format!(
                "the .xls file's cells name its shared strings so often that reading them would \
                 copy up to {text} bytes of text, more than the {budget} this importer allows for \
                 a file of this size; open it in Excel or LibreOffice and save it again as .xlsx"
            )));
        }
    }
    Ok(())
}

fn refusal(what: String) -> ReadError {
    ReadError::new(format!(
        "{what}, more than the {MAX_CELLS} this importer lays out; there are probably stray \
         cells far from the form (in Excel, Ctrl+End goes to the last one): delete them, or copy \
         the form to a new workbook, and save it again as .xlsx"
    ))
}

/// What calamine takes from the records before the first EOF.
struct Globals {
    /// Where each sheet's records start, from the BOUNDSHEET records.
    sheet_offsets: Vec<usize>,
    /// The character count of each shared string (of the last SST record, as in calamine).
    string_lengths: Vec<u64>,
}

/// None when calamine fails on an SST record (it then reads no sheet).
fn globals(workbook: &[u8]) -> Option<Globals> {
    let mut globals = Globals {
        sheet_offsets: Vec::new(),
        string_lengths: Vec::new(),
    };
    for record in (Records { rest: workbook }) {
        match record.kind {
            BOUNDSHEET => {
                if let Some(offset) = u32_at(record.data, 0) {
                    globals.sheet_offsets.push(offset as usize);
                }
            }
            SST => globals.string_lengths = sst::string_lengths(&record)?,
            EOF => break,
            _ => {}
        }
    }
    Some(globals)
}

/// The rows and columns a sheet's values and formulas span, the most bytes of shared-string
/// text its cells copy, and how much of the stream calamine reads for it.
#[derive(Default)]
struct SheetExtent {
    values: Span,
    formulas: Span,
    text: u64,
    /// The bytes of records calamine goes through for the sheet.
    walked: usize,
}

/// A sheet's records up to its EOF, as calamine reads them. Err(cells) when a DIMENSIONS record
/// claims more than [`MAX_CELLS`].
fn sheet_extent(records: &[u8], string_lengths: &[u64]) -> Result<SheetExtent, u64> {
    let mut extent = SheetExtent::default();
    let mut formula_cell = (0, 0);
    let mut seen_bof = false;
    let mut depth = 0usize;
    let mut walk = Records { rest: records };
    for Record { kind, data, .. } in walk.by_ref() {
        if depth > 0 {
            match kind {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        match kind {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => {
                let claim = dimensions_cells(data).unwrap_or(0);
                if claim > MAX_CELLS {
                    return Err(claim);
                }
            }
            FORMULA if data.len() >= 20 => {
                formula_cell = cell_at(data).unwrap_or_default();
                extent.values.add(formula_cell);
                extent.formulas.add(formula_cell);
            }
            STRING => extent.values.add(formula_cell),
            MULRK => {
                if let Some((row, first)) = cell_at(data) {
                    // One cell per six bytes between the header and the last column.
                    let count = data.len().saturating_sub(6).div_ceil(6) as u32;
                    if count > 0 {
                        extent.values.add((row, first));
                        extent.values.add((row, first + count - 1));
                    }
                }
            }
            LABELSST => {
                if let Some(cell) = cell_at(data) {
                    extent.values.add(cell);
                }
                let length = u32_at(data, 6).and_then(|index| string_lengths.get(index as usize));
                if let Some(length) = length {
                    let bytes = length * sst::MAX_BYTES_PER_CHARACTER;
                    extent.text = extent.text.saturating_add(bytes);
                }
            }
            kind if ONE_CELL.contains(&kind) => {
                if let Some(cell) = cell_at(data) {
                    extent.values.add(cell);
                }
            }
            _ => {}
        }
    }
    extent.walked = records.len() - walk.rest.len();
    Ok(extent)
}

/// The cells calamine reserves for a DIMENSIONS record, computed as calamine computes them
/// (including its wrapping subtraction when the last row comes before the first).
fn dimensions_cells(data: &[u8]) -> Option<u64> {
    let (first_row, row_end, mut first_column, column_end) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)?),
            u32::from(u16_at(data, 2)?),
            u32::from(u16_at(data, 4)?),
            u32::from(u16_at(data, 6)?),
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u32::from(u16_at(data, 8)?),
            u32::from(u16_at(data, 10)?),
        ),
        _ => return None,
    };
    if first_column > 0xFF || column_end < first_column {
        first_column = 0;
    }
    let (last_row, last_column) = if row_end >= 1 && column_end >= 1 {
        (row_end - 1, column_end - 1)
    } else {
        (first_row, first_column)
    };
    let rows = last_row.wrapping_sub(first_row).wrapping_add(1);
    let columns = last_column.wrapping_sub(first_column).wrapping_add(1);
    Some(u64::from(rows) * u64::from(columns))
}

/// The (row, column) in a cell record's first four bytes.
fn cell_at(data: &[u8]) -> Option<(u32, u32)> {
    Some((u32::from(u16_at(data, 0)?), u32::from(u16_at(data, 2)?)))
}

/// The smallest rectangle holding some cells.
#[derive(Default)]
struct Span {
    corners: Option<((u32, u32), (u32, u32))>,
}

impl Span {
    fn add(&mut self, (row, column): (u32, u32)) {
        self.corners = Some(match self.corners {
            None => ((row, column), (row, column)),
            Some(((top, left), (bottom, right))) => (
                (top.min(row), left.min(column)),
                (bottom.max(row), right.max(column)),
            ),
        });
    }

    fn cells(&self) -> u64 {
        self.corners.map_or(0, |((top, left), (bottom, right))| {
            u64::from(bottom - top + 1) * u64::from(right - left + 1)
        })
    }

    fn describe(&self) -> String {
        match self.corners {
            Some(((top, left), (bottom, right))) => format!(
                "has cells from row {} to row {} and from column {} to column {}: a grid of {} cells",
                top + 1,
                bottom + 1,
                left + 1,
                right + 1,
                self.cells()
            ),
            None => "has no cells".to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
