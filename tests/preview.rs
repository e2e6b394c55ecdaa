//! `serve`'s incremental update: after each kind of edit, the files it keeps are exactly those a
//! full build of the edited site gives, byte for byte, and a local edit renders only the pages
//! it touches. The touched years' open data and `SHA256SUMS` are made after the reload
//! (`Preview::finish`): before that, every other file already matches the full build.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use disclose::build::{BuildOptions, render_to_memory};
use disclose::preview::{Files, Preview, Update};

const DEPARTMENTS: [&str; 3] = [
    "上海市科学技术协会",
    "上海市教育委员会",
    "上海市卫生健康委员会",
];

fn declaration(year: u16, index: usize, department: &str, annual: &str) -> String {
    format!(
        "name = \"项目{index}\"\nyear = {year}\ndepartment = \"{department}\"\nimplementer = \"实施单位{index}\"\n\n\
         [funding]\nannual = \"{annual}\"\nappropriation = \"{annual}\"\n\n[goals]\nannual = \"第{index}项工作。\"\n\n\
         [[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"完成数\"\ntarget = \"≥{index}(项)\"\n\n\
         [[indicators]]\nlevel1 = \"满意度指标\"\nlevel2 = \"服务对象满意度指标\"\nname = \"满意度\"\ntarget = \"及时\"\n"
    )
}

/// Two years of twelve declarations in three departments; each project is declared in both
/// years, so every declaration page links its other year.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(
            dir.path().join("site.toml"),
            "title = \"预览测试\"\nbase_url = \"/\"\nlanguage = \"zh-CN\"\npublisher = \"测试单位\"\n",
        )
        .expect("site.toml");
        let site = Site { dir };
        for year in [2022, 2023] {
            for index in 0..12 {
                let department = DEPARTMENTS[index % 3];
                let annual = format!("{}.00", 1000 * (index + 1) + year as usize);
                site.write(
                    &format!("content/{year}/p-{index:02}.toml"),
                    &declaration(year, index, department, &annual),
                );
            }
        }
        site
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.root().join(relative);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    fn options(&self) -> BuildOptions {
        BuildOptions {
            base_url: Some("/".into()),
            drafts: true,
            preview: true,
            ..BuildOptions::new(self.root())
        }
    }

    /// What a full build of the site as it is now gives.
    fn full_build(&self) -> BTreeMap<String, Vec<u8>> {
        render_to_memory(&self.options())
            .expect("the full build")
            .files
            .into_iter()
            .map(|file| (file.path, file.bytes))
            .collect()
    }
}

fn files_of(files: &Files) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
        .collect()
}

/// A preview of `site` after its first build.
fn previewed(site: &Site) -> Preview {
    let mut preview = Preview::new(site.options());
    preview
        .update(&BTreeSet::new(), false)
        .expect("first build");
    preview
}

fn changed(paths: &[&str]) -> BTreeSet<PathBuf> {
    paths.iter().map(PathBuf::from).collect()
}

/// Compare the update with a full build, path by path.
fn assert_same_as_full_build(site: &Site, update: &Update, what: &str) {
    assert!(update.pending.is_empty(), "{what}: {:?}", update.pending);
    assert_files_match(site, &update.files, what);
}

/// An incremental update: every file but the pending ones already matches a full build; after
/// `finish`, all of them do.
fn assert_matches_once_finished(
    site: &Site,
    preview: &mut Preview,
    update: &Update,
    year: &str,
    what: &str,
) {
    let pending = [
        "SHA256SUMS".to_string(),
        format!("{year}/declarations.xlsx"),
        format!("{year}/declarations.csv"),
    ];
    for path in &pending {
        assert!(
            update.pending.contains(path),
            "{what}: {path} is not pending"
        );
    }
    let full = site.full_build();
    for (path, bytes) in files_of(&update.files) {
        if !update.pending.contains(&path) {
            assert!(
                full.get(&path) == Some(&bytes),
                "{what}: {path} differs from the full build before finish"
            );
        }
    }
    let finished = preview
        .finish()
        .expect(what)
        .expect("the open data was pending");
    assert_files_match(site, &finished, what);
    assert!(
        preview.finish().expect(what).is_none(),
        "{what}: nothing left"
    );
}

fn assert_files_match(site: &Site, files: &Files, what: &str) {
    let incremental = files_of(files);
    let full = site.full_build();
    let only_one: Vec<&String> = incremental
        .keys()
        .filter(|path| !full.contains_key(*path))
        .chain(full.keys().filter(|path| !incremental.contains_key(*path)))
        .collect();
    assert!(
        only_one.is_empty(),
        "{what}: files in only one of them: {only_one:?}"
    );
    for (path, bytes) in &full {
        assert!(
            &incremental[path] == bytes,
            "{what}: {path} differs from the full build"
        );
    }
}

/// A change to the site's files.
type Edit = Box<dyn Fn(&Site)>;

/// Write declaration `index` of `year` again with these fields (and another 项目名称).
fn redeclare(
    year: u16,
    index: usize,
    department: &'static str,
    annual: &'static str,
    name: Option<&'static str>,
) -> Edit {
    Box::new(move |site: &Site| {
        let mut text = declaration(year, index, department, annual);
        if let Some(name) = name {
            text = text.replace(&format!("项目{index}\""), &format!("{name}\""));
        }
        site.write(&format!("content/{year}/p-{index:02}.toml"), &text)
    })
}

