//! Writing a rendered site to disk, all or nothing.
//!
//! Files are written into a staging folder beside the output and swapped in only when every
//! write succeeded, so a failed build leaves the previous output exactly as it was. disclose
//! only ever replaces an output folder that it made itself (one holding a `SHA256SUMS`
//! manifest) or an empty one; anything else is refused, never deleted.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::manifest::MANIFEST;
use crate::render::OutputFile;

/// An output problem, always naming the path involved.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: {action}: {source}")]
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    #[error(
        "{path} exists and was not made by disclose (it has no {MANIFEST}); move it away or choose another folder with --out"
    )]
    NotOurs { path: PathBuf },
    #[error(
        "{path}: a staging folder from another build is in the way; remove it if no build is running"
    )]
    StagingExists { path: PathBuf },
}

fn io_error<'p>(
    path: &'p Path,
    action: &'static str,
) -> impl FnOnce(io::Error) -> OutputError + 'p {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// Write `files` as the new content of `out`, replacing the previous output only on success.
pub fn publish(out: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    ensure_replaceable(out)?;
    let (parent, name) = split_out(out);
    fs::create_dir_all(&parent).map_err(io_error(&parent, "cannot create the folder"))?;
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    if staging.exists() {
        return Err(OutputError::StagingExists { path: staging });
    }
    fs::create_dir(&staging).map_err(io_error(&staging, "cannot create the staging folder"))?;
    if let Err(err) = write_all(&staging, files) {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    swap_in(&staging, out, &parent, &name)
}

/// `out` may be replaced if it does not exist, is an empty folder, or holds our manifest.
fn ensure_replaceable(out: &Path) -> Result<(), OutputError> {
    if !out.exists() || out.join(MANIFEST).is_file() {
        return Ok(());
    }
    let is_empty_dir = out.is_dir()
        && fs::read_dir(out)
            .map_err(io_error(out, "cannot list the output folder"))?
            .next()
            .is_none();
    if is_empty_dir {
        Ok(())
    } else {
        Err(OutputError::NotOurs {
            path: out.to_path_buf(),
        })
    }
}

fn split_out(out: &Path) -> (PathBuf, String) {
    let parent = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out.file_name().map_or_else(
        || "public".to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    (parent, name)
}

fn write_all(staging: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    for file in files {
        let path = staging.join(&file.path);
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder).map_err(io_error(folder, "cannot create the folder"))?;
        }
        fs::write(&path, &file.bytes).map_err(io_error(&path, "cannot write"))?;
    }
    Ok(())
}

/// Move the old output aside, move staging in, then delete the old output. If moving staging
/// in fails, the old output is moved back.
fn swap_in(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<(), OutputError> {
    let previous = parent.join(format!(".{name}.previous-{}", std::process::id()));
    let had_previous = out.exists();
    if had_previous {
        fs::rename(out, &previous)
            .map_err(io_error(out, "cannot move the previous output aside"))?;
    }
    if let Err(source) = fs::rename(staging, out) {
        if had_previous {
            let _ = fs::rename(&previous, out);
        }
        let _ = fs::remove_dir_all(staging);
        return Err(OutputError::Io {
            path: out.to_path_buf(),
            action: "cannot move the new output into place",
            source,
        });
    }
    if had_previous {
        fs::remove_dir_all(&previous)
            .map_err(io_error(&previous, "cannot remove the previous output"))?;
    }
    Ok(())
}
