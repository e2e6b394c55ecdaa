//! The one fixture-site builder of the tests: a site folder in a temp dir, files written into
//! it, the real binary or the library run against it, and its output read back.
//!
//! What a site holds lives with the tests that need it (`common`, `fixture`, `archive_fixture`,
//! `serve_fixture`, `quality_fixture` add their constructors and content to [`Site`]); how a
//! site is made, changed, built and read lives only here.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use disclose::build::{BuildOptions, Produced, Rendered, build, render_to_memory};
use tempfile::TempDir;
use walkdir::WalkDir;

/// A site folder in a temp dir (removed when dropped).
pub struct Site {
    /// The temp dir; the site is this folder or a folder inside it ([`Site::in_subfolder`]).
    pub dir: TempDir,
    root: PathBuf,
}

impl Site {
    /// A site whose only file is `site.toml`.
    pub fn with_site_toml(site_toml: &str) -> Site {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("tempdir: {err}"));
        let root = dir.path().to_path_buf();
        Site::start(dir, root, site_toml)
    }

    /// The same, in `folder` inside the temp dir, so that the temp dir has room for things
    /// outside the site (an output folder, a symlink target).
    pub fn in_subfolder(folder: &str, site_toml: &str) -> Site {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("tempdir: {err}"));
        let root = dir.path().join(folder);
        Site::start(dir, root, site_toml)
    }

    fn start(dir: TempDir, root: PathBuf, site_toml: &str) -> Site {
        let site = Site { dir, root };
        site.write("site.toml", site_toml);
        site
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// The default output folder, `public/`.
    pub fn public(&self) -> PathBuf {
        self.path("public")
    }

    pub fn write(&self, relative: &str, text: &str) {
        self.write_bytes(relative, text.as_bytes());
    }

    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) {
        write_file(&self.path(relative), bytes);
    }

    /// Write `(relative path, text)` pairs.
    pub fn write_all(&self, files: &[(&str, &str)]) {
        write_files(self.root(), files);
    }

    pub fn remove(&self, relative: &str) {
        let path = self.path(relative);
        fs::remove_file(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    }

    /// A file of the site, as text.
    pub fn text(&self, relative: &str) -> String {
        let path = self.path(relative);
        fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
    }

    /// A file of the built site under `public/`, as text.
    pub fn page(&self, relative: &str) -> String {
        let path = self.public().join(relative);
        fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
    }

    /// Run the real binary: `disclose --root SITE ARGS…`, without `SOURCE_DATE_EPOCH`.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_disclose"))
            .arg("--root")
            .arg(self.root())
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap_or_else(|err| panic!("cannot run disclose: {err}"));
        Run::from(output)
    }

    /// Build into `public/` through the library, as `disclose build` does.
    pub fn build(&self) -> Produced {
        build(&BuildOptions::new(self.root()), &self.public()).expect("build")
    }

    /// Render everything in memory with drafts, as `disclose check` does.
    pub fn check(&self) -> Rendered {
        let options = BuildOptions {
            drafts: true,
            ..BuildOptions::new(self.root())
        };
        render_to_memory(&options).expect("check")
    }

    /// What `check` prints, one line per diagnostic.
    pub fn check_messages(&self) -> Vec<String> {
        self.check()
            .diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect()
    }
}

/// What builds leave beside an output while they run or after they died: staging, previous
/// and retired (being removed in the background) folders, sorted.
pub fn leftovers(parent: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(parent)
        .unwrap_or_else(|err| panic!("{}: {err}", parent.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            [".staging-", ".previous-", ".retired-"]
                .iter()
                .any(|kind| name.contains(kind))
        })
        .collect();
    names.sort();
    names
}

/// Write `(relative path, text)` pairs under `root`, creating folders.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (relative, text) in files {
        write_file(&root.join(relative), text.as_bytes());
    }
}

fn write_file(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|err| panic!("{}: {err}", parent.display()));
    }
    fs::write(path, bytes).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
}

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn assert_ok(&self) -> &Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn assert_failed(&self) -> &Run {
        assert_eq!(
            self.code, 1,
            "expected exit 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Every file under `dir` with its bytes, by `/`-separated relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let bytes = fs::read(entry.path())
                .unwrap_or_else(|err| panic!("{}: {err}", entry.path().display()));
            (relative.to_string_lossy().replace('\\', "/"), bytes)
        })
        .collect()
}
