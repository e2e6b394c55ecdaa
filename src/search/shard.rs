//! A year's shard: the unit that is built (from the model or from archived pages), cached and
//! merged into the published index.
//!
//! It holds the year's result fragments (final files: a year's fragments never depend on other
//! years) and its postings: for every term, the year's declarations that contain it, in page
//! order, each as a varint of `(doc − previous doc) << 1 | in 项目名称`. Terms are sorted by
//! hash, so [`super::publish()`] can cut any number of postings files out of a shard by slicing.

use std::ops::Range;

use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};

use super::document::SearchDoc;
use super::encoding::push_varint;
use super::terms::{Term, for_each_term, hash};

/// Aim for fragment files of about this many bytes (JSON): big enough that a page of results
/// needs few of them, small enough to fetch in a few milliseconds.
const FRAGMENT_FILE_BYTES: usize = 48 * 1024;
/// Bounds on the declarations per fragment file, whatever their size.
const CHUNK_MIN: usize = 8;
const CHUNK_MAX: usize = 256;

/// One term of a shard: where its text and postings sit in the shard's arenas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermEntry {
    pub hash: u32,
    /// Declarations containing the term (the number of varints in its postings).
    pub docs: u32,
    pub(super) text: (u32, u32),
    pub(super) postings: (u32, u32),
}

/// The index of one year. Build it with [`super::year_shard`] or [`super::archived_shard`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearShard {
    pub year: u16,
    /// Declarations in the year; a doc id is a position in page (slug) order.
    pub docs: u32,
    /// Declarations per fragment file.
    pub chunk: u32,
    /// The fragment files (JSON arrays of [`SearchDoc`]), in order.
    pub fragments: Vec<Vec<u8>>,
    /// Sorted by `(hash, text)`.
    pub(super) terms: Vec<TermEntry>,
    pub(super) text: String,
    pub(super) postings: Vec<u8>,
    /// SHA-256 of everything above: the shard's identity (and the cache's checksum).
    pub digest: [u8; 32],
}

impl YearShard {
    /// The term's text.
    pub fn term_text(&self, entry: &TermEntry) -> &str {
        self.text.get(range(entry.text)).unwrap_or_default()
    }

    /// The term's postings bytes.
    pub fn term_postings(&self, entry: &TermEntry) -> &[u8] {
        self.postings.get(range(entry.postings)).unwrap_or_default()
    }

    pub fn terms(&self) -> &[TermEntry] {
        &self.terms
    }

    /// Bytes of postings and term text, which is what the published postings files hold.
    pub fn postings_bytes(&self) -> usize {
        self.postings.len() + self.text.len()
    }

    /// Recompute the digest over the shard's contents.
    pub(super) fn compute_digest(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.year.to_le_bytes());
        hasher.update(self.docs.to_le_bytes());
        hasher.update(self.chunk.to_le_bytes());
        hasher.update((self.fragments.len() as u64).to_le_bytes());
        for fragment in &self.fragments {
            hasher.update((fragment.len() as u64).to_le_bytes());
            hasher.update(fragment);
        }
        hasher.update((self.terms.len() as u64).to_le_bytes());
        for entry in &self.terms {
            hasher.update(entry.hash.to_le_bytes());
            hasher.update(entry.docs.to_le_bytes());
            for (start, len) in [entry.text, entry.postings] {
                hasher.update(start.to_le_bytes());
                hasher.update(len.to_le_bytes());
            }
        }
        hasher.update((self.text.len() as u64).to_le_bytes());
        hasher.update(self.text.as_bytes());
        hasher.update((self.postings.len() as u64).to_le_bytes());
        hasher.update(&self.postings);
        hasher.finalize().into()
    }
}

pub(super) fn range((start, len): (u32, u32)) -> Range<usize> {
    let start = start as usize;
    start..start + len as usize
}

/// Build a year's shard from its declarations, which must be in page (slug) order. Linear: each
/// term occurrence is one table lookup, and a declaration's distinct terms are collected as they
/// are first seen, without sorting.
pub fn build(year: u16, docs: &[SearchDoc]) -> YearShard {
    build_sized(year, docs).0
}

/// [`build`], with the length of each declaration's fragment record.
pub(super) fn build_sized(year: u16, docs: &[SearchDoc]) -> (YearShard, Vec<usize>) {
    let mut terms = TermTable::default();
    let mut doc_terms: Vec<u32> = Vec::new();
    for (doc, search_doc) in docs.iter().enumerate() {
        let doc = u32::try_from(doc).unwrap_or(u32::MAX);
        doc_terms.clear();
        for (text, in_name) in search_doc.fields() {
            for_each_term(text, |term| {
                let id = terms.id(term);
                terms.occurs(id, doc, in_name, &mut doc_terms);
            });
        }
        for &id in &doc_terms {
            terms.post(id, doc);
        }
    }
    let (chunk, fragments, record_bytes) = fragment_files(docs);
    let mut shard = terms.into_shard(year, docs.len(), chunk, fragments);
    shard.digest = shard.compute_digest();
    (shard, record_bytes)
}

