//! CRM sync: connections, the pure planner, the HubSpot client and the engine that stores pages.

pub mod connection;
pub mod derive;
pub mod engine;
pub mod http;
pub mod hubspot;
pub mod plan;
pub mod rows;
pub mod salesforce;

pub use connection::{AuthKind, Connection, NewConnection, Settings};
pub use engine::{ObjectReport, Progress, ProgressFn, SyncReport};
