//! Product adoption (DESIGN §4 "adoption"): an account's active users and seat utilisation
//! over a year, which key features it uses and how broadly, and how adoption spreads across
//! the book.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One day of an account's usage as adoption reads it; `features` are events by feature id.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageRecord {
    pub day: NaiveDate,
    pub active_users: i64,
    pub seats_used: i64,
    pub features: Vec<(i64, i64)>,
}

/// A week of usage: the average active users and seats used on the days reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UsageWeek {
    #[ts(type = "string")]
    pub week: NaiveDate,
    pub active_users: f64,
    pub seats_used: f64,
    /// Active users against seats bought; `None` with no seats on record.
    pub utilisation: Option<f64>,
    pub days: u32,
}

/// One key feature on an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FeatureUse {
    pub name: String,
    pub events_30: i64,
    pub events_prev_30: i64,
    /// Days in the last 30 with any event.
    pub days_30: u32,
    #[ts(type = "string | null")]
    pub first_used: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub last_used: Option<NaiveDate>,
}

/// An account's adoption over the year to its latest usage day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AccountAdoption {
    /// The latest day with usage on record.
    #[ts(type = "string | null")]
    pub as_of: Option<NaiveDate>,
    pub seats_purchased: i64,
    pub weeks: Vec<UsageWeek>,
    /// The latest week's utilisation, and the first week's of the year.
    pub utilisation_now: Option<f64>,
    pub utilisation_year_ago: Option<f64>,
    /// Every key feature the book knows, most used first; unused ones have no events.
    pub features: Vec<FeatureUse>,
    /// Features used in the last 30 days, of those the book knows.
    pub breadth_now: u32,
    /// Features used in the 30 days ending 90 days earlier.
    pub breadth_90_days_ago: u32,
    pub known_features: u32,
    pub chart_svg: Option<String>,
    pub chart_svg_dark: Option<String>,
}

/// A band of the book's seat utilisation, or of feature breadth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AdoptionBucket {
    pub label: String,
    pub accounts: u32,
    pub arr: f64,
}

/// One account in the book's adoption list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AdoptionRow {
    pub account_id: i64,
    pub name: String,
    pub owner: String,
    pub arr: f64,
    pub seats_purchased: i64,
    /// 7-day average active users against seats; `None` with no seats or no recent usage.
    pub utilisation: Option<f64>,
    /// The same 90 days earlier.
    pub utilisation_90_days_ago: Option<f64>,
    pub breadth: u32,
}

/// What one account's adoption is read from, book-wide.
#[derive(Debug, Clone, PartialEq)]
pub struct AdoptionFacts {
    pub account_id: i64,
    pub name: String,
    pub owner: String,
    pub arr: f64,
    pub seats_purchased: i64,
    /// Average active users over the 7 days to the book's latest usage day, and 90 days before.
    pub active_7: Option<f64>,
    pub active_7_then: Option<f64>,
    /// Key features with events in the last 30 days.
    pub breadth: u32,
}

/// The book's adoption: how utilisation and feature breadth spread, and who adopts least.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AdoptionBook {
    #[ts(type = "string | null")]
    pub as_of: Option<NaiveDate>,
    pub utilisation: Vec<AdoptionBucket>,
    pub breadth: Vec<AdoptionBucket>,
    pub known_features: u32,
    /// Accounts with usage and seats, lowest utilisation first.
    pub rows: Vec<AdoptionRow>,
    /// Accounts with no recent usage or no seats on record.
    pub without_usage: u32,
    /// ARR-weighted median utilisation of the book.
    pub median_utilisation: Option<f64>,
    pub chart_svg: Option<String>,
    pub chart_svg_dark: Option<String>,
}
