//! What sync writes: a CRM connection as stored (no secrets: those live in the OS keychain), its
//! mapping settings, and the rows a CRM page maps to, ready for the store's batched upserts.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Crm, DealKind, DealStatus, LifecycleStage, SurveyKind};

/// How a connection authenticates; the secret itself is in the keychain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// HubSpot private-app token or Salesforce session token.
    Token,
    /// OAuth refresh-token flow.
    Oauth,
}

impl AuthKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::Token => "token",
            AuthKind::Oauth => "oauth",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "token" => Some(AuthKind::Token),
            "oauth" => Some(AuthKind::Oauth),
            _ => None,
        }
    }
}

/// Editable mapping from CRM fields to Rapport's model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    pub arr_property: String,
    pub contract_start_property: String,
    pub renewal_property: String,
    pub seats_purchased_property: String,
    pub seats_used_property: String,
    pub active_users_property: String,
    /// The contact property holding buying roles (champion, executive sponsor, ...).
    pub role_property: String,
    /// CRM deal type → kind; types not listed are `other` and count towards nothing.
    pub deal_types: BTreeMap<String, DealKind>,
    pub won_stages: Vec<String>,
    pub lost_stages: Vec<String>,
    pub closed_ticket_stages: Vec<String>,
    /// The app's request budget per 10 s (HubSpot Starter 100, Pro/Enterprise 190).
    pub requests_per_10s: u32,
    /// An account property saying the client churned: a date (the churn date) or one of
    /// `churn_values`. Empty: churn comes from lost renewals only.
    pub churn_property: String,
    pub churn_values: Vec<String>,
    /// A contact property saying the person left the company: a date, or yes/true. Bounced
    /// mail and a removed company association count as well.
    pub left_company_property: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            arr_property: "annual_recurring_revenue".into(),
            contract_start_property: "contract_start_date".into(),
            renewal_property: "renewal_date".into(),
            seats_purchased_property: "seats_purchased".into(),
            seats_used_property: "seats_used".into(),
            active_users_property: "active_users".into(),
            role_property: "hs_buying_role".into(),
            // HubSpot's stock types are `newbusiness` and `existingbusiness`; existing business is
            // renewals and upsells alike, so it counts as a renewal (it keeps ARR, it is not
            // expansion). Portals often add their own `renewal`, `upsell`, `downgrade`.
            deal_types: [
                ("newbusiness", DealKind::New),
                ("existingbusiness", DealKind::Renewal),
                ("renewal", DealKind::Renewal),
                ("upsell", DealKind::Expansion),
                ("expansion", DealKind::Expansion),
                ("downgrade", DealKind::Contraction),
                ("contraction", DealKind::Contraction),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            won_stages: vec!["closedwon".into()],
            lost_stages: vec!["closedlost".into()],
            closed_ticket_stages: vec!["4".into()],
            requests_per_10s: 190,
            churn_property: String::new(),
            churn_values: vec!["churned".into(), "former customer".into(), "lost".into()],
            left_company_property: String::new(),
        }
    }
}

