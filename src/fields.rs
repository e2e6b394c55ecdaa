//! Reading typed fields out of a spanned TOML table, with a diagnostic for every problem.
//!
//! We parse content with `toml::de::DeTable` rather than serde derive so that every value keeps
//! its byte span: each diagnostic can then point at the line and column of the offending value,
//! unknown keys can be reported with the nearest known name, and a TOML float can be rejected
//! before it is ever turned into an `f64`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, LineIndex, Position};
use crate::model::Date;
use crate::money::{self, Amount, AmountError, Unit};

/// Where each field was found, by dotted path (`funding.annual`), so later checks can point at it.
pub type FieldPositions = BTreeMap<String, Position>;

/// Reads fields of one file, collecting diagnostics and positions as it goes.
pub struct FieldReader<'s> {
    source: &'s str,
    lines: LineIndex<'s>,
    file: &'s Path,
    pub diagnostics: Vec<Diagnostic>,
    pub positions: FieldPositions,
}

/// A table within the file and the dotted prefix of its keys (`""`, `"funding."`, `"indicators[2]."`).
#[derive(Clone, Copy)]
pub struct Scope<'t, 'i> {
    pub table: &'t DeTable<'i>,
    pub prefix: &'t str,
    /// Span of the table itself, for "missing field" diagnostics.
    pub span: &'t Range<usize>,
}

impl<'s> FieldReader<'s> {
    pub fn new(source: &'s str, file: &'s Path) -> Self {
        FieldReader {
            source,
            lines: LineIndex::new(source),
            file,
            diagnostics: Vec::new(),
            positions: FieldPositions::new(),
        }
    }

    pub fn error(&mut self, field: &str, span: &Range<usize>, message: impl Into<String>) {
        let diagnostic = Diagnostic::error(self.file, field, message).at(self.source, span);
        self.diagnostics.push(diagnostic);
    }

    pub fn position(&self, span: &Range<usize>) -> Position {
        self.lines.position(span.start)
    }

    /// Report every key of `scope` that is not in `known`, suggesting the nearest known name.
    pub fn reject_unknown_keys(&mut self, scope: Scope, known: &[&str]) {
        for (key, _) in scope.table.iter() {
            let name: &str = key.get_ref();
            if known.contains(&name) {
                continue;
            }
            let field = format!("{}{}", scope.prefix, name);
            let message = match nearest(name, known) {
                Some(suggestion) => format!("unknown field; did you mean `{suggestion}`?"),
                None => format!("unknown field; known fields here are: {}", known.join(", ")),
            };
            self.error(&field, &key.span(), message);
        }
    }

    /// Look up `key`, recording its position; report a missing required key.
    fn lookup<'t, 'i>(
        &mut self,
        scope: Scope<'t, 'i>,
        key: &str,
        required: bool,
    ) -> Option<&'t Spanned<DeValue<'i>>> {
        let field = format!("{}{}", scope.prefix, key);
        match scope.table.get(key) {
            Some(value) => {
                let position = self.position(&value.span());
                self.positions.insert(field, position);
                Some(value)
            }
            None => {
                if required {
                    self.error(
                        &field,
                        scope.span,
                        format!("missing required field `{key}`; add `{key} = …`"),
                    );
                }
                None
            }
        }
    }

    fn type_error(&mut self, scope: Scope, key: &str, value: &Spanned<DeValue>, expected: &str) {
        let field = format!("{}{}", scope.prefix, key);
        let found = value.get_ref().type_str();
        self.error(
            &field,
            &value.span(),
            format!("expected {expected}, found {found}"),
        );
    }

    pub fn string(&mut self, scope: Scope, key: &str, required: bool) -> Option<String> {
        let value = self.lookup(scope, key, required)?;
        match value.get_ref() {
            DeValue::String(text) if text.trim().is_empty() && required => {
                let field = format!("{}{}", scope.prefix, key);
                self.error(
                    &field,
                    &value.span(),
                    "is empty; write the text as printed on the form",
                );
                None
            }
            DeValue::String(text) => Some(text.to_string()),
            _ => {
                self.type_error(scope, key, value, "a string in quotes");
                None
            }
        }
    }

