//! Layout-preserving PDF text (`pdftotext -layout`): cells are placed on lines by spaces, so two
//! columns of the form (`项目名称 … 项目性质 …`) share a line, and a cell whose text wraps is
//! printed over several lines, vertically centred on its row: pieces above and below the line
//! that holds its label.
//!
//! The reader rebuilds the form's cells:
//! 1. each line is cut into segments at gaps of two or more spaces, each with its display columns;
//! 2. a label printed over several lines (`项目` / `绩效` / `目标`, `绩` / `效` / `指` / `标`) is
//!    joined into one label;
//! 3. *anchor lines* are lines with a label, an amount, a date or a signed target (and, in an
//!    indicator table, any line with text under the 指标值 header): they hold the one line of
//!    every cell of their row;
//! 4. the other lines hold pieces of wrapped cells. Pieces stacked on consecutive lines with
//!    overlapping columns form a chain; a chain through one anchor cell is that cell, a chain
//!    through several is split between them so that each is centred on its anchor line, and a
//!    chain through none (the goal texts, side by side) is a cell of its own row.
//!
//! Each cell's column is its first display column, which is all the form reader compares.

use super::ReadError;
use super::decode::{decode_text, numbered_lines};
use crate::import::grid::{At, Cell, Document, Flow, Row, normalize, push_wrapped, wrapped_onto};
use crate::import::labels::{is_footer, is_label, is_page_marker, is_year_line, title_of};
use crate::levels::{is_level1, is_level2};
use crate::target::{Target, parse_target};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

pub fn read_layout(bytes: &[u8]) -> Result<Document, ReadError> {
    let (text, note) = decode_text(bytes)?;
    let lines: Vec<(usize, Vec<Segment>)> = numbered_lines(&text)
        .map(|(line, text)| (line, segments(text)))
        .collect();
    let rows = rebuild(lines);
    let mut document = Document::of_rows(rows, Flow::Cells);
    document.notes.extend(note);
    Ok(document)
}

/// Does this line have two cells side by side (text, a gap of 2+ spaces, text)?
pub fn has_wide_gap(line: &str) -> bool {
    segments(line).len() >= 2
}

/// A run of text on one line, between gaps of two or more spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    start: usize,
    end: usize,
    text: String,
}

impl Segment {
    fn overlaps(&self, other: &Segment) -> bool {
        self.start < other.end && other.start < self.end
    }
}

fn segments(line: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut column = 0;
    let mut current: Option<Segment> = None;
    let mut spaces = 0;
    for c in line.chars() {
        let width = if c == '\t' {
            8 - column % 8
        } else {
            c.width().unwrap_or(0)
        };
        if c == ' ' || c == '\t' || c == '\u{a0}' || c.is_control() {
            spaces += width.max(1);
        } else {
            if spaces >= 2 {
                segments.extend(current.take());
            }
            let segment = current.get_or_insert_with(|| Segment {
                start: column,
                end: column,
                text: String::new(),
            });
            if spaces == 1 && !segment.text.is_empty() {
                segment.text.push(' ');
            }
            segment.text.push(c);
            segment.end = column + width;
            spaces = 0;
        }
        column += width;
    }
    segments.extend(current);
    segments
}

/// A segment's role once labels are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Label,
    /// A label printed over several lines (a merged cell's): not an anchor of its middle line.
    Stacked,
    Value,
}

fn is_label_text(text: &str) -> bool {
    let normalized = normalize(text);
    let normalized = normalized.strip_suffix('：').unwrap_or(&normalized);
    is_label(normalized) || is_level1(normalized) || is_level2(normalized)
}

/// Text that marks its line as an anchor: a label, an amount, a date, a signed target.
fn is_anchor_text(text: &str) -> bool {
    let plain = text.trim();
    is_label_text(plain)
        || super::stream::is_amount(plain)
        || (plain.len() == 10 && plain.as_bytes().get(4) == Some(&b'-'))
        || matches!(parse_target(plain), Ok(Target::Quantitative { .. }))
}

/// Lines that stand alone: titles, year lines, page furniture, footers.
fn is_standalone(text: &str) -> bool {
    title_of(text).is_some()
        || is_year_line(text)
        || is_page_marker(text)
        || is_footer(&normalize(text))
}

