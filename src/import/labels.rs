//! What the forms print: titles, field labels and their variants across provinces and years,
//! section headers, and the lines around a form (page headers, footers, signatures) that are not
//! part of it. Every comparison is on [`normalize`]d text.

use super::grid::normalize;

/// Titles of the forms this importer reads (SPEC §5), longest first.
pub const TITLES: &[&str] = &[
    "财政项目支出绩效目标申报表",
    "部门预算项目绩效目标申报表",
    "项目支出绩效目标申报表",
    "项目支出绩效目标表",
    "项目绩效目标申报表",
    "项目绩效目标表",
];

/// Words in the title of a self-evaluation form (自评表), which reports results, not targets.
const SELF_EVALUATION_TITLES: &[&str] = &["自评表", "绩效自评", "自评报告"];

/// Column headers that only a self-evaluation form has.
/// (分值 alone is not enough: some target forms call their weight column so.)
pub const SELF_EVALUATION_COLUMNS: &[&str] = &["实际完成值", "完成值", "得分", "偏差原因"];

/// A field of a form's header and funding block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Name,
    Year,
    Nature,
    Category,
    Department,
    DepartmentCode,
    Implementer,
    Start,
    End,
    Period,
    Total,
    TotalFiscal,
    TotalOther,
    Annual,
    Appropriation,
    Carryover,
    Other,
}

impl Field {
    /// The label as the official form prints it, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "项目名称",
            Field::Year => "申报年度",
            Field::Nature => "项目性质",
            Field::Category => "项目类别",
            Field::Department => "主管部门",
            Field::DepartmentCode => "主管部门代码",
            Field::Implementer => "实施单位",
            Field::Start => "计划开始日期",
            Field::End => "计划完成日期",
            Field::Period => "项目期",
            Field::Total => "项目资金总额",
            Field::TotalFiscal => "其中：财政资金",
            Field::TotalOther => "其他资金 (项目资金总额)",
            Field::Annual => "年度资金申请总额",
            Field::Appropriation => "其中：当年财政拨款",
            Field::Carryover => "上年结转资金",
            Field::Other => "其他资金",
        }
    }
}

/// Every label of every field, as printed by the forms we know (normalized, without a leading
/// `其中：` or a trailing colon). 其他资金 and 财政拨款 name the annual field here; a label left of
/// the 年度资金申请总额 column is moved to the multi-year half by the field scanner.
const FIELD_LABELS: &[(&str, Field)] = &[
    ("项目名称", Field::Name),
    ("申报年度", Field::Year),
    ("预算年度", Field::Year),
    ("项目性质", Field::Nature),
    ("项目属性", Field::Nature),
    ("项目类别", Field::Category),
    ("项目类型", Field::Category),
    ("主管部门", Field::Department),
    ("主管部门及代码", Field::Department),
    ("主管部门名称", Field::Department),
    ("主管单位", Field::Department),
    ("预算部门", Field::Department),
    ("主管部门代码", Field::DepartmentCode),
    ("部门代码", Field::DepartmentCode),
    ("部门编码", Field::DepartmentCode),
    ("实施单位", Field::Implementer),
    ("项目实施单位", Field::Implementer),
    ("计划开始日期", Field::Start),
    ("项目开始日期", Field::Start),
    ("开始日期", Field::Start),
    ("计划完成日期", Field::End),
    ("计划结束日期", Field::End),
    ("项目完成日期", Field::End),
    ("完成日期", Field::End),
    ("项目期", Field::Period),
    ("项目期限", Field::Period),
    ("项目周期", Field::Period),
    ("实施期限", Field::Period),
    ("项目资金总额", Field::Total),
    ("中期资金总额", Field::Total),
    ("财政资金", Field::TotalFiscal),
    ("年度资金申请总额", Field::Annual),
    ("年度资金总额", Field::Annual),
    ("当年财政拨款", Field::Appropriation),
    ("财政拨款", Field::Appropriation),
    ("上年结转资金", Field::Carryover),
    ("上年结转", Field::Carryover),
    ("其他资金", Field::Other),
];

