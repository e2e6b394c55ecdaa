//! Build benchmark: times the real `disclose build` on generated sites, phase by phase, with its
//! peak memory, next to Debian's `hugo` on the same pages. It prints numbers and asserts nothing.
//!
//!   cargo bench --bench build                         1000, 10000 and 100000x10, with hugo
//!   cargo bench --bench build -- 10000 --runs 5       one size, five alternating runs
//!   cargo bench --bench build -- 100000x10 --archived also with nine of ten years archived
//!   cargo bench --bench build -- --no-hugo 1000       disclose only
//!   cargo bench --bench build -- --write /tmp/sites 10000   only write the generated sites
//!
//! A size is `COUNT` (one year) or `COUNTxYEARS`. Each run builds into a fresh output folder in
//! a separate process, so the peak RSS (from `wait4`) is that build's alone; hugo and disclose
//! runs alternate so that both see the same machine. Removing the outputs is not timed, and
//! neither is flushing what earlier runs wrote before each run starts. With
//! `--archived`, every year but the last is snapshotted (`disclose snapshot YEAR`), and full
//! builds (with `archive/` and its kept copies set aside) and archived ones alternate: the
//! archived years are verified and linked from the copies the first archived run keeps, not
//! rendered. Each round also times GNU `cp -r` of the archived years into a fresh folder: the
//! file system's floor under copying them. Last, as an office rebuilds `public/`, a full output
//! is rebuilt twice and an archived one five times: the first rebuild of an output has no year
//! folders carried over from an earlier replaced output yet (`.NAME.carried/`), the later ones
//! do, as every rebuild of `public/` after the first does; and from the fourth rebuild on, the
//! carried folders' listings are remembered too (`disclose::listing`).
//!
//! `benches/hugo.sh` installs nothing: it checks that hugo is present and runs this.

#[path = "support/sites.rs"]
mod sites;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use std::{env, fs};

/// One size of site: `count` declarations over `years` years.
#[derive(Clone, Copy)]
struct Size {
    count: usize,
    years: u16,
}

impl Size {
    fn parse(arg: &str) -> Option<Size> {
        let (count, years) = arg.split_once('x').unwrap_or((arg, "1"));
        let count: usize = count.parse().ok()?;
        let years: u16 = years.parse().ok()?;
        (years > 0 && count >= years as usize).then_some(Size { count, years })
    }

    fn per_year(self) -> usize {
        self.count / self.years as usize
    }

    fn label(self) -> String {
        if self.years == 1 {
            format!("{} in one year", self.count)
        } else {
            format!("{} over {} years", self.count, self.years)
        }
    }
}

/// What one timed process did.
struct Run {
    wall: Duration,
    peak_rss_kib: u64,
    /// disclose's own phase line (empty for hugo).
    phases: String,
}

struct Options {
    sizes: Vec<Size>,
    runs: usize,
    hugo: bool,
    archived: bool,
    /// `--write DIR`: only write the generated sites into DIR/SIZE/{site,hugo}, to look at them
    /// or time them by hand.
    write_only: Option<PathBuf>,
}

fn options() -> Options {
    let mut options = Options {
        sizes: Vec::new(),
        runs: 3,
        hugo: true,
        archived: false,
        write_only: None,
    };
    let mut args = env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => options.runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(3),
            "--no-hugo" => options.hugo = false,
            "--archived" => options.archived = true,
            "--write" => options.write_only = args.next().map(PathBuf::from),
            "--bench" => {}
            other => match Size::parse(other) {
                Some(size) => options.sizes.push(size),
                None => eprintln!("ignoring {other:?}: a size is COUNT or COUNTxYEARS"),
            },
        }
    }
    if options.sizes.is_empty() {
        options.sizes = ["1000", "10000", "100000x10"]
            .iter()
            .filter_map(|size| Size::parse(size))
            .collect();
        options.archived = true;
    }
    options.runs = options.runs.max(1);
    options
}

