//! Every input a fuzzer ever crashed on (`fuzz/regressions/TARGET/NAME`) is replayed through the
//! same check its fuzz target runs (`fuzz/checks.rs`), so a fixed parser stays fixed without
//! nightly or cargo-fuzz. See `fuzz/README`.

#[path = "../fuzz/checks.rs"]
mod checks;

mod shapes;

use std::fs;
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `folder`, sorted; none when it does not exist.
fn files_in(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_saved_crash_input_passes_its_check() {
    let regressions = fuzz_dir().join("regressions");
    let mut replayed = 0;
    for (target, check) in checks::TARGETS {
        for file in files_in(&regressions.join(target)) {
            let bytes = fs::read(&file).unwrap_or_else(|err| panic!("{}: {err}", file.display()));
            let outcome = std::panic::catch_unwind(|| check(&bytes));
            assert!(
                outcome.is_ok(),
                "{target} fails again on {}",
                file.display()
            );
            replayed += 1;
        }
    }
    // Every folder under regressions/ belongs to a target (a typo would never be replayed).
    for folder in fs::read_dir(&regressions).into_iter().flatten().flatten() {
        let name = folder.file_name().to_string_lossy().into_owned();
        assert!(
            checks::TARGETS.iter().any(|(target, _)| *target == name),
            "fuzz/regressions/{name} is not a fuzz target"
        );
    }
    println!("replayed {replayed} saved crash inputs");
}

/// The committed seeds (`fuzz/corpus/TARGET/seed-*`) pass too. With
/// `DISCLOSE_FUZZ_CORPUS=all`, so does every input a local fuzzing run added to the corpus.
#[test]
fn every_seed_passes_its_check() {
    let corpus = fuzz_dir().join("corpus");
    let all = std::env::var("DISCLOSE_FUZZ_CORPUS").is_ok_and(|value| value == "all");
    for (target, check) in checks::TARGETS {
        let seeds: Vec<PathBuf> = files_in(&corpus.join(target))
            .into_iter()
            .filter(|file| {
                all || file
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with("seed-"))
            })
            .collect();
        assert!(!seeds.is_empty(), "fuzz/corpus/{target} has no seed");
        for file in seeds {
            if all {
                // Named before it runs: a stack overflow aborts the process without a message.
                use std::io::Write;
                let _ = writeln!(std::io::stderr(), "{target}: {}", file.display());
            }
            let bytes = match fs::read(&file) {
                Ok(bytes) => bytes,
                // A fuzzer running now may have merged it away.
                Err(err) if all && err.kind() == std::io::ErrorKind::NotFound => continue,
                Err(err) => panic!("{}: {err}", file.display()),
            };
            let outcome = std::panic::catch_unwind(|| check(&bytes));
            assert!(outcome.is_ok(), "{target} fails on {}", file.display());
        }
    }
}

/// Writes the import seeds from the real 2023 forms in every shape (`tests/shapes`), one or two
/// forms each so the fuzzer's inputs stay small. Run once by hand when the shapes change:
/// `cargo test --test fuzz_regressions -- --ignored write_import_seeds`.
#[test]
#[ignore = "writes fuzz/corpus; run by hand"]
fn write_import_seeds() {
    let forms: Vec<shapes::Form> = shapes::real_forms().into_iter().take(2).collect();
    let one = &forms[..1];
    let seeds: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "import_text",
            "one-form.txt",
            shapes::stream_text(one).into_bytes(),
        ),
        (
            "import_layout",
            "one-form.txt",
            shapes::layout_text(one).into_bytes(),
        ),
        (
            "import_json",
            "one-form.json",
            shapes::json(one).into_bytes(),
        ),
        (
            "import_html",
            "one-form.html",
            shapes::html(one).into_bytes(),
        ),
        (
            "import_pipe",
            "one-form.txt",
            shapes::pipe_text(one).into_bytes(),
        ),
        (
            "import_csv",
            "flat-list.csv",
            shapes::flat_csv(&forms).into_bytes(),
        ),
        ("import_xlsx", "one-form.xlsx", shapes::xlsx(one)),
    ];
    for (target, name, bytes) in seeds {
        let folder = fuzz_dir().join("corpus").join(target);
        fs::create_dir_all(&folder).expect("corpus folder");
        fs::write(folder.join(format!("seed-{name}")), bytes).expect("seed");
    }
}

