//! The repository's own site: the 15 real declarations of 2023, as a new office would publish them.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Run, tree};

const FORMS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/2023-shanghai-sast-declarations.txt"
);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn disclose(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_disclose"))
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("cannot run disclose: {err}"));
    Run::from(output)
}

fn path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

#[test]
fn importing_the_forms_again_reproduces_content_2023_byte_for_byte() {
    let out = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    disclose(&["import", FORMS, "--out", &path(out.path())]).assert_ok();
    let imported = tree(&out.path().join("2023"));
    let committed = tree(&repo().join("content/2023"));
    assert_eq!(imported.len(), 15);
    assert_eq!(
        imported, committed,
        "content/2023 differs from a fresh import of the forms"
    );
}

#[test]
fn a_new_office_goes_from_forms_to_a_site() {
    let work = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let site = work.path().join("site");
    disclose(&["init", &path(&site)]).assert_ok();
    disclose(&["import", FORMS, "--out", &path(&site.join("content"))]).assert_ok();
    let again = disclose(&["import", FORMS, "--out", &path(&site.join("content"))]);
    again.assert_failed();
    assert!(again.stderr.contains("--force"), "{}", again.stderr);

    let check = disclose(&["--root", &path(&site), "check"]);
    check.assert_ok();
    assert!(
        check.stderr.contains(
            "content/2023/shi-ke-xie-ji-gou-ji-chang-wei-hui-hui-yi-fei.toml:16:10: warning: funding.annual: 年度资金申请总额 249,550.00 is 70,000.00 more than 当年财政拨款 + 上年结转资金 + 其他资金 = 179,550.00 + 0.00 + 0.00 = 179,550.00 (元)"
        ),
        "{}",
        check.stderr
    );
    disclose(&["--root", &path(&site), "check", "--strict"]).assert_failed();

    disclose(&["--root", &path(&site), "build"]).assert_ok();
    let public = site.join("public");
    let pages: Vec<PathBuf> = fs::read_dir(public.join("2023"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("index.html").is_file())
                .filter(|p| !p.ends_with("quality"))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(pages.len(), 15, "{pages:?}");
    assert!(
        public.join("2023/quality/index.html").is_file(),
        "the quality report"
    );
    let year = fs::read_to_string(public.join("2023/index.html")).unwrap_or_default();
    assert!(year.contains("14,339,534.00"), "the year total");
}

/// Every indicator of every declaration appears on its page with its target verbatim.
#[test]
fn every_indicator_is_on_its_page_verbatim() {
    let out = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let public = out.path().join("public");
    disclose(&["--root", &path(repo()), "build", "--out", &path(&public)]).assert_ok();
    let mut indicators = 0;
    for (file, bytes) in tree(&repo().join("content/2023")) {
        let source: toml::Table = toml::from_str(&String::from_utf8_lossy(&bytes))
            .unwrap_or_else(|err| panic!("{file}: {err}"));
        let slug = file.trim_end_matches(".toml");
        let page =
            fs::read_to_string(public.join(format!("2023/{slug}/index.html"))).unwrap_or_default();
        let document = scraper::Html::parse_document(&page);
        let cell = |css: &str| -> Vec<String> {
            let selector = scraper::Selector::parse(css).unwrap_or_else(|err| panic!("{err}"));
            document
                .select(&selector)
                .map(|node| node.text().collect())
                .collect()
        };
        let names = cell("table.indicators tbody th[id^=ind-]");
        let targets = cell("table.indicators td.target");
        let rows = source
            .get("indicators")
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default();
        let expected_names: Vec<String> = rows
            .iter()
            .map(|row| row["name"].as_str().unwrap_or_default().to_string())
            .collect();
        let expected_targets: Vec<String> = rows
            .iter()
            .map(|row| row["target"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(names, expected_names, "{slug}");
        assert_eq!(targets, expected_targets, "{slug}");
        let h1 = cell("h1");
        assert_eq!(
            h1,
            vec![source["name"].as_str().unwrap_or_default().to_string()],
            "{slug}"
        );
        indicators += rows.len();
    }
    assert_eq!(indicators, 110);
}

/// Minified HTML with a line break between tags, so snapshot diffs are readable.
fn readable(html: &str) -> String {
    html.replace("><", ">\n<")
}

#[test]
fn year_and_declaration_pages_are_pinned() {
    let out = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let public = out.path().join("public");
    disclose(&["--root", &path(repo()), "build", "--out", &path(&public)]).assert_ok();
    let page =
        |relative: &str| readable(&fs::read_to_string(public.join(relative)).unwrap_or_default());
    insta::assert_snapshot!("year_2023", page("2023/index.html"));
    insta::assert_snapshot!(
        "declaration_multi_year",
        page("2023/shi-ke-xie-ji-gou-ji-chang-wei-hui-hui-yi-fei/index.html")
    );
    insta::assert_snapshot!(
        "declaration_shifted_columns",
        page("2023/ke-ji-gong-zuo-zhe-zhi-jia-jian-she/index.html")
    );
}

/// The charts draw the same numbers as the year page's tables.
#[test]
fn chart_numbers_equal_the_tables() {
    let out = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let public = out.path().join("public");
    disclose(&["--root", &path(repo()), "build", "--out", &path(&public)]).assert_ok();
    let html = fs::read_to_string(public.join("2023/index.html")).unwrap_or_default();
    let document = scraper::Html::parse_document(&html);
    let texts = |css: &str| -> Vec<String> {
        let selector = scraper::Selector::parse(css).unwrap_or_else(|err| panic!("{err}"));
        document
            .select(&selector)
            .map(|node| node.text().collect::<String>())
            .collect()
    };
    let pairs = |labels: Vec<String>, values: Vec<String>| -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = labels.into_iter().zip(values).collect();
        pairs.sort();
        pairs
    };
    let chart = |id: &str| {
        pairs(
            texts(&format!("svg[aria-labelledby^={id}] .chart-label")),
            texts(&format!("svg[aria-labelledby^={id}] .chart-value")),
        )
    };
    let table = |id: &str, column: usize| {
        pairs(
            texts(&format!("#{id} tbody th")),
            texts(&format!("#{id} tbody tr td:nth-of-type({column})")),
        )
    };
    let annual_chart = chart("chart-annual");
    assert_eq!(annual_chart.len(), 15);
    assert_eq!(
        annual_chart,
        table("declarations", 3),
        "bars vs the declarations table"
    );
    assert_eq!(
        chart("chart-sources"),
        table("by-category", 2),
        "category bars vs the category table"
    );
}
