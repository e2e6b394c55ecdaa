//! Search in a real browser: builds a site, then `tests/browser/search.mjs` types queries into the
//! search box in headless Chromium and reports what the box showed (titles in order, links,
//! highlights, the live region, the index files fetched, keyboard focus, axe-core).
//!
//! Needs Debian's Chromium (`/usr/bin/chromium`, or `CHROMIUM`) and playwright-core and axe-core
//! in `tests/browser/node_modules`. Without them the tests are skipped with a loud message, or
//! fail when `DISCLOSE_REQUIRE_BROWSER` is set (as in CI).

mod fixture;
mod search_harness;

use std::path::Path;

use disclose::build::{BuildOptions, build};
use search_harness::{browser_available, run_harness};
use serde_json::Value;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Build `root` into a temp dir and search it; the report as JSON.
fn search(root: &Path, queries: &[&str]) -> Value {
    search_with(root, &[], queries)
}

/// [`search`] with options of `search.mjs` (`--compose`, …).
fn search_with(root: &Path, options: &[&str], queries: &[&str]) -> Value {
    let out = tempfile::tempdir().expect("temp dir");
    let public = out.path().join("public");
    build(&BuildOptions::new(root), &public).expect("the site builds");
    run_harness(&public, options, queries)
}

/// The fixture's declarations that mention 科普 and 学会 were found, in any order.
fn assert_finds_kepu_and_xuehui(report: &Value) {
    assert_eq!(
        sorted(&titles(report, "科普")),
        sorted(fixture::KEPU),
        "{report}"
    );
    assert_eq!(
        sorted(&titles(report, "学会")),
        sorted(fixture::XUEHUI),
        "{report}"
    );
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The titles listed for `query`, in the order shown.
fn titles(report: &Value, query: &str) -> Vec<String> {
    let found = &report["queries"][query];
    assert!(found.is_object(), "no answer for {query} in {report}");
    strings(&found["titles"])
}

fn sorted<S: AsRef<str>>(titles: &[S]) -> Vec<String> {
    let mut titles: Vec<String> = titles.iter().map(|t| t.as_ref().to_string()).collect();
    titles.sort();
    titles
}

/// Every query stayed within the fetch budget: at most six index files, catalog included.
fn assert_within_budget(report: &Value) {
    for (query, found) in report["queries"].as_object().expect("queries") {
        let fetched = strings(&found["fetched"]);
        assert!(fetched.len() <= 6, "{query} fetched {fetched:?}");
        assert!(
            fetched
                .iter()
                .any(|path| path.ends_with("/search/catalog.json")),
            "{query}: a fresh page reads the catalog first: {fetched:?}"
        );
    }
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
        &[
            "科普",
            "学会",
            "robotics",
            "ＲＯＢＯＴＩＣＳ",
            "robot",
            "教育中心",
            "Lectures",
            "下载",
            "上海市科学技术协会@2022",
            "科普 大赛",
        ],
    );
    assert_eq!(report["label"], "搜索项目");
    assert_finds_kepu_and_xuehui(&report);
    // Latin words match whole and regardless of case or width, never as a prefix.
    for query in ["robotics", "ＲＯＢＯＴＩＣＳ", "Lectures"] {
        assert_eq!(
            titles(&report, query),
            ["STEM Outreach Programme"],
            "{query}: {report}"
        );
    }
    assert!(titles(&report, "robot").is_empty(), "{report}");
    // 主管部门 and indicator names are searched too.
    assert_eq!(titles(&report, "教育中心"), [fixture::KEPU[1]], "{report}");
    // The page's own furniture (download links, breadcrumbs) is not indexed.
    assert!(titles(&report, "下载").is_empty(), "{report}");
    // The year filter: the department is in both years, 2022 has one declaration.
    assert_eq!(
        titles(&report, "上海市科学技术协会@2022"),
        ["往年会议费"],
        "{report}"
    );
    assert_eq!(
        report["queries"]["上海市科学技术协会@2022"]["status"],
        "2022年度：找到 1 个项目"
    );
    // Terms are ANDed.
    assert_eq!(titles(&report, "科普 大赛"), [fixture::KEPU[1]], "{report}");
    assert_within_budget(&report);
}

/// The repository's 2023 declarations, each as (项目名称, its searched text).
fn real_declarations() -> Vec<(String, String)> {
    let loaded = disclose::content::load_site(manifest_dir()).expect("content loads");
    loaded
        .entries
        .into_iter()
        .map(|entry| {
            let d = entry.declaration;
            let mut text = vec![d.name.clone(), d.department.clone()];
            text.extend(d.implementer.clone());
            text.extend(d.goals.overall.clone());
            text.extend(d.goals.annual.clone());
            text.extend(d.indicators.iter().map(|i| i.name.clone()));
            (d.name.clone(), text.join("\n"))
        })
        .collect()
}