    pub fn boolean(&mut self, scope: Scope, key: &str) -> Option<bool> {
        let value = self.lookup(scope, key, false)?;
        match value.get_ref() {
            DeValue::Boolean(flag) => Some(*flag),
            _ => {
                self.type_error(scope, key, value, "true or false");
                None
            }
        }
    }

    /// An integer with its span (used for `year`).
    pub fn integer(
        &mut self,
        scope: Scope,
        key: &str,
        required: bool,
    ) -> Option<(i64, Range<usize>)> {
        let value = self.lookup(scope, key, required)?;
        let parsed = match value.get_ref() {
            DeValue::Integer(integer) => {
                i64::from_str_radix(&integer.as_str().replace('_', ""), integer.radix()).ok()
            }
            _ => None,
        };
        if parsed.is_none() {
            self.type_error(scope, key, value, "a whole number such as 2023");
        }
        parsed.map(|number| (number, value.span()))
    }

    /// A TOML local date such as `2023-01-01`.
    pub fn date(&mut self, scope: Scope, key: &str) -> Option<(Date, Range<usize>)> {
        let value = self.lookup(scope, key, false)?;
        let field = format!("{}{}", scope.prefix, key);
        let fix = format!("write a TOML date without quotes, e.g. `{key} = 2023-01-01`");
        let date = match value.get_ref() {
            DeValue::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
                datetime
                    .date
                    .and_then(|d| Date::new(d.year, d.month, d.day))
            }
            _ => None,
        };
        if date.is_none() {
            let shown = &self.source[value.span()];
            self.error(
                &field,
                &value.span(),
                format!("{shown} is not a date; {fix}"),
            );
        }
        date.map(|date| (date, value.span()))
    }

    /// An amount in `unit`, from a string or an integer; floats and malformed text are errors.
    pub fn amount(
        &mut self,
        scope: Scope,
        key: &str,
        unit: Unit,
        required: bool,
    ) -> Option<Amount> {
        let value = self.lookup(scope, key, required)?;
        let result = match value.get_ref() {
            DeValue::String(text) => money::amount_from_text(text, unit),
            DeValue::Integer(integer) if integer.radix() == 10 => {
                money::amount_from_text(&integer.as_str().replace('_', ""), unit)
            }
            DeValue::Float(float) => Err(AmountError::Float {
                text: float.as_str().to_string(),
            }),
            _ => Err(AmountError::NotAnAmount {
                text: self.source[value.span()].to_string(),
                max: unit.max_decimals(),
            }),
        };
        match result {
            Ok(amount) => Some(amount),
            Err(problem) => {
                let field = format!("{}{}", scope.prefix, key);
                self.error(&field, &value.span(), problem.to_string());
                None
            }
        }
    }

    /// A sub-table such as `[funding]`.
    pub fn table<'t, 'i>(
        &mut self,
        scope: Scope<'t, 'i>,
        key: &str,
        required: bool,
    ) -> Option<&'t Spanned<DeValue<'i>>> {
        let value = self.lookup(scope, key, required)?;
        if value.get_ref().as_table().is_none() {
            self.type_error(scope, key, value, &format!("a table `[{key}]`"));
            return None;
        }
        Some(value)
    }
}

/// The known name closest to `unknown`, if any is close enough to be a likely typo.
pub fn nearest<'k>(unknown: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), *candidate))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_known_name() {
        let known = ["annual", "appropriation", "carryover", "other"];
        assert_eq!(nearest("anual", &known), Some("annual"));
        assert_eq!(nearest("carry_over", &known), Some("carryover"));
        assert_eq!(nearest("zzz", &known), None);
    }
}
