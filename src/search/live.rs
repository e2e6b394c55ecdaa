//! A live year's index as `serve` keeps it between edits: the declarations it was built from
//! and their searched text, so that the next edit re-indexes only the declarations that are not
//! the very allocations indexed last time ([`super::patch`]).

use std::collections::HashMap;
use std::sync::Arc;

use super::document::SearchDoc;
use super::patch::{Changed, patch};
use super::shard::{self, YearShard};
use crate::model::Declaration;
use crate::site::Year;

/// Past this share of changed declarations (one in eight), building the shard again is about as
/// fast as patching it, and simpler.
const PATCH_AT_MOST: usize = 8;

/// What a live year's shard was built from.
#[derive(Debug, Default)]
pub struct LiveYear {
    declarations: Vec<Arc<Declaration>>,
    docs: Vec<SearchDoc>,
    /// The length of each declaration's fragment record, which sets the fragment files' size.
    record_bytes: Vec<usize>,
}

impl LiveYear {
    /// Index `year` from its declarations.
    pub fn index(year: &Year) -> (LiveYear, YearShard) {
        LiveYear::build(year, super::year_docs(year))
    }

    /// Index `year` again, given this state and the `shard` it gave. An unchanged declaration
    /// keeps its searched text; when the year still has the same pages in the same order and
    /// few of them changed, only those are re-indexed.
    pub fn reindex(self, shard: YearShard, year: &Year) -> (LiveYear, YearShard) {
        let same_pages = self.declarations.len() == year.declarations.len()
            && self
                .declarations
                .iter()
                .zip(&year.declarations)
                .all(|(before, after)| before.slug == after.slug);
        if !same_pages {
            let docs = self.docs_for(year);
            return LiveYear::build(year, docs);
        }
        let LiveYear {
            declarations,
            docs: kept_docs,
            mut record_bytes,
        } = self;
        let (docs, before) = carry_over(&declarations, kept_docs, year);
        let complete = docs.len() == year.declarations.len() && record_bytes.len() == docs.len();
        if !complete || before.len() * PATCH_AT_MOST > docs.len() {
            return LiveYear::build(year, docs);
        }
        let mut changed = Vec::with_capacity(before.len());
        for (doc, was) in &before {
            let (Some(after), Some(bytes), Ok(id)) = (
                docs.get(*doc),
                record_bytes.get_mut(*doc),
                u32::try_from(*doc),
            ) else {
                continue;
            };
            *bytes = shard::record(after).len();
            changed.push(Changed {
                doc: id,
                before: was,
                after,
            });
        }
        let shard = patch(shard, &docs, &record_bytes, &changed);
        let state = LiveYear {
            declarations: year.declarations.clone(),
            docs,
            record_bytes,
        };
        (state, shard)
    }

    /// The searched text of every declaration of `year`, moving the kept text of the very
    /// allocations indexed last time.
    fn docs_for(self, year: &Year) -> Vec<SearchDoc> {
        let at: HashMap<*const Declaration, usize> = self
            .declarations
            .iter()
            .enumerate()
            .map(|(index, declaration)| (Arc::as_ptr(declaration), index))
            .collect();
        let mut kept: Vec<Option<SearchDoc>> = self.docs.into_iter().map(Some).collect();
        year.declarations
            .iter()
            .map(|declaration| {
                at.get(&Arc::as_ptr(declaration))
                    .and_then(|&index| kept.get_mut(index)?.take())
                    .unwrap_or_else(|| SearchDoc::from_declaration(declaration))
            })
            .collect()
    }

    fn build(year: &Year, docs: Vec<SearchDoc>) -> (LiveYear, YearShard) {
        let (shard, record_bytes) = shard::build_sized(year.year, &docs);
        let state = LiveYear {
            declarations: year.declarations.clone(),
            docs,
            record_bytes,
        };
        (state, shard)
    }
}

/// The searched text of `year`'s declarations, which are on the same pages as `declarations`
/// were: the kept text of every very allocation indexed last time, fresh text for the others.
/// Also the kept text of each declaration whose searched text changed, by doc id.
fn carry_over(
    declarations: &[Arc<Declaration>],
    kept_docs: Vec<SearchDoc>,
    year: &Year,
) -> (Vec<SearchDoc>, Vec<(usize, SearchDoc)>) {
    let mut docs = Vec::with_capacity(year.declarations.len());
    let mut before = Vec::new();
    let pairs = declarations.iter().zip(&year.declarations).zip(kept_docs);
    for (doc, ((was, is), kept)) in pairs.enumerate() {
        if Arc::ptr_eq(was, is) {
            docs.push(kept);
            continue;
        }
        let fresh = SearchDoc::from_declaration(is);
        if fresh != kept {
            before.push((doc, kept));
        }
        docs.push(fresh);
    }
    (docs, before)
}
