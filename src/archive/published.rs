//! What an archived year published, read back from its own `declarations.csv`: each
//! declaration's slug, 项目名称, 主管部门 and 年度资金申请总额.
//!
//! A live declaration page links to the project's other years and says how its amount changed
//! ([`crate::history`]). For an archived year those links and figures must be what the archive
//! publishes, not what `content/YEAR/` says now: the sources may have changed since the
//! snapshot, or be gone. Reading one table is also far cheaper than parsing the year's sources,
//! which `build` therefore never does for an archived year whose sources are unchanged.
//!
//! The table is checked against the archive's manifest before it is read, like every archived
//! file. Columns are found by name, so a table written by an older disclose still reads.

use std::fs;

use super::{ArchivedYear, changed_since_snapshot, restore_advice, shown};
use crate::diagnostics::Diagnostic;
use crate::export::DECLARATIONS_CSV;
use crate::export::csv::BOM;
use crate::manifest::sha256_hex;
use crate::money::{Unit, parse_amount};
use crate::site::ArchivedDeclaration;

/// The columns read, by their names in the header.
const COLUMNS: [&str; 4] = ["slug", "name", "department", "annual"];

/// Every declaration `archived` publishes, in the table's order (slug order).
pub fn declarations(archived: &ArchivedYear) -> Result<Vec<ArchivedDeclaration>, Diagnostic> {
    let year = archived.year;
    let error = |message: String| Diagnostic::error(shown(year, DECLARATIONS_CSV), "", message);
    let Some(listed) = archived.files.get(DECLARATIONS_CSV) else {
        return Err(error(format!(
            "missing: live pages link to this year's projects from it; {}",
            restore_advice(year)
        )));
    };
    let path = archived.folder.join(DECLARATIONS_CSV);
    let bytes =
        fs::read(&path).map_err(|err| error(format!("cannot read {}: {err}", path.display())))?;
    if listed.sha256.as_deref() != Some(sha256_hex(&bytes).as_str()) {
        return Err(error(changed_since_snapshot(year)));
    }
    read_table(&bytes).map_err(error)
}

/// The four columns of every row of a `declarations.csv`.
fn read_table(bytes: &[u8]) -> Result<Vec<ArchivedDeclaration>, String> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|err| format!("cannot read the header: {err}"))?;
    let mut positions = [0usize; 4];
    for (position, name) in positions.iter_mut().zip(COLUMNS) {
        *position = header
            .iter()
            .position(|column| column == name)
            .ok_or_else(|| format!("the header has no `{name}` column"))?;
    }
    let [slug, name, department, annual] = positions;
    let mut declarations = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|err| err.to_string())?;
        let line = record.position().map_or(0, |position| position.line());
        let cell = |index: usize| record.get(index).unwrap_or_default().to_string();
        let amount = cell(annual);
        let annual = parse_amount(&amount, Unit::Yuan)
            .map_err(|err| format!("line {line}: `annual`: {err}"))?;
        declarations.push(ArchivedDeclaration {
            slug: cell(slug),
            name: cell(name),
            department: cell(department),
            annual,
        });
    }
    Ok(declarations)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;

    #[test]
    fn reads_the_four_columns_by_name_whatever_their_order() {
        let table = "\u{FEFF}year,annual,name,slug,department\n\
                     2021,1800000.00,\"学会改革, 与发展\",p1,上海市科学技术协会\n\
                     2021,0.50,科普,p2,某部门\n";
        let rows = read_table(table.as_bytes()).expect("reads");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].slug, "p1");
        assert_eq!(rows[0].name, "学会改革, 与发展");
        assert_eq!(rows[0].department, "上海市科学技术协会");
        assert_eq!(
            rows[0].annual,
            Decimal::from_str("1800000.00").expect("decimal")
        );
        assert_eq!(rows[1].annual, Decimal::from_str("0.5").expect("decimal"));
    }

    #[test]
    fn a_missing_column_or_a_bad_amount_is_named() {
        let no_annual = read_table(b"slug,name,department\np1,a,b\n").expect_err("no annual");
        assert!(no_annual.contains("`annual`"), "{no_annual}");
        let bad = read_table(b"slug,name,department,annual\np1,a,b,1e5\n").expect_err("bad");
        assert!(bad.contains("line 2") && bad.contains("\"1e5\""), "{bad}");
    }
}
