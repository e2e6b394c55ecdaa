//! Multi-year sites: year pages link their neighbours, and a project declared in several years
//! (same 项目名称 and 主管部门) links its other years and shows the change of 年度资金申请总额.

mod archive_fixture;

use archive_fixture::Site;

#[test]
fn a_project_links_its_other_years_and_shows_the_change() {
    let site = Site::two_years();
    site.declaration(2025, "hui-yi-2025", "会议费", "120000.00");
    site.declaration(2025, "zero", "新项目", "5.00");
    site.declaration(2024, "zero", "新项目", "0");
    site.build();

    let page_2024 = site.text("public/2024/hui-yi/index.html");
    assert!(page_2024.contains("历年申报"), "{page_2024}");
    assert!(
        page_2024.contains("href=\"../../2023/hui-yi/\""),
        "{page_2024}"
    );
    assert!(
        page_2024.contains("href=\"../../2025/hui-yi-2025/\""),
        "{page_2024}"
    );
    assert!(
        page_2024.contains(
            "较2023年度（100,000.00 元）增加 <span class=num>50,000.00</span> 元（+50.00%）"
        ),
        "{page_2024}"
    );
    let page_2025 = site.text("public/2025/hui-yi-2025/index.html");
    assert!(
        page_2025.contains(
            "较2024年度（150,000.00 元）减少 <span class=num>30,000.00</span> 元（-20.00%）"
        ),
        "{page_2025}"
    );

    let first = site.text("public/2023/hui-yi/index.html");
    assert!(
        first.contains("历年申报") && !first.contains("较20"),
        "the first year has no change"
    );
    let from_zero = site.text("public/2025/zero/index.html");
    assert!(
        from_zero.contains("增加 <span class=num>5.00</span> 元。"),
        "no percent from 0: {from_zero}"
    );
    let alone = site.text("public/2023/pei-xun/index.html");
    assert!(
        !alone.contains("历年申报"),
        "a one-year project shows no history"
    );
}

#[test]
fn another_department_is_another_project() {
    let site = Site::two_years();
    let other =
        archive_fixture::declaration_toml(2024, "培训费", "1.00").replace("测试单位", "另一单位");
    site.write("content/2024/pei-xun.toml", &other);
    site.build();
    assert!(
        !site
            .text("public/2024/pei-xun/index.html")
            .contains("历年申报")
    );
}

#[test]
fn year_pages_link_previous_and_next_years() {
    let site = Site::two_years();
    site.declaration(2025, "hui-yi", "会议费", "1.00");
    site.build();
    let middle = site.text("public/2024/index.html");
    assert!(
        middle.contains("← 2023年度") && middle.contains("2025年度 →"),
        "{middle}"
    );
    assert!(!site.text("public/2023/index.html").contains("←"));
}

/// An archived year is in the history as its archive publishes it: changing its sources after
/// the snapshot, or retiring them, changes neither the links nor the figures of live pages.
#[test]
fn an_archived_year_is_in_the_history_as_archived() {
    let site = Site::two_years();
    site.snapshot(2023, false, false).expect("snapshot 2023");
    let shown = "较2023年度（100,000.00 元）增加 <span class=num>50,000.00</span> 元（+50.00%）";
    site.build();
    let as_archived = site.page("2024/hui-yi/index.html");
    assert!(as_archived.contains(shown), "{as_archived}");
    assert!(as_archived.contains("href=\"../../2023/hui-yi/\""));

    // The sources change after the snapshot: a warning, and the published year stays.
    site.declaration(2023, "hui-yi", "会议费", "90000.00");
    let produced = site.build();
    assert!(
        produced
            .diagnostics
            .iter()
            .any(|d| d.to_string().contains("changed since 2023 was archived")),
        "{:?}",
        produced.diagnostics
    );
    assert_eq!(site.page("2024/hui-yi/index.html"), as_archived);

    // The sources are retired: the archive still is the publication.
    std::fs::remove_dir_all(site.path("content/2023")).expect("retire content/2023");
    site.build();
    assert_eq!(site.page("2024/hui-yi/index.html"), as_archived);
}