fn main() {
    let options = options();
    let disclose = PathBuf::from(env!("CARGO_BIN_EXE_disclose"));
    let hugo = options.hugo && Command::new("hugo").arg("version").output().is_ok();
    if options.hugo && !hugo {
        println!("hugo is not installed (apt-get install hugo): timing disclose alone");
    }
    if let Some(folder) = &options.write_only {
        for size in &options.sizes {
            let target = folder.join(size.label().replace(' ', "-"));
            let written =
                sites::write_disclose_site(&target.join("site"), size.years, size.per_year())
                    .and_then(|()| {
                        sites::write_hugo_site(&target.join("hugo"), size.years, size.per_year())
                    });
            match written {
                Ok(()) => println!("wrote {}", target.display()),
                Err(err) => eprintln!("{}: {err}", target.display()),
            }
        }
        return;
    }
    println!(
        "disclose build benchmark: {} runs each, median shown",
        options.runs
    );
    let mut table = Vec::new();
    for size in &options.sizes {
        match bench_size(&disclose, *size, &options, hugo) {
            Ok(rows) => table.extend(rows),
            Err(err) => eprintln!("{}: {err}", size.label()),
        }
    }
    println!("\n| site | disclose | peak RSS | hugo | peak RSS | disclose / hugo |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for row in table {
        println!("{row}");
    }
}

fn bench_size(
    disclose: &Path,
    size: Size,
    options: &Options,
    hugo: bool,
) -> Result<Vec<String>, String> {
    let work = tempfile::Builder::new()
        .prefix("disclose-bench-")
        .tempdir()
        .map_err(|err| format!("temp dir: {err}"))?;
    let site = work.path().join("site");
    let peer = work.path().join("hugo");
    fs::create_dir_all(&site).map_err(|err| err.to_string())?;
    sites::write_disclose_site(&site, size.years, size.per_year())
        .map_err(|err| format!("writing the disclose site: {err}"))?;
    if hugo {
        sites::write_hugo_site(&peer, size.years, size.per_year())
            .map_err(|err| format!("writing the hugo site: {err}"))?;
    }
    println!("\n{}:", size.label());
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for run in 0..options.runs {
        if hugo {
            let out = work.path().join(format!("hugo-out-{run}"));
            let mut command = Command::new("hugo");
            command.args(["--quiet", "--source"]).arg(&peer);
            command.arg("--destination").arg(&out);
            let result = timed(&mut command)?;
            println!("  hugo     run {run}: {}", describe(&result));
            theirs.push(result);
        }
        let out = work.path().join(format!("out-{run}"));
        let result = timed(&mut build_command(disclose, &site, &out))?;
        println!("  disclose run {run}: {}", describe(&result));
        ours.push(result);
    }
    let mut rows = vec![row(&size.label(), &mut ours, &mut theirs)];
    if options.archived && size.years > 1 {
        rows.extend(archived_runs(
            disclose,
            size,
            &site,
            work.path(),
            options.runs,
        )?);
    }
    remove_and_settle(work);
    Ok(rows)
}

