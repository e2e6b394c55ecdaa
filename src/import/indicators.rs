//! 绩效指标 rows. Columns shift between forms and rows, so a row is read by its non-empty cells:
//! an optional known 一级, an optional known 二级, then exactly the 三级指标 name and its target.
//! Blank level cells are merged cells: the levels carry forward from the row above; rows before
//! the first 一级 (a merged cell printed lower down, or left empty) take the 一级 their 二级
//! belongs under. Columns the header names after the target (权重, 指标方向性, and 指标性质 /
//! 度量单位 where the sign and unit have columns of their own) are read by their header's column.

use super::fields::quote;
use super::grid::{At, Row, normalize};
use super::labels::{SELF_EVALUATION_COLUMNS, is_footer, title_of};
use crate::levels::{belongs_under, is_level1, is_level2, level1_names, level2_names};

/// One indicator row as imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Indicator {
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub target: String,
    pub weight: Option<String>,
    pub direction: Option<String>,
}

/// Is this the indicator header row (一级指标 二级指标 三级指标 年度(/项目)指标值)?
pub(crate) fn is_indicator_header(row: &Row) -> bool {
    row.filled().any(|(_, cell)| normalize(cell) == "一级指标")
}

/// A column the header names beyond the levels, the name and the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    Weight,
    Direction,
    Sign,
    Unit,
}

/// What the header row says about the table's columns.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    /// Every labelled column: its column and, for the extra ones, what it holds.
    columns: Vec<(usize, Option<Extra>)>,
    /// Self-evaluation columns found (实际完成值, 得分, …).
    pub self_evaluation: Vec<String>,
}

impl Header {
    pub(crate) fn read(row: &Row) -> Header {
        let mut header = Header::default();
        for (column, cell) in row.filled() {
            let label = normalize(cell);
            let extra = match label.as_str() {
                l if l.starts_with("权重") => Some(Extra::Weight),
                "指标方向性" | "指标方向" => Some(Extra::Direction),
                "指标性质" | "指标符号" => Some(Extra::Sign),
                "度量单位" | "计量单位" | "单位" => Some(Extra::Unit),
                _ => None,
            };
            if SELF_EVALUATION_COLUMNS
                .iter()
                .any(|word| label.contains(word))
            {
                header.self_evaluation.push(cell.to_string());
            }
            header.columns.push((column, extra));
        }
        header
    }

    fn has_extras(&self) -> bool {
        self.columns.iter().any(|(_, extra)| extra.is_some())
    }

    /// The extra column a cell at `column` is under, if the nearest header column is one.
    fn extra_at(&self, column: usize) -> Option<Extra> {
        self.columns
            .iter()
            .min_by_key(|(header, _)| header.abs_diff(column))
            .and_then(|(_, extra)| *extra)
    }
}

/// Why the indicator rows stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The rows ran to the end of the form's region (the file, the next form).
    RegionEnd,
    /// A footer (填报人, 备注, …) or other text closed the table at this row.
    Closed(At),
}

/// The indicator table as read.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub indicators: Vec<Indicator>,
    pub errors: Vec<(At, String)>,
    pub end: End,
    /// Where the last row read was, for messages about the table's end.
    pub last: Option<At>,
    /// Unusual things worth a line in a dry run.
    pub notes: Vec<String>,
}

/// A row read before the 一级 of leading rows is known.
struct Pending {
    at: At,
    level1: Option<String>,
    level2: Option<String>,
    name: String,
    target: String,
    weight: Option<String>,
    direction: Option<String>,
}

/// Reads the rows after the header.
pub(crate) fn parse_indicators(header: &Header, rows: &[Row]) -> Table {
    let mut pending: Vec<Pending> = Vec::new();
    let mut errors = Vec::new();
    let mut level1: Option<String> = None;
    let mut level2: Option<String> = None;
    let mut end = End::RegionEnd;
    let mut last = None;
    let mut after_break = false;
    for row in rows {
        if row.is_blank() {
            after_break = true;
            continue;
        }
        let text = normalize(&row.joined());
        if is_footer(&text) || (after_break && !looks_like_indicator_row(row)) {
            end = End::Closed(row.at);
            break;
        }
        after_break = false;
        if is_indicator_header(row)
            || title_of(&text).is_some()
            || super::labels::is_year_line(&text)
        {
            continue; // the header or the title repeated, e.g. after a page break
        }
        last = Some(row.at);
        match read_row(header, row, &mut level1, &mut level2) {
            Ok(Some(read)) => pending.push(read),
            Ok(None) => {}
            Err(message) => errors.push((row.at, message)),
        }
    }
    let mut notes = Vec::new();
    let indicators = resolve_levels(pending, &mut errors, &mut notes);
    Table {
        indicators,
        errors,
        end,
        last,
        notes,
    }
}

