//! The names of a site's folders and of the files disclose writes, in one place, so that every
//! module agrees on them without depending on the module that writes them.

/// One declaration per file: `content/YEAR/SLUG.toml`.
pub const CONTENT_DIR: &str = "content";
/// Template overrides (`*.html`) and asset overrides (`assets/NAME`).
pub const TEMPLATES_DIR: &str = "templates";
/// Files published verbatim at the output root.
pub const STATIC_DIR: &str = "static";
/// Frozen years, `archive/YEAR/`, written by `disclose snapshot`.
pub const ARCHIVE_DIR: &str = "archive";
/// The default output folder.
pub const PUBLIC_DIR: &str = "public";
/// The site settings.
pub const CONFIG_FILE: &str = "site.toml";

/// The manifest of a published folder, in the format `sha256sum -c` reads.
pub const MANIFEST: &str = "SHA256SUMS";
/// The record of a snapshot, inside `archive/YEAR/`.
pub const RECORD: &str = "snapshot.toml";

/// The folders of a site that hold its sources: no output may replace them or sit inside them.
pub const SOURCE_DIRS: &[&str] = &[CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR, ARCHIVE_DIR];
