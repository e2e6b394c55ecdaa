//! The terms of the index: how text is normalized, cut into terms and hashed.
//!
//! `templates/assets/search.js` implements exactly the same rules for queries, so every rule here
//! is small enough to write twice and test on both sides:
//!
//! - **Normalization**, one character for one character (so offsets in normalized text are
//!   offsets in the original, and the browser can highlight what it matched): full-width ASCII
//!   (`ＡＢＣ１２３，`) becomes ASCII, the ideographic space a space, `A`–`Z` lowercase.
//! - **Han runs** (maximal runs of Chinese characters) give every character (a unigram, so a
//!   one-character query works) and every adjacent pair (a bigram). A pair never spans
//!   punctuation, a Latin word or a field boundary, so 科。普 has no 科普.
//! - **Words** (maximal runs of other letters and digits, `char::is_alphanumeric`) give one term
//!   each, lowercased: `STEM`, `2023`, `g20`. Words match whole, not by prefix.
//! - Everything else separates.
//!
//! A term is hashed with 32-bit FNV-1a over its UTF-8 bytes followed by murmur3's finalizer, so
//! that the top bits (which choose the postings file) are well mixed.

/// One character as it is indexed and queried.
pub fn normalize(ch: char) -> char {
    match ch {
        '\u{FF01}'..='\u{FF5E}' => {
            let ascii = (ch as u32) - 0xFF01 + 0x21;
            char::from_u32(ascii).map_or(ch, |c| c.to_ascii_lowercase())
        }
        '\u{3000}' => ' ',
        _ => ch.to_ascii_lowercase(),
    }
}

