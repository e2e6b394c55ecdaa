//! Readable ASCII slugs from Chinese names: file stems for imported declarations (from the
//! 项目名称 alone, so that re-importing the same form gives the same file) and department folders.

use pinyin::ToPinyin;
use std::collections::HashSet;

/// Slugs are cut to at most this many bytes, at a syllable or word boundary.
pub(crate) const MAX_LEN: usize = 60;

/// The slug used when a name yields no usable character.
pub(crate) const FALLBACK: &str = "declaration";

/// The slug of a 项目名称: Han characters become toneless pinyin syllables, ASCII letters and
/// digits (also full-width ones) are kept in lower case, everything else separates words; words
/// are joined by `-`. Always matches `[a-z0-9-]+`.
pub(crate) fn slugify(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in name.chars().map(half_width) {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
            continue;
        }
        if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if let Some(pinyin) = c.to_pinyin() {
            let syllable: String = pinyin
                .plain()
                .chars()
                .filter_map(|c| match c {
                    'ü' => Some('v'),
                    c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
                    _ => None,
                })
                .collect();
            if !syllable.is_empty() {
                words.push(syllable);
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }

    let mut slug = String::new();
    for word in &words {
        let needed = if slug.is_empty() {
            word.len()
        } else {
            word.len() + 1
        };
        if slug.len() + needed > MAX_LEN {
            if slug.is_empty() {
                // One very long ASCII word: cut it (it is ASCII, so any byte is a boundary).
                slug.push_str(word.get(..MAX_LEN).unwrap_or(word));
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() {
        FALLBACK.to_string()
    } else {
        slug
    }
}

/// Full-width ASCII forms (`Ａ`, `１`) as their ASCII counterparts.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        other => other,
    }
}

/// Makes slugs unique per year, in order: the second `x` of a year becomes `x-2`, the third
/// `x-3`, skipping any suffixed slug already taken.
pub(crate) fn make_unique<'a>(entries: impl IntoIterator<Item = (i32, &'a mut String)>) {
    let mut taken: HashSet<(i32, String)> = HashSet::new();
    for (year, slug) in entries {
        if taken.insert((year, slug.clone())) {
            continue;
        }
        let mut n = 2;
        let unique = loop {
            let candidate = format!("{slug}-{n}");
            if !taken.contains(&(year, candidate.clone())) {
                break candidate;
            }
            n += 1;
        };
        taken.insert((year, unique.clone()));
        *slug = unique;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_valid(slug: &str) -> bool {
        !slug.is_empty()
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !slug.starts_with('-')
            && !slug.ends_with('-')
            && !slug.contains("--")
    }

    #[test]
    fn han_characters_become_pinyin_syllables() {
        assert_eq!(
            slugify("市科协机构及常委会会议费"),
            "shi-ke-xie-ji-gou-ji-chang-wei-hui-hui-yi-fei"
        );
        assert_eq!(
            slugify("落实推进《全民科学素质纲要》"),
            "luo-shi-tui-jin-quan-min-ke-xue-su-zhi-gang-yao"
        );
        assert_eq!(slugify("绿色"), "lv-se");
    }

    #[test]
    fn ascii_words_are_kept_in_lower_case() {
        assert_eq!(
            slugify("2023年IT运维 Phase-2"),
            "2023-nian-it-yun-wei-phase-2"
        );
        assert_eq!(slugify("ＡＩ１号"), "ai1-hao");
        assert_eq!(slugify("  --A__b--  "), "a-b");
    }

    #[test]
    fn unusable_names_fall_back() {
        assert_eq!(slugify(""), FALLBACK);
        assert_eq!(slugify("《》—— ！"), FALLBACK);
        assert_eq!(slugify("🙂"), FALLBACK);
    }

    #[test]
    fn long_names_are_cut_at_a_syllable_boundary() {
        let slug = slugify(&"科学技术协会".repeat(10));
        assert!(slug.len() <= MAX_LEN, "{slug}");
        assert!(slug.len() > MAX_LEN - 8, "{slug}");
        assert!(is_valid(&slug));
        // Cut where a syllable ends: the full slug continues with a separator.
        let full = "ke-xue-ji-shu-xie-hui-".repeat(10);
        assert!(full.starts_with(&format!("{slug}-")), "{slug}");
        let long_word = slugify(&"a".repeat(100));
        assert_eq!(long_word.len(), MAX_LEN);
    }

    #[test]
    fn slugs_are_always_valid() {
        for name in [
            "学术交流与发展项目",
            "a—b",
            "-",
            "x.y/z",
            "年度(/项目)",
            "ü",
            "Ǖ",
        ] {
            let slug = slugify(name);
            assert!(is_valid(&slug), "{name:?} -> {slug:?}");
        }
    }

    #[test]
    fn duplicates_get_numbered_suffixes_per_year() {
        let mut slugs: Vec<(i32, String)> = [
            (2023, "x"),
            (2023, "x"),
            (2024, "x"),
            (2023, "x-2"),
            (2023, "x"),
        ]
        .iter()
        .map(|(year, slug)| (*year, slug.to_string()))
        .collect();
        make_unique(slugs.iter_mut().map(|(year, slug)| (*year, slug)));
        let slugs: Vec<&str> = slugs.iter().map(|(_, slug)| slug.as_str()).collect();
        assert_eq!(slugs, vec!["x", "x-2", "x", "x-2-2", "x-3"]);
    }
}
