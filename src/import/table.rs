//! The raw shape of a form-text export: numbered lines, forms cut at their title lines, and
//! tab-separated rows of cells that remember the line they came from.

/// The title that starts every form.
pub(crate) const TITLE: &str = "财政项目支出绩效目标申报表";

/// One tab-separated line of a form. Cells are trimmed (leading and trailing whitespace in a
/// cell is an export artifact); empty cells are kept so that column positions stay meaningful.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// 1-based line number in the input file.
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    pub(crate) fn parse(line: usize, text: &str) -> Row {
        Row {
            line,
            cells: text
                .split('\t')
                .map(|cell| cell.trim().to_string())
                .collect(),
        }
    }

    /// The non-empty cells with their column index.
    pub(crate) fn filled(&self) -> impl Iterator<Item = (usize, &str)> {
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, cell)| !cell.is_empty())
            .map(|(col, cell)| (col, cell.as_str()))
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.cells.iter().all(|cell| cell.is_empty())
    }
}

/// One form as cut from the file: the title line and every line up to the next title.
#[derive(Debug, Clone)]
pub(crate) struct RawForm<'a> {
    /// 1-based position of the form in the file.
    pub number: usize,
    /// Line number of the title line.
    pub title_line: usize,
    /// What follows the title on the title line itself (normally nothing).
    pub title_rest: &'a str,
    /// The lines after the title line, with their line numbers.
    pub lines: Vec<(usize, &'a str)>,
}

/// Text that is not part of any form (before the first title line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stray {
    pub line: usize,
    pub text: String,
}

/// Cuts the input into forms. Lines before the first title line must be blank; the first
/// non-blank one is reported so that nothing is dropped silently.
pub(crate) fn split_forms(text: &str) -> (Vec<RawForm<'_>>, Option<Stray>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut forms: Vec<RawForm<'_>> = Vec::new();
    let mut stray = None;
    for (index, raw) in text.split('\n').enumerate() {
        let number = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = title_rest(line) {
            forms.push(RawForm {
                number: forms.len() + 1,
                title_line: number,
                title_rest: rest,
                lines: Vec::new(),
            });
        } else if let Some(form) = forms.last_mut() {
            form.lines.push((number, line));
        } else if stray.is_none() && !line.trim().is_empty() {
            stray = Some(Stray {
                line: number,
                text: line.to_string(),
            });
        }
    }
    (forms, stray)
}

/// If `line` is a title line, what follows the title on it. A title line has no tab and holds
/// the title, possibly as a Markdown heading (`# 财政项目支出绩效目标申报表`).
fn title_rest(line: &str) -> Option<&str> {
    if line.contains('\t') {
        return None;
    }
    let position = line.find(TITLE)?;
    let before = line.get(..position)?;
    if !before.chars().all(|c| c == '#' || c.is_whitespace()) {
        return None;
    }
    line.get(position + TITLE.len()..)
}

/// A label cell as compared: whitespace removed (exports split labels, `项目 绩效 目标`),
/// full-width parentheses made ASCII and an ASCII colon made full-width.
pub(crate) fn normalize(cell: &str) -> String {
    cell.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            ':' => '：',
            other => other,
        })
        .collect()
}

/// Rows written with `|` for tabs, numbered from `first_line`: how the unit tests spell a table.
#[cfg(test)]
pub(crate) fn rows_from(first_line: usize, lines: &[&str]) -> Vec<Row> {
    lines
        .iter()
        .enumerate()
        .map(|(index, line)| Row::parse(first_line + index, &line.replace('|', "\t")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_cut_at_title_lines_with_or_without_heading_marks() {
        let text = "\n# 财政项目支出绩效目标申报表\n(2023年度)\na\tb\n财政项目支出绩效目标申报表\r\n(2024年度)\n";
        let (forms, stray) = split_forms(text);
        assert!(stray.is_none());
        assert_eq!(forms.len(), 2);
        assert_eq!(forms[0].title_line, 2);
        assert_eq!(forms[0].lines, vec![(3, "(2023年度)"), (4, "a\tb")]);
        assert_eq!(forms[1].number, 2);
        assert_eq!(forms[1].title_line, 5);
        assert_eq!(forms[1].lines[0], (6, "(2024年度)"));
    }

    #[test]
    fn text_before_the_first_form_is_reported() {
        let (forms, stray) = split_forms("\nsome note\n# 财政项目支出绩效目标申报表\n");
        assert_eq!(forms.len(), 1);
        assert_eq!(
            stray,
            Some(Stray {
                line: 2,
                text: "some note".to_string()
            })
        );
    }

    #[test]
    fn a_row_mentioning_the_title_is_not_a_title() {
        let (forms, _) =
            split_forms("# 财政项目支出绩效目标申报表\n\t见财政项目支出绩效目标申报表\n");
        assert_eq!(forms.len(), 1);
        assert_eq!(forms[0].lines.len(), 2);
    }

    #[test]
    fn rows_keep_empty_cells_and_trim() {
        let row = Row::parse(7, "|a | \t\tb ".replace('|', "").as_str());
        assert_eq!(row.cells, vec!["a", "", "b"]);
        assert_eq!(row.filled().collect::<Vec<_>>(), vec![(0, "a"), (2, "b")]);
        assert!(Row::parse(1, "\t \t").is_blank());
    }

    #[test]
    fn labels_compare_without_whitespace() {
        assert_eq!(normalize("项目 绩效 目标"), "项目绩效目标");
        assert_eq!(
            normalize("项目总目标 (2023年 -2024年)"),
            "项目总目标(2023年-2024年)"
        );
        assert_eq!(normalize("项目资金（万元）"), "项目资金(万元)");
        assert_eq!(normalize("其中:财政资金"), "其中：财政资金");
    }
}
