//! 指标值: the target of an indicator.
//!
//! A target that starts with a comparison sign is quantitative and must read `SIGN NUMBER [UNIT]`
//! (`≥100.00(项)`, `=0(起)`, `≥85%`, `≤1000万元`). Anything else (`及时`, `2023年12月底`) is
//! qualitative. The original text is always kept and shown verbatim; the parsed parts only feed
//! the open data.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

/// A comparison sign, normalised from its ASCII, mathematical or full-width spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sign {
    #[serde(rename = "≥")]
    AtLeast,
    #[serde(rename = "≤")]
    AtMost,
    #[serde(rename = "=")]
    Equal,
    #[serde(rename = ">")]
    Above,
    #[serde(rename = "<")]
    Below,
}

impl Sign {
    pub fn symbol(self) -> &'static str {
        match self {
            Sign::AtLeast => "≥",
            Sign::AtMost => "≤",
            Sign::Equal => "=",
            Sign::Above => ">",
            Sign::Below => "<",
        }
    }
}

/// Spellings of each sign, longest first so `>=` wins over `>`.
const SIGNS: &[(&str, Sign)] = &[
    (">=", Sign::AtLeast),
    ("<=", Sign::AtMost),
    ("≥", Sign::AtLeast),
    ("≧", Sign::AtLeast),
    ("≤", Sign::AtMost),
    ("≦", Sign::AtMost),
    ("=", Sign::Equal),
    ("＝", Sign::Equal),
    (">", Sign::Above),
    ("＞", Sign::Above),
    ("<", Sign::Below),
    ("＜", Sign::Below),
];

/// The parsed meaning of a target text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Target {
    Quantitative {
        sign: Sign,
        /// The number exactly as a decimal.
        number: Decimal,
        /// The number as written (`100.00`), for open data that wants the form's precision.
        number_text: String,
        /// The unit, without its parentheses; empty when the form gives none.
        unit: String,
    },
    Qualitative,
}

/// Why a text that starts with a sign is not a well-formed quantitative target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{text:?} starts with a comparison sign but {problem}; write SIGN NUMBER [UNIT], e.g. \"≥100.00(项)\" or \"≥85%\", or drop the sign for a qualitative target such as \"及时\""
)]
pub struct TargetError {
    pub text: String,
    pub problem: &'static str,
}

/// Read a target text.
pub fn parse_target(text: &str) -> Result<Target, TargetError> {
    let trimmed = text.trim();
    let Some((sign, after_sign)) = SIGNS
        .iter()
        .find_map(|(spelling, sign)| trimmed.strip_prefix(spelling).map(|rest| (*sign, rest)))
    else {
        return Ok(Target::Qualitative);
    };
    let fail = |problem| TargetError {
        text: text.to_string(),
        problem,
    };
    let after_sign = after_sign.trim_start();
    let number_len = after_sign
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(after_sign.len());
    let number_text = &after_sign[..number_len];
    if number_text.is_empty() {
        return Err(fail("no number follows it"));
    }
    let number = parse_number(number_text).ok_or_else(|| fail("its number is malformed"))?;
    let unit = parse_unit(after_sign[number_len..].trim())
        .ok_or_else(|| fail("its unit's parentheses do not match"))?;
    Ok(Target::Quantitative {
        sign,
        number,
        number_text: number_text.to_string(),
        unit: unit.to_string(),
    })
}

/// `100`, `100.00`, `10,000`: digits, optional grouping commas, at most one decimal point.
fn parse_number(number_text: &str) -> Option<Decimal> {
    let (whole, fraction) = match number_text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (number_text, None),
    };
    let whole_ok = !whole.is_empty()
        && !whole.starts_with(',')
        && !whole.ends_with(',')
        && !whole.contains(",,");
    let fraction_ok =
        fraction.is_none_or(|digits| !digits.is_empty() && !digits.contains(['.', ',']));
    if !whole_ok || !fraction_ok {
        return None;
    }
    Decimal::from_str(&number_text.replace(',', "")).ok()
}

/// `(项)`, `（项）`, `%`, `万元`, or nothing. `None` when parentheses do not match.
fn parse_unit(rest: &str) -> Option<&str> {
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(inside) = rest.strip_prefix(open) {
            return inside.strip_suffix(close).map(str::trim);
        }
    }
    let has_stray_paren = rest.contains(['(', ')', '（', '）']);
    (!has_stray_paren).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn quantitative(text: &str) -> (Sign, Decimal, String) {
        match parse_target(text) {
            Ok(Target::Quantitative {
                sign, number, unit, ..
            }) => (sign, number, unit),
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    #[test]
    fn reads_every_shape_in_the_2023_forms() {
        assert_eq!(
            quantitative("≥100.00(项)"),
            (Sign::AtLeast, dec!(100.00), "项".into())
        );
        assert_eq!(quantitative("=0(起)"), (Sign::Equal, dec!(0), "起".into()));
        assert_eq!(quantitative("≥85%"), (Sign::AtLeast, dec!(85), "%".into()));
        assert_eq!(
            quantitative(">5.00(个)"),
            (Sign::Above, dec!(5.00), "个".into())
        );
        assert_eq!(
            quantitative("≥70村"),
            (Sign::AtLeast, dec!(70), "村".into())
        );
        assert_eq!(
            quantitative("≤1000万元"),
            (Sign::AtMost, dec!(1000), "万元".into())
        );
        assert_eq!(
            quantitative("＞3（次）"),
            (Sign::Above, dec!(3), "次".into())
        );
        assert_eq!(
            quantitative(">= 10,000 人次"),
            (Sign::AtLeast, dec!(10000), "人次".into())
        );
        assert_eq!(quantitative("=100"), (Sign::Equal, dec!(100), "".into()));
    }

    #[test]
    fn qualitative_targets_are_kept_as_text() {
        for text in [
            "及时",
            "有效提升",
            "2023年12月底",
            "较2022年有所提升",
            "100%完成",
        ] {
            assert_eq!(parse_target(text), Ok(Target::Qualitative), "{text}");
        }
    }

    #[test]
    fn malformed_quantitative_targets_are_errors() {
        for text in [
            "≥",
            "≥及时",
            "=1.2.3(个)",
            "≥5(个",
            "≥5个)",
            "≥.5",
            "=1,,000",
        ] {
            let err = parse_target(text).expect_err(text);
            assert!(err.to_string().contains("SIGN NUMBER [UNIT]"), "{err}");
        }
    }
}
