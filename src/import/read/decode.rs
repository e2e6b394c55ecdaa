//! Bytes to text. Exports are UTF-8 (with or without a byte-order mark); Chinese offices' older
//! tools also write UTF-16 with a mark, or GB18030/GBK without one.

use super::ReadError;
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

/// The text of a file, and a note when it was not UTF-8.
pub fn decode_text(bytes: &[u8]) -> Result<(String, Option<String>), ReadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    for (mark, encoding, name) in [
        (&b"\xFF\xFE"[..], UTF_16LE, "UTF-16LE"),
        (&b"\xFE\xFF"[..], UTF_16BE, "UTF-16BE"),
    ] {
        if let Some(rest) = bytes.strip_prefix(mark) {
            return encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|text| (text.into_owned(), Some(format!("read as {name}"))))
                .ok_or_else(|| ReadError::new(format!("not valid {name} text")));
        }
    }
    match utf8(bytes) {
        Ok(decoded) => Ok(decoded),
        Err(utf8_error) => GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| {
                (
                    text.into_owned(),
                    Some("read as GB18030 (the file is not UTF-8)".to_string()),
                )
            })
            .ok_or(utf8_error),
    }
}

fn utf8(bytes: &[u8]) -> Result<(String, Option<String>), ReadError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), None)),
        Err(error) => {
            let offset = error.valid_up_to();
            let line = 1 + bytes
                .get(..offset)
                .unwrap_or_default()
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            Err(ReadError::at(
                line,
                format!(
                    "not UTF-8 text (invalid byte at offset {offset}); save the file as UTF-8, e.g. `iconv -f GB18030 -t UTF-8`"
                ),
            ))
        }
    }
}

/// The lines of a text, numbered from 1, without `\r`.
pub fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(index, line)| (index + 1, line.strip_suffix('\r').unwrap_or(line)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_a_mark() {
        assert_eq!(decode_text("项目".as_bytes()).unwrap().0, "项目");
        assert_eq!(decode_text(b"\xEF\xBB\xBFab").unwrap().0, "ab");
    }

    #[test]
    fn utf16_and_gb18030() {
        let (text, note) = decode_text(b"\xFF\xFEa\0b\0").unwrap();
        assert_eq!((text.as_str(), note.is_some()), ("ab", true));
        let (gbk, _, _) = GB18030.encode("项目名称\t甲");
        let (text, note) = decode_text(&gbk).unwrap();
        assert_eq!(text, "项目名称\t甲");
        assert!(note.unwrap().contains("GB18030"));
    }

    #[test]
    fn undecodable_bytes_name_their_line() {
        let error = decode_text(b"a\nb\n\x81").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.message.contains("UTF-8"));
    }

    #[test]
    fn lines_lose_carriage_returns() {
        let lines: Vec<_> = numbered_lines("a\r\nb").collect();
        assert_eq!(lines, [(1, "a"), (2, "b")]);
    }
}
