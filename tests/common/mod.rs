//! The small two-declaration site most binary tests start from, made with the one fixture
//! builder (`tests/site_builder`), which this module re-exports.
#![allow(dead_code)]

use std::fs;

// Each fixture module takes its own copy of the builder, so that its constructors (`Site::new`
// means a different site in `common` and in `serve_fixture`) never clash in a test that uses two.
#[path = "../site_builder/mod.rs"]
#[allow(clippy::duplicate_mod)]
mod site_builder;
#[allow(unused_imports)]
pub use site_builder::{Run, Site, leftovers, tree, write_files};

pub const SITE_TOML: &str = "title = \"测试单位 项目支出绩效目标公开\"\nbase_url = \"https://example.gov.cn/budget/\"\nlanguage = \"zh-CN\"\npublisher = \"测试单位\"\n";

/// A valid declaration named `name` with `annual` 元 requested; `extra_top` is inserted among the
/// top-level fields and `indicators` replaces the default indicator rows.
pub fn declaration(name: &str, annual: &str) -> String {
    format!(
        r#"name = "{name}"
year = 2023
nature = "其他一次性项目"
category = "特定目标类"
department = "测试单位"
implementer = "测试单位"
start = 2023-01-01
end = 2023-12-31

[funding]
annual = "{annual}"
appropriation = "{annual}"
carryover = "0.00"
other = "0.00"

[goals]
annual = "完成{name}。"

[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "{name}完成数"
target = "≥4.00(次)"

[[indicators]]
level1 = "满意度指标"
level2 = "服务对象满意度指标"
name = "满意度"
target = "≥85%"
"#
    )
}

impl Site {
    /// A site with site.toml and two 2023 declarations.
    pub fn new() -> Site {
        let site = Site::empty();
        site.write(
            "content/2023/alpha.toml",
            &declaration("甲项目", "1,800,000.00"),
        );
        site.write("content/2023/beta.toml", &declaration("乙项目", "300000"));
        site
    }

    /// Only site.toml, and an empty content/.
    pub fn empty() -> Site {
        let site = Site::with_site_toml(SITE_TOML);
        fs::create_dir_all(site.path("content")).unwrap_or_else(|err| panic!("{err}"));
        site
    }
}
