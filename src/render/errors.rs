//! Turning a Tera rendering error into a [`Diagnostic`] that names the template file the error
//! happened in (a site's `templates/X.html`, or the built-in one) and, where it can be found, the
//! line.
//!
//! Tera 1 reports the line of syntax errors but not of rendering errors: its messages name the
//! template (`… while rendering 'base.html'`, `(error happened in 'base.html')`) and the culprit
//! (a variable, filter, function, test or macro). The line given here is the first place in that
//! template's source where the culprit is used inside a tag; when it is used more than once the
//! message says so, since the failing use may be a later one.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostics::Severity;

use tera::ErrorKind;

use crate::diagnostics::{Diagnostic, Position};

use super::templates::error_chain;

/// One template's source and the file it was read from (`templates/X.html`, or
/// `<built-in X.html>`), kept so rendering errors can point into it.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub file: PathBuf,
    pub text: String,
}

/// The diagnostic for a failure to render `page_path` with the template `template`.
/// `parents` is the template's inheritance chain (`extends`), nearest first.
pub fn render_failure(
    err: &tera::Error,
    template: &str,
    parents: &[String],
    page_path: &str,
    sources: &BTreeMap<String, TemplateSource>,
) -> Diagnostic {
    let chain = error_chain(err);
    let culprit = culprit(err, &chain);
    let find = |name: &str| {
        let source = sources.get(name)?;
        culprit.as_ref()?.find_in(&source.text)
    };
    // The template Tera names, if the culprit is used there; otherwise the first of the page's
    // template and its parents that uses it. Tera names the child for an error in a parent's
    // code outside blocks, and sometimes names none.
    let named = failing_template(&chain, sources);
    let candidates = named
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(template))
        .chain(parents.iter().map(String::as_str));
    let failing = candidates
        .clone()
        .find(|name| find(name).is_some())
        .or(named.as_deref())
        .unwrap_or(template)
        .to_string();
    let file = sources.get(&failing).map_or_else(
        || PathBuf::from(format!("templates/{failing}")),
        |source| source.file.clone(),
    );
    let mut message = format!("{}: {chain}", failed_page(page_path));
    let found = find(&failing);
    let position = found.map(|(position, uses, shown)| {
        if uses > 1 {
            message.push_str(&format!(
                " (the line given is the first of {uses} uses of {shown} in this template)"
            ));
        }
        position
    });
    Diagnostic::error(file, "", message).at_position(position)
}

/// The template the error happened in: the innermost `while rendering 'X'`, else the innermost
/// `(error happened in 'X')`, else the template of the macro that failed.
fn failing_template(chain: &str, sources: &BTreeMap<String, TemplateSource>) -> Option<String> {
    quoted_after(chain, "while rendering '")
        .or_else(|| quoted_after(chain, "(error happened in '"))
        .or_else(|| {
            let (namespace, _) = macro_in(chain)?;
            macro_file(namespace, sources)
        })
}

/// The text between `prefix` and the next `'`, at the last place `prefix` occurs.
fn quoted_after(text: &str, prefix: &str) -> Option<String> {
    let start = text.rfind(prefix)? + prefix.len();
    let length = text[start..].find('\'')?;
    Some(text[start..start + length].to_string())
}

/// `error while rendering macro `NAMESPACE::NAME`` → (NAMESPACE, NAME).
fn macro_in(chain: &str) -> Option<(&str, &str)> {
    let prefix = "error while rendering macro `";
    let start = chain.rfind(prefix)? + prefix.len();
    let length = chain[start..].find('`')?;
    chain[start..start + length].split_once("::")
}

/// The file a template imports as `namespace`: `{% import "macros.html" as NAMESPACE %}`.
fn macro_file(namespace: &str, sources: &BTreeMap<String, TemplateSource>) -> Option<String> {
    sources.values().find_map(|source| {
        source.text.match_indices("import").find_map(|(start, _)| {
            let rest = &source.text[start + "import".len()..];
            let rest = rest.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let name_end = rest[1..].find(quote)? + 1;
            let name = &rest[1..name_end];
            let after = rest[name_end + 1..].trim_start().strip_prefix("as")?;
            let alias = after.trim_start();
            let alias_end = alias
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(alias.len());
            (&alias[..alias_end] == namespace).then(|| name.to_string())
        })
    })
}

