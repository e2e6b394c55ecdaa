//! `disclose init`: scaffold a new site without ever overwriting anything.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What `init` wrote, for the message to the user.
pub struct Scaffolded {
    pub root: PathBuf,
    pub created: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{0} already exists; disclose init never overwrites a site (edit it, or init another folder)"
    )]
    Exists(PathBuf),
    #[error("{path}: cannot create: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// Create `site.toml`, `content/`, `templates/` and `static/` in `root`.
pub fn init_site(root: &Path, title: &str, publisher: &str) -> Result<Scaffolded, InitError> {
    let config = root.join("site.toml");
    if config.exists() {
        return Err(InitError::Exists(config));
    }
    let mut created = Vec::new();
    for folder in ["content", "templates", "static"] {
        let path = root.join(folder);
        fs::create_dir_all(&path).map_err(|source| InitError::Io {
            path: path.clone(),
            source,
        })?;
        created.push(path);
    }
    let text = format!(
        "# Site settings for disclose. See README.md, section \"site.toml\".\n\
         title = {title}\n\
         # Where the site will be deployed; \"https://host/sub/\" works too.\n\
         base_url = \"/\"\n\
         language = \"zh-CN\"\n\
         publisher = {publisher}\n",
        title = toml_string(title),
        publisher = toml_string(publisher),
    );
    fs::write(&config, text).map_err(|source| InitError::Io {
        path: config.clone(),
        source,
    })?;
    created.push(config);
    Ok(Scaffolded {
        root: root.to_path_buf(),
        created,
    })
}

/// A TOML basic string with escapes, via the toml crate.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}
