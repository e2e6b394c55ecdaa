//! The 15 real 2023 forms, laid out again in every shape the importer reads (see `shapes/`), each
//! imported with the real binary: every shape must give the same declaration files as the tab
//! export gave (`content/2023/`), byte for byte after the first line (which names the source
//! file and line), and the result must pass `check` and `build`.

mod common;
mod shapes;

use common::Site;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// content/2023 as committed: file name → text without its first (provenance) line.
fn expected() -> BTreeMap<String, String> {
    files_without_provenance(shapes::content_2023())
}

fn files_without_provenance(dir: &Path) -> BTreeMap<String, String> {
    fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.expect("entry").path())
        .map(|path| {
            let text = fs::read_to_string(&path).expect("declaration");
            let (first, rest) = text.split_once('\n').expect("a first line");
            assert!(first.starts_with("# Imported from "), "{first}");
            (
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                rest.to_string(),
            )
        })
        .collect()
}

/// Imports `bytes` saved as `file_name` into a fresh site with the real binary; the site and the
/// declaration files written.
fn import(file_name: &str, bytes: &[u8], args: &[&str]) -> (Site, BTreeMap<String, String>) {
    let site = Site::empty();
    let input = site.root().join(file_name);
    fs::write(&input, bytes).expect("input");
    let mut command = vec!["import", input.to_str().expect("path")];
    command.extend(args);
    site.run(&command).assert_ok();
    let written = files_without_provenance(&site.root().join("content/2023"));
    (site, written)
}

/// Every file the same, except the differences listed as (file, line in expected, line in got).
fn assert_same(shape: &str, got: &BTreeMap<String, String>, allowed: &[(&str, &str)]) {
    let expected = expected();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{shape}: the same files"
    );
    for (name, text) in &expected {
        let mut want = text.clone();
        for (file, line) in allowed {
            if name == file {
                want = want.replacen(line, "", 1);
            }
        }
        let got = &got[name];
        if *got != want {
            let first = want
                .lines()
                .zip(got.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("expected {a:?}\n     got {b:?}"))
                .unwrap_or_else(|| "(different line counts)".into());
            panic!("{shape}: {name} differs:\n{first}\n--- got ---\n{got}");
        }
    }
}

fn check_and_build(site: &Site) {
    site.run(&["check"]).assert_ok();
    site.run(&["build"]).assert_ok();
    assert!(site.public().join("2023/index.html").exists());
}

#[test]
fn pdf_text_one_cell_per_line() {
    let text = shapes::stream_text(&shapes::real_forms());
    let (site, got) = import("申报表.txt", text.as_bytes(), &["--format", "text"]);
    assert_same("text", &got, &[]);
    check_and_build(&site);
}

#[test]
fn pdf_text_one_cell_per_line_is_detected() {
    let text = shapes::stream_text(&shapes::real_forms());
    let (_, got) = import("申报表.txt", text.as_bytes(), &[]);
    assert_same("text (detected)", &got, &[]);
}

#[test]
fn layout_preserving_pdf_text() {
    let text = shapes::layout_text(&shapes::real_forms());
    let (site, got) = import("申报表-layout.txt", text.as_bytes(), &[]);
    assert_same("layout", &got, &[]);
    check_and_build(&site);
}

#[test]
fn table_extractor_json() {
    let text = shapes::json(&shapes::real_forms());
    let (site, got) = import("tables.json", text.as_bytes(), &[]);
    assert_same("json", &got, &[]);
    check_and_build(&site);
}

#[test]
fn html_tables_with_rowspans() {
    let text = shapes::html(&shapes::real_forms());
    let (site, got) = import("公开.html", text.as_bytes(), &[]);
    assert_same("html", &got, &[]);
    check_and_build(&site);
}

#[test]
fn tables_flattened_to_cell_bars() {
    let text = shapes::pipe_text(&shapes::real_forms());
    let (site, got) = import("公开.txt", text.as_bytes(), &[]);
    assert_same("pipe", &got, &[]);
    check_and_build(&site);
}

#[test]
fn a_flat_indicator_list() {
    let text = shapes::flat_csv(&shapes::real_forms());
    let (site, got) = import("绩效目标表.csv", text.as_bytes(), &[]);
    // A flat list has no place for the period of the 项目总目标.
    assert_same(
        "flat",
        &got,
        &[(
            "shi-ke-xie-ji-gou-ji-chang-wei-hui-hui-yi-fei.toml",
            "overall_period = \"2023年-2024年\"\n",
        )],
    );
    check_and_build(&site);
}

/// The first three forms in an old Excel workbook (`.xls`, BIFF8) with merged cells. No Rust
/// crate writes .xls; the committed fixture was made with Python's `xlwt` by
/// `tests/fixtures/import/make_xls.py` from the grids `write_the_shapes` writes.
#[test]
fn an_xls_workbook_with_merged_cells() {
    let bytes = fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import/2023-first-three-forms.xls"
    ))
    .expect("the .xls fixture");
    let (site, got) = import("申报表.xls", &bytes, &[]);
    let expected = expected();
    let first_three: Vec<String> = shapes::real_forms()
        .iter()
        .take(3)
        .map(|form| format!("{}.toml", form.slug))
        .collect();
    assert_eq!(got.keys().cloned().collect::<Vec<_>>(), {
        let mut names = first_three.clone();
        names.sort();
        names
    });
    for name in &first_three {
        assert_eq!(got[name], expected[name], "{name}");
    }
    check_and_build(&site);
}

#[test]
fn an_xlsx_workbook_with_merged_cells() {
    let bytes = shapes::xlsx(&shapes::real_forms());
    let (site, got) = import("申报表.xlsx", &bytes, &[]);
    assert_same("xlsx", &got, &[]);
    check_and_build(&site);
}

/// Writes every shape to `$DISCLOSE_SHAPES_DIR` (for looking at them, and for the README's
/// examples): `cargo test --test import_shapes -- --ignored write_the_shapes`.
#[test]
#[ignore = "writes files for a person to look at"]
fn write_the_shapes() {
    let dir = std::env::var("DISCLOSE_SHAPES_DIR").unwrap_or_else(|_| "target/shapes".into());
    let dir = Path::new(&dir);
    fs::create_dir_all(dir).expect("dir");
    let forms = shapes::real_forms();
    let files: [(&str, Vec<u8>); 7] = [
        ("text.txt", shapes::stream_text(&forms).into_bytes()),
        ("layout.txt", shapes::layout_text(&forms).into_bytes()),
        ("tables.json", shapes::json(&forms).into_bytes()),
        ("page.html", shapes::html(&forms).into_bytes()),
        ("bars.txt", shapes::pipe_text(&forms).into_bytes()),
        ("flat.csv", shapes::flat_csv(&forms).into_bytes()),
        ("book.xlsx", shapes::xlsx(&forms)),
    ];
    for (name, bytes) in files {
        fs::write(dir.join(name), bytes).expect("write");
    }
    // The first three forms' grids with their merged cells, from which
    // tests/fixtures/import/make_xls.py writes the .xls fixture.
    let grids: Vec<_> = forms.iter().take(3).map(shapes::grid).collect();
    let json = serde_json::to_string_pretty(&grids).expect("json");
    fs::write(dir.join("grids.json"), json).expect("write");
}
