//! Product usage imported from a CSV file (DESIGN §3 usage_daily, "from CRM properties or CSV
//! import"): how the file's columns map, what a preview shows before anything is written, and
//! what an import did.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a column of the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    Account,
    Date,
    ActiveUsers,
    SeatsUsed,
    /// Events of one key feature that day (the header names the feature).
    Feature,
    Ignore,
}

/// How the account column names an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AccountKey {
    /// The CRM id, else the domain, else the name: the first that matches.
    Auto,
    CrmId,
    Domain,
    Name,
}

/// A role for every column of the file, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ColumnMapping {
    pub roles: Vec<ColumnRole>,
    pub account_key: AccountKey,
}

/// A line that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportIssue {
    /// 1-based, the header being line 1.
    pub line: u64,
    pub message: String,
}

/// A line as it would be imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PreviewRow {
    pub line: u64,
    pub account_id: i64,
    pub account: String,
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub active_users: Option<i64>,
    pub seats_used: Option<i64>,
    /// One value per feature column, in `ImportPreview::features` order.
    pub features: Vec<i64>,
}

/// What the file holds and would do, before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportPreview {
    pub file_name: String,
    pub headers: Vec<String>,
    pub mapping: ColumnMapping,
    /// What the mapping still lacks ("Pick the column with the date."), if anything.
    pub mapping_errors: Vec<String>,
    pub features: Vec<String>,
    /// The first lines that would be imported.
    pub sample: Vec<PreviewRow>,
    pub rows_total: u64,
    pub rows_ok: u64,
    /// The first issues, by line.
    pub issues: Vec<ImportIssue>,
    pub issues_total: u64,
    /// Lines whose account matches no account, or several.
    pub unmatched: u64,
    pub ambiguous: u64,
    pub accounts: u64,
    #[ts(type = "string | null")]
    pub first_day: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub last_day: Option<NaiveDate>,
}

/// How far an import has come.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportProgress {
    pub phase: ImportPhase,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportPhase {
    Reading,
    Writing,
    Scoring,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportReport {
    pub file_name: String,
    pub rows_read: u64,
    /// Days new or different from what the store had.
    pub rows_written: u64,
    /// Days the store had exactly so already (a re-import writes nothing).
    pub rows_unchanged: u64,
    /// Bad lines left out (only when asked to skip them).
    pub rows_skipped: u64,
    pub accounts: u64,
    pub features: Vec<String>,
    #[ts(type = "string | null")]
    pub first_day: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub last_day: Option<NaiveDate>,
    /// Accounts scored again with the new usage.
    pub rescored: u64,
}

/// One good line: an account's usage on a day (`None`: the file has no such column).
#[derive(Debug, Clone, PartialEq)]
pub struct UsageRow {
    pub line: u64,
    pub account_id: i64,
    pub day: NaiveDate,
    pub active_users: Option<i64>,
    pub seats_used: Option<i64>,
}
