//! Value realization across the book (DESIGN §4): time-to-first-value and time-to-full-value by
//! contract-start cohort, counted survival-style so accounts that have not reached value yet stay
//! in their cohort as "not yet".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One account's time-to-value facts, as the store reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct TtvFacts {
    pub account_id: i64,
    pub account: String,
    pub owner: String,
    pub arr: f64,
    pub contract_start: NaiveDate,
    pub churned_on: Option<NaiveDate>,
    /// The earliest achieved first-value milestone.
    pub first_value_on: Option<NaiveDate>,
    /// The earliest achieved full-value (ROI) milestone.
    pub full_value_on: Option<NaiveDate>,
    /// The earliest due day of a first-value milestone not yet achieved.
    pub first_value_due: Option<NaiveDate>,
    /// Whether the account's plans have a first-value milestone at all.
    pub has_first_value_milestone: bool,
}

/// The share of a cohort that reached first value within `day` days of its contract start,
/// counted over the accounts whose contract began at least `day` days ago.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReachedBy {
    pub day: i64,
    /// Accounts observed for at least `day` days.
    pub observed: i64,
    pub reached: i64,
    /// `reached ÷ observed`, absent while no account has been observed that long.
    pub share: Option<f64>,
}

/// The accounts whose contract began in one quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TtvCohort {
    /// e.g. "2026 Q1".
    pub quarter: String,
    pub accounts: i64,
    pub reached_first: i64,
    /// Accounts without first value yet (churned ones included: they never got there).
    pub not_yet: i64,
    pub reached_full: i64,
    /// Reached by day 30, 60 and 90.
    pub by_day: Vec<ReachedBy>,
    /// Median days to first value (Kaplan–Meier, accounts not there yet counted as still
    /// waiting); absent while fewer than half have reached it.
    pub median_first_days: Option<f64>,
    pub median_full_days: Option<f64>,
    /// The quarter ended long enough ago for its slow starters to have had their chance; only
    /// settled cohorts with enough accounts are compared.
    pub settled: bool,
    /// 75 % of the median of the same quarter a year earlier: a cut of more than 25 % beats it.
    pub target_days: Option<f64>,
    /// 1 − median ÷ median of the same quarter a year earlier.
    pub cut: Option<f64>,
}

/// An account still waiting for first value, oldest contract first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TtvWaiting {
    pub account_id: i64,
    pub account: String,
    pub owner: String,
    pub arr: f64,
    #[ts(type = "string")]
    pub contract_start: NaiveDate,
    pub days_since_start: i64,
    /// When the plan's first-value milestone is due; absent when the plan has none open.
    #[ts(type = "string | null")]
    pub first_value_due: Option<NaiveDate>,
    pub has_first_value_milestone: bool,
    /// More days since the contract start than the "First value late" rule allows.
    pub late: bool,
}

/// The time-to-value view: cohorts, the cut against a year earlier, and who is still waiting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TtvView {
    #[ts(type = "string")]
    pub as_of: NaiveDate,
    /// Oldest first.
    pub cohorts: Vec<TtvCohort>,
    /// The latest settled cohort's cut against the same quarter a year earlier.
    pub reduction: Option<f64>,
    pub latest: Option<String>,
    pub baseline: Option<String>,
    /// The seed target: a cut of more than this share.
    pub target_cut: f64,
    /// Days after the contract start when missing first value is a warning.
    pub late_after_days: i64,
    pub accounts: i64,
    /// Accounts without a contract start, which no cohort can hold.
    pub without_start: i64,
    /// Not churned and without first value, the longest waiting first (at most `portfolio::WAITING_SHOWN`).
    pub waiting: Vec<TtvWaiting>,
    pub waiting_total: i64,
    pub late_total: i64,
    /// The cohort trend chart, light and dark.
    pub chart_svg: Option<String>,
    pub chart_svg_dark: Option<String>,
}