/// Every term seen in a year with its growing postings. Chinese terms are looked up by their
/// characters packed in a `u64`, so only a new term makes a string.
#[derive(Default)]
struct TermTable {
    han: FxHashMap<u64, u32>,
    words: FxHashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
    hashes: Vec<u32>,
    postings: Vec<Vec<u8>>,
    counts: Vec<u32>,
    last_doc: Vec<u32>,
    /// The declaration (plus one) that last mentioned the term, and whether in its 项目名称.
    seen_in: Vec<u32>,
    in_name: Vec<bool>,
}

impl TermTable {
    fn id(&mut self, term: Term) -> u32 {
        let next = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
        let id = match term {
            Term::Char(ch) => *self.han.entry(u64::from(ch)).or_insert(next),
            Term::Pair(a, b) => *self
                .han
                .entry((u64::from(a) << 32) | u64::from(b))
                .or_insert(next),
            Term::Word(word) => match self.words.get(word) {
                Some(&id) => id,
                None => {
                    self.words.insert(word.into(), next);
                    next
                }
            },
        };
        if id == next {
            let text = term.to_text();
            self.hashes.push(hash(&text));
            self.texts.push(text.into_boxed_str());
            self.postings.push(Vec::new());
            self.counts.push(0);
            self.last_doc.push(0);
            self.seen_in.push(0);
            self.in_name.push(false);
        }
        id
    }

    /// Note an occurrence of term `id` in `doc`; its first one in `doc` joins `doc_terms`.
    fn occurs(&mut self, id: u32, doc: u32, in_name: bool, doc_terms: &mut Vec<u32>) {
        let index = id as usize;
        let (Some(seen_in), Some(flag)) =
            (self.seen_in.get_mut(index), self.in_name.get_mut(index))
        else {
            return;
        };
        if *seen_in != doc.wrapping_add(1) {
            *seen_in = doc.wrapping_add(1);
            *flag = false;
            doc_terms.push(id);
        }
        *flag |= in_name;
    }

    /// Append `doc` to the postings of term `id`.
    fn post(&mut self, id: u32, doc: u32) {
        let id = id as usize;
        let (Some(postings), Some(count), Some(last), Some(&in_name)) = (
            self.postings.get_mut(id),
            self.counts.get_mut(id),
            self.last_doc.get_mut(id),
            self.in_name.get(id),
        ) else {
            return;
        };
        let delta = u64::from(doc - *last);
        push_varint(postings, (delta << 1) | u64::from(in_name));
        *last = doc;
        *count += 1;
    }

    fn into_shard(
        self,
        year: u16,
        docs: usize,
        chunk: usize,
        fragments: Vec<Vec<u8>>,
    ) -> YearShard {
        let mut order: Vec<usize> = (0..self.texts.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            (self.hashes[a], &self.texts[a]).cmp(&(self.hashes[b], &self.texts[b]))
        });
        let total_postings = self.postings.iter().map(Vec::len).sum();
        let total_text = self.texts.iter().map(|text| text.len()).sum();
        let mut text = String::with_capacity(total_text);
        let mut postings = Vec::with_capacity(total_postings);
        let mut terms = Vec::with_capacity(order.len());
        for id in order {
            let term_text = &self.texts[id];
            let term_postings = &self.postings[id];
            terms.push(TermEntry {
                hash: self.hashes[id],
                docs: self.counts[id],
                text: (offset(text.len()), offset(term_text.len())),
                postings: (offset(postings.len()), offset(term_postings.len())),
            });
            text.push_str(term_text);
            postings.extend_from_slice(term_postings);
        }
        YearShard {
            year,
            docs: offset(docs),
            chunk: offset(chunk),
            fragments,
            terms,
            text,
            postings,
            digest: [0; 32],
        }
    }
}

