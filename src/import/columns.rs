//! Indicator rows from one-cell-per-line text: the pieces between two level names are the
//! 三级指标 and 指标值 cells (and any extra columns) of one or more rows, each cell possibly
//! wrapped over several pieces. Which pieces belong together is decided by the column widths
//! (only a full line wraps) and by what the cells look like (a target like a target, a name not).

use super::grid::{head_width, push_wrapped};
use crate::target::{Target, parse_target};
use unicode_width::UnicodeWidthStr;

fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

fn joined<P: AsRef<str>>(pieces: &[&P]) -> String {
    let mut text = String::new();
    for piece in pieces {
        push_wrapped(&mut text, piece.as_ref());
    }
    text
}

/// A split run: its score and its groups of cells (each cell its pieces).
pub(crate) type Split<'p, P> = (i32, Vec<Vec<Vec<&'p P>>>);

/// Splits a run of pieces into groups of `group` cells (三级指标, 指标值, extras), the best way
/// the column widths allow: a piece may go on into the next only if it fills its column
/// (`widths`: name and target columns; None: that column does not wrap), and the split whose
/// names look like names and targets like targets wins. None if the run cannot be split into
/// whole groups.
pub(crate) fn split_run<'p, P: AsRef<str>>(
    run: &[&'p P],
    group: usize,
    widths: (Option<usize>, Option<usize>),
) -> Option<Split<'p, P>> {
    let group = group.max(1);
    // best[index][column]: the best split of run[index..] starting in `column`.
    let mut best: Vec<Vec<Option<(i32, usize)>>> = vec![vec![None; group]; run.len() + 1];
    best[run.len()][0] = Some((0, 0));
    for index in (0..run.len()).rev() {
        for column in 0..group {
            let full = match column {
                0 => widths.0,
                1 => widths.1,
                _ => None,
            };
            let mut found: Option<(i32, usize)> = None;
            for length in 1..=run.len() - index {
                let last = index + length - 1;
                // No line is wider than its column.
                if full.is_some_and(|full| width(run[last].as_ref()) > full) {
                    break;
                }
                if length > 1 {
                    // run[last - 1] goes on into run[last]: it must fill its column.
                    let (Some(full), Some(previous)) = (full, run.get(last - 1)) else {
                        break;
                    };
                    let next = run[last].as_ref();
                    if width(previous.as_ref()) + head_width(next).min(2) <= full {
                        break;
                    }
                }
                let Some((rest, _)) = best[last + 1][(column + 1) % group] else {
                    continue;
                };
                let text = joined(&run[index..=last]);
                let score = match column {
                    0 => name_score(&text),
                    1 => target_score(&text),
                    _ => 0,
                } - (length as i32 - 1);
                if found.is_none_or(|(known, _)| rest + score > known) {
                    found = Some((rest + score, length));
                }
            }
            best[index][column] = found;
        }
    }
    let (total, _) = best[0][0]?;
    let mut groups = Vec::new();
    let mut cells = Vec::new();
    let (mut index, mut column) = (0, 0);
    while index < run.len() {
        let (_, length) = best[index][column]?;
        cells.push(run[index..index + length].to_vec());
        index += length;
        column = (column + 1) % group;
        if column == 0 {
            groups.push(std::mem::take(&mut cells));
        }
    }
    Some((total, groups))
}

/// How much a text looks like a target (higher) or not.
fn target_score(text: &str) -> i32 {
    if matches!(parse_target(text), Ok(Target::Quantitative { .. })) {
        return 4;
    }
    let starts_with_digit = text.chars().next().is_some_and(|c| c.is_ascii_digit());
    if starts_with_digit && text.chars().count() <= 12 {
        return 3;
    }
    if ["不适用", "无"].iter().any(|word| text.contains(word)) {
        return 3;
    }
    let words = [
        "及时", "良好", "提升", "稳定", "达标", "合格", "完成", "增长", "明显", "显著", "有效",
        "年", "月", "底", "是", "否", "高", "好",
    ];
    if text.chars().count() <= 16 && words.iter().any(|word| text.contains(word)) {
        return 2;
    }
    i32::from(text.chars().count() <= 8)
}

