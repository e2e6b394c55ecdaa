//! A build remembers the names in each folder of `archive/YEAR/` and of the year folders it
//! carries over (`disclose::listing`), and does not read a folder again while its metadata is
//! unchanged. These tests wait until the folders' last changes are older than the
//! remembered-listing rule's settling time, so that the remembered names are really used, and
//! then change a folder: the change is found as it is without a remembered listing.
#![cfg(unix)]

mod archive_fixture;

use std::fs;
use std::time::Duration;

use archive_fixture::Site;
use disclose::build::{BuildError, BuildOptions, build};
use disclose::listing::SETTLED;

fn settle() {
    std::thread::sleep(SETTLED + Duration::from_millis(100));
}

/// A two-year site with 2023 archived, whose archive listing is remembered.
fn archived_site() -> Site {
    let site = Site::two_years();
    site.snapshot(2023, false, false).expect("snapshot");
    settle();
    site.build();
    assert!(site.path(".disclose-cache/archive/2023.folders").is_file());
    site
}

#[test]
fn a_file_added_to_a_remembered_archive_folder_stops_the_build() {
    let site = archived_site();
    let published = site.tree("public");
    site.write("archive/2023/hui-yi/extra.html", "<p>不在清单里</p>");
    let failed = build(&BuildOptions::new(site.root()), &site.path("public"));
    let Err(BuildError::Invalid(diagnostics)) = failed else {
        panic!("build should fail: {failed:?}");
    };
    let messages: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        messages.iter().any(|message| message
            .starts_with("archive/2023/hui-yi/extra.html: error: unexpected since the snapshot")),
        "{messages:?}"
    );
    assert_eq!(site.tree("public"), published, "the output is untouched");
}

#[test]
fn a_file_removed_from_a_remembered_archive_folder_stops_the_build() {
    let site = archived_site();
    fs::remove_file(site.path("archive/2023/pei-xun/index.html")).expect("remove");
    let failed = build(&BuildOptions::new(site.root()), &site.path("public"));
    let message = format!("{failed:?}");
    assert!(
        message.contains("archive/2023/pei-xun/index.html"),
        "{message}"
    );
    assert!(message.contains("missing since the snapshot"), "{message}");
}

#[test]
fn changes_in_a_remembered_carried_folder_are_put_right() {
    let site = archived_site();
    // The first rebuild replaces the first output; the next two each carry one of the two
    // copies of `2023/` that rebuilds alternate between, and remember it.
    site.build();
    settle();
    site.build();
    site.build();
    let listing = site.path(".public.carried/.listing-2023");
    assert!(listing.is_file(), "the carried folder's listing is kept");
    let remembered = fs::read_to_string(&listing).expect("listing");
    assert!(remembered.contains("\thui-yi\n"), "{remembered}");

    let carried = site.path(".public.carried/2023");
    fs::write(
        carried.join("hui-yi/extra.html"),
        "<script>alert(1)</script>",
    )
    .expect("add");
    fs::remove_file(carried.join("pei-xun/index.html")).expect("remove");
    fs::write(carried.join("pei-xun/index.html"), "<p>改过了</p>").expect("replace");
    site.build();
    assert_eq!(site.tree("public"), site.built_afresh());
    assert!(!site.path("public/2023/hui-yi/extra.html").exists());
}
