//! Which qualitative targets say nothing that can be checked at the end of the year.
//!
//! A qualitative target is flagged when it uses a word from [`VAGUE_WORDS`] (or the site's own
//! additions) and carries no measurable criterion: no number, no percentage and no deadline.
//! `有效提升` and `及时` are flagged; `提升10%`, `较2022年有所提升` (a baseline year),
//! `提升两个百分点`, `2023年12月底前及时完成` and `年底前完成` are not. Targets that use none of the
//! words (`达标`, `是`, `合格`, `按期完成`) are left alone: the list names vagueness, it does not
//! guess at it.

/// Words that state a direction or a degree without saying how much or by when, as budget
/// offices' review guidance describes unmeasurable targets. Sites add their own in `site.toml`
/// (`[quality] vague_words`).
#[rustfmt::skip]
pub const VAGUE_WORDS: &[&str] = &[
    // A direction without an amount.
    "提升", "提高", "增强", "增长", "增加", "扩大", "改善", "改进", "优化", "完善", "加强", "促进", "推动",
    // A degree without a measure.
    "有效", "明显", "显著", "良好", "较好", "较高", "大幅", "有所", "一定", "充分", "积极", "稳定", "多样", "丰富",
    // A time without a date.
    "及时", "逐步", "进一步", "不断", "持续", "稳步", "尽快",
];

/// Deadlines without digits: calendar ones (`年底前完成`, `上半年`) and the plan's own dates
/// (`按时`, `按期`, `如期`: by the form's 计划完成日期). A target with one is measurable; `及时`
/// (promptly) names no date and is in [`VAGUE_WORDS`] instead.
#[rustfmt::skip]
pub const DEADLINE_WORDS: &[&str] = &[
    "年底", "年末", "年中", "年内", "年初", "月底", "月末", "月内", "季度", "上半年", "下半年",
    "当年", "本年度", "年度内", "按时", "按期", "如期",
];

/// Chinese numerals: a run of these followed by a measure word is a number (`两个`, `三次`).
const NUMERALS: &str = "〇零一二两三四五六七八九十百千万亿半";

/// Measure words and units that make a preceding Chinese numeral a count. `步` is deliberately
/// absent (`进一步` is a hedge, not a count), and so are `定`, `般`, `致` (`一定`, `一般`, `一致`)
/// and `部` (`统一部署`).
const MEASURES: &str = "个次项场人名家篇期件天日月年周倍成所位台套本份条座户村元类轮";

/// Texts that mark an indicator row as not applicable (`本项目不适用此指标`, `无`).
const NOT_APPLICABLE: &[&str] = &["无", "/", "／", "-", "—", "——", "不适用", "N/A", "n/a"];

/// Is this row's target (or name) a statement that the indicator does not apply?
pub fn is_not_applicable(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.is_empty() || NOT_APPLICABLE.contains(&trimmed) || trimmed.contains("不适用")
}

/// Does the text carry a number, a percentage or a deadline?
pub fn is_measurable(text: &str) -> bool {
    let has_digit = text
        .chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    let has_percent = text.contains(['%', '％']) || text.contains("百分");
    has_digit
        || has_percent
        || has_counted_numeral(text)
        || DEADLINE_WORDS.iter().any(|word| text.contains(word))
}

/// A run of Chinese numerals directly followed by a measure word: `两个百分点`, `三次`, `一年内`.
fn has_counted_numeral(text: &str) -> bool {
    let mut previous_is_numeral = false;
    for character in text.chars() {
        if previous_is_numeral && MEASURES.contains(character) {
            return true;
        }
        previous_is_numeral = NUMERALS.contains(character);
    }
    false
}

/// The listed words (built-in and the site's) that occur in `text`, each once, in the order they
/// appear in it. Empty when the text is measurable: a number or deadline makes the words harmless.
pub fn vague_words_in<'w>(text: &str, site_words: &'w [String]) -> Vec<&'w str> {
    if is_measurable(text) {
        return Vec::new();
    }
    let mut found: Vec<(usize, &'w str)> = Vec::new();
    let listed = VAGUE_WORDS
        .iter()
        .copied()
        .chain(site_words.iter().map(String::as_str));
    for word in listed.filter(|word| !word.is_empty()) {
        if let Some(at) = text.find(word)
            && !found.iter().any(|(_, seen)| *seen == word)
        {
            found.push((at, word));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, word)| word).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vague(text: &str) -> Vec<&str> {
        vague_words_in(text, &[])
    }

    #[test]
    fn flags_the_qualitative_targets_of_the_2023_forms_that_measure_nothing() {
        assert_eq!(vague("及时"), vec!["及时"]);
        assert_eq!(vague("有效提升"), vec!["有效", "提升"]);
        assert_eq!(vague("有所增长"), vec!["有所", "增长"]);
        assert_eq!(vague("良好"), vec!["良好"]);
        assert_eq!(vague("稳定"), vec!["稳定"]);
        assert_eq!(vague("形式多样"), vec!["多样"]);
    }

    #[test]
    fn a_number_a_percentage_or_a_deadline_is_measurable() {
        for text in [
            "2023年12月底",
            "较2022年有所提升",
            "提升10%",
            "提升１０％",
            "提升两个百分点",
            "三年内逐步完善",
            "增长一倍",
            "年底前及时完成",
            "上半年完成",
            "按时有效完成",
            "提升百分之五",
        ] {
            assert!(vague(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn hedges_that_contain_numerals_are_still_vague() {
        // 一 in 进一步, 一定 and 统一部署 is not a count.
        assert_eq!(vague("进一步提升"), vec!["进一步", "提升"]);
        assert_eq!(vague("有一定改善"), vec!["一定", "改善"]);
        assert_eq!(vague("统一部署，有效推进"), vec!["有效"]);
    }

    #[test]
    fn targets_without_a_listed_word_are_not_judged() {
        for text in ["达标", "是", "合格", "按期完成", "符合要求", "无"] {
            assert!(vague(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn the_site_extends_the_list() {
        let extra = vec!["规范".to_string(), "及时".to_string()];
        assert_eq!(vague_words_in("管理规范", &extra), vec!["规范"]);
        assert_eq!(vague_words_in("及时", &extra), vec!["及时"]);
    }

    #[test]
    fn not_applicable_rows_are_recognised() {
        for text in ["无", " / ", "本项目不适用此指标", "不适用", ""] {
            assert!(is_not_applicable(text), "{text:?}");
        }
        assert!(!is_not_applicable("无投诉"));
    }
}
