//! What the portfolio and account screens show; these types cross IPC and are mirrored in TypeScript.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::domain::views::*;
use crate::domain::{Crm, LifecycleStage};
use crate::health::HealthExplanation;
use crate::kpi::KpiTile;

/// Where the data on screen comes from and how fresh it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AppStatus {
    /// True while the store holds the generated demo portfolio.
    pub demo: bool,
    pub demo_seed: Option<String>,
    /// When the data was last refreshed (demo generation or last sync).
    #[ts(type = "string")]
    pub data_as_of: Option<DateTime<Utc>>,
    /// `keychain` or `passphrase`.
    pub key_source: String,
    pub data_dir: String,
    /// Accounts on the books (churned ones excluded).
    pub accounts: i64,
    /// Captured entries not yet delivered to their CRM.
    pub outbox_waiting: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct HealthDistribution {
    pub green: i64,
    pub yellow: i64,
    pub red: i64,
    pub unscored: i64,
}

/// The home screen: KPI tiles and the account table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Portfolio {
    /// The day the scores are for.
    pub scored_on: Option<NaiveDate>,
    pub status: AppStatus,
    pub kpis: Vec<KpiTile>,
    pub distribution: HealthDistribution,
    pub rows: Vec<PortfolioRow>,
    /// Open early warnings by severity.
    pub warnings: super::WarningCounts,
    /// Open tasks by when they are due.
    pub tasks: crate::domain::playbook::TaskCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AccountHeader {
    pub id: i64,
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub segment: String,
    pub tier: String,
    pub owner: String,
    pub stage: LifecycleStage,
    pub arr: f64,
    pub mrr: f64,
    pub currency: String,
    pub contract_start: NaiveDate,
    pub renewal_date: Option<NaiveDate>,
    pub days_to_renewal: Option<i64>,
    /// The user's local day of the last two-way conversation, and the days since it.
    pub last_two_way_on: Option<NaiveDate>,
    pub days_since_two_way: Option<i64>,
    pub seats_purchased: i64,
    pub crm: Crm,
    pub crm_id: String,
    pub churned_on: Option<NaiveDate>,
    /// How ARR was arrived at when the CRM holds none, in a sentence.
    pub arr_note: Option<String>,
    /// How the contract or renewal date was arrived at when the CRM holds none.
    pub dates_note: Option<String>,
    /// The day the current lifecycle stage began, and the days spent in it so far.
    pub stage_since: Option<NaiveDate>,
    pub days_in_stage: Option<i64>,
}

/// Everything the account screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AccountDetail {
    pub header: AccountHeader,
    pub health: Option<HealthExplanation>,
    /// 12-month health trend rendered by plotters, as a standalone SVG document.
    pub trend_svg: String,
    /// The same chart in the dark theme's colours.
    pub trend_svg_dark: String,
    pub contacts: Vec<ContactView>,
    pub open_deals: Vec<DealView>,
    pub tickets: Vec<TicketView>,
    pub feedback: Vec<FeedbackView>,
    pub timeline: Vec<ActivityView>,
    /// The account's early warnings, open first.
    pub alerts: Vec<crate::domain::risk::AlertView>,
    /// The churn model's risk for it, when the book's history allows a model.
    pub risk: Option<super::AccountRisk>,
    /// Its retention playbooks, active first, with their tasks.
    pub runs: Vec<crate::domain::playbook::RunView>,
    /// Its lifecycle stays and handoff checklists.
    pub journey: crate::domain::journey::AccountJourney,
    /// Its active users and seat utilisation over the year, and its key features.
    pub adoption: crate::domain::adoption::AccountAdoption,
    pub status: AppStatus,
}

/// A CRM connection as the settings screen shows it (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConnectionView {
    pub name: String,
    pub crm: Crm,
    pub base_url: String,
    /// When every object type last finished syncing.
    pub last_synced: Option<DateTime<Utc>>,
    /// The newest failed run's error, if the newest run of some type failed.
    pub last_error: Option<crate::error::IpcError>,
    /// What the mapping could not find in this CRM, in sentences.
    pub notes: Vec<String>,
    /// A plain http:// address to this computer (tests, local proxies).
    pub unencrypted: bool,
    pub requests_per_10s: u32,
    /// How CRM fields map to Rapport's (editable).
    pub settings: crate::sync::Settings,
    /// Whether health scores are written back to this CRM.
    pub score_writeback: bool,
}

/// Credentials typed into the connect or edit form; they go straight to the keychain.
#[derive(Clone, PartialEq, Deserialize, TS)]
pub struct CrmCredentials {
    pub token: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for CrmCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CrmCredentials(…)")
    }
}

impl From<CrmCredentials> for crate::secrets::CrmSecret {
    fn from(c: CrmCredentials) -> Self {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        crate::secrets::CrmSecret {
            token: clean(c.token),
            client_id: clean(c.client_id),
            client_secret: clean(c.client_secret),
            refresh_token: clean(c.refresh_token),
        }
    }
}

/// A browser sign-in as the connect form asks for it.
#[derive(Clone, PartialEq, Deserialize, TS)]
pub struct SignInForm {
    pub crm: Crm,
    pub name: String,
    /// HubSpot's API address or Salesforce's login address; empty for the CRM's own.
    pub base_url: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub port: u16,
}

impl std::fmt::Debug for SignInForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignInForm(…)")
    }
}

/// What the browser sign-in form starts from for one CRM.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct SignInDefaults {
    pub crm: Crm,
    /// The app last signed in with here, else the organisation's (`RAPPORT_<CRM>_CLIENT_ID`).
    pub client_id: String,
    pub base_url: String,
    pub port: u16,
    /// The address to register with the CRM's app for `port`.
    pub redirect_uri: String,
}