/// After a blank line, does the table go on? Only with a row shaped like an indicator row.
fn looks_like_indicator_row(row: &Row) -> bool {
    let cells: Vec<String> = row.filled().map(|(_, cell)| normalize(cell)).collect();
    cells
        .iter()
        .any(|cell| is_level1(cell) || is_level2(cell) || cell == "绩效指标" || cell == "一级指标")
        || cells.len() == 2
}

fn read_row(
    header: &Header,
    row: &Row,
    level1: &mut Option<String>,
    level2: &mut Option<String>,
) -> Result<Option<Pending>, String> {
    let mut cells: Vec<&str> = Vec::new();
    let (mut weight, mut direction, mut sign, mut unit) = (None, None, None, None);
    for (column, cell) in row.filled() {
        let extra = if header.has_extras() {
            header.extra_at(column)
        } else {
            None
        };
        match extra {
            Some(Extra::Weight) => weight = Some(cell.to_string()),
            Some(Extra::Direction) => direction = Some(cell.to_string()),
            Some(Extra::Sign) => sign = Some(cell.to_string()),
            Some(Extra::Unit) => unit = Some(cell.to_string()),
            None => cells.push(cell),
        }
    }
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
    Ok(Some(Pending {
        at: row.at,
        level1: level1.clone(),
        level2: level2.clone(),
        name: name.to_string(),
        target: compose_target(sign.as_deref(), target, unit.as_deref()),
        weight,
        direction,
    }))
}

/// A target whose sign and unit have columns of their own, as the official form prints it:
/// `≥` `100.00` `项` → `≥100.00(项)`. A sign column holding a word (定性) adds nothing.
pub(crate) fn compose_target(sign: Option<&str>, value: &str, unit: Option<&str>) -> String {
    let sign = sign
        .map(str::trim)
        .filter(|sign| {
            sign.chars().all(|c| "≥≤=><＝＞＜≧≦".contains(c)) || matches!(*sign, ">=" | "<=")
        })
        .unwrap_or_default();
    let value = value.trim();
    match unit
        .map(str::trim)
        .filter(|unit| !unit.is_empty() && !value.ends_with(unit))
    {
        Some(unit) => format!("{sign}{value}({unit})"),
        None => format!("{sign}{value}"),
    }
}

/// Gives every row its 一级: carried from above, or, for rows before the first 一级, the one
/// their 二级 belongs under.
fn resolve_levels(
    pending: Vec<Pending>,
    errors: &mut Vec<(At, String)>,
    notes: &mut Vec<String>,
) -> Vec<Indicator> {
    let first_level1 = pending.iter().find_map(|row| row.level1.clone());
    let mut inferred = 0;
    let mut indicators = Vec::with_capacity(pending.len());
    for row in pending {
        let level1 = match (&row.level1, &row.level2) {
            (Some(level1), _) => level1.clone(),
            (None, Some(level2)) => {
                let parent = first_level1
                    .clone()
                    .filter(|level1| belongs_under(level1, level2))
                    .or_else(|| parent_of(level2));
                match parent {
                    Some(parent) => {
                        inferred += 1;
                        parent
                    }
                    None => {
                        errors.push((row.at, no_level1(&row.name)));
                        continue;
                    }
                }
            }
            (None, None) => {
                errors.push((row.at, no_level1(&row.name)));
                continue;
            }
        };
        let Some(level2) = row.level2 else {
            errors.push((
                row.at,
                format!(
                    "indicator {} has no 二级指标: name the 二级指标 of 一级 {level1} in this row ({})",
                    quote(&row.name),
                    level2_names(&level1).join(", ")
                ),
            ));
            continue;
        };
        indicators.push(Indicator {
            level1,
            level2,
            name: row.name,
            target: row.target,
            weight: row.weight,
            direction: row.direction,
        });
    }
    if inferred > 0 {
        notes.push(format!(
            "the first {inferred} indicator row(s) have no 一级指标; took the 一级 their 二级 belongs under"
        ));
    }
    indicators
}

