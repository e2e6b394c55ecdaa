//! The form-text importer (SPEC §5): reads the text export of 财政项目支出绩效目标申报表 and
//! produces one declaration TOML (SPEC §2) per form.
//!
//! Fields are found by their label cells, never by column: exports shift columns, split labels
//! (`项目 绩效 目标`), leave merged cells blank and wrap goal text in HTML. A form that cannot be
//! read is an error naming the file, the line and the form; one bad form fails the whole run, and
//! every bad form is reported at once.

mod fields;
mod goals;
mod indicators;
mod markdown;
mod slug;
mod table;
