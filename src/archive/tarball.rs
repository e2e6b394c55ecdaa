//! `archive/YEAR.tar.gz`: one archived year as a single file for offline keeping (a records
//! office, a USB stick). Deterministic: entries sorted, every entry with the same owner (0/0),
//! mode and mtime (the snapshot time), and a gzip header without a name or time, so the same
//! snapshot always gives the same bytes and the same checksum.

use std::collections::BTreeSet;
use std::io::Write;

use flate2::{Compression, GzBuilder};
use tar::{Builder, EntryType, Header};

use crate::files::OutputFile;

/// Pack `files` (paths relative to the year folder) under `YEAR/`.
pub fn tar_gz(year: u16, files: &[OutputFile], mtime: u64) -> Result<Vec<u8>, String> {
    let gzip = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::best());
    let mut builder = Builder::new(gzip);
    let mut folders: BTreeSet<String> = BTreeSet::new();
    folders.insert(format!("{year}/"));
    for file in files {
        let mut path = format!("{year}/");
        let parts: Vec<&str> = file.path.split('/').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            path.push_str(part);
            path.push('/');
            folders.insert(path.clone());
        }
    }
    let mut entries: Vec<(String, Option<&[u8]>)> =
        folders.into_iter().map(|folder| (folder, None)).collect();
    entries.extend(
        files
            .iter()
            .map(|file| (format!("{year}/{}", file.path), Some(file.bytes.as_slice()))),
    );
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, bytes) in entries {
        append(&mut builder, &path, bytes, mtime).map_err(|err| format!("{path}: {err}"))?;
    }
    let gzip = builder.into_inner().map_err(|err| err.to_string())?;
    let mut bytes = gzip.finish().map_err(|err| err.to_string())?;
    bytes.flush().map_err(|err| err.to_string())?;
    Ok(bytes)
}

fn append<W: Write>(
    builder: &mut Builder<W>,
    path: &str,
    bytes: Option<&[u8]>,
    mtime: u64,
) -> std::io::Result<()> {
    let mut header = Header::new_gnu();
    header.set_mtime(mtime);
    header.set_uid(0);
    header.set_gid(0);
    match bytes {
        None => {
            header.set_entry_type(EntryType::Directory);
            header.set_mode(0o755);
            header.set_size(0);
            builder.append_data(&mut header, path, std::io::empty())
        }
        Some(bytes) => {
            header.set_entry_type(EntryType::Regular);
            header.set_mode(0o644);
            header.set_size(bytes.len() as u64);
            builder.append_data(&mut header, path, bytes)
        }
    }
}
