//! Charts drawn as SVG at build time: no chart JavaScript, nothing to load, and the numbers in
//! a chart are the same formatted strings as in the year's tables. Geometry is computed with
//! `Decimal` like the money it draws, so bar lengths are reproducible to the byte.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::money::format_yuan;
use crate::render::templates::escape_html;
use crate::site::Year;

const WIDTH: u32 = 800;
const LABEL_RIGHT: u32 = 300;
const BAR_LEFT: u32 = 310;
const BAR_MAX: u32 = 360;
const ROW: u32 = 30;
/// Years with more declarations chart only the largest ones; the table lists all.
pub const MAX_BARS: usize = 60;

/// `length` of `value` relative to `max`, to one decimal.
fn scaled(value: Decimal, max: Decimal, length: u32) -> Decimal {
    if max.is_zero() {
        return Decimal::ZERO;
    }
    (value * Decimal::from(length) / max)
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
}

/// A coordinate as SVG text: `12.5`, `300`.
fn coordinate(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A horizontal bar per declaration: 年度资金申请总额, largest first.
pub fn annual_bars(year: &Year) -> String {
    let bars = year
        .declarations
        .iter()
        .map(|declaration| (declaration.name.as_str(), declaration.funding.annual.yuan));
    let title = format!("{} 年各项目年度资金申请总额（元）", year.year);
    bars_svg("chart-annual", &title, bars)
}

/// A horizontal bar per 主管部门: its 年度资金申请总额, largest first.
pub fn department_bars(year: &Year) -> String {
    let bars = year
        .departments
        .iter()
        .map(|department| (department.name.as_str(), department.totals.annual));
    let title = format!("{} 年各主管部门年度资金申请总额（元）", year.year);
    bars_svg("chart-annual", &title, bars)
}

/// Up to [`MAX_BARS`] bars, largest first (ties by label).
fn bars_svg<'l>(id: &str, title: &str, bars: impl Iterator<Item = (&'l str, Decimal)>) -> String {
    let mut bars: Vec<(&str, Decimal)> = bars.collect();
    bars.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    bars.truncate(MAX_BARS);
    let max = bars.first().map_or(Decimal::ZERO, |bar| bar.1);
    let height = ROW * bars.len() as u32 + 10;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title><desc id="{id}-desc">条形图，按金额从大到小排列；数字与下方表格一致。</desc>"#,
        title = escape_html(title),
    );
    for (index, (name, annual)) in bars.iter().enumerate() {
        let y = ROW * index as u32 + 5;
        let text_y = y + 19;
        let length = coordinate(scaled(*annual, max, BAR_MAX));
        let _ = write!(
            svg,
            r#"<g><text x="{LABEL_RIGHT}" y="{text_y}" text-anchor="end" class="chart-label">{label}</text><rect x="{BAR_LEFT}" y="{bar_y}" width="{length}" height="20" class="chart-bar"></rect><text x="{value_x}" y="{text_y}" class="chart-value">{value}</text></g>"#,
            label = escape_html(&truncate_label(name)),
            bar_y = y + 4,
            value_x = BAR_LEFT + BAR_MAX + 6,
            value = format_yuan(*annual),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Long names are shortened in the chart only (the table next to it has them in full).
fn truncate_label(name: &str) -> String {
    const MAX_CHARS: usize = 18;
    if name.chars().count() <= MAX_CHARS {
        name.to_string()
    } else {
        let short: String = name.chars().take(MAX_CHARS - 1).collect();
        format!("{short}…")
    }
}

/// A stacked bar per 项目类别: how much of its annual request is 当年财政拨款, 上年结转资金 and
/// 其他资金.
pub fn category_sources(year: &Year) -> String {
    let max = year
        .by_category
        .iter()
        .map(|group| group.totals.appropriation + group.totals.carryover + group.totals.other)
        .fold(Decimal::ZERO, Decimal::max);
    let rows = year.by_category.len() as u32;
    let height = ROW * rows + 40;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-labelledby="chart-sources-title chart-sources-desc" xmlns="http://www.w3.org/2000/svg"><title id="chart-sources-title">{year} 年按项目类别的资金来源（元）</title><desc id="chart-sources-desc">堆叠条形图：当年财政拨款、上年结转资金、其他资金；数字与下方表格一致。</desc>"#,
        year = year.year
    );
    for (index, group) in year.by_category.iter().enumerate() {
        let y = ROW * index as u32 + 5;
        let _ = write!(
            svg,
            r#"<g><text x="{LABEL_RIGHT}" y="{text_y}" text-anchor="end" class="chart-label">{label}</text>"#,
            text_y = y + 19,
            label = escape_html(&truncate_label(&group.label)),
        );
        let mut offset = Decimal::ZERO;
        for (part, class) in [
            (group.totals.appropriation, "chart-appropriation"),
            (group.totals.carryover, "chart-carryover"),
            (group.totals.other, "chart-other"),
        ] {
            let x = coordinate(Decimal::from(BAR_LEFT) + scaled(offset, max, BAR_MAX));
            let _ = write!(
                svg,
                r#"<rect x="{x}" y="{bar_y}" width="{width}" height="20" class="{class}"></rect>"#,
                bar_y = y + 4,
                width = coordinate(scaled(part, max, BAR_MAX)),
            );
            offset += part;
        }
        let _ = write!(
            svg,
            r#"<text x="{value_x}" y="{text_y}" class="chart-value">{value}</text></g>"#,
            value_x = BAR_LEFT + BAR_MAX + 6,
            text_y = y + 19,
            value = format_yuan(group.totals.annual),
        );
    }
    let legend_y = ROW * rows + 20;
    for (index, (class, label)) in [
        ("chart-appropriation", "当年财政拨款"),
        ("chart-carryover", "上年结转资金"),
        ("chart-other", "其他资金"),
    ]
    .iter()
    .enumerate()
    {
        let x = BAR_LEFT + 130 * index as u32;
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{legend_y}" width="14" height="14" class="{class}"></rect><text x="{text_x}" y="{text_y}" class="chart-legend">{label}</text>"#,
            text_x = x + 20,
            text_y = legend_y + 12,
        );
    }
    svg.push_str("</svg>");
    svg
}
