//! Forms that cannot be read: each error names the file, the line, the form and what to do; one
//! bad form fails the run, and every bad form is reported.

use disclose::import::{ImportError, ImportOptions, Input, import, import_text, import_texts};

const MALFORMED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/import/malformed-indicator.txt"
);

/// A small valid form; `|` stands for a tab. Line 1 is the title, line 3 the year, line 5 the
/// 项目名称 row, line 7 the dates, line 8 the funding, line 15 the first indicator, line 16 the
/// last (a complete form has a 效益指标: one without is cut off).
const FORM: &str = "# 财政项目支出绩效目标申报表

(2023年度)

项目名称|测试项目|项目性质|其他一次性项目|项目类别|特定目标类
主管部门|上海市科学技术协会|实施单位|上海市科学技术协会||
计划开始日期|2023-01-01|计划完成日期|2023-12-31||
项目资金 (元)|项目资金总额||年度资金申请总额|100.00|
|其中：财政资金||其中：当年财政拨款|100.00|
|||上年结转资金|0.00|
|其他资金||其他资金|0.00|
项目 绩效 目标|项目总目标||年度总体目标||
|||目标。||
|一级指标|二级指标|三级指标|年度(/项目)指标值|
绩效 指标|产出指标|数量指标|甲|≥1(项)|
|效益指标|社会效益指标|乙|有效|
";

