//! `YEAR/corrections.csv`: the 更正记录 of an amended archived year, one row per changed value,
//! oldest amendment first. Written only for a year that was amended (`snapshot --amend`), and
//! described in the year's data package beside the other tables.

use super::csv::{Column, Kind, column, finish, writer};
use crate::corrections::Amendment;

/// `corrections.csv`, in this order.
#[rustfmt::skip]
pub const CORRECTION_COLUMNS: &[Column] = &[
    column("version", "版本", Kind::Integer, true, "The version the amendment published; the version before it stays published at YEAR/versions/N/."),
    column("date", "更正日期", Kind::Date, true, ""),
    column("slug", "标识", Kind::String, true, "The declaration changed (its page is YEAR/SLUG/ when it is still published)."),
    column("name", "项目名称", Kind::String, true, ""),
    column("field", "字段", Kind::String, true, "The column of declarations.csv that changed; `indicator` for a 绩效指标 added, removed or changed (as 一级 / 二级 / 三级：指标值); `declaration` for a whole declaration added or removed."),
    column("field_title", "字段名称", Kind::String, true, "The field's label on the form."),
    column("old", "更正前", Kind::String, false, "The value as first published (amounts in 元, as in declarations.csv); empty when it was not there."),
    column("new", "更正后", Kind::String, false, "The corrected value; empty when it was removed."),
    column("reason", "更正原因", Kind::String, true, ""),
];

/// The table of every change of every amendment.
pub fn corrections(amendments: &[Amendment]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = writer();
    writer.write_record(CORRECTION_COLUMNS.iter().map(|column| column.name))?;
    for amendment in amendments {
        for change in &amendment.changes {
            writer.write_record([
                amendment.version.to_string().as_str(),
                &amendment.date,
                &change.slug,
                &change.name,
                &change.field,
                &change.title,
                &change.old,
                &change.new,
                &amendment.reason,
            ])?;
        }
    }
    finish(writer)
}
