//! Archived years: the searched fields, read back from frozen declaration pages.
//!
//! An archived year has no model any more, only `archive/YEAR/SLUG/index.html` as it was
//! published. The fields come from the structure `templates/declaration.html` gives a page: the
//! `<h1>`, the 项目名称/主管部门/实施单位 rows of the form table (`<th>` label, value in the next
//! `<td>`), the `.form-goals .goal` blocks and the 三级指标 cells of `table.indicators`. An archive
//! made with older or customised templates may lack some of that, so every field has a fallback,
//! and a page with none of the structure is indexed by its `<h1>` (or `<title>`) and the text of
//! its `<main>`.

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

use super::document::SearchDoc;

/// The slug of a declaration page, from its path relative to the year folder (`SLUG/index.html`)
/// or to the site (`YEAR/SLUG/index.html`); `None` for every other file, including the year's
/// own pages (`quality/`, `departments/`…) whose names no declaration may take.
pub fn declaration_slug(path: &str, year: u16) -> Option<&str> {
    let prefix = format!("{year}/");
    let inner = path.strip_prefix(prefix.as_str()).unwrap_or(path);
    let slug = inner.strip_suffix("/index.html")?;
    let is_slug = !slug.is_empty()
        && !crate::content::RESERVED_SLUGS.contains(&slug)
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    is_slug.then_some(slug)
}

/// The searched fields of one archived declaration page.
pub fn extract(slug: &str, html: &str) -> SearchDoc {
    let page = Html::parse_document(html);
    let name = first(&page, "h1")
        .map(|h1| one_line(&text_of(h1, &[])))
        .filter(|name| !name.is_empty())
        .or_else(|| title_name(&page))
        .unwrap_or_else(|| slug.to_string());
    let mut doc = SearchDoc {
        slug: slug.to_string(),
        name,
        department: labelled(&page, "主管部门").unwrap_or_default(),
        implementer: labelled(&page, "实施单位").unwrap_or_default(),
        goals: goals(&page),
        indicators: indicators(&page),
    };
    let structured = !doc.department.is_empty()
        || doc.goals.iter().any(|goal| !goal.is_empty())
        || !doc.indicators.is_empty();
    if !structured {
        doc.goals[1] = main_text(&page);
    }
    doc
}

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

fn first<'a>(page: &'a Html, css: &str) -> Option<ElementRef<'a>> {
    page.select(&selector(css)?).next()
}

fn all<'a>(root: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    selector(css).map_or_else(Vec::new, |s| root.select(&s).collect())
}

/// `NAME · 2023年度 · site` → `NAME`.
fn title_name(page: &Html) -> Option<String> {
    let title = one_line(&text_of(first(page, "title")?, &[]));
    let name = title.split(" · ").next()?.trim().to_string();
    (!name.is_empty()).then_some(name)
}

/// The value next to a `<th>` labelled `label` (项目名称, 主管部门, 实施单位).
fn labelled(page: &Html, label: &str) -> Option<String> {
    let headers = selector("th")?;
    page.select(&headers)
        .filter(|th| one_line(&text_of(*th, &[])) == label)
        .find_map(|th| {
            let cell = th.next_siblings().find_map(ElementRef::wrap)?;
            (cell.value().name() == "td").then(|| one_line(&text_of(cell, &[])))
        })
}

/// 项目总目标 and 年度总体目标: the two `.goal` blocks without their headings and without the
/// （未填写） placeholder; the whole goals section when the blocks are not there.
fn goals(page: &Html) -> [String; 2] {
    let skip = ["h2", "h3", ".empty"];
    let Some(section) = first(page, ".form-goals") else {
        return Default::default();
    };
    let blocks = all(section, ".goal");
    match blocks.as_slice() {
        [] => [String::new(), text_of(section, &skip)],
        [only] => [String::new(), text_of(*only, &skip)],
        [overall, annual, ..] => [text_of(*overall, &skip), text_of(*annual, &skip)],
    }
}

/// The 三级指标 of each row of the indicator table: the cell whose `headers` name the third
/// column, or else the row's last header cell (the levels above it span rows).
fn indicators(page: &Html) -> Vec<String> {
    let Some(table) = first(page, "table.indicators") else {
        return Vec::new();
    };
    all(table, "tbody tr")
        .into_iter()
        .filter_map(|row| {
            let cells = all(row, "th");
            let third = cells.iter().find(|th| {
                th.value()
                    .attr("headers")
                    .is_some_and(|h| h.split_whitespace().any(|id| id == "col-l3"))
            });
            let cell = third.or(cells.last())?;
            let name = one_line(&text_of(*cell, &[]));
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

/// The page's own text when it has none of the declaration structure: `<main>` (or `<body>`)
/// without navigation, headings of the page, forms and downloads.
fn main_text(page: &Html) -> String {
    let skip = [
        "nav",
        "header",
        "footer",
        "form",
        "h1",
        ".breadcrumbs",
        ".downloads",
        ".history",
    ];
    first(page, "main")
        .or_else(|| first(page, "body"))
        .map(|root| text_of(root, &skip))
        .unwrap_or_default()
}

/// Elements whose text never counts.
const NEVER: &[&str] = &["script", "style", "template", "noscript", "svg"];

/// Elements that end a line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "br",
    "tr",
    "td",
    "th",
    "table",
    "caption",
    "section",
    "article",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dt",
    "dd",
    "dl",
];

/// The text under `root`, one line per block, without the subtrees matched by `skip` (CSS
/// selectors). Walks the tree with an explicit stack of events, so any nesting depth is fine.
fn text_of(root: ElementRef, skip: &[&str]) -> String {
    let skip: Vec<Selector> = skip.iter().filter_map(|css| selector(css)).collect();
    let mut out = String::new();
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(text) => out.push_str(text),
                    Node::Element(element) => {
                        let name = element.name();
                        let skipped = NEVER.contains(&name)
                            || (node.id() != root.id()
                                && ElementRef::wrap(node)
                                    .is_some_and(|el| skip.iter().any(|s| s.matches(&el))));
                        if skipped {
                            skipping = Some(node.id());
                        } else if BLOCKS.contains(&name) {
                            out.push('\n');
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                } else if skipping.is_none()
                    && node
                        .value()
                        .as_element()
                        .is_some_and(|element| BLOCKS.contains(&element.name()))
                {
                    out.push('\n');
                }
            }
        }
    }
    tidy(&out)
}

