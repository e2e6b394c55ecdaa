//! What each fuzz target checks, as plain functions of the input bytes. The fuzz targets call
//! them, and so does `tests/fuzz_regressions.rs` on every saved crash input, so a regression test
//! replays exactly what the fuzzer ran. Only the public library API the build and the importer
//! use is called. Every check panics on a broken promise; a parser must never panic itself.
#![allow(dead_code)]

use std::path::Path;

use disclose::content::{Entry, parse_config};
use disclose::declaration::{Location, parse_declaration};
use disclose::import::{Format, ImportOptions, Input, import};
use disclose::money::{Unit, amount_from_text, format_yuan, group_thousands, plain_yuan};
use disclose::target::parse_target;
use disclose::validate::{consistency_warnings, validate};

/// A declaration file (`content/YEAR/SLUG.toml`) as the build reads it: parsed into the model
/// with a diagnostic for every problem, the consistency warnings and the rules across files
/// (here: the same file twice), and every diagnostic printed (line and column come from byte
/// offsets into the text).
pub fn declaration(data: &[u8]) {
    // The build reads declarations with `read_to_string`: text that is not UTF-8 never gets here.
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let location = Location {
        file: Path::new("content/2023/fuzz.toml"),
        folder_year: 2023,
        slug: "fuzz",
    };
    let parsed = parse_declaration(source, &location);
    for diagnostic in &parsed.diagnostics {
        let _ = diagnostic.to_string();
    }
    let Some(declaration) = parsed.declaration else {
        assert!(
            parsed.diagnostics.iter().any(|d| d.is_error()),
            "no declaration and no error"
        );
        return;
    };
    let entry = Entry {
        declaration: declaration.into(),
        positions: parsed.positions.into(),
    };
    for diagnostic in consistency_warnings(&entry) {
        let _ = diagnostic.to_string();
    }
    let twice = [entry.clone(), entry];
    for diagnostic in validate(&twice) {
        let _ = diagnostic.to_string();
    }
}

/// Amounts (src/money.rs) in both units, and the printed forms of what parsed. What parses
/// prints back (in its unit) to text that parses to the same value.
pub fn amount(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for unit in [Unit::Yuan, Unit::WanYuan] {
        match amount_from_text(text, unit) {
            Ok(amount) => {
                let shown = amount.display_in_unit();
                let again = amount_from_text(&shown, unit);
                assert!(
                    again.as_ref().is_ok_and(|again| again.yuan == amount.yuan),
                    "{text:?} in {unit:?} shows as {shown:?}, which reads back as {again:?}"
                );
                let _ = format_yuan(amount.yuan);
                let _ = plain_yuan(amount.yuan);
                let _ = group_thousands(amount.in_unit, unit.max_decimals());
                let _ = amount.to_string();
            }
            Err(error) => {
                let _ = error.to_string();
            }
        }
    }
}

/// Indicator targets (src/target.rs): `≥100.00(项)`, `及时`, and everything in between.
pub fn target(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_target(text) {
        Ok(target) => {
            let _ = format!("{target:?}");
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
}

/// `site.toml` as the build reads it: the config, or the errors that stop it.
pub fn site_toml(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let (config, diagnostics) = parse_config(source);
    for diagnostic in &diagnostics {
        let _ = diagnostic.to_string();
    }
    assert!(
        config.is_some() || diagnostics.iter().any(|d| d.is_error()),
        "no config and no error"
    );
}

/// The importer with `--format FORMAT`: it gives declarations or errors, never both; every
/// declaration it emits is TOML the build reads without a syntax error; every error names a
/// line and says something.
pub fn import_as(format: Format, bytes: &[u8]) {
    let outcome = import(
        &[Input {
            name: "fuzz",
            bytes,
        }],
        ImportOptions {
            format: Some(format),
            unit: None,
        },
    );
    assert!(
        outcome.errors.is_empty() || outcome.declarations.is_empty(),
        "declarations kept despite errors"
    );
    for error in &outcome.errors {
        assert!(error.line >= 1, "{error}");
        assert!(!error.message.is_empty(), "{error:?}");
        let _ = error.to_string();
    }
    for declaration in &outcome.declarations {
        let location = Location {
            file: Path::new("content/fuzz.toml"),
            folder_year: u16::try_from(declaration.year).unwrap_or(0),
            slug: &declaration.slug,
        };
        let parsed = parse_declaration(&declaration.toml, &location);
        let syntax = parsed
            .diagnostics
            .iter()
            .find(|diagnostic| diagnostic.message.starts_with("TOML syntax"));
        assert!(syntax.is_none(), "{syntax:?}\n{}", declaration.toml);
    }
}

/// For the Excel targets under libFuzzer, whose panic hook aborts on every panic before it can
/// unwind: let a panic raised inside calamine unwind (the importer catches it and reports the
/// file as unreadable, see `import::read::excel`), and abort on any other panic as before.
pub fn contain_calamine_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|location| location.file().contains("/calamine-"));
            if !in_calamine {
                fuzzer_hook(info);
            }
        }));
    });
}

/// A check: panics when the input breaks a promise.
pub type Check = fn(&[u8]);

/// Every target by name, as `fuzz/fuzz_targets/NAME.rs` and `fuzz/regressions/NAME/` call it.
pub const TARGETS: &[(&str, Check)] = &[
    ("declaration", declaration),
    ("amount", amount),
    ("target", target),
    ("site_toml", site_toml),
    ("import_tsv", |data| import_as(Format::Tsv, data)),
    ("import_csv", |data| import_as(Format::Csv, data)),
    ("import_text", |data| import_as(Format::Text, data)),
    ("import_layout", |data| import_as(Format::Layout, data)),
    ("import_json", |data| import_as(Format::Json, data)),
    ("import_html", |data| import_as(Format::Html, data)),
    ("import_pipe", |data| import_as(Format::Pipe, data)),
    ("import_xlsx", |data| import_as(Format::Xlsx, data)),
    ("import_xls", |data| import_as(Format::Xls, data)),
];