struct Line {
    number: usize,
    segments: Vec<(Segment, Kind)>,
}

/// A value segment: (line index, segment index).
type Piece = (usize, usize);

/// A chain through no anchor line: its first and last line index, and its cell.
type FreeCell = (usize, usize, Cell);

fn rebuild(raw: Vec<(usize, Vec<Segment>)>) -> Vec<Row> {
    let lines = join_stacked_labels(raw);
    let anchors = anchor_lines(&lines);
    let chains = chains(&lines, &value_pieces(&lines));
    let mut taken: Vec<Vec<bool>> = lines
        .iter()
        .map(|line| vec![false; line.segments.len()])
        .collect();
    let mut cells_at: Vec<Vec<Cell>> = vec![Vec::new(); lines.len()];
    let mut free: Vec<FreeCell> = Vec::new();
    for chain in chains {
        for (line, segment) in &chain {
            taken[*line][*segment] = true;
        }
        let anchor_positions: Vec<usize> = chain
            .iter()
            .enumerate()
            .filter(|(_, (line, _))| anchors[*line])
            .map(|(position, _)| position)
            .collect();
        if anchor_positions.is_empty() {
            let first = chain.first().map_or(0, |(line, _)| *line);
            let last = chain.last().map_or(0, |(line, _)| *line);
            free.push((first, last, chain_cell(&lines, &chain)));
            continue;
        }
        let wraps = chain_wraps(&lines, &chain);
        for (anchor, range) in split_chain(chain.len(), &anchor_positions, &wraps) {
            let line = chain[anchor].0;
            cells_at[line].push(chain_cell(&lines, &chain[range]));
        }
    }
    // Labels, and values no chain took, are cells of their own line.
    for (index, line) in lines.iter().enumerate() {
        for ((segment, kind), taken) in line.segments.iter().zip(&taken[index]) {
            if *kind != Kind::Value || !taken {
                cells_at[index].push(Cell {
                    text: segment.text.clone(),
                    column: segment.start,
                });
            }
        }
    }
    let mut rows: Vec<Row> = cells_at
        .into_iter()
        .enumerate()
        .filter(|(_, cells)| !cells.is_empty())
        .map(|(index, cells)| row_at(&lines, index, cells))
        .collect();
    rows.extend(free_rows(&lines, free));
    merge_same_line(rows)
}

/// Every value segment, in line order.
fn value_pieces(lines: &[Line]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        for (segment, (_, kind)) in line.segments.iter().enumerate() {
            if *kind == Kind::Value {
                pieces.push((index, segment));
            }
        }
    }
    pieces
}

fn piece_text(lines: &[Line], (line, segment): Piece) -> &str {
    &lines[line].segments[segment].0.text
}

/// The cell a run of pieces makes: their text, and the first column any of them starts at.
fn chain_cell(lines: &[Line], part: &[Piece]) -> Cell {
    let column = part
        .iter()
        .map(|(line, segment)| lines[*line].segments[*segment].0.start)
        .min()
        .unwrap_or(0);
    Cell {
        text: chain_text(lines, part),
        column,
    }
}

/// The pieces' text. A line shorter than the cell's widest, where the next line's start would
/// have fitted, ends a paragraph of the cell.
fn chain_text(lines: &[Line], part: &[Piece]) -> String {
    let full = widest(lines, part);
    let mut text = String::new();
    let mut previous: Option<usize> = None;
    for piece in part {
        let piece = piece_text(lines, *piece);
        if previous.is_some_and(|previous| !wrapped_onto(previous, piece, full)) {
            text.push_str("\n\n");
            text.push_str(piece);
        } else {
            push_wrapped(&mut text, piece);
        }
        previous = Some(width(piece));
    }
    text
}

fn widest(lines: &[Line], part: &[Piece]) -> usize {
    part.iter()
        .map(|piece| width(piece_text(lines, *piece)))
        .max()
        .unwrap_or(0)
}

