//! `SHA256SUMS`: the manifest of a published folder, in the format `sha256sum -c` reads
//! (`HASH  path`, one line per file, sorted by path).

use sha2::{Digest, Sha256};

use crate::files::OutputFile;

/// The manifest's file name.
pub use crate::layout::MANIFEST;

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// The manifest of `files` (which must not include the manifest itself), sorted by path.
pub fn manifest_for(files: &[OutputFile]) -> OutputFile {
    let mut lines: Vec<(&str, String)> = files
        .iter()
        .map(|file| (file.path.as_str(), sha256_hex(&file.bytes)))
        .collect();
    lines.sort();
    let mut text = String::with_capacity(lines.len() * 100);
    for (path, hash) in lines {
        text.push_str(&hash);
        text.push_str("  ");
        text.push_str(path);
        text.push('\n');
    }
    OutputFile {
        path: MANIFEST.to_string(),
        bytes: text.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_is_sorted_and_sha256sum_compatible() {
        let files = vec![
            OutputFile {
                path: "b.txt".into(),
                bytes: b"b".to_vec(),
            },
            OutputFile {
                path: "a/index.html".into(),
                bytes: Vec::new(),
            },
        ];
        let manifest = String::from_utf8(manifest_for(&files).bytes).unwrap_or_default();
        assert_eq!(
            manifest,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a/index.html\n\
             3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  b.txt\n"
        );
    }
}
