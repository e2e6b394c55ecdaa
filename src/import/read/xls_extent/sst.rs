//! The lengths of the strings in an SST record (the shared strings), read exactly as calamine's
//! `parse_sst` reads them, so that the n-th length here is the n-th string calamine keeps: each
//! LABELSST cell gets its own copy of the string it names.

use super::records::{Record, u16_at, u32_at};

/// The most bytes one character of a shared string can take once decoded: a UTF-16 unit or a
/// widened byte is two bytes of input, and calamine decodes them with the workbook's code page,
/// which turns one input byte into at most three bytes of UTF-8.
pub const MAX_BYTES_PER_CHARACTER: u64 = 6;

/// The character count of every string, or None where calamine fails on the record (then it
/// reads no sheet at all).
pub fn string_lengths(record: &Record) -> Option<Vec<u64>> {
    let mut reader = Reader {
        data: record.data.get(8..)?,
        continues: record.continues.iter(),
    };
    let mut lengths = Vec::new();
    while !reader.data.is_empty() || reader.next_continue() {
        lengths.push(reader.rich_extended_string()?);
    }
    Some(lengths)
}

/// calamine's `Record` while `parse_sst` consumes it.
struct Reader<'a, 'r> {
    data: &'a [u8],
    continues: std::slice::Iter<'r, &'a [u8]>,
}

impl Reader<'_, '_> {
    fn next_continue(&mut self) -> bool {
        match self.continues.next() {
            Some(data) => {
                self.data = data;
                true
            }
            None => false,
        }
    }

    fn advance(&mut self, count: usize) -> Option<()> {
        self.data = self.data.get(count..)?;
        Some(())
    }

    /// An `XLUnicodeRichExtendedString` (calamine's `read_rich_extended_string`): its length.
    fn rich_extended_string(&mut self) -> Option<u64> {
        if self.data.is_empty() {
            return Some(0);
        }
        let characters = u16_at(self.data, 0)?;
        let flags = *self.data.get(2)?;
        self.advance(3)?;
        let mut runs = 0;
        if flags & 0x8 != 0 {
            runs = usize::from(u16_at(self.data, 0)?);
            self.advance(2)?;
        }
        let mut extension = 0;
        if flags & 0x4 != 0 {
            // calamine reads an i32 and casts it, so a negative size is a huge one.
            extension = u32_at(self.data, 0)? as i32 as usize;
            self.advance(4)?;
        }
        self.characters(usize::from(characters), flags & 0x1 != 0)?;
        self.skip(runs * 4)?;
        self.skip(extension)?;
        Some(u64::from(characters))
    }

    /// calamine's `read_dbcs`: the characters, continuing into CONTINUE records, each of which
    /// starts with its own one-byte-or-two flag.
    fn characters(&mut self, mut left: usize, mut wide: bool) -> Option<()> {
        while left > 0 {
            let (count, used) = if wide {
                let count = (self.data.len() / 2).min(left);
                (count, 2 * count)
            } else {
                let count = self.data.len().min(left);
                (count, count)
            };
            self.advance(used)?;
            left -= count;
            if left > 0 {
                if !self.next_continue() {
                    return None;
                }
                wide = self.data.first()? & 0x1 != 0;
                self.advance(1)?;
            }
        }
        Some(())
    }

    /// calamine's `Record::skip`.
    fn skip(&mut self, mut count: usize) -> Option<()> {
        while count > 0 {
            if self.data.is_empty() && !self.next_continue() {
                return None;
            }
            let step = count.min(self.data.len());
            self.advance(step)?;
            count -= step;
        }
        Some(())
    }
}
