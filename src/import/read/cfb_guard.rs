//! A bounds check of an `.xls` file's compound-file container (MS-CFB), run before calamine
//! reads it. calamine 0.38 follows the container's sector chains without checking them: a
//! damaged file whose chain loops (found by fuzzing, `fuzz/regressions/import_xls/`) makes it
//! grow a buffer until memory runs out. This check walks every chain calamine will walk, in the
//! order and with the limits calamine uses, and refuses the file when one loops, points outside
//! the file, or claims more bytes than the file holds. Every chain is followed at most once per
//! sector (a visited set), so the check itself needs time and memory in proportion to the file.
//! Where calamine would read something other than the file's sectors instead of looping (a sector
//! cut short by the end of the file, which it pads with zeros; a mini sector past the mini stream,
//! which it reads from wherever its reader stands), the check refuses too: such a file is damaged.
//!
//! Why not the `cfb` crate: opened permissively it repairs what it finds (a FAT entry that points
//! past the end becomes the end of the chain) and then checks its own repaired table, not the raw
//! one calamine follows, so it accepts files on which calamine still loops; opened strictly it
//! refuses files Excel writes and reads. What matters is what calamine does, so the walk below
//! mirrors calamine's `cfb.rs` step by step.

use super::ReadError;

/// The first eight bytes of every compound file.
pub const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const HEADER_LEN: usize = 512;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Sector numbers from here on are markers, not sectors (calamine's `RESERVED_SECTORS`).
const FIRST_MARKER: u32 = 0xFFFF_FFFA;
/// DIFAT entries below this are FAT sectors for calamine (it reads 0xFFFFFFFA and 0xFFFFFFFB too).
const DIFAT_MARKER: u32 = 0xFFFF_FFFC;
const MINI_SECTOR_LEN: usize = 64;
/// Streams shorter than this live in the mini stream.
const MINI_STREAM_CUTOFF: usize = 4096;
const DIRECTORY_ENTRY_LEN: usize = 128;
/// The streams calamine reads from an `.xls`: "Workbook", and "Book" when that fails.
const WORKBOOK_NAMES: [&str; 2] = ["Workbook", "Book"];

/// Whether `bytes` is a compound file (an `.xls`, or any other OLE2 document).
pub fn is_compound_file(bytes: &[u8]) -> bool {
    bytes.starts_with(&SIGNATURE)
}

/// Refuses a compound file whose structure would make calamine loop or allocate without bound;
/// otherwise returns the workbook stream calamine will parse ("Workbook", else "Book"), exactly
/// the bytes calamine reads for it, or None when there is none. A header calamine refuses by
/// itself (too short, unknown sector size) passes: calamine's own error says what is wrong.
pub fn check_compound_file(bytes: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
    check(bytes).map_err(|damage| {
        ReadError::new(format!(
            "the .xls file is damaged: {damage}; open it in Excel or LibreOffice and save it again as .xlsx"
        ))
    })
}

fn check(bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let Some(header) = Header::parse(bytes) else {
        return Ok(None);
    };
    let file_len = bytes.len();
    let sectors = Space::File {
        bytes,
        size: header.sector_size,
        // Whole sectors after the header; a sector cut short by the end of the file counts as
        // missing (calamine would read it half from the file and half as zeros).
        count: (file_len / header.sector_size).saturating_sub(1),
    };
    let fat = allocation_table(&header, &sectors)?;
    let directory = follow(
        &sectors,
        &fat,
        header.directory_start,
        None,
        "the directory",
    )?;
    let entries: Vec<Entry> = directory
        .chunks_exact(DIRECTORY_ENTRY_LEN)
        .map(|raw| Entry::parse(raw, header.sector_size))
        .collect();
    let Some(root) = entries.first() else {
        return Ok(None); // calamine: "Empty Root directory"
    };
    let (mini_fat, mini_stream) = if header.mini_fat_sectors > 0 {
        let what = "the mini stream";
        let len = within_file(root.len, file_len, what)?;
        let mini_stream = follow(&sectors, &fat, root.start, Some(len), what)?;
        let what = "the mini allocation table";
        let len = header.mini_fat_sectors.saturating_mul(header.sector_size);
        let len = within_file(len, file_len, what)?;
        let mini_fat = follow(&sectors, &fat, header.mini_fat_start, Some(len), what)?;
        (u32s(&mini_fat), mini_stream)
    } else {
        (Vec::new(), Vec::new())
    };
    let mini_sectors = Space::Mini {
        stream: &mini_stream,
    };
    let mut workbook = None;
    for name in WORKBOOK_NAMES {
        let Some(entry) = entries
            .iter()
            .find(|entry| entry.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
        else {
            continue;
        };
        let what = format!("the {name} stream");
        let stream = if entry.len < MINI_STREAM_CUTOFF {
            follow(
                &mini_sectors,
                &mini_fat,
                entry.start,
                Some(entry.len),
                &what,
            )?
        } else {
            let len = within_file(entry.len, file_len, &what)?;
            follow(&sectors, &fat, entry.start, Some(len), &what)?
        };
        workbook.get_or_insert(stream);
    }
    Ok(workbook)
}

/// The fields of the 512-byte header that calamine uses.
struct Header {
    sector_size: usize,
    directory_start: u32,
    mini_fat_start: u32,
    mini_fat_sectors: usize,
    difat_start: u32,
    /// The first 109 DIFAT entries, kept in the header.
    difat: Vec<u32>,
}

impl Header {
    /// None when calamine refuses the header by itself.
    fn parse(bytes: &[u8]) -> Option<Header> {
        let header = bytes.get(..HEADER_LEN)?;
        if !header.starts_with(&SIGNATURE) {
            return None;
        }
        let sector_size = match u16_at(header, 30)? {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        if u16_at(header, 32)? != 6 {
            return None;
        }
        Some(Header {
            sector_size,
            directory_start: u32_at(header, 48)?,
            mini_fat_start: u32_at(header, 60)?,
            mini_fat_sectors: usize::try_from(u32_at(header, 64)?).ok()?,
            difat_start: u32_at(header, 68)?,
            difat: u32s(header.get(76..HEADER_LEN)?),
        })
    }
}

/// The FAT as calamine builds it: the sectors the DIFAT lists, concatenated in that order.
fn allocation_table(header: &Header, sectors: &Space) -> Result<Vec<u32>, String> {
    let mut difat = header.difat.clone();
    let mut visited = vec![false; sectors.count()];
    let mut id = header.difat_start;
    while id < FIRST_MARKER {
        let what = "the DIFAT (the list of allocation-table sectors)";
        let sector = sectors.get(id, what)?;
        match visited.get_mut(id as usize) {
            Some(seen) if !*seen => *seen = true,
            _ => return Err(format!("{what} loops at sector {id}")),
        }
        difat.extend(u32s(sector));
        // The last entry of a DIFAT sector is the next DIFAT sector.
        id = difat.pop().unwrap_or(END_OF_CHAIN);
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFAT_MARKER).collect();
    if fat_sectors.len() > sectors.count() {
        return Err(format!(
            "the DIFAT lists {} allocation-table sectors, but the file has only {} sectors",
            fat_sectors.len(),
            sectors.count()
        ));
    }
    let mut fat = Vec::new();
    for id in fat_sectors {
        fat.extend(u32s(sectors.get(id, "the allocation table")?));
    }
    Ok(fat)
}

/// Follows a chain from `start` through `table` the way calamine's `Sectors::get_chain` does:
/// until the end-of-chain marker, or until `limit` bytes are read when there is a limit. Returns
/// the bytes read. Refuses a sector visited twice, a sector that is not in `space`, and a next
/// link the table does not have.
fn follow(
    space: &Space,
    table: &[u32],
    start: u32,
    limit: Option<usize>,
    what: &str,
) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    let mut visited = vec![false; space.count()];
    let mut id = start;
    while id != END_OF_CHAIN {
        let sector = space.get(id, what)?;
        if visited.get(id as usize).copied().unwrap_or(true) {
            return Err(format!(
                "{what}'s sector chain loops at {} {id}",
                space.unit()
            ));
        }
        if let Some(seen) = visited.get_mut(id as usize) {
            *seen = true;
        }
        let wanted = limit.map_or(sector.len(), |limit| {
            limit.saturating_sub(data.len()).min(sector.len())
        });
        data.extend_from_slice(sector.get(..wanted).unwrap_or(sector));
        if limit.is_some_and(|limit| data.len() >= limit) {
            break;
        }
        id = *table.get(id as usize).ok_or_else(|| {
            format!(
                "{what} continues from {} {id}, which has no entry in its allocation table",
                space.unit()
            )
        })?;
    }
    Ok(data)
}

/// A stream's declared length, refused when it is larger than the whole file.
fn within_file(len: usize, file_len: usize, what: &str) -> Result<usize, String> {
    if len > file_len {
        return Err(format!(
            "{what} claims {len} bytes, more than the whole file ({file_len} bytes)"
        ));
    }
    Ok(len)
}

/// Where a chain's sectors are: the file's sectors (numbered from the one after the header), or
/// the 64-byte sectors of the mini stream.
enum Space<'a> {
    File {
        bytes: &'a [u8],
        size: usize,
        count: usize,
    },
    Mini {
        stream: &'a [u8],
    },
}

impl<'a> Space<'a> {
    fn count(&self) -> usize {
        match self {
            Space::File { count, .. } => *count,
            Space::Mini { stream } => stream.len() / MINI_SECTOR_LEN,
        }
    }

    fn unit(&self) -> &'static str {
        match self {
            Space::File { .. } => "sector",
            Space::Mini { .. } => "mini sector",
        }
    }

    fn get(&self, id: u32, what: &str) -> Result<&'a [u8], String> {
        let count = self.count();
        let index = id as usize;
        let found = match self {
            Space::File { bytes, size, .. } if index < count => {
                let start = (index + 1) * size;
                bytes.get(start..start + size)
            }
            Space::Mini { stream } if index < count => {
                let start = index * MINI_SECTOR_LEN;
                stream.get(start..start + MINI_SECTOR_LEN)
            }
            _ => None,
        };
        found.ok_or_else(|| {
            if id >= FIRST_MARKER {
                format!(
                    "{what}'s sector chain is broken: it reaches the marker 0x{id:08X} where a sector should be"
                )
            } else {
                let (unit, place) = match self {
                    Space::File { .. } => ("sector", "the file"),
                    Space::Mini { .. } => ("mini sector", "the mini stream"),
                };
                format!("{what} points to {unit} {id}, past the end of {place} ({count} {unit}s)")
            }
        })
    }
}

/// A directory entry as calamine reads it.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

impl Entry {
    /// `raw` is 128 bytes. The name is decoded exactly as calamine decodes it (encoding_rs, which
    /// also honours a byte-order mark), so the entry found here is the one calamine finds.
    fn parse(raw: &[u8], sector_size: usize) -> Entry {
        let mut name = encoding_rs::UTF_16LE
            .decode(raw.get(..64).unwrap_or_default())
            .0
            .into_owned();
        if let Some(nul) = name.as_bytes().iter().position(|byte| *byte == 0) {
            name.truncate(nul);
        }
        let len = if sector_size == 512 {
            u32_at(raw, 120).map(u64::from)
        } else {
            u64_at(raw, 120)
        };
        Entry {
            name,
            start: u32_at(raw, 116).unwrap_or(END_OF_CHAIN),
            len: len
                .and_then(|len| usize::try_from(len).ok())
                .unwrap_or(usize::MAX),
        }
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// Little-endian u32s; a trailing partial one is dropped.
fn u32s(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .filter_map(|chunk| chunk.try_into().ok().map(u32::from_le_bytes))
        .collect()
}

#[cfg(test)]
mod tests;
