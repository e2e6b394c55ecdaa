//! The repository's own 2023 content (15 declarations of 上海市科学技术协会, 110 indicators,
//! annual total 14,339,534.00 元): its open data, feed and search index. Each test is skipped
//! with a loud message while `content/2023/` is empty, and checks as soon as the content lands.

mod fixture;

use std::collections::BTreeMap;
use std::path::Path;

use disclose::build::{BuildOptions, build, render_to_memory};
use rust_decimal::Decimal;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The built repository site, or `None` (after a loud message) while there is no 2023 content.
fn built_2023(test: &str) -> Option<BTreeMap<String, Vec<u8>>> {
    let folder = repository().join("content/2023");
    let has_content = std::fs::read_dir(&folder).is_ok_and(|mut entries| {
        entries
            .any(|entry| entry.is_ok_and(|e| e.path().extension().is_some_and(|ext| ext == "toml")))
    });
    if !has_content {
        fixture::skipped(&format!(
            "{test}: {} has no declarations yet (they arrive with the importer branch)",
            folder.display()
        ));
        return None;
    }
    let rendered = render_to_memory(&BuildOptions::new(repository())).expect("the site builds");
    Some(
        rendered
            .files
            .into_iter()
            .map(|file| (file.path, file.bytes))
            .collect(),
    )
}

fn csv_rows(bytes: &[u8]) -> Vec<csv::StringRecord> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    csv::Reader::from_reader(body)
        .records()
        .map(|row| row.expect("valid CSV"))
        .collect()
}

#[test]
fn annual_column_sums_to_the_published_total_and_110_indicators() {
    let Some(files) = built_2023("2023 CSV totals") else {
        return;
    };
    let declarations = csv_rows(&files["2023/declarations.csv"]);
    assert_eq!(declarations.len(), 15);
    let header = csv::Reader::from_reader(&files["2023/declarations.csv"][3..])
        .headers()
        .expect("header")
        .clone();
    let annual = header.iter().position(|h| h == "annual").expect("annual");
    let sum: Decimal = declarations
        .iter()
        .map(|row| row[annual].parse::<Decimal>().expect("decimal"))
        .sum();
    assert_eq!(format!("{sum:.2}"), "14339534.00");
    assert_eq!(csv_rows(&files["2023/indicators.csv"]).len(), 110);
}

#[test]
fn the_2023_package_is_valid_for_frictionless() {
    if built_2023("2023 frictionless").is_none() {
        return;
    }
    let out = tempfile::tempdir().expect("temp dir");
    let public = out.path().join("public");
    build(&BuildOptions::new(repository()), &public).expect("the site builds");
    fixture::validate_with_frictionless(&public.join("2023/datapackage.json"));
}

#[test]
fn the_feed_has_15_entries_for_2023() {
    let Some(files) = built_2023("2023 feed") else {
        return;
    };
    let feed = std::str::from_utf8(&files["feed.xml"]).expect("UTF-8");
    let entries_2023 = feed
        .split("<entry>")
        .skip(1)
        .filter(|entry| entry.contains("/2023/"))
        .count();
    assert_eq!(entries_2023, 15);
}
