//! Unit tests of the checks and summaries, on declarations parsed from TOML exactly as content
//! files are (so they follow the model as it grows).

use std::path::Path;

use super::checks::findings;
use super::config::defaults;
use super::summary::{Share, YearQuality};
use super::{Check, Finding};
use crate::declaration::{Location, parse_declaration};
use crate::model::{Declaration, QualitySettings};

/// A 2023 declaration requesting `annual` (in `unit`) with these (一级, 二级, 三级, 指标值) rows.
fn declaration_in(slug: &str, unit: &str, annual: &str, rows: &[[&str; 4]]) -> Declaration {
    let mut source = format!(
        "name = \"测试项目{slug}\"\nyear = 2023\ndepartment = \"测试单位\"\n\n\
         [funding]\nunit = \"{unit}\"\nannual = \"{annual}\"\n"
    );
    for [level1, level2, name, target] in rows {
        source.push_str(&format!(
            "\n[[indicators]]\nlevel1 = \"{level1}\"\nlevel2 = \"{level2}\"\nname = \"{name}\"\ntarget = \"{target}\"\n"
        ));
    }
    let file = format!("content/2023/{slug}.toml");
    let location = Location {
        file: Path::new(&file),
        folder_year: 2023,
        slug,
    };
    let parsed = parse_declaration(&source, &location);
    match parsed.declaration {
        Some(declaration) => declaration,
        None => panic!("{source}\n{:?}", parsed.diagnostics),
    }
}

fn declaration(rows: &[[&str; 4]]) -> Declaration {
    declaration_in("t", "元", "100000.00", rows)
}

/// The three core 一级, each with a quantitative percentage target, plus `rows`.
fn complete<'a>(rows: &[[&'a str; 4]]) -> Vec<[&'a str; 4]> {
    let mut all: Vec<[&'a str; 4]> = vec![
        ["产出指标", "数量指标", "会议次数", "≥4(次)"],
        ["产出指标", "成本指标", "会议成本", "≤50000(元)"],
        ["效益指标", "社会效益指标", "参会人数", "≥100(人)"],
        ["满意度指标", "服务对象满意度指标", "参会人员满意度", "≥85%"],
    ];
    all.extend_from_slice(rows);
    all
}

fn of(check: Check, found: &[Finding]) -> Vec<(Option<usize>, String)> {
    found
        .iter()
        .filter(|finding| finding.check == check)
        .map(|finding| (finding.indicator, finding.message.clone()))
        .collect()
}

fn only(check: Check, declaration: &Declaration) -> Vec<(Option<usize>, String)> {
    of(check, &findings(declaration, &defaults()))
}

#[test]
fn a_complete_quantitative_declaration_has_no_findings() {
    assert_eq!(findings(&declaration(&complete(&[])), &defaults()), vec![]);
}

#[test]
fn missing_level1_names_each_missing_core_level() {
    let found = only(
        Check::MissingLevel1,
        &declaration(&[["产出指标", "数量指标", "会议次数", "≥4(次)"]]),
    );
    assert_eq!(
        found,
        vec![
            (None, "本表没有一级指标为“效益指标”的指标行".to_string()),
            (None, "本表没有一级指标为“满意度指标”的指标行".to_string()),
        ]
    );
}

#[test]
fn missing_cost_accepts_the_old_and_the_current_framework() {
    let none = declaration(&[["产出指标", "数量指标", "会议次数", "≥4(次)"]]);
    assert_eq!(only(Check::MissingCost, &none).len(), 1);
    // Old form: 成本指标 as a 二级 under 产出指标.
    let old = declaration(&[["产出指标", "成本指标", "会议成本", "≤5万元"]]);
    assert!(only(Check::MissingCost, &old).is_empty());
    // Current framework: 成本指标 as a 一级.
    let current = declaration(&[["成本指标", "经济成本指标", "会议成本", "≤5万元"]]);
    assert!(only(Check::MissingCost, &current).is_empty());
}

