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

/// What kind of value an entry records (DESIGN §3: the ROI evidence of a success plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ValueCategory {
    TimeSaved,
    CostAvoided,
    RevenueGained,
    RiskReduced,
    Other,
}

impl ValueCategory {
    pub const ALL: [ValueCategory; 5] = [
        ValueCategory::TimeSaved,
        ValueCategory::CostAvoided,
        ValueCategory::RevenueGained,
        ValueCategory::RiskReduced,
        ValueCategory::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ValueCategory::TimeSaved => "time_saved",
            ValueCategory::CostAvoided => "cost_avoided",
            ValueCategory::RevenueGained => "revenue_gained",
            ValueCategory::RiskReduced => "risk_reduced",
            ValueCategory::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<ValueCategory> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            ValueCategory::TimeSaved => "Time saved",
            ValueCategory::CostAvoided => "Cost avoided",
            ValueCategory::RevenueGained => "Revenue gained",
            ValueCategory::RiskReduced => "Risk reduced",
            ValueCategory::Other => "Other",
        }
    }
}

/// Whether the client stands behind an entry's figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    /// The account manager's own estimate.
    Unconfirmed,
    /// Asked the client to confirm.
    Requested,
    Confirmed,
    /// The client does not agree with the figure.
    Disputed,
}

impl Confirmation {
    pub const ALL: [Confirmation; 4] = [
        Confirmation::Unconfirmed,
        Confirmation::Requested,
        Confirmation::Confirmed,
        Confirmation::Disputed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Confirmation::Unconfirmed => "unconfirmed",
            Confirmation::Requested => "requested",
            Confirmation::Confirmed => "confirmed",
            Confirmation::Disputed => "disputed",
        }
    }
    pub fn parse(s: &str) -> Option<Confirmation> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A usage figure an entry can cite as its evidence (from the account's daily usage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UsageMetric {
    ActiveUsers,
    SeatsUsed,
    FeatureEvents,
}

impl UsageMetric {
    pub const ALL: [UsageMetric; 3] = [
        UsageMetric::ActiveUsers,
        UsageMetric::SeatsUsed,
        UsageMetric::FeatureEvents,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            UsageMetric::ActiveUsers => "active_users",
            UsageMetric::SeatsUsed => "seats_used",
            UsageMetric::FeatureEvents => "feature_events",
        }
    }
    pub fn parse(s: &str) -> Option<UsageMetric> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            UsageMetric::ActiveUsers => "Active users",
            UsageMetric::SeatsUsed => "Seats in use",
            UsageMetric::FeatureEvents => "Key-feature events",
        }
    }
}

/// The usage figure cited, as it stood on the entry's day (the latest day with usage on or
/// before it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UsageFigure {
    pub metric: UsageMetric,
    pub value: f64,
    #[ts(type = "string")]
    pub on: NaiveDate,
}

/// A value entry as typed (a new one when `id` is `None`). `amount` and `recorded_on` are
/// optional here so a half-typed form can be kept as a draft; saving requires them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ValueEntryForm {
    pub account_id: i64,
    pub id: Option<i64>,
    pub category: ValueCategory,
    pub description: String,
    pub amount: Option<f64>,
    /// ISO 4217, e.g. "USD"; empty means the account's currency.
    pub currency: String,
    /// How the figure was worked out ("4 analysts × 6 h/week × $55/h × 48 weeks").
    pub measured_how: String,
    pub evidence: String,
    /// A link to what shows it (http or https only).
    pub evidence_url: String,
    pub usage_metric: Option<UsageMetric>,
    #[ts(type = "string | null")]
    pub recorded_on: Option<NaiveDate>,
    /// The milestone that produced it, one of the account's.
    pub milestone_id: Option<i64>,
    /// The contact at the client who confirmed it, one of the account's.
    pub confirmed_by: Option<i64>,
    pub confirmation: Confirmation,
    /// Also leave a note on the company in the CRM (through the outbox).
    pub tell_crm: bool,
}

/// A value entry as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRecord {
    pub id: i64,
    pub account_id: i64,
    pub category: ValueCategory,
    pub description: String,
    pub amount: f64,
    pub currency: String,
    pub measured_how: String,
    pub evidence: String,
    pub evidence_url: String,
    pub usage: Option<UsageFigure>,
    pub recorded_on: NaiveDate,
    pub milestone_id: Option<i64>,
    pub milestone: Option<String>,
    pub confirmed_by: Option<i64>,
    pub confirmed_by_name: Option<String>,
    pub confirmation: Confirmation,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A value entry ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ValueEntryView {
    pub id: i64,
    pub category: ValueCategory,
    pub description: String,
    pub amount: f64,
    pub currency: String,
    pub measured_how: String,
    pub evidence: String,
    pub evidence_url: String,
    pub usage: Option<UsageFigure>,
    #[ts(type = "string")]
    pub recorded_on: NaiveDate,
    pub milestone_id: Option<i64>,
    pub milestone: Option<String>,
    pub confirmed_by: Option<i64>,
    pub confirmed_by_name: Option<String>,
    pub confirmation: Confirmation,
    /// Counted in the totals: in the account's currency (others are listed, not converted:
    /// there are no exchange rates offline).
    pub counted: bool,
}

/// The value recorded in one calendar year, in the account's currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct YearValue {
    pub year: i32,
    pub total: f64,
    pub confirmed: f64,
    pub entries: i64,
}

/// What one milestone produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MilestoneValue {
    pub milestone_id: i64,
    pub name: String,
    pub total: f64,
}

/// A total in a currency other than the account's, kept apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OtherCurrency {
    pub currency: String,
    pub total: f64,
    pub entries: i64,
}

/// A contact who can confirm an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ContactChoice {
    pub id: i64,
    pub name: String,
    pub title: String,
}

/// An account's value ledger: entries newest first, totals per year, ROI against what the client
/// pays, and which milestones produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ValueLedger {
    pub currency: String,
    pub arr: f64,
    pub entries: Vec<ValueEntryView>,
    /// Newest year first.
    pub years: Vec<YearValue>,
    pub by_milestone: Vec<MilestoneValue>,
    /// Recorded in the 365 days up to today.
    pub last_12m: f64,
    pub last_12m_confirmed: f64,
    /// `last_12m ÷ ARR`: value delivered per unit paid; absent without ARR.
    pub roi_multiple: Option<f64>,
    pub roi_confirmed: Option<f64>,
    pub other_currencies: Vec<OtherCurrency>,
    pub contacts: Vec<ContactChoice>,
}