/// The errors `disclose import` reports for the saved crash input `fuzz/regressions/PATH`, read
/// as `damaged.xls`.
fn import_errors(path: &str) -> Vec<String> {
    use disclose::import::{ImportOptions, Input, import};
    let path = fuzz_dir().join("regressions").join(path);
    let bytes = fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let outcome = import(
        &[Input {
            name: "damaged.xls",
            bytes: &bytes,
        }],
        ImportOptions::default(),
    );
    assert!(outcome.declarations.is_empty());
    outcome.errors.iter().map(|e| e.to_string()).collect()
}

/// calamine panicked on this damaged `.xls` (found by fuzzing); its DIFAT names more FAT sectors
/// than the file has, so the compound-file check refuses it before calamine runs.
#[test]
fn a_workbook_that_crashed_the_excel_reader_is_an_error() {
    assert_eq!(
        import_errors("import_xls/calamine-cfb-assertion"),
        [
            "damaged.xls:1: error: cannot be read as xls: the .xls file is damaged: the DIFAT lists \
          86 allocation-table sectors, but the file has only 24 sectors; open it in Excel or \
          LibreOffice and save it again as .xlsx"
        ]
    );
}

/// On this damaged `.xls` (13 KB, found by fuzzing) calamine followed a looping sector chain
/// and grew a buffer until memory ran out (4.7 GB). It is refused before calamine reads it,
/// with what is wrong and what to do.
#[test]
fn a_workbook_whose_sector_chain_runs_away_is_refused_before_calamine_reads_it() {
    assert_eq!(
        import_errors("import_xls/calamine-cyclic-fat-chain-oom"),
        [
            "damaged.xls:1: error: cannot be read as xls: the .xls file is damaged: the allocation \
          table points to sector 24, past the end of the file (24 sectors); open it in Excel or \
          LibreOffice and save it again as .xlsx"
        ]
    );
}

/// A stray cell at row 65536, column 65536 of the fixture (made by hand after the guard above):
/// calamine lays every sheet out as a dense grid, asked for 137 GB and aborted the process.
#[test]
fn a_workbook_with_a_cell_far_from_the_form_is_refused_before_calamine_lays_it_out() {
    assert_eq!(
        import_errors("import_xls/calamine-far-cell-grid-abort"),
        [
            "damaged.xls:1: error: cannot be read as xls: sheet 3 has cells from row 1 to row 65536 \
          and from column 1 to column 65536: a grid of 4294967296 cells, more than the 1048576 \
          this importer lays out; there are probably stray cells far from the form (in Excel, \
          Ctrl+End goes to the last one): delete them, or copy the form to a new workbook, and \
          save it again as .xlsx"
        ]
    );
}

/// A DIMENSIONS record claiming 2^31 rows (made by hand): calamine reserved room for them, asked
/// for 22 TB and aborted the process.
#[test]
fn a_workbook_whose_dimensions_claim_a_huge_sheet_is_refused() {
    assert_eq!(
        import_errors("import_xls/calamine-dimensions-reserve-abort"),
        [
            "damaged.xls:1: error: cannot be read as xls: the .xls file is damaged: sheet 1's \
          DIMENSIONS record claims 549755813632 cells, more than the 1048576 this importer lays \
          out; open it in Excel or LibreOffice and save it again as .xlsx"
        ]
    );
}

/// 5,000 cells naming one shared string of 65,535 characters (138 KB, made by hand): calamine
/// gives every cell its own copy, 1.3 GB and 47 s in a debug build before the bound.
#[test]
fn a_workbook_whose_cells_copy_a_long_shared_string_is_refused() {
    assert_eq!(
        import_errors("import_xls/calamine-shared-string-copies"),
        [
            "damaged.xls:1: error: cannot be read as xls: the .xls file's cells name its shared \
          strings so often that reading them would copy up to 1966050000 bytes of text, more than \
          the 138559488 this importer allows for a file of this size; open it in Excel or \
          LibreOffice and save it again as .xlsx"
        ]
    );
}
