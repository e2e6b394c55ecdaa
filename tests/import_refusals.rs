//! Forms the importer refuses, through the real binary: a form cut off before its indicator table
//! ends, a self-evaluation form, a blank template, text too damaged to tell labels from values.
//! Each exits 1, writes nothing, and names the file, the line, the form and the reason; `--dry-run`
//! still lists the other forms of the run.

mod common;

use common::{Run, Site, tree};

const FORM: &str = "财政项目支出绩效目标申报表
(2023年度)
项目名称|好项目|项目性质|其他一次性项目|项目类别|特定目标类
主管部门|某单位|实施单位|某单位||
计划开始日期|2023-01-01|计划完成日期|2023-12-31||
项目资金 (元)|项目资金总额||年度资金申请总额|100.00|
|其中：财政资金||其中：当年财政拨款|100.00|
|||上年结转资金|0.00|
|其他资金||其他资金|0.00|
项目 绩效 目标|项目总目标||年度总体目标||
|||完成目标。||
|一级指标|二级指标|三级指标|年度(/项目)指标值|
绩效 指标|产出指标|数量指标|甲|≥1(项)|
|||乙|≥2(项)|
||质量指标|丙|100%|
|效益指标|社会效益指标|丁|有效|
";

fn tabs(text: &str) -> String {
    text.replace('|', "\t")
}

/// A run of `import FILE --out content` in a fresh site, with `file` holding the good form
/// followed by `bad`.
fn import(bad: &str, args: &[&str]) -> (Site, Run) {
    let site = Site::empty();
    let text = format!("{}\n{}", tabs(FORM), tabs(bad));
    site.write("forms.txt", &text);
    let input = site.root().join("forms.txt");
    let mut command = vec!["import", input.to_str().expect("path")];
    command.extend(args);
    let run = site.run(&command);
    (site, run)
}

/// The run failed with exit 1, wrote nothing, and said `expected` about form 2 at `line`.
fn assert_refused(site: &Site, run: &Run, line: usize, expected: &[&str]) {
    run.assert_failed();
    assert!(
        tree(&site.root().join("content")).is_empty(),
        "nothing may be written"
    );
    let wanted = format!("forms.txt:{line}: error: form 2");
    let message = run
        .stderr
        .lines()
        .find(|l| l.contains(&wanted))
        .unwrap_or_else(|| panic!("no message at {wanted}:\n{}", run.stderr));
    for part in expected {
        assert!(message.contains(part), "{part:?} not in {message}");
    }
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
}

/// The good form, renamed and cut after `rows` indicator rows (its line 13 is the first).
fn cut_after(rows: usize) -> String {
    let lines: Vec<&str> = FORM.lines().collect();
    lines[..12 + rows].join("\n").replace("好项目", "某项目") + "\n"
}

#[test]
fn a_form_cut_off_before_its_indicator_table_ends() {
    // The good form is lines 1-16 and a blank line; form 2 starts on line 18, its indicator
    // rows on line 30.
    let (site, run) = import(&cut_after(3), &[]);
    assert_refused(
        &site,
        &run,
        32,
        &[
            "(某项目)",
            "the indicator table of 某项目 ends after 3 row(s)",
            "cut off",
        ],
    );
}

#[test]
fn a_form_cut_off_in_its_last_row_or_before_its_table() {
    let cut = cut_after(2) + "||质量指标|丙|\n";
    let (site, run) = import(&cut, &[]);
    assert_refused(
        &site,
        &run,
        32,
        &["(某项目)", "ends in an incomplete row", "cut off"],
    );
    let lines: Vec<&str> = FORM.lines().collect();
    let cut = lines[..10].join("\n").replace("好项目", "某项目");
    let (site, run) = import(&cut, &[]);
    assert_refused(
        &site,
        &run,
        27,
        &["(某项目)", "no indicator table", "cut off"],
    );
}

#[test]
fn a_self_evaluation_form() {
    let by_title = FORM
        .replace("财政项目支出绩效目标申报表", "项目支出绩效自评表")
        .replace("好项目", "自评项目");
    let (site, run) = import(&by_title, &[]);
    assert_refused(
        &site,
        &run,
        18,
        &["(自评项目)", "self-evaluation form (自评表)"],
    );

    let by_columns = FORM
        .replace("年度(/项目)指标值|", "年度指标值|实际完成值|分值|得分")
        .replace("好项目", "自评项目");
    let (site, run) = import(&by_columns, &[]);
    assert_refused(&site, &run, 29, &["(自评项目)", "实际完成值, 得分"]);
}

#[test]
fn a_blank_template() {
    let blank: String = FORM
        .lines()
        .take(12)
        .map(|line| {
            let cells: Vec<&str> = line.split('|').collect();
            // Keep the labels, drop every value.
            let kept: Vec<&str> = cells
                .iter()
                .map(|cell| {
                    let label = cell.contains("项目")
                        || cell.contains("部门")
                        || cell.contains("单位")
                        || cell.contains("日期")
                        || cell.contains("资金")
                        || cell.contains("指标")
                        || cell.contains("目标")
                        || cell.contains("申报表")
                        || cell.contains("年度");
                    if label && !cell.contains("好项目") && !cell.contains("一次性") {
                        *cell
                    } else {
                        ""
                    }
                })
                .collect();
            kept.join("|") + "\n"
        })
        .collect::<String>()
        .replace("||特定目标类", "||");
    let (site, run) = import(&blank, &[]);
    assert_refused(&site, &run, 18, &["form 2:", "blank template"]);
}

#[test]
fn text_too_damaged_to_separate_labels_from_values() {
    let glued = "财政项目支出绩效目标申报表\n(2023年度)\n项目名称坏项目项目性质其他一次性项目\n主管部门某单位实施单位某单位\n年度资金申请总额100.00\n一级指标\n";
    let (site, run) = import(glued, &[]);
    assert_refused(
        &site,
        &run,
        20,
        &["too damaged to tell labels from values", "项目名称坏项目"],
    );

    let lost = FORM
        .replace("某单位|实施单位", "某\u{fffd}\u{fffd}|实施单位")
        .replace("好项目", "坏项目");
    let (site, run) = import(&lost, &[]);
    assert_refused(
        &site,
        &run,
        21,
        &["(坏项目)", "damaged", "lost in extraction"],
    );
}

#[test]
fn a_dry_run_lists_the_other_forms_and_writes_nothing() {
    let (site, run) = import(&cut_after(3), &["--dry-run"]);
    run.assert_failed();
    assert!(tree(&site.root().join("content")).is_empty());
    assert!(
        run.stdout
            .contains("form 1 (line 1): 好项目 · 2023年度 · 元 · 年度资金申请总额 100.00"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("· 4 indicators"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("form 2 (line 18): 某项目 · CANNOT BE READ"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_good_dry_run_writes_nothing_and_exits_0() {
    let site = Site::empty();
    site.write("forms.txt", &tabs(FORM));
    let input = site.root().join("forms.txt");
    let run = site.run(&["import", input.to_str().expect("path"), "--dry-run"]);
    run.assert_ok();
    assert!(tree(&site.root().join("content")).is_empty());
    assert!(
        run.stdout.contains("forms.txt (read as tsv): 1 form(s)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("dry run: 1 declaration(s) would be written"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_wrong_format_or_unit_is_a_usage_error() {
    let site = Site::empty();
    site.write("forms.txt", &tabs(FORM));
    let input = site.root().join("forms.txt");
    let path = input.to_str().expect("path");
    let run = site.run(&["import", path, "--format", "pdf"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("layout"), "{}", run.stderr);
    let run = site.run(&["import", path, "--unit", "千元"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
