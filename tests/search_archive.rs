//! Search over archived years: an archived year is indexed from its frozen pages, exactly as it
//! was indexed from its sources while it was live, and the result is cached by the archive's
//! identity so later builds do not read the pages again.

mod archive_fixture;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;

use archive_fixture::Site;
use disclose::search::cache::{CACHE_DIR, entry_path};
use disclose::snapshot::amend::{AmendOptions, amend};

/// A declaration with every searched field, goals in one paragraph each, and indicators whose
/// levels span rows on the page.
const FULL: &str = r#"name = "科普活动项目"
year = 2023
department = "上海市科学技术协会"
implementer = "上海科技馆"
start = 2023-01-01

[funding]
annual = "300000"

[goals]
overall = "三年内建成科普阵地 & 网络。"
annual = "举办全国科普日上海主场活动，覆盖 STEM 课程。"

[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "活动场次"
target = "≥5(次)"

[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "参与人数"
target = "≥1000(人)"

[[indicators]]
level1 = "满意度指标"
level2 = "服务对象满意度指标"
name = "公众满意度"
target = "≥85%"
"#;

fn site() -> Site {
    let site = Site::two_years();
    site.write("content/2023/ke-pu.toml", FULL);
    site
}

/// The `search/` files of a build, read back from the published folder.
fn search_files(site: &Site) -> BTreeMap<String, Vec<u8>> {
    site.build();
    let public = site.path("public");
    walkdir::WalkDir::new(public.join("search"))
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.expect("walk search/"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(&public).expect("inside public");
            let path = relative.to_string_lossy().replace('\\', "/");
            (path, fs::read(entry.path()).expect("read"))
        })
        .collect()
}

#[test]
fn an_archived_year_is_indexed_from_its_pages_exactly_as_when_it_was_live() {
    let site = site();
    let live = search_files(&site);
    site.snapshot(2023, false, false).expect("snapshot");
    // The sources go: the archive is all there is of 2023 now.
    fs::remove_dir_all(site.path("content/2023")).expect("retire the sources");
    let archived = search_files(&site);
    assert_eq!(
        live.keys().collect::<Vec<_>>(),
        archived.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &live {
        assert!(
            bytes == &archived[path],
            "{path} differs:\nlive     {}\narchived {}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&archived[path])
        );
    }
    let fragments: serde_json::Value =
        serde_json::from_slice(&archived["search/fragments/2023/0.json"]).expect("JSON");
    assert_eq!(fragments[1]["n"], "科普活动项目");
    assert_eq!(fragments[1]["i"], "上海科技馆");
    assert_eq!(
        fragments[1]["k"],
        serde_json::json!(["活动场次", "参与人数", "公众满意度"])
    );
}

#[test]
fn the_archived_shard_is_cached_reused_and_recomputed_when_damaged() {
    let site = site();
    site.snapshot(2023, false, false).expect("snapshot");
    let first = search_files(&site);
    let entry = entry_path(site.root(), 2023);
    let cached = fs::read(&entry).expect("the build cached the archived year");
    assert!(
        !site.path(CACHE_DIR).join("2024.shard").exists(),
        "live years are not cached"
    );
    // A second build reads the cache: same files, entry untouched.
    assert_eq!(search_files(&site), first);
    assert_eq!(fs::read(&entry).expect("entry"), cached);
    // A damaged entry is recomputed and rewritten; the output does not change.
    let mut damaged = cached.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xff;
    fs::write(&entry, &damaged).expect("damage");
    assert_eq!(search_files(&site), first);
    assert_eq!(fs::read(&entry).expect("entry"), cached);
    // A missing folder is created again.
    fs::remove_dir_all(site.path(".disclose-cache")).expect("remove cache");
    assert_eq!(search_files(&site), first);
    assert!(entry.is_file());
}

#[test]
fn a_new_snapshot_replaces_the_cached_shard() {
    let site = site();
    site.snapshot(2023, false, false).expect("snapshot");
    let before = search_files(&site);
    site.declaration(2023, "xin", "新增项目", "1.00");
    site.snapshot(2023, true, false).expect("snapshot --force");
    let after = search_files(&site);
    let fragments = String::from_utf8_lossy(&after["search/fragments/2023/0.json"]).into_owned();
    assert!(fragments.contains("新增项目"), "{fragments}");
    assert_ne!(before, after);
}

/// `snapshot` and `snapshot --amend` index the year they froze from the pages they wrote, so the
/// first build after them reads the cache instead of every page from disk. The entry is byte for
/// byte the one a build makes from the archive on disk, so the output cannot depend on which of
/// the two made it.
#[test]
fn a_snapshot_leaves_its_year_indexed_as_a_build_would() {
    let site = site();
    site.snapshot(2023, false, false).expect("snapshot");
    let entry = entry_path(site.root(), 2023);
    let from_snapshot = fs::read(&entry).expect("the snapshot cached its year");
    let inode = fs::metadata(&entry).expect("entry").ino();
    let first = search_files(&site);
    assert_eq!(
        fs::metadata(&entry).expect("entry").ino(),
        inode,
        "the build read the entry instead of indexing the pages again"
    );
    fs::remove_dir_all(site.path(CACHE_DIR)).expect("remove cache");
    assert_eq!(search_files(&site), first);
    assert_eq!(fs::read(&entry).expect("entry"), from_snapshot);

    site.write(
        "content/2023/ke-pu.toml",
        &FULL.replace("科普活动项目", "科普活动更正项目"),
    );
    let options = AmendOptions {
        year: 2023,
        reason: Some("项目名称有误".to_string()),
        source_date_epoch: Some("1714521600".to_string()),
    };
    amend(site.root(), &options).expect("amend");
    let from_amend = fs::read(&entry).expect("the amendment cached its year");
    assert_ne!(from_amend, from_snapshot);
    let amended = search_files(&site);
    let fragments = String::from_utf8_lossy(&amended["search/fragments/2023/0.json"]).into_owned();
    assert!(fragments.contains("科普活动更正项目"), "{fragments}");
    fs::remove_dir_all(site.path(CACHE_DIR)).expect("remove cache");
    assert_eq!(search_files(&site), amended);
    assert_eq!(fs::read(&entry).expect("entry"), from_amend);
}
