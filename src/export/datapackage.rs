//! `YEAR/datapackage.json`: a Frictionless Tabular Data Package describing the year's two CSVs,
//! with the fiscal properties of a Fiscal Data Package (`currency`, `fiscalPeriod`).
//!
//! The schemas come from the same column lists the CSV writer uses. Keys: a declaration is
//! identified by (`year`, `slug`), an indicator by (`year`, `slug`, `position`), and every
//! indicator points at its declaration. Nothing time-dependent is written (no `created`), so the
//! file is the same on every build of the same content.

use serde_json::{Map, Value, json};

use super::corrections::CORRECTION_COLUMNS;
use super::csv::{Column, DECLARATION_COLUMNS, INDICATOR_COLUMNS, Kind};
use super::quality::QUALITY_COLUMNS;
use super::{CORRECTIONS_CSV, DECLARATIONS_CSV, INDICATORS_CSV, QUALITY_CSV};
use crate::model::SiteConfig;
use crate::site::Year;

/// Why 项目资金总额 must never be summed with the annual columns; said in the package, on the
/// field and in the README.
pub const MULTI_YEAR_NOTE: &str = "项目资金总额 (total, total_fiscal, total_other) is the \
    multi-year total of a project and must not be added to the annual amounts (annual, \
    appropriation, carryover, other) or summed across years; add up `annual` for a year's total.";

/// The data package of one year, as pretty-printed JSON with a final newline.
pub fn datapackage(config: &SiteConfig, year: &Year) -> Vec<u8> {
    let number = year.year;
    let package = json!({
        "profile": "tabular-data-package",
        "name": format!("performance-targets-{number}"),
        "title": format!("{} {number}年度项目支出绩效目标申报表", config.publisher),
        "description": format!(
            "{number}年度财政项目支出绩效目标申报表（{} 项），一行一个申报表（{DECLARATIONS_CSV}）\
             或一个绩效指标（{INDICATORS_CSV}）。Amounts are in CNY (元) with two decimals. {MULTI_YEAR_NOTE}",
            year.declarations.len()
        ),
        "homepage": format!("{}{number}/", config.base_url),
        "contributors": [{ "title": config.publisher, "role": "publisher" }],
        "currency": "CNY",
        "fiscalPeriod": {
            "start": format!("{number:04}-01-01"),
            "end": format!("{number:04}-12-31"),
        },
        "resources": resources(year),
    });
    let mut bytes = serde_json::to_vec_pretty(&package).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The year's tables: declarations and indicators, and the quality findings when published.
fn resources(year: &Year) -> Vec<Value> {
    let mut resources = vec![
        resource(
            "declarations",
            DECLARATIONS_CSV,
            "申报表：项目基本信息、项目资金（元）与绩效目标",
            DECLARATION_COLUMNS,
            json!(["year", "slug"]),
            None,
        ),
        resource(
            "indicators",
            INDICATORS_CSV,
            "绩效指标：一级、二级、三级指标与指标值（原文及解析）",
            INDICATOR_COLUMNS,
            json!(["year", "slug", "position"]),
            Some(json!([{
                "fields": ["year", "slug"],
                "reference": { "resource": "declarations", "fields": ["year", "slug"] },
            }])),
        ),
    ];
    if year.quality.is_some() {
        resources.push(resource(
            "quality",
            QUALITY_CSV,
            "绩效指标质量：每行一项发现（对申报表原文的客观描述，不是更正）",
            QUALITY_COLUMNS,
            json!(["year", "slug", "finding"]),
            // No key to `indicators`: a finding about a whole declaration has no position, and
            // a composite foreign key with an empty part never matches.
            Some(json!([{
                "fields": ["year", "slug"],
                "reference": { "resource": "declarations", "fields": ["year", "slug"] },
            }])),
        ));
    }
    if !year.corrections.is_empty() {
        resources.push(resource(
            "corrections",
            CORRECTIONS_CSV,
            "更正记录：归档后每次更正改动的每一项（更正前、更正后、日期与原因）",
            CORRECTION_COLUMNS,
            // A change has no key of its own: one declaration's 绩效指标 may change several
            // times in one amendment; and a removed declaration is no longer in `declarations`.
            Value::Null,
            None,
        ));
    }
    resources
}

fn resource(
    name: &str,
    path: &str,
    title: &str,
    columns: &[Column],
    primary_key: Value,
    foreign_keys: Option<Value>,
) -> Value {
    let mut schema = Map::new();
    schema.insert(
        "fields".into(),
        Value::Array(columns.iter().map(field).collect()),
    );
    if !primary_key.is_null() {
        schema.insert("primaryKey".into(), primary_key);
    }
    if let Some(foreign_keys) = foreign_keys {
        schema.insert("foreignKeys".into(), foreign_keys);
    }
    schema.insert("missingValues".into(), json!([""]));
    json!({
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": { "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "doubleQuote": true, "header": true },
        "schema": Value::Object(schema),
    })
}

fn field(column: &Column) -> Value {
    let mut field = Map::new();
    field.insert("name".into(), column.name.into());
    field.insert("title".into(), column.title.into());
    let kind = match column.kind {
        Kind::String => "string",
        Kind::Integer => "integer",
        Kind::Yuan | Kind::Number => "number",
        Kind::Date => "date",
        Kind::Year => "year",
    };
    field.insert("type".into(), kind.into());
    if !column.description.is_empty() {
        field.insert("description".into(), column.description.into());
    }
    let mut constraints = Map::new();
    if column.required {
        constraints.insert("required".into(), true.into());
    }
    if column.kind == Kind::Yuan {
        field.insert("currency".into(), "CNY".into());
        field.insert("bareNumber".into(), true.into());
        constraints.insert("minimum".into(), 0.into());
    }
    if !constraints.is_empty() {
        field.insert("constraints".into(), Value::Object(constraints));
    }
    Value::Object(field)
}
