//! CRM sync: connections, the pure planner, the HubSpot client and the engine that stores pages.

pub mod plan;
