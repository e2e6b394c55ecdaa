//! What templates see. Money arrives pre-formatted as in the forms (`1,800,000.00`) and also
//! as plain decimals (`…_yuan`, `1800000.00`) for templates that want to compute; markdown
//! arrives as sanitized HTML. Templates never format money themselves, so every page shows a
//! figure the same way.

use serde::Serialize;

use crate::markdown::to_safe_html;
use crate::model::{Declaration, Funding};
use crate::money::{Amount, format_yuan, plain_yuan};
use crate::quality::view::{
    DeclarationRow as QualityDeclarationRow, GroupRow as QualityGroupRow, QualityPageView,
};
use crate::site::{Department, Group, Totals, Year};

#[derive(Debug, Serialize)]
pub struct TotalsView {
    pub count: usize,
    pub annual: String,
    pub appropriation: String,
    pub carryover: String,
    pub other: String,
    pub annual_yuan: String,
}

impl From<&Totals> for TotalsView {
    fn from(totals: &Totals) -> Self {
        TotalsView {
            count: totals.count,
            annual: format_yuan(totals.annual),
            appropriation: format_yuan(totals.appropriation),
            carryover: format_yuan(totals.carryover),
            other: format_yuan(totals.other),
            annual_yuan: plain_yuan(totals.annual),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct GroupView {
    pub label: String,
    pub totals: TotalsView,
}

impl From<&Group> for GroupView {
    fn from(group: &Group) -> Self {
        GroupView {
            label: group.label.clone(),
            totals: TotalsView::from(&group.totals),
        }
    }
}

/// One row of the year table.
#[derive(Debug, Serialize)]
pub struct DeclarationRow {
    pub slug: String,
    pub name: String,
    pub department: String,
    pub category: Option<String>,
    pub nature: Option<String>,
    pub draft: bool,
    pub annual: String,
    pub appropriation: String,
    pub carryover: String,
    pub other: String,
}

fn shown_in_yuan(amount: &Option<Amount>) -> String {
    amount
        .as_ref()
        .map_or_else(|| "—".to_string(), |amount| format_yuan(amount.yuan))
}

impl From<&Declaration> for DeclarationRow {
    fn from(declaration: &Declaration) -> Self {
        let funding = &declaration.funding;
        DeclarationRow {
            slug: declaration.slug.clone(),
            name: declaration.name.clone(),
            department: declaration.department.clone(),
            category: declaration.category.clone(),
            nature: declaration.nature.clone(),
            draft: declaration.draft,
            annual: format_yuan(funding.annual.yuan),
            appropriation: shown_in_yuan(&funding.appropriation),
            carryover: shown_in_yuan(&funding.carryover),
            other: shown_in_yuan(&funding.other),
        }
    }
}

/// One row of a year's department list.
#[derive(Debug, Serialize)]
pub struct DepartmentRow {
    pub name: String,
    /// The department's first page, relative to the year folder.
    pub href: String,
    pub totals: TotalsView,
}

impl From<&Department> for DepartmentRow {
    fn from(department: &Department) -> Self {
        DepartmentRow {
            name: department.name.clone(),
            href: department.page_folder(1),
            totals: TotalsView::from(&department.totals),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct YearView {
    pub year: u16,
    /// Whether the year page lists departments (each with its own pages) rather than
    /// declarations.
    pub by_departments: bool,
    /// Every declaration, when the year page lists them; empty otherwise.
    pub declarations: Vec<DeclarationRow>,
    /// Every department, when the year page lists them; empty otherwise.
    pub departments: Vec<DepartmentRow>,
    pub totals: TotalsView,
    pub by_category: Vec<GroupView>,
    pub by_nature: Vec<GroupView>,
    pub by_department: Vec<GroupView>,
}

impl YearView {
    /// The figures only (for the home page).
    pub fn summary(year: &Year) -> Self {
        let groups = |groups: &[Group]| groups.iter().map(GroupView::from).collect();
        YearView {
            year: year.year,
            by_departments: year.by_departments(),
            declarations: Vec::new(),
            departments: Vec::new(),
            totals: TotalsView::from(&year.totals),
            by_category: groups(&year.by_category),
            by_nature: groups(&year.by_nature),
            by_department: groups(&year.by_department),
        }
    }

    /// The figures and the year page's list.
    pub fn full(year: &Year) -> Self {
        let mut view = YearView::summary(year);
        if view.by_departments {
            view.departments = year.departments.iter().map(DepartmentRow::from).collect();
        } else {
            view.declarations = year
                .declarations
                .iter()
                .map(|declaration| DeclarationRow::from(&**declaration))
                .collect();
        }
        view
    }
}

/// A link to one page of a department's list.
#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: usize,
    /// Relative to the page that links it.
    pub href: String,
    pub current: bool,
}

/// One page of a department's declarations.
#[derive(Debug, Serialize)]
pub struct DepartmentView {
    pub name: String,
    pub totals: TotalsView,
    pub declarations: Vec<DeclarationRow>,
    /// 1-based.
    pub number: usize,
    /// Every page of the list; empty when it fits on one.
    pub pages: Vec<PageLink>,
    /// The relative path from this page to its year folder.
    pub year_root: String,
}

impl DepartmentView {
    pub fn new(year: &Year, department: &Department, number: usize) -> Self {
        let year_root = "../".repeat(department.page_folder(number).matches('/').count());
        let count = department.page_count();
        let pages = match count {
            1 => Vec::new(),
            _ => (1..=count)
                .map(|other| PageLink {
                    number: other,
                    href: format!("{year_root}{}", department.page_folder(other)),
                    current: other == number,
                })
                .collect(),
        };
        let rows = department.page(number).iter();
        DepartmentView {
            name: department.name.clone(),
            totals: TotalsView::from(&department.totals),
            declarations: rows
                .filter_map(|&index| year.declarations.get(index))
                .map(|declaration| DeclarationRow::from(&**declaration))
                .collect(),
            number,
            pages,
            year_root,
        }
    }
}

/// The funding block as printed on the form, in the form's unit; `None` where the form is blank.
#[derive(Debug, Serialize)]
pub struct FundingView {
    pub unit: &'static str,
    pub total: Option<String>,
    pub total_fiscal: Option<String>,
    pub total_other: Option<String>,
    pub annual: String,
    pub appropriation: Option<String>,
    pub carryover: Option<String>,
    pub other: Option<String>,
}

impl From<&Funding> for FundingView {
    fn from(funding: &Funding) -> Self {
        let shown = |amount: &Option<Amount>| amount.as_ref().map(Amount::display_in_unit);
        FundingView {
            unit: funding.unit.label(),
            total: shown(&funding.total),
            total_fiscal: shown(&funding.total_fiscal),
            total_other: shown(&funding.total_other),
            annual: funding.annual.display_in_unit(),
            appropriation: shown(&funding.appropriation),
            carryover: shown(&funding.carryover),
            other: shown(&funding.other),
        }
    }
}

/// One indicator row of the form. A level cell is drawn only on the first row of its run of
/// equal values (`*_rowspan` > 0), spanning the run, like the merged cells of the paper form.
#[derive(Debug, Serialize)]
pub struct IndicatorRow {
    pub level1: String,
    pub level1_rowspan: usize,
    pub level1_id: String,
    pub level2: String,
    pub level2_rowspan: usize,
    pub level2_id: String,
    pub name: String,
    pub name_id: String,
    pub target: String,
    /// 权重 and 指标方向性, empty where the form has none.
    pub weight: String,
    pub direction: String,
}

/// Rows with rowspans: runs of equal 一级, and within them runs of equal 二级.
pub fn indicator_rows(declaration: &Declaration) -> Vec<IndicatorRow> {
    let indicators = &declaration.indicators;
    let mut rows: Vec<IndicatorRow> = Vec::with_capacity(indicators.len());
    let (mut level1_start, mut level2_start) = (0, 0);
    for (index, indicator) in indicators.iter().enumerate() {
        let new_level1 = index == 0 || indicators[index - 1].level1 != indicator.level1;
        let new_level2 = new_level1 || indicators[index - 1].level2 != indicator.level2;
        if new_level1 {
            level1_start = index;
        }
        if new_level2 {
            level2_start = index;
        }
        rows.push(IndicatorRow {
            level1: indicator.level1.clone(),
            level1_rowspan: usize::from(new_level1),
            level1_id: format!("l1-{}", level1_start + 1),
            level2: indicator.level2.clone(),
            level2_rowspan: usize::from(new_level2),
            level2_id: format!("l2-{}", level2_start + 1),
            name: indicator.name.clone(),
            name_id: format!("ind-{}", index + 1),
            target: indicator.target_text.clone(),
            weight: indicator.weight.clone().unwrap_or_default(),
            direction: indicator.direction.clone().unwrap_or_default(),
        });
        rows[level1_start].level1_rowspan = index - level1_start + 1;
        rows[level2_start].level2_rowspan = index - level2_start + 1;
    }
    rows
}

#[derive(Debug, Serialize)]
pub struct DeclarationView {
    pub slug: String,
    pub year: u16,
    pub name: String,
    pub nature: Option<String>,
    pub category: Option<String>,
    pub department: String,
    pub implementer: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub draft: bool,
    pub funding: FundingView,
    pub overall_goal_html: Option<String>,
    pub overall_period: Option<String>,
    pub annual_goal_html: Option<String>,
    pub indicators: Vec<IndicatorRow>,
    /// 主管部门代码 and 项目期, where the form gives them.
    pub department_code: Option<String>,
    pub period: Option<String>,
    /// Whether any indicator has a 权重 / 指标方向性: the table shows those columns only then.
    pub has_weight: bool,
    pub has_direction: bool,
    /// 年度资金申请总额 in 元, for summaries.
    pub annual_yuan_shown: String,
}

impl From<&Declaration> for DeclarationView {
    fn from(declaration: &Declaration) -> Self {
        let goals = &declaration.goals;
        let html = |markdown: &Option<String>| markdown.as_deref().map(to_safe_html);
        DeclarationView {
            slug: declaration.slug.clone(),
            year: declaration.year,
            name: declaration.name.clone(),
            nature: declaration.nature.clone(),
            category: declaration.category.clone(),
            department: declaration.department.clone(),
            implementer: declaration.implementer.clone(),
            start: declaration.start.map(|date| date.to_string()),
            end: declaration.end.map(|date| date.to_string()),
            draft: declaration.draft,
            funding: FundingView::from(&declaration.funding),
            overall_goal_html: html(&goals.overall),
            overall_period: goals.overall_period.clone(),
            annual_goal_html: html(&goals.annual),
            indicators: indicator_rows(declaration),
            department_code: declaration.department_code.clone(),
            period: declaration.period.clone(),
            has_weight: declaration.indicators.iter().any(|i| i.weight.is_some()),
            has_direction: declaration.indicators.iter().any(|i| i.direction.is_some()),
            annual_yuan_shown: format_yuan(declaration.funding.annual.yuan),
        }
    }
}

/// The year's 绩效指标质量 report page. Where the year lists departments, the page lists them,
/// each linked to its own page of rows, instead of every declaration.
pub fn quality_page(year: &Year) -> Option<QualityPageView> {
    let report = year.quality.as_ref()?;
    let mut view = QualityPageView::from(report);
    if year.by_departments() {
        view.declarations.clear();
        for row in &mut view.departments {
            let department = year.departments.iter().find(|d| d.name == row.label);
            row.href = department.map(|department| format!("{}/", department.slug));
        }
    }
    Some(view)
}

/// One page of a department's rows in the 绩效指标质量 report.
#[derive(Debug, Serialize)]
pub struct QualityDepartmentView {
    pub year: u16,
    pub name: String,
    pub totals: Option<QualityGroupRow>,
    pub declarations: Vec<QualityDeclarationRow>,
    pub number: usize,
    pub pages: Vec<PageLink>,
    /// The relative path from this page to its year folder.
    pub year_root: String,
}

impl QualityDepartmentView {
    pub fn new(year: &Year, department: &Department, number: usize) -> Self {
        let folder = |other| department.page_folder_in("quality", other);
        let year_root = "../".repeat(folder(number).matches('/').count());
        let count = department.page_count();
        let pages = match count {
            1 => Vec::new(),
            _ => (1..=count)
                .map(|other| PageLink {
                    number: other,
                    href: format!("{year_root}{}", folder(other)),
                    current: other == number,
                })
                .collect(),
        };
        let report = year.quality.as_ref();
        let totals = report
            .and_then(|report| {
                report
                    .departments
                    .iter()
                    .find(|d| d.department == department.name)
            })
            .map(|found| QualityGroupRow::of(&found.department, &found.totals));
        let declarations = department
            .page(number)
            .iter()
            .filter_map(|&index| year.declarations.get(index))
            .filter_map(|declaration| report?.declaration(&declaration.slug))
            .map(QualityDeclarationRow::from)
            .collect();
        QualityDepartmentView {
            year: year.year,
            name: department.name.clone(),
            totals,
            declarations,
            number,
            pages,
            year_root,
        }
    }
}
