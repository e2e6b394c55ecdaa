//! Consistency warnings: published, shown to the office, errors only with --strict.

mod common;

use common::{Site, declaration};

fn check_with(text: &str) -> common::Run {
    let site = Site::new();
    site.write("content/2023/alpha.toml", text);
    let run = site.run(&["check"]);
    run.assert_ok();
    let strict = site.run(&["check", "--strict"]);
    strict.assert_failed();
    assert!(strict.stderr.contains(": error: "), "{}", strict.stderr);
    run
}

#[test]
fn annual_not_equal_to_its_parts_says_the_difference() {
    let text = declaration("甲项目", "249,550.00").replace(
        "appropriation = \"249,550.00\"",
        "appropriation = \"179,550.00\"",
    );
    let run = check_with(&text);
    assert!(
        run.stderr.contains("content/2023/alpha.toml:11:10: warning: funding.annual: 年度资金申请总额 249,550.00 is 70,000.00 more than 当年财政拨款 + 上年结转资金 + 其他资金 = 179,550.00 + 0.00 + 0.00 = 179,550.00 (元)"),
        "{}",
        run.stderr
    );
}

#[test]
fn multi_year_total_checks() {
    let text = declaration("甲项目", "100.00").replace(
        "[funding]\n",
        "[funding]\ntotal = \"50.00\"\ntotal_fiscal = \"30.00\"\ntotal_other = \"10.00\"\n",
    );
    let run = check_with(&text);
    assert!(run.stderr.contains("warning: funding.total: 项目资金总额 50.00 is 10.00 more than 财政资金 + 其他资金 = 30.00 + 10.00 = 40.00 (元)"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: funding.total: 项目资金总额 50.00 is less than 年度资金申请总额 100.00"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn level2_not_under_its_level1() {
    let text = declaration("甲项目", "100.00").replacen(
        "level2 = \"数量指标\"",
        "level2 = \"社会效益指标\"",
        1,
    );
    let run = check_with(&text);
    assert!(run.stderr.contains("warning: indicators[1].level2: 二级指标 \"社会效益指标\" is not under 一级指标 \"产出指标\""), "{}", run.stderr);
}

#[test]
fn declaration_without_indicators() {
    let text = declaration("甲项目", "100.00");
    let without = &text[..text.find("[[indicators]]").unwrap_or(text.len())];
    let run = check_with(without);
    assert!(
        run.stderr
            .contains("content/2023/alpha.toml: warning: indicators: no 绩效指标"),
        "{}",
        run.stderr
    );
}

#[test]
fn warnings_do_not_block_the_build_but_strict_does() {
    let site = Site::new();
    let text = declaration("甲项目", "100.00")
        .replace("appropriation = \"100.00\"", "appropriation = \"90.00\"");
    site.write("content/2023/alpha.toml", &text);
    site.run(&["build"]).assert_ok();
    assert!(site.public().join("2023/alpha/index.html").exists());
    let before = common::tree(&site.public());
    site.run(&["build", "--strict"]).assert_failed();
    assert_eq!(common::tree(&site.public()), before);
}
