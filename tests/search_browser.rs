//! Search in a real browser: builds a site, then `tests/browser/search.mjs` types 科普 and then
//! 学会 into the search box in headless Chromium and reports the titles it lists.
//!
//! Needs Debian's Chromium (`/usr/bin/chromium`, or `CHROMIUM`) and playwright-core in
//! `tests/browser/node_modules`. Without them the test is skipped with a loud message, or fails
//! when `DISCLOSE_REQUIRE_BROWSER` is set (as in CI).

mod fixture;

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use disclose::build::{BuildOptions, build};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `true` when the browser tools are here; otherwise a loud skip (or a failure in CI).
fn browser_available() -> bool {
    let chromium = env::var_os("CHROMIUM")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let playwright = manifest_dir().join("tests/browser/node_modules/playwright-core");
    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push(format!("{} (apt-get install chromium)", chromium.display()));
    }
    if !playwright.is_dir() {
        missing.push(format!(
            "{} (npm ci in tests/browser)",
            playwright.display()
        ));
    }
    if missing.is_empty() {
        return true;
    }
    let message = format!("search in Chromium: missing {}", missing.join(", "));
    if env::var_os("DISCLOSE_REQUIRE_BROWSER").is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("DISCLOSE_REQUIRE_BROWSER is set, but {message}");
    }
    fixture::skipped(&message);
    false
}

/// Build `root` into a temp dir and search it; the report as JSON.
fn search(root: &Path, queries: &[&str]) -> serde_json::Value {
    let out = tempfile::tempdir().expect("temp dir");
    let public = out.path().join("public");
    build(&BuildOptions::new(root), &public).expect("the site builds");
    let script = manifest_dir().join("tests/browser/search.mjs");
    let output = Command::new("node")
        .arg(&script)
        .arg(&public)
        .args(queries)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "search.mjs failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim()).expect("search.mjs prints JSON")
}

fn titles(report: &serde_json::Value, query: &str) -> Vec<String> {
    let mut found: Vec<String> = report[query]
        .as_array()
        .unwrap_or_else(|| panic!("no results for {query} in {report}"))
        .iter()
        .filter_map(|title| title.as_str().map(String::from))
        .collect();
    found.sort();
    found
}

fn sorted(titles: &[&str]) -> Vec<String> {
    let mut titles: Vec<String> = titles.iter().map(|t| t.to_string()).collect();
    titles.sort();
    titles
}

#[test]
fn typing_chinese_and_latin_finds_the_right_declarations() {
    if !browser_available() {
        return;
    }
    let site = tempfile::tempdir().expect("temp dir");
    fixture::write_site(site.path());
    let report = search(
        site.path(),
        &["科普", "学会", "robotics", "教育中心", "Lectures", "下载"],
    );
    assert_eq!(report["label"], "搜索项目");
    assert_eq!(titles(&report, "科普"), sorted(fixture::KEPU), "{report}");
    assert_eq!(titles(&report, "学会"), sorted(fixture::XUEHUI), "{report}");
    assert_eq!(
        titles(&report, "robotics"),
        ["STEM Outreach Programme"],
        "{report}"
    );
    // 主管部门 and indicator names are searched too.
    assert_eq!(
        titles(&report, "教育中心"),
        sorted(&[fixture::KEPU[1]]),
        "{report}"
    );
    assert_eq!(
        titles(&report, "Lectures"),
        ["STEM Outreach Programme"],
        "{report}"
    );
    // The page's own furniture (download links, breadcrumbs) is not indexed.
    assert!(titles(&report, "下载").is_empty(), "{report}");
}

#[test]
fn kepu_finds_the_four_2023_declarations_of_the_real_site() {
    let has_content = std::fs::read_dir(manifest_dir().join("content/2023"))
        .is_ok_and(|mut entries| entries.next().is_some());
    if !has_content {
        fixture::skipped("科普 on the real site: content/2023/ is empty until the importer lands");
        return;
    }
    if !browser_available() {
        return;
    }
    let report = search(manifest_dir(), &["科普", "学会"]);
    // The four forms of ../shared/data whose text contains 科普, and the one that contains 学会.
    let kepu = [
        "党建引领百万市民共享科普",
        "国际合作与交流",
        "科技工作者之家建设",
        "落实推进《全民科学素质纲要》",
    ];
    assert_eq!(titles(&report, "科普"), sorted(&kepu), "{report}");
    assert_eq!(titles(&report, "学会"), ["学会改革与发展"], "{report}");
}