impl Settings {
    /// The mapped account properties (empty names left out), with the churn property.
    pub fn account_fields(&self) -> Vec<&str> {
        [
            &self.arr_property,
            &self.contract_start_property,
            &self.renewal_property,
            &self.seats_purchased_property,
            &self.seats_used_property,
            &self.active_users_property,
            &self.churn_property,
        ]
        .into_iter()
        .map(String::as_str)
        .filter(|f| !f.is_empty())
        .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub id: i64,
    pub name: String,
    pub crm: Crm,
    pub base_url: String,
    pub auth: AuthKind,
    pub settings: Settings,
    pub created_at: DateTime<Utc>,
}

/// What adding a connection needs.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConnection {
    pub name: String,
    pub crm: Crm,
    pub base_url: String,
    pub auth: AuthKind,
    pub settings: Settings,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountRow {
    pub crm_id: String,
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub segment: String,
    pub owner: String,
    /// The owner's id in the CRM (HubSpot owner id, Salesforce user id): tasks are assigned to it.
    pub owner_crm_id: Option<String>,
    pub stage: LifecycleStage,
    /// ARR from the mapped property; `None` when the record has no value (derived from deals).
    pub arr: Option<f64>,
    pub currency: String,
    /// Churn as the CRM's churn property says.
    pub churned_on: Option<NaiveDate>,
    pub contract_start: Option<NaiveDate>,
    pub renewal_date: Option<NaiveDate>,
    pub seats_purchased: i64,
    /// Usage figures read from the record, stored as that day's usage row.
    pub seats_used: Option<i64>,
    pub active_users: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContactRow {
    pub crm_id: String,
    pub account_crm_id: Option<String>,
    pub name: String,
    pub email: String,
    pub title: String,
    pub champion: bool,
    pub sponsor: bool,
    pub decision_maker: bool,
    pub advisory: bool,
    /// Left the company, and why in words ("mail to them bounces").
    pub left_on: Option<NaiveDate>,
    pub left_reason: Option<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DealRow {
    pub crm_id: String,
    pub account_crm_id: Option<String>,
    pub name: String,
    pub kind: DealKind,
    pub amount: f64,
    pub currency: String,
    pub stage: String,
    pub close_date: NaiveDate,
    pub status: DealStatus,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TicketRow {
    pub crm_id: String,
    pub account_crm_id: Option<String>,
    pub subject: String,
    pub priority: String,
    pub status: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    pub crm_id: String,
    pub account_crm_id: Option<String>,
    pub kind: &'static str,
    pub direction: String,
    pub occurred_at: DateTime<Utc>,
    pub summary: String,
    pub two_way: bool,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SurveyRow {
    pub crm_id: String,
    pub account_crm_id: Option<String>,
    pub kind: SurveyKind,
    pub score: i64,
    pub verbatim: String,
    pub captured_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where an object type's sync stands, as progress reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    /// Reading every record (first sync, full resync).
    Backfill,
    /// Reading what changed since the last sync.
    Changes,
    /// Checking which records were deleted in the CRM.
    Deletes,
    Done,
}

impl std::fmt::Display for SyncPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SyncPhase::Backfill => "reading everything",
            SyncPhase::Changes => "reading changes",
            SyncPhase::Deletes => "checking deletions",
            SyncPhase::Done => "done",
        })
    }
}

/// One page's worth of rows for one table.
#[derive(Debug, Clone, PartialEq)]
pub enum PageRows {
    Accounts(Vec<AccountRow>),
    Contacts(Vec<ContactRow>),
    Deals(Vec<DealRow>),
    Tickets(Vec<TicketRow>),
    Activities(Vec<ActivityRow>),
    Surveys(Vec<SurveyRow>),
    /// CRM ids of records archived (deleted) in the CRM.
    Deleted(Vec<String>),
}

impl PageRows {
    pub fn len(&self) -> usize {
        match self {
            PageRows::Accounts(v) => v.len(),
            PageRows::Contacts(v) => v.len(),
            PageRows::Deals(v) => v.len(),
            PageRows::Tickets(v) => v.len(),
            PageRows::Activities(v) => v.len(),
            PageRows::Surveys(v) => v.len(),
            PageRows::Deleted(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One closed or open deal of an account: kind, status, amount, close date.
pub type DealFact = (DealKind, DealStatus, f64, NaiveDate);

/// What the store holds about one synced account, for derivation.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountFacts {
    pub account_id: i64,
    /// The CRM's own ARR is used as is; otherwise it is derived.
    pub arr_from_crm: bool,
    /// Contract dates from the CRM (`None`: derive them).
    pub crm_contract_start: Option<NaiveDate>,
    pub crm_renewal_date: Option<NaiveDate>,
    /// Churn as the CRM's churn property says.
    pub crm_churned_on: Option<NaiveDate>,
    pub deals: Vec<DealFact>,
}

/// What derivation concluded; `None` fields are left as they are.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub account_id: i64,
    /// ARR from the won deals (`None` when the CRM's ARR is used).
    pub arr: Option<f64>,
    pub contract_start: Option<NaiveDate>,
    /// The renewal date and where it came from (`deals` or `anniversary`).
    pub renewal: Option<(NaiveDate, &'static str)>,
    /// Churn date and its source (`crm` or `deals`); `None`: on the books.
    pub churn: Option<(NaiveDate, &'static str)>,
}
