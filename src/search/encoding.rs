//! Unsigned LEB128 varints: the postings' and the cache's number format (search.js decodes the
//! same bytes).

/// Append `value` as a varint: 7 bits a byte, low bits first, high bit set on all but the last.
pub fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Read a varint at `*at`, moving past it; `None` when the bytes end inside it or it is longer
/// than a `u64`.
pub fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value: u64 = 0;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_and_truncation_is_detected() {
        let values = [
            0u64,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ];
        let mut bytes = Vec::new();
        for value in values {
            push_varint(&mut bytes, value);
        }
        assert_eq!(&bytes[..4], &[0, 1, 127, 0x80]);
        let mut at = 0;
        for value in values {
            assert_eq!(read_varint(&bytes, &mut at), Some(value));
        }
        assert_eq!(at, bytes.len());
        assert_eq!(read_varint(&[0x80, 0x80], &mut 0), None);
        assert_eq!(read_varint(&[0xff; 11], &mut 0), None);
    }
}
