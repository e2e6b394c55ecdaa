//! Each error class of the content rules: exit 1, a message naming file, line:column and field,
//! and the previous output left byte for byte as it was.

mod common;

use common::{Site, declaration, tree};

/// Build a good site, break `content/2023/alpha.toml` with `broken`, and check that the build
/// fails with a message containing each of `expected`, leaving `public/` untouched.
fn assert_rejected(broken: &str, expected: &[&str]) {
    let site = Site::new();
    site.run(&["build"]).assert_ok();
    let before = tree(&site.public());
    site.write("content/2023/alpha.toml", broken);
    for command in [&["build"][..], &["check"][..]] {
        let run = site.run(command);
        run.assert_failed();
        for needle in expected {
            assert!(
                run.stderr.contains(needle),
                "{command:?}: expected {needle:?} in:\n{}",
                run.stderr
            );
        }
    }
    assert_eq!(
        tree(&site.public()),
        before,
        "public/ changed after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_else(|_| Vec::new());
    assert!(
        !leftovers.iter().any(|name| name.contains("staging")),
        "staging left behind: {leftovers:?}"
    );
}

fn good() -> String {
    declaration("甲项目", "1,800,000.00")
}

#[test]
fn not_utf8() {
    let site = Site::new();
    site.write_bytes("content/2023/alpha.toml", b"name = \"\xc4\xe3\"\n");
    let run = site.run(&["check"]);
    run.assert_failed();
    assert!(
        run.stderr
            .contains("content/2023/alpha.toml: error: not UTF-8"),
        "{}",
        run.stderr
    );
}

#[test]
fn toml_syntax() {
    assert_rejected(
        &good().replace("year = 2023", "year = = 2023"),
        &["content/2023/alpha.toml:2:", "TOML syntax"],
    );
}

#[test]
fn unknown_field_suggests_the_nearest() {
    assert_rejected(
        &good().replace("carryover = ", "carry_over = "),
        &[
            "content/2023/alpha.toml:13:1: error: funding.carry_over: unknown field; did you mean `carryover`?",
        ],
    );
}

#[test]
fn missing_required_field() {
    assert_rejected(
        &good().replace("department = \"测试单位\"\n", ""),
        &[
            "content/2023/alpha.toml",
            "error: department: missing required field `department`",
        ],
    );
}

#[test]
fn amount_with_too_many_decimals() {
    assert_rejected(
        &good().replace("annual = \"1,800,000.00\"", "annual = \"1.005\""),
        &[
            "content/2023/alpha.toml:11:10: error: funding.annual: \"1.005\" has 3 decimals; write at most 2, e.g. \"1.01\"",
        ],
    );
}

#[test]
fn amount_as_toml_float() {
    assert_rejected(
        &good().replace("carryover = \"0.00\"", "carryover = 0.5"),
        &["content/2023/alpha.toml:13:13: error: funding.carryover: 0.5 is a TOML float"],
    );
}

#[test]
fn negative_amount() {
    assert_rejected(
        &good().replace("other = \"0.00\"", "other = \"-5.00\""),
        &["funding.other: \"-5.00\" is negative"],
    );
}

#[test]
fn amount_that_is_not_a_number() {
    assert_rejected(
        &good().replace("other = \"0.00\"", "other = \"五百元\""),
        &[
            "content/2023/alpha.toml:14:9: error: funding.other: \"五百元\" is not an amount",
            "\"1,800,000.00\"",
        ],
    );
}

#[test]
fn year_differs_from_folder() {
    assert_rejected(
        &good().replace("year = 2023", "year = 2024"),
        &[
            "content/2023/alpha.toml:2:8: error: year: 申报年度 2024 does not match the folder content/2023/",
        ],
    );
}

#[test]
fn end_before_start() {
    assert_rejected(
        &good().replace("end = 2023-12-31", "end = 2022-12-31"),
        &[
            "content/2023/alpha.toml:8:7: error: end: 计划完成日期 2022-12-31 is before 计划开始日期 2023-01-01",
        ],
    );
}

#[test]
fn unknown_level1_indicator() {
    assert_rejected(
        &good().replacen("level1 = \"产出指标\"", "level1 = \"产出类指标\"", 1),
        &[
            "error: indicators[1].level1: \"产出类指标\" is not a 一级指标; use one of 产出指标、效益指标、满意度指标、成本指标",
        ],
    );
}

#[test]
fn malformed_quantitative_target() {
    assert_rejected(
        &good().replace("target = \"≥85%\"", "target = \"≥八十五%\""),
        &[
            "error: indicators[2].target: \"≥八十五%\" starts with a comparison sign but no number follows it",
        ],
    );
}

#[test]
fn duplicate_name_and_department_in_one_year() {
    let site = Site::new();
    site.run(&["build"]).assert_ok();
    let before = tree(&site.public());
    site.write("content/2023/copy.toml", &declaration("甲项目", "5.00"));
    let run = site.run(&["build"]);
    run.assert_failed();
    assert!(
        run.stderr.contains("content/2023/copy.toml:1:8: error: name: 甲项目 (测试单位) is already declared for 2023 in content/2023/alpha.toml"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&site.public()), before);
}

#[test]
fn misnamed_file_and_stray_folder() {
    let site = Site::new();
    site.write("content/2023/Bad Name.toml", &good());
    site.write("content/drafts/x.toml", &good());
    let run = site.run(&["check"]);
    run.assert_failed();
    assert!(
        run.stderr
            .contains("content/2023/Bad Name.toml: error: file name \"Bad Name\" is not a slug"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/drafts: error: folders under content/ must be a 4-digit year"),
        "{}",
        run.stderr
    );
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let site = Site::new();
    site.write("public/precious.txt", "keep me");
    let run = site.run(&["build"]);
    run.assert_failed();
    assert!(
        run.stderr.contains("was not made by disclose"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(site.public().join("precious.txt")).unwrap_or_default(),
        "keep me"
    );
}

#[test]
fn usage_errors_exit_2() {
    let site = Site::new();
    assert_eq!(site.run(&["build", "--no-such-flag"]).code, 2);
    assert_eq!(site.run(&["frobnicate"]).code, 2);
}
