//! The guard on real files (the repository's `.xls` fixture, compound files the `cfb` crate
//! writes) and on copies of them damaged the ways that make calamine run away.

use super::*;
use std::io::{Cursor, Write};

/// Three real forms saved as `.xls`: 512-byte sectors, the FAT in sector 24, the directory in
/// sector 25, the Workbook stream in sectors 0..=23, no mini stream.
const FIXTURE: &[u8] =
    include_bytes!("../../../../tests/fixtures/import/2023-first-three-forms.xls");
const FAT_SECTOR: usize = 24;
const DIRECTORY_SECTOR: usize = 25;

fn damage(bytes: &[u8]) -> String {
    check(bytes).expect_err("the guard let a damaged file through")
}

/// `bytes` with the u32 at each offset replaced.
fn patched(bytes: &[u8], patches: &[(usize, u32)]) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    for (at, value) in patches {
        copy[*at..*at + 4].copy_from_slice(&value.to_le_bytes());
    }
    copy
}

/// The offset of FAT entry `index` in the fixture.
fn fat_entry(index: usize) -> usize {
    (FAT_SECTOR + 1) * 512 + 4 * index
}

#[test]
fn the_fixture_passes() {
    let workbook = check_compound_file(FIXTURE).expect("passes");
    assert_eq!(workbook.as_deref(), Some(fixture_workbook()));
}

#[test]
fn the_fuzzer_reproducer_is_refused_with_the_fix() {
    // 13 KB; calamine grew a buffer to 4.7 GB on it. Its FAT sector 24 is cut short by the end of
    // the file, and the chain calamine follows from the directory loops on sector 0.
    let reproducer =
        include_bytes!("../../../../fuzz/regressions/import_xls/calamine-cyclic-fat-chain-oom");
    let error = check_compound_file(reproducer).expect_err("refused");
    assert_eq!(
        error.message,
        "the .xls file is damaged: the allocation table points to sector 24, past the end of the \
         file (24 sectors); open it in Excel or LibreOffice and save it again as .xlsx"
    );
}

#[test]
fn a_stream_chain_that_loops_is_refused() {
    // Workbook: sectors 0, 1, ..., 5, then back to 2.
    let looping = patched(FIXTURE, &[(fat_entry(5), 2)]);
    assert_eq!(
        damage(&looping),
        "the Workbook stream's sector chain loops at sector 2"
    );
}

#[test]
fn a_directory_chain_that_loops_is_refused() {
    let looping = patched(
        FIXTURE,
        &[(fat_entry(DIRECTORY_SECTOR), DIRECTORY_SECTOR as u32)],
    );
    assert_eq!(
        damage(&looping),
        "the directory's sector chain loops at sector 25"
    );
}

#[test]
fn a_loop_through_a_sector_past_the_end_is_refused() {
    // directory 25 -> 26 (past the end) -> 0 -> 25: calamine reads sector 26 as zeros and goes
    // round for ever; the `cfb` crate accepts this file (it ends the chain at 26 and never
    // looks at FAT entry 26).
    let looping = patched(
        FIXTURE,
        &[(fat_entry(25), 26), (fat_entry(26), 0), (fat_entry(0), 25)],
    );
    assert_eq!(
        damage(&looping),
        "the directory points to sector 26, past the end of the file (26 sectors)"
    );
}

#[test]
fn a_difat_chain_that_loops_is_refused() {
    // The header's DIFAT continues in sector 25, whose last entry names sector 25 again.
    let looping = patched(FIXTURE, &[(68, 25), ((DIRECTORY_SECTOR + 2) * 512 - 4, 25)]);
    assert_eq!(
        damage(&looping),
        "the DIFAT (the list of allocation-table sectors) loops at sector 25"
    );
}

#[test]
fn a_fat_sector_past_the_end_is_refused() {
    let broken = patched(FIXTURE, &[(76, 1000)]);
    assert_eq!(
        damage(&broken),
        "the allocation table points to sector 1000, past the end of the file (26 sectors)"
    );
}

#[test]
fn more_fat_sectors_than_the_file_has_are_refused() {
    // Every header DIFAT entry names sector 0: calamine would load 109 copies of it as the FAT.
    let patches: Vec<(usize, u32)> = (0..109).map(|index| (76 + 4 * index, 0)).collect();
    assert_eq!(
        damage(&patched(FIXTURE, &patches)),
        "the DIFAT lists 109 allocation-table sectors, but the file has only 26 sectors"
    );
}

#[test]
fn a_chain_that_reaches_a_free_sector_is_refused() {
    let broken = patched(FIXTURE, &[(fat_entry(3), 0xFFFF_FFFF)]);
    assert_eq!(
        damage(&broken),
        "the Workbook stream's sector chain is broken: it reaches the marker 0xFFFFFFFF where a \
         sector should be"
    );
}