/// Lines trimmed, runs of white space made one space, empty lines dropped.
fn tidy(text: &str) -> String {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn one_line(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html lang=zh-CN><head><title>科普活动项目 · 2023年度 · 测试</title></head>
<body><header><form class=search><label>搜索项目</label></form></header>
<main id=main><nav class=breadcrumbs><ol><li><a href=../>首页</a></ol></nav>
<article class=form><p class=form-title>财政项目支出绩效目标申报表</p><h1>科普活动项目</h1>
<table class=form-table><caption>项目基本信息</caption><tbody>
<tr><th scope=row>项目名称</th><td colspan=3>科普活动项目</td></tr>
<tr><th scope=row>主管部门</th><td>上海市科学技术协会</td><th scope=row>实施单位</th><td>上海科技馆</td></tr>
</tbody></table>
<section class=form-goals><h2>项目绩效目标</h2><div class=goal-columns>
<div class=goal><h3>项目总目标（2023年-2024年）</h3><p class=empty>（未填写）</p></div>
<div class=goal><h3>年度总体目标</h3><p>举办全国科普日&amp;上海主场活动。</p><ul><li>第一项</li><li>第二项</li></ul></div>
</div></section>
<section class=form-indicators><table class="form-table indicators"><thead><tr><th id=col-l1>一级指标</th><th id=col-l2>二级指标</th><th id=col-l3>三级指标</th><th>值</th></tr></thead><tbody>
<tr><th id=a rowspan=2 headers=col-l1>产出指标</th><th id=b headers="col-l2 a">数量指标</th><th id=c headers="col-l3 a b">活动 场次</th><td>≥5</td></tr>
<tr><th id=d headers="col-l2 a">时效指标</th><th id=e headers="col-l3 a d">完成及时率</th><td>及时</td></tr>
</tbody></table></section></article>
<section class=downloads><h2>下载数据</h2></section></main></body></html>"#;

    #[test]
    fn the_declaration_template_gives_every_field() {
        let doc = extract("ke-pu", PAGE);
        assert_eq!(doc.slug, "ke-pu");
        assert_eq!(doc.name, "科普活动项目");
        assert_eq!(doc.department, "上海市科学技术协会");
        assert_eq!(doc.implementer, "上海科技馆");
        assert_eq!(doc.goals[0], "", "the placeholder is not a goal");
        assert_eq!(
            doc.goals[1],
            "举办全国科普日&上海主场活动。\n第一项\n第二项"
        );
        assert_eq!(doc.indicators, ["活动 场次", "完成及时率"]);
    }

    #[test]
    fn older_markup_falls_back_to_the_last_header_cell_and_the_main_text() {
        let older = PAGE
            .replace("headers=\"col-l3 a b\"", "")
            .replace("headers=\"col-l3 a d\"", "");
        assert_eq!(extract("x", &older).indicators, ["活动 场次", "完成及时率"]);
        let bare = "<html><head><title>老项目 · 2019年度 · 站点</title></head><body><nav>首页</nav>\
                    <main><p>旧版页面的项目说明。</p><div>绩效指标：满意度</div></main></body></html>";
        let doc = extract("lao", bare);
        assert_eq!(doc.name, "老项目");
        assert_eq!(doc.goals[1], "旧版页面的项目说明。\n绩效指标：满意度");
        assert!(doc.department.is_empty() && doc.indicators.is_empty());
        let nothing = extract("empty", "");
        assert_eq!(
            (nothing.name.as_str(), nothing.goals[1].as_str()),
            ("empty", "")
        );
    }

    #[test]
    fn deep_nesting_and_scripts_are_harmless() {
        let deep = format!(
            "<main><h1>深</h1>{}<p>底部文字</p><script>var x = '不算';</script>{}</main>",
            "<div>".repeat(20_000),
            "</div>".repeat(20_000)
        );
        let doc = extract("deep", &deep);
        assert_eq!(doc.name, "深");
        assert_eq!(doc.goals[1], "底部文字");
    }

    #[test]
    fn only_declaration_pages_have_a_slug() {
        assert_eq!(declaration_slug("ke-pu/index.html", 2023), Some("ke-pu"));
        assert_eq!(
            declaration_slug("2023/ke-pu/index.html", 2023),
            Some("ke-pu")
        );
        for path in [
            "index.html",
            "assets/index.html",
            "quality/index.html",
            "2023/departments/index.html",
            "ke-pu/declaration.csv",
            "a/b/index.html",
            "Big/index.html",
            "2022/ke-pu/index.html",
        ] {
            assert_eq!(declaration_slug(path, 2023), None, "{path}");
        }
    }
}
