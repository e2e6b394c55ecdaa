//! Every imported goal of the real file, rendered with pulldown-cmark, gives back exactly the
//! source text: plain paragraphs only (no list, heading, emphasis, link or HTML), whose text is
//! the source cell's, split at its `<p>` tags.

use disclose::import::import_text;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

const REAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/2023-shanghai-sast-declarations.txt"
);

/// The goal text cells of each form, straight from the raw file: the non-empty cells of the
/// first non-blank line after the line holding the 年度总体目标 label, left to right.
fn source_goal_cells(text: &str) -> Vec<Vec<String>> {
    let mut forms: Vec<Vec<&str>> = Vec::new();
    for line in text.lines() {
        if line.contains("财政项目支出绩效目标申报表") {
            forms.push(Vec::new());
        } else if let Some(form) = forms.last_mut() {
            form.push(line);
        }
    }
    forms
        .iter()
        .map(|lines| {
            let label = lines
                .iter()
                .position(|line| line.contains("年度总体目标"))
                .expect("a goals row");
            let text_line = lines[label + 1..]
                .iter()
                .find(|line| !line.trim().is_empty())
                .expect("a goal text row");
            text_line
                .split('\t')
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .map(String::from)
                .collect()
        })
        .collect()
}

/// A source cell's paragraphs: split at `<p>` / `</p>` when it has them.
fn source_paragraphs(cell: &str) -> Vec<String> {
    if !cell.contains("<p>") {
        return vec![cell.to_string()];
    }
    cell.split("<p>")
        .flat_map(|part| part.split("</p>"))
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(String::from)
        .collect()
}

/// The text of each paragraph `markdown` renders to; panics on any other kind of event.
fn rendered_paragraphs(markdown: &str, options: Options) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, options) {
        match (event, current.as_mut()) {
            (Event::Start(Tag::Paragraph), None) => current = Some(String::new()),
            (Event::Text(text), Some(paragraph)) => paragraph.push_str(&text),
            (Event::End(TagEnd::Paragraph), Some(_)) => paragraphs.extend(current.take()),
            (event, _) => panic!("{markdown:?} renders to more than plain paragraphs: {event:?}"),
        }
    }
    paragraphs
}

#[test]
fn every_real_goal_renders_to_its_source_text() {
    let text = std::fs::read_to_string(REAL).expect("the real export");
    let declarations = import_text(&text, "real.txt").expect("imports");
    let sources = source_goal_cells(&text);
    assert_eq!(declarations.len(), sources.len());

    let extended = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM
        | Options::ENABLE_SUPERSCRIPT
        | Options::ENABLE_SUBSCRIPT;
    let mut checked = 0;
    for (declaration, cells) in declarations.iter().zip(&sources) {
        let table: toml::Table = toml::from_str(&declaration.toml).expect("valid TOML");
        let goals = table["goals"].as_table().expect("goals");
        // Left to right on the form: 项目总目标, then 年度总体目标.
        let markdown: Vec<&str> = ["overall", "annual"]
            .iter()
            .filter_map(|key| goals.get(*key)?.as_str())
            .collect();
        let expected: Vec<String> = cells
            .iter()
            .flat_map(|cell| source_paragraphs(cell))
            .collect();
        for options in [Options::empty(), extended] {
            let rendered: Vec<String> = markdown
                .iter()
                .flat_map(|goal| rendered_paragraphs(goal, options))
                .collect();
            assert_eq!(rendered, expected, "{}", declaration.name);
        }
        checked += markdown.len();
    }
    assert_eq!(checked, 16, "15 annual goals and one overall goal");
}
