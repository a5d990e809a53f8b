//! Rapport's domain library: encrypted store, CRM sync, demo portfolio, health scores, KPIs and
//! the application service the desktop shell and the CLI both call. It never imports tauri: the
//! desktop shell is its own crate on top (`src-tauri`), so the compiler keeps the rule.

pub mod charts;
pub mod demo;
pub mod domain;
pub mod error;
pub mod expansion;
pub mod feedback;
pub mod health;
pub mod kpi;
pub mod lifecycle;
pub mod playbooks;
pub mod portfolio;
pub mod risk;
pub mod secrets;
pub mod store;
pub mod sync;
pub mod usage;
pub mod value;

#[cfg(test)]
mod bindings;
#[cfg(test)]
mod layers;

pub use error::{Error, ErrorCode, IpcError, Result};
pub use portfolio::{OpenOptions, Rapport};
