//! `disclose serve` end to end over HTTP: a real server on 127.0.0.1, a temp-dir site, a real
//! client, real file edits picked up by the real watcher.

mod serve_fixture;

use std::io::{BufRead, BufReader, Write};
use std::time::{Duration, Instant};

use disclose::build::{self, BuildOptions};
use disclose::serve::{ServeOptions, Server};
use serve_fixture::{Site, agent, declaration, get, raw_get, wait_for};

const PAGE: &str = "/2023/alpha/";

#[test]
fn pages_are_previews_with_live_reload_and_an_edit_becomes_visible() {
    let site = Site::new();
    let server = site.serve();
    let page = get(&server, PAGE);
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    assert!(page.body.contains("甲项目 初稿"));
    assert!(
        page.body.contains("预览"),
        "every preview page is marked 预览"
    );
    assert!(page.body.contains(r#"<script src="/__disclose/live.js""#));
    assert!(
        page.body
            .contains(r#"<div id="disclose-overlay" hidden></div>"#)
    );

    site.write("content/2023/alpha.toml", &declaration("甲项目 修订稿", ""));
    let page = wait_for(&server, PAGE, "the edit", |got| {
        got.body.contains("甲项目 修订稿")
    });
    assert!(!page.body.contains("甲项目 初稿"));
    assert!(
        !site.root().join("public").exists(),
        "serve never writes public/"
    );
}

#[test]
fn the_reload_event_is_sent_after_the_new_build_is_in_place() {
    let site = Site::new();
    let server = site.serve();
    let page = get(&server, PAGE);
    let token = page
        .body
        .split(r#"data-token=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page carries its build token")
        .to_string();
    let url = format!("http://{}/__disclose/events?since={token}", server.addr());
    let mut events = agent().get(&url).call().expect("event stream");
    assert!(
        events
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .starts_with("text/event-stream")
    );
    let mut lines = BufReader::new(events.body_mut().as_reader()).lines();

    site.write("content/2023/alpha.toml", &declaration("甲项目 实时", ""));
    let started = Instant::now();
    let data = loop {
        let line = lines
            .next()
            .expect("stream stays open until an event")
            .expect("readable");
        if let Some(data) = line.strip_prefix("data:") {
            break data.trim().to_string();
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no event");
    };
    assert!(data.contains(r#""reload":true"#), "{data}");
    assert!(!data.contains(&token), "a new token");
    // The event only goes out once the new pages are served.
    assert!(get(&server, PAGE).body.contains("甲项目 实时"));
    // The year's open data and the manifest are made after the reload; asked for at once,
    // they are answered when made, never in their previous version.
    assert!(
        get(&server, "/2023/declarations.csv")
            .body
            .contains("甲项目 实时")
    );
    let package = get(&server, "/2023/datapackage.json").body;
    let manifest = get(&server, "/SHA256SUMS").body;
    let line = format!(
        "{}  2023/datapackage.json",
        disclose::manifest::sha256_hex(package.as_bytes())
    );
    assert!(manifest.contains(&line), "{manifest}");
}

#[test]
fn a_rebuild_waits_until_the_writes_finish() {
    let site = Site::new();
    // A long debounce makes the pauses between the chunks below clearly shorter than it,
    // even on a loaded machine.
    let options = ServeOptions {
        port: 0,
        quiet: true,
        debounce: Duration::from_millis(600),
        ..ServeOptions::new(site.root())
    };
    let server = Server::start(options).expect("serve starts");
    let url = format!("http://{}/__disclose/events", server.addr());
    let mut events = agent().get(&url).call().expect("event stream");
    let mut lines = BufReader::new(events.body_mut().as_reader()).lines();
    let mut next_data = move || loop {
        let line = lines.next().expect("an event").expect("readable");
        if let Some(data) = line.strip_prefix("data:") {
            break data.trim().to_string();
        }
    };
    assert!(
        next_data().contains(r#""reload":true"#),
        "the current build"
    );

    // Save the declaration in three chunks; the first two alone are broken TOML.
    let text = declaration("甲项目 分段写入", "");
    let (head, tail) = text.split_at(text.find("[funding]").expect("funding"));
    let path = site.root().join("content/2023/alpha.toml");
    let mut file = std::fs::File::create(&path).expect("open");
    for chunk in [head, "[fund", &tail["[fund".len()..]] {
        file.write_all(chunk.as_bytes()).expect("write");
        file.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(60));
    }
    drop(file);
    let data = next_data();
    assert!(
        data.contains(r#""reload":true"#),
        "one good build after the last write, no failed one before it: {data}"
    );
    assert!(get(&server, PAGE).body.contains("甲项目 分段写入"));
}

#[test]
fn new_renamed_and_deleted_files_are_picked_up() {
    let site = Site::new();
    let server = site.serve();
    assert_eq!(get(&server, "/2023/gamma/").status, 404);

    site.write("content/2023/gamma.toml", &declaration("丙项目", ""));
    wait_for(&server, "/2023/gamma/", "the new file", |got| {
        got.status == 200 && got.body.contains("丙项目")
    });
    assert!(get(&server, "/2023/").body.contains("丙项目"));

    std::fs::rename(
        site.root().join("content/2023/gamma.toml"),
        site.root().join("content/2023/delta.toml"),
    )
    .expect("rename");
    wait_for(&server, "/2023/delta/", "the renamed file", |got| {
        got.status == 200
    });
    assert_eq!(get(&server, "/2023/gamma/").status, 404);

    site.remove("content/2023/delta.toml");
    let gone = wait_for(&server, "/2023/delta/", "the deletion", |got| {
        got.status == 404
    });
    assert!(gone.body.contains("live.js"), "the 404 page reloads too");
    assert!(!get(&server, "/2023/").body.contains("丙项目"));
}

#[test]
fn a_draft_is_previewed_with_a_banner_but_never_built_without_drafts() {
    let site = Site::new();
    site.write(
        "content/2023/draft.toml",
        &declaration("丁项目 草案", "draft = true"),
    );
    let server = site.serve();
    let page = get(&server, "/2023/draft/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("丁项目 草案"));
    assert!(page.body.contains("草稿"), "drafts carry the 草稿 banner");
    drop(server);

    let out = site.dir.path().join("public");
    build::build(&BuildOptions::new(site.root()), &out).expect("build");
    assert!(!out.join("2023/draft/index.html").exists());
    assert!(out.join("2023/alpha/index.html").exists());
    let index = std::fs::read_to_string(out.join("2023/index.html")).expect("year page");
    assert!(!index.contains("丁项目"));

    let options = BuildOptions {
        drafts: true,
        ..BuildOptions::new(site.root())
    };
    build::build(&options, &out).expect("build --drafts");
    let draft = std::fs::read_to_string(out.join("2023/draft/index.html")).expect("draft page");
    assert!(draft.contains("丁项目 草案"));
    for page in [&draft, &index] {
        assert!(
            !page.contains("__disclose"),
            "no live reload in build output"
        );
        assert!(
            !page.contains("预览："),
            "no preview marker in build output"
        );
    }
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_the_fix_recovers() {
    let site = Site::new();
    let server = site.serve();
    site.write(
        "content/2023/alpha.toml",
        "name = \"甲项目 坏了\"\nyear = 2023\ndepartment = \"测试局\"\n[funding\nannual = \"1\"\n",
    );
    let page = wait_for(&server, PAGE, "the error overlay", |got| {
        got.body.contains(r#"data-failed="true""#)
    });
    assert_eq!(page.status, 200, "the last good page is still served");
    assert!(page.body.contains("甲项目 初稿"));
    assert!(
        page.body.contains("content/2023/alpha.toml:4:"),
        "file and line: {}",
        page.body
    );
    assert!(page.body.contains("error"));

    site.write(
        "content/2023/alpha.toml",
        &declaration("甲项目 已修正", "").replace("100.00", "1.005"),
    );
    let page = wait_for(&server, PAGE, "the rule error", |got| {
        got.body.contains("funding.annual")
    });
    assert!(page.body.contains("content/2023/alpha.toml:"));
    assert!(page.body.contains("甲项目 初稿"));

    site.write("content/2023/alpha.toml", &declaration("甲项目 已修正", ""));
    let page = wait_for(&server, PAGE, "the fix", |got| {
        got.body.contains("甲项目 已修正")
    });
    assert!(
        page.body
            .contains(r#"<div id="disclose-overlay" hidden></div>"#)
    );
}

#[test]
fn a_template_error_is_reported_and_warnings_do_not_block() {
    let site = Site::new();
    let server = site.serve();
    site.write(
        "templates/declaration.html",
        "{% extends \"base.html\" %}{{ broken",
    );
    let page = wait_for(&server, PAGE, "the template error", |got| {
        got.body.contains(r#"data-failed="true""#)
    });
    assert!(
        page.body.contains("templates/declaration.html"),
        "{}",
        page.body
    );
    site.remove("templates/declaration.html");
    wait_for(&server, PAGE, "recovery", |got| {
        got.body
            .contains(r#"<div id="disclose-overlay" hidden></div>"#)
    });

    let warned = declaration("甲项目 有警告", "").replace(
        "annual = \"100.00\"",
        "annual = \"100.00\"\nappropriation = \"30.00\"",
    );
    site.write("content/2023/alpha.toml", &warned);
    let page = wait_for(&server, PAGE, "the warning", |got| {
        got.body.contains("甲项目 有警告")
    });
    assert!(page.body.contains(r#"data-failed="false""#));
    assert!(page.body.contains("content/2023/alpha.toml:"));
    assert!(page.body.contains("warning: funding.annual"));
}

#[test]
fn a_site_that_never_built_says_why_and_recovers() {
    let site = Site::new();
    site.write("content/2023/alpha.toml", "name = ");
    let server = site.serve();
    let page = get(&server, "/");
    assert_eq!(page.status, 503);
    assert!(page.body.contains("content/2023/alpha.toml:1:"));
    site.write("content/2023/alpha.toml", &declaration("甲项目 终于", ""));
    wait_for(&server, PAGE, "the first good build", |got| {
        got.status == 200
    });
}

#[test]
fn content_types_are_right() {
    let site = Site::new();
    // Static files reach the output verbatim, so every kind can be checked whichever
    // generated files (CSV, data package, feed) this build of the engine emits.
    for (name, text) in [
        ("files/a.csv", "名称,金额\n甲,1\n"),
        ("files/a.json", "{}"),
        ("files/a.xml", "<a/>"),
        ("files/a.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ("files/a.js", "void 0;"),
        ("files/a.css", "a{}"),
        (
            "files/page.html",
            "<!DOCTYPE html><title>x</title><body><p>静态</p></body>",
        ),
    ] {
        site.write(&format!("static/{name}"), text);
    }
    let server = site.serve();
    for (path, expected) in [
        ("/", "text/html; charset=utf-8"),
        ("/files/page.html", "text/html; charset=utf-8"),
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/files/a.css", "text/css; charset=utf-8"),
        ("/__disclose/live.js", "text/javascript; charset=utf-8"),
        ("/files/a.js", "text/javascript; charset=utf-8"),
        ("/files/a.csv", "text/csv; charset=utf-8"),
        ("/files/a.json", "application/json"),
        ("/files/a.xml", "application/xml; charset=utf-8"),
        ("/files/a.svg", "image/svg+xml"),
        ("/assets/favicon.svg", "image/svg+xml"),
    ] {
        let got = get(&server, path);
        assert_eq!(got.status, 200, "{path}");
        assert_eq!(got.content_type, expected, "{path}");
    }
    for generated in [
        "/2023/declarations.csv",
        "/2023/datapackage.json",
        "/feed.xml",
    ] {
        let got = get(&server, generated);
        if got.status == 200 {
            assert!(!got.content_type.starts_with("text/html"), "{generated}");
        }
    }
    let csv = get(&server, "/files/a.csv");
    assert_eq!(csv.body, "名称,金额\n甲,1\n", "only HTML gets the script");
    let folder = get(&server, "/2023");
    assert_eq!(folder.status, 308, "a folder without its slash redirects");
    let response = raw_get(&server, "//2023");
    assert!(
        response
            .to_ascii_lowercase()
            .contains("location: /2023/\r\n"),
        "never to another host: {response}"
    );
}