#[test]
fn a_declaration_without_indicators_misses_every_level_but_has_no_share() {
    let empty = declaration(&[]);
    let found = findings(&empty, &defaults());
    assert_eq!(of(Check::MissingLevel1, &found).len(), 3);
    assert_eq!(of(Check::MissingCost, &found).len(), 1);
    assert!(of(Check::LowQuantitativeShare, &found).is_empty());
    assert!(found.iter().all(|finding| finding.field == "name"));
}

#[test]
fn low_share_compares_exactly_and_leaves_out_not_applicable_rows() {
    let low = declaration(&complete(&[
        ["产出指标", "时效指标", "完成时间", "及时"],
        ["产出指标", "质量指标", "质量", "合格"],
        ["效益指标", "社会效益指标", "影响", "良好"],
        ["效益指标", "可持续影响指标", "长效", "持续"],
        ["效益指标", "生态效益指标", "生态", "达标"],
    ]));
    // 4 quantitative of 9: 44.4% < 50%.
    assert_eq!(
        only(Check::LowQuantitativeShare, &low),
        vec![(
            None,
            "定量指标 4 项，占 9 项指标的 44.4%，低于本站设定的 50%".to_string()
        )]
    );
    // 4 of 8 is exactly half: not below.
    let half = declaration(&complete(&[
        ["产出指标", "时效指标", "完成时间", "及时"],
        ["产出指标", "质量指标", "质量", "合格"],
        ["效益指标", "社会效益指标", "影响", "良好"],
        ["效益指标", "可持续影响指标", "长效", "持续"],
        ["效益指标", "生态效益指标", "生态", "无"],
        ["效益指标", "经济效益指标", "经济", "本项目不适用此指标"],
    ]));
    assert_eq!(
        Share::of(&half.indicators),
        Share {
            quantitative: 4,
            applicable: 8
        }
    );
    assert!(only(Check::LowQuantitativeShare, &half).is_empty());
    let never = QualitySettings {
        min_quantitative_share: 0,
        ..defaults()
    };
    assert!(of(Check::LowQuantitativeShare, &findings(&low, &never)).is_empty());
}

#[test]
fn vague_targets_are_qualitative_with_a_listed_word_and_nothing_measurable() {
    let found = only(
        Check::VagueTarget,
        &declaration(&complete(&[
            ["产出指标", "时效指标", "完成及时性", "及时"],
            ["效益指标", "社会效益指标", "影响力", "进一步提升"],
            ["效益指标", "社会效益指标", "参与度", "较2022年有所提升"],
            ["产出指标", "时效指标", "完成时间", "2023年12月底"],
            ["效益指标", "社会效益指标", "覆盖面", "提升两个百分点"],
            ["产出指标", "质量指标", "验收", "合格"],
        ])),
    );
    assert_eq!(
        found,
        vec![
            (
                Some(5),
                "“完成及时性”的指标值“及时”没有数字、比例或完成时限（用词：“及时”）".to_string()
            ),
            (
                Some(6),
                "“影响力”的指标值“进一步提升”没有数字、比例或完成时限（用词：“进一步”“提升”）"
                    .to_string()
            ),
        ]
    );
}

#[test]
fn the_site_extends_the_word_list() {
    let declaration = declaration(&complete(&[["产出指标", "质量指标", "管理", "规范"]]));
    assert!(only(Check::VagueTarget, &declaration).is_empty());
    let settings = QualitySettings {
        vague_words: vec!["规范".to_string()],
        ..defaults()
    };
    let found = findings(&declaration, &settings);
    assert_eq!(of(Check::VagueTarget, &found).len(), 1);
    assert_eq!(found[0].field, "indicators[5].target");
}

#[test]
fn duplicates_point_at_the_first_occurrence() {
    let found = only(
        Check::DuplicateIndicator,
        &declaration(&complete(&[
            ["产出指标", "数量指标", "会议 次数", "≥5(次)"],
            ["效益指标", "社会效益指标", "无", "无"],
            ["效益指标", "生态效益指标", "无", "无"],
        ])),
    );
    assert_eq!(
        found,
        vec![(Some(5), "三级指标“会议 次数”与第 1 项同名".to_string())]
    );
}