/// Snapshot every year but the last, then time full builds (with `archive/` set aside),
/// archived ones and `cp -r` of the archived years alternately, so that all see the same
/// machine: page cache, memory and disk fill up over a session, and the runs late in it are
/// slower. Then rebuild the first full output and the first archived one, as an office
/// rebuilds `public/` (the replaced output is removed in the background, after the build
/// returned).
fn archived_runs(
    disclose: &Path,
    size: Size,
    site: &Path,
    work: &Path,
    runs: usize,
) -> Result<Vec<String>, String> {
    snapshot_all_but_last(disclose, size, site)?;
    let archive = site.join("archive");
    // The kept copies of the archived years go with them: a build that finds a year no longer
    // archived removes its copies, which is not what a full build is timed for.
    let kept = site.join(".disclose-cache/published");
    let (set_aside, kept_aside) = (work.join("archive-set-aside"), work.join("kept-set-aside"));
    let mut full = Vec::new();
    let mut archived = Vec::new();
    let mut copied = Vec::new();
    let move_archive = |from: &Path, to: &Path| {
        let (kept_from, kept_to) = if from == archive {
            (&kept, &kept_aside)
        } else {
            (&kept_aside, &kept)
        };
        if kept_from.exists() {
            fs::rename(kept_from, kept_to)
                .map_err(|err| format!("{}: {err}", kept_from.display()))?;
        }
        fs::rename(from, to).map_err(|err| format!("{}: {err}", from.display()))
    };
    for run in 0..runs {
        move_archive(&archive, &set_aside)?;
        let result = timed(&mut build_command(
            disclose,
            site,
            &work.join(format!("full-out-{run}")),
        ));
        move_archive(&set_aside, &archive)?;
        let result = result?;
        println!(
            "  full run {run} (archive/ set aside): {}",
            describe(&result)
        );
        full.push(result);
        let out = work.join(format!("archived-out-{run}"));
        let result = timed(&mut build_command(disclose, site, &out))?;
        println!("  archived run {run}: {}", describe(&result));
        archived.push(result);
        let result = timed(&mut copy_command(
            &archive,
            &work.join(format!("cp-out-{run}")),
        )?)?;
        println!(
            "  cp -r of the archived years, run {run}: {}",
            describe(&result)
        );
        copied.push(result);
    }
    // An office rebuilds `public/` again and again. The first rebuild of an output has no year
    // folders carried over yet (`.NAME.carried/`, from the output before it); later ones do.
    let full_out = work.join("full-out-0");
    let full_rebuilt = rebuilds(site, &full_out, 2, "full", &mut || {
        move_archive(&archive, &set_aside)?;
        let run = timed(&mut build_command(disclose, site, &full_out));
        move_archive(&set_aside, &archive)?;
        run
    })?;
    let archived_out = work.join("archived-out-0");
    // Five archived rebuilds: the two copies of each year folder that rebuilds alternate
    // between are each listed once (rebuilds 1 and 2) before their listings are remembered
    // (`disclose::listing`) from rebuild 3 on, the steady state of an office's rebuilds.
    let mut rebuilt = rebuilds(site, &archived_out, 5, "archived", &mut || {
        timed(&mut build_command(disclose, site, &archived_out))
    })?;
    let full = median(&mut full).wall;
    let label = format!("{}, {} archived", size.label(), size.years - 1);
    // A row with its time as a share of `whole`, the full build or rebuild.
    let row = |label: &str, run: &Run, whole: (&str, Duration)| {
        format!(
            "| {label} | {:.2} s ({:.2} of the full {} in this run, {:.2} s) | {} | | | |",
            run.wall.as_secs_f64(),
            run.wall.as_secs_f64() / whole.1.as_secs_f64(),
            whole.0,
            whole.1.as_secs_f64(),
            mib(run.peak_rss_kib)
        )
    };
    let copy_label = format!("`cp -r` of the {} archived years alone", size.years - 1);
    Ok(vec![
        row(&label, median(&mut archived), ("build", full)),
        row(&copy_label, median(&mut copied), ("build", full)),
        format!(
            "| {}, full, first rebuilt over its output | {:.2} s | {} | | | |",
            size.label(),
            full_rebuilt[0].wall.as_secs_f64(),
            mib(full_rebuilt[0].peak_rss_kib)
        ),
        format!(
            "| {}, full, rebuilt again | {:.2} s | {} | | | |",
            size.label(),
            full_rebuilt[1].wall.as_secs_f64(),
            mib(full_rebuilt[1].peak_rss_kib)
        ),
        row(
            &format!("{label}, first rebuilt over its output"),
            &rebuilt[0],
            ("first rebuild", full_rebuilt[0].wall),
        ),
        row(
            &format!("{label}, rebuilt again, carried folders read (the slower of two)"),
            median(&mut rebuilt[1..3]),
            ("rebuild again", full_rebuilt[1].wall),
        ),
        row(
            &format!("{label}, rebuilt again, carried folders remembered (the slower of two)"),
            median(&mut rebuilt[3..]),
            ("rebuild again", full_rebuilt[1].wall),
        ),
        row(
            &format!("{label}, rebuilt again, carried folders remembered, against the full build"),
            median(&mut rebuilt[3..]),
            ("build", full),
        ),
    ])
}

