//! A small real site in a temp folder, for the archive tests: the one fixture builder
//! (`tests/site_builder`) with the archive tests' site.toml, years and snapshot helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;

use disclose::archive::verify::read_tree;
use disclose::build::{BuildOptions, build};
use disclose::snapshot::{Snapshot, SnapshotError, SnapshotOptions, snapshot};

// Each fixture module takes its own copy of the builder, so that its constructors (`Site::new`
// means a different site in `common` and in `serve_fixture`) never clash in a test that uses two.
#[path = "../site_builder/mod.rs"]
#[allow(clippy::duplicate_mod)]
mod site_builder;
#[allow(unused_imports)]
pub use site_builder::{Run, Site, write_files};

/// 2024-03-01T00:00:00Z
pub const EPOCH: &str = "1709251200";

pub const SITE_TOML: &str =
    "title = \"测试公开\"\nbase_url = \"/\"\nlanguage = \"zh-CN\"\npublisher = \"测试单位\"\n";

impl Site {
    /// `site.toml` only.
    pub fn empty() -> Site {
        Site::with_site_toml(SITE_TOML)
    }

    /// Two years: 2023 with `hui-yi` and `pei-xun`, 2024 with `hui-yi` (same project, more money).
    pub fn two_years() -> Site {
        let site = Site::empty();
        site.declaration(2023, "hui-yi", "会议费", "100000.00");
        site.declaration(2023, "pei-xun", "培训费", "2,500.50");
        site.declaration(2024, "hui-yi", "会议费", "150000.00");
        site
    }

    pub fn declaration(&self, year: u16, slug: &str, name: &str, annual: &str) {
        self.write(
            &format!("content/{year}/{slug}.toml"),
            &declaration_toml(year, name, annual),
        );
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

    /// The site built from scratch into a new folder, as the archive verifier reads it.
    pub fn built_afresh(&self) -> BTreeMap<String, Vec<u8>> {
        let other = tempfile::tempdir().expect("tempdir");
        let out = other.path().join("site");
        build(&BuildOptions::new(self.root()), &out).expect("build");
        read_tree(&out).expect("tree")
    }

    /// Every file under `relative`, as the archive verifier reads it.
    pub fn tree(&self, relative: &str) -> BTreeMap<String, Vec<u8>> {
        read_tree(&self.path(relative)).expect("read tree")
    }
}

pub fn declaration_toml(year: u16, name: &str, annual: &str) -> String {
    format!(
        "name = \"{name}\"\nyear = {year}\ndepartment = \"测试单位\"\nstart = {year}-01-01\n\n\
         [funding]\nannual = \"{annual}\"\n\n\
         [[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"完成数\"\ntarget = \"≥4(次)\"\n"
    )
}
