//! 绩效指标质量 end to end, with the real binary on a fixture site that has one declaration per
//! check (see `tests/quality_fixture`): `check --quality`, the report page, the declaration-page
//! section, and `quality.csv` in the data package.

mod fixture;
mod quality_fixture;

use std::collections::BTreeMap;

use quality_fixture::{DECLARATIONS, EXPECTED, declaration_toml, notes, site, target_line};
use scraper::{Html, Selector};

fn select(html: &str, css: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(css).unwrap_or_else(|err| panic!("{css}: {err:?}"));
    document
        .select(&selector)
        .map(|node| node.text().collect::<String>().trim().to_string())
        .collect()
}

fn attributes(html: &str, css: &str, name: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(css).unwrap_or_else(|err| panic!("{css}: {err:?}"));
    document
        .select(&selector)
        .filter_map(|node| node.value().attr(name).map(str::to_string))
        .collect()
}

/// The expected findings as (file, code), in output order.
fn expected_notes() -> Vec<(String, String)> {
    EXPECTED
        .iter()
        .map(|(slug, code, _)| (format!("content/2023/{slug}.toml"), code.to_string()))
        .collect()
}

#[test]
fn check_quality_prints_each_finding_at_its_file_line_and_column() {
    let site = site("");
    let run = site.run(&["check", "--quality"]);
    run.assert_ok();
    assert_eq!(notes(&run.stdout), expected_notes(), "{}", run.stdout);
    // The indicator findings point at the target's value: `target = "` is 9 characters.
    let (_, _, rows) = DECLARATIONS
        .iter()
        .find(|(slug, ..)| *slug == "mo-hu")
        .expect("fixture");
    let line = target_line(&declaration_toml(2023, "表述模糊项目", rows), 3);
    let expected = format!(
        "content/2023/mo-hu.toml:{line}:10: note[vague-target]: indicators[3].target: “培训影响力”的指标值“有效提升”没有数字、比例或完成时限（用词：“有效”“提升”）"
    );
    assert!(run.stdout.contains(&expected), "{}", run.stdout);
    // Whole-declaration findings point at the first indicator row.
    assert!(
        run.stdout.contains(
            "content/2023/que-shao-yi-ji.toml:11:10: note[missing-level1]: indicators[1].level1: 本表没有一级指标为“效益指标”的指标行"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "content/2023/ding-liang-shao.toml: 定性指标为主项目 (测试单位): 6 indicators, 2 quantitative (33.3%), 1 finding"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "2023 测试单位: 8 declarations, 34 indicators, 28 quantitative (82.4%), 7 findings"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("by check: missing-level1 1, missing-cost 1, low-quantitative-share 1, vague-target 1, duplicate-indicator 1, cost-above-funding 1, satisfaction-not-percent 1; off: none"),
        "{}",
        run.stdout
    );
    // Findings are not diagnostics.
    assert!(
        run.stdout
            .contains("checked 8 declarations: 0 errors, 0 warnings")
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn findings_are_not_warnings_so_strict_passes_and_plain_check_is_silent() {
    let site = site("");
    site.run(&["check", "--strict", "--quality"]).assert_ok();
    site.run(&["build", "--strict"]).assert_ok();
    let plain = site.run(&["check"]);
    plain.assert_ok();
    assert!(!plain.stdout.contains("note["), "{}", plain.stdout);
}

#[test]
fn the_report_page_has_a_row_per_department_and_per_declaration() {
    let site = site("");
    site.run(&["build"]).assert_ok();
    let page = site.page("2023/quality/index.html");
    assert_eq!(select(&page, "h1"), ["2023年度绩效指标质量"]);
    assert_eq!(
        select(&page, "#quality-departments tbody tr"),
        ["测试单位8342882.4%7"]
    );
    let names = select(&page, "#quality-declarations tbody th a");
    let mut expected_names: Vec<(&str, &str)> = DECLARATIONS
        .iter()
        .map(|(slug, name, _)| (*slug, *name))
        .collect();
    expected_names.sort();
    assert_eq!(
        names,
        expected_names
            .iter()
            .map(|(_, name)| name.to_string())
            .collect::<Vec<_>>()
    );
    let links = attributes(&page, "#quality-declarations tbody th a", "href");
    assert_eq!(links[0], "../cheng-ben-chao-e/#quality");
    assert!(links.contains(&"../wan-zheng/".to_string()), "{links:?}");
    let summaries = select(&page, "#quality-declarations tbody td:last-child");
    assert_eq!(summaries[0], "成本指标超过年度资金 1");
    assert!(summaries.contains(&"—".to_string()));
    // Each check is explained with its count; the note says findings are not corrections.
    let checks = select(&page, ".quality-checks dt");
    assert_eq!(checks.len(), 7);
    assert!(checks[3].contains("vague-target") && checks[3].ends_with("1 项"));
    assert!(page.contains("不是更正"));
    assert!(page.contains("本站设定的比例为 50%"));
    // The year page links the report.
    let year = site.page("2023/index.html");
    assert_eq!(
        attributes(&year, ".quality-link a", "href"),
        ["quality/"],
        "{year}"
    );
}

#[test]
fn a_declaration_page_lists_its_findings_in_a_collapsed_section() {
    let site = site("");
    site.run(&["build"]).assert_ok();
    let page = site.page("2023/mo-hu/index.html");
    assert_eq!(
        select(&page, "details#quality summary"),
        ["指标质量：1 项发现"]
    );
    assert!(attributes(&page, "details#quality", "open").is_empty());
    assert_eq!(
        select(&page, "details#quality li"),
        [
            "指标值难以衡量（第 3 项指标）：“培训影响力”的指标值“有效提升”没有数字、比例或完成时限（用词：“有效”“提升”）"
        ]
    );
    // Next to the indicator table, inside the indicators section.
    assert_eq!(
        select(&page, "section.form-indicators > details#quality summary").len(),
        1
    );
    let clean = site.page("2023/wan-zheng/index.html");
    assert!(select(&clean, "details").is_empty(), "{clean}");
}

#[test]
fn quality_csv_has_one_row_per_finding_and_the_package_validates() {
    let site = site("");
    site.run(&["build"]).assert_ok();
    let bytes = std::fs::read(site.public().join("2023/quality.csv")).expect("quality.csv");
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    let mut reader = csv::Reader::from_reader(body);
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "year", "slug", "finding", "code", "check", "position", "level1", "level2", "name",
            "target", "message"
        ]
    );
    let rows: Vec<BTreeMap<String, String>> = reader
        .records()
        .map(|record| {
            let record = record.expect("row");
            header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_string))
                .collect()
        })
        .collect();
    let found: Vec<(&str, &str, Option<usize>)> = rows
        .iter()
        .map(|row| {
            (
                row["slug"].as_str(),
                row["code"].as_str(),
                row["position"].parse().ok(),
            )
        })
        .collect();
    assert_eq!(found, EXPECTED);
    let cost = &rows[0];
    assert_eq!(cost["target"], "≤50(万元)");
    assert_eq!(cost["level1"], "成本指标");
    assert_eq!(
        cost["message"],
        "“培训成本”的指标值“≤50(万元)”折合 500,000.00 元，大于年度资金申请总额 100,000.00 元"
    );
    let package = std::fs::read_to_string(site.public().join("2023/datapackage.json"))
        .expect("datapackage.json");
    assert!(package.contains("\"path\": \"quality.csv\""), "{package}");
    fixture::validate_with_frictionless(&site.public().join("2023/datapackage.json"));
}

/// The text the search index holds: its fragment files (`search/fragments/YEAR/N.json`), which
/// carry every searched field of every declaration, with JSON escapes undone.
fn indexed_text(site: &quality_fixture::Site) -> String {
    quality_fixture::tree(&site.public())
        .into_iter()
        .filter(|(path, _)| path.starts_with("search/fragments/"))
        .map(|(path, bytes)| {
            let value: serde_json::Value =
                serde_json::from_slice(&bytes).unwrap_or_else(|err| panic!("{path}: {err}"));
            value.to_string()
        })
        .collect()
}

#[test]
fn search_finds_the_form_not_the_findings_about_it() {
    let site = site("");
    site.run(&["build"]).assert_ok();
    let indexed = indexed_text(&site);
    assert!(indexed.contains("培训影响力"), "the form's text is indexed");
    assert!(!indexed.contains("没有数字"), "the 指标质量 section is not");
    assert!(!indexed.contains("绩效指标质量"), "nor the report page");
}