/// Rebuild `out` with `build` `times` times, as an office rebuilds `public/`. A rebuild links
/// unchanged files from the output it replaces (when they are in the page cache), and the
/// replaced output's leftovers are then removed in the background, which slows whatever ext4
/// allocates next. So each rebuild starts after the previous one's remover finished and the file
/// system settled, with the site, the old output and the folders carried over from the output
/// before it read into memory (this machine drops its page cache within minutes).
fn rebuilds(
    site: &Path,
    out: &Path,
    times: usize,
    label: &str,
    build: &mut dyn FnMut() -> Result<Run, String>,
) -> Result<Vec<Run>, String> {
    let carried = out.with_file_name(format!(
        ".{}.carried",
        out.file_name().unwrap_or_default().to_string_lossy()
    ));
    let mut runs = Vec::with_capacity(times);
    for rebuild in 0..times {
        let work = out.parent().unwrap_or(out);
        settle_after_removal(work, REBUILD_SETTLE);
        read_into_page_cache(&[site, out, &carried]);
        let run = build()?;
        let state = match rebuild {
            0 => "nothing carried over yet",
            1 | 2 => "its year folders carried over",
            _ => "its year folders carried over, their listings remembered",
        };
        println!(
            "  {label}, rebuilt into run 0's output ({state}): {}",
            describe(&run)
        );
        runs.push(run);
    }
    Ok(runs)
}

