//! Imports the real export of the 上海市科学技术协会's 2023 declarations and checks what comes out.

use disclose::import::{ImportedDeclaration, import_text, import_texts};
use disclose::levels::{belongs_under, is_level1, is_level2};
use std::collections::HashSet;

const REAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/2023-shanghai-sast-declarations.txt"
);
const FILE_NAME: &str = "2023-shanghai-sast-declarations.txt";

fn real_text() -> String {
    std::fs::read_to_string(REAL).expect("the real export beside the repository")
}

fn import_real() -> Vec<ImportedDeclaration> {
    match import_text(&real_text(), FILE_NAME) {
        Ok(declarations) => declarations,
        Err(errors) => panic!(
            "the real file must import:\n{}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn parse(declaration: &ImportedDeclaration) -> toml::Table {
    toml::from_str(&declaration.toml)
        .unwrap_or_else(|error| panic!("{}: {error}\n{}", declaration.slug, declaration.toml))
}

fn string<'a>(table: &'a toml::Table, path: &[&str]) -> Option<&'a str> {
    let (last, parents) = path.split_last()?;
    let mut table = table;
    for key in parents {
        table = table.get(*key)?.as_table()?;
    }
    table.get(*last)?.as_str()
}

fn indicators(table: &toml::Table) -> Vec<[String; 4]> {
    let Some(rows) = table.get("indicators").and_then(|value| value.as_array()) else {
        return Vec::new();
    };
    rows.iter()
        .map(|row| {
            let row = row.as_table().expect("an indicator table");
            ["level1", "level2", "name", "target"].map(|key| {
                row.get(key)
                    .and_then(|v| v.as_str())
                    .expect(key)
                    .to_string()
            })
        })
        .collect()
}

fn by_name<'a>(declarations: &'a [ImportedDeclaration], name: &str) -> &'a ImportedDeclaration {
    declarations
        .iter()
        .find(|declaration| declaration.name == name)
        .unwrap_or_else(|| panic!("no declaration {name}"))
}

#[test]
fn all_fifteen_forms_and_110_indicators_are_imported() {
    let declarations = import_real();
    assert_eq!(declarations.len(), 15);
    let total: usize = declarations
        .iter()
        .map(|declaration| indicators(&parse(declaration)).len())
        .sum();
    assert_eq!(total, 110);
    let lines: Vec<usize> = declarations.iter().map(|d| d.source_line).collect();
    assert_eq!(
        lines,
        [
            3, 27, 50, 71, 97, 117, 142, 165, 192, 215, 242, 263, 283, 302, 323
        ]
    );
}

#[test]
fn every_declaration_is_complete_and_valid_toml() {
    for declaration in import_real() {
        assert_eq!(declaration.year, 2023);
        let table = parse(&declaration);
        assert_eq!(table.get("year").and_then(|v| v.as_integer()), Some(2023));
        assert_eq!(string(&table, &["name"]), Some(declaration.name.as_str()));
        assert_eq!(string(&table, &["department"]), Some("上海市科学技术协会"));
        assert_eq!(string(&table, &["implementer"]), Some("上海市科学技术协会"));
        assert_eq!(string(&table, &["funding", "unit"]), Some("元"));
        for key in ["start", "end"] {
            let date = table.get(key).and_then(|v| v.as_datetime());
            assert!(
                date.is_some_and(|d| d.date.is_some() && d.time.is_none()),
                "{key}"
            );
        }
        assert!(string(&table, &["goals", "annual"]).is_some_and(|goal| !goal.is_empty()));
        for [level1, level2, name, target] in indicators(&table) {
            assert!(is_level1(&level1), "{level1}");
            assert!(is_level2(&level2), "{level2}");
            assert!(!name.is_empty() && !target.is_empty());
        }
    }
}

#[test]
fn annual_amounts_are_kept_as_written() {
    let annual: Vec<String> = import_real()
        .iter()
        .map(|declaration| {
            string(&parse(declaration), &["funding", "annual"])
                .expect("annual")
                .to_string()
        })
        .collect();
    assert_eq!(
        annual,
        [
            "1,800,000.00",
            "300,000.00",
            "500,000.00",
            "420,000.00",
            "600,000.00",
            "1,300,000.00",
            "1,380,000.00",
            "600,000.00",
            "2,516,322.00",
            "2,350,000.00",
            "150,000.00",
            "249,550.00",
            "200,000.00",
            "408,662.00",
            "1,565,000.00",
        ]
    );
}

