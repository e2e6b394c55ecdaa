//! Writing imported declarations: OUT/YEAR/SLUG.toml, folders created, all or nothing, never
//! overwriting without force, and every I/O error naming its path.

use disclose::import::{ImportWriteError, ImportedDeclaration, write_declarations};
use std::fs;
use std::path::{Path, PathBuf};

fn declaration(year: i32, slug: &str, toml: &str) -> ImportedDeclaration {
    ImportedDeclaration {
        year,
        slug: slug.to_string(),
        name: format!("项目 {slug}"),
        source_line: 1,
        toml: toml.to_string(),
    }
}

fn sample() -> Vec<ImportedDeclaration> {
    vec![
        declaration(2023, "a", "name = \"a\"\n"),
        declaration(2023, "b", "name = \"b\"\n"),
        declaration(2024, "a", "name = \"a 2024\"\n"),
    ]
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("inside").to_string_lossy();
                found.push(relative.replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn writes_year_folders_and_returns_the_paths_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("content");
    let written = write_declarations(&sample(), &out, false).expect("writes");
    assert_eq!(
        written,
        [
            out.join("2023").join("a.toml"),
            out.join("2023").join("b.toml"),
            out.join("2024").join("a.toml"),
        ]
    );
    assert_eq!(files(&out), ["2023/a.toml", "2023/b.toml", "2024/a.toml"]);
    assert_eq!(
        fs::read_to_string(&written[2]).expect("read"),
        "name = \"a 2024\"\n"
    );
}

#[test]
fn refuses_to_overwrite_without_force_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path();
    fs::create_dir_all(out.join("2023")).expect("mkdir");
    fs::write(out.join("2023").join("b.toml"), "old").expect("write");

    let error = write_declarations(&sample(), out, false).expect_err("must refuse");
    match &error {
        ImportWriteError::Exists { paths } => assert_eq!(paths, &[out.join("2023").join("b.toml")]),
        other => panic!("unexpected error {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains("nothing was written"), "{message}");
    assert!(message.contains("--force"), "{message}");
    assert!(
        message.contains(&out.join("2023").join("b.toml").display().to_string()),
        "{message}"
    );
    // Nothing else was written, not even the files that did not exist.
    assert_eq!(files(out), ["2023/b.toml"]);
    assert_eq!(
        fs::read_to_string(out.join("2023").join("b.toml")).expect("read"),
        "old"
    );
}

#[test]
fn force_overwrites_and_leaves_no_staging_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path();
    fs::create_dir_all(out.join("2023")).expect("mkdir");
    fs::write(out.join("2023").join("b.toml"), "old").expect("write");
    write_declarations(&sample(), out, true).expect("writes");
    assert_eq!(files(out), ["2023/a.toml", "2023/b.toml", "2024/a.toml"]);
    assert_eq!(
        fs::read_to_string(out.join("2023").join("b.toml")).expect("read"),
        "name = \"b\"\n"
    );
}

#[test]
fn every_existing_target_is_listed() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_declarations(&sample(), dir.path(), false).expect("first import");
    let error = write_declarations(&sample(), dir.path(), false).expect_err("second import");
    let ImportWriteError::Exists { paths } = &error else {
        panic!("unexpected error {error:?}");
    };
    assert_eq!(paths.len(), 3);
    assert!(
        error
            .to_string()
            .starts_with("3 target files already exist"),
        "{error}"
    );
}

#[test]
fn io_errors_name_the_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker: PathBuf = dir.path().join("content");
    fs::write(&blocker, "a file where the output folder should be").expect("write");
    let error = write_declarations(&sample(), &blocker, false).expect_err("cannot create folders");
    let ImportWriteError::Io { path, .. } = &error else {
        panic!("unexpected error {error:?}");
    };
    assert!(path.starts_with(&blocker), "{}", path.display());
    assert!(
        error.to_string().starts_with(&path.display().to_string()),
        "{error}"
    );
}

#[test]
fn the_same_target_twice_or_an_unusable_slug_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let twice = [declaration(2023, "a", "1"), declaration(2023, "a", "2")];
    let error = write_declarations(&twice, dir.path(), true).expect_err("same target");
    assert!(
        matches!(error, ImportWriteError::SameTarget { .. }),
        "{error:?}"
    );
    for (year, slug) in [(2023, "../escape"), (2023, ""), (23, "a")] {
        let bad = [declaration(2023, "ok", "1"), declaration(year, slug, "2")];
        let error = write_declarations(&bad, dir.path(), true).expect_err("invalid target");
        assert!(
            matches!(error, ImportWriteError::InvalidTarget { .. }),
            "{error:?}"
        );
    }
    assert!(files(dir.path()).is_empty());
}
