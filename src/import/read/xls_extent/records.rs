//! The records of a BIFF stream, split exactly as calamine's `RecordIter` splits them.

/// One record: its type, its data, and the data of the CONTINUE records right after it.
pub struct Record<'a> {
    pub kind: u16,
    pub data: &'a [u8],
    pub continues: Vec<&'a [u8]>,
}

const CONTINUE: u16 = 0x003C;

/// The records of a stream as calamine's `RecordIter` yields them: each CONTINUE record after a
/// record joined to it (and so not a record of its own). Ends where calamine's would fail (a
/// record cut short), since calamine stops reading there.
pub struct Records<'a> {
    pub rest: &'a [u8],
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        let (kind, data, rest) = split_record(self.rest)?;
        self.rest = rest;
        let mut continues = Vec::new();
        while self.rest.len() > 4 && u16_at(self.rest, 0) == Some(CONTINUE) {
            let (_, data, rest) = split_record(self.rest)?;
            continues.push(data);
            self.rest = rest;
        }
        Some(Record {
            kind,
            data,
            continues,
        })
    }
}

fn split_record(stream: &[u8]) -> Option<(u16, &[u8], &[u8])> {
    let kind = u16_at(stream, 0)?;
    let len = usize::from(u16_at(stream, 2)?);
    let data = stream.get(4..4 + len)?;
    let rest = stream.get(4 + len..)?;
    Some((kind, data, rest))
}

pub fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

pub fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}