/// The field a (normalized) label cell names.
pub fn field_of(label: &str) -> Option<Field> {
    let label = label.strip_prefix("其中：").unwrap_or(label);
    let label = label.strip_suffix('：').unwrap_or(label);
    FIELD_LABELS
        .iter()
        .find(|(known, _)| *known == label)
        .map(|(_, field)| *field)
}

/// Labels of the form's sections and tables (normalized).
const SECTION_LABELS: &[&str] = &[
    "项目绩效目标",
    "绩效目标",
    "总体目标",
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "权重",
    "指标方向性",
    "指标方向",
    "指标性质",
    "度量单位",
    "计量单位",
];

/// Is this (normalized) cell a label of the form, of any section?
pub fn is_label(label: &str) -> bool {
    field_of(label).is_some()
        || unit_label(label).is_some()
        || SECTION_LABELS.contains(&label)
        || is_goal_label(label)
        || (label.ends_with("指标值") && label.chars().count() <= 12)
}

/// `项目总目标 (2023年-2024年)`, `中期目标`, `年度总体目标`, `年度目标`: which goal it heads.
pub fn goal_label(label: &str) -> Option<Goal> {
    let label = label.strip_suffix('：').unwrap_or(label);
    for (prefix, goal) in [
        ("项目总目标", Goal::Overall),
        ("中期目标", Goal::Overall),
        ("年度总体目标", Goal::Annual),
        ("年度目标", Goal::Annual),
    ] {
        let Some(rest) = label.strip_prefix(prefix) else {
            continue;
        };
        // Only a period in parentheses may follow: `项目总目标 (2023年-2024年)`.
        let period_only = rest.is_empty()
            || (rest.starts_with('(') && rest.ends_with(')') && rest.matches(')').count() == 1);
        return period_only.then_some(goal);
    }
    None
}

fn is_goal_label(label: &str) -> bool {
    goal_label(label).is_some() && label.chars().count() <= 24
}

/// The two goals of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    Overall,
    Annual,
}

/// The unit in a (normalized) `项目资金 (元)` label: `Some("元")`, `Some("万元")`, or whatever
/// else is in the parentheses; `Some("")` for a bare `项目资金`.
pub fn unit_label(label: &str) -> Option<&str> {
    let rest = label.strip_prefix("项目资金")?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix('(')?.strip_suffix(')')
}

/// The unit stated anywhere in a cell: `金额单位：万元`, `单位：元`, `(单位：万元)`, or a column
/// header such as `年度资金申请总额（万元）`.
pub fn stated_unit(cell: &str) -> Option<&'static str> {
    let text = normalize(cell);
    for marker in ["金额单位：", "资金单位：", "单位："] {
        if let Some(position) = text.find(marker) {
            let rest = text.get(position + marker.len()..).unwrap_or_default();
            return unit_at_start(rest);
        }
    }
    if text.contains("资金") || text.contains("金额") || text.contains("总额") {
        for unit in ["(万元)", "(元)"] {
            if text.ends_with(unit) {
                return unit_at_start(unit.trim_start_matches('('));
            }
        }
    }
    None
}

fn unit_at_start(text: &str) -> Option<&'static str> {
    if text.starts_with("万元") {
        Some("万元")
    } else if text.starts_with('元') {
        Some("元")
    } else {
        None
    }
}

/// Is this row a form's title (or a self-evaluation form's)? A title stands alone or with the
/// year beside it, so long rows and sentences that mention a title are not titles.
pub fn title_of(text: &str) -> Option<Title> {
    let text = normalize(text);
    if text.chars().count() > 60 {
        return None;
    }
    if SELF_EVALUATION_TITLES
        .iter()
        .any(|word| text.contains(word))
        && text.contains("绩效")
    {
        return Some(Title::SelfEvaluation);
    }
    TITLES
        .iter()
        .any(|title| text.contains(title))
        .then_some(Title::Targets)
}

/// What a title row announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Title {
    Targets,
    SelfEvaluation,
}

