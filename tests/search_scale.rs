//! Search on a generated site of 100,000 declarations over ten years, in headless Chromium: a
//! query typed into the box shows its results within 300 ms of the last keystroke, having
//! fetched at most six index files (catalog included).
//!
//! Rendering 100,000 pages in a debug test would take minutes and tells nothing about search,
//! so the pages come from a small real site (one declaration a year for the same ten years: the
//! real home page, search box, year filter and script), and its `search/` folder is replaced by
//! the index of the 100,000 generated declarations (`search_scale/generate.rs`), built by the
//! same functions `build` uses. Result links are not followed (those pages are not rendered).

mod search_harness;
mod search_scale {
    pub mod generate;
}

use std::fs;
use std::path::Path;

use disclose::build::{BuildOptions, build};
use disclose::search::{self, YearShard};
use rayon::prelude::*;
use search_harness::{browser_available, run_harness};
use search_scale::generate;
use serde_json::Value;

const YEARS: u16 = 10;
const PER_YEAR: usize = 10_000;

/// A real site with one small declaration in each of the ten years.
fn chrome_site(root: &Path) {
    fs::write(
        root.join("site.toml"),
        "title = \"生成的站点\"\nbase_url = \"/\"\nlanguage = \"zh-CN\"\npublisher = \"测试单位\"\n",
    )
    .expect("site.toml");
    for year in (2025 - YEARS)..2025 {
        let folder = root.join(format!("content/{year}"));
        fs::create_dir_all(&folder).expect("content folder");
        let text = format!(
            "name = \"年度项目{year}\"\nyear = {year}\ndepartment = \"测试单位\"\n\n[funding]\nannual = \"100.00\"\n"
        );
        fs::write(folder.join("p.toml"), text).expect("declaration");
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn results_within_300_ms_and_six_files_on_100000_declarations() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    let public = dir.path().join("public");
    fs::create_dir_all(&root).expect("site folder");
    chrome_site(&root);
    build(&BuildOptions::new(&root), &public).expect("the small site builds");

    let started = std::time::Instant::now();
    let site = generate::site(YEARS, PER_YEAR);
    let generated = started.elapsed();
    assert_eq!(site.declaration_count(), usize::from(YEARS) * PER_YEAR);
    let shards: Vec<YearShard> = site.years.par_iter().map(search::year_shard).collect();
    let files = search::publish(&shards);
    let indexed = started.elapsed() - generated;
    fs::remove_dir_all(public.join("search")).expect("remove the small index");
    for file in &files {
        let path = public.join(&file.path);
        fs::create_dir_all(path.parent().expect("parent")).expect("index folder");
        fs::write(&path, &file.bytes).expect("index file");
    }

    // A common pair, a rarer one, a single character, a long name and two terms, over all years;
    // then one year.
    let queries = [
        "科普",
        "学会",
        "党",
        "学会改革与发展",
        "科技 人才",
        "满意度@2020",
    ];
    if let Some(keep) = std::env::var_os("KEEP_SCALE_SITE") {
        let _ = std::process::Command::new("cp")
            .arg("-r")
            .arg(&public)
            .arg(keep)
            .status();
    }
    // Entered as an input method commits Chinese: the whole query in one input event.
    let report = run_harness(&public, &["--no-follow", "--ime"], &queries);
    println!(
        "generated in {:.1} s, indexed in {:.1} s (debug build), browser in {:.1} s",
        generated.as_secs_f64(),
        indexed.as_secs_f64(),
        (started.elapsed() - generated - indexed).as_secs_f64()
    );
    for query in queries {
        let found = &report["queries"][query];
        println!(
            "{query}: {} ms, {} files, {}",
            found["ms"],
            found["fetched"].as_array().map_or(0, Vec::len),
            found["status"]
        );
    }
    for query in queries {
        let found = &report["queries"][query];
        let titles = strings(&found["titles"]);
        let fetched = strings(&found["fetched"]);
        let ms = found["ms"].as_i64().unwrap_or(i64::MAX);
        assert!(!titles.is_empty(), "{query}: no results: {found}");
        assert!(
            fetched.len() <= 6,
            "{query}: {} index files: {fetched:?}",
            fetched.len()
        );
        assert!(ms <= 300, "{query}: results after {ms} ms: {found}");
        let status = found["status"].as_str().unwrap_or("");
        assert!(status.contains("找到"), "{query}: {status}");
    }
    let hrefs = strings(&report["queries"]["满意度@2020"]["hrefs"]);
    assert!(
        hrefs.iter().all(|href| href.starts_with("2020/")),
        "{hrefs:?}"
    );
    assert_eq!(report["axe"], serde_json::json!([]), "{report}");
}
