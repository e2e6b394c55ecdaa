//! `build --out` never destroys what it did not make, two builds never mix, a killed build leaves
//! nothing behind for long, and a full disk fails cleanly. All through the real binary.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Site, declaration, leftovers, tree};

/// `build --out TARGET` exits 1, names TARGET and `why`, and leaves `guarded` byte for byte.
fn assert_refused(site: &Site, target: &Path, why: &str, guarded: &Path) {
    let before = tree(guarded);
    let out = target.to_string_lossy().into_owned();
    let run = site.run(&["build", "--out", &out]);
    run.assert_failed();
    let shown = fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf());
    let names_it = run.stderr.contains(&*shown.to_string_lossy())
        || run.stderr.contains(&*target.to_string_lossy());
    assert!(
        names_it,
        "{out}: the message does not name it:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(why),
        "{out}: expected {why:?} in:\n{}",
        run.stderr
    );
    assert_eq!(tree(guarded), before, "{out}: changed by a refused build");
}

fn archived_site() -> Site {
    let site = Site::new();
    site.run(&["snapshot", "2023"]).assert_ok();
    site
}

#[test]
fn an_archived_year_is_never_replaced_by_a_build() {
    let site = archived_site();
    let archive = site.root().join("archive/2023");
    assert_refused(&site, &archive, "archive/ folder", &archive);
    // The same archive copied elsewhere is still an archive.
    let copy = tempfile::tempdir().expect("tempdir");
    let copied = copy.path().join("2023");
    copy_tree(&archive, &copied);
    assert_refused(&site, &copied, "holds a snapshot.toml", &copied);
    assert_refused(&site, &copied.join("sub"), "holds a snapshot.toml", &copied);
    site.run(&["build"]).assert_ok();
    site.run(&["verify", &archive.to_string_lossy()])
        .assert_ok();
}

