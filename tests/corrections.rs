//! 更正记录 through the real binary, on the repository's own 2023 forms: snapshot 2023, correct
//! 市科协机构及常委会会议费's 年度资金申请总额 (249,550.00 → 179,550.00, its sources' sum),
//! `snapshot 2023 --amend --reason …`, build, and check what a reader and a verifier see.

mod archive_fixture;
mod fixture;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use archive_fixture::EPOCH;
use disclose::archive::verify::read_tree;
use rust_decimal::Decimal;

const SLUG: &str = "shi-ke-xie-ji-gou-ji-chang-wei-hui-hui-yi-fei";
const REASON: &str = "年度资金申请总额与资金来源合计不符，按资金来源合计更正";
/// 2024-05-01T00:00:00Z
const AMENDED_AT: &str = "1714521600";

fn disclose(root: &Path, epoch: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_disclose"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .expect("run disclose")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn succeeds(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The repository's site.toml, content/ and templates/ in a temp folder.
fn repo_site() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    fs::copy(repo.join("site.toml"), dir.path().join("site.toml")).expect("site.toml");
    copy_dir(&repo.join("content"), &dir.path().join("content"));
    copy_dir(&repo.join("templates"), &dir.path().join("templates"));
    dir
}

/// The visible text of an HTML fragment, tags dropped and whitespace collapsed.
fn visible(html: &str) -> String {
    let document = scraper::Html::parse_fragment(html);
    let joined: String = document.root_element().text().collect();
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn section(html: &str, selector: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("selector");
    let found = document.select(&selector).next();
    found.map(|element| element.html()).unwrap_or_default()
}

/// The relative `href`s of a page, without fragments (external and root links left out).
fn links(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("a[href]").expect("selector");
    document
        .select(&selector)
        .filter_map(|a| a.value().attr("href"))
        .map(|href| href.split('#').next().unwrap_or("").to_string())
        .filter(|href| !href.is_empty() && !href.contains(':') && !href.starts_with('/'))
        .collect()
}

/// `a/b/../c` → `a/c`, without touching the disk.
fn normalize(path: &Path) -> std::path::PathBuf {
    let mut parts: Vec<std::path::Component> = Vec::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

fn annual_total(record: &str) -> Decimal {
    let value: toml::Value = toml::from_str(record).expect("snapshot.toml");
    value["totals"]["annual"]
        .as_str()
        .expect("totals.annual")
        .parse()
        .expect("decimal")
}

/// Snapshot 2023, then correct it: the amended site, with what the first snapshot published.
fn amended_site() -> (tempfile::TempDir, Vec<u8>) {
    let site = repo_site();
    let root = site.path();
    succeeds(&disclose(root, EPOCH, &["snapshot", "2023"]));
    let original = fs::read(root.join(format!("archive/2023/{SLUG}/index.html"))).expect("page");

    let form = root.join(format!("content/2023/{SLUG}.toml"));
    let source = fs::read_to_string(&form).expect("form");
    assert!(source.contains("annual = \"249,550.00\""), "{source}");
    fs::write(
        &form,
        source.replace("annual = \"249,550.00\"", "annual = \"179,550.00\""),
    )
    .expect("correct the form");
    let out = succeeds(&disclose(
        root,
        AMENDED_AT,
        &["snapshot", "2023", "--amend", "--reason", REASON],
    ));
    assert!(
        out.contains("amended 2023 on 2024-05-01 (1 change(s))"),
        "{out}"
    );
    (site, original)
}

#[test]
fn an_amended_year_shows_the_correction_and_keeps_the_original_byte_for_byte() {
    let (site, original) = amended_site();
    let root = site.path();
    succeeds(&disclose(root, EPOCH, &["build"]));
    let public = root.join("public");
    let read = |path: &str| fs::read_to_string(public.join(path)).expect(path);

    // The declaration page: the new figure, and its 更正记录 with date, reason, old → new.
    let page = read(&format!("2023/{SLUG}/index.html"));
    assert!(visible(&section(&page, "table.funding")).contains("179,550.00"));
    let corrections = visible(&section(&page, "section#corrections"));
    for expected in [
        "更正记录",
        "2024-05-01 更正",
        REASON,
        "年度资金申请总额：249,550.00 → 179,550.00 元",
    ] {
        assert!(
            corrections.contains(expected),
            "{expected:?} in {corrections}"
        );
    }

    // The year: its total fell by exactly 70,000.00; the year page links the 更正记录 page.
    let before = annual_total(&read("2023/versions/1/snapshot.toml"));
    let after = annual_total(&read("2023/snapshot.toml"));
    assert_eq!(before - after, Decimal::new(7_000_000, 2));
    let year = read("2023/index.html");
    assert!(
        year.contains("corrections/"),
        "the year page links its 更正记录"
    );
    let log = visible(&section(&read("2023/corrections/index.html"), "main"));
    for expected in [
        "2024-05-01",
        REASON,
        "减少 70,000.00 元",
        "市科协机构及常委会会议费",
        "249,550.00 → 179,550.00",
    ] {
        assert!(log.contains(expected), "{expected:?} in {log}");
    }
    let versions = visible(&section(&read("2023/versions/index.html"), "main"));
    assert!(
        versions.contains("第1版") && versions.contains("已更正"),
        "{versions}"
    );

    // The original page, still published byte for byte at its versioned URL.
    let kept = fs::read(public.join(format!("2023/versions/1/{SLUG}/index.html"))).expect("kept");
    assert_eq!(kept, original);

    let earlier = format!("../versions/1/{SLUG}/");
    assert!(links(&read("2023/corrections/index.html")).contains(&earlier));
    assert!(links(&page).contains(&earlier));
    // Every link of the new pages leads to a published file.
    for page in [
        format!("2023/{SLUG}/index.html"),
        "2023/index.html".to_string(),
        "2023/corrections/index.html".to_string(),
        "2023/versions/index.html".to_string(),
    ] {
        for target in links(&read(&page)) {
            let folder = Path::new(&page).parent().expect("folder");
            let resolved = normalize(&folder.join(&target));
            let file = public.join(&resolved);
            let exists = file.is_file() || file.join("index.html").is_file();
            assert!(exists, "{page} links {target}, which is not published");
        }
    }

    // Open data and the feed.
    let csv = read("2023/corrections.csv");
    assert!(
        csv.contains(&format!("2,2024-05-01,{SLUG},市科协机构及常委会会议费,annual,年度资金申请总额,249550.00,179550.00,{REASON}")),
        "{csv}"
    );
    assert!(read("2023/datapackage.json").contains("\"corrections.csv\""));
    let feed = read("feed.xml");
    assert!(feed.contains("2023年度更正记录：2024-05-01"), "{feed}");
    assert!(feed.contains("2023/corrections/#v2"), "{feed}");

    // Every version verifies: the site, the archive, the kept version on its own.
    for dir in [
        public.clone(),
        root.join("archive/2023"),
        root.join("archive/2023/versions/1"),
    ] {
        let out = succeeds(&disclose(
            root,
            EPOCH,
            &["verify", &dir.display().to_string()],
        ));
        assert!(out.contains("0 problems"), "{out}");
    }
    let check = disclose(root, EPOCH, &["check"]);
    assert!(
        text(&check.stderr).contains("0 warnings") || text(&check.stdout).contains("0 warnings"),
        "{}{}",
        text(&check.stdout),
        text(&check.stderr)
    );
    fixture::validate_with_frictionless(&public.join("2023/datapackage.json"));
}

#[test]
fn an_amendment_needs_a_reason_and_a_change() {
    let site = repo_site();
    let root = site.path();
    succeeds(&disclose(root, EPOCH, &["snapshot", "2023"]));
    let archived = read_tree(&root.join("archive/2023")).expect("archive");

    for args in [
        &["snapshot", "2023", "--amend"][..],
        &["snapshot", "2023", "--amend", "--reason", "  "][..],
    ] {
        let refused = disclose(root, AMENDED_AT, args);
        assert_eq!(refused.status.code(), Some(1), "{args:?}");
        assert!(
            text(&refused.stderr).contains("an amendment needs a reason"),
            "{}",
            text(&refused.stderr)
        );
    }
    let unchanged = disclose(
        root,
        AMENDED_AT,
        &["snapshot", "2023", "--amend", "--reason", REASON],
    );
    assert!(succeeds(&unchanged).contains("nothing changed"));
    assert_eq!(
        read_tree(&root.join("archive/2023")).expect("archive"),
        archived
    );
    assert!(!root.join("archive/2023/versions").exists());

    let help = succeeds(&disclose(root, EPOCH, &["snapshot", "--help"]));
    assert!(help.contains("keeping no history"), "{help}");
    let both = disclose(
        root,
        EPOCH,
        &["snapshot", "2023", "--amend", "--force", "--reason", "x"],
    );
    assert_eq!(both.status.code(), Some(2));
    let not_archived = disclose(
        root,
        EPOCH,
        &["snapshot", "2022", "--amend", "--reason", "x"],
    );
    assert_eq!(not_archived.status.code(), Some(1));
    assert!(text(&not_archived.stderr).contains("not archived"));
}
