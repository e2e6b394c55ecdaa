//! The archive commands through the real binary: exit codes and what they print. Kept few, as
//! they spawn the shared binary; the behaviour itself is tested in-process in archive_cycle.rs.

mod archive_fixture;

use std::process::{Command, Output};

use archive_fixture::{EPOCH, Site};

fn disclose(site: &Site, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_disclose"))
        .arg("--root")
        .arg(site.root())
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("run disclose")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn snapshot_build_and_verify_exit_codes_and_messages() {
    let site = Site::two_years();
    let first = disclose(&site, &["snapshot", "2023", "--tar"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("snapshot of 2024-03-01"));
    assert!(site.path("archive/2023.tar.gz").is_file());

    let again = disclose(&site, &["snapshot", "2023"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    let bad_year = disclose(&site, &["snapshot", "23"]);
    assert_eq!(bad_year.status.code(), Some(2));

    let built = disclose(&site, &["build"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let public = site.path("public");
    let ok = disclose(&site, &["verify", &public.display().to_string()]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));

    site.write("public/2023/hui-yi/index.html", "changed");
    let failed = disclose(&site, &["verify", &public.display().to_string()]);
    assert_eq!(failed.status.code(), Some(1));
    let out = text(&failed.stdout);
    assert!(out.contains("2023/hui-yi/index.html: changed"), "{out}");
    assert!(text(&failed.stderr).contains("failed verification"));

    let nothing = disclose(
        &site,
        &["verify", &site.path("content").display().to_string()],
    );
    assert_eq!(nothing.status.code(), Some(1));
    assert!(text(&nothing.stderr).contains("no SHA256SUMS"));
}
