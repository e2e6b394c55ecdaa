//! A project across years: declarations with the same 项目名称 and 主管部门 in different years are
//! one project, so each of its pages links to its other years and says how its
//! 年度资金申请总额 changed since the previous one.
//!
//! One pass over the site builds a map keyed by (name, department); looking a declaration up is
//! then constant time, so the work is linear in the number of declarations.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::model::Declaration;
use crate::money::format_yuan;
use crate::site::{ArchivedMark, Site};

/// One year in which the project was declared.
#[derive(Debug, Clone, Serialize)]
pub struct YearEntry {
    pub year: u16,
    pub slug: String,
    /// 年度资金申请总额 in 元, formatted as in the forms.
    pub annual: String,
    /// This entry is the page being rendered.
    pub current: bool,
    #[serde(skip)]
    annual_yuan: Decimal,
}

/// The change of 年度资金申请总额 from the previous year the project was declared.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub from_year: u16,
    pub from_annual: String,
    /// `增加`, `减少` or `持平`.
    pub direction: &'static str,
    /// The absolute difference in 元, formatted.
    pub difference: String,
    /// Signed percentage with two decimals (`+12.50%`); none when the previous amount was 0.
    pub percent: Option<String>,
}

/// What a declaration page shows about the project's other years.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    /// Every year the project was declared, oldest first, including the current one.
    pub years: Vec<YearEntry>,
    pub change: Option<Change>,
}

/// One year of a project, from a live declaration or from an archive's published table.
#[derive(Debug, Clone, Copy)]
struct ProjectYear<'s> {
    year: u16,
    slug: &'s str,
    annual_yuan: Decimal,
}

/// (项目名称, 主管部门): what makes declarations of different years one project.
type Identity<'s> = (&'s str, &'s str);

/// Every project's years, keyed by (项目名称, 主管部门).
#[derive(Debug, Default)]
pub struct History<'s> {
    by_project: HashMap<Identity<'s>, Vec<ProjectYear<'s>>>,
}

impl<'s> History<'s> {
    /// Group the site's declarations and the archived years' published ones. An archived year
    /// counts as its archive publishes it, even when the site still holds its sources. Years
    /// are visited oldest first, so each group is in year order.
    pub fn of(site: &'s Site, archived: &'s BTreeMap<u16, ArchivedMark>) -> History<'s> {
        let mut years: BTreeMap<u16, Vec<(Identity, ProjectYear)>> = BTreeMap::new();
        for year in site
            .years
            .iter()
            .filter(|y| !archived.contains_key(&y.year))
        {
            let entries = year.declarations.iter().map(|declaration| {
                let entry = ProjectYear {
                    year: year.year,
                    slug: &declaration.slug,
                    annual_yuan: declaration.funding.annual.yuan,
                };
                (declaration.identity(), entry)
            });
            years.entry(year.year).or_default().extend(entries);
        }
        for (&year, mark) in archived {
            let entries = mark.declarations.iter().map(|published| {
                let entry = ProjectYear {
                    year,
                    slug: &published.slug,
                    annual_yuan: published.annual,
                };
                ((&*published.name, &*published.department), entry)
            });
            years.entry(year).or_default().extend(entries);
        }
        let mut by_project: HashMap<Identity, Vec<ProjectYear>> = HashMap::new();
        for (identity, entry) in years.into_values().flatten() {
            by_project.entry(identity).or_default().push(entry);
        }
        History { by_project }
    }

    /// The history of `declaration`, if the project appears in more than one year.
    pub fn view(&self, declaration: &Declaration) -> Option<HistoryView> {
        let group = self.by_project.get(&declaration.identity())?;
        if group.len() < 2 {
            return None;
        }
        let years: Vec<YearEntry> = group
            .iter()
            .map(|other| YearEntry {
                year: other.year,
                slug: other.slug.to_string(),
                annual: format_yuan(other.annual_yuan),
                current: other.year == declaration.year && other.slug == declaration.slug,
                annual_yuan: other.annual_yuan,
            })
            .collect();
        let position = years.iter().position(|entry| entry.current)?;
        let change = position
            .checked_sub(1)
            .and_then(|previous| years.get(previous))
            .map(|previous| change(previous, &years[position]));
        Some(HistoryView { years, change })
    }
}

fn change(previous: &YearEntry, current: &YearEntry) -> Change {
    let difference = current.annual_yuan - previous.annual_yuan;
    let direction = match difference.cmp(&Decimal::ZERO) {
        std::cmp::Ordering::Greater => "增加",
        std::cmp::Ordering::Less => "减少",
        std::cmp::Ordering::Equal => "持平",
    };
    let percent = (difference * Decimal::ONE_HUNDRED)
        .checked_div(previous.annual_yuan)
        .filter(|_| !previous.annual_yuan.is_zero())
        .map(|ratio| {
            let rounded = ratio.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            let sign = if rounded.is_sign_positive() && !rounded.is_zero() {
                "+"
            } else {
                ""
            };
            format!("{sign}{rounded:.2}%")
        });
    Change {
        from_year: previous.year,
        from_annual: previous.annual.clone(),
        direction,
        difference: format_yuan(difference.abs()),
        percent,
    }
}
