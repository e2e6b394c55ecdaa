//! Flat indicator lists: a header row naming the columns (项目名称 … 一级指标 二级指标 三级指标
//! 指标性质 指标值 度量单位 权重 指标方向性), then one row per indicator. A project's fields are
//! on its first row only; a department may be a row of its own (`310001-单位名`) or a column
//! given once; subtotal rows (小计, 合计) are skipped. Every column is found by its header, never
//! by position.

use super::fields::quote;
use super::form::{Declaration, FormFailure, Funding, Options, split_code};
use super::goals::Goals;
use super::grid::{At, Row, normalize};
use super::indicators::{Indicator, compose_target};
use super::labels::{stated_unit, year_in};
use super::locate::{Region, is_flat_header};
use super::markdown::goal_markdown;
use crate::levels::{is_level1, is_level2, level1_names};
use crate::money::{Unit, amount_from_text};
use std::collections::BTreeMap;

/// What a column of the list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Column {
    Name,
    Year,
    Department,
    DepartmentCode,
    Implementer,
    Nature,
    Category,
    Period,
    Start,
    End,
    Total,
    TotalFiscal,
    TotalOther,
    Annual,
    Appropriation,
    Carryover,
    Other,
    OverallGoal,
    AnnualGoal,
    Level1,
    Level2,
    Level3,
    Sign,
    Value,
    Unit,
    Weight,
    Direction,
}

fn column_of(header: &str) -> Option<Column> {
    let header = normalize(header);
    let base = header
        .split('(')
        .next()
        .unwrap_or(&header)
        .trim_start_matches("其中：");
    Some(match base {
        "项目名称" => Column::Name,
        "年度" | "申报年度" | "预算年度" => Column::Year,
        "主管部门"
        | "主管部门及代码"
        | "部门"
        | "部门名称"
        | "单位名称"
        | "预算单位"
        | "预算部门" => Column::Department,
        "部门代码" | "部门编码" | "单位代码" | "单位编码" => Column::DepartmentCode,
        "实施单位" => Column::Implementer,
        "项目性质" | "项目属性" => Column::Nature,
        "项目类别" | "项目类型" => Column::Category,
        "项目期" | "项目期限" => Column::Period,
        "计划开始日期" => Column::Start,
        "计划完成日期" => Column::End,
        "项目资金总额" | "中期资金总额" => Column::Total,
        "财政资金" => Column::TotalFiscal,
        "年度资金申请总额" | "年度资金总额" | "资金总额" | "预算金额" | "项目金额" | "申请金额" => {
            Column::Annual
        }
        "当年财政拨款" | "财政拨款" => Column::Appropriation,
        "上年结转资金" | "上年结转" => Column::Carryover,
        "其他资金" => Column::Other,
        "项目总目标" | "中期目标" => Column::OverallGoal,
        "年度总体目标" | "年度目标" | "年度绩效目标" | "绩效目标" => {
            Column::AnnualGoal
        }
        "一级指标" => Column::Level1,
        "二级指标" => Column::Level2,
        "三级指标" | "指标名称" => Column::Level3,
        "指标性质" | "指标符号" => Column::Sign,
        "指标值" | "年度指标值" | "年度(/项目)指标值" | "目标值" => Column::Value,
        "度量单位" | "计量单位" => Column::Unit,
        "权重" | "指标权重" => Column::Weight,
        "指标方向性" | "指标方向" => Column::Direction,
        _ => return None,
    })
}

/// One project's rows read so far.
#[derive(Default)]
struct Project {
    at: At,
    fields: BTreeMap<Column, String>,
    indicators: Vec<Indicator>,
    errors: Vec<(At, String)>,
    level1: Option<String>,
    level2: Option<String>,
}

/// Every project of the list, each a declaration or why it is not one.
pub(crate) fn read_flat_list(
    region: &Region,
    options: Options<'_>,
) -> Vec<(At, Result<Declaration, FormFailure>)> {
    let Some(header_index) = region.rows.iter().position(is_flat_header) else {
        return Vec::new();
    };
    let header = &region.rows[header_index];
    let columns = header_columns(header);
    let before = region.rows.get(..header_index).unwrap_or_default();
    let mut notes = Vec::new();
    let unit = list_unit(header, before, options, &mut notes);
    let year =
        year_in(&region.title).or_else(|| before.iter().find_map(|row| year_in(&row.joined())));
    let mut reading = Reading::default();
    for row in region.rows.get(header_index + 1..).unwrap_or_default() {
        reading.add(row, &columns);
    }
    reading
        .projects
        .into_iter()
        .map(|project| {
            let at = project.at;
            (at, finish(project, year, unit.as_deref(), &notes))
        })
        .collect()
}