/// For each pair of consecutive pieces of `chain`, whether the lower continues the upper's
/// paragraph (measured against the chain's widest line).
fn chain_wraps(lines: &[Line], chain: &[Piece]) -> Vec<bool> {
    let full = widest(lines, chain);
    chain
        .windows(2)
        .map(|pair| {
            let upper = piece_text(lines, pair[0]);
            let lower = piece_text(lines, pair[1]);
            wrapped_onto(width(upper), lower, full)
        })
        .collect()
}

fn row_at(lines: &[Line], index: usize, mut cells: Vec<Cell>) -> Row {
    cells.sort_by_key(|cell| cell.column);
    Row {
        at: At {
            table: 0,
            line: lines[index].number,
        },
        cells,
    }
}

/// Free chains that share lines are cells of one row (two goal texts side by side), placed on
/// their first line.
fn free_rows(lines: &[Line], mut free: Vec<FreeCell>) -> Vec<Row> {
    free.sort_by_key(|(first, _, cell)| (*first, cell.column));
    let mut groups: Vec<(usize, usize, Vec<Cell>)> = Vec::new();
    for (first, last, cell) in free {
        match groups.last_mut() {
            Some(group) if first <= group.1 => {
                group.1 = group.1.max(last);
                group.2.push(cell);
            }
            _ => groups.push((first, last, vec![cell])),
        }
    }
    groups
        .into_iter()
        .map(|(first, _, cells)| row_at(lines, first, cells))
        .collect()
}

/// Cells of one line are one row, whichever way they were found.
fn merge_same_line(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort_by_key(|row| row.at.line);
    let mut merged: Vec<Row> = Vec::with_capacity(rows.len());
    for row in rows {
        match merged.last_mut() {
            Some(last) if last.at == row.at => {
                last.cells.extend(row.cells);
                last.cells.sort_by_key(|cell| cell.column);
            }
            _ => merged.push(row),
        }
    }
    merged
}

/// Labels printed one piece per line in one column are joined into one label, placed on their
/// middle line; every other segment is classified as label or value.
fn join_stacked_labels(raw: Vec<(usize, Vec<Segment>)>) -> Vec<Line> {
    let mut grid: Vec<Vec<Option<Segment>>> = raw
        .iter()
        .map(|(_, segments)| segments.iter().cloned().map(Some).collect())
        .collect();
    let mut joined: Vec<(usize, Segment)> = Vec::new();
    for start in 0..grid.len() {
        for index in 0..grid[start].len() {
            let Some(first) = grid[start][index].clone() else {
                continue;
            };
            if first.text.chars().count() > 8 {
                continue;
            }
            // Follow the stack down, one overlapping short segment per line.
            let mut stack = vec![(start, index)];
            let mut text = normalize(&first.text);
            let mut found = None;
            while stack.len() < 10 {
                let (line, position) = *stack.last().unwrap_or(&(start, index));
                let Some(current) = grid[line][position].clone() else {
                    break;
                };
                let next_line = line + 1;
                let Some(next) = grid.get(next_line).and_then(|segments| {
                    segments.iter().position(|segment| {
                        segment
                            .as_ref()
                            .is_some_and(|s| s.overlaps(&current) && s.text.chars().count() <= 8)
                    })
                }) else {
                    break;
                };
                stack.push((next_line, next));
                if let Some(segment) = &grid[next_line][next] {
                    text.push_str(&normalize(&segment.text));
                }
                if is_label_text(&text) {
                    found = Some(stack.clone());
                }
            }
            if let Some(stack) = found {
                let middle = stack[stack.len() / 2].0;
                let mut label = Segment {
                    start: usize::MAX,
                    end: 0,
                    text: String::new(),
                };
                for (line, position) in &stack {
                    if let Some(segment) = grid[*line][*position].take() {
                        label.start = label.start.min(segment.start);
                        label.end = label.end.max(segment.end);
                        label.text.push_str(&segment.text);
                    }
                }
                joined.push((middle, label));
                continue;
            }
        }
    }
    let mut lines: Vec<Line> = raw
        .iter()
        .zip(grid)
        .map(|((number, _), segments)| Line {
            number: *number,
            segments: segments
                .into_iter()
                .flatten()
                .map(|segment| {
                    let kind = if is_label_text(&segment.text) {
                        Kind::Label
                    } else {
                        Kind::Value
                    };
                    (segment, kind)
                })
                .collect(),
        })
        .collect();
    for (line, label) in joined {
        if let Some(target) = lines.get_mut(line) {
            target.segments.push((label, Kind::Stacked));
            target.segments.sort_by_key(|(segment, _)| segment.start);
        }
    }
    lines
}

