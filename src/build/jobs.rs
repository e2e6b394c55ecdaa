//! The parallel part of [`super::produce`]: every page, each live year's open data, each
//! archived year and the assets, as independent jobs on rayon's pool. Each job hands its files
//! to the sink as it makes them and returns only their paths and hashes.
//!
//! The archived years and the live jobs are two halves started together ([`run_jobs`]): an
//! archived year is one long job that cannot be split (it makes its folders one after another,
//! [`sink::make_folders_of`]), so it must start early and on either thread, or it is left to run
//! alone at the end. The live half first takes each live year's folder as the last build left
//! it, to be rewritten ([`Sink::carry_over_rewritten`]); then one thread makes the pages'
//! folders (most of them already there) the same way while the other writes the open data and
//! assets.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::{BuildError, Scope, Timings, emit_all};
use crate::archive::{self, ArchivedYear, Archives};
use crate::diagnostics::Diagnostics;
use crate::render::{self, Page, Renderer};
use crate::sink::{self, Sink, Written};
use crate::site::{self, Site};

/// Run every job of `scope`, timing the whole ("pages and data") and each kind's CPU time.
pub(super) fn run(
    site: &Site,
    archives: &Archives,
    renderer: &Renderer,
    scope: Scope,
    sink: &dyn Sink,
    timings: &mut Timings,
) -> Result<Vec<Written>, BuildError> {
    let jobs = jobs(site, archives, renderer, scope);
    let cpu = CpuTime::default();
    let written = timings.time("pages and data", || {
        run_jobs(&jobs, site, renderer, sink, &cpu)
    })?;
    cpu.record(timings);
    Ok(written)
}

/// One unit of parallel work in [`produce`]; each makes one or a few files.
enum Job<'a> {
    YearData(&'a site::Year),
    Archived(&'a ArchivedYear),
    Page(Page<'a>),
    Assets,
}

/// CPU time spent per kind of job, summed over threads.
#[derive(Default)]
struct CpuTime {
    pages: AtomicU64,
    data: AtomicU64,
    archives: AtomicU64,
}

impl CpuTime {
    fn add(&self, job: &Job, took: Duration) {
        let counter = match job {
            Job::Page(_) | Job::Assets => &self.pages,
            Job::YearData(_) => &self.data,
            Job::Archived(_) => &self.archives,
        };
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        counter.fetch_add(nanos, Ordering::Relaxed);
    }

    fn record(&self, timings: &mut Timings) {
        let read = |counter: &AtomicU64| Duration::from_nanos(counter.load(Ordering::Relaxed));
        timings.0.push(("  render cpu", read(&self.pages)));
        timings.0.push(("  open data cpu", read(&self.data)));
        timings
            .0
            .push(("  archived years cpu", read(&self.archives)));
    }
}

fn jobs<'a>(
    site: &'a Site,
    archives: &'a Archives,
    renderer: &Renderer<'a>,
    scope: Scope,
) -> Vec<Job<'a>> {
    let data_in_scope = |year: u16| match scope {
        Scope::Site => true,
        Scope::Year(only) => year == only,
        Scope::Touched(_) => false,
    };
    let live = |year: &&site::Year| data_in_scope(year.year) && !renderer.is_archived(year.year);
    // Archived years first: `run_jobs` starts them on a thread of their own.
    let mut jobs: Vec<Job> = match scope {
        Scope::Site => archives.years.iter().map(Job::Archived).collect(),
        _ => Vec::new(),
    };
    jobs.extend(site.years.iter().filter(live).map(Job::YearData));
    if !matches!(scope, Scope::Touched(_)) {
        jobs.push(Job::Assets);
    }
    let pages = renderer.pages().into_iter();
    jobs.extend(
        pages
            .filter(|page| match scope {
                Scope::Site => true,
                Scope::Year(year) => page.year() == Some(year),
                Scope::Touched(touched) => touched.covers(page),
            })
            .map(Job::Page),
    );
    jobs
}