#[test]
fn cost_above_funding_compares_in_yuan_exactly() {
    let rows =
        |target: &'static str| complete(&[["成本指标", "经济成本指标", "项目总成本", target]]);
    // 10 万元 = 100,000.00 元: equal to the annual request, not above.
    let equal = declaration(&rows("≤10(万元)"));
    assert!(only(Check::CostAboveFunding, &equal).is_empty());
    let above = declaration(&rows("≤10.0001万元"));
    assert_eq!(
        only(Check::CostAboveFunding, &above),
        vec![(
            Some(5),
            "“项目总成本”的指标值“≤10.0001万元”折合 100,001.00 元，大于年度资金申请总额 100,000.00 元"
                .to_string()
        )]
    );
    let unsigned = declaration(&rows("0.01亿元"));
    assert_eq!(only(Check::CostAboveFunding, &unsigned).len(), 1);
    let rate = declaration(&rows("≤500000元/人"));
    assert!(only(Check::CostAboveFunding, &rate).is_empty());
    // A form in 万元: annual 10.0000 万元 is 100,000 元.
    let wan = declaration_in(
        "w",
        "万元",
        "10.0000",
        &complete(&[["成本指标", "经济成本指标", "项目总成本", "≤100001元"]]),
    );
    assert_eq!(only(Check::CostAboveFunding, &wan).len(), 1);
}

#[test]
fn satisfaction_targets_must_be_percentages() {
    let found = only(
        Check::SatisfactionNotPercent,
        &declaration(&complete(&[
            ["满意度指标", "服务对象满意度指标", "学员满意度", "满意"],
            ["满意度指标", "服务对象满意度指标", "专家满意度", "≥90分"],
            ["满意度指标", "服务对象满意度指标", "公众满意度", "=100(%)"],
            ["满意度指标", "服务对象满意度指标", "单位满意度", "90％以上"],
            ["满意度指标", "服务对象满意度指标", "社会满意度", "无"],
        ])),
    );
    assert_eq!(
        found,
        vec![
            (
                Some(5),
                "满意度指标“学员满意度”的指标值“满意”不是百分比".to_string()
            ),
            (
                Some(6),
                "满意度指标“专家满意度”的指标值“≥90分”不是百分比".to_string()
            ),
        ]
    );
}

#[test]
fn switched_off_checks_find_nothing_and_order_is_stable() {
    let declaration = declaration(&[
        ["产出指标", "时效指标", "完成及时性", "及时"],
        ["产出指标", "时效指标", "完成及时性", "及时"],
    ]);
    let all = findings(&declaration, &defaults());
    let checks: Vec<(Option<usize>, Check)> = all
        .iter()
        .map(|finding| (finding.indicator, finding.check))
        .collect();
    assert_eq!(
        checks,
        vec![
            (None, Check::MissingLevel1),
            (None, Check::MissingLevel1),
            (None, Check::MissingCost),
            (None, Check::LowQuantitativeShare),
            (Some(1), Check::VagueTarget),
            (Some(2), Check::VagueTarget),
            (Some(2), Check::DuplicateIndicator),
        ]
    );
    let mut settings = defaults();
    settings
        .disabled
        .insert(Check::VagueTarget.code().to_string());
    settings
        .disabled
        .insert(Check::MissingLevel1.code().to_string());
    let fewer = findings(&declaration, &settings);
    assert!(
        fewer
            .iter()
            .all(|f| f.check != Check::VagueTarget && f.check != Check::MissingLevel1)
    );
    assert_eq!(fewer.len(), 3);
}

#[test]
fn shares_are_exact_percentages_with_one_decimal() {
    let share = |quantitative, applicable| {
        Share {
            quantitative,
            applicable,
        }
        .percent_text()
    };
    assert_eq!(share(2, 3), "66.7%");
    assert_eq!(share(1, 8), "12.5%");
    assert_eq!(share(73, 110), "66.4%");
    assert_eq!(share(1, 16), "6.3%"); // 6.25 rounds half away from zero
    assert_eq!(share(3, 3), "100.0%");
    assert_eq!(share(0, 0), "—");
}

