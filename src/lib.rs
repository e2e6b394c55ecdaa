//! disclose: publishes 财政项目支出绩效目标申报表 (project-expenditure performance-target
//! declarations) as a static disclosure website.
//!
//! The pipeline, readable top to bottom in [`build`]:
//! [`content`] (load, with spans) → [`validate`] → [`site`] (aggregate) → [`render`] (tera) →
//! [`export`], [`feeds`] and [`search`] (open data, feed, sitemap, search index) →
//! [`output`] (staging, manifest, swap).

pub mod archive;
pub mod build;
pub mod cli;
pub mod content;
pub mod corrections;
pub mod declaration;
pub mod diagnostics;
pub mod export;
pub mod feeds;
pub mod fields;
pub mod files;
pub mod history;
pub mod import;
pub mod init;
pub mod layout;
pub mod levels;
pub mod listing;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod money;
pub mod output;
pub mod preview;
pub mod quality;
pub mod render;
pub mod search;
pub mod serve;
pub mod sink;
pub mod site;
pub mod slug;
pub mod snapshot;
pub mod target;
pub mod touched;
pub mod validate;
