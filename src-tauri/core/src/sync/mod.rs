//! CRM sync: one loop over a connector per CRM (`hubspot/`, `salesforce/`), each with its own
//! pure planner, client and mapping; shared here: the loop, HTTP pacing and retries, and the
//! derivation of what neither CRM holds as such.

pub mod derive;
pub mod engine;
pub mod http;
pub mod hubspot;
pub mod oauth;
pub mod salesforce;

pub use crate::domain::sync::{AuthKind, Connection, NewConnection, Settings, SyncPhase};
pub use engine::{Budget, ObjectReport, Progress, ProgressFn, SyncReport};
