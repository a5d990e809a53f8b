//! CRM sync: connections, the pure planner, the HubSpot client and the engine that stores pages.

pub mod derive;
pub mod engine;
pub mod http;
pub mod hubspot;
pub mod plan;
pub mod salesforce;

pub use crate::domain::sync::{AuthKind, Connection, NewConnection, Settings};
pub use engine::{ObjectReport, Progress, ProgressFn, SyncReport};
