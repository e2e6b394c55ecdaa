//! The on-disk cache of archived years' shards: `ROOT/.disclose-cache/search/YEAR.shard`.
//!
//! An archived year never changes while its `SHA256SUMS` does not, so its shard is computed once
//! from the frozen pages and reused by every later build. An entry records the archive's key (the
//! SHA-256 of its `SHA256SUMS`) and [`FORMAT_VERSION`]; a different key or version, a truncated or
//! corrupt file (its contents are checked against the stored digest) or a missing one is simply
//! recomputed and replaced. Entries are written to a temporary file and renamed into place, so a
//! reader never sees half an entry. The cache is an optimisation only: when it cannot be read or
//! written, the build indexes the archive again and goes on.

use std::fs;
use std::path::{Path, PathBuf};

use super::FORMAT_VERSION;
use super::shard::{TermEntry, YearShard, range};
use crate::files::write_replacing;

/// The cache folder, relative to the site root.
pub const CACHE_DIR: &str = ".disclose-cache/search";

const MAGIC: &[u8] = b"disclose search shard\n";

/// The cache file of an archived year.
pub fn entry_path(root: &Path, year: u16) -> PathBuf {
    root.join(CACHE_DIR).join(format!("{year}.shard"))
}

/// The cached shard of `year` if it was made from the archive with this `key` by this format.
pub fn load(root: &Path, year: u16, key: &str) -> Option<YearShard> {
    let bytes = fs::read(entry_path(root, year)).ok()?;
    decode(&bytes, year, key)
}

/// Store `shard` for `key`, atomically. Failing to write is not an error (see the module docs).
pub fn store(root: &Path, key: &str, shard: &YearShard) -> std::io::Result<()> {
    fs::create_dir_all(root.join(CACHE_DIR))?;
    write_replacing(&entry_path(root, shard.year), &encode(shard, key)).map_err(|err| err.source)
}

/// The entry's bytes: magic, format, key, the shard's numbers and arenas, its digest.
pub fn encode(shard: &YearShard, key: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(shard.postings_bytes() + 64 * shard.terms().len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    put_bytes(&mut out, key.as_bytes());
    out.extend_from_slice(&shard.year.to_le_bytes());
    out.extend_from_slice(&shard.docs.to_le_bytes());
    out.extend_from_slice(&shard.chunk.to_le_bytes());
    out.extend_from_slice(&(shard.fragments.len() as u64).to_le_bytes());
    for fragment in &shard.fragments {
        put_bytes(&mut out, fragment);
    }
    put_bytes(&mut out, shard.text.as_bytes());
    put_bytes(&mut out, &shard.postings);
    out.extend_from_slice(&(shard.terms.len() as u64).to_le_bytes());
    for entry in &shard.terms {
        for number in [
            entry.hash,
            entry.docs,
            entry.text.0,
            entry.text.1,
            entry.postings.0,
            entry.postings.1,
        ] {
            out.extend_from_slice(&number.to_le_bytes());
        }
    }
    out.extend_from_slice(&shard.digest);
    out
}

/// The shard in `bytes` if it is whole, for `year`, `key` and this format, and its contents
/// match its digest.
pub fn decode(bytes: &[u8], year: u16, key: &str) -> Option<YearShard> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.take(MAGIC.len())? != MAGIC || reader.u32()? != FORMAT_VERSION {
        return None;
    }
    if reader.sized()? != key.as_bytes() || reader.u16()? != year {
        return None;
    }
    let docs = reader.u32()?;
    let chunk = reader.u32()?;
    let fragment_count = reader.count(8)?;
    let mut fragments = Vec::with_capacity(fragment_count);
    for _ in 0..fragment_count {
        fragments.push(reader.sized()?.to_vec());
    }
    let text = String::from_utf8(reader.sized()?.to_vec()).ok()?;
    let postings = reader.sized()?.to_vec();
    let term_count = reader.count(24)?;
    let mut terms = Vec::with_capacity(term_count);
    for _ in 0..term_count {
        let mut numbers = [0u32; 6];
        for number in &mut numbers {
            *number = reader.u32()?;
        }
        let [
            hash,
            docs,
            text_start,
            text_len,
            postings_start,
            postings_len,
        ] = numbers;
        let entry = TermEntry {
            hash,
            docs,
            text: (text_start, text_len),
            postings: (postings_start, postings_len),
        };
        text.get(range(entry.text))?;
        postings.get(range(entry.postings))?;
        terms.push(entry);
    }
    let digest: [u8; 32] = reader.take(32)?.try_into().ok()?;
    if reader.at != bytes.len() {
        return None;
    }
    let shard = YearShard {
        year,
        docs,
        chunk,
        fragments,
        terms,
        text,
        postings,
        digest,
    };
    (shard.compute_digest() == digest).then_some(shard)
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Reads little-endian numbers and length-prefixed byte strings, `None` past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(len)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A count of items of at least `item_size` bytes each: no more than the bytes left could
    /// hold, so a corrupt count cannot make us reserve memory.
    fn count(&mut self, item_size: usize) -> Option<usize> {
        let count = usize::try_from(self.u64()?).ok()?;
        (count <= (self.bytes.len() - self.at) / item_size).then_some(count)
    }

    fn sized(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u64()?).ok()?;
        self.take(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::document::SearchDoc;
    use crate::search::shard::build;

    fn shard() -> YearShard {
        let doc = SearchDoc {
            slug: "ke-pu".into(),
            name: "科普活动".into(),
            department: "科协".into(),
            implementer: String::new(),
            goals: [String::new(), "举办科普日 STEM".into()],
            indicators: vec!["场次".into()],
        };
        build(2021, &[doc])
    }

    #[test]
    fn an_entry_round_trips_for_its_key_year_and_format_only() {
        let shard = shard();
        let bytes = encode(&shard, "abc");
        assert_eq!(decode(&bytes, 2021, "abc"), Some(shard));
        assert_eq!(decode(&bytes, 2021, "abd"), None, "another archive");
        assert_eq!(decode(&bytes, 2022, "abc"), None, "another year");
        let mut other_format = bytes.clone();
        other_format[MAGIC.len()] ^= 1;
        assert_eq!(decode(&other_format, 2021, "abc"), None);
    }

    #[test]
    fn every_truncation_and_every_flipped_byte_is_refused() {
        let bytes = encode(&shard(), "k");
        for len in 0..bytes.len() {
            assert!(
                decode(&bytes[..len], 2021, "k").is_none(),
                "truncated to {len}"
            );
        }
        for at in 0..bytes.len() {
            let mut corrupt = bytes.clone();
            corrupt[at] ^= 0x20;
            assert!(decode(&corrupt, 2021, "k").is_none(), "byte {at} flipped");
        }
    }

    #[test]
    fn store_then_load_and_a_corrupt_entry_is_a_miss() {
        let root = tempfile::tempdir().expect("temp dir");
        let shard = shard();
        assert_eq!(load(root.path(), 2021, "k"), None);
        store(root.path(), "k", &shard).expect("store");
        assert_eq!(load(root.path(), 2021, "k"), Some(shard.clone()));
        let leftovers: Vec<_> = fs::read_dir(root.path().join(CACHE_DIR))
            .expect("folder")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(leftovers, ["2021.shard"], "no temporary file stays behind");
        fs::write(entry_path(root.path(), 2021), b"garbage").expect("write");
        assert_eq!(load(root.path(), 2021, "k"), None);
    }
}
