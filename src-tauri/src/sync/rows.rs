//! Rows a CRM page maps to, ready for the store's batched upserts.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{DealKind, DealStatus, LifecycleStage, SurveyKind};

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
