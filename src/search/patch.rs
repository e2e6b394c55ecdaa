//! Re-indexing a few declarations of a year's shard, for `serve`: an edit to one declaration of
//! a 10,000-declaration year changes a few dozen terms' postings and one fragment file, and
//! building the shard again costs 100 ms or more where this costs a few.
//!
//! The result is the very shard [`super::shard::build`] gives for the new declarations (tests
//! below compare the two on random edits), so the published index does not depend on how the
//! preview got there. A patch needs every declaration to keep its doc id (the year's slugs are
//! unchanged, in order); [`super::live`] builds the shard again otherwise.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::document::SearchDoc;
use super::encoding::{push_varint, read_varint};
use super::shard::{self, TermEntry, YearShard};
use super::terms::{for_each_term, hash};

/// One declaration whose searched text changed: its doc id and its text before and after.
pub struct Changed<'a> {
    pub doc: u32,
    pub before: &'a SearchDoc,
    pub after: &'a SearchDoc,
}

/// `shard` with the `changed` declarations re-indexed. `docs` are all the year's declarations
/// after the change, in doc id order (the fragment files are cut from them), and
/// `record_bytes` the length of each one's fragment record ([`shard::record`]).
pub fn patch(
    shard: YearShard,
    docs: &[SearchDoc],
    record_bytes: &[usize],
    changed: &[Changed],
) -> YearShard {
    let edits = term_edits(changed);
    let mut patched = with_postings(&shard, &edits);
    let (chunk, fragments) = patched_fragments(shard, docs, record_bytes, changed);
    patched.chunk = chunk;
    patched.fragments = fragments;
    patched.digest = patched.compute_digest();
    patched
}

/// A term's postings edits: per changed declaration, whether it holds the term afterwards (and
/// in its 项目名称) or `None` when it no longer does.
type Edits = BTreeMap<(u32, String), Vec<(u32, Option<bool>)>>;

/// The terms whose postings change, keyed as the shard sorts them: `(hash, text)`. A term that a
/// declaration holds before and after, with the same name flag, keeps its postings.
fn term_edits(changed: &[Changed]) -> Edits {
    let mut edits = Edits::new();
    for change in changed {
        let before = doc_terms(change.before);
        let after = doc_terms(change.after);
        for (text, was) in &before {
            let now = after.get(text).copied();
            if now != Some(*was) {
                edits
                    .entry((hash(text), text.clone()))
                    .or_default()
                    .push((change.doc, now));
            }
        }
        for (text, now) in after {
            if !before.contains_key(&text) {
                edits
                    .entry((hash(&text), text))
                    .or_default()
                    .push((change.doc, Some(now)));
            }
        }
    }
    edits
}

/// A declaration's distinct terms, each with whether it occurs in the 项目名称.
fn doc_terms(doc: &SearchDoc) -> FxHashMap<String, bool> {
    let mut terms: FxHashMap<String, bool> = FxHashMap::default();
    for (text, in_name) in doc.fields() {
        for_each_term(text, |term| {
            *terms.entry(term.to_text()).or_insert(false) |= in_name;
        });
    }
    terms
}

/// The shard's terms and postings with `edits` applied: a merge of its sorted terms with the
/// sorted edited ones, copying every untouched term's bytes as they are.
fn with_postings(shard: &YearShard, edits: &Edits) -> YearShard {
    let mut out = YearShard {
        year: shard.year,
        docs: shard.docs,
        chunk: 0,
        fragments: Vec::new(),
        terms: Vec::with_capacity(shard.terms.len() + edits.len()),
        text: String::with_capacity(shard.text.len()),
        postings: Vec::with_capacity(shard.postings.len()),
        digest: [0; 32],
    };
    let mut old = shard.terms.iter().peekable();
    for ((term_hash, text), term_edits) in edits {
        while let Some(entry) = old.next_if(|entry| {
            (entry.hash, shard.term_text(entry)).cmp(&(*term_hash, text.as_str())) == Ordering::Less
        }) {
            copy_term(&mut out, shard, entry);
        }
        let existing =
            old.next_if(|entry| entry.hash == *term_hash && shard.term_text(entry) == text);
        let before = existing
            .map(|entry| shard.term_postings(entry))
            .unwrap_or_default();
        let (docs, postings) = edited_postings(before, term_edits);
        if docs > 0 {
            push_term(&mut out, *term_hash, text, docs, &postings);
        }
    }
    for entry in old {
        copy_term(&mut out, shard, entry);
    }
    out
}

/// An untouched term, as it is in `shard`.
fn copy_term(out: &mut YearShard, shard: &YearShard, entry: &TermEntry) {
    let (text, postings) = (shard.term_text(entry), shard.term_postings(entry));
    push_term(out, entry.hash, text, entry.docs, postings);
}

fn push_term(out: &mut YearShard, term_hash: u32, text: &str, docs: u32, postings: &[u8]) {
    out.terms.push(TermEntry {
        hash: term_hash,
        docs,
        text: (offset(out.text.len()), offset(text.len())),
        postings: (offset(out.postings.len()), offset(postings.len())),
    });
    out.text.push_str(text);
    out.postings.extend_from_slice(postings);
}

