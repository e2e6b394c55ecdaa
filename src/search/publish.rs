//! Publishing: the years' shards in, every file under `search/` out.
//!
//! - `search/catalog.json`: the format, the number of postings files, and per year its
//!   declarations and how many go in a fragment file. A query reads it first (once per page).
//! - `search/postings/HEX.bin`: the postings of every term whose hash starts with HEX, for every
//!   year. Merging the years into one set of files is what keeps a query over all years at one
//!   file per query term; the per-year shard stays the unit that is built and cached, and the
//!   merge is a linear pass (shards are sorted by hash, so a file's slice of a shard is found by
//!   binary search). The number of files grows with the index so each stays near
//!   [`BUCKET_BYTES`].
//! - `search/fragments/YEAR/N.json`: the year's declarations `N*chunk ..`, as [`SearchDoc`]s.
//!
//! A postings file is a sequence of unsigned LEB128 varints and bytes:
//! `terms`, then per term (sorted by UTF-8 bytes): `len`, the term's UTF-8 bytes, `years`, then
//! per year (ascending): `year index` (into the catalog's years), `docs`, `bytes`, and `bytes` of
//! postings, each `(doc − previous doc) << 1 | in 项目名称` (the first doc counts from 0).
//!
//! [`SearchDoc`]: super::document::SearchDoc

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::encoding::push_varint;
use super::shard::{TermEntry, YearShard};
use super::terms::bucket;
use super::{FORMAT_VERSION, SEARCH_DIR};
use crate::render::OutputFile;

/// Aim for postings files of about this many bytes.
pub const BUCKET_BYTES: usize = 24 * 1024;
/// At most 2^16 postings files, whatever the size of the site.
const MAX_BUCKET_BITS: u32 = 16;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Catalog {
    format: u32,
    /// Changes whenever any index file changes: the browser adds it to every index URL, so that
    /// a cached file from an older build is never read with a newer catalog.
    id: String,
    bucket_bits: u32,
    years: Vec<CatalogYear>,
}

#[derive(Serialize)]
struct CatalogYear {
    year: u16,
    docs: u32,
    chunk: u32,
    files: usize,
}

