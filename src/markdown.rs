//! Markdown from content → safe HTML, and → plain text.
//!
//! Goals are Markdown written by an office (or produced by the importer). They are rendered with
//! pulldown-cmark and then cleaned by ammonia, so no script, event handler, style or
//! `javascript:` URL from content can reach a page, whatever the Markdown contains.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, TagEnd, html};

/// Render Markdown to sanitized HTML.
pub fn to_safe_html(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    SANITIZER.clean(&unsafe_html).to_string()
}

/// The allow-list: ammonia's defaults (no script/style/iframe, no event handlers, only http,
/// https and mailto links) plus `rel="noopener noreferrer"` on links. Built once: building it
/// fills a dozen hash sets, which cost more than cleaning a goal paragraph. It is never changed
/// after it is built.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some("noopener noreferrer"));
    builder
});

/// The text a reader sees, without markup: paragraphs separated by a blank line. Used for the
/// open data and the search index, so that they carry the declaration's words, not Markdown.
pub fn to_plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(part) | Event::Code(part) => text.push_str(&part),
            Event::SoftBreak | Event::HardBreak => text.push('\n'),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock,
            ) => {
                text.push_str("\n\n");
            }
            _ => {}
        }
    }
    text.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_urls_never_survive() {
        let hostile = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) <a href=\"JaVaScRiPt:alert(4)\">x</a> <style>p{}</style>";
        let html = to_safe_html(hostile);
        let lower = html.to_lowercase();
        for forbidden in ["<script", "onerror", "javascript:", "<style", "alert(1)"] {
            assert!(!lower.contains(forbidden), "{forbidden} survived in {html}");
        }
    }

    #[test]
    fn paragraphs_render_and_plain_text_keeps_the_words() {
        let markdown = "第一段。\n\n第二段 & 更多。";
        assert_eq!(
            to_safe_html(markdown),
            "<p>第一段。</p>\n<p>第二段 &amp; 更多。</p>\n"
        );
        assert_eq!(to_plain_text(markdown), "第一段。\n\n第二段 & 更多。");
    }
}
