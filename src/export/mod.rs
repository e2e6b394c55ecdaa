//! Open data: each year's declarations and indicators as CSV and as an Excel workbook, described
//! by a Frictionless data package.
//!
//! Files (paths relative to the output root): `YEAR/declarations.csv`, `YEAR/indicators.csv`,
//! `YEAR/declarations.xlsx` (both tables as sheets, for Excel), `YEAR/datapackage.json`, and
//! `YEAR/quality.csv` (the 绩效指标质量 findings) when the site publishes that report.
//! Amounts are written from `Decimal` in 元 with two decimals; nothing passes through a float.
//! A year's files depend only on that year, so years are exported independently (in parallel).

pub mod corrections;
pub mod csv;
pub mod datapackage;
pub mod quality;
pub mod xlsx;

use crate::diagnostics::Diagnostic;
use crate::files::OutputFile;
use crate::model::SiteConfig;
use crate::site::Year;

/// File names inside a year folder.
pub const DECLARATIONS_CSV: &str = "declarations.csv";
pub const INDICATORS_CSV: &str = "indicators.csv";
pub const DATAPACKAGE: &str = "datapackage.json";
pub const WORKBOOK: &str = "declarations.xlsx";
/// The year's 绩效指标质量 findings, when the site publishes the report.
pub const QUALITY_CSV: &str = "quality.csv";
/// The 更正记录 of an amended archived year.
pub const CORRECTIONS_CSV: &str = "corrections.csv";

/// Every path [`year_files`] may write for `year`, whether or not it does for this year.
pub fn year_file_paths(year: u16) -> Vec<String> {
    [
        DECLARATIONS_CSV,
        INDICATORS_CSV,
        DATAPACKAGE,
        WORKBOOK,
        QUALITY_CSV,
        CORRECTIONS_CSV,
    ]
    .iter()
    .map(|name| format!("{year}/{name}"))
    .collect()
}

/// The open-data files of one year.
pub fn year_files(config: &SiteConfig, year: &Year) -> Result<Vec<OutputFile>, Diagnostic> {
    let prefix = year.year.to_string();
    let all = &year.declarations;
    let workbook_path = format!("{prefix}/{WORKBOOK}");
    let workbook = xlsx::workbook(config, year).map_err(|err| {
        let message = format!("cannot write the workbook: {err}");
        Diagnostic::error(&workbook_path, "", message)
    })?;
    let mut files = vec![
        file(
            format!("{prefix}/{DECLARATIONS_CSV}"),
            csv::declarations(config, all),
        )?,
        file(format!("{prefix}/{INDICATORS_CSV}"), csv::indicators(all))?,
        OutputFile {
            path: format!("{prefix}/{DATAPACKAGE}"),
            bytes: datapackage::datapackage(config, year),
        },
        OutputFile {
            path: workbook_path,
            bytes: workbook,
        },
    ];
    if let Some(report) = &year.quality {
        files.push(file(
            format!("{prefix}/{QUALITY_CSV}"),
            quality::findings(year, report),
        )?);
    }
    if !year.corrections.is_empty() {
        files.push(file(
            format!("{prefix}/{CORRECTIONS_CSV}"),
            corrections::corrections(&year.corrections.amendments),
        )?);
    }
    Ok(files)
}

/// Writing CSV into memory fails only on a bug in the writer; still report it with the path,
/// never panic.
fn file(path: String, bytes: Result<Vec<u8>, ::csv::Error>) -> Result<OutputFile, Diagnostic> {
    match bytes {
        Ok(bytes) => Ok(OutputFile { path, bytes }),
        Err(err) => Err(Diagnostic::error(
            path,
            "",
            format!("cannot write the CSV: {err}"),
        )),
    }
}
