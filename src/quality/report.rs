//! The text `disclose check --quality` prints: findings grouped by declaration, each line
//! `FILE:LINE:COLUMN: note[CODE]: FIELD: MESSAGE` (the diagnostics' format, with `note` where a
//! diagnostic says `error` or `warning`: a finding is neither), then one line per year and
//! 主管部门, then the counts per check.
//!
//! ```text
//! content/2023/x.toml: 创新服务与发展 (上海市科学技术协会): 8 indicators, 6 quantitative (75.0%), 2 findings
//! content/2023/x.toml:24:10: note[missing-cost]: indicators[1].level1: 没有成本指标：…
//! content/2023/x.toml:54:10: note[vague-target]: indicators[6].target: “各项工作均按时完成”的指标值“及时”用了“及时”，…
//! ```

use std::collections::BTreeMap;
use std::fmt::Write;

use super::Check;
use super::checks::is_on;
use super::summary::{DeclarationQuality, GroupQuality, Share};
use crate::diagnostics::display_path;
use crate::fields::FieldPositions;
use crate::model::{Declaration, QualitySettings};

/// The report of `entries` (declarations with the positions of their fields, in path order).
pub fn text_report<'a>(
    entries: impl IntoIterator<Item = (&'a Declaration, &'a FieldPositions)>,
    settings: &QualitySettings,
) -> String {
    let mut out = String::new();
    let mut groups: BTreeMap<(u16, String), GroupQuality> = BTreeMap::new();
    let mut totals = GroupQuality::default();
    for (declaration, positions) in entries {
        let report = DeclarationQuality::of(declaration, settings);
        groups
            .entry((declaration.year, declaration.department.clone()))
            .or_default()
            .add(&report);
        totals.add(&report);
        if !report.findings.is_empty() {
            write_declaration(&mut out, declaration, positions, &report);
        }
    }
    for ((year, department), group) in &groups {
        let _ = writeln!(out, "{year} {department}: {}", group_line(group));
    }
    let _ = writeln!(out, "quality: {}", group_line(&totals));
    let _ = writeln!(out, "{}", checks_line(&totals, settings));
    out
}

fn write_declaration(
    out: &mut String,
    declaration: &Declaration,
    positions: &FieldPositions,
    report: &DeclarationQuality,
) {
    let file = display_path(&declaration.source);
    let draft = if declaration.draft { " [draft]" } else { "" };
    let _ = writeln!(
        out,
        "{file}: {} ({}){draft}: {} indicators, {}, {} finding{}",
        declaration.name,
        declaration.department,
        report.indicators,
        quantitative(&report.share),
        report.findings.len(),
        plural(report.findings.len())
    );
    for finding in &report.findings {
        let position = positions
            .get(&finding.field)
            .map(|at| format!(":{}:{}", at.line, at.column))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{file}{position}: note[{}]: {}: {}",
            finding.check.code(),
            finding.field,
            finding.message
        );
    }
    out.push('\n');
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// `6 quantitative (75.0%)`
fn quantitative(share: &Share) -> String {
    format!(
        "{} quantitative ({})",
        share.quantitative,
        share.percent_text()
    )
}

/// `15 declarations, 110 indicators, 74 quantitative (67.3%), 40 findings`
fn group_line(group: &GroupQuality) -> String {
    format!(
        "{} declaration{}, {} indicators, {}, {} finding{}",
        group.declarations,
        plural(group.declarations),
        group.indicators,
        quantitative(&group.share),
        group.findings,
        plural(group.findings)
    )
}

/// `by check: missing-level1 0, missing-cost 15, …; off: none`
fn checks_line(totals: &GroupQuality, settings: &QualitySettings) -> String {
    let (on, off): (Vec<Check>, Vec<Check>) = Check::ALL
        .into_iter()
        .partition(|check| is_on(settings, *check));
    let counts: Vec<String> = on
        .iter()
        .map(|check| {
            let count = totals.counts.get(check).copied().unwrap_or(0);
            format!("{} {count}", check.code())
        })
        .collect();
    let off: Vec<&str> = off.iter().map(|check| check.code()).collect();
    format!(
        "by check: {}; off: {}",
        counts.join(", "),
        if off.is_empty() {
            "none".to_string()
        } else {
            off.join(", ")
        }
    )
}
