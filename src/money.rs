//! Money, exactly. Amounts are `rust_decimal::Decimal` from the moment they are read to the
//! moment they are printed; nothing here ever touches a float.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// The unit an amount is written in on the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Unit {
    #[default]
    #[serde(rename = "元")]
    Yuan,
    #[serde(rename = "万元")]
    WanYuan,
}

impl Unit {
    pub fn parse(text: &str) -> Option<Unit> {
        match text {
            "元" => Some(Unit::Yuan),
            "万元" => Some(Unit::WanYuan),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::WanYuan => "万元",
        }
    }

    /// How many decimals the form may carry in this unit (分 in 元; 元 in 万元).
    pub fn max_decimals(self) -> u32 {
        match self {
            Unit::Yuan => 2,
            Unit::WanYuan => 4,
        }
    }

    fn yuan_per_unit(self) -> Decimal {
        match self {
            Unit::Yuan => Decimal::ONE,
            Unit::WanYuan => Decimal::from(10_000),
        }
    }
}

/// An amount as declared: its exact value in 元, and the value in the form's own unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// Exact value in 元; all totals are computed from this.
    pub yuan: Decimal,
    /// The value in the form's unit (equal to `yuan` for 元 forms).
    pub in_unit: Decimal,
    pub unit: Unit,
}

impl Amount {
    pub fn from_yuan(yuan: Decimal) -> Amount {
        Amount {
            yuan,
            in_unit: yuan,
            unit: Unit::Yuan,
        }
    }

    /// The amount as the form prints it, in the form's unit: `1,800,000.00`.
    pub fn display_in_unit(&self) -> String {
        let decimals = self.in_unit.scale().clamp(2, self.unit.max_decimals());
        group_thousands(self.in_unit, decimals)
    }
}

/// Why a text is not an amount. Each message says what the accepted forms are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("{text:?} has {decimals} decimals; write at most {max}, e.g. {example:?}")]
    TooManyDecimals {
        text: String,
        decimals: usize,
        max: u32,
        example: String,
    },
    #[error(
        "{text:?} is too large for a declared amount (at most 10^18 元, a thousand times any budget on earth); check the number for extra digits"
    )]
    TooLarge { text: String },
    #[error("{text:?} is negative; a declared amount is never below zero")]
    Negative { text: String },
    #[error(
        "{text:?} is not an amount; write digits with an optional thousands separator and at most {max} decimals, e.g. \"1,800,000.00\" or \"1800000\""
    )]
    NotAnAmount { text: String, max: u32 },
    #[error(
        "{text} is a TOML float, which cannot hold money exactly; write it as a string, e.g. \"{text}\""
    )]
    Float { text: String },
}

/// The largest amount a declaration may hold, in 元: far above any real budget, and far enough
/// below `Decimal::MAX` (about 7.9 × 10^28) that no sum of declared amounts can overflow, so
/// totals never fail.
pub const MAX_YUAN: Decimal = Decimal::from_parts(0xA764_0000, 0x0DE0_B6B3, 0, false, 0);

/// Parse an amount written in `unit`: digits, an optional thousands separator (`,` every three
/// digits), and at most [`Unit::max_decimals`] decimals. Returns the value in that unit.
pub fn parse_amount(text: &str, unit: Unit) -> Result<Decimal, AmountError> {
    let max = unit.max_decimals();
    let not_an_amount = || AmountError::NotAnAmount {
        text: text.to_string(),
        max,
    };
    // One level only: a run of minus signs must not recurse once per sign (found by the fuzzer:
    // a few thousand `-` overflowed the stack).
    if let Some(rest) = text.strip_prefix('-')
        && !rest.starts_with('-')
        && parse_amount(rest, unit).is_ok()
    {
        return Err(AmountError::Negative {
            text: text.to_string(),
        });
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    if !is_grouped_integer(whole) {
        return Err(not_an_amount());
    }
    if let Some(fraction) = fraction
        && (fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(not_an_amount());
    }
    let plain = format!("{}.{}", whole.replace(',', ""), fraction.unwrap_or("0"));
    let value = Decimal::from_str(&plain).map_err(|_| not_an_amount())?;
    let too_large = value
        .checked_mul(unit.yuan_per_unit())
        .is_none_or(|yuan| yuan > MAX_YUAN);
    if too_large {
        return Err(AmountError::TooLarge {
            text: text.to_string(),
        });
    }
    let decimals = fraction.map_or(0, str::len);
    if decimals > max as usize {
        let rounded = value.round_dp_with_strategy(max, RoundingStrategy::MidpointAwayFromZero);
        return Err(AmountError::TooManyDecimals {
            text: text.to_string(),
            decimals,
            max,
            example: format!("{rounded:.prec$}", prec = max as usize),
        });
    }
    Ok(value)
}

/// Build an [`Amount`] from text in `unit`.
pub fn amount_from_text(text: &str, unit: Unit) -> Result<Amount, AmountError> {
    let in_unit = parse_amount(text, unit)?;
    Ok(Amount {
        yuan: in_unit * unit.yuan_per_unit(),
        in_unit,
        unit,
    })
}

/// `1800000` or `1,800,000`: digits, and if commas are used, groups of exactly three.
fn is_grouped_integer(whole: &str) -> bool {
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return false;
    }
    if !whole.contains(',') {
        return true;
    }
    let mut groups = whole.split(',');
    let first_ok = groups
        .next()
        .is_some_and(|first| (1..=3).contains(&first.len()));
    first_ok && groups.all(|group| group.len() == 3)
}

