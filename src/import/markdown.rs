//! Goal text (项目总目标, 年度总体目标) as Markdown. The forms hold plain text, sometimes wrapped in
//! HTML paragraphs by the editor the office typed it in. The declaration's goal fields are
//! Markdown, so the text is escaped just enough that rendering it gives back the source text.

/// Markdown for the goal cells of one goal, in form order: each paragraph of each cell becomes a
/// Markdown paragraph; paragraphs are separated by a blank line. Empty when there is no text.
pub(crate) fn goal_markdown<S: AsRef<str>>(cells: &[S]) -> String {
    cells
        .iter()
        .flat_map(|cell| paragraphs(cell.as_ref()))
        .map(|paragraph| escape(&paragraph))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The paragraphs of one cell. Text with HTML paragraph tags (`<p>…</p> <p>…</p>`) is split at
/// its `<p>`, `</p>` and `<br>` tags, other tags are dropped and character references decoded;
/// other text is split into paragraphs at blank lines (a workbook cell, an HTML page's `<p>`s),
/// each kept verbatim.
pub(crate) fn paragraphs(cell: &str) -> Vec<String> {
    let cell = cell.trim();
    if !is_html(cell) {
        let mut result = Vec::new();
        let mut current: Vec<&str> = Vec::new();
        for line in cell.lines().chain([""]) {
            if line.trim().is_empty() {
                if !current.is_empty() {
                    result.push(current.join("\n").trim().to_string());
                    current.clear();
                }
            } else {
                current.push(line);
            }
        }
        return result;
    }
    let mut result = Vec::new();
    let mut current = String::new();
    let mut rest = cell;
    while let Some(start) = rest.find('<') {
        current.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start..).unwrap_or_default();
        match tag(after) {
            Some((name, length)) => {
                if matches!(name.as_str(), "p" | "br" | "div") {
                    flush(&mut current, &mut result);
                }
                rest = after.get(length..).unwrap_or_default();
            }
            None => {
                current.push('<');
                rest = after.get(1..).unwrap_or_default();
            }
        }
    }
    current.push_str(rest);
    flush(&mut current, &mut result);
    result
}

fn is_html(cell: &str) -> bool {
    let lower = cell.to_ascii_lowercase();
    lower.contains("<p>") || lower.contains("<p ") || lower.contains("</p>")
}

fn flush(current: &mut String, result: &mut Vec<String>) {
    let text = decode_entities(current.trim());
    let text = text.trim();
    if !text.is_empty() {
        result.push(text.to_string());
    }
    current.clear();
}

/// If `text` starts with an HTML tag (`<p>`, `</p>`, `<br/>`, `<span class="x">`), its
/// lower-case name and byte length.
fn tag(text: &str) -> Option<(String, usize)> {
    let inner = text.strip_prefix('<')?;
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let end = text.find('>')?;
    let body = text.get(1..end)?;
    if body.contains('<') {
        return None;
    }
    let after_name = inner.get(name.len()..)?;
    if !after_name.starts_with(['>', '/', ' ', '\t']) {
        return None;
    }
    Some((name.to_ascii_lowercase(), end + 1))
}

/// Decodes the character references an HTML editor writes (`&amp;`, `&nbsp;`, `&#8220;`).
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start..).unwrap_or_default();
        let decoded = after
            .find(';')
            .filter(|end| *end <= 10)
            .and_then(|end| Some((entity(after.get(1..end)?)?, end + 1)));
        match decoded {
            Some((c, length)) => {
                out.push(c);
                rest = after.get(length..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|c| !c.is_control() || *c == '\t')
        }
    }
}

/// Characters that Markdown (CommonMark and the usual extensions: tables, strikethrough,
/// sub/superscript, math) may interpret anywhere in a line.
const INLINE_SPECIAL: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '&', '~', '^', '$'];