#[test]
fn every_kind_of_edit_gives_what_a_full_build_gives() {
    let site = Site::new();
    let mut preview = Preview::new(site.options());
    let first = preview
        .update(&BTreeSet::new(), false)
        .expect("first build");
    assert!(first.full);
    assert_same_as_full_build(&site, &first, "first build");

    let edits: Vec<(&str, Edit, &str)> = vec![
        (
            "an amount",
            redeclare(2023, 4, DEPARTMENTS[1], "179,550.00", None),
            "content/2023/p-04.toml",
        ),
        (
            "a name (the project's other year changes too)",
            redeclare(2022, 5, DEPARTMENTS[2], "3000.00", Some("改名的项目")),
            "content/2022/p-05.toml",
        ),
        (
            "a move to another department",
            redeclare(2023, 7, DEPARTMENTS[0], "9000.00", None),
            "content/2023/p-07.toml",
        ),
        (
            "a new declaration",
            redeclare(2023, 20, DEPARTMENTS[2], "20.00", None),
            "content/2023/p-20.toml",
        ),
        (
            "a removed declaration",
            Box::new(|site: &Site| {
                fs::remove_file(site.root().join("content/2023/p-01.toml")).expect("remove")
            }),
            "content/2023/p-01.toml",
        ),
    ];
    for (what, edit, path) in &edits {
        edit(&site);
        let update = preview.update(&changed(&[path]), true).expect(what);
        assert!(!update.full, "{what}: rendered everything");
        assert!(
            update.rendered_pages < 20,
            "{what}: rendered {} files",
            update.rendered_pages
        );
        // `content/YEAR/…`
        let year = &path["content/".len().."content/YEAR".len()];
        assert_matches_once_finished(&site, &mut preview, &update, year, what);
    }
}

#[test]
fn a_new_department_or_a_template_renders_everything_and_still_matches() {
    let site = Site::new();
    let mut preview = previewed(&site);
    site.write(
        "content/2023/p-03.toml",
        &declaration(2023, 3, "上海市新设的部门", "100.00"),
    );
    let update = preview
        .update(&changed(&["content/2023/p-03.toml"]), true)
        .expect("a new department");
    assert!(update.full);
    assert_same_as_full_build(&site, &update, "a new department");
    let update = preview
        .update(&changed(&["templates/base.html"]), false)
        .expect("a template");
    assert!(update.full);
}

#[test]
fn a_failed_edit_keeps_the_last_good_site_and_the_fix_is_incremental() {
    let site = Site::new();
    let mut preview = previewed(&site);
    site.write(
        "content/2023/p-02.toml",
        "name = \"坏的\"\nyear = 2023\n[funding\n",
    );
    let failed = preview.update(&changed(&["content/2023/p-02.toml"]), true);
    assert!(failed.is_err(), "a broken declaration fails the build");
    site.write(
        "content/2023/p-02.toml",
        &declaration(2023, 2, DEPARTMENTS[2], "5.00"),
    );
    let update = preview
        .update(&changed(&["content/2023/p-02.toml"]), true)
        .expect("fixed");
    assert!(!update.full);
    assert_matches_once_finished(&site, &mut preview, &update, "2023", "the fix");
}

/// `serve` keeps the templates across content-only edits: only until a template changes. A
/// broken template must keep failing the build after a later content edit, and a new template
/// must be the one the next content edit renders with.
#[test]
fn content_edits_render_with_the_templates_as_they_are_now() {
    let site = Site::new();
    let mut preview = previewed(&site);
    let base = include_str!("../templates/base.html");
    site.write("templates/base.html", "{% if %}");
    let failed = preview.update(&changed(&["templates/base.html"]), false);
    assert!(failed.is_err(), "a broken template fails the build");
    let edit = redeclare(2023, 4, DEPARTMENTS[1], "179,550.00", None);
    edit(&site);
    let failed = preview.update(&changed(&["content/2023/p-04.toml"]), true);
    assert!(
        failed.is_err(),
        "a content edit after a broken template still fails"
    );

    let marked = base.replacen("</body>", "<p>模板已更新</p></body>", 1);
    assert_ne!(marked, base, "base.html has a </body>");
    site.write("templates/base.html", &marked);
    let update = preview
        .update(&changed(&["templates/base.html"]), false)
        .expect("the fixed template");
    assert!(update.full);
    assert_same_as_full_build(&site, &update, "the fixed template");
    let edit = redeclare(2023, 5, DEPARTMENTS[2], "6,000.00", None);
    edit(&site);
    let update = preview
        .update(&changed(&["content/2023/p-05.toml"]), true)
        .expect("a content edit");
    assert!(!update.full);
    let page = update
        .files
        .get("2023/p-05/index.html")
        .expect("the edited page");
    assert!(String::from_utf8_lossy(page).contains("模板已更新"));
    assert_matches_once_finished(&site, &mut preview, &update, "2023", "a content edit");
}
