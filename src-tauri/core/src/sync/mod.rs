//! CRM sync: one loop over a connector per CRM (`hubspot/`, `salesforce/`), each with its own
//! pure planner, client and mapping; shared here: the loop, HTTP pacing and retries, and the
//! derivation of what neither CRM holds as such.

pub mod derive;
pub mod engine;
pub mod http;
pub mod hubspot;
pub mod oauth;
pub mod outbox;
pub mod salesforce;

pub use crate::domain::sync::{AuthKind, Connection, NewConnection, Settings, SyncPhase};
pub use engine::{Budget, ObjectReport, Progress, ProgressFn, SyncReport};

/// HubSpot's API host.
pub const HUBSPOT_API: &str = "https://api.hubapi.com";
/// Salesforce's login host (OAuth); data calls go to the `instance_url` it returns.
pub const SALESFORCE_LOGIN: &str = "https://login.salesforce.com";

/// Where a CRM connection signs in when no address is given: HubSpot's API host, Salesforce's
/// login host.
pub fn default_base(crm: crate::domain::Crm) -> &'static str {
    match crm {
        crate::domain::Crm::Salesforce => SALESFORCE_LOGIN,
        _ => HUBSPOT_API,
    }
}
