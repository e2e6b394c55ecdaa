//! The command line's arguments: every subcommand and option, with the help text `--help`
//! prints. Only definitions live here; [`super::run`] dispatches them.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::import;
use crate::serve;

/// Publish 财政项目支出绩效目标申报表 (project-expenditure performance-target declarations) as a
/// static disclosure website.
#[derive(Debug, Parser)]
#[command(
    name = "disclose",
    version,
    after_help = "A new office's first site:\n  \
        disclose init site\n  \
        disclose --root site import 申报表.txt\n  \
        disclose --root site check\n  \
        disclose --root site build          # writes site/public/\n\n\
        Exit codes: 0 success, 1 content or verification failure, 2 usage error."
)]
pub struct Cli {
    /// The site folder (holding site.toml, content/, templates/, static/).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold a new site: site.toml, content/, templates/, static/. Never overwrites.
    Init {
        /// Folder to create the site in (default: --root).
        dir: Option<PathBuf>,
        /// 网站标题, written to site.toml.
        #[arg(long, default_value = "项目支出绩效目标公开")]
        title: String,
        /// 发布单位, written to site.toml.
        #[arg(long, default_value = "（发布单位）")]
        publisher: String,
    },
    /// Turn the official forms into content/YEAR/SLUG.toml files.
    ///
    /// Reads the tab-separated export, PDF text (one cell per line, or -layout), table JSON,
    /// HTML, flat indicator lists (TSV/CSV) and Excel workbooks. Fields are found by their labels,
    /// so shifted columns, split labels and merged cells are handled. All or nothing: if any form
    /// cannot be read, nothing is written.
    Import {
        /// Files holding the forms.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The input shape, instead of detecting it from each file's extension and content:
        /// tsv, csv, text (PDF text, one cell per line), layout (pdftotext -layout), json, html,
        /// pipe (cells between |), xlsx, xls.
        #[arg(long, value_name = "FORMAT", value_parser = clap::value_parser!(import::Format))]
        format: Option<import::Format>,
        /// The unit of the amounts of forms that print none.
        #[arg(long, value_name = "元|万元", value_parser = ["元", "万元"])]
        unit: Option<String>,
        /// List each form found (name, year, unit, amounts, indicators, anything unusual) and
        /// write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where to write YEAR/SLUG.toml (default: ROOT/content).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Overwrite declaration files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Validate site.toml, every declaration and the templates; publish nothing.
    Check {
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Also print the 绩效指标质量 findings (vague targets, missing 一级, …) grouped by
        /// declaration. They are facts about the forms, not warnings: --strict ignores them.
        #[arg(long)]
        quality: bool,
    },
    /// Build the site into public/ (staged: the previous output survives any failure).
    ///
    /// The output is written into a staging folder beside it and swapped in only when complete.
    /// disclose replaces only a folder that this site's own last build made (recorded in
    /// .NAME.disclose beside it) or an empty one, and never the site itself, its content/,
    /// templates/, static/ or archive/, or an archived snapshot. One build at a time writes a
    /// given folder (.NAME.lock); folders left by a killed build are removed by the next one.
    ///
    /// A file the replaced output already holds byte for byte is hard-linked from it instead of
    /// written again, so an unchanged page keeps its modification time. Archived years are
    /// hard-linked from disclose's own copies of them in .disclose-cache/published/ (an edit made
    /// through a link is noticed and replaced from archive/). A large replaced output
    /// (about 4,500 files or more) is removed by a detached disclose process after the build
    /// returns; set DISCLOSE_BACKGROUND_REMOVAL=never to wait for it, or =always to do that for
    /// every output.
    Build {
        /// Output folder (default: ROOT/public).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Override base_url from site.toml, e.g. https://example.gov.cn/budget/.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Publish declarations marked draft = true.
        #[arg(long)]
        drafts: bool,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// If another build is writing the same output folder, wait this many seconds for it to
        /// finish before giving up.
        #[arg(long, value_name = "SECONDS", default_value_t = 10)]
        wait: u64,
    },
    /// Freeze YEAR into archive/YEAR/ (pages, assets, SHA256SUMS, snapshot.toml), rendered
    /// exactly as `build` publishes it. From then on `build` copies it verbatim. The snapshot
    /// time is SOURCE_DATE_EPOCH if set, else taken from the declarations.
    ///
    /// To correct an archived year in the open, use --amend --reason "…": the corrected year
    /// becomes archive/YEAR/, the version it replaces is kept as archive/YEAR/versions/N/, and the
    /// year's 更正记录 (pages, corrections.csv, feed) shows what changed, when and why.
    Snapshot {
        /// The year to freeze, e.g. 2023.
        #[arg(value_parser = clap::value_parser!(u16).range(1000..=9999))]
        year: u16,
        /// Replace an existing snapshot of YEAR, keeping no history: the version published so
        /// far is deleted and nothing records that it changed (use --amend to keep it).
        #[arg(long, conflicts_with = "amend")]
        force: bool,
        /// Correct an already archived YEAR from content/YEAR/, keeping every earlier version
        /// published and verifiable under archive/YEAR/versions/N/. Needs --reason. Dated
        /// SOURCE_DATE_EPOCH if set, else today (the date is recorded in snapshot.toml).
        #[arg(long, conflicts_with = "tar")]
        amend: bool,
        /// Why the year is corrected (published with the correction); required with --amend.
        #[arg(long, value_name = "说明", requires = "amend")]
        reason: Option<String>,
        /// Also write archive/YEAR.tar.gz (deterministic) for offline keeping.
        #[arg(long)]
        tar: bool,
    },
    /// Check every SHA256SUMS under DIR (a built site, an archived year, a deployed copy) and
    /// name each changed, missing or unexpected file. Needs no sources.
    Verify {
        /// The folder to check, e.g. public or archive/2023.
        dir: PathBuf,
    },
    /// Preview the site locally with drafts, a 预览 marker and live reload; writes nothing.
    ///
    /// Each saved change to site.toml, content/, templates/ or static/ rebuilds the site and
    /// reloads open pages. A broken edit keeps the last good site and shows the problem over it.
    Serve {
        /// Port to listen on.
        #[arg(long, default_value_t = serve::DEFAULT_PORT)]
        port: u16,
        /// Address to listen on; the default keeps the preview on this computer.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        bind: IpAddr,
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
    },
}