/// The header's columns that name something the list is read for, by column index.
fn header_columns(header: &Row) -> Vec<(usize, Column)> {
    let mut columns: Vec<(usize, Column)> = header
        .filled()
        .filter_map(|(column, text)| Some((column, column_of(text)?)))
        .collect();
    // 其他资金 left of the 年度资金申请总额 column is the multi-year one, as on the form.
    if let Some(annual) = columns
        .iter()
        .find(|(_, kind)| *kind == Column::Annual)
        .map(|(c, _)| *c)
    {
        for (column, kind) in &mut columns {
            if *kind == Column::Other && *column < annual {
                *kind = Column::TotalOther;
            }
        }
    }
    columns
}

/// The unit the header or the lines above it state, else `--unit` (with a note), else none.
fn list_unit(
    header: &Row,
    before: &[Row],
    options: Options<'_>,
    notes: &mut Vec<String>,
) -> Option<String> {
    let stated = header
        .filled()
        .chain(before.iter().flat_map(Row::filled))
        .find_map(|(_, text)| stated_unit(text))
        .map(str::to_string);
    if stated.is_some() {
        return stated;
    }
    let given = options.unit?;
    notes.push(format!("the list prints no unit; {given} from --unit"));
    Some(given.to_string())
}

/// The projects of a list as its rows are read: a row with a new 项目名称 starts one, and a
/// department row names the department of the rows below it.
#[derive(Default)]
struct Reading {
    projects: Vec<Project>,
    department: Option<String>,
}

impl Reading {
    fn add(&mut self, row: &Row, columns: &[(usize, Column)]) {
        if row.is_blank() {
            return;
        }
        let cells: BTreeMap<Column, String> = row
            .filled()
            .filter_map(|(column, text)| {
                let (_, kind) = columns.iter().find(|(header, _)| *header == column)?;
                Some((*kind, text.to_string()))
            })
            .collect();
        let joined = normalize(&row.joined());
        if ["小计", "合计", "总计"]
            .iter()
            .any(|word| joined.contains(word))
            && !cells.contains_key(&Column::Level3)
        {
            return;
        }
        if cells.is_empty()
            || (!cells.contains_key(&Column::Name) && !cells.contains_key(&Column::Level3))
        {
            // A department row (`310001-单位名`): it names the department of the rows below.
            if let Some(text) = cells
                .get(&Column::Department)
                .cloned()
                .or_else(|| (row.filled().count() == 1).then(|| row.joined()))
            {
                self.department = Some(text);
            }
            return;
        }
        if let Some(name) = cells.get(&Column::Name) {
            let starts_new = self
                .projects
                .last()
                .is_none_or(|project| project.fields.get(&Column::Name) != Some(name));
            if starts_new {
                self.projects.push(Project {
                    at: row.at,
                    ..Project::default()
                });
            }
        }
        let Some(project) = self.projects.last_mut() else {
            return;
        };
        if let Some(text) = cells.get(&Column::Department) {
            self.department = Some(text.clone());
        }
        for (kind, text) in &cells {
            if *kind < Column::Level1 {
                project.fields.entry(*kind).or_insert_with(|| text.clone());
            }
        }
        if let Some(department) = &self.department {
            project
                .fields
                .entry(Column::Department)
                .or_insert_with(|| department.clone());
        }
        read_indicator(project, row.at, &cells);
    }
}

fn read_indicator(project: &mut Project, at: At, cells: &BTreeMap<Column, String>) {
    if let Some(level1) = cells.get(&Column::Level1) {
        if project.level1.as_ref() != Some(level1) {
            project.level2 = None;
        }
        project.level1 = Some(normalize(level1));
    }
    if let Some(level2) = cells.get(&Column::Level2) {
        project.level2 = Some(normalize(level2));
    }
    let Some(name) = cells.get(&Column::Level3) else {
        return;
    };
    let value = cells
        .get(&Column::Value)
        .map(String::as_str)
        .unwrap_or_default();
    if value.is_empty() {
        project.errors.push((
            at,
            format!(
                "indicator {} has no 指标值; fill it in or delete the row",
                quote(name)
            ),
        ));
        return;
    }
    let (Some(level1), Some(level2)) = (project.level1.clone(), project.level2.clone()) else {
        project.errors.push((
            at,
            format!(
                "indicator {} has no 一级指标 or 二级指标 in its row or the rows above it ({})",
                quote(name),
                level1_names().join(", ")
            ),
        ));
        return;
    };
    if !is_level1(&level1) || !is_level2(&level2) {
        project.errors.push((
            at,
            format!(
                "indicator {}: {} / {} are not a 一级指标 and a 二级指标 of the framework",
                quote(name),
                quote(&level1),
                quote(&level2)
            ),
        ));
        return;
    }
    project.indicators.push(Indicator {
        level1,
        level2,
        name: name.clone(),
        target: compose_target(
            cells.get(&Column::Sign).map(String::as_str),
            value,
            cells.get(&Column::Unit).map(String::as_str),
        ),
        weight: cells.get(&Column::Weight).cloned(),
        direction: cells.get(&Column::Direction).cloned(),
    });
}

