//! The yearly cycle on a real two-year site: publish, snapshot, change templates and sources,
//! publish again; the archived year stays byte-identical and verifiable.

mod archive_fixture;

use std::collections::BTreeMap;

use archive_fixture::Site;
use disclose::archive::verify::{Kind, verify_dir};
use disclose::build::{BuildError, BuildOptions, build};
use disclose::snapshot::SnapshotError;

/// Files of `public/2023/` as the first build published them, for comparison with the snapshot.
fn year_files(site: &Site, folder: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = site.tree(folder).into_iter().collect();
    files.retain(|(path, _)| path != "SHA256SUMS" && path != "snapshot.toml");
    files
}

#[test]
fn snapshot_holds_exactly_what_build_published_plus_record_and_manifest() {
    let site = Site::two_years();
    site.build();
    let done = site.snapshot(2023, false, false).expect("snapshot");
    assert_eq!(done.record.date, "2024-03-01");
    assert_eq!(done.record.declarations, 2);
    assert_eq!(done.record.totals.annual, "102500.50");
    assert_eq!(
        year_files(&site, "public/2023"),
        year_files(&site, "archive/2023")
    );
    let archive = site.tree("archive/2023");
    for expected in [
        "index.html",
        "hui-yi/index.html",
        "assets/style.css",
        "snapshot.toml",
    ] {
        assert!(archive.contains_key(expected), "{expected} missing");
    }
    let record = site.text("archive/2023/snapshot.toml");
    assert!(
        record.contains("time = \"2024-03-01T00:00:00Z\""),
        "{record}"
    );
    assert!(
        record.contains("time_from = \"SOURCE_DATE_EPOCH\""),
        "{record}"
    );
    assert!(
        record.contains("path = \"content/2023/hui-yi.toml\""),
        "{record}"
    );
    assert!(record.contains(&format!(
        "disclose_version = \"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(
        verify_dir(&site.path("archive/2023"))
            .expect("verify")
            .is_ok()
    );
}

#[test]
fn the_whole_cycle_keeps_the_archived_year_byte_identical() {
    let site = Site::two_years();
    site.build();
    site.snapshot(2023, false, false).expect("snapshot");
    site.write(
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}<h1>新版首页</h1>{% for link in years %}<p>{{ link.year }}{% if link.archived %} 已归档（{{ link.archived }}）{% endif %}</p>{% endfor %}{% endblock content %}",
    );
    site.write("templates/assets/style.css", "body { color: #123456; }\n");
    site.declaration(2023, "hui-yi", "会议费", "999999.00");
    site.build();

    assert_eq!(site.tree("public/2023"), site.tree("archive/2023"));
    let home = site.text("public/index.html");
    assert!(home.contains("新版首页"), "{home}");
    assert!(home.contains("2023 已归档（2024-03-01）"), "{home}");
    assert_eq!(
        site.text("public/assets/style.css"),
        "body { color: #123456; }\n"
    );
    assert_eq!(
        site.text("public/2024/assets/style.css"),
        "body { color: #123456; }\n"
    );
    assert_ne!(
        site.text("public/2023/assets/style.css"),
        "body { color: #123456; }\n"
    );
    let year_2024 = site.text("public/2024/index.html");
    assert!(
        year_2024.contains("已归档 2024-03-01"),
        "navigation marks 2023"
    );
    assert!(year_2024.contains("../2023/"), "2024 links back to 2023");
    assert!(
        !site
            .text("public/2023/hui-yi/index.html")
            .contains("999,999.00")
    );

    let warnings = site.check_messages();
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "content/2023/hui-yi.toml: warning: changed since 2023 was archived on 2024-03-01"
        )),
        "{warnings:?}"
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let report = verify_dir(&site.path("public")).expect("verify");
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.manifests, vec!["2023/SHA256SUMS", "SHA256SUMS"]);
}

#[test]
fn check_is_quiet_while_sources_match_and_names_added_and_removed_files() {
    let site = Site::two_years();
    site.snapshot(2023, false, false).expect("snapshot");
    assert!(site.check().diagnostics.is_empty());
    std::fs::remove_file(site.path("content/2023/pei-xun.toml")).expect("rm");
    site.declaration(2023, "xin-xiang-mu", "新项目", "1.00");
    let warnings = site.check_messages();
    assert!(
        warnings[0].starts_with("content/2023/pei-xun.toml: warning: removed since"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].starts_with("content/2023/xin-xiang-mu.toml: warning: added since"),
        "{warnings:?}"
    );
}

