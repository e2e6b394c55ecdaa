//! The importer (SPEC §5): reads the forms budget offices hold or publish and produces one
//! declaration TOML (SPEC §2) per form.
//!
//! One importer, separate readers. Each reader ([`read`]) turns one input shape into rows of
//! cells that remember where they came from ([`grid`]); one form reader then finds the forms in
//! those rows ([`locate`]) and their fields by their labels, never by column position ([`form`],
//! [`flat`] for one-row-per-indicator lists). A form that cannot be read is an error naming the
//! file, the line (or table row) and the form; one bad form fails the whole run, and every bad
//! form is reported at once.

mod columns;
mod emit;
mod fields;
mod flat;
mod form;
mod goals;
pub mod grid;
mod indicators;
mod labels;
mod locate;
mod markdown;
pub mod read;

mod summary;
mod wrapped;
mod write;

pub use read::{FORMATS, Format, ReadError};
pub use summary::FormSummary;
pub use write::{ImportWriteError, write_declarations};

use grid::{At, Document};
use std::fmt;

/// One form, read and rendered as the TOML of `content/YEAR/SLUG.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedDeclaration {
    /// 申报年度.
    pub year: i32,
    /// File stem: `[a-z0-9-]+`, from the 项目名称, unique within its year in one import run.
    pub slug: String,
    /// 项目名称.
    pub name: String,
    /// Line of the form's title in the input file (its first row for a flat list).
    pub source_line: usize,
    /// The declaration file's content.
    pub toml: String,
}

/// A form that cannot be read. Displays as `FILE:LINE: error: form N (项目名称): MESSAGE`, or
/// `FILE (sheet X, row N): error: …` for a row of a named table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    /// The input file's name, as given.
    pub file: String,
    /// 1-based line of a text file, or row of the table named in `table`.
    pub line: usize,
    /// The table the row is in (`sheet 申报表`, `table 2`); None for a line of a text file.
    pub table: Option<String>,
    /// 项目名称 of the form, if it could be read.
    pub form: Option<String>,
    /// 1-based position of the form in the file; None for a problem with the whole file.
    pub form_number: Option<usize>,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = grid::Place {
            table: self.table.clone(),
            line: self.line,
        };
        write!(f, "{}: error: ", place.in_file(&self.file))?;
        match (self.form_number, &self.form) {
            (Some(number), Some(name)) => write!(f, "form {number} ({name}): ")?,
            (Some(number), None) => write!(f, "form {number}: ")?,
            (None, _) => {}
        }
        f.write_str(&self.message)
    }
}

/// How a run reads its files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions<'a> {
    /// The reader to use for every file; None: detect from each file's extension and content.
    pub format: Option<Format>,
    /// `--unit`: the unit (`元` or `万元`) of forms that print none.
    pub unit: Option<&'a str>,
}

/// One input file.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Everything a run found: the declarations (when no form failed), the errors, and what a dry
/// run lists for each file and form.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub declarations: Vec<ImportedDeclaration>,
    pub errors: Vec<ImportError>,
    pub files: Vec<FileSummary>,
}

/// What a dry run says about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    pub file: String,
    pub format: Format,
    /// Notes about the whole file: an encoding guessed, text outside the forms.
    pub notes: Vec<String>,
    pub forms: Vec<FormSummary>,
}

/// Imports every form of every file as one run. Slugs are made unique per year across the run
/// (`-2`, `-3` in order). If any form fails, `declarations` is empty: nothing is to be written.
pub fn import(inputs: &[Input<'_>], options: ImportOptions<'_>) -> Outcome {
    let mut outcome = Outcome::default();
    for input in inputs {
        import_one(input, options, &mut outcome);
    }
    if outcome.errors.is_empty() {
        make_slugs_unique(&mut outcome.declarations);
    } else {
        outcome.declarations.clear();
    }
    outcome
}

/// Imports every form of one tab-separated text export. All forms, or an error for every
/// problem of every bad form.
pub fn import_text(
    text: &str,
    file_name: &str,
) -> Result<Vec<ImportedDeclaration>, Vec<ImportError>> {
    import_texts(&[(file_name, text)])
}

/// Imports several tab-separated text exports as one run, `(file_name, text)` in order.
pub fn import_texts(files: &[(&str, &str)]) -> Result<Vec<ImportedDeclaration>, Vec<ImportError>> {
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|(name, text)| Input {
            name,
            bytes: text.as_bytes(),
        })
        .collect();
    let outcome = import(
        &inputs,
        ImportOptions {
            format: Some(Format::Tsv),
            unit: None,
        },
    );
    if outcome.errors.is_empty() {
        Ok(outcome.declarations)
    } else {
        Err(outcome.errors)
    }
}

