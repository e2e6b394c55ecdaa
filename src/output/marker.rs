//! How a build output is told apart from every other folder that holds a `SHA256SUMS`.
//!
//! An archived year, a copied snapshot, a deployed copy and another site's output all carry a
//! disclose manifest, so "holds a `SHA256SUMS`" cannot mean "this build may replace it". Instead,
//! each build leaves a small record *beside* its output, `.NAME.disclose` (beside, so it is never
//! published, copied or archived with the folder), naming the site that built it and the sha256 of
//! the manifest it wrote. The next build replaces the folder only if that record is there, names
//! the same site, and the folder's `SHA256SUMS` is still the one it describes. A folder copied,
//! moved or edited into that place no longer matches and is refused.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::manifest::{MANIFEST, sha256_hex};

/// What a build records beside its output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marker {
    /// The site root the output was built from (absolute, resolved).
    pub site: PathBuf,
    /// sha256 of the `SHA256SUMS` the build wrote into the output.
    pub manifest_sha256: String,
}

/// `parent/.NAME.disclose`.
pub fn path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.disclose"))
}

const HEADER: &str = "# Written by `disclose build`: the folder beside this file is the output of the site below.\n\
# The next build replaces that folder only while its SHA256SUMS still has this hash.\n";

impl Marker {
    pub fn new(site: &Path, manifest: &[u8]) -> Marker {
        Marker {
            site: site.to_path_buf(),
            manifest_sha256: sha256_hex(manifest),
        }
    }

    /// Read the marker; `None` when there is none or it cannot be understood (either way it
    /// vouches for nothing).
    pub fn read(path: &Path) -> Option<Marker> {
        let text = fs::read_to_string(path).ok()?;
        toml::from_str(&text).ok()
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!("{HEADER}{body}")
    }
}

/// Why an existing folder may not be replaced, or `None` if it may.
pub fn refusal(out: &Path, marker_path: &Path, site: &Path, legacy_ok: bool) -> Option<String> {
    let manifest = out.join(MANIFEST);
    let Ok(bytes) = fs::read(&manifest) else {
        return Some(format!(
            "it was not made by disclose (it has no {MANIFEST})"
        ));
    };
    match Marker::read(marker_path) {
        Some(marker) if marker.site != site => Some(format!(
            "it is the output of another site ({}), according to {}",
            marker.site.display(),
            marker_path.display()
        )),
        Some(marker) if marker.manifest_sha256 != sha256_hex(&bytes) => Some(format!(
            "its {MANIFEST} is not the one this site's last build wrote there (it was replaced, copied over or edited since)"
        )),
        Some(_) => None,
        None if legacy_ok => None,
        None => Some(format!(
            "it holds a disclose {MANIFEST}, but no build of this site wrote it there: it may be an archived year, a deployed copy or another site's output"
        )),
    }
}