/// What failed, and how it is written in a template.
#[derive(Debug, PartialEq, Eq)]
enum Culprit {
    Variable(String),
    Filter(String),
    Function(String),
    Test(String),
    Macro(String),
}

/// The culprit of the innermost error of the chain that names one.
fn culprit(err: &tera::Error, chain: &str) -> Option<Culprit> {
    let mut found = None;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = cause {
        if let Some(tera) = current.downcast_ref::<tera::Error>() {
            let named = match &tera.kind {
                ErrorKind::FilterNotFound(name) | ErrorKind::CallFilter(name) => {
                    Some(Culprit::Filter(name.clone()))
                }
                ErrorKind::FunctionNotFound(name) | ErrorKind::CallFunction(name) => {
                    Some(Culprit::Function(name.clone()))
                }
                ErrorKind::TestNotFound(name) | ErrorKind::CallTest(name) => {
                    Some(Culprit::Test(name.clone()))
                }
                _ => None,
            };
            found = named.or(found);
        }
        cause = current.source();
    }
    let variable = |prefix: &str| {
        let start = chain.rfind(prefix)? + prefix.len();
        let length = chain[start..].find('`')?;
        Some(Culprit::Variable(chain[start..start + length].to_string()))
    };
    found
        .or_else(|| variable("Variable `"))
        .or_else(|| variable("on variable `"))
        .or_else(|| macro_in(chain).map(|(_, name)| Culprit::Macro(name.to_string())))
}

impl Culprit {
    /// The position of its first use inside a tag of `text`, how many uses there are, and the
    /// culprit as the message shows it.
    fn find_in(&self, text: &str) -> Option<(Position, usize, String)> {
        let (name, shown) = match self {
            Culprit::Variable(path) => (path.as_str(), format!("`{path}`")),
            Culprit::Filter(name) => (name.as_str(), format!("the filter `{name}`")),
            Culprit::Function(name) => (name.as_str(), format!("the function `{name}`")),
            Culprit::Test(name) => (name.as_str(), format!("the test `{name}`")),
            Culprit::Macro(name) => (name.as_str(), format!("the macro `{name}`")),
        };
        if name.is_empty() {
            return None;
        }
        let uses: Vec<usize> = text
            .match_indices(name)
            .map(|(start, _)| start)
            .filter(|start| self.is_use_at(text, *start, name.len()))
            .collect();
        let first = *uses.first()?;
        Some((Position::of_offset(text, first), uses.len(), shown))
    }

    /// Whether `text[start..start + length]` is this culprit written in a tag: a whole name, in
    /// the right syntax (`| filter`, `function(`, `is test`, `macro name(`).
    fn is_use_at(&self, text: &str, start: usize, length: usize) -> bool {
        let before = &text[..start];
        let after = &text[start + length..];
        let is_name_char = |c: char| c.is_alphanumeric() || c == '_';
        let whole = !before.ends_with(is_name_char) && !after.starts_with(is_name_char);
        if !whole || !in_tag(before) {
            return false;
        }
        let before = before.trim_end();
        let after = after.trim_start();
        match self {
            Culprit::Variable(_) => !before.ends_with('.') && !after.starts_with('('),
            Culprit::Filter(_) => before.ends_with('|'),
            Culprit::Function(_) => after.starts_with('('),
            Culprit::Test(_) => before.ends_with(" is") || before.ends_with(" not"),
            Culprit::Macro(_) => before.ends_with("::") || before.ends_with("macro"),
        }
    }
}

