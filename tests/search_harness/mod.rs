//! Running `tests/browser/search.mjs` from the search tests.
#![allow(dead_code)]

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `true` when the browser tools are here; otherwise a loud skip (or a failure in CI).
pub fn browser_available() -> bool {
    let chromium = env::var_os("CHROMIUM")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let modules = manifest_dir().join("tests/browser/node_modules");
    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push(format!("{} (apt-get install chromium)", chromium.display()));
    }
    for module in ["playwright-core", "axe-core"] {
        if !modules.join(module).is_dir() {
            missing.push(format!("{module} (npm ci in tests/browser)"));
        }
    }
    if missing.is_empty() {
        return true;
    }
    let message = format!("search in Chromium: missing {}", missing.join(", "));
    if env::var_os("DISCLOSE_REQUIRE_BROWSER").is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("DISCLOSE_REQUIRE_BROWSER is set, but {message}");
    }
    // Straight to the process's stderr: libtest captures `eprintln!`, and a skip must be seen.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\nSKIPPED: {message}\n");
    false
}

/// Run `search.mjs` on a built site.
pub fn run_harness(public: &Path, options: &[&str], queries: &[&str]) -> Value {
    let script = manifest_dir().join("tests/browser/search.mjs");
    let output = Command::new("node")
        .arg(&script)
        .arg(public)
        .args(options)
        .args(queries)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "search.mjs failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim()).expect("search.mjs prints JSON")
}