/// Which lines are anchors: see the module documentation.
fn anchor_lines(lines: &[Line]) -> Vec<bool> {
    let mut anchors = Vec::with_capacity(lines.len());
    let mut target_column: Option<Segment> = None;
    for line in lines {
        let texts: Vec<&str> = line.segments.iter().map(|(s, _)| s.text.as_str()).collect();
        if texts.iter().any(|text| normalize(text) == "一级指标") {
            target_column = line
                .segments
                .iter()
                .find(|(segment, _)| {
                    let text = normalize(&segment.text);
                    text.ends_with("指标值") || text == "目标值"
                })
                .map(|(segment, _)| segment.clone());
        }
        if texts.len() == 1 && title_of(texts[0]).is_some() {
            target_column = None;
        }
        let in_target_column = target_column.as_ref().is_some_and(|column| {
            line.segments
                .iter()
                .any(|(segment, kind)| *kind == Kind::Value && segment.overlaps(column))
        });
        anchors.push(
            in_target_column
                || line.segments.iter().any(|(segment, kind)| match kind {
                    Kind::Label => true,
                    Kind::Stacked => false,
                    Kind::Value => is_anchor_text(&segment.text),
                })
                || (texts.len() == 1 && is_standalone(texts[0])),
        );
    }
    anchors
}

/// Value segments stacked on consecutive lines with overlapping columns, each chain in line
/// order. A segment that touches two segments of the next line ends its chain there.
fn chains(lines: &[Line], pieces: &[(usize, usize)]) -> Vec<Vec<(usize, usize)>> {
    let mut used = vec![false; pieces.len()];
    let mut chains = Vec::new();
    for start in 0..pieces.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut chain = vec![pieces[start]];
        let mut current = start;
        loop {
            let (line, segment) = pieces[current];
            let this = &lines[line].segments[segment].0;
            let below: Vec<usize> = pieces
                .iter()
                .enumerate()
                .skip(current + 1)
                .take_while(|(_, (other_line, _))| *other_line <= line + 1)
                .filter(|(index, (other_line, other))| {
                    !used[*index]
                        && *other_line == line + 1
                        && lines[*other_line].segments[*other].0.overlaps(this)
                })
                .map(|(index, _)| index)
                .collect();
            let [next] = below.as_slice() else {
                break;
            };
            used[*next] = true;
            chain.push(pieces[*next]);
            current = *next;
        }
        chains.push(chain);
    }
    chains
}