/// The names of the declarations whose text contains every one of `needles`.
fn containing(declarations: &[(String, String)], needles: &[&str]) -> Vec<String> {
    let found: Vec<&String> = declarations
        .iter()
        .filter(|(_, text)| needles.iter().all(|needle| text.contains(needle)))
        .map(|(name, _)| name)
        .collect();
    sorted(&found)
}

#[test]
fn the_real_site_finds_kepu_xuehui_single_characters_and_and() {
    let has_content = std::fs::read_dir(manifest_dir().join("content/2023"))
        .is_ok_and(|mut entries| entries.next().is_some());
    if !has_content {
        fixture::skipped("search on the real site: content/2023/ is empty");
        return;
    }
    if !browser_available() {
        return;
    }
    let declarations = real_declarations();
    let report = search(
        manifest_dir(),
        &["科普", "学会", "党", "治", "科普 国际", "科普@2023"],
    );
    // The four forms of ../shared/data whose text contains 科普, and the one that contains 学会.
    let kepu = [
        "党建引领百万市民共享科普",
        "国际合作与交流",
        "科技工作者之家建设",
        "落实推进《全民科学素质纲要》",
    ];
    assert_eq!(sorted(&titles(&report, "科普")), sorted(&kepu), "{report}");
    assert_eq!(containing(&declarations, &["科普"]), sorted(&kepu));
    assert_eq!(titles(&report, "学会"), ["学会改革与发展"], "{report}");
    // A single character finds exactly the declarations that contain it.
    for single in ["党", "治"] {
        let expected = containing(&declarations, &[single]);
        assert!(!expected.is_empty() && expected.len() < declarations.len());
        assert_eq!(
            sorted(&titles(&report, single)),
            expected,
            "{single}: {report}"
        );
    }
    assert_eq!(
        sorted(&titles(&report, "科普 国际")),
        containing(&declarations, &["科普", "国际"]),
        "{report}"
    );
    // 项目名称 matches first: only one name contains 科普, and it leads; 治 is in one name.
    assert_eq!(titles(&report, "科普")[0], "党建引领百万市民共享科普");
    assert_eq!(titles(&report, "治")[0], "市科协综合治理费用");
    let kepu_answer = &report["queries"]["科普"];
    assert_eq!(kepu_answer["status"], "找到 4 个项目");
    assert_eq!(
        kepu_answer["nameMarks"][0], 1,
        "the title's 科普 is highlighted"
    );
    let marks = strings(&kepu_answer["marks"]);
    assert!(
        marks.len() >= 4 && marks.iter().all(|m| m == "科普"),
        "{marks:?}"
    );
    for href in strings(&kepu_answer["hrefs"]) {
        assert!(
            href.starts_with("2023/") && href.ends_with('/'),
            "relative: {href}"
        );
    }
    // The year filter (one year here) keeps the same answer and says so.
    assert_eq!(sorted(&titles(&report, "科普@2023")), sorted(&kepu));
    assert_eq!(
        report["queries"]["科普@2023"]["status"],
        "2023年度：找到 4 个项目"
    );
    // Keyboard: ArrowDown from the box walks the results, ArrowUp comes back.
    let keyboard = &report["keyboard"];
    assert_eq!(keyboard["down1"], format!("result:{}", kepu[0]), "{report}");
    assert!(
        keyboard["down2"]
            .as_str()
            .is_some_and(|s| s.starts_with("result:"))
    );
    assert_eq!(keyboard["up2"], "input", "{report}");
    // axe-core on the page with the results open.
    assert_eq!(report["axe"], serde_json::json!([]), "{report}");
    assert_within_budget(&report);
}

/// With an input method, the letters being composed (pinyin) are not searched: the box answers
/// the committed Chinese text only, and does not wait for more keystrokes first.
#[test]
fn an_input_method_is_searched_when_it_commits() {
    if !browser_available() {
        return;
    }
    let site = tempfile::tempdir().expect("temp dir");
    fixture::write_site(site.path());
    let report = search_with(site.path(), &["--compose"], &["科普", "学会"]);
    assert_finds_kepu_and_xuehui(&report);
    for query in ["科普", "学会"] {
        let asked = strings(&report["queries"][query]["asked"]);
        assert_eq!(asked, [query], "{query}: the box answered {asked:?}");
    }
    assert_within_budget(&report);
}
