//! A temp-dir site (the one fixture builder, `tests/site_builder`), a real HTTP client, and
//! waiting for a rebuild, shared by the serve tests.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use disclose::serve::{ServeOptions, Server};

// Each fixture module takes its own copy of the builder, so that its constructors (`Site::new`
// means a different site in `common` and in `serve_fixture`) never clash in a test that uses two.
#[path = "../site_builder/mod.rs"]
#[allow(clippy::duplicate_mod)]
mod site_builder;
#[allow(unused_imports)]
pub use site_builder::{Run, Site};

pub const SITE_TOML: &str = r#"title = "测试局 项目支出绩效目标公开"
base_url = "https://example.gov.cn/budget/"
language = "zh-CN"
publisher = "测试局"
"#;

/// A minimal valid declaration; `extra` is spliced in among the top-level keys.
pub fn declaration(name: &str, extra: &str) -> String {
    format!(
        r#"name = "{name}"
year = 2023
department = "测试局"
{extra}

[funding]
annual = "100.00"

[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "会议次数"
target = "≥4(次)"
"#
    )
}

impl Site {
    /// A site in the folder `site/` of a temp dir, with one declaration
    /// `content/2023/alpha.toml`.
    pub fn new() -> Site {
        let site = Site::in_subfolder("site", SITE_TOML);
        site.write("content/2023/alpha.toml", &declaration("甲项目 初稿", ""));
        site
    }

    /// Start a quiet in-process server on a free loopback port.
    pub fn serve(&self) -> Server {
        let options = ServeOptions {
            port: 0,
            quiet: true,
            ..ServeOptions::new(self.root())
        };
        Server::start(options).expect("serve starts")
    }
}

/// A fetched response.
#[derive(Debug)]
pub struct Got {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// GET `path` (appended to the server's URL without its trailing slash).
pub fn get(server: &Server, path: &str) -> Got {
    let url = format!("http://{}{path}", server.addr());
    let mut response = agent()
        .get(&url)
        .call()
        .unwrap_or_else(|err| panic!("GET {url}: {err}"));
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = response
        .body_mut()
        .with_config()
        .limit(200 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    Got {
        status: response.status().as_u16(),
        content_type,
        body,
    }
}

/// Poll `path` until `accept` holds (the rebuild is debounced and runs in the background).
pub fn wait_for(server: &Server, path: &str, what: &str, accept: impl Fn(&Got) -> bool) -> Got {
    let started = Instant::now();
    loop {
        let got = get(server, path);
        if accept(&got) {
            return got;
        }
        if started.elapsed() > Duration::from_secs(20) {
            panic!("{path}: waited 20 s for {what}; last response: {got:#?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Send a request line as-is, so no client normalises the path first.
pub fn raw_get(server: &Server, path: &str) -> String {
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}
