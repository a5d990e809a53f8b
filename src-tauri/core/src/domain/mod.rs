//! The bottom layer: the local cache's entities (DESIGN §3) and every type the store reads or
//! writes, shared by the demo generator, the store, sync and analytics. Depends on nothing else
//! in the crate.

pub mod adoption;
pub mod capture;
pub mod clock;
pub mod dataset;
pub mod expansion;
pub mod followup;
pub mod health;
pub mod insights;
pub mod journey;
pub mod playbook;
pub mod risk;
pub mod success;
pub mod sync;
pub mod usage;
pub mod value;
pub mod views;

pub use clock::Clock;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Crm {
    Demo,
    Hubspot,
    Salesforce,
}

impl Crm {
    pub fn as_str(self) -> &'static str {
        match self {
            Crm::Demo => "demo",
            Crm::Hubspot => "hubspot",
            Crm::Salesforce => "salesforce",
        }
    }
    /// The CRM's name as people write it.
    pub fn label(self) -> &'static str {
        match self {
            Crm::Demo => "Demo data",
            Crm::Hubspot => "HubSpot",
            Crm::Salesforce => "Salesforce",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "demo" => Some(Crm::Demo),
            "hubspot" => Some(Crm::Hubspot),
            "salesforce" => Some(Crm::Salesforce),
            _ => None,
        }
    }
}

/// Stage of the customer lifecycle (DESIGN §3 "lifecycle").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleStage {
    Onboarding,
    Adoption,
    Value,
    Renewal,
    Expansion,
    AtRisk,
    Churned,
}

impl LifecycleStage {
    pub const ALL: [LifecycleStage; 7] = [
        LifecycleStage::Onboarding,
        LifecycleStage::Adoption,
        LifecycleStage::Value,
        LifecycleStage::Renewal,
        LifecycleStage::Expansion,
        LifecycleStage::AtRisk,
        LifecycleStage::Churned,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleStage::Onboarding => "onboarding",
            LifecycleStage::Adoption => "adoption",
            LifecycleStage::Value => "value",
            LifecycleStage::Renewal => "renewal",
            LifecycleStage::Expansion => "expansion",
            LifecycleStage::AtRisk => "at_risk",
            LifecycleStage::Churned => "churned",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
    /// The stage's name in a sentence ("in adoption", "in at risk" reads "at risk").
    pub fn label(self) -> &'static str {
        match self {
            LifecycleStage::Onboarding => "onboarding",
            LifecycleStage::Adoption => "adoption",
            LifecycleStage::Value => "value",
            LifecycleStage::Renewal => "renewal",
            LifecycleStage::Expansion => "expansion",
            LifecycleStage::AtRisk => "at risk",
            LifecycleStage::Churned => "churned",
        }
    }
}

/// A client company.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: i64,
    pub crm: Crm,
    pub crm_id: String,
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub segment: String,
    pub tier: String,
    pub owner: String,
    pub stage: LifecycleStage,
    pub arr: f64,
    pub currency: String,
    pub contract_start: NaiveDate,
    pub renewal_date: Option<NaiveDate>,
    pub seats_purchased: i64,
    pub churned_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

impl Default for Account {
    fn default() -> Self {
        Account {
            id: 0,
            crm: Crm::Demo,
            crm_id: String::new(),
            name: String::new(),
            domain: String::new(),
            industry: String::new(),
            segment: String::new(),
            tier: String::new(),
            owner: String::new(),
            stage: LifecycleStage::Onboarding,
            arr: 0.0,
            currency: "USD".into(),
            contract_start: NaiveDate::MIN,
            renewal_date: None,
            seats_purchased: 0,
            churned_on: None,
            updated_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: i64,
    pub account_id: i64,
    pub crm_id: String,
    pub name: String,
    pub email: String,
    pub title: String,
    pub champion: bool,
    pub sponsor: bool,
    pub decision_maker: bool,
    pub advisory: bool,
    pub last_engaged: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
}

/// What a deal does to recurring revenue. `Other` is a CRM deal type Rapport does not map: it
/// counts towards no ARR or retention figure until the connection's mapping says what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DealKind {
    New,
    Renewal,
    Expansion,
    Contraction,
    Other,
}

impl DealKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DealKind::New => "new",
            DealKind::Renewal => "renewal",
            DealKind::Expansion => "expansion",
            DealKind::Contraction => "contraction",
            DealKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::New,
            Self::Renewal,
            Self::Expansion,
            Self::Contraction,
            Self::Other,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DealStatus {
    Open,
    Won,
    Lost,
}

impl DealStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DealStatus::Open => "open",
            DealStatus::Won => "won",
            DealStatus::Lost => "lost",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Won, Self::Lost]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A deal; `amount` is the ARR it adds (new, expansion), renews (renewal) or removes (contraction).