/// A term's postings (`(doc − previous) << 1 | in 项目名称` varints) with the edited
/// declarations removed and those that hold it afterwards put back in doc order.
fn edited_postings(before: &[u8], edits: &[(u32, Option<bool>)]) -> (u32, Vec<u8>) {
    let mut entries: Vec<(u32, bool)> = Vec::new();
    let mut at = 0;
    let mut doc = 0u32;
    while let Some(value) = read_varint(before, &mut at) {
        doc = doc.wrapping_add((value >> 1) as u32);
        if !edits.iter().any(|(edited, _)| *edited == doc) {
            entries.push((doc, value & 1 == 1));
        }
    }
    entries.extend(
        edits
            .iter()
            .filter_map(|(doc, now)| now.map(|in_name| (*doc, in_name))),
    );
    entries.sort_unstable_by_key(|(doc, _)| *doc);
    let mut postings = Vec::with_capacity(before.len() + 2 * edits.len());
    let mut previous = 0u32;
    for (doc, in_name) in &entries {
        push_varint(
            &mut postings,
            (u64::from(doc.saturating_sub(previous)) << 1) | u64::from(*in_name),
        );
        previous = *doc;
    }
    (offset(entries.len()), postings)
}

/// The fragment files for `docs`: when the number of declarations per file stays the same, only
/// the files holding a changed declaration are written again.
fn patched_fragments(
    shard: YearShard,
    docs: &[SearchDoc],
    record_bytes: &[usize],
    changed: &[Changed],
) -> (u32, Vec<Vec<u8>>) {
    let chunk = shard::chunk_size(record_bytes);
    if offset(chunk) != shard.chunk || chunk == 0 {
        let (chunk, files, _) = shard::fragment_files(docs);
        return (offset(chunk), files);
    }
    let mut files = shard.fragments;
    for change in changed {
        let file = change.doc as usize / chunk;
        let start = file * chunk;
        let group = docs
            .get(start..(start + chunk).min(docs.len()))
            .unwrap_or_default();
        if let Some(slot) = files.get_mut(file) {
            *slot = shard::fragment_file(&group.iter().map(shard::record).collect::<Vec<_>>());
        }
    }
    (offset(chunk), files)
}

fn offset(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::search::shard::tests::doc;

    /// Patch `docs` into `edited` at the positions that differ, and build `edited` outright.
    fn patched_and_built(docs: &[SearchDoc], edited: &[SearchDoc]) -> (YearShard, YearShard) {
        let shard = shard::build(2023, docs);
        let record_bytes: Vec<usize> = edited.iter().map(|d| shard::record(d).len()).collect();
        let changed: Vec<Changed> = docs
            .iter()
            .zip(edited)
            .enumerate()
            .filter(|(_, (before, after))| before != after)
            .map(|(index, (before, after))| Changed {
                doc: index as u32,
                before,
                after,
            })
            .collect();
        let patched = patch(shard, edited, &record_bytes, &changed);
        (patched, shard::build(2023, edited))
    }

    #[test]
    fn a_renamed_declaration_gives_the_shard_a_build_gives() {
        let docs = vec![
            doc("a", "科普活动", "举办科普日。", &["活动场次"]),
            doc("b", "学会改革", "推进科技社团改革。", &["科普讲座"]),
            doc("c", "机关服务", "保障运转。", &[]),
        ];
        let mut edited = docs.clone();
        edited[1].name = "学会发展 STEM".into();
        edited[2].indicators.push("科普受众".into());
        let (patched, built) = patched_and_built(&docs, &edited);
        assert_eq!(patched, built);
        // Nothing changed: the same shard.
        let (patched, built) = patched_and_built(&docs, &docs);
        assert_eq!(patched, built);
    }

    #[test]
    fn a_longer_record_that_changes_the_file_size_cuts_every_file_again() {
        let docs: Vec<SearchDoc> = (0..40)
            .map(|i| doc(&format!("p{i:02}"), &format!("项目{i}"), "目标", &[]))
            .collect();
        let mut edited = docs.clone();
        edited[3].goals[1] = "很长的目标".repeat(3000);
        let (patched, built) = patched_and_built(&docs, &edited);
        assert_ne!(patched.chunk, shard::build(2023, &docs).chunk);
        assert_eq!(patched, built);
    }

    /// Short texts over a few characters, so that edits add, drop and share terms.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('科'),
                Just('普'),
                Just('学'),
                Just('会'),
                Just('。'),
                Just(' '),
                Just('a'),
                Just('7')
            ],
            0..8,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    fn search_doc(slug: String) -> impl Strategy<Value = SearchDoc> {
        (text(), text(), proptest::collection::vec(text(), 0..3)).prop_map(
            move |(name, goal, indicators)| {
                let indicators: Vec<&str> = indicators.iter().map(String::as_str).collect();
                doc(&slug, &name, &goal, &indicators)
            },
        )
    }

    fn year() -> impl Strategy<Value = Vec<SearchDoc>> {
        (1usize..24).prop_flat_map(|count| {
            (0..count)
                .map(|i| search_doc(format!("p{i:02}")))
                .collect::<Vec<_>>()
        })
    }

    proptest! {
        #[test]
        fn patching_any_edits_gives_the_shard_a_build_gives(
            (docs, edited) in year().prop_flat_map(|docs| {
                let count = docs.len();
                let edits = (0..count)
                    .map(|i| prop_oneof![
                        3 => Just(None),
                        1 => search_doc(format!("p{i:02}")).prop_map(Some),
                    ])
                    .collect::<Vec<_>>();
                (Just(docs), edits)
            }).prop_map(|(docs, edits)| {
                let edited = docs
                    .iter()
                    .zip(edits)
                    .map(|(doc, edit)| edit.unwrap_or_else(|| doc.clone()))
                    .collect::<Vec<_>>();
                (docs, edited)
            })
        ) {
            let (patched, built) = patched_and_built(&docs, &edited);
            prop_assert_eq!(patched, built);
        }
    }
}