/// Makes slugs unique within each year, in order: a repeated `x` becomes `x-2`, then `x-3`.
/// Slugs that are already unique are left as they are.
pub fn make_slugs_unique(declarations: &mut [ImportedDeclaration]) {
    crate::slug::make_unique(
        declarations
            .iter_mut()
            .map(|declaration| (declaration.year, &mut declaration.slug)),
    );
}

fn import_one(input: &Input<'_>, options: ImportOptions<'_>, outcome: &mut Outcome) {
    let format = options
        .format
        .unwrap_or_else(|| read::detect(input.name, input.bytes));
    let file_error = |line: usize, message: String| ImportError {
        file: input.name.to_string(),
        line,
        table: None,
        form: None,
        form_number: None,
        message,
    };
    let mut document = match read::read(format, input.bytes) {
        Ok(document) => document,
        Err(error) => {
            outcome.errors.push(file_error(
                error.line.unwrap_or(1),
                format!("cannot be read as {format}: {}", error.message),
            ));
            outcome.files.push(FileSummary {
                file: input.name.to_string(),
                format,
                notes: Vec::new(),
                forms: Vec::new(),
            });
            return;
        }
    };
    let rows = document.take_rows();
    let located = locate::locate(&rows);
    let mut file = FileSummary {
        file: input.name.to_string(),
        format,
        notes: document.notes.clone(),
        forms: Vec::new(),
    };
    if let Some(first) = located.ignored.first() {
        file.notes.push(format!(
            "{} row(s) outside the forms ignored (first at {}: {})",
            located.ignored.len(),
            document.place(first.at),
            fields::quote(&first.joined())
        ));
    }
    if located.regions.is_empty() {
        let titles = labels::TITLES.join("、");
        outcome.errors.push(file_error(
            1,
            format!(
                "no form found: no row holds a form's title ({titles}) followed by a 项目名称, and no row is the header of a flat list (项目名称 … 三级指标 指标值); is this the right file, and the right --format ({format} was used)?"
            ),
        ));
    }
    let goal_width = match document.flow {
        grid::Flow::Wrapped => {
            wrapped::goal_width(located.regions.iter().map(|region| region.rows.as_slice()))
        }
        grid::Flow::Cells => 0,
    };
    let form_options = form::Options {
        unit: options.unit,
        goal_width,
    };
    let mut number = 0;
    for region in &located.regions {
        let results: Vec<(At, Result<form::Declaration, form::FormFailure>)> = match region.kind {
            locate::Kind::FlatList => flat::read_flat_list(region, form_options),
            _ => vec![(
                region.at,
                form::parse_form(region, document.flow, form_options),
            )],
        };
        for (at, result) in results {
            number += 1;
            let form = Form {
                input,
                document: &document,
                number,
                at,
            };
            form.record(result, &mut file, outcome);
        }
    }
    outcome.files.push(file);
}

/// One form of a file, as it is reported.
struct Form<'a> {
    input: &'a Input<'a>,
    document: &'a Document,
    /// 1-based, across the file.
    number: usize,
    at: At,
}

impl Form<'_> {
    /// Add the form's declaration (as TOML) or its errors to `outcome`, and its line to `file`.
    fn record(
        &self,
        result: Result<form::Declaration, form::FormFailure>,
        file: &mut FileSummary,
        outcome: &mut Outcome,
    ) {
        let place = self.document.place(self.at);
        match result {
            Ok(declaration) => {
                let origin = emit::Origin {
                    file_name: self.input.name,
                    form_number: self.number,
                    place: &place,
                };
                let toml = emit::to_toml(&declaration, &origin);
                file.forms
                    .push(FormSummary::of(self.number, &place, &declaration));
                outcome.declarations.push(ImportedDeclaration {
                    year: declaration.year,
                    slug: crate::slug::slugify(&declaration.name),
                    name: declaration.name,
                    source_line: self.at.line,
                    toml,
                });
            }
            Err(failure) => {
                file.forms.push(FormSummary::failed(
                    self.number,
                    &place,
                    &failure,
                    self.document,
                ));
                for (at, message) in failure.errors {
                    let place = self.document.place(at);
                    outcome.errors.push(ImportError {
                        file: self.input.name.to_string(),
                        line: place.line,
                        table: place.table,
                        form: failure.name.clone(),
                        form_number: Some(self.number),
                        message,
                    });
                }
            }
        }
    }
}

/// Reads one file with one reader and returns its rows, for fuzzing and tests of the readers.
pub fn read_document(format: Format, bytes: &[u8]) -> Result<Document, ReadError> {
    read::read(format, bytes)
}
