//! The 2023 绩效指标质量 report of the repository's own content (15 declarations of
//! 上海市科学技术协会), pinned against a count made by hand from `content/2023/*.toml`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::Run;
use disclose::build::{BuildOptions, render_to_memory};

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Read by hand from each `content/2023/SLUG.toml`: how many `[[indicators]]` it has, and every
/// target that does not start with a comparison sign (the qualitative ones), in form order. The
/// rest are quantitative (`≥4.00(次)`, `=100.00(%)` …). Then the share, quantitative ÷ indicators,
/// rounded to one decimal.
#[rustfmt::skip]
const BY_HAND: &[(&str, usize, &[&str], &str)] = &[
    ("chuang-xin-fu-wu-yu-fa-zhan", 8, &["及时", "良好"], "75.0%"), // 6/8
    ("dang-jian-yin-ling-bai-wan-shi-min-gong-xiang-ke-pu", 6, &["2023年12月底", "较2022年有所提升", "较2022年有所增长"], "50.0%"), // 3/6
    ("guo-ji-he-zuo-yu-jiao-liu", 9, &["及时", "形式多样", "有效提升"], "66.7%"), // 6/9
    ("ji-guan-fu-wu-fei", 5, &["及时", "有效运行"], "60.0%"), // 3/5
    ("ke-ji-chuang-xin-zhi-ku-jian-she", 10, &["及时", "有效提升"], "80.0%"), // 8/10
    ("ke-ji-gong-zuo-zhe-zhi-jia-jian-she", 8, &["及时", "有效提升", "稳定"], "62.5%"), // 5/8
    ("ke-ji-ren-cai-ju-jian-yu-fu-wu", 8, &["及时", "有效增长", "有效宣传"], "62.5%"), // 5/8
    ("ke-xie-zu-zhi-ji-gou-guan-li", 8, &["及时", "及时", "有效提升"], "62.5%"), // 5/8
    ("luo-shi-tui-jin-quan-min-ke-xue-su-zhi-gang-yao", 12, &["2023年12月底", "2023年12月底", "较2022年有所提升"], "75.0%"), // 9/12
    ("shang-hai-shi-zai-hai-fang-yu-xie-hui-gong-zuo-jing-fei", 6, &["及时", "有效提高", "多样"], "50.0%"), // 3/6
    ("shi-ke-xie-ji-gou-ji-chang-wei-hui-hui-yi-fei", 5, &["及时", "较2022年有增长"], "60.0%"), // 3/5
    ("shi-ke-xie-zong-he-zhi-li-fei-yong", 4, &["及时", "有效提升"], "50.0%"), // 2/4
    ("xin-xi-hua-yun-wei-xiang-mu", 6, &["及时", "及时"], "66.7%"), // 4/6
    ("xue-hui-gai-ge-yu-fa-zhan", 6, &["及时", "有所增长"], "66.7%"), // 4/6
    ("xue-shu-jiao-liu-yu-fa-zhan-xiang-mu", 9, &["及时", "有效提升"], "77.8%"), // 7/9
];

/// The one 主管部门, 上海市科学技术协会: 15 declarations, 8+6+9+5+10+8+8+8+12+6+5+4+6+6+9 = 110
/// indicators, of which 110 − 37 qualitative = 73 quantitative: 73 ÷ 110 = 66.36…% → 66.4%.
const DEPARTMENT: (&str, usize, usize, usize, &str) = ("上海市科学技术协会", 15, 110, 73, "66.4%");

/// Findings per check, by hand:
/// - missing-level1 1: shi-ke-xie-zong-he-zhi-li-fei-yong has no 满意度指标 row (the other 14 have
///   产出, 效益 and 满意度);
/// - missing-cost 15: no form has a 成本 row, as a 一级 or as a 二级;
/// - low-quantitative-share 0: the lowest share is 50.0% (four forms), not below 50%;
/// - vague-target 30: of the 37 qualitative targets above, the 7 that name a year
///   (2023年12月底 ×3, 较2022年… ×4) are measurable; the other 30 (及时 ×15, 有效提升 ×6, 良好,
///   稳定, 有效运行, 有效提高, 有效宣传, 有效增长, 有所增长, 形式多样, 多样) each use a listed word;
/// - duplicate-indicator 0, cost-above-funding 0 (no 成本 rows), satisfaction-not-percent 0 (every
///   满意度 target is ≥…% or =…(%)).
const FINDINGS: &[(&str, usize)] = &[
    ("missing-level1", 1),
    ("missing-cost", 15),
    ("low-quantitative-share", 0),
    ("vague-target", 30),
    ("duplicate-indicator", 0),
    ("cost-above-funding", 0),
    ("satisfaction-not-percent", 0),
];