#[test]
fn the_year_report_adds_up_by_department() {
    let mut a = declaration_in("a", "元", "100000", &complete(&[]));
    let mut b = declaration_in(
        "b",
        "元",
        "100000",
        &[["产出指标", "时效指标", "时效", "及时"]],
    );
    let c = declaration_in("c", "元", "100000", &complete(&[]));
    let mut d = declaration_in("d", "元", "100000", &complete(&[]));
    a.department = "乙单位".into();
    b.department = "甲单位".into();
    d.department = "甲单位".into();
    let report = YearQuality::of(2023, &[c, d, b, a], &defaults());
    let slugs: Vec<&str> = report
        .declarations
        .iter()
        .map(|d| d.slug.as_str())
        .collect();
    assert_eq!(slugs, ["a", "b", "c", "d"]);
    let departments: Vec<(&str, usize, usize, usize)> = report
        .departments
        .iter()
        .map(|d| {
            (
                d.department.as_str(),
                d.totals.declarations,
                d.totals.indicators,
                d.totals.findings,
            )
        })
        .collect();
    // b: no 效益, no 满意度, no 成本, 0 of 1 quantitative, one vague target. Most declarations
    // first, then by name.
    assert_eq!(
        departments,
        [
            ("甲单位", 2, 5, 5),
            ("乙单位", 1, 4, 0),
            ("测试单位", 1, 4, 0)
        ]
    );
    assert_eq!(report.totals.share.percent_text(), "92.3%"); // 12 of 13
    assert_eq!(report.totals.counts.get(&Check::MissingLevel1), Some(&2));
    assert_eq!(report.declaration("b").map(|d| d.findings.len()), Some(5));
    assert!(report.declaration("z").is_none());
}

mod noise {
    use proptest::prelude::*;

    use crate::quality::amount::target_in_yuan;
    use crate::quality::words::{is_measurable, is_not_applicable, vague_words_in};
    use crate::target::{Target, parse_target};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Target texts are free text from the forms: the quality readers take any of them.
        #[test]
        fn target_readers_never_panic(text in "\\PC{0,24}") {
            let target = parse_target(&text).unwrap_or(Target::Qualitative);
            let _ = target_in_yuan(&target, &text);
            let _ = is_not_applicable(&text);
            let site_words = vec![text.clone()];
            let words = vague_words_in(&text, &site_words);
            prop_assert!(words.is_empty() || !is_measurable(&text));
        }

        /// A money target reads back exactly, in every unit.
        #[test]
        fn money_targets_convert_exactly(wan in 0u64..1_000_000_000, fraction in 0u32..10_000) {
            let text = format!("≤{wan}.{fraction:04}(万元)");
            let target = parse_target(&text).unwrap_or(Target::Qualitative);
            let expected = (rust_decimal::Decimal::from(wan)
                + rust_decimal::Decimal::new(i64::from(fraction), 4))
                * rust_decimal::Decimal::from(10_000);
            prop_assert_eq!(target_in_yuan(&target, &text), Some(expected));
        }
    }
}

#[test]
fn serve_keeps_the_report_of_the_very_declaration_it_assessed() {
    use std::sync::Arc;

    use super::summary::Assessed;

    let kept = Arc::new(declaration_in("a", "元", "100000", &[]));
    let edited = Arc::new(declaration_in("b", "元", "100000", &[]));
    let before = vec![Arc::clone(&kept), Arc::new((*edited).clone())];
    // The previous report was made with every check off, so a reused report is told apart
    // from a new one by its findings.
    let mut everything_off = defaults();
    everything_off.disabled = Check::ALL.iter().map(|c| c.code().to_string()).collect();
    let old_report = YearQuality::of(2023, &before, &everything_off);
    assert!(
        old_report
            .declarations
            .iter()
            .all(|d| d.findings.is_empty())
    );
    let previous = Assessed {
        declarations: &before,
        quality: &old_report,
    };
    let now = vec![Arc::clone(&kept), Arc::clone(&edited)];
    let report = YearQuality::of_reusing(2023, &now, &defaults(), Some(previous));
    let findings = |slug: &str| report.declaration(slug).map(|d| d.findings.len());
    // The same allocation keeps its report; an equal declaration parsed again is assessed.
    assert_eq!(findings("a"), Some(0));
    assert!(findings("b").is_some_and(|count| count > 0), "{report:?}");
    assert_eq!(report.totals.declarations, 2);
}