/// GNU `cp -r` of every archived year into a fresh folder: what copying the archived output
/// costs on this file system with nothing rendered, verified or hashed, the floor under the
/// archived build's copy (the build copies the same files, on both cores).
fn copy_command(archive: &Path, out: &Path) -> Result<Command, String> {
    fs::create_dir_all(out).map_err(|err| format!("{}: {err}", out.display()))?;
    let mut years: Vec<PathBuf> = fs::read_dir(archive)
        .map_err(|err| format!("{}: {err}", archive.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    years.sort();
    let mut command = Command::new("cp");
    command.arg("-r").args(years).arg(out);
    Ok(command)
}

/// `disclose snapshot YEAR` for every year but the last (not timed).
fn snapshot_all_but_last(disclose: &Path, size: Size, site: &Path) -> Result<(), String> {
    let last = sites::FIRST_YEAR + size.years - 1;
    let started = Instant::now();
    for year in sites::FIRST_YEAR..last {
        let status = Command::new(disclose)
            .arg("--root")
            .arg(site)
            .args(["snapshot", &year.to_string()])
            .stdout(Stdio::null())
            .status()
            .map_err(|err| format!("snapshot {year}: {err}"))?;
        if !status.success() {
            return Err(format!("snapshot {year} failed"));
        }
    }
    println!(
        "  archived {} of {} years in {:.1} s (not part of the build)",
        size.years - 1,
        size.years,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn build_command(disclose: &Path, site: &Path, out: &Path) -> Command {
    let mut command = Command::new(disclose);
    command
        .arg("--root")
        .arg(site)
        .arg("build")
        .arg("--out")
        .arg(out);
    command
}

/// Run `command` to completion, timing it and reading its peak RSS from `wait4`.
///
/// Everything written before is flushed to disk first (not timed): a build of 100,000 pages
/// leaves about 2 GB for the kernel to write back, and a run that starts while that is going
/// on pays for its predecessor (the archived builds right after three full ones took 12–14 s
/// instead of 8–9 s).
fn timed(command: &mut Command) -> Result<Run, String> {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|err| format!("{command:?}: {err}"))?;
    // Both pipes are drained at once, so a chatty child never blocks on a full one.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(child.stdout.take().map(|pipe| Box::new(pipe) as _));
    let stderr = drain(child.stderr.take().map(|pipe| Box::new(pipe) as _));
    let pid = child.id();
    let (status, peak_rss_kib) = wait4(pid)?;
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let wall = started.elapsed();
    if status != 0 {
        return Err(format!("{command:?} failed ({status}):\n{stdout}{stderr}"));
    }
    let phases = stdout
        .lines()
        .find(|line| line.starts_with("built "))
        .and_then(|line| Some(line.split_once(" (")?.1.rsplit_once(");")?.0.to_string()))
        .unwrap_or_default();
    Ok(Run {
        wall,
        peak_rss_kib,
        phases,
    })
}

/// Reap `pid`, returning its exit status and its peak resident set in KiB.
fn wait4(pid: u32) -> Result<(i32, u64), String> {
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in; pid is our own unreaped child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if reaped < 0 {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, usage.ru_maxrss.max(0) as u64))
}

/// How long after a mass deletion no build is timed. ext4 without a journal (as on the
/// benchmark machine) skips inodes freed in the last 60 seconds when it allocates new ones (300
/// more while their inode table block is unwritten), scanning past each of them: a build of the
/// 100,000-declaration site with nine years archived took 26 s instead of 9 s right after
/// another output of it was deleted. `sync` first, so the blocks are written.
const SETTLE: Duration = Duration::from_secs(65);

/// How long before each rebuild after the previous one's remover finished: the 60 s of
/// [`SETTLE`] and the 300 more that apply while the freed inodes' table blocks are rewritten,
/// which new files next to them do at once.
const REBUILD_SETTLE: Duration = Duration::from_secs(370);

/// Read every file under `folders` (not timed). This machine's page cache empties within
/// minutes of a file's last use, so after [`REBUILD_SETTLE`] a rebuild would otherwise read its
/// site and the output it replaces from disk, unlike the runs before it.
fn read_into_page_cache(folders: &[&Path]) {
    for folder in folders {
        for entry in walkdir::WalkDir::new(folder).into_iter().flatten() {
            if entry.file_type().is_file() {
                let _ = fs::read(entry.path());
            }
        }
    }
}

/// Wait for background removers in `folder`, flush, and wait `settle`.
fn settle_after_removal(folder: &Path, settle: Duration) {
    wait_for_removers(folder);
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    std::thread::sleep(settle);
}

/// Wait for background removers, remove the work folder, then let the file system settle.
fn remove_and_settle(folder: tempfile::TempDir) {
    let started = Instant::now();
    wait_for_removers(folder.path());
    drop(folder);
    let removed = started.elapsed();
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    std::thread::sleep(SETTLE);
    println!(
        "  (removed the outputs in {:.1} s, then waited {} s for the file system to settle)",
        removed.as_secs_f64(),
        SETTLE.as_secs()
    );
}

/// Wait (up to ten minutes) until no `.NAME.retired-PID` folder a background remover is
/// removing is left in `folder`, so that the work folder is not removed from under it.
fn wait_for_removers(folder: &Path) {
    let deadline = Instant::now() + Duration::from_secs(600);
    let removing = || {
        fs::read_dir(folder).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|entry| entry.file_name().to_string_lossy().contains(".retired-"))
        })
    };
    while removing() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn median(runs: &mut [Run]) -> &Run {
    runs.sort_by_key(|run| run.wall);
    &runs[runs.len() / 2]
}

fn describe(run: &Run) -> String {
    let mut text = format!(
        "{:.2} s, peak {}",
        run.wall.as_secs_f64(),
        mib(run.peak_rss_kib)
    );
    if !run.phases.is_empty() {
        text.push_str(&format!("\n      {}", run.phases));
    }
    text
}

fn row(label: &str, ours: &mut [Run], theirs: &mut [Run]) -> String {
    let ours = median(ours);
    let (ours_wall, ours_rss) = (ours.wall, ours.peak_rss_kib);
    if theirs.is_empty() {
        return format!(
            "| {label} | {:.2} s | {} | – | – | – |",
            ours_wall.as_secs_f64(),
            mib(ours_rss)
        );
    }
    let theirs = median(theirs);
    format!(
        "| {label} | {:.2} s | {} | {:.2} s | {} | {:.2} |",
        ours_wall.as_secs_f64(),
        mib(ours_rss),
        theirs.wall.as_secs_f64(),
        mib(theirs.peak_rss_kib),
        ours_wall.as_secs_f64() / theirs.wall.as_secs_f64()
    )
}

fn mib(kib: u64) -> String {
    format!("{} MiB", kib / 1024)
}