fn built() -> BTreeMap<String, Vec<u8>> {
    let rendered = render_to_memory(&BuildOptions::new(repository())).expect("the site builds");
    rendered
        .files
        .into_iter()
        .map(|file| (file.path, file.bytes))
        .collect()
}

fn cells(html: &str, css: &str) -> Vec<Vec<String>> {
    let document = scraper::Html::parse_document(html);
    let rows = scraper::Selector::parse(css).expect("selector");
    let cell = scraper::Selector::parse("th, td").expect("selector");
    document
        .select(&rows)
        .map(|row| {
            row.select(&cell)
                .map(|node| node.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn the_hand_count_adds_up() {
    let indicators: usize = BY_HAND.iter().map(|(_, count, _, _)| count).sum();
    let qualitative: usize = BY_HAND.iter().map(|(_, _, texts, _)| texts.len()).sum();
    assert_eq!((indicators, qualitative), (110, 37));
    assert_eq!(indicators - qualitative, DEPARTMENT.3);
    assert_eq!(FINDINGS.iter().map(|(_, count)| count).sum::<usize>(), 46);
}

#[test]
fn the_2023_report_page_matches_the_hand_count() {
    let files = built();
    let page = std::str::from_utf8(&files["2023/quality/index.html"]).expect("UTF-8");
    let (name, declarations, indicators, quantitative, share) = DEPARTMENT;
    let findings: usize = FINDINGS.iter().map(|(_, count)| count).sum();
    let row = |values: [&str; 6]| values.map(str::to_string).to_vec();
    assert_eq!(
        cells(page, "#quality-departments tbody tr"),
        [row([
            name,
            &declarations.to_string(),
            &indicators.to_string(),
            &quantitative.to_string(),
            share,
            &findings.to_string(),
        ])]
    );
    let declaration_rows = cells(page, "#quality-declarations tbody tr");
    assert_eq!(declaration_rows.len(), BY_HAND.len());
    for (row, (slug, count, qualitative, share)) in declaration_rows.iter().zip(BY_HAND) {
        let expected = [
            count.to_string(),
            (count - qualitative.len()).to_string(),
            share.to_string(),
        ];
        assert_eq!(row[2..5], expected, "{slug}: {row:?}");
    }
    for (code, count) in FINDINGS {
        assert!(
            page.contains(&format!("（<code>{code}</code>）：{count} 项")),
            "{code} {count}"
        );
    }
}

#[test]
fn quality_csv_and_check_quality_count_the_same_findings() {
    let files = built();
    let bytes = &files["2023/quality.csv"];
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    for record in csv::Reader::from_reader(body).records() {
        let record = record.expect("row");
        *by_code.entry(record[3].to_string()).or_default() += 1;
    }
    for (code, count) in FINDINGS {
        assert_eq!(by_code.get(*code).copied().unwrap_or(0), *count, "{code}");
    }

    let output = Command::new(env!("CARGO_BIN_EXE_disclose"))
        .arg("--root")
        .arg(repository())
        .args(["check", "--quality"])
        .output()
        .expect("run disclose");
    let run = Run::from(output);
    run.assert_ok();
    let counts: Vec<String> = FINDINGS
        .iter()
        .map(|(code, count)| format!("{code} {count}"))
        .collect();
    assert!(
        run.stdout
            .contains(&format!("by check: {}; off: none", counts.join(", "))),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "2023 上海市科学技术协会: 15 declarations, 110 indicators, 73 quantitative (66.4%), 46 findings"
        ),
        "{}",
        run.stdout
    );
}
