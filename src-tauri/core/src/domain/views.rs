//! Read models: the rows the store returns for screens and analytics (they cross IPC and are
//! mirrored in TypeScript), defined here so the store depends on nothing above it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::health::Band;
use super::{DealKind, DealStatus, LifecycleStage, SurveyKind};

/// One line of the portfolio table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PortfolioRow {
    pub id: i64,
    pub name: String,
    pub segment: String,
    pub industry: String,
    pub owner: String,
    pub stage: LifecycleStage,
    pub arr: f64,
    pub currency: String,
    pub score: Option<i64>,
    pub band: Option<Band>,
    /// Points since the previous snapshot.
    pub delta: Option<i64>,
    /// Scores of the last 90 days, oldest first, for the sparkline.
    pub trend: Vec<i64>,
    pub renewal_date: Option<NaiveDate>,
    pub days_to_renewal: Option<i64>,
    /// Probability (0–1) the churn model gives that it will not renew; `None` while the book
    /// has too little history for the model.
    pub risk: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ContactView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub title: String,
    pub champion: bool,
    pub sponsor: bool,
    pub decision_maker: bool,
    pub advisory: bool,
    pub last_engaged: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
    /// Why Rapport thinks they left, in words (bounced mail, removed from the company, ...).
    pub left_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DealView {
    pub id: i64,
    pub name: String,
    pub kind: DealKind,
    pub amount: f64,
    pub stage: String,
    pub close_date: NaiveDate,
    pub status: DealStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TicketView {
    pub id: i64,
    pub subject: String,
    pub priority: String,
    pub status: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub csat: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ActivityView {
    pub id: i64,
    pub kind: String,
    pub direction: String,
    pub team: String,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    pub summary: String,
    pub contact: Option<String>,
    /// Logged in Rapport (and sent, or on its way, to the CRM).
    pub captured_here: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FeedbackView {
    pub kind: SurveyKind,
    pub score: i64,
    pub verbatim: String,
    pub channel: String,
    #[ts(type = "string")]
    pub captured_at: DateTime<Utc>,
    pub contact: Option<String>,
    /// Logged in Rapport rather than read from the CRM.
    pub captured_here: bool,
}

/// What the retention KPIs need: every account's start and churn, and every closed deal.
#[derive(Debug, Clone, Default)]
pub struct RetentionInputs {
    /// Every account ever on the books, deleted ones included (they count in the cohorts they
    /// were part of).
    pub accounts: Vec<RetentionAccount>,
    /// `(account id, kind, status, amount, close date)` of closed deals.
    pub deals: Vec<(i64, DealKind, DealStatus, f64, NaiveDate)>,
}

/// One account as retention sees it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RetentionAccount {
    pub id: i64,
    pub contract_start: NaiveDate,
    pub churned_on: Option<NaiveDate>,
    /// The day it was deleted in the CRM: it left the books then, unless it churned before.
    pub deleted_on: Option<NaiveDate>,
    /// Its ARR now, used when no won deal explains its ARR (a CRM that keeps ARR on the
    /// account only).
    pub arr: f64,
}

/// What the stage is derived from, for one account on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct StageFacts {
    pub account_id: i64,
    pub contract_start: Option<NaiveDate>,
    pub renewal_date: Option<NaiveDate>,
    pub churned_on: Option<NaiveDate>,
    /// Today's health band (`None`: not scored).
    pub band: Option<Band>,
    /// An expansion deal is open, or the latest won one closed on this day.
    pub expansion_open: bool,
    pub expansion_won_on: Option<NaiveDate>,
    /// The first value milestone was achieved on this day.
    pub first_value_on: Option<NaiveDate>,
    /// The stage last derived (or last recorded in its history); `None` for an account with
    /// neither, as a sync first writes it.
    pub current: Option<LifecycleStage>,
}
