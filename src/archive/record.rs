//! `snapshot.toml`: the record of one archived year. It says when the year was frozen, by which
//! disclose, what it totalled, and which source files it was rendered from, so that `check` can
//! tell when `content/YEAR/` has moved on since, and the home page can show an archived year even
//! after its sources are gone.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::diagnostics::display_path;
use crate::manifest::sha256_hex;
use crate::model::Date;
use crate::site::Totals;

/// The record's file name inside `archive/YEAR/`.
pub use crate::layout::RECORD;

/// One source file the snapshot was rendered from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Relative to the site root, `/`-separated, e.g. `content/2023/hui-yi-fei.toml`.
    pub path: String,
    pub sha256: String,
}

/// The year's figures as published, in 元 (plain decimals, e.g. `249550.00`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordTotals {
    pub annual: String,
    pub appropriation: String,
    pub carryover: String,
    pub other: String,
}

/// The whole record, as written to `snapshot.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub year: u16,
    /// Snapshot day, `YYYY-MM-DD` (UTC): when this version was frozen (for an amended year, the
    /// day of the latest amendment; the first version's day is `amendments[0].replaced_date`).
    pub date: String,
    /// Snapshot time, RFC 3339 UTC.
    pub time: String,
    /// Where the time came from: `SOURCE_DATE_EPOCH`, `declarations`, or (an amendment made
    /// without `SOURCE_DATE_EPOCH`) `amendment`, the day it was made.
    pub time_from: String,
    pub disclose_version: String,
    pub declarations: usize,
    /// SHA-256 of the `HASH  path` lines of `sources`, in path order: one hash for the whole year.
    pub sources_sha256: String,
    pub totals: RecordTotals,
    pub sources: Vec<Source>,
    /// Every amendment (`snapshot --amend`), oldest first; the versions they replaced are kept in
    /// `versions/N/`. Empty (and not written) for a year never amended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<crate::corrections::Amendment>,
}

impl Record {
    /// `time` as a point in time, if it is the RFC 3339 UTC time disclose writes (seconds since
    /// 1970, whole). Kept copies of the year's files carry it as their modification time
    /// ([`super::store`]).
    pub fn frozen_at(&self) -> Option<SystemTime> {
        let datetime: toml_datetime::Datetime = self.time.parse().ok()?;
        let (date, time) = (datetime.date?, datetime.time?);
        let utc = matches!(
            datetime.offset?,
            toml_datetime::Offset::Z | toml_datetime::Offset::Custom { minutes: 0 }
        );
        let day = Date::new(date.year, date.month, date.day).filter(|_| utc)?;
        let seconds = days_from_civil(day) * 86_400
            + i64::from(time.hour) * 3600
            + i64::from(time.minute) * 60
            + i64::from(time.second.unwrap_or(0));
        UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(seconds).ok()?))
    }

    pub fn to_toml(&self) -> Result<String, String> {
        let body = toml::to_string(self).map_err(|err| err.to_string())?;
        Ok(format!(
            "# disclose snapshot record: when this year was frozen, and from which sources.\n{body}"
        ))
    }

    pub fn from_toml(text: &str) -> Result<Record, String> {
        toml::from_str(text).map_err(|err| err.to_string())
    }

    /// The recorded figures; an unreadable amount is an error naming the field.
    pub fn totals(&self) -> Result<Totals, String> {
        let parse = |field: &str, text: &str| {
            text.parse::<Decimal>()
                .map_err(|_| format!("totals.{field}: {text:?} is not a decimal amount"))
        };
        Ok(Totals {
            count: self.declarations,
            annual: parse("annual", &self.totals.annual)?,
            appropriation: parse("appropriation", &self.totals.appropriation)?,
            carryover: parse("carryover", &self.totals.carryover)?,
            other: parse("other", &self.totals.other)?,
        })
    }
}

impl From<&Totals> for RecordTotals {
    fn from(totals: &Totals) -> Self {
        let plain = crate::money::plain_yuan;
        RecordTotals {
            annual: plain(totals.annual),
            appropriation: plain(totals.appropriation),
            carryover: plain(totals.carryover),
            other: plain(totals.other),
        }
    }
}

/// Every file of `content/YEAR/` (hidden files excepted) with its SHA-256, in path order.
/// A missing folder gives an empty list.
pub fn hash_sources(root: &Path, year: u16) -> Result<Vec<Source>, String> {
    // Reading and hashing are the cost; a year has thousands of files.
    let mut sources = source_files(root, year)?
        .par_iter()
        .map(|entry| hash_source(root, entry.path()))
        .collect::<Result<Vec<Source>, String>>()?;
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(sources)
}

/// The files [`hash_sources`] hashes: every file of `content/YEAR/` but hidden ones, in path
/// order (none when the folder is missing).
pub fn source_files(root: &Path, year: u16) -> Result<Vec<walkdir::DirEntry>, String> {
    let folder = root.join("content").join(year.to_string());
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(&folder).sort_by_file_name() {
        let entry = entry.map_err(|err| format!("{}: cannot read: {err}", folder.display()))?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if entry.file_type().is_file() && !hidden {
            files.push(entry);
        }
    }
    Ok(files)
}

