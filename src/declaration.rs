//! Turning one content file into a [`Declaration`], with a diagnostic for every problem in it.

use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, Position};
use crate::fields::{FieldPositions, FieldReader, Scope};
use crate::levels;
use crate::model::{Declaration, Funding, Goals, Indicator};
use crate::money::Unit;
use crate::target::parse_target;

const TOP_KEYS: &[&str] = &[
    "name",
    "year",
    "nature",
    "category",
    "department",
    "implementer",
    "start",
    "end",
    "draft",
    "department_code",
    "period",
    "funding",
    "goals",
    "indicators",
];
const FUNDING_KEYS: &[&str] = &[
    "unit",
    "total",
    "total_fiscal",
    "total_other",
    "annual",
    "appropriation",
    "carryover",
    "other",
];
const GOAL_KEYS: &[&str] = &["overall", "overall_period", "annual"];
const INDICATOR_KEYS: &[&str] = &["level1", "level2", "name", "target", "weight", "direction"];

/// Where the file sits: `content/YEAR/SLUG.toml`.
pub struct Location<'a> {
    /// Relative to the site root, for messages.
    pub file: &'a Path,
    pub folder_year: u16,
    pub slug: &'a str,
}

/// A parsed declaration with the positions of its fields, or nothing if it had errors.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub declaration: Option<Declaration>,
    pub positions: FieldPositions,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse and check one declaration file's text. Per-file rules are checked here; rules across
/// files (duplicates) and consistency warnings live in [`crate::validate`].
pub fn parse_declaration(source: &str, location: &Location) -> Parsed {
    let document = match DeTable::parse(source) {
        Ok(document) => document,
        Err(syntax) => {
            let mut diagnostic = Diagnostic::error(
                location.file,
                "",
                format!("TOML syntax: {}", syntax.message().trim()),
            );
            if let Some(span) = syntax.span() {
                diagnostic = diagnostic.at(source, &span);
            }
            return Parsed {
                declaration: None,
                positions: FieldPositions::new(),
                diagnostics: vec![diagnostic],
            };
        }
    };
    let mut reader = FieldReader::new(source, location.file);
    let whole_file = 0..0;
    let root = Scope {
        table: document.get_ref(),
        prefix: "",
        span: &whole_file,
    };
    let declaration = read_declaration(&mut reader, root, location);
    let failed = reader.diagnostics.iter().any(Diagnostic::is_error);
    Parsed {
        declaration: if failed { None } else { declaration },
        positions: reader.positions,
        diagnostics: reader.diagnostics,
    }
}

fn read_declaration(
    reader: &mut FieldReader,
    root: Scope,
    location: &Location,
) -> Option<Declaration> {
    reader.reject_unknown_keys(root, TOP_KEYS);
    let name = reader.string(root, "name", true);
    let year = read_year(reader, root, location);
    let nature = reader.string(root, "nature", false);
    let category = reader.string(root, "category", false);
    let department = reader.string(root, "department", true);
    let implementer = reader.string(root, "implementer", false);
    let department_code = reader.string(root, "department_code", false);
    let period = reader.string(root, "period", false);
    let start = reader.date(root, "start");
    let end = reader.date(root, "end");
    if let (Some((start, _)), Some((end, end_span))) = (&start, &end)
        && end < start
    {
        reader.error(
            "end",
            end_span,
            format!(
                "计划完成日期 {end} is before 计划开始日期 {start}; correct one of the two dates"
            ),
        );
    }
    let draft = reader.boolean(root, "draft").unwrap_or(false);
    let funding = read_funding(reader, root);
    let goals = read_goals(reader, root);
    let indicators = read_indicators(reader, root);
    Some(Declaration {
        source: location.file.to_path_buf(),
        year: year?,
        slug: location.slug.to_string(),
        name: name?,
        nature,
        category,
        department: department?,
        department_code,
        implementer,
        start: start.map(|(date, _)| date),
        end: end.map(|(date, _)| date),
        period,
        draft,
        funding: funding?,
        goals: goals.unwrap_or_default(),
        indicators: indicators.unwrap_or_default(),
    })
}

fn read_year(reader: &mut FieldReader, root: Scope, location: &Location) -> Option<u16> {
    let (year, span) = reader.integer(root, "year", true)?;
    if year != i64::from(location.folder_year) {
        reader.error(
            "year",
            &span,
            format!(
                "申报年度 {year} does not match the folder content/{}/; move the file or correct the year",
                location.folder_year
            ),
        );
        return None;
    }
    Some(location.folder_year)
}

fn read_funding(reader: &mut FieldReader, root: Scope) -> Option<Funding> {
    let value = reader.table(root, "funding", true)?;
    let table = value.get_ref().as_table()?;
    let scope = Scope {
        table,
        prefix: "funding.",
        span: &value.span(),
    };
    reader.reject_unknown_keys(scope, FUNDING_KEYS);
    let unit = match reader.string(scope, "unit", false) {
        None => Unit::Yuan,
        Some(text) => {
            match Unit::parse(&text) {
                Some(unit) => unit,
                None => {
                    let span = table.get("unit").map_or(value.span(), |v| v.span());
                    reader.error("funding.unit", &span, format!("{text:?} is not a unit; write \"元\" or \"万元\" as printed on the form"));
                    return None;
                }
            }
        }
    };
    let total = reader.amount(scope, "total", unit, false);
    let total_fiscal = reader.amount(scope, "total_fiscal", unit, false);
    let total_other = reader.amount(scope, "total_other", unit, false);
    let annual = reader.amount(scope, "annual", unit, true);
    let appropriation = reader.amount(scope, "appropriation", unit, false);
    let carryover = reader.amount(scope, "carryover", unit, false);
    let other = reader.amount(scope, "other", unit, false);
    Some(Funding {
        unit,
        total,
        total_fiscal,
        total_other,
        annual: annual?,
        appropriation,
        carryover,
        other,
    })
}