/// Every file of `search/` for these shards (one per year; if a year comes twice the first
/// one wins), sorted by path. Same shards, same bytes. The shards stay the caller's (for a
/// preview that re-indexes one year and publishes again); see [`publish_owned`] to save a copy.
pub fn publish<'a>(shards: impl IntoIterator<Item = &'a YearShard>) -> Vec<OutputFile> {
    let shards = in_year_order(shards.into_iter().collect());
    let mut files = postings_and_catalog(&shards);
    for shard in &shards {
        files.extend(fragment_files(shard.year, shard.fragments.iter().cloned()));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// [`publish`], moving the fragment files out of the shards instead of copying them (they are
/// most of the index: about 1 KB a declaration).
pub fn publish_owned(shards: Vec<YearShard>) -> Vec<OutputFile> {
    let mut shards = shards;
    shards.sort_by_key(|shard| shard.year);
    shards.dedup_by_key(|shard| shard.year);
    let mut files = postings_and_catalog(&shards.iter().collect::<Vec<_>>());
    for shard in shards {
        files.extend(fragment_files(shard.year, shard.fragments.into_iter()));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn in_year_order(mut shards: Vec<&YearShard>) -> Vec<&YearShard> {
    shards.sort_by_key(|shard| shard.year);
    shards.dedup_by_key(|shard| shard.year);
    shards
}

fn fragment_files(
    year: u16,
    fragments: impl Iterator<Item = Vec<u8>>,
) -> impl Iterator<Item = OutputFile> {
    fragments.enumerate().map(move |(index, bytes)| OutputFile {
        path: format!("{SEARCH_DIR}/fragments/{year}/{index}.json"),
        bytes,
    })
}

/// The postings files and the catalog of shards in year order, one per year.
fn postings_and_catalog(shards: &[&YearShard]) -> Vec<OutputFile> {
    let total: usize = shards.iter().map(|shard| shard.postings_bytes()).sum();
    let bits = bucket_bits(total);
    let width = bits.div_ceil(4).max(1) as usize;
    let mut files: Vec<OutputFile> = (0..1u32 << bits)
        .into_par_iter()
        .map(|bucket| OutputFile {
            path: format!("{SEARCH_DIR}/postings/{bucket:0width$x}.bin"),
            bytes: postings_file(shards, bucket, bits),
        })
        .collect();
    files.push(catalog(shards, bits));
    files
}

/// The fewest bits that keep the average postings file under [`BUCKET_BYTES`].
fn bucket_bits(total_bytes: usize) -> u32 {
    let mut bits = 0;
    while bits < MAX_BUCKET_BITS && (total_bytes >> bits) > BUCKET_BYTES {
        bits += 1;
    }
    bits
}

fn catalog(shards: &[&YearShard], bits: u32) -> OutputFile {
    let mut hasher = Sha256::new();
    hasher.update(FORMAT_VERSION.to_le_bytes());
    hasher.update(bits.to_le_bytes());
    for shard in shards {
        hasher.update(shard.digest);
    }
    let mut id = String::new();
    for byte in &hasher.finalize()[..8] {
        let _ = write!(id, "{byte:02x}");
    }
    let catalog = Catalog {
        format: FORMAT_VERSION,
        id,
        bucket_bits: bits,
        years: shards
            .iter()
            .map(|shard| CatalogYear {
                year: shard.year,
                docs: shard.docs,
                chunk: shard.chunk,
                files: shard.fragments.len(),
            })
            .collect(),
    };
    OutputFile {
        path: format!("{SEARCH_DIR}/catalog.json"),
        bytes: serde_json::to_vec(&catalog).unwrap_or_default(),
    }
}

/// One postings file: every year's terms whose hash falls in `bucket`.
fn postings_file(shards: &[&YearShard], bucket_id: u32, bits: u32) -> Vec<u8> {
    let mut entries: Vec<(&str, usize, &YearShard, &TermEntry)> = Vec::new();
    for (year_index, shard) in shards.iter().enumerate() {
        let terms = shard.terms();
        let start = terms.partition_point(|entry| bucket(entry.hash, bits) < bucket_id);
        let end = terms.partition_point(|entry| bucket(entry.hash, bits) <= bucket_id);
        for entry in terms.get(start..end).unwrap_or_default() {
            entries.push((shard.term_text(entry), year_index, shard, entry));
        }
    }
    entries.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let groups: Vec<&[(&str, usize, &YearShard, &TermEntry)]> =
        entries.chunk_by(|a, b| a.0 == b.0).collect();
    let size: usize = entries
        .iter()
        .map(|(text, _, shard, entry)| text.len() + shard.term_postings(entry).len() + 8)
        .sum();
    let mut out = Vec::with_capacity(size + 4);
    push_varint(&mut out, groups.len() as u64);
    for group in groups {
        let Some((text, ..)) = group.first() else {
            continue;
        };
        push_varint(&mut out, text.len() as u64);
        out.extend_from_slice(text.as_bytes());
        push_varint(&mut out, group.len() as u64);
        for (_, year_index, shard, entry) in group {
            let postings = shard.term_postings(entry);
            push_varint(&mut out, *year_index as u64);
            push_varint(&mut out, u64::from(entry.docs));
            push_varint(&mut out, postings.len() as u64);
            out.extend_from_slice(postings);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::document::SearchDoc;
    use crate::search::encoding::read_varint;
    use crate::search::shard::build;
    use crate::search::terms::hash;

    fn doc(slug: &str, name: &str, goal: &str) -> SearchDoc {
        SearchDoc {
            slug: slug.into(),
            name: name.into(),
            department: "测试单位".into(),
            implementer: String::new(),
            goals: [String::new(), goal.into()],
            indicators: vec!["受益群体满意度".into()],
        }
    }

    /// (year index, docs, postings) of `term` in a postings file.
    fn read_term(file: &[u8], term: &str) -> Option<Vec<(u64, u64, Vec<u8>)>> {
        let mut at = 0;
        let terms = read_varint(file, &mut at)?;
        for _ in 0..terms {
            let len = read_varint(file, &mut at)? as usize;
            let text = file.get(at..at + len)?;
            at += len;
            let years = read_varint(file, &mut at)?;
            let mut sections = Vec::new();
            for _ in 0..years {
                let year = read_varint(file, &mut at)?;
                let docs = read_varint(file, &mut at)?;
                let bytes = read_varint(file, &mut at)? as usize;
                sections.push((year, docs, file.get(at..at + bytes)?.to_vec()));
                at += bytes;
            }
            if text == term.as_bytes() {
                return Some(sections);
            }
        }
        None
    }

    fn shards() -> Vec<YearShard> {
        vec![
            build(
                2023,
                &[
                    doc("a", "科普活动", "举办科普日。"),
                    doc("b", "学会改革", "改革。"),
                ],
            ),
            build(2022, &[doc("c", "科普讲座", "讲座。")]),
        ]
    }

    #[test]
    fn a_term_is_in_one_file_with_every_year() {
        let files = publish(&shards());
        let catalog: serde_json::Value = serde_json::from_slice(
            &files
                .iter()
                .find(|f| f.path == "search/catalog.json")
                .expect("catalog")
                .bytes,
        )
        .expect("JSON");
        assert_eq!(catalog["format"], FORMAT_VERSION);
        assert_eq!(catalog["years"][0]["year"], 2022, "years ascending");
        assert_eq!(catalog["years"][1]["docs"], 2);
        let bits = catalog["bucketBits"].as_u64().expect("bits") as u32;
        let width = bits.div_ceil(4).max(1) as usize;
        let path = format!(
            "search/postings/{:0width$x}.bin",
            bucket(hash("科普"), bits)
        );
        let file = files
            .iter()
            .find(|f| f.path == path)
            .expect("postings file");
        let sections = read_term(&file.bytes, "科普").expect("科普 is in its file");
        // 2022 (index 0): doc 0 in the name; 2023 (index 1): doc 0 in the name.
        assert_eq!(sections, [(0, 1, vec![1]), (1, 1, vec![1])]);
        let sections = read_term(&file_for(&files, bits, "改革"), "改革").expect("改革");
        assert_eq!(sections, [(1, 1, vec![(1 << 1) | 1])]);
    }

    fn file_for(files: &[OutputFile], bits: u32, term: &str) -> Vec<u8> {
        let width = bits.div_ceil(4).max(1) as usize;
        let path = format!("search/postings/{:0width$x}.bin", bucket(hash(term), bits));
        files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.bytes.clone())
            .unwrap_or_default()
    }

    #[test]
    fn publishing_is_deterministic_whatever_the_order_of_shards() {
        let one = publish(&shards());
        let mut reversed = shards();
        reversed.reverse();
        assert_eq!(one, publish(&reversed));
        assert_eq!(one, publish_owned(reversed));
        let paths: Vec<&str> = one.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"search/fragments/2022/0.json"));
        assert!(paths.contains(&"search/fragments/2023/0.json"));
    }

    #[test]
    fn the_number_of_postings_files_grows_with_the_index() {
        assert_eq!(bucket_bits(0), 0);
        assert_eq!(bucket_bits(BUCKET_BYTES), 0);
        assert_eq!(bucket_bits(BUCKET_BYTES + 1), 1);
        assert_eq!(bucket_bits(BUCKET_BYTES * 1000), 10);
        assert_eq!(bucket_bits(usize::MAX), MAX_BUCKET_BITS);
    }

    #[test]
    fn every_term_of_every_shard_is_published_once() {
        let shards = shards();
        let files = publish(&shards);
        let catalog: serde_json::Value = serde_json::from_slice(
            &files
                .iter()
                .find(|f| f.path.ends_with("catalog.json"))
                .expect("catalog")
                .bytes,
        )
        .expect("JSON");
        let bits = catalog["bucketBits"].as_u64().expect("bits") as u32;
        for shard in &shards {
            for entry in shard.terms() {
                let term = shard.term_text(entry);
                let sections = read_term(&file_for(&files, bits, term), term).expect(term);
                assert!(
                    sections
                        .iter()
                        .any(|(_, docs, bytes)| *docs == u64::from(entry.docs)
                            && bytes == shard.term_postings(entry))
                );
            }
        }
    }
}
