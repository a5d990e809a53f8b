//! What the feedback analysis reads and shows: the reason-code taxonomy, each response's themes
//! and sentiment (assigned on the device, overridable), and the insights over a period.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SurveyKind;

/// One reason code: a key kept in the store, the label people read, and the words that assign it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Theme {
    /// Lower-case letters, digits and `_`; what responses store.
    pub key: String,
    pub label: String,
    /// Words or phrases, matched on whole words ignoring case; a trailing `*` matches any ending
    /// (`integrat*` matches "integration" and "integrations").
    pub keywords: Vec<String>,
}

/// The editable reason-code taxonomy. Each edit is a new version; responses tagged under an older
/// version are tagged again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Taxonomy {
    pub version: i64,
    pub themes: Vec<Theme>,
}

/// How a sentiment score reads: VADER's usual cut-offs at ±0.05.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    Positive,
    Neutral,
    Negative,
}

impl Polarity {
    pub fn of(score: f64) -> Polarity {
        if score >= 0.05 {
            Polarity::Positive
        } else if score <= -0.05 {
            Polarity::Negative
        } else {
            Polarity::Neutral
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Neutral => "neutral",
            Polarity::Negative => "negative",
        }
    }
}

/// A response whose themes or sentiment are out of date (never tagged, or tagged under an older
/// taxonomy).
#[derive(Debug, Clone, PartialEq)]
pub struct Untagged {
    pub id: i64,
    pub verbatim: String,
}

/// One response as the analysis and the export read it (overrides already applied).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FeedbackRow {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub account_id: i64,
    pub account: String,
    pub segment: String,
    pub owner: String,
    pub arr: f64,
    pub kind: SurveyKind,
    #[ts(type = "number")]
    pub score: i64,
    pub verbatim: String,
    pub channel: String,
    pub contact: Option<String>,
    #[ts(type = "string")]
    pub captured_at: DateTime<Utc>,
    pub captured_here: bool,
    /// Theme keys, the AM's override when there is one.
    pub themes: Vec<String>,
    /// −1 (negative) to 1 (positive); none for a response without text.
    pub sentiment: Option<f64>,
    /// The AM set the themes (the text no longer decides them).
    pub themes_overridden: bool,
    pub sentiment_overridden: bool,
}

/// Which responses the analysis and the export take.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct InsightsFilter {
    /// First day, inclusive; none = from the first response.
    #[ts(type = "string | null")]
    pub from: Option<NaiveDate>,
    /// Last day, inclusive; none = up to today.
    #[ts(type = "string | null")]
    pub to: Option<NaiveDate>,
    pub segment: Option<String>,
    pub owner: Option<String>,
    /// A theme key.
    pub theme: Option<String>,
    #[ts(type = "number | null")]
    pub account_id: Option<i64>,
}

/// What the AM set by hand on one response; `None` for a field clears that override.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FeedbackOverride {
    #[ts(type = "number")]
    pub id: i64,
    pub themes: Option<Vec<String>>,
    pub sentiment: Option<Polarity>,
}

/// One month of one survey kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MonthPoint {
    /// `YYYY-MM`.
    pub month: String,
    #[ts(type = "number")]
    pub count: i64,
    /// NPS −100..100, CSAT share 0..100, CES mean 1..7; none without responses.
    pub value: Option<f64>,
}

/// One survey kind's figure over the period and month by month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KindSeries {
    pub kind: SurveyKind,
    #[ts(type = "number")]
    pub count: i64,
    pub value: Option<f64>,
    pub months: Vec<MonthPoint>,
}

/// NPS, CSAT and CES for one group (a segment, an owner or an account).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GroupFigures {
    pub group: String,
    #[ts(type = "number")]
    pub responses: i64,
    pub nps: Option<f64>,
    pub csat: Option<f64>,
    pub ces: Option<f64>,
}

/// One theme over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ThemeSummary {
    pub key: String,
    pub label: String,
    #[ts(type = "number")]
    pub count: i64,
    /// Of this theme's NPS responses, the share of detractors (0..100); none without NPS.
    pub detractor_share: Option<f64>,
    /// Mean sentiment of its responses with text.
    pub sentiment: Option<f64>,
    /// ARR of the distinct accounts that raised it.
    pub arr: f64,
    #[ts(type = "number")]
    pub accounts: i64,
}

/// An account's response rate: the share of its active contacts who answered in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ResponseRate {
    #[ts(type = "number")]
    pub account_id: i64,
    pub account: String,
    #[ts(type = "number")]
    pub contacts: i64,
    #[ts(type = "number")]
    pub responded: i64,
    /// 0..100; none for an account without active contacts.
    pub rate: Option<f64>,
}

/// The feedback analysis over a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Insights {
    pub filter: InsightsFilter,
    /// The first and last day the figures cover.
    #[ts(type = "string")]
    pub from: NaiveDate,
    #[ts(type = "string")]
    pub to: NaiveDate,
    /// The newest response counted; the figures' freshness.
    #[ts(type = "string | null")]
    pub newest: Option<DateTime<Utc>>,
    pub kinds: Vec<KindSeries>,
    pub by_segment: Vec<GroupFigures>,
    pub by_owner: Vec<GroupFigures>,
    pub by_account: Vec<GroupFigures>,
    pub themes: Vec<ThemeSummary>,
    #[ts(type = "number")]
    pub positive: i64,
    #[ts(type = "number")]
    pub neutral: i64,
    #[ts(type = "number")]
    pub negative: i64,
    pub response_rates: Vec<ResponseRate>,
    /// The newest responses with text, newest first (at most 200).
    pub verbatims: Vec<FeedbackRow>,
    pub taxonomy: Taxonomy,
    /// The monthly series as a chart (plotters SVG), light and dark.
    pub chart_svg: String,
    pub chart_svg_dark: String,
}
