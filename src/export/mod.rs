//! Open data: each year's declarations and indicators as CSV, described by a Frictionless data
//! package, plus the same rows for each declaration on its own.
//!
//! Files (paths relative to the output root):
//! - `YEAR/declarations.csv`, `YEAR/indicators.csv`, `YEAR/datapackage.json`, and
//!   `YEAR/declarations.xlsx` (both tables as sheets, for Excel);
//! - `YEAR/quality.csv`, the 绩效指标质量 findings, when the site publishes that report;
//! - `YEAR/SLUG/declaration.csv`, `YEAR/SLUG/indicators.csv`: that declaration's rows with the same
//!   columns, for a reader who wants one project in Excel without filtering a table.
//!
//! Amounts are written from `Decimal` in 元 with two decimals; nothing passes through a float.

pub mod csv;
pub mod datapackage;
pub mod quality;
pub mod xlsx;

use crate::diagnostics::Diagnostic;
use crate::feeds;
use crate::render::OutputFile;
use crate::site::Site;

/// `feed.xml` and `sitemap.xml` (which lists the pages among `pages`). Called after archived years
/// were substituted, so both describe the site as published. The per-year open data comes from
/// [`export_site`]; the search index from [`crate::search`].
pub fn feed_and_sitemap(site: &Site, pages: &[OutputFile]) -> Result<Vec<OutputFile>, Diagnostic> {
    fn xml_failed(path: &'static str) -> impl Fn(std::io::Error) -> Diagnostic {
        move |err| Diagnostic::error(path, "", format!("cannot write: {err}"))
    }
    Ok(vec![
        feeds::feed(site).map_err(xml_failed(feeds::FEED))?,
        feeds::sitemap(&site.config, pages).map_err(xml_failed(feeds::SITEMAP))?,
    ])
}

/// File names inside a year folder (and, for the per-declaration slices, a declaration folder).
pub const DECLARATIONS_CSV: &str = "declarations.csv";
pub const INDICATORS_CSV: &str = "indicators.csv";
pub const DECLARATION_CSV: &str = "declaration.csv";
pub const DATAPACKAGE: &str = "datapackage.json";
pub const WORKBOOK: &str = "declarations.xlsx";
/// The year's 绩效指标质量 findings, when the site publishes the report.
pub const QUALITY_CSV: &str = "quality.csv";

/// Every open-data file of the site.
pub fn export_site(site: &Site) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut files = Vec::new();
    for year in &site.years {
        let prefix = year.year.to_string();
        let all = &year.declarations;
        files.push(file(
            format!("{prefix}/{DECLARATIONS_CSV}"),
            csv::declarations(&site.config, all),
        )?);
        files.push(file(
            format!("{prefix}/{INDICATORS_CSV}"),
            csv::indicators(all),
        )?);
        files.push(OutputFile {
            path: format!("{prefix}/{DATAPACKAGE}"),
            bytes: datapackage::datapackage(&site.config, year),
        });
        let path = format!("{prefix}/{WORKBOOK}");
        match xlsx::workbook(&site.config, year) {
            Ok(bytes) => files.push(OutputFile { path, bytes }),
            Err(err) => {
                let message = format!("cannot write the workbook: {err}");
                return Err(Diagnostic::error(path, "", message));
            }
        }
        if let Some(report) = &year.quality {
            files.push(file(
                format!("{prefix}/{QUALITY_CSV}"),
                quality::findings(year, report),
            )?);
        }
        for declaration in all {
            let one = std::slice::from_ref(declaration);
            let folder = format!("{prefix}/{}", declaration.slug);
            files.push(file(
                format!("{folder}/{DECLARATION_CSV}"),
                csv::declarations(&site.config, one),
            )?);
            files.push(file(
                format!("{folder}/{INDICATORS_CSV}"),
                csv::indicators(one),
            )?);
        }
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