/// The year in a title or year line: `(2023年度)`, `2023年度`, `2023年`, `申报年度：2023`.
pub fn year_in(text: &str) -> Option<i32> {
    let text = normalize(text);
    let chars: Vec<char> = text.chars().collect();
    let mut index = 0;
    while index + 4 <= chars.len() {
        let digits = &chars[index..index + 4];
        // A year right after a dash or 至 is the end of a period (`2023年-2024年`), not a year.
        let before_ok = index == 0
            || !(chars[index - 1].is_ascii_digit() || "-—－~～至".contains(chars[index - 1]));
        let after = chars.get(index + 4).copied();
        if before_ok
            && digits.iter().all(char::is_ascii_digit)
            && matches!(after, Some('年') | None | Some(')'))
        {
            let year: String = digits.iter().collect();
            if let Ok(year) = year.parse::<i32>()
                && (1990..=2999).contains(&year)
            {
                // `2023年-2024年` in a goal label is a period, not a year line.
                let rest: String = chars[index + 4..].iter().collect();
                if !rest.starts_with("年-") && !rest.starts_with("年至") {
                    return Some(year);
                }
            }
        }
        index += 1;
    }
    None
}

/// A line that only repeats the year, as under a title: `(2023年度)`.
pub fn is_year_line(text: &str) -> bool {
    let text = normalize(text);
    let inner = text
        .strip_prefix('(')
        .and_then(|inner| inner.strip_suffix(')'))
        .unwrap_or(&text);
    inner.strip_suffix("年度").is_some_and(|digits| {
        digits.chars().count() == 4 && digits.chars().all(|c| c.is_ascii_digit())
    })
}

/// Labels that close a form: signatures and notes under the indicator table.
const FOOTER_LABELS: &[&str] = &[
    "填报人",
    "填表人",
    "联系人",
    "联系电话",
    "审核人",
    "负责人",
    "单位负责人",
    "财务负责人",
    "填报日期",
    "填表日期",
    "备注",
    "注：",
    "说明：",
];

/// Does this (normalized) row text start a footer?
pub fn is_footer(text: &str) -> bool {
    FOOTER_LABELS.iter().any(|label| text.starts_with(label))
}

/// Page furniture that a PDF's text carries between a form's rows: `第 2 页`, `共3页`, `- 2 -`,
/// `Page 2 of 3`, `2/3`.
pub fn is_page_marker(text: &str) -> bool {
    let text = normalize(text);
    let without_digits: String = text.chars().filter(|c| !c.is_ascii_digit()).collect();
    let has_digit = text.chars().any(|c| c.is_ascii_digit());
    let dashed = text.starts_with('-') && text.ends_with('-') && without_digits == "--";
    has_digit
        && (dashed
            || matches!(
                without_digits.as_str(),
                "第页"
                    | "共页"
                    | "第页共页"
                    | "第页,共页"
                    | "第页，共页"
                    | "/"
                    | "Page"
                    | "Pageof"
                    | "页"
            ))
}

/// If `text` starts with a field label followed by a colon or whitespace and more text (`项目名称：
/// 学术交流`, `主管部门 上海市科学技术协会`), the label and the value, both trimmed.
pub fn split_label_value(text: &str) -> Option<(Field, String)> {
    let trimmed = text.trim();
    let mut best: Option<(Field, String)> = None;
    let mut label = String::new();
    for (index, c) in trimmed.char_indices() {
        if c.is_whitespace() || c == ':' || c == '：' {
            // A label ends here if what came before names a field.
            let candidate = normalize(&label);
            if let Some(field) = field_of(&candidate) {
                let rest = trimmed
                    .get(index..)
                    .unwrap_or_default()
                    .trim_start_matches(|c: char| c.is_whitespace() || c == ':' || c == '：');
                if !rest.is_empty() {
                    best = Some((field, rest.trim().to_string()));
                }
            }
            if c == ':' || c == '：' {
                // `其中：财政资金` is one label: read on after the colon.
                label.push('：');
                continue;
            }
        }
        if !c.is_whitespace() {
            label.push(c);
        }
        if label.chars().count() > 12 {
            break;
        }
    }
    best
}