/// Escapes one paragraph (a single line) so that Markdown renders it as exactly this text.
pub(crate) fn escape(paragraph: &str) -> String {
    let line: String = paragraph
        .trim()
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(line.len() + 8);
    // A leading ordered-list marker (`1. `, `2) `): escape its punctuation.
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let list_marker =
        (1..=9).contains(&digits) && matches!(line.chars().nth(digits), Some('.') | Some(')'));
    for (index, c) in line.chars().enumerate() {
        let block_start = index == 0 && matches!(c, '#' | '-' | '+' | '=' | ':' | '|');
        if INLINE_SPECIAL.contains(&c) || block_start || (list_marker && index == digits) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

    /// The paragraphs that rendering `markdown` yields, or None if it yields anything else than
    /// plain-text paragraphs (a list, a heading, emphasis, a link, HTML…).
    fn rendered_paragraphs(markdown: &str, options: Options) -> Option<Vec<String>> {
        let mut paragraphs = Vec::new();
        let mut current: Option<String> = None;
        for event in Parser::new_ext(markdown, options) {
            match (event, current.as_mut()) {
                (Event::Start(Tag::Paragraph), None) => current = Some(String::new()),
                (Event::Text(text), Some(paragraph)) => paragraph.push_str(&text),
                (Event::End(TagEnd::Paragraph), Some(_)) => paragraphs.extend(current.take()),
                _ => return None,
            }
        }
        Some(paragraphs)
    }

    fn all_options() -> Options {
        Options::all()
            - Options::ENABLE_SMART_PUNCTUATION
            - Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
            - Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
            - Options::ENABLE_HEADING_ATTRIBUTES
    }

    fn assert_round_trip(source: &str) {
        let markdown = goal_markdown(&[source]);
        let expected = paragraphs(source);
        for options in [Options::empty(), all_options()] {
            assert_eq!(
                rendered_paragraphs(&markdown, options).as_ref(),
                Some(&expected),
                "source {source:?} as Markdown {markdown:?}"
            );
        }
    }

    #[test]
    fn tricky_plain_text_renders_verbatim() {
        for source in [
            "1. “上海网上科技工作者之家”建设 2. 完成",
            "2023) 年度",
            "# 不是标题",
            "- 不是列表",
            "+ 不是列表",
            "> 不是引用",
            "*强调* _强调_ **粗体** `代码` ~~删除~~ ~下~ ^上^ $x$",
            "[链接](http://example.com) ![图](x.png) [^1] [[wiki]]",
            "<b>标签</b> <http://example.com> &amp; &copy; a\\b \\*",
            "---",
            "***",
            "===",
            ": 定义",
            "| a | b |",
            "    四个空格",
            "50%<x<=80% & 5>3",
            "结尾反斜杠\\",
        ] {
            assert_round_trip(source);
        }
    }

    #[test]
    fn every_two_character_combination_of_punctuation_renders_verbatim() {
        let alphabet: Vec<char> = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ 1a中".chars().collect();
        for a in &alphabet {
            for b in &alphabet {
                for c in ['x', '*', '1'] {
                    assert_round_trip(&format!("{a}{b}{c}{a}"));
                    assert_round_trip(&format!("{c}{a}{b}文"));
                }
            }
        }
    }

    #[test]
    fn html_paragraphs_become_markdown_paragraphs() {
        let source = "<p>一、交流</p> <p>立足上海</p> <p>二、港澳台</p>";
        assert_eq!(
            paragraphs(source),
            vec!["一、交流", "立足上海", "二、港澳台"]
        );
        assert_eq!(
            goal_markdown(&[source]),
            "一、交流\n\n立足上海\n\n二、港澳台"
        );
        assert_round_trip(source);
    }

    #[test]
    fn html_mode_drops_other_tags_and_decodes_references() {
        let source =
            "<P class=\"x\">a&amp;b<br/>c&nbsp;d &#8220;e&#x201D; <span>f</span> 1<2 &bogus;</P>";
        assert_eq!(paragraphs(source), vec!["a&b", "c d “e” f 1<2 &bogus;"]);
        assert_round_trip(source);
    }

    #[test]
    fn text_without_paragraph_tags_is_verbatim() {
        assert_eq!(paragraphs(" <b>x</b> &amp; "), vec!["<b>x</b> &amp;"]);
        assert!(paragraphs("  ").is_empty());
        assert!(paragraphs("<p> </p>").is_empty());
        assert_eq!(goal_markdown::<&str>(&[]), "");
    }

    #[test]
    fn cells_of_one_goal_are_separate_paragraphs() {
        assert_eq!(goal_markdown(&["甲", "乙"]), "甲\n\n乙");
    }

    #[test]
    fn escaping_is_minimal_for_ordinary_text() {
        let text = "提升上海市科协学术影响力（2023年），达到85%。1. 促进";
        assert_eq!(escape(text), text);
        assert_eq!(escape("1. 促进"), "1\\. 促进");
    }
}
