use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::time::{Duration, UNIX_EPOCH};

use super::*;

const HASH: &str = "ab00000000000000000000000000000000000000000000000000000000000000";
const OTHER: &str = "cd00000000000000000000000000000000000000000000000000000000000000";

fn frozen() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_709_296_496)
}

fn store_in(dir: &Path) -> Store {
    Store::open(dir.join("published/2021"), frozen())
}

#[test]
fn a_kept_copy_carries_the_snapshot_time_and_is_trusted_only_as_left() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_in(dir.path());
    let kept = store
        .keep("p1/index.html", "归档页面".as_bytes(), HASH)
        .expect("kept");
    let file = store.file("p1/index.html");
    assert_eq!(fs::read_to_string(&file).expect("read"), "归档页面");
    let meta = fs::metadata(&file).expect("metadata");
    assert_eq!(meta.modified().expect("mtime"), frozen());
    assert!(kept.is(&meta));

    // Written in place through a link, same size: the modification time gives it away.
    fs::write(&file, "归档页页".as_bytes()).expect("edit in place");
    assert!(!kept.is(&fs::metadata(&file).expect("metadata")));

    // Only the permissions changed: not as left either.
    let kept = store
        .keep("p1/index.html", "归档页面".as_bytes(), HASH)
        .expect("kept again");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).expect("chmod");
    assert!(!kept.is(&fs::metadata(&file).expect("metadata")));
}

#[test]
fn keeping_again_never_writes_into_the_old_copy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_in(dir.path());
    store.keep("a.html", b"first", HASH).expect("kept");
    let output = dir.path().join("public-a.html");
    fs::hard_link(store.file("a.html"), &output).expect("link into an output");
    let kept = store.keep("a.html", b"second", OTHER).expect("kept anew");
    assert_eq!(fs::read(&output).expect("output"), b"first");
    assert_eq!(fs::read(store.file("a.html")).expect("copy"), b"second");
    assert_eq!(
        fs::metadata(store.file("a.html")).expect("metadata").ino(),
        kept.inode
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("published/2021"))
        .expect("list")
        .flatten()
        .map(|entry| entry.file_name())
        .collect();
    assert_eq!(leftovers, ["a.html"], "no temporary file is left");
}

#[test]
fn the_list_is_read_back_and_copies_no_longer_listed_are_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_in(dir.path());
    let a = store.keep("a.html", b"a", HASH).expect("a");
    let b = store.keep("sub/b.html", b"b", OTHER).expect("b");
    store
        .save([("a.html", &a), ("sub/b.html", &b)])
        .expect("saved");

    let reopened = store_in(dir.path());
    assert_eq!(reopened.holding("a.html", HASH), Some(&a));
    assert_eq!(reopened.holding("a.html", OTHER), None, "another hash");
    assert_eq!(reopened.holding("sub/b.html", OTHER), Some(&b));
    reopened.save([("a.html", &a)]).expect("saved");
    assert!(!reopened.file("sub/b.html").exists(), "no longer listed");
    assert!(reopened.file("a.html").exists());

    let list = dir.path().join("published/2021.tsv");
    for text in [
        "not a list\n".to_string(),
        format!("{HEADER}\n{HASH}\t1\t2\t3\ta.html\n"),
        format!("{HEADER}\n{}\t1\t2\t3\t4\ta.html\n", "z".repeat(64)),
    ] {
        fs::write(&list, text).expect("write");
        assert_eq!(store_in(dir.path()).holding("a.html", HASH), None);
    }
}

#[test]
fn the_copies_of_years_no_longer_archived_are_forgotten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let published = dir.path().join(STORE_DIR);
    for year in ["2020", "2021"] {
        let store = Store::open(published.join(year), frozen());
        let kept = store.keep("index.html", b"x", HASH).expect("kept");
        store.save([("index.html", &kept)]).expect("saved");
    }
    fs::write(published.join("notes.txt"), "not ours to judge").expect("write");
    forget_all_but(dir.path(), &[2021]);
    let mut left: Vec<String> = fs::read_dir(&published)
        .expect("list")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["2021", "2021.tsv", "notes.txt"]);
}
