//! A small real site in a temp folder, for the archive tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use disclose::archive::verify::read_tree;
use disclose::build::{BuildOptions, Produced, Rendered, build, render_to_memory};
use disclose::snapshot::{Snapshot, SnapshotError, SnapshotOptions, snapshot};

/// 2024-03-01T00:00:00Z
pub const EPOCH: &str = "1709251200";

pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// `site.toml` only.
    pub fn empty() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = Site { dir };
        site.write(
            "site.toml",
            "title = \"测试公开\"\nbase_url = \"/\"\nlanguage = \"zh-CN\"\npublisher = \"测试单位\"\n",
        );
        site
    }

    /// Two years: 2023 with `hui-yi` and `pei-xun`, 2024 with `hui-yi` (same project, more money).
    pub fn two_years() -> Site {
        let site = Site::empty();
        site.declaration(2023, "hui-yi", "会议费", "100000.00");
        site.declaration(2023, "pei-xun", "培训费", "2,500.50");
        site.declaration(2024, "hui-yi", "会议费", "150000.00");
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, text).expect("write");
    }

    pub fn declaration(&self, year: u16, slug: &str, name: &str, annual: &str) {
        self.write(
            &format!("content/{year}/{slug}.toml"),
            &declaration_toml(year, name, annual),
        );
    }

    pub fn build(&self) -> Produced {
        build(&BuildOptions::new(self.root()), &self.path("public")).expect("build")
    }

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

    pub fn snapshot(&self, year: u16, force: bool, tar: bool) -> Result<Snapshot, SnapshotError> {
        let options = SnapshotOptions {
            year,
            force,
            tar,
            source_date_epoch: Some(EPOCH.to_string()),
        };
        snapshot(self.root(), &options)
    }

    pub fn tree(&self, relative: &str) -> BTreeMap<String, Vec<u8>> {
        read_tree(&self.path(relative)).expect("read tree")
    }

    pub fn text(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).expect("read")
    }
}

pub fn declaration_toml(year: u16, name: &str, annual: &str) -> String {
    format!(
        "name = \"{name}\"\nyear = {year}\ndepartment = \"测试单位\"\nstart = {year}-01-01\n\n\
         [funding]\nannual = \"{annual}\"\n\n\
         [[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"完成数\"\ntarget = \"≥4(次)\"\n"
    )
}
