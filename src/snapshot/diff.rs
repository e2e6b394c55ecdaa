//! The changes between a year as archived and as corrected, table by table.
//!
//! Both sides are the open-data tables: the archive's `declarations.csv` and `indicators.csv` as
//! first published, and the same tables written from the corrected model by the same writer
//! ([`crate::export::csv`]). Columns are matched by name, so an archive written by an older
//! disclose (with fewer columns) is compared on the columns both have. Amounts are compared as
//! `Decimal`, so `249550.00` and `249550.0` are the same figure. Every step is a map lookup: the
//! work is linear in the number of declarations and indicators.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::corrections::{Change, DECLARATION_FIELD, INDICATOR_FIELD};
use crate::export::csv::{
    BOM, Column, DECLARATION_COLUMNS, INDICATOR_COLUMNS, Kind, declaration_record,
    indicator_records,
};
use crate::model::SiteConfig;
use crate::site::Year;

/// Columns that identify a row or follow from others; a difference there is not a correction.
const NOT_COMPARED: &[&str] = &["year", "slug", "url", "indicator_count"];

/// One row, by column name.
type Row = BTreeMap<String, String>;
/// A table: its rows, each by column name.
type Rows = Vec<Row>;
/// An indicator's 一级, 二级 and 三级.
type IndicatorKey = (String, String, String);

/// Read a CSV written by the open-data writer (or an older one): header, then rows.
pub fn read_table(bytes: &[u8], file: &str) -> Result<Rows, String> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|err| format!("{file}: cannot read the header: {err}"))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|err| format!("{file}: {err}"))?;
        let row = header
            .iter()
            .cloned()
            .zip(record.iter().map(str::to_string))
            .collect();
        rows.push(row);
    }
    Ok(rows)
}

/// The corrected year's tables, as [`read_table`] gives the archived ones.
fn current_tables(config: &SiteConfig, year: &Year) -> (Rows, Rows) {
    let named = |columns: &[Column], cells: Vec<String>| {
        columns
            .iter()
            .map(|column| column.name.to_string())
            .zip(cells)
            .collect()
    };
    let declarations = year
        .declarations
        .iter()
        .map(|declaration| named(DECLARATION_COLUMNS, declaration_record(config, declaration)))
        .collect();
    let indicators = indicator_records(&year.declarations)
        .into_iter()
        .map(|cells| named(INDICATOR_COLUMNS, cells))
        .collect();
    (declarations, indicators)
}

/// Every change from the archived tables to the corrected `year`, by slug, then field in
/// column order, then indicators.
pub fn changes(
    archived_declarations: &Rows,
    archived_indicators: &Rows,
    config: &SiteConfig,
    year: &Year,
) -> Vec<Change> {
    let (declarations, indicators) = current_tables(config, year);
    let old = by_slug(archived_declarations);
    let new = by_slug(&declarations);
    let old_indicators = group_by_slug(archived_indicators);
    let new_indicators = group_by_slug(&indicators);
    let mut slugs: Vec<&str> = old.keys().chain(new.keys()).copied().collect();
    slugs.sort_unstable();
    slugs.dedup();
    let mut changes = Vec::new();
    for slug in slugs {
        match (old.get(slug), new.get(slug)) {
            (Some(before), Some(after)) => {
                let name = cell(after, "name");
                changes.extend(field_changes(slug, name, before, after));
                let none = Vec::new();
                let was = old_indicators.get(slug).unwrap_or(&none);
                let is = new_indicators.get(slug).unwrap_or(&none);
                changes.extend(indicator_changes(slug, name, was, is));
            }
            (Some(before), None) => changes.push(whole(slug, cell(before, "name"), true)),
            (None, Some(after)) => changes.push(whole(slug, cell(after, "name"), false)),
            (None, None) => {}
        }
    }
    changes
}

fn cell<'r>(row: &'r BTreeMap<String, String>, name: &str) -> &'r str {
    row.get(name).map_or("", String::as_str)
}

fn by_slug(rows: &Rows) -> BTreeMap<&str, &BTreeMap<String, String>> {
    rows.iter().map(|row| (cell(row, "slug"), row)).collect()
}

fn group_by_slug(rows: &Rows) -> BTreeMap<&str, Vec<&BTreeMap<String, String>>> {
    let mut groups: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for row in rows {
        groups.entry(cell(row, "slug")).or_default().push(row);
    }
    groups
}

fn whole(slug: &str, name: &str, removed: bool) -> Change {
    let (old, new) = match removed {
        true => (name.to_string(), String::new()),
        false => (String::new(), name.to_string()),
    };
    Change {
        slug: slug.to_string(),
        name: name.to_string(),
        field: DECLARATION_FIELD.to_string(),
        title: "申报表".to_string(),
        old,
        new,
    }
}

