//! Placeholder until the importer branch is merged.
use std::path::{Path, PathBuf};
pub struct ImportedDeclaration {
    pub year: i32,
    pub slug: String,
    pub name: String,
    pub source_line: usize,
    pub toml: String,
}
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: error: {message}")]
pub struct ImportError {
    pub file: String,
    pub line: usize,
    pub form: Option<String>,
    pub message: String,
}
pub fn import_text(
    _text: &str,
    file_name: &str,
) -> Result<Vec<ImportedDeclaration>, Vec<ImportError>> {
    Err(vec![ImportError {
        file: file_name.into(),
        line: 0,
        form: None,
        message: "importer not merged yet".into(),
    }])
}
pub fn write_declarations(
    _d: &[ImportedDeclaration],
    _out: &Path,
    _force: bool,
) -> Result<Vec<PathBuf>, std::io::Error> {
    Ok(vec![])
}
