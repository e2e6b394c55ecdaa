//! Several amendments of one year, in-process: goals shown as a text diff, indicators changed,
//! declarations added and removed, and every earlier version kept and verifiable on its own.

mod archive_fixture;

use archive_fixture::{Site, declaration_toml};
use disclose::archive::verify::verify_dir;
use disclose::snapshot::amend::{AmendOptions, AmendOutcome, amend};

fn amend_on(site: &Site, epoch: &str, reason: &str) -> AmendOutcome {
    let options = AmendOptions {
        year: 2023,
        reason: Some(reason.to_string()),
        source_date_epoch: Some(epoch.to_string()),
    };
    amend(site.root(), &options).expect("amend")
}

fn with_goal(goal: &str) -> String {
    let form = declaration_toml(2023, "培训费", "2,500.50");
    format!("{form}\n[goals]\nannual = \"{goal}\"\n")
}

fn verifies(site: &Site, relative: &str) {
    let report = verify_dir(&site.path(relative)).expect("verify");
    assert!(report.is_ok(), "{relative}: {:?}", report.problems);
}

#[test]
fn every_amendment_is_kept_and_each_version_verifies_on_its_own() {
    let site = Site::two_years();
    site.write(
        "content/2023/pei-xun.toml",
        &with_goal("组织培训3次，覆盖科技工作者500人。"),
    );
    site.snapshot(2023, false, false).expect("snapshot");
    let first_manifest = site.text("archive/2023/SHA256SUMS");
    let first_page = site.text("archive/2023/pei-xun/index.html");

    // First amendment: a goal reworded, an indicator's target corrected, a declaration added.
    site.write(
        "content/2023/pei-xun.toml",
        &with_goal("组织培训4次，覆盖科技工作者500人。"),
    );
    site.write(
        "content/2023/hui-yi.toml",
        &declaration_toml(2023, "会议费", "100000.00").replace("≥4(次)", "≥6(次)"),
    );
    site.declaration(2023, "xin-xiang-mu", "新项目", "5000.00");
    let AmendOutcome::Amended(first) = amend_on(&site, "1714521600", "补正培训次数与会议次数")
    else {
        panic!("the first amendment changed nothing");
    };
    assert_eq!(first.amendment.version, 2);
    let fields: Vec<_> = first
        .amendment
        .changes
        .iter()
        .map(|c| (c.slug.as_str(), c.field.as_str()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("hui-yi", "indicator"),
            ("pei-xun", "annual_goal"),
            ("xin-xiang-mu", "declaration")
        ]
    );

    // Second amendment: a declaration withdrawn.
    std::fs::remove_file(site.path("content/2023/pei-xun.toml")).expect("remove");
    let AmendOutcome::Amended(second) = amend_on(&site, "1717200000", "培训费项目撤回 <b>&")
    else {
        panic!("the second amendment changed nothing");
    };
    assert_eq!(
        (second.amendment.version, second.record.amendments.len()),
        (3, 2)
    );

    // Each kept version verifies alone; the first is the snapshot exactly as published.
    for folder in [
        "archive/2023",
        "archive/2023/versions/1",
        "archive/2023/versions/2",
    ] {
        verifies(&site, folder);
    }
    assert_eq!(
        site.text("archive/2023/versions/1/SHA256SUMS"),
        first_manifest
    );
    assert_eq!(
        site.text("archive/2023/versions/1/pei-xun/index.html"),
        first_page
    );
    assert!(
        !site
            .text("archive/2023/versions/2/SHA256SUMS")
            .contains("versions/")
    );
    assert!(!site.path("archive/2023/versions/2/versions").exists());

    site.build();
    verifies(&site, "public");
    let page = site.text("public/2023/hui-yi/index.html");
    assert!(
        page.contains("产出指标 / 数量指标 / 完成数：≥4(次)"),
        "{page}"
    );
    assert!(
        page.contains("产出指标 / 数量指标 / 完成数：≥6(次)"),
        "{page}"
    );
    let log = site.text("public/2023/corrections/index.html");
    assert!(
        log.contains("<del>3</del><ins>4</ins>"),
        "the goal's character diff: {log}"
    );
    assert!(log.contains("新项目") && log.contains("培训费项目撤回"));
    assert!(!log.contains("<b>"), "the reason is escaped: {log}");
    let record = site.text("archive/2023/snapshot.toml");
    assert!(
        record.contains("培训费项目撤回 <b>&"),
        "kept verbatim in the record"
    );
    // The withdrawn declaration's page stays readable in the version that had it.
    assert!(log.contains("../versions/2/pei-xun/"));
    assert!(
        site.path("public/2023/versions/2/pei-xun/index.html")
            .is_file()
    );
    assert!(!site.path("public/2023/pei-xun").exists());
    let csv = site.text("public/2023/corrections.csv");
    assert_eq!(csv.lines().count(), 1 + 3 + 1, "{csv}");
    let feed = site.text("public/feed.xml");
    assert!(feed.contains("2023/corrections/#v2") && feed.contains("2023/corrections/#v3"));

    // Sources as amended: `check` is quiet; edited again, it warns as before.
    assert!(
        site.check_messages().is_empty(),
        "{:?}",
        site.check_messages()
    );
    site.declaration(2023, "xin-xiang-mu", "新项目", "6000.00");
    let warnings = site.check_messages();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("xin-xiang-mu.toml") && w.contains("--amend")),
        "{warnings:?}"
    );
}

fn try_amend(site: &Site) -> Result<AmendOutcome, String> {
    let options = AmendOptions {
        year: 2023,
        reason: Some("更正".to_string()),
        source_date_epoch: Some("1714521600".to_string()),
    };
    amend(site.root(), &options).map_err(|err| err.to_string())
}

#[test]
fn the_same_amendment_gives_the_same_archive_and_a_failed_one_changes_nothing() {
    let sites = [Site::two_years(), Site::two_years()];
    for site in &sites {
        site.snapshot(2023, false, false).expect("snapshot");
        site.declaration(2023, "hui-yi", "会议费", "90000.00");
        assert!(matches!(try_amend(site), Ok(AmendOutcome::Amended(_))));
    }
    assert_eq!(sites[0].tree("archive/2023"), sites[1].tree("archive/2023"));

    // Invalid sources: the error names the file, the archive stays as it was.
    let site = &sites[0];
    let before = site.tree("archive/2023");
    site.write(
        "content/2023/hui-yi.toml",
        "name = \"会议费\"\nyear = 2023\n[funding\n",
    );
    let failed = try_amend(site).map(|_| ()).expect_err("invalid sources");
    assert!(failed.contains("nothing was published"), "{failed}");
    assert_eq!(site.tree("archive/2023"), before);

    // A tampered archive is not amended: the version it would keep must be what was published.
    site.declaration(2023, "hui-yi", "会议费", "80000.00");
    site.write("archive/2023/versions/1/hui-yi/index.html", "tampered");
    let refused = try_amend(site).map(|_| ()).expect_err("tampered archive");
    assert!(
        refused.contains("does not verify") && refused.contains("versions/1/hui-yi/index.html"),
        "{refused}"
    );
}
