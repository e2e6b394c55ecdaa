//! Each variation other offices' forms show (SPEC §5), hand-written, one test each: what the
//! importer must read, and exactly what it must write.

use disclose::import::{Format, ImportOptions, Input, Outcome, import};

/// A complete form as tab-separated text; `|` stands for a tab. Replacements are applied once
/// each, in order, and must all apply.
const FORM: &str = "财政项目支出绩效目标申报表
(2023年度)
项目名称|测试项目|项目性质|其他一次性项目|项目类别|特定目标类
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

fn run(name: &str, text: &str, format: Option<Format>, unit: Option<&str>) -> Outcome {
    import(
        &[Input {
            name,
            bytes: text.as_bytes(),
        }],
        ImportOptions { format, unit },
    )
}

/// The declarations' TOML of a run that must succeed.
fn tomls(name: &str, text: &str) -> Vec<String> {
    let outcome = run(name, text, None, None);
    assert!(
        outcome.errors.is_empty(),
        "{}",
        outcome
            .errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    outcome.declarations.into_iter().map(|d| d.toml).collect()
}

fn one(name: &str, text: &str) -> String {
    let mut all = tomls(name, text);
    assert_eq!(all.len(), 1);
    all.remove(0)
}

fn has(toml: &str, line: &str) {
    assert!(
        toml.lines().any(|l| l == line),
        "no line {line:?} in\n{toml}"
    );
}

#[test]
fn the_template_form_imports() {
    let toml = one("in.txt", &form(&[]));
    has(&toml, "name = \"测试项目\"");
    has(&toml, "unit = \"元\"");
}

#[test]
fn title_variants() {
    for title in [
        "项目支出绩效目标表",
        "项目支出绩效目标申报表",
        "部门预算项目绩效目标申报表",
        "项目绩效目标表",
        "2023年度项目支出绩效目标表",
        "某区财政局 财政项目支出绩效目标申报表（2023年度）",
    ] {
        let toml = one("in.txt", &form(&[("财政项目支出绩效目标申报表", title)]));
        has(&toml, "year = 2023");
    }
}

#[test]
fn many_forms_in_one_file_and_several_under_one_title() {
    let second = form(&[("测试项目", "第二项目")]);
    let third = form(&[("测试项目", "第三项目")]);
    let text = format!("{}\n{second}\n{third}", form(&[]));
    assert_eq!(tomls("in.txt", &text).len(), 3);
    // A form after another's indicator table, without its own title and year line.
    let untitled: String = second.lines().skip(2).map(|l| format!("{l}\n")).collect();
    let text = format!("{}{untitled}", form(&[]));
    let all = tomls("in.txt", &text);
    assert_eq!(all.len(), 2);
    has(&all[1], "name = \"第二项目\"");
    has(&all[1], "year = 2023");
}

#[test]
fn forms_inside_a_longer_document() {
    let other_table = "科目编码\t科目名称\t金额\n2010101\t行政运行\t1,000.00\n";
    let text = format!(
        "关于2023年度项目支出绩效目标的公开说明\n根据规定，现公开如下。\n\n{other_table}\n{}\n第 1 页 共 2 页\n- 2 -\n{}\n填报人：张三\t联系电话：1234\n以上信息由本单位负责解释。\n",
        form(&[]).replace("|效益", "第 1 页\n|效益"),
        form(&[("测试项目", "第二项目")])
    );
    let outcome = run("in.txt", &text, None, None);
    assert_eq!(outcome.errors, []);
    assert_eq!(outcome.declarations.len(), 2);
    let notes = &outcome.files[0].notes;
    assert!(notes[0].contains("outside the forms ignored"), "{notes:?}");
    let second = &outcome.files[0].forms[1];
    assert!(
        second
            .notes
            .iter()
            .any(|n| n.contains("the text after it is not part of the form")),
        "{second:?}"
    );
}

#[test]
fn a_page_header_repeating_the_title_inside_a_form() {
    let text = form(&[(
        "|效益指标|社会效益指标|乙|有效|",
        "财政项目支出绩效目标申报表\n|一级指标|二级指标|三级指标|年度(/项目)指标值|\n|效益指标|社会效益指标|乙|有效|",
    )]);
    let toml = one("in.txt", &text);
    assert_eq!(toml.matches("[[indicators]]").count(), 2);
}

#[test]
fn labels_split_over_lines_or_one_character_per_line() {
    let text = "财政项目支出绩效目标申报表\n(2023年度)\n项目\n名称\n测试项目\n主管部门\n某单位\n项目资金\n（元）\n年度资金申请\n总额\n100.00\n项目\n绩效\n目标\n项目总目标\n年度总体目标\n完成目标。\n一级指标\n二级指标\n三级指标\n年度(/项目)指标值\n绩\n效\n指\n标\n产出指标\n数量指标\n甲\n≥1(项)\n效益指标\n社会效益指标\n乙\n有效\n";
    let toml = one("in.txt", text);
    has(&toml, "name = \"测试项目\"");
    has(&toml, "annual = \"100.00\"");
    has(&toml, "annual = \"完成目标。\"");
    has(&toml, "target = \"≥1(项)\"");
}

#[test]
fn label_and_value_in_one_cell_or_on_one_line() {
    let toml = one(
        "in.txt",
        &form(&[
            ("项目名称|测试项目|", "项目名称：测试项目||"),
            ("主管部门|某单位|", "主管部门: 某单位||"),
        ]),
    );
    has(&toml, "name = \"测试项目\"");
    has(&toml, "department = \"某单位\"");
    // One-cell-per-line text with label and value on one line among other cells.
    let text = "财政项目支出绩效目标申报表\n(2023年度)\n项目名称 测试项目 项目性质 其他一次性项目\n主管部门 某单位\n项目资金 (元)\n年度资金申请总额 100.00\n项目总目标\n年度总体目标\n完成目标。\n一级指标\n二级指标\n三级指标\n指标值\n产出指标\n数量指标\n甲\n≥1(项)\n效益指标\n社会效益指标\n乙\n有效\n";
    let toml = one("in.txt", text);
    has(&toml, "name = \"测试项目\"");
    has(&toml, "nature = \"其他一次性项目\"");
    has(&toml, "annual = \"100.00\"");
}

#[test]
fn wrapped_values_above_and_below_their_label() {
    let lines: Vec<Vec<(usize, &str)>> = vec![
        vec![(24, "财政项目支出绩效目标申报表")],
        vec![(32, "(2023年度)")],
        vec![(14, "学术交流与发展项目（二"), (50, "其他一次")],
        vec![
            (0, "项目名称"),
            (14, "期）续篇与试点工作项目"),
            (40, "项目性质"),
            (50, "性项目"),
        ],
        vec![(14, "（试点）")],
        vec![
            (0, "主管部门"),
            (14, "某单位"),
            (40, "实施单位"),
            (50, "某单位"),
        ],
        vec![
            (0, "项目资金（元）"),
            (16, "年度资金申请总额"),
            (40, "100.00"),
        ],
        vec![
            (0, "项目绩效目标"),
            (14, "项目总目标"),
            (40, "年度总体目标"),
        ],
        vec![(14, "完成第一阶段的建设"), (40, "完成当年度的全部工作")],
        vec![(14, "任务。"), (40, "任务。")],
        vec![
            (14, "一级指标"),
            (26, "二级指标"),
            (40, "三级指标"),
            (60, "年度(/项目)指标值"),
        ],
        vec![
            (0, "绩效指标"),
            (14, "产出指标"),
            (26, "数量指标"),
            (40, "甲"),
            (60, "≥1(项)"),
        ],
        vec![
            (14, "效益指标"),
            (26, "社会效益指标"),
            (40, "乙"),
            (60, "有效"),
        ],
    ];
    let text: String = lines.iter().map(|cells| placed(cells) + "\n").collect();
    let outcome = run("in.txt", &text, Some(Format::Layout), None);
    assert_eq!(outcome.errors, []);
    let toml = &outcome.declarations[0].toml;
    has(
        toml,
        "name = \"学术交流与发展项目（二期）续篇与试点工作项目（试点）\"",
    );
    has(toml, "nature = \"其他一次性项目\"");
    has(toml, "overall = \"完成第一阶段的建设任务。\"");
    has(toml, "annual = \"完成当年度的全部工作任务。\"");
}

/// A line of layout text with each cell starting at its display column.
fn placed(cells: &[(usize, &str)]) -> String {
    let mut line = String::new();
    for (column, text) in cells {
        let at = unicode_width::UnicodeWidthStr::width(line.as_str());
        line.push_str(
            &" ".repeat(
                column
                    .saturating_sub(at)
                    .max(if line.is_empty() { 0 } else { 2 }),
            ),
        );
        line.push_str(text);
    }
    line
}

#[test]
fn merged_cells_are_carried_forward() {
    let json = r#"[[
        ["财政项目支出绩效目标申报表"], ["(2023年度)"],
        ["项目名称", "测试项目", "", ""], ["主管部门", "某单位", "", ""],
        ["项目资金（元）", "年度资金申请总额", "100.00", ""],
        ["", "其中：当年财政拨款", "100.00", ""],
        ["", "一级指标", "二级指标", "三级指标", "指标值"],
        ["绩效指标", "产出指标", "数量指标", "甲", "≥1(项)"],
        ["", "", "", "乙", "≥2(项)"],
        ["", "", "质量指标", "丙", "100%"],
        ["", "效益指标", "社会效益指标", "丁", "有效"]
    ]]"#;
    let toml = one("in.json", json);
    let levels: Vec<&str> = toml.lines().filter(|l| l.starts_with("level")).collect();
    assert_eq!(
        levels,
        [
            "level1 = \"产出指标\"",
            "level2 = \"数量指标\"",
            "level1 = \"产出指标\"",
            "level2 = \"数量指标\"",
            "level1 = \"产出指标\"",
            "level2 = \"质量指标\"",
            "level1 = \"效益指标\"",
            "level2 = \"社会效益指标\"",
        ]
    );
    has(&toml, "target = \"100%\"");
}

