//! The form-text importer (SPEC §5): reads the text export of 财政项目支出绩效目标申报表 and
//! produces one declaration TOML (SPEC §2) per form.
//!
//! Fields are found by their label cells, never by column: exports shift columns, split labels
//! (`项目 绩效 目标`), leave merged cells blank and wrap goal text in HTML. A form that cannot be
//! read is an error naming the file, the line and the form; one bad form fails the whole run, and
//! every bad form is reported at once.

mod emit;
mod fields;
mod form;
mod goals;
mod indicators;
mod markdown;
mod table;
mod write;

pub use write::{ImportWriteError, write_declarations};

use std::fmt;

/// One form, read and rendered as the TOML of `content/YEAR/SLUG.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedDeclaration {
    /// 申报年度, from the form's `(YYYY年度)` line.
    pub year: i32,
    /// File stem: `[a-z0-9-]+`, from the 项目名称, unique within its year in one import run.
    pub slug: String,
    /// 项目名称.
    pub name: String,
    /// Line of the form's title in the input file.
    pub source_line: usize,
    /// The declaration file's content.
    pub toml: String,
}

/// A form that cannot be read. Displays as `FILE:LINE: error: form N (项目名称): MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    /// The input file's name, as given.
    pub file: String,
    /// 1-based line the problem is on.
    pub line: usize,
    /// 项目名称 of the form, if it could be read.
    pub form: Option<String>,
    /// 1-based position of the form in the file; None for text outside any form.
    pub form_number: Option<usize>,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: error: ", self.file, self.line)?;
        match (self.form_number, &self.form) {
            (Some(number), Some(name)) => write!(f, "form {number} ({name}): ")?,
            (Some(number), None) => write!(f, "form {number}: ")?,
            (None, _) => {}
        }
        f.write_str(&self.message)
    }
}

/// Imports every form of one text export. All forms, or an error for every problem of every bad
/// form (nothing is to be written then). Slugs are unique per year within the file.
pub fn import_text(
    text: &str,
    file_name: &str,
) -> Result<Vec<ImportedDeclaration>, Vec<ImportError>> {
    import_texts(&[(file_name, text)])
}

/// Imports several text exports as one run, `(file_name, text)` in order: errors from every file
/// are collected, and slugs are made unique per year across all of them (`-2`, `-3` in order).
pub fn import_texts(files: &[(&str, &str)]) -> Result<Vec<ImportedDeclaration>, Vec<ImportError>> {
    let mut declarations = Vec::new();
    let mut errors = Vec::new();
    for (file_name, text) in files {
        import_one(text, file_name, &mut declarations, &mut errors);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    make_slugs_unique(&mut declarations);
    Ok(declarations)
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

fn import_one(
    text: &str,
    file_name: &str,
    declarations: &mut Vec<ImportedDeclaration>,
    errors: &mut Vec<ImportError>,
) {
    let error = |line, form_number, form, message| ImportError {
        file: file_name.to_string(),
        line,
        form,
        form_number,
        message,
    };
    let (forms, stray) = table::split_forms(text);
    if forms.is_empty() {
        errors.push(error(
            1,
            None,
            None,
            format!(
                "no form found: no line holds the title `{}`; import the text export of the 财政项目支出绩效目标申报表",
                table::TITLE
            ),
        ));
    } else if let Some(stray) = stray {
        errors.push(error(
            stray.line,
            None,
            None,
            format!(
                "text before the first form: {}; every form must start with a line `{}`, so delete this text or add the missing title line",
                fields::quote(stray.text.trim()),
                table::TITLE
            ),
        ));
    }
    for raw in &forms {
        match form::parse_form(raw) {
            Ok(declaration) => {
                let toml = emit::to_toml(
                    &declaration,
                    &emit::Origin {
                        file_name,
                        form_number: raw.number,
                        title_line: raw.title_line,
                    },
                );
                declarations.push(ImportedDeclaration {
                    year: declaration.year,
                    slug: crate::slug::slugify(&declaration.name),
                    name: declaration.name,
                    source_line: raw.title_line,
                    toml,
                });
            }
            Err(failure) => {
                for (line, message) in failure.errors {
                    errors.push(error(line, Some(raw.number), failure.name.clone(), message));
                }
            }
        }
    }
}