/// The declaration's fields that differ, in column order.
fn field_changes(
    slug: &str,
    name: &str,
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<Change> {
    DECLARATION_COLUMNS
        .iter()
        .filter(|column| !NOT_COMPARED.contains(&column.name))
        .filter_map(|column| {
            let old = before.get(column.name)?;
            let new = after.get(column.name)?;
            let same = match column.kind {
                Kind::Yuan => same_amount(old, new),
                _ => old == new,
            };
            (!same).then(|| Change {
                slug: slug.to_string(),
                name: name.to_string(),
                field: column.name.to_string(),
                title: column.title.to_string(),
                old: old.clone(),
                new: new.clone(),
            })
        })
        .collect()
}

/// Two amounts are the same figure when both parse to the same `Decimal` (or are the same text).
fn same_amount(old: &str, new: &str) -> bool {
    match (old.parse::<Decimal>(), new.parse::<Decimal>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => old == new,
    }
}

/// An indicator's identity on its form: 一级 / 二级 / 三级.
fn indicator_key(row: &Row) -> IndicatorKey {
    let part = |name| cell(row, name).to_string();
    (part("level1"), part("level2"), part("name"))
}

/// An indicator as one line: `产出指标 / 数量指标 / 完成数：≥4(次)（权重 10；正向指标）`.
fn indicator_text(row: &BTreeMap<String, String>) -> String {
    let (level1, level2, name) = indicator_key(row);
    let mut text = format!("{level1} / {level2} / {name}：{}", cell(row, "target"));
    let extras: Vec<String> = [("weight", "权重 "), ("direction", "")]
        .iter()
        .filter(|(column, _)| !cell(row, column).is_empty())
        .map(|(column, label)| format!("{label}{}", cell(row, column)))
        .collect();
    if !extras.is_empty() {
        text.push_str(&format!("（{}）", extras.join("；")));
    }
    text
}

/// Indicators are matched by 一级 / 二级 / 三级 (the n-th of a repeated name with the n-th);
/// a matched pair whose value differs is changed, an unmatched one added or removed. A mere
/// move on the form is not a correction of any figure, so it is not listed.
fn indicator_changes(
    slug: &str,
    name: &str,
    was: &[&BTreeMap<String, String>],
    is: &[&BTreeMap<String, String>],
) -> Vec<Change> {
    let mut unmatched: BTreeMap<IndicatorKey, Vec<&Row>> = BTreeMap::new();
    for row in was.iter().rev() {
        unmatched.entry(indicator_key(row)).or_default().push(row);
    }
    let change = |old: String, new: String| Change {
        slug: slug.to_string(),
        name: name.to_string(),
        field: INDICATOR_FIELD.to_string(),
        title: "绩效指标".to_string(),
        old,
        new,
    };
    let mut changes = Vec::new();
    for row in is {
        let before = unmatched
            .get_mut(&indicator_key(row))
            .and_then(|rows| rows.pop());
        let now = indicator_text(row);
        match before.map(indicator_text) {
            Some(then) if then == now => {}
            Some(then) => changes.push(change(then, now)),
            None => changes.push(change(String::new(), now)),
        }
    }
    for rows in unmatched.values() {
        for row in rows.iter().rev() {
            changes.push(change(indicator_text(row), String::new()));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn amounts_compare_as_decimals_and_indicators_by_identity() {
        assert!(same_amount("249550.00", "249550.0"));
        assert!(!same_amount("249550.00", "179550.00"));
        let a = row(&[
            ("level1", "产出"),
            ("level2", "数量"),
            ("name", "次数"),
            ("target", "≥4"),
        ]);
        let b = row(&[
            ("level1", "产出"),
            ("level2", "数量"),
            ("name", "次数"),
            ("target", "≥5"),
        ]);
        let c = row(&[
            ("level1", "效益"),
            ("level2", "社会"),
            ("name", "满意度"),
            ("target", "≥90%"),
        ]);
        let found = indicator_changes("s", "n", &[&a, &c], &[&b]);
        let pairs: Vec<_> = found
            .iter()
            .map(|c| (c.old.as_str(), c.new.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("产出 / 数量 / 次数：≥4", "产出 / 数量 / 次数：≥5"),
                ("效益 / 社会 / 满意度：≥90%", ""),
            ]
        );
        assert!(indicator_changes("s", "n", &[&a], &[&a]).is_empty());
    }

    #[test]
    fn older_archives_are_compared_on_the_columns_both_have() {
        let before = row(&[("slug", "x"), ("name", "甲"), ("annual", "1.00")]);
        let after = row(&[
            ("slug", "x"),
            ("name", "甲"),
            ("annual", "2.00"),
            ("period", "3年"),
        ]);
        let found = field_changes("x", "甲", &before, &after);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].field.as_str(), found[0].title.as_str()),
            ("annual", "年度资金申请总额")
        );
    }
}