fn run_jobs(
    jobs: &[Job],
    site: &Site,
    renderer: &Renderer,
    sink: &dyn Sink,
    cpu: &CpuTime,
) -> Result<Vec<Written>, BuildError> {
    let run_all = |jobs: &[Job], max_len: usize| -> Vec<Result<Vec<Written>, BuildError>> {
        jobs.par_iter()
            .with_max_len(max_len)
            .map(|job| {
                let started = Instant::now();
                let result = run_job(job, site, renderer, sink);
                cpu.add(job, started.elapsed());
                result
            })
            .collect()
    };
    // The archived years start at once on one thread while the other takes the live pages;
    // each takes the other's work when it runs out. An archived year makes its folders one
    // after another (`archive::copy`), a long job that cannot be split: in one list, where
    // they waited behind the pages on a single thread, they left one core idle for seconds at
    // the end. For the same reason each year is a job of its own that an idle thread can take
    // (rayon would otherwise hand several years to one thread as a single piece of work).
    let archived = jobs.partition_point(|job| matches!(job, Job::Archived(_)));
    let (archived_years, live) = jobs.split_at(archived);
    // Within the live half, the same holds for the pages' folders: two threads making them as
    // their pages came locked each other out (a 10,000 build's render CPU went from 2 s to 6 s
    // when the file system was slow). So one thread makes them all first while the other
    // writes the open data and assets.
    let pages_start = live.partition_point(|job| !matches!(job, Job::Page(_)));
    let (data_and_assets, pages) = live.split_at(pages_start);
    // Each live year's folder as the last build left it, rewritten in place of a new one
    // (`output::carry`): its 10,000 folders need not be made again. Taken before anything is
    // written into it, each year on either thread (listing one is about 0.2 s at 10,000).
    let live_years: Vec<String> = (data_and_assets.iter())
        .filter_map(|job| match job {
            Job::YearData(year) => Some(year.year.to_string()),
            _ => None,
        })
        .collect();
    let carry_over_live_years = || {
        (live_years.par_iter().with_max_len(1))
            .try_for_each(|year| sink.carry_over_rewritten(year).map(drop))
    };
    let folders_then_pages = || -> Result<_, BuildError> {
        let paths = pages.iter().filter_map(|job| match job {
            Job::Page(page) => Some(page.path()),
            _ => None,
        });
        sink::make_folders_of(sink, paths)?;
        Ok(run_all(pages, usize::MAX))
    };
    let (mut results, live_results) = rayon::join(
        || run_all(archived_years, 1),
        || -> Result<_, BuildError> {
            carry_over_live_years()?;
            Ok(rayon::join(
                || run_all(data_and_assets, 1),
                folders_then_pages,
            ))
        },
    );
    let (data_results, page_results) = live_results?;
    results.extend(data_results);
    results.extend(page_results?);
    let mut written = Vec::with_capacity(results.len());
    let mut problems = Diagnostics::new();
    let mut page_failures = Vec::new();
    for (job, result) in jobs.iter().zip(results) {
        match (job, result) {
            (_, Ok(files)) => written.extend(files),
            (Job::Page(page), Err(BuildError::Invalid(found))) => {
                let path = page.path();
                page_failures.extend(found.iter().map(|problem| (path.clone(), problem.clone())));
            }
            (_, Err(BuildError::Invalid(found))) => problems.extend(found.iter().cloned()),
            (_, Err(other)) => return Err(other),
        }
    }
    problems.extend(render::errors::collapse_repeats(page_failures));
    if problems.is_empty() {
        Ok(written)
    } else {
        Err(BuildError::Invalid(problems.sorted()))
    }
}

fn run_job(
    job: &Job,
    site: &Site,
    renderer: &Renderer,
    sink: &dyn Sink,
) -> Result<Vec<Written>, BuildError> {
    match job {
        Job::Page(page) => Ok(vec![sink::emit(sink, renderer.render(page)?)?]),
        Job::YearData(year) => emit_all(sink, crate::export::year_files(&site.config, year)?),
        Job::Assets => emit_all(sink, renderer.assets()),
        Job::Archived(archived) => {
            archive::copy::publish(archived, sink).map_err(|err| match err {
                archive::copy::CopyError::Invalid(problems) => {
                    let mut diagnostics = Diagnostics::new();
                    diagnostics.extend(problems);
                    BuildError::Invalid(diagnostics)
                }
                archive::copy::CopyError::Output(err) => BuildError::Output(err),
            })
        }
    }
}
