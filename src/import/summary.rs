//! What `import --dry-run` says about each form: name, year, unit, amounts, indicator count and
//! anything unusual, or why it cannot be read.

use super::form::{Declaration, FormFailure};
use super::grid::{Document, Place};
use std::fmt;

/// One form of a run, as a dry run lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormSummary {
    /// 1-based position of the form in its file.
    pub number: usize,
    /// Where the form starts (`line 3`, `sheet 申报表, row 2`).
    pub place: String,
    pub name: Option<String>,
    pub year: Option<i32>,
    pub unit: Option<String>,
    /// (label, amount as printed) for every amount the form gives.
    pub amounts: Vec<(&'static str, String)>,
    pub indicators: usize,
    /// Unusual things about the form.
    pub notes: Vec<String>,
    /// Why the form cannot be read (empty when it can).
    pub errors: Vec<String>,
}

impl FormSummary {
    pub(crate) fn of(number: usize, place: &Place, declaration: &Declaration) -> FormSummary {
        let funding = &declaration.funding;
        let amounts = [
            ("项目资金总额", &funding.total),
            ("年度资金申请总额", &Some(funding.annual.clone())),
            ("当年财政拨款", &funding.appropriation),
            ("上年结转资金", &funding.carryover),
            ("其他资金", &funding.other),
        ]
        .into_iter()
        .filter_map(|(label, amount)| Some((label, amount.clone()?)))
        .collect();
        FormSummary {
            number,
            place: place.to_string(),
            name: Some(declaration.name.clone()),
            year: Some(declaration.year),
            unit: Some(funding.unit.clone()),
            amounts,
            indicators: declaration.indicators.len(),
            notes: declaration.notes.clone(),
            errors: Vec::new(),
        }
    }

    pub(crate) fn failed(
        number: usize,
        place: &Place,
        failure: &FormFailure,
        document: &Document,
    ) -> FormSummary {
        FormSummary {
            number,
            place: place.to_string(),
            name: failure.name.clone(),
            year: None,
            unit: None,
            amounts: Vec::new(),
            indicators: 0,
            notes: Vec::new(),
            errors: failure
                .errors
                .iter()
                .map(|(at, message)| format!("{}: {message}", document.place(*at)))
                .collect(),
        }
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

impl fmt::Display for FormSummary {
    /// `form 1 (line 3): 学术交流与发展项目 · 2023年度 · 元 · 年度资金申请总额 1,800,000.00 … · 9 indicators`,
    /// then a line per note or error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name.as_deref().unwrap_or("(项目名称 not read)");
        write!(f, "form {} ({}): {name}", self.number, self.place)?;
        if self.is_ok() {
            if let Some(year) = self.year {
                write!(f, " · {year}年度")?;
            }
            if let Some(unit) = &self.unit {
                write!(f, " · {unit}")?;
            }
            for (label, amount) in &self.amounts {
                write!(f, " · {label} {amount}")?;
            }
            write!(f, " · {} indicators", self.indicators)?;
        } else {
            write!(f, " · CANNOT BE READ")?;
        }
        for note in &self.notes {
            write!(f, "\n    note: {note}")?;
        }
        for error in &self.errors {
            write!(f, "\n    error: {error}")?;
        }
        Ok(())
    }
}