#[test]
fn a_stream_larger_than_the_file_is_refused() {
    // The Workbook entry is the directory's second; its size is at byte 120 of the entry.
    let size = (DIRECTORY_SECTOR + 1) * 512 + 128 + 120;
    let huge = patched(FIXTURE, &[(size, 0x7FFF_FFFF)]);
    assert_eq!(
        damage(&huge),
        "the Workbook stream claims 2147483647 bytes, more than the whole file (13824 bytes)"
    );
}

#[test]
fn a_file_cut_short_is_refused_and_a_header_alone_is_left_to_calamine() {
    assert!(check(&FIXTURE[..FIXTURE.len() - 100]).is_err());
    assert_eq!(check(&FIXTURE[..512]).map_err(|_| ()), Err(()));
    assert_eq!(
        check(&FIXTURE[..300]),
        Ok(None),
        "calamine refuses it itself"
    );
    assert_eq!(check(&[]), Ok(None));
}

/// A compound file written by the `cfb` crate: the fixture's Workbook stream (12 KB, in file
/// sectors) and a small summary stream (in the mini stream), or a small Workbook stream.
fn written_by_cfb(version: cfb::Version, workbook: &[u8]) -> Vec<u8> {
    let mut file =
        cfb::CompoundFile::create_with_version(version, Cursor::new(Vec::new())).expect("create");
    for (name, data) in [
        ("Workbook", workbook),
        ("\u{5}SummaryInformation", &[7u8; 200][..]),
    ] {
        let mut stream = file.create_stream(name).expect("stream");
        stream.write_all(data).expect("write");
    }
    file.flush().expect("flush");
    file.into_inner().into_inner()
}

fn fixture_workbook() -> &'static [u8] {
    &FIXTURE[512..512 + 24 * 512]
}

#[test]
fn compound_files_another_writer_lays_out_pass_and_calamine_reads_them() {
    for version in [cfb::Version::V3, cfb::Version::V4] {
        let bytes = written_by_cfb(version, fixture_workbook());
        assert_eq!(
            check(&bytes).expect("passes").as_deref(),
            Some(fixture_workbook()),
            "{version:?}"
        );
        let document = super::super::excel::read_workbook(&bytes).expect("readable");
        assert!(!document.tables.is_empty(), "{version:?}");
    }
}

/// The layout calamine sees: the header, the FAT, and the directory's entries.
fn layout(bytes: &[u8]) -> (Header, Vec<u32>, Vec<Entry>) {
    let header = Header::parse(bytes).expect("header");
    let sectors = Space::File {
        bytes,
        size: header.sector_size,
        count: bytes.len() / header.sector_size - 1,
    };
    let fat = allocation_table(&header, &sectors).expect("fat");
    let directory = follow(&sectors, &fat, header.directory_start, None, "dir").expect("dir");
    let entries = directory
        .chunks_exact(DIRECTORY_ENTRY_LEN)
        .map(|raw| Entry::parse(raw, header.sector_size))
        .collect();
    (header, fat, entries)
}

#[test]
fn a_small_workbook_whose_mini_chain_loops_is_refused() {
    let bytes = written_by_cfb(cfb::Version::V3, &[1u8; 1000]);
    assert_eq!(check(&bytes), Ok(Some(vec![1u8; 1000])));
    let (header, _, entries) = layout(&bytes);
    let workbook = entries
        .iter()
        .find(|e| e.name == "Workbook")
        .expect("entry");
    assert!(workbook.len < MINI_STREAM_CUTOFF);
    // Its third mini sector leads back to its second.
    let second = workbook.start as usize + 1;
    let mini_fat = (header.mini_fat_start as usize + 1) * 512;
    let looping = patched(&bytes, &[(mini_fat + 4 * (second + 1), second as u32)]);
    assert_eq!(
        damage(&looping),
        format!("the Workbook stream's sector chain loops at mini sector {second}")
    );
}

#[test]
fn a_mini_stream_chain_that_loops_is_refused() {
    let bytes = written_by_cfb(cfb::Version::V3, &[1u8; 1000]);
    let (header, _, entries) = layout(&bytes);
    let root = &entries[0];
    assert!(root.len > 512, "the mini stream spans sectors");
    let start = root.start as usize;
    let fat = (header.difat[0] as usize + 1) * 512;
    let looping = patched(&bytes, &[(fat + 4 * start, start as u32)]);
    assert_eq!(
        damage(&looping),
        format!("the mini stream's sector chain loops at sector {start}")
    );
}