fn offset(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The fragment files: JSON arrays of consecutive docs, sized so that a file holds about
/// [`FRAGMENT_FILE_BYTES`], and the length of each record.
pub(super) fn fragment_files(docs: &[SearchDoc]) -> (usize, Vec<Vec<u8>>, Vec<usize>) {
    let records: Vec<Vec<u8>> = docs.iter().map(record).collect();
    let lengths: Vec<usize> = records.iter().map(Vec::len).collect();
    let chunk = chunk_size(&lengths);
    let files = records.chunks(chunk).map(fragment_file).collect();
    (chunk, files, lengths)
}

/// One declaration's result fragment: its [`SearchDoc`] as JSON.
pub(super) fn record(doc: &SearchDoc) -> Vec<u8> {
    serde_json::to_vec(doc).unwrap_or_else(|_| b"{}".to_vec())
}

/// Declarations per fragment file, from the length of every record.
pub(super) fn chunk_size(record_bytes: &[usize]) -> usize {
    let total: usize = record_bytes.iter().sum();
    let average = total.div_ceil(record_bytes.len().max(1)).max(1);
    (FRAGMENT_FILE_BYTES / average).clamp(CHUNK_MIN, CHUNK_MAX)
}

/// One fragment file: the records as a JSON array.
pub(super) fn fragment_file(records: &[Vec<u8>]) -> Vec<u8> {
    let size = records.iter().map(|record| record.len() + 1).sum::<usize>() + 2;
    let mut file = Vec::with_capacity(size);
    file.push(b'[');
    for (index, record) in records.iter().enumerate() {
        if index > 0 {
            file.push(b',');
        }
        file.extend_from_slice(record);
    }
    file.push(b']');
    file
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::search::encoding::read_varint;

    pub(crate) fn doc(slug: &str, name: &str, goal: &str, indicators: &[&str]) -> SearchDoc {
        SearchDoc {
            slug: slug.into(),
            name: name.into(),
            department: "上海市科学技术协会".into(),
            implementer: String::new(),
            goals: [String::new(), goal.into()],
            indicators: indicators.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn postings_of(shard: &YearShard, term: &str) -> Vec<(u32, bool)> {
        let Some(entry) = shard.terms().iter().find(|e| shard.term_text(e) == term) else {
            return Vec::new();
        };
        let bytes = shard.term_postings(entry);
        let mut at = 0;
        let mut doc = 0;
        let mut out = Vec::new();
        while at < bytes.len() {
            let value = read_varint(bytes, &mut at).expect("varint");
            doc += (value >> 1) as u32;
            out.push((doc, value & 1 == 1));
        }
        assert_eq!(out.len(), entry.docs as usize);
        out
    }

    fn sample() -> Vec<SearchDoc> {
        vec![
            doc("a", "科普活动", "举办科普日。", &["活动场次"]),
            doc("b", "学会改革", "推进科技社团改革。", &["科普讲座"]),
            doc("c", "机关服务", "保障运转。", &[]),
        ]
    }

    #[test]
    fn postings_list_each_declaration_once_with_the_name_flag() {
        let shard = build(2023, &sample());
        assert_eq!(postings_of(&shard, "科普"), [(0, true), (1, false)]);
        assert_eq!(postings_of(&shard, "改革"), [(1, true)]);
        assert_eq!(
            postings_of(&shard, "协会"),
            [(0, false), (1, false), (2, false)]
        );
        // 科 is also in every 主管部门 (上海市科学技术协会).
        assert_eq!(
            postings_of(&shard, "科"),
            [(0, true), (1, false), (2, false)]
        );
        assert!(postings_of(&shard, "动活").is_empty());
        // 活动场次 and 举办科普日 are separate fields: no pair joins them.
        assert!(postings_of(&shard, "日活").is_empty());
    }

    #[test]
    fn terms_are_sorted_by_hash_then_text() {
        let shard = build(2023, &sample());
        let keys: Vec<(u32, &str)> = shard
            .terms()
            .iter()
            .map(|e| (e.hash, shard.term_text(e)))
            .collect();
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]), "{keys:?}");
    }

    #[test]
    fn the_same_declarations_give_the_same_shard() {
        let one = build(2023, &sample());
        let two = build(2023, &sample());
        assert_eq!(one, two);
        assert_eq!(one.digest, one.compute_digest());
        let mut changed = sample();
        changed[2].indicators.push("新指标".into());
        assert_ne!(build(2023, &changed).digest, one.digest);
    }

    #[test]
    fn fragments_hold_every_declaration_in_order() {
        let docs: Vec<SearchDoc> = (0..30)
            .map(|i| {
                doc(
                    &format!("p-{i:02}"),
                    &format!("项目{i}"),
                    &"目标".repeat(2000),
                    &[],
                )
            })
            .collect();
        let shard = build(2024, &docs);
        assert_eq!(
            shard.chunk as usize, CHUNK_MIN,
            "long declarations: few per file"
        );
        assert_eq!(shard.fragments.len(), 4);
        let mut slugs = Vec::new();
        for file in &shard.fragments {
            let records: Vec<serde_json::Value> = serde_json::from_slice(file).expect("JSON");
            slugs.extend(
                records
                    .iter()
                    .map(|r| r["s"].as_str().unwrap_or("").to_string()),
            );
        }
        let expected: Vec<String> = (0..30).map(|i| format!("p-{i:02}")).collect();
        assert_eq!(slugs, expected);
    }

    #[test]
    fn an_empty_year_is_an_empty_shard() {
        let shard = build(2020, &[]);
        assert_eq!(
            (shard.docs, shard.fragments.len(), shard.terms().len()),
            (0, 0, 0)
        );
    }
}
