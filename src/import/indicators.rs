//! 绩效指标 rows. Columns shift between forms and rows, so a row is read by its non-empty cells:
//! an optional known 一级, an optional known 二级, then exactly the 三级指标 name and its target.
//! Blank level cells are merged cells: the levels carry forward from the row above.

use super::fields::quote;
use super::table::{Row, normalize};
use crate::levels::{belongs_under, is_level1, is_level2, level1_names, level2_names};

/// One indicator row as imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Indicator {
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub target: String,
}

/// Is this the indicator header row (一级指标 二级指标 三级指标 年度(/项目)指标值)?
pub(crate) fn is_indicator_header(row: &Row) -> bool {
    row.filled().any(|(_, cell)| normalize(cell) == "一级指标")
}

/// Reads the rows after the header; returns the indicators and a (line, message) per bad row.
pub(crate) fn parse_indicators(rows: &[Row]) -> (Vec<Indicator>, Vec<(usize, String)>) {
    let mut indicators = Vec::new();
    let mut errors = Vec::new();
    let mut level1: Option<String> = None;
    let mut level2: Option<String> = None;
    for row in rows {
        if is_indicator_header(row) {
            continue; // the header repeated, e.g. after a page break
        }
        match read_row(row, &mut level1, &mut level2) {
            Ok(Some(indicator)) => indicators.push(indicator),
            Ok(None) => {}
            Err(message) => errors.push((row.line, message)),
        }
    }
    (indicators, errors)
}

fn read_row(
    row: &Row,
    level1: &mut Option<String>,
    level2: &mut Option<String>,
) -> Result<Option<Indicator>, String> {
    let mut cells: Vec<&str> = row.filled().map(|(_, cell)| cell).collect();
    if cells
        .first()
        .is_some_and(|cell| normalize(cell) == "绩效指标")
    {
        cells.remove(0);
    }
    if cells.is_empty() {
        return Ok(None);
    }
    let mut rest = cells.as_slice();

    // A cell is a level name only if at least the name and the target remain after it.
    if rest.len() >= 3 {
        let first = normalize(rest[0]);
        if is_level1(&first) && !is_level2_here(&first, rest[1], &rest[2..], level1.as_deref()) {
            if level1.as_deref() != Some(first.as_str()) {
                *level2 = None; // a new 一级 starts new merged 二级 cells
            }
            *level1 = Some(first);
            rest = &rest[1..];
        }
    }
    if rest.len() >= 3 {
        let first = normalize(rest[0]);
        if is_level2(&first) {
            // A known 二级 in the 一级 position keeps the carried 一级.
            *level2 = Some(first);
            rest = &rest[1..];
        }
    }

    let [name, target] = rest else {
        return Err(shape_error(&cells, rest));
    };
    for cell in [name, target] {
        let text = normalize(cell);
        if is_level1(&text) || is_level2(&text) {
            return Err(format!(
                "indicator row has the level name {} where the 三级指标 name or the target should be; each row needs a 三级指标 name and a target (年度指标值) after its levels",
                quote(cell)
            ));
        }
    }
    let Some(level1) = level1.clone() else {
        return Err(format!(
            "indicator {} has no 一级指标: the first indicator row of a form must name its 一级指标 ({})",
            quote(name),
            level1_names().join(", ")
        ));
    };
    let Some(level2) = level2.clone() else {
        return Err(format!(
            "indicator {} has no 二级指标: name the 二级指标 of 一级 {level1} in this row ({})",
            quote(name),
            level2_names(&level1).join(", ")
        ));
    };
    Ok(Some(Indicator {
        level1,
        level2,
        name: name.to_string(),
        target: target.to_string(),
    }))
}

/// 成本指标 is both a 一级 (current form) and a 二级 under 产出指标 (old form). Read it as the 二级
/// when no 二级 follows it and it belongs under the carried 一级.
fn is_level2_here(name: &str, next: &str, tail: &[&str], carried: Option<&str>) -> bool {
    let next_is_level2 = is_level2(&normalize(next)) && tail.len() >= 2;
    is_level2(name) && !next_is_level2 && carried.is_some_and(|level1| belongs_under(level1, name))
}