#[test]
fn the_unit_from_the_form() {
    let toml = one(
        "in.txt",
        &form(&[
            ("项目资金 (元)", "项目资金（万元）"),
            ("100.00|", "10606.7522|"),
        ]),
    );
    has(&toml, "unit = \"万元\"");
    has(&toml, "annual = \"10606.7522\"");
    let toml = one(
        "in.txt",
        &form(&[
            ("(2023年度)", "(2023年度)\n金额单位：万元"),
            ("项目资金 (元)", "项目资金"),
        ]),
    );
    has(&toml, "unit = \"万元\"");
}

#[test]
fn the_unit_from_the_command_line_or_an_error_naming_the_form() {
    let text = form(&[("项目资金 (元)", "项目资金")]);
    let outcome = run("in.txt", &text, None, Some("万元"));
    assert_eq!(outcome.errors, []);
    assert!(outcome.declarations[0].toml.contains("unit = \"万元\""));
    assert!(outcome.files[0].forms[0].notes[0].contains("--unit"));
    let outcome = run("in.txt", &text, None, None);
    assert_eq!(outcome.errors.len(), 1);
    let error = outcome.errors[0].to_string();
    assert!(
        error.starts_with("in.txt:1: error: form 1 (测试项目): the form does not say the unit"),
        "{error}"
    );
    assert!(error.contains("--unit 元 or --unit 万元"), "{error}");
}