/// Splits a chain of `length` pieces among the anchors at `anchors` (positions in the chain):
/// each anchor gets the pieces around it, centred (as many above as below, or one more below;
/// one fewer below costs a little, for renderers that round the other way). `wraps[i]` says
/// whether piece `i` looks wrapped onto piece `i + 1` (it was full); among the centred splits
/// the one whose cells best follow the wrapping wins. Returns (anchor position, range of pieces)
/// per anchor.
fn split_chain(
    length: usize,
    anchors: &[usize],
    wraps: &[bool],
) -> Vec<(usize, std::ops::Range<usize>)> {
    type Memo = std::collections::HashMap<(usize, usize), Option<(i32, Vec<usize>)>>;
    fn best(
        j: usize,
        start: usize,
        anchors: &[usize],
        length: usize,
        wraps: &[bool],
        memo: &mut Memo,
    ) -> Option<(i32, Vec<usize>)> {
        if let Some(known) = memo.get(&(j, start)) {
            return known.clone();
        }
        let result = (|| {
            let Some(&anchor) = anchors.get(j) else {
                return (start == length).then(|| (0, Vec::new()));
            };
            let above = anchor.checked_sub(start)?;
            let next = anchors.get(j + 1).copied().unwrap_or(length);
            let limit = next.checked_sub(anchor + 1)?;
            let wrap = |i: usize| wraps.get(i).copied().unwrap_or(false);
            let mut found: Option<(i32, Vec<usize>)> = None;
            let candidates = [
                (Some(above), 0),
                (Some(above + 1), 0),
                (above.checked_sub(1), -3),
            ];
            for (below, cost) in candidates {
                let Some(below) = below.filter(|below| *below <= limit) else {
                    continue;
                };
                let end = anchor + 1 + below;
                if anchors.get(j + 1).is_none() && end != length {
                    continue;
                }
                let Some((rest, mut ends)) = best(j + 1, end, anchors, length, wraps, memo) else {
                    continue;
                };
                let inner: i32 = (start..end - 1).map(|i| if wrap(i) { 1 } else { -1 }).sum();
                let boundary = if end < length && wrap(end - 1) { -1 } else { 0 };
                let score = rest + inner + boundary + cost;
                if found.as_ref().is_none_or(|(known, _)| score > *known) {
                    ends.insert(0, end);
                    found = Some((score, ends));
                }
            }
            found
        })();
        memo.insert((j, start), result.clone());
        result
    }
    let mut memo = Memo::new();
    let ends = match best(0, 0, anchors, length, wraps, &mut memo) {
        Some((_, ends)) => ends,
        None => {
            // Not centred: each piece goes to the nearest anchor (the one above on a tie).
            anchors
                .iter()
                .enumerate()
                .map(|(index, anchor)| match anchors.get(index + 1) {
                    Some(next) => anchor + 1 + (next - anchor - 1).div_ceil(2),
                    None => length,
                })
                .collect()
        }
    };
    let mut start = 0;
    anchors
        .iter()
        .zip(ends)
        .map(|(anchor, end)| {
            let range = start..end.max(start);
            start = end.max(start);
            (*anchor, range)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<(usize, Vec<String>)> {
        read_layout(text.as_bytes()).unwrap().tables[0]
            .rows
            .iter()
            .map(|row| {
                (
                    row.at.line,
                    row.cells.iter().map(|cell| cell.text.clone()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn segments_are_cut_at_wide_gaps() {
        let got = segments("项目名称    学术 交流    项目性质");
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].start, 0);
        assert_eq!(got[0].end, 8);
        assert_eq!(got[1].text, "学术 交流");
        assert_eq!(got[1].start, 12);
    }

    #[test]
    fn wrapped_values_around_their_label_are_joined() {
        let text = [
            "            学术交流与发展                  其他一次",
            "项目名称    项目（二期）续      项目性质    性项目",
            "            篇",
            "主管部门    上海市科学技术协会  实施单位    上海市科学技术协会",
        ]
        .join("\n");
        let got = cells(&text);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert_eq!(
            got[0].1,
            [
                "项目名称",
                "学术交流与发展项目（二期）续篇",
                "项目性质",
                "其他一次性项目"
            ]
        );
        assert_eq!(got[0].0, 2);
        assert_eq!(got[1].1[1], "上海市科学技术协会");
    }

    #[test]
    fn stacked_labels_and_side_by_side_goals() {
        let text = [
            "项目      项目总目标              年度总体目标",
            "绩效      市科协机构及常委会      市科协机构及",
            "目标      会议                    常委会会议",
        ]
        .join("\n");
        let got = cells(&text);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert_eq!(got[0].1, ["项目总目标", "年度总体目标"]);
        assert_eq!(
            got[1].1,
            [
                "项目绩效目标",
                "市科协机构及常委会会议",
                "市科协机构及常委会会议"
            ]
        );
    }

    #[test]
    fn chains_through_several_anchors_are_centred() {
        // Pieces 0..6 with anchors at 1 and 4: 0-2 (1 above, 1 below), 3-5 (1 above, 1 below).
        let split = split_chain(6, &[1, 4], &[true, true, false, true, true]);
        assert_eq!(split, [(1, 0..3), (4, 3..6)]);
        // An even cell gets the extra piece below; which cell gets the middle piece follows
        // the wrapping.
        assert_eq!(
            split_chain(3, &[0, 2], &[true, false]),
            [(0, 0..2), (2, 2..3)]
        );
        assert_eq!(
            split_chain(3, &[0, 2], &[false, false]),
            [(0, 0..2), (2, 2..3)]
        );
        assert_eq!(split_chain(1, &[0], &[]), [(0, 0..1)]);
    }
}
