//! Test support: the 15 real 2023 forms (as imported in `content/2023/`) laid out again in every
//! input shape the importer reads, the way other offices' tools print them. No real foreign forms
//! ship with the repository, so these generators are how each reader is tried on real content.
//!
//! Every generator wraps text the way a renderer does: at a column's width, breaking only
//! between two Chinese characters, never inside a Latin word or number.
#![allow(dead_code)]

use std::fs;
use std::path::Path;
use unicode_width::UnicodeWidthStr;

/// One real form, as its declaration file holds it (goals as their source paragraphs).
#[derive(Debug, Clone)]
pub struct Form {
    /// The file stem in content/2023.
    pub slug: String,
    pub name: String,
    pub nature: Option<String>,
    pub category: Option<String>,
    pub department: String,
    pub implementer: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub unit: String,
    pub total: Option<String>,
    pub total_fiscal: Option<String>,
    pub total_other: Option<String>,
    pub annual: String,
    pub appropriation: Option<String>,
    pub carryover: Option<String>,
    pub other: Option<String>,
    pub overall_period: Option<String>,
    pub overall: Vec<String>,
    pub annual_goal: Vec<String>,
    pub indicators: Vec<[String; 4]>,
}

pub fn content_2023() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content/2023"))
}

/// The 15 forms in the order of the export (the `form N` of each file's first line).
pub fn real_forms() -> Vec<Form> {
    let mut forms: Vec<(usize, Form)> = fs::read_dir(content_2023())
        .expect("content/2023")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .map(|path| {
            let text = fs::read_to_string(&path).expect("declaration");
            let number: usize = text
                .split("form ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse().ok())
                .expect("form number");
            let slug = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            (number, parse(&slug, &text))
        })
        .collect();
    forms.sort_by_key(|(number, _)| *number);
    forms.into_iter().map(|(_, form)| form).collect()
}

fn parse(slug: &str, text: &str) -> Form {
    let table: toml::Table = toml::from_str(text).expect("toml");
    let string = |table: &toml::Table, key: &str| {
        table.get(key).map(|v| match v {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    let empty = toml::Table::new();
    let funding = table
        .get("funding")
        .and_then(|v| v.as_table())
        .unwrap_or(&empty);
    let goals = table
        .get("goals")
        .and_then(|v| v.as_table())
        .unwrap_or(&empty);
    let paragraphs = |key: &str| {
        string(goals, key)
            .map(|markdown| markdown.split("\n\n").map(unescape).collect())
            .unwrap_or_default()
    };
    let indicators = table
        .get("indicators")
        .and_then(|v| v.as_array())
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    let row = row.as_table().expect("indicator");
                    ["level1", "level2", "name", "target"].map(|key| string(row, key).expect(key))
                })
                .collect()
        })
        .unwrap_or_default();
    Form {
        slug: slug.to_string(),
        name: string(&table, "name").expect("name"),
        nature: string(&table, "nature"),
        category: string(&table, "category"),
        department: string(&table, "department").expect("department"),
        implementer: string(&table, "implementer"),
        start: string(&table, "start"),
        end: string(&table, "end"),
        unit: string(funding, "unit").unwrap_or_else(|| "元".into()),
        total: string(funding, "total"),
        total_fiscal: string(funding, "total_fiscal"),
        total_other: string(funding, "total_other"),
        annual: string(funding, "annual").expect("annual"),
        appropriation: string(funding, "appropriation"),
        carryover: string(funding, "carryover"),
        other: string(funding, "other"),
        overall_period: string(goals, "overall_period"),
        overall: paragraphs("overall"),
        annual_goal: paragraphs("annual"),
        indicators,
    }
}

/// Markdown escapes undone: a backslash before ASCII punctuation.
fn unescape(markdown: &str) -> String {
    let mut out = String::new();
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|next| next.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    out
}

pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` wrapped at `columns` display columns, breaking only between two wide characters.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let wide = |c: char| width(c.encode_utf8(&mut [0; 4])) == 2;
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut used = 0;
        let mut end = start;
        let mut last_break = None;
        while end < chars.len() {
            let w = width(chars[end].encode_utf8(&mut [0; 4]));
            if used + w > columns {
                break;
            }
            used += w;
            end += 1;
            if end < chars.len() && wide(chars[end - 1]) && wide(chars[end]) {
                last_break = Some(end);
            }
        }
        let cut = if end >= chars.len() {
            chars.len()
        } else {
            last_break
                .filter(|b| *b > start)
                .unwrap_or(end.max(start + 1))
        };
        lines.push(chars[start..cut].iter().collect::<String>());
        start = cut;
    }
    lines
}

/// A target split into the columns of a flat list: sign, value, unit.
pub fn split_target(target: &str) -> (String, String, String) {
    let sign: String = target
        .chars()
        .take_while(|c| "≥≤=><".contains(*c))
        .collect();
    if sign.is_empty() {
        return ("定性".into(), target.into(), String::new());
    }
    let rest = &target[sign.len()..];
    match rest
        .strip_suffix(')')
        .and_then(|inner| inner.split_once('('))
    {
        Some((value, unit)) => (sign, value.into(), unit.into()),
        None => (sign, rest.into(), String::new()),
    }
}

/// The header rows of a form: (label, value) pairs per row, as the official layout has them.
fn basic_rows(form: &Form) -> Vec<Vec<(&'static str, String)>> {
    let opt = |value: &Option<String>| value.clone().unwrap_or_default();
    vec![
        vec![
            ("项目名称", form.name.clone()),
            ("项目性质", opt(&form.nature)),
            ("项目类别", opt(&form.category)),
        ],
        vec![
            ("主管部门", form.department.clone()),
            ("实施单位", opt(&form.implementer)),
        ],
        vec![
            ("计划开始日期", opt(&form.start)),
            ("计划完成日期", opt(&form.end)),
        ],
    ]
}

/// The funding rows: (left label, left amount, right label, right amount).
fn funding_rows(form: &Form) -> Vec<[String; 4]> {
    let opt = |value: &Option<String>| value.clone().unwrap_or_default();
    vec![
        [
            "项目资金总额".into(),
            opt(&form.total),
            "年度资金申请总额".into(),
            form.annual.clone(),
        ],
        [
            "其中：财政资金".into(),
            opt(&form.total_fiscal),
            "其中：当年财政拨款".into(),
            opt(&form.appropriation),
        ],
        [
            String::new(),
            String::new(),
            "上年结转资金".into(),
            opt(&form.carryover),
        ],
        [
            "其他资金".into(),
            opt(&form.total_other),
            "其他资金".into(),
            opt(&form.other),
        ],
    ]
}

fn overall_label(form: &Form) -> String {
    match &form.overall_period {
        Some(period) => format!("项目总目标 ({period})"),
        None => "项目总目标".into(),
    }
}

/// Each indicator with the level names printed on it (only where a merged cell starts).
fn indicator_rows(form: &Form) -> Vec<(Option<String>, Option<String>, &[String; 4])> {
    let mut rows = Vec::new();
    let mut previous: Option<&[String; 4]> = None;
    for indicator in &form.indicators {
        let new1 = previous.is_none_or(|p| p[0] != indicator[0]);
        let new2 = new1 || previous.is_some_and(|p| p[1] != indicator[1]);
        rows.push((
            new1.then(|| indicator[0].clone()),
            new2.then(|| indicator[1].clone()),
            indicator,
        ));
        previous = Some(indicator);
    }
    rows
}

/// The level runs (start, length) of one level (0 or 1), for merged cells.
pub fn runs(form: &Form, level: usize) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (index, indicator) in form.indicators.iter().enumerate() {
        let same = index > 0 && (0..=level).all(|l| form.indicators[index - 1][l] == indicator[l]);
        match runs.last_mut() {
            Some(run) if same => run.1 += 1,
            _ => runs.push((index, 1)),
        }
    }
    runs
}

// ---------------------------------------------------------------------------------------------
// Text with one cell per line (pdftotext without -layout).

pub fn stream_text(forms: &[Form]) -> String {
    let mut out = String::from("上海市科学技术协会2023年度项目支出绩效目标\n\n");
    for (index, form) in forms.iter().enumerate() {
        let mut lines: Vec<String> = vec!["财政项目支出绩效目标申报表".into(), "(2023年度)".into()];
        for row in basic_rows(form) {
            for (label, value) in row {
                lines.push(label.into());
                lines.extend(wrap(&value, 20));
            }
        }
        lines.push("项目资金".into());
        lines.push("(元)".into());
        for [left, left_amount, right, right_amount] in funding_rows(form) {
            if !left.is_empty() {
                lines.push(left.clone());
            }
            if left_amount.is_empty() {
                lines.push(right.clone());
            } else {
                // Two cells on one baseline share a line.
                lines.push(format!("{left_amount} {right}"));
            }
            if !right_amount.is_empty() {
                lines.push(format!("      {right_amount}"));
            }
        }
        lines.extend(["项目".into(), "绩效".into(), "目标".into()]);
        match &form.overall_period {
            Some(period) => lines.extend(["项目总目标".into(), format!("({period})")]),
            None => lines.push("项目总目标".into()),
        }
        lines.push("年度总体目标".into());
        for paragraph in form.overall.iter().chain(&form.annual_goal) {
            lines.extend(wrap(paragraph, 40));
        }
        lines.extend(
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年度(/项目)",
                "指标值",
                "绩",
                "效",
                "指",
                "标",
            ]
            .map(String::from),
        );
        for (level1, level2, indicator) in indicator_rows(form) {
            lines.extend(level1);
            lines.extend(level2);
            lines.extend(wrap(&indicator[2], 24));
            lines.extend(wrap(&indicator[3], 16));
        }
        lines.push(format!("第 {} 页", index + 1));
        out.push_str(&lines.join("\n"));
        out.push_str("\n\n");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Layout-preserving text (pdftotext -layout): cells placed by spaces, wrapped cells centred.

/// Lines being laid out: text placed at display columns.
#[derive(Default)]
struct Canvas {
    lines: Vec<Vec<(usize, String)>>,
}

impl Canvas {
    fn put(&mut self, line: usize, column: usize, text: &str) {
        if self.lines.len() <= line {
            self.lines.resize_with(line + 1, Vec::new);
        }
        self.lines[line].push((column, text.to_string()));
    }

    /// A row of cells `(column, lines)`, each centred vertically in the row; returns the row's
    /// height.
    fn row(&mut self, top: usize, cells: &[(usize, Vec<String>)]) -> usize {
        let height = cells
            .iter()
            .map(|(_, lines)| lines.len())
            .max()
            .unwrap_or(1)
            .max(1);
        for (column, lines) in cells {
            let offset = (height - lines.len()) / 2;
            for (index, line) in lines.iter().enumerate() {
                self.put(top + offset + index, *column, line);
            }
        }
        height
    }

    fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            let mut cells = line.clone();
            cells.sort_by_key(|(column, _)| *column);
            let mut text = String::new();
            for (column, cell) in cells {
                let at = width(&text);
                let gap = column
                    .saturating_sub(at)
                    .max(if text.is_empty() { 0 } else { 2 });
                text.push_str(&" ".repeat(gap));
                text.push_str(&cell);
            }
            out.push_str(text.trim_end());
            out.push('\n');
        }
        out
    }
}

pub fn layout_text(forms: &[Form]) -> String {
    let mut out = String::new();
    for form in forms {
        let mut canvas = Canvas::default();
        canvas.put(0, 36, "财政项目支出绩效目标申报表");
        canvas.put(1, 44, "(2023年度)");
        let mut top = 3;
        for row in basic_rows(form) {
            let cells: Vec<(usize, Vec<String>)> = row
                .iter()
                .enumerate()
                .flat_map(|(index, (label, value))| {
                    let x = index * 36;
                    [(x, vec![label.to_string()]), (x + 14, wrap(value, 20))]
                })
                .collect();
            top += canvas.row(top, &cells);
        }
        let funding_top = top;
        for [left, left_amount, right, right_amount] in funding_rows(form) {
            let cells = vec![
                (14, vec![left]),
                (30, vec![left_amount]),
                (50, vec![right]),
                (70, vec![right_amount]),
            ];
            top += canvas.row(top, &cells);
        }
        canvas.row(
            funding_top + 1,
            &[(0, vec!["项目资金".into(), "(元)".into()])],
        );
        let goals_top = top;
        canvas.row(
            top,
            &[
                (14, vec![overall_label(form)]),
                (56, vec!["年度总体目标".into()]),
            ],
        );
        top += 1;
        let text = |paragraphs: &[String]| -> Vec<String> {
            paragraphs.iter().flat_map(|p| wrap(p, 40)).collect()
        };
        top += canvas.row(
            top,
            &[(14, text(&form.overall)), (56, text(&form.annual_goal))],
        );
        let label_top = goals_top + (top - goals_top).saturating_sub(3) / 2;
        canvas.row(
            label_top,
            &[(0, vec!["项目".into(), "绩效".into(), "目标".into()])],
        );
        canvas.row(
            top,
            &[
                (14, vec!["一级指标".into()]),
                (28, vec!["二级指标".into()]),
                (44, vec!["三级指标".into()]),
                (74, vec!["年度(/项目)指标值".into()]),
            ],
        );
        top += 1;
        let table_top = top;
        for (level1, level2, indicator) in indicator_rows(form) {
            let mut cells = vec![
                (44, wrap(&indicator[2], 28)),
                (74, vec![indicator[3].clone()]),
            ];
            cells.extend(level1.map(|l| (14, vec![l])));
            cells.extend(level2.map(|l| (28, vec![l])));
            top += canvas.row(top, &cells);
        }
        let stacked: Vec<String> = "绩效指标".chars().map(String::from).collect();
        canvas.row(
            table_top + (top - table_top).saturating_sub(4) / 2,
            &[(0, stacked)],
        );
        out.push_str(&canvas.render());
        out.push_str("\n\u{c}");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Tables of cells: the tab export's grid, as JSON, HTML, `cell |` text and a workbook use it.

/// A form as rows of (text, rowspan, colspan) cells on a 6-column grid, merged cells given once.
pub fn grid(form: &Form) -> Vec<Vec<(String, usize, usize)>> {
    let mut rows: Vec<Vec<(String, usize, usize)>> = Vec::new();
    let one = |text: &str| (text.to_string(), 1, 1);
    rows.push(vec![("财政项目支出绩效目标申报表".into(), 1, 6)]);
    rows.push(vec![("(2023年度)".into(), 1, 6)]);
    for row in basic_rows(form) {
        let mut cells = Vec::new();
        for (label, value) in &row {
            cells.push(one(label));
            cells.push(one(value));
        }
        if row.len() == 2 {
            cells.push((String::new(), 1, 2));
        }
        rows.push(cells);
    }
    for (index, [left, left_amount, right, right_amount]) in
        funding_rows(form).into_iter().enumerate()
    {
        let mut cells = Vec::new();
        if index == 0 {
            cells.push(("项目资金 (元)".into(), 4, 1));
        }
        cells.extend([
            (left, 1, 1),
            (left_amount, 1, 1),
            (right, 1, 1),
            (right_amount, 1, 2),
        ]);
        rows.push(cells);
    }
    let html = |paragraphs: &[String]| paragraphs.join("\n\n");
    rows.push(vec![
        ("项目 绩效 目标".into(), 2, 1),
        (overall_label(form), 1, 2),
        ("年度总体目标".into(), 1, 3),
    ]);
    rows.push(vec![
        (html(&form.overall), 1, 2),
        (html(&form.annual_goal), 1, 3),
    ]);
    rows.push(vec![
        ("绩效 指标".into(), 1 + form.indicators.len(), 1),
        one("一级指标"),
        one("二级指标"),
        one("三级指标"),
        ("年度(/项目)指标值".into(), 1, 2),
    ]);
    let runs1 = runs(form, 0);
    let runs2 = runs(form, 1);
    for (index, indicator) in form.indicators.iter().enumerate() {
        let mut cells = Vec::new();
        if let Some((_, length)) = runs1.iter().find(|(start, _)| *start == index) {
            cells.push((indicator[0].clone(), *length, 1));
        }
        if let Some((_, length)) = runs2.iter().find(|(start, _)| *start == index) {
            cells.push((indicator[1].clone(), *length, 1));
        }
        cells.push(one(&indicator[2]));
        cells.push((indicator[3].clone(), 1, 2));
        rows.push(cells);
    }
    rows
}

/// The grid with merged cells placed: positions a merged cell covers are empty.
pub fn placed(form: &Form) -> Vec<Vec<String>> {
    let grid = grid(form);
    let mut out: Vec<Vec<Option<String>>> = vec![Vec::new(); grid.len()];
    for (r, row) in grid.iter().enumerate() {
        let mut c = 0;
        for (text, rowspan, colspan) in row {
            while out[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            for rr in r..r + rowspan {
                for cc in c..c + colspan {
                    if out.len() <= rr {
                        out.resize(rr + 1, Vec::new());
                    }
                    if out[rr].len() <= cc {
                        out[rr].resize(cc + 1, None);
                    }
                    out[rr][cc] = Some(if (rr, cc) == (r, c) {
                        text.clone()
                    } else {
                        String::new()
                    });
                }
            }
            c += colspan;
        }
    }
    out.into_iter()
        .map(|row| row.into_iter().map(Option::unwrap_or_default).collect())
        .collect()
}

/// JSON from a table extractor: one table per form, wrapped cells broken with `\n`, merged cells
/// `""`; the first forms as plain arrays, the rest as tabula's objects.
pub fn json(forms: &[Form]) -> String {
    let tables: Vec<serde_json::Value> = forms
        .iter()
        .enumerate()
        .map(|(index, form)| {
            let rows: Vec<Vec<String>> = placed(form)
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|cell| {
                            cell.split("\n\n")
                                .map(|paragraph| wrap(paragraph, 24).join("\n"))
                                .collect::<Vec<_>>()
                                .join("\n\n")
                        })
                        .collect()
                })
                .collect();
            if index % 2 == 0 {
                serde_json::json!(rows)
            } else {
                let data: Vec<Vec<serde_json::Value>> = rows
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|text| serde_json::json!({"top": 0, "left": 0, "text": text}))
                            .collect()
                    })
                    .collect();
                serde_json::json!({"extraction_method": "lattice", "page": index + 1, "data": data})
            }
        })
        .collect();
    serde_json::to_string_pretty(&tables).expect("json")
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An HTML page with one `<table>` per form (rowspan, colspan), titles outside the tables.
pub fn html(forms: &[Form]) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>2023年度项目支出绩效目标公开</title></head><body>\n<h1>上海市科学技术协会2023年度项目支出绩效目标公开</h1>\n<p>以下为本单位2023年度全部项目的绩效目标。</p>\n",
    );
    for form in forms {
        let grid = grid(form);
        out.push_str("<h2>财政项目支出绩效目标申报表</h2>\n<p style=\"text-align:center\">（2023年度）</p>\n<table border=\"1\">\n<tbody>\n");
        for row in grid.iter().skip(2) {
            out.push_str("<tr>");
            for (text, rowspan, colspan) in row {
                let mut attributes = String::new();
                if *rowspan > 1 {
                    attributes.push_str(&format!(" rowspan=\"{rowspan}\""));
                }
                if *colspan > 1 {
                    attributes.push_str(&format!(" colspan=\"{colspan}\""));
                }
                let body = if text.contains("\n\n") {
                    text.split("\n\n")
                        .map(|p| format!("<p>{}</p>", escape_html(p)))
                        .collect::<String>()
                } else if text == "绩效 指标" {
                    "绩<br>效<br>指<br>标".to_string()
                } else {
                    escape_html(text)
                };
                out.push_str(&format!("<td{attributes}>{body}</td>"));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("<p>联系电话：021-00000000</p>\n</body></html>\n");
    out
}

/// A web table flattened to text: `cell | cell |`, merged cells as runs of empty cells; goal
/// paragraphs keep their `<p>` tags, as the export does.
pub fn pipe_text(forms: &[Form]) -> String {
    let mut out = String::new();
    for form in forms {
        for row in placed(form) {
            let cells: Vec<String> = row
                .iter()
                .map(|cell| {
                    if cell.contains("\n\n") {
                        cell.split("\n\n")
                            .map(|p| format!("<p>{p}</p>"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    } else {
                        cell.clone()
                    }
                })
                .collect();
            if cells.iter().filter(|c| !c.is_empty()).count() == 1 && cells[0].contains("申报表")
            {
                out.push_str(&format!("{}\n", cells[0]));
            } else {
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
        }
        out.push('\n');
    }
    out
}

/// A workbook, one sheet per form, merged cells as the budget system exports them.
pub fn xlsx(forms: &[Form]) -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let plain = Format::new();
    for (index, form) in forms.iter().enumerate() {
        let sheet = book.add_worksheet();
        sheet.set_name(format!("{}", index + 1)).expect("name");
        let grid = grid(form);
        let mut taken: Vec<Vec<bool>> = Vec::new();
        for (r, row) in grid.iter().enumerate() {
            let mut c = 0usize;
            for (text, rowspan, colspan) in row {
                while taken
                    .get(r)
                    .and_then(|row| row.get(c))
                    .copied()
                    .unwrap_or(false)
                {
                    c += 1;
                }
                for rr in r..r + rowspan {
                    if taken.len() <= rr {
                        taken.resize(rr + 1, Vec::new());
                    }
                    for cc in c..c + colspan {
                        if taken[rr].len() <= cc {
                            taken[rr].resize(cc + 1, false);
                        }
                        taken[rr][cc] = true;
                    }
                }
                let (r0, c0) = (r as u32, c as u16);
                let (r1, c1) = ((r + rowspan - 1) as u32, (c + colspan - 1) as u16);
                if *rowspan > 1 || *colspan > 1 {
                    sheet
                        .merge_range(r0, c0, r1, c1, text, &plain)
                        .expect("merge");
                } else if !text.is_empty() {
                    sheet.write_string(r0, c0, text).expect("write");
                }
                c += colspan;
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// A flat list (CSV): one row per indicator, project fields on each project's first row, the
/// department as a row of its own, a total row at the end.
pub fn flat_csv(forms: &[Form]) -> String {
    let header = [
        "主管部门",
        "项目名称",
        "项目性质",
        "项目类别",
        "实施单位",
        "计划开始日期",
        "计划完成日期",
        "项目资金总额",
        "其中：财政资金",
        "其他资金",
        "年度资金申请总额",
        "其中：当年财政拨款",
        "上年结转资金",
        "其他资金",
        "项目总目标",
        "年度总体目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
    ];
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    writer
        .write_record(["2023年度项目支出绩效目标表"])
        .expect("row");
    writer.write_record(["金额单位：元"]).expect("row");
    writer.write_record(header).expect("row");
    writer.write_record(["上海市科学技术协会"]).expect("row");
    let mut total = rust_decimal::Decimal::ZERO;
    for form in forms {
        total += form
            .annual
            .replace(',', "")
            .parse::<rust_decimal::Decimal>()
            .expect("amount");
        for (index, indicator) in form.indicators.iter().enumerate() {
            let first = index == 0;
            let project = |value: Option<String>| {
                if first {
                    value.unwrap_or_default()
                } else {
                    String::new()
                }
            };
            let (sign, value, unit) = split_target(&indicator[3]);
            let same1 = index > 0 && form.indicators[index - 1][0] == indicator[0];
            let same2 = same1 && form.indicators[index - 1][1] == indicator[1];
            let record = vec![
                String::new(),
                project(Some(form.name.clone())),
                project(form.nature.clone()),
                project(form.category.clone()),
                project(form.implementer.clone()),
                project(form.start.clone()),
                project(form.end.clone()),
                project(form.total.clone()),
                project(form.total_fiscal.clone()),
                project(form.total_other.clone()),
                project(Some(form.annual.clone())),
                project(form.appropriation.clone()),
                project(form.carryover.clone()),
                project(form.other.clone()),
                project((!form.overall.is_empty()).then(|| form.overall.join("\n\n"))),
                project((!form.annual_goal.is_empty()).then(|| form.annual_goal.join("\n\n"))),
                if same1 {
                    String::new()
                } else {
                    indicator[0].clone()
                },
                if same2 {
                    String::new()
                } else {
                    indicator[1].clone()
                },
                indicator[2].clone(),
                sign,
                value,
                unit,
            ];
            writer.write_record(record).expect("row");
        }
    }
    let mut sum = vec![String::new(); header.len()];
    sum[0] = "合计".into();
    sum[10] = format!("{total:.2}");
    writer.write_record(sum).expect("row");
    String::from_utf8(writer.into_inner().expect("csv")).expect("utf-8")
}
