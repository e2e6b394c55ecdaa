//! Rules that look at a whole declaration or across declarations: duplicates (an error, since
//! totals would count twice) and consistency warnings. A warning never changes a figure: the
//! office sees it and decides.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::content::Entry;
use crate::diagnostics::Diagnostic;
use crate::levels;
use crate::model::Declaration;
use crate::money::{Amount, group_thousands};

/// Check every entry; returns the diagnostics in entry order. Linear in the number of entries.
pub fn validate(entries: &[Entry]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut seen: HashMap<(u16, &str, &str), &Declaration> = HashMap::with_capacity(entries.len());
    for entry in entries {
        let declaration = &entry.declaration;
        let key = (
            declaration.year,
            &*declaration.name,
            &*declaration.department,
        );
        if let Some(first) = seen.get(&key) {
            diagnostics.push(
                Diagnostic::error(
                    &declaration.source,
                    "name",
                    format!(
                        "{} ({}) is already declared for {} in {}; their totals would count twice; merge the two files or correct the 项目名称",
                        declaration.name,
                        declaration.department,
                        declaration.year,
                        crate::diagnostics::display_path(&first.source)
                    ),
                )
                .at_position(entry.positions.get("name").copied()),
            );
        } else {
            seen.insert(key, declaration);
        }
        diagnostics.extend(consistency_warnings(entry));
    }
    diagnostics
}

/// Sums, the multi-year block, indicator levels, and missing indicators.
pub fn consistency_warnings(entry: &Entry) -> Vec<Diagnostic> {
    let declaration = &entry.declaration;
    let funding = &declaration.funding;
    let mut warnings = Vec::new();
    let warn = |field: &str, message: String| {
        Diagnostic::warning(&declaration.source, field, message)
            .at_position(entry.positions.get(field).copied())
    };
    let unit = funding.unit.label();
    let parts = [&funding.appropriation, &funding.carryover, &funding.other];
    if parts.iter().any(|part| part.is_some()) {
        let sum = sum_in_unit(&parts);
        if let Some(message) = mismatch(
            "年度资金申请总额",
            &funding.annual,
            "当年财政拨款 + 上年结转资金 + 其他资金",
            &parts,
            sum,
            unit,
        ) {
            warnings.push(warn("funding.annual", message));
        }
    }
    if let Some(total) = &funding.total {
        let parts = [&funding.total_fiscal, &funding.total_other];
        if parts.iter().any(|part| part.is_some()) {
            let sum = sum_in_unit(&parts);
            if let Some(message) = mismatch(
                "项目资金总额",
                total,
                "财政资金 + 其他资金",
                &parts,
                sum,
                unit,
            ) {
                warnings.push(warn("funding.total", message));
            }
        }
        if total.in_unit < funding.annual.in_unit {
            warnings.push(warn(
                "funding.total",
                format!(
                    "项目资金总额 {} is less than 年度资金申请总额 {} ({unit}); a multi-year total covers at least one year's request",
                    total.display_in_unit(),
                    funding.annual.display_in_unit()
                ),
            ));
        }
    }
    for (index, indicator) in declaration.indicators.iter().enumerate() {
        if levels::is_level1(&indicator.level1)
            && !levels::belongs_under(&indicator.level1, &indicator.level2)
        {
            warnings.push(warn(
                &format!("indicators[{}].level2", index + 1),
                format!(
                    "二级指标 {:?} is not under 一级指标 {:?}; expected one of {}",
                    indicator.level2,
                    indicator.level1,
                    levels::level2_names(&indicator.level1).join("、")
                ),
            ));
        }
    }
    if declaration.indicators.is_empty() {
        warnings.push(warn(
            "indicators",
            "no 绩效指标; add the form's indicator rows as [[indicators]] tables".into(),
        ));
    }
    warnings
}

/// Sum of the given parts in the form's unit; an absent part counts as zero.
fn sum_in_unit(parts: &[&Option<Amount>]) -> Decimal {
    parts
        .iter()
        .filter_map(|part| part.as_ref())
        .map(|amount| amount.in_unit)
        .sum()
}

/// "249,550.00 is 70,000.00 more than 179,550.00 + 0.00 + 0.00 = 179,550.00"
fn mismatch(
    whole_label: &str,
    whole: &Amount,
    parts_label: &str,
    parts: &[&Option<Amount>],
    sum: Decimal,
    unit: &str,
) -> Option<String> {
    let difference = whole.in_unit - sum;
    if difference.is_zero() {
        return None;
    }
    let decimals = whole.unit.max_decimals().min(whole.in_unit.scale().max(2));
    let show = |value: Decimal| group_thousands(value, decimals);
    let terms: Vec<String> = parts
        .iter()
        .map(|part| show(part.as_ref().map_or(Decimal::ZERO, |amount| amount.in_unit)))
        .collect();
    let direction = if difference > Decimal::ZERO {
        "more"
    } else {
        "less"
    };
    Some(format!(
        "{whole_label} {} is {} {direction} than {parts_label} = {} = {} ({unit}); correct the amounts or the form",
        show(whole.in_unit),
        show(difference.abs()),
        terms.join(" + "),
        show(sum),
    ))
}
