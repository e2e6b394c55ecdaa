//! `[quality]` in `site.toml`, read into [`QualitySettings`] where the rest of `site.toml` is read
//! (`crate::content`), with the same diagnostics: positions, and unknown keys with the nearest
//! known name.
//!
//! ```toml
//! [quality]
//! publish = true                  # YEAR/quality/, quality.csv, the section on declaration pages
//! min_quantitative_share = 50     # percent; 0 never reports a low share
//! vague_words = ["规范", "健全"]    # added to the built-in list (see quality::words)
//!
//! [quality.checks]                # every check is on unless switched off here
//! missing-cost = false
//! ```

use std::collections::BTreeSet;

use toml::de::DeValue;

use super::Check;
use crate::fields::{FieldReader, Scope};
use crate::model::QualitySettings;

/// At least half of a declaration's targets should be quantitative. The financial framework
/// asks for measurable targets "where possible" without a number; this default is disclose's
/// choice, and each site sets its own.
pub const DEFAULT_MIN_QUANTITATIVE_SHARE: u8 = 50;

const KEYS: &[&str] = &["publish", "min_quantitative_share", "vague_words", "checks"];

/// The settings of a site without a `[quality]` section: everything on, published.
pub fn defaults() -> QualitySettings {
    QualitySettings {
        publish: true,
        disabled: BTreeSet::new(),
        vague_words: Vec::new(),
        min_quantitative_share: DEFAULT_MIN_QUANTITATIVE_SHARE,
    }
}

/// Read `[quality]` from the top-level `root` of site.toml. Problems go to the reader's
/// diagnostics; the returned settings then hold the default for the field in question.
pub fn read(reader: &mut FieldReader, root: Scope) -> QualitySettings {
    let mut settings = defaults();
    let Some(value) = reader.table(root, "quality", false) else {
        return settings;
    };
    let Some(table) = value.get_ref().as_table() else {
        return settings;
    };
    let span = value.span();
    let scope = Scope {
        table,
        prefix: "quality.",
        span: &span,
    };
    reader.reject_unknown_keys(scope, KEYS);
    if let Some(publish) = reader.boolean(scope, "publish") {
        settings.publish = publish;
    }
    if let Some(share) = read_share(reader, scope) {
        settings.min_quantitative_share = share;
    }
    settings.vague_words = read_words(reader, scope);
    settings.disabled = read_switches(reader, scope);
    settings
}

fn read_share(reader: &mut FieldReader, scope: Scope) -> Option<u8> {
    let (share, span) = reader.integer(scope, "min_quantitative_share", false)?;
    let percent = u8::try_from(share).ok().filter(|percent| *percent <= 100);
    if percent.is_none() {
        reader.error(
            "quality.min_quantitative_share",
            &span,
            format!("{share} is not a percentage; write a whole number from 0 to 100, e.g. 50 (0 never reports a low share)"),
        );
    }
    percent
}

fn read_words(reader: &mut FieldReader, scope: Scope) -> Vec<String> {
    let field = "quality.vague_words";
    let Some(value) = scope.table.get("vague_words") else {
        return Vec::new();
    };
    let Some(items) = value.get_ref().as_array() else {
        let found = value.get_ref().type_str();
        let message = format!("expected a list of words, e.g. [\"规范\", \"健全\"], found {found}");
        reader.error(field, &value.span(), message);
        return Vec::new();
    };
    let mut words = Vec::new();
    for item in items {
        match item.get_ref() {
            DeValue::String(word) if !word.trim().is_empty() => {
                words.push(word.trim().to_string());
            }
            _ => reader.error(
                field,
                &item.span(),
                "expected a non-empty word in quotes, e.g. \"规范\"",
            ),
        }
    }
    words
}

/// `[quality.checks]`: `CODE = false` switches a check off.
fn read_switches(reader: &mut FieldReader, scope: Scope) -> BTreeSet<String> {
    let mut disabled = BTreeSet::new();
    let Some(value) = reader.table(scope, "checks", false) else {
        return disabled;
    };
    let Some(table) = value.get_ref().as_table() else {
        return disabled;
    };
    let span = value.span();
    let checks = Scope {
        table,
        prefix: "quality.checks.",
        span: &span,
    };
    let codes: Vec<&str> = Check::ALL.iter().map(|check| check.code()).collect();
    reader.reject_unknown_keys(checks, &codes);
    for code in codes {
        if reader.boolean(checks, code) == Some(false) {
            disabled.insert(code.to_string());
        }
    }
    disabled
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use toml::de::DeTable;

    use super::*;

    /// The settings and the diagnostics of a site.toml text.
    fn read_text(source: &str) -> (QualitySettings, Vec<String>) {
        let document = DeTable::parse(source).expect("TOML");
        let mut reader = FieldReader::new(source, Path::new("site.toml"));
        let whole = 0..0;
        let root = Scope {
            table: document.get_ref(),
            prefix: "",
            span: &whole,
        };
        let settings = read(&mut reader, root);
        let messages = reader.diagnostics.iter().map(|d| d.to_string()).collect();
        (settings, messages)
    }

    #[test]
    fn without_a_section_everything_is_on_and_published() {
        assert_eq!(read_text("title = \"x\"\n"), (defaults(), vec![]));
    }

    #[test]
    fn reads_every_setting() {
        let (settings, messages) = read_text(
            "[quality]\npublish = false\nmin_quantitative_share = 60\nvague_words = [\"规范\", \" 健全 \"]\n\n[quality.checks]\nmissing-cost = false\nvague-target = true\n",
        );
        assert_eq!(messages, Vec::<String>::new());
        assert_eq!(
            settings,
            QualitySettings {
                publish: false,
                disabled: BTreeSet::from(["missing-cost".to_string()]),
                vague_words: vec!["规范".into(), "健全".into()],
                min_quantitative_share: 60,
            }
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors_with_the_fix() {
        let (_, messages) = read_text(
            "[quality]\npublsh = true\nmin_quantitative_share = 120\nvague_words = [\"\", 3]\n\n[quality.checks]\nvague-targets = false\n",
        );
        assert_eq!(
            messages,
            vec![
                "site.toml:2:1: error: quality.publsh: unknown field; did you mean `publish`?",
                "site.toml:3:26: error: quality.min_quantitative_share: 120 is not a percentage; write a whole number from 0 to 100, e.g. 50 (0 never reports a low share)",
                "site.toml:4:16: error: quality.vague_words: expected a non-empty word in quotes, e.g. \"规范\"",
                "site.toml:4:20: error: quality.vague_words: expected a non-empty word in quotes, e.g. \"规范\"",
                "site.toml:7:1: error: quality.checks.vague-targets: unknown field; did you mean `vague-target`?",
            ]
        );
    }
}
