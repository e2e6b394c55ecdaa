//! Edit-to-reload latency of `disclose serve`: the time from writing a declaration to the
//! live-reload event reaching a connected client (which is sent only once the new build is in
//! place). It includes the watcher's debounce (50 ms by default). Prints numbers; asserts
//! nothing.
//!
//! After a reload the server still makes the touched year's open data (about 1.5 s at 10,000
//! declarations in one year) and publishes it under the same token, an event a browser tab
//! ignores. Only an event with a new token counts as the reload, and each edit is saved once
//! that second event has come (and half a second more), so every edit meets an idle server, as
//! an editor's saves seconds apart do.
//!
//!   cargo bench --bench serve_reload            # release build
//!   cargo bench --bench serve_reload -- 2000    # a smaller large site
//!
//! Sites: the repository's real `content/2023` (copied to a temp folder) when present, else a
//! generated 15-declaration year standing in for it; and the generated sites of
//! `benches/support/sites.rs` (the build benchmark's): 10,000 declarations in one year from 100
//! departments, and 10,000 over ten years. Each edit changes one declaration's 项目名称, so its
//! page, its department's pages, the year page, the home page, the year's open data and its
//! search shard are made again.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use disclose::serve::{ServeOptions, Server};

#[path = "support/sites.rs"]
#[allow(dead_code)] // the hugo half is the build benchmark's
mod sites;

const EDITS: usize = 5;

/// Between two edits, once the server is idle.
const PAUSE: Duration = Duration::from_millis(500);

/// The longest wait for the open data made after a reload.
const FINISH_WAIT: Duration = Duration::from_secs(30);

fn main() {
    let large: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(10_000);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let small = tempfile::tempdir().expect("temp dir");
    let (label, edited) = if repo.join("content/2023").is_dir() {
        copy_repo_site(repo, small.path());
        let first = first_toml(&small.path().join("content/2023")).expect("a 2023 declaration");
        ("the real 2023 site", first)
    } else {
        sites::write_disclose_site(small.path(), 1, 15).expect("generate the site");
        (
            "a generated 15-declaration year (content/2023 not present)",
            small
                .path()
                .join(format!("content/{}/p000000.toml", sites::FIRST_YEAR)),
        )
    };
    measure(label, small.path(), &edited);

    for years in [1, 10] {
        let big = tempfile::tempdir().expect("temp dir");
        sites::write_disclose_site(big.path(), years, large / years as usize)
            .expect("generate the site");
        let edited = big.path().join(format!(
            "content/{}/p000000.toml",
            sites::FIRST_YEAR + years - 1
        ));
        measure(
            &format!("a generated site of {large} declarations over {years} year(s)"),
            big.path(),
            &edited,
        );
    }
}

fn measure(label: &str, root: &Path, edited: &Path) {
    let options = ServeOptions {
        port: 0,
        quiet: true,
        ..ServeOptions::new(root)
    };
    let started = Instant::now();
    let server = Server::start(options).expect("serve starts");
    let first_build = started.elapsed();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(600)))
        .build()
        .into();
    let url = format!("{}__disclose/events", server.url());
    let response = agent.get(&url).call().expect("event stream");
    let events = read_events(response);
    // The current build, sent at once to a client that names none.
    let mut token = token_of(&events.recv().expect("the current build"));
    let original = fs::read_to_string(edited).expect("read the declaration");
    let mut latencies = Vec::new();
    for edit in 0..EDITS {
        std::thread::sleep(PAUSE);
        let text = original.replacen("name = \"", &format!("name = \"（第{edit}次修改）"), 1);
        let written = Instant::now();
        fs::write(edited, text).expect("write the declaration");
        let data = loop {
            let data = events.recv().expect("the event stream ended");
            if token_of(&data) != token {
                break data;
            }
        };
        latencies.push(written.elapsed());
        assert!(data.contains("\"reload\":true"), "the build failed: {data}");
        token = token_of(&data);
        // The open data made after the reload comes under the same token; let it finish, so
        // the next edit meets an idle server.
        let _ = events.recv_timeout(FINISH_WAIT);
    }
    latencies.sort();
    let ms = |took: Duration| took.as_secs_f64() * 1000.0;
    println!(
        "{label}: first build and start {:.0} ms; edit → reload event over {EDITS} edits: \
         median {:.0} ms, min {:.0} ms, max {:.0} ms",
        ms(first_build),
        ms(latencies[EDITS / 2]),
        ms(latencies[0]),
        ms(latencies[EDITS - 1]),
    );
    server.shutdown();
}

/// Every event's data, in order, read on a thread of its own so that waiting can time out.
fn read_events(response: ureq::http::Response<ureq::Body>) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let reader = BufReader::new(response.into_body().into_reader());
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if let Some(data) = line.strip_prefix("data:")
                && sender.send(data.trim().to_string()).is_err()
            {
                return;
            }
        }
    });
    receiver
}

/// The `token` of an event's JSON data.
fn token_of(data: &str) -> String {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()
        .and_then(|value| value.get("token")?.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn copy_repo_site(repo: &Path, into: &Path) {
    fs::copy(repo.join("site.toml"), into.join("site.toml")).expect("copy site.toml");
    for folder in ["content/2023", "templates", "static"] {
        let from = repo.join(folder);
        for entry in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let relative = entry.path().strip_prefix(repo).expect("inside the repo");
            let target = into.join(relative);
            if entry.file_type().is_dir() {
                fs::create_dir_all(&target).expect("create folder");
            } else if entry.file_type().is_file() {
                fs::copy(entry.path(), &target).expect("copy");
            }
        }
    }
}

fn first_toml(folder: &Path) -> Option<std::path::PathBuf> {
    let mut files: Vec<_> = fs::read_dir(folder)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files.into_iter().next()
}
