//! Where disclose may write a whole folder, and where it never may.
//!
//! A build replaces its output folder wholesale, so pointing `--out` at the wrong place would
//! destroy it: the site's sources, a frozen archive that must stay online unchanged, or the site
//! itself. Every destination is resolved to its real location first (symlinks and `..` followed),
//! then checked against the site it is written for, and a folder already there is replaced only
//! if this site's own last build made it ([`ensure_replaceable`]). Refusals name the folder and
//! say why.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::{OutputError, marker};
use crate::layout::{ARCHIVE_DIR, MANIFEST, RECORD, SOURCE_DIRS};

/// What is being written, which decides what is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `build`: a whole site, anywhere except the site's sources and archives.
    Build,
    /// `snapshot`: one year, into `archive/YEAR/` of its own site.
    Snapshot,
}

/// The real, absolute location of `path`, which need not exist yet: the longest existing
/// ancestor is canonicalized (following symlinks), and the rest is appended lexically (a
/// component that does not exist cannot be a symlink).
pub fn resolve(path: &Path) -> Result<PathBuf, OutputError> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|source| OutputError::io(path, "cannot find the current folder", source))?
            .join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest: Vec<Component> = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(real) => return Ok(append_lexically(real, rest.into_iter().rev())),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(OutputError::io(existing, "cannot resolve", source)),
        }
        let (Some(parent), Some(last)) = (existing.parent(), existing.components().next_back())
        else {
            return Ok(absolute);
        };
        rest.push(last);
        existing = parent;
    }
}

fn append_lexically<'a>(mut base: PathBuf, parts: impl Iterator<Item = Component<'a>>) -> PathBuf {
    for part in parts {
        match part {
            Component::ParentDir => {
                base.pop();
            }
            Component::Normal(name) => base.push(name),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    base
}

/// Refuse a destination that would replace, or write inside, something a build must not touch.
/// `out` and `site_root` must both be [`resolve`]d.
pub fn check_destination(
    out: &Path,
    site_root: &Path,
    purpose: Purpose,
) -> Result<(), OutputError> {
    let refuse = |why: String| {
        Err(OutputError::Protected {
            path: out.to_path_buf(),
            why,
        })
    };
    if out == site_root {
        return refuse("it is the site itself (site.toml, content/, archive/ …)".into());
    }
    if site_root.starts_with(out) {
        return refuse(format!(
            "it holds the site {} (replacing it would delete the sources)",
            site_root.display()
        ));
    }
    for source in SOURCE_DIRS {
        let folder = site_root.join(source);
        let allowed = purpose == Purpose::Snapshot && *source == ARCHIVE_DIR;
        if out.starts_with(&folder) && !allowed {
            let place = if out == folder { "" } else { "inside " };
            return refuse(format!(
                "it is {place}the site's {source}/ folder, which holds {}",
                describe(source)
            ));
        }
    }
    if purpose == Purpose::Build
        && let Some(snapshot) = out.ancestors().find(|dir| dir.join(RECORD).is_file())
    {
        return refuse(format!(
            "{} holds a {RECORD}: it is an archived snapshot, which must stay unchanged",
            snapshot.display()
        ));
    }
    Ok(())
}

fn describe(source: &str) -> &'static str {
    match source {
        "content" => "the declarations",
        "templates" => "the site's templates",
        "static" => "files published verbatim",
        _ => "the frozen snapshots of archived years",
    }
}

/// `out` may be replaced if it does not exist, is an empty folder, or is what this site's last
/// build put there (for a snapshot: an archived year, which `snapshot` replaces only with --force).
pub fn ensure_replaceable(
    out: &Path,
    parent: &Path,
    name: &str,
    site: &Path,
    purpose: Purpose,
) -> Result<(), OutputError> {
    let refuse = |why: String| OutputError::NotOurs {
        path: out.to_path_buf(),
        why,
    };
    let metadata = match fs::symlink_metadata(out) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(OutputError::io(out, "cannot read", source)),
    };
    if !metadata.is_dir() {
        return Err(refuse("it is not a folder".into()));
    }
    let is_empty = fs::read_dir(out)
        .map_err(|source| OutputError::io(out, "cannot list the output folder", source))?
        .next()
        .is_none();
    if is_empty {
        return Ok(());
    }
    let why = match purpose {
        Purpose::Snapshot if out.join(RECORD).is_file() && out.join(MANIFEST).is_file() => None,
        Purpose::Snapshot => Some(format!("it is not an archived year (no {RECORD})")),
        Purpose::Build => {
            // Before build outputs carried a marker, the default `public/` had none.
            let legacy_ok = out == site.join("public");
            marker::refusal(out, &marker::path(parent, name), site, legacy_ok)
        }
    };
    why.map_or(Ok(()), |why| Err(refuse(why)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> PathBuf {
        PathBuf::from("/srv/site")
    }

    fn verdict(out: &str, purpose: Purpose) -> Result<(), String> {
        check_destination(Path::new(out), &site(), purpose).map_err(|err| err.to_string())
    }

    #[test]
    fn the_usual_outputs_are_allowed() {
        assert!(verdict("/srv/site/public", Purpose::Build).is_ok());
        assert!(verdict("/srv/other/public", Purpose::Build).is_ok());
        assert!(verdict("/srv/site/archive/2023", Purpose::Snapshot).is_ok());
    }

    #[test]
    fn the_site_its_parents_and_its_sources_are_refused() {
        for out in [
            "/srv/site",
            "/srv",
            "/",
            "/srv/site/content",
            "/srv/site/content/2023",
            "/srv/site/templates",
            "/srv/site/static/x",
            "/srv/site/archive/2023",
            "/srv/site/archive",
        ] {
            let refused = verdict(out, Purpose::Build);
            assert!(refused.is_err(), "{out} was allowed");
            assert!(
                refused.unwrap_err().contains(out),
                "{out}: message names it"
            );
        }
        assert!(verdict("/srv/site/content/2023", Purpose::Snapshot).is_err());
    }

    #[test]
    fn resolving_follows_dot_dot_and_keeps_missing_tails() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        let out = resolve(&dir.path().join("a/b/../c")).unwrap();
        assert_eq!(out, real.join("a/c"));
        std::fs::create_dir(real.join("site")).unwrap();
        let up = resolve(&dir.path().join("site/..")).unwrap();
        assert_eq!(up, real);
    }
}