fn finish(
    project: Project,
    year: Option<i32>,
    unit: Option<&str>,
    notes: &[String],
) -> Result<Declaration, FormFailure> {
    let Project {
        at,
        fields,
        indicators,
        mut errors,
        ..
    } = project;
    let field = |kind| fields.get(&kind).cloned();
    let name = field(Column::Name);
    let year = year.or_else(|| {
        field(Column::Year)
            .and_then(|text| year_in(&format!("{}年", text.trim_end_matches(['年', '度']))))
    });
    let department = field(Column::Department);
    let annual = field(Column::Annual);
    let found = Found {
        at,
        fields: &fields,
        year,
        unit,
    };
    errors.extend(found.missing());
    errors.extend(found.bad_amounts());
    if !indicators.iter().any(|i| i.level1 == "效益指标") && !indicators.is_empty() {
        // A list is cut off like a form: every project declares outcomes.
        let shown = name.as_deref().unwrap_or("this project");
        let rows = indicators.len();
        let message = format!(
            "the indicators of {shown} end after {rows} row(s) without any 效益指标; the list is cut off: import the complete list"
        );
        errors.push((at, message));
    }
    errors.extend(found.bad_dates());
    if !errors.is_empty() {
        errors.sort_by_key(|(at, _)| *at);
        return Err(FormFailure { name, errors });
    }
    let (code, department) = split_code(&department.unwrap_or_default());
    let goal = |kind| {
        field(kind)
            .map(|text| goal_markdown(&[text]))
            .unwrap_or_default()
    };
    Ok(Declaration {
        name: name.unwrap_or_default(),
        year: year.unwrap_or_default(),
        nature: field(Column::Nature),
        category: field(Column::Category),
        department,
        department_code: code.or(field(Column::DepartmentCode)),
        implementer: field(Column::Implementer),
        start: field(Column::Start),
        end: field(Column::End),
        period: field(Column::Period),
        funding: Funding {
            unit: unit.unwrap_or("元").to_string(),
            total: field(Column::Total),
            total_fiscal: field(Column::TotalFiscal),
            total_other: field(Column::TotalOther),
            annual: annual.unwrap_or_default(),
            appropriation: field(Column::Appropriation),
            carryover: field(Column::Carryover),
            other: field(Column::Other),
        },
        goals: Goals {
            overall: goal(Column::OverallGoal),
            overall_period: String::new(),
            annual: goal(Column::AnnualGoal),
        },
        indicators,
        notes: notes.to_vec(),
    })
}

/// What a project's rows gave, for the checks of [`finish`].
struct Found<'a> {
    at: At,
    fields: &'a BTreeMap<Column, String>,
    year: Option<i32>,
    unit: Option<&'a str>,
}

