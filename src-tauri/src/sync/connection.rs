//! A CRM connection as stored (no secrets: those live in the OS keychain) and its mapping settings.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::{Crm, DealKind};

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