fn form(replacements: &[(&str, &str)]) -> String {
    let mut text = FORM.to_string();
    for (from, to) in replacements {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    text.replace('|', "\t")
}

fn errors(text: &str) -> Vec<ImportError> {
    match import_text(text, "in.txt") {
        Ok(declarations) => panic!("expected errors, got {} declarations", declarations.len()),
        Err(errors) => errors,
    }
}

fn only_error(text: &str) -> ImportError {
    let mut errors = errors(text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.remove(0)
}

#[test]
fn the_template_form_imports() {
    let declarations = import_text(&form(&[]), "in.txt").expect("valid");
    assert_eq!(declarations.len(), 1);
    assert_eq!(declarations[0].slug, "ce-shi-xiang-mu");
}

#[test]
fn a_malformed_indicator_row_names_its_form_and_line() {
    let text = std::fs::read_to_string(MALFORMED).expect("fixture");
    let errors = match import_text(&text, "tests/fixtures/import/malformed-indicator.txt") {
        Ok(_) => panic!("the fixture must not import: nothing is written for a bad run"),
        Err(errors) => errors,
    };
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = &errors[0];
    assert_eq!(error.file, "tests/fixtures/import/malformed-indicator.txt");
    assert_eq!(error.line, 36);
    assert_eq!(error.form.as_deref(), Some("学会改革与发展"));
    assert_eq!(error.form_number, Some(2));
    assert_eq!(
        error.to_string(),
        "tests/fixtures/import/malformed-indicator.txt:36: error: form 2 (学会改革与发展): \
         indicator row has 3 cells after its level names (`评估工作完成率`, `=100.00(%)`, `备注：含线上评估`); \
         expected exactly two, the 三级指标 name and its target: merge or delete the extra cells"
    );
}

#[test]
fn missing_required_fields() {
    let error = only_error(&form(&[("项目名称|测试项目|", "")]));
    assert_eq!((error.line, error.form.as_deref()), (1, None));
    assert_eq!(
        error.to_string(),
        "in.txt:1: error: form 1: no 项目名称 cell found; every form needs a 项目名称 cell with its value in the cell to its right"
    );

    let error = only_error(&form(&[("主管部门|上海市科学技术协会|", "||")]));
    assert_eq!((error.line, error.form.as_deref()), (1, Some("测试项目")));
    assert!(
        error.message.contains("no 主管部门 cell"),
        "{}",
        error.message
    );

    let error = only_error(&form(&[("年度资金申请总额|100.00|", "年度资金申请总额||")]));
    assert_eq!(error.line, 8);
    assert!(
        error
            .to_string()
            .starts_with("in.txt:8: error: form 1 (测试项目): 年度资金申请总额 is empty")
    );
}

#[test]
fn a_bad_year_line() {
    let error = only_error(&form(&[("(2023年度)", "(二〇二三年度)")]));
    assert_eq!(error.line, 3);
    assert!(error.message.contains("`(YYYY年度)`"), "{}", error.message);
    assert!(
        error.message.contains("`(二〇二三年度)`"),
        "{}",
        error.message
    );

    // The year line is missing altogether: the first row is reported, and read on.
    let error = only_error(&form(&[("(2023年度)\n", "")]));
    assert_eq!((error.line, error.form.as_deref()), (4, Some("测试项目")));
}

#[test]
fn a_date_that_is_not_yyyy_mm_dd() {
    let error = only_error(&form(&[("2023-12-31", "2023/12/31")]));
    assert_eq!(error.line, 7);
    assert_eq!(
        error.message,
        "计划完成日期 is `2023/12/31`, not a date written YYYY-MM-DD; write it like 2023-01-01"
    );
    let error = only_error(&form(&[("2023-01-01", "2023-02-30")]));
    assert!(error.message.contains("计划开始日期"), "{}", error.message);
}

#[test]
fn an_unknown_unit_and_a_missing_indicator_table() {
    let error = only_error(&form(&[("项目资金 (元)", "项目资金 (千元)")]));
    assert_eq!(error.line, 8);
    assert!(error.message.contains("`千元`"), "{}", error.message);

    let text = form(&[("|一级指标|二级指标|三级指标|年度(/项目)指标值|\n", "")]);
    let error = only_error(&text);
    assert!(
        error.message.starts_with("no indicator table"),
        "{}",
        error.message
    );
}

#[test]
fn indicator_rows_that_do_not_fit() {
    let cases = [
        (
            "绩效 指标|产出指标|数量指标|甲|≥1(项)|",
            "single cell",
            "绩效 指标|||甲||",
        ),
        (
            "绩效 指标|产出指标|数量指标|甲|≥1(项)|",
            "no 一级指标",
            "|||甲|≥1(项)|",
        ),
        (
            "绩效 指标|产出指标|数量指标|甲|≥1(项)|",
            "no 二级指标",
            "|产出指标|甲|≥1(项)|",
        ),
        (
            "绩效 指标|产出指标|数量指标|甲|≥1(项)|",
            "3 cells",
            "|产出指标|数量指标|甲|≥1|项|",
        ),
    ];
    for (from, expected, to) in cases {
        let error = only_error(&form(&[(from, to)]));
        assert_eq!(error.line, 15, "{to}");
        assert_eq!(error.form.as_deref(), Some("测试项目"));
        assert!(error.message.contains(expected), "{to}: {}", error.message);
    }
}

#[test]
fn every_bad_form_is_reported_and_good_forms_do_not_save_the_run() {
    let good = form(&[]);
    let bad_date = form(&[("测试项目", "乙项目"), ("2023-01-01", "2023-1-1")]);
    let bad_row = form(&[("测试项目", "丙项目"), ("|甲|≥1(项)|", "|甲|乙|≥1(项)|")]);
    let text = format!("{good}\n{bad_date}\n{bad_row}");
    let errors = errors(&text);
    let summary: Vec<(usize, Option<usize>, Option<&str>)> = errors
        .iter()
        .map(|error| (error.line, error.form_number, error.form.as_deref()))
        .collect();
    // Form 2 starts on line 18, form 3 on line 35 (each form and its blank line are 17 lines).
    assert_eq!(
        summary,
        [(24, Some(2), Some("乙项目")), (49, Some(3), Some("丙项目"))],
        "{errors:#?}"
    );
}

#[test]
fn errors_from_every_file_of_a_run() {
    let bad = form(&[("(2023年度)", "(二〇二三年度)")]);
    let good = form(&[]);
    let errors = import_texts(&[("a.txt", &bad), ("b.txt", &good), ("c.txt", "")]).unwrap_err();
    let places: Vec<String> = errors
        .iter()
        .map(|e| format!("{}:{}", e.file, e.line))
        .collect();
    assert_eq!(places, ["a.txt:3", "c.txt:1"]);
}

#[test]
fn text_outside_any_form_is_ignored_and_said() {
    let text = format!("导出说明\n{}\n第 1 页\n", form(&[]));
    let outcome = import(
        &[Input {
            name: "in.txt",
            bytes: text.as_bytes(),
        }],
        ImportOptions::default(),
    );
    assert_eq!(outcome.errors, []);
    assert_eq!(outcome.declarations.len(), 1);
    let notes = &outcome.files[0].notes;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with("1 row(s) outside the forms ignored (first at line 1: `导出说明`)"),
        "{notes:?}"
    );
}

#[test]
fn rows_without_a_title_or_without_forms() {
    // A 项目名称 row without a title is read as a form, and refused for what it lacks.
    let untitled = errors("项目名称\t测试项目\n");
    assert_eq!(untitled[0].line, 1);
    assert_eq!(untitled[0].form.as_deref(), Some("测试项目"));
    assert!(
        untitled[0].message.starts_with("no year"),
        "{}",
        untitled[0].message
    );
    for text in ["", "一些说明\n"] {
        let error = errors(text).pop().expect("an error");
        assert!(
            error.message.starts_with("no form found"),
            "{}",
            error.message
        );
    }
}
