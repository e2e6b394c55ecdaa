//! What `build` does with the output it replaces: removed before it returns, or (for a large one,
//! or with `DISCLOSE_BACKGROUND_REMOVAL=always`) by a detached process after it returned. Either
//! way nothing is left behind and the new output is complete. All through the real binary.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Site, leftovers, tree};

/// `disclose build` with the removal policy `policy`: (its PID, exit code, stdout, stderr).
fn build_with(site: &Site, policy: &str) -> (u32, Option<i32>, String, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_disclose"))
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .env("DISCLOSE_BACKGROUND_REMOVAL", policy)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let output = child.wait_with_output().expect("wait");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (
        pid,
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

/// The folder named in "… being removed in the background (FOLDER)".
fn retiring_folder(stdout: &str) -> Option<PathBuf> {
    let line = stdout
        .lines()
        .find(|line| line.contains("being removed in the background"))?;
    let inside = line.rsplit_once('(')?.1.strip_suffix(')')?;
    Some(PathBuf::from(inside))
}

#[test]
fn a_replaced_output_can_be_removed_in_the_background_and_nothing_is_left() {
    let site = Site::new();
    let (_, code, stdout, stderr) = build_with(&site, "always");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        retiring_folder(&stdout),
        None,
        "the first build replaces nothing"
    );
    let first = tree(&site.public());
    site.write(
        "content/2023/gamma.toml",
        &common::declaration("丙项目", "500000"),
    );

    let (build_pid, code, stdout, stderr) = build_with(&site, "always");
    assert_eq!(code, Some(0), "{stderr}");
    let retiring = retiring_folder(&stdout)
        .unwrap_or_else(|| panic!("no background removal reported:\n{stdout}"));
    let name = retiring
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let remover_pid: u32 = name
        .strip_prefix(".public.retired-")
        .and_then(|pid| pid.parse().ok())
        .unwrap_or_else(|| panic!("unexpected folder {name}"));
    assert_ne!(
        remover_pid, build_pid,
        "named after the remover, not the build"
    );
    assert_eq!(retiring.parent(), Some(site.root()), "beside the output");

    // The new output is in place and complete, whatever the remover is doing.
    let now = tree(&site.public());
    assert_ne!(now, first);
    assert!(now.keys().any(|path| path.starts_with("2023/gamma")));
    site.run(&["verify", &site.public().to_string_lossy()])
        .assert_ok();

    let deadline = Instant::now() + Duration::from_secs(60);
    while retiring.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!retiring.exists(), "the remover did not remove {name}");
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
    site.run(&["build"]).assert_ok();
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
    assert_eq!(tree(&site.public()), now, "a rebuild gives the same output");
}

/// `policy` removes the replaced output of a small site before `build` returns.
fn assert_removed_before_returning(policy: &str) {
    let site = Site::new();
    for _ in 0..2 {
        let (_, code, stdout, stderr) = build_with(&site, policy);
        assert_eq!(code, Some(0), "{policy}: {stderr}");
        assert_eq!(retiring_folder(&stdout), None, "{policy}: {stdout}");
        assert_eq!(leftovers(site.root()), Vec::<String>::new(), "{policy}");
    }
}

#[test]
fn never_waits_until_the_replaced_output_is_gone() {
    assert_removed_before_returning("never");
}

#[test]
fn a_small_output_is_removed_before_build_returns_by_default() {
    assert_removed_before_returning("auto");
}

#[test]
fn an_unknown_policy_is_a_usage_error_that_names_the_choices() {
    let site = Site::new();
    site.run(&["build"]).assert_ok();
    let before = tree(&site.public());
    let (_, code, _, stderr) = build_with(&site, "sometimes");
    assert_eq!(code, Some(2), "{stderr}");
    for needed in ["DISCLOSE_BACKGROUND_REMOVAL", "auto", "always", "never"] {
        assert!(stderr.contains(needed), "{needed} missing from:\n{stderr}");
    }
    assert_eq!(tree(&site.public()), before, "nothing was built");
}

/// Every file under `dir` by relative path, with its inode.
#[cfg(unix)]
fn inodes(dir: &std::path::Path) -> std::collections::BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).expect("inside");
            let inode = entry.metadata().expect("metadata").ino();
            (relative.to_string_lossy().replace('\\', "/"), inode)
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_rebuild_links_unchanged_files_and_writes_every_other_one_afresh() {
    let site = Site::new();
    site.build();
    let before = inodes(&site.public());
    // One declaration changes; a page of the old output is edited by hand.
    site.write(
        "content/2023/beta.toml",
        &common::declaration("乙项目", "300001"),
    );
    let hand_edited = site.public().join("2023/alpha/index.html");
    let mut bytes = std::fs::read(&hand_edited).expect("read");
    bytes.extend_from_slice(b"<!-- edited by hand -->");
    std::fs::write(&hand_edited, &bytes).expect("write");

    site.build();
    let fresh = site.path("fresh");
    disclose::build::build(&disclose::build::BuildOptions::new(site.root()), &fresh)
        .expect("fresh build");
    assert_eq!(
        tree(&site.public()),
        tree(&fresh),
        "a rebuild gives what a build into a fresh folder gives"
    );
    assert_eq!(leftovers(site.root()), Vec::<String>::new());

    let after = inodes(&site.public());
    let reused: Vec<&String> = after
        .iter()
        .filter(|(path, inode)| before.get(*path) == Some(*inode))
        .map(|(path, _)| path)
        .collect();
    // The assets did not change.
    assert!(
        reused.iter().any(|path| path.starts_with("assets/")),
        "nothing reused: {reused:?}"
    );
    for changed in [
        "2023/beta/index.html",
        "2023/index.html",
        "index.html",
        "SHA256SUMS",
        "2023/alpha/index.html",
    ] {
        assert!(before.contains_key(changed), "{changed} was built before");
        assert!(
            !reused.contains(&&changed.to_string()),
            "{changed} should have been written afresh"
        );
    }
    // Reused files are the new output's own now: nothing else links to them, but for the
    // replaced output's copy of the year's folder, carried over for the next build.
    use std::os::unix::fs::MetadataExt;
    for path in reused {
        let published = std::fs::metadata(site.public().join(path)).expect("metadata");
        let carried = site.path(".public.carried").join(path);
        match path.starts_with("2023/") {
            true => {
                assert_eq!(published.nlink(), 2, "{path}");
                let carried = std::fs::metadata(carried).expect("carried copy");
                assert_eq!(carried.ino(), published.ino(), "{path}");
            }
            false => assert_eq!(published.nlink(), 1, "{path}"),
        }
    }
}
