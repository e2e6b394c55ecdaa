//! The command line: dispatch of the parsed arguments ([`args`]). Logic lives in the library
//! modules; this module only calls them and prints.

mod args;

pub use args::{Cli, Command};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::archive::verify;
use crate::build::{self, BuildError, BuildOptions};
use crate::content;
use crate::diagnostics::Diagnostics;
use crate::import;
use crate::init;
use crate::output;
use crate::quality;
use crate::serve::{self, ServeOptions};
use crate::snapshot;
use crate::snapshot::amend;

/// Run the parsed command; returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Init {
            dir,
            title,
            publisher,
        } => run_init(dir.as_deref().unwrap_or(&cli.root), &title, &publisher),
        Command::Import {
            files,
            format,
            unit,
            dry_run,
            out,
            force,
        } => run_import(
            &files,
            import::ImportOptions {
                format,
                unit: unit.as_deref(),
            },
            dry_run,
            &out.unwrap_or_else(|| cli.root.join("content")),
            force,
        ),
        Command::Check { strict, quality } => run_check(&cli.root, strict, quality),
        Command::Build {
            out,
            base_url,
            drafts,
            strict,
            wait,
        } => {
            let policy = std::env::var(output::retire::POLICY_ENV).ok();
            let removal = match output::Removal::from_policy(policy.as_deref()) {
                Ok(removal) => removal,
                Err(message) => return usage_error(&message),
            };
            let options = BuildOptions {
                base_url,
                drafts,
                strict,
                wait: std::time::Duration::from_secs(wait),
                removal,
                ..BuildOptions::new(&cli.root)
            };
            run_build(&options, &out.unwrap_or_else(|| cli.root.join("public")))
        }
        Command::Snapshot {
            year,
            amend: true,
            reason,
            ..
        } => {
            let options = amend::AmendOptions {
                year,
                reason,
                source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
            };
            run_amend(&cli.root, &options)
        }
        Command::Snapshot {
            year, force, tar, ..
        } => {
            let options = snapshot::SnapshotOptions {
                year,
                force,
                tar,
                source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
            };
            run_snapshot(&cli.root, &options)
        }
        Command::Verify { dir } => run_verify(&dir),
        Command::Serve { port, bind, open } => run_serve(ServeOptions {
            port,
            bind,
            open,
            ..ServeOptions::new(&cli.root)
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            ExitCode::from(1)
        }
    }
}

/// A bad setting outside the arguments (clap reports bad arguments itself, also with 2).
fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn print_diagnostics(diagnostics: &Diagnostics) {
    let mut stderr = std::io::stderr().lock();
    for diagnostic in diagnostics.iter() {
        let _ = writeln!(stderr, "{diagnostic}");
    }
}

fn run_init(dir: &Path, title: &str, publisher: &str) -> Result<(), String> {
    let scaffolded = init::init_site(dir, title, publisher).map_err(|err| err.to_string())?;
    println!("Created a disclose site in {}:", scaffolded.root.display());
    for path in &scaffolded.created {
        println!("  {}", path.display());
    }
    println!(
        "Next: edit site.toml, then `disclose --root {} import FORMS.txt`.",
        scaffolded.root.display()
    );
    Ok(())
}

fn run_import(
    files: &[PathBuf],
    options: import::ImportOptions<'_>,
    dry_run: bool,
    out: &Path,
    force: bool,
) -> Result<(), String> {
    let mut contents = Vec::with_capacity(files.len());
    for file in files {
        let bytes =
            std::fs::read(file).map_err(|err| format!("{}: cannot read: {err}", file.display()))?;
        contents.push((file.display().to_string(), bytes));
    }
    let inputs: Vec<import::Input<'_>> = contents
        .iter()
        .map(|(name, bytes)| import::Input { name, bytes })
        .collect();
    let outcome = import::import(&inputs, options);
    if dry_run {
        for file in &outcome.files {
            println!(
                "{} (read as {}): {} form(s)",
                file.file,
                file.format,
                file.forms.len()
            );
            for note in &file.notes {
                println!("  note: {note}");
            }
            for form in &file.forms {
                println!("  {}", form.to_string().replace('\n', "\n  "));
            }
        }
    }
    if !outcome.errors.is_empty() {
        for failure in &outcome.errors {
            eprintln!("{failure}");
        }
        return Err(format!(
            "{} problem(s) in the forms; nothing was written",
            outcome.errors.len()
        ));
    }
    if dry_run {
        println!(
            "dry run: {} declaration(s) would be written to {}; nothing was written",
            outcome.declarations.len(),
            out.display()
        );
        return Ok(());
    }
    let written = import::write_declarations(&outcome.declarations, out, force)
        .map_err(|err| err.to_string())?;
    println!(
        "Imported {} declarations into {}.",
        written.len(),
        out.display()
    );
    println!("Next: `disclose check` to review warnings, then `disclose build`.");
    Ok(())
}

