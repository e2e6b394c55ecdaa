//! The bound on the repository's `.xls` fixture, on copies of it with stray far cells, and on
//! small BIFF streams built here.

use super::*;

/// The fixture's Workbook stream: sectors 0..=23 of the file, in order.
fn fixture_workbook() -> Vec<u8> {
    let file = include_bytes!("../../../../tests/fixtures/import/2023-first-three-forms.xls");
    file[512..512 + 24 * 512].to_vec()
}

fn refusal_of(workbook: &[u8]) -> String {
    let error = check_sheet_extent(workbook).expect_err("refused");
    let fix = format!(
        ", more than the {MAX_CELLS} this importer lays out; there are probably stray cells far \
         from the form (in Excel, Ctrl+End goes to the last one): delete them, or copy the form \
         to a new workbook, and save it again as .xlsx"
    );
    error
        .message
        .strip_suffix(&fix)
        .unwrap_or_else(|| panic!("no fix in {:?}", error.message))
        .to_string()
}

fn record(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut bytes = kind.to_le_bytes().to_vec();
    bytes.extend((data.len() as u16).to_le_bytes());
    bytes.extend(data);
    bytes
}

fn bof() -> Vec<u8> {
    record(BOF, &[0, 6, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
}

fn eof() -> Vec<u8> {
    record(EOF, &[])
}

/// A LABELSST cell (a shared string) at a zero-based row and column.
fn cell(row: u16, column: u16) -> Vec<u8> {
    let mut data = row.to_le_bytes().to_vec();
    data.extend(column.to_le_bytes());
    data.extend([0; 6]);
    record(0x00FD, &data)
}

/// A workbook stream: the globals (a BOUNDSHEET for each sheet, or `offsets` instead when
/// given), then each sheet's records between BOF and EOF.
fn workbook(sheets: &[Vec<Vec<u8>>], offsets: Option<&[u32]>) -> Vec<u8> {
    let boundsheet = |offset: u32| {
        let mut data = offset.to_le_bytes().to_vec();
        data.extend([0, 0, 1, 0, b'S']);
        record(BOUNDSHEET, &data)
    };
    let count = offsets.map_or(sheets.len(), <[u32]>::len);
    let globals_len = bof().len() + count * boundsheet(0).len() + eof().len();
    let mut bodies = Vec::new();
    let mut starts = Vec::new();
    for records in sheets {
        starts.push((globals_len + bodies.len()) as u32);
        bodies.extend(bof());
        bodies.extend(records.concat());
        bodies.extend(eof());
    }
    let mut stream = bof();
    for offset in offsets.unwrap_or(&starts) {
        stream.extend(boundsheet(*offset));
    }
    stream.extend(eof());
    stream.extend(bodies);
    stream
}

#[test]
fn the_fixture_passes() {
    assert!(check_sheet_extent(&fixture_workbook()).is_ok());
}

#[test]
fn a_stray_cell_far_from_the_form_is_refused() {
    // The fixture's last LABELSST cell, moved to row 65536, column 65536.
    let mut stream = fixture_workbook();
    stream[10725 + 4..10725 + 8].copy_from_slice(&[0xFF; 4]);
    assert_eq!(
        refusal_of(&stream),
        "sheet 3 has cells from row 1 to row 65536 and from column 1 to column 65536: a grid of \
         4294967296 cells"
    );
}

#[test]
fn a_dimensions_record_claiming_a_huge_sheet_is_refused() {
    // The fixture's first DIMENSIONS record: rows 0..2^31-1, columns 0..256.
    let mut stream = fixture_workbook();
    let data = 4197 + 4;
    stream[data..data + 4].copy_from_slice(&0u32.to_le_bytes());
    stream[data + 4..data + 8].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
    stream[data + 10..data + 12].copy_from_slice(&256u16.to_le_bytes());
    assert_eq!(
        check_sheet_extent(&stream).expect_err("refused").message,
        "the .xls file is damaged: sheet 1's DIMENSIONS record claims 549755813632 cells, more \
         than the 1048576 this importer lays out; open it in Excel or LibreOffice and save it \
         again as .xlsx"
    );
}

#[test]
fn a_dimensions_record_whose_last_row_comes_first_is_refused() {
    // calamine subtracts 10 from 4: in a release build that wraps to about 4 billion rows.
    let mut data = 10u32.to_le_bytes().to_vec();
    data.extend(5u32.to_le_bytes());
    data.extend([0, 0, 1, 0, 0, 0]);
    let stream = workbook(&[vec![record(DIMENSIONS, &data), cell(0, 0)]], None);
    assert!(
        check_sheet_extent(&stream)
            .expect_err("refused")
            .message
            .starts_with(
                "the .xls file is damaged: sheet 1's DIMENSIONS record claims 4294967291 cells"
            )
    );
}

#[test]
fn many_sheets_together_are_bounded() {
    // Each sheet spans 1001 rows of 201 columns (201,201 cells); the 6th passes the bound.
    let sheet = vec![cell(0, 0), cell(1000, 200)];
    let stream = workbook(&vec![sheet; 25], None);
    assert_eq!(
        refusal_of(&stream),
        "its sheets together span 1207206 cells"
    );
    // The same sheet named by every BOUNDSHEET: calamine lays it out once per record.
    // (The sheet starts after the BOF, 25 BOUNDSHEETs of 13 bytes and the EOF.)
    let start = (bof().len() + 25 * 13 + eof().len()) as u32;
    let stream = workbook(&[vec![cell(0, 0), cell(1000, 200)]], Some(&[start; 25]));
    assert_eq!(
        refusal_of(&stream),
        "its sheets together span 1207206 cells"
    );
}

#[test]
fn cells_of_an_embedded_substream_do_not_count() {
    let chart = [bof(), cell(65535, 255), eof()].concat();
    let stream = workbook(&[vec![cell(0, 0), chart, cell(1, 1)]], None);
    assert!(check_sheet_extent(&stream).is_ok());
}

#[test]
fn multiple_rk_and_formula_cells_count() {
    // MULRK: row 65535, columns 250..=255 (six 6-byte values, then the last column).
    let mut data = 65535u16.to_le_bytes().to_vec();
    data.extend(250u16.to_le_bytes());
    data.extend([0; 36]);
    data.extend(255u16.to_le_bytes());
    let stream = workbook(&[vec![cell(0, 0), record(MULRK, &data)]], None);
    assert_eq!(
        refusal_of(&stream),
        "sheet 1 has cells from row 1 to row 65536 and from column 1 to column 256: a grid of \
         16777216 cells"
    );
    let mut formula = 65535u16.to_le_bytes().to_vec();
    formula.extend(255u16.to_le_bytes());
    formula.extend([0; 16]);
    let stream = workbook(&[vec![cell(0, 0), record(FORMULA, &formula)]], None);
    assert!(refusal_of(&stream).starts_with("sheet 1 has cells from row 1 to row 65536"));
}

#[test]
fn a_sheet_past_the_end_or_a_record_cut_short_ends_the_walk() {
    let stream = workbook(&[vec![cell(0, 0)]], Some(&[1_000_000]));
    assert!(check_sheet_extent(&stream).is_ok());
    let mut stream = workbook(&[vec![cell(0, 0), cell(65535, 255)]], None);
    let cut = stream.len() - 20; // inside the far cell
    stream.truncate(cut);
    assert!(check_sheet_extent(&stream).is_ok());
}

/// An SST record holding the given strings (already encoded), and CONTINUE records after it.
fn sst_record(strings: &[u8], continues: &[&[u8]]) -> Vec<u8> {
    let mut data = 1u32.to_le_bytes().to_vec();
    data.extend(1u32.to_le_bytes());
    data.extend(strings);
    let mut bytes = record(SST, &data);
    for more in continues {
        bytes.extend(record(0x003C, more));
    }
    bytes
}

fn lengths_of(bytes: &[u8]) -> Option<Vec<u64>> {
    let record = (Records { rest: bytes }).next().expect("a record");
    sst::string_lengths(&record)
}

#[test]
fn shared_strings_are_read_as_calamine_reads_them() {
    let mut strings = vec![3, 0, 0];
    strings.extend(b"abc");
    // Two UTF-16 characters with one formatting run (fRichSt) to skip.
    strings.extend([2, 0, 0x9, 1, 0]);
    strings.extend("中文".encode_utf16().flat_map(u16::to_le_bytes));
    strings.extend([0; 4]);
    // Four characters, two here and two in a CONTINUE record that switches to UTF-16.
    strings.extend([4, 0, 0]);
    strings.extend(b"ab");
    let record = sst_record(&strings, &[&[1, b'c', 0, b'd', 0]]);
    assert_eq!(lengths_of(&record), Some(vec![3, 2, 4]));
    // Ten characters promised, three there: calamine fails and reads no sheet.
    let mut short = vec![10, 0, 0];
    short.extend(b"abc");
    assert_eq!(lengths_of(&sst_record(&short, &[])), None);
}

/// A workbook whose one sheet has `cells` LABELSST cells naming one shared string of 65,535
/// one-byte characters (split over a CONTINUE record).
fn shared_string_copies(cells: u16) -> Vec<u8> {
    let mut string = vec![0xFF, 0xFF, 0];
    string.extend([b'a'; 65535]);
    let (first, rest) = string.split_at(65535 - 8);
    let mut more = vec![0];
    more.extend(rest);
    let sst = sst_record(first, &[&more]);
    let sheet: Vec<Vec<u8>> = (0..cells).map(|row| cell(row, 0)).collect();
    let mut stream = workbook(&[sheet], None);
    // The SST goes right after the BOF; the sheet's offset moves by its length.
    let offset = u32_at(&stream, bof().len() + 4).expect("offset") + sst.len() as u32;
    stream[bof().len() + 4..bof().len() + 8].copy_from_slice(&offset.to_le_bytes());
    stream.splice(bof().len()..bof().len(), sst);
    stream
}

#[test]
fn a_shared_string_named_by_many_cells_is_bounded() {
    assert!(check_sheet_extent(&shared_string_copies(100)).is_ok());
    let stream = shared_string_copies(5000);
    let budget = text_budget(stream.len());
    assert_eq!(
        check_sheet_extent(&stream).expect_err("refused").message,
        format!(
            "the .xls file's cells name its shared strings so often that reading them would copy \
             up to {} bytes of text, more than the {budget} this importer allows for a file of \
             this size; open it in Excel or LibreOffice and save it again as .xlsx",
            // Six bytes at most for each character of each copy.
            5000 * 65535 * 6
        )
    );
}

#[test]
fn sheets_that_overlap_are_refused_before_the_walk_grows_with_the_square() {
    // 2,000 BOUNDSHEETs all naming the start of the stream: each sheet is read from there to the
    // globals' EOF, through all 2,000 of them (26,024 bytes).
    let stream = workbook(&[vec![cell(0, 0)]], Some(&[0; 2000]));
    assert_eq!(
        check_sheet_extent(&stream).expect_err("refused").message,
        "the .xls file is damaged: its sheets overlap (reading the first 5 means going through \
         130120 bytes of a 26062-byte workbook stream); open it in Excel or LibreOffice and save \
         it again as .xlsx"
    );
    // A few sheets that share records are fine.
    let stream = workbook(&[vec![cell(0, 0)]], Some(&[0; 2]));
    assert!(check_sheet_extent(&stream).is_ok());
}