#[test]
fn the_multi_year_form_has_its_totals_and_period() {
    let declarations = import_real();
    let table = parse(by_name(&declarations, "市科协机构及常委会会议费"));
    for (key, value) in [
        ("total", "429,100.00"),
        ("total_fiscal", "429,100.00"),
        ("total_other", "0.00"),
        ("annual", "249,550.00"),
        ("appropriation", "179,550.00"),
        ("carryover", "0.00"),
        ("other", "0.00"),
    ] {
        assert_eq!(string(&table, &["funding", key]), Some(value), "{key}");
    }
    assert_eq!(
        string(&table, &["goals", "overall_period"]),
        Some("2023年-2024年")
    );
    assert_eq!(
        string(&table, &["goals", "overall"]),
        Some("市科协机构及常委会会议")
    );
    assert_eq!(string(&table, &["end"]), None);
    assert_eq!(table["end"].to_string(), "2024-12-31");
}

#[test]
fn single_year_forms_have_no_multi_year_totals() {
    let declarations = import_real();
    let table = parse(by_name(&declarations, "科技创新智库建设"));
    let funding = table["funding"].as_table().expect("funding");
    let keys: Vec<&str> = funding.keys().map(String::as_str).collect();
    // toml::Table sorts its keys; the file order is checked in the golden test below.
    assert_eq!(
        keys,
        ["annual", "appropriation", "carryover", "other", "unit"]
    );
    assert_eq!(funding["other"].as_str(), Some("300,000.00"));
    assert!(
        table["goals"]
            .as_table()
            .is_some_and(|goals| !goals.contains_key("overall"))
    );
}

#[test]
fn targets_are_verbatim() {
    let declarations = import_real();
    let rows = indicators(&parse(by_name(&declarations, "信息化运维项目")));
    let targets: Vec<&str> = rows.iter().map(|row| row[3].as_str()).collect();
    assert_eq!(
        targets,
        ["=100(%)", "=100(%)", "及时", "及时", "=0(起)", "≥85%"]
    );
    let rows = indicators(&parse(by_name(&declarations, "党建引领百万市民共享科普")));
    assert_eq!(rows[0][3], ">5.00(个)");
    assert_eq!(rows[2][3], "2023年12月底");
}

#[test]
fn shifted_and_merged_indicator_rows_get_their_levels() {
    let declarations = import_real();
    let levels = |name: &str| -> Vec<(String, String, String)> {
        indicators(&parse(by_name(&declarations, name)))
            .into_iter()
            .map(|[level1, level2, name, _]| (level1, level2, name))
            .collect()
    };
    let row = |l1: &str, l2: &str, name: &str| (l1.to_string(), l2.to_string(), name.to_string());

    // `|质量指标|…|≥100.00(%)||`: a 二级 in the 一级 column keeps 产出指标.
    let form1 = levels("学术交流与发展项目");
    assert_eq!(
        form1[4],
        row("产出指标", "质量指标", "各类学术交流活动举办质量达标率")
    );
    assert_eq!(form1[5], row("产出指标", "时效指标", "各项工作完成及时率"));

    // `|效益指标|社会效益指标||市科协服务水平提升情况|有效提升|` and `||||系统稳定性|稳定|`.
    let form7 = levels("科技工作者之家建设");
    assert_eq!(
        form7[4],
        row("产出指标", "时效指标", "视频类内容更新及时性")
    );
    assert_eq!(
        form7[5],
        row("效益指标", "社会效益指标", "市科协服务水平提升情况")
    );
    assert_eq!(form7[6], row("效益指标", "社会效益指标", "系统稳定性"));

    // An empty cell between name and target, and a carried 质量指标 (the form has no 时效指标 row).
    let form4 = levels("国际合作与交流");
    assert_eq!(
        form4[4],
        row(
            "产出指标",
            "质量指标",
            "国际、港澳台民间科技交流重点活动验收通过率"
        )
    );
    assert_eq!(
        form4[5],
        row(
            "产出指标",
            "质量指标",
            "国际、港澳台民间科技交流重点活动举办及时性"
        )
    );

    // `满意度指标||服务对象满意度指标|…` and a merged 时效指标 carried to the row below.
    let form10 = levels("落实推进《全民科学素质纲要》");
    assert_eq!(
        form10[9],
        row("产出指标", "时效指标", "公民科学素质提升情况")
    );
    assert_eq!(
        form10[11],
        row("满意度指标", "服务对象满意度指标", "活动参与人员满意度")
    );

    // Every 二级 of the real file belongs under its 一级.
    for declaration in &declarations {
        for [level1, level2, name, _] in indicators(&parse(declaration)) {
            assert!(belongs_under(&level1, &level2), "{name}: {level1}/{level2}");
        }
    }
}

