//! Builds the repository's own site with the real binary and checks it in a real browser with
//! `tests/browser/check-site.mjs`: axe-core (WCAG 2.1 AA), the W3C Nu HTML checker, console
//! errors, no sideways scrolling at 390 px, and the printed declaration form.
//!
//! Needs Debian's Chromium (`/usr/bin/chromium`, or `CHROMIUM`), a CJK font, Java and Node, and
//! `npm ci` in `tests/browser`: `bash .ci/run --install-only` installs them all. Without them the
//! test is skipped with a loud message, or fails when `DISCLOSE_REQUIRE_BROWSER` is set (as in CI).

use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const INSTALL_HINT: &str = "install them with `bash .ci/run --install-only` (as root), or by hand:\n  \
     apt-get update && apt-get install -y chromium fonts-wqy-microhei default-jre-headless\n  \
     (cd tests/browser && npm ci --ignore-scripts)";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn chromium() -> PathBuf {
    env::var_os("CHROMIUM")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn browser_required() -> bool {
    env::var_os("DISCLOSE_REQUIRE_BROWSER").is_some_and(|v| !v.is_empty() && v != "0")
}

/// What the browser checks need and this machine lacks.
fn missing_tools() -> Vec<String> {
    let mut missing = Vec::new();
    let chromium = chromium();
    if !chromium.is_file() {
        missing.push(format!("{} (Debian package chromium)", chromium.display()));
    }
    let node_modules = manifest_dir().join("tests/browser/node_modules");
    if !node_modules.join("playwright-core").is_dir() {
        missing.push(format!(
            "{} (npm ci in tests/browser)",
            node_modules.display()
        ));
    }
    for (tool, package) in [("node", "nodejs"), ("java", "default-jre-headless")] {
        let runs = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !runs {
            missing.push(format!("`{tool}` on PATH (Debian package {package})"));
        }
    }
    missing
}

fn describe(what: &str, output: &Output) -> String {
    format!(
        "{what} ({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Skip loudly (or fail, in CI) when the browser tools are missing; `true` when they are there.
fn browser_tools_present() -> bool {
    let missing = missing_tools();
    if missing.is_empty() {
        return true;
    }
    let list: String = missing.iter().map(|m| format!("  - {m}\n")).collect();
    if browser_required() {
        panic!(
            "DISCLOSE_REQUIRE_BROWSER is set, but the browser checks cannot run; missing:\n\
             {list}{INSTALL_HINT}"
        );
    }
    // Straight to the process's stderr: libtest captures eprintln!, and this must be seen.
    let _ = writeln!(
        std::io::stderr(),
        "\n{bar}\nSKIPPED: tests/browser.rs (axe-core, Nu checker, responsive, print) did NOT run; \
         missing:\n{list}{INSTALL_HINT}\nSet DISCLOSE_REQUIRE_BROWSER=1 to make this a failure.\n{bar}\n",
        bar = "=".repeat(100)
    );
    false
}

/// Build the site at `root` into `public` with the real binary.
fn build_site(root: &Path, public: &Path) {
    // The CLI contract (SPEC §3). `--base-url /` because the harness serves the site at the root
    // of its own local server, whatever site.toml says about the deployed address.
    let build = Command::new(env!("CARGO_BIN_EXE_disclose"))
        .arg("--root")
        .arg(root)
        .arg("build")
        .arg("--out")
        .arg(public)
        .args(["--base-url", "/"])
        .output()
        .expect("run the disclose binary");
    assert!(
        build.status.success(),
        "{}",
        describe("`disclose build` failed", &build)
    );
    assert!(
        public.join("index.html").is_file(),
        "{}",
        describe("`disclose build` wrote no index.html", &build)
    );
}

/// Run the harness over `public`; on failure keep `kept` (the temp dir) and say where.
fn check_site(public: &Path, report_name: &str, kept: tempfile::TempDir, extra: &[&str]) {
    let root = manifest_dir();
    let report = Path::new(env!("CARGO_TARGET_TMPDIR")).join(report_name);
    let _ = fs::remove_dir_all(&report);
    let check = Command::new("node")
        .arg(root.join("tests/browser/check-site.mjs"))
        .arg(public)
        .arg("--out")
        .arg(&report)
        .args(extra)
        .current_dir(root)
        .env("CHROMIUM", chromium())
        .output()
        .expect("run node tests/browser/check-site.mjs");
    if !check.status.success() {
        // Keep the built site for a look (the report points into it).
        let kept = kept.keep();
        panic!(
            "{}\nbuilt site kept in {}; report, screenshots and PDF in {}",
            describe("browser checks failed", &check),
            kept.display(),
            report.display()
        );
    }
    // Shown with `cargo test -- --nocapture`.
    println!("{}", String::from_utf8_lossy(&check.stdout));
}

#[test]
fn built_site_passes_browser_checks() {
    if !browser_tools_present() {
        return;
    }
    let tmp = tempfile::tempdir().expect("create a temporary directory");
    let public = tmp.path().join("public");
    build_site(manifest_dir(), &public);
    // `--search`: the search-box checks (runSearchChecks in the harness).
    check_site(&public, "browser-report", tmp, &["--search"]);
}

/// A year with several departments, one of them long enough to need a second page: the year
/// page's department list, the department pages with their pager, and a declaration page with
/// its department in the breadcrumbs. Most declaration pages are removed before the check (they
/// are the same template as the repo site's, and would only make the run long).
#[test]
fn department_pages_pass_browser_checks() {
    if !browser_tools_present() {
        return;
    }
    let tmp = tempfile::tempdir().expect("create a temporary directory");
    let site = tmp.path().join("site");
    let content = site.join("content/2024");
    fs::create_dir_all(&content).expect("mkdir");
    fs::write(
        site.join("site.toml"),
        "title = \"测试单位 项目支出绩效目标公开\"\nbase_url = \"/\"\nlanguage = \"zh-CN\"\npublisher = \"测试单位\"\n",
    )
    .expect("site.toml");
    let departments = [
        ("上海市教育委员会", 505),
        ("上海市科学技术协会", 3),
        ("上海市绿化和市容管理局", 1),
    ];
    let mut index = 0;
    for (department, count) in departments {
        for _ in 0..count {
            let text = format!(
                "name = \"项目{index}：科普活动\"\nyear = 2024\ndepartment = \"{department}\"\n\n[funding]\nannual = \"{index},000.00\"\n\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"活动场次\"\ntarget = \"≥2(场)\"\n"
            );
            fs::write(content.join(format!("p-{index:04}.toml")), text).expect("write");
            index += 1;
        }
    }
    let public = tmp.path().join("public");
    build_site(&site, &public);
    let year = public.join("2024");
    for entry in fs::read_dir(&year).expect("list") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let keep =
            ["p-0000", "p-0505", "assets", "departments", "quality"].contains(&name.as_str());
        if path.is_dir() && !keep {
            fs::remove_dir_all(&path).expect("prune");
        }
    }
    check_site(
        &public,
        "browser-report-departments",
        tmp,
        &["--declaration", "/2024/p-0505/"],
    );
}

/// The 更正记录 pages of an amended year: the repository's 2023 snapshotted, 市科协机构及常委会会议费
/// corrected to 179,550.00 and a declaration added, then `snapshot 2023 --amend`. Checked: the
/// corrected declaration page with its 更正记录 section, the year's corrections/ and versions/
/// pages, and the original version's pages as published at versions/1/. Other declaration pages
/// are removed before the check (same template as the repo site's).
#[test]
fn corrections_pages_pass_browser_checks() {
    if !browser_tools_present() {
        return;
    }
    const SLUG: &str = "shi-ke-xie-ji-gou-ji-chang-wei-hui-hui-yi-fei";
    let tmp = tempfile::tempdir().expect("create a temporary directory");
    let site = tmp.path().join("site");
    for folder in ["content", "templates"] {
        copy_tree(&manifest_dir().join(folder), &site.join(folder));
    }
    fs::copy(manifest_dir().join("site.toml"), site.join("site.toml")).expect("site.toml");
    let disclose = |epoch: &str, args: &[&str]| {
        let run = Command::new(env!("CARGO_BIN_EXE_disclose"))
            .arg("--root")
            .arg(&site)
            .args(args)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .expect("run the disclose binary");
        assert!(
            run.status.success(),
            "{}",
            describe("disclose failed", &run)
        );
    };
    disclose("1709251200", &["snapshot", "2023"]);
    let form = site.join(format!("content/2023/{SLUG}.toml"));
    let text = fs::read_to_string(&form).expect("form");
    // The correction, and a reworded goal so the page also shows a text diff.
    let corrected = text
        .replace("annual = \"249,550.00\"", "annual = \"179,550.00\"")
        .replace(
            "annual = \"市科协机构及常委会会议\"",
            "annual = \"召开市科协机构及常委会全体会议\"",
        );
    assert_ne!(corrected, text);
    fs::write(&form, corrected).expect("correct the form");
    fs::write(
        site.join("content/2023/bu-chong-xiang-mu.toml"),
        "name = \"补充申报项目\"\nyear = 2023\ndepartment = \"上海市科学技术协会\"\n\n[funding]\nannual = \"10,000.00\"\n\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"活动场次\"\ntarget = \"≥2(场)\"\n",
    )
    .expect("add a declaration");
    disclose(
        "1714521600",
        &[
            "snapshot",
            "2023",
            "--amend",
            "--reason",
            "年度资金申请总额按资金来源合计更正，补充一份申报表",
        ],
    );
    let public = tmp.path().join("public");
    build_site(&site, &public);
    let keep = [
        SLUG,
        "assets",
        "corrections",
        "versions",
        "bu-chong-xiang-mu",
    ];
    prune(&public.join("2023"), &keep);
    prune(&public.join("2023/versions/1"), &[SLUG, "assets"]);
    check_site(
        &public,
        "browser-report-corrections",
        tmp,
        &["--declaration", &format!("/2023/{SLUG}/")],
    );
}

/// Remove every folder directly in `dir` except those named in `keep`.
fn prune(dir: &Path, keep: &[&str]) {
    for entry in fs::read_dir(dir).expect("list") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() && !keep.contains(&name.as_str()) && name.parse::<u32>().is_err() {
            fs::remove_dir_all(&path).expect("prune");
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
