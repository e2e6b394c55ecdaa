//! Property tests: every parser takes arbitrary input without panicking, and the money and target
//! parsers agree with their own formatting. (Stable-toolchain fuzzing: cargo-fuzz needs nightly,
//! which this project's machines do not have.)

use std::path::Path;

use proptest::prelude::*;
use rust_decimal::Decimal;

use disclose::declaration::{Location, parse_declaration};
use disclose::money::{Unit, format_yuan, parse_amount};
use disclose::target::{Target, parse_target};

mod common;

fn location() -> Location<'static> {
    Location {
        file: Path::new("content/2023/x.toml"),
        folder_year: 2023,
        slug: "x",
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn amount_parser_never_panics(text in "\\PC{0,24}") {
        let _ = parse_amount(&text, Unit::Yuan);
        let _ = parse_amount(&text, Unit::WanYuan);
    }

    #[test]
    fn formatted_amounts_read_back_exactly(units in 0u64..10_000_000_000_000, fen in 0u32..100) {
        let value = Decimal::from(units) + Decimal::new(i64::from(fen), 2);
        let shown = format_yuan(value);
        prop_assert_eq!(parse_amount(&shown, Unit::Yuan), Ok(value));
    }

    #[test]
    fn target_parser_never_panics_and_numbers_match_their_text(text in "[≥≤=><＞＜＝]?\\PC{0,16}") {
        if let Ok(Target::Quantitative { number, number_text, .. }) = parse_target(&text) {
            let plain: Decimal = number_text.replace(',', "").parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
            prop_assert_eq!(plain, number);
        }
    }

    #[test]
    fn declaration_parser_never_panics_on_noise(text in "\\PC{0,200}") {
        let _ = parse_declaration(&text, &location());
    }

    #[test]
    fn declaration_parser_never_panics_on_damaged_declarations(
        cut in 0usize..2000,
        insert in "\\PC{0,8}",
    ) {
        let good = common::declaration("甲项目", "1,800,000.00");
        let mut position = cut.min(good.len());
        while !good.is_char_boundary(position) {
            position -= 1;
        }
        let damaged = format!("{}{}{}", &good[..position], insert, &good[position..]);
        let parsed = parse_declaration(&damaged, &location());
        for diagnostic in &parsed.diagnostics {
            prop_assert_eq!(diagnostic.file.as_path(), Path::new("content/2023/x.toml"));
        }
    }
}