#[test]
fn four_decimal_wan_yuan_amounts_and_too_many_decimals() {
    let toml = one(
        "in.txt",
        &form(&[
            ("项目资金 (元)", "项目资金（万元）"),
            ("|100.00|\n|其中", "|24.9550|\n|其中"),
            ("当年财政拨款|100.00", "当年财政拨款|24.9550"),
        ]),
    );
    has(&toml, "annual = \"24.9550\"");
    let outcome = run(
        "in.txt",
        &form(&[("|100.00|\n|其中", "|100.005|\n|其中")]),
        None,
        None,
    );
    assert_eq!(outcome.errors.len(), 1);
    assert!(
        outcome.errors[0].message.contains("年度资金申请总额"),
        "{}",
        outcome.errors[0]
    );
    assert!(
        outcome.errors[0].message.contains("decimals"),
        "{}",
        outcome.errors[0]
    );
}

#[test]
fn department_codes_are_kept_apart() {
    for (printed, code) in [
        ("[015]上海市科学技术协会", "015"),
        ("310001-上海市科学技术协会", "310001"),
    ] {
        let toml = one(
            "in.txt",
            &form(&[("主管部门|某单位|", &format!("主管部门|{printed}|"))]),
        );
        has(&toml, "department = \"上海市科学技术协会\"");
        has(&toml, &format!("department_code = \"{code}\""));
    }
    let toml = one(
        "in.txt",
        &form(&[("主管部门|某单位|", "主管部门及代码|[015]某单位|")]),
    );
    has(&toml, "department_code = \"015\"");
}

#[test]
fn a_project_period_instead_of_dates() {
    let toml = one(
        "in.txt",
        &form(&[(
            "计划开始日期|2023-01-01|计划完成日期|2023-12-31||",
            "项目期|3年||||",
        )]),
    );
    has(&toml, "period = \"3年\"");
    assert!(!toml.contains("start ="), "{toml}");
}

#[test]
fn cost_as_level1_or_as_level2_under_output() {
    let toml = one(
        "in.txt",
        &form(&[(
            "|效益指标|",
            "||成本指标|单位成本|≤10万元|\n|成本指标|经济成本指标|总成本|≤100万元|\n|效益指标|",
        )]),
    );
    let levels: Vec<&str> = toml.lines().filter(|l| l.starts_with("level")).collect();
    assert_eq!(
        levels[2..6],
        [
            "level1 = \"产出指标\"",
            "level2 = \"成本指标\"",
            "level1 = \"成本指标\"",
            "level2 = \"经济成本指标\""
        ]
    );
}

