//! A target's amount of money, exactly, in 元: for comparing a 成本指标 with the declaration's
//! 年度资金申请总额.
//!
//! A target is an amount when its unit is a unit of money and nothing else: `≤1000万元`,
//! `≤50.00(万元)`, `=300000元`, and the unsigned `1000万元` that some forms print. A rate such as
//! `≤500元/人` is a unit cost, not a total, and is not an amount here.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::target::Target;

/// Units of money with their size in 元, as forms write them.
const MONEY_UNITS: &[(&str, i64)] = &[
    ("元", 1),
    ("人民币元", 1),
    ("千元", 1_000),
    ("万元", 10_000),
    ("十万元", 100_000),
    ("百万元", 1_000_000),
    ("千万元", 10_000_000),
    ("亿元", 100_000_000),
];

/// How many 元 one `unit` is, for a unit of money (`万元` → 10000).
pub fn yuan_per(unit: &str) -> Option<Decimal> {
    MONEY_UNITS
        .iter()
        .find(|(name, _)| *name == unit.trim())
        .map(|(_, size)| Decimal::from(*size))
}

/// The amount in 元 a target states, if it states one.
pub fn target_in_yuan(target: &Target, text: &str) -> Option<Decimal> {
    let (number, unit) = match target {
        Target::Quantitative { number, unit, .. } => (*number, unit.as_str()),
        Target::Qualitative => unsigned_number(text)?,
    };
    number.checked_mul(yuan_per(unit)?)
}

/// `1000万元` or `1,000.5 (万元)`: a whole text of a number and a unit, without a sign.
fn unsigned_number(text: &str) -> Option<(Decimal, &str)> {
    let trimmed = text.trim();
    let number_len = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(trimmed.len());
    let (digits, rest) = trimmed.split_at(number_len);
    if !digits.starts_with(|c: char| c.is_ascii_digit()) || digits.matches('.').count() > 1 {
        return None;
    }
    let number = Decimal::from_str(&digits.replace(',', "")).ok()?;
    let rest = rest.trim();
    let unit = [('(', ')'), ('（', '）')]
        .iter()
        .find_map(|(open, close)| rest.strip_prefix(*open)?.strip_suffix(*close))
        .unwrap_or(rest);
    Some((number, unit.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::parse_target;
    use rust_decimal::dec;

    fn yuan(text: &str) -> Option<Decimal> {
        let target = parse_target(text).ok()?;
        target_in_yuan(&target, text)
    }

    #[test]
    fn reads_money_in_every_unit_exactly() {
        assert_eq!(yuan("≤1000万元"), Some(dec!(10000000)));
        assert_eq!(yuan("≤50.00(万元)"), Some(dec!(500000.00)));
        assert_eq!(yuan("=300,000.00元"), Some(dec!(300000.00)));
        assert_eq!(yuan("≤2.5（千元）"), Some(dec!(2500.0)));
        assert_eq!(yuan("≤1.2亿元"), Some(dec!(120000000.0)));
        assert_eq!(yuan("1000万元"), Some(dec!(10000000)));
        assert_eq!(yuan("12.3456（万元）"), Some(dec!(123456.0000)));
    }

    #[test]
    fn rates_counts_and_words_are_not_amounts() {
        for text in [
            "≤500元/人",
            "≥4(次)",
            "=100(%)",
            "及时",
            "控制在预算内",
            "万元",
            "1.2.3万元",
        ] {
            assert_eq!(yuan(text), None, "{text}");
        }
    }
}