#[test]
fn a_second_snapshot_is_refused_without_force_and_changes_nothing() {
    let site = Site::two_years();
    site.snapshot(2023, false, true).expect("snapshot");
    let before = site.tree("archive");
    site.declaration(2023, "hui-yi", "会议费", "1.00");
    let refused = site.snapshot(2023, false, false);
    assert!(
        matches!(refused, Err(SnapshotError::Exists { .. })),
        "{refused:?}"
    );
    assert!(
        refused
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
            .contains("--force")
    );
    assert_eq!(site.tree("archive"), before);

    let replaced = site.snapshot(2023, true, false).expect("forced snapshot");
    assert_eq!(replaced.record.totals.annual, "2501.50");
    assert!(site.text("archive/2023/hui-yi/index.html").contains("1.00"));
    assert!(
        site.check().diagnostics.is_empty(),
        "sources match the new snapshot"
    );
}

#[test]
fn a_year_with_nothing_published_is_not_snapshotted() {
    let site = Site::two_years();
    // 2025 has only a draft: nothing of it is published, so there is nothing to freeze.
    site.write(
        "content/2025/cao-gao.toml",
        &archive_fixture::declaration_toml(2025, "草稿项目", "1.00").replacen(
            "name = ",
            "draft = true\nname = ",
            1,
        ),
    );
    for year in [2025, 2026] {
        let refused = site.snapshot(year, false, false);
        assert!(
            matches!(refused, Err(SnapshotError::Empty { year: empty }) if empty == year),
            "{refused:?}"
        );
        let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains(&format!("content/{year}/")), "{message}");
        assert!(!site.path(&format!("archive/{year}")).exists());
    }
}

#[test]
fn the_tarball_is_deterministic_and_holds_the_year() {
    let site = Site::two_years();
    let first = site.snapshot(2023, false, true).expect("snapshot");
    let tar_path = first.tarball.expect("tarball path");
    let bytes = std::fs::read(&tar_path).expect("read tar");
    site.snapshot(2023, true, true).expect("again");
    assert_eq!(std::fs::read(&tar_path).expect("read tar"), bytes);

    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let mut names = Vec::new();
    for entry in archive.entries().expect("entries") {
        let entry = entry.expect("entry");
        let header = entry.header();
        assert_eq!((header.uid().ok(), header.gid().ok()), (Some(0), Some(0)));
        assert_eq!(header.mtime().ok(), Some(1_709_251_200));
        names.push(entry.path().expect("path").display().to_string());
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for file in site.tree("archive/2023").keys() {
        assert!(
            names.contains(&format!("2023/{file}")),
            "{file} not in the tarball"
        );
    }
}

/// A build fails naming `archive/2023/index.html` as changed, and `public/` stays `published`.
fn assert_build_refuses_the_changed_index(site: &Site, published: &BTreeMap<String, Vec<u8>>) {
    let failed = build(&BuildOptions::new(site.root()), &site.path("public"));
    let Err(BuildError::Invalid(diagnostics)) = failed else {
        panic!("build should fail: {failed:?}");
    };
    let messages: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        messages[0].starts_with("archive/2023/index.html: error: changed since the snapshot"),
        "{messages:?}"
    );
    assert_eq!(&site.tree("public"), published);
}

#[test]
fn a_tampered_archive_stops_the_build_and_keeps_the_old_output() {
    let site = Site::two_years();
    site.snapshot(2023, false, false).expect("snapshot");
    site.build();
    let published = site.tree("public");
    site.write("archive/2023/index.html", "<p>改过了</p>");
    assert_build_refuses_the_changed_index(&site, &published);
}

/// Builds remember each archived file's hash with its metadata, so that an unchanged archive is
/// not hashed again; an edit in place, even one that keeps the size and modification time, is
/// still refused.
#[test]
fn a_remembered_hash_is_trusted_only_while_the_file_is_unchanged() {
    use std::io::{Seek, SeekFrom, Write};
    let site = Site::two_years();
    site.snapshot(2023, false, false).expect("snapshot");
    // Hashes are remembered only for files whose last change is a few seconds older.
    std::thread::sleep(std::time::Duration::from_millis(3_100));
    site.build();
    let cache_file = site.path(".disclose-cache/archive/2023.tsv");
    let remembered = std::fs::read_to_string(&cache_file).expect("the build remembered hashes");
    let files = site.tree("archive/2023").len();
    assert_eq!(remembered.lines().count(), 1 + files, "{remembered}");

    // Shown to be trusted: a remembered hash that is not the manifest's fails the build.
    let planted: String = remembered
        .lines()
        .map(|line| match line.split_once('\t') {
            Some((_, rest)) if line.ends_with("\tindex.html") => {
                format!("{}\t{rest}\n", "0".repeat(64))
            }
            _ => format!("{line}\n"),
        })
        .collect();
    std::fs::write(&cache_file, planted).expect("plant");
    let failed = build(&BuildOptions::new(site.root()), &site.path("public"));
    assert!(matches!(failed, Err(BuildError::Invalid(_))), "{failed:?}");
    std::fs::write(&cache_file, &remembered).expect("restore");
    site.build();

    // An edit in place that keeps size and modification time still changes the change time.
    let page = site.path("archive/2023/index.html");
    let modified = std::fs::metadata(&page)
        .expect("metadata")
        .modified()
        .expect("mtime");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(&page)
        .expect("open");
    file.seek(SeekFrom::Start(0)).expect("seek");
    file.write_all(b"<!-- -->").expect("overwrite");
    file.set_modified(modified).expect("keep mtime");
    drop(file);
    let published = site.tree("public");
    assert_build_refuses_the_changed_index(&site, &published);
}