#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    pub id: i64,
    pub account_id: i64,
    pub crm_id: String,
    pub name: String,
    pub kind: DealKind,
    pub amount: f64,
    pub stage: String,
    pub close_date: NaiveDate,
    pub status: DealStatus,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: i64,
    pub account_id: i64,
    pub crm_id: String,
    pub subject: String,
    /// `low`, `medium`, `high` or `urgent`; the last two count as high priority.
    pub priority: String,
    pub status: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub csat: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub id: i64,
    pub account_id: i64,
    pub contact_id: Option<i64>,
    pub crm_id: String,
    /// `email`, `call`, `meeting`, `note` or `task`.
    pub kind: String,
    /// `inbound`, `outbound` or `internal`.
    pub direction: String,
    pub at: DateTime<Utc>,
    /// `sales`, `cs`, `support` or `delivery`.
    pub team: String,
    pub summary: String,
}

impl Activity {
    /// A touch that involved the client talking back: a meeting, a call, or an email they sent.
    pub fn is_two_way(&self) -> bool {
        matches!(self.kind.as_str(), "meeting" | "call")
            || (self.kind == "email" && self.direction == "inbound")
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsageDay {
    pub account_id: i64,
    pub day: NaiveDate,
    pub active_users: i64,
    pub seats_used: i64,
    pub feature_events: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SurveyKind {
    Nps,
    Csat,
    Ces,
}

impl SurveyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SurveyKind::Nps => "nps",
            SurveyKind::Csat => "csat",
            SurveyKind::Ces => "ces",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Nps, Self::Csat, Self::Ces]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SurveyResponse {
    pub id: i64,
    pub account_id: i64,
    pub contact_id: Option<i64>,
    pub kind: SurveyKind,
    pub score: i64,
    pub verbatim: String,
    pub channel: String,
    pub captured_at: DateTime<Utc>,
}

/// The AM's own read of an account, 1 (very negative) to 5 (very positive).
#[derive(Debug, Clone, PartialEq)]
pub struct SentimentEntry {
    pub account_id: i64,
    pub value: i64,
    pub note: String,
    pub set_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SuccessPlan {
    pub id: i64,
    pub account_id: i64,
    pub objective: String,
    pub metric: String,
    pub baseline: f64,
    pub current: f64,
    pub target: f64,
    /// When the plan was agreed (the demo's: the contract start).
    pub created_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    pub id: i64,
    pub plan_id: i64,
    pub account_id: i64,
    pub name: String,
    /// `onboarding`, `first_value`, `full_value` (ROI) or `adoption`.
    pub kind: String,
    pub target_date: NaiveDate,
    pub achieved_on: Option<NaiveDate>,
    /// `on_track`, `behind`, `stuck` or `done`.
    pub status: String,
    pub metric: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub current_on: Option<NaiveDate>,
    pub target: Option<f64>,
    pub start_on: NaiveDate,
    pub owner: String,
    pub position: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValueEntry {
    pub account_id: i64,
    pub milestone_id: Option<i64>,
    pub recorded_on: NaiveDate,
    pub description: String,
    pub amount: f64,
    pub category: value::ValueCategory,
    pub measured_how: String,
    pub confirmation: value::Confirmation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleEntry {
    pub account_id: i64,
    pub stage: LifecycleStage,
    pub entered_on: NaiveDate,
}
