//! What sync writes: a CRM connection as stored (no secrets: those live in the OS keychain), its
//! mapping settings, and the rows a CRM page maps to, ready for the store's batched upserts.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Crm, DealKind};

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
    /// CRM deal type → kind; unknown types count as `new`.
    pub deal_types: BTreeMap<String, DealKind>,
    pub won_stages: Vec<String>,
    pub lost_stages: Vec<String>,
    pub closed_ticket_stages: Vec<String>,
    /// The app's request budget per 10 s (HubSpot Starter 100, Pro/Enterprise 190).
    pub requests_per_10s: u32,
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
            deal_types: [
                ("newbusiness", DealKind::New),
                ("renewal", DealKind::Renewal),
                ("existingbusiness", DealKind::Expansion),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            won_stages: vec!["closedwon".into()],
            lost_stages: vec!["closedlost".into()],
            closed_ticket_stages: vec!["4".into()],
            requests_per_10s: 190,
        }
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

use super::{DealStatus, LifecycleStage, SurveyKind};

#[derive(Debug, Clone, PartialEq)]
pub struct AccountRow {
    pub crm_id: String,
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub segment: String,
    pub owner: String,
    pub stage: LifecycleStage,
    pub arr: f64,
    pub currency: String,
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
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DealRow {
    pub crm_id: String,
    pub account_crm_id: Option<String>,
    pub name: String,
    pub kind: DealKind,
    pub amount: f64,
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