fn run_check(root: &Path, strict: bool, quality: bool) -> Result<(), String> {
    let options = BuildOptions {
        strict,
        drafts: true,
        ..BuildOptions::new(root)
    };
    let checked = build::check(&options);
    let checked = match checked {
        Ok(rendered) => {
            print_diagnostics(&rendered.diagnostics);
            Ok(format!(
                "checked {} declarations: {}",
                rendered.declarations,
                rendered.diagnostics.summary()
            ))
        }
        Err(err) => Err(report_failure(err)),
    };
    if quality {
        print_quality(root);
    }
    checked.map(|summary| println!("{summary}"))
}

/// The 绩效指标质量 report of every declaration that loads (drafts too), on stdout. Without a
/// readable site.toml there are no settings to run it with; `check` reports why.
fn print_quality(root: &Path) {
    let Ok(loaded) = content::load_site(root) else {
        return;
    };
    let Some(config) = &loaded.config else {
        eprintln!("quality: not run, site.toml could not be read");
        return;
    };
    let entries = loaded
        .entries
        .iter()
        .map(|entry| (&*entry.declaration, &*entry.positions));
    print!("{}", quality::report::text_report(entries, &config.quality));
}

fn run_build(options: &BuildOptions, out: &Path) -> Result<(), String> {
    match build::build(options, out) {
        Ok(rendered) => {
            print_diagnostics(&rendered.diagnostics);
            println!(
                "built {} declarations, {} files into {} ({}); {}",
                rendered.declarations,
                rendered.written.len(),
                out.display(),
                rendered.timings.summary(),
                rendered.diagnostics.summary()
            );
            if let Some(retiring) = &rendered.retiring {
                println!(
                    "the output it replaced is being removed in the background ({})",
                    retiring.display()
                );
            }
            Ok(())
        }
        Err(err) => Err(report_failure(err)),
    }
}

/// Serve until the process is stopped (Ctrl-C): nothing needs cleaning up, all is in memory.
fn run_serve(options: ServeOptions) -> Result<(), String> {
    let server = serve::Server::start(options).map_err(|err| err.to_string())?;
    server.wait();
    Ok(())
}

/// Print a failure's diagnostics and return the closing line.
fn report_failure(err: BuildError) -> String {
    if let BuildError::Invalid(diagnostics) = &err {
        print_diagnostics(diagnostics);
    }
    err.to_string()
}

fn run_snapshot(root: &Path, options: &snapshot::SnapshotOptions) -> Result<(), String> {
    let done = snapshot::snapshot(root, options).map_err(|err| match err {
        snapshot::SnapshotError::Build(err) => report_failure(err),
        other => other.to_string(),
    })?;
    print_diagnostics(&done.rendered.diagnostics);
    println!(
        "archived {} ({} declaration(s), {} files) into {}, snapshot of {}",
        done.record.year,
        done.record.declarations,
        done.files,
        done.folder.display(),
        done.record.date
    );
    if let Some(tarball) = &done.tarball {
        println!("wrote {}", tarball.display());
    }
    println!("Next: commit the archive folder; `disclose build` now publishes it verbatim.");
    Ok(())
}

fn run_amend(root: &Path, options: &amend::AmendOptions) -> Result<(), String> {
    let outcome = amend::amend(root, options).map_err(|err| match err {
        snapshot::SnapshotError::Build(err) => report_failure(err),
        other => other.to_string(),
    })?;
    let done = match outcome {
        amend::AmendOutcome::NothingChanged => {
            println!(
                "nothing changed: content/{year}/ gives the same published data as archive/{year}/; nothing was written",
                year = options.year
            );
            return Ok(());
        }
        amend::AmendOutcome::Amended(done) => done,
    };
    print_diagnostics(&done.diagnostics);
    let amendment = &done.amendment;
    println!(
        "amended {} on {} ({} change(s)): version {} is now {}, version {} is kept in {}",
        done.record.year,
        amendment.date,
        amendment.changes.len(),
        amendment.version,
        done.folder.display(),
        amendment.replaced_version(),
        done.folder
            .join(amend::VERSIONS_DIR)
            .join(amendment.replaced_version().to_string())
            .display()
    );
    if let Some(tarball) = &done.tarball {
        println!("rewrote {}", tarball.display());
    }
    println!(
        "Next: commit the archive folder; `disclose build` publishes the correction and its 更正记录."
    );
    Ok(())
}

fn run_verify(dir: &Path) -> Result<(), String> {
    let report = verify::verify_dir(dir)?;
    if report.manifests.is_empty() {
        return Err(format!(
            "{}: no SHA256SUMS found; nothing to verify",
            dir.display()
        ));
    }
    for problem in &report.problems {
        println!(
            "{}: {} (per {})",
            dir.join(&problem.path).display(),
            problem.kind,
            problem.manifests.join(", ")
        );
    }
    let summary = format!(
        "{} files, {} manifests: {} problems",
        report.files,
        report.manifests.len(),
        report.problems.len()
    );
    if report.is_ok() {
        println!("verified {}: {summary}", dir.display());
        Ok(())
    } else {
        Err(format!("{} failed verification: {summary}", dir.display()))
    }
}