#[test]
fn slugs_are_readable_valid_and_unique() {
    let declarations = import_real();
    let mut seen = HashSet::new();
    for declaration in &declarations {
        let slug = &declaration.slug;
        assert!(!slug.is_empty());
        assert!(
            slug.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{slug}"
        );
        assert!(seen.insert(slug.clone()), "duplicate slug {slug}");
    }
    assert_eq!(
        by_name(&declarations, "市科协机构及常委会会议费").slug,
        "shi-ke-xie-ji-gou-ji-chang-wei-hui-hui-yi-fei"
    );
}

#[test]
fn slugs_stay_unique_across_the_files_of_one_run() {
    let text = real_text();
    let declarations =
        import_texts(&[("a.txt", text.as_str()), ("b.txt", text.as_str())]).expect("imports");
    assert_eq!(declarations.len(), 30);
    assert_eq!(declarations[0].slug, "xue-shu-jiao-liu-yu-fa-zhan-xiang-mu");
    assert_eq!(
        declarations[15].slug,
        "xue-shu-jiao-liu-yu-fa-zhan-xiang-mu-2"
    );
    let unique: HashSet<&str> = declarations.iter().map(|d| d.slug.as_str()).collect();
    assert_eq!(unique.len(), 30);
    assert!(
        declarations[15]
            .toml
            .starts_with("# Imported from b.txt, form 1 (line 3).\n")
    );
}

#[test]
fn importing_twice_gives_identical_bytes() {
    let text = real_text();
    let first = import_text(&text, FILE_NAME).expect("imports");
    let second = import_text(&text, FILE_NAME).expect("imports");
    assert_eq!(first, second);
    // The comment names the file, not where it was read from.
    let from_path = import_text(&text, REAL).expect("imports");
    assert_eq!(first, from_path);
}

#[test]
fn the_multi_year_declaration_reads_as_the_spec_layout() {
    let declarations = import_real();
    let declaration = by_name(&declarations, "市科协机构及常委会会议费");
    let expected = r#"# Imported from 2023-shanghai-sast-declarations.txt, form 12 (line 263).
name = "市科协机构及常委会会议费"
year = 2023
nature = "其他经常性项目"
category = "其他运转类"
department = "上海市科学技术协会"
implementer = "上海市科学技术协会"
start = 2023-01-01
end = 2024-12-31

[funding]
unit = "元"
total = "429,100.00"
total_fiscal = "429,100.00"
total_other = "0.00"
annual = "249,550.00"
appropriation = "179,550.00"
carryover = "0.00"
other = "0.00"

[goals]
overall = "市科协机构及常委会会议"
overall_period = "2023年-2024年"
annual = "市科协机构及常委会会议"

[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "市科协机构及常委会会议完成数"
target = "≥4.00(次)"

[[indicators]]
level1 = "产出指标"
level2 = "质量指标"
name = "市科协机构及常委会会议质量达标率"
target = "=100.00(%)"

[[indicators]]
level1 = "产出指标"
level2 = "时效指标"
name = "会议完成及时性"
target = "及时"

[[indicators]]
level1 = "效益指标"
level2 = "社会效益指标"
name = "媒体报道增长情况"
target = "较2022年有增长"

[[indicators]]
level1 = "满意度指标"
level2 = "服务对象满意度指标"
name = "会议成员满意度"
target = "≥85.00(%)"
"#;
    assert_eq!(declaration.toml, expected);
}

#[test]
fn html_goals_become_paragraphs_in_a_multi_line_string() {
    let declarations = import_real();
    let declaration = by_name(&declarations, "国际合作与交流");
    assert!(
        declaration
            .toml
            .contains("[goals]\nannual = '''\n一、对外科技人文交流与合作\n\n立足上海")
    );
    let table = parse(declaration);
    let annual = string(&table, &["goals", "annual"]).expect("annual goal");
    assert_eq!(annual.split("\n\n").count(), 4);
    assert!(!annual.contains("<p>") && !annual.contains("</p>"));
    let numbered = parse(by_name(&declarations, "科技工作者之家建设"));
    let goal = string(&numbered, &["goals", "annual"]).expect("annual goal");
    assert!(
        goal.starts_with("1\\. “上海网上科技工作者之家”建设"),
        "{goal}"
    );
}