fn name_score(text: &str) -> i32 {
    if target_score(text) >= 3 { -4 } else { 0 }
}

/// The wrap widths of the name and target columns (None: the column does not wrap).
pub(crate) type Widths = (Option<usize>, Option<usize>);

/// The (name, target) wrap widths under which the runs read best: every run divides into whole
/// rows, targets look like targets, names do not.
pub(crate) fn best_widths<P: AsRef<str>>(runs: &[Vec<&P>], group: usize) -> Widths {
    let mut candidates: Vec<Option<usize>> = vec![None];
    // The column is at least as wide as its widest line, and may be a little wider.
    let mut widths: Vec<usize> = runs
        .iter()
        .flatten()
        .flat_map(|piece| {
            let width = width(piece.as_ref());
            [width, width + 1, width + 2]
        })
        .collect();
    widths.sort_unstable();
    widths.dedup();
    candidates.extend(widths.into_iter().map(Some));
    let mut best: Option<(i32, Widths)> = None;
    for name in &candidates {
        for target in &candidates {
            let widths = (*name, *target);
            let total: Option<i32> = runs
                .iter()
                .map(|run| split_run(run, group, widths).map(|(score, _)| score))
                .sum();
            if let Some(total) = total
                && best.is_none_or(|(known, _)| total > known)
            {
                best = Some((total, widths));
            }
        }
    }
    best.map_or((None, None), |(_, widths)| widths)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(groups: &[Vec<Vec<&&str>>]) -> Vec<Vec<String>> {
        groups
            .iter()
            .map(|group| group.iter().map(|cell| joined(cell)).collect())
            .collect()
    }

    #[test]
    fn a_full_name_line_wraps_a_short_one_does_not() {
        let run = [
            "院士专家工作站指导办会议",
            "完成数",
            "≥5.00(次)",
            "引进院士专家数量",
            "≥120.00(名)",
        ];
        let run: Vec<&&str> = run.iter().collect();
        let widths = best_widths(std::slice::from_ref(&run), 2);
        let (_, groups) = split_run(&run, 2, widths).expect("splits");
        assert_eq!(
            texts(&groups),
            [
                vec!["院士专家工作站指导办会议完成数", "≥5.00(次)"],
                vec!["引进院士专家数量", "≥120.00(名)"]
            ]
        );
    }

    #[test]
    fn a_name_that_exactly_fills_its_column_may_still_end() {
        let run = [
            "院士专家工作站指导办会议",
            "完成数",
            "≥5.00(次)",
            "双创活动周主题活动完成数",
            "=1.00(场)",
        ];
        let run: Vec<&&str> = run.iter().collect();
        let (_, groups) = split_run(&run, 2, (Some(24), None)).expect("splits");
        assert_eq!(
            groups[1].iter().map(|c| joined(c)).collect::<Vec<_>>(),
            ["双创活动周主题活动完成数", "=1.00(场)"]
        );
    }

    #[test]
    fn a_wrapped_target() {
        let run = [
            "媒体报道增长情况",
            "较2022年有所",
            "提升",
            "会议成员满意度",
            "≥85.00(%)",
        ];
        let run: Vec<&&str> = run.iter().collect();
        let (_, groups) = split_run(&run, 2, (None, Some(12))).expect("splits");
        assert_eq!(texts(&groups)[0], ["媒体报道增长情况", "较2022年有所提升"]);
        assert_eq!(texts(&groups)[1], ["会议成员满意度", "≥85.00(%)"]);
    }

    #[test]
    fn runs_that_do_not_divide_into_rows() {
        let run = ["甲", "1", "乙"];
        let run: Vec<&&str> = run.iter().collect();
        assert!(split_run(&run, 2, (None, None)).is_none());
    }
}
