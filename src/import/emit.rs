//! The declaration as TOML, in the field order of SPEC §2, written by hand so that the layout is
//! the one an office clerk reads and edits: one field a line, absent fields omitted, Markdown
//! goals in literal strings (no doubled backslashes) and paragraphs on lines of their own.

use super::form::Declaration;
use super::grid::Place;
use std::path::Path;

/// Where the declaration came from, for the comment on the first line.
pub(crate) struct Origin<'a> {
    pub file_name: &'a str,
    pub form_number: usize,
    /// The form's title row (its first row for a flat list).
    pub place: &'a Place,
}

pub(crate) fn to_toml(declaration: &Declaration, origin: &Origin<'_>) -> String {
    let mut out = String::new();
    let source = Path::new(origin.file_name)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| origin.file_name.to_string());
    let source: String = source
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    let comment = format!(
        "# Imported from {source}, form {} ({}).",
        origin.form_number, origin.place
    );
    // A sheet name comes from the file: no control character may end the comment early.
    out.extend(
        comment
            .chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c }),
    );
    out.push('\n');

    let d = declaration;
    field(&mut out, "name", Some(&d.name));
    out.push_str(&format!("year = {}\n", d.year));
    field(&mut out, "nature", d.nature.as_ref());
    field(&mut out, "category", d.category.as_ref());
    field(&mut out, "department", Some(&d.department));
    field(&mut out, "implementer", d.implementer.as_ref());
    // Checked as YYYY-MM-DD by the form reader, so they are valid TOML date literals.
    for (key, date) in [("start", &d.start), ("end", &d.end)] {
        if let Some(date) = date {
            out.push_str(&format!("{key} = {date}\n"));
        }
    }
    field(&mut out, "department_code", d.department_code.as_ref());
    field(&mut out, "period", d.period.as_ref());

    let f = &d.funding;
    out.push_str("\n[funding]\n");
    field(&mut out, "unit", Some(&f.unit));
    field(&mut out, "total", f.total.as_ref());
    field(&mut out, "total_fiscal", f.total_fiscal.as_ref());
    field(&mut out, "total_other", f.total_other.as_ref());
    field(&mut out, "annual", Some(&f.annual));
    field(&mut out, "appropriation", f.appropriation.as_ref());
    field(&mut out, "carryover", f.carryover.as_ref());
    field(&mut out, "other", f.other.as_ref());

    let g = &d.goals;
    if !g.is_empty() {
        out.push_str("\n[goals]\n");
        for (key, text) in [
            ("overall", &g.overall),
            ("overall_period", &g.overall_period),
        ] {
            markdown_field(&mut out, key, text);
        }
        markdown_field(&mut out, "annual", &g.annual);
    }

    for indicator in &d.indicators {
        out.push_str("\n[[indicators]]\n");
        field(&mut out, "level1", Some(&indicator.level1));
        field(&mut out, "level2", Some(&indicator.level2));
        field(&mut out, "name", Some(&indicator.name));
        field(&mut out, "target", Some(&indicator.target));
        field(&mut out, "weight", indicator.weight.as_ref());
        field(&mut out, "direction", indicator.direction.as_ref());
    }
    out
}

fn field(out: &mut String, key: &str, value: Option<&String>) {
    if let Some(value) = value {
        out.push_str(&format!("{key} = {}\n", basic_string(value)));
    }
}

fn markdown_field(out: &mut String, key: &str, value: &str) {
    if !value.is_empty() {
        out.push_str(&format!("{key} = {}\n", markdown_string(value)));
    }
}

/// A TOML basic string: `"…"` with `"`, `\` and control characters escaped.
pub(crate) fn basic_string(value: &str) -> String {
    format!("\"{}\"", escape_basic(value, false))
}

fn escape_basic(value: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A TOML string for Markdown text. Text with backslashes goes in a literal string (`'…'`), so
/// that Markdown escapes read as typed; text of several paragraphs goes in a multi-line string,
/// one paragraph a line. Falls back to basic strings when the text holds a `'`.
pub(crate) fn markdown_string(value: &str) -> String {
    let literal_ok = !value.contains('\'')
        && !value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t');
    let multi_line = value.contains('\n');
    match (multi_line, literal_ok) {
        (false, true) if value.contains('\\') => format!("'{value}'"),
        (false, _) => basic_string(value),
        (true, true) => format!("'''\n{value}'''"),
        (true, false) => format!("\"\"\"\n{}\"\"\"", escape_basic(value, true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses_back(toml_value: &str) -> String {
        let table: toml::Table = toml::from_str(&format!("v = {toml_value}")).expect(toml_value);
        table["v"].as_str().expect("a string").to_string()
    }

    #[test]
    fn basic_strings_round_trip() {
        for value in [
            "",
            "学术交流",
            "a\"b\\c",
            "tab\there",
            "line\nbreak\r",
            "\u{7f}\u{1}x",
            "≥100.00(项)",
        ] {
            assert_eq!(parses_back(&basic_string(value)), value);
        }
    }

    #[test]
    fn markdown_strings_round_trip_and_stay_readable() {
        assert_eq!(markdown_string("1\\. 促进"), "'1\\. 促进'");
        assert_eq!(markdown_string("甲\n\n乙"), "'''\n甲\n\n乙'''");
        assert_eq!(markdown_string("plain"), "\"plain\"");
        for value in [
            "1\\. 促进",
            "甲\n\n乙",
            "it's \\*",
            "it's\n\nfine\\",
            "'''\n\n\"\"\"",
            "a\u{1}\\",
            "\\\n\n\\",
            "x'",
            "x\"\n\ny\"",
        ] {
            assert_eq!(parses_back(&markdown_string(value)), value, "{value:?}");
        }
    }
}