/// The only 一级 a 二级 belongs under (成本指标 is ambiguous, so it has none here).
fn parent_of(level2: &str) -> Option<String> {
    let parents: Vec<&str> = level1_names()
        .into_iter()
        .filter(|level1| belongs_under(level1, level2))
        .collect();
    match parents.as_slice() {
        [only] => Some((*only).to_string()),
        _ => None,
    }
}

fn no_level1(name: &str) -> String {
    format!(
        "indicator {} has no 一级指标: the first indicator row of a form must name its 一级指标 ({})",
        quote(name),
        level1_names().join(", ")
    )
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
        crate::import::grid::rows_from(1, lines)
    }

    fn table(lines: &[&str]) -> Table {
        parse_indicators(&Header::default(), &rows(lines))
    }

    fn read(lines: &[&str]) -> Vec<[String; 4]> {
        let table = table(lines);
        assert_eq!(table.errors, vec![]);
        table
            .indicators
            .into_iter()
            .map(|i| [i.level1, i.level2, i.name, i.target])
            .collect()
    }

    fn errors(lines: &[&str]) -> Vec<(usize, String)> {
        table(lines)
            .errors
            .into_iter()
            .map(|(at, message)| (at.line, message))
            .collect()
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
            "|||里程|12公里",
            "|||不适用|本项目不适用此指标",
        ]);
        assert_eq!(got[0][3], "=0(起)");
        assert_eq!(got[1][3], "≥85%");
        assert_eq!(got[2][3], "12公里");
        assert_eq!(got[3][3], "本项目不适用此指标");
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
    fn an_empty_first_level1_is_taken_from_the_level2() {
        let table = table(&["|数量指标|甲|1", "||乙|2", "产出指标|质量指标|丙|3"]);
        assert_eq!(table.errors, vec![]);
        let levels: Vec<&str> = table.indicators.iter().map(|i| i.level1.as_str()).collect();
        assert_eq!(levels, ["产出指标", "产出指标", "产出指标"]);
        assert_eq!(table.notes.len(), 1);
        // 社会效益指标 belongs under 效益指标 only.
        let got = read(&["|社会效益指标|甲|1", "满意度指标|服务对象满意度指标|乙|2"]);
        assert_eq!(got[0][0], "效益指标");
    }

    #[test]
    fn weight_direction_sign_and_unit_columns_by_header() {
        let header = Header::read(
            &rows(&["一级指标|二级指标|三级指标|指标性质|指标值|度量单位|权重|指标方向性"])[0],
        );
        let table = parse_indicators(
            &header,
            &rows(&[
                "产出指标|数量指标|里程|≥|12|公里|20|正向指标",
                "||及时性|定性|及时||10|",
            ]),
        );
        assert_eq!(table.errors, vec![]);
        let first = &table.indicators[0];
        assert_eq!(first.target, "≥12(公里)");
        assert_eq!(first.weight.as_deref(), Some("20"));
        assert_eq!(first.direction.as_deref(), Some("正向指标"));
        assert_eq!(table.indicators[1].target, "及时");
        assert_eq!(table.indicators[1].direction, None);
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
        assert_eq!(lines, vec![3, 4, 1, 5], "{errors:#?}");
        assert!(errors[2].1.contains("no 一级指标"), "{}", errors[2].1);
        assert!(
            errors[0].1.contains("single cell `孤单`"),
            "{}",
            errors[0].1
        );
        assert!(errors[1].1.contains("3 cells"), "{}", errors[1].1);
        assert!(errors[3].1.contains("no 二级指标"), "{}", errors[3].1);
        assert!(errors[3].1.contains("经济效益指标"), "{}", errors[3].1);
    }

    #[test]
    fn a_repeated_header_row_is_skipped_and_footers_close_the_table() {
        let table = table(&[
            "产出指标|数量指标|甲|1",
            "|一级指标|二级指标|三级指标|年度(/项目)指标值|",
            "|||乙|2",
            "",
            "填报人：张三|联系电话：1234",
            "|||丙|3",
        ]);
        assert_eq!(table.indicators.len(), 2);
        assert_eq!(table.end, End::Closed(At { table: 0, line: 5 }));
        let other =
            super::tests::table(&["产出指标|数量指标|甲|1", "", "以上内容经单位负责人审核。"]);
        assert_eq!(other.end, End::Closed(At { table: 0, line: 3 }));
        assert_eq!(other.indicators.len(), 1);
    }
}