/// Read and hash one source file; its path in the result is relative to `root`.
pub fn hash_source(root: &Path, path: &Path) -> Result<Source, String> {
    let bytes = fs::read(path).map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
    let relative = path.strip_prefix(root).unwrap_or(path);
    Ok(Source {
        path: display_path(relative),
        sha256: sha256_hex(&bytes),
    })
}

/// One hash for a list of sources: SHA-256 of their `HASH  path` lines.
pub fn combined_hash(sources: &[Source]) -> String {
    let lines: String = sources
        .iter()
        .map(|source| format!("{}  {}\n", source.sha256, source.path))
        .collect();
    sha256_hex(lines.as_bytes())
}

/// When a snapshot is taken, in seconds since 1970 (UTC), and where that came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotTime {
    pub epoch: u64,
    pub from_environment: bool,
}

impl SnapshotTime {
    /// `SOURCE_DATE_EPOCH` when set (reproducible builds convention); otherwise the latest
    /// 计划开始日期 among the year's declarations, or 1 January of the year. Never the wall clock,
    /// so the same sources give the same snapshot.
    pub fn choose(
        source_date_epoch: Option<&str>,
        year: u16,
        starts: impl Iterator<Item = Date>,
    ) -> Result<SnapshotTime, String> {
        if let Some(text) = source_date_epoch.filter(|text| !text.trim().is_empty()) {
            let epoch = text.trim().parse::<u64>().map_err(|_| {
                format!("SOURCE_DATE_EPOCH={text:?} is not a whole number of seconds since 1970")
            })?;
            return Ok(SnapshotTime {
                epoch,
                from_environment: true,
            });
        }
        let fallback = Date::new(year, 1, 1).unwrap_or(Date {
            year,
            month: 1,
            day: 1,
        });
        let latest = starts.max().unwrap_or(fallback);
        Ok(SnapshotTime {
            epoch: days_from_civil(latest).max(0) as u64 * 86_400,
            from_environment: false,
        })
    }

    pub fn date(&self) -> Date {
        civil_from_days((self.epoch / 86_400) as i64)
    }

    pub fn rfc3339(&self) -> String {
        let seconds = self.epoch % 86_400;
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )
    }
}

/// Days since 1970-01-01 of a date (Howard Hinnant's algorithm).
fn days_from_civil(date: Date) -> i64 {
    let (month, day) = (i64::from(date.month), i64::from(date.day));
    let year = i64::from(date.year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01; years past 9999 clamp to 9999-12-31.
fn civil_from_days(days: i64) -> Date {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    if year > 9999 {
        return Date {
            year: 9999,
            month: 12,
            day: 31,
        };
    }
    Date {
        year: year as u16,
        month: month as u8,
        day: day as u8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_converts_to_utc_dates_both_ways() {
        let time = SnapshotTime::choose(Some("1709251200"), 2023, std::iter::empty());
        let time = time.unwrap_or(SnapshotTime {
            epoch: 0,
            from_environment: false,
        });
        assert_eq!(time.rfc3339(), "2024-03-01T00:00:00Z");
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2023, 12, 31), (2024, 3, 1)] {
            let date = Date::new(y, m, d).unwrap_or(Date {
                year: 0,
                month: 0,
                day: 0,
            });
            assert_eq!(civil_from_days(days_from_civil(date)), date);
        }
    }

    #[test]
    fn without_the_environment_the_latest_start_date_is_used() {
        let starts = [Date::new(2023, 1, 1), Date::new(2023, 6, 15)];
        let time = SnapshotTime::choose(None, 2023, starts.into_iter().flatten());
        assert_eq!(
            time.map(|time| (time.rfc3339(), time.from_environment)),
            Ok(("2023-06-15T00:00:00Z".to_string(), false))
        );
        assert!(SnapshotTime::choose(Some("yesterday"), 2023, std::iter::empty()).is_err());
    }

    #[test]
    fn the_recorded_time_is_read_as_a_point_in_time_only_when_utc() {
        let zero = || "0".to_string();
        let mut record = Record {
            year: 2023,
            date: "2024-03-01".into(),
            time: "2024-03-01T12:34:56Z".into(),
            time_from: "SOURCE_DATE_EPOCH".into(),
            disclose_version: "0".into(),
            declarations: 0,
            sources_sha256: String::new(),
            totals: RecordTotals {
                annual: zero(),
                appropriation: zero(),
                carryover: zero(),
                other: zero(),
            },
            sources: Vec::new(),
            amendments: Vec::new(),
        };
        let at = |record: &Record| {
            let since = record.frozen_at()?.duration_since(UNIX_EPOCH).ok()?;
            Some(since.as_secs())
        };
        assert_eq!(at(&record), Some(1_709_296_496));
        for other in ["2024-03-01T12:34:56+08:00", "2024-03-01", "yesterday"] {
            record.time = other.into();
            assert_eq!(at(&record), None, "{other}");
        }
    }
}
