//! Writing imported declarations to `OUT/YEAR/SLUG.toml`, all or nothing: every target is
//! checked before anything is written, and files are staged beside their targets and renamed
//! into place only once all of them were written.

use super::ImportedDeclaration;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why nothing (or, for a failing rename, not everything) was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportWriteError {
    /// Target files exist and `force` was not given; nothing was written.
    #[error("{}", exists_message(paths))]
    Exists { paths: Vec<PathBuf> },
    /// Two declarations would be written to the same file; nothing was written.
    #[error(
        "{} and {} would both be written to {}; nothing was written (make their slugs unique, e.g. with make_slugs_unique)",
        first,
        second,
        path.display()
    )]
    SameTarget {
        path: PathBuf,
        first: String,
        second: String,
    },
    /// A declaration whose year or slug cannot name a file; nothing was written.
    #[error(
        "{name}: year {year} and slug {slug:?} cannot name a declaration file (the year must have 4 digits, the slug match [a-z0-9-]+); nothing was written"
    )]
    InvalidTarget {
        name: String,
        year: i32,
        slug: String,
    },
    /// Reading or writing `path` failed.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

fn exists_message(paths: &[PathBuf]) -> String {
    let mut message = format!(
        "{} target file{} already exist{}; nothing was written. Pass --force to overwrite:",
        paths.len(),
        if paths.len() == 1 { "" } else { "s" },
        if paths.len() == 1 { "s" } else { "" },
    );
    for path in paths {
        message.push_str(&format!("\n  {}", path.display()));
    }
    message
}

/// Writes each declaration to `out_dir/YEAR/SLUG.toml`, creating folders as needed, and returns
/// the paths written in order. Without `force`, refuses (writing nothing) if any target exists.
pub fn write_declarations(
    declarations: &[ImportedDeclaration],
    out_dir: &Path,
    force: bool,
) -> Result<Vec<PathBuf>, ImportWriteError> {
    let mut targets = Vec::with_capacity(declarations.len());
    let mut seen: HashMap<PathBuf, &str> = HashMap::new();
    for declaration in declarations {
        let path = target(declaration, out_dir)?;
        if let Some(first) = seen.insert(path.clone(), &declaration.name) {
            return Err(ImportWriteError::SameTarget {
                path,
                first: first.to_string(),
                second: declaration.name.clone(),
            });
        }
        targets.push(path);
    }

    let existing: Vec<PathBuf> = targets
        .iter()
        .filter(|path| fs::symlink_metadata(path).is_ok())
        .cloned()
        .collect();
    if !existing.is_empty() && !force {
        return Err(ImportWriteError::Exists { paths: existing });
    }

    let mut staged: Vec<PathBuf> = Vec::with_capacity(targets.len());
    let result = stage_all(declarations, &targets, &mut staged).and_then(|()| {
        for (stage, path) in staged.iter().zip(&targets) {
            fs::rename(stage, path).map_err(|source| ImportWriteError::Io {
                path: path.clone(),
                source,
            })?;
        }
        Ok(())
    });
    if result.is_err() {
        for stage in &staged {
            let _ = fs::remove_file(stage); // already renamed or never written: nothing to undo
        }
    }
    result.map(|()| targets)
}

fn target(declaration: &ImportedDeclaration, out_dir: &Path) -> Result<PathBuf, ImportWriteError> {
    let slug = &declaration.slug;
    let slug_ok = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !slug_ok || !(1000..=9999).contains(&declaration.year) {
        return Err(ImportWriteError::InvalidTarget {
            name: declaration.name.clone(),
            year: declaration.year,
            slug: slug.clone(),
        });
    }
    Ok(out_dir
        .join(declaration.year.to_string())
        .join(format!("{slug}.toml")))
}

/// Writes every declaration to a staging file beside its target, recording each one written.
fn stage_all(
    declarations: &[ImportedDeclaration],
    targets: &[PathBuf],
    staged: &mut Vec<PathBuf>,
) -> Result<(), ImportWriteError> {
    for (declaration, path) in declarations.iter().zip(targets) {
        let dir = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|source| ImportWriteError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let stage = dir.join(format!(".{}.toml.importing", declaration.slug));
        fs::write(&stage, &declaration.toml).map_err(|source| ImportWriteError::Io {
            path: stage.clone(),
            source,
        })?;
        staged.push(stage);
    }
    Ok(())
}
