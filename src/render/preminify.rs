//! Minifying the built-in templates once, when they are loaded, rather than every page they
//! render.
//!
//! minify-html parses every byte it is given (about 170 µs for an 8 KB declaration page), which
//! was a third of a 10,000-declaration build. The markup around the data is the same on every
//! page, so it is minified once here: each Tera tag (`{{ … }}`, `{% … %}`, `{# … #}`) is swapped
//! for an inert placeholder, the template is minified with the settings pages use, and the tags
//! are put back. A placeholder holds spaces, so an attribute value that holds a tag keeps its
//! quotes (the value rendered into it may hold spaces too).
//!
//! Only the built-in templates are minified this way: `tests/preminify.rs` checks, over every
//! page of the real 2023 site and of a generated multi-department site, that the pages they
//! render minify to exactly what minifying each page gives. A tag in the position of an
//! attribute (`<a{% if … %} class="x"{% endif %}>`) cannot be kept through minifying; the
//! built-in templates put such conditions inside a quoted value instead. A site's own
//! templates are minified page by page, as before, since nothing here can check them.

use super::minify;

/// Opens and closes a placeholder: private-use characters that no template holds.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// `source` minified with its Tera tags kept verbatim, or `None` when that cannot be done
/// faithfully (the source holds a placeholder character, a tag is not closed, or minifying
/// moved, merged or dropped a tag).
pub fn minify_template(source: &str) -> Option<String> {
    if source.contains([OPEN, CLOSE]) {
        return None;
    }
    let (marked, tags) = mark_tags(source)?;
    let minified = String::from_utf8(minify(&marked)).ok()?;
    restore_tags(&minified, &tags)
}

/// The source with each tag replaced by `OPEN index CLOSE` (spaces around the index), and the
/// tags in order.
fn mark_tags(source: &str) -> Option<(String, Vec<&str>)> {
    let mut marked = String::with_capacity(source.len());
    let mut tags = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find(['{']) {
        let after = &rest[start..];
        let closing = match after.as_bytes().get(1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                marked.push_str(&rest[..start + 1]);
                rest = &rest[start + 1..];
                continue;
            }
        };
        let length = after[2..].find(closing)? + 2 + closing.len();
        marked.push_str(&rest[..start]);
        marked.push_str(&format!("{OPEN} {} {CLOSE}", tags.len()));
        tags.push(&after[..length]);
        rest = &after[length..];
    }
    marked.push_str(rest);
    Some((marked, tags))
}

/// Put the tags back. minify-html sorts a tag's attributes, so the tags inside attribute values
/// may come back in another order. That is harmless while the control flow is unchanged, so
/// every placeholder must come back exactly once, the `{% … %}` tags in their original order,
/// and every other tag inside the same open blocks and branches, after the same `set`s, as in
/// the source.
fn restore_tags(minified: &str, tags: &[&str]) -> Option<String> {
    let contexts = original_contexts(tags);
    let mut restored =
        String::with_capacity(minified.len() + tags.iter().map(|tag| tag.len()).sum::<usize>());
    let mut used = vec![false; tags.len()];
    let mut flow = Flow::default();
    let mut last_control = None;
    let mut rest = minified;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len_utf8()..];
        let end = after.find(CLOSE)?;
        let index: usize = after[..end]
            .strip_prefix(' ')?
            .strip_suffix(' ')?
            .parse()
            .ok()?;
        let tag = tags.get(index)?;
        if std::mem::replace(used.get_mut(index)?, true) {
            return None;
        }
        if tag.starts_with("{%") {
            if last_control.is_some_and(|last| last > index) {
                return None;
            }
            last_control = Some(index);
            flow.step(index, tag)?;
        } else if contexts.get(index)? != &flow {
            return None;
        }
        restored.push_str(&rest[..start]);
        // A bare `&` just before a tag could join the rendered text into an entity.
        if restored.ends_with('&') {
            restored.push_str("amp;");
        }
        restored.push_str(tag);
        rest = &after[end + CLOSE.len_utf8()..];
    }
    if rest.contains(CLOSE) || used.contains(&false) {
        return None;
    }
    restored.push_str(rest);
    Some(restored)
}