/// An amount in 元 as the forms print it: `1,800,000.00`. Negative values (differences in
/// warnings) keep their sign: `-70,000.00`.
pub fn format_yuan(yuan: Decimal) -> String {
    group_thousands(yuan, 2)
}

/// `value` with `decimals` decimals and a `,` every three integer digits.
pub fn group_thousands(value: Decimal, decimals: u32) -> String {
    let rounded = value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    let plain = format!("{:.prec$}", rounded.abs(), prec = decimals as usize);
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut grouped = String::with_capacity(plain.len() + whole.len() / 3 + 1);
    if rounded.is_sign_negative() && !rounded.is_zero() {
        grouped.push('-');
    }
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if !fraction.is_empty() {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    grouped
}

/// A plain machine-readable form for open data: `1800000.00` (no grouping).
pub fn plain_yuan(yuan: Decimal) -> String {
    format!("{:.2}", yuan)
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_yuan(self.yuan))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn a_run_of_minus_signs_is_not_an_amount() {
        let dashes = "-".repeat(100_000);
        assert!(matches!(
            parse_amount(&dashes, Unit::Yuan),
            Err(AmountError::NotAnAmount { .. })
        ));
        assert!(matches!(
            parse_amount("--5", Unit::Yuan),
            Err(AmountError::NotAnAmount { .. })
        ));
        assert!(matches!(
            parse_amount("-5", Unit::Yuan),
            Err(AmountError::Negative { .. })
        ));
    }

    #[test]
    fn refuses_amounts_too_large_to_add_up() {
        assert_eq!(MAX_YUAN, dec!(1_000_000_000_000_000_000));
        // Found by the fuzzer: 万元 × 10,000 overflowed Decimal and panicked.
        let huge = "3000000000000000000000030030";
        assert!(matches!(
            parse_amount(huge, Unit::WanYuan),
            Err(AmountError::TooLarge { .. })
        ));
        assert!(matches!(
            parse_amount("1000000000000000000.01", Unit::Yuan),
            Err(AmountError::TooLarge { .. })
        ));
        assert_eq!(
            parse_amount("100000000000000", Unit::WanYuan),
            Ok(dec!(100000000000000))
        );
    }

    #[test]
    fn accepts_the_forms_of_the_spec() {
        assert_eq!(
            parse_amount("1,800,000.00", Unit::Yuan),
            Ok(dec!(1800000.00))
        );
        assert_eq!(parse_amount("1800000", Unit::Yuan), Ok(dec!(1800000)));
        assert_eq!(parse_amount("0.00", Unit::Yuan), Ok(dec!(0)));
        assert_eq!(
            parse_amount("10606.7522", Unit::WanYuan),
            Ok(dec!(10606.7522))
        );
    }

    #[test]
    fn rejects_everything_else_with_the_fix() {
        let err = parse_amount("1.005", Unit::Yuan).unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"1.005\" has 3 decimals; write at most 2, e.g. \"1.01\""
        );
        assert!(matches!(
            parse_amount("-5", Unit::Yuan),
            Err(AmountError::Negative { .. })
        ));
        for bad in [
            "",
            "abc",
            "1,80,000",
            "1,8000",
            ",100",
            "1.",
            ".5",
            "1 000",
            "１００",
            "1e5",
            "+5",
        ] {
            assert!(
                matches!(
                    parse_amount(bad, Unit::Yuan),
                    Err(AmountError::NotAnAmount { .. })
                ),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn wan_yuan_converts_exactly() {
        let amount =
            amount_from_text("10606.7522", Unit::WanYuan).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(amount.yuan, dec!(106067522));
        assert_eq!(amount.display_in_unit(), "10,606.7522");
    }

    #[test]
    fn formats_like_the_forms() {
        assert_eq!(format_yuan(dec!(14339534)), "14,339,534.00");
        assert_eq!(format_yuan(dec!(-70000)), "-70,000.00");
        assert_eq!(format_yuan(dec!(999.5)), "999.50");
        assert_eq!(format_yuan(dec!(0)), "0.00");
        assert_eq!(format_yuan(dec!(100000)), "100,000.00");
        assert_eq!(plain_yuan(dec!(14339534)), "14339534.00");
    }
}
