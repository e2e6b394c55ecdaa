//! Aggregation: declarations grouped by year, with exact totals and breakdowns.
//!
//! Every total is a sum of `Decimal` amounts in 元. Grouping uses ordered maps so that the order
//! of years, categories and natures is the same on every build; work is linear in the number of
//! declarations.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{Declaration, QualitySettings, SiteConfig};
use crate::quality::{Assessed, YearQuality};
pub use departments::Department;

pub mod departments;

/// Label for a declaration whose 项目类别 or 项目性质 is not filled in.
pub const NOT_GIVEN: &str = "未填写";

/// The annual funding columns that are added up across declarations, in 元.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub count: usize,
    /// 年度资金申请总额
    pub annual: Decimal,
    /// 当年财政拨款
    pub appropriation: Decimal,
    /// 上年结转资金
    pub carryover: Decimal,
    /// 其他资金
    pub other: Decimal,
}

impl Totals {
    pub fn add(&mut self, declaration: &Declaration) {
        let funding = &declaration.funding;
        let yuan = |part: &Option<crate::money::Amount>| {
            part.as_ref().map_or(Decimal::ZERO, |amount| amount.yuan)
        };
        self.count += 1;
        self.annual += funding.annual.yuan;
        self.appropriation += yuan(&funding.appropriation);
        self.carryover += yuan(&funding.carryover);
        self.other += yuan(&funding.other);
    }
}

/// What the home page and the year navigation show for an archived year: its snapshot day and
/// the figures as archived (the year may no longer have sources at all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedMark {
    /// Snapshot day, `YYYY-MM-DD`.
    pub date: String,
    pub totals: Totals,
    /// Day of the latest amendment (`snapshot --amend`), when the year was corrected.
    pub corrected: Option<String>,
    /// Every declaration as the archive publishes it, for the project history of live pages.
    pub declarations: Arc<[ArchivedDeclaration]>,
}

/// One declaration of an archived year as its archive publishes it (read back from the
/// archive's `declarations.csv`): what a live page's project history shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedDeclaration {
    pub slug: String,
    /// 项目名称
    pub name: String,
    /// 主管部门
    pub department: String,
    /// 年度资金申请总额 in 元.
    pub annual: Decimal,
}

/// Totals of the declarations that share one label (a 项目类别, a 项目性质 or a 主管部门).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    pub label: String,
    pub totals: Totals,
}

/// One year of the site.
#[derive(Debug, Clone, Serialize)]
pub struct Year {
    pub year: u16,
    /// In slug order. Shared with `serve`'s load cache and its previous model, so a reload
    /// sorts and compares pointers.
    #[serde(serialize_with = "shared")]
    pub declarations: Vec<Arc<Declaration>>,
    pub totals: Totals,
    pub by_category: Vec<Group>,
    pub by_nature: Vec<Group>,
    pub by_department: Vec<Group>,
    /// The year's 主管部门, largest annual total first (ties by name).
    pub departments: Vec<Department>,
    /// The 绩效指标质量 report, when the site publishes it (`[quality] publish`).
    pub quality: Option<YearQuality>,
    /// The 更正记录 of an archived year, oldest first: set only when `snapshot --amend` renders
    /// the corrected year (a built site copies archived years, it does not render them).
    pub corrections: crate::corrections::YearCorrections,
}

impl Year {
    /// Whether the year page lists departments (each with its own pages) instead of every
    /// declaration: when there are several departments, or too many declarations for one page.
    pub fn by_departments(&self) -> bool {
        self.departments.len() > 1 || self.declarations.len() > departments::PAGE_ROWS
    }
}

/// The whole site, ready to render.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    pub config: SiteConfig,
    /// Oldest first.
    pub years: Vec<Year>,
}

impl Site {
    pub fn latest_year(&self) -> Option<&Year> {
        self.years.last()
    }

    pub fn declaration_count(&self) -> usize {
        self.years.iter().map(|year| year.declarations.len()).sum()
    }
}

/// Group declarations into years and compute totals.
pub fn aggregate(config: SiteConfig, declarations: Vec<Arc<Declaration>>) -> Site {
    aggregate_reusing(config, declarations, None)
}

/// [`aggregate`] for `serve`, taking the quality report of every declaration `previous` holds
/// unchanged (the same allocation) from it rather than assessing it again.
pub fn aggregate_reusing(
    config: SiteConfig,
    declarations: Vec<Arc<Declaration>>,
    previous: Option<&Site>,
) -> Site {
    let previous = previous.filter(|site| site.config.quality == config.quality);
    let mut by_year: BTreeMap<u16, Vec<Arc<Declaration>>> = BTreeMap::new();
    for declaration in declarations {
        by_year
            .entry(declaration.year)
            .or_default()
            .push(declaration);
    }
    let years = by_year
        .into_iter()
        .map(|(year, mut declarations)| {
            declarations.sort_by(|a, b| a.slug.cmp(&b.slug));
            let before = previous.and_then(|site| site.years.iter().find(|old| old.year == year));
            summarize_year(year, declarations, &config.quality, before)
        })
        .collect();
    Site { config, years }
}

fn summarize_year(
    year: u16,
    declarations: Vec<Arc<Declaration>>,
    quality: &QualitySettings,
    before: Option<&Year>,
) -> Year {
    let mut totals = Totals::default();
    let mut by_category: BTreeMap<String, Totals> = BTreeMap::new();
    let mut by_nature: BTreeMap<String, Totals> = BTreeMap::new();
    let mut by_department: BTreeMap<String, Totals> = BTreeMap::new();
    let label = |value: &Option<String>| value.clone().unwrap_or_else(|| NOT_GIVEN.to_string());
    for declaration in &declarations {
        totals.add(declaration);
        by_category
            .entry(label(&declaration.category))
            .or_default()
            .add(declaration);
        by_nature
            .entry(label(&declaration.nature))
            .or_default()
            .add(declaration);
        by_department
            .entry(declaration.department.clone())
            .or_default()
            .add(declaration);
    }
    let by_department = into_groups(by_department);
    let departments = departments::of(&declarations, &by_department);
    Year {
        year,
        quality: quality.publish.then(|| {
            let previous = before.and_then(|old| {
                Some(Assessed {
                    declarations: &old.declarations,
                    quality: old.quality.as_ref()?,
                })
            });
            YearQuality::of_reusing(year, &declarations, quality, previous)
        }),
        declarations,
        totals,
        by_category: into_groups(by_category),
        by_nature: into_groups(by_nature),
        by_department,
        departments,
        corrections: Default::default(),
    }
}

/// Shared declarations serialize as the declarations themselves (serde's `rc` feature would do
/// the same for every crate that uses serde, and rebuild them all).
fn shared<S: serde::Serializer>(
    declarations: &[Arc<Declaration>],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(declarations.iter().map(|declaration| &**declaration))
}

/// Largest annual amount first; ties by label, so the order is stable.
fn into_groups(groups: BTreeMap<String, Totals>) -> Vec<Group> {
    let mut groups: Vec<Group> = groups
        .into_iter()
        .map(|(label, totals)| Group { label, totals })
        .collect();
    groups.sort_by(|a, b| {
        b.totals
            .annual
            .cmp(&a.totals.annual)
            .then_with(|| a.label.cmp(&b.label))
    });
    groups
}
