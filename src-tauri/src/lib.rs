//! Rapport's domain library: encrypted store, demo portfolio, health scores, portfolio views.
//! Nothing here imports tauri except `app`, the desktop shell's glue.

pub mod app;
pub mod charts;
pub mod demo;
pub mod domain;
pub mod error;
pub mod health;
pub mod kpi;
pub mod portfolio;
pub mod secrets;
pub mod store;
pub mod sync;

#[cfg(test)]
mod bindings;

pub use error::{Error, ErrorCode, IpcError, Result};
pub use portfolio::{OpenOptions, Rapport};