fn shape_error(cells: &[&str], rest: &[&str]) -> String {
    let listed = rest.iter().map(|cell| quote(cell)).collect::<Vec<_>>();
    match rest.len() {
        1 if cells.len() == 1 => format!(
            "indicator row has a single cell {}; each row needs a 三级指标 name and its target (年度指标值)",
            listed.join("")
        ),
        1 => format!(
            "indicator row ends with {} but has no target (年度指标值); fill in the target or delete the row",
            listed.join("")
        ),
        _ => format!(
            "indicator row has {} cells after its level names ({}); expected exactly two, the 三级指标 name and its target: merge or delete the extra cells",
            rest.len(),
            listed.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Row> {
        crate::import::table::rows_from(1, lines)
    }

    fn read(lines: &[&str]) -> Vec<[String; 4]> {
        let (indicators, errors) = parse_indicators(&rows(lines));
        assert_eq!(errors, vec![]);
        indicators
            .into_iter()
            .map(|i| [i.level1, i.level2, i.name, i.target])
            .collect()
    }

    fn errors(lines: &[&str]) -> Vec<(usize, String)> {
        parse_indicators(&rows(lines)).1
    }

    #[test]
    fn blank_level_cells_carry_forward() {
        let got = read(&[
            "绩效 指标|产出指标|数量指标|组织开展项目数|≥100.00(项)|",
            "|||活动参与单位数|≥80.00(个)|",
            "||质量指标|各项工作质量达标率|=100.00(%)|",
        ]);
        assert_eq!(got[1][..2], ["产出指标", "数量指标"]);
        assert_eq!(got[1][2..], ["活动参与单位数", "≥80.00(个)"]);
        assert_eq!(got[2][..2], ["产出指标", "质量指标"]);
    }

    #[test]
    fn a_level2_in_the_level1_column_keeps_the_carried_level1() {
        let got = read(&[
            "绩效 指标|产出指标|数量指标|交流论文完成数|≥2000.00(篇)|",
            "|质量指标|各类学术交流活动举办质量达标率|≥100.00(%)||",
            "|时效指标||视频类内容更新及时性|及时||",
        ]);
        assert_eq!(
            got[1],
            [
                "产出指标",
                "质量指标",
                "各类学术交流活动举办质量达标率",
                "≥100.00(%)"
            ]
            .map(String::from)
        );
        assert_eq!(got[2][1], "时效指标");
    }

    #[test]
    fn shifted_cells_and_gaps_between_name_and_target() {
        let got = read(&[
            "绩效 指标|产出指标|数量指标|原创文字、视频完成数|≥100.00(个)||",
            "|效益指标|社会效益指标||市科协服务水平提升情况|有效提升|",
            "||||系统稳定性|稳定|",
            "|质量指标|国际交流重点活动验收通过率||=100.00(%)",
            "满意度指标||服务对象满意度指标|活动参与人员满意度|≥85.00(%)|",
        ]);
        assert_eq!(
            got[1],
            [
                "效益指标",
                "社会效益指标",
                "市科协服务水平提升情况",
                "有效提升"
            ]
            .map(String::from)
        );
        assert_eq!(got[2][..3], ["效益指标", "社会效益指标", "系统稳定性"]);
        assert_eq!(got[3][..2], ["效益指标", "质量指标"]);
        assert_eq!(got[3][3], "=100.00(%)");
        assert_eq!(got[4][..2], ["满意度指标", "服务对象满意度指标"]);
    }

    #[test]
    fn targets_are_verbatim() {
        let got = read(&[
            "绩效指标|效益指标|社会效益指标|重大事故发生情况| =0(起) |",
            "|||满意度|≥85%",
        ]);
        assert_eq!(got[0][3], "=0(起)");
        assert_eq!(got[1][3], "≥85%");
    }

    #[test]
    fn cost_is_a_level2_under_output_and_a_level1_otherwise() {
        let got = read(&[
            "产出指标|数量指标|甲|1",
            "|成本指标|乙|≤10万元",
            "成本指标|经济成本指标|丙|≤5万元",
            "满意度指标|服务对象满意度指标|丁|≥90%",
            "成本指标|经济成本指标|戊|≤1万元",
        ]);
        assert_eq!(got[1][..2], ["产出指标", "成本指标"]);
        assert_eq!(got[2][..2], ["成本指标", "经济成本指标"]);
        assert_eq!(got[4][..2], ["成本指标", "经济成本指标"]);
    }

    #[test]
    fn a_name_equal_to_a_level_is_not_taken_as_a_level_without_two_cells_after_it() {
        // `数量指标` has only one cell after it, so it is not a level: the row lacks its target.
        let errors = errors(&["产出指标|数量指标|甲|1", "||数量指标|乙|"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, 2);
        assert!(
            errors[0].1.contains("level name `数量指标`"),
            "{}",
            errors[0].1
        );
    }

    #[test]
    fn malformed_rows_are_errors_with_their_line() {
        let errors = errors(&[
            "|||甲|1|",
            "产出指标|数量指标|乙|1",
            "||孤单|",
            "|||丙|1|多余|",
            "效益指标|丁|1",
            "||||",
        ]);
        let lines: Vec<usize> = errors.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![1, 3, 4, 5]);
        assert!(errors[0].1.contains("no 一级指标"), "{}", errors[0].1);
        assert!(
            errors[1].1.contains("single cell `孤单`"),
            "{}",
            errors[1].1
        );
        assert!(errors[2].1.contains("3 cells"), "{}", errors[2].1);
        assert!(errors[3].1.contains("no 二级指标"), "{}", errors[3].1);
        assert!(errors[3].1.contains("经济效益指标"), "{}", errors[3].1);
    }

    #[test]
    fn a_repeated_header_row_is_skipped() {
        let got = read(&[
            "产出指标|数量指标|甲|1",
            "|一级指标|二级指标|三级指标|年度(/项目)指标值|",
            "|||乙|2",
        ]);
        assert_eq!(got.len(), 2);
    }
}
