//! The built-in templates are minified once when they are loaded, instead of every page
//! (`src/render/preminify.rs`). That is only sound if it changes nothing a reader sees: every
//! page rendered from the minified templates must minify to exactly the page that minifying
//! each rendered page gives, and every other file must be the same. Checked on the real 2023
//! site, on a generated year with many departments, drafts and quality findings, and on an
//! amended archived year (更正记录 and 历次版本 pages).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use disclose::archive::record::Record;
use disclose::build::{self, BuildOptions, Scope};
use disclose::corrections::YearCorrections;
use disclose::render::{self, Minify};
use disclose::sink::Memory;

fn files(prepared: &build::Prepared, scope: Scope) -> BTreeMap<String, Vec<u8>> {
    let memory = Memory::default();
    build::produce(prepared, scope, &memory).expect("renders");
    memory
        .into_files()
        .into_iter()
        .map(|file| (file.path, file.bytes))
        .collect()
}

/// Render `scope` both ways and compare, returning the HTML pages compared.
fn assert_equivalent(options: &BuildOptions, scope: Scope) -> Vec<String> {
    assert_equivalent_with(options, scope, |_| {})
}

/// [`assert_equivalent`], changing the prepared site first.
fn assert_equivalent_with(
    options: &BuildOptions,
    scope: Scope,
    change: impl Fn(&mut build::Prepared),
) -> Vec<String> {
    let mut prepared = build::prepare(options).expect("the site is valid");
    change(&mut prepared);
    assert!(prepared.theme.preminified, "the built-in templates minify");
    let from_minified_templates = files(&prepared, scope);
    prepared.theme =
        std::sync::Arc::new(render::load_theme_with(&options.root, Minify::Pages).expect("theme"));
    assert!(!prepared.theme.preminified);
    let from_minified_pages = files(&prepared, scope);
    assert_eq!(
        from_minified_templates.keys().collect::<Vec<_>>(),
        from_minified_pages.keys().collect::<Vec<_>>()
    );
    let mut pages = Vec::new();
    for (path, bytes) in &from_minified_templates {
        let expected = &from_minified_pages[path];
        if path.ends_with(".html") {
            pages.push(path.clone());
            let text = std::str::from_utf8(bytes).expect("UTF-8");
            let minified_again = render::minify(text);
            assert!(
                &minified_again == expected,
                "{path} differs:\n from the minified templates, minified again:\n{}\n minified page by page:\n{}",
                String::from_utf8_lossy(&minified_again),
                String::from_utf8_lossy(expected)
            );
        } else if path != "SHA256SUMS" && !path.starts_with("search/") {
            // The manifest and the search index list pages' hashes; everything else is the same.
            assert!(bytes == expected, "{path} differs");
        }
    }
    pages
}

#[test]
fn the_real_2023_site_renders_the_same_either_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pages = assert_equivalent(&BuildOptions::new(root), Scope::Site);
    assert!(pages.len() >= 15 + 3, "{pages:?}");
}

#[test]
fn a_year_of_many_departments_renders_the_same_either_way() {
    let dir = tempfile::tempdir().expect("temp dir");
    let content = dir.path().join("content/2024");
    std::fs::create_dir_all(&content).expect("mkdir");
    std::fs::write(
        dir.path().join("site.toml"),
        "title = \"测试 & <站点>\"\nbase_url = \"/\"\nlanguage = \"zh-CN\"\npublisher = \"测试\"\n",
    )
    .expect("site.toml");
    let departments = [
        "教育委员会",
        "科学技术委员会",
        "卫生健康委员会",
        "科学技术协会",
    ];
    for index in 0..40 {
        let department = departments[index % departments.len()];
        let draft = if index == 3 { "draft = true\n" } else { "" };
        let text = format!(
            "name = \"项目 {index} <b>&amp;</b> \\\"引号\\\"\"\nyear = 2024\ndepartment = \"{department}\"\n{draft}\
             implementer = \"单位 'A' & B\"\nstart = 2024-01-01\nend = 2024-12-31\n\n\
             [funding]\nunit = \"元\"\nannual = \"{index},000.00\"\nappropriation = \"{index},000.00\"\n\n\
             [goals]\nannual = \"目标：举办 {index} 场活动，  空格  与\\n换行。\"\n\n\
             [[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"活动场次\"\ntarget = \"≥{index}(场)\"\n\n\
             [[indicators]]\nlevel1 = \"效益指标\"\nlevel2 = \"社会效益指标\"\nname = \"影响\"\ntarget = \"有效提升\"\n"
        );
        std::fs::write(content.join(format!("p{index:03}.toml")), text).expect("write");
    }
    let options = BuildOptions {
        drafts: true,
        ..BuildOptions::new(dir.path())
    };
    let pages = assert_equivalent(&options, Scope::Site);
    assert!(pages.len() > 40, "{pages:?}");
    assert!(
        pages.iter().any(|page| page.contains("/departments/")),
        "{pages:?}"
    );
    assert!(
        pages
            .iter()
            .any(|page| page.ends_with("/quality/index.html")),
        "{pages:?}"
    );
}

#[test]
fn an_amended_year_renders_the_same_either_way() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("site.toml"), dir.path().join("site.toml")).expect("site.toml");
    let content = dir.path().join("content/2023");
    std::fs::create_dir_all(&content).expect("mkdir");
    for entry in std::fs::read_dir(repo.join("content/2023")).expect("content/2023") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("file name");
        std::fs::copy(&path, content.join(name)).expect("copy");
    }
    let disclose = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_disclose"))
            .arg("--root")
            .arg(dir.path())
            .args(args)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    disclose(&["snapshot", "2023"]);
    let changed = std::fs::read_dir(&content)
        .expect("content/2023")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .min()
        .expect("a declaration");
    let text = std::fs::read_to_string(&changed).expect("read");
    let amended = text.replacen("name = \"", "name = \"（更正）", 1);
    assert_ne!(text, amended);
    std::fs::write(&changed, amended).expect("write");
    disclose(&["snapshot", "2023", "--amend", "--reason", "更正项目名称"]);
    // As `snapshot --amend` renders the year: from the content, with the archive's amendments.
    let options = BuildOptions {
        unarchived: Some(2023),
        ..BuildOptions::new(dir.path())
    };
    let record = std::fs::read_to_string(dir.path().join("archive/2023/snapshot.toml"))
        .expect("the archive's record");
    let record = Record::from_toml(&record).expect("a record");
    assert_eq!(record.amendments.len(), 1);
    let pages = assert_equivalent_with(&options, Scope::Year(2023), |prepared| {
        for year in &mut prepared.site.years {
            year.corrections = YearCorrections::new(record.amendments.clone());
        }
    });
    for page in ["2023/corrections/index.html", "2023/versions/index.html"] {
        assert!(pages.iter().any(|path| path == page), "{page} in {pages:?}");
    }
}
