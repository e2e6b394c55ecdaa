//! Archived years are published by linking kept copies (`.disclose-cache/published/YEAR/`)
//! into the output: never the archive itself, never a copy that was changed, and only where the
//! output is on the same file system.
#![cfg(unix)]

mod archive_fixture;

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use archive_fixture::Site;
use disclose::archive::verify::read_tree;
use disclose::build::{BuildOptions, build};

const PAGE: &str = "2023/hui-yi/index.html";

fn inode(path: &Path) -> u64 {
    fs::metadata(path).expect("metadata").ino()
}

fn build_into(site: &Site, out: &Path) {
    build(&BuildOptions::new(site.root()), out).expect("build");
}

/// A two-year site with 2023 archived, built once into `public/`.
fn archived_site() -> Site {
    let site = Site::two_years();
    site.snapshot(2023, false, false).expect("snapshot");
    // Hashes are trusted without reading only for files last changed a few seconds earlier.
    std::thread::sleep(Duration::from_millis(3_100));
    site.build();
    site
}

#[test]
fn archived_files_are_links_to_kept_copies_never_to_the_archive() {
    let site = archived_site();
    let kept = site.path(".disclose-cache/published").join(PAGE);
    let published = site.path("public").join(PAGE);
    assert_eq!(inode(&published), inode(&kept));
    for (path, _) in site.tree("archive/2023") {
        let archived = fs::metadata(site.path("archive/2023").join(&path)).expect("metadata");
        assert_eq!(archived.nlink(), 1, "archive/2023/{path} is shared");
    }
    // The snapshot's time (SOURCE_DATE_EPOCH, 2024-03-01), in every build.
    let frozen = UNIX_EPOCH + Duration::from_secs(1_709_251_200);
    let modified = |path: &Path| fs::metadata(path).expect("metadata").modified().ok();
    assert_eq!(modified(&published), Some(frozen));
    // The cache, now as large as the archive, keeps itself out of git and backups.
    let ignore = fs::read_to_string(site.path(".disclose-cache/.gitignore")).expect("ignore");
    assert!(ignore.lines().any(|line| line == "*"), "{ignore}");
    let tag = fs::read_to_string(site.path(".disclose-cache/CACHEDIR.TAG")).expect("tag");
    assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
    // A live page is written, not linked.
    assert_eq!(
        fs::metadata(site.path("public/2024/index.html"))
            .expect("live")
            .nlink(),
        1
    );

    // Another output, built from scratch, links the same copy.
    let other = tempfile::tempdir().expect("tempdir");
    let out = other.path().join("site");
    build_into(&site, &out);
    assert_eq!(inode(&out.join(PAGE)), inode(&kept));
    assert_eq!(site.tree("public"), read_tree(&out).expect("tree"));
}

#[test]
fn a_copy_edited_through_an_output_is_replaced_from_the_archive() {
    let site = archived_site();
    let before = site.tree("public");
    let published = site.path("public").join(PAGE);
    let edited = inode(&published);
    // Same size, written in place: what an editor that keeps hard links does.
    let mut bytes = fs::read(&published).expect("read");
    bytes[0..15].copy_from_slice(b"<!-- edited -->");
    fs::write(&published, &bytes).expect("edit in place");
    let kept = site.path(".disclose-cache/published").join(PAGE);
    assert_eq!(
        fs::read(&kept).expect("kept"),
        bytes,
        "the link shares the edit"
    );

    site.build();
    assert_eq!(site.tree("public"), before, "published as archived");
    assert_ne!(inode(&site.path("public").join(PAGE)), edited);
    assert_eq!(inode(&site.path("public").join(PAGE)), inode(&kept));
    assert_ne!(
        fs::read(&kept).expect("kept"),
        bytes,
        "kept anew from the archive"
    );
}

#[test]
fn an_archive_touched_but_unchanged_is_hashed_again_and_its_copies_stay() {
    let site = archived_site();
    let kept = site.path(".disclose-cache/published").join(PAGE);
    let before = inode(&kept);
    // A checkout or `touch` moves the archive's times: its remembered hash no longer counts.
    let archived = site.path("archive").join(PAGE);
    let file = fs::File::options()
        .write(true)
        .open(&archived)
        .expect("open");
    file.set_modified(SystemTime::now()).expect("touch");
    drop(file);
    site.build();
    assert_eq!(inode(&kept), before, "the copy was not written again");
    assert_eq!(inode(&site.path("public").join(PAGE)), before);
}

#[test]
fn a_tampered_archive_is_refused_even_with_a_kept_copy() {
    let site = archived_site();
    let published = site.tree("public");
    site.write("archive/2023/hui-yi/index.html", "<p>改过了</p>");
    let failed = build(&BuildOptions::new(site.root()), &site.path("public"));
    let message = format!("{failed:?}");
    assert!(failed.is_err(), "the build should fail");
    assert!(message.contains("changed since the snapshot"), "{message}");
    assert_eq!(site.tree("public"), published);
}

#[test]
fn an_output_on_another_file_system_gets_written_files_and_nothing_is_kept() {
    let site = Site::two_years();
    site.snapshot(2023, false, false).expect("snapshot");
    let shm = Path::new("/dev/shm");
    let other_device = shm.is_dir()
        && fs::metadata(shm).expect("shm").dev() != fs::metadata(site.root()).expect("root").dev();
    if !other_device {
        eprintln!("SKIPPED: needs /dev/shm on another file system than the temp folder");
        return;
    }
    let dir = tempfile::tempdir_in(shm).expect("tempdir in /dev/shm");
    let out = dir.path().join("public");
    build_into(&site, &out);
    assert_eq!(fs::metadata(out.join(PAGE)).expect("page").nlink(), 1);
    assert!(!site.path(".disclose-cache/published").exists());
    assert_eq!(
        read_tree(&out).expect("tree").get(PAGE),
        site.tree("archive/2023").get("hui-yi/index.html")
    );
}
