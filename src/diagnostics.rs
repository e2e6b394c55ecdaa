//! Diagnostics: what is wrong, where, and what to do about it.
//!
//! Every problem found in a site's input becomes a [`Diagnostic`] that names the file (relative to
//! the site root, so messages read the same on every machine), the line and column where known,
//! the field, and a message that says how to fix it. Errors stop publication; warnings are
//! published unless `--strict` is given.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A 1-based line and column (the column counts characters, not bytes, so it matches what an
/// editor shows for Chinese text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `source`. Offsets past the end clamp to the end.
    pub fn of_offset(source: &str, offset: usize) -> Position {
        let mut clamped = offset.min(source.len());
        while !source.is_char_boundary(clamped) {
            clamped -= 1;
        }
        let before = &source[..clamped];
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        Position {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

/// The start of every line of one source, so that many positions in the same file cost a binary
/// search each rather than a scan from the start (a declaration records the position of each of
/// its fields).
#[derive(Debug, Clone)]
pub struct LineIndex<'s> {
    source: &'s str,
    /// Byte offset at which each line starts; the first is 0.
    starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    pub fn new(source: &'s str) -> Self {
        let newlines = source.match_indices('\n').map(|(offset, _)| offset + 1);
        LineIndex {
            source,
            starts: std::iter::once(0).chain(newlines).collect(),
        }
    }

    /// The same as [`Position::of_offset`] on the whole source.
    pub fn position(&self, offset: usize) -> Position {
        let mut clamped = offset.min(self.source.len());
        while !self.source.is_char_boundary(clamped) {
            clamped -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= clamped);
        let line_start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        Position {
            line: line.max(1),
            column: self.source[line_start..clamped].chars().count() + 1,
        }
    }
}

/// One problem in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, e.g. `content/2023/x.toml`.
    pub file: PathBuf,
    pub position: Option<Position>,
    /// Dotted field path, e.g. `funding.annual` or `indicators[3].target`; empty for whole-file problems.
    pub field: String,
    pub message: String,
}

impl Diagnostic {
    pub fn error(
        file: impl Into<PathBuf>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            position: None,
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn warning(
        file: impl Into<PathBuf>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, field, message)
        }
    }

    /// Attach the position of byte range `span` within `source`.
    pub fn at(mut self, source: &str, span: &Range<usize>) -> Self {
        self.position = Some(Position::of_offset(source, span.start));
        self
    }

    pub fn at_position(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The same diagnostic raised to an error (for `--strict`).
    pub fn as_error(&self) -> Self {
        Diagnostic {
            severity: Severity::Error,
            ..self.clone()
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `content/2023/x.toml:12:10: error: funding.annual: "1.005" has 3 decimals; …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", display_path(&self.file))?;
        if let Some(position) = self.position {
            write!(f, ":{}:{}", position.line, position.column)?;
        }
        write!(f, ": {}: ", self.severity)?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

/// Paths in messages always use `/`, whatever the platform.
pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// All diagnostics of one run, kept in a stable order (file, position, message) so that output
/// is the same on every run.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(more);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// With `--strict`, warnings count as errors.
    pub fn strict(self) -> Self {
        Diagnostics {
            items: self.items.iter().map(Diagnostic::as_error).collect(),
        }
    }

    /// Sorted by file, then position, then message.
    pub fn sorted(mut self) -> Self {
        self.items.sort_by(|a, b| {
            (&a.file, a.position, &a.field, &a.message)
                .cmp(&(&b.file, b.position, &b.field, &b.message))
        });
        self.items.dedup();
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// A one-line count, e.g. `2 errors, 1 warning`.
    pub fn summary(&self) -> String {
        let plural = |count: usize, word: &str| {
            format!("{count} {word}{}", if count == 1 { "" } else { "s" })
        };
        format!(
            "{}, {}",
            plural(self.error_count(), "error"),
            plural(self.warning_count(), "warning")
        )
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_index_agrees_with_a_scan_at_every_offset() {
        let sources = [
            "",
            "\n",
            "a",
            "name = \"项目\"\nyear = 2023\n\n[funding]\r\nannual = \"1.00\"",
            "\n\n项\n",
        ];
        for source in sources {
            let lines = LineIndex::new(source);
            for offset in 0..=source.len() + 2 {
                assert_eq!(
                    lines.position(offset),
                    Position::of_offset(source, offset),
                    "{source:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let source = "name = \"项目\"\nyear = 2023\n";
        let offset = source.find("2023").unwrap_or_default();
        assert_eq!(
            Position::of_offset(source, offset),
            Position { line: 2, column: 8 }
        );
        let after_han = source.find('"').unwrap_or_default() + 1 + "项目".len();
        assert_eq!(
            Position::of_offset(source, after_han),
            Position {
                line: 1,
                column: 11
            }
        );
    }

    #[test]
    fn display_matches_the_spec_format() {
        let diagnostic = Diagnostic::error("content/2023/x.toml", "funding.annual", "bad")
            .at_position(Some(Position {
                line: 12,
                column: 10,
            }));
        assert_eq!(
            diagnostic.to_string(),
            "content/2023/x.toml:12:10: error: funding.annual: bad"
        );
    }
}