/// Whether the end of `before` is inside a `{{ … }}` or `{% … %}` tag.
fn in_tag(before: &str) -> bool {
    let opened = [before.rfind("{{"), before.rfind("{%")]
        .into_iter()
        .flatten()
        .max();
    let closed = [before.rfind("}}"), before.rfind("%}")]
        .into_iter()
        .flatten()
        .max();
    match (opened, closed) {
        (Some(opened), Some(closed)) => opened > closed,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// How a rendering error's message starts; [`collapse_repeats`] recognises a page's errors by it.
fn failed_page(page_path: &str) -> String {
    format!("rendering {page_path} failed")
}

/// One diagnostic per distinct rendering error. A template that fails on every declaration page
/// would otherwise print the same line once per page, ten thousand times on a large site; the
/// first page (in path order) is named, with the number of other pages that failed the same way.
/// `failures` pairs each failing page's output path with the diagnostic [`render_failure`] gave.
pub fn collapse_repeats(mut failures: Vec<(String, Diagnostic)>) -> Vec<Diagnostic> {
    failures.sort_by(|a, b| a.0.cmp(&b.0));
    type Key = (PathBuf, Option<Position>, Severity, String);
    let mut groups: BTreeMap<Key, (Diagnostic, String, usize)> = BTreeMap::new();
    let mut unrelated = Vec::new();
    for (page, diagnostic) in failures {
        let prefix = failed_page(&page);
        let Some(rest) = diagnostic.message.strip_prefix(&prefix) else {
            unrelated.push(diagnostic);
            continue;
        };
        let key = (
            diagnostic.file.clone(),
            diagnostic.position,
            diagnostic.severity,
            rest.to_string(),
        );
        groups
            .entry(key)
            .and_modify(|(_, _, others)| *others += 1)
            .or_insert((diagnostic, page, 0));
    }
    let collapsed = groups
        .into_iter()
        .map(|((_, _, _, rest), (mut first, page, others))| {
            if others > 0 {
                let pages = if others == 1 { "page" } else { "pages" };
                first.message = format!(
                    "rendering {page} and {others} other {pages} failed the same way{rest}"
                );
            }
            first
        });
    unrelated.into_iter().chain(collapsed).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::{Context, Tera};

    fn render(templates: &[(&str, &str)], template: &str) -> Diagnostic {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.to_vec())
            .expect("templates compile");
        let parents = tera
            .get_template(template)
            .expect("template")
            .parents
            .clone();
        let sources = templates
            .iter()
            .map(|(name, text)| {
                let source = TemplateSource {
                    file: PathBuf::from(format!("templates/{name}")),
                    text: text.to_string(),
                };
                (name.to_string(), source)
            })
            .collect();
        let mut context = Context::new();
        context.insert("title", "t");
        let err = tera
            .render(template, &context)
            .expect_err("rendering fails");
        render_failure(&err, template, &parents, "x/index.html", &sources)
    }

    #[test]
    fn an_undefined_variable_names_the_file_and_line() {
        let diagnostic = render(
            &[(
                "page.html",
                "<p>{{ title }}</p>\n<p>\n  {{ missing.name }}</p>",
            )],
            "page.html",
        );
        assert_eq!(
            diagnostic.to_string(),
            "templates/page.html:3:6: error: rendering x/index.html failed: Failed to render 'page.html': Variable `missing.name` not found in context while rendering 'page.html'"
        );
    }

    #[test]
    fn an_error_in_a_parent_names_the_parent() {
        let diagnostic = render(
            &[
                (
                    "base.html",
                    "<main>\n{% block body %}{% endblock %}\n{{ title | round }}</main>",
                ),
                (
                    "page.html",
                    "{% extends \"base.html\" %}{% block body %}{{ title }}{% endblock %}",
                ),
            ],
            "page.html",
        );
        let text = diagnostic.to_string();
        assert!(
            text.starts_with("templates/base.html:3:12: error: "),
            "{text}"
        );
        assert!(text.contains("Filter call 'round' failed"), "{text}");
    }

    #[test]
    fn an_error_in_a_macro_names_the_macro_file() {
        let diagnostic = render(
            &[
                (
                    "macros.html",
                    "{% macro cell(v) %}\n<td>{{ v | upper | nope_not_here }}</td>{% endmacro %}",
                ),
                (
                    "page.html",
                    "{% import \"macros.html\" as m %}{{ m::cell(v=title) }}",
                ),
            ],
            "page.html",
        );
        let text = diagnostic.to_string();
        assert!(text.starts_with("templates/macros.html"), "{text}");
    }

    #[test]
    fn repeated_uses_are_admitted() {
        let diagnostic = render(&[("page.html", "{{ gone }}\n{{ gone }}")], "page.html");
        let text = diagnostic.to_string();
        assert!(text.starts_with("templates/page.html:1:4: "), "{text}");
        assert!(text.contains("first of 2 uses of `gone`"), "{text}");
    }

    #[test]
    fn a_name_outside_tags_is_not_a_use() {
        let diagnostic = render(
            &[("page.html", "gone is a word here\n<p>{{ gone }}</p>")],
            "page.html",
        );
        assert!(
            diagnostic
                .to_string()
                .starts_with("templates/page.html:2:7: ")
        );
    }
}