#[test]
fn an_archived_year_stays_online_after_its_sources_are_retired() {
    let site = Site::two_years();
    site.snapshot(2023, false, false).expect("snapshot");
    std::fs::remove_dir_all(site.path("content/2023")).expect("rm");
    let rendered = site.build();
    assert!(rendered.diagnostics.is_empty());
    assert_eq!(site.tree("public/2023"), site.tree("archive/2023"));
    let home = site.text("public/index.html");
    assert!(home.contains("2023年度"), "home links 2023");
    assert!(
        home.contains("102,500.50"),
        "home shows the archived totals"
    );
    assert!(site.text("public/2024/index.html").contains("← 2023年度"));
}

#[test]
fn verify_names_each_changed_missing_and_unexpected_file() {
    let site = Site::two_years();
    site.snapshot(2023, false, false).expect("snapshot");
    site.build();
    for folder in ["public", "archive/2023"] {
        assert!(
            verify_dir(&site.path(folder)).expect("verify").is_ok(),
            "{folder}"
        );
    }
    let page = site.path("public/2024/hui-yi/index.html");
    let mut bytes = std::fs::read(&page).expect("read");
    bytes[10] ^= 1;
    std::fs::write(&page, bytes).expect("write");
    std::fs::remove_file(site.path("public/2023/assets/favicon.svg")).expect("rm");
    site.write("public/2023/notes.txt", "extra");
    let report = verify_dir(&site.path("public")).expect("verify");
    let found: Vec<(Kind, &str)> = report
        .problems
        .iter()
        .map(|p| (p.kind, p.path.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (Kind::Missing, "2023/assets/favicon.svg"),
            (Kind::Unexpected, "2023/notes.txt"),
            (Kind::Changed, "2024/hui-yi/index.html"),
        ]
    );
    site.write("archive/2023/SHA256SUMS", "");
    let report = verify_dir(&site.path("archive/2023")).expect("verify");
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.kind == Kind::Unexpected && p.path == "index.html")
    );
}

/// The relative `href`/`src` targets of an HTML page, as written.
fn relative_links(html: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attribute in ["href=", "src="] {
        for (at, _) in html.match_indices(attribute) {
            let rest = &html[at + attribute.len()..];
            let value: String = match rest.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    rest[1..].chars().take_while(|c| *c != quote).collect()
                }
                _ => rest
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '>')
                    .collect(),
            };
            let external = value.contains(':') || value.starts_with('/') || value.starts_with('#');
            if !external {
                links.push(value);
            }
        }
    }
    links
}

/// Resolve `link` against the folder of `page` (both `/`-separated, relative to the output).
fn resolve(page: &str, link: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    let link = link.split('#').next().unwrap_or_default();
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut path = parts.join("/");
    if link.is_empty() || link.ends_with('/') {
        path = if path.is_empty() {
            "index.html".into()
        } else {
            format!("{path}/index.html")
        };
    }
    path
}

#[test]
fn archived_pages_keep_working_links_under_a_changed_site() {
    let site = Site::two_years();
    site.snapshot(2023, false, false).expect("snapshot");
    site.write("templates/assets/style.css", "body { color: #123456; }\n");
    site.write(
        "templates/assets/new-logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.declaration(2025, "hui-yi", "会议费", "1.00");
    site.build();
    let published = site.tree("public");
    let mut checked = 0;
    for (page, bytes) in published.iter().filter(|(path, _)| path.ends_with(".html")) {
        if page == "404.html" {
            continue;
        }
        for link in relative_links(&String::from_utf8_lossy(bytes)) {
            let target = resolve(page, &link);
            assert!(
                published.contains_key(&target),
                "{page}: {link} → {target} is missing"
            );
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} links checked");
    let archived_page = String::from_utf8_lossy(&published["2023/hui-yi/index.html"]).into_owned();
    assert!(
        relative_links(&archived_page)
            .iter()
            .any(|link| link == "../assets/style.css")
    );
}