/// Chinese characters: CJK unified ideographs (the basic block, extension A, the supplementary
/// planes' extensions B–H), compatibility ideographs, and 〇 (used in dates: 二〇二三).
pub fn is_han(ch: char) -> bool {
    matches!(ch as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

/// Letters and digits that are not Han: they make up words.
pub fn is_word_char(ch: char) -> bool {
    !is_han(ch) && ch.is_alphanumeric()
}

/// One term of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term<'a> {
    /// A Chinese character (a unigram).
    Char(char),
    /// Two adjacent Chinese characters (a bigram).
    Pair(char, char),
    /// A word of letters or digits, lowercased.
    Word(&'a str),
}

impl Term<'_> {
    /// The term as the index spells it (its UTF-8 is what is hashed and published).
    pub fn to_text(self) -> String {
        match self {
            Term::Char(ch) => ch.to_string(),
            Term::Pair(first, second) => [first, second].iter().collect(),
            Term::Word(word) => word.to_string(),
        }
    }
}

/// Calls `each(term)` for every term of `text`, in text order, repeats included.
pub fn for_each_term(text: &str, mut each: impl FnMut(Term)) {
    let mut previous_han: Option<char> = None;
    let mut word = String::new();
    for ch in text.chars().map(normalize) {
        if is_han(ch) {
            flush_word(&mut word, &mut each);
            each(Term::Char(ch));
            if let Some(first) = previous_han {
                each(Term::Pair(first, ch));
            }
            previous_han = Some(ch);
        } else if is_word_char(ch) {
            previous_han = None;
            word.push(ch);
        } else {
            previous_han = None;
            flush_word(&mut word, &mut each);
        }
    }
    flush_word(&mut word, &mut each);
}

fn flush_word(word: &mut String, each: &mut impl FnMut(Term)) {
    if !word.is_empty() {
        each(Term::Word(word));
        word.clear();
    }
}

/// The term's hash: FNV-1a (32 bits) over its UTF-8 bytes, then murmur3's `fmix32`.
pub fn hash(term: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for byte in term.bytes() {
        h ^= u32::from(byte);
        h = h.wrapping_mul(0x0100_0193);
    }
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// The postings file of a hash when there are `2^bits` of them: the hash's top bits, so that
/// terms sorted by hash are also sorted by file, whatever the number of files.
pub fn bucket(hash: u32, bits: u32) -> u32 {
    if bits == 0 { 0 } else { hash >> (32 - bits) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each term's text and kind.
    fn terms(text: &str) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        for_each_term(text, |term| {
            let kind = match term {
                Term::Char(_) => "char",
                Term::Pair(..) => "pair",
                Term::Word(_) => "word",
            };
            out.push((term.to_text(), kind));
        });
        out
    }

    fn strings(text: &str) -> Vec<String> {
        terms(text).into_iter().map(|(text, _)| text).collect()
    }

    #[test]
    fn han_runs_give_characters_and_pairs_in_order() {
        assert_eq!(
            strings("科普活动"),
            ["科", "普", "科普", "活", "普活", "动", "活动"]
        );
        let kinds: Vec<&str> = terms("学会 AI").into_iter().map(|(_, kind)| kind).collect();
        assert_eq!(kinds, ["char", "char", "pair", "word"]);
    }

    #[test]
    fn pairs_never_cross_punctuation_words_or_spaces() {
        assert_eq!(strings("科。普"), ["科", "普"]);
        assert_eq!(strings("科 普"), ["科", "普"]);
        assert_eq!(strings("科AI普"), ["科", "ai", "普"]);
        assert_eq!(strings("（年）"), ["年"]);
    }

    #[test]
    fn words_are_lowercased_and_whole_full_width_is_ascii() {
        assert_eq!(
            strings("STEM Outreach, 2023年"),
            ["stem", "outreach", "2023", "年"]
        );
        assert_eq!(strings("ＧＤＰ１２３％"), ["gdp123"]);
        assert_eq!(strings("G20/5G"), ["g20", "5g"]);
        assert_eq!(strings("≥85.00(%)"), ["85", "00"]);
        assert_eq!(strings("Café naïve"), ["café", "naïve"]);
    }

    #[test]
    fn normalization_is_one_character_for_one() {
        for ch in [
            'Ａ', 'ｚ', '０', '，', '（', '\u{3000}', 'A', '科', '𠀀', 'é',
        ] {
            let normalized = normalize(ch);
            assert!(!normalized.is_uppercase(), "{ch} → {normalized}");
        }
        assert_eq!(normalize('Ａ'), 'a');
        assert_eq!(normalize('，'), ',');
        assert_eq!(normalize('\u{3000}'), ' ');
        assert_eq!(normalize('É'), 'É', "only ASCII letters are lowercased");
    }

    #[test]
    fn supplementary_plane_han_and_ling_are_han() {
        assert!(is_han('〇') && is_han('𠀀') && is_han('龥') && is_han('豈'));
        assert!(!is_han('。') && !is_han('a') && !is_han('ア'));
        assert_eq!(strings("二〇𠀀"), ["二", "〇", "二〇", "𠀀", "〇𠀀"]);
    }

    #[test]
    fn separators_and_empty_text_give_nothing() {
        assert!(strings("").is_empty());
        assert!(strings("≥，。 ()%-").is_empty());
    }

    #[test]
    fn hash_is_fnv1a_then_fmix32() {
        // Pinned values, computed independently. search.js hashes queries with the same function:
        // if the two ever disagreed, the browser tests would find nothing.
        assert_eq!(hash(""), 0xab3e_7c0b);
        assert_eq!(hash("a"), 0x1a80_b1b3);
        assert_eq!(hash("科普"), 0xf002_9f0c);
        assert_eq!(hash("学会"), 0x82f8_e9e6);
        assert_eq!(hash("stem"), 0x262d_a7df);
    }

    #[test]
    fn buckets_are_the_top_bits() {
        assert_eq!(bucket(0xFFFF_FFFF, 0), 0);
        assert_eq!(bucket(0xFFFF_FFFF, 4), 15);
        assert_eq!(bucket(0x1000_0000, 4), 1);
        assert_eq!(bucket(0x8000_0000, 1), 1);
        assert_eq!(bucket(0x7FFF_FFFF, 1), 0);
    }
}
