//! Search-index benchmark: generated sites of 10,000 declarations in one year and 100,000 over
//! ten years (or `YEARSxPER_YEAR` arguments), indexed from the model in memory. Prints the time
//! of the shards (all years in parallel) and of publishing, the number of files and their bytes,
//! and the cost of an archived year read from its pages versus from the cache. Asserts nothing.
//!
//! `cargo bench --bench search` or `cargo bench --bench search -- 1x10000 10x10000`

#[path = "../tests/search_scale/generate.rs"]
mod generate;

use std::time::Instant;

use disclose::search::{self, YearShard};
use rayon::prelude::*;

fn sizes() -> Vec<(u16, usize)> {
    let given: Vec<(u16, usize)> = std::env::args()
        .skip(1)
        .filter_map(|arg| {
            let (years, per_year) = arg.split_once('x')?;
            Some((years.parse().ok()?, per_year.parse().ok()?))
        })
        .collect();
    if given.is_empty() {
        vec![(1, 10_000), (10, 10_000)]
    } else {
        given
    }
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    println!(
        "disclose search benchmark ({} threads)",
        rayon::current_num_threads()
    );
    for (years, per_year) in sizes() {
        let site = generate::site(years, per_year);
        let count = site.declaration_count();
        let text: usize = site
            .years
            .iter()
            .flat_map(|year| &year.declarations)
            .map(|d| {
                let doc = search::SearchDoc::from_declaration(d);
                doc.fields().map(|(text, _)| text.len()).sum::<usize>()
            })
            .sum();
        let started = Instant::now();
        let shards: Vec<YearShard> = site.years.par_iter().map(search::year_shard).collect();
        let shard_time = started.elapsed();
        let started = Instant::now();
        let files = search::publish(&shards);
        let publish_time = started.elapsed();
        let kind = |prefix: &str| {
            let matching: Vec<_> = files
                .iter()
                .filter(|f| f.path.starts_with(prefix))
                .collect();
            let bytes: usize = matching.iter().map(|f| f.bytes.len()).sum();
            let largest = matching.iter().map(|f| f.bytes.len()).max().unwrap_or(0);
            (matching.len(), bytes, largest)
        };
        let (postings, postings_bytes, largest_postings) = kind("search/postings/");
        let (fragments, fragment_bytes, largest_fragment) = kind("search/fragments/");
        println!(
            "{count:>7} declarations in {years} year(s), {:.1} MiB of searched text: \
             shards {:.0} ms + publish {:.0} ms = {:.0} ms",
            mib(text),
            shard_time.as_secs_f64() * 1000.0,
            publish_time.as_secs_f64() * 1000.0,
            (shard_time + publish_time).as_secs_f64() * 1000.0,
        );
        println!(
            "        postings: {postings} files, {:.1} MiB (largest {:.0} KiB); fragments: \
             {fragments} files, {:.1} MiB (largest {:.0} KiB); {:.0} bytes of postings a declaration",
            mib(postings_bytes),
            largest_postings as f64 / 1024.0,
            mib(fragment_bytes),
            largest_fragment as f64 / 1024.0,
            postings_bytes as f64 / count.max(1) as f64,
        );
        if let Some(year) = site.years.last() {
            archived_year(year);
        }
    }
}

/// One year as an archive: indexed from pages the size of real ones, then from the cache.
fn archived_year(year: &disclose::site::Year) {
    let pages: Vec<(String, Vec<u8>)> = year
        .declarations
        .iter()
        .map(|d| {
            let doc = search::SearchDoc::from_declaration(d);
            let indicators: String = doc
                .indicators
                .iter()
                .map(|name| format!("<tr><th headers=\"col-l3\">{name}</th><td>及时</td></tr>"))
                .collect();
            let html = format!(
                "<!DOCTYPE html><html><head><title>{n} · {y}年度</title></head><body><main>\
                 <h1>{n}</h1><table class=form-table><tr><th>主管部门</th><td>{d}</td>\
                 <th>实施单位</th><td>{i}</td></tr></table><section class=form-goals>\
                 <div class=goal><h3>项目总目标</h3></div><div class=goal><h3>年度总体目标</h3>\
                 <p>{g}</p></div></section><table class=indicators><tbody>{indicators}</tbody>\
                 </table>{pad}</main></body></html>",
                n = doc.name,
                y = year.year,
                d = doc.department,
                i = doc.implementer,
                g = doc.goals[1],
                pad = "<p class=x></p>".repeat(600),
            );
            (format!("{}/index.html", d.slug), html.into_bytes())
        })
        .collect();
    let root = match tempfile::tempdir() {
        Ok(root) => root,
        Err(err) => return eprintln!("tempdir: {err}"),
    };
    let bytes: usize = pages.iter().map(|(_, html)| html.len()).sum();
    let mut times = Vec::new();
    for _ in 0..2 {
        let started = Instant::now();
        let shard = search::cached_archived_shard(root.path(), year.year, "bench", || {
            pages
                .iter()
                .map(|(path, html)| (path.as_str(), html.as_slice()))
        });
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(shard.docs as usize, pages.len());
    }
    println!(
        "        archived {} ({} pages, {:.0} MiB of HTML): from the pages {:.0} ms, from the cache {:.0} ms",
        year.year,
        pages.len(),
        mib(bytes),
        times[0],
        times[1],
    );
}