/// Does the (normalized) text contain a field label glued to other text, as when a PDF's text
/// lost the gaps between cells (`项目名称学术交流项目性质其他`)?
pub fn has_glued_label(text: &str) -> bool {
    let labels = [
        "项目名称",
        "主管部门",
        "实施单位",
        "年度资金申请总额",
        "项目类别",
    ];
    let count = labels.iter().filter(|label| text.contains(*label)).count();
    count >= 2
        || labels.iter().any(|label| {
            text.starts_with(label)
                && text.len() > label.len()
                && field_of(text).is_none()
                && !text.contains('：')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_variants_are_found_and_sentences_are_not() {
        for title in [
            "财政项目支出绩效目标申报表",
            "# 财政项目支出绩效目标申报表",
            "2023年度项目支出绩效目标表",
            "部门预算项目绩效目标申报表 （2024年度）",
            "项目 绩效 目标表",
        ] {
            assert_eq!(title_of(title), Some(Title::Targets), "{title}");
        }
        assert_eq!(
            title_of("2023年度项目支出绩效自评表"),
            Some(Title::SelfEvaluation)
        );
        assert_eq!(title_of("项目名称"), None);
        let sentence = "根据有关规定，现将本单位2023年度全部项目的财政项目支出绩效目标申报表予以公开，请社会各界监督，如有疑问请联系本单位办公室。";
        assert_eq!(title_of(sentence), None);
    }

    #[test]
    fn years_in_titles_and_year_lines() {
        assert_eq!(year_in("(2023年度)"), Some(2023));
        assert_eq!(year_in("2024年项目支出绩效目标表"), Some(2024));
        assert_eq!(year_in("申报年度：2025"), Some(2025));
        assert_eq!(year_in("项目总目标 (2023年 -2024年)"), None);
        assert_eq!(year_in("12023年"), None);
        assert_eq!(year_in("财政项目支出绩效目标申报表"), None);
        assert!(is_year_line(" （2024 年度） "));
        assert!(!is_year_line("(2023年)"));
    }

    #[test]
    fn labels_and_their_variants() {
        assert_eq!(field_of("其中：财政拨款"), Some(Field::Appropriation));
        assert_eq!(field_of("中期资金总额："), Some(Field::Total));
        assert_eq!(field_of("主管部门及代码"), Some(Field::Department));
        assert!(is_label("年度(/项目)指标值"));
        assert!(is_label("项目总目标(2023年-2024年)"));
        assert!(!is_label("上海市科学技术协会"));
        assert_eq!(goal_label("中期目标(2023年-2025年)"), Some(Goal::Overall));
        assert_eq!(unit_label("项目资金(万元)"), Some("万元"));
    }

    #[test]
    fn units_stated_in_the_form() {
        assert_eq!(stated_unit("金额单位：万元"), Some("万元"));
        assert_eq!(stated_unit("（单位：元）"), Some("元"));
        assert_eq!(stated_unit("年度资金申请总额（万元）"), Some("万元"));
        assert_eq!(stated_unit("单位：个"), None);
        assert_eq!(stated_unit("项目名称"), None);
    }

    #[test]
    fn label_and_value_in_one_cell() {
        assert_eq!(
            split_label_value("项目名称：学术交流"),
            Some((Field::Name, "学术交流".to_string()))
        );
        assert_eq!(
            split_label_value("主管部门  [015]上海市科学技术协会"),
            Some((Field::Department, "[015]上海市科学技术协会".to_string()))
        );
        assert_eq!(
            split_label_value("其中：当年财政拨款 1,800,000.00"),
            Some((Field::Appropriation, "1,800,000.00".to_string()))
        );
        assert_eq!(split_label_value("其中：财政资金"), None);
        assert_eq!(split_label_value("项目名称"), None);
        assert_eq!(split_label_value("学术交流：项目"), None);
    }

    #[test]
    fn page_furniture_and_footers() {
        for marker in ["第 2 页", "第2页 共3页", "- 4 -", "Page 2 of 3", "2/3"] {
            assert!(is_page_marker(marker), "{marker}");
        }
        for text in [
            "2023年12月底",
            "第一页",
            "≥100.00(项)",
            "100%",
            "2023-01-01",
            "2023/01/01",
        ] {
            assert!(!is_page_marker(text), "{text}");
        }
        assert!(is_footer("填报人：张三"));
        assert!(!is_footer("项目名称"));
    }

    #[test]
    fn glued_labels_are_damage() {
        assert!(has_glued_label("项目名称学术交流项目性质其他"));
        assert!(!has_glued_label("项目名称"));
        assert!(!has_glued_label("项目名称：学术交流"));
    }
}
