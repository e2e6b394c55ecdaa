//! disclose: publishes 财政项目支出绩效目标申报表 (project-expenditure performance-target
//! declarations) as a static disclosure website.

pub mod import;
pub mod levels;
