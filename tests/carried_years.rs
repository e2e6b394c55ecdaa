//! A year's folder is carried from the output a build replaced to the next build
//! (`.public.carried/YEAR/`) instead of made again. An archived year's files are each checked
//! before they are published; a live year's are rewritten, kept only where they already hold
//! the new bytes. Either way a build publishes what a build from scratch does.
#![cfg(unix)]

mod archive_fixture;

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use archive_fixture::Site;
use disclose::build::{BuildOptions, build};

const PAGE: &str = "2023/hui-yi/index.html";

fn inode(path: &Path) -> u64 {
    fs::symlink_metadata(path).expect("metadata").ino()
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// A two-year site with 2023 archived, built twice into `public/`: the second build carried
/// the first build's `2023/` aside for the next one.
fn site_with_a_carried_year() -> Site {
    let site = Site::two_years();
    site.snapshot(2023, false, false).expect("snapshot");
    // Hashes are trusted without reading only for files last changed a few seconds earlier.
    std::thread::sleep(Duration::from_millis(3_100));
    site.build();
    assert!(
        !exists(&site.path(".public.carried")),
        "nothing replaced yet"
    );
    site.build();
    assert!(site.path(".public.carried/2023/hui-yi").is_dir());
    assert!(
        site.path(".public.carried/2024/hui-yi").is_dir(),
        "a live year"
    );
    site
}

#[test]
fn the_next_build_takes_the_carried_folder_and_publishes_what_a_fresh_build_does() {
    let site = site_with_a_carried_year();
    let carried_folder = inode(&site.path(".public.carried/2023"));
    let kept = site.path(".disclose-cache/published").join(PAGE);

    site.build();
    assert_eq!(
        inode(&site.path("public/2023")),
        carried_folder,
        "the carried folder itself was published"
    );
    assert_eq!(inode(&site.path("public").join(PAGE)), inode(&kept));
    assert_eq!(site.tree("public"), site.built_afresh());
    // And the output just replaced gave its copy for the build after.
    assert!(
        site.path(".public.carried/2023/hui-yi/index.html")
            .is_file()
    );
    assert_ne!(inode(&site.path(".public.carried/2023")), carried_folder);
}

#[test]
fn whatever_changed_in_a_carried_folder_is_put_right_before_it_is_published() {
    let site = site_with_a_carried_year();
    let carried = site.path(".public.carried/2023");
    // Replaced by another file (not written through the link), removed, added, linked away.
    fs::remove_file(carried.join("hui-yi/index.html")).expect("remove");
    fs::write(carried.join("hui-yi/index.html"), "<p>改过了</p>").expect("replace");
    fs::remove_file(carried.join("pei-xun/index.html")).expect("remove");
    fs::write(carried.join("extra.html"), "<script>alert(1)</script>").expect("add");
    fs::create_dir_all(carried.join("x/y")).expect("folders");
    fs::write(carried.join("x/y/z.txt"), "z").expect("add");
    fs::create_dir(carried.join("empty")).expect("folder");
    std::os::unix::fs::symlink("/etc/passwd", carried.join("link.html")).expect("symlink");

    site.build();
    let public = site.path("public/2023");
    assert_eq!(site.tree("public"), site.built_afresh());
    for extra in ["extra.html", "x", "empty", "link.html"] {
        assert!(!exists(&public.join(extra)), "{extra} was published");
    }
    let kept = site.path(".disclose-cache/published").join(PAGE);
    assert_eq!(inode(&site.path("public").join(PAGE)), inode(&kept));
}

#[test]
fn a_failed_build_leaves_the_carried_folder_for_the_next_one() {
    let site = site_with_a_carried_year();
    let published = site.tree("public");
    let carried_folder = inode(&site.path(".public.carried/2023"));
    // Fails while rendering the live year's pages, after the archived year was handled.
    site.write(
        "templates/declaration.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ declaration.nmae }}{% endblock content %}\n",
    );
    let failed = build(&BuildOptions::new(site.root()), &site.path("public"));
    assert!(failed.is_err(), "the build should fail");
    assert_eq!(site.tree("public"), published, "the output is untouched");
    assert_eq!(inode(&site.path(".public.carried/2023")), carried_folder);

    fs::remove_file(site.path("templates/declaration.html")).expect("remove");
    site.build();
    assert_eq!(inode(&site.path("public/2023")), carried_folder);
    assert_eq!(site.tree("public"), site.built_afresh());
}

#[test]
fn a_year_no_longer_archived_is_published_as_a_live_one() {
    let site = site_with_a_carried_year();
    fs::remove_dir_all(site.path("archive/2023")).expect("unarchive");
    site.write(
        "content/2023/hui-yi.toml",
        &archive_fixture::declaration_toml(2023, "会议费", "120000.00"),
    );
    site.build();
    // 2023 is rendered again: its kept copies are forgotten, its carried folder is rewritten
    // (the edited page anew), and the output is what a fresh build makes.
    assert!(!exists(&site.path(".disclose-cache/published/2023")));
    let page = fs::read_to_string(site.path("public").join(PAGE)).expect("page");
    assert!(page.contains("120,000.00"), "the new amount is published");
    assert_eq!(site.tree("public"), site.built_afresh());
}

#[test]
fn a_live_year_carried_over_is_rewritten_to_what_a_fresh_build_publishes() {
    let site = site_with_a_carried_year();
    let carried = site.path(".public.carried/2024");
    let (carried_folder, unchanged) = (inode(&carried), inode(&carried.join("hui-yi/index.html")));
    fs::write(carried.join("planted.html"), "<script>alert(1)</script>").expect("plant");
    std::os::unix::fs::symlink("/etc/passwd", carried.join("link.html")).expect("symlink");
    site.declaration(2024, "pei-xun", "培训费", "3,000.00");

    site.build();
    let public = site.path("public/2024");
    assert_eq!(
        inode(&public),
        carried_folder,
        "the carried folder was published"
    );
    assert_eq!(
        inode(&public.join("hui-yi/index.html")),
        unchanged,
        "an unchanged page stays as it was"
    );
    assert!(!exists(&public.join("planted.html")) && !exists(&public.join("link.html")));
    assert!(public.join("pei-xun/index.html").is_file());
    assert_eq!(site.tree("public"), site.built_afresh());

    // Two builds on, the folder carried over holds `pei-xun/`, which is no longer published.
    fs::remove_file(site.path("content/2024/pei-xun.toml")).expect("remove");
    site.build();
    site.build();
    assert!(
        !exists(&public.join("pei-xun")),
        "its page and folder are gone"
    );
    assert_eq!(site.tree("public"), site.built_afresh());
}

#[test]
fn a_folder_carried_where_a_page_is_written_is_replaced_by_the_page() {
    let site = site_with_a_carried_year();
    let carried = site.path(".public.carried/2024");
    fs::remove_file(carried.join("index.html")).expect("remove");
    fs::create_dir(carried.join("index.html")).expect("folder");
    fs::write(carried.join("index.html/x.txt"), "x").expect("write");

    site.build();
    assert!(site.path("public/2024/index.html").is_file());
    assert_eq!(site.tree("public"), site.built_afresh());
    // And the build after it, which gets the output before this one carried over, too.
    site.build();
    assert_eq!(site.tree("public"), site.built_afresh());
}