/// Where the control flow stands: the open blocks (each with the index of its latest branch
/// tag), and how many statements that change what follows (`set`, `break`, …) have run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Flow {
    open: Vec<usize>,
    statements: usize,
}

impl Flow {
    /// Take one control tag into account; `None` if the blocks do not nest.
    fn step(&mut self, index: usize, tag: &str) -> Option<()> {
        let body = tag
            .trim_start_matches("{%")
            .trim_start_matches('-')
            .trim_start();
        let keyword: String = body
            .chars()
            .take_while(|character| character.is_ascii_alphabetic() || *character == '_')
            .collect();
        match keyword.as_str() {
            "if" | "for" | "block" | "macro" | "filter" | "raw" => self.open.push(index),
            "endif" | "endfor" | "endblock" | "endmacro" | "endfilter" | "endraw" => {
                self.open.pop()?;
            }
            "else" | "elif" => *self.open.last_mut()? = index,
            _ => self.statements += 1,
        }
        Some(())
    }
}

/// The flow before each tag, in the source's order.
fn original_contexts(tags: &[&str]) -> Vec<Flow> {
    let mut flow = Flow::default();
    tags.iter()
        .enumerate()
        .map(|(index, tag)| {
            let before = flow.clone();
            if tag.starts_with("{%") {
                // A mismatch here is Tera's to report when it compiles the original.
                let _ = flow.step(index, tag);
            }
            before
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_tags_and_quotes_around_values_that_hold_them() {
        let source = "<ul>\n  {% for x in xs %}\n  <li title=\"{{ x.name }}\">{{ x.name }}</li>\n  {% endfor %}\n</ul>\n";
        let minified = minify_template(source).expect("minifies");
        assert_eq!(
            minified,
            "<ul>{% for x in xs %} <li title=\"{{ x.name }}\">{{ x.name }}</li> {% endfor %}</ul>"
        );
    }

    #[test]
    fn refuses_what_it_cannot_keep() {
        assert_eq!(minify_template("<p>{{ unclosed </p>"), None);
        assert_eq!(minify_template("<p>\u{E000}</p>"), None);
        // Two tags in attribute position become two attributes of the same name.
        assert_eq!(
            minify_template("<a href=\"x\"{% if y %} class=\"z\"{% endif %}>a</a>"),
            None
        );
        // Sorting the attributes would move `{{ t }}` out of the `if`.
        assert_eq!(
            minify_template("<a title=\"{% if x %}{{ t }}\" href=\"{% endif %}\">a</a>"),
            None
        );
    }

    #[test]
    fn expressions_may_move_across_a_whole_block_with_their_attribute() {
        let minified = minify_template(
            "<a href=\"{{ root }}x/\" aria-current=\"{% if y %}page{% else %}false{% endif %}\">a</a>",
        )
        .expect("minifies");
        assert_eq!(
            minified,
            "<a aria-current=\"{% if y %}page{% else %}false{% endif %}\" href=\"{{ root }}x/\">a</a>"
        );
    }

    #[test]
    fn every_built_in_template_is_minified_when_loaded() {
        for (name, text) in crate::render::templates::BUILTIN_TEMPLATES {
            assert!(minify_template(text).is_some(), "{name}");
        }
        let empty = tempfile::tempdir().expect("temp dir");
        let theme = crate::render::load_theme(empty.path()).expect("built-in theme");
        assert!(theme.preminified);
    }

    #[test]
    fn an_ampersand_before_a_tag_stays_escaped() {
        let minified = minify_template("<p>&amp;{{ x }}</p>").expect("minifies");
        assert!(minified.contains("&amp;{{ x }}"), "{minified}");
    }
}