#[test]
fn an_empty_first_level1() {
    let outcome = run(
        "in.txt",
        &form(&[("绩效 指标|产出指标|数量指标|甲|", "绩效 指标||数量指标|甲|")]),
        None,
        None,
    );
    assert_eq!(outcome.errors, []);
    has(&outcome.declarations[0].toml, "level1 = \"产出指标\"");
    let notes = &outcome.files[0].forms[0].notes;
    assert!(notes.iter().any(|n| n.contains("no 一级指标")), "{notes:?}");
}

#[test]
fn targets_without_a_sign_and_not_applicable_rows_verbatim() {
    let toml = one(
        "in.txt",
        &form(&[(
            "|效益指标|",
            "|||里程|12公里|\n|||覆盖率|100%|\n|||其他|本项目不适用此指标|\n|效益指标|社会效益指标|无|无|\n|效益指标|",
        )]),
    );
    for target in ["12公里", "100%", "本项目不适用此指标", "无"] {
        has(&toml, &format!("target = \"{target}\""));
    }
}

#[test]
fn weights_and_directions_are_kept() {
    let toml = one(
        "in.txt",
        &form(&[
            (
                "|一级指标|二级指标|三级指标|年度(/项目)指标值|",
                "|一级指标|二级指标|三级指标|年度(/项目)指标值|权重|指标方向性",
            ),
            ("|甲|≥1(项)|", "|甲|≥1(项)|20|正向指标"),
            ("|乙|有效|", "|乙|有效|10|"),
        ]),
    );
    has(&toml, "weight = \"20\"");
    has(&toml, "direction = \"正向指标\"");
    has(&toml, "weight = \"10\"");
    assert_eq!(toml.matches("direction =").count(), 1);
}

#[test]
fn a_flat_list_with_codes_sign_columns_and_subtotals() {
    let csv = "2024年度部门预算项目绩效目标表\n金额单位：万元\n单位名称,项目名称,年度资金总额,一级指标,二级指标,三级指标,指标性质,指标值,度量单位,权重,指标方向性\n310001-某区交通委,,,,,,,,,,\n,公路养护,10606.7522,产出指标,数量指标,养护里程,≥,12,公里,20,正向指标\n,,,效益指标,社会效益指标,通行条件,定性,改善,,10,正向指标\n310001-某区交通委 小计,,10606.7522,,,,,,,,\n";
    let toml = one("list.csv", csv);
    for line in [
        "name = \"公路养护\"",
        "year = 2024",
        "department = \"某区交通委\"",
        "department_code = \"310001\"",
        "unit = \"万元\"",
        "annual = \"10606.7522\"",
        "target = \"≥12(公里)\"",
        "target = \"改善\"",
        "weight = \"20\"",
        "direction = \"正向指标\"",
    ] {
        has(&toml, line);
    }
}

#[test]
fn a_gb18030_export_is_read() {
    let text = form(&[]);
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    let outcome = import(
        &[Input {
            name: "gbk.txt",
            bytes: &bytes,
        }],
        ImportOptions::default(),
    );
    assert_eq!(outcome.errors, []);
    assert!(outcome.files[0].notes[0].contains("GB18030"));
}

#[test]
fn numbers_and_dates_in_a_workbook() {
    use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let rows: &[&[&str]] = &[
        &["财政项目支出绩效目标申报表"],
        &["(2023年度)"],
        &["项目名称", "测试项目", "主管部门", "某单位"],
        &[
            "计划开始日期",
            "",
            "项目资金（万元）",
            "年度资金申请总额",
            "",
        ],
        &["", "一级指标", "二级指标", "三级指标", "指标值"],
        &["绩效指标", "产出指标", "数量指标", "甲", "≥1(项)"],
        &["", "效益指标", "社会效益指标", "乙", "有效"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                sheet
                    .write_string(r as u32, c as u16, *text)
                    .expect("write");
            }
        }
    }
    let date = ExcelDateTime::from_ymd(2023, 3, 1).expect("date");
    let date_format = CellFormat::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_datetime_with_format(3, 1, &date, &date_format)
        .expect("date");
    sheet.write_number(3, 4, 10606.7522).expect("number");
    let bytes = book.save_to_buffer().expect("xlsx");
    let outcome = import(
        &[Input {
            name: "book.xlsx",
            bytes: &bytes,
        }],
        ImportOptions::default(),
    );
    assert_eq!(outcome.errors, []);
    let toml = &outcome.declarations[0].toml;
    has(toml, "start = 2023-03-01");
    has(toml, "annual = \"10606.7522\"");
    has(toml, "unit = \"万元\"");
    assert!(
        toml.starts_with("# Imported from book.xlsx, form 1 (sheet Sheet1, row 1).\n"),
        "{toml}"
    );
}