impl Found<'_> {
    /// The year, 主管部门 and 年度资金申请总额 every declaration needs.
    fn missing(&self) -> Vec<(At, String)> {
        let mut errors = Vec::new();
        if self.year.is_none() {
            errors.push("no year: neither the title, the lines above the header nor a 年度 column gives the year (e.g. `2023年项目支出绩效目标表`)");
        }
        if !self.fields.contains_key(&Column::Department) {
            errors.push(
                "no 主管部门: the list has no 主管部门 column and no department row above this project",
            );
        }
        if !self.fields.contains_key(&Column::Annual) {
            errors.push("no 年度资金申请总额: the project's first row has no amount in the 年度资金申请总额 column");
        }
        errors
            .into_iter()
            .map(|message| (self.at, message.to_string()))
            .collect()
    }

    /// Amounts that are not numbers in the list's unit, or no unit at all.
    fn bad_amounts(&self) -> Vec<(At, String)> {
        let Some(unit) = self.unit.and_then(Unit::parse) else {
            let message = "the list does not say the unit of its amounts (no `金额单位：万元` above it, no `（万元）` in a column header); pass --unit 元 or --unit 万元";
            return vec![(self.at, message.to_string())];
        };
        let amounts = [
            Column::Total,
            Column::TotalFiscal,
            Column::TotalOther,
            Column::Annual,
            Column::Appropriation,
            Column::Carryover,
            Column::Other,
        ];
        amounts
            .iter()
            .filter_map(|kind| self.fields.get(kind))
            .filter_map(|text| amount_from_text(text, unit).err())
            .map(|problem| (self.at, problem.to_string()))
            .collect()
    }

    /// Dates are written as TOML date literals, so only a real YYYY-MM-DD may pass (as in
    /// forms).
    fn bad_dates(&self) -> Vec<(At, String)> {
        [
            (Column::Start, "项目开始日期"),
            (Column::End, "项目结束日期"),
        ]
        .iter()
        .filter_map(|(kind, label)| {
            let date = self.fields.get(kind)?;
            (!super::form::is_date(date)).then(|| {
                let message = format!(
                    "{label} is {date:?}, not a date written YYYY-MM-DD; write it like 2023-01-01"
                );
                (self.at, message)
            })
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::grid::rows_from;
    use crate::import::locate::Kind;

    fn region(lines: &[&str]) -> Region {
        Region {
            kind: Kind::FlatList,
            title: "2023年项目支出绩效目标表".into(),
            at: At { table: 0, line: 1 },
            rows: rows_from(2, lines),
        }
    }

    #[test]
    fn projects_departments_subtotals_and_composed_targets() {
        let got = read_flat_list(
            &region(&[
                "金额单位：万元",
                "主管部门|项目名称|年度资金申请总额|年度目标|一级指标|二级指标|三级指标|指标性质|指标值|度量单位|权重|指标方向性",
                "310001-某区交通委|||||||||||",
                "|公路养护|10606.7522|养护公路。|产出指标|数量指标|养护里程|≥|12|公里|20|正向指标",
                "||||||及时性|定性|及时||10|",
                "||||效益指标|社会效益指标|通行条件|=|100|%|20|正向指标",
                "小计||10606.7522|||||||||",
                "|桥梁检测|5|检测桥梁。|效益指标|社会效益指标|安全|=|0|起||反向指标",
            ]),
            Options::default(),
        );
        assert_eq!(got.len(), 2);
        let first = got[0].1.as_ref().expect("reads");
        assert_eq!(first.name, "公路养护");
        assert_eq!(first.year, 2023);
        assert_eq!(first.department, "某区交通委");
        assert_eq!(first.department_code.as_deref(), Some("310001"));
        assert_eq!(first.funding.unit, "万元");
        assert_eq!(first.funding.annual, "10606.7522");
        assert_eq!(first.goals.annual, "养护公路。");
        let targets: Vec<&str> = first.indicators.iter().map(|i| i.target.as_str()).collect();
        assert_eq!(targets, ["≥12(公里)", "及时", "=100(%)"]);
        assert_eq!(first.indicators[1].level2, "数量指标");
        assert_eq!(first.indicators[0].weight.as_deref(), Some("20"));
        let second = got[1].1.as_ref().expect("reads");
        assert_eq!(second.department, "某区交通委");
        assert_eq!(second.indicators[0].direction.as_deref(), Some("反向指标"));
        assert_eq!(got[1].0.line, 9);
    }

    #[test]
    fn a_list_without_unit_or_year_is_an_error_naming_the_project() {
        let mut list = region(&[
            "主管部门|项目名称|年度资金申请总额|一级指标|二级指标|三级指标|指标值",
            "甲|乙|1|效益指标|社会效益指标|丙|1",
        ]);
        list.title = "项目绩效目标表".into();
        let got = read_flat_list(&list, Options::default());
        let failure = got[0].1.as_ref().expect_err("refused");
        assert_eq!(failure.name.as_deref(), Some("乙"));
        let messages: Vec<&str> = failure.errors.iter().map(|(_, m)| m.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.starts_with("no year")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("--unit")),
            "{messages:?}"
        );
        let with_unit = read_flat_list(
            &region(&[
                "主管部门|项目名称|年度资金申请总额|一级指标|二级指标|三级指标|指标值",
                "甲|乙|1|效益指标|社会效益指标|丙|1",
            ]),
            Options {
                unit: Some("元"),
                ..Options::default()
            },
        );
        assert!(with_unit[0].1.is_ok());
    }
}
