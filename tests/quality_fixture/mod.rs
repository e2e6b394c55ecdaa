//! A fixture site for the 绩效指标质量 tests: one 2023 declaration per check, written to trigger
//! that check and no other, and one that triggers none. [`EXPECTED`] says which is which.
#![allow(dead_code)]

#[path = "../common/mod.rs"]
mod common;

#[allow(unused_imports)]
pub use common::{Run, SITE_TOML, Site, tree};

/// One indicator row: 一级, 二级, 三级, 指标值.
type Row = [&'static str; 4];

/// A form of the current framework with every 一级 and only quantitative targets.
const COMPLETE: &[Row] = &[
    ["产出指标", "数量指标", "培训场次", "≥4(场)"],
    ["效益指标", "社会效益指标", "受训人数", "≥200(人次)"],
    ["满意度指标", "服务对象满意度指标", "学员满意度", "≥85%"],
    ["成本指标", "经济成本指标", "培训成本", "≤5(万元)"],
];

/// (slug, 项目名称, rows) of each fixture declaration; every one requests 100,000.00 元.
pub const DECLARATIONS: &[(&str, &str, &[Row])] = &[
    ("wan-zheng", "完整项目", COMPLETE),
    (
        "que-shao-yi-ji",
        "缺少效益指标项目",
        &[
            ["产出指标", "数量指标", "培训场次", "≥4(场)"],
            ["产出指标", "成本指标", "培训成本", "≤5(万元)"],
            ["满意度指标", "服务对象满意度指标", "学员满意度", "≥85%"],
        ],
    ),
    (
        "que-shao-cheng-ben",
        "旧版表格项目",
        &[
            ["产出指标", "数量指标", "培训场次", "≥4(场)"],
            ["效益指标", "社会效益指标", "受训人数", "≥200(人次)"],
            ["满意度指标", "服务对象满意度指标", "学员满意度", "≥85%"],
        ],
    ),
    (
        "ding-liang-shao",
        "定性指标为主项目",
        &[
            ["产出指标", "数量指标", "培训任务", "完成"],
            ["产出指标", "质量指标", "培训质量", "合格"],
            ["产出指标", "时效指标", "完成时间", "按期"],
            ["效益指标", "社会效益指标", "培训效果", "达标"],
            ["满意度指标", "服务对象满意度指标", "学员满意度", "≥85%"],
            ["成本指标", "经济成本指标", "培训成本", "≤5(万元)"],
        ],
    ),
    (
        "mo-hu",
        "表述模糊项目",
        &[
            ["产出指标", "数量指标", "培训场次", "≥4(场)"],
            ["效益指标", "社会效益指标", "受训人数", "≥200(人次)"],
            ["效益指标", "可持续影响指标", "培训影响力", "有效提升"],
            ["满意度指标", "服务对象满意度指标", "学员满意度", "≥85%"],
            ["成本指标", "经济成本指标", "培训成本", "≤5(万元)"],
        ],
    ),
    (
        "chong-fu",
        "指标重复项目",
        &[
            ["产出指标", "数量指标", "培训场次", "≥4(场)"],
            ["产出指标", "数量指标", "培训场次", "≥6(场)"],
            ["效益指标", "社会效益指标", "受训人数", "≥200(人次)"],
            ["满意度指标", "服务对象满意度指标", "学员满意度", "≥85%"],
            ["成本指标", "经济成本指标", "培训成本", "≤5(万元)"],
        ],
    ),
    (
        "cheng-ben-chao-e",
        "成本超额项目",
        &[
            ["产出指标", "数量指标", "培训场次", "≥4(场)"],
            ["效益指标", "社会效益指标", "受训人数", "≥200(人次)"],
            ["满意度指标", "服务对象满意度指标", "学员满意度", "≥85%"],
            ["成本指标", "经济成本指标", "培训成本", "≤50(万元)"],
        ],
    ),
    (
        "man-yi-du",
        "满意度非百分比项目",
        &[
            ["产出指标", "数量指标", "培训场次", "≥4(场)"],
            ["效益指标", "社会效益指标", "受训人数", "≥200(人次)"],
            ["满意度指标", "服务对象满意度指标", "学员满意度", "满意"],
            ["成本指标", "经济成本指标", "培训成本", "≤5(万元)"],
        ],
    ),
];

/// (slug, code, indicator position) of every finding the fixture gives with default settings,
/// in the order of `quality.csv` (declarations by slug, then each declaration's order).
pub const EXPECTED: &[(&str, &str, Option<usize>)] = &[
    ("cheng-ben-chao-e", "cost-above-funding", Some(4)),
    ("chong-fu", "duplicate-indicator", Some(2)),
    ("ding-liang-shao", "low-quantitative-share", None),
    ("man-yi-du", "satisfaction-not-percent", Some(3)),
    ("mo-hu", "vague-target", Some(3)),
    ("que-shao-cheng-ben", "missing-cost", None),
    ("que-shao-yi-ji", "missing-level1", None),
];

/// The text of one fixture declaration.
pub fn declaration_toml(year: u16, name: &str, rows: &[Row]) -> String {
    let mut text = format!(
        "name = \"{name}\"\nyear = {year}\ndepartment = \"测试单位\"\nstart = {year}-01-01\n\n\
         [funding]\nannual = \"100,000.00\"\nappropriation = \"100,000.00\"\n"
    );
    for [level1, level2, name, target] in rows {
        text.push_str(&format!(
            "\n[[indicators]]\nlevel1 = \"{level1}\"\nlevel2 = \"{level2}\"\nname = \"{name}\"\ntarget = \"{target}\"\n"
        ));
    }
    text
}

/// The fixture site, with `quality` appended to site.toml (e.g. a `[quality]` section).
pub fn site(quality: &str) -> Site {
    let site = Site::empty();
    site.write("site.toml", &format!("{SITE_TOML}{quality}"));
    for (slug, name, rows) in DECLARATIONS {
        site.write(
            &format!("content/2023/{slug}.toml"),
            &declaration_toml(2023, name, rows),
        );
    }
    site
}

/// The 1-based line of the `target = "…"` of indicator `position` in a declaration's text.
pub fn target_line(text: &str, position: usize) -> usize {
    let mut seen = 0;
    for (index, line) in text.lines().enumerate() {
        if line == "[[indicators]]" {
            seen += 1;
        }
        if seen == position && line.starts_with("target = ") {
            return index + 1;
        }
    }
    panic!("no indicator {position} in\n{text}")
}

/// The `note[CODE]` lines of `check --quality`, as (file, code).
pub fn notes(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|line| {
            let (location, rest) = line.split_once(": note[")?;
            let file = location.split(':').next()?.to_string();
            let code = rest.split(']').next()?.to_string();
            Some((file, code))
        })
        .collect()
}
