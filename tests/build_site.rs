//! Building fixture sites for real and asserting on the pages.

mod common;

use common::{Site, declaration, tree};

#[test]
fn builds_home_year_and_declaration_pages_with_exact_totals() {
    let site = Site::new();
    site.run(&["build"]).assert_ok();
    let files = tree(&site.public());
    for expected in [
        "index.html",
        "404.html",
        "SHA256SUMS",
        "2023/index.html",
        "2023/alpha/index.html",
        "2023/beta/index.html",
        "assets/style.css",
        "2023/assets/style.css",
    ] {
        assert!(
            files.contains_key(expected),
            "missing {expected}; have {:?}",
            files.keys()
        );
    }
    let year = site.page("2023/index.html");
    assert!(year.contains("2,100,000.00"), "year total missing");
    assert!(year.contains("1,800,000.00") && year.contains("300,000.00"));
    let alpha = site.page("2023/alpha/index.html");
    assert!(alpha.contains("<h1>甲项目</h1>"));
    assert!(alpha.contains("≥4.00(次)") && alpha.contains("≥85%"));
    assert!(
        alpha.contains("rowspan=\"1\">数量指标"),
        "level-2 cell with its rowspan"
    );
}

#[test]
fn manifest_lists_every_other_file_with_its_sha256() {
    let site = Site::new();
    site.run(&["build"]).assert_ok();
    let files = tree(&site.public());
    let manifest = String::from_utf8_lossy(&files["SHA256SUMS"]).into_owned();
    let listed: Vec<&str> = manifest
        .lines()
        .filter_map(|line| line.split_once("  ").map(|(_, path)| path))
        .collect();
    let mut expected: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|path| *path != "SHA256SUMS")
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    for line in manifest.lines() {
        let (hash, path) = line.split_once("  ").unwrap_or_default();
        assert_eq!(hash, disclose::manifest::sha256_hex(&files[path]), "{path}");
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::new();
    let (one_dir, two_dir) = (site.root().join("one"), site.root().join("two"));
    site.run(&["build", "--out", &one_dir.to_string_lossy()])
        .assert_ok();
    site.run(&["build", "--out", &two_dir.to_string_lossy()])
        .assert_ok();
    let one = tree(&one_dir);
    let two = tree(&two_dir);
    assert!(!one.is_empty());
    assert_eq!(one, two);
}

#[test]
fn drafts_are_published_only_with_the_drafts_flag() {
    let site = Site::new();
    let draft =
        declaration("丙项目", "100.00").replace("year = 2023\n", "year = 2023\ndraft = true\n");
    site.write("content/2023/gamma.toml", &draft);
    site.run(&["build"]).assert_ok();
    assert!(!site.public().join("2023/gamma").exists());
    assert!(!site.page("2023/index.html").contains("丙项目"));
    site.run(&["build", "--drafts"]).assert_ok();
    assert!(site.page("2023/gamma/index.html").contains("草稿"));
}

/// Parse `html` as a browser would and list what could run: script elements (other than the
/// site's own search script), event-handler attributes and `javascript:` URLs.
fn live_code(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let mut found = Vec::new();
    for element in document
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let tag = element.value().name();
        // The only script a page may carry is the site's own search, loaded from its assets.
        let own_search = element
            .value()
            .attr("src")
            .is_some_and(|src| src.ends_with("assets/search.js") && !src.contains(':'));
        if tag == "script" && !(own_search && element.inner_html().is_empty()) {
            found.push(format!("<script>{}", element.inner_html()));
        }
        for (name, value) in element.value().attrs() {
            let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            if name.starts_with("on") || compact.to_lowercase().starts_with("javascript:") {
                found.push(format!("<{tag} {name}={value:?}>"));
            }
        }
    }
    found
}

#[test]
fn markup_in_content_is_escaped_and_sanitized() {
    let site = Site::empty();
    let name = "</title><script>alert(1)</script>项目";
    let hostile = declaration(name, "100.00").replace(
        &format!("annual = \"完成{name}。\""),
        "annual = \"<img src=x onerror=alert(2)> [点击](javascript:alert(3)) <a href='JAVASCRIPT:alert(4)'>x</a> <script>alert(5)</script>\"",
    );
    site.write("content/2023/hostile.toml", &hostile);
    site.run(&["build"]).assert_ok();
    for page in ["2023/hostile/index.html", "2023/index.html", "index.html"] {
        let html = site.page(page);
        assert_eq!(live_code(&html), Vec::<String>::new(), "{page}");
    }
    let page = scraper::Html::parse_document(&site.page("2023/hostile/index.html"));
    let selector = scraper::Selector::parse("h1").unwrap_or_else(|err| panic!("{err}"));
    let headings: Vec<String> = page
        .select(&selector)
        .map(|h1| h1.text().collect())
        .collect();
    assert_eq!(
        headings,
        vec![name.to_string()],
        "the name is shown verbatim, as text"
    );
}

#[test]
fn base_url_flag_changes_canonical_links_only() {
    let site = Site::new();
    site.run(&["build", "--base-url", "https://other.example/x"])
        .assert_ok();
    let alpha = site.page("2023/alpha/index.html");
    assert!(alpha.contains("https://other.example/x/2023/alpha/"));
    assert!(alpha.contains("href=\"../assets/style.css\""));
}

#[test]
fn static_files_are_copied_verbatim() {
    let site = Site::new();
    site.write_bytes("static/docs/说明.pdf", b"%PDF-1.4 \x00\xff");
    site.run(&["build"]).assert_ok();
    assert_eq!(
        std::fs::read(site.public().join("docs/说明.pdf")).unwrap_or_default(),
        b"%PDF-1.4 \x00\xff"
    );
}

#[test]
fn a_static_file_may_not_replace_a_generated_page() {
    let site = Site::new();
    site.write("static/2023/index.html", "<p>mine</p>");
    let run = site.run(&["build"]);
    run.assert_failed();
    assert!(
        run.stderr.contains("static/2023/index.html"),
        "{}",
        run.stderr
    );
}

#[test]
fn site_templates_override_the_built_in_ones() {
    let site = Site::new();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>找不到</h1>{% endblock content %}",
    );
    site.run(&["build"]).assert_ok();
    assert!(site.page("404.html").contains("<h1>找不到</h1>"));
}

#[test]
fn a_broken_template_is_an_error_naming_the_file() {
    let site = Site::new();
    site.write("templates/year.html", "{% if %}");
    let run = site.run(&["build"]);
    run.assert_failed();
    assert!(run.stderr.contains("templates/year.html"), "{}", run.stderr);
}
