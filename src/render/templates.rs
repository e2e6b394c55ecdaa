//! The templates: built-in defaults compiled into the binary, overridden file by file from the
//! site's `templates/` folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use tera::Tera;
use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;

use super::errors::TemplateSource;

/// Built-in Tera templates, by name. The repository's `templates/` folder is the source of truth.
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("year.html", include_str!("../../templates/year.html")),
    (
        "declaration.html",
        include_str!("../../templates/declaration.html"),
    ),
    (
        "department.html",
        include_str!("../../templates/department.html"),
    ),
    (
        "quality_department.html",
        include_str!("../../templates/quality_department.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("quality.html", include_str!("../../templates/quality.html")),
    (
        "corrections_macros.html",
        include_str!("../../templates/corrections_macros.html"),
    ),
    (
        "corrections.html",
        include_str!("../../templates/corrections.html"),
    ),
    (
        "versions.html",
        include_str!("../../templates/versions.html"),
    ),
];

/// Built-in assets (CSS, icons), written to `assets/` and to each year's `YEAR/assets/` so that
/// an archived year carries its own look. Overridden by `templates/assets/NAME`.
pub const BUILTIN_ASSETS: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../templates/assets/style.css"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../templates/assets/favicon.svg"),
    ),
    (
        "search.js",
        include_bytes!("../../templates/assets/search.js"),
    ),
];

/// Compiled templates plus the asset files to publish.
pub struct Theme {
    pub tera: Tera,
    /// Every template's source and file by name, so a rendering error can point into it.
    pub sources: BTreeMap<String, TemplateSource>,
    /// Asset name → bytes, in name order.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// The templates were minified when loaded ([`super::preminify`]), so pages need not be.
    pub preminified: bool,
}

/// When pages are minified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Minify {
    /// The built-in templates once, when loaded, if the site overrides none of them; otherwise
    /// each page ([`super::preminify`]).
    Templates,
    /// Each page as it is rendered.
    Pages,
}

/// Load built-ins, apply the site's overrides, and compile. A template that does not compile is
/// a diagnostic naming its file.
pub fn load_theme(root: &Path) -> Result<Theme, Diagnostic> {
    load_theme_with(root, Minify::Templates)
}

/// [`load_theme`], choosing when pages are minified (`tests/preminify.rs` compares the two).
pub fn load_theme_with(root: &Path, when: Minify) -> Result<Theme, Diagnostic> {
    let mut sources: BTreeMap<String, (String, PathBuf)> = BUILTIN_TEMPLATES
        .iter()
        .map(|(name, text)| {
            (
                name.to_string(),
                (
                    text.to_string(),
                    PathBuf::from(format!("<built-in {name}>")),
                ),
            )
        })
        .collect();
    let mut assets: BTreeMap<String, Vec<u8>> = BUILTIN_ASSETS
        .iter()
        .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
        .collect();
    let mut overridden = false;
    let folder = root.join("templates");
    if folder.is_dir() {
        for entry in WalkDir::new(&folder).sort_by_file_name() {
            let entry = entry
                .map_err(|err| Diagnostic::error("templates", "", format!("cannot read: {err}")))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(&folder).unwrap_or(entry.path());
            let name = crate::diagnostics::display_path(relative);
            let shown = Path::new("templates").join(relative);
            let read_error = |err: std::io::Error| {
                Diagnostic::error(&shown, "", format!("cannot read the template: {err}"))
            };
            if let Some(asset) = name.strip_prefix("assets/") {
                assets.insert(
                    asset.to_string(),
                    fs::read(entry.path()).map_err(read_error)?,
                );
            } else if name.ends_with(".html") || name.ends_with(".xml") {
                let text = fs::read_to_string(entry.path()).map_err(read_error)?;
                // The repository's own `templates/` is the built-ins, word for word.
                let builtin = BUILTIN_TEMPLATES
                    .iter()
                    .find(|(builtin, _)| *builtin == name);
                overridden |= builtin.is_none_or(|(_, builtin_text)| *builtin_text != text);
                sources.insert(name, (text, shown));
            }
        }
    }
    let minified = (!overridden && when == Minify::Templates)
        .then(compile_minified_builtins)
        .flatten();
    let preminified = minified.is_some();
    let tera = match minified {
        Some(tera) => tera,
        None => compile(&sources)?,
    };
    let sources = sources
        .into_iter()
        .map(|(name, (text, file))| (name, TemplateSource { file, text }))
        .collect();
    Ok(Theme {
        preminified,
        tera,
        sources,
        assets,
    })
}

fn new_tera() -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera
}

/// Compile the templates as written. A template that does not compile is a diagnostic naming
/// its file.
fn compile(sources: &BTreeMap<String, (String, PathBuf)>) -> Result<Tera, Diagnostic> {
    let mut tera = new_tera();
    let raw: Vec<(&str, &str)> = sources
        .iter()
        .map(|(name, (text, _))| (name.as_str(), text.as_str()))
        .collect();
    tera.add_raw_templates(raw).map_err(|err| {
        let file = sources
            .iter()
            .find(|(name, _)| err.to_string().contains(name.as_str()))
            .map_or(PathBuf::from("templates"), |(_, (_, path))| path.clone());
        Diagnostic::error(
            file,
            "",
            format!("template does not compile: {}", error_chain(&err)),
        )
    })?;
    Ok(tera)
}

/// The built-in templates minified ([`super::preminify`]), once per process (`serve` loads the
/// theme again after every edit); `None` if any of them cannot be.
static MINIFIED_BUILTINS: LazyLock<Option<Vec<(&str, String)>>> = LazyLock::new(|| {
    BUILTIN_TEMPLATES
        .iter()
        .map(|(name, text)| Some((*name, super::preminify::minify_template(text)?)))
        .collect()
});

/// Compile the minified built-in templates; `None` if they could not be minified, and then
/// pages are minified one by one.
fn compile_minified_builtins() -> Option<Tera> {
    let minified = MINIFIED_BUILTINS.as_ref()?;
    let mut tera = new_tera();
    tera.add_raw_templates(minified.iter().map(|(name, text)| (*name, text.as_str())))
        .ok()?;
    Some(tera)
}

/// Escape text for HTML and XML: `& < > " '`. Unlike Tera's default we leave `/` alone, which
/// needs no escaping and keeps URLs and dates readable in the source.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#x27;"),
            _ => escaped.push(character),
        }
    }
    escaped
}

/// An error and all its causes, `: `-separated, as Zola prints them.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut message = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        let text = inner.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = inner.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_but_not_slashes() {
        assert_eq!(
            escape_html("<b a=\"1\">&'/"),
            "&lt;b a=&quot;1&quot;&gt;&amp;&#x27;/"
        );
    }
}
