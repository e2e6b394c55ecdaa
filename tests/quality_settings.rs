//! `[quality]` in site.toml, reserved slugs, and archived years keeping the report they were
//! published with. Real binary, fixture sites in temp dirs (see `tests/quality_fixture`).

mod quality_fixture;

use quality_fixture::{declaration_toml, notes, site, tree};

#[test]
fn publishing_off_removes_page_csv_link_and_section_but_check_still_reports() {
    let site = site("\n[quality]\npublish = false\n");
    site.run(&["build"]).assert_ok();
    let public = site.public();
    assert!(!public.join("2023/quality").exists());
    assert!(!public.join("2023/quality.csv").exists());
    let package = std::fs::read_to_string(public.join("2023/datapackage.json")).expect("package");
    assert!(!package.contains("quality"), "{package}");
    assert!(!site.page("2023/index.html").contains("quality/"));
    assert!(!site.page("2023/mo-hu/index.html").contains("指标质量"));
    assert!(!site.page("sitemap.xml").contains("quality"));
    let run = site.run(&["check", "--quality"]);
    run.assert_ok();
    assert_eq!(notes(&run.stdout).len(), 7, "{}", run.stdout);
}

#[test]
fn a_switched_off_check_is_gone_from_every_output() {
    let site = site("\n[quality.checks]\nvague-target = false\nmissing-cost = false\n");
    let run = site.run(&["check", "--quality"]);
    run.assert_ok();
    let codes: Vec<String> = notes(&run.stdout)
        .into_iter()
        .map(|(_, code)| code)
        .collect();
    assert_eq!(codes.len(), 5, "{}", run.stdout);
    assert!(
        !codes
            .iter()
            .any(|code| code == "vague-target" || code == "missing-cost")
    );
    assert!(
        run.stdout.contains("; off: missing-cost, vague-target"),
        "{}",
        run.stdout
    );
    site.run(&["build"]).assert_ok();
    let page = site.page("2023/quality/index.html");
    assert!(!page.contains("vague-target") && !page.contains("missing-cost"));
    assert!(!site.page("2023/mo-hu/index.html").contains("指标质量"));
    assert!(!site.page("2023/quality.csv").contains("vague-target"));
}

#[test]
fn site_words_and_share_threshold_apply() {
    // 合格 is not in the built-in list; with it, 定性指标为主项目's "合格" is vague. At 90%, the
    // declarations with 3 of 4 (75%) and 4 of 5 (80%) quantitative targets fall short too.
    let site = site("\n[quality]\nvague_words = [\"合格\"]\nmin_quantitative_share = 90\n");
    let run = site.run(&["check", "--quality"]);
    run.assert_ok();
    let found = notes(&run.stdout);
    let count = |file: &str, code: &str| {
        found
            .iter()
            .filter(|(f, c)| f == &format!("content/2023/{file}.toml") && c == code)
            .count()
    };
    assert_eq!(
        count("ding-liang-shao", "vague-target"),
        1,
        "{}",
        run.stdout
    );
    assert_eq!(count("man-yi-du", "low-quantitative-share"), 1);
    assert_eq!(count("mo-hu", "low-quantitative-share"), 1);
    assert_eq!(count("wan-zheng", "low-quantitative-share"), 0);
    assert!(run.stdout.contains("低于本站设定的 90%"), "{}", run.stdout);
}

#[test]
fn bad_quality_settings_stop_check_and_build_with_the_fix() {
    let site = site("\n[quality]\npubish = false\nmin_quantitative_share = \"50\"\n");
    let run = site.run(&["check", "--quality"]);
    run.assert_failed();
    assert!(
        run.stderr.contains(
            "site.toml:7:1: error: quality.pubish: unknown field; did you mean `publish`?"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "site.toml:8:26: error: quality.min_quantitative_share: expected a whole number such as 2023, found string"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("quality: not run"), "{}", run.stderr);
    site.run(&["build"]).assert_failed();
    assert!(!site.public().exists());
}

#[test]
fn a_declaration_cannot_take_the_report_page_address() {
    let site = site("");
    site.write(
        "content/2023/quality.toml",
        &declaration_toml(2023, "质量提升项目", &[]),
    );
    let run = site.run(&["check"]);
    run.assert_failed();
    assert!(
        run.stderr.contains(
            "content/2023/quality.toml: error: the file name \"quality\" is reserved (YEAR/quality/ holds the year's indicator-quality report)"
        ),
        "{}",
        run.stderr
    );
}

/// The files of `YEAR/quality/` and `YEAR/quality.csv` in a built site.
fn quality_files(site: &quality_fixture::Site, year: u16) -> Vec<(String, Vec<u8>)> {
    tree(&site.public())
        .into_iter()
        .filter(|(path, _)| {
            path.starts_with(&format!("{year}/quality/")) || path == &format!("{year}/quality.csv")
        })
        .collect()
}

#[test]
fn an_archived_year_keeps_the_report_it_was_published_with() {
    let site = site("");
    site.run(&["build"]).assert_ok();
    let published = quality_files(&site, 2023);
    assert_eq!(published.len(), 2);
    site.run(&["snapshot", "2023"]).assert_ok();
    assert!(
        site.root()
            .join("archive/2023/quality/index.html")
            .is_file()
    );

    // The office then switches a check off and a new year arrives: 2023 stays as archived,
    // 2024 is reported with the new settings.
    site.write(
        "site.toml",
        &format!(
            "{}\n[quality.checks]\nmissing-level1 = false\n",
            quality_fixture::SITE_TOML
        ),
    );
    site.write(
        "content/2024/que-shao-yi-ji.toml",
        &declaration_toml(
            2024,
            "缺少效益指标项目",
            &[["产出指标", "数量指标", "场次", "≥1(场)"]],
        ),
    );
    site.run(&["build"]).assert_ok();
    assert_eq!(quality_files(&site, 2023), published);
    let report_2024 = site.page("2024/quality/index.html");
    assert!(!report_2024.contains("missing-level1"));
    assert!(report_2024.contains("missing-cost"));
}

#[test]
fn a_year_archived_before_the_report_existed_gets_none_afterwards() {
    let site = site("\n[quality]\npublish = false\n");
    site.run(&["snapshot", "2023"]).assert_ok();
    site.write("site.toml", quality_fixture::SITE_TOML);
    site.run(&["build"]).assert_ok();
    assert!(quality_files(&site, 2023).is_empty());
    assert!(!site.page("2023/index.html").contains("quality/"));
}