fn read_goals(reader: &mut FieldReader, root: Scope) -> Option<Goals> {
    let value = reader.table(root, "goals", false)?;
    let table = value.get_ref().as_table()?;
    let scope = Scope {
        table,
        prefix: "goals.",
        span: &value.span(),
    };
    reader.reject_unknown_keys(scope, GOAL_KEYS);
    Some(Goals {
        overall: reader.string(scope, "overall", false),
        overall_period: reader.string(scope, "overall_period", false),
        annual: reader.string(scope, "annual", false),
    })
}

fn read_indicators(reader: &mut FieldReader, root: Scope) -> Option<Vec<Indicator>> {
    let Some(value) = root.table.get("indicators") else {
        return Some(Vec::new());
    };
    let Some(rows) = value.get_ref().as_array() else {
        reader.error(
            "indicators",
            &value.span(),
            "expected `[[indicators]]` tables, one per indicator row",
        );
        return None;
    };
    let mut indicators = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let prefix = format!("indicators[{}].", index + 1);
        let DeValue::Table(table) = row.get_ref() else {
            reader.error(
                &prefix[..prefix.len() - 1],
                &row.span(),
                "expected a table with level1, level2, name and target",
            );
            continue;
        };
        let scope = Scope {
            table,
            prefix: &prefix,
            span: &row.span(),
        };
        if let Some(indicator) = read_indicator(reader, scope) {
            indicators.push(indicator);
        }
    }
    Some(indicators)
}

fn read_indicator(reader: &mut FieldReader, scope: Scope) -> Option<Indicator> {
    reader.reject_unknown_keys(scope, INDICATOR_KEYS);
    let level1 = reader.string(scope, "level1", true);
    let level2 = reader.string(scope, "level2", true);
    let name = reader.string(scope, "name", true);
    let target_text = reader.string(scope, "target", true);
    let weight = reader.string(scope, "weight", false);
    let direction = reader.string(scope, "direction", false);
    if let Some(level1) = &level1
        && !levels::is_level1(level1)
    {
        let span = scope
            .table
            .get("level1")
            .map_or(scope.span.clone(), |v| v.span());
        reader.error(
            &format!("{}level1", scope.prefix),
            &span,
            format!(
                "{level1:?} is not a 一级指标; use one of {}",
                levels::level1_names().join("、")
            ),
        );
    }
    let target = match parse_target(target_text.as_deref()?) {
        Ok(target) => target,
        Err(problem) => {
            let span = scope
                .table
                .get("target")
                .map_or(scope.span.clone(), |v| v.span());
            reader.error(
                &format!("{}target", scope.prefix),
                &span,
                problem.to_string(),
            );
            return None;
        }
    };
    Some(Indicator {
        level1: level1?,
        level2: level2?,
        name: name?,
        target_text: target_text?,
        target,
        weight,
        direction,
    })
}

/// The position recorded for `field`, if it was present in the file.
pub fn position_of(positions: &FieldPositions, field: &str) -> Option<Position> {
    positions.get(field).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Parsed {
        let location = Location {
            file: Path::new("content/2023/x.toml"),
            folder_year: 2023,
            slug: "x",
        };
        parse_declaration(source, &location)
    }

    const BASE: &str = "name = \"甲\"\nyear = 2023\ndepartment = \"乙\"\n";

    #[test]
    fn the_optional_form_fields_are_read_verbatim() {
        let source = format!(
            "{BASE}department_code = \"015\"\nperiod = \"3年\"\n\n[funding]\nunit = \"万元\"\nannual = \"10606.7522\"\n\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"甲\"\ntarget = \"12公里\"\nweight = \"10\"\ndirection = \"正向指标\"\n"
        );
        let parsed = parse(&source);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let declaration = parsed.declaration.expect("valid");
        assert_eq!(declaration.department_code.as_deref(), Some("015"));
        assert_eq!(declaration.period.as_deref(), Some("3年"));
        let indicator = &declaration.indicators[0];
        assert_eq!(indicator.weight.as_deref(), Some("10"));
        assert_eq!(indicator.direction.as_deref(), Some("正向指标"));
    }

    #[test]
    fn the_optional_form_fields_are_optional_and_typed() {
        let source = format!("{BASE}\n[funding]\nannual = 1\n");
        let declaration = parse(&source).declaration.expect("valid");
        assert_eq!(declaration.department_code, None);
        assert_eq!(declaration.period, None);

        let source = format!(
            "{BASE}period = 3\n\n[funding]\nannual = 1\n\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"甲\"\ntarget = \"1\"\nwieght = \"10\"\n"
        );
        let messages: Vec<String> = parse(&source)
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(messages[0].contains("period") && messages[0].contains("expected a string"));
        assert!(
            messages[1].contains("indicators[1].wieght") && messages[1].contains("`weight`"),
            "{messages:#?}"
        );
    }
}