#[test]
fn a_snapshot_never_writes_into_the_sources() {
    let site = Site::new();
    std::os::unix::fs::symlink("content", site.root().join("archive")).expect("symlink");
    let before = tree(site.root());
    let run = site.run(&["snapshot", "2023", "--force"]);
    run.assert_failed();
    assert!(
        run.stderr.contains("inside the site's content/ folder"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(site.root()), before);
}

#[test]
fn the_site_its_sources_and_its_parents_are_refused() {
    let site = Site::new();
    site.write("templates/.keep", "");
    site.write("static/robots.txt", "User-agent: *\n");
    let root = site.root().to_path_buf();
    for (target, why) in [
        (root.join("content"), "the site's content/ folder"),
        (
            root.join("content/2023"),
            "inside the site's content/ folder",
        ),
        (root.join("templates"), "templates/ folder"),
        (root.join("static"), "static/ folder"),
        (root.clone(), "the site itself"),
    ] {
        assert_refused(&site, &target, why, &root);
    }
    let parent = root.parent().expect("parent").to_path_buf();
    let before = tree(&root);
    let run = site.run(&["build", "--out", &parent.to_string_lossy()]);
    run.assert_failed();
    assert!(run.stderr.contains("holds the site"), "{}", run.stderr);
    assert_eq!(tree(&root), before);
}

#[test]
fn a_copy_or_another_sites_output_is_not_taken_for_ours() {
    let site = Site::new();
    site.run(&["build"]).assert_ok();
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let deployed = elsewhere.path().join("www");
    copy_tree(&site.public(), &deployed);
    assert_refused(
        &site,
        &deployed,
        "no build of this site wrote it there",
        &deployed,
    );

    let other = Site::new();
    let shared = elsewhere.path().join("shared");
    other
        .run(&["build", "--out", &shared.to_string_lossy()])
        .assert_ok();
    assert_refused(&site, &shared, "the output of another site", &shared);

    // Its own output is replaced; so is one whose manifest was not touched.
    site.run(&["build"]).assert_ok();
    fs::write(site.public().join("SHA256SUMS"), "edited\n").expect("edit");
    let public = site.public();
    assert_refused(
        &site,
        &public,
        "is not the one this site's last build wrote",
        &public,
    );
}

#[test]
fn an_output_from_before_markers_is_still_replaced_at_the_default_place() {
    let site = Site::new();
    site.run(&["build"]).assert_ok();
    let marker = site.root().join(".public.disclose");
    assert!(marker.is_file(), "the build records its output beside it");
    fs::remove_file(&marker).expect("remove marker");
    site.run(&["build"]).assert_ok();
    assert!(marker.is_file());
}

#[test]
fn two_builds_at_once_both_finish_and_leave_one_complete_build() {
    let site = Site::new();
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_disclose"))
            .arg("--root")
            .arg(site.root())
            .args(["build", "--wait", "120"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let (first, second) = (start(), start());
    for child in [first, second] {
        let output = child.wait_with_output().expect("wait");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    site.run(&["verify", &site.public().to_string_lossy()])
        .assert_ok();
    let files = tree(&site.public());
    let manifest = String::from_utf8_lossy(&files["SHA256SUMS"]).into_owned();
    assert_eq!(
        manifest.lines().count(),
        files.len() - 1,
        "manifest lists every file"
    );
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

#[test]
fn a_build_gives_up_politely_while_another_holds_the_folder() {
    let site = Site::new();
    site.run(&["build"]).assert_ok();
    let before = tree(&site.public());
    let lock = fs::File::open(site.root().join(".public.lock")).expect("lock file");
    lock.lock().expect("hold the lock");
    let run = site.run(&["build", "--wait", "1"]);
    run.assert_failed();
    assert!(
        run.stderr
            .contains("another build into this folder is running"),
        "{}",
        run.stderr
    );
    drop(lock);
    assert_eq!(tree(&site.public()), before);
    site.run(&["build", "--wait", "1"]).assert_ok();
}

#[test]
fn a_killed_build_leaves_nothing_behind_after_the_next_build() {
    let site = Site::new();
    for index in 0..1500 {
        site.write(
            &format!("content/2023/p-{index:05}.toml"),
            &declaration(&format!("项目{index}"), "1000.00"),
        );
    }
    site.run(&["build"]).assert_ok();
    let before = tree(&site.public());
    let mut child = Command::new(env!("CARGO_BIN_EXE_disclose"))
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let staging = site.root().join(format!(".public.staging-{}", child.id()));
    let deadline = Instant::now() + Duration::from_secs(300);
    while !has_files(&staging) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    assert!(
        staging.is_dir(),
        "the kill did not land while the build was writing"
    );
    assert_eq!(
        tree(&site.public()),
        before,
        "a killed build changed the output"
    );
    site.run(&["build"]).assert_ok();
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
    site.run(&["verify", &site.public().to_string_lossy()])
        .assert_ok();
}

#[test]
fn a_full_disk_fails_naming_the_path_and_keeps_the_old_output() {
    let Some(mount) = Tmpfs::mount(512 * 1024) else {
        return;
    };
    let site = Site::new();
    let out = mount.path.join("public");
    let out_arg = out.to_string_lossy().into_owned();
    site.run(&["build", "--out", &out_arg]).assert_ok();
    let before = tree(&out);
    for index in 0..400 {
        site.write(
            &format!("content/2023/p-{index:05}.toml"),
            &declaration(&format!("项目{index}"), "1000.00"),
        );
    }
    let run = site.run(&["build", "--out", &out_arg]);
    run.assert_failed();
    assert!(run.stderr.contains("No space left"), "{}", run.stderr);
    assert!(
        run.stderr.contains("previous output is unchanged"),
        "{}",
        run.stderr
    );
    let mount_shown = mount.path.to_string_lossy().into_owned();
    assert!(
        run.stderr.contains(&mount_shown),
        "names the path:\n{}",
        run.stderr
    );
    assert_eq!(tree(&out), before, "the old output changed");
    assert_eq!(leftovers(&mount.path), Vec::<String>::new());
}

fn has_files(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

fn copy_tree(from: &Path, to: &Path) {
    for (relative, bytes) in tree(from) {
        let path = to.join(relative);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, bytes).expect("write");
    }
}

/// A small tmpfs, unmounted on drop. `None` (with a loud note) where mounting is not possible;
/// with DISCLOSE_REQUIRE_TMPFS set (CI, which runs as root), that is a failure instead.
struct Tmpfs {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(bytes: usize) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mnt");
        fs::create_dir(&path).expect("mkdir");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(&path)
            .output();
        match mounted {
            Ok(output) if output.status.success() => Some(Tmpfs { path, _dir: dir }),
            other => {
                let why = format!("{other:?}");
                assert!(
                    std::env::var_os("DISCLOSE_REQUIRE_TMPFS").is_none(),
                    "cannot mount a tmpfs: {why}"
                );
                eprintln!("SKIPPED: the disk-full test needs to mount a tmpfs (root): {why}");
                None
            }
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}
