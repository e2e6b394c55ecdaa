//! Fixture sites built in temp dirs, and helpers to run the real binary against them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;
use walkdir::WalkDir;

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

pub struct Site {
    pub dir: TempDir,
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

    /// Only site.toml.
    pub fn empty() -> Site {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("tempdir: {err}"));
        let site = Site { dir };
        site.write("site.toml", SITE_TOML);
        fs::create_dir_all(site.root().join("content")).unwrap_or_else(|err| panic!("{err}"));
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn write(&self, relative: &str, text: &str) {
        self.write_bytes(relative, text.as_bytes());
    }

    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) {
        let path = self.root().join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap_or_else(|err| panic!("{}: {err}", parent.display()));
        }
        fs::write(&path, bytes).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    }

    /// Run `disclose --root SITE ARGS…`.
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

    pub fn page(&self, relative: &str) -> String {
        let path = self.public().join(relative);
        fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
    }
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
